/* test-dialect.c: SQL per dialect, and the SQLite SQL run on a real database
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "strata.h"
#include "strata-test-util.h"

static StrataOp *
parse_op (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);
  StrataOp *op;

  g_assert_no_error (error);
  op = strata_op_new_from_json (node, &error);
  g_assert_no_error (error);
  return op;
}

static char *
join_statements (GPtrArray *statements)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < statements->len; i++)
    {
      if (i > 0)
        g_string_append (out, ";\n");
      g_string_append (out, g_ptr_array_index (statements, i));
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The statements joined with ";\n", or "ERROR: message". */
static char *
render (StrataDialect  dialect,
        StrataOp      *op)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) statements = strata_dialect_render_op (dialect, op, &error);

  if (statements == NULL)
    {
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED);
      return g_strdup_printf ("ERROR: %s", error->message);
    }

  g_assert_no_error (error);
  return join_statements (statements);
}

static void
test_quote (void)
{
  static const struct { const char *in, *identifier, *literal; } cases[] = {
    { "plain", "\"plain\"", "'plain'" },
    { "select", "\"select\"", "'select'" },
    { "with space", "\"with space\"", "'with space'" },
    { "a\"b", "\"a\"\"b\"", "'a\"b'" },
    { "it's", "\"it's\"", "'it''s'" },
    { "back\\slash", "\"back\\slash\"", "'back\\slash'" },
    { "crème", "\"crème\"", "'crème'" },
    { "", "\"\"", "''" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (StrataDialect d = STRATA_DIALECT_SQLITE; d <= STRATA_DIALECT_POSTGRESQL; d++)
      {
        g_autofree char *identifier = strata_dialect_quote_identifier (d, cases[i].in);
        g_autofree char *literal = strata_dialect_quote_literal (d, cases[i].in);

        g_assert_cmpstr (identifier, ==, cases[i].identifier);
        g_assert_cmpstr (literal, ==, cases[i].literal);
      }

  g_assert_null (strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, NULL));
}

static void
test_types (void)
{
  static const struct { const char *portable, *sqlite, *postgresql; } cases[] = {
    { "integer", "INTEGER", "INTEGER" },
    { "INT", "INTEGER", "INTEGER" },
    { "bigint", "BIGINT", "BIGINT" },
    { "smallint", "SMALLINT", "SMALLINT" },
    { "boolean", "BOOLEAN", "BOOLEAN" },
    { "bool", "BOOLEAN", "BOOLEAN" },
    { "real", "REAL", "REAL" },
    { "double", "DOUBLE PRECISION", "DOUBLE PRECISION" },
    { "double  precision", "DOUBLE PRECISION", "DOUBLE PRECISION" },
    { "numeric", "NUMERIC", "NUMERIC" },
    { "numeric(10,2)", "NUMERIC(10, 2)", "NUMERIC(10, 2)" },
    { "Numeric ( 10 , 2 )", "NUMERIC(10, 2)", "NUMERIC(10, 2)" },
    { "decimal(5)", "NUMERIC(5)", "NUMERIC(5)" },
    { "text", "TEXT", "TEXT" },
    { "varchar(255)", "VARCHAR(255)", "VARCHAR(255)" },
    { "VARCHAR(0255)", "VARCHAR(255)", "VARCHAR(255)" },
    { "varchar", "VARCHAR", "VARCHAR" },
    { "char(2)", "CHAR(2)", "CHAR(2)" },
    { "date", "DATE", "DATE" },
    { "time", "TIME", "TIME" },
    { "timestamp", "TIMESTAMP", "TIMESTAMP" },
    { "timestamptz", "TIMESTAMPTZ", "TIMESTAMPTZ" },
    { "uuid", "UUID", "UUID" },
    { "json", "JSON", "JSONB" },
    { "blob", "BLOB", "BYTEA" },
    /* Anything else passes through verbatim. */
    { "integer(5)", "integer(5)", "integer(5)" },
    { "varchar(1,2)", "varchar(1,2)", "varchar(1,2)" },
    { "citext", "citext", "citext" },
    { "TEXT[]", "TEXT[]", "TEXT[]" },
    { "inet", "inet", "inet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sqlite = strata_dialect_render_type (STRATA_DIALECT_SQLITE, cases[i].portable);
      g_autofree char *postgresql = strata_dialect_render_type (STRATA_DIALECT_POSTGRESQL, cases[i].portable);

      g_assert_cmpstr (sqlite, ==, cases[i].sqlite);
      g_assert_cmpstr (postgresql, ==, cases[i].postgresql);
    }
}

typedef struct
{
  const char *op;
  const char *sqlite;
  const char *postgresql;
} RenderCase;

static const RenderCase render_cases[] = {
  { "{\"op\": \"create_table\", \"table\": \"account\", \"columns\": ["
    "{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},"
    "{\"name\": \"email\", \"type\": \"varchar(255)\", \"nullable\": false},"
    "{\"name\": \"org_id\", \"type\": \"bigint\"},"
    "{\"name\": \"handle\", \"type\": {\"sqlite\": \"TEXT\", \"postgresql\": \"citext\"}},"
    "{\"name\": \"active\", \"type\": \"boolean\", \"nullable\": false, \"default\": \"true\"},"
    "{\"name\": \"kind\", \"type\": \"text\", \"default\": \"'member'\"},"
    "{\"name\": \"score\", \"type\": \"double\", \"default\": \"abs(-1)\"},"
    "{\"name\": \"created_at\", \"type\": \"timestamptz\", \"default\": \"CURRENT_TIMESTAMP\"}],"
    "\"indexes\": [{\"name\": \"ix_account_email\", \"columns\": [\"email\"], \"unique\": true},"
    "              {\"name\": \"ix_account_kind\", \"columns\": [\"kind\", \"org_id\"], \"where\": \"kind <> 'member'\"}],"
    "\"foreign_keys\": [{\"name\": \"fk_account_org\", \"columns\": [\"org_id\"], \"references\": \"org\","
    "                   \"ref_columns\": [\"id\"], \"on_delete\": \"cascade\"}],"
    "\"unique\": [{\"name\": \"uq_account_handle\", \"columns\": [\"handle\"]}],"
    "\"checks\": [{\"name\": \"ck_account_email\", \"expression\": \"email <> ''\"}]}",
    "CREATE TABLE \"account\" (\n"
    "  \"id\" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n"
    "  \"email\" VARCHAR(255) NOT NULL,\n"
    "  \"org_id\" BIGINT,\n"
    "  \"handle\" TEXT,\n"
    "  \"active\" BOOLEAN NOT NULL DEFAULT true,\n"
    "  \"kind\" TEXT DEFAULT 'member',\n"
    "  \"score\" DOUBLE PRECISION DEFAULT (abs(-1)),\n"
    "  \"created_at\" TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,\n"
    "  CONSTRAINT \"uq_account_handle\" UNIQUE (\"handle\"),\n"
    "  CONSTRAINT \"fk_account_org\" FOREIGN KEY (\"org_id\") REFERENCES \"org\" (\"id\") ON DELETE CASCADE,\n"
    "  CONSTRAINT \"ck_account_email\" CHECK (email <> '')\n"
    ");\n"
    "CREATE UNIQUE INDEX \"ix_account_email\" ON \"account\" (\"email\");\n"
    "CREATE INDEX \"ix_account_kind\" ON \"account\" (\"kind\", \"org_id\") WHERE kind <> 'member'",
    "CREATE TABLE \"account\" (\n"
    "  \"id\" INTEGER NOT NULL GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
    "  \"email\" VARCHAR(255) NOT NULL,\n"
    "  \"org_id\" BIGINT,\n"
    "  \"handle\" citext,\n"
    "  \"active\" BOOLEAN NOT NULL DEFAULT true,\n"
    "  \"kind\" TEXT DEFAULT 'member',\n"
    "  \"score\" DOUBLE PRECISION DEFAULT abs(-1),\n"
    "  \"created_at\" TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,\n"
    "  CONSTRAINT \"uq_account_handle\" UNIQUE (\"handle\"),\n"
    "  CONSTRAINT \"fk_account_org\" FOREIGN KEY (\"org_id\") REFERENCES \"org\" (\"id\") ON DELETE CASCADE,\n"
    "  CONSTRAINT \"ck_account_email\" CHECK (email <> '')\n"
    ");\n"
    "CREATE UNIQUE INDEX \"ix_account_email\" ON \"account\" (\"email\");\n"
    "CREATE INDEX \"ix_account_kind\" ON \"account\" (\"kind\", \"org_id\") WHERE kind <> 'member'" },
  { "{\"op\": \"create_table\", \"table\": \"membership\", \"columns\": ["
    "{\"name\": \"account_id\", \"type\": \"bigint\", \"primary_key\": true},"
    "{\"name\": \"org_id\", \"type\": \"bigint\", \"primary_key\": true},"
    "{\"name\": \"role\", \"type\": \"char(1)\", \"nullable\": false, \"default\": \"'m'\"}]}",
    "CREATE TABLE \"membership\" (\n"
    "  \"account_id\" BIGINT NOT NULL,\n"
    "  \"org_id\" BIGINT NOT NULL,\n"
    "  \"role\" CHAR(1) NOT NULL DEFAULT 'm',\n"
    "  PRIMARY KEY (\"account_id\", \"org_id\")\n"
    ")",
    "CREATE TABLE \"membership\" (\n"
    "  \"account_id\" BIGINT NOT NULL,\n"
    "  \"org_id\" BIGINT NOT NULL,\n"
    "  \"role\" CHAR(1) NOT NULL DEFAULT 'm',\n"
    "  PRIMARY KEY (\"account_id\", \"org_id\")\n"
    ")" },
  { "{\"op\": \"drop_table\", \"table\": \"acc\\\"ount\"}",
    "DROP TABLE \"acc\"\"ount\"", "DROP TABLE \"acc\"\"ount\"" },
  { "{\"op\": \"rename_table\", \"table\": \"a\", \"new_name\": \"b\"}",
    "ALTER TABLE \"a\" RENAME TO \"b\"", "ALTER TABLE \"a\" RENAME TO \"b\"" },
  { "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"c\", \"type\": \"boolean\", "
    "\"nullable\": false, \"default\": \"false\"}}",
    "ALTER TABLE \"t\" ADD COLUMN \"c\" BOOLEAN NOT NULL DEFAULT false",
    "ALTER TABLE \"t\" ADD COLUMN \"c\" BOOLEAN NOT NULL DEFAULT false" },
  { "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"c\", \"type\": \"timestamp\", "
    "\"default\": \"CURRENT_TIMESTAMP\"}}",
    "ERROR: add_column (add column t.c): adding a column with a non-constant default needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ADD COLUMN \"c\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP" },
  { "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"c\", \"type\": \"int\", \"nullable\": false}}",
    "ERROR: add_column (add column t.c): SQLite cannot add a NOT NULL column without a default",
    "ALTER TABLE \"t\" ADD COLUMN \"c\" INTEGER NOT NULL" },
  { "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"c\", \"type\": \"int\", \"primary_key\": true}}",
    "ERROR: add_column (add column t.c): adding a primary key column needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ADD COLUMN \"c\" INTEGER NOT NULL PRIMARY KEY" },
  { "{\"op\": \"drop_column\", \"table\": \"t\", \"column\": \"c\"}",
    "ALTER TABLE \"t\" DROP COLUMN \"c\"", "ALTER TABLE \"t\" DROP COLUMN \"c\"" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\", \"new_name\": \"d\"}",
    "ALTER TABLE \"t\" RENAME COLUMN \"c\" TO \"d\"", "ALTER TABLE \"t\" RENAME COLUMN \"c\" TO \"d\"" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\", \"type\": \"varchar(320)\", "
    "\"using\": \"c::varchar\", \"nullable\": false, \"default\": \"'x'\", \"new_name\": \"d\"}",
    "ERROR: alter_column (alter column t.c: type varchar(320), not null, default 'x', rename to d): changing a "
    "column's type, nullability or default needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ALTER COLUMN \"c\" TYPE VARCHAR(320) USING c::varchar, ALTER COLUMN \"c\" SET NOT NULL, "
    "ALTER COLUMN \"c\" SET DEFAULT 'x';\n"
    "ALTER TABLE \"t\" RENAME COLUMN \"c\" TO \"d\"" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\", \"nullable\": true, \"default\": null}",
    "ERROR: alter_column (alter column t.c: nullable, drop default): changing a column's type, nullability or "
    "default needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ALTER COLUMN \"c\" DROP NOT NULL, ALTER COLUMN \"c\" DROP DEFAULT" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\", \"type\": {\"sqlite\": \"TEXT\", "
    "\"postgresql\": \"jsonb\"}}",
    "ERROR: alter_column (alter column t.c: type sqlite: TEXT / postgresql: jsonb): changing a column's type, "
    "nullability or default needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ALTER COLUMN \"c\" TYPE jsonb" },
  { "{\"op\": \"create_index\", \"table\": \"t\", \"name\": \"ix\", \"columns\": [\"a\", \"b\"], "
    "\"unique\": true, \"where\": \"a > 0\", \"concurrently\": true}",
    "CREATE UNIQUE INDEX \"ix\" ON \"t\" (\"a\", \"b\") WHERE a > 0",
    "CREATE UNIQUE INDEX CONCURRENTLY \"ix\" ON \"t\" (\"a\", \"b\") WHERE a > 0" },
  { "{\"op\": \"drop_index\", \"name\": \"ix\", \"concurrently\": true}",
    "DROP INDEX \"ix\"", "DROP INDEX CONCURRENTLY \"ix\"" },
  { "{\"op\": \"drop_index\", \"table\": \"t\", \"name\": \"ix\"}",
    "DROP INDEX \"ix\"", "DROP INDEX \"ix\"" },
  { "{\"op\": \"add_foreign_key\", \"table\": \"t\", \"name\": \"fk\", \"columns\": [\"a\", \"b\"], "
    "\"references\": \"o\", \"ref_columns\": [\"x\", \"y\"], \"on_delete\": \"set null\", \"on_update\": \"cascade\"}",
    "ERROR: add_foreign_key (add foreign key fk on t (a, b) references o (x, y)): adding a constraint needs a "
    "table rebuild on SQLite",
    "ALTER TABLE \"t\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"a\", \"b\") REFERENCES \"o\" (\"x\", \"y\") "
    "ON DELETE SET NULL ON UPDATE CASCADE" },
  { "{\"op\": \"add_foreign_key\", \"table\": \"t\", \"name\": \"fk\", \"columns\": [\"a\"], "
    "\"references\": \"o\", \"ref_columns\": [\"x\"], \"on_delete\": \"RESTRICT\", \"on_update\": \"no_action\"}",
    "ERROR: add_foreign_key (add foreign key fk on t (a) references o (x)): adding a constraint needs a "
    "table rebuild on SQLite",
    "ALTER TABLE \"t\" ADD CONSTRAINT \"fk\" FOREIGN KEY (\"a\") REFERENCES \"o\" (\"x\") "
    "ON DELETE RESTRICT ON UPDATE NO ACTION" },
  { "{\"op\": \"add_unique\", \"table\": \"t\", \"name\": \"uq\", \"columns\": [\"a\"]}",
    "ERROR: add_unique (add unique constraint uq on t (a)): adding a constraint needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ADD CONSTRAINT \"uq\" UNIQUE (\"a\")" },
  { "{\"op\": \"add_check\", \"table\": \"t\", \"name\": \"ck\", \"expression\": \"a > 0\"}",
    "ERROR: add_check (add check constraint ck on t (a > 0)): adding a constraint needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" ADD CONSTRAINT \"ck\" CHECK (a > 0)" },
  { "{\"op\": \"drop_constraint\", \"table\": \"t\", \"name\": \"ck\"}",
    "ERROR: drop_constraint (drop constraint ck on t): dropping a constraint needs a table rebuild on SQLite",
    "ALTER TABLE \"t\" DROP CONSTRAINT \"ck\"" },
  { "{\"op\": \"insert\", \"table\": \"role\", \"rows\": [{\"id\": 1, \"name\": \"it's\", \"weight\": 2.5, "
    "\"active\": true, \"note\": null, \"big\": 9007199254740993, \"tiny\": 1e-7, \"tags\": [\"a\", 1], "
    "\"meta\": {\"k\": \"v\"}}, {\"id\": 2, \"active\": false}]}",
    "INSERT INTO \"role\" (\"id\", \"name\", \"weight\", \"active\", \"note\", \"big\", \"tiny\", \"tags\", \"meta\") "
    "VALUES (1, 'it''s', 2.5, 1, NULL, 9007199254740993, 1e-07, '[\"a\",1]', '{\"k\":\"v\"}');\n"
    "INSERT INTO \"role\" (\"id\", \"active\") VALUES (2, 0)",
    "INSERT INTO \"role\" (\"id\", \"name\", \"weight\", \"active\", \"note\", \"big\", \"tiny\", \"tags\", \"meta\") "
    "VALUES (1, 'it''s', 2.5, TRUE, NULL, 9007199254740993, 1e-07, '[\"a\",1]', '{\"k\":\"v\"}');\n"
    "INSERT INTO \"role\" (\"id\", \"active\") VALUES (2, FALSE);\n"
    /* the identity or serial sequences of the columns given follow the ids */
    "DO $strata$DECLARE c text; s regclass; m bigint; BEGIN\n"
    "FOREACH c IN ARRAY ARRAY['id', 'name', 'weight', 'active', 'note', 'big', 'tiny', 'tags', 'meta']::text[] LOOP\n"
    "  s := pg_get_serial_sequence('\"role\"', c);\n"
    "  CONTINUE WHEN s IS NULL;\n"
    "  EXECUTE format('SELECT max(%I)::bigint FROM %s', c, '\"role\"') INTO m;\n"
    "  IF m IS NOT NULL AND m >= COALESCE(pg_sequence_last_value(s), "
    "(SELECT seqmin FROM pg_sequence WHERE seqrelid = s)) THEN\n"
    "    PERFORM setval(s, m);\n"
    "  END IF;\n"
    "END LOOP;\n"
    "END$strata$" },
  { "{\"op\": \"sql\", \"sql\": \"  UPDATE t SET a = 1;  \\n\"}",
    "UPDATE t SET a = 1", "UPDATE t SET a = 1" },
  { "{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"CREATE EXTENSION citext;\"}",
    "", "CREATE EXTENSION citext" },
};

static void
test_render_ops (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (render_cases); i++)
    {
      g_autoptr(StrataOp) op = parse_op (render_cases[i].op);
      g_autofree char *sqlite = render (STRATA_DIALECT_SQLITE, op);
      g_autofree char *postgresql = render (STRATA_DIALECT_POSTGRESQL, op);

      g_test_message ("case %u: %s", i, render_cases[i].op);
      g_assert_cmpstr (sqlite, ==, render_cases[i].sqlite);
      g_assert_cmpstr (postgresql, ==, render_cases[i].postgresql);
    }
}

static void
test_render_ops_list (void)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (ops, parse_op ("{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"SELECT 1\"}"));
  g_ptr_array_add (ops, parse_op ("{\"op\": \"drop_table\", \"table\": \"t\"}"));

  statements = strata_dialect_render_ops (STRATA_DIALECT_SQLITE, ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (statements->len, ==, 1);
  g_clear_pointer (&statements, g_ptr_array_unref);

  g_ptr_array_add (ops, parse_op ("{\"op\": \"drop_constraint\", \"table\": \"t\", \"name\": \"c\"}"));
  statements = strata_dialect_render_ops (STRATA_DIALECT_SQLITE, ops, &error);
  g_assert_null (statements);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "operation 2: drop_constraint (drop constraint c on t): dropping a "
                                       "constraint needs a table rebuild on SQLite");
}

static void
test_bookkeeping_ddl (void)
{
  g_autofree char *version = strata_dialect_create_version_table (STRATA_DIALECT_SQLITE, "strata_version");
  g_autofree char *alembic = strata_dialect_create_version_table (STRATA_DIALECT_POSTGRESQL, "alembic_version");
  g_autofree char *history = strata_dialect_create_history_table (STRATA_DIALECT_POSTGRESQL, "strata_history");

  g_assert_cmpstr (version, ==, "CREATE TABLE IF NOT EXISTS \"strata_version\" "
                                "(version_num VARCHAR(32) NOT NULL PRIMARY KEY) WITHOUT ROWID");
  g_assert_cmpstr (alembic, ==, "CREATE TABLE IF NOT EXISTS \"alembic_version\" "
                                "(version_num VARCHAR(32) NOT NULL PRIMARY KEY)");
  g_assert_true (g_str_has_prefix (history, "CREATE TABLE IF NOT EXISTS \"strata_history\" (\n"
                                            "  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"));
}

/* On a real SQLite database {{{ */

typedef sqlite3 StrataTestDb;

static void
db_close (StrataTestDb *db)
{
  sqlite3_close (db);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTestDb, db_close)

static StrataTestDb *
db_open (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "test.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL), ==, SQLITE_OK);
  return db;
}

static void
db_exec (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
db_apply (sqlite3    *db,
          const char *op_json)
{
  g_autoptr(StrataOp) op = parse_op (op_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) statements = strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < statements->len; i++)
    db_exec (db, g_ptr_array_index (statements, i));
}

/* The rows of a query as "a|b|c" lines joined by "\n" (NULL as "∅"). */
static char *
db_query (sqlite3    *db,
          const char *sql)
{
  g_autoptr(GString) out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *)sqlite3_column_text (stmt, i);

          if (i > 0)
            g_string_append_c (out, '|');
          g_string_append (out, text ? text : "∅");
        }
    }

  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_query (sqlite3    *db,
              const char *sql,
              const char *expected)
{
  g_autofree char *got = db_query (db, sql);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_sqlite_sequence (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autoptr(StrataTestDb) db = db_open (dir);

  db_apply (db, "{\"op\": \"create_table\", \"table\": \"org\", \"columns\": ["
                "{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},"
                "{\"name\": \"name\", \"type\": \"text\", \"nullable\": false}]}");
  db_apply (db, render_cases[0].op);
  db_apply (db, "{\"op\": \"insert\", \"table\": \"org\", \"rows\": [{\"name\": \"Acme\"}, {\"name\": \"O'Neil\"}]}");
  db_apply (db, "{\"op\": \"insert\", \"table\": \"account\", \"rows\": ["
                "{\"email\": \"a@x\", \"org_id\": 1, \"handle\": \"a\", \"active\": true},"
                "{\"email\": \"b@x\", \"org_id\": 2, \"handle\": \"b\", \"active\": false, \"kind\": \"admin\"}]}");

  /* The table as SQLite sees it. */
  assert_query (db, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('account')",
                "id|INTEGER|1|∅|1\n"
                "email|VARCHAR(255)|1|∅|0\n"
                "org_id|BIGINT|0|∅|0\n"
                "handle|TEXT|0|∅|0\n"
                "active|BOOLEAN|1|true|0\n"
                "kind|TEXT|0|'member'|0\n"
                "score|DOUBLE PRECISION|0|abs(-1)|0\n"
                "created_at|TIMESTAMPTZ|0|CURRENT_TIMESTAMP|0");
  assert_query (db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list('account') ORDER BY name",
                "ix_account_email|1|c|0\n"
                "ix_account_kind|0|c|1\n"
                "sqlite_autoindex_account_1|1|u|0");
  assert_query (db, "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('account')",
                "org|org_id|id|CASCADE");
  assert_query (db, "SELECT id, email, active, kind, score FROM account ORDER BY id",
                "1|a@x|1|member|1.0\n2|b@x|0|admin|1.0");
  assert_query (db, "SELECT name FROM org ORDER BY id", "Acme\nO'Neil");
  assert_query (db, "SELECT name FROM sqlite_sequence WHERE name = 'account'", "account");

  /* The check constraint and the foreign key work. */
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO account (email) VALUES ('')", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO account (email, org_id) VALUES ('c@x', 42)", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT);

  /* Native ALTER TABLE operations. */
  db_apply (db, "{\"op\": \"add_column\", \"table\": \"account\", \"column\": "
                "{\"name\": \"bio\", \"type\": \"text\", \"nullable\": false, \"default\": \"''\"}}");
  db_apply (db, "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"bio\", \"new_name\": \"about\"}");
  db_apply (db, "{\"op\": \"drop_index\", \"table\": \"account\", \"name\": \"ix_account_kind\"}");
  db_apply (db, "{\"op\": \"drop_column\", \"table\": \"account\", \"column\": \"kind\"}");
  db_apply (db, "{\"op\": \"create_index\", \"table\": \"account\", \"name\": \"ix_about\", "
                "\"columns\": [\"about\"], \"where\": \"about <> ''\", \"concurrently\": true}");
  db_apply (db, "{\"op\": \"rename_table\", \"table\": \"account\", \"new_name\": \"member\"}");
  db_apply (db, "{\"op\": \"sql\", \"sqlite\": \"CREATE VIEW active_member AS SELECT id FROM member WHERE active;\", "
                "\"postgresql\": \"\"}");

  assert_query (db, "SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('member') "
                    "WHERE name IN ('about', 'kind')",
                "about|TEXT|1|''");
  assert_query (db, "SELECT name, partial FROM pragma_index_list('member') WHERE origin = 'c' ORDER BY name",
                "ix_about|1\nix_account_email|0");
  assert_query (db, "SELECT about, count(*) FROM member GROUP BY about", "|2");
  assert_query (db, "SELECT id FROM active_member", "1");

  db_apply (db, "{\"op\": \"sql\", \"sql\": \"DROP VIEW active_member\"}");
  db_apply (db, "{\"op\": \"drop_table\", \"table\": \"member\"}");
  assert_query (db, "SELECT group_concat(name, ',') FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'",
                "org");

  g_clear_pointer (&db, db_close);
  strata_test_rm_rf (dir);
}

static void
test_sqlite_weird_names (void)
{
  static const char *names[] = {
    "select", "with space", "quote\"d", "it's", "crème brûlée", "日本語", "back\\slash", "semi;colon", "--dash",
  };
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autoptr(StrataTestDb) db = db_open (dir);
  g_autoptr(StrataTable) table = strata_table_new ("order \"items\"");
  g_autoptr(StrataDataType) text = strata_data_type_new ("text");
  g_autoptr(StrataOp) create = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(JsonObject) row = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) insert_json = NULL;
  g_autoptr(StrataOp) insert = NULL;
  g_autofree char *select = NULL;
  g_autofree char *quoted_table = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(StrataColumn) column = strata_column_new (names[i], text);

      strata_table_add_column (table, column);
      json_object_set_string_member (row, names[i], names[i]);
      g_string_append_printf (expected, "%s%s", i > 0 ? "\n" : "", names[i]);
    }

  g_assert_true (strata_table_validate (table, &error));
  g_assert_no_error (error);
  create = strata_op_new_create_table (table);
  statements = strata_dialect_render_op (STRATA_DIALECT_SQLITE, create, &error);
  g_assert_no_error (error);
  db_exec (db, g_ptr_array_index (statements, 0));

  /* The names come back exactly. */
  assert_query (db, "SELECT name FROM sqlite_master WHERE type = 'table'", "order \"items\"");
  assert_query (db, "SELECT name FROM pragma_table_info('order \"items\"')", expected->str);

  /* So do values, through insert rows keyed by those names. */
  {
    JsonObject *op_object = json_object_new ();
    JsonArray *rows = json_array_new ();

    json_object_set_string_member (op_object, "op", "insert");
    json_object_set_string_member (op_object, "table", "order \"items\"");
    json_array_add_object_element (rows, json_object_ref (row));
    json_object_set_array_member (op_object, "rows", rows);
    insert_json = json_node_init_object (json_node_alloc (), op_object);
    json_object_unref (op_object);
  }
  insert = strata_op_new_from_json (insert_json, &error);
  g_assert_no_error (error);
  g_clear_pointer (&statements, g_ptr_array_unref);
  statements = strata_dialect_render_op (STRATA_DIALECT_SQLITE, insert, &error);
  g_assert_no_error (error);
  db_exec (db, g_ptr_array_index (statements, 0));

  quoted_table = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, "order \"items\"");
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *column = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, names[i]);
      g_autofree char *query = g_strdup_printf ("SELECT %s FROM %s", column, quoted_table);

      assert_query (db, query, names[i]);
    }

  g_clear_pointer (&db, db_close);
  strata_test_rm_rf (dir);
}

static void
test_sqlite_bookkeeping (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autoptr(StrataTestDb) db = db_open (dir);
  g_autofree char *version = strata_dialect_create_version_table (STRATA_DIALECT_SQLITE, "my version");
  g_autofree char *history = strata_dialect_create_history_table (STRATA_DIALECT_SQLITE, "my history");

  /* Twice: IF NOT EXISTS. */
  for (guint i = 0; i < 2; i++)
    {
      db_exec (db, version);
      db_exec (db, history);
    }

  assert_query (db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info('my version')",
                "version_num|VARCHAR(32)|1|1");
  assert_query (db, "SELECT group_concat(name, ',') FROM pragma_table_info('my history')",
                "id,revision,direction,checksum,started,finished,duration_ms,os_user,host,tool_version,outcome,"
                "downgrade,statements_done");

  db_exec (db, "INSERT INTO \"my history\" (revision, direction, checksum, started, finished, duration_ms, "
               "os_user, host, tool_version, outcome) VALUES ('ae1027a6acf0', 'upgrade', 'abc', "
               "'2026-11-21T10:00:00Z', '2026-11-21T10:00:01Z', 1000, 'me', 'box', '0.1.0', 'success')");
  assert_query (db, "SELECT id, revision, duration_ms FROM \"my history\"", "1|ae1027a6acf0|1000");

  db_exec (db, "INSERT INTO \"my version\" VALUES ('ae1027a6acf0')");
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO \"my version\" VALUES ('ae1027a6acf0')", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT);

  g_clear_pointer (&db, db_close);
  strata_test_rm_rf (dir);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/dialect/quote", test_quote);
  g_test_add_func ("/strata/dialect/types", test_types);
  g_test_add_func ("/strata/dialect/render-ops", test_render_ops);
  g_test_add_func ("/strata/dialect/render-ops-list", test_render_ops_list);
  g_test_add_func ("/strata/dialect/bookkeeping-ddl", test_bookkeeping_ddl);
  g_test_add_func ("/strata/dialect/sqlite/sequence", test_sqlite_sequence);
  g_test_add_func ("/strata/dialect/sqlite/weird-names", test_sqlite_weird_names);
  g_test_add_func ("/strata/dialect/sqlite/bookkeeping", test_sqlite_bookkeeping);

  return g_test_run ();
}
