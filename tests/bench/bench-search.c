/* bench-search.c: search and jump in the revision graph at 3,000 revisions,
 * under a real X server: how long each search takes to filter the list and
 * to show the next frame, keystroke by keystroke, and the jumps to head and
 * base. Prints the figures; asserts nothing about speed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-search"

#include "config.h"

#include <time.h>

#include <adwaita.h>

#include "strata.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

/* @n revisions in a row, a branch label every 300 */
static char *
write_history (guint n)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autofree char *ini = g_build_filename (dir, "strata.ini", NULL);

  g_assert_cmpint (g_mkdir_with_parents (migrations, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini, "[strata]\nmigrations=migrations\n", -1, NULL));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("s%06u_step.json", i);
      g_autofree char *path = g_build_filename (migrations, name, NULL);
      g_autofree char *down = i > 0 ? g_strdup_printf ("\"s%06u\"", i - 1) : g_strdup ("null");
      g_autofree char *labels = i % 300 == 0 ? g_strdup_printf (", \"branch_labels\": [\"feature_%u\"]", i / 300)
                                             : g_strdup ("");
      g_autofree char *json = g_strdup_printf ("{\"revision\": \"s%06u\", \"down_revision\": %s%s,\n"
                                               " \"message\": \"add column c%u to ledger\",\n"
                                               " \"upgrade\": [{\"op\": \"sql\", \"sql\": \"SELECT %u\","
                                               " \"reverse\": \"SELECT %u\"}]}\n",
                                               i, down, labels, i, i, i);

      g_assert_true (g_file_set_contents (path, json, -1, NULL));
    }

  return g_steal_pointer (&dir);
}

/* CPU time of this thread, in ms: the machine may be shared, so the wall
 * clock says how long a person waits, the CPU time what the app spent */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1000000.0;
}

/* Milliseconds for the filter (wall and CPU), then for the next frame */
static void
measure_search (StrataRevisionsPage *page,
                const char          *text,
                double              *filter_ms,
                double              *frame_ms,
                guint               *n_shown)
{
  gint64 start = g_get_monotonic_time ();
  double cpu = cpu_ms ();

  strata_revisions_page_set_search (page, text);
  *filter_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_print ("    (filter CPU time %.2f ms)\n", cpu_ms () - cpu);
  *n_shown = g_list_model_get_n_items (strata_revisions_page_get_shown (page));
  strata_test_gui_wait_frames (GTK_WIDGET (page), 1);
  *frame_ms = (g_get_monotonic_time () - start) / 1000.0;
}

static void
bench_search (StrataApplication *app,
              guint              n)
{
  g_autofree char *dir = write_history (n);
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  const char *typed[] = { "c", "c2", "c29", "c299", "c2999" };
  const char *searches[] = { "s001500", "ledger", "feature_7", "c1234 ", "no such thing", "" };
  StrataRevisionsPage *page;
  StrataProjectView *view;
  StrataWindow *window;
  double filter_ms, frame_ms, worst_filter = 0, worst_frame = 0;
  guint n_shown;
  gint64 start;

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  start = g_get_monotonic_time ();
  if (!strata_window_open_project (window, directory, &error))
    g_error ("%s", error->message);
  view = strata_window_get_project_view (window);
  page = strata_project_view_get_revisions_page (view);
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  strata_test_gui_wait_frames (GTK_WIDGET (page), 2);
  g_print ("%u revisions: project open and graph shown in %.1f ms\n", n, (g_get_monotonic_time () - start) / 1000.0);

  /* Typing, one key at a time (the first search makes every item) */
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      measure_search (page, typed[i], &filter_ms, &frame_ms, &n_shown);
      g_print ("  typed “%s”: %u shown, filtered in %.2f ms, next frame at %.2f ms\n",
               typed[i], n_shown, filter_ms, frame_ms);
      worst_filter = MAX (worst_filter, filter_ms);
      worst_frame = MAX (worst_frame, frame_ms);
    }
  g_print ("  typing: worst filter %.2f ms, worst keystroke to frame %.2f ms\n", worst_filter, worst_frame);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      measure_search (page, searches[i], &filter_ms, &frame_ms, &n_shown);
      g_print ("  search “%s”: %u shown, filtered in %.2f ms, next frame at %.2f ms\n",
               searches[i], n_shown, filter_ms, frame_ms);
    }

  /* The same with the graph not on screen: the filter alone */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  strata_test_gui_wait_frames (GTK_WIDGET (window), 1);
  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      double cpu = cpu_ms ();

      start = g_get_monotonic_time ();
      strata_revisions_page_set_search (page, searches[i]);
      g_print ("  search “%s”, graph hidden: %u shown, filtered in %.2f ms (CPU %.2f ms)\n", searches[i],
               g_list_model_get_n_items (strata_revisions_page_get_shown (page)),
               (g_get_monotonic_time () - start) / 1000.0, cpu_ms () - cpu);
    }
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  strata_test_gui_wait_frames (GTK_WIDGET (page), 1);

  /* Jumps: select, scroll there, draw */
  {
    const char *jumps[] = { "revisions.jump-base", "revisions.jump-head", "revisions.jump-base" };

    for (guint i = 0; i < G_N_ELEMENTS (jumps); i++)
      {
        start = g_get_monotonic_time ();
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), jumps[i], NULL));
        strata_test_gui_wait_frames (GTK_WIDGET (page), 1);
        g_print ("  %s: %s selected and drawn in %.2f ms\n", jumps[i],
                 strata_revisions_page_get_selected_revision (page), (g_get_monotonic_time () - start) / 1000.0);
      }
  }

  /* A jump out of a search: the search ends, the base shows */
  strata_revisions_page_set_search (page, "feature_9");
  strata_test_gui_wait_frames (GTK_WIDGET (page), 1);
  start = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "revisions.jump-base", NULL));
  strata_test_gui_wait_frames (GTK_WIDGET (page), 1);
  g_print ("  jump to base out of a search: %u shown, drawn in %.2f ms\n",
           g_list_model_get_n_items (strata_revisions_page_get_shown (page)),
           (g_get_monotonic_time () - start) / 1000.0);

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  StrataApplication *app;
  const char *sizes = g_getenv ("STRATA_BENCH_REVISIONS");
  g_auto(GStrv) counts = g_strsplit (sizes != NULL ? sizes : "3000", ",", -1);

  strata_test_gui_init (&argc, &argv);

  if (!(app = strata_test_gui_get_application ()))
    {
      g_print ("no X server: nothing measured\n");
      return 77;
    }

  for (guint i = 0; counts[i] != NULL; i++)
    bench_search (app, (guint)g_ascii_strtoull (counts[i], NULL, 10));

  strata_test_gui_shutdown ();

  return 0;
}
