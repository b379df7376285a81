/* strata-replay.h: the schema a revision graph describes, and what a step
 * of a plan runs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

/* The schema when the version table holds @heads: the upgrade operations of
 * every applied revision, in the graph's order. Errors name the revision,
 * its file and the operation. */
StrataModel *strata_model_new_for_heads       (StrataGraph         *graph,
                                               const char * const  *heads,
                                               GError             **error);
/* Like strata_model_new_for_heads(), the schema of @dialect (-1: the
 * portable schema, without operations restricted by "dialects"). */
StrataModel *strata_model_new_for_heads_for_dialect (StrataGraph         *graph,
                                                     const char * const  *heads,
                                                     int                  dialect,
                                                     GError             **error);
/* The schema just before @script's upgrade (its ancestors and depends_on). */
StrataModel *strata_model_new_before_revision (StrataGraph         *graph,
                                               StrataScript        *script,
                                               GError             **error);

/* The same, for the schema of @dialect (-1: the portable schema). */
StrataModel *strata_model_new_before_revision_for_dialect (StrataGraph   *graph,
                                                           StrataScript  *script,
                                                           int            dialect,
                                                           GError       **error);

/* The operations @step runs: the one place that decides it, for running,
 * offline SQL, lint and plan review. An upgrade runs the script's upgrade;
 * a downgrade its downgrade, or else the inverse of its upgrade computed
 * from the schema before it (replayed from @graph when given, else from the
 * operations alone). (element-type StrataOp) */
GPtrArray   *strata_step_dup_operations       (StrataStep          *step,
                                               StrataGraph         *graph,
                                               GError             **error);

/* strata_step_dup_operations() for every step of @plan, with one replay of
 * the history for the whole plan (each step's schema from the previous
 * one's): linear in the plan's length. (element-type GPtrArray) */
GPtrArray   *strata_plan_dup_operations       (StrataPlan          *plan,
                                               StrataGraph         *graph,
                                               GError             **error);

/* The same, for the schema of @dialect (-1: none in particular). */
GPtrArray   *strata_plan_dup_operations_for_dialect (StrataPlan          *plan,
                                                     StrataGraph         *graph,
                                                     int                  dialect,
                                                     GError             **error);

/* The findings of @scripts' upgrades (in an order where parents come
 * first), each with the schema replayed up to it, replaying the history
 * once. (element-type StrataLintFinding) */
GPtrArray   *strata_lint_scripts              (StrataGraph         *graph,
                                               GPtrArray           *scripts,
                                               GError             **error);

/* The same, for the schema of @dialect (-1: none in particular). */
GPtrArray   *strata_step_dup_operations_for_dialect (StrataStep          *step,
                                                     StrataGraph         *graph,
                                                     int                  dialect,
                                                     GError             **error);

/* What lint and `show` say of an explicitly empty downgrade. */
#define STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE \
  "downgrade does nothing: the upgrade's changes stay after a downgrade; remove the \"downgrade\" key " \
  "to run the computed inverse, or write the operations that undo the upgrade"

gboolean     strata_lint_downgrade_does_nothing (StrataScript        *script);

/* The findings of @script's upgrade with the schema replayed from @graph
 * up to it, for both dialects or for one. (element-type StrataLintFinding) */
GPtrArray   *strata_lint_script               (StrataGraph         *graph,
                                               StrataScript        *script,
                                               GError             **error);
GPtrArray   *strata_lint_script_for_dialect   (StrataGraph         *graph,
                                               StrataScript        *script,
                                               StrataDialect        dialect,
                                               GError             **error);

G_END_DECLS
