/* strata-driver-pg-private.h: internals of the PostgreSQL driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-driver-pg.h"
#include "strata-url.h"

G_BEGIN_DECLS

/* postgresql:// URLs, from strata_driver_open (). */
StrataDriver *_strata_driver_pg_open_url          (StrataUrl           *url,
                                                   GCancellable        *cancellable,
                                                   GError             **error);

/* Splits @sql into statements the way the server does: ';' ends one except
 * inside quotes ('…', E'…', "…", $tag$…$tag$) and comments (-- and nested
 * block comments). Statements are trimmed, without their ';'; empty ones and
 * comment-only ones are left out. */
GPtrArray    *_strata_driver_pg_split_statements  (const char          *sql);

/* strata-driver-pg-steps.c: StrataDriverClass's migration functions. */
gboolean      _strata_driver_pg_ensure_bookkeeping (StrataDriver       *self,
                                                    const char         *schema,
                                                    const char         *version_table,
                                                    const char         *history_table,
                                                    GCancellable       *cancellable,
                                                    GError            **error);
gboolean      _strata_driver_pg_execute_batch     (StrataDriver        *self,
                                                   const char          *version_table,
                                                   const char * const  *heads_before,
                                                   const char          *body,
                                                   GCancellable        *cancellable,
                                                   GError             **error);

gboolean      _strata_driver_pg_bound_lock_waits  (StrataDriver        *self,
                                                   int                  msec,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
gboolean      _strata_driver_pg_prepare_autocommit (StrataDriver       *self,
                                                    const char         *sql,
                                                    char              **notice,
                                                    GCancellable       *cancellable,
                                                    GError            **error);
char         *_strata_driver_pg_describe_leftovers (StrataDriver       *self,
                                                    const char         *sql);

/* After the server ended the session: the same connection again. */
gboolean      _strata_driver_pg_reconnect         (StrataDriverPg      *self,
                                                   GError             **error);

G_END_DECLS
