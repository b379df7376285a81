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

/* Which dialects a lint speaks for: one, or both (strata_lint_ops) */
#define LINT_ALL_DIALECTS (-1)

static inline gboolean
on_pg (int dialect)
{
  return dialect == LINT_ALL_DIALECTS || dialect == STRATA_DIALECT_POSTGRESQL;
}

static inline gboolean
on_sqlite (int dialect)
{
  return dialect == LINT_ALL_DIALECTS || dialect == STRATA_DIALECT_SQLITE;
}

/* What a lock costs, in the dialects linted for: "@pg on PostgreSQL; @sqlite
 * on SQLite", or the one that applies. NULL when neither does. */
static char *
locking_text (int         dialect,
              const char *pg,
              const char *sqlite)
{
  if (dialect == LINT_ALL_DIALECTS && pg != NULL && sqlite != NULL)
    return g_strdup_printf ("%s on PostgreSQL; %s on SQLite", pg, sqlite);
  if (on_pg (dialect) && pg != NULL)
    return dialect == LINT_ALL_DIALECTS ? g_strdup_printf ("%s on PostgreSQL", pg) : g_strdup (pg);
  if (on_sqlite (dialect) && sqlite != NULL)
    return dialect == LINT_ALL_DIALECTS ? g_strdup_printf ("%s on SQLite", sqlite) : g_strdup (sqlite);
  return NULL;
}

static void
add_locking (GPtrArray  *findings,
             int         dialect,
             guint       index,
             StrataOp   *op,
             const char *pg,
             const char *sqlite)
{
  g_autofree char *text = locking_text (dialect, pg, sqlite);

  if (text != NULL)
    add (findings, STRATA_LINT_LOCKING, index, op, "%s", text);
}

/* SQL that loses rows or columns: DELETE, TRUNCATE, a DROP of anything but
 * what holds no data (views, indexes, triggers, functions, …) */
static gboolean
sql_drops_data (const char *sql)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("\\b(DELETE|TRUNCATE)\\b|"
                               "\\bDROP\\s+(?!(MATERIALIZED\\s+)?VIEW\\b|INDEX\\b|TRIGGER\\b|FUNCTION\\b|"
                               "PROCEDURE\\b|RULE\\b|POLICY\\b|DEFAULT\\b|NOT\\s+NULL\\b|CONSTRAINT\\b|"
                               "STATISTICS\\b|COLLATION\\b|EXTENSION\\b)",
                               G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  return sql != NULL && g_regex_match (regex, sql, 0, NULL);
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
                   int          dialect,
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
      {
        g_autofree char *pg = g_strdup_printf ("rewrites table %s under an exclusive lock (reads and writes wait)",
                                               op->table);
        g_autofree char *sqlite = g_strdup_printf ("rebuilds table %s (every row is copied)", op->table);

        add_locking (findings, dialect, index, op, pg, sqlite);
      }
    }

  if (op->nullable == 0)
    {
      g_autofree char *pg = g_strdup_printf ("scans table %s under an exclusive lock", op->table);
      g_autofree char *sqlite = g_strdup_printf ("rebuilds table %s (every row is copied)", op->table);

      add (findings, STRATA_LINT_DATA_DEPENDENT, index, op,
           "fails if %s.%s holds NULL in any row; fill them in first (an update or a default)",
           op->table, op->column);
      add_locking (findings, dialect, index, op, pg, sqlite);
    }
  else if (op->nullable == 1 || op->set_default)
    {
      g_autofree char *sqlite = g_strdup_printf ("rebuilds table %s (every row is copied)", op->table);

      add_locking (findings, dialect, index, op, NULL, sqlite);
    }
}

/* @in_place: replay the operations on @state itself (the caller walks a
 * plan step by step) rather than on a copy */
static GPtrArray *
lint_ops (GPtrArray   *ops,
          StrataModel *state,
          gboolean     has_downgrade,
          int          dialect,
          gboolean     in_place)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);
  g_autoptr(StrataModel) model = state == NULL ? NULL : in_place ? strata_model_ref (state) : strata_model_copy (state);
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
            lint_alter_column (findings, dialect, i, op, table);
          break;

        case STRATA_OP_ADD_COLUMN:
          if (!is_new && !strata_column_get_nullable (op->column_def) &&
              strata_column_get_default (op->column_def) == NULL)
            add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                 "a NOT NULL column without a default fails if table %s has rows", op->table);
          break;

        case STRATA_OP_CREATE_INDEX:
          if (!is_new && !op->concurrently && on_pg (dialect))
            add (findings, STRATA_LINT_LOCKING, i, op,
                 "blocks writes to %s while the index builds%s; "
                 "\"concurrently\": true in a migration with \"transactional\": false avoids that",
                 op->table, dialect == LINT_ALL_DIALECTS ? " on PostgreSQL" : "");
          if (!is_new && strata_index_get_unique (op->index))
            add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                 "fails if %s already holds duplicates", op->table);
          break;

        case STRATA_OP_ADD_UNIQUE:
          if (!is_new)
            {
              g_autofree char *sqlite = g_strdup_printf ("rebuilds %s (every row is copied)", op->table);

              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   "fails if %s already holds duplicates", op->table);
              add_locking (findings, dialect, i, op, "builds an index under an exclusive lock", sqlite);
            }
          break;

        case STRATA_OP_ADD_CHECK:
          if (!is_new)
            {
              g_autofree char *pg = g_strdup_printf ("scans %s under an exclusive lock", op->table);
              g_autofree char *sqlite = g_strdup_printf ("rebuilds %s (every row is copied)", op->table);

              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   "fails if a row of %s does not satisfy %s", op->table, strata_check_get_expression (op->check));
              add_locking (findings, dialect, i, op, pg, sqlite);
            }
          break;

        case STRATA_OP_ADD_FOREIGN_KEY:
          if (!is_new)
            {
              g_autofree char *pg = g_strdup_printf ("scans %s and locks %s against writes", op->table,
                                                     strata_foreign_key_get_references (op->foreign_key));
              g_autofree char *sqlite = g_strdup_printf ("rebuilds %s (every row is copied)", op->table);

              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   "fails if a row of %s references a missing row of %s", op->table,
                   strata_foreign_key_get_references (op->foreign_key));
              add_locking (findings, dialect, i, op, pg, sqlite);
            }
          break;

        case STRATA_OP_DROP_CONSTRAINT:
          if (!is_new)
            {
              g_autofree char *sqlite = g_strdup_printf ("rebuilds table %s (every row is copied)", op->table);

              add_locking (findings, dialect, i, op, NULL, sqlite);
            }
          break;

        case STRATA_OP_INSERT:
          if (!has_downgrade)
            add (findings, STRATA_LINT_IRREVERSIBLE, i, op,
                 "inserted rows are not deleted by a computed downgrade; write a \"downgrade\"");
          break;

        case STRATA_OP_SQL:
          if ((on_sqlite (dialect) && sql_drops_data (op->sql[STRATA_DIALECT_SQLITE])) ||
              (on_pg (dialect) && sql_drops_data (op->sql[STRATA_DIALECT_POSTGRESQL])))
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

GPtrArray *
strata_lint_ops (GPtrArray   *ops,
                 StrataModel *state,
                 gboolean     has_downgrade)
{
  g_return_val_if_fail (ops != NULL, NULL);

  return lint_ops (ops, state, has_downgrade, LINT_ALL_DIALECTS, FALSE);
}

GPtrArray *
strata_lint_ops_for_dialect (GPtrArray     *ops,
                             StrataModel   *state,
                             gboolean       has_downgrade,
                             StrataDialect  dialect)
{
  g_return_val_if_fail (ops != NULL, NULL);
  g_return_val_if_fail (dialect == STRATA_DIALECT_SQLITE || dialect == STRATA_DIALECT_POSTGRESQL, NULL);

  return lint_ops (ops, state, has_downgrade, dialect, FALSE);
}

/**
 * strata_lint_ops_advance:
 *
 * strata_lint_ops_for_dialect() on @state itself: @state becomes the
 * schema after @ops. Linting a long plan step by step this way replays each
 * step once, instead of the whole plan up to every step.
 */
GPtrArray *
strata_lint_ops_advance (GPtrArray     *ops,
                         StrataModel   *state,
                         gboolean       has_downgrade,
                         StrataDialect  dialect)
{
  g_return_val_if_fail (ops != NULL, NULL);
  g_return_val_if_fail (state != NULL, NULL);
  g_return_val_if_fail (dialect == STRATA_DIALECT_SQLITE || dialect == STRATA_DIALECT_POSTGRESQL, NULL);

  return lint_ops (ops, state, has_downgrade, dialect, TRUE);
}
