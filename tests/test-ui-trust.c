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
#include <libpq-fe.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define HEAD "8b4e0f6a2c18"

/* Waiting for the app */

static gboolean
view_is_idle (gpointer data)
{
  return !strata_project_view_get_busy (data);
}

static gboolean
plan_reviewed (gpointer data)
{
  return !strata_plan_page_get_reviewing (data);
}

static gboolean
plan_is_not_running (gpointer data)
{
  return !strata_plan_page_get_running (data);
}

static gboolean
plan_is_not_checking (gpointer data)
{
  return !strata_plan_page_get_checking (data);
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
  strata_test_gui_iterate_until (plan_reviewed, page, "the plan is reviewed");

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
  strata_test_gui_iterate_until (view_is_idle, view, "the database is read");

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
  strata_test_gui_iterate_until (plan_is_not_checking, plan_page, "the plan's files are read again");
  strata_test_gui_iterate_until (plan_is_not_running, plan_page, "the run ends");
  strata_test_gui_iterate_until (view_is_idle, view, "the database is read");
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { "4d9a2b6c8e74", NULL }));

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

  g_test_add_func ("/strata/ui/trust/broken-file", test_broken_file);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
