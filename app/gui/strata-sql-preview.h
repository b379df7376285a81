/* strata-sql-preview.h: SQL for SQLite and PostgreSQL side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SQL_PREVIEW (strata_sql_preview_get_type ())

G_DECLARE_FINAL_TYPE (StrataSqlPreview, strata_sql_preview, STRATA, SQL_PREVIEW, GtkWidget)

GtkWidget  *strata_sql_preview_new      (void);
/* NULL shows that it is being worked out. */
void        strata_sql_preview_set_sql  (StrataSqlPreview *self,
                                         StrataDialect     dialect,
                                         const char       *sql);
const char *strata_sql_preview_get_sql  (StrataSqlPreview *self,
                                         StrataDialect     dialect);

/* A window over @parent showing @plan's offline script for both engines,
 * rendered by @session in a thread; @title names what it is. */
GtkWindow  *strata_sql_preview_show_plan (GtkWindow     *parent,
                                          StrataSession *session,
                                          StrataPlan    *plan,
                                          const char    *title);
/* The preview in a window made by strata_sql_preview_show_plan(). */
StrataSqlPreview *strata_sql_preview_window_get_preview (GtkWindow *window);
gboolean          strata_sql_preview_window_get_busy    (GtkWindow *window);

G_END_DECLS
