/* strata-schema-view.c: a schema model to browse: its tables, and a table's
 * columns, keys, indexes and constraints; its enum types and sequences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-schema-view"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "strata-schema-view.h"

struct _StrataSchemaView
{
  AdwBin              parent_instance;

  StrataModel        *model;
  int                 dialect;

  GtkStack           *stack;
  GtkStringList      *names;      /* the tables, then the types entry */
  GtkSingleSelection *selection;
  GtkListView        *tables_view;
  AdwPreferencesPage *details;
  GPtrArray          *groups;     /* the groups on show in details */
  guint               has_types : 1;
};

G_DEFINE_FINAL_TYPE (StrataSchemaView, strata_schema_view, ADW_TYPE_BIN)

static GtkWidget *
add_group (StrataSchemaView *self,
           const char       *title,
           const char       *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  adw_preferences_page_add (self->details, ADW_PREFERENCES_GROUP (group));
  g_ptr_array_add (self->groups, group);

  return group;
}

static void
add_row (GtkWidget  *group,
         const char *title,
         const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  /* Names and SQL are shown as written, never as markup */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

static void
clear_details (StrataSchemaView *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->details, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
}

static void
show_table (StrataSchemaView *self,
            StrataTable      *table)
{
  GPtrArray *columns = strata_table_get_columns (table);
  GPtrArray *indexes = strata_table_get_indexes (table);
  GPtrArray *foreign_keys = strata_table_get_foreign_keys (table);
  GPtrArray *uniques = strata_table_get_uniques (table);
  GPtrArray *checks = strata_table_get_checks (table);
  g_auto(GStrv) primary_key = strata_table_dup_primary_key (table);
  g_autofree char *count = NULL;
  GtkWidget *group;

  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column", "%u columns", columns->len), columns->len);
  group = add_group (self, strata_table_get_name (table), count);
  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (columns, i);
      g_autofree char *definition = strata_column_describe (column, self->dialect);

      add_row (group, strata_column_get_name (column), definition);
    }

  /* A one-column key shows on its column; a composite or named one here */
  if (primary_key != NULL && primary_key[0] != NULL &&
      (primary_key[1] != NULL || strata_table_get_primary_key_name (table) != NULL))
    {
      g_autofree char *names = g_strjoinv (", ", primary_key);

      group = add_group (self, _("Primary Key"), NULL);
      add_row (group, strata_table_get_primary_key_name (table) ?: _("Unnamed"), names);
    }

  if (indexes != NULL && indexes->len > 0)
    {
      group = add_group (self, _("Indexes"), NULL);
      for (guint i = 0; i < indexes->len; i++)
        {
          StrataIndex *index = g_ptr_array_index (indexes, i);
          g_autofree char *definition = strata_index_describe (index);

          add_row (group, strata_index_get_name (index), definition);
        }
    }

  if (foreign_keys != NULL && foreign_keys->len > 0)
    {
      group = add_group (self, _("Foreign Keys"), NULL);
      for (guint i = 0; i < foreign_keys->len; i++)
        {
          StrataForeignKey *foreign_key = g_ptr_array_index (foreign_keys, i);
          g_autofree char *definition = strata_foreign_key_describe (foreign_key);

          add_row (group, strata_foreign_key_get_name (foreign_key) ?: _("Unnamed"), definition);
        }
    }

  if (uniques != NULL && uniques->len > 0)
    {
      group = add_group (self, _("Unique Constraints"), NULL);
      for (guint i = 0; i < uniques->len; i++)
        {
          StrataUnique *unique = g_ptr_array_index (uniques, i);
          g_autofree char *names = g_strjoinv (", ", (char **)strata_unique_get_columns (unique));

          add_row (group, strata_unique_get_name (unique) ?: _("Unnamed"), names);
        }
    }

  if (checks != NULL && checks->len > 0)
    {
      group = add_group (self, _("Check Constraints"), NULL);
      for (guint i = 0; i < checks->len; i++)
        {
          StrataCheck *check = g_ptr_array_index (checks, i);

          add_row (group, strata_check_get_name (check) ?: _("Unnamed"), strata_check_get_expression (check));
        }
    }
}

static void
show_types (StrataSchemaView *self)
{
  GPtrArray *enums = strata_model_get_enum_names (self->model);
  GPtrArray *sequences = strata_model_get_sequence_names (self->model);
  GtkWidget *group;

  if (enums != NULL && enums->len > 0)
    {
      group = add_group (self, _("Enum Types"), NULL);
      for (guint i = 0; i < enums->len; i++)
        {
          const char *name = g_ptr_array_index (enums, i);
          g_autofree char *values = g_strjoinv (", ", (char **)strata_model_lookup_enum (self->model, name));

          add_row (group, name, values);
        }
    }

  if (sequences != NULL && sequences->len > 0)
    {
      group = add_group (self, _("Sequences"), NULL);
      for (guint i = 0; i < sequences->len; i++)
        {
          const char *name = g_ptr_array_index (sequences, i);
          gint64 start = 1, increment = 1;
          g_autofree char *text = NULL;

          strata_model_lookup_sequence (self->model, name, &start, &increment);
          /* Translators: a sequence's first value and step */
          text = g_strdup_printf (_("Starts at %" PRId64 ", increments by %" PRId64),
                                  start, increment);
          add_row (group, name, text);
        }
    }
}

static void
strata_schema_view_selection_changed_cb (StrataSchemaView *self)
{
  guint position = gtk_single_selection_get_selected (self->selection);
  GPtrArray *tables;

  clear_details (self);
  if (self->model == NULL || position == GTK_INVALID_LIST_POSITION)
    return;

  tables = strata_model_get_tables (self->model);
  if (position < tables->len)
    show_table (self, g_ptr_array_index (tables, position));
  else
    show_types (self);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         StrataSchemaView         *self)
{
  GtkStringObject *name = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  gboolean types = self->has_types && gtk_list_item_get_position (item) == g_list_model_get_n_items (G_LIST_MODEL (self->names)) - 1;

  gtk_label_set_label (GTK_LABEL (label), gtk_string_object_get_string (name));
  if (types)
    gtk_widget_add_css_class (label, "dim-label");
  else
    gtk_widget_remove_css_class (label, "dim-label");
}

static void
strata_schema_view_dispose (GObject *object)
{
  StrataSchemaView *self = (StrataSchemaView *)object;

  g_clear_pointer (&self->model, strata_model_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_object (&self->selection);

  G_OBJECT_CLASS (strata_schema_view_parent_class)->dispose (object);
}

static void
strata_schema_view_class_init (StrataSchemaViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_schema_view_dispose;
}

static void
strata_schema_view_init (StrataSchemaView *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *empty = adw_status_page_new ();

  self->dialect = -1;
  self->groups = g_ptr_array_new ();
  self->names = gtk_string_list_new (NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->names));
  gtk_single_selection_set_autoselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected",
                           G_CALLBACK (strata_schema_view_selection_changed_cb), self, G_CONNECT_SWAPPED);
  /* Newly shown items: a model set anew selects the first */
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (strata_schema_view_selection_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, 0);
  self->tables_view = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)), factory));
  gtk_widget_add_css_class (GTK_WIDGET (self->tables_view), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tables_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tables"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->tables_view));
  gtk_widget_set_size_request (scroller, 180, -1);

  self->details = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());

  gtk_paned_set_start_child (GTK_PANED (paned), scroller);
  gtk_paned_set_end_child (GTK_PANED (paned), GTK_WIDGET (self->details));
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_position (GTK_PANED (paned), 220);

  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "view-grid-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Tables"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty), _("This schema has no tables yet"));
  gtk_widget_add_css_class (empty, "compact");

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_stack_add_named (self->stack, paned, "schema");
  adw_bin_set_child (ADW_BIN (self), GTK_WIDGET (self->stack));
}

GtkWidget *
strata_schema_view_new (void)
{
  return g_object_new (STRATA_TYPE_SCHEMA_VIEW, NULL);
}

void
strata_schema_view_set_model (StrataSchemaView *self,
                              StrataModel      *model,
                              int               dialect)
{
  g_autofree char *shown = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GPtrArray *tables;
  guint n_old;

  g_return_if_fail (STRATA_IS_SCHEMA_VIEW (self));

  shown = g_strdup (strata_schema_view_get_selected_table (self));

  g_clear_pointer (&self->model, strata_model_unref);
  self->model = model != NULL ? strata_model_ref (model) : NULL;
  self->dialect = dialect;

  if (model != NULL)
    {
      GPtrArray *enums = strata_model_get_enum_names (model);
      GPtrArray *sequences = strata_model_get_sequence_names (model);

      tables = strata_model_get_tables (model);
      for (guint i = 0; i < tables->len; i++)
        g_ptr_array_add (names, (gpointer)strata_table_get_name (g_ptr_array_index (tables, i)));
      self->has_types = (enums != NULL && enums->len > 0) || (sequences != NULL && sequences->len > 0);
      if (self->has_types)
        g_ptr_array_add (names, (gpointer)_("Types and Sequences"));
    }
  else
    self->has_types = FALSE;
  g_ptr_array_add (names, NULL);

  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->names));
  gtk_string_list_splice (self->names, 0, n_old, (const char * const *)names->pdata);
  gtk_stack_set_visible_child_name (self->stack, names->len > 1 ? "schema" : "empty");

  if (shown == NULL || !strata_schema_view_select_table (self, shown))
    strata_schema_view_selection_changed_cb (self);
}

StrataModel *
strata_schema_view_get_model (StrataSchemaView *self)
{
  g_return_val_if_fail (STRATA_IS_SCHEMA_VIEW (self), NULL);

  return self->model;
}

gboolean
strata_schema_view_select_table (StrataSchemaView *self,
                                 const char       *name)
{
  GPtrArray *tables;

  g_return_val_if_fail (STRATA_IS_SCHEMA_VIEW (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (self->model == NULL)
    return FALSE;

  tables = strata_model_get_tables (self->model);
  for (guint i = 0; i < tables->len; i++)
    if (g_strcmp0 (strata_table_get_name (g_ptr_array_index (tables, i)), name) == 0)
      {
        if (gtk_single_selection_get_selected (self->selection) == i)
          strata_schema_view_selection_changed_cb (self);
        else
          gtk_single_selection_set_selected (self->selection, i);
        gtk_widget_activate_action (GTK_WIDGET (self->tables_view), "list.scroll-to-item", "u", i);
        return TRUE;
      }

  return FALSE;
}

const char *
strata_schema_view_get_selected_table (StrataSchemaView *self)
{
  guint position;

  g_return_val_if_fail (STRATA_IS_SCHEMA_VIEW (self), NULL);

  position = gtk_single_selection_get_selected (self->selection);
  if (self->model == NULL || position == GTK_INVALID_LIST_POSITION ||
      position >= strata_model_get_tables (self->model)->len)
    return NULL;

  return strata_table_get_name (g_ptr_array_index (strata_model_get_tables (self->model), position));
}
