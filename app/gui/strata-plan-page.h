/* strata-plan-page.h: review a plan step by step, apply it, watch it run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PLAN_PAGE (strata_plan_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataPlanPage, strata_plan_page, STRATA, PLAN_PAGE, AdwBin)

/**
 * StrataPlanTarget:
 * @STRATA_PLAN_TARGET_HEAD: upgrade to the one head
 * @STRATA_PLAN_TARGET_HEADS: upgrade to every head
 * @STRATA_PLAN_TARGET_REVISION: up or down to the revision selected in the graph
 * @STRATA_PLAN_TARGET_STEP_BACK: downgrade one revision
 * @STRATA_PLAN_TARGET_BASE: downgrade everything
 *
 * In the order of the target drop-down.
 */
typedef enum
{
  STRATA_PLAN_TARGET_HEAD,
  STRATA_PLAN_TARGET_HEADS,
  STRATA_PLAN_TARGET_REVISION,
  STRATA_PLAN_TARGET_STEP_BACK,
  STRATA_PLAN_TARGET_BASE,
} StrataPlanTarget;

GtkWidget        *strata_plan_page_new                   (void);
/* What the plans are for: the project view's session (its project, graph,
 * profile and open connection; plans, reviews and runs go through it) and
 * the version-table rows read from it (NULL while unknown). */
void              strata_plan_page_set_context           (StrataPlanPage      *self,
                                                          StrataSession       *session,
                                                          const char * const  *current_heads);
/* The user's store (NULL without one): each run is logged in it. */
void              strata_plan_page_set_store             (StrataPlanPage      *self,
                                                          StrataStore         *store);
void              strata_plan_page_set_selected_revision (StrataPlanPage      *self,
                                                          const char          *revision);
StrataPlanTarget  strata_plan_page_get_target            (StrataPlanPage      *self);
void              strata_plan_page_set_target            (StrataPlanPage      *self,
                                                          StrataPlanTarget     target);
/* The plan on show, or NULL. */
StrataPlan       *strata_plan_page_get_plan              (StrataPlanPage      *self);
/* Whether a step of the plan has a destructive lint finding (drops or
 * otherwise loses data) or cannot run. */
gboolean          strata_plan_page_get_reviewing         (StrataPlanPage      *self);
guint             strata_plan_page_get_n_reviewed        (StrataPlanPage      *self);
gboolean          strata_plan_page_get_destructive       (StrataPlanPage      *self);
gboolean          strata_plan_page_get_running           (StrataPlanPage      *self);
gboolean          strata_plan_page_get_checking          (StrataPlanPage      *self);
/* The steps on show (one item per step) and their rows */
GListModel       *strata_plan_page_get_steps             (StrataPlanPage      *self);
gboolean          strata_plan_page_expand_step           (StrataPlanPage      *self,
                                                          const char          *revision);
const char       *strata_plan_page_get_step_sql          (StrataPlanPage      *self,
                                                          const char          *revision);
/* The text of the live log. */
char             *strata_plan_page_dup_log               (StrataPlanPage      *self);

/* Signals:
 *   "finished" (gboolean success, const char *message): a run ended; the
 *   database changed, so its state must be read again.
 *   "stale" (const char *message): Apply refused, since files of the plan
 *   changed after it was reviewed; the project must be read again. */

G_END_DECLS
