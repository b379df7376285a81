/* strata-plan-file.h: a reviewed plan (plan.json) and the hash of its inputs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PLAN_FILE (strata_plan_file_get_type ())

G_DECLARE_FINAL_TYPE (StrataPlanFile, strata_plan_file, STRATA, PLAN_FILE, GObject)

/*
 * A plan with the exact statements of each step for one dialect, as
 * `strata plan TARGET -o plan.json` writes it for review and `upgrade --sql
 * --json` prints it. Made for a database (strata_plan_file_new_for_database)
 * it also holds the inputs it was made from: the migration files (their
 * checksums), the database (where it is, its version rows, its schema) and
 * the dialect, with one hash over them all. `strata apply plan.json` makes
 * the plan again from what is there now and runs it only when every input
 * is the same.
 */

/* From @plan alone (no database): its steps rendered for @dialect. */
StrataPlanFile *strata_plan_file_new                 (StrataGraph         *graph,
                                                      StrataPlan          *plan,
                                                      StrataDialect        dialect,
                                                      GError             **error);
/* For @migrator's database: reads its version rows and schema, plans
 * @direction to @target from them and records the inputs. */
StrataPlanFile *strata_plan_file_new_for_database    (StrataMigrator      *migrator,
                                                      StrataDirection      direction,
                                                      const char          *target,
                                                      GCancellable        *cancellable,
                                                      GError             **error);
StrataPlanFile *strata_plan_file_load                (GFile               *file,
                                                      GError             **error);
gboolean        strata_plan_file_save                (StrataPlanFile      *self,
                                                      GFile               *file,
                                                      GError             **error);
JsonNode       *strata_plan_file_to_json             (StrataPlanFile      *self);

/* NULL for a loaded plan. */
StrataPlan     *strata_plan_file_get_plan            (StrataPlanFile      *self);
StrataDirection strata_plan_file_get_direction       (StrataPlanFile      *self);
const char     *strata_plan_file_get_target          (StrataPlanFile      *self);
/* The hash of the inputs (hex SHA-256), or NULL without a database. */
const char     *strata_plan_file_get_hash            (StrataPlanFile      *self);
guint           strata_plan_file_get_n_steps         (StrataPlanFile      *self);

/* STRATA_ERROR_DIFFERENCES naming each input of @reviewed that @now does
 * not share (files, database, version rows, schema, dialect, statements). */
gboolean        strata_plan_file_verify              (StrataPlanFile      *reviewed,
                                                      StrataPlanFile      *now,
                                                      GError             **error);

G_END_DECLS
