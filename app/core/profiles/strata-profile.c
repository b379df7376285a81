/* strata-profile.c: a named connection to a database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-profile"

#include "config.h"

#include <string.h>

#include "strata-driver.h"
#include "strata-error.h"
#include "strata-profile.h"
#include "strata-project.h"
#include "strata-secret.h"
#include "strata-store.h"
#include "strata-url.h"

#define MAX_NAME_LENGTH 200

struct _StrataProfile
{
  GObject              parent_instance;

  char                *id;
  char                *name;
  StrataProfileOrigin  origin;
  char                *engine;
  char                *host;
  guint                port;
  char                *user;
  char                *database;
  char                *path;
  char                *params;
  StrataProfileRole    role;
  char                *notes;

  /* In memory only: never a property, never saved. */
  char                *password;
};

G_DEFINE_FINAL_TYPE (StrataProfile, strata_profile, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (StrataProfileRole, strata_profile_role,
  G_DEFINE_ENUM_VALUE (STRATA_PROFILE_ROLE_DEVELOPMENT, "development"),
  G_DEFINE_ENUM_VALUE (STRATA_PROFILE_ROLE_STAGING, "staging"),
  G_DEFINE_ENUM_VALUE (STRATA_PROFILE_ROLE_PRODUCTION, "production"))

G_DEFINE_ENUM_TYPE (StrataProfileOrigin, strata_profile_origin,
  G_DEFINE_ENUM_VALUE (STRATA_PROFILE_ORIGIN_URL, "url"),
  G_DEFINE_ENUM_VALUE (STRATA_PROFILE_ORIGIN_PROJECT, "project"),
  G_DEFINE_ENUM_VALUE (STRATA_PROFILE_ORIGIN_USER, "user"))

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
static void
clear_password (char **password)
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
  clear_password (&self->password);

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

static char *
dup_url_with (StrataProfile *self,
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

  return dup_url_with (self, with_password ? self->password : NULL);
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
    return (*reason = "it is empty", FALSE);
  if (!g_utf8_validate (name, -1, NULL))
    return (*reason = "it is not valid UTF-8", FALSE);

  length = g_utf8_strlen (name, -1);
  if (length > MAX_NAME_LENGTH)
    return (*reason = "it is longer than 200 characters", FALSE);

  for (const char *p = name; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return (*reason = "it holds a control character", FALSE);

  if (g_unichar_isspace (g_utf8_get_char (name)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (name + strlen (name)))))
    return (*reason = "it starts or ends with a space", FALSE);
  if (name[0] == '-')
    return (*reason = "it starts with “-”", FALSE);

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
                   "invalid profile name “%s”: %s", self->name ? self->name : "", reason);
      return FALSE;
    }

  if (g_strcmp0 (self->engine, "sqlite") != 0 && g_strcmp0 (self->engine, "postgresql") != 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   "profile “%s”: unknown engine “%s” (sqlite or postgresql)",
                   self->name ? self->name : "", self->engine ? self->engine : "");
      return FALSE;
    }

  if (!(url = parse_parts (self, NULL, &local_error)))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   "profile “%s”: %s", self->name ? self->name : "", local_error->message);
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

  clear_password (&self->password);
  if (password != NULL && *password != '\0')
    self->password = g_strdup (password);
}

/* Project profiles ------------------------------------------------------- */

static GKeyFile *
load_project_ini (StrataProject  *project,
                  char          **out_path,
                  GError        **error)
{
  g_autoptr(GFile) file = g_file_get_child (strata_project_get_directory (project), "strata.ini");
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = g_file_get_path (file);

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s", path, local_error->message);
      return NULL;
    }

  *out_path = g_steal_pointer (&path);
  return g_steal_pointer (&key_file);
}

static StrataProfile *
project_profile_from_group (StrataProject  *project,
                            GKeyFile       *key_file,
                            const char     *ini_path,
                            const char     *name,
                            GError        **error)
{
  g_autofree char *group = g_strconcat ("profile ", name, NULL);
  g_autofree char *url = NULL;
  g_autofree char *role = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  StrataProfileRole role_value = STRATA_PROFILE_ROLE_DEVELOPMENT;

  if (!g_key_file_has_group (key_file, group))
    return NULL;

  url = strata_project_dup_profile_url (project, name, &local_error);
  if (url == NULL && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (url == NULL || *url == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: [%s] has no url=", ini_path, group);
      return NULL;
    }

  if (!(profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_PROJECT, name, url, &local_error)))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: [%s]: %s", ini_path, group, local_error->message);
      return NULL;
    }

  role = g_key_file_get_string (key_file, group, "role", NULL);
  if (role != NULL && !strata_profile_role_from_string (g_strstrip (role), &role_value))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: [%s]: unknown role “%s” (development, staging or production)",
                   ini_path, group, role);
      return NULL;
    }
  strata_profile_set_role (profile, role_value);

  notes = g_key_file_get_string (key_file, group, "notes", NULL);
  strata_profile_set_notes (profile, notes);

  return g_steal_pointer (&profile);
}

/**
 * strata_profile_load_project_profiles:
 *
 * Returns: (transfer full) (element-type StrataProfile): the profiles
 */
GPtrArray *
strata_profile_load_project_profiles (StrataProject  *project,
                                      GError        **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *ini_path = NULL;
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);

  if (!(key_file = load_project_ini (project, &ini_path, error)))
    return NULL;

  profiles = g_ptr_array_new_with_free_func (g_object_unref);
  names = strata_project_list_profiles (project);
  for (guint i = 0; names[i] != NULL; i++)
    {
      StrataProfile *profile;

      if (!(profile = project_profile_from_group (project, key_file, ini_path, names[i], error)))
        return NULL;
      g_ptr_array_add (profiles, profile);
    }

  return g_steal_pointer (&profiles);
}

/**
 * strata_profile_load_project_profile:
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL (with no error
 *   when the project has no profile @name)
 */
StrataProfile *
strata_profile_load_project_profile (StrataProject  *project,
                                     const char     *name,
                                     GError        **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autofree char *ini_path = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (strata_project_get_profile_url (project, name) == NULL)
    return NULL;

  if (!(key_file = load_project_ini (project, &ini_path, error)))
    return NULL;

  return project_profile_from_group (project, key_file, ini_path, name, error);
}

/* Resolution ------------------------------------------------------------- */

/* A project's strata.ini is shared and may come from anyone: its profile
 * never silently stands in for the user's own profile of the same name.
 * When both lead to the same place the user's is taken (its password is
 * the user's); otherwise the name is ambiguous and both are shown. */
static StrataProfile *
choose_between (StrataProfile  *project_profile,
                StrataProfile  *user_profile,
                GError        **error)
{
  g_autofree char *project_destination = strata_profile_dup_destination (project_profile);
  g_autofree char *user_destination = strata_profile_dup_destination (user_profile);

  if (g_str_equal (project_destination, user_destination))
    return g_object_ref (user_profile);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
               "profile “%s” is both in strata.ini (%s) and in your own profiles (%s): "
               "rename one of them (“strata profiles add”/“remove”) or give --url",
               project_profile->name, project_destination, user_destination);
  return NULL;
}

/**
 * strata_profile_resolve:
 *
 * Returns: (transfer full): the profile of the database to target
 */
StrataProfile *
strata_profile_resolve (StrataProject  *project,
                        StrataStore    *store,
                        const char     *url,
                        const char     *name,
                        GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *resolved = NULL;
  StrataProfile *profile;

  g_return_val_if_fail (project == NULL || STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (store == NULL || STRATA_IS_STORE (store), NULL);

  if (url != NULL && *url != '\0')
    return strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, NULL, url, error);

  if (name != NULL)
    {
      g_autoptr(StrataStore) default_store = NULL;

      g_autoptr(StrataProfile) project_profile = NULL;
      StrataProfile *user_profile = NULL;

      if (project != NULL)
        {
          project_profile = strata_profile_load_project_profile (project, name, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }

      if (store == NULL)
        {
          g_autoptr(GFile) file = strata_store_dup_default_file ();

          /* Looking a name up does not create the store. */
          if (g_file_query_exists (file, NULL))
            {
              if (!(default_store = strata_store_open (file, NULL, error)))
                return NULL;
              store = default_store;
            }
        }

      if (store != NULL)
        user_profile = strata_store_lookup_profile (store, name);

      if (project_profile != NULL && user_profile != NULL)
        return choose_between (project_profile, user_profile, error);
      if (project_profile != NULL)
        return g_steal_pointer (&project_profile);
      if (user_profile != NULL)
        return g_object_ref (user_profile);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   "no profile named “%s” in %s or in your own profiles "
                   "(see “strata profiles list”)",
                   name, project ? "strata.ini" : "a project");
      return NULL;
    }

  if (!(resolved = strata_project_resolve_url (project, NULL, NULL, error)))
    return NULL;

  profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, NULL, resolved, error);
  explicit_bzero (resolved, strlen (resolved));

  return profile;
}

/* Connecting ------------------------------------------------------------- */

static StrataDriver *
open_with_password (StrataProfile  *self,
                    const char     *password,
                    GFile          *base_dir,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autofree char *url = NULL;
  StrataDriver *driver;

  /* The URL with the password exists only for the length of the call. */
  url = dup_url_with (self, password);
  driver = strata_driver_open (url, base_dir, cancellable, error);
  explicit_bzero (url, strlen (url));

  return driver;
}

static const char *
display_name (StrataProfile *self)
{
  return self->name ? self->name : "(from a URL)";
}

/* The prompt names where the password will go, and why the keyring's was
 * not used when it was saved for somewhere else. */
static char *
prompt_message (StrataProfile *self,
                const GError  *secret_error)
{
  g_autofree char *destination = strata_profile_dup_destination (self);

  if (g_error_matches (secret_error, STRATA_ERROR, STRATA_ERROR_SECRET_MISMATCH))
    return g_strdup_printf ("%s.\nPassword for %s (profile “%s”)",
                            secret_error->message, destination, display_name (self));

  return g_strdup_printf ("Password for %s (profile “%s”)", destination, display_name (self));
}

/* What to do when the server refused: where the password came from and
 * where else one can be given. */
static char *
auth_hint (const char          *name,
           StrataProfileOrigin  origin,
           const GError        *secret_error,
           gboolean             from_keyring,
           gboolean             prompted)
{
  if (name == NULL)
    name = "(from a URL)";

  if (from_keyring)
    return g_strdup_printf ("the password in the keyring was refused: change it with "
                            "“strata profiles set-password %s”", name);
  if (g_error_matches (secret_error, STRATA_ERROR, STRATA_ERROR_SECRET_MISMATCH))
    return g_strdup_printf ("%s (“strata profiles set-password %s”)", secret_error->message, name);
  if (prompted)
    return g_strdup ("the password given was refused");
  if (origin == STRATA_PROFILE_ORIGIN_URL)
    return g_strdup ("no password was given: put it in the URL, set PGPASSWORD or add it to ~/.pgpass");

  return g_strdup_printf ("no password for profile “%s”%s%s%s: store one with "
                          "“strata profiles set-password %s”, set PGPASSWORD or add it to ~/.pgpass",
                          name,
                          secret_error ? " (" : " in the keyring",
                          secret_error ? secret_error->message : "",
                          secret_error ? ")" : "",
                          name);
}

/**
 * strata_profile_connect:
 *
 * Returns: (transfer full): a connection to the profile's database
 */
StrataDriver *
strata_profile_connect (StrataProfile             *self,
                        GFile                     *base_dir,
                        StrataPasswordPromptFunc   prompt,
                        gpointer                   prompt_data,
                        GCancellable              *cancellable,
                        GError                   **error)
{
  g_autoptr(GError) secret_error = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *hint = NULL;
  gboolean from_keyring = FALSE;
  gboolean prompted = FALSE;
  StrataDriver *driver;

  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);

  if (!strata_profile_validate (self, error))
    return NULL;

  if (strata_profile_get_dialect (self) == STRATA_DIALECT_SQLITE)
    return open_with_password (self, NULL, base_dir, cancellable, error);

  password = g_strdup (self->password);

  if (password == NULL && self->origin != STRATA_PROFILE_ORIGIN_URL)
    {
      password = strata_secret_lookup (self, cancellable, &secret_error);
      if (g_error_matches (secret_error, STRATA_ERROR, STRATA_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&secret_error));
          return NULL;
        }
      if (secret_error != NULL)
        g_debug ("%s", secret_error->message);
      from_keyring = password != NULL;
    }

  /* With no password, libpq looks at PGPASSWORD and ~/.pgpass itself. */
  while (!(driver = open_with_password (self, password, base_dir, cancellable, &local_error)))
    {
      g_autofree char *message = NULL;

      if (!g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION) ||
          password != NULL || prompt == NULL || prompted)
        break;

      message = prompt_message (self, secret_error);
      prompted = TRUE;
      if (!(password = prompt (self, message, prompt_data)) || *password == '\0')
        break;

      g_clear_error (&local_error);
    }

  clear_password (&password);

  if (driver != NULL)
    return driver;

  if (!g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  hint = auth_hint (self->name, self->origin, secret_error, from_keyring, prompted);
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION,
               "%s; %s", local_error->message, hint);
  return NULL;
}

/* Async ------------------------------------------------------------------ */

typedef struct
{
  GFile               *base_dir;
  char                *url;          /* with the password: cleared on free */
  char                *name;
  StrataProfileOrigin  origin;
  GError              *secret_error;
  gboolean             from_keyring;
  gboolean             has_password;
} ConnectData;

static void
connect_data_free (gpointer data)
{
  ConnectData *cd = data;

  g_clear_object (&cd->base_dir);
  clear_password (&cd->url);
  g_clear_pointer (&cd->name, g_free);
  g_clear_error (&cd->secret_error);
  g_free (cd);
}

static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ConnectData *cd = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *hint = NULL;
  StrataDriver *driver;

  if ((driver = strata_driver_open (cd->url, cd->base_dir, cancellable, &error)))
    {
      g_task_return_pointer (task, driver, g_object_unref);
      return;
    }

  if (!g_error_matches (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A password in memory was typed (or came with the URL). */
  hint = auth_hint (cd->name, cd->origin, cd->secret_error, cd->from_keyring,
                    cd->has_password && !cd->from_keyring);
  g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION,
                           "%s; %s", error->message, hint);
}

/* Snapshots the profile's URL (in the caller's thread) and connects in a
 * worker thread. */
static void
connect_start (GTask         *task,
               StrataProfile *self,
               const char    *password)
{
  ConnectData *cd = g_task_get_task_data (task);

  cd->url = dup_url_with (self, password);
  cd->has_password = password != NULL;
  g_task_run_in_thread (task, connect_thread);
}

static void
connect_lookup_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConnectData *cd = g_task_get_task_data (task);
  StrataProfile *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;

  password = strata_secret_lookup_finish (result, &error);
  if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cd->secret_error = g_steal_pointer (&error);
  cd->from_keyring = password != NULL;
  connect_start (task, self, password);
  clear_password (&password);
}

/**
 * strata_profile_connect_async:
 *
 * The app's strata_profile_connect: the keyring is asked without blocking
 * and the connection is made in a worker thread. There is no prompt: on
 * STRATA_ERROR_AUTHENTICATION, ask the person, strata_profile_set_password
 * and call again.
 */
void
strata_profile_connect_async (StrataProfile       *self,
                              GFile               *base_dir,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ConnectData *cd;

  g_return_if_fail (STRATA_IS_PROFILE (self));
  g_return_if_fail (base_dir == NULL || G_IS_FILE (base_dir));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_profile_connect_async);
  g_task_set_check_cancellable (task, FALSE);

  cd = g_new0 (ConnectData, 1);
  cd->base_dir = base_dir ? g_object_ref (base_dir) : NULL;
  cd->name = g_strdup (self->name);
  cd->origin = self->origin;
  g_task_set_task_data (task, cd, connect_data_free);

  if (!strata_profile_validate (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (strata_profile_get_dialect (self) == STRATA_DIALECT_SQLITE || self->password != NULL ||
      self->origin == STRATA_PROFILE_ORIGIN_URL)
    {
      connect_start (task, self, strata_profile_get_dialect (self) == STRATA_DIALECT_SQLITE
                                   ? NULL : self->password);
      return;
    }

  strata_secret_lookup_async (self, cancellable, connect_lookup_cb, g_steal_pointer (&task));
}

/**
 * strata_profile_connect_finish:
 *
 * Returns: (transfer full): a connection to the profile's database
 */
StrataDriver *
strata_profile_connect_finish (StrataProfile  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_profile_connect_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
