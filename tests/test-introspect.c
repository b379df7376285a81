/* test-introspect.c: model → database → model on SQLite and PostgreSQL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A model with every portable type, nullability, defaults, composite and
 * autoincrement primary keys, unique and check constraints, foreign keys
 * with their actions, and plain, unique, partial and multi-column indexes,
 * under names with spaces, quotes, reserved words and non-ASCII letters, is
 * created in a real database and read back: the result must be the same
 * model, and a diff between the two must find nothing. ("no action" is the
 * database's default and reads back as not given; the diff takes them as
 * the same.)
 */

#include "config.h"

#include <libpq-fe.h>

#include "strata.h"
#include "strata-diff.h"
#include "strata-driver-private.h"
#include "strata-test-util.h"

static const char model_json[] =
  "{\"tables\": ["
  " {\"table\": \"author\", \"columns\": ["
  "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},"
  "   {\"name\": \"name\", \"type\": \"varchar(200)\", \"nullable\": false},"
  "   {\"name\": \"email\", \"type\": \"text\"},"
  "   {\"name\": \"born\", \"type\": \"date\"},"
  "   {\"name\": \"active\", \"type\": \"boolean\", \"nullable\": false, \"default\": \"true\"},"
  "   {\"name\": \"rating\", \"type\": \"real\"},"
  "   {\"name\": \"score\", \"type\": \"double\"},"
  "   {\"name\": \"balance\", \"type\": \"numeric(10,2)\", \"default\": \"0\"},"
  "   {\"name\": \"code\", \"type\": \"char(3)\"},"
  "   {\"name\": \"wake\", \"type\": \"time\"},"
  "   {\"name\": \"seen\", \"type\": \"timestamp\"},"
  "   {\"name\": \"created\", \"type\": \"timestamptz\", \"nullable\": false, \"default\": \"CURRENT_TIMESTAMP\"},"
  "   {\"name\": \"uid\", \"type\": \"uuid\"},"
  "   {\"name\": \"meta\", \"type\": \"json\"},"
  "   {\"name\": \"photo\", \"type\": \"blob\"},"
  "   {\"name\": \"big\", \"type\": \"bigint\"},"
  "   {\"name\": \"small\", \"type\": \"smallint\", \"default\": \"-1\"},"
  "   {\"name\": \"role\", \"type\": \"text\", \"nullable\": false, \"default\": \"'member'\"}],"
  "  \"indexes\": ["
  "   {\"name\": \"ix_author_name\", \"columns\": [\"name\"]},"
  "   {\"name\": \"ix_author_email_active\", \"columns\": [\"email\", \"active\"], \"unique\": true,"
  "    \"where\": \"email IS NOT NULL\"}],"
  "  \"unique\": [{\"name\": \"uq_author_code\", \"columns\": [\"code\"]},"
  "             {\"name\": \"uq_author_name_born\", \"columns\": [\"name\", \"born\"]}],"
  "  \"checks\": [{\"name\": \"ck_author_balance\", \"expression\": \"balance >= 0\"},"
  "             {\"name\": \"ck_author_role\", \"expression\": \"role <> ''\"}]},"
  " {\"table\": \"order\", \"columns\": ["
  "   {\"name\": \"select\", \"type\": \"integer\", \"primary_key\": true},"
  "   {\"name\": \"line no\", \"type\": \"integer\", \"primary_key\": true},"
  "   {\"name\": \"Ünïcödé name\", \"type\": \"varchar(50)\"},"
  "   {\"name\": \"it's \\\"quoted\\\"\", \"type\": \"text\", \"default\": \"'it''s'\"},"
  "   {\"name\": \"author_id\", \"type\": \"integer\"},"
  "   {\"name\": \"editor_id\", \"type\": \"integer\", \"nullable\": false}],"
  "  \"indexes\": [{\"name\": \"ix order author\", \"columns\": [\"author_id\", \"line no\"]}],"
  "  \"foreign_keys\": ["
  "   {\"name\": \"fk_order_author\", \"columns\": [\"author_id\"], \"references\": \"author\","
  "    \"ref_columns\": [\"id\"], \"on_delete\": \"cascade\", \"on_update\": \"set null\"},"
  "   {\"name\": \"fk_order_editor\", \"columns\": [\"editor_id\"], \"references\": \"author\","
  "    \"ref_columns\": [\"id\"], \"on_delete\": \"restrict\"}],"
  "  \"checks\": [{\"name\": \"ck_order_line\", \"expression\": \"\\\"line no\\\" > 0\"}]},"
  " {\"table\": \"order line\", \"columns\": ["
  "   {\"name\": \"order\", \"type\": \"integer\", \"nullable\": false},"
  "   {\"name\": \"line\", \"type\": \"integer\", \"nullable\": false},"
  "   {\"name\": \"parent\", \"type\": \"integer\"},"
  "   {\"name\": \"id\", \"type\": \"bigint\", \"primary_key\": true}],"
  "  \"foreign_keys\": ["
  "   {\"name\": \"fk_line_order\", \"columns\": [\"order\", \"line\"], \"references\": \"order\","
  "    \"ref_columns\": [\"select\", \"line no\"], \"on_delete\": \"set default\"},"
  "   {\"name\": \"fk_line_parent\", \"columns\": [\"parent\"], \"references\": \"order line\","
  "    \"ref_columns\": [\"id\"], \"on_delete\": \"set null\"}]}"
  "]}";

static StrataModel *
load_model (void)
{
  g_autoptr(GError) error = NULL;
  StrataModel *model = strata_model_new_from_data (model_json, -1, "model", &error);

  g_assert_no_error (error);
  return model;
}

static GPtrArray *
create_statements (StrataModel   *model,
                   StrataDialect  dialect)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *tables = strata_model_get_tables (model);

  for (guint i = 0; i < tables->len; i++)
    {
      g_autoptr(GPtrArray) some = strata_dialect_render_create_table (dialect, g_ptr_array_index (tables, i));

      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (statements, g_strdup (g_ptr_array_index (some, j)));
    }

  return statements;
}

static char *
model_text (StrataModel *model)
{
  g_autoptr(JsonNode) node = strata_model_to_json (model);
  return json_to_string (node, TRUE);
}

/* The introspected model must be the model, literally, and a diff as the
 * engine sees it must find nothing. */
static void
assert_round_trip (StrataModel   *expected,
                   StrataModel   *actual,
                   StrataDialect  dialect)
{
  g_autoptr(StrataDiff) diff = strata_diff_new (expected, actual);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_text = model_text (expected);
  g_autofree char *actual_text = model_text (actual);
  GPtrArray *differences;

  strata_diff_set_labels (diff, "the model", "the database");
  strata_diff_set_dialect (diff, dialect);
  g_assert_true (strata_diff_compute (diff, &error));
  g_assert_no_error (error);

  differences = strata_diff_get_differences (diff);
  for (guint i = 0; i < differences->len; i++)
    g_test_message ("difference: %s", (const char *)g_ptr_array_index (differences, i));
  g_assert_cmpuint (differences->len, ==, 0);

  if (!g_str_equal (actual_text, expected_text))
    {
      g_auto(GStrv) a = g_strsplit (expected_text, "\n", -1);
      g_auto(GStrv) b = g_strsplit (actual_text, "\n", -1);

      for (guint i = 0; a[i] != NULL && b[i] != NULL; i++)
        if (!g_str_equal (a[i], b[i]))
          {
            g_test_message ("line %u: expected %s, introspected %s", i + 1, a[i], b[i]);
            break;
          }
      g_test_fail ();
    }
}

static void
test_sqlite_round_trip (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *url = g_strdup_printf ("sqlite:///%s/round.db", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataModel) model = load_model ();
  g_autoptr(StrataModel) actual = NULL;
  g_autoptr(GPtrArray) statements = create_statements (model, STRATA_DIALECT_SQLITE);
  const char *exclude[] = { "strata_version", NULL };

  driver = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < statements->len; i++)
    {
      strata_driver_execute (driver, g_ptr_array_index (statements, i), NULL, &error);
      g_assert_no_error (error);
    }
  strata_driver_execute (driver, "CREATE TABLE strata_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
                         NULL, &error);
  g_assert_no_error (error);

  actual = strata_driver_introspect (driver, exclude, NULL, &error);
  g_assert_no_error (error);
  assert_round_trip (model, actual, STRATA_DIALECT_SQLITE);

  g_clear_object (&driver);
  strata_test_rm_rf (dir);
}

/* An empty database is an empty model; a table the model cannot describe
 * fully (an expression index) still reads. */
static void
test_sqlite_foreign (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *url = g_strdup_printf ("sqlite:///%s/foreign.db", dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataModel) empty = NULL;
  g_autoptr(StrataModel) model = NULL;
  StrataTable *table;

  driver = strata_driver_open (url, NULL, NULL, &error);
  g_assert_no_error (error);
  empty = strata_driver_introspect (driver, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_model_get_tables (empty)->len, ==, 0);

  strata_driver_execute (driver,
                         "CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT UNIQUE, c INT CHECK (c > 0), "
                         "d REFERENCES t);"
                         "CREATE INDEX ix_lower ON t (lower(b));"
                         "CREATE INDEX ix_c ON t (c DESC)", NULL, &error);
  g_assert_no_error (error);
  model = strata_driver_introspect (driver, NULL, NULL, &error);
  g_assert_no_error (error);

  table = strata_model_lookup_table (model, "t");
  g_assert_nonnull (table);
  g_assert_cmpuint (strata_table_get_columns (table)->len, ==, 4);
  g_assert_cmpuint (strata_table_get_indexes (table)->len, ==, 1);
  g_assert_cmpuint (strata_table_get_uniques (table)->len, ==, 1);
  g_assert_cmpuint (strata_table_get_checks (table)->len, ==, 1);
  g_assert_cmpstr (strata_check_get_expression (g_ptr_array_index (strata_table_get_checks (table), 0)), ==, "c > 0");
  g_assert_cmpuint (strata_table_get_foreign_keys (table)->len, ==, 1);
  g_assert_cmpstr (strata_foreign_key_get_ref_columns (g_ptr_array_index (strata_table_get_foreign_keys (table), 0))[0],
                   ==, "a");

  g_clear_object (&driver);
  strata_test_rm_rf (dir);
}

/* PostgreSQL {{{ */

static void
pg_exec (PGconn     *conn,
         const char *sql)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
}

/* A connection whose current schema is a fresh one, dropped by
 * pg_drop_schema. */
static PGconn *
pg_connect_schema (const char  *url,
                   char       **schema)
{
  PGconn *conn = PQconnectdb (url);
  g_autofree char *create = NULL;
  g_autofree char *path = NULL;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to STRATA_TEST_PG_URL: %s", PQerrorMessage (conn));

  *schema = g_strdup_printf ("strata_test_%08x", g_random_int ());
  create = g_strdup_printf ("CREATE SCHEMA \"%s\"", *schema);
  path = g_strdup_printf ("SET search_path TO \"%s\"", *schema);
  pg_exec (conn, "SET client_min_messages TO warning");
  pg_exec (conn, create);
  pg_exec (conn, path);

  return conn;
}

static void
pg_drop_schema (PGconn     *conn,
                const char *schema)
{
  g_autofree char *drop = g_strdup_printf ("DROP SCHEMA \"%s\" CASCADE", schema);
  pg_exec (conn, drop);
}

static void
test_pg_round_trip (void)
{
  const char *url = strata_test_require_env ("STRATA_TEST_PG_URL", "PostgreSQL server");
  g_autoptr(PGconn) conn = NULL;
  g_autofree char *schema = NULL;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(StrataModel) actual = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GError) error = NULL;

  if (url == NULL)
    return;

  conn = pg_connect_schema (url, &schema);
  model = load_model ();
  statements = create_statements (model, STRATA_DIALECT_POSTGRESQL);
  for (guint i = 0; i < statements->len; i++)
    pg_exec (conn, g_ptr_array_index (statements, i));

  actual = _strata_introspect_pg_conn (conn, NULL, &error);
  g_assert_no_error (error);
  assert_round_trip (model, actual, STRATA_DIALECT_POSTGRESQL);

  pg_drop_schema (conn, schema);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/introspect/sqlite/round-trip", test_sqlite_round_trip);
  g_test_add_func ("/strata/introspect/sqlite/foreign", test_sqlite_foreign);
  g_test_add_func ("/strata/introspect/postgresql/round-trip", test_pg_round_trip);

  return g_test_run ();
}
