/* strata-window.h: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-application.h"
#include "strata-project-view.h"

G_BEGIN_DECLS

#define STRATA_TYPE_WINDOW (strata_window_get_type ())

G_DECLARE_FINAL_TYPE (StrataWindow, strata_window, STRATA, WINDOW, AdwApplicationWindow)

StrataWindow *strata_window_new              (StrataApplication *application);
gboolean      strata_window_get_show_sidebar (StrataWindow      *self);
void          strata_window_set_show_sidebar (StrataWindow      *self,
                                              gboolean           show_sidebar);
void          strata_window_add_toast        (StrataWindow      *self,
                                              AdwToast          *toast);
gboolean      strata_window_open_project     (StrataWindow      *self,
                                              GFile             *directory,
                                              GError           **error);
void          strata_window_open_project_or_report (StrataWindow *self,
                                                    GFile        *directory);
StrataProjectView *strata_window_get_project_view (StrataWindow *self);
gboolean      strata_window_restore_last     (StrataWindow      *self);
/* Selects @profile in the sidebar (NULL: none) for the open project. */
void          strata_window_select_profile   (StrataWindow      *self,
                                              StrataProfile     *profile);

G_END_DECLS
