/* strata-fleet.h: one reviewed plan applied to several databases
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-session.h"

G_BEGIN_DECLS

/**
 * StrataFleetStatus:
 * @STRATA_FLEET_STATUS_PENDING: not run yet
 * @STRATA_FLEET_STATUS_RUNNING: being read or applied
 * @STRATA_FLEET_STATUS_APPLIED: the plan was applied
 * @STRATA_FLEET_STATUS_UP_TO_DATE: the database was already where the plan leads
 * @STRATA_FLEET_STATUS_FAILED: the database could not be reached, was not where the plan starts, or a step failed
 * @STRATA_FLEET_STATUS_SKIPPED: not run: an earlier database failed (stop on failure) or the run was cancelled
 *
 * Where one database of a fleet is.
 */
typedef enum
{
  STRATA_FLEET_STATUS_PENDING,
  STRATA_FLEET_STATUS_RUNNING,
  STRATA_FLEET_STATUS_APPLIED,
  STRATA_FLEET_STATUS_UP_TO_DATE,
  STRATA_FLEET_STATUS_FAILED,
  STRATA_FLEET_STATUS_SKIPPED,
} StrataFleetStatus;

/**
 * StrataFleetPolicy:
 * @STRATA_FLEET_STOP_ON_FAILURE: the databases after a failed one are not run
 * @STRATA_FLEET_CONTINUE: every database is run whatever happened to the others
 *
 * What a fleet does after a database failed.
 */
typedef enum
{
  STRATA_FLEET_STOP_ON_FAILURE,
  STRATA_FLEET_CONTINUE,
} StrataFleetPolicy;

#define STRATA_TYPE_FLEET_MEMBER (strata_fleet_member_get_type ())
G_DECLARE_FINAL_TYPE (StrataFleetMember, strata_fleet_member, STRATA, FLEET_MEMBER, GObject)

StrataProfile     *strata_fleet_member_get_profile  (StrataFleetMember  *self);
StrataFleetStatus  strata_fleet_member_get_status   (StrataFleetMember  *self);
const char        *strata_fleet_member_get_message  (StrataFleetMember  *self);

#define STRATA_TYPE_FLEET (strata_fleet_get_type ())
G_DECLARE_FINAL_TYPE (StrataFleet, strata_fleet, STRATA, FLEET, GObject)

StrataFleet       *strata_fleet_new                 (StrataSession      *session,
                                                     StrataPlan         *plan);
StrataPlan        *strata_fleet_get_plan            (StrataFleet        *self);
StrataFleetMember *strata_fleet_add_profile         (StrataFleet        *self,
                                                     StrataProfile      *profile);
GListModel        *strata_fleet_get_members         (StrataFleet        *self);
guint              strata_fleet_count               (StrataFleet        *self,
                                                     StrataFleetStatus   status);
char              *strata_fleet_dup_summary         (StrataFleet        *self);

gboolean           strata_fleet_apply               (StrataFleet        *self,
                                                     StrataFleetPolicy   policy,
                                                     GCancellable       *cancellable,
                                                     GError            **error);
void               strata_fleet_apply_async         (StrataFleet        *self,
                                                     StrataFleetPolicy   policy,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
gboolean           strata_fleet_apply_finish        (StrataFleet        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);

G_END_DECLS
