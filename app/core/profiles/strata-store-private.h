/* strata-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-store.h"

G_BEGIN_DECLS

#define STRATA_STORE_VERSION_TABLE "strata_version"

/* The store's migrations, as shipped in the core's resources. */
GPtrArray   *_strata_store_load_scripts (GError       **error);

/* strata_store_open with other migrations (@scripts, NULL for the shipped
 * ones) and another target (NULL for "heads"): lets the tests build old
 * stores and make an upgrade fail half-way. */
StrataStore *_strata_store_open_full    (GFile         *file,
                                         GPtrArray     *scripts,
                                         const char    *target,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
