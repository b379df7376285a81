/* strata-session.h: the use cases, over a project, a profile and the
 * revision graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-model.h"
#include "strata-plan-file.h"
#include "strata-profile.h"
#include "strata-types.h"

G_BEGIN_DECLS

/* StrataHistoryRecord: one row of the history table. */
typedef struct _StrataHistoryRecord StrataHistoryRecord;

struct _StrataHistoryRecord
{
  gint64  id;
  char   *revision;
  /* "up", "down", "stamp", "unstamp" */
  char   *direction;
  char   *checksum;
  /* ISO 8601 UTC */
  char   *started;
  char   *finished;
  gint64  duration_ms;
  char   *os_user;
  char   *host;
  char   *tool_version;
  /* "success", "failed", "cancelled" */
  char   *outcome;
};

#define STRATA_TYPE_HISTORY_RECORD (strata_history_record_get_type ())
GType                strata_history_record_get_type (void) G_GNUC_CONST;
StrataHistoryRecord *strata_history_record_copy     (const StrataHistoryRecord *record);
void                 strata_history_record_free     (StrataHistoryRecord       *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataHistoryRecord, strata_history_record_free)

/* StrataDatabaseState: what a database holds, read in one go. */
#define STRATA_TYPE_DATABASE_STATE (strata_database_state_get_type ())
G_DECLARE_FINAL_TYPE (StrataDatabaseState, strata_database_state, STRATA, DATABASE_STATE, GObject)

const char * const *strata_database_state_get_heads    (StrataDatabaseState *self);
GPtrArray          *strata_database_state_get_history  (StrataDatabaseState *self);
gboolean            strata_database_state_get_exists   (StrataDatabaseState *self);

/* StrataStepReview: what one step of a plan will run. */
#define STRATA_TYPE_STEP_REVIEW (strata_step_review_get_type ())
G_DECLARE_FINAL_TYPE (StrataStepReview, strata_step_review, STRATA, STEP_REVIEW, GObject)

StrataStep         *strata_step_review_get_step        (StrataStepReview    *self);
GPtrArray          *strata_step_review_get_operations  (StrataStepReview    *self);
GPtrArray          *strata_step_review_get_statements  (StrataStepReview    *self);
GPtrArray          *strata_step_review_get_findings    (StrataStepReview    *self);
const GError       *strata_step_review_get_error       (StrataStepReview    *self);

#define STRATA_TYPE_SESSION (strata_session_get_type ())
G_DECLARE_FINAL_TYPE (StrataSession, strata_session, STRATA, SESSION, GObject)

StrataSession      *strata_session_new                 (StrataProject       *project,
                                                        StrataProfile       *profile);
StrataProject      *strata_session_get_project         (StrataSession       *self);
StrataProfile      *strata_session_get_profile         (StrataSession       *self);
void                strata_session_set_profile         (StrataSession       *self,
                                                        StrataProfile       *profile);
StrataGraph        *strata_session_get_graph           (StrataSession       *self,
                                                        GError             **error);
void                strata_session_set_graph           (StrataSession       *self,
                                                        StrataGraph         *graph);

/* Settings that override strata.ini's (command-line options). */
void                strata_session_set_schema          (StrataSession       *self,
                                                        const char          *schema);
void                strata_session_set_lock_timeout    (StrataSession       *self,
                                                        int                  msec);
void                strata_session_set_statement_timeout (StrataSession     *self,
                                                          int                msec);
/* What a run uses: the override, else strata.ini's (for the profile). */
char               *strata_session_dup_schema          (StrataSession       *self);
int                 strata_session_get_lock_timeout    (StrataSession       *self);
int                 strata_session_get_statement_timeout (StrataSession     *self);

/* A connection made elsewhere (the app asks for the password itself). */
void                strata_session_set_driver          (StrataSession       *self,
                                                        StrataDriver        *driver);
StrataDriver       *strata_session_get_driver          (StrataSession       *self);
void                strata_session_set_prompt          (StrataSession       *self,
                                                        StrataPasswordPromptFunc prompt,
                                                        gpointer             prompt_data);

/* Open: the connection (made when none was set) and the migrator with every
 * project setting applied: version and history tables, schema=, lock and
 * statement timeouts (SQLite: the busy timeout). */
StrataMigrator     *strata_session_open_migrator       (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_open_migrator_async (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
StrataMigrator     *strata_session_open_migrator_finish (StrataSession      *self,
                                                         GAsyncResult       *result,
                                                         GError            **error);

/* State: the version table's heads and the history, typed. */
StrataDatabaseState *strata_session_read_state         (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_read_state_async    (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
StrataDatabaseState *strata_session_read_state_finish  (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* A plan from @heads (the database's) to @target. */
StrataPlan         *strata_session_plan                (StrataSession       *self,
                                                        StrataDirection      direction,
                                                        const char * const  *heads,
                                                        const char          *target,
                                                        GError             **error);

/* Review: per step its operations, its SQL for @dialect and its lint
 * findings for @dialect, all from strata_step_dup_operations() and the schema replayed
 * as the migrator replays it. */
GPtrArray          *strata_session_review_plan         (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        StrataDialect        dialect,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_review_plan_async   (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        StrataDialect        dialect,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray          *strata_session_review_plan_finish  (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* The same in batches: the list (of StrataStepReview, in plan order) grows
 * in the caller's main context as steps are reviewed; @callback runs once
 * the last batch is in it. */
GListModel         *strata_session_review_plan_in_batches (StrataSession      *self,
                                                           StrataPlan         *plan,
                                                           StrataDialect       dialect,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
gboolean            strata_session_review_plan_in_batches_finish (StrataSession  *self,
                                                                  GAsyncResult   *result,
                                                                  GError        **error);
/* One revision on its own: its upgrade from its down revisions and its
 * downgrade back to them (two StrataStepReview). */
GPtrArray          *strata_session_review_revision     (StrataSession       *self,
                                                        const char          *revision,
                                                        StrataDialect        dialect,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_review_revision_async (StrataSession       *self,
                                                          const char          *revision,
                                                          StrataDialect        dialect,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GPtrArray          *strata_session_review_revision_finish (StrataSession      *self,
                                                           GAsyncResult       *result,
                                                           GError            **error);
/* A plan to @target, down when the database has it applied, else up. */
StrataPlan         *strata_session_plan_to             (StrataSession       *self,
                                                        const char * const  *heads,
                                                        const char          *target,
                                                        GError             **error);
/* The files of a reviewed plan read again: those changed or gone since. */
GPtrArray          *strata_session_check_plan_files    (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_check_plan_files_async (StrataSession      *self,
                                                           StrataPlan         *plan,
                                                           GCancellable       *cancellable,
                                                           GAsyncReadyCallback callback,
                                                           gpointer            user_data);
GPtrArray          *strata_session_check_plan_files_finish (StrataSession     *self,
                                                            GAsyncResult      *result,
                                                            GError           **error);

/* Offline SQL (--sql) with the session's settings. */
char               *strata_session_render_offline      (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        StrataDialect        dialect,
                                                        GError             **error);

/* Apply or roll back: runs @plan; the session emits "step-started",
 * "step-finished" and "statement" as the migrator does (the async form in
 * the caller's main context), and "lock-waiting" (const char *holder). */
gboolean            strata_session_apply               (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_apply_async         (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            strata_session_apply_finish        (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Drift: the live schema against the one its revisions describe. */
StrataDiff         *strata_session_check_drift         (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_check_drift_async   (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
StrataDiff         *strata_session_check_drift_finish  (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Schema browser: the schema a database at @target has (`head`, `base`, a
 * revision, …), replayed from the migrations (no database needed), for
 * @dialect (a StrataDialect, or -1 for the portable schema). */
StrataModel        *strata_session_schema_at_revision  (StrataSession       *self,
                                                        const char          *target,
                                                        int                  dialect,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_schema_at_revision_async (StrataSession  *self,
                                                             const char     *target,
                                                             int             dialect,
                                                             GCancellable   *cancellable,
                                                             GAsyncReadyCallback callback,
                                                             gpointer        user_data);
StrataModel        *strata_session_schema_at_revision_finish (StrataSession *self,
                                                              GAsyncResult  *result,
                                                              GError       **error);

/* The schema @revision's step starts from (with the one above: the schema
 * before and after a step). */
StrataModel        *strata_session_schema_before_revision (StrataSession    *self,
                                                           const char       *revision,
                                                           int               dialect,
                                                           GCancellable     *cancellable,
                                                           GError          **error);
void                strata_session_schema_before_revision_async (StrataSession  *self,
                                                                 const char     *revision,
                                                                 int             dialect,
                                                                 GCancellable   *cancellable,
                                                                 GAsyncReadyCallback callback,
                                                                 gpointer        user_data);
StrataModel        *strata_session_schema_before_revision_finish (StrataSession *self,
                                                                  GAsyncResult  *result,
                                                                  GError       **error);

/* The live database's schema (introspection), without the version and
 * history tables. */
StrataModel        *strata_session_introspect          (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_introspect_async    (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
StrataModel        *strata_session_introspect_finish   (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Drift repair: the SQL that takes the live database back to the schema of
 * its revision (from strata_session_check_drift()'s differences). */
char               *strata_session_render_drift_repair (StrataSession       *self,
                                                        StrataDiff          *drift,
                                                        GError             **error);
void                strata_session_render_drift_repair_async (StrataSession *self,
                                                              StrataDiff    *drift,
                                                              GCancellable  *cancellable,
                                                              GAsyncReadyCallback callback,
                                                              gpointer       user_data);
char               *strata_session_render_drift_repair_finish (StrataSession *self,
                                                               GAsyncResult  *result,
                                                               GError       **error);
/* Drift adoption: a new revision on top of @heads whose upgrade is the
 * drift (not written; the database then needs a stamp). */
StrataScript       *strata_session_new_drift_adoption  (StrataSession       *self,
                                                        StrataDiff          *drift,
                                                        const char * const  *heads,
                                                        const char          *message,
                                                        GError             **error);

/* Check: schema.json against the migrations' heads (no database). */
StrataDiff         *strata_session_check_model         (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);

/* Autogenerate: the operations that take the schema at @parents (and
 * @depends_on) to schema.json, verified, and their inverse. */
StrataDiff         *strata_session_autogenerate        (StrataSession       *self,
                                                        const char * const  *parents,
                                                        const char * const  *depends_on,
                                                        const char * const  *renames,
                                                        GPtrArray          **downgrade,
                                                        GPtrArray          **warnings,
                                                        GCancellable        *cancellable,
                                                        GError             **error);

/* The version rows through the state cache (recorded for a SQLite file). */
char              **strata_session_read_heads          (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
/* An empty upgrade plan known without opening an unchanged SQLite file. */
StrataPlan         *strata_session_plan_unchanged      (StrataSession       *self,
                                                        const char          *target);

/* Stamp: set the version table without running migrations. */
char              **strata_session_stamp               (StrataSession       *self,
                                                        const char          *target,
                                                        gboolean             purge,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_stamp_async         (StrataSession       *self,
                                                        const char          *target,
                                                        gboolean             purge,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char              **strata_session_stamp_finish        (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Lint: each revision's upgrade on the schema replayed up to it. */
GPtrArray          *strata_session_lint                (StrataSession       *self,
                                                        const char * const  *revisions,
                                                        guint               *n_revisions,
                                                        GError             **error);

/* Validate: the checksums of applied revisions in the history table
 * against the files, and failed attempts. Returns the issues
 * (StrataValidateIssue, empty when there is none). */
GPtrArray          *strata_session_validate            (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_validate_async      (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray          *strata_session_validate_finish     (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Deploy: the workflows of a production deploy, each whole (validate,
 * repair, reviewed plan files, the log, adopting a database, the copies
 * the history stored of applied revisions). */

/* The heads a stamp would leave, checked without touching the database. */
char              **strata_session_plan_stamp          (StrataSession       *self,
                                                        const char * const  *heads,
                                                        const char          *target,
                                                        gboolean             purge,
                                                        GError             **error);

/* Offline (--sql): a plan from a given start, and a plan as data. */
StrataPlan         *strata_session_plan_from           (StrataSession       *self,
                                                        StrataDirection      direction,
                                                        const char          *from,
                                                        const char          *target,
                                                        GError             **error);
StrataPlanFile     *strata_session_describe_plan       (StrataSession       *self,
                                                        StrataPlan          *plan,
                                                        StrataDialect        dialect,
                                                        GError             **error);

/* Whether the database is there, without creating a SQLite file. */
gboolean            strata_session_database_exists     (StrataSession       *self,
                                                        gboolean            *exists,
                                                        GError             **error);

/* The heads, and the graph with the history's stored copies of applied
 * revisions whose files are absent (another branch checked out). */
char              **strata_session_read_heads_with_stored        (StrataSession       *self,
                                                                  GCancellable        *cancellable,
                                                                  GError             **error);
void                strata_session_read_heads_with_stored_async  (StrataSession       *self,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
char              **strata_session_read_heads_with_stored_finish (StrataSession       *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

/* Flyway's validate-on-migrate: an error when an applied revision's file
 * was edited since. */
gboolean            strata_session_validate_before_run        (StrataSession       *self,
                                                               GCancellable        *cancellable,
                                                               GError             **error);
void                strata_session_validate_before_run_async  (StrataSession       *self,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
gboolean            strata_session_validate_before_run_finish (StrataSession       *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* Repair: re-record edited checksums, remove failed attempts. */
gboolean            strata_session_repair              (StrataSession       *self,
                                                        GPtrArray           *issues,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_repair_async        (StrataSession       *self,
                                                        GPtrArray           *issues,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            strata_session_repair_finish       (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* The log: applied, reverted, failed and pending revisions. */
GPtrArray          *strata_session_read_log            (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_read_log_async      (StrataSession       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray          *strata_session_read_log_finish     (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Inspect: the live schema, written to @file when one is given. */
StrataModel        *strata_session_inspect             (StrataSession       *self,
                                                        GFile               *file,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_inspect_async       (StrataSession       *self,
                                                        GFile               *file,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
StrataModel        *strata_session_inspect_finish      (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Baseline: a first revision equal to the live schema, written and
 * stamped. */
StrataScript       *strata_session_baseline            (StrataSession       *self,
                                                        const char          *revision,
                                                        const char          *message,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void                strata_session_baseline_async      (StrataSession       *self,
                                                        const char          *revision,
                                                        const char          *message,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
StrataScript       *strata_session_baseline_finish     (StrataSession       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* A reviewed plan: the exact steps and SQL from the database's state to
 * @target with a hash of their inputs, written to @file when given. */
StrataPlanFile     *strata_session_write_plan_file        (StrataSession       *self,
                                                           StrataDirection      direction,
                                                           const char          *target,
                                                           GFile               *file,
                                                           GCancellable        *cancellable,
                                                           GError             **error);
void                strata_session_write_plan_file_async  (StrataSession       *self,
                                                           StrataDirection      direction,
                                                           const char          *target,
                                                           GFile               *file,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
StrataPlanFile     *strata_session_write_plan_file_finish (StrataSession       *self,
                                                           GAsyncResult        *result,
                                                           GError             **error);

/* The plan of a reviewed plan file made again from the database: refused
 * unless every input is what the reviewer saw. */
StrataPlanFile     *strata_session_verify_plan_file        (StrataSession       *self,
                                                            StrataPlanFile      *reviewed,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
void                strata_session_verify_plan_file_async  (StrataSession       *self,
                                                            StrataPlanFile      *reviewed,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
StrataPlanFile     *strata_session_verify_plan_file_finish (StrataSession       *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/* Authoring: a new revision (or merge), filled from schema.json or not,
 * then written. */
StrataScript       *strata_session_new_revision        (StrataSession       *self,
                                                        const char          *message,
                                                        const char          *head,
                                                        gboolean             splice,
                                                        const char * const  *branch_labels,
                                                        const char * const  *depends_on,
                                                        const char          *revision,
                                                        GError             **error);
StrataScript       *strata_session_new_merge           (StrataSession       *self,
                                                        const char          *message,
                                                        const char * const  *revisions,
                                                        const char * const  *branch_labels,
                                                        const char          *revision,
                                                        GError             **error);
StrataDiff         *strata_session_autogenerate_revision        (StrataSession       *self,
                                                                 StrataScript        *script,
                                                                 const char * const  *renames,
                                                                 GPtrArray          **warnings,
                                                                 GCancellable        *cancellable,
                                                                 GError             **error);
void                strata_session_autogenerate_revision_async  (StrataSession       *self,
                                                                 StrataScript        *script,
                                                                 const char * const  *renames,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
StrataDiff         *strata_session_autogenerate_revision_finish (StrataSession       *self,
                                                                 GAsyncResult        *result,
                                                                 GPtrArray          **warnings,
                                                                 GError             **error);
GFile              *strata_session_write_revision        (StrataSession       *self,
                                                          StrataScript        *script,
                                                          GError             **error);
void                strata_session_write_revision_async  (StrataSession       *self,
                                                          StrataScript        *script,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
GFile              *strata_session_write_revision_finish (StrataSession       *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

G_END_DECLS
