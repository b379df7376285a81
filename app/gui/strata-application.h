/* strata-application.h: the Strata desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_APPLICATION (strata_application_get_type ())

G_DECLARE_FINAL_TYPE (StrataApplication, strata_application, STRATA, APPLICATION, AdwApplication)

/*
 * At startup the application opens the user's store (StrataStore:
 * $XDG_DATA_HOME/strata/strata.db, created, backed up and upgraded as
 * needed) in a worker thread; activating it before that is over shows the
 * window once it is. When the store cannot be opened, a dialog says why and
 * what was kept, and the app runs without it: no profiles, projects still
 * open (recent ones for the session only).
 */

StrataApplication *strata_application_new                 (void);
GSettings         *strata_application_get_settings        (StrataApplication  *self);
/* Whether opening the store is over ("ready" notifies). */
gboolean           strata_application_get_ready           (StrataApplication  *self);
StrataStore       *strata_application_get_store           (StrataApplication  *self);
const GError      *strata_application_get_store_error     (StrataApplication  *self);
GtkWindow         *strata_application_show_store_problem  (StrataApplication  *self,
                                                           GtkWindow          *parent);
/* StrataProfile, sorted by name; empty without a store. */
GListModel        *strata_application_get_profiles        (StrataApplication  *self);
/* Reads the store's profiles again soon (the CLI shares the store). */
void               strata_application_reload_profiles     (StrataApplication  *self);
GListModel        *strata_application_get_recent_projects (StrataApplication  *self);
void               strata_application_add_recent_project_async  (StrataApplication   *self,
                                                                 GFile               *directory,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean           strata_application_add_recent_project_finish (StrataApplication   *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void               strata_application_remove_recent_project_async  (StrataApplication   *self,
                                                                  GFile               *directory,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
gboolean           strata_application_remove_recent_project_finish (StrataApplication   *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);
GFile             *strata_application_dup_example_project (StrataApplication  *self,
                                                           GError            **error);

G_END_DECLS
