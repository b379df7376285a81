/* strata-lint.c: risk analysis of migration operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* What a reviewer wants to know before running a migration on a database
 * with data in it: what it destroys, what it cannot undo, what it locks
 * (PostgreSQL takes ACCESS EXCLUSIVE for most ALTER TABLE forms and SHARE
 * for CREATE INDEX; SQLite rebuilds copy the whole table), and what fails
 * unless the rows already fit. Operations on a table the same migration
 * created see an empty table and are left alone. */

#define G_LOG_DOMAIN "strata-lint"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "strata-type-map.h"
#include "strata-lint.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"

G_DEFINE_BOXED_TYPE (StrataLintFinding, strata_lint_finding, strata_lint_finding_copy, strata_lint_finding_free)

void
strata_lint_finding_free (StrataLintFinding *finding)
{
  if (finding == NULL)
    return;

  g_free (finding->revision);
  g_free (finding->where);
  g_free (finding->operation);
  g_free (finding->message);
  g_free (finding);
}

StrataLintFinding *
strata_lint_finding_copy (StrataLintFinding *finding)
{
  StrataLintFinding *copy = g_new0 (StrataLintFinding, 1);

  copy->kind = finding->kind;
  copy->revision = g_strdup (finding->revision);
  copy->where = g_strdup (finding->where);
  copy->operation = g_strdup (finding->operation);
  copy->message = g_strdup (finding->message);
  return copy;
}

const char *
strata_lint_kind_to_string (StrataLintKind kind)
{
  switch (kind)
    {
    case STRATA_LINT_DESTRUCTIVE:
      return "destructive";
    case STRATA_LINT_IRREVERSIBLE:
      return "irreversible";
    case STRATA_LINT_LOCKING:
      return "locking";
    case STRATA_LINT_DATA_DEPENDENT:
      return "data-dependent";
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
strata_lint_finding_format (StrataLintFinding *finding)
{
  return g_strdup_printf ("%s%s%s: %s: %s: %s",
                          finding->revision ? finding->revision : "",
                          finding->revision ? " " : "",
                          finding->where, strata_lint_kind_to_string (finding->kind),
                          finding->operation, finding->message);
}

static void
add (GPtrArray      *findings,
     StrataLintKind  kind,
     guint           index,
     StrataOp       *op,
     const char     *format,
     ...) G_GNUC_PRINTF (5, 6);

static void
add (GPtrArray      *findings,
     StrataLintKind  kind,
     guint           index,
     StrataOp       *op,
     const char     *format,
     ...)
{
  StrataLintFinding *finding = g_new0 (StrataLintFinding, 1);
  va_list args;

  finding->kind = kind;
  finding->where = g_strdup_printf ("upgrade[%u]", index);
  finding->operation = strata_op_describe (op);
  va_start (args, format);
  finding->message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (findings, finding);
}

/* A change of type that keeps every value: a wider varchar, int → bigint,
 * anything → text. */
static gboolean
type_change_is_widening (StrataDataType *from,
                         StrataDataType *to)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  guint na = 0;
  guint nb = 0;

  if (from == NULL || to == NULL)
    return FALSE;

  a = strata_dialect_render_data_type (STRATA_DIALECT_POSTGRESQL, from);
  b = strata_dialect_render_data_type (STRATA_DIALECT_POSTGRESQL, to);

  if (g_ascii_strcasecmp (b, "TEXT") == 0)
    return TRUE;
  if ((g_ascii_strcasecmp (a, "SMALLINT") == 0 || g_ascii_strcasecmp (a, "INTEGER") == 0) &&
      g_ascii_strcasecmp (b, "BIGINT") == 0)
    return TRUE;
  if (sscanf (a, "VARCHAR(%u)", &na) == 1 && sscanf (b, "VARCHAR(%u)", &nb) == 1)
    return nb >= na;

  return FALSE;
}

static void
lint_alter_column (GPtrArray   *findings,
                   guint        index,
                   StrataOp    *op,
                   StrataTable *table)
{
  StrataColumn *column = table ? strata_table_lookup_column (table, op->column) : NULL;

  if (op->type != NULL)
    {
      StrataDataType *before = column ? strata_column_get_data_type (column) : op->existing_type;

      if (!type_change_is_widening (before, op->type))
        {
          add (findings, STRATA_LINT_DESTRUCTIVE, index, op,
               "a narrower or different type can truncate or change values");
          add (findings, STRATA_LINT_DATA_DEPENDENT, index, op,
               "fails if a value of %s.%s does not convert to the new type", op->table, op->column);
        }
      add (findings, STRATA_LINT_LOCKING, index, op,
           "rewrites table %s under an exclusive lock on PostgreSQL (reads and writes wait); "
           "rebuilds it on SQLite", op->table);
    }

  if (op->nullable == 0)
    {
      add (findings, STRATA_LINT_DATA_DEPENDENT, index, op,
           "fails if %s.%s holds NULL in any row; fill them in first (an update or a default)",
           op->table, op->column);
      add (findings, STRATA_LINT_LOCKING, index, op,
           "scans table %s under an exclusive lock on PostgreSQL; rebuilds it on SQLite", op->table);
    }
  else if (op->nullable == 1 || op->set_default)
    add (findings, STRATA_LINT_LOCKING, index, op,
         "rebuilds table %s on SQLite (every row is copied)", op->table);
}

/**
 * strata_lint_ops:
 * @ops: (element-type StrataOp): the operations
 * @state: the schema they apply to (changed: they are applied to it)
 * @has_downgrade: whether the revision has a downgrade
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings
 */
GPtrArray *
strata_lint_ops (GPtrArray   *ops,
                 StrataModel *state,
                 gboolean     has_downgrade)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);
  g_autoptr(StrataModel) model = state ? strata_model_copy (state) : NULL;
  g_autoptr(GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (ops != NULL, NULL);

  for (guint i = 0; i < ops->len; i++)
    {
      StrataOp *op = g_ptr_array_index (ops, i);
      StrataTable *table = (model && op->table) ? strata_model_lookup_table (model, op->table) : NULL;
      gboolean is_new = op->table != NULL && g_hash_table_contains (created, op->table);

      switch (op->kind)
        {
        case STRATA_OP_CREATE_TABLE:
          g_hash_table_add (created, g_strdup (op->table));
          break;

        case STRATA_OP_DROP_TABLE:
          if (!is_new)
            add (findings, STRATA_LINT_DESTRUCTIVE, i, op,
                 "deletes table %s and all its rows; a downgrade recreates the table empty", op->table);
          break;

        case STRATA_OP_DROP_COLUMN:
          if (!is_new)
            add (findings, STRATA_LINT_DESTRUCTIVE, i, op,
                 "deletes the values of %s.%s; a downgrade brings the column back empty",
                 op->table, op->column);
          break;

        case STRATA_OP_RENAME_TABLE:
          if (!is_new)
            add (findings, STRATA_LINT_LOCKING, i, op,
                 "code that still uses the name %s fails from now on; deploy the code that uses %s with it",
                 op->table, op->new_name);
          if (is_new)
            g_hash_table_add (created, g_strdup (op->new_name));
          break;

        case STRATA_OP_ALTER_COLUMN:
          if (!is_new)
            lint_alter_column (findings, i, op, table);
          break;

        case STRATA_OP_ADD_COLUMN:
          if (!is_new && !strata_column_get_nullable (op->column_def) &&
              strata_column_get_default (op->column_def) == NULL)
            add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                 "a NOT NULL column without a default fails if table %s has rows", op->table);
          break;

        case STRATA_OP_CREATE_INDEX:
          if (!is_new && !op->concurrently)
            add (findings, STRATA_LINT_LOCKING, i, op,
                 "blocks writes to %s while the index builds on PostgreSQL; "
                 "\"concurrently\": true in a migration with \"transactional\": false avoids that",
                 op->table);
          if (!is_new && strata_index_get_unique (op->index))
            add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                 "fails if %s already holds duplicates", op->table);
          break;

        case STRATA_OP_ADD_UNIQUE:
          if (!is_new)
            {
              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   "fails if %s already holds duplicates", op->table);
              add (findings, STRATA_LINT_LOCKING, i, op,
                   "builds an index under an exclusive lock on PostgreSQL; rebuilds %s on SQLite", op->table);
            }
          break;

        case STRATA_OP_ADD_CHECK:
          if (!is_new)
            {
              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   "fails if a row of %s does not satisfy %s", op->table, strata_check_get_expression (op->check));
              add (findings, STRATA_LINT_LOCKING, i, op,
                   "scans %s under an exclusive lock on PostgreSQL; rebuilds it on SQLite", op->table);
            }
          break;

        case STRATA_OP_ADD_FOREIGN_KEY:
          if (!is_new)
            {
              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   "fails if a row of %s references a missing row of %s", op->table,
                   strata_foreign_key_get_references (op->foreign_key));
              add (findings, STRATA_LINT_LOCKING, i, op,
                   "scans %s and locks %s against writes on PostgreSQL; rebuilds %s on SQLite",
                   op->table, strata_foreign_key_get_references (op->foreign_key), op->table);
            }
          break;

        case STRATA_OP_DROP_CONSTRAINT:
          if (!is_new)
            add (findings, STRATA_LINT_LOCKING, i, op, "rebuilds table %s on SQLite", op->table);
          break;

        case STRATA_OP_INSERT:
          if (!has_downgrade)
            add (findings, STRATA_LINT_IRREVERSIBLE, i, op,
                 "inserted rows are not deleted by a computed downgrade; write a \"downgrade\"");
          break;

        case STRATA_OP_SQL:
          if (strata_op_is_destructive (op))
            add (findings, STRATA_LINT_DESTRUCTIVE, i, op, "the SQL drops, deletes or truncates");
          if (!has_downgrade && !op->has_reverse)
            add (findings, STRATA_LINT_IRREVERSIBLE, i, op,
                 "raw SQL without \"reverse\" cannot be undone; give \"reverse\" or a \"downgrade\"");
          break;

        case STRATA_OP_DROP_INDEX:
        default:
          break;
        }

      if (model != NULL)
        {
          g_autoptr(GError) local_error = NULL;

          if (!strata_model_apply_op (model, op, &local_error))
            g_debug ("upgrade[%u]: not replayed: %s", i, local_error->message);
        }
    }

  return g_steal_pointer (&findings);
}
