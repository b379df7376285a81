/* strata-dialect-private.h: the SQL of the migrator's bookkeeping
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-dialect.h"
#include "strata-model.h"
#include "strata-ops.h"

G_BEGIN_DECLS

/* What a run sets up on a PostgreSQL session first: @schema created (with
 * @create_schema) and put first in the search_path, lock_timeout and
 * statement_timeout in milliseconds (-1: the server's). Statements without
 * their ';'; none on SQLite, none when there is nothing to set. */
GPtrArray *_strata_dialect_render_session         (StrataDialect        dialect,
                                                   const char          *schema,
                                                   gboolean             create_schema,
                                                   int                  lock_timeout,
                                                   int                  statement_timeout);
/* The version table @table (quoted) going from the rows @removed to
 * @added: one UPDATE when one row replaces another, as Alembic writes it,
 * else DELETEs then INSERTs. Appended to @out, each ending ";\n\n". */
void       _strata_dialect_append_version_change  (GString             *out,
                                                   StrataDialect        dialect,
                                                   const char          *table,
                                                   const char * const  *removed,
                                                   const char * const  *added);
/* PostgreSQL: an INSERT of a history row into @table (quoted) timed by the
 * server (started at now(), finished at clock_timestamp()); @stored: the
 * copy of an applied revision (strata-stored.h), or NULL. */
char      *_strata_dialect_render_timed_history_row (const char        *table,
                                                     const char        *revision,
                                                     const char        *direction,
                                                     const char        *checksum,
                                                     const char        *os_user,
                                                     const char        *host,
                                                     const char        *tool_version,
                                                     const char        *outcome,
                                                     const char        *stored);

/* Offline SQL around a step that rebuilds tables (SQLite): foreign keys off
 * before its transaction, checked before its COMMIT, on again after. */
void       _strata_dialect_append_rebuild_prologue (GString          *out,
                                                    StrataDialect     dialect);
void       _strata_dialect_append_rebuild_check    (GString          *out,
                                                    StrataDialect     dialect);
void       _strata_dialect_append_rebuild_epilogue (GString          *out,
                                                    StrataDialect     dialect);

gboolean   _strata_dialect_sqlite_may_rebuild        (StrataOp         *op);
gboolean   _strata_dialect_sqlite_needs_rebuild      (StrataOp         *op);
gboolean   _strata_dialect_sqlite_column_is_involved (StrataTable      *table,
                                                      const char       *column);
/* Whether @op renders on SQLite from the schema alone (enum types: an
 * alter_enum, or an enum column whose CHECK takes the type's values). */
gboolean   _strata_dialect_sqlite_needs_model        (StrataOp         *op);
/* The expression of the CHECK that keeps @column to an enum type's
 * @values on SQLite, as a column definition writes it. */
char      *_strata_dialect_sqlite_enum_check         (const char          *column,
                                                      const char * const  *values);

G_END_DECLS
