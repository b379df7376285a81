/* strata-application.c: the Strata desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-application"

#include "config.h"

#include <glib/gi18n.h>

#include "strata.h"
#include "strata-application.h"
#include "strata-preferences-window.h"
#include "strata-run-guard.h"
#include "strata-window.h"

struct _StrataApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;

  /* The user's store, once opened; NULL while opening and when it could
   * not be opened (then store_error says why). */
  StrataStore    *store;
  GError         *store_error;
  GCancellable   *store_cancellable;
  /* Without a store: no profiles, and recent projects for this session. */
  GListStore     *no_profiles;
  GListStore     *session_projects;
  /* The store's folder: the CLI writes the same store */
  GFileMonitor   *store_monitor;
  guint           reload_source;

  /* Folders given on the command line before the store was open */
  GPtrArray      *pending_open;

  guint           ready : 1;
  guint           activate_when_ready : 1;
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_READY,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Seconds the keyring may take to answer: long enough for a person to
 * answer its unlock prompt. */
#define STRATA_APPLICATION_SECRET_TIMEOUT 120

static const struct {
  const char *action;
  const char *accels[3];
} strata_application_accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.refresh", { "F5", "<Control>r", NULL } },
  { "win.show-help-overlay", { "<Control>question", NULL } },
  { "window.close", { "<Control>w", NULL } },
};

static void
strata_application_update_color_scheme (StrataApplication *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "color-scheme");
  AdwStyleManager *style_manager = adw_application_get_style_manager (ADW_APPLICATION (self));
  AdwColorScheme color_scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (value, "light") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (value, "dark") == 0)
    color_scheme = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (style_manager, color_scheme);
}

static void
strata_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  StrataApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Destroy the windows rather than only leaving the main loop, so that
   * each one saves its state and releases what it holds. Destroying a
   * window removes it from the application's list: walk a copy. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  /* A window running migrations asks first, and stays */
  for (const GList *l = windows; l != NULL; l = l->next)
    if (strata_run_guard_close_request (l->data))
      return;
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);

  g_application_quit (G_APPLICATION (self));
}

static void
strata_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  StrataApplication *self = user_data;
  static const char *developers[] = {
    "The Strata developers https://github.com/stratadb/strata",
    NULL
  };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "destroy-with-parent", TRUE,
                        "application-name", _("Strata"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Strata developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Review, apply and roll back database schema migrations "
                                      "on SQLite and PostgreSQL."),
                        "website", "https://github.com/stratadb/strata",
                        "issue-url", "https://github.com/stratadb/strata/issues",
                        "developers", developers,
                        "copyright", "© 2026 The Strata developers",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: replace with your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (about);
}

static void
strata_application_preferences_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  StrataApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  StrataPreferencesWindow *preferences;

  preferences = strata_preferences_window_new (parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry strata_application_entries[] = {
  { "quit", strata_application_quit_action },
  { "about", strata_application_about_action },
  { "preferences", strata_application_preferences_action },
};

/* The user's store ------------------------------------------------------ */

/* The active window, else a new one; a new one opens the last project
 * again when @restore (no folder was given to open) */
static void
strata_application_present_window (StrataApplication *self,
                                   gboolean           restore)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    {
      window = GTK_WINDOW (strata_window_new (self));
      gtk_window_present (window);
      if (restore)
        strata_window_restore_last (STRATA_WINDOW (window));
    }

  gtk_window_present (window);
}

/* `strata-gtk PATH…`: the first folder in the active window, each other
 * one in a window of its own. */
static void
strata_application_open_folders (StrataApplication  *self,
                                 GFile             **folders,
                                 guint               n_folders)
{
  for (guint i = 0; i < n_folders; i++)
    {
      GtkWindow *window = NULL;

      if (i == 0)
        window = gtk_application_get_active_window (GTK_APPLICATION (self));
      if (window == NULL)
        window = GTK_WINDOW (strata_window_new (self));

      gtk_window_present (window);
      strata_window_open_project_or_report (STRATA_WINDOW (window), folders[i]);
    }
}

static void
store_problem_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           gpointer          user_data)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/**
 * strata_application_show_store_problem:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Says why the store could not be opened and what was kept, when it could
 * not; does nothing otherwise.
 *
 * Returns: (transfer none) (nullable): the dialog, or %NULL
 */
GtkWindow *
strata_application_show_store_problem (StrataApplication *self,
                                       GtkWindow         *parent)
{
  g_autofree char *body = NULL;
  const char *heading;
  const char *consequence;
  const char *problem = NULL;
  GtkWidget *dialog;
  GtkWidget *detail;

  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  if (self->store_error == NULL &&
      (self->store == NULL || strata_store_get_problem (self->store) == NULL))
    return NULL;

  if (self->store_error == NULL)
    {
      /* The store could not be read: it was moved aside (kept, as the
       * message names it) and a new, empty one is in use. */
      heading = _("Your Store Was Replaced");
      body = g_strdup (_("Your store could not be read, so Strata kept it under another name and started "
                         "a new, empty one: connection profiles and recent projects saved before are not "
                         "in it. Where the old file is, and what was wrong with it, is below."));
      problem = strata_store_get_problem (self->store);
    }
  else if (g_error_matches (self->store_error, STRATA_ERROR, STRATA_ERROR_NEWER_VERSION))
    {
      /* Restarting this version changes nothing: only a newer one helps */
      consequence = _("Meanwhile, connection profiles and the log of runs are unavailable in this version; "
                      "projects still open.");
      heading = _("Store From a Newer Strata");
      /* Translators: %s says what is unavailable meanwhile */
      body = g_strdup_printf (_("Your store was written by a newer version of Strata. It was left untouched: "
                                "update Strata to use it again.\n\n%s"),
                              consequence);
    }
  else
    {
      /* Not "nothing was lost": the core's message below says what became
       * of the store (left as it was, restored from a backup, …). */
      consequence = _("Connection profiles and the log of runs are unavailable until Strata opens your store "
                      "again (at its next start); projects still open.");
      heading = _("Cannot Open Your Store");
      body = g_strdup_printf (_("What happened to your store, and what was kept, is below.\n\n%s"),
                              consequence);
    }
  if (problem == NULL)
    problem = self->store_error->message;

  dialog = adw_message_dialog_new (parent, heading, body);

  /* The core's own words: the file, the revisions, and what became of it
   * (left untouched; restored from the backup it names) */
  detail = gtk_label_new (problem);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 40);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "store-problem");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), detail);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_signal_connect (dialog, "response", G_CALLBACK (store_problem_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));

  return GTK_WINDOW (dialog);
}

static void
profiles_reloaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!strata_store_reload_profiles_finish (STRATA_STORE (object), result, &error))
    g_message ("%s", error->message);
}

static gboolean
strata_application_reload_profiles_cb (gpointer data)
{
  StrataApplication *self = data;

  self->reload_source = 0;
  if (self->store != NULL)
    strata_store_reload_profiles_async (self->store, NULL, profiles_reloaded_cb, NULL);

  return G_SOURCE_REMOVE;
}

/**
 * strata_application_reload_profiles:
 *
 * Reads the profiles of the store again soon: another process (`strata
 * profiles add`) may have changed them. Several calls in a row read once.
 */
void
strata_application_reload_profiles (StrataApplication *self)
{
  g_return_if_fail (STRATA_IS_APPLICATION (self));

  if (self->store == NULL || self->reload_source != 0)
    return;

  /* A write comes as several changes (the file, its journal): read once
   * they are over */
  self->reload_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, 100,
                                            strata_application_reload_profiles_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->reload_source),
                            "[strata] reload profiles");
}

static void
store_folder_changed_cb (StrataApplication *self,
                         GFile             *file,
                         GFile             *other_file,
                         GFileMonitorEvent  event,
                         GFileMonitor      *monitor)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *store_name = g_file_get_basename (strata_store_get_file (self->store));

  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED ||
      !g_str_has_prefix (name, store_name))
    return;

  strata_application_reload_profiles (self);
}

static void
strata_application_watch_store (StrataApplication *self)
{
  g_autoptr(GFile) folder = g_file_get_parent (strata_store_get_file (self->store));
  g_autoptr(GError) error = NULL;

  self->store_monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->store_monitor == NULL)
    {
      /* Windows read it again when they get the focus */
      g_message ("%s: not watched: %s", g_file_peek_path (folder), error->message);
      return;
    }

  g_signal_connect_object (self->store_monitor, "changed", G_CALLBACK (store_folder_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

static void
strata_application_store_opened_cb (GObject      *object,
                                    GAsyncResult *result,
                                    gpointer      user_data)
{
  g_autoptr(StrataApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataStore) store = NULL;

  store = strata_store_open_finish (result, &error);
  g_clear_object (&self->store_cancellable);

  if (store == NULL)
    {
      /* Said to the person in a dialog; this is for the journal */
      g_message ("%s", error->message);
      self->store_error = g_steal_pointer (&error);
    }
  else
    {
      GFile *backup = strata_store_get_backup_file (store);
      g_autofree char *outcome = g_enum_to_string (STRATA_TYPE_STORE_OUTCOME, strata_store_get_outcome (store));

      g_debug ("%s: %s, revision %s%s%s",
               g_file_peek_path (strata_store_get_file (store)), outcome,
               strata_store_get_revision (store),
               backup != NULL ? ", backup " : "",
               backup != NULL ? g_file_peek_path (backup) : "");
      self->store = g_steal_pointer (&store);
      strata_application_watch_store (self);
    }

  self->ready = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);

  if (self->activate_when_ready || self->pending_open->len > 0)
    {
      g_autoptr(GPtrArray) folders = g_steal_pointer (&self->pending_open);

      self->pending_open = g_ptr_array_new_with_free_func (g_object_unref);
      self->activate_when_ready = FALSE;
      strata_application_present_window (self, folders->len == 0);
      strata_application_open_folders (self, (GFile **)folders->pdata, folders->len);
      strata_application_show_store_problem (self, gtk_application_get_active_window (GTK_APPLICATION (self)));
    }

  g_application_release (G_APPLICATION (self));
}

static void
strata_application_startup (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);
  /* $XDG_DATA_HOME/strata/strata.db, shared with the command line;
   * strata-devel for the development profile */
  g_autofree char *store_path = NULL;
  g_autoptr(GFile) store_file = NULL;

  /* Loads style.css and gtk/help-overlay.ui from the resource base path
   * and initializes libadwaita. */
  G_APPLICATION_CLASS (strata_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   strata_application_entries,
                                   G_N_ELEMENTS (strata_application_entries),
                                   self);

  for (guint i = 0; i < G_N_ELEMENTS (strata_application_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                           strata_application_accels[i].action,
                                           strata_application_accels[i].accels);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings,
                           "changed::color-scheme",
                           G_CALLBACK (strata_application_update_color_scheme),
                           self,
                           G_CONNECT_SWAPPED);
  strata_application_update_color_scheme (self);

  /* A person can answer the keyring's unlock prompt here. */
  if (g_getenv ("STRATA_SECRET_TIMEOUT") == NULL)
    strata_secret_set_timeout (STRATA_APPLICATION_SECRET_TIMEOUT);

  /* The store is opened (created, backed up and upgraded as needed) in a
   * worker thread; the window comes once it is done. */
  self->store_cancellable = g_cancellable_new ();
  g_application_hold (application);
  store_path = g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME, "strata.db", NULL);
  store_file = g_file_new_for_path (store_path);
  strata_store_open_async (store_file, self->store_cancellable,
                           strata_application_store_opened_cb,
                           g_object_ref (self));
}

static void
strata_application_activate (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);

  if (!self->ready)
    {
      self->activate_when_ready = TRUE;
      return;
    }

  strata_application_present_window (self, TRUE);
}

static void
strata_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  StrataApplication *self = STRATA_APPLICATION (application);

  if (!self->ready)
    {
      /* Opened once the store is (store_opened_cb) */
      for (int i = 0; i < n_files; i++)
        g_ptr_array_add (self->pending_open, g_object_ref (files[i]));
      return;
    }

  strata_application_open_folders (self, files, n_files);
}

static int
strata_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", STRATA_GUI_NAME, PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

static void
strata_application_dispose (GObject *object)
{
  StrataApplication *self = (StrataApplication *)object;

  /* Opening holds the application: it is over by now. */
  g_clear_object (&self->store_cancellable);
  g_clear_object (&self->settings);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->store_monitor != NULL)
    g_file_monitor_cancel (self->store_monitor);
  g_clear_object (&self->store_monitor);
  g_clear_object (&self->store);
  g_clear_error (&self->store_error);
  g_clear_object (&self->no_profiles);
  g_clear_object (&self->session_projects);
  g_clear_pointer (&self->pending_open, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_application_parent_class)->dispose (object);
}

static void
strata_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataApplication *self = STRATA_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = strata_application_dispose;
  object_class->get_property = strata_application_get_property;

  application_class->startup = strata_application_startup;
  application_class->activate = strata_application_activate;
  application_class->open = strata_application_open;
  application_class->handle_local_options = strata_application_handle_local_options;

  /**
   * StrataApplication:ready:
   *
   * Whether opening the user's store is over (successfully or not).
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataApplication:store:
   *
   * The user's store, or %NULL while it opens or when it could not be.
   */
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, STRATA_TYPE_STORE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
strata_application_init (StrataApplication *self)
{
  self->no_profiles = g_list_store_new (STRATA_TYPE_PROFILE);
  self->session_projects = g_list_store_new (G_TYPE_FILE);
  self->pending_open = g_ptr_array_new_with_free_func (g_object_unref);

  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Print the version and exit"), NULL);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[PROJECT-FOLDER…]"));
}

StrataApplication *
strata_application_new (void)
{
  /* The resource base path is fixed so that the development build
   * (io.github.stratadb.Strata.Devel) finds the same resources. */
  return g_object_new (STRATA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/stratadb/Strata",
                       NULL);
}

/**
 * strata_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the application's settings, once it
 *   has started up
 */
GSettings *
strata_application_get_settings (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  return self->settings;
}

gboolean
strata_application_get_ready (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), FALSE);

  return self->ready;
}

/**
 * strata_application_get_store:
 *
 * Returns: (transfer none) (nullable): the user's store, or %NULL while it
 *   opens or when it could not be opened
 */
StrataStore *
strata_application_get_store (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  return self->store;
}

/**
 * strata_application_get_store_error:
 *
 * Returns: (transfer none) (nullable): why the store could not be opened
 */
const GError *
strata_application_get_store_error (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  return self->store_error;
}

/**
 * strata_application_get_profiles:
 *
 * Returns: (transfer none): the user's connection profiles (StrataProfile,
 *   sorted by name): the store's, or an empty list without a store
 */
GListModel *
strata_application_get_profiles (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  if (self->store != NULL)
    return strata_store_get_profiles (self->store);

  return G_LIST_MODEL (self->no_profiles);
}

/**
 * strata_application_get_recent_projects:
 *
 * Returns: (transfer none): the folders of the projects opened lately,
 *   the latest first (GFile): the store's, or this session's without one
 */
GListModel *
strata_application_get_recent_projects (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  if (self->store != NULL)
    return strata_store_get_recent_projects (self->store);

  return G_LIST_MODEL (self->session_projects);
}

static void
recent_project_added_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (strata_store_add_recent_project_finish (STRATA_STORE (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Remembers @directory among the recent projects: in the store (written on
 * its worker thread), or for this session when there is no store. */
void
strata_application_add_recent_project_async (StrataApplication   *self,
                                             GFile               *directory,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint position;

  g_return_if_fail (STRATA_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (directory));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, strata_application_add_recent_project_async);

  if (self->store != NULL)
    {
      strata_store_add_recent_project_async (self->store, directory, NULL,
                                             recent_project_added_cb, g_steal_pointer (&task));
      return;
    }

  if (g_list_store_find_with_equal_func (self->session_projects, directory,
                                         (GEqualFunc)g_file_equal, &position))
    g_list_store_remove (self->session_projects, position);
  g_list_store_insert (self->session_projects, 0, directory);

  g_task_return_boolean (task, TRUE);
}

gboolean
strata_application_add_recent_project_finish (StrataApplication  *self,
                                              GAsyncResult       *result,
                                              GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
recent_project_removed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (strata_store_remove_recent_project_finish (STRATA_STORE (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Forgets @directory as a recent project (the folder itself stays) */
void
strata_application_remove_recent_project_async (StrataApplication   *self,
                                                GFile               *directory,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  guint position;

  g_return_if_fail (STRATA_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (directory));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, strata_application_remove_recent_project_async);

  if (self->store != NULL)
    {
      strata_store_remove_recent_project_async (self->store, directory, NULL,
                                                recent_project_removed_cb, g_steal_pointer (&task));
      return;
    }

  if (g_list_store_find_with_equal_func (self->session_projects, directory,
                                         (GEqualFunc)g_file_equal, &position))
    g_list_store_remove (self->session_projects, position);

  g_task_return_boolean (task, TRUE);
}

gboolean
strata_application_remove_recent_project_finish (StrataApplication  *self,
                                                 GAsyncResult       *result,
                                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
copy_tree (GFile         *source,
           GFile         *destination,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  if (!g_file_make_directory_with_parents (destination, cancellable, error))
    return FALSE;

  children = g_file_enumerate_children (source,
                                        G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (children == NULL)
    return FALSE;

  while (g_file_enumerator_iterate (children, &info, &child, cancellable, error))
    {
      g_autoptr(GFile) target = NULL;

      if (info == NULL)
        return TRUE;

      target = g_file_get_child (destination, g_file_info_get_name (info));

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!copy_tree (child, target, cancellable, error))
            return FALSE;
        }
      else if (!g_file_copy (child, target, G_FILE_COPY_NONE, cancellable, NULL, NULL, error))
        {
          return FALSE;
        }
    }

  return FALSE;
}

/**
 * strata_application_dup_example_project:
 *
 * The bookshop example, copied the first time into
 * $XDG_DATA_HOME/strata/examples/bookshop so that the user can run it
 * against a database and change it. The app's copy comes from
 * $STRATA_EXAMPLES_DIR (uninstalled builds and tests) or the installed
 * one.
 *
 * Returns: (transfer full): the folder of the user's copy, or NULL
 */
GFile *
strata_application_dup_example_project (StrataApplication  *self,
                                        GError            **error)
{
  g_autoptr(GFile) copy = NULL;
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFile) source_ini = NULL;
  g_autoptr(GFile) copy_ini = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *source_path = NULL;
  const char *examples_dir = g_getenv ("STRATA_EXAMPLES_DIR");

  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  copy_path = g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME, "examples", "bookshop", NULL);
  copy = g_file_new_for_path (copy_path);
  copy_ini = g_file_get_child (copy, "strata.ini");
  if (g_file_query_exists (copy_ini, NULL))
    return g_steal_pointer (&copy);

  if (examples_dir == NULL || examples_dir[0] == '\0')
    examples_dir = STRATA_EXAMPLES_DIR;

  source_path = g_build_filename (examples_dir, "bookshop", NULL);
  source = g_file_new_for_path (source_path);
  source_ini = g_file_get_child (source, "strata.ini");
  if (!g_file_query_exists (source_ini, NULL))
    {
      g_autofree char *path = g_file_get_path (source);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: the example project is not installed"), path);
      return NULL;
    }

  if (g_file_query_exists (copy, NULL))
    {
      g_autofree char *path = g_file_get_path (copy);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s exists but is not a Strata project: move it away to get the example again"), path);
      return NULL;
    }

  if (!copy_tree (source, copy, NULL, error))
    {
      g_autofree char *path = g_file_get_path (copy);

      g_prefix_error (error, _("Cannot copy the example project to %s: "), path);
      return NULL;
    }

  return g_steal_pointer (&copy);
}
