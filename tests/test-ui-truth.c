/* test-ui-truth.c: the app says what is true and every page is reachable:
 * safe connection defaults, a Test Connection that creates nothing,
 * profiles added by the CLI while the app runs, the view switcher at every
 * width, Escape and the shortcuts window, history, empty states, the small
 * things; each screen rendered to a PNG in the build directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-truth"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-profile-editor.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

/* Waiting for the app */

static StrataWindow *
open_example (StrataApplication *app,
              int                width,
              int                height)
{
  StrataWindow *window = strata_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-example-project", NULL));
  strata_test_gui_iterate_pending ();
  g_assert_nonnull (strata_project_view_get_project (strata_window_get_project_view (window)));

  return window;
}

static StrataProfileEditor *
open_editor (StrataWindow  *window,
             StrataProfile *profile)
{
  if (profile != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-profile", "s",
                                               strata_profile_get_id (profile)));
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-profile", NULL));

  return STRATA_PROFILE_EDITOR (strata_test_gui_wait_toplevel (STRATA_TYPE_PROFILE_EDITOR, "the profile editor shows"));
}

static void
set_field (StrataProfileEditor *editor,
           const char          *name,
           const char          *text)
{
  gtk_editable_set_text (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, name), text);
}

static guint
combo_selected (StrataProfileEditor *editor,
                const char          *name)
{
  return adw_combo_row_get_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, name));
}

static void
close_editor (StrataProfileEditor *editor)
{
  gtk_window_close (GTK_WINDOW (editor));
  strata_test_gui_iterate_until (strata_test_gui_no_editor, NULL, "the editor closes");
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_actionable (child, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The Save button follows the action's state */
static gboolean
save_enabled (StrataProfileEditor *editor)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (editor), "editor.save");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* Key presses as GTK dispatches them to shortcuts: from the focus up to
 * the window, each widget's shortcut controllers in turn (bubble phase) */
static gboolean
press_key (GtkWindow       *window,
           guint            keyval,
           GdkModifierType  modifiers)
{
  GtkWidget *focus = gtk_window_get_focus (window);

  for (GtkWidget *widget = focus != NULL ? focus : GTK_WIDGET (window);
       widget != NULL;
       widget = gtk_widget_get_parent (widget))
    {
      g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

          if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
            continue;

          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
            {
              g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
              GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

              if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
                  gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
                  gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers &&
                  gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                gtk_shortcut_get_arguments (shortcut)))
                return TRUE;
            }
        }
    }

  return FALSE;
}

/* 2, 3, 13: new PostgreSQL profiles start at libpq's prefer, production at
 * require (verify-full with a root certificate); Test Connection on a
 * SQLite file that is not there says so and creates nothing; the editor
 * opens on Name, fits its window, saves only a change */
static void
test_profile_editor (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *cert_dir = NULL;
  g_autofree char *cert = NULL;
  StrataProfileEditor *editor;
  StrataProfile *profile;
  StrataWindow *window;
  AdwActionRow *test_row;
  GtkWidget *focus;
  int width;
  int height;

  if (app == NULL)
    return;

  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "typo.db", NULL);

  /* A small window: the editor fits in it */
  window = open_example (app, 480, 560);
  editor = open_editor (window, NULL);
  gtk_window_get_default_size (GTK_WINDOW (editor), &width, &height);
  g_test_message ("editor %d×%d in a window %d×%d", width, height,
                  gtk_widget_get_width (GTK_WIDGET (window)), gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpint (width, <=, gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (height, <=, gtk_widget_get_height (GTK_WIDGET (window)));

  /* The focus is in Name */
  focus = gtk_window_get_focus (GTK_WINDOW (editor));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "name_row")));

  /* PostgreSQL: prefer, whatever the combo's first entry is */
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "engine_row"), 1);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 2);
  set_field (editor, "name_row", "Shop");
  set_field (editor, "host_row", "db.example.com");
  set_field (editor, "database_row", "shop");
  {
    g_autofree char *url = strata_profile_editor_dup_url (editor);

    /* prefer is libpq's default: not written */
    g_assert_cmpstr (url, ==, "postgresql://db.example.com:5432/shop");
  }

  /* Production: require without a root certificate, verify-full with one */
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row"),
                              STRATA_PROFILE_ROLE_PRODUCTION);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 3);
  {
    g_autofree char *url = strata_profile_editor_dup_url (editor);

    g_assert_cmpstr (url, ==, "postgresql://db.example.com:5432/shop?sslmode=require");
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (editor), "test-ui-truth-editor-production.png"));
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row"),
                              STRATA_PROFILE_ROLE_DEVELOPMENT);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 2);

  cert_dir = g_build_filename (g_get_home_dir (), ".postgresql", NULL);
  cert = g_build_filename (cert_dir, "root.crt", NULL);
  g_assert_cmpint (g_mkdir_with_parents (cert_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (cert, "", 0, NULL));
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row"),
                              STRATA_PROFILE_ROLE_PRODUCTION);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 5);
  g_unlink (cert);

  /* A mode the person picks stays, whatever the role */
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "sslmode_row"), 4);
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row"),
                              STRATA_PROFILE_ROLE_STAGING);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 4);

  /* SQLite: a file that is not there is not created by a test */
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "engine_row"), 0);
  set_field (editor, "file_row", db_path);
  test_row = strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "test_row");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
  strata_test_gui_iterate_until (strata_test_gui_editor_is_idle, editor, "the test ends");
  expected = g_strdup_printf ("%s does not exist yet: it will be created on the first apply", db_path);
  g_test_message ("test connection: %s", adw_action_row_get_subtitle (test_row));
  g_assert_cmpstr (adw_action_row_get_subtitle (test_row), ==, expected);
  g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (test_row), "success"));
  g_free (strata_test_gui_save_png (GTK_WIDGET (editor), "test-ui-truth-editor-missing-file.png"));

  /* In a folder that is not there either */
  {
    g_autofree char *nowhere = g_build_filename (tmpdir, "no-such-folder", "app.db", NULL);

    set_field (editor, "file_row", nowhere);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
    strata_test_gui_iterate_until (strata_test_gui_editor_is_idle, editor, "the test ends");
    g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (test_row), "The folder "));
    g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  }

  /* An existing file connects as before */
  g_assert_true (g_file_set_contents (db_path, "", 0, NULL));
  set_field (editor, "file_row", db_path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
  strata_test_gui_iterate_until (strata_test_gui_editor_is_idle, editor, "the test ends");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (test_row), "Connected to sqlite:"));
  close_editor (editor);

  /* Editing a saved profile: Save waits for a change; its SSL mode stays
   * as saved whatever the role */
  profile = strata_profile_new ("Saved shop");
  strata_profile_set_engine (profile, "postgresql");
  strata_profile_set_host (profile, "db.example.com");
  strata_profile_set_database (profile, "shop");
  strata_profile_set_params (profile, "sslmode=disable");
  g_assert_true (strata_store_add_profile (strata_application_get_store (app), profile, &error));
  g_assert_no_error (error);
  g_object_unref (profile);
  strata_test_gui_iterate_pending ();

  editor = open_editor (window, profile);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 0);
  g_assert_false (save_enabled (editor));
  set_field (editor, "notes_row", "changed");
  g_assert_true (save_enabled (editor));
  set_field (editor, "notes_row", "");
  g_assert_false (save_enabled (editor));
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row"),
                              STRATA_PROFILE_ROLE_PRODUCTION);
  g_assert_cmpuint (combo_selected (editor, "sslmode_row"), ==, 0);
  g_assert_true (save_enabled (editor));
  close_editor (editor);

  g_assert_true (strata_store_remove_profile (strata_application_get_store (app), profile, &error));
  g_assert_no_error (error);
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

/* 4: `strata profiles add` while the app runs: the profile shows */

typedef struct
{
  StrataStore *store;
  const char  *name;
  gboolean     present;
} ProfileWait;

static gboolean
profile_presence (gpointer data)
{
  ProfileWait *wait = data;

  return (strata_store_lookup_profile (wait->store, wait->name) != NULL) == wait->present;
}

static void
run_cli (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *)g_getenv ("STRATA_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("strata %s: %s%s", args[0], out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
test_profiles_from_cli (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  StrataWindow *window;
  StrataStore *store;
  StrataProfile *profile;
  ProfileWait wait;
  GtkListBox *list;

  if (app == NULL || strata_test_require_env ("STRATA_CLI", "the strata command") == NULL)
    return;

  store = strata_application_get_store (app);
  window = open_example (app, 1100, 760);
  list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");

  /* Both engines, the PostgreSQL one with a role */
  run_cli ((const char *[]) { "profiles", "add", "From the CLI", "--url", "sqlite:///cli.db", NULL });
  run_cli ((const char *[]) { "profiles", "add", "CLI staging", "--url", "postgresql://app@db.example.com/shop", NULL });

  wait.store = store;
  wait.name = "From the CLI";
  wait.present = TRUE;
  strata_test_gui_iterate_until (profile_presence, &wait, "the CLI's SQLite profile shows");
  wait.name = "CLI staging";
  strata_test_gui_iterate_until (profile_presence, &wait, "the CLI's PostgreSQL profile shows");
  strata_test_gui_iterate_pending ();
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, 1));

  /* Selected, then changed and removed from the CLI: the same object
   * follows, the selection holds until it goes */
  profile = strata_store_lookup_profile (store, "CLI staging");
  strata_window_select_profile (window, profile);
  g_assert_true (strata_project_view_get_profile (strata_window_get_project_view (window)) == profile);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-profiles-from-cli.png"));

  run_cli ((const char *[]) { "profiles", "remove", "From the CLI", NULL });
  wait.name = "From the CLI";
  wait.present = FALSE;
  strata_test_gui_iterate_until (profile_presence, &wait, "the removed profile goes");
  g_assert_true (strata_store_lookup_profile (store, "CLI staging") == profile);
  g_assert_true (strata_project_view_get_profile (strata_window_get_project_view (window)) == profile);

  run_cli ((const char *[]) { "profiles", "remove", "CLI staging", NULL });
  wait.name = "CLI staging";
  strata_test_gui_iterate_until (profile_presence, &wait, "the selected profile goes");
  strata_test_gui_iterate_pending ();
  g_assert_null (strata_project_view_get_profile (strata_window_get_project_view (window)));

  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

/* 7: at 360 px, and at 700 px with the sidebar, the switcher moves to a
 * bar at the bottom: every page stays reachable */
static void
check_switcher_at (StrataApplication *app,
                   int                width,
                   gboolean           sidebar,
                   gboolean           expect_bar,
                   const char        *png)
{
  StrataWindow *window = open_example (app, width, 640);
  AdwViewSwitcherBar *bar = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "switcher_bar");
  AdwViewSwitcherTitle *title = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "switcher_title");
  AdwLeaflet *leaflet = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "leaflet");
  AdwViewStack *stack = strata_project_view_get_stack (strata_window_get_project_view (window));

  strata_window_set_show_sidebar (window, sidebar);
  /* Laid out at this width */
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), png));
  g_test_message ("%d px, sidebar %s: folded %d, title visible %d, bar revealed %d", width,
                  sidebar ? "on" : "off", adw_leaflet_get_folded (leaflet),
                  adw_view_switcher_title_get_title_visible (title), adw_view_switcher_bar_get_reveal (bar));

  g_assert_true (adw_view_switcher_bar_get_stack (bar) == stack);
  g_assert_cmpint (adw_view_switcher_bar_get_reveal (bar), ==, expect_bar);
  /* Either switcher shows: one of them reaches every page */
  g_assert_true (adw_view_switcher_bar_get_reveal (bar) || !adw_view_switcher_title_get_title_visible (title));
  if (expect_bar)
    g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (bar)) && gtk_widget_get_height (GTK_WIDGET (bar)) > 0);

  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

static void
test_every_width (void)
{
  StrataApplication *app = strata_test_gui_get_application ();

  if (app == NULL)
    return;

  strata_test_gui_reset_settings ();
  check_switcher_at (app, 360, TRUE, TRUE, "test-ui-truth-360.png");
  check_switcher_at (app, 700, TRUE, TRUE, "test-ui-truth-700-sidebar.png");
  /* Six pages: the header holds their switcher, centred between the
   * header's buttons, from about 1,260 px with the sidebar; below, the bar */
  check_switcher_at (app, 1100, TRUE, TRUE, "test-ui-truth-1100-sidebar.png");
  check_switcher_at (app, 1300, TRUE, FALSE, "test-ui-truth-1300-sidebar.png");
  strata_test_gui_reset_settings ();
}

/* 8: the shortcuts window names a key for every entry; Escape cancels a
 * run wherever the focus is, and the focus stays on something usable */
static void
collect_shortcuts (GtkWidget *widget,
                   GPtrArray *shortcuts)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    g_ptr_array_add (shortcuts, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_shortcuts (child, shortcuts);
}

static void
test_shortcuts_window (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GPtrArray) shortcuts = g_ptr_array_new ();
  StrataWindow *window;
  GtkWindow *overlay;

  if (app == NULL)
    return;

  window = open_example (app, 1100, 760);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  overlay = strata_test_gui_wait_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, "the shortcuts window shows");
  collect_shortcuts (GTK_WIDGET (overlay), shortcuts);
  g_assert_cmpuint (shortcuts->len, >=, 11);

  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *action = NULL;
      g_auto(GStrv) accels = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i),
                    "title", &title, "accelerator", &accelerator, "action-name", &action, NULL);
      if (action != NULL)
        accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);
      g_test_message ("%s: %s%s", title, accelerator != NULL ? accelerator : "",
                      accels != NULL && accels[0] != NULL ? accels[0] : "");
      g_assert_true ((accelerator != NULL && accelerator[0] != '\0') || (accels != NULL && accels[0] != NULL));
    }

  g_free (strata_test_gui_save_png (GTK_WIDGET (overlay), "test-ui-truth-shortcuts.png"));
  gtk_window_destroy (overlay);
  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

static gboolean
log_has_running (gpointer data)
{
  g_autofree char *log = strata_plan_page_dup_log (data);

  return strstr (log, "Running") != NULL;
}

static void
test_escape_cancels (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  StrataWindow *window;
  StrataStore *store;
  StrataDriver *holder;
  GtkWidget *focus;

  if (app == NULL)
    return;

  store = strata_application_get_store (app);
  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "escape.db", NULL);
  profile = strata_profile_new ("Escape");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (store, profile, &error));
  g_assert_no_error (error);

  window = open_example (app, 1100, 760);
  view = strata_window_get_project_view (window);
  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");

  /* Another connection holds the database: the run waits on it */
  sql = g_strconcat ("sqlite:///", db_path, NULL);
  holder = strata_driver_open (sql, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strata_driver_execute (holder, "BEGIN EXCLUSIVE", NULL, &error));
  g_assert_no_error (error);

  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  plan_page = strata_project_view_get_plan_page (view);
  strata_plan_page_set_target (plan_page, STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, plan_page, "the plan is reviewed");
  /* Apply is clicked: it had the focus, and goes insensitive */
  g_assert_true (gtk_widget_grab_focus (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "apply_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  g_assert_true (strata_plan_page_get_running (plan_page));
  strata_test_gui_iterate_until (log_has_running, plan_page, "the run begins");

  /* The focus is on Cancel, not lost with Apply */
  focus = gtk_window_get_focus (GTK_WINDOW (window));
  g_test_message ("focus during the run: %s", focus != NULL ? G_OBJECT_TYPE_NAME (focus) : "none");
  g_assert_true (focus == strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "cancel_button"));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-running.png"));

  /* From the sidebar, Escape still cancels */
  gtk_widget_grab_focus (strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list"));
  g_assert_true (press_key (GTK_WINDOW (window), GDK_KEY_Escape, 0));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");
  g_assert_cmpstr (gtk_progress_bar_get_text (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "progress_bar")),
                   ==, "Cancelled");
  /* After the run, the focus is on Done */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) ==
                 strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "done_button") ||
                 gtk_widget_has_focus (strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list")) ||
                 gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (window)),
                                         strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list")));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-cancelled.png"));

  g_assert_true (strata_driver_execute (holder, "ROLLBACK", NULL, &error));
  g_object_unref (holder);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read again");

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

typedef struct
{
  GListModel *recent;
  GFile      *directory;
  gboolean    present;
} RecentWait;

static gboolean
recent_presence (gpointer data)
{
  RecentWait *wait = data;
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (wait->recent) && !found; i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (wait->recent, i);

      found = g_file_equal (file, wait->directory);
    }

  return found == wait->present;
}

/* 12, 13: an empty project says how to make its first revision; a moved
 * project's row says so and can be removed */
static void
test_empty_states (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GFile) moved = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *moved_dir = NULL;
  StrataWindow *window;
  StrataProjectView *view;
  GListModel *recent;
  GtkStack *page_stack;
  RecentWait wait;
  guint n_recent;

  if (app == NULL)
    return;

  dir = strata_test_mkdtemp ();
  directory = g_file_new_for_path (dir);
  g_assert_true (strata_project_create (directory, &error));
  g_assert_no_error (error);

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  view = strata_window_get_project_view (window);
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  page_stack = GTK_STACK (adw_bin_get_child (ADW_BIN (strata_project_view_get_revisions_page (view))));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (page_stack), ==, "empty");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-empty-project.png"));

  /* Another recent project, moved away: marked, then removed */
  moved_dir = strata_test_mkdtemp ();
  moved = g_file_new_for_path (moved_dir);
  g_assert_true (strata_project_create (moved, &error));
  g_assert_true (strata_window_open_project (window, moved, &error));
  g_assert_true (strata_window_open_project (window, directory, &error));
  recent = strata_application_get_recent_projects (app);
  wait.recent = recent;
  wait.directory = moved;
  wait.present = TRUE;
  strata_test_gui_iterate_until (recent_presence, &wait, "the project is a recent one");
  strata_test_rm_rf (moved_dir);
  n_recent = g_list_model_get_n_items (recent);
  /* The list is drawn again (as on the next start) */
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-moved-project.png"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.remove-recent-project", "s", moved_dir));
  wait.present = FALSE;
  strata_test_gui_iterate_until (recent_presence, &wait, "the project is no longer a recent one");
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, n_recent - 1);

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (dir);
}

/* 1: the project's folder is watched: a revision added from a terminal
 * shows; a file edited after the review is not applied, neither as
 * reviewed nor unseen: Apply refuses and the project is read again */

static char *
find_migration (const char *dir,
                const char *needle)
{
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autoptr(GDir) listing = g_dir_open (migrations, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (migrations, name, NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL)
        return g_steal_pointer (&path);
    }

  return NULL;
}

static void
test_project_reload (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *command = NULL;
  g_autofree char *examples = NULL;
  g_autofree char *added = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *head = NULL;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  StrataWindow *window;
  StrataStore *store;
  int status;

  if (app == NULL || strata_test_require_env ("STRATA_CLI", "the strata command") == NULL)
    return;

  store = strata_application_get_store (app);
  tmpdir = strata_test_mkdtemp ();
  dir = g_build_filename (tmpdir, "bookshop", NULL);
  db_path = g_build_filename (tmpdir, "reload.db", NULL);
  examples = g_build_filename (g_getenv ("STRATA_EXAMPLES_DIR"), "bookshop", NULL);
  command = g_strdup_printf ("cp -r '%s' '%s'", examples, dir);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  profile = strata_profile_new ("Reload");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (store, profile, &error));
  g_assert_no_error (error);

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  directory = g_file_new_for_path (dir);
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  view = strata_window_get_project_view (window);
  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  g_assert_cmpuint (strata_graph_get_n_revisions (strata_project_view_get_graph (view)), ==, 8);

  /* `strata revision` in a terminal: the ninth shows by itself */
  run_cli ((const char *[]) { "-C", dir, "revision", "-m", "add a note table", NULL });
  strata_test_gui_wait_revisions (view, 9, "the new revision shows");
  g_assert_cmpstr (adw_action_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "pending_row")),
                   ==, "9 revisions to apply");
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-reloaded.png"));

  /* Reviewed with its empty upgrade; then given a table in an editor,
   * just before Apply */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  plan_page = strata_project_view_get_plan_page (view);
  strata_plan_page_set_target (plan_page, STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_wait_plan_steps (view, 9, "the plan of nine steps is reviewed");

  added = find_migration (dir, "add a note table");
  g_assert_nonnull (added);
  g_assert_true (g_file_get_contents (added, &contents, NULL, NULL));
  {
    g_autoptr(GRegex) upgrade = g_regex_new ("\"upgrade\"\\s*:\\s*\\[\\s*\\]", 0, 0, NULL);
    g_autofree char *edited = g_regex_replace_literal (upgrade, contents, -1, 0,
                                                        "\"upgrade\": [{\"op\": \"create_table\", \"table\": \"note\", "
                                                        "\"columns\": [{\"name\": \"id\", \"type\": \"integer\", "
                                                        "\"primary_key\": true}]}]",
                                                        0, NULL);

    g_assert_cmpstr (edited, !=, contents);
    g_assert_true (g_file_set_contents (added, edited, -1, NULL));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  g_assert_false (strata_plan_page_get_running (plan_page));
  {
    const char *banner = gtk_label_get_label (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "warning_label"));

    g_test_message ("banner: %s", banner);
    g_assert_true (g_str_has_prefix (banner, "Not applied: "));
    g_assert_nonnull (strstr (banner, "changed since this plan was reviewed"));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-stale-plan.png"));

  /* Read again and reviewed again: what runs is what the file says now */
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the project is read again");
  strata_test_gui_wait_plan_steps (view, 9, "the plan is reviewed again");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  {
    g_autofree char *url = g_strconcat ("sqlite:///", db_path, NULL);
    g_autoptr(StrataDriver) driver = strata_driver_open (url, NULL, NULL, &error);
    g_autoptr(StrataResult) result = NULL;

    g_assert_no_error (error);
    result = strata_driver_query (driver, "SELECT count(*) FROM sqlite_master WHERE name = 'note'", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "1");
  }

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

/* 6: another deploy applies the steps while this run waits for the
 * database: said, not "Finished" with every step pending */
static void
test_applied_elsewhere (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataDriver) holder = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *url = NULL;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  StrataWindow *window;
  StrataStore *store;
  const char *progress;

  if (app == NULL)
    return;

  store = strata_application_get_store (app);
  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "elsewhere.db", NULL);
  profile = strata_profile_new ("Elsewhere");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (store, profile, &error));
  g_assert_no_error (error);

  window = open_example (app, 1100, 760);
  view = strata_window_get_project_view (window);
  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");

  /* Up to the seed data here */
  g_assert_true (strata_revisions_page_select_revision (strata_project_view_get_revisions_page (view), "3c4d1f9e7a63"));
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  plan_page = strata_project_view_get_plan_page (view);
  strata_plan_page_set_target (plan_page, STRATA_PLAN_TARGET_REVISION);
  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, plan_page, "the plan is reviewed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");

  /* Another deploy holds the database, and brings it to head meanwhile */
  url = g_strconcat ("sqlite:///", db_path, NULL);
  holder = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strata_driver_execute (holder, "BEGIN EXCLUSIVE", NULL, &error));

  strata_plan_page_set_target (plan_page, STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, plan_page, "the plan is reviewed");
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  strata_test_gui_iterate_until (log_has_running, plan_page, "the run begins");

  g_assert_true (strata_driver_execute (holder, "UPDATE strata_version SET version_num = '8b4e0f6a2c18'; COMMIT",
                                        NULL, &error));
  g_assert_no_error (error);
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");

  progress = gtk_progress_bar_get_text (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "progress_bar"));
  g_test_message ("progress: %s", progress);
  g_assert_cmpstr (progress, ==, "Nothing left to do");
  {
    g_autofree char *log = strata_plan_page_dup_log (plan_page);

    g_assert_nonnull (strstr (log, "Another deploy brought elsewhere.db to 8b4e0f6a2c18 while this one waited"));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-truth-applied-elsewhere.png"));
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/truth/profile-editor", test_profile_editor);
  g_test_add_func ("/strata/ui/truth/profiles-from-cli", test_profiles_from_cli);
  g_test_add_func ("/strata/ui/truth/every-width", test_every_width);
  g_test_add_func ("/strata/ui/truth/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/strata/ui/truth/escape-cancels", test_escape_cancels);
  g_test_add_func ("/strata/ui/truth/empty-states", test_empty_states);
  g_test_add_func ("/strata/ui/truth/project-reload", test_project_reload);
  g_test_add_func ("/strata/ui/truth/applied-elsewhere", test_applied_elsewhere);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
