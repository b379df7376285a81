/* strata-graph-row.h: the lanes of one revision in the graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "strata-revision-list.h"

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_ROW (strata_graph_row_get_type ())

G_DECLARE_FINAL_TYPE (StrataGraphRow, strata_graph_row, STRATA, GRAPH_ROW, GtkWidget)

GtkWidget          *strata_graph_row_new      (void);
StrataRevisionItem *strata_graph_row_get_item (StrataGraphRow     *self);
void                strata_graph_row_set_item (StrataGraphRow     *self,
                                               StrataRevisionItem *item);

G_END_DECLS
