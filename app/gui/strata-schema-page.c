/* strata-schema-page.c: the schema at a revision (replayed, no database
 * needed) and what its step changes, the live database's schema, and drift
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-schema-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-gui-util.h"
#include "strata-schema-page.h"

struct _StrataSchemaPage
{
  AdwBin            parent_instance;

  /* Replays only: a session without a profile */
  StrataSession    *session;
  StrataGraph      *graph;
  char             *revision;
  GCancellable     *cancellable;   /* the replays under way */
  StrataModel      *before;
  StrataModel      *after;
  guint             pending;       /* replays under way */
  guint             dialect_chosen : 1;
  guint             setting_dialect : 1;

  /* Template widgets */
  GtkStack         *source_stack;
  GtkLabel         *revision_label;
  GtkLabel         *revision_hint;
  GtkDropDown      *dialect_dropdown;
  GtkEntry         *target_entry;
  GtkStack         *revision_stack;
  GtkStack         *revision_state;
  GtkSpinner       *revision_spinner;
  AdwStatusPage    *revision_error;
  StrataSchemaView *revision_view;
  GtkSourceView    *change_view;
  GtkStack         *live_stack;
  GtkSpinner       *live_spinner;
  AdwStatusPage    *live_error;
  GtkLabel         *live_label;
  StrataSchemaView *live_view;
  StrataDriftView  *drift_view;
};

G_DEFINE_FINAL_TYPE (StrataSchemaPage, strata_schema_page, ADW_TYPE_BIN)

/* The dropdown's positions: portable, SQLite, PostgreSQL */
static int
dialect_for_position (guint position)
{
  switch (position)
    {
    case 1:
      return STRATA_DIALECT_SQLITE;
    case 2:
      return STRATA_DIALECT_POSTGRESQL;
    default:
      return -1;
    }
}

static guint
position_for_dialect (int dialect)
{
  if (dialect == STRATA_DIALECT_SQLITE)
    return 1;
  if (dialect == STRATA_DIALECT_POSTGRESQL)
    return 2;
  return 0;
}

int
strata_schema_page_get_dialect (StrataSchemaPage *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_PAGE (self), -1);

  return dialect_for_position (gtk_drop_down_get_selected (self->dialect_dropdown));
}

/* Both replays are in: the schema after the revision, and its step's
 * change as a diff */
static void
strata_schema_page_show_models (StrataSchemaPage *self)
{
  int dialect = strata_schema_page_get_dialect (self);

  gtk_spinner_stop (self->revision_spinner);
  strata_schema_view_set_model (self->revision_view, self->after, dialect);
  gtk_stack_set_visible_child_name (self->revision_state, "schema");

  if (self->revision == NULL)
    {
      strata_source_view_set_text (self->change_view,
                                   _("# Select a revision on the Revisions page to see what its step changes"));
    }
  else if (self->before == NULL)
    {
      strata_source_view_set_text (self->change_view,
                                   _("# A step’s change shows for one revision: its id, a prefix or a branch label"));
    }
  else
    {
      g_autofree char *change = strata_model_describe_change (self->before, self->after, dialect);

      strata_source_view_set_text (self->change_view,
                                   change[0] != '\0' ? change
                                                     : _("# This step changes no table, enum type or sequence"));
    }
}

static void
replay_failed (StrataSchemaPage *self,
               const GError     *error)
{
  gtk_spinner_stop (self->revision_spinner);
  adw_status_page_set_description (self->revision_error, error->message);
  gtk_stack_set_visible_child_name (self->revision_state, "error");
  strata_source_view_set_text (self->change_view, "");
}

static void
replayed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StrataSchemaPage) self = user_data;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(GError) error = NULL;
  gboolean before = g_task_get_source_tag (G_TASK (result)) == strata_session_schema_before_revision_async;

  if (before)
    model = strata_session_schema_before_revision_finish (STRATA_SESSION (object), result, &error);
  else
    model = strata_session_schema_at_revision_finish (STRATA_SESSION (object), result, &error);

  /* Another revision took over */
  if (g_task_get_cancellable (G_TASK (result)) != self->cancellable)
    return;

  if (model == NULL)
    {
      self->pending = 0;
      g_clear_object (&self->cancellable);
      replay_failed (self, error);
      return;
    }

  if (before)
    self->before = g_steal_pointer (&model);
  else
    self->after = g_steal_pointer (&model);

  if (--self->pending == 0)
    {
      g_clear_object (&self->cancellable);
      strata_schema_page_show_models (self);
    }
}

static void
strata_schema_page_reload (StrataSchemaPage *self)
{
  int dialect = strata_schema_page_get_dialect (self);
  StrataScript *script;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->before, strata_model_unref);
  g_clear_pointer (&self->after, strata_model_unref);
  self->pending = 0;

  if (self->session == NULL)
    {
      strata_schema_view_set_model (self->revision_view, NULL, dialect);
      strata_source_view_set_text (self->change_view, "");
      gtk_label_set_label (self->revision_label, "");
      return;
    }

  /* One revision (an id, a prefix or a label) has a step whose change
   * shows; any other target (head-1, label@head, …) only its schema */
  script = self->revision != NULL ? strata_graph_resolve (self->graph, self->revision, NULL) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->target_entry), self->revision != NULL ? self->revision : "");
  if (script != NULL)
    {
      /* Translators: the schema after a revision: its id and message */
      g_autofree char *title = g_strdup_printf (_("After %s · %s"), strata_script_get_revision (script),
                                                strata_script_get_message (script) ?: "");

      gtk_label_set_label (self->revision_label, title);
      gtk_label_set_label (self->revision_hint, _("Replayed from the migrations: no database needed"));
    }
  else if (self->revision != NULL)
    {
      /* Translators: the schema at a target such as head-1 or cart@head */
      g_autofree char *title = g_strdup_printf (_("At %s"), self->revision);

      gtk_label_set_label (self->revision_label, title);
      gtk_label_set_label (self->revision_hint, _("Replayed from the migrations: no database needed"));
    }
  else
    {
      gtk_label_set_label (self->revision_label, _("At the Project’s Heads"));
      gtk_label_set_label (self->revision_hint,
                           _("Replayed from the migrations. Select a revision on the Revisions page to see the schema after it"));
    }

  gtk_stack_set_visible_child_name (self->revision_state, "loading");
  gtk_spinner_start (self->revision_spinner);

  self->cancellable = g_cancellable_new ();
  self->pending = 1;
  strata_session_schema_at_revision_async (self->session, self->revision != NULL ? self->revision : "heads",
                                           dialect, self->cancellable, replayed_cb, g_object_ref (self));
  if (script != NULL)
    {
      self->pending++;
      strata_session_schema_before_revision_async (self->session, strata_script_get_revision (script), dialect,
                                                   self->cancellable, replayed_cb, g_object_ref (self));
    }
}

static void
strata_schema_page_target_activate_cb (StrataSchemaPage *self)
{
  g_autofree char *target = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->target_entry))));

  strata_schema_page_set_revision (self, target[0] != '\0' ? target : NULL);
}

static void
strata_schema_page_dialect_changed_cb (StrataSchemaPage *self)
{
  int dialect = strata_schema_page_get_dialect (self);

  if (!self->setting_dialect)
    self->dialect_chosen = TRUE;

  strata_schema_page_reload (self);
  /* The live schema is the engine's own: only its type names change */
  if (strata_schema_view_get_model (self->live_view) != NULL && dialect >= 0)
    strata_schema_view_set_model (self->live_view, strata_schema_view_get_model (self->live_view), dialect);
}

static void
strata_schema_page_dispose (GObject *object)
{
  StrataSchemaPage *self = (StrataSchemaPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_SCHEMA_PAGE);

  g_clear_object (&self->session);
  g_clear_object (&self->graph);
  g_clear_pointer (&self->revision, g_free);
  g_clear_pointer (&self->before, strata_model_unref);
  g_clear_pointer (&self->after, strata_model_unref);

  G_OBJECT_CLASS (strata_schema_page_parent_class)->dispose (object);
}

static void
strata_schema_page_class_init (StrataSchemaPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_schema_page_dispose;

  g_type_ensure (STRATA_TYPE_SCHEMA_VIEW);
  g_type_ensure (STRATA_TYPE_DRIFT_VIEW);
  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-schema-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, source_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_hint);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, dialect_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, target_entry);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_state);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_error);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, revision_view);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, change_view);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, live_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, live_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, live_error);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, live_label);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, live_view);
  gtk_widget_class_bind_template_child (widget_class, StrataSchemaPage, drift_view);
  gtk_widget_class_bind_template_callback (widget_class, strata_schema_page_dialect_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_schema_page_target_activate_cb);
}

static void
strata_schema_page_init (StrataSchemaPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  strata_source_view_setup (self->change_view);
  strata_source_view_set_language (self->change_view, "diff");
}

GtkWidget *
strata_schema_page_new (void)
{
  return g_object_new (STRATA_TYPE_SCHEMA_PAGE, NULL);
}

void
strata_schema_page_set_project (StrataSchemaPage *self,
                                StrataProject    *project,
                                StrataGraph      *graph)
{
  g_return_if_fail (STRATA_IS_SCHEMA_PAGE (self));
  g_return_if_fail (project == NULL || STRATA_IS_PROJECT (project));
  g_return_if_fail (graph == NULL || STRATA_IS_GRAPH (graph));

  g_clear_object (&self->session);
  g_set_object (&self->graph, graph);
  if (project != NULL && graph != NULL)
    {
      self->session = strata_session_new (project, NULL);
      strata_session_set_graph (self->session, graph);
    }

  /* A revision the project no longer has: back to the heads */
  if (self->revision != NULL)
    {
      g_auto(GStrv) heads = graph != NULL ? strata_graph_resolve_target (graph, NULL, self->revision,
                                                                          STRATA_DIRECTION_UP, NULL)
                                          : NULL;

      if (heads == NULL)
        g_clear_pointer (&self->revision, g_free);
    }

  strata_drift_view_set_session (self->drift_view, self->session);
  strata_schema_page_reload (self);
}

void
strata_schema_page_set_dialect (StrataSchemaPage *self,
                                int               dialect)
{
  g_return_if_fail (STRATA_IS_SCHEMA_PAGE (self));

  if (self->dialect_chosen || strata_schema_page_get_dialect (self) == dialect)
    return;

  self->setting_dialect = TRUE;
  gtk_drop_down_set_selected (self->dialect_dropdown, position_for_dialect (dialect));
  self->setting_dialect = FALSE;
}

void
strata_schema_page_set_revision (StrataSchemaPage *self,
                                 const char       *revision)
{
  g_return_if_fail (STRATA_IS_SCHEMA_PAGE (self));

  if (g_strcmp0 (self->revision, revision) == 0)
    return;

  g_free (self->revision);
  self->revision = g_strdup (revision);
  strata_schema_page_reload (self);
}

void
strata_schema_page_set_live_loading (StrataSchemaPage *self)
{
  g_return_if_fail (STRATA_IS_SCHEMA_PAGE (self));

  gtk_spinner_start (self->live_spinner);
  gtk_stack_set_visible_child_name (self->live_stack, "loading");
}

void
strata_schema_page_set_live (StrataSchemaPage *self,
                             StrataModel      *model,
                             int               dialect,
                             const GError     *error)
{
  g_return_if_fail (STRATA_IS_SCHEMA_PAGE (self));

  gtk_spinner_stop (self->live_spinner);
  strata_schema_view_set_model (self->live_view, model, dialect);

  if (model != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *time = g_date_time_format (now, "%X");
      /* Translators: %s is the time the schema was read */
      g_autofree char *label = g_strdup_printf (_("Read from the database at %s"), time);

      gtk_label_set_label (self->live_label, label);
      gtk_stack_set_visible_child_name (self->live_stack, "schema");
    }
  else if (error != NULL)
    {
      adw_status_page_set_description (self->live_error, error->message);
      gtk_stack_set_visible_child_name (self->live_stack, "error");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->live_stack, "unread");
    }
}

StrataDriftView *
strata_schema_page_get_drift_view (StrataSchemaPage *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_PAGE (self), NULL);

  return self->drift_view;
}

StrataSchemaView *
strata_schema_page_get_revision_view (StrataSchemaPage *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_PAGE (self), NULL);

  return self->revision_view;
}

StrataSchemaView *
strata_schema_page_get_live_view (StrataSchemaPage *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_PAGE (self), NULL);

  return self->live_view;
}

void
strata_schema_page_show (StrataSchemaPage *self,
                         const char       *name)
{
  g_return_if_fail (STRATA_IS_SCHEMA_PAGE (self));

  gtk_stack_set_visible_child_name (self->source_stack, name);
}

gboolean
strata_schema_page_get_loading (StrataSchemaPage *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_PAGE (self), FALSE);

  return self->pending > 0;
}

char *
strata_schema_page_dup_change (StrataSchemaPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (STRATA_IS_SCHEMA_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->change_view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
