/* strata-loader-private.h: libpq and libsecret, loaded on first use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libpq and libsecret pull some twenty more libraries into a process (TLS,
 * Kerberos, LDAP, …), all relocated at start-up: milliseconds that every
 * run would pay, SQLite-only ones included. The core reaches them through
 * these tables instead, filled the first time a PostgreSQL connection or the
 * keyring is needed. Each member has the type of the real function, taken
 * from the library's own header, so calls are checked as if linked.
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

#define STRATA_LIBPQ_SONAME     "libpq.so.5"
#define STRATA_LIBSECRET_SONAME "libsecret-1.so.0"

/* The libpq functions the core calls. */
#define STRATA_PQ_FUNCTIONS(F) \
  F (PQbackendPID) \
  F (PQcancel) \
  F (PQclear) \
  F (PQconnectdbParams) \
  F (PQconnectionNeedsPassword) \
  F (PQconnectionUsedPassword) \
  F (PQconninfo) \
  F (PQconninfoFree) \
  F (PQconsumeInput) \
  F (PQconninfoParse) \
  F (PQdb) \
  F (PQerrorMessage) \
  F (PQexec) \
  F (PQfinish) \
  F (PQfname) \
  F (PQfreeCancel) \
  F (PQfreemem) \
  F (PQgetCancel) \
  F (PQgetCopyData) \
  F (PQgetResult) \
  F (PQgetisnull) \
  F (PQgetlength) \
  F (PQgetvalue) \
  F (PQhost) \
  F (PQisBusy) \
  F (PQnfields) \
  F (PQntuples) \
  F (PQport) \
  F (PQputCopyEnd) \
  F (PQreset) \
  F (PQresultErrorField) \
  F (PQresultErrorMessage) \
  F (PQresultStatus) \
  F (PQsendQuery) \
  F (PQsendQueryParams) \
  F (PQserverVersion) \
  F (PQsetNoticeProcessor) \
  F (PQsocket) \
  F (PQstatus) \
  F (PQtransactionStatus)

/* The libsecret functions the core calls. */
#define STRATA_LIBSECRET_FUNCTIONS(F) \
  F (secret_password_clear) \
  F (secret_password_clear_finish) \
  F (secret_password_free) \
  F (secret_password_lookup) \
  F (secret_password_lookup_finish) \
  F (secret_password_store) \
  F (secret_password_store_finish)

#define STRATA_LOADER_MEMBER(name) __typeof__ (name) *name;

typedef struct
{
  STRATA_PQ_FUNCTIONS (STRATA_LOADER_MEMBER)
} StrataPq;

typedef struct
{
  STRATA_LIBSECRET_FUNCTIONS (STRATA_LOADER_MEMBER)
} StrataLibsecret;

#undef STRATA_LOADER_MEMBER

/* libpq's functions, loading it the first time. NULL, with a
 * STRATA_ERROR_CONNECTION error that names the library, when it is not
 * installed. Thread-safe; the library stays loaded for the process. */
const StrataPq        *_strata_pq_load         (GError **error);

/* The same for libsecret; the error is STRATA_ERROR_SECRET. */
const StrataLibsecret *_strata_libsecret_load  (GError **error);

/* For g_autoptr: a PGconn or PGresult exists only once libpq is loaded,
 * so loading cannot fail here. */
static inline void
_strata_pq_finish (PGconn *conn)
{
  _strata_pq_load (NULL)->PQfinish (conn);
}

static inline void
_strata_pq_clear (PGresult *result)
{
  _strata_pq_load (NULL)->PQclear (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, _strata_pq_finish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, _strata_pq_clear)

G_END_DECLS
