/* strata-ops-private.h: the operation struct, for the dialect, replay and diff
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-model.h"
#include "strata-ops.h"

G_BEGIN_DECLS

/* Which fields are set depends on the kind (see the schema at the top of
 * strata-ops.c); the others are NULL / FALSE / -1. */
struct _StrataOp
{
  StrataOpKind      kind;
  /* "dialects": 1 << StrataDialect for each listed; 0 means all. */
  guint             dialects;

  /* Every kind but sql; may be NULL for drop_index. */
  char             *table;
  /* create_index, drop_index, add_*, drop_constraint: the object's name. */
  char             *name;
  /* drop_column, alter_column: the column's name. */
  char             *column;
  /* rename_table, alter_column: the new name, or NULL. */
  char             *new_name;

  StrataTable      *definition;   /* create_table */
  StrataColumn     *column_def;   /* add_column */
  StrataIndex      *index;        /* create_index */
  StrataForeignKey *foreign_key;  /* add_foreign_key */
  StrataUnique     *unique;       /* add_unique */
  StrataCheck      *check;        /* add_check */
  gboolean          concurrently; /* create_index, drop_index (PostgreSQL) */

  /* alter_column: what changes (type NULL, nullable -1 and set_default
   * FALSE mean "unchanged"), and what was there before when the author says
   * so (for the inverse). A NULL default with set_default means DROP
   * DEFAULT. */
  StrataDataType   *type;
  char             *using_expr;
  int               nullable;
  gboolean          set_default;
  char             *default_expr;
  StrataDataType   *existing_type;
  int               existing_nullable;
  gboolean          has_existing_default;
  char             *existing_default;

  /* create_sequence: "start" and "increment" (1 and 1 unless given). */
  gint64            start;
  gint64            increment;

  /* create_enum: the values; alter_enum: "add_value" (value) with
   * "before"/"after", or "rename_value" (value) "to" (new_value). */
  char            **values;
  char             *value;
  char             *new_value;
  char             *before;
  char             *after;

  /* insert: a non-empty array of objects. */
  JsonArray        *rows;

  /* sql: one text per dialect (the same text twice unless per_dialect);
   * "" means nothing on that dialect. */
  char             *sql[2];
  gboolean          sql_per_dialect;
  gboolean          has_reverse;
  gboolean          reverse_per_dialect;
  char             *reverse[2];
};

StrataOp *_strata_op_new (StrataOpKind kind);

G_END_DECLS
