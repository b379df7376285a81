/* strata-model-replay.c: applying operations to a schema model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Replay is how Strata knows the schema at any revision without a database:
 * the upgrade operations of every applied revision, applied in the graph's
 * order to an empty model. The migrator uses it for SQLite table rebuilds and
 * for the inverse of a migration without a downgrade; autogenerate and check
 * diff schema.json against the head state; drift diffs a live database
 * against the state of its current revision. */

#define G_LOG_DOMAIN "strata-model"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "strata-error.h"
#include "strata-sql-lexer-private.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-i18n-private.h"

/* Identifiers inside SQL expressions {{{ */

static gboolean
is_identifier_start (char c)
{
  return g_ascii_isalpha (c) || c == '_' || (guchar)c >= 0x80;
}

static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || (guchar)c >= 0x80;
}

/* A name that needs no quotes on either engine: lower case ASCII. Keywords
 * are quoted too, to be safe; the list holds the ones likely as names. */
static gboolean
is_plain_identifier (const char *name)
{
  static const char * const keywords[] = {
    "all", "and", "as", "asc", "between", "by", "case", "check", "collate", "column", "constraint",
    "create", "current_date", "current_time", "current_timestamp", "default", "desc", "distinct",
    "do", "else", "end", "except", "false", "for", "foreign", "from", "group", "having", "in",
    "index", "is", "join", "key", "like", "limit", "not", "null", "offset", "on", "or", "order",
    "primary", "references", "select", "table", "then", "to", "true", "union", "unique", "user",
    "using", "when", "where", "with", NULL
  };

  if (!(g_ascii_islower (name[0]) || name[0] == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;

  return !g_strv_contains (keywords, name);
}

/* Walks @expression; for each identifier that names @old_name, appends
 * @new_name (when not NULL) instead and counts it. */
static char *
rewrite_identifier (const char *expression,
                    const char *old_name,
                    const char *new_name,
                    guint      *n_found)
{
  GString *out = g_string_sized_new (strlen (expression) + 8);
  const char *p = expression;

  *n_found = 0;

  while (*p)
    {
      if (*p == '\'')
        {
          const char *start = p;

          p = _strata_sql_skip_token (expression, p, STRATA_SQL_LEX_STANDARD);
          g_string_append_len (out, start, p - start);
        }
      else if (*p == '"')
        {
          StrataSqlToken token;
          g_autofree char *name = NULL;
          const char *start = p;

          _strata_sql_token_at (expression, p, STRATA_SQL_LEX_STANDARD, &token);
          name = _strata_sql_token_unquote (&token);
          p = token.start + token.length;

          if (g_str_equal (name, old_name))
            {
              g_autofree char *quoted = NULL;
              GString *q = g_string_new ("\"");

              (*n_found)++;
              for (const char *n = new_name ? new_name : old_name; *n; n++)
                {
                  if (*n == '"')
                    g_string_append_c (q, '"');
                  g_string_append_c (q, *n);
                }
              g_string_append_c (q, '"');
              quoted = g_string_free (q, FALSE);
              g_string_append (out, quoted);
            }
          else
            g_string_append_len (out, start, p - start);
        }
      else if (is_identifier_start (*p) && (p == expression || !is_identifier_char (p[-1])))
        {
          const char *start = p;
          const char *after;
          g_autofree char *word = NULL;

          while (*p && is_identifier_char (*p))
            p++;
          word = g_strndup (start, p - start);
          after = p;
          while (g_ascii_isspace (*after))
            after++;

          /* A function name is not a column. */
          if (*after != '(' && g_ascii_strcasecmp (word, old_name) == 0)
            {
              (*n_found)++;
              if (new_name == NULL)
                g_string_append (out, word);
              else if (is_plain_identifier (new_name))
                g_string_append (out, new_name);
              else
                {
                  g_string_append_c (out, '"');
                  for (const char *n = new_name; *n; n++)
                    {
                      if (*n == '"')
                        g_string_append_c (out, '"');
                      g_string_append_c (out, *n);
                    }
                  g_string_append_c (out, '"');
                }
            }
          else
            g_string_append (out, word);
        }
      else
        g_string_append_c (out, *p++);
    }

  return g_string_free (out, FALSE);
}

char *
strata_sql_rename_identifier (const char *expression,
                              const char *old_name,
                              const char *new_name)
{
  guint n_found;

  g_return_val_if_fail (expression != NULL, NULL);
  g_return_val_if_fail (old_name != NULL, NULL);
  g_return_val_if_fail (new_name != NULL, NULL);

  return rewrite_identifier (expression, old_name, new_name, &n_found);
}

gboolean
strata_sql_mentions_identifier (const char *expression,
                                const char *name)
{
  g_autofree char *copy = NULL;
  guint n_found;

  if (expression == NULL)
    return FALSE;

  copy = rewrite_identifier (expression, name, NULL, &n_found);
  return n_found > 0;
}

/* }}} */

/* Pieces of a table {{{ */

/* @names with @old_name replaced, or NULL when it is not there. */
static char **
strv_rename (const char * const *names,
             const char         *old_name,
             const char         *new_name)
{
  char **copy;
  gboolean found = FALSE;

  if (!g_strv_contains (names, old_name))
    return NULL;

  copy = g_strdupv ((char **)names);
  for (guint i = 0; copy[i] != NULL; i++)
    if (g_str_equal (copy[i], old_name))
      {
        g_free (copy[i]);
        copy[i] = g_strdup (new_name);
        found = TRUE;
      }

  g_assert (found);
  return copy;
}

static StrataForeignKey *
foreign_key_rebuild (StrataForeignKey   *fk,
                     const char * const *columns,
                     const char         *references,
                     const char * const *ref_columns)
{
  StrataForeignKey *copy;

  copy = strata_foreign_key_new (strata_foreign_key_get_name (fk),
                                 columns ? columns : strata_foreign_key_get_columns (fk),
                                 references ? references : strata_foreign_key_get_references (fk),
                                 ref_columns ? ref_columns : strata_foreign_key_get_ref_columns (fk));
  strata_foreign_key_set_on_delete (copy, strata_foreign_key_get_on_delete (fk));
  strata_foreign_key_set_on_update (copy, strata_foreign_key_get_on_update (fk));
  return copy;
}

/* Renames column @old_name of @table (owned by @self's caller, writable)
 * everywhere in it; foreign keys of other tables are done by the caller. */
static void
table_rename_column (StrataTable *table,
                     const char  *old_name,
                     const char  *new_name)
{
  GPtrArray *items;

  strata_column_set_name (strata_table_lookup_column (table, old_name), new_name);

  items = strata_table_get_indexes (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataIndex *index = g_ptr_array_index (items, i);
      g_auto(GStrv) columns = strv_rename (strata_index_get_columns (index), old_name, new_name);
      g_autofree char *where = NULL;
      guint n_found = 0;

      if (strata_index_get_where (index) != NULL)
        where = rewrite_identifier (strata_index_get_where (index), old_name, new_name, &n_found);

      if (columns != NULL || n_found > 0)
        {
          StrataIndex *copy = strata_index_new (strata_index_get_name (index),
                                                columns ? (const char * const *)columns
                                                        : strata_index_get_columns (index),
                                                strata_index_get_unique (index));
          strata_index_set_where (copy, n_found > 0 ? where : strata_index_get_where (index));
          strata_index_unref (g_steal_pointer (&items->pdata[i]));
          items->pdata[i] = copy;
        }
    }

  items = strata_table_get_uniques (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataUnique *unique = g_ptr_array_index (items, i);
      g_auto(GStrv) columns = strv_rename (strata_unique_get_columns (unique), old_name, new_name);

      if (columns != NULL)
        {
          items->pdata[i] = strata_unique_new (strata_unique_get_name (unique), (const char * const *)columns);
          strata_unique_unref (unique);
        }
    }

  items = strata_table_get_foreign_keys (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataForeignKey *fk = g_ptr_array_index (items, i);
      g_auto(GStrv) columns = strv_rename (strata_foreign_key_get_columns (fk), old_name, new_name);
      g_auto(GStrv) ref_columns = NULL;

      /* A self-reference names the column on both sides. */
      if (g_str_equal (strata_foreign_key_get_references (fk), strata_table_get_name (table)))
        ref_columns = strv_rename (strata_foreign_key_get_ref_columns (fk), old_name, new_name);

      if (columns != NULL || ref_columns != NULL)
        {
          StrataForeignKey *copy = foreign_key_rebuild (fk, (const char * const *)columns, NULL,
                                                        (const char * const *)ref_columns);
          strata_foreign_key_unref (g_steal_pointer (&items->pdata[i]));
          items->pdata[i] = copy;
        }
    }

  items = strata_table_get_checks (table);
  for (guint i = 0; i < items->len; i++)
    {
      StrataCheck *check = g_ptr_array_index (items, i);
      guint n_found;
      g_autofree char *expression = rewrite_identifier (strata_check_get_expression (check),
                                                        old_name, new_name, &n_found);

      if (n_found > 0)
        {
          items->pdata[i] = strata_check_new (strata_check_get_name (check), expression);
          strata_check_unref (check);
        }
    }
}

/* }}} */

/* Applying one operation {{{ */

static gboolean
mismatch (GError     **error,
          StrataOp    *op,
          const char  *format,
          ...) G_GNUC_PRINTF (3, 4);

static gboolean
mismatch (GError     **error,
          StrataOp    *op,
          const char  *format,
          ...)
{
  g_autofree char *what = strata_op_describe (op);
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
               "%s (%s): %s", strata_op_get_name (op), what, detail);
  return FALSE;
}

/* The table @name in @self, replaced by a private copy that may be changed
 * (tables may be shared with other models and operations). */
static StrataTable *
writable_table (StrataModel *self,
                const char  *name)
{
  StrataTable *table = strata_model_lookup_table (self, name);
  g_autoptr(StrataTable) copy = NULL;

  if (table == NULL)
    return NULL;

  copy = strata_table_copy (table);
  strata_model_add_table (self, copy);
  return copy;
}

static StrataTable *
find_index (StrataModel  *self,
            const char   *table_name,
            const char   *name,
            StrataIndex **out_index)
{
  GPtrArray *tables = strata_model_get_tables (self);

  for (guint i = 0; i < tables->len; i++)
    {
      StrataTable *table = g_ptr_array_index (tables, i);
      StrataIndex *index;

      if (table_name != NULL && !g_str_equal (strata_table_get_name (table), table_name))
        continue;
      if ((index = strata_table_lookup_index (table, name)) != NULL)
        {
          if (out_index != NULL)
            *out_index = index;
          return table;
        }
    }

  return NULL;
}

static gboolean
validate_table (StrataTable  *table,
                StrataOp     *op,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!strata_table_validate (table, &local_error))
    return mismatch (error, op, _("table %s would be invalid: %s"),
                     strata_table_get_name (table), local_error->message);

  return TRUE;
}

/* Every foreign key of every table that references @table (a column of it
 * when @column is not NULL) gets rewritten by @rewrite. */
static void
rename_references (StrataModel *self,
                   const char  *table,
                   const char  *new_table,
                   const char  *column,
                   const char  *new_column)
{
  GPtrArray *tables = strata_model_get_tables (self);

  for (guint i = 0; i < tables->len; i++)
    {
      StrataTable *other = g_ptr_array_index (tables, i);
      GPtrArray *fks = strata_table_get_foreign_keys (other);
      gboolean copied = FALSE;

      for (guint j = 0; j < fks->len; j++)
        {
          StrataForeignKey *fk = g_ptr_array_index (fks, j);
          g_auto(GStrv) ref_columns = NULL;
          StrataForeignKey *copy;

          if (!g_str_equal (strata_foreign_key_get_references (fk), table))
            continue;
          if (column != NULL &&
              !(ref_columns = strv_rename (strata_foreign_key_get_ref_columns (fk), column, new_column)))
            continue;
          /* Self-references were renamed with the table's own columns. */
          if (column != NULL && g_str_equal (strata_table_get_name (other), table))
            continue;

          if (!copied)
            {
              other = writable_table (self, strata_table_get_name (other));
              fks = strata_table_get_foreign_keys (other);
              copied = TRUE;
            }

          fk = g_ptr_array_index (fks, j);
          copy = foreign_key_rebuild (fk, NULL, new_table, (const char * const *)ref_columns);
          strata_foreign_key_unref (g_steal_pointer (&fks->pdata[j]));
          fks->pdata[j] = copy;
        }
    }
}

static gboolean
apply_alter_column (StrataModel  *self,
                    StrataOp     *op,
                    GError      **error)
{
  StrataTable *table;
  StrataColumn *column;

  if (!(table = writable_table (self, op->table)))
    return mismatch (error, op, _("there is no table %s"), op->table);
  if (!(column = strata_table_lookup_column (table, op->column)))
    return mismatch (error, op, _("table %s has no column %s"), op->table, op->column);

  if (op->type != NULL)
    strata_column_set_data_type (column, op->type);
  if (op->nullable >= 0)
    {
      if (op->nullable && strata_column_get_primary_key (column))
        return mismatch (error, op, _("a primary key column cannot be nullable"));
      strata_column_set_nullable (column, op->nullable);
    }
  if (op->set_default)
    strata_column_set_default (column, op->default_expr);

  if (op->new_name != NULL && !g_str_equal (op->new_name, op->column))
    {
      if (strata_table_lookup_column (table, op->new_name) != NULL)
        return mismatch (error, op, _("table %s already has a column %s"), op->table, op->new_name);

      table_rename_column (table, op->column, op->new_name);
      rename_references (self, op->table, NULL, op->column, op->new_name);
    }

  return validate_table (table, op, error);
}

static gboolean
apply_drop_column (StrataModel  *self,
                   StrataOp     *op,
                   GError      **error)
{
  StrataTable *table;
  GPtrArray *items;

  if (!(table = writable_table (self, op->table)))
    return mismatch (error, op, _("there is no table %s"), op->table);
  if (!strata_table_remove_column (table, op->column))
    return mismatch (error, op, _("table %s has no column %s"), op->table, op->column);
  if (strata_table_get_columns (table)->len == 0)
    return mismatch (error, op, _("it is the last column of table %s; drop the table instead"), op->table);

  /* As PostgreSQL does: indexes and constraints that involve the column go
   * with it. */
  items = strata_table_get_indexes (table);
  for (guint i = items->len; i > 0; i--)
    {
      StrataIndex *index = g_ptr_array_index (items, i - 1);

      if (g_strv_contains (strata_index_get_columns (index), op->column) ||
          strata_sql_mentions_identifier (strata_index_get_where (index), op->column))
        g_ptr_array_remove_index (items, i - 1);
    }

  items = strata_table_get_uniques (table);
  for (guint i = items->len; i > 0; i--)
    if (g_strv_contains (strata_unique_get_columns (g_ptr_array_index (items, i - 1)), op->column))
      g_ptr_array_remove_index (items, i - 1);

  items = strata_table_get_foreign_keys (table);
  for (guint i = items->len; i > 0; i--)
    {
      StrataForeignKey *fk = g_ptr_array_index (items, i - 1);

      if (g_strv_contains (strata_foreign_key_get_columns (fk), op->column) ||
          (g_str_equal (strata_foreign_key_get_references (fk), op->table) &&
           g_strv_contains (strata_foreign_key_get_ref_columns (fk), op->column)))
        g_ptr_array_remove_index (items, i - 1);
    }

  items = strata_table_get_checks (table);
  for (guint i = items->len; i > 0; i--)
    if (strata_sql_mentions_identifier (strata_check_get_expression (g_ptr_array_index (items, i - 1)), op->column))
      g_ptr_array_remove_index (items, i - 1);

  return validate_table (table, op, error);
}

static gboolean
constraint_name_taken (StrataTable *table,
                       const char  *name)
{
  return strata_table_lookup_foreign_key (table, name) != NULL ||
         strata_table_lookup_unique (table, name) != NULL ||
         strata_table_lookup_check (table, name) != NULL;
}

/* Gives the enum columns of @table the values of their enum type in @self
 * (@only: of that type alone; the values it has now). FALSE when a column
 * names an enum type @self does not have. */
static gboolean
resolve_enum_columns (StrataModel  *self,
                      StrataTable  *table,
                      const char   *only,
                      const char  **missing)
{
  GPtrArray *columns = strata_table_get_columns (table);

  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (columns, i);
      const char *name = strata_data_type_get_enum (strata_column_get_data_type (column));
      const char * const *values;

      if (name == NULL || (only != NULL && !g_str_equal (name, only)))
        continue;

      if ((values = strata_model_lookup_enum (self, name)) == NULL)
        {
          *missing = name;
          return FALSE;
        }

      {
        g_autoptr(StrataDataType) resolved = strata_data_type_new_enum (name, values);
        strata_column_set_data_type (column, resolved);
      }
    }

  return TRUE;
}

/* The tables with a column of enum type @name. */
static GPtrArray *
tables_using_enum (StrataModel *self,
                   const char  *name)
{
  GPtrArray *tables = strata_model_get_tables (self);
  GPtrArray *users = g_ptr_array_new ();

  for (guint i = 0; i < tables->len; i++)
    {
      GPtrArray *columns = strata_table_get_columns (g_ptr_array_index (tables, i));

      for (guint j = 0; j < columns->len; j++)
        if (g_strcmp0 (strata_data_type_get_enum (strata_column_get_data_type (g_ptr_array_index (columns, j))),
                       name) == 0)
          {
            g_ptr_array_add (users, (gpointer)strata_table_get_name (g_ptr_array_index (tables, i)));
            break;
          }
    }

  return users;
}

/* 'text' with quotes doubled. */
static char *
sql_literal (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "'", -1);
  g_autofree char *joined = g_strjoinv ("''", parts);

  return g_strdup_printf ("'%s'", joined);
}

static gboolean
apply_alter_enum (StrataModel  *self,
                  StrataOp     *op,
                  GError      **error)
{
  const char * const *values = strata_model_lookup_enum (self, op->name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) changed = NULL;
  g_autoptr(GPtrArray) users = NULL;
  const char *anchor = op->before ? op->before : op->after;
  gboolean found = FALSE;

  if (values == NULL)
    return mismatch (error, op, _("there is no enum type %s"), op->name);

  if (op->new_value != NULL ? !g_strv_contains (values, op->value) : g_strv_contains (values, op->value))
    return mismatch (error, op, _("enum type %s %s the value '%s'"), op->name,
                     op->new_value != NULL ? _("has no") : _("already has"), op->value);
  if (op->new_value != NULL && g_strv_contains (values, op->new_value))
    return mismatch (error, op, _("enum type %s already has the value '%s'"), op->name, op->new_value);
  if (anchor != NULL && !g_strv_contains (values, anchor))
    return mismatch (error, op, _("enum type %s has no value '%s'"), op->name, anchor);

  for (guint i = 0; values[i] != NULL; i++)
    {
      if (op->new_value != NULL)
        {
          g_strv_builder_add (builder, g_str_equal (values[i], op->value) ? op->new_value : values[i]);
          continue;
        }
      if (op->before != NULL && g_str_equal (values[i], op->before))
        {
          g_strv_builder_add (builder, op->value);
          found = TRUE;
        }
      g_strv_builder_add (builder, values[i]);
      if (op->after != NULL && g_str_equal (values[i], op->after))
        {
          g_strv_builder_add (builder, op->value);
          found = TRUE;
        }
    }
  if (op->new_value == NULL && !found)
    g_strv_builder_add (builder, op->value);

  changed = g_strv_builder_end (builder);
  strata_model_set_enum (self, op->name, (const char * const *)changed);

  /* Columns of the type carry its values (SQLite's CHECK); a default of
   * the renamed value is renamed with it, as PostgreSQL does (it stores
   * the value itself, not its text). */
  users = tables_using_enum (self, op->name);
  for (guint i = 0; i < users->len; i++)
    {
      StrataTable *table = writable_table (self, g_ptr_array_index (users, i));
      GPtrArray *columns = strata_table_get_columns (table);
      const char *missing = NULL;

      resolve_enum_columns (self, table, op->name, &missing);

      for (guint j = 0; op->new_value != NULL && j < columns->len; j++)
        {
          StrataColumn *column = g_ptr_array_index (columns, j);
          g_autofree char *old_literal = sql_literal (op->value);

          if (g_strcmp0 (strata_data_type_get_enum (strata_column_get_data_type (column)), op->name) == 0 &&
              g_strcmp0 (strata_column_get_default (column), old_literal) == 0)
            {
              g_autofree char *new_literal = sql_literal (op->new_value);
              strata_column_set_default (column, new_literal);
            }
        }
    }

  return TRUE;
}

/* Exact names {{{ */

/* A name that differs from an existing one only in case: SQLite takes them
 * for the same object, PostgreSQL (quoted) for two. Neither guess is
 * right, so both engines refuse it the same way, before any SQL runs. */
static const char *
table_alike (StrataModel *state,
             const char  *name)
{
  GPtrArray *tables;

  if (name == NULL || strata_model_lookup_table (state, name) != NULL)
    return NULL;
  tables = strata_model_get_tables (state);
  for (guint i = 0; i < tables->len; i++)
    {
      const char *other = strata_table_get_name (g_ptr_array_index (tables, i));

      if (g_ascii_strcasecmp (other, name) == 0)
        return other;
    }
  return NULL;
}

static const char *
column_alike (StrataTable *table,
              const char  *name)
{
  GPtrArray *columns;

  if (table == NULL || name == NULL || strata_table_lookup_column (table, name) != NULL)
    return NULL;
  columns = strata_table_get_columns (table);
  for (guint i = 0; i < columns->len; i++)
    {
      const char *other = strata_column_get_name (g_ptr_array_index (columns, i));

      if (g_ascii_strcasecmp (other, name) == 0)
        return other;
    }
  return NULL;
}

static gboolean
names_differ (GError     **error,
              StrataOp    *op,
              const char  *kind,
              const char  *written,
              const char  *existing)
{
  return mismatch (error, op, _("%s “%s” differs only in case from the existing %s “%s”: names are exact "
                     "(SQLite would take them for one, PostgreSQL for two); write “%s”"),
                   kind, written, kind, existing, existing);
}

static gboolean
check_columns (GError             **error,
               StrataOp            *op,
               StrataTable         *table,
               const char * const  *names)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      const char *alike = column_alike (table, names[i]);

      if (alike != NULL)
        return names_differ (error, op, "column", names[i], alike);
    }
  return TRUE;
}

/**
 * _strata_model_check_exact_names:
 * @state: the schema before @op
 *
 * Refuses an operation that names a table or column differently in case
 * from the one in @state (STRATA_ERROR_PROJECT, naming both).
 */
gboolean
_strata_model_check_exact_names (StrataModel  *state,
                                 StrataOp     *op,
                                 GError      **error)
{
  StrataTable *table;
  const char *alike;

  if (state == NULL || op->kind == STRATA_OP_SQL || op->table == NULL)
    return TRUE;

  if ((alike = table_alike (state, op->table)) != NULL)
    return names_differ (error, op, "table", op->table, alike);

  if (op->kind == STRATA_OP_RENAME_TABLE && op->new_name != NULL &&
      g_ascii_strcasecmp (op->new_name, op->table) != 0 &&
      (alike = table_alike (state, op->new_name)) != NULL)
    return names_differ (error, op, "table", op->new_name, alike);

  if (!(table = strata_model_lookup_table (state, op->table)))
    return TRUE;

  switch (op->kind)
    {
    case STRATA_OP_ADD_COLUMN:
      if ((alike = column_alike (table, strata_column_get_name (op->column_def))) != NULL)
        return names_differ (error, op, "column", strata_column_get_name (op->column_def), alike);
      return TRUE;

    case STRATA_OP_DROP_COLUMN:
    case STRATA_OP_ALTER_COLUMN:
      if ((alike = column_alike (table, op->column)) != NULL)
        return names_differ (error, op, "column", op->column, alike);
      if (op->kind == STRATA_OP_ALTER_COLUMN && op->new_name != NULL &&
          g_ascii_strcasecmp (op->new_name, op->column) != 0 &&
          (alike = column_alike (table, op->new_name)) != NULL)
        return names_differ (error, op, "column", op->new_name, alike);
      return TRUE;

    case STRATA_OP_CREATE_INDEX:
      return op->index == NULL || check_columns (error, op, table, strata_index_get_columns (op->index));

    case STRATA_OP_ADD_UNIQUE:
      return op->unique == NULL || check_columns (error, op, table, strata_unique_get_columns (op->unique));

    case STRATA_OP_ADD_FOREIGN_KEY:
      if (op->foreign_key == NULL)
        return TRUE;
      if (!check_columns (error, op, table, strata_foreign_key_get_columns (op->foreign_key)))
        return FALSE;
      {
        const char *references = strata_foreign_key_get_references (op->foreign_key);

        if ((alike = table_alike (state, references)) != NULL)
          return names_differ (error, op, "table", references, alike);
        return check_columns (error, op, strata_model_lookup_table (state, references),
                              strata_foreign_key_get_ref_columns (op->foreign_key));
      }

    case STRATA_OP_CREATE_TABLE:
    case STRATA_OP_DROP_TABLE:
    case STRATA_OP_RENAME_TABLE:
    case STRATA_OP_DROP_INDEX:
    case STRATA_OP_ADD_CHECK:
    case STRATA_OP_DROP_CONSTRAINT:
    case STRATA_OP_INSERT:
    case STRATA_OP_SQL:
    case STRATA_OP_CREATE_SEQUENCE:
    case STRATA_OP_DROP_SEQUENCE:
    case STRATA_OP_CREATE_ENUM:
    case STRATA_OP_DROP_ENUM:
    case STRATA_OP_ALTER_ENUM:
    default:
      return TRUE;
    }
}

/* }}} */

gboolean
strata_model_apply_op (StrataModel  *self,
                       StrataOp     *op,
                       GError      **error)
{
  StrataTable *table;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (op != NULL, FALSE);

  /* "dialects": the schema of another dialect, or of none, stays as it is. */
  if (op->dialects != 0 &&
      (strata_model_get_dialect (self) < 0 || !strata_op_runs_on (op, strata_model_get_dialect (self))))
    return TRUE;

  switch (op->kind)
    {
    case STRATA_OP_CREATE_TABLE:
      {
        g_autoptr(StrataTable) copy = NULL;

        if (strata_model_lookup_table (self, op->table) != NULL)
          return mismatch (error, op, _("table %s already exists"), op->table);

        copy = strata_table_copy (op->definition);
        {
          const char *missing = NULL;

          if (!resolve_enum_columns (self, copy, NULL, &missing))
            return mismatch (error, op, _("there is no enum type %s"), missing);
        }
        strata_model_add_table (self, copy);
        return TRUE;
      }

    case STRATA_OP_DROP_TABLE:
      if (!strata_model_remove_table (self, op->table))
        return mismatch (error, op, _("there is no table %s"), op->table);
      return TRUE;

    case STRATA_OP_RENAME_TABLE:
      if (!(table = writable_table (self, op->table)))
        return mismatch (error, op, _("there is no table %s"), op->table);
      if (!g_str_equal (op->table, op->new_name) && strata_model_lookup_table (self, op->new_name) != NULL)
        return mismatch (error, op, _("table %s already exists"), op->new_name);

      strata_table_set_name (table, op->new_name);
      _strata_model_forget_names (self);
      /* A self-reference moves with the table. */
      {
        GPtrArray *fks = strata_table_get_foreign_keys (table);

        for (guint i = 0; i < fks->len; i++)
          {
            StrataForeignKey *fk = g_ptr_array_index (fks, i);

            if (g_str_equal (strata_foreign_key_get_references (fk), op->table))
              {
                StrataForeignKey *copy = foreign_key_rebuild (fk, NULL, op->new_name, NULL);
                strata_foreign_key_unref (g_steal_pointer (&fks->pdata[i]));
                fks->pdata[i] = copy;
              }
          }
      }
      rename_references (self, op->table, op->new_name, NULL, NULL);
      return TRUE;

    case STRATA_OP_ADD_COLUMN:
      {
        g_autoptr(StrataColumn) column = NULL;

        if (!(table = writable_table (self, op->table)))
          return mismatch (error, op, _("there is no table %s"), op->table);
        if (strata_table_lookup_column (table, strata_column_get_name (op->column_def)) != NULL)
          return mismatch (error, op, _("table %s already has a column %s"),
                           op->table, strata_column_get_name (op->column_def));

        column = strata_column_copy (op->column_def);
        strata_table_add_column (table, column);
        {
          const char *missing = NULL;

          if (!resolve_enum_columns (self, table, strata_data_type_get_enum (strata_column_get_data_type (column)),
                                     &missing))
            return mismatch (error, op, _("there is no enum type %s"), missing);
        }
        return validate_table (table, op, error);
      }

    case STRATA_OP_DROP_COLUMN:
      return apply_drop_column (self, op, error);

    case STRATA_OP_ALTER_COLUMN:
      return apply_alter_column (self, op, error);

    case STRATA_OP_CREATE_INDEX:
      if (find_index (self, NULL, op->name, NULL) != NULL)
        return mismatch (error, op, _("an index %s already exists"), op->name);
      if (!(table = writable_table (self, op->table)))
        return mismatch (error, op, _("there is no table %s"), op->table);
      strata_table_add_index (table, op->index);
      return validate_table (table, op, error);

    case STRATA_OP_DROP_INDEX:
      if (!(table = find_index (self, op->table, op->name, NULL)))
        return op->table != NULL
               ? mismatch (error, op, _("table %s has no index %s"), op->table, op->name)
               : mismatch (error, op, _("there is no index %s"), op->name);
      table = writable_table (self, strata_table_get_name (table));
      strata_table_remove_index (table, op->name);
      return TRUE;

    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_ADD_CHECK:
      if (!(table = writable_table (self, op->table)))
        return mismatch (error, op, _("there is no table %s"), op->table);
      if (constraint_name_taken (table, op->name))
        return mismatch (error, op, _("table %s already has a constraint %s"), op->table, op->name);

      if (op->kind == STRATA_OP_ADD_FOREIGN_KEY)
        {
          const char *references = strata_foreign_key_get_references (op->foreign_key);
          StrataTable *target = strata_model_lookup_table (self, references);
          const char * const *ref_columns = strata_foreign_key_get_ref_columns (op->foreign_key);

          if (target == NULL)
            return mismatch (error, op, _("there is no table %s"), references);
          for (guint i = 0; ref_columns[i] != NULL; i++)
            if (strata_table_lookup_column (target, ref_columns[i]) == NULL)
              return mismatch (error, op, _("table %s has no column %s"), references, ref_columns[i]);

          strata_table_add_foreign_key (table, op->foreign_key);
        }
      else if (op->kind == STRATA_OP_ADD_UNIQUE)
        strata_table_add_unique (table, op->unique);
      else
        strata_table_add_check (table, op->check);

      return validate_table (table, op, error);

    case STRATA_OP_DROP_CONSTRAINT:
      if (!(table = strata_model_lookup_table (self, op->table)))
        return mismatch (error, op, _("there is no table %s"), op->table);
      if (!constraint_name_taken (table, op->name))
        return mismatch (error, op, _("table %s has no constraint %s"), op->table, op->name);
      table = writable_table (self, op->table);
      strata_table_remove_constraint (table, op->name);
      return TRUE;

    case STRATA_OP_INSERT:
      if (strata_model_lookup_table (self, op->table) == NULL)
        return mismatch (error, op, _("there is no table %s"), op->table);
      return TRUE;

    case STRATA_OP_SQL:
      return TRUE;

    case STRATA_OP_CREATE_ENUM:
      if (strata_model_lookup_enum (self, op->name) != NULL)
        return mismatch (error, op, _("enum type %s already exists"), op->name);
      strata_model_set_enum (self, op->name, (const char * const *)op->values);
      return TRUE;

    case STRATA_OP_DROP_ENUM:
      {
        g_autoptr(GPtrArray) users = NULL;

        if (strata_model_lookup_enum (self, op->name) == NULL)
          return mismatch (error, op, _("there is no enum type %s"), op->name);
        users = tables_using_enum (self, op->name);
        if (users->len > 0)
          return mismatch (error, op, _("table %s still has a column of enum type %s"),
                           (const char *)g_ptr_array_index (users, 0), op->name);
        strata_model_remove_enum (self, op->name);
        return TRUE;
      }

    case STRATA_OP_ALTER_ENUM:
      return apply_alter_enum (self, op, error);

    case STRATA_OP_CREATE_SEQUENCE:
      if (strata_model_get_dialect (self) == STRATA_DIALECT_SQLITE)
        return TRUE;
      if (strata_model_lookup_sequence (self, op->name, NULL, NULL))
        return mismatch (error, op, _("sequence %s already exists"), op->name);
      strata_model_add_sequence (self, op->name, op->start, op->increment);
      return TRUE;

    case STRATA_OP_DROP_SEQUENCE:
      if (strata_model_get_dialect (self) == STRATA_DIALECT_SQLITE)
        return TRUE;
      if (!strata_model_remove_sequence (self, op->name))
        return mismatch (error, op, _("there is no sequence %s"), op->name);
      return TRUE;

    default:
      g_return_val_if_reached (FALSE);
    }
}

/**
 * strata_model_apply_ops:
 * @self: the schema, changed
 * @ops: (element-type StrataOp): the operations
 * @where: (nullable): what to name in errors
 * @error: return location for a #GError
 *
 * Returns: whether every operation applied
 */
gboolean
strata_model_apply_ops (StrataModel  *self,
                        GPtrArray    *ops,
                        const char   *where,
                        GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (ops != NULL, FALSE);

  for (guint i = 0; i < ops->len; i++)
    if (!strata_model_apply_op (self, g_ptr_array_index (ops, i), error))
      {
        if (where != NULL)
          g_prefix_error (error, "%s[%u]: ", where, i);
        return FALSE;
      }

  return TRUE;
}

/* }}} */

/* Inverting with the model {{{ */

static StrataOp *
invert_alter_column (StrataOp      *op,
                     StrataColumn  *column)
{
  StrataOp *inverse = _strata_op_new (STRATA_OP_ALTER_COLUMN);

  inverse->table = g_strdup (op->table);
  inverse->column = g_strdup (op->new_name ? op->new_name : op->column);
  inverse->new_name = op->new_name ? g_strdup (op->column) : NULL;
  inverse->nullable = -1;
  inverse->existing_nullable = -1;

  if (op->type != NULL)
    {
      inverse->type = strata_data_type_ref (strata_column_get_data_type (column));
      inverse->existing_type = strata_data_type_ref (op->type);
    }

  if (op->nullable >= 0)
    {
      inverse->nullable = strata_column_get_nullable (column);
      inverse->existing_nullable = op->nullable;
    }

  if (op->set_default)
    {
      inverse->set_default = TRUE;
      inverse->default_expr = g_strdup (strata_column_get_default (column));
      inverse->has_existing_default = TRUE;
      inverse->existing_default = g_strdup (op->default_expr);
    }

  return inverse;
}

/* What @table lost between @before and @after, as operations that bring it
 * back (after the column itself). */
static void
restore_pieces (StrataTable *before,
                StrataTable *after,
                GPtrArray   *into)
{
  const char *name = strata_table_get_name (before);
  GPtrArray *items;

  items = strata_table_get_indexes (before);
  for (guint i = 0; i < items->len; i++)
    if (strata_table_lookup_index (after, strata_index_get_name (g_ptr_array_index (items, i))) == NULL)
      g_ptr_array_add (into, strata_op_new_create_index (name, g_ptr_array_index (items, i)));

  items = strata_table_get_uniques (before);
  for (guint i = 0; i < items->len; i++)
    if (strata_table_lookup_unique (after, strata_unique_get_name (g_ptr_array_index (items, i))) == NULL)
      g_ptr_array_add (into, strata_op_new_add_unique (name, g_ptr_array_index (items, i)));

  items = strata_table_get_checks (before);
  for (guint i = 0; i < items->len; i++)
    if (strata_table_lookup_check (after, strata_check_get_name (g_ptr_array_index (items, i))) == NULL)
      g_ptr_array_add (into, strata_op_new_add_check (name, g_ptr_array_index (items, i)));

  items = strata_table_get_foreign_keys (before);
  for (guint i = 0; i < items->len; i++)
    if (strata_table_lookup_foreign_key (after, strata_foreign_key_get_name (g_ptr_array_index (items, i))) == NULL)
      g_ptr_array_add (into, strata_op_new_add_foreign_key (name, g_ptr_array_index (items, i)));
}

/* The operations that undo @op, which applies to @state (not changed). */
static GPtrArray *
invert_one (StrataModel  *state,
            StrataOp     *op,
            GError      **error)
{
  g_autoptr(GPtrArray) inverse = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  StrataTable *table = op->table ? strata_model_lookup_table (state, op->table) : NULL;

  switch (op->kind)
    {
    case STRATA_OP_DROP_TABLE:
      if (table == NULL)
        {
          mismatch (error, op, _("there is no table %s"), op->table);
          return NULL;
        }
      g_ptr_array_add (inverse, strata_op_new_create_table (table));
      break;

    case STRATA_OP_DROP_COLUMN:
      {
        g_autoptr(StrataModel) after = _strata_model_copy_shared (state);
        StrataColumn *column;

        if (table == NULL || !(column = strata_table_lookup_column (table, op->column)))
          {
            mismatch (error, op, _("table %s has no column %s"), op->table, op->column);
            return NULL;
          }
        if (!strata_model_apply_op (after, op, error))
          return NULL;

        g_ptr_array_add (inverse, strata_op_new_add_column (op->table, column));
        restore_pieces (table, strata_model_lookup_table (after, op->table), inverse);
      }
      break;

    case STRATA_OP_ALTER_COLUMN:
      {
        StrataColumn *column;

        if (table == NULL || !(column = strata_table_lookup_column (table, op->column)))
          {
            mismatch (error, op, _("table %s has no column %s"), op->table, op->column);
            return NULL;
          }
        g_ptr_array_add (inverse, invert_alter_column (op, column));
      }
      break;

    case STRATA_OP_DROP_INDEX:
      {
        StrataIndex *index = NULL;

        if (!(table = find_index (state, op->table, op->name, &index)))
          {
            mismatch (error, op, _("there is no index %s"), op->name);
            return NULL;
          }
        g_ptr_array_add (inverse, strata_op_new_create_index (strata_table_get_name (table), index));
        ((StrataOp *)g_ptr_array_index (inverse, 0))->concurrently = op->concurrently;
      }
      break;

    case STRATA_OP_DROP_CONSTRAINT:
      {
        StrataForeignKey *fk;
        StrataUnique *unique;
        StrataCheck *check;

        if (table == NULL)
          {
            mismatch (error, op, _("there is no table %s"), op->table);
            return NULL;
          }
        if ((fk = strata_table_lookup_foreign_key (table, op->name)))
          g_ptr_array_add (inverse, strata_op_new_add_foreign_key (op->table, fk));
        else if ((unique = strata_table_lookup_unique (table, op->name)))
          g_ptr_array_add (inverse, strata_op_new_add_unique (op->table, unique));
        else if ((check = strata_table_lookup_check (table, op->name)))
          g_ptr_array_add (inverse, strata_op_new_add_check (op->table, check));
        else
          {
            mismatch (error, op, _("table %s has no constraint %s"), op->table, op->name);
            return NULL;
          }
      }
      break;

    case STRATA_OP_DROP_ENUM:
      {
        const char * const *values = strata_model_lookup_enum (state, op->name);

        if (values == NULL)
          {
            mismatch (error, op, _("there is no enum type %s"), op->name);
            return NULL;
          }
        g_ptr_array_add (inverse, strata_op_new_create_enum (op->name, values));
      }
      break;

    case STRATA_OP_DROP_SEQUENCE:
      {
        gint64 start, increment;

        if (strata_model_get_dialect (state) == STRATA_DIALECT_SQLITE)
          break;
        if (!strata_model_lookup_sequence (state, op->name, &start, &increment))
          {
            mismatch (error, op, _("there is no sequence %s"), op->name);
            return NULL;
          }
        g_ptr_array_add (inverse, strata_op_new_create_sequence (op->name, start, increment));
      }
      break;

    case STRATA_OP_CREATE_TABLE:
    case STRATA_OP_RENAME_TABLE:
    case STRATA_OP_ADD_COLUMN:
    case STRATA_OP_CREATE_INDEX:
    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_ADD_CHECK:
    case STRATA_OP_INSERT:
    case STRATA_OP_SQL:
    case STRATA_OP_CREATE_SEQUENCE:
    case STRATA_OP_CREATE_ENUM:
    case STRATA_OP_ALTER_ENUM:
    default:
      {
        StrataOp *one = strata_op_invert (op, error);

        if (one == NULL)
          return NULL;
        g_ptr_array_add (inverse, one);
      }
      break;
    }

  return g_steal_pointer (&inverse);
}

/**
 * strata_model_invert_ops:
 * @before: the schema @ops apply to
 * @ops: (element-type StrataOp): the operations
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type StrataOp): the inverse, or %NULL with @error set
 */
GPtrArray *
strata_model_invert_ops (StrataModel  *before,
                         GPtrArray    *ops,
                         GError      **error)
{
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  g_autoptr(GPtrArray) inverse = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);

  g_return_val_if_fail (before != NULL, NULL);
  g_return_val_if_fail (ops != NULL, NULL);

  state = _strata_model_copy_shared (before);

  for (guint i = 0; i < ops->len; i++)
    {
      StrataOp *op = g_ptr_array_index (ops, i);
      GPtrArray *part;

      g_autoptr(GError) replay_error = NULL;

      /* Not in this schema: nothing to undo in it either. */
      if (op->dialects != 0 &&
          (strata_model_get_dialect (state) < 0 || !strata_op_runs_on (op, strata_model_get_dialect (state))))
        continue;

      if (!(part = invert_one (state, op, error)))
        {
          g_prefix_error (error, "upgrade[%u]: ", i);
          return NULL;
        }
      for (guint j = 0; j < part->len; j++)
        ((StrataOp *)g_ptr_array_index (part, j))->dialects = op->dialects;

      /* Raw SQL may have made what the operation needs: the database is
       * the judge of that. */
      if (!strata_model_apply_op (state, op, &replay_error))
        g_debug ("upgrade[%u]: not replayed: %s", i, replay_error->message);

      g_ptr_array_add (parts, part);
    }

  for (guint i = parts->len; i > 0; i--)
    {
      GPtrArray *part = g_ptr_array_index (parts, i - 1);

      for (guint j = 0; j < part->len; j++)
        g_ptr_array_add (inverse, strata_op_ref (g_ptr_array_index (part, j)));
    }

  return g_steal_pointer (&inverse);
}

/* }}} */
