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
  StrataSession      *session;             /* renders the SQL */
  StrataDialect       dialect;
  GCancellable       *render_cancellable;  /* while the SQL is rendered */

  /* Template widgets */
  GtkPaned           *paned;
  GtkScrolledWindow  *graph_scroller;
  GtkListView        *graph_view;
  GtkSingleSelection *selection;
  GtkFilterListModel *filter_model;
  GtkCustomFilter    *search_filter;
  char               *search;   /* casefolded, or NULL: every revision */
  GtkSearchEntry     *search_entry;
  GtkLabel           *match_label;
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

/* The graph's rows, made in code: a search changes which rows show at
 * every keystroke, and building a row from a template each time is what
 * would make typing slow */
enum {
  ROW_GRAPH,
  ROW_TAGS,
  ROW_PROBLEM,
  ROW_MESSAGE,
  ROW_REVISION,
};

static GtkWidget *
row_child (GtkListItem *list_item,
           guint        index)
{
  GtkWidget *child = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));

  for (guint i = 0; i < index; i++)
    child = gtk_widget_get_next_sibling (child);

  return child;
}

static void
row_update_tags (StrataRevisionItem *item,
                 GParamSpec         *pspec,
                 GtkLabel           *label)
{
  const char *tags = strata_revision_item_get_tags (item);

  gtk_label_set_label (label, tags);
  gtk_widget_set_visible (GTK_WIDGET (label), tags != NULL && tags[0] != '\0');
}

static void
row_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *tags = gtk_label_new (NULL);
  GtkWidget *problem = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  GtkWidget *message = gtk_inscription_new (NULL);
  GtkWidget *revision = gtk_label_new (NULL);

  gtk_widget_set_valign (tags, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (tags, "revision-tag");
  gtk_widget_add_css_class (tags, "caption-heading");
  /* A revision whose file is broken: the problem, on hover */
  gtk_widget_set_valign (problem, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (problem, "error");
  gtk_widget_set_hexpand (message, TRUE);
  gtk_widget_set_valign (message, GTK_ALIGN_CENTER);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (message), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_valign (revision, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_end (revision, 12);
  gtk_widget_add_css_class (revision, "dim-label");
  gtk_widget_add_css_class (revision, "monospace");
  gtk_widget_add_css_class (revision, "caption");

  gtk_box_append (GTK_BOX (box), strata_graph_row_new ());
  gtk_box_append (GTK_BOX (box), tags);
  gtk_box_append (GTK_BOX (box), problem);
  gtk_box_append (GTK_BOX (box), message);
  gtk_box_append (GTK_BOX (box), revision);
  gtk_list_item_set_child (list_item, box);
}

static void
row_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  StrataRevisionItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *tags = row_child (list_item, ROW_TAGS);
  GtkWidget *problem = row_child (list_item, ROW_PROBLEM);
  const char *text = strata_revision_item_get_problem (item);

  gtk_widget_set_visible (problem, text != NULL && text[0] != '\0');
  gtk_widget_set_tooltip_text (problem, text);
  strata_graph_row_set_item (STRATA_GRAPH_ROW (row_child (list_item, ROW_GRAPH)), item);
  gtk_inscription_set_text (GTK_INSCRIPTION (row_child (list_item, ROW_MESSAGE)),
                            strata_revision_item_get_message (item));
  gtk_label_set_label (GTK_LABEL (row_child (list_item, ROW_REVISION)), strata_revision_item_get_revision (item));
  row_update_tags (item, NULL, GTK_LABEL (tags));
  g_signal_connect_object (item, "notify::tags", G_CALLBACK (row_update_tags), tags, 0);
}

static void
row_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  StrataRevisionItem *item = gtk_list_item_get_item (list_item);

  if (item != NULL)
    g_signal_handlers_disconnect_by_func (item, row_update_tags, row_child (list_item, ROW_TAGS));
  strata_graph_row_set_item (STRATA_GRAPH_ROW (row_child (list_item, ROW_GRAPH)), NULL);
}

static char *
join_or_none (const char * const *strv)
{
  if (strv == NULL || strv[0] == NULL)
    return g_strdup (C_("revisions", "none"));

  return g_strjoinv (", ", (char **)strv);
}

/* A revision's SQL, from the session's review of it */
static void
review_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataRevisionsPage) self = user_data;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *upgrade = NULL;
  g_autofree char *downgrade = NULL;

  reviews = strata_session_review_revision_finish (STRATA_SESSION (object), result, &error);

  /* Another revision was selected meanwhile, or the page went away */
  if (g_task_get_cancellable (G_TASK (result)) != self->render_cancellable)
    return;

  g_clear_object (&self->render_cancellable);
  if (reviews == NULL)
    {
      g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);
      g_autofree char *text = g_strjoinv ("\n-- ", lines);

      upgrade = g_strdup_printf ("-- %s", text);
      downgrade = g_strdup (upgrade);
    }
  else
    {
      upgrade = strata_format_step_sql (g_ptr_array_index (reviews, 0));
      downgrade = strata_format_step_sql (g_ptr_array_index (reviews, 1));
    }
  strata_source_view_set_text (self->upgrade_view, upgrade);
  strata_source_view_set_text (self->downgrade_view, downgrade);
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

  /* Upgrading from its down revisions, downgrading back to them, as the
   * migrator runs them: the session reviews them in a worker thread */
  if (self->session != NULL)
    {
      self->render_cancellable = g_cancellable_new ();
      strata_session_review_revision_async (self->session, strata_script_get_revision (script), self->dialect,
                                            self->render_cancellable, review_cb, g_object_ref (self));
    }
}

/* Search: what a revision is found by — its id and message (casefolded
 * once, kept on the item) and its tags (head, branch labels, current; they
 * change with the database) */
static char *
casefold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normal, -1);
}

static gboolean
search_match (gpointer item,
              gpointer user_data)
{
  static GQuark folded_quark;
  StrataRevisionsPage *self = user_data;
  const char *folded;
  const char *tags;

  if (G_UNLIKELY (folded_quark == 0))
    folded_quark = g_quark_from_static_string ("strata-search-text");
  if ((folded = g_object_get_qdata (item, folded_quark)) == NULL)
    {
      g_autofree char *text = g_strjoin ("\n", strata_revision_item_get_revision (item),
                                         strata_revision_item_get_message (item) ?: "", NULL);
      char *value = casefold (text);

      g_object_set_qdata_full (item, folded_quark, value, g_free);
      folded = value;
    }
  if (strstr (folded, self->search) != NULL)
    return TRUE;

  tags = strata_revision_item_get_tags (item);
  if (tags != NULL && tags[0] != '\0')
    {
      g_autofree char *folded_tags = casefold (tags);

      return strstr (folded_tags, self->search) != NULL;
    }

  return FALSE;
}

static void
strata_revisions_page_update_matches (StrataRevisionsPage *self)
{
  gboolean filtering = self->search != NULL;

  if (filtering)
    {
      guint n_matches = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
      guint n_all = self->list != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->list)) : 0;
      g_autofree char *text = NULL;

      if (n_matches == 0)
        text = g_strdup (_("No matches"));
      else
        /* Translators: revisions found by a search, of all the revisions */
        text = g_strdup_printf (_("%u of %u"), n_matches, n_all);
      gtk_label_set_label (self->match_label, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->graph_view), "filtered");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->graph_view), "filtered");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->match_label), filtering);
}

static void
strata_revisions_page_search_changed_cb (StrataRevisionsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  g_autofree char *old = g_steal_pointer (&self->search);
  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  self->search = stripped[0] != '\0' ? casefold (stripped) : NULL;
  if (g_strcmp0 (old, self->search) == 0)
    return;

  /* No search: no filter function, so that the list matches all without
   * making an item of every revision. Typing on narrows the matches,
   * erasing widens them: only those are looked at again */
  if (self->search == NULL)
    gtk_custom_filter_set_filter_func (self->search_filter, NULL, NULL, NULL);
  else if (old == NULL)
    gtk_custom_filter_set_filter_func (self->search_filter, search_match, self, NULL);
  else
    {
      if (strstr (self->search, old) != NULL)
        change = GTK_FILTER_CHANGE_MORE_STRICT;
      else if (strstr (old, self->search) != NULL)
        change = GTK_FILTER_CHANGE_LESS_STRICT;
      gtk_filter_changed (GTK_FILTER (self->search_filter), change);
    }
  strata_revisions_page_update_matches (self);
}

static void
strata_revisions_page_stop_search_cb (StrataRevisionsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  strata_revisions_page_search_changed_cb (self);
}

static void
strata_revisions_page_search_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  StrataRevisionsPage *self = STRATA_REVISIONS_PAGE (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Jump: to the newest head, the oldest base, the first revision the
 * database is at (the list is newest first) */
static void
strata_revisions_page_jump_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataRevisionsPage *self = STRATA_REVISIONS_PAGE (widget);
  g_autoptr(GPtrArray) scripts = NULL;
  guint best = G_MAXUINT;

  if (self->list == NULL)
    return;

  if (g_str_equal (action_name, "revisions.jump-current"))
    {
      guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->list));

      for (guint i = 0; i < n_items && best == G_MAXUINT; i++)
        {
          g_autoptr(StrataRevisionItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), i);

          if (strata_revision_item_get_current (item))
            best = i;
        }
    }
  else
    {
      gboolean head = g_str_equal (action_name, "revisions.jump-head");
      StrataGraph *graph = strata_revision_list_get_graph (self->list);

      scripts = head ? strata_graph_get_heads (graph) : strata_graph_get_bases (graph);
      for (guint i = 0; i < scripts->len; i++)
        {
          guint position = strata_revision_list_find (self->list,
                                                      strata_script_get_revision (g_ptr_array_index (scripts, i)));

          if (position != G_MAXUINT &&
              (best == G_MAXUINT || (head ? position < best : position > best)))
            best = position;
        }
    }

  if (best == G_MAXUINT)
    {
      gtk_widget_error_bell (widget);
      return;
    }

  {
    g_autoptr(StrataRevisionItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), best);

    strata_revisions_page_select_revision (self, strata_revision_item_get_revision (item));
    gtk_widget_grab_focus (GTK_WIDGET (self->graph_view));
  }
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
  g_clear_object (&self->session);
  /* The filter may outlive the page: it no longer looks at it */
  if (self->search_filter != NULL)
    gtk_custom_filter_set_filter_func (self->search_filter, NULL, NULL, NULL);
  g_clear_object (&self->search_filter);
  g_clear_pointer (&self->search, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, filter_model);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataRevisionsPage, match_label);
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
  gtk_widget_class_bind_template_callback (widget_class, strata_revisions_page_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_revisions_page_stop_search_cb);

  gtk_widget_class_install_action (widget_class, "revisions.search", NULL, strata_revisions_page_search_action);
  gtk_widget_class_install_action (widget_class, "revisions.jump-head", NULL, strata_revisions_page_jump_action);
  gtk_widget_class_install_action (widget_class, "revisions.jump-base", NULL, strata_revisions_page_jump_action);
  gtk_widget_class_install_action (widget_class, "revisions.jump-current", NULL, strata_revisions_page_jump_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "revisions.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "revisions.jump-head", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, GDK_ALT_MASK, "revisions.jump-base", NULL);
}

static void
strata_revisions_page_init (StrataRevisionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  {
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (row_setup_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (row_bind_cb), NULL);
    g_signal_connect (factory, "unbind", G_CALLBACK (row_unbind_cb), NULL);
    gtk_list_view_set_factory (self->graph_view, factory);
  }
  self->search_filter = gtk_custom_filter_new (NULL, NULL, NULL);
  gtk_filter_list_model_set_filter (self->filter_model, GTK_FILTER (self->search_filter));
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

  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (list));
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  strata_revisions_page_update_matches (self);

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

/**
 * strata_revisions_page_set_session:
 * @session: (nullable): the session the selected revision's SQL is
 *   reviewed through (its graph is the list's)
 */
void
strata_revisions_page_set_session (StrataRevisionsPage *self,
                                   StrataSession       *session)
{
  g_return_if_fail (STRATA_IS_REVISIONS_PAGE (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;

  strata_revisions_page_show_details (self);
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

  /* Filtered: its place among the matches, or the search goes */
  if (self->search != NULL)
    {
      g_autoptr(StrataRevisionItem) item = g_list_model_get_item (G_LIST_MODEL (self->list), position);
      guint n_matches = g_list_model_get_n_items (G_LIST_MODEL (self->filter_model));
      guint found = G_MAXUINT;

      for (guint i = 0; i < n_matches && found == G_MAXUINT; i++)
        {
          g_autoptr(StrataRevisionItem) match = g_list_model_get_item (G_LIST_MODEL (self->filter_model), i);

          if (match == item)
            found = i;
        }

      if (found == G_MAXUINT)
        strata_revisions_page_stop_search_cb (self);
      else
        position = found;
    }

  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->graph_view), "list.scroll-to-item", "u", position);

  return TRUE;
}

/* Whether the selected revision's SQL is being reviewed by the session */
gboolean
strata_revisions_page_get_rendering (StrataRevisionsPage *self)
{
  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), FALSE);

  return self->render_cancellable != NULL;
}

/* The revisions on show (the search's matches, or all). */
GListModel *
strata_revisions_page_get_shown (StrataRevisionsPage *self)
{
  g_return_val_if_fail (STRATA_IS_REVISIONS_PAGE (self), NULL);

  return G_LIST_MODEL (self->filter_model);
}

/* Searches for @text as if typed (NULL or "" shows every revision). */
void
strata_revisions_page_set_search (StrataRevisionsPage *self,
                                  const char          *text)
{
  g_return_if_fail (STRATA_IS_REVISIONS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  strata_revisions_page_search_changed_cb (self);
}
