/* strata-introspect-sqlite.c: a SQLite database's schema as a model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* SQLite keeps columns, keys and indexes where the pragmas can read them
 * (table_xinfo, foreign_key_list, index_list, index_xinfo), but constraint
 * names and CHECK expressions only in the CREATE TABLE text of
 * sqlite_schema, which is parsed here for them. Four queries read the whole
 * schema, joining sqlite_schema with the pragma table-valued functions, so
 * the cost does not grow with a query per table. */

#define G_LOG_DOMAIN "strata-introspect"

#include "config.h"

#include <string.h>

#include "strata-dialect.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-introspect-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-i18n-private.h"

/* Parsing CREATE TABLE {{{ */

typedef enum
{
  ITEM_COLUMN,
  ITEM_PRIMARY_KEY,
  ITEM_UNIQUE,
  ITEM_CHECK,
  ITEM_FOREIGN_KEY,
} ItemKind;

typedef struct
{
  ItemKind   kind;
  char      *name;         /* constraint name or column name; NULL if none */
  char     **columns;      /* unique, foreign key */
  char      *references;   /* foreign key */
  char      *expression;   /* check */
  gboolean   autoincrement;
  gboolean   used;
} Item;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->name);
  g_strfreev (item->columns);
  g_free (item->references);
  g_free (item->expression);
  g_free (item);
}

/* Past the quoted string or name that starts at @p. */
static const char *
skip_quoted (const char *p)
{
  return _strata_sql_skip_token (p, p, STRATA_SQL_LEX_SQLITE);
}

/* The next token from *@p: a word, a quoted name (unquoted), or one
 * character. NULL at the end. */
static char *
next_token (const char **p,
            gboolean    *quoted)
{
  const char *s = *p;

  while (g_ascii_isspace (*s))
    s++;

  if (quoted != NULL)
    *quoted = FALSE;

  if (*s == '\0')
    {
      *p = s;
      return NULL;
    }

  if (*s == '"' || *s == '`' || *s == '[')
    {
      StrataSqlToken token;

      _strata_sql_token_at (s, s, STRATA_SQL_LEX_SQLITE, &token);
      *p = token.start + token.length;
      if (quoted != NULL)
        *quoted = TRUE;
      return _strata_sql_token_unquote (&token);
    }

  if (g_ascii_isalnum (*s) || *s == '_' || (guchar)*s >= 0x80)
    {
      const char *start = s;

      while (g_ascii_isalnum (*s) || *s == '_' || *s == '$' || (guchar)*s >= 0x80)
        s++;
      *p = s;
      return g_strndup (start, s - start);
    }

  *p = s + 1;
  return g_strndup (s, 1);
}

/* The text between the parenthesis at or after *@p and its match; moves
 * *@p past it. */
static char *
parenthesized (const char **p)
{
  const char *s = *p;
  const char *start;
  int depth = 0;

  while (*s && *s != '(')
    s++;
  if (*s == '\0')
    return NULL;

  start = s + 1;
  while (*s)
    {
      if (*s == '\'' || *s == '"' || *s == '`' || *s == '[')
        {
          s = skip_quoted (s);
          continue;
        }
      if (*s == '(')
        depth++;
      else if (*s == ')' && --depth == 0)
        {
          *p = s + 1;
          return g_strstrip (g_strndup (start, s - start));
        }
      s++;
    }

  return NULL;
}

/* Splits @text at the commas outside parentheses and quotes. */
static GPtrArray *
split_top_level (const char *text)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *start = text;
  const char *s = text;
  int depth = 0;

  while (*s)
    {
      if (*s == '\'' || *s == '"' || *s == '`' || *s == '[')
        {
          s = skip_quoted (s);
          continue;
        }
      if (*s == '(')
        depth++;
      else if (*s == ')')
        depth--;
      else if (*s == ',' && depth == 0)
        {
          g_ptr_array_add (parts, g_strstrip (g_strndup (start, s - start)));
          start = s + 1;
        }
      s++;
    }
  g_ptr_array_add (parts, g_strstrip (g_strdup (start)));

  return parts;
}

/* "(a, "b" COLLATE x DESC)" → {"a", "b"} */
static char **
name_list (const char **p)
{
  g_autofree char *inner = parenthesized (p);
  g_autoptr(GPtrArray) parts = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (inner == NULL)
    return g_strv_builder_end (builder);

  parts = split_top_level (inner);
  for (guint i = 0; i < parts->len; i++)
    {
      const char *part = g_ptr_array_index (parts, i);
      g_autofree char *name = next_token (&part, NULL);

      if (name != NULL)
        g_strv_builder_add (builder, name);
    }

  return g_strv_builder_end (builder);
}

static gboolean
token_is (const char *token,
          gboolean    quoted,
          const char *keyword)
{
  return token != NULL && !quoted && g_ascii_strcasecmp (token, keyword) == 0;
}

/* Parses a table constraint whose keyword is @keyword and whose text goes
 * on at *@p. */
static Item *
parse_constraint (const char  *keyword,
                  const char **p,
                  char        *name)
{
  Item *item = g_new0 (Item, 1);

  item->name = name;

  if (g_ascii_strcasecmp (keyword, "CHECK") == 0)
    {
      item->kind = ITEM_CHECK;
      item->expression = parenthesized (p);
    }
  else if (g_ascii_strcasecmp (keyword, "UNIQUE") == 0)
    {
      item->kind = ITEM_UNIQUE;
      item->columns = name_list (p);
    }
  else if (g_ascii_strcasecmp (keyword, "PRIMARY") == 0)
    item->kind = ITEM_PRIMARY_KEY;
  else if (g_ascii_strcasecmp (keyword, "FOREIGN") == 0)
    {
      g_autofree char *key = next_token (p, NULL);
      g_autofree char *references = NULL;

      item->kind = ITEM_FOREIGN_KEY;
      item->columns = name_list (p);
      references = next_token (p, NULL);
      item->references = next_token (p, NULL);
    }
  else
    {
      item_free (item);
      return NULL;
    }

  return item;
}

static GPtrArray *
parse_create_table (const char *sql)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (item_free);
  g_autoptr(GPtrArray) parts = NULL;
  g_autofree char *body = NULL;
  const char *p = sql;

  /* Past the table name, which may hold a parenthesis inside quotes. */
  while (*p && *p != '(')
    p = (*p == '"' || *p == '`' || *p == '[' || *p == '\'') ? skip_quoted (p) : p + 1;
  if (!(body = parenthesized (&p)))
    return items;

  parts = split_top_level (body);
  for (guint i = 0; i < parts->len; i++)
    {
      const char *part = g_ptr_array_index (parts, i);
      gboolean quoted;
      g_autofree char *first = next_token (&part, &quoted);
      Item *item = NULL;

      if (first == NULL)
        continue;

      if (token_is (first, quoted, "CONSTRAINT"))
        {
          char *name = next_token (&part, NULL);
          g_autofree char *keyword = next_token (&part, NULL);

          if (keyword != NULL)
            item = parse_constraint (keyword, &part, name);
          else
            g_free (name);
        }
      else if (token_is (first, quoted, "CHECK") || token_is (first, quoted, "UNIQUE") ||
               token_is (first, quoted, "PRIMARY") || token_is (first, quoted, "FOREIGN"))
        item = parse_constraint (first, &part, NULL);
      else
        {
          char *token;

          /* A column: its name, and what its own constraints say. */
          item = g_new0 (Item, 1);
          item->kind = ITEM_COLUMN;
          item->name = g_steal_pointer (&first);
          g_ptr_array_add (items, item);

          while ((token = next_token (&part, &quoted)) != NULL)
            {
              if (token_is (token, quoted, "AUTOINCREMENT"))
                item->autoincrement = TRUE;
              else if (token_is (token, quoted, "CONSTRAINT"))
                {
                  char *name = next_token (&part, NULL);
                  g_autofree char *keyword = next_token (&part, NULL);

                  if (token_is (keyword, FALSE, "CHECK"))
                    g_ptr_array_add (items, parse_constraint (keyword, &part, name));
                  else
                    g_free (name);
                }
              else if (token_is (token, quoted, "CHECK"))
                g_ptr_array_add (items, parse_constraint (token, &part, NULL));
              else if (g_str_equal (token, "("))
                {
                  /* A type's arguments or a default expression. */
                  const char *back = part - 1;
                  g_free (parenthesized (&back));
                  part = back;
                }
              g_free (token);
            }
          continue;
        }

      if (item != NULL)
        g_ptr_array_add (items, item);
    }

  return items;
}

static Item *
find_item (GPtrArray          *items,
           ItemKind            kind,
           const char * const *columns,
           const char         *references)
{
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = g_ptr_array_index (items, i);

      if (item->kind != kind || item->used)
        continue;
      if (columns != NULL && (item->columns == NULL ||
                              !g_strv_equal ((const char * const *)item->columns, columns)))
        continue;
      if (references != NULL && g_strcmp0 (item->references, references) != 0)
        continue;

      return item;
    }

  return NULL;
}

/* The WHERE of a CREATE INDEX statement, or NULL. */
static char *
index_where (const char *sql)
{
  const char *p = sql;
  int depth = 0;

  if (sql == NULL)
    return NULL;

  while (*p)
    {
      if (*p == '\'' || *p == '"' || *p == '`' || *p == '[')
        {
          p = skip_quoted (p);
          continue;
        }
      if (*p == '(')
        depth++;
      else if (*p == ')')
        depth--;
      else if (depth == 0 && g_ascii_strncasecmp (p, "WHERE", 5) == 0 &&
               (p == sql || !g_ascii_isalnum (p[-1])) && !g_ascii_isalnum (p[5]) && p[5] != '_')
        return _strata_introspect_strip_parens (p + 5);
      p++;
    }

  return NULL;
}

/* }}} */

typedef struct
{
  StrataTable *table;
  GPtrArray   *items;
  GHashTable  *primary_key;   /* column name → pk position */
  guint        n_checks;
} TableInfo;

static void
table_info_free (gpointer data)
{
  TableInfo *info = data;

  g_clear_pointer (&info->table, strata_table_unref);
  g_clear_pointer (&info->items, g_ptr_array_unref);
  g_clear_pointer (&info->primary_key, g_hash_table_unref);
  g_free (info);
}

static StrataResult *
query (StrataDriver  *driver,
       const char    *sql,
       GCancellable  *cancellable,
       GError       **error)
{
  StrataResult *result = strata_driver_query (driver, sql, cancellable, error);

  if (result == NULL)
    g_prefix_error (error, _("reading the schema: "));

  return result;
}

#define USER_TABLES "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"

static StrataModel *introspect (StrataDriver        *driver,
                                const char * const  *exclude,
                                const char * const  *only,
                                gboolean             verbatim,
                                GCancellable        *cancellable,
                                GError             **error);

StrataModel *
_strata_introspect_sqlite (StrataDriver        *driver,
                           const char * const  *exclude,
                           GCancellable        *cancellable,
                           GError             **error)
{
  return introspect (driver, exclude, NULL, FALSE, cancellable, error);
}

/* For a table rebuild: each column keeps its declared type text, exactly
 * (and so its affinity), whatever portable name it would map to. */
StrataModel *
_strata_introspect_sqlite_verbatim (StrataDriver        *driver,
                                    const char * const  *only,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  return introspect (driver, NULL, only, TRUE, cancellable, error);
}

static StrataModel *
introspect (StrataDriver        *driver,
            const char * const  *exclude,
            const char * const  *only,
            gboolean             verbatim,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(StrataModel) model = strata_model_new ();
  g_autoptr(GHashTable) infos = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, table_info_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(StrataResult) tables = NULL;
  g_autoptr(StrataResult) columns = NULL;
  g_autoptr(StrataResult) fks = NULL;
  g_autoptr(StrataResult) indexes = NULL;
  g_autoptr(StrataResult) index_columns = NULL;
  g_autoptr(GHashTable) index_cols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                            (GDestroyNotify)g_ptr_array_unref);
  g_autoptr(GString) filter = g_string_new (USER_TABLES);
  g_autofree char *text = NULL;

  /* Some tables only (a rebuild reads the table it rebuilds). */
  if (only != NULL)
    {
      g_string_append (filter, " AND m.name IN (");
      for (guint i = 0; only[i] != NULL; i++)
        {
          g_autofree char *literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, only[i]);

          g_string_append_printf (filter, "%s%s", i > 0 ? ", " : "", literal);
        }
      g_string_append (filter, ")");
    }

#define QUERY(out, format) \
  (g_free (text), text = g_strdup_printf (format, filter->str), (out = query (driver, text, cancellable, error)) != NULL)

  if (!QUERY (tables, "SELECT m.name, m.sql FROM sqlite_schema m WHERE %s ORDER BY m.rowid") ||
      !QUERY (columns, "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk "
                       "FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p "
                       "WHERE %s AND p.hidden = 0 ORDER BY m.rowid, p.cid") ||
      !QUERY (fks, "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete "
                   "FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f "
                   "WHERE %s ORDER BY m.rowid, f.id DESC, f.seq") ||
      !QUERY (indexes, "SELECT m.name, l.name, l.\"unique\", l.origin, s.sql "
                       "FROM sqlite_schema m JOIN pragma_index_list(m.name) l "
                       "LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = l.name "
                       "WHERE %s ORDER BY m.rowid, s.rowid") ||
      !QUERY (index_columns, "SELECT l.name, i.name "
                             "FROM sqlite_schema m JOIN pragma_index_list(m.name) l "
                             "JOIN pragma_index_xinfo(l.name) i "
                             "WHERE %s AND i.key = 1 ORDER BY l.name, i.seqno"))
    return NULL;

#undef QUERY

  for (guint row = 0; row < strata_result_get_n_rows (tables); row++)
    {
      const char *name = strata_result_get_value (tables, row, 0);
      const char *sql = strata_result_get_value (tables, row, 1);
      TableInfo *info;

      if (_strata_introspect_excluded (exclude, name))
        continue;

      info = g_new0 (TableInfo, 1);
      info->table = strata_table_new (name);
      info->items = parse_create_table (sql ? sql : "");
      info->primary_key = g_hash_table_new (g_str_hash, g_str_equal);
      g_hash_table_insert (infos, (gpointer)strata_table_get_name (info->table), info);
      g_ptr_array_add (order, info);
    }

  /* Columns */
  for (guint row = 0; row < strata_result_get_n_rows (columns); row++)
    {
      TableInfo *info = g_hash_table_lookup (infos, strata_result_get_value (columns, row, 0));
      const char *name = strata_result_get_value (columns, row, 1);
      const char *type = strata_result_get_value (columns, row, 2);
      const char *default_expr = strata_result_get_value (columns, row, 4);
      g_autoptr(StrataDataType) data_type = NULL;
      g_autoptr(StrataColumn) column = NULL;
      int pk = atoi (strata_result_get_value (columns, row, 5));

      if (info == NULL)
        continue;

      if (verbatim && type != NULL && *type != '\0')
        data_type = strata_data_type_new_per_dialect (type, type);
      else
        data_type = _strata_introspect_type (type && *type ? type : "blob");
      column = strata_column_new (name, data_type);
      strata_column_set_nullable (column, g_strcmp0 (strata_result_get_value (columns, row, 3), "0") == 0);
      if (default_expr != NULL)
        {
          g_autofree char *stripped = _strata_introspect_strip_parens (default_expr);
          strata_column_set_default (column, stripped);
        }
      if (pk > 0)
        {
          Item *item;

          strata_column_set_primary_key (column, TRUE);
          strata_column_set_nullable (column, FALSE);
          for (guint i = 0; i < info->items->len; i++)
            if ((item = g_ptr_array_index (info->items, i))->kind == ITEM_COLUMN &&
                g_str_equal (item->name, name) && item->autoincrement)
              strata_column_set_autoincrement (column, TRUE);
        }
      strata_table_add_column (info->table, column);
    }

  /* Foreign keys: one group of rows per id (the pragma numbers them from
   * the last one declared, hence the DESC above). */
  for (guint row = 0; row < strata_result_get_n_rows (fks);)
    {
      const char *table = strata_result_get_value (fks, row, 0);
      const char *id = strata_result_get_value (fks, row, 1);
      TableInfo *info = g_hash_table_lookup (infos, table);
      g_autoptr(GStrvBuilder) from = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) to = g_strv_builder_new ();
      const char *references = strata_result_get_value (fks, row, 2);
      const char *on_update = strata_result_get_value (fks, row, 5);
      const char *on_delete = strata_result_get_value (fks, row, 6);
      g_auto(GStrv) from_columns = NULL;
      g_auto(GStrv) to_columns = NULL;
      g_autoptr(StrataForeignKey) fk = NULL;
      g_autofree char *name = NULL;
      gboolean to_missing = FALSE;
      Item *item;

      for (; row < strata_result_get_n_rows (fks) &&
             g_str_equal (strata_result_get_value (fks, row, 0), table) &&
             g_str_equal (strata_result_get_value (fks, row, 1), id); row++)
        {
          g_strv_builder_add (from, strata_result_get_value (fks, row, 3));
          if (strata_result_get_value (fks, row, 4) != NULL)
            g_strv_builder_add (to, strata_result_get_value (fks, row, 4));
          else
            to_missing = TRUE;
        }

      if (info == NULL)
        continue;

      from_columns = g_strv_builder_end (from);
      to_columns = g_strv_builder_end (to);

      /* REFERENCES t without columns means t's primary key. */
      if (to_missing)
        {
          TableInfo *target = g_hash_table_lookup (infos, references);

          g_strfreev (to_columns);
          to_columns = target ? strata_table_dup_primary_key (target->table) : g_strdupv (from_columns);
        }

      if ((item = find_item (info->items, ITEM_FOREIGN_KEY, (const char * const *)from_columns, references)))
        {
          item->used = TRUE;
          name = g_strdup (item->name);
        }
      if (name == NULL)
        name = g_strdup_printf ("fk_%s_%s", strata_table_get_name (info->table), id);

      fk = strata_foreign_key_new (name, (const char * const *)from_columns, references,
                                   (const char * const *)to_columns);
      strata_foreign_key_set_on_delete (fk, _strata_introspect_action (on_delete));
      strata_foreign_key_set_on_update (fk, _strata_introspect_action (on_update));
      strata_table_add_foreign_key (info->table, fk);
    }

  /* Indexes and unique constraints */
  for (guint row = 0; row < strata_result_get_n_rows (index_columns); row++)
    {
      const char *index = strata_result_get_value (index_columns, row, 0);
      const char *column = strata_result_get_value (index_columns, row, 1);
      GPtrArray *list = g_hash_table_lookup (index_cols, index);

      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (index_cols, g_strdup (index), list);
        }
      /* An expression (NULL name) makes the index one the model cannot
       * hold. */
      g_ptr_array_add (list, g_strdup (column ? column : ""));
    }

  for (guint row = 0; row < strata_result_get_n_rows (indexes); row++)
    {
      TableInfo *info = g_hash_table_lookup (infos, strata_result_get_value (indexes, row, 0));
      const char *name = strata_result_get_value (indexes, row, 1);
      const char *origin = strata_result_get_value (indexes, row, 3);
      const char *sql = strata_result_get_value (indexes, row, 4);
      GPtrArray *list = g_hash_table_lookup (index_cols, name);
      g_autoptr(GPtrArray) names = NULL;

      if (info == NULL || list == NULL || g_str_equal (origin, "pk"))
        continue;

      names = g_ptr_array_new ();
      for (guint i = 0; i < list->len; i++)
        {
          if (*(char *)g_ptr_array_index (list, i) == '\0')
            {
              g_debug ("%s: index %s on an expression left out of the model",
                       strata_table_get_name (info->table), name);
              g_clear_pointer (&names, g_ptr_array_unref);
              break;
            }
          g_ptr_array_add (names, g_ptr_array_index (list, i));
        }
      if (names == NULL)
        continue;
      g_ptr_array_add (names, NULL);

      if (g_str_equal (origin, "u"))
        {
          Item *item = find_item (info->items, ITEM_UNIQUE, (const char * const *)names->pdata, NULL);
          g_autoptr(StrataUnique) unique = NULL;

          if (item != NULL)
            item->used = TRUE;
          unique = strata_unique_new (item && item->name ? item->name : name, (const char * const *)names->pdata);
          strata_table_add_unique (info->table, unique);
        }
      else
        {
          g_autoptr(StrataIndex) index = strata_index_new (name, (const char * const *)names->pdata,
                                                           g_strcmp0 (strata_result_get_value (indexes, row, 2), "1") == 0);
          g_autofree char *where = index_where (sql);

          strata_index_set_where (index, where);
          strata_table_add_index (info->table, index);
        }
    }

  /* Checks, in the order written */
  for (guint i = 0; i < order->len; i++)
    {
      TableInfo *info = g_ptr_array_index (order, i);

      for (guint j = 0; j < info->items->len; j++)
        {
          Item *item = g_ptr_array_index (info->items, j);
          g_autoptr(StrataCheck) check = NULL;
          g_autofree char *name = NULL;

          if (item->kind != ITEM_CHECK || item->expression == NULL)
            continue;

          name = item->name ? g_strdup (item->name)
                            : g_strdup_printf ("ck_%s_%u", strata_table_get_name (info->table), ++info->n_checks);
          check = strata_check_new (name, item->expression);
          strata_table_add_check (info->table, check);
        }

      strata_model_add_table (model, info->table);
    }

  return g_steal_pointer (&model);
}
