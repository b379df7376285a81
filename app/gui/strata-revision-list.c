/* strata-revision-list.c: the revisions of a graph as a list model, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-revision-list"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-revision-list.h"

struct _StrataRevisionItem
{
  GObject             parent_instance;

  StrataScript       *script;
  StrataGraphLayout  *layout;
  char               *base_tags;
  char               *tags;
  guint               row;
  guint               applied : 1;
  guint               current : 1;
};

G_DEFINE_FINAL_TYPE (StrataRevisionItem, strata_revision_item, G_TYPE_OBJECT)

enum {
  ITEM_PROP_0,
  ITEM_PROP_REVISION,
  ITEM_PROP_MESSAGE,
  ITEM_PROP_PROBLEM,
  ITEM_PROP_TAGS,
  ITEM_PROP_APPLIED,
  ITEM_PROP_CURRENT,
  N_ITEM_PROPS
};

static GParamSpec *item_properties[N_ITEM_PROPS];

static void
strata_revision_item_finalize (GObject *object)
{
  StrataRevisionItem *self = (StrataRevisionItem *)object;

  g_clear_object (&self->script);
  g_clear_pointer (&self->layout, strata_graph_layout_unref);
  g_clear_pointer (&self->base_tags, g_free);
  g_clear_pointer (&self->tags, g_free);

  G_OBJECT_CLASS (strata_revision_item_parent_class)->finalize (object);
}

static void
strata_revision_item_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataRevisionItem *self = STRATA_REVISION_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_REVISION:
      g_value_set_string (value, strata_revision_item_get_revision (self));
      break;

    case ITEM_PROP_MESSAGE:
      g_value_set_string (value, strata_revision_item_get_message (self));
      break;

    case ITEM_PROP_PROBLEM:
      g_value_set_string (value, strata_revision_item_get_problem (self));
      break;

    case ITEM_PROP_TAGS:
      g_value_set_string (value, strata_revision_item_get_tags (self));
      break;

    case ITEM_PROP_APPLIED:
      g_value_set_boolean (value, self->applied);
      break;

    case ITEM_PROP_CURRENT:
      g_value_set_boolean (value, self->current);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_revision_item_class_init (StrataRevisionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_revision_item_finalize;
  object_class->get_property = strata_revision_item_get_property;

  item_properties[ITEM_PROP_REVISION] =
    g_param_spec_string ("revision", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_TAGS] =
    g_param_spec_string ("tags", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_APPLIED] =
    g_param_spec_boolean ("applied", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_CURRENT] =
    g_param_spec_boolean ("current", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_ITEM_PROPS, item_properties);
}

static void
strata_revision_item_init (StrataRevisionItem *self)
{
}

static void
strata_revision_item_update_tags (StrataRevisionItem *self)
{
  g_autofree char *tags = NULL;

  if (self->current && self->base_tags[0] != '\0')
    /* Translators: tags shown beside a revision, e.g. "head · cart · current" */
    tags = g_strdup_printf (_("%s · current"), self->base_tags);
  else if (self->current)
    tags = g_strdup (_("current"));
  else
    tags = g_strdup (self->base_tags);

  if (g_strcmp0 (tags, self->tags) == 0)
    return;

  g_free (self->tags);
  self->tags = g_steal_pointer (&tags);
  g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_TAGS]);
}

static void
strata_revision_item_set_state (StrataRevisionItem *self,
                                gboolean            applied,
                                gboolean            current)
{
  applied = !!applied;
  current = !!current;

  if (self->applied != applied)
    {
      self->applied = applied;
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_APPLIED]);
    }

  if (self->current != current)
    {
      self->current = current;
      strata_revision_item_update_tags (self);
      g_object_notify_by_pspec (G_OBJECT (self), item_properties[ITEM_PROP_CURRENT]);
    }
}

StrataScript *
strata_revision_item_get_script (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), NULL);

  return self->script;
}

StrataGraphLayout *
strata_revision_item_get_layout (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), NULL);

  return self->layout;
}

guint
strata_revision_item_get_row (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), 0);

  return self->row;
}

const char *
strata_revision_item_get_revision (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), NULL);

  return strata_script_get_revision (self->script);
}

const char *
strata_revision_item_get_message (StrataRevisionItem *self)
{
  const char *message;

  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), NULL);

  message = strata_script_get_message (self->script);

  return message != NULL && message[0] != '\0' ? message : _("(no message)");
}

const char *
strata_revision_item_get_problem (StrataRevisionItem *self)
{
  const GError *problem;

  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), NULL);

  problem = strata_script_get_error (self->script);

  return problem != NULL ? problem->message : NULL;
}

const char *
strata_revision_item_get_tags (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), NULL);

  return self->tags;
}

gboolean
strata_revision_item_get_applied (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), FALSE);

  return self->applied;
}

gboolean
strata_revision_item_get_current (StrataRevisionItem *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_ITEM (self), FALSE);

  return self->current;
}

struct _StrataRevisionList
{
  GObject             parent_instance;

  StrataGraph        *graph;
  StrataGraphLayout  *layout;
  GPtrArray          *scripts;   /* newest first */
  GPtrArray          *items;     /* StrataRevisionItem or NULL, by position */
  GHashTable         *positions; /* revision -> position + 1 */
  GHashTable         *heads;     /* the graph's heads */
  GHashTable         *applied;   /* NULL when no database is selected */
  GHashTable         *current;
  guint               n_created;
};

static void strata_revision_list_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataRevisionList, strata_revision_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, strata_revision_list_list_model_init))

static GType
strata_revision_list_get_item_type (GListModel *model)
{
  return STRATA_TYPE_REVISION_ITEM;
}

static guint
strata_revision_list_get_n_items (GListModel *model)
{
  return STRATA_REVISION_LIST (model)->scripts->len;
}

static gboolean
strata_revision_list_is_applied (StrataRevisionList *self,
                                 const char         *revision)
{
  return self->applied != NULL && g_hash_table_contains (self->applied, revision);
}

static gboolean
strata_revision_list_is_current (StrataRevisionList *self,
                                 const char         *revision)
{
  return self->current != NULL && g_hash_table_contains (self->current, revision);
}

static gpointer
strata_revision_list_get_item (GListModel *model,
                               guint       position)
{
  StrataRevisionList *self = STRATA_REVISION_LIST (model);
  StrataRevisionItem *item;

  if (position >= self->scripts->len)
    return NULL;

  item = g_ptr_array_index (self->items, position);

  if (item == NULL)
    {
      StrataScript *script = g_ptr_array_index (self->scripts, position);
      const char *revision = strata_script_get_revision (script);
      const char * const *labels = strata_script_get_branch_labels (script);
      g_autoptr(GStrvBuilder) tags = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;

      if (strata_script_get_error (script) != NULL)
        /* Translators: tag of a revision whose file cannot be loaded */
        g_strv_builder_add (tags, _("broken"));
      if (g_hash_table_contains (self->heads, revision))
        g_strv_builder_add (tags, _("head"));
      for (guint i = 0; labels != NULL && labels[i] != NULL; i++)
        g_strv_builder_add (tags, labels[i]);
      strv = g_strv_builder_end (tags);

      item = g_object_new (STRATA_TYPE_REVISION_ITEM, NULL);
      item->script = g_object_ref (script);
      item->layout = strata_graph_layout_ref (self->layout);
      item->row = position;
      item->base_tags = g_strjoinv (" · ", strv);
      item->tags = g_strdup (item->base_tags);
      strata_revision_item_set_state (item,
                                      strata_revision_list_is_applied (self, revision),
                                      strata_revision_list_is_current (self, revision));

      g_ptr_array_index (self->items, position) = item;
      self->n_created++;
    }

  return g_object_ref (item);
}

static void
strata_revision_list_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = strata_revision_list_get_item_type;
  iface->get_n_items = strata_revision_list_get_n_items;
  iface->get_item = strata_revision_list_get_item;
}

static void
strata_revision_list_finalize (GObject *object)
{
  StrataRevisionList *self = (StrataRevisionList *)object;

  g_clear_object (&self->graph);
  g_clear_pointer (&self->layout, strata_graph_layout_unref);
  g_clear_pointer (&self->scripts, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->heads, g_hash_table_unref);
  g_clear_pointer (&self->applied, g_hash_table_unref);
  g_clear_pointer (&self->current, g_hash_table_unref);

  G_OBJECT_CLASS (strata_revision_list_parent_class)->finalize (object);
}

static void
strata_revision_list_class_init (StrataRevisionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_revision_list_finalize;
}

static void
strata_revision_list_init (StrataRevisionList *self)
{
}

/* items holds NULL for the items not made yet */
static void
item_free (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

/* depends_on may name a branch label: the layout wants revisions. */
static char **
resolve_depends_on (StrataGraph  *graph,
                    StrataScript *script)
{
  const char * const *depends_on = strata_script_get_depends_on (script);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; depends_on != NULL && depends_on[i] != NULL; i++)
    {
      StrataScript *target = strata_graph_resolve (graph, depends_on[i], NULL);

      if (target != NULL)
        g_strv_builder_add (builder, strata_script_get_revision (target));
    }

  return g_strv_builder_end (builder);
}

StrataRevisionList *
strata_revision_list_new (StrataGraph *graph)
{
  StrataRevisionList *self;
  GPtrArray *sorted;
  g_autoptr(GPtrArray) heads = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);

  self = g_object_new (STRATA_TYPE_REVISION_LIST, NULL);
  self->graph = g_object_ref (graph);
  self->layout = strata_graph_layout_new ();
  self->positions = g_hash_table_new (g_str_hash, g_str_equal);
  self->heads = g_hash_table_new (g_str_hash, g_str_equal);

  sorted = strata_graph_get_scripts (graph);
  self->scripts = g_ptr_array_new_full (sorted->len, g_object_unref);
  for (guint i = sorted->len; i > 0; i--)
    {
      StrataScript *script = g_ptr_array_index (sorted, i - 1);
      const char *revision = strata_script_get_revision (script);
      g_auto(GStrv) depends_on = resolve_depends_on (graph, script);

      g_ptr_array_add (self->scripts, g_object_ref (script));
      g_hash_table_insert (self->positions, (gpointer)revision, GUINT_TO_POINTER (self->scripts->len));
      strata_graph_layout_add_row (self->layout, revision,
                                   strata_script_get_down_revisions (script),
                                   (const char * const *)depends_on);
    }

  self->items = g_ptr_array_new_full (self->scripts->len, item_free);
  g_ptr_array_set_size (self->items, self->scripts->len);

  heads = strata_graph_get_heads (graph);
  for (guint i = 0; i < heads->len; i++)
    g_hash_table_add (self->heads, (gpointer)strata_script_get_revision (g_ptr_array_index (heads, i)));

  return self;
}

StrataGraph *
strata_revision_list_get_graph (StrataRevisionList *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_LIST (self), NULL);

  return self->graph;
}

StrataGraphLayout *
strata_revision_list_get_layout (StrataRevisionList *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_LIST (self), NULL);

  return self->layout;
}

void
strata_revision_list_set_current_heads (StrataRevisionList *self,
                                        const char * const *heads)
{
  g_return_if_fail (STRATA_IS_REVISION_LIST (self));

  g_clear_pointer (&self->applied, g_hash_table_unref);
  g_clear_pointer (&self->current, g_hash_table_unref);

  if (heads != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->applied = strata_graph_dup_applied (self->graph, heads, &error);
      if (self->applied == NULL)
        /* A version table naming revisions this project lacks: nothing is
         * marked; the status page says what is wrong. */
        g_debug ("Cannot mark applied revisions: %s", error->message);

      self->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; heads[i] != NULL; i++)
        g_hash_table_add (self->current, g_strdup (heads[i]));
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      StrataRevisionItem *item = g_ptr_array_index (self->items, i);
      const char *revision;

      if (item == NULL)
        continue;

      revision = strata_revision_item_get_revision (item);
      strata_revision_item_set_state (item,
                                      strata_revision_list_is_applied (self, revision),
                                      strata_revision_list_is_current (self, revision));
    }
}

guint
strata_revision_list_find (StrataRevisionList *self,
                           const char         *revision)
{
  gpointer position;

  g_return_val_if_fail (STRATA_IS_REVISION_LIST (self), G_MAXUINT);
  g_return_val_if_fail (revision != NULL, G_MAXUINT);

  position = g_hash_table_lookup (self->positions, revision);

  return position != NULL ? GPOINTER_TO_UINT (position) - 1 : G_MAXUINT;
}

guint
strata_revision_list_get_n_created (StrataRevisionList *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_LIST (self), 0);

  return self->n_created;
}
