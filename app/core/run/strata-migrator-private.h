/* strata-migrator-private.h: the migrator's parts, for its own files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-driver-private.h"
#include "strata-migrator.h"

G_BEGIN_DECLS

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

/* strata-migrator-history.c: the version and history tables. */
gboolean  _strata_migrator_uses_schema          (StrataMigrator      *self);
/* "schema.table" when the bookkeeping tables live in a schema of their own
 * (the name strata_driver_table_exists() and the run's lock take). */
char     *_strata_migrator_table_name           (StrataMigrator      *self,
                                                 const char          *table);
/* The quoted (and qualified) name of a bookkeeping table. */
char     *_strata_migrator_quote_table          (StrataMigrator      *self,
                                                 const char          *table);
gboolean  _strata_migrator_ensure_session       (StrataMigrator      *self,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void      _strata_migrator_clear_sql            (StrataMigrator      *self);
/* Rolls back, forgetting that the tables exist (the rollback may have
 * undone their creation). */
void      _strata_migrator_rollback             (StrataMigrator      *self);
gboolean  _strata_migrator_ensure_tables        (StrataMigrator      *self,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
char    **_strata_migrator_read_heads           (StrataMigrator      *self,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
gboolean  _strata_migrator_update_heads         (StrataMigrator      *self,
                                                 const char * const  *removed,
                                                 const char * const  *added,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
gboolean  _strata_migrator_insert_history       (StrataMigrator      *self,
                                                 const char          *revision,
                                                 const char          *direction,
                                                 const char          *checksum,
                                                 GDateTime           *started,
                                                 GDateTime           *finished,
                                                 const char          *outcome,
                                                 const char          *stored,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
const char *_strata_direction_name              (StrataDirection      direction);
/* A failed or cancelled step's history row, best effort, in a transaction
 * of its own. */
void      _strata_migrator_record_failure       (StrataMigrator      *self,
                                                 StrataStep          *step,
                                                 GDateTime           *started,
                                                 const GError        *failure);
/* A step's version-table change and its history row, in the caller's
 * transaction. */
gboolean  _strata_migrator_record_step          (StrataMigrator      *self,
                                                 StrataStep          *step,
                                                 GDateTime           *started,
                                                 const char          *stored,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
char     *_strata_migrator_render_batch_body    (StrataMigrator      *self,
                                                 StrataStep          *step,
                                                 GPtrArray           *statements,
                                                 const char          *stored);

/* strata-migrator-offline.c: a step's statements; with @state (the schema
 * before the step, which the operations are applied to) SQLite table
 * rebuilds where needed, their tables going to @rebuilt. */
GPtrArray *_strata_migrator_render_step_with_state (StrataGraph      *graph,
                                                    StrataStep       *step,
                                                    GPtrArray        *ops,
                                                    StrataDialect     dialect,
                                                    StrataModel      *state,
                                                    GPtrArray        *rebuilt,
                                                    GError          **error);

/* One operation of a step rendered from @db as it is now (SQLite: a
 * rebuild from the live table), or with @db NULL as far as the schema
 * allows (a rebuild is then left to the run: nothing). @state (nullable) is
 * the schema of @db's dialect before @op, advanced past it: names are
 * checked against it, and what only the schema tells (enum types on
 * SQLite) is rendered from it. Operations for other dialects: nothing. */
GPtrArray *_strata_migrator_render_op_live (StrataDriver     *db,
                                            StrataDialect     dialect,
                                            StrataOp         *op,
                                            StrataModel      *state,
                                            GPtrArray        *rebuilt,
                                            GCancellable     *cancellable,
                                            GError          **error);

/* strata-migrator-resume.c: a non-transactional step's progress in its
 * history row (outcome "partial", statements_done), in autocommit. Begin
 * takes up the row of an interrupted attempt of the same file (@resumed,
 * with @done statements completed) or inserts one; prepare, before the
 * statement a resumed step was interrupted in, skips a CREATE INDEX
 * CONCURRENTLY whose index is valid (an INVALID one is the driver's to drop:
 * _strata_driver_prepare_autocommit); progress counts a completed statement; finish, in the
 * transaction that records the step, marks a resumed attempt "interrupted"
 * and removes the row of one that was not. */
gboolean  _strata_resume_begin                  (StrataMigrator      *self,
                                                 StrataStep          *step,
                                                 GPtrArray           *statements,
                                                 char               **row_id,
                                                 guint               *done,
                                                 gboolean            *resumed,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
gboolean  _strata_resume_prepare                (StrataMigrator      *self,
                                                 const char          *sql,
                                                 gboolean            *skip,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
gboolean  _strata_resume_progress               (StrataMigrator      *self,
                                                 const char          *row_id,
                                                 GPtrArray           *statements,
                                                 guint                done,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
gboolean  _strata_resume_finish                 (StrataMigrator      *self,
                                                 const char          *row_id,
                                                 gboolean             resumed,
                                                 GCancellable        *cancellable,
                                                 GError             **error);

G_END_DECLS
