/* strata-ops.h: migration operations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_OP (strata_op_get_type ())

typedef enum
{
  STRATA_OP_CREATE_TABLE = 1,
  STRATA_OP_DROP_TABLE,
  STRATA_OP_RENAME_TABLE,
  STRATA_OP_ADD_COLUMN,
  STRATA_OP_DROP_COLUMN,
  STRATA_OP_ALTER_COLUMN,
  STRATA_OP_CREATE_INDEX,
  STRATA_OP_DROP_INDEX,
  STRATA_OP_ADD_FOREIGN_KEY,
  STRATA_OP_ADD_UNIQUE,
  STRATA_OP_ADD_CHECK,
  STRATA_OP_DROP_CONSTRAINT,
  STRATA_OP_INSERT,
  STRATA_OP_SQL,
  STRATA_OP_CREATE_SEQUENCE,
  STRATA_OP_DROP_SEQUENCE,
  STRATA_OP_CREATE_ENUM,
  STRATA_OP_DROP_ENUM,
  STRATA_OP_ALTER_ENUM,
} StrataOpKind;

GType         strata_op_get_type            (void) G_GNUC_CONST;

/* Parses and validates one operation object. Errors are STRATA_ERROR_PARSE
 * with a message that names the op and the bad key, without file context
 * (the caller prefixes "FILE: upgrade[3]: "). */
StrataOp     *strata_op_new_from_json       (JsonNode           *node,
                                             GError            **error);
/* Parses an array of operations; errors are prefixed with "@where[i]: ". */
GPtrArray    *strata_ops_new_from_json      (JsonNode           *array,
                                             const char         *where,
                                             GError            **error);
JsonNode     *strata_op_to_json             (StrataOp           *op);
JsonNode     *strata_ops_to_json            (GPtrArray          *ops);

StrataOp     *strata_op_ref                 (StrataOp           *op);
void          strata_op_unref               (StrataOp           *op);

StrataOpKind  strata_op_get_kind            (StrataOp           *op);
/* "create_table", … */
const char   *strata_op_get_name            (StrataOp           *op);
/* The table the operation works on, or NULL (sql). */
const char   *strata_op_get_table           (StrataOp           *op);
/* One line for a person: "create table account", "add column account.email". */
char         *strata_op_describe            (StrataOp           *op);
/* Drops, narrowing alters and anything that can lose data. */
gboolean      strata_op_is_destructive      (StrataOp           *op);

/* The inverse of a list of operations (reversed order). Without a schema
 * model only what the operation itself describes can be inverted; anything
 * else is STRATA_ERROR_IRREVERSIBLE naming the operation, e.g.
 * "upgrade[3]: drop_table (drop table account) has no inverse: …". */
GPtrArray    *strata_ops_invert             (GPtrArray          *ops,
                                             GError            **error);

/* The inverse of one operation, or STRATA_ERROR_IRREVERSIBLE saying why
 * (without an index). */
StrataOp     *strata_op_invert              (StrataOp           *op,
                                             GError            **error);
/* Same JSON form. */
gboolean      strata_op_equal               (StrataOp           *a,
                                             StrataOp           *b);
/* Whether @op runs on @dialect ("dialects" absent or listing it). */
gboolean      strata_op_runs_on             (StrataOp           *op,
                                             StrataDialect       dialect);
/* A PostgreSQL CREATE/DROP INDEX CONCURRENTLY: cannot run inside a
 * transaction, so its migration must be "transactional": false. */
gboolean      strata_op_is_concurrent       (StrataOp           *op);

/* Building operations (autogenerate, tests). Objects are referenced. */
StrataOp     *strata_op_new_create_table    (StrataTable        *definition);
StrataOp     *strata_op_new_drop_table      (const char         *table);
StrataOp     *strata_op_new_rename_table    (const char         *table,
                                             const char         *new_name);
StrataOp     *strata_op_new_add_column      (const char         *table,
                                             StrataColumn       *column);
StrataOp     *strata_op_new_drop_column     (const char         *table,
                                             const char         *column);
StrataOp     *strata_op_new_create_index    (const char         *table,
                                             StrataIndex        *index);
StrataOp     *strata_op_new_drop_index      (const char         *table,
                                             const char         *name);
StrataOp     *strata_op_new_add_foreign_key (const char         *table,
                                             StrataForeignKey   *foreign_key);
StrataOp     *strata_op_new_add_unique      (const char         *table,
                                             StrataUnique       *unique);
StrataOp     *strata_op_new_add_check       (const char         *table,
                                             StrataCheck        *check);
StrataOp     *strata_op_new_drop_constraint (const char         *table,
                                             const char         *name);
/* A sequence (PostgreSQL; nothing on SQLite). */
StrataOp     *strata_op_new_create_sequence (const char         *name,
                                             gint64              start,
                                             gint64              increment);
StrataOp     *strata_op_new_drop_sequence   (const char         *name);
/* An enum type (PostgreSQL CREATE TYPE; a CHECK on SQLite). */
StrataOp     *strata_op_new_create_enum     (const char         *name,
                                             const char * const *values);
StrataOp     *strata_op_new_drop_enum       (const char         *name);
/* The same SQL on every dialect; @reverse may be NULL (irreversible). */
StrataOp     *strata_op_new_sql             (const char         *sql,
                                             const char         *reverse);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataOp, strata_op_unref)

G_END_DECLS
