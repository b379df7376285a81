/* strata-graph-row.c: the lanes of one revision in the graph
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-graph-row"

#include "config.h"

#include "strata-graph-row.h"

#define LANE_WIDTH  16
#define ROW_HEIGHT  36
#define NODE_RADIUS 5.0
#define LINE_WIDTH  2.0
/* Lanes beyond this many are drawn squeezed rather than widening every row */
#define MAX_LANES   24

struct _StrataGraphRow
{
  GtkWidget           parent_instance;

  StrataRevisionItem *item;
  gulong              notify_id;
};

G_DEFINE_FINAL_TYPE (StrataGraphRow, strata_graph_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ITEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Adwaita's palette (blue 3, green 4, orange 3, purple 3, red 3, brown 2,
 * yellow 5, and a teal), one colour per lane */
static const GdkRGBA lane_colors[] = {
  { 0.208, 0.518, 0.894, 1.0 },
  { 0.180, 0.761, 0.494, 1.0 },
  { 1.000, 0.471, 0.000, 1.0 },
  { 0.569, 0.255, 0.675, 1.0 },
  { 0.878, 0.106, 0.141, 1.0 },
  { 0.710, 0.514, 0.353, 1.0 },
  { 0.898, 0.647, 0.039, 1.0 },
  { 0.129, 0.627, 0.627, 1.0 },
};

static double
lane_x (guint  lane,
        double lane_width)
{
  return (lane + 0.5) * lane_width;
}

static void
set_lane_color (cairo_t *cr,
                guint    lane)
{
  gdk_cairo_set_source_rgba (cr, &lane_colors[lane % G_N_ELEMENTS (lane_colors)]);
}

static guint
strata_graph_row_get_n_lanes (StrataGraphRow *self)
{
  if (self->item == NULL)
    return 1;

  return CLAMP (strata_graph_layout_get_n_lanes (strata_revision_item_get_layout (self->item)), 1, MAX_LANES);
}

static void
strata_graph_row_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  StrataGraphRow *self = STRATA_GRAPH_ROW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = strata_graph_row_get_n_lanes (self) * LANE_WIDTH;
  else
    *minimum = *natural = ROW_HEIGHT;
}

static void
strata_graph_row_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  StrataGraphRow *self = STRATA_GRAPH_ROW (widget);
  StrataGraphLayout *layout;
  const StrataGraphEdge *edges;
  guint n_edges;
  guint row;
  guint node;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double lane_width;
  double middle = height / 2.0;
  double node_x;
  double dashes[] = { 3.0, 3.0 };
  GdkRGBA foreground;
  GtkWidget *list;
  cairo_t *cr;

  if (self->item == NULL || width <= 0 || height <= 0)
    return;

  layout = strata_revision_item_get_layout (self->item);
  row = strata_revision_item_get_row (self->item);
  node = strata_graph_layout_get_lane (layout, row);
  edges = strata_graph_layout_get_edges (layout, row, &n_edges);
  lane_width = width / strata_graph_row_get_n_lanes (self);
  lane_width = MIN (lane_width, LANE_WIDTH);
  node_x = lane_x (node, lane_width);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &foreground);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  /* A filtered list (a search) shows rows that are not neighbours: the
   * nodes only, no lines between them */
  list = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_VIEW);
  if (list != NULL && gtk_widget_has_css_class (list, "filtered"))
    n_edges = 0;

  for (guint i = 0; i < n_edges; i++)
    {
      const StrataGraphEdge *edge = &edges[i];
      double from_x = lane_x (edge->from, lane_width);
      double to_x = lane_x (edge->to, lane_width);

      if (edge->kind == STRATA_GRAPH_EDGE_DEPENDS)
        {
          GdkRGBA dim = foreground;

          dim.alpha *= 0.45;
          gdk_cairo_set_source_rgba (cr, &dim);
          cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
        }
      else
        {
          set_lane_color (cr, edge->part == STRATA_GRAPH_EDGE_OUT ? edge->to : edge->from);
          cairo_set_dash (cr, NULL, 0, 0);
        }

      switch ((StrataGraphEdgePart)edge->part)
        {
        case STRATA_GRAPH_EDGE_PASS:
          cairo_move_to (cr, from_x, 0);
          cairo_line_to (cr, to_x, height);
          break;

        case STRATA_GRAPH_EDGE_IN:
          cairo_move_to (cr, from_x, 0);
          cairo_curve_to (cr, from_x, middle * 0.6, to_x, middle * 0.4, to_x, middle);
          break;

        case STRATA_GRAPH_EDGE_OUT:
          cairo_move_to (cr, from_x, middle);
          cairo_curve_to (cr, from_x, middle * 1.6, to_x, middle * 1.4, to_x, height);
          break;

        default:
          g_assert_not_reached ();
        }

      cairo_stroke (cr);
    }

  /* The node: filled when applied to the selected database, a ring when
   * not, with a halo when it is in the version table. */
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_new_sub_path (cr);
  cairo_arc (cr, node_x, middle, NODE_RADIUS, 0, 2 * G_PI);
  if (strata_revision_item_get_applied (self->item))
    {
      set_lane_color (cr, node);
      cairo_fill (cr);
    }
  else
    {
      /* Hollow: punch the lines out of the ring's inside */
      cairo_save (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_arc (cr, node_x, middle, NODE_RADIUS, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_restore (cr);

      cairo_new_sub_path (cr);
      cairo_arc (cr, node_x, middle, NODE_RADIUS - LINE_WIDTH / 2.0, 0, 2 * G_PI);
      set_lane_color (cr, node);
      cairo_stroke (cr);
    }

  if (strata_revision_item_get_current (self->item))
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, node_x, middle, NODE_RADIUS + 3.0, 0, 2 * G_PI);
      set_lane_color (cr, node);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

static void
strata_graph_row_item_notify_cb (StrataGraphRow *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
strata_graph_row_dispose (GObject *object)
{
  StrataGraphRow *self = (StrataGraphRow *)object;

  strata_graph_row_set_item (self, NULL);

  G_OBJECT_CLASS (strata_graph_row_parent_class)->dispose (object);
}

static void
strata_graph_row_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  StrataGraphRow *self = STRATA_GRAPH_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_row_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  StrataGraphRow *self = STRATA_GRAPH_ROW (object);

  switch (prop_id)
    {
    case PROP_ITEM:
      strata_graph_row_set_item (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_graph_row_class_init (StrataGraphRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_graph_row_dispose;
  object_class->get_property = strata_graph_row_get_property;
  object_class->set_property = strata_graph_row_set_property;

  widget_class->measure = strata_graph_row_measure;
  widget_class->snapshot = strata_graph_row_snapshot;

  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         STRATA_TYPE_REVISION_ITEM,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "graphrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
strata_graph_row_init (StrataGraphRow *self)
{
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
strata_graph_row_new (void)
{
  return g_object_new (STRATA_TYPE_GRAPH_ROW, NULL);
}

StrataRevisionItem *
strata_graph_row_get_item (StrataGraphRow *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH_ROW (self), NULL);

  return self->item;
}

void
strata_graph_row_set_item (StrataGraphRow     *self,
                           StrataRevisionItem *item)
{
  g_return_if_fail (STRATA_IS_GRAPH_ROW (self));
  g_return_if_fail (item == NULL || STRATA_IS_REVISION_ITEM (item));

  if (self->item == item)
    return;

  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_id, self->item);
  g_set_object (&self->item, item);
  if (item != NULL)
    self->notify_id = g_signal_connect_object (item, "notify",
                                               G_CALLBACK (strata_graph_row_item_notify_cb),
                                               self, G_CONNECT_SWAPPED);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}
