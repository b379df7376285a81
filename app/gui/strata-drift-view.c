/* strata-drift-view.c: the live database against the schema its revision
 * should have: the differences, the two schemas as a diff, a script that
 * brings the database back and a revision that would adopt the change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-drift-view"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-drift-view.h"
#include "strata-gui-util.h"

struct _StrataDriftView
{
  AdwBin               parent_instance;

  StrataSession       *session;
  GCancellable        *render_cancellable;  /* while the repair renders */
  GPtrArray           *rows;                /* under differences_group */

  /* Template widgets (the bin's own child, state_stack, is not bound, so
   * that disposing the template does not take it from under AdwBin) */
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  AdwStatusPage       *clean_page;
  GtkLabel            *summary_label;
  GtkStack            *drift_stack;
  AdwPreferencesGroup *differences_group;
  GtkSourceView       *diff_view;
  GtkSourceView       *repair_view;
  GtkLabel            *adopt_label;
  GtkSourceView       *adopt_view;
};

G_DEFINE_FINAL_TYPE (StrataDriftView, strata_drift_view, ADW_TYPE_BIN)

#define STATE_STACK(self) (GTK_STACK (adw_bin_get_child (ADW_BIN (self))))

static char *
dup_text (GtkSourceView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
copy_text (StrataDriftView *self,
           GtkSourceView   *view)
{
  g_autofree char *text = dup_text (view);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
strata_drift_view_copy_repair_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  StrataDriftView *self = STRATA_DRIFT_VIEW (widget);

  copy_text (self, self->repair_view);
}

static void
strata_drift_view_copy_adoption_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  StrataDriftView *self = STRATA_DRIFT_VIEW (widget);

  copy_text (self, self->adopt_view);
}

static void
strata_drift_view_cancel_render (StrataDriftView *self)
{
  if (self->render_cancellable != NULL)
    g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
}

static void
strata_drift_view_clear (StrataDriftView *self)
{
  strata_drift_view_cancel_render (self);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->differences_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  strata_source_view_set_text (self->diff_view, "");
  strata_source_view_set_text (self->repair_view, "");
  strata_source_view_set_text (self->adopt_view, "");
  gtk_label_set_label (self->adopt_label, "");
  gtk_spinner_stop (self->spinner);
}

static void
repair_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataDriftView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;

  script = strata_session_render_drift_repair_finish (STRATA_SESSION (object), result, &error);

  /* Another check took over, or the view went away */
  if (g_task_get_cancellable (G_TASK (result)) != self->render_cancellable)
    return;
  g_clear_object (&self->render_cancellable);

  if (script == NULL)
    {
      /* Translators: an SQL comment where the repair script would be */
      g_autofree char *text = g_strdup_printf (_("-- No repair script: %s"), error->message);

      strata_source_view_set_text (self->repair_view, text);
      return;
    }

  strata_source_view_set_text (self->repair_view, script);
}

static void
add_difference (StrataDriftView *self,
                const char      *text)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, "warning");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_preferences_group_add (self->differences_group, row);
  g_ptr_array_add (self->rows, row);
}

static void
strata_drift_view_dispose (GObject *object)
{
  StrataDriftView *self = (StrataDriftView *)object;

  strata_drift_view_cancel_render (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_DRIFT_VIEW);
  g_clear_object (&self->session);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_drift_view_parent_class)->dispose (object);
}

static void
strata_drift_view_class_init (StrataDriftViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_drift_view_dispose;

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-drift-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, clean_page);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, drift_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, differences_group);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, diff_view);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, repair_view);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, adopt_label);
  gtk_widget_class_bind_template_child (widget_class, StrataDriftView, adopt_view);

  gtk_widget_class_install_action (widget_class, "drift.copy-repair", NULL, strata_drift_view_copy_repair_action);
  gtk_widget_class_install_action (widget_class, "drift.copy-adoption", NULL, strata_drift_view_copy_adoption_action);
}

static void
strata_drift_view_init (StrataDriftView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  strata_source_view_setup (self->diff_view);
  strata_source_view_set_language (self->diff_view, "diff");
  strata_source_view_setup (self->repair_view);
  strata_source_view_setup (self->adopt_view);
  strata_source_view_set_language (self->adopt_view, "json");
}

GtkWidget *
strata_drift_view_new (void)
{
  return g_object_new (STRATA_TYPE_DRIFT_VIEW, NULL);
}

void
strata_drift_view_set_session (StrataDriftView *self,
                               StrataSession   *session)
{
  g_return_if_fail (STRATA_IS_DRIFT_VIEW (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  g_set_object (&self->session, session);
}

void
strata_drift_view_reset (StrataDriftView *self)
{
  g_return_if_fail (STRATA_IS_DRIFT_VIEW (self));

  strata_drift_view_clear (self);
  gtk_stack_set_visible_child_name (STATE_STACK (self), "unchecked");
}

void
strata_drift_view_set_checking (StrataDriftView *self)
{
  g_return_if_fail (STRATA_IS_DRIFT_VIEW (self));

  strata_drift_view_clear (self);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (STATE_STACK (self), "checking");
}

void
strata_drift_view_set_result (StrataDriftView    *self,
                              StrataDiff         *drift,
                              const char * const *heads,
                              const GError       *error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *at = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *diff = NULL;

  g_return_if_fail (STRATA_IS_DRIFT_VIEW (self));
  g_return_if_fail (drift == NULL || STRATA_IS_DIFF (drift));

  strata_drift_view_clear (self);

  if (drift == NULL)
    {
      adw_status_page_set_description (self->error_page, error != NULL ? error->message : NULL);
      gtk_stack_set_visible_child_name (STATE_STACK (self), "error");
      return;
    }

  at = heads != NULL && heads[0] != NULL ? g_strjoinv (", ", (char **)heads) : g_strdup (_("base"));

  lines = strata_diff_dup_findings (drift);

  if (lines->len == 0)
    {
      /* Translators: %s is the revision (or revisions) the database is at */
      g_autofree char *description = g_strdup_printf (_("The database has the schema of revision %s"), at);

      adw_status_page_set_description (self->clean_page, description);
      gtk_stack_set_visible_child_name (STATE_STACK (self), "clean");
      return;
    }

  /* Translators: %u differences, %s the revision the database is at */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u difference from the schema of revision %s",
                                          "%u differences from the schema of revision %s",
                                          lines->len),
                             lines->len, at);
  gtk_label_set_label (self->summary_label, summary);
  for (guint i = 0; i < lines->len; i++)
    add_difference (self, g_ptr_array_index (lines, i));

  /* The revision's schema against the live one, as a diff */
  diff = strata_model_describe_change (strata_diff_get_from (drift), strata_diff_get_to (drift),
                                       strata_diff_get_dialect (drift));
  strata_source_view_set_text (self->diff_view, diff);

  /* A new revision on top of the database's that makes the drift part of
   * the project: the file `strata revision` writes */
  if (self->session != NULL && heads != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(StrataScript) script = NULL;

      script = strata_session_new_drift_adoption (self->session, drift, heads, _("adopt drift"), &local_error);
      if (script != NULL)
        {
          g_autofree char *data = strata_script_to_data (script, NULL);
          /* Translators: %s is the new revision's id */
          g_autofree char *label = g_strdup_printf (_("A new revision %s that makes the change part of the project. "
                                                      "Save it in the migrations folder, then stamp the database at it: "
                                                      "the database has the change already."),
                                                    strata_script_get_revision (script));

          strata_source_view_set_text (self->adopt_view, data);
          gtk_label_set_label (self->adopt_label, label);
        }
      else
        {
          gtk_label_set_label (self->adopt_label, local_error->message);
        }
    }

  /* The script back to the revision's schema, in a worker thread */
  if (self->session != NULL)
    {
      self->render_cancellable = g_cancellable_new ();
      strata_session_render_drift_repair_async (self->session, drift, self->render_cancellable,
                                                repair_cb, g_object_ref (self));
    }

  gtk_stack_set_visible_child_name (self->drift_stack, "differences");
  gtk_stack_set_visible_child_name (STATE_STACK (self), "drift");
}

const char *
strata_drift_view_get_state (StrataDriftView *self)
{
  g_return_val_if_fail (STRATA_IS_DRIFT_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (STATE_STACK (self));
}

gboolean
strata_drift_view_get_rendering (StrataDriftView *self)
{
  g_return_val_if_fail (STRATA_IS_DRIFT_VIEW (self), FALSE);

  return self->render_cancellable != NULL;
}

char *
strata_drift_view_dup_diff (StrataDriftView *self)
{
  g_return_val_if_fail (STRATA_IS_DRIFT_VIEW (self), NULL);

  return dup_text (self->diff_view);
}

char *
strata_drift_view_dup_repair (StrataDriftView *self)
{
  g_return_val_if_fail (STRATA_IS_DRIFT_VIEW (self), NULL);

  return dup_text (self->repair_view);
}

char *
strata_drift_view_dup_adoption (StrataDriftView *self)
{
  g_return_val_if_fail (STRATA_IS_DRIFT_VIEW (self), NULL);

  return dup_text (self->adopt_view);
}
