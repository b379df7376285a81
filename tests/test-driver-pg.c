/* test-driver-pg.c: the PostgreSQL driver against the throwaway server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-driver-pg-private.h"
#include "strata-test-util.h"

typedef struct
{
  char         *url;
  StrataDriver *driver;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!(fixture->url = strata_test_pg_create_database ()))
    return;

  fixture->driver = strata_driver_open (fixture->url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (STRATA_IS_DRIVER_PG (fixture->driver));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->driver);
  strata_test_pg_drop_database (fixture->url);
  g_clear_pointer (&fixture->url, g_free);
}

static void
assert_mentions (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", haystack, needle);
}

static char *
query_value (StrataDriver *driver,
             const char   *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataResult) result = strata_driver_query (driver, sql, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (result), ==, 1);
  return g_strdup (strata_result_get_value (result, 0, 0));
}

static gboolean
table_exists (StrataDriver *driver,
              const char   *table)
{
  g_autoptr(GError) error = NULL;
  gboolean exists = FALSE;

  g_assert_true (strata_driver_table_exists (driver, table, &exists, NULL, &error));
  g_assert_no_error (error);
  return exists;
}

static void
test_split (void)
{
  static const struct {
    const char *sql;
    const char *joined;  /* statements joined with " | " */
  } cases[] = {
    { "SELECT 1", "SELECT 1" },
    { " SELECT 1 ; SELECT 2; ", "SELECT 1 | SELECT 2" },
    { ";;  ;", "" },
    { "-- only a comment\n", "" },
    { "SELECT ';' ; SELECT 'it''s;'", "SELECT ';' | SELECT 'it''s;'" },
    { "SELECT E'a\\';b'; SELECT 2", "SELECT E'a\\';b' | SELECT 2" },
    { "SELECT \"a;\"\"b\" FROM t; SELECT 2", "SELECT \"a;\"\"b\" FROM t | SELECT 2" },
    { "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2",
      "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql | SELECT 2" },
    { "DO $body$ BEGIN PERFORM 1; END $body$; SELECT $1", "DO $body$ BEGIN PERFORM 1; END $body$ | SELECT $1" },
    { "SELECT 1 -- a; comment\n; SELECT /* a /* nested; */ ; */ 2",
      "SELECT 1 -- a; comment | SELECT /* a /* nested; */ ; */ 2" },
    { "SELECT a$b$c FROM t; SELECT 2", "SELECT a$b$c FROM t | SELECT 2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) statements = _strata_driver_pg_split_statements (cases[i].sql);
      g_autofree char *joined = NULL;

      g_ptr_array_add (statements, NULL);
      joined = g_strjoinv (" | ", (char **)statements->pdata);
      g_assert_cmpstr (joined, ==, cases[i].joined);
    }
}

static void
test_connect (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *password = g_getenv ("STRATA_TEST_PG_PASSWORD");
  const char *socket_dir = g_getenv ("STRATA_TEST_PG_SOCKET_DIR");
  StrataDriverPg *pg;
  g_autofree char *app = NULL;

  if (fixture->url == NULL)
    return;

  pg = STRATA_DRIVER_PG (fixture->driver);
  g_assert_cmpint (strata_driver_get_dialect (fixture->driver), ==, STRATA_DIALECT_POSTGRESQL);
  g_assert_cmpint (strata_driver_pg_get_server_version (pg), >=, 120000);
  g_assert_cmpint (strata_driver_pg_get_backend_pid (pg), >, 0);
  assert_mentions (strata_driver_pg_get_location (pg), "127.0.0.1:");
  assert_mentions (strata_driver_pg_get_location (pg), strrchr (fixture->url, '/'));
  assert_mentions (strata_driver_get_display_url (fixture->driver), ":***@");
  if (password != NULL)
    g_assert_null (strstr (strata_driver_get_display_url (fixture->driver), password));
  app = query_value (fixture->driver, "SELECT current_setting('application_name')");
  g_assert_cmpstr (app, ==, "strata");

  /* The other spellings, with libpq parameters in the query */
  {
    static const char * const schemes[] = { "postgres", "postgresql+psycopg2", "postgresql+asyncpg" };

    for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
      {
        g_autofree char *url = g_strconcat (schemes[i], strstr (fixture->url, "://"),
                                            "?application_name=deploy&connect_timeout=5&sslmode=disable",
                                            NULL);
        g_autoptr(StrataDriver) other = strata_driver_open (url, NULL, NULL, &error);
        g_autofree char *name = NULL;

        g_assert_no_error (error);
        name = query_value (other, "SELECT current_setting('application_name')");
        g_assert_cmpstr (name, ==, "deploy");
      }
  }

  /* A Unix socket directory as ?host= */
  if (socket_dir != NULL)
    {
      g_autofree char *user_part = g_strndup (strstr (fixture->url, "://") + 3,
                                              strchr (fixture->url, '@') - strstr (fixture->url, "://") - 3);
      const char *port = strrchr (strata_driver_pg_get_location (pg), ':') + 1;
      g_autofree char *port_only = g_strndup (port, strcspn (port, "/"));
      g_autofree char *escaped = g_uri_escape_string (socket_dir, NULL, FALSE);
      /* postgresql://user:pw@/db?host=/dir: no host before the path */
      g_autofree char *url = g_strdup_printf ("postgresql://%s@%s?host=%s&port=%s",
                                              user_part, strrchr (fixture->url, '/'),
                                              escaped, port_only);
      g_autoptr(StrataDriver) local = NULL;
      g_autofree char *where = NULL;

      local = strata_driver_open (url, NULL, NULL, &error);
      g_assert_no_error (error);
      where = query_value (local, "SELECT coalesce(inet_server_addr()::text, 'socket')");
      g_assert_cmpstr (where, ==, "socket");
    }
}

/* PGPASSWORD, ~/.pgpass (as PGPASSFILE) and a service file, as libpq reads
 * them: the URL leaves the password (and, with a service, everything) out. */
static void
test_libpq_conventions (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *password = g_getenv ("STRATA_TEST_PG_PASSWORD");
  g_autofree char *dir = NULL;
  g_autofree char *no_password = NULL;
  g_autofree char *pgpass = NULL;
  g_autofree char *services = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  const char *at;
  const char *colon;
  const char *host_start;
  g_autofree char *user = NULL;
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  const char *db;

  if (fixture->url == NULL)
    return;

  g_assert_nonnull (password);

  /* postgresql://USER:PASSWORD@HOST:PORT/DB */
  at = strrchr (fixture->url, '@');
  host_start = at + 1;
  colon = strchr (host_start, ':');
  user = g_strndup (strstr (fixture->url, "://") + 3,
                    strchr (strstr (fixture->url, "://") + 3, ':') - strstr (fixture->url, "://") - 3);
  host = g_strndup (host_start, colon - host_start);
  port = g_strndup (colon + 1, strchr (colon, '/') - colon - 1);
  db = strrchr (fixture->url, '/') + 1;
  no_password = g_strdup_printf ("postgresql://%s@%s:%s/%s", user, host, port, db);

  dir = strata_test_mkdtemp ();
  g_setenv ("PGPASSFILE", "/nonexistent", TRUE);

  /* No password at all: an authentication error */
  driver = strata_driver_open (no_password, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_setenv ("PGPASSWORD", password, TRUE);
  driver = strata_driver_open (no_password, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&driver);
  g_unsetenv ("PGPASSWORD");

  pgpass = g_build_filename (dir, "pgpass", NULL);
  contents = g_strdup_printf ("# host:port:db:user:password\n%s:%s:*:%s:%s\n", host, port, user, password);
  g_assert_true (g_file_set_contents (pgpass, contents, -1, &error));
  g_assert_cmpint (g_chmod (pgpass, 0600), ==, 0);
  g_setenv ("PGPASSFILE", pgpass, TRUE);
  driver = strata_driver_open (no_password, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&driver);

  services = g_build_filename (dir, "pg_service.conf", NULL);
  g_free (contents);
  contents = g_strdup_printf ("[strata-test]\nhost=%s\nport=%s\nuser=%s\ndbname=%s\n", host, port, user, db);
  g_assert_true (g_file_set_contents (services, contents, -1, &error));
  g_setenv ("PGSERVICEFILE", services, TRUE);
  driver = strata_driver_open ("postgresql://?service=strata-test", NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *name = query_value (driver, "SELECT current_database()");
    g_assert_cmpstr (name, ==, db);
  }
  g_clear_object (&driver);

  /* PG* variables fill what the URL leaves out */
  g_setenv ("PGDATABASE", db, TRUE);
  g_setenv ("PGPORT", port, TRUE);
  {
    g_autofree char *bare = g_strdup_printf ("postgresql://%s@%s", user, host);
    g_autofree char *name = NULL;

    driver = strata_driver_open (bare, NULL, NULL, &error);
    g_assert_no_error (error);
    name = query_value (driver, "SELECT current_database()");
    g_assert_cmpstr (name, ==, db);
    g_clear_object (&driver);
  }

  g_unsetenv ("PGDATABASE");
  g_unsetenv ("PGPORT");
  g_unsetenv ("PGSERVICEFILE");
  g_unsetenv ("PGPASSFILE");
  strata_test_rm_rf (dir);
}

static void
test_connection_errors (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autofree char *wrong = NULL;
  const char *password = g_getenv ("STRATA_TEST_PG_PASSWORD");

  if (fixture->url == NULL)
    return;

  /* Wrong password: named nowhere, host:port/db named */
  wrong = g_strdup (fixture->url);
  memcpy (strstr (wrong, password), "0123456789abcdef", 16);
  driver = strata_driver_open (wrong, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION);
  g_test_message ("%s", error->message);
  assert_mentions (error->message, "127.0.0.1:");
  assert_mentions (error->message, strrchr (fixture->url, '/'));
  assert_mentions (error->message, "password authentication failed");
  g_assert_null (strstr (error->message, "0123456789abcdef"));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  /* Nobody listening */
  driver = strata_driver_open ("postgresql://app:s3cret@127.0.0.1:1/app", NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "cannot connect to 127.0.0.1:1/app: "));
  g_assert_null (strstr (error->message, "s3cret"));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  /* A database that is not there */
  {
    g_autofree char *missing = strata_test_pg_url_for (fixture->url, "no_such_database");

    driver = strata_driver_open (missing, NULL, NULL, &error);
    g_assert_null (driver);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
    assert_mentions (error->message, "no_such_database");
  }
}

static void
test_execute (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  StrataDriverPg *pg;
  guint64 before;

  if (fixture->url == NULL)
    return;

  pg = STRATA_DRIVER_PG (fixture->driver);

  /* A batch that opens its own transaction is one round trip; its failing
   * statement is named and nothing of it stays */
  before = strata_driver_pg_get_round_trips (pg);
  g_assert_false (strata_driver_execute (fixture->driver,
                                         "BEGIN;\n"
                                         "CREATE TABLE a (x integer);\n"
                                         "INSERT INTO a VALUES (1);\n"
                                         "INSERT INTO a VALUES ('one');\n"
                                         "CREATE TABLE b (y integer);\n"
                                         "COMMIT",
                                         NULL, &error));
  g_assert_cmpuint (strata_driver_pg_get_round_trips (pg), ==, before + 1);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "INSERT INTO a VALUES ('one'): "));
  assert_mentions (error->message, "invalid input syntax for type integer");
  g_clear_error (&error);
  g_assert_true (strata_driver_in_transaction (fixture->driver));
  strata_driver_rollback (fixture->driver);
  g_assert_false (strata_driver_in_transaction (fixture->driver));
  g_assert_false (table_exists (fixture->driver, "a"));

  before = strata_driver_pg_get_round_trips (pg);
  g_assert_true (strata_driver_execute (fixture->driver,
                                        "BEGIN; CREATE TABLE a (x integer); INSERT INTO a VALUES (1), (2); COMMIT",
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (strata_driver_pg_get_round_trips (pg), ==, before + 1);
  g_assert_false (strata_driver_in_transaction (fixture->driver));

  /* Outside a transaction each statement commits on its own, as on SQLite,
   * so CREATE INDEX CONCURRENTLY can follow another statement */
  g_assert_false (strata_driver_execute (fixture->driver,
                                         "CREATE TABLE c (z integer);\n"
                                         "CREATE INDEX CONCURRENTLY ix_c_z ON c (z);\n"
                                         "CREATE INDEX CONCURRENTLY ix_c_w ON c (w);\n"
                                         "CREATE TABLE d (z integer)",
                                         NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_true (g_str_has_prefix (error->message, "CREATE INDEX CONCURRENTLY ix_c_w ON c (w): column \"w\""));
  g_clear_error (&error);
  g_assert_true (table_exists (fixture->driver, "c"));
  g_assert_true (table_exists (fixture->driver, "ix_c_z"));
  g_assert_false (table_exists (fixture->driver, "d"));

  /* COMMIT of a failed transaction is an error, not a silent ROLLBACK */
  g_assert_true (strata_driver_begin (fixture->driver, NULL, &error));
  g_assert_false (strata_driver_execute (fixture->driver, "SELECT 1/0", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  assert_mentions (error->message, "SELECT 1/0: division by zero");
  g_clear_error (&error);
  g_assert_false (strata_driver_commit (fixture->driver, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_clear_error (&error);
  strata_driver_rollback (fixture->driver);

  /* Comments and empty statements are nothing */
  g_assert_true (strata_driver_execute (fixture->driver, "-- nothing\n;;", NULL, &error));
  g_assert_no_error (error);
}

static void
test_query (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(StrataResult) empty = NULL;
  const char *params[] = { "it's", NULL, "42" };

  if (fixture->url == NULL)
    return;

  result = strata_driver_query_params (fixture->driver,
                                       "SELECT $1::text AS a, $2::text AS b, $3::int + 1 AS c",
                                       3, params, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (result), ==, 1);
  g_assert_cmpuint (strata_result_get_n_columns (result), ==, 3);
  g_assert_cmpstr (strata_result_get_column_name (result, 2), ==, "c");
  g_assert_cmpstr (strata_result_get_value (result, 0, 0), ==, "it's");
  g_assert_null (strata_result_get_value (result, 0, 1));
  g_assert_cmpstr (strata_result_get_value (result, 0, 2), ==, "43");

  g_assert_true (strata_driver_execute (fixture->driver, "CREATE TABLE t (x text)", NULL, &error));
  empty = strata_driver_query_params (fixture->driver, "INSERT INTO t VALUES ($1)", 1, params, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (empty), ==, 0);

  g_assert_null (strata_driver_query (fixture->driver, "SELECT nope FROM t", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_cmpstr (error->message, ==, "SELECT nope FROM t: column \"nope\" does not exist");
}

static void
test_table_exists (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (fixture->url == NULL)
    return;

  g_assert_true (strata_driver_execute (fixture->driver,
                                        "CREATE SCHEMA app; CREATE TABLE app.v (x int); "
                                        "CREATE TABLE \"Mixed\" (x int)",
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_true (table_exists (fixture->driver, "app.v"));
  g_assert_false (table_exists (fixture->driver, "v"));
  g_assert_false (table_exists (fixture->driver, "public.v"));
  g_assert_false (table_exists (fixture->driver, "nope.v"));
  g_assert_true (table_exists (fixture->driver, "Mixed"));
  g_assert_false (table_exists (fixture->driver, "mixed"));
  g_assert_true (table_exists (fixture->driver, "public.Mixed"));
}

typedef struct
{
  StrataDriver *driver;
  GCancellable *cancellable;
} Canceller;

static gpointer
cancel_soon (gpointer data)
{
  Canceller *canceller = data;

  g_usleep (200 * G_TIME_SPAN_MILLISECOND);
  if (canceller->cancellable != NULL)
    g_cancellable_cancel (canceller->cancellable);
  else
    strata_driver_interrupt (canceller->driver);

  return NULL;
}

static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Canceller by_cancellable = { fixture->driver, cancellable };
  Canceller by_interrupt = { fixture->driver, NULL };
  GThread *thread;
  gint64 start;

  if (fixture->url == NULL)
    return;

  /* Through the cancellable, in the middle of a batch */
  thread = g_thread_new ("cancel", cancel_soon, &by_cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (strata_driver_execute (fixture->driver,
                                         "BEGIN; CREATE TABLE t (x int); SELECT pg_sleep(30); COMMIT",
                                         cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_assert_cmpstr (error->message, ==, "SELECT pg_sleep(30): cancelled");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_clear_error (&error);
  strata_driver_rollback (fixture->driver);
  g_assert_false (table_exists (fixture->driver, "t"));

  /* Already cancelled: nothing is sent */
  g_assert_false (strata_driver_execute (fixture->driver, "CREATE TABLE t (x int)", cancellable, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (table_exists (fixture->driver, "t"));

  /* strata_driver_interrupt() from another thread */
  thread = g_thread_new ("interrupt", cancel_soon, &by_interrupt);
  g_assert_null (strata_driver_query (fixture->driver, "SELECT pg_sleep(30)", NULL, &error));
  g_thread_join (thread);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
  g_clear_error (&error);

  /* statement_timeout is the database's error, not a cancellation */
  g_assert_true (strata_driver_execute (fixture->driver, "SET statement_timeout = 100", NULL, &error));
  g_assert_null (strata_driver_query (fixture->driver, "SELECT pg_sleep(5)", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  assert_mentions (error->message, "statement timeout");
}

static void
on_lock_waiting (StrataDriverPg  *driver,
                 const char      *holder,
                 char           **seen)
{
  g_free (*seen);
  *seen = g_strdup (holder);
}

static void
test_lock (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) second = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *locks = NULL;
  gint64 start;
  double waited;

  if (fixture->url == NULL)
    return;

  second = strata_driver_open (fixture->url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (second, "lock-waiting", G_CALLBACK (on_lock_waiting), &seen);
  pid = g_strdup_printf ("pid %d (strata)", strata_driver_pg_get_backend_pid (STRATA_DRIVER_PG (fixture->driver)));

  g_assert_true (strata_driver_lock (fixture->driver, "app.strata_version", NULL, &error));
  g_assert_no_error (error);

  /* A different name is a different lock */
  g_assert_true (strata_driver_lock (second, "other.strata_version", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (seen);
  strata_driver_unlock (second, "other.strata_version");

  /* The same one: it waits, says who holds it, gives up after lock_timeout */
  g_assert_true (strata_driver_execute (second, "SET lock_timeout = 300", NULL, &error));
  start = g_get_monotonic_time ();
  g_assert_false (strata_driver_lock (second, "app.strata_version", NULL, &error));
  waited = (g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC;
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_test_message ("%s (after %.2f s)", error->message, waited);
  g_assert_cmpfloat (waited, >=, 0.25);
  g_assert_cmpfloat (waited, <, 5);
  g_assert_nonnull (seen);
  assert_mentions (seen, pid);
  assert_mentions (seen, "since ");
  assert_mentions (error->message, "gave up after 0.3 s waiting for the migration lock on 127.0.0.1:");
  assert_mentions (error->message, pid);
  g_clear_error (&error);
  g_assert_false (strata_driver_in_transaction (second));

  /* An unqualified name is qualified by the current schema */
  g_assert_true (strata_driver_lock (second, "strata_version", NULL, &error));
  g_assert_no_error (error);
  strata_driver_unlock (second, "strata_version");
  g_assert_true (strata_driver_execute (second, "CREATE SCHEMA app; SET search_path = app", NULL, &error));
  g_assert_false (strata_driver_lock (second, "strata_version", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_BUSY);
  g_clear_error (&error);

  /* Cancelled while it waits (no lock_timeout: it would wait minutes) */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    Canceller canceller = { second, cancellable };
    GThread *thread;

    g_assert_true (strata_driver_execute (second, "SET lock_timeout = 0", NULL, &error));
    thread = g_thread_new ("cancel", cancel_soon, &canceller);
    start = g_get_monotonic_time ();
    g_assert_false (strata_driver_lock (second, "app.strata_version", cancellable, &error));
    g_thread_join (thread);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
    assert_mentions (error->message, "cancelled while waiting for the migration lock on ");
    g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    g_clear_error (&error);
    g_assert_false (strata_driver_in_transaction (second));
  }

  /* Released: the second gets it at once, and the lock lasts across
   * transactions */
  strata_driver_unlock (fixture->driver, "app.strata_version");
  g_assert_true (strata_driver_lock (second, "app.strata_version", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (strata_driver_execute (second, "BEGIN; SELECT 1; ROLLBACK", NULL, &error));
  locks = query_value (fixture->driver, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                           "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  g_assert_cmpstr (locks, ==, "1");
  strata_driver_unlock (second, "app.strata_version");
  g_free (locks);
  locks = query_value (fixture->driver, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                                           "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
  g_assert_cmpstr (locks, ==, "0");
}

static gpointer
terminate_soon (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataResult) result = NULL;

  result = strata_driver_query (STRATA_DRIVER (data), g_object_get_data (data, "sql"), NULL, &error);
  g_assert_no_error (error);

  return NULL;
}

/* pg_terminate_backend() in the middle of a transaction */
static void
test_connection_lost (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) killer = NULL;
  GThread *thread;

  if (fixture->url == NULL)
    return;

  killer = strata_driver_open (fixture->url, NULL, NULL, &error);
  g_assert_no_error (error);
  g_object_set_data_full (G_OBJECT (killer), "sql",
                          g_strdup_printf ("SELECT pg_sleep(0.3), pg_terminate_backend(%d)",
                                           strata_driver_pg_get_backend_pid (STRATA_DRIVER_PG (fixture->driver))),
                          g_free);

  thread = g_thread_new ("terminate", terminate_soon, killer);
  g_assert_false (strata_driver_execute (fixture->driver,
                                         "BEGIN; CREATE TABLE t (x int); SELECT pg_sleep(30); COMMIT",
                                         NULL, &error));
  g_thread_join (thread);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "SELECT pg_sleep(30): lost the connection to 127.0.0.1:"));
  g_assert_null (strchr (error->message, '\n'));
  g_clear_error (&error);

  /* Nothing of the transaction stays; the dead driver fails cleanly */
  g_assert_false (table_exists (killer, "t"));
  strata_driver_rollback (fixture->driver);
  g_assert_false (strata_driver_execute (fixture->driver, "SELECT 1", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/driver-pg/split", test_split);

#define ADD(path, func) \
  g_test_add ("/strata/driver-pg/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("connect", test_connect);
  ADD ("libpq-conventions", test_libpq_conventions);
  ADD ("connection-errors", test_connection_errors);
  ADD ("execute", test_execute);
  ADD ("query", test_query);
  ADD ("table-exists", test_table_exists);
  ADD ("cancel", test_cancel);
  ADD ("lock", test_lock);
  ADD ("connection-lost", test_connection_lost);

#undef ADD

  return g_test_run ();
}
