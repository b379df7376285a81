/* strata-diff.h: the operations between two schema models
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <glib-object.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DIFF (strata_diff_get_type ())

G_DECLARE_FINAL_TYPE (StrataDiff, strata_diff, STRATA, DIFF, GObject)

/* A diff turns the model @from into the model @to:
 *
 *   - autogenerate: from the head state replayed from the migrations, to
 *     schema.json; the operations are the new revision's upgrade;
 *   - check: the same, only the differences matter;
 *   - drift: from the state the database's revision should have, to what
 *     introspection finds in it (strata_diff_set_dialect: compare as that
 *     engine stores types, defaults and expressions).
 *
 * The operations come in an order the database accepts: foreign keys,
 * indexes and constraints that go away first, then renames, new tables
 * (referenced ones first), new and changed columns, dropped columns, new
 * indexes and constraints, new foreign keys, and last the dropped tables
 * (referencing ones first).
 *
 * A table or column that disappears while a similar one appears is never
 * turned into a rename silently: it is a drop and an add, and
 * strata_diff_get_rename_hints() says which renames look likely; renames
 * given with strata_diff_add_rename() become rename operations. */

StrataDiff   *strata_diff_new                 (StrataModel         *from,
                                               StrataModel         *to);
/* Names for the two sides in differences ("revision ae10", "the database"). */
void          strata_diff_set_labels          (StrataDiff          *self,
                                               const char          *from_label,
                                               const char          *to_label);
/* Compare as @dialect sees the schema (drift): types by what they map to,
 * defaults and expressions by their normalized text. Without it, types
 * compare by what they map to on both engines and expressions by their
 * normalized text. */
void          strata_diff_set_dialect         (StrataDiff          *self,
                                               StrataDialect        dialect);
/* The two models, and the dialect (-1 when none was set). */
StrataModel  *strata_diff_get_from            (StrataDiff          *self);
StrataModel  *strata_diff_get_to              (StrataDiff          *self);
int           strata_diff_get_dialect         (StrataDiff          *self);
/* "old=new" for a table, "table.old=new" for a column (the table by its
 * old or new name). An unknown name is STRATA_ERROR_INVALID_ARGUMENT at
 * strata_diff_compute(). */
gboolean      strata_diff_add_rename          (StrataDiff          *self,
                                               const char          *spec,
                                               GError             **error);
gboolean      strata_diff_compute             (StrataDiff          *self,
                                               GError             **error);

/* After compute: (element-type StrataOp) (transfer none). */
GPtrArray    *strata_diff_get_ops             (StrataDiff          *self);
/* One line per difference, e.g. "column account.email: type varchar(100)
 * in revision ae10, varchar(255) in the database". (element-type utf8) */
GPtrArray    *strata_diff_get_differences     (StrataDiff          *self);
/* "table customer may have been renamed to client: --rename customer=client" */
GPtrArray    *strata_diff_get_rename_hints    (StrataDiff          *self);
/* Differences no operation expresses (a changed primary key, …): the
 * author has to write those by hand. */
GPtrArray    *strata_diff_get_warnings        (StrataDiff          *self);
gboolean      strata_diff_is_empty            (StrataDiff          *self);

/* Text of an SQL expression for comparison: no whitespace, parentheses or
 * PostgreSQL casts, keywords and bare names in lower case, quoted names
 * unquoted. */
char         *strata_sql_normalize            (const char          *expression);

G_END_DECLS
