/* strata-dialect.h: SQL rendering per dialect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <glib.h>

#include "strata-model.h"
#include "strata-type-map.h"
#include "strata-types.h"

G_BEGIN_DECLS

char      *strata_dialect_quote_identifier   (StrataDialect       dialect,
                                              const char         *name);
/* A string literal ('it''s'); NULL gives NULL. */
char      *strata_dialect_quote_literal      (StrataDialect       dialect,
                                              const char         *value);
/* One column definition, as in CREATE TABLE or ADD COLUMN; with
 * @inline_primary_key the column carries PRIMARY KEY itself. */
char      *strata_dialect_render_column      (StrataDialect       dialect,
                                              StrataColumn       *column,
                                              gboolean            inline_primary_key);
/* CREATE TABLE (and its CREATE INDEX statements): the shape shared by
 * create_table and the SQLite table rebuild. */
GPtrArray *strata_dialect_render_create_table (StrataDialect      dialect,
                                               StrataTable       *table);

/* Renders one operation as complete statements (no trailing ';'), in order.
 * An operation the dialect cannot express is STRATA_ERROR_UNSUPPORTED naming
 * the operation and the dialect. */
GPtrArray *strata_dialect_render_op          (StrataDialect       dialect,
                                              StrataOp           *op,
                                              GError            **error);
/* All statements of @ops in order; errors are prefixed "operation INDEX: ".
 * Raw sql operations come as written (minus a trailing ';') and may hold
 * several statements: run each string with sqlite3_exec / PQexec, which
 * accept that. */
GPtrArray *strata_dialect_render_ops         (StrataDialect       dialect,
                                              GPtrArray          *ops,
                                              GError            **error);

/* strata-dialect-rebuild.c: SQLite's table rebuild, turning the table
 * @before into @after and keeping the rows of the columns they share
 * (@renamed maps a column's new name to its old one, or is NULL). Run it
 * with foreign_keys off, inside a transaction, then recreate the table's
 * triggers and check foreign keys (the migrator does). */
GPtrArray *strata_dialect_render_sqlite_rebuild (StrataTable       *before,
                                                 StrataTable       *after,
                                                 GHashTable        *renamed);
/* strata_dialect_render_ops() with the schema the operations apply to
 * (@state, which they are applied to): where SQLite cannot ALTER in place,
 * the table rebuild. The names of the tables rebuilt go to @rebuilt. */
GPtrArray *strata_dialect_render_ops_with_model (StrataDialect    dialect,
                                                 GPtrArray       *ops,
                                                 StrataModel     *state,
                                                 GPtrArray       *rebuilt,
                                                 GError         **error);

/* Bookkeeping tables (CREATE TABLE IF NOT EXISTS, names quoted).
 * Version table: (version_num VARCHAR(32) NOT NULL PRIMARY KEY).
 * History table columns, which the migrator writes:
 *   id            integer key, assigned by the database
 *   revision      VARCHAR(32) NOT NULL
 *   direction     VARCHAR(16) NOT NULL ("upgrade", "downgrade", "stamp")
 *   checksum      VARCHAR(64): hex SHA-256 of the migration file
 *   started       TEXT NOT NULL: ISO 8601 UTC ("2026-11-21T10:00:00.123Z")
 *   finished      TEXT: ISO 8601 UTC, NULL while running
 *   duration_ms   BIGINT
 *   os_user       TEXT
 *   host          TEXT
 *   tool_version  TEXT
 *   outcome       VARCHAR(16) ("success", "failure", …)
 *   downgrade     TEXT: of an applied revision, a copy of it with its
 *                 downgrade (operations and SQL) as JSON, for a rollback
 *                 once its file is gone (strata-stored.h)
 *   statements_done BIGINT: of a non-transactional migration under way or
 *                 interrupted (outcome "partial"), how many statements
 *                 completed: the next run resumes after them */
char      *strata_dialect_create_version_table (StrataDialect     dialect,
                                                const char       *version_table);
char      *strata_dialect_create_history_table (StrataDialect     dialect,
                                                const char       *history_table);

G_END_DECLS
