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
#include <string.h>

#include "strata-type-map.h"
#include "strata-lint.h"
#include "strata-lint-private.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-i18n-private.h"

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
    case STRATA_LINT_DIALECT_DEPENDENT:
      return "dialect-dependent";
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
    return g_strdup_printf (_("%s on PostgreSQL; %s on SQLite"), pg, sqlite);
  if (on_pg (dialect) && pg != NULL)
    return dialect == LINT_ALL_DIALECTS ? g_strdup_printf (_("%s on PostgreSQL"), pg) : g_strdup (pg);
  if (on_sqlite (dialect) && sqlite != NULL)
    return dialect == LINT_ALL_DIALECTS ? g_strdup_printf (_("%s on SQLite"), sqlite) : g_strdup (sqlite);
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
               _("a narrower or different type can truncate or change values"));
          add (findings, STRATA_LINT_DATA_DEPENDENT, index, op,
               _("fails if a value of %s.%s does not convert to the new type"), op->table, op->column);
        }
      {
        g_autofree char *pg = g_strdup_printf (_("rewrites table %s under an exclusive lock (reads and writes wait)"),
                                               op->table);
        g_autofree char *sqlite = g_strdup_printf (_("rebuilds table %s (every row is copied)"), op->table);

        add_locking (findings, dialect, index, op, pg, sqlite);
      }
    }

  if (op->nullable == 0)
    {
      g_autofree char *pg = g_strdup_printf (_("scans table %s under an exclusive lock"), op->table);
      g_autofree char *sqlite = g_strdup_printf (_("rebuilds table %s (every row is copied)"), op->table);

      add (findings, STRATA_LINT_DATA_DEPENDENT, index, op,
           _("fails if %s.%s holds NULL in any row; fill them in first (an update or a default)"),
           op->table, op->column);
      add_locking (findings, dialect, index, op, pg, sqlite);
    }
  else if (op->nullable == 1 || op->set_default)
    {
      g_autofree char *sqlite = g_strdup_printf (_("rebuilds table %s (every row is copied)"), op->table);

      add_locking (findings, dialect, index, op, NULL, sqlite);
    }
}

/* The column of @table that SQLite makes an alias of the rowid, numbering
 * it when an insert leaves it out, while PostgreSQL gives it no default:
 * the one primary key column, declared INTEGER on SQLite, without
 * "autoincrement". NULL when there is none. */
static StrataColumn *
rowid_alias_without_autoincrement (StrataTable *table)
{
  GPtrArray *columns = strata_table_get_columns (table);
  StrataColumn *key = NULL;

  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (columns, i);

      if (!strata_column_get_primary_key (column))
        continue;
      if (key != NULL)
        return NULL;  /* composite: no rowid alias */
      key = column;
    }

  if (key == NULL || strata_column_get_autoincrement (key))
    return NULL;

  {
    g_autofree char *type = strata_dialect_render_data_type (STRATA_DIALECT_SQLITE,
                                                             strata_column_get_data_type (key));
    return g_ascii_strcasecmp (type, "INTEGER") == 0 ? key : NULL;
  }
}

/* Expressions are SQL by design (default, where, check, using), but an
 * expression is one expression: a ';' outside quotes ends the statement it
 * is pasted into and starts another, a comment hides what follows it, a ')'
 * that closes more than it opened ends the definition around it. The
 * expression is read as each engine reads it (the lexer's SQLite and
 * PostgreSQL quotes: E'…' with backslashes and $tag$…$tag$ on one,
 * `…` and […] on the other), since it may run on either. Returns what is
 * wrong, or NULL. */
static const char *
expression_problem_as (const char        *expr,
                       StrataSqlLexFlags  flags)
{
  gsize len = strlen (expr);
  /* An unterminated string runs to the end of the text: with one more
   * character after the expression, a quote that closes ends inside it and
   * one that does not runs past it. */
  g_autofree char *probe = g_strconcat (expr, " ", NULL);
  const char *p = probe;
  int depth = 0;

  for (;;)
    {
      StrataSqlToken token;

      _strata_sql_token_at (probe, p, flags, &token);
      p = token.start + token.length;

      switch (token.kind)
        {
        case STRATA_SQL_TOKEN_END:
          return depth > 0 ? _("a “(” that is never closed") : NULL;

        case STRATA_SQL_TOKEN_STRING:
        case STRATA_SQL_TOKEN_QUOTED_NAME:
          if ((gsize)(p - probe) > len)
            return *token.start == '$' ? _("a dollar quote that is never closed")
                                       : _("a quote that is never closed");
          break;

        case STRATA_SQL_TOKEN_COMMENT:
          return token.start[0] == '-' ? _("a comment (“--”), which hides what follows it")
                                       : "a comment (“/*”), which hides what follows it";

        case STRATA_SQL_TOKEN_SYMBOL:
          if (*token.start == ';')
            return "a “;” outside quotes, which ends the statement and starts another";
          if (*token.start == '(')
            depth++;
          else if (*token.start == ')' && --depth < 0)
            return "a “)” that closes more than the expression opened";
          break;

        case STRATA_SQL_TOKEN_SPACE:
        case STRATA_SQL_TOKEN_WORD:
        case STRATA_SQL_TOKEN_PARAMETER:
        default:
          break;
        }
    }
}

/* What is wrong with @expr as either engine reads it, or NULL; @engine is
 * set to the one engine that sees the problem, or NULL when both do. */
static const char *
expression_problem (const char  *expr,
                    const char **engine)
{
  const char *on_postgresql;
  const char *on_sqlite;

  *engine = NULL;
  if (expr == NULL)
    return NULL;

  on_postgresql = expression_problem_as (expr, STRATA_SQL_LEX_POSTGRESQL);
  on_sqlite = expression_problem_as (expr, STRATA_SQL_LEX_SQLITE);

  if (on_postgresql != NULL && on_sqlite == NULL)
    *engine = "PostgreSQL";
  else if (on_postgresql == NULL && on_sqlite != NULL)
    *engine = "SQLite";

  return on_postgresql != NULL ? on_postgresql : on_sqlite;
}

static void
lint_expression (GPtrArray  *findings,
                 guint       index,
                 StrataOp   *op,
                 const char *what,
                 const char *expr)
{
  const char *engine;
  const char *problem = expression_problem (expr, &engine);

  if (problem != NULL && engine != NULL)
    add (findings, STRATA_LINT_DESTRUCTIVE, index, op,
         _("%s may hide a second statement when read by %s: it holds %s; an expression must be one SQL expression"),
         what, engine, problem);
  else if (problem != NULL)
    add (findings, STRATA_LINT_DESTRUCTIVE, index, op,
         _("%s may hide a second statement: it holds %s; an expression must be one SQL expression"),
         what, problem);
}

static void
lint_table_expressions (GPtrArray   *findings,
                        guint        index,
                        StrataOp    *op,
                        StrataTable *table)
{
  GPtrArray *columns = strata_table_get_columns (table);
  GPtrArray *checks = strata_table_get_checks (table);
  GPtrArray *indexes = strata_table_get_indexes (table);

  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (columns, i);
      g_autofree char *what = g_strdup_printf (_("the default of %s.%s"), strata_table_get_name (table),
                                               strata_column_get_name (column));

      lint_expression (findings, index, op, what, strata_column_get_default (column));
    }
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      StrataCheck *check = g_ptr_array_index (checks, i);
      g_autofree char *what = g_strdup_printf ("check %s", strata_check_get_name (check));

      lint_expression (findings, index, op, what, strata_check_get_expression (check));
    }
  for (guint i = 0; indexes != NULL && i < indexes->len; i++)
    {
      StrataIndex *ix = g_ptr_array_index (indexes, i);
      g_autofree char *what = g_strdup_printf (_("the where of index %s"), strata_index_get_name (ix));

      lint_expression (findings, index, op, what, strata_index_get_where (ix));
    }
}

/* Statements hidden in an operation's SQL expressions. */
static void
lint_expressions (GPtrArray *findings,
                  guint      index,
                  StrataOp  *op)
{
  switch (op->kind)
    {
    case STRATA_OP_CREATE_TABLE:
      lint_table_expressions (findings, index, op, op->definition);
      break;

    case STRATA_OP_ADD_COLUMN:
      {
        g_autofree char *what = g_strdup_printf (_("the default of %s.%s"), op->table,
                                                 strata_column_get_name (op->column_def));

        lint_expression (findings, index, op, what, strata_column_get_default (op->column_def));
      }
      break;

    case STRATA_OP_ALTER_COLUMN:
      {
        g_autofree char *what = g_strdup_printf (_("the default of %s.%s"), op->table, op->column);
        g_autofree char *using = g_strdup_printf (_("the using of %s.%s"), op->table, op->column);

        if (op->set_default)
          lint_expression (findings, index, op, what, op->default_expr);
        lint_expression (findings, index, op, using, op->using_expr);
      }
      break;

    case STRATA_OP_CREATE_INDEX:
      {
        g_autofree char *what = g_strdup_printf (_("the where of index %s"), op->name);

        lint_expression (findings, index, op, what, strata_index_get_where (op->index));
      }
      break;

    case STRATA_OP_ADD_CHECK:
      {
        g_autofree char *what = g_strdup_printf ("check %s", op->name);

        lint_expression (findings, index, op, what, strata_check_get_expression (op->check));
      }
      break;

    case STRATA_OP_DROP_TABLE:
    case STRATA_OP_RENAME_TABLE:
    case STRATA_OP_DROP_COLUMN:
    case STRATA_OP_DROP_INDEX:
    case STRATA_OP_ADD_FOREIGN_KEY:
    case STRATA_OP_ADD_UNIQUE:
    case STRATA_OP_DROP_CONSTRAINT:
    case STRATA_OP_INSERT:
    case STRATA_OP_SQL:
    case STRATA_OP_CREATE_SEQUENCE:
    case STRATA_OP_DROP_SEQUENCE:
    case STRATA_OP_CREATE_ENUM:
    case STRATA_OP_DROP_ENUM:
    case STRATA_OP_ALTER_ENUM:
    default:
      break;
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

      lint_expressions (findings, i, op);

      switch (op->kind)
        {
        case STRATA_OP_CREATE_TABLE:
          g_hash_table_add (created, g_strdup (op->table));
          {
            StrataColumn *key = rowid_alias_without_autoincrement (op->definition);

            /* Both engines keep the behaviour they have always had (and that
             * Alembic's INTEGER PRIMARY KEY has): changing either would
             * change existing tables. Say where they differ instead. */
            if (key != NULL)
              add (findings, STRATA_LINT_DIALECT_DEPENDENT, i, op,
                   _("%s.%s is an integer primary key without \"autoincrement\": SQLite numbers rows that leave "
                     "it out (a rowid alias), PostgreSQL refuses them (NOT NULL, no default); "
                     "give \"autoincrement\": true, or always insert the ids"),
                   op->table, strata_column_get_name (key));
          }
          break;

        case STRATA_OP_DROP_TABLE:
          if (!is_new)
            add (findings, STRATA_LINT_DESTRUCTIVE, i, op,
                 _("deletes table %s and all its rows; a downgrade recreates the table empty"), op->table);
          break;

        case STRATA_OP_DROP_COLUMN:
          if (!is_new)
            add (findings, STRATA_LINT_DESTRUCTIVE, i, op,
                 _("deletes the values of %s.%s; a downgrade brings the column back empty"),
                 op->table, op->column);
          break;

        case STRATA_OP_RENAME_TABLE:
          if (!is_new)
            add (findings, STRATA_LINT_LOCKING, i, op,
                 _("code that still uses the name %s fails from now on; deploy the code that uses %s with it"),
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
              !strata_column_has_default (op->column_def))
            add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                 _("a NOT NULL column without a default fails if table %s has rows"), op->table);
          break;

        case STRATA_OP_CREATE_INDEX:
          if (!is_new && !op->concurrently && on_pg (dialect))
            add (findings, STRATA_LINT_LOCKING, i, op,
                 _("blocks writes to %s while the index builds%s; "
                   "\"concurrently\": true in a migration with \"transactional\": false avoids that"),
                 op->table, dialect == LINT_ALL_DIALECTS ? _(" on PostgreSQL") : "");
          if (!is_new && strata_index_get_unique (op->index))
            add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                 _("fails if %s already holds duplicates"), op->table);
          break;

        case STRATA_OP_ADD_UNIQUE:
          if (!is_new)
            {
              g_autofree char *sqlite = g_strdup_printf (_("rebuilds %s (every row is copied)"), op->table);

              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   _("fails if %s already holds duplicates"), op->table);
              add_locking (findings, dialect, i, op, _("builds an index under an exclusive lock"), sqlite);
            }
          break;

        case STRATA_OP_ADD_CHECK:
          if (!is_new)
            {
              g_autofree char *pg = g_strdup_printf (_("scans %s under an exclusive lock"), op->table);
              g_autofree char *sqlite = g_strdup_printf (_("rebuilds %s (every row is copied)"), op->table);

              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   _("fails if a row of %s does not satisfy %s"), op->table, strata_check_get_expression (op->check));
              add_locking (findings, dialect, i, op, pg, sqlite);
            }
          break;

        case STRATA_OP_ADD_FOREIGN_KEY:
          if (!is_new)
            {
              g_autofree char *pg = g_strdup_printf (_("scans %s and locks %s against writes"), op->table,
                                                     strata_foreign_key_get_references (op->foreign_key));
              g_autofree char *sqlite = g_strdup_printf (_("rebuilds %s (every row is copied)"), op->table);

              add (findings, STRATA_LINT_DATA_DEPENDENT, i, op,
                   _("fails if a row of %s references a missing row of %s"), op->table,
                   strata_foreign_key_get_references (op->foreign_key));
              add_locking (findings, dialect, i, op, pg, sqlite);
            }
          break;

        case STRATA_OP_DROP_CONSTRAINT:
          if (!is_new)
            {
              g_autofree char *sqlite = g_strdup_printf (_("rebuilds table %s (every row is copied)"), op->table);

              add_locking (findings, dialect, i, op, NULL, sqlite);
            }
          break;

        case STRATA_OP_INSERT:
          if (!has_downgrade)
            add (findings, STRATA_LINT_IRREVERSIBLE, i, op,
                 _("inserted rows are not deleted by a computed downgrade; write a \"downgrade\""));
          break;

        case STRATA_OP_SQL:
          if ((on_sqlite (dialect) && sql_drops_data (op->sql[STRATA_DIALECT_SQLITE])) ||
              (on_pg (dialect) && sql_drops_data (op->sql[STRATA_DIALECT_POSTGRESQL])))
            add (findings, STRATA_LINT_DESTRUCTIVE, i, op, _("the SQL drops, deletes or truncates"));
          if (!has_downgrade && !op->has_reverse)
            add (findings, STRATA_LINT_IRREVERSIBLE, i, op,
                 _("raw SQL without \"reverse\" cannot be undone; give \"reverse\" or a \"downgrade\""));
          break;

        case STRATA_OP_DROP_INDEX:
        case STRATA_OP_CREATE_SEQUENCE:
        case STRATA_OP_DROP_SEQUENCE:
        case STRATA_OP_CREATE_ENUM:
        case STRATA_OP_DROP_ENUM:
        case STRATA_OP_ALTER_ENUM:
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

/**
 * strata_lint_ops:
 * @ops: (element-type StrataOp): the operations
 * @state: (nullable): the schema they apply to (not changed)
 * @has_downgrade: whether the revision has a downgrade
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings
 */
GPtrArray *
strata_lint_ops (GPtrArray   *ops,
                 StrataModel *state,
                 gboolean     has_downgrade)
{
  g_return_val_if_fail (ops != NULL, NULL);

  return lint_ops (ops, state, has_downgrade, LINT_ALL_DIALECTS, FALSE);
}

/**
 * strata_lint_ops_for_dialect:
 * @ops: (element-type StrataOp): the operations
 * @state: (nullable): the schema before them (not changed)
 * @has_downgrade: whether the revision has a downgrade of its own
 * @dialect: the dialect whose findings are wanted
 *
 * strata_lint_ops() for one dialect: what happens there only (an index
 * build locks on PostgreSQL, a table rebuild copies rows on SQLite, raw
 * SQL is read in that dialect's text).
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings
 */
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
 * @ops: (element-type StrataOp): the operations
 * @state: the schema before them; it becomes the schema after them
 * @has_downgrade: whether the revision has a downgrade of its own
 * @dialect: the dialect whose findings are wanted
 *
 * strata_lint_ops_for_dialect() on @state itself: @state becomes the
 * schema after @ops. Linting a long plan step by step this way replays each
 * step once, instead of the whole plan up to every step.
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings
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

/* strata_lint_ops() on @state itself, for both dialects: a history linted
 * in one pass (strata_lint_scripts()) */
GPtrArray *
_strata_lint_ops_advance (GPtrArray   *ops,
                          StrataModel *state,
                          gboolean     has_downgrade)
{
  g_return_val_if_fail (ops != NULL, NULL);

  return lint_ops (ops, state, has_downgrade, LINT_ALL_DIALECTS, TRUE);
}
