/* strata-driver-private.h: the driver class and helpers for its subclasses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sqlite3.h>

#include "strata-driver.h"
#include "strata-driver-sqlite.h"
#include "strata-url.h"
#include "strata-loader-private.h"
#include "strata-model.h"
#include "strata-ops.h"

G_BEGIN_DECLS

/* In an authentication error: a password was sent, and refused (as opposed
 * to none given). Followed by where it came from. Marked with N_(): the
 * message holds _(STRATA_DRIVER_PASSWORD_REFUSED), and so is looked for. */
#define STRATA_DRIVER_PASSWORD_REFUSED N_("the server refused the password")

#define STRATA_DRIVER_CLASS(klass)     (G_TYPE_CHECK_CLASS_CAST ((klass), STRATA_TYPE_DRIVER, StrataDriverClass))
#define STRATA_DRIVER_GET_CLASS(obj)   (G_TYPE_INSTANCE_GET_CLASS ((obj), STRATA_TYPE_DRIVER, StrataDriverClass))

typedef struct _StrataRebuild StrataRebuild;

struct _StrataDriver
{
  GObject parent_instance;
};

/*
 * StrataDriverClass:
 *
 * Every virtual function runs in the thread that owns the connection, except
 * @interrupt, which any thread may call at any time. The public wrappers
 * check @cancellable before calling in and connect it to @interrupt for the
 * duration of the call, so an implementation only has to map an interrupted
 * statement to STRATA_ERROR_CANCELLED and may look at @cancellable between
 * statements.
 *
 * @query runs one statement with text parameters $1 … $n (NULL is SQL NULL)
 * and returns its rows, an empty result for a statement without rows. The
 * driver may keep statements it has prepared for later calls with the same
 * text (the migrator runs its bookkeeping statements once per step).
 */
struct _StrataDriverClass
{
  GObjectClass parent_class;

  StrataDialect dialect;

  gboolean      (*execute)        (StrataDriver        *self,
                                   const char          *sql,
                                   GCancellable        *cancellable,
                                   GError             **error);
  StrataResult *(*query)          (StrataDriver        *self,
                                   const char          *sql,
                                   guint                n_params,
                                   const char * const  *params,
                                   GCancellable        *cancellable,
                                   GError             **error);
  gboolean      (*begin)          (StrataDriver        *self,
                                   GCancellable        *cancellable,
                                   GError             **error);
  gboolean      (*commit)         (StrataDriver        *self,
                                   GCancellable        *cancellable,
                                   GError             **error);
  void          (*rollback)       (StrataDriver        *self);
  gboolean      (*in_transaction) (StrataDriver        *self);
  gboolean      (*table_exists)   (StrataDriver        *self,
                                   const char          *table,
                                   gboolean            *exists,
                                   GCancellable        *cancellable,
                                   GError             **error);
  gboolean      (*lock)           (StrataDriver        *self,
                                   const char          *key,
                                   GCancellable        *cancellable,
                                   GError             **error);
  void          (*unlock)         (StrataDriver        *self,
                                   const char          *key);
  void          (*interrupt)      (StrataDriver        *self);
  /* Optional: the default reads the engine's catalog through @query
   * (strata-introspect-sqlite.c, strata-introspect-pg.c). */
  StrataModel  *(*introspect)     (StrataDriver        *self,
                                   const char * const  *exclude,
                                   GCancellable        *cancellable,
                                   GError             **error);

  /* The engine's part in running a migration; the migrator calls them
   * through the _strata_driver_ wrappers below and knows nothing else of
   * the engine. */

  /* Optional: creates what is missing of @schema (may be NULL) and the
   * bookkeeping tables @version_table and @history_table (unquoted names,
   * in @schema), inside the caller's transaction. The default asks
   * @table_exists and runs the dialect's CREATE TABLE. */
  gboolean      (*ensure_bookkeeping) (StrataDriver        *self,
                                       const char          *schema,
                                       const char          *version_table,
                                       const char          *history_table,
                                       GCancellable        *cancellable,
                                       GError             **error);
  /* Optional: one request for a whole transactional step: BEGIN, a check
   * that @version_table (quoted, qualified) holds exactly @heads_before
   * (sorted bytewise, without duplicates; else STRATA_ERROR_STATE and
   * nothing done), @body, COMMIT. */
  gboolean      (*execute_batch)  (StrataDriver        *self,
                                   const char          *version_table,
                                   const char * const  *heads_before,
                                   const char          *body,
                                   GCancellable        *cancellable,
                                   GError             **error);
  /* Optional: what running a table rebuild needs around its statements
   * (@render_op_live renders them): @rebuild_begin outside the
   * transaction, @rebuild_finish after the statements before COMMIT,
   * @rebuild_end after it. */
  gboolean      (*rebuild_begin)  (StrataDriver        *self,
                                   StrataRebuild       *rebuild,
                                   GCancellable        *cancellable,
                                   GError             **error);
  gboolean      (*rebuild_finish) (StrataDriver        *self,
                                   StrataRebuild       *rebuild,
                                   GCancellable        *cancellable,
                                   GError             **error);
  void          (*rebuild_end)    (StrataDriver        *self,
                                   StrataRebuild       *rebuild);
  /* Optional: the statements of one operation, rendered from the database
   * as it is at that moment, inside the step's transaction (SQLite: table
   * rebuilds from the live table). @state (nullable, not changed) is the
   * schema the migrations describe before @op, for what only it tells
   * (which columns use an enum type). Without it, the dialect renders @op. */
  GPtrArray    *(*render_op_live) (StrataDriver        *self,
                                   StrataOp            *op,
                                   StrataModel         *state,
                                   GPtrArray           *rebuilt,
                                   GCancellable        *cancellable,
                                   GError             **error);


  /* Optional: waits for another session's lock end after @msec when
   * nothing else (the session, the role, the server) bounds them. */
  gboolean      (*bound_lock_waits) (StrataDriver        *self,
                                     int                  msec,
                                     GCancellable        *cancellable,
                                     GError             **error);
  /* Optional: before @sql runs outside a transaction (in a
   * non-transactional step), repairs what an interrupted earlier run of it
   * left, saying what it did in *@notice (PostgreSQL: drops the INVALID
   * index of a CREATE INDEX CONCURRENTLY, to build it again). */
  gboolean      (*prepare_autocommit) (StrataDriver        *self,
                                       const char          *sql,
                                       char               **notice,
                                       GCancellable        *cancellable,
                                       GError             **error);
  /* Optional: after @sql failed outside a transaction, what it left that
   * the person must know and do, as "; …" to append to the error, or NULL
   * (PostgreSQL: the INVALID index of a CREATE INDEX CONCURRENTLY). */
  char         *(*describe_leftovers) (StrataDriver        *self,
                                       const char          *sql);
};

/*
 * StrataRebuild:
 *
 * One step's table rebuilds. The migrator fills @tables (the tables the
 * step may rebuild; @render_op_live adds those it rebuilds); the driver
 * keeps in @restore whether foreign keys go back on.
 */
struct _StrataRebuild
{
  GPtrArray   *tables;
  gboolean     restore;
};

StrataRebuild *_strata_rebuild_new                (void);
void           _strata_rebuild_reset              (StrataRebuild       *rebuild);
void           _strata_rebuild_free               (StrataRebuild       *rebuild);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataRebuild, _strata_rebuild_free)

gboolean      _strata_driver_ensure_bookkeeping   (StrataDriver        *self,
                                                   const char          *schema,
                                                   const char          *version_table,
                                                   const char          *history_table,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* Whether @execute_batch is there. */
gboolean      _strata_driver_can_batch            (StrataDriver        *self);
gboolean      _strata_driver_execute_batch        (StrataDriver        *self,
                                                   const char          *version_table,
                                                   const char * const  *heads_before,
                                                   const char          *body,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* Whether the engine rebuilds tables (the rebuild functions do something). */
gboolean      _strata_driver_can_rebuild          (StrataDriver        *self);
gboolean      _strata_driver_rebuild_begin        (StrataDriver        *self,
                                                   StrataRebuild       *rebuild,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
gboolean      _strata_driver_rebuild_finish       (StrataDriver        *self,
                                                   StrataRebuild       *rebuild,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
GPtrArray    *_strata_driver_render_op_live       (StrataDriver        *self,
                                                   StrataOp            *op,
                                                   StrataModel         *state,
                                                   GPtrArray           *rebuilt,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
void          _strata_driver_rebuild_end          (StrataDriver        *self,
                                                   StrataRebuild       *rebuild);

gboolean      _strata_driver_bound_lock_waits     (StrataDriver        *self,
                                                   int                  msec,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
gboolean      _strata_driver_prepare_autocommit   (StrataDriver        *self,
                                                   const char          *sql,
                                                   char               **notice,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
char         *_strata_driver_describe_leftovers   (StrataDriver        *self,
                                                   const char          *sql);

/* For subclasses. */
void          _strata_driver_set_display_url      (StrataDriver        *self,
                                                   const char          *url);
/* The first line of @sql, trimmed and shortened for an error message. */
char         *_strata_driver_describe_statement   (const char          *sql);

/* sqlite:// URLs, parsed by strata_driver_open (): path, query parameters
 * mode= (ro, rw, rwc) and timeout= (seconds, as Python's sqlite3). @url is
 * the text as given, for display. */
StrataDriver *_strata_driver_sqlite_open_url      (StrataUrl           *parsed,
                                                   const char          *url,
                                                   GFile               *base_dir,
                                                   GError             **error);

/* The first @size bytes of the database file as the connection's own file
 * handle reads them (strata-state-cache.c, inside a read transaction). */
gboolean      _strata_driver_sqlite_read_header   (StrataDriverSqlite  *self,
                                                   guint8              *buffer,
                                                   gsize                size);

/* Introspection through the public query API, for any driver of the
 * engine. */
StrataModel  *_strata_introspect_sqlite           (StrataDriver        *self,
                                                   const char * const  *exclude,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
StrataModel  *_strata_introspect_sqlite_verbatim  (StrataDriver        *self,
                                                   const char * const  *only,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
StrataModel  *_strata_introspect_pg               (StrataDriver        *self,
                                                   const char * const  *exclude,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* The same over a libpq connection of one's own (tests, tools). */
StrataModel  *_strata_introspect_pg_conn          (PGconn              *conn,
                                                   const char * const  *exclude,
                                                   GError             **error);

/* Results are built by drivers: columns first, then rows. */
StrataResult *_strata_result_new                  (guint                n_columns);
void          _strata_result_set_column_name      (StrataResult        *self,
                                                   guint                column,
                                                   const char          *name);
/* Takes @n_columns values (each nullable) from @values. */
void          _strata_result_add_row_take         (StrataResult        *self,
                                                   char               **values);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
