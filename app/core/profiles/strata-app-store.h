/* strata-app-store.h: an application's own SQLite store, upgraded at launch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-driver.h"
#include "strata-store.h"
#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_APP_STORE (strata_app_store_get_type ())

G_DECLARE_FINAL_TYPE (StrataAppStore, strata_app_store, STRATA, APP_STORE, GObject)

StrataAppStore     *strata_app_store_open                  (GFile               *file,
                                                            const char          *resource_path,
                                                            GCancellable        *cancellable,
                                                            GError             **error);
void                strata_app_store_open_async            (GFile               *file,
                                                            const char          *resource_path,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
StrataAppStore     *strata_app_store_open_finish           (GAsyncResult        *result,
                                                            GError             **error);

GFile              *strata_app_store_get_file              (StrataAppStore      *self);
StrataStoreOutcome  strata_app_store_get_outcome           (StrataAppStore      *self);
const char         *strata_app_store_get_previous_revision (StrataAppStore      *self);
const char         *strata_app_store_get_revision          (StrataAppStore      *self);
GFile              *strata_app_store_get_backup_file       (StrataAppStore      *self);
const char         *strata_app_store_get_problem           (StrataAppStore      *self);
StrataDriver       *strata_app_store_get_driver            (StrataAppStore      *self);
void                strata_app_store_close                 (StrataAppStore      *self);

G_END_DECLS
