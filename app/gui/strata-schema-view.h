/* strata-schema-view.h: a schema model to browse: its tables, and a table's
 * columns, keys, indexes and constraints; its enum types and sequences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SCHEMA_VIEW (strata_schema_view_get_type ())

G_DECLARE_FINAL_TYPE (StrataSchemaView, strata_schema_view, STRATA, SCHEMA_VIEW, AdwBin)

GtkWidget   *strata_schema_view_new          (void);
/* @model (NULL: nothing to show) with the types of @dialect, or -1 for the
 * portable names; keeps the table on show when the new model has it. */
void         strata_schema_view_set_model    (StrataSchemaView *self,
                                              StrataModel      *model,
                                              int               dialect);
StrataModel *strata_schema_view_get_model    (StrataSchemaView *self);
/* Shows the table called @name; FALSE when the model has none. */
gboolean     strata_schema_view_select_table (StrataSchemaView *self,
                                              const char       *name);
/* The table on show, or NULL (none, or the enum types and sequences). */
const char  *strata_schema_view_get_selected_table (StrataSchemaView *self);

G_END_DECLS
