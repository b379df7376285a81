/* strata-profile-editor.c: add or edit a connection profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-profile-editor"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "strata-profile-editor.h"

enum {
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
};

static const char * const ssl_modes[] = {
  "disable", "allow", "prefer", "require", "verify-ca", "verify-full",
};
/* libpq's own default */
#define SSL_MODE_DEFAULT 2
#define SSL_MODE_REQUIRE 3
#define SSL_MODE_VERIFY_FULL 5

struct _StrataProfileEditor
{
  AdwWindow             parent_instance;

  StrataStore          *store;
  StrataProfile        *profile;
  /* The profile's query parameters other than sslmode, kept as they were */
  GHashTable           *extra_params;
  GCancellable         *cancellable;      /* lookups, saving, deleting */
  GCancellable         *test_cancellable;
  GtkFileChooserNative *chooser;
  /* What the fields said when the editor opened: Save needs a change */
  char                 *loaded_state;
  guint                 busy : 1;         /* saving or deleting */
  /* The SSL mode was picked by the person: the role no longer moves it */
  guint                 sslmode_chosen : 1;
  guint                 setting_sslmode : 1;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwEntryRow          *name_row;
  AdwComboRow          *role_row;
  AdwComboRow          *engine_row;
  AdwEntryRow          *notes_row;
  AdwPreferencesGroup  *sqlite_group;
  AdwEntryRow          *file_row;
  AdwPreferencesGroup  *postgresql_group;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwEntryRow          *user_row;
  AdwEntryRow          *database_row;
  AdwComboRow          *sslmode_row;
  AdwPasswordEntryRow  *password_row;
  AdwActionRow         *test_row;
  GtkSpinner           *test_spinner;
  AdwPreferencesGroup  *delete_group;
};

G_DEFINE_FINAL_TYPE (StrataProfileEditor, strata_profile_editor, ADW_TYPE_WINDOW)

enum {
  TESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Whether the editor was closed while something ran */
static gboolean
strata_profile_editor_gone (StrataProfileEditor *self)
{
  return self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable);
}

static char *
row_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
set_row_text (AdwEntryRow *row,
              const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

static gboolean
is_sqlite (StrataProfileEditor *self)
{
  return adw_combo_row_get_selected (self->engine_row) == ENGINE_SQLITE;
}

/* The query string: the parameters kept from the profile and the SSL mode
 * (libpq's default, prefer, is left out). */
static char *
strata_profile_editor_dup_params (StrataProfileEditor *self)
{
  g_autoptr(GString) params = g_string_new (NULL);
  g_autoptr(GList) keys = NULL;
  guint selected = adw_combo_row_get_selected (self->sslmode_row);

  if (self->extra_params != NULL)
    keys = g_list_sort (g_hash_table_get_keys (self->extra_params), (GCompareFunc)g_strcmp0);

  for (const GList *l = keys; l != NULL; l = l->next)
    {
      g_autofree char *key = g_uri_escape_string (l->data, NULL, FALSE);
      g_autofree char *value = g_uri_escape_string (g_hash_table_lookup (self->extra_params, l->data), NULL, FALSE);

      g_string_append_printf (params, "%s%s=%s", params->len > 0 ? "&" : "", key, value);
    }

  if (selected < G_N_ELEMENTS (ssl_modes) && selected != SSL_MODE_DEFAULT)
    g_string_append_printf (params, "%ssslmode=%s", params->len > 0 ? "&" : "", ssl_modes[selected]);

  return params->len > 0 ? g_strdup (params->str) : NULL;
}

/* Puts the fields into @profile: engine, its connection's parts, role and
 * notes (not the name). FALSE when a required field is empty or wrong. */
static gboolean
strata_profile_editor_apply (StrataProfileEditor *self,
                             StrataProfile       *profile)
{
  g_autofree char *notes = row_text (self->notes_row);

  if (is_sqlite (self))
    {
      g_autofree char *path = row_text (self->file_row);

      if (path[0] == '\0')
        return FALSE;

      g_object_freeze_notify (G_OBJECT (profile));
      strata_profile_set_engine (profile, "sqlite");
      strata_profile_set_host (profile, NULL);
      strata_profile_set_port (profile, 0);
      strata_profile_set_user (profile, NULL);
      strata_profile_set_database (profile, NULL);
      strata_profile_set_path (profile, path);
      strata_profile_set_params (profile, NULL);
    }
  else
    {
      g_autofree char *host = row_text (self->host_row);
      g_autofree char *port_text = row_text (self->port_row);
      g_autofree char *user = row_text (self->user_row);
      g_autofree char *database = row_text (self->database_row);
      g_autofree char *params = NULL;
      guint64 port = 0;

      if (database[0] == '\0')
        return FALSE;

      if (port_text[0] != '\0' &&
          !g_ascii_string_to_unsigned (port_text, 10, 1, 65535, &port, NULL))
        return FALSE;

      params = strata_profile_editor_dup_params (self);

      g_object_freeze_notify (G_OBJECT (profile));
      strata_profile_set_engine (profile, "postgresql");
      strata_profile_set_host (profile, host[0] != '\0' ? host : NULL);
      strata_profile_set_port (profile, port);
      strata_profile_set_user (profile, user[0] != '\0' ? user : NULL);
      strata_profile_set_database (profile, database);
      strata_profile_set_path (profile, NULL);
      strata_profile_set_params (profile, params);
    }

  strata_profile_set_role (profile, adw_combo_row_get_selected (self->role_row));
  strata_profile_set_notes (profile, notes[0] != '\0' ? notes : NULL);
  g_object_thaw_notify (G_OBJECT (profile));

  return TRUE;
}

/* A profile with what the fields say (the edited profile's id, so that
 * its saved password is found), or NULL when they are incomplete. */
static StrataProfile *
strata_profile_editor_dup_draft (StrataProfileEditor *self)
{
  g_autofree char *name = row_text (self->name_row);
  g_autoptr(StrataProfile) draft = strata_profile_new (name[0] != '\0' ? name : _("New profile"));

  if (!strata_profile_editor_apply (self, draft))
    return NULL;

  if (self->profile != NULL)
    strata_profile_set_id (draft, strata_profile_get_id (self->profile));

  if (!strata_profile_validate (draft, NULL))
    return NULL;

  return g_steal_pointer (&draft);
}

/**
 * strata_profile_editor_dup_url:
 *
 * Returns: (transfer full) (nullable): the URL the fields describe, without
 *   a password, or %NULL when a required field is empty
 */
char *
strata_profile_editor_dup_url (StrataProfileEditor *self)
{
  g_autoptr(StrataProfile) draft = NULL;

  g_return_val_if_fail (STRATA_IS_PROFILE_EDITOR (self), NULL);

  if (!(draft = strata_profile_editor_dup_draft (self)))
    return NULL;

  return strata_profile_dup_url (draft, FALSE);
}

/* Everything the fields say, as one string: whether anything changed */
static char *
strata_profile_editor_dup_state (StrataProfileEditor *self)
{
  g_autofree char *name = row_text (self->name_row);
  g_autofree char *notes = row_text (self->notes_row);
  g_autofree char *file = row_text (self->file_row);
  g_autofree char *host = row_text (self->host_row);
  g_autofree char *port = row_text (self->port_row);
  g_autofree char *user = row_text (self->user_row);
  g_autofree char *database = row_text (self->database_row);
  g_autofree char *params = strata_profile_editor_dup_params (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  return g_strdup_printf ("%s\n%u\n%u\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s",
                          name, adw_combo_row_get_selected (self->role_row),
                          adw_combo_row_get_selected (self->engine_row), notes,
                          is_sqlite (self) ? file : "", host, port, user, database,
                          params != NULL ? params : "", password[0] != '\0' ? "password" : "");
}

static void
strata_profile_editor_changed_cb (StrataProfileEditor *self)
{
  g_autoptr(StrataProfile) draft = NULL;
  g_autofree char *name = NULL;
  g_autofree char *state = NULL;
  gboolean sqlite = is_sqlite (self);
  gboolean changed;

  /* Rows that go away with the editor say they changed: nothing to update */
  if (strata_profile_editor_gone (self))
    return;

  draft = strata_profile_editor_dup_draft (self);
  name = row_text (self->name_row);
  state = strata_profile_editor_dup_state (self);
  changed = self->loaded_state == NULL || g_strcmp0 (state, self->loaded_state) != 0;

  gtk_widget_set_visible (GTK_WIDGET (self->sqlite_group), sqlite);
  gtk_widget_set_visible (GTK_WIDGET (self->postgresql_group), !sqlite);
  gtk_widget_remove_css_class (GTK_WIDGET (self->name_row), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 draft != NULL && name[0] != '\0' && !self->busy && changed);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test",
                                 draft != NULL && self->test_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete",
                                 self->profile != NULL && !self->busy);
}

/* Whether libpq will find a root certificate to verify the server with */
static gboolean
has_root_certificate (void)
{
  g_autofree char *path = NULL;

  if (g_getenv ("PGSSLROOTCERT") != NULL)
    return TRUE;

  path = g_build_filename (g_get_home_dir (), ".postgresql", "root.crt", NULL);
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
strata_profile_editor_set_sslmode (StrataProfileEditor *self,
                                   guint                mode)
{
  self->setting_sslmode = TRUE;
  adw_combo_row_set_selected (self->sslmode_row, mode);
  self->setting_sslmode = FALSE;
}

/* Until the person picks an SSL mode, it follows the role: libpq's prefer,
 * and for production an encrypted connection that is verified when a root
 * certificate is there (verify-full), else at least encrypted (require). */
static void
strata_profile_editor_role_changed_cb (StrataProfileEditor *self)
{
  if (self->sslmode_chosen || strata_profile_editor_gone (self))
    return;

  if (adw_combo_row_get_selected (self->role_row) == STRATA_PROFILE_ROLE_PRODUCTION)
    strata_profile_editor_set_sslmode (self, has_root_certificate () ? SSL_MODE_VERIFY_FULL : SSL_MODE_REQUIRE);
  else
    strata_profile_editor_set_sslmode (self, SSL_MODE_DEFAULT);
}

static void
strata_profile_editor_sslmode_changed_cb (StrataProfileEditor *self)
{
  if (!self->setting_sslmode)
    self->sslmode_chosen = TRUE;
  strata_profile_editor_changed_cb (self);
}

static void
password_lookup_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(StrataProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = strata_secret_lookup_finish (result, &error);

  if (strata_profile_editor_gone (self))
    return;

  if (password != NULL)
    adw_preferences_group_set_description (self->postgresql_group,
                                           _("A password is saved in your keyring: type another to replace it"));
  else if (error != NULL)
    adw_preferences_group_set_description (self->postgresql_group, error->message);

  /* Not kept: connecting looks it up again */
  if (password != NULL)
    memset (password, 0, strlen (password));
}

static void
strata_profile_editor_load (StrataProfileEditor *self,
                            StrataProfile       *profile)
{
  set_row_text (self->name_row, strata_profile_get_name (profile));
  set_row_text (self->notes_row, strata_profile_get_notes (profile));
  adw_combo_row_set_selected (self->role_row, strata_profile_get_role (profile));

  if (strata_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE)
    {
      adw_combo_row_set_selected (self->engine_row, ENGINE_SQLITE);
      set_row_text (self->file_row, strata_profile_get_path (profile));
    }
  else
    {
      const char *params = strata_profile_get_params (profile);
      g_autofree char *port = NULL;

      if (strata_profile_get_port (profile) > 0)
        port = g_strdup_printf ("%u", strata_profile_get_port (profile));

      /* A saved profile keeps its SSL mode, whatever its role */
      self->sslmode_chosen = TRUE;
      adw_combo_row_set_selected (self->engine_row, ENGINE_POSTGRESQL);
      set_row_text (self->host_row, strata_profile_get_host (profile));
      set_row_text (self->port_row, port);
      set_row_text (self->user_row, strata_profile_get_user (profile));
      set_row_text (self->database_row, strata_profile_get_database (profile));
      strata_profile_editor_set_sslmode (self, SSL_MODE_DEFAULT);

      if (params != NULL && params[0] != '\0')
        {
          const char *sslmode;

          self->extra_params = g_uri_parse_params (params, -1, "&", G_URI_PARAMS_NONE, NULL);
          sslmode = self->extra_params != NULL ? g_hash_table_lookup (self->extra_params, "sslmode") : NULL;
          for (guint i = 0; sslmode != NULL && i < G_N_ELEMENTS (ssl_modes); i++)
            {
              if (g_str_equal (sslmode, ssl_modes[i]))
                strata_profile_editor_set_sslmode (self, i);
            }
          if (self->extra_params != NULL)
            g_hash_table_remove (self->extra_params, "sslmode");
        }

      /* Whether the keyring holds its password, without blocking */
      strata_secret_lookup_async (profile, self->cancellable, password_lookup_cb, g_object_ref (self));
    }
}

static void
strata_profile_editor_set_busy (StrataProfileEditor *self,
                                gboolean             busy)
{
  self->busy = !!busy;
  strata_profile_editor_changed_cb (self);
}

static void
show_name_taken (StrataProfileEditor *self,
                 const GError        *error)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
password_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(StrataProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;

  if (strata_secret_store_finish (result, &error))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  if (strata_profile_editor_gone (self))
    return;

  /* The profile is saved; the password serves this session only. The
   * editor stays open on it so that the person can see why. */
  strata_profile_set_password (self->profile, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  strata_profile_editor_set_busy (self, FALSE);
  title = g_strdup_printf (_("Profile saved, but not its password: %s"), error->message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
  gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
}

/* The profile is in the store: its password goes to the keyring, never to
 * the store */
static void
strata_profile_editor_store_password (StrataProfileEditor *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (strata_profile_get_dialect (self->profile) == STRATA_DIALECT_SQLITE || password[0] == '\0')
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  strata_secret_store_async (self->profile, password, self->cancellable,
                             password_stored_cb, g_object_ref (self));
}

/* Writing the store happens on its worker thread: the editor stays busy
 * meanwhile. The write is not cancelled when the editor closes. */
typedef struct
{
  StrataProfileEditor *self;
  StrataProfile       *profile;   /* the one being added, or NULL */
} Saving;

static void
saving_free (Saving *saving)
{
  g_clear_object (&saving->self);
  g_clear_object (&saving->profile);
  g_free (saving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Saving, saving_free)

static void
profile_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(Saving) saving = user_data;
  StrataProfileEditor *self = saving->self;
  g_autoptr(GError) error = NULL;
  gboolean saved;

  if (saving->profile != NULL)
    saved = strata_store_add_profile_finish (STRATA_STORE (object), result, &error);
  else
    saved = strata_store_save_profile_finish (STRATA_STORE (object), result, &error);

  if (strata_profile_editor_gone (self))
    return;

  if (!saved)
    {
      strata_profile_editor_set_busy (self, FALSE);
      show_name_taken (self, error);
      return;
    }

  if (saving->profile != NULL)
    {
      self->profile = g_steal_pointer (&saving->profile);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection Profile"));
      gtk_widget_set_visible (GTK_WIDGET (self->delete_group), TRUE);
    }

  strata_profile_editor_store_password (self);
}

static void
strata_profile_editor_save_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (widget);
  g_autofree char *name = row_text (self->name_row);
  Saving *saving;

  if (self->busy || name[0] == '\0')
    return;

  if (self->profile == NULL)
    {
      g_autoptr(StrataProfile) profile = strata_profile_new (name);

      if (!strata_profile_editor_apply (self, profile))
        return;

      saving = g_new0 (Saving, 1);
      saving->self = g_object_ref (self);
      saving->profile = g_object_ref (profile);
      strata_profile_editor_set_busy (self, TRUE);
      strata_store_add_profile_async (self->store, profile, NULL, profile_saved_cb, saving);
    }
  else
    {
      g_autofree char *old_name = g_strdup (strata_profile_get_name (self->profile));

      /* On failure the store gives the profile its stored values back */
      strata_profile_set_name (self->profile, name);
      if (!strata_profile_editor_apply (self, self->profile))
        {
          strata_profile_set_name (self->profile, old_name);
          return;
        }

      saving = g_new0 (Saving, 1);
      saving->self = g_object_ref (self);
      strata_profile_editor_set_busy (self, TRUE);
      strata_store_save_profile_async (self->store, self->profile, NULL, profile_saved_cb, saving);
    }
}

/* Test Connection, without blocking */

static void
test_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(StrataProfileEditor) self = user_data;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean success;

  driver = strata_profile_connect_finish (STRATA_PROFILE (object), result, &error);

  /* The editor went away meanwhile */
  if (strata_profile_editor_gone (self) || self->test_cancellable == NULL)
    return;

  g_clear_object (&self->test_cancellable);
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);

  success = driver != NULL;
  if (success)
    {
      message = g_strdup_printf (_("Connected to %s"), strata_driver_get_display_url (driver));
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (self->password_row), "error");
    }
  else
    {
      message = g_strdup (error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "error");

      /* The server wants a password: the field for it is right here */
      if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION))
        {
          gtk_widget_add_css_class (GTK_WIDGET (self->password_row), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
        }
    }

  adw_action_row_set_subtitle (self->test_row, message);
  strata_profile_editor_changed_cb (self);
  g_signal_emit (self, signals[TESTED], 0, success, message);
}

static void
strata_profile_editor_test_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (widget);
  g_autoptr(StrataProfile) draft = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->test_cancellable != NULL || !(draft = strata_profile_editor_dup_draft (self)))
    return;

  /* Opening a SQLite file creates it: a typo would go unnoticed. Say what
   * is there instead, and create nothing. */
  if (strata_profile_get_dialect (draft) == STRATA_DIALECT_SQLITE &&
      strata_profile_get_path (draft) != NULL && g_strcmp0 (strata_profile_get_path (draft), ":memory:") != 0)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (strata_profile_get_path (draft));
      g_autoptr(GFile) folder = g_file_get_parent (file);
      g_autofree char *message = NULL;

      if (!g_file_query_exists (file, NULL))
        {
          if (folder != NULL && g_file_query_file_type (folder, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
            /* Translators: a SQLite file's path */
            message = g_strdup_printf (_("%s does not exist yet: it will be created on the first apply"),
                                       g_file_peek_path (file));
          else
            /* Translators: a folder's path */
            message = g_strdup_printf (_("The folder %s does not exist: create it first, or choose another file"),
                                       folder != NULL ? g_file_peek_path (folder) : "/");

          adw_action_row_set_subtitle (self->test_row, message);
          gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
          gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "success");
          gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "warning");
          g_signal_emit (self, signals[TESTED], 0, FALSE, message);
          return;
        }
    }

  /* A typed password wins; else the keyring's, PGPASSWORD, ~/.pgpass */
  if (password[0] != '\0')
    strata_profile_set_password (draft, password);

  adw_action_row_set_subtitle (self->test_row, _("Connecting…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "success");
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);

  self->test_cancellable = g_cancellable_new ();
  strata_profile_editor_changed_cb (self);

  strata_profile_connect_async (draft, NULL, self->test_cancellable, test_cb, g_object_ref (self));
}

static void
chooser_response_cb (StrataProfileEditor  *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        set_row_text (self->file_row, path);
    }

  g_clear_object (&self->chooser);
}

static void
strata_profile_editor_choose_file_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (widget);

  if (self->chooser != NULL)
    return;

  /* Save mode, so that a new database file can be named too */
  self->chooser = gtk_file_chooser_native_new (_("Choose a Database File"),
                                               GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Select"),
                                               _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), "database.db");
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* Deleting: the profile leaves the store, then its password the keyring */

static void
keyring_problem_response_cb (AdwMessageDialog *dialog,
                             const char       *response,
                             gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
password_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(StrataProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;

  if (strata_profile_editor_gone (self))
    return;

  parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  if (!strata_secret_clear_finish (result, NULL, &error) &&
      !g_error_matches (error, STRATA_ERROR, STRATA_ERROR_CANCELLED))
    {
      g_autofree char *body = NULL;
      GtkWidget *dialog;

      /* Said on the window that stays, since the editor goes */
      body = g_strdup_printf (_("The profile “%s” was deleted, but its password may still be in your keyring: %s"),
                              strata_profile_get_name (self->profile), error->message);
      dialog = adw_message_dialog_new (parent, _("Password Not Removed"), body);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      g_signal_connect (dialog, "response", G_CALLBACK (keyring_problem_response_cb), NULL);
      gtk_window_present (GTK_WINDOW (dialog));
    }

  gtk_window_close (GTK_WINDOW (self));
}

static void
profile_removed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(StrataProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean removed = strata_store_remove_profile_finish (STRATA_STORE (object), result, &error);

  if (strata_profile_editor_gone (self))
    return;

  if (!removed)
    {
      strata_profile_editor_set_busy (self, FALSE);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }

  strata_secret_clear_async (self->profile, self->cancellable, password_cleared_cb, g_object_ref (self));
}

static void
delete_response_cb (StrataProfileEditor *self,
                    const char          *response,
                    AdwMessageDialog    *dialog)
{
  if (g_strcmp0 (response, "delete") != 0 || self->profile == NULL || self->busy)
    return;

  strata_profile_editor_set_busy (self, TRUE);
  strata_store_remove_profile_async (self->store, self->profile, NULL, profile_removed_cb, g_object_ref (self));
}

static void
strata_profile_editor_delete_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->profile == NULL || self->busy)
    return;

  body = g_strdup_printf (_("The profile “%s” and its saved password are removed. The database itself is not changed."),
                          strata_profile_get_name (self->profile));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete Profile?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Closed, the editor may outlive its window a little (a keyring lookup
 * still holds it): it no longer belongs to it */
static void
strata_profile_editor_unrealize (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (strata_profile_editor_parent_class)->unrealize (widget);

  gtk_window_set_transient_for (GTK_WINDOW (widget), NULL);
}

static void
strata_profile_editor_dispose (GObject *object)
{
  StrataProfileEditor *self = (StrataProfileEditor *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PROFILE_EDITOR);

  g_clear_object (&self->chooser);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->profile);
  g_clear_pointer (&self->extra_params, g_hash_table_unref);
  g_clear_pointer (&self->loaded_state, g_free);

  G_OBJECT_CLASS (strata_profile_editor_parent_class)->dispose (object);
}

static void
strata_profile_editor_class_init (StrataProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_profile_editor_dispose;
  widget_class->unrealize = strata_profile_editor_unrealize;

  /**
   * StrataProfileEditor::tested:
   * @success: whether the connection worked
   * @message: what the test found
   */
  signals[TESTED] =
    g_signal_new ("tested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-profile-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, role_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, engine_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, notes_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, sqlite_group);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, file_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, postgresql_group);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, host_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, port_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, user_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, database_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, sslmode_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, password_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, test_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataProfileEditor, delete_group);
  gtk_widget_class_bind_template_callback (widget_class, strata_profile_editor_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_profile_editor_role_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_profile_editor_sslmode_changed_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, strata_profile_editor_save_action);
  gtk_widget_class_install_action (widget_class, "editor.test", NULL, strata_profile_editor_test_action);
  gtk_widget_class_install_action (widget_class, "editor.choose-file", NULL, strata_profile_editor_choose_file_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, strata_profile_editor_delete_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
strata_profile_editor_init (StrataProfileEditor *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Set here, not in the template: setting the model there resets it */
  strata_profile_editor_set_sslmode (self, SSL_MODE_DEFAULT);

  /* Typing starts with the name */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->name_row));

  strata_profile_editor_changed_cb (self);
}

/**
 * strata_profile_editor_new:
 * @parent: (nullable): the window it belongs to
 * @store: the user's store
 * @profile: (nullable): a profile of @store to edit, or %NULL for a new one
 */
StrataProfileEditor *
strata_profile_editor_new (GtkWindow     *parent,
                           StrataStore   *store,
                           StrataProfile *profile)
{
  StrataProfileEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (STRATA_IS_STORE (store), NULL);
  g_return_val_if_fail (profile == NULL || STRATA_IS_PROFILE (profile), NULL);

  self = g_object_new (STRATA_TYPE_PROFILE_EDITOR,
                       "transient-for", parent,
                       NULL);
  self->store = g_object_ref (store);

  /* Never larger than the window it belongs to */
  if (parent != NULL && gtk_widget_get_width (GTK_WIDGET (parent)) > 0)
    {
      int width;
      int height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   MIN (width, gtk_widget_get_width (GTK_WIDGET (parent))),
                                   MIN (height, gtk_widget_get_height (GTK_WIDGET (parent))));
    }

  if (profile != NULL)
    {
      self->profile = g_object_ref (profile);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection Profile"));
      gtk_widget_set_visible (GTK_WIDGET (self->delete_group), TRUE);
      strata_profile_editor_load (self, profile);
      /* Nothing to save until something changes */
      self->loaded_state = strata_profile_editor_dup_state (self);
    }

  strata_profile_editor_changed_cb (self);

  return self;
}

/**
 * strata_profile_editor_get_profile:
 *
 * Returns: (transfer none) (nullable): the profile edited (once saved, for
 *   a new one)
 */
StrataProfile *
strata_profile_editor_get_profile (StrataProfileEditor *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE_EDITOR (self), NULL);

  return self->profile;
}

gboolean
strata_profile_editor_get_testing (StrataProfileEditor *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE_EDITOR (self), FALSE);

  return self->test_cancellable != NULL;
}

gboolean
strata_profile_editor_get_busy (StrataProfileEditor *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE_EDITOR (self), FALSE);

  return self->busy;
}
