/* strata-graph-layout.h: lanes for drawing a revision graph like `git log --graph`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define STRATA_TYPE_GRAPH_LAYOUT (strata_graph_layout_get_type ())

typedef struct _StrataGraphLayout StrataGraphLayout;

/**
 * StrataGraphEdgeKind:
 * @STRATA_GRAPH_EDGE_PARENT: a line from a revision to its down revision
 * @STRATA_GRAPH_EDGE_DEPENDS: a line from a revision to one it depends on
 */
typedef enum
{
  STRATA_GRAPH_EDGE_PARENT,
  STRATA_GRAPH_EDGE_DEPENDS,
} StrataGraphEdgeKind;

/**
 * StrataGraphEdgePart:
 * @STRATA_GRAPH_EDGE_PASS: from the top of the row to its bottom, in one lane
 * @STRATA_GRAPH_EDGE_IN: from the top of the row (@from) to the node (@to)
 * @STRATA_GRAPH_EDGE_OUT: from the node (@from) to the bottom of the row (@to)
 */
typedef enum
{
  STRATA_GRAPH_EDGE_PASS,
  STRATA_GRAPH_EDGE_IN,
  STRATA_GRAPH_EDGE_OUT,
} StrataGraphEdgePart;

typedef struct
{
  guint16 from;
  guint16 to;
  guint8  kind;
  guint8  part;
} StrataGraphEdge;

GType                  strata_graph_layout_get_type      (void) G_GNUC_CONST;
StrataGraphLayout     *strata_graph_layout_new           (void);
StrataGraphLayout     *strata_graph_layout_ref           (StrataGraphLayout   *self);
void                   strata_graph_layout_unref         (StrataGraphLayout   *self);

/* Rows come newest first: every revision before its down revisions and the
 * revisions it depends on (the reverse of strata_graph_get_scripts). */
void                   strata_graph_layout_add_row       (StrataGraphLayout   *self,
                                                          const char          *revision,
                                                          const char * const  *parents,
                                                          const char * const  *depends_on);

guint                  strata_graph_layout_get_n_rows    (StrataGraphLayout   *self);
/* The most lanes any row uses. */
guint                  strata_graph_layout_get_n_lanes   (StrataGraphLayout   *self);
guint                  strata_graph_layout_get_lane      (StrataGraphLayout   *self,
                                                          guint                row);
/* The lanes row @row spans (at its top, its node and its bottom). */
guint                  strata_graph_layout_get_row_width (StrataGraphLayout   *self,
                                                          guint                row);
const StrataGraphEdge *strata_graph_layout_get_edges     (StrataGraphLayout   *self,
                                                          guint                row,
                                                          guint               *n_edges);
/* One line per row for tests and debugging, e.g. "0 *| in 0>0 1>0 out 0>0:",
 * see the implementation for the notation. */
char                  *strata_graph_layout_describe_row  (StrataGraphLayout   *self,
                                                          guint                row);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataGraphLayout, strata_graph_layout_unref)

G_END_DECLS
