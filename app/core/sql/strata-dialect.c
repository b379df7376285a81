/* strata-dialect.c: SQL rendering per dialect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-dialect"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "strata-dialect.h"
#include "strata-dialect-private.h"
#include "strata-error.h"
#include "strata-json-private.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-i18n-private.h"

/* Identifiers are always double-quoted (SQLite accepts the standard quotes
 * too), so any name a migration may use works the same on both engines.
 * String literals assume PostgreSQL's standard_conforming_strings (on by
 * default since 9.1): only the quote is doubled. */

char *
strata_dialect_quote_identifier (StrataDialect  dialect,
                                 const char    *name)
{
  GString *out;

  g_return_val_if_fail (name != NULL, NULL);

  out = g_string_sized_new (strlen (name) + 2);
  g_string_append_c (out, '"');
  for (const char *p = name; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

char *
strata_dialect_quote_literal (StrataDialect  dialect,
                              const char    *value)
{
  GString *out;

  if (value == NULL)
    return NULL;

  out = g_string_sized_new (strlen (value) + 2);
  g_string_append_c (out, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '\'')
        g_string_append_c (out, '\'');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');

  return g_string_free (out, FALSE);
}

/* Pieces {{{ */

static void
append_identifier (GString       *out,
                   StrataDialect  dialect,
                   const char    *name)
{
  g_autofree char *quoted = strata_dialect_quote_identifier (dialect, name);
  g_string_append (out, quoted);
}

static void
append_identifiers (GString            *out,
                    StrataDialect       dialect,
                    const char * const *names)
{
  g_string_append_c (out, '(');
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      append_identifier (out, dialect, names[i]);
    }
  g_string_append_c (out, ')');
}

static GRegex *
literal_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("^\\s*("
                               "[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?"
                               "|0[xX][0-9a-fA-F]+"
                               "|'([^']|'')*'"
                               "|[xX]'[0-9a-fA-F]*'"
                               "|NULL|TRUE|FALSE"
                               "|(CURRENT_TIME|CURRENT_DATE|CURRENT_TIMESTAMP)"
                               ")\\s*$",
                               G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return regex;
}

/* SQLite takes literals and CURRENT_* bare, anything else in parentheses. */
static gboolean
sqlite_default_is_literal (const char *expr,
                           gboolean   *is_constant)
{
  g_autoptr(GMatchInfo) match = NULL;

  if (!g_regex_match (literal_regex (), expr, 0, &match))
    {
      *is_constant = FALSE;
      return FALSE;
    }

  {
    g_autofree char *current = g_match_info_fetch (match, 6);
    *is_constant = current == NULL || *current == '\0';
  }

  return TRUE;
}

static gboolean
is_null_literal (const char *expr)
{
  g_autofree char *stripped = g_strstrip (g_strdup (expr));
  return g_ascii_strcasecmp (stripped, "NULL") == 0;
}

static void
append_default (GString       *out,
                StrataDialect  dialect,
                const char    *expr)
{
  gboolean is_constant;

  g_string_append (out, " DEFAULT ");
  if (dialect == STRATA_DIALECT_SQLITE && !sqlite_default_is_literal (expr, &is_constant))
    g_string_append_printf (out, "(%s)", expr);
  else
    g_string_append (out, expr);
}

static char *
render_column (StrataDialect  dialect,
               StrataColumn  *column,
               gboolean       inline_primary_key,
               const char    *primary_key_name)
{
  GString *out = g_string_new (NULL);
  g_autofree char *type = NULL;
  gboolean autoincrement = strata_column_get_autoincrement (column);

  g_return_val_if_fail (column != NULL, NULL);

  /* SQLite's AUTOINCREMENT needs exactly INTEGER PRIMARY KEY. */
  if (autoincrement && dialect == STRATA_DIALECT_SQLITE)
    type = g_strdup ("INTEGER");
  else
    type = strata_dialect_render_data_type (dialect, strata_column_get_data_type (column));

  append_identifier (out, dialect, strata_column_get_name (column));
  g_string_append_printf (out, " %s", type);

  if (!strata_column_get_nullable (column))
    g_string_append (out, " NOT NULL");

  if (strata_column_get_default_for_dialect (column, dialect) != NULL)
    append_default (out, dialect, strata_column_get_default_for_dialect (column, dialect));

  if (autoincrement && dialect == STRATA_DIALECT_POSTGRESQL)
    g_string_append (out, " GENERATED BY DEFAULT AS IDENTITY");

  /* SQLite has no enum types: a CHECK keeps the column to the values. */
  if (dialect == STRATA_DIALECT_SQLITE &&
      strata_data_type_get_enum_values (strata_column_get_data_type (column)) != NULL)
    {
      g_autofree char *check = _strata_dialect_sqlite_enum_check (
        strata_column_get_name (column), strata_data_type_get_enum_values (strata_column_get_data_type (column)));

      g_string_append_printf (out, " CHECK (%s)", check);
    }

  if (inline_primary_key)
    {
      if (primary_key_name != NULL)
        {
          g_string_append (out, " CONSTRAINT ");
          append_identifier (out, dialect, primary_key_name);
        }
      g_string_append (out, " PRIMARY KEY");
      if (autoincrement && dialect == STRATA_DIALECT_SQLITE)
        g_string_append (out, " AUTOINCREMENT");
    }

  return g_string_free (out, FALSE);
}

char *
strata_dialect_render_column (StrataDialect  dialect,
                              StrataColumn  *column,
                              gboolean       inline_primary_key)
{
  return render_column (dialect, column, inline_primary_key, NULL);
}

static const char *
referential_action_sql (StrataReferentialAction action)
{
  switch (action)
    {
    case STRATA_REFERENTIAL_ACTION_NO_ACTION:
      return "NO ACTION";
    case STRATA_REFERENTIAL_ACTION_RESTRICT:
      return "RESTRICT";
    case STRATA_REFERENTIAL_ACTION_CASCADE:
      return "CASCADE";
    case STRATA_REFERENTIAL_ACTION_SET_NULL:
      return "SET NULL";
    case STRATA_REFERENTIAL_ACTION_SET_DEFAULT:
      return "SET DEFAULT";
    case STRATA_REFERENTIAL_ACTION_NONE:
    default:
      return NULL;
    }
}

static void
append_foreign_key (GString          *out,
                    StrataDialect     dialect,
                    StrataForeignKey *fk)
{
  const char *action;

  g_string_append (out, "CONSTRAINT ");
  append_identifier (out, dialect, strata_foreign_key_get_name (fk));
  g_string_append (out, " FOREIGN KEY ");
  append_identifiers (out, dialect, strata_foreign_key_get_columns (fk));
  g_string_append (out, " REFERENCES ");
  append_identifier (out, dialect, strata_foreign_key_get_references (fk));
  g_string_append_c (out, ' ');
  append_identifiers (out, dialect, strata_foreign_key_get_ref_columns (fk));

  if ((action = referential_action_sql (strata_foreign_key_get_on_delete (fk))))
    g_string_append_printf (out, " ON DELETE %s", action);
  if ((action = referential_action_sql (strata_foreign_key_get_on_update (fk))))
    g_string_append_printf (out, " ON UPDATE %s", action);
}

static void
append_unique (GString       *out,
               StrataDialect  dialect,
               StrataUnique  *unique)
{
  g_string_append (out, "CONSTRAINT ");
  append_identifier (out, dialect, strata_unique_get_name (unique));
  g_string_append (out, " UNIQUE ");
  append_identifiers (out, dialect, strata_unique_get_columns (unique));
}

static void
append_check (GString       *out,
              StrataDialect  dialect,
              StrataCheck   *check)
{
  g_string_append (out, "CONSTRAINT ");
  append_identifier (out, dialect, strata_check_get_name (check));
  g_string_append_printf (out, " CHECK (%s)", strata_check_get_expression (check));
}

static char *
render_create_index (StrataDialect  dialect,
                     const char    *table,
                     StrataIndex   *index,
                     gboolean       concurrently)
{
  GString *out = g_string_new ("CREATE ");

  if (strata_index_get_unique (index))
    g_string_append (out, "UNIQUE ");
  g_string_append (out, "INDEX ");
  if (concurrently && dialect == STRATA_DIALECT_POSTGRESQL)
    g_string_append (out, "CONCURRENTLY ");
  append_identifier (out, dialect, strata_index_get_name (index));
  g_string_append (out, " ON ");
  append_identifier (out, dialect, table);
  g_string_append_c (out, ' ');
  append_identifiers (out, dialect, strata_index_get_columns (index));
  if (strata_index_get_where (index) != NULL)
    g_string_append_printf (out, " WHERE %s", strata_index_get_where (index));

  return g_string_free (out, FALSE);
}

/**
 * strata_dialect_render_create_table:
 * @dialect: the dialect
 * @table: the table
 *
 * Returns: (transfer full) (element-type utf8): the statements, without a trailing ";"
 */
GPtrArray *
strata_dialect_render_create_table (StrataDialect  dialect,
                                    StrataTable   *table)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) primary_key = NULL;
  GString *out;
  GPtrArray *items;
  const char *sep = "\n  ";

  g_return_val_if_fail (table != NULL, NULL);

  primary_key = strata_table_dup_primary_key (table);

  out = g_string_new ("CREATE TABLE ");
  append_identifier (out, dialect, strata_table_get_name (table));
  g_string_append (out, " (");

  items = strata_table_get_columns (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataColumn *column_def = g_ptr_array_index (items, i);
      g_autofree char *column = NULL;

      column = render_column (dialect, column_def,
                              g_strv_length (primary_key) == 1 && strata_column_get_primary_key (column_def),
                              strata_table_get_primary_key_name (table));
      g_string_append_printf (out, "%s%s", sep, column);
      sep = ",\n  ";
    }

  if (g_strv_length (primary_key) > 1)
    {
      g_string_append (out, sep);
      if (strata_table_get_primary_key_name (table) != NULL)
        {
          g_string_append (out, "CONSTRAINT ");
          append_identifier (out, dialect, strata_table_get_primary_key_name (table));
          g_string_append_c (out, ' ');
        }
      g_string_append (out, "PRIMARY KEY ");
      append_identifiers (out, dialect, (const char * const *)primary_key);
    }

  items = strata_table_get_uniques (table);
  for (guint i = 0; i < items->len; i++)
    {
      g_string_append (out, sep);
      append_unique (out, dialect, g_ptr_array_index (items, i));
    }

  items = strata_table_get_foreign_keys (table);
  for (guint i = 0; i < items->len; i++)
    {
      g_string_append (out, sep);
      append_foreign_key (out, dialect, g_ptr_array_index (items, i));
    }

  items = strata_table_get_checks (table);
  for (guint i = 0; i < items->len; i++)
    {
      g_string_append (out, sep);
      append_check (out, dialect, g_ptr_array_index (items, i));
    }

  g_string_append (out, "\n)");
  g_ptr_array_add (statements, g_string_free (out, FALSE));

  items = strata_table_get_indexes (table);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (statements, render_create_index (dialect, strata_table_get_name (table),
                                                      g_ptr_array_index (items, i), FALSE));

  return statements;
}

static char *
alter_table (StrataDialect  dialect,
             const char    *table,
             const char    *format,
             ...) G_GNUC_PRINTF (3, 4);

static char *
alter_table (StrataDialect  dialect,
             const char    *table,
             const char    *format,
             ...)
{
  GString *out = g_string_new ("ALTER TABLE ");
  va_list args;

  append_identifier (out, dialect, table);
  g_string_append_c (out, ' ');
  va_start (args, format);
  g_string_append_vprintf (out, format, args);
  va_end (args);

  return g_string_free (out, FALSE);
}

static void
append_number (GString  *out,
               JsonNode *value)
{
  if (json_node_get_value_type (value) == G_TYPE_DOUBLE)
    {
      double number = json_node_get_double (value);
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      for (int precision = 15; precision <= 17; precision++)
        {
          char format[8];

          g_snprintf (format, sizeof format, "%%.%dg", precision);
          g_ascii_formatd (buffer, sizeof buffer, format, number);
          if (g_ascii_strtod (buffer, NULL) == number)
            break;
        }
      g_string_append (out, buffer);
    }
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (value));
}

static void
append_json_literal (GString       *out,
                     StrataDialect  dialect,
                     JsonNode      *value)
{
  if (JSON_NODE_HOLDS_NULL (value))
    g_string_append (out, "NULL");
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      g_autofree char *literal = strata_dialect_quote_literal (dialect, json_node_get_string (value));
      g_string_append (out, literal);
    }
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    {
      if (dialect == STRATA_DIALECT_SQLITE)
        g_string_append (out, json_node_get_boolean (value) ? "1" : "0");
      else
        g_string_append (out, json_node_get_boolean (value) ? "TRUE" : "FALSE");
    }
  else if (JSON_NODE_HOLDS_VALUE (value))
    append_number (out, value);
  else if (_strata_json_get_number_text (value) != NULL)
    /* The literal as written: numeric(38,10) keeps every digit. */
    g_string_append (out, _strata_json_get_number_text (value));
  else
    {
      /* Arrays and objects go in as their JSON text (json/jsonb columns). */
      g_autofree char *text = _strata_json_to_canonical (value);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, text);
      g_string_append (out, literal);
    }
}

static char *
render_insert_row (StrataDialect  dialect,
                   const char    *table,
                   JsonObject    *row)
{
  g_autoptr(GList) members = json_object_get_members (row);
  GString *out = g_string_new ("INSERT INTO ");
  const char *sep = "";

  append_identifier (out, dialect, table);
  g_string_append (out, " (");
  for (const GList *l = members; l != NULL; l = l->next, sep = ", ")
    {
      g_string_append (out, sep);
      append_identifier (out, dialect, l->data);
    }

  g_string_append (out, ") VALUES (");
  sep = "";
  for (const GList *l = members; l != NULL; l = l->next, sep = ", ")
    {
      g_string_append (out, sep);
      append_json_literal (out, dialect, json_object_get_member (row, l->data));
    }
  g_string_append_c (out, ')');

  return g_string_free (out, FALSE);
}

/* PostgreSQL: after rows with explicit values, the identity or serial
 * sequence of each column given is advanced past the largest value, so the
 * next INSERT that leaves the column out does not collide. The server
 * decides which columns own a sequence (pg_get_serial_sequence), at run
 * time; a sequence already further on is left where it is. */
static char *
render_advance_sequences (const char *table,
                          JsonArray  *rows)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *quoted = strata_dialect_quote_identifier (STRATA_DIALECT_POSTGRESQL, table);
  g_autofree char *table_literal = strata_dialect_quote_literal (STRATA_DIALECT_POSTGRESQL, quoted);
  GString *out = g_string_new (NULL);
  const char *sep = "";

  g_string_append (out, "DO $strata$DECLARE c text; s regclass; m bigint; BEGIN\n"
                        "FOREACH c IN ARRAY ARRAY[");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      g_autoptr(GList) members = json_object_get_members (row);

      for (const GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *literal = NULL;

          if (!g_hash_table_add (seen, l->data))
            continue;
          literal = strata_dialect_quote_literal (STRATA_DIALECT_POSTGRESQL, l->data);
          g_string_append_printf (out, "%s%s", sep, literal);
          sep = ", ";
        }
    }
  g_string_append_printf (out, "]::text[] LOOP\n"
                               "  s := pg_get_serial_sequence(%s, c);\n"
                               "  CONTINUE WHEN s IS NULL;\n"
                               "  EXECUTE format('SELECT max(%%I)::bigint FROM %%s', c, %s) INTO m;\n"
                               "  IF m IS NOT NULL AND m >= COALESCE(pg_sequence_last_value(s), "
                               "(SELECT seqmin FROM pg_sequence WHERE seqrelid = s)) THEN\n"
                               "    PERFORM setval(s, m);\n"
                               "  END IF;\n"
                               "END LOOP;\n"
                               "END$strata$",
                          table_literal, table_literal);

  if (g_hash_table_size (seen) == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

/* Raw SQL as written, without the trailing ';' and whitespace. The text may
 * hold several statements; drivers run all of it (sqlite3_exec, PQexec). */
static char *
trim_sql (const char *sql)
{
  char *text = g_strdup (sql);
  gsize len;

  g_strchomp (text);
  len = strlen (text);
  while (len > 0 && (text[len - 1] == ';' || g_ascii_isspace (text[len - 1])))
    text[--len] = '\0';
  g_strchug (text);

  return text;
}

/* Sets STRATA_ERROR_UNSUPPORTED and returns FALSE. */
static gboolean
unsupported (GError     **error,
             StrataOp    *op,
             const char  *why)
{
  g_autofree char *what = strata_op_describe (op);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
               "%s (%s): %s", strata_op_get_name (op), what, why);
  return FALSE;
}

/* }}} */

/* Operations {{{ */

static gboolean
render_alter_column (StrataDialect   dialect,
                     StrataOp       *op,
                     GPtrArray      *statements,
                     GError        **error)
{
  if (op->type != NULL || op->nullable >= 0 || op->set_default)
    {
      g_autoptr(GString) out = NULL;
      g_autofree char *column = NULL;
      const char *sep = "";

      if (dialect == STRATA_DIALECT_SQLITE)
        return unsupported (error, op, _("changing a column's type, nullability or default needs a table rebuild on SQLite"));

      column = strata_dialect_quote_identifier (dialect, op->column);
      out = g_string_new ("ALTER TABLE ");
      append_identifier (out, dialect, op->table);
      g_string_append_c (out, ' ');

      if (op->type != NULL)
        {
          g_autofree char *type = strata_dialect_render_data_type (dialect, op->type);

          g_string_append_printf (out, "ALTER COLUMN %s TYPE %s", column, type);
          if (op->using_expr != NULL)
            g_string_append_printf (out, " USING %s", op->using_expr);
          sep = ", ";
        }

      if (op->nullable >= 0)
        {
          g_string_append_printf (out, "%sALTER COLUMN %s %s NOT NULL", sep, column, op->nullable ? "DROP" : "SET");
          sep = ", ";
        }

      if (op->set_default && op->default_expr != NULL)
        g_string_append_printf (out, "%sALTER COLUMN %s SET DEFAULT %s", sep, column, op->default_expr);
      else if (op->set_default)
        g_string_append_printf (out, "%sALTER COLUMN %s DROP DEFAULT", sep, column);

      g_ptr_array_add (statements, g_string_free (g_steal_pointer (&out), FALSE));
    }

  if (op->new_name != NULL)
    {
      g_autofree char *column = strata_dialect_quote_identifier (dialect, op->column);
      g_autofree char *new_name = strata_dialect_quote_identifier (dialect, op->new_name);

      g_ptr_array_add (statements, alter_table (dialect, op->table, "RENAME COLUMN %s TO %s", column, new_name));
    }

  return TRUE;
}

static gboolean
render_add_column (StrataDialect   dialect,
                   StrataOp       *op,
                   GPtrArray      *statements,
                   GError        **error)
{
  g_autofree char *column = NULL;

  if (dialect == STRATA_DIALECT_SQLITE)
    {
      const char *default_expr = strata_column_get_default_for_dialect (op->column_def, dialect);
      gboolean is_constant = TRUE;

      if (strata_column_get_primary_key (op->column_def))
        return unsupported (error, op, _("adding a primary key column needs a table rebuild on SQLite"));

      if (default_expr != NULL && (!sqlite_default_is_literal (default_expr, &is_constant) || !is_constant))
        return unsupported (error, op, _("adding a column with a non-constant default needs a table rebuild on SQLite"));

      if (!strata_column_get_nullable (op->column_def) && (default_expr == NULL || is_null_literal (default_expr)))
        return unsupported (error, op, _("SQLite cannot add a NOT NULL column without a default"));
    }

  column = strata_dialect_render_column (dialect, op->column_def, strata_column_get_primary_key (op->column_def));
  g_ptr_array_add (statements, alter_table (dialect, op->table, "ADD COLUMN %s", column));
  return TRUE;
}

/**
 * strata_dialect_render_op:
 * @dialect: a dialect
 * @op: an operation
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the statements,
 *   possibly none (an sql operation with "" for @dialect)
 */
GPtrArray *
strata_dialect_render_op (StrataDialect   dialect,
                          StrataOp       *op,
                          GError        **error)
{
  g_autoptr(GPtrArray) statements = NULL;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (dialect == STRATA_DIALECT_SQLITE || dialect == STRATA_DIALECT_POSTGRESQL, NULL);

  /* "dialects" that leave @dialect out: nothing here. */
  if (!strata_op_runs_on (op, dialect))
    return g_ptr_array_new_with_free_func (g_free);

  if (op->kind == STRATA_OP_CREATE_TABLE)
    return strata_dialect_render_create_table (dialect, op->definition);

  statements = g_ptr_array_new_with_free_func (g_free);

  switch (op->kind)
    {
    case STRATA_OP_DROP_TABLE:
      {
        g_autofree char *table = strata_dialect_quote_identifier (dialect, op->table);
        g_ptr_array_add (statements, g_strdup_printf ("DROP TABLE %s", table));
      }
      break;

    case STRATA_OP_RENAME_TABLE:
      {
        g_autofree char *new_name = strata_dialect_quote_identifier (dialect, op->new_name);
        g_ptr_array_add (statements, alter_table (dialect, op->table, "RENAME TO %s", new_name));
      }
      break;

    case STRATA_OP_ADD_COLUMN:
      if (!render_add_column (dialect, op, statements, error))
        return NULL;
      break;

    case STRATA_OP_DROP_COLUMN:
      {
        g_autofree char *column = strata_dialect_quote_identifier (dialect, op->column);
        g_ptr_array_add (statements, alter_table (dialect, op->table, "DROP COLUMN %s", column));
      }
      break;

    case STRATA_OP_ALTER_COLUMN:
      if (!render_alter_column (dialect, op, statements, error))
        return NULL;
      break;

    case STRATA_OP_CREATE_INDEX:
      g_ptr_array_add (statements, render_create_index (dialect, op->table, op->index, op->concurrently));
      break;

    case STRATA_OP_DROP_INDEX:
      {
        g_autofree char *name = strata_dialect_quote_identifier (dialect, op->name);
        g_ptr_array_add (statements, g_strdup_printf ("DROP INDEX %s%s",
                                                      op->concurrently && dialect == STRATA_DIALECT_POSTGRESQL
                                                        ? "CONCURRENTLY " : "",
                                                      name));
      }
      break;

    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_ADD_CHECK:
      {
        g_autoptr(GString) constraint = g_string_new (NULL);

        if (dialect == STRATA_DIALECT_SQLITE)
          {
            unsupported (error, op, _("adding a constraint needs a table rebuild on SQLite"));
            return NULL;
          }

        if (op->kind == STRATA_OP_ADD_FOREIGN_KEY)
          append_foreign_key (constraint, dialect, op->foreign_key);
        else if (op->kind == STRATA_OP_ADD_UNIQUE)
          append_unique (constraint, dialect, op->unique);
        else
          append_check (constraint, dialect, op->check);

        g_ptr_array_add (statements, alter_table (dialect, op->table, "ADD %s", constraint->str));
      }
      break;

    case STRATA_OP_DROP_CONSTRAINT:
      {
        g_autofree char *name = NULL;

        if (dialect == STRATA_DIALECT_SQLITE)
          {
            unsupported (error, op, _("dropping a constraint needs a table rebuild on SQLite"));
            return NULL;
          }

        name = strata_dialect_quote_identifier (dialect, op->name);
        g_ptr_array_add (statements, alter_table (dialect, op->table, "DROP CONSTRAINT %s", name));
      }
      break;

    case STRATA_OP_INSERT:
      for (guint i = 0; i < json_array_get_length (op->rows); i++)
        g_ptr_array_add (statements, render_insert_row (dialect, op->table,
                                                        json_array_get_object_element (op->rows, i)));
      if (dialect == STRATA_DIALECT_POSTGRESQL)
        {
          char *advance = render_advance_sequences (op->table, op->rows);

          if (advance != NULL)
            g_ptr_array_add (statements, advance);
        }
      break;

    case STRATA_OP_SQL:
      {
        char *text = trim_sql (op->sql[dialect]);

        if (*text != '\0')
          g_ptr_array_add (statements, text);
        else
          g_free (text);
      }
      break;

    case STRATA_OP_CREATE_ENUM:
      /* SQLite has no enum types: the columns' CHECKs stand for them. */
      if (dialect == STRATA_DIALECT_POSTGRESQL)
        {
          GString *sql = g_string_new ("CREATE TYPE ");

          append_identifier (sql, dialect, op->name);
          g_string_append (sql, " AS ENUM (");
          for (guint i = 0; op->values[i] != NULL; i++)
            {
              g_autofree char *literal = strata_dialect_quote_literal (dialect, op->values[i]);
              g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", literal);
            }
          g_string_append_c (sql, ')');
          g_ptr_array_add (statements, g_string_free (sql, FALSE));
        }
      break;

    case STRATA_OP_DROP_ENUM:
      if (dialect == STRATA_DIALECT_POSTGRESQL)
        {
          GString *sql = g_string_new ("DROP TYPE ");

          append_identifier (sql, dialect, op->name);
          g_ptr_array_add (statements, g_string_free (sql, FALSE));
        }
      break;

    case STRATA_OP_ALTER_ENUM:
      if (dialect == STRATA_DIALECT_SQLITE)
        {
          unsupported (error, op, _("changing the values of an enum type needs a table rebuild on SQLite (each table that uses it)"));
          return NULL;
        }
      {
        GString *sql = g_string_new ("ALTER TYPE ");
        g_autofree char *value = strata_dialect_quote_literal (dialect, op->value);

        append_identifier (sql, dialect, op->name);
        if (op->new_value != NULL)
          {
            g_autofree char *new_value = strata_dialect_quote_literal (dialect, op->new_value);
            g_string_append_printf (sql, " RENAME VALUE %s TO %s", value, new_value);
          }
        else
          {
            g_string_append_printf (sql, " ADD VALUE %s", value);
            if (op->before != NULL || op->after != NULL)
              {
                g_autofree char *anchor = strata_dialect_quote_literal (dialect, op->before ? op->before : op->after);
                g_string_append_printf (sql, " %s %s", op->before ? "BEFORE" : "AFTER", anchor);
              }
          }
        g_ptr_array_add (statements, g_string_free (sql, FALSE));
      }
      break;

    case STRATA_OP_CREATE_SEQUENCE:
      /* SQLite has no sequences: nothing there. */
      if (dialect == STRATA_DIALECT_POSTGRESQL)
        {
          GString *sql = g_string_new ("CREATE SEQUENCE ");

          append_identifier (sql, dialect, op->name);
          if (op->increment != 1)
            g_string_append_printf (sql, " INCREMENT BY %" G_GINT64_FORMAT, op->increment);
          if (op->start != 1)
            g_string_append_printf (sql, " START WITH %" G_GINT64_FORMAT, op->start);
          g_ptr_array_add (statements, g_string_free (sql, FALSE));
        }
      break;

    case STRATA_OP_DROP_SEQUENCE:
      if (dialect == STRATA_DIALECT_POSTGRESQL)
        {
          GString *sql = g_string_new ("DROP SEQUENCE ");

          append_identifier (sql, dialect, op->name);
          g_ptr_array_add (statements, g_string_free (sql, FALSE));
        }
      break;

    case STRATA_OP_CREATE_TABLE:
    default:
      g_assert_not_reached ();
    }

  return g_steal_pointer (&statements);
}

/**
 * strata_dialect_render_ops:
 * @dialect: a dialect
 * @ops: (element-type StrataOp): operations
 * @error: return location for a #GError
 *
 * Errors are prefixed with "operation INDEX: ".
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the statements
 */
GPtrArray *
strata_dialect_render_ops (StrataDialect   dialect,
                           GPtrArray      *ops,
                           GError        **error)
{
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (ops != NULL, NULL);

  for (guint i = 0; i < ops->len; i++)
    {
      g_autoptr(GPtrArray) some = strata_dialect_render_op (dialect, g_ptr_array_index (ops, i), error);

      if (some == NULL)
        {
          g_prefix_error (error, _("operation %u: "), i);
          return NULL;
        }

      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
    }

  return g_steal_pointer (&statements);
}

/* }}} */

/* Bookkeeping {{{ */

char *
strata_dialect_create_version_table (StrataDialect  dialect,
                                     const char    *version_table)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (version_table != NULL, NULL);

  name = strata_dialect_quote_identifier (dialect, version_table);

  /* On SQLite the rows live in the primary key's own b-tree: one page less
   * to journal and write per migration. The columns are alembic_version's. */
  return g_strdup_printf ("CREATE TABLE IF NOT EXISTS %s (version_num VARCHAR(32) NOT NULL PRIMARY KEY)%s",
                          name, dialect == STRATA_DIALECT_SQLITE ? " WITHOUT ROWID" : "");
}

char *
strata_dialect_create_history_table (StrataDialect  dialect,
                                     const char    *history_table)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (history_table != NULL, NULL);

  name = strata_dialect_quote_identifier (dialect, history_table);

  /* Rows are only ever appended, so SQLite's plain INTEGER PRIMARY KEY keeps
   * ids in order without AUTOINCREMENT's sqlite_sequence page, which would be
   * one more page to journal and write per migration. */
  return g_strdup_printf ("CREATE TABLE IF NOT EXISTS %s (\n"
                          "  id %s,\n"
                          "  revision VARCHAR(32) NOT NULL,\n"
                          "  direction VARCHAR(16) NOT NULL,\n"
                          "  checksum VARCHAR(64),\n"
                          "  started TEXT NOT NULL,\n"
                          "  finished TEXT,\n"
                          "  duration_ms BIGINT,\n"
                          "  os_user TEXT,\n"
                          "  host TEXT,\n"
                          "  tool_version TEXT,\n"
                          "  outcome VARCHAR(16),\n"
                          "  downgrade TEXT,\n"
                          "  statements_done BIGINT\n"
                          ")",
                          name,
                          dialect == STRATA_DIALECT_SQLITE
                            ? "INTEGER PRIMARY KEY"
                            : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
}

/* }}} */

char *
_strata_dialect_sqlite_enum_check (const char          *column,
                                   const char * const  *values)
{
  GString *out = g_string_new (NULL);

  append_identifier (out, STRATA_DIALECT_SQLITE, column);
  g_string_append (out, " IN (");
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    {
      g_autofree char *literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, values[i]);

      g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", literal);
    }
  g_string_append (out, ")");

  return g_string_free (out, FALSE);
}
