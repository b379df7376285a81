/* strata-ops.c: migration operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The operations of a migration file, one JSON object each. Every object has
 * "op" and only the keys listed for it; names are identifiers (non-empty, at
 * most 63 bytes, no control characters; the dialect quotes them, so spaces,
 * quotes, reserved words and non-ASCII are fine). `?` marks optional keys.
 *
 *   {"op": "create_table", "table": T, "columns": [COLUMN, …],
 *    "indexes"?: [INDEX, …], "foreign_keys"?: [FK, …],
 *    "unique"?: [UNIQUE, …], "checks"?: [CHECK, …]}
 *       the table definition of DESIGN.md "A table" (see strata-model.h):
 *       COLUMN  {"name", "type", "nullable"? (true), "default"? (SQL),
 *                "primary_key"? (false), "autoincrement"? (false)}
 *       INDEX   {"name", "columns", "unique"? (false), "where"? (SQL)}
 *       FK      {"name", "columns", "references", "ref_columns",
 *                "on_delete"?, "on_update"?}   ("cascade", "restrict",
 *                "set null", "set default", "no action")
 *       UNIQUE  {"name", "columns"}
 *       CHECK   {"name", "expression"}
 *       A type is a portable name ("varchar(255)") or
 *       {"sqlite": "…", "postgresql": "…"}.
 *   {"op": "drop_table", "table": T}
 *   {"op": "rename_table", "table": T, "new_name": N}
 *   {"op": "add_column", "table": T, "column": COLUMN}
 *   {"op": "drop_column", "table": T, "column": C}
 *   {"op": "alter_column", "table": T, "column": C,
 *    "type"?: TYPE, "using"?: SQL (PostgreSQL USING, needs "type"),
 *    "nullable"?: bool, "default"?: SQL | null (null drops the default),
 *    "new_name"?: N,
 *    "existing_type"?: TYPE, "existing_nullable"?: bool,
 *    "existing_default"?: SQL | null}
 *       at least one of type, nullable, default, new_name. The existing_*
 *       keys describe the column before the change; they make the operation
 *       invertible without a schema model.
 *   {"op": "create_index", "table": T, "name": N, "columns": [C, …],
 *    "unique"?: bool, "where"?: SQL, "concurrently"?: bool}
 *   {"op": "drop_index", "table"?: T, "name": N, "concurrently"?: bool}
 *   {"op": "add_foreign_key", "table": T, "name": N, "columns": [C, …],
 *    "references": T2, "ref_columns": [C2, …], "on_delete"?, "on_update"?}
 *   {"op": "add_unique", "table": T, "name": N, "columns": [C, …]}
 *   {"op": "add_check", "table": T, "name": N, "expression": SQL}
 *   {"op": "drop_constraint", "table": T, "name": N}
 *   {"op": "insert", "table": T, "rows": [{C: VALUE, …}, …]}
 *       VALUE: a string, number, boolean or null (arrays and objects are
 *       inserted as their JSON text).
 *   {"op": "create_sequence", "name": N, "start"?: INT (1), "increment"?: INT (1)}
 *   {"op": "drop_sequence", "name": N}
 *       PostgreSQL sequences (a column's default may then be
 *       "nextval('N')"); nothing on SQLite, which has none.
 *   {"op": "create_enum", "name": N, "values": ["…", …]}
 *   {"op": "drop_enum", "name": N}
 *   {"op": "alter_enum", "name": N, "add_value": V, "before"?: V2, "after"?: V2}
 *   {"op": "alter_enum", "name": N, "rename_value": V, "to": V2}
 *       An enum type: CREATE TYPE … AS ENUM on PostgreSQL; on SQLite a
 *       column of type {"enum": N} is text with a CHECK on the values.
 *   {"op": "sql", "sql": "…", "reverse"?: REVERSE}
 *   {"op": "sql", "sqlite": "…", "postgresql": "…", "reverse"?: REVERSE}
 *       "" means nothing on that dialect; REVERSE is a string or
 *       {"sqlite": "…", "postgresql": "…"}, and is what the inverse runs.
 *
 * to_json() writes the keys in the order above and leaves out optional keys
 * at their default, so parsing its output gives the same operation.
 */

#define G_LOG_DOMAIN "strata-ops"

#include "config.h"

#include <math.h>
#include <pg_query.h>
#include <stdarg.h>
#include <string.h>

#include "strata-error.h"
#include "strata-json-private.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-i18n-private.h"

G_DEFINE_BOXED_TYPE (StrataOp, strata_op, strata_op_ref, strata_op_unref)

static const char * const op_names[] = {
  [STRATA_OP_CREATE_TABLE] = "create_table",
  [STRATA_OP_DROP_TABLE] = "drop_table",
  [STRATA_OP_RENAME_TABLE] = "rename_table",
  [STRATA_OP_ADD_COLUMN] = "add_column",
  [STRATA_OP_DROP_COLUMN] = "drop_column",
  [STRATA_OP_ALTER_COLUMN] = "alter_column",
  [STRATA_OP_CREATE_INDEX] = "create_index",
  [STRATA_OP_DROP_INDEX] = "drop_index",
  [STRATA_OP_ADD_FOREIGN_KEY] = "add_foreign_key",
  [STRATA_OP_ADD_UNIQUE] = "add_unique",
  [STRATA_OP_ADD_CHECK] = "add_check",
  [STRATA_OP_DROP_CONSTRAINT] = "drop_constraint",
  [STRATA_OP_INSERT] = "insert",
  [STRATA_OP_SQL] = "sql",
  [STRATA_OP_CREATE_SEQUENCE] = "create_sequence",
  [STRATA_OP_DROP_SEQUENCE] = "drop_sequence",
  [STRATA_OP_CREATE_ENUM] = "create_enum",
  [STRATA_OP_DROP_ENUM] = "drop_enum",
  [STRATA_OP_ALTER_ENUM] = "alter_enum",
};

static void
op_clear (gpointer data)
{
  StrataOp *self = data;

  g_free (self->table);
  g_free (self->name);
  g_free (self->column);
  g_free (self->new_name);
  g_clear_pointer (&self->definition, strata_table_unref);
  g_clear_pointer (&self->column_def, strata_column_unref);
  g_clear_pointer (&self->index, strata_index_unref);
  g_clear_pointer (&self->foreign_key, strata_foreign_key_unref);
  g_clear_pointer (&self->unique, strata_unique_unref);
  g_clear_pointer (&self->check, strata_check_unref);
  g_clear_pointer (&self->type, strata_data_type_unref);
  g_free (self->using_expr);
  g_free (self->default_expr);
  g_clear_pointer (&self->existing_type, strata_data_type_unref);
  g_free (self->existing_default);
  g_clear_pointer (&self->rows, json_array_unref);
  g_strfreev (self->values);
  g_free (self->value);
  g_free (self->new_value);
  g_free (self->before);
  g_free (self->after);
  for (guint i = 0; i < G_N_ELEMENTS (self->sql); i++)
    {
      g_free (self->sql[i]);
      g_free (self->reverse[i]);
    }
}

StrataOp *
_strata_op_new (StrataOpKind kind)
{
  StrataOp *self = g_atomic_rc_box_new0 (StrataOp);

  self->kind = kind;
  self->nullable = -1;
  self->existing_nullable = -1;
  self->start = 1;
  self->increment = 1;
  return self;
}

StrataOp *
strata_op_ref (StrataOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return g_atomic_rc_box_acquire (op);
}

void
strata_op_unref (StrataOp *op)
{
  g_return_if_fail (op != NULL);
  g_atomic_rc_box_release_full (op, op_clear);
}

StrataOpKind
strata_op_get_kind (StrataOp *op)
{
  g_return_val_if_fail (op != NULL, 0);
  return op->kind;
}

const char *
strata_op_get_name (StrataOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op_names[op->kind];
}

const char *
strata_op_get_table (StrataOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->table;
}

gboolean
strata_op_is_concurrent (StrataOp *op)
{
  g_return_val_if_fail (op != NULL, FALSE);
  return op->concurrently;
}

/* Parsing {{{ */

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

static gboolean
get_nullable_string (JsonObject  *object,
                     const char  *key,
                     gboolean    *present,
                     char       **out,
                     const char  *prefix,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  *present = node != NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
      is_blank (json_node_get_string (node)))
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be an SQL expression or null"), key);
      return FALSE;
    }

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
get_tristate (JsonObject  *object,
              const char  *key,
              int         *out,
              const char  *prefix,
              GError     **error)
{
  gboolean value = FALSE;

  if (!json_object_has_member (object, key))
    return TRUE;

  if (!_strata_json_get_boolean (object, key, &value, prefix, error))
    return FALSE;

  *out = value ? 1 : 0;
  return TRUE;
}

static gboolean
check_keys (JsonObject  *object,
            const char  *prefix,
            GError     **error,
            ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) allowed = NULL;
  const char *key;
  va_list args;

  g_strv_builder_add (builder, "op");
  g_strv_builder_add (builder, "dialects");
  va_start (args, error);
  while ((key = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (builder, key);
  va_end (args);
  allowed = g_strv_builder_end (builder);

  return _strata_json_check_keys (object, (const char * const *)allowed, prefix, error);
}

static gboolean
parse_alter_column (StrataOp    *self,
                    JsonObject  *object,
                    const char  *prefix,
                    GError     **error)
{
  if (!check_keys (object, prefix, error, "table", "column", "type", "using", "nullable", "default",
                   "new_name", "existing_type", "existing_nullable", "existing_default", NULL) ||
      !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error) ||
      !_strata_json_get_identifier (object, "column", TRUE, &self->column, prefix, error) ||
      !_strata_data_type_parse_member (object, "type", FALSE, &self->type, prefix, error) ||
      !_strata_json_get_string (object, "using", FALSE, &self->using_expr, prefix, error) ||
      !get_tristate (object, "nullable", &self->nullable, prefix, error) ||
      !get_nullable_string (object, "default", &self->set_default, &self->default_expr, prefix, error) ||
      !_strata_json_get_identifier (object, "new_name", FALSE, &self->new_name, prefix, error) ||
      !_strata_data_type_parse_member (object, "existing_type", FALSE, &self->existing_type, prefix, error) ||
      !get_tristate (object, "existing_nullable", &self->existing_nullable, prefix, error) ||
      !get_nullable_string (object, "existing_default", &self->has_existing_default,
                            &self->existing_default, prefix, error))
    return FALSE;

  if (self->type == NULL && self->nullable < 0 && !self->set_default && self->new_name == NULL)
    {
      _strata_json_error (error, prefix,
                          _("nothing to change: give \"type\", \"nullable\", \"default\" or \"new_name\""));
      return FALSE;
    }

  if (self->using_expr != NULL && self->type == NULL)
    {
      _strata_json_error (error, prefix, _("\"using\" needs \"type\""));
      return FALSE;
    }

  if (self->using_expr != NULL && is_blank (self->using_expr))
    {
      _strata_json_error (error, prefix, _("key \"using\" must be an SQL expression, not an empty string"));
      return FALSE;
    }

  if (self->new_name != NULL && g_str_equal (self->new_name, self->column))
    {
      _strata_json_error (error, prefix, _("\"new_name\" is the column's current name"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_rows (StrataOp    *self,
            JsonObject  *object,
            const char  *prefix,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, "rows");
  JsonArray *rows;
  guint n;

  if (node == NULL)
    {
      _strata_json_error (error, prefix, _("missing key \"rows\""));
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _strata_json_error (error, prefix, _("key \"rows\" must be an array of objects"));
      return FALSE;
    }

  rows = json_node_get_array (node);
  n = json_array_get_length (rows);
  if (n == 0)
    {
      _strata_json_error (error, prefix, _("key \"rows\" must not be empty"));
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (row) || _strata_json_get_number_text (row) != NULL)
        {
          _strata_json_error (error, prefix, _("rows[%u] must be an object of column values"), i);
          return FALSE;
        }

      members = json_object_get_members (json_node_get_object (row));
      if (members == NULL)
        {
          _strata_json_error (error, prefix, _("rows[%u] has no columns"), i);
          return FALSE;
        }

      for (const GList *l = members; l != NULL; l = l->next)
        {
          const char *column = l->data;
          JsonNode *value = json_object_get_member (json_node_get_object (row), column);
          const char *reason = NULL;

          if (!strata_identifier_is_valid (column, &reason))
            {
              g_autofree char *shown = _strata_display (column);
              _strata_json_error (error, prefix, _("rows[%u]: invalid column name %s: %s"), i, shown, reason);
              return FALSE;
            }

          if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_DOUBLE &&
              !isfinite (json_node_get_double (value)))
            {
              g_autofree char *shown = _strata_display (column);
              _strata_json_error (error, prefix, _("rows[%u]: the value of %s is not a finite number"), i, shown);
              return FALSE;
            }
        }
    }

  self->rows = json_array_ref (rows);
  return TRUE;
}

/* Reads "sql", or "sqlite" and "postgresql", into @texts. */
static gboolean
parse_sql_texts (JsonObject  *object,
                 char       **texts,
                 gboolean    *per_dialect,
                 const char  *prefix,
                 GError     **error)
{
  gboolean has_sql = json_object_has_member (object, "sql");
  gboolean has_sqlite = json_object_has_member (object, "sqlite");
  gboolean has_postgresql = json_object_has_member (object, "postgresql");

  if (has_sql && (has_sqlite || has_postgresql))
    {
      _strata_json_error (error, prefix, _("give either \"sql\" or \"sqlite\" and \"postgresql\", not both"));
      return FALSE;
    }

  if (has_sql)
    {
      g_autofree char *sql = NULL;

      if (!_strata_json_get_string (object, "sql", TRUE, &sql, prefix, error))
        return FALSE;

      *per_dialect = FALSE;
      texts[STRATA_DIALECT_SQLITE] = g_strdup (sql);
      texts[STRATA_DIALECT_POSTGRESQL] = g_steal_pointer (&sql);
      return TRUE;
    }

  if (!has_sqlite && !has_postgresql)
    {
      _strata_json_error (error, prefix, _("missing key \"sql\" (or \"sqlite\" and \"postgresql\")"));
      return FALSE;
    }

  *per_dialect = TRUE;
  return _strata_json_get_string (object, "sqlite", TRUE, &texts[STRATA_DIALECT_SQLITE], prefix, error) &&
         _strata_json_get_string (object, "postgresql", TRUE, &texts[STRATA_DIALECT_POSTGRESQL], prefix, error);
}

static gboolean
parse_sql (StrataOp    *self,
           JsonObject  *object,
           const char  *prefix,
           GError     **error)
{
  JsonNode *reverse;

  if (!check_keys (object, prefix, error, "sql", "sqlite", "postgresql", "reverse", NULL) ||
      !parse_sql_texts (object, self->sql, &self->sql_per_dialect, prefix, error))
    return FALSE;

  if (!self->sql_per_dialect && *self->sql[0] == '\0')
    {
      _strata_json_error (error, prefix, _("key \"sql\" must not be empty"));
      return FALSE;
    }

  if ((reverse = json_object_get_member (object, "reverse")) == NULL)
    return TRUE;

  self->has_reverse = TRUE;

  if (JSON_NODE_HOLDS_VALUE (reverse) && json_node_get_value_type (reverse) == G_TYPE_STRING)
    {
      self->reverse[STRATA_DIALECT_SQLITE] = g_strdup (json_node_get_string (reverse));
      self->reverse[STRATA_DIALECT_POSTGRESQL] = g_strdup (json_node_get_string (reverse));
      return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (reverse))
    {
      static const char * const keys[] = { "sqlite", "postgresql", NULL };
      JsonObject *reverse_object = json_node_get_object (reverse);
      g_autofree char *reverse_prefix = g_strdup_printf ("%s: reverse", prefix);

      self->reverse_per_dialect = TRUE;
      return _strata_json_check_keys (reverse_object, keys, reverse_prefix, error) &&
             _strata_json_get_string (reverse_object, "sqlite", TRUE,
                                      &self->reverse[STRATA_DIALECT_SQLITE], reverse_prefix, error) &&
             _strata_json_get_string (reverse_object, "postgresql", TRUE,
                                      &self->reverse[STRATA_DIALECT_POSTGRESQL], reverse_prefix, error);
    }

  _strata_json_error (error, prefix, _("key \"reverse\" must be a string or an object {\"sqlite\": …, \"postgresql\": …}"));
  return FALSE;
}

/* An optional whole number that a gint64 holds. */
static gboolean
get_integer (JsonObject  *object,
             const char  *key,
             gint64      *out,
             const char  *prefix,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be a whole number"), key);
      return FALSE;
    }

  *out = json_node_get_int (node);
  return TRUE;
}

/* "dialects": a non-empty array of distinct dialect names. */
static gboolean
parse_dialects (StrataOp    *self,
                JsonObject  *object,
                const char  *prefix,
                GError     **error)
{
  JsonNode *node = json_object_get_member (object, "dialects");
  JsonArray *array;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (array = json_node_get_array (node)) == 0)
    {
      _strata_json_error (error, prefix, _("key \"dialects\" must be a non-empty array of "
                            "\"sqlite\" and \"postgresql\""));
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value = JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING
                          ? json_node_get_string (element) : NULL;
      guint bit;

      if (g_strcmp0 (value, "sqlite") == 0)
        bit = 1u << STRATA_DIALECT_SQLITE;
      else if (g_strcmp0 (value, "postgresql") == 0)
        bit = 1u << STRATA_DIALECT_POSTGRESQL;
      else
        {
          _strata_json_error (error, prefix, _("key \"dialects\": item %u must be \"sqlite\" or \"postgresql\""), i);
          return FALSE;
        }

      if (self->dialects & bit)
        {
          _strata_json_error (error, prefix, _("key \"dialects\": \"%s\" is listed twice"), value);
          return FALSE;
        }
      self->dialects |= bit;
    }

  return TRUE;
}

/**
 * strata_op_runs_on:
 * @op: an operation
 * @dialect: a dialect
 *
 * Returns: whether @op runs on @dialect: it has no "dialects", or they
 *   include @dialect
 */
gboolean
strata_op_runs_on (StrataOp      *op,
                   StrataDialect  dialect)
{
  g_return_val_if_fail (op != NULL, FALSE);

  return op->dialects == 0 || (op->dialects & (1u << dialect)) != 0;
}

static gboolean
parse_op (StrataOp    *self,
          JsonObject  *object,
          const char  *prefix,
          GError     **error)
{
  switch (self->kind)
    {
    case STRATA_OP_CREATE_TABLE:
      {
        static const char * const extra[] = { "op", "dialects", NULL };

        if (!(self->definition = _strata_table_parse_object (object, extra, prefix, error)))
          return FALSE;
        self->table = g_strdup (strata_table_get_name (self->definition));
        return TRUE;
      }

    case STRATA_OP_DROP_TABLE:
      return check_keys (object, prefix, error, "table", NULL) &&
             _strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error);

    case STRATA_OP_RENAME_TABLE:
      if (!check_keys (object, prefix, error, "table", "new_name", NULL) ||
          !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error) ||
          !_strata_json_get_identifier (object, "new_name", TRUE, &self->new_name, prefix, error))
        return FALSE;
      if (g_str_equal (self->table, self->new_name))
        {
          _strata_json_error (error, prefix, _("\"new_name\" is the table's current name"));
          return FALSE;
        }
      return TRUE;

    case STRATA_OP_ADD_COLUMN:
      {
        g_autofree char *column_prefix = g_strdup_printf ("%s: column", prefix);
        JsonNode *column;

        if (!check_keys (object, prefix, error, "table", "column", NULL) ||
            !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error))
          return FALSE;

        if ((column = json_object_get_member (object, "column")) == NULL)
          {
            _strata_json_error (error, prefix, _("missing key \"column\""));
            return FALSE;
          }

        if (!JSON_NODE_HOLDS_OBJECT (column))
          {
            _strata_json_error (error, prefix, _("key \"column\" must be a column object {\"name\": …, \"type\": …}"));
            return FALSE;
          }

        return (self->column_def = _strata_column_parse (column, column_prefix, error)) != NULL;
      }

    case STRATA_OP_DROP_COLUMN:
      return check_keys (object, prefix, error, "table", "column", NULL) &&
             _strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error) &&
             _strata_json_get_identifier (object, "column", TRUE, &self->column, prefix, error);

    case STRATA_OP_ALTER_COLUMN:
      return parse_alter_column (self, object, prefix, error);

    case STRATA_OP_CREATE_INDEX:
      {
        static const char * const extra[] = { "op", "dialects", "table", "concurrently", NULL };

        if (!(self->index = _strata_index_parse_object (object, extra, prefix, error)) ||
            !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error) ||
            !_strata_json_get_boolean (object, "concurrently", &self->concurrently, prefix, error))
          return FALSE;
        self->name = g_strdup (strata_index_get_name (self->index));
        return TRUE;
      }

    case STRATA_OP_DROP_INDEX:
      return check_keys (object, prefix, error, "table", "name", "concurrently", NULL) &&
             _strata_json_get_identifier (object, "table", FALSE, &self->table, prefix, error) &&
             _strata_json_get_identifier (object, "name", TRUE, &self->name, prefix, error) &&
             _strata_json_get_boolean (object, "concurrently", &self->concurrently, prefix, error);

    case STRATA_OP_ADD_FOREIGN_KEY:
      {
        static const char * const extra[] = { "op", "dialects", "table", NULL };

        if (!(self->foreign_key = _strata_foreign_key_parse_object (object, extra, prefix, error)) ||
            !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error))
          return FALSE;
        self->name = g_strdup (strata_foreign_key_get_name (self->foreign_key));
        return TRUE;
      }

    case STRATA_OP_ADD_UNIQUE:
      {
        static const char * const extra[] = { "op", "dialects", "table", NULL };

        if (!(self->unique = _strata_unique_parse_object (object, extra, prefix, error)) ||
            !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error))
          return FALSE;
        self->name = g_strdup (strata_unique_get_name (self->unique));
        return TRUE;
      }

    case STRATA_OP_ADD_CHECK:
      {
        static const char * const extra[] = { "op", "dialects", "table", NULL };

        if (!(self->check = _strata_check_parse_object (object, extra, prefix, error)) ||
            !_strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error))
          return FALSE;
        self->name = g_strdup (strata_check_get_name (self->check));
        return TRUE;
      }

    case STRATA_OP_DROP_CONSTRAINT:
      return check_keys (object, prefix, error, "table", "name", NULL) &&
             _strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error) &&
             _strata_json_get_identifier (object, "name", TRUE, &self->name, prefix, error);

    case STRATA_OP_INSERT:
      return check_keys (object, prefix, error, "table", "rows", NULL) &&
             _strata_json_get_identifier (object, "table", TRUE, &self->table, prefix, error) &&
             parse_rows (self, object, prefix, error);

    case STRATA_OP_SQL:
      return parse_sql (self, object, prefix, error);

    case STRATA_OP_CREATE_SEQUENCE:
      return check_keys (object, prefix, error, "name", "start", "increment", NULL) &&
             _strata_json_get_identifier (object, "name", TRUE, &self->name, prefix, error) &&
             get_integer (object, "start", &self->start, prefix, error) &&
             get_integer (object, "increment", &self->increment, prefix, error) &&
             (self->increment != 0 ||
              (_strata_json_error (error, prefix, _("key \"increment\" must not be 0")), FALSE));

    case STRATA_OP_DROP_SEQUENCE:
    case STRATA_OP_DROP_ENUM:
      return check_keys (object, prefix, error, "name", NULL) &&
             _strata_json_get_identifier (object, "name", TRUE, &self->name, prefix, error);

    case STRATA_OP_CREATE_ENUM:
      return check_keys (object, prefix, error, "name", "values", NULL) &&
             _strata_json_get_identifier (object, "name", TRUE, &self->name, prefix, error) &&
             _strata_enum_values_parse (object, "values", TRUE, &self->values, prefix, error);

    case STRATA_OP_ALTER_ENUM:
      if (!check_keys (object, prefix, error, "name", "add_value", "before", "after", "rename_value", "to", NULL) ||
          !_strata_json_get_identifier (object, "name", TRUE, &self->name, prefix, error))
        return FALSE;
      if (json_object_has_member (object, "add_value") == json_object_has_member (object, "rename_value"))
        {
          _strata_json_error (error, prefix, _("give either \"add_value\" or \"rename_value\""));
          return FALSE;
        }
      if (json_object_has_member (object, "add_value"))
        {
          if (!_strata_json_get_string (object, "add_value", TRUE, &self->value, prefix, error) ||
              !_strata_json_get_string (object, "before", FALSE, &self->before, prefix, error) ||
              !_strata_json_get_string (object, "after", FALSE, &self->after, prefix, error))
            return FALSE;
          if (json_object_has_member (object, "to") || (self->before != NULL && self->after != NULL))
            {
              _strata_json_error (error, prefix, _("\"add_value\" takes \"before\" or \"after\", not both, "
                                                   "and no \"to\""));
              return FALSE;
            }
        }
      else if (!_strata_json_get_string (object, "rename_value", TRUE, &self->value, prefix, error) ||
               !_strata_json_get_string (object, "to", TRUE, &self->new_value, prefix, error) ||
               json_object_has_member (object, "before") || json_object_has_member (object, "after"))
        {
          if (error == NULL || *error == NULL)
            _strata_json_error (error, prefix, _("\"rename_value\" takes \"to\", not \"before\" or \"after\""));
          return FALSE;
        }
      if (*self->value == '\0' || (self->new_value != NULL && *self->new_value == '\0'))
        {
          _strata_json_error (error, prefix, _("an enum value must not be empty"));
          return FALSE;
        }
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * strata_op_new_from_json:
 * @node: a JSON object
 * @error: return location for a #GError
 *
 * Parses and validates one operation.
 *
 * Returns: (transfer full) (nullable): the operation, or %NULL with
 *   STRATA_ERROR_PARSE
 */
StrataOp *
strata_op_new_from_json (JsonNode  *node,
                         GError   **error)
{
  g_autoptr(StrataOp) self = NULL;
  g_autofree char *name = NULL;
  JsonObject *object;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(object = _strata_json_require_object (node, _("an operation"), NULL, error)) ||
      !_strata_json_get_string (object, "op", TRUE, &name, NULL, error))
    return NULL;

  for (guint kind = STRATA_OP_CREATE_TABLE; kind < G_N_ELEMENTS (op_names); kind++)
    if (g_str_equal (name, op_names[kind]))
      {
        self = _strata_op_new (kind);
        break;
      }

  if (self == NULL)
    {
      g_autofree char *shown = _strata_display (name);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("unknown operation %s"), shown);
      return NULL;
    }

  if (!parse_op (self, object, name, error) ||
      !parse_dialects (self, object, name, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * strata_ops_new_from_json:
 * @array: a JSON array of operations
 * @where: what the array is, for messages ("upgrade")
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StrataOp) (nullable): the operations
 */
GPtrArray *
strata_ops_new_from_json (JsonNode    *array,
                          const char  *where,
                          GError     **error)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  JsonArray *elements;

  g_return_val_if_fail (array != NULL, NULL);
  g_return_val_if_fail (where != NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (array))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("key \"%s\" must be an array of operations"), where);
      return NULL;
    }

  elements = json_node_get_array (array);
  for (guint i = 0; i < json_array_get_length (elements); i++)
    {
      StrataOp *op = strata_op_new_from_json (json_array_get_element (elements, i), error);

      if (op == NULL)
        {
          g_prefix_error (error, "%s[%u]: ", where, i);
          return NULL;
        }

      g_ptr_array_add (ops, op);
    }

  return g_steal_pointer (&ops);
}

/* }}} */

/* Serializing {{{ */

static JsonNode *
sql_texts_to_json (char **texts)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "sqlite", texts[STRATA_DIALECT_SQLITE]);
  json_object_set_string_member (object, "postgresql", texts[STRATA_DIALECT_POSTGRESQL]);
  return _strata_json_take_object (object);
}

static void
set_nullable_string (JsonObject *object,
                     const char *key,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, key, value);
  else
    json_object_set_null_member (object, key);
}

/**
 * strata_op_to_json:
 * @op: an operation
 *
 * Returns: (transfer full): the JSON form, keys in a stable order
 */
JsonNode *
strata_op_to_json (StrataOp *op)
{
  JsonObject *object;

  g_return_val_if_fail (op != NULL, NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "op", op_names[op->kind]);

  switch (op->kind)
    {
    case STRATA_OP_CREATE_TABLE:
      _strata_table_fill_json (op->definition, object);
      break;

    case STRATA_OP_DROP_TABLE:
      json_object_set_string_member (object, "table", op->table);
      break;

    case STRATA_OP_RENAME_TABLE:
      json_object_set_string_member (object, "table", op->table);
      json_object_set_string_member (object, "new_name", op->new_name);
      break;

    case STRATA_OP_ADD_COLUMN:
      json_object_set_string_member (object, "table", op->table);
      json_object_set_member (object, "column", strata_column_to_json (op->column_def));
      break;

    case STRATA_OP_DROP_COLUMN:
      json_object_set_string_member (object, "table", op->table);
      json_object_set_string_member (object, "column", op->column);
      break;

    case STRATA_OP_ALTER_COLUMN:
      json_object_set_string_member (object, "table", op->table);
      json_object_set_string_member (object, "column", op->column);
      if (op->type != NULL)
        json_object_set_member (object, "type", strata_data_type_to_json (op->type));
      if (op->using_expr != NULL)
        json_object_set_string_member (object, "using", op->using_expr);
      if (op->nullable >= 0)
        json_object_set_boolean_member (object, "nullable", op->nullable);
      if (op->set_default)
        set_nullable_string (object, "default", op->default_expr);
      if (op->new_name != NULL)
        json_object_set_string_member (object, "new_name", op->new_name);
      if (op->existing_type != NULL)
        json_object_set_member (object, "existing_type", strata_data_type_to_json (op->existing_type));
      if (op->existing_nullable >= 0)
        json_object_set_boolean_member (object, "existing_nullable", op->existing_nullable);
      if (op->has_existing_default)
        set_nullable_string (object, "existing_default", op->existing_default);
      break;

    case STRATA_OP_CREATE_INDEX:
      json_object_set_string_member (object, "table", op->table);
      _strata_index_fill_json (op->index, object);
      if (op->concurrently)
        json_object_set_boolean_member (object, "concurrently", TRUE);
      break;

    case STRATA_OP_DROP_INDEX:
      if (op->table != NULL)
        json_object_set_string_member (object, "table", op->table);
      json_object_set_string_member (object, "name", op->name);
      if (op->concurrently)
        json_object_set_boolean_member (object, "concurrently", TRUE);
      break;

    case STRATA_OP_ADD_FOREIGN_KEY:
      json_object_set_string_member (object, "table", op->table);
      _strata_foreign_key_fill_json (op->foreign_key, object);
      break;

    case STRATA_OP_ADD_UNIQUE:
      json_object_set_string_member (object, "table", op->table);
      _strata_unique_fill_json (op->unique, object);
      break;

    case STRATA_OP_ADD_CHECK:
      json_object_set_string_member (object, "table", op->table);
      _strata_check_fill_json (op->check, object);
      break;

    case STRATA_OP_DROP_CONSTRAINT:
      json_object_set_string_member (object, "table", op->table);
      json_object_set_string_member (object, "name", op->name);
      break;

    case STRATA_OP_INSERT:
      {
        g_autoptr(JsonNode) rows = json_node_init_array (json_node_alloc (), op->rows);

        json_object_set_string_member (object, "table", op->table);
        json_object_set_member (object, "rows", json_node_copy (rows));
      }
      break;

    case STRATA_OP_SQL:
      if (op->sql_per_dialect)
        {
          json_object_set_string_member (object, "sqlite", op->sql[STRATA_DIALECT_SQLITE]);
          json_object_set_string_member (object, "postgresql", op->sql[STRATA_DIALECT_POSTGRESQL]);
        }
      else
        json_object_set_string_member (object, "sql", op->sql[STRATA_DIALECT_SQLITE]);

      if (op->has_reverse && op->reverse_per_dialect)
        json_object_set_member (object, "reverse", sql_texts_to_json (op->reverse));
      else if (op->has_reverse)
        json_object_set_string_member (object, "reverse", op->reverse[STRATA_DIALECT_SQLITE]);
      break;

    case STRATA_OP_CREATE_SEQUENCE:
      json_object_set_string_member (object, "name", op->name);
      if (op->start != 1)
        json_object_set_int_member (object, "start", op->start);
      if (op->increment != 1)
        json_object_set_int_member (object, "increment", op->increment);
      break;

    case STRATA_OP_DROP_SEQUENCE:
    case STRATA_OP_DROP_ENUM:
      json_object_set_string_member (object, "name", op->name);
      break;

    case STRATA_OP_CREATE_ENUM:
      {
        JsonArray *values = json_array_new ();

        json_object_set_string_member (object, "name", op->name);
        for (guint i = 0; op->values[i] != NULL; i++)
          json_array_add_string_element (values, op->values[i]);
        json_object_set_array_member (object, "values", values);
      }
      break;

    case STRATA_OP_ALTER_ENUM:
      json_object_set_string_member (object, "name", op->name);
      if (op->new_value == NULL)
        {
          json_object_set_string_member (object, "add_value", op->value);
          if (op->before != NULL)
            json_object_set_string_member (object, "before", op->before);
          if (op->after != NULL)
            json_object_set_string_member (object, "after", op->after);
        }
      else
        {
          json_object_set_string_member (object, "rename_value", op->value);
          json_object_set_string_member (object, "to", op->new_value);
        }
      break;

    default:
      g_assert_not_reached ();
    }

  if (op->dialects != 0)
    {
      JsonArray *dialects = json_array_new ();

      for (int d = STRATA_DIALECT_SQLITE; d <= STRATA_DIALECT_POSTGRESQL; d++)
        if (op->dialects & (1u << d))
          json_array_add_string_element (dialects, strata_dialect_get_name (d));
      json_object_set_array_member (object, "dialects", dialects);
    }

  return _strata_json_take_object (object);
}

/**
 * strata_ops_to_json:
 * @ops: (element-type StrataOp): operations
 *
 * Returns: (transfer full): a JSON array
 */
JsonNode *
strata_ops_to_json (GPtrArray *ops)
{
  JsonArray *array;

  g_return_val_if_fail (ops != NULL, NULL);

  array = json_array_sized_new (ops->len);
  for (guint i = 0; i < ops->len; i++)
    json_array_add_element (array, strata_op_to_json (g_ptr_array_index (ops, i)));

  return _strata_json_take_array (array);
}

gboolean
strata_op_equal (StrataOp *a,
                 StrataOp *b)
{
  g_autoptr(JsonNode) ja = NULL;
  g_autoptr(JsonNode) jb = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a == b)
    return TRUE;
  if (a->kind != b->kind)
    return FALSE;

  ja = strata_op_to_json (a);
  jb = strata_op_to_json (b);
  return json_node_equal (ja, jb);
}

/* }}} */

/* Describing {{{ */

static void
append_names (GString            *out,
              const char * const *names)
{
  g_string_append (out, " (");
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, names[i]);
    }
  g_string_append_c (out, ')');
}

static char *
first_line (const char *sql)
{
  g_autofree char *stripped = g_strstrip (g_strdup (sql));
  g_autoptr(GString) line = g_string_new (NULL);
  const char *end = strchr (stripped, '\n');
  gsize len = end ? (gsize)(end - stripped) : strlen (stripped);

  g_string_append_len (line, stripped, len);
  g_strchomp (line->str);
  line->len = strlen (line->str);

  if (g_utf8_strlen (line->str, -1) > 60)
    {
      g_string_truncate (line, g_utf8_offset_to_pointer (line->str, 59) - line->str);
      g_string_append (line, "…");
    }
  else if (end != NULL)
    g_string_append (line, " …");

  return g_string_free (g_steal_pointer (&line), FALSE);
}

/**
 * strata_op_describe:
 * @op: an operation
 *
 * Returns: (transfer full): one line for a person, e.g. "add column
 *   account.email"
 */
char *
strata_op_describe (StrataOp *op)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (op != NULL, NULL);

  switch (op->kind)
    {
    case STRATA_OP_CREATE_TABLE:
      g_string_append_printf (out, _("create table %s"), op->table);
      break;

    case STRATA_OP_DROP_TABLE:
      g_string_append_printf (out, _("drop table %s"), op->table);
      break;

    case STRATA_OP_RENAME_TABLE:
      g_string_append_printf (out, _("rename table %s to %s"), op->table, op->new_name);
      break;

    case STRATA_OP_ADD_COLUMN:
      g_string_append_printf (out, _("add column %s.%s"), op->table, strata_column_get_name (op->column_def));
      break;

    case STRATA_OP_DROP_COLUMN:
      g_string_append_printf (out, _("drop column %s.%s"), op->table, op->column);
      break;

    case STRATA_OP_ALTER_COLUMN:
      {
        const char *sep = ": ";

        g_string_append_printf (out, _("alter column %s.%s"), op->table, op->column);
        if (op->type != NULL)
          {
            g_autofree char *type = strata_data_type_to_string (op->type);
            g_string_append_printf (out, "%stype %s", sep, type);
            sep = ", ";
          }
        if (op->nullable >= 0)
          {
            g_string_append_printf (out, "%s%s", sep, op->nullable ? _("nullable") : _("not null"));
            sep = ", ";
          }
        if (op->set_default && op->default_expr != NULL)
          {
            g_string_append_printf (out, "%sdefault %s", sep, op->default_expr);
            sep = ", ";
          }
        else if (op->set_default)
          {
            g_string_append_printf (out, _("%sdrop default"), sep);
            sep = ", ";
          }
        if (op->new_name != NULL)
          g_string_append_printf (out, _("%srename to %s"), sep, op->new_name);
      }
      break;

    case STRATA_OP_CREATE_INDEX:
      g_string_append_printf (out, "create %sindex %s on %s",
                              strata_index_get_unique (op->index) ? "unique " : "", op->name, op->table);
      append_names (out, strata_index_get_columns (op->index));
      if (strata_index_get_where (op->index) != NULL)
        g_string_append_printf (out, " where %s", strata_index_get_where (op->index));
      break;

    case STRATA_OP_DROP_INDEX:
      g_string_append_printf (out, _("drop index %s"), op->name);
      if (op->table != NULL)
        g_string_append_printf (out, " on %s", op->table);
      break;

    case STRATA_OP_ADD_FOREIGN_KEY:
      g_string_append_printf (out, _("add foreign key %s on %s"), op->name, op->table);
      append_names (out, strata_foreign_key_get_columns (op->foreign_key));
      g_string_append_printf (out, " references %s", strata_foreign_key_get_references (op->foreign_key));
      append_names (out, strata_foreign_key_get_ref_columns (op->foreign_key));
      break;

    case STRATA_OP_ADD_UNIQUE:
      g_string_append_printf (out, _("add unique constraint %s on %s"), op->name, op->table);
      append_names (out, strata_unique_get_columns (op->unique));
      break;

    case STRATA_OP_ADD_CHECK:
      g_string_append_printf (out, _("add check constraint %s on %s (%s)"),
                              op->name, op->table, strata_check_get_expression (op->check));
      break;

    case STRATA_OP_DROP_CONSTRAINT:
      g_string_append_printf (out, _("drop constraint %s on %s"), op->name, op->table);
      break;

    case STRATA_OP_INSERT:
      {
        guint n = json_array_get_length (op->rows);
        g_string_append_printf (out, g_dngettext (STRATA_I18N_DOMAIN, "insert %u row into %s",
                                                  "insert %u rows into %s", n),
                                n, op->table);
      }
      break;

    case STRATA_OP_SQL:
      {
        const char *text = op->sql[STRATA_DIALECT_POSTGRESQL];
        g_autofree char *line = NULL;

        if (*text == '\0')
          text = op->sql[STRATA_DIALECT_SQLITE];
        line = first_line (text);
        g_string_append_printf (out, _("run SQL%s: %s"), op->sql_per_dialect ? _(" per dialect") : "", line);
      }
      break;

    case STRATA_OP_CREATE_SEQUENCE:
      g_string_append_printf (out, _("create sequence %s"), op->name);
      break;

    case STRATA_OP_DROP_SEQUENCE:
      g_string_append_printf (out, _("drop sequence %s"), op->name);
      break;

    case STRATA_OP_CREATE_ENUM:
      g_string_append_printf (out, _("create enum type %s"), op->name);
      break;

    case STRATA_OP_DROP_ENUM:
      g_string_append_printf (out, _("drop enum type %s"), op->name);
      break;

    case STRATA_OP_ALTER_ENUM:
      if (op->new_value == NULL)
        g_string_append_printf (out, _("add value '%s' to enum type %s"), op->value, op->name);
      else
        g_string_append_printf (out, _("rename value '%s' of enum type %s to '%s'"), op->value, op->name,
                                op->new_value);
      break;

    default:
      g_assert_not_reached ();
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
sql_looks_destructive (const char *sql)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("\\b(DROP|DELETE|TRUNCATE)\\b", G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return g_regex_match (regex, sql, 0, NULL);
}

/* PostgreSQL's own grammar (libpg_query, as the driver splits scripts)
 * reads @sql: whether a statement drops, deletes, truncates or drops a
 * column. Words in string literals, comments and dollar-quoted bodies do
 * not count; statements of a BEGIN ATOMIC body do. FALSE in *@parsed when
 * the grammar refuses the text. */
static gboolean
pg_sql_is_destructive (const char *sql,
                       gboolean   *parsed)
{
  static const char * const nodes[] = {
    "\"DropStmt\":", "\"DeleteStmt\":", "\"TruncateStmt\":", "\"subtype\":\"AT_DropColumn\"",
  };
  PgQueryParseResult result = pg_query_parse (sql);
  gboolean destructive = FALSE;

  *parsed = result.error == NULL && result.parse_tree != NULL;
  for (guint i = 0; *parsed && i < G_N_ELEMENTS (nodes) && !destructive; i++)
    destructive = strstr (result.parse_tree, nodes[i]) != NULL;

  pg_query_free_parse_result (result);

  return destructive;
}

static gboolean
sql_op_is_destructive (StrataOp *op)
{
  const char *pg = op->sql[STRATA_DIALECT_POSTGRESQL];
  const char *sqlite = op->sql[STRATA_DIALECT_SQLITE];
  gboolean parsed = FALSE;
  gboolean destructive = FALSE;

  if (*pg != '\0')
    destructive = pg_sql_is_destructive (pg, &parsed);
  if (!parsed)
    destructive = sql_looks_destructive (pg);

  /* The same text on SQLite is the same statements. */
  if (op->sql_per_dialect || !parsed)
    destructive |= sql_looks_destructive (sqlite);

  return destructive;
}

/**
 * strata_op_is_destructive:
 * @op: an operation
 *
 * Drops of tables and columns, type changes and raw SQL that drops, deletes
 * or truncates can lose data.
 *
 * Returns: %TRUE when @op can lose data
 */
gboolean
strata_op_is_destructive (StrataOp *op)
{
  g_return_val_if_fail (op != NULL, FALSE);

  switch (op->kind)
    {
    case STRATA_OP_DROP_TABLE:
    case STRATA_OP_DROP_COLUMN:
      return TRUE;

    case STRATA_OP_ALTER_COLUMN:
      return op->type != NULL;

    case STRATA_OP_SQL:
      return sql_op_is_destructive (op);

    case STRATA_OP_CREATE_TABLE:
    case STRATA_OP_RENAME_TABLE:
    case STRATA_OP_ADD_COLUMN:
    case STRATA_OP_CREATE_INDEX:
    case STRATA_OP_DROP_INDEX:
    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_ADD_CHECK:
    case STRATA_OP_DROP_CONSTRAINT:
    case STRATA_OP_INSERT:
    case STRATA_OP_CREATE_SEQUENCE:
    case STRATA_OP_DROP_SEQUENCE:
    case STRATA_OP_CREATE_ENUM:
    case STRATA_OP_DROP_ENUM:
    case STRATA_OP_ALTER_ENUM:
    default:
      return FALSE;
    }
}

/* }}} */

/* Inverting {{{ */

/* Sets STRATA_ERROR_IRREVERSIBLE and returns NULL. */
static StrataOp *
irreversible (GError     **error,
              StrataOp    *op,
              const char  *reason)
{
  g_autofree char *what = strata_op_describe (op);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE,
               _("%s (%s) has no inverse: %s"), op_names[op->kind], what, reason);
  return NULL;
}

static StrataOp *
invert_alter_column (StrataOp  *op,
                     GError   **error)
{
  g_autoptr(StrataOp) inverse = _strata_op_new (STRATA_OP_ALTER_COLUMN);

  if (op->type != NULL && op->existing_type == NULL)
    return irreversible (error, op, _("the column's type before the change is unknown; "
                                      "give \"existing_type\""));
  if (op->set_default && !op->has_existing_default)
    return irreversible (error, op, _("the column's default before the change is unknown; "
                                      "give \"existing_default\""));

  inverse->table = g_strdup (op->table);
  inverse->column = g_strdup (op->new_name ? op->new_name : op->column);
  inverse->new_name = op->new_name ? g_strdup (op->column) : NULL;

  if (op->type != NULL)
    {
      inverse->type = strata_data_type_ref (op->existing_type);
      inverse->existing_type = strata_data_type_ref (op->type);
    }

  if (op->nullable >= 0)
    {
      /* Setting NOT NULL means it was nullable before, and the other way. */
      inverse->nullable = op->existing_nullable >= 0 ? op->existing_nullable : !op->nullable;
      inverse->existing_nullable = op->nullable;
    }

  if (op->set_default)
    {
      inverse->set_default = TRUE;
      inverse->default_expr = g_strdup (op->existing_default);
      inverse->has_existing_default = TRUE;
      inverse->existing_default = g_strdup (op->default_expr);
    }

  return g_steal_pointer (&inverse);
}

/**
 * strata_op_invert:
 * @op: an operation
 * @error: return location for a #GError
 *
 * The inverse of @op from what @op itself says; a drop needs the schema
 * model and is STRATA_ERROR_IRREVERSIBLE here.
 *
 * Returns: (transfer full) (nullable): the inverse
 */
static StrataOp *invert_op (StrataOp  *op,
                            GError   **error);

StrataOp *
strata_op_invert (StrataOp  *op,
                  GError   **error)
{
  StrataOp *inverse;

  g_return_val_if_fail (op != NULL, NULL);

  /* The inverse runs where the operation ran. */
  if ((inverse = invert_op (op, error)) != NULL)
    inverse->dialects = op->dialects;

  return inverse;
}

static StrataOp *
invert_op (StrataOp  *op,
           GError   **error)
{
  StrataOp *inverse = NULL;

  g_return_val_if_fail (op != NULL, NULL);

  switch (op->kind)
    {
    case STRATA_OP_CREATE_TABLE:
      return strata_op_new_drop_table (op->table);

    case STRATA_OP_RENAME_TABLE:
      return strata_op_new_rename_table (op->new_name, op->table);

    case STRATA_OP_ADD_COLUMN:
      return strata_op_new_drop_column (op->table, strata_column_get_name (op->column_def));

    case STRATA_OP_ALTER_COLUMN:
      return invert_alter_column (op, error);

    case STRATA_OP_CREATE_INDEX:
      inverse = strata_op_new_drop_index (op->table, op->name);
      inverse->concurrently = op->concurrently;
      return inverse;

    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_ADD_CHECK:
      return strata_op_new_drop_constraint (op->table, op->name);

    case STRATA_OP_CREATE_SEQUENCE:
      return strata_op_new_drop_sequence (op->name);

    case STRATA_OP_CREATE_ENUM:
      return strata_op_new_drop_enum (op->name);

    case STRATA_OP_ALTER_ENUM:
      if (op->new_value == NULL)
        return irreversible (error, op, _("PostgreSQL cannot remove a value from an enum type"));
      inverse = _strata_op_new (STRATA_OP_ALTER_ENUM);
      inverse->name = g_strdup (op->name);
      inverse->value = g_strdup (op->new_value);
      inverse->new_value = g_strdup (op->value);
      return inverse;

    case STRATA_OP_SQL:
      if (!op->has_reverse)
        return irreversible (error, op, _("it has no \"reverse\""));

      inverse = _strata_op_new (STRATA_OP_SQL);
      inverse->sql_per_dialect = op->reverse_per_dialect;
      inverse->has_reverse = TRUE;
      inverse->reverse_per_dialect = op->sql_per_dialect;
      for (guint i = 0; i < G_N_ELEMENTS (op->sql); i++)
        {
          inverse->sql[i] = g_strdup (op->reverse[i]);
          inverse->reverse[i] = g_strdup (op->sql[i]);
        }
      return inverse;

    case STRATA_OP_DROP_TABLE:
      return irreversible (error, op, _("the table's definition is only known from the schema model"));

    case STRATA_OP_DROP_COLUMN:
      return irreversible (error, op, _("the column's definition is only known from the schema model"));

    case STRATA_OP_DROP_INDEX:
      return irreversible (error, op, _("the index's definition is only known from the schema model"));

    case STRATA_OP_DROP_CONSTRAINT:
      return irreversible (error, op, _("the constraint's definition is only known from the schema model"));

    case STRATA_OP_INSERT:
      return irreversible (error, op, _("inserted rows are not deleted automatically"));

    case STRATA_OP_DROP_SEQUENCE:
      return irreversible (error, op, _("the sequence's definition is only known from the schema model"));

    case STRATA_OP_DROP_ENUM:
      return irreversible (error, op, _("the enum type's values are only known from the schema model"));

    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * strata_ops_invert:
 * @ops: (element-type StrataOp): the upgrade operations
 * @error: return location for a #GError
 *
 * The inverse of each operation, in reverse order. An error names the
 * operation as "upgrade[INDEX]".
 *
 * Returns: (transfer full) (element-type StrataOp) (nullable): the inverse
 */
GPtrArray *
strata_ops_invert (GPtrArray  *ops,
                   GError    **error)
{
  g_autoptr(GPtrArray) inverse = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);

  g_return_val_if_fail (ops != NULL, NULL);

  for (guint i = ops->len; i > 0; i--)
    {
      StrataOp *op = strata_op_invert (g_ptr_array_index (ops, i - 1), error);

      if (op == NULL)
        {
          g_prefix_error (error, "upgrade[%u]: ", i - 1);
          return NULL;
        }

      g_ptr_array_add (inverse, op);
    }

  return g_steal_pointer (&inverse);
}

/* }}} */

/* Constructors {{{ */

StrataOp *
strata_op_new_create_table (StrataTable *definition)
{
  StrataOp *self;

  g_return_val_if_fail (definition != NULL, NULL);

  self = _strata_op_new (STRATA_OP_CREATE_TABLE);
  self->definition = strata_table_ref (definition);
  self->table = g_strdup (strata_table_get_name (definition));
  return self;
}

StrataOp *
strata_op_new_drop_table (const char *table)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);

  self = _strata_op_new (STRATA_OP_DROP_TABLE);
  self->table = g_strdup (table);
  return self;
}

StrataOp *
strata_op_new_rename_table (const char *table,
                            const char *new_name)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (new_name != NULL, NULL);

  self = _strata_op_new (STRATA_OP_RENAME_TABLE);
  self->table = g_strdup (table);
  self->new_name = g_strdup (new_name);
  return self;
}

StrataOp *
strata_op_new_add_column (const char   *table,
                          StrataColumn *column)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (column != NULL, NULL);

  self = _strata_op_new (STRATA_OP_ADD_COLUMN);
  self->table = g_strdup (table);
  self->column_def = strata_column_ref (column);
  return self;
}

StrataOp *
strata_op_new_drop_column (const char *table,
                           const char *column)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (column != NULL, NULL);

  self = _strata_op_new (STRATA_OP_DROP_COLUMN);
  self->table = g_strdup (table);
  self->column = g_strdup (column);
  return self;
}

StrataOp *
strata_op_new_create_index (const char  *table,
                            StrataIndex *index)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (index != NULL, NULL);

  self = _strata_op_new (STRATA_OP_CREATE_INDEX);
  self->table = g_strdup (table);
  self->index = strata_index_ref (index);
  self->name = g_strdup (strata_index_get_name (index));
  return self;
}

StrataOp *
strata_op_new_drop_index (const char *table,
                          const char *name)
{
  StrataOp *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = _strata_op_new (STRATA_OP_DROP_INDEX);
  self->table = g_strdup (table);
  self->name = g_strdup (name);
  return self;
}

StrataOp *
strata_op_new_add_foreign_key (const char       *table,
                               StrataForeignKey *foreign_key)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (foreign_key != NULL, NULL);

  self = _strata_op_new (STRATA_OP_ADD_FOREIGN_KEY);
  self->table = g_strdup (table);
  self->foreign_key = strata_foreign_key_ref (foreign_key);
  self->name = g_strdup (strata_foreign_key_get_name (foreign_key));
  return self;
}

StrataOp *
strata_op_new_add_unique (const char   *table,
                          StrataUnique *unique)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (unique != NULL, NULL);

  self = _strata_op_new (STRATA_OP_ADD_UNIQUE);
  self->table = g_strdup (table);
  self->unique = strata_unique_ref (unique);
  self->name = g_strdup (strata_unique_get_name (unique));
  return self;
}

StrataOp *
strata_op_new_add_check (const char  *table,
                         StrataCheck *check)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (check != NULL, NULL);

  self = _strata_op_new (STRATA_OP_ADD_CHECK);
  self->table = g_strdup (table);
  self->check = strata_check_ref (check);
  self->name = g_strdup (strata_check_get_name (check));
  return self;
}

StrataOp *
strata_op_new_drop_constraint (const char *table,
                               const char *name)
{
  StrataOp *self;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  self = _strata_op_new (STRATA_OP_DROP_CONSTRAINT);
  self->table = g_strdup (table);
  self->name = g_strdup (name);
  return self;
}

StrataOp *
strata_op_new_create_sequence (const char *name,
                               gint64      start,
                               gint64      increment)
{
  StrataOp *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (increment != 0, NULL);

  self = _strata_op_new (STRATA_OP_CREATE_SEQUENCE);
  self->name = g_strdup (name);
  self->start = start;
  self->increment = increment;
  return self;
}

StrataOp *
strata_op_new_drop_sequence (const char *name)
{
  StrataOp *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = _strata_op_new (STRATA_OP_DROP_SEQUENCE);
  self->name = g_strdup (name);
  return self;
}

StrataOp *
strata_op_new_create_enum (const char         *name,
                           const char * const *values)
{
  StrataOp *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (values != NULL && values[0] != NULL, NULL);

  self = _strata_op_new (STRATA_OP_CREATE_ENUM);
  self->name = g_strdup (name);
  self->values = g_strdupv ((char **)values);
  return self;
}

StrataOp *
strata_op_new_drop_enum (const char *name)
{
  StrataOp *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = _strata_op_new (STRATA_OP_DROP_ENUM);
  self->name = g_strdup (name);
  return self;
}

StrataOp *
strata_op_new_sql (const char *sql,
                   const char *reverse)
{
  StrataOp *self;

  g_return_val_if_fail (sql != NULL, NULL);

  self = _strata_op_new (STRATA_OP_SQL);
  self->sql[STRATA_DIALECT_SQLITE] = g_strdup (sql);
  self->sql[STRATA_DIALECT_POSTGRESQL] = g_strdup (sql);
  if (reverse != NULL)
    {
      self->has_reverse = TRUE;
      self->reverse[STRATA_DIALECT_SQLITE] = g_strdup (reverse);
      self->reverse[STRATA_DIALECT_POSTGRESQL] = g_strdup (reverse);
    }
  return self;
}

/* }}} */
