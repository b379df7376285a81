/* strata-graph-layout.c: lanes for drawing a revision graph like `git log --graph`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-layout"

#include "config.h"

#include "strata-graph-layout.h"

/* The layout streams over the rows, newest first. Each lane (a slot) waits
 * for one revision: the down revision (PARENT) or the depends_on target
 * (DEPENDS) of a revision above. A row's node takes a lane that waits for
 * it; every lane waiting for it ends there (IN edges); its first down
 * revision continues in the node's lane and the others join a lane already
 * waiting for them or open a free one (OUT edges). Lanes never move
 * sideways, so a long history keeps its shape; freed slots are reused. */

typedef struct
{
  guint lane;
  guint width;
  guint first_edge;
  guint n_edges;
} Row;

typedef struct
{
  char  *target;
  guint8 kind;
} Slot;

struct _StrataGraphLayout
{
  GArray *rows;   /* Row */
  GArray *edges;  /* StrataGraphEdge */
  GArray *slots;  /* Slot: the lanes open below the last row */
  guint   n_lanes;
};

G_DEFINE_BOXED_TYPE (StrataGraphLayout, strata_graph_layout, strata_graph_layout_ref, strata_graph_layout_unref)

static void
slot_clear (gpointer data)
{
  Slot *slot = data;

  g_clear_pointer (&slot->target, g_free);
}

static void
strata_graph_layout_finalize (gpointer data)
{
  StrataGraphLayout *self = data;

  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->slots, g_array_unref);
}

StrataGraphLayout *
strata_graph_layout_new (void)
{
  StrataGraphLayout *self = g_rc_box_new0 (StrataGraphLayout);

  self->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  self->edges = g_array_new (FALSE, FALSE, sizeof (StrataGraphEdge));
  self->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  g_array_set_clear_func (self->slots, slot_clear);

  return self;
}

StrataGraphLayout *
strata_graph_layout_ref (StrataGraphLayout *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_rc_box_acquire (self);
}

void
strata_graph_layout_unref (StrataGraphLayout *self)
{
  g_return_if_fail (self != NULL);

  g_rc_box_release_full (self, strata_graph_layout_finalize);
}

static void
add_edge (StrataGraphLayout   *self,
          guint                from,
          guint                to,
          StrataGraphEdgeKind  kind,
          StrataGraphEdgePart  part)
{
  StrataGraphEdge edge = {
    .from = MIN (from, G_MAXUINT16),
    .to = MIN (to, G_MAXUINT16),
    .kind = kind,
    .part = part,
  };

  g_array_append_val (self->edges, edge);
}

static guint
find_slot (GArray              *slots,
           const char          *target,
           StrataGraphEdgeKind  kind)
{
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *slot = &g_array_index (slots, Slot, i);

      if (slot->kind == kind && g_strcmp0 (slot->target, target) == 0)
        return i;
    }

  return G_MAXUINT;
}

/* The first free slot, or a new one at the end. */
static guint
free_slot (GArray *slots)
{
  Slot empty = { NULL, 0 };

  for (guint i = 0; i < slots->len; i++)
    {
      if (g_array_index (slots, Slot, i).target == NULL)
        return i;
    }

  g_array_append_val (slots, empty);
  return slots->len - 1;
}

static void
occupy (GArray              *slots,
        guint                i,
        const char          *target,
        StrataGraphEdgeKind  kind)
{
  Slot *slot = &g_array_index (slots, Slot, i);

  g_assert (slot->target == NULL);
  slot->target = g_strdup (target);
  slot->kind = kind;
}

void
strata_graph_layout_add_row (StrataGraphLayout  *self,
                             const char         *revision,
                             const char * const *parents,
                             const char * const *depends_on)
{
  GArray *slots;
  Row row = { 0, };
  guint node = G_MAXUINT;
  guint top_width;
  g_autofree gboolean *passing = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (revision != NULL);

  slots = self->slots;
  top_width = slots->len;
  row.first_edge = self->edges->len;

  /* The node's lane: one that waits for it as a down revision, else one
   * that waits for it as a dependency, else a new one (a head). */
  node = find_slot (slots, revision, STRATA_GRAPH_EDGE_PARENT);
  if (node == G_MAXUINT)
    node = find_slot (slots, revision, STRATA_GRAPH_EDGE_DEPENDS);

  /* Every lane waiting for this revision ends at its node; the others
   * pass through. */
  passing = g_new0 (gboolean, top_width);
  for (guint i = 0; i < top_width; i++)
    {
      Slot *slot = &g_array_index (slots, Slot, i);

      if (slot->target == NULL)
        continue;

      if (g_str_equal (slot->target, revision))
        {
          add_edge (self, i, node, slot->kind, STRATA_GRAPH_EDGE_IN);
          g_clear_pointer (&slot->target, g_free);
        }
      else
        {
          passing[i] = TRUE;
        }
    }

  if (node == G_MAXUINT)
    node = free_slot (slots);

  /* The first down revision continues below the node; the others join a
   * lane already waiting for them, or open one. */
  for (guint i = 0; parents != NULL && parents[i] != NULL; i++)
    {
      guint lane;

      if (i == 0)
        {
          lane = node;
          occupy (slots, lane, parents[i], STRATA_GRAPH_EDGE_PARENT);
        }
      else
        {
          lane = find_slot (slots, parents[i], STRATA_GRAPH_EDGE_PARENT);
          if (lane == G_MAXUINT)
            {
              lane = free_slot (slots);
              occupy (slots, lane, parents[i], STRATA_GRAPH_EDGE_PARENT);
            }
        }

      add_edge (self, node, lane, STRATA_GRAPH_EDGE_PARENT, STRATA_GRAPH_EDGE_OUT);
    }

  for (guint i = 0; depends_on != NULL && depends_on[i] != NULL; i++)
    {
      guint lane = find_slot (slots, depends_on[i], STRATA_GRAPH_EDGE_DEPENDS);

      if (lane == G_MAXUINT)
        {
          lane = free_slot (slots);
          occupy (slots, lane, depends_on[i], STRATA_GRAPH_EDGE_DEPENDS);
        }

      add_edge (self, node, lane, STRATA_GRAPH_EDGE_DEPENDS, STRATA_GRAPH_EDGE_OUT);
    }

  for (guint i = 0; i < top_width; i++)
    {
      if (passing[i])
        add_edge (self, i, i, g_array_index (slots, Slot, i).kind, STRATA_GRAPH_EDGE_PASS);
    }

  row.lane = node;
  row.width = MAX (MAX (top_width, slots->len), node + 1);
  row.n_edges = self->edges->len - row.first_edge;
  g_array_append_val (self->rows, row);
  self->n_lanes = MAX (self->n_lanes, row.width);

  /* Drop free slots at the end, so the next row is no wider than needed. */
  while (slots->len > 0 && g_array_index (slots, Slot, slots->len - 1).target == NULL)
    g_array_set_size (slots, slots->len - 1);
}

guint
strata_graph_layout_get_n_rows (StrataGraphLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->rows->len;
}

guint
strata_graph_layout_get_n_lanes (StrataGraphLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_lanes;
}

guint
strata_graph_layout_get_lane (StrataGraphLayout *self,
                              guint              row)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->rows->len, 0);

  return g_array_index (self->rows, Row, row).lane;
}

guint
strata_graph_layout_get_row_width (StrataGraphLayout *self,
                                   guint              row)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (row < self->rows->len, 0);

  return g_array_index (self->rows, Row, row).width;
}

const StrataGraphEdge *
strata_graph_layout_get_edges (StrataGraphLayout *self,
                               guint              row,
                               guint             *n_edges)
{
  const Row *r;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  g_return_val_if_fail (n_edges != NULL, NULL);

  r = &g_array_index (self->rows, Row, row);
  *n_edges = r->n_edges;

  if (r->n_edges == 0)
    return NULL;

  return &g_array_index (self->edges, StrataGraphEdge, r->first_edge);
}

/* The row as text: one character per lane ('*' the node, '|' a down
 * revision's line passing, ':' a dependency's line passing, ' ' nothing),
 * then the lines ending at the node ("in FROM>NODE") and leaving it
 * ("out NODE>TO"), a dependency's marked with ':'. For instance a merge
 * whose second parent opens lane 1: "* in 0>0 out 0>0 0>1". */
char *
strata_graph_layout_describe_row (StrataGraphLayout *self,
                                  guint              row)
{
  const StrataGraphEdge *edges;
  guint n_edges;
  guint width;
  GString *string;
  g_autofree char *picture = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);

  width = strata_graph_layout_get_row_width (self, row);
  edges = strata_graph_layout_get_edges (self, row, &n_edges);

  picture = g_strnfill (width, ' ');
  picture[strata_graph_layout_get_lane (self, row)] = '*';
  for (guint i = 0; i < n_edges; i++)
    {
      if (edges[i].part == STRATA_GRAPH_EDGE_PASS)
        picture[edges[i].from] = edges[i].kind == STRATA_GRAPH_EDGE_DEPENDS ? ':' : '|';
    }

  /* Trailing blanks say nothing */
  g_strchomp (picture);
  string = g_string_new (picture);

  for (guint part = STRATA_GRAPH_EDGE_IN; part <= STRATA_GRAPH_EDGE_OUT; part++)
    {
      gboolean first = TRUE;

      for (guint i = 0; i < n_edges; i++)
        {
          if (edges[i].part != part)
            continue;

          if (first)
            g_string_append (string, part == STRATA_GRAPH_EDGE_IN ? " in" : " out");
          first = FALSE;

          g_string_append_printf (string, " %u>%u%s",
                                  edges[i].from, edges[i].to,
                                  edges[i].kind == STRATA_GRAPH_EDGE_DEPENDS ? ":" : "");
        }
    }

  return g_string_free (string, FALSE);
}
