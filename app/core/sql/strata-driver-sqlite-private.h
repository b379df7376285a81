/* strata-driver-sqlite-private.h: internals of the SQLite driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-driver-private.h"

G_BEGIN_DECLS

/* strata-driver-sqlite-rebuild.c: StrataDriverClass's rebuild functions. */
gboolean _strata_driver_sqlite_rebuild_begin  (StrataDriver   *self,
                                               StrataRebuild  *rebuild,
                                               GCancellable   *cancellable,
                                               GError        **error);
gboolean _strata_driver_sqlite_rebuild_finish (StrataDriver   *self,
                                               StrataRebuild  *rebuild,
                                               GCancellable   *cancellable,
                                               GError        **error);
GPtrArray *_strata_driver_sqlite_render_op_live (StrataDriver   *self,
                                                 StrataOp       *op,
                                                 StrataModel    *state,
                                                 GPtrArray      *rebuilt,
                                                 GCancellable   *cancellable,
                                                 GError        **error);
void     _strata_driver_sqlite_rebuild_end    (StrataDriver   *self,
                                               StrataRebuild  *rebuild);

G_END_DECLS
