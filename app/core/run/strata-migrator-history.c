/* strata-migrator-history.c: the version and history tables
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The migrator's bookkeeping: the version table (one row per applied head,
 * as alembic_version) and the history table (one row per applied, reverted
 * or stamped revision), the PostgreSQL session they live in, reading the
 * state and stamping it.
 */

#define G_LOG_DOMAIN "strata-migrator"

#include "config.h"

#include "strata-dialect-private.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator-private.h"
#include "strata-plan.h"
#include "strata-script.h"
#include "strata-stored-private.h"
#include "strata-i18n-private.h"

#define HISTORY_COLUMNS \
  "id, revision, direction, checksum, started, finished, duration_ms, os_user, host, tool_version, outcome"
#define N_HISTORY_COLUMNS 11

/* ISO 8601, UTC, milliseconds: 2026-11-21T10:00:00.123Z */
static char *
format_timestamp (GDateTime *when)
{
  g_autofree char *seconds = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (when) / 1000);
}

gboolean
_strata_migrator_uses_schema (StrataMigrator *self)
{
  return self->schema != NULL &&
         strata_driver_get_dialect (self->driver) == STRATA_DIALECT_POSTGRESQL;
}

/* The name strata_driver_table_exists() takes: "schema.table" when the
 * bookkeeping tables live in a schema of their own. */
char *
_strata_migrator_table_name (StrataMigrator *self,
                            const char     *table)
{
  if (_strata_migrator_uses_schema (self))
    return g_strconcat (self->schema, ".", table, NULL);

  return g_strdup (table);
}

/* The quoted (and qualified) name of a bookkeeping table. */
char *
_strata_migrator_quote_table (StrataMigrator *self,
                             const char     *table)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  g_autofree char *name = strata_dialect_quote_identifier (dialect, table);

  if (_strata_migrator_uses_schema (self))
    {
      g_autofree char *schema = strata_dialect_quote_identifier (dialect, self->schema);

      return g_strconcat (schema, ".", name, NULL);
    }

  return g_steal_pointer (&name);
}

/* PostgreSQL: the schema goes first in the search_path (the migrations'
 * unqualified names land there), and the timeouts are set for the session;
 * one round trip, once, and none when there is nothing to set. */
gboolean
_strata_migrator_ensure_session (StrataMigrator  *self,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GString) sql = NULL;

  if (self->session_ready)
    return TRUE;

  statements = _strata_dialect_render_session (dialect, self->schema, FALSE,
                                               self->lock_timeout, self->statement_timeout);
  if (statements->len > 0)
    {
      sql = g_string_new ("BEGIN;\n");
      for (guint i = 0; i < statements->len; i++)
        g_string_append_printf (sql, "%s;\n", (const char *)g_ptr_array_index (statements, i));
      g_string_append (sql, "COMMIT");

      if (!strata_driver_execute (self->driver, sql->str, cancellable, error))
        {
          strata_driver_rollback (self->driver);
          g_prefix_error (error, _("setting up the session on %s: "),
                          strata_driver_get_display_url (self->driver));
          return FALSE;
        }
    }

  self->session_ready = TRUE;

  return TRUE;
}

void
_strata_migrator_clear_sql (StrataMigrator *self)
{
  g_clear_pointer (&self->sql_select_heads, g_free);
  g_clear_pointer (&self->sql_insert_head, g_free);
  g_clear_pointer (&self->sql_delete_head, g_free);
  g_clear_pointer (&self->sql_insert_history, g_free);
}

static void
strata_migrator_ensure_sql (StrataMigrator *self)
{
  g_autofree char *vt = NULL;
  g_autofree char *ht = NULL;

  if (self->sql_select_heads != NULL)
    return;

  vt = _strata_migrator_quote_table (self, self->version_table);
  ht = _strata_migrator_quote_table (self, self->history_table);

  self->sql_select_heads = g_strdup_printf ("SELECT version_num FROM %s", vt);
  self->sql_insert_head = g_strdup_printf ("INSERT INTO %s (version_num) VALUES ($1)", vt);
  self->sql_delete_head = g_strdup_printf ("DELETE FROM %s WHERE version_num = $1", vt);
  self->sql_insert_history =
    g_strdup_printf ("INSERT INTO %s (revision, direction, checksum, started, finished, duration_ms, "
                     "os_user, host, tool_version, outcome, downgrade) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", ht);
}

void
_strata_migrator_rollback (StrataMigrator *self)
{
  strata_driver_rollback (self->driver);
  self->tables_ready = FALSE;
}

/* Creates the version and history tables when missing; inside the caller's
 * transaction. */
gboolean
_strata_migrator_ensure_tables (StrataMigrator  *self,
                                GCancellable    *cancellable,
                                GError         **error)
{
  if (self->tables_ready)
    return TRUE;

  if (!_strata_driver_ensure_bookkeeping (self->driver,
                                          _strata_migrator_uses_schema (self) ? self->schema : NULL,
                                          self->version_table, self->history_table,
                                          cancellable, error))
    return FALSE;

  self->tables_ready = TRUE;

  return TRUE;
}

char **
_strata_migrator_read_heads (StrataMigrator  *self,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GPtrArray) heads = g_ptr_array_new ();
  guint n_rows;

  strata_migrator_ensure_sql (self);

  if (!(result = strata_driver_query (self->driver, self->sql_select_heads, cancellable, error)))
    return NULL;

  n_rows = strata_result_get_n_rows (result);
  for (guint i = 0; i < n_rows; i++)
    {
      const char *value = strata_result_get_value (result, i, 0);

      if (value != NULL)
        g_ptr_array_add (heads, (gpointer)value);
    }
  g_ptr_array_add (heads, NULL);

  return strata_heads_normalize ((const char * const *)heads->pdata);
}

gboolean
_strata_migrator_update_heads (StrataMigrator      *self,
                              const char * const  *removed,
                              const char * const  *added,
                              GCancellable        *cancellable,
                              GError             **error)
{
  strata_migrator_ensure_sql (self);

  for (guint i = 0; removed[i] != NULL; i++)
    {
      g_autoptr(StrataResult) result = NULL;
      const char *params[] = { removed[i] };

      if (!(result = strata_driver_query_params (self->driver, self->sql_delete_head,
                                                 1, params, cancellable, error)))
        return FALSE;
    }

  for (guint i = 0; added[i] != NULL; i++)
    {
      g_autoptr(StrataResult) result = NULL;
      const char *params[] = { added[i] };

      if (!(result = strata_driver_query_params (self->driver, self->sql_insert_head,
                                                 1, params, cancellable, error)))
        return FALSE;
    }

  return TRUE;
}

gboolean
_strata_migrator_insert_history (StrataMigrator  *self,
                                const char      *revision,
                                const char      *direction,
                                const char      *checksum,
                                GDateTime       *started,
                                GDateTime       *finished,
                                const char      *outcome,
                                const char      *stored,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_autoptr(StrataResult) result = NULL;
  g_autofree char *started_text = format_timestamp (started);
  g_autofree char *finished_text = format_timestamp (finished);
  g_autofree char *duration = NULL;
  const char *params[11];

  strata_migrator_ensure_sql (self);

  duration = g_strdup_printf ("%" G_GINT64_FORMAT,
                              MAX (0, g_date_time_difference (finished, started) / 1000));

  params[0] = revision;
  params[1] = direction;
  params[2] = checksum;
  params[3] = started_text;
  params[4] = finished_text;
  params[5] = duration;
  params[6] = g_get_user_name ();
  params[7] = g_get_host_name ();
  params[8] = PACKAGE_VERSION;
  params[9] = outcome;
  params[10] = stored;

  result = strata_driver_query_params (self->driver, self->sql_insert_history,
                                       G_N_ELEMENTS (params), params, cancellable, error);

  return result != NULL;
}

const char *
_strata_direction_name (StrataDirection direction)
{
  return direction == STRATA_DIRECTION_DOWN ? "down" : "up";
}

/* Best effort, in a transaction of its own: the failure itself is what the
 * caller reports. */
void
_strata_migrator_record_failure (StrataMigrator *self,
                                StrataStep     *step,
                                GDateTime      *started,
                                const GError   *failure)
{
  StrataScript *script = strata_step_get_script (step);
  g_autoptr(GDateTime) finished = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  const char *outcome;

  outcome = g_error_matches (failure, STRATA_ERROR, STRATA_ERROR_CANCELLED) ? "cancelled" : "failed";

  if (!strata_driver_begin (self->driver, NULL, &error) ||
      !_strata_migrator_ensure_tables (self, NULL, &error) ||
      !_strata_migrator_insert_history (self, strata_script_get_revision (script),
                                       _strata_direction_name (strata_step_get_direction (step)),
                                       strata_script_get_checksum (script),
                                       started, finished, outcome, NULL, NULL, &error) ||
      !strata_driver_commit (self->driver, NULL, &error))
    {
      g_debug ("Could not record the %s revision %s in %s: %s",
               outcome, strata_script_get_revision (script), self->history_table, error->message);
      _strata_migrator_rollback (self);
    }
}

gboolean
_strata_migrator_record_step (StrataMigrator  *self,
                              StrataStep      *step,
                              GDateTime       *started,
                              const char      *stored,
                              GCancellable    *cancellable,
                              GError         **error)
{
  StrataScript *script = strata_step_get_script (step);
  g_auto(GStrv) removed = strata_step_dup_removed_heads (step);
  g_auto(GStrv) added = strata_step_dup_added_heads (step);
  g_autoptr(GDateTime) finished = g_date_time_new_now_utc ();

  return _strata_migrator_update_heads (self, (const char * const *)removed, (const char * const *)added,
                                        cancellable, error) &&
         _strata_migrator_insert_history (self, strata_script_get_revision (script),
                                          _strata_direction_name (strata_step_get_direction (step)),
                                          strata_script_get_checksum (script),
                                          started, finished, "success",
                                          stored, cancellable, error);
}

/* The body of a whole transactional step run as one batch (see
 * _strata_driver_execute_batch): the migration's statements, the
 * version-table change and the history row, timed by the server. */
char *
_strata_migrator_render_batch_body (StrataMigrator *self,
                                    StrataStep     *step,
                                    GPtrArray      *statements,
                                    const char     *stored)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  StrataScript *script = strata_step_get_script (step);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_auto(GStrv) removed = strata_step_dup_removed_heads (step);
  g_auto(GStrv) added = strata_step_dup_added_heads (step);
  g_autofree char *vt = _strata_migrator_quote_table (self, self->version_table);
  g_autofree char *ht = _strata_migrator_quote_table (self, self->history_table);
  g_autofree char *history = NULL;

  /* A newline before each ';': a statement may end in a -- comment. */
  for (guint i = 0; i < statements->len; i++)
    {
      g_string_append (sql, g_ptr_array_index (statements, i));
      g_string_append (sql, "\n;\n");
    }

  _strata_dialect_append_version_change (sql, dialect, vt,
                                         (const char * const *)removed, (const char * const *)added);

  history = _strata_dialect_render_timed_history_row (ht, strata_script_get_revision (script),
                                                      _strata_direction_name (strata_step_get_direction (step)),
                                                      strata_script_get_checksum (script),
                                                      g_get_user_name (), g_get_host_name (),
                                                      PACKAGE_VERSION, "success", stored);
  g_string_append (sql, history);

  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/**
 * strata_migrator_get_current_heads:
 *
 * Returns: (transfer full): the version-table rows, sorted; an empty vector
 *   when the table does not exist; %NULL with @error set on failure
 */
char **
strata_migrator_get_current_heads (StrataMigrator  *self,
                                   GCancellable    *cancellable,
                                   GError         **error)
{
  g_autofree char *table = NULL;
  gboolean exists;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_strata_migrator_ensure_session (self, cancellable, error) ||
      (self->lock_timeout < 0 &&
       !_strata_driver_bound_lock_waits (self->driver, STRATA_MIGRATOR_DEFAULT_LOCK_TIMEOUT_MS, cancellable, error)))
    return NULL;

  table = _strata_migrator_table_name (self, self->version_table);
  if (!strata_driver_table_exists (self->driver, table, &exists, cancellable, error))
    return NULL;

  if (!exists)
    return g_new0 (char *, 1);

  return _strata_migrator_read_heads (self, cancellable, error);
}

static const char *
lookup_checksum (StrataMigrator *self,
                 const char     *revision)
{
  StrataScript *script;

  if (self->graph == NULL)
    return NULL;

  if (!(script = strata_graph_lookup (self->graph, revision)))
    return NULL;

  return strata_script_get_checksum (script);
}

/**
 * strata_migrator_stamp:
 * @self: a #StrataMigrator
 * @heads: (array zero-terminated=1): the version-table rows to set
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets the version table to @heads without running anything. Each revision
 * that becomes a head gets a history row with direction "stamp", each that
 * stops being one a row with direction "unstamp".
 *
 * Returns: %TRUE on success
 */
gboolean
strata_migrator_stamp (StrataMigrator      *self,
                       const char * const  *heads,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_auto(GStrv) wanted = NULL;
  g_auto(GStrv) current = NULL;
  g_autoptr(GPtrArray) removed = g_ptr_array_new ();
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *lock_name = NULL;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  wanted = strata_heads_normalize (heads);
  for (guint i = 0; wanted[i] != NULL; i++)
    {
      if (!strata_revision_id_is_valid (wanted[i]))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("cannot stamp \"%s\": not a revision id"), wanted[i]);
          return FALSE;
        }
    }

  if (!_strata_migrator_ensure_session (self, cancellable, error))
    return FALSE;

  lock_name = _strata_migrator_table_name (self, self->version_table);
  if (!strata_driver_lock (self->driver, lock_name, cancellable, error))
    return FALSE;

  self->tables_ready = FALSE;

  if (!strata_driver_begin (self->driver, cancellable, error) ||
      !_strata_migrator_ensure_tables (self, cancellable, error) ||
      !(current = _strata_migrator_read_heads (self, cancellable, error)))
    goto failed;

  for (guint i = 0; current[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)wanted, current[i]))
      g_ptr_array_add (removed, current[i]);
  g_ptr_array_add (removed, NULL);

  for (guint i = 0; wanted[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)current, wanted[i]))
      g_ptr_array_add (added, wanted[i]);
  g_ptr_array_add (added, NULL);

  if (!_strata_migrator_update_heads (self,
                                     (const char * const *)removed->pdata,
                                     (const char * const *)added->pdata,
                                     cancellable, error))
    goto failed;

  now = g_date_time_new_now_utc ();

  for (guint i = 0; i + 1 < removed->len; i++)
    {
      const char *revision = g_ptr_array_index (removed, i);

      if (!_strata_migrator_insert_history (self, revision, "unstamp", lookup_checksum (self, revision),
                                           now, now, "success", NULL, cancellable, error))
        goto failed;
    }

  for (guint i = 0; i + 1 < added->len; i++)
    {
      const char *revision = g_ptr_array_index (added, i);

      StrataScript *script = self->graph ? strata_graph_lookup (self->graph, revision) : NULL;
      g_autofree char *stored = script ? _strata_stored_render (script, NULL, strata_driver_get_dialect (self->driver))
                                       : NULL;

      if (!_strata_migrator_insert_history (self, revision, "stamp", lookup_checksum (self, revision),
                                           now, now, "success", stored, cancellable, error))
        goto failed;
    }

  if (!strata_driver_commit (self->driver, cancellable, error))
    goto failed;

  strata_driver_unlock (self->driver, lock_name);

  return TRUE;

failed:
  _strata_migrator_rollback (self);
  strata_driver_unlock (self->driver, lock_name);
  g_prefix_error (error, _("stamp: "));

  return FALSE;
}

/**
 * strata_migrator_get_history:
 *
 * Returns: (transfer full): the history rows, newest first, with the
 *   columns id, revision, direction, checksum, started, finished,
 *   duration_ms, os_user, host, tool_version, outcome; no rows when the
 *   table does not exist
 */
StrataResult *
strata_migrator_get_history (StrataMigrator  *self,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autofree char *table = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  gboolean exists;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_strata_migrator_ensure_session (self, cancellable, error))
    return NULL;

  name = _strata_migrator_table_name (self, self->history_table);
  if (!strata_driver_table_exists (self->driver, name, &exists, cancellable, error))
    return NULL;

  if (!exists)
    {
      static const char * const names[N_HISTORY_COLUMNS] = {
        "id", "revision", "direction", "checksum", "started", "finished",
        "duration_ms", "os_user", "host", "tool_version", "outcome",
      };
      StrataResult *empty = _strata_result_new (N_HISTORY_COLUMNS);

      for (guint i = 0; i < N_HISTORY_COLUMNS; i++)
        _strata_result_set_column_name (empty, i, names[i]);

      return empty;
    }

  table = _strata_migrator_quote_table (self, self->history_table);
  sql = g_strdup_printf ("SELECT " HISTORY_COLUMNS " FROM %s ORDER BY id DESC", table);

  return strata_driver_query (self->driver, sql, cancellable, error);
}
