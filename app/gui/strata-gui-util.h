/* strata-gui-util.h: small helpers the app's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtksourceview/gtksource.h>

#include "strata.h"

G_BEGIN_DECLS

/* Read-only SQL with highlighting, in the Adwaita scheme that follows the
 * light or dark style. */
void       strata_source_view_setup    (GtkSourceView  *view);
void       strata_source_view_set_text (GtkSourceView  *view,
                                        const char     *text);
/* The statements @step runs on @dialect, each ending with ';', separated
 * by blank lines; an error becomes an SQL comment saying what failed. */
char      *strata_step_render_sql      (StrataStep     *step,
                                        StrataDialect   dialect,
                                        gboolean       *failed);
/* The operations @step runs (the computed inverse for a downgrade without
 * its own), or NULL with @error set. */
GPtrArray *strata_step_dup_ops         (StrataStep     *step,
                                        GError        **error);
/* "15:04 today"-style local time of an ISO 8601 timestamp, or @text. */
char      *strata_format_timestamp     (const char     *text);

G_END_DECLS
