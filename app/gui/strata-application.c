/* strata-application.c: the Strata desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-application"

#include "config.h"

#include <glib/gi18n.h>

#include "strata.h"
#include "strata-app-profile.h"
#include "strata-application.h"
#include "strata-preferences-window.h"
#include "strata-window.h"

struct _StrataApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  /* In memory until the user's store (StrataStore) lands */
  GListStore     *profiles;
  GListStore     *recent_projects;
};

G_DEFINE_FINAL_TYPE (StrataApplication, strata_application, ADW_TYPE_APPLICATION)

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

static void
strata_application_startup (GApplication *application)
{
  StrataApplication *self = STRATA_APPLICATION (application);

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
}

static void
strata_application_activate (GApplication *application)
{
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (strata_window_new (STRATA_APPLICATION (application)));

  gtk_window_present (window);
}

static void
strata_application_dispose (GObject *object)
{
  StrataApplication *self = (StrataApplication *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->profiles);
  g_clear_object (&self->recent_projects);

  G_OBJECT_CLASS (strata_application_parent_class)->dispose (object);
}

static void
strata_application_class_init (StrataApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = strata_application_dispose;

  application_class->startup = strata_application_startup;
  application_class->activate = strata_application_activate;
}

static void
strata_application_init (StrataApplication *self)
{
  self->profiles = g_list_store_new (STRATA_TYPE_APP_PROFILE);
  self->recent_projects = g_list_store_new (G_TYPE_FILE);
}

StrataApplication *
strata_application_new (void)
{
  /* The resource base path is fixed so that the development build
   * (io.github.stratadb.Strata.Devel) finds the same resources. */
  return g_object_new (STRATA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
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

/**
 * strata_application_get_profiles:
 *
 * Returns: (transfer none): the user's connection profiles
 *   (StrataAppProfile)
 */
GListStore *
strata_application_get_profiles (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  return self->profiles;
}

/**
 * strata_application_get_recent_projects:
 *
 * Returns: (transfer none): the folders of the projects opened lately,
 *   the latest first (GFile)
 */
GListModel *
strata_application_get_recent_projects (StrataApplication *self)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (self), NULL);

  return G_LIST_MODEL (self->recent_projects);
}

void
strata_application_add_recent_project (StrataApplication *self,
                                       GFile             *directory)
{
  guint n_items;

  g_return_if_fail (STRATA_IS_APPLICATION (self));
  g_return_if_fail (G_IS_FILE (directory));

  n_items = g_list_model_get_n_items (G_LIST_MODEL (self->recent_projects));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (G_LIST_MODEL (self->recent_projects), i);

      if (g_file_equal (file, directory))
        {
          if (i == 0)
            return;
          g_list_store_remove (self->recent_projects, i);
          break;
        }
    }

  g_list_store_insert (self->recent_projects, 0, directory);
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

  copy_path = g_build_filename (g_get_user_data_dir (), "strata", "examples", "bookshop", NULL);
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
