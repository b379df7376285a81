/* strata-preferences-window.c: the Preferences window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-preferences-window.h"

struct _StrataPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwComboRow          *style_row;
};

G_DEFINE_FINAL_TYPE (StrataPreferencesWindow, strata_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The rows of style_row, in order, as values of the color-scheme key. */
static const char * const color_schemes[] = { "default", "light", "dark" };

static gboolean
color_scheme_to_selected (GValue   *value,
                          GVariant *variant,
                          gpointer  user_data)
{
  const char *color_scheme = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (color_schemes); i++)
    {
      if (g_str_equal (color_scheme, color_schemes[i]))
        {
          g_value_set_uint (value, i);
          return TRUE;
        }
    }

  return FALSE;
}

static GVariant *
selected_to_color_scheme (const GValue       *value,
                          const GVariantType *expected_type,
                          gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected >= G_N_ELEMENTS (color_schemes))
    return NULL;

  return g_variant_new_string (color_schemes[selected]);
}

static void
strata_preferences_window_dispose (GObject *object)
{
  StrataPreferencesWindow *self = (StrataPreferencesWindow *)object;

  if (self->settings != NULL)
    g_settings_unbind (self->style_row, "selected");

  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_PREFERENCES_WINDOW);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (strata_preferences_window_parent_class)->dispose (object);
}

static void
strata_preferences_window_class_init (StrataPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataPreferencesWindow, style_row);
}

static void
strata_preferences_window_init (StrataPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                self->style_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                color_scheme_to_selected,
                                selected_to_color_scheme,
                                NULL, NULL);
}

StrataPreferencesWindow *
strata_preferences_window_new (GtkWindow *transient_for)
{
  g_return_val_if_fail (transient_for == NULL || GTK_IS_WINDOW (transient_for), NULL);

  return g_object_new (STRATA_TYPE_PREFERENCES_WINDOW,
                       "transient-for", transient_for,
                       "modal", transient_for != NULL,
                       "destroy-with-parent", TRUE,
                       NULL);
}
