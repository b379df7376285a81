/* strata-profile.c: a named connection to a database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-profile"

#include "config.h"

#include <string.h>

#include "strata-enum-types.h"
#include "strata-driver.h"
#include "strata-error.h"
#include "strata-profile-private.h"
#include "strata-project.h"
#include "strata-url.h"
#include "strata-i18n-private.h"

#define MAX_NAME_LENGTH 200

G_DEFINE_FINAL_TYPE (StrataProfile, strata_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_ORIGIN,
  PROP_ENGINE,
  PROP_HOST,
  PROP_PORT,
  PROP_USER,
  PROP_DATABASE,
  PROP_PATH,
  PROP_PARAMS,
  PROP_ROLE,
  PROP_NOTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const role_names[] = {
  [STRATA_PROFILE_ROLE_DEVELOPMENT] = "development",
  [STRATA_PROFILE_ROLE_STAGING] = "staging",
  [STRATA_PROFILE_ROLE_PRODUCTION] = "production",
};

static const char * const origin_names[] = {
  [STRATA_PROFILE_ORIGIN_URL] = "url",
  [STRATA_PROFILE_ORIGIN_PROJECT] = "project",
  [STRATA_PROFILE_ORIGIN_USER] = "user",
};

const char *
strata_profile_role_to_string (StrataProfileRole role)
{
  g_return_val_if_fail (role <= STRATA_PROFILE_ROLE_PRODUCTION, NULL);

  return role_names[role];
}

gboolean
strata_profile_role_from_string (const char        *text,
                                 StrataProfileRole *role)
{
  g_return_val_if_fail (role != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_ascii_strcasecmp (text, role_names[i]) == 0)
      {
        *role = (StrataProfileRole)i;
        return TRUE;
      }

  return FALSE;
}

const char *
strata_profile_origin_to_string (StrataProfileOrigin origin)
{
  g_return_val_if_fail (origin <= STRATA_PROFILE_ORIGIN_USER, NULL);

  return origin_names[origin];
}

/* Overwrites a password before freeing it. */
void
_strata_profile_clear_password (char **password)
{
  if (*password != NULL)
    {
      explicit_bzero (*password, strlen (*password));
      g_clear_pointer (password, g_free);
    }
}

static void
strata_profile_finalize (GObject *object)
{
  StrataProfile *self = (StrataProfile *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->engine, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->params, g_free);
  g_clear_pointer (&self->notes, g_free);
  _strata_profile_clear_password (&self->password);

  G_OBJECT_CLASS (strata_profile_parent_class)->finalize (object);
}

static void
strata_profile_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StrataProfile *self = STRATA_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ORIGIN:
      g_value_set_enum (value, self->origin);
      break;
    case PROP_ENGINE:
      g_value_set_string (value, self->engine);
      break;
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_DATABASE:
      g_value_set_string (value, self->database);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_PARAMS:
      g_value_set_string (value, self->params);
      break;
    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;
    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_profile_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StrataProfile *self = STRATA_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      strata_profile_set_id (self, g_value_get_string (value));
      break;
    case PROP_NAME:
      strata_profile_set_name (self, g_value_get_string (value));
      break;
    case PROP_ORIGIN:
      self->origin = g_value_get_enum (value);
      break;
    case PROP_ENGINE:
      strata_profile_set_engine (self, g_value_get_string (value));
      break;
    case PROP_HOST:
      strata_profile_set_host (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      strata_profile_set_port (self, g_value_get_uint (value));
      break;
    case PROP_USER:
      strata_profile_set_user (self, g_value_get_string (value));
      break;
    case PROP_DATABASE:
      strata_profile_set_database (self, g_value_get_string (value));
      break;
    case PROP_PATH:
      strata_profile_set_path (self, g_value_get_string (value));
      break;
    case PROP_PARAMS:
      strata_profile_set_params (self, g_value_get_string (value));
      break;
    case PROP_ROLE:
      strata_profile_set_role (self, g_value_get_enum (value));
      break;
    case PROP_NOTES:
      strata_profile_set_notes (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_profile_class_init (StrataProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_profile_finalize;
  object_class->get_property = strata_profile_get_property;
  object_class->set_property = strata_profile_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORIGIN] =
    g_param_spec_enum ("origin", NULL, NULL,
                       STRATA_TYPE_PROFILE_ORIGIN, STRATA_PROFILE_ORIGIN_USER,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENGINE] =
    g_param_spec_string ("engine", NULL, NULL, "postgresql",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATABASE] =
    g_param_spec_string ("database", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAMS] =
    g_param_spec_string ("params", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL,
                       STRATA_TYPE_PROFILE_ROLE, STRATA_PROFILE_ROLE_DEVELOPMENT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOTES] =
    g_param_spec_string ("notes", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_profile_init (StrataProfile *self)
{
  self->engine = g_strdup ("postgresql");
  self->role = STRATA_PROFILE_ROLE_DEVELOPMENT;
}

/**
 * strata_profile_new:
 * @name: the profile's name
 *
 * Returns: (transfer full): a new user profile with a fresh id
 */
StrataProfile *
strata_profile_new (const char *name)
{
  g_autofree char *id = g_uuid_string_random ();

  return g_object_new (STRATA_TYPE_PROFILE,
                       "origin", STRATA_PROFILE_ORIGIN_USER,
                       "id", id,
                       "name", name,
                       NULL);
}

/* The same server, port, user and database give the same id: a project's
 * profile keeps its keyring entry across checkouts and URL parameters. */
static char *
derive_id (StrataProfile *self)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  const char *parts[] = {
    self->engine, self->host, port, self->user, self->database, self->path,
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *part = parts[i] ? parts[i] : "";

      g_checksum_update (checksum, (const guchar *)part, strlen (part) + 1);
    }

  return g_strdup_printf ("db-%.32s", g_checksum_get_string (checksum));
}

/**
 * strata_profile_new_from_url:
 *
 * Returns: (transfer full): a new profile, or %NULL with @error set
 */
StrataProfile *
strata_profile_new_from_url (StrataProfileOrigin   origin,
                             const char           *name,
                             const char           *url,
                             GError              **error)
{
  g_autoptr(StrataProfile) self = NULL;

  g_return_val_if_fail (origin <= STRATA_PROFILE_ORIGIN_USER, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (STRATA_TYPE_PROFILE,
                       "origin", origin,
                       "name", name,
                       NULL);

  if (!strata_profile_set_url (self, url, error))
    return NULL;

  if (origin == STRATA_PROFILE_ORIGIN_USER)
    self->id = g_uuid_string_random ();
  else
    self->id = derive_id (self);

  return g_steal_pointer (&self);
}

static gboolean
set_string (StrataProfile  *self,
            char          **field,
            const char     *value,
            guint           prop_id)
{
  /* Empty means unset: forms give "" for an empty row. */
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  return TRUE;
}

static char *
params_from_url (StrataUrl *url)
{
  const char * const *names = strata_url_get_param_names (url);
  GString *out = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (out->len > 0)
        g_string_append_c (out, '&');
      g_string_append_uri_escaped (out, names[i], NULL, TRUE);
      g_string_append_c (out, '=');
      g_string_append_uri_escaped (out, strata_url_get_param (url, names[i]), "/:,", TRUE);
    }

  if (out->len == 0)
    return (g_string_free (out, TRUE), NULL);
  return g_string_free (out, FALSE);
}

gboolean
strata_profile_set_url (StrataProfile  *self,
                        const char     *url,
                        GError        **error)
{
  g_autoptr(StrataUrl) parsed = NULL;
  g_autofree char *params = NULL;
  g_autofree char *host = NULL;
  guint port = 0;

  g_return_val_if_fail (STRATA_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (url != NULL, FALSE);

  if (!(parsed = strata_url_parse (url, error)))
    return FALSE;

  params = params_from_url (parsed);

  g_object_freeze_notify (G_OBJECT (self));

  if (strata_url_get_dialect (parsed) == STRATA_DIALECT_SQLITE)
    {
      set_string (self, &self->engine, "sqlite", PROP_ENGINE);
      set_string (self, &self->host, NULL, PROP_HOST);
      strata_profile_set_port (self, 0);
      set_string (self, &self->user, NULL, PROP_USER);
      set_string (self, &self->database, NULL, PROP_DATABASE);
      set_string (self, &self->path, strata_url_get_database (parsed), PROP_PATH);
    }
  else
    {
      const StrataUrlHost *hosts;
      guint n_hosts = 0;
      g_autoptr(GString) names = g_string_new (NULL);
      g_autoptr(GString) ports = g_string_new (NULL);
      gboolean same_port = TRUE;

      hosts = strata_url_get_hosts (parsed, &n_hosts);
      for (guint i = 0; i < n_hosts; i++)
        {
          if (i > 0)
            {
              g_string_append_c (names, ',');
              g_string_append_c (ports, ',');
              same_port = same_port && hosts[i].port == hosts[0].port;
            }
          if (hosts[i].name != NULL)
            g_string_append (names, hosts[i].name);
          if (hosts[i].port != 0)
            g_string_append_printf (ports, "%u", hosts[i].port);
        }

      if (names->len > 0 && strspn (names->str, ",") != names->len)
        host = g_strdup (names->str);

      if (n_hosts > 0 && same_port)
        port = hosts[0].port;
      else if (n_hosts > 0)
        {
          /* Different ports per host: libpq's port list, as a parameter. */
          g_autofree char *old = g_steal_pointer (&params);

          params = g_strdup_printf ("port=%s%s%s", ports->str, old ? "&" : "", old ? old : "");
        }

      set_string (self, &self->engine, "postgresql", PROP_ENGINE);
      set_string (self, &self->host, host, PROP_HOST);
      strata_profile_set_port (self, port);
      set_string (self, &self->user, strata_url_get_user (parsed), PROP_USER);
      set_string (self, &self->database, strata_url_get_database (parsed), PROP_DATABASE);
      set_string (self, &self->path, NULL, PROP_PATH);
    }

  set_string (self, &self->params, params, PROP_PARAMS);
  if (strata_url_has_password (parsed))
    strata_profile_set_password (self, strata_url_get_password (parsed));

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

/* The URL as assembled from the parts, before canonicalisation. Hosts go in
 * ?host= (libpq's list form), which takes names, addresses and socket
 * directories alike. */
static char *
build_url (StrataProfile *self,
           const char    *password)
{
  GString *out;
  gboolean first = TRUE;

  if (g_strcmp0 (self->engine, "sqlite") == 0)
    {
      out = g_string_new ("sqlite://");
      if (self->path != NULL)
        {
          g_string_append_c (out, '/');
          g_string_append_uri_escaped (out, self->path, "/", TRUE);
        }
      if (self->params != NULL)
        g_string_append_printf (out, "?%s", self->params);
      return g_string_free (out, FALSE);
    }

  out = g_string_new (self->engine ? self->engine : "postgresql");
  g_string_append (out, "://");

  if (self->user != NULL || password != NULL)
    {
      if (self->user != NULL)
        g_string_append_uri_escaped (out, self->user, NULL, TRUE);
      if (password != NULL)
        {
          g_string_append_c (out, ':');
          g_string_append_uri_escaped (out, password, NULL, TRUE);
        }
      g_string_append_c (out, '@');
    }

  if (self->database != NULL)
    {
      g_string_append_c (out, '/');
      g_string_append_uri_escaped (out, self->database, NULL, TRUE);
    }

  if (self->host != NULL)
    {
      g_string_append (out, first ? "?" : "&");
      first = FALSE;
      g_string_append (out, "host=");
      g_string_append_uri_escaped (out, self->host, ",:", TRUE);
    }
  if (self->port != 0)
    {
      g_string_append (out, first ? "?" : "&");
      first = FALSE;
      g_string_append_printf (out, "port=%u", self->port);
    }
  if (self->params != NULL)
    {
      g_string_append (out, first ? "?" : "&");
      g_string_append (out, self->params);
    }

  return g_string_free (out, FALSE);
}

static StrataUrl *
parse_parts (StrataProfile  *self,
             const char     *password,
             GError        **error)
{
  g_autofree char *raw = build_url (self, password);
  StrataUrl *url;

  url = strata_url_parse (raw, error);
  explicit_bzero (raw, strlen (raw));

  return url;
}

char *
_strata_profile_dup_url_with (StrataProfile *self,
                              const char    *password)
{
  g_autoptr(StrataUrl) url = NULL;

  if (!(url = parse_parts (self, password, NULL)))
    {
      /* Invalid parts (strata_profile_validate says which): still give
       * something to show, but never a password in it. */
      return build_url (self, NULL);
    }

  return strata_url_to_string (url, FALSE);
}

/**
 * strata_profile_dup_url:
 *
 * Returns: (transfer full): the profile's URL
 */
char *
strata_profile_dup_url (StrataProfile *self,
                        gboolean       with_password)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);

  return _strata_profile_dup_url_with (self, with_password ? self->password : NULL);
}

/**
 * strata_profile_dup_display_url:
 *
 * Returns: (transfer full): the URL with its password, if any, as `***`
 */
char *
strata_profile_dup_display_url (StrataProfile *self)
{
  g_autoptr(StrataUrl) url = NULL;

  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);

  if (!(url = parse_parts (self, self->password, NULL)))
    return build_url (self, NULL);

  return strata_url_to_string (url, TRUE);
}

/* libpq parameters that change neither which server a password goes to nor
 * how it travels there. Every other parameter (hostaddr, service, sslmode,
 * sslrootcert, requiressl, gssencmode, channel_binding, require_auth,
 * passfile, …, and any parameter a newer libpq adds) binds a saved password:
 * unknown means bound. */
static const char * const unbinding_params[] = {
  "application_name",
  "fallback_application_name",
  "client_encoding",
  "connect_timeout",
  "keepalives",
  "keepalives_count",
  "keepalives_idle",
  "keepalives_interval",
  "options",
  "target_session_attrs",
  "tcp_user_timeout",
};

static gboolean
param_binds_secret (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (unbinding_params); i++)
    {
      if (g_ascii_strcasecmp (name, unbinding_params[i]) == 0)
        return FALSE;
    }

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/**
 * strata_profile_dup_destination:
 *
 * Returns: (transfer full): where a password sent for the profile goes
 */
char *
strata_profile_dup_destination (StrataProfile *self)
{
  g_autoptr(StrataUrl) url = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char * const *all;
  const StrataUrlHost *hosts;
  guint n_hosts = 0;
  GString *out;

  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);

  if (!(url = parse_parts (self, NULL, NULL)))
    return build_url (self, NULL);

  if (strata_url_get_dialect (url) == STRATA_DIALECT_SQLITE)
    return strata_url_to_string (url, FALSE);

  out = g_string_new ("postgresql://");
  if (strata_url_get_user (url) != NULL)
    {
      g_string_append_uri_escaped (out, strata_url_get_user (url), NULL, TRUE);
      g_string_append_c (out, '@');
    }

  hosts = strata_url_get_hosts (url, &n_hosts);
  for (guint i = 0; i < n_hosts; i++)
    {
      const char *name = hosts[i].name;

      if (i > 0)
        g_string_append_c (out, ',');
      if (name == NULL)
        g_string_append (out, "(default)");
      else if (strchr (name, ':') != NULL)
        g_string_append_printf (out, "[%s]", name);
      else
        g_string_append_uri_escaped (out, name, NULL, TRUE);
      if (hosts[i].port != 0)
        g_string_append_printf (out, ":%u", hosts[i].port);
    }

  g_string_append_c (out, '/');
  if (strata_url_get_database (url) != NULL)
    g_string_append_uri_escaped (out, strata_url_get_database (url), NULL, TRUE);

  /* In a canonical order, so that the same destination always reads the
   * same whatever order the URL had. */
  names = g_ptr_array_new ();
  all = strata_url_get_param_names (url);
  for (guint i = 0; all[i] != NULL; i++)
    {
      if (param_binds_secret (all[i]))
        g_ptr_array_add (names, (gpointer)all[i]);
    }
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      g_string_append_c (out, i == 0 ? '?' : '&');
      g_string_append_uri_escaped (out, name, NULL, TRUE);
      g_string_append_c (out, '=');
      g_string_append_uri_escaped (out, strata_url_get_param (url, name), "/:,", TRUE);
    }

  return g_string_free (out, FALSE);
}

static gboolean
name_is_valid (const char  *name,
               const char **reason)
{
  glong length;

  if (name == NULL || *name == '\0')
    return (*reason = _("it is empty"), FALSE);
  if (!g_utf8_validate (name, -1, NULL))
    return (*reason = _("it is not valid UTF-8"), FALSE);

  length = g_utf8_strlen (name, -1);
  if (length > MAX_NAME_LENGTH)
    return (*reason = _("it is longer than 200 characters"), FALSE);

  for (const char *p = name; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return (*reason = _("it holds a control character"), FALSE);

  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    return (*reason = _("it starts or ends with a space"), FALSE);
  if (name[0] == '-')
    return (*reason = _("it starts with “-”"), FALSE);

  return TRUE;
}

gboolean
strata_profile_validate (StrataProfile  *self,
                         GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataUrl) url = NULL;
  const char *reason = NULL;

  g_return_val_if_fail (STRATA_IS_PROFILE (self), FALSE);

  if (self->origin != STRATA_PROFILE_ORIGIN_URL && !name_is_valid (self->name, &reason))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("invalid profile name “%s”: %s"), self->name ? self->name : "", reason);
      return FALSE;
    }

  if (g_strcmp0 (self->engine, "sqlite") != 0 && g_strcmp0 (self->engine, "postgresql") != 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s”: unknown engine “%s” (sqlite or postgresql)"),
                   self->name ? self->name : "", self->engine ? self->engine : "");
      return FALSE;
    }

  if (!(url = parse_parts (self, NULL, &local_error)))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s”: %s"), self->name ? self->name : "", local_error->message);
      return FALSE;
    }

  return TRUE;
}

const char *
strata_profile_get_id (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->id;
}

void
strata_profile_set_id (StrataProfile *self,
                       const char    *id)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->id, id, PROP_ID);
}

const char *
strata_profile_get_name (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->name;
}

void
strata_profile_set_name (StrataProfile *self,
                         const char    *name)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->name, name, PROP_NAME);
}

StrataProfileOrigin
strata_profile_get_origin (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), STRATA_PROFILE_ORIGIN_URL);
  return self->origin;
}

const char *
strata_profile_get_engine (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->engine;
}

void
strata_profile_set_engine (StrataProfile *self,
                           const char    *engine)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));

  if (g_strcmp0 (engine, "postgres") == 0)
    engine = "postgresql";
  set_string (self, &self->engine, engine, PROP_ENGINE);
}

StrataDialect
strata_profile_get_dialect (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), STRATA_DIALECT_SQLITE);

  return g_strcmp0 (self->engine, "sqlite") == 0 ? STRATA_DIALECT_SQLITE : STRATA_DIALECT_POSTGRESQL;
}

const char *
strata_profile_get_host (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->host;
}

void
strata_profile_set_host (StrataProfile *self,
                         const char    *host)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->host, host, PROP_HOST);
}

guint
strata_profile_get_port (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), 0);
  return self->port;
}

void
strata_profile_set_port (StrataProfile *self,
                         guint          port)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  g_return_if_fail (port <= 65535);

  if (self->port != port)
    {
      self->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }
}

const char *
strata_profile_get_user (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->user;
}

void
strata_profile_set_user (StrataProfile *self,
                         const char    *user)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->user, user, PROP_USER);
}

const char *
strata_profile_get_database (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->database;
}

void
strata_profile_set_database (StrataProfile *self,
                             const char    *database)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->database, database, PROP_DATABASE);
}

const char *
strata_profile_get_path (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->path;
}

void
strata_profile_set_path (StrataProfile *self,
                         const char    *path)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->path, path, PROP_PATH);
}

const char *
strata_profile_get_params (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->params;
}

void
strata_profile_set_params (StrataProfile *self,
                           const char    *params)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));

  if (params != NULL && params[0] == '?')
    params++;
  set_string (self, &self->params, params, PROP_PARAMS);
}

StrataProfileRole
strata_profile_get_role (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), STRATA_PROFILE_ROLE_DEVELOPMENT);
  return self->role;
}

/**
 * strata_profile_dup_confirmation:
 * @self: a #StrataProfile
 *
 * A production database changes only when a person confirms it (`--yes` in
 * the CLI, a dialog in the app) or types this text: the database's name, or
 * the SQLite file's name.
 *
 * Returns: (transfer full) (nullable): the text to type, or %NULL when the
 *   profile's role is not production
 */
char *
strata_profile_dup_confirmation (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);

  if (self->role != STRATA_PROFILE_ROLE_PRODUCTION)
    return NULL;

  if (self->database != NULL && *self->database != '\0')
    return g_strdup (self->database);
  if (self->path != NULL && *self->path != '\0')
    return g_path_get_basename (self->path);
  if (self->name != NULL)
    return g_strdup (self->name);

  return g_strdup ("production");
}

void
strata_profile_set_role (StrataProfile     *self,
                         StrataProfileRole  role)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  g_return_if_fail (role <= STRATA_PROFILE_ROLE_PRODUCTION);

  if (self->role != role)
    {
      self->role = role;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
    }
}

const char *
strata_profile_get_notes (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->notes;
}

void
strata_profile_set_notes (StrataProfile *self,
                          const char    *notes)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));
  set_string (self, &self->notes, notes, PROP_NOTES);
}

const char *
strata_profile_get_password (StrataProfile *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  return self->password;
}

void
strata_profile_set_password (StrataProfile *self,
                             const char    *password)
{
  g_return_if_fail (STRATA_IS_PROFILE (self));

  _strata_profile_clear_password (&self->password);
  if (password != NULL && *password != '\0')
    self->password = g_strdup (password);
}
