/* strata-window-private.h: what the window's other files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-window.h"

G_BEGIN_DECLS

/* The profiles the sidebar lists: the project's, then the user's */
GListModel *_strata_window_get_profiles  (StrataWindow *self);

/* strata-window-state.c */
void        _strata_window_bind_state    (StrataWindow *self,
                                          GSettings    *settings);
void        _strata_window_save_state    (StrataWindow *self,
                                          GSettings    *settings);

/* strata-fleet-dialog.c */
void        _strata_window_apply_fleet_action (GtkWidget  *widget,
                                               const char *action_name,
                                               GVariant   *parameter);

G_END_DECLS
