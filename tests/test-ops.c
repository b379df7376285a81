/* test-ops.c: operations and the table model: parse, round trip, describe,
 * invert, and strict errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata.h"

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static StrataOp *
parse_op (const char *text)
{
  g_autoptr(JsonNode) node = parse_json (text);
  g_autoptr(GError) error = NULL;
  StrataOp *op = strata_op_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op);
  return op;
}

static void
assert_op_json (StrataOp   *op,
                const char *expected)
{
  g_autoptr(JsonNode) want = parse_json (expected);
  g_autoptr(JsonNode) got = strata_op_to_json (op);

  if (!json_node_equal (want, got))
    {
      g_autofree char *text = json_to_string (got, FALSE);
      g_error ("expected %s, got %s", expected, text);
    }
}

typedef struct
{
  const char   *json;       /* canonical: to_json gives it back */
  StrataOpKind  kind;
  const char   *table;
  const char   *describe;
  gboolean      destructive;
  const char   *inverse;    /* JSON, or NULL */
  const char   *refusal;    /* the error when there is no inverse */
  gboolean      involution; /* inverting the inverse gives the op back */
} OpCase;

static const OpCase op_cases[] = {
  { "{\"op\": \"create_table\", \"table\": \"account\", \"columns\": ["
    "{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},"
    "{\"name\": \"email\", \"type\": \"varchar(255)\", \"nullable\": false},"
    "{\"name\": \"org_id\", \"type\": \"bigint\"},"
    "{\"name\": \"handle\", \"type\": {\"sqlite\": \"TEXT\", \"postgresql\": \"citext\"}},"
    "{\"name\": \"age\", \"type\": \"integer\", \"default\": \"0\"},"
    "{\"name\": \"created_at\", \"type\": \"timestamptz\", \"default\": \"CURRENT_TIMESTAMP\"}],"
    "\"indexes\": [{\"name\": \"ix_account_email\", \"columns\": [\"email\"], \"unique\": true},"
    "              {\"name\": \"ix_account_age\", \"columns\": [\"age\"], \"where\": \"age > 0\"}],"
    "\"foreign_keys\": [{\"name\": \"fk_account_org\", \"columns\": [\"org_id\"], \"references\": \"org\","
    "                   \"ref_columns\": [\"id\"], \"on_delete\": \"cascade\", \"on_update\": \"set null\"}],"
    "\"unique\": [{\"name\": \"uq_account_handle\", \"columns\": [\"handle\"]}],"
    "\"checks\": [{\"name\": \"ck_account_age\", \"expression\": \"age >= 0\"}]}",
    STRATA_OP_CREATE_TABLE, "account", "create table account", FALSE,
    "{\"op\": \"drop_table\", \"table\": \"account\"}", NULL },
  { "{\"op\": \"drop_table\", \"table\": \"account\"}",
    STRATA_OP_DROP_TABLE, "account", "drop table account", TRUE, NULL,
    "drop_table (drop table account) has no inverse: the table's definition is only known from the schema model" },
  { "{\"op\": \"rename_table\", \"table\": \"account\", \"new_name\": \"member\"}",
    STRATA_OP_RENAME_TABLE, "account", "rename table account to member", FALSE,
    "{\"op\": \"rename_table\", \"table\": \"member\", \"new_name\": \"account\"}", NULL, TRUE },
  { "{\"op\": \"add_column\", \"table\": \"account\", \"column\": {\"name\": \"bio\", \"type\": \"text\", \"default\": \"''\"}}",
    STRATA_OP_ADD_COLUMN, "account", "add column account.bio", FALSE,
    "{\"op\": \"drop_column\", \"table\": \"account\", \"column\": \"bio\"}", NULL },
  { "{\"op\": \"drop_column\", \"table\": \"account\", \"column\": \"bio\"}",
    STRATA_OP_DROP_COLUMN, "account", "drop column account.bio", TRUE, NULL,
    "drop_column (drop column account.bio) has no inverse: the column's definition is only known from the schema model" },
  { "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"email\", \"new_name\": \"mail\"}",
    STRATA_OP_ALTER_COLUMN, "account", "alter column account.email: rename to mail", FALSE,
    "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"mail\", \"new_name\": \"email\"}", NULL, TRUE },
  { "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"email\", \"nullable\": true}",
    STRATA_OP_ALTER_COLUMN, "account", "alter column account.email: nullable", FALSE,
    "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"email\", \"nullable\": false, "
    "\"existing_nullable\": true}", NULL },
  { "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"email\", \"type\": \"varchar(320)\", "
    "\"using\": \"email::varchar(320)\", \"nullable\": false, \"default\": \"'x'\", \"new_name\": \"mail\", "
    "\"existing_type\": \"varchar(255)\", \"existing_nullable\": true, \"existing_default\": null}",
    STRATA_OP_ALTER_COLUMN, "account",
    "alter column account.email: type varchar(320), not null, default 'x', rename to mail", TRUE,
    "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"mail\", \"type\": \"varchar(255)\", "
    "\"nullable\": true, \"default\": null, \"new_name\": \"email\", \"existing_type\": \"varchar(320)\", "
    "\"existing_nullable\": false, \"existing_default\": \"'x'\"}", NULL },
  { "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"age\", \"type\": \"bigint\"}",
    STRATA_OP_ALTER_COLUMN, "account", "alter column account.age: type bigint", TRUE, NULL,
    "alter_column (alter column account.age: type bigint) has no inverse: the column's type before the "
    "change is unknown; give \"existing_type\"" },
  { "{\"op\": \"alter_column\", \"table\": \"account\", \"column\": \"age\", \"default\": null}",
    STRATA_OP_ALTER_COLUMN, "account", "alter column account.age: drop default", FALSE, NULL,
    "alter_column (alter column account.age: drop default) has no inverse: the column's default before the "
    "change is unknown; give \"existing_default\"" },
  { "{\"op\": \"create_index\", \"table\": \"account\", \"name\": \"ix_email\", \"columns\": [\"email\", \"age\"], "
    "\"unique\": true, \"where\": \"age > 0\", \"concurrently\": true}",
    STRATA_OP_CREATE_INDEX, "account", "create unique index ix_email on account (email, age) where age > 0", FALSE,
    "{\"op\": \"drop_index\", \"table\": \"account\", \"name\": \"ix_email\", \"concurrently\": true}", NULL },
  { "{\"op\": \"drop_index\", \"name\": \"ix_email\"}",
    STRATA_OP_DROP_INDEX, NULL, "drop index ix_email", FALSE, NULL,
    "drop_index (drop index ix_email) has no inverse: the index's definition is only known from the schema model" },
  { "{\"op\": \"add_foreign_key\", \"table\": \"account\", \"name\": \"fk_org\", \"columns\": [\"org_id\"], "
    "\"references\": \"org\", \"ref_columns\": [\"id\"], \"on_delete\": \"restrict\"}",
    STRATA_OP_ADD_FOREIGN_KEY, "account", "add foreign key fk_org on account (org_id) references org (id)", FALSE,
    "{\"op\": \"drop_constraint\", \"table\": \"account\", \"name\": \"fk_org\"}", NULL },
  { "{\"op\": \"add_unique\", \"table\": \"account\", \"name\": \"uq_handle\", \"columns\": [\"handle\", \"org_id\"]}",
    STRATA_OP_ADD_UNIQUE, "account", "add unique constraint uq_handle on account (handle, org_id)", FALSE,
    "{\"op\": \"drop_constraint\", \"table\": \"account\", \"name\": \"uq_handle\"}", NULL },
  { "{\"op\": \"add_check\", \"table\": \"account\", \"name\": \"ck_age\", \"expression\": \"age >= 0\"}",
    STRATA_OP_ADD_CHECK, "account", "add check constraint ck_age on account (age >= 0)", FALSE,
    "{\"op\": \"drop_constraint\", \"table\": \"account\", \"name\": \"ck_age\"}", NULL },
  { "{\"op\": \"drop_constraint\", \"table\": \"account\", \"name\": \"ck_age\"}",
    STRATA_OP_DROP_CONSTRAINT, "account", "drop constraint ck_age on account", FALSE, NULL,
    "drop_constraint (drop constraint ck_age on account) has no inverse: the constraint's definition is only "
    "known from the schema model" },
  { "{\"op\": \"insert\", \"table\": \"role\", \"rows\": [{\"id\": 1, \"name\": \"admin\", \"weight\": 2.5, "
    "\"active\": true, \"note\": null}, {\"id\": 2, \"name\": \"member\"}]}",
    STRATA_OP_INSERT, "role", "insert 2 rows into role", FALSE, NULL,
    "insert (insert 2 rows into role) has no inverse: inserted rows are not deleted automatically" },
  { "{\"op\": \"sql\", \"sql\": \"UPDATE account SET age = 0 WHERE age IS NULL\"}",
    STRATA_OP_SQL, NULL, "run SQL: UPDATE account SET age = 0 WHERE age IS NULL", FALSE, NULL,
    "sql (run SQL: UPDATE account SET age = 0 WHERE age IS NULL) has no inverse: it has no \"reverse\"" },
  { "{\"op\": \"sql\", \"sql\": \"CREATE VIEW v AS SELECT 1\", \"reverse\": \"DROP VIEW v\"}",
    STRATA_OP_SQL, NULL, "run SQL: CREATE VIEW v AS SELECT 1", FALSE,
    "{\"op\": \"sql\", \"sql\": \"DROP VIEW v\", \"reverse\": \"CREATE VIEW v AS SELECT 1\"}", NULL, TRUE },
  { "{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"CREATE EXTENSION citext\", "
    "\"reverse\": {\"sqlite\": \"\", \"postgresql\": \"DROP EXTENSION citext\"}}",
    STRATA_OP_SQL, NULL, "run SQL per dialect: CREATE EXTENSION citext", FALSE,
    "{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"DROP EXTENSION citext\", "
    "\"reverse\": {\"sqlite\": \"\", \"postgresql\": \"CREATE EXTENSION citext\"}}", NULL, TRUE },
  { "{\"op\": \"sql\", \"sqlite\": \"PRAGMA user_version = 3\", \"postgresql\": \"\", \"reverse\": \"\"}",
    STRATA_OP_SQL, NULL, "run SQL per dialect: PRAGMA user_version = 3", FALSE,
    "{\"op\": \"sql\", \"sql\": \"\", \"reverse\": {\"sqlite\": \"PRAGMA user_version = 3\", \"postgresql\": \"\"}}",
    NULL, TRUE },
};

static void
test_op_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (op_cases); i++)
    {
      const OpCase *c = &op_cases[i];
      g_autoptr(StrataOp) op = parse_op (c->json);
      g_autoptr(JsonNode) json = strata_op_to_json (op);
      g_autoptr(StrataOp) again = strata_op_new_from_json (json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataOp) inverse = NULL;
      g_autofree char *describe = strata_op_describe (op);

      g_test_message ("case %u: %s", i, c->json);

      /* Round trip: the canonical form comes back exactly. */
      assert_op_json (op, c->json);
      g_assert_nonnull (again);
      g_assert_true (strata_op_equal (op, again));

      g_assert_cmpint (strata_op_get_kind (op), ==, c->kind);
      g_assert_cmpstr (strata_op_get_table (op), ==, c->table);
      g_assert_cmpstr (describe, ==, c->describe);
      g_assert_cmpint (strata_op_is_destructive (op), ==, c->destructive);

      inverse = strata_op_invert (op, &error);
      if (c->inverse != NULL)
        {
          g_autoptr(StrataOp) back = NULL;

          g_assert_no_error (error);
          assert_op_json (inverse, c->inverse);

          /* Inverting twice gives the operation back when nothing is lost. */
          if (c->involution)
            {
              back = strata_op_invert (inverse, &error);
              g_assert_no_error (error);
              g_assert_true (strata_op_equal (op, back));
            }
        }
      else
        {
          g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE);
          g_assert_cmpstr (error->message, ==, c->refusal);
          g_assert_null (inverse);
        }
    }
}

static void
test_op_canonical_form (void)
{
  /* Defaults written out, other key order: parses to the canonical op. */
  g_autoptr(StrataOp) op = parse_op ("{\"columns\": [\"email\"], \"unique\": false, \"concurrently\": false, "
                                     "\"name\": \"ix\", \"table\": \"t\", \"op\": \"create_index\"}");
  g_autoptr(StrataOp) column = parse_op ("{\"op\": \"add_column\", \"table\": \"t\", \"column\": "
                                         "{\"autoincrement\": false, \"nullable\": true, \"type\": \"text\", "
                                         "\"name\": \"c\", \"primary_key\": false}}");
  g_autoptr(StrataOp) pk = parse_op ("{\"op\": \"create_table\", \"table\": \"t\", \"columns\": "
                                     "[{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, "
                                     "\"nullable\": false}]}");
  g_autoptr(JsonNode) json = strata_op_to_json (op);
  g_autofree char *text = json_to_string (json, FALSE);

  g_assert_cmpstr (text, ==, "{\"op\":\"create_index\",\"table\":\"t\",\"name\":\"ix\",\"columns\":[\"email\"]}");
  assert_op_json (column, "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"c\", \"type\": \"text\"}}");
  assert_op_json (pk, "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": "
                      "[{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true}]}");
}

typedef struct
{
  const char *json;
  const char *message;
} BadCase;

static const BadCase bad_ops[] = {
  { "[]", "an operation must be an object, not an array" },
  { "{\"table\": \"t\"}", "missing key \"op\"" },
  { "{\"op\": 3}", "key \"op\" must be a string, not a number" },
  { "{\"op\": \"create_tabel\", \"table\": \"t\"}", "unknown operation \"create_tabel\"" },
  { "{\"op\": \"drop_table\"}", "drop_table: missing key \"table\"" },
  { "{\"op\": \"drop_table\", \"table\": \"t\", \"cascade\": true}", "drop_table: unknown key \"cascade\"" },
  { "{\"op\": \"drop_table\", \"table\": \"\"}", "drop_table: key \"table\": invalid identifier \"\": it is empty" },
  { "{\"op\": \"drop_table\", \"table\": \"a\\u0001b\"}",
    "drop_table: key \"table\": invalid identifier \"a\\x01b\": it contains a control character" },
  { "{\"op\": \"drop_table\", \"table\": \"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn\"}",
    "drop_table: key \"table\": invalid identifier "
    "\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmn\": it is longer than 63 bytes" },
  { "{\"op\": \"drop_table\", \"table\": [\"t\"]}", "drop_table: key \"table\" must be a string, not an array" },
  { "{\"op\": \"rename_table\", \"table\": \"t\"}", "rename_table: missing key \"new_name\"" },
  { "{\"op\": \"rename_table\", \"table\": \"t\", \"new_name\": \"t\"}",
    "rename_table: \"new_name\" is the table's current name" },
  { "{\"op\": \"create_table\", \"table\": \"t\"}", "create_table: missing key \"columns\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": []}", "create_table: key \"columns\" must not be empty" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": {}}",
    "create_table: key \"columns\" must be an array, not an object" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", \"nulable\": true}]}",
    "create_table: columns[0]: unknown key \"nulable\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\"}]}",
    "create_table: columns[0] (column \"a\"): missing key \"type\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", \"nullable\": \"no\"}]}",
    "create_table: columns[0]: key \"nullable\" must be a boolean, not a string" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", \"default\": 0}]}",
    "create_table: columns[0]: key \"default\" must be a string, not a number" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"\"}]}",
    "create_table: columns[0] (column \"a\"): key \"type\": \"\" is not a type name" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": {\"sqlite\": \"TEXT\"}}]}",
    "create_table: columns[0] (column \"a\"): key \"type\": missing key \"postgresql\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": {\"sqlite\": \"TEXT\", "
    "\"postgresql\": \"text\", \"mysql\": \"TEXT\"}}]}",
    "create_table: columns[0] (column \"a\"): key \"type\": unknown key \"mysql\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}, "
    "{\"name\": \"a\", \"type\": \"text\"}]}",
    "create_table: columns[1]: the column \"a\" is defined twice" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", "
    "\"primary_key\": true, \"nullable\": true}]}",
    "create_table: columns[0]: a primary key column cannot be nullable" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", "
    "\"autoincrement\": true}]}",
    "create_table: columns[0]: \"autoincrement\" needs \"primary_key\": true" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"text\", "
    "\"primary_key\": true, \"autoincrement\": true}]}",
    "create_table: columns[0]: an autoincrement column must have an integer type, not \"text\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\", "
    "\"primary_key\": true, \"autoincrement\": true}, {\"name\": \"b\", \"type\": \"int\", \"primary_key\": true}]}",
    "create_table: columns[0]: an autoincrement column must be the only primary key column" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}], "
    "\"indexes\": [{\"name\": \"ix\", \"columns\": [\"b\"]}]}",
    "create_table: indexes[0]: no column \"b\" in this table" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}], "
    "\"indexes\": [{\"name\": \"x\", \"columns\": [\"a\"]}], \"unique\": [{\"name\": \"x\", \"columns\": [\"a\"]}]}",
    "create_table: unique[0]: the name \"x\" is used twice in this table" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}], "
    "\"foreign_keys\": [{\"name\": \"fk\", \"columns\": [\"a\"], \"references\": \"o\", \"ref_columns\": [\"x\", \"y\"]}]}",
    "create_table: foreign_keys[0]: \"columns\" has 1 names but \"ref_columns\" has 2" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}], "
    "\"foreign_keys\": [{\"name\": \"fk\", \"columns\": [\"a\"], \"references\": \"o\", \"ref_columns\": [\"x\"], "
    "\"on_delete\": \"explode\"}]}",
    "create_table: foreign_keys[0]: key \"on_delete\": \"explode\" is not one of \"cascade\", \"restrict\", "
    "\"set null\", \"set default\", \"no action\"" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}], "
    "\"checks\": [{\"name\": \"ck\", \"expression\": \"  \"}]}",
    "create_table: checks[0]: key \"expression\" must be an SQL expression, not an empty string" },
  { "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"a\", \"type\": \"int\"}], \"index\": []}",
    "create_table: unknown key \"index\"" },
  { "{\"op\": \"add_column\", \"table\": \"t\", \"column\": \"c\"}",
    "add_column: key \"column\" must be a column object {\"name\": …, \"type\": …}" },
  { "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"c\", \"type\": \"int\", \"size\": 3}}",
    "add_column: column: unknown key \"size\"" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\"}",
    "alter_column: nothing to change: give \"type\", \"nullable\", \"default\" or \"new_name\"" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\", \"using\": \"c::int\", \"nullable\": true}",
    "alter_column: \"using\" needs \"type\"" },
  { "{\"op\": \"alter_column\", \"table\": \"t\", \"column\": \"c\", \"default\": 3}",
    "alter_column: key \"default\" must be an SQL expression or null" },
  { "{\"op\": \"create_index\", \"table\": \"t\", \"name\": \"ix\", \"columns\": [\"a\", \"a\"]}",
    "create_index: key \"columns\" lists \"a\" twice" },
  { "{\"op\": \"create_index\", \"table\": \"t\", \"name\": \"ix\", \"columns\": [\"a\", 2]}",
    "create_index: key \"columns\" must be an array of names, but item 1 is a number" },
  { "{\"op\": \"create_index\", \"name\": \"ix\", \"columns\": [\"a\"]}", "create_index: missing key \"table\"" },
  { "{\"op\": \"create_index\", \"table\": \"t\", \"name\": \"ix\", \"columns\": [\"a\"], \"concurrently\": 1}",
    "create_index: key \"concurrently\" must be a boolean, not a number" },
  { "{\"op\": \"drop_index\", \"table\": \"t\"}", "drop_index: missing key \"name\"" },
  { "{\"op\": \"add_foreign_key\", \"table\": \"t\", \"name\": \"fk\", \"columns\": [\"a\"], \"ref_columns\": [\"id\"]}",
    "add_foreign_key: missing key \"references\"" },
  { "{\"op\": \"add_unique\", \"table\": \"t\", \"name\": \"uq\", \"columns\": []}",
    "add_unique: key \"columns\" must not be empty" },
  { "{\"op\": \"add_check\", \"table\": \"t\", \"name\": \"ck\"}", "add_check: missing key \"expression\"" },
  { "{\"op\": \"drop_constraint\", \"name\": \"ck\"}", "drop_constraint: missing key \"table\"" },
  { "{\"op\": \"insert\", \"table\": \"t\", \"rows\": []}", "insert: key \"rows\" must not be empty" },
  { "{\"op\": \"insert\", \"table\": \"t\", \"rows\": [[1, 2]]}", "insert: rows[0] must be an object of column values" },
  { "{\"op\": \"insert\", \"table\": \"t\", \"rows\": [{\"a\": 1}, {}]}", "insert: rows[1] has no columns" },
  { "{\"op\": \"insert\", \"table\": \"t\", \"rows\": [{\"\": 1}]}",
    "insert: rows[0]: invalid column name \"\": it is empty" },
  { "{\"op\": \"sql\"}", "sql: missing key \"sql\" (or \"sqlite\" and \"postgresql\")" },
  { "{\"op\": \"sql\", \"sql\": \"\"}", "sql: key \"sql\" must not be empty" },
  { "{\"op\": \"sql\", \"sql\": \"SELECT 1\", \"sqlite\": \"SELECT 2\"}",
    "sql: give either \"sql\" or \"sqlite\" and \"postgresql\", not both" },
  { "{\"op\": \"sql\", \"sqlite\": \"SELECT 1\"}", "sql: missing key \"postgresql\"" },
  { "{\"op\": \"sql\", \"sql\": \"SELECT 1\", \"reverse\": 1}",
    "sql: key \"reverse\" must be a string or an object {\"sqlite\": …, \"postgresql\": …}" },
  { "{\"op\": \"sql\", \"sql\": \"SELECT 1\", \"reverse\": {\"sqlite\": \"SELECT 2\"}}",
    "sql: reverse: missing key \"postgresql\"" },
  { "{\"op\": \"sql\", \"sql\": \"SELECT 1\", \"down\": \"SELECT 2\"}", "sql: unknown key \"down\"" },
};

static void
test_op_malformed (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (bad_ops), >=, 25);

  for (guint i = 0; i < G_N_ELEMENTS (bad_ops); i++)
    {
      g_autoptr(JsonNode) node = parse_json (bad_ops[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataOp) op = NULL;

      g_test_message ("bad %u: %s", i, bad_ops[i].json);
      op = strata_op_new_from_json (node, &error);
      g_assert_null (op);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, bad_ops[i].message);
    }
}

static void
test_ops_array (void)
{
  g_autoptr(JsonNode) good = parse_json ("[{\"op\": \"create_table\", \"table\": \"a\", \"columns\": "
                                         "[{\"name\": \"id\", \"type\": \"integer\"}]},"
                                         " {\"op\": \"add_column\", \"table\": \"a\", \"column\": "
                                         "{\"name\": \"b\", \"type\": \"text\"}},"
                                         " {\"op\": \"rename_table\", \"table\": \"a\", \"new_name\": \"c\"}]");
  g_autoptr(JsonNode) bad = parse_json ("[{\"op\": \"drop_table\", \"table\": \"a\"}, {\"op\": \"drop_table\"}]");
  g_autoptr(JsonNode) not_array = parse_json ("{\"op\": \"drop_table\", \"table\": \"a\"}");
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) inverse = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GError) error = NULL;

  ops = strata_ops_new_from_json (good, "upgrade", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ops->len, ==, 3);
  back = strata_ops_to_json (ops);
  g_assert_true (json_node_equal (good, back));

  inverse = strata_ops_invert (ops, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inverse->len, ==, 3);
  assert_op_json (g_ptr_array_index (inverse, 0), "{\"op\": \"rename_table\", \"table\": \"c\", \"new_name\": \"a\"}");
  assert_op_json (g_ptr_array_index (inverse, 1), "{\"op\": \"drop_column\", \"table\": \"a\", \"column\": \"b\"}");
  assert_op_json (g_ptr_array_index (inverse, 2), "{\"op\": \"drop_table\", \"table\": \"a\"}");

  /* The refusal names the operation's index. */
  g_ptr_array_add (ops, parse_op ("{\"op\": \"drop_column\", \"table\": \"c\", \"column\": \"b\"}"));
  none = strata_ops_invert (ops, &error);
  g_assert_null (none);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE);
  g_assert_cmpstr (error->message, ==, "upgrade[3]: drop_column (drop column c.b) has no inverse: "
                                       "the column's definition is only known from the schema model");
  g_clear_error (&error);

  g_assert_null (strata_ops_new_from_json (bad, "downgrade", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "downgrade[1]: drop_table: missing key \"table\"");
  g_clear_error (&error);

  g_assert_null (strata_ops_new_from_json (not_array, "upgrade", &error));
  g_assert_cmpstr (error->message, ==, "key \"upgrade\" must be an array of operations");
}

static void
test_op_constructors (void)
{
  g_autoptr(StrataDataType) integer = strata_data_type_new ("integer");
  g_autoptr(StrataColumn) id = strata_column_new ("id", integer);
  g_autoptr(StrataTable) table = strata_table_new ("t");
  g_autoptr(StrataIndex) index = strata_index_new ("ix", (const char *[]) { "id", NULL }, TRUE);
  g_autoptr(StrataForeignKey) fk = strata_foreign_key_new ("fk", (const char *[]) { "id", NULL }, "o",
                                                           (const char *[]) { "oid", NULL });
  g_autoptr(StrataUnique) unique = strata_unique_new ("uq", (const char *[]) { "id", NULL });
  g_autoptr(StrataCheck) check = strata_check_new ("ck", "id > 0");
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  static const char *expected[] = {
    "{\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\", "
    "\"primary_key\": true}]}",
    "{\"op\": \"drop_table\", \"table\": \"t\"}",
    "{\"op\": \"rename_table\", \"table\": \"t\", \"new_name\": \"u\"}",
    "{\"op\": \"add_column\", \"table\": \"t\", \"column\": {\"name\": \"id\", \"type\": \"integer\", "
    "\"primary_key\": true}}",
    "{\"op\": \"drop_column\", \"table\": \"t\", \"column\": \"id\"}",
    "{\"op\": \"create_index\", \"table\": \"t\", \"name\": \"ix\", \"columns\": [\"id\"], \"unique\": true}",
    "{\"op\": \"drop_index\", \"table\": \"t\", \"name\": \"ix\"}",
    "{\"op\": \"add_foreign_key\", \"table\": \"t\", \"name\": \"fk\", \"columns\": [\"id\"], \"references\": \"o\", "
    "\"ref_columns\": [\"oid\"], \"on_delete\": \"cascade\"}",
    "{\"op\": \"add_unique\", \"table\": \"t\", \"name\": \"uq\", \"columns\": [\"id\"]}",
    "{\"op\": \"add_check\", \"table\": \"t\", \"name\": \"ck\", \"expression\": \"id > 0\"}",
    "{\"op\": \"drop_constraint\", \"table\": \"t\", \"name\": \"ck\"}",
    "{\"op\": \"sql\", \"sql\": \"SELECT 1\", \"reverse\": \"SELECT 2\"}",
  };

  strata_column_set_primary_key (id, TRUE);
  g_assert_false (strata_column_get_nullable (id));
  strata_table_add_column (table, id);
  strata_foreign_key_set_on_delete (fk, STRATA_REFERENTIAL_ACTION_CASCADE);

  g_ptr_array_add (ops, strata_op_new_create_table (table));
  g_ptr_array_add (ops, strata_op_new_drop_table ("t"));
  g_ptr_array_add (ops, strata_op_new_rename_table ("t", "u"));
  g_ptr_array_add (ops, strata_op_new_add_column ("t", id));
  g_ptr_array_add (ops, strata_op_new_drop_column ("t", "id"));
  g_ptr_array_add (ops, strata_op_new_create_index ("t", index));
  g_ptr_array_add (ops, strata_op_new_drop_index ("t", "ix"));
  g_ptr_array_add (ops, strata_op_new_add_foreign_key ("t", fk));
  g_ptr_array_add (ops, strata_op_new_add_unique ("t", unique));
  g_ptr_array_add (ops, strata_op_new_add_check ("t", check));
  g_ptr_array_add (ops, strata_op_new_drop_constraint ("t", "ck"));
  g_ptr_array_add (ops, strata_op_new_sql ("SELECT 1", "SELECT 2"));

  g_assert_cmpuint (ops->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < ops->len; i++)
    assert_op_json (g_ptr_array_index (ops, i), expected[i]);
}

static void
test_op_destructive_sql (void)
{
  g_autoptr(StrataOp) del = parse_op ("{\"op\": \"sql\", \"sql\": \"delete from t where x\"}");
  g_autoptr(StrataOp) trunc = parse_op ("{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"TRUNCATE t\"}");
  g_autoptr(StrataOp) dropped = parse_op ("{\"op\": \"sql\", \"sql\": \"UPDATE t SET dropped_at = NULL\"}");

  g_autoptr(StrataOp) quoted = parse_op ("{\"op\": \"sql\", \"sql\": \"UPDATE t SET note = 'drop; delete' -- truncate\"}");
  g_autoptr(StrataOp) column = parse_op ("{\"op\": \"sql\", \"sql\": \"ALTER TABLE t DROP COLUMN c\"}");
  g_autoptr(StrataOp) atomic = parse_op ("{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": "
                                         "\"CREATE FUNCTION f() RETURNS integer LANGUAGE sql "
                                         "BEGIN ATOMIC DELETE FROM t; SELECT 1; END\"}");
  g_autoptr(StrataOp) body = parse_op ("{\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": "
                                       "\"CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql "
                                       "AS $$ BEGIN NEW.dropped := true; RETURN NEW; END $$\"}");

  g_assert_true (strata_op_is_destructive (del));
  g_assert_true (strata_op_is_destructive (trunc));
  g_assert_false (strata_op_is_destructive (dropped));
  /* read by PostgreSQL's grammar: words in literals and comments do not
   * count, statements of a BEGIN ATOMIC body do */
  g_assert_false (strata_op_is_destructive (quoted));
  g_assert_true (strata_op_is_destructive (column));
  g_assert_true (strata_op_is_destructive (atomic));
  g_assert_false (strata_op_is_destructive (body));
}

static void
test_op_boxed (void)
{
  g_autoptr(StrataOp) op = parse_op ("{\"op\": \"drop_table\", \"table\": \"t\"}");
  StrataOp *copy = g_boxed_copy (STRATA_TYPE_OP, op);

  g_assert_true (copy == op);
  g_boxed_free (STRATA_TYPE_OP, copy);
  g_assert_cmpstr (strata_op_get_name (op), ==, "drop_table");
  g_assert_true (G_TYPE_IS_BOXED (STRATA_TYPE_TABLE));
  g_assert_true (G_TYPE_IS_BOXED (STRATA_TYPE_MODEL));
}

/* The model {{{ */

static void
test_identifiers (void)
{
  const char *reason = NULL;

  g_assert_true (strata_identifier_is_valid ("account", NULL));
  g_assert_true (strata_identifier_is_valid ("select", NULL));
  g_assert_true (strata_identifier_is_valid ("we\"ird name", NULL));
  g_assert_true (strata_identifier_is_valid ("crème brûlée", NULL));
  g_assert_false (strata_identifier_is_valid ("", &reason));
  g_assert_cmpstr (reason, ==, "it is empty");
  g_assert_false (strata_identifier_is_valid ("tab\there", &reason));
  g_assert_cmpstr (reason, ==, "it contains a control character");
}

static const char *schema_text =
  "{\n"
  "  \"tables\": [\n"
  "    {\n"
  "      \"table\": \"org\",\n"
  "      \"columns\": [\n"
  "        {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},\n"
  "        {\"name\": \"name\", \"type\": \"text\", \"nullable\": false}\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"table\": \"account\",\n"
  "      \"columns\": [\n"
  "        {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},\n"
  "        {\"name\": \"org_id\", \"type\": \"integer\"},\n"
  "        {\"name\": \"kind\", \"type\": \"varchar(16)\", \"default\": \"'member'\"}\n"
  "      ],\n"
  "      \"indexes\": [\n"
  "        {\"name\": \"ix_account_kind\", \"columns\": [\"kind\"], \"where\": \"kind <> 'member'\"}\n"
  "      ],\n"
  "      \"foreign_keys\": [\n"
  "        {\n"
  "          \"name\": \"fk_account_org\",\n"
  "          \"columns\": [\"org_id\"],\n"
  "          \"references\": \"org\",\n"
  "          \"ref_columns\": [\"id\"],\n"
  "          \"on_delete\": \"set null\"\n"
  "        }\n"
  "      ]\n"
  "    }\n"
  "  ]\n"
  "}\n";

static void
test_model_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new_from_data (schema_text, -1, "schema.json", &error);
  g_autoptr(StrataModel) copy = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(JsonNode) expected = parse_json (schema_text);
  StrataTable *account;
  g_auto(GStrv) pk = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strata_model_get_tables (model)->len, ==, 2);

  json = strata_model_to_json (model);
  g_assert_true (json_node_equal (json, expected));

  account = strata_model_lookup_table (model, "account");
  g_assert_nonnull (account);
  g_assert_null (strata_model_lookup_table (model, "nope"));
  pk = strata_table_dup_primary_key (account);
  g_assert_cmpstrv (pk, ((const char *[]) { "id", NULL }));
  g_assert_cmpstr (strata_column_get_default (strata_table_lookup_column (account, "kind")), ==, "'member'");
  g_assert_cmpint (strata_foreign_key_get_on_delete (g_ptr_array_index (strata_table_get_foreign_keys (account), 0)),
                   ==, STRATA_REFERENTIAL_ACTION_SET_NULL);

  /* A copy is equal and independent. */
  copy = strata_model_copy (model);
  g_assert_true (strata_model_equal (model, copy));
  strata_column_set_nullable (strata_table_lookup_column (strata_model_lookup_table (copy, "account"), "kind"), FALSE);
  g_assert_false (strata_model_equal (model, copy));
  g_assert_true (strata_column_get_nullable (strata_table_lookup_column (account, "kind")));

  g_assert_true (strata_model_remove_table (copy, "org"));
  g_assert_false (strata_model_remove_table (copy, "org"));
  g_assert_cmpuint (strata_model_get_tables (copy)->len, ==, 1);
  g_assert_true (strata_table_remove_constraint (strata_model_lookup_table (copy, "account"), "fk_account_org"));
  g_assert_true (strata_table_remove_index (strata_model_lookup_table (copy, "account"), "ix_account_kind"));
  g_assert_true (strata_table_remove_column (strata_model_lookup_table (copy, "account"), "kind"));
  g_assert_true (strata_table_validate (strata_model_lookup_table (copy, "account"), &error));
  g_assert_no_error (error);
}

static void
test_model_errors (void)
{
  static const BadCase cases[] = {
    { "{\"tables\": [{\"table\": \"a\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}]}, "
      "{\"table\": \"a\", \"columns\": [{\"name\": \"id\", \"type\": \"int\"}]}]}",
      "schema.json: tables[1]: the table \"a\" is defined twice" },
    { "{\"table\": []}", "schema.json: unknown key \"table\"" },
    { "{}", "schema.json: missing key \"tables\"" },
    { "{\"tables\": {}}", "schema.json: key \"tables\" must be an array, not an object" },
    { "{\"tables\": [{\"table\": \"a\", \"columns\": [{\"name\": \"id\", \"type\": \"int\", \"pk\": true}]}]}",
      "schema.json: tables[0]: columns[0]: unknown key \"pk\"" },
    { "{\"tables\": [3]}", "schema.json: tables[0]: a table must be an object, not a number" },
    { "{\"tables\": [}", "schema.json:1:13: unexpected “}”, expected a value or “]”" },
    { "", "schema.json: the file is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataModel) model = strata_model_new_from_data (cases[i].json, -1, "schema.json", &error);

      g_assert_null (model);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_data_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) per_dialect = parse_json ("{\"sqlite\": \"TEXT\", \"postgresql\": \"citext\"}");
  g_autoptr(JsonNode) number = parse_json ("[1]");
  g_autoptr(StrataDataType) a = strata_data_type_new_from_json (per_dialect, &error);
  g_autoptr(StrataDataType) b = strata_data_type_new ("text");
  g_autoptr(StrataDataType) bad = NULL;
  g_autofree char *shown = NULL;

  g_assert_no_error (error);
  g_assert_null (strata_data_type_get_portable (a));
  g_assert_cmpstr (strata_data_type_get_for_dialect (a, STRATA_DIALECT_POSTGRESQL), ==, "citext");
  g_assert_cmpstr (strata_data_type_get_for_dialect (b, STRATA_DIALECT_SQLITE), ==, "text");
  g_assert_false (strata_data_type_equal (a, b));
  shown = strata_data_type_to_string (a);
  g_assert_cmpstr (shown, ==, "sqlite: TEXT / postgresql: citext");

  bad = strata_data_type_new_from_json (number, &error);
  g_assert_null (bad);
  g_assert_cmpstr (error->message, ==, "a type must be a type name or an object {\"sqlite\": …, \"postgresql\": …}, "
                                       "not an array");
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/ops/cases", test_op_cases);
  g_test_add_func ("/strata/ops/canonical-form", test_op_canonical_form);
  g_test_add_func ("/strata/ops/malformed", test_op_malformed);
  g_test_add_func ("/strata/ops/array", test_ops_array);
  g_test_add_func ("/strata/ops/constructors", test_op_constructors);
  g_test_add_func ("/strata/ops/destructive-sql", test_op_destructive_sql);
  g_test_add_func ("/strata/ops/boxed", test_op_boxed);
  g_test_add_func ("/strata/model/identifiers", test_identifiers);
  g_test_add_func ("/strata/model/round-trip", test_model_round_trip);
  g_test_add_func ("/strata/model/errors", test_model_errors);
  g_test_add_func ("/strata/model/data-type", test_data_type);

  return g_test_run ();
}
