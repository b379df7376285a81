/* strata-driver-sqlite.h: the SQLite driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include "strata-driver.h"

G_BEGIN_DECLS

#define STRATA_TYPE_DRIVER_SQLITE (strata_driver_sqlite_get_type ())
#define STRATA_DRIVER_SQLITE(obj) (G_TYPE_CHECK_INSTANCE_CAST ((obj), STRATA_TYPE_DRIVER_SQLITE, StrataDriverSqlite))
#define STRATA_IS_DRIVER_SQLITE(obj) (G_TYPE_CHECK_INSTANCE_TYPE ((obj), STRATA_TYPE_DRIVER_SQLITE))

#define STRATA_DRIVER_SQLITE_DEFAULT_BUSY_TIMEOUT 5000

typedef struct _StrataDriverSqlite StrataDriverSqlite;

GType          strata_driver_sqlite_get_type          (void) G_GNUC_CONST;

/* Opens @path (NULL for an in-memory database). The file is created when it
 * is missing and @read_only is FALSE, but only inside an existing folder. */
StrataDriver  *strata_driver_sqlite_open              (const char          *path,
                                                       gboolean             read_only,
                                                       GError             **error);
/* The absolute path of the file, NULL in memory. */
const char    *strata_driver_sqlite_get_path          (StrataDriverSqlite  *self);
/* How long a statement waits for another connection's lock before failing
 * with STRATA_ERROR_BUSY (default 5000 ms). */
void           strata_driver_sqlite_set_busy_timeout  (StrataDriverSqlite  *self,
                                                       guint                msec);
guint          strata_driver_sqlite_get_busy_timeout  (StrataDriverSqlite  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDriverSqlite, g_object_unref)

G_END_DECLS
