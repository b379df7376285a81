/* strata-revision-list.h: the revisions of a graph as a list model, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata.h"
#include "strata-graph-layout.h"

G_BEGIN_DECLS

#define STRATA_TYPE_REVISION_ITEM (strata_revision_item_get_type ())
#define STRATA_TYPE_REVISION_LIST (strata_revision_list_get_type ())

G_DECLARE_FINAL_TYPE (StrataRevisionItem, strata_revision_item, STRATA, REVISION_ITEM, GObject)
G_DECLARE_FINAL_TYPE (StrataRevisionList, strata_revision_list, STRATA, REVISION_LIST, GObject)

StrataScript       *strata_revision_item_get_script       (StrataRevisionItem  *self);
StrataGraphLayout  *strata_revision_item_get_layout       (StrataRevisionItem  *self);
guint               strata_revision_item_get_row          (StrataRevisionItem  *self);
const char         *strata_revision_item_get_revision     (StrataRevisionItem  *self);
const char         *strata_revision_item_get_message      (StrataRevisionItem  *self);
/* Why the revision is broken (strata_script_get_error()), or NULL */
const char         *strata_revision_item_get_problem      (StrataRevisionItem  *self);
/* "head", branch labels and "current", for the row's tags; "" when none */
const char         *strata_revision_item_get_tags         (StrataRevisionItem  *self);
gboolean            strata_revision_item_get_applied      (StrataRevisionItem  *self);
gboolean            strata_revision_item_get_current      (StrataRevisionItem  *self);

/* A GListModel of StrataRevisionItem, created as they are asked for. */
StrataRevisionList *strata_revision_list_new              (StrataGraph         *graph);
StrataGraph        *strata_revision_list_get_graph        (StrataRevisionList  *self);
StrataGraphLayout  *strata_revision_list_get_layout       (StrataRevisionList  *self);
/* The version-table rows of the selected database (NULL: none selected):
 * marks the applied and the current revisions. */
void                strata_revision_list_set_current_heads (StrataRevisionList *self,
                                                            const char * const *heads);
/* The position of @revision, or G_MAXUINT. */
guint               strata_revision_list_find             (StrataRevisionList  *self,
                                                           const char          *revision);
/* How many items exist so far (they are made lazily). */
guint               strata_revision_list_get_n_created    (StrataRevisionList  *self);

G_END_DECLS
