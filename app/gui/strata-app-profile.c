/* strata-app-profile.c: a connection profile as the app edits it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-app-profile"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-app-profile.h"

struct _StrataAppProfile
{
  GObject            parent_instance;

  char              *name;
  char              *url;
  char              *password;
  StrataAppProfileRole  role;
};

G_DEFINE_FINAL_TYPE (StrataAppProfile, strata_app_profile, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_URL,
  PROP_DISPLAY_URL,
  PROP_ROLE,
  PROP_IS_PRODUCTION,
  PROP_ROLE_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
strata_app_profile_finalize (GObject *object)
{
  StrataAppProfile *self = (StrataAppProfile *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->password, g_free);

  G_OBJECT_CLASS (strata_app_profile_parent_class)->finalize (object);
}

static void
strata_app_profile_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  StrataAppProfile *self = STRATA_APP_PROFILE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_DISPLAY_URL:
      g_value_take_string (value, strata_driver_redact_url (self->url));
      break;

    case PROP_ROLE:
      g_value_set_int (value, self->role);
      break;

    case PROP_IS_PRODUCTION:
      g_value_set_boolean (value, self->role == STRATA_APP_PROFILE_ROLE_PRODUCTION);
      break;

    case PROP_ROLE_LABEL:
      g_value_set_string (value, strata_app_profile_role_get_label (self->role));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_app_profile_class_init (StrataAppProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_app_profile_finalize;
  object_class->get_property = strata_app_profile_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DISPLAY_URL] =
    g_param_spec_string ("display-url", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROLE] =
    g_param_spec_int ("role", NULL, NULL,
                      STRATA_APP_PROFILE_ROLE_DEVELOPMENT, STRATA_APP_PROFILE_ROLE_PRODUCTION,
                      STRATA_APP_PROFILE_ROLE_DEVELOPMENT,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IS_PRODUCTION] =
    g_param_spec_boolean ("is-production", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROLE_LABEL] =
    g_param_spec_string ("role-label", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_app_profile_init (StrataAppProfile *self)
{
}

StrataAppProfile *
strata_app_profile_new (const char        *name,
                        const char        *url,
                        StrataAppProfileRole  role)
{
  StrataAppProfile *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  self = g_object_new (STRATA_TYPE_APP_PROFILE, NULL);
  self->name = g_strdup (name);
  self->url = g_strdup (url);
  self->role = role;

  return self;
}

const char *
strata_app_profile_get_name (StrataAppProfile *self)
{
  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), NULL);

  return self->name;
}

void
strata_app_profile_set_name (StrataAppProfile *self,
                             const char       *name)
{
  g_return_if_fail (STRATA_IS_APP_PROFILE (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
strata_app_profile_get_url (StrataAppProfile *self)
{
  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), NULL);

  return self->url;
}

void
strata_app_profile_set_url (StrataAppProfile *self,
                            const char       *url)
{
  g_return_if_fail (STRATA_IS_APP_PROFILE (self));
  g_return_if_fail (url != NULL);

  if (g_strcmp0 (self->url, url) == 0)
    return;

  g_free (self->url);
  self->url = g_strdup (url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_URL]);
}

StrataAppProfileRole
strata_app_profile_get_role (StrataAppProfile *self)
{
  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), STRATA_APP_PROFILE_ROLE_DEVELOPMENT);

  return self->role;
}

void
strata_app_profile_set_role (StrataAppProfile  *self,
                             StrataAppProfileRole  role)
{
  g_return_if_fail (STRATA_IS_APP_PROFILE (self));

  if (self->role == role)
    return;

  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_PRODUCTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE_LABEL]);
}

const char *
strata_app_profile_get_password (StrataAppProfile *self)
{
  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), NULL);

  return self->password;
}

void
strata_app_profile_set_password (StrataAppProfile *self,
                                 const char       *password)
{
  g_return_if_fail (STRATA_IS_APP_PROFILE (self));

  if (password != NULL && password[0] == '\0')
    password = NULL;

  g_free (self->password);
  self->password = g_strdup (password);
}

StrataDialect
strata_app_profile_get_dialect (StrataAppProfile *self)
{
  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), STRATA_DIALECT_SQLITE);

  if (g_str_has_prefix (self->url, "postgres"))
    return STRATA_DIALECT_POSTGRESQL;

  return STRATA_DIALECT_SQLITE;
}

char *
strata_app_profile_dup_database (StrataAppProfile *self)
{
  g_autoptr(GUri) uri = NULL;
  const char *path;

  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), NULL);

  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return g_strdup (self->url);

  path = g_uri_get_path (uri);
  if (strata_app_profile_get_dialect (self) == STRATA_DIALECT_SQLITE)
    return g_path_get_basename (path);

  return g_strdup (path[0] == '/' ? path + 1 : path);
}

char *
strata_app_profile_dup_connect_url (StrataAppProfile *self)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GUri) with_password = NULL;
  g_autofree char *escaped = NULL;

  g_return_val_if_fail (STRATA_IS_APP_PROFILE (self), NULL);

  if (self->password == NULL || strata_app_profile_get_dialect (self) != STRATA_DIALECT_POSTGRESQL)
    return g_strdup (self->url);

  uri = g_uri_parse (self->url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL)
    return g_strdup (self->url);

  escaped = g_uri_escape_string (self->password, NULL, FALSE);
  with_password = g_uri_build_with_user (G_URI_FLAGS_ENCODED,
                                         g_uri_get_scheme (uri),
                                         g_uri_get_user (uri),
                                         escaped,
                                         NULL,
                                         g_uri_get_host (uri),
                                         g_uri_get_port (uri),
                                         g_uri_get_path (uri),
                                         g_uri_get_query (uri),
                                         NULL);

  return g_uri_to_string (with_password);
}

const char *
strata_app_profile_role_get_label (StrataAppProfileRole role)
{
  switch (role)
    {
    case STRATA_APP_PROFILE_ROLE_DEVELOPMENT:
      return _("Development");

    case STRATA_APP_PROFILE_ROLE_STAGING:
      return _("Staging");

    case STRATA_APP_PROFILE_ROLE_PRODUCTION:
      return _("Production");

    default:
      g_return_val_if_reached (NULL);
    }
}
