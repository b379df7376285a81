/* strata-adopt.h: adopting a live database (inspect, baseline)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

/* The schema of @migrator's database as schema.json describes one, without
 * the migrator's version and history tables. */
StrataModel  *strata_adopt_inspect          (StrataMigrator      *migrator,
                                             GCancellable        *cancellable,
                                             GError             **error);
/* @model as schema.json text (indented, one trailing newline). */
char         *strata_adopt_model_to_data    (StrataModel         *model);
/* Writes @model to @file (replacing it atomically). */
gboolean      strata_adopt_write_model      (StrataModel         *model,
                                             GFile               *file,
                                             GError             **error);
/* A first revision @revision whose upgrade creates @live exactly (checked
 * by replaying it); its downgrade is the computed inverse. Errors when
 * @live holds something no operation expresses. */
StrataScript *strata_adopt_baseline_script  (StrataModel         *live,
                                             const char          *revision,
                                             const char          *message,
                                             GError             **error);
/* The whole of `strata baseline`: refuses a project that has revisions or
 * a database that has a version row, reads the live schema, writes the
 * revision into @migrations_dir (@file: where) and stamps the database at it
 * with a history row. @migrator's graph is replaced by one that holds the
 * new revision. */
StrataScript *strata_adopt_baseline         (StrataMigrator      *migrator,
                                             GFile               *migrations_dir,
                                             const char          *revision,
                                             const char          *message,
                                             GFile              **file,
                                             GCancellable        *cancellable,
                                             GError             **error);

G_END_DECLS
