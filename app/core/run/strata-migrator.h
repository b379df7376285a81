/* strata-migrator.h: runs a plan against a driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_MIGRATOR (strata_migrator_get_type ())

G_DECLARE_FINAL_TYPE (StrataMigrator, strata_migrator, STRATA, MIGRATOR, GObject)

#define STRATA_DEFAULT_VERSION_TABLE "strata_version"
#define STRATA_DEFAULT_HISTORY_TABLE "strata_history"

/* Signals (emitted in the thread that calls strata_migrator_run, and in the
 * caller's main context for strata_migrator_run_async):
 *   "step-started"  (StrataStep *step, guint index, guint n_steps)
 *   "step-finished" (StrataStep *step, guint index, guint n_steps, double seconds)
 *   "statement"     (StrataStep *step, const char *sql)
 */
StrataMigrator  *strata_migrator_new                (StrataDriver        *driver,
                                                     StrataGraph         *graph);
StrataDriver    *strata_migrator_get_driver         (StrataMigrator      *self);
StrataGraph     *strata_migrator_get_graph          (StrataMigrator      *self);
void             strata_migrator_set_version_table  (StrataMigrator      *self,
                                                     const char          *version_table);
const char      *strata_migrator_get_version_table  (StrataMigrator      *self);
void             strata_migrator_set_history_table  (StrataMigrator      *self,
                                                     const char          *history_table);
const char      *strata_migrator_get_history_table  (StrataMigrator      *self);
/* PostgreSQL session settings, sent before the migrator's first statement
 * (set them before that); ignored on SQLite. @schema holds the version and
 * history tables and goes first in the search_path (NULL: as connected);
 * timeouts are milliseconds, 0 for none, -1 for the server's setting. */
void             strata_migrator_set_schema         (StrataMigrator      *self,
                                                     const char          *schema);
const char      *strata_migrator_get_schema         (StrataMigrator      *self);
/* PostgreSQL: how long a statement waits for a table lock when neither the
 * migrator (strata_migrator_set_lock_timeout), the role nor the server sets
 * a lock_timeout. */
#define STRATA_MIGRATOR_DEFAULT_LOCK_TIMEOUT_MS 60000

void             strata_migrator_set_lock_timeout   (StrataMigrator      *self,
                                                     int                  msec);
int              strata_migrator_get_lock_timeout   (StrataMigrator      *self);
void             strata_migrator_set_statement_timeout (StrataMigrator   *self,
                                                        int               msec);
int              strata_migrator_get_statement_timeout (StrataMigrator   *self);

/* The version-table rows (sorted); an empty vector when the table does not
 * exist yet. */
char           **strata_migrator_get_current_heads  (StrataMigrator      *self,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
/* Runs every step, each in its own transaction with its version-table change
 * and its history row (or outside one for "transactional": false), re-reading
 * the version table inside the transaction. Stops at the first error with the
 * database at the last good revision; the error names the revision, its file
 * and the statement. */
gboolean         strata_migrator_run                (StrataMigrator      *self,
                                                     StrataPlan          *plan,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
void             strata_migrator_run_async          (StrataMigrator      *self,
                                                     StrataPlan          *plan,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean         strata_migrator_run_finish         (StrataMigrator      *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);
/* Sets the version table to @heads without running migrations, with a
 * history row per revision marked "stamp". */
gboolean         strata_migrator_stamp              (StrataMigrator      *self,
                                                     const char * const  *heads,
                                                     GCancellable        *cancellable,
                                                     GError             **error);
/* Rows of the history table, newest first (empty when it does not exist):
 * columns id, revision, direction, checksum, started, finished, duration_ms,
 * os_user, host, tool_version, outcome. */
StrataResult    *strata_migrator_get_history        (StrataMigrator      *self,
                                                     GCancellable        *cancellable,
                                                     GError             **error);

/* Offline SQL for a plan (upgrade/downgrade --sql), with the version-table
 * statements, for @dialect, without connecting. */
char            *strata_migrator_render_offline_sql (StrataGraph         *graph,
                                                     StrataPlan          *plan,
                                                     StrataDialect        dialect,
                                                     const char          *version_table,
                                                     GError             **error);
/* The same, with what a run sets up first on PostgreSQL: @schema (created,
 * first in the search_path) and the timeouts (milliseconds, -1 for none). */
char            *strata_migrator_render_offline_script (StrataGraph      *graph,
                                                        StrataPlan       *plan,
                                                        StrataDialect     dialect,
                                                        const char       *version_table,
                                                        const char       *schema,
                                                        int               lock_timeout,
                                                        int               statement_timeout,
                                                        GError          **error);
/* The same as `--sql` prints it: a script that guards itself (each
 * migration checks the version table first), holds PostgreSQL's advisory
 * lock and writes history rows to @history_table (NULL: the default). */
char            *strata_migrator_render_guarded_script (StrataGraph      *graph,
                                                        StrataPlan       *plan,
                                                        StrataDialect     dialect,
                                                        const char       *version_table,
                                                        const char       *history_table,
                                                        const char       *schema,
                                                        int               lock_timeout,
                                                        int               statement_timeout,
                                                        GError          **error);
/* The statements a step runs (its operations rendered for @dialect; the
 * computed inverse when a downgrade has none). */
GPtrArray       *strata_migrator_render_step        (StrataStep          *step,
                                                     StrataDialect        dialect,
                                                     GError             **error);
/* The statements a step runs with the schema replayed from @graph up to the
 * step: SQLite table rebuilds where SQLite cannot ALTER in place (their
 * tables go to @rebuilt, which may be NULL), and the inverse of an upgrade
 * computed from the schema, so that drops invert too. What the migrator runs
 * and what a plan review should show. */
GPtrArray       *strata_migrator_render_step_for_graph (StrataGraph      *graph,
                                                        StrataStep       *step,
                                                        StrataDialect     dialect,
                                                        GPtrArray        *rebuilt,
                                                        GError          **error);
/* The schema the migrations up to @heads make, as the engine of @driver
 * itself has it (raw SQL's objects included): what drift compares a
 * database with. */
StrataModel     *strata_migrator_dup_expected_schema (StrataGraph        *graph,
                                                      const char * const *heads,
                                                      StrataDriver       *driver,
                                                      const char * const *exclude,
                                                      GCancellable       *cancellable,
                                                      GError            **error);

G_END_DECLS
