/* strata-drift-view.h: the live database against the schema its revision
 * should have: the differences, the two schemas as a diff, a script that
 * brings the database back and a revision that would adopt the change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DRIFT_VIEW (strata_drift_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataDriftView, strata_drift_view, STRATA, DRIFT_VIEW, AdwBin)

GtkWidget  *strata_drift_view_new           (void);
/* The session that renders the repair script (offline), or NULL. */
void        strata_drift_view_set_session   (StrataDriftView    *self,
                                             StrataSession      *session);
/* Not checked yet (the profile changed), or a check under way. */
void        strata_drift_view_reset         (StrataDriftView    *self);
void        strata_drift_view_set_checking  (StrataDriftView    *self);
/* A check's outcome: @drift from strata_session_check_drift() for a
 * database at @heads, or @error. */
void        strata_drift_view_set_result    (StrataDriftView    *self,
                                             StrataDiff         *drift,
                                             const char * const *heads,
                                             const GError       *error);
/* "unchecked", "checking", "error", "clean" or "drift" */
const char *strata_drift_view_get_state     (StrataDriftView    *self);
/* Whether the repair script is being rendered in a worker thread. */
gboolean    strata_drift_view_get_rendering (StrataDriftView    *self);
/* The texts on show: the schema diff, the repair script and the adopting
 * revision's file. */
char       *strata_drift_view_dup_diff      (StrataDriftView    *self);
char       *strata_drift_view_dup_repair    (StrataDriftView    *self);
char       *strata_drift_view_dup_adoption  (StrataDriftView    *self);

G_END_DECLS
