/* strata-test-util.h: helpers shared by the test programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns the value of @variable. When it is unset, the test is skipped, or,
 * under CI=true (where every service must be there), failed; returns NULL. */
const char *strata_test_require_env (const char *variable,
                                     const char *what);
/* A fresh temporary directory, removed by strata_test_rm_rf. */
char       *strata_test_mkdtemp     (void);
void        strata_test_rm_rf       (const char *path);
/* $STRATA_SOURCE_DIR/relative */
char       *strata_test_source_path (const char *relative);
/* A project in a fresh temporary directory with @n revisions in a row,
 * r000000 to r(n-1), each creating a table tN (id, name) and an index on its
 * name: a long plan. */
char       *strata_test_create_chain_project (guint n);

/* A fresh database on the throwaway PostgreSQL server (STRATA_TEST_PG_URL),
 * returned as a URL; NULL (test skipped, or failed under CI) without one. */
char       *strata_test_pg_create_database (void);
/* Drops it, ending any session still connected. */
void        strata_test_pg_drop_database   (const char *url);
/* @url (postgresql://…/DB) with @database in place of DB. */
char       *strata_test_pg_url_for         (const char *url,
                                            const char *database);

/* @url without its password, which goes to ~/.pgpass */
char       *strata_test_pg_passfile_url    (const char *url);

/* The database as another client sees it, through Strata's own driver:
 * @where is a SQLite file's path or a database URL (PostgreSQL). The first
 * column of every row, joined with ','. */
char       *strata_test_query_text      (const char *where,
                                         const char *sql);
void        strata_test_assert_query    (const char *where,
                                         const char *sql,
                                         const char *expected);
void        strata_test_execute         (const char *where,
                                         const char *sql);

G_END_DECLS
