/* test-ui-migrate.c: the app end to end: example project, a profile, plan,
 * apply, roll back, history; each main screen rendered to a PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-migrate"

#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>

#include "strata.h"
#include "strata-app-profile.h"
#include "strata-plan-page.h"
#include "strata-profile-editor.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

/* Reading the database behind the app's back */

static char *
query_text (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *text = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (text->len > 0)
        g_string_append_c (text, ',');
      g_string_append (text, (const char *)sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return g_string_free (text, FALSE);
}

static void
assert_query (const char *path,
              const char *sql,
              const char *expected)
{
  g_autofree char *text = query_text (path, sql);

  g_test_message ("%s → %s", sql, text);
  g_assert_cmpstr (text, ==, expected);
}

/* Waiting for the app */

static gboolean
view_is_idle (gpointer data)
{
  return !strata_project_view_get_busy (data);
}

static gboolean
editor_is_idle (gpointer data)
{
  return !strata_profile_editor_get_testing (data);
}

static gboolean
no_editor (gpointer data)
{
  return strata_test_gui_find_toplevel (STRATA_TYPE_PROFILE_EDITOR) == NULL;
}

static void
wait_idle (StrataProjectView *view)
{
  strata_test_gui_iterate_until (view_is_idle, view, "the database is read");
  strata_test_gui_iterate_pending ();
}

static StrataPlanPage *
show_plan (StrataProjectView *view,
           StrataPlanTarget   target)
{
  StrataPlanPage *page = strata_project_view_get_plan_page (view);

  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  strata_plan_page_set_target (page, target);
  strata_test_gui_iterate_pending ();

  return page;
}

/* Applies the plan on show, answering the confirmation when one comes:
 * with @type_name typed into it for a production profile. */
static void
apply_plan (StrataProjectView *view,
            const char        *type_name)
{
  StrataPlanPage *page = strata_project_view_get_plan_page (view);
  gboolean confirm = strata_plan_page_get_destructive (page) || type_name != NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "plan.apply", NULL));

  if (confirm)
    {
      AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG,
                                                                                    "the confirmation shows"));

      g_assert_true (adw_message_dialog_has_response (dialog, "apply"));
      g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
      if (strata_plan_page_get_destructive (page))
        g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "apply"), ==, ADW_RESPONSE_DESTRUCTIVE);

      if (type_name != NULL)
        {
          GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

          /* The database name, typed exactly, unlocks Apply */
          g_assert_true (GTK_IS_EDITABLE (entry));
          g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
          gtk_editable_set_text (GTK_EDITABLE (entry), "bookshop");
          g_assert_false (adw_message_dialog_get_response_enabled (dialog, "apply"));
          gtk_editable_set_text (GTK_EDITABLE (entry), type_name);
          g_assert_true (adw_message_dialog_get_response_enabled (dialog, "apply"));
          g_free (strata_test_gui_save_png (GTK_WIDGET (dialog), "test-ui-confirm-production.png"));
        }

      adw_message_dialog_response (dialog, "apply");
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  g_assert_true (strata_plan_page_get_running (page) || strata_project_view_get_busy (view));
  wait_idle (view);
}

static void
test_migrate_sqlite (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *example_ini = NULL;
  g_autofree char *log = NULL;
  g_autoptr(StrataAppProfile) profile = NULL;
  StrataWindow *window;
  StrataProjectView *view;
  StrataProfileEditor *editor;
  StrataPlanPage *plan_page;
  StrataPlan *plan;
  GListStore *profiles;
  AdwActionRow *test_row;
  const char * const *heads;

  if (app == NULL)
    return;

  strata_test_gui_reset_settings ();
  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "bookshop.db", NULL);
  profiles = strata_application_get_profiles (app);
  g_list_store_remove_all (profiles);

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-empty.png"));

  /* Open Example Project: copied under XDG_DATA_HOME, then opened */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-example-project", NULL));
  strata_test_gui_iterate_pending ();
  example_ini = g_build_filename (g_get_user_data_dir (), "strata", "examples", "bookshop", "strata.ini", NULL);
  g_assert_true (g_file_test (example_ini, G_FILE_TEST_IS_REGULAR));
  view = strata_window_get_project_view (window);
  g_assert_nonnull (strata_project_view_get_project (view));
  g_assert_cmpuint (strata_graph_get_n_revisions (strata_project_view_get_graph (view)), ==, 8);
  g_assert_cmpuint (g_list_model_get_n_items (strata_application_get_recent_projects (app)), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "content_stack")),
                   ==, "project");

  /* A new SQLite profile, tested, then saved */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-profile", NULL));
  editor = STRATA_PROFILE_EDITOR (strata_test_gui_wait_toplevel (STRATA_TYPE_PROFILE_EDITOR, "the profile editor shows"));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor)) == GTK_WINDOW (window));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL) &&
                  strata_test_gui_find_toplevel (STRATA_TYPE_PROFILE_EDITOR) == NULL);
  gtk_editable_set_text (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "name_row"), "Local bookshop");
  gtk_editable_set_text (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "file_row"), db_path);
  {
    g_autofree char *url = strata_profile_editor_dup_url (editor);
    g_autofree char *expected = g_strconcat ("sqlite:///", db_path, NULL);

    g_assert_cmpstr (url, ==, expected);
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (editor), "test-ui-profile-editor.png"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
  g_assert_true (strata_profile_editor_get_testing (editor));
  strata_test_gui_iterate_until (editor_is_idle, editor, "the connection test ends");
  test_row = strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "test_row");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (test_row), "Connected to sqlite:"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  strata_test_gui_iterate_until (no_editor, NULL, "the editor closes");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 1);
  profile = g_list_model_get_item (G_LIST_MODEL (profiles), 0);
  g_assert_cmpstr (strata_app_profile_get_name (profile), ==, "Local bookshop");
  g_assert_cmpint (strata_app_profile_get_role (profile), ==, STRATA_APP_PROFILE_ROLE_DEVELOPMENT);

  /* Selected: an empty database, eight revisions pending */
  strata_window_select_profile (window, profile);
  g_assert_true (strata_project_view_get_profile (view) == profile);
  wait_idle (view);
  heads = strata_project_view_get_current_heads (view);
  g_assert_nonnull (heads);
  g_assert_null (heads[0]);
  g_assert_cmpstr (adw_action_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "pending_row")),
                   ==, "8 revisions to apply");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-status.png"));

  /* Review the plan to head: the eight steps with their SQL */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  plan = strata_plan_page_get_plan (plan_page);
  g_assert_nonnull (plan);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 8);
  g_assert_cmpint (strata_plan_get_direction (plan), ==, STRATA_DIRECTION_UP);
  g_assert_cmpstr (strata_step_get_revision (strata_plan_get_step (plan, 0)), ==, "1a0e6c2d9b41");
  g_assert_cmpstr (strata_step_get_revision (strata_plan_get_step (plan, 7)), ==, "8b4e0f6a2c18");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-plan.png"));

  /* Apply, then look at the database itself */
  apply_plan (view, NULL);
  log = strata_plan_page_dup_log (plan_page);
  g_assert_nonnull (strstr (log, "Upgrading to 8b4e0f6a2c18"));
  g_assert_nonnull (strstr (log, "CREATE TABLE"));
  gtk_expander_set_expanded (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "log_expander"), TRUE);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-progress.png"));
  g_clear_pointer (&log, g_free);

  assert_query (db_path, "SELECT version_num FROM strata_version", "8b4e0f6a2c18");
  assert_query (db_path, "SELECT name FROM sqlite_master WHERE name = 'book_summary'", "book_summary");
  assert_query (db_path, "SELECT count(*) > 0 FROM book", "1");
  heads = strata_project_view_get_current_heads (view);
  g_assert_cmpstrv (heads, ((const char * const[]) { "8b4e0f6a2c18", NULL }));
  g_assert_cmpstr (adw_action_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "pending_row")),
                   ==, "Up to date");

  /* Nothing more to do at head */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 0);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL) &&
                  strata_plan_page_get_running (plan_page));

  /* Roll back one step */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_STEP_BACK);
  plan = strata_plan_page_get_plan (plan_page);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 1);
  g_assert_cmpint (strata_plan_get_direction (plan), ==, STRATA_DIRECTION_DOWN);
  apply_plan (view, NULL);
  assert_query (db_path, "SELECT version_num FROM strata_version", "7a3d9e5f1b07");
  assert_query (db_path, "SELECT count(*) FROM sqlite_master WHERE name = 'book_summary'", "0");

  /* A production profile asks for the database's name, then rolls back
   * the merge's isbn side */
  strata_app_profile_set_role (profile, STRATA_APP_PROFILE_ROLE_PRODUCTION);
  strata_project_view_refresh (view);
  wait_idle (view);
  g_assert_true (strata_revisions_page_select_revision (strata_project_view_get_revisions_page (view), "5e1b7c3d9f85"));
  plan_page = show_plan (view, STRATA_PLAN_TARGET_REVISION);
  plan = strata_plan_page_get_plan (plan_page);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 1);
  g_assert_cmpstr (strata_step_get_revision (strata_plan_get_step (plan, 0)), ==, "7a3d9e5f1b07");
  apply_plan (view, "bookshop.db");
  assert_query (db_path, "SELECT version_num FROM strata_version ORDER BY 1", "5e1b7c3d9f85,6f2c8d4e0a96");

  /* The graph marks what is applied */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-revisions.png"));

  /* History: every step, newest first */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "history");
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_view_get_history (view)), ==, 10);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "history_stack")),
                   ==, "history");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-history.png"));

  /* Deleting the profile, confirmed, leaves the project without one */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-profile", "s", "Local bookshop"));
  editor = STRATA_PROFILE_EDITOR (strata_test_gui_wait_toplevel (STRATA_TYPE_PROFILE_EDITOR, "the profile editor shows"));
  g_assert_true (strata_profile_editor_get_profile (editor) == profile);
  g_assert_cmpint (adw_combo_row_get_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row")),
                   ==, STRATA_APP_PROFILE_ROLE_PRODUCTION);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.delete", NULL));
  {
    AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG,
                                                                                  "the delete confirmation shows"));
    gpointer weak = dialog;

    g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);
    /* The dialog goes with the editor it belongs to */
    g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
    adw_message_dialog_response (dialog, "delete");
    if (weak != NULL)
      {
        g_object_remove_weak_pointer (G_OBJECT (dialog), &weak);
        gtk_window_destroy (GTK_WINDOW (dialog));
      }
  }
  strata_test_gui_iterate_until (no_editor, NULL, "the editor closes");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (profiles)), ==, 0);
  g_assert_null (strata_project_view_get_profile (view));

  /* The database file is left as it was */
  assert_query (db_path, "SELECT count(*) FROM strata_history", "10");

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int ret;

  /* The app copies the example project into XDG_DATA_HOME: a throwaway
   * one. (G_TEST_OPTION_ISOLATE_DIRS would also hide XDG_DATA_DIRS, where
   * the MIME database that loads icons lives.) */
  data_home = g_dir_make_tmp ("strata-test-ui-XXXXXX", NULL);
  g_assert_nonnull (data_home);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/ui/migrate/sqlite", test_migrate_sqlite);

  ret = g_test_run ();

  strata_test_gui_shutdown ();
  strata_test_rm_rf (data_home);

  return ret;
}
