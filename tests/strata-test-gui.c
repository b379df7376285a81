/* strata-test-gui.c: helpers for the app's tests under a real X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-test-gui"

#include "config.h"

#include "strata-plan-page.h"
#include "strata-profile-editor.h"
#include "strata-project-view.h"
#include "strata-test-gui.h"
#include "strata-test-util.h"

static StrataApplication *application;
static char *home_dir;
static gboolean owns_home_dir;

/* A fresh HOME and XDG data and config folders for this program: the app
 * creates its store under XDG_DATA_HOME, and tests run in parallel. Set
 * before GLib reads them (g_get_user_data_dir caches). */
void
strata_test_gui_init (int    *argc,
                      char ***argv)
{
  g_autofree char *data_home = NULL;
  g_autofree char *config_home = NULL;

  /* A subprocess (g_test_trap_subprocess) shares its parent's */
  if (g_getenv ("STRATA_TEST_GUI_HOME") != NULL)
    {
      home_dir = g_strdup (g_getenv ("STRATA_TEST_GUI_HOME"));
    }
  else
    {
      home_dir = g_dir_make_tmp ("strata-test-home-XXXXXX", NULL);
      g_assert_nonnull (home_dir);
      g_setenv ("STRATA_TEST_GUI_HOME", home_dir, TRUE);
      owns_home_dir = TRUE;
    }
  data_home = g_build_filename (home_dir, ".local", "share", NULL);
  config_home = g_build_filename (home_dir, ".config", NULL);
  g_assert_cmpint (g_mkdir_with_parents (data_home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (config_home, 0700), ==, 0);

  g_setenv ("HOME", home_dir, TRUE);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);

  g_test_init (argc, argv, NULL);
}

const char *
strata_test_gui_get_home (void)
{
  return home_dir;
}

static gboolean
application_is_ready (gpointer data)
{
  return strata_application_get_ready (data);
}

void
strata_test_gui_wait_ready (StrataApplication *app)
{
  strata_test_gui_iterate_until (application_is_ready, app, "the store is opened");
}

StrataApplication *
strata_test_gui_get_application (void)
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

  /* Screenshots show where transitions end, not half-way through them */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  /* Startup opens the store in a worker thread */
  strata_test_gui_wait_ready (application);

  return application;
}

void
strata_test_gui_shutdown (void)
{
  g_clear_object (&application);

  if (home_dir != NULL && owns_home_dir)
    strata_test_rm_rf (home_dir);
  g_clear_pointer (&home_dir, g_free);
}

void
strata_test_gui_iterate_until (StrataTestCondition  condition,
                               gpointer             data,
                               const char          *what)
{
  /* A bound against hangs, not a speed check: generous, since a loaded CI
   * machine can take seconds to lay out and draw a frame. */
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          /* On stderr, so that a test run in a subprocess says it too */
          g_error ("timed out waiting until %s", what);
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (G_USEC_PER_SEC / 1000);
    }
}

void
strata_test_gui_iterate_pending (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
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

void
strata_test_gui_show_window (GtkWindow *window)
{
  gtk_window_present (window);
  strata_test_gui_iterate_until (widget_is_drawn, window, "the window is mapped");
}

void
strata_test_gui_destroy_window (GtkWindow *window)
{
  gpointer weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), &weak);
  gtk_window_destroy (window);
  strata_test_gui_iterate_until (pointer_is_null, &weak, "the window is finalized");
}

GtkWindow *
strata_test_gui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
has_toplevel (gpointer data)
{
  return strata_test_gui_find_toplevel (GPOINTER_TO_SIZE (data)) != NULL;
}

GtkWindow *
strata_test_gui_wait_toplevel (GType       type,
                               const char *what)
{
  strata_test_gui_iterate_until (has_toplevel, GSIZE_TO_POINTER (type), what);

  return strata_test_gui_find_toplevel (type);
}

gpointer
strata_test_gui_get_child (gpointer    widget,
                           GType       type,
                           const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

typedef struct
{
  GdkFrameClock *clock;
  gint64         until;
} FrameWait;

static gboolean
frames_done (gpointer data)
{
  FrameWait *wait = data;

  return gdk_frame_clock_get_frame_counter (wait->clock) >= wait->until;
}

static void
request_next_frame_cb (GdkFrameClock *clock,
                       FrameWait     *wait)
{
  if (!frames_done (wait))
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

void
strata_test_gui_wait_frames (GtkWidget *widget,
                             guint      n_frames)
{
  FrameWait wait;

  gulong handler;

  wait.clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (wait.clock);
  wait.until = gdk_frame_clock_get_frame_counter (wait.clock) + n_frames;

  /* A request for a phase lasts one frame: ask for the next frame after
   * each one, or a window with nothing else to draw stops at the first. */
  handler = g_signal_connect (wait.clock, "after-paint", G_CALLBACK (request_next_frame_cb), &wait);
  gtk_widget_queue_draw (widget);
  gdk_frame_clock_request_phase (wait.clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  strata_test_gui_iterate_until (frames_done, &wait, "frames are drawn");
  g_signal_handler_disconnect (wait.clock, handler);
}

char *
strata_test_gui_save_png (GtkWidget  *widget,
                          const char *basename)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  char *path = g_test_build_filename (G_TEST_BUILT, basename, NULL);
  GskRenderer *renderer;
  int width;
  int height;

  /* Let pending layout and drawing happen first: two frames */
  strata_test_gui_iterate_until (widget_is_drawn, widget, "the widget is on screen");
  strata_test_gui_iterate_pending ();
  strata_test_gui_wait_frames (widget, 2);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("rendered %s (%dx%d)", path, width, height);

  return path;
}

void
strata_test_gui_reset_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
}

typedef struct
{
  StrataProjectView *view;
  guint              n;
} CountWait;

static gboolean
has_n_revisions (gpointer data)
{
  CountWait *wait = data;

  return strata_graph_get_n_revisions (strata_project_view_get_graph (wait->view)) == wait->n &&
         !strata_project_view_get_busy (wait->view);
}

void
strata_test_gui_wait_revisions (gpointer    view,
                                guint       n_revisions,
                                const char *what)
{
  CountWait wait = { view, n_revisions };

  strata_test_gui_iterate_until (has_n_revisions, &wait, what);
}

static gboolean
plan_has_n_steps (gpointer data)
{
  CountWait *wait = data;
  StrataPlanPage *page = strata_project_view_get_plan_page (wait->view);
  StrataPlan *plan = strata_plan_page_get_plan (page);

  return plan != NULL && strata_plan_get_n_steps (plan) == wait->n && !strata_plan_page_get_reviewing (page);
}

void
strata_test_gui_wait_plan_steps (gpointer    view,
                                 guint       n_steps,
                                 const char *what)
{
  CountWait wait = { view, n_steps };

  strata_test_gui_iterate_until (plan_has_n_steps, &wait, what);
}

/* Conditions {{{ */

/* A project view (StrataProjectView) with no database work under way */
gboolean
strata_test_gui_view_is_idle (gpointer view)
{
  return !strata_project_view_get_busy (view);
}

/* A profile editor whose connection test has ended */
gboolean
strata_test_gui_editor_is_idle (gpointer editor)
{
  return !strata_profile_editor_get_testing (editor);
}

/* No profile editor is open */
gboolean
strata_test_gui_no_editor (gpointer unused)
{
  return strata_test_gui_find_toplevel (STRATA_TYPE_PROFILE_EDITOR) == NULL;
}

/* A plan page whose review has ended */
gboolean
strata_test_gui_plan_reviewed (gpointer plan_page)
{
  return !strata_plan_page_get_reviewing (plan_page);
}

gboolean
strata_test_gui_plan_is_not_running (gpointer plan_page)
{
  return !strata_plan_page_get_running (plan_page);
}

/* Apply's checks before a run (files, applied revisions) have ended */
gboolean
strata_test_gui_plan_is_not_checking (gpointer plan_page)
{
  return !strata_plan_page_get_checking (plan_page);
}

/* }}} */
