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
/* The SQL of a reviewed step, each statement ending with ';', separated by
 * blank lines; a step that cannot run gets an SQL comment saying why. */
char      *strata_format_step_sql      (StrataStepReview *review);
/* Another language than SQL ("diff", "json"), after setup. */
void       strata_source_view_set_language (GtkSourceView *view,
                                            const char    *language);
/* "2026-11-21 10:00:00": the local time of an ISO 8601 timestamp, or @text. */
char      *strata_format_timestamp     (const char     *text);
/* What a drift check found, one line each: every difference, then every
 * warning not already said. (element-type utf8) (transfer container) */
GPtrArray *strata_diff_dup_findings    (StrataDiff     *diff);
/* A file as a person reads it: "~/Projects/app/migrations/…" under the home
 * folder, else its full path (or URI). */
char      *strata_gui_display_file     (GFile          *file);
/* "SQLite", "PostgreSQL" */
const char *strata_dialect_get_display_name (StrataDialect dialect);

G_END_DECLS
