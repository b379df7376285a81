/* test-diff.c: the operations between two models, their order, renames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata.h"
#include "strata-test-util.h"

static StrataModel *
model (const char *json)
{
  g_autoptr(GError) error = NULL;
  StrataModel *m = strata_model_new_from_data (json, -1, "test", &error);

  g_assert_no_error (error);
  return m;
}

/* The diff's operations as "describe; describe; …" */
static char *
describe_ops (StrataDiff *diff)
{
  GPtrArray *ops = strata_diff_get_ops (diff);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < ops->len; i++)
    {
      g_autofree char *line = strata_op_describe (g_ptr_array_index (ops, i));
      g_string_append_printf (out, "%s%s", i ? "; " : "", line);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static StrataDiff *
compute (StrataModel        *from,
         StrataModel        *to,
         const char * const *renames)
{
  g_autoptr(GError) error = NULL;
  StrataDiff *diff = strata_diff_new (from, to);

  strata_diff_set_labels (diff, "old", "new");
  for (guint i = 0; renames != NULL && renames[i] != NULL; i++)
    g_assert_true (strata_diff_add_rename (diff, renames[i], &error));
  g_assert_true (strata_diff_compute (diff, &error));
  g_assert_no_error (error);

  /* The operations take @from to @to */
  {
    g_autoptr(StrataModel) after = strata_model_copy (from);
    g_autoptr(StrataDiff) check = strata_diff_new (after, to);

    g_assert_true (strata_model_apply_ops (after, strata_diff_get_ops (diff), "upgrade", &error));
    g_assert_no_error (error);
    g_assert_true (strata_diff_compute (check, &error));
    g_assert_true (strata_diff_is_empty (check));
  }

  return diff;
}

#define T(name, cols) "{\"table\": \"" name "\", \"columns\": [" cols "]"
#define ID "{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true}"
#define FK(name, col, ref) \
  "{\"name\": \"" name "\", \"columns\": [\"" col "\"], \"references\": \"" ref "\", \"ref_columns\": [\"id\"]}"

static void
test_identical (void)
{
  g_autoptr(StrataModel) a = model ("{\"tables\": [" T ("t", ID ", {\"name\": \"v\", \"type\": \"VARCHAR( 10 )\", \"default\": \"( 0 )\"}") "}]}");
  g_autoptr(StrataModel) b = model ("{\"tables\": [" T ("t", ID ", {\"name\": \"v\", \"type\": \"varchar(10)\", \"default\": \"0\"}") "}]}");
  g_autoptr(StrataDiff) diff = compute (a, b, NULL);

  /* Same type on both engines, same default once normalized */
  g_assert_true (strata_diff_is_empty (diff));
  g_assert_cmpuint (strata_diff_get_ops (diff)->len, ==, 0);
}

static void
test_order (void)
{
  /* old: a ← b (b references a), c; new: all three gone, new d ← e
   * referencing each other in a cycle, f referencing d */
  g_autoptr(StrataModel) from = model ("{\"tables\": ["
                                       T ("a", ID) "},"
                                       T ("b", ID ", {\"name\": \"a_id\", \"type\": \"integer\"}")
                                       ", \"foreign_keys\": [" FK ("fk_b_a", "a_id", "a") "]},"
                                       T ("c", ID) "}]}");
  g_autoptr(StrataModel) to = model ("{\"tables\": ["
                                     T ("f", ID ", {\"name\": \"d_id\", \"type\": \"integer\"}")
                                     ", \"foreign_keys\": [" FK ("fk_f_d", "d_id", "d") "]},"
                                     T ("d", ID ", {\"name\": \"e_id\", \"type\": \"integer\"}")
                                     ", \"foreign_keys\": [" FK ("fk_d_e", "e_id", "e") "]},"
                                     T ("e", ID ", {\"name\": \"d_id\", \"type\": \"integer\"}")
                                     ", \"foreign_keys\": [" FK ("fk_e_d", "d_id", "d") "]}]}");
  g_autoptr(StrataDiff) diff = compute (from, to, NULL);
  g_autofree char *ops = describe_ops (diff);

  /* Referenced tables first, one foreign key of the cycle added after;
   * referencing tables dropped before what they reference. */
  g_assert_cmpstr (ops, ==,
                   "create table e; create table d; create table f; "
                   "add foreign key fk_e_d on e (d_id) references d (id); "
                   "drop table c; drop table b; drop table a");
}

static void
test_changes (void)
{
  g_autoptr(StrataModel) from = model ("{\"tables\": ["
                                       T ("p", ID) "},"
                                       T ("t", ID ", {\"name\": \"x\", \"type\": \"text\"},"
                                          "{\"name\": \"gone\", \"type\": \"text\"}")
                                       ", \"indexes\": [{\"name\": \"ix_gone\", \"columns\": [\"gone\"]},"
                                       "  {\"name\": \"ix_x\", \"columns\": [\"x\"]}],"
                                       " \"checks\": [{\"name\": \"ck\", \"expression\": \"x <> ''\"}]}]}");
  g_autoptr(StrataModel) to = model ("{\"tables\": ["
                                     T ("p", ID) "},"
                                     T ("t", ID ", {\"name\": \"x\", \"type\": \"varchar(9)\", \"nullable\": false,"
                                        " \"default\": \"'a'\"}, {\"name\": \"p_id\", \"type\": \"integer\"}")
                                     ", \"indexes\": [{\"name\": \"ix_x\", \"columns\": [\"x\"], \"unique\": true}],"
                                     " \"foreign_keys\": [" FK ("fk_t_p", "p_id", "p") "],"
                                     " \"checks\": [{\"name\": \"ck\", \"expression\": \"(x<>'')\"}]}]}");
  g_autoptr(StrataDiff) diff = compute (from, to, NULL);
  g_autofree char *ops = describe_ops (diff);
  GPtrArray *differences = strata_diff_get_differences (diff);

  g_assert_cmpstr (ops, ==,
                   "drop index ix_gone on t; drop index ix_x on t; "
                   "alter column t.x: type varchar(9), not null, default 'a'; add column t.p_id; "
                   "drop column t.gone; create unique index ix_x on t (x); "
                   "add foreign key fk_t_p on t (p_id) references p (id)");
  g_assert_cmpstr (g_ptr_array_index (differences, 0), ==,
                   "column t.x: type text in old, varchar(9) in new; nullable in old, not null in new; "
                   "default none in old, 'a' in new");
}

static void
test_renames (void)
{
  g_autoptr(StrataModel) from = model ("{\"tables\": ["
                                       T ("customer", ID ", {\"name\": \"mail\", \"type\": \"text\"},"
                                          "{\"name\": \"age\", \"type\": \"integer\"}") "},"
                                       T ("orders", ID ", {\"name\": \"customer_id\", \"type\": \"integer\"}")
                                       ", \"foreign_keys\": [" FK ("fk_o_c", "customer_id", "customer") "]}]}");
  g_autoptr(StrataModel) to = model ("{\"tables\": ["
                                     T ("client", ID ", {\"name\": \"email\", \"type\": \"text\"},"
                                        "{\"name\": \"age\", \"type\": \"integer\"}") "},"
                                     T ("orders", ID ", {\"name\": \"customer_id\", \"type\": \"integer\"}")
                                     ", \"foreign_keys\": [" FK ("fk_o_c", "customer_id", "client") "]}]}");
  g_autoptr(StrataDiff) plain = compute (from, to, NULL);
  g_autoptr(StrataDiff) renamed = NULL;
  g_autoptr(StrataDiff) bad = strata_diff_new (from, to);
  g_autoptr(GError) error = NULL;
  g_autofree char *ops = NULL;
  const char *renames[] = { "customer=client", "client.mail=email", NULL };
  GPtrArray *hints;

  /* Without --rename: a drop and an add, and a hint */
  hints = strata_diff_get_rename_hints (plain);
  g_assert_cmpuint (hints->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (hints, 0), ==,
                   "table customer may have been renamed to client: --rename customer=client");
  ops = describe_ops (plain);
  g_assert_nonnull (strstr (ops, "drop table customer"));
  g_clear_pointer (&ops, g_free);

  /* With it: renames, and the column's hint comes before the rename */
  renamed = compute (from, to, renames);
  ops = describe_ops (renamed);
  g_assert_cmpstr (ops, ==, "rename table customer to client; alter column client.mail: rename to email");

  /* A name that is not there */
  g_assert_true (strata_diff_add_rename (bad, "nope=client", &error));
  g_assert_false (strata_diff_compute (bad, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "--rename nope=client: there is no table nope in the old model");
  g_clear_error (&error);
  g_assert_false (strata_diff_add_rename (bad, "justaname", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
}

static void
test_column_hint (void)
{
  g_autoptr(StrataModel) from = model ("{\"tables\": [" T ("t", ID ", {\"name\": \"nm\", \"type\": \"text\"}") "}]}");
  g_autoptr(StrataModel) to = model ("{\"tables\": [" T ("t", ID ", {\"name\": \"name\", \"type\": \"text\"}") "}]}");
  g_autoptr(StrataDiff) diff = compute (from, to, NULL);
  GPtrArray *hints = strata_diff_get_rename_hints (diff);

  g_assert_cmpuint (hints->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (hints, 0), ==, "column t.nm may have been renamed to name: --rename t.nm=name");
}

static void
test_normalize (void)
{
  static const struct { const char *a, *b; } same[] = {
    { "price >= 0", "(price >= (0)::numeric)" },
    { "\"Name\" <> ''", "(\"Name\" <> ''::text)" },
    { "CURRENT_TIMESTAMP", "now()" },
    { "status = 'a' AND qty > 1", "((status)::text = 'a'::text) AND (qty > 1)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      g_autofree char *a = strata_sql_normalize (same[i].a);
      g_autofree char *b = strata_sql_normalize (same[i].b);

      g_assert_cmpstr (a, ==, b);
    }

  {
    g_autofree char *a = strata_sql_normalize ("name = 'A B'");
    g_autofree char *b = strata_sql_normalize ("name = 'a b'");

    g_assert_cmpstr (a, !=, b);
  }
}

static void
test_dialect (void)
{
  /* As SQLite stores it, an autoincrement bigint is an INTEGER; on both
   * engines at once, it is not the same type. */
  g_autoptr(StrataModel) a = model ("{\"tables\": [" T ("t", "{\"name\": \"id\", \"type\": \"bigint\", \"primary_key\": true, \"autoincrement\": true}") "}]}");
  g_autoptr(StrataModel) b = model ("{\"tables\": [" T ("t", "{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true}") "}]}");
  g_autoptr(StrataDiff) both = compute (a, b, NULL);
  g_autoptr(StrataDiff) sqlite = strata_diff_new (a, b);
  g_autoptr(GError) error = NULL;

  g_assert_false (strata_diff_is_empty (both));
  strata_diff_set_dialect (sqlite, STRATA_DIALECT_SQLITE);
  g_assert_true (strata_diff_compute (sqlite, &error));
  g_assert_true (strata_diff_is_empty (sqlite));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/diff/identical", test_identical);
  g_test_add_func ("/strata/diff/order", test_order);
  g_test_add_func ("/strata/diff/changes", test_changes);
  g_test_add_func ("/strata/diff/renames", test_renames);
  g_test_add_func ("/strata/diff/column-hint", test_column_hint);
  g_test_add_func ("/strata/diff/normalize", test_normalize);
  g_test_add_func ("/strata/diff/dialect", test_dialect);

  return g_test_run ();
}
