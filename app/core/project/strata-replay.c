/* strata-replay.c: the schema a revision graph describes, and what a step
 * of a plan runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-replay"

#include "config.h"

#include "strata-error.h"
#include "strata-graph.h"
#include "strata-lint-private.h"
#include "strata-model-private.h"
#include "strata-ops.h"
#include "strata-plan.h"
#include "strata-replay-private.h"
#include "strata-script.h"
#include "strata-i18n-private.h"

/* STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE (a public header's macro) for
 * xgettext, which does not read through macros; the two must agree. */
static const char empty_downgrade_message[] =
  N_("downgrade does nothing: the upgrade's changes stay after a downgrade; remove the \"downgrade\" key "
     "to run the computed inverse, or write the operations that undo the upgrade");
G_STATIC_ASSERT (sizeof empty_downgrade_message == sizeof STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE);

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
        int            dialect,
        GError       **error)
{
  g_autoptr(StrataModel) model = strata_model_new ();
  GPtrArray *scripts = strata_graph_get_scripts (graph);

  strata_model_set_dialect (model, dialect);

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

              if (!_strata_model_check_exact_names (model, g_ptr_array_index (ops, j), error))
                {
                  g_autofree char *what = _strata_describe_revision (script);

                  g_prefix_error (error, "%s: upgrade[%u]: ", what, j);
                  return NULL;
                }
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
  return strata_model_new_for_heads_for_dialect (graph, heads, -1, error);
}

StrataModel *
strata_model_new_for_heads_for_dialect (StrataGraph         *graph,
                                        const char * const  *heads,
                                        int                  dialect,
                                        GError             **error)
{
  g_autoptr(GHashTable) applied = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);

  if (!(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  return replay (graph, applied, NULL, FALSE, dialect, error);
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

  return replay (graph, applied, script, FALSE, -1, error);
}

StrataModel *
_strata_model_replay_lenient (StrataGraph         *graph,
                              const char * const  *heads,
                              StrataScript        *before,
                              GError             **error)
{
  return _strata_model_replay_lenient_for_dialect (graph, heads, before, -1, error);
}

StrataModel *
_strata_model_replay_lenient_for_dialect (StrataGraph         *graph,
                                          const char * const  *heads,
                                          StrataScript        *before,
                                          int                  dialect,
                                          GError             **error)
{
  const char *revision[] = { before ? strata_script_get_revision (before) : NULL, NULL };
  g_autoptr(GHashTable) applied = NULL;

  if (!(applied = strata_graph_dup_applied (graph, before ? revision : heads, error)))
    return NULL;

  return replay (graph, applied, before, TRUE, dialect, error);
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
/* Whether @step runs the inverse of its upgrade, computed from the schema
 * before it. */
static gboolean
step_needs_inverse (StrataStep *step)
{
  StrataScript *script = strata_step_get_script (step);

  return strata_step_get_direction (step) == STRATA_DIRECTION_DOWN &&
         strata_script_get_downgrade (script) == NULL &&
         strata_script_get_upgrade (script) != NULL;
}

/* What @step runs on @dialect (-1: none in particular); @before is the
 * schema of @dialect before its revision's upgrade, when it has been
 * replayed (else, with @graph, it is replayed here). */
static GPtrArray *
step_operations (StrataStep   *step,
                 StrataModel  *before,
                 StrataGraph  *graph,
                 int           dialect,
                 GError      **error)
{
  StrataScript *script = strata_step_get_script (step);
  GPtrArray *upgrade;
  GPtrArray *downgrade;
  g_autoptr(GPtrArray) inverse = NULL;
  g_autoptr(StrataModel) replayed = NULL;

  if (!strata_script_ensure_loaded (script, error))
    return NULL;

  upgrade = strata_script_get_upgrade (script);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    return upgrade ? g_ptr_array_ref (upgrade) : g_ptr_array_new ();

  if ((downgrade = strata_script_get_downgrade (script)) != NULL)
    return g_ptr_array_ref (downgrade);
  if (upgrade == NULL)
    return g_ptr_array_new ();

  if (before == NULL && graph != NULL)
    {
      if (!(replayed = _strata_model_replay_lenient_for_dialect (graph, NULL, script, dialect, error)))
        return NULL;
      before = replayed;
    }

  if (before != NULL)
    inverse = strata_model_invert_ops (before, upgrade, error);
  else
    {
      /* Without the schema, the operations of this dialect alone. */
      g_autoptr(GPtrArray) here = g_ptr_array_new ();

      for (guint i = 0; i < upgrade->len; i++)
        if (dialect < 0 || strata_op_runs_on (g_ptr_array_index (upgrade, i), dialect))
          g_ptr_array_add (here, g_ptr_array_index (upgrade, i));
      inverse = strata_ops_invert (here, error);
    }
  if (inverse == NULL)
    {
      g_autofree char *what = _strata_describe_revision (script);

      g_prefix_error (error, _("%s: cannot downgrade: "), what);
      return NULL;
    }

  return g_steal_pointer (&inverse);
}

GPtrArray *
strata_step_dup_operations (StrataStep   *step,
                            StrataGraph  *graph,
                            GError      **error)
{
  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return step_operations (step, NULL, graph, -1, error);
}

/**
 * strata_step_dup_operations_for_dialect:
 * @step: a step
 * @graph: (nullable): the graph the step comes from
 * @dialect: the dialect the step runs on (a #StrataDialect), or -1 for none
 *   in particular
 * @error: return location for a #GError
 *
 * Like strata_step_dup_operations(), with a computed inverse from the
 * schema of @dialect, so that operations with "dialects" are undone where
 * they ran.
 *
 * Returns: (transfer container) (element-type StrataOp): the operations,
 *   or %NULL with @error set
 */
GPtrArray *
strata_step_dup_operations_for_dialect (StrataStep   *step,
                                        StrataGraph  *graph,
                                        int           dialect,
                                        GError      **error)
{
  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return step_operations (step, NULL, graph, dialect, error);
}

/* Applies @script's upgrade to @state, skipping what does not apply (as
 * _strata_model_replay_lenient() does). */
static gboolean
advance (StrataModel   *state,
         StrataScript  *script,
         GError       **error)
{
  GPtrArray *ops = strata_script_get_upgrade (script);

  for (guint j = 0; ops != NULL && j < ops->len; j++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!_strata_model_check_exact_names (state, g_ptr_array_index (ops, j), error))
        {
          g_autofree char *what = _strata_describe_revision (script);

          g_prefix_error (error, "%s: upgrade[%u]: ", what, j);
          return FALSE;
        }
      if (!strata_model_apply_op (state, g_ptr_array_index (ops, j), &local_error))
        g_debug ("%s: upgrade[%u]: not replayed: %s",
                 strata_script_get_revision (script), j, local_error->message);
    }

  return TRUE;
}

static void
ops_free (gpointer ops)
{
  if (ops != NULL)
    g_ptr_array_unref (ops);
}

/**
 * strata_plan_dup_operations:
 * @plan: a plan
 * @graph: (nullable): the graph the plan comes from
 * @error: return location for a #GError
 *
 * strata_step_dup_operations() for each step of @plan. A downgrade plan's
 * computed inverses come from one replay: the schema at the plan's target,
 * then each revision's upgrade applied on the way back up, so each step
 * costs its own operations, not the history's.
 *
 * Returns: (transfer container) (element-type GPtrArray): the operations
 *   of each step, or %NULL with @error set
 */
GPtrArray *
strata_plan_dup_operations (StrataPlan   *plan,
                            StrataGraph  *graph,
                            GError      **error)
{
  return strata_plan_dup_operations_for_dialect (plan, graph, -1, error);
}

/**
 * strata_plan_dup_operations_for_dialect:
 * @plan: a plan
 * @graph: (nullable): the graph the plan comes from
 * @dialect: the dialect the plan runs on (a #StrataDialect), or -1 for none
 *   in particular
 * @error: return location for a #GError
 *
 * strata_plan_dup_operations() with computed inverses from the schema of
 * @dialect, so that operations with "dialects" are undone where they ran.
 *
 * Returns: (transfer container) (element-type GPtrArray): the operations
 *   of each step, or %NULL with @error set
 */
GPtrArray *
strata_plan_dup_operations_for_dialect (StrataPlan   *plan,
                                        StrataGraph  *graph,
                                        int           dialect,
                                        GError      **error)
{
  guint n_steps = strata_plan_get_n_steps (plan);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (ops_free);
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(GError) first_error = NULL;
  gboolean replay = FALSE;

  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);
  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_ptr_array_set_size (all, n_steps);

  for (guint i = 0; i < n_steps; i++)
    {
      StrataStep *step = strata_plan_get_step (plan, i);

      if (!strata_script_ensure_loaded (strata_step_get_script (step), error))
        return NULL;
      replay |= graph != NULL && step_needs_inverse (step);
    }

  if (replay &&
      !(state = _strata_model_replay_lenient_for_dialect (graph,
                                                          strata_step_get_heads_after (strata_plan_get_step (plan, n_steps - 1)),
                                                          NULL, dialect, error)))
    return NULL;

  /* Backwards: a downgrade plan read from its end is an upgrade order.
   * The error reported is that of the first step to run that has one, as
   * a run would report it. */
  for (guint i = n_steps; i > 0; i--)
    {
      StrataStep *step = strata_plan_get_step (plan, i - 1);
      g_autoptr(GError) local_error = NULL;

      if (!(all->pdata[i - 1] = step_operations (step, state, NULL, dialect, &local_error)))
        {
          g_clear_error (&first_error);
          first_error = g_steal_pointer (&local_error);
        }

      if (state != NULL && !advance (state, strata_step_get_script (step), error))
        return NULL;
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return NULL;
    }

  return g_steal_pointer (&all);
}

/* }}} */

/* Lint over the graph {{{ */

/**
 * strata_lint_downgrade_does_nothing:
 * @script: a loaded revision
 *
 * Whether @script says `"downgrade": []` while its upgrade does something:
 * a downgrade past it then reports success and leaves every change in place
 * (an absent key would have meant the computed inverse).
 *
 * Returns: %TRUE for an explicitly empty downgrade of a non-empty upgrade
 */
gboolean
strata_lint_downgrade_does_nothing (StrataScript *script)
{
  GPtrArray *upgrade;
  GPtrArray *downgrade;

  g_return_val_if_fail (STRATA_IS_SCRIPT (script), FALSE);

  upgrade = strata_script_get_upgrade (script);
  downgrade = strata_script_get_downgrade (script);
  return upgrade != NULL && upgrade->len > 0 && downgrade != NULL && downgrade->len == 0;
}

/**
 * strata_lint_scripts:
 * @graph: the graph
 * @scripts: (element-type StrataScript): revisions of @graph, parents first
 * @error: return location for a #GError
 *
 * strata_lint_script() for each of @scripts. The schema before a revision
 * with one parent is the schema after that parent, when that is the
 * revision linted just before (the usual case, in the graph's order): a
 * history is replayed once, not once per revision.
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings
 */
GPtrArray *
strata_lint_scripts (StrataGraph  *graph,
                     GPtrArray    *scripts,
                     GError      **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);
  g_autoptr(StrataModel) state = NULL;
  StrataScript *previous = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (scripts != NULL, NULL);

  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      const char * const *parents;
      const char * const *depends;
      g_autoptr(GPtrArray) findings = NULL;
      GPtrArray *upgrade;

      if (!strata_script_ensure_loaded (script, error))
        return NULL;

      parents = strata_script_get_down_revisions (script);
      depends = strata_script_get_depends_on (script);
      if (state == NULL || previous == NULL ||
          parents == NULL || parents[0] == NULL || parents[1] != NULL ||
          (depends != NULL && depends[0] != NULL) ||
          !g_str_equal (parents[0], strata_script_get_revision (previous)))
        {
          g_clear_pointer (&state, strata_model_unref);
          if (!(state = _strata_model_replay_lenient (graph, NULL, script, error)))
            return NULL;
        }

      upgrade = strata_script_get_upgrade (script);
      if (upgrade != NULL)
        {
          /* Names exact as a replay checks them, op by op (the state is
           * advanced by the lint below, which does not check them). */
          g_autoptr(StrataModel) probe = _strata_model_copy_shared (state);

          for (guint j = 0; j < upgrade->len; j++)
            {
              g_autoptr(GError) local_error = NULL;

              if (!_strata_model_check_exact_names (probe, g_ptr_array_index (upgrade, j), error))
                {
                  g_autofree char *what = _strata_describe_revision (script);

                  g_prefix_error (error, "%s: upgrade[%u]: ", what, j);
                  return NULL;
                }
              if (!strata_model_apply_op (probe, g_ptr_array_index (upgrade, j), &local_error))
                g_debug ("%s: upgrade[%u]: not replayed: %s",
                         strata_script_get_revision (script), j, local_error->message);
            }
        }
      if (upgrade != NULL)
        findings = _strata_lint_ops_advance (upgrade, state, strata_script_get_downgrade (script) != NULL);
      if (strata_lint_downgrade_does_nothing (script))
        {
          StrataLintFinding *finding = g_new0 (StrataLintFinding, 1);

          finding->kind = STRATA_LINT_IRREVERSIBLE;
          finding->where = g_strdup ("downgrade");
          finding->operation = g_strdup ("\"downgrade\": []");
          finding->message = g_strdup (_(STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE));
          finding->revision = g_strdup (strata_script_get_revision (script));
          g_ptr_array_add (all, finding);
        }

      for (guint j = 0; findings != NULL && j < findings->len; j++)
        {
          StrataLintFinding *finding = g_steal_pointer (&findings->pdata[j]);

          finding->revision = g_strdup (strata_script_get_revision (script));
          g_ptr_array_add (all, finding);
        }
      if (findings != NULL)
        g_ptr_array_set_size (findings, 0);

      previous = script;
    }

  return g_steal_pointer (&all);
}

/* For both dialects (@dialect NULL) or for one */
static GPtrArray *
lint_script (StrataGraph          *graph,
             StrataScript         *script,
             const StrataDialect  *dialect,
             GError              **error)
{
  g_autoptr(StrataModel) before = NULL;
  GPtrArray *findings;
  GPtrArray *upgrade;
  gboolean has_downgrade;

  if (!strata_script_ensure_loaded (script, error) ||
      !(before = _strata_model_replay_lenient (graph, NULL, script, error)))
    return NULL;

  upgrade = strata_script_get_upgrade (script);
  if (upgrade == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);

  has_downgrade = strata_script_get_downgrade (script) != NULL;
  if (dialect != NULL)
    findings = strata_lint_ops_for_dialect (upgrade, before, has_downgrade, *dialect);
  else
    findings = strata_lint_ops (upgrade, before, has_downgrade);
  if (strata_lint_downgrade_does_nothing (script))
    {
      StrataLintFinding *finding = g_new0 (StrataLintFinding, 1);

      finding->kind = STRATA_LINT_IRREVERSIBLE;
      finding->where = g_strdup ("downgrade");
      finding->operation = g_strdup ("\"downgrade\": []");
      finding->message = g_strdup (_(STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE));
      g_ptr_array_add (findings, finding);
    }
  for (guint i = 0; i < findings->len; i++)
    {
      StrataLintFinding *finding = g_ptr_array_index (findings, i);
      finding->revision = g_strdup (strata_script_get_revision (script));
    }

  return findings;
}

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
  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  return lint_script (graph, script, NULL, error);
}

/**
 * strata_lint_script_for_dialect:
 * @graph: the revision graph
 * @script: the revision
 * @dialect: the dialect whose findings are wanted
 * @error: return location for a #GError
 *
 * strata_lint_script() for one dialect: what happens there only.
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings,
 *   or %NULL with @error set
 */
GPtrArray *
strata_lint_script_for_dialect (StrataGraph    *graph,
                                StrataScript   *script,
                                StrataDialect   dialect,
                                GError        **error)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  return lint_script (graph, script, &dialect, error);
}

/* }}} */

/**
 * strata_model_new_before_revision_for_dialect:
 * @graph: the revision graph
 * @script: the revision
 * @dialect: the #StrataDialect whose schema to replay, or -1 for the
 *   portable schema
 * @error: return location for a #GError
 *
 * Like strata_model_new_before_revision(), the schema of @dialect just
 * before @script's upgrade: what its step starts from.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_model_new_before_revision_for_dialect (StrataGraph   *graph,
                                              StrataScript  *script,
                                              int            dialect,
                                              GError       **error)
{
  const char *heads[] = { NULL, NULL };
  g_autoptr(GHashTable) applied = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  heads[0] = strata_script_get_revision (script);
  if (!(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  return replay (graph, applied, script, FALSE, dialect, error);
}
