/* strata-type-map.h: portable column types, mapped per dialect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <glib.h>

#include "strata-model.h"
#include "strata-types.h"

G_BEGIN_DECLS

/* Maps a portable type name to the dialect's; unknown names pass verbatim. */
char      *strata_dialect_render_type        (StrataDialect       dialect,
                                              const char         *portable);

/* Maps a column type: the portable name or @dialect's own name. */
char      *strata_dialect_render_data_type   (StrataDialect       dialect,
                                              StrataDataType     *data_type);

G_END_DECLS
