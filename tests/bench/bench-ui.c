/* bench-ui.c: the app's window with long plans, under a real X server:
 * how soon the first rows of a plan show, the longest the main loop stalls
 * while a plan is reviewed, scrolled and applied, the memory a plan adds,
 * how soon Done shows after a run, and the CPU the app uses when idle;
 * with a tick callback on the window, the worst gap between two frames
 * (STRATA_BENCH_STEPS=60,3000 the plan sizes, STRATA_BENCH_APPLY=0 no run).
 * Prints the figures; asserts nothing about speed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bench-ui"

#include "config.h"

#include <sys/resource.h>
#include <unistd.h>

#include <adwaita.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

/* The longest time the main loop did not answer: a timer that should fire
 * every 5 ms notes how late it is */
typedef struct
{
  gint64 last;
  gint64 max_gap;
  guint  id;
} Stall;

static gboolean
stall_tick (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  stall->max_gap = MAX (stall->max_gap, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static void
stall_start (Stall *stall)
{
  stall->last = g_get_monotonic_time ();
  stall->max_gap = 0;
  stall->id = g_timeout_add_full (G_PRIORITY_HIGH, 5, stall_tick, stall, NULL);
}

static double
stall_stop (Stall *stall)
{
  stall_tick (stall);
  g_clear_handle_id (&stall->id, g_source_remove);
  return stall->max_gap / 1000.0;
}

/* The longest time between two frames while the window is asked for one
 * every frame (as an animation would): how long the window froze */
typedef struct
{
  GtkWidget *widget;
  gint64     last;
  gint64     max_gap;
  guint      n_frames;
  guint      id;
} FrameGaps;

static gboolean
frame_gaps_tick (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  FrameGaps *gaps = data;
  gint64 now = g_get_monotonic_time ();

  gaps->max_gap = MAX (gaps->max_gap, now - gaps->last);
  gaps->last = now;
  gaps->n_frames++;
  return G_SOURCE_CONTINUE;
}

static void
frame_gaps_start (FrameGaps *gaps,
                  GtkWidget *widget)
{
  gaps->widget = widget;
  /* A frame is wanted from now: a freeze before the first one counts */
  gaps->last = g_get_monotonic_time ();
  gaps->max_gap = 0;
  gaps->n_frames = 0;
  gaps->id = gtk_widget_add_tick_callback (widget, frame_gaps_tick, gaps, NULL);
}

static double
frame_gaps_stop (FrameGaps *gaps)
{
  gtk_widget_remove_tick_callback (gaps->widget, gaps->id);
  gaps->id = 0;
  return gaps->max_gap / 1000.0;
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

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop as the app does, sleeping until something is due:
 * the measure itself polls nothing */
static void
sleep_in_main_loop (guint msec)
{
  gboolean over = FALSE;

  g_timeout_add (msec, set_true, &over);
  while (!over)
    g_main_context_iteration (NULL, TRUE);
}

/* CPU used and frames drawn while nothing happens */
static double
measure_idle (GtkWidget  *window,
              const char *what)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gint64 frames;
  double cpu;

  /* Let what is pending settle first */
  sleep_in_main_loop (1000);
  frames = gdk_frame_clock_get_frame_counter (clock);
  cpu = cpu_seconds ();
  sleep_in_main_loop (3000);
  cpu = cpu_seconds () - cpu;
  frames = gdk_frame_clock_get_frame_counter (clock) - frames;

  g_print ("idle, %s: %.1f%% of a core, %" G_GINT64_FORMAT " frames in 3 s\n", what, cpu / 3.0 * 100.0, frames);

  return cpu / 3.0 * 100.0;
}

typedef struct
{
  StrataPlanPage *page;
  GtkWidget      *view;
  guint           n_steps;
} PlanWait;

/* The plan's rows are on screen: its steps in the model, rows laid out */
static gboolean
rows_shown (gpointer data)
{
  PlanWait *wait = data;
  StrataPlan *plan = strata_plan_page_get_plan (wait->page);
  GtkWidget *first = gtk_widget_get_first_child (wait->view);

  return plan != NULL && strata_plan_get_n_steps (plan) == wait->n_steps &&
         g_list_model_get_n_items (strata_plan_page_get_steps (wait->page)) == wait->n_steps &&
         first != NULL && gtk_widget_get_mapped (first) && gtk_widget_get_height (first) > 0;
}

static gboolean
plan_finished (gpointer data)
{
  PlanWait *wait = data;

  return !strata_plan_page_get_running (wait->page) &&
         gtk_widget_get_visible (strata_test_gui_get_child (wait->page, STRATA_TYPE_PLAN_PAGE, "done_button"));
}

typedef struct
{
  gint64 last_step;   /* the last step's end reached the window */
  gint64 done_shown;  /* Done became visible */
  gint64 done_drawn;  /* …and was drawn */
  GdkFrameClock *clock;
} DoneTiming;

static void
progress_cb (GtkProgressBar *bar,
             GParamSpec     *pspec,
             DoneTiming     *timing)
{
  if (gtk_progress_bar_get_fraction (bar) >= 1.0 && timing->last_step == 0)
    timing->last_step = g_get_monotonic_time ();
}

static void
done_visible_cb (GtkWidget  *button,
                 GParamSpec *pspec,
                 DoneTiming *timing)
{
  if (gtk_widget_get_visible (button) && timing->done_shown == 0)
    timing->done_shown = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                DoneTiming    *timing)
{
  if (timing->done_shown != 0 && timing->done_drawn == 0)
    timing->done_drawn = g_get_monotonic_time ();
}

static void
bench_plan (StrataApplication *app,
            guint              n_steps)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autofree char *dir = strata_test_create_chain_project (n_steps);
  g_autofree char *db_path = g_build_filename (dir, "bench.db", NULL);
  g_autofree char *name = g_strdup_printf ("bench %u", n_steps);
  StrataStore *store = strata_application_get_store (app);
  StrataProjectView *view;
  StrataPlanPage *page;
  StrataWindow *window;
  GtkAdjustment *adjustment;
  GtkWidget *progress;
  GtkWidget *done;
  PlanWait wait;
  DoneTiming timing = { 0, };
  Stall stall;
  FrameGaps gaps;
  double gap_review;
  double gap_scroll;
  double rss_added;
  double idle_cpu;
  guint n_rows;
  gint64 begin;
  double rss_before;
  double first_rows;
  double reviewed;
  double stall_review;
  double stall_scroll;
  double stall_apply;
  gulong paint_id;

  g_print ("\n%u steps\n", n_steps);

  profile = strata_profile_new (name);
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (store, profile, &error));
  g_assert_no_error (error);

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  strata_test_gui_show_window (GTK_WINDOW (window));
  directory = g_file_new_for_path (dir);
  begin = g_get_monotonic_time ();
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  view = strata_window_get_project_view (window);
  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  g_print ("project opened and database read: %.0f ms\n", (g_get_monotonic_time () - begin) / 1000.0);
  measure_idle (GTK_WIDGET (window), "status page");

  /* What computing the plan itself costs */
  {
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(StrataPlan) plan = strata_graph_plan_upgrade (strata_project_view_get_graph (view),
                                                            strata_project_view_get_current_heads (view),
                                                            "head", &error);

    g_assert_no_error (error);
    g_print ("the plan computed (main thread): %.0f ms\n", (g_get_monotonic_time () - t0) / 1000.0);
  }

  /* Review: the first rows, then every step linted */
  page = strata_project_view_get_plan_page (view);
  wait.page = page;
  wait.view = strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE, "steps_view");
  wait.n_steps = n_steps;
  rss_before = rss_mb ();
  stall_start (&stall);
  frame_gaps_start (&gaps, GTK_WIDGET (window));
  begin = g_get_monotonic_time ();
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  g_print ("  the Plan page shown: %.0f ms\n", (g_get_monotonic_time () - begin) / 1000.0);
  strata_plan_page_set_target (page, STRATA_PLAN_TARGET_HEAD);
  g_print ("  the target set (plan made, rows queued): %.0f ms\n", (g_get_monotonic_time () - begin) / 1000.0);
  strata_test_gui_iterate_until (rows_shown, &wait, "the first rows show");
  strata_test_gui_wait_frames (GTK_WIDGET (window), 1);
  first_rows = (g_get_monotonic_time () - begin) / 1000.0;
  strata_test_gui_iterate_until (strata_test_gui_plan_reviewed, page, "the plan is reviewed");
  reviewed = (g_get_monotonic_time () - begin) / 1000.0;
  stall_review = stall_stop (&stall);
  gap_review = frame_gaps_stop (&gaps);
  g_print ("first rows shown: %.0f ms\n", first_rows);
  g_print ("every step reviewed: %.0f ms\n", reviewed);
  g_print ("longest main-loop stall while reviewing: %.0f ms\n", stall_review);
  g_print ("worst frame gap while reviewing: %.0f ms (%u frames)\n", gap_review, gaps.n_frames);
  n_rows = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (wait.view); child != NULL; child = gtk_widget_get_next_sibling (child))
    n_rows++;
  g_print ("row widgets in the list view: %u for %u steps\n", n_rows, n_steps);
  rss_added = rss_mb () - rss_before;
  g_print ("memory added by the plan: %.1f MB (RSS %.1f → %.1f MB)\n", rss_added, rss_before, rss_mb ());
  idle_cpu = measure_idle (GTK_WIDGET (window), "plan shown");

  /* Scrolling from top to bottom in 20 jumps, and back */
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (wait.view));
  stall_start (&stall);
  frame_gaps_start (&gaps, GTK_WIDGET (window));
  begin = g_get_monotonic_time ();
  for (guint i = 0; i <= 40; i++)
    {
      double fraction = i <= 20 ? i / 20.0 : (40 - i) / 20.0;

      gtk_adjustment_set_value (adjustment,
                                (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment)) * fraction);
      strata_test_gui_wait_frames (GTK_WIDGET (window), 1);
    }
  stall_scroll = stall_stop (&stall);
  gap_scroll = frame_gaps_stop (&gaps);
  g_print ("scrolling, 40 jumps: %.0f ms; longest stall %.0f ms; worst frame gap %.0f ms\n",
           (g_get_monotonic_time () - begin) / 1000.0, stall_scroll, gap_scroll);
  g_print ("SUMMARY %u steps: first rows %.0f ms, reviewed %.0f ms, worst frame gap %.0f ms reviewing / %.0f ms "
           "scrolling, memory added %.1f MB, idle %.1f%% of a core\n",
           n_steps, first_rows, reviewed, gap_review, gap_scroll, rss_added, idle_cpu);

  /* Applying, then Done (STRATA_BENCH_APPLY=0 leaves it out) */
  if (g_strcmp0 (g_getenv ("STRATA_BENCH_APPLY"), "0") == 0)
    goto no_profile;
  progress = strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE, "progress_bar");
  done = strata_test_gui_get_child (page, STRATA_TYPE_PLAN_PAGE, "done_button");
  g_signal_connect (progress, "notify::fraction", G_CALLBACK (progress_cb), &timing);
  g_signal_connect (done, "notify::visible", G_CALLBACK (done_visible_cb), &timing);
  timing.clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  paint_id = g_signal_connect (timing.clock, "after-paint", G_CALLBACK (after_paint_cb), &timing);
  stall_start (&stall);
  begin = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "plan.apply", NULL));
  strata_test_gui_iterate_until (strata_test_gui_plan_is_not_checking, page, "the files are read again");
  /* A long run on a loaded machine outlasts strata_test_gui_iterate_until()'s
   * bound against hangs: this one is longer */
  {
    gint64 deadline = g_get_monotonic_time () + 1200 * G_USEC_PER_SEC;

    while (!plan_finished (&wait))
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("timed out waiting until the run ends");
        g_main_context_iteration (NULL, TRUE);
      }
  }
  strata_test_gui_wait_frames (GTK_WIDGET (window), 1);
  stall_apply = stall_stop (&stall);
  g_print ("applying: %.0f ms; longest stall %.0f ms\n", (g_get_monotonic_time () - begin) / 1000.0, stall_apply);
  g_print ("Done after the last step: shown %.1f ms, drawn %.1f ms\n",
           (timing.done_shown - timing.last_step) / 1000.0, (timing.done_drawn - timing.last_step) / 1000.0);
  g_signal_handler_disconnect (timing.clock, paint_id);
  g_signal_handlers_disconnect_by_data (progress, &timing);
  g_signal_handlers_disconnect_by_data (done, &timing);
  measure_idle (GTK_WIDGET (window), "after the run, Done shown");

no_profile:
  strata_window_select_profile (window, NULL);
  measure_idle (GTK_WIDGET (window), "no profile selected");

  g_assert_true (strata_store_remove_profile (store, profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  StrataApplication *app;
  const char *sizes = g_getenv ("STRATA_BENCH_STEPS");
  g_auto(GStrv) steps = g_strsplit (sizes != NULL ? sizes : "60,3000", ",", -1);

  strata_test_gui_init (&argc, &argv);

  if (!(app = strata_test_gui_get_application ()))
    {
      g_print ("no X server: nothing measured\n");
      return 77;
    }

  g_print ("bench-ui: %u cores online, load %s", (guint)sysconf (_SC_NPROCESSORS_ONLN), "");
  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      g_print ("%s", load);
    else
      g_print ("\n");
  }

  for (guint i = 0; steps[i] != NULL; i++)
    bench_plan (app, (guint)g_ascii_strtoull (steps[i], NULL, 10));

  strata_test_gui_shutdown ();

  return 0;
}
