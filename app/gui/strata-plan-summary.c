/* strata-plan-summary.c: what a plan risks, counted, above its steps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One line over the plan: how many of its steps are destructive, take
 * strong locks, run outside a transaction, or depend on the data, each a
 * tag whose tooltip names the steps; from the session's review of the plan
 * (strata_session_review_plan_async), the same review the command line's
 * lint gives.
 */

#define G_LOG_DOMAIN "strata-plan-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-plan-summary.h"

struct _StrataPlanSummary
{
  AdwBin        parent_instance;

  GCancellable *cancellable;
  guint         counts[STRATA_PLAN_N_RISKS];

  GtkBox       *box;
  GtkLabel     *status;
  GtkLabel     *tags[STRATA_PLAN_N_RISKS];
};

G_DEFINE_FINAL_TYPE (StrataPlanSummary, strata_plan_summary, ADW_TYPE_BIN)

static gboolean
has_finding (StrataStepReview *review,
             StrataLintKind    kind)
{
  GPtrArray *findings = strata_step_review_get_findings (review);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    if (((StrataLintFinding *)g_ptr_array_index (findings, i))->kind == kind)
      return TRUE;

  return FALSE;
}

gboolean
strata_plan_risk_applies (StrataPlanRisk    risk,
                          StrataStepReview *review)
{
  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (review), FALSE);

  switch (risk)
    {
    case STRATA_PLAN_RISK_DESTRUCTIVE:
      return has_finding (review, STRATA_LINT_DESTRUCTIVE);
    case STRATA_PLAN_RISK_LOCKING:
      return has_finding (review, STRATA_LINT_LOCKING);
    case STRATA_PLAN_RISK_NON_TRANSACTIONAL:
      return !strata_script_get_transactional (strata_step_get_script (strata_step_review_get_step (review)));
    case STRATA_PLAN_RISK_DATA_DEPENDENT:
      return has_finding (review, STRATA_LINT_DATA_DEPENDENT);
    case STRATA_PLAN_N_RISKS:
    default:
      g_return_val_if_reached (FALSE);
    }
}

static char *
risk_label (StrataPlanRisk risk,
            guint          n)
{
  switch (risk)
    {
    case STRATA_PLAN_RISK_DESTRUCTIVE:
      return g_strdup_printf (ngettext ("%u Destructive", "%u Destructive", n), n);
    case STRATA_PLAN_RISK_LOCKING:
      return g_strdup_printf (ngettext ("%u Locks Tables", "%u Lock Tables", n), n);
    case STRATA_PLAN_RISK_NON_TRANSACTIONAL:
      return g_strdup_printf (ngettext ("%u Not Transactional", "%u Not Transactional", n), n);
    case STRATA_PLAN_RISK_DATA_DEPENDENT:
      return g_strdup_printf (ngettext ("%u Data-Dependent", "%u Data-Dependent", n), n);
    case STRATA_PLAN_N_RISKS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char *
risk_explanation (StrataPlanRisk risk)
{
  switch (risk)
    {
    case STRATA_PLAN_RISK_DESTRUCTIVE:
      return _("Steps that drop tables, columns or data");
    case STRATA_PLAN_RISK_LOCKING:
      return _("Steps that take locks which block reads or writes while they run");
    case STRATA_PLAN_RISK_NON_TRANSACTIONAL:
      return _("Steps that run outside a transaction: a failure leaves what ran before it in the step");
    case STRATA_PLAN_RISK_DATA_DEPENDENT:
      return _("Steps that can fail or do something else depending on the rows in the tables");
    case STRATA_PLAN_N_RISKS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
strata_plan_summary_clear (StrataPlanSummary *self)
{
  for (guint risk = 0; risk < STRATA_PLAN_N_RISKS; risk++)
    {
      self->counts[risk] = 0;
      gtk_widget_set_visible (GTK_WIDGET (self->tags[risk]), FALSE);
    }
}

void
strata_plan_summary_set_reviews (StrataPlanSummary *self,
                                 GPtrArray         *reviews)
{
  GString *steps[STRATA_PLAN_N_RISKS] = { NULL, };
  gboolean any = FALSE;

  g_return_if_fail (STRATA_IS_PLAN_SUMMARY (self));

  strata_plan_summary_clear (self);
  for (guint risk = 0; risk < STRATA_PLAN_N_RISKS; risk++)
    steps[risk] = g_string_new (risk_explanation (risk));

  for (guint i = 0; reviews != NULL && i < reviews->len; i++)
    {
      StrataStepReview *review = g_ptr_array_index (reviews, i);

      for (guint risk = 0; risk < STRATA_PLAN_N_RISKS; risk++)
        if (strata_plan_risk_applies (risk, review))
          {
            /* The tooltip names the first steps */
            if (self->counts[risk] < 8)
              g_string_append_printf (steps[risk], "\n%s", strata_step_get_revision (strata_step_review_get_step (review)));
            else if (self->counts[risk] == 8)
              g_string_append (steps[risk], "\n…");
            self->counts[risk]++;
          }
    }

  for (guint risk = 0; risk < STRATA_PLAN_N_RISKS; risk++)
    {
      g_autofree char *label = NULL;

      if (self->counts[risk] == 0)
        continue;
      any = TRUE;
      label = risk_label (risk, self->counts[risk]);
      gtk_label_set_label (self->tags[risk], label);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->tags[risk]), steps[risk]->str);
      gtk_widget_set_visible (GTK_WIDGET (self->tags[risk]), TRUE);
    }
  for (guint risk = 0; risk < STRATA_PLAN_N_RISKS; risk++)
    g_string_free (steps[risk], TRUE);

  gtk_label_set_label (self->status, any ? _("Steps that need care:") : _("No step is destructive, locks tables, "
                                                                          "runs outside a transaction or depends on the data"));
  gtk_widget_set_visible (GTK_WIDGET (self), reviews != NULL);
}

static void
review_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(StrataPlanSummary) self = user_data;
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  reviews = strata_session_review_plan_finish (STRATA_SESSION (object), result, &error);
  if (cancellable != self->cancellable)
    return;
  g_clear_object (&self->cancellable);

  if (reviews == NULL)
    {
      /* The plan page says what is wrong with the plan */
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  strata_plan_summary_set_reviews (self, reviews);
}

void
strata_plan_summary_set_plan (StrataPlanSummary *self,
                              StrataSession     *session,
                              StrataPlan        *plan,
                              StrataDialect      dialect)
{
  g_return_if_fail (STRATA_IS_PLAN_SUMMARY (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  strata_plan_summary_clear (self);

  if (plan == NULL || session == NULL || strata_plan_get_n_steps (plan) == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }

  self->cancellable = g_cancellable_new ();
  gtk_label_set_label (self->status, _("Checking the steps…"));
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  strata_session_review_plan_async (session, plan, dialect, self->cancellable, review_cb, g_object_ref (self));
}

gboolean
strata_plan_summary_get_reviewing (StrataPlanSummary *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_SUMMARY (self), FALSE);

  return self->cancellable != NULL;
}

guint
strata_plan_summary_get_count (StrataPlanSummary *self,
                               StrataPlanRisk     risk)
{
  g_return_val_if_fail (STRATA_IS_PLAN_SUMMARY (self), 0);
  g_return_val_if_fail (risk < STRATA_PLAN_N_RISKS, 0);

  return self->counts[risk];
}

static void
strata_plan_summary_dispose (GObject *object)
{
  StrataPlanSummary *self = (StrataPlanSummary *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (strata_plan_summary_parent_class)->dispose (object);
}

static void
strata_plan_summary_class_init (StrataPlanSummaryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = strata_plan_summary_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "plansummary");
}

static void
strata_plan_summary_init (StrataPlanSummary *self)
{
  static const char * const styles[] = { "error", "warning", "warning", "warning" };

  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6));
  gtk_widget_set_margin_start (GTK_WIDGET (self->box), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->box), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->box), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->box), 6);
  self->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status, TRUE);
  gtk_label_set_xalign (self->status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->status), "dim-label");
  gtk_box_append (self->box, GTK_WIDGET (self->status));

  for (guint risk = 0; risk < STRATA_PLAN_N_RISKS; risk++)
    {
      self->tags[risk] = g_object_new (GTK_TYPE_LABEL,
                                       "valign", GTK_ALIGN_CENTER,
                                       "visible", FALSE,
                                       "css-classes", (const char *[]) { "step-tag", "caption-heading", styles[risk], NULL },
                                       NULL);
      gtk_box_append (self->box, GTK_WIDGET (self->tags[risk]));
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("What the plan risks"), -1);
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->box));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

GtkWidget *
strata_plan_summary_new (void)
{
  return g_object_new (STRATA_TYPE_PLAN_SUMMARY, NULL);
}
