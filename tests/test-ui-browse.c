/* test-ui-browse.c: search and jump in the revision graph and the history,
 * the schema browser (at a revision, a step's change, the live database)
 * and the drift view (differences, a repair script that works, an adopting
 * revision), on SQLite and on PostgreSQL; each screen rendered to a PNG in
 * the build directory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-browse"

#include "config.h"

#include <adwaita.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "strata.h"
#include "strata-project-view.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define HEAD "8b4e0f6a2c18"
#define BASE "1a0e6c2d9b41"
#define ISBN "6f2c8d4e0a96"

/* Waiting for the app */

static gboolean
schema_loaded (gpointer data)
{
  return !strata_schema_page_get_loading (data);
}

static gboolean
repair_rendered (gpointer data)
{
  return !strata_drift_view_get_rendering (data);
}

/* The database behind the app's back */

typedef struct
{
  char *sqlite_path;
  char *pg_url;
} Target;

static void
execute (Target     *target,
         const char *sql)
{
  if (target->sqlite_path != NULL)
    {
      sqlite3 *db = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (target->sqlite_path, &db), ==, SQLITE_OK);
      if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
      sqlite3_close (db);
    }
  else
    {
      PGconn *conn = PQconnectdb (target->pg_url);
      PGresult *result;

      g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
      result = PQexec (conn, sql);
      if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
        g_error ("%s: %s", sql, PQresultErrorMessage (result));
      PQclear (result);
      PQfinish (conn);
    }
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

/* Upgrades the database of @profile to head, as the CLI would */
static void
upgrade_to_head (StrataProject *project,
                 StrataProfile *profile)
{
  g_autoptr(StrataSession) session = strata_session_new (project, profile);
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  const char *none[] = { NULL };

  plan = strata_session_plan (session, STRATA_DIRECTION_UP, none, "head", &error);
  g_assert_no_error (error);
  g_assert_true (strata_session_apply (session, plan, NULL, &error));
  g_assert_no_error (error);
}

static void
save_png (GtkWidget  *widget,
          const char *name,
          const char *engine)
{
  g_autofree char *basename = g_strdup_printf ("test-ui-browse-%s-%s.png", name, engine);
  g_autofree char *path = strata_test_gui_save_png (widget, basename);

  g_test_message ("screenshot: %s", path);
}

static void
assert_contains (const char *text,
                 const char *needle)
{
  if (strstr (text, needle) == NULL)
    g_error ("“%s” not in:\n%s", needle, text);
}

static gboolean
model_has_column (StrataModel *model,
                  const char  *table,
                  const char  *column)
{
  StrataTable *found = strata_model_lookup_table (model, table);

  return found != NULL && strata_table_lookup_column (found, column) != NULL;
}

/* Schema at a revision and its step, the live schema, drift and its
 * repair, on the database of @profile (at head already) */
static void
browse (StrataWindow *window,
        StrataProfile *profile,
        Target       *target,
        const char   *engine)
{
  StrataProjectView *view = strata_window_get_project_view (window);
  StrataRevisionsPage *revisions = strata_project_view_get_revisions_page (view);
  StrataSchemaPage *page = strata_project_view_get_schema_page (view);
  StrataDriftView *drift = strata_schema_page_get_drift_view (page);
  StrataSchemaView *schema;
  g_autofree char *change = NULL;
  g_autofree char *text = NULL;
  g_autofree char *repair = NULL;
  StrataModel *model;

  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { HEAD, NULL }));

  /* At the project's heads, replayed for the profile's dialect */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "schema");
  strata_schema_page_show (page, "revision");
  g_assert_cmpint (strata_schema_page_get_dialect (page), ==, strata_profile_get_dialect (profile));
  strata_test_gui_iterate_until (schema_loaded, page, "the schema at head is replayed");
  schema = strata_schema_page_get_revision_view (page);
  model = strata_schema_view_get_model (schema);
  g_assert_nonnull (model);
  g_assert_true (model_has_column (model, "book", "isbn"));
  g_assert_true (model_has_column (model, "cart_item", "quantity"));
  g_assert_true (strata_schema_view_select_table (schema, "cart_item"));
  g_assert_cmpstr (strata_schema_view_get_selected_table (schema), ==, "cart_item");
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "schema-head", engine);

  /* A step: the schema after it and its change as a diff */
  g_assert_true (strata_revisions_page_select_revision (revisions, ISBN));
  strata_test_gui_iterate_until (schema_loaded, page, "the schemas around the step are replayed");
  change = strata_schema_page_dup_change (page);
  g_test_message ("change of %s:\n%s", ISBN, change);
  assert_contains (change, " table book\n");
  assert_contains (change, "+  column isbn ");
  assert_contains (change, "+  index ux_book_isbn UNIQUE (isbn) WHERE isbn IS NOT NULL\n");
  g_assert_null (strstr (change, "table author"));
  gtk_stack_set_visible_child_name (strata_test_gui_get_child (page, STRATA_TYPE_SCHEMA_PAGE, "revision_stack"),
                                    "change");
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "schema-change", engine);
  gtk_stack_set_visible_child_name (strata_test_gui_get_child (page, STRATA_TYPE_SCHEMA_PAGE, "revision_stack"),
                                    "schema");

  /* The live database, introspected */
  strata_schema_page_show (page, "live");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.read-live-schema", NULL));
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the live schema is read");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (page, STRATA_TYPE_SCHEMA_PAGE,
                                                                                 "live_stack")), ==, "schema");
  model = strata_schema_view_get_model (strata_schema_page_get_live_view (page));
  g_assert_true (model_has_column (model, "book", "isbn"));
  g_assert_null (strata_model_lookup_table (model, "strata_version"));
  g_assert_null (strata_model_lookup_table (model, "strata_history"));
  g_assert_true (strata_schema_view_select_table (strata_schema_page_get_live_view (page), "book"));
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "schema-live", engine);

  /* No drift on a database migrated by Strata */
  strata_schema_page_show (page, "drift");
  g_assert_cmpstr (strata_drift_view_get_state (drift), ==, "unchecked");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "drift is checked");
  g_assert_cmpstr (strata_drift_view_get_state (drift), ==, "clean");

  /* A column and an index added by hand: drift, as a diff, with a script
   * back and a revision that adopts it */
  execute (target, "ALTER TABLE author ADD COLUMN nickname VARCHAR(40)");
  execute (target, "CREATE INDEX ix_book_title ON book (title)");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "drift is checked again");
  g_assert_cmpstr (strata_drift_view_get_state (drift), ==, "drift");
  strata_test_gui_iterate_until (repair_rendered, drift, "the repair script is rendered");

  /* From the Status page's drift row to the drift in detail */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "status");
  strata_schema_page_show (page, "revision");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.show-drift", NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (strata_project_view_get_stack (view)), ==, "schema");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (page, STRATA_TYPE_SCHEMA_PAGE,
                                                                                 "source_stack")), ==, "drift");

  text = strata_drift_view_dup_diff (drift);
  g_test_message ("drift diff:\n%s", text);
  assert_contains (text, " table author\n");
  assert_contains (text, "+  column nickname ");
  assert_contains (text, "+  index ix_book_title (title)");
  g_clear_pointer (&text, g_free);

  repair = strata_drift_view_dup_repair (drift);
  g_test_message ("repair:\n%s", repair);
  assert_contains (repair, "ix_book_title");
  assert_contains (repair, "nickname");

  text = strata_drift_view_dup_adoption (drift);
  g_test_message ("adoption:\n%s", text);
  assert_contains (text, "\"down_revision\": \"" HEAD "\"");
  assert_contains (text, "\"op\": \"add_column\"");
  assert_contains (text, "\"op\": \"create_index\"");
  {
    /* The file `strata revision` would write: it loads */
    g_autoptr(GError) error = NULL;
    g_autoptr(StrataScript) script = strata_script_new_from_data (text, -1, "adoption.json", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strata_script_get_upgrade (script)->len, ==, 2);
  }
  g_clear_pointer (&text, g_free);

  save_png (GTK_WIDGET (window), "drift", engine);
  gtk_stack_set_visible_child_name (strata_test_gui_get_child (drift, STRATA_TYPE_DRIFT_VIEW, "drift_stack"), "diff");
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "drift-diff", engine);
  gtk_stack_set_visible_child_name (strata_test_gui_get_child (drift, STRATA_TYPE_DRIFT_VIEW, "drift_stack"), "repair");
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "drift-repair", engine);

  /* The repair script, run by hand, brings the database back */
  execute (target, repair);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "project.check-drift", NULL));
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "drift is checked after the repair");
  g_assert_cmpstr (strata_drift_view_get_state (drift), ==, "clean");
  save_png (GTK_WIDGET (window), "drift-repaired", engine);

  /* Another profile: nothing read from this one stays */
  strata_window_select_profile (window, NULL);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the profile is let go");
  g_assert_cmpstr (strata_drift_view_get_state (drift), ==, "unchecked");
  g_assert_null (strata_schema_view_get_model (strata_schema_page_get_live_view (page)));
}

/* The graph and the history filtered by id, message or label; jumps */
static void
test_search (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *db_path = NULL;
  StrataRevisionsPage *revisions;
  StrataProjectView *view;
  StrataWindow *window;
  GListModel *shown;
  GListModel *history;

  if (app == NULL)
    return;

  tmpdir = strata_test_mkdtemp ();
  db_path = g_build_filename (tmpdir, "search.db", NULL);
  window = open_example (app);
  view = strata_window_get_project_view (window);
  revisions = strata_project_view_get_revisions_page (view);
  shown = strata_revisions_page_get_shown (revisions);
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "revisions");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 8);

  /* By id prefix, by a word of the message (any case), by branch label */
  strata_revisions_page_set_search (revisions, "6f2c");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  strata_revisions_page_set_search (revisions, "CART");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);
  strata_revisions_page_set_search (revisions, "shoppingcart");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  {
    g_autoptr(StrataRevisionItem) item = g_list_model_get_item (shown, 0);

    g_assert_true (strstr (strata_revision_item_get_tags (item), "shoppingcart") != NULL);
  }
  strata_revisions_page_set_search (revisions, "nothing like this");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  strata_revisions_page_set_search (revisions, "isbn to");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 1);
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "search", "sqlite");

  /* Jumps: a revision outside the matches ends the search */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (revisions), "revisions.jump-base", NULL));
  g_assert_cmpstr (strata_revisions_page_get_selected_revision (revisions), ==, BASE);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (revisions), "revisions.jump-head", NULL));
  g_assert_cmpstr (strata_revisions_page_get_selected_revision (revisions), ==, HEAD);
  /* A revision among the matches keeps them */
  strata_revisions_page_set_search (revisions, "cart");
  g_assert_true (strata_revisions_page_select_revision (revisions, "4d9a2b6c8e74"));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);
  g_assert_cmpstr (strata_revisions_page_get_selected_revision (revisions), ==, "4d9a2b6c8e74");
  strata_revisions_page_set_search (revisions, NULL);

  /* Current: the database's revision, once a profile is selected */
  profile = strata_profile_new ("Search");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, db_path);
  g_assert_true (strata_store_add_profile (strata_application_get_store (app), profile, &error));
  g_assert_no_error (error);
  upgrade_to_head (strata_project_view_get_project (view), profile);
  {
    g_autoptr(StrataSession) session = strata_session_new (strata_project_view_get_project (view), profile);
    g_autoptr(StrataPlan) plan = NULL;

    plan = strata_session_plan (session, STRATA_DIRECTION_DOWN, (const char * const[]) { HEAD, NULL }, ISBN, &error);
    g_assert_no_error (error);
    g_assert_true (strata_session_apply (session, plan, NULL, &error));
    g_assert_no_error (error);
  }
  strata_window_select_profile (window, profile);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the database is read");
  /* Down to the isbn revision: the version table holds both branches'
   * tips; the newest is where Current goes */
  g_assert_cmpstrv (strata_project_view_get_current_heads (view), ((const char * const[]) { "5e1b7c3d9f85", ISBN, NULL }));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (revisions), "revisions.jump-current", NULL));
  g_assert_cmpstr (strata_revisions_page_get_selected_revision (revisions), ==, "5e1b7c3d9f85");
  strata_revisions_page_set_search (revisions, "current");
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 2);
  strata_revisions_page_set_search (revisions, NULL);

  /* The history, by revision or message */
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "history");
  history = strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "history_filter_model");
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 10);
  gtk_editable_set_text (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "history_search"), "merge");
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  gtk_editable_set_text (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "history_search"), "8B4E");
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 2);
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "history-search", "sqlite");
  gtk_editable_set_text (strata_test_gui_get_child (view, STRATA_TYPE_PROJECT_VIEW, "history_search"), "");
  g_assert_cmpuint (g_list_model_get_n_items (history), ==, 10);

  strata_window_select_profile (window, NULL);
  strata_test_gui_iterate_until (strata_test_gui_view_is_idle, view, "the profile is let go");
  g_assert_true (strata_store_remove_profile (strata_application_get_store (app), profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_rm_rf (tmpdir);
}

/* The schema page needs no database: at head, with no profile */
static void
test_schema_offline (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  StrataProjectView *view;
  StrataSchemaPage *page;
  StrataWindow *window;
  StrataModel *model;

  if (app == NULL)
    return;

  window = open_example (app);
  view = strata_window_get_project_view (window);
  page = strata_project_view_get_schema_page (view);
  g_assert_null (strata_project_view_get_profile (view));
  adw_view_stack_set_visible_child_name (strata_project_view_get_stack (view), "schema");
  strata_test_gui_iterate_until (schema_loaded, page, "the schema at head is replayed");
  g_assert_cmpint (strata_schema_page_get_dialect (page), ==, -1);
  model = strata_schema_view_get_model (strata_schema_page_get_revision_view (page));
  g_assert_true (model_has_column (model, "book", "isbn"));

  /* The base revision's step: a whole new table */
  g_assert_true (strata_revisions_page_select_revision (strata_project_view_get_revisions_page (view), BASE));
  strata_test_gui_iterate_until (schema_loaded, page, "the first step is replayed");
  {
    g_autofree char *change = strata_schema_page_dup_change (page);

    assert_contains (change, "+table author\n+  column id integer PRIMARY KEY AUTOINCREMENT\n");
  }
  model = strata_schema_view_get_model (strata_schema_page_get_revision_view (page));
  g_assert_cmpuint (strata_model_get_tables (model)->len, ==, 1);
  save_png (GTK_WIDGET (window), "schema-offline", "portable");

  /* Any target typed in: a prefix has a step, base is the empty schema */
  {
    GtkEditable *entry = strata_test_gui_get_child (page, STRATA_TYPE_SCHEMA_PAGE, "target_entry");
    g_autofree char *change = NULL;

    g_assert_cmpstr (gtk_editable_get_text (entry), ==, BASE);
    gtk_editable_set_text (entry, " 4d9a ");
    g_signal_emit_by_name (entry, "activate");
    strata_test_gui_iterate_until (schema_loaded, page, "the schema at a prefix is replayed");
    model = strata_schema_view_get_model (strata_schema_page_get_revision_view (page));
    g_assert_nonnull (strata_model_lookup_table (model, "cart_item"));
    g_assert_false (model_has_column (model, "book", "isbn"));
    change = strata_schema_page_dup_change (page);
    assert_contains (change, "+table cart\n");

    gtk_editable_set_text (entry, "base");
    g_signal_emit_by_name (entry, "activate");
    strata_test_gui_iterate_until (schema_loaded, page, "the schema at base is replayed");
    model = strata_schema_view_get_model (strata_schema_page_get_revision_view (page));
    g_assert_cmpuint (strata_model_get_tables (model)->len, ==, 0);
    g_clear_pointer (&change, g_free);
    change = strata_schema_page_dup_change (page);
    g_assert_true (g_str_has_prefix (change, "#"));

    gtk_editable_set_text (entry, "nosuchrev");
    g_signal_emit_by_name (entry, "activate");
    strata_test_gui_iterate_until (schema_loaded, page, "an unknown target is reported");
    g_assert_cmpstr (gtk_stack_get_visible_child_name (strata_test_gui_get_child (page, STRATA_TYPE_SCHEMA_PAGE,
                                                                                   "revision_state")), ==, "error");
    strata_test_gui_iterate_pending ();
    save_png (GTK_WIDGET (window), "schema-unknown-target", "portable");
  }

  /* Live and drift wait for a profile */
  strata_schema_page_show (page, "live");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (view), "project.read-live-schema", NULL) &&
                  strata_project_view_get_busy (view));
  strata_test_gui_iterate_pending ();
  save_png (GTK_WIDGET (window), "schema-live-unread", "portable");

  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

static void
test_schema_sqlite (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  Target target = { NULL, NULL };
  StrataWindow *window;

  if (app == NULL)
    return;

  tmpdir = strata_test_mkdtemp ();
  target.sqlite_path = g_build_filename (tmpdir, "browse.db", NULL);
  profile = strata_profile_new ("Browse SQLite");
  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, target.sqlite_path);
  g_assert_true (strata_store_add_profile (strata_application_get_store (app), profile, &error));
  g_assert_no_error (error);

  window = open_example (app);
  upgrade_to_head (strata_project_view_get_project (strata_window_get_project_view (window)), profile);
  browse (window, profile, &target, "sqlite");

  g_assert_true (strata_store_remove_profile (strata_application_get_store (app), profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  g_free (target.sqlite_path);
  strata_test_rm_rf (tmpdir);
}

static void
test_schema_postgresql (void)
{
  StrataApplication *app;
  g_autoptr(StrataProfile) parsed = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pgpass = NULL;
  g_autofree char *pgpass_line = NULL;
  Target target = { NULL, NULL };
  StrataWindow *window;

  if (!(app = strata_test_gui_get_application ()) ||
      !(target.pg_url = strata_test_pg_create_database ()))
    return;

  parsed = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, "server", target.pg_url, &error);
  g_assert_no_error (error);

  /* The password where libpq finds it: ~/.pgpass (HOME is the test's) */
  pgpass = g_build_filename (g_get_home_dir (), ".pgpass", NULL);
  pgpass_line = g_strdup_printf ("%s:%u:%s:%s:%s\n", strata_profile_get_host (parsed), strata_profile_get_port (parsed),
                                 strata_profile_get_database (parsed), strata_profile_get_user (parsed),
                                 strata_profile_get_password (parsed));
  g_assert_true (g_file_set_contents_full (pgpass, pgpass_line, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));

  profile = strata_profile_new ("Browse PostgreSQL");
  strata_profile_set_engine (profile, "postgresql");
  strata_profile_set_host (profile, strata_profile_get_host (parsed));
  strata_profile_set_port (profile, strata_profile_get_port (parsed));
  strata_profile_set_user (profile, strata_profile_get_user (parsed));
  strata_profile_set_database (profile, strata_profile_get_database (parsed));
  g_assert_true (strata_store_add_profile (strata_application_get_store (app), profile, &error));
  g_assert_no_error (error);

  window = open_example (app);
  upgrade_to_head (strata_project_view_get_project (strata_window_get_project_view (window)), profile);
  browse (window, profile, &target, "postgresql");

  g_assert_true (strata_store_remove_profile (strata_application_get_store (app), profile, &error));
  strata_test_gui_destroy_window (GTK_WINDOW (window));
  strata_test_pg_drop_database (target.pg_url);
  g_free (target.pg_url);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/browse/search", test_search);
  g_test_add_func ("/strata/ui/browse/schema-offline", test_schema_offline);
  g_test_add_func ("/strata/ui/browse/schema-sqlite", test_schema_sqlite);
  g_test_add_func ("/strata/ui/browse/schema-postgresql", test_schema_postgresql);

  status = g_test_run ();
  strata_test_gui_shutdown ();

  return status;
}
