/* strata-data-page.h: read-only pages of a table's rows, by keyset
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-session.h"

G_BEGIN_DECLS

/* Longest text of a value in a page, in characters: a value longer than
 * this is cut (a blob shows as the hex literal of its first bytes). */
#define STRATA_DATA_PAGE_MAX_VALUE_CHARS 256

#define STRATA_TYPE_DATA_PAGE (strata_data_page_get_type ())
G_DECLARE_FINAL_TYPE (StrataDataPage, strata_data_page, STRATA, DATA_PAGE, GObject)

const char   *strata_data_page_get_table        (StrataDataPage      *self);
guint         strata_data_page_get_n_rows       (StrataDataPage      *self);
guint         strata_data_page_get_n_columns    (StrataDataPage      *self);
const char   *strata_data_page_get_column_name  (StrataDataPage      *self,
                                                 guint                column);
const char   *strata_data_page_get_value        (StrataDataPage      *self,
                                                 guint                row,
                                                 guint                column);
GVariant     *strata_data_page_get_last_key     (StrataDataPage      *self);
gboolean      strata_data_page_get_at_end       (StrataDataPage      *self);
const char * const *strata_data_page_get_key_columns (StrataDataPage *self);

/* The tables of the profile's database (in the session's schema). */
char        **strata_session_list_tables        (StrataSession       *self,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void          strata_session_list_tables_async  (StrataSession       *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
char        **strata_session_list_tables_finish (StrataSession       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* One page of @table's rows after @after (a page's last key), ordered by
 * @sort_column (then the key) or by the key. */
StrataDataPage *strata_session_read_page        (StrataSession       *self,
                                                 const char          *table,
                                                 const char          *sort_column,
                                                 gboolean             descending,
                                                 GVariant            *after,
                                                 guint                limit,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void          strata_session_read_page_async    (StrataSession       *self,
                                                 const char          *table,
                                                 const char          *sort_column,
                                                 gboolean             descending,
                                                 GVariant            *after,
                                                 guint                limit,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
StrataDataPage *strata_session_read_page_finish (StrataSession       *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* The number of rows of @table: counted when @exact, else the engine's
 * estimate when it has a cheap one. */
gboolean      strata_session_count_rows         (StrataSession       *self,
                                                 const char          *table,
                                                 gboolean             exact,
                                                 gint64              *count,
                                                 gboolean            *is_exact,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void          strata_session_count_rows_async   (StrataSession       *self,
                                                 const char          *table,
                                                 gboolean             exact,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      strata_session_count_rows_finish  (StrataSession       *self,
                                                 GAsyncResult        *result,
                                                 gint64              *count,
                                                 gboolean            *is_exact,
                                                 GError             **error);

/* Forgets the connection and what it knew of the tables (after a run). */
void          strata_session_close_reader       (StrataSession       *self);

G_END_DECLS
