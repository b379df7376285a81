/* strata-graph.c: the revision DAG with Alembic's semantics
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The meaning of every target, and the way the version table changes at
 * each step, follow Alembic (alembic/script/revision.py: RevisionMap;
 * alembic/runtime/migration.py: HeadMaintainer and RevisionStep), so that a
 * database can move between the two tools and a user's intuition carries
 * over. Where Alembic crashes on an assertion or only warns, Strata reports
 * an error in one line instead; where Alembic's upgrade silently does
 * nothing for a target below the current state, Strata says so.
 *
 * Sets of revisions are byte arrays indexed by the revision's position in
 * the input, so the traversals stay linear on large histories.
 */

#define G_LOG_DOMAIN "strata-graph"

#include "config.h"

#include <inttypes.h>

#include <stdarg.h>
#include <string.h>

#include "strata-error.h"
#include "strata-graph-private.h"
#include "strata-plan.h"
#include "strata-script.h"
#include "strata-i18n-private.h"

typedef struct _Node Node;

struct _Node
{
  StrataScript *script;
  const char   *id;
  guint         index;       /* position in the input: "file order" */
  guint         topo;        /* position in the topological order */
  GPtrArray    *down;        /* Node *: down_revision, as declared */
  GPtrArray    *deps;        /* Node *: depends_on, resolved and deduplicated */
  GPtrArray    *norm_down;   /* down + depends_on not implied by an ancestor */
  GPtrArray    *next;        /* Node *: revisions naming this one as down_revision */
  GPtrArray    *all_next;    /* ... as down_revision or in depends_on */
  GPtrArray    *dependents;  /* ... in depends_on */
  GPtrArray    *labels;      /* const char *: own and inherited labels, or NULL */
  guint         has_norm_deps : 1;
};

struct _StrataGraph
{
  GObject     parent_instance;

  GPtrArray  *scripts;       /* StrataScript, input order */
  GPtrArray  *sorted;        /* StrataScript, topological order */
  Node       *nodes;
  guint       n_nodes;
  GHashTable *by_id;         /* const char * -> Node * */
  GHashTable *by_label;      /* const char * -> Node * */
  GPtrArray  *empty;         /* shared by every empty edge list */
  GPtrArray  *heads;         /* Node *: no versioned child; sorted by id */
  GPtrArray  *real_heads;    /* Node *: no child and no dependent; sorted by id */
  GPtrArray  *bases;         /* Node *: no down_revision; sorted by id */
  GPtrArray  *unplaced;      /* StrataScript: broken, place unknown */
};

G_DEFINE_FINAL_TYPE (StrataGraph, strata_graph, G_TYPE_OBJECT)

typedef enum
{
  ANCESTORS,               /* down_revision and depends_on */
  ANCESTORS_VERSIONED,     /* down_revision only */
  DESCENDANTS,             /* children and dependents */
  DESCENDANTS_VERSIONED,   /* children only */
} Relation;

/* Where a relative walk stands: Alembic's None, "base" or a Revision. */
typedef enum
{
  AT_NOTHING,
  AT_BASE,
  AT_REVISION,
} WalkKind;

typedef struct
{
  WalkKind  kind;
  Node     *node;
} Position;

/* A relative target, Alembic's `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)`. */
typedef struct
{
  char   *branch;
  char   *symbol;
  char   *relative;
  gint64  steps;
} Relative;

static const char multiple_heads_advice[] =
  N_("please specify a specific target revision, '<branchname>@head' to narrow to a specific head, "
  "or 'heads' for all heads");

/* Errors ----------------------------------------------------------------- */

static char *
script_display_path (StrataScript *script)
{
  GFile *file = strata_script_get_file (script);

  return file != NULL ? strata_display_path (file) : NULL;
}

static void set_node_error (GError     **error,
                            Node        *node,
                            const char  *format,
                            ...) G_GNUC_PRINTF (3, 4);

/* STRATA_ERROR_GRAPH, prefixed with the file of @node when it has one. */
static void
set_node_error (GError     **error,
                Node        *node,
                const char  *format,
                ...)
{
  g_autofree char *message = NULL;
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (node != NULL && (path = script_display_path (node->script)) != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_GRAPH, "%s: %s", path, message);
  else
    g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_GRAPH, message);
}

static char *
join_ids (GPtrArray *nodes)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      const Node *node = g_ptr_array_index (nodes, i);

      if (i > 0)
        g_string_append (str, ", ");
      g_string_append (str, node->id);
    }

  return g_string_free (str, FALSE);
}

static char *
describe_heads (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup (_("(none: the version table is empty)"));

  return g_strjoinv (", ", (char **)heads);
}

/* Small helpers ----------------------------------------------------------- */

static int
compare_nodes_by_id (gconstpointer a,
                     gconstpointer b)
{
  const Node *na = *(const Node * const *)a;
  const Node *nb = *(const Node * const *)b;

  return strcmp (na->id, nb->id);
}

static int
compare_nodes_by_index (gconstpointer a,
                        gconstpointer b)
{
  const Node *na = *(const Node * const *)a;
  const Node *nb = *(const Node * const *)b;

  return (na->index > nb->index) - (na->index < nb->index);
}

static void
add_unique (GPtrArray *array,
            gpointer   item)
{
  if (!g_ptr_array_find (array, item, NULL))
    g_ptr_array_add (array, item);
}

/* Edge lists start as the graph's shared empty array and get their own
 * storage on the first edge: most revisions have one parent, one child and
 * no dependencies, and thousands of them must stay light. */
static void
edge_add (StrataGraph  *self,
          GPtrArray   **edges,
          Node         *node,
          gboolean      unique)
{
  if (*edges == self->empty)
    {
      g_ptr_array_unref (*edges);
      *edges = g_ptr_array_sized_new (1);
    }
  else if (unique && g_ptr_array_find (*edges, node, NULL))
    return;

  g_ptr_array_add (*edges, node);
}

static GPtrArray *
scripts_of (GPtrArray *nodes)
{
  GPtrArray *scripts = g_ptr_array_new_full (nodes->len, g_object_unref);

  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (scripts, g_object_ref (((Node *)g_ptr_array_index (nodes, i))->script));

  return scripts;
}

static char **
ids_of (GPtrArray *nodes)
{
  g_autofree const char **ids = g_new0 (const char *, nodes->len + 1);

  for (guint i = 0; i < nodes->len; i++)
    ids[i] = ((Node *)g_ptr_array_index (nodes, i))->id;

  return strata_heads_normalize (ids);
}

static Node *
node_for_script (StrataGraph  *self,
                 StrataScript *script)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  node = g_hash_table_lookup (self->by_id, strata_script_get_revision (script));
  g_return_val_if_fail (node != NULL && node->script == script, NULL);

  return node;
}

/* Traversals -------------------------------------------------------------- */

static GPtrArray *
related (Node     *node,
         Relation  relation)
{
  switch (relation)
    {
    case ANCESTORS:
      return node->norm_down;
    case ANCESTORS_VERSIONED:
      return node->down;
    case DESCENDANTS:
      return node->all_next;
    case DESCENDANTS_VERSIONED:
      return node->next;
    default:
      g_return_val_if_reached (NULL);
    }
}

static guint8 *
marks_new (StrataGraph *self)
{
  return g_new0 (guint8, self->n_nodes + 1);
}

/* Marks @starts and everything reachable from them along @relation. */
static guint8 *
collect (StrataGraph *self,
         Node * const *starts,
         guint         n_starts,
         Relation      relation)
{
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  guint8 *marks = marks_new (self);

  for (guint i = 0; i < n_starts; i++)
    if (!marks[starts[i]->index])
      {
        marks[starts[i]->index] = 1;
        g_ptr_array_add (stack, starts[i]);
      }

  while (stack->len > 0)
    {
      Node *node = g_ptr_array_steal_index_fast (stack, stack->len - 1);
      GPtrArray *edges = related (node, relation);

      for (guint i = 0; i < edges->len; i++)
        {
          Node *other = g_ptr_array_index (edges, i);

          if (!marks[other->index])
            {
              marks[other->index] = 1;
              g_ptr_array_add (stack, other);
            }
        }
    }

  return marks;
}

static guint8 *
collect_array (StrataGraph *self,
               GPtrArray   *starts,
               Relation     relation)
{
  return collect (self, (Node * const *)starts->pdata, starts->len, relation);
}

/* Scratch space for repeated searches: a node is visited in the current
 * search when its stamp equals the generation. */
typedef struct
{
  guint     *stamps;
  guint      generation;
  GPtrArray *stack;
} Visit;

static void
visit_init (Visit       *visit,
            StrataGraph *self)
{
  visit->stamps = g_new0 (guint, self->n_nodes + 1);
  visit->generation = 0;
  visit->stack = g_ptr_array_new ();
}

static void
visit_clear (Visit *visit)
{
  g_clear_pointer (&visit->stamps, g_free);
  g_clear_pointer (&visit->stack, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Visit, visit_clear)

/* Whether @ancestor is @node or reachable from it going down. Only nodes
 * after @ancestor in the topological order can lead to it, which prunes the
 * search to the part of the history between the two. */
static gboolean
is_ancestor_visit (Visit    *visit,
                   Node     *ancestor,
                   Node     *node,
                   gboolean  include_dependencies)
{
  Relation relation = include_dependencies ? ANCESTORS : ANCESTORS_VERSIONED;
  gboolean found = FALSE;

  if (ancestor == node)
    return TRUE;
  if (ancestor->topo > node->topo)
    return FALSE;

  if (++visit->generation == 0)
    visit->generation = 1;
  g_ptr_array_set_size (visit->stack, 0);
  g_ptr_array_add (visit->stack, node);
  visit->stamps[node->index] = visit->generation;

  while (!found && visit->stack->len > 0)
    {
      Node *current = g_ptr_array_steal_index_fast (visit->stack, visit->stack->len - 1);
      GPtrArray *edges = related (current, relation);

      for (guint i = 0; i < edges->len && !found; i++)
        {
          Node *other = g_ptr_array_index (edges, i);

          if (other == ancestor)
            found = TRUE;
          else if (visit->stamps[other->index] != visit->generation && other->topo > ancestor->topo)
            {
              visit->stamps[other->index] = visit->generation;
              g_ptr_array_add (visit->stack, other);
            }
        }
    }

  return found;
}

static gboolean
is_ancestor (StrataGraph *self,
             Node        *ancestor,
             Node        *node,
             gboolean     include_dependencies)
{
  g_auto(Visit) visit = { 0 };

  if (ancestor == node)
    return TRUE;
  if (ancestor->topo > node->topo)
    return FALSE;

  visit_init (&visit, self);
  return is_ancestor_visit (&visit, ancestor, node, include_dependencies);
}

/* Alembic's _shares_lineage: one is an ancestor of the other. */
static gboolean
shares_lineage (StrataGraph *self,
                Node        *a,
                Node        *b,
                gboolean     include_dependencies)
{
  return is_ancestor (self, a, b, include_dependencies) ||
         is_ancestor (self, b, a, include_dependencies);
}

/* The revisions that share lineage with @branch: its ancestors and its
 * descendants, itself included. */
static guint8 *
lineage_of (StrataGraph *self,
            Node        *branch,
            gboolean     include_dependencies)
{
  guint8 *marks = collect (self, &branch, 1, include_dependencies ? DESCENDANTS : DESCENDANTS_VERSIONED);
  g_autofree guint8 *below = collect (self, &branch, 1, include_dependencies ? ANCESTORS : ANCESTORS_VERSIONED);

  for (guint i = 0; i < self->n_nodes; i++)
    marks[i] |= below[i];

  return marks;
}

/* Alembic's filter_for_lineage. */
static GPtrArray *
filter_for_lineage (StrataGraph *self,
                    GPtrArray   *nodes,
                    Node        *branch,
                    gboolean     include_dependencies)
{
  g_autofree guint8 *lineage = NULL;
  GPtrArray *out = g_ptr_array_new ();

  if (nodes->len == 0)
    return out;

  lineage = lineage_of (self, branch, include_dependencies);
  for (guint i = 0; i < nodes->len; i++)
    if (lineage[((Node *)g_ptr_array_index (nodes, i))->index])
      g_ptr_array_add (out, g_ptr_array_index (nodes, i));

  return out;
}

/* Construction ------------------------------------------------------------ */

static void
node_clear (Node *node)
{
  g_clear_pointer (&node->down, g_ptr_array_unref);
  g_clear_pointer (&node->deps, g_ptr_array_unref);
  g_clear_pointer (&node->norm_down, g_ptr_array_unref);
  g_clear_pointer (&node->next, g_ptr_array_unref);
  g_clear_pointer (&node->all_next, g_ptr_array_unref);
  g_clear_pointer (&node->dependents, g_ptr_array_unref);
  g_clear_pointer (&node->labels, g_ptr_array_unref);
}

static void
strata_graph_finalize (GObject *object)
{
  StrataGraph *self = (StrataGraph *)object;

  for (guint i = 0; i < self->n_nodes; i++)
    node_clear (&self->nodes[i]);
  g_clear_pointer (&self->nodes, g_free);
  g_clear_pointer (&self->scripts, g_ptr_array_unref);
  g_clear_pointer (&self->sorted, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->by_label, g_hash_table_unref);
  g_clear_pointer (&self->empty, g_ptr_array_unref);
  g_clear_pointer (&self->heads, g_ptr_array_unref);
  g_clear_pointer (&self->real_heads, g_ptr_array_unref);
  g_clear_pointer (&self->bases, g_ptr_array_unref);
  g_clear_pointer (&self->unplaced, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_graph_parent_class)->finalize (object);
}

static void
strata_graph_class_init (StrataGraphClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_graph_finalize;
}

static void
strata_graph_init (StrataGraph *self)
{
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_label = g_hash_table_new (g_str_hash, g_str_equal);
  self->empty = g_ptr_array_new ();
  self->heads = g_ptr_array_new ();
  self->real_heads = g_ptr_array_new ();
  self->bases = g_ptr_array_new ();
}

static gboolean
index_revisions (StrataGraph  *self,
                 GError      **error)
{
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      Node *other;

      if ((other = g_hash_table_lookup (self->by_id, node->id)) != NULL)
        {
          g_autofree char *first = script_display_path (other->script);

          if (first != NULL)
            set_node_error (error, node, _("Revision %s is present more than once (also in %s)"), node->id, first);
          else
            set_node_error (error, node, _("Revision %s is present more than once"), node->id);
          return FALSE;
        }

      g_hash_table_insert (self->by_id, (gpointer)node->id, node);
    }

  /* As Alembic's _map_branch_labels: a label may name neither a revision
   * nor another label. */
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      const char * const *labels = strata_script_get_branch_labels (node->script);

      for (guint j = 0; labels[j] != NULL; j++)
        {
          Node *other = g_hash_table_lookup (self->by_label, labels[j]);

          if (other == NULL)
            other = g_hash_table_lookup (self->by_id, labels[j]);

          if (other != NULL)
            {
              set_node_error (error, node, _("Branch name '%s' in revision %s already used by revision %s"),
                              labels[j], node->id, other->id);
              return FALSE;
            }
          if (*labels[j] == '\0' || strchr (labels[j], '@') != NULL)
            {
              set_node_error (error, node, _("Branch name '%s' in revision %s is not valid: it must be "
                                "non-empty and must not contain '@'"), labels[j], node->id);
              return FALSE;
            }

          g_hash_table_insert (self->by_label, (gpointer)labels[j], node);
        }
    }

  return TRUE;
}

static gboolean
link_revisions (StrataGraph  *self,
                GError      **error)
{
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      const char * const *down = strata_script_get_down_revisions (node->script);
      const char * const *deps = strata_script_get_depends_on (node->script);

      for (guint j = 0; down[j] != NULL; j++)
        {
          Node *parent = g_hash_table_lookup (self->by_id, down[j]);

          if (g_str_equal (down[j], node->id))
            {
              set_node_error (error, node, _("Self-loop is detected in revisions (%s)"), node->id);
              return FALSE;
            }
          if (parent == NULL)
            {
              set_node_error (error, node, _("Revision %s referenced from %s is not present"),
                              down[j], node->id);
              return FALSE;
            }

          edge_add (self, &node->down, parent, TRUE);
        }

      for (guint j = 0; deps[j] != NULL; j++)
        {
          Node *dep = g_hash_table_lookup (self->by_id, deps[j]);

          if (dep == NULL)
            dep = g_hash_table_lookup (self->by_label, deps[j]);

          if (dep == node)
            {
              set_node_error (error, node, _("Dependency self-loop is detected in revisions (%s)"), node->id);
              return FALSE;
            }
          if (dep == NULL)
            {
              set_node_error (error, node, _("Revision %s depends on '%s', which is neither a revision "
                                "nor a branch label"), node->id, deps[j]);
              return FALSE;
            }

          edge_add (self, &node->deps, dep, TRUE);
        }
    }

  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      for (guint j = 0; j < node->down->len; j++)
        edge_add (self, &((Node *)g_ptr_array_index (node->down, j))->next, node, FALSE);

      for (guint j = 0; j < node->deps->len; j++)
        edge_add (self, &((Node *)g_ptr_array_index (node->deps, j))->dependents, node, FALSE);
    }

  /* all_next: children, then dependents that are not children too; the
   * same array as next for a revision nothing depends on. */
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      g_ptr_array_unref (node->all_next);
      if (node->dependents->len == 0)
        node->all_next = g_ptr_array_ref (node->next);
      else
        {
          node->all_next = g_ptr_array_copy (node->next, NULL, NULL);
          for (guint j = 0; j < node->dependents->len; j++)
            {
              Node *dependent = g_ptr_array_index (node->dependents, j);

              if (!g_ptr_array_find (dependent->down, node, NULL))
                g_ptr_array_add (node->all_next, dependent);
            }
        }
    }

  return TRUE;
}

/* Names the revisions of one cycle among the nodes Kahn's algorithm could
 * not order: each of them has an unordered parent, so walking parents must
 * come back to a revision already seen. */
static void
set_cycle_error (StrataGraph  *self,
                 const guint8 *ordered,
                 Relation      relation,
                 GError      **error)
{
  g_autofree guint *seen_at = g_new0 (guint, self->n_nodes);
  g_autoptr(GPtrArray) path = g_ptr_array_new ();
  g_autoptr(GPtrArray) cycle = NULL;
  g_autofree char *members = NULL;
  Node *node = NULL;

  for (guint i = 0; i < self->n_nodes && node == NULL; i++)
    if (!ordered[i])
      node = &self->nodes[i];

  g_assert (node != NULL);

  while (seen_at[node->index] == 0)
    {
      Node *next = NULL;

      g_ptr_array_add (path, node);
      seen_at[node->index] = path->len;

      /* norm_down does not exist yet: down and depends_on as declared. */
      for (guint i = 0; i < node->down->len && next == NULL; i++)
        if (!ordered[((Node *)g_ptr_array_index (node->down, i))->index])
          next = g_ptr_array_index (node->down, i);

      for (guint i = 0; relation == ANCESTORS && i < node->deps->len && next == NULL; i++)
        if (!ordered[((Node *)g_ptr_array_index (node->deps, i))->index])
          next = g_ptr_array_index (node->deps, i);

      g_assert (next != NULL);
      node = next;
    }

  cycle = g_ptr_array_new ();
  for (guint i = seen_at[node->index] - 1; i < path->len; i++)
    g_ptr_array_add (cycle, g_ptr_array_index (path, i));
  g_ptr_array_sort (cycle, compare_nodes_by_id);
  members = join_ids (cycle);

  node = g_ptr_array_index (cycle, 0);
  set_node_error (error, node, _("%s is detected in revisions (%s)"),
                  relation == ANCESTORS_VERSIONED ? _("Cycle") : _("Dependency cycle"), members);
}

static int
compare_ready (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  guint ia = GPOINTER_TO_UINT (a);
  guint ib = GPOINTER_TO_UINT (b);

  return (ia > ib) - (ia < ib);
}

/* Kahn's algorithm over down revisions (and depends_on when @relation is
 * ANCESTORS); ready revisions leave in file order. */
static gboolean
sort_revisions (StrataGraph  *self,
                Relation      relation,
                GPtrArray    *order,
                GError      **error)
{
  g_autofree guint *waiting = g_new0 (guint, self->n_nodes);
  g_autofree guint8 *ordered = marks_new (self);
  g_autoptr(GTree) ready = g_tree_new_full (compare_ready, NULL, NULL, NULL);
  Relation children = relation == ANCESTORS ? DESCENDANTS : DESCENDANTS_VERSIONED;
  guint n_ordered = 0;

  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      /* all_down = down + deps, deduplicated */
      waiting[i] = node->down->len;
      if (relation == ANCESTORS)
        for (guint j = 0; j < node->deps->len; j++)
          if (!g_ptr_array_find (node->down, g_ptr_array_index (node->deps, j), NULL))
            waiting[i]++;

      if (waiting[i] == 0)
        g_tree_insert (ready, GUINT_TO_POINTER (i), node);
    }

  while (g_tree_nnodes (ready) > 0)
    {
      GTreeNode *first = g_tree_node_first (ready);
      Node *node = g_tree_node_value (first);
      GPtrArray *edges = related (node, children);

      g_tree_remove (ready, g_tree_node_key (first));
      ordered[node->index] = 1;
      n_ordered++;
      if (order != NULL)
        g_ptr_array_add (order, node);

      for (guint i = 0; i < edges->len; i++)
        {
          Node *child = g_ptr_array_index (edges, i);

          if (--waiting[child->index] == 0)
            g_tree_insert (ready, GUINT_TO_POINTER (child->index), child);
        }
    }

  if (n_ordered < self->n_nodes)
    {
      set_cycle_error (self, ordered, relation == ANCESTORS ? ANCESTORS : ANCESTORS_VERSIONED, error);
      return FALSE;
    }

  return TRUE;
}

/* Alembic's _normalize_depends_on: a dependency already declared by a
 * (versioned) ancestor is not repeated. inherited[i] holds the dependencies
 * of the strict ancestors of node i, shared along plain chains. */
static void
normalize_dependencies (StrataGraph *self,
                        GPtrArray   *order)
{
  g_autofree GHashTable **inherited = g_new0 (GHashTable *, self->n_nodes);

  for (guint i = 0; i < order->len; i++)
    {
      Node *node = g_ptr_array_index (order, i);
      GHashTable *set = NULL;

      if (node->down->len == 1 &&
          ((Node *)g_ptr_array_index (node->down, 0))->deps->len == 0)
        {
          Node *parent = g_ptr_array_index (node->down, 0);

          if (inherited[parent->index] != NULL)
            set = g_hash_table_ref (inherited[parent->index]);
        }
      else
        {
          for (guint j = 0; j < node->down->len; j++)
            {
              Node *parent = g_ptr_array_index (node->down, j);
              GHashTable *from = inherited[parent->index];

              if (parent->deps->len == 0 && from == NULL)
                continue;
              if (set == NULL)
                set = g_hash_table_new (NULL, NULL);
              if (from != NULL)
                {
                  GHashTableIter iter;
                  gpointer key;

                  g_hash_table_iter_init (&iter, from);
                  while (g_hash_table_iter_next (&iter, &key, NULL))
                    g_hash_table_add (set, key);
                }
              for (guint k = 0; k < parent->deps->len; k++)
                g_hash_table_add (set, g_ptr_array_index (parent->deps, k));
            }
        }

      inherited[node->index] = set;

      /* norm_down is down plus the dependencies that remain: the same
       * array as down when none does. */
      g_ptr_array_unref (node->norm_down);
      node->norm_down = g_ptr_array_ref (node->down);

      for (guint j = 0; j < node->deps->len; j++)
        {
          Node *dep = g_ptr_array_index (node->deps, j);

          if (set != NULL && g_hash_table_contains (set, dep))
            continue;
          if (!node->has_norm_deps)
            {
              g_ptr_array_unref (node->norm_down);
              node->norm_down = g_ptr_array_copy (node->down, NULL, NULL);
              node->has_norm_deps = TRUE;
            }
          add_unique (node->norm_down, dep);
        }
    }

  for (guint i = 0; i < self->n_nodes; i++)
    g_clear_pointer (&inherited[i], g_hash_table_unref);
}

static void
add_labels (Node               *node,
            const char * const *labels)
{
  if (node->labels == NULL)
    node->labels = g_ptr_array_new ();

  for (guint i = 0; labels[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (node->labels, labels[i], g_str_equal, NULL))
      g_ptr_array_add (node->labels, (gpointer)labels[i]);
}

/* Alembic's _add_branches: a label applies to its revision and every
 * descendant; then, from the last descendant Alembic's depth-first walk
 * yields, down along the branch until a branch point or a merge point, which
 * gives an unbranched line of history the label of any revision on it. */
static void
inherit_labels (StrataGraph *self)
{
  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      const char * const *labels = strata_script_get_branch_labels (node->script);
      g_autoptr(GPtrArray) stack = NULL;
      g_autofree guint8 *seen = NULL;
      Node *last = NULL;

      if (labels[0] == NULL)
        continue;

      stack = g_ptr_array_new ();
      seen = marks_new (self);
      g_ptr_array_add (stack, node);

      while (stack->len > 0)
        {
          Node *current = g_ptr_array_steal_index_fast (stack, stack->len - 1);

          if (seen[current->index])
            continue;
          seen[current->index] = 1;

          for (guint j = 0; j < current->next->len; j++)
            g_ptr_array_add (stack, g_ptr_array_index (current->next, j));

          add_labels (current, labels);
          last = current;
        }

      while (last != NULL && last->all_next->len <= 1 && last->down->len <= 1)
        {
          add_labels (last, labels);
          last = last->down->len == 1 ? g_ptr_array_index (last->down, 0) : NULL;
        }
    }
}

/**
 * strata_graph_new:
 * @scripts: (element-type StrataScript): the revisions, in file order
 * @error: return location for a #GError
 *
 * Builds and validates the revision graph.
 *
 * Returns: (transfer full): a new #StrataGraph, or %NULL with @error set
 */
StrataGraph *
strata_graph_new (GPtrArray  *scripts,
                  GError    **error)
{
  g_autoptr(StrataGraph) self = NULL;
  g_autoptr(GPtrArray) order = NULL;

  g_return_val_if_fail (scripts != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (STRATA_TYPE_GRAPH, NULL);
  self->scripts = g_ptr_array_new_full (scripts->len, g_object_unref);
  self->n_nodes = scripts->len;
  self->nodes = g_new0 (Node, MAX (1, scripts->len));

  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      Node *node = &self->nodes[i];

      g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

      g_ptr_array_add (self->scripts, g_object_ref (script));
      node->script = script;
      node->id = strata_script_get_revision (script);
      node->index = i;
      node->down = g_ptr_array_ref (self->empty);
      node->deps = g_ptr_array_ref (self->empty);
      node->norm_down = g_ptr_array_ref (self->empty);
      node->next = g_ptr_array_ref (self->empty);
      node->all_next = g_ptr_array_ref (self->empty);
      node->dependents = g_ptr_array_ref (self->empty);
    }

  if (!index_revisions (self, error) || !link_revisions (self, error))
    return NULL;

  order = g_ptr_array_sized_new (self->n_nodes);
  if (!sort_revisions (self, ANCESTORS_VERSIONED, NULL, error) ||
      !sort_revisions (self, ANCESTORS, order, error))
    return NULL;

  self->sorted = g_ptr_array_new_full (order->len, g_object_unref);
  for (guint i = 0; i < order->len; i++)
    {
      Node *node = g_ptr_array_index (order, i);

      node->topo = i;
      g_ptr_array_add (self->sorted, g_object_ref (node->script));
    }

  normalize_dependencies (self, order);
  inherit_labels (self);

  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];

      if (node->next->len == 0)
        g_ptr_array_add (self->heads, node);
      if (node->all_next->len == 0)
        g_ptr_array_add (self->real_heads, node);
      if (node->down->len == 0)
        g_ptr_array_add (self->bases, node);
    }
  g_ptr_array_sort (self->heads, compare_nodes_by_id);
  g_ptr_array_sort (self->real_heads, compare_nodes_by_id);
  g_ptr_array_sort (self->bases, compare_nodes_by_id);

  return g_steal_pointer (&self);
}

void
_strata_graph_set_unplaced (StrataGraph *self,
                            GPtrArray   *unplaced)
{
  g_return_if_fail (STRATA_IS_GRAPH (self));

  g_clear_pointer (&self->unplaced, g_ptr_array_unref);
  if (unplaced != NULL)
    self->unplaced = g_ptr_array_ref (unplaced);
}

/**
 * strata_graph_get_broken:
 * @self: a #StrataGraph
 *
 * The revisions whose file could not be loaded (see
 * strata_script_get_error()): first those in the graph, in topological
 * order, then the files whose place in it could not be read (their
 * revision may be %NULL, and strata_graph_lookup() does not find them).
 *
 * Returns: (transfer full) (element-type StrataScript): the broken
 *   revisions, empty when there is none
 */
GPtrArray *
strata_graph_get_broken (StrataGraph *self)
{
  GPtrArray *broken;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  broken = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->sorted->len; i++)
    if (strata_script_get_error (g_ptr_array_index (self->sorted, i)) != NULL)
      g_ptr_array_add (broken, g_object_ref (g_ptr_array_index (self->sorted, i)));

  if (self->unplaced != NULL)
    for (guint i = 0; i < self->unplaced->len; i++)
      g_ptr_array_add (broken, g_object_ref (g_ptr_array_index (self->unplaced, i)));

  return broken;
}

/* Plain accessors --------------------------------------------------------- */

guint
strata_graph_get_n_revisions (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), 0);
  return self->n_nodes;
}

/**
 * strata_graph_get_scripts:
 *
 * Returns: (transfer none) (element-type StrataScript): every script,
 *   topologically sorted (down revisions and depends_on first; ties in file
 *   order)
 */
GPtrArray *
strata_graph_get_scripts (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  return self->sorted;
}

/**
 * strata_graph_lookup:
 * @revision: a full revision id
 *
 * Returns: (transfer none) (nullable): the script with that exact id
 */
StrataScript *
strata_graph_lookup (StrataGraph *self,
                     const char  *revision)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (revision == NULL)
    return NULL;

  node = g_hash_table_lookup (self->by_id, revision);
  return node ? node->script : NULL;
}

/**
 * strata_graph_get_heads:
 *
 * Returns: (transfer full) (element-type StrataScript): the revisions no
 *   other revision names as down_revision (Alembic's `heads`), by id
 */
GPtrArray *
strata_graph_get_heads (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  return scripts_of (self->heads);
}

/**
 * strata_graph_get_bases:
 *
 * Returns: (transfer full) (element-type StrataScript): the revisions
 *   without down_revision, by id
 */
GPtrArray *
strata_graph_get_bases (StrataGraph *self)
{
  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  return scripts_of (self->bases);
}

static GPtrArray *
sorted_scripts_of (GPtrArray *nodes)
{
  g_autoptr(GPtrArray) copy = g_ptr_array_copy (nodes, NULL, NULL);

  g_ptr_array_sort (copy, compare_nodes_by_id);
  return scripts_of (copy);
}

/**
 * strata_graph_get_children:
 *
 * Returns: (transfer full) (element-type StrataScript): the revisions whose
 *   down_revision names @script, by id
 */
GPtrArray *
strata_graph_get_children (StrataGraph  *self,
                           StrataScript *script)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!(node = node_for_script (self, script)))
    return NULL;

  return sorted_scripts_of (node->next);
}

/**
 * strata_graph_get_dependents:
 *
 * Returns: (transfer full) (element-type StrataScript): the revisions whose
 *   depends_on names @script (or one of its labels), by id
 */
GPtrArray *
strata_graph_get_dependents (StrataGraph  *self,
                             StrataScript *script)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!(node = node_for_script (self, script)))
    return NULL;

  return sorted_scripts_of (node->dependents);
}

/* Alembic's is_branch_point: more than one revision names it as
 * down_revision. */
gboolean
strata_graph_is_branch_point (StrataGraph  *self,
                              StrataScript *script)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), FALSE);

  if (!(node = node_for_script (self, script)))
    return FALSE;

  return node->next->len > 1;
}

/**
 * strata_graph_dup_labels_for:
 *
 * Returns: (transfer full): the sorted branch labels that apply to @script:
 *   its own, those of its ancestors along its branch and those of the
 *   revisions after it
 */
char **
strata_graph_dup_labels_for (StrataGraph  *self,
                             StrataScript *script)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!(node = node_for_script (self, script)))
    return NULL;

  if (node->labels == NULL)
    return g_new0 (char *, 1);

  {
    g_autofree const char **labels = g_new0 (const char *, node->labels->len + 1);

    for (guint i = 0; i < node->labels->len; i++)
      labels[i] = g_ptr_array_index (node->labels, i);

    return strata_heads_normalize (labels);
  }
}

/* Resolution --------------------------------------------------------------- */

static Node *lookup_ident (StrataGraph  *self,
                           const char   *ident,
                           const char   *branch,
                           GError      **error);

/* Alembic's _resolve_branch: a label, else any revision identifier. */
static Node *
resolve_branch (StrataGraph  *self,
                const char   *branch,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  Node *node;

  if ((node = g_hash_table_lookup (self->by_label, branch)) != NULL)
    return node;

  if (!(node = lookup_ident (self, branch, NULL, &local_error)))
    {
      if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION, _("No such branch: '%s'"), branch);
      return NULL;
    }

  return node;
}

/* Alembic's _revision_for_ident: a full id, a label, or a unique prefix
 * (of any length) of an id longer than three characters; with @branch, it must be on that branch. */
static Node *
lookup_ident (StrataGraph  *self,
              const char   *ident,
              const char   *branch,
              GError      **error)
{
  Node *branch_node = NULL;
  Node *node;

  if (branch != NULL && !(branch_node = resolve_branch (self, branch, error)))
    return NULL;

  node = g_hash_table_lookup (self->by_id, ident);
  if (node == NULL)
    node = g_hash_table_lookup (self->by_label, ident);

  if (node == NULL)
    {
      g_autoptr(GPtrArray) matches = g_ptr_array_new ();
      gsize len = strlen (ident);

      /* Any unique prefix, however short, of the ids longer than three
       * characters: Alembic's partial lookup filters the ids, not the
       * prefix. */
      if (len > 0)
        for (guint i = 0; i < self->n_nodes; i++)
          if (strlen (self->nodes[i].id) > 3 && strncmp (self->nodes[i].id, ident, len) == 0)
            g_ptr_array_add (matches, &self->nodes[i]);

      if (branch_node != NULL && matches->len > 1)
        {
          GPtrArray *on_branch = filter_for_lineage (self, matches, branch_node, FALSE);

          g_ptr_array_unref (matches);
          matches = on_branch;
        }

      if (matches->len == 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("No such revision or branch '%s'%s"), ident,
                       len < 4 && *ident != '\0'
                         ? _("; please ensure at least four characters are present for partial revision "
                             "identifier matches")
                         : "");
          return NULL;
        }

      if (matches->len > 1)
        {
          GString *listed = g_string_new (NULL);

          g_ptr_array_sort (matches, compare_nodes_by_id);
          for (guint i = 0; i < MIN (3, matches->len); i++)
            g_string_append_printf (listed, "%s'%s'", i ? ", " : "",
                                    ((Node *)g_ptr_array_index (matches, i))->id);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                       _("Multiple revisions start with '%s': %s%s"), ident, listed->str,
                       matches->len > 3 ? "..." : "");
          g_string_free (listed, TRUE);
          return NULL;
        }

      node = g_ptr_array_index (matches, 0);
    }

  if (branch_node != NULL && !shares_lineage (self, node, branch_node, FALSE))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                   _("Revision %s is not a member of branch '%s'"), node->id, branch);
      return NULL;
    }

  return node;
}

static void
set_multiple_heads_error (GError     **error,
                          const char  *argument,
                          GPtrArray   *heads)
{
  g_autofree char *listed = join_ids (heads);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
               _("Multiple head revisions are present for given argument '%s'; %s (heads: %s)"),
               argument, _(multiple_heads_advice), listed);
}

/* Alembic's get_current_head: the versioned heads (on @branch). */
static GPtrArray *
branch_heads (StrataGraph  *self,
              const char   *branch,
              GError      **error)
{
  Node *branch_node;

  if (branch == NULL)
    return g_ptr_array_ref (self->heads);

  if (!(branch_node = lookup_ident (self, branch, NULL, error)))
    return NULL;

  return filter_for_lineage (self, self->heads, branch_node, FALSE);
}

/* Alembic's get_revisions for one identifier: head, heads, base, label@…,
 * REV, prefix, label. An empty result means base. */
static GPtrArray *
get_revisions (StrataGraph  *self,
               const char   *target,
               GError      **error)
{
  g_autoptr(GPtrArray) result = g_ptr_array_new ();
  g_autofree char *branch = NULL;
  const char *at = strchr (target, '@');
  const char *id = target;

  if (at != NULL)
    {
      branch = g_strndup (target, at - target);
      id = at + 1;
    }

  if (g_str_equal (id, "heads"))
    {
      g_autoptr(GPtrArray) heads = NULL;

      if (branch == NULL)
        heads = g_ptr_array_ref (self->real_heads);
      else if (!(heads = branch_heads (self, branch, error)))
        return NULL;

      g_ptr_array_extend (result, heads, NULL, NULL);
    }
  else if (g_str_equal (id, "head"))
    {
      g_autoptr(GPtrArray) heads = branch_heads (self, branch, error);

      if (heads == NULL)
        return NULL;

      if (heads->len > 1)
        {
          set_multiple_heads_error (error, target, heads);
          return NULL;
        }

      g_ptr_array_extend (result, heads, NULL, NULL);
    }
  else if (g_str_equal (id, "base"))
    {
      if (branch != NULL && !resolve_branch (self, branch, error))
        return NULL;
    }
  else
    {
      Node *node = lookup_ident (self, id, branch, error);

      if (node == NULL)
        return NULL;

      g_ptr_array_add (result, node);
    }

  return g_steal_pointer (&result);
}

/* Alembic's get_revision: at most one revision; NULL with no error is base. */
static gboolean
get_revision (StrataGraph  *self,
              const char   *target,
              Node        **out_node,
              GError      **error)
{
  g_autoptr(GPtrArray) nodes = get_revisions (self, target, error);

  if (nodes == NULL)
    return FALSE;

  if (nodes->len > 1)
    {
      set_multiple_heads_error (error, target, nodes);
      return FALSE;
    }

  *out_node = nodes->len ? g_ptr_array_index (nodes, 0) : NULL;
  return TRUE;
}

/**
 * strata_graph_resolve:
 * @id: a full revision id, a unique prefix (Alembic's: of any length), or
 *   a branch label
 *
 * Returns: (transfer none): the script, or %NULL with @error set
 *   (%STRATA_ERROR_UNKNOWN_REVISION or %STRATA_ERROR_AMBIGUOUS)
 */
StrataScript *
strata_graph_resolve (StrataGraph  *self,
                      const char   *id,
                      GError      **error)
{
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!(node = lookup_ident (self, id, NULL, error)))
    return NULL;

  return node->script;
}

/* Relative targets ---------------------------------------------------------- */

static void
relative_clear (Relative *rel)
{
  g_clear_pointer (&rel->branch, g_free);
  g_clear_pointer (&rel->symbol, g_free);
  g_clear_pointer (&rel->relative, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Relative, relative_clear)

static gboolean
parse_relative (const char *target,
                Relative   *rel)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (g_once_init_enter (&regex))
    {
      /* Python's re.match: anchored at the start only. */
      GRegex *compiled = g_regex_new ("^(?:(.+?)@)?(\\w+)?([+-]\\d+)", G_REGEX_OPTIMIZE, 0, NULL);

      g_once_init_leave (&regex, compiled);
    }

  if (!g_regex_match (regex, target, 0, &match))
    return FALSE;

  rel->branch = g_match_info_fetch (match, 1);
  rel->symbol = g_match_info_fetch (match, 2);
  rel->relative = g_match_info_fetch (match, 3);

  /* Neither group can match the empty string: empty means absent. */
  if (rel->branch != NULL && *rel->branch == '\0')
    g_clear_pointer (&rel->branch, g_free);
  if (rel->symbol != NULL && *rel->symbol == '\0')
    g_clear_pointer (&rel->symbol, g_free);

  rel->steps = g_ascii_strtoll (rel->relative, NULL, 10);
  rel->steps = CLAMP (rel->steps, -(gint64)G_MAXINT, (gint64)G_MAXINT);

  return TRUE;
}

static void
set_relative_error (GError     **error,
                    const char  *target,
                    gint64       steps,
                    const char  *hint)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
               g_dngettext (STRATA_I18N_DOMAIN,
                            "Relative revision %s didn't produce %" PRId64 " migration%s%s",
                            "Relative revision %s didn't produce %" PRId64 " migrations%s%s",
                            (gulong)ABS (steps)),
               target, ABS (steps), hint ? "; " : "", hint ? hint : "");
}

/* Alembic's _walk: @steps up (> 0) or down (< 0). Going up, @branch keeps
 * the walk on that branch. Walking past the end leaves AT_NOTHING, or with
 * !@no_overwalk stays where it is. */
static gboolean
walk (StrataGraph  *self,
      Position     *pos,
      gint64        steps,
      Node         *branch,
      gboolean      no_overwalk,
      GError      **error)
{
  for (gint64 i = 0; i < ABS (steps); i++)
    {
      g_autoptr(GPtrArray) candidates = NULL;
      const char *what;

      if (steps > 0)
        {
          GPtrArray *up = pos->kind == AT_REVISION ? pos->node->next : self->bases;

          what = pos->kind == AT_REVISION ? _("child revisions") : _("base revisions");
          if (branch != NULL)
            candidates = filter_for_lineage (self, up, branch, FALSE);
          else
            candidates = g_ptr_array_copy (up, NULL, NULL);
        }
      else
        {
          what = pos->kind == AT_REVISION ? _("down revisions") : _("heads");
          if (pos->kind == AT_BASE)
            candidates = g_ptr_array_new ();
          else
            {
              GPtrArray *down = pos->kind == AT_REVISION ? pos->node->down : self->heads;

              candidates = g_ptr_array_copy (down, NULL, NULL);
              if (candidates->len == 0)
                {
                  pos->kind = AT_BASE;
                  pos->node = NULL;
                  continue;
                }
            }
        }

      if (candidates->len == 0)
        {
          if (no_overwalk)
            {
              pos->kind = AT_NOTHING;
              pos->node = NULL;
            }
          return TRUE;
        }

      if (candidates->len > 1)
        {
          g_autofree char *listed = NULL;

          g_ptr_array_sort (candidates, compare_nodes_by_id);
          listed = join_ids (candidates);
          if (steps > 0)
            g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                         _("Ambiguous walk: %s%s has several %s (%s); name a branch (LABEL@%+" PRId64
                           ") or a revision"),
                         pos->kind == AT_REVISION ? _("revision ") : _("the history"),
                         pos->kind == AT_REVISION ? pos->node->id : "",
                         what, listed, steps);
          else
            g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                         _("Ambiguous walk: %s%s has several %s (%s); name the target revision instead"),
                         pos->kind == AT_REVISION ? _("revision ") : _("the history"),
                         pos->kind == AT_REVISION ? pos->node->id : "",
                         what, listed);
          return FALSE;
        }

      pos->kind = AT_REVISION;
      pos->node = g_ptr_array_index (candidates, 0);
    }

  return TRUE;
}

static Position
position_of (Node *node)
{
  Position pos = { node ? AT_REVISION : AT_NOTHING, node };

  return pos;
}

/* Alembic's _filter_into_branch_heads over everything applied. */
static GPtrArray *
all_current_branch_heads (StrataGraph *self,
                          GPtrArray   *current)
{
  g_autofree guint8 *applied = collect_array (self, current, ANCESTORS);
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < self->n_nodes; i++)
    {
      Node *node = &self->nodes[i];
      gboolean covered = FALSE;

      if (!applied[i])
        continue;

      for (guint j = 0; j < node->next->len && !covered; j++)
        covered = applied[((Node *)g_ptr_array_index (node->next, j))->index];

      if (!covered)
        g_ptr_array_add (out, node);
    }

  return out;
}

/* Alembic's _parse_upgrade_target: the revisions an upgrade aims at; empty
 * means base. */
static GPtrArray *
parse_upgrade_target (StrataGraph  *self,
                      GPtrArray    *current,
                      const char   *target,
                      gboolean      no_overwalk,
                      GError      **error)
{
  g_auto(Relative) rel = { 0 };
  GPtrArray *result;
  Node *branch = NULL;
  Position pos;

  if (!parse_relative (target, &rel))
    return get_revisions (self, target, error);

  if (rel.steps > 0)
    {
      if (rel.branch != NULL && !(branch = lookup_ident (self, rel.branch, NULL, error)))
        return NULL;

      if (rel.symbol == NULL)
        {
          g_autoptr(GPtrArray) starts = NULL;

          if (branch != NULL)
            {
              starts = filter_for_lineage (self, current, branch, FALSE);

              /* The branch has no current head: start from the tip of what
               * is applied on it, or from base. */
              if (starts->len == 0 && current->len > 0)
                {
                  g_autofree guint8 *applied = collect_array (self, current, ANCESTORS);
                  g_autofree guint8 *lineage = lineage_of (self, branch, FALSE);
                  g_autofree guint8 *below = marks_new (self);
                  g_autoptr(GPtrArray) active = g_ptr_array_new ();

                  for (guint i = 0; i < self->n_nodes; i++)
                    if (applied[i] && lineage[i])
                      {
                        g_ptr_array_add (active, &self->nodes[i]);
                        for (guint j = 0; j < self->nodes[i].norm_down->len; j++)
                          below[((Node *)g_ptr_array_index (self->nodes[i].norm_down, j))->index] = 1;
                      }

                  for (guint i = 0; i < active->len; i++)
                    if (!below[((Node *)g_ptr_array_index (active, i))->index])
                      g_ptr_array_add (starts, g_ptr_array_index (active, i));
                }
            }
          else
            starts = g_ptr_array_copy (current, NULL, NULL);

          if (starts->len > 1)
            {
              g_autofree char *listed = join_ids (starts);

              g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                           _("Ambiguous upgrade from multiple current revisions (%s); "
                             "use LABEL@%s or REV%s"), listed, rel.relative, rel.relative);
              return NULL;
            }

          pos = position_of (starts->len ? g_ptr_array_index (starts, 0) : NULL);
        }
      else
        {
          Node *start;

          if (!get_revision (self, rel.symbol, &start, error))
            return NULL;
          pos = position_of (start);
        }

      if (!walk (self, &pos, rel.steps, branch, no_overwalk, error))
        return NULL;

      if (pos.kind != AT_REVISION)
        {
          set_relative_error (error, target, rel.steps, NULL);
          return NULL;
        }
    }
  else
    {
      Node *start;

      if (rel.symbol == NULL)
        {
          set_relative_error (error, rel.relative, rel.steps,
                              _("an upgrade goes up: use +N, REV+N or REV-N"));
          return NULL;
        }

      if (rel.branch != NULL)
        {
          g_autofree char *qualified = g_strdup_printf ("%s@%s", rel.branch, rel.symbol);

          if (!get_revision (self, qualified, &start, error))
            return NULL;
        }
      else if (!get_revision (self, rel.symbol, &start, error))
        return NULL;

      pos = position_of (start);
      if (!walk (self, &pos, rel.steps, NULL, no_overwalk, error))
        return NULL;

      if (pos.kind == AT_NOTHING)
        {
          set_relative_error (error, target, rel.steps, NULL);
          return NULL;
        }
    }

  result = g_ptr_array_new ();
  if (pos.kind == AT_REVISION)
    g_ptr_array_add (result, pos.node);

  return result;
}

/* Alembic's _parse_downgrade_target: the revision to go down to (NULL for
 * base) and the branch it names, if any. */
static gboolean
parse_downgrade_target (StrataGraph  *self,
                        GPtrArray    *current,
                        const char   *target,
                        char        **out_branch,
                        Node        **out_node,
                        GError      **error)
{
  g_auto(Relative) rel = { 0 };
  g_autofree char *branch = NULL;
  Position pos;

  if (!parse_relative (target, &rel))
    {
      const char *at = strrchr (target, '@');

      if (!get_revision (self, target, out_node, error))
        return FALSE;

      *out_branch = at ? g_strndup (target, at - target) : NULL;
      return TRUE;
    }

  branch = g_strdup (rel.branch);

  if (rel.steps >= 0)
    {
      Node *branch_node = NULL;
      Node *start;

      if (rel.symbol == NULL)
        {
          set_relative_error (error, rel.relative, rel.steps,
                              _("a downgrade goes down: use -N, LABEL@-N or REV-N"));
          return FALSE;
        }

      if (branch != NULL && !(branch_node = lookup_ident (self, branch, NULL, error)))
        return FALSE;
      if (!get_revision (self, rel.symbol, &start, error))
        return FALSE;

      pos = position_of (start);
      if (!walk (self, &pos, rel.steps, branch_node, TRUE, error))
        return FALSE;
    }
  else
    {
      Node *start;

      if (rel.symbol == NULL)
        {
          Node *from;

          if (branch != NULL)
            {
              Node *branch_node = lookup_ident (self, branch, NULL, error);
              g_autoptr(GPtrArray) on_branch = NULL;

              if (branch_node == NULL)
                return FALSE;

              on_branch = filter_for_lineage (self, current, branch_node, FALSE);
              if (on_branch->len == 0)
                {
                  g_autoptr(GPtrArray) all_current = all_current_branch_heads (self, current);

                  g_clear_pointer (&on_branch, g_ptr_array_unref);
                  on_branch = filter_for_lineage (self, all_current, branch_node, FALSE);
                }

              if (on_branch->len == 0)
                {
                  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                               g_dngettext (STRATA_I18N_DOMAIN,
                                            "Relative revision %s didn't produce %" PRId64 " migration; "
                                            "nothing on branch '%s' is applied",
                                            "Relative revision %s didn't produce %" PRId64 " migrations; "
                                            "nothing on branch '%s' is applied",
                                            (gulong)ABS (rel.steps)),
                               target, ABS (rel.steps), branch);
                  return FALSE;
                }
              if (on_branch->len > 1)
                {
                  g_autofree char *listed = join_ids (on_branch);

                  g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                               _("Relative revision %s is ambiguous: branch '%s' has several current "
                                 "heads (%s); use REV%s"), target, branch, listed, rel.relative);
                  return FALSE;
                }

              from = g_ptr_array_index (on_branch, 0);
            }
          else
            {
              if (current->len == 0)
                {
                  set_relative_error (error, rel.relative, rel.steps, _("nothing is applied"));
                  return FALSE;
                }
              if (current->len > 1)
                {
                  /* Alembic only warns here and picks whichever row the
                   * database returns first. */
                  g_autofree char *listed = join_ids (current);

                  g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                               _("Relative revision %s is ambiguous: the database has several heads (%s); "
                                 "use LABEL@%s or REV%s"), rel.relative, listed, rel.relative, rel.relative);
                  return FALSE;
                }

              from = g_ptr_array_index (current, 0);
              branch = g_strdup (from->id);
            }

          start = from;
        }
      else if (branch != NULL)
        {
          g_autofree char *qualified = g_strdup_printf ("%s@%s", branch, rel.symbol);

          if (!get_revision (self, qualified, &start, error))
            return FALSE;
        }
      else if (!get_revision (self, rel.symbol, &start, error))
        return FALSE;

      pos = position_of (start);
      if (!walk (self, &pos, rel.steps, NULL, TRUE, error))
        return FALSE;
    }

  if (pos.kind == AT_NOTHING)
    {
      set_relative_error (error, target, rel.steps, NULL);
      return FALSE;
    }

  *out_node = pos.kind == AT_REVISION ? pos.node : NULL;
  *out_branch = g_steal_pointer (&branch);
  return TRUE;
}

/* The current version-table rows as revisions. */
static GPtrArray *
current_nodes (StrataGraph         *self,
               const char * const  *heads,
               GError             **error)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  for (guint i = 0; heads != NULL && heads[i] != NULL; i++)
    {
      Node *node = g_hash_table_lookup (self->by_id, heads[i]);

      if (node == NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("The version table holds revision '%s', which is not among the migrations"),
                       heads[i]);
          return NULL;
        }

      add_unique (nodes, node);
    }

  return g_steal_pointer (&nodes);
}

static const char *
target_or_head (const char *target)
{
  return target == NULL || *target == '\0' ? "head" : target;
}

/**
 * strata_graph_resolve_target:
 * @current_heads: (nullable) (array zero-terminated=1): the version table
 * @target: a target; "" or %NULL mean head
 * @direction: whether the target is read as an upgrade or a downgrade target
 *
 * Returns: (transfer full): the sorted revisions the target stands for
 *   (empty for base), or %NULL with @error set
 */
char **
strata_graph_resolve_target (StrataGraph         *self,
                             const char * const  *current_heads,
                             const char          *target,
                             StrataDirection      direction,
                             GError             **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) nodes = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  target = target_or_head (target);

  if (!(current = current_nodes (self, current_heads, error)))
    return NULL;

  if (direction == STRATA_DIRECTION_UP)
    {
      if (!(nodes = parse_upgrade_target (self, current, target, TRUE, error)))
        return NULL;
    }
  else
    {
      g_autofree char *branch = NULL;
      Node *node;

      if (!parse_downgrade_target (self, current, target, &branch, &node, error))
        return NULL;

      nodes = g_ptr_array_new ();
      if (node != NULL)
        g_ptr_array_add (nodes, node);
    }

  return ids_of (nodes);
}

/* Ordering: Alembic's _topological_sort ---------------------------------- */

/* From the given heads down, one branch at a time as far as it goes, moving
 * to another head whenever it still needs the candidate. @todo is consumed.
 * The order is Alembic's own, given the same file order. */
static GPtrArray *
topological_sort (StrataGraph *self,
                  guint8      *todo,
                  GPtrArray   *heads,
                  gboolean    *out_complete)
{
  g_autoptr(GPtrArray) current = g_ptr_array_new ();
  g_autoptr(GPtrArray) ancestors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) to_add = g_ptr_array_new ();
  GPtrArray *output = g_ptr_array_new ();
  guint n_todo = 0;
  guint idx = 0;

  for (guint i = 0; i < self->n_nodes; i++)
    n_todo += todo[i] != 0;

  for (guint i = 0; i < heads->len; i++)
    if (todo[((Node *)g_ptr_array_index (heads, i))->index])
      add_unique (current, g_ptr_array_index (heads, i));
  g_ptr_array_sort (current, compare_nodes_by_index);

  for (guint i = 0; i < current->len; i++)
    g_ptr_array_add (ancestors, collect (self, (Node **)&current->pdata[i], 1, ANCESTORS));

  while (current->len > 0)
    {
      Node *candidate = g_ptr_array_index (current, idx);
      gboolean needed_elsewhere = FALSE;

      for (guint j = 0; j < ancestors->len; j++)
        if (j != idx && ((guint8 *)g_ptr_array_index (ancestors, j))[candidate->index])
          {
            idx = j;
            needed_elsewhere = TRUE;
            break;
          }

      if (needed_elsewhere)
        continue;

      if (todo[candidate->index])
        {
          g_ptr_array_add (output, candidate);
          todo[candidate->index] = 0;
          n_todo--;
        }

      g_ptr_array_set_size (to_add, 0);
      for (guint j = 0; j < candidate->norm_down->len; j++)
        {
          Node *down = g_ptr_array_index (candidate->norm_down, j);

          if (todo[down->index] && !g_ptr_array_find (current, down, NULL))
            g_ptr_array_add (to_add, down);
        }

      if (to_add->len == 0)
        {
          g_ptr_array_remove_index (current, idx);
          g_ptr_array_remove_index (ancestors, idx);
          idx = idx > 0 ? idx - 1 : 0;
        }
      else if (!candidate->has_norm_deps && candidate->down->len == 1)
        {
          current->pdata[idx] = g_ptr_array_index (to_add, 0);
          ((guint8 *)g_ptr_array_index (ancestors, idx))[candidate->index] = 0;
        }
      else
        {
          current->pdata[idx] = g_ptr_array_index (to_add, 0);
          g_free (ancestors->pdata[idx]);
          ancestors->pdata[idx] = collect (self, (Node **)&to_add->pdata[0], 1, ANCESTORS);

          for (guint j = 1; j < to_add->len; j++)
            {
              g_ptr_array_add (current, g_ptr_array_index (to_add, j));
              g_ptr_array_add (ancestors, collect (self, (Node **)&to_add->pdata[j], 1, ANCESTORS));
            }
        }
    }

  /* Revisions no head leads to (Alembic asserts there are none): the caller
   * decides; they follow, newest first. */
  *out_complete = n_todo == 0;
  for (guint i = self->sorted->len; n_todo > 0 && i > 0; i--)
    {
      Node *node = node_for_script (self, g_ptr_array_index (self->sorted, i - 1));

      if (todo[node->index])
        {
          g_ptr_array_add (output, node);
          n_todo--;
        }
    }

  return output;
}

/* The version table: Alembic's HeadMaintainer ----------------------------- */

typedef struct
{
  StrataGraph *graph;
  GHashTable  *heads;   /* Node * set */
  Visit        visit;
} Heads;

static void
heads_init (Heads       *heads,
            StrataGraph *graph,
            GPtrArray   *current)
{
  heads->graph = graph;
  heads->heads = g_hash_table_new (NULL, NULL);
  visit_init (&heads->visit, graph);

  for (guint i = 0; i < current->len; i++)
    g_hash_table_add (heads->heads, g_ptr_array_index (current, i));
}

static void
heads_clear (Heads *heads)
{
  g_clear_pointer (&heads->heads, g_hash_table_unref);
  visit_clear (&heads->visit);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Heads, heads_clear)

static char **
heads_dup (Heads *heads)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_sized_new (g_hash_table_size (heads->heads));
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, heads->heads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (nodes, key);

  return ids_of (nodes);
}

/* Whether @node is below (or is) a head other than @except and those in
 * @except_all: Alembic's "ancestors of the other heads". */
static gboolean
heads_others_imply (Heads     *heads,
                    Node      *node,
                    Node      *except,
                    GPtrArray *except_all)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, heads->heads);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (key == except || (except_all != NULL && g_ptr_array_find (except_all, key, NULL)))
        continue;
      if (is_ancestor_visit (&heads->visit, node, key, TRUE))
        return TRUE;
    }

  return FALSE;
}

static guint
heads_count_in (Heads     *heads,
                GPtrArray *nodes)
{
  guint n = 0;

  for (guint i = 0; i < nodes->len; i++)
    n += g_hash_table_contains (heads->heads, g_ptr_array_index (nodes, i));

  return n;
}

/* RevisionStep upgrade: create a branch, merge branches, or move a head. */
static void
heads_upgrade (Heads *heads,
               Node  *node)
{
  GPtrArray *downs = node->norm_down;
  guint present = heads_count_in (heads, downs);

  if (downs->len == 0 || present == 0)
    {
      g_hash_table_add (heads->heads, node);
    }
  else if (downs->len > 1 && present > 1)
    {
      g_autoptr(GPtrArray) merged = g_ptr_array_new ();

      for (guint i = 0; i < downs->len; i++)
        if (!heads_others_imply (heads, g_ptr_array_index (downs, i), NULL, downs))
          g_ptr_array_add (merged, g_ptr_array_index (downs, i));

      for (guint i = 0; i < merged->len; i++)
        g_hash_table_remove (heads->heads, g_ptr_array_index (merged, i));
      g_hash_table_add (heads->heads, node);
    }
  else
    {
      for (guint i = 0; i < downs->len; i++)
        g_hash_table_remove (heads->heads, g_ptr_array_index (downs, i));
      g_hash_table_add (heads->heads, node);
    }
}

/* RevisionStep downgrade: delete a branch, unmerge, or move a head down to
 * whichever down revisions no other head still implies. */
static void
heads_downgrade (Heads *heads,
                 Node  *node)
{
  GPtrArray *downs = node->norm_down;
  g_autoptr(GPtrArray) to = NULL;

  if (!g_hash_table_contains (heads->heads, node))
    return;

  to = g_ptr_array_new ();
  for (guint i = 0; i < downs->len; i++)
    if (!heads_others_imply (heads, g_ptr_array_index (downs, i), node, NULL))
      g_ptr_array_add (to, g_ptr_array_index (downs, i));

  g_hash_table_remove (heads->heads, node);
  for (guint i = 0; i < to->len; i++)
    g_hash_table_add (heads->heads, g_ptr_array_index (to, i));
}

/* Plans -------------------------------------------------------------------- */

static StrataPlan *
build_plan (StrataGraph     *self,
            StrataDirection  direction,
            const char      *target,
            GPtrArray       *current,
            GPtrArray       *steps)
{
  g_auto(Heads) heads = { 0 };
  g_auto(GStrv) before = NULL;
  StrataPlan *plan;

  heads_init (&heads, self, current);
  before = heads_dup (&heads);
  plan = strata_plan_new (direction, target, (const char * const *)before);

  for (guint i = 0; i < steps->len; i++)
    {
      Node *node = g_ptr_array_index (steps, i);
      g_autoptr(StrataStep) step = NULL;
      g_auto(GStrv) after = NULL;

      if (direction == STRATA_DIRECTION_UP)
        heads_upgrade (&heads, node);
      else
        heads_downgrade (&heads, node);

      after = heads_dup (&heads);
      step = strata_step_new (node->script, direction,
                              (const char * const *)before, (const char * const *)after);
      strata_plan_append (plan, step);

      g_strfreev (before);
      before = g_steal_pointer (&after);
    }

  return plan;
}

/* Whether an upgrade target stands for the heads, which a broken file of
 * unknown place may change. */
static gboolean
target_means_heads (const char *target)
{
  const char *at = strrchr (target, '@');

  if (at != NULL)
    target = at + 1;

  return g_str_equal (target, "head") || g_str_equal (target, "heads");
}

/* A plan that needs a broken revision is refused with its error; so is an
 * upgrade to the heads while a broken file's place is unknown (it may be
 * a head). Takes @plan. */
static StrataPlan *
check_intact (StrataGraph  *self,
              StrataPlan   *plan,
              const char   *target,
              GError      **error)
{
  g_autoptr(StrataPlan) owned = plan;
  StrataDirection direction = strata_plan_get_direction (plan);

  for (guint i = 0; i < strata_plan_get_n_steps (plan); i++)
    {
      StrataScript *script = strata_step_get_script (strata_plan_get_step (plan, i));
      const GError *problem = strata_script_get_error (script);

      if (problem != NULL)
        {
          /* Translators: the first %s is the target, the second a revision id, the last the reason */
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       direction == STRATA_DIRECTION_UP
                         ? _("Cannot upgrade to %s: it needs revision %s, which is broken: %s")
                         : _("Cannot downgrade to %s: it needs revision %s, which is broken: %s"),
                       target, strata_script_get_revision (script), problem->message);
          return NULL;
        }
    }

  if (direction == STRATA_DIRECTION_UP && self->unplaced != NULL && self->unplaced->len > 0 &&
      target_means_heads (target))
    {
      const GError *problem = strata_script_get_error (g_ptr_array_index (self->unplaced, 0));

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("Cannot upgrade to %s: a migration file that cannot be read may hold a head: %s; "
                     "fix it, or upgrade to a revision by its id"),
                   target, problem->message);
      return NULL;
    }

  return g_steal_pointer (&owned);
}

/**
 * strata_graph_plan_upgrade:
 * @current_heads: (nullable) (array zero-terminated=1): the version table
 * @target: (nullable): the target; %NULL or "" mean head
 *
 * As Alembic's upgrade: applies what @target needs (its ancestors and
 * depends_on) that is not applied yet, in Alembic's order, with the version
 * table of each step as Alembic would leave it. A target that is already
 * behind the current state is an error (Alembic does nothing there).
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
StrataPlan *
strata_graph_plan_upgrade (StrataGraph         *self,
                           const char * const  *current_heads,
                           const char          *target,
                           GError             **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autofree guint8 *required = NULL;
  g_autofree guint8 *applied = NULL;
  gboolean complete;
  gboolean any = FALSE;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  target = target_or_head (target);

  if (!(current = current_nodes (self, current_heads, error)) ||
      !(targets = parse_upgrade_target (self, current, target, TRUE, error)))
    return NULL;

  /* Alembic's check=True: no target may be an ancestor of another. */
  for (guint i = 0; i < targets->len; i++)
    for (guint j = 0; j < targets->len; j++)
      if (i != j && is_ancestor (self, g_ptr_array_index (targets, i), g_ptr_array_index (targets, j), TRUE))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("Requested revision %s overlaps with other requested revisions %s"),
                       ((Node *)g_ptr_array_index (targets, j))->id,
                       ((Node *)g_ptr_array_index (targets, i))->id);
          return NULL;
        }

  /* Nor may a row of the version table be below another one (a state only
   * a stamp can leave): Alembic refuses to upgrade from it. */
  for (guint i = 0; i < current->len; i++)
    for (guint j = 0; j < current->len; j++)
      if (i != j && is_ancestor (self, g_ptr_array_index (current, i), g_ptr_array_index (current, j), TRUE))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                       _("The version table holds revision %s and its descendant %s; "
                         "repair it with stamp before upgrading"),
                       ((Node *)g_ptr_array_index (current, i))->id,
                       ((Node *)g_ptr_array_index (current, j))->id);
          return NULL;
        }

  required = collect_array (self, targets, ANCESTORS);
  applied = collect_array (self, current, ANCESTORS);

  for (guint i = 0; i < self->n_nodes; i++)
    {
      required[i] = required[i] && !applied[i];
      any |= required[i];
    }

  /* Nothing required: the targets are applied already, at the heads or
   * below them. As in Alembic, that is an empty plan, not an error; the
   * caller says so. */

  order = topological_sort (self, required, targets, &complete);
  if (!complete)
    g_debug ("Upgrade to %s: revisions outside the targets' ancestry were appended", target);
  for (guint i = 0; i < order->len / 2; i++)
    {
      gpointer swap = order->pdata[i];

      order->pdata[i] = order->pdata[order->len - 1 - i];
      order->pdata[order->len - 1 - i] = swap;
    }

  return check_intact (self, build_plan (self, STRATA_DIRECTION_UP, target, current, order), target, error);
}

/**
 * strata_graph_plan_downgrade:
 * @current_heads: (nullable) (array zero-terminated=1): the version table
 * @target: base, a revision, label@base, -N, LABEL@-N, REV-N, …
 *
 * As Alembic's downgrade: reverts what is applied and depends on @target's
 * children (everything after it, including through depends_on), newest
 * first. A target that is not below the current state is an error.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
StrataPlan *
strata_graph_plan_downgrade (StrataGraph         *self,
                             const char * const  *current_heads,
                             const char          *target,
                             GError             **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) roots = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autofree guint8 *dropped = NULL;
  g_autofree guint8 *applied = NULL;
  g_autofree char *branch = NULL;
  gboolean complete;
  gboolean any = FALSE;
  Node *node;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!(current = current_nodes (self, current_heads, error)) ||
      !parse_downgrade_target (self, current, target, &branch, &node, error))
    return NULL;

  if (node == NULL)
    roots = g_ptr_array_copy (self->bases, NULL, NULL);
  else
    roots = g_ptr_array_copy (node->next, NULL, NULL);

  if (branch != NULL && roots->len > 1)
    {
      Node *branch_node = resolve_branch (self, branch, error);
      g_autofree guint8 *below = NULL;
      guint kept = 0;

      if (branch_node == NULL)
        return NULL;

      below = collect (self, &branch_node, 1, ANCESTORS_VERSIONED);
      for (guint i = 0; i < roots->len; i++)
        if (below[((Node *)g_ptr_array_index (roots, i))->index])
          roots->pdata[kept++] = roots->pdata[i];
      g_ptr_array_set_size (roots, kept);

      if (kept == 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("Destination %s is not a valid downgrade target from current heads: "
                         "nothing after it is on branch '%s'"), target, branch);
          return NULL;
        }
    }

  dropped = collect_array (self, roots, DESCENDANTS);
  applied = collect_array (self, current, ANCESTORS);

  for (guint i = 0; i < self->n_nodes; i++)
    {
      dropped[i] = dropped[i] && applied[i];
      any |= dropped[i];
    }

  if (node != NULL && !any && !g_ptr_array_find (current, node, NULL))
    {
      g_autofree char *listed = describe_heads (current_heads);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("Destination %s is not a valid downgrade target from current head(s) %s"),
                   target, listed);
      return NULL;
    }

  order = topological_sort (self, dropped, current, &complete);
  if (!complete)
    g_debug ("Downgrade to %s: revisions outside the current heads' ancestry were appended", target);

  return check_intact (self, build_plan (self, STRATA_DIRECTION_DOWN, target, current, order), target, error);
}

/* Stamp: Alembic's _stamp_revs and StampStep --------------------------------- */

static void
stamp_move (Heads     *heads,
            GPtrArray *from,
            Node      *dest,
            gboolean   upgrade)
{
  /* StampStep.should_create_branch: some from-revision is gone already. */
  if (upgrade && !g_hash_table_contains (heads->heads, dest))
    for (guint i = 0; i < from->len; i++)
      if (!g_hash_table_contains (heads->heads, g_ptr_array_index (from, i)))
        {
          g_hash_table_add (heads->heads, dest);
          return;
        }

  for (guint i = 0; i < from->len; i++)
    g_hash_table_remove (heads->heads, g_ptr_array_index (from, i));
  g_hash_table_add (heads->heads, dest);
}

/**
 * strata_graph_plan_stamp:
 * @current_heads: (nullable) (array zero-terminated=1): the version table
 * @target: the revision(s) to stamp: REV, heads, head, base, label@head, …
 * @purge: ignore the current rows
 *
 * As Alembic's stamp: each destination replaces the current heads on its
 * lineage, or becomes a new head when none is.
 *
 * Returns: (transfer full): the sorted rows after the stamp, or %NULL with
 *   @error set
 */
char **
strata_graph_plan_stamp (StrataGraph         *self,
                         const char * const  *current_heads,
                         const char          *target,
                         gboolean             purge,
                         GError             **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) dests = NULL;
  g_autoptr(GPtrArray) filtered = g_ptr_array_new ();
  g_auto(Heads) heads = { 0 };

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (target == NULL || *target == '\0')
    target = "base";

  if (purge)
    current = g_ptr_array_new ();
  else if (!(current = current_nodes (self, current_heads, error)))
    return NULL;

  if (!(dests = get_revisions (self, target, error)))
    return NULL;

  /* A broken revision is not put in the version table: nothing could
   * upgrade from it or roll it back */
  for (guint i = 0; i < dests->len; i++)
    {
      Node *dest = g_ptr_array_index (dests, i);
      const GError *problem = strata_script_get_error (dest->script);

      if (problem != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("Cannot stamp %s: revision %s is broken: %s"), target, dest->id, problem->message);
          return NULL;
        }
    }

  /* The current heads on the lineage of the target (all of them for base). */
  {
    g_autoptr(GPtrArray) shares = g_ptr_array_copy (dests, NULL, NULL);
    const char *at = strchr (target, '@');

    if (at != NULL)
      {
        g_autofree char *branch = g_strndup (target, at - target);
        Node *branch_node = resolve_branch (self, branch, error);

        if (branch_node == NULL)
          return NULL;
        add_unique (shares, branch_node);
      }

    for (guint i = 0; i < current->len; i++)
      {
        Node *head = g_ptr_array_index (current, i);
        gboolean keep = shares->len == 0;

        for (guint j = 0; j < shares->len && !keep; j++)
          keep = shares_lineage (self, head, g_ptr_array_index (shares, j), TRUE);

        if (keep)
          g_ptr_array_add (filtered, head);
      }
  }

  heads_init (&heads, self, current);

  if (dests->len == 0)
    for (guint i = 0; i < filtered->len; i++)
      g_hash_table_remove (heads.heads, g_ptr_array_index (filtered, i));

  for (guint i = 0; i < dests->len; i++)
    {
      Node *dest = g_ptr_array_index (dests, i);
      gboolean above = FALSE;
      gboolean below = FALSE;

      if (g_ptr_array_find (filtered, dest, NULL))
        continue;

      for (guint j = 0; j < filtered->len; j++)
        {
          Node *head = g_ptr_array_index (filtered, j);

          above |= is_ancestor (self, dest, head, TRUE);
          below |= is_ancestor (self, head, dest, TRUE);
        }

      if (above)
        stamp_move (&heads, filtered, dest, FALSE);
      else if (below)
        stamp_move (&heads, filtered, dest, TRUE);
      else
        g_hash_table_add (heads.heads, dest);
    }

  return heads_dup (&heads);
}

/* History ---------------------------------------------------------------------- */

/* Alembic's get_revisions("-N") and ("label@-N"): N down from every head
 * (with that label). Returns NULL without error when the walk goes past base
 * on some head. */
static gboolean
relative_from_heads (StrataGraph  *self,
                     const char   *lower,
                     GPtrArray   **out_nodes,
                     GError      **error)
{
  g_auto(Relative) rel = { 0 };
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  *out_nodes = NULL;

  if (!parse_relative (lower, &rel) || rel.symbol != NULL || rel.steps >= 0)
    return TRUE;

  for (guint i = 0; i < self->real_heads->len; i++)
    {
      Node *head = g_ptr_array_index (self->real_heads, i);
      Position pos = position_of (head);

      if (rel.branch != NULL &&
          (head->labels == NULL ||
           !g_ptr_array_find_with_equal_func (head->labels, rel.branch, g_str_equal, NULL)))
        continue;

      if (!walk (self, &pos, rel.steps, NULL, TRUE, error))
        return FALSE;

      if (pos.kind == AT_NOTHING)
        {
          g_ptr_array_set_size (nodes, 0);
          break;
        }
      if (pos.kind == AT_REVISION)
        add_unique (nodes, pos.node);
    }

  *out_nodes = g_steal_pointer (&nodes);
  return TRUE;
}

/**
 * strata_graph_range:
 * @current_heads: (nullable) (array zero-terminated=1): the version table,
 *   for relative bounds and "current"
 * @lower: (nullable): the lower bound (included); %NULL means base
 * @upper: (nullable): the upper bound (included); %NULL means heads
 *
 * As Alembic's history -r LOWER:UPPER (walk_revisions): the revisions between
 * the bounds, newest first.
 *
 * Returns: (transfer full) (element-type StrataScript): the revisions, or
 *   %NULL with @error set
 */
GPtrArray *
strata_graph_range (StrataGraph         *self,
                    const char * const  *current_heads,
                    const char          *lower,
                    const char          *upper,
                    GError             **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) lower_nodes = NULL;
  g_autoptr(GPtrArray) targets = NULL;
  g_autoptr(GPtrArray) order = NULL;
  g_autofree guint8 *needs = NULL;
  g_autofree guint8 *below = NULL;
  gboolean complete;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!(current = current_nodes (self, current_heads, error)))
    return NULL;

  if (lower == NULL || *lower == '\0')
    lower = "base";
  if (upper == NULL || *upper == '\0')
    upper = "heads";

  /* The lower bound: revisions, or a relative -N from the heads. */
  if (g_str_equal (lower, "current"))
    lower_nodes = g_ptr_array_copy (current, NULL, NULL);
  else
    {
      if (!relative_from_heads (self, lower, &lower_nodes, error))
        return NULL;
      if (lower_nodes == NULL && !(lower_nodes = get_revisions (self, lower, error)))
        return NULL;
    }

  if (g_str_equal (upper, "current"))
    targets = g_ptr_array_copy (current->len ? current : self->real_heads, NULL, NULL);
  else if (!(targets = parse_upgrade_target (self, lower_nodes, upper, FALSE, error)))
    return NULL;

  /* LABEL@… as the lower bound keeps the upper targets on that branch. */
  if (strchr (lower, '@') != NULL)
    {
      g_autofree char *branch = g_strndup (lower, strchr (lower, '@') - lower);
      Node *branch_node = NULL;
      guint kept = 0;

      if (!g_hash_table_contains (self->by_label, branch))
        {
          if (!get_revision (self, branch, &branch_node, error))
            return NULL;
          if (branch_node != NULL && branch_node->labels != NULL && branch_node->labels->len == 1)
            {
              g_free (branch);
              branch = g_strdup (g_ptr_array_index (branch_node->labels, 0));
            }
        }

      for (guint i = 0; i < targets->len; i++)
        {
          Node *node = g_ptr_array_index (targets, i);

          if (node->labels != NULL &&
              g_ptr_array_find_with_equal_func (node->labels, branch, g_str_equal, NULL))
            targets->pdata[kept++] = node;
        }
      g_ptr_array_set_size (targets, kept);
    }

  needs = collect_array (self, targets, ANCESTORS);

  for (guint i = 0; i < lower_nodes->len; i++)
    if (!needs[((Node *)g_ptr_array_index (lower_nodes, i))->index])
      {
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                     _("Requested range %s:%s does not refer to ancestor/descendant revisions "
                       "along the same branch"), lower, upper);
        return NULL;
      }

  if (lower_nodes->len > 0)
    {
      g_autofree guint8 *before = collect_array (self, lower_nodes, ANCESTORS);

      below = collect_array (self, lower_nodes, DESCENDANTS_VERSIONED);
      for (guint i = 0; i < self->n_nodes; i++)
        needs[i] = needs[i] && !before[i] && below[i];

      for (guint i = 0; i < lower_nodes->len; i++)
        needs[((Node *)g_ptr_array_index (lower_nodes, i))->index] = 1;
    }

  order = topological_sort (self, needs, targets, &complete);
  if (!complete)
    {
      /* The lower bound is below the upper one only through depends_on. */
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("Requested range %s:%s does not refer to ancestor/descendant revisions "
                     "along the same branch"), lower, upper);
      return NULL;
    }

  return scripts_of (order);
}

/**
 * strata_graph_dup_applied:
 * @heads: (nullable) (array zero-terminated=1): version-table rows
 *
 * Returns: (transfer full) (element-type utf8 StrataScript): every revision
 *   applied when the version table holds @heads (the heads, their ancestors
 *   and what they depend on), by id; or %NULL with @error set
 */
GHashTable *
strata_graph_dup_applied (StrataGraph         *self,
                          const char * const  *heads,
                          GError             **error)
{
  g_autoptr(GPtrArray) current = NULL;
  g_autofree guint8 *applied = NULL;
  GHashTable *table;

  g_return_val_if_fail (STRATA_IS_GRAPH (self), NULL);

  if (!(current = current_nodes (self, heads, error)))
    return NULL;

  applied = collect_array (self, current, ANCESTORS);
  table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  for (guint i = 0; i < self->n_nodes; i++)
    if (applied[i])
      g_hash_table_insert (table, g_strdup (self->nodes[i].id), g_object_ref (self->nodes[i].script));

  return table;
}
