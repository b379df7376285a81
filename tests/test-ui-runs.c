/* test-ui-runs.c: runs beyond one database and one window: a reviewed plan
 * applied to a fleet of databases (core and dialog), run safety (the plan's
 * risks counted and marked, logout inhibited and closing asked while a run
 * goes on), and what the window remembers; on SQLite and PostgreSQL, with
 * screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-runs"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata.h"
#include "strata-fleet-dialog.h"
#include "strata-plan-page.h"
#include "strata-plan-summary.h"
#include "strata-project-view.h"
#include "strata-run-guard.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define R1 "aaaa00000001"
#define R3 "aaaa00000003"
#define R4 "aaaa00000004"

/* Three quick revisions (a destructive step; a non-transactional one that
 * takes a strong lock and depends on the data), and a slow fourth */
static const char * const revisions[] = {
  "aaaa00000001_items.json",
  "{\"revision\": \"aaaa00000001\", \"down_revision\": null, \"message\": \"create items\", \"upgrade\": ["
  "{\"op\": \"create_table\", \"table\": \"item\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\", "
  "\"primary_key\": true, \"autoincrement\": true}, {\"name\": \"name\", \"type\": \"text\"}, "
  "{\"name\": \"code\", \"type\": \"text\"}]}]}",
  "aaaa00000002_drop.json",
  "{\"revision\": \"aaaa00000002\", \"down_revision\": \"aaaa00000001\", \"message\": \"drop the name\", "
  "\"upgrade\": [{\"op\": \"drop_column\", \"table\": \"item\", \"column\": \"name\"}]}",
  "aaaa00000003_index.json",
  "{\"revision\": \"aaaa00000003\", \"down_revision\": \"aaaa00000002\", \"message\": \"index the codes\", "
  "\"transactional\": false, \"upgrade\": [{\"op\": \"create_index\", \"table\": \"item\", \"name\": \"ix_item_code\", "
  "\"columns\": [\"code\"], \"unique\": true}]}",
  "aaaa00000004_slow.json",
  "{\"revision\": \"aaaa00000004\", \"down_revision\": \"aaaa00000003\", \"message\": \"a slow step\", "
  "\"upgrade\": [{\"op\": \"sql\", \"sqlite\": \"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
  "WHERE x < 400000000) SELECT count(*) FROM c\", \"postgresql\": \"SELECT pg_sleep(60)\"}], "
  "\"downgrade\": []}",
};

/* A project whose profiles are @urls, named A, B, C, …; with the slow
 * revision when @slow */
static char *
make_project (const char * const *urls,
              gboolean            slow)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autofree char *ini_path = g_build_filename (dir, "strata.ini", NULL);
  g_autoptr(GString) ini = g_string_new ("[strata]\nmigrations=migrations\n");

  g_assert_cmpint (g_mkdir (migrations, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (revisions); i += 2)
    {
      g_autofree char *path = g_build_filename (migrations, revisions[i], NULL);

      if (!slow && i == 6)
        break;
      g_assert_true (g_file_set_contents (path, revisions[i + 1], -1, NULL));
    }
  /* D is a production database: the fleet dialog asks before it runs */
  for (guint i = 0; urls[i] != NULL; i++)
    g_string_append_printf (ini, "\n[profile %c]\nurl=%s\n%s", 'A' + i, urls[i],
                            'A' + i == 'D' ? "role=production\n" : "");
  g_assert_true (g_file_set_contents (ini_path, ini->str, -1, NULL));

  return g_steal_pointer (&dir);
}

static StrataSession *
open_session (const char *dir,
              const char *profile_name)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  project = strata_project_open (directory, &error);
  g_assert_no_error (error);
  profile = strata_profile_load_project_profile (project, profile_name, &error);
  g_assert_no_error (error);

  return strata_session_new (project, profile);
}

static char *
read_heads (const char *dir,
            const char *profile_name)
{
  g_autoptr(StrataSession) session = open_session (dir, profile_name);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = strata_session_read_heads (session, NULL, &error);

  g_assert_no_error (error);
  return g_strjoinv (",", heads);
}

/* Brings profile @name to @target */
static void
upgrade (const char *dir,
         const char *name,
         const char *target)
{
  g_autoptr(StrataSession) session = open_session (dir, name);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = strata_session_read_heads (session, NULL, &error);
  g_autoptr(StrataPlan) plan = NULL;

  g_assert_no_error (error);
  plan = strata_session_plan (session, STRATA_DIRECTION_UP, (const char * const *)heads, target, &error);
  g_assert_no_error (error);
  g_assert_true (strata_session_apply (session, plan, NULL, &error));
  g_assert_no_error (error);
}

static StrataPlan *
plan_from_base (StrataSession *session)
{
  g_autoptr(GError) error = NULL;
  StrataPlan *plan = strata_session_plan (session, STRATA_DIRECTION_UP, (const char * const[]) { NULL }, "head",
                                          &error);

  g_assert_no_error (error);
  return plan;
}

static gboolean
heads_read (gpointer data)
{
  return strata_project_view_get_current_heads (data) != NULL && !strata_project_view_get_busy (data);
}

static StrataFleetStatus
member_status (StrataFleet *fleet,
               guint        i)
{
  g_autoptr(StrataFleetMember) member = g_list_model_get_item (strata_fleet_get_members (fleet), i);

  g_test_message ("%s: %s", strata_profile_get_name (strata_fleet_member_get_profile (member)),
                  strata_fleet_member_get_message (member));
  return strata_fleet_member_get_status (member);
}

/* A window on the project in @dir, with its profile @row selected and the
 * plan to the head on show */
static StrataWindow *
open_window (const char *dir,
             int         row)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  StrataWindow *window = strata_window_new (strata_test_gui_get_application ());
  StrataProjectView *view = strata_window_get_project_view (window);
  GtkListBox *list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, row));
  strata_test_gui_iterate_until (heads_read, view, "the database is read");
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "plan");
  strata_plan_page_set_target (strata_project_view_get_plan_page (view), STRATA_PLAN_TARGET_HEAD);
  strata_test_gui_iterate_pending ();

  return window;
}

/* Fleets {{{ */

static gboolean
fleet_dialog_done (gpointer data)
{
  return !strata_fleet_dialog_get_running (data) && strata_fleet_dialog_get_summary (data) != NULL;
}

/* @urls: five databases, A, B and E at base, C at the head, D at R1 */
static void
check_fleet (const char * const *urls,
             const char         *png)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autofree char *dir = make_project (urls, FALSE);
  g_autoptr(StrataSession) session = open_session (dir, "A");
  g_autoptr(StrataPlan) plan = plan_from_base (session);
  g_autoptr(StrataFleet) fleet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *heads = NULL;
  StrataFleetDialog *dialog;
  StrataWindow *window;

  upgrade (dir, "C", "head");
  upgrade (dir, "D", R1);

  /* Stop on the first failure: D is not where the plan starts, C is not run */
  fleet = strata_fleet_new (session, plan);
  for (guint i = 0; i < 4; i++)
    {
      static const char * const names[] = { "A", "B", "D", "C" };
      g_autoptr(StrataProfile) profile = strata_profile_load_project_profile (strata_session_get_project (session),
                                                                              names[i], &error);

      g_assert_no_error (error);
      strata_fleet_add_profile (fleet, profile);
    }
  g_assert_false (strata_fleet_apply (fleet, STRATA_FLEET_STOP_ON_FAILURE, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "1 of 4 databases failed, first “D”"));
  g_clear_error (&error);
  g_assert_cmpint (member_status (fleet, 0), ==, STRATA_FLEET_STATUS_APPLIED);
  g_assert_cmpint (member_status (fleet, 1), ==, STRATA_FLEET_STATUS_APPLIED);
  g_assert_cmpint (member_status (fleet, 2), ==, STRATA_FLEET_STATUS_FAILED);
  g_assert_cmpint (member_status (fleet, 3), ==, STRATA_FLEET_STATUS_SKIPPED);
  summary = strata_fleet_dup_summary (fleet);
  g_assert_cmpstr (summary, ==, "2 applied, 0 up to date, 1 failed, 1 not run");
  heads = read_heads (dir, "B");
  g_assert_cmpstr (heads, ==, R3);
  g_clear_pointer (&heads, g_free);
  /* D was left where it was */
  heads = read_heads (dir, "D");
  g_assert_cmpstr (heads, ==, R1);
  g_clear_pointer (&heads, g_free);

  if (app == NULL)
    {
      strata_test_rm_rf (dir);
      return;
    }

  /* The dialog, with the plan from D's revision, going on after a failure:
   * A (and C) are up to date now, D is applied, E (at base) fails; B is
   * left out */
  {
    g_autoptr(GFile) directory = g_file_new_for_path (dir);
    StrataProjectView *view;
    StrataPlanPage *page;

    /* D, at R1: the plan from there to the head */
    window = open_window (dir, 3);
    view = strata_window_get_project_view (window);
    page = strata_project_view_get_plan_page (view);
    g_assert_nonnull (strata_plan_page_get_plan (page));
    g_assert_cmpuint (strata_plan_get_n_steps (strata_plan_page_get_plan (page)), ==, 2);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.apply-fleet", NULL));
  dialog = STRATA_FLEET_DIALOG (strata_test_gui_wait_toplevel (STRATA_TYPE_FLEET_DIALOG, "the fleet dialog shows"));
  strata_fleet_dialog_set_continue (dialog, TRUE);
  strata_fleet_dialog_set_chosen (dialog, "B", FALSE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "fleet.apply", NULL));
  {
    AdwMessageDialog *confirm = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG,
                                                                                 "the production guard asks"));
    GtkWidget *entry = adw_message_dialog_get_extra_child (confirm);

    g_test_message ("guard: %s", adw_message_dialog_get_body (confirm));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), "“D”"));
    g_assert_false (strata_fleet_dialog_get_running (dialog));
    g_assert_cmpstr (adw_message_dialog_get_default_response (confirm), ==, "cancel");
    g_assert_false (adw_message_dialog_get_response_enabled (confirm, "apply"));
    gtk_editable_set_text (GTK_EDITABLE (entry), "A");
    g_assert_false (adw_message_dialog_get_response_enabled (confirm, "apply"));
    gtk_editable_set_text (GTK_EDITABLE (entry), "D");
    g_assert_true (adw_message_dialog_get_response_enabled (confirm, "apply"));
    g_free (strata_test_gui_save_png (GTK_WIDGET (confirm), "test-ui-fleet-production.png"));
    adw_message_dialog_response (confirm, "apply");
    gtk_window_destroy (GTK_WINDOW (confirm));
  }
  strata_test_gui_iterate_until (fleet_dialog_done, dialog, "the fleet has run");
  g_set_object (&fleet, strata_fleet_dialog_get_fleet (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (strata_fleet_get_members (fleet)), ==, 4);
  g_assert_cmpint (member_status (fleet, 0), ==, STRATA_FLEET_STATUS_UP_TO_DATE);
  g_assert_cmpint (member_status (fleet, 1), ==, STRATA_FLEET_STATUS_UP_TO_DATE);
  g_assert_cmpint (member_status (fleet, 2), ==, STRATA_FLEET_STATUS_APPLIED);
  g_assert_cmpint (member_status (fleet, 3), ==, STRATA_FLEET_STATUS_FAILED);
  g_assert_cmpstr (strata_fleet_dialog_get_summary (dialog), ==, "1 applied, 2 up to date, 1 failed, 0 not run");
  g_clear_pointer (&heads, g_free);
  heads = read_heads (dir, "D");
  g_assert_cmpstr (heads, ==, R3);
  g_free (strata_test_gui_save_png (GTK_WIDGET (dialog), png));

  strata_test_gui_destroy_window (GTK_WINDOW (dialog));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (dir);
}

static void
test_fleet_sqlite (void)
{
  const char * const urls[] = { "sqlite:///a.db", "sqlite:///b.db", "sqlite:///c.db", "sqlite:///d.db",
                                "sqlite:///e.db", NULL };

  check_fleet (urls, "test-ui-fleet-sqlite.png");
}

static void
test_fleet_postgresql (void)
{
  char *db_urls[5] = { NULL, };
  char *urls[6] = { NULL, };

  for (guint i = 0; i < 5; i++)
    {
      if (!(db_urls[i] = strata_test_pg_create_database ()))
        return;
      urls[i] = strata_test_pg_passfile_url (db_urls[i]);
    }

  check_fleet ((const char * const *)urls, "test-ui-fleet-postgresql.png");

  for (guint i = 0; i < 5; i++)
    {
      strata_test_pg_drop_database (db_urls[i]);
      g_free (db_urls[i]);
      g_free (urls[i]);
    }
}

/* }}} */

/* Run safety {{{ */

static gboolean
plan_reviewed (gpointer data)
{
  return !strata_plan_page_get_reviewing (data);
}

static gboolean
summary_done (gpointer data)
{
  return gtk_widget_get_visible (data) && !strata_plan_summary_get_reviewing (data);
}

static gboolean
plan_running (gpointer data)
{
  return strata_plan_page_get_running (data);
}

static gboolean
no_main_window (gpointer data)
{
  return strata_test_gui_find_toplevel (STRATA_TYPE_WINDOW) == NULL;
}

static gboolean
guard_asks (gpointer data)
{
  return strata_run_guard_get_dialog (data) != NULL && gtk_widget_get_mapped (GTK_WIDGET (strata_run_guard_get_dialog (data)));
}

/* Whether profile A is at R3, looked at every 100 ms */
static gboolean
at_r3 (gpointer data)
{
  static gint64 last;
  g_autofree char *heads = NULL;

  if (g_get_monotonic_time () - last < 100000)
    return FALSE;
  last = g_get_monotonic_time ();
  heads = read_heads (data, "A");

  return g_str_equal (heads, R3);
}

static StrataPlanSummary *
find_summary (GtkWidget *widget)
{
  if (STRATA_IS_PLAN_SUMMARY (widget))
    return STRATA_PLAN_SUMMARY (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      StrataPlanSummary *found = find_summary (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
check_safety (const char *url,
              const char *engine)
{
  StrataApplication *app = strata_test_gui_get_application ();
  const char * const urls[] = { url, NULL };
  g_autofree char *dir = make_project (urls, TRUE);
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *png = NULL;
  g_autofree char *heads = NULL;
  StrataPlanSummary *summary;
  StrataProjectView *view;
  StrataPlanPage *page;
  AdwMessageDialog *dialog;
  StrataWindow *window;

  if (app == NULL)
    return;

  /* The plan's risks, counted from the session's review, above the steps */
  window = open_window (dir, 0);
  view = strata_window_get_project_view (window);
  page = strata_project_view_get_plan_page (view);
  strata_test_gui_iterate_until (plan_reviewed, page, "the plan is reviewed");
  summary = find_summary (GTK_WIDGET (page));
  g_assert_nonnull (summary);
  strata_test_gui_iterate_until (summary_done, summary, "the risks are counted");
  g_assert_cmpuint (strata_plan_summary_get_count (summary, STRATA_PLAN_RISK_DESTRUCTIVE), ==, 1);
  /* A unique index blocks writes while it builds on PostgreSQL; SQLite
   * locks the whole file for every write anyway */
  g_assert_cmpuint (strata_plan_summary_get_count (summary, STRATA_PLAN_RISK_LOCKING), ==,
                    g_str_equal (engine, "postgresql") ? 1 : 0);
  g_assert_cmpuint (strata_plan_summary_get_count (summary, STRATA_PLAN_RISK_NON_TRANSACTIONAL), ==, 1);
  g_assert_cmpuint (strata_plan_summary_get_count (summary, STRATA_PLAN_RISK_DATA_DEPENDENT), >=, 1);
  png = g_strdup_printf ("test-ui-plan-summary-%s.png", engine);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), png));
  g_clear_pointer (&png, g_free);

  /* A run: logout inhibited, closing asked */
  g_assert_false (strata_run_guard_get_running (GTK_WINDOW (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "plan.apply", NULL));
  dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the confirmation shows"));
  adw_message_dialog_response (dialog, "apply");
  strata_test_gui_iterate_until (plan_running, page, "the run starts");
  g_assert_true (strata_run_guard_get_running (GTK_WINDOW (window)));
  g_assert_true (strata_run_guard_get_inhibiting (GTK_WINDOW (window)));
  /* On the slow step: the quick ones are done */
  strata_test_gui_iterate_until (at_r3, dir, "the quick steps are applied");

  gtk_window_close (GTK_WINDOW (window));
  strata_test_gui_iterate_until (guard_asks, window, "closing asks first");
  dialog = ADW_MESSAGE_DIALOG (strata_run_guard_get_dialog (GTK_WINDOW (window)));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "keep");
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "stop"), ==, ADW_RESPONSE_DESTRUCTIVE);
  png = g_strdup_printf ("test-ui-close-running-%s.png", engine);
  g_free (strata_test_gui_save_png (GTK_WIDGET (dialog), png));

  /* Kept running: the window stays */
  adw_message_dialog_response (dialog, "keep");
  strata_test_gui_iterate_pending ();
  g_assert_true (strata_plan_page_get_running (page));
  g_assert_nonnull (strata_test_gui_find_toplevel (STRATA_TYPE_WINDOW));

  /* Cancelled and closed: the run stops, then the window goes */
  gtk_window_close (GTK_WINDOW (window));
  strata_test_gui_iterate_until (guard_asks, window, "closing asks again");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (strata_run_guard_get_dialog (GTK_WINDOW (window))), "stop");
  strata_test_gui_iterate_until (no_main_window, NULL, "the window closes once the run has stopped");

  /* The quick steps stay applied, the slow one is not */
  heads = read_heads (dir, "A");
  g_assert_cmpstr (heads, ==, R3);

  strata_test_rm_rf (dir);
}

static void
test_safety_sqlite (void)
{
  check_safety ("sqlite:///safe.db", "sqlite");
}

static void
test_safety_postgresql (void)
{
  g_autofree char *db_url = strata_test_pg_create_database ();
  g_autofree char *url = NULL;

  if (db_url == NULL)
    return;

  url = strata_test_pg_passfile_url (db_url);
  check_safety (url, "postgresql");
  strata_test_pg_drop_database (db_url);
}

/* }}} */

/* Remembering {{{ */

static gboolean
profile_selected (gpointer data)
{
  return strata_project_view_get_profile (strata_window_get_project_view (data)) != NULL;
}

static void
test_remember (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  const char * const urls[] = { "sqlite:///one.db", "sqlite:///two.db", NULL };
  g_autofree char *dir = make_project (urls, FALSE);
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last_project = NULL;
  g_autofree char *last_profile = NULL;
  StrataProjectView *view;
  StrataWindow *window;
  GtkListBox *list;
  GtkPaned *paned;

  if (app == NULL)
    return;

  strata_test_gui_reset_settings ();
  settings = g_settings_new (APP_ID);

  /* Nothing to restore: the window starts empty */
  window = strata_window_new (app);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_false (strata_window_restore_last (window));
  g_assert_null (strata_project_view_get_project (strata_window_get_project_view (window)));

  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 1));
  view = strata_window_get_project_view (window);
  g_assert_cmpstr (strata_profile_get_name (strata_project_view_get_profile (view)), ==, "B");
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 620);
  paned = strata_revisions_page_get_paned (strata_project_view_get_revisions_page (view));
  gtk_paned_set_position (paned, 222);

  /* Closed: saved */
  gtk_window_close (GTK_WINDOW (window));
  strata_test_gui_iterate_until (no_main_window, NULL, "the window closes");
  last_project = g_settings_get_string (settings, "last-project");
  last_profile = g_settings_get_string (settings, "last-profile");
  g_assert_cmpstr (last_project, ==, dir);
  g_assert_cmpstr (last_profile, !=, "");
  g_assert_cmpint (g_settings_get_int (settings, "revisions-pane-position"), ==, 222);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 900);

  /* A new window: the same project, profile, size and pane */
  window = strata_window_new (app);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_restore_last (window));
  strata_test_gui_iterate_until (profile_selected, window, "the last profile is selected");
  view = strata_window_get_project_view (window);
  g_assert_cmpstr (g_file_peek_path (strata_project_get_directory (strata_project_view_get_project (view))), ==, dir);
  g_assert_cmpstr (strata_profile_get_name (strata_project_view_get_profile (view)), ==, "B");
  paned = strata_revisions_page_get_paned (strata_project_view_get_revisions_page (view));
  g_assert_cmpint (gtk_paned_get_position (paned), ==, 222);
  {
    int width = 0;
    int height = 0;

    gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
    g_assert_cmpint (width, ==, 900);
  }
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-remembered.png"));
  strata_test_gui_destroy_window (GTK_WINDOW (window));

  /* A project gone since: the window starts empty, saying nothing */
  strata_test_rm_rf (dir);
  window = strata_window_new (app);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_false (strata_window_restore_last (window));
  g_assert_null (strata_project_view_get_project (strata_window_get_project_view (window)));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_gui_reset_settings ();
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/runs/fleet-sqlite", test_fleet_sqlite);
  g_test_add_func ("/strata/ui/runs/fleet-postgresql", test_fleet_postgresql);
  g_test_add_func ("/strata/ui/runs/safety-sqlite", test_safety_sqlite);
  g_test_add_func ("/strata/ui/runs/safety-postgresql", test_safety_postgresql);
  g_test_add_func ("/strata/ui/runs/remember", test_remember);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
