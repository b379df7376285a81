/* strata-migrator-offline.c: the SQL a plan runs, without a database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A step's statements for a dialect (from strata_step_dup_operations(), the
 * one place that decides what a step runs), and a whole plan as a script a
 * person can review or run by hand (`upgrade --sql`).
 */

#define G_LOG_DOMAIN "strata-migrator"

#include "config.h"

#include <string.h>

#include "strata-dialect-private.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator-private.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-plan.h"
#include "strata-replay-private.h"
#include "strata-script.h"
#include "strata-script-guard-private.h"
#include "strata-i18n-private.h"

/* Renders a step; with @state, the operations are applied to it and SQLite
 * table rebuilds are used where needed (their tables go to @rebuilt). */
GPtrArray *
_strata_migrator_render_step_with_state (StrataGraph    *graph,
                                         StrataStep     *step,
                                         GPtrArray      *ops_given,
                      StrataDialect   dialect,
                      StrataModel    *state,
                      GPtrArray      *rebuilt,
                      GError        **error)
{
  g_autoptr(GPtrArray) ops = NULL;
  GPtrArray *statements;

  if (ops_given != NULL)
    ops = g_ptr_array_ref (ops_given);
  else if (!(ops = strata_step_dup_operations_for_dialect (step, graph, dialect, error)))
    return NULL;

  if (state != NULL)
    statements = strata_dialect_render_ops_with_model (dialect, ops, state, rebuilt, error);
  else
    statements = strata_dialect_render_ops (dialect, ops, error);

  if (statements == NULL)
    {
      g_autofree char *what = _strata_describe_revision (strata_step_get_script (step));

      g_prefix_error (error, "%s: ", what);
      return NULL;
    }

  return statements;
}

GPtrArray *
_strata_migrator_render_op_live (StrataDriver   *db,
                                 StrataDialect   dialect,
                                 StrataOp       *op,
                                 StrataModel    *state,
                                 GPtrArray      *rebuilt,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GError) replay_error = NULL;

  if (!strata_op_runs_on (op, dialect))
    return g_ptr_array_new_with_free_func (g_free);

  if (state != NULL)
    {
      if (!_strata_model_check_exact_names (state, op, error))
        return NULL;

      /* From the schema alone, except where a database says more (an enum
       * type's new values rebuild the live tables using it). */
      if (dialect == STRATA_DIALECT_SQLITE && _strata_dialect_sqlite_needs_model (op) &&
          (db == NULL || op->kind != STRATA_OP_ALTER_ENUM))
        {
          g_autoptr(GPtrArray) one = g_ptr_array_new ();

          g_ptr_array_add (one, op);
          return strata_dialect_render_ops_with_model (dialect, one, state, rebuilt, error);
        }
    }

  if (db != NULL)
    some = _strata_driver_render_op_live (db, op, state, rebuilt, cancellable, error);
  else if (dialect == STRATA_DIALECT_SQLITE && _strata_dialect_sqlite_needs_rebuild (op))
    some = g_ptr_array_new_with_free_func (g_free);  /* from the live table, when it runs */
  else
    some = strata_dialect_render_op (dialect, op, error);

  if (some != NULL && state != NULL && !strata_model_apply_op (state, op, &replay_error))
    g_debug ("operation not replayed: %s", replay_error->message);

  return g_steal_pointer (&some);
}

/**
 * strata_migrator_render_step:
 * @step: a step
 * @dialect: the SQL dialect
 * @error: return location for a #GError
 *
 * The statements of an upgrade are its upgrade operations; those of a
 * downgrade are the script's downgrade operations, or the inverse of its
 * upgrade when it has none.
 *
 * Returns: (transfer full) (element-type utf8): the statements, or %NULL
 *   with @error set naming the revision and its file
 */
GPtrArray *
strata_migrator_render_step (StrataStep     *step,
                             StrataDialect   dialect,
                             GError        **error)
{
  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _strata_migrator_render_step_with_state (NULL, step, NULL, dialect, NULL, NULL, error);
}

/**
 * strata_migrator_render_step_for_graph:
 * @graph: the revision graph
 * @step: a step of a plan from @graph
 * @dialect: the SQL dialect
 * @rebuilt: (nullable) (element-type utf8): receives the tables a SQLite
 *   table rebuild recreates
 * @error: return location for a #GError
 *
 * Like strata_migrator_render_step(), with the schema replayed from @graph
 * up to the step's heads_before: SQLite table rebuilds where SQLite cannot
 * ALTER in place, and the inverse of an upgrade computed from the schema
 * (so drops invert too).
 *
 * Returns: (transfer full) (element-type utf8): the statements, or %NULL
 */
GPtrArray *
strata_migrator_render_step_for_graph (StrataGraph    *graph,
                                       StrataStep     *step,
                                       StrataDialect   dialect,
                                       GPtrArray      *rebuilt,
                                       GError        **error)
{
  g_autoptr(StrataModel) state = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(state = _strata_model_replay_lenient_for_dialect (graph, strata_step_get_heads_before (step), NULL,
                                                          dialect, error)))
    return NULL;

  return _strata_migrator_render_step_with_state (graph, step, NULL, dialect, state, rebuilt, error);
}

/* The shadow database of `--sql` on SQLite {{{ */

/* The in-memory SQLite database that `--sql` renders from, as a run renders
 * from the live database. Every ALTER TABLE makes SQLite parse the whole
 * schema again, so a shadow holding every table costs time quadratic in a
 * history's length. A table only ever read by nothing is therefore kept
 * "cold": the statements that made it (rendered without the database, as
 * they would be anyway) are kept in order and run into the shadow only
 * when something needs the table there (a rebuild, raw SQL naming it, a
 * rename that SQLite carries into the tables that mention it). Run then,
 * they give the table exactly what running them at once would have. */
typedef struct
{
  StrataDriver *db;
  /* lower-case table name → (element-type utf8) its statements, in order */
  GHashTable   *cold;
  /* The schema of SQLite the migrations replay to, for exact names and
   * what only the schema tells (enum types). */
  StrataModel  *state;
} Shadow;

static void
shadow_free (Shadow *shadow)
{
  g_clear_object (&shadow->db);
  g_clear_pointer (&shadow->cold, g_hash_table_unref);
  g_clear_pointer (&shadow->state, strata_model_unref);
  g_free (shadow);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Shadow, shadow_free)

static void
shadow_execute (Shadow     *shadow,
                const char *sql)
{
  g_autoptr(GError) local_error = NULL;

  if (!strata_driver_execute (shadow->db, sql, NULL, &local_error))
    g_debug ("shadow database: %s: %s", sql, local_error->message);
}

/* Runs a cold table's statements into the shadow. */
static void
shadow_warm (Shadow     *shadow,
             const char *table)
{
  g_autofree char *key = NULL;
  g_autoptr(GPtrArray) log = NULL;
  gpointer stolen_key;
  gpointer stolen_log;

  if (table == NULL)
    return;

  key = g_ascii_strdown (table, -1);
  if (!g_hash_table_steal_extended (shadow->cold, key, &stolen_key, &stolen_log))
    return;
  g_free (stolen_key);
  log = stolen_log;

  for (guint i = 0; i < log->len; i++)
    shadow_execute (shadow, g_ptr_array_index (log, i));
}

/* Runs every cold table's statements into the shadow. */
static void
shadow_warm_all (Shadow *shadow)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  keys = g_hash_table_get_keys_as_array (shadow->cold, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup (keys[i]);

      shadow_warm (shadow, key);
    }
}

static gboolean
text_mentions (const char *haystack,
               const char *needle)
{
  g_autofree char *h = g_ascii_strdown (haystack, -1);
  g_autofree char *n = g_ascii_strdown (needle, -1);

  return strstr (h, n) != NULL;
}

/* Warms every cold table whose name @text mentions (with @by_name) or whose
 * statements mention @text (without): a superset of what SQL naming those
 * tables, or a rename of @text, reads or changes. */
static void
shadow_warm_mentioned (Shadow     *shadow,
                       const char *text,
                       gboolean    by_name)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  if (text == NULL)
    return;

  g_hash_table_iter_init (&iter, shadow->cold);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *log = value;
      gboolean hit = FALSE;

      if (by_name)
        hit = text_mentions (text, key);
      else
        for (guint i = 0; i < log->len && !hit; i++)
          hit = text_mentions (g_ptr_array_index (log, i), text);

      if (hit)
        g_ptr_array_add (names, g_strdup (key));
    }

  for (guint i = 0; i < names->len; i++)
    shadow_warm (shadow, g_ptr_array_index (names, i));
}

/* Turns back cold every table of the shadow that nothing else there
 * mentions and that has no triggers (raw SQL's): its statements become
 * its definition as SQLite stores it (the table's, then its indexes', in
 * the order they were made), which recreate it exactly. This keeps the
 * shadow's schema, which SQLite parses again at every ALTER TABLE, small. */
static void
shadow_cool (Shadow *shadow)
{
  gboolean again = TRUE;

  while (again)
    {
      g_autoptr(StrataResult) tables = NULL;

      again = FALSE;
      if (!(tables = strata_driver_query (shadow->db,
                                          "SELECT t.name FROM sqlite_schema AS t "
                                          "WHERE t.type = 'table' AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                          "AND NOT EXISTS (SELECT 1 FROM sqlite_schema AS o "
                                          "  WHERE (o.tbl_name <> t.tbl_name AND instr (lower (o.sql), lower (t.name)) > 0) "
                                          "  OR (o.tbl_name = t.tbl_name AND o.type NOT IN ('table', 'index')))",
                                          NULL, NULL)))
        return;

      for (guint row = 0; row < strata_result_get_n_rows (tables); row++)
        {
          const char *name = strata_result_get_value (tables, row, 0);
          g_autoptr(StrataResult) rows = NULL;
          g_autofree char *quoted = NULL;
          g_autofree char *drop = NULL;
          const char *params[1] = { name };
          GPtrArray *log;

          if (!(rows = strata_driver_query_params (shadow->db,
                                                   "SELECT sql FROM sqlite_schema WHERE tbl_name = $1 "
                                                   "AND sql IS NOT NULL ORDER BY rowid",
                                                   1, params, NULL, NULL)))
            continue;

          quoted = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, name);
          drop = g_strdup_printf ("DROP TABLE %s", quoted);
          if (!strata_driver_execute (shadow->db, drop, NULL, NULL))
            continue;

          log = g_ptr_array_new_with_free_func (g_free);
          for (guint i = 0; i < strata_result_get_n_rows (rows); i++)
            g_ptr_array_add (log, g_strdup (strata_result_get_value (rows, i, 0)));
          g_hash_table_replace (shadow->cold, g_ascii_strdown (name, -1), log);
          again = TRUE;
        }
    }
}

/* Whether @op, on a cold table, can be kept with the table's statements:
 * it is rendered without the database and changes that table alone. */
static gboolean
op_stays_cold (Shadow   *shadow,
               StrataOp *op)
{
  g_autofree char *key = NULL;

  if (op->kind != STRATA_OP_CREATE_TABLE && op->kind != STRATA_OP_DROP_TABLE &&
      op->kind != STRATA_OP_ADD_COLUMN && op->kind != STRATA_OP_CREATE_INDEX &&
      op->kind != STRATA_OP_DROP_INDEX && op->kind != STRATA_OP_INSERT)
    return FALSE;

  if (op->table == NULL || _strata_dialect_sqlite_needs_rebuild (op))
    return FALSE;

  key = g_ascii_strdown (op->table, -1);
  if (op->kind == STRATA_OP_CREATE_TABLE)
    {
      g_autoptr(StrataResult) found = NULL;
      const char *params[1] = { op->table };

      /* New, unless raw SQL made it in the shadow. */
      if (g_hash_table_contains (shadow->cold, key))
        return FALSE;
      found = strata_driver_query_params (shadow->db,
                                          "SELECT 1 FROM sqlite_schema WHERE name = $1 COLLATE NOCASE",
                                          1, params, NULL, NULL);
      return found != NULL && strata_result_get_n_rows (found) == 0;
    }

  return g_hash_table_contains (shadow->cold, key);
}

/* Warms what @op reads or changes in the shadow. */
static void
shadow_warm_for_op (Shadow   *shadow,
                    StrataOp *op)
{
  if (op->kind == STRATA_OP_SQL)
    {
      const char *text = op->sql[STRATA_DIALECT_SQLITE];

      /* The tables it names, and those whose SQL names them (a rename
       * carries into them). */
      if (text != NULL && *text != '\0')
        {
          g_autoptr(GPtrArray) named = g_ptr_array_new_with_free_func (g_free);
          GHashTableIter iter;
          gpointer key;

          g_hash_table_iter_init (&iter, shadow->cold);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            if (text_mentions (text, key))
              g_ptr_array_add (named, g_strdup (key));
          for (guint i = 0; i < named->len; i++)
            {
              shadow_warm (shadow, g_ptr_array_index (named, i));
              shadow_warm_mentioned (shadow, g_ptr_array_index (named, i), FALSE);
            }
        }
      return;
    }

  /* An enum type's values are in the CHECK of every table using it. */
  if (op->kind == STRATA_OP_ALTER_ENUM || op->kind == STRATA_OP_DROP_ENUM)
    {
      shadow_warm_all (shadow);
      return;
    }

  shadow_warm (shadow, op->table);
  if (op->kind == STRATA_OP_ADD_FOREIGN_KEY && op->foreign_key != NULL)
    shadow_warm (shadow, strata_foreign_key_get_references (op->foreign_key));
  if (op->kind == STRATA_OP_DROP_INDEX && op->table == NULL)
    shadow_warm_mentioned (shadow, op->name, FALSE);
  if (op->kind == STRATA_OP_RENAME_TABLE)
    {
      shadow_warm (shadow, op->new_name);
      shadow_warm_mentioned (shadow, op->table, FALSE);
    }
  if (op->kind == STRATA_OP_ALTER_COLUMN && op->new_name != NULL)
    shadow_warm_mentioned (shadow, op->table, FALSE);
  if (op->kind == STRATA_OP_DROP_TABLE)
    shadow_warm_mentioned (shadow, op->table, FALSE);
}

/* Runs @ops on the @shadow, each rendered from the shadow as it is at that
 * moment (table rebuilds from the live table, as online); the statements go
 * to @out when it is not NULL. Raw SQL the shadow cannot run is skipped
 * there (and still written to @out). */
static gboolean
shadow_run_ops (Shadow        *shadow,
                GPtrArray     *ops,
                GPtrArray     *out,
                GPtrArray     *rebuilt,
                GError       **error)
{
  for (guint i = 0; i < ops->len; i++)
    {
      StrataOp *op = g_ptr_array_index (ops, i);
      g_autoptr(GPtrArray) some = NULL;
      g_autoptr(GError) local_error = NULL;
      GPtrArray *log = NULL;

      if (!strata_op_runs_on (op, STRATA_DIALECT_SQLITE))
        continue;

      /* Names are exact here as on every way of rendering. */
      if (!_strata_model_check_exact_names (shadow->state, op, error))
        {
          g_prefix_error (error, _("operation %u: "), i);
          return FALSE;
        }

      if (!_strata_dialect_sqlite_needs_model (op) && op_stays_cold (shadow, op))
        {
          g_autofree char *key = g_ascii_strdown (op->table, -1);
          g_autoptr(GError) replay_error = NULL;

          if (!(some = strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, &local_error)))
            goto failed;
          if (!strata_model_apply_op (shadow->state, op, &replay_error))
            g_debug ("shadow database: operation %u not replayed: %s", i, replay_error->message);

          if (op->kind == STRATA_OP_DROP_TABLE)
            g_hash_table_remove (shadow->cold, key);
          else if (op->kind != STRATA_OP_INSERT)
            {
              if (!(log = g_hash_table_lookup (shadow->cold, key)))
                {
                  log = g_ptr_array_new_with_free_func (g_free);
                  g_hash_table_insert (shadow->cold, g_steal_pointer (&key), log);
                }
              for (guint j = 0; j < some->len; j++)
                g_ptr_array_add (log, g_strdup (g_ptr_array_index (some, j)));
            }
        }
      else
        {
          shadow_warm_for_op (shadow, op);
          if (!(some = _strata_migrator_render_op_live (shadow->db, STRATA_DIALECT_SQLITE, op, shadow->state,
                                                        rebuilt, NULL, &local_error)))
            goto failed;

          for (guint j = 0; j < some->len; j++)
            shadow_execute (shadow, g_ptr_array_index (some, j));
          shadow_cool (shadow);
        }

      if (out != NULL)
        for (guint j = 0; j < some->len; j++)
          g_ptr_array_add (out, g_strdup (g_ptr_array_index (some, j)));
      continue;

    failed:
      if (out != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("operation %u: "), i);
          return FALSE;
        }
      g_debug ("shadow database: operation %u not replayed: %s", i, local_error->message);
    }

  return TRUE;
}

/* An in-memory SQLite shadow holding what the migrations up to @heads
 * make, raw SQL included. */
static Shadow *
shadow_open (StrataGraph         *graph,
             const char * const  *heads,
             GError             **error)
{
  g_autoptr(Shadow) shadow = g_new0 (Shadow, 1);
  g_autoptr(GHashTable) applied = NULL;
  GPtrArray *scripts;

  shadow->cold = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  shadow->state = strata_model_new ();
  strata_model_set_dialect (shadow->state, STRATA_DIALECT_SQLITE);

  if (!(shadow->db = strata_driver_open ("sqlite://", NULL, NULL, error)) ||
      !strata_driver_execute (shadow->db, "PRAGMA foreign_keys = OFF", NULL, error) ||
      !strata_driver_execute (shadow->db, "BEGIN", NULL, error) ||
      !(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  scripts = strata_graph_get_scripts (graph);
  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      GPtrArray *ops;

      if (!g_hash_table_contains (applied, strata_script_get_revision (script)))
        continue;
      if (!strata_script_ensure_loaded (script, error))
        return NULL;
      if ((ops = strata_script_get_upgrade (script)) != NULL &&
          !shadow_run_ops (shadow, ops, NULL, NULL, error))
        {
          g_autofree char *what = _strata_describe_revision (script);

          g_prefix_error (error, "%s: ", what);
          return NULL;
        }
    }

  return g_steal_pointer (&shadow);
}

/* }}} */

/* PostgreSQL renders what the migrations up to @heads make itself: they run
 * in a schema of their own, first in the search_path, inside a transaction
 * that is rolled back; that schema is read as the database is. A statement
 * the server refuses there is skipped (behind a savepoint), as the shadow
 * database of SQLite skips raw SQL it cannot run. */
static StrataModel *
expected_on_server (StrataGraph         *graph,
                    const char * const  *heads,
                    StrataDriver        *driver,
                    const char * const  *exclude,
                    GCancellable        *cancellable,
                    GError             **error)
{
  StrataDialect dialect = strata_driver_get_dialect (driver);
  g_autoptr(GHashTable) applied = NULL;
  g_autoptr(StrataModel) state = strata_model_new ();
  g_autoptr(StrataModel) expected = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *create = NULL;
  g_autofree char *path = NULL;
  GPtrArray *scripts;

  strata_model_set_dialect (state, dialect);

  if (!(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  schema = g_strdup_printf ("strata_expected_%08x", g_random_int ());
  quoted = strata_dialect_quote_identifier (dialect, schema);
  create = g_strdup_printf ("CREATE SCHEMA %s", quoted);
  path = g_strdup_printf ("SET LOCAL search_path TO %s", quoted);

  if (!strata_driver_begin (driver, cancellable, error))
    return NULL;
  if (!strata_driver_execute (driver, create, cancellable, error) ||
      !strata_driver_execute (driver, path, cancellable, error))
    goto out;

  scripts = strata_graph_get_scripts (graph);
  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      g_autoptr(GPtrArray) statements = NULL;
      g_autoptr(GError) local_error = NULL;
      GPtrArray *ops;

      if (!g_hash_table_contains (applied, strata_script_get_revision (script)))
        continue;
      if (!strata_script_ensure_loaded (script, error))
        goto out;
      if ((ops = strata_script_get_upgrade (script)) == NULL)
        continue;

      if (!(statements = strata_dialect_render_ops_with_model (dialect, ops, state, NULL, &local_error)))
        {
          /* Names that differ only in case are refused, as a run refuses them. */
          if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_PROJECT))
            {
              g_autofree char *what = _strata_describe_revision (script);

              g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", what);
              goto out;
            }
          g_debug ("expected schema: %s not rendered: %s", strata_script_get_revision (script), local_error->message);
          continue;
        }

      for (guint j = 0; j < statements->len; j++)
        {
          g_autofree char *sql = g_strdup (g_ptr_array_index (statements, j));

          /* A transaction cannot build an index concurrently; the index
           * is the same. */
          if (!strata_script_get_transactional (script))
            {
              g_autoptr(GRegex) concurrently = g_regex_new ("\\bINDEX\\s+CONCURRENTLY\\b", G_REGEX_CASELESS, 0, NULL);
              char *plain = g_regex_replace_literal (concurrently, sql, -1, 0, "INDEX", 0, NULL);

              if (plain != NULL)
                {
                  g_free (sql);
                  sql = plain;
                }
            }

          if (!strata_driver_execute (driver, "SAVEPOINT strata_expected", cancellable, error))
            goto out;
          if (!strata_driver_execute (driver, sql, cancellable, &local_error))
            {
              g_debug ("expected schema: %s: %s", sql, local_error->message);
              g_clear_error (&local_error);
              if (!strata_driver_execute (driver, "ROLLBACK TO SAVEPOINT strata_expected", cancellable, error))
                goto out;
            }
          else if (!strata_driver_execute (driver, "RELEASE SAVEPOINT strata_expected", cancellable, error))
            goto out;
        }
    }

  expected = strata_driver_introspect (driver, exclude, cancellable, error);

out:
  strata_driver_rollback (driver);

  return g_steal_pointer (&expected);
}

/**
 * strata_migrator_dup_expected_schema:
 * @graph: the revision graph
 * @heads: the applied heads
 * @driver: the database the schema is for
 * @exclude: (nullable) (array zero-terminated=1): tables to leave out
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The schema the migrations up to @heads make, as the engine itself has
 * it, so that a comparison with the database reports what differs and not
 * how the engine spells it. On SQLite they run in the in-memory shadow
 * database of `--sql` (raw SQL included, rebuilds from the live table); on
 * PostgreSQL in a schema of their own on @driver's server, inside a
 * transaction that is rolled back. Either is then read as the database is.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_migrator_dup_expected_schema (StrataGraph         *graph,
                                     const char * const  *heads,
                                     StrataDriver        *driver,
                                     const char * const  *exclude,
                                     GCancellable        *cancellable,
                                     GError             **error)
{
  g_autoptr(Shadow) shadow = NULL;
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_DRIVER (driver), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strata_driver_get_dialect (driver) != STRATA_DIALECT_SQLITE)
    return expected_on_server (graph, heads, driver, exclude, cancellable, error);

  if (!(shadow = shadow_open (graph, heads, error)))
    return NULL;

  keys = g_hash_table_get_keys_as_array (shadow->cold, &n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup (keys[i]);

      shadow_warm (shadow, key);
    }

  return strata_driver_introspect (shadow->db, exclude, cancellable, error);
}

static char *render_offline (StrataGraph    *graph,
                             StrataPlan     *plan,
                             StrataDialect   dialect,
                             const char     *version_table,
                             const char     *history_table,
                             const char     *schema,
                             int             lock_timeout,
                             int             statement_timeout,
                             GError        **error);

static void
append_statement (GString    *out,
                  const char *sql)
{
  gsize len = strlen (sql);

  while (len > 0 && (g_ascii_isspace (sql[len - 1]) || sql[len - 1] == ';'))
    len--;

  g_string_append_len (out, sql, len);
  g_string_append (out, ";\n\n");
}

/* The first line of a message, for a SQL comment. */
static char *
comment_text (const char *text)
{
  const char *end;

  if (text == NULL)
    return g_strdup ("");

  end = strchr (text, '\n');
  return end != NULL ? g_strndup (text, end - text) : g_strdup (text);
}

/**
 * strata_migrator_render_offline_sql:
 * @graph: (nullable): the revision graph
 * @plan: the steps to render
 * @dialect: the SQL dialect
 * @version_table: (nullable): the version table, %NULL for the default
 * @error: return location for a #GError
 *
 * Renders a plan as a script a person can review or run by hand (Alembic's
 * `--sql`): the version table's CREATE when starting from nothing, then for
 * each migration a comment naming it, BEGIN, its statements, the version
 * table change and COMMIT (no BEGIN/COMMIT for a non-transactional one).
 *
 * Returns: (transfer full): the SQL, or %NULL with @error set
 */
char *
strata_migrator_render_offline_sql (StrataGraph    *graph,
                                    StrataPlan     *plan,
                                    StrataDialect   dialect,
                                    const char     *version_table,
                                    GError        **error)
{
  return strata_migrator_render_offline_script (graph, plan, dialect, version_table,
                                                NULL, -1, -1, error);
}

/**
 * strata_migrator_render_offline_script:
 * @graph: (nullable): the revision graph
 * @plan: the steps to render
 * @dialect: the SQL dialect
 * @version_table: (nullable): the version table, %NULL for the default
 * @schema: (nullable): PostgreSQL: the schema to create and put first in
 *   the search_path before anything else
 * @lock_timeout: PostgreSQL: lock_timeout in milliseconds to set, or -1
 * @statement_timeout: PostgreSQL: statement_timeout in milliseconds, or -1
 * @error: return location for a #GError
 *
 * strata_migrator_render_offline_sql() with the session settings a run
 * would make (see #StrataMigrator:schema).
 *
 * Returns: (transfer full): the SQL, or %NULL with @error set
 */
char *
strata_migrator_render_offline_script (StrataGraph    *graph,
                                       StrataPlan     *plan,
                                       StrataDialect   dialect,
                                       const char     *version_table,
                                       const char     *schema,
                                       int             lock_timeout,
                                       int             statement_timeout,
                                       GError        **error)
{
  return render_offline (graph, plan, dialect, version_table, NULL, schema,
                         lock_timeout, statement_timeout, error);
}

/**
 * strata_migrator_render_guarded_script:
 * @history_table: (nullable): the history table, %NULL for the default
 *
 * strata_migrator_render_offline_script() for a script that guards itself
 * (what `--sql` prints): each migration first checks that the version table
 * holds what it starts from (PostgreSQL: a DO block that raises; SQLite: an
 * INSERT that a temporary trigger refuses), PostgreSQL holds the run's
 * advisory lock throughout, and each migration writes its history row as
 * an online run does.
 *
 * Returns: (transfer full): the SQL, or %NULL with @error set
 */
char *
strata_migrator_render_guarded_script (StrataGraph    *graph,
                                       StrataPlan     *plan,
                                       StrataDialect   dialect,
                                       const char     *version_table,
                                       const char     *history_table,
                                       const char     *schema,
                                       int             lock_timeout,
                                       int             statement_timeout,
                                       GError        **error)
{
  return render_offline (graph, plan, dialect, version_table,
                         history_table ? history_table : STRATA_DEFAULT_HISTORY_TABLE,
                         schema, lock_timeout, statement_timeout, error);
}

/* With @history_table, the guarded script. */
static char *
render_offline (StrataGraph    *graph,
                StrataPlan     *plan,
                StrataDialect   dialect,
                const char     *version_table,
                const char     *history_table,
                const char     *schema,
                int             lock_timeout,
                int             statement_timeout,
                GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *lock_name = NULL;
  g_autofree char *table = NULL;
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(Shadow) shadow = NULL;
  g_autoptr(GPtrArray) plan_ops = NULL;
  g_autoptr(GPtrArray) rebuilt = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) session = NULL;
  StrataDirection direction;
  guint n_steps;

  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (version_table == NULL || *version_table == '\0')
    version_table = STRATA_DEFAULT_VERSION_TABLE;

  table = strata_dialect_quote_identifier (dialect, version_table);
  direction = strata_plan_get_direction (plan);
  n_steps = strata_plan_get_n_steps (plan);

  /* What each step runs on @dialect, from one replay of the history. */
  if (!(plan_ops = strata_plan_dup_operations_for_dialect (plan, graph, dialect, error)))
    return NULL;

  /* With the graph, on SQLite: the migrations up to the plan run in an
   * in-memory shadow database, and each step renders from it as a run
   * renders from the live database (exact, raw SQL included). On
   * PostgreSQL: the schema of the dialect replayed up to the plan. */
  if (graph != NULL && n_steps > 0 && dialect == STRATA_DIALECT_SQLITE)
    {
      if (!(shadow = shadow_open (graph, strata_plan_get_heads_before (plan), error)))
        return NULL;
    }
  else if (graph != NULL && n_steps > 0 &&
           !(state = _strata_model_replay_lenient_for_dialect (graph, strata_plan_get_heads_before (plan), NULL,
                                                               dialect, error)))
    return NULL;

  g_string_append_printf (out, "-- Strata %s: %s to %s, %s\n\n",
                          PACKAGE_VERSION,
                          direction == STRATA_DIRECTION_DOWN ? "downgrade" : "upgrade",
                          strata_plan_get_target (plan) != NULL ? strata_plan_get_target (plan) : "head",
                          strata_dialect_get_name (dialect));

  session = _strata_dialect_render_session (dialect, schema, TRUE, lock_timeout, statement_timeout);
  for (guint i = 0; i < session->len; i++)
    append_statement (out, g_ptr_array_index (session, i));

  /* The online run's lock name: "schema.table" or "table". */
  lock_name = schema != NULL && *schema != '\0' ? g_strdup_printf ("%s.%s", schema, version_table)
                                                 : g_strdup (version_table);
  if (history_table != NULL && n_steps > 0)
    _strata_guard_append_prologue (out, dialect, lock_name, history_table);

  if (direction == STRATA_DIRECTION_UP && n_steps > 0 &&
      g_strv_length ((char **)strata_plan_get_heads_before (plan)) == 0)
    {
      g_autofree char *create = strata_dialect_create_version_table (dialect, version_table);

      append_statement (out, create);
    }

  for (guint i = 0; i < n_steps; i++)
    {
      StrataStep *step = strata_plan_get_step (plan, i);
      StrataScript *script = strata_step_get_script (step);
      gboolean transactional = strata_script_get_transactional (script);
      g_autoptr(GPtrArray) statements = NULL;
      g_auto(GStrv) removed = NULL;
      g_auto(GStrv) added = NULL;
      g_autofree char *parents = NULL;
      g_autofree char *message = NULL;
      gboolean rebuild;

      g_ptr_array_set_size (rebuilt, 0);
      if (shadow != NULL)
        {
          statements = g_ptr_array_new_with_free_func (g_free);
          if (!shadow_run_ops (shadow, g_ptr_array_index (plan_ops, i), statements, rebuilt, error))
            {
              g_autofree char *what = _strata_describe_revision (script);

              g_prefix_error (error, "%s: ", what);
              return NULL;
            }
        }
      else if (!(statements = _strata_migrator_render_step_with_state (graph, step, g_ptr_array_index (plan_ops, i),
                                                                       dialect, state, rebuilt, error)))
        return NULL;
      rebuild = rebuilt->len > 0;
      /* As run: a rebuild is always in a transaction. */
      transactional = transactional || rebuild;

      parents = strata_script_is_base (script) ? g_strdup ("<base>")
                                               : g_strjoinv (", ", (char **)strata_script_get_down_revisions (script));
      message = comment_text (strata_script_get_message (script));

      if (strata_step_get_direction (step) == STRATA_DIRECTION_DOWN)
        g_string_append_printf (out, "-- Running downgrade %s -> %s", strata_script_get_revision (script), parents);
      else
        g_string_append_printf (out, "-- Running upgrade %s -> %s", parents, strata_script_get_revision (script));
      if (*message != '\0')
        g_string_append_printf (out, ", %s", message);
      g_string_append (out, "\n");
      if (!transactional)
        g_string_append (out, "-- (not transactional: runs outside a transaction)\n");
      else if (!strata_script_get_transactional (script))
        g_string_append (out, "-- (\"transactional\": false, but a table rebuild always runs in a transaction)\n");
      g_string_append (out, "\n");

      if (rebuild)
        _strata_dialect_append_rebuild_prologue (out, dialect);
      if (transactional)
        g_string_append (out, "BEGIN;\n\n");
      if (history_table != NULL)
        _strata_guard_append_check (out, dialect, version_table, strata_step_get_heads_before (step), step);

      for (guint j = 0; j < statements->len; j++)
        append_statement (out, g_ptr_array_index (statements, j));

      removed = strata_step_dup_removed_heads (step);
      added = strata_step_dup_added_heads (step);
      _strata_dialect_append_version_change (out, dialect, table,
                                             (const char * const *)removed,
                                             (const char * const *)added);
      if (history_table != NULL)
        _strata_guard_append_history (out, dialect, history_table, step);

      if (rebuild)
        _strata_dialect_append_rebuild_check (out, dialect);
      if (transactional)
        g_string_append (out, "COMMIT;\n\n");
      if (rebuild)
        _strata_dialect_append_rebuild_epilogue (out, dialect);
    }

  if (history_table != NULL && n_steps > 0)
    _strata_guard_append_epilogue (out, dialect, lock_name);

  /* One newline at the end, not a blank line */
  while (out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
