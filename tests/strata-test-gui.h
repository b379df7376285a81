/* strata-test-gui.h: helpers for the app's tests under a real X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-application.h"

G_BEGIN_DECLS

typedef gboolean (*StrataTestCondition) (gpointer data);

/* g_test_init with a fresh HOME, XDG_DATA_HOME and XDG_CONFIG_HOME (removed
 * by strata_test_gui_shutdown). */
void               strata_test_gui_init            (int                 *argc,
                                                    char              ***argv);
const char        *strata_test_gui_get_home        (void);
/* Waits until @app has opened its store (or failed to). */
void               strata_test_gui_wait_ready      (StrataApplication   *app);

/* The application, registered (startup has run) with its store opened, or NULL when there is no
 * display (the test is then skipped, or failed under CI). */
StrataApplication *strata_test_gui_get_application (void);
void               strata_test_gui_shutdown        (void);
/* Runs the main loop until @condition holds; fails after 30 s. */
void               strata_test_gui_iterate_until   (StrataTestCondition  condition,
                                                    gpointer             data,
                                                    const char          *what);
void               strata_test_gui_iterate_pending (void);
/* Waits until @widget's window has drawn @n_frames more frames. */
void               strata_test_gui_wait_frames     (GtkWidget           *widget,
                                                    guint                n_frames);
/* Presents @window and waits until it is mapped and laid out. */
void               strata_test_gui_show_window     (GtkWindow           *window);
/* Destroys @window and waits until it is finalized. */
void               strata_test_gui_destroy_window  (GtkWindow           *window);
/* The first toplevel of @type (mapped), or NULL. */
GtkWindow         *strata_test_gui_find_toplevel   (GType                type);
GtkWindow         *strata_test_gui_wait_toplevel   (GType                type,
                                                    const char          *what);
/* A template child of @widget as declared in the class @type. */
gpointer           strata_test_gui_get_child       (gpointer             widget,
                                                    GType                type,
                                                    const char          *name);
/* Renders @widget as it is now to @basename in the build directory and
 * returns the path. */
char              *strata_test_gui_save_png        (GtkWidget           *widget,
                                                    const char          *basename);
void               strata_test_gui_reset_settings  (void);
/* Waits until @view (a StrataProjectView) is idle with @n_revisions in its
 * graph: the project was read again. */
void               strata_test_gui_wait_revisions  (gpointer             view,
                                                    guint                n_revisions,
                                                    const char          *what);
/* Waits until @view's Plan page shows a reviewed plan of @n_steps. */
void               strata_test_gui_wait_plan_steps (gpointer             view,
                                                    guint                n_steps,
                                                    const char          *what);

/* Conditions for strata_test_gui_iterate_until() */
gboolean           strata_test_gui_view_is_idle         (gpointer view);
gboolean           strata_test_gui_editor_is_idle       (gpointer editor);
gboolean           strata_test_gui_no_editor            (gpointer unused);
gboolean           strata_test_gui_plan_reviewed        (gpointer plan_page);
gboolean           strata_test_gui_plan_is_not_running  (gpointer plan_page);
gboolean           strata_test_gui_plan_is_not_checking (gpointer plan_page);

G_END_DECLS
