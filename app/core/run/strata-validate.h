/* strata-validate.h: applied revisions against their files (validate, repair)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

/**
 * StrataValidateKind:
 * @STRATA_VALIDATE_EDITED: an applied revision's file changed since it was
 *   applied (its checksum differs from the one recorded)
 * @STRATA_VALIDATE_MISSING: an applied revision has no file (another branch
 *   is checked out, or it was deleted)
 * @STRATA_VALIDATE_FAILED: a history row of a failed or cancelled attempt
 *   (not an error: `repair` removes it)
 */
typedef enum
{
  STRATA_VALIDATE_EDITED,
  STRATA_VALIDATE_MISSING,
  STRATA_VALIDATE_FAILED,
} StrataValidateKind;

typedef struct
{
  StrataValidateKind  kind;
  char               *revision;
  /* The history row at issue: the row that applied the revision (edited,
   * missing) or the failed attempt. NULL for a version-table row that has
   * no history. */
  char               *history_id;
  char               *when;
  char               *recorded_checksum;
  char               *file_checksum;
  /* The revision's file, as messages name it, or NULL when absent. */
  char               *path;
  /* One line for a person. */
  char               *message;
} StrataValidateIssue;

#define STRATA_TYPE_VALIDATE_ISSUE (strata_validate_issue_get_type ())
GType                strata_validate_issue_get_type (void) G_GNUC_CONST;
StrataValidateIssue *strata_validate_issue_copy     (const StrataValidateIssue *issue);
void       strata_validate_issue_free (StrataValidateIssue  *issue);
const char *strata_validate_kind_to_string (StrataValidateKind kind);

/* Every applied revision's recorded checksum against its file, then the
 * failed attempts; (element-type StrataValidateIssue). */
GPtrArray *strata_validate            (StrataMigrator       *migrator,
                                       GCancellable         *cancellable,
                                       GError              **error);
/* What upgrade and downgrade check first: STRATA_ERROR_DIFFERENCES naming
 * each edited revision (a missing file is no refusal: downgrade uses the
 * stored copy). */
gboolean   strata_validate_before_run (StrataMigrator       *migrator,
                                       GCancellable         *cancellable,
                                       GError              **error);
/* Re-records the file checksum of each edited revision and deletes the
 * rows of failed attempts, in one transaction. Missing files are left:
 * nothing is known to re-record. */
gboolean   strata_repair              (StrataMigrator       *migrator,
                                       GPtrArray            *issues,
                                       GCancellable         *cancellable,
                                       GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataValidateIssue, strata_validate_issue_free)

G_END_DECLS
