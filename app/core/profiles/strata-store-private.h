/* strata-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-driver.h"
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

/* The migrations (*.json, by name) in the folder @dir of @resource, or of
 * the registered resources when @resource is NULL. */
GPtrArray   *_strata_store_load_resource_scripts (GResource    *resource,
                                                  const char   *dir,
                                                  GError      **error);

/* An application's own store (StrataAppStore): opened, created, backed up,
 * upgraded, restored and set aside exactly as Strata's, but with the
 * application's migrations @scripts, refused when a newer version of
 * @app_name wrote it, and holding none of Strata's profiles. */
StrataStore  *_strata_store_open_app   (GFile         *file,
                                        GPtrArray     *scripts,
                                        const char    *app_name,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* The store's connection (NULL once closed), for the application's own
 * statements; closing it ends the store's use of the file. */
StrataDriver *_strata_store_get_driver (StrataStore   *self);
void          _strata_store_close      (StrataStore   *self);

G_END_DECLS
