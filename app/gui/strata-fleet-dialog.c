/* strata-fleet-dialog.c: a reviewed plan applied to several databases
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan on the Plan page, reviewed once, applied to the databases a
 * person picks among the profiles on the same engine (every tenant's, every
 * copy of a SQLite file), through StrataFleet: one row per database with
 * where it is, stop at the first failure or go on, a summary at the end.
 */

#define G_LOG_DOMAIN "strata-fleet-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-data-browser.h"
#include "strata-fleet-dialog.h"
#include "strata-gui-util.h"
#include "strata-run-guard.h"
#include "strata-window-private.h"

typedef struct
{
  StrataProfile  *profile;
  AdwActionRow   *row;
  GtkCheckButton *check;
  GtkImage       *icon;
  GtkLabel       *status;
} Row;

struct _StrataFleetDialog
{
  AdwWindow       parent_instance;

  StrataSession  *session;
  StrataPlan     *plan;
  StrataFleet    *fleet;
  GCancellable   *cancellable;
  GPtrArray      *rows;           /* Row */
  char           *summary;

  GtkWidget      *content;
  GtkSwitch      *continue_switch;
  GtkButton      *apply_button;
  GtkLabel       *summary_label;
};

G_DEFINE_FINAL_TYPE (StrataFleetDialog, strata_fleet_dialog, ADW_TYPE_WINDOW)

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_object (&row->profile);
  g_free (row);
}

static void
strata_fleet_dialog_update (StrataFleetDialog *self)
{
  gboolean running = self->cancellable != NULL;
  guint n_chosen = 0;
  g_autofree char *label = NULL;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      if (gtk_check_button_get_active (row->check))
        n_chosen++;
      gtk_widget_set_sensitive (GTK_WIDGET (row->check), !running);
    }

  label = g_strdup_printf (ngettext ("_Apply to %u Database", "_Apply to %u Databases", n_chosen), n_chosen);
  gtk_button_set_label (self->apply_button, label);
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_switch), !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fleet.apply", !running && n_chosen > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "fleet.cancel", running);
  strata_run_guard_set_running (self->content, running, "fleet.cancel");
}

static void
member_notify_cb (StrataFleetMember *member,
                  GParamSpec        *pspec,
                  Row               *row)
{
  static const struct {
    const char *icon;
    const char *style;
    const char *label;
  } looks[] = {
    [STRATA_FLEET_STATUS_PENDING] = { "media-record-symbolic", "dim-label", N_("Waiting") },
    [STRATA_FLEET_STATUS_RUNNING] = { "content-loading-symbolic", "accent", N_("Running…") },
    [STRATA_FLEET_STATUS_APPLIED] = { "emblem-ok-symbolic", "success", N_("Applied") },
    [STRATA_FLEET_STATUS_UP_TO_DATE] = { "emblem-ok-symbolic", "dim-label", N_("Up to Date") },
    [STRATA_FLEET_STATUS_FAILED] = { "dialog-error-symbolic", "error", N_("Failed") },
    [STRATA_FLEET_STATUS_SKIPPED] = { "action-unavailable-symbolic", "dim-label", N_("Not Run") },
  };
  StrataFleetStatus status = strata_fleet_member_get_status (member);
  const char *message = strata_fleet_member_get_message (member);

  for (guint i = 0; i < G_N_ELEMENTS (looks); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (row->icon), looks[i].style);
  gtk_image_set_from_icon_name (row->icon, looks[status].icon);
  gtk_widget_add_css_class (GTK_WIDGET (row->icon), looks[status].style);
  gtk_widget_set_visible (GTK_WIDGET (row->icon), TRUE);
  gtk_label_set_label (row->status, _(looks[status].label));
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->status), message);
  if (message != NULL)
    adw_action_row_set_subtitle (row->row, message);
}

static void
apply_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StrataFleetDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  StrataFleet *fleet = STRATA_FLEET (object);

  strata_fleet_apply_finish (fleet, result, &error);
  if (fleet != self->fleet)
    return;

  g_clear_object (&self->cancellable);
  g_free (self->summary);
  self->summary = strata_fleet_dup_summary (fleet);
  /* Translators: the outcome of a plan applied to several databases, then what went wrong */
  {
    g_autofree char *text = NULL;

    text = g_strdup_printf (_("%u applied, %u up to date, %u failed, %u not run"),
                            strata_fleet_count (fleet, STRATA_FLEET_STATUS_APPLIED),
                            strata_fleet_count (fleet, STRATA_FLEET_STATUS_UP_TO_DATE),
                            strata_fleet_count (fleet, STRATA_FLEET_STATUS_FAILED),
                            strata_fleet_count (fleet, STRATA_FLEET_STATUS_SKIPPED));
    gtk_label_set_label (self->summary_label, text);
  }
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label),
                            strata_fleet_count (fleet, STRATA_FLEET_STATUS_FAILED) > 0 ? "error" : "success");
  strata_fleet_dialog_update (self);
}

static void
strata_fleet_dialog_clear_fleet (StrataFleetDialog *self)
{
  GListModel *members;

  if (self->fleet == NULL)
    return;

  /* The rows go with the dialog; the fleet's last changes may come later */
  members = strata_fleet_get_members (self->fleet);
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(StrataFleetMember) member = g_list_model_get_item (members, i);

      g_signal_handlers_disconnect_matched (member, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, member_notify_cb, NULL);
    }
  g_clear_object (&self->fleet);
}

static void
strata_fleet_dialog_start (StrataFleetDialog *self)
{
  strata_fleet_dialog_clear_fleet (self);
  self->fleet = strata_fleet_new (self->session, self->plan);
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);
      StrataFleetMember *member;

      gtk_widget_set_visible (GTK_WIDGET (row->icon), FALSE);
      gtk_label_set_label (row->status, "");
      adw_action_row_set_subtitle (row->row, "");
      if (!gtk_check_button_get_active (row->check))
        continue;

      member = strata_fleet_add_profile (self->fleet, row->profile);
      g_signal_connect (member, "notify::status", G_CALLBACK (member_notify_cb), row);
      member_notify_cb (member, NULL, row);
    }

  gtk_label_set_label (self->summary_label, _("Applying…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "dim-label");
  self->cancellable = g_cancellable_new ();
  strata_fleet_apply_async (self->fleet,
                            gtk_switch_get_active (self->continue_switch) ? STRATA_FLEET_CONTINUE
                                                                          : STRATA_FLEET_STOP_ON_FAILURE,
                            self->cancellable, apply_cb, g_object_ref (self));
  strata_fleet_dialog_update (self);
}

static void
confirm_entry_changed_cb (GtkEditable      *entry,
                          AdwMessageDialog *dialog)
{
  const char *expected = g_object_get_data (G_OBJECT (entry), "strata-expected");

  adw_message_dialog_set_response_enabled (dialog, "apply",
                                           g_strcmp0 (gtk_editable_get_text (entry), expected) == 0);
}

static void
confirm_response_cb (StrataFleetDialog *self,
                     const char        *response)
{
  if (g_strcmp0 (response, "apply") == 0 && self->cancellable == NULL)
    strata_fleet_dialog_start (self);
}

/* As the Plan page guards one production database, a fleet that holds
 * any asks first, and the person types the name of the profile (of the
 * only one), or how many there are. */
static void
strata_fleet_dialog_apply_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  StrataFleetDialog *self = STRATA_FLEET_DIALOG (widget);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *expected = NULL;
  g_autofree char *body = NULL;
  g_autofree char *placeholder = NULL;
  const char *only = NULL;
  guint n_production = 0;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (self->cancellable != NULL)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      if (!gtk_check_button_get_active (row->check) ||
          strata_profile_get_role (row->profile) != STRATA_PROFILE_ROLE_PRODUCTION)
        continue;
      only = strata_profile_get_name (row->profile);
      g_string_append_printf (names, "%s“%s”", n_production > 0 ? ", " : "", only);
      n_production++;
    }

  if (n_production == 0)
    {
      strata_fleet_dialog_start (self);
      return;
    }

  expected = n_production == 1 ? g_strdup (only) : g_strdup_printf ("%u", n_production);
  if (n_production == 1)
    /* Translators: the name of a connection profile, in quotes */
    body = g_strdup_printf (_("The plan runs on %s, a production database, and the others chosen."), names->str);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The plan runs on %u production database and the others chosen: %s.",
                                         "The plan runs on %u production databases and the others chosen: %s.",
                                         n_production),
                            n_production, names->str);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Apply to Production?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "apply", FALSE);

  entry = gtk_entry_new ();
  placeholder = g_strdup_printf (_("Type “%s” to confirm"), expected);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, placeholder, -1);
  g_object_set_data_full (G_OBJECT (entry), "strata-expected", g_steal_pointer (&expected), g_free);
  g_signal_connect_object (entry, "changed", G_CALLBACK (confirm_entry_changed_cb), dialog, 0);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);

  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
strata_fleet_dialog_cancel_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataFleetDialog *self = STRATA_FLEET_DIALOG (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static gboolean
strata_fleet_dialog_close_request (GtkWindow *window)
{
  if (strata_run_guard_close_request (window))
    return TRUE;

  return GTK_WINDOW_CLASS (strata_fleet_dialog_parent_class)->close_request (window);
}

static void
strata_fleet_dialog_dispose (GObject *object)
{
  StrataFleetDialog *self = (StrataFleetDialog *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  strata_fleet_dialog_clear_fleet (self);
  g_clear_object (&self->session);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->summary, g_free);

  G_OBJECT_CLASS (strata_fleet_dialog_parent_class)->dispose (object);
}

static void
strata_fleet_dialog_class_init (StrataFleetDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = strata_fleet_dialog_dispose;
  window_class->close_request = strata_fleet_dialog_close_request;

  gtk_widget_class_install_action (widget_class, "fleet.apply", NULL, strata_fleet_dialog_apply_action);
  gtk_widget_class_install_action (widget_class, "fleet.cancel", NULL, strata_fleet_dialog_cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
strata_fleet_dialog_init (StrataFleetDialog *self)
{
  self->rows = g_ptr_array_new_with_free_func (row_free);
}

static void
check_toggled_cb (StrataFleetDialog *self)
{
  strata_fleet_dialog_update (self);
}

static char *
plan_description (StrataPlan *plan)
{
  guint n = strata_plan_get_n_steps (plan);
  const char * const *after = strata_plan_get_heads_after (plan);
  g_autofree char *heads = after != NULL && after[0] != NULL ? g_strjoinv (", ", (char **)after) : g_strdup (_("base"));

  if (strata_plan_get_direction (plan) == STRATA_DIRECTION_DOWN)
    return g_strdup_printf (ngettext ("%u step down to %s", "%u steps down to %s", n), n, heads);

  return g_strdup_printf (ngettext ("%u step up to %s", "%u steps up to %s", n), n, heads);
}

StrataFleetDialog *
strata_fleet_dialog_new (GtkWindow     *parent,
                         StrataSession *session,
                         StrataPlan    *plan,
                         GListModel    *profiles)
{
  StrataFleetDialog *self;
  StrataProfile *reviewed;
  GtkWidget *toolbar, *header, *page, *group, *row, *cancel, *box;
  g_autofree char *description = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (profiles), NULL);

  self = g_object_new (STRATA_TYPE_FLEET_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "title", _("Apply to Several Databases"),
                       "default-width", 560,
                       "default-height", 560,
                       NULL);
  self->session = g_object_ref (session);
  self->plan = g_object_ref (plan);
  reviewed = strata_session_get_profile (session);

  toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  cancel = gtk_button_new_with_mnemonic (_("_Close"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "window.close");
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->apply_button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->apply_button, TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->apply_button), "fleet.apply");
  gtk_widget_add_css_class (GTK_WIDGET (self->apply_button), "suggested-action");
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), GTK_WIDGET (self->apply_button));
  gtk_box_append (GTK_BOX (toolbar), header);

  page = adw_preferences_page_new ();
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (toolbar), page);

  group = adw_preferences_group_new ();
  description = plan_description (plan);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Reviewed Plan"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Each database is read first: the plan runs only on one that is where "
                                           "the plan starts. One already where it leads is up to date."));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), description);
  if (reviewed != NULL)
    {
      g_autofree char *reviewed_on = g_strdup_printf (_("Reviewed on “%s”, SQL for %s"),
                                                      strata_profile_get_name (reviewed),
                                                      strata_dialect_get_display_name (strata_profile_get_dialect (reviewed)));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reviewed_on);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Databases"));
  for (guint i = 0; i < g_list_model_get_n_items (profiles); i++)
    {
      g_autoptr(StrataProfile) profile = g_list_model_get_item (profiles, i);
      g_autofree char *url = NULL;
      Row *r;

      if (reviewed != NULL && strata_profile_get_dialect (profile) != strata_profile_get_dialect (reviewed))
        continue;

      r = g_new0 (Row, 1);
      r->profile = g_object_ref (profile);
      r->row = ADW_ACTION_ROW (adw_action_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (r->row), strata_profile_get_name (profile));
      url = strata_profile_dup_display_url (profile);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (r->row), FALSE);
      adw_action_row_set_subtitle (r->row, url);
      adw_action_row_set_subtitle_lines (r->row, 2);
      r->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
      gtk_check_button_set_active (r->check, TRUE);
      gtk_widget_set_valign (GTK_WIDGET (r->check), GTK_ALIGN_CENTER);
      g_signal_connect_swapped (r->check, "toggled", G_CALLBACK (check_toggled_cb), self);
      adw_action_row_add_prefix (r->row, GTK_WIDGET (r->check));
      adw_action_row_set_activatable_widget (r->row, GTK_WIDGET (r->check));
      box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      r->status = GTK_LABEL (gtk_label_new (NULL));
      r->icon = GTK_IMAGE (gtk_image_new ());
      gtk_widget_set_visible (GTK_WIDGET (r->icon), FALSE);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (r->status));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (r->icon));
      adw_action_row_add_suffix (r->row, box);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (r->row));
      g_ptr_array_add (self->rows, r);
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  group = adw_preferences_group_new ();
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Continue After a Failure"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Otherwise the databases after one that failed are not run"));
  self->continue_switch = GTK_SWITCH (gtk_switch_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->continue_switch), GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->continue_switch));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), GTK_WIDGET (self->continue_switch));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_widget_set_margin_top (GTK_WIDGET (self->summary_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "heading");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (self->summary_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));

  self->content = toolbar;
  adw_window_set_content (ADW_WINDOW (self), toolbar);
  strata_fleet_dialog_update (self);

  return self;
}

StrataFleet *
strata_fleet_dialog_get_fleet (StrataFleetDialog *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET_DIALOG (self), NULL);

  return self->fleet;
}

void
strata_fleet_dialog_set_chosen (StrataFleetDialog *self,
                                const char        *profile_name,
                                gboolean           chosen)
{
  g_return_if_fail (STRATA_IS_FLEET_DIALOG (self));

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = g_ptr_array_index (self->rows, i);

      if (g_strcmp0 (strata_profile_get_name (row->profile), profile_name) == 0)
        gtk_check_button_set_active (row->check, chosen);
    }
}

void
strata_fleet_dialog_set_continue (StrataFleetDialog *self,
                                  gboolean           keep_going)
{
  g_return_if_fail (STRATA_IS_FLEET_DIALOG (self));

  gtk_switch_set_active (self->continue_switch, keep_going);
}

gboolean
strata_fleet_dialog_get_running (StrataFleetDialog *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET_DIALOG (self), FALSE);

  return self->cancellable != NULL;
}

const char *
strata_fleet_dialog_get_summary (StrataFleetDialog *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET_DIALOG (self), NULL);

  return self->summary;
}

/* win.apply-fleet: the plan on the Plan page, to several databases */
void
_strata_window_apply_fleet_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataWindow *window = STRATA_WINDOW (widget);
  StrataProjectView *view = strata_window_get_project_view (window);
  StrataPlan *plan = strata_plan_page_get_plan (strata_project_view_get_plan_page (view));
  StrataDataBrowser *browser = STRATA_DATA_BROWSER (adw_view_stack_get_child_by_name (strata_project_view_get_stack (view),
                                                                                     "data"));
  StrataSession *session = strata_data_browser_get_session (browser);
  StrataFleetDialog *dialog;

  if (plan == NULL || session == NULL || strata_plan_get_n_steps (plan) == 0)
    {
      strata_window_add_toast (window, adw_toast_new (_("Review a plan with steps on the Plan page first")));
      return;
    }

  dialog = strata_fleet_dialog_new (GTK_WINDOW (window), session, plan, _strata_window_get_profiles (window));
  gtk_window_present (GTK_WINDOW (dialog));
}
