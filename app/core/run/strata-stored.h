/* strata-stored.h: applied revisions kept in the history table, for a
 * rollback after their files are gone
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

/*
 * When a revision is applied, its history row keeps a copy of it (the
 * revision as its file had it) with its downgrade: the operations and the
 * SQL rendered for that database. When the file is gone (another git branch
 * is checked out), the copy stands in for it: `downgrade` can still take the
 * revision back, and `current`, `history` and `log` name it.
 */

/* The applied revisions that @migrator's graph lacks, rebuilt from their
 * stored copies ((element-type StrataScript); strata_script_get_file () is
 * %NULL for them). Empty for a database without stored copies. */
GPtrArray      *strata_stored_read_scripts        (StrataMigrator   *migrator,
                                                   GCancellable     *cancellable,
                                                   GError          **error);
/* @migrator itself when nothing applied is missing from its graph, else a
 * migrator like it (same driver and settings) whose graph has the stored
 * copies too. */
StrataMigrator *strata_stored_dup_migrator        (StrataMigrator   *migrator,
                                                   GCancellable     *cancellable,
                                                   GError          **error);
/* Whether @script is a stored copy (its file is absent). */
gboolean        strata_stored_is_copy             (StrataScript     *script);

G_END_DECLS
