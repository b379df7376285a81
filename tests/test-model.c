/* test-model.c: replay, model-aware inverses, irreversible downgrades
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "strata.h"
#include "strata-model-private.h"
#include "strata-test-util.h"

static GPtrArray *
parse_ops (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  GPtrArray *ops;

  g_assert_no_error (error);
  ops = strata_ops_new_from_json (node, "upgrade", &error);
  g_assert_no_error (error);
  return ops;
}

static const char create_ops[] =
  "[{\"op\": \"create_table\", \"table\": \"a\", \"columns\": ["
  "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},"
  "   {\"name\": \"x\", \"type\": \"text\"}, {\"name\": \"y\", \"type\": \"integer\"}],"
  "  \"indexes\": [{\"name\": \"ix_a_x\", \"columns\": [\"x\"], \"where\": \"y > 0\"}],"
  "  \"unique\": [{\"name\": \"uq_a_xy\", \"columns\": [\"x\", \"y\"]}],"
  "  \"checks\": [{\"name\": \"ck_a_y\", \"expression\": \"y >= 0 AND \\\"x\\\" <> 'x'\"}]},"
  " {\"op\": \"create_table\", \"table\": \"b\", \"columns\": ["
  "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},"
  "   {\"name\": \"a_x\", \"type\": \"text\"}, {\"name\": \"a_id\", \"type\": \"integer\"}],"
  "  \"foreign_keys\": [{\"name\": \"fk_b_a\", \"columns\": [\"a_id\"], \"references\": \"a\","
  "   \"ref_columns\": [\"id\"], \"on_delete\": \"cascade\"}]}]";

static void
test_replay (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) model = strata_model_new ();
  g_autoptr(GPtrArray) create = parse_ops (create_ops);
  g_autoptr(GPtrArray) change = NULL;
  StrataTable *a;
  StrataTable *b;

  g_assert_true (strata_model_apply_ops (model, create, "upgrade", &error));
  g_assert_no_error (error);

  /* Renames reach foreign keys, indexes, constraints and expressions */
  change = parse_ops ("[{\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"x\", \"new_name\": \"the x\"},"
                      " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"y\", \"new_name\": \"yy\","
                      "  \"type\": \"bigint\", \"nullable\": false, \"default\": \"0\"},"
                      " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"id\", \"new_name\": \"key\"},"
                      " {\"op\": \"rename_table\", \"table\": \"a\", \"new_name\": \"alpha\"}]");
  g_assert_true (strata_model_apply_ops (model, change, "upgrade", &error));
  g_assert_no_error (error);

  a = strata_model_lookup_table (model, "alpha");
  b = strata_model_lookup_table (model, "b");
  g_assert_nonnull (a);
  g_assert_null (strata_model_lookup_table (model, "a"));
  g_assert_cmpstr (strata_index_get_columns (strata_table_lookup_index (a, "ix_a_x"))[0], ==, "the x");
  g_assert_cmpstr (strata_index_get_where (strata_table_lookup_index (a, "ix_a_x")), ==, "yy > 0");
  g_assert_cmpstr (strata_check_get_expression (strata_table_lookup_check (a, "ck_a_y")), ==,
                   "yy >= 0 AND \"the x\" <> 'x'");
  g_assert_cmpstr (strata_unique_get_columns (strata_table_lookup_unique (a, "uq_a_xy"))[1], ==, "yy");
  g_assert_false (strata_column_get_nullable (strata_table_lookup_column (a, "yy")));
  g_assert_cmpstr (strata_column_get_default (strata_table_lookup_column (a, "yy")), ==, "0");
  g_assert_cmpstr (strata_foreign_key_get_references (strata_table_lookup_foreign_key (b, "fk_b_a")), ==, "alpha");
  g_assert_cmpstr (strata_foreign_key_get_ref_columns (strata_table_lookup_foreign_key (b, "fk_b_a"))[0], ==, "key");

  /* Dropping a column takes what involves it */
  g_clear_pointer (&change, g_ptr_array_unref);
  change = parse_ops ("[{\"op\": \"drop_column\", \"table\": \"alpha\", \"column\": \"yy\"}]");
  g_assert_true (strata_model_apply_ops (model, change, NULL, &error));
  a = strata_model_lookup_table (model, "alpha");
  g_assert_null (strata_table_lookup_index (a, "ix_a_x"));
  g_assert_null (strata_table_lookup_unique (a, "uq_a_xy"));
  g_assert_null (strata_table_lookup_check (a, "ck_a_y"));
}

static void
test_replay_errors (void)
{
  static const struct { const char *ops; const char *message; } cases[] = {
    { "[{\"op\": \"drop_table\", \"table\": \"nope\"}]",
      "upgrade[0]: drop_table (drop table nope): there is no table nope" },
    { "[{\"op\": \"drop_column\", \"table\": \"a\", \"column\": \"nope\"}]",
      "upgrade[0]: drop_column (drop column a.nope): table a has no column nope" },
    { "[{\"op\": \"create_index\", \"table\": \"b\", \"name\": \"ix_a_x\", \"columns\": [\"id\"]}]",
      "upgrade[0]: create_index (create index ix_a_x on b (id)): an index ix_a_x already exists" },
    { "[{\"op\": \"add_column\", \"table\": \"a\", \"column\": {\"name\": \"x\", \"type\": \"text\"}}]",
      "upgrade[0]: add_column (add column a.x): table a already has a column x" },
    { "[{\"op\": \"add_foreign_key\", \"table\": \"b\", \"name\": \"fk2\", \"columns\": [\"a_id\"],"
      " \"references\": \"a\", \"ref_columns\": [\"nope\"]}]",
      "upgrade[0]: add_foreign_key (add foreign key fk2 on b (a_id) references a (nope)): table a has no column nope" },
    { "[{\"op\": \"drop_constraint\", \"table\": \"a\", \"name\": \"nope\"}]",
      "upgrade[0]: drop_constraint (drop constraint nope on a): table a has no constraint nope" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataModel) model = strata_model_new ();
      g_autoptr(GPtrArray) create = parse_ops (create_ops);
      g_autoptr(GPtrArray) ops = parse_ops (cases[i].ops);

      g_assert_true (strata_model_apply_ops (model, create, "upgrade", &error));
      g_assert_false (strata_model_apply_ops (model, ops, "upgrade", &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* Every operation's inverse, computed from the model, takes the model back
 * where it was. */
static void
test_invert_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) before = strata_model_new ();
  g_autoptr(StrataModel) after = NULL;
  g_autoptr(GPtrArray) create = parse_ops (create_ops);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) inverse = NULL;

  g_assert_true (strata_model_apply_ops (before, create, "upgrade", &error));
  ops = parse_ops ("[{\"op\": \"drop_constraint\", \"table\": \"b\", \"name\": \"fk_b_a\"},"
                   " {\"op\": \"drop_index\", \"name\": \"ix_a_x\"},"
                   " {\"op\": \"drop_constraint\", \"table\": \"a\", \"name\": \"ck_a_y\"},"
                   " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"x\", \"type\": \"varchar(5)\","
                   "  \"nullable\": false, \"default\": \"'q'\", \"new_name\": \"z\"},"
                   " {\"op\": \"drop_column\", \"table\": \"a\", \"column\": \"y\"},"
                   " {\"op\": \"rename_table\", \"table\": \"b\", \"new_name\": \"beta\"},"
                   " {\"op\": \"drop_table\", \"table\": \"beta\"},"
                   " {\"op\": \"sql\", \"sql\": \"SELECT 1\", \"reverse\": \"SELECT 2\"}]");

  after = strata_model_copy (before);
  g_assert_true (strata_model_apply_ops (after, ops, "upgrade", &error));
  g_assert_no_error (error);

  inverse = strata_model_invert_ops (before, ops, &error);
  g_assert_no_error (error);
  g_assert_true (strata_model_apply_ops (after, inverse, "downgrade", &error));
  g_assert_no_error (error);

  /* Pieces come back at the end of their lists: compare as sets */
  {
    g_autoptr(StrataDiff) diff = strata_diff_new (before, after);

    g_assert_true (strata_diff_compute (diff, &error));
    g_assert_cmpuint (strata_diff_get_differences (diff)->len, ==, 0);
  }
}

static void
test_irreversible (void)
{
  static const char *scripts_json[] = {
    "{\"revision\": \"aaaa00000001\", \"down_revision\": null, \"upgrade\": ["
    " {\"op\": \"create_table\", \"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}]}]}",
    "{\"revision\": \"aaaa00000002\", \"down_revision\": \"aaaa00000001\", \"upgrade\": ["
    " {\"op\": \"drop_table\", \"table\": \"t\"}]}",
    "{\"revision\": \"aaaa00000003\", \"down_revision\": \"aaaa00000002\", \"upgrade\": ["
    " {\"op\": \"sql\", \"sql\": \"CREATE TABLE u (id INTEGER)\"}]}",
    "{\"revision\": \"aaaa00000004\", \"down_revision\": \"aaaa00000003\", \"upgrade\": ["
    " {\"op\": \"create_table\", \"table\": \"v\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}]},"
    " {\"op\": \"insert\", \"table\": \"v\", \"rows\": [{\"id\": 1}]}]}",
  };
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autofree char *sql = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (scripts_json); i++)
    {
      g_autofree char *name = g_strdup_printf ("aaaa0000000%u_x.json", i + 1);

      g_ptr_array_add (scripts, strata_script_new_from_data (scripts_json[i], -1, name, &error));
      g_assert_no_error (error);
    }
  graph = strata_graph_new (scripts, &error);
  g_assert_no_error (error);

  /* The drop inverts from the replayed state */
  plan = strata_graph_plan_downgrade (graph, (const char *[]) { "aaaa00000002", NULL }, "aaaa00000001", &error);
  g_assert_no_error (error);
  statements = strata_migrator_render_step_for_graph (graph, strata_plan_get_step (plan, 0),
                                                      STRATA_DIALECT_POSTGRESQL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (statements->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (statements, 0), "CREATE TABLE \"t\""));
  g_clear_object (&plan);

  /* Past a sql without reverse: an error naming the revision and the op */
  plan = strata_graph_plan_downgrade (graph, (const char *[]) { "aaaa00000004", NULL }, "aaaa00000002", &error);
  g_assert_no_error (error);
  sql = strata_migrator_render_offline_sql (graph, plan, STRATA_DIALECT_SQLITE, NULL, &error);
  g_assert_null (sql);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE);
  g_assert_nonnull (strstr (error->message, "revision aaaa00000004"));
  g_assert_nonnull (strstr (error->message, "upgrade[1]: insert"));
  g_clear_error (&error);
  g_clear_object (&plan);

  plan = strata_graph_plan_downgrade (graph, (const char *[]) { "aaaa00000003", NULL }, "aaaa00000002", &error);
  g_assert_no_error (error);
  sql = strata_migrator_render_offline_sql (graph, plan, STRATA_DIALECT_SQLITE, NULL, &error);
  g_assert_null (sql);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE);
  g_assert_nonnull (strstr (error->message, "revision aaaa00000003"));
  g_assert_nonnull (strstr (error->message, "upgrade[0]: sql"));
  g_assert_nonnull (strstr (error->message, "\"reverse\""));
}

static void
test_lint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) state = strata_model_new ();
  g_autoptr(GPtrArray) create = parse_ops (create_ops);
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GString) kinds = g_string_new (NULL);

  g_assert_true (strata_model_apply_ops (state, create, "upgrade", &error));
  ops = parse_ops ("[{\"op\": \"create_table\", \"table\": \"n\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\"}]},"
                   " {\"op\": \"create_index\", \"table\": \"n\", \"name\": \"ix_n\", \"columns\": [\"id\"]},"
                   " {\"op\": \"drop_column\", \"table\": \"b\", \"column\": \"a_x\"},"
                   " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"y\", \"nullable\": false},"
                   " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"x\", \"type\": \"varchar(10)\"},"
                   " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"y\", \"type\": \"bigint\"},"
                   " {\"op\": \"create_index\", \"table\": \"a\", \"name\": \"ix_a_y\", \"columns\": [\"y\"]},"
                   " {\"op\": \"insert\", \"table\": \"n\", \"rows\": [{\"id\": 1}]},"
                   " {\"op\": \"sql\", \"sql\": \"DELETE FROM a\"}]");
  findings = strata_lint_ops (ops, state, FALSE);

  for (guint i = 0; i < findings->len; i++)
    {
      StrataLintFinding *finding = g_ptr_array_index (findings, i);
      g_string_append_printf (kinds, "%s %s\n", finding->where, strata_lint_kind_to_string (finding->kind));
    }

  /* Nothing on the new table; a widening type change only locks */
  g_assert_cmpstr (kinds->str, ==,
                   "upgrade[2] destructive\n"
                   "upgrade[3] data-dependent\n"
                   "upgrade[3] locking\n"
                   "upgrade[4] destructive\n"
                   "upgrade[4] data-dependent\n"
                   "upgrade[4] locking\n"
                   "upgrade[5] locking\n"
                   "upgrade[6] locking\n"
                   "upgrade[7] irreversible\n"
                   "upgrade[8] destructive\n"
                   "upgrade[8] irreversible\n");
}

static char *
lint_text (GPtrArray     *ops,
           StrataModel   *state,
           StrataDialect  dialect)
{
  g_autoptr(GPtrArray) findings = strata_lint_ops_for_dialect (ops, state, TRUE, dialect);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < findings->len; i++)
    {
      StrataLintFinding *finding = g_ptr_array_index (findings, i);

      g_string_append_printf (text, "%s %s: %s\n", finding->where, strata_lint_kind_to_string (finding->kind),
                              finding->message);
    }

  return g_string_free (text, FALSE);
}

/* Findings per dialect: an index build locks only on PostgreSQL, a rebuild
 * copies rows only on SQLite; dropping a view loses no data */
static void
test_lint_dialect (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) state = strata_model_new ();
  g_autoptr(GPtrArray) create = parse_ops (create_ops);
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *sqlite = NULL;
  g_autofree char *pg = NULL;

  g_assert_true (strata_model_apply_ops (state, create, "upgrade", &error));
  ops = parse_ops ("[{\"op\": \"create_index\", \"table\": \"a\", \"name\": \"ix_a_y\", \"columns\": [\"y\"]},"
                   " {\"op\": \"alter_column\", \"table\": \"a\", \"column\": \"y\", \"nullable\": true},"
                   " {\"op\": \"sql\", \"sql\": \"DROP VIEW IF EXISTS v\"},"
                   " {\"op\": \"sql\", \"sql\": \"drop materialized view mv\"},"
                   " {\"op\": \"sql\", \"sqlite\": \"\", \"postgresql\": \"DROP TABLE old\"},"
                   " {\"op\": \"sql\", \"sql\": \"ALTER TABLE a DROP COLUMN y\"}]");

  sqlite = lint_text (ops, state, STRATA_DIALECT_SQLITE);
  pg = lint_text (ops, state, STRATA_DIALECT_POSTGRESQL);
  g_test_message ("sqlite:\n%s\npostgresql:\n%s", sqlite, pg);

  g_assert_cmpstr (sqlite, ==,
                   "upgrade[1] locking: rebuilds table a (every row is copied)\n"
                   "upgrade[5] destructive: the SQL drops, deletes or truncates\n");
  g_assert_cmpstr (pg, ==,
                   "upgrade[0] locking: blocks writes to a while the index builds; \"concurrently\": true in a "
                   "migration with \"transactional\": false avoids that\n"
                   "upgrade[4] destructive: the SQL drops, deletes or truncates\n"
                   "upgrade[5] destructive: the SQL drops, deletes or truncates\n");
}

/* Types are a grammar, not raw SQL (issue 13, item 9). */
static void
test_type_grammar (void)
{
  static const char * const good[] = {
    "integer", "varchar(255)", "numeric(10,2)", "numeric(10, 2)", "double precision",
    "timestamp with time zone", "timestamp(3) without time zone", "character varying(20)",
    "character varying(20)[]", "integer[]", "int[][]", "int[3]", "vector(3)", "public.vector(3)",
    "geometry(Point,4326)", "\"My Type\"", "\"we\"\"ird\"", "interval day to second", "bit varying(8)",
    "UNSIGNED BIG INT", "pg_catalog.int4",
  };
  static const char * const bad[] = {
    "integer; DROP TABLE t2", "int -- x", "int /* x */", "text default 'x'", "integer primary key",
    "int)", "int(", "int[]x", "a..b", ".a", "int(1", "int(1;2)", "int(1,)", "\"unclosed", "\"\"",
    "int\n", "text collate \"C\"", "int, b int", "x(y(1))", "int[] int", "int NOT NULL", "3int",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *problem = NULL;

      if (!_strata_type_name_check (good[i], &problem))
        g_error ("“%s” refused: %s", good[i], problem);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), bad[i]);
      g_autoptr(StrataDataType) type = strata_data_type_new_from_json (node, &error);

      if (type != NULL)
        g_error ("“%s” taken for a type", bad[i]);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_nonnull (strstr (error->message, "is not a type name"));
    }
}


/* The readable form of a schema and of a change: each table's lines, a
 * changed table whole with its lines marked, new and dropped tables, types */
static void
test_describe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) before = NULL;
  g_autoptr(StrataModel) after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *change = NULL;
  g_autofree char *none = NULL;

  before = strata_model_new_from_data ("{\"tables\": ["
                                       " {\"table\": \"org\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true}]},"
                                       " {\"table\": \"account\", \"columns\": ["
                                       "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},"
                                       "   {\"name\": \"email\", \"type\": \"varchar(100)\"},"
                                       "   {\"name\": \"org_id\", \"type\": \"integer\"}],"
                                       "  \"foreign_keys\": [{\"name\": \"fk_account_org\", \"columns\": [\"org_id\"],"
                                       "    \"references\": \"org\", \"ref_columns\": [\"id\"], \"on_delete\": \"cascade\"}]},"
                                       " {\"table\": \"old\", \"columns\": [{\"name\": \"x\", \"type\": \"text\"}]}]}",
                                       -1, "before.json", &error);
  g_assert_no_error (error);
  after = strata_model_new_from_data ("{\"tables\": ["
                                      " {\"table\": \"org\", \"columns\": [{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true}]},"
                                      " {\"table\": \"account\", \"columns\": ["
                                      "   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},"
                                      "   {\"name\": \"email\", \"type\": \"varchar(255)\", \"nullable\": false, \"default\": \"''\"},"
                                      "   {\"name\": \"org_id\", \"type\": \"integer\"}],"
                                      "  \"indexes\": [{\"name\": \"ix_account_email\", \"columns\": [\"email\"], \"unique\": true}],"
                                      "  \"foreign_keys\": [{\"name\": \"fk_account_org\", \"columns\": [\"org_id\"],"
                                      "    \"references\": \"org\", \"ref_columns\": [\"id\"], \"on_delete\": \"cascade\"}],"
                                      "  \"checks\": [{\"name\": \"ck_email\", \"expression\": \"email <> ''\"}]},"
                                      " {\"table\": \"tag\", \"columns\": [{\"name\": \"a\", \"type\": \"text\", \"primary_key\": true},"
                                      "   {\"name\": \"b\", \"type\": \"text\", \"primary_key\": true}]}]}",
                                      -1, "after.json", &error);
  g_assert_no_error (error);
  strata_model_set_enum (after, "mood", (const char * const[]) { "happy", "sad", NULL });

  text = strata_model_describe (after, -1);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "table account\n  column id integer PRIMARY KEY AUTOINCREMENT\n"
                                  "  column email varchar(255) NOT NULL DEFAULT ''\n"));
  g_assert_nonnull (strstr (text, "  foreign key fk_account_org (org_id) REFERENCES org (id) ON DELETE CASCADE\n"));
  g_assert_nonnull (strstr (text, "  check ck_email (email <> '')\n"));
  /* A composite key is said once, after the columns */
  g_assert_nonnull (strstr (text, "table tag\n  column a text\n  column b text\n  primary key (a, b)\n"));
  g_assert_nonnull (strstr (text, "enum mood ('happy', 'sad')\n"));

  change = strata_model_describe_change (before, after, STRATA_DIALECT_POSTGRESQL);
  g_test_message ("%s", change);
  g_assert_cmpstr (change, ==,
                   " table account\n"
                   "   column id INTEGER PRIMARY KEY AUTOINCREMENT\n"
                   "-  column email VARCHAR(100)\n"
                   "+  column email VARCHAR(255) NOT NULL DEFAULT ''\n"
                   "   column org_id INTEGER\n"
                   "+  index ix_account_email UNIQUE (email)\n"
                   "   foreign key fk_account_org (org_id) REFERENCES org (id) ON DELETE CASCADE\n"
                   "+  check ck_email (email <> '')\n"
                   "+table tag\n"
                   "+  column a TEXT\n"
                   "+  column b TEXT\n"
                   "+  primary key (a, b)\n"
                   "-table old\n"
                   "-  column x TEXT\n"
                   "+enum mood ('happy', 'sad')\n");

  none = strata_model_describe_change (after, after, -1);
  g_assert_cmpstr (none, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/model/replay", test_replay);
  g_test_add_func ("/strata/model/describe", test_describe);
  g_test_add_func ("/strata/model/replay-errors", test_replay_errors);
  g_test_add_func ("/strata/model/invert-round-trip", test_invert_round_trip);
  g_test_add_func ("/strata/model/irreversible", test_irreversible);
  g_test_add_func ("/strata/model/lint", test_lint);
  g_test_add_func ("/strata/model/lint-dialect", test_lint_dialect);
  g_test_add_func ("/strata/model/type-grammar", test_type_grammar);

  return g_test_run ();
}
