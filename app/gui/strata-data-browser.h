/* strata-data-browser.h: the rows of a profile's tables, read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"
#include "strata-data-model.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DATA_BROWSER (strata_data_browser_get_type ())
G_DECLARE_FINAL_TYPE (StrataDataBrowser, strata_data_browser, STRATA, DATA_BROWSER, AdwBin)

GtkWidget       *strata_data_browser_new              (void);
/* The session whose profile's database is browsed; NULL: none. The tables
 * are read when the browser is first shown. */
void             strata_data_browser_set_session      (StrataDataBrowser *self,
                                                       StrataSession     *session);
StrataSession   *strata_data_browser_get_session      (StrataDataBrowser *self);
/* Rows per page (500 by default), for the next table opened */
void             strata_data_browser_set_page_size    (StrataDataBrowser *self,
                                                       guint              page_size);
gboolean         strata_data_browser_select_table     (StrataDataBrowser *self,
                                                       const char        *table);
const char      *strata_data_browser_get_table        (StrataDataBrowser *self);
/* Orders the rows by @column (NULL: the key), as a click on its header */
void             strata_data_browser_sort             (StrataDataBrowser *self,
                                                       const char        *column,
                                                       GtkSortType        order);
StrataDataModel *strata_data_browser_get_model        (StrataDataBrowser *self);
GtkColumnView   *strata_data_browser_get_column_view  (StrataDataBrowser *self);
const char      *strata_data_browser_get_count_text   (StrataDataBrowser *self);
/* The page shown: "no-session", "loading", "error", "no-tables", "rows",
 * "empty", "failed" */
const char      *strata_data_browser_get_state        (StrataDataBrowser *self);

G_END_DECLS
