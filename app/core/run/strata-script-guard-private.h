/* strata-script-guard-private.h: what makes a --sql script safe to run by hand
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

/* Before anything else: PostgreSQL takes the run's advisory lock (the key an
 * online run takes for @lock_name, so a script and a deploy never overlap);
 * SQLite gets the temporary table and trigger the checks use. Then the
 * history table, if missing. */
void _strata_guard_append_prologue (GString             *out,
                                    StrataDialect        dialect,
                                    const char          *lock_name,
                                    const char          *history_table);
/* A migration's first statement: the version table must hold exactly
 * @heads_before, else PostgreSQL raises (and the transaction is aborted)
 * and SQLite's INSERT fails. */
void _strata_guard_append_check    (GString             *out,
                                    StrataDialect        dialect,
                                    const char          *version_table,
                                    const char * const  *heads_before,
                                    StrataStep          *step);
/* The history row an online run writes for @step. */
void _strata_guard_append_history  (GString             *out,
                                    StrataDialect        dialect,
                                    const char          *history_table,
                                    StrataStep          *step);
void _strata_guard_append_epilogue (GString             *out,
                                    StrataDialect        dialect,
                                    const char          *lock_name);

G_END_DECLS
