/* strata-plan-page.c: review a plan step by step, apply it, watch it run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-plan-page"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-gui-util.h"
#include "strata-plan-page.h"
#include "strata-plan-summary.h"
#include "strata-run-guard.h"

/* One step of the plan on show, as its row shows it: a row of the grid
 * view binds to it, so a plan of thousands of steps makes only the rows
 * that fit on screen. Its review (operations, SQL, findings) comes from the
 * session's review in batches; an SQL view exists only while its row is
 * expanded. */

typedef enum
{
  STEP_PENDING,
  STEP_RUNNING,
  STEP_DONE,
  STEP_FAILED,
  STEP_ELSEWHERE,  /* another deploy applied it while this run waited */
} StepState;

#define STRATA_TYPE_STEP_ITEM (strata_step_item_get_type ())

G_DECLARE_FINAL_TYPE (StrataStepItem, strata_step_item, STRATA, STEP_ITEM, GObject)

struct _StrataStepItem
{
  GObject       parent_instance;

  StrataStep   *step;
  guint         index;
  StepState     state;
  StrataStepReview *review;   /* NULL until reviewed */
  char         *sql;          /* the review's SQL, once expanded */
  guint         expanded : 1;
};

G_DEFINE_FINAL_TYPE (StrataStepItem, strata_step_item, G_TYPE_OBJECT)

enum {
  ITEM_CHANGED,
  N_ITEM_SIGNALS
};

static guint item_signals[N_ITEM_SIGNALS];

static void
strata_step_item_finalize (GObject *object)
{
  StrataStepItem *self = (StrataStepItem *)object;

  g_clear_object (&self->step);
  g_clear_object (&self->review);
  g_clear_pointer (&self->sql, g_free);

  G_OBJECT_CLASS (strata_step_item_parent_class)->finalize (object);
}

static void
strata_step_item_class_init (StrataStepItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_step_item_finalize;

  /* Whatever the row shows changed */
  item_signals[ITEM_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
strata_step_item_init (StrataStepItem *self)
{
}

static StrataStepItem *
strata_step_item_new (StrataStep *step,
                      guint       index)
{
  StrataStepItem *self = g_object_new (STRATA_TYPE_STEP_ITEM, NULL);

  self->step = g_object_ref (step);
  self->index = index;
  return self;
}

static void
strata_step_item_changed (StrataStepItem *self)
{
  g_signal_emit (self, item_signals[ITEM_CHANGED], 0);
}

/* The findings, once reviewed */
static GPtrArray *
strata_step_item_get_findings (StrataStepItem *self)
{
  return self->review != NULL ? strata_step_review_get_findings (self->review) : NULL;
}

/* Why the step cannot run, or NULL */
static const char *
strata_step_item_get_error (StrataStepItem *self)
{
  const GError *error = self->review != NULL ? strata_step_review_get_error (self->review) : NULL;

  return error != NULL ? error->message : NULL;
}

/* Its SQL text, made once it shows (expanded and reviewed) */
static void
strata_step_item_ensure_sql (StrataStepItem *self)
{
  if (self->sql == NULL && self->expanded && self->review != NULL)
    self->sql = strata_format_step_sql (self->review);
}

static void
strata_step_item_set_state (StrataStepItem *self,
                            StepState       state)
{
  if (self->state == state)
    return;
  self->state = state;
  strata_step_item_changed (self);
}

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
  GListStore        *steps;        /* StrataStepItem, one per step */
  guint              n_findings;
  guint              n_reviewed;
  guint              running_index;
  guint              n_done;       /* steps this run applied */
  guint              destructive : 1;
  guint              finished : 1;     /* showing the run that just ended */
  guint              checking : 1;     /* reading the files again before a run */
  StrataPlan        *checked_plan;     /* …of this plan */

  GCancellable      *cancellable;
  GCancellable      *review_cancellable;  /* while the steps are reviewed */
  GListModel        *reviews;      /* StrataStepReview, filled in by the session */
  struct _RunLog    *run_log;      /* the run's entry in the store's log, or NULL */
  char             **heads_reached; /* after the last step that ran */
  gulong             lock_waiting_id;
  GHashTable        *logs;         /* project folder → GtkTextBuffer */

  /* Template widgets */
  GtkDropDown       *target_dropdown;
  GtkLabel          *summary_label;
  GtkRevealer       *warning_revealer;
  GtkLabel          *warning_label;
  GtkStack          *plan_stack;
  GtkSpinner        *review_spinner;
  AdwStatusPage     *error_page;
  GtkGridView       *steps_view;   /* one column */
  GtkExpander       *log_expander;
  GtkScrolledWindow *log_scroller;
  GtkTextView       *log_view;
  GtkProgressBar    *progress_bar;
  GtkButton         *apply_button;
  GtkButton         *cancel_button;
  GtkButton         *done_button;
  StrataPlanSummary *plan_summary;  /* strata-plan-summary.c */
};

G_DEFINE_FINAL_TYPE (StrataPlanPage, strata_plan_page, ADW_TYPE_BIN)

/* Lines of the banner that says what loses data */
#define MAX_WARNING_LINES 3

enum {
  FINISHED,
  STALE,
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
  gboolean can_apply = !running && !self->finished && self->review_cancellable == NULL && !self->checking &&
                       self->plan != NULL && strata_plan_get_n_steps (self->plan) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.apply", can_apply);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.done", self->finished);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_visible (GTK_WIDGET (self->apply_button), !self->finished);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), self->finished);
  gtk_widget_set_sensitive (GTK_WIDGET (self->target_dropdown), !running);
  strata_run_guard_set_running (GTK_WIDGET (self), running, "plan.cancel");

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

/* The rows: made for what is on screen, bound to a step, recycled */

typedef struct
{
  GtkWidget      *box;
  GtkImage       *state;      /* pending, done, failed, elsewhere */
  GtkSpinner     *spinner;    /* made when its step first runs */
  GtkInscription *title;      /* inscriptions: sized without laying out */
  GtkInscription *subtitle;   /* their text, the cheapest to measure */
  int             shown_state; /* the state the image shows, -1: none yet */
  GtkBox         *tags;
  GtkToggleButton *expander;
  GtkBox         *details;    /* made when first expanded */
  GtkBox         *findings;
  GtkWidget      *sql_view;   /* only while expanded */
  GtkWidget      *copy_button; /* author.copy-step-sql, with details */
  StrataStepItem *item;
  gulong          changed_id;
  gulong          toggled_id;
} StepRow;

static void step_row_update (StepRow *row);

/* A row may go with its list view without being unbound first */
static void
step_row_free (gpointer data)
{
  StepRow *row = data;

  if (row->item != NULL)
    g_clear_signal_handler (&row->changed_id, row->item);
  g_free (row);
}

/* A finding, under its step: what it is about and what to do */
static GtkWidget *
create_finding_label (StrataLintFinding *finding)
{
  gboolean destructive = finding->kind == STRATA_LINT_DESTRUCTIVE;
  g_autofree char *text = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon;
  GtkWidget *label;

  icon = g_object_new (GTK_TYPE_IMAGE,
                       "icon-name", destructive ? "dialog-error-symbolic" : "dialog-warning-symbolic",
                       "valign", GTK_ALIGN_START,
                       "css-classes", (const char *[]) { destructive ? "error" : "warning", NULL },
                       NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, lint_kind_label (finding->kind),
                                  -1);
  gtk_box_append (GTK_BOX (box), icon);

  /* Translators: a lint finding: "Destructive: drop column book.isbn", then what to do */
  text = g_strdup_printf (_("%s: %s\n%s"), lint_kind_label (finding->kind), finding->operation, finding->message);
  label = g_object_new (GTK_TYPE_LABEL, "label", text, "xalign", 0.0f, "wrap", TRUE, "hexpand", TRUE,
                        "selectable", TRUE, NULL);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_add_css_class (box, destructive ? "lint-destructive" : "lint-warning");

  return box;
}

static void
step_row_toggled_cb (GtkToggleButton *button,
                     StepRow         *row)
{
  if (row->item == NULL)
    return;

  row->item->expanded = gtk_toggle_button_get_active (button);
  strata_step_item_ensure_sql (row->item);
  step_row_update (row);
}

static void
step_row_update (StepRow *row)
{
  StrataStepItem *item = row->item;
  StrataScript *script = strata_step_get_script (item->step);
  GPtrArray *findings = strata_step_item_get_findings (item);
  const char *error = strata_step_item_get_error (item);
  gboolean up = strata_step_get_direction (item->step) == STRATA_DIRECTION_UP;
  gboolean kinds[STRATA_LINT_DIALECT_DEPENDENT + 1] = { FALSE, };
  /* A dot, not an arrow, while pending: the row's own chevron is the only one */
  static const char * const state_icons[] = {
    "media-record-symbolic", NULL, "emblem-ok-symbolic", "dialog-error-symbolic", "emblem-ok-symbolic",
  };
  static const char * const state_classes[] = { "dim-label", "dim-label", "success", "error", "dim-label" };
  static const char * const state_tooltips[] = {
    N_("Pending"), N_("Running"), N_("Done"), N_("Failed"), N_("Applied by another deploy"),
  };
  g_autofree char *title = NULL;
  GtkWidget *child;

  /* Translators: a step of a plan: "1. Upgrade to 1a0e6c2d9b41" */
  title = g_strdup_printf (up ? _("%u. Upgrade to %s") : _("%u. Downgrade from %s"),
                           item->index + 1, strata_step_get_revision (item->step));
  gtk_inscription_set_text (row->title, title);
  gtk_inscription_set_text (row->subtitle, strata_script_get_message (script));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->expander), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);

  /* A spinner exists and spins only while its step runs */
  if (item->state == STEP_RUNNING && row->spinner == NULL)
    {
      row->spinner = GTK_SPINNER (gtk_spinner_new ());
      gtk_widget_set_valign (GTK_WIDGET (row->spinner), GTK_ALIGN_CENTER);
      gtk_widget_insert_after (GTK_WIDGET (row->spinner), gtk_widget_get_parent (GTK_WIDGET (row->state)),
                               GTK_WIDGET (row->state));
    }
  if (row->spinner != NULL)
    {
      gtk_spinner_set_spinning (row->spinner, item->state == STEP_RUNNING);
      gtk_widget_set_visible (GTK_WIDGET (row->spinner), item->state == STEP_RUNNING);
    }
  gtk_widget_set_visible (GTK_WIDGET (row->state), item->state != STEP_RUNNING);
  /* Restyled only when it changes: a row rebinds whenever it scrolls in */
  if (row->shown_state != (int)item->state)
    {
      gtk_image_set_from_icon_name (row->state, state_icons[item->state]);
      gtk_widget_set_tooltip_text (GTK_WIDGET (row->state), _(state_tooltips[item->state]));
      if (row->shown_state >= 0)
        gtk_widget_remove_css_class (GTK_WIDGET (row->state), state_classes[row->shown_state]);
      gtk_widget_add_css_class (GTK_WIDGET (row->state), state_classes[item->state]);
      row->shown_state = item->state;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (row->tags))) != NULL)
    gtk_box_remove (row->tags, child);
  if (error != NULL)
    gtk_box_append (row->tags, create_tag (_("Cannot Run"), "error"));
  if (!strata_script_get_transactional (script))
    gtk_box_append (row->tags, create_tag (_("Not Transactional"), "warning"));
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    kinds[((StrataLintFinding *)g_ptr_array_index (findings, i))->kind] = TRUE;
  for (guint kind = 0; kind < G_N_ELEMENTS (kinds); kind++)
    if (kinds[kind])
      gtk_box_append (row->tags, create_tag (lint_kind_label (kind),
                                             kind == STRATA_LINT_DESTRUCTIVE ? "error" : "warning"));

  if (item->expanded && row->details == NULL)
    {
      row->details = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
      row->findings = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 6));
      gtk_box_append (row->details, GTK_WIDGET (row->findings));
      row->copy_button = g_object_new (GTK_TYPE_BUTTON, "label", _("_Copy SQL"), "use-underline", TRUE,
                                       "halign", GTK_ALIGN_END,
                                       "tooltip-text", _("Copy this step’s SQL to the clipboard"), NULL);
      gtk_box_append (row->details, row->copy_button);
      gtk_box_append (GTK_BOX (row->box), GTK_WIDGET (row->details));
    }

  g_signal_handler_block (row->expander, row->toggled_id);
  gtk_toggle_button_set_active (row->expander, item->expanded);
  g_signal_handler_unblock (row->expander, row->toggled_id);
  gtk_button_set_icon_name (GTK_BUTTON (row->expander), item->expanded ? "pan-up-symbolic" : "pan-down-symbolic");
  if (row->details == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (row->details), item->expanded);
  /* The target first: the action takes one */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row->copy_button), "s", strata_step_get_revision (item->step));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row->copy_button), "author.copy-step-sql");

  /* What is inside shows only when expanded: an SQL view exists only
   * for an expanded row */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (row->findings))) != NULL)
    gtk_box_remove (row->findings, child);
  if (!item->expanded)
    {
      if (row->sql_view != NULL)
        gtk_box_remove (row->details, row->sql_view);
      row->sql_view = NULL;
      return;
    }

  if (error != NULL)
    {
      GtkWidget *label = g_object_new (GTK_TYPE_LABEL, "label", error, "xalign", 0.0f, "wrap", TRUE,
                                       "selectable", TRUE, "css-classes", (const char *[]) { "error", NULL }, NULL);

      gtk_box_append (row->findings, label);
    }
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    gtk_box_append (row->findings, create_finding_label (g_ptr_array_index (findings, i)));

  if (row->sql_view == NULL)
    {
      row->sql_view = g_object_new (GTK_SOURCE_TYPE_VIEW,
                                    "editable", FALSE,
                                    "monospace", TRUE,
                                    "wrap-mode", GTK_WRAP_WORD_CHAR,
                                    "left-margin", 12, "right-margin", 12, "top-margin", 8, "bottom-margin", 8,
                                    NULL);
      strata_source_view_setup (GTK_SOURCE_VIEW (row->sql_view));
      gtk_widget_add_css_class (row->sql_view, "step-sql");
      gtk_box_append (row->details, row->sql_view);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->sql_view), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  /* Translators: shown while the SQL of a step is worked out */
  strata_source_view_set_text (GTK_SOURCE_VIEW (row->sql_view), item->sql != NULL ? item->sql : _("-- Reviewing…"));
}

static void
step_row_item_changed_cb (StrataStepItem *item,
                          StepRow        *row)
{
  step_row_update (row);
}

static void
steps_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  StepRow *row = g_new0 (StepRow, 1);
  GtkWidget *header;
  GtkWidget *labels;
  GtkWidget *state;

  row->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (row->box, "step-row");

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (row->box), header);

  /* Pending, running, done, failed: one image (a spinner joins it when
   * the step runs); the fewer widgets a row has, the sooner a long plan
   * shows */
  state = gtk_image_new ();
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  row->state = GTK_IMAGE (state);
  gtk_box_append (GTK_BOX (header), state);

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  row->shown_state = -1;
  row->title = g_object_new (GTK_TYPE_INSCRIPTION, "xalign", 0.0f, "nat-chars", 40,
                             "text-overflow", GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END, NULL);
  row->subtitle = g_object_new (GTK_TYPE_INSCRIPTION, "xalign", 0.0f, "nat-chars", 40,
                                "text-overflow", GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END,
                                "css-classes", (const char *[]) { "dim-label", "caption", NULL }, NULL);
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (labels), GTK_WIDGET (row->subtitle));
  gtk_box_append (GTK_BOX (header), labels);

  row->tags = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  gtk_widget_set_valign (GTK_WIDGET (row->tags), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (row->tags));

  row->expander = GTK_TOGGLE_BUTTON (g_object_new (GTK_TYPE_TOGGLE_BUTTON, "icon-name", "pan-down-symbolic",
                                                   "valign", GTK_ALIGN_CENTER,
                                                   "tooltip-text", _("Show the SQL and findings"),
                                                   "css-classes", (const char *[]) { "flat", "circular", "step-expander", NULL },
                                                   NULL));
  row->toggled_id = g_signal_connect (row->expander, "toggled", G_CALLBACK (step_row_toggled_cb), row);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (row->expander));

  g_object_set_data_full (G_OBJECT (row->box), "strata-step-row", row, step_row_free);
  gtk_list_item_set_child (list_item, row->box);
  gtk_list_item_set_activatable (list_item, FALSE);
}

static void
steps_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  StepRow *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "strata-step-row");

  row->item = gtk_list_item_get_item (list_item);
  row->changed_id = g_signal_connect (row->item, "changed", G_CALLBACK (step_row_item_changed_cb), row);
  step_row_update (row);
}

static void
steps_unbind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *list_item,
                 gpointer                  user_data)
{
  StepRow *row = g_object_get_data (G_OBJECT (gtk_list_item_get_child (list_item)), "strata-step-row");

  g_clear_signal_handler (&row->changed_id, row->item);
  row->item = NULL;
  /* A recycled row keeps no SQL view */
  if (row->sql_view != NULL)
    gtk_box_remove (row->details, row->sql_view);
  row->sql_view = NULL;
}

static void
strata_plan_page_clear_steps (StrataPlanPage *self)
{
  if (self->review_cancellable != NULL)
    g_cancellable_cancel (self->review_cancellable);
  g_clear_object (&self->review_cancellable);
  if (self->reviews != NULL)
    g_signal_handlers_disconnect_by_data (self->reviews, self);
  g_clear_object (&self->reviews);
  g_list_store_remove_all (self->steps);
  g_clear_object (&self->plan);
  if (self->plan_summary != NULL)
    strata_plan_summary_set_plan (self->plan_summary, NULL, NULL, STRATA_DIALECT_SQLITE);
  g_clear_pointer (&self->plan_target, g_free);
  self->n_findings = 0;
  self->n_reviewed = 0;
  self->destructive = FALSE;
}

static StrataStepItem *
get_step_item (StrataPlanPage *self,
               guint           index)
{
  /* The store holds it: the reference returned is dropped at once */
  StrataStepItem *item = g_list_model_get_item (G_LIST_MODEL (self->steps), index);

  if (item != NULL)
    g_object_unref (item);
  return item;
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

static void strata_plan_page_move_focus (StrataPlanPage *self,
                                         GtkWidget      *button);

static void review_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data);
static void strata_plan_page_reviews_changed_cb (StrataPlanPage *self,
                                                 guint           position,
                                                 guint           removed,
                                                 guint           added,
                                                 GListModel     *reviews);

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

  if (self->session == NULL || self->graph == NULL || self->profile == NULL)
    {
      gtk_stack_set_visible_child_name (self->plan_stack, "no-profile");
      strata_plan_page_update_actions (self);
      return;
    }

  /* The profile stays selected while its database cannot be read (a lost
   * connection): no plan without its state, and the Status page says why */
  if (self->current_heads == NULL)
    {
      /* Translators: the profile's name; F5 reads the database again */
      g_autofree char *description = g_strdup_printf (_("The database of “%s” has not been read: the Status view "
                                                        "says why. Refresh (F5) to read it again."),
                                                      strata_profile_get_name (self->profile));

      strata_plan_page_show_error (self, _("Database State Unknown"), description);
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
      /* Up or down: the session says, from what the database has applied */
      target_id = self->selected_revision;
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

  if (target == STRATA_PLAN_TARGET_REVISION)
    self->plan = strata_session_plan_to (self->session, (const char * const *)self->current_heads, target_id,
                                         &error);
  else
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
  if (self->plan_summary != NULL)
    strata_plan_summary_set_plan (self->plan_summary, self->session, self->plan,
                                  strata_profile_get_dialect (self->profile));
  database = profile_dup_database (self->profile);
  if (n_steps == 0)
    {
      gtk_stack_set_visible_child_name (self->plan_stack, "empty");
      strata_plan_page_update_actions (self);
      return;
    }

  /* The rows, at once: one item per step, rows only for what shows */
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new_full (n_steps, g_object_unref);

    for (guint i = 0; i < n_steps; i++)
      g_ptr_array_add (items, strata_step_item_new (strata_plan_get_step (self->plan, i), i));
    g_list_store_splice (self->steps, 0, 0, items->pdata, items->len);
  }

  /* The session reviews the steps (operations, SQL, findings) in a worker
   * thread and hands them over in batches: the rows fill in as it goes */
  self->review_cancellable = g_cancellable_new ();
  self->reviews = strata_session_review_plan_in_batches (self->session, self->plan,
                                                         strata_profile_get_dialect (self->profile),
                                                         self->review_cancellable,
                                                         review_cb, g_object_ref (self));
  g_signal_connect_object (self->reviews, "items-changed", G_CALLBACK (strata_plan_page_reviews_changed_cb),
                           self, G_CONNECT_SWAPPED);

  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  /* Translators: progress of the review of a plan */
  gtk_progress_bar_set_text (self->progress_bar, _("Reviewing…"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);

  /* Translators: "8 steps up on bookshop.db · SQL for SQLite" */
  summary = g_strdup_printf (strata_plan_get_direction (self->plan) == STRATA_DIRECTION_DOWN
                             ? g_dngettext (GETTEXT_PACKAGE, "%u step down on %s · SQL for %s",
                                            "%u steps down on %s · SQL for %s", n_steps)
                             : g_dngettext (GETTEXT_PACKAGE, "%u step up on %s · SQL for %s",
                                            "%u steps up on %s · SQL for %s", n_steps),
                             n_steps, database,
                             strata_dialect_get_display_name (strata_profile_get_dialect (self->profile)));
  gtk_label_set_label (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->plan_stack, "steps");
  strata_plan_page_update_actions (self);
}

/* A batch of reviewed steps: their rows fill in */
static void
strata_plan_page_reviews_changed_cb (StrataPlanPage *self,
                                     guint           position,
                                     guint           removed,
                                     guint           added,
                                     GListModel     *reviews)
{
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  g_autofree char *text = NULL;

  for (guint i = position; i < position + added; i++)
    {
      StrataStepItem *item = get_step_item (self, i);
      GPtrArray *findings;

      if (item == NULL)
        continue;

      g_clear_object (&item->review);
      item->review = g_list_model_get_item (reviews, i);
      findings = strata_step_item_get_findings (item);
      self->n_reviewed++;
      self->n_findings += findings->len;
      /* What cannot run or loses data shows opened */
      if (strata_step_item_get_error (item) != NULL)
        item->expanded = TRUE;
      for (guint j = 0; j < findings->len; j++)
        if (((StrataLintFinding *)g_ptr_array_index (findings, j))->kind == STRATA_LINT_DESTRUCTIVE)
          item->expanded = TRUE;
      strata_step_item_ensure_sql (item);
      strata_step_item_changed (item);
    }

  /* Translators: progress of the review of a plan: "Reviewing 120 of 3000 steps…" */
  text = g_strdup_printf (_("Reviewing %u of %u steps…"), self->n_reviewed, n_steps);
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, (double)self->n_reviewed / MAX (n_steps, 1));
}

static void strata_plan_page_review_done (StrataPlanPage *self);

static void
review_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataPlanPage) self = user_data;
  g_autoptr(GError) error = NULL;

  gboolean success = strata_session_review_plan_in_batches_finish (STRATA_SESSION (object), result, &error);

  /* A newer plan replaced this one, or the page went away */
  if (g_task_get_cancellable (G_TASK (result)) != self->review_cancellable || self->steps == NULL)
    return;

  if (!success)
    {
      g_clear_object (&self->review_cancellable);
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
      strata_plan_page_show_error (self, _("The Plan Cannot Be Reviewed"), error->message);
      strata_plan_page_update_actions (self);
      return;
    }

  strata_plan_page_review_done (self);
}

static void
strata_plan_page_review_done (StrataPlanPage *self)
{
  g_autoptr(GPtrArray) warnings = NULL;
  guint n_steps;

  g_clear_object (&self->review_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);

  warnings = g_ptr_array_new_with_free_func (g_free);
  n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  for (guint i = 0; i < n_steps; i++)
    {
      StrataStepItem *item = get_step_item (self, i);

      GPtrArray *findings = strata_step_item_get_findings (item);

      if (strata_step_item_get_error (item) != NULL)
        {
          g_ptr_array_add (warnings, g_strdup (strata_step_item_get_error (item)));
          self->destructive = TRUE;
        }
      for (guint j = 0; findings != NULL && j < findings->len; j++)
        {
          StrataLintFinding *finding = g_ptr_array_index (findings, j);

          if (finding->kind != STRATA_LINT_DESTRUCTIVE)
            continue;
          self->destructive = TRUE;
          /* Translators: a warning about a step: "6f2c8d4e0a96: drop column book.isbn: MESSAGE" */
          g_ptr_array_add (warnings, g_strdup_printf (_("%s: %s: %s"), strata_step_get_revision (item->step),
                                                      finding->operation, finding->message));
        }
    }

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

  strata_plan_page_update_actions (self);
}

/* The spinner spins while it shows, and only then */
static void
strata_plan_page_plan_stack_changed_cb (StrataPlanPage *self)
{
  gtk_spinner_set_spinning (self->review_spinner,
                            g_strcmp0 (gtk_stack_get_visible_child_name (self->plan_stack), "reviewing") == 0);
}

static void
strata_plan_page_target_changed_cb (StrataPlanPage *self)
{
  strata_plan_page_update_plan (self);
}

static void
strata_plan_page_step_started_cb (StrataPlanPage *self,
                                  StrataStep     *step,
                                  guint           index,
                                  guint           n_steps,
                                  StrataSession  *session)
{
  StrataStepItem *item = get_step_item (self, index);
  g_autofree char *text = NULL;

  /* One row changes, if it shows */
  if (item != NULL)
    strata_step_item_set_state (item, STEP_RUNNING);
  self->running_index = index;

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
  StrataStepItem *item = get_step_item (self, index);

  if (item != NULL)
    strata_step_item_set_state (item, STEP_DONE);
  self->n_done++;

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
  if (self->steps == NULL)
    return;

  g_clear_object (&self->cancellable);
  /* The steps stay as they ran until the user is done with them */
  self->finished = TRUE;

  if (success)
    {
      const char * const *heads = strata_plan_get_heads_after (self->plan);
      g_autofree char *database = profile_dup_database (self->profile);
      g_autofree char *target = heads[0] != NULL ? g_strjoinv (", ", (char **)heads) : g_strdup ("base");

      guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
      guint elsewhere = n_steps - MIN (self->n_done, n_steps);

      /* Steps that never started were applied by another deploy while this
       * run waited for the lock: said, not left pending under "Finished" */
      for (guint i = 0; elsewhere > 0 && i < n_steps; i++)
        {
          StrataStepItem *item = get_step_item (self, i);

          if (item->state == STEP_PENDING)
            strata_step_item_set_state (item, STEP_ELSEWHERE);
        }

      gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
      if (elsewhere == 0)
        {
          gtk_progress_bar_set_text (self->progress_bar, _("Finished"));
          strata_plan_page_log (self, _("Finished"));
          /* Translators: a toast: "Upgraded bookshop.db to 8b4e0f6a2c18" */
          message = g_strdup_printf (strata_plan_get_direction (self->plan) == STRATA_DIRECTION_UP
                                     ? _("Upgraded %s to %s") : _("Downgraded %s to %s"),
                                     database, target);
        }
      else if (self->n_done == 0)
        {
          gtk_progress_bar_set_text (self->progress_bar, _("Nothing left to do"));
          /* Translators: a toast and the log: the database's name and its revision */
          message = g_strdup_printf (_("Another deploy brought %s to %s while this one waited: no step ran here"),
                                     database, target);
          strata_plan_page_log (self, "%s", message);
        }
      else
        {
          g_autofree char *text = NULL;

          /* Translators: "3 steps applied here, 5 by another deploy" */
          text = g_strdup_printf (ngettext ("Finished: %u applied here, %u by another deploy",
                                            "Finished: %u applied here, %u by another deploy",
                                            self->n_done),
                                  self->n_done, elsewhere);
          gtk_progress_bar_set_text (self->progress_bar, text);
          strata_plan_page_log (self, "%s", text);
          /* Translators: a toast: the database, its revision, the steps applied here and elsewhere */
          message = g_strdup_printf (ngettext ("%s is at %s: %u step applied here, %u by another deploy",
                                               "%s is at %s: %u steps applied here, %u by another deploy",
                                               self->n_done),
                                     database, target, self->n_done, elsewhere);
        }
    }
  else
    {
      StrataStepItem *item = get_step_item (self, self->running_index);

      /* The step that was running failed (or was cancelled): opened */
      if (item != NULL && item->state == STEP_RUNNING)
        {
          item->expanded = TRUE;
          strata_step_item_ensure_sql (item);
          strata_step_item_set_state (item, STEP_FAILED);
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
  strata_plan_page_move_focus (self, GTK_WIDGET (self->done_button));
  g_signal_emit (self, signals[FINISHED], 0, success, message);
}

/* The button that matters now takes the focus when the one that had it
 * went insensitive or away (Apply during a run, Cancel after it) */
static void
strata_plan_page_move_focus (StrataPlanPage *self,
                             GtkWidget      *button)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (root == NULL || !gtk_widget_get_mapped (button))
    return;

  if (focus == NULL || !gtk_widget_is_sensitive (focus) || !gtk_widget_get_mapped (focus) ||
      focus == GTK_WIDGET (self->apply_button) || focus == GTK_WIDGET (self->cancel_button))
    gtk_widget_grab_focus (button);
}

static void
strata_plan_page_run (StrataPlanPage *self)
{

  g_assert (self->cancellable == NULL);
  g_return_if_fail (self->plan != NULL && self->session != NULL &&
                    strata_session_get_driver (self->session) != NULL);

  self->cancellable = g_cancellable_new ();
  self->n_done = 0;
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
  strata_plan_page_move_focus (self, GTK_WIDGET (self->cancel_button));

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
strata_plan_page_confirm_and_run (StrataPlanPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
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
validate_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(StrataPlanPage) self = user_data;
  g_autoptr(StrataPlan) plan = g_steal_pointer (&self->checked_plan);
  g_autoptr(GError) error = NULL;
  gboolean valid;

  valid = strata_session_validate_before_run_finish (STRATA_SESSION (object), result, &error);
  self->checking = FALSE;

  /* The page went away meanwhile */
  if (self->steps == NULL)
    return;

  strata_plan_page_update_actions (self);

  /* Another plan is on show by now */
  if (plan != self->plan)
    return;

  /* Someone holds the database: the run waits for them, saying so, and
   * can be cancelled; the check cannot be made now. */
  if (!valid && g_error_matches (error, STRATA_ERROR, STRATA_ERROR_BUSY))
    {
      strata_plan_page_log (self, _("The applied revisions could not be checked against their files: %s"),
                            error->message);
      valid = TRUE;
    }

  if (!valid)
    {
      /* Translators: the reason comes from the check of the applied revisions */
      g_autofree char *message = g_strdup_printf (_("Not applied: %s"), error->message);

      strata_plan_page_log (self, "%s", message);
      gtk_label_set_label (self->warning_label, message);
      gtk_widget_add_css_class (GTK_WIDGET (self->warning_revealer), "destructive");
      gtk_revealer_set_reveal_child (self->warning_revealer, TRUE);
      return;
    }

  strata_plan_page_confirm_and_run (self);
}

/* Before a run, the session reads the files of its steps again: a file
 * edited since the review must not run as it was reviewed, nor as it is
 * now unseen */
static void
check_files_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StrataPlanPage) self = user_data;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(StrataPlan) plan = g_steal_pointer (&self->checked_plan);

  changed = strata_session_check_plan_files_finish (STRATA_SESSION (object), result, NULL);
  self->checking = FALSE;

  /* The page went away meanwhile */
  if (self->steps == NULL)
    return;

  strata_plan_page_update_actions (self);

  /* Another plan is on show by now */
  if (changed == NULL || plan != self->plan)
    return;

  if (changed->len > 0)
    {
      g_autofree char *message = NULL;

      /* Translators: a file's path, relative to the project when it is in it */
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "Not applied: %s changed since this plan was reviewed. It is read again: review it before you apply.",
                                              "Not applied: %s and others changed since this plan was reviewed. It is read again: review it before you apply.",
                                              changed->len),
                                 (char *)g_ptr_array_index (changed, 0));
      strata_plan_page_log (self, "%s", message);
      gtk_label_set_label (self->warning_label, message);
      gtk_widget_add_css_class (GTK_WIDGET (self->warning_revealer), "destructive");
      gtk_revealer_set_reveal_child (self->warning_revealer, TRUE);
      g_signal_emit (self, signals[STALE], 0, message);
      return;
    }

  /* Then, as `strata upgrade` does, the revisions the database has applied
   * are compared with their files: one edited since it ran is said, and
   * nothing runs. */
  self->checking = TRUE;
  strata_plan_page_update_actions (self);
  g_set_object (&self->checked_plan, plan);
  strata_session_validate_before_run_async (self->session, NULL, validate_cb, g_object_ref (self));
}

static void
strata_plan_page_apply_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  StrataPlanPage *self = STRATA_PLAN_PAGE (widget);

  if (self->plan == NULL || self->cancellable != NULL || self->checking)
    return;

  self->checking = TRUE;
  strata_plan_page_update_actions (self);

  g_set_object (&self->checked_plan, self->plan);
  strata_session_check_plan_files_async (self->session, self->plan, NULL, check_files_cb, g_object_ref (self));
}

/**
 * strata_plan_page_get_checking:
 *
 * Whether Apply is reading the plan's files again before it runs.
 */
gboolean
strata_plan_page_get_checking (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), FALSE);

  return self->checking;
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
  if (self->reviews != NULL)
    g_signal_handlers_disconnect_by_data (self->reviews, self);
  g_clear_object (&self->reviews);
  /* The rows let go of their steps */
  if (self->steps != NULL)
    g_list_store_remove_all (self->steps);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PLAN_PAGE);

  /* A run that outlives the page logs it, but shows nothing on it */
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->project);
  g_clear_object (&self->graph);
  g_clear_object (&self->profile);
  g_clear_object (&self->plan);
  g_clear_object (&self->checked_plan);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->current_heads, g_strfreev);
  g_clear_pointer (&self->selected_revision, g_free);
  g_clear_pointer (&self->plan_target, g_free);
  g_clear_object (&self->steps);
  g_clear_pointer (&self->run_log, run_log_unref);
  g_clear_pointer (&self->logs, g_hash_table_unref);

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

  /**
   * StrataPlanPage::stale:
   * @message: what changed
   *
   * Apply refused: files of the plan changed since it was reviewed.
   */
  signals[STALE] =
    g_signal_new ("stale",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-plan-page.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, target_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, warning_revealer);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, warning_label);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, plan_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, review_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, steps_view);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, log_expander);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, log_scroller);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, log_view);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, apply_button);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, StrataPlanPage, done_button);
  gtk_widget_class_bind_template_callback (widget_class, strata_plan_page_target_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_plan_page_plan_stack_changed_cb);

  gtk_widget_class_install_action (widget_class, "plan.apply", NULL, strata_plan_page_apply_action);
  gtk_widget_class_install_action (widget_class, "plan.cancel", NULL, strata_plan_page_cancel_action);
  gtk_widget_class_install_action (widget_class, "plan.done", NULL, strata_plan_page_done_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "plan.cancel", NULL);
}

static void
strata_plan_page_init (StrataPlanPage *self)
{
  self->steps = g_list_store_new (STRATA_TYPE_STEP_ITEM);
  self->logs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  /* What the plan risks, counted, above its steps */
  self->plan_summary = STRATA_PLAN_SUMMARY (strata_plan_summary_new ());
  g_object_add_weak_pointer (G_OBJECT (self->plan_summary), (gpointer *)&self->plan_summary);
  gtk_widget_insert_before (GTK_WIDGET (self->plan_summary), gtk_widget_get_parent (GTK_WIDGET (self->plan_stack)),
                            GTK_WIDGET (self->plan_stack));

  /* The plan as a list model, shown by a grid view of one column: its rows
   * are made for what shows. A GtkListView of GTK 4.8 keeps 200 rows alive
   * around what shows, a grid view 30 a column: a plan of thousands of steps
   * shows and scrolls with a sixth of the rows to build, bind and measure. */
  {
    g_autoptr(GtkSelectionModel) selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->steps))));
    g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

    g_signal_connect (factory, "setup", G_CALLBACK (steps_setup_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (steps_bind_cb), NULL);
    g_signal_connect (factory, "unbind", G_CALLBACK (steps_unbind_cb), NULL);
    gtk_grid_view_set_factory (self->steps_view, factory);
    gtk_grid_view_set_model (self->steps_view, selection);
  }

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
  StrataProject *project;

  g_return_if_fail (STRATA_IS_PLAN_PAGE (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));
  g_return_if_fail (self->cancellable == NULL);

  g_set_object (&self->session, session);
  project = session != NULL ? strata_session_get_project (session) : NULL;

  /* Each project has its own log */
  if (project != NULL && project != self->project)
    {
      g_autofree char *key = g_file_get_path (strata_project_get_directory (project));
      GtkTextBuffer *buffer = g_hash_table_lookup (self->logs, key);

      if (buffer == NULL)
        {
          buffer = gtk_text_buffer_new (NULL);
          g_hash_table_insert (self->logs, g_steal_pointer (&key), buffer);
        }
      gtk_text_view_set_buffer (self->log_view, buffer);
    }

  if (session != NULL)
    {
      g_set_object (&self->project, project);
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

/* How many steps of the plan on show the session's review has handed over */
guint
strata_plan_page_get_n_reviewed (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), 0);

  return self->n_reviewed;
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

/**
 * strata_plan_page_get_steps:
 *
 * Returns: (transfer none): the steps on show, one item per step
 */
GListModel *
strata_plan_page_get_steps (StrataPlanPage *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), NULL);

  return G_LIST_MODEL (self->steps);
}

/**
 * strata_plan_page_expand_step:
 * @revision: the revision of a step on show
 *
 * Opens the step's row: its findings and its SQL (once reviewed).
 *
 * Returns: whether the plan has a step for @revision
 */
gboolean
strata_plan_page_expand_step (StrataPlanPage *self,
                              const char     *revision)
{
  guint n_steps;

  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), FALSE);

  n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  for (guint i = 0; i < n_steps; i++)
    {
      StrataStepItem *item = get_step_item (self, i);

      if (g_strcmp0 (strata_step_get_revision (item->step), revision) != 0)
        continue;

      item->expanded = TRUE;
      strata_step_item_ensure_sql (item);
      strata_step_item_changed (item);
      return TRUE;
    }

  return FALSE;
}

/**
 * strata_plan_page_get_step_sql:
 *
 * Returns: (nullable): the SQL of the step for @revision, once reviewed and
 *   expanded
 */
const char *
strata_plan_page_get_step_sql (StrataPlanPage *self,
                               const char     *revision)
{
  guint n_steps;

  g_return_val_if_fail (STRATA_IS_PLAN_PAGE (self), NULL);

  n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  for (guint i = 0; i < n_steps; i++)
    {
      StrataStepItem *item = get_step_item (self, i);

      if (g_strcmp0 (strata_step_get_revision (item->step), revision) == 0)
        return item->sql;
    }

  return NULL;
}
