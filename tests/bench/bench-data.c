/* bench-data.c: the data browser paging through a table of 1,000,000 rows
 * (STRATA_BENCH_ROWS) under a real X server, on SQLite and (with
 * STRATA_TEST_PG_URL) on PostgreSQL: the longest gap between two frames
 * while the window draws continuously, the longest main-loop stall, the
 * time to the last row, and the memory at each quarter. Prints the
 * figures; asserts nothing about speed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-data"

#include "config.h"

#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata.h"
#include "strata-data-browser.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

typedef struct
{
  gint64 last_tick;
  gint64 max_stall;
  gint64 last_paint;
  gint64 max_frame_gap;
  guint64 frames;
  guint  tick_id;
  GArray *frame_gaps;  /* gint64, µs */
} Gaps;

static gboolean
gaps_tick (gpointer data)
{
  Gaps *gaps = data;
  gint64 now = g_get_monotonic_time ();

  gaps->max_stall = MAX (gaps->max_stall, now - gaps->last_tick);
  gaps->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Gaps          *gaps)
{
  gint64 now = g_get_monotonic_time ();

  if (gaps->last_paint != 0)
    {
      gint64 gap = now - gaps->last_paint;

      gaps->max_frame_gap = MAX (gaps->max_frame_gap, gap);
      g_array_append_val (gaps->frame_gaps, gap);
    }
  gaps->last_paint = now;
  gaps->frames++;
}

static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = *(const gint64 *)a;
  gint64 y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

/* The gap @fraction of the frames came within, in ms */
static double
frame_gap_percentile (GArray *gaps,
                      double  fraction)
{
  if (gaps->len == 0)
    return 0;

  return g_array_index (gaps, gint64, MIN (gaps->len - 1, (guint)(gaps->len * fraction))) / 1000.0;
}

static guint
count_over (GArray *gaps,
            gint64  limit)
{
  guint n = 0;

  for (guint i = 0; i < gaps->len; i++)
    if (g_array_index (gaps, gint64, i) > limit)
      n++;

  return n;
}

static double
rss_mb (void)
{
  g_autofree char *statm = NULL;
  unsigned long size = 0;
  unsigned long resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL) ||
      sscanf (statm, "%lu %lu", &size, &resident) != 2)
    return 0;

  return resident * (double)sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static gboolean
browser_settled (gpointer data)
{
  StrataDataModel *model = strata_data_browser_get_model (data);

  return model != NULL && strata_data_model_get_first_page (model) != NULL && !strata_data_model_get_loading (model);
}

static void
fill (const char *url,
      guint       n_rows)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) driver = strata_driver_open (url, NULL, NULL, &error);
  g_autofree char *sql = NULL;
  gint64 begin = g_get_monotonic_time ();

  g_assert_no_error (error);
  sql = g_strdup_printf ("DROP TABLE IF EXISTS big;"
                         "CREATE TABLE big (id bigint PRIMARY KEY, name text NOT NULL, price real, note text);"
                         "INSERT INTO big (id, name, price, note) "
                         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %u) "
                         "SELECT x, 'customer ' || x, x * 1.5, "
                         "CASE WHEN x %% 7 = 0 THEN NULL ELSE 'note ' || (x %% 100) END FROM c",
                         n_rows);
  g_assert_true (strata_driver_execute (driver, sql, NULL, &error));
  g_assert_no_error (error);
  if (strata_driver_get_dialect (driver) == STRATA_DIALECT_POSTGRESQL)
    g_assert_true (strata_driver_execute (driver, "ANALYZE big", NULL, &error));
  g_print ("  %u rows written in %.1f s\n", n_rows, (g_get_monotonic_time () - begin) / 1e6);
}

static void
bench_table (const char *engine,
             const char *dir,
             guint       n_rows)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  StrataDataBrowser *browser;
  StrataProjectView *view;
  StrataDataModel *model;
  StrataWindow *window;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;
  GdkFrameClock *clock;
  GtkListBox *list;
  Gaps gaps = { 0 };
  g_autoptr(GArray) frame_gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  gulong paint_id;
  double rss_start, rss_max = 0;
  guint next_report = n_rows / 4;
  guint max_loaded = 0;
  gint64 begin;

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  view = strata_window_get_project_view (window);
  browser = STRATA_DATA_BROWSER (adw_view_stack_get_child_by_name (strata_project_view_get_stack (view), "data"));
  list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "data");

  begin = g_get_monotonic_time ();
  strata_test_gui_iterate_until (browser_settled, browser, "the first page is read");
  g_print ("  first page shown after %.0f ms\n", (g_get_monotonic_time () - begin) / 1000.0);
  strata_test_gui_wait_frames (GTK_WIDGET (window), 3);

  model = strata_data_browser_get_model (browser);
  scroller = strata_test_gui_get_child (browser, STRATA_TYPE_DATA_BROWSER, "scroller");
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  rss_start = rss_mb ();

  /* The window draws every frame, as while a person drags the scrollbar:
   * a frame that comes late is a frame the person sees late */
  gaps.frame_gaps = frame_gaps;
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &gaps);
  gdk_frame_clock_begin_updating (clock);
  gaps.last_tick = g_get_monotonic_time ();
  gaps.tick_id = g_timeout_add_full (G_PRIORITY_HIGH, 5, gaps_tick, &gaps, NULL);
  begin = g_get_monotonic_time ();

  while (!strata_data_model_get_at_end (model) || strata_data_model_get_loading (model))
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

      /* To the bottom: the view asks for the last rows, the model reads on */
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      g_main_context_iteration (NULL, TRUE);
      max_loaded = MAX (max_loaded, strata_data_model_get_n_loaded_pages (model));

      if (n >= next_report)
        {
          double rss = rss_mb ();

          rss_max = MAX (rss_max, rss);
          g_print ("  %7u rows: %.1f s, RSS %.1f MB, %u pages held\n", n,
                   (g_get_monotonic_time () - begin) / 1e6, rss, strata_data_model_get_n_loaded_pages (model));
          next_report += n_rows / 4;
        }
    }

  gaps_tick (&gaps);
  g_clear_handle_id (&gaps.tick_id, g_source_remove);
  gdk_frame_clock_end_updating (clock);
  g_signal_handler_disconnect (clock, paint_id);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n_rows);
  g_print ("%s: %u rows paged through in %.1f s, %" G_GUINT64_FORMAT " frames\n", engine, n_rows,
           (g_get_monotonic_time () - begin) / 1e6, gaps.frames);
  g_array_sort (frame_gaps, compare_gaps);
  g_print ("%s: worst frame gap %.1f ms, worst main-loop stall %.1f ms (target ≤ 100 ms); "
           "frame gaps: median %.1f ms, 99th percentile %.1f ms, %u over 100 ms\n", engine,
           gaps.max_frame_gap / 1000.0, gaps.max_stall / 1000.0,
           frame_gap_percentile (frame_gaps, 0.5), frame_gap_percentile (frame_gaps, 0.99),
           count_over (frame_gaps, 100000));
  g_print ("%s: RSS %.1f MB at the first page, at most %.1f MB after it (%+.1f MB); at most %u pages held\n",
           engine, rss_start, rss_max, rss_max - rss_start, max_loaded);

  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

static char *
make_project (const char *url)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autofree char *ini_path = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *ini = g_strdup_printf ("[strata]\nmigrations=migrations\n\n[profile Big]\nurl=%s\n", url);

  g_assert_cmpint (g_mkdir (migrations, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini_path, ini, -1, NULL));

  return g_steal_pointer (&dir);
}

int
main (int   argc,
      char *argv[])
{
  const char *rows_env = g_getenv ("STRATA_BENCH_ROWS");
  guint n_rows = rows_env != NULL ? (guint)g_ascii_strtoull (rows_env, NULL, 10) : 1000000;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *url = NULL;

  strata_test_gui_init (&argc, &argv);

  if (strata_test_gui_get_application () == NULL)
    {
      g_print ("no X server: nothing measured\n");
      return 77;
    }

  {
    g_autofree char *load = NULL;

    /* A busy machine stalls the main loop whatever the app does */
    g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
    g_print ("bench-data: %u cores online, load %s", (guint)sysconf (_SC_NPROCESSORS_ONLN), load != NULL ? load : "?\n");
  }

  dir = make_project ("sqlite:///big.db");
  db = g_build_filename (dir, "big.db", NULL);
  url = g_strdup_printf ("sqlite:///%s", db);
  g_print ("sqlite:\n");
  fill (url, n_rows);
  bench_table ("sqlite", dir, n_rows);
  strata_test_rm_rf (dir);
  g_clear_pointer (&dir, g_free);

  if (g_getenv ("STRATA_TEST_PG_URL") != NULL)
    {
      g_autofree char *pg_url = strata_test_pg_create_database ();
      g_autofree char *profile_url = strata_test_pg_passfile_url (pg_url);

      g_print ("postgresql:\n");
      fill (pg_url, n_rows);
      dir = make_project (profile_url);
      bench_table ("postgresql", dir, n_rows);
      strata_test_rm_rf (dir);
      strata_test_pg_drop_database (pg_url);
    }
  else
    g_print ("postgresql: no server (STRATA_TEST_PG_URL): not measured\n");

  strata_test_gui_shutdown ();

  return 0;
}
