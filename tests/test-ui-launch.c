/* test-ui-launch.c: the app's launch: creating, upgrading and refusing its
 * store, each launch a process of its own under a real X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-launch"

#include "config.h"

#include <sys/stat.h>

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "strata.h"
#include "strata-store-private.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define OLD_REVISION    "3f1c9a2e7b40"
#define NEWEST_REVISION "8d2e4b6a1c93"

static char *
store_path (void)
{
  return g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME, "strata.db", NULL);
}

static void
remove_store_folder (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME, NULL);

  strata_test_rm_rf (folder);
}

/* The files beside the store whose names end in .bak */
static guint
count_backups (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME, NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  guint n_backups = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".bak"))
        {
          g_test_message ("backup: %s", name);
          n_backups++;
        }
    }

  return n_backups;
}

/* A store as an older Strata left it: at its first revision */
static void
make_old_store (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;

  remove_store_folder ();
  store = _strata_store_open_full (file, NULL, OLD_REVISION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_CREATED);
  g_clear_object (&store);

  strata_test_execute (path, "INSERT INTO profile (id, name, engine, path) VALUES ('p1', 'Kept', 'sqlite', '/tmp/kept.db')");
  strata_test_assert_query (path, "SELECT version_num FROM strata_version", OLD_REVISION);
}

/* The file's bytes and its modification time, to nanoseconds */
static GBytes *
snapshot_file (const char *path,
               struct stat *st)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_cmpint (stat (path, st), ==, 0);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

/* One launch (in a process of its own under g_test_trap_subprocess) ---- */

static gboolean
window_is_shown (gpointer data)
{
  return strata_test_gui_find_toplevel (STRATA_TYPE_WINDOW) != NULL;
}

static void
launch_once (void)
{
  StrataApplication *app;
  StrataStore *store;
  StrataWindow *window;
  const GError *error;
  g_autoptr(GError) local_error = NULL;

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return;

  app = strata_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);

  /* As a launch does: register (startup opens the store without blocking)
   * and activate; the window comes once the store is open */
  g_application_register (G_APPLICATION (app), NULL, &local_error);
  g_assert_no_error (local_error);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  g_application_activate (G_APPLICATION (app));
  g_assert_null (strata_test_gui_find_toplevel (STRATA_TYPE_WINDOW));
  strata_test_gui_wait_ready (app);
  strata_test_gui_iterate_until (window_is_shown, NULL, "the window shows");
  window = STRATA_WINDOW (strata_test_gui_find_toplevel (STRATA_TYPE_WINDOW));

  store = strata_application_get_store (app);
  error = strata_application_get_store_error (app);

  if (store != NULL)
    {
      GFile *backup = strata_store_get_backup_file (store);
      g_autoptr(GEnumClass) outcomes = g_type_class_ref (STRATA_TYPE_STORE_OUTCOME);

      g_assert_null (error);

      /* As TAP comments: this also runs in the test program itself */
      g_print ("# outcome=%s previous=%s revision=%s backup=%s\n",
               g_enum_get_value (outcomes, strata_store_get_outcome (store))->value_nick,
               strata_store_get_previous_revision (store) != NULL ? strata_store_get_previous_revision (store) : "none",
               strata_store_get_revision (store),
               backup != NULL ? g_file_peek_path (backup) : "none");
      g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));

      if (strata_store_get_problem (store) == NULL)
        g_assert_null (strata_test_gui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
      else
        {
          /* Set aside and replaced: the dialog says what is kept, and where */
          AdwMessageDialog *dialog;
          g_autofree char *body = NULL;

          dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the dialog shows"));
          body = g_strdelimit (g_strdup (adw_message_dialog_get_body (dialog)), "\n", ' ');
          g_print ("# heading=%s\n# body=%s\n# detail=%s\n",
                   adw_message_dialog_get_heading (dialog), body,
                   gtk_label_get_label (GTK_LABEL (adw_message_dialog_get_extra_child (dialog))));
          g_free (strata_test_gui_save_png (GTK_WIDGET (dialog), "test-ui-launch-replaced.png"));
          adw_message_dialog_response (dialog, "close");
          strata_test_gui_iterate_pending ();
        }
    }
  else
    {
      AdwMessageDialog *dialog;
      StrataProjectView *view;
      g_autofree char *png = NULL;
      g_autofree char *body = NULL;

      g_assert_nonnull (error);
      dialog = ADW_MESSAGE_DIALOG (strata_test_gui_wait_toplevel (ADW_TYPE_MESSAGE_DIALOG, "the dialog shows"));
      g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
      body = g_strdelimit (g_strdup (adw_message_dialog_get_body (dialog)), "\n", ' ');
      g_assert_true (GTK_IS_LABEL (adw_message_dialog_get_extra_child (dialog)));

      g_print ("# error=%s\n# heading=%s\n# body=%s\n# detail=%s\n",
               g_quark_to_string (error->domain),
               adw_message_dialog_get_heading (dialog),
               body,
               gtk_label_get_label (GTK_LABEL (adw_message_dialog_get_extra_child (dialog))));

      gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
      png = strata_test_gui_save_png (GTK_WIDGET (dialog),
                                      g_error_matches (error, STRATA_ERROR, STRATA_ERROR_NEWER_VERSION)
                                      ? "test-ui-launch-newer.png" : "test-ui-launch-failed-upgrade.png");
      adw_message_dialog_response (dialog, "close");
      strata_test_gui_iterate_pending ();

      /* The app runs on without its store: no profiles, projects open */
      g_assert_cmpuint (g_list_model_get_n_items (strata_application_get_profiles (app)), ==, 0);
      g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-profile", NULL) &&
                      strata_test_gui_find_toplevel (ADW_TYPE_WINDOW) != NULL);
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-example-project", NULL));
      strata_test_gui_iterate_pending ();
      view = strata_window_get_project_view (window);
      g_assert_nonnull (strata_project_view_get_project (view));
      g_assert_cmpuint (g_list_model_get_n_items (strata_application_get_recent_projects (app)), ==, 1);
      g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-launch-without-store.png"));
    }

  strata_test_gui_destroy_window (GTK_WINDOW (window));
  g_object_unref (app);
}

static void
launch (void)
{
  g_test_trap_subprocess ("/strata/ui/launch/once", 180 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* `strata-gtk PATH`: the command line through g_application_run, in a
 * process of its own ------------------------------------------------------ */

static gboolean
quit_once_project_open (gpointer data)
{
  GApplication *app = data;
  GtkWindow *window = strata_test_gui_find_toplevel (STRATA_TYPE_WINDOW);
  StrataProject *project;

  if (window == NULL)
    return G_SOURCE_CONTINUE;

  project = strata_project_view_get_project (strata_window_get_project_view (STRATA_WINDOW (window)));
  if (project == NULL)
    return G_SOURCE_CONTINUE;

  g_print ("# opened=%s\n", g_file_peek_path (strata_project_get_directory (project)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
give_up (gpointer data)
{
  g_error ("the project folder given on the command line did not open within 60 s");
  return G_SOURCE_REMOVE;
}

static void
open_path_once (void)
{
  g_autoptr(StrataApplication) app = strata_application_new ();
  g_autofree char *folder = g_build_filename (g_getenv ("STRATA_EXAMPLES_DIR"), "bookshop", NULL);
  char *argv[] = { (char *)"strata-gtk", folder, NULL };
  int status;

  /* As main.c runs it, but not unique: tests run side by side */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_timeout_add (50, quit_once_project_open, app);
  g_timeout_add_seconds (60, give_up, NULL);
  status = g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1, argv);
  g_assert_cmpint (status, ==, 0);
}

static void
test_launch_open_path (void)
{
  g_autofree char *expected = NULL;

  if (g_test_subprocess ())
    {
      open_path_once ();
      return;
    }

  if (strata_test_require_env ("DISPLAY", "X server") == NULL ||
      strata_test_require_env ("STRATA_EXAMPLES_DIR", "the example project") == NULL)
    return;

  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  expected = g_strdup_printf ("*# opened=%s/bookshop\n*", g_getenv ("STRATA_EXAMPLES_DIR"));
  g_test_trap_assert_stdout (expected);
}

/* The tests ------------------------------------------------------------- */

static void
test_launch_fresh (void)
{
  g_autofree char *path = store_path ();
  GStatBuf st;

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return;

  /* A fresh HOME: no store yet. It is created at the newest revision,
   * both of its migrations run, and there was nothing to back up */
  remove_store_folder ();
  launch ();
  g_test_trap_assert_stdout ("*outcome=created previous=none revision=" NEWEST_REVISION " backup=none*");

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  strata_test_assert_query (path, "SELECT version_num FROM strata_version", NEWEST_REVISION);
  strata_test_assert_query (path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('profile', 'recent_project', 'run') ORDER BY 1",
                "profile,recent_project,run");
  g_assert_cmpuint (count_backups (), ==, 0);

  /* A second launch finds it up to date: nothing is done, nothing copied */
  launch ();
  g_test_trap_assert_stdout ("*outcome=unchanged previous=" NEWEST_REVISION " revision=" NEWEST_REVISION " backup=none*");
  strata_test_assert_query (path, "SELECT version_num FROM strata_version", NEWEST_REVISION);
  g_assert_cmpuint (count_backups (), ==, 0);
}

static void
test_launch_upgrade (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *backup = NULL;
  g_autofree char *expected = NULL;

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return;

  /* An older Strata's store: copied first, then upgraded, its data kept */
  make_old_store ();
  launch ();
  backup = g_strdup_printf ("%s.%s.bak", path, OLD_REVISION);
  expected = g_strdup_printf ("*outcome=upgraded previous=" OLD_REVISION " revision=" NEWEST_REVISION " backup=%s*", backup);
  g_test_trap_assert_stdout (expected);

  strata_test_assert_query (path, "SELECT version_num FROM strata_version", NEWEST_REVISION);
  strata_test_assert_query (path, "SELECT name FROM profile", "Kept");
  g_assert_cmpuint (count_backups (), ==, 1);
  strata_test_assert_query (backup, "SELECT version_num FROM strata_version", OLD_REVISION);
  strata_test_assert_query (backup, "SELECT name FROM profile", "Kept");
}

static void
test_launch_newer (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  struct stat st_before;
  struct stat st_after;

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return;

  /* A store a newer Strata wrote: a revision this build does not know */
  remove_store_folder ();
  launch ();
  strata_test_execute (path, "INSERT INTO strata_version (version_num) VALUES ('f00dfeedbeef')");
  before = snapshot_file (path, &st_before);
  /* A write would show in the modification time even within a second */
  g_usleep (G_USEC_PER_SEC / 20);

  launch ();
  g_test_trap_assert_stdout ("*heading=Store From a Newer Strata*");
  g_test_trap_assert_stdout ("*body=*newer version of Strata*left untouched*");
  g_test_trap_assert_stdout ("*detail=*strata.db was written by a newer version*f00dfeedbeef*left untouched*");
  g_test_trap_assert_stdout ("*projects still open*");

  /* Refused, and left exactly as it was */
  after = snapshot_file (path, &st_after);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (st_before.st_size, ==, st_after.st_size);
  g_assert_cmpint (st_before.st_mtim.tv_sec, ==, st_after.st_mtim.tv_sec);
  g_assert_cmpint (st_before.st_mtim.tv_nsec, ==, st_after.st_mtim.tv_nsec);
  g_assert_cmpuint (count_backups (), ==, 0);
}

/* A 0-byte store (its profiles lost before the launch) is not silently made
 * again: it is kept under another name, and the dialog says so and where. */
static void
test_launch_empty_store (void)
{
  g_autofree char *path = store_path ();

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return;

  remove_store_folder ();
  launch ();
  g_assert_true (g_file_set_contents (path, "", 0, NULL));

  launch ();
  g_test_trap_assert_stdout ("*outcome=recreated*");
  g_test_trap_assert_stdout ("*heading=Your Store Was Replaced*");
  g_test_trap_assert_stdout ("*body=*kept it under another name*not in it*");
  g_test_trap_assert_stdout ("*detail=*strata.db was empty (0 bytes)*moved to *strata.db.damaged-*");

  /* The next launch finds a good store, and says nothing */
  launch ();
  g_test_trap_assert_stdout ("*outcome=unchanged*");
}

static void
test_launch_failed_upgrade (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *backup = NULL;
  g_autofree char *expected = NULL;

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return;

  /* An older store with something in the way of the next migration (a
   * table it creates): the upgrade fails and the backup is put back */
  make_old_store ();
  strata_test_execute (path, "CREATE TABLE run (note TEXT); INSERT INTO run VALUES ('mine')");

  launch ();
  backup = g_strdup_printf ("%s.%s.bak", path, OLD_REVISION);
  g_test_trap_assert_stdout ("*heading=Cannot Open Your Store*");
  expected = g_strdup_printf ("*detail=*upgrading the store from " OLD_REVISION " to " NEWEST_REVISION " failed; it was restored from %s*", backup);
  g_test_trap_assert_stdout (expected);

  /* As it was before the launch */
  strata_test_assert_query (path, "SELECT version_num FROM strata_version", OLD_REVISION);
  strata_test_assert_query (path, "SELECT name FROM profile", "Kept");
  strata_test_assert_query (path, "SELECT note FROM run", "mine");
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  /* One launch: here on a fresh HOME, and run by the tests below in a
   * process of its own for each launch */
  g_test_add_func ("/strata/ui/launch/once", launch_once);
  g_test_add_func ("/strata/ui/launch/fresh", test_launch_fresh);
  g_test_add_func ("/strata/ui/launch/upgrade", test_launch_upgrade);
  g_test_add_func ("/strata/ui/launch/newer", test_launch_newer);
  g_test_add_func ("/strata/ui/launch/failed-upgrade", test_launch_failed_upgrade);
  g_test_add_func ("/strata/ui/launch/empty-store", test_launch_empty_store);
  g_test_add_func ("/strata/ui/launch/open-path", test_launch_open_path);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
