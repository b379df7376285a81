/* strata-window.c: the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-window.h"

struct _StrataWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  AdwHeaderBar         *content_header_bar;
  GtkToggleButton      *sidebar_button;
  GtkListBox           *projects_list;
  GtkListBox           *profiles_list;
  GtkStack             *content_stack;
  AdwStatusPage        *empty_page;

  guint                 show_sidebar : 1;
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

static void
strata_window_show_not_yet_toast (StrataWindow *self,
                                  const char   *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 3);
  strata_window_add_toast (self, toast);
}

static void
strata_window_open_project_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  strata_window_show_not_yet_toast (STRATA_WINDOW (widget),
                                    _("Opening projects is not available yet"));
}

static void
strata_window_open_example_project_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  strata_window_show_not_yet_toast (STRATA_WINDOW (widget),
                                    _("The example project is not available yet"));
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

  if (self->settings != NULL)
    g_settings_apply (self->settings);

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
      g_settings_apply (self->settings);
      g_clear_object (&self->settings);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_WINDOW);

  G_OBJECT_CLASS (strata_window_parent_class)->dispose (object);
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

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, content);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, content_header_bar);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, projects_list);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, profiles_list);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataWindow, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, strata_window_notify_folded_cb);

  gtk_widget_class_install_action (widget_class, "win.open-project", NULL,
                                   strata_window_open_project_action);
  gtk_widget_class_install_action (widget_class, "win.open-example-project", NULL,
                                   strata_window_open_example_project_action);
  gtk_widget_class_install_action (widget_class, "win.navigate-back", NULL,
                                   strata_window_navigate_back_action);
  gtk_widget_class_install_property_action (widget_class, "win.show-sidebar", "show-sidebar");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open-project", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.navigate-back", NULL);
}

static void
strata_window_init (StrataWindow *self)
{
  self->show_sidebar = TRUE;

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
