/* test-ui-data.c: the data browser: the session's pages by keyset (every
 * row once, in the order asked for, NULLs where the engine sorts them,
 * composite keys, no primary key) and the app's Data view, on SQLite and
 * on PostgreSQL; screenshots of both
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-data"

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "strata.h"
#include "strata-data-browser.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define N_ITEMS 1234

static const char *setup_sql =
  "CREATE TABLE item (id integer PRIMARY KEY, name text NOT NULL, price real, note text);"
  "CREATE TABLE pair (a integer NOT NULL, b text NOT NULL, v text, PRIMARY KEY (a, b));"
  "CREATE TABLE loose (label text, n integer);";

static void
fill (StrataDriver *driver)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) sql = g_string_new (setup_sql);

  /* Notes repeat (and some are NULL) so that sorting by them needs the key */
  g_string_append (sql, "INSERT INTO item (id, name, price, note) VALUES ");
  for (guint i = 1; i <= N_ITEMS; i++)
    {
      if (i % 7 == 0)
        g_string_append_printf (sql, "%s(%u, 'item %04u', %u.5, NULL)", i > 1 ? ", " : "", i, (i * 37) % N_ITEMS, i);
      else
        g_string_append_printf (sql, "%s(%u, 'item %04u', %u.5, 'note %u')", i > 1 ? ", " : "", i, (i * 37) % N_ITEMS,
                                i, i % 10);
    }
  g_string_append (sql, "; INSERT INTO pair (a, b, v) VALUES ");
  for (guint i = 0; i < 300; i++)
    g_string_append_printf (sql, "%s(%u, 'b%u', 'v%u')", i > 0 ? ", " : "", i / 7, i % 7, i);
  g_string_append (sql, "; INSERT INTO loose (label, n) VALUES ");
  for (guint i = 0; i < 250; i++)
    g_string_append_printf (sql, "%s('l%u', %u)", i > 0 ? ", " : "", i, i);

  g_assert_true (strata_driver_execute (driver, sql->str, NULL, &error));
  g_assert_no_error (error);
}

/* The whole table in one query, as the page walk must see it: column 0
 * of @sql's rows, joined by commas */
static char *
expected_walk (StrataDriver *driver,
               const char   *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataResult) result = strata_driver_query (driver, sql, NULL, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < strata_result_get_n_rows (result); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "," : "", strata_result_get_value (result, i, 0));

  return g_string_free (text, FALSE);
}

/* Every page of @table in the order asked for: column @column of each row */
static char *
walk (StrataSession *session,
      const char    *table,
      const char    *sort,
      gboolean       descending,
      guint          limit,
      guint          column,
      guint         *n_pages)
{
  g_autoptr(GVariant) after = NULL;
  GString *text = g_string_new (NULL);
  gboolean at_end = FALSE;

  *n_pages = 0;
  while (!at_end)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataDataPage) page = strata_session_read_page (session, table, sort, descending, after, limit,
                                                                 NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (strata_data_page_get_n_rows (page), <=, limit);
      for (guint i = 0; i < strata_data_page_get_n_rows (page); i++)
        g_string_append_printf (text, "%s%s", text->len > 0 ? "," : "", strata_data_page_get_value (page, i, column));
      at_end = strata_data_page_get_at_end (page);
      g_clear_pointer (&after, g_variant_unref);
      if (strata_data_page_get_last_key (page) != NULL)
        after = g_variant_ref (strata_data_page_get_last_key (page));
      (*n_pages)++;
    }

  return g_string_free (text, FALSE);
}

static void
assert_walk (StrataSession *session,
             StrataDriver  *driver,
             const char    *table,
             const char    *sort,
             gboolean       descending,
             guint          column,
             const char    *sql)
{
  g_autofree char *expected = expected_walk (driver, sql);
  g_autofree char *got = NULL;
  guint n_pages;

  got = walk (session, table, sort, descending, 100, column, &n_pages);
  g_test_message ("%s by %s%s: %u pages", table, sort != NULL ? sort : "key", descending ? " desc" : "", n_pages);
  g_assert_cmpstr (got, ==, expected);
}

/* The session's use cases, against the engine's own ORDER BY */
static void
check_pages (StrataSession *session,
             StrataDriver  *driver)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tables = NULL;
  g_autoptr(StrataDataPage) page = NULL;
  gboolean sqlite = strata_driver_get_dialect (driver) == STRATA_DIALECT_SQLITE;
  gboolean exact = FALSE;
  gint64 count = 0;

  tables = strata_session_list_tables (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (tables, ((const char * const[]) { "item", "loose", "pair", NULL }));

  assert_walk (session, driver, "item", NULL, FALSE, 0, "SELECT id FROM item ORDER BY id");
  assert_walk (session, driver, "item", NULL, TRUE, 0, "SELECT id FROM item ORDER BY id DESC");
  /* A column with repeats and NULLs: the key breaks ties, NULLs where the
   * engine puts them */
  assert_walk (session, driver, "item", "note", FALSE, 0, "SELECT id FROM item ORDER BY note, id");
  assert_walk (session, driver, "item", "note", TRUE, 0, "SELECT id FROM item ORDER BY note DESC, id DESC");
  assert_walk (session, driver, "item", "name", FALSE, 0, "SELECT id FROM item ORDER BY name, id");
  /* A composite key */
  assert_walk (session, driver, "pair", NULL, FALSE, 2, "SELECT v FROM pair ORDER BY a, b");
  assert_walk (session, driver, "pair", "v", TRUE, 2, "SELECT v FROM pair ORDER BY v DESC, a DESC, b DESC");
  /* No primary key: the rowid, the ctid */
  assert_walk (session, driver, "loose", NULL, FALSE, 0,
               sqlite ? "SELECT label FROM loose ORDER BY rowid" : "SELECT label FROM loose ORDER BY ctid");
  assert_walk (session, driver, "loose", "n", TRUE, 0, "SELECT label FROM loose ORDER BY n DESC");

  page = strata_session_read_page (session, "item", NULL, FALSE, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_data_page_get_n_columns (page), ==, 4);
  g_assert_cmpstr (strata_data_page_get_column_name (page, 1), ==, "name");
  g_assert_cmpstrv (strata_data_page_get_key_columns (page), ((const char * const[]) { sqlite ? "rowid" : "id", NULL }));
  g_assert_cmpstr (strata_data_page_get_value (page, 0, 3), ==, "note 1");
  /* id 7's note is NULL */
  g_assert_null (strata_data_page_get_value (page, 6, 3));
  g_clear_object (&page);

  /* Counting: exact, and an estimate that needs no scan */
  g_assert_true (strata_session_count_rows (session, "item", TRUE, &count, &exact, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, N_ITEMS);
  g_assert_true (exact);
  g_assert_true (strata_session_count_rows (session, "pair", FALSE, &count, &exact, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("pair: %" G_GINT64_FORMAT " rows (%s)", count, exact ? "counted" : "estimated");
  g_assert_cmpint (count, >=, 0);

  /* Bad input: one clear error naming what */
  page = strata_session_read_page (session, "nowhere", NULL, FALSE, NULL, 10, NULL, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“nowhere”"));
  g_clear_error (&error);
  page = strata_session_read_page (session, "item", "nothing", FALSE, NULL, 10, NULL, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“nothing”"));
  g_clear_error (&error);
  page = strata_session_read_page (session, "item", NULL, FALSE, NULL, 0, NULL, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  {
    g_autoptr(GVariant) wrong = g_variant_ref_sink (g_variant_new_parsed ("@ams [just 'a', just 'b']"));

    page = strata_session_read_page (session, "item", NULL, FALSE, wrong, 10, NULL, &error);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }

  /* Read-only: the table is as it was */
  g_assert_true (strata_session_count_rows (session, "loose", TRUE, &count, NULL, NULL, &error));
  g_assert_cmpint (count, ==, 250);
}

/* The app {{{ */

static gboolean
browser_settled (gpointer data)
{
  const char *state = strata_data_browser_get_state (data);

  return g_strcmp0 (state, "loading") != 0 && g_strcmp0 (state, "no-session") != 0 &&
         strata_data_browser_get_model (data) != NULL &&
         !strata_data_model_get_loading (strata_data_browser_get_model (data)) &&
         strata_data_model_get_first_page (strata_data_browser_get_model (data)) != NULL;
}

static gboolean
count_is_exact (gpointer data)
{
  const char *text = strata_data_browser_get_count_text (data);
  g_autofree char *expected = g_strdup_printf ("%'d rows ·", N_ITEMS);

  return text != NULL && g_str_has_prefix (text, expected);
}

static gboolean
model_grown (gpointer data)
{
  StrataDataBrowser *browser = data;
  StrataDataModel *model = strata_data_browser_get_model (browser);

  return g_list_model_get_n_items (G_LIST_MODEL (model)) > 500 && !strata_data_model_get_loading (model);
}

static char *
first_value (StrataDataBrowser *browser,
             guint              column)
{
  g_autoptr(StrataDataRow) row = g_list_model_get_item (G_LIST_MODEL (strata_data_browser_get_model (browser)), 0);

  return g_strdup (strata_data_row_get_value (row, column));
}

static void
check_window (const char *dir,
              const char *png)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  StrataDataBrowser *browser;
  StrataProjectView *view;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;
  StrataWindow *window;
  GtkListBox *list;

  if (app == NULL)
    return;

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  strata_test_gui_show_window (GTK_WINDOW (window));
  g_assert_true (strata_window_open_project (window, directory, &error));
  g_assert_no_error (error);
  strata_test_gui_iterate_pending ();

  view = strata_window_get_project_view (window);
  browser = STRATA_DATA_BROWSER (adw_view_stack_get_child_by_name (strata_project_view_get_stack (view), "data"));
  g_assert_nonnull (browser);
  g_assert_cmpstr (strata_data_browser_get_state (browser), ==, "no-session");

  list = strata_test_gui_get_child (window, STRATA_TYPE_WINDOW, "profiles_list");
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "data");
  strata_test_gui_iterate_until (browser_settled, browser, "the first page is read");
  g_assert_cmpstr (strata_data_browser_get_state (browser), ==, "rows");
  g_assert_cmpstr (strata_data_browser_get_table (browser), ==, "item");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (strata_data_browser_get_column_view (browser))),
                    ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (strata_data_browser_get_model (browser))), ==, 500);

  /* Scrolled to the end, the next page is read */
  scroller = strata_test_gui_get_child (browser, STRATA_TYPE_DATA_BROWSER, "scroller");
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  strata_test_gui_wait_frames (GTK_WIDGET (window), 2);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  strata_test_gui_iterate_until (model_grown, browser, "the next page is read");

  /* Counted on request */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (browser), "data.count", NULL));
  strata_test_gui_iterate_until (count_is_exact, browser, "the rows are counted");

  /* Ordered by a column's header: the database orders */
  strata_data_browser_sort (browser, "name", GTK_SORT_DESCENDING);
  strata_test_gui_iterate_until (browser_settled, browser, "the rows are read in the new order");
  value = first_value (browser, 1);
  g_assert_cmpstr (value, ==, "item 1233");
  g_clear_pointer (&value, g_free);
  g_free (strata_test_gui_save_png (GTK_WIDGET (window), png));

  /* Another table: its own columns, in its key's order */
  g_assert_true (strata_data_browser_select_table (browser, "pair"));
  strata_test_gui_iterate_until (browser_settled, browser, "the other table is read");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_column_view_get_columns (strata_data_browser_get_column_view (browser))),
                    ==, 3);
  value = first_value (browser, 2);
  g_assert_cmpstr (value, ==, "v0");

  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  strata_test_gui_iterate_pending ();
  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

/* }}} */

static char *
make_project (const char *url)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autofree char *ini_path = g_build_filename (dir, "strata.ini", NULL);
  g_autofree char *ini = g_strdup_printf ("[strata]\nmigrations=migrations\n\n[profile Data]\nurl=%s\n", url);

  g_assert_cmpint (g_mkdir (migrations, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini_path, ini, -1, NULL));

  return g_steal_pointer (&dir);
}

static void
test_data_sqlite (void)
{
  g_autofree char *dir = make_project ("sqlite:///data.db");
  g_autofree char *db_path = g_build_filename (dir, "data.db", NULL);
  g_autofree char *url = g_strdup_printf ("sqlite:///%s", db_path);
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;

  driver = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);
  fill (driver);

  project = strata_project_open (directory, &error);
  g_assert_no_error (error);
  profile = strata_profile_load_project_profile (project, "Data", &error);
  g_assert_no_error (error);
  session = strata_session_new (project, profile);
  check_pages (session, driver);

  /* The reader's connection is read-only */
  {
    g_autoptr(StrataDataPage) page = strata_session_read_page (session, "item", NULL, FALSE, NULL, 1, NULL, &error);

    g_assert_no_error (error);
  }
  g_clear_object (&session);

  check_window (dir, "test-ui-data-sqlite.png");

  g_clear_object (&driver);
  strata_test_rm_rf (dir);
}

static void
test_data_postgresql (void)
{
  g_autofree char *db_url = strata_test_pg_create_database ();
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;

  if (db_url == NULL)
    return;

  driver = strata_driver_open (db_url, NULL, NULL, &error);
  g_assert_no_error (error);
  fill (driver);
  g_assert_true (strata_driver_execute (driver, "ANALYZE", NULL, &error));

  url = strata_test_pg_passfile_url (db_url);

  dir = make_project (url);
  directory = g_file_new_for_path (dir);
  project = strata_project_open (directory, &error);
  g_assert_no_error (error);
  profile = strata_profile_load_project_profile (project, "Data", &error);
  g_assert_no_error (error);
  session = strata_session_new (project, profile);
  check_pages (session, driver);
  g_clear_object (&session);

  check_window (dir, "test-ui-data-postgresql.png");

  g_clear_object (&driver);
  strata_test_pg_drop_database (db_url);
  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/data/sqlite", test_data_sqlite);
  g_test_add_func ("/strata/ui/data/postgresql", test_data_postgresql);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
