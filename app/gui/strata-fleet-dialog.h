/* strata-fleet-dialog.h: a reviewed plan applied to several databases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_FLEET_DIALOG (strata_fleet_dialog_get_type ())
G_DECLARE_FINAL_TYPE (StrataFleetDialog, strata_fleet_dialog, STRATA, FLEET_DIALOG, AdwWindow)

/* The databases offered are those of @profiles on the engine of
 * @session's profile, each chosen at first. */
StrataFleetDialog *strata_fleet_dialog_new            (GtkWindow         *parent,
                                                       StrataSession     *session,
                                                       StrataPlan        *plan,
                                                       GListModel        *profiles);
StrataFleet       *strata_fleet_dialog_get_fleet      (StrataFleetDialog *self);
void               strata_fleet_dialog_set_chosen     (StrataFleetDialog *self,
                                                       const char        *profile_name,
                                                       gboolean           chosen);
void               strata_fleet_dialog_set_continue   (StrataFleetDialog *self,
                                                       gboolean           keep_going);
gboolean           strata_fleet_dialog_get_running    (StrataFleetDialog *self);
/* After a run: "2 applied, 1 up to date, …" */
const char        *strata_fleet_dialog_get_summary    (StrataFleetDialog *self);

G_END_DECLS
