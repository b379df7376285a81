/* strata-replay.c: the schema a revision graph describes, and what a step
 * of a plan runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-replay"

#include "config.h"

#include "strata-error.h"
#include "strata-graph.h"
#include "strata-lint.h"
#include "strata-model-private.h"
#include "strata-ops.h"
#include "strata-plan.h"
#include "strata-replay-private.h"
#include "strata-script.h"

/* Replaying a graph {{{ */

char *
_strata_describe_revision (StrataScript *script)
{
  GFile *file = strata_script_get_file (script);
  g_autofree char *path = NULL;

  if (file == NULL)
    return g_strdup_printf ("revision %s", strata_script_get_revision (script));

  path = strata_display_path (file);

  return g_strdup_printf ("revision %s (%s)", strata_script_get_revision (script), path);
}

static StrataModel *
replay (StrataGraph   *graph,
        GHashTable    *applied,
        StrataScript  *skip,
        gboolean       lenient,
        GError       **error)
{
  g_autoptr(StrataModel) model = strata_model_new ();
  GPtrArray *scripts = strata_graph_get_scripts (graph);

  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      GPtrArray *ops;

      if (script == skip || !g_hash_table_contains (applied, strata_script_get_revision (script)))
        continue;

      if (!strata_script_ensure_loaded (script, error))
        return NULL;

      ops = strata_script_get_upgrade (script);
      if (ops != NULL && lenient)
        {
          for (guint j = 0; j < ops->len; j++)
            {
              g_autoptr(GError) local_error = NULL;

              if (!strata_model_apply_op (model, g_ptr_array_index (ops, j), &local_error))
                g_debug ("%s: upgrade[%u]: not replayed: %s",
                         strata_script_get_revision (script), j, local_error->message);
            }
        }
      else if (ops != NULL && !strata_model_apply_ops (model, ops, "upgrade", error))
        {
          g_autofree char *what = _strata_describe_revision (script);

          g_prefix_error (error, "%s: ", what);
          return NULL;
        }
    }

  return g_steal_pointer (&model);
}

StrataModel *
strata_model_new_for_heads (StrataGraph         *graph,
                            const char * const  *heads,
                            GError             **error)
{
  g_autoptr(GHashTable) applied = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);

  if (!(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  return replay (graph, applied, NULL, FALSE, error);
}

StrataModel *
strata_model_new_before_revision (StrataGraph   *graph,
                                  StrataScript  *script,
                                  GError       **error)
{
  const char *heads[] = { strata_script_get_revision (script), NULL };
  g_autoptr(GHashTable) applied = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  if (!(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  return replay (graph, applied, script, FALSE, error);
}

StrataModel *
_strata_model_replay_lenient (StrataGraph         *graph,
                              const char * const  *heads,
                              StrataScript        *before,
                              GError             **error)
{
  const char *revision[] = { before ? strata_script_get_revision (before) : NULL, NULL };
  g_autoptr(GHashTable) applied = NULL;

  if (!(applied = strata_graph_dup_applied (graph, before ? revision : heads, error)))
    return NULL;

  return replay (graph, applied, before, TRUE, error);
}

/* }}} */

/* What a step runs {{{ */

/**
 * strata_step_dup_operations:
 * @step: a step of a plan
 * @graph: (nullable): the graph the plan comes from
 * @error: return location for a #GError
 *
 * The operations @step runs. Running a plan, rendering it offline, linting
 * it and reviewing it all ask this function.
 *
 * Returns: (transfer container) (element-type StrataOp): the operations,
 *   or %NULL with @error set naming the revision and its file
 */
GPtrArray *
strata_step_dup_operations (StrataStep   *step,
                            StrataGraph  *graph,
                            GError      **error)
{
  StrataScript *script;
  GPtrArray *upgrade;
  GPtrArray *downgrade;
  g_autoptr(GPtrArray) inverse = NULL;
  g_autoptr(StrataModel) before = NULL;

  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  script = strata_step_get_script (step);
  if (!strata_script_ensure_loaded (script, error))
    return NULL;

  upgrade = strata_script_get_upgrade (script);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    return upgrade ? g_ptr_array_ref (upgrade) : g_ptr_array_new ();

  if ((downgrade = strata_script_get_downgrade (script)) != NULL)
    return g_ptr_array_ref (downgrade);
  if (upgrade == NULL)
    return g_ptr_array_new ();

  if (graph != NULL && !(before = _strata_model_replay_lenient (graph, NULL, script, error)))
    return NULL;

  inverse = before ? strata_model_invert_ops (before, upgrade, error) : strata_ops_invert (upgrade, error);
  if (inverse == NULL)
    {
      g_autofree char *what = _strata_describe_revision (script);

      g_prefix_error (error, "%s: cannot downgrade: ", what);
      return NULL;
    }

  return g_steal_pointer (&inverse);
}

/* }}} */

/* Lint over the graph {{{ */

/**
 * strata_lint_script:
 * @graph: the revision graph
 * @script: the revision
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings of @script's upgrade on the schema replayed up to it, or %NULL with @error set
 */
GPtrArray *
strata_lint_script (StrataGraph   *graph,
                    StrataScript  *script,
                    GError       **error)
{
  g_autoptr(StrataModel) before = NULL;
  GPtrArray *findings;
  GPtrArray *upgrade;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  if (!strata_script_ensure_loaded (script, error) ||
      !(before = _strata_model_replay_lenient (graph, NULL, script, error)))
    return NULL;

  upgrade = strata_script_get_upgrade (script);
  if (upgrade == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);

  findings = strata_lint_ops (upgrade, before, strata_script_get_downgrade (script) != NULL);
  for (guint i = 0; i < findings->len; i++)
    {
      StrataLintFinding *finding = g_ptr_array_index (findings, i);
      finding->revision = g_strdup (strata_script_get_revision (script));
    }

  return findings;
}

/* }}} */
