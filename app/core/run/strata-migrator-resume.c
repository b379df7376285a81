/* strata-migrator-resume.c: non-transactional migrations that resume
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A migration with "transactional": false runs statement by statement in
 * autocommit, so an interruption (a kill, a lost connection, a failed
 * statement) leaves the ones before it applied. Its history row (outcome
 * "partial") counts the statements that completed; the next run takes that
 * row up again and goes on after them, instead of failing on "already
 * exists". The row's checksum is that of the completed statements' text, so
 * a migration fixed after the statement that failed still resumes, and one
 * whose completed part changed starts over. A CREATE INDEX CONCURRENTLY that was interrupted leaves an
 * INVALID index behind: it is dropped before the statement runs again (a
 * valid one means the statement completed just before the interruption).
 */

#define G_LOG_DOMAIN "strata-migrator"

#include "config.h"

#include <string.h>

#include "strata-dialect.h"
#include "strata-driver.h"
#include "strata-migrator-private.h"
#include "strata-plan.h"
#include "strata-script.h"

static char *
format_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);
}

/* The checksum of the first @done statements. */
static char *
prefix_checksum (GPtrArray *statements,
                 guint      done)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint i = 0; i < done && i < statements->len; i++)
    {
      const char *sql = g_ptr_array_index (statements, i);

      g_checksum_update (checksum, (const guchar *)sql, strlen (sql) + 1);
    }

  return g_strdup (g_checksum_get_string (checksum));
}

gboolean
_strata_resume_begin (StrataMigrator  *self,
                      StrataStep      *step,
                      GPtrArray       *statements,
                      char           **row_id,
                      guint           *done,
                      gboolean        *resumed,
                      GCancellable    *cancellable,
                      GError         **error)
{
  StrataScript *script = strata_step_get_script (step);
  g_autofree char *ht = _strata_migrator_quote_table (self, self->history_table);
  g_autofree char *find = NULL;
  g_autofree char *insert = NULL;
  g_autofree char *started = format_now ();
  g_autoptr(StrataResult) found = NULL;
  g_autoptr(StrataResult) inserted = NULL;
  g_autofree char *nothing_done = prefix_checksum (statements, 0);
  const char *direction = _strata_direction_name (strata_step_get_direction (step));
  const char *find_params[] = { strata_script_get_revision (script), direction };
  const char *insert_params[] = { strata_script_get_revision (script), direction, nothing_done,
                                  started, g_get_user_name (), g_get_host_name (), PACKAGE_VERSION };

  *row_id = NULL;
  *done = 0;
  *resumed = FALSE;

  /* The latest interrupted attempt, after the revision's last success. */
  find = g_strdup_printf ("SELECT id, statements_done, checksum FROM %s "
                          "WHERE revision = $1 AND direction = $2 AND outcome = 'partial' "
                          "AND id > coalesce((SELECT max(id) FROM %s WHERE revision = $1 AND outcome = 'success'), 0) "
                          "ORDER BY id DESC LIMIT 1", ht, ht);
  if (!(found = strata_driver_query_params (self->driver, find, G_N_ELEMENTS (find_params), find_params,
                                            cancellable, error)))
    return FALSE;

  if (strata_result_get_n_rows (found) > 0)
    {
      const char *count = strata_result_get_value (found, 0, 1);
      guint completed = count ? (guint)g_ascii_strtoull (count, NULL, 10) : 0;
      g_autofree char *expected = prefix_checksum (statements, completed);

      /* Only when what completed is what would run again. */
      if (completed <= statements->len &&
          g_strcmp0 (expected, strata_result_get_value (found, 0, 2)) == 0)
        {
          *row_id = g_strdup (strata_result_get_value (found, 0, 0));
          *done = completed;
          *resumed = TRUE;
          return TRUE;
        }

      g_debug ("The interrupted attempt of %s ran other statements: starting over",
               strata_script_get_revision (script));
    }

  insert = g_strdup_printf ("INSERT INTO %s (revision, direction, checksum, started, os_user, host, "
                            "tool_version, outcome, statements_done) "
                            "VALUES ($1, $2, $3, $4, $5, $6, $7, 'partial', 0) RETURNING id", ht);
  if (!(inserted = strata_driver_query_params (self->driver, insert, G_N_ELEMENTS (insert_params), insert_params,
                                               cancellable, error)))
    return FALSE;

  *row_id = g_strdup (strata_result_get_value (inserted, 0, 0));
  return TRUE;
}

/* "CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON …": name. */
static char *
concurrent_index_name (const char *sql)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex,
                       g_regex_new ("^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+"
                                    "(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                                    "((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)"
                                    "(?:\\.(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*))?)\\s+ON\\b",
                                    G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL));

  if (!g_regex_match (regex, sql, 0, &match))
    return NULL;

  return g_match_info_fetch (match, 1);
}

gboolean
_strata_resume_prepare (StrataMigrator  *self,
                        const char      *sql,
                        gboolean        *skip,
                        GCancellable    *cancellable,
                        GError         **error)
{
  g_autofree char *name = NULL;
  g_autoptr(StrataResult) result = NULL;
  const char *params[1];

  *skip = FALSE;

  if (strata_driver_get_dialect (self->driver) != STRATA_DIALECT_POSTGRESQL ||
      !(name = concurrent_index_name (sql)))
    return TRUE;

  params[0] = name;
  if (!(result = strata_driver_query_params (self->driver,
                                             "SELECT indisvalid FROM pg_catalog.pg_index "
                                             "WHERE indexrelid = to_regclass($1)",
                                             1, params, cancellable, error)))
    return FALSE;

  if (strata_result_get_n_rows (result) == 0)
    return TRUE;

  /* A valid index: it completed, and the interruption came before it was
   * counted. An INVALID one the driver drops before the statement runs
   * again (_strata_driver_prepare_autocommit). */
  *skip = g_strcmp0 (strata_result_get_value (result, 0, 0), "t") == 0;
  return TRUE;
}

gboolean
_strata_resume_progress (StrataMigrator  *self,
                         const char      *row_id,
                         GPtrArray       *statements,
                         guint            done,
                         GCancellable    *cancellable,
                         GError         **error)
{
  g_autofree char *ht = _strata_migrator_quote_table (self, self->history_table);
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET statements_done = CAST($1 AS BIGINT), checksum = $2 "
                                          "WHERE id = CAST($3 AS BIGINT)", ht);
  g_autofree char *count = g_strdup_printf ("%u", done);
  g_autofree char *checksum = prefix_checksum (statements, done);
  const char *params[] = { count, checksum, row_id };
  g_autoptr(StrataResult) result = NULL;

  result = strata_driver_query_params (self->driver, sql, G_N_ELEMENTS (params), params, cancellable, error);
  return result != NULL;
}

gboolean
_strata_resume_finish (StrataMigrator  *self,
                       const char      *row_id,
                       gboolean         resumed,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autofree char *ht = _strata_migrator_quote_table (self, self->history_table);
  /* An interrupted attempt stays in the log as such; an uneventful run
   * needs no row besides its success. */
  g_autofree char *sql = resumed ? g_strdup_printf ("UPDATE %s SET outcome = 'interrupted' "
                                                    "WHERE id = CAST($1 AS BIGINT)", ht)
                                 : g_strdup_printf ("DELETE FROM %s WHERE id = CAST($1 AS BIGINT)", ht);
  const char *params[] = { row_id };
  g_autoptr(StrataResult) result = NULL;

  result = strata_driver_query_params (self->driver, sql, G_N_ELEMENTS (params), params, cancellable, error);
  return result != NULL;
}
