/* strata-script-guard.c: what makes a --sql script safe to run by hand
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-script-guard"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strata-dialect.h"
#include "strata-plan.h"
#include "strata-script.h"
#include "strata-script-guard-private.h"

#define SQLITE_GUARD "strata_expected_version"

/* The PostgreSQL driver's advisory lock key for @lock_name (see
 * LOCK_KEY_SQL in strata-driver-pg.c), as an expression. */
static char *
lock_key (const char *lock_name)
{
  g_autofree char *literal = strata_dialect_quote_literal (STRATA_DIALECT_POSTGRESQL, lock_name);

  return g_strdup_printf ("('x' || substr(md5('strata:' || CASE WHEN strpos(%s, '.') > 0 THEN %s "
                          "ELSE coalesce(current_schema(), '') || '.' || %s END), 1, 16))::bit(64)::bigint",
                          literal, literal, literal);
}

void
_strata_guard_append_prologue (GString       *out,
                               StrataDialect  dialect,
                               const char    *lock_name,
                               const char    *history_table)
{
  g_autofree char *create_history = strata_dialect_create_history_table (dialect, history_table);

  if (dialect == STRATA_DIALECT_POSTGRESQL)
    {
      g_autofree char *key = lock_key (lock_name);

      g_string_append_printf (out, "-- Held until the end, as by an online run: a deploy waits for this script.\n"
                                   "SELECT pg_advisory_lock(%s);\n\n", key);
    }
  else
    g_string_append (out,
                     "-- Each migration first checks that the database is where this script starts\n"
                     "-- from; run the script so that it stops at the first error (sqlite3 -bail).\n"
                     "CREATE TEMP TABLE IF NOT EXISTS " SQLITE_GUARD " (revision TEXT NOT NULL, version_nums TEXT NOT NULL);\n\n");

  g_string_append (out, create_history);
  g_string_append (out, ";\n\n");
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *)a, *(char * const *)b);
}

void
_strata_guard_append_check (GString            *out,
                            StrataDialect       dialect,
                            const char         *version_table,
                            const char * const *heads_before,
                            StrataStep         *step)
{
  g_auto(GStrv) sorted = g_strdupv ((char **)heads_before);
  g_autofree char *expected = NULL;
  g_autofree char *expected_literal = NULL;
  g_autofree char *table = strata_dialect_quote_identifier (dialect, version_table);
  const char *revision = strata_step_get_revision (step);

  qsort (sorted, g_strv_length (sorted), sizeof (char *), compare_strings);
  expected = g_strjoinv (" ", sorted);
  expected_literal = strata_dialect_quote_literal (dialect, expected);

  if (dialect == STRATA_DIALECT_POSTGRESQL)
    {
      g_autofree char *message = g_strdup_printf ("strata: %s %s needs the database at %s; it is at %%",
                                                  strata_step_get_direction (step) == STRATA_DIRECTION_DOWN ? "downgrading" : "upgrading to",
                                                  revision, *expected ? expected : "base");
      g_autofree char *message_literal = strata_dialect_quote_literal (dialect, message);

      g_string_append_printf (out,
                              "DO $strata$\n"
                              "DECLARE\n"
                              "  current text;\n"
                              "BEGIN\n"
                              "  SELECT coalesce(string_agg(version_num, ' ' ORDER BY version_num COLLATE \"C\"), '')\n"
                              "    INTO current FROM %s;\n"
                              "  IF current <> %s THEN\n"
                              "    RAISE EXCEPTION %s, CASE WHEN current = '' THEN 'base' ELSE current END;\n"
                              "  END IF;\n"
                              "END\n"
                              "$strata$;\n\n",
                              table, expected_literal, message_literal);
    }
  else
    {
      g_autofree char *message = g_strdup_printf ("strata: %s %s needs the database at %s",
                                                  strata_step_get_direction (step) == STRATA_DIRECTION_DOWN ? "downgrading" : "upgrading to",
                                                  revision, *expected ? expected : "base");
      g_autofree char *message_literal = strata_dialect_quote_literal (dialect, message);
      g_autofree char *revision_literal = strata_dialect_quote_literal (dialect, revision);

      /* SQLite has no DO block: a temporary trigger refuses the row when the
       * version table holds anything else. */
      g_string_append_printf (out,
                              "CREATE TEMP TRIGGER IF NOT EXISTS " SQLITE_GUARD "_%s BEFORE INSERT ON " SQLITE_GUARD "\n"
                              "WHEN NEW.revision = %s AND NEW.version_nums IS NOT\n"
                              "  (SELECT coalesce(group_concat(version_num, ' '), '') FROM\n"
                              "    (SELECT version_num FROM main.%s ORDER BY version_num))\n"
                              "BEGIN SELECT RAISE(ABORT, %s); END;\n\n"
                              "INSERT INTO " SQLITE_GUARD " (revision, version_nums) VALUES (%s, %s);\n\n",
                              revision, revision_literal, table, message_literal, revision_literal, expected_literal);
    }
}

void
_strata_guard_append_history (GString       *out,
                              StrataDialect  dialect,
                              const char    *history_table,
                              StrataStep    *step)
{
  StrataScript *script = strata_step_get_script (step);
  g_autofree char *table = strata_dialect_quote_identifier (dialect, history_table);
  g_autofree char *revision = strata_dialect_quote_literal (dialect, strata_step_get_revision (step));
  g_autofree char *checksum = strata_dialect_quote_literal (dialect, strata_script_get_checksum (script));
  g_autofree char *version = strata_dialect_quote_literal (dialect, PACKAGE_VERSION);
  const char *direction = strata_step_get_direction (step) == STRATA_DIRECTION_DOWN ? "'down'" : "'up'";

  if (dialect == STRATA_DIALECT_POSTGRESQL)
    g_string_append_printf (out,
                            "INSERT INTO %s (revision, direction, checksum, started, finished, duration_ms, "
                            "os_user, host, tool_version, outcome)\n"
                            "VALUES (%s, %s, %s, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                            "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                            "(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint, "
                            "current_user, coalesce(host(inet_client_addr()), 'local'), %s, 'success');\n\n",
                            table, revision, direction, checksum, version);
  else
    {
      g_autofree char *user = strata_dialect_quote_literal (dialect, g_get_user_name ());
      g_autofree char *host = strata_dialect_quote_literal (dialect, g_get_host_name ());

      /* SQLite knows no user: the row names who generated the script. */
      g_string_append_printf (out,
                              "INSERT INTO %s (revision, direction, checksum, started, finished, duration_ms, "
                              "os_user, host, tool_version, outcome)\n"
                              "VALUES (%s, %s, %s, strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now'), "
                              "strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', 'now'), 0, %s, %s, %s, 'success');\n\n",
                              table, revision, direction, checksum, user, host, version);
    }
}

void
_strata_guard_append_epilogue (GString       *out,
                               StrataDialect  dialect,
                               const char    *lock_name)
{
  if (dialect == STRATA_DIALECT_POSTGRESQL)
    {
      g_autofree char *key = lock_key (lock_name);

      g_string_append_printf (out, "SELECT pg_advisory_unlock(%s);\n\n", key);
    }
  else
    g_string_append (out, "DROP TABLE temp." SQLITE_GUARD ";\n\n");
}
