/* strata-types.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _StrataDriver    StrataDriver;
typedef struct _StrataGraph     StrataGraph;
typedef struct _StrataMigrator  StrataMigrator;
typedef struct _StrataOp        StrataOp;
typedef struct _StrataPlan      StrataPlan;
typedef struct _StrataProfile   StrataProfile;
typedef struct _StrataProject   StrataProject;
typedef struct _StrataScript    StrataScript;
typedef struct _StrataStep      StrataStep;
typedef struct _StrataStore     StrataStore;

/**
 * StrataDirection:
 * @STRATA_DIRECTION_UP: an upgrade step
 * @STRATA_DIRECTION_DOWN: a downgrade step
 */
typedef enum
{
  STRATA_DIRECTION_UP,
  STRATA_DIRECTION_DOWN,
} StrataDirection;

/**
 * StrataDialect:
 * @STRATA_DIALECT_SQLITE: SQLite 3.35 or newer
 * @STRATA_DIALECT_POSTGRESQL: PostgreSQL 12 or newer
 */
typedef enum
{
  STRATA_DIALECT_SQLITE,
  STRATA_DIALECT_POSTGRESQL,
} StrataDialect;

const char *strata_dialect_get_name (StrataDialect dialect);

G_END_DECLS
