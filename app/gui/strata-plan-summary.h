/* strata-plan-summary.h: what a plan risks, counted, above its steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

typedef enum
{
  STRATA_PLAN_RISK_DESTRUCTIVE,
  STRATA_PLAN_RISK_LOCKING,
  STRATA_PLAN_RISK_NON_TRANSACTIONAL,
  STRATA_PLAN_RISK_DATA_DEPENDENT,
  STRATA_PLAN_N_RISKS,
} StrataPlanRisk;

#define STRATA_TYPE_PLAN_SUMMARY (strata_plan_summary_get_type ())
G_DECLARE_FINAL_TYPE (StrataPlanSummary, strata_plan_summary, STRATA, PLAN_SUMMARY, AdwBin)

GtkWidget *strata_plan_summary_new          (void);
/* Reviews @plan through @session (strata_session_review_plan_async) and
 * shows the counts; NULL @plan shows nothing. */
void       strata_plan_summary_set_plan     (StrataPlanSummary *self,
                                             StrataSession     *session,
                                             StrataPlan        *plan,
                                             StrataDialect      dialect);
/* Counts the steps of @reviews (StrataStepReview) at each risk. */
void       strata_plan_summary_set_reviews  (StrataPlanSummary *self,
                                             GPtrArray         *reviews);
gboolean   strata_plan_summary_get_reviewing (StrataPlanSummary *self);
/* Steps at @risk in the last reviews */
guint      strata_plan_summary_get_count    (StrataPlanSummary *self,
                                             StrataPlanRisk     risk);
/* Whether @step of a review is at @risk */
gboolean   strata_plan_risk_applies         (StrataPlanRisk     risk,
                                             StrataStepReview  *review);

G_END_DECLS
