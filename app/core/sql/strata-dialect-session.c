/* strata-dialect-session.c: the SQL of the migrator's bookkeeping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-dialect"

#include "config.h"

#include "strata-dialect-private.h"

GPtrArray *
_strata_dialect_render_session (StrataDialect  dialect,
                                const char    *schema,
                                gboolean       create_schema,
                                int            lock_timeout,
                                int            statement_timeout)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);

  if (dialect != STRATA_DIALECT_POSTGRESQL)
    return statements;

  if (schema != NULL && *schema != '\0')
    {
      g_autofree char *quoted = strata_dialect_quote_identifier (dialect, schema);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);

      if (create_schema)
        g_ptr_array_add (statements, g_strdup_printf ("CREATE SCHEMA IF NOT EXISTS %s", quoted));
      g_ptr_array_add (statements,
                       g_strdup_printf ("SELECT set_config('search_path', %s || ', ' || "
                                        "current_setting('search_path'), false)", literal));
    }
  if (lock_timeout >= 0)
    g_ptr_array_add (statements, g_strdup_printf ("SET lock_timeout = %d", lock_timeout));
  if (statement_timeout >= 0)
    g_ptr_array_add (statements, g_strdup_printf ("SET statement_timeout = %d", statement_timeout));

  return statements;
}

void
_strata_dialect_append_version_change (GString            *out,
                                       StrataDialect       dialect,
                                       const char         *table,
                                       const char * const *removed,
                                       const char * const *added)
{
  /* One row replaced by another: an UPDATE, as Alembic writes it. */
  if (g_strv_length ((char **)removed) == 1 && g_strv_length ((char **)added) == 1)
    {
      g_autofree char *from = strata_dialect_quote_literal (dialect, removed[0]);
      g_autofree char *to = strata_dialect_quote_literal (dialect, added[0]);

      g_string_append_printf (out, "UPDATE %s SET version_num = %s WHERE version_num = %s;\n\n",
                              table, to, from);
      return;
    }

  for (guint i = 0; removed[i] != NULL; i++)
    {
      g_autofree char *value = strata_dialect_quote_literal (dialect, removed[i]);

      g_string_append_printf (out, "DELETE FROM %s WHERE version_num = %s;\n\n", table, value);
    }

  for (guint i = 0; added[i] != NULL; i++)
    {
      g_autofree char *value = strata_dialect_quote_literal (dialect, added[i]);

      g_string_append_printf (out, "INSERT INTO %s (version_num) VALUES (%s);\n\n", table, value);
    }
}

/* ISO 8601 UTC with milliseconds, as the migrator writes it, from the
 * server's clock. */
#define PG_TIMESTAMP(expr) \
  "to_char((" expr ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static void
append_literal (GString    *out,
                const char *value)
{
  g_autofree char *literal = NULL;

  if (value == NULL)
    {
      g_string_append (out, "NULL");
      return;
    }

  literal = strata_dialect_quote_literal (STRATA_DIALECT_POSTGRESQL, value);
  g_string_append (out, literal);
}

char *
_strata_dialect_render_timed_history_row (const char *table,
                                          const char *revision,
                                          const char *direction,
                                          const char *checksum,
                                          const char *os_user,
                                          const char *host,
                                          const char *tool_version,
                                          const char *outcome,
                                          const char *stored)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "INSERT INTO %s (revision, direction, checksum, started, finished, "
                               "duration_ms, os_user, host, tool_version, outcome, downgrade) VALUES (", table);
  append_literal (sql, revision);
  g_string_append_c (sql, ',');
  append_literal (sql, direction);
  g_string_append_c (sql, ',');
  append_literal (sql, checksum);
  g_string_append (sql, ", " PG_TIMESTAMP ("now()") ", " PG_TIMESTAMP ("clock_timestamp()") ", "
                        "round(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint, ");
  append_literal (sql, os_user);
  g_string_append_c (sql, ',');
  append_literal (sql, host);
  g_string_append_c (sql, ',');
  append_literal (sql, tool_version);
  g_string_append (sql, ", ");
  append_literal (sql, outcome);
  g_string_append (sql, ", ");
  append_literal (sql, stored);
  g_string_append (sql, ")");

  return g_string_free (sql, FALSE);
}

void
_strata_dialect_append_rebuild_prologue (GString       *out,
                                         StrataDialect  dialect)
{
  if (dialect == STRATA_DIALECT_SQLITE)
    g_string_append (out, "-- (rebuilds a table: foreign keys off, checked before COMMIT)\n"
                          "PRAGMA foreign_keys = OFF;\n\n");
}

void
_strata_dialect_append_rebuild_check (GString       *out,
                                      StrataDialect  dialect)
{
  if (dialect == STRATA_DIALECT_SQLITE)
    g_string_append (out, "PRAGMA foreign_key_check;\n\n");
}

void
_strata_dialect_append_rebuild_epilogue (GString       *out,
                                         StrataDialect  dialect)
{
  if (dialect == STRATA_DIALECT_SQLITE)
    g_string_append (out, "PRAGMA foreign_keys = ON;\n\n");
}
