/* strata-driver-sqlite-rebuild.c: a SQLite table rebuild from the live
 * table, and what it needs around its statements
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * SQLite cannot ALTER most things in place: strata-dialect-rebuild.c renders
 * the rebuild (a new table, the rows copied, the old one dropped) from the
 * table's definition, which is read here from the database itself, inside
 * the transaction, just before the operation runs: what raw SQL made or
 * removed is exactly there. Around those statements the engine must turn
 * foreign keys off (outside the transaction: inside one SQLite ignores the
 * pragma) and check the foreign keys before COMMIT, so that a rebuild never
 * cascades deletes nor leaves dangling rows.
 */

#define G_LOG_DOMAIN "strata-driver-sqlite"

#include "config.h"

#include "strata-dialect-private.h"
#include "strata-ops-private.h"
#include "strata-driver-private.h"
#include "strata-driver-sqlite-private.h"
#include "strata-error.h"
#include "strata-i18n-private.h"

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
      g_prefix_error (error, _("turning foreign keys off for a table rebuild: "));
      return FALSE;
    }

  rebuild->restore = g_strcmp0 (strata_result_get_value (result, 0, 0), "1") == 0;

  return TRUE;
}

static char *
render_index (const char  *table,
              StrataIndex *index)
{
  g_autoptr(StrataOp) op = strata_op_new_create_index (table, index);
  g_autoptr(GPtrArray) some = strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, NULL);

  return some != NULL && some->len > 0 ? g_strdup (g_ptr_array_index (some, 0)) : NULL;
}

/* The rebuild of @before (the live table) into @after, then the table's
 * indexes and triggers as they exist now, by their own SQL: an index the
 * operation changed (known to @before and different in @after) is rendered
 * again, one it removed is left out. */
static GPtrArray *
render_rebuild_live (StrataDriver   *self,
                     StrataTable    *before,
                     StrataTable    *after,
                     GHashTable     *renamed,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(StrataTable) shape = NULL;
  g_autoptr(StrataResult) objects = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  const char *table = strata_table_get_name (before);
  const char *params[1];
  GPtrArray *indexes;

  params[0] = table;
  if (!(objects = strata_driver_query_params (self,
                                              "SELECT type, name, sql FROM sqlite_schema "
                                              "WHERE tbl_name = $1 AND type IN ('index', 'trigger') "
                                              "AND sql IS NOT NULL ORDER BY type, rowid",
                                              1, params, cancellable, error)))
    return NULL;

  shape = strata_table_copy (after);
  g_ptr_array_set_size (strata_table_get_indexes (shape), 0);
  statements = strata_dialect_render_sqlite_rebuild (before, shape, renamed);

  /* Indexes (ORDER BY type: before the triggers), then triggers. */
  for (guint row = 0; row < strata_result_get_n_rows (objects); row++)
    {
      const char *type = strata_result_get_value (objects, row, 0);
      const char *name = strata_result_get_value (objects, row, 1);
      const char *sql = strata_result_get_value (objects, row, 2);
      StrataIndex *was = NULL;
      StrataIndex *now = NULL;

      if (g_str_equal (type, "index"))
        {
          indexes = strata_table_get_indexes (before);
          for (guint i = 0; i < indexes->len; i++)
            if (g_str_equal (strata_index_get_name (g_ptr_array_index (indexes, i)), name))
              was = g_ptr_array_index (indexes, i);
          indexes = strata_table_get_indexes (after);
          for (guint i = 0; i < indexes->len; i++)
            if (g_str_equal (strata_index_get_name (g_ptr_array_index (indexes, i)), name))
              now = g_ptr_array_index (indexes, i);

          /* Known to the model and gone or changed with the operation. */
          if (was != NULL && now == NULL)
            continue;
          if (was != NULL && !strata_index_equal (was, now))
            {
              char *create = render_index (table, now);

              if (create != NULL)
                g_ptr_array_add (statements, create);
              continue;
            }
        }

      g_ptr_array_add (statements, g_strdup (sql));
    }

  return g_steal_pointer (&statements);
}

static void
add_rebuilt (GPtrArray  *rebuilt,
             const char *table)
{
  if (rebuilt != NULL && !g_ptr_array_find_with_equal_func (rebuilt, table, g_str_equal, NULL))
    g_ptr_array_add (rebuilt, g_strdup (table));
}

/* An enum type's values live in the CHECK of each column using it (which
 * columns: @state, the schema the migrations describe). Each such table is
 * rebuilt from its live definition with that CHECK replaced; a renamed
 * value is renamed in the rows, with CHECKs off while they change. */
static GPtrArray *
render_alter_enum_live (StrataDriver   *self,
                        StrataOp       *op,
                        StrataModel    *state,
                        GPtrArray      *rebuilt,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(StrataModel) changed = strata_model_copy (state);
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *tables = strata_model_get_tables (state);
  gboolean any = FALSE;

  if (!strata_model_apply_op (changed, op, error))
    return NULL;

  for (guint t = 0; t < tables->len; t++)
    {
      StrataTable *described = g_ptr_array_index (tables, t);
      const char *name = strata_table_get_name (described);
      GPtrArray *columns = strata_table_get_columns (described);
      const char *only[2] = { name, NULL };
      g_autoptr(StrataModel) live = NULL;
      g_autoptr(StrataTable) after = NULL;
      g_autoptr(GPtrArray) some = NULL;
      g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func (g_free);
      StrataTable *before;
      gboolean uses = FALSE;

      for (guint c = 0; c < columns->len; c++)
        if (g_strcmp0 (strata_data_type_get_enum (strata_column_get_data_type (g_ptr_array_index (columns, c))),
                       op->name) == 0)
          uses = TRUE;
      if (!uses)
        continue;

      if (!(live = _strata_introspect_sqlite_verbatim (self, only, cancellable, error)))
        return NULL;
      if (!(before = strata_model_lookup_table (live, name)))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                       _("alter_enum %s needs a rebuild of table %s on SQLite, and there is no table %s in the database"),
                       op->name, name, name);
          return NULL;
        }
      after = strata_table_copy (before);

      for (guint c = 0; c < columns->len; c++)
        {
          StrataColumn *column = g_ptr_array_index (columns, c);
          const char *column_name = strata_column_get_name (column);
          StrataDataType *type = strata_column_get_data_type (column);
          StrataTable *changed_table = strata_model_lookup_table (changed, name);
          StrataColumn *new_column = changed_table ? strata_table_lookup_column (changed_table, column_name) : NULL;
          GPtrArray *live_columns = strata_table_get_columns (after);
          GPtrArray *checks = strata_table_get_checks (after);
          g_autofree char *expression = NULL;
          gboolean found = FALSE;

          if (g_strcmp0 (strata_data_type_get_enum (type), op->name) != 0 || new_column == NULL)
            continue;

          /* The CHECK of the old values goes; the column carries the new. */
          expression = _strata_dialect_sqlite_enum_check (column_name, strata_data_type_get_enum_values (type));
          for (guint k = 0; k < checks->len && !found; k++)
            if (g_str_equal (strata_check_get_expression (g_ptr_array_index (checks, k)), expression))
              {
                g_ptr_array_remove_index (checks, k);
                found = TRUE;
              }
          if (!found)
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                           _("alter_enum %s: column %s.%s in the database has no CHECK (%s) to change; "
                             "the table was changed outside the migrations"),
                           op->name, name, column_name, expression);
              return NULL;
            }

          for (guint k = 0; k < live_columns->len; k++)
            if (g_str_equal (strata_column_get_name (g_ptr_array_index (live_columns, k)), column_name))
              {
                StrataColumn *replaced = strata_column_copy (g_ptr_array_index (live_columns, k));

                strata_column_set_data_type (replaced, strata_column_get_data_type (new_column));

                /* A default of the renamed value is renamed with it, as
                 * PostgreSQL does (it stores the value, not its text). */
                if (op->new_value != NULL)
                  {
                    g_autofree char *old_literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, op->value);

                    if (g_strcmp0 (strata_column_get_default (replaced), old_literal) == 0)
                      {
                        g_autofree char *new_literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE,
                                                                                     op->new_value);
                        strata_column_set_default (replaced, new_literal);
                      }
                  }
                strata_column_unref (g_ptr_array_index (live_columns, k));
                live_columns->pdata[k] = replaced;
              }

          if (op->new_value != NULL)
            {
              g_autofree char *quoted_table = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, name);
              g_autofree char *quoted_column = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, column_name);
              g_autofree char *from = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, op->value);
              g_autofree char *to = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, op->new_value);

              g_ptr_array_add (updates, g_strdup_printf ("UPDATE %s SET %s = %s WHERE %s = %s",
                                                         quoted_table, quoted_column, to, quoted_column, from));
            }
        }

      if (!(some = render_rebuild_live (self, before, after, NULL, cancellable, error)))
        return NULL;

      if (op->new_value != NULL && !any)
        g_ptr_array_add (statements, g_strdup ("PRAGMA ignore_check_constraints = ON"));
      any = TRUE;
      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
      for (guint j = 0; j < updates->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&updates->pdata[j]));
      add_rebuilt (rebuilt, name);
    }

  if (op->new_value != NULL && any)
    g_ptr_array_add (statements, g_strdup ("PRAGMA ignore_check_constraints = OFF"));

  return g_steal_pointer (&statements);
}

/**
 * _strata_driver_sqlite_render_op_live:
 * @self: a SQLite driver, inside the step's transaction
 * @op: the operation to run next
 * @state: (nullable): the schema the migrations describe before @op (not
 *   changed): which columns use an enum type
 * @rebuilt: (nullable): receives the name of a table rebuilt
 *
 * The statements that run @op on the database as it is at this moment.
 * Where SQLite cannot change the table in place, they are its rebuild from
 * the live definition (sqlite_schema and the pragmas, types as declared):
 * the table's columns in their order (those raw SQL added too) and
 * constraints with @op applied, the rows copied, then the table's indexes
 * and triggers as they exist now, by their own SQL (an index @op changes
 * is rendered again; one @op removes is left out). A new set of values of
 * an enum type rebuilds so each table using it. Run online and on the
 * in-memory shadow database of `--sql`, so both give the same database.
 *
 * Returns: (transfer full) (element-type utf8): the statements, or %NULL
 */
GPtrArray *
_strata_driver_sqlite_render_op_live (StrataDriver   *self,
                                      StrataOp       *op,
                                      StrataModel    *state,
                                      GPtrArray      *rebuilt,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(StrataTable) before = NULL;
  g_autoptr(GHashTable) renamed = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *statements;
  StrataTable *after;
  const char *only[3] = { NULL, NULL, NULL };

  if (op->kind == STRATA_OP_ALTER_ENUM && state != NULL)
    return render_alter_enum_live (self, op, state, rebuilt, cancellable, error);

  if (!_strata_dialect_sqlite_needs_rebuild (op))
    return strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, error);

  /* The table, and the one a new foreign key references (the operation
   * is checked against it). */
  only[0] = op->table;
  if (op->kind == STRATA_OP_ADD_FOREIGN_KEY && op->foreign_key != NULL)
    only[1] = strata_foreign_key_get_references (op->foreign_key);
  if (!(live = _strata_introspect_sqlite_verbatim (self, only, cancellable, error)))
    return NULL;

  if (op->table == NULL || strata_model_lookup_table (live, op->table) == NULL)
    {
      g_autofree char *what = strata_op_describe (op);

      if (op->kind == STRATA_OP_DROP_COLUMN)
        return strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, error);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s (%s) needs a table rebuild on SQLite, and there is no table %s in the database"),
                   strata_op_get_name (op), what, op->table);
      return NULL;
    }

  before = strata_table_ref (strata_model_lookup_table (live, op->table));

  if (op->kind == STRATA_OP_DROP_COLUMN &&
      !_strata_dialect_sqlite_column_is_involved (before, op->column))
    return strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, error);

  if (!strata_model_apply_op (live, op, &local_error))
    {
      g_autofree char *what = strata_op_describe (op);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s (%s) does not apply to table %s as it is in the database: %s"),
                   strata_op_get_name (op), what, op->table, local_error->message);
      return NULL;
    }
  after = strata_model_lookup_table (live, op->table);

  if (op->kind == STRATA_OP_ALTER_COLUMN && op->new_name != NULL)
    {
      renamed = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (renamed, op->new_name, op->column);
    }

  if (!(statements = render_rebuild_live (self, before, after, renamed, cancellable, error)))
    return NULL;

  add_rebuilt (rebuilt, op->table);

  return statements;
}

/* After a rebuild's statements, before COMMIT: PRAGMA foreign_key_check on
 * the rebuilt tables and the tables that reference them, as the database
 * has them now. */
gboolean
_strata_driver_sqlite_rebuild_finish (StrataDriver   *self,
                                      StrataRebuild  *rebuild,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  g_autoptr(GPtrArray) checked = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < rebuild->tables->len; i++)
    {
      const char *table = g_ptr_array_index (rebuild->tables, i);
      const char *params[] = { table };
      g_autoptr(StrataResult) result = NULL;

      if (!(result = strata_driver_query_params (self,
                                                 "SELECT $1 FROM sqlite_schema WHERE type = 'table' AND name = $1 "
                                                 "UNION SELECT m.name FROM sqlite_schema m "
                                                 "JOIN pragma_foreign_key_list(m.name) f "
                                                 "WHERE m.type = 'table' AND f.\"table\" = $1",
                                                 1, params, cancellable, error)))
        return FALSE;

      for (guint row = 0; row < strata_result_get_n_rows (result); row++)
        {
          const char *name = strata_result_get_value (result, row, 0);

          if (!g_ptr_array_find_with_equal_func (checked, name, g_str_equal, NULL))
            g_ptr_array_add (checked, g_strdup (name));
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
                       g_dngettext (STRATA_I18N_DOMAIN,
                                    "after rebuilding table %s, %u row of table %s breaks a foreign key "
                                    "(the first, rowid %s, references a missing row of %s); nothing was changed",
                                    "after rebuilding table %s, %u rows of table %s break a foreign key "
                                    "(the first, rowid %s, references a missing row of %s); nothing was changed",
                                    strata_result_get_n_rows (result)),
                       (const char *)g_ptr_array_index (rebuild->tables, 0),
                       strata_result_get_n_rows (result),
                       strata_result_get_value (result, 0, 0),
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
