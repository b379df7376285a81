/* strata-stored-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-model.h"
#include "strata-stored.h"

G_BEGIN_DECLS

/* The history table's "downgrade" value for an applied @script: JSON with
 * the revision ("script"), its downgrade operations ("operations": the file's,
 * or the inverse computed from @state, the schema before it, when given)
 * and their SQL for @dialect ("sql", when it renders without the live
 * schema). NULL when the script cannot be written out. */
char *_strata_stored_render             (StrataScript    *script,
                                         StrataModel     *state,
                                         StrataDialect    dialect);
/* A migrator like @migrator (same driver and settings) over @graph. */
StrataMigrator *_strata_stored_migrator_for_graph (StrataMigrator *migrator,
                                                   StrataGraph    *graph);
/* The quoted (schema-qualified) name of one of @migrator's tables. */
char *_strata_stored_quote_table        (StrataMigrator  *migrator,
                                         const char      *table);

G_END_DECLS
