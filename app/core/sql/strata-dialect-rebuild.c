/* strata-dialect-rebuild.c: rendering with the schema model; SQLite's table rebuild
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* SQLite's ALTER TABLE renames tables and columns and adds and drops simple
 * columns; anything else (a column's type, nullability or default, a
 * constraint, a foreign key) needs the procedure of
 * https://www.sqlite.org/lang_altertable.html#otheralter:
 *
 *   PRAGMA foreign_keys = OFF          (outside the transaction: the migrator)
 *   BEGIN
 *   CREATE TABLE "_strata_rebuild_T" (the new definition)
 *   INSERT INTO "_strata_rebuild_T" (…) SELECT … FROM "T"
 *   DROP TABLE "T"
 *   ALTER TABLE "_strata_rebuild_T" RENAME TO "T"
 *   CREATE INDEX …                     (the new definition's indexes)
 *   triggers and other indexes of T    (the migrator: read before, run after)
 *   PRAGMA foreign_key_check           (the migrator, before COMMIT)
 *   COMMIT
 *   PRAGMA foreign_keys = ON           (when it was on)
 *
 * With foreign keys off, DROP TABLE deletes no row elsewhere through ON
 * DELETE CASCADE, and the REFERENCES clauses of other tables, which name
 * "T", find the new table once it has the name. The rename runs with
 * legacy_alter_table on so that SQLite does not re-check views and triggers
 * that name "T" while "T" is missing (they keep their text and work again
 * after the rename). The sequence of an AUTOINCREMENT table carries over. */

#define G_LOG_DOMAIN "strata-dialect"

#include "config.h"

#include <string.h>

#include "strata-dialect-private.h"
#include "strata-error.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-i18n-private.h"

#define REBUILD_PREFIX "_strata_rebuild_"

static gboolean
table_has_autoincrement (StrataTable *table)
{
  GPtrArray *columns = strata_table_get_columns (table);

  for (guint i = 0; i < columns->len; i++)
    if (strata_column_get_autoincrement (g_ptr_array_index (columns, i)))
      return TRUE;

  return FALSE;
}

/**
 * strata_dialect_render_sqlite_rebuild:
 * @before: the table as it is
 * @after: the table as it must be
 * @renamed: (nullable) (element-type utf8 utf8): new column names by old
 *
 * Returns: (transfer full) (element-type utf8): the statements of SQLite's table rebuild
 */
GPtrArray *
strata_dialect_render_sqlite_rebuild (StrataTable *before,
                                      StrataTable *after,
                                      GHashTable  *renamed)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  const char *name = strata_table_get_name (after);
  g_autofree char *temp_name = g_strconcat (REBUILD_PREFIX, name, NULL);
  g_autofree char *table = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, strata_table_get_name (before));
  g_autofree char *final = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, name);
  g_autofree char *temp = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, temp_name);
  g_autoptr(StrataTable) shape = NULL;
  g_autoptr(GPtrArray) create = NULL;
  g_autoptr(GString) targets = g_string_new (NULL);
  g_autoptr(GString) sources = g_string_new (NULL);
  GPtrArray *columns;
  GPtrArray *indexes;

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (after != NULL, NULL);

  /* The new table under a temporary name, without its indexes (their names
   * are still taken by the old table's). */
  shape = strata_table_copy (after);
  strata_table_set_name (shape, temp_name);
  g_ptr_array_set_size (strata_table_get_indexes (shape), 0);
  create = strata_dialect_render_create_table (STRATA_DIALECT_SQLITE, shape);
  g_ptr_array_add (statements, g_strdup (g_ptr_array_index (create, 0)));

  columns = strata_table_get_columns (after);
  for (guint i = 0; i < columns->len; i++)
    {
      const char *column = strata_column_get_name (g_ptr_array_index (columns, i));
      const char *source = renamed ? g_hash_table_lookup (renamed, column) : NULL;
      g_autofree char *quoted_target = NULL;
      g_autofree char *quoted_source = NULL;

      if (source == NULL)
        source = column;
      if (strata_table_lookup_column (before, source) == NULL)
        continue;

      quoted_target = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, column);
      quoted_source = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, source);
      g_string_append_printf (targets, "%s%s", targets->len ? ", " : "", quoted_target);
      g_string_append_printf (sources, "%s%s", sources->len ? ", " : "", quoted_source);
    }

  if (targets->len > 0)
    g_ptr_array_add (statements, g_strdup_printf ("INSERT INTO %s (%s) SELECT %s FROM %s",
                                                  temp, targets->str, sources->str, table));

  if (table_has_autoincrement (before) && table_has_autoincrement (after))
    {
      g_autofree char *temp_literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, temp_name);
      g_autofree char *old_literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE,
                                                                   strata_table_get_name (before));

      g_ptr_array_add (statements, g_strdup_printf ("DELETE FROM sqlite_sequence WHERE name = %s", temp_literal));
      g_ptr_array_add (statements, g_strdup_printf ("INSERT INTO sqlite_sequence (name, seq) "
                                                    "SELECT %s, seq FROM sqlite_sequence WHERE name = %s",
                                                    temp_literal, old_literal));
    }

  g_ptr_array_add (statements, g_strdup_printf ("DROP TABLE %s", table));
  g_ptr_array_add (statements, g_strdup ("PRAGMA legacy_alter_table = ON"));
  g_ptr_array_add (statements, g_strdup_printf ("ALTER TABLE %s RENAME TO %s", temp, final));
  g_ptr_array_add (statements, g_strdup ("PRAGMA legacy_alter_table = OFF"));

  indexes = strata_table_get_indexes (after);
  for (guint i = 0; i < indexes->len; i++)
    {
      g_autoptr(StrataOp) op = strata_op_new_create_index (name, g_ptr_array_index (indexes, i));
      g_autoptr(GPtrArray) some = strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, NULL);

      for (guint j = 0; some != NULL && j < some->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
    }

  return statements;
}

/* Whether SQLite's DROP COLUMN would refuse: the column is part of a key,
 * an index or a constraint. */
gboolean
_strata_dialect_sqlite_column_is_involved (StrataTable *table,
                    const char  *column)
{
  StrataColumn *def = strata_table_lookup_column (table, column);
  GPtrArray *items;

  if (def == NULL)
    return FALSE;
  if (strata_column_get_primary_key (def))
    return TRUE;

  items = strata_table_get_indexes (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataIndex *index = g_ptr_array_index (items, i);

      if (g_strv_contains (strata_index_get_columns (index), column) ||
          strata_sql_mentions_identifier (strata_index_get_where (index), column))
        return TRUE;
    }

  items = strata_table_get_uniques (table);
  for (guint i = 0; i < items->len; i++)
    if (g_strv_contains (strata_unique_get_columns (g_ptr_array_index (items, i)), column))
      return TRUE;

  items = strata_table_get_foreign_keys (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataForeignKey *fk = g_ptr_array_index (items, i);

      if (g_strv_contains (strata_foreign_key_get_columns (fk), column) ||
          (g_str_equal (strata_foreign_key_get_references (fk), strata_table_get_name (table)) &&
           g_strv_contains (strata_foreign_key_get_ref_columns (fk), column)))
        return TRUE;
    }

  items = strata_table_get_checks (table);
  for (guint i = 0; i < items->len; i++)
    if (strata_sql_mentions_identifier (strata_check_get_expression (g_ptr_array_index (items, i)), column))
      return TRUE;

  return FALSE;
}

/* Whether an enum column of @op (create_table, add_column) lacks the
 * values its CHECK needs on SQLite. */
static gboolean
op_has_unresolved_enum (StrataOp *op)
{
  GPtrArray *columns;

  if (op->kind == STRATA_OP_ADD_COLUMN)
    {
      StrataDataType *type = strata_column_get_data_type (op->column_def);
      return strata_data_type_get_enum (type) != NULL && strata_data_type_get_enum_values (type) == NULL;
    }

  columns = strata_table_get_columns (op->definition);
  for (guint i = 0; i < columns->len; i++)
    {
      StrataDataType *type = strata_column_get_data_type (g_ptr_array_index (columns, i));

      if (strata_data_type_get_enum (type) != NULL && strata_data_type_get_enum_values (type) == NULL)
        return TRUE;
    }

  return FALSE;
}

gboolean
_strata_dialect_sqlite_needs_model (StrataOp *op)
{
  if (op->kind == STRATA_OP_ALTER_ENUM)
    return TRUE;

  return (op->kind == STRATA_OP_CREATE_TABLE || op->kind == STRATA_OP_ADD_COLUMN) && op_has_unresolved_enum (op);
}

gboolean
_strata_dialect_sqlite_may_rebuild (StrataOp *op)
{
  switch (op->kind)
    {
    case STRATA_OP_ADD_COLUMN:
    case STRATA_OP_DROP_COLUMN:
    case STRATA_OP_ALTER_COLUMN:
    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_ADD_CHECK:
    case STRATA_OP_DROP_CONSTRAINT:
      return TRUE;
    case STRATA_OP_CREATE_TABLE:
    case STRATA_OP_DROP_TABLE:
    case STRATA_OP_RENAME_TABLE:
    case STRATA_OP_CREATE_INDEX:
    case STRATA_OP_DROP_INDEX:
    case STRATA_OP_INSERT:
    case STRATA_OP_SQL:
    case STRATA_OP_CREATE_SEQUENCE:
    case STRATA_OP_DROP_SEQUENCE:
    case STRATA_OP_CREATE_ENUM:
    case STRATA_OP_DROP_ENUM:
    case STRATA_OP_ALTER_ENUM:
    default:
      return FALSE;
    }
}

/* SQLite: the values of an enum type live in the CHECKs of the columns
 * that use it, so changing them rebuilds each of those tables. A renamed
 * value is renamed in the rows too, with CHECKs off while they change. */
static gboolean
render_sqlite_alter_enum (StrataOp     *op,
                          StrataModel  *state,
                          GPtrArray    *statements,
                          GPtrArray    *rebuilt,
                          GError      **error)
{
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_table_unref);
  GPtrArray *tables = strata_model_get_tables (state);

  for (guint i = 0; i < tables->len; i++)
    {
      StrataTable *table = g_ptr_array_index (tables, i);
      GPtrArray *columns = strata_table_get_columns (table);

      for (guint j = 0; j < columns->len; j++)
        if (g_strcmp0 (strata_data_type_get_enum (strata_column_get_data_type (g_ptr_array_index (columns, j))),
                       op->name) == 0)
          {
            g_ptr_array_add (before, strata_table_ref (table));
            break;
          }
    }

  if (!strata_model_apply_op (state, op, error))
    return FALSE;

  if (op->new_value != NULL && before->len > 0)
    g_ptr_array_add (statements, g_strdup ("PRAGMA ignore_check_constraints = ON"));

  for (guint i = 0; i < before->len; i++)
    {
      StrataTable *old = g_ptr_array_index (before, i);
      StrataTable *after = strata_model_lookup_table (state, strata_table_get_name (old));
      g_autoptr(GPtrArray) some = strata_dialect_render_sqlite_rebuild (old, after, NULL);
      GPtrArray *columns = strata_table_get_columns (after);

      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));

      for (guint j = 0; op->new_value != NULL && j < columns->len; j++)
        {
          StrataColumn *column = g_ptr_array_index (columns, j);
          g_autofree char *table_name = NULL;
          g_autofree char *column_name = NULL;
          g_autofree char *from = NULL;
          g_autofree char *to = NULL;

          if (g_strcmp0 (strata_data_type_get_enum (strata_column_get_data_type (column)), op->name) != 0)
            continue;
          table_name = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, strata_table_get_name (after));
          column_name = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, strata_column_get_name (column));
          from = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, op->value);
          to = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, op->new_value);
          g_ptr_array_add (statements, g_strdup_printf ("UPDATE %s SET %s = %s WHERE %s = %s",
                                                        table_name, column_name, to, column_name, from));
        }

      if (rebuilt != NULL &&
          !g_ptr_array_find_with_equal_func (rebuilt, strata_table_get_name (after), g_str_equal, NULL))
        g_ptr_array_add (rebuilt, g_strdup (strata_table_get_name (after)));
    }

  if (op->new_value != NULL && before->len > 0)
    g_ptr_array_add (statements, g_strdup ("PRAGMA ignore_check_constraints = OFF"));

  return TRUE;
}

/**
 * strata_dialect_render_ops_with_model:
 * @dialect: a dialect
 * @ops: (element-type StrataOp): operations
 * @state: the schema the operations apply to; they are applied to it
 * @rebuilt: (nullable) (element-type utf8): receives the names of the tables
 *   rebuilt, once each
 * @error: return location for a #GError
 *
 * Like strata_dialect_render_ops(), but where SQLite cannot change a table
 * in place the statements are the table rebuild, from the table's
 * definition in @state. An operation that does not apply to @state (raw SQL
 * may have made what it needs) is rendered as it is and left out of the
 * state; if it needed a rebuild, that is an error.
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the statements
 */
/**
 * _strata_dialect_sqlite_needs_rebuild:
 * @op: an operation
 *
 * Whether @op may need a table rebuild on SQLite: SQLite cannot run it in
 * place, or it drops a column (which may be part of a key or an index: only
 * the table at that moment tells).
 */
gboolean
_strata_dialect_sqlite_needs_rebuild (StrataOp *op)
{
  g_autoptr(GPtrArray) some = NULL;
  g_autoptr(GError) local_error = NULL;

  if (op->kind == STRATA_OP_DROP_COLUMN)
    return TRUE;
  if (!_strata_dialect_sqlite_may_rebuild (op))
    return FALSE;

  some = strata_dialect_render_op (STRATA_DIALECT_SQLITE, op, &local_error);

  return some == NULL && g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED);
}

GPtrArray *
strata_dialect_render_ops_with_model (StrataDialect   dialect,
                                      GPtrArray      *ops,
                                      StrataModel    *state,
                                      GPtrArray      *rebuilt,
                                      GError        **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (ops != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);

  for (guint i = 0; i < ops->len; i++)
    {
      StrataOp *op = g_ptr_array_index (ops, i);
      StrataTable *table = op->table ? strata_model_lookup_table (state, op->table) : NULL;
      g_autoptr(GPtrArray) some = NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean rebuild = FALSE;

      if (!strata_op_runs_on (op, dialect))
        continue;

      if (!_strata_model_check_exact_names (state, op, error))
        {
          g_prefix_error (error, _("operation %u: "), i);
          return NULL;
        }

      if (dialect == STRATA_DIALECT_SQLITE && op->kind == STRATA_OP_ALTER_ENUM)
        {
          if (!render_sqlite_alter_enum (op, state, statements, rebuilt, error))
            {
              g_prefix_error (error, _("operation %u: "), i);
              return NULL;
            }
          continue;
        }

      /* An enum column on SQLite takes its CHECK from the enum type. */
      if (dialect == STRATA_DIALECT_SQLITE &&
          (op->kind == STRATA_OP_CREATE_TABLE || op->kind == STRATA_OP_ADD_COLUMN) &&
          op_has_unresolved_enum (op))
        {
          g_autoptr(GError) replay_error = NULL;
          StrataTable *after;

          if (!strata_model_apply_op (state, op, &replay_error))
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&replay_error), _("operation %u: "), i);
              return NULL;
            }
          after = strata_model_lookup_table (state, op->table);
          if (op->kind == STRATA_OP_CREATE_TABLE)
            some = strata_dialect_render_create_table (dialect, after);
          else
            {
              g_autoptr(StrataOp) resolved = strata_op_new_add_column (
                op->table, strata_table_lookup_column (after, strata_column_get_name (op->column_def)));

              if (!(some = strata_dialect_render_op (dialect, resolved, error)))
                {
                  g_prefix_error (error, _("operation %u: "), i);
                  return NULL;
                }
            }
          for (guint j = 0; j < some->len; j++)
            g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
          continue;
        }

      if (dialect == STRATA_DIALECT_SQLITE && op->kind == STRATA_OP_DROP_COLUMN &&
          table != NULL && _strata_dialect_sqlite_column_is_involved (table, op->column))
        rebuild = TRUE;
      else if (!(some = strata_dialect_render_op (dialect, op, &local_error)))
        {
          if (dialect != STRATA_DIALECT_SQLITE || !_strata_dialect_sqlite_may_rebuild (op) ||
              !g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED))
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error), _("operation %u: "), i);
              return NULL;
            }
          rebuild = TRUE;
        }

      if (rebuild)
        {
          g_autoptr(StrataTable) before = table ? strata_table_ref (table) : NULL;
          g_autoptr(GHashTable) renamed = NULL;
          g_autoptr(GError) replay_error = NULL;
          StrataTable *after;

          if (before == NULL || !strata_model_apply_op (state, op, &replay_error))
            {
              g_autofree char *what = strata_op_describe (op);

              g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                           _("operation %u: %s (%s) needs a table rebuild on SQLite, and the definition of "
                             "table %s is not known from the migrations%s%s"),
                           i, strata_op_get_name (op), what, op->table,
                           replay_error ? ": " : "", replay_error ? replay_error->message : "");
              return NULL;
            }

          if (op->kind == STRATA_OP_ALTER_COLUMN && op->new_name != NULL)
            {
              renamed = g_hash_table_new (g_str_hash, g_str_equal);
              g_hash_table_insert (renamed, op->new_name, op->column);
            }

          after = strata_model_lookup_table (state, op->table);
          some = strata_dialect_render_sqlite_rebuild (before, after, renamed);

          if (rebuilt != NULL && !g_ptr_array_find_with_equal_func (rebuilt, op->table, g_str_equal, NULL))
            g_ptr_array_add (rebuilt, g_strdup (op->table));
        }
      else
        {
          g_autoptr(GError) replay_error = NULL;

          if (!strata_model_apply_op (state, op, &replay_error))
            g_debug ("operation %u: not replayed: %s", i, replay_error->message);
        }

      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
    }

  return g_steal_pointer (&statements);
}
