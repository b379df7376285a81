/* strata-profile-connect.c: which profile a command targets, and
 * connecting with one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Above the profile itself (strata-profile.c), the keyring
 * (strata-secret.c) and the user's store (strata-store.c), which each know
 * the profile only: the profiles of a project's strata.ini, the resolution
 * of a name against them and the user's store, and connecting with the
 * password from the keyring or a prompt.
 */

#define G_LOG_DOMAIN "strata-profile"

#include "config.h"

#include <string.h>

#include "strata-driver.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-profile-private.h"
#include "strata-project.h"
#include "strata-secret.h"
#include "strata-store.h"
#include "strata-url.h"
#include "strata-i18n-private.h"

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
                   _("%s: [%s] has no url="), ini_path, group);
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
                   _("%s: [%s]: unknown role “%s” (development, staging or production)"),
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
               _("profile “%s” is both in strata.ini (%s) and in your own profiles (%s): "
                 "rename one of them (“strata profiles add”/“remove”) or give --url"),
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
                   _("no profile named “%s” in %s or in your own profiles "
                     "(see “strata profiles list”)"),
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
  url = _strata_profile_dup_url_with (self, password);
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
    return g_strdup_printf (_("%s.\nPassword for %s (profile “%s”)"),
                            secret_error->message, destination, display_name (self));

  return g_strdup_printf (_("Password for %s (profile “%s”)"), destination, display_name (self));
}

/* Where the password a connection tried came from. */
typedef enum
{
  PASSWORD_NONE,       /* none of ours: libpq looked at PGPASSWORD and ~/.pgpass */
  PASSWORD_GIVEN,      /* in the URL, or set on the profile */
  PASSWORD_KEYRING,
  PASSWORD_PROMPT,
} PasswordSource;

/* What to do when the server refused: where the password came from and
 * where else one can be given. A password that was sent and refused is
 * reported as wrong, never as missing. */
static char *
auth_hint (const char          *name,
           StrataProfileOrigin  origin,
           const GError        *secret_error,
           PasswordSource       source,
           const GError        *connect_error)
{
  gboolean libpq_sent = source == PASSWORD_NONE && connect_error != NULL &&
                        strstr (connect_error->message, _(STRATA_DRIVER_PASSWORD_REFUSED)) != NULL;

  if (name == NULL)
    name = _("(from a URL)");

  switch (source)
    {
    case PASSWORD_KEYRING:
      return g_strdup_printf (_("the password in the keyring was refused: change it with "
                                "“strata profiles set-password %s”"), name);
    case PASSWORD_PROMPT:
      return g_strdup (_("the password given was refused"));
    case PASSWORD_GIVEN:
      if (origin == STRATA_PROFILE_ORIGIN_URL)
        return g_strdup (_("the password in the URL is wrong"));
      return g_strdup (_("the password given was refused"));
    case PASSWORD_NONE:
    default:
      break;
    }

  if (libpq_sent)
    {
      if (origin == STRATA_PROFILE_ORIGIN_URL)
        return g_strdup (_("that password is wrong: correct it, or put the right one in the URL"));
      return g_strdup_printf (_("that password is wrong: correct it, or store the right one with "
                                "“strata profiles set-password %s”"), name);
    }

  if (g_error_matches (secret_error, STRATA_ERROR, STRATA_ERROR_SECRET_MISMATCH))
    return g_strdup_printf (_("%s (“strata profiles set-password %s”)"), secret_error->message, name);
  if (origin == STRATA_PROFILE_ORIGIN_URL)
    return g_strdup (_("no password was given: put it in the URL, set PGPASSWORD or add it to ~/.pgpass"));

  if (secret_error != NULL)
    return g_strdup_printf (_("no password for profile “%s” (%s): store one with "
                              "“strata profiles set-password %s”, set PGPASSWORD or add it to ~/.pgpass"),
                            name, secret_error->message, name);
  return g_strdup_printf (_("no password for profile “%s” in the keyring: store one with "
                            "“strata profiles set-password %s”, set PGPASSWORD or add it to ~/.pgpass"),
                          name, name);
}

/**
 * strata_profile_connect:
 * @self: a #StrataProfile
 * @base_dir: (nullable): where a relative SQLite path starts
 * @prompt: (nullable) (scope call) (closure prompt_data): asks a person for
 *   the password when the server wants one and none was found
 * @prompt_data: data for @prompt
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
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
  PasswordSource source = PASSWORD_NONE;
  gboolean prompted = FALSE;
  StrataDriver *driver;

  g_return_val_if_fail (STRATA_IS_PROFILE (self), NULL);

  if (!strata_profile_validate (self, error))
    return NULL;

  if (strata_profile_get_dialect (self) == STRATA_DIALECT_SQLITE)
    return open_with_password (self, NULL, base_dir, cancellable, error);

  password = g_strdup (self->password);
  if (password != NULL)
    source = PASSWORD_GIVEN;

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
      if (password != NULL)
        source = PASSWORD_KEYRING;
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
      source = PASSWORD_PROMPT;

      g_clear_error (&local_error);
    }

  _strata_profile_clear_password (&password);

  if (driver != NULL)
    return driver;

  if (!g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  hint = auth_hint (self->name, self->origin, secret_error, source, local_error);
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
  _strata_profile_clear_password (&cd->url);
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
  hint = auth_hint (cd->name, cd->origin, cd->secret_error,
                    cd->from_keyring ? PASSWORD_KEYRING
                    : cd->has_password ? PASSWORD_GIVEN : PASSWORD_NONE,
                    error);
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

  cd->url = _strata_profile_dup_url_with (self, password);
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
  _strata_profile_clear_password (&password);
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
