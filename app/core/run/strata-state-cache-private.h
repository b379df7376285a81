/* strata-state-cache-private.h: the version rows of a SQLite file, kept
 * between runs for as long as the file provably has not changed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-migrator.h"

G_BEGIN_DECLS

/*
 * Opening a SQLite file whose schema holds a thousand objects costs more
 * than everything else a no-op `strata upgrade` does: SQLite parses the
 * whole schema at the first statement. The state cache lets a caller skip
 * that when the answer cannot have changed.
 *
 * _strata_state_cache_read_heads() reads the version table inside a read
 * transaction (SQLite's SHARED lock: no writer can commit meanwhile) and,
 * for a file in rollback-journal mode, records under
 * $XDG_CACHE_HOME/strata/state/ the rows with the file's identity (device,
 * inode), size, modification and change times and the header's "file change
 * counter", which SQLite bumps on every write transaction.
 *
 * _strata_state_cache_lookup() returns those rows only when all of this
 * holds, checked under a SHARED lock of its own taken as SQLite takes it
 * (POSIX advisory locks on the lock bytes): the file is in rollback-journal
 * mode, no -journal and no -wal file lies beside it, and identity, size,
 * times, change counter and version table name are those recorded. Anything
 * else, a missing, corrupt or foreign cache file included, gives NULL: the
 * caller then opens the database as usual.
 */

/* @path: the absolute file name, as strata_driver_sqlite_get_path() gives
 * it. Returns: (transfer full) (nullable): the sorted version rows. */
char  **_strata_state_cache_lookup      (const char       *path,
                                         const char       *version_table);

/* strata_migrator_get_current_heads(), read inside a read transaction and
 * recorded when the migrator's driver is a SQLite file (not when a
 * transaction is already open). A failure to record is not an error. */
char  **_strata_state_cache_read_heads  (StrataMigrator   *migrator,
                                         GCancellable     *cancellable,
                                         GError          **error);

G_END_DECLS
