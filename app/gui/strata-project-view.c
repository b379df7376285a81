/* strata-project-view.c: an open project against the selected profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-project-view"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-authoring.h"
#include "strata-data-browser.h"
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
  ENTRY_PROP_MESSAGE,
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
    NULL, "when", "revision", "message", "direction", "outcome", "duration", "who",
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

/* An outcome as the app says it: the history's words and the store's log's */
static const char *
outcome_label (const char *outcome)
{
  if (g_strcmp0 (outcome, "success") == 0 || g_strcmp0 (outcome, "succeeded") == 0)
    return _("Succeeded");
  if (g_strcmp0 (outcome, "failed") == 0)
    return _("Failed");
  if (g_strcmp0 (outcome, "cancelled") == 0)
    return _("Cancelled");
  if (g_strcmp0 (outcome, "running") == 0)
    return _("Did not finish");
  return outcome;
}

static StrataHistoryEntry *
strata_history_entry_new (const StrataHistoryRecord *record,
                          StrataGraph               *graph)
{
  StrataHistoryEntry *self = g_object_new (STRATA_TYPE_HISTORY_ENTRY, NULL);
  const char *direction = record->direction;

  self->values[ENTRY_PROP_WHEN] = strata_format_timestamp (record->finished != NULL ? record->finished
                                                                                    : record->started);
  self->values[ENTRY_PROP_REVISION] = g_strdup (record->revision);
  /* The revision's message, from its file (a revision whose file is gone
   * has none) */
  if (graph != NULL && self->values[ENTRY_PROP_REVISION] != NULL)
    {
      StrataScript *script = strata_graph_lookup (graph, self->values[ENTRY_PROP_REVISION]);

      if (script != NULL)
        self->values[ENTRY_PROP_MESSAGE] = g_strdup (strata_script_get_message (script));
    }
  if (g_strcmp0 (direction, "up") == 0)
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (_("Upgrade"));
  else if (g_strcmp0 (direction, "down") == 0)
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (_("Downgrade"));
  else if (g_strcmp0 (direction, "stamp") == 0)
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (_("Stamp"));
  else
    self->values[ENTRY_PROP_DIRECTION] = g_strdup (direction);
  self->values[ENTRY_PROP_OUTCOME] = g_strdup (outcome_label (record->outcome));
  /* In seconds, as the log of a run says it */
  if (record->duration_ms >= 0)
    /* Translators: a duration in seconds, as in the log: "0.012 s" */
    self->values[ENTRY_PROP_DURATION] = g_strdup_printf (_("%.3f s"), record->duration_ms / 1000.0);
  if (record->os_user != NULL && record->host != NULL)
    self->values[ENTRY_PROP_WHO] = g_strdup_printf ("%s@%s", record->os_user, record->host);
  else
    self->values[ENTRY_PROP_WHO] = g_strdup (record->os_user);

  return self;
}

/* What the history's search looks in */
static char *
strata_project_view_history_search_text (gpointer    unused,
                                         const char *revision,
                                         const char *message)
{
  return g_strjoin ("\n", revision ?: "", message ?: "", NULL);
}

/* The view */

struct _StrataProjectView
{
  AdwBin               parent_instance;

  StrataStore         *store;
  StrataProject       *project;
  StrataGraph         *graph;
  StrataRevisionList  *revisions;
  StrataProfile       *profile;
  /* The use cases for this project and profile: state, drift, plans and
   * their review, runs (the plan page shares it) */
  StrataSession       *session;
  StrataDriver        *driver;
  char               **current_heads;
  /* What is done for this project and profile: cancelled when either
   * changes, so that late answers are ignored. */
  GCancellable        *cancellable;
  GtkWidget           *password_dialog;
  GPtrArray           *drift_rows;
  /* The project's folder, watched: files added or edited from a terminal
   * show without a restart */
  GFileMonitor        *migrations_monitor;
  GFileMonitor        *ini_monitor;
  guint                reload_source;
  guint                reload_pending : 1;  /* after the run */

  /* One piece of work on the connection at a time: connecting, reading
   * its state or checking drift; a refresh asked for meanwhile follows. */
  guint                busy : 1;
  guint                refresh_pending : 1;

  /* Template widgets */
  AdwViewStack        *stack;
  GtkStack            *status_stack;
  GtkSpinner          *loading_spinner;
  AdwStatusPage       *no_profile_page;
  AdwStatusPage       *error_page;
  AdwPreferencesGroup *status_group;
  AdwActionRow        *current_row;
  AdwActionRow        *heads_row;
  AdwActionRow        *pending_row;
  AdwExpanderRow      *drift_row;
  GtkSpinner          *drift_spinner;
  AdwActionRow        *last_run_row;
  GtkWidget           *review_group;
  StrataRevisionsPage *revisions_page;
  StrataPlanPage      *plan_page;
  StrataSchemaPage    *schema_page;
  GtkStack            *history_stack;
  GListStore          *history_store;
  StrataDataBrowser   *data_browser;
};

G_DEFINE_FINAL_TYPE (StrataProjectView, strata_project_view, ADW_TYPE_BIN)

enum {
  TOAST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void strata_project_view_start_refresh (StrataProjectView *self);

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

/* @none: what an empty list means where it is said */
static char *
join_heads (const char * const *heads,
            const char         *none)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup (none);

  return g_strjoinv (", ", (char **)heads);
}

static void
strata_project_view_update_actions (StrataProjectView *self)
{
  gboolean running = strata_plan_page_get_running (self->plan_page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.check-drift",
                                 self->driver != NULL && self->current_heads != NULL &&
                                 !self->busy && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.read-live-schema",
                                 self->driver != NULL && !self->busy && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "project.show-drift",
                                 g_strcmp0 (strata_drift_view_get_state (strata_schema_page_get_drift_view (self->schema_page)),
                                            "drift") == 0);
}

static void
strata_project_view_update_plan_page (StrataProjectView *self)
{
  if (strata_plan_page_get_running (self->plan_page))
    return;

  strata_plan_page_set_context (self->plan_page, self->session, (const char * const *)self->current_heads);
}

/* Drift: rows under the Drift row, one per difference */

static void
strata_project_view_clear_drift (StrataProjectView *self,
                                 const char        *subtitle)
{
  for (guint i = 0; i < self->drift_rows->len; i++)
    adw_expander_row_remove (self->drift_row, g_ptr_array_index (self->drift_rows, i));
  g_ptr_array_set_size (self->drift_rows, 0);

  adw_expander_row_set_subtitle (self->drift_row, subtitle);
  adw_expander_row_set_enable_expansion (self->drift_row, FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->drift_row), "drifted");
}

static void
strata_project_view_add_drift_row (StrataProjectView *self,
                                   const char        *text,
                                   const char        *icon_name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

  gtk_widget_add_css_class (icon, "warning");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  adw_expander_row_add_row (self->drift_row, row);
  g_ptr_array_add (self->drift_rows, row);
}

/* The last run of this project on this profile, from the store's log,
 * read on the store's worker thread */
typedef struct
{
  StrataProjectView *self;
  GCancellable      *cancellable;  /* the view's when asked */
} LastRuns;

static void
last_runs_free (LastRuns *last)
{
  g_clear_object (&last->self);
  g_clear_object (&last->cancellable);
  g_free (last);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LastRuns, last_runs_free)

static void
last_runs_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(LastRuns) last = user_data;
  StrataProjectView *self = last->self;
  g_autoptr(StrataResult) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *project_path = NULL;
  guint n_rows;

  runs = strata_store_list_runs_finish (STRATA_STORE (object), result, &error);
  /* Another project or profile is on show now, or the view is gone */
  if (g_cancellable_is_cancelled (last->cancellable) || self->project == NULL || self->profile == NULL)
    return;
  if (runs == NULL)
    {
      adw_action_row_set_subtitle (self->last_run_row, error->message);
      return;
    }

  project_path = g_file_get_path (strata_project_get_directory (self->project));
  n_rows = strata_result_get_n_rows (runs);
  for (guint i = 0; i < n_rows; i++)
    {
      const char *action = result_value (runs, i, "action");
      const char *target = result_value (runs, i, "target");
      const char *outcome = result_value (runs, i, "outcome");
      const char *finished = result_value (runs, i, "finished");
      g_autofree char *when = NULL;
      g_autofree char *text = NULL;

      if (g_strcmp0 (result_value (runs, i, "profile_id"), strata_profile_get_id (self->profile)) != 0 ||
          g_strcmp0 (result_value (runs, i, "project"), project_path) != 0)
        continue;

      when = strata_format_timestamp (finished != NULL ? finished : result_value (runs, i, "started"));
      if (g_strcmp0 (action, "upgrade") == 0)
        action = _("Upgrade");
      else if (g_strcmp0 (action, "downgrade") == 0)
        action = _("Downgrade");

      outcome = outcome_label (outcome);

      /* Translators: the last run from the app: "Upgrade to head · succeeded · 21/11/26 10:00:00" */
      text = g_strdup_printf (_("%s to %s · %s · %s"), action, target != NULL ? target : "?", outcome, when);
      adw_action_row_set_subtitle (self->last_run_row, text);
      return;
    }

  adw_action_row_set_subtitle (self->last_run_row, _("None from this app yet"));
}

static void
strata_project_view_show_last_run (StrataProjectView *self)
{
  LastRuns *last;

  if (self->store == NULL)
    {
      adw_action_row_set_subtitle (self->last_run_row, _("Unknown: your store could not be opened"));
      return;
    }

  last = g_new0 (LastRuns, 1);
  last->self = g_object_ref (self);
  last->cancellable = g_object_ref (self->cancellable);
  strata_store_list_runs_async (self->store, 200, self->cancellable, last_runs_cb, last);
}

static void
strata_project_view_show_status (StrataProjectView *self)
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

  adw_preferences_group_set_title (self->status_group, strata_profile_get_name (self->profile));
  url = strata_profile_dup_display_url (self->profile);
  adw_preferences_group_set_description (self->status_group, url);

  /* No row in the version table says nothing of the database's tables */
  current = join_heads ((const char * const *)self->current_heads,
                        _("None: no revision of this project is applied"));
  adw_action_row_set_subtitle (self->current_row, current);

  heads = strata_graph_get_heads (self->graph);
  for (guint i = 0; i < heads->len; i++)
    g_strv_builder_add (builder, strata_script_get_revision (g_ptr_array_index (heads, i)));
  head_ids = g_strv_builder_end (builder);
  heads_text = join_heads ((const char * const *)head_ids,
                          _("None: the project has no revisions yet (strata revision -m MESSAGE)"));
  adw_action_row_set_subtitle (self->heads_row, heads_text);

  pending = strata_session_plan (self->session, STRATA_DIRECTION_UP,
                                 (const char * const *)self->current_heads, "heads", &error);
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
  /* Nothing to review at head: no button that does nothing */
  gtk_widget_set_visible (self->review_group,
                          pending != NULL && strata_plan_get_n_steps (pending) > 0);

  /* The database may have changed: what drift said no longer holds */
  strata_project_view_clear_drift (self, _("Not checked"));
  strata_project_view_show_last_run (self);

  gtk_stack_set_visible_child_name (self->status_stack, "status");
}

static void
strata_project_view_show_history (StrataProjectView *self,
                                  GPtrArray         *history)
{
  guint n_rows = history != NULL ? history->len : 0;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_full (n_rows, g_object_unref);

  for (guint i = 0; i < n_rows; i++)
    g_ptr_array_add (entries, strata_history_entry_new (g_ptr_array_index (history, i), self->graph));

  g_list_store_splice (self->history_store, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->history_store)),
                       entries->pdata, entries->len);
  gtk_stack_set_visible_child_name (self->history_stack, n_rows > 0 ? "history" : "empty");
}

static void
strata_project_view_show_error (StrataProjectView *self,
                                const char        *message)
{
  g_clear_object (&self->driver);
  if (self->session != NULL)
    strata_session_set_driver (self->session, NULL);
  g_clear_pointer (&self->current_heads, g_strfreev);
  gtk_spinner_stop (self->loading_spinner);
  adw_status_page_set_description (self->error_page, message);
  gtk_stack_set_visible_child_name (self->status_stack, "error");
  strata_revision_list_set_current_heads (self->revisions, NULL);
  strata_project_view_show_history (self, NULL);
  strata_project_view_update_plan_page (self);
}

/* The database could not be read: said where the user is too (a toast on
 * any page, its cause first), and kept on the Status page */
static void
strata_project_view_report_error (StrataProjectView *self,
                                  const char        *message)
{
  strata_project_view_show_error (self, message);
  strata_project_view_toast (self, message);
}

/* The work on the connection is over: a refresh asked for meanwhile runs */
static void
strata_project_view_work_done (StrataProjectView *self)
{
  self->busy = FALSE;

  if (self->refresh_pending)
    {
      self->refresh_pending = FALSE;
      strata_project_view_start_refresh (self);
    }

  strata_project_view_update_actions (self);
}

/* Whether @task belongs to the project and profile on show */
static gboolean
strata_project_view_is_current (StrataProjectView *self,
                                GTask             *task)
{
  return self->cancellable != NULL && g_task_get_cancellable (task) == self->cancellable;
}

/* Reading the database's state: the session does it in a thread */

static void
refresh_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(StrataProjectView) self = user_data;
  g_autoptr(StrataDatabaseState) state = NULL;
  g_autoptr(GError) error = NULL;

  state = strata_session_read_state_finish (STRATA_SESSION (object), result, &error);

  /* Another project or profile took over */
  if (!strata_project_view_is_current (self, G_TASK (result)))
    return;

  gtk_spinner_stop (self->loading_spinner);

  if (state == NULL)
    {
      strata_project_view_report_error (self, error->message);
      strata_project_view_work_done (self);
      return;
    }

  g_clear_pointer (&self->current_heads, g_strfreev);
  self->current_heads = g_strdupv ((char **)strata_database_state_get_heads (state));

  strata_revision_list_set_current_heads (self->revisions, (const char * const *)self->current_heads);
  strata_project_view_show_status (self);
  strata_project_view_show_history (self, strata_database_state_get_history (state));
  strata_project_view_update_plan_page (self);
  strata_project_view_work_done (self);
}

static void
strata_project_view_read_state (StrataProjectView *self)
{
  g_assert (self->busy && self->driver != NULL && self->session != NULL);

  strata_session_read_state_async (self->session, self->cancellable, refresh_cb, g_object_ref (self));
}

/* Connecting, with the password from memory, the keyring, PGPASSWORD or
 * ~/.pgpass, and from the person when the server wants one */

static void strata_project_view_connect (StrataProjectView *self);

static void
password_response_cb (StrataProjectView *self,
                      const char        *response,
                      AdwMessageDialog  *dialog)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *message = g_object_get_data (G_OBJECT (dialog), "strata-message");

  self->password_dialog = NULL;

  if (g_strcmp0 (response, "connect") == 0 && self->profile != NULL)
    {
      strata_profile_set_password (self->profile, gtk_editable_get_text (entry));
      gtk_editable_set_text (entry, "");
      strata_project_view_connect (self);
    }
  else
    {
      strata_project_view_show_error (self, message);
      strata_project_view_work_done (self);
    }
}

static void
strata_project_view_ask_password (StrataProjectView *self,
                                  const char        *message,
                                  gboolean           retry)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *keep = NULL;
  const char *user = strata_profile_get_user (self->profile);
  g_autofree char *destination = strata_profile_dup_destination (self->profile);
  GtkWidget *dialog;
  GtkWidget *entry;

  /* Translators: a dialog's heading: the profile's name */
  heading = g_strdup_printf (_("Password for “%s”"), strata_profile_get_name (self->profile));
  /* How to keep a password: the app edits only the user's own profiles */
  if (strata_profile_get_origin (self->profile) == STRATA_PROFILE_ORIGIN_USER)
    keep = g_strdup (_("edit the profile to save one in your keyring"));
  else
    /* Translators: a command; the profile's name */
    keep = g_strdup_printf (_("to save one in your keyring, run “strata profiles set-password %s” in the project’s folder"),
                            strata_profile_get_name (self->profile));

  if (retry)
    /* Translators: how to keep a password (see above) */
    body = g_strdup_printf (_("The server did not accept that password. The one you type now is kept only until "
                              "Strata quits; %s."), keep);
  else
    /* Translators: a user name, where the password goes (a URL without
     * password) and how to keep a password */
    body = g_strdup_printf (_("The server asks for the password of “%s”. It will be sent to %s and kept only "
                              "until Strata quits; %s."),
                            user != NULL ? user : g_get_user_name (), destination, keep);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "connect", _("C_onnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "connect", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Password"),
                                  -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data_full (G_OBJECT (dialog), "strata-message", g_strdup (message), g_free);

  g_signal_connect_object (dialog, "response", G_CALLBACK (password_response_cb), self, G_CONNECT_SWAPPED);
  self->password_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(StrataProjectView) self = user_data;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  driver = strata_profile_connect_finish (STRATA_PROFILE (object), result, &error);

  if (self->cancellable == NULL || cancellable != self->cancellable)
    return;

  if (driver == NULL)
    {
      /* A wrong password typed is forgotten, and asked for again */
      if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION) &&
          gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
        {
          gboolean retry = strata_profile_get_password (self->profile) != NULL;

          strata_profile_set_password (self->profile, NULL);
          strata_project_view_ask_password (self, error->message, retry);
          return;
        }

      strata_project_view_report_error (self, error->message);
      strata_project_view_work_done (self);
      return;
    }

  g_set_object (&self->driver, driver);
  /* The session opens the migrator on it with every project setting */
  strata_session_set_driver (self->session, driver);
  strata_data_browser_set_session (self->data_browser, self->session);
  strata_project_view_read_state (self);
}

static void
strata_project_view_connect (StrataProjectView *self)
{
  g_assert (self->busy);

  strata_profile_connect_async (self->profile,
                                strata_project_get_directory (self->project),
                                self->cancellable,
                                connect_cb, g_object_ref (self));
}

static void
strata_project_view_start_refresh (StrataProjectView *self)
{
  g_assert (!self->busy);

  self->busy = TRUE;
  strata_project_view_update_actions (self);

  if (self->current_heads == NULL)
    {
      gtk_stack_set_visible_child_name (self->status_stack, "loading");
      gtk_spinner_start (self->loading_spinner);
    }

  if (self->session == NULL)
    {
      self->session = strata_session_new (self->project, self->profile);
      strata_session_set_graph (self->session, self->graph);
    }

  if (self->driver == NULL)
    strata_project_view_connect (self);
  else
    strata_project_view_read_state (self);
}

/* Forgets the connection and everything read from it: the project or the
 * profile changed. */
static void
strata_project_view_reset (StrataProjectView *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (self->password_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->password_dialog));
  self->password_dialog = NULL;

  self->busy = FALSE;
  self->refresh_pending = FALSE;
  strata_data_browser_set_session (self->data_browser, NULL);
  g_clear_object (&self->session);
  g_clear_object (&self->driver);
  g_clear_pointer (&self->current_heads, g_strfreev);
  strata_schema_page_set_live (self->schema_page, NULL, -1, NULL);
  strata_drift_view_reset (strata_schema_page_get_drift_view (self->schema_page));
}

static void strata_project_view_watch (StrataProjectView *self);

/* The revisions page: the graph, and a session of its own that reviews the
 * selected revision's SQL offline (the view's comes and goes with the
 * connection) */
static void
strata_project_view_show_revisions (StrataProjectView *self)
{
  g_autoptr(StrataSession) offline = strata_session_new (self->project, NULL);

  strata_session_set_graph (offline, self->graph);
  strata_revisions_page_set_list (self->revisions_page, self->revisions);
  strata_revisions_page_set_session (self->revisions_page, offline);
}

/* Reads the project's files again, keeping the profile and its
 * connection: a revision added from a terminal shows, an edited one is
 * what is reviewed and applied. A run going on finishes on what it
 * reviewed: the reload waits for it. */
static gboolean
strata_project_view_reload (StrataProjectView  *self,
                            GError            **error)
{
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataGraph) graph = NULL;

  if (self->project == NULL)
    return TRUE;

  if (strata_plan_page_get_running (self->plan_page))
    {
      self->reload_pending = TRUE;
      return TRUE;
    }
  self->reload_pending = FALSE;

  if (!(project = strata_project_open (strata_project_get_directory (self->project), error)) ||
      !(graph = strata_project_load_graph (project, error)))
    return FALSE;

  g_set_object (&self->project, project);
  g_set_object (&self->graph, graph);
  /* The session reviews and runs the files as they are now */
  if (self->session != NULL)
    strata_session_set_graph (self->session, graph);
  g_clear_object (&self->revisions);
  self->revisions = strata_revision_list_new (graph);
  strata_revision_list_set_current_heads (self->revisions, (const char * const *)self->current_heads);
  strata_project_view_show_revisions (self);
  strata_schema_page_set_project (self->schema_page, project, graph);
  strata_project_view_watch (self);

  return TRUE;
}

static void
strata_project_view_reload_or_report (StrataProjectView *self)
{
  g_autoptr(GError) error = NULL;

  if (!strata_project_view_reload (self, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The project could not be read again: %s"), error->message);

      strata_project_view_toast (self, text);
      return;
    }

  strata_project_view_refresh (self);
}

static gboolean
strata_project_view_reload_cb (gpointer data)
{
  StrataProjectView *self = data;

  self->reload_source = 0;
  strata_project_view_reload_or_report (self);

  return G_SOURCE_REMOVE;
}

static void
project_file_changed_cb (StrataProjectView *self,
                         GFile             *file,
                         GFile             *other_file,
                         GFileMonitorEvent  event,
                         GFileMonitor      *monitor)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || event == G_FILE_MONITOR_EVENT_PRE_UNMOUNT ||
      self->reload_source != 0)
    return;

  /* An editor writes a file in several steps: read once they are over */
  self->reload_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, 200, strata_project_view_reload_cb, self, NULL);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->reload_source), "[strata] reload project");
}

static void
strata_project_view_unwatch (StrataProjectView *self)
{
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->migrations_monitor != NULL)
    g_file_monitor_cancel (self->migrations_monitor);
  if (self->ini_monitor != NULL)
    g_file_monitor_cancel (self->ini_monitor);
  g_clear_object (&self->migrations_monitor);
  g_clear_object (&self->ini_monitor);
}

static void
strata_project_view_watch (StrataProjectView *self)
{
  g_autoptr(GFile) ini = g_file_get_child (strata_project_get_directory (self->project), "strata.ini");
  g_autoptr(GError) error = NULL;

  strata_project_view_unwatch (self);

  self->migrations_monitor = g_file_monitor_directory (strata_project_get_migrations_dir (self->project),
                                                       G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->migrations_monitor != NULL)
    g_signal_connect_object (self->migrations_monitor, "changed", G_CALLBACK (project_file_changed_cb),
                             self, G_CONNECT_SWAPPED);
  else
    /* F5 still reads it again */
    g_message ("%s: not watched: %s", g_file_peek_path (strata_project_get_migrations_dir (self->project)),
               error->message);

  self->ini_monitor = g_file_monitor_file (ini, G_FILE_MONITOR_NONE, NULL, NULL);
  if (self->ini_monitor != NULL)
    g_signal_connect_object (self->ini_monitor, "changed", G_CALLBACK (project_file_changed_cb),
                             self, G_CONNECT_SWAPPED);
}

/**
 * strata_project_view_reload_project:
 *
 * Reads the project's files and the database again (F5): what changed on
 * disk since shows.
 */
void
strata_project_view_reload_project (StrataProjectView *self)
{
  g_return_if_fail (STRATA_IS_PROJECT_VIEW (self));

  g_clear_handle_id (&self->reload_source, g_source_remove);
  strata_project_view_reload_or_report (self);
}

void
strata_project_view_refresh (StrataProjectView *self)
{
  g_return_if_fail (STRATA_IS_PROJECT_VIEW (self));

  if (self->project == NULL || self->profile == NULL)
    {
      strata_project_view_reset (self);
      gtk_stack_set_visible_child_name (self->status_stack, "no-profile");
      if (self->revisions != NULL)
        strata_revision_list_set_current_heads (self->revisions, NULL);
      strata_project_view_show_history (self, NULL);
      strata_project_view_update_plan_page (self);
      strata_project_view_update_actions (self);
      return;
    }

  /* The plan page's run owns the connection until it ends */
  if (strata_plan_page_get_running (self->plan_page))
    return;

  if (self->busy)
    {
      self->refresh_pending = TRUE;
      return;
    }

  strata_project_view_start_refresh (self);
}

/* Check Drift: the live schema against the one its revision should have */

static void
drift_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StrataProjectView) self = user_data;
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;

  diff = strata_session_check_drift_finish (STRATA_SESSION (object), result, &error);

  if (!strata_project_view_is_current (self, G_TASK (result)))
    return;

  gtk_spinner_stop (self->drift_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->drift_spinner), FALSE);
  strata_drift_view_set_result (strata_schema_page_get_drift_view (self->schema_page), diff,
                                (const char * const *)self->current_heads, error);

  /* Each difference, then each warning not already said */
  if (diff != NULL)
    lines = strata_diff_dup_findings (diff);

  if (lines == NULL)
    {
      strata_project_view_clear_drift (self, error->message);
    }
  else if (lines->len == 0)
    {
      strata_project_view_clear_drift (self, _("No drift: the database has the schema of its revision"));
    }
  else
    {
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u difference from the schema of its revision",
                                               "%u differences from the schema of its revision",
                                               lines->len),
                                  lines->len);
      strata_project_view_clear_drift (self, subtitle);
      for (guint i = 0; i < lines->len; i++)
        strata_project_view_add_drift_row (self, g_ptr_array_index (lines, i), "dialog-warning-symbolic");
      adw_expander_row_set_enable_expansion (self->drift_row, TRUE);
      adw_expander_row_set_expanded (self->drift_row, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->drift_row), "drifted");
    }

  strata_project_view_work_done (self);
}

static void
strata_project_view_check_drift_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  StrataProjectView *self = STRATA_PROJECT_VIEW (widget);

  if (self->busy || self->driver == NULL || self->session == NULL || self->current_heads == NULL ||
      strata_plan_page_get_running (self->plan_page))
    return;

  self->busy = TRUE;
  strata_project_view_update_actions (self);
  adw_expander_row_set_subtitle (self->drift_row, _("Checking…"));
  gtk_widget_set_visible (GTK_WIDGET (self->drift_spinner), TRUE);
  gtk_spinner_start (self->drift_spinner);
  strata_drift_view_set_checking (strata_schema_page_get_drift_view (self->schema_page));

  /* The session replays the revisions the database is at, reads the live
   * schema (in the project's schema=) and compares them, in a thread */
  strata_session_check_drift_async (self->session, self->cancellable, drift_cb, g_object_ref (self));
}

/* The drift found, in detail: Schema ▸ Drift */
static void
strata_project_view_show_drift_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  StrataProjectView *self = STRATA_PROJECT_VIEW (widget);

  adw_view_stack_set_visible_child_name (self->stack, "schema");
  strata_schema_page_show (self->schema_page, "drift");
}

/* Read Live Schema: the database's catalog, for the schema page */

static void
live_schema_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StrataProjectView) self = user_data;
  g_autoptr(StrataModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = strata_session_introspect_finish (STRATA_SESSION (object), result, &error);

  if (!strata_project_view_is_current (self, G_TASK (result)))
    return;

  strata_schema_page_set_live (self->schema_page, model, strata_profile_get_dialect (self->profile), error);
  strata_project_view_work_done (self);
}

static void
strata_project_view_read_live_schema_action (GtkWidget  *widget,
                                             const char *action_name,
                                             GVariant   *parameter)
{
  StrataProjectView *self = STRATA_PROJECT_VIEW (widget);

  if (self->busy || self->driver == NULL || self->session == NULL ||
      strata_plan_page_get_running (self->plan_page))
    return;

  self->busy = TRUE;
  strata_project_view_update_actions (self);
  strata_schema_page_set_live_loading (self->schema_page);
  strata_session_introspect_async (self->session, self->cancellable, live_schema_cb, g_object_ref (self));
}

static void
strata_project_view_selected_revision_cb (StrataProjectView *self)
{
  strata_plan_page_set_selected_revision (self->plan_page,
                                          strata_revisions_page_get_selected_revision (self->revisions_page));
  strata_schema_page_set_revision (self->schema_page,
                                   strata_revisions_page_get_selected_revision (self->revisions_page));
}

static void
strata_project_view_plan_finished_cb (StrataProjectView *self,
                                      gboolean           success,
                                      const char        *message)
{
  strata_project_view_toast (self, message);

  /* Files changed during the run: read them now */
  if (self->reload_pending)
    {
      strata_project_view_reload_or_report (self);
      return;
    }

  strata_project_view_refresh (self);
}

/* Apply found the files changed since the review: said (the plan's
 * banner goes with the new review), then read again */
static void
strata_project_view_plan_stale_cb (StrataProjectView *self,
                                   const char        *message)
{
  strata_project_view_toast (self, message);
  strata_project_view_reload_project (self);
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

/* The profile was edited (and saved): connect again with what it says */
static void
strata_project_view_profile_notify_cb (StrataProjectView *self,
                                       GParamSpec        *pspec,
                                       StrataProfile     *profile)
{
  static const char * const connection[] = {
    "engine", "host", "port", "user", "database", "path", "params", NULL,
  };

  if (!g_strv_contains (connection, pspec->name) || strata_plan_page_get_running (self->plan_page))
    return;

  strata_project_view_reset (self);
  strata_project_view_refresh (self);
}

static void
strata_project_view_dispose (GObject *object)
{
  StrataProjectView *self = (StrataProjectView *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->password_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->password_dialog));
  self->password_dialog = NULL;
  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_func (self->profile, strata_project_view_profile_notify_cb, self);
  strata_project_view_unwatch (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PROJECT_VIEW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->project);
  g_clear_object (&self->graph);
  g_clear_object (&self->revisions);
  g_clear_object (&self->profile);
  g_clear_object (&self->session);
  g_clear_object (&self->driver);
  g_clear_pointer (&self->current_heads, g_strfreev);
  g_clear_pointer (&self->drift_rows, g_ptr_array_unref);

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
  g_type_ensure (STRATA_TYPE_DATA_BROWSER);
  g_type_ensure (STRATA_TYPE_REVISIONS_PAGE);
  g_type_ensure (STRATA_TYPE_SCHEMA_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-project-view.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, status_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, no_profile_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, status_group);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, current_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, heads_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, pending_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, drift_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, drift_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, last_run_row);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, review_group);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, revisions_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, plan_page);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, history_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, schema_page);
  /* Reached by name only (tests): the history's search and its matches */
  gtk_widget_class_bind_template_child_full (widget_class, "history_search", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "history_filter_model", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, strata_project_view_history_search_text);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, history_store);
  gtk_widget_class_bind_template_child (widget_class, StrataProjectView, data_browser);
  gtk_widget_class_bind_template_callback (widget_class, strata_project_view_selected_revision_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_project_view_plan_finished_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_project_view_plan_stale_cb);

  gtk_widget_class_install_action (widget_class, "project.review-upgrade", NULL,
                                   strata_project_view_review_upgrade_action);
  gtk_widget_class_install_action (widget_class, "project.show-drift", NULL,
                                   strata_project_view_show_drift_action);
  gtk_widget_class_install_action (widget_class, "project.read-live-schema", NULL,
                                   strata_project_view_read_live_schema_action);
  gtk_widget_class_install_action (widget_class, "project.check-drift", NULL,
                                   strata_project_view_check_drift_action);
}

static void
strata_project_view_init (StrataProjectView *self)
{
  self->drift_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Writing migrations and exporting scripts: the "author" actions */
  strata_authoring_attach (self);

  strata_project_view_update_actions (self);
}

GtkWidget *
strata_project_view_new (void)
{
  return g_object_new (STRATA_TYPE_PROJECT_VIEW, NULL);
}

/**
 * strata_project_view_set_store:
 * @store: (nullable): the user's store, for the log of runs
 */
void
strata_project_view_set_store (StrataProjectView *self,
                               StrataStore       *store)
{
  g_return_if_fail (STRATA_IS_PROJECT_VIEW (self));
  g_return_if_fail (store == NULL || STRATA_IS_STORE (store));

  g_set_object (&self->store, store);
  strata_plan_page_set_store (self->plan_page, store);

  if (store != NULL)
    adw_status_page_set_description (self->no_profile_page,
                                     _("Add or select a connection profile to see where its database stands"));
  else
    adw_status_page_set_description (self->no_profile_page,
                                     _("Connection profiles are unavailable: your store could not be opened"));
}

gboolean
strata_project_view_set_project (StrataProjectView  *self,
                                 StrataProject      *project,
                                 GError            **error)
{
  g_autoptr(StrataGraph) graph = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PROJECT (project), FALSE);

  if (strata_plan_page_get_running (self->plan_page))
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_STATE,
                           _("A migration is running: wait for it to end or cancel it first"));
      return FALSE;
    }

  if (!(graph = strata_project_load_graph (project, error)))
    return FALSE;

  strata_project_view_reset (self);
  g_set_object (&self->project, project);
  g_set_object (&self->graph, graph);
  g_clear_object (&self->revisions);
  self->revisions = strata_revision_list_new (graph);

  strata_project_view_show_revisions (self);
  strata_schema_page_set_project (self->schema_page, project, graph);
  self->reload_pending = FALSE;
  strata_project_view_watch (self);
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
                                 StrataProfile     *profile)
{
  g_return_if_fail (STRATA_IS_PROJECT_VIEW (self));
  g_return_if_fail (profile == NULL || STRATA_IS_PROFILE (profile));

  if (strata_plan_page_get_running (self->plan_page))
    return;

  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_func (self->profile, strata_project_view_profile_notify_cb, self);

  strata_project_view_reset (self);
  g_set_object (&self->profile, profile);

  if (profile != NULL)
    g_signal_connect_object (profile, "notify", G_CALLBACK (strata_project_view_profile_notify_cb),
                             self, G_CONNECT_SWAPPED);

  strata_revisions_page_set_dialect (self->revisions_page,
                                     profile != NULL ? strata_profile_get_dialect (profile) : STRATA_DIALECT_SQLITE);
  strata_schema_page_set_dialect (self->schema_page, profile != NULL ? (int)strata_profile_get_dialect (profile) : -1);
  strata_project_view_refresh (self);
}

StrataProfile *
strata_project_view_get_profile (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->profile;
}

gboolean
strata_project_view_get_busy (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), FALSE);

  return self->busy || self->refresh_pending || strata_plan_page_get_running (self->plan_page);
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

StrataSchemaPage *
strata_project_view_get_schema_page (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->schema_page;
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

/**
 * strata_project_view_dup_drift:
 *
 * Returns: (transfer full): what the last drift check found, one line per
 *   difference (empty when it found none or did not run)
 */
GStrv
strata_project_view_dup_drift (StrataProjectView *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  for (guint i = 0; i < self->drift_rows->len; i++)
    g_strv_builder_add (builder, adw_preferences_row_get_title (g_ptr_array_index (self->drift_rows, i)));

  return g_strv_builder_end (builder);
}

/**
 * strata_project_view_get_session:
 *
 * Returns: (transfer none) (nullable): the session of this project and
 *   profile, once the profile's database is being read
 */
StrataSession *
strata_project_view_get_session (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return self->session;
}

/**
 * strata_project_view_get_password_dialog:
 *
 * Returns: (transfer none) (nullable): the dialog asking for the profile's
 *   password, while it shows
 */
GtkWindow *
strata_project_view_get_password_dialog (StrataProjectView *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT_VIEW (self), NULL);

  return GTK_WINDOW (self->password_dialog);
}
