/* strata-driver-pg.h: the PostgreSQL driver (libpq)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include "strata-driver.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DRIVER_PG (strata_driver_pg_get_type ())
#define STRATA_DRIVER_PG(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), STRATA_TYPE_DRIVER_PG, StrataDriverPg))
#define STRATA_IS_DRIVER_PG(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), STRATA_TYPE_DRIVER_PG))

/* How long strata_driver_lock() waits for another run's lock when the
 * session has no lock_timeout of its own. */
#define STRATA_DRIVER_PG_DEFAULT_LOCK_WAIT_MS (5 * 60 * 1000)
/* connect_timeout when neither the URL nor PGCONNECT_TIMEOUT gives one. */
#define STRATA_DRIVER_PG_DEFAULT_CONNECT_TIMEOUT "15"

/* Raised by SQL that Strata writes (RAISE … USING ERRCODE = …) to say that
 * the database is not in the state a batch expects: the driver reports it as
 * STRATA_ERROR_STATE with the raised message alone. */
#define STRATA_DRIVER_PG_SQLSTATE_STATE "SR001"

typedef struct _StrataDriverPg StrataDriverPg;

GType          strata_driver_pg_get_type              (void) G_GNUC_CONST;

/*
 * Connects with libpq's own conventions: the URL's parts and query parameters
 * become connection parameters, and whatever they leave out comes from PG*
 * environment variables, ~/.pgpass, the service file (?service=NAME) and
 * libpq's defaults. fallback_application_name is "strata".
 *
 * Errors (one line, no password): STRATA_ERROR_AUTHENTICATION for rejected
 * or missing credentials, STRATA_ERROR_CONNECTION for a server that cannot be
 * reached; both name host:port/database.
 */
StrataDriver  *strata_driver_pg_open                  (const char          *url,
                                                       GCancellable        *cancellable,
                                                       GError             **error);

/* "INDEX on TABLE" for each INVALID index of the current schema. */
char         **strata_driver_pg_dup_invalid_indexes   (StrataDriverPg      *self,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
/* "host:port/database" (a socket directory for a Unix socket). */
const char    *strata_driver_pg_get_location          (StrataDriverPg      *self);
/* As PQserverVersion(): 150004 for 15.4. */
int            strata_driver_pg_get_server_version    (StrataDriverPg      *self);
/* The server process of this connection (pg_backend_pid()). */
int            strata_driver_pg_get_backend_pid       (StrataDriverPg      *self);
/* Requests sent to the server and answered so far (a multi-statement batch
 * is one), not counting the connection handshake. */
guint64        strata_driver_pg_get_round_trips       (StrataDriverPg      *self);

/*
 * Signals:
 *   "lock-waiting" (const char *holder): strata_driver_lock() found the lock
 *   taken and starts to wait; @holder describes who holds it ("pid 4242,
 *   application strata, user app, connected since 2026-11-21 10:00:00 UTC").
 *   Emitted in the thread that called strata_driver_lock().
 *   "statement-waiting" (const char *what): a statement has waited a second
 *   for a lock another session holds; @what names the statement and the
 *   blocking sessions (pid, application, user, state, query). Emitted once
 *   per statement in the thread that runs it, only when connected.
 */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDriverPg, g_object_unref)

G_END_DECLS
