/* strata-sql-preview.c: SQL for SQLite and PostgreSQL side by side
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one view a project serving both engines needs: what a revision or a
 * plan runs on each, with no profile and no database (the session renders
 * offline for each dialect).
 */

#define G_LOG_DOMAIN "strata-sql-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "strata-gui-util.h"
#include "strata-sql-preview.h"

#define N_DIALECTS 2

struct _StrataSqlPreview
{
  GtkWidget  parent_instance;

  GtkWidget *paned;
  GtkWidget *views[N_DIALECTS];
  char      *sql[N_DIALECTS];
};

G_DEFINE_FINAL_TYPE (StrataSqlPreview, strata_sql_preview, GTK_TYPE_WIDGET)

static void
copy_clicked_cb (GtkButton        *button,
                 StrataSqlPreview *self)
{
  StrataDialect dialect = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "dialect"));
  GtkWidget *overlay;

  if (self->sql[dialect] == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->sql[dialect]);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      g_autofree char *title = NULL;

      /* Translators: %s is SQLite or PostgreSQL */
      title = g_strdup_printf (_("%s SQL copied"), strata_dialect_get_display_name (dialect));
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (title));
    }
}

static GtkWidget *
create_side (StrataSqlPreview *self,
             StrataDialect     dialect)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (strata_dialect_get_display_name (dialect));
  GtkWidget *copy = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  g_autofree char *tooltip = NULL;
  GtkWidget *view;

  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_hexpand (title, TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0f);
  gtk_box_append (GTK_BOX (header), title);

  /* Translators: %s is SQLite or PostgreSQL */
  tooltip = g_strdup_printf (_("Copy the %s SQL"), strata_dialect_get_display_name (dialect));
  gtk_widget_set_tooltip_text (copy, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (copy), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_add_css_class (copy, "flat");
  g_object_set_data (G_OBJECT (copy), "dialect", GINT_TO_POINTER (dialect));
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_clicked_cb), self);
  gtk_box_append (GTK_BOX (header), copy);
  gtk_box_append (GTK_BOX (box), header);

  view = g_object_new (GTK_SOURCE_TYPE_VIEW,
                       "editable", FALSE,
                       "monospace", TRUE,
                       "wrap-mode", GTK_WRAP_WORD_CHAR,
                       "left-margin", 8, "right-margin", 8, "top-margin", 6, "bottom-margin", 6,
                       NULL);
  strata_source_view_setup (GTK_SOURCE_VIEW (view));
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  strata_dialect_get_display_name (dialect), -1);
  gtk_widget_add_css_class (view, "step-sql");
  strata_source_view_set_text (GTK_SOURCE_VIEW (view), _("-- Rendering…"));
  self->views[dialect] = view;

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_widget_set_size_request (scrolled, 240, 160);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_box_append (GTK_BOX (box), scrolled);

  return box;
}

static void
strata_sql_preview_dispose (GObject *object)
{
  StrataSqlPreview *self = (StrataSqlPreview *)object;

  g_clear_pointer (&self->paned, gtk_widget_unparent);
  for (guint i = 0; i < N_DIALECTS; i++)
    g_clear_pointer (&self->sql[i], g_free);

  G_OBJECT_CLASS (strata_sql_preview_parent_class)->dispose (object);
}

static void
strata_sql_preview_class_init (StrataSqlPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_sql_preview_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sqlpreview");
}

static void
strata_sql_preview_init (StrataSqlPreview *self)
{
  GtkWidget *start = create_side (self, STRATA_DIALECT_SQLITE);
  GtkWidget *end = create_side (self, STRATA_DIALECT_POSTGRESQL);

  self->paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  gtk_paned_set_wide_handle (GTK_PANED (self->paned), TRUE);
  gtk_widget_set_margin_end (start, 6);
  gtk_widget_set_margin_start (end, 6);
  gtk_paned_set_start_child (GTK_PANED (self->paned), start);
  gtk_paned_set_end_child (GTK_PANED (self->paned), end);
  gtk_paned_set_shrink_start_child (GTK_PANED (self->paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (self->paned), FALSE);
  gtk_widget_set_parent (self->paned, GTK_WIDGET (self));
}

GtkWidget *
strata_sql_preview_new (void)
{
  return g_object_new (STRATA_TYPE_SQL_PREVIEW, NULL);
}

void
strata_sql_preview_set_sql (StrataSqlPreview *self,
                            StrataDialect     dialect,
                            const char       *sql)
{
  GtkTextView *view;
  GtkTextBuffer *buffer;
  GtkTextIter start;
  GtkTextIter found;

  g_return_if_fail (STRATA_IS_SQL_PREVIEW (self));
  g_return_if_fail ((guint)dialect < N_DIALECTS);

  view = GTK_TEXT_VIEW (self->views[dialect]);
  buffer = gtk_text_view_get_buffer (view);
  g_free (self->sql[dialect]);
  self->sql[dialect] = g_strdup (sql);
  strata_source_view_set_text (GTK_SOURCE_VIEW (view),
                               sql != NULL ? (*sql != '\0' ? sql : _("-- Nothing to run")) : _("-- Rendering…"));

  /* A script opens on its first migration, past the bookkeeping before it */
  gtk_text_buffer_get_start_iter (buffer, &start);
  if (gtk_text_iter_forward_search (&start, "-- Running ", GTK_TEXT_SEARCH_TEXT_ONLY, &found, NULL, NULL))
    {
      GtkTextMark *mark = gtk_text_buffer_create_mark (buffer, NULL, &found, TRUE);

      gtk_text_view_scroll_to_mark (view, mark, 0.0, TRUE, 0.0, 0.0);
      gtk_text_buffer_delete_mark (buffer, mark);
    }
}

/**
 * strata_sql_preview_get_sql:
 *
 * Returns: (nullable): the SQL on show for @dialect
 */
const char *
strata_sql_preview_get_sql (StrataSqlPreview *self,
                            StrataDialect     dialect)
{
  g_return_val_if_fail (STRATA_IS_SQL_PREVIEW (self), NULL);
  g_return_val_if_fail ((guint)dialect < N_DIALECTS, NULL);

  return self->sql[dialect];
}

/* The window */

static void
rendered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWindow) window = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) scripts = strata_session_render_offline_finish (STRATA_SESSION (object), result, &error);
  StrataSqlPreview *preview = g_object_get_data (G_OBJECT (window), "strata-preview");

  g_object_set_data (G_OBJECT (window), "strata-busy", NULL);
  if (preview == NULL || gtk_widget_get_root (GTK_WIDGET (preview)) == NULL)
    return;

  for (guint i = 0; i < N_DIALECTS; i++)
    {
      g_autofree char *failed = NULL;

      if (scripts == NULL)
        /* Translators: in place of SQL that could not be rendered */
        failed = g_strdup_printf (_("-- Cannot render: %s"), error->message);
      strata_sql_preview_set_sql (preview, i, scripts != NULL ? scripts[i] : failed);
    }
}

/**
 * strata_sql_preview_show_plan:
 *
 * Returns: (transfer none): the window
 */
GtkWindow *
strata_sql_preview_show_plan (GtkWindow     *parent,
                              StrataSession *session,
                              StrataPlan    *plan,
                              const char    *title)
{
  static const StrataDialect dialects[N_DIALECTS] = { STRATA_DIALECT_SQLITE, STRATA_DIALECT_POSTGRESQL };
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  GtkWidget *window_title = adw_window_title_new (_("SQL for Both Engines"), title);
  GtkWidget *preview = strata_sql_preview_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_window_set_title (GTK_WINDOW (window), _("SQL for Both Engines"));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 640);
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), window_title);
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_margin_start (preview, 12);
  gtk_widget_set_margin_end (preview, 12);
  gtk_widget_set_margin_top (preview, 6);
  gtk_widget_set_margin_bottom (preview, 12);
  gtk_widget_set_vexpand (preview, TRUE);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), preview);
  gtk_box_append (GTK_BOX (box), overlay);
  adw_window_set_content (ADW_WINDOW (window), box);

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  g_object_set_data (G_OBJECT (window), "strata-preview", preview);
  g_object_set_data (G_OBJECT (window), "strata-busy", GINT_TO_POINTER (TRUE));
  strata_session_render_offline_async (session, plan, dialects, N_DIALECTS, NULL, rendered_cb,
                                       g_object_ref (window));

  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

StrataSqlPreview *
strata_sql_preview_window_get_preview (GtkWindow *window)
{
  return g_object_get_data (G_OBJECT (window), "strata-preview");
}

gboolean
strata_sql_preview_window_get_busy (GtkWindow *window)
{
  return g_object_get_data (G_OBJECT (window), "strata-busy") != NULL;
}
