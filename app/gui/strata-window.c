/* strata-window.c: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata.h"
#include "strata-gui-util.h"
#include "strata-profile-editor.h"
#include "strata-project-view.h"
#include "strata-run-guard.h"
#include "strata-window.h"
#include "strata-window-private.h"

struct _StrataWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;
  GtkFileChooserNative *chooser;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  AdwHeaderBar         *content_header_bar;
  GtkToggleButton      *sidebar_button;
  GtkListBox           *projects_list;
  GtkListBox           *profiles_list;
  GtkLabel             *profiles_placeholder;
  GtkStack             *content_stack;
  AdwStatusPage        *empty_page;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  StrataProjectView    *project_view;

  GListModel           *profiles;          /* the project's, then the user's */
  GListStore           *project_profiles;  /* from the open project's strata.ini */

  guint                 show_sidebar : 1;
  guint                 profiles_changing : 1;
  guint                 bound_to_application : 1;
};

G_DEFINE_FINAL_TYPE (StrataWindow, strata_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SHOW_SIDEBAR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Settings keys bound to window properties: saved when the window closes. */
static const struct {
  const char *key;
  const char *property;
} strata_window_settings[] = {
  { "window-width", "default-width" },
  { "window-height", "default-height" },
  { "window-maximized", "maximized" },
  { "show-sidebar", "show-sidebar" },
};

/* Unfolded, the sidebar shows or hides with show-sidebar. Folded, the
 * leaflet shows one page at a time and navigates between them, so the
 * sidebar must stay in it whatever show-sidebar says. */
static void
strata_window_update_sidebar (StrataWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);
  gboolean sidebar_visible = self->show_sidebar || folded;

  gtk_widget_set_visible (self->sidebar, sidebar_visible);
  adw_header_bar_set_show_start_title_buttons (self->content_header_bar,
                                               folded || !sidebar_visible);
}

static void
strata_window_notify_folded_cb (StrataWindow *self,
                                GParamSpec   *pspec,
                                AdwLeaflet   *leaflet)
{
  strata_window_update_sidebar (self);
}

/* The views of a project stay reachable at every width: when the header's
 * switcher has no room and shows the title instead, a bar at the bottom
 * takes over (the libadwaita 1.2 pattern) */
static void
strata_window_update_switcher_bar (StrataWindow *self)
{
  gboolean has_project = adw_view_switcher_title_get_stack (self->switcher_title) != NULL;

  adw_view_switcher_bar_set_reveal (self->switcher_bar,
                                    has_project && adw_view_switcher_title_get_title_visible (self->switcher_title));
}

static StrataApplication *
strata_window_get_application (StrataWindow *self)
{
  return STRATA_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

static void
strata_window_show_error (StrataWindow *self,
                          const char   *heading,
                          const GError *error)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
strata_window_update_title (StrataWindow *self)
{
  StrataProject *project = strata_project_view_get_project (self->project_view);
  StrataProfile *profile = strata_project_view_get_profile (self->project_view);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  gboolean production = profile != NULL &&
                        strata_profile_get_role (profile) == STRATA_PROFILE_ROLE_PRODUCTION;

  if (project != NULL)
    title = g_file_get_basename (strata_project_get_directory (project));

  if (profile != NULL && production)
    /* Translators: the window's subtitle: a profile name and its role */
    subtitle = g_strdup_printf (_("%s · Production"), strata_profile_get_name (profile));
  else if (profile != NULL)
    subtitle = g_strdup (strata_profile_get_name (profile));

  adw_view_switcher_title_set_title (self->switcher_title, title != NULL ? title : _("Strata"));
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle != NULL ? subtitle : "");

  if (production)
    gtk_widget_add_css_class (GTK_WIDGET (self), "production");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "production");
}

/**
 * strata_window_open_project:
 * @directory: the folder with strata.ini
 *
 * Opens the project in @directory, shows it and remembers it as recent.
 */
/* Not remembering it is no reason not to open it */
static void
recent_project_added_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!strata_application_add_recent_project_finish (STRATA_APPLICATION (object), result, &error))
    {
      g_warning ("%s", error->message);
      strata_window_add_toast (self, adw_toast_new (_("The project could not be added to the recent ones")));
    }
}

/* The project's own profiles (strata.ini) join the sidebar, read-only */
static void
strata_window_load_project_profiles (StrataWindow  *self,
                                     StrataProject *project)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;

  if (!(profiles = strata_profile_load_project_profiles (project, &error)))
    {
      g_autofree char *text = g_strdup_printf (_("The project’s profiles could not be read: %s"), error->message);

      g_list_store_remove_all (self->project_profiles);
      strata_window_add_toast (self, adw_toast_new (text));
      return;
    }

  g_list_store_splice (self->project_profiles, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->project_profiles)),
                       profiles->pdata, profiles->len);
}

gboolean
strata_window_open_project (StrataWindow  *self,
                            GFile         *directory,
                            GError       **error)
{
  g_autoptr(StrataProject) project = NULL;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (directory), FALSE);

  if (!(project = strata_project_open (directory, error)) ||
      !strata_project_view_set_project (self->project_view, project, error))
    return FALSE;

  strata_window_load_project_profiles (self, project);
  strata_application_add_recent_project_async (strata_window_get_application (self), directory,
                                               recent_project_added_cb, g_object_ref (self));
  gtk_stack_set_visible_child_name (self->content_stack, "project");
  adw_view_switcher_title_set_stack (self->switcher_title, strata_project_view_get_stack (self->project_view));
  adw_view_switcher_bar_set_stack (self->switcher_bar, strata_project_view_get_stack (self->project_view));
  strata_window_update_switcher_bar (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", TRUE);
  strata_window_update_title (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);

  return TRUE;
}

/* Opens @directory, or says in a dialog why it cannot. */
void
strata_window_open_project_or_report (StrataWindow *self,
                                      GFile        *directory)
{
  g_autoptr(GError) error = NULL;

  if (!strata_window_open_project (self, directory, &error))
    strata_window_show_error (self, _("Cannot Open Project"), error);
}

static void
chooser_response_cb (StrataWindow         *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  gboolean create = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "strata-create"));
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    directory = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->chooser);

  if (directory == NULL)
    return;

  if (create && !strata_project_create (directory, &error))
    {
      strata_window_show_error (self, _("Cannot Create Project"), error);
      return;
    }

  strata_window_open_project_or_report (self, directory);
}

static void
strata_window_choose_folder (StrataWindow *self,
                             const char   *title,
                             const char   *accept_label,
                             gboolean      create)
{
  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               accept_label, _("_Cancel"));
  g_object_set_data (G_OBJECT (self->chooser), "strata-create", GINT_TO_POINTER (create));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
strata_window_open_project_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  strata_window_choose_folder (STRATA_WINDOW (widget), _("Open Project"), _("_Open"), FALSE);
}

static void
strata_window_new_project_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  strata_window_choose_folder (STRATA_WINDOW (widget), _("New Project"), _("_Create"), TRUE);
}

static void
strata_window_open_example_project_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;

  directory = strata_application_dup_example_project (strata_window_get_application (self), &error);
  if (directory == NULL)
    {
      strata_window_show_error (self, _("Cannot Open the Example Project"), error);
      return;
    }

  strata_window_open_project_or_report (self, directory);
}

static void
strata_window_new_profile_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  StrataStore *store = strata_application_get_store (strata_window_get_application (self));
  StrataProfileEditor *editor;

  if (store == NULL)
    return;

  editor = strata_profile_editor_new (GTK_WINDOW (self), store, NULL);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
strata_window_edit_profile_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  StrataStore *store = strata_application_get_store (strata_window_get_application (self));
  StrataProfile *profile;
  StrataProfileEditor *editor;

  if (store == NULL)
    return;

  /* By id: a rename keeps it */
  profile = strata_store_lookup_profile_by_id (store, g_variant_get_string (parameter, NULL));
  if (profile == NULL)
    return;

  editor = strata_profile_editor_new (GTK_WINDOW (self), store, profile);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
strata_window_refresh_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  /* The project's files and the database: both may have changed */
  if (strata_project_view_get_project (self->project_view) != NULL)
    strata_project_view_reload_project (self->project_view);
}

static void
strata_window_project_activated_cb (StrataWindow  *self,
                                    GtkListBoxRow *row,
                                    GtkListBox    *list)
{
  GListModel *recent = strata_application_get_recent_projects (strata_window_get_application (self));
  g_autoptr(GFile) directory = g_list_model_get_item (recent, gtk_list_box_row_get_index (row));

  if (directory != NULL)
    strata_window_open_project_or_report (self, directory);
}

static gboolean
list_model_find (GListModel *model,
                 gpointer    item,
                 guint      *position)
{
  guint n_items = g_list_model_get_n_items (model);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) object = g_list_model_get_item (model, i);

      if (object == item)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
strata_window_profile_selected_cb (StrataWindow  *self,
                                   GtkListBoxRow *row,
                                   GtkListBox    *list)
{
  GListModel *profiles = self->profiles;
  StrataProfile *current;
  g_autoptr(StrataProfile) profile = NULL;

  /* The window is going away: its rows with it */
  if (self->project_view == NULL)
    return;

  current = strata_project_view_get_profile (self->project_view);

  /* A row that goes away because its profile was saved (and perhaps moved
   * in the sorted list) does not unselect the profile: the list's change
   * selects it again. */
  if (row == NULL && self->profiles_changing && current != NULL && list_model_find (profiles, current, NULL))
    return;

  if (row != NULL && profiles != NULL)
    profile = g_list_model_get_item (profiles, gtk_list_box_row_get_index (row));

  if (profile == current)
    return;

  strata_project_view_set_profile (self->project_view, profile);
  strata_window_update_title (self);
}

static void
strata_window_project_toast_cb (StrataWindow      *self,
                                AdwToast          *toast,
                                StrataProjectView *view)
{
  strata_window_add_toast (self, g_object_ref (toast));
}

static GtkWidget *
create_project_row (gpointer item,
                    gpointer user_data)
{
  GFile *directory = item;
  g_autofree char *name = g_file_get_basename (directory);
  g_autofree char *path = strata_gui_display_file (directory);
  g_autoptr(GFile) ini = NULL;
  GtkWidget *box;
  GtkWidget *row;
  GtkWidget *label;
  GtkWidget *button;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (path);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_tooltip_text (box, path);
  gtk_widget_set_hexpand (box, TRUE);

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (row), box);

  /* A project moved or deleted since: said on its row, which stays until
   * it is removed (the folder may come back, on a mounted disk) */
  ini = g_file_get_child (directory, "strata.ini");
  if (!g_file_query_exists (ini, NULL))
    {
      g_autofree char *tooltip = g_strdup_printf (_("No project at %s: moved or deleted?"), path);

      label = gtk_label_new (_("Missing"));
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "role-tag");
      gtk_widget_add_css_class (label, "missing-tag");
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_set_tooltip_text (label, tooltip);
      gtk_widget_set_tooltip_text (box, tooltip);
      gtk_widget_add_css_class (box, "dim-label");
      gtk_box_append (GTK_BOX (row), label);
    }

  button = gtk_button_new_from_icon_name ("window-close-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_tooltip_text (button, _("Remove From Recent Projects"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove From Recent Projects"),
                                  -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.remove-recent-project");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", path);
  gtk_box_append (GTK_BOX (row), button);

  return row;
}

/* Before the list box changes its rows */
static void
strata_window_profiles_changing_cb (StrataWindow *self)
{
  self->profiles_changing = TRUE;
}

/* A profile deleted while selected leaves the view without one */
static void
strata_window_profiles_changed_cb (StrataWindow *self,
                                   guint         position,
                                   guint         removed,
                                   guint         added,
                                   GListModel   *profiles)
{
  StrataProfile *profile = strata_project_view_get_profile (self->project_view);
  guint index;

  self->profiles_changing = FALSE;

  if (profile == NULL)
    return;

  if (list_model_find (profiles, profile, &index))
    {
      /* Still there, perhaps renamed or moved: keep it selected */
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->profiles_list, index);

      if (row != NULL && row != gtk_list_box_get_selected_row (self->profiles_list))
        gtk_list_box_select_row (self->profiles_list, row);
      strata_window_update_title (self);
      return;
    }

  strata_project_view_set_profile (self->project_view, NULL);
  strata_window_update_title (self);
}

typedef struct
{
  GtkLabel *url_label;
  GtkLabel *role_tag;
} ProfileRow;

static void
profile_row_update (StrataProfile *profile,
                    GParamSpec    *pspec,
                    GtkWidget     *box)
{
  ProfileRow *row = g_object_get_data (G_OBJECT (box), "strata-profile-row");
  g_autofree char *url = strata_profile_dup_display_url (profile);
  StrataProfileRole role = strata_profile_get_role (profile);

  gtk_label_set_label (row->url_label, url);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->url_label), url);
  /* Production stands out; staging is told apart from development */
  gtk_widget_set_visible (GTK_WIDGET (row->role_tag), role != STRATA_PROFILE_ROLE_DEVELOPMENT);
  gtk_label_set_label (row->role_tag, role == STRATA_PROFILE_ROLE_PRODUCTION ? _("Production") : _("Staging"));
  if (role == STRATA_PROFILE_ROLE_STAGING)
    gtk_widget_add_css_class (GTK_WIDGET (row->role_tag), "staging");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row->role_tag), "staging");
}

static GtkWidget *
create_profile_row (gpointer item,
                    gpointer user_data)
{
  StrataProfile *profile = item;
  ProfileRow *row = g_new0 (ProfileRow, 1);
  GtkWidget *box;
  GtkWidget *labels;
  GtkWidget *label;
  GtkWidget *button;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (box), labels);

  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  g_object_bind_property (profile, "name", label, "label", G_BINDING_SYNC_CREATE);
  gtk_box_append (GTK_BOX (labels), label);

  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (labels), label);
  row->url_label = GTK_LABEL (label);

  /* A profile of the project's strata.ini: shown, not edited here */
  if (strata_profile_get_origin (profile) == STRATA_PROFILE_ORIGIN_PROJECT)
    {
      label = gtk_label_new (_("Project"));
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "project-tag");
      gtk_widget_set_tooltip_text (label, _("From the project’s strata.ini: edit it there"));
      gtk_box_append (GTK_BOX (box), label);
    }

  /* Production stands out */
  label = gtk_label_new (_("Production"));
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "role-tag");
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (box), label);
  row->role_tag = GTK_LABEL (label);

  /* Only the user's profiles are edited in the app */
  if (strata_profile_get_origin (profile) == STRATA_PROFILE_ORIGIN_USER)
    {
      button = gtk_button_new_from_icon_name ("document-edit-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Edit Profile…"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Edit Profile"),
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.edit-profile");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", strata_profile_get_id (profile));
      gtk_box_append (GTK_BOX (box), button);
    }

  /* Any change of the profile (its URL's parts, its role) shows */
  g_object_set_data_full (G_OBJECT (box), "strata-profile-row", row, g_free);
  g_signal_connect_object (profile, "notify", G_CALLBACK (profile_row_update), box, 0);
  profile_row_update (profile, NULL, box);

  return box;
}

/* Escape cancels a run wherever the focus is; otherwise it goes on to
 * whatever else uses it */
static gboolean
strata_window_escape_cb (GtkWidget *widget,
                         GVariant  *args,
                         gpointer   user_data)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  StrataPlanPage *plan_page = strata_project_view_get_plan_page (self->project_view);

  if (!strata_plan_page_get_running (plan_page))
    return FALSE;

  return gtk_widget_activate_action (GTK_WIDGET (plan_page), "plan.cancel", NULL);
}

/* Another process (`strata profiles add`) may have changed the store */
static void
strata_window_notify_is_active_cb (StrataWindow *self)
{
  StrataApplication *application = strata_window_get_application (self);

  if (application != NULL && gtk_window_is_active (GTK_WINDOW (self)))
    strata_application_reload_profiles (application);
}

static void
recent_project_removed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(StrataWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!strata_application_remove_recent_project_finish (STRATA_APPLICATION (object), result, &error))
    strata_window_add_toast (self, adw_toast_new (error->message));
}

static void
strata_window_remove_recent_project_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);
  g_autoptr(GFile) directory = g_file_new_for_path (g_variant_get_string (parameter, NULL));

  strata_application_remove_recent_project_async (strata_window_get_application (self), directory,
                                                  recent_project_removed_cb, g_object_ref (self));
}

static void
strata_window_navigate_back_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  StrataWindow *self = STRATA_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static gboolean
strata_window_close_request (GtkWindow *window)
{
  StrataWindow *self = STRATA_WINDOW (window);

  /* A run in progress: asked first (strata-run-guard.c) */
  if (strata_run_guard_close_request (window))
    return TRUE;

  if (self->settings != NULL)
    {
      _strata_window_save_state (self, self->settings);
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (strata_window_parent_class)->close_request (window);
}

static void
strata_window_dispose (GObject *object)
{
  StrataWindow *self = (StrataWindow *)object;

  if (self->settings != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (strata_window_settings); i++)
        g_settings_unbind (self, strata_window_settings[i].property);
      /* Destroyed without a close request (Quit): saved here */
      _strata_window_save_state (self, self->settings);
      g_settings_apply (self->settings);
      g_clear_object (&self->settings);
    }

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  if (self->profiles != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->profiles, strata_window_profiles_changing_cb, self);
      g_signal_handlers_disconnect_by_func (self->profiles, strata_window_profiles_changed_cb, self);
    }
  g_clear_object (&self->profiles);
  g_clear_object (&self->project_profiles);

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_WINDOW);

  G_OBJECT_CLASS (strata_window_parent_class)->dispose (object);
}

/* The sidebar shows the application's projects and profiles: the store's
 * once it is open. */
static void
strata_window_bind_store (StrataWindow *self)
{
  StrataApplication *application = strata_window_get_application (self);
  GListModel *profiles;
  gboolean has_store;

  if (self->profiles != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->profiles, strata_window_profiles_changing_cb, self);
      g_signal_handlers_disconnect_by_func (self->profiles, strata_window_profiles_changed_cb, self);
    }
  g_clear_object (&self->profiles);

  if (application == NULL)
    {
      gtk_list_box_bind_model (self->projects_list, NULL, NULL, NULL, NULL);
      gtk_list_box_bind_model (self->profiles_list, NULL, NULL, NULL, NULL);
      return;
    }

  has_store = strata_application_get_store (application) != NULL;
  strata_project_view_set_store (self->project_view, strata_application_get_store (application));
  {
    GListStore *models = g_list_store_new (G_TYPE_LIST_MODEL);

    g_list_store_append (models, self->project_profiles);
    g_list_store_append (models, strata_application_get_profiles (application));
    profiles = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (models)));
  }
  self->profiles = profiles;

  gtk_list_box_bind_model (self->projects_list,
                           strata_application_get_recent_projects (application),
                           create_project_row, NULL, NULL);
  /* Around the list box's own handler */
  g_signal_connect_object (profiles, "items-changed",
                           G_CALLBACK (strata_window_profiles_changing_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->profiles_list, profiles, create_profile_row, NULL, NULL);
  g_signal_connect_object (profiles, "items-changed",
                           G_CALLBACK (strata_window_profiles_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-profile", has_store);
  if (has_store || !strata_application_get_ready (application))
    gtk_label_set_label (self->profiles_placeholder, _("No connection profiles"));
  else
    gtk_label_set_label (self->profiles_placeholder, _("Connection profiles are unavailable: your store could not be opened"));
}

static void
strata_window_notify_application_cb (StrataWindow *self)
{
  StrataApplication *application = strata_window_get_application (self);

  if (application == NULL || self->bound_to_application)
    return;

  self->bound_to_application = TRUE;

  g_signal_connect_object (application, "notify::store",
                           G_CALLBACK (strata_window_bind_store), self,
                           G_CONNECT_SWAPPED);
  strata_window_bind_store (self);
}

static void
strata_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  StrataWindow *self = STRATA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      g_value_set_boolean (value, strata_window_get_show_sidebar (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  StrataWindow *self = STRATA_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      strata_window_set_show_sidebar (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_window_class_init (StrataWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = strata_window_dispose;
  object_class->get_property = strata_window_get_property;
  object_class->set_property = strata_window_set_property;

  window_class->close_request = strata_window_close_request;

  /**
   * StrataWindow:show-sidebar:
   *
   * Whether the sidebar with the projects and profiles is shown next to the
   * content. A folded window shows one of them at a time regardless.
   */
  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (STRATA_TYPE_PROJECT_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, content);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, content_header_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, projects_list);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, profiles_list);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, profiles_placeholder);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, project_view);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_notify_folded_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_update_switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_project_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_profile_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_project_toast_cb);

  gtk_widget_class_install_action (widget_class, "win.open-project", NULL,
                                   strata_window_open_project_action);
  gtk_widget_class_install_action (widget_class, "win.new-project", NULL,
                                   strata_window_new_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-example-project", NULL,
                                   strata_window_open_example_project_action);
  gtk_widget_class_install_action (widget_class, "win.new-profile", NULL,
                                   strata_window_new_profile_action);
  gtk_widget_class_install_action (widget_class, "win.edit-profile", "s",
                                   strata_window_edit_profile_action);
  gtk_widget_class_install_action (widget_class, "win.refresh", NULL,
                                   strata_window_refresh_action);
  gtk_widget_class_install_action (widget_class, "win.remove-recent-project", "s",
                                   strata_window_remove_recent_project_action);
  gtk_widget_class_install_action (widget_class, "win.navigate-back", NULL,
                                   strata_window_navigate_back_action);
  gtk_widget_class_install_action (widget_class, "win.apply-fleet", NULL, _strata_window_apply_fleet_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar", "show-sidebar");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.new-profile", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.navigate-back", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, strata_window_escape_cb, NULL);
}

static void
strata_window_init (StrataWindow *self)
{
  self->show_sidebar = TRUE;
  self->project_profiles = g_list_store_new (STRATA_TYPE_PROFILE);

  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  /* Each window starts from the saved state and writes its own back when
   * it closes: not on every step of an interactive resize (delay), and
   * without following what other windows save (GET_NO_CHANGES). */
  self->settings = g_settings_new (APP_ID);
  g_settings_delay (self->settings);
  for (guint i = 0; i < G_N_ELEMENTS (strata_window_settings); i++)
    g_settings_bind (self->settings, strata_window_settings[i].key,
                     self, strata_window_settings[i].property,
                     G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES);
  _strata_window_bind_state (self, self->settings);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.refresh", FALSE);
  g_signal_connect (self, "notify::application", G_CALLBACK (strata_window_notify_application_cb), NULL);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (strata_window_notify_is_active_cb), NULL);

  /* Folded, the window opens on the content, the sidebar one step back. */
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  strata_window_update_sidebar (self);
}

StrataWindow *
strata_window_new (StrataApplication *application)
{
  g_return_val_if_fail (STRATA_IS_APPLICATION (application), NULL);

  return g_object_new (STRATA_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

gboolean
strata_window_get_show_sidebar (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);

  return self->show_sidebar;
}

void
strata_window_set_show_sidebar (StrataWindow *self,
                                gboolean      show_sidebar)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));

  show_sidebar = !!show_sidebar;

  if (self->show_sidebar == show_sidebar)
    return;

  self->show_sidebar = show_sidebar;
  strata_window_update_sidebar (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SIDEBAR]);
}

/**
 * strata_window_add_toast:
 * @toast: (transfer full): the toast to show
 *
 * Shows @toast over the window's content.
 */
void
strata_window_add_toast (StrataWindow *self,
                         AdwToast     *toast)
{
  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

GListModel *
_strata_window_get_profiles (StrataWindow *self)
{
  return self->profiles;
}

StrataProjectView *
strata_window_get_project_view (StrataWindow *self)
{
  g_return_val_if_fail (STRATA_IS_WINDOW (self), NULL);

  return self->project_view;
}

void
strata_window_select_profile (StrataWindow  *self,
                              StrataProfile *profile)
{
  guint position;

  g_return_if_fail (STRATA_IS_WINDOW (self));
  g_return_if_fail (profile == NULL || STRATA_IS_PROFILE (profile));

  if (profile == NULL)
    {
      gtk_list_box_unselect_all (self->profiles_list);
      return;
    }

  if (self->profiles == NULL || !list_model_find (self->profiles, profile, &position))
    g_return_if_reached ();

  gtk_list_box_select_row (self->profiles_list,
                           gtk_list_box_get_row_at_index (self->profiles_list, position));
}
