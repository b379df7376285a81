/* test-window.c: the desktop app's shell under a real X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <adwaita.h>

#include "strata-application.h"
#include "strata-preferences-window.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

static StrataApplication *application;

/* The application, registered (which runs its startup: GTK, libadwaita,
 * actions, accelerators, CSS, settings), or NULL when there is no display. */
static StrataApplication *
get_application (void)
{
  g_autoptr(GError) error = NULL;

  if (strata_test_require_env ("DISPLAY", "X server") == NULL)
    return NULL;

  if (application != NULL)
    return application;

  application = strata_application_new ();
  /* Tests run in parallel: don't compete for the well-known bus name. */
  g_application_set_flags (G_APPLICATION (application), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  strata_test_gui_wait_ready (application);

  return application;
}

static gboolean
widget_is_drawn (gpointer data)
{
  GtkWidget *widget = data;

  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

/* Presents @window, waits until it is on screen and laid out. */
static void
show_window (GtkWindow *window)
{
  gtk_window_present (window);
  strata_test_gui_iterate_until (widget_is_drawn, window, "the window is mapped");
}

/* Destroys @window and checks that nothing kept it alive. */
static void
destroy_window (GtkWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (window);
  strata_test_gui_iterate_until (pointer_is_null, &weak, "the window is finalized");
}

static GtkWidget *
get_child (StrataWindow *window,
           const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), STRATA_TYPE_WINDOW, name);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

/* Renders @widget as it is now into a PNG beside the test program. */
static void
save_png (GtkWidget  *widget,
          const char *basename)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, basename, NULL);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("rendered %s (%dx%d)", path, width, height);
}

static guint
count_toasts (GtkWidget *toast_overlay)
{
  guint n_toasts = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (toast_overlay);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_strcmp0 (gtk_widget_get_css_name (child), "toast") == 0)
        n_toasts++;
    }

  return n_toasts;
}

/* The first toplevel of @type other than the app's windows, or NULL. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }

  return NULL;
}

static gboolean
has_toplevel (gpointer data)
{
  GtkWindow *window = find_toplevel (GPOINTER_TO_SIZE (data));

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

static void
reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

static void
test_window_application (void)
{
  StrataApplication *app = get_application ();
  g_auto(GStrv) quit_accels = NULL;
  g_auto(GStrv) help_accels = NULL;

  if (app == NULL)
    return;

  g_assert_cmpstr (g_application_get_application_id (G_APPLICATION (app)), ==, APP_ID);
  g_assert_cmpstr (g_application_get_resource_base_path (G_APPLICATION (app)), ==, "/io/github/stratadb/Strata");
  g_assert_nonnull (strata_application_get_settings (app));

  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "quit"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "preferences"));

  quit_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_assert_cmpstrv (quit_accels, ((const char * const[]) { "<Control>q", NULL }));
  help_accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
  g_assert_cmpstrv (help_accels, ((const char * const[]) { "<Control>question", NULL }));

  /* The resources the shell is built from */
  g_assert_true (g_resources_get_info ("/io/github/stratadb/Strata/gtk/help-overlay.ui",
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL));
  g_assert_true (g_resources_get_info ("/io/github/stratadb/Strata/style.css",
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL));
  g_assert_true (gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                          "io.github.stratadb.Strata-symbolic"));
}

static void
test_window_shell (void)
{
  StrataApplication *app = get_application ();
  g_autoptr(GSettings) settings = NULL;
  StrataWindow *window;
  GtkWidget *empty_page;
  GtkWidget *sidebar;
  GtkWidget *sidebar_button;
  GtkWidget *toast_overlay;
  GtkWidget *leaflet;
  GtkWindow *help_overlay;
  int width;
  int height;

  if (app == NULL)
    return;

  reset_settings ();

  window = strata_window_new (app);
  show_window (GTK_WINDOW (window));
  g_assert_true (gtk_window_get_application (GTK_WINDOW (window)) == GTK_APPLICATION (app));

  /* Wide: sidebar and content side by side, the empty state showing */
  leaflet = get_child (window, "leaflet");
  g_assert_false (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
  empty_page = get_child (window, "empty_page");
  g_assert_true (ADW_IS_STATUS_PAGE (empty_page));
  g_assert_true (gtk_widget_get_mapped (empty_page));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==, "No Project Open");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_child (window, "content_stack"))), ==, "empty");
  sidebar = get_child (window, "sidebar");
  g_assert_true (gtk_widget_get_mapped (sidebar));
  g_assert_true (gtk_widget_get_mapped (get_child (window, "projects_list")));
  g_assert_true (gtk_widget_get_mapped (get_child (window, "profiles_list")));

  save_png (GTK_WIDGET (window), "test-window.png");

  /* The sidebar toggle: the action, the property, the button, the widget */
  sidebar_button = get_child (window, "sidebar_button");
  g_assert_true (gtk_widget_get_mapped (sidebar_button));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (sidebar_button)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  strata_test_gui_iterate_pending ();
  g_assert_false (strata_window_get_show_sidebar (window));
  g_assert_false (gtk_widget_get_visible (sidebar));
  g_assert_false (gtk_widget_get_mapped (sidebar));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (sidebar_button)));
  g_assert_true (gtk_widget_get_mapped (empty_page));

  /* Outcomes show as toasts over the content (opening projects is
   * covered by test-ui-migrate) */
  toast_overlay = get_child (window, "toast_overlay");
  g_assert_cmpuint (count_toasts (toast_overlay), ==, 0);
  strata_window_add_toast (window, adw_toast_new ("Applied"));
  strata_test_gui_iterate_pending ();
  g_assert_cmpuint (count_toasts (toast_overlay), ==, 1);
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.no-such-action", NULL));

  /* The keyboard shortcuts window, loaded from gtk/help-overlay.ui */
  help_overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (help_overlay));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  strata_test_gui_iterate_until (widget_is_drawn, help_overlay, "the shortcuts window is shown");
  gtk_window_close (help_overlay);
  strata_test_gui_iterate_pending ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  g_assert_true (strata_window_get_show_sidebar (window));
  strata_test_gui_iterate_until (widget_is_drawn, sidebar, "the sidebar is back");

  /* Sidebar and size are saved when the window goes away */
  strata_window_set_show_sidebar (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  destroy_window (GTK_WINDOW (window));

  settings = g_settings_new (APP_ID);
  g_assert_false (g_settings_get_boolean (settings, "show-sidebar"));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  /* ...and restored by the next window */
  window = strata_window_new (app);
  g_assert_false (strata_window_get_show_sidebar (window));
  show_window (GTK_WINDOW (window));
  g_assert_false (gtk_widget_get_visible (get_child (window, "sidebar")));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  destroy_window (GTK_WINDOW (window));

  reset_settings ();
}

static void
test_window_narrow (void)
{
  StrataApplication *app = get_application ();
  StrataWindow *window;
  GtkWidget *leaflet;
  GtkWidget *sidebar;

  if (app == NULL)
    return;

  reset_settings ();

  window = strata_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  show_window (GTK_WINDOW (window));

  /* Narrow: one page at a time, the content first */
  leaflet = get_child (window, "leaflet");
  sidebar = get_child (window, "sidebar");
  g_assert_true (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
  g_assert_true (adw_leaflet_get_visible_child (ADW_LEAFLET (leaflet)) == get_child (window, "content"));
  g_assert_true (gtk_widget_get_mapped (get_child (window, "empty_page")));
  g_assert_false (gtk_widget_get_mapped (get_child (window, "sidebar_button")));

  save_png (GTK_WIDGET (window), "test-window-narrow.png");

  /* Hiding the sidebar applies to the wide layout only */
  strata_window_set_show_sidebar (window, FALSE);
  g_assert_true (gtk_widget_get_visible (sidebar));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.navigate-back", NULL));
  g_assert_true (adw_leaflet_get_visible_child (ADW_LEAFLET (leaflet)) == sidebar);

  destroy_window (GTK_WINDOW (window));
  reset_settings ();
}

static void
test_window_independent (void)
{
  StrataApplication *app = get_application ();
  g_autoptr(GSettings) settings = NULL;
  StrataWindow *first;
  StrataWindow *second;

  if (app == NULL)
    return;

  reset_settings ();
  settings = g_settings_new (APP_ID);

  first = strata_window_new (app);
  second = strata_window_new (app);
  show_window (GTK_WINDOW (first));
  show_window (GTK_WINDOW (second));

  /* What one window saves is for the next window, not for the others */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.show-sidebar", NULL));
  g_assert_false (strata_window_get_show_sidebar (second));
  destroy_window (GTK_WINDOW (second));
  strata_test_gui_iterate_pending ();
  g_assert_false (g_settings_get_boolean (settings, "show-sidebar"));
  g_assert_true (strata_window_get_show_sidebar (first));
  g_assert_true (gtk_widget_get_visible (get_child (first, "sidebar")));

  destroy_window (GTK_WINDOW (first));
  reset_settings ();
}

static void
test_window_preferences (void)
{
  StrataApplication *app = get_application ();
  g_autoptr(GSettings) settings = NULL;
  AdwStyleManager *style_manager;
  StrataWindow *window;
  GtkWindow *preferences;
  AdwComboRow *style_row;

  if (app == NULL)
    return;

  reset_settings ();
  settings = g_settings_new (APP_ID);
  style_manager = adw_style_manager_get_default ();
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==, ADW_COLOR_SCHEME_DEFAULT);

  window = strata_window_new (app);
  show_window (GTK_WINDOW (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  strata_test_gui_iterate_until (has_toplevel, GSIZE_TO_POINTER (STRATA_TYPE_PREFERENCES_WINDOW), "the preferences are shown");
  preferences = find_toplevel (STRATA_TYPE_PREFERENCES_WINDOW);
  g_assert_true (gtk_window_get_transient_for (preferences) == GTK_WINDOW (window));

  style_row = ADW_COMBO_ROW (gtk_widget_get_template_child (GTK_WIDGET (preferences),
                                                            STRATA_TYPE_PREFERENCES_WINDOW,
                                                            "style_row"));
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 0);

  /* Choosing Dark in the window writes the setting, which restyles the app */
  adw_combo_row_set_selected (style_row, 2);
  strata_test_gui_iterate_pending ();
  g_assert_cmpstr (g_settings_get_string (settings, "color-scheme"), ==, "dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style_manager));

  save_png (GTK_WIDGET (preferences), "test-preferences-dark.png");

  /* ...and the other way round */
  g_settings_set_string (settings, "color-scheme", "light");
  strata_test_gui_iterate_pending ();
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==, ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_settings_reset (settings, "color-scheme");
  strata_test_gui_iterate_pending ();
  g_assert_cmpuint (adw_combo_row_get_selected (style_row), ==, 0);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style_manager), ==, ADW_COLOR_SCHEME_DEFAULT);

  /* Destroying the main window takes its dialogs with it */
  destroy_window (GTK_WINDOW (window));
  strata_test_gui_iterate_pending ();
  g_assert_null (find_toplevel (STRATA_TYPE_PREFERENCES_WINDOW));
}

static void
test_window_about (void)
{
  StrataApplication *app = get_application ();
  StrataWindow *window;
  GtkWindow *about;

  if (app == NULL)
    return;

  window = strata_window_new (app);
  show_window (GTK_WINDOW (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  strata_test_gui_iterate_until (has_toplevel, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), "the about window is shown");
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_cmpstr (adw_about_window_get_application_name (ADW_ABOUT_WINDOW (about)), ==, "Strata");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (window));

  destroy_window (GTK_WINDOW (window));
  strata_test_gui_iterate_pending ();
  g_assert_null (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
}

static void
test_window_quit (void)
{
  StrataApplication *app = get_application ();
  StrataWindow *first;
  StrataWindow *second;
  gpointer weak_first;
  gpointer weak_second;

  if (app == NULL)
    return;

  first = strata_window_new (app);
  second = strata_window_new (app);
  show_window (GTK_WINDOW (first));
  show_window (GTK_WINDOW (second));
  weak_first = first;
  weak_second = second;
  g_object_add_weak_pointer (G_OBJECT (first), &weak_first);
  g_object_add_weak_pointer (G_OBJECT (second), &weak_second);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==, 2);

  /* app.quit closes every window rather than leaving them behind */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  strata_test_gui_iterate_until (pointer_is_null, &weak_first, "the first window is finalized");
  strata_test_gui_iterate_until (pointer_is_null, &weak_second, "the second window is finalized");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/window/application", test_window_application);
  g_test_add_func ("/strata/window/shell", test_window_shell);
  g_test_add_func ("/strata/window/narrow", test_window_narrow);
  g_test_add_func ("/strata/window/independent", test_window_independent);
  g_test_add_func ("/strata/window/preferences", test_window_preferences);
  g_test_add_func ("/strata/window/about", test_window_about);
  g_test_add_func ("/strata/window/quit", test_window_quit);

  ret = g_test_run ();

  g_clear_object (&application);
  strata_test_gui_shutdown ();

  return ret;
}
