/* strata-plan-page.c: review a plan step by step, apply it, watch it run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-gui-util.h"
#include "strata-plan-page.h"

typedef struct
{
  AdwExpanderRow *row;
  GtkStack       *state;
} StepRow;

struct _StrataPlanPage
{
  AdwBin             parent_instance;

  StrataStore       *store;
  StrataProject     *project;
  StrataGraph       *graph;
  StrataProfile     *profile;
  StrataSession     *session;      /* the project view's: every use case */
  char             **current_heads;
  char              *selected_revision;

  StrataPlan        *plan;
  char              *plan_target;  /* what the plan was asked for: "head", "-1", … */
  GArray            *step_rows;    /* StepRow, one per step */
  guint              n_findings;
  guint              destructive : 1;
  guint              finished : 1;     /* showing the run that just ended */

  GCancellable      *cancellable;
  GCancellable      *review_cancellable;  /* while the steps are reviewed */
  struct _RunLog    *run_log;      /* the run's entry in the store's log, or NULL */
  char             **heads_reached; /* after the last step that ran */
  gulong             lock_waiting_id;

  /* Template widgets */
  GtkDropDown       *target_dropdown;
  GtkLabel          *summary_label;
  GtkRevealer       *warning_revealer;
  GtkLabel          *warning_label;
  GtkStack          *plan_stack;
  AdwStatusPage     *error_page;
  GtkListBox        *steps_list;
  GtkExpander       *log_expander;
  GtkScrolledWindow *log_scroller;
  GtkTextView       *log_view;
  GtkProgressBar    *progress_bar;
  GtkButton         *apply_button;
  GtkButton         *cancel_button;
  GtkButton         *done_button;
};

G_DEFINE_FINAL_TYPE (StrataPlanPage, strata_plan_page, ADW_TYPE_BIN)

/* Lines of the banner that says what loses data */
#define MAX_WARNING_LINES 3

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What a confirmation names: the database (PostgreSQL) or the file's name
 * (SQLite) */
static char *
profile_dup_database (StrataProfile *profile)
{
  if (strata_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE)
    {
      const char *path = strata_profile_get_path (profile);

      return path != NULL ? g_path_get_basename (path) : g_strdup (":memory:");
    }

  return g_strdup (strata_profile_get_database (profile));
}

static void
strata_plan_page_log (StrataPlanPage *self,
                      const char     *format,
                      ...) G_GNUC_PRINTF (2, 3);

static void
strata_plan_page_log (StrataPlanPage *self,
                      const char     *format,
                      ...)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%H:%M:%S");
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  GtkTextIter end;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  line = g_strdup_printf ("%s  %s\n", time, message);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, line, -1);

  /* Follow the end of the log */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
}

/* The log follows its end as lines come, once they are laid out */
static void
log_upper_changed_cb (GtkAdjustment *adjustment,
                      GParamSpec    *pspec,
                      gpointer       user_data)
{
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
}

static void
strata_plan_page_update_actions (StrataPlanPage *self)
{
  gboolean running = self->cancellable != NULL;
  gboolean can_apply = !running && !self->finished && self->review_cancellable == NULL &&
                       self->plan != NULL && strata_plan_get_n_steps (self->plan) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.apply", can_apply);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.done", self->finished);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), !self->finished);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), self->finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->target_dropdown), !running);

  if (self->destructive)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->apply_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->apply_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->apply_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->apply_button), "suggested-action");
    }
}

static const char *
lint_kind_label (StrataLintKind kind)
{
  switch (kind)
    {
    case STRATA_LINT_DESTRUCTIVE:
      return _("Destructive");
    case STRATA_LINT_IRREVERSIBLE:
      return _("Irreversible");
    case STRATA_LINT_LOCKING:
      return _("Locks Tables");
    case STRATA_LINT_DATA_DEPENDENT:
      return _("Data-Dependent");
    case STRATA_LINT_DIALECT_DEPENDENT:
      return _("Differs by Database");
    default:
      g_return_val_if_reached (NULL);
    }
}

static GtkWidget *
create_tag (const char *label,
            const char *style)
{
  return g_object_new (GTK_TYPE_LABEL,
                       "label", label,
                       "valign", GTK_ALIGN_CENTER,
                       "css-classes", (const char *[]) { "step-tag", "caption-heading", style, NULL },
                       NULL);
}

/* A finding, under its step: what it is about and what to do */
static GtkWidget *
create_finding_row (StrataLintFinding *finding)
{
  gboolean destructive = finding->kind == STRATA_LINT_DESTRUCTIVE;
  g_autofree char *title = NULL;
  GtkWidget *row;
  GtkWidget *icon;

  /* Translators: a lint finding: "Destructive: drop column book.isbn" */
  title = g_strdup_printf (_("%s: %s"), lint_kind_label (finding->kind), finding->operation);

  row = g_object_new (ADW_TYPE_ACTION_ROW,
                      "title", title,
                      "subtitle", finding->message,
                      "use-markup", FALSE,
                      NULL);
  icon = g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", destructive ? "dialog-error-symbolic" : "dialog-warning-symbolic",
                       "css-classes", (const char *[]) { destructive ? "error" : "warning", NULL },
                       NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, lint_kind_label (finding->kind),
                                  -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  gtk_widget_add_css_class (row, destructive ? "lint-destructive" : "lint-warning");

  return row;
}

/* A step's SQL as the review shows it: the statements, each ending in ";",
 * or why it cannot run, as SQL comments. */
static char *
format_statements (StrataStepReview *review)
{
  GPtrArray *statements = strata_step_review_get_statements (review);
  const GError *error = strata_step_review_get_error (review);
  GString *text = g_string_new (NULL);

  if (statements == NULL)
    {
      g_auto(GStrv) lines = g_strsplit (error != NULL ? error->message : "", "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (text, "-- %s\n", lines[i]);
      return g_string_free (text, FALSE);
    }

  if (statements->len == 0)
    /* Translators: shown as an SQL comment for a revision without statements */
    g_string_append_printf (text, "-- %s", _("No statements"));

  for (guint i = 0; i < statements->len; i++)
    {
      const char *statement = g_ptr_array_index (statements, i);

      if (i > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, statement);
      if (!g_str_has_suffix (statement, ";"))
        g_string_append_c (text, ';');
    }

  return g_string_free (text, FALSE);
}

static GtkWidget *
create_step_row (StrataPlanPage   *self,
                 StrataStepReview *review,
                 guint             index,
                 GPtrArray        *warnings)
{
  StrataStep *step = strata_step_review_get_step (review);
  StrataScript *script = strata_step_get_script (step);
  gboolean up = strata_step_get_direction (step) == STRATA_DIRECTION_UP;
  const GError *review_error = strata_step_review_get_error (review);
  GPtrArray *findings = strata_step_review_get_findings (review);
  g_autofree char *title = NULL;
  g_autofree char *sql = NULL;
  const char *message = strata_script_get_message (script);
  AdwExpanderRow *row;
  GtkWidget *state;
  GtkWidget *view;
  gboolean failed = strata_step_review_get_statements (review) == NULL;
  gboolean kinds[STRATA_LINT_DIALECT_DEPENDENT + 1] = { FALSE, };
  StepRow step_row;

  /* Translators: a step of a plan: "1. Upgrade to 1a0e6c2d9b41" */
  title = g_strdup_printf (up ? _("%u. Upgrade to %s") : _("%u. Downgrade from %s"),
                           index + 1, strata_step_get_revision (step));

  row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (row, message != NULL ? message : "");
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  /* Pending, running, done, failed */
  state = gtk_stack_new ();
  gtk_stack_add_named (GTK_STACK (state),
                       g_object_new (GTK_TYPE_IMAGE,
                                     "icon-name", up ? "go-up-symbolic" : "go-down-symbolic",
                                     "css-classes", (const char *[]) { "dim-label", NULL },
                                     NULL),
                       "pending");
  gtk_stack_add_named (GTK_STACK (state), g_object_new (GTK_TYPE_SPINNER, "spinning", TRUE, NULL), "running");
  gtk_stack_add_named (GTK_STACK (state),
                       g_object_new (GTK_TYPE_IMAGE,
                                     "icon-name", "emblem-ok-symbolic",
                                     "css-classes", (const char *[]) { "success", NULL },
                                     NULL),
                       "done");
  gtk_stack_add_named (GTK_STACK (state),
                       g_object_new (GTK_TYPE_IMAGE,
                                     "icon-name", "dialog-error-symbolic",
                                     "css-classes", (const char *[]) { "error", NULL },
                                     NULL),
                       "failed");
  adw_expander_row_add_prefix (row, state);

  /* Lint findings on the schema as it will be: destructive ones stand out,
   * in the banner above the steps too */
  if (review_error != NULL && strata_step_review_get_operations (review) == NULL)
    {
      g_ptr_array_add (warnings, g_strdup (review_error->message));
      adw_expander_row_add_action (row, create_tag (_("Cannot Run"), "error"));
      adw_expander_row_set_expanded (row, TRUE);
      self->destructive = TRUE;
    }
  else
    {
      for (guint i = 0; i < findings->len; i++)
        {
          StrataLintFinding *finding = g_ptr_array_index (findings, i);

          kinds[finding->kind] = TRUE;
          self->n_findings++;
          adw_expander_row_add_row (row, create_finding_row (finding));

          if (finding->kind == STRATA_LINT_DESTRUCTIVE)
            {
              /* Translators: a warning about a step: "6f2c8d4e0a96: drop column book.isbn: MESSAGE" */
              g_ptr_array_add (warnings, g_strdup_printf (_("%s: %s: %s"),
                                                          strata_step_get_revision (step),
                                                          finding->operation, finding->message));
            }
        }

      for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
        {
          if (kinds[kind])
            adw_expander_row_add_action (row, create_tag (lint_kind_label (kind),
                                                          kind == STRATA_LINT_DESTRUCTIVE ? "error" : "warning"));
        }

      if (kinds[STRATA_LINT_DESTRUCTIVE])
        {
          adw_expander_row_set_expanded (row, TRUE);
          self->destructive = TRUE;
        }
    }

  /* The exact SQL the step runs */
  view = g_object_new (GTK_SOURCE_TYPE_VIEW,
                       "editable", FALSE,
                       "monospace", TRUE,
                       "wrap-mode", GTK_WRAP_WORD_CHAR,
                       "left-margin", 12, "right-margin", 12, "top-margin", 8, "bottom-margin", 8,
                       NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  strata_source_view_setup (GTK_SOURCE_VIEW (view));
  sql = format_statements (review);
  strata_source_view_set_text (GTK_SOURCE_VIEW (view), sql);
  gtk_widget_add_css_class (view, "step-sql");
  adw_expander_row_add_row (row, view);
  if (failed)
    self->destructive = TRUE;

  step_row.row = row;
  step_row.state = GTK_STACK (state);
  g_array_append_val (self->step_rows, step_row);

  return GTK_WIDGET (row);
}

static void
strata_plan_page_clear_steps (StrataPlanPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list))) != NULL)
    gtk_list_box_remove (self->steps_list, child);

  if (self->review_cancellable != NULL)
    g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  g_array_set_size (self->step_rows, 0);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->plan_target, g_free);
  self->n_findings = 0;
  self->destructive = FALSE;
}

static void
strata_plan_page_show_error (StrataPlanPage *self,
                             const char     *title,
                             const char     *description)
{
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->plan_stack, "error");
}

static void review_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
strata_plan_page_update_plan (StrataPlanPage *self)
{
  StrataPlanTarget target;
  const char *target_id = NULL;
  gboolean down = FALSE;
  g_autoptr(GError) error = NULL;
  g_autofree char *database = NULL;
  g_autofree char *summary = NULL;
  guint n_steps;

  if (self->cancellable != NULL)
    return;

  self->finished = FALSE;
  strata_plan_page_clear_steps (self);
  gtk_label_set_label (self->summary_label, "");
  gtk_revealer_set_reveal_child (self->warning_revealer, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  if (self->session == NULL || self->graph == NULL || self->profile == NULL || self->current_heads == NULL)
    {
      gtk_stack_set_visible_child_name (self->plan_stack, "no-profile");
      strata_plan_page_update_actions (self);
      return;
    }

  target = gtk_drop_down_get_selected (self->target_dropdown);
  switch (target)
    {
    case STRATA_PLAN_TARGET_HEAD:
      target_id = "head";
      break;

    case STRATA_PLAN_TARGET_HEADS:
      target_id = "heads";
      break;

    case STRATA_PLAN_TARGET_REVISION:
      target_id = self->selected_revision;
      if (target_id != NULL)
        {
          g_autoptr(GHashTable) applied = NULL;

          applied = strata_graph_dup_applied (self->graph, (const char * const *)self->current_heads, NULL);
          down = applied != NULL && g_hash_table_contains (applied, target_id);
        }
      break;

    case STRATA_PLAN_TARGET_STEP_BACK:
      target_id = "-1";
      down = TRUE;
      break;

    case STRATA_PLAN_TARGET_BASE:
      target_id = "base";
      down = TRUE;
      break;

    default:
      g_return_if_reached ();
    }

  if (target_id == NULL)
    {
      strata_plan_page_show_error (self, _("No Revision Selected"),
                                   _("Select a revision in the Revisions view to plan an upgrade or a downgrade to it"));
      strata_plan_page_update_actions (self);
      return;
    }

  self->plan = strata_session_plan (self->session, down ? STRATA_DIRECTION_DOWN : STRATA_DIRECTION_UP,
                                    (const char * const *)self->current_heads, target_id, &error);

  if (self->plan == NULL)
    {
      strata_plan_page_show_error (self, _("No Plan for This Target"), error->message);
      strata_plan_page_update_actions (self);
      return;
    }

  self->plan_target = g_strdup (target_id);
  n_steps = strata_plan_get_n_steps (self->plan);
  database = profile_dup_database (self->profile);
  if (n_steps == 0)
    {
      gtk_stack_set_visible_child_name (self->plan_stack, "empty");
      strata_plan_page_update_actions (self);
      return;
    }

  /* Per step: its operations, lint findings and SQL, from the one
   * function that decides what a step runs (the session, in a thread) */
  self->review_cancellable = g_cancellable_new ();
  strata_session_review_plan_async (self->session, self->plan, strata_profile_get_dialect (self->profile),
                                    self->review_cancellable, review_cb, g_object_ref (self));

  summary = g_strdup_printf (down
                             ? g_dngettext (GETTEXT_PACKAGE, "%u step down on %s", "%u steps down on %s", n_steps)
                             : g_dngettext (GETTEXT_PACKAGE, "%u step up on %s", "%u steps up on %s", n_steps),
                             n_steps, database);
  gtk_label_set_label (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->plan_stack, "reviewing");
  strata_plan_page_update_actions (self);
}

static void
review_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataPlanPage) self = user_data;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;

  reviews = strata_session_review_plan_finish (STRATA_SESSION (object), result, &error);
  /* A newer plan replaced this one, or the page went away */
  if (reviews == NULL || self->step_rows == NULL ||
      g_task_get_cancellable (G_TASK (result)) != self->review_cancellable)
    return;

  g_clear_object (&self->review_cancellable);

  warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < reviews->len; i++)
    gtk_list_box_append (self->steps_list,
                         create_step_row (self, g_ptr_array_index (reviews, i), i, warnings));

  /* The banner: what loses data, first (at most a few lines of it), else
   * that there are findings to look at */
  if (warnings->len > 0)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      guint shown = warnings->len > MAX_WARNING_LINES + 1 ? MAX_WARNING_LINES : warnings->len;

      for (guint i = 0; i < shown; i++)
        g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (char *)g_ptr_array_index (warnings, i));
      if (shown < warnings->len)
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "And %u more that loses data: see the steps below",
                                               "And %u more that lose data: see the steps below",
                                               warnings->len - shown),
                                  warnings->len - shown);
        }

      gtk_label_set_label (self->warning_label, text->str);
      gtk_widget_add_css_class (GTK_WIDGET (self->warning_revealer), "destructive");
      gtk_revealer_set_reveal_child (self->warning_revealer, TRUE);
    }
  else if (self->n_findings > 0)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u lint finding: see the steps it is about",
                                           "%u lint findings: see the steps they are about",
                                           self->n_findings),
                              self->n_findings);
      gtk_label_set_label (self->warning_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->warning_revealer), "destructive");
      gtk_revealer_set_reveal_child (self->warning_revealer, TRUE);
    }

  gtk_stack_set_visible_child_name (self->plan_stack, "steps");
  strata_plan_page_update_actions (self);
}

static void
strata_plan_page_target_changed_cb (StrataPlanPage *self)
{
  strata_plan_page_update_plan (self);
}

static StepRow *
get_step_row (StrataPlanPage *self,
              guint           index)
{
  if (index >= self->step_rows->len)
    return NULL;

  return &g_array_index (self->step_rows, StepRow, index);
}

static void
strata_plan_page_step_started_cb (StrataPlanPage *self,
                                  StrataStep     *step,
                                  guint           index,
                                  guint           n_steps,
                                  StrataSession  *session)
{
  StepRow *row = get_step_row (self, index);
  g_autofree char *text = NULL;

  if (row != NULL)
    gtk_stack_set_visible_child_name (row->state, "running");

  /* Translators: progress of a run: "Step 2 of 5: 2b7f3e8a0c52" */
  text = g_strdup_printf (_("Step %u of %u: %s"), index + 1, n_steps, strata_step_get_revision (step));
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double)index / MAX (n_steps, 1));
  strata_plan_page_log (self, "%s %s",
                        strata_step_get_direction (step) == STRATA_DIRECTION_UP ? _("Upgrading to") : _("Downgrading from"),
                        strata_step_get_revision (step));
}

static void
strata_plan_page_step_finished_cb (StrataPlanPage *self,
                                   StrataStep     *step,
                                   guint           index,
                                   guint           n_steps,
                                   double          seconds,
                                   StrataSession  *session)
{
  StepRow *row = get_step_row (self, index);

  if (row != NULL)
    gtk_stack_set_visible_child_name (row->state, "done");

  g_strfreev (self->heads_reached);
  self->heads_reached = g_strdupv ((char **)strata_step_get_heads_after (step));

  gtk_progress_bar_set_fraction (self->progress_bar, (double)(index + 1) / MAX (n_steps, 1));
  strata_plan_page_log (self, _("Done %s in %.3f s"), strata_step_get_revision (step), seconds);
}

static void
strata_plan_page_statement_cb (StrataPlanPage *self,
                               StrataStep     *step,
                               const char     *sql,
                               StrataSession  *session)
{
  strata_plan_page_log (self, "  %s", sql);
}

/* The store's log of runs: one row per apply or rollback from the app,
 * written on the store's worker thread. The run may end before its row is
 * begun: the entry then waits for the row's id to finish it. It outlives
 * the page (a window closed mid-run still logs the run). */

typedef struct _RunLog
{
  StrataStore  *store;
  gint64        id;        /* 0 until begun, or if beginning failed */
  guint         begun : 1; /* the store answered */
  guint         ended : 1; /* the run ended: the fields below are set */
  char         *outcome;
  char        **heads;
  char         *message;
} RunLog;

static void
run_log_clear (gpointer data)
{
  RunLog *log = data;

  g_clear_object (&log->store);
  g_clear_pointer (&log->outcome, g_free);
  g_clear_pointer (&log->heads, g_strfreev);
  g_clear_pointer (&log->message, g_free);
}

static void
run_log_unref (RunLog *log)
{
  g_rc_box_release_full (log, run_log_clear);
}

static void
run_log_finished_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!strata_store_finish_run_finish (STRATA_STORE (object), result, &error))
    g_warning ("%s", error->message);
}

static void
run_log_finish (RunLog *log)
{
  if (!log->begun || !log->ended || log->id == 0)
    return;

  strata_store_finish_run_async (log->store, log->id, log->outcome,
                                 (const char * const *)log->heads, log->message,
                                 NULL, run_log_finished_cb, NULL);
}

static void
run_log_begun_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  RunLog *log = user_data;
  g_autoptr(GError) error = NULL;

  log->begun = TRUE;
  log->id = strata_store_begin_run_finish (STRATA_STORE (object), result, &error);
  /* Not logging it is no reason not to run it */
  if (log->id == 0)
    g_warning ("%s", error->message);
  run_log_finish (log);
  run_log_unref (log);
}

static void
strata_plan_page_begin_run (StrataPlanPage *self)
{
  RunLog *log;

  g_clear_pointer (&self->run_log, run_log_unref);
  if (self->store == NULL)
    return;

  log = g_rc_box_new0 (RunLog);
  log->store = g_object_ref (self->store);
  self->run_log = g_rc_box_acquire (log);
  strata_store_begin_run_async (self->store,
                                strata_project_get_directory (self->project),
                                self->profile,
                                strata_plan_get_direction (self->plan) == STRATA_DIRECTION_UP
                                ? "upgrade" : "downgrade",
                                self->plan_target,
                                (const char * const *)self->current_heads,
                                NULL, run_log_begun_cb, log);
}

static void
strata_plan_page_log_run (StrataPlanPage *self,
                          const GError   *run_error)
{
  RunLog *log = g_steal_pointer (&self->run_log);

  if (log == NULL)
    return;

  if (g_error_matches (run_error, STRATA_ERROR, STRATA_ERROR_CANCELLED) ||
      g_error_matches (run_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    log->outcome = g_strdup ("cancelled");
  else if (run_error != NULL)
    log->outcome = g_strdup ("failed");
  else
    log->outcome = g_strdup ("succeeded");
  log->heads = g_strdupv (self->heads_reached);
  log->message = run_error != NULL ? g_strdup (run_error->message) : NULL;
  log->ended = TRUE;

  run_log_finish (log);
  run_log_unref (log);
}

/* PostgreSQL: another run holds the migration lock. Said in the worker
 * thread that waits for it; shown from the main loop, always through an
 * idle source: g_main_context_invoke() would run it right there in the
 * worker whenever the main thread does not own the default context at that
 * moment (between iterations), and GTK is not thread-safe. */

typedef struct
{
  StrataPlanPage *self;
  char           *holder;
} LockWaiting;

static void
lock_waiting_free (gpointer data)
{
  LockWaiting *waiting = data;

  g_object_unref (waiting->self);
  g_free (waiting->holder);
  g_free (waiting);
}

static gboolean
lock_waiting_idle (gpointer data)
{
  LockWaiting *waiting = data;

  if (waiting->self->cancellable != NULL)
    {
      strata_plan_page_log (waiting->self, _("Waiting for the migration lock, %s"), waiting->holder);
      gtk_progress_bar_set_text (waiting->self->progress_bar, _("Waiting for another migration to finish…"));
    }

  return G_SOURCE_REMOVE;
}

static void
lock_waiting_cb (StrataSession *session,
                 const char    *holder,
                 gpointer       user_data)
{
  LockWaiting *waiting = g_new0 (LockWaiting, 1);

  waiting->self = g_object_ref (user_data);
  waiting->holder = g_strdup (holder);
  g_idle_add_full (G_PRIORITY_DEFAULT, lock_waiting_idle, waiting, lock_waiting_free);
}

static void
strata_plan_page_run_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(StrataPlanPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean success;

  success = strata_session_apply_finish (STRATA_SESSION (object), result, &error);

  g_signal_handlers_disconnect_by_data (object, self);
  self->lock_waiting_id = 0;
  strata_plan_page_log_run (self, error);

  /* The page went away while the run ended: nothing left to show it on */
  if (self->step_rows == NULL)
    return;

  g_clear_object (&self->cancellable);
  /* The steps stay as they ran until the user is done with them */
  self->finished = TRUE;

  if (success)
    {
      const char * const *heads = strata_plan_get_heads_after (self->plan);
      g_autofree char *database = profile_dup_database (self->profile);
      g_autofree char *target = heads[0] != NULL ? g_strjoinv (", ", (char **)heads) : g_strdup ("base");

      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      gtk_progress_bar_set_text (self->progress_bar, _("Finished"));
      strata_plan_page_log (self, _("Finished"));

      /* Translators: a toast: "Upgraded bookshop.db to 8b4e0f6a2c18" */
      message = g_strdup_printf (strata_plan_get_direction (self->plan) == STRATA_DIRECTION_UP
                                 ? _("Upgraded %s to %s") : _("Downgraded %s to %s"),
                                 database, target);
    }
  else
    {
      for (guint i = 0; i < self->step_rows->len; i++)
        {
          StepRow *row = get_step_row (self, i);

          if (g_strcmp0 (gtk_stack_get_visible_child_name (row->state), "running") == 0)
            {
              gtk_stack_set_visible_child_name (row->state, "failed");
              adw_expander_row_set_expanded (row->row, TRUE);
            }
        }

      gtk_progress_bar_set_text (self->progress_bar,
                                 g_error_matches (error, STRATA_ERROR, STRATA_ERROR_CANCELLED) ||
                                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                 ? _("Cancelled") : _("Failed"));
      strata_plan_page_log (self, "%s", error->message);
      gtk_expander_set_expanded (self->log_expander, TRUE);

      if (g_error_matches (error, STRATA_ERROR, STRATA_ERROR_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *database = profile_dup_database (self->profile);
          g_autofree char *reached = self->heads_reached != NULL && self->heads_reached[0] != NULL
                                     ? g_strjoinv (", ", self->heads_reached) : g_strdup ("base");

          /* Translators: a toast: "Cancelled: bookshop.db stays at 3c4d1f9e7a63" */
          message = g_strdup_printf (_("Cancelled: %s stays at %s"), database, reached);
        }
      else
        {
          message = g_strdup (error->message);
        }
    }

  strata_plan_page_update_actions (self);
  g_signal_emit (self, signals[FINISHED], 0, success, message);
}

static void
strata_plan_page_run (StrataPlanPage *self)
{

  g_assert (self->cancellable == NULL);
  g_return_if_fail (self->plan != NULL && self->session != NULL &&
                    strata_session_get_driver (self->session) != NULL);

  self->cancellable = g_cancellable_new ();
  g_strfreev (self->heads_reached);
  self->heads_reached = g_strdupv (self->current_heads);
  strata_plan_page_begin_run (self);

  /* The session opens the migrator with every project setting: the
   * version and history tables, schema=, lock and statement timeouts. */
  self->lock_waiting_id = g_signal_connect (self->session, "lock-waiting", G_CALLBACK (lock_waiting_cb), self);
  g_signal_connect_swapped (self->session, "step-started", G_CALLBACK (strata_plan_page_step_started_cb), self);
  g_signal_connect_swapped (self->session, "step-finished", G_CALLBACK (strata_plan_page_step_finished_cb), self);
  g_signal_connect_swapped (self->session, "statement", G_CALLBACK (strata_plan_page_statement_cb), self);

  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  strata_plan_page_log (self,
                        g_dngettext (GETTEXT_PACKAGE, "Running %u step on %s", "Running %u steps on %s",
                                     strata_plan_get_n_steps (self->plan)),
                        strata_plan_get_n_steps (self->plan),
                        strata_driver_get_display_url (strata_session_get_driver (self->session)));
  strata_plan_page_update_actions (self);

  strata_session_apply_async (self->session, self->plan, self->cancellable,
                              strata_plan_page_run_cb, g_object_ref (self));
}

static void
confirm_entry_changed_cb (GtkEditable      *entry,
                          AdwMessageDialog *dialog)
{
  const char *expected = g_object_get_data (G_OBJECT (dialog), "strata-database");

  adw_message_dialog_set_response_enabled (dialog, "apply",
                                           g_strcmp0 (gtk_editable_get_text (entry), expected) == 0);
}

static void
confirm_response_cb (StrataPlanPage   *self,
                     const char       *response,
                     AdwMessageDialog *dialog)
{
  if (g_strcmp0 (response, "apply") == 0 && self->cancellable == NULL && self->plan != NULL)
    strata_plan_page_run (self);
}

static void
strata_plan_page_apply_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  StrataPlanPage *self = STRATA_PLAN_PAGE (widget);
  gboolean production;
  g_autofree char *database = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  guint n_steps;

  if (self->plan == NULL || self->cancellable != NULL)
    return;

  production = strata_profile_get_role (self->profile) == STRATA_PROFILE_ROLE_PRODUCTION;
  if (!self->destructive && !production)
    {
      strata_plan_page_run (self);
      return;
    }

  n_steps = strata_plan_get_n_steps (self->plan);
  database = profile_dup_database (self->profile);

  if (self->destructive)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The step runs on “%s” and drops data that cannot be brought back by rolling back.",
                                         "The steps run on “%s” and drop data that cannot be brought back by rolling back.",
                                         n_steps),
                            database);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The step runs on “%s”, a production database.",
                                         "The steps run on “%s”, a production database.",
                                         n_steps),
                            database);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   production ? _("Apply to Production?") : _("Apply Destructive Migration?"),
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply",
                                              self->destructive ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  if (production)
    {
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *placeholder = g_strdup_printf (_("Type “%s” to confirm"), database);

      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Database name"),
                                      -1);
      g_object_set_data_full (G_OBJECT (dialog), "strata-database", g_strdup (database), g_free);
      g_signal_connect_object (entry, "changed", G_CALLBACK (confirm_entry_changed_cb), dialog, 0);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", FALSE);
    }

  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
strata_plan_page_cancel_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  StrataPlanPage *self = STRATA_PLAN_PAGE (widget);

  if (self->cancellable == NULL)
    return;

  strata_plan_page_log (self, _("Cancelling…"));
  g_cancellable_cancel (self->cancellable);
}

static void
strata_plan_page_done_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  strata_plan_page_update_plan (STRATA_PLAN_PAGE (widget));
}

static void
strata_plan_page_dispose (GObject *object)
{
  StrataPlanPage *self = (StrataPlanPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->review_cancellable != NULL)
    g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PLAN_PAGE);

  /* A run that outlives the page logs it, but shows nothing on it */
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->project);
  g_clear_object (&self->graph);
  g_clear_object (&self->profile);
  g_clear_object (&self->plan);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->current_heads, g_strfreev);
  g_clear_pointer (&self->selected_revision, g_free);
  g_clear_pointer (&self->plan_target, g_free);
  g_clear_pointer (&self->step_rows, g_array_unref);
  g_clear_pointer (&self->run_log, run_log_unref);

  G_OBJECT_CLASS (strata_plan_page_parent_class)->dispose (object);
}

static void
strata_plan_page_finalize (GObject *object)
{
  StrataPlanPage *self = (StrataPlanPage *)object;

  /* Kept until here: a run that ends after dispose is still logged */
  g_clear_object (&self->store);
  g_clear_pointer (&self->heads_reached, g_strfreev);

  G_OBJECT_CLASS (strata_plan_page_parent_class)->finalize (object);
}

static void
strata_plan_page_class_init (StrataPlanPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_plan_page_dispose;
  object_class->finalize = strata_plan_page_finalize;

  /**
   * StrataPlanPage::finished:
   * @success: whether every step ran
   * @message: what happened, for a toast
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-plan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, warning_revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, plan_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, steps_list);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, log_expander);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, log_view);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, done_button);
  gtk_widget_class_bind_template_callback (widget_class, strata_plan_page_target_changed_cb);

  gtk_widget_class_install_action (widget_class, "plan.apply", NULL, strata_plan_page_apply_action);
  gtk_widget_class_install_action (widget_class, "plan.cancel", NULL, strata_plan_page_cancel_action);
  gtk_widget_class_install_action (widget_class, "plan.done", NULL, strata_plan_page_done_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "plan.cancel", NULL);
}

static void
strata_plan_page_init (StrataPlanPage *self)
{
  self->step_rows = g_array_new (FALSE, FALSE, sizeof (StepRow));

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (gtk_scrolled_window_get_vadjustment (self->log_scroller), "notify::upper",
                    G_CALLBACK (log_upper_changed_cb), NULL);

  strata_plan_page_update_plan (self);
}

GtkWidget *
strata_plan_page_new (void)
{
  return g_object_new (STRATA_TYPE_PLAN_PAGE, NULL);
}

void
strata_plan_page_set_context (StrataPlanPage     *self,
                              StrataSession      *session,
                              const char * const *current_heads)
{
  g_return_if_fail (STRATA_IS_PLAN_PAGE (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));
  g_return_if_fail (self->cancellable == NULL);

  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_set_object (&self->project, strata_session_get_project (session));
      g_set_object (&self->graph, strata_session_get_graph (session, NULL));
      g_set_object (&self->profile, strata_session_get_profile (session));
    }
  else
    {
      g_clear_object (&self->project);
      g_clear_object (&self->graph);
      g_clear_object (&self->profile);
    }
  g_clear_pointer (&self->current_heads, g_strfreev);
  self->current_heads = g_strdupv ((char **)current_heads);

  if (!self->finished)
    strata_plan_page_update_plan (self);
}

/**
 * strata_plan_page_set_store:
 * @store: (nullable): the user's store, where runs are logged
 */
void
strata_plan_page_set_store (StrataPlanPage *self,
                            StrataStore    *store)
{
  g_return_if_fail (STRATA_IS_PLAN_PAGE (self));
  g_return_if_fail (store == NULL || STRATA_IS_STORE (store));

  g_set_object (&self->store, store);
}

void
strata_plan_page_set_selected_revision (StrataPlanPage *self,
                                        const char     *revision)
{
  g_return_if_fail (STRATA_IS_PLAN_PAGE (self));

  if (g_strcmp0 (self->selected_revision, revision) == 0)
    return;

  g_free (self->selected_revision);
  self->selected_revision = g_strdup (revision);

  if (gtk_drop_down_get_selected (self->target_dropdown) == STRATA_PLAN_TARGET_REVISION)
    strata_plan_page_update_plan (self);
}

StrataPlanTarget
strata_plan_page_get_target (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), STRATA_PLAN_TARGET_HEAD);

  return gtk_drop_down_get_selected (self->target_dropdown);
}

void
strata_plan_page_set_target (StrataPlanPage   *self,
                             StrataPlanTarget  target)
{
  g_return_if_fail (STRATA_IS_PLAN_PAGE (self));
  g_return_if_fail (target <= STRATA_PLAN_TARGET_BASE);

  if (gtk_drop_down_get_selected (self->target_dropdown) == target)
    strata_plan_page_update_plan (self);
  else
    gtk_drop_down_set_selected (self->target_dropdown, target);
}

StrataPlan *
strata_plan_page_get_plan (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), NULL);

  return self->plan;
}

/* Whether the steps of the plan on show are being reviewed (linted and
 * rendered) in a worker thread */
gboolean
strata_plan_page_get_reviewing (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), FALSE);

  return self->review_cancellable != NULL;
}

gboolean
strata_plan_page_get_destructive (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), FALSE);

  return self->destructive;
}

gboolean
strata_plan_page_get_running (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

char *
strata_plan_page_dup_log (StrataPlanPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;
  GtkTextIter end;

  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), NULL);

  buffer = gtk_text_view_get_buffer (self->log_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
