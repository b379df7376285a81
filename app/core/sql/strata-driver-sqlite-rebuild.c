/* strata-driver-sqlite-rebuild.c: what a SQLite table rebuild needs around
 * its statements
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SQLite cannot ALTER most things in place: strata-dialect-rebuild.c renders
 * the rebuild (a new table, the rows copied, the old one dropped). Around
 * those statements the engine must turn foreign keys off (outside the
 * transaction: inside one SQLite ignores the pragma), save the triggers and
 * the indexes the migrations do not know (DROP TABLE takes them along),
 * recreate them, and check the foreign keys before COMMIT, so that a rebuild
 * never cascades deletes nor leaves dangling rows.
 */

#define G_LOG_DOMAIN "strata-driver-sqlite"

#include "config.h"

#include "strata-dialect.h"
#include "strata-driver-private.h"
#include "strata-driver-sqlite-private.h"
#include "strata-error.h"

typedef struct
{
  char *type;
  char *name;
  char *table;
  char *sql;
} SchemaObject;

static void
schema_object_free (gpointer data)
{
  SchemaObject *object = data;

  g_free (object->type);
  g_free (object->name);
  g_free (object->table);
  g_free (object->sql);
  g_free (object);
}

gboolean
_strata_driver_sqlite_rebuild_begin (StrataDriver   *self,
                                     StrataRebuild  *rebuild,
                                     GCancellable   *cancellable,
                                     GError        **error)
{
  g_autoptr(StrataResult) result = NULL;

  if (!(result = strata_driver_query (self, "PRAGMA foreign_keys", cancellable, error)) ||
      !strata_driver_execute (self, "PRAGMA foreign_keys = OFF", cancellable, error))
    {
      g_prefix_error (error, "turning foreign keys off for a table rebuild: ");
      return FALSE;
    }

  rebuild->restore = g_strcmp0 (strata_result_get_value (result, 0, 0), "1") == 0;

  return TRUE;
}

/* Before a rebuild's statements, inside the transaction: the triggers of the
 * rebuilt tables and the indexes the migrations do not know (made by raw
 * SQL), which DROP TABLE takes with it. */
gboolean
_strata_driver_sqlite_rebuild_save (StrataDriver   *self,
                                    StrataRebuild  *rebuild,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  g_clear_pointer (&rebuild->saved, g_ptr_array_unref);
  rebuild->saved = g_ptr_array_new_with_free_func (schema_object_free);

  for (guint i = 0; i < rebuild->tables->len; i++)
    {
      const char *table = g_ptr_array_index (rebuild->tables, i);
      const char *params[] = { table };
      g_autoptr(StrataResult) result = NULL;

      result = strata_driver_query_params (self,
                                           "SELECT type, name, sql FROM sqlite_schema "
                                           "WHERE tbl_name = $1 AND type IN ('index', 'trigger') "
                                           "AND sql IS NOT NULL",
                                           1, params, cancellable, error);
      if (result == NULL)
        return FALSE;

      for (guint row = 0; row < strata_result_get_n_rows (result); row++)
        {
          SchemaObject *object;
          const char *type = strata_result_get_value (result, row, 0);
          const char *name = strata_result_get_value (result, row, 1);

          if (g_str_equal (type, "index") && g_hash_table_contains (rebuild->known_indexes, name))
            continue;

          object = g_new0 (SchemaObject, 1);
          object->type = g_strdup (type);
          object->name = g_strdup (name);
          object->table = g_strdup (table);
          object->sql = g_strdup (strata_result_get_value (result, row, 2));
          g_ptr_array_add (rebuild->saved, object);
        }
    }

  return TRUE;
}

/* After a rebuild's statements, before COMMIT: the saved triggers and
 * indexes again, then PRAGMA foreign_key_check on the rebuilt tables and the
 * tables that reference them. */
gboolean
_strata_driver_sqlite_rebuild_finish (StrataDriver   *self,
                                      StrataRebuild  *rebuild,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  g_autoptr(GPtrArray) checked = g_ptr_array_new ();

  for (guint i = 0; rebuild->saved != NULL && i < rebuild->saved->len; i++)
    {
      SchemaObject *object = g_ptr_array_index (rebuild->saved, i);
      const char *params[] = { object->name };
      g_autoptr(StrataResult) result = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!(result = strata_driver_query_params (self,
                                                 "SELECT 1 FROM sqlite_schema WHERE name = $1",
                                                 1, params, cancellable, error)))
        return FALSE;
      if (strata_result_get_n_rows (result) > 0)
        continue;

      if (!strata_driver_execute (self, object->sql, cancellable, &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       "recreating %s %s of table %s after its rebuild: %s",
                       object->type, object->name, object->table, local_error->message);
          return FALSE;
        }
    }

  for (guint i = 0; i < rebuild->tables->len; i++)
    {
      const char *table = g_ptr_array_index (rebuild->tables, i);
      GPtrArray *tables;

      if (rebuild->state == NULL || strata_model_lookup_table (rebuild->state, table) == NULL)
        continue;

      if (!g_ptr_array_find_with_equal_func (checked, table, g_str_equal, NULL))
        g_ptr_array_add (checked, (gpointer)table);

      tables = strata_model_get_tables (rebuild->state);
      for (guint j = 0; j < tables->len; j++)
        {
          StrataTable *other = g_ptr_array_index (tables, j);
          GPtrArray *fks = strata_table_get_foreign_keys (other);

          for (guint k = 0; k < fks->len; k++)
            if (g_str_equal (strata_foreign_key_get_references (g_ptr_array_index (fks, k)), table) &&
                !g_ptr_array_find_with_equal_func (checked, strata_table_get_name (other), g_str_equal, NULL))
              g_ptr_array_add (checked, (gpointer)strata_table_get_name (other));
        }
    }

  for (guint i = 0; i < checked->len; i++)
    {
      const char *table = g_ptr_array_index (checked, i);
      g_autofree char *quoted = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, table);
      g_autofree char *sql = g_strdup_printf ("PRAGMA foreign_key_check(%s)", quoted);
      g_autoptr(StrataResult) result = NULL;

      if (!(result = strata_driver_query (self, sql, cancellable, error)))
        return FALSE;

      if (strata_result_get_n_rows (result) > 0)
        {
          const char *rowid = strata_result_get_value (result, 0, 1);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                       "after rebuilding table %s, %u %s of table %s break%s a foreign key "
                       "(the first, rowid %s, references a missing row of %s); nothing was changed",
                       (const char *)g_ptr_array_index (rebuild->tables, 0),
                       strata_result_get_n_rows (result),
                       strata_result_get_n_rows (result) == 1 ? "row" : "rows",
                       strata_result_get_value (result, 0, 0),
                       strata_result_get_n_rows (result) == 1 ? "s" : "",
                       rowid ? rowid : "NULL",
                       strata_result_get_value (result, 0, 2));
          return FALSE;
        }
    }

  return TRUE;
}

void
_strata_driver_sqlite_rebuild_end (StrataDriver  *self,
                                   StrataRebuild *rebuild)
{
  g_autoptr(GError) local_error = NULL;

  if (!rebuild->restore)
    return;

  if (!strata_driver_execute (self, "PRAGMA foreign_keys = ON", NULL, &local_error))
    g_warning ("Could not turn foreign keys back on: %s", local_error->message);
  rebuild->restore = FALSE;
}
