/* strata-state-cache.c: the version rows of a SQLite file, kept between runs
 * for as long as the file provably has not changed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-state"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "strata-driver-private.h"
#include "strata-driver-sqlite.h"
#include "strata-plan.h"
#include "strata-state-cache-private.h"

/* https://www.sqlite.org/fileformat2.html, 1.3: the database header. */
#define HEADER_SIZE            100
#define HEADER_WRITE_VERSION   18
#define HEADER_READ_VERSION    19
#define HEADER_CHANGE_COUNTER  24
/* 1 in both version bytes: rollback journal; 2: WAL. */
#define LEGACY_VERSION         1

/* The lock bytes of SQLite's unix VFS (os_unix.c, "locking protocol"):
 * a reader takes a read lock on PENDING, then on the SHARED range, then
 * drops PENDING; a writer needs a write lock on the whole SHARED range to
 * change the file. */
#define PENDING_BYTE  0x40000000
#define SHARED_FIRST  (PENDING_BYTE + 2)
#define SHARED_SIZE   510

#define CACHE_MAGIC   "strata-state 1"

static const char sqlite_magic[16] = "SQLite format 3";

typedef struct
{
  guint64 dev;
  guint64 ino;
  guint64 size;
  gint64  mtime_ns;
  gint64  ctime_ns;
  guint32 counter;
} Snapshot;

static char *
cache_path_for (const char *path,
                const char *version_table)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *name = NULL;

  g_checksum_update (checksum, (const guchar *)path, strlen (path) + 1);
  g_checksum_update (checksum, (const guchar *)version_table, strlen (version_table));
  name = g_strdup_printf ("%.32s", g_checksum_get_string (checksum));

  return g_build_filename (g_get_user_cache_dir (), "strata", "state", name, NULL);
}

/* Fills @snapshot from @header and @fd; FALSE unless the file is a SQLite
 * database in rollback-journal mode. */
static gboolean
snapshot_fill (Snapshot     *snapshot,
               const guint8 *header,
               int           fd)
{
  struct stat st;

  if (memcmp (header, sqlite_magic, sizeof sqlite_magic) != 0 ||
      header[HEADER_WRITE_VERSION] != LEGACY_VERSION ||
      header[HEADER_READ_VERSION] != LEGACY_VERSION)
    return FALSE;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;

  snapshot->dev = st.st_dev;
  snapshot->ino = st.st_ino;
  snapshot->size = st.st_size;
  snapshot->mtime_ns = (gint64)st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  snapshot->ctime_ns = (gint64)st.st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_ctim.tv_nsec;
  snapshot->counter = ((guint32)header[HEADER_CHANGE_COUNTER] << 24) |
                      ((guint32)header[HEADER_CHANGE_COUNTER + 1] << 16) |
                      ((guint32)header[HEADER_CHANGE_COUNTER + 2] << 8) |
                      (guint32)header[HEADER_CHANGE_COUNTER + 3];

  return TRUE;
}

static gboolean
snapshot_equal (const Snapshot *a,
                const Snapshot *b)
{
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
         a->counter == b->counter;
}

/* Neither PATH-journal nor PATH-wal exists (and nothing else went wrong
 * looking). A -journal file is a writer under way or a hot journal, a -wal
 * file another journal mode: either way the file alone does not say. */
static gboolean
no_journal_beside (const char *path)
{
  const char *suffixes[] = { "-journal", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      if (g_lstat (name, &st) == 0 || errno != ENOENT)
        return FALSE;
    }

  return TRUE;
}

static gboolean
set_lock (int   fd,
          short type,
          off_t start,
          off_t len)
{
  struct flock lock = { 0 };

  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = start;
  lock.l_len = len;

  return fcntl (fd, F_SETLK, &lock) == 0;
}

/* SQLite's SHARED lock, without waiting: FALSE when a writer holds or waits
 * for the file. Released when @fd is closed. */
static gboolean
lock_shared (int fd)
{
  gboolean locked;

  if (!set_lock (fd, F_RDLCK, PENDING_BYTE, 1))
    return FALSE;

  locked = set_lock (fd, F_RDLCK, SHARED_FIRST, SHARED_SIZE);
  set_lock (fd, F_UNLCK, PENDING_BYTE, 1);

  return locked;
}

static gboolean
is_revision (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > 32)
    return FALSE;

  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

static gboolean
parse_snapshot (const char *line,
                Snapshot   *snapshot)
{
  g_auto(GStrv) fields = g_strsplit (line, " ", -1);
  guint64 counter;

  return g_strv_length (fields) == 6 &&
         g_ascii_string_to_unsigned (fields[0], 10, 0, G_MAXUINT64, &snapshot->dev, NULL) &&
         g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT64, &snapshot->ino, NULL) &&
         g_ascii_string_to_unsigned (fields[2], 10, 0, G_MAXUINT64, &snapshot->size, NULL) &&
         g_ascii_string_to_signed (fields[3], 10, G_MININT64, G_MAXINT64, &snapshot->mtime_ns, NULL) &&
         g_ascii_string_to_signed (fields[4], 10, G_MININT64, G_MAXINT64, &snapshot->ctime_ns, NULL) &&
         g_ascii_string_to_unsigned (fields[5], 10, 0, G_MAXUINT32, &counter, NULL) &&
         (snapshot->counter = (guint32)counter, TRUE);
}

/* The cache file: the magic line, "path P", "table T", "file DEV INO SIZE
 * MTIME_NS CTIME_NS COUNTER", one "head REV" per row, "end". Anything else
 * is not ours: NULL. */
static char **
parse_cache (const char *contents,
             const char *path,
             const char *version_table,
             Snapshot   *snapshot)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);
  guint n_lines = g_strv_length (lines);
  guint i;

  /* The last line is the empty one after "end\n". */
  if (n_lines < 6 ||
      !g_str_equal (lines[0], CACHE_MAGIC) ||
      !g_str_has_prefix (lines[1], "path ") || !g_str_equal (lines[1] + 5, path) ||
      !g_str_has_prefix (lines[2], "table ") || !g_str_equal (lines[2] + 6, version_table) ||
      !g_str_has_prefix (lines[3], "file ") || !parse_snapshot (lines[3] + 5, snapshot) ||
      !g_str_equal (lines[n_lines - 2], "end") || *lines[n_lines - 1] != '\0')
    return NULL;

  for (i = 4; i < n_lines - 2; i++)
    {
      if (!g_str_has_prefix (lines[i], "head ") || !is_revision (lines[i] + 5))
        return NULL;
      g_ptr_array_add (heads, g_strdup (lines[i] + 5));
    }
  g_ptr_array_add (heads, NULL);

  return strata_heads_normalize ((const char * const *)heads->pdata);
}

char **
_strata_state_cache_lookup (const char *path,
                            const char *version_table)
{
  g_autofree char *cache_path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) heads = NULL;
  guint8 header[HEADER_SIZE];
  Snapshot recorded, now;
  gboolean same;
  int fd;

  g_return_val_if_fail (path != NULL && g_path_is_absolute (path), NULL);
  g_return_val_if_fail (version_table != NULL, NULL);

  cache_path = cache_path_for (path, version_table);
  if (!g_file_get_contents (cache_path, &contents, NULL, NULL))
    return NULL;

  if (!(heads = parse_cache (contents, path, version_table, &recorded)))
    {
      g_debug ("ignoring %s: not a state cache of %s", cache_path, path);
      return NULL;
    }

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    return NULL;

  /* Under SQLite's SHARED lock no writer can change the file: what we read
   * is one committed state, or a crashed writer's leftovers, which come with
   * a hot journal beside the file. */
  same = lock_shared (fd) &&
         no_journal_beside (path) &&
         pread (fd, header, sizeof header, 0) == sizeof header &&
         snapshot_fill (&now, header, fd) &&
         snapshot_equal (&recorded, &now);

  /* Closing the descriptor drops our locks. */
  close (fd);

  if (!same)
    {
      g_debug ("%s changed since strata last read it", path);
      return NULL;
    }

  g_debug ("%s unchanged since strata last read it: version rows from %s", path, cache_path);

  return g_steal_pointer (&heads);
}

static void
write_cache (const char         *path,
             const char         *version_table,
             const Snapshot     *snapshot,
             const char * const *heads)
{
  g_autofree char *cache_path = cache_path_for (path, version_table);
  g_autofree char *dir = NULL;
  g_autoptr(GString) out = g_string_new (CACHE_MAGIC "\n");

  /* One value a line. */
  if (strchr (path, '\n') != NULL || strchr (version_table, '\n') != NULL)
    return;

  g_string_append_printf (out, "path %s\ntable %s\n", path, version_table);
  g_string_append_printf (out, "file %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
                          " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %u\n",
                          snapshot->dev, snapshot->ino, snapshot->size,
                          snapshot->mtime_ns, snapshot->ctime_ns, snapshot->counter);
  for (guint i = 0; heads[i] != NULL; i++)
    g_string_append_printf (out, "head %s\n", heads[i]);
  g_string_append (out, "end\n");

  dir = g_path_get_dirname (cache_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_debug ("not writing the state cache %s: %s", cache_path, g_strerror (errno));
      return;
    }

  if (!g_file_set_contents_full (cache_path, out->str, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
    g_debug ("could not write the state cache %s", cache_path);
}

/* Inside the read transaction: the header as SQLite's own connection reads
 * it and as a descriptor of ours does, which must agree (so that the file
 * we fstat is the one SQLite has locked). @fd stays open until after the
 * COMMIT: closing a descriptor drops every POSIX lock the process holds on
 * the file, SQLite's too. */
static gboolean
take_snapshot (StrataDriverSqlite *driver,
               const char         *path,
               int                *fd,
               Snapshot           *snapshot)
{
  guint8 ours[HEADER_SIZE];
  guint8 theirs[HEADER_SIZE];

  *fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (*fd < 0)
    return FALSE;

  return _strata_driver_sqlite_read_header (driver, theirs, sizeof theirs) &&
         pread (*fd, ours, sizeof ours, 0) == sizeof ours &&
         memcmp (ours, theirs, sizeof ours) == 0 &&
         snapshot_fill (snapshot, ours, *fd);
}

char **
_strata_state_cache_read_heads (StrataMigrator  *migrator,
                                GCancellable    *cancellable,
                                GError         **error)
{
  StrataDriver *driver;
  const char *path;
  g_auto(GStrv) heads = NULL;
  g_autoptr(GError) local_error = NULL;
  Snapshot snapshot;
  gboolean taken;
  int fd = -1;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  driver = strata_migrator_get_driver (migrator);

  if (!STRATA_IS_DRIVER_SQLITE (driver) ||
      (path = strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (driver))) == NULL ||
      strata_driver_in_transaction (driver))
    return strata_migrator_get_current_heads (migrator, cancellable, error);

  /* DEFERRED: the first SELECT takes the SHARED lock, no more. */
  if (!strata_driver_execute (driver, "BEGIN DEFERRED", cancellable, error))
    return NULL;

  if (!(heads = strata_migrator_get_current_heads (migrator, cancellable, error)))
    {
      strata_driver_rollback (driver);
      return NULL;
    }

  taken = take_snapshot (STRATA_DRIVER_SQLITE (driver), path, &fd, &snapshot);

  if (!strata_driver_execute (driver, "COMMIT", cancellable, &local_error))
    {
      g_debug ("ending the read transaction on %s: %s", path, local_error->message);
      strata_driver_rollback (driver);
      taken = FALSE;
    }

  if (fd >= 0)
    close (fd);

  if (taken)
    write_cache (path, strata_migrator_get_version_table (migrator), &snapshot,
                 (const char * const *)heads);

  return g_steal_pointer (&heads);
}
