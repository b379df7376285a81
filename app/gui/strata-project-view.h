/* strata-project-view.h: an open project against the selected profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"
#include "strata-plan-page.h"
#include "strata-revisions-page.h"
#include "strata-schema-page.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PROJECT_VIEW (strata_project_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataProjectView, strata_project_view, STRATA, PROJECT_VIEW, AdwBin)

GtkWidget           *strata_project_view_new                (void);
/* The user's store (NULL without one): the log of runs. */
void                 strata_project_view_set_store          (StrataProjectView  *self,
                                                             StrataStore        *store);
/* Reads the project's migrations; an error names the file at fault. */
gboolean             strata_project_view_set_project        (StrataProjectView  *self,
                                                             StrataProject      *project,
                                                             GError            **error);
StrataProject       *strata_project_view_get_project        (StrataProjectView  *self);
StrataGraph         *strata_project_view_get_graph          (StrataProjectView  *self);
void                 strata_project_view_set_profile        (StrataProjectView  *self,
                                                             StrataProfile      *profile);
StrataProfile       *strata_project_view_get_profile        (StrataProjectView  *self);
/* Reads the database's state again, off the main thread. */
void                 strata_project_view_refresh            (StrataProjectView  *self);
/* Reads the project's files again, then the database (F5). */
void                 strata_project_view_reload_project     (StrataProjectView  *self);
/* Whether connecting, reading the database, checking drift or a run is
 * under way. */
gboolean             strata_project_view_get_busy           (StrataProjectView  *self);
/* The version-table rows last read, or NULL. */
const char * const  *strata_project_view_get_current_heads  (StrataProjectView  *self);
AdwViewStack        *strata_project_view_get_stack          (StrataProjectView  *self);
StrataRevisionsPage *strata_project_view_get_revisions_page (StrataProjectView  *self);
StrataPlanPage      *strata_project_view_get_plan_page      (StrataProjectView  *self);
StrataSchemaPage    *strata_project_view_get_schema_page    (StrataProjectView  *self);
/* The history rows on show (StrataHistoryEntry, newest first). */
GListModel          *strata_project_view_get_history        (StrataProjectView  *self);
/* The differences the last drift check found ("project.check-drift"). */
GStrv                strata_project_view_dup_drift          (StrataProjectView  *self);
/* The use cases for this project and profile (NULL without a profile). */
StrataSession       *strata_project_view_get_session        (StrataProjectView  *self);
/* The dialog that asks for the profile's password, while it shows. */
GtkWindow           *strata_project_view_get_password_dialog (StrataProjectView *self);

/* Signals:
 *   "toast" (AdwToast *toast): an outcome to show. */

G_END_DECLS
