/* test-session.c: the deploy use cases of StrataSession in their async
 * forms (the ones the app calls), on real SQLite files and on a database
 * of the throwaway PostgreSQL server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-test-util.h"

#define ITEM_JSON \
  "{\"revision\": \"aaaa00000001\", \"down_revision\": null, \"message\": \"item\",\n" \
  " \"upgrade\": [{\"op\": \"create_table\", \"table\": \"item\", \"columns\": [\n" \
  "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},\n" \
  "   {\"name\": \"name\", \"type\": \"text\"}]}]}\n"
#define NOTE_JSON \
  "{\"revision\": \"aaaa00000002\", \"down_revision\": \"aaaa00000001\", \"message\": \"note\",\n" \
  " \"upgrade\": [{\"op\": \"add_column\", \"table\": \"item\",\n" \
  "               \"column\": {\"name\": \"note\", \"type\": \"text\"}}]}\n"

/* The result of an async call, once the main loop has delivered it. */
static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *slot = g_object_ref (result);
}

static GAsyncResult *
await (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* A project in a new folder: strata.ini with @ini_extra, and @revisions
 * (file name, contents, …, NULL) under migrations/. */
static StrataProject *
make_project (const char *dir,
              const char *ini_extra,
              ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autofree char *ini = g_strdup_printf ("[strata]\nmigrations=migrations\n%s", ini_extra ? ini_extra : "");
  StrataProject *project;
  const char *name;
  va_list args;

  g_assert_cmpint (g_mkdir_with_parents (migrations, 0700), ==, 0);
  write_file (dir, "strata.ini", ini);

  va_start (args, ini_extra);
  while ((name = va_arg (args, const char *)) != NULL)
    write_file (migrations, name, va_arg (args, const char *));
  va_end (args);

  project = strata_project_open (directory, &error);
  g_assert_no_error (error);
  return project;
}

static StrataSession *
make_session (StrataProject *project,
              const char    *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, NULL, url, &error);

  g_assert_no_error (error);
  return strata_session_new (project, profile);
}

static void
apply_plan (StrataSession *session,
            StrataPlan    *plan)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  strata_session_apply_async (session, plan, NULL, on_done, &result);
  g_assert_true (strata_session_apply_finish (session, await (&result), &error));
  g_assert_no_error (error);
}

static GPtrArray *
validate (StrataSession *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *issues;

  strata_session_validate_async (session, NULL, on_done, &result);
  issues = strata_session_validate_finish (session, await (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (issues);
  return issues;
}

/* plan -o, apply FILE, log, validate, repair, inspect and the stored
 * copies, as the app would call them. */
static void
test_deploy_sqlite (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "app.db", NULL);
  g_autofree char *url = g_strdup_printf ("sqlite:///%s", db);
  g_autofree char *plan_path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *schema_path = g_build_filename (dir, "live.json", NULL);
  g_autofree char *first = g_build_filename (dir, "migrations", "aaaa00000001_item.json", NULL);
  g_autofree char *second = g_build_filename (dir, "migrations", "aaaa00000002_note.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) plan_file = g_file_new_for_path (plan_path);
  g_autoptr(GFile) schema_file = g_file_new_for_path (schema_path);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataPlanFile) written = NULL;
  g_autoptr(StrataPlanFile) reviewed = NULL;
  g_autoptr(StrataPlanFile) now = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(StrataPlan) down = NULL;
  g_auto(GStrv) heads = NULL;
  g_autoptr(GError) error = NULL;
  StrataValidateIssue *issue;
  StrataLogEntry *entry;

  project = make_project (dir, NULL, "aaaa00000001_item.json", ITEM_JSON, "aaaa00000002_note.json", NOTE_JSON, NULL);
  session = make_session (project, url);

  /* Not there yet, and looking does not create it */
  {
    gboolean exists = TRUE;

    g_assert_true (strata_session_database_exists (session, &exists, &error));
    g_assert_no_error (error);
    g_assert_false (exists);
    g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  }

  /* plan -o: the plan for review, written to the file */
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_write_plan_file_async (session, STRATA_DIRECTION_UP, "head", plan_file, NULL, on_done, &result);
    written = strata_session_write_plan_file_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strata_plan_file_get_n_steps (written), ==, 2);
    g_assert_true (g_file_test (plan_path, G_FILE_TEST_IS_REGULAR));
  }

  /* apply FILE: made again from the database, equal, then run after
   * validate-on-migrate */
  reviewed = strata_plan_file_load (plan_file, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_verify_plan_file_async (session, reviewed, NULL, on_done, &result);
    now = strata_session_verify_plan_file_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (strata_plan_file_get_hash (now), ==, strata_plan_file_get_hash (reviewed));
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_validate_before_run_async (session, NULL, on_done, &result);
    g_assert_true (strata_session_validate_before_run_finish (session, await (&result), &error));
    g_assert_no_error (error);
  }
  apply_plan (session, strata_plan_file_get_plan (now));
  {
    gboolean exists = FALSE;

    g_assert_true (strata_session_database_exists (session, &exists, &error));
    g_assert_true (exists);
  }

  /* The reviewed plan no longer matches the database: refused */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(StrataPlanFile) stale = NULL;

    strata_session_verify_plan_file_async (session, reviewed, NULL, on_done, &result);
    stale = strata_session_verify_plan_file_finish (session, await (&result), &error);
    g_assert_null (stale);
    g_assert_nonnull (error);
    g_assert_true (error->domain == STRATA_ERROR);
    g_test_message ("stale plan: %s", error->message);
    g_clear_error (&error);
  }

  /* log: both revisions applied, with their files */
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_read_log_async (session, NULL, on_done, &result);
    entries = strata_session_read_log_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 2);
    entry = g_ptr_array_index (entries, 1);
    g_assert_cmpstr (entry->revision, ==, "aaaa00000002");
    g_assert_cmpstr (entry->direction, ==, "up");
    g_assert_cmpstr (entry->outcome, ==, "success");
    g_assert_cmpstr (entry->message, ==, "note");
    g_assert_true (entry->file_present);
  }

  /* validate: nothing; then the first file edited after it was applied */
  issues = validate (session);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);

  g_assert_true (g_file_get_contents (first, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"item\","));
  memcpy (strstr (contents, "\"item\","), "\"ITEM\"", 6);
  g_assert_true (g_file_set_contents (first, contents, -1, NULL));
  g_clear_object (&session);
  g_clear_object (&project);
  project = make_project (dir, NULL, NULL);
  session = make_session (project, url);

  issues = validate (session);
  g_assert_cmpuint (issues->len, ==, 1);
  issue = g_ptr_array_index (issues, 0);
  g_assert_cmpint (issue->kind, ==, STRATA_VALIDATE_EDITED);
  g_assert_cmpstr (issue->revision, ==, "aaaa00000001");
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_validate_before_run_async (session, NULL, on_done, &result);
    g_assert_false (strata_session_validate_before_run_finish (session, await (&result), &error));
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES);
    g_assert_nonnull (strstr (error->message, "aaaa00000001"));
    g_clear_error (&error);
  }

  /* repair: the new checksum recorded, validate is clean again */
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_repair_async (session, issues, NULL, on_done, &result);
    g_assert_true (strata_session_repair_finish (session, await (&result), &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = validate (session);
  g_assert_cmpuint (issues->len, ==, 0);

  /* inspect: the live schema, written as schema.json */
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autofree char *text = NULL;

    strata_session_inspect_async (session, schema_file, NULL, on_done, &result);
    live = strata_session_inspect_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strata_model_get_tables (live)->len, ==, 1);
    g_assert_true (g_file_get_contents (schema_path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "\"note\""));
    g_assert_null (strstr (text, "strata_version"));
  }

  /* Another branch checked out: the second file is gone, the database is
   * at it; the session takes in the copy the history stored, and rolls it
   * back with it */
  g_assert_cmpint (g_unlink (second), ==, 0);
  g_clear_object (&session);
  g_clear_object (&project);
  project = make_project (dir, NULL, NULL);
  session = make_session (project, url);
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_read_heads_with_stored_async (session, NULL, on_done, &result);
    heads = strata_session_read_heads_with_stored_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstrv (heads, ((const char * const[]) { "aaaa00000002", NULL }));
    g_assert_nonnull (strata_graph_lookup (strata_session_get_graph (session, NULL), "aaaa00000002"));
  }
  down = strata_session_plan (session, STRATA_DIRECTION_DOWN, (const char * const *)heads, "-1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_plan_get_n_steps (down), ==, 1);
  apply_plan (session, down);
  g_clear_pointer (&heads, g_strfreev);
  heads = strata_session_read_heads (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (heads, ((const char * const[]) { "aaaa00000001", NULL }));

  g_clear_object (&session);
  strata_test_rm_rf (dir);
}

/* baseline: a database made elsewhere gets a first revision equal to its
 * schema, and is stamped at it. */
static void
test_baseline_sqlite (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *db = g_build_filename (dir, "legacy.db", NULL);
  g_autofree char *url = g_strdup_printf ("sqlite:///%s", db);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;

  driver = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strata_driver_execute (driver, "CREATE TABLE legacy (id INTEGER PRIMARY KEY, label TEXT)",
                                        NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&driver);

  project = make_project (dir, NULL, NULL);
  session = make_session (project, url);

  strata_session_baseline_async (session, "base0001", "adopt legacy", NULL, on_done, &result);
  script = strata_session_baseline_finish (session, await (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_revision (script), ==, "base0001");
  path = g_file_get_path (strata_script_get_file (script));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"legacy\""));

  heads = strata_session_read_heads (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (heads, ((const char * const[]) { "base0001", NULL }));

  /* A bad revision id is refused before the database is touched */
  g_clear_object (&result);
  g_clear_object (&script);
  strata_session_baseline_async (session, "not a revision!", "again", NULL, on_done, &result);
  script = strata_session_baseline_finish (session, await (&result), &error);
  g_assert_null (script);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);

  g_clear_object (&session);
  strata_test_rm_rf (dir);
}

/* The session honours the project's schema=: inspect and the log read
 * the schema "shop", where the run put everything. */
static void
test_schema_postgresql (void)
{
  g_autofree char *db_url = strata_test_pg_create_database ();
  g_autofree char *dir = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataPlanFile) plan = NULL;
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(StrataDriver) observer = NULL;
  g_autoptr(StrataResult) rows = NULL;
  g_autoptr(GError) error = NULL;

  if (db_url == NULL)
    return;

  dir = strata_test_mkdtemp ();
  project = make_project (dir, "schema=shop\nlock-timeout=2s\nstatement-timeout=30s\n",
                          "aaaa00000001_item.json", ITEM_JSON, NULL);
  session = make_session (project, db_url);

  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_write_plan_file_async (session, STRATA_DIRECTION_UP, "head", NULL, NULL, on_done, &result);
    plan = strata_session_write_plan_file_finish (session, await (&result), &error);
    g_assert_no_error (error);
  }
  apply_plan (session, strata_plan_file_get_plan (plan));

  observer = strata_driver_open (db_url, NULL, NULL, &error);
  g_assert_no_error (error);
  rows = strata_driver_query (observer,
                              "SELECT (SELECT count(*) FROM shop.strata_version)::text, "
                              "to_regclass('shop.item') IS NOT NULL, "
                              "(SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public')::text",
                              NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_result_get_value (rows, 0, 0), ==, "1");
  g_assert_cmpstr (strata_result_get_value (rows, 0, 1), ==, "t");
  g_assert_cmpstr (strata_result_get_value (rows, 0, 2), ==, "0");

  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_inspect_async (session, NULL, NULL, on_done, &result);
    live = strata_session_inspect_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strata_model_get_tables (live)->len, ==, 1);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_read_log_async (session, NULL, on_done, &result);
    entries = strata_session_read_log_finish (session, await (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 1);
    g_assert_cmpstr (((StrataLogEntry *)g_ptr_array_index (entries, 0))->outcome, ==, "success");
  }

  g_clear_object (&session);
  g_clear_object (&observer);
  strata_test_pg_drop_database (db_url);
  strata_test_rm_rf (dir);
}

/* revision (--autogenerate) and merge: made, filled and written through
 * the session. */
static void
test_revision (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(StrataScript) base = NULL;
  g_autoptr(StrataScript) merge = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const char * const heads[] = { "heads", NULL };

  project = make_project (dir, "model=schema.json\n", "aaaa00000001_item.json", ITEM_JSON, NULL);
  write_file (dir, "schema.json",
              "{\"tables\": [{\"table\": \"item\", \"columns\": [\n"
              "  {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},\n"
              "  {\"name\": \"name\", \"type\": \"text\"},\n"
              "  {\"name\": \"note\", \"type\": \"text\"}]}]}\n");
  session = strata_session_new (project, NULL);

  script = strata_session_new_revision (session, "note", NULL, FALSE, NULL, NULL, "bbbb00000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (strata_script_get_down_revisions (script), ((const char * const[]) { "aaaa00000001", NULL }));
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_autogenerate_revision_async (session, script, NULL, NULL, on_done, &result);
    diff = strata_session_autogenerate_revision_finish (session, await (&result), &warnings, &error);
    g_assert_no_error (error);
    g_assert_nonnull (warnings);
    g_assert_cmpuint (strata_diff_get_ops (diff)->len, ==, 1);
    g_assert_cmpuint (strata_script_get_upgrade (script)->len, ==, 1);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    strata_session_write_revision_async (session, script, NULL, on_done, &result);
    file = strata_session_write_revision_finish (session, await (&result), &error);
    g_assert_no_error (error);
    path = g_file_get_path (file);
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "add_column"));
  }

  /* The project read again: a second base, then a merge of the heads */
  g_clear_object (&session);
  g_clear_object (&project);
  project = make_project (dir, "model=schema.json\n", NULL);
  session = strata_session_new (project, NULL);

  g_assert_null (strata_session_new_revision (session, "again", NULL, FALSE, NULL, NULL, "bbbb00000001", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  base = strata_session_new_revision (session, "other", "base", FALSE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strata_script_get_down_revisions (base)[0]);
  g_clear_object (&file);
  file = strata_session_write_revision (session, base, &error);
  g_assert_no_error (error);

  g_clear_object (&session);
  g_clear_object (&project);
  project = make_project (dir, "model=schema.json\n", NULL);
  session = strata_session_new (project, NULL);

  merge = strata_session_new_merge (session, "merge", heads, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length ((char **)strata_script_get_down_revisions (merge)), ==, 2);
  g_clear_object (&file);
  file = strata_session_write_revision (session, merge, &error);
  g_assert_no_error (error);

  g_clear_object (&session);
  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/session/deploy/sqlite", test_deploy_sqlite);
  g_test_add_func ("/strata/session/baseline/sqlite", test_baseline_sqlite);
  g_test_add_func ("/strata/session/revision", test_revision);
  g_test_add_func ("/strata/session/schema/postgresql", test_schema_postgresql);

  return g_test_run ();
}
