/* strata-introspect-private.h: helpers shared by the catalog readers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-model.h"

G_BEGIN_DECLS

/* @expression trimmed, without parentheses that enclose all of it. */
char                    *_strata_introspect_strip_parens (const char          *expression);
/* A type as the catalog spells it ("VARCHAR(255)", "character varying(255)",
 * "timestamp with time zone") as the portable name it maps back to
 * ("varchar(255)", "timestamptz"); other names pass verbatim. */
StrataDataType          *_strata_introspect_type         (const char          *declared);
/* "CASCADE", "set null", … ("NO ACTION" is the default: NONE). */
StrataReferentialAction  _strata_introspect_action       (const char          *text);
gboolean                 _strata_introspect_excluded     (const char * const  *exclude,
                                                          const char          *table);

G_END_DECLS
