/* strata-migrator.c: runs a plan against a driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-migrator"

#include "config.h"

#include <string.h>

#include "strata-dialect.h"
#include "strata-driver-pg.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-script-guard-private.h"
#include "strata-stored-private.h"
#include "strata-migrator.h"
#include "strata-model-private.h"
#include "strata-ops.h"
#include "strata-plan.h"
#include "strata-script.h"

#define HISTORY_COLUMNS \
  "id, revision, direction, checksum, started, finished, duration_ms, os_user, host, tool_version, outcome"
#define N_HISTORY_COLUMNS 11

struct _StrataMigrator
{
  GObject        parent_instance;

  StrataDriver  *driver;
  StrataGraph   *graph;
  char          *version_table;
  char          *history_table;

  /* PostgreSQL session settings: the schema of the bookkeeping tables (and
   * first in the search_path), and timeouts in milliseconds (-1: the
   * server's). */
  char          *schema;
  int            lock_timeout;
  int            statement_timeout;

  /* Bookkeeping statements for these table names, built once and prepared
   * once by the driver. */
  char          *sql_select_heads;
  char          *sql_insert_head;
  char          *sql_delete_head;
  char          *sql_insert_history;

  /* Both tables are known to exist (reset for every run and after every
   * rollback, which may have undone their creation). */
  guint          tables_ready : 1;
  /* A run is under way (runs cannot overlap on one migrator). */
  guint          running : 1;
  /* The session settings above were sent to the server. */
  guint          session_ready : 1;
};

enum {
  PROP_0,
  PROP_DRIVER,
  PROP_GRAPH,
  PROP_VERSION_TABLE,
  PROP_HISTORY_TABLE,
  PROP_SCHEMA,
  PROP_LOCK_TIMEOUT,
  PROP_STATEMENT_TIMEOUT,
  N_PROPS
};

enum {
  STEP_STARTED,
  STEP_FINISHED,
  STATEMENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static char *render_offline (StrataGraph    *graph,
                             StrataPlan     *plan,
                             StrataDialect   dialect,
                             const char     *version_table,
                             const char     *history_table,
                             const char     *schema,
                             int             lock_timeout,
                             int             statement_timeout,
                             GError        **error);
static void append_version_statements (GString            *out,
                                       StrataDialect       dialect,
                                       const char         *table,
                                       const char * const *removed,
                                       const char * const *added);

G_DEFINE_FINAL_TYPE (StrataMigrator, strata_migrator, G_TYPE_OBJECT)

/* One run of a plan. Signals go to @context when it is set (run_async),
 * else they are emitted at once. */
typedef struct
{
  StrataMigrator *self;
  StrataPlan     *plan;
  GMainContext   *context;
  GCancellable   *cancellable;
  guint           n_steps;
  /* PostgreSQL: a transactional step goes to the server as one batch. */
  gboolean        batches;
  /* The version table as of our last commit under the run's lock; NULL
   * when unknown. */
  char          **heads;
  /* The schema as the migrations say it is before the next step (replayed
   * from the graph on the first step that needs it). */
  StrataModel    *state;
  /* Of the step under way: the tables it rebuilds (SQLite), the triggers
   * and foreign indexes to recreate after, the indexes the model knows. */
  GPtrArray      *rebuilt;
  GPtrArray      *saved_objects;
  GHashTable     *known_indexes;
  /* Of the step under way, an upgrade: the copy of its revision and its
   * downgrade that its history row keeps (strata-stored.c). */
  char           *stored;
} Run;

typedef struct
{
  StrataMigrator *self;
  guint           signal_id;
  StrataStep     *step;
  guint           index;
  guint           n_steps;
  double          seconds;
  char           *sql;
} Emission;

static void
emission_free (gpointer data)
{
  Emission *emission = data;

  g_clear_object (&emission->self);
  g_clear_object (&emission->step);
  g_clear_pointer (&emission->sql, g_free);
  g_free (emission);
}

static gboolean
emission_dispatch (gpointer data)
{
  Emission *emission = data;

  if (emission->signal_id == signals[STEP_STARTED])
    g_signal_emit (emission->self, emission->signal_id, 0,
                   emission->step, emission->index, emission->n_steps);
  else if (emission->signal_id == signals[STEP_FINISHED])
    g_signal_emit (emission->self, emission->signal_id, 0,
                   emission->step, emission->index, emission->n_steps, emission->seconds);
  else
    g_signal_emit (emission->self, emission->signal_id, 0, emission->step, emission->sql);

  return G_SOURCE_REMOVE;
}

static void
run_emit (Run        *run,
          guint       signal_id,
          StrataStep *step,
          guint       index,
          double      seconds,
          const char *sql)
{
  g_autoptr(GSource) source = NULL;
  Emission *emission = g_new0 (Emission, 1);

  emission->self = g_object_ref (run->self);
  emission->signal_id = signal_id;
  emission->step = g_object_ref (step);
  emission->index = index;
  emission->n_steps = run->n_steps;
  emission->seconds = seconds;
  emission->sql = g_strdup (sql);

  if (run->context == NULL)
    {
      emission_dispatch (emission);
      emission_free (emission);
      return;
    }

  /* Always through an idle source (never called here, in the worker), at
   * the priority of GTask's completion, so every signal arrives in order
   * and before the callback of run_async. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emission_dispatch, emission, emission_free);
  g_source_set_static_name (source, "[strata] migrator signal");
  g_source_attach (source, run->context);
}

static char *
heads_to_string (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup ("(base)");

  return g_strjoinv (", ", (char **)heads);
}

/* _strata_describe_revision() on the first call only: errors need it, the happy
 * path does not. */
static const char *
describe_lazily (char         **what,
                 StrataScript  *script)
{
  if (*what == NULL)
    *what = _strata_describe_revision (script);

  return *what;
}

/* ISO 8601, UTC, milliseconds: 2026-11-21T10:00:00.123Z */
static char *
format_timestamp (GDateTime *when)
{
  g_autofree char *seconds = g_date_time_format (when, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (when) / 1000);
}

static gboolean
uses_schema (StrataMigrator *self)
{
  return self->schema != NULL &&
         strata_driver_get_dialect (self->driver) == STRATA_DIALECT_POSTGRESQL;
}

/* The name strata_driver_table_exists() takes: "schema.table" when the
 * bookkeeping tables live in a schema of their own. */
static char *
strata_migrator_table_name (StrataMigrator *self,
                            const char     *table)
{
  if (uses_schema (self))
    return g_strconcat (self->schema, ".", table, NULL);

  return g_strdup (table);
}

/* The quoted (and qualified) name of a bookkeeping table. */
static char *
strata_migrator_quote_table (StrataMigrator *self,
                             const char     *table)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  g_autofree char *name = strata_dialect_quote_identifier (dialect, table);

  if (uses_schema (self))
    {
      g_autofree char *schema = strata_dialect_quote_identifier (dialect, self->schema);

      return g_strconcat (schema, ".", name, NULL);
    }

  return g_steal_pointer (&name);
}

/* PostgreSQL: the schema goes first in the search_path (the migrations'
 * unqualified names land there), and the timeouts are set for the session;
 * one round trip, once, and none when there is nothing to set. */
static gboolean
strata_migrator_ensure_session (StrataMigrator  *self,
                                GCancellable    *cancellable,
                                GError         **error)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  g_autoptr(GString) sql = NULL;

  if (self->session_ready || dialect != STRATA_DIALECT_POSTGRESQL)
    return TRUE;

  sql = g_string_new ("BEGIN;\n");

  if (self->schema != NULL)
    {
      g_autofree char *quoted = strata_dialect_quote_identifier (dialect, self->schema);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);

      g_string_append_printf (sql, "SELECT set_config('search_path', %s || ', ' || "
                                   "current_setting('search_path'), false);\n", literal);
    }
  if (self->lock_timeout >= 0)
    g_string_append_printf (sql, "SET lock_timeout = %d;\n", self->lock_timeout);
  if (self->statement_timeout >= 0)
    g_string_append_printf (sql, "SET statement_timeout = %d;\n", self->statement_timeout);

  g_string_append (sql, "COMMIT");

  if (self->schema != NULL || self->lock_timeout >= 0 || self->statement_timeout >= 0)
    {
      if (!strata_driver_execute (self->driver, sql->str, cancellable, error))
        {
          strata_driver_rollback (self->driver);
          g_prefix_error (error, "setting up the session on %s: ",
                          strata_driver_get_display_url (self->driver));
          return FALSE;
        }
    }

  self->session_ready = TRUE;

  return TRUE;
}

static void
strata_migrator_clear_sql (StrataMigrator *self)
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

  vt = strata_migrator_quote_table (self, self->version_table);
  ht = strata_migrator_quote_table (self, self->history_table);

  self->sql_select_heads = g_strdup_printf ("SELECT version_num FROM %s", vt);
  self->sql_insert_head = g_strdup_printf ("INSERT INTO %s (version_num) VALUES ($1)", vt);
  self->sql_delete_head = g_strdup_printf ("DELETE FROM %s WHERE version_num = $1", vt);
  self->sql_insert_history =
    g_strdup_printf ("INSERT INTO %s (revision, direction, checksum, started, finished, duration_ms, "
                     "os_user, host, tool_version, outcome, downgrade) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", ht);
}

static void
strata_migrator_rollback (StrataMigrator *self)
{
  strata_driver_rollback (self->driver);
  self->tables_ready = FALSE;
}

/* CREATE TABLE with its name qualified by the schema. */
static char *
qualify_create (StrataMigrator *self,
                const char     *table,
                char           *create)
{
  g_autofree char *plain = strata_dialect_quote_identifier (STRATA_DIALECT_POSTGRESQL, table);
  g_autofree char *qualified = strata_migrator_quote_table (self, table);
  g_autofree char *owned = create;
  const char *at = strstr (owned, plain);

  if (at == NULL)
    return g_steal_pointer (&owned);

  return g_strdup_printf ("%.*s%s%s", (int)(at - owned), owned, qualified, at + strlen (plain));
}

/* PostgreSQL: one statement that creates what is missing (the schema, the
 * tables), and nothing (no privilege needed) when all is there. */
static gboolean
strata_migrator_ensure_tables_pg (StrataMigrator  *self,
                                  GCancellable    *cancellable,
                                  GError         **error)
{
  StrataDialect dialect = STRATA_DIALECT_POSTGRESQL;
  g_autoptr(GString) sql = g_string_new ("DO $strata$BEGIN\n");
  const char *tables[] = { self->version_table, self->history_table };

  if (uses_schema (self))
    {
      g_autofree char *quoted = strata_dialect_quote_identifier (dialect, self->schema);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);

      g_string_append_printf (sql, "IF to_regnamespace(%s) IS NULL THEN CREATE SCHEMA %s; END IF;\n",
                              literal, quoted);
    }

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *quoted = strata_migrator_quote_table (self, tables[i]);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);
      g_autofree char *create = NULL;

      create = i == 0 ? strata_dialect_create_version_table (dialect, tables[i])
                      : strata_dialect_create_history_table (dialect, tables[i]);
      create = qualify_create (self, tables[i], create);
      g_string_append_printf (sql, "IF to_regclass(%s) IS NULL THEN %s;\n", literal, create);
      /* A history table from before stored copies gets their column. */
      if (i == 1)
        g_string_append_printf (sql, "ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute "
                                     "WHERE attrelid = to_regclass(%s) AND attname = 'downgrade' "
                                     "AND NOT attisdropped) THEN ALTER TABLE %s ADD COLUMN downgrade TEXT;\n",
                                literal, quoted);
      g_string_append (sql, "END IF;\n");
    }

  g_string_append (sql, "END$strata$");

  if (!strata_driver_execute (self->driver, sql->str, cancellable, error))
    {
      g_prefix_error (error, "creating the version and history tables %s and %s: ",
                      self->version_table, self->history_table);
      return FALSE;
    }

  self->tables_ready = TRUE;

  return TRUE;
}

/* Creates the version and history tables when missing; inside the caller's
 * transaction. */
static gboolean
strata_migrator_ensure_tables (StrataMigrator  *self,
                               GCancellable    *cancellable,
                               GError         **error)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  gboolean exists;

  if (self->tables_ready)
    return TRUE;

  if (dialect == STRATA_DIALECT_POSTGRESQL)
    return strata_migrator_ensure_tables_pg (self, cancellable, error);

  if (!strata_driver_table_exists (self->driver, self->version_table, &exists, cancellable, error))
    return FALSE;

  if (!exists)
    {
      g_autofree char *sql = strata_dialect_create_version_table (dialect, self->version_table);

      if (!strata_driver_execute (self->driver, sql, cancellable, error))
        {
          g_prefix_error (error, "creating the version table %s: ", self->version_table);
          return FALSE;
        }
    }

  if (!strata_driver_table_exists (self->driver, self->history_table, &exists, cancellable, error))
    return FALSE;

  if (!exists)
    {
      g_autofree char *sql = strata_dialect_create_history_table (dialect, self->history_table);

      if (!strata_driver_execute (self->driver, sql, cancellable, error))
        {
          g_prefix_error (error, "creating the history table %s: ", self->history_table);
          return FALSE;
        }
    }
  else
    {
      /* A history table from before stored copies gets their column. */
      g_autofree char *literal = strata_dialect_quote_literal (dialect, self->history_table);
      g_autofree char *check = g_strdup_printf ("SELECT 1 FROM pragma_table_info(%s) WHERE name = 'downgrade'", literal);
      g_autoptr(StrataResult) result = NULL;

      if (!(result = strata_driver_query (self->driver, check, cancellable, error)))
        return FALSE;
      if (strata_result_get_n_rows (result) == 0)
        {
          g_autofree char *quoted = strata_dialect_quote_identifier (dialect, self->history_table);
          g_autofree char *alter = g_strdup_printf ("ALTER TABLE %s ADD COLUMN downgrade TEXT", quoted);

          if (!strata_driver_execute (self->driver, alter, cancellable, error))
            {
              g_prefix_error (error, "adding the column downgrade to %s: ", self->history_table);
              return FALSE;
            }
        }
    }

  self->tables_ready = TRUE;

  return TRUE;
}

static char **
strata_migrator_read_heads (StrataMigrator  *self,
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

static gboolean
strata_migrator_update_heads (StrataMigrator      *self,
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

static gboolean
strata_migrator_insert_history (StrataMigrator  *self,
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

static const char *
direction_name (StrataDirection direction)
{
  return direction == STRATA_DIRECTION_DOWN ? "down" : "up";
}

/* Best effort, in a transaction of its own: the failure itself is what the
 * caller reports. */
static void
strata_migrator_record_failure (StrataMigrator *self,
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
      !strata_migrator_ensure_tables (self, NULL, &error) ||
      !strata_migrator_insert_history (self, strata_script_get_revision (script),
                                       direction_name (strata_step_get_direction (step)),
                                       strata_script_get_checksum (script),
                                       started, finished, outcome, NULL, NULL, &error) ||
      !strata_driver_commit (self->driver, NULL, &error))
    {
      g_debug ("Could not record the %s revision %s in %s: %s",
               outcome, strata_script_get_revision (script), self->history_table, error->message);
      strata_migrator_rollback (self);
    }
}

/* The step to go on with when the version table shows that someone else
 * already ran steps of this plan, or -1. */
static int
find_resume_index (StrataPlan         *plan,
                   guint               index,
                   const char * const *heads)
{
  guint n_steps = strata_plan_get_n_steps (plan);

  for (guint j = n_steps; j > index; j--)
    {
      StrataStep *step = strata_plan_get_step (plan, j - 1);

      if (strata_heads_equal (strata_step_get_heads_after (step), heads))
        return j;
      if (j - 1 > index && strata_heads_equal (strata_step_get_heads_before (step), heads))
        return j - 1;
    }

  return -1;
}

static gboolean
run_bookkeeping (Run         *run,
                 StrataStep  *step,
                 GDateTime   *started,
                 GError     **error)
{
  StrataMigrator *self = run->self;
  StrataScript *script = strata_step_get_script (step);
  g_auto(GStrv) removed = strata_step_dup_removed_heads (step);
  g_auto(GStrv) added = strata_step_dup_added_heads (step);
  g_autoptr(GDateTime) finished = g_date_time_new_now_utc ();

  return strata_migrator_update_heads (self, (const char * const *)removed, (const char * const *)added,
                                       run->cancellable, error) &&
         strata_migrator_insert_history (self, strata_script_get_revision (script),
                                         direction_name (strata_step_get_direction (step)),
                                         strata_script_get_checksum (script),
                                         started, finished, "success",
                                         run->stored, run->cancellable, error);
}

static char *
describe_statements (GPtrArray *statements,
                     guint      n)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *statement = _strata_driver_describe_statement (g_ptr_array_index (statements, i));

      if (i > 0)
        g_string_append (out, "; ");
      g_string_append (out, statement);
    }

  return g_string_free (out, FALSE);
}

/* SQLite table rebuilds {{{ */

typedef struct
{
  char *type;
  char *name;
  char *table;
  char *sql;
} SchemaObject;

static void
schema_object_free (gpointer data)
{
  SchemaObject *object = data;

  g_free (object->type);
  g_free (object->name);
  g_free (object->table);
  g_free (object->sql);
  g_free (object);
}

/* Before a rebuild's statements, inside the transaction: the triggers of the
 * rebuilt tables and the indexes the migrations do not know (made by raw
 * SQL), which DROP TABLE takes with it. */
static gboolean
rebuild_save_objects (Run      *run,
                      GError  **error)
{
  StrataMigrator *self = run->self;

  for (guint i = 0; i < run->rebuilt->len; i++)
    {
      const char *table = g_ptr_array_index (run->rebuilt, i);
      const char *params[] = { table };
      g_autoptr(StrataResult) result = NULL;

      result = strata_driver_query_params (self->driver,
                                           "SELECT type, name, sql FROM sqlite_schema "
                                           "WHERE tbl_name = $1 AND type IN ('index', 'trigger') "
                                           "AND sql IS NOT NULL",
                                           1, params, run->cancellable, error);
      if (result == NULL)
        return FALSE;

      for (guint row = 0; row < strata_result_get_n_rows (result); row++)
        {
          SchemaObject *object;
          const char *type = strata_result_get_value (result, row, 0);
          const char *name = strata_result_get_value (result, row, 1);

          if (g_str_equal (type, "index") && g_hash_table_contains (run->known_indexes, name))
            continue;

          object = g_new0 (SchemaObject, 1);
          object->type = g_strdup (type);
          object->name = g_strdup (name);
          object->table = g_strdup (table);
          object->sql = g_strdup (strata_result_get_value (result, row, 2));
          g_ptr_array_add (run->saved_objects, object);
        }
    }

  return TRUE;
}

/* After a rebuild's statements, before COMMIT: the saved triggers and
 * indexes again, then PRAGMA foreign_key_check on the rebuilt tables and the
 * tables that reference them. */
static gboolean
rebuild_finish (Run      *run,
                GError  **error)
{
  StrataMigrator *self = run->self;
  g_autoptr(GPtrArray) checked = g_ptr_array_new ();

  for (guint i = 0; i < run->saved_objects->len; i++)
    {
      SchemaObject *object = g_ptr_array_index (run->saved_objects, i);
      const char *params[] = { object->name };
      g_autoptr(StrataResult) result = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!(result = strata_driver_query_params (self->driver,
                                                 "SELECT 1 FROM sqlite_schema WHERE name = $1",
                                                 1, params, run->cancellable, error)))
        return FALSE;
      if (strata_result_get_n_rows (result) > 0)
        continue;

      if (!strata_driver_execute (self->driver, object->sql, run->cancellable, &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code,
                       "recreating %s %s of table %s after its rebuild: %s",
                       object->type, object->name, object->table, local_error->message);
          return FALSE;
        }
    }

  for (guint i = 0; i < run->rebuilt->len; i++)
    {
      const char *table = g_ptr_array_index (run->rebuilt, i);
      GPtrArray *tables;

      if (run->state == NULL || strata_model_lookup_table (run->state, table) == NULL)
        continue;

      if (!g_ptr_array_find_with_equal_func (checked, table, g_str_equal, NULL))
        g_ptr_array_add (checked, (gpointer)table);

      tables = strata_model_get_tables (run->state);
      for (guint j = 0; j < tables->len; j++)
        {
          StrataTable *other = g_ptr_array_index (tables, j);
          GPtrArray *fks = strata_table_get_foreign_keys (other);

          for (guint k = 0; k < fks->len; k++)
            if (g_str_equal (strata_foreign_key_get_references (g_ptr_array_index (fks, k)), table) &&
                !g_ptr_array_find_with_equal_func (checked, strata_table_get_name (other), g_str_equal, NULL))
              g_ptr_array_add (checked, (gpointer)strata_table_get_name (other));
        }
    }

  for (guint i = 0; i < checked->len; i++)
    {
      const char *table = g_ptr_array_index (checked, i);
      g_autofree char *quoted = strata_dialect_quote_identifier (STRATA_DIALECT_SQLITE, table);
      g_autofree char *sql = g_strdup_printf ("PRAGMA foreign_key_check(%s)", quoted);
      g_autoptr(StrataResult) result = NULL;

      if (!(result = strata_driver_query (self->driver, sql, run->cancellable, error)))
        return FALSE;

      if (strata_result_get_n_rows (result) > 0)
        {
          const char *rowid = strata_result_get_value (result, 0, 1);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                       "after rebuilding table %s, %u %s of table %s break%s a foreign key "
                       "(the first, rowid %s, references a missing row of %s); nothing was changed",
                       (const char *)g_ptr_array_index (run->rebuilt, 0),
                       strata_result_get_n_rows (result),
                       strata_result_get_n_rows (result) == 1 ? "row" : "rows",
                       strata_result_get_value (result, 0, 0),
                       strata_result_get_n_rows (result) == 1 ? "s" : "",
                       rowid ? rowid : "NULL",
                       strata_result_get_value (result, 0, 2));
          return FALSE;
        }
    }

  return TRUE;
}

/* }}} */

static GPtrArray *render_step_internal (StrataGraph    *graph,
                                        StrataStep     *step,
                                        StrataDialect   dialect,
                                        StrataModel    *state,
                                        GPtrArray      *rebuilt,
                                        GError        **error);

static gboolean run_step_body (Run        *run,
                               guint       index,
                               guint      *next,
                               GPtrArray  *statements,
                               GError    **error);

/* Runs step @index; on success stores in @next the index of the step to run
 * next (further on when another process got there first). A step with a
 * SQLite table rebuild runs with foreign_keys off, switched outside its
 * transaction (inside one SQLite ignores the pragma), and back on after. */
static gpointer
copy_table_ref (gconstpointer table,
                gpointer      user_data)
{
  return strata_table_ref ((StrataTable *)table);
}

static gboolean
run_step_generic (Run     *run,
                  guint    index,
                  guint   *next,
                  GError **error)
{
  StrataMigrator *self = run->self;
  StrataStep *step = strata_plan_get_step (run->plan, index);
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) tables_before = NULL;
  gboolean foreign_keys_were_on = FALSE;
  gboolean ret;

  g_ptr_array_set_size (run->rebuilt, 0);
  g_ptr_array_set_size (run->saved_objects, 0);
  g_hash_table_remove_all (run->known_indexes);

  if (self->graph != NULL && run->state == NULL &&
      !(run->state = _strata_model_replay_lenient (self->graph, strata_step_get_heads_before (step), NULL, error)))
    return FALSE;

  /* The tables before this step, for the indexes a rebuild must not save:
   * rendering applies the step to the state, and replay never changes a
   * table in place (it replaces it with a changed copy), so references
   * keep them as they are. Collecting their index names for every step
   * made a run quadratic; few steps rebuild. */
  if (dialect == STRATA_DIALECT_SQLITE && run->state != NULL)
    tables_before = g_ptr_array_copy (strata_model_get_tables (run->state), copy_table_ref, NULL);

  /* The copy an upgrade's history row keeps, with the inverse computed
   * from the schema before it (which rendering changes). */
  g_clear_pointer (&run->stored, g_free);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    run->stored = _strata_stored_render (strata_step_get_script (step), run->state, dialect);

  if (!(statements = render_step_internal (self->graph, step, dialect, run->state, run->rebuilt, error)))
    return FALSE;

  if (run->rebuilt->len > 0 && tables_before != NULL)
    {
      for (guint i = 0; i < tables_before->len; i++)
        {
          GPtrArray *indexes = strata_table_get_indexes (g_ptr_array_index (tables_before, i));

          for (guint j = 0; j < indexes->len; j++)
            g_hash_table_add (run->known_indexes, g_strdup (strata_index_get_name (g_ptr_array_index (indexes, j))));
        }
    }

  if (dialect == STRATA_DIALECT_SQLITE && run->rebuilt->len > 0)
    {
      g_autoptr(StrataResult) result = NULL;

      if (!(result = strata_driver_query (self->driver, "PRAGMA foreign_keys", run->cancellable, error)) ||
          !strata_driver_execute (self->driver, "PRAGMA foreign_keys = OFF", run->cancellable, error))
        {
          g_autofree char *what = _strata_describe_revision (strata_step_get_script (step));

          g_prefix_error (error, "%s: turning foreign keys off for a table rebuild: ", what);
          return FALSE;
        }
      foreign_keys_were_on = g_strcmp0 (strata_result_get_value (result, 0, 0), "1") == 0;
    }

  ret = run_step_body (run, index, next, statements, error);

  if (foreign_keys_were_on)
    {
      g_autoptr(GError) local_error = NULL;

      if (!strata_driver_execute (self->driver, "PRAGMA foreign_keys = ON", NULL, &local_error))
        g_warning ("Could not turn foreign keys back on: %s", local_error->message);
    }

  /* Another process ran steps: the state is read again for the next one. */
  if (!ret || *next != index + 1)
    g_clear_pointer (&run->state, strata_model_unref);

  return ret;
}

static gboolean
run_step_body (Run        *run,
               guint       index,
               guint      *next,
               GPtrArray  *statements,
               GError    **error)
{
  StrataMigrator *self = run->self;
  StrataStep *step = strata_plan_get_step (run->plan, index);
  StrataScript *script = strata_step_get_script (step);
  const char * const *heads_before = strata_step_get_heads_before (step);
  gboolean transactional = strata_script_get_transactional (script);
  g_autofree char *what = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_auto(GStrv) heads = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 begun;
  int resume;

  /* The state is read inside the transaction that changes it: BEGIN
   * IMMEDIATE on SQLite takes the write lock before the read. */
  if (!strata_driver_begin (self->driver, run->cancellable, error) ||
      !strata_migrator_ensure_tables (self, run->cancellable, error) ||
      !(heads = strata_migrator_read_heads (self, run->cancellable, error)))
    {
      strata_migrator_rollback (self);
      g_prefix_error (error, "%s: ", describe_lazily (&what, script));
      return FALSE;
    }

  if (!strata_heads_equal ((const char * const *)heads, heads_before))
    {
      resume = find_resume_index (run->plan, index, (const char * const *)heads);

      /* Commit keeps the tables if this transaction created them. */
      if (!strata_driver_commit (self->driver, run->cancellable, error))
        {
          strata_migrator_rollback (self);
          g_prefix_error (error, "%s: ", describe_lazily (&what, script));
          return FALSE;
        }

      if (resume < 0)
        {
          g_autofree char *expected = heads_to_string (heads_before);
          g_autofree char *found = heads_to_string ((const char * const *)heads);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                       "%s: cannot %s: the version table %s holds %s, expected %s",
                       describe_lazily (&what, script),
                       strata_step_get_direction (step) == STRATA_DIRECTION_DOWN ? "downgrade" : "upgrade",
                       self->version_table, found, expected);
          return FALSE;
        }

      g_debug ("%s: already applied by someone else, going on with step %d",
               describe_lazily (&what, script), resume);
      *next = resume;
      return TRUE;
    }

  run_emit (run, signals[STEP_STARTED], step, index, 0, NULL);
  started = g_date_time_new_now_utc ();
  begun = g_get_monotonic_time ();

  if (!transactional)
    {
      /* Statements such as CREATE INDEX CONCURRENTLY cannot run inside a
       * transaction: run them in autocommit, then record the revision. */
      if (!strata_driver_commit (self->driver, run->cancellable, error))
        {
          strata_migrator_rollback (self);
          g_prefix_error (error, "%s: ", describe_lazily (&what, script));
          return FALSE;
        }
    }

  if (run->rebuilt->len > 0 && !rebuild_save_objects (run, &local_error))
    {
      strata_migrator_rollback (self);
      strata_migrator_record_failure (self, step, started, local_error);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                  describe_lazily (&what, script));
      return FALSE;
    }

  for (guint i = 0; i < statements->len; i++)
    {
      const char *sql = g_ptr_array_index (statements, i);

      run_emit (run, signals[STATEMENT], step, index, 0, sql);

      if (!strata_driver_execute (self->driver, sql, run->cancellable, &local_error))
        {
          strata_migrator_rollback (self);
          strata_migrator_record_failure (self, step, started, local_error);

          if (transactional)
            g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                        describe_lazily (&what, script));
          else
            {
              g_autofree char *ran = describe_statements (statements, i);

              g_set_error (error, local_error->domain, local_error->code,
                           "%s: %s (not transactional: %s%s; the revision was not recorded in %s)",
                           describe_lazily (&what, script), local_error->message,
                           i == 0 ? "no statement had run" : "already ran and stay applied: ",
                           ran, self->version_table);
            }

          return FALSE;
        }
    }

  if (run->rebuilt->len > 0 && !rebuild_finish (run, &local_error))
    {
      strata_migrator_rollback (self);
      strata_migrator_record_failure (self, step, started, local_error);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                  describe_lazily (&what, script));
      return FALSE;
    }

  if (!transactional)
    {
      g_auto(GStrv) now = NULL;

      if (!strata_driver_begin (self->driver, run->cancellable, error) ||
          !strata_migrator_ensure_tables (self, run->cancellable, error) ||
          !(now = strata_migrator_read_heads (self, run->cancellable, error)))
        {
          strata_migrator_rollback (self);
          g_prefix_error (error, "%s: its statements ran but the revision was not recorded: ",
                          describe_lazily (&what, script));
          return FALSE;
        }

      if (!strata_heads_equal ((const char * const *)now, heads_before))
        {
          g_autofree char *expected = heads_to_string (heads_before);
          g_autofree char *found = heads_to_string ((const char * const *)now);

          strata_migrator_rollback (self);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                       "%s: its statements ran but the revision was not recorded: "
                       "the version table %s changed meanwhile to %s (expected %s)",
                       describe_lazily (&what, script), self->version_table, found, expected);
          return FALSE;
        }
    }

  if (!run_bookkeeping (run, step, started, &local_error) ||
      !strata_driver_commit (self->driver, run->cancellable, &local_error))
    {
      strata_migrator_rollback (self);
      strata_migrator_record_failure (self, step, started, local_error);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  transactional ? "%s: " : "%s: its statements ran but the revision was not recorded: ",
                                  describe_lazily (&what, script));
      return FALSE;
    }

  run_emit (run, signals[STEP_FINISHED], step, index,
            (g_get_monotonic_time () - begun) / (double)G_USEC_PER_SEC, NULL);

  *next = index + 1;

  return TRUE;
}

/* ISO 8601 UTC with milliseconds, as format_timestamp() writes it, from the
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

/* The statement that fails a batch (SQLSTATE SR001, which the driver reports
 * as STRATA_ERROR_STATE) when the version table does not hold @heads. */
static void
append_heads_check (GString            *out,
                    const char         *version_table,
                    const char * const *heads)
{
  g_auto(GStrv) sorted = strata_heads_normalize (heads);

  g_string_append_printf (out,
                          "DO $strata$BEGIN IF (SELECT array_agg(version_num::text ORDER BY "
                          "version_num::text COLLATE \"C\") FROM %s) IS DISTINCT FROM ",
                          version_table);
  if (sorted[0] == NULL)
    g_string_append (out, "NULL::text[]");
  else
    {
      g_string_append (out, "ARRAY[");
      for (guint i = 0; sorted[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_literal (out, sorted[i]);
        }
      g_string_append (out, "]::text[]");
    }
  g_string_append (out, " THEN RAISE EXCEPTION 'the version table changed under the run' "
                        "USING ERRCODE = '" STRATA_DRIVER_PG_SQLSTATE_STATE "'; END IF; END$strata$;\n");
}

/* One request for a whole transactional step on PostgreSQL: BEGIN, a check
 * that the version table is as planned, the migration's statements, the
 * version-table change and the history row (timed by the server), COMMIT. */
static char *
build_batch (StrataMigrator *self,
             StrataStep     *step,
             GPtrArray      *statements,
             const char     *stored)
{
  StrataScript *script = strata_step_get_script (step);
  g_autoptr(GString) sql = g_string_new ("BEGIN;\n");
  g_auto(GStrv) removed = strata_step_dup_removed_heads (step);
  g_auto(GStrv) added = strata_step_dup_added_heads (step);
  g_autofree char *vt = strata_migrator_quote_table (self, self->version_table);
  g_autofree char *ht = strata_migrator_quote_table (self, self->history_table);

  append_heads_check (sql, vt, strata_step_get_heads_before (step));

  /* A newline before each ';': a statement may end in a -- comment. */
  for (guint i = 0; i < statements->len; i++)
    {
      g_string_append (sql, g_ptr_array_index (statements, i));
      g_string_append (sql, "\n;\n");
    }

  append_version_statements (sql, STRATA_DIALECT_POSTGRESQL, vt,
                             (const char * const *)removed, (const char * const *)added);

  g_string_append_printf (sql, "INSERT INTO %s (revision, direction, checksum, started, finished, "
                               "duration_ms, os_user, host, tool_version, outcome, downgrade) VALUES (", ht);
  append_literal (sql, strata_script_get_revision (script));
  g_string_append_c (sql, ',');
  append_literal (sql, direction_name (strata_step_get_direction (step)));
  g_string_append_c (sql, ',');
  append_literal (sql, strata_script_get_checksum (script));
  g_string_append (sql, ", " PG_TIMESTAMP ("now()") ", " PG_TIMESTAMP ("clock_timestamp()") ", "
                        "round(extract(epoch FROM clock_timestamp() - now()) * 1000)::bigint, ");
  append_literal (sql, g_get_user_name ());
  g_string_append_c (sql, ',');
  append_literal (sql, g_get_host_name ());
  g_string_append_c (sql, ',');
  append_literal (sql, PACKAGE_VERSION);
  g_string_append (sql, ", 'success', ");
  append_literal (sql, stored);
  g_string_append (sql, ");\nCOMMIT");

  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* A transactional step on PostgreSQL in one round trip. The run holds the
 * lock, so the version table is what our last commit left; should something
 * else have changed it, the batch's check fails and the step goes the
 * generic way, which reads the table again. */
static gboolean
run_step_batched (Run     *run,
                  guint    index,
                  guint   *next,
                  GError **error)
{
  StrataMigrator *self = run->self;
  StrataStep *step = strata_plan_get_step (run->plan, index);
  StrataScript *script = strata_step_get_script (step);
  const char * const *heads_before = strata_step_get_heads_before (step);
  g_autofree char *what = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 begun;

  if (run->heads == NULL &&
      !(run->heads = strata_migrator_read_heads (self, run->cancellable, error)))
    {
      g_prefix_error (error, "%s: ", describe_lazily (&what, script));
      return FALSE;
    }

  if (!strata_heads_equal ((const char * const *)run->heads, heads_before))
    {
      g_clear_pointer (&run->heads, g_strfreev);
      return run_step_generic (run, index, next, error);
    }

  /* With the graph: a downgrade without one of its own is the inverse
   * computed from the schema before the revision (drops invert too). */
  if (!(statements = render_step_internal (self->graph, step, STRATA_DIALECT_POSTGRESQL, NULL, NULL, error)))
    return FALSE;

  /* Without the schema here: the inverse is what the operations alone
   * say, or is computed from the stored revisions when needed. */
  g_clear_pointer (&run->stored, g_free);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    run->stored = _strata_stored_render (script, NULL, STRATA_DIALECT_POSTGRESQL);

  sql = build_batch (self, step, statements, run->stored);

  run_emit (run, signals[STEP_STARTED], step, index, 0, NULL);
  for (guint i = 0; i < statements->len; i++)
    run_emit (run, signals[STATEMENT], step, index, 0, g_ptr_array_index (statements, i));

  started = g_date_time_new_now_utc ();
  begun = g_get_monotonic_time ();

  if (!strata_driver_execute (self->driver, sql, run->cancellable, &local_error))
    {
      strata_migrator_rollback (self);
      g_clear_pointer (&run->heads, g_strfreev);

      if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_STATE))
        {
          g_debug ("%s: %s; reading it again", describe_lazily (&what, script), local_error->message);
          return run_step_generic (run, index, next, error);
        }

      strata_migrator_record_failure (self, step, started, local_error);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                  describe_lazily (&what, script));
      return FALSE;
    }

  g_strfreev (run->heads);
  run->heads = g_strdupv ((char **)strata_step_get_heads_after (step));

  run_emit (run, signals[STEP_FINISHED], step, index,
            (g_get_monotonic_time () - begun) / (double)G_USEC_PER_SEC, NULL);

  *next = index + 1;

  return TRUE;
}

static gboolean
run_step (Run     *run,
          guint    index,
          guint   *next,
          GError **error)
{
  StrataStep *step = strata_plan_get_step (run->plan, index);

  if (run->batches && strata_script_get_transactional (strata_step_get_script (step)))
    return run_step_batched (run, index, next, error);

  /* The generic way reads the version table itself. */
  g_clear_pointer (&run->heads, g_strfreev);

  return run_step_generic (run, index, next, error);
}

/* PostgreSQL, under the run's lock: the bookkeeping tables (one statement)
 * and the version table's rows (one query) for the batches. */
static gboolean
strata_migrator_prepare_batches (StrataMigrator  *self,
                                 Run             *run,
                                 GError         **error)
{
  if (!strata_migrator_ensure_tables (self, run->cancellable, error) ||
      !(run->heads = strata_migrator_read_heads (self, run->cancellable, error)))
    return FALSE;

  run->batches = TRUE;

  return TRUE;
}

static gboolean
strata_migrator_run_internal (StrataMigrator  *self,
                              StrataPlan      *plan,
                              GMainContext    *context,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_autoptr(GPtrArray) rebuilt = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) saved_objects = g_ptr_array_new_with_free_func (schema_object_free);
  g_autoptr(GHashTable) known_indexes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Run run = { self, plan, context, cancellable, strata_plan_get_n_steps (plan), FALSE, NULL, NULL,
              rebuilt, saved_objects, known_indexes, NULL };
  g_autofree char *lock_name = NULL;
  gboolean ret = TRUE;
  guint index = 0;

  if (self->running)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   "a run is already under way on %s",
                   strata_driver_get_display_url (self->driver));
      return FALSE;
    }

  if (run.n_steps == 0)
    return TRUE;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                   "cancelled before revision %s",
                   strata_step_get_revision (strata_plan_get_step (plan, 0)));
      return FALSE;
    }

  if (!strata_migrator_ensure_session (self, cancellable, error))
    return FALSE;

  /* Held for the whole run: concurrent deploys apply each revision once. */
  lock_name = strata_migrator_table_name (self, self->version_table);
  if (!strata_driver_lock (self->driver, lock_name, cancellable, error))
    return FALSE;

  self->running = TRUE;
  self->tables_ready = FALSE;

  if (strata_driver_get_dialect (self->driver) == STRATA_DIALECT_POSTGRESQL &&
      !strata_migrator_prepare_batches (self, &run, error))
    {
      self->running = FALSE;
      strata_driver_unlock (self->driver, lock_name);
      return FALSE;
    }

  while (index < run.n_steps)
    {
      StrataStep *step = strata_plan_get_step (plan, index);

      if (g_cancellable_is_cancelled (cancellable))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                       "cancelled before revision %s", strata_step_get_revision (step));
          ret = FALSE;
          break;
        }

      if (!run_step (&run, index, &index, error))
        {
          ret = FALSE;
          break;
        }
    }

  self->running = FALSE;
  g_clear_pointer (&run.heads, g_strfreev);
  strata_driver_unlock (self->driver, lock_name);
  g_clear_pointer (&run.state, strata_model_unref);
  g_clear_pointer (&run.stored, g_free);

  return ret;
}

static void
strata_migrator_dispose (GObject *object)
{
  StrataMigrator *self = (StrataMigrator *)object;

  g_clear_object (&self->driver);
  g_clear_object (&self->graph);

  G_OBJECT_CLASS (strata_migrator_parent_class)->dispose (object);
}

static void
strata_migrator_finalize (GObject *object)
{
  StrataMigrator *self = (StrataMigrator *)object;

  g_clear_pointer (&self->version_table, g_free);
  g_clear_pointer (&self->history_table, g_free);
  g_clear_pointer (&self->schema, g_free);
  strata_migrator_clear_sql (self);

  G_OBJECT_CLASS (strata_migrator_parent_class)->finalize (object);
}

static void
strata_migrator_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  StrataMigrator *self = STRATA_MIGRATOR (object);

  switch (prop_id)
    {
    case PROP_DRIVER:
      g_value_set_object (value, self->driver);
      break;

    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;

    case PROP_VERSION_TABLE:
      g_value_set_string (value, self->version_table);
      break;

    case PROP_HISTORY_TABLE:
      g_value_set_string (value, self->history_table);
      break;

    case PROP_SCHEMA:
      g_value_set_string (value, self->schema);
      break;

    case PROP_LOCK_TIMEOUT:
      g_value_set_int (value, self->lock_timeout);
      break;

    case PROP_STATEMENT_TIMEOUT:
      g_value_set_int (value, self->statement_timeout);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_migrator_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  StrataMigrator *self = STRATA_MIGRATOR (object);

  switch (prop_id)
    {
    case PROP_DRIVER:
      self->driver = g_value_dup_object (value);
      break;

    case PROP_GRAPH:
      self->graph = g_value_dup_object (value);
      break;

    case PROP_VERSION_TABLE:
      strata_migrator_set_version_table (self, g_value_get_string (value));
      break;

    case PROP_HISTORY_TABLE:
      strata_migrator_set_history_table (self, g_value_get_string (value));
      break;

    case PROP_SCHEMA:
      strata_migrator_set_schema (self, g_value_get_string (value));
      break;

    case PROP_LOCK_TIMEOUT:
      strata_migrator_set_lock_timeout (self, g_value_get_int (value));
      break;

    case PROP_STATEMENT_TIMEOUT:
      strata_migrator_set_statement_timeout (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_migrator_class_init (StrataMigratorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_migrator_dispose;
  object_class->finalize = strata_migrator_finalize;
  object_class->get_property = strata_migrator_get_property;
  object_class->set_property = strata_migrator_set_property;

  properties[PROP_DRIVER] =
    g_param_spec_object ("driver", NULL, NULL,
                         STRATA_TYPE_DRIVER,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_GRAPH] =
    g_param_spec_object ("graph", NULL, NULL,
                         STRATA_TYPE_GRAPH,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_VERSION_TABLE] =
    g_param_spec_string ("version-table", NULL, NULL,
                         STRATA_DEFAULT_VERSION_TABLE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HISTORY_TABLE] =
    g_param_spec_string ("history-table", NULL, NULL,
                         STRATA_DEFAULT_HISTORY_TABLE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataMigrator:schema:
   *
   * PostgreSQL: the schema that holds the version and history tables
   * (created when missing), put first in the session's search_path so that
   * the migrations' unqualified names land there too. %NULL: the
   * search_path as the connection has it. Ignored on SQLite.
   */
  properties[PROP_SCHEMA] =
    g_param_spec_string ("schema", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataMigrator:lock-timeout:
   *
   * PostgreSQL: lock_timeout in milliseconds for the session, which bounds
   * both the wait for another run's lock and the waits of the migrations'
   * statements for table locks; 0 waits without end, -1 keeps the server's
   * setting (and waits at most STRATA_DRIVER_PG_DEFAULT_LOCK_WAIT_MS for
   * another run).
   */
  properties[PROP_LOCK_TIMEOUT] =
    g_param_spec_int ("lock-timeout", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * StrataMigrator:statement-timeout:
   *
   * PostgreSQL: statement_timeout in milliseconds for the session; 0 means
   * none, -1 keeps the server's setting.
   */
  properties[PROP_STATEMENT_TIMEOUT] =
    g_param_spec_int ("statement-timeout", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataMigrator::step-started:
   * @self: a #StrataMigrator
   * @step: the step
   * @index: its position in the plan
   * @n_steps: the number of steps in the plan
   */
  signals[STEP_STARTED] =
    g_signal_new ("step-started",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, STRATA_TYPE_STEP, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * StrataMigrator::step-finished:
   * @self: a #StrataMigrator
   * @step: the step, now committed
   * @index: its position in the plan
   * @n_steps: the number of steps in the plan
   * @seconds: how long it took
   */
  signals[STEP_FINISHED] =
    g_signal_new ("step-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, STRATA_TYPE_STEP, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_DOUBLE);

  /**
   * StrataMigrator::statement:
   * @self: a #StrataMigrator
   * @step: the step the statement belongs to
   * @sql: the statement about to run
   */
  signals[STATEMENT] =
    g_signal_new ("statement",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, STRATA_TYPE_STEP, G_TYPE_STRING);
}

static void
strata_migrator_init (StrataMigrator *self)
{
  self->version_table = g_strdup (STRATA_DEFAULT_VERSION_TABLE);
  self->history_table = g_strdup (STRATA_DEFAULT_HISTORY_TABLE);
  self->lock_timeout = -1;
  self->statement_timeout = -1;
}

/**
 * strata_migrator_new:
 * @driver: the connection to migrate
 * @graph: (nullable): the revisions, for the checksums of stamped revisions
 *
 * Returns: (transfer full): a new #StrataMigrator
 */
StrataMigrator *
strata_migrator_new (StrataDriver *driver,
                     StrataGraph  *graph)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (driver), NULL);
  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);

  return g_object_new (STRATA_TYPE_MIGRATOR,
                       "driver", driver,
                       "graph", graph,
                       NULL);
}

/**
 * strata_migrator_get_driver:
 *
 * Returns: (transfer none): the connection
 */
StrataDriver *
strata_migrator_get_driver (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);

  return self->driver;
}

/**
 * strata_migrator_get_graph:
 *
 * Returns: (transfer none) (nullable): the revision graph
 */
StrataGraph *
strata_migrator_get_graph (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);

  return self->graph;
}

/* Sets one of the names the bookkeeping SQL is built from. */
static void
set_bookkeeping_name (StrataMigrator  *self,
                      char           **field,
                      const char      *value,
                      guint            prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  strata_migrator_clear_sql (self);
  self->tables_ready = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
strata_migrator_set_version_table (StrataMigrator *self,
                                   const char     *version_table)
{
  g_return_if_fail (STRATA_IS_MIGRATOR (self));
  g_return_if_fail (!self->running);

  if (version_table == NULL || *version_table == '\0')
    version_table = STRATA_DEFAULT_VERSION_TABLE;

  set_bookkeeping_name (self, &self->version_table, version_table, PROP_VERSION_TABLE);
}

const char *
strata_migrator_get_version_table (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);

  return self->version_table;
}

void
strata_migrator_set_history_table (StrataMigrator *self,
                                   const char     *history_table)
{
  g_return_if_fail (STRATA_IS_MIGRATOR (self));
  g_return_if_fail (!self->running);

  if (history_table == NULL || *history_table == '\0')
    history_table = STRATA_DEFAULT_HISTORY_TABLE;

  set_bookkeeping_name (self, &self->history_table, history_table, PROP_HISTORY_TABLE);
}

const char *
strata_migrator_get_history_table (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);

  return self->history_table;
}

void
strata_migrator_set_schema (StrataMigrator *self,
                            const char     *schema)
{
  g_return_if_fail (STRATA_IS_MIGRATOR (self));
  g_return_if_fail (!self->running);
  g_return_if_fail (!self->session_ready || g_strcmp0 (schema, self->schema) == 0);

  if (schema != NULL && *schema == '\0')
    schema = NULL;

  set_bookkeeping_name (self, &self->schema, schema, PROP_SCHEMA);
}

/**
 * strata_migrator_get_schema:
 *
 * Returns: (nullable): the schema of the bookkeeping tables
 */
const char *
strata_migrator_get_schema (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), NULL);

  return self->schema;
}

void
strata_migrator_set_lock_timeout (StrataMigrator *self,
                                  int             msec)
{
  g_return_if_fail (STRATA_IS_MIGRATOR (self));
  g_return_if_fail (msec >= -1);
  g_return_if_fail (!self->session_ready || msec == self->lock_timeout);

  if (self->lock_timeout != msec)
    {
      self->lock_timeout = msec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOCK_TIMEOUT]);
    }
}

int
strata_migrator_get_lock_timeout (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), -1);

  return self->lock_timeout;
}

void
strata_migrator_set_statement_timeout (StrataMigrator *self,
                                       int             msec)
{
  g_return_if_fail (STRATA_IS_MIGRATOR (self));
  g_return_if_fail (msec >= -1);
  g_return_if_fail (!self->session_ready || msec == self->statement_timeout);

  if (self->statement_timeout != msec)
    {
      self->statement_timeout = msec;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATEMENT_TIMEOUT]);
    }
}

int
strata_migrator_get_statement_timeout (StrataMigrator *self)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), -1);

  return self->statement_timeout;
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

  if (!strata_migrator_ensure_session (self, cancellable, error))
    return NULL;

  table = strata_migrator_table_name (self, self->version_table);
  if (!strata_driver_table_exists (self->driver, table, &exists, cancellable, error))
    return NULL;

  if (!exists)
    return g_new0 (char *, 1);

  return strata_migrator_read_heads (self, cancellable, error);
}

/**
 * strata_migrator_run:
 * @self: a #StrataMigrator
 * @plan: the steps to run
 * @cancellable: (nullable): cancels the run, interrupting the statement
 *   under way
 * @error: return location for a #GError
 *
 * Returns: %TRUE when every step ran (or had already been run by someone
 *   else)
 */
gboolean
strata_migrator_run (StrataMigrator  *self,
                     StrataPlan      *plan,
                     GCancellable    *cancellable,
                     GError         **error)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return strata_migrator_run_internal (self, plan, NULL, cancellable, error);
}

typedef struct
{
  StrataPlan   *plan;
  GMainContext *context;
} RunAsync;

static void
run_async_free (gpointer data)
{
  RunAsync *state = data;

  g_clear_object (&state->plan);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_free (state);
}

static void
strata_migrator_run_worker (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  StrataMigrator *self = source_object;
  RunAsync *state = task_data;
  GError *error = NULL;

  if (strata_migrator_run_internal (self, state->plan, state->context, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * strata_migrator_run_async:
 * @self: a #StrataMigrator
 * @plan: the steps to run
 * @cancellable: (nullable): cancels the run
 * @callback: called in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * Runs the plan in a worker thread. The signals are emitted in the caller's
 * thread-default main context, all of them before @callback runs. The
 * migrator and its driver must not be used elsewhere until then.
 */
void
strata_migrator_run_async (StrataMigrator      *self,
                           StrataPlan          *plan,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunAsync *state;

  g_return_if_fail (STRATA_IS_MIGRATOR (self));
  g_return_if_fail (STRATA_IS_PLAN (plan));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (RunAsync, 1);
  state->plan = g_object_ref (plan);
  state->context = g_main_context_ref_thread_default ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_migrator_run_async);
  /* The run's own STRATA_ERROR_CANCELLED says where it stopped */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, state, run_async_free);
  g_task_run_in_thread (task, strata_migrator_run_worker);
}

gboolean
strata_migrator_run_finish (StrataMigrator  *self,
                            GAsyncResult    *result,
                            GError         **error)
{
  g_return_val_if_fail (STRATA_IS_MIGRATOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_migrator_run_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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
                       "cannot stamp \"%s\": not a revision id", wanted[i]);
          return FALSE;
        }
    }

  if (!strata_migrator_ensure_session (self, cancellable, error))
    return FALSE;

  lock_name = strata_migrator_table_name (self, self->version_table);
  if (!strata_driver_lock (self->driver, lock_name, cancellable, error))
    return FALSE;

  self->tables_ready = FALSE;

  if (!strata_driver_begin (self->driver, cancellable, error) ||
      !strata_migrator_ensure_tables (self, cancellable, error) ||
      !(current = strata_migrator_read_heads (self, cancellable, error)))
    goto failed;

  for (guint i = 0; current[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)wanted, current[i]))
      g_ptr_array_add (removed, current[i]);
  g_ptr_array_add (removed, NULL);

  for (guint i = 0; wanted[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *)current, wanted[i]))
      g_ptr_array_add (added, wanted[i]);
  g_ptr_array_add (added, NULL);

  if (!strata_migrator_update_heads (self,
                                     (const char * const *)removed->pdata,
                                     (const char * const *)added->pdata,
                                     cancellable, error))
    goto failed;

  now = g_date_time_new_now_utc ();

  for (guint i = 0; i + 1 < removed->len; i++)
    {
      const char *revision = g_ptr_array_index (removed, i);

      if (!strata_migrator_insert_history (self, revision, "unstamp", lookup_checksum (self, revision),
                                           now, now, "success", NULL, cancellable, error))
        goto failed;
    }

  for (guint i = 0; i + 1 < added->len; i++)
    {
      const char *revision = g_ptr_array_index (added, i);

      StrataScript *script = self->graph ? strata_graph_lookup (self->graph, revision) : NULL;
      g_autofree char *stored = script ? _strata_stored_render (script, NULL, strata_driver_get_dialect (self->driver))
                                       : NULL;

      if (!strata_migrator_insert_history (self, revision, "stamp", lookup_checksum (self, revision),
                                           now, now, "success", stored, cancellable, error))
        goto failed;
    }

  if (!strata_driver_commit (self->driver, cancellable, error))
    goto failed;

  strata_driver_unlock (self->driver, lock_name);

  return TRUE;

failed:
  strata_migrator_rollback (self);
  strata_driver_unlock (self->driver, lock_name);
  g_prefix_error (error, "stamp: ");

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

  if (!strata_migrator_ensure_session (self, cancellable, error))
    return NULL;

  name = strata_migrator_table_name (self, self->history_table);
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

  table = strata_migrator_quote_table (self, self->history_table);
  sql = g_strdup_printf ("SELECT " HISTORY_COLUMNS " FROM %s ORDER BY id DESC", table);

  return strata_driver_query (self->driver, sql, cancellable, error);
}

/* The operations a step runs: its upgrade, its downgrade, or the inverse of
 * its upgrade computed from the schema before it (from @graph when there is
 * one, else from the operations alone). */
static GPtrArray *
step_ops (StrataGraph  *graph,
          StrataStep   *step,
          GError      **error)
{
  StrataScript *script = strata_step_get_script (step);
  GPtrArray *upgrade;
  GPtrArray *downgrade;
  g_autoptr(GPtrArray) inverse = NULL;
  g_autoptr(StrataModel) before = NULL;

  if (!strata_script_ensure_loaded (script, error))
    return NULL;

  upgrade = strata_script_get_upgrade (script);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    return upgrade ? g_ptr_array_ref (upgrade) : g_ptr_array_new ();

  if ((downgrade = strata_script_get_downgrade (script)) != NULL)
    return g_ptr_array_ref (downgrade);
  if (upgrade == NULL)
    return g_ptr_array_new ();

  if (graph != NULL && !(before = _strata_model_replay_lenient (graph, NULL, script, error)))
    return NULL;

  inverse = before ? strata_model_invert_ops (before, upgrade, error) : strata_ops_invert (upgrade, error);
  if (inverse == NULL)
    {
      g_autofree char *what = _strata_describe_revision (script);

      g_prefix_error (error, "%s: cannot downgrade: ", what);
      return NULL;
    }

  return g_steal_pointer (&inverse);
}

/* Renders a step; with @state, the operations are applied to it and SQLite
 * table rebuilds are used where needed (their tables go to @rebuilt). */
static GPtrArray *
render_step_internal (StrataGraph    *graph,
                      StrataStep     *step,
                      StrataDialect   dialect,
                      StrataModel    *state,
                      GPtrArray      *rebuilt,
                      GError        **error)
{
  g_autoptr(GPtrArray) ops = NULL;
  GPtrArray *statements;

  if (!(ops = step_ops (graph, step, error)))
    return NULL;

  if (state != NULL)
    statements = strata_dialect_render_ops_with_model (dialect, ops, state, rebuilt, error);
  else
    statements = strata_dialect_render_ops (dialect, ops, error);

  if (statements == NULL)
    {
      g_autofree char *what = _strata_describe_revision (strata_step_get_script (step));

      g_prefix_error (error, "%s: ", what);
      return NULL;
    }

  return statements;
}

/**
 * strata_migrator_render_step:
 * @step: a step
 * @dialect: the SQL dialect
 * @error: return location for a #GError
 *
 * The statements of an upgrade are its upgrade operations; those of a
 * downgrade are the script's downgrade operations, or the inverse of its
 * upgrade when it has none.
 *
 * Returns: (transfer full) (element-type utf8): the statements, or %NULL
 *   with @error set naming the revision and its file
 */
GPtrArray *
strata_migrator_render_step (StrataStep     *step,
                             StrataDialect   dialect,
                             GError        **error)
{
  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return render_step_internal (NULL, step, dialect, NULL, NULL, error);
}

/**
 * strata_migrator_render_step_for_graph:
 * @graph: the revision graph
 * @step: a step of a plan from @graph
 * @dialect: the SQL dialect
 * @rebuilt: (nullable) (element-type utf8): receives the tables a SQLite
 *   table rebuild recreates
 * @error: return location for a #GError
 *
 * Like strata_migrator_render_step(), with the schema replayed from @graph
 * up to the step's heads_before: SQLite table rebuilds where SQLite cannot
 * ALTER in place, and the inverse of an upgrade computed from the schema
 * (so drops invert too).
 *
 * Returns: (transfer full) (element-type utf8): the statements, or %NULL
 */
GPtrArray *
strata_migrator_render_step_for_graph (StrataGraph    *graph,
                                       StrataStep     *step,
                                       StrataDialect   dialect,
                                       GPtrArray      *rebuilt,
                                       GError        **error)
{
  g_autoptr(StrataModel) state = NULL;

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_STEP (step), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(state = _strata_model_replay_lenient (graph, strata_step_get_heads_before (step), NULL, error)))
    return NULL;

  return render_step_internal (graph, step, dialect, state, rebuilt, error);
}

static void
append_statement (GString    *out,
                  const char *sql)
{
  gsize len = strlen (sql);

  while (len > 0 && (g_ascii_isspace (sql[len - 1]) || sql[len - 1] == ';'))
    len--;

  g_string_append_len (out, sql, len);
  g_string_append (out, ";\n\n");
}

static void
append_version_statements (GString            *out,
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

/* The first line of a message, for a SQL comment. */
static char *
comment_text (const char *text)
{
  const char *end;

  if (text == NULL)
    return g_strdup ("");

  end = strchr (text, '\n');
  return end != NULL ? g_strndup (text, end - text) : g_strdup (text);
}

/**
 * strata_migrator_render_offline_sql:
 * @graph: (nullable): the revision graph
 * @plan: the steps to render
 * @dialect: the SQL dialect
 * @version_table: (nullable): the version table, %NULL for the default
 * @error: return location for a #GError
 *
 * Renders a plan as a script a person can review or run by hand (Alembic's
 * `--sql`): the version table's CREATE when starting from nothing, then for
 * each migration a comment naming it, BEGIN, its statements, the version
 * table change and COMMIT (no BEGIN/COMMIT for a non-transactional one).
 *
 * Returns: (transfer full): the SQL, or %NULL with @error set
 */
char *
strata_migrator_render_offline_sql (StrataGraph    *graph,
                                    StrataPlan     *plan,
                                    StrataDialect   dialect,
                                    const char     *version_table,
                                    GError        **error)
{
  return strata_migrator_render_offline_script (graph, plan, dialect, version_table,
                                                NULL, -1, -1, error);
}

/**
 * strata_migrator_render_offline_script:
 * @graph: (nullable): the revision graph
 * @plan: the steps to render
 * @dialect: the SQL dialect
 * @version_table: (nullable): the version table, %NULL for the default
 * @schema: (nullable): PostgreSQL: the schema to create and put first in
 *   the search_path before anything else
 * @lock_timeout: PostgreSQL: lock_timeout in milliseconds to set, or -1
 * @statement_timeout: PostgreSQL: statement_timeout in milliseconds, or -1
 * @error: return location for a #GError
 *
 * strata_migrator_render_offline_sql() with the session settings a run
 * would make (see #StrataMigrator:schema).
 *
 * Returns: (transfer full): the SQL, or %NULL with @error set
 */
char *
strata_migrator_render_offline_script (StrataGraph    *graph,
                                       StrataPlan     *plan,
                                       StrataDialect   dialect,
                                       const char     *version_table,
                                       const char     *schema,
                                       int             lock_timeout,
                                       int             statement_timeout,
                                       GError        **error)
{
  return render_offline (graph, plan, dialect, version_table, NULL, schema,
                         lock_timeout, statement_timeout, error);
}

/**
 * strata_migrator_render_guarded_script:
 * @history_table: (nullable): the history table, %NULL for the default
 *
 * strata_migrator_render_offline_script() for a script that guards itself
 * (what `--sql` prints): each migration first checks that the version table
 * holds what it starts from (PostgreSQL: a DO block that raises; SQLite: an
 * INSERT that a temporary trigger refuses), PostgreSQL holds the run's
 * advisory lock throughout, and each migration writes its history row as
 * an online run does.
 *
 * Returns: (transfer full): the SQL, or %NULL with @error set
 */
char *
strata_migrator_render_guarded_script (StrataGraph    *graph,
                                       StrataPlan     *plan,
                                       StrataDialect   dialect,
                                       const char     *version_table,
                                       const char     *history_table,
                                       const char     *schema,
                                       int             lock_timeout,
                                       int             statement_timeout,
                                       GError        **error)
{
  return render_offline (graph, plan, dialect, version_table,
                         history_table ? history_table : STRATA_DEFAULT_HISTORY_TABLE,
                         schema, lock_timeout, statement_timeout, error);
}

/* With @history_table, the guarded script. */
static char *
render_offline (StrataGraph    *graph,
                StrataPlan     *plan,
                StrataDialect   dialect,
                const char     *version_table,
                const char     *history_table,
                const char     *schema,
                int             lock_timeout,
                int             statement_timeout,
                GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *lock_name = NULL;
  g_autofree char *table = NULL;
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(GPtrArray) rebuilt = g_ptr_array_new_with_free_func (g_free);
  StrataDirection direction;
  guint n_steps;

  g_return_val_if_fail (graph == NULL || STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (version_table == NULL || *version_table == '\0')
    version_table = STRATA_DEFAULT_VERSION_TABLE;

  table = strata_dialect_quote_identifier (dialect, version_table);
  direction = strata_plan_get_direction (plan);
  n_steps = strata_plan_get_n_steps (plan);

  /* With the graph, the schema replayed up to the plan: table rebuilds and
   * the inverse of drops. */
  if (graph != NULL && n_steps > 0 &&
      !(state = _strata_model_replay_lenient (graph, strata_plan_get_heads_before (plan), NULL, error)))
    return NULL;

  g_string_append_printf (out, "-- Strata %s: %s to %s, %s\n\n",
                          PACKAGE_VERSION,
                          direction == STRATA_DIRECTION_DOWN ? "downgrade" : "upgrade",
                          strata_plan_get_target (plan) != NULL ? strata_plan_get_target (plan) : "head",
                          strata_dialect_get_name (dialect));

  if (dialect == STRATA_DIALECT_POSTGRESQL)
    {
      if (schema != NULL && *schema != '\0')
        {
          g_autofree char *quoted = strata_dialect_quote_identifier (dialect, schema);
          g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);

          g_string_append_printf (out, "CREATE SCHEMA IF NOT EXISTS %s;\n\n", quoted);
          g_string_append_printf (out, "SELECT set_config('search_path', %s || ', ' || "
                                       "current_setting('search_path'), false);\n\n", literal);
        }
      if (lock_timeout >= 0)
        g_string_append_printf (out, "SET lock_timeout = %d;\n\n", lock_timeout);
      if (statement_timeout >= 0)
        g_string_append_printf (out, "SET statement_timeout = %d;\n\n", statement_timeout);
    }

  /* The online run's lock name: "schema.table" or "table". */
  lock_name = schema != NULL && *schema != '\0' ? g_strdup_printf ("%s.%s", schema, version_table)
                                                 : g_strdup (version_table);
  if (history_table != NULL && n_steps > 0)
    _strata_guard_append_prologue (out, dialect, lock_name, history_table);

  if (direction == STRATA_DIRECTION_UP && n_steps > 0 &&
      g_strv_length ((char **)strata_plan_get_heads_before (plan)) == 0)
    {
      g_autofree char *create = strata_dialect_create_version_table (dialect, version_table);

      append_statement (out, create);
    }

  for (guint i = 0; i < n_steps; i++)
    {
      StrataStep *step = strata_plan_get_step (plan, i);
      StrataScript *script = strata_step_get_script (step);
      gboolean transactional = strata_script_get_transactional (script);
      g_autoptr(GPtrArray) statements = NULL;
      g_auto(GStrv) removed = NULL;
      g_auto(GStrv) added = NULL;
      g_autofree char *parents = NULL;
      g_autofree char *message = NULL;
      gboolean rebuild;

      g_ptr_array_set_size (rebuilt, 0);
      if (!(statements = render_step_internal (graph, step, dialect, state, rebuilt, error)))
        return NULL;
      rebuild = dialect == STRATA_DIALECT_SQLITE && rebuilt->len > 0;

      parents = strata_script_is_base (script) ? g_strdup ("<base>")
                                               : g_strjoinv (", ", (char **)strata_script_get_down_revisions (script));
      message = comment_text (strata_script_get_message (script));

      if (strata_step_get_direction (step) == STRATA_DIRECTION_DOWN)
        g_string_append_printf (out, "-- Running downgrade %s -> %s", strata_script_get_revision (script), parents);
      else
        g_string_append_printf (out, "-- Running upgrade %s -> %s", parents, strata_script_get_revision (script));
      if (*message != '\0')
        g_string_append_printf (out, ", %s", message);
      g_string_append (out, "\n");
      if (!transactional)
        g_string_append (out, "-- (not transactional: runs outside a transaction)\n");
      g_string_append (out, "\n");

      if (rebuild)
        g_string_append (out, "-- (rebuilds a table: foreign keys off, checked before COMMIT)\n"
                              "PRAGMA foreign_keys = OFF;\n\n");
      if (transactional)
        g_string_append (out, "BEGIN;\n\n");
      if (history_table != NULL)
        _strata_guard_append_check (out, dialect, version_table, strata_step_get_heads_before (step), step);

      for (guint j = 0; j < statements->len; j++)
        append_statement (out, g_ptr_array_index (statements, j));

      removed = strata_step_dup_removed_heads (step);
      added = strata_step_dup_added_heads (step);
      append_version_statements (out, dialect, table,
                                 (const char * const *)removed,
                                 (const char * const *)added);
      if (history_table != NULL)
        _strata_guard_append_history (out, dialect, history_table, step);

      if (rebuild)
        g_string_append (out, "PRAGMA foreign_key_check;\n\n");
      if (transactional)
        g_string_append (out, "COMMIT;\n\n");
      if (rebuild)
        g_string_append (out, "PRAGMA foreign_keys = ON;\n\n");
    }

  if (history_table != NULL && n_steps > 0)
    _strata_guard_append_epilogue (out, dialect, lock_name);

  /* One newline at the end, not a blank line */
  while (out->len > 1 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
    g_string_truncate (out, out->len - 1);

  return g_string_free (g_steal_pointer (&out), FALSE);
}
