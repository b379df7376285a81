/* strata-plan.h: an ordered list of migration steps
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

#define STRATA_TYPE_STEP (strata_step_get_type ())
#define STRATA_TYPE_PLAN (strata_plan_get_type ())

G_DECLARE_FINAL_TYPE (StrataStep, strata_step, STRATA, STEP, GObject)
G_DECLARE_FINAL_TYPE (StrataPlan, strata_plan, STRATA, PLAN, GObject)

/* A step runs one script up or down. heads_before/heads_after are the rows of
 * the version table (sorted, NULL-terminated) before and after the step, so
 * the migrator can update the table by set difference and can tell whether
 * another process already applied the step. */
StrataStep         *strata_step_new                (StrataScript        *script,
                                                    StrataDirection      direction,
                                                    const char * const  *heads_before,
                                                    const char * const  *heads_after);
StrataScript       *strata_step_get_script         (StrataStep          *self);
StrataDirection     strata_step_get_direction      (StrataStep          *self);
const char         *strata_step_get_revision       (StrataStep          *self);
const char * const *strata_step_get_heads_before   (StrataStep          *self);
const char * const *strata_step_get_heads_after    (StrataStep          *self);
/* Rows to delete and to insert (heads_before - heads_after and the reverse). */
char              **strata_step_dup_removed_heads  (StrataStep          *self);
char              **strata_step_dup_added_heads    (StrataStep          *self);

/* A plan is a GListModel of StrataStep. */
StrataPlan         *strata_plan_new                (StrataDirection      direction,
                                                    const char          *target,
                                                    const char * const  *heads_before);
void                strata_plan_append             (StrataPlan          *self,
                                                    StrataStep          *step);
StrataDirection     strata_plan_get_direction      (StrataPlan          *self);
const char         *strata_plan_get_target         (StrataPlan          *self);
guint               strata_plan_get_n_steps        (StrataPlan          *self);
StrataStep         *strata_plan_get_step           (StrataPlan          *self,
                                                    guint                position);
const char * const *strata_plan_get_heads_before   (StrataPlan          *self);
/* heads after the last step (heads_before if the plan is empty) */
const char * const *strata_plan_get_heads_after    (StrataPlan          *self);

/* Sorted, deduplicated copy of a heads vector (NULL gives an empty vector). */
char              **strata_heads_normalize         (const char * const  *heads);
gboolean            strata_heads_equal             (const char * const  *a,
                                                    const char * const  *b);

G_END_DECLS
