/* strata-data-model.h: a table's rows as a list model, read a page at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DATA_ROW (strata_data_row_get_type ())
G_DECLARE_FINAL_TYPE (StrataDataRow, strata_data_row, STRATA, DATA_ROW, GObject)

/* NULL for SQL NULL; "" while the row's page is being read again */
const char     *strata_data_row_get_value        (StrataDataRow   *self,
                                                  guint            column);
gboolean        strata_data_row_get_loaded       (StrataDataRow   *self);

#define STRATA_TYPE_DATA_MODEL (strata_data_model_get_type ())
G_DECLARE_FINAL_TYPE (StrataDataModel, strata_data_model, STRATA, DATA_MODEL, GObject)

StrataDataModel *strata_data_model_new            (StrataSession  *session,
                                                   const char     *table,
                                                   const char     *sort_column,
                                                   gboolean        descending,
                                                   guint           page_size);
const char      *strata_data_model_get_table      (StrataDataModel *self);
/* The first page, once read (its columns name the table's), or NULL */
StrataDataPage  *strata_data_model_get_first_page (StrataDataModel *self);
gboolean         strata_data_model_get_at_end     (StrataDataModel *self);
gboolean         strata_data_model_get_loading    (StrataDataModel *self);
guint            strata_data_model_get_n_loaded_pages (StrataDataModel *self);
/* Stops reading: no more pages, nothing pending. */
void             strata_data_model_cancel         (StrataDataModel *self);

G_END_DECLS
