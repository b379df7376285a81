/* strata-lint.h: risk analysis of migration operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <glib-object.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

/**
 * StrataLintKind:
 * @STRATA_LINT_DESTRUCTIVE: the operation can lose data (drops, type changes, raw SQL that deletes)
 * @STRATA_LINT_IRREVERSIBLE: downgrading past the operation is impossible
 * @STRATA_LINT_LOCKING: the operation holds a lock that blocks the table's
 *   readers or writers while it scans or rewrites it
 * @STRATA_LINT_DATA_DEPENDENT: the operation fails if the rows in the table
 *   do not already satisfy it (NOT NULL, unique, check, foreign key)
 * @STRATA_LINT_DIALECT_DEPENDENT: the operation means something different
 *   on SQLite and on PostgreSQL (an integer primary key without
 *   autoincrement numbers itself on SQLite only)
 */
typedef enum
{
  STRATA_LINT_DESTRUCTIVE,
  STRATA_LINT_IRREVERSIBLE,
  STRATA_LINT_LOCKING,
  STRATA_LINT_DATA_DEPENDENT,
  STRATA_LINT_DIALECT_DEPENDENT,
} StrataLintKind;

#define STRATA_TYPE_LINT_FINDING (strata_lint_finding_get_type ())

typedef struct _StrataLintFinding StrataLintFinding;

struct _StrataLintFinding
{
  StrataLintKind  kind;
  /* The revision, or NULL for operations linted on their own. */
  char           *revision;
  /* "upgrade[3]" */
  char           *where;
  /* strata_op_describe() of the operation */
  char           *operation;
  /* One sentence: what can go wrong and what to do instead. */
  char           *message;
};

GType               strata_lint_finding_get_type  (void) G_GNUC_CONST;
void                strata_lint_finding_free      (StrataLintFinding  *finding);
StrataLintFinding  *strata_lint_finding_copy      (StrataLintFinding  *finding);
/* "destructive", "irreversible", "locking", "data-dependent",
 * "dialect-dependent" */
const char         *strata_lint_kind_to_string    (StrataLintKind      kind);
/* "REVISION upgrade[3]: destructive: drop table account: MESSAGE" */
char               *strata_lint_finding_format    (StrataLintFinding  *finding);

/* Findings for @ops applied to @state (the schema before them, not
 * changed; NULL when unknown). Tables created by the same operations are
 * new and empty: locks and data checks on them are not findings.
 * @reversible is whether the migration has a downgrade of its own (then
 * nothing is irreversible). (element-type StrataLintFinding) */
GPtrArray          *strata_lint_ops               (GPtrArray          *ops,
                                                   StrataModel        *state,
                                                   gboolean            has_downgrade);
/* The same for one dialect: what happens there only (an index build locks
 * on PostgreSQL, a table rebuild copies rows on SQLite, raw SQL is read in
 * that dialect's text). strata_lint_ops speaks for both. */
GPtrArray          *strata_lint_ops_for_dialect   (GPtrArray          *ops,
                                                   StrataModel        *state,
                                                   gboolean            has_downgrade,
                                                   StrataDialect       dialect);
/* The same, replaying @ops on @state itself (then the schema after them):
 * for walking a plan step by step. */
GPtrArray          *strata_lint_ops_advance       (GPtrArray          *ops,
                                                   StrataModel        *state,
                                                   gboolean            has_downgrade,
                                                   StrataDialect       dialect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLintFinding, strata_lint_finding_free)

G_END_DECLS
