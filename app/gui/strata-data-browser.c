/* strata-data-browser.c: the rows of a profile's tables, read-only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A table picker over a GtkColumnView of a StrataDataModel, which reads the
 * rows a page at a time through the session (by keyset, on a read-only
 * connection of its own). A click on a column's header orders the rows by
 * that column in the database, not in memory: the model is made again with
 * the new order and reads its first page.
 */

#define G_LOG_DOMAIN "strata-data-browser"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-data-browser.h"

#define DEFAULT_PAGE_SIZE 500
/* Columns are as wide as this until a person resizes them: a fixed width
 * spares measuring every cell */
#define COLUMN_WIDTH 160

struct _StrataDataBrowser
{
  AdwBin             parent_instance;

  StrataSession     *session;
  GCancellable      *cancellable;    /* tables and counts, per session */
  GCancellable      *count_cancellable;
  StrataDataModel   *model;
  GtkStringList     *tables;
  char              *columns_table;  /* the table the view's columns are of */
  char              *sort_column;
  char              *count_text;
  guint              page_size;
  gboolean           descending;
  gboolean           tables_stale;
  gboolean           updating;       /* ignore the signals our own changes cause */

  /* Template widgets */
  GtkStack          *stack;
  GtkSpinner        *loading_spinner;
  AdwStatusPage     *error_page;
  GtkDropDown       *table_dropdown;
  GtkLabel          *count_label;
  GtkSpinner        *page_spinner;
  GtkButton         *count_button;
  GtkStack          *table_stack;
  GtkScrolledWindow *scroller;
  GtkColumnView     *column_view;
  AdwStatusPage     *failed_page;
};

G_DEFINE_FINAL_TYPE (StrataDataBrowser, strata_data_browser, ADW_TYPE_BIN)

static void strata_data_browser_load_tables (StrataDataBrowser *self);
static void strata_data_browser_open_table  (StrataDataBrowser *self);

static void
strata_data_browser_show_error (StrataDataBrowser *self,
                                const GError      *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_spinner_stop (self->loading_spinner);
}

static void
strata_data_browser_update_actions (StrataDataBrowser *self)
{
  gboolean has_table = self->model != NULL;
  gboolean counting = self->count_cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.reload", self->session != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.count", has_table && !counting);
}

/* Counting {{{ */

static void
strata_data_browser_set_count (StrataDataBrowser *self,
                               gint64             count,
                               gboolean           exact)
{
  g_autofree char *number = g_strdup_printf ("%'" G_GINT64_FORMAT, count);
  g_autofree char *rows = NULL;

  if (exact)
    rows = g_strdup_printf (ngettext ("%s row", "%s rows", (gulong)count), number);
  else
    /* Translators: an estimate of the number of rows of a table */
    rows = g_strdup_printf (ngettext ("About %s row", "About %s rows", (gulong)count), number);

  g_free (self->count_text);
  /* Translators: the number of rows of a table, then that it cannot be changed here */
  self->count_text = g_strdup_printf (_("%s · read-only"), rows);
  gtk_label_set_label (self->count_label, self->count_text);
  gtk_widget_set_visible (GTK_WIDGET (self->count_button), !exact);
}

static void
count_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(StrataDataBrowser) self = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  gboolean exact = FALSE;
  gint64 count = 0;

  if (!strata_session_count_rows_finish (STRATA_SESSION (object), result, &count, &exact, &error))
    {
      if (cancellable != self->count_cancellable)
        return;
      g_clear_object (&self->count_cancellable);
      strata_data_browser_update_actions (self);
      gtk_label_set_label (self->count_label, error->message);
      return;
    }
  if (cancellable != self->count_cancellable)
    return;

  g_clear_object (&self->count_cancellable);
  strata_data_browser_set_count (self, count, exact);
  strata_data_browser_update_actions (self);
}

static void
strata_data_browser_count (StrataDataBrowser *self,
                           gboolean           exact)
{
  if (self->count_cancellable != NULL)
    g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);

  if (self->model == NULL)
    return;

  self->count_cancellable = g_cancellable_new ();
  if (exact)
    gtk_label_set_label (self->count_label, _("Counting rows…"));
  strata_session_count_rows_async (self->session, strata_data_model_get_table (self->model), exact,
                                   self->count_cancellable, count_cb, g_object_ref (self));
  strata_data_browser_update_actions (self);
}

static void
strata_data_browser_count_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  strata_data_browser_count (STRATA_DATA_BROWSER (widget), TRUE);
}

/* }}} */

/* Columns and sorting {{{ */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (inscription), 12);
  gtk_list_item_set_child (item, inscription);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  StrataDataRow *row = gtk_list_item_get_item (item);
  GtkWidget *inscription = gtk_list_item_get_child (item);
  const char *value = strata_data_row_get_value (row, GPOINTER_TO_UINT (user_data));

  /* Translators: an SQL NULL (no value) in a table's cell */
  gtk_inscription_set_text (GTK_INSCRIPTION (inscription), value != NULL ? value : C_("data", "NULL"));
  if (value == NULL)
    gtk_widget_add_css_class (inscription, "dim-label");
  else
    gtk_widget_remove_css_class (inscription, "dim-label");
}

/* GTK 4.8 does not say which column the view is sorted by
 * (gtk_column_view_sorter_get_primary_sort_column is 4.10): the view's
 * sorter asks its columns' sorters in order until one tells two items
 * apart, so one comparison through it finds the first column, and the
 * sign of the answer its direction. */
static GtkColumnViewColumn *probe_hit;

static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  if (probe_hit == NULL)
    probe_hit = user_data;

  return GTK_ORDERING_SMALLER;
}

static void
strata_data_browser_sorter_changed_cb (StrataDataBrowser *self,
                                       GtkSorterChange    change,
                                       GtkSorter         *sorter)
{
  GtkOrdering ordering;
  const char *column = NULL;

  if (self->updating)
    return;

  probe_hit = NULL;
  ordering = gtk_sorter_compare (sorter, self, self->column_view);
  if (probe_hit != NULL)
    column = gtk_column_view_column_get_title (probe_hit);
  probe_hit = NULL;

  if (g_strcmp0 (column, self->sort_column) == 0 &&
      (column == NULL || self->descending == (ordering == GTK_ORDERING_LARGER)))
    return;

  g_free (self->sort_column);
  self->sort_column = g_strdup (column);
  self->descending = column != NULL && ordering == GTK_ORDERING_LARGER;
  strata_data_browser_open_table (self);
}

static void
strata_data_browser_remove_columns (StrataDataBrowser *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  self->updating = TRUE;
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
  self->updating = FALSE;
  g_clear_pointer (&self->columns_table, g_free);
}

static void
strata_data_browser_add_columns (StrataDataBrowser *self,
                                 StrataDataPage    *page)
{
  self->updating = TRUE;
  for (guint i = 0; i < strata_data_page_get_n_columns (page); i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (strata_data_page_get_column_name (page, i), g_steal_pointer (&factory));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, COLUMN_WIDTH);
      sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, column, NULL));
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_append_column (self->column_view, column);
    }
  self->updating = FALSE;
  self->columns_table = g_strdup (strata_data_page_get_table (page));
}

/* }}} */

/* The rows {{{ */

static void
model_first_page_cb (StrataDataBrowser *self,
                     StrataDataModel   *model)
{
  StrataDataPage *page = strata_data_model_get_first_page (model);

  if (g_strcmp0 (self->columns_table, strata_data_page_get_table (page)) != 0)
    {
      strata_data_browser_remove_columns (self);
      strata_data_browser_add_columns (self, page);
    }
  gtk_stack_set_visible_child_name (self->table_stack,
                                    strata_data_page_get_n_rows (page) > 0 ? "rows" : "empty");
}

static void
model_failed_cb (StrataDataBrowser *self,
                 const GError      *error,
                 StrataDataModel   *model)
{
  adw_status_page_set_description (self->failed_page, error->message);
  gtk_stack_set_visible_child_name (self->table_stack, "failed");
}

static void
model_notify_loading_cb (StrataDataBrowser *self,
                         GParamSpec        *pspec,
                         StrataDataModel   *model)
{
  gboolean loading = strata_data_model_get_loading (model);

  gtk_widget_set_visible (GTK_WIDGET (self->page_spinner), loading);
  gtk_spinner_set_spinning (self->page_spinner, loading);
}

static void
strata_data_browser_clear_model (StrataDataBrowser *self)
{
  if (self->model != NULL)
    {
      strata_data_model_cancel (self->model);
      g_signal_handlers_disconnect_by_data (self->model, self);
    }
  g_clear_object (&self->model);
  self->updating = TRUE;
  gtk_column_view_set_model (self->column_view, NULL);
  self->updating = FALSE;
}

/* (Re)opens the selected table in the current order */
static void
strata_data_browser_open_table (StrataDataBrowser *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  const char *table = strata_data_browser_get_table (self);
  gboolean same_table;

  same_table = self->model != NULL && g_strcmp0 (strata_data_model_get_table (self->model), table) == 0;
  strata_data_browser_clear_model (self);
  if (!same_table)
    strata_data_browser_remove_columns (self);
  if (table == NULL || self->session == NULL)
    return;

  self->model = strata_data_model_new (self->session, table, self->sort_column, self->descending,
                                       self->page_size);
  g_signal_connect_object (self->model, "first-page", G_CALLBACK (model_first_page_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "failed", G_CALLBACK (model_failed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (model_notify_loading_cb), self,
                           G_CONNECT_SWAPPED);
  model_notify_loading_cb (self, NULL, self->model);

  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model))));
  self->updating = TRUE;
  gtk_column_view_set_model (self->column_view, selection);
  self->updating = FALSE;

  if (!same_table)
    {
      gtk_label_set_label (self->count_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->count_button), FALSE);
      strata_data_browser_count (self, FALSE);
    }
  strata_data_browser_update_actions (self);
}

static void
strata_data_browser_table_selected_cb (StrataDataBrowser *self,
                                       GParamSpec        *pspec,
                                       GtkDropDown       *dropdown)
{
  if (self->updating)
    return;

  /* A new table starts in its key's order */
  g_clear_pointer (&self->sort_column, g_free);
  self->descending = FALSE;
  self->updating = TRUE;
  gtk_column_view_sort_by_column (self->column_view, NULL, GTK_SORT_ASCENDING);
  self->updating = FALSE;
  strata_data_browser_open_table (self);
}

/* }}} */

/* Tables {{{ */

static void
list_tables_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(StrataDataBrowser) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) tables = NULL;
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autofree char *previous = g_strdup (strata_data_browser_get_table (self));
  guint selected = 0;

  tables = strata_session_list_tables_finish (STRATA_SESSION (object), result, &error);
  if (cancellable != self->cancellable || g_cancellable_is_cancelled (cancellable))
    return;

  gtk_spinner_stop (self->loading_spinner);
  if (tables == NULL)
    {
      strata_data_browser_show_error (self, error);
      return;
    }
  if (tables[0] == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "no-tables");
      return;
    }

  self->updating = TRUE;
  gtk_string_list_splice (self->tables, 0, g_list_model_get_n_items (G_LIST_MODEL (self->tables)),
                          (const char * const *)tables);
  for (guint i = 0; tables[i] != NULL; i++)
    if (g_strcmp0 (tables[i], previous) == 0)
      selected = i;
  gtk_drop_down_set_selected (self->table_dropdown, selected);
  self->updating = FALSE;

  /* Another table, or the same one read again, keeping its order */
  if (g_strcmp0 (previous, tables[selected]) != 0)
    {
      g_clear_pointer (&self->sort_column, g_free);
      self->descending = FALSE;
    }
  strata_data_browser_clear_model (self);
  strata_data_browser_remove_columns (self);
  gtk_stack_set_visible_child_name (self->stack, "table");
  strata_data_browser_open_table (self);
}

static void
strata_data_browser_load_tables (StrataDataBrowser *self)
{
  if (self->session == NULL)
    return;

  self->tables_stale = FALSE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->loading_spinner);
  strata_session_list_tables_async (self->session, self->cancellable, list_tables_cb, g_object_ref (self));
}

static void
strata_data_browser_reload_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  StrataDataBrowser *self = STRATA_DATA_BROWSER (widget);

  if (self->session == NULL)
    return;

  /* A run may have changed the tables: the reader forgets them */
  strata_data_browser_clear_model (self);
  strata_session_close_reader (self->session);
  strata_data_browser_load_tables (self);
}

/* }}} */

static void
strata_data_browser_map (GtkWidget *widget)
{
  StrataDataBrowser *self = STRATA_DATA_BROWSER (widget);

  GTK_WIDGET_CLASS (strata_data_browser_parent_class)->map (widget);

  if (self->tables_stale)
    strata_data_browser_load_tables (self);
}

static void
strata_data_browser_dispose (GObject *object)
{
  StrataDataBrowser *self = (StrataDataBrowser *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->count_cancellable != NULL)
    g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->count_cancellable);
  if (self->model != NULL)
    {
      strata_data_model_cancel (self->model);
      g_signal_handlers_disconnect_by_data (self->model, self);
    }
  g_clear_object (&self->model);

  /* The bin lets go of its child first: it would not know that
   * gtk_widget_dispose_template unparented it */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), STRATA_TYPE_DATA_BROWSER);

  g_clear_object (&self->session);
  g_clear_object (&self->tables);

  G_OBJECT_CLASS (strata_data_browser_parent_class)->dispose (object);
}

static void
strata_data_browser_finalize (GObject *object)
{
  StrataDataBrowser *self = (StrataDataBrowser *)object;

  g_free (self->columns_table);
  g_free (self->sort_column);
  g_free (self->count_text);

  G_OBJECT_CLASS (strata_data_browser_parent_class)->finalize (object);
}

static void
strata_data_browser_class_init (StrataDataBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = strata_data_browser_dispose;
  object_class->finalize = strata_data_browser_finalize;
  widget_class->map = strata_data_browser_map;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/stratadb/Strata/strata-data-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, stack);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, error_page);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, table_dropdown);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, count_label);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, page_spinner);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, count_button);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, table_stack);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, scroller);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, column_view);
  gtk_widget_class_bind_template_child (widget_class, StrataDataBrowser, failed_page);
  gtk_widget_class_bind_template_callback (widget_class, strata_data_browser_table_selected_cb);

  gtk_widget_class_install_action (widget_class, "data.reload", NULL, strata_data_browser_reload_action);
  gtk_widget_class_install_action (widget_class, "data.count", NULL, strata_data_browser_count_action);
}

static void
strata_data_browser_init (StrataDataBrowser *self)
{
  self->page_size = DEFAULT_PAGE_SIZE;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->tables = gtk_string_list_new (NULL);
  self->updating = TRUE;
  gtk_drop_down_set_model (self->table_dropdown, G_LIST_MODEL (self->tables));
  self->updating = FALSE;

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (strata_data_browser_sorter_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->stack, "no-session");
  strata_data_browser_update_actions (self);
}

GtkWidget *
strata_data_browser_new (void)
{
  return g_object_new (STRATA_TYPE_DATA_BROWSER, NULL);
}

void
strata_data_browser_set_session (StrataDataBrowser *self,
                                 StrataSession     *session)
{
  g_return_if_fail (STRATA_IS_DATA_BROWSER (self));
  g_return_if_fail (session == NULL || STRATA_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->count_cancellable != NULL)
    g_cancellable_cancel (self->count_cancellable);
  g_clear_object (&self->count_cancellable);
  strata_data_browser_clear_model (self);
  strata_data_browser_remove_columns (self);
  g_clear_pointer (&self->sort_column, g_free);
  self->updating = TRUE;
  gtk_string_list_splice (self->tables, 0, g_list_model_get_n_items (G_LIST_MODEL (self->tables)), NULL);
  self->updating = FALSE;

  g_set_object (&self->session, session);
  self->tables_stale = session != NULL;
  gtk_stack_set_visible_child_name (self->stack, session != NULL ? "loading" : "no-session");
  if (session != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    strata_data_browser_load_tables (self);
  strata_data_browser_update_actions (self);
}

StrataSession *
strata_data_browser_get_session (StrataDataBrowser *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), NULL);

  return self->session;
}

void
strata_data_browser_set_page_size (StrataDataBrowser *self,
                                   guint              page_size)
{
  g_return_if_fail (STRATA_IS_DATA_BROWSER (self));
  g_return_if_fail (page_size > 0);

  self->page_size = page_size;
}

gboolean
strata_data_browser_select_table (StrataDataBrowser *self,
                                  const char        *table)
{
  guint n;

  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), FALSE);
  g_return_val_if_fail (table != NULL, FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->tables));
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->tables, i), table) == 0)
      {
        if (gtk_drop_down_get_selected (self->table_dropdown) != i)
          gtk_drop_down_set_selected (self->table_dropdown, i);
        return TRUE;
      }

  return FALSE;
}

const char *
strata_data_browser_get_table (StrataDataBrowser *self)
{
  guint selected;

  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), NULL);

  selected = gtk_drop_down_get_selected (self->table_dropdown);
  if (selected == GTK_INVALID_LIST_POSITION ||
      selected >= g_list_model_get_n_items (G_LIST_MODEL (self->tables)))
    return NULL;

  return gtk_string_list_get_string (self->tables, selected);
}

void
strata_data_browser_sort (StrataDataBrowser *self,
                          const char        *column,
                          GtkSortType        order)
{
  GListModel *columns;

  g_return_if_fail (STRATA_IS_DATA_BROWSER (self));

  columns = gtk_column_view_get_columns (self->column_view);
  for (guint i = 0; column != NULL && i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) view_column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (view_column), column) == 0)
        {
          gtk_column_view_sort_by_column (self->column_view, view_column, order);
          return;
        }
    }

  gtk_column_view_sort_by_column (self->column_view, NULL, order);
}

StrataDataModel *
strata_data_browser_get_model (StrataDataBrowser *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), NULL);

  return self->model;
}

GtkColumnView *
strata_data_browser_get_column_view (StrataDataBrowser *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), NULL);

  return self->column_view;
}

const char *
strata_data_browser_get_count_text (StrataDataBrowser *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), NULL);

  return gtk_label_get_label (self->count_label);
}

const char *
strata_data_browser_get_state (StrataDataBrowser *self)
{
  const char *name;

  g_return_val_if_fail (STRATA_IS_DATA_BROWSER (self), NULL);

  name = gtk_stack_get_visible_child_name (self->stack);
  if (g_strcmp0 (name, "table") == 0)
    return gtk_stack_get_visible_child_name (self->table_stack);

  return name;
}
