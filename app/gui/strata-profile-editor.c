/* strata-profile-editor.c: add or edit a connection profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-profile-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-profile-editor.h"

enum {
  ENGINE_SQLITE,
  ENGINE_POSTGRESQL,
};

static const char * const ssl_modes[] = {
  "disable", "allow", "prefer", "require", "verify-ca", "verify-full",
};

struct _StrataProfileEditor
{
  AdwWindow             parent_instance;

  GListStore           *profiles;
  StrataAppProfile     *profile;
  GCancellable         *test_cancellable;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwEntryRow          *name_row;
  AdwComboRow          *role_row;
  AdwComboRow          *engine_row;
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

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
is_blank (const char *text)
{
  for (; text != NULL && *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }

  return TRUE;
}

char *
strata_profile_editor_dup_url (StrataProfileEditor *self)
{
  g_return_val_if_fail (STRATA_IS_PROFILE_EDITOR (self), NULL);

  if (adw_combo_row_get_selected (self->engine_row) == ENGINE_SQLITE)
    {
      g_autofree char *path = g_strstrip (g_strdup (row_text (self->file_row)));

      if (path[0] == '\0')
        return NULL;

      /* sqlite:////abs/path.db or sqlite:///relative.db */
      return g_strconcat ("sqlite:///", path, NULL);
    }
  else
    {
      g_autofree char *host = g_strstrip (g_strdup (row_text (self->host_row)));
      g_autofree char *user = g_strstrip (g_strdup (row_text (self->user_row)));
      g_autofree char *database = g_strstrip (g_strdup (row_text (self->database_row)));
      g_autofree char *path = NULL;
      g_autofree char *query = NULL;
      guint selected = adw_combo_row_get_selected (self->sslmode_row);
      guint64 port = 0;

      if (host[0] == '\0' || database[0] == '\0')
        return NULL;

      if (!is_blank (row_text (self->port_row)) &&
          !g_ascii_string_to_unsigned (row_text (self->port_row), 10, 1, 65535, &port, NULL))
        return NULL;

      path = g_strconcat ("/", database, NULL);
      if (selected < G_N_ELEMENTS (ssl_modes))
        query = g_strconcat ("sslmode=", ssl_modes[selected], NULL);

      return g_uri_join_with_user (G_URI_FLAGS_NONE, "postgresql",
                                   user[0] != '\0' ? user : NULL, NULL, NULL,
                                   host, port > 0 ? (int)port : -1,
                                   path, query, NULL);
    }
}

static void
strata_profile_editor_changed_cb (StrataProfileEditor *self)
{
  gboolean sqlite = adw_combo_row_get_selected (self->engine_row) == ENGINE_SQLITE;
  g_autofree char *url = strata_profile_editor_dup_url (self);

  gtk_widget_set_visible (GTK_WIDGET (self->sqlite_group), sqlite);
  gtk_widget_set_visible (GTK_WIDGET (self->postgresql_group), !sqlite);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 url != NULL && !is_blank (row_text (self->name_row)));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test",
                                 url != NULL && self->test_cancellable == NULL);
}

static void
strata_profile_editor_load (StrataProfileEditor *self,
                            StrataAppProfile    *profile)
{
  const char *url = strata_app_profile_get_url (profile);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), strata_app_profile_get_name (profile));
  adw_combo_row_set_selected (self->role_row, strata_app_profile_get_role (profile));

  if (uri == NULL)
    return;

  if (strata_app_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE)
    {
      const char *path = g_uri_get_path (uri);

      adw_combo_row_set_selected (self->engine_row, ENGINE_SQLITE);
      gtk_editable_set_text (GTK_EDITABLE (self->file_row), path[0] == '/' ? path + 1 : path);
    }
  else
    {
      const char *path = g_uri_get_path (uri);
      const char *query = g_uri_get_query (uri);
      g_autofree char *port = g_uri_get_port (uri) > 0 ? g_strdup_printf ("%d", g_uri_get_port (uri)) : g_strdup ("");

      adw_combo_row_set_selected (self->engine_row, ENGINE_POSTGRESQL);
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), port);
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), g_uri_get_user (uri) != NULL ? g_uri_get_user (uri) : "");
      gtk_editable_set_text (GTK_EDITABLE (self->database_row), path[0] == '/' ? path + 1 : path);

      if (query != NULL)
        {
          g_autoptr(GHashTable) params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
          const char *sslmode = params != NULL ? g_hash_table_lookup (params, "sslmode") : NULL;

          for (guint i = 0; sslmode != NULL && i < G_N_ELEMENTS (ssl_modes); i++)
            {
              if (g_str_equal (sslmode, ssl_modes[i]))
                adw_combo_row_set_selected (self->sslmode_row, i);
            }
        }
    }
}

static StrataAppProfile *
find_profile (GListStore *profiles,
              const char *name)
{
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (profiles));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(StrataAppProfile) profile = g_list_model_get_item (G_LIST_MODEL (profiles), i);

      if (g_str_equal (strata_app_profile_get_name (profile), name))
        return profile;
    }

  return NULL;
}

static void
strata_profile_editor_save_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (widget);
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));
  g_autofree char *url = strata_profile_editor_dup_url (self);
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  StrataAppProfileRole role = adw_combo_row_get_selected (self->role_row);
  StrataAppProfile *existing;

  if (url == NULL || name[0] == '\0')
    return;

  existing = find_profile (self->profiles, name);
  if (existing != NULL && existing != self->profile)
    {
      g_autofree char *title = g_strdup_printf (_("A profile called “%s” already exists"), name);

      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
      gtk_widget_add_css_class (GTK_WIDGET (self->name_row), "error");
      return;
    }

  if (self->profile == NULL)
    {
      g_autoptr(StrataAppProfile) profile = strata_app_profile_new (name, url, role);

      strata_app_profile_set_password (profile, password);
      g_list_store_append (self->profiles, profile);
      self->profile = g_steal_pointer (&profile);
    }
  else
    {
      strata_app_profile_set_name (self->profile, name);
      strata_app_profile_set_url (self->profile, url);
      strata_app_profile_set_role (self->profile, role);
      if (password[0] != '\0')
        strata_app_profile_set_password (self->profile, password);
    }

  gtk_window_close (GTK_WINDOW (self));
}

/* Test Connection, in a worker thread */

static void
test_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *url = task_data;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataResult) result = NULL;
  GError *error = NULL;

  if (!(driver = strata_driver_open (url, NULL, cancellable, &error)) ||
      !(result = strata_driver_query (driver, "SELECT 1", cancellable, &error)))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_strdup (strata_driver_get_display_url (driver)), g_free);
}

static void
test_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *display_url = NULL;
  g_autofree char *message = NULL;
  gboolean success;

  g_clear_object (&self->test_cancellable);
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);

  display_url = g_task_propagate_pointer (G_TASK (result), &error);
  success = display_url != NULL;
  if (success)
    {
      message = g_strdup_printf (_("Connected to %s"), display_url);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "success");
    }
  else
    {
      message = g_strdup (error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_row), "error");
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
  g_autofree char *url = strata_profile_editor_dup_url (self);
  g_autoptr(StrataAppProfile) draft = NULL;
  g_autoptr(GTask) task = NULL;

  if (url == NULL || self->test_cancellable != NULL)
    return;

  draft = strata_app_profile_new ("", url, STRATA_APP_PROFILE_ROLE_DEVELOPMENT);
  strata_app_profile_set_password (draft, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
  if (self->profile != NULL && strata_app_profile_get_password (draft) == NULL)
    strata_app_profile_set_password (draft, strata_app_profile_get_password (self->profile));

  adw_action_row_set_subtitle (self->test_row, _("Connecting…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_row), "success");
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);

  self->test_cancellable = g_cancellable_new ();
  strata_profile_editor_changed_cb (self);

  task = g_task_new (self, self->test_cancellable, test_cb, NULL);
  g_task_set_source_tag (task, strata_profile_editor_test_action);
  g_task_set_task_data (task, strata_app_profile_dup_connect_url (draft), g_free);
  g_task_run_in_thread (task, test_thread);
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
        gtk_editable_set_text (GTK_EDITABLE (self->file_row), path);
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

static gboolean
close_idle_cb (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));

  return G_SOURCE_REMOVE;
}

static void
delete_response_cb (StrataProfileEditor *self,
                    const char          *response,
                    AdwMessageDialog    *dialog)
{
  guint position;

  if (g_strcmp0 (response, "delete") != 0 || self->profile == NULL)
    return;

  if (g_list_store_find (self->profiles, self->profile, &position))
    g_list_store_remove (self->profiles, position);

  /* Not from inside the response of the dialog the editor carries */
  g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
}

static void
strata_profile_editor_delete_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  StrataProfileEditor *self = STRATA_PROFILE_EDITOR (widget);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->profile == NULL)
    return;

  body = g_strdup_printf (_("The profile “%s” and its saved password are removed. The database itself is not changed."),
                          strata_app_profile_get_name (self->profile));
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

static void
strata_profile_editor_dispose (GObject *object)
{
  StrataProfileEditor *self = (StrataProfileEditor *)object;

  if (self->test_cancellable != NULL)
    g_cancellable_cancel (self->test_cancellable);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PROFILE_EDITOR);

  g_clear_object (&self->chooser);
  g_clear_object (&self->test_cancellable);
  g_clear_object (&self->profiles);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (strata_profile_editor_parent_class)->dispose (object);
}

static void
strata_profile_editor_class_init (StrataProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_profile_editor_dispose;

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
  gtk_widget_init_template (GTK_WIDGET (self));

  strata_profile_editor_changed_cb (self);
}

StrataProfileEditor *
strata_profile_editor_new (GtkWindow        *parent,
                           GListStore       *profiles,
                           StrataAppProfile *profile)
{
  StrataProfileEditor *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_LIST_STORE (profiles), NULL);
  g_return_val_if_fail (profile == NULL || STRATA_IS_APP_PROFILE (profile), NULL);

  self = g_object_new (STRATA_TYPE_PROFILE_EDITOR,
                       "transient-for", parent,
                       NULL);
  self->profiles = g_object_ref (profiles);

  if (profile != NULL)
    {
      self->profile = g_object_ref (profile);
      gtk_window_set_title (GTK_WINDOW (self), _("Edit Connection Profile"));
      gtk_widget_set_visible (GTK_WIDGET (self->delete_group), TRUE);
      strata_profile_editor_load (self, profile);
    }

  strata_profile_editor_changed_cb (self);

  return self;
}

StrataAppProfile *
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
