/* test-ui-trust.c: the app stays truthful when things break (issue 14):
 * a broken migration file (SQLite), and on PostgreSQL a lost connection,
 * the project read again and Apply refusing files changed since the review,
 * another deploy applying the steps while this one waited for the lock;
 * each screen rendered to a PNG in the build directory
 *
 * Stops and starts the throwaway server: meson runs it alone.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-trust"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define HEAD "8b4e0f6a2c18"

/* Waiting for the app */

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

static const char *
plan_stack_page (StrataPlanPage *page)
{
  return gtk_stack_get_visible_child_name (strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE, "plan_stack"));
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

/* A copy of the example project in a fresh folder; returns the folder
 * holding it (…/bookshop inside). */
static char *
copy_example (char **project_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = strata_test_mkdtemp ();
  g_autofree char *examples = g_build_filename (g_getenv ("STRATA_EXAMPLES_DIR"), "bookshop", NULL);
  g_autofree char *command = NULL;
  int status;

  *project_dir = g_build_filename (tmpdir, "bookshop", NULL);
  command = g_strdup_printf ("cp -r '%s' '%s'", examples, *project_dir);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_steal_pointer (&tmpdir);
}

static StrataWindow *
open_project (StrataApplication *app,
              const char        *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  StrataWindow *window = strata_window_new (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);

  return window;
}

static void
replace_in_file (const char *path,
                 const char *old,
                 const char *new)
{
  g_autofree char *contents = NULL;
  g_autoptr(GString) edited = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, old));
  edited = g_string_new (contents);
  g_string_replace (edited, old, new, 1);
  g_assert_true (g_file_set_contents (path, edited->str, -1, NULL));
}

/* 9: one broken migration file does not block the project */
static void
test_broken_file (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GPtrArray) broken = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *junk = NULL;
  g_autofree char *db_path = NULL;
  StrataRevisionsPage *revisions_page;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  StrataWindow *window;
  StrataStore *store;
  GtkLabel *label;

  if (app == NULL)
    return;

  tmpdir = copy_example (&dir);
  /* Not JSON any more after its header; and a file with nothing readable */
  bad = g_build_filename (dir, "migrations", "6f2c8d4e0a96_add_isbn_to_books.json", NULL);
  replace_in_file (bad, "\"varchar(17)\"}},", "\"varchar(17)\"}},,");
  junk = g_build_filename (dir, "migrations", "zz_notes.json", NULL);
  g_assert_true (g_file_set_contents (junk, "TODO: write this migration\n", -1, NULL));

  window = open_project (app, dir);
  view = strata_window_get_project_view (window);
  g_assert_cmpuint (strata_graph_get_n_revisions (strata_project_view_get_graph (view)), ==, 8);
  broken = strata_graph_get_broken (strata_project_view_get_graph (view));
  g_assert_cmpuint (broken->len, ==, 2);

  /* The revisions list marks it, with the parser's message */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  revisions_page = strata_project_view_get_revisions_page (view);
  g_assert_true (strata_revisions_page_select_revision (revisions_page, "6f2c8d4e0a96"));
  strata_test_gui_iterate_pending ();
  label = strata_test_gui_get_child (revisions_page, STRATA_TYPE_REVISIONS_PAGE, "problem_label");
  g_test_message ("problem: %s", gtk_label_get_label (label));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_true (g_str_has_prefix (gtk_label_get_label (label), "migrations/6f2c8d4e0a96_add_isbn_to_books.json:7:"));
  g_assert_cmpstr (gtk_label_get_label (strata_test_gui_get_child (revisions_page, STRATA_TYPE_REVISIONS_PAGE,
                                                                   "message_label")), ==, "add isbn to books");
  /* No SQL for it: there are no operations to render */
  g_assert_false (gtk_widget_get_visible (strata_test_gui_get_child (revisions_page, STRATA_TYPE_REVISIONS_PAGE, "sql_stack")));
  label = strata_test_gui_get_child (revisions_page, STRATA_TYPE_REVISIONS_PAGE, "unplaced_label");
  g_test_message ("unplaced: %s", gtk_label_get_label (label));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
  g_assert_nonnull (strstr (gtk_label_get_label (label), "migrations/zz_notes.json:1:"));
  {
    StrataRevisionList *list = strata_revisions_page_get_list (revisions_page);
    g_autoptr(StrataRevisionItem) item = g_list_model_get_item (G_LIST_MODEL (list),
                                                                 strata_revision_list_find (list, "6f2c8d4e0a96"));

    g_assert_nonnull (strstr (strata_revision_item_get_tags (item), "broken"));
    g_assert_nonnull (strata_revision_item_get_problem (item));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-trust-broken-file.png"));

  /* A plan that needs it is refused, naming the file; one that does not
   * is reviewed */
  store = strata_application_get_store (app);
  db_path = g_build_filename (tmpdir, "broken.db", NULL);
  profile = strata_profile_new ("Broken");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (store, profile, &error));
  g_assert_no_error (error);
  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");

  /* The Status page says why the pending revisions cannot all be applied */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  strata_test_gui_iterate_pending ();
  {
    const char *pending = adw_action_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW,
                                                                                  "pending_row"));

    g_test_message ("pending: %s", pending);
    g_assert_nonnull (strstr (pending, "migrations/6f2c8d4e0a96_add_isbn_to_books.json:7:"));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-trust-broken-status.png"));

  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpstr (plan_stack_page (plan_page), ==, "error");
  {
    AdwStatusPage *error_page = strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "error_page");
    const char *description = adw_status_page_get_description (error_page);

    g_test_message ("plan: %s", description);
    g_assert_nonnull (strstr (description, "needs revision 6f2c8d4e0a96, which is broken: "
                                           "migrations/6f2c8d4e0a96_add_isbn_to_books.json:7:"));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-trust-broken-plan.png"));

  g_assert_true (strata_revisions_page_select_revision (revisions_page, "4d9a2b6c8e74"));
  plan_page = show_plan (view, STRATA_PLAN_TARGET_REVISION);
  g_assert_nonnull (strata_plan_page_get_plan (plan_page));
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { "4d9a2b6c8e74", NULL }));

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

/* PostgreSQL: a fresh database and a profile for it, the password kept in
 * memory (the keyring is test-ui-migrate's) */

typedef struct
{
  char          *tmpdir;
  char          *dir;
  char          *db_url;
  StrataProfile *profile;
  StrataWindow  *window;
} PgFixture;

static gboolean
pg_fixture_setup (PgFixture  *f,
                  const char *name)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;

  memset (f, 0, sizeof *f);
  if (app == NULL || !(f->db_url = strata_test_pg_create_database ()))
    return FALSE;

  f->tmpdir = copy_example (&f->dir);
  f->profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, name, f->db_url, &error);
  g_assert_no_error (error);
  g_assert_true (strata_store_add_profile (strata_application_get_store (app), f->profile, &error));
  g_assert_no_error (error);

  f->window = open_project (app, f->dir);
  strata_window_select_profile (f->window, f->profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, strata_window_get_project_view (f->window), "the database is read");
  g_assert_nonnull (strata_project_view_get_current_heads (strata_window_get_project_view (f->window)));

  return TRUE;
}

static void
pg_fixture_teardown (PgFixture *f)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_store_remove_profile (strata_application_get_store (app), f->profile, &error));
  g_assert_no_error (error);
  strata_test_gui_destroy_window (GTK_WINDOW (f->window));
  strata_test_pg_drop_database (f->db_url);
  strata_test_rm_rf (f->tmpdir);
  g_clear_object (&f->profile);
  g_clear_pointer (&f->db_url, g_free);
  g_clear_pointer (&f->dir, g_free);
  g_clear_pointer (&f->tmpdir, g_free);
}

static void
apply_shown_plan (StrataProjectView *view)
{
  StrataPlanPage *plan_page = strata_project_view_get_plan_page (view);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
}

static void
run_cli (const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_strv_builder_add (builder, g_getenv ("STRATA_CLI"));
  g_strv_builder_addv (builder, (const char **)args);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("strata: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* 1, on PostgreSQL: a revision added from a terminal shows; a file edited
 * after the review is refused by Apply, then read again and applied as it
 * is now */
static void
test_project_reload_postgresql (void)
{
  g_autofree char *added = NULL;
  g_autofree char *name = NULL;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  PgFixture f;

  if (strata_test_require_env ("STRATA_CLI", "the strata command") == NULL || !pg_fixture_setup (&f, "Reload on PostgreSQL"))
    return;

  view = strata_window_get_project_view (f.window);
  g_assert_cmpuint (strata_graph_get_n_revisions (strata_project_view_get_graph (view)), ==, 8);

  run_cli ((const char *[]) { "-C", f.dir, "revision", "-m", "add a note table", "--rev-id", "9c5f1a7b3d20", NULL });
  strata_test_gui_wait_revisions (view, 9, "the new revision shows");
  g_assert_cmpstr (adw_action_row_get_subtitle (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "pending_row")),
                   ==, "9 revisions to apply");

  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_wait_plan_steps (view, 9, "the plan of nine steps is reviewed");

  name = g_strdup ("9c5f1a7b3d20_add_a_note_table.json");
  added = g_build_filename (f.dir, "migrations", name, NULL);
  replace_in_file (added, "\"upgrade\": []",
                   "\"upgrade\": [{\"op\": \"create_table\", \"table\": \"note\", \"columns\": "
                   "[{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true}]}]");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  g_assert_false (strata_plan_page_get_running (plan_page));
  {
    const char *banner = gtk_label_get_label (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "warning_label"));

    g_test_message ("banner: %s", banner);
    g_assert_true (g_str_has_prefix (banner, "Not applied: "));
    g_assert_nonnull (strstr (banner, "changed since this plan was reviewed"));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (f.window), "test-ui-trust-stale-plan-postgresql.png"));
  strata_test_assert_query (f.db_url, "SELECT to_regclass('note') IS NULL AND to_regclass('author') IS NULL", "t");

  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the project is read again");
  strata_test_gui_wait_plan_steps (view, 9, "the plan is reviewed again");
  apply_shown_plan (view);
  strata_test_assert_query (f.db_url, "SELECT version_num FROM strata_version", "9c5f1a7b3d20");
  strata_test_assert_query (f.db_url, "SELECT to_regclass('note') IS NOT NULL", "t");

  pg_fixture_teardown (&f);
}

/* As `strata upgrade` does, Apply compares the revisions the database has
 * applied with their files first: one edited since it ran is said, and
 * nothing runs */
static void
test_edited_after_applied_postgresql (void)
{
  g_autofree char *applied = NULL;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  PgFixture f;

  if (strata_test_require_env ("STRATA_CLI", "the strata command") == NULL ||
      !pg_fixture_setup (&f, "Edited after applied"))
    return;

  view = strata_window_get_project_view (f.window);
  show_plan (view, STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_wait_plan_steps (view, 8, "the plan of eight steps is reviewed");
  apply_shown_plan (view);
  strata_test_assert_query (f.db_url, "SELECT version_num FROM strata_version", HEAD);

  applied = g_build_filename (f.dir, "migrations", "1a0e6c2d9b41_create_author_table.json", NULL);
  replace_in_file (applied, "\"message\": \"", "\"message\": \"edited: ");
  run_cli ((const char *[]) { "-C", f.dir, "revision", "-m", "add a note table", "--rev-id", "9c5f1a7b3d20", NULL });
  strata_test_gui_wait_revisions (view, 9, "the new revision shows");

  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_wait_plan_steps (view, 1, "the plan of one step is reviewed");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the applied revisions are checked");
  g_assert_false (strata_plan_page_get_running (plan_page));
  {
    const char *banner = gtk_label_get_label (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "warning_label"));

    g_test_message ("banner: %s", banner);
    g_assert_true (g_str_has_prefix (banner, "Not applied: "));
    g_assert_nonnull (strstr (banner, "1a0e6c2d9b41"));
    g_assert_nonnull (strstr (banner, "edited after it was applied"));
  }
  g_free (strata_test_gui_save_png (GTK_WIDGET (f.window), "test-ui-trust-edited-after-applied-postgresql.png"));
  strata_test_assert_query (f.db_url, "SELECT version_num FROM strata_version", HEAD);

  pg_fixture_teardown (&f);
}

#define LOCK_SQL "pg_advisory_lock(('x' || substr(md5('strata:' || current_schema() || '.strata_version'), 1, 16))::bit(64)::bigint)"

static void
pg_exec (StrataDriver *driver,
         const char   *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_driver_execute (driver, sql, NULL, &error));
  g_assert_no_error (error);
}

/* 6, on PostgreSQL: another deploy holds the migration lock and applies
 * the steps while this run waits: said, not "Finished" */
static void
test_applied_elsewhere_postgresql (void)
{
  StrataRevisionsPage *revisions_page;
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  const char *progress;
  LogWait lock_wait;
  g_autoptr(StrataDriver) holder = NULL;
  g_autoptr(GError) error = NULL;
  PgFixture f;

  if (!pg_fixture_setup (&f, "Elsewhere on PostgreSQL"))
    return;

  view = strata_window_get_project_view (f.window);
  revisions_page = strata_project_view_get_revisions_page (view);
  g_assert_true (strata_revisions_page_select_revision (revisions_page, "3c4d1f9e7a63"));
  plan_page = show_plan (view, STRATA_PLAN_TARGET_REVISION);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 3);
  apply_shown_plan (view);
  strata_test_assert_query (f.db_url, "SELECT version_num FROM strata_version", "3c4d1f9e7a63");

  holder = strata_driver_open (f.db_url, NULL, NULL, &error);
  g_assert_no_error (error);
  pg_exec (holder, "SELECT " LOCK_SQL);

  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 5);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, plan_page, "the plan's files are read again");
  lock_wait.page = plan_page;
  lock_wait.text = "Waiting for the migration lock, held by pid";
  strata_test_gui_iterate_until (log_has, &lock_wait, "the run waits for the lock");

  /* The other deploy brings the database to head, then lets go */
  pg_exec (holder, "UPDATE strata_version SET version_num = '" HEAD "'");
  pg_exec (holder, "SELECT pg_advisory_unlock_all()");
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_running, plan_page, "the run ends");

  progress = gtk_progress_bar_get_text (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "progress_bar"));
  g_test_message ("progress: %s", progress);
  g_assert_cmpstr (progress, ==, "Nothing left to do");
  {
    g_autofree char *log = strata_plan_page_dup_log (plan_page);

    g_test_message ("log: %s", log);
    g_assert_nonnull (strstr (log, "Another deploy brought "));
    g_assert_nonnull (strstr (log, " to " HEAD " while this one waited"));
    g_assert_null (strstr (strstr (log, lock_wait.text), "Upgrading to"));
  }
  gtk_expander_set_expanded (strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "log_expander"), TRUE);
  g_free (strata_test_gui_save_png (GTK_WIDGET (f.window), "test-ui-trust-applied-elsewhere-postgresql.png"));
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { HEAD, NULL }));
  g_clear_object (&holder);

  pg_fixture_teardown (&f);
}

/* 10: the connection is lost (the server stops): the toast says why, the
 * Plan page keeps the profile, the Status page shows no internal SQL */

static void
toast_cb (StrataProjectView *view,
          AdwToast          *toast,
          GPtrArray         *toasts)
{
  g_test_message ("toast: %s", adw_toast_get_title (toast));
  g_ptr_array_add (toasts, g_strdup (adw_toast_get_title (toast)));
}

static gboolean
has_toast (gpointer data)
{
  return ((GPtrArray *)data)->len > 0;
}

static void
pg_ctl (const char *command)
{
  const char *ctl = g_getenv ("STRATA_TEST_PG_CTL");
  const char *argv[] = { ctl, command, "-m", "fast", NULL };
  g_autoptr(GError) error = NULL;
  int status;

  if (g_str_equal (command, "start"))
    argv[2] = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Every text a widget tree shows */
static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget))
    g_string_append_printf (text, "%s\n", gtk_label_get_label (GTK_LABEL (widget)));
  else if (ADW_IS_STATUS_PAGE (widget))
    g_string_append_printf (text, "%s\n%s\n", adw_status_page_get_title (ADW_STATUS_PAGE (widget)),
                            adw_status_page_get_description (ADW_STATUS_PAGE (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

static void
assert_no_sql (const char *text)
{
  const char *words[] = { "SELECT ", "INSERT ", "UPDATE ", "CREATE ", " FROM ", "strata_version", "strata_history",
                          "pg_advisory", "pg_catalog", "information_schema" };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (text, words[i]) != NULL)
      g_error ("Internal SQL (%s) shown: %s", words[i], text);
}

static void
test_lost_connection (void)
{
  g_autoptr(GPtrArray) toasts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) status_text = g_string_new (NULL);
  StrataProjectView *view;
  StrataPlanPage *plan_page;
  PgFixture f;

  if (strata_test_require_env ("STRATA_TEST_PG_CTL", "the PostgreSQL server's pg_ctl") == NULL ||
      !pg_fixture_setup (&f, "Lost on PostgreSQL"))
    return;

  view = strata_window_get_project_view (f.window);
  g_signal_connect (view, "toast", G_CALLBACK (toast_cb), toasts);
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 8);

  /* The server goes away under an open connection; the app reads again */
  g_test_message ("stopping the server");
  pg_ctl ("stop");
  g_test_message ("stopped");
  strata_project_view_refresh (view);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the refresh ends");
  g_test_message ("refreshed");
  strata_test_gui_iterate_until (has_toast, toasts, "a toast says what happened");

  /* The toast has the cause, in words */
  {
    const char *toast = g_ptr_array_index (toasts, 0);

    g_assert_true (g_str_has_prefix (toast, "Lost the connection: "));
    g_assert_cmpuint (strlen (toast), >, strlen ("Lost the connection: "));
    assert_no_sql (toast);
  }

  /* The Plan page is still the profile's, and says why there is no plan */
  g_free (strata_test_gui_save_png (GTK_WIDGET (f.window), "test-ui-trust-lost-plan.png"));
  g_test_message ("plan page: %s", plan_stack_page (plan_page));
  g_assert_cmpstr (plan_stack_page (plan_page), ==, "error");
  {
    AdwStatusPage *error_page = strata_test_gui_get_child (plan_page, STRATA_TYPE_PLAN_PAGE, "error_page");

    g_test_message ("plan: %s", adw_status_page_get_description (error_page));
    g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "“Lost on PostgreSQL”"));
  }

  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  strata_test_gui_iterate_pending ();
  collect_text (GTK_WIDGET (adw_view_stack_get_child_by_name (strata_project_view_get_stack (view), "status")), status_text);
  g_test_message ("status: %s", status_text->str);
  g_assert_nonnull (strstr (status_text->str, "Lost the connection: "));
  assert_no_sql (status_text->str);
  g_free (strata_test_gui_save_png (GTK_WIDGET (f.window), "test-ui-trust-lost-status.png"));

  /* Back: a refresh connects again, the plan follows, nothing reselected */
  pg_ctl ("start");
  strata_project_view_refresh (view);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read again");
  g_assert_nonnull (strata_project_view_get_current_heads (view));
  plan_page = show_plan (view, STRATA_PLAN_TARGET_HEAD);
  g_assert_nonnull (strata_plan_page_get_plan (plan_page));
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (plan_page)), ==, 8);

  g_signal_handlers_disconnect_by_func (view, toast_cb, toasts);
  pg_fixture_teardown (&f);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/trust/broken-file", test_broken_file);
  g_test_add_func ("/strata/ui/trust/project-reload-postgresql", test_project_reload_postgresql);
  g_test_add_func ("/strata/ui/trust/applied-elsewhere-postgresql", test_applied_elsewhere_postgresql);
  g_test_add_func ("/strata/ui/trust/edited-after-applied-postgresql", test_edited_after_applied_postgresql);
  g_test_add_func ("/strata/ui/trust/lost-connection-postgresql", test_lost_connection);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
