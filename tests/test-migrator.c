/* test-migrator.c: running plans on real SQLite files and on databases of
 * the throwaway PostgreSQL server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case runs on both backends (/strata/migrator/sqlite/…,
 * /strata/migrator/postgresql/…) unless it is about one of them.
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-driver-sqlite.h"
#include "strata-test-util.h"

#define ENDLESS_SQL \
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000000) " \
  "SELECT count(*) FROM c"
#define ENDLESS_SQL_PG "SELECT pg_sleep(60)"

typedef struct
{
  const char    *name;
  StrataDialect  dialect;
} Backend;

static const Backend sqlite_backend = { "sqlite", STRATA_DIALECT_SQLITE };
static const Backend pg_backend = { "postgresql", STRATA_DIALECT_POSTGRESQL };

typedef struct
{
  const Backend  *backend;
  char           *pg_url;
  char           *dir;
  char           *old_cwd;
  char           *db_path;
  GFile          *migrations;
  StrataDriver   *driver;
  StrataMigrator *migrator;
  /* a second connection, to look at the file as another process would */
  StrataDriver   *observer;
  GHashTable     *scripts;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *migrations = NULL;

  fixture->dir = strata_test_mkdtemp ();
  fixture->old_cwd = g_get_current_dir ();
  /* Error messages name files relative to the current directory */
  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);

  migrations = g_build_filename (fixture->dir, "migrations", NULL);
  g_assert_cmpint (g_mkdir (migrations, 0755), ==, 0);
  fixture->migrations = g_file_new_for_path (migrations);

  fixture->backend = data;
  if (fixture->backend->dialect == STRATA_DIALECT_POSTGRESQL)
    {
      fixture->pg_url = strata_test_pg_create_database ();
      g_assert_nonnull (fixture->pg_url);
      fixture->driver = strata_driver_open (fixture->pg_url, NULL, NULL, &error);
      g_assert_no_error (error);
      fixture->observer = strata_driver_open (fixture->pg_url, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  else
    {
      fixture->db_path = g_build_filename (fixture->dir, "app.db", NULL);
      fixture->driver = strata_driver_sqlite_open (fixture->db_path, FALSE, &error);
      g_assert_no_error (error);
      fixture->observer = strata_driver_sqlite_open (fixture->db_path, FALSE, &error);
      g_assert_no_error (error);
    }
  fixture->migrator = strata_migrator_new (fixture->driver, NULL);
  fixture->scripts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->migrator);
  g_clear_object (&fixture->driver);
  g_clear_object (&fixture->observer);
  g_clear_object (&fixture->migrations);
  g_clear_pointer (&fixture->scripts, g_hash_table_unref);
  g_assert_cmpint (g_chdir (fixture->old_cwd), ==, 0);
  strata_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->old_cwd);
  g_free (fixture->db_path);
  strata_test_pg_drop_database (fixture->pg_url);
  g_free (fixture->pg_url);
}

static gboolean
is_pg (Fixture *fixture)
{
  return fixture->backend->dialect == STRATA_DIALECT_POSTGRESQL;
}

/* The text each backend gives */
static const char *
pick (Fixture    *fixture,
      const char *sqlite,
      const char *postgresql)
{
  return is_pg (fixture) ? postgresql : sqlite;
}

/* Another connection to the same database, as another process would have */
static StrataDriver *
open_other (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  StrataDriver *driver;

  if (is_pg (fixture))
    driver = strata_driver_open (fixture->pg_url, NULL, NULL, &error);
  else
    driver = strata_driver_sqlite_open (fixture->db_path, FALSE, &error);
  g_assert_no_error (error);

  return driver;
}

/* Writes migrations/<revision>_<slug>.json and loads it back, as a project
 * would. @body is the JSON object's members after revision/down_revision. */
static StrataScript *
add_script (Fixture    *fixture,
            const char *revision,
            const char *down_revision_json,
            const char *slug,
            const char *body)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("%s_%s.json", revision, slug);
  g_autoptr(GFile) file = g_file_get_child (fixture->migrations, name);
  g_autofree char *json = g_strdup_printf ("{\n  \"revision\": \"%s\",\n  \"down_revision\": %s,\n%s\n}\n",
                                           revision, down_revision_json, body);
  StrataScript *script;

  g_assert_true (g_file_replace_contents (file, json, strlen (json), NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);

  script = strata_script_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (script);
  g_hash_table_insert (fixture->scripts, g_strdup (revision), script);

  return script;
}

static StrataScript *
get_script (Fixture    *fixture,
            const char *revision)
{
  StrataScript *script = g_hash_table_lookup (fixture->scripts, revision);

  g_assert_nonnull (script);
  return script;
}

/* "a1" or "a1,b2" or "" into a heads vector */
static char **
heads_from_string (const char *text)
{
  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, ",", -1);
}

static void
plan_add (Fixture         *fixture,
          StrataPlan      *plan,
          const char      *revision,
          StrataDirection  direction,
          const char      *before,
          const char      *after)
{
  g_auto(GStrv) b = heads_from_string (before);
  g_auto(GStrv) a = heads_from_string (after);
  g_autoptr(StrataStep) step = strata_step_new (get_script (fixture, revision), direction,
                                                (const char * const *)b, (const char * const *)a);

  strata_plan_append (plan, step);
}

static StrataPlan *
plan_new (StrataDirection  direction,
          const char      *before)
{
  g_auto(GStrv) b = heads_from_string (before);

  return strata_plan_new (direction, NULL, (const char * const *)b);
}

static char *
observed_heads (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataResult) result = NULL;
  gboolean exists;

  g_assert_true (strata_driver_table_exists (fixture->observer, "strata_version", &exists, NULL, &error));
  g_assert_no_error (error);
  if (!exists)
    return g_strdup ("(none)");

  result = strata_driver_query (fixture->observer,
                                "SELECT version_num FROM strata_version ORDER BY 1",
                                NULL, &error);
  g_assert_no_error (error);

  {
    GString *out = g_string_new (NULL);

    for (guint i = 0; i < strata_result_get_n_rows (result); i++)
      g_string_append_printf (out, "%s%s", i > 0 ? "," : "", strata_result_get_value (result, i, 0));

    return g_string_free (out, FALSE);
  }
}

static gboolean
observed_table_exists (Fixture    *fixture,
                       const char *table)
{
  g_autoptr(GError) error = NULL;
  gboolean exists;

  g_assert_true (strata_driver_table_exists (fixture->observer, table, &exists, NULL, &error));
  g_assert_no_error (error);

  return exists;
}

/* "rev:direction:outcome" per history row, newest first */
static char *
history_summary (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataResult) history = strata_migrator_get_history (fixture->migrator, NULL, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);

  for (guint i = 0; i < strata_result_get_n_rows (history); i++)
    {
      if (i > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s:%s:%s",
                              strata_result_get_value (history, i, 1),
                              strata_result_get_value (history, i, 2),
                              strata_result_get_value (history, i, 10));
    }

  return g_string_free (out, FALSE);
}

static void
assert_mentions (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", haystack, needle);
}

/* A small project: account (a1), its email column (b2), an index on it
 * (c3, with no downgrade: the inverse is computed). */
static void
add_account_scripts (Fixture *fixture)
{
  add_script (fixture, "a1a1a1a1a1a1", "null", "create_account",
              "  \"message\": \"create account\",\n"
              "  \"upgrade\": [ {\"op\": \"create_table\", \"table\": \"account\", \"columns\": [\n"
              "    {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},\n"
              "    {\"name\": \"name\", \"type\": \"text\"} ] } ],\n"
              "  \"downgrade\": [ {\"op\": \"drop_table\", \"table\": \"account\"} ]");
  add_script (fixture, "b2b2b2b2b2b2", "\"a1a1a1a1a1a1\"", "add_email",
              "  \"message\": \"add email\",\n"
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"ALTER TABLE account ADD COLUMN email TEXT\",\n"
              "                  \"reverse\": \"ALTER TABLE account DROP COLUMN email\"} ]");
  add_script (fixture, "c3c3c3c3c3c3", "\"b2b2b2b2b2b2\"", "index_email",
              "  \"message\": \"index email\",\n"
              "  \"upgrade\": [ {\"op\": \"create_index\", \"table\": \"account\",\n"
              "                  \"name\": \"ix_account_email\", \"columns\": [\"email\"]} ]");
}

typedef struct
{
  Fixture  *fixture;
  GString  *log;
  GThread  *thread;
} Observer;

static void
on_step_started (StrataMigrator *migrator,
                 StrataStep     *step,
                 guint           index,
                 guint           n_steps,
                 Observer       *observer)
{
  g_assert_true (observer->thread == NULL || observer->thread == g_thread_self ());
  g_string_append_printf (observer->log, "started %s %u/%u\n", strata_step_get_revision (step), index, n_steps);
}

static void
on_statement (StrataMigrator *migrator,
              StrataStep     *step,
              const char     *sql,
              Observer       *observer)
{
  g_autofree char *first = g_strndup (sql, strcspn (sql, " "));

  g_assert_true (observer->thread == NULL || observer->thread == g_thread_self ());
  g_string_append_printf (observer->log, "statement %s %s\n", strata_step_get_revision (step), first);
}

static void
on_step_finished (StrataMigrator *migrator,
                  StrataStep     *step,
                  guint           index,
                  guint           n_steps,
                  double          seconds,
                  Observer       *observer)
{
  g_assert_true (observer->thread == NULL || observer->thread == g_thread_self ());
  g_assert_cmpfloat (seconds, >=, 0);
  g_string_append_printf (observer->log, "finished %s %u/%u", strata_step_get_revision (step), index, n_steps);

  /* After each step, another connection sees it committed */
  if (observer->thread == NULL)
    {
      g_autofree char *heads = observed_heads (observer->fixture);
      g_string_append_printf (observer->log, " [%s]", heads);
    }
  g_string_append_c (observer->log, '\n');
}

static void
observer_connect (Observer       *observer,
                  Fixture        *fixture,
                  StrataMigrator *migrator)
{
  observer->fixture = fixture;
  observer->log = g_string_new (NULL);
  g_signal_connect (migrator, "step-started", G_CALLBACK (on_step_started), observer);
  g_signal_connect (migrator, "statement", G_CALLBACK (on_statement), observer);
  g_signal_connect (migrator, "step-finished", G_CALLBACK (on_step_finished), observer);
}

static void
observer_finish (Observer       *observer,
                 StrataMigrator *migrator)
{
  g_signal_handlers_disconnect_by_data (migrator, observer);
  g_string_free (observer->log, TRUE);
}

static void
test_empty_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = strata_migrator_get_current_heads (fixture->migrator, NULL, &error);
  g_autoptr(StrataResult) history = strata_migrator_get_history (fixture->migrator, NULL, &error);
  g_autoptr(StrataPlan) empty = plan_new (STRATA_DIRECTION_UP, NULL);

  g_assert_no_error (error);
  g_assert_nonnull (heads);
  g_assert_cmpuint (g_strv_length (heads), ==, 0);
  g_assert_cmpuint (strata_result_get_n_rows (history), ==, 0);
  g_assert_cmpuint (strata_result_get_n_columns (history), ==, 11);
  g_assert_cmpstr (strata_result_get_column_name (history, 10), ==, "outcome");

  /* An empty plan touches nothing */
  g_assert_true (strata_migrator_run (fixture->migrator, empty, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (observed_table_exists (fixture, "strata_version"));

  g_assert_cmpstr (strata_migrator_get_version_table (fixture->migrator), ==, "strata_version");
  g_assert_cmpstr (strata_migrator_get_history_table (fixture->migrator), ==, "strata_history");
  g_assert_true (strata_migrator_get_driver (fixture->migrator) == fixture->driver);
}

static void
test_upgrade_and_downgrade (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataPlan) down = plan_new (STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3");
  g_autoptr(StrataResult) history = NULL;
  g_autoptr(GRegex) iso = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$", 0, 0, NULL);
  g_auto(GStrv) heads = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *summary_down = NULL;
  Observer observer = { 0 };

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, up, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");
  plan_add (fixture, up, "c3c3c3c3c3c3", STRATA_DIRECTION_UP, "b2b2b2b2b2b2", "c3c3c3c3c3c3");

  observer_connect (&observer, fixture, fixture->migrator);
  g_assert_true (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (observer.log->str, ==,
                   "started a1a1a1a1a1a1 0/3\n"
                   "statement a1a1a1a1a1a1 CREATE\n"
                   "finished a1a1a1a1a1a1 0/3 [a1a1a1a1a1a1]\n"
                   "started b2b2b2b2b2b2 1/3\n"
                   "statement b2b2b2b2b2b2 ALTER\n"
                   "finished b2b2b2b2b2b2 1/3 [b2b2b2b2b2b2]\n"
                   "started c3c3c3c3c3c3 2/3\n"
                   "statement c3c3c3c3c3c3 CREATE\n"
                   "finished c3c3c3c3c3c3 2/3 [c3c3c3c3c3c3]\n");

  heads = strata_migrator_get_current_heads (fixture->migrator, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (heads, ((const char *[]) { "c3c3c3c3c3c3", NULL }));
  g_assert_true (observed_table_exists (fixture, "account"));

  history = strata_migrator_get_history (fixture->migrator, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (history), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const revisions[] = { "c3c3c3c3c3c3", "b2b2b2b2b2b2", "a1a1a1a1a1a1" };
      StrataScript *script = get_script (fixture, revisions[i]);

      g_assert_cmpstr (strata_result_get_value (history, i, 1), ==, revisions[i]);
      g_assert_cmpstr (strata_result_get_value (history, i, 2), ==, "up");
      g_assert_cmpstr (strata_result_get_value (history, i, 3), ==, strata_script_get_checksum (script));
      g_assert_true (g_regex_match (iso, strata_result_get_value (history, i, 4), 0, NULL));
      g_assert_true (g_regex_match (iso, strata_result_get_value (history, i, 5), 0, NULL));
      g_assert_cmpint (g_ascii_strtoll (strata_result_get_value (history, i, 6), NULL, 10), >=, 0);
      g_assert_cmpstr (strata_result_get_value (history, i, 7), ==, g_get_user_name ());
      g_assert_cmpstr (strata_result_get_value (history, i, 8), ==, g_get_host_name ());
      g_assert_cmpstr (strata_result_get_value (history, i, 9), ==, PACKAGE_VERSION);
      g_assert_cmpstr (strata_result_get_value (history, i, 10), ==, "success");
    }
  g_assert_cmpint (g_ascii_strtoll (strata_result_get_value (history, 0, 0), NULL, 10), >,
                   g_ascii_strtoll (strata_result_get_value (history, 2, 0), NULL, 10));

  /* Down to base: explicit downgrade (a1), reverse sql (b2), computed
   * inverse (c3) */
  g_string_truncate (observer.log, 0);
  plan_add (fixture, down, "c3c3c3c3c3c3", STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3", "b2b2b2b2b2b2");
  plan_add (fixture, down, "b2b2b2b2b2b2", STRATA_DIRECTION_DOWN, "b2b2b2b2b2b2", "a1a1a1a1a1a1");
  plan_add (fixture, down, "a1a1a1a1a1a1", STRATA_DIRECTION_DOWN, "a1a1a1a1a1a1", "");
  g_assert_true (strata_migrator_run (fixture->migrator, down, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (observer.log->str, ==,
                   "started c3c3c3c3c3c3 0/3\n"
                   "statement c3c3c3c3c3c3 DROP\n"
                   "finished c3c3c3c3c3c3 0/3 [b2b2b2b2b2b2]\n"
                   "started b2b2b2b2b2b2 1/3\n"
                   "statement b2b2b2b2b2b2 ALTER\n"
                   "finished b2b2b2b2b2b2 1/3 [a1a1a1a1a1a1]\n"
                   "started a1a1a1a1a1a1 2/3\n"
                   "statement a1a1a1a1a1a1 DROP\n"
                   "finished a1a1a1a1a1a1 2/3 []\n");
  g_assert_false (observed_table_exists (fixture, "account"));

  summary_down = history_summary (fixture);
  g_assert_cmpstr (summary_down, ==,
                   "a1a1a1a1a1a1:down:success b2b2b2b2b2b2:down:success c3c3c3c3c3c3:down:success "
                   "c3c3c3c3c3c3:up:success b2b2b2b2b2b2:up:success a1a1a1a1a1a1:up:success");

  observer_finish (&observer, fixture->migrator);
}

static void
test_branches_and_merge (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_auto(GStrv) heads = NULL;
  Observer observer = { 0 };

  add_script (fixture, "base00000000", "null", "base",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE t (x int)\"} ]");
  add_script (fixture, "left00000000", "\"base00000000\"", "left",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE l (x int)\"} ]");
  add_script (fixture, "right0000000", "\"base00000000\"", "right",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE r (x int)\"} ]");
  add_script (fixture, "merge0000000", "[\"left00000000\", \"right0000000\"]", "merge",
              "  \"upgrade\": []");

  plan_add (fixture, up, "base00000000", STRATA_DIRECTION_UP, "", "base00000000");
  plan_add (fixture, up, "left00000000", STRATA_DIRECTION_UP, "base00000000", "left00000000");
  plan_add (fixture, up, "right0000000", STRATA_DIRECTION_UP, "left00000000", "left00000000,right0000000");
  plan_add (fixture, up, "merge0000000", STRATA_DIRECTION_UP, "left00000000,right0000000", "merge0000000");

  observer_connect (&observer, fixture, fixture->migrator);
  g_assert_true (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_no_error (error);
  assert_mentions (observer.log->str, "finished right0000000 2/4 [left00000000,right0000000]\n");
  assert_mentions (observer.log->str, "finished merge0000000 3/4 [merge0000000]\n");
  observer_finish (&observer, fixture->migrator);

  heads = strata_migrator_get_current_heads (fixture->migrator, NULL, &error);
  g_assert_cmpstrv (heads, ((const char *[]) { "merge0000000", NULL }));
}

static void
test_failure_rolls_back (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *heads = NULL;
  g_autofree char *summary = NULL;

  add_account_scripts (fixture);
  add_script (fixture, "3c1f0a9e2b7d", "\"a1a1a1a1a1a1\"", "add_index",
              "  \"message\": \"add index\",\n"
              "  \"upgrade\": [\n"
              "    {\"op\": \"sql\", \"sql\": \"CREATE TABLE half (x int)\"},\n"
              "    {\"op\": \"sql\", \"sql\": \"INSERT INTO account (id, name) VALUES (1, 'half')\"},\n"
              "    {\"op\": \"create_index\", \"table\": \"account\", \"name\": \"ix_account_emial\",\n"
              "     \"columns\": [\"emial\"]}\n"
              "  ]");

  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, up, "3c1f0a9e2b7d", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "3c1f0a9e2b7d");

  g_assert_false (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message,
                                   "revision 3c1f0a9e2b7d (migrations/3c1f0a9e2b7d_add_index.json): CREATE "));
  assert_mentions (error->message, "ix_account_emial");
  g_assert_true (g_str_has_suffix (error->message, pick (fixture, ": no such column: emial",
                                                               ": column \"emial\" does not exist")));
  g_clear_error (&error);

  /* At the last good revision, nothing of the failed one left */
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "a1a1a1a1a1a1");
  g_assert_true (observed_table_exists (fixture, "account"));
  g_assert_false (observed_table_exists (fixture, "half"));
  g_assert_false (strata_driver_in_transaction (fixture->driver));
  {
    g_autoptr(StrataResult) rows = strata_driver_query (fixture->observer, "SELECT count(*) FROM account", NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (strata_result_get_value (rows, 0, 0), ==, "0");
  }

  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "3c1f0a9e2b7d:up:failed a1a1a1a1a1a1:up:success");
}

static void
test_failure_in_first_step_on_empty_database (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *heads = NULL;
  g_autofree char *summary = NULL;

  add_script (fixture, "bad000000000", "null", "bad",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE ok (x int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE TABLE ok (x int)\"} ]");
  plan_add (fixture, up, "bad000000000", STRATA_DIRECTION_UP, "", "bad000000000");

  g_assert_false (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==,
                   pick (fixture,
                         "revision bad000000000 (migrations/bad000000000_bad.json): "
                         "CREATE TABLE ok (x int): table ok already exists",
                         "revision bad000000000 (migrations/bad000000000_bad.json): "
                         "CREATE TABLE ok (x int): relation \"ok\" already exists"));
  g_assert_false (observed_table_exists (fixture, "ok"));

  /* The version table is there (empty) and so is the failure's record */
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "");
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "bad000000000:up:failed");
}

static void
test_non_transactional (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) good = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataPlan) bad = plan_new (STRATA_DIRECTION_UP, "n1n1n1n1n1n1");
  g_autoptr(StrataPlan) fixed = plan_new (STRATA_DIRECTION_UP, "n1n1n1n1n1n1");
  g_autofree char *heads = NULL;
  g_autofree char *heads_after = NULL;
  g_autofree char *summary = NULL;

  add_script (fixture, "n1n1n1n1n1n1", "null", "outside",
              "  \"transactional\": false,\n"
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE t0 (x int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE INDEX ix_t0_x ON t0 (x)\"} ]");
  add_script (fixture, "n2n2n2n2n2n2", "\"n1n1n1n1n1n1\"", "halfway",
              "  \"transactional\": false,\n"
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE t1 (x int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE TABLE t2 (y int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"INSERT INTO nope VALUES (1)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE TABLE t3 (z int)\"} ]");

  plan_add (fixture, good, "n1n1n1n1n1n1", STRATA_DIRECTION_UP, "", "n1n1n1n1n1n1");
  g_assert_true (strata_migrator_run (fixture->migrator, good, NULL, &error));
  g_assert_no_error (error);
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "n1n1n1n1n1n1");
  g_assert_true (observed_table_exists (fixture, "t0"));

  plan_add (fixture, bad, "n2n2n2n2n2n2", STRATA_DIRECTION_UP, "n1n1n1n1n1n1", "n2n2n2n2n2n2");
  g_assert_false (strata_migrator_run (fixture->migrator, bad, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==,
                   pick (fixture,
                         "revision n2n2n2n2n2n2 (migrations/n2n2n2n2n2n2_halfway.json): "
                         "INSERT INTO nope VALUES (1): no such table: nope "
                         "(not transactional: already ran and stay applied: CREATE TABLE t1 (x int); "
                         "CREATE TABLE t2 (y int); the revision was not recorded in strata_version, "
                         "and the next run resumes after them)",
                         "revision n2n2n2n2n2n2 (migrations/n2n2n2n2n2n2_halfway.json): "
                         "INSERT INTO nope VALUES (1): relation \"nope\" does not exist "
                         "(not transactional: already ran and stay applied: CREATE TABLE t1 (x int); "
                         "CREATE TABLE t2 (y int); the revision was not recorded in strata_version, "
                         "and the next run resumes after them)"));

  /* What ran stays, what did not run did not, and the version is unchanged */
  g_assert_true (observed_table_exists (fixture, "t1"));
  g_assert_true (observed_table_exists (fixture, "t2"));
  g_assert_false (observed_table_exists (fixture, "t3"));
  heads_after = observed_heads (fixture);
  g_assert_cmpstr (heads_after, ==, "n1n1n1n1n1n1");
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "n2n2n2n2n2n2:up:failed n2n2n2n2n2n2:up:partial n1n1n1n1n1n1:up:success");

  /* The failing statement fixed, the next run resumes after the two that
   * completed (running them again would fail: "already exists"). */
  add_script (fixture, "n2n2n2n2n2n2", "\"n1n1n1n1n1n1\"", "halfway",
              "  \"transactional\": false,\n"
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE t1 (x int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE TABLE t2 (y int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE TABLE nope (a int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"CREATE TABLE t3 (z int)\"} ]");
  plan_add (fixture, fixed, "n2n2n2n2n2n2", STRATA_DIRECTION_UP, "n1n1n1n1n1n1", "n2n2n2n2n2n2");
  g_clear_error (&error);
  g_assert_true (strata_migrator_run (fixture->migrator, fixed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (observed_table_exists (fixture, "t3"));
  g_clear_pointer (&heads_after, g_free);
  heads_after = observed_heads (fixture);
  g_assert_cmpstr (heads_after, ==, "n2n2n2n2n2n2");
  g_clear_pointer (&summary, g_free);
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "n2n2n2n2n2n2:up:success n2n2n2n2n2n2:up:failed "
                                "n2n2n2n2n2n2:up:interrupted n1n1n1n1n1n1:up:success");
}

static void
test_skip_when_applied_elsewhere (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) other_driver = NULL;
  g_autoptr(StrataMigrator) other = NULL;
  g_autoptr(StrataPlan) first = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataPlan) full = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataPlan) again = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *heads = NULL;
  g_autofree char *summary = NULL;
  Observer observer = { 0 };

  add_account_scripts (fixture);
  plan_add (fixture, first, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  for (guint i = 0; i < 2; i++)
    {
      StrataPlan *plan = i == 0 ? full : again;

      plan_add (fixture, plan, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
      plan_add (fixture, plan, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");
      plan_add (fixture, plan, "c3c3c3c3c3c3", STRATA_DIRECTION_UP, "b2b2b2b2b2b2", "c3c3c3c3c3c3");
    }

  /* Another process applies the first step after we planned */
  other_driver = open_other (fixture);
  other = strata_migrator_new (other_driver, NULL);
  g_assert_true (strata_migrator_run (other, first, NULL, &error));
  g_assert_no_error (error);

  /* Our stale plan goes on from where the database is */
  observer_connect (&observer, fixture, fixture->migrator);
  g_assert_true (strata_migrator_run (fixture->migrator, full, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (observer.log->str, "started a1a1a1a1a1a1"));
  assert_mentions (observer.log->str, "started b2b2b2b2b2b2 1/3\n");
  assert_mentions (observer.log->str, "finished c3c3c3c3c3c3 2/3 [c3c3c3c3c3c3]\n");

  observer_finish (&observer, fixture->migrator);

  /* For the other process, everything was applied already: nothing runs */
  observer_connect (&observer, fixture, other);
  g_assert_true (strata_migrator_run (other, again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (observer.log->str, ==, "");
  observer_finish (&observer, other);

  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "c3c3c3c3c3c3");
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "c3c3c3c3c3c3:up:success b2b2b2b2b2b2:up:success a1a1a1a1a1a1:up:success");
}

static void
test_unexpected_state (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  const char *foreign[] = { "ffffffffffff", NULL };
  g_autofree char *heads = NULL;

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, up, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");

  g_assert_true (strata_migrator_stamp (fixture->migrator, foreign, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_STATE);
  g_assert_cmpstr (error->message, ==,
                   "revision a1a1a1a1a1a1 (migrations/a1a1a1a1a1a1_create_account.json): cannot upgrade: "
                   "the version table strata_version holds ffffffffffff, expected (base)");
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "ffffffffffff");
  g_assert_false (observed_table_exists (fixture, "account"));
}

typedef struct
{
  GCancellable *cancellable;
  GThread      *thread;
} Canceller;

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

static void
on_statement_cancel (StrataMigrator *migrator,
                     StrataStep     *step,
                     const char     *sql,
                     Canceller      *canceller)
{
  if ((g_str_has_prefix (sql, "WITH RECURSIVE") || g_str_has_prefix (sql, ENDLESS_SQL_PG)) &&
      canceller->thread == NULL)
    canceller->thread = g_thread_new ("cancel", cancel_soon, canceller->cancellable);
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *heads = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *summary2 = NULL;
  Canceller canceller = { cancellable, NULL };
  gulong handler;

  g_autofree char *slow = g_strdup_printf ("  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE slow (x int)\"},\n"
                                          "                 {\"op\": \"sql\", \"sql\": \"%s\"} ]",
                                          pick (fixture, ENDLESS_SQL, ENDLESS_SQL_PG));
  g_autofree char *expected = g_strdup_printf ("revision slow00000000 (migrations/slow00000000_slow.json): %s",
                                               pick (fixture, "WITH RECURSIVE", "SELECT pg_sleep"));

  add_script (fixture, "fast00000000", "null", "fast",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE fast (x int)\"} ]");
  add_script (fixture, "slow00000000", "\"fast00000000\"", "slow", slow);
  plan_add (fixture, up, "fast00000000", STRATA_DIRECTION_UP, "", "fast00000000");
  plan_add (fixture, up, "slow00000000", STRATA_DIRECTION_UP, "fast00000000", "slow00000000");

  handler = g_signal_connect (fixture->migrator, "statement", G_CALLBACK (on_statement_cancel), &canceller);
  g_assert_false (strata_migrator_run (fixture->migrator, up, cancellable, &error));
  g_signal_handler_disconnect (fixture->migrator, handler);
  g_assert_nonnull (canceller.thread);
  g_thread_join (canceller.thread);

  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  assert_mentions (error->message, expected);
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "fast00000000");
  g_assert_false (observed_table_exists (fixture, "slow"));
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "slow00000000:up:cancelled fast00000000:up:success");
  g_clear_error (&error);

  /* Cancelled before it starts: nothing happens */
  g_assert_false (strata_migrator_run (fixture->migrator, up, cancellable, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "cancelled before revision fast00000000");
  summary2 = history_summary (fixture);
  g_assert_cmpstr (summary2, ==, summary);
}

static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *expected = NULL;

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");

  strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (fixture->driver), 100);
  g_assert_true (strata_driver_execute (fixture->observer, "BEGIN IMMEDIATE", NULL, &error));
  g_assert_false (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  expected = g_strdup_printf ("revision a1a1a1a1a1a1 (migrations/a1a1a1a1a1a1_create_account.json): "
                              "database is locked: %s: another connection held its lock for more than 0.1 s "
                              "(add ?timeout=SECONDS to the URL to wait longer)", fixture->db_path);
  g_assert_cmpstr (error->message, ==, expected);
  strata_driver_rollback (fixture->observer);
  g_clear_error (&error);

  g_assert_true (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_no_error (error);
}

static void
test_stamp (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *both[] = { "b2b2b2b2b2b2", "a1a1a1a1a1a1", NULL };
  const char *one[] = { "b2b2b2b2b2b2", NULL };
  const char *bad[] = { "not-a-revision", NULL };
  g_autofree char *heads1 = NULL;
  g_autofree char *heads2 = NULL;
  g_autofree char *heads3 = NULL;
  g_autofree char *summary = NULL;

  g_assert_true (strata_migrator_stamp (fixture->migrator, both, NULL, &error));
  g_assert_no_error (error);
  heads1 = observed_heads (fixture);
  g_assert_cmpstr (heads1, ==, "a1a1a1a1a1a1,b2b2b2b2b2b2");

  g_assert_true (strata_migrator_stamp (fixture->migrator, one, NULL, &error));
  heads2 = observed_heads (fixture);
  g_assert_cmpstr (heads2, ==, "b2b2b2b2b2b2");

  g_assert_true (strata_migrator_stamp (fixture->migrator, NULL, NULL, &error));
  g_assert_no_error (error);
  heads3 = observed_heads (fixture);
  g_assert_cmpstr (heads3, ==, "");

  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==,
                   "b2b2b2b2b2b2:unstamp:success a1a1a1a1a1a1:unstamp:success "
                   "b2b2b2b2b2b2:stamp:success a1a1a1a1a1a1:stamp:success");

  g_assert_false (strata_migrator_stamp (fixture->migrator, bad, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  assert_mentions (error->message, "not-a-revision");
}

static void
test_custom_tables (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataResult) rows = NULL;
  g_auto(GStrv) heads = NULL;

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");

  /* Taking over an Alembic database */
  g_assert_true (strata_driver_execute (fixture->observer,
                                        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL,"
                                        " CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))",
                                        NULL, &error));
  g_assert_no_error (error);
  strata_migrator_set_version_table (fixture->migrator, "alembic_version");
  strata_migrator_set_history_table (fixture->migrator, "my_history");
  g_assert_true (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_no_error (error);

  heads = strata_migrator_get_current_heads (fixture->migrator, NULL, &error);
  g_assert_cmpstrv (heads, ((const char *[]) { "a1a1a1a1a1a1", NULL }));
  g_assert_false (observed_table_exists (fixture, "strata_version"));
  rows = strata_driver_query (fixture->observer, "SELECT revision FROM my_history", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_result_get_value (rows, 0, 0), ==, "a1a1a1a1a1a1");
}

static void
test_offline_sql (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataPlan) down = plan_new (STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3");
  g_autoptr(StrataPlan) pg = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *sql = NULL;
  g_autofree char *down_sql = NULL;
  g_autofree char *pg_sql = NULL;
  g_autofree char *heads = NULL;
  g_autofree char *heads_down = NULL;
  const char *a1;
  const char *b2;

  add_account_scripts (fixture);
  add_script (fixture, "d4d4d4d4d4d4", "\"c3c3c3c3c3c3\"", "concurrently",
              "  \"message\": \"outside a transaction\\nsecond line\",\n"
              "  \"transactional\": false,\n"
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE d (x);\"} ]");
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, up, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");
  plan_add (fixture, up, "c3c3c3c3c3c3", STRATA_DIRECTION_UP, "b2b2b2b2b2b2", "c3c3c3c3c3c3");
  plan_add (fixture, up, "d4d4d4d4d4d4", STRATA_DIRECTION_UP, "c3c3c3c3c3c3", "d4d4d4d4d4d4");

  sql = strata_migrator_render_offline_sql (NULL, up, STRATA_DIALECT_SQLITE, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", sql);

  assert_mentions (sql, "strata_version");
  assert_mentions (sql, "-- Running upgrade <base> -> a1a1a1a1a1a1, create account\n");
  assert_mentions (sql, "-- Running upgrade a1a1a1a1a1a1 -> b2b2b2b2b2b2, add email\n\nBEGIN;\n\n"
                        "ALTER TABLE account ADD COLUMN email TEXT;\n\n");
  assert_mentions (sql, "-- Running upgrade c3c3c3c3c3c3 -> d4d4d4d4d4d4, outside a transaction\n"
                        "-- (not transactional");
  g_assert_null (strstr (sql, "second line"));
  a1 = strstr (sql, "a1a1a1a1a1a1, create account");
  b2 = strstr (sql, "b2b2b2b2b2b2, add email");
  g_assert_true (a1 != NULL && b2 != NULL && a1 < b2);
  g_assert_null (strstr (sql, "CREATE TABLE d (x);;"));
  /* the CREATE of the version table comes first */
  g_assert_true (strstr (sql, "CREATE TABLE") < a1);

  /* It is a script sqlite3 can run, leaving the database at the head */
  g_assert_true (strata_driver_execute (fixture->observer, sql, NULL, &error));
  g_assert_no_error (error);
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "d4d4d4d4d4d4");
  g_assert_true (observed_table_exists (fixture, "account"));

  /* Downgrade: the version-table rows go back, no CREATE */
  plan_add (fixture, down, "d4d4d4d4d4d4", STRATA_DIRECTION_DOWN, "d4d4d4d4d4d4", "c3c3c3c3c3c3");
  plan_add (fixture, down, "c3c3c3c3c3c3", STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3", "b2b2b2b2b2b2");
  plan_add (fixture, down, "b2b2b2b2b2b2", STRATA_DIRECTION_DOWN, "b2b2b2b2b2b2", "a1a1a1a1a1a1");
  plan_add (fixture, down, "a1a1a1a1a1a1", STRATA_DIRECTION_DOWN, "a1a1a1a1a1a1", "");
  /* d4 has no inverse for its plain sql: stop before it */
  g_assert_null (strata_migrator_render_offline_sql (NULL, down, STRATA_DIALECT_SQLITE, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE);
  assert_mentions (error->message, "revision d4d4d4d4d4d4 (migrations/d4d4d4d4d4d4_concurrently.json): ");
  g_clear_error (&error);

  {
    g_autoptr(StrataPlan) down3 = plan_new (STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3");

    plan_add (fixture, down3, "c3c3c3c3c3c3", STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3", "b2b2b2b2b2b2");
    plan_add (fixture, down3, "b2b2b2b2b2b2", STRATA_DIRECTION_DOWN, "b2b2b2b2b2b2", "a1a1a1a1a1a1");
    plan_add (fixture, down3, "a1a1a1a1a1a1", STRATA_DIRECTION_DOWN, "a1a1a1a1a1a1", "");
    down_sql = strata_migrator_render_offline_sql (NULL, down3, STRATA_DIALECT_SQLITE, "strata_version", &error);
    g_assert_no_error (error);
    assert_mentions (down_sql, "-- Running downgrade b2b2b2b2b2b2 -> a1a1a1a1a1a1, add email\n");
    g_assert_true (strata_driver_execute (fixture->observer, "DELETE FROM strata_version;"
                                          "INSERT INTO strata_version VALUES ('c3c3c3c3c3c3');"
                                          "DROP TABLE d", NULL, &error));
    g_assert_no_error (error);
    g_assert_true (strata_driver_execute (fixture->observer, down_sql, NULL, &error));
    g_assert_no_error (error);
    heads_down = observed_heads (fixture);
    g_assert_cmpstr (heads_down, ==, "");
    g_assert_false (observed_table_exists (fixture, "account"));
  }

  /* PostgreSQL needs no connection either */
  plan_add (fixture, pg, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  pg_sql = strata_migrator_render_offline_sql (NULL, pg, STRATA_DIALECT_POSTGRESQL, "alembic_version", &error);
  g_assert_no_error (error);
  assert_mentions (pg_sql, "alembic_version");
  assert_mentions (pg_sql, "'a1a1a1a1a1a1'");
  assert_mentions (pg_sql, "postgresql");
}

static StrataGraph *
fixture_graph (Fixture *fixture)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;
  StrataGraph *graph;

  g_hash_table_iter_init (&iter, fixture->scripts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (scripts, value);

  graph = strata_graph_new (scripts, &error);
  g_assert_no_error (error);

  return graph;
}

static void
test_with_graph (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataPlan) up = NULL;
  g_autoptr(StrataPlan) down = NULL;
  g_autoptr(StrataResult) history = NULL;
  g_auto(GStrv) current = NULL;
  g_auto(GStrv) after_up = NULL;
  g_auto(GStrv) after_down = NULL;
  g_auto(GStrv) after_stamp = NULL;
  const char *stamp_to[] = { "b2b2b2b2b2b2", NULL };

  add_account_scripts (fixture);
  graph = fixture_graph (fixture);
  migrator = strata_migrator_new (fixture->driver, graph);
  g_assert_true (strata_migrator_get_graph (migrator) == graph);

  /* Plans from the graph run as they are */
  current = strata_migrator_get_current_heads (migrator, NULL, &error);
  g_assert_no_error (error);
  up = strata_graph_plan_upgrade (graph, (const char * const *)current, "head", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_plan_get_n_steps (up), ==, 3);
  g_assert_true (strata_migrator_run (migrator, up, NULL, &error));
  g_assert_no_error (error);
  after_up = strata_migrator_get_current_heads (migrator, NULL, &error);
  g_assert_cmpstrv (after_up, ((const char *[]) { "c3c3c3c3c3c3", NULL }));

  down = strata_graph_plan_downgrade (graph, (const char * const *)after_up, "a1a1a1a1a1a1", &error);
  g_assert_no_error (error);
  g_assert_true (strata_migrator_run (migrator, down, NULL, &error));
  g_assert_no_error (error);
  after_down = strata_migrator_get_current_heads (migrator, NULL, &error);
  g_assert_cmpstrv (after_down, ((const char *[]) { "a1a1a1a1a1a1", NULL }));
  g_assert_true (observed_table_exists (fixture, "account"));

  /* A stamp records the checksum of the file it stands for */
  g_assert_true (strata_migrator_stamp (migrator, stamp_to, NULL, &error));
  g_assert_no_error (error);
  after_stamp = strata_migrator_get_current_heads (migrator, NULL, &error);
  g_assert_cmpstrv (after_stamp, stamp_to);
  history = strata_migrator_get_history (migrator, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_result_get_value (history, 0, 1), ==, "b2b2b2b2b2b2");
  g_assert_cmpstr (strata_result_get_value (history, 0, 2), ==, "stamp");
  g_assert_nonnull (strata_result_get_value (history, 0, 3));
  g_assert_cmpstr (strata_result_get_value (history, 0, 3), ==,
                   strata_script_get_checksum (get_script (fixture, "b2b2b2b2b2b2")));
  g_assert_cmpstr (strata_result_get_value (history, 1, 1), ==, "a1a1a1a1a1a1");
  g_assert_cmpstr (strata_result_get_value (history, 1, 2), ==, "unstamp");
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  guint         n_signals_at_callback;
  Observer     *observer;
} AsyncState;

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  state->result = g_object_ref (result);
  state->n_signals_at_callback = state->observer->log->len;
  g_main_loop_quit (state->loop);
}

static void
test_async (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *heads = NULL;
  Observer observer = { 0 };
  AsyncState state = { loop, NULL, 0, &observer };

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, up, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");
  plan_add (fixture, up, "c3c3c3c3c3c3", STRATA_DIRECTION_UP, "b2b2b2b2b2b2", "c3c3c3c3c3c3");

  /* Signals arrive in this thread, in order, all before the callback */
  observer_connect (&observer, fixture, fixture->migrator);
  observer.thread = g_thread_self ();
  strata_migrator_run_async (fixture->migrator, up, cancellable, on_run_done, &state);
  g_main_loop_run (loop);

  g_assert_true (strata_migrator_run_finish (fixture->migrator, state.result, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (observer.log->str, ==,
                   "started a1a1a1a1a1a1 0/3\n"
                   "statement a1a1a1a1a1a1 CREATE\n"
                   "finished a1a1a1a1a1a1 0/3\n"
                   "started b2b2b2b2b2b2 1/3\n"
                   "statement b2b2b2b2b2b2 ALTER\n"
                   "finished b2b2b2b2b2b2 1/3\n"
                   "started c3c3c3c3c3c3 2/3\n"
                   "statement c3c3c3c3c3c3 CREATE\n"
                   "finished c3c3c3c3c3c3 2/3\n");
  g_assert_cmpuint (state.n_signals_at_callback, ==, observer.log->len);
  g_clear_object (&state.result);
  observer_finish (&observer, fixture->migrator);

  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "c3c3c3c3c3c3");
}

static void
test_async_cancel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *heads = NULL;
  Observer observer = { 0 };
  AsyncState state = { loop, NULL, 0, &observer };
  Canceller canceller = { cancellable, NULL };
  gulong handler;

  g_autofree char *slow = g_strdup_printf ("  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE slow (x int)\"},\n"
                                          "                 {\"op\": \"sql\", \"sql\": \"%s\"} ]",
                                          pick (fixture, ENDLESS_SQL, ENDLESS_SQL_PG));

  add_script (fixture, "slow00000000", "null", "slow", slow);
  plan_add (fixture, up, "slow00000000", STRATA_DIRECTION_UP, "", "slow00000000");

  /* The statement signal arrives in the main loop; cancel from there */
  observer_connect (&observer, fixture, fixture->migrator);
  handler = g_signal_connect (fixture->migrator, "statement", G_CALLBACK (on_statement_cancel), &canceller);
  strata_migrator_run_async (fixture->migrator, up, cancellable, on_run_done, &state);
  g_main_loop_run (loop);
  g_signal_handler_disconnect (fixture->migrator, handler);
  g_assert_nonnull (canceller.thread);
  g_thread_join (canceller.thread);

  g_assert_false (strata_migrator_run_finish (fixture->migrator, state.result, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_clear_object (&state.result);
  g_assert_null (strstr (observer.log->str, "finished"));
  observer_finish (&observer, fixture->migrator);

  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "");
  g_assert_false (observed_table_exists (fixture, "slow"));
}

/* PostgreSQL: a run waits for another run's lock, says who holds it, and
 * gives up after lock_timeout with nothing done */
static void
test_pg_run_lock (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *heads = NULL;
  g_autofree char *holder = NULL;

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");

  /* The lock of public.strata_version, taken by another deploy */
  g_assert_true (strata_driver_lock (fixture->observer, "public.strata_version", NULL, &error));
  g_assert_no_error (error);
  holder = g_strdup_printf ("held by pid %d (strata)",
                            strata_driver_pg_get_backend_pid (STRATA_DRIVER_PG (fixture->observer)));

  strata_migrator_set_lock_timeout (fixture->migrator, 200);
  g_assert_false (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_test_message ("%s", error->message);
  assert_mentions (error->message, "waiting for the migration lock on 127.0.0.1:");
  assert_mentions (error->message, holder);
  g_clear_error (&error);
  g_assert_false (observed_table_exists (fixture, "account"));

  strata_driver_unlock (fixture->observer, "public.strata_version");
  g_assert_true (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_no_error (error);
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "a1a1a1a1a1a1");
}

/* PostgreSQL: the bookkeeping tables in a schema of their own, which is
 * also where the migrations' unqualified names go */
static void
test_pg_schema (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataMigrator) plain = NULL;
  g_autoptr(StrataResult) where = NULL;
  g_auto(GStrv) heads = NULL;
  g_auto(GStrv) plain_heads = NULL;
  g_autoptr(StrataResult) history = NULL;

  add_account_scripts (fixture);
  plan_add (fixture, up, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, up, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");

  strata_migrator_set_schema (fixture->migrator, "App Data");
  g_assert_cmpstr (strata_migrator_get_schema (fixture->migrator), ==, "App Data");
  g_assert_true (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (observed_table_exists (fixture, "App Data.strata_version"));
  g_assert_true (observed_table_exists (fixture, "App Data.strata_history"));
  g_assert_true (observed_table_exists (fixture, "App Data.account"));
  g_assert_false (observed_table_exists (fixture, "public.account"));
  g_assert_false (observed_table_exists (fixture, "public.strata_version"));

  heads = strata_migrator_get_current_heads (fixture->migrator, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (heads, ((const char *[]) { "b2b2b2b2b2b2", NULL }));
  history = strata_migrator_get_history (fixture->migrator, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (history), ==, 2);

  /* Without the schema, the public schema has no revision */
  plain = strata_migrator_new (fixture->observer, NULL);
  plain_heads = strata_migrator_get_current_heads (plain, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (plain_heads), ==, 0);
}

/* PostgreSQL: a transactional step is one round trip to the server */
static void
test_pg_round_trips (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) one = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autoptr(StrataPlan) two = plan_new (STRATA_DIRECTION_UP, "a1a1a1a1a1a1");
  g_autoptr(StrataPlan) down = plan_new (STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3");
  StrataDriverPg *pg = STRATA_DRIVER_PG (fixture->driver);
  guint64 before;
  guint64 run_one;
  guint64 run_two;
  guint64 run_three;
  g_autofree char *summary = NULL;

  add_account_scripts (fixture);
  plan_add (fixture, one, "a1a1a1a1a1a1", STRATA_DIRECTION_UP, "", "a1a1a1a1a1a1");
  plan_add (fixture, two, "b2b2b2b2b2b2", STRATA_DIRECTION_UP, "a1a1a1a1a1a1", "b2b2b2b2b2b2");
  plan_add (fixture, two, "c3c3c3c3c3c3", STRATA_DIRECTION_UP, "b2b2b2b2b2b2", "c3c3c3c3c3c3");
  plan_add (fixture, down, "c3c3c3c3c3c3", STRATA_DIRECTION_DOWN, "c3c3c3c3c3c3", "b2b2b2b2b2b2");
  plan_add (fixture, down, "b2b2b2b2b2b2", STRATA_DIRECTION_DOWN, "b2b2b2b2b2b2", "a1a1a1a1a1a1");
  plan_add (fixture, down, "a1a1a1a1a1a1", STRATA_DIRECTION_DOWN, "a1a1a1a1a1a1", "");

  before = strata_driver_pg_get_round_trips (pg);
  g_assert_true (strata_migrator_run (fixture->migrator, one, NULL, &error));
  g_assert_no_error (error);
  run_one = strata_driver_pg_get_round_trips (pg) - before;

  before = strata_driver_pg_get_round_trips (pg);
  g_assert_true (strata_migrator_run (fixture->migrator, two, NULL, &error));
  g_assert_no_error (error);
  run_two = strata_driver_pg_get_round_trips (pg) - before;

  before = strata_driver_pg_get_round_trips (pg);
  g_assert_true (strata_migrator_run (fixture->migrator, down, NULL, &error));
  g_assert_no_error (error);
  run_three = strata_driver_pg_get_round_trips (pg) - before;

  g_test_message ("round trips: %" G_GUINT64_FORMAT " for 1 step, %" G_GUINT64_FORMAT " for 2, %"
                  G_GUINT64_FORMAT " for 3", run_one, run_two, run_three);
  /* lock, the default lock_timeout, tables, heads, unlock, and one per step */
  g_assert_cmpuint (run_one, ==, 5 + 1);
  g_assert_cmpuint (run_two, ==, run_one + 1);
  g_assert_cmpuint (run_three, ==, run_one + 2);

  /* and the bookkeeping is all there */
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==,
                   "a1a1a1a1a1a1:down:success b2b2b2b2b2b2:down:success c3c3c3c3c3c3:down:success "
                   "c3c3c3c3c3c3:up:success b2b2b2b2b2b2:up:success a1a1a1a1a1a1:up:success");
}

/* PostgreSQL: statement_timeout stops a statement; the step is rolled back */
static void
test_pg_statement_timeout (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) up = plan_new (STRATA_DIRECTION_UP, NULL);
  g_autofree char *heads = NULL;
  g_autofree char *summary = NULL;

  add_script (fixture, "fast00000000", "null", "fast",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE fast (x int)\"} ]");
  add_script (fixture, "slow00000000", "\"fast00000000\"", "slow",
              "  \"upgrade\": [ {\"op\": \"sql\", \"sql\": \"CREATE TABLE slow (x int)\"},\n"
              "                 {\"op\": \"sql\", \"sql\": \"SELECT pg_sleep(5)\"} ]");
  plan_add (fixture, up, "fast00000000", STRATA_DIRECTION_UP, "", "fast00000000");
  plan_add (fixture, up, "slow00000000", STRATA_DIRECTION_UP, "fast00000000", "slow00000000");

  strata_migrator_set_statement_timeout (fixture->migrator, 200);
  g_assert_cmpint (strata_migrator_get_statement_timeout (fixture->migrator), ==, 200);
  g_assert_false (strata_migrator_run (fixture->migrator, up, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==,
                   "revision slow00000000 (migrations/slow00000000_slow.json): "
                   "SELECT pg_sleep(5): canceling statement due to statement timeout");
  heads = observed_heads (fixture);
  g_assert_cmpstr (heads, ==, "fast00000000");
  g_assert_false (observed_table_exists (fixture, "slow"));
  summary = history_summary (fixture);
  g_assert_cmpstr (summary, ==, "slow00000000:up:failed fast00000000:up:success");
}

/* Without STRATA_TEST_PG_URL the PostgreSQL cases are not registered: this
 * one says so (and fails under CI, where the server must be there). */
static void
test_pg_server (void)
{
  g_assert_null (strata_test_require_env ("STRATA_TEST_PG_URL", "PostgreSQL server"));
}

int
main (int   argc,
      char *argv[])
{
  static const Backend *backends[] = { &sqlite_backend, &pg_backend };
  gboolean have_pg;

  g_test_init (&argc, &argv, NULL);
  have_pg = g_getenv ("STRATA_TEST_PG_URL") != NULL && *g_getenv ("STRATA_TEST_PG_URL") != '\0';

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      const Backend *backend = backends[i];
      gboolean pg = backend->dialect == STRATA_DIALECT_POSTGRESQL;

      if (pg && !have_pg)
        {
          g_test_add_func ("/strata/migrator/postgresql/server", test_pg_server);
          continue;
        }

#define ADD(path, func) G_STMT_START { \
        g_autofree char *full = g_strdup_printf ("/strata/migrator/%s/%s", backend->name, path); \
        g_test_add (full, Fixture, backend, fixture_setup, func, fixture_teardown); \
      } G_STMT_END

      ADD ("empty-database", test_empty_database);
      ADD ("upgrade-and-downgrade", test_upgrade_and_downgrade);
      ADD ("branches-and-merge", test_branches_and_merge);
      ADD ("failure-rolls-back", test_failure_rolls_back);
      ADD ("failure-in-first-step", test_failure_in_first_step_on_empty_database);
      ADD ("non-transactional", test_non_transactional);
      ADD ("skip-when-applied-elsewhere", test_skip_when_applied_elsewhere);
      ADD ("unexpected-state", test_unexpected_state);
      ADD ("cancel", test_cancel);
      ADD ("stamp", test_stamp);
      ADD ("custom-tables", test_custom_tables);
      ADD ("with-graph", test_with_graph);
      ADD ("async", test_async);
      ADD ("async-cancel", test_async_cancel);

      if (pg)
        {
          ADD ("run-lock", test_pg_run_lock);
          ADD ("schema", test_pg_schema);
          ADD ("round-trips", test_pg_round_trips);
          ADD ("statement-timeout", test_pg_statement_timeout);
        }
      else
        {
          ADD ("busy", test_busy);
          ADD ("offline-sql", test_offline_sql);
        }

#undef ADD
    }

  return g_test_run ();
}
