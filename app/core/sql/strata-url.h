/* strata-url.h: database URLs — parse, format, redact, connection parameters
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

/*
 * URLs take SQLAlchemy's form, which for PostgreSQL is also libpq's:
 *
 *   sqlite:///relative.db          a path relative to the project
 *   sqlite:////abs/path.db         an absolute path
 *   sqlite://  sqlite:///:memory:  an in-memory database
 *   sqlite:///app.db?mode=ro&timeout=5
 *   postgresql[+driver]://[user[:password]@][host[:port][,host[:port]…]][/database][?name=value&…]
 *   postgres://…                   the same; the +driver part (psycopg2,
 *                                  asyncpg, …) is kept but means nothing here
 *
 * Every part may be percent-encoded. Hosts are names, IPv4 addresses, IPv6
 * addresses in brackets ([::1]) or Unix socket directories (percent-encoded,
 * %2Fvar%2Frun%2Fpostgresql, or as ?host=/var/run/postgresql). A user name
 * or password may hold ':', '/', '?' and '@' when percent-encoded; a bare '@'
 * in a password is tolerated (the last '@' before the host ends the user
 * information). '+' in a query value is a plus sign, as libpq reads it, not
 * a space. PostgreSQL query parameters are libpq's connection parameters
 * (sslmode, connect_timeout, application_name, options, …; ssl=true means
 * sslmode=require); ?host=, ?port=, ?user=, ?password= and ?dbname= fill the
 * matching parts of the URL. SQLite takes mode=ro|rw|rwc and timeout=SECONDS.
 *
 * Nothing this module shows or puts in an error message carries a password:
 * it is replaced by ***.
 */

#define STRATA_TYPE_URL (strata_url_get_type ())

G_DECLARE_FINAL_TYPE (StrataUrl, strata_url, STRATA, URL, GObject)

/**
 * StrataUrlHost:
 * @name: (nullable): a host name, an IPv4 address, an IPv6 address (without
 *   brackets) or a Unix socket directory (starts with '/'); %NULL for libpq's
 *   default
 * @port: the port, or 0 for the default
 */
typedef struct
{
  const char *name;
  guint       port;
} StrataUrlHost;

/* Errors are STRATA_ERROR_INVALID_ARGUMENT, one line that quotes the URL
 * with its password as *** and names the part at fault, e.g.
 * "invalid database URL “postgresql://app:***@db:99999/app”: port “99999”
 * is out of range (1–65535)". */
StrataUrl           *strata_url_parse                  (const char          *text,
                                                        GError             **error);
StrataUrl           *strata_url_copy                   (StrataUrl           *self);
/* A copy with no password (to store a profile; the secret goes elsewhere). */
StrataUrl           *strata_url_dup_without_password   (StrataUrl           *self);
/* @password: (nullable): %NULL or "" removes it. */
void                 strata_url_set_password           (StrataUrl           *self,
                                                        const char          *password);

StrataDialect        strata_url_get_dialect            (StrataUrl           *self);
/* "sqlite", "postgresql" or "postgres", as written (lower case). */
const char          *strata_url_get_scheme             (StrataUrl           *self);
/* The "+driver" suffix without the '+', or NULL. */
const char          *strata_url_get_driver             (StrataUrl           *self);
/* Decoded; NULL when absent. */
const char          *strata_url_get_user               (StrataUrl           *self);
const char          *strata_url_get_password           (StrataUrl           *self);
gboolean             strata_url_has_password           (StrataUrl           *self);
/* PostgreSQL: the hosts in order (empty for libpq's defaults). */
const StrataUrlHost *strata_url_get_hosts              (StrataUrl           *self,
                                                        guint               *n_hosts);
/* PostgreSQL: the database name; SQLite: the path as written ("app.db",
 * "/srv/app.db"). NULL for PostgreSQL's default and SQLite's in-memory
 * database. */
const char          *strata_url_get_database           (StrataUrl           *self);
/* The query parameters that remain after the ones that fill parts of the URL
 * (see above), in the order written; NULL-terminated. */
const char * const  *strata_url_get_param_names        (StrataUrl           *self);
const char          *strata_url_get_param              (StrataUrl           *self,
                                                        const char          *name);

/* SQLite. */
gboolean             strata_url_is_memory              (StrataUrl           *self);
gboolean             strata_url_is_relative            (StrataUrl           *self);
/* ":memory:", or an absolute path; a relative one is resolved against
 * @base_dir, or the current directory when @base_dir is NULL. */
char                *strata_url_get_sqlite_path        (StrataUrl           *self,
                                                        GFile               *base_dir);
/* Flags for sqlite3_open_v2 (): mode=ro READONLY, rw READWRITE, rwc (the
 * default) READWRITE | CREATE. */
int                  strata_url_get_sqlite_open_flags  (StrataUrl           *self);
/* timeout=SECONDS, or a negative number when not given. */
double               strata_url_get_sqlite_timeout     (StrataUrl           *self);

/* PostgreSQL: NULL-terminated keyword and value arrays (free with
 * g_strfreev) for PQconnectdbParams () with expand_dbname = 0: host and port
 * (comma-separated lists for several hosts), dbname, user, password when
 * set, then every query parameter. */
void                 strata_url_to_conninfo_keywords   (StrataUrl           *self,
                                                        char              ***keywords,
                                                        char              ***values);

/* The canonical form; parsing it gives the same URL. With @redact the
 * password (and ?sslpassword=) is ***. */
char                *strata_url_to_string              (StrataUrl           *self,
                                                        gboolean             redact);
gboolean             strata_url_equal                  (StrataUrl           *a,
                                                        StrataUrl           *b);

/* Best effort for text that may not parse, e.g. a log line: in every
 * URL-looking part, what sits between the first ':' after "//" and the last
 * '@' before the host, and the values of ?password= and ?sslpassword=,
 * become ***. Text that starts with "scheme://" (or "scheme:" and has no
 * white space) is taken as one URL, spaces and all; in other text each URL
 * ends at white space or a quote, unless it has a ':' and no '@' yet and an
 * '@' follows on the same line (a password with a space): then it runs to
 * that '@'. In doubt, more is hidden. */
char                *strata_url_redact_string          (const char          *text);

G_END_DECLS
