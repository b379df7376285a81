/* strata-session-data.c: the data browser's use cases: a table's rows, a
 * page at a time, read-only
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pages are read by keyset, never by OFFSET: a page is the rows after the
 * last key of the page before it, in the order of the key (the primary key;
 * SQLite's rowid, PostgreSQL's ctid when there is none) or of one column
 * and then the key. Each page costs an index range scan whatever its
 * position, and nothing reads the whole table. Values come cut to
 * STRATA_DATA_PAGE_MAX_VALUE_CHARS, so a page's size is bounded.
 *
 * The reads use a connection of their own, made read-only (SQLite
 * query_only, PostgreSQL READ ONLY transactions), so that browsing never
 * waits for, nor gets in the way of, the session's migrator: one statement
 * at a time on it, under the reader's lock.
 */

#define G_LOG_DOMAIN "strata-session"

#include "config.h"

#include <string.h>

#include "strata-diff.h"
#include "strata-driver.h"
#include "strata-data-page.h"
#include "strata-dialect.h"
#include "strata-driver-sqlite.h"
#include "strata-error.h"
#include "strata-i18n-private.h"
#include "strata-project.h"
#include "strata-session-private.h"

#define MAX_PAGE_ROWS 10000
/* A blob shows as x'…' of its first bytes */
#define BLOB_PREFIX_BYTES 64

typedef struct
{
  char      *table;
  char      *from;         /* quoted, qualified with the schema */
  char      *qualified;    /* PostgreSQL: the text to_regclass() takes */
  GPtrArray *columns;      /* names */
  GPtrArray *key_exprs;    /* SQL of each part of the key */
  GStrv      key_columns;  /* their names, for a person */
  gboolean   ctid;         /* PostgreSQL without a primary key */
  gboolean   rowid;        /* SQLite rowid table */
} TableInfo;

struct _StrataDataReader
{
  GMutex        mutex;     /* one statement at a time on @driver */
  StrataDriver *driver;
  char         *schema;
  GHashTable   *tables;    /* name → TableInfo */
};

static void
table_info_free (gpointer data)
{
  TableInfo *info = data;

  g_free (info->table);
  g_free (info->from);
  g_free (info->qualified);
  g_clear_pointer (&info->columns, g_ptr_array_unref);
  g_clear_pointer (&info->key_exprs, g_ptr_array_unref);
  g_strfreev (info->key_columns);
  g_free (info);
}

StrataDataReader *
_strata_data_reader_new (void)
{
  StrataDataReader *reader = g_new0 (StrataDataReader, 1);

  g_mutex_init (&reader->mutex);
  reader->tables = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, table_info_free);

  return reader;
}

void
_strata_data_reader_free (StrataDataReader *reader)
{
  g_clear_object (&reader->driver);
  g_clear_pointer (&reader->tables, g_hash_table_unref);
  g_clear_pointer (&reader->schema, g_free);
  g_mutex_clear (&reader->mutex);
  g_free (reader);
}

/* The page {{{ */

/**
 * StrataDataPage:
 *
 * Rows of one table, read by strata_session_read_page(): the values as
 * text (%NULL for SQL NULL), each cut to %STRATA_DATA_PAGE_MAX_VALUE_CHARS,
 * and the key of the last row, to read the page after it.
 */
struct _StrataDataPage
{
  GObject        parent_instance;

  char          *table;
  StrataResult  *result;
  guint          first_value;  /* the columns before are the key's */
  GVariant      *last_key;
  GStrv          key_columns;
  gboolean       at_end;
};

G_DEFINE_FINAL_TYPE (StrataDataPage, strata_data_page, G_TYPE_OBJECT)

static void
strata_data_page_finalize (GObject *object)
{
  StrataDataPage *self = (StrataDataPage *)object;

  g_clear_pointer (&self->table, g_free);
  g_clear_pointer (&self->result, strata_result_unref);
  g_clear_pointer (&self->last_key, g_variant_unref);
  g_clear_pointer (&self->key_columns, g_strfreev);

  G_OBJECT_CLASS (strata_data_page_parent_class)->finalize (object);
}

static void
strata_data_page_class_init (StrataDataPageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_data_page_finalize;
}

static void
strata_data_page_init (StrataDataPage *self)
{
}

/**
 * strata_data_page_get_table:
 * @self: a #StrataDataPage
 *
 * Returns: the table the rows are from
 */
const char *
strata_data_page_get_table (StrataDataPage *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), NULL);

  return self->table;
}

/**
 * strata_data_page_get_n_rows:
 * @self: a #StrataDataPage
 *
 * Returns: the number of rows in the page
 */
guint
strata_data_page_get_n_rows (StrataDataPage *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), 0);

  return strata_result_get_n_rows (self->result);
}

/**
 * strata_data_page_get_n_columns:
 * @self: a #StrataDataPage
 *
 * Returns: the number of the table's columns
 */
guint
strata_data_page_get_n_columns (StrataDataPage *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), 0);

  return strata_result_get_n_columns (self->result) - self->first_value;
}

/**
 * strata_data_page_get_column_name:
 * @self: a #StrataDataPage
 * @column: a column, from 0
 *
 * Returns: the name of the table's column @column
 */
const char *
strata_data_page_get_column_name (StrataDataPage *self,
                                  guint           column)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), NULL);
  g_return_val_if_fail (column < strata_data_page_get_n_columns (self), NULL);

  return strata_result_get_column_name (self->result, self->first_value + column);
}

/**
 * strata_data_page_get_value:
 * @self: a #StrataDataPage
 * @row: a row of the page, from 0
 * @column: a column, from 0
 *
 * Returns: (nullable): the value as text, cut to
 *   %STRATA_DATA_PAGE_MAX_VALUE_CHARS characters; %NULL for SQL NULL
 */
const char *
strata_data_page_get_value (StrataDataPage *self,
                            guint           row,
                            guint           column)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), NULL);
  g_return_val_if_fail (row < strata_data_page_get_n_rows (self), NULL);
  g_return_val_if_fail (column < strata_data_page_get_n_columns (self), NULL);

  return strata_result_get_value (self->result, row, self->first_value + column);
}

/**
 * strata_data_page_get_last_key:
 * @self: a #StrataDataPage
 *
 * The position of the page's last row in the order it was read in (type
 * `ams`), to give strata_session_read_page() for the page after it.
 *
 * Returns: (transfer none) (nullable): the key, or %NULL for an empty page
 */
GVariant *
strata_data_page_get_last_key (StrataDataPage *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), NULL);

  return self->last_key;
}

/**
 * strata_data_page_get_at_end:
 * @self: a #StrataDataPage
 *
 * Returns: whether no row comes after this page
 */
gboolean
strata_data_page_get_at_end (StrataDataPage *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), TRUE);

  return self->at_end;
}

/**
 * strata_data_page_get_key_columns:
 * @self: a #StrataDataPage
 *
 * What the pages are keyed on: the primary key's columns, else `rowid`
 * (SQLite) or `ctid` (PostgreSQL).
 *
 * Returns: (transfer none) (array zero-terminated=1): the key's columns
 */
const char * const *
strata_data_page_get_key_columns (StrataDataPage *self)
{
  g_return_val_if_fail (STRATA_IS_DATA_PAGE (self), NULL);

  return (const char * const *)self->key_columns;
}

/* }}} */

/* The connection {{{ */

static gboolean
reader_open (StrataSession     *session,
             StrataDataReader  *reader,
             GCancellable      *cancellable,
             GError           **error)
{
  StrataProfile *profile = strata_session_get_profile (session);
  g_autoptr(StrataDriver) driver = NULL;
  StrataPasswordPromptFunc prompt;
  gpointer prompt_data;

  if (reader->driver != NULL)
    return TRUE;

  prompt = _strata_session_get_prompt (session, &prompt_data);
  if (profile != NULL)
    {
      if (!(driver = strata_profile_connect (profile, strata_project_get_directory (strata_session_get_project (session)),
                                             prompt, prompt_data, cancellable, error)))
        return FALSE;
    }
  else if (strata_session_get_driver (session) != NULL)
    {
      /* A connection given without a profile: the only one there is */
      driver = g_object_ref (strata_session_get_driver (session));
    }
  else
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("no database: give a URL or a profile"));
      return FALSE;
    }

  if (profile != NULL)
    {
      const char *read_only = strata_driver_get_dialect (driver) == STRATA_DIALECT_SQLITE
                              ? "PRAGMA query_only = ON"
                              : "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY";

      if (!strata_driver_execute (driver, read_only, cancellable, error))
        return FALSE;
    }
  if (STRATA_IS_DRIVER_SQLITE (driver))
    strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (driver), 5000);

  reader->schema = strata_session_dup_schema (session);
  reader->driver = g_steal_pointer (&driver);

  return TRUE;
}

/* The reader, locked and connected, or NULL with @error set (unlocked). */
static StrataDataReader *
reader_lock (StrataSession  *session,
             GCancellable   *cancellable,
             GError        **error)
{
  StrataDataReader *reader = _strata_session_get_data_reader (session);

  g_mutex_lock (&reader->mutex);
  if (!reader_open (session, reader, cancellable, error))
    {
      g_mutex_unlock (&reader->mutex);
      return NULL;
    }

  return reader;
}

static void
reader_unlock (StrataDataReader *reader)
{
  g_mutex_unlock (&reader->mutex);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDataReader, reader_unlock)

/**
 * strata_session_close_reader:
 * @self: a #StrataSession
 *
 * Closes the data browser's connection and forgets what it knew of the
 * tables, so that the next read sees a schema a run has changed.
 */
void
strata_session_close_reader (StrataSession *self)
{
  StrataDataReader *reader;

  g_return_if_fail (STRATA_IS_SESSION (self));

  reader = _strata_session_get_data_reader (self);
  g_mutex_lock (&reader->mutex);
  g_clear_object (&reader->driver);
  g_clear_pointer (&reader->schema, g_free);
  g_hash_table_remove_all (reader->tables);
  g_mutex_unlock (&reader->mutex);
}

static StrataDialect
reader_dialect (StrataDataReader *reader)
{
  return strata_driver_get_dialect (reader->driver);
}

static char *
quote (StrataDataReader *reader,
       const char       *name)
{
  return strata_dialect_quote_identifier (reader_dialect (reader), name);
}

/* }}} */

/* Tables {{{ */

/**
 * strata_session_list_tables:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The tables of the profile's database, by name: SQLite's but its own
 * `sqlite_` tables; PostgreSQL's in the session's schema (else the
 * connection's current schema). Forgets what the reader knew of the tables.
 *
 * Returns: (transfer full) (array zero-terminated=1): the tables' names, or
 *   %NULL with @error set
 */
char **
strata_session_list_tables (StrataSession  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(StrataDataReader) reader = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(reader = reader_lock (self, cancellable, error)))
    return NULL;

  g_hash_table_remove_all (reader->tables);

  if (reader_dialect (reader) == STRATA_DIALECT_SQLITE)
    result = strata_driver_query (reader->driver,
                                  "SELECT name FROM sqlite_master WHERE type = 'table' "
                                  "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                                  cancellable, error);
  else
    {
      const char *params[] = { reader->schema };

      result = strata_driver_query_params (reader->driver,
                                           "SELECT c.relname FROM pg_catalog.pg_class c "
                                           "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                           "WHERE c.relkind IN ('r', 'p') "
                                           "AND n.nspname = COALESCE($1, current_schema()) ORDER BY 1",
                                           1, params, cancellable, error);
    }
  if (result == NULL)
    return NULL;

  for (guint i = 0; i < strata_result_get_n_rows (result); i++)
    g_strv_builder_add (names, strata_result_get_value (result, i, 0));

  return g_strv_builder_end (names);
}

static gboolean
is_column (TableInfo  *info,
           const char *name)
{
  for (guint i = 0; i < info->columns->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (info->columns, i), name) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
table_info_read_sqlite (StrataDataReader  *reader,
                        TableInfo         *info,
                        GCancellable      *cancellable,
                        GError           **error)
{
  static const char * const rowid_names[] = { "rowid", "_rowid_", "oid" };
  const char *params[] = { info->table };
  g_autoptr(StrataResult) columns = NULL;
  g_autoptr(StrataResult) probe = NULL;
  g_autofree char *probe_sql = NULL;
  g_autoptr(GStrvBuilder) key_columns = g_strv_builder_new ();
  guint n_key = 0;

  if (!(columns = strata_driver_query_params (reader->driver,
                                              "SELECT name, pk FROM pragma_table_info($1) ORDER BY cid",
                                              1, params, cancellable, error)))
    return FALSE;

  for (guint i = 0; i < strata_result_get_n_rows (columns); i++)
    {
      g_ptr_array_add (info->columns, g_strdup (strata_result_get_value (columns, i, 0)));
      n_key = MAX (n_key, (guint)g_ascii_strtoull (strata_result_get_value (columns, i, 1), NULL, 10));
    }
  if (info->columns->len == 0)
    return TRUE;

  /* A rowid table pages on its rowid (the INTEGER PRIMARY KEY, when there
   * is one, is the same); WITHOUT ROWID on its primary key. */
  for (guint i = 0; i < G_N_ELEMENTS (rowid_names); i++)
    {
      if (is_column (info, rowid_names[i]))
        continue;

      probe_sql = g_strdup_printf ("SELECT %s FROM %s LIMIT 0", rowid_names[i], info->from);
      if ((probe = strata_driver_query (reader->driver, probe_sql, cancellable, NULL)) != NULL)
        {
          g_ptr_array_add (info->key_exprs, g_strdup (rowid_names[i]));
          g_strv_builder_add (key_columns, rowid_names[i]);
          info->rowid = TRUE;
        }
      break;
    }

  if (!info->rowid)
    {
      for (guint k = 1; k <= n_key; k++)
        for (guint i = 0; i < strata_result_get_n_rows (columns); i++)
          if (g_ascii_strtoull (strata_result_get_value (columns, i, 1), NULL, 10) == k)
            {
              const char *name = strata_result_get_value (columns, i, 0);

              g_ptr_array_add (info->key_exprs, quote (reader, name));
              g_strv_builder_add (key_columns, name);
            }
    }
  if (info->key_exprs->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                   _("table “%s” has neither a rowid nor a primary key to read it by"), info->table);
      return FALSE;
    }
  info->key_columns = g_strv_builder_end (key_columns);

  return TRUE;
}

static gboolean
table_info_read_pg (StrataDataReader  *reader,
                    TableInfo         *info,
                    GCancellable      *cancellable,
                    GError           **error)
{
  const char *params[] = { info->qualified };
  g_autoptr(StrataResult) columns = NULL;
  g_autoptr(StrataResult) key = NULL;
  g_autoptr(GStrvBuilder) key_columns = g_strv_builder_new ();

  if (!(columns = strata_driver_query_params (reader->driver,
                                              "SELECT attname FROM pg_catalog.pg_attribute "
                                              "WHERE attrelid = to_regclass($1) AND attnum > 0 "
                                              "AND NOT attisdropped ORDER BY attnum",
                                              1, params, cancellable, error)))
    return FALSE;
  for (guint i = 0; i < strata_result_get_n_rows (columns); i++)
    g_ptr_array_add (info->columns, g_strdup (strata_result_get_value (columns, i, 0)));
  if (info->columns->len == 0)
    return TRUE;

  if (!(key = strata_driver_query_params (reader->driver,
                                          "SELECT a.attname FROM pg_catalog.pg_index i "
                                          "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
                                          "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                                          "WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY k.n",
                                          1, params, cancellable, error)))
    return FALSE;

  for (guint i = 0; i < strata_result_get_n_rows (key); i++)
    {
      const char *name = strata_result_get_value (key, i, 0);

      g_ptr_array_add (info->key_exprs, quote (reader, name));
      g_strv_builder_add (key_columns, name);
    }
  if (info->key_exprs->len == 0)
    {
      /* No primary key: the row's place in the heap */
      info->ctid = TRUE;
      g_ptr_array_add (info->key_exprs, g_strdup ("ctid"));
      g_strv_builder_add (key_columns, "ctid");
    }
  info->key_columns = g_strv_builder_end (key_columns);

  return TRUE;
}

static TableInfo *
table_info_get (StrataDataReader  *reader,
                const char        *table,
                GCancellable      *cancellable,
                GError           **error)
{
  TableInfo *info;
  g_autofree char *quoted = NULL;
  gboolean ok;

  if ((info = g_hash_table_lookup (reader->tables, table)) != NULL)
    return info;

  quoted = quote (reader, table);
  info = g_new0 (TableInfo, 1);
  info->table = g_strdup (table);
  info->columns = g_ptr_array_new_with_free_func (g_free);
  info->key_exprs = g_ptr_array_new_with_free_func (g_free);
  if (reader_dialect (reader) == STRATA_DIALECT_POSTGRESQL && reader->schema != NULL)
    {
      g_autofree char *schema = quote (reader, reader->schema);

      info->from = g_strdup_printf ("%s.%s", schema, quoted);
    }
  else
    info->from = g_strdup (quoted);
  info->qualified = g_strdup (info->from);

  if (reader_dialect (reader) == STRATA_DIALECT_SQLITE)
    ok = table_info_read_sqlite (reader, info, cancellable, error);
  else
    ok = table_info_read_pg (reader, info, cancellable, error);

  if (ok && info->columns->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("no table “%s” in %s"), table, strata_driver_get_display_url (reader->driver));
      ok = FALSE;
    }
  if (!ok)
    {
      table_info_free (info);
      return NULL;
    }

  g_hash_table_insert (reader->tables, info->table, info);

  return info;
}

/* }}} */

/* Pages {{{ */

/* The text of column @name, cut for display */
static void
append_display_value (GString          *sql,
                      StrataDataReader *reader,
                      const char       *name)
{
  g_autofree char *quoted = quote (reader, name);

  if (reader_dialect (reader) == STRATA_DIALECT_SQLITE)
    g_string_append_printf (sql,
                            "CASE typeof(%1$s) "
                            "WHEN 'blob' THEN 'x''' || hex(substr(%1$s, 1, %2$d)) || "
                            "CASE WHEN length(%1$s) > %2$d THEN '…' ELSE '' END || '''' "
                            "WHEN 'text' THEN substr(%1$s, 1, %3$d) ELSE %1$s END AS %1$s",
                            quoted, BLOB_PREFIX_BYTES, STRATA_DATA_PAGE_MAX_VALUE_CHARS);
  else
    g_string_append_printf (sql, "left(%1$s::text, %2$d) AS %1$s", quoted, STRATA_DATA_PAGE_MAX_VALUE_CHARS);
}

/* "(a, b)" or "a"; "($2, $3)" or "$2", from parameter @first */
static void
append_tuple (GString   *sql,
              TableInfo *info,
              const char *sort,
              gboolean   params,
              guint      first)
{
  guint n = info->key_exprs->len + (sort != NULL ? 1 : 0);

  if (n > 1)
    g_string_append_c (sql, '(');
  for (guint i = 0; i < n; i++)
    {
      gboolean is_sort = sort != NULL && i == 0;

      if (i > 0)
        g_string_append (sql, ", ");
      if (params)
        g_string_append_printf (sql, "$%u%s", first + i, !is_sort && info->ctid ? "::tid" : "");
      else
        g_string_append (sql, is_sort ? sort : g_ptr_array_index (info->key_exprs, i - (sort != NULL ? 1 : 0)));
    }
  if (n > 1)
    g_string_append_c (sql, ')');
}

static char *
page_sql (StrataDataReader *reader,
          TableInfo        *info,
          const char       *sort,
          gboolean          descending,
          gboolean          after,
          gboolean          after_null,
          guint             limit)
{
  GString *sql = g_string_new ("SELECT ");
  const char *op = descending ? "<" : ">";
  const char *dir = descending ? " DESC" : "";
  /* SQLite sorts NULL first, PostgreSQL last */
  gboolean nulls_first = (reader_dialect (reader) == STRATA_DIALECT_SQLITE) != descending;

  /* The position first, in the order the next page's WHERE takes it */
  if (sort != NULL)
    g_string_append_printf (sql, "%s AS strata_sort, ", sort);
  for (guint i = 0; i < info->key_exprs->len; i++)
    g_string_append_printf (sql, "%s AS strata_key_%u, ", (char *)g_ptr_array_index (info->key_exprs, i), i);
  for (guint i = 0; i < info->columns->len; i++)
    {
      if (i > 0)
        g_string_append (sql, ", ");
      append_display_value (sql, reader, g_ptr_array_index (info->columns, i));
    }
  g_string_append_printf (sql, " FROM %s", info->from);

  if (after && (sort == NULL || after_null))
    {
      /* After the key alone (sorted by a column: among the NULLs) */
      g_string_append (sql, " WHERE ");
      if (sort != NULL)
        g_string_append_printf (sql, "((%s IS NULL AND ", sort);
      append_tuple (sql, info, NULL, FALSE, 1);
      g_string_append_printf (sql, " %s ", op);
      append_tuple (sql, info, NULL, TRUE, 1);
      if (sort != NULL && nulls_first)
        g_string_append_printf (sql, ") OR %s IS NOT NULL)", sort);
      else if (sort != NULL)
        g_string_append (sql, "))");
    }
  else if (after)
    {
      /* (sort, key) after the last; a NULL sort value compares as
       * unknown, so the NULLs that come last are asked for themselves */
      g_string_append (sql, " WHERE (");
      append_tuple (sql, info, sort, FALSE, 1);
      g_string_append_printf (sql, " %s ", op);
      append_tuple (sql, info, sort, TRUE, 1);
      if (!nulls_first)
        g_string_append_printf (sql, " OR %s IS NULL", sort);
      g_string_append_c (sql, ')');
    }

  /* By the output columns: in PostgreSQL a column's name would mean its
   * value cut to text, which the select list calls by the same name */
  g_string_append (sql, " ORDER BY ");
  if (sort != NULL)
    g_string_append_printf (sql, "strata_sort%s, ", dir);
  for (guint i = 0; i < info->key_exprs->len; i++)
    g_string_append_printf (sql, "%sstrata_key_%u%s", i > 0 ? ", " : "", i, dir);
  g_string_append_printf (sql, " LIMIT %u", limit);

  return g_string_free (sql, FALSE);
}

/**
 * strata_session_read_page:
 * @self: a #StrataSession
 * @table: a table of the profile's database
 * @sort_column: (nullable): the column to order by (then by the key), or
 *   %NULL for the key's order
 * @descending: whether the order is descending
 * @after: (nullable): strata_data_page_get_last_key() of the page before,
 *   read with the same order, or %NULL for the first page
 * @limit: the most rows to read (1 to 10000)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads one page of @table's rows by keyset: those after @after in the
 * order asked for, at most @limit. The key is the primary key, else the
 * rowid (SQLite) or ctid (PostgreSQL). NULLs of @sort_column come where
 * the engine puts them (SQLite first, PostgreSQL last, ascending).
 * Nothing is written: the connection is read-only.
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
StrataDataPage *
strata_session_read_page (StrataSession  *self,
                          const char     *table,
                          const char     *sort_column,
                          gboolean        descending,
                          GVariant       *after,
                          guint           limit,
                          GCancellable   *cancellable,
                          GError        **error)
{
  g_autoptr(StrataDataReader) reader = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GPtrArray) params = g_ptr_array_new ();
  g_autofree char *sort = NULL;
  g_autofree char *sql = NULL;
  StrataDataPage *page;
  TableInfo *info;
  gboolean after_null = FALSE;
  guint n_key, n_rows;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (after == NULL || g_variant_is_of_type (after, G_VARIANT_TYPE ("ams")), NULL);

  if (limit == 0 || limit > MAX_PAGE_ROWS)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("a page of %u rows: give 1 to %u"), limit, MAX_PAGE_ROWS);
      return NULL;
    }

  if (!(reader = reader_lock (self, cancellable, error)) ||
      !(info = table_info_get (reader, table, cancellable, error)))
    return NULL;

  if (sort_column != NULL)
    {
      if (!is_column (info, sort_column))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("table “%s” has no column “%s” to sort by"), table, sort_column);
          return NULL;
        }
      sort = quote (reader, sort_column);
    }

  n_key = info->key_exprs->len + (sort != NULL ? 1 : 0);
  if (after != NULL)
    {
      if (g_variant_n_children (after) != n_key)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("the position to read table “%s” from has %zu values, not %u: it was read in another order"),
                       table, g_variant_n_children (after), n_key);
          return NULL;
        }
      for (guint i = 0; i < n_key; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (after, i);
          g_autoptr(GVariant) value = g_variant_get_maybe (child);

          if (value == NULL && !(sort != NULL && i == 0))
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("the position to read table “%s” from has no key"), table);
              return NULL;
            }
          if (value == NULL)
            after_null = TRUE;
          else
            g_ptr_array_add (params, (gpointer)g_variant_get_string (value, NULL));
        }
    }

  sql = page_sql (reader, info, sort, descending, after != NULL, after_null, limit);
  if (!(result = strata_driver_query_params (reader->driver, sql, params->len,
                                             (const char * const *)params->pdata, cancellable, error)))
    return NULL;

  page = g_object_new (STRATA_TYPE_DATA_PAGE, NULL);
  page->table = g_strdup (table);
  page->first_value = n_key;
  page->key_columns = g_strdupv (info->key_columns);
  n_rows = strata_result_get_n_rows (result);
  page->at_end = n_rows < limit;
  if (n_rows > 0)
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ams"));
      for (guint i = 0; i < n_key; i++)
        g_variant_builder_add (&builder, "ms", strata_result_get_value (result, n_rows - 1, i));
      page->last_key = g_variant_ref_sink (g_variant_builder_end (&builder));
    }
  page->result = g_steal_pointer (&result);

  return page;
}

/* }}} */

/* Counting {{{ */

/**
 * strata_session_count_rows:
 * @self: a #StrataSession
 * @table: a table of the profile's database
 * @exact: whether to count the rows (a scan of the table) rather than take
 *   the engine's estimate
 * @count: (out): the number of rows
 * @is_exact: (out) (optional): whether @count was counted
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The number of @table's rows. Unless @exact, an estimate that costs next
 * to nothing when the engine has one: PostgreSQL's planner statistics,
 * SQLite's largest rowid (an upper bound); else the rows are counted.
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
strata_session_count_rows (StrataSession  *self,
                           const char     *table,
                           gboolean        exact,
                           gint64         *count,
                           gboolean       *is_exact,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(StrataDataReader) reader = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autofree char *sql = NULL;
  const char *value;
  TableInfo *info;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (count != NULL, FALSE);

  if (!(reader = reader_lock (self, cancellable, error)) ||
      !(info = table_info_get (reader, table, cancellable, error)))
    return FALSE;

  if (!exact && info->rowid)
    {
      sql = g_strdup_printf ("SELECT max(%s) FROM %s",
                             (char *)g_ptr_array_index (info->key_exprs, 0), info->from);
      if (!(result = strata_driver_query (reader->driver, sql, cancellable, error)))
        return FALSE;
      value = strata_result_get_value (result, 0, 0);
      *count = value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
      if (is_exact != NULL)
        *is_exact = value == NULL;
      return TRUE;
    }
  if (!exact && reader_dialect (reader) == STRATA_DIALECT_POSTGRESQL)
    {
      const char *params[] = { info->qualified };

      if (!(result = strata_driver_query_params (reader->driver,
                                                 "SELECT reltuples::bigint FROM pg_catalog.pg_class "
                                                 "WHERE oid = to_regclass($1)",
                                                 1, params, cancellable, error)))
        return FALSE;
      value = strata_result_get_n_rows (result) > 0 ? strata_result_get_value (result, 0, 0) : NULL;
      /* -1: never analyzed */
      if (value != NULL && g_ascii_strtoll (value, NULL, 10) >= 0)
        {
          *count = g_ascii_strtoll (value, NULL, 10);
          if (is_exact != NULL)
            *is_exact = FALSE;
          return TRUE;
        }
      g_clear_pointer (&result, strata_result_unref);
    }

  sql = g_strdup_printf ("SELECT count(*) FROM %s", info->from);
  if (!(result = strata_driver_query (reader->driver, sql, cancellable, error)))
    return FALSE;
  *count = g_ascii_strtoll (strata_result_get_value (result, 0, 0), NULL, 10);
  if (is_exact != NULL)
    *is_exact = TRUE;

  return TRUE;
}

/* }}} */

/* Async forms {{{ */

typedef struct
{
  char     *table;
  char     *sort_column;
  GVariant *after;
  guint     limit;
  gboolean  flag;       /* descending; exact */
  gint64    count;
  gboolean  is_exact;
} DataCall;

static void
data_call_free (gpointer data)
{
  DataCall *call = data;

  g_free (call->table);
  g_free (call->sort_column);
  g_clear_pointer (&call->after, g_variant_unref);
  g_free (call);
}

static DataCall *
data_call_new (const char *table,
               const char *sort_column,
               gboolean    flag,
               GVariant   *after,
               guint       limit)
{
  DataCall *call = g_new0 (DataCall, 1);

  call->table = g_strdup (table);
  call->sort_column = g_strdup (sort_column);
  call->flag = flag;
  call->after = after != NULL ? g_variant_ref_sink (after) : NULL;
  call->limit = limit;

  return call;
}

static void
data_task_run (StrataSession       *self,
               gpointer             source_tag,
               DataCall            *call,
               GTaskThreadFunc      func,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, data_call_free);
  g_task_run_in_thread (task, func);
}

static void
list_tables_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  char **tables;

  if ((tables = strata_session_list_tables (source_object, cancellable, &error)) != NULL)
    g_task_return_pointer (task, tables, (GDestroyNotify)g_strfreev);
  else
    g_task_return_error (task, error);
}

/**
 * strata_session_list_tables_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_list_tables() in a worker thread.
 */
void
strata_session_list_tables_async (StrataSession       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  data_task_run (self, strata_session_list_tables_async, data_call_new (NULL, NULL, FALSE, NULL, 0),
                 list_tables_thread, cancellable, callback, user_data);
}

/**
 * strata_session_list_tables_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_list_tables_async().
 *
 * Returns: (transfer full) (array zero-terminated=1): the tables' names, or
 *   %NULL with @error set
 */
char **
strata_session_list_tables_finish (StrataSession  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_list_tables_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
read_page_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DataCall *call = task_data;
  GError *error = NULL;
  StrataDataPage *page;

  if ((page = strata_session_read_page (source_object, call->table, call->sort_column, call->flag,
                                        call->after, call->limit, cancellable, &error)) != NULL)
    g_task_return_pointer (task, page, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * strata_session_read_page_async:
 * @self: a #StrataSession
 * @table: a table of the profile's database
 * @sort_column: (nullable): the column to order by, or %NULL for the key
 * @descending: whether the order is descending
 * @after: (nullable): the last key of the page before, or %NULL
 * @limit: the most rows to read
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_read_page() in a worker thread.
 */
void
strata_session_read_page_async (StrataSession       *self,
                                const char          *table,
                                const char          *sort_column,
                                gboolean             descending,
                                GVariant            *after,
                                guint                limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (table != NULL);

  data_task_run (self, strata_session_read_page_async,
                 data_call_new (table, sort_column, descending, after, limit),
                 read_page_thread, cancellable, callback, user_data);
}

/**
 * strata_session_read_page_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_read_page_async().
 *
 * Returns: (transfer full): the page, or %NULL with @error set
 */
StrataDataPage *
strata_session_read_page_finish (StrataSession  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_read_page_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
count_rows_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DataCall *call = task_data;
  GError *error = NULL;

  if (strata_session_count_rows (source_object, call->table, call->flag, &call->count, &call->is_exact,
                                 cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * strata_session_count_rows_async:
 * @self: a #StrataSession
 * @table: a table of the profile's database
 * @exact: whether to count rather than estimate
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_count_rows() in a worker thread.
 */
void
strata_session_count_rows_async (StrataSession       *self,
                                 const char          *table,
                                 gboolean             exact,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (table != NULL);

  data_task_run (self, strata_session_count_rows_async, data_call_new (table, NULL, exact, NULL, 0),
                 count_rows_thread, cancellable, callback, user_data);
}

/**
 * strata_session_count_rows_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @count: (out): the number of rows
 * @is_exact: (out) (optional): whether @count was counted
 * @error: return location for a #GError
 *
 * Finishes strata_session_count_rows_async().
 *
 * Returns: %TRUE, or %FALSE with @error set
 */
gboolean
strata_session_count_rows_finish (StrataSession  *self,
                                  GAsyncResult   *result,
                                  gint64         *count,
                                  gboolean       *is_exact,
                                  GError        **error)
{
  DataCall *call;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_count_rows_async, FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  call = g_task_get_task_data (G_TASK (result));
  *count = call->count;
  if (is_exact != NULL)
    *is_exact = call->is_exact;

  return TRUE;
}

/* }}} */
