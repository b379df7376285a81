/* strata-project-view.c: an open project against the selected profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-project-view"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-gui-util.h"
#include "strata-project-view.h"
#include "strata-revision-list.h"

/* One row of the history table, as the history page shows it. */

#define STRATA_TYPE_HISTORY_ENTRY (strata_history_entry_get_type ())

G_DECLARE_FINAL_TYPE (StrataHistoryEntry, strata_history_entry, STRATA, HISTORY_ENTRY, GObject)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_WHEN,
  ENTRY_PROP_REVISION,
  ENTRY_PROP_DIRECTION,
  ENTRY_PROP_OUTCOME,
  ENTRY_PROP_DURATION,
  ENTRY_PROP_WHO,
  N_ENTRY_PROPS
};

struct _StrataHistoryEntry
{
  GObject  parent_instance;

  char    *values[N_ENTRY_PROPS];
};

G_DEFINE_FINAL_TYPE (StrataHistoryEntry, strata_history_entry, G_TYPE_OBJECT)

static GParamSpec *entry_properties[N_ENTRY_PROPS];

static void
strata_history_entry_finalize (GObject *object)
{
  StrataHistoryEntry *self = (StrataHistoryEntry *)object;

  for (guint i = 0; i < N_ENTRY_PROPS; i++)
    g_free (self->values[i]);

  G_OBJECT_CLASS (strata_history_entry_parent_class)->finalize (object);
}

static void
strata_history_entry_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  StrataHistoryEntry *self = STRATA_HISTORY_ENTRY (object);

  if (prop_id > ENTRY_PROP_0 && prop_id < N_ENTRY_PROPS)
    g_value_set_string (value, self->values[prop_id]);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
strata_history_entry_class_init (StrataHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char * const names[N_ENTRY_PROPS] = {
    NULL, "when", "revision", "direction", "outcome", "duration", "who",
  };

  object_class->finalize = strata_history_entry_finalize;
  object_class->get_property = strata_history_entry_get_property;

  for (guint i = 1; i < N_ENTRY_PROPS; i++)
    entry_properties[i] = g_param_spec_string (names[i], NULL, NULL, NULL,
                                               (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_ENTRY_PROPS, entry_properties);
}

static void
strata_history_entry_init (StrataHistoryEntry *self)
{
}

static const char *
result_value (StrataResult *result,
              guint         row,
              const char   *column)
{
  int index = strata_result_get_column_index (result, column);

  if (index < 0)
    return NULL;

  return strata_result_get_value (result, row, index);
}

static StrataHistoryEntry *
strata_history_entry_new (StrataResult *result,
                          guint         row)
{
  StrataHistoryEntry *self = g_object_new (STRATA_TYPE_HISTORY_ENTRY, NULL);
  const char *direction = result_value (result, row, "direction");
  const char *duration = result_value (result, row, "duration_ms");
  const char *finished = result_value (result, row, "finished");
  const char *os_user = result_value (result, row, "os_user");
  const char *host = result_value (result, row, "host");

  self->values[ENTRY_PROP_WHEN] = strata_format_timestamp (finished != NULL ? finished : result_value (result, row, "started"));
  self->values[ENTRY_PROP_REVISION] = g_strdup (result_value (result, row, "revision"));
  if (g_strcmp0 (direction, "up") == 0)
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (_("Upgrade"));
  else if (g_strcmp0 (direction, "down") == 0)
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (_("Downgrade"));
  else if (g_strcmp0 (direction, "stamp") == 0)
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (_("Stamp"));
  else
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (direction);
  self->values[ENTRY_PROP_OUTCOME] = g_strdup (result_value (result, row, "outcome"));
  if (duration != NULL)
    /* Translators: a duration in milliseconds */
    self->values[ENTRY_PROP_DURATION] = g_strdup_printf (_("%s ms"), duration);
  if (os_user != NULL && host != NULL)
    self->values[ENTRY_PROP_WHO] = g_strdup_printf ("%s@%s", os_user, host);
  else
    self->values[ENTRY_PROP_WHO] = g_strdup (os_user);

  return self;
}

/* The view */

struct _StrataProjectView
{
  AdwBin               parent_instance;

  StrataProject       *project;
  StrataGraph         *graph;
  StrataRevisionList  *revisions;
  StrataAppProfile    *profile;
  StrataDriver        *driver;
  char               **current_heads;
  GCancellable        *refresh_cancellable;

  /* Template widgets */
  AdwViewStack        *stack;
  GtkStack            *status_stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *error_page;
  AdwPreferencesGroup *status_group;
  AdwActionRow        *current_row;
  AdwActionRow        *heads_row;
  AdwActionRow        *pending_row;
  AdwActionRow        *drift_row;
  AdwActionRow        *last_run_row;
  StrataRevisionsPage *revisions_page;
  StrataPlanPage      *plan_page;
  GtkStack            *history_stack;
  GListStore          *history_store;
};

G_DEFINE_FINAL_TYPE (StrataProjectView, strata_project_view, ADW_TYPE_BIN)

enum {
  TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
strata_project_view_toast (StrataProjectView *self,
                           const char        *title)
{
  AdwToast *toast = adw_toast_new (title);

  /* The outcome of what the user just did replaces older news */
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_emit (self, signals[TOAST], 0, toast);
  if (g_object_is_floating (toast))
    g_object_ref_sink (toast);
  g_object_unref (toast);
}

static char *
join_heads (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup (_("None (empty database)"));

  return g_strjoinv (", ", (char **)heads);
}

static void
strata_project_view_update_plan_page (StrataProjectView *self)
{
  if (strata_plan_page_get_running (self->plan_page))
    return;

  strata_plan_page_set_context (self->plan_page, self->project, self->graph, self->profile,
                                self->driver, (const char * const *)self->current_heads);
}

static void
strata_project_view_show_status (StrataProjectView *self,
                                 StrataResult      *history)
{
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(StrataPlan) pending = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) head_ids = NULL;
  g_autofree char *current = NULL;
  g_autofree char *heads_text = NULL;
  g_autofree char *pending_text = NULL;
  g_autofree char *url = NULL;

  adw_preferences_group_set_title (self->status_group, strata_app_profile_get_name (self->profile));
  url = strata_driver_redact_url (strata_app_profile_get_url (self->profile));
  adw_preferences_group_set_description (self->status_group, url);

  current = join_heads ((const char * const *)self->current_heads);
  adw_action_row_set_subtitle (self->current_row, current);

  heads = strata_graph_get_heads (self->graph);
  for (guint i = 0; i < heads->len; i++)
    g_strv_builder_add (builder, strata_script_get_revision (g_ptr_array_index (heads, i)));
  head_ids = g_strv_builder_end (builder);
  heads_text = join_heads ((const char * const *)head_ids);
  adw_action_row_set_subtitle (self->heads_row, heads_text);

  pending = strata_graph_plan_upgrade (self->graph, (const char * const *)self->current_heads, "heads", &error);
  if (pending == NULL)
    pending_text = g_strdup (error->message);
  else if (strata_plan_get_n_steps (pending) == 0)
    pending_text = g_strdup (_("Up to date"));
  else
    pending_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u revision to apply",
                                                 "%u revisions to apply",
                                                 strata_plan_get_n_steps (pending)),
                                    strata_plan_get_n_steps (pending));
  adw_action_row_set_subtitle (self->pending_row, pending_text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.review-upgrade",
                                 pending != NULL && strata_plan_get_n_steps (pending) > 0);

  /* Drift needs the schema model compared with the live database */
  adw_action_row_set_subtitle (self->drift_row, _("Not checked"));

  if (history != NULL && strata_result_get_n_rows (history) > 0)
    {
      g_autoptr(StrataHistoryEntry) last = strata_history_entry_new (history, 0);
      g_autofree char *text = NULL;

      /* Translators: the last run: "Upgrade 8b4e0f6a2c18 · success · 21/11/26 10:00:00" */
      text = g_strdup_printf (_("%s %s · %s · %s"),
                              last->values[ENTRY_PROP_DIRECTION],
                              last->values[ENTRY_PROP_REVISION],
                              last->values[ENTRY_PROP_OUTCOME],
                              last->values[ENTRY_PROP_WHEN]);
      adw_action_row_set_subtitle (self->last_run_row, text);
    }
  else
    {
      adw_action_row_set_subtitle (self->last_run_row, _("Never"));
    }

  gtk_stack_set_visible_child_name (self->status_stack, "status");
}

static void
strata_project_view_show_history (StrataProjectView *self,
                                  StrataResult      *history)
{
  guint n_rows = history != NULL ? strata_result_get_n_rows (history) : 0;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_full (n_rows, g_object_unref);

  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (entries, strata_history_entry_new (history, i));

  g_list_store_splice (self->history_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->history_store)),
                       entries->pdata, entries->len);
  gtk_stack_set_visible_child_name (self->history_stack, n_rows > 0 ? "history" : "empty");
}

/* Reading the database's state, in a worker thread */

typedef struct
{
  char          *url;
  GFile         *base_dir;
  StrataDriver  *driver;
  StrataGraph   *graph;
  char          *version_table;
  char          *history_table;
  char         **heads;
  StrataResult  *history;
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_pointer (&refresh->url, g_free);
  g_clear_object (&refresh->base_dir);
  g_clear_object (&refresh->driver);
  g_clear_object (&refresh->graph);
  g_clear_pointer (&refresh->version_table, g_free);
  g_clear_pointer (&refresh->history_table, g_free);
  g_clear_pointer (&refresh->heads, g_strfreev);
  g_clear_pointer (&refresh->history, strata_result_unref);
  g_free (refresh);
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Refresh *refresh = task_data;
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(GError) error = NULL;

  if (refresh->driver == NULL &&
      !(refresh->driver = strata_driver_open (refresh->url, refresh->base_dir, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  migrator = strata_migrator_new (refresh->driver, refresh->graph);
  strata_migrator_set_version_table (migrator, refresh->version_table);
  strata_migrator_set_history_table (migrator, refresh->history_table);

  if (!(refresh->heads = strata_migrator_get_current_heads (migrator, cancellable, &error)) ||
      !(refresh->history = strata_migrator_get_history (migrator, cancellable, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  StrataProjectView *self = STRATA_PROJECT_VIEW (object);
  Refresh *refresh = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  /* A newer refresh (another profile, another project) took over */
  if (g_task_get_cancellable (G_TASK (result)) != self->refresh_cancellable)
    return;

  g_clear_object (&self->refresh_cancellable);
  gtk_spinner_stop (self->loading_spinner);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_object (&self->driver);
      g_clear_pointer (&self->current_heads, g_strfreev);
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->status_stack, "error");
      strata_revision_list_set_current_heads (self->revisions, NULL);
      strata_project_view_show_history (self, NULL);
      strata_project_view_update_plan_page (self);
      return;
    }

  g_set_object (&self->driver, refresh->driver);
  g_clear_pointer (&self->current_heads, g_strfreev);
  self->current_heads = g_steal_pointer (&refresh->heads);

  strata_revision_list_set_current_heads (self->revisions, (const char * const *)self->current_heads);
  strata_project_view_show_status (self, refresh->history);
  strata_project_view_show_history (self, refresh->history);
  strata_project_view_update_plan_page (self);
}

void
strata_project_view_refresh (StrataProjectView *self)
{
  g_autoptr(GTask) task = NULL;
  Refresh *refresh;

  g_return_if_fail (STRATA_IS_PROJECT_VIEW (self));

  if (self->refresh_cancellable != NULL)
    {
      g_cancellable_cancel (self->refresh_cancellable);
      g_clear_object (&self->refresh_cancellable);
    }

  if (self->project == NULL || self->profile == NULL)
    {
      g_clear_object (&self->driver);
      g_clear_pointer (&self->current_heads, g_strfreev);
      gtk_stack_set_visible_child_name (self->status_stack, "no-profile");
      if (self->revisions != NULL)
        strata_revision_list_set_current_heads (self->revisions, NULL);
      strata_project_view_show_history (self, NULL);
      strata_project_view_update_plan_page (self);
      return;
    }

  /* The plan page's run owns the connection until it ends */
  if (strata_plan_page_get_running (self->plan_page))
    return;

  refresh = g_new0 (Refresh, 1);
  refresh->url = strata_app_profile_dup_connect_url (self->profile);
  refresh->base_dir = g_object_ref (strata_project_get_directory (self->project));
  refresh->driver = self->driver != NULL ? g_object_ref (self->driver) : NULL;
  refresh->graph = g_object_ref (self->graph);
  refresh->version_table = g_strdup (strata_project_get_version_table (self->project));
  refresh->history_table = g_strdup (strata_project_get_history_table (self->project));

  if (self->current_heads == NULL)
    {
      gtk_stack_set_visible_child_name (self->status_stack, "loading");
      gtk_spinner_start (self->loading_spinner);
    }

  self->refresh_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->refresh_cancellable, refresh_cb, NULL);
  g_task_set_source_tag (task, strata_project_view_refresh);
  g_task_set_task_data (task, refresh, (GDestroyNotify)refresh_free);
  g_task_run_in_thread (task, refresh_thread);
}

static void
strata_project_view_selected_revision_cb (StrataProjectView *self)
{
  strata_plan_page_set_selected_revision (self->plan_page,
                                          strata_revisions_page_get_selected_revision (self->revisions_page));
}

static void
strata_project_view_plan_finished_cb (StrataProjectView *self,
                                      gboolean           success,
                                      const char        *message)
{
  strata_project_view_toast (self, message);
  strata_project_view_refresh (self);
}

static void
strata_project_view_review_upgrade_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  StrataProjectView *self = STRATA_PROJECT_VIEW (widget);
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (self->graph);

  strata_plan_page_set_target (self->plan_page,
                               heads->len > 1 ? STRATA_PLAN_TARGET_HEADS : STRATA_PLAN_TARGET_HEAD);
  adw_view_stack_set_visible_child_name (self->stack, "plan");
}

static void
strata_project_view_dispose (GObject *object)
{
  StrataProjectView *self = (StrataProjectView *)object;

  if (self->refresh_cancellable != NULL)
    g_cancellable_cancel (self->refresh_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PROJECT_VIEW);

  g_clear_object (&self->refresh_cancellable);
  g_clear_object (&self->project);
  g_clear_object (&self->graph);
  g_clear_object (&self->revisions);
  g_clear_object (&self->profile);
  g_clear_object (&self->driver);
  g_clear_pointer (&self->current_heads, g_strfreev);

  G_OBJECT_CLASS (strata_project_view_parent_class)->dispose (object);
}

static void
strata_project_view_class_init (StrataProjectViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_project_view_dispose;

  /**
   * StrataProjectView::toast:
   * @toast: the toast to show
   */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, ADW_TYPE_TOAST);

  g_type_ensure (STRATA_TYPE_HISTORY_ENTRY);
  g_type_ensure (STRATA_TYPE_PLAN_PAGE);
  g_type_ensure (STRATA_TYPE_REVISIONS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-project-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, status_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, status_group);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, current_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, heads_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, pending_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, drift_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, last_run_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, revisions_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, plan_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, history_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, history_store);
  gtk_widget_class_bind_template_callback (widget_class, strata_project_view_selected_revision_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_project_view_plan_finished_cb);

  gtk_widget_class_install_action (widget_class, "project.review-upgrade", NULL,
                                   strata_project_view_review_upgrade_action);
}

static void
strata_project_view_init (StrataProjectView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
strata_project_view_new (void)
{
  return g_object_new (STRATA_TYPE_PROJECT_VIEW, NULL);
}

gboolean
strata_project_view_set_project (StrataProjectView  *self,
                                 StrataProject      *project,
                                 GError            **error)
{
  g_autoptr(StrataGraph) graph = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PROJECT (project), FALSE);

  if (!(graph = strata_project_load_graph (project, error)))
    return FALSE;

  g_set_object (&self->project, project);
  g_set_object (&self->graph, graph);
  g_clear_object (&self->revisions);
  self->revisions = strata_revision_list_new (graph);
  g_clear_object (&self->driver);
  g_clear_pointer (&self->current_heads, g_strfreev);

  strata_revisions_page_set_list (self->revisions_page, self->revisions);
  strata_project_view_refresh (self);

  return TRUE;
}

StrataProject *
strata_project_view_get_project (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->project;
}

StrataGraph *
strata_project_view_get_graph (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->graph;
}

void
strata_project_view_set_profile (StrataProjectView *self,
                                 StrataAppProfile  *profile)
{
  g_return_if_fail (STRATA_IS_PROJECT_VIEW (self));
  g_return_if_fail (profile == NULL || STRATA_IS_APP_PROFILE (profile));

  if (strata_plan_page_get_running (self->plan_page))
    return;

  g_set_object (&self->profile, profile);
  g_clear_object (&self->driver);
  g_clear_pointer (&self->current_heads, g_strfreev);

  strata_revisions_page_set_dialect (self->revisions_page,
                                     profile != NULL ? strata_app_profile_get_dialect (profile) : STRATA_DIALECT_SQLITE);
  strata_project_view_refresh (self);
}

StrataAppProfile *
strata_project_view_get_profile (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->profile;
}

gboolean
strata_project_view_get_busy (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), FALSE);

  return self->refresh_cancellable != NULL || strata_plan_page_get_running (self->plan_page);
}

const char * const *
strata_project_view_get_current_heads (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return (const char * const *)self->current_heads;
}

AdwViewStack *
strata_project_view_get_stack (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->stack;
}

StrataRevisionsPage *
strata_project_view_get_revisions_page (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->revisions_page;
}

StrataPlanPage *
strata_project_view_get_plan_page (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->plan_page;
}

GListModel *
strata_project_view_get_history (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return G_LIST_MODEL (self->history_store);
}
