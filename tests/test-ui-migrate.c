/* test-ui-migrate.c: the app end to end on its store: example project, a
 * profile, plan review with lint findings, apply, drift, roll back,
 * history, cancel, on SQLite and on PostgreSQL with the password in the
 * keyring; each main screen rendered to a PNG
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-migrate"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-profile-editor.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define HEAD "8b4e0f6a2c18"

/* A lock held behind the app's back */

static void
sqlite_execute (sqlite3    *db,
                const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* Waiting for the app */

static void
store_flushed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(StrataResult) runs = strata_store_list_runs_finish (STRATA_STORE (object), result, NULL);
  gboolean *flushed = user_data;

  *flushed = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

/* The store's worker runs its jobs in order: once a read asked for now is
 * answered, every write asked for before it is done and applied. */
static void
flush_store (void)
{
  StrataStore *store = strata_application_get_store (strata_test_gui_get_application ());
  gboolean flushed = FALSE;

  strata_store_list_runs_async (store, 1, NULL, store_flushed_cb, &flushed);
  strata_test_gui_iterate_until (is_true, &flushed, "the store's queue is done");
  strata_test_gui_iterate_pending ();
}

static void
wait_idle (StrataProjectView *view)
{
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  strata_test_gui_iterate_pending ();
  flush_store ();
}

typedef struct
{
  StrataPlanPage *page;
  const char     *text;
} LogWait;

static gboolean
log_has (gpointer data)
{
  LogWait *wait = data;
  g_autofree char *log = strata_plan_page_dup_log (wait->page);

  return strstr (log, wait->text) != NULL;
}

static StrataPlanPage *
show_plan (StrataProjectView *view,
           StrataPlanTarget   target)
{
  StrataPlanPage *page = strata_project_view_get_plan_page (view);

  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  strata_plan_page_set_target (page, target);
  strata_test_gui_iterate_pending ();
  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, page, "the plan is reviewed");

  return page;
}

/* Applies the plan on show, answering the confirmation when one comes:
 * with @type_name typed into it for a production profile. Returns at once
 * when @wait is FALSE. */
static void
start_plan (StrataProjectView *view,
            const char        *type_name)
{
  StrataPlanPage *page = strata_project_view_get_plan_page (view);
  gboolean confirm;

  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, page, "the plan is reviewed");
  confirm = strata_plan_page_get_destructive (page) || type_name != NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "plan.apply", NULL));
  /* Apply reads the plan's files again first */
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, page, "the plan's files are read again");

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
}

static void
apply_plan (StrataProjectView *view,
            const char        *type_name)
{
  start_plan (view, type_name);
  wait_idle (view);
}

/* The newest run in the store's log: "action target outcome to_heads" */
static char *
dup_last_run (StrataStore *store)
{
  g_autoptr(StrataResult) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *columns[] = { "action", "target", "outcome", "to_heads" };

  flush_store ();
  runs = strata_store_list_runs (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (runs), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      int column = strata_result_get_column_index (runs, columns[i]);
      const char *value = strata_result_get_value (runs, 0, column);

      g_string_append_printf (text, "%s%s", i > 0 ? " " : "", value != NULL ? value : "NULL");
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The run's entry is finished by the store's queue after the page says the
 * run is over (its beginning may still be on the way when it is
 * cancelled): wait for that, a condition, not a time. */
static char *
dup_last_finished_run (StrataStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  for (;;)
    {
      char *run = dup_last_run (store);

      if (strstr (run, " running ") == NULL)
        return run;
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting until the run's entry is finished: %s", run);
      g_free (run);
      strata_test_gui_iterate_pending ();
    }
}

static void
assert_last_run (StrataStore *store,
                 const char  *expected)
{
  g_autofree char *run = dup_last_finished_run (store);

  g_test_message ("last run: %s", run);
  g_assert_cmpstr (run, ==, expected);
}

static const char *
row_subtitle (StrataProjectView *view,
              const char        *name)
{
  return adw_action_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, name));
}

typedef struct
{
  StrataPlanPage *page;
  const char     *revision;
} StepWait;

static gboolean
step_sql_rendered (gpointer data)
{
  StepWait *wait = data;

  return strata_plan_page_get_step_sql (wait->page, wait->revision) != NULL;
}

static StrataWindow *
open_example (StrataApplication *app)
{
  StrataWindow *window = strata_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-example-project", NULL));
  strata_test_gui_iterate_pending ();
  g_assert_nonnull (strata_project_view_get_project (strata_window_get_project_view (window)));

  return window;
}

static StrataProfileEditor *
open_new_profile_editor (StrataWindow *window)
{
  StrataProfileEditor *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-profile", NULL));
  editor = STRATA_PROFILE_EDITOR (strata_test_gui_wait_toplevel (STRATA_TYPE_PROFILE_EDITOR, "the profile editor shows"));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (editor)) == GTK_WINDOW (window));

  return editor;
}

static void
set_field (StrataProfileEditor *editor,
           const char          *name,
           const char          *text)
{
  gtk_editable_set_text (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, name), text);
}

static void
test_connection (StrataProfileEditor *editor,
                 const char          *expected_prefix)
{
  AdwActionRow *test_row = strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "test_row");

  /* A SQLite file that is not there is answered at once, without connecting */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test", NULL));
  strata_test_gui_iterate_until (strata_test_gui_editor_is_idle, editor, "the connection test ends");
  g_test_message ("test connection: %s", adw_action_row_get_subtitle (test_row));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (test_row), expected_prefix));
}

/* Deletes the profile through its editor, confirmed */
static void
delete_profile (StrataWindow  *window,
                StrataProfile *profile)
{
  StrataProfileEditor *editor;
  AdwMessageDialog *dialog;
  gpointer weak;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-profile", "s",
                                             strata_profile_get_id (profile)));
  editor = STRATA_PROFILE_EDITOR (strata_test_gui_wait_toplevel (STRATA_TYPE_PROFILE_EDITOR, "the profile editor shows"));
  g_assert_true (strata_profile_editor_get_profile (editor) == profile);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.delete", NULL));

  dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the delete confirmation shows"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "delete"), ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  /* The dialog goes with the editor it belongs to */
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  adw_message_dialog_response (dialog, "delete");
  if (weak != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (dialog), &weak);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }

  strata_test_gui_iterate_until (strata_test_gui_no_editor, NULL, "the editor closes");
}

static void
test_migrate_sqlite (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *example_ini = NULL;
  g_autofree char *log = NULL;
  g_autofree char *store_path = NULL;
  g_auto(GStrv) drift = NULL;
  StrataProfile *profile;
  StrataStore *store;
  StrataWindow *window;
  StrataProjectView *view;
  StrataProfileEditor *editor;
  StrataPlanPage *plan_page;
  StrataPlan *plan;
  StepWait step_wait;
  GListModel *profiles;
  const char * const *heads;

  if (app == NULL)
    return;

  strata_test_gui_reset_settings ();
  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "bookshop.db", NULL);

  /* Launched on a fresh HOME: a new store, empty */
  store = strata_application_get_store (app);
  g_assert_nonnull (store);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_CREATED);
  store_path = g_file_get_path (strata_store_get_file (store));
  profiles = strata_application_get_profiles (app);
  g_assert_true (profiles == strata_store_get_profiles (store));
  g_assert_cmpuint (g_list_model_get_n_items (profiles), ==, 0);

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-empty.png"));

  /* Open Example Project: copied under XDG_DATA_HOME, opened, remembered
   * in the store */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-example-project", NULL));
  strata_test_gui_iterate_pending ();
  example_ini = g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME, "examples", "bookshop", "strata.ini", NULL);
  g_assert_true (g_file_test (example_ini, G_FILE_TEST_IS_REGULAR));
  view = strata_window_get_project_view (window);
  g_assert_nonnull (strata_project_view_get_project (view));
  g_assert_cmpuint (strata_graph_get_n_revisions (strata_project_view_get_graph (view)), ==, 8);
  g_assert_cmpuint (g_list_model_get_n_items (strata_application_get_recent_projects (app)), ==, 1);
  strata_test_assert_query (store_path, "SELECT count(*) FROM recent_project WHERE path LIKE '%/strata/examples/bookshop'", "1");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "content_stack")),
                   ==, "project");

  /* A new SQLite profile, tested, then saved to the store */
  editor = open_new_profile_editor (window);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL) &&
                  strata_test_gui_find_toplevel (STRATA_TYPE_PROFILE_EDITOR) == NULL);
  set_field (editor, "name_row", "Local bookshop");
  set_field (editor, "file_row", db_path);
  set_field (editor, "notes_row", "My own copy");
  {
    g_autofree char *url = strata_profile_editor_dup_url (editor);
    g_autofree char *expected = g_strconcat ("sqlite:///", db_path, NULL);

    g_assert_cmpstr (url, ==, expected);
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (editor), "test-ui-profile-editor.png"));

  /* The file is not there yet: said, and not created by the test */
  {
    g_autofree char *missing = g_strdup_printf ("%s does not exist yet", db_path);

    test_connection (editor, missing);
    g_assert_false (g_file_test (db_path, G_FILE_TEST_EXISTS));
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  strata_test_gui_iterate_until (strata_test_gui_no_editor, NULL, "the editor closes");
  g_assert_cmpuint (g_list_model_get_n_items (profiles), ==, 1);
  profile = strata_store_lookup_profile (store, "Local bookshop");
  g_assert_nonnull (profile);
  g_assert_cmpstr (strata_profile_get_engine (profile), ==, "sqlite");
  g_assert_cmpstr (strata_profile_get_path (profile), ==, db_path);
  g_assert_cmpstr (strata_profile_get_notes (profile), ==, "My own copy");
  g_assert_cmpint (strata_profile_get_role (profile), ==, STRATA_PROFILE_ROLE_DEVELOPMENT);
  strata_test_assert_query (store_path, "SELECT name || ' ' || engine || ' ' || role FROM profile",
                "Local bookshop sqlite development");

  /* Selected: an empty database, eight revisions pending */
  strata_window_select_profile (window, profile);
  g_assert_true (strata_project_view_get_profile (view) == profile);
  wait_idle (view);
  heads = strata_project_view_get_current_heads (view);
  g_assert_nonnull (heads);
  g_assert_null (heads[0]);
  g_assert_cmpstr (row_subtitle (view, "pending_row"), ==, "8 revisions to apply");
  g_assert_cmpstr (row_subtitle (view, "last_run_row"), ==, "None from this app yet");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-status.png"));

  /* Review the plan to head: the eight steps with their SQL and the lint
   * finding of the isbn index on SQLite (data-dependent; its build locks
   * only on PostgreSQL), none destructive */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  plan = strata_plan_page_get_plan (plan_page);
  g_assert_nonnull (plan);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 8);
  g_assert_cmpint (strata_plan_get_direction (plan), ==, STRATA_DIRECTION_UP);
  g_assert_cmpstr (strata_step_get_revision (strata_plan_get_step (plan, 0)), ==, "1a0e6c2d9b41");
  g_assert_cmpstr (strata_step_get_revision (strata_plan_get_step (plan, 7)), ==, HEAD);
  g_assert_false (strata_plan_page_get_destructive (plan_page));
  g_assert_cmpstr (gtk_label_get_label (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "warning_label")),
                   ==, "1 lint finding: see the steps it is about");
  /* Its SQL is rendered once its row is opened */
  g_assert_null (strata_plan_page_get_step_sql (plan_page, "6f2c8d4e0a96"));
  g_assert_true (strata_plan_page_expand_step (plan_page, "6f2c8d4e0a96"));
  step_wait.page = plan_page;
  step_wait.revision = "6f2c8d4e0a96";
  strata_test_gui_iterate_until (step_sql_rendered, &step_wait, "the step's SQL is rendered");
  g_assert_nonnull (strstr (strata_plan_page_get_step_sql (plan_page, "6f2c8d4e0a96"), "CREATE UNIQUE INDEX"));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-plan.png"));

  /* Apply, then look at the database itself */
  apply_plan (view, NULL);
  log = strata_plan_page_dup_log (plan_page);
  g_assert_nonnull (strstr (log, "Upgrading to " HEAD));
  g_assert_nonnull (strstr (log, "CREATE TABLE"));
  gtk_expander_set_expanded (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "log_expander"), TRUE);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-progress.png"));
  g_clear_pointer (&log, g_free);

  strata_test_assert_query (db_path, "SELECT version_num FROM strata_version", HEAD);
  strata_test_assert_query (db_path, "SELECT name FROM sqlite_master WHERE name = 'book_summary'", "book_summary");
  strata_test_assert_query (db_path, "SELECT count(*) > 0 FROM book", "1");
  heads = strata_project_view_get_current_heads (view);
  g_assert_cmpstrv (heads, ((const char * const[]) { HEAD, NULL }));
  g_assert_cmpstr (row_subtitle (view, "pending_row"), ==, "Up to date");

  /* The run is in the store's log, and the Status page says so */
  assert_last_run (store, "upgrade head succeeded " HEAD);
  g_assert_true (g_str_has_prefix (row_subtitle (view, "last_run_row"), "Upgrade to head · Succeeded · "));

  /* Drift: none at first; then a table and a column added behind the
   * app's back */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  g_assert_true (strata_project_view_get_busy (view));
  wait_idle (view);
  drift = strata_project_view_dup_drift (view);
  g_assert_cmpstrv (drift, ((const char * const[]) { NULL }));
  g_assert_true (g_str_has_prefix (adw_expander_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "drift_row")),
                                   "No drift"));
  g_clear_pointer (&drift, g_strfreev);

  strata_test_execute (db_path, "CREATE TABLE stray (id INTEGER PRIMARY KEY); "
                              "ALTER TABLE author ADD COLUMN nickname TEXT");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  wait_idle (view);
  drift = strata_project_view_dup_drift (view);
  for (guint i = 0; drift[i] != NULL; i++)
    g_test_message ("drift: %s", drift[i]);
  g_assert_cmpuint (g_strv_length (drift), >=, 2);
  {
    g_autofree char *all = g_strjoinv ("\n", drift);

    g_assert_nonnull (strstr (all, "stray"));
    g_assert_nonnull (strstr (all, "nickname"));
  }
  g_assert_true (g_str_has_suffix (adw_expander_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "drift_row")),
                                   " differences from the schema of its revision"));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-status-drift.png"));
  strata_test_execute (db_path, "DROP TABLE stray; ALTER TABLE author DROP COLUMN nickname");

  /* Nothing more to do at head */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 0);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL) &&
                  strata_plan_page_get_running (plan_page));

  /* Rolling everything back would drop the data: destructive findings,
   * standing out (only reviewed here) */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_BASE);
  g_assert_true (strata_plan_page_get_destructive (plan_page));
  g_assert_nonnull (strstr (gtk_label_get_label (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "warning_label")),
                            "drop column cart.checked_out_at"));
  g_assert_nonnull (strstr (gtk_label_get_label (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "warning_label")),
                            "more that lose data"));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-plan-destructive.png"));

  /* Roll back one step */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_STEP_BACK);
  plan = strata_plan_page_get_plan (plan_page);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 1);
  g_assert_cmpint (strata_plan_get_direction (plan), ==, STRATA_DIRECTION_DOWN);
  apply_plan (view, NULL);
  strata_test_assert_query (db_path, "SELECT version_num FROM strata_version", "7a3d9e5f1b07");
  strata_test_assert_query (db_path, "SELECT count(*) FROM sqlite_master WHERE name = 'book_summary'", "0");
  assert_last_run (store, "downgrade -1 succeeded 7a3d9e5f1b07");

  /* A production profile (saved so) asks for the database's name, then
   * rolls back the merge's isbn side */
  strata_profile_set_role (profile, STRATA_PROFILE_ROLE_PRODUCTION);
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (strata_store_save_profile (store, profile, &error));
    g_assert_no_error (error);
  }
  strata_test_assert_query (store_path, "SELECT role FROM profile", "production");
  strata_project_view_refresh (view);
  wait_idle (view);
  g_assert_true (strata_revisions_page_select_revision (strata_project_view_get_revisions_page (view), "5e1b7c3d9f85"));
  plan_page = show_plan (view, STRATA_PLAN_TARGET_REVISION);
  plan = strata_plan_page_get_plan (plan_page);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 1);
  g_assert_cmpstr (strata_step_get_revision (strata_plan_get_step (plan, 0)), ==, "7a3d9e5f1b07");
  apply_plan (view, "bookshop.db");
  strata_test_assert_query (db_path, "SELECT version_num FROM strata_version ORDER BY 1", "5e1b7c3d9f85,6f2c8d4e0a96");

  /* The graph marks what is applied */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-revisions.png"));

  /* History: every step, newest first */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "history");
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_view_get_history (view)), ==, 10);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "history_stack")),
                   ==, "history");
  /* Each row: an ISO date, the revision's message, a translated outcome
   * and a duration in seconds, as the log gives it */
  {
    g_autoptr(GObject) entry = g_list_model_get_item (strata_project_view_get_history (view), 0);
    g_autofree char *when = NULL;
    g_autofree char *message = NULL;
    g_autofree char *outcome = NULL;
    g_autofree char *duration = NULL;
    g_autoptr(GRegex) iso = g_regex_new ("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$", 0, 0, NULL);
    g_autoptr(GRegex) seconds = g_regex_new ("^\\d+\\.\\d{3} s$", 0, 0, NULL);

    g_object_get (entry, "when", &when, "message", &message, "outcome", &outcome, "duration", &duration, NULL);
    g_test_message ("history: %s | %s | %s | %s", when, message, outcome, duration);
    g_assert_true (g_regex_match (iso, when, 0, NULL));
    g_assert_cmpstr (message, ==, "merge shopping cart and isbn");
    g_assert_cmpstr (outcome, ==, "Succeeded");
    g_assert_true (g_regex_match (seconds, duration, 0, NULL));
    g_clear_pointer (&log, g_free);
    log = strata_plan_page_dup_log (plan_page);
    g_assert_nonnull (strstr (log, "Done 7a3d9e5f1b07 in "));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-history.png"));

  /* Deleting the profile, confirmed, removes it from the store and leaves
   * the project without one */
  g_object_ref (profile);
  delete_profile (window, profile);
  g_assert_cmpuint (g_list_model_get_n_items (profiles), ==, 0);
  g_assert_null (strata_store_lookup_profile (store, "Local bookshop"));
  strata_test_assert_query (store_path, "SELECT count(*) FROM profile", "0");
  g_assert_null (strata_project_view_get_profile (view));
  g_object_unref (profile);

  /* The database file is left as it was; the runs stay in the log */
  strata_test_assert_query (db_path, "SELECT count(*) FROM strata_history", "10");
  strata_test_assert_query (store_path, "SELECT count(*) FROM run", "3");

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

/* A run held up by a lock another connection holds is cancelled from the
 * app: the database stays at its last good revision */
static void
test_cancel_sqlite (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  StrataStore *store;
  StrataWindow *window;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  LogWait lock_wait;
  GtkProgressBar *progress;
  sqlite3 *holder = NULL;

  if (app == NULL)
    return;

  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "locked.db", NULL);
  store = strata_application_get_store (app);

  /* A profile made directly in the store this time */
  profile = strata_profile_new ("Locked bookshop");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (store, profile, &error));
  g_assert_no_error (error);

  window = open_example (app);
  view = strata_window_get_project_view (window);
  strata_window_select_profile (window, profile);
  wait_idle (view);

  /* Up to the seed data first: the last good revision */
  g_assert_true (strata_revisions_page_select_revision (strata_project_view_get_revisions_page (view), "3c4d1f9e7a63"));
  plan_page = show_plan (view, STRATA_PLAN_TARGET_REVISION);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 3);
  apply_plan (view, NULL);
  strata_test_assert_query (db_path, "SELECT version_num FROM strata_version", "3c4d1f9e7a63");

  /* Another connection holds the database */
  g_assert_cmpint (sqlite3_open (db_path, &holder), ==, SQLITE_OK);
  sqlite_execute (holder, "BEGIN EXCLUSIVE");

  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 5);
  start_plan (view, NULL);
  /* The run has begun and waits for the database (within the 5 s busy
   * timeout); cancelled wherever it is by then, it leaves the database
   * where it was: a condition to wait for, not a time */
  lock_wait.page = plan_page;
  lock_wait.text = "Running 5 steps";
  strata_test_gui_iterate_until (log_has, &lock_wait, "the run begins");
  strata_test_gui_iterate_pending ();
  g_assert_true (strata_plan_page_get_running (plan_page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.cancel", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");

  progress = strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "progress_bar");
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "Cancelled");
  assert_last_run (store, "upgrade head cancelled 3c4d1f9e7a63");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-cancelled.png"));

  sqlite_execute (holder, "ROLLBACK");
  sqlite3_close (holder);
  wait_idle (view);

  strata_test_assert_query (db_path, "SELECT version_num FROM strata_version", "3c4d1f9e7a63");
  strata_test_assert_query (db_path, "SELECT count(*) FROM sqlite_master WHERE name = 'cart'", "0");
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { "3c4d1f9e7a63", NULL }));

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  g_assert_no_error (error);
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

/* The same flow on the throwaway PostgreSQL server, with the password saved
 * in the keyring through the editor; then a run held up by another session's
 * migration lock, cancelled */
static void
test_migrate_postgresql (void)
{
  StrataApplication *app;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) parsed = NULL;
  g_autofree char *db_url = NULL;
  g_autofree char *password = NULL;
  g_autofree char *port = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *log = NULL;
  StrataProfile *profile;
  StrataStore *store;
  StrataWindow *window;
  StrataProjectView *view;
  StrataProfileEditor *editor;
  StrataPlanPage *plan_page;
  PGconn *holder;
  PGresult *result;
  LogWait lock_wait;

  if (strata_test_require_env ("STRATA_TEST_KEYRING", "keyring") == NULL ||
      !(app = strata_test_gui_get_application ()) ||
      !(db_url = strata_test_pg_create_database ()))
    return;

  store = strata_application_get_store (app);
  parsed = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, "server", db_url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strata_profile_get_password (parsed));
  port = g_strdup_printf ("%u", strata_profile_get_port (parsed));

  window = open_example (app);
  view = strata_window_get_project_view (window);

  /* The editor: PostgreSQL's fields, the password typed once */
  editor = open_new_profile_editor (window);
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "engine_row"), 1);
  set_field (editor, "name_row", "Bookshop on PostgreSQL");
  set_field (editor, "host_row", strata_profile_get_host (parsed));
  set_field (editor, "port_row", port);
  set_field (editor, "user_row", strata_profile_get_user (parsed));
  set_field (editor, "database_row", strata_profile_get_database (parsed));
  adw_combo_row_set_selected (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "role_row"),
                              STRATA_PROFILE_ROLE_STAGING);

  /* Without the password the server says no, and the field shows it */
  test_connection (editor, "");
  g_assert_true (gtk_widget_has_css_class (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "test_row"), "error"));
  g_assert_true (gtk_widget_has_css_class (strata_test_gui_get_child (editor, STRATA_TYPE_PROFILE_EDITOR, "password_row"), "error"));
  set_field (editor, "password_row", strata_profile_get_password (parsed));
  test_connection (editor, "Connected to postgresql://");
  g_free (strata_test_gui_save_png (GTK_WIDGET (editor), "test-ui-profile-editor-postgresql.png"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  strata_test_gui_iterate_until (strata_test_gui_no_editor, NULL, "the editor closes (the keyring has the password)");

  /* The store has the profile without a password; the keyring has it */
  profile = strata_store_lookup_profile (store, "Bookshop on PostgreSQL");
  g_assert_nonnull (profile);
  g_assert_cmpstr (strata_profile_get_engine (profile), ==, "postgresql");
  g_assert_cmpint (strata_profile_get_role (profile), ==, STRATA_PROFILE_ROLE_STAGING);
  g_assert_null (strata_profile_get_password (profile));
  {
    g_autofree char *store_path = g_file_get_path (strata_store_get_file (store));
    g_autofree char *dump = strata_test_query_text (store_path, "SELECT quote(id) || quote(name) || quote(host) || quote(port) || "
                                                    "quote(username) || quote(database) || quote(params) || quote(notes) FROM profile");

    g_assert_null (strstr (dump, strata_profile_get_password (parsed)));
  }
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, strata_profile_get_password (parsed));

  /* Selected: connects with the keyring's password */
  strata_window_select_profile (window, profile);
  wait_idle (view);
  g_assert_null (strata_project_view_get_password_dialog (view));
  g_assert_nonnull (strata_project_view_get_current_heads (view));
  g_assert_null (strata_project_view_get_current_heads (view)[0]);
  g_assert_null (strata_profile_get_password (profile));

  /* Plan to head, applied; then the database itself */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 8);
  apply_plan (view, NULL);
  strata_test_assert_query (db_url, "SELECT version_num FROM strata_version", HEAD);
  strata_test_assert_query (db_url, "SELECT to_regclass('author') IS NOT NULL AND to_regclass('book') IS NOT NULL "
                           "AND to_regclass('book_summary') IS NOT NULL", "t");
  strata_test_assert_query (db_url, "SELECT count(*) FROM strata_history WHERE direction = 'up'", "8");
  assert_last_run (store, "upgrade head succeeded " HEAD);

  /* No drift on a database the app just migrated */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  wait_idle (view);
  {
    g_auto(GStrv) drift = strata_project_view_dup_drift (view);

    for (guint i = 0; drift[i] != NULL; i++)
      g_test_message ("drift: %s", drift[i]);
    g_assert_cmpuint (g_strv_length (drift), ==, 0);
  }

  /* Roll back one step */
  plan_page = show_plan (view, STRATA_PLAN_TARGET_STEP_BACK);
  apply_plan (view, NULL);
  strata_test_assert_query (db_url, "SELECT version_num FROM strata_version", "7a3d9e5f1b07");
  strata_test_assert_query (db_url, "SELECT to_regclass('book_summary') IS NULL", "t");

  /* Another session holds the migration lock (the advisory lock a run
   * takes, keyed by the version table): the run waits and says who holds
   * it, then is cancelled */
  holder = PQconnectdb (db_url);
  g_assert_cmpint (PQstatus (holder), ==, CONNECTION_OK);
  result = PQexec (holder, "SELECT pg_advisory_lock(('x' || substr(md5('strata:' || current_schema() "
                           "|| '.strata_version'), 1, 16))::bit(64)::bigint)");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  PQclear (result);

  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  start_plan (view, NULL);
  lock_wait.page = plan_page;
  lock_wait.text = "Waiting for the migration lock, held by pid";
  strata_test_gui_iterate_until (log_has, &lock_wait, "the run waits for the lock");
  gtk_expander_set_expanded (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "log_expander"), TRUE);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-progress-lock.png"));
  g_assert_true (strata_plan_page_get_running (plan_page));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.cancel", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");
  g_assert_cmpstr (gtk_progress_bar_get_text (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "progress_bar")),
                   ==, "Cancelled");
  wait_idle (view);
  PQfinish (holder);

  strata_test_assert_query (db_url, "SELECT version_num FROM strata_version", "7a3d9e5f1b07");
  strata_test_assert_query (db_url, "SELECT to_regclass('book_summary') IS NULL", "t");
  assert_last_run (store, "upgrade head cancelled 7a3d9e5f1b07");
  /* Not a step ran after the wait began */
  log = strata_plan_page_dup_log (plan_page);
  g_assert_nonnull (strstr (log, lock_wait.text));
  g_assert_null (strstr (strstr (log, lock_wait.text), "Upgrading to"));

  /* Without the keyring's password, connecting asks for it */
  g_assert_true (strata_secret_clear (profile, NULL, NULL, &error));
  g_assert_no_error (error);
  strata_window_select_profile (window, NULL);
  strata_window_select_profile (window, profile);
  {
    AdwMessageDialog *dialog;
    GtkEditable *entry;

    dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the password dialog shows"));
    g_assert_true (GTK_WINDOW (dialog) == strata_project_view_get_password_dialog (view));
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Password for “Bookshop on PostgreSQL”");
    g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "connect");
    entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
    g_assert_true (GTK_IS_ENTRY (entry));
    g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (entry)));
    g_free (strata_test_gui_save_png (GTK_WIDGET (dialog), "test-ui-password.png"));
    gtk_editable_set_text (entry, strata_profile_get_password (parsed));
    adw_message_dialog_response (dialog, "connect");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  wait_idle (view);
  g_assert_null (strata_project_view_get_password_dialog (view));
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { "7a3d9e5f1b07", NULL }));
  /* Kept in memory for the session, not written anywhere */
  g_assert_cmpstr (strata_profile_get_password (profile), ==, strata_profile_get_password (parsed));

  /* Deleting the profile takes its password out of the keyring too */
  g_assert_true (strata_secret_store (profile, strata_profile_get_password (parsed), NULL, &error));
  g_assert_no_error (error);
  g_object_ref (profile);
  delete_profile (window, profile);
  g_assert_null (strata_store_lookup_profile (store, "Bookshop on PostgreSQL"));
  g_clear_pointer (&password, g_free);
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);
  g_object_unref (profile);

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_pg_drop_database (db_url);
}

/* Whether @widget or a descendant is a label saying @text (and visible) */
static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
has_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_button (child))
      return TRUE;
  return FALSE;
}

/* The project's strata.ini profiles join the sidebar: first, read-only,
 * marked as the project's, with their role */
static void
test_project_profiles (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autofree char *dir = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *migrations = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBox *list;
  GtkListBoxRow *row;
  StrataProjectView *view;
  StrataProfile *profile;
  StrataWindow *window;
  guint n_user;

  if (app == NULL)
    return;

  dir = strata_test_mkdtemp ();
  migrations = g_build_filename (dir, "migrations", NULL);
  g_assert_cmpint (g_mkdir_with_parents (migrations, 0700), ==, 0);
  ini = g_build_filename (dir, "strata.ini", NULL);
  g_assert_true (g_file_set_contents (ini,
                                      "[strata]\n"
                                      "migrations=migrations\n"
                                      "\n"
                                      "[profile Shared dev]\n"
                                      "url=sqlite:///shared.db\n"
                                      "\n"
                                      "[profile Live]\n"
                                      "url=postgresql://app@db.example.com/shop\n"
                                      "role=production\n",
                                      -1, NULL));
  directory = g_file_new_for_path (dir);

  n_user = g_list_model_get_n_items (strata_application_get_profiles (app));
  window = strata_window_new (app);
  strata_test_gui_show_window (GTK_WINDOW (window));
  list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");

  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  strata_test_gui_iterate_pending ();

  /* In file order, before the user's own */
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, n_user + 1));
  g_assert_null (gtk_list_box_get_row_at_index (list, n_user + 2));

  row = gtk_list_box_get_row_at_index (list, 0);
  g_assert_true (has_label (GTK_WIDGET (row), "Shared dev"));
  g_assert_true (has_label (GTK_WIDGET (row), "Project"));
  g_assert_false (has_label (GTK_WIDGET (row), "Production"));
  g_assert_false (has_button (GTK_WIDGET (row)));

  row = gtk_list_box_get_row_at_index (list, 1);
  g_assert_true (has_label (GTK_WIDGET (row), "Live"));
  g_assert_true (has_label (GTK_WIDGET (row), "Project"));
  g_assert_true (has_label (GTK_WIDGET (row), "Production"));
  g_assert_false (has_button (GTK_WIDGET (row)));

  /* Selecting one connects with it; it stays out of the user's store */
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  view = strata_window_get_project_view (window);
  profile = strata_project_view_get_profile (view);
  g_assert_nonnull (profile);
  g_assert_cmpstr (strata_profile_get_name (profile), ==, "Shared dev");
  g_assert_cmpint (strata_profile_get_origin (profile), ==, STRATA_PROFILE_ORIGIN_PROJECT);
  g_assert_null (strata_store_lookup_profile (strata_application_get_store (app), "Shared dev"));
  wait_idle (view);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-project-profiles.png"));

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (dir);
}

static gboolean
plan_run_done (gpointer data)
{
  return !strata_plan_page_get_running (data);
}

/* A run that fails: the confirmation answered, the run awaited; returns
 * how long it took in seconds */
static double
run_failing_plan (StrataProjectView *view)
{
  StrataPlanPage *page = strata_project_view_get_plan_page (view);
  gint64 start = g_get_monotonic_time ();

  start_plan (view, NULL);
  strata_test_gui_iterate_until (plan_run_done, page, "the run ends");
  wait_idle (view);

  return (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
}

/* The app runs with the project's settings: schema= puts the version
 * table, the history and the migrations' tables in that schema (and drift
 * reads that schema); statement-timeout= and lock-timeout= bound a run. */
static void
test_schema_postgresql (void)
{
  StrataApplication *app;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) parsed = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autofree char *db_url = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *migrations = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *log = NULL;
  g_autofree char *pgpass = NULL;
  g_autofree char *pgpass_line = NULL;
  StrataProjectView *view;
  StrataPlanPage *page;
  StrataWindow *window;
  GtkListBox *list;
  PGconn *holder;
  PGresult *result;
  double seconds;

  if (!(app = strata_test_gui_get_application ()) ||
      !(db_url = strata_test_pg_create_database ()))
    return;

  parsed = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, "server", db_url, &error);
  g_assert_no_error (error);

  dir = strata_test_mkdtemp ();
  migrations = g_build_filename (dir, "migrations", NULL);
  g_assert_cmpint (g_mkdir_with_parents (migrations, 0700), ==, 0);
  path = g_build_filename (migrations, "aaaa00000001_item.json", NULL);
  g_assert_true (g_file_set_contents (path,
                                      "{\"revision\": \"aaaa00000001\", \"down_revision\": null, \"message\": \"item\",\n"
                                      " \"upgrade\": [{\"op\": \"create_table\", \"table\": \"item\", \"columns\": [\n"
                                      "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},\n"
                                      "   {\"name\": \"name\", \"type\": \"text\"}]}]}\n",
                                      -1, NULL));
  g_clear_pointer (&path, g_free);
  path = g_build_filename (migrations, "aaaa00000002_slow.json", NULL);
  g_assert_true (g_file_set_contents (path,
                                      "{\"revision\": \"aaaa00000002\", \"down_revision\": \"aaaa00000001\",\n"
                                      " \"message\": \"slow\",\n"
                                      " \"upgrade\": [{\"op\": \"add_column\", \"table\": \"item\",\n"
                                      "               \"column\": {\"name\": \"note\", \"type\": \"text\"}},\n"
                                      "              {\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"SELECT pg_sleep(20)\",\n"
                                      "               \"reverse\": {\"sqlite\": \"\", \"postgresql\": \"\"}}]}\n",
                                      -1, NULL));
  ini = g_strdup_printf ("[strata]\n"
                         "migrations=migrations\n"
                         "schema=shop\n"
                         "lock-timeout=400ms\n"
                         "statement-timeout=1s\n"
                         "\n"
                         "[profile Shop]\n"
                         "url=postgresql://%s@%s:%u/%s\n",
                         strata_profile_get_user (parsed), strata_profile_get_host (parsed),
                         strata_profile_get_port (parsed), strata_profile_get_database (parsed));
  g_clear_pointer (&path, g_free);
  path = g_build_filename (dir, "strata.ini", NULL);
  g_assert_true (g_file_set_contents (path, ini, -1, NULL));
  directory = g_file_new_for_path (dir);

  /* The password where libpq finds it: ~/.pgpass (HOME is the test's) */
  pgpass = g_build_filename (g_get_home_dir (), ".pgpass", NULL);
  pgpass_line = g_strdup_printf ("%s:%u:%s:%s:%s\n", strata_profile_get_host (parsed), strata_profile_get_port (parsed),
                                 strata_profile_get_database (parsed), strata_profile_get_user (parsed),
                                 strata_profile_get_password (parsed));
  g_assert_true (g_file_set_contents_full (pgpass, pgpass_line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  strata_test_gui_iterate_pending ();

  list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  view = strata_window_get_project_view (window);
  g_assert_cmpstr (strata_profile_get_name (strata_project_view_get_profile (view)), ==, "Shop");
  wait_idle (view);
  g_assert_nonnull (strata_project_view_get_current_heads (view));
  g_assert_null (strata_project_view_get_current_heads (view)[0]);

  /* Up to the first revision: everything lands in the schema "shop" */
  page = strata_project_view_get_plan_page (view);
  strata_plan_page_set_selected_revision (page, "aaaa00000001");
  page = show_plan (view, STRATA_PLAN_TARGET_REVISION);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (page)), ==, 1);
  apply_plan (view, NULL);
  strata_test_assert_query (db_url, "SELECT version_num FROM shop.strata_version", "aaaa00000001");
  strata_test_assert_query (db_url, "SELECT count(*) FROM shop.strata_history WHERE direction = 'up'", "1");
  strata_test_assert_query (db_url, "SELECT to_regclass('shop.item') IS NOT NULL", "t");
  strata_test_assert_query (db_url, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'", "0");
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { "aaaa00000001", NULL }));
  g_assert_cmpuint (g_list_model_get_n_items (strata_project_view_get_history (view)), ==, 1);

  /* Drift reads the schema "shop": none, then a column added by hand */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  wait_idle (view);
  {
    g_auto(GStrv) drift = strata_project_view_dup_drift (view);

    for (guint i = 0; drift[i] != NULL; i++)
      g_test_message ("drift: %s", drift[i]);
    g_assert_cmpuint (g_strv_length (drift), ==, 0);
  }
  strata_test_execute (db_url, "ALTER TABLE shop.item ADD COLUMN extra integer");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  wait_idle (view);
  {
    g_auto(GStrv) drift = strata_project_view_dup_drift (view);

    g_assert_cmpuint (g_strv_length (drift), ==, 1);
    g_assert_nonnull (strstr (drift[0], "item.extra"));
  }
  strata_test_execute (db_url, "ALTER TABLE shop.item DROP COLUMN extra");

  /* statement-timeout=1s stops a statement that would take 20 s, and the
   * step rolls back */
  page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  seconds = run_failing_plan (view);
  g_test_message ("the slow step failed after %.1f s", seconds);
  g_assert_cmpfloat (seconds, <, 15.0);
  log = strata_plan_page_dup_log (page);
  g_assert_nonnull (strstr (log, "statement timeout"));
  g_clear_pointer (&log, g_free);
  strata_test_assert_query (db_url, "SELECT version_num FROM shop.strata_version", "aaaa00000001");
  strata_test_assert_query (db_url, "SELECT count(*) FROM information_schema.columns "
                           "WHERE table_schema = 'shop' AND table_name = 'item' AND column_name = 'note'", "0");

  /* lock-timeout=400ms: another run holds the migration lock (keyed by
   * shop.strata_version); this one gives up at once instead of waiting
   * five minutes */
  holder = PQconnectdb (db_url);
  g_assert_cmpint (PQstatus (holder), ==, CONNECTION_OK);
  result = PQexec (holder, "SELECT pg_advisory_lock(('x' || substr(md5('strata:shop.strata_version'), 1, 16))"
                           "::bit(64)::bigint)");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  PQclear (result);
  page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  seconds = run_failing_plan (view);
  PQfinish (holder);
  g_test_message ("the locked run failed after %.1f s", seconds);
  g_assert_cmpfloat (seconds, <, 15.0);
  log = strata_plan_page_dup_log (page);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "lock"));
  strata_test_assert_query (db_url, "SELECT version_num FROM shop.strata_version", "aaaa00000001");

  g_assert_cmpint (g_unlink (pgpass), ==, 0);
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_pg_drop_database (db_url);
  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/migrate/sqlite", test_migrate_sqlite);
  g_test_add_func ("/strata/ui/migrate/cancel-sqlite", test_cancel_sqlite);
  g_test_add_func ("/strata/ui/migrate/postgresql", test_migrate_postgresql);
  g_test_add_func ("/strata/ui/migrate/project-profiles", test_project_profiles);
  g_test_add_func ("/strata/ui/migrate/postgresql-schema", test_schema_postgresql);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
