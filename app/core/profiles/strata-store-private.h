/* strata-store-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-driver.h"
#include "strata-graph.h"
#include "strata-store.h"

G_BEGIN_DECLS

#define STRATA_STORE_VERSION_TABLE "strata_version"

/* The store's migrations, as shipped in the core's resources. */
GPtrArray   *_strata_store_load_scripts (GError       **error);
/* The migrations (*.json, by name) in the folder @dir of @resource, or of
 * the registered resources when @resource is NULL. */
GPtrArray   *_strata_store_load_resource_scripts (GResource    *resource,
                                                  const char   *dir,
                                                  GError      **error);

/* What _strata_store_upgrade_file () did, and the connection it opened. */
typedef struct
{
  StrataStoreOutcome  outcome;
  char               *previous_revision;
  char               *revision;
  GFile              *backup_file;
  StrataDriver       *driver;
} StrataStoreUpgrade;

/* Opens the SQLite store at @path and upgrades it with @graph (see
 * strata-store.c): creates, backs up, upgrades, restores on failure, and
 * refuses one written by a newer version of @name. The store of Strata itself and an
 * application's own (StrataAppStore) both go through it. */
gboolean     _strata_store_upgrade_file  (const char          *path,
                                          StrataGraph         *graph,
                                          const char          *version_table,
                                          const char          *target,
                                          const char          *name,
                                          const char          *version,
                                          GCancellable        *cancellable,
                                          StrataStoreUpgrade  *upgrade,
                                          GError             **error);
void         _strata_store_upgrade_clear (StrataStoreUpgrade  *upgrade);

/* strata_store_open with other migrations (@scripts, NULL for the shipped
 * ones) and another target (NULL for "heads"): lets the tests build old
 * stores and make an upgrade fail half-way. */
StrataStore *_strata_store_open_full    (GFile         *file,
                                         GPtrArray     *scripts,
                                         const char    *target,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
