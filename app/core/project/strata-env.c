/* strata-env.c: ${VAR} and ${VAR:-default} in strata.ini and .env values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-env"

#include "config.h"

#include <string.h>

#include "strata-env.h"
#include "strata-error.h"
#include "strata-i18n-private.h"

/* One ${…} reference at @p (python-dotenv's pattern
 * \$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}); FALSE when the text at
 * @p is not one, and is then kept as it is. */
static gboolean
match_variable (const char  *p,
                char       **name,
                char       **fallback,
                const char **end)
{
  const char *q;
  gsize name_len;

  if (p[0] != '$' || p[1] != '{')
    return FALSE;

  q = p + 2;
  name_len = strcspn (q, "}:");

  if (q[name_len] == '}')
    {
      *name = g_strndup (q, name_len);
      *fallback = NULL;
      *end = q + name_len + 1;
      return TRUE;
    }

  if (q[name_len] == ':' && q[name_len + 1] == '-')
    {
      const char *d = q + name_len + 2;
      gsize d_len = strcspn (d, "}");

      if (d[d_len] != '}')
        return FALSE;

      *name = g_strndup (q, name_len);
      *fallback = g_strndup (d, d_len);
      *end = d + d_len + 1;
      return TRUE;
    }

  return FALSE;
}

gboolean
strata_env_has_variables (const char *text)
{
  g_auto(GStrv) names = NULL;

  if (text == NULL || strstr (text, "${") == NULL)
    return FALSE;

  names = strata_env_list_variables (text);
  return names[0] != NULL;
}

/**
 * strata_env_list_variables:
 * @text: a value
 *
 * Returns: (transfer full): the names of the variables @text refers to
 */
char **
strata_env_list_variables (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (const char *p = text; p != NULL && (p = strstr (p, "${")) != NULL;)
    {
      g_autofree char *name = NULL;
      g_autofree char *fallback = NULL;
      const char *end;

      if (match_variable (p, &name, &fallback, &end))
        {
          g_strv_builder_add (builder, name);
          p = end;
        }
      else
        p++;
    }

  return g_strv_builder_end (builder);
}

/**
 * strata_env_expand:
 * @text: a value of strata.ini or .env
 * @lookup: (scope call): gives a variable's value
 * @user_data: for @lookup
 * @flags: %STRATA_ENV_EXPAND_URL for a database URL
 * @where: (nullable): the value's place, for errors
 * @error: return location for a #GError
 *
 * Returns: (transfer full): @text with its variables replaced, or %NULL with
 *   STRATA_ERROR_PROJECT when a URL refers to a variable that is not set
 */
char *
strata_env_expand (const char            *text,
                   StrataEnvLookupFunc    lookup,
                   gpointer               user_data,
                   StrataEnvExpandFlags   flags,
                   const char            *where,
                   GError               **error)
{
  g_autoptr(GString) out = NULL;
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (lookup != NULL, NULL);

  out = g_string_sized_new (strlen (text));

  while (*p != '\0')
    {
      g_autofree char *name = NULL;
      g_autofree char *fallback = NULL;
      const char *end;
      const char *value;

      if (!match_variable (p, &name, &fallback, &end))
        {
          g_string_append_c (out, *p++);
          continue;
        }

      value = *name != '\0' ? lookup (name, user_data) : NULL;
      if (value == NULL)
        value = fallback;

      if (value == NULL && (flags & STRATA_ENV_EXPAND_URL) != 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                       _("%s%sthe URL uses ${%s}, which is not set in the environment or in .env "
                         "(set it, or write ${%s:-default})"),
                       where ? where : "", where ? ": " : "", name, name);
          return NULL;
        }

      if (value != NULL)
        {
          /* Inside a URL the value is one part of it, whatever it holds:
           * percent-encoded, which the URL parser decodes again. Before the
           * "scheme://" it is (the start of) a URL itself. */
          if ((flags & STRATA_ENV_EXPAND_URL) != 0 && strstr (out->str, "://") != NULL)
            {
              gboolean sqlite = g_str_has_prefix (out->str, "sqlite");
              g_autofree char *escaped = g_uri_escape_string (value, sqlite ? "/" : NULL, FALSE);

              g_string_append (out, escaped);
            }
          else
            g_string_append (out, value);
        }

      p = end;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
