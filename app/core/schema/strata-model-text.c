/* strata-model-text.c: a schema model as text a person reads, and the
 * change between two models as a line diff
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-model-text"

#include "config.h"

#include <string.h>

#include "strata-model.h"
#include "strata-type-map.h"

static void
append_names (GString            *text,
              const char * const *names)
{
  g_string_append_c (text, '(');
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, names[i]);
    }
  g_string_append_c (text, ')');
}

/**
 * strata_column_describe:
 * @self: a #StrataColumn
 * @dialect: the #StrataDialect whose types to show, or -1 for the portable
 *   names
 *
 * The column's definition without its name, as a person reads it:
 * `varchar(255) NOT NULL DEFAULT 'member'`, `integer PRIMARY KEY
 * AUTOINCREMENT`.
 *
 * Returns: (transfer full): the text
 */
char *
strata_column_describe (StrataColumn *self,
                        int           dialect)
{
  GString *text = g_string_new (NULL);
  StrataDataType *data_type = strata_column_get_data_type (self);
  const char *default_expr;

  if (dialect >= 0)
    {
      g_autofree char *type = strata_dialect_render_data_type (dialect, data_type);

      g_string_append (text, type);
    }
  else
    {
      g_autofree char *type = strata_data_type_to_string (data_type);

      g_string_append (text, type);
    }

  if (strata_column_get_primary_key (self))
    g_string_append (text, " PRIMARY KEY");
  else if (!strata_column_get_nullable (self))
    g_string_append (text, " NOT NULL");
  if (strata_column_get_autoincrement (self))
    g_string_append (text, " AUTOINCREMENT");

  default_expr = dialect >= 0 ? strata_column_get_default_for_dialect (self, dialect)
                              : strata_column_get_default (self);
  if (default_expr != NULL)
    g_string_append_printf (text, " DEFAULT %s", default_expr);
  else if (dialect < 0 && strata_column_has_default (self))
    g_string_append_printf (text, " DEFAULT (sqlite: %s / postgresql: %s)",
                            strata_column_get_default_for_dialect (self, STRATA_DIALECT_SQLITE) ?: "none",
                            strata_column_get_default_for_dialect (self, STRATA_DIALECT_POSTGRESQL) ?: "none");

  return g_string_free (text, FALSE);
}

/**
 * strata_index_describe:
 * @self: a #StrataIndex
 *
 * The index without its name: `UNIQUE (email) WHERE deleted_at IS NULL`.
 *
 * Returns: (transfer full): the text
 */
char *
strata_index_describe (StrataIndex *self)
{
  GString *text = g_string_new (NULL);

  if (strata_index_get_unique (self))
    g_string_append (text, "UNIQUE ");
  append_names (text, strata_index_get_columns (self));
  if (strata_index_get_where (self) != NULL)
    g_string_append_printf (text, " WHERE %s", strata_index_get_where (self));

  return g_string_free (text, FALSE);
}

/**
 * strata_foreign_key_describe:
 * @self: a #StrataForeignKey
 *
 * The foreign key without its name: `(org_id) REFERENCES org (id) ON
 * DELETE CASCADE`.
 *
 * Returns: (transfer full): the text
 */
char *
strata_foreign_key_describe (StrataForeignKey *self)
{
  GString *text = g_string_new (NULL);
  const char *on_delete = strata_referential_action_to_string (strata_foreign_key_get_on_delete (self));
  const char *on_update = strata_referential_action_to_string (strata_foreign_key_get_on_update (self));

  append_names (text, strata_foreign_key_get_columns (self));
  g_string_append_printf (text, " REFERENCES %s ", strata_foreign_key_get_references (self));
  append_names (text, strata_foreign_key_get_ref_columns (self));
  if (on_delete != NULL)
    {
      g_autofree char *upper = g_ascii_strup (on_delete, -1);

      g_string_append_printf (text, " ON DELETE %s", upper);
    }
  if (on_update != NULL)
    {
      g_autofree char *upper = g_ascii_strup (on_update, -1);

      g_string_append_printf (text, " ON UPDATE %s", upper);
    }

  return g_string_free (text, FALSE);
}

/* Each line of a table's description, without indentation */
static GPtrArray *
table_lines (StrataTable *table,
             int          dialect)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *columns = strata_table_get_columns (table);
  GPtrArray *indexes = strata_table_get_indexes (table);
  GPtrArray *foreign_keys = strata_table_get_foreign_keys (table);
  GPtrArray *uniques = strata_table_get_uniques (table);
  GPtrArray *checks = strata_table_get_checks (table);
  g_auto(GStrv) primary_key = strata_table_dup_primary_key (table);
  guint n_key = primary_key != NULL ? g_strv_length (primary_key) : 0;

  for (guint i = 0; columns != NULL && i < columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (columns, i);
      g_autofree char *definition = strata_column_describe (column, dialect);

      /* A composite key is said once, below */
      if (n_key > 1)
        {
          char *key = strstr (definition, " PRIMARY KEY");

          if (key != NULL)
            memmove (key, key + strlen (" PRIMARY KEY"), strlen (key + strlen (" PRIMARY KEY")) + 1);
        }
      g_ptr_array_add (lines, g_strdup_printf ("column %s %s", strata_column_get_name (column), definition));
    }

  if (n_key > 1 || strata_table_get_primary_key_name (table) != NULL)
    {
      GString *text = g_string_new ("primary key ");

      if (strata_table_get_primary_key_name (table) != NULL)
        g_string_append_printf (text, "%s ", strata_table_get_primary_key_name (table));
      append_names (text, (const char * const *)primary_key);
      g_ptr_array_add (lines, g_string_free (text, FALSE));
    }

  for (guint i = 0; indexes != NULL && i < indexes->len; i++)
    {
      StrataIndex *index = g_ptr_array_index (indexes, i);
      g_autofree char *definition = strata_index_describe (index);

      g_ptr_array_add (lines, g_strdup_printf ("index %s %s", strata_index_get_name (index), definition));
    }

  for (guint i = 0; foreign_keys != NULL && i < foreign_keys->len; i++)
    {
      StrataForeignKey *foreign_key = g_ptr_array_index (foreign_keys, i);
      g_autofree char *definition = strata_foreign_key_describe (foreign_key);

      g_ptr_array_add (lines, g_strdup_printf ("foreign key %s %s",
                                               strata_foreign_key_get_name (foreign_key) ?: "(unnamed)",
                                               definition));
    }

  for (guint i = 0; uniques != NULL && i < uniques->len; i++)
    {
      StrataUnique *unique = g_ptr_array_index (uniques, i);
      GString *text = g_string_new (NULL);

      g_string_append_printf (text, "unique %s ", strata_unique_get_name (unique) ?: "(unnamed)");
      append_names (text, strata_unique_get_columns (unique));
      g_ptr_array_add (lines, g_string_free (text, FALSE));
    }

  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      StrataCheck *check = g_ptr_array_index (checks, i);

      g_ptr_array_add (lines, g_strdup_printf ("check %s (%s)", strata_check_get_name (check) ?: "(unnamed)",
                                               strata_check_get_expression (check)));
    }

  return lines;
}

/* The enum types and sequences, one line each */
static GPtrArray *
type_lines (StrataModel *model)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *enums = strata_model_get_enum_names (model);
  GPtrArray *sequences;

  for (guint i = 0; enums != NULL && i < enums->len; i++)
    {
      const char *name = g_ptr_array_index (enums, i);
      const char * const *values = strata_model_lookup_enum (model, name);
      GString *text = g_string_new (NULL);

      g_string_append_printf (text, "enum %s (", name);
      for (guint j = 0; values != NULL && values[j] != NULL; j++)
        g_string_append_printf (text, "%s'%s'", j > 0 ? ", " : "", values[j]);
      g_string_append_c (text, ')');
      g_ptr_array_add (lines, g_string_free (text, FALSE));
    }

  sequences = strata_model_get_sequence_names (model);
  for (guint i = 0; sequences != NULL && i < sequences->len; i++)
    {
      const char *name = g_ptr_array_index (sequences, i);
      gint64 start = 1, increment = 1;

      strata_model_lookup_sequence (model, name, &start, &increment);
      g_ptr_array_add (lines, g_strdup_printf ("sequence %s START %" G_GINT64_FORMAT " INCREMENT %" G_GINT64_FORMAT,
                                               name, start, increment));
    }

  return lines;
}

/**
 * strata_table_describe:
 * @self: a #StrataTable
 * @dialect: the #StrataDialect whose types to show, or -1 for the portable
 *   names
 *
 * The table as a person reads it: `table NAME`, then one indented line per
 * column, primary key, index, foreign key, unique and check constraint.
 *
 * Returns: (transfer full): the text, ending in a newline
 */
char *
strata_table_describe (StrataTable *self,
                       int          dialect)
{
  g_autoptr(GPtrArray) lines = table_lines (self, dialect);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "table %s\n", strata_table_get_name (self));
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "  %s\n", (const char *)g_ptr_array_index (lines, i));

  return g_string_free (text, FALSE);
}

/**
 * strata_model_describe:
 * @self: a #StrataModel
 * @dialect: the #StrataDialect whose types to show, or -1 for the portable
 *   names
 *
 * The schema as a person reads it: each table (strata_table_describe()) in
 * definition order, then its enum types and sequences.
 *
 * Returns: (transfer full): the text
 */
char *
strata_model_describe (StrataModel *self,
                       int          dialect)
{
  GPtrArray *tables = strata_model_get_tables (self);
  g_autoptr(GPtrArray) types = type_lines (self);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < tables->len; i++)
    {
      g_autofree char *table = strata_table_describe (g_ptr_array_index (tables, i), dialect);

      g_string_append (text, table);
    }
  for (guint i = 0; i < types->len; i++)
    g_string_append_printf (text, "%s\n", (const char *)g_ptr_array_index (types, i));

  return g_string_free (text, FALSE);
}

/* A line diff of @a and @b (longest common subsequence: a table's lines
 * are few) into @text, each line prefixed "  ", "- " or "+ " after
 * @indent */
static guint
diff_lines (GString    *text,
            GPtrArray  *a,
            GPtrArray  *b,
            const char *indent)
{
  guint n = a->len, m = b->len, i = 0, j = 0, changes = 0;
  g_autofree guint *lcs = g_new0 (guint, (n + 1) * (m + 1));

#define LCS(x, y) lcs[(x) * (m + 1) + (y)]
  for (guint x = n; x-- > 0;)
    for (guint y = m; y-- > 0;)
      LCS (x, y) = g_str_equal (g_ptr_array_index (a, x), g_ptr_array_index (b, y))
                   ? LCS (x + 1, y + 1) + 1
                   : MAX (LCS (x + 1, y), LCS (x, y + 1));

  while (i < n || j < m)
    {
      if (i < n && j < m && g_str_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, j)))
        {
          g_string_append_printf (text, " %s%s\n", indent, (const char *)g_ptr_array_index (a, i));
          i++, j++;
        }
      /* What goes first, then what comes, as diff(1) says a change */
      else if (i < n && (j == m || LCS (i + 1, j) >= LCS (i, j + 1)))
        {
          g_string_append_printf (text, "-%s%s\n", indent, (const char *)g_ptr_array_index (a, i));
          i++, changes++;
        }
      else
        {
          g_string_append_printf (text, "+%s%s\n", indent, (const char *)g_ptr_array_index (b, j));
          j++, changes++;
        }
    }
#undef LCS

  return changes;
}

static void
append_whole_table (GString     *text,
                    char         sign,
                    StrataTable *table,
                    int          dialect)
{
  g_autoptr(GPtrArray) lines = table_lines (table, dialect);

  g_string_append_printf (text, "%ctable %s\n", sign, strata_table_get_name (table));
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%c  %s\n", sign, (const char *)g_ptr_array_index (lines, i));
}

/**
 * strata_model_describe_change:
 * @before: the schema before
 * @after: the schema after
 * @dialect: the #StrataDialect whose types to show, or -1 for the portable
 *   names
 *
 * What changed from @before to @after, as a line diff of their
 * descriptions (strata_model_describe()) that a person reads: each table
 * that changed, whole, its lines prefixed with a space (unchanged), `-`
 * (only before) or `+` (only after); a new or dropped table entirely `+` or
 * `-`; then the enum types and sequences that changed. Tables that did not
 * change are left out. A table renamed shows as one dropped and one added.
 *
 * Returns: (transfer full): the diff, empty when nothing changed
 */
char *
strata_model_describe_change (StrataModel *before,
                              StrataModel *after,
                              int          dialect)
{
  GString *text = g_string_new (NULL);
  GPtrArray *before_tables = strata_model_get_tables (before);
  GPtrArray *after_tables = strata_model_get_tables (after);
  g_autoptr(GPtrArray) before_types = type_lines (before);
  g_autoptr(GPtrArray) after_types = type_lines (after);

  for (guint i = 0; i < after_tables->len; i++)
    {
      StrataTable *table = g_ptr_array_index (after_tables, i);
      StrataTable *old = strata_model_lookup_table (before, strata_table_get_name (table));
      g_autoptr(GPtrArray) old_lines = NULL;
      g_autoptr(GPtrArray) new_lines = NULL;
      g_autoptr(GString) block = NULL;

      if (old == NULL)
        {
          append_whole_table (text, '+', table, dialect);
          continue;
        }

      old_lines = table_lines (old, dialect);
      new_lines = table_lines (table, dialect);
      block = g_string_new (NULL);
      g_string_append_printf (block, " table %s\n", strata_table_get_name (table));
      if (diff_lines (block, old_lines, new_lines, "  ") > 0)
        g_string_append (text, block->str);
    }

  for (guint i = 0; i < before_tables->len; i++)
    {
      StrataTable *table = g_ptr_array_index (before_tables, i);

      if (strata_model_lookup_table (after, strata_table_get_name (table)) == NULL)
        append_whole_table (text, '-', table, dialect);
    }

  {
    g_autoptr(GString) block = g_string_new (NULL);

    if (diff_lines (block, before_types, after_types, "") > 0)
      {
        /* Only the types that changed */
        g_auto(GStrv) lines = g_strsplit (block->str, "\n", -1);

        for (guint i = 0; lines[i] != NULL; i++)
          if (lines[i][0] == '+' || lines[i][0] == '-')
            g_string_append_printf (text, "%s\n", lines[i]);
      }
  }

  return g_string_free (text, FALSE);
}
