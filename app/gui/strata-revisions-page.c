/* strata-revisions-page.c: the revision graph and the selected revision's details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-revisions-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-graph-row.h"
#include "strata-gui-util.h"
#include "strata-revisions-page.h"

struct _StrataRevisionsPage
{
  AdwBin              parent_instance;

  StrataRevisionList *list;
  StrataDialect       dialect;
  GCancellable       *render_cancellable;  /* while the SQL is rendered */

  /* Template widgets */
  GtkPaned           *paned;
  GtkScrolledWindow  *graph_scroller;
  GtkListView        *graph_view;
  GtkSingleSelection *selection;
  GtkStack           *details_stack;
  GtkLabel           *dialect_label;
  GtkLabel           *message_label;
  GtkLabel           *ids_label;
  GtkLabel           *file_label;
  GtkLabel           *problem_label;
  GtkLabel           *unplaced_label;
  GtkWidget          *sql_header;
  GtkStack           *sql_stack;
  GtkSourceView      *upgrade_view;
  GtkSourceView      *downgrade_view;
};

G_DEFINE_FINAL_TYPE (StrataRevisionsPage, strata_revisions_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SELECTED_REVISION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
strata_revisions_page_has_text (gpointer    unused,
                                const char *text)
{
  return text != NULL && text[0] != '\0';
}

static char *
join_or_none (const char * const *strv)
{
  if (strv == NULL || strv[0] == NULL)
    return g_strdup (C_("revisions", "none"));

  return g_strjoinv (", ", (char **)strv);
}

/* A revision's SQL, rendered in a worker thread */
typedef struct
{
  StrataGraph   *graph;
  StrataStep    *up;
  StrataStep    *down;
  StrataDialect  dialect;
  char          *upgrade;
  char          *downgrade;
} Render;

static void
render_free (gpointer data)
{
  Render *render = data;

  g_clear_object (&render->graph);
  g_clear_object (&render->up);
  g_clear_object (&render->down);
  g_clear_pointer (&render->upgrade, g_free);
  g_clear_pointer (&render->downgrade, g_free);
  g_free (render);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Render *render = task_data;

  render->upgrade = strata_step_render_sql (render->graph, render->up, render->dialect, NULL);
  render->downgrade = strata_step_render_sql (render->graph, render->down, render->dialect, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
render_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  StrataRevisionsPage *self = STRATA_REVISIONS_PAGE (object);
  Render *render = g_task_get_task_data (G_TASK (result));

  /* Another revision was selected meanwhile */
  if (!g_task_propagate_boolean (G_TASK (result), NULL) ||
      g_task_get_cancellable (G_TASK (result)) != self->render_cancellable)
    return;

  g_clear_object (&self->render_cancellable);
  strata_source_view_set_text (self->upgrade_view, render->upgrade);
  strata_source_view_set_text (self->downgrade_view, render->downgrade);
}

static void
strata_revisions_page_show_details (StrataRevisionsPage *self)
{
  StrataRevisionItem *item = gtk_single_selection_get_selected_item (self->selection);
  StrataScript *script;
  GFile *file;
  g_autofree char *parents = NULL;
  g_autofree char *depends = NULL;
  g_autofree char *ids = NULL;
  g_autoptr(GTask) task = NULL;
  Render *render;
  const char *self_heads[2] = { NULL, NULL };

  if (self->render_cancellable != NULL)
    g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);

  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }

  script = strata_revision_item_get_script (item);
  parents = join_or_none (strata_script_get_down_revisions (script));
  depends = join_or_none (strata_script_get_depends_on (script));
  /* Translators: the ids of a revision, its down revision(s) and what it
   * depends on; a merge has several down revisions */
  ids = g_strdup_printf (g_strv_length ((char **)strata_script_get_down_revisions (script)) > 1
                         ? _("Revision %s · Down revisions %s · Depends on %s")
                         : _("Revision %s · Down revision %s · Depends on %s"),
                         strata_script_get_revision (script), parents, depends);

  gtk_label_set_label (self->message_label, strata_revision_item_get_message (item));
  /* Translators: which dialect the SQL below is written for */
  {
    g_autofree char *dialect = g_strdup_printf (_("SQL for %s"), strata_dialect_get_display_name (self->dialect));

    gtk_label_set_label (self->dialect_label, dialect);
  }
  gtk_label_set_label (self->ids_label, ids);
  gtk_label_set_label (self->problem_label, strata_revision_item_get_problem (item));
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), strata_revision_item_get_problem (item) != NULL);

  file = strata_script_get_file (script);
  if (file != NULL)
    {
      g_autofree char *path = strata_gui_display_file (file);

      gtk_label_set_label (self->file_label, path);
    }
  else
    {
      gtk_label_set_label (self->file_label, "");
    }

  strata_source_view_set_text (self->upgrade_view, "");
  strata_source_view_set_text (self->downgrade_view, "");
  gtk_stack_set_visible_child_name (self->details_stack, "details");

  /* A broken revision has no SQL to show: its problem says why */
  gtk_widget_set_visible (self->sql_header, strata_script_get_error (script) == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sql_stack), strata_script_get_error (script) == NULL);
  if (strata_script_get_error (script) != NULL)
    return;

  /* Upgrading from its down revisions, downgrading back to them: with the
   * schema replayed, as the migrator runs them (SQLite rebuilds, computed
   * inverses), in a worker thread */
  self_heads[0] = strata_script_get_revision (script);
  render = g_new0 (Render, 1);
  render->graph = g_object_ref (strata_revision_list_get_graph (self->list));
  render->up = strata_step_new (script, STRATA_DIRECTION_UP, strata_script_get_down_revisions (script), self_heads);
  render->down = strata_step_new (script, STRATA_DIRECTION_DOWN, self_heads, strata_script_get_down_revisions (script));
  render->dialect = self->dialect;

  strata_source_view_set_text (self->upgrade_view, "");
  strata_source_view_set_text (self->downgrade_view, "");
  self->render_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->render_cancellable, render_cb, NULL);
  g_task_set_source_tag (task, strata_revisions_page_show_details);
  g_task_set_task_data (task, render, render_free);
  g_task_run_in_thread (task, render_thread);

  gtk_stack_set_visible_child_name (self->details_stack, "details");
}

static void
strata_revisions_page_selection_changed_cb (StrataRevisionsPage *self)
{
  strata_revisions_page_show_details (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_REVISION]);
}

static void
strata_revisions_page_dispose (GObject *object)
{
  StrataRevisionsPage *self = (StrataRevisionsPage *)object;

  if (self->render_cancellable != NULL)
    g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_REVISIONS_PAGE);

  g_clear_object (&self->list);

  G_OBJECT_CLASS (strata_revisions_page_parent_class)->dispose (object);
}

static void
strata_revisions_page_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  StrataRevisionsPage *self = STRATA_REVISIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SELECTED_REVISION:
      g_value_set_string (value, strata_revisions_page_get_selected_revision (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_revisions_page_class_init (StrataRevisionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_revisions_page_dispose;
  object_class->get_property = strata_revisions_page_get_property;

  properties[PROP_SELECTED_REVISION] =
    g_param_spec_string ("selected-revision", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STRATA_TYPE_GRAPH_ROW);
  g_type_ensure (STRATA_TYPE_REVISION_ITEM);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-revisions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, paned);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, graph_scroller);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, graph_view);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, selection);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, dialect_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, ids_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, file_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, unplaced_label);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, sql_header);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, sql_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, upgrade_view);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, downgrade_view);
  gtk_widget_class_bind_template_callback (widget_class, strata_revisions_page_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_revisions_page_has_text);
}

static void
strata_revisions_page_init (StrataRevisionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  strata_source_view_setup (self->upgrade_view);
  strata_source_view_setup (self->downgrade_view);
}

GtkWidget *
strata_revisions_page_new (void)
{
  return g_object_new (STRATA_TYPE_REVISIONS_PAGE, NULL);
}

void
strata_revisions_page_set_list (StrataRevisionsPage *self,
                                StrataRevisionList  *list)
{
  g_return_if_fail (STRATA_IS_REVISIONS_PAGE (self));
  g_return_if_fail (list == NULL || STRATA_IS_REVISION_LIST (list));

  if (!g_set_object (&self->list, list))
    return;

  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (list));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);

  /* Files whose revision has no place in the graph: above it */
  {
    g_autoptr(GPtrArray) broken = list ? strata_graph_get_broken (strata_revision_list_get_graph (list)) : NULL;
    g_autoptr(GString) text = g_string_new (NULL);
    guint n = 0;

    for (guint i = 0; broken != NULL && i < broken->len; i++)
      {
        StrataScript *script = g_ptr_array_index (broken, i);
        const char *revision = strata_script_get_revision (script);

        if (revision != NULL && strata_revision_list_find (list, revision) != G_MAXUINT)
          continue;
        g_string_append_printf (text, "\n%s", strata_script_get_error (script)->message);
        n++;
      }

    if (n > 0)
      g_string_prepend (text, ngettext ("This migration file cannot be read, so its revision is left out:",
                                        "These migration files cannot be read, so their revisions are left out:",
                                        n));
    gtk_label_set_label (self->unplaced_label, text->str);
    gtk_widget_set_visible (GTK_WIDGET (self->unplaced_label), n > 0);
  }

  /* A project without revisions says how to make the first one */
  /* The bin's own child: not bound, so that disposing the template does
   * not take it from under AdwBin */
  gtk_stack_set_visible_child_name (GTK_STACK (adw_bin_get_child (ADW_BIN (self))),
                                    list == NULL || g_list_model_get_n_items (G_LIST_MODEL (list)) > 0 ||
                                    gtk_widget_get_visible (GTK_WIDGET (self->unplaced_label))
                                    ? "revisions" : "empty");
}

/* The graph above, the details below: the window remembers where they part */
GtkPaned *
strata_revisions_page_get_paned (StrataRevisionsPage *self)
{
  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), NULL);

  return self->paned;
}

StrataRevisionList *
strata_revisions_page_get_list (StrataRevisionsPage *self)
{
  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), NULL);

  return self->list;
}

void
strata_revisions_page_set_dialect (StrataRevisionsPage *self,
                                   StrataDialect        dialect)
{
  g_return_if_fail (STRATA_IS_REVISIONS_PAGE (self));

  if (self->dialect == dialect)
    return;

  self->dialect = dialect;
  strata_revisions_page_show_details (self);
}

const char *
strata_revisions_page_get_selected_revision (StrataRevisionsPage *self)
{
  StrataRevisionItem *item;

  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), NULL);

  item = gtk_single_selection_get_selected_item (self->selection);

  return item != NULL ? strata_revision_item_get_revision (item) : NULL;
}

gboolean
strata_revisions_page_select_revision (StrataRevisionsPage *self,
                                       const char          *revision)
{
  guint position;

  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), FALSE);
  g_return_val_if_fail (revision != NULL, FALSE);

  if (self->list == NULL)
    return FALSE;

  position = strata_revision_list_find (self->list, revision);
  if (position == G_MAXUINT)
    return FALSE;

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->graph_view), "list.scroll-to-item", "u", position);

  return TRUE;
}

/* Whether the selected revision's SQL is being rendered in a worker thread */
gboolean
strata_revisions_page_get_rendering (StrataRevisionsPage *self)
{
  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), FALSE);

  return self->render_cancellable != NULL;
}
