/* strata-graph.h: the revision DAG with Alembic's semantics
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

#define STRATA_TYPE_GRAPH (strata_graph_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraph, strata_graph, STRATA, GRAPH, GObject)

/* The meaning of every target and the rows of the version table after each
 * step follow Alembic's RevisionMap and HeadMaintainer (see strata-graph.c for
 * the few places where Strata refuses what Alembic only warns about).
 *
 * Builds and validates the graph from StrataScript objects (@scripts in file
 * order). A duplicate revision id, a missing parent, an unknown depends_on, a
 * duplicate branch label (or one equal to a revision id), a cycle or a
 * dependency cycle is STRATA_ERROR_GRAPH naming the revision and its file.
 *
 * A graph is immutable once made: every call below only reads it (searches
 * use their own scratch space), so it may be read from several threads at
 * once, e.g. replayed or linted in a worker thread while the main thread
 * shows it. Its scripts may read their operations lazily (a revision from
 * the project's index); StrataScript guards that with a lock. */
StrataGraph        *strata_graph_new                 (GPtrArray           *scripts,
                                                      GError             **error);

/* (transfer full) The broken revisions (strata_script_get_error()):
 * those in the graph, then files whose place could not be read. */
GPtrArray          *strata_graph_get_broken          (StrataGraph         *self);

guint               strata_graph_get_n_revisions     (StrataGraph         *self);
/* (transfer none) All scripts, topologically sorted: every script after its
 * down revisions and its depends_on; ties broken by file order. */
GPtrArray          *strata_graph_get_scripts         (StrataGraph         *self);
/* (transfer none) An exact revision id, or NULL. */
StrataScript       *strata_graph_lookup              (StrataGraph         *self,
                                                      const char          *revision);
/* (transfer none) A full id, a unique prefix of >= 4 characters, or a branch
 * label (which means the revision carrying the label). Errors:
 * STRATA_ERROR_UNKNOWN_REVISION, STRATA_ERROR_AMBIGUOUS. */
StrataScript       *strata_graph_resolve             (StrataGraph         *self,
                                                      const char          *id,
                                                      GError             **error);

/* (transfer full) Arrays of StrataScript sorted by revision id. Heads are
 * Alembic's: revisions no other names as down_revision (a revision another
 * one only depends_on is still a head; the `heads` target excludes it). */
GPtrArray          *strata_graph_get_heads           (StrataGraph         *self);
GPtrArray          *strata_graph_get_bases           (StrataGraph         *self);
GPtrArray          *strata_graph_get_children        (StrataGraph         *self,
                                                      StrataScript        *script);
/* Revisions that list @script in depends_on. */
GPtrArray          *strata_graph_get_dependents      (StrataGraph         *self,
                                                      StrataScript        *script);
gboolean            strata_graph_is_branch_point     (StrataGraph         *self,
                                                      StrataScript        *script);
/* The branch labels that apply to a revision (its own and inherited ones). */
char              **strata_graph_dup_labels_for      (StrataGraph         *self,
                                                      StrataScript        *script);

/* Targets: head, heads, base, REV, PREFIX, LABEL, label@head, label@heads,
 * label@base, label@REV, +N, -N, REV+N, REV-N, label@+N, label@-N, and "" or
 * NULL meaning head. The result is the sorted revisions the target stands for
 * (empty for base). Relative targets are resolved against @current_heads. */
char              **strata_graph_resolve_target      (StrataGraph         *self,
                                                      const char * const  *current_heads,
                                                      const char          *target,
                                                      StrataDirection      direction,
                                                      GError             **error);

/* Plans from the current version-table rows to a target, in Alembic's
 * order, each step carrying the rows before and after it. Upgrading to a
 * revision applies its ancestors and depends_on, not sibling branches;
 * downgrading to a revision removes what comes after it, including through
 * depends_on. An upgrade target already behind the current state, a
 * downgrade target that is not below it, or a relative target that walks out
 * of the history is STRATA_ERROR_INVALID_ARGUMENT; version rows of which one
 * is below another (only a stamp leaves that) are STRATA_ERROR_STATE for an
 * upgrade, as in Alembic. */
StrataPlan         *strata_graph_plan_upgrade        (StrataGraph         *self,
                                                      const char * const  *current_heads,
                                                      const char          *target,
                                                      GError             **error);
StrataPlan         *strata_graph_plan_downgrade      (StrataGraph         *self,
                                                      const char * const  *current_heads,
                                                      const char          *target,
                                                      GError             **error);
/* The version-table rows after `stamp TARGET` (as Alembic's stamp; with
 * @purge the current rows are ignored). */
char              **strata_graph_plan_stamp          (StrataGraph         *self,
                                                      const char * const  *current_heads,
                                                      const char          *target,
                                                      gboolean             purge,
                                                      GError             **error);

/* For `history -r A:B`: the scripts between @lower and @upper (either may be
 * NULL meaning base/heads; both accept targets), newest first, as Alembic's
 * iterate_revisions. */
GPtrArray          *strata_graph_range               (StrataGraph         *self,
                                                      const char * const  *current_heads,
                                                      const char          *lower,
                                                      const char          *upper,
                                                      GError             **error);

/* All revisions applied when the version table holds @heads (the heads and
 * everything they need): revision id -> StrataScript. */
GHashTable         *strata_graph_dup_applied         (StrataGraph         *self,
                                                      const char * const  *heads,
                                                      GError             **error);

G_END_DECLS
