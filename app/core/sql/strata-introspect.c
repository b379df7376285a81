/* strata-introspect.c: helpers shared by the catalog readers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-introspect"

#include "config.h"

#include <string.h>

#include "strata-introspect-private.h"
#include "strata-sql-lexer-private.h"

/* The index of the parenthesis that closes the one at @open, or -1. */
static gssize
matching_paren (const char *text,
                gsize       open)
{
  int depth = 0;

  for (gsize i = open; text[i] != '\0'; i++)
    {
      if (text[i] == '\'' || text[i] == '"')
        {
          const char *end = _strata_sql_skip_token (text, text + i, STRATA_SQL_LEX_STANDARD);

          /* Unterminated: no match. */
          if (end[-1] != text[i] || end == text + i + 1)
            return -1;
          i = end - text - 1;
        }
      else if (text[i] == '(')
        depth++;
      else if (text[i] == ')' && --depth == 0)
        return i;
    }

  return -1;
}

char *
_strata_introspect_strip_parens (const char *expression)
{
  char *text = g_strstrip (g_strdup (expression));

  for (;;)
    {
      gsize len = strlen (text);
      char *inner;

      if (len < 2 || text[0] != '(' || matching_paren (text, 0) != (gssize)len - 1)
        return text;

      inner = g_strstrip (g_strndup (text + 1, len - 2));
      g_free (text);
      text = inner;
    }
}

StrataDataType *
_strata_introspect_type (const char *declared)
{
  static const struct { const char *catalog; const char *portable; } names[] = {
    { "integer", "integer" }, { "int", "integer" }, { "int4", "integer" },
    { "bigint", "bigint" }, { "int8", "bigint" },
    { "smallint", "smallint" }, { "int2", "smallint" },
    { "boolean", "boolean" }, { "bool", "boolean" },
    { "real", "real" }, { "float4", "real" },
    { "double precision", "double" }, { "double", "double" }, { "float8", "double" },
    { "numeric", "numeric" }, { "decimal", "numeric" },
    { "text", "text" },
    { "varchar", "varchar" }, { "character varying", "varchar" },
    { "char", "char" }, { "character", "char" }, { "bpchar", "char" },
    { "date", "date" },
    { "time", "time" }, { "time without time zone", "time" },
    { "timestamp", "timestamp" }, { "timestamp without time zone", "timestamp" },
    { "timestamptz", "timestamptz" }, { "timestamp with time zone", "timestamptz" },
    { "uuid", "uuid" },
    { "json", "json" }, { "jsonb", "json" },
    { "blob", "blob" }, { "bytea", "blob" },
  };
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GString) args = g_string_new (NULL);
  const char *p = declared;

  /* "NUMERIC(10, 2)" → "numeric" + "(10,2)"; PostgreSQL writes
   * "timestamp(3) with time zone" with the arguments in the middle. */
  while (*p)
    {
      if (*p == '(')
        {
          while (*p && *p != ')')
            {
              if (!g_ascii_isspace (*p))
                g_string_append_c (args, *p);
              p++;
            }
          if (*p == ')')
            {
              g_string_append_c (args, ')');
              p++;
            }
        }
      else if (g_ascii_isspace (*p))
        {
          if (name->len > 0 && name->str[name->len - 1] != ' ')
            g_string_append_c (name, ' ');
          p++;
        }
      else
        g_string_append_c (name, g_ascii_tolower (*p++));
    }

  while (name->len > 0 && name->str[name->len - 1] == ' ')
    g_string_truncate (name, name->len - 1);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (name->str, names[i].catalog))
      {
        g_autofree char *portable = g_strconcat (names[i].portable, args->str, NULL);
        return strata_data_type_new (portable);
      }

  return strata_data_type_new (declared);
}

StrataReferentialAction
_strata_introspect_action (const char *text)
{
  if (text == NULL)
    return STRATA_REFERENTIAL_ACTION_NONE;
  if (g_ascii_strcasecmp (text, "CASCADE") == 0 || g_str_equal (text, "c"))
    return STRATA_REFERENTIAL_ACTION_CASCADE;
  if (g_ascii_strcasecmp (text, "RESTRICT") == 0 || g_str_equal (text, "r"))
    return STRATA_REFERENTIAL_ACTION_RESTRICT;
  if (g_ascii_strcasecmp (text, "SET NULL") == 0 || g_str_equal (text, "n"))
    return STRATA_REFERENTIAL_ACTION_SET_NULL;
  if (g_ascii_strcasecmp (text, "SET DEFAULT") == 0 || g_str_equal (text, "d"))
    return STRATA_REFERENTIAL_ACTION_SET_DEFAULT;

  return STRATA_REFERENTIAL_ACTION_NONE;
}

gboolean
_strata_introspect_excluded (const char * const *exclude,
                             const char         *table)
{
  return exclude != NULL && g_strv_contains (exclude, table);
}
