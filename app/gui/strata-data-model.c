/* strata-data-model.c: a table's rows as a list model, read a page at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model holds the rows of the pages read so far, and grows by a page
 * (strata_session_read_page_async, by keyset) when a view asks for a row
 * of the last one. Only the pages used last stay in memory: an older one
 * is dropped, keeping the key it starts after, and read again (a
 * placeholder row meanwhile) when a view asks for one of its rows. So
 * memory stays the same however far a person scrolls, and no read costs
 * more than a page.
 */

#define G_LOG_DOMAIN "strata-data-model"

#include "config.h"

#include "strata-data-model.h"

/* Pages kept in memory: enough for a tall window and a fast scroll */
#define MAX_LOADED_PAGES 6

/* StrataDataRow {{{ */

struct _StrataDataRow
{
  GObject         parent_instance;

  StrataDataPage *page;  /* NULL while the page is read again */
  guint           row;
};

G_DEFINE_FINAL_TYPE (StrataDataRow, strata_data_row, G_TYPE_OBJECT)

static void
strata_data_row_finalize (GObject *object)
{
  StrataDataRow *self = (StrataDataRow *)object;

  g_clear_object (&self->page);

  G_OBJECT_CLASS (strata_data_row_parent_class)->finalize (object);
}

static void
strata_data_row_class_init (StrataDataRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_data_row_finalize;
}

static void
strata_data_row_init (StrataDataRow *self)
{
}

const char *
strata_data_row_get_value (StrataDataRow *self,
                           guint          column)
{
  g_return_val_if_fail (STRATA_IS_DATA_ROW (self), NULL);

  if (self->page == NULL)
    return "";
  if (column >= strata_data_page_get_n_columns (self->page))
    return NULL;

  return strata_data_page_get_value (self->page, self->row, column);
}

gboolean
strata_data_row_get_loaded (StrataDataRow *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_ROW (self), FALSE);

  return self->page != NULL;
}

/* }}} */

typedef struct
{
  StrataDataPage *page;      /* NULL when dropped (or not read yet) */
  GVariant       *after;     /* the key the page starts after; NULL: the first */
  GVariant       *last_key;  /* its last row's */
  guint           n_rows;
  guint64         used;      /* when a row of it was last asked for */
} Slot;

struct _StrataDataModel
{
  GObject          parent_instance;

  StrataSession   *session;
  char            *table;
  char            *sort_column;
  gboolean         descending;
  guint            page_size;

  GArray          *slots;       /* Slot: the pages read so far, in order */
  StrataDataPage  *first_page;
  guint            n_items;
  guint            n_loaded;
  guint64          clock;
  guint            at_end : 1;
  guint            failed : 1;

  GCancellable    *cancellable;
  int              loading;     /* the slot being read (n_slots: the next), or -1 */
  GQueue           wanted;      /* slots to read again, GUINT_TO_POINTER */
};

static void strata_data_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataDataModel, strata_data_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, strata_data_model_list_model_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_AT_END,
  PROP_N_ITEMS,
  N_PROPS
};

enum {
  FIRST_PAGE,
  FAILED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void strata_data_model_read (StrataDataModel *self,
                                    guint            index);

static void
slot_clear (gpointer data)
{
  Slot *slot = data;

  g_clear_object (&slot->page);
  g_clear_pointer (&slot->after, g_variant_unref);
  g_clear_pointer (&slot->last_key, g_variant_unref);
}

static GType
strata_data_model_get_item_type (GListModel *model)
{
  return STRATA_TYPE_DATA_ROW;
}

static guint
strata_data_model_get_n_items (GListModel *model)
{
  return STRATA_DATA_MODEL (model)->n_items;
}

static void
strata_data_model_want (StrataDataModel *self,
                        guint            index)
{
  if (self->failed || self->cancellable == NULL)
    return;
  if (self->loading == (int)index || g_queue_find (&self->wanted, GUINT_TO_POINTER (index)) != NULL)
    return;

  if (self->loading < 0)
    strata_data_model_read (self, index);
  else
    g_queue_push_tail (&self->wanted, GUINT_TO_POINTER (index));
}

static gpointer
strata_data_model_get_item (GListModel *model,
                            guint       position)
{
  StrataDataModel *self = STRATA_DATA_MODEL (model);
  StrataDataRow *row;
  guint index;
  Slot *slot;

  if (position >= self->n_items)
    return NULL;

  index = position / self->page_size;
  slot = &g_array_index (self->slots, Slot, index);
  slot->used = ++self->clock;

  if (slot->page == NULL)
    strata_data_model_want (self, index);
  /* A row of the last half page: the next page is read ahead */
  if (position + self->page_size / 2 >= self->n_items && !self->at_end)
    strata_data_model_want (self, self->slots->len);

  row = g_object_new (STRATA_TYPE_DATA_ROW, NULL);
  row->page = slot->page != NULL ? g_object_ref (slot->page) : NULL;
  row->row = position % self->page_size;

  return row;
}

static void
strata_data_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = strata_data_model_get_item_type;
  iface->get_n_items = strata_data_model_get_n_items;
  iface->get_item = strata_data_model_get_item;
}

/* Drops the page used longest ago but @keep */
static void
strata_data_model_evict (StrataDataModel *self,
                         guint            keep)
{
  Slot *oldest = NULL;

  while (self->n_loaded > MAX_LOADED_PAGES)
    {
      oldest = NULL;
      for (guint i = 0; i < self->slots->len; i++)
        {
          Slot *slot = &g_array_index (self->slots, Slot, i);

          if (slot->page != NULL && i != keep && (oldest == NULL || slot->used < oldest->used))
            oldest = slot;
        }
      if (oldest == NULL)
        return;
      g_clear_object (&oldest->page);
      self->n_loaded--;
    }
}

static void
strata_data_model_set_loading (StrataDataModel *self,
                               int              index)
{
  gboolean was_loading = self->loading >= 0;

  self->loading = index;
  if (was_loading != (index >= 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
read_page_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(StrataDataModel) self = user_data;
  g_autoptr(StrataDataPage) page = NULL;
  g_autoptr(GError) error = NULL;
  guint index = self->loading;
  guint n_rows;
  Slot *slot;

  page = strata_session_read_page_finish (STRATA_SESSION (object), result, &error);
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  strata_data_model_set_loading (self, -1);

  if (page == NULL)
    {
      self->failed = TRUE;
      g_queue_clear (&self->wanted);
      g_signal_emit (self, signals[FAILED], 0, error);
      return;
    }

  n_rows = strata_data_page_get_n_rows (page);
  if (index == self->slots->len)
    {
      /* The next page */
      Slot *last = index > 0 ? &g_array_index (self->slots, Slot, index - 1) : NULL;
      Slot new_slot = { 0 };
      guint position = self->n_items;

      if (n_rows > 0)
        {
          new_slot.after = last != NULL && last->last_key != NULL ? g_variant_ref (last->last_key) : NULL;
          new_slot.last_key = g_variant_ref (strata_data_page_get_last_key (page));
          new_slot.n_rows = n_rows;
          new_slot.page = g_object_ref (page);
          new_slot.used = ++self->clock;
          g_array_append_val (self->slots, new_slot);
          self->n_loaded++;
          self->n_items += n_rows;
        }
      if (strata_data_page_get_at_end (page))
        {
          self->at_end = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AT_END]);
        }
      if (index == 0)
        {
          g_set_object (&self->first_page, page);
          g_signal_emit (self, signals[FIRST_PAGE], 0);
        }
      strata_data_model_evict (self, index);
      if (n_rows > 0)
        {
          g_list_model_items_changed (G_LIST_MODEL (self), position, 0, n_rows);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
        }
    }
  else
    {
      /* A page read again: its rows replace the placeholders */
      slot = &g_array_index (self->slots, Slot, index);
      if (slot->page == NULL)
        {
          slot->page = g_object_ref (page);
          slot->used = ++self->clock;
          self->n_loaded++;
          strata_data_model_evict (self, index);
          g_list_model_items_changed (G_LIST_MODEL (self), index * self->page_size, slot->n_rows, slot->n_rows);
        }
    }

  if (!g_queue_is_empty (&self->wanted))
    strata_data_model_read (self, GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted)));
}

static void
strata_data_model_read (StrataDataModel *self,
                        guint            index)
{
  GVariant *after = NULL;

  g_assert (self->loading < 0);

  if (index < self->slots->len)
    {
      Slot *slot = &g_array_index (self->slots, Slot, index);

      if (slot->page != NULL)
        {
          /* Read meanwhile: on to the next wanted */
          if (!g_queue_is_empty (&self->wanted))
            strata_data_model_read (self, GPOINTER_TO_UINT (g_queue_pop_head (&self->wanted)));
          return;
        }
      after = slot->after;
    }
  else if (self->at_end)
    return;
  else if (index > 0)
    after = g_array_index (self->slots, Slot, index - 1).last_key;

  strata_data_model_set_loading (self, index);
  strata_session_read_page_async (self->session, self->table, self->sort_column, self->descending,
                                  after, self->page_size, self->cancellable,
                                  read_page_cb, g_object_ref (self));
}

static void
strata_data_model_dispose (GObject *object)
{
  StrataDataModel *self = (StrataDataModel *)object;

  strata_data_model_cancel (self);
  g_clear_object (&self->first_page);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (strata_data_model_parent_class)->dispose (object);
}

static void
strata_data_model_finalize (GObject *object)
{
  StrataDataModel *self = (StrataDataModel *)object;

  g_clear_pointer (&self->slots, g_array_unref);
  g_free (self->table);
  g_free (self->sort_column);

  G_OBJECT_CLASS (strata_data_model_parent_class)->finalize (object);
}

static void
strata_data_model_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  StrataDataModel *self = STRATA_DATA_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, strata_data_model_get_loading (self));
      break;
    case PROP_AT_END:
      g_value_set_boolean (value, self->at_end);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_data_model_class_init (StrataDataModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_data_model_dispose;
  object_class->finalize = strata_data_model_finalize;
  object_class->get_property = strata_data_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AT_END] =
    g_param_spec_boolean ("at-end", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The first page was read: its columns are the table's */
  signals[FIRST_PAGE] = g_signal_new ("first-page", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Reading failed (GError): no page is read after */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
strata_data_model_init (StrataDataModel *self)
{
  self->slots = g_array_new (FALSE, TRUE, sizeof (Slot));
  g_array_set_clear_func (self->slots, slot_clear);
  self->loading = -1;
  g_queue_init (&self->wanted);
}

/**
 * strata_data_model_new:
 * @session: the session whose profile's database is read
 * @table: the table
 * @sort_column: (nullable): the column the rows are ordered by, or %NULL
 *   for the key's order
 * @descending: whether the order is descending
 * @page_size: rows per page
 *
 * A model of @table's rows that starts reading its first page at once.
 */
StrataDataModel *
strata_data_model_new (StrataSession *session,
                       const char    *table,
                       const char    *sort_column,
                       gboolean       descending,
                       guint          page_size)
{
  StrataDataModel *self;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (page_size > 0, NULL);

  self = g_object_new (STRATA_TYPE_DATA_MODEL, NULL);
  self->session = g_object_ref (session);
  self->table = g_strdup (table);
  self->sort_column = g_strdup (sort_column);
  self->descending = descending;
  self->page_size = page_size;
  self->cancellable = g_cancellable_new ();

  strata_data_model_read (self, 0);

  return self;
}

const char *
strata_data_model_get_table (StrataDataModel *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_MODEL (self), NULL);

  return self->table;
}

StrataDataPage *
strata_data_model_get_first_page (StrataDataModel *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_MODEL (self), NULL);

  return self->first_page;
}

gboolean
strata_data_model_get_at_end (StrataDataModel *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_MODEL (self), FALSE);

  return self->at_end;
}

gboolean
strata_data_model_get_loading (StrataDataModel *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_MODEL (self), FALSE);

  return self->loading >= 0;
}

guint
strata_data_model_get_n_loaded_pages (StrataDataModel *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_MODEL (self), 0);

  return self->n_loaded;
}

void
strata_data_model_cancel (StrataDataModel *self)
{
  g_return_if_fail (STRATA_IS_DATA_MODEL (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear (&self->wanted);
  if (self->loading >= 0)
    strata_data_model_set_loading (self, -1);
}
