/* test-postgres.c: the throwaway PostgreSQL server the tests run against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/strata-dev starts a server of its own and passes its address in
 * STRATA_TEST_PG_URL. These tests check what the migrator relies on: password
 * authentication, a superuser that may create databases, and transactional
 * DDL.
 */

#include "config.h"

#include <glib.h>
#include <libpq-fe.h>

#include "strata-test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

#define CONNECT_TIMEOUT "10"

static const char *
require_url (void)
{
  return strata_test_require_env ("STRATA_TEST_PG_URL", "PostgreSQL server");
}

/* Connects to @url with @key set to @value (when @key is not NULL; a NULL
 * @value removes it), with a connect timeout so that a dead server fails the
 * test rather than hangs it. */
static PGconn *
connect_with (const char *url,
              const char *key,
              const char *value)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  PQconninfoOption *options;
  char *parse_error = NULL;
  gboolean have_timeout = FALSE;
  PGconn *conn;

  options = PQconninfoParse (url, &parse_error);
  if (options == NULL)
    g_error ("cannot parse STRATA_TEST_PG_URL: %s", parse_error ? parse_error : "out of memory");

  for (PQconninfoOption *option = options; option->keyword != NULL; option++)
    {
      const char *v = option->val;

      if (key != NULL && g_str_equal (option->keyword, key))
        v = value;
      if (v == NULL)
        continue;
      if (g_str_equal (option->keyword, "connect_timeout"))
        have_timeout = TRUE;
      g_ptr_array_add (keywords, option->keyword);
      g_ptr_array_add (values, (gpointer) v);
    }
  if (!have_timeout)
    {
      g_ptr_array_add (keywords, (gpointer) "connect_timeout");
      g_ptr_array_add (values, (gpointer) CONNECT_TIMEOUT);
    }
  g_ptr_array_add (keywords, NULL);
  g_ptr_array_add (values, NULL);

  conn = PQconnectdbParams ((const char * const *) keywords->pdata,
                            (const char * const *) values->pdata,
                            0);
  PQconninfoFree (options);

  return conn;
}

static PGconn *
connect_ok (const char *url)
{
  PGconn *conn = connect_with (url, NULL, NULL);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to the test server: %s", PQerrorMessage (conn));

  return conn;
}

static void
exec_ok (PGconn     *conn,
         const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
}

/* The number of rows of @sql run with one text parameter. */
static int
count_rows (PGconn     *conn,
            const char *sql,
            const char *param)
{
  g_autoptr(PGresult) result = PQexecParams (conn, sql, 1, NULL, &param, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));

  return PQntuples (result);
}

/* Is there a table @name in the public schema, as @conn sees the catalog? */
static gboolean
table_exists (PGconn     *conn,
              const char *name)
{
  static const char sql[] =
    "SELECT 1 FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname = $1";

  return count_rows (conn, sql, name) == 1;
}

static char *
random_name (const char *prefix)
{
  return g_strdup_printf ("%s_%08x", prefix, g_random_int ());
}

static void
test_connect (void)
{
  const char *url = require_url ();
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) result = NULL;

  if (url == NULL)
    return;

  conn = connect_ok (url);
  g_assert_true (PQconnectionUsedPassword (conn));
  g_assert_cmpint (PQserverVersion (conn), >=, 150000);
  g_test_message ("server %s on %s:%s", PQparameterStatus (conn, "server_version"),
                  PQhost (conn), PQport (conn));

  /* Tests create and drop databases: the role must be a superuser. */
  result = PQexec (conn, "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (result), ==, 1);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");
}

static void
test_transactional_ddl (void)
{
  const char *url = require_url ();
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGconn) other = NULL;
  g_autofree char *table = random_name ("strata_probe");
  g_autofree char *create = NULL;

  if (url == NULL)
    return;

  conn = connect_ok (url);
  other = connect_ok (url);
  create = g_strdup_printf ("CREATE TABLE %s (id integer PRIMARY KEY, note text NOT NULL)", table);

  exec_ok (conn, "BEGIN");
  exec_ok (conn, create);
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_INTRANS);

  /* Inside the transaction the catalog has the table; another session does
   * not see it before commit. */
  g_assert_true (table_exists (conn, table));
  g_assert_false (table_exists (other, table));

  exec_ok (conn, "ROLLBACK");
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_IDLE);
  g_assert_false (table_exists (conn, table));
  g_assert_false (table_exists (other, table));

  /* A failing statement aborts the whole transaction, DDL included. */
  exec_ok (conn, "BEGIN");
  exec_ok (conn, create);
  {
    g_autoptr(PGresult) result = PQexec (conn, "SELECT no_such_column FROM pg_catalog.pg_class");

    g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
    g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, "42703");
  }
  g_assert_cmpint (PQtransactionStatus (conn), ==, PQTRANS_INERROR);
  exec_ok (conn, "ROLLBACK");
  g_assert_false (table_exists (conn, table));
}

static void
test_wrong_password (void)
{
  const char *url = require_url ();
  g_autoptr(PGconn) wrong = NULL;
  g_autoptr(PGconn) none = NULL;

  if (url == NULL)
    return;

  wrong = connect_with (url, "password", "not-the-password");
  g_assert_cmpint (PQstatus (wrong), ==, CONNECTION_BAD);
  g_assert_true (PQconnectionUsedPassword (wrong));
  /* The server's message (lc_messages is C on the test server). */
  g_assert_nonnull (strstr (PQerrorMessage (wrong), "password authentication failed"));

  /* No password at all: refused before the server is asked, and libpq says
   * that a password is what is missing (the CLI prompts for one then). */
  none = connect_with (url, "password", NULL);
  g_assert_cmpint (PQstatus (none), ==, CONNECTION_BAD);
  g_assert_true (PQconnectionNeedsPassword (none));
}

static void
test_create_database (void)
{
  const char *url = require_url ();
  g_autoptr(PGconn) admin = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *database = random_name ("strata_test");
  g_autofree char *create = NULL;
  g_autofree char *drop = NULL;

  if (url == NULL)
    return;

  admin = connect_ok (url);
  create = g_strdup_printf ("CREATE DATABASE %s", database);
  drop = g_strdup_printf ("DROP DATABASE %s", database);
  exec_ok (admin, create);

  conn = connect_with (url, "dbname", database);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  g_assert_cmpstr (PQdb (conn), ==, database);
  exec_ok (conn, "CREATE TABLE t (id integer)");
  g_assert_true (table_exists (conn, "t"));
  g_clear_pointer (&conn, PQfinish);

  exec_ok (admin, drop);
  g_assert_cmpint (count_rows (admin, "SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1", database), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* Only what the URL says: no password from the environment or a file. */
  g_unsetenv ("PGPASSWORD");
  g_setenv ("PGPASSFILE", "/nonexistent/strata-test-pgpass", TRUE);
  g_unsetenv ("PGSERVICE");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/postgres/connect", test_connect);
  g_test_add_func ("/strata/postgres/transactional-ddl", test_transactional_ddl);
  g_test_add_func ("/strata/postgres/wrong-password", test_wrong_password);
  g_test_add_func ("/strata/postgres/create-database", test_create_database);

  return g_test_run ();
}
