/* strata-dialect.h: SQL rendering per dialect
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "strata-types.h"

G_BEGIN_DECLS

char      *strata_dialect_quote_identifier   (StrataDialect       dialect,
                                              const char         *name);
/* A string literal ('it''s'); NULL gives NULL. */
char      *strata_dialect_quote_literal      (StrataDialect       dialect,
                                              const char         *value);
/* Maps a portable type name to the dialect's; unknown names pass verbatim. */
char      *strata_dialect_render_type        (StrataDialect       dialect,
                                              const char         *portable);

/* Renders one operation as complete statements (no trailing ';'), in order.
 * An operation the dialect cannot express is STRATA_ERROR_UNSUPPORTED naming
 * the operation and the dialect. */
GPtrArray *strata_dialect_render_op          (StrataDialect       dialect,
                                              StrataOp           *op,
                                              GError            **error);
GPtrArray *strata_dialect_render_ops         (StrataDialect       dialect,
                                              GPtrArray          *ops,
                                              GError            **error);

/* Bookkeeping tables. */
char      *strata_dialect_create_version_table (StrataDialect     dialect,
                                                const char       *version_table);
char      *strata_dialect_create_history_table (StrataDialect     dialect,
                                                const char       *history_table);

G_END_DECLS
