/* strata-run-guard.h: a run in progress keeps the session from ending and
 * the window from closing unasked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* @runner (a widget in a window) starts or stops a run; @cancel_action is
 * the action that cancels it, activated on @runner. */
void       strata_run_guard_set_running      (GtkWidget   *runner,
                                              gboolean     running,
                                              const char  *cancel_action);
gboolean   strata_run_guard_get_running      (GtkWindow   *window);
/* Whether the session was asked not to end (the cookie it gave may be 0
 * where no session manager answers) */
gboolean   strata_run_guard_get_inhibiting   (GtkWindow   *window);
/* For a window's close-request and the app's Quit: TRUE while a run goes
 * on (the close is stopped and the person asked whether to cancel it; the
 * window closes once the run has stopped). */
gboolean   strata_run_guard_close_request    (GtkWindow   *window);
/* The question asked by the last close request, while it shows */
GtkWindow *strata_run_guard_get_dialog       (GtkWindow   *window);

G_END_DECLS
