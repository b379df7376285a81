/* test-ui-review.c: a plan of a few thousand steps in the app: its rows show
 * before the session's review of it comes, the review fills them in,
 * only the rows that show exist, an SQL view only for an opened step, and
 * nothing spins once it is done; the screen rendered to a PNG in the build
 * directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-review"

#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

static gboolean
some_reviewed (gpointer data)
{
  return strata_plan_page_get_n_reviewed (data) > 0;
}

static gboolean
first_row_drawn (gpointer data)
{
  GtkWidget *first = gtk_widget_get_first_child (data);

  return first != NULL && gtk_widget_get_mapped (first) && gtk_widget_get_height (first) > 0;
}

/* Widgets of @type under @widget */
static guint
count_widgets (GtkWidget *widget,
               GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (widget, type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_widgets (child, type);
  return n;
}

static gboolean
has_spinning (GtkWidget *widget)
{
  if (GTK_IS_SPINNER (widget) && gtk_spinner_get_spinning (GTK_SPINNER (widget)))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (has_spinning (child))
      return TRUE;
  return FALSE;
}

static char *
source_view_text (GtkWidget *widget)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;
  GtkTextIter end;

  if (GTK_SOURCE_IS_VIEW (widget))
    {
      buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      char *text = source_view_text (child);

      if (text != NULL)
        return text;
    }
  return NULL;
}

typedef struct
{
  GtkAdjustment *adjustment;
  GtkWidget     *view;
} ScrollWait;

/* At the end of the list, and its rows laid out there */
static gboolean
scrolled_to_end (gpointer data)
{
  ScrollWait *wait = data;
  double end = gtk_adjustment_get_upper (wait->adjustment) - gtk_adjustment_get_page_size (wait->adjustment);

  /* The opened row's height is known once it is made: the end moves */
  if (gtk_adjustment_get_value (wait->adjustment) < end - 1 ||
      count_widgets (wait->view, GTK_SOURCE_TYPE_VIEW) == 0)
    {
      gtk_adjustment_set_value (wait->adjustment, end);
      return FALSE;
    }

  return TRUE;
}

static void
test_big_plan (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  guint n_tables = 1500;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *last_path = NULL;
  g_autofree char *last = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *progress_text = NULL;
  StrataProjectView *view;
  StrataPlanPage *page;
  StrataWindow *window;
  StrataStore *store;
  GtkWidget *steps_view;
  GtkProgressBar *progress;
  GListModel *steps;
  ScrollWait scroll;
  guint n_steps = n_tables + 1;
  guint n_rows;

  if (app == NULL)
    return;

  /* 1,500 tables, then one dropped: a step that loses data, at the end */
  dir = strata_test_create_chain_project (n_tables);
  last_path = g_strdup_printf ("%s/migrations/r%06u_drop.json", dir, n_tables);
  last = g_strdup_printf ("{\"revision\": \"r%06u\", \"down_revision\": \"r%06u\", \"message\": \"drop t1\","
                          " \"upgrade\": [{\"op\": \"drop_table\", \"table\": \"t1\"}]}\n", n_tables, n_tables - 1);
  g_assert_true (g_file_set_contents (last_path, last, -1, NULL));

  store = strata_application_get_store (app);
  db_path = g_build_filename (dir, "big.db", NULL);
  profile = strata_profile_new ("Big plan");
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

  page = strata_project_view_get_plan_page (view);
  steps = strata_plan_page_get_steps (page);
  steps_view = strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE, "steps_view");
  progress = strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE, "progress_bar");
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, page, "the plan made on opening is reviewed");

  /* The rows come at once, one item per step, before any review: the
   * session reviews in a worker thread and hands its batches over in the
   * main loop, which has not run yet */
  strata_plan_page_set_target (page, STRATA_PLAN_TARGET_HEAD);
  g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (page)), ==, n_steps);
  g_assert_cmpuint (g_list_model_get_n_items (steps), ==, n_steps);
  g_assert_true (strata_plan_page_get_reviewing (page));
  g_assert_cmpuint (strata_plan_page_get_n_reviewed (page), ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (progress)));

  /* The first batch: the progress says how far the review is */
  strata_test_gui_iterate_until (some_reviewed, page, "the first steps are reviewed");
  if (strata_plan_page_get_reviewing (page))
    {
      g_autofree char *expected = NULL;

      progress_text = g_strdup (gtk_progress_bar_get_text (progress));
      expected = g_strdup_printf ("of %u steps", n_steps);
      g_test_message ("while reviewing: %s", progress_text);
      g_assert_nonnull (strstr (progress_text, expected));
    }
  strata_test_gui_iterate_until (first_row_drawn, steps_view, "the first rows are drawn");

  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, page, "the plan is reviewed");
  g_assert_cmpuint (strata_plan_page_get_n_reviewed (page), ==, n_steps);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (progress)));

  /* The rows that show and a few around them exist, not one a step; no
   * step is opened at the top, so there is no SQL view */
  strata_test_gui_wait_frames (GTK_WIDGET (window), 1);
  n_rows = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (steps_view); child; child = gtk_widget_get_next_sibling (child))
    n_rows++;
  g_test_message ("%u rows for %u steps", n_rows, n_steps);
  g_assert_cmpuint (n_rows, >, 0);
  g_assert_cmpuint (n_rows, <, 100);
  g_assert_cmpuint (count_widgets (steps_view, GTK_SOURCE_TYPE_VIEW), ==, 0);

  /* The step that drops a table was opened by its review: the plan is
   * destructive and the banner says what loses data */
  g_assert_true (strata_plan_page_get_destructive (page));
  g_assert_true (gtk_revealer_get_reveal_child (strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE,
                                                                           "warning_revealer")));
  g_assert_nonnull (strstr (gtk_label_get_label (strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE,
                                                                            "warning_label")), "t1"));
  g_assert_nonnull (strstr (strata_plan_page_get_step_sql (page, "r001500"), "DROP TABLE"));

  /* A step not opened has no SQL text; opened, it has the review's at
   * once (no rendering of its own) */
  g_assert_null (strata_plan_page_get_step_sql (page, "r000700"));
  g_assert_true (strata_plan_page_expand_step (page, "r000700"));
  g_assert_nonnull (strstr (strata_plan_page_get_step_sql (page, "r000700"), "CREATE TABLE"));

  /* Scrolled to the end: the opened step's row has the one SQL view */
  scroll.adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (steps_view));
  scroll.view = steps_view;
  strata_test_gui_iterate_until (scrolled_to_end, &scroll, "the list shows its end");
  strata_test_gui_wait_frames (GTK_WIDGET (window), 1);
  strata_test_gui_iterate_until (scrolled_to_end, &scroll, "the list shows its end");
  g_assert_cmpuint (count_widgets (steps_view, GTK_SOURCE_TYPE_VIEW), ==, 1);
  sql = source_view_text (steps_view);
  g_assert_nonnull (strstr (sql, "DROP TABLE"));
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-review-big-plan.png"));

  /* Done: nothing spins, shown or hidden */
  g_assert_false (has_spinning (GTK_WIDGET (page)));

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  g_assert_no_error (error);
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/review/big-plan", test_big_plan);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
