/* strata-session.c: the use cases, over a project, a profile and the
 * revision graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one layer the command line and the app call: it owns the project,
 * the profile, the graph and the connection, opens the migrator with every
 * project setting, and offers each use case in a blocking form (for the
 * command line) and an asynchronous one (GTask, the work in a thread, for
 * the app). Neither front door holds migration logic of its own.
 */

#define G_LOG_DOMAIN "strata-session"

#include "config.h"

#include <string.h>

#include "strata-adopt.h"
#include "strata-dialect.h"
#include "strata-diff.h"
#include "strata-driver-pg.h"
#include "strata-driver-sqlite.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-lint.h"
#include "strata-log.h"
#include "strata-migrator-private.h"
#include "strata-model.h"
#include "strata-ops.h"
#include "strata-plan.h"
#include "strata-plan-file.h"
#include "strata-profile.h"
#include "strata-project.h"
#include "strata-replay-private.h"
#include "strata-script.h"
#include "strata-session.h"
#include "strata-session-private.h"
#include "strata-state-cache-private.h"
#include "strata-stored.h"
#include "strata-url.h"
#include "strata-i18n-private.h"
#include "strata-validate.h"

/* StrataHistoryRecord {{{ */

/**
 * StrataHistoryRecord:
 * @id: the row's id
 * @revision: the revision
 * @direction: "up", "down", "stamp" or "unstamp"
 * @checksum: (nullable): the checksum of the revision's file when it ran
 * @started: (nullable): when it started, ISO 8601 in UTC
 * @finished: (nullable): when it ended, ISO 8601 in UTC
 * @duration_ms: how long it took in milliseconds, -1 when unknown
 * @os_user: (nullable): who ran it: the operating system's user
 * @host: (nullable): on which host
 * @tool_version: (nullable): the version of Strata that ran it
 * @outcome: "success", "failed" or "cancelled"
 *
 * One row of the history table: a revision applied, reverted or stamped.
 */

/**
 * strata_history_record_copy:
 * @record: a #StrataHistoryRecord
 *
 * Copies a history record.
 *
 * Returns: (transfer full): a copy of @record
 */
StrataHistoryRecord *
strata_history_record_copy (const StrataHistoryRecord *record)
{
  StrataHistoryRecord *copy = g_new0 (StrataHistoryRecord, 1);

  copy->id = record->id;
  copy->revision = g_strdup (record->revision);
  copy->direction = g_strdup (record->direction);
  copy->checksum = g_strdup (record->checksum);
  copy->started = g_strdup (record->started);
  copy->finished = g_strdup (record->finished);
  copy->duration_ms = record->duration_ms;
  copy->os_user = g_strdup (record->os_user);
  copy->host = g_strdup (record->host);
  copy->tool_version = g_strdup (record->tool_version);
  copy->outcome = g_strdup (record->outcome);

  return copy;
}

/**
 * strata_history_record_free:
 * @record: a #StrataHistoryRecord
 *
 * Frees a history record.
 */
void
strata_history_record_free (StrataHistoryRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->revision);
  g_free (record->direction);
  g_free (record->checksum);
  g_free (record->started);
  g_free (record->finished);
  g_free (record->os_user);
  g_free (record->host);
  g_free (record->tool_version);
  g_free (record->outcome);
  g_free (record);
}

G_DEFINE_BOXED_TYPE (StrataHistoryRecord, strata_history_record,
                     strata_history_record_copy, strata_history_record_free)

static const char *
result_value (StrataResult *result,
              guint         row,
              const char   *column)
{
  int index = strata_result_get_column_index (result, column);

  return index >= 0 ? strata_result_get_value (result, row, index) : NULL;
}

static GPtrArray *
history_from_result (StrataResult *result)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_history_record_free);

  for (guint row = 0; row < strata_result_get_n_rows (result); row++)
    {
      StrataHistoryRecord *record = g_new0 (StrataHistoryRecord, 1);
      const char *id = result_value (result, row, "id");
      const char *duration = result_value (result, row, "duration_ms");

      record->id = id ? g_ascii_strtoll (id, NULL, 10) : 0;
      record->revision = g_strdup (result_value (result, row, "revision"));
      record->direction = g_strdup (result_value (result, row, "direction"));
      record->checksum = g_strdup (result_value (result, row, "checksum"));
      record->started = g_strdup (result_value (result, row, "started"));
      record->finished = g_strdup (result_value (result, row, "finished"));
      record->duration_ms = duration ? g_ascii_strtoll (duration, NULL, 10) : -1;
      record->os_user = g_strdup (result_value (result, row, "os_user"));
      record->host = g_strdup (result_value (result, row, "host"));
      record->tool_version = g_strdup (result_value (result, row, "tool_version"));
      record->outcome = g_strdup (result_value (result, row, "outcome"));
      g_ptr_array_add (records, record);
    }

  return records;
}

/* }}} */

/* StrataDatabaseState {{{ */

/**
 * StrataDatabaseState:
 *
 * What a database holds, read in one go by strata_session_read_state():
 * its heads (the version table's rows) and its history.
 */

struct _StrataDatabaseState
{
  GObject    parent_instance;
  char     **heads;
  GPtrArray *history;
  gboolean   exists;
};

G_DEFINE_FINAL_TYPE (StrataDatabaseState, strata_database_state, G_TYPE_OBJECT)

static void
strata_database_state_finalize (GObject *object)
{
  StrataDatabaseState *self = (StrataDatabaseState *)object;

  g_clear_pointer (&self->heads, g_strfreev);
  g_clear_pointer (&self->history, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_database_state_parent_class)->finalize (object);
}

static void
strata_database_state_class_init (StrataDatabaseStateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_database_state_finalize;
}

static void
strata_database_state_init (StrataDatabaseState *self)
{
}

/**
 * strata_database_state_get_heads:
 * @self: a #StrataDatabaseState
 *
 * The rows of the version table: the revisions the database is at.
 *
 * Returns: (transfer none) (array zero-terminated=1): the version-table
 *   rows, sorted (empty for a database at base)
 */
const char * const *
strata_database_state_get_heads (StrataDatabaseState *self)
{
  g_return_val_if_fail (STRATA_IS_DATABASE_STATE (self), NULL);
  return (const char * const *)self->heads;
}

/**
 * strata_database_state_get_history:
 * @self: a #StrataDatabaseState
 *
 * The history table's rows, newest first.
 *
 * Returns: (transfer none) (element-type StrataHistoryRecord): the history, newest first
 */
GPtrArray *
strata_database_state_get_history (StrataDatabaseState *self)
{
  g_return_val_if_fail (STRATA_IS_DATABASE_STATE (self), NULL);
  return self->history;
}

/**
 * strata_database_state_get_exists:
 * @self: a #StrataDatabaseState
 *
 * Whether the database exists (a SQLite file that is missing does not).
 *
 * Returns: whether the database exists (a SQLite file not created yet does
 *   not, and is not created by reading its state)
 */
gboolean
strata_database_state_get_exists (StrataDatabaseState *self)
{
  g_return_val_if_fail (STRATA_IS_DATABASE_STATE (self), FALSE);
  return self->exists;
}

/* }}} */

/* StrataStepReview {{{ */

/**
 * StrataStepReview:
 *
 * What one step of a plan will run, as strata_session_review_plan() works
 * it out: the operations, their SQL for a dialect and their lint findings,
 * or why they cannot run.
 */

struct _StrataStepReview
{
  GObject     parent_instance;
  StrataStep *step;
  GPtrArray  *operations;
  GPtrArray  *statements;
  GPtrArray  *findings;
  GError     *error;
};

G_DEFINE_FINAL_TYPE (StrataStepReview, strata_step_review, G_TYPE_OBJECT)

static void
strata_step_review_finalize (GObject *object)
{
  StrataStepReview *self = (StrataStepReview *)object;

  g_clear_object (&self->step);
  g_clear_pointer (&self->operations, g_ptr_array_unref);
  g_clear_pointer (&self->statements, g_ptr_array_unref);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (strata_step_review_parent_class)->finalize (object);
}

static void
strata_step_review_class_init (StrataStepReviewClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_step_review_finalize;
}

static void
strata_step_review_init (StrataStepReview *self)
{
}

/**
 * strata_step_review_get_step:
 * @self: a #StrataStepReview
 *
 * The step reviewed.
 *
 * Returns: (transfer none): the step
 */
StrataStep *
strata_step_review_get_step (StrataStepReview *self)
{
  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (self), NULL);
  return self->step;
}

/**
 * strata_step_review_get_operations:
 * @self: a #StrataStepReview
 *
 * The operations the step runs, from strata_step_dup_operations(): the one
 * function that decides what a step runs.
 *
 * Returns: (transfer none) (nullable) (element-type StrataOp): the
 *   operations the step runs; %NULL when they could not be worked out
 */
GPtrArray *
strata_step_review_get_operations (StrataStepReview *self)
{
  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (self), NULL);
  return self->operations;
}

/**
 * strata_step_review_get_statements:
 * @self: a #StrataStepReview
 *
 * The SQL the step runs on the review's dialect, as the migrator runs it.
 *
 * Returns: (transfer none) (nullable) (element-type utf8): the SQL the step
 *   runs, exactly as the migrator runs it
 */
GPtrArray *
strata_step_review_get_statements (StrataStepReview *self)
{
  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (self), NULL);
  return self->statements;
}

/**
 * strata_step_review_get_findings:
 * @self: a #StrataStepReview
 *
 * The lint findings of the step's operations, on the schema as it will be when the step runs.
 *
 * Returns: (transfer none) (element-type StrataLintFinding): lint findings
 */
GPtrArray *
strata_step_review_get_findings (StrataStepReview *self)
{
  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (self), NULL);
  return self->findings;
}

/**
 * strata_step_review_get_error:
 * @self: a #StrataStepReview
 *
 * Why the step's operations or SQL could not be worked out (a migration
 * that does not load, an irreversible downgrade, an operation the dialect
 * cannot express).
 *
 * Returns: (transfer none) (nullable): why the step cannot be rendered
 */
const GError *
strata_step_review_get_error (StrataStepReview *self)
{
  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (self), NULL);
  return self->error;
}

/* }}} */

/* StrataSession {{{ */

/**
 * StrataSession:
 *
 * The use cases of Strata over one migration project and one database: the
 * layer the `strata` command line and the Strata app both stand on.
 *
 * A session owns the project, the profile of the database, the revision
 * graph and the connection, and opens the migrator with every project
 * setting applied (the version and history tables, `schema=`, the lock and
 * statement timeouts). Each use case has a blocking form, for a command
 * line, and an asynchronous one (its blocking work in a worker thread), for
 * an application with a main loop: read the database's state, plan, review
 * a plan, apply or roll back with progress and cancellation, check drift,
 * check the model, autogenerate, validate, stamp, lint.
 */

struct _StrataSession
{
  GObject                   parent_instance;

  StrataProject            *project;
  StrataProfile            *profile;
  StrataGraph              *graph;
  StrataDriver             *driver;
  StrataMigrator           *migrator;

  char                     *schema;
  int                       lock_timeout;
  int                       statement_timeout;
  guint                     has_schema : 1;
  guint                     has_lock_timeout : 1;
  guint                     has_statement_timeout : 1;

  StrataPasswordPromptFunc  prompt;
  gpointer                  prompt_data;

  StrataDataReader         *data_reader;  /* strata-session-data.c */

  GMutex                    mutex;
};

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_PROFILE,
  N_PROPS
};

enum {
  STEP_STARTED,
  STEP_FINISHED,
  STATEMENT,
  NOTICE,
  LOCK_WAITING,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (StrataSession, strata_session, G_TYPE_OBJECT)

static void
strata_session_dispose (GObject *object)
{
  StrataSession *self = (StrataSession *)object;

  g_clear_object (&self->migrator);
  g_clear_object (&self->driver);
  g_clear_object (&self->graph);
  g_clear_object (&self->profile);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (strata_session_parent_class)->dispose (object);
}

static void
strata_session_finalize (GObject *object)
{
  StrataSession *self = (StrataSession *)object;

  g_clear_pointer (&self->schema, g_free);
  g_clear_pointer (&self->data_reader, _strata_data_reader_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (strata_session_parent_class)->finalize (object);
}

static void
strata_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  StrataSession *self = STRATA_SESSION (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      strata_session_set_profile (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_session_class_init (StrataSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_session_dispose;
  object_class->finalize = strata_session_finalize;
  object_class->get_property = strata_session_get_property;
  object_class->set_property = strata_session_set_property;

  /**
   * StrataSession:project:
   *
   * The migration project.
   */
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, STRATA_TYPE_PROJECT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /**
   * StrataSession:profile:
   *
   * The database the session targets, or %NULL for offline use.
   */
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, STRATA_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * StrataSession::step-started:
   * @self: the session
   * @step: the step
   * @index: its position in the plan
   * @n_steps: the number of steps
   *
   * A step of a run (strata_session_apply()) begins.
   */
  signals[STEP_STARTED] =
    g_signal_new ("step-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, STRATA_TYPE_STEP, G_TYPE_UINT, G_TYPE_UINT);
  /**
   * StrataSession::step-finished:
   * @self: the session
   * @step: the step
   * @index: its position in the plan
   * @n_steps: the number of steps
   * @seconds: how long it took
   *
   * A step of a run was committed.
   */
  signals[STEP_FINISHED] =
    g_signal_new ("step-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 4, STRATA_TYPE_STEP, G_TYPE_UINT, G_TYPE_UINT,
                  G_TYPE_DOUBLE);
  /**
   * StrataSession::statement:
   * @self: the session
   * @step: the step
   * @sql: the statement about to run
   *
   * A run is about to run a statement.
   */
  signals[STATEMENT] =
    g_signal_new ("statement", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, STRATA_TYPE_STEP, G_TYPE_STRING);
  /**
   * StrataSession::notice:
   * @self: the session
   * @step: the step
   * @text: what the run did on its own (one line)
   *
   * Something a run did besides the step's statements, such as dropping an
   * INVALID index an interrupted CREATE INDEX CONCURRENTLY left.
   */
  signals[NOTICE] =
    g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, STRATA_TYPE_STEP, G_TYPE_STRING);
  /**
   * StrataSession::lock-waiting:
   * @self: the session
   * @holder: who holds the migration lock
   *
   * Emitted in the thread that runs the migration when another run holds
   * the lock and this one starts to wait.
   */
  signals[LOCK_WAITING] =
    g_signal_new ("lock-waiting", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
strata_session_init (StrataSession *self)
{
  g_mutex_init (&self->mutex);
  self->lock_timeout = -1;
  self->statement_timeout = -1;
}

/**
 * strata_session_new:
 * @project: the migration project
 * @profile: (nullable): the database to target, %NULL for offline work
 *
 * Makes a session over @project: the use cases of Strata for one project and one database.
 *
 * Returns: (transfer full): a new #StrataSession
 */
StrataSession *
strata_session_new (StrataProject *project,
                    StrataProfile *profile)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (project), NULL);
  g_return_val_if_fail (profile == NULL || STRATA_IS_PROFILE (profile), NULL);

  return g_object_new (STRATA_TYPE_SESSION, "project", project, "profile", profile, NULL);
}

/**
 * strata_session_get_project:
 * @self: a #StrataSession
 *
 * The project the session is for.
 *
 * Returns: (transfer none): the project
 */
StrataProject *
strata_session_get_project (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->project;
}

/**
 * strata_session_set_profile:
 * @self: a #StrataSession
 * @profile: (nullable): the database to target
 *
 * Targets the database of @profile (for a connection the session makes itself).
 */
void
strata_session_set_profile (StrataSession *self,
                            StrataProfile *profile)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (profile == NULL || STRATA_IS_PROFILE (profile));

  g_mutex_lock (&self->mutex);
  if (g_set_object (&self->profile, profile))
    {
      g_clear_object (&self->migrator);
      g_clear_object (&self->driver);
    }
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * strata_session_get_profile:
 * @self: a #StrataSession
 *
 * The profile of the database the session targets.
 *
 * Returns: (transfer none) (nullable): the profile
 */
StrataProfile *
strata_session_get_profile (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->profile;
}

/**
 * strata_session_get_graph:
 * @self: a #StrataSession
 * @error: return location for a #GError
 *
 * Loads the project's migrations on the first call. Any thread may call it.
 *
 * Returns: (transfer none): the revision graph, or %NULL with @error set
 */
StrataGraph *
strata_session_get_graph (StrataSession  *self,
                          GError        **error)
{
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  g_mutex_lock (&self->mutex);
  if (self->graph == NULL)
    self->graph = strata_project_load_graph (self->project, error);
  graph = self->graph;
  g_mutex_unlock (&self->mutex);

  return graph;
}

/**
 * strata_session_set_graph:
 * @self: a #StrataSession
 * @graph: the project's graph, already loaded
 *
 * Shares a graph loaded elsewhere instead of loading it again: a project
 * read again, or a graph that took in the stored copies of applied
 * revisions. A migrator the session opened over another graph goes with it
 * (the next one shares the same connection).
 */
void
strata_session_set_graph (StrataSession *self,
                          StrataGraph   *graph)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_GRAPH (graph));

  g_mutex_lock (&self->mutex);
  g_set_object (&self->graph, graph);
  if (self->migrator != NULL && strata_migrator_get_graph (self->migrator) != graph)
    g_clear_object (&self->migrator);
  g_mutex_unlock (&self->mutex);
}

/**
 * strata_session_set_schema:
 * @self: a #StrataSession
 * @schema: (nullable): the PostgreSQL schema, %NULL for strata.ini's
 *
 * Overrides strata.ini's schema= (PostgreSQL: the schema of the migrations
 * and of the version and history tables), as --schema does.
 */
void
strata_session_set_schema (StrataSession *self,
                           const char    *schema)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  g_free (self->schema);
  self->schema = g_strdup (schema);
  self->has_schema = schema != NULL;
}

/**
 * strata_session_set_lock_timeout:
 * @self: a #StrataSession
 * @msec: milliseconds; 0 for none, -1 for the server's setting
 *
 * Overrides strata.ini's lock-timeout=, as --lock-timeout does:
 * PostgreSQL's lock_timeout, which bounds the wait for another run's
 * migration lock too; SQLite's busy timeout.
 */
void
strata_session_set_lock_timeout (StrataSession *self,
                                 int            msec)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  self->lock_timeout = msec;
  self->has_lock_timeout = TRUE;
}

/**
 * strata_session_set_statement_timeout:
 * @self: a #StrataSession
 * @msec: milliseconds; 0 for none, -1 for the server's setting
 *
 * Overrides strata.ini's statement-timeout=, as --statement-timeout does (PostgreSQL).
 */
void
strata_session_set_statement_timeout (StrataSession *self,
                                      int            msec)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  self->statement_timeout = msec;
  self->has_statement_timeout = TRUE;
}

/**
 * strata_session_dup_schema:
 * @self: a #StrataSession
 *
 * The schema a run uses: the override, else strata.ini's for the profile, else its [strata] one.
 *
 * Returns: (transfer full) (nullable): the schema a run uses
 */
char *
strata_session_dup_schema (StrataSession *self)
{
  const char *name;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (self->has_schema)
    return g_strdup (self->schema);

  name = self->profile != NULL && strata_profile_get_origin (self->profile) == STRATA_PROFILE_ORIGIN_PROJECT
         ? strata_profile_get_name (self->profile) : NULL;

  return strata_project_dup_schema (self->project, name);
}

/**
 * strata_session_get_lock_timeout:
 * @self: a #StrataSession
 *
 * The lock timeout a run uses: the override, else strata.ini's.
 *
 * Returns: milliseconds, 0 for none, -1 for the server's setting
 */
int
strata_session_get_lock_timeout (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  return self->has_lock_timeout ? self->lock_timeout : strata_project_get_lock_timeout (self->project);
}

/**
 * strata_session_get_statement_timeout:
 * @self: a #StrataSession
 *
 * The statement timeout a run uses: the override, else strata.ini's.
 *
 * Returns: milliseconds, 0 for none, -1 for the server's setting
 */
int
strata_session_get_statement_timeout (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), -1);

  return self->has_statement_timeout ? self->statement_timeout
                                     : strata_project_get_statement_timeout (self->project);
}

/**
 * strata_session_set_driver:
 * @self: a #StrataSession
 * @driver: (nullable): an open connection to the profile's database
 *
 * Gives the session a connection made elsewhere (an application asks for
 * the password itself); %NULL forgets it. The migrator opens on it with
 * every project setting.
 */
void
strata_session_set_driver (StrataSession *self,
                           StrataDriver  *driver)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (driver == NULL || STRATA_IS_DRIVER (driver));

  g_mutex_lock (&self->mutex);
  if (g_set_object (&self->driver, driver))
    g_clear_object (&self->migrator);
  g_mutex_unlock (&self->mutex);
}

/**
 * strata_session_get_driver:
 * @self: a #StrataSession
 *
 * The connection, once made or given.
 *
 * Returns: (transfer none) (nullable): the connection, once open
 */
StrataDriver *
strata_session_get_driver (StrataSession *self)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  return self->driver;
}

/**
 * strata_session_set_prompt: (skip)
 * @self: a #StrataSession
 * @prompt: (nullable): asks for a password when connecting needs one
 * @prompt_data: data for @prompt
 *
 * Bindings: set the profile's password (strata_profile_set_password())
 * before connecting instead.
 */
void
strata_session_set_prompt (StrataSession            *self,
                           StrataPasswordPromptFunc  prompt,
                           gpointer                  prompt_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  self->prompt = prompt;
  self->prompt_data = prompt_data;
}

StrataPasswordPromptFunc
_strata_session_get_prompt (StrataSession *self,
                            gpointer      *prompt_data)
{
  *prompt_data = self->prompt_data;
  return self->prompt;
}

StrataDataReader *
_strata_session_get_data_reader (StrataSession *self)
{
  StrataDataReader *reader;

  g_mutex_lock (&self->mutex);
  if (self->data_reader == NULL)
    self->data_reader = _strata_data_reader_new ();
  reader = self->data_reader;
  g_mutex_unlock (&self->mutex);

  return reader;
}

static void
on_lock_waiting (StrataDriver  *driver,
                 const char    *holder,
                 StrataSession *self)
{
  g_signal_emit (self, signals[LOCK_WAITING], 0, holder);
}

/**
 * strata_session_open_migrator:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects (unless a connection was given) and makes the migrator with
 * every project setting: the version and history tables, schema=, the lock
 * and statement timeouts (SQLite: the busy timeout). The session keeps it
 * for the use cases that follow.
 *
 * Returns: (transfer full): the migrator, or %NULL with @error set
 */
StrataMigrator *
strata_session_open_migrator (StrataSession  *self,
                              GCancellable   *cancellable,
                              GError        **error)
{
  g_autoptr(StrataDriver) driver = NULL;
  g_autofree char *schema = NULL;
  StrataMigrator *migrator;
  StrataGraph *graph;
  int lock_timeout;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  g_mutex_lock (&self->mutex);
  if (self->migrator != NULL)
    {
      migrator = g_object_ref (self->migrator);
      g_mutex_unlock (&self->mutex);
      return migrator;
    }
  driver = self->driver ? g_object_ref (self->driver) : NULL;
  g_mutex_unlock (&self->mutex);

  if (driver == NULL)
    {
      if (self->profile == NULL)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                               _("no database: give a URL or a profile"));
          return NULL;
        }
      if (!(driver = strata_profile_connect (self->profile, strata_project_get_directory (self->project),
                                             self->prompt, self->prompt_data, cancellable, error)))
        return NULL;
    }

  schema = strata_session_dup_schema (self);
  lock_timeout = strata_session_get_lock_timeout (self);

  migrator = strata_migrator_new (driver, graph);
  strata_migrator_set_version_table (migrator, strata_project_get_version_table (self->project));
  strata_migrator_set_history_table (migrator, strata_project_get_history_table (self->project));
  strata_migrator_set_schema (migrator, schema);
  strata_migrator_set_lock_timeout (migrator, lock_timeout);
  strata_migrator_set_statement_timeout (migrator, strata_session_get_statement_timeout (self));

  if (STRATA_IS_DRIVER_PG (driver))
    g_signal_connect_object (driver, "lock-waiting", G_CALLBACK (on_lock_waiting), self, 0);
  else if (STRATA_IS_DRIVER_SQLITE (driver) && lock_timeout >= 0)
    strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (driver), lock_timeout);

  g_mutex_lock (&self->mutex);
  g_set_object (&self->driver, driver);
  g_set_object (&self->migrator, migrator);
  g_mutex_unlock (&self->mutex);

  return migrator;
}

/* Async plumbing: each use case's blocking form, in a thread {{{ */

typedef gpointer (*SessionFunc) (StrataSession  *self,
                                 gpointer        data,
                                 GCancellable   *cancellable,
                                 GError        **error);

typedef struct
{
  SessionFunc     func;
  gpointer        data;
  GDestroyNotify  data_free;
  GDestroyNotify  result_free;
} SessionCall;

static void
session_call_free (gpointer data)
{
  SessionCall *call = data;

  if (call->data_free != NULL)
    g_clear_pointer (&call->data, call->data_free);
  g_free (call);
}

static void
session_call_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  SessionCall *call = task_data;
  GError *error = NULL;
  gpointer result;

  result = call->func (source_object, call->data, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, call->result_free);
}

static void
session_call_async (StrataSession       *self,
                    gpointer             source_tag,
                    SessionFunc          func,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GDestroyNotify       result_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SessionCall *call = g_new0 (SessionCall, 1);

  call->func = func;
  call->data = data;
  call->data_free = data_free;
  call->result_free = result_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, session_call_free);
  g_task_run_in_thread (task, session_call_thread);
}

static gpointer
session_call_finish (StrataSession  *self,
                     GAsyncResult   *result,
                     gpointer        source_tag,
                     GError        **error)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* }}} */

static gpointer
open_migrator_func (StrataSession  *self,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  return strata_session_open_migrator (self, cancellable, error);
}

/**
 * strata_session_open_migrator_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_open_migrator() in a worker thread.
 */
void
strata_session_open_migrator_async (StrataSession       *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_open_migrator_async, open_migrator_func, NULL, NULL,
                      g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_open_migrator_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_open_migrator_async().
 *
 * Returns: (transfer full): the migrator, or %NULL with @error set
 */
StrataMigrator *
strata_session_open_migrator_finish (StrataSession  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return session_call_finish (self, result, strata_session_open_migrator_async, error);
}

/* State {{{ */

/* A lost connection while the session reads the database for its own
 * bookkeeping (the version table, the history, the catalog) is said
 * without that statement: it is not the user's, and a person reading
 * "Lost the connection: CAUSE (HOST:PORT/DATABASE)" needs nothing else. The driver's
 * whole message goes to the debug log. */
static void
drop_internal_statement (GError *error)
{
  /* The driver's message (strata-driver-pg.c), in whatever language it was
   * written: "STATEMENT" MARKER "LOCATION" SEPARATOR "CAUSE" */
  g_auto(GStrv) parts = g_strsplit (_("%s: lost the connection to %s: %s"), "%s", -1);
  const char *lost;
  const char *cause;
  g_autofree char *location = NULL;
  char *message;

  if (error == NULL || !g_error_matches (error, STRATA_ERROR, STRATA_ERROR_CONNECTION) ||
      g_strv_length (parts) != 4 || *parts[0] != '\0' || *parts[3] != '\0' || *parts[1] == '\0' ||
      *parts[2] == '\0' || (lost = strstr (error->message, parts[1])) == NULL)
    return;

  /* The location has no ": " (host:port/database). The cause first, where
   * a toast shows it. */
  lost += strlen (parts[1]);
  if ((cause = strstr (lost, parts[2])) == NULL)
    return;

  g_debug ("%s", error->message);
  location = g_strndup (lost, cause - lost);
  /* Translators: the cause, then where the database is (HOST:PORT/DATABASE) */
  message = g_strdup_printf (_("Lost the connection: %s (%s)"), cause + strlen (parts[2]), location);
  g_free (error->message);
  error->message = message;
}

static StrataDatabaseState *
read_state (StrataSession  *self,
            GCancellable   *cancellable,
            GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataDatabaseState) state = NULL;
  g_autoptr(StrataResult) history = NULL;

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return NULL;

  state = g_object_new (STRATA_TYPE_DATABASE_STATE, NULL);
  state->exists = TRUE;
  if (!(state->heads = strata_migrator_get_current_heads (migrator, cancellable, error)) ||
      !(history = strata_migrator_get_history (migrator, cancellable, error)))
    return NULL;
  state->history = history_from_result (history);

  return g_steal_pointer (&state);
}

/**
 * strata_session_read_state:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads what the database holds: the version table's heads and the history, typed.
 *
 * Returns: (transfer full): the heads and the history, or %NULL with @error
 */
StrataDatabaseState *
strata_session_read_state (StrataSession  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataDatabaseState *state;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(state = read_state (self, cancellable, &local_error)))
    {
      drop_internal_statement (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return state;
}

static gpointer
read_state_func (StrataSession  *self,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  return strata_session_read_state (self, cancellable, error);
}

/**
 * strata_session_read_state_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_read_state() in a worker thread.
 */
void
strata_session_read_state_async (StrataSession       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_read_state_async, read_state_func, NULL, NULL,
                      g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_read_state_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_read_state_async().
 *
 * Returns: (transfer full): the state, or %NULL with @error set
 */
StrataDatabaseState *
strata_session_read_state_finish (StrataSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return session_call_finish (self, result, strata_session_read_state_async, error);
}

/* }}} */

/**
 * strata_session_plan:
 * @self: a #StrataSession
 * @direction: upgrade or downgrade
 * @heads: (array zero-terminated=1): the database's heads
 * @target: (nullable): the target, %NULL for "head"
 * @error: return location for a #GError
 *
 * A plan from @heads (the database's) to @target: an upgrade applies
 * @target's ancestors and what it depends on; a downgrade removes what
 * depends on @target.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
StrataPlan *
strata_session_plan (StrataSession       *self,
                     StrataDirection      direction,
                     const char * const  *heads,
                     const char          *target,
                     GError             **error)
{
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  if (direction == STRATA_DIRECTION_UP)
    return strata_graph_plan_upgrade (graph, heads, target ? target : "head", error);

  return strata_graph_plan_downgrade (graph, heads, target, error);
}

/* Review {{{ */

/* A walk through steps in order: each reviewed on the schema of the dialect
 * as the steps before it left it, the way the migrator replays it. Lint and
 * rendering each advance a schema of their own, so that a step costs its
 * own operations and not the size of the schema. After a step that cannot
 * be reviewed, the schema is replayed again from the graph. */
typedef struct
{
  StrataGraph   *graph;
  StrataDialect  dialect;
  GPtrArray     *all_ops;    /* each step's operations, or NULL: step by step */
  StrataModel   *rendered;   /* rendering advances it; NULL: replay */
  StrataModel   *linted;     /* lint advances it */
} ReviewWalk;

static void
review_walk_forget (ReviewWalk *walk)
{
  g_clear_pointer (&walk->rendered, strata_model_unref);
  g_clear_pointer (&walk->linted, strata_model_unref);
}

static void
review_walk_clear (ReviewWalk *walk)
{
  review_walk_forget (walk);
  g_clear_object (&walk->graph);
  g_clear_pointer (&walk->all_ops, g_ptr_array_unref);
}

/* A walk through @plan: what each step runs from one replay of the history
 * for the whole plan; should that fail, step by step, so that each step
 * carries its own error */
static void
review_walk_init_for_plan (ReviewWalk    *walk,
                           StrataGraph   *graph,
                           StrataPlan    *plan,
                           StrataDialect  dialect)
{
  walk->graph = g_object_ref (graph);
  walk->dialect = dialect;
  walk->all_ops = strata_plan_dup_operations_for_dialect (plan, graph, dialect, NULL);
  walk->rendered = NULL;
  walk->linted = NULL;
}

static StrataStepReview *
review_walk_step (ReviewWalk *walk,
                  StrataStep *step,
                  guint       index)
{
  StrataStepReview *review = g_object_new (STRATA_TYPE_STEP_REVIEW, NULL);
  StrataScript *script = strata_step_get_script (step);
  gboolean up = strata_step_get_direction (step) == STRATA_DIRECTION_UP;
  GError *error = NULL;

  review->step = g_object_ref (step);

  if (walk->rendered == NULL &&
      (walk->rendered = _strata_model_replay_lenient_for_dialect (walk->graph, strata_step_get_heads_before (step),
                                                                  NULL, walk->dialect, &error)) != NULL)
    walk->linted = strata_model_copy (walk->rendered);

  /* What the step runs, from the one function that decides it */
  if (walk->rendered != NULL && walk->all_ops != NULL)
    review->operations = g_ptr_array_ref (g_ptr_array_index (walk->all_ops, index));
  else if (walk->rendered != NULL)
    review->operations = strata_step_dup_operations_for_dialect (step, walk->graph, walk->dialect, &error);

  if (review->operations != NULL)
    {
      gboolean reversible = !up || strata_script_get_downgrade (script) != NULL;

      review->findings = strata_lint_ops_advance (review->operations, walk->linted, reversible, walk->dialect);
      /* As strata_lint_script() says it */
      if (up && strata_lint_downgrade_does_nothing (script))
        {
          StrataLintFinding *finding = g_new0 (StrataLintFinding, 1);

          finding->kind = STRATA_LINT_IRREVERSIBLE;
          finding->where = g_strdup ("downgrade");
          finding->operation = g_strdup ("\"downgrade\": []");
          finding->message = g_strdup (_(STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE));
          g_ptr_array_add (review->findings, finding);
        }
      for (guint i = 0; i < review->findings->len; i++)
        {
          StrataLintFinding *finding = g_ptr_array_index (review->findings, i);

          if (finding->revision == NULL)
            finding->revision = g_strdup (strata_step_get_revision (step));
        }

      review->statements = _strata_migrator_render_step_with_state (walk->graph, step, review->operations,
                                                                    walk->dialect, walk->rendered, NULL, &error);
    }

  if (review->findings == NULL)
    review->findings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);
  if (error != NULL)
    {
      review->error = error;
      review_walk_forget (walk);
    }

  return review;
}

/**
 * strata_session_review_plan:
 * @self: a #StrataSession
 * @plan: the plan
 * @dialect: the dialect to render for
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reviews @plan step by step: per step its operations, its SQL for @dialect
 * and its lint findings for @dialect, all from the one function that
 * decides what a step runs and the schema replayed as the migrator replays
 * it. A step that cannot be reviewed carries its error; the steps after it
 * are reviewed all the same.
 *
 * Returns: (transfer full) (element-type StrataStepReview): one review per
 *   step, or %NULL with @error set (cancelled, or the graph cannot load)
 */
GPtrArray *
strata_session_review_plan (StrataSession  *self,
                            StrataPlan     *plan,
                            StrataDialect   dialect,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(GPtrArray) reviews = g_ptr_array_new_with_free_func (g_object_unref);
  ReviewWalk walk = { NULL, };
  StrataGraph *graph;
  guint n_steps;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  review_walk_init_for_plan (&walk, graph, plan, dialect);
  n_steps = strata_plan_get_n_steps (plan);
  for (guint i = 0; i < n_steps; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          review_walk_clear (&walk);
          return NULL;
        }

      g_ptr_array_add (reviews, review_walk_step (&walk, strata_plan_get_step (plan, i), i));
    }
  review_walk_clear (&walk);

  return g_steal_pointer (&reviews);
}

typedef struct
{
  StrataPlan    *plan;
  StrataDialect  dialect;
} ReviewData;

static void
review_data_free (gpointer data)
{
  ReviewData *review = data;

  g_clear_object (&review->plan);
  g_free (review);
}

static gpointer
review_func (StrataSession  *self,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  ReviewData *review = data;

  return strata_session_review_plan (self, review->plan, review->dialect, cancellable, error);
}

/**
 * strata_session_review_plan_async:
 * @self: a #StrataSession
 * @plan: the plan
 * @dialect: the dialect to render for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_review_plan() in a worker thread. See
 * strata_session_review_plan_in_batches() for a review whose steps show as
 * they are reviewed.
 */
void
strata_session_review_plan_async (StrataSession       *self,
                                  StrataPlan          *plan,
                                  StrataDialect        dialect,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  ReviewData *review;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_PLAN (plan));

  review = g_new0 (ReviewData, 1);
  review->plan = g_object_ref (plan);
  review->dialect = dialect;

  session_call_async (self, strata_session_review_plan_async, review_func, review, review_data_free,
                      (GDestroyNotify)g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * strata_session_review_plan_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_review_plan_async().
 *
 * Returns: (transfer full) (element-type StrataStepReview): the reviews
 */
GPtrArray *
strata_session_review_plan_finish (StrataSession  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return session_call_finish (self, result, strata_session_review_plan_async, error);
}

/* The reviews of a plan, as they come: a list model that the main context
 * appends batches to. */
#define STRATA_TYPE_REVIEW_LIST (_strata_review_list_get_type ())
G_DECLARE_FINAL_TYPE (StrataReviewList, _strata_review_list, STRATA, REVIEW_LIST, GObject)

struct _StrataReviewList
{
  GObject    parent_instance;
  GPtrArray *reviews;   /* StrataStepReview */
};

static GType
_strata_review_list_get_item_type (GListModel *model)
{
  return STRATA_TYPE_STEP_REVIEW;
}

static guint
_strata_review_list_get_n_items (GListModel *model)
{
  return STRATA_REVIEW_LIST (model)->reviews->len;
}

static gpointer
_strata_review_list_get_item (GListModel *model,
                             guint       position)
{
  StrataReviewList *self = STRATA_REVIEW_LIST (model);

  if (position >= self->reviews->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->reviews, position));
}

static void
_strata_review_list_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = _strata_review_list_get_item_type;
  iface->get_n_items = _strata_review_list_get_n_items;
  iface->get_item = _strata_review_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (StrataReviewList, _strata_review_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, _strata_review_list_iface_init))

static void
_strata_review_list_finalize (GObject *object)
{
  g_clear_pointer (&STRATA_REVIEW_LIST (object)->reviews, g_ptr_array_unref);

  G_OBJECT_CLASS (_strata_review_list_parent_class)->finalize (object);
}

static void
_strata_review_list_class_init (StrataReviewListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = _strata_review_list_finalize;
}

static void
_strata_review_list_init (StrataReviewList *self)
{
  self->reviews = g_ptr_array_new_with_free_func (g_object_unref);
}

/* A review in batches: the worker queues what it reviewed, the main
 * context moves it into the list */
typedef struct
{
  gatomicrefcount   ref_count;
  StrataReviewList *list;      /* touched in the main context only */
  GMainContext     *context;
  StrataPlan       *plan;
  StrataDialect     dialect;
  GMutex            mutex;
  GPtrArray        *queued;    /* StrataStepReview, under the mutex */
  gboolean          flushing;  /* a flush is on its way, under the mutex */
} Batches;

static Batches *
batches_ref (Batches *batches)
{
  g_atomic_ref_count_inc (&batches->ref_count);
  return batches;
}

static void
batches_unref (gpointer data)
{
  Batches *batches = data;

  if (!g_atomic_ref_count_dec (&batches->ref_count))
    return;

  g_clear_object (&batches->list);
  g_clear_pointer (&batches->context, g_main_context_unref);
  g_clear_object (&batches->plan);
  g_clear_pointer (&batches->queued, g_ptr_array_unref);
  g_mutex_clear (&batches->mutex);
  g_free (batches);
}

/* In the main context: what is queued goes into the list */
static void
batches_flush (Batches *batches)
{
  g_autoptr(GPtrArray) queued = g_ptr_array_new_with_free_func (g_object_unref);
  guint position;

  g_mutex_lock (&batches->mutex);
  g_ptr_array_extend_and_steal (queued, g_steal_pointer (&batches->queued));
  batches->queued = g_ptr_array_new_with_free_func (g_object_unref);
  batches->flushing = FALSE;
  g_mutex_unlock (&batches->mutex);

  /* Over: the list is the caller's alone */
  if (queued->len == 0 || batches->list == NULL)
    return;

  position = batches->list->reviews->len;
  for (guint i = 0; i < queued->len; i++)
    g_ptr_array_add (batches->list->reviews, g_object_ref (g_ptr_array_index (queued, i)));
  g_list_model_items_changed (G_LIST_MODEL (batches->list), position, 0, queued->len);
}

static gboolean
batches_flush_idle (gpointer data)
{
  batches_flush (data);
  return G_SOURCE_REMOVE;
}

/* In the worker: a batch goes to the main context, always through a
 * source (g_main_context_invoke() would run it right here whenever the
 * main thread does not own the context at that moment) */
static void
batches_send (Batches *batches)
{
  g_autoptr(GSource) source = NULL;

  g_mutex_lock (&batches->mutex);
  if (batches->flushing || batches->queued->len == 0)
    {
      g_mutex_unlock (&batches->mutex);
      return;
    }
  batches->flushing = TRUE;
  g_mutex_unlock (&batches->mutex);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, batches_flush_idle, batches_ref (batches), batches_unref);
  g_source_set_static_name (source, "[strata] plan review batch");
  g_source_attach (source, batches->context);
}

/* A batch at most every 50 ms: the application draws in between */
#define BATCH_USEC (50 * 1000)

static void
batches_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  StrataSession *self = source_object;
  Batches *batches = task_data;
  ReviewWalk walk = { NULL, };
  guint n_steps = strata_plan_get_n_steps (batches->plan);
  GError *error = NULL;
  StrataGraph *graph;
  gint64 sent = 0;

  if (!(graph = strata_session_get_graph (self, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  review_walk_init_for_plan (&walk, graph, batches->plan, batches->dialect);
  for (guint i = 0; i < n_steps; i++)
    {
      StrataStepReview *review;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          review_walk_clear (&walk);
          g_task_return_error (task, error);
          return;
        }

      review = review_walk_step (&walk, strata_plan_get_step (batches->plan, i), i);
      g_mutex_lock (&batches->mutex);
      g_ptr_array_add (batches->queued, review);
      g_mutex_unlock (&batches->mutex);

      /* The first step at once, then every 50 ms */
      if (g_get_monotonic_time () - sent > BATCH_USEC)
        {
          batches_send (batches);
          sent = g_get_monotonic_time ();
        }
    }
  review_walk_clear (&walk);

  g_task_return_boolean (task, TRUE);
}

/* The review ended: what is still queued lands before the caller hears */
static void
batches_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Batches *batches = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_object (&batches->list);
      g_task_return_error (task, error);
      return;
    }

  batches_flush (batches);
  g_clear_object (&batches->list);
  g_task_return_boolean (task, TRUE);
}

/**
 * strata_session_review_plan_in_batches:
 * @self: a #StrataSession
 * @plan: the plan
 * @dialect: the dialect to render for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every step is reviewed
 * @user_data: data for @callback
 *
 * Reviews @plan as strata_session_review_plan() does, in a worker thread,
 * and hands the reviews over as they come: the list returned starts empty
 * and, in the thread-default main context of the caller, grows by batches
 * of steps in plan order (the review at position N is that of step N),
 * each batch at most 50 ms after the one before. A plan of thousands of
 * steps can show its first reviews at once, and the main loop stays free
 * while the rest are worked out.
 *
 * @callback runs once the last batch is in the list, or with the error
 * that stopped the review (cancelled, the graph cannot load). Get the
 * result with strata_session_review_plan_in_batches_finish().
 *
 * Returns: (transfer full): a #GListModel of #StrataStepReview, filled in
 *   as the steps are reviewed
 */
GListModel *
strata_session_review_plan_in_batches (StrataSession       *self,
                                       StrataPlan          *plan,
                                       StrataDialect        dialect,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) worker = NULL;
  GListModel *list;
  Batches *batches;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);

  batches = g_new0 (Batches, 1);
  g_atomic_ref_count_init (&batches->ref_count);
  batches->list = g_object_new (STRATA_TYPE_REVIEW_LIST, NULL);
  batches->context = g_main_context_ref_thread_default ();
  batches->plan = g_object_ref (plan);
  batches->dialect = dialect;
  batches->queued = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&batches->mutex);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_session_review_plan_in_batches);

  worker = g_task_new (self, cancellable, batches_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, batches_thread);
  list = G_LIST_MODEL (g_object_ref (batches->list));
  /* The worker's task holds the first reference */
  g_task_set_task_data (worker, batches, batches_unref);
  g_task_run_in_thread (worker, batches_thread);

  return list;
}

/**
 * strata_session_review_plan_in_batches_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_review_plan_in_batches().
 *
 * Returns: %TRUE when every step was reviewed (each review may carry the
 *   error of its step), %FALSE with @error set
 */
gboolean
strata_session_review_plan_in_batches_finish (StrataSession  *self,
                                              GAsyncResult   *result,
                                              GError        **error)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_review_plan_in_batches, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * strata_session_review_revision:
 * @self: a #StrataSession
 * @revision: a revision of the session's graph
 * @dialect: the dialect to render for
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reviews one revision on its own, as the app shows it beside the graph:
 * its upgrade from its down revisions, and its downgrade back to them, each
 * on the schema replayed up to it.
 *
 * Returns: (transfer full) (element-type StrataStepReview): two reviews,
 *   the upgrade's then the downgrade's, or %NULL with @error set (an
 *   unknown revision, the graph cannot load, cancelled)
 */
GPtrArray *
strata_session_review_revision (StrataSession  *self,
                                const char     *revision,
                                StrataDialect   dialect,
                                GCancellable   *cancellable,
                                GError        **error)
{
  g_autoptr(GPtrArray) reviews = g_ptr_array_new_with_free_func (g_object_unref);
  const char *heads[2] = { revision, NULL };
  const char * const *parents;
  StrataScript *script;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (revision != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  if (!(script = strata_graph_lookup (graph, revision)))
    {
      /* Translators: a revision id */
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION, _("no revision %s in the project"), revision);
      return NULL;
    }

  parents = strata_script_get_down_revisions (script);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(StrataStep) step = NULL;
      ReviewWalk walk = { g_object_ref (graph), dialect, NULL, NULL, NULL };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          review_walk_clear (&walk);
          return NULL;
        }

      step = i == 0 ? strata_step_new (script, STRATA_DIRECTION_UP, parents, heads)
                    : strata_step_new (script, STRATA_DIRECTION_DOWN, heads, parents);
      g_ptr_array_add (reviews, review_walk_step (&walk, step, 0));
      review_walk_clear (&walk);
    }

  return g_steal_pointer (&reviews);
}

typedef struct
{
  char          *revision;
  StrataDialect  dialect;
} RevisionData;

static void
revision_data_free (gpointer data)
{
  RevisionData *revision = data;

  g_free (revision->revision);
  g_free (revision);
}

static gpointer
review_revision_func (StrataSession  *self,
                      gpointer        data,
                      GCancellable   *cancellable,
                      GError        **error)
{
  RevisionData *revision = data;

  return strata_session_review_revision (self, revision->revision, revision->dialect, cancellable, error);
}

/**
 * strata_session_review_revision_async:
 * @self: a #StrataSession
 * @revision: a revision of the session's graph
 * @dialect: the dialect to render for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_review_revision() in a worker thread.
 */
void
strata_session_review_revision_async (StrataSession       *self,
                                      const char          *revision,
                                      StrataDialect        dialect,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  RevisionData *data;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (revision != NULL);

  data = g_new0 (RevisionData, 1);
  data->revision = g_strdup (revision);
  data->dialect = dialect;

  session_call_async (self, strata_session_review_revision_async, review_revision_func, data,
                      revision_data_free, (GDestroyNotify)g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * strata_session_review_revision_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_review_revision_async().
 *
 * Returns: (transfer full) (element-type StrataStepReview): the upgrade's
 *   and the downgrade's reviews, or %NULL with @error set
 */
GPtrArray *
strata_session_review_revision_finish (StrataSession  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return session_call_finish (self, result, strata_session_review_revision_async, error);
}

/**
 * strata_session_plan_to:
 * @self: a #StrataSession
 * @heads: (array zero-terminated=1): the database's heads
 * @target: a revision
 * @error: return location for a #GError
 *
 * A plan that brings the database at @heads to @target, whichever way:
 * down when the database has @target applied (it is at it or past it),
 * else up.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
StrataPlan *
strata_session_plan_to (StrataSession       *self,
                        const char * const  *heads,
                        const char          *target,
                        GError             **error)
{
  g_autoptr(GHashTable) applied = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(applied = strata_graph_dup_applied (graph, heads, error)))
    return NULL;

  return strata_session_plan (self, g_hash_table_contains (applied, target) ? STRATA_DIRECTION_DOWN
                                                                             : STRATA_DIRECTION_UP,
                              heads, target, error);
}

/**
 * strata_session_check_plan_files:
 * @self: a #StrataSession
 * @plan: a reviewed plan
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the files of @plan's steps again: a file edited since the plan was
 * reviewed must run neither as it was reviewed nor as it is now, unseen.
 *
 * Returns: (transfer full) (element-type utf8): the files that changed or
 *   went away (their paths relative to the project when they are in it),
 *   empty when none did; %NULL with @error set when cancelled
 */
GPtrArray *
strata_session_check_plan_files (StrataSession  *self,
                                 StrataPlan     *plan,
                                 GCancellable   *cancellable,
                                 GError        **error)
{
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  GFile *directory;
  guint n_steps;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);

  directory = strata_project_get_directory (self->project);
  n_steps = strata_plan_get_n_steps (plan);
  for (guint i = 0; i < n_steps; i++)
    {
      StrataScript *script = strata_step_get_script (strata_plan_get_step (plan, i));
      GFile *file = strata_script_get_file (script);
      g_autoptr(StrataScript) on_disk = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (file == NULL)
        continue;

      if (!(on_disk = strata_script_new_from_file (file, NULL)) ||
          g_strcmp0 (strata_script_get_checksum (on_disk), strata_script_get_checksum (script)) != 0)
        {
          char *relative = g_file_get_relative_path (directory, file);

          g_ptr_array_add (changed, relative != NULL ? relative : strata_display_path (file));
        }
    }

  return g_steal_pointer (&changed);
}

static gpointer
check_plan_files_func (StrataSession  *self,
                       gpointer        data,
                       GCancellable   *cancellable,
                       GError        **error)
{
  return strata_session_check_plan_files (self, data, cancellable, error);
}

/**
 * strata_session_check_plan_files_async:
 * @self: a #StrataSession
 * @plan: a reviewed plan
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_check_plan_files() in a worker thread: a plan may have
 * thousands of steps.
 */
void
strata_session_check_plan_files_async (StrataSession       *self,
                                       StrataPlan          *plan,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_PLAN (plan));

  session_call_async (self, strata_session_check_plan_files_async, check_plan_files_func, g_object_ref (plan),
                      g_object_unref, (GDestroyNotify)g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * strata_session_check_plan_files_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_check_plan_files_async().
 *
 * Returns: (transfer full) (element-type utf8): the files that changed,
 *   or %NULL with @error set
 */
GPtrArray *
strata_session_check_plan_files_finish (StrataSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return session_call_finish (self, result, strata_session_check_plan_files_async, error);
}

/* }}} */

/**
 * strata_session_render_offline:
 * @self: a #StrataSession
 * @plan: the plan
 * @dialect: the dialect
 * @error: return location for a #GError
 *
 * The SQL script of @plan for @dialect, without a database (`strata upgrade
 * --sql`): a script that guards itself (each migration checks the version
 * table first), takes PostgreSQL's advisory lock and writes history, with
 * the session's schema and timeouts.
 *
 * Returns: (transfer full): the script, or %NULL with @error set
 */
char *
strata_session_render_offline (StrataSession  *self,
                               StrataPlan     *plan,
                               StrataDialect   dialect,
                               GError        **error)
{
  g_autofree char *schema = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  schema = strata_session_dup_schema (self);

  return strata_migrator_render_guarded_script (graph, plan, dialect,
                                                strata_project_get_version_table (self->project),
                                                strata_project_get_history_table (self->project),
                                                schema,
                                                strata_session_get_lock_timeout (self),
                                                strata_session_get_statement_timeout (self),
                                                error);
}

/* Apply {{{ */

static void
forward_step_started (StrataMigrator *migrator,
                      StrataStep     *step,
                      guint           index,
                      guint           n_steps,
                      StrataSession  *self)
{
  g_signal_emit (self, signals[STEP_STARTED], 0, step, index, n_steps);
}

static void
forward_step_finished (StrataMigrator *migrator,
                       StrataStep     *step,
                       guint           index,
                       guint           n_steps,
                       double          seconds,
                       StrataSession  *self)
{
  g_signal_emit (self, signals[STEP_FINISHED], 0, step, index, n_steps, seconds);
}

static void
forward_statement (StrataMigrator *migrator,
                   StrataStep     *step,
                   const char     *sql,
                   StrataSession  *self)
{
  g_signal_emit (self, signals[STATEMENT], 0, step, sql);
}

static void
forward_notice (StrataMigrator *migrator,
                StrataStep     *step,
                const char     *text,
                StrataSession  *self)
{
  g_signal_emit (self, signals[NOTICE], 0, step, text);
}

#define N_FORWARDERS 4

static void
connect_forwarders (StrataSession  *self,
                    StrataMigrator *migrator,
                    gulong          ids[N_FORWARDERS])
{
  ids[0] = g_signal_connect (migrator, "step-started", G_CALLBACK (forward_step_started), self);
  ids[1] = g_signal_connect (migrator, "step-finished", G_CALLBACK (forward_step_finished), self);
  ids[2] = g_signal_connect (migrator, "statement", G_CALLBACK (forward_statement), self);
  ids[3] = g_signal_connect (migrator, "notice", G_CALLBACK (forward_notice), self);
}

static void
disconnect_forwarders (StrataMigrator *migrator,
                       gulong          ids[N_FORWARDERS])
{
  for (guint i = 0; i < N_FORWARDERS; i++)
    g_clear_signal_handler (&ids[i], migrator);
}

/**
 * strata_session_apply:
 * @self: a #StrataSession
 * @plan: the plan to run
 * @cancellable: (nullable): cancels the run, interrupting the statement under way
 * @error: return location for a #GError
 *
 * Runs @plan on the database: each migration in its own transaction with
 * its version and history rows, under the migration lock. The session emits
 * #StrataSession::step-started, #StrataSession::step-finished and
 * #StrataSession::statement as it goes.
 *
 * Returns: %TRUE when every step ran
 */
gboolean
strata_session_apply (StrataSession  *self,
                      StrataPlan     *plan,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  gulong ids[N_FORWARDERS];
  gboolean ret;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), FALSE);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return FALSE;

  connect_forwarders (self, migrator, ids);
  ret = strata_migrator_run (migrator, plan, cancellable, error);
  disconnect_forwarders (migrator, ids);

  return ret;
}

typedef struct
{
  StrataMigrator *migrator;
  gulong          ids[N_FORWARDERS];
} ApplyData;

static void
apply_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data);

static void
apply_run_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StrataSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  disconnect_forwarders (STRATA_MIGRATOR (object), g_task_get_task_data (task));
  (void)self;

  if (strata_migrator_run_finish (STRATA_MIGRATOR (object), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
apply_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StrataSession *self = STRATA_SESSION (object);
  g_autoptr(StrataMigrator) migrator = NULL;
  GCancellable *cancellable;
  StrataPlan *plan;
  GError *error = NULL;
  gulong *ids;

  if (!(migrator = strata_session_open_migrator_finish (self, result, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  ids = g_new0 (gulong, N_FORWARDERS);
  connect_forwarders (self, migrator, ids);
  g_task_set_task_data (task, ids, g_free);

  plan = g_object_get_data (G_OBJECT (task), "plan");
  cancellable = g_task_get_cancellable (task);
  strata_migrator_run_async (migrator, plan, cancellable, apply_run_cb, g_steal_pointer (&task));
}

/**
 * strata_session_apply_async:
 * @self: a #StrataSession
 * @plan: the plan to run
 * @cancellable: (nullable): cancels the run
 * @callback: called when done, after every progress signal
 * @user_data: data for @callback
 *
 * Runs @plan in a worker thread; the progress signals are emitted in the
 * caller's thread-default main context, each before @callback.
 */
void
strata_session_apply_async (StrataSession       *self,
                            StrataPlan          *plan,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_PLAN (plan));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_session_apply_async);
  /* The run's own STRATA_ERROR_CANCELLED says where it stopped */
  g_task_set_check_cancellable (task, FALSE);
  g_object_set_data_full (G_OBJECT (task), "plan", g_object_ref (plan), g_object_unref);

  strata_session_open_migrator_async (self, cancellable, apply_opened_cb, g_steal_pointer (&task));
}

/**
 * strata_session_apply_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_apply_async().
 *
 * Returns: %TRUE when every step ran
 */
gboolean
strata_session_apply_finish (StrataSession  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_apply_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */

/* Drift, check, autogenerate {{{ */

static char *
heads_label (const char * const *heads)
{
  g_autofree char *joined = NULL;

  if (heads == NULL || heads[0] == NULL)
    return g_strdup (_("the empty database (base)"));

  joined = g_strjoinv (", ", (char **)heads);
  return g_strdup_printf (g_dngettext (STRATA_I18N_DOMAIN, "revision %s", "revisions %s",
                                       g_strv_length ((char **)heads)),
                          joined);
}

/* The version and history tables, which no schema compares */
static void
bookkeeping_tables (StrataMigrator *migrator,
                    const char     *exclude[3])
{
  exclude[0] = strata_migrator_get_version_table (migrator);
  exclude[1] = strata_migrator_get_history_table (migrator);
  exclude[2] = NULL;
}

static StrataDiff *
check_drift (StrataSession  *self,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataModel) expected = NULL;
  g_autoptr(StrataModel) actual = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *label = NULL;
  StrataDriver *driver;
  const char *exclude[3];

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return NULL;

  driver = strata_migrator_get_driver (migrator);
  bookkeeping_tables (migrator, exclude);
  /* The expected schema as the server itself renders it (PostgreSQL: in a
   * temporary schema that is rolled back), so its rewritings are no drift */
  if (!(heads = strata_migrator_get_current_heads (migrator, cancellable, error)) ||
      !(expected = strata_migrator_dup_expected_schema (strata_migrator_get_graph (migrator),
                                                        (const char * const *)heads, driver,
                                                        exclude, cancellable, error)))
    return NULL;

  if (!(actual = strata_adopt_inspect (migrator, cancellable, error)))
    return NULL;

  label = heads_label ((const char * const *)heads);
  diff = strata_diff_new (expected, actual);
  strata_diff_set_labels (diff, label, _("the database"));
  strata_diff_set_dialect (diff, strata_driver_get_dialect (driver));
  if (!strata_diff_compute (diff, error))
    return NULL;

  /* Introspection leaves INVALID indexes out (no query uses them); they
   * are differences of their own, with what to do about them. */
  if (STRATA_IS_DRIVER_PG (driver))
    {
      g_auto(GStrv) invalid = NULL;
      GPtrArray *differences = strata_diff_get_differences (diff);

      if (!(invalid = strata_driver_pg_dup_invalid_indexes (STRATA_DRIVER_PG (driver), cancellable, error)))
        return NULL;
      for (guint i = 0; invalid[i] != NULL; i++)
        {
          g_autofree char *name = g_strndup (invalid[i], strstr (invalid[i], " on ") - invalid[i]);

          g_ptr_array_add (differences,
                           g_strdup_printf (_("index %s is INVALID (an interrupted CREATE INDEX CONCURRENTLY): "
                                              "`strata upgrade` drops it and builds it again if its revision "
                                              "is pending, else run DROP INDEX CONCURRENTLY %s"),
                                            invalid[i], name));
        }
    }

  return g_steal_pointer (&diff);
}

/**
 * strata_session_check_drift:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compares the live schema (read from the database, in the session's
 * schema) with the one the revisions it is at describe.
 *
 * Returns: (transfer full): the computed differences between the schema the
 *   database's revisions describe and the live one
 */
StrataDiff *
strata_session_check_drift (StrataSession  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataDiff *diff;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(diff = check_drift (self, cancellable, &local_error)))
    {
      drop_internal_statement (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return diff;
}

static gpointer
drift_func (StrataSession  *self,
            gpointer        data,
            GCancellable   *cancellable,
            GError        **error)
{
  return strata_session_check_drift (self, cancellable, error);
}

/**
 * strata_session_check_drift_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_check_drift() in a worker thread.
 */
void
strata_session_check_drift_async (StrataSession       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_check_drift_async, drift_func, NULL, NULL,
                      g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_check_drift_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_check_drift_async().
 *
 * Returns: (transfer full): the differences, or %NULL with @error set
 */
StrataDiff *
strata_session_check_drift_finish (StrataSession  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  return session_call_finish (self, result, strata_session_check_drift_async, error);
}

static StrataModel *
load_schema (StrataSession  *self,
             char          **out_path,
             GCancellable   *cancellable,
             GError        **error)
{
  GFile *file = strata_project_get_model_file (self->project);
  g_autofree char *contents = NULL;
  g_autofree char *path = strata_display_path (file);
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: cannot read the schema model: %s"), path, local_error->message);
      return NULL;
    }

  if (out_path != NULL)
    *out_path = g_strdup (path);

  return strata_model_new_from_data (contents, length, path, error);
}

static char **
graph_heads (StrataGraph *graph)
{
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < heads->len; i++)
    g_strv_builder_add (builder, strata_script_get_revision (g_ptr_array_index (heads, i)));

  return g_strv_builder_end (builder);
}

/**
 * strata_session_check_model:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compares schema.json with the schema the migrations' heads describe,
 * without a database (`strata check`).
 *
 * Returns: (transfer full): the differences between the migrations' heads
 *   and schema.json, labelled with both
 */
StrataDiff *
strata_session_check_model (StrataSession  *self,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(StrataModel) schema = NULL;
  g_autoptr(StrataModel) head = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(schema = load_schema (self, &path, cancellable, error)))
    return NULL;

  heads = graph_heads (graph);
  if (!(head = strata_model_new_for_heads (graph, (const char * const *)heads, error)))
    return NULL;

  label = heads_label ((const char * const *)heads);
  diff = strata_diff_new (head, schema);
  strata_diff_set_labels (diff, label, path);
  if (!strata_diff_compute (diff, error))
    return NULL;

  return g_steal_pointer (&diff);
}

/**
 * strata_session_autogenerate:
 * @self: a #StrataSession
 * @parents: (array zero-terminated=1): the new revision's parents
 * @depends_on: (nullable) (array zero-terminated=1): its dependencies
 * @renames: (nullable) (array zero-terminated=1): "table.old=new" hints
 * @downgrade: (out) (transfer full) (element-type StrataOp): the inverse,
 *   empty when the operations have none (then the revision gets no
 *   downgrade, and downgrading past it says why it cannot)
 * @warnings: (out) (optional) (transfer full) (element-type utf8): what to
 *   tell the author besides the diff's warnings: what differs between the
 *   engines, an inverse that cannot be computed
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The operations that take the schema at @parents (and @depends_on) to
 * schema.json, verified to do exactly that, and their inverse (`strata
 * revision --autogenerate`).
 *
 * Returns: (transfer full): the diff, whose operations
 *   (strata_diff_get_ops) take the schema at @parents to schema.json
 *   exactly
 */
StrataDiff *
strata_session_autogenerate (StrataSession       *self,
                             const char * const  *parents,
                             const char * const  *depends_on,
                             const char * const  *renames,
                             GPtrArray          **downgrade,
                             GPtrArray          **warnings,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(StrataModel) schema = NULL;
  g_autoptr(StrataModel) head = NULL;
  g_autoptr(StrataModel) after = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(StrataDiff) verify = NULL;
  g_autoptr(GPtrArray) base = g_ptr_array_new ();
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  StrataGraph *graph;
  GPtrArray *ops;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (parents != NULL, NULL);
  g_return_val_if_fail (downgrade != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  for (guint i = 0; parents[i] != NULL; i++)
    g_ptr_array_add (base, (gpointer)parents[i]);
  for (guint i = 0; depends_on != NULL && depends_on[i] != NULL; i++)
    g_ptr_array_add (base, (gpointer)depends_on[i]);
  g_ptr_array_add (base, NULL);

  if (!(schema = load_schema (self, &path, cancellable, error)) ||
      !(head = strata_model_new_for_heads (graph, (const char * const *)base->pdata, error)))
    return NULL;

  label = heads_label (parents);
  diff = strata_diff_new (head, schema);
  strata_diff_set_labels (diff, label, path);
  for (guint i = 0; renames != NULL && renames[i] != NULL; i++)
    if (!strata_diff_add_rename (diff, renames[i], error))
      return NULL;
  if (!strata_diff_compute (diff, error))
    return NULL;

  ops = strata_diff_get_ops (diff);

  /* What differs between the engines, as lint says it. */
  {
    g_autoptr(GPtrArray) findings = strata_lint_ops (ops, head, TRUE);

    for (guint i = 0; i < findings->len; i++)
      {
        StrataLintFinding *finding = g_ptr_array_index (findings, i);

        if (finding->kind == STRATA_LINT_DIALECT_DEPENDENT)
          g_ptr_array_add (notes, g_strdup_printf ("%s: %s", finding->operation, finding->message));
      }
  }

  /* The operations must take the head state to schema.json exactly. */
  after = strata_model_copy (head);
  if (!strata_model_apply_ops (after, ops, "upgrade", error))
    {
      g_prefix_error (error, _("autogenerate produced operations that do not apply (a bug): "));
      return NULL;
    }
  /* Equal models need no second diff (the common case, and a full diff of
   * a large model costs as much as the first); a diff explains the rest. */
  if (!strata_model_equal (after, schema))
    {
      verify = strata_diff_new (after, schema);
      if (!strata_diff_compute (verify, error))
        return NULL;
    }
  if (verify != NULL && !strata_diff_is_empty (verify) && strata_diff_get_warnings (diff)->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                   _("autogenerate cannot express: %s"),
                   (const char *)g_ptr_array_index (strata_diff_get_differences (verify), 0));
      return NULL;
    }

  if (!(*downgrade = strata_model_invert_ops (head, ops, &local_error)))
    {
      if (!g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* No "downgrade" key: downgrading past it then says why it cannot. */
      g_ptr_array_add (notes, g_strdup (local_error->message));
      *downgrade = g_ptr_array_new ();
    }

  if (warnings != NULL)
    *warnings = g_steal_pointer (&notes);

  return g_steal_pointer (&diff);
}

/* }}} */

/* Heads, stamp, lint, the state cache {{{ */

/**
 * strata_session_read_heads:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The version table's rows, read inside a read transaction. For a SQLite
 * file they are also recorded with the file's identity, so that a later
 * strata_session_plan_unchanged() can answer without opening it.
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads, sorted
 *   (empty at base), or %NULL with @error set
 */
char **
strata_session_read_heads (StrataSession  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return NULL;

  return _strata_state_cache_read_heads (migrator, cancellable, error);
}

/**
 * strata_session_plan_unchanged:
 * @self: a #StrataSession
 * @target: (nullable): the upgrade's target, %NULL for "head"
 *
 * An upgrade that has nothing to do, known without opening the database:
 * only for a SQLite file that provably has not changed since Strata last
 * read its version table (see strata_session_read_heads()). Opening a
 * SQLite file whose schema holds a thousand objects costs more than all
 * the rest of a no-op upgrade.
 *
 * Returns: (transfer full) (nullable): an empty plan at the recorded heads,
 *   or %NULL when the database must be opened to know
 */
StrataPlan *
strata_session_plan_unchanged (StrataSession *self,
                               const char    *target)
{
  g_autoptr(StrataUrl) parsed = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (self->profile == NULL || self->driver != NULL ||
      strata_profile_get_dialect (self->profile) != STRATA_DIALECT_SQLITE ||
      !(graph = strata_session_get_graph (self, NULL)))
    return NULL;

  url = strata_profile_dup_url (self->profile, FALSE);
  if (!(parsed = strata_url_parse (url, NULL)) || strata_url_is_memory (parsed))
    return NULL;

  /* Read-only or otherwise special URLs take the usual way. */
  if (strata_url_get_param_names (parsed)[0] != NULL)
    return NULL;

  path = strata_url_get_sqlite_path (parsed, strata_project_get_directory (self->project));
  if (!(heads = _strata_state_cache_lookup (path, strata_project_get_version_table (self->project))) ||
      !(plan = strata_graph_plan_upgrade (graph, (const char * const *)heads, target ? target : "head", NULL)) ||
      strata_plan_get_n_steps (plan) != 0)
    return NULL;

  return g_steal_pointer (&plan);
}

/**
 * strata_session_stamp:
 * @self: a #StrataSession
 * @target: the revision (or target) to record as applied
 * @purge: empty the version table first, whatever it holds
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sets the version table to @target without running any migration, and
 * records it in the history.
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads stamped
 *   (empty at base), or %NULL with @error set
 */
char **
strata_session_stamp (StrataSession  *self,
                      const char     *target,
                      gboolean        purge,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_auto(GStrv) current = NULL;
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(migrator = strata_session_open_migrator (self, cancellable, error)) ||
      !(current = strata_migrator_get_current_heads (migrator, cancellable, error)) ||
      !(heads = strata_graph_plan_stamp (graph, (const char * const *)current, target, purge, error)) ||
      !strata_migrator_stamp (migrator, (const char * const *)heads, cancellable, error))
    return NULL;

  return g_steal_pointer (&heads);
}

typedef struct
{
  char     *target;
  gboolean  purge;
} StampData;

static void
stamp_data_free (gpointer data)
{
  StampData *stamp = data;

  g_free (stamp->target);
  g_free (stamp);
}

static gpointer
stamp_func (StrataSession  *self,
            gpointer        data,
            GCancellable   *cancellable,
            GError        **error)
{
  StampData *stamp = data;

  return strata_session_stamp (self, stamp->target, stamp->purge, cancellable, error);
}

/**
 * strata_session_stamp_async:
 * @self: a #StrataSession
 * @target: the revision (or target) to record as applied
 * @purge: empty the version table first
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_stamp() in a worker thread.
 */
void
strata_session_stamp_async (StrataSession       *self,
                            const char          *target,
                            gboolean             purge,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  StampData *stamp;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (target != NULL);

  stamp = g_new0 (StampData, 1);
  stamp->target = g_strdup (target);
  stamp->purge = purge;

  session_call_async (self, strata_session_stamp_async, stamp_func, stamp, stamp_data_free,
                      (GDestroyNotify)g_strfreev, cancellable, callback, user_data);
}

/**
 * strata_session_stamp_finish:
 * @self: a #StrataSession
 * @result: the result
 * @error: return location for a #GError
 *
 * Finishes strata_session_stamp_async().
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads stamped
 */
char **
strata_session_stamp_finish (StrataSession  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return session_call_finish (self, result, strata_session_stamp_async, error);
}

/**
 * strata_session_lint:
 * @self: a #StrataSession
 * @revisions: (nullable) (array zero-terminated=1): revisions (or targets)
 *   to lint, %NULL for every revision
 * @n_revisions: (out) (optional): how many revisions were linted
 * @error: return location for a #GError
 *
 * Lints each revision's upgrade on the schema replayed up to it.
 *
 * Returns: (transfer full) (element-type StrataLintFinding): the findings,
 *   or %NULL with @error set
 */
GPtrArray *
strata_session_lint (StrataSession       *self,
                     const char * const  *revisions,
                     guint               *n_revisions,
                     GError             **error)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  if (revisions != NULL && revisions[0] != NULL)
    for (guint i = 0; revisions[i] != NULL; i++)
      {
        StrataScript *script = strata_graph_resolve (graph, revisions[i], error);

        if (script == NULL)
          return NULL;
        g_ptr_array_add (scripts, g_object_ref (script));
      }
  else
    {
      GPtrArray *every = strata_graph_get_scripts (graph);

      for (guint i = 0; i < every->len; i++)
        g_ptr_array_add (scripts, g_object_ref (g_ptr_array_index (every, i)));
    }

  /* One pass over the history: each revision from the previous one's state */
  if (!(all = strata_lint_scripts (graph, scripts, error)))
    return NULL;

  if (n_revisions != NULL)
    *n_revisions = scripts->len;

  return g_steal_pointer (&all);
}

/* }}} */

/* Validate {{{ */

/**
 * strata_session_validate:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compares each applied revision's recorded checksum with its file's, and
 * lists the failed attempts the history holds: Flyway's validate.
 *
 * Returns: (transfer full) (element-type StrataValidateIssue): the issues
 *   (empty when there is none), or %NULL with @error set
 */
GPtrArray *
strata_session_validate (StrataSession  *self,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return NULL;

  return strata_validate (migrator, cancellable, error);
}

static gpointer
validate_func (StrataSession  *self,
               gpointer        data,
               GCancellable   *cancellable,
               GError        **error)
{
  return strata_session_validate (self, cancellable, error);
}

/**
 * strata_session_validate_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_validate() in a worker thread.
 */
void
strata_session_validate_async (StrataSession       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_validate_async, validate_func, NULL, NULL,
                      (GDestroyNotify)g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * strata_session_validate_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_validate_async().
 *
 * Returns: (transfer full) (element-type StrataValidateIssue): the issues
 */
GPtrArray *
strata_session_validate_finish (StrataSession  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  return session_call_finish (self, result, strata_session_validate_async, error);
}

/* }}} */

/* }}} */

/* Deploy: validate before a run, repair, the log, inspect, baseline,
 * reviewed plan files, the stored copies of applied revisions {{{ */

/* The async form of a use case that returns a boolean: the thread's
 * function returns this for TRUE. */
#define SESSION_TRUE GINT_TO_POINTER (1)

/**
 * strata_session_plan_stamp:
 * @self: a #StrataSession
 * @heads: (array zero-terminated=1): the database's heads
 * @target: the revision (or target) to record as applied
 * @purge: empty the version table first, whatever it holds
 * @error: return location for a #GError
 *
 * The version rows strata_session_stamp() would leave, from @heads,
 * without touching the database: checks @target before a person is asked
 * to confirm the change.
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads after the
 *   stamp (empty at base), or %NULL with @error set
 */
char **
strata_session_plan_stamp (StrataSession       *self,
                           const char * const  *heads,
                           const char          *target,
                           gboolean             purge,
                           GError             **error)
{
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (heads != NULL, NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  return strata_graph_plan_stamp (graph, heads, target, purge, error);
}

/**
 * strata_session_plan_from:
 * @self: a #StrataSession
 * @direction: upgrade or downgrade
 * @from: (nullable): where the plan starts: a revision (or target), or
 *   %NULL, "" or "base" for the empty database
 * @target: the target
 * @error: return location for a #GError
 *
 * A plan from a given starting point instead of the database's heads,
 * for an offline script (`--sql FROM:TARGET`): no database is involved.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
StrataPlan *
strata_session_plan_from (StrataSession    *self,
                          StrataDirection   direction,
                          const char       *from,
                          const char       *target,
                          GError          **error)
{
  g_auto(GStrv) start = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  if (from != NULL && *from != '\0' && !g_str_equal (from, "base"))
    {
      g_auto(GStrv) none = g_new0 (char *, 1);

      if (!(start = strata_graph_resolve_target (graph, (const char * const *)none, from,
                                                 STRATA_DIRECTION_UP, error)))
        return NULL;
    }
  else
    start = g_new0 (char *, 1);

  return strata_session_plan (self, direction, (const char * const *)start, target, error);
}

/**
 * strata_session_describe_plan:
 * @self: a #StrataSession
 * @plan: the plan
 * @dialect: the dialect to render for
 * @error: return location for a #GError
 *
 * @plan as data, without a database: each step's operations and its SQL
 * for @dialect, as `--sql --json` prints it (strata_plan_file_to_json()).
 *
 * Returns: (transfer full): the plan's data, or %NULL with @error set
 */
StrataPlanFile *
strata_session_describe_plan (StrataSession  *self,
                              StrataPlan     *plan,
                              StrataDialect   dialect,
                              GError        **error)
{
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  return strata_plan_file_new (graph, plan, dialect, error);
}

/**
 * strata_session_database_exists:
 * @self: a #StrataSession
 * @exists: (out): whether the database is there
 * @error: return location for a #GError
 *
 * Whether the session's database exists, found without opening it (which
 * would create a SQLite file): %FALSE only for a SQLite file, relative to
 * the project's folder, that is not there. A server database counts as
 * there (connecting says more). Read-only use cases check this first, so
 * that looking at a database never creates one.
 *
 * Returns: %TRUE, or %FALSE with @error set when the session has no
 *   profile or its URL is malformed
 */
gboolean
strata_session_database_exists (StrataSession  *self,
                                gboolean       *exists,
                                GError        **error)
{
  g_autoptr(StrataUrl) parsed = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (exists != NULL, FALSE);

  *exists = TRUE;

  if (self->profile == NULL)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("no database: give a URL or a profile"));
      return FALSE;
    }

  url = strata_profile_dup_url (self->profile, FALSE);
  if (!(parsed = strata_url_parse (url, error)))
    return FALSE;

  if (strata_url_get_dialect (parsed) != STRATA_DIALECT_SQLITE || strata_url_is_memory (parsed))
    return TRUE;

  path = strata_url_get_sqlite_path (parsed, strata_project_get_directory (self->project));
  *exists = g_file_test (path, G_FILE_TEST_EXISTS);

  return TRUE;
}

/**
 * strata_session_read_heads_with_stored:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the version table's rows as strata_session_read_heads() does. When
 * one of them names a revision that has no file (another branch is checked
 * out), the session's graph and migrator take in the copies of the applied
 * revisions that the history table stored, so that plans from these heads
 * (a downgrade, above all) can be made and run.
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads, sorted
 *   (empty at base), or %NULL with @error set
 */
char **
strata_session_read_heads_with_stored (StrataSession  *self,
                                       GCancellable   *cancellable,
                                       GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataMigrator) with = NULL;
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;
  gboolean unknown = FALSE;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)) ||
      !(heads = _strata_state_cache_read_heads (migrator, cancellable, error)))
    return NULL;

  graph = strata_migrator_get_graph (migrator);
  for (guint i = 0; heads[i] != NULL && graph != NULL; i++)
    if (strata_graph_lookup (graph, heads[i]) == NULL)
      unknown = TRUE;

  if (!unknown)
    return g_steal_pointer (&heads);

  if (!(with = strata_stored_dup_migrator (migrator, cancellable, error)))
    return NULL;

  if (with != migrator)
    {
      g_mutex_lock (&self->mutex);
      g_set_object (&self->graph, strata_migrator_get_graph (with));
      g_set_object (&self->migrator, with);
      g_mutex_unlock (&self->mutex);
    }

  return g_steal_pointer (&heads);
}

static gpointer
read_heads_with_stored_func (StrataSession  *self,
                             gpointer        data,
                             GCancellable   *cancellable,
                             GError        **error)
{
  return strata_session_read_heads_with_stored (self, cancellable, error);
}

/**
 * strata_session_read_heads_with_stored_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_read_heads_with_stored() in a worker thread.
 */
void
strata_session_read_heads_with_stored_async (StrataSession       *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_read_heads_with_stored_async, read_heads_with_stored_func,
                      NULL, NULL, (GDestroyNotify)g_strfreev, cancellable, callback, user_data);
}

/**
 * strata_session_read_heads_with_stored_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_read_heads_with_stored_async().
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads, or %NULL
 *   with @error set
 */
char **
strata_session_read_heads_with_stored_finish (StrataSession  *self,
                                              GAsyncResult   *result,
                                              GError        **error)
{
  return session_call_finish (self, result, strata_session_read_heads_with_stored_async, error);
}

/**
 * strata_session_validate_before_run:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Flyway's validate-on-migrate: fails with %STRATA_ERROR_DIFFERENCES,
 * naming each revision, when an applied revision's file was edited since
 * it was applied. Call it before strata_session_apply(); nothing runs over
 * an edited revision.
 *
 * Returns: %TRUE when no applied revision was edited
 */
gboolean
strata_session_validate_before_run (StrataSession  *self,
                                    GCancellable   *cancellable,
                                    GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);

  return (migrator = strata_session_open_migrator (self, cancellable, error)) != NULL &&
         strata_validate_before_run (migrator, cancellable, error);
}

static gpointer
validate_before_run_func (StrataSession  *self,
                          gpointer        data,
                          GCancellable   *cancellable,
                          GError        **error)
{
  return strata_session_validate_before_run (self, cancellable, error) ? SESSION_TRUE : NULL;
}

/**
 * strata_session_validate_before_run_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_validate_before_run() in a worker thread.
 */
void
strata_session_validate_before_run_async (StrataSession       *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_validate_before_run_async, validate_before_run_func,
                      NULL, NULL, NULL, cancellable, callback, user_data);
}

/**
 * strata_session_validate_before_run_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_validate_before_run_async().
 *
 * Returns: %TRUE when no applied revision was edited
 */
gboolean
strata_session_validate_before_run_finish (StrataSession  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  return session_call_finish (self, result, strata_session_validate_before_run_async, error) != NULL;
}

/**
 * strata_session_repair:
 * @self: a #StrataSession
 * @issues: (element-type StrataValidateIssue): what strata_session_validate()
 *   found, as reviewed
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Flyway's repair, for the issues given: records the current checksum of
 * each edited revision and removes the history rows of failed attempts,
 * in one transaction. A revision whose file is missing is left as it is
 * (a downgrade still uses its stored copy).
 *
 * Returns: %TRUE when the history was repaired
 */
gboolean
strata_session_repair (StrataSession  *self,
                       GPtrArray      *issues,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (issues != NULL, FALSE);

  return (migrator = strata_session_open_migrator (self, cancellable, error)) != NULL &&
         strata_repair (migrator, issues, cancellable, error);
}

static gpointer
repair_func (StrataSession  *self,
             gpointer        data,
             GCancellable   *cancellable,
             GError        **error)
{
  return strata_session_repair (self, data, cancellable, error) ? SESSION_TRUE : NULL;
}

/**
 * strata_session_repair_async:
 * @self: a #StrataSession
 * @issues: (element-type StrataValidateIssue): the issues to repair
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_repair() in a worker thread.
 */
void
strata_session_repair_async (StrataSession       *self,
                             GPtrArray           *issues,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (issues != NULL);

  session_call_async (self, strata_session_repair_async, repair_func, g_ptr_array_ref (issues),
                      (GDestroyNotify)g_ptr_array_unref, NULL, cancellable, callback, user_data);
}

/**
 * strata_session_repair_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_repair_async().
 *
 * Returns: %TRUE when the history was repaired
 */
gboolean
strata_session_repair_finish (StrataSession  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  return session_call_finish (self, result, strata_session_repair_async, error) != NULL;
}

/**
 * strata_session_read_log:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * What happened to the database, oldest first: each applied, reverted,
 * stamped or failed revision from the history table, then the revisions
 * still pending (Flyway's info).
 *
 * Returns: (transfer full) (element-type StrataLogEntry): the entries, or
 *   %NULL with @error set
 */
GPtrArray *
strata_session_read_log (StrataSession  *self,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return NULL;

  return strata_log_read (migrator, cancellable, error);
}

static gpointer
read_log_func (StrataSession  *self,
               gpointer        data,
               GCancellable   *cancellable,
               GError        **error)
{
  return strata_session_read_log (self, cancellable, error);
}

/**
 * strata_session_read_log_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_read_log() in a worker thread.
 */
void
strata_session_read_log_async (StrataSession       *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_read_log_async, read_log_func, NULL, NULL,
                      (GDestroyNotify)g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * strata_session_read_log_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_read_log_async().
 *
 * Returns: (transfer full) (element-type StrataLogEntry): the entries
 */
GPtrArray *
strata_session_read_log_finish (StrataSession  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  return session_call_finish (self, result, strata_session_read_log_async, error);
}

/**
 * strata_session_inspect:
 * @self: a #StrataSession
 * @file: (nullable): where to write the model as schema.json, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the live database's schema (in the session's `schema=` on
 * PostgreSQL), leaving out Strata's own tables, and writes it to @file in
 * schema.json's form when @file is given.
 *
 * Returns: (transfer full): the live schema, or %NULL with @error set
 */
StrataModel *
strata_session_inspect (StrataSession  *self,
                        GFile          *file,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataModel) live = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)) ||
      !(live = strata_adopt_inspect (migrator, cancellable, error)))
    return NULL;

  if (file != NULL && !strata_adopt_write_model (live, file, error))
    return NULL;

  return g_steal_pointer (&live);
}

static gpointer
inspect_func (StrataSession  *self,
              gpointer        data,
              GCancellable   *cancellable,
              GError        **error)
{
  return strata_session_inspect (self, data, cancellable, error);
}

/**
 * strata_session_inspect_async:
 * @self: a #StrataSession
 * @file: (nullable): where to write the model, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_inspect() in a worker thread.
 */
void
strata_session_inspect_async (StrataSession       *self,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  session_call_async (self, strata_session_inspect_async, inspect_func,
                      file ? g_object_ref (file) : NULL, g_object_unref,
                      g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_inspect_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_inspect_async().
 *
 * Returns: (transfer full): the live schema, or %NULL with @error set
 */
StrataModel *
strata_session_inspect_finish (StrataSession  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  return session_call_finish (self, result, strata_session_inspect_async, error);
}

/**
 * strata_session_baseline:
 * @self: a #StrataSession
 * @revision: (nullable): the new revision's id, %NULL for a generated one
 * @message: what the revision says (e.g. "baseline")
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adopts a database that Strata does not manage yet: writes a first
 * revision whose upgrade creates the live schema into the project's
 * migrations folder, and stamps the database at it, so that new revisions
 * go on top. strata_script_get_file() gives the file written. The session's
 * graph does not hold the new revision until the project is read again.
 *
 * Returns: (transfer full): the revision written and stamped, or %NULL with
 *   @error set
 */
StrataScript *
strata_session_baseline (StrataSession  *self,
                         const char     *revision,
                         const char     *message,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  if (revision != NULL && !strata_revision_id_is_valid (revision))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid revision id (1–32 of A–Z, a–z, 0–9, _)"), revision);
      return NULL;
    }
  id = revision ? g_strdup (revision) : strata_revision_generate_id ();

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)))
    return NULL;

  return strata_adopt_baseline (migrator, strata_project_get_migrations_dir (self->project),
                                id, message, NULL, cancellable, error);
}

typedef struct
{
  char *revision;
  char *message;
} BaselineData;

static void
baseline_data_free (gpointer data)
{
  BaselineData *baseline = data;

  g_free (baseline->revision);
  g_free (baseline->message);
  g_free (baseline);
}

static gpointer
baseline_func (StrataSession  *self,
               gpointer        data,
               GCancellable   *cancellable,
               GError        **error)
{
  BaselineData *baseline = data;

  return strata_session_baseline (self, baseline->revision, baseline->message, cancellable, error);
}

/**
 * strata_session_baseline_async:
 * @self: a #StrataSession
 * @revision: (nullable): the new revision's id, %NULL for a generated one
 * @message: what the revision says
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_baseline() in a worker thread.
 */
void
strata_session_baseline_async (StrataSession       *self,
                               const char          *revision,
                               const char          *message,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  BaselineData *baseline;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (message != NULL);

  baseline = g_new0 (BaselineData, 1);
  baseline->revision = g_strdup (revision);
  baseline->message = g_strdup (message);

  session_call_async (self, strata_session_baseline_async, baseline_func, baseline, baseline_data_free,
                      g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_baseline_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_baseline_async().
 *
 * Returns: (transfer full): the revision written and stamped, or %NULL
 *   with @error set
 */
StrataScript *
strata_session_baseline_finish (StrataSession  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  return session_call_finish (self, result, strata_session_baseline_async, error);
}

/**
 * strata_session_write_plan_file:
 * @self: a #StrataSession
 * @direction: upgrade or downgrade
 * @target: the target (e.g. "head", "-1", a revision)
 * @file: (nullable): where to write the plan, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * A plan for review: the exact steps and SQL from the database's current
 * revisions to @target, with a hash of everything they depend on (the
 * heads, the files, the dialect, the settings), written to @file as JSON
 * when @file is given. strata_session_verify_plan_file() later refuses to
 * run it if any input changed.
 *
 * Returns: (transfer full): the plan file, or %NULL with @error set
 */
StrataPlanFile *
strata_session_write_plan_file (StrataSession    *self,
                                StrataDirection   direction,
                                const char       *target,
                                GFile            *file,
                                GCancellable     *cancellable,
                                GError          **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataPlanFile) plan = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (target != NULL, NULL);
  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)) ||
      !(plan = strata_plan_file_new_for_database (migrator, direction, target, cancellable, error)))
    return NULL;

  if (file != NULL && !strata_plan_file_save (plan, file, error))
    return NULL;

  return g_steal_pointer (&plan);
}

typedef struct
{
  StrataDirection  direction;
  char            *target;
  GFile           *file;
} PlanFileData;

static void
plan_file_data_free (gpointer data)
{
  PlanFileData *plan = data;

  g_free (plan->target);
  g_clear_object (&plan->file);
  g_free (plan);
}

static gpointer
write_plan_file_func (StrataSession  *self,
                      gpointer        data,
                      GCancellable   *cancellable,
                      GError        **error)
{
  PlanFileData *plan = data;

  return strata_session_write_plan_file (self, plan->direction, plan->target, plan->file, cancellable, error);
}

/**
 * strata_session_write_plan_file_async:
 * @self: a #StrataSession
 * @direction: upgrade or downgrade
 * @target: the target
 * @file: (nullable): where to write the plan, or %NULL
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_write_plan_file() in a worker thread.
 */
void
strata_session_write_plan_file_async (StrataSession       *self,
                                      StrataDirection      direction,
                                      const char          *target,
                                      GFile               *file,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  PlanFileData *plan;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (target != NULL);
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  plan = g_new0 (PlanFileData, 1);
  plan->direction = direction;
  plan->target = g_strdup (target);
  plan->file = file ? g_object_ref (file) : NULL;

  session_call_async (self, strata_session_write_plan_file_async, write_plan_file_func, plan,
                      plan_file_data_free, g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_write_plan_file_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_write_plan_file_async().
 *
 * Returns: (transfer full): the plan file, or %NULL with @error set
 */
StrataPlanFile *
strata_session_write_plan_file_finish (StrataSession  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  return session_call_finish (self, result, strata_session_write_plan_file_async, error);
}

/**
 * strata_session_verify_plan_file:
 * @self: a #StrataSession
 * @reviewed: a plan file read with strata_plan_file_load()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes the plan of @reviewed again from what the database and the project
 * hold now, and refuses (%STRATA_ERROR_DIFFERENCES, naming what changed)
 * unless every input is what the reviewer saw. Run the plan it returns
 * (strata_plan_file_get_plan()) with strata_session_apply().
 *
 * Returns: (transfer full): the plan file made now, equal to @reviewed, or
 *   %NULL with @error set
 */
StrataPlanFile *
strata_session_verify_plan_file (StrataSession   *self,
                                 StrataPlanFile  *reviewed,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataPlanFile) now = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (reviewed), NULL);

  if (!(migrator = strata_session_open_migrator (self, cancellable, error)) ||
      !(now = strata_plan_file_new_for_database (migrator, strata_plan_file_get_direction (reviewed),
                                                 strata_plan_file_get_target (reviewed),
                                                 cancellable, error)) ||
      !strata_plan_file_verify (reviewed, now, error))
    return NULL;

  return g_steal_pointer (&now);
}

static gpointer
verify_plan_file_func (StrataSession  *self,
                       gpointer        data,
                       GCancellable   *cancellable,
                       GError        **error)
{
  return strata_session_verify_plan_file (self, data, cancellable, error);
}

/**
 * strata_session_verify_plan_file_async:
 * @self: a #StrataSession
 * @reviewed: a plan file read with strata_plan_file_load()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_verify_plan_file() in a worker thread.
 */
void
strata_session_verify_plan_file_async (StrataSession       *self,
                                       StrataPlanFile      *reviewed,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_PLAN_FILE (reviewed));

  session_call_async (self, strata_session_verify_plan_file_async, verify_plan_file_func,
                      g_object_ref (reviewed), g_object_unref, g_object_unref,
                      cancellable, callback, user_data);
}

/**
 * strata_session_verify_plan_file_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_verify_plan_file_async().
 *
 * Returns: (transfer full): the plan file made now, or %NULL with @error set
 */
StrataPlanFile *
strata_session_verify_plan_file_finish (StrataSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  return session_call_finish (self, result, strata_session_verify_plan_file_async, error);
}

/* }}} */

/* Authoring: new revisions and merges (Alembic's revision and merge) {{{ */

static char *
unique_revision_id (StrataGraph  *graph,
                    const char   *requested,
                    GError      **error)
{
  if (requested != NULL)
    {
      if (!strata_revision_id_is_valid (requested))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("--rev-id “%s” is not a valid revision id (1–32 of A–Z, a–z, 0–9, _)"),
                       requested);
          return NULL;
        }
      if (strata_graph_lookup (graph, requested) != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("revision “%s” already exists"), requested);
          return NULL;
        }
      return g_strdup (requested);
    }

  for (;;)
    {
      g_autofree char *id = strata_revision_generate_id ();

      if (strata_graph_lookup (graph, id) == NULL)
        return g_steal_pointer (&id);
    }
}

/* The parent a new revision builds on: the one head, @head resolved, or
 * none (a new base). */
static gboolean
revision_parents (StrataGraph  *graph,
                  const char   *head,
                  gboolean      splice,
                  GPtrArray    *parents,
                  GError      **error)
{
  g_auto(GStrv) none = NULL;
  g_auto(GStrv) resolved = NULL;

  if (head == NULL || g_str_equal (head, "head"))
    {
      g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);

      if (heads->len > 1)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                               _("multiple heads are present; give the head to build on with "
                                 "--head REV or label@head, or merge them with “strata merge -m MSG heads”"));
          return FALSE;
        }
      if (heads->len == 1)
        g_ptr_array_add (parents, g_strdup (strata_script_get_revision (g_ptr_array_index (heads, 0))));
      return TRUE;
    }

  if (g_str_equal (head, "base"))
    return TRUE;

  none = g_new0 (char *, 1);
  if (!(resolved = strata_graph_resolve_target (graph, (const char * const *)none, head,
                                                STRATA_DIRECTION_UP, error)))
    return FALSE;

  if (g_strv_length (resolved) != 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                   _("--head “%s” names %u revisions; give exactly one"), head, g_strv_length (resolved));
      return FALSE;
    }

  if (!splice)
    {
      StrataScript *target = strata_graph_lookup (graph, resolved[0]);
      g_autoptr(GPtrArray) children = strata_graph_get_children (graph, target);

      if (children->len > 0)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("revision %s is not a head; use --splice to start a new branch from it"),
                       resolved[0]);
          return FALSE;
        }
    }

  g_ptr_array_add (parents, g_strdup (resolved[0]));
  return TRUE;
}

/* Now, or SOURCE_DATE_EPOCH when set (reproducible files, as build tools
 * use it): the command line and the app write the same bytes for the same
 * input. */
static GDateTime *
creation_time (void)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");

  if (epoch != NULL && *epoch != '\0')
    {
      char *end = NULL;
      gint64 seconds = g_ascii_strtoll (epoch, &end, 10);

      if (end != NULL && *end == '\0' && seconds >= 0)
        return g_date_time_new_from_unix_utc (seconds);
    }

  return g_date_time_new_now_utc ();
}

static StrataScript *
script_new_now (const char          *id,
                const char * const  *parents,
                const char          *message,
                const char * const  *branch_labels)
{
  g_autoptr(GPtrArray) upgrade = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  g_autoptr(GDateTime) now = creation_time ();
  StrataScript *script = strata_script_new (id, parents, message);

  strata_script_set_branch_labels (script, branch_labels);
  strata_script_set_created (script, now);
  strata_script_set_upgrade (script, upgrade);

  return script;
}

/**
 * strata_session_new_revision:
 * @self: a #StrataSession
 * @message: what the revision does
 * @head: (nullable): the revision to build on: a head, "base" for a new
 *   base, label@head; %NULL for the one head
 * @splice: allow @head to name a revision that is not a head (a branch)
 * @branch_labels: (nullable) (array zero-terminated=1): its branch labels
 * @depends_on: (nullable) (array zero-terminated=1): revisions or labels
 *   it depends on (a label is kept as written, as Alembic does)
 * @revision: (nullable): its id, %NULL for a generated one
 * @error: return location for a #GError
 *
 * A new, empty revision on top of the graph, not written yet: its id,
 * parents, dependencies, labels and creation time checked against the
 * graph. Fill it with strata_session_autogenerate_revision() (or not), then
 * write it with strata_session_write_revision(). Reads no database.
 *
 * Returns: (transfer full): the revision, or %NULL with @error set
 */
StrataScript *
strata_session_new_revision (StrataSession       *self,
                             const char          *message,
                             const char          *head,
                             gboolean             splice,
                             const char * const  *branch_labels,
                             const char * const  *depends_on,
                             const char          *revision,
                             GError             **error)
{
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) deps = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = NULL;
  StrataScript *script;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(id = unique_revision_id (graph, revision, error)) ||
      !revision_parents (graph, head, splice, parents, error))
    return NULL;

  for (guint i = 0; depends_on != NULL && depends_on[i] != NULL; i++)
    {
      StrataScript *dependency;

      if (!(dependency = strata_graph_resolve (graph, depends_on[i], error)))
        return NULL;

      if (g_strv_contains (strata_script_get_branch_labels (dependency), depends_on[i]))
        g_ptr_array_add (deps, g_strdup (depends_on[i]));
      else
        g_ptr_array_add (deps, g_strdup (strata_script_get_revision (dependency)));
    }

  for (guint i = 0; branch_labels != NULL && branch_labels[i] != NULL; i++)
    {
      if (!strata_revision_id_is_valid (branch_labels[i]))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("branch label “%s” is not valid (1–32 of A–Z, a–z, 0–9, _)"), branch_labels[i]);
          return NULL;
        }
      if (strata_graph_lookup (graph, branch_labels[i]) != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("branch label “%s” is already a revision id"), branch_labels[i]);
          return NULL;
        }
    }

  g_ptr_array_add (parents, NULL);
  g_ptr_array_add (deps, NULL);

  script = script_new_now (id, (const char * const *)parents->pdata, message, branch_labels);
  strata_script_set_depends_on (script, (const char * const *)deps->pdata);

  return script;
}

/**
 * strata_session_new_merge:
 * @self: a #StrataSession
 * @message: what the merge does
 * @revisions: (array zero-terminated=1): the revisions (or targets, e.g.
 *   "heads") to merge
 * @branch_labels: (nullable) (array zero-terminated=1): its branch labels
 * @revision: (nullable): its id, %NULL for a generated one
 * @error: return location for a #GError
 *
 * A new, empty revision whose parents are @revisions, not written yet
 * (see strata_session_write_revision()). Reads no database.
 *
 * Returns: (transfer full): the merge revision, or %NULL with @error set
 */
StrataScript *
strata_session_new_merge (StrataSession       *self,
                          const char          *message,
                          const char * const  *revisions,
                          const char * const  *branch_labels,
                          const char          *revision,
                          GError             **error)
{
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (revisions != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  for (guint i = 0; revisions[i] != NULL; i++)
    {
      g_auto(GStrv) none = g_new0 (char *, 1);
      g_auto(GStrv) resolved = NULL;

      if (!(resolved = strata_graph_resolve_target (graph, (const char * const *)none, revisions[i],
                                                    STRATA_DIRECTION_UP, error)))
        return NULL;

      for (guint j = 0; resolved[j] != NULL; j++)
        if (!g_ptr_array_find_with_equal_func (parents, resolved[j], g_str_equal, NULL))
          g_ptr_array_add (parents, g_strdup (resolved[j]));
    }

  if (parents->len < 2)
    {
      if (revisions[0] != NULL && revisions[1] == NULL)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                     _("nothing to merge: %s names a single revision"), revisions[0]);
      else
        g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                             _("nothing to merge: the arguments name a single revision"));
      return NULL;
    }

  if (!(id = unique_revision_id (graph, revision, error)))
    return NULL;

  g_ptr_array_add (parents, NULL);
  return script_new_now (id, (const char * const *)parents->pdata, message, branch_labels);
}

/**
 * strata_session_autogenerate_revision:
 * @self: a #StrataSession
 * @script: a revision from strata_session_new_revision()
 * @renames: (nullable) (array zero-terminated=1): "old=new" (a table) and
 *   "table.old=new" (a column): renames, not a drop and an add
 * @warnings: (out) (optional) (transfer full) (element-type utf8): what no
 *   operation expresses
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fills @script with the operations that take the schema at its parents
 * (and dependencies) to schema.json, verified, and writes their inverse
 * out as its downgrade (no downgrade when there is nothing to invert, so
 * that the inverse is computed from what the author writes).
 *
 * Returns: (transfer full): the diff (its operations, rename hints and
 *   warnings), or %NULL with @error set
 */
StrataDiff *
strata_session_autogenerate_revision (StrataSession       *self,
                                      StrataScript        *script,
                                      const char * const  *renames,
                                      GPtrArray          **warnings,
                                      GCancellable        *cancellable,
                                      GError             **error)
{
  g_autoptr(GPtrArray) downgrade = NULL;
  StrataDiff *diff;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  if (!(diff = strata_session_autogenerate (self, strata_script_get_down_revisions (script),
                                            strata_script_get_depends_on (script), renames,
                                            &downgrade, warnings, cancellable, error)))
    return NULL;

  strata_script_set_upgrade (script, strata_diff_get_ops (diff));
  if (downgrade != NULL && downgrade->len > 0)
    strata_script_set_downgrade (script, downgrade);

  return diff;
}

typedef struct
{
  StrataScript *script;
  char        **renames;
  GPtrArray    *warnings;
} AutogenerateData;

static void
autogenerate_data_free (gpointer data)
{
  AutogenerateData *autogenerate = data;

  g_object_unref (autogenerate->script);
  g_strfreev (autogenerate->renames);
  g_clear_pointer (&autogenerate->warnings, g_ptr_array_unref);
  g_free (autogenerate);
}

static gpointer
autogenerate_func (StrataSession  *self,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  AutogenerateData *autogenerate = data;

  return strata_session_autogenerate_revision (self, autogenerate->script,
                                               (const char * const *)autogenerate->renames,
                                               &autogenerate->warnings, cancellable, error);
}

/**
 * strata_session_autogenerate_revision_async:
 * @self: a #StrataSession
 * @script: a revision from strata_session_new_revision()
 * @renames: (nullable) (array zero-terminated=1): rename hints
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_autogenerate_revision() in a worker thread. Do not touch
 * @script until @callback runs.
 */
void
strata_session_autogenerate_revision_async (StrataSession       *self,
                                            StrataScript        *script,
                                            const char * const  *renames,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  AutogenerateData *autogenerate;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_SCRIPT (script));

  autogenerate = g_new0 (AutogenerateData, 1);
  autogenerate->script = g_object_ref (script);
  autogenerate->renames = g_strdupv ((char **)renames);

  session_call_async (self, strata_session_autogenerate_revision_async, autogenerate_func, autogenerate,
                      autogenerate_data_free, g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_autogenerate_revision_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @warnings: (out) (optional) (transfer full) (element-type utf8): what no
 *   operation expresses
 * @error: return location for a #GError
 *
 * Finishes strata_session_autogenerate_revision_async().
 *
 * Returns: (transfer full): the diff, or %NULL with @error set
 */
StrataDiff *
strata_session_autogenerate_revision_finish (StrataSession  *self,
                                             GAsyncResult   *result,
                                             GPtrArray     **warnings,
                                             GError        **error)
{
  StrataDiff *diff = session_call_finish (self, result, strata_session_autogenerate_revision_async, error);
  AutogenerateData *autogenerate;

  if (warnings != NULL)
    *warnings = NULL;
  if (warnings != NULL && diff != NULL)
    {
      autogenerate = ((SessionCall *)g_task_get_task_data (G_TASK (result)))->data;
      if (autogenerate->warnings != NULL)
        *warnings = g_ptr_array_ref (autogenerate->warnings);
    }

  return diff;
}

/**
 * strata_session_write_revision:
 * @self: a #StrataSession
 * @script: a revision from strata_session_new_revision() or
 *   strata_session_new_merge()
 * @error: return location for a #GError
 *
 * Writes @script into the project's migrations folder, after checking that
 * it fits in the graph (labels unique, parents known). The session's graph
 * does not hold it until the project is read again.
 *
 * Returns: (transfer full): the file written, or %NULL with @error set
 */
GFile *
strata_session_write_revision (StrataSession  *self,
                               StrataScript   *script,
                               GError        **error)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(StrataGraph) check = NULL;
  g_autoptr(GFile) file = NULL;
  GPtrArray *existing;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  if (!(graph = strata_session_get_graph (self, error)))
    return NULL;

  existing = strata_graph_get_scripts (graph);
  all = g_ptr_array_new_full (existing->len + 1, g_object_unref);
  for (guint i = 0; i < existing->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (existing, i)));
  g_ptr_array_add (all, g_object_ref (script));
  if (!(check = strata_graph_new (all, error)))
    return NULL;

  if (!strata_script_write (script, strata_project_get_migrations_dir (self->project), &file, error))
    return NULL;

  return g_steal_pointer (&file);
}

static gpointer
write_revision_func (StrataSession  *self,
                     gpointer        data,
                     GCancellable   *cancellable,
                     GError        **error)
{
  return strata_session_write_revision (self, data, error);
}

/**
 * strata_session_write_revision_async:
 * @self: a #StrataSession
 * @script: the revision to write
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_write_revision() in a worker thread.
 */
void
strata_session_write_revision_async (StrataSession       *self,
                                     StrataScript        *script,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_SCRIPT (script));

  session_call_async (self, strata_session_write_revision_async, write_revision_func, g_object_ref (script),
                      g_object_unref, g_object_unref, cancellable, callback, user_data);
}

/**
 * strata_session_write_revision_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_write_revision_async().
 *
 * Returns: (transfer full): the file written, or %NULL with @error set
 */
GFile *
strata_session_write_revision_finish (StrataSession  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  return session_call_finish (self, result, strata_session_write_revision_async, error);
}

/* }}} */

/* Schema browser and drift repair {{{ */

typedef struct
{
  char  *target;
  int    dialect;
} SchemaAt;

static void
schema_at_free (gpointer data)
{
  SchemaAt *at = data;

  g_free (at->target);
  g_free (at);
}

static gpointer
schema_at_new (const char *target,
               int         dialect)
{
  SchemaAt *at = g_new0 (SchemaAt, 1);

  at->target = g_strdup (target);
  at->dialect = dialect;

  return at;
}

/**
 * strata_session_schema_at_revision:
 * @self: a #StrataSession
 * @target: (nullable): a target as `upgrade` takes it (`head`, `heads`,
 *   `base`, a revision or unique prefix, `label@head`, …); %NULL means head
 * @dialect: the #StrataDialect whose schema to replay (operations limited to
 *   other dialects left out), or -1 for the portable schema
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The schema a database upgraded to @target has, replayed from the
 * migrations alone: no database is needed. `base` is the empty schema.
 * An unknown or ambiguous target is %STRATA_ERROR_UNKNOWN_REVISION or
 * %STRATA_ERROR_AMBIGUOUS; a migration that does not replay names its
 * revision, file and operation.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_session_schema_at_revision (StrataSession  *self,
                                   const char     *target,
                                   int             dialect,
                                   GCancellable   *cancellable,
                                   GError        **error)
{
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(heads = strata_graph_resolve_target (graph, NULL, target, STRATA_DIRECTION_UP, error)))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return strata_model_new_for_heads_for_dialect (graph, (const char * const *)heads, dialect, error);
}

static gpointer
schema_at_func (StrataSession  *self,
                gpointer        data,
                GCancellable   *cancellable,
                GError        **error)
{
  SchemaAt *at = data;

  return strata_session_schema_at_revision (self, at->target, at->dialect, cancellable, error);
}

/**
 * strata_session_schema_at_revision_async:
 * @self: a #StrataSession
 * @target: (nullable): the target (see strata_session_schema_at_revision())
 * @dialect: a #StrataDialect, or -1
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_schema_at_revision() in a worker thread.
 */
void
strata_session_schema_at_revision_async (StrataSession       *self,
                                         const char          *target,
                                         int                  dialect,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_schema_at_revision_async, schema_at_func,
                      schema_at_new (target, dialect), schema_at_free,
                      (GDestroyNotify)strata_model_unref, cancellable, callback, user_data);
}

/**
 * strata_session_schema_at_revision_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_schema_at_revision_async().
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_session_schema_at_revision_finish (StrataSession  *self,
                                          GAsyncResult   *result,
                                          GError        **error)
{
  return session_call_finish (self, result, strata_session_schema_at_revision_async, error);
}

/**
 * strata_session_schema_before_revision:
 * @self: a #StrataSession
 * @revision: a revision, unique prefix or branch label
 * @dialect: a #StrataDialect, or -1 for the portable schema
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The schema @revision's upgrade starts from: its ancestors and what it
 * depends on, replayed. With strata_session_schema_at_revision() for the
 * same revision, the schema before and after its step.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_session_schema_before_revision (StrataSession  *self,
                                       const char     *revision,
                                       int             dialect,
                                       GCancellable   *cancellable,
                                       GError        **error)
{
  StrataGraph *graph;
  StrataScript *script;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (revision != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(script = strata_graph_resolve (graph, revision, error)))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return strata_model_new_before_revision_for_dialect (graph, script, dialect, error);
}

static gpointer
schema_before_func (StrataSession  *self,
                    gpointer        data,
                    GCancellable   *cancellable,
                    GError        **error)
{
  SchemaAt *at = data;

  return strata_session_schema_before_revision (self, at->target, at->dialect, cancellable, error);
}

/**
 * strata_session_schema_before_revision_async:
 * @self: a #StrataSession
 * @revision: a revision, unique prefix or branch label
 * @dialect: a #StrataDialect, or -1
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_schema_before_revision() in a worker thread.
 */
void
strata_session_schema_before_revision_async (StrataSession       *self,
                                             const char          *revision,
                                             int                  dialect,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (revision != NULL);

  session_call_async (self, strata_session_schema_before_revision_async, schema_before_func,
                      schema_at_new (revision, dialect), schema_at_free,
                      (GDestroyNotify)strata_model_unref, cancellable, callback, user_data);
}

/**
 * strata_session_schema_before_revision_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_schema_before_revision_async().
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_session_schema_before_revision_finish (StrataSession  *self,
                                              GAsyncResult   *result,
                                              GError        **error)
{
  return session_call_finish (self, result, strata_session_schema_before_revision_async, error);
}

/**
 * strata_session_introspect:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The live database's schema (in the session's schema), read from its
 * catalog: tables but the version and history tables, columns, keys,
 * indexes, constraints and enum types. What `inspect` writes and drift
 * compares.
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_session_introspect (StrataSession  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(GError) local_error = NULL;
  StrataModel *model = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);

  if ((migrator = strata_session_open_migrator (self, cancellable, &local_error)))
    model = strata_adopt_inspect (migrator, cancellable, &local_error);
  if (model == NULL)
    {
      drop_internal_statement (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return model;
}

static gpointer
introspect_func (StrataSession  *self,
                 gpointer        data,
                 GCancellable   *cancellable,
                 GError        **error)
{
  return strata_session_introspect (self, cancellable, error);
}

/**
 * strata_session_introspect_async:
 * @self: a #StrataSession
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_introspect() in a worker thread.
 */
void
strata_session_introspect_async (StrataSession       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));

  session_call_async (self, strata_session_introspect_async, introspect_func, NULL, NULL,
                      (GDestroyNotify)strata_model_unref, cancellable, callback, user_data);
}

/**
 * strata_session_introspect_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_introspect_async().
 *
 * Returns: (transfer full): the schema, or %NULL with @error set
 */
StrataModel *
strata_session_introspect_finish (StrataSession  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return session_call_finish (self, result, strata_session_introspect_async, error);
}

/**
 * strata_session_render_drift_repair:
 * @self: a #StrataSession
 * @drift: differences from strata_session_check_drift()
 * @error: return location for a #GError
 *
 * The SQL script that takes the live database back to the schema its
 * revision should have, for the database's dialect, with the table
 * rebuilds SQLite needs. A difference no operation expresses (a changed
 * primary key, …) is a `--` comment at the top, to be done by hand. It is
 * a script to review and run by hand: the version table is not touched.
 *
 * Returns: (transfer full): the script (empty without drift), or %NULL
 *   with @error set
 */
char *
strata_session_render_drift_repair (StrataSession  *self,
                                    StrataDiff     *drift,
                                    GError        **error)
{
  g_autoptr(StrataDiff) back = NULL;
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) rebuilt = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *warnings;
  GString *text;
  int dialect;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_DIFF (drift), NULL);

  dialect = strata_diff_get_dialect (drift);
  if (dialect < 0)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("drift repair: the differences are not those of a database (no dialect)"));
      return NULL;
    }

  back = strata_diff_new (strata_diff_get_to (drift), strata_diff_get_from (drift));
  strata_diff_set_labels (back, _("the database"), _("its revision"));
  strata_diff_set_dialect (back, dialect);
  if (!strata_diff_compute (back, error))
    return NULL;

  state = strata_model_copy (strata_diff_get_to (drift));
  if (!(statements = strata_dialect_render_ops_with_model (dialect, strata_diff_get_ops (back), state,
                                                           rebuilt, error)))
    {
      g_prefix_error (error, _("drift repair: "));
      return NULL;
    }

  text = g_string_new (NULL);
  warnings = strata_diff_get_warnings (back);
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    g_string_append_printf (text, "-- by hand: %s\n", (const char *)g_ptr_array_index (warnings, i));
  if (warnings != NULL && warnings->len > 0)
    g_string_append_c (text, '\n');
  for (guint i = 0; i < statements->len; i++)
    g_string_append_printf (text, "%s;\n", (const char *)g_ptr_array_index (statements, i));

  return g_string_free (text, FALSE);
}

typedef struct
{
  StrataDiff  *drift;
} DriftRepair;

static void
drift_repair_free (gpointer data)
{
  DriftRepair *repair = data;

  g_clear_object (&repair->drift);
  g_free (repair);
}

static gpointer
drift_repair_func (StrataSession  *self,
                   gpointer        data,
                   GCancellable   *cancellable,
                   GError        **error)
{
  DriftRepair *repair = data;

  return strata_session_render_drift_repair (self, repair->drift, error);
}

/**
 * strata_session_render_drift_repair_async:
 * @self: a #StrataSession
 * @drift: differences from strata_session_check_drift()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_render_drift_repair() in a worker thread.
 */
void
strata_session_render_drift_repair_async (StrataSession       *self,
                                          StrataDiff          *drift,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  DriftRepair *repair;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_DIFF (drift));

  repair = g_new0 (DriftRepair, 1);
  repair->drift = g_object_ref (drift);
  session_call_async (self, strata_session_render_drift_repair_async, drift_repair_func,
                      repair, drift_repair_free, g_free, cancellable, callback, user_data);
}

/**
 * strata_session_render_drift_repair_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_render_drift_repair_async().
 *
 * Returns: (transfer full): the script, or %NULL with @error set
 */
char *
strata_session_render_drift_repair_finish (StrataSession  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  return session_call_finish (self, result, strata_session_render_drift_repair_async, error);
}

/**
 * strata_session_new_drift_adoption:
 * @self: a #StrataSession
 * @drift: differences from strata_session_check_drift()
 * @heads: (array zero-terminated=1): the revisions the database is at
 * @message: (nullable): the new revision's message
 * @error: return location for a #GError
 *
 * A new revision that adopts the drift: on top of @heads, its upgrade the
 * operations that take the schema of @heads to the live one (its downgrade
 * computed). Written with strata_script_write(), it is the file `strata
 * revision` writes; the database then needs `stamp` to it, since it has the
 * change already. Differences no operation expresses make no operation
 * (strata_diff_get_warnings() names them).
 *
 * Returns: (transfer full): the revision, not yet written, or %NULL with
 *   @error set
 */
StrataScript *
strata_session_new_drift_adoption (StrataSession       *self,
                                   StrataDiff          *drift,
                                   const char * const  *heads,
                                   const char          *message,
                                   GError             **error)
{
  g_autofree char *revision = NULL;
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (STRATA_IS_DIFF (drift), NULL);
  g_return_val_if_fail (heads != NULL, NULL);

  if (strata_diff_get_ops (drift) == NULL || strata_diff_get_ops (drift)->len == 0)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("drift adoption: no operation expresses the differences"));
      return NULL;
    }

  revision = strata_revision_generate_id ();
  script = strata_script_new (revision, heads, message != NULL ? message : "adopt drift");
  now = g_date_time_new_now_utc ();
  strata_script_set_created (script, now);
  strata_script_set_upgrade (script, strata_diff_get_ops (drift));

  return g_steal_pointer (&script);
}

/* }}} */
