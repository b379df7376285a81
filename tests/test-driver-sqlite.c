/* test-driver-sqlite.c: URLs, statements, results and errors on real files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-driver-sqlite.h"
#include "strata-test-util.h"

/* Counts for ever (almost): only an interrupt ends it in a test's time. */
#define ENDLESS_QUERY \
  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000000) " \
  "SELECT count(*) FROM c"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = strata_test_mkdtemp ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  strata_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

static StrataDriver *
open_file (Fixture    *fixture,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  StrataDriver *driver = strata_driver_sqlite_open (path, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (driver);

  return driver;
}

static void
assert_error_mentions (const GError *error,
                       const char   *needle)
{
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", error->message, needle);
}

static void
test_open_forms (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) base = g_file_new_for_path (fixture->dir);
  g_autoptr(StrataDriver) relative = NULL;
  g_autoptr(StrataDriver) absolute = NULL;
  g_autoptr(StrataDriver) memory = NULL;
  g_autoptr(StrataDriver) memory2 = NULL;
  g_autoptr(StrataDriver) escaped = NULL;
  g_autoptr(StrataDriver) from_cwd = NULL;
  g_autofree char *rel_path = g_build_filename (fixture->dir, "sub", "rel.db", NULL);
  g_autofree char *sub = g_build_filename (fixture->dir, "sub", NULL);
  g_autofree char *abs_path = g_build_filename (fixture->dir, "abs.db", NULL);
  g_autofree char *abs_url = g_strconcat ("sqlite:///", abs_path, NULL);
  g_autofree char *space_path = g_build_filename (fixture->dir, "my db.db", NULL);
  g_autofree char *cwd_path = g_build_filename (fixture->dir, "cwd.db", NULL);
  g_autofree char *old_cwd = g_get_current_dir ();

  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);

  /* sqlite:///relative.db is relative to the base folder */
  relative = strata_driver_open ("sqlite:///sub/rel.db", base, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (STRATA_IS_DRIVER_SQLITE (relative));
  g_assert_cmpint (strata_driver_get_dialect (relative), ==, STRATA_DIALECT_SQLITE);
  g_assert_cmpstr (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (relative)), ==, rel_path);
  g_assert_cmpstr (strata_driver_get_display_url (relative), ==, "sqlite:///sub/rel.db");
  g_assert_cmpuint (strata_driver_sqlite_get_busy_timeout (STRATA_DRIVER_SQLITE (relative)), ==,
                    STRATA_DRIVER_SQLITE_DEFAULT_BUSY_TIMEOUT);
  g_assert_true (strata_driver_execute (relative, "CREATE TABLE t (x)", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (rel_path, G_FILE_TEST_IS_REGULAR));

  /* sqlite:////abs/path.db */
  absolute = strata_driver_open (abs_url, base, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (absolute)), ==, abs_path);
  g_assert_true (strata_driver_execute (absolute, "CREATE TABLE t (x)", NULL, &error));
  g_assert_true (g_file_test (abs_path, G_FILE_TEST_IS_REGULAR));

  /* sqlite:// and sqlite:///:memory: are in memory */
  memory = strata_driver_open ("sqlite://", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (memory)));
  g_assert_true (strata_driver_execute (memory, "CREATE TABLE t (x)", NULL, &error));
  memory2 = strata_driver_open ("sqlite:///:memory:?timeout=0.25", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (memory2)));
  g_assert_cmpuint (strata_driver_sqlite_get_busy_timeout (STRATA_DRIVER_SQLITE (memory2)), ==, 250);

  /* %-escapes, and Python-only options are accepted */
  escaped = strata_driver_open ("sqlite:///my%20db.db?check_same_thread=false", base, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (escaped)), ==, space_path);

  /* Without a base folder, relative to the current directory */
  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);
  from_cwd = strata_driver_open ("sqlite:///cwd.db", NULL, NULL, &error);
  g_assert_cmpint (g_chdir (old_cwd), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (from_cwd)), ==, cwd_path);
}

static void
test_open_bad_urls (void)
{
  static const struct {
    const char *url;
    int         code;
    const char *mentions;
  } cases[] = {
    { "app.db", STRATA_ERROR_INVALID_ARGUMENT, "not a database URL" },
    { "://x", STRATA_ERROR_INVALID_ARGUMENT, "not a database URL" },
    { "mysql://u@h/db", STRATA_ERROR_INVALID_ARGUMENT, "unknown database type \"mysql\"" },
    { "sqlite://host/app.db", STRATA_ERROR_INVALID_ARGUMENT, "no host" },
    { "sqlite:///app.db?journal=wal", STRATA_ERROR_INVALID_ARGUMENT, "unknown SQLite parameter “journal”" },
    { "sqlite:///app.db?mode=rx", STRATA_ERROR_INVALID_ARGUMENT, "mode “rx” is not ro, rw or rwc" },
    { "sqlite:///app.db?timeout=soon", STRATA_ERROR_INVALID_ARGUMENT, "timeout “soon” is not a number of seconds" },
    { "sqlite:///a%zz.db", STRATA_ERROR_INVALID_ARGUMENT, "escape" },
    /* PostgreSQL URLs are parsed before any connection is tried */
    { "postgresql://app:s3cret@db.example.com:99999/app", STRATA_ERROR_INVALID_ARGUMENT, "postgresql://app:***@db.example.com:99999/app" },
    { "postgresql+psycopg2://app:s3cret@[::1/app?sslmode=require", STRATA_ERROR_INVALID_ARGUMENT, "app:***@" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataDriver) driver = strata_driver_open (cases[i].url, NULL, NULL, &error);

      g_assert_null (driver);
      g_assert_error (error, STRATA_ERROR, cases[i].code);
      assert_error_mentions (error, cases[i].mentions);
      g_assert_null (strstr (error->message, "s3cret"));
    }
}

static void
test_redact_url (void)
{
  static const struct {
    const char *url;
    const char *redacted;
  } cases[] = {
    { "postgresql://app:secret@db:5432/app", "postgresql://app:***@db:5432/app" },
    { "postgresql://app@db/app", "postgresql://app@db/app" },
    { "postgresql://app:p@ss@db/app", "postgresql://app:***@db/app" },
    { "postgresql+asyncpg://app:x@db/app?sslmode=require", "postgresql+asyncpg://app:***@db/app?sslmode=require" },
    { "postgresql://db/app?user=app&password=secret", "postgresql://db/app?user=app&password=***" },
    { "postgresql://db:5432", "postgresql://db:5432" },
    { "sqlite:////home/me/a:b@c.db", "sqlite:////home/me/a:b@c.db" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = strata_driver_redact_url (cases[i].url);
      g_assert_cmpstr (redacted, ==, cases[i].redacted);
    }
}

static void
test_execute_and_query (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(StrataDriver) driver = open_file (fixture, "exec.db");
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(StrataResult) again = NULL;
  g_autoptr(StrataResult) inserted = NULL;
  g_autoptr(GError) error = NULL;
  const char *params[] = { "carol", NULL };

  g_assert_true (strata_driver_execute (driver,
                                        "-- people\n"
                                        "CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT, email TEXT);\n"
                                        "INSERT INTO person (name, email) VALUES ('alice', 'a@example.com');\n"
                                        "/* no email */ INSERT INTO person (name) VALUES ('bob');\n"
                                        "  \n-- trailing comment\n",
                                        NULL, &error));
  g_assert_no_error (error);

  result = strata_driver_query (driver, "SELECT id, name, email AS mail FROM person ORDER BY id", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (result), ==, 2);
  g_assert_cmpuint (strata_result_get_n_columns (result), ==, 3);
  g_assert_cmpstr (strata_result_get_column_name (result, 0), ==, "id");
  g_assert_cmpstr (strata_result_get_column_name (result, 2), ==, "mail");
  g_assert_cmpint (strata_result_get_column_index (result, "name"), ==, 1);
  g_assert_cmpint (strata_result_get_column_index (result, "email"), ==, -1);
  g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "1");
  g_assert_cmpstr (strata_result_get_value (result, 0, 1), ==, "alice");
  g_assert_cmpstr (strata_result_get_value (result, 0, 2), ==, "a@example.com");
  g_assert_cmpstr (strata_result_get_value (result, 1, 1), ==, "bob");
  g_assert_null (strata_result_get_value (result, 1, 2));

  /* Parameters in any order, NULL as SQL NULL; the statement is reused */
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&inserted, strata_result_unref);
      params[0] = i == 0 ? "carol" : "dave";
      inserted = strata_driver_query_params (driver, "INSERT INTO person (email, name) VALUES ($2, $1)",
                                             2, params, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (strata_result_get_n_rows (inserted), ==, 0);
    }

  again = strata_driver_query (driver, "SELECT count(*) AS n, count(email) FROM person", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_result_get_value (again, 0, 0), ==, "4");
  g_assert_cmpstr (strata_result_get_value (again, 0, 1), ==, "1");

  /* Wrong parameter count, two statements in a query */
  g_assert_null (strata_driver_query_params (driver, "SELECT $1, $2", 1, params, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (strata_driver_query (driver, "SELECT 1; SELECT 2", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
}

static void
test_execute_error_names_statement (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(StrataDriver) driver = open_file (fixture, "errors.db");
  g_autoptr(GError) error = NULL;
  gboolean exists;

  /* Statements before the failing one ran; those after did not */
  g_assert_false (strata_driver_execute (driver,
                                         "CREATE TABLE a (x);\n"
                                         "CREATE INDEX ix_a_y ON a (y);\n"
                                         "CREATE TABLE b (y);",
                                         NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==, "CREATE INDEX ix_a_y ON a (y): no such column: y");
  g_clear_error (&error);

  g_assert_true (strata_driver_table_exists (driver, "a", &exists, NULL, &error));
  g_assert_true (exists);
  g_assert_true (strata_driver_table_exists (driver, "A", &exists, NULL, &error));
  g_assert_true (exists);
  g_assert_true (strata_driver_table_exists (driver, "b", &exists, NULL, &error));
  g_assert_false (exists);
  g_assert_no_error (error);

  /* A misspelt quoted column is an error, not a string literal */
  g_assert_false (strata_driver_execute (driver, "CREATE INDEX ix_a_x ON a (\"xx\")", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==, "CREATE INDEX ix_a_x ON a (\"xx\"): no such column: xx");
  g_clear_error (&error);

  /* A syntax error, the statement's first line shortened */
  g_assert_false (strata_driver_execute (driver,
                                         "CREATE TABLE c (\n  id INTEGER PRIMARY KEY,\n  name TEXT NOT NULL,,\n)",
                                         NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_true (g_str_has_prefix (error->message, "CREATE TABLE c ( …: "));
  assert_error_mentions (error, "syntax error");
  g_clear_error (&error);

  g_assert_false (strata_driver_execute (driver,
                                         "INSERT INTO nowhere (x) VALUES ('a very long value that goes on and on and on "
                                         "well past the width of one line of a terminal')",
                                         NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_true (g_str_has_prefix (error->message, "INSERT INTO nowhere (x) VALUES ('a very long value that goes on and on …: "));
  assert_error_mentions (error, " …: no such table: nowhere");
}

static void
test_transactions (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(StrataDriver) driver = open_file (fixture, "tx.db");
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(StrataResult) fk = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_driver_execute (driver,
                                        "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                                        "CREATE TABLE child (id INTEGER PRIMARY KEY,"
                                        " parent_id INTEGER REFERENCES parent (id));",
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_false (strata_driver_in_transaction (driver));

  g_assert_true (strata_driver_begin (driver, NULL, &error));
  g_assert_true (strata_driver_in_transaction (driver));
  g_assert_true (strata_driver_execute (driver, "INSERT INTO parent VALUES (1)", NULL, &error));
  strata_driver_rollback (driver);
  g_assert_false (strata_driver_in_transaction (driver));
  /* twice is fine */
  strata_driver_rollback (driver);

  g_assert_true (strata_driver_begin (driver, NULL, &error));
  g_assert_true (strata_driver_execute (driver, "INSERT INTO parent VALUES (2)", NULL, &error));
  g_assert_true (strata_driver_commit (driver, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (strata_driver_in_transaction (driver));

  result = strata_driver_query (driver, "SELECT group_concat(id) FROM parent", NULL, &error);
  g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "2");

  /* foreign_keys is on */
  fk = strata_driver_query (driver, "PRAGMA foreign_keys", NULL, &error);
  g_assert_cmpstr (strata_result_get_value (fk, 0, 0), ==, "1");
  g_assert_false (strata_driver_execute (driver, "INSERT INTO child VALUES (1, 42)", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  assert_error_mentions (error, "FOREIGN KEY constraint failed");

  /* lock and unlock are nothing on SQLite, but they work */
  g_clear_error (&error);
  g_assert_true (strata_driver_lock (driver, "strata_version", NULL, &error));
  g_assert_no_error (error);
  strata_driver_unlock (driver, "strata_version");
}

typedef struct
{
  StrataDriver *driver;
  GCancellable *cancellable;
  guint         delay_ms;
  int           done;
} Interrupter;

static gpointer
interrupter_thread (gpointer data)
{
  Interrupter *in = data;

  g_usleep (in->delay_ms * 1000);

  if (in->cancellable != NULL)
    {
      g_cancellable_cancel (in->cancellable);
      return NULL;
    }

  /* An interrupt reaches only a statement that runs: keep at it until the
   * main thread saw it. */
  while (!g_atomic_int_get (&in->done))
    {
      strata_driver_interrupt (in->driver);
      g_usleep (5000);
    }

  return NULL;
}

static void
on_lock_waiting (StrataDriverSqlite  *driver,
                 const char          *what,
                 char               **seen)
{
  g_assert_null (*seen);
  *seen = g_strdup (what);
}

static void
test_busy (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "busy.db", NULL);
  g_autofree char *url = g_strconcat ("sqlite:///", path, "?timeout=0.05", NULL);
  g_autoptr(StrataDriver) holder = open_file (fixture, "busy.db");
  g_autoptr(StrataDriver) waiter = open_file (fixture, "busy.db");
  g_autoptr(StrataDriver) by_url = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_strdup_printf ("database is locked: %s: another connection held its lock for "
                                               "more than %.1f s (add ?timeout=SECONDS to the URL to wait longer)",
                                               path, 0.15);
  g_autofree char *waiting = NULL;
  Interrupter in = { waiter, cancellable, 50, 0 };
  GThread *thread;
  gint64 started;
  gint64 elapsed_ms;

  g_assert_true (strata_driver_execute (holder, "CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)",
                                        NULL, &error));
  g_assert_no_error (error);

  /* Writers and readers wait for the busy timeout, then give up */
  strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (waiter), 150);
  started = g_get_monotonic_time ();
  g_assert_false (strata_driver_begin (waiter, NULL, &error));
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (elapsed_ms, >=, 140);
  g_assert_cmpint (elapsed_ms, <, 3000);
  g_assert_false (strata_driver_in_transaction (waiter));
  g_clear_error (&error);

  g_assert_null (strata_driver_query (waiter, "SELECT count(*) FROM t", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_clear_error (&error);

  /* A longer wait is said, once, naming the file and how to change it */
  strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (waiter), 900);
  g_signal_connect (waiter, "lock-waiting", G_CALLBACK (on_lock_waiting), &waiting);
  g_assert_null (strata_driver_query (waiter, "SELECT count(*) FROM t", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_nonnull (waiting);
  g_assert_nonnull (strstr (waiting, path));
  g_assert_nonnull (strstr (waiting, "locked by another connection"));
  g_assert_nonnull (strstr (waiting, "0.9 s"));
  g_assert_nonnull (strstr (waiting, "?timeout=SECONDS"));
  g_signal_handlers_disconnect_by_func (waiter, on_lock_waiting, &waiting);

  /* timeout= in the URL, in seconds */
  by_url = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_driver_sqlite_get_busy_timeout (STRATA_DRIVER_SQLITE (by_url)), ==, 50);
  g_assert_false (strata_driver_execute (by_url, "INSERT INTO t VALUES (2)", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_clear_error (&error);

  /* Cancelling stops the wait at once */
  strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (waiter), 20000);
  thread = g_thread_new ("cancel", interrupter_thread, &in);
  started = g_get_monotonic_time ();
  g_assert_false (strata_driver_begin (waiter, cancellable, &error));
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_thread_join (thread);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_assert_cmpint (elapsed_ms, <, 5000);
  g_clear_error (&error);

  /* Once the holder commits, everything goes through */
  g_assert_true (strata_driver_commit (holder, NULL, &error));
  g_assert_true (strata_driver_begin (waiter, NULL, &error));
  g_assert_true (strata_driver_execute (waiter, "INSERT INTO t VALUES (3)", NULL, &error));
  g_assert_true (strata_driver_commit (waiter, NULL, &error));
  g_assert_no_error (error);
  result = strata_driver_query (by_url, "SELECT count(*) FROM t", NULL, &error);
  g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "2");
}

static void
test_read_only (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "ro.db", NULL);
  g_autofree char *url = g_strconcat ("sqlite:///", path, NULL);
  g_autofree char *ro_url = g_strconcat ("sqlite:///", path, "?mode=ro", NULL);
  g_autofree char *expected = g_strdup_printf ("database is read-only: %s", path);
  g_autoptr(StrataDriver) setup = open_file (fixture, "ro.db");
  g_autoptr(StrataDriver) chmodded = NULL;
  g_autoptr(StrataDriver) ro = NULL;
  g_autoptr(StrataDriver) ro_api = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (strata_driver_execute (setup, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&setup);
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);

  /* A file the user cannot write: root can, so only check it otherwise */
  chmodded = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);
  if (geteuid () != 0)
    {
      g_assert_false (strata_driver_execute (chmodded, "INSERT INTO t VALUES (2)", NULL, &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
    }
  else
    g_test_message ("running as root: chmod 0444 does not stop writes; mode=ro covers READ_ONLY");

  /* Opened read-only: reads work, writes are READ_ONLY */
  ro = strata_driver_open (ro_url, NULL, NULL, &error);
  g_assert_no_error (error);
  result = strata_driver_query (ro, "SELECT count(*) FROM t", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "1");
  g_assert_false (strata_driver_execute (ro, "INSERT INTO t VALUES (2)", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  ro_api = strata_driver_sqlite_open (path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_false (strata_driver_execute (ro_api, "CREATE TABLE u (y)", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY);
}

static void
test_not_a_database (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "notes.txt", NULL);
  g_autofree char *later = g_build_filename (fixture->dir, "later.db", NULL);
  g_autofree char *url = g_strconcat ("sqlite:///", path, NULL);
  g_autofree char *garbage = NULL;
  g_autofree char *expected = g_strdup_printf ("file is not a database: %s", later);
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataDriver) overwritten = NULL;
  g_autoptr(GError) error = NULL;
  FILE *fp;

  g_assert_true (g_file_set_contents (path, "these are my notes, not a database\n", -1, &error));

  /* Found when opening */
  driver = strata_driver_open (url, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  g_assert_true (g_str_has_suffix (error->message, path));
  assert_error_mentions (error, "not a database");
  g_clear_error (&error);

  /* And when the file turns into something else behind our back */
  overwritten = strata_driver_sqlite_open (later, FALSE, &error);
  g_assert_no_error (error);
  garbage = g_strnfill (8192, 'x');
  /* in place: the connection has this very file open */
  fp = g_fopen (later, "r+b");
  g_assert_nonnull (fp);
  g_assert_cmpuint (fwrite (garbage, 1, 8192, fp), ==, 8192);
  g_assert_cmpint (fclose (fp), ==, 0);
  g_assert_null (strata_driver_query (overwritten, "SELECT * FROM sqlite_master", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_cannot_open (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "no", "such", "folder", "app.db", NULL);
  g_autofree char *missing_url = g_strconcat ("sqlite:///", missing, NULL);
  g_autofree char *absent = g_build_filename (fixture->dir, "absent.db", NULL);
  g_autofree char *absent_url = g_strconcat ("sqlite:///", absent, "?mode=rw", NULL);
  g_autofree char *folder = g_build_filename (fixture->dir, "folder.db", NULL);
  g_autofree char *folder_url = g_strconcat ("sqlite:///", folder, NULL);
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;

  /* A missing folder is not created */
  driver = strata_driver_open (missing_url, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  assert_error_mentions (error, missing);
  assert_error_mentions (error, "does not exist");
  g_clear_error (&error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* mode=rw does not create the file */
  driver = strata_driver_open (absent_url, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  assert_error_mentions (error, absent);
  g_clear_error (&error);
  g_assert_false (g_file_test (absent, G_FILE_TEST_EXISTS));

  /* A folder where the file should be: SQLite's CANTOPEN */
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  driver = strata_driver_open (folder_url, NULL, NULL, &error);
  if (driver != NULL)
    g_assert_false (strata_driver_execute (driver, "CREATE TABLE t (x)", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  assert_error_mentions (error, folder);
}

static void
test_interrupt (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(StrataDriver) driver = open_file (fixture, "interrupt.db");
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Interrupter in = { driver, NULL, 20, 0 };
  GThread *thread;

  thread = g_thread_new ("interrupt", interrupter_thread, &in);
  g_assert_null (strata_driver_query (driver, ENDLESS_QUERY, NULL, &error));
  g_atomic_int_set (&in.done, 1);
  g_thread_join (thread);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  assert_error_mentions (error, "WITH RECURSIVE c(x)");
  assert_error_mentions (error, "interrupted");
  g_clear_error (&error);

  /* The connection is still good */
  result = strata_driver_query (driver, "SELECT 1 + 1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "2");
}

static void
test_cancellable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(StrataDriver) driver = open_file (fixture, "cancel.db");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Interrupter in = { driver, cancellable, 30, 0 };
  GThread *thread;

  /* Cancelled from another thread while a statement of a script runs */
  thread = g_thread_new ("cancel", interrupter_thread, &in);
  g_assert_false (strata_driver_execute (driver, "CREATE TABLE t (x);" ENDLESS_QUERY ";CREATE TABLE u (y)",
                                         cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Already cancelled: nothing runs */
  g_assert_false (strata_driver_execute (driver, "CREATE TABLE v (z)", cancellable, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (strata_driver_query (driver, "SELECT 1", cancellable, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A fresh cancellable works as usual */
  g_cancellable_reset (cancellable);
  g_assert_true (strata_driver_execute (driver, "CREATE TABLE v (z)", cancellable, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/strata/driver-sqlite/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("open-forms", test_open_forms);
  g_test_add_func ("/strata/driver-sqlite/open-bad-urls", test_open_bad_urls);
  g_test_add_func ("/strata/driver/redact-url", test_redact_url);
  ADD ("execute-and-query", test_execute_and_query);
  ADD ("execute-error-names-statement", test_execute_error_names_statement);
  ADD ("transactions", test_transactions);
  ADD ("busy", test_busy);
  ADD ("read-only", test_read_only);
  ADD ("not-a-database", test_not_a_database);
  ADD ("cannot-open", test_cannot_open);
  ADD ("interrupt", test_interrupt);
  ADD ("cancellable", test_cancellable);

#undef ADD

  return g_test_run ();
}
