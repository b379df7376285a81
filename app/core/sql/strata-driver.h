/* strata-driver.h: a connection to a database (sealed abstract type)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DRIVER (strata_driver_get_type ())
#define STRATA_DRIVER(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), STRATA_TYPE_DRIVER, StrataDriver))
#define STRATA_IS_DRIVER(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), STRATA_TYPE_DRIVER))

typedef struct _StrataDriverClass StrataDriverClass;

#define STRATA_TYPE_RESULT (strata_result_get_type ())
typedef struct _StrataResult StrataResult;

GType          strata_driver_get_type             (void) G_GNUC_CONST;

/* Opens a connection for a URL (sqlite:///rel.db, sqlite:////abs.db,
 * sqlite://, postgresql://…). A relative SQLite path is taken relative to
 * @base_dir when it is not NULL. */
StrataDriver  *strata_driver_open                 (const char          *url,
                                                   GFile               *base_dir,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
StrataDialect  strata_driver_get_dialect          (StrataDriver        *self);
/* The URL with any password replaced by ***. */
const char    *strata_driver_get_display_url      (StrataDriver        *self);

/* Runs one or more statements separated by ';'. On failure the error names
 * the statement (first line, shortened) and the database's message. */
gboolean       strata_driver_execute              (StrataDriver        *self,
                                                   const char          *sql,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* Runs one statement and returns its rows. */
StrataResult  *strata_driver_query                (StrataDriver        *self,
                                                   const char          *sql,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* Runs one statement with text parameters written $1 … $n in @sql (a NULL
 * parameter is SQL NULL) and returns its rows (none for an INSERT, …). The
 * driver keeps the prepared statement for the next call with the same text. */
StrataResult  *strata_driver_query_params         (StrataDriver        *self,
                                                   const char          *sql,
                                                   guint                n_params,
                                                   const char * const  *params,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN. */
gboolean       strata_driver_begin                (StrataDriver        *self,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
gboolean       strata_driver_commit               (StrataDriver        *self,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* Never fails loudly: a connection already gone is fine. */
void           strata_driver_rollback             (StrataDriver        *self);
gboolean       strata_driver_in_transaction       (StrataDriver        *self);
gboolean       strata_driver_table_exists         (StrataDriver        *self,
                                                   const char          *table,
                                                   gboolean            *exists,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
/* Whole-run lock: PostgreSQL session advisory lock; SQLite nothing. */
gboolean       strata_driver_lock                 (StrataDriver        *self,
                                                   const char          *key,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
void           strata_driver_unlock               (StrataDriver        *self,
                                                   const char          *key);
/* Thread-safe: interrupts the statement running now (sqlite3_interrupt,
 * PQcancel). */
void           strata_driver_interrupt            (StrataDriver        *self);

/* The schema of the database as a model (strata-model.h): its tables but
 * those in @exclude (the version and history tables), their columns,
 * primary keys, unique, check and foreign key constraints and indexes,
 * with types, defaults and expressions normalized so that a model created
 * in the database introspects back to itself. */
StrataModel   *strata_driver_introspect           (StrataDriver        *self,
                                                   const char * const  *exclude,
                                                   GCancellable        *cancellable,
                                                   GError             **error);

/* @url with the password (in the user info or a password= parameter)
 * replaced by ***. */
char          *strata_driver_redact_url           (const char          *url);

GType          strata_result_get_type             (void) G_GNUC_CONST;
StrataResult  *strata_result_ref                  (StrataResult        *self);
void           strata_result_unref                (StrataResult        *self);
guint          strata_result_get_n_rows           (StrataResult        *self);
guint          strata_result_get_n_columns        (StrataResult        *self);
const char    *strata_result_get_column_name      (StrataResult        *self,
                                                   guint                column);
/* The index of the column called @name, or -1. */
int            strata_result_get_column_index     (StrataResult        *self,
                                                   const char          *name);
/* NULL for SQL NULL. */
const char    *strata_result_get_value            (StrataResult        *self,
                                                   guint                row,
                                                   guint                column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDriver, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataResult, strata_result_unref)

G_END_DECLS
