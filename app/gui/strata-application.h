/* strata-application.h: the Strata desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define STRATA_TYPE_APPLICATION (strata_application_get_type ())

G_DECLARE_FINAL_TYPE (StrataApplication, strata_application, STRATA, APPLICATION, AdwApplication)

StrataApplication *strata_application_new                 (void);
GSettings         *strata_application_get_settings        (StrataApplication  *self);
GListStore        *strata_application_get_profiles        (StrataApplication  *self);
GListModel        *strata_application_get_recent_projects (StrataApplication  *self);
void               strata_application_add_recent_project  (StrataApplication  *self,
                                                           GFile              *directory);
GFile             *strata_application_dup_example_project (StrataApplication  *self,
                                                           GError            **error);

G_END_DECLS
