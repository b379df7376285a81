/* strata-migrator.c: runs a plan against a driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The type, its properties and signals, and the run loop: the lock, one
 * transaction per step, progress and cancel. The bookkeeping tables are in
 * strata-migrator-history.c, the SQL a step runs (and `--sql`) in
 * strata-migrator-offline.c; what only one engine does is behind the
 * driver (strata-driver-private.h) and the dialect.
 */

#define G_LOG_DOMAIN "strata-migrator"

#include "config.h"

#include <string.h>

#include "strata-dialect-private.h"
#include "strata-driver-private.h"
#include "strata-ops.h"
#include "strata-ops-private.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator-private.h"
#include "strata-model.h"
#include "strata-plan.h"
#include "strata-replay-private.h"
#include "strata-script.h"
#include "strata-stored-private.h"
#include "strata-i18n-private.h"

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
  NOTICE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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
  /* A transactional step goes to the server as one batch (PostgreSQL). */
  gboolean        batches;
  /* The version table as of our last commit under the run's lock; NULL
   * when unknown. */
  char          **heads;
  /* The schema as the migrations say it is before the next step (replayed
   * from the graph on the first step that needs it). */
  StrataModel    *state;
  /* Of the step under way: the tables it rebuilds (SQLite) and what the
   * driver keeps around them. */
  StrataRebuild  *rebuild;
  /* What each step runs (strata_plan_dup_operations()). */
  GPtrArray      *ops;
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

/* A step that runs outside a transaction, rebuilding no table: every
 * operation rendered before the first runs (nothing it renders reads a
 * table), so that an interrupted run can be resumed statement by statement. */
static GPtrArray *
render_ahead (Run        *run,
              GPtrArray  *ops,
              GError    **error)
{
  StrataDriver *driver = run->self->driver;
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < ops->len; i++)
    {
      g_autoptr(GPtrArray) some = NULL;

      if (!(some = _strata_migrator_render_op_live (driver, strata_driver_get_dialect (driver),
                                                    g_ptr_array_index (ops, i), run->state,
                                                    run->rebuild->tables, run->cancellable, error)))
        {
          g_prefix_error (error, _("operation %u: "), i);
          return NULL;
        }
      for (guint j = 0; j < some->len; j++)
        g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
    }

  return g_steal_pointer (&statements);
}

static gboolean run_step_body (Run        *run,
                               guint       index,
                               guint      *next,
                               GPtrArray  *statements,
                               GPtrArray  *ops,
                               GError    **error);

/* Runs step @index; on success stores in @next the index of the step to run
 * next (further on when another process got there first).
 *
 * Where the engine renders from the live database (SQLite), each operation
 * is rendered inside the step's transaction just before it runs, so a table
 * rebuild starts from the table as it is at that moment (raw SQL earlier in
 * the step included). A step that may rebuild runs with foreign_keys off,
 * switched outside its transaction (inside one SQLite ignores the pragma),
 * and back on after. */
static gboolean
run_step_generic (Run     *run,
                  guint    index,
                  guint   *next,
                  GError **error)
{
  StrataMigrator *self = run->self;
  StrataStep *step = strata_plan_get_step (run->plan, index);
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  StrataRebuild *rebuild = run->rebuild;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  gboolean ret;

  _strata_rebuild_reset (rebuild);

  /* The schema of the run's dialect before the step: names are checked
   * against it on every way of rendering. */
  if (self->graph != NULL && run->state == NULL &&
      !(run->state = _strata_model_replay_lenient_for_dialect (self->graph, strata_step_get_heads_before (step),
                                                               NULL, dialect, error)))
    return FALSE;

  /* The copy an upgrade's history row keeps, with the inverse computed
   * from the schema before it (which rendering changes). */
  g_clear_pointer (&run->stored, g_free);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    run->stored = _strata_stored_render (strata_step_get_script (step), run->state, dialect);

  if (_strata_driver_can_rebuild (self->driver))
    {
      ops = g_ptr_array_ref (g_ptr_array_index (run->ops, index));

      for (guint i = 0; i < ops->len; i++)
        {
          StrataOp *op = g_ptr_array_index (ops, i);
          const char *table = strata_op_get_table (op);

          if (!strata_op_runs_on (op, dialect))
            continue;

          if (table != NULL && _strata_dialect_sqlite_needs_rebuild (op) &&
              !g_ptr_array_find_with_equal_func (rebuild->tables, table, g_str_equal, NULL))
            g_ptr_array_add (rebuild->tables, g_strdup (table));

          /* A new set of values rebuilds the tables using the enum type
           * (their CHECK). */
          if (strata_op_get_kind (op) == STRATA_OP_ALTER_ENUM && run->state != NULL)
            {
              GPtrArray *tables = strata_model_get_tables (run->state);

              for (guint t = 0; t < tables->len; t++)
                {
                  StrataTable *candidate = g_ptr_array_index (tables, t);
                  GPtrArray *columns = strata_table_get_columns (candidate);
                  const char *name = strata_table_get_name (candidate);

                  for (guint c = 0; c < columns->len; c++)
                    if (g_strcmp0 (strata_data_type_get_enum (strata_column_get_data_type (g_ptr_array_index (columns, c))),
                                   op->name) == 0)
                      {
                        if (!g_ptr_array_find_with_equal_func (rebuild->tables, name, g_str_equal, NULL))
                          g_ptr_array_add (rebuild->tables, g_strdup (name));
                        break;
                      }
                }
            }
        }
    }
  else if (!(statements = _strata_migrator_render_step_with_state (self->graph, step,
                                                                   g_ptr_array_index (run->ops, index),
                                                                   dialect, run->state, NULL, error)))
    return FALSE;

  if (!_strata_driver_rebuild_begin (self->driver, rebuild, run->cancellable, error))
    {
      g_autofree char *what = _strata_describe_revision (strata_step_get_script (step));

      g_prefix_error (error, "%s: ", what);
      return FALSE;
    }

  ret = run_step_body (run, index, next, statements, ops, error);

  _strata_driver_rebuild_end (self->driver, rebuild);

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
               GPtrArray  *ops,
               GError    **error)
{
  StrataMigrator *self = run->self;
  StrataStep *step = strata_plan_get_step (run->plan, index);
  StrataScript *script = strata_step_get_script (step);
  const char * const *heads_before = strata_step_get_heads_before (step);
  /* A table rebuild (SQLite: new table, copy, drop, rename) always runs in
   * a transaction, "transactional": false or not: outside one, a failure
   * half-way would leave a _strata_rebuild_ table behind or the table
   * gone, and nothing a rebuild runs needs to be outside one. */
  gboolean transactional = strata_script_get_transactional (script) || run->rebuild->tables->len > 0;
  g_autofree char *what = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_auto(GStrv) heads = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *progress_row = NULL;
  g_autoptr(GPtrArray) ahead = NULL;
  gboolean resumed = FALSE;
  guint done = 0;
  gint64 begun;
  int resume;

  /* The state is read inside the transaction that changes it: BEGIN
   * IMMEDIATE on SQLite takes the write lock before the read. */
  if (!strata_driver_begin (self->driver, run->cancellable, error) ||
      !_strata_migrator_ensure_tables (self, run->cancellable, error) ||
      !(heads = _strata_migrator_read_heads (self, run->cancellable, error)))
    {
      _strata_migrator_rollback (self);
      g_prefix_error (error, "%s: ", describe_lazily (&what, script));
      return FALSE;
    }

  if (!strata_heads_equal ((const char * const *)heads, heads_before))
    {
      resume = find_resume_index (run->plan, index, (const char * const *)heads);

      /* Commit keeps the tables if this transaction created them. */
      if (!strata_driver_commit (self->driver, run->cancellable, error))
        {
          _strata_migrator_rollback (self);
          g_prefix_error (error, "%s: ", describe_lazily (&what, script));
          return FALSE;
        }

      if (resume < 0)
        {
          g_autofree char *expected = heads_to_string (heads_before);
          g_autofree char *found = heads_to_string ((const char * const *)heads);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                       _("%s: cannot %s: the version table %s holds %s, expected %s"),
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
       * transaction: run them in autocommit, each counted in the step's
       * history row so that an interrupted run resumes after the last one
       * completed, then record the revision. */
      if (!strata_driver_commit (self->driver, run->cancellable, error) ||
          (ops != NULL && !(statements = ahead = render_ahead (run, ops, error))) ||
          !_strata_resume_begin (self, step, statements, &progress_row, &done, &resumed,
                                 run->cancellable, error))
        {
          _strata_migrator_rollback (self);
          g_prefix_error (error, "%s: ", describe_lazily (&what, script));
          return FALSE;
        }
      if (resumed)
        g_debug ("%s: resuming an interrupted run after %u of %u statements",
                 describe_lazily (&what, script), done, statements->len);
      ops = NULL;
    }

  /* Rendered as they come, from the database as it is (ops), or ahead. */
  if (ops != NULL)
    statements = g_ptr_array_new_with_free_func (g_free);
  else
    g_ptr_array_ref (statements);

  for (guint i = 0, op_index = 0; i < statements->len || (ops != NULL && op_index < ops->len); i++)
    {
      const char *sql;
      gboolean skip = FALSE;

      while (ops != NULL && i >= statements->len && op_index < ops->len)
        {
          g_autoptr(GPtrArray) some = NULL;

          some = _strata_migrator_render_op_live (self->driver, strata_driver_get_dialect (self->driver),
                                                  g_ptr_array_index (ops, op_index), run->state,
                                                  run->rebuild->tables, run->cancellable, &local_error);
          if (some == NULL)
            {
              g_prefix_error (&local_error, _("operation %u: "), op_index);
              break;
            }
          op_index++;
          for (guint j = 0; j < some->len; j++)
            g_ptr_array_add (statements, g_steal_pointer (&some->pdata[j]));
        }

      if (local_error == NULL && i >= statements->len)
        break;

      sql = local_error == NULL ? g_ptr_array_index (statements, i) : NULL;

      if (sql != NULL && !transactional && i < done)
        {
          g_autofree char *note = g_strdup_printf ("-- done before the interruption: %s", sql);

          run_emit (run, signals[STATEMENT], step, index, 0, note);
          continue;
        }

      if (sql != NULL && !transactional)
        {
          g_autofree char *notice = NULL;

          /* Resuming at the statement the interruption hit: a CREATE INDEX
           * CONCURRENTLY whose index is valid completed; an INVALID one is
           * dropped (the driver) and built again. */
          if ((resumed && i == done &&
               !_strata_resume_prepare (self, sql, &skip, run->cancellable, &local_error)) ||
              (!skip && !_strata_driver_prepare_autocommit (self->driver, sql, &notice, run->cancellable, &local_error)))
            {
              _strata_migrator_record_failure (self, step, started, local_error);
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                          describe_lazily (&what, script));
              g_ptr_array_unref (statements);
              return FALSE;
            }
          if (notice != NULL)
            run_emit (run, signals[NOTICE], step, index, 0, notice);
        }

      if (sql != NULL)
        run_emit (run, signals[STATEMENT], step, index, 0, sql);

      if (local_error != NULL ||
          (!skip && !strata_driver_execute (self->driver, sql, run->cancellable, &local_error)) ||
          (!transactional && !_strata_resume_progress (self, progress_row, statements, i + 1, run->cancellable, &local_error)))
        {
          _strata_migrator_rollback (self);
          _strata_migrator_record_failure (self, step, started, local_error);

          if (transactional)
            g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                        describe_lazily (&what, script));
          else
            {
              g_autofree char *ran = describe_statements (statements, i);
              g_autofree char *leftovers = _strata_driver_describe_leftovers (self->driver, sql);

              if (i == 0)
                g_set_error (error, local_error->domain, local_error->code,
                             _("%s: %s (not transactional: no statement had run; the revision was not "
                               "recorded in %s)%s"),
                             describe_lazily (&what, script), local_error->message,
                             self->version_table, leftovers ? leftovers : "");
              else
                g_set_error (error, local_error->domain, local_error->code,
                             _("%s: %s (not transactional: already ran and stay applied: %s; the revision "
                               "was not recorded in %s, and the next run resumes after them)%s"),
                             describe_lazily (&what, script), local_error->message,
                             ran, self->version_table, leftovers ? leftovers : "");
            }

          g_ptr_array_unref (statements);
          return FALSE;
        }
    }
  g_ptr_array_unref (statements);

  if (!_strata_driver_rebuild_finish (self->driver, run->rebuild, run->cancellable, &local_error))
    {
      _strata_migrator_rollback (self);
      _strata_migrator_record_failure (self, step, started, local_error);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ",
                                  describe_lazily (&what, script));
      return FALSE;
    }

  if (!transactional)
    {
      g_auto(GStrv) now = NULL;

      if (!strata_driver_begin (self->driver, run->cancellable, error) ||
          !_strata_migrator_ensure_tables (self, run->cancellable, error) ||
          !(now = _strata_migrator_read_heads (self, run->cancellable, error)))
        {
          _strata_migrator_rollback (self);
          g_prefix_error (error, _("%s: its statements ran but the revision was not recorded: "),
                          describe_lazily (&what, script));
          return FALSE;
        }

      if (!strata_heads_equal ((const char * const *)now, heads_before))
        {
          g_autofree char *expected = heads_to_string (heads_before);
          g_autofree char *found = heads_to_string ((const char * const *)now);

          _strata_migrator_rollback (self);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                       _("%s: its statements ran but the revision was not recorded: "
                         "the version table %s changed meanwhile to %s (expected %s)"),
                       describe_lazily (&what, script), self->version_table, found, expected);
          return FALSE;
        }
    }

  if ((progress_row != NULL && !_strata_resume_finish (self, progress_row, resumed, run->cancellable, &local_error)) ||
      !_strata_migrator_record_step (self, step, started, run->stored, run->cancellable, &local_error) ||
      !strata_driver_commit (self->driver, run->cancellable, &local_error))
    {
      _strata_migrator_rollback (self);
      _strata_migrator_record_failure (self, step, started, local_error);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  transactional ? "%s: " : _("%s: its statements ran but the revision was not recorded: "),
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
  g_autofree char *version_table = NULL;
  g_auto(GStrv) heads_sorted = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GDateTime) started = NULL;
  g_autoptr(GError) local_error = NULL;
  StrataModel *state = NULL;
  gint64 begun;

  if (run->heads == NULL &&
      !(run->heads = _strata_migrator_read_heads (self, run->cancellable, error)))
    {
      g_prefix_error (error, "%s: ", describe_lazily (&what, script));
      return FALSE;
    }

  if (!strata_heads_equal ((const char * const *)run->heads, heads_before))
    {
      g_clear_pointer (&run->heads, g_strfreev);
      return run_step_generic (run, index, next, error);
    }

  /* Names are exact on both engines: an upgrade is rendered against the
   * replayed schema here too, as the generic way does, and rendering with
   * a schema refuses a name that differs from it only in case. */
  if (self->graph != NULL && strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    {
      if (run->state == NULL &&
          !(run->state = _strata_model_replay_lenient_for_dialect (self->graph, heads_before, NULL,
                                                                   strata_driver_get_dialect (self->driver),
                                                                   error)))
        return FALSE;
      state = run->state;
    }
  else
    g_clear_pointer (&run->state, strata_model_unref);

  /* The copy an upgrade's history row keeps, with the inverse computed
   * from the schema before it (which rendering changes). */
  g_clear_pointer (&run->stored, g_free);
  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    run->stored = _strata_stored_render (script, state, strata_driver_get_dialect (self->driver));

  /* What the step runs was decided for the plan (a revision without
   * "downgrade" runs the inverse computed from the replayed schema, as on
   * SQLite and in --sql). */
  if (!(statements = _strata_migrator_render_step_with_state (NULL, step, g_ptr_array_index (run->ops, index),
                                                              strata_driver_get_dialect (self->driver),
                                                              state, NULL, error)))
    {
      g_clear_pointer (&run->state, strata_model_unref);
      return FALSE;
    }

  sql = _strata_migrator_render_batch_body (self, step, statements, run->stored);
  version_table = _strata_migrator_quote_table (self, self->version_table);
  heads_sorted = strata_heads_normalize (heads_before);

  run_emit (run, signals[STEP_STARTED], step, index, 0, NULL);
  for (guint i = 0; i < statements->len; i++)
    run_emit (run, signals[STATEMENT], step, index, 0, g_ptr_array_index (statements, i));

  started = g_date_time_new_now_utc ();
  begun = g_get_monotonic_time ();

  if (!_strata_driver_execute_batch (self->driver, version_table, (const char * const *)heads_sorted,
                                     sql, run->cancellable, &local_error))
    {
      _strata_migrator_rollback (self);
      g_clear_pointer (&run->heads, g_strfreev);
      g_clear_pointer (&run->state, strata_model_unref);

      if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_STATE))
        {
          g_debug ("%s: %s; reading it again", describe_lazily (&what, script), local_error->message);
          return run_step_generic (run, index, next, error);
        }

      _strata_migrator_record_failure (self, step, started, local_error);
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
  if (!_strata_migrator_ensure_tables (self, run->cancellable, error) ||
      !(run->heads = _strata_migrator_read_heads (self, run->cancellable, error)))
    return FALSE;

  run->batches = TRUE;

  return TRUE;
}

/* Whether the table @op rebuilds (from the live table, when it runs) can
 * be there then: the migrations made it (@state), it is in the database
 * now, or raw SQL run before it in the plan names it (@raw, lower case). */
static gboolean
rebuild_has_a_table (StrataMigrator  *self,
                     StrataModel     *state,
                     GString         *raw,
                     StrataOp        *op,
                     StrataDialect    dialect,
                     GError         **error)
{
  const char *table = strata_op_get_table (op);
  g_autoptr(StrataResult) found = NULL;
  g_autofree char *lower = NULL;
  const char *params[1] = { table };

  if (state == NULL || table == NULL || dialect != STRATA_DIALECT_SQLITE ||
      !strata_op_runs_on (op, dialect) || strata_op_get_kind (op) == STRATA_OP_DROP_COLUMN ||
      !_strata_dialect_sqlite_needs_rebuild (op) || strata_model_lookup_table (state, table) != NULL)
    return TRUE;

  lower = g_ascii_strdown (table, -1);
  if (strstr (raw->str, lower) != NULL)
    return TRUE;

  found = strata_driver_query_params (self->driver,
                                      "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $1 COLLATE NOCASE",
                                      1, params, NULL, NULL);
  if (found != NULL && strata_result_get_n_rows (found) > 0)
    return TRUE;

  {
    g_autofree char *what = strata_op_describe (op);

    g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                 _("%s (%s) needs a table rebuild on SQLite, and the definition of table %s is not known "
                   "from the migrations nor in the database"),
                 strata_op_get_name (op), what, table);
  }
  return FALSE;
}

/* Renders every step of @plan as the run will, before any of it runs: an
 * error that needs no database (a rebuild that cannot be rendered, an
 * operation the dialect cannot do, an irreversible step) is found before the
 * first revision commits, so that it changes nothing. */
static gboolean
strata_migrator_check_plan (StrataMigrator  *self,
                            StrataPlan      *plan,
                            GPtrArray       *plan_ops,
                            GError         **error)
{
  StrataDialect dialect = strata_driver_get_dialect (self->driver);
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(GPtrArray) rebuilt = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) raw = g_string_new (NULL);
  guint n_steps = strata_plan_get_n_steps (plan);

  if (self->graph != NULL &&
      !(state = _strata_model_replay_lenient_for_dialect (self->graph,
                                                          strata_step_get_heads_before (strata_plan_get_step (plan, 0)),
                                                          NULL, dialect, error)))
    return FALSE;

  for (guint i = 0; i < n_steps; i++)
    {
      StrataStep *step = strata_plan_get_step (plan, i);
      GPtrArray *ops = g_ptr_array_index (plan_ops, i);
      g_autoptr(GPtrArray) statements = NULL;
      g_autoptr(GError) local_error = NULL;

      g_ptr_array_set_size (rebuilt, 0);
      if (_strata_driver_can_rebuild (self->driver))
        {
          /* As the run renders: each operation from the database as it will
           * be (a rebuild from the live table, left to the run), names
           * checked against the schema. */
          statements = g_ptr_array_new_with_free_func (g_free);
          for (guint j = 0; j < ops->len; j++)
            {
              StrataOp *op = g_ptr_array_index (ops, j);
              g_autoptr(GPtrArray) some = NULL;

              if (strata_op_runs_on (op, dialect) && strata_op_get_kind (op) == STRATA_OP_SQL &&
                  op->sql[dialect] != NULL)
                {
                  g_autofree char *lower = g_ascii_strdown (op->sql[dialect], -1);

                  g_string_append_printf (raw, "%s\n", lower);
                }

              if (!rebuild_has_a_table (self, state, raw, op, dialect, &local_error))
                some = NULL;
              else
                some = _strata_migrator_render_op_live (NULL, dialect, op, state, rebuilt, NULL, &local_error);

              if (some == NULL)
                {
                  g_autofree char *what = _strata_describe_revision (strata_step_get_script (step));

                  g_prefix_error (&local_error, _("%s: operation %u: "), what, j);
                  g_clear_pointer (&statements, g_ptr_array_unref);
                  break;
                }
            }
        }
      else if (_strata_driver_can_batch (self->driver) &&
               strata_script_get_transactional (strata_step_get_script (step)))
        {
          g_autoptr(GPtrArray) with_state = NULL;

          /* As the batch renders it: against the schema on the way up, else
           * without one; the model follows for the steps after it. */
          if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
            statements = _strata_migrator_render_step_with_state (NULL, step, ops, dialect, state, rebuilt,
                                                                  &local_error);
          else
            {
              statements = _strata_migrator_render_step_with_state (NULL, step, ops, dialect, NULL, NULL,
                                                                    &local_error);
              if (state != NULL)
                with_state = _strata_migrator_render_step_with_state (NULL, step, ops, dialect, state, rebuilt,
                                                                      NULL);
            }
        }
      else
        statements = _strata_migrator_render_step_with_state (NULL, step, ops, dialect, state, rebuilt,
                                                              &local_error);

      if (statements == NULL)
        {
          g_set_error (error, local_error->domain, local_error->code,
                       _("%s (found before running the plan: nothing was changed)"), local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
strata_migrator_run_internal (StrataMigrator  *self,
                              StrataPlan      *plan,
                              GMainContext    *context,
                              GCancellable    *cancellable,
                              GError         **error)
{
  g_autoptr(StrataRebuild) rebuild = _strata_rebuild_new ();
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GError) local_error = NULL;
  Run run = { self, plan, context, cancellable, strata_plan_get_n_steps (plan), FALSE, NULL, NULL,
              rebuild, NULL };
  g_autofree char *lock_name = NULL;
  gboolean ret = TRUE;
  guint index = 0;

  if (self->running)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("a run is already under way on %s"),
                   strata_driver_get_display_url (self->driver));
      return FALSE;
    }

  if (run.n_steps == 0)
    return TRUE;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                   _("cancelled before revision %s"),
                   strata_step_get_revision (strata_plan_get_step (plan, 0)));
      return FALSE;
    }

  /* What each step runs on the run's dialect, decided once for the plan
   * (one replay), then the whole plan rendered before any of it runs. */
  if (!(ops = strata_plan_dup_operations_for_dialect (plan, self->graph, strata_driver_get_dialect (self->driver),
                                                      &local_error)))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s (found before running the plan: nothing was changed)"), local_error->message);
      return FALSE;
    }
  run.ops = ops;

  if (!strata_migrator_check_plan (self, plan, ops, error))
    return FALSE;

  if (!_strata_migrator_ensure_session (self, cancellable, error))
    return FALSE;

  /* Held for the whole run: concurrent deploys apply each revision once. */
  lock_name = _strata_migrator_table_name (self, self->version_table);
  if (!strata_driver_lock (self->driver, lock_name, cancellable, error))
    return FALSE;

  /* Bounded after the run's lock is taken: waiting for another deploy has
   * a bound of its own. */
  if (self->lock_timeout < 0 &&
      !_strata_driver_bound_lock_waits (self->driver, STRATA_MIGRATOR_DEFAULT_LOCK_TIMEOUT_MS, cancellable, error))
    {
      strata_driver_unlock (self->driver, lock_name);
      return FALSE;
    }

  self->running = TRUE;
  self->tables_ready = FALSE;

  if (_strata_driver_can_batch (self->driver) &&
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
                       _("cancelled before revision %s"), strata_step_get_revision (step));
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
  _strata_migrator_clear_sql (self);

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
  /**
   * StrataMigrator::notice:
   * @self: a #StrataMigrator
   * @step: the step
   * @text: what the run did on its own (one line)
   *
   * Something the run did besides the step's statements, such as dropping
   * an INVALID index an interrupted CREATE INDEX CONCURRENTLY left, before
   * building it again. Emitted like the other signals of a run.
   */
  signals[NOTICE] =
    g_signal_new ("notice",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, STRATA_TYPE_STEP, G_TYPE_STRING);

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
  _strata_migrator_clear_sql (self);
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

