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
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator-private.h"
#include "strata-plan.h"
#include "strata-replay-private.h"
#include "strata-script.h"

/* Renders a step; with @state, the operations are applied to it and SQLite
 * table rebuilds are used where needed (their tables go to @rebuilt). */
GPtrArray *
_strata_migrator_render_step_with_state (StrataGraph    *graph,
                      StrataStep     *step,
                      StrataDialect   dialect,
                      StrataModel    *state,
                      GPtrArray      *rebuilt,
                      GError        **error)
{
  g_autoptr(GPtrArray) ops = NULL;
  GPtrArray *statements;

  if (!(ops = strata_step_dup_operations_for_dialect (step, graph, dialect, error)))
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

  return _strata_migrator_render_step_with_state (NULL, step, dialect, NULL, NULL, error);
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

  return _strata_migrator_render_step_with_state (graph, step, dialect, state, rebuilt, error);
}

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
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *table = NULL;
  g_autoptr(StrataModel) state = NULL;
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

  /* With the graph, the schema replayed up to the plan: table rebuilds and
   * the inverse of drops. */
  if (graph != NULL && n_steps > 0 &&
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
      if (!(statements = _strata_migrator_render_step_with_state (graph, step, dialect, state, rebuilt, error)))
        return NULL;
      rebuild = rebuilt->len > 0;
      /* As run: a rebuild is always in a transaction. */
      transactional = transactional || rebuild;

      parents = g_strjoinv (", ", (char **)strata_script_get_down_revisions (script));
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

      for (guint j = 0; j < statements->len; j++)
        append_statement (out, g_ptr_array_index (statements, j));

      removed = strata_step_dup_removed_heads (step);
      added = strata_step_dup_added_heads (step);
      _strata_dialect_append_version_change (out, dialect, table,
                                             (const char * const *)removed,
                                             (const char * const *)added);

      if (rebuild)
        _strata_dialect_append_rebuild_check (out, dialect);
      if (transactional)
        g_string_append (out, "COMMIT;\n\n");
      if (rebuild)
        _strata_dialect_append_rebuild_epilogue (out, dialect);
    }

  /* One newline at the end, not a blank line */
  while (out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
