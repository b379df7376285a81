/* strata-store.c: the user's own store (profiles, recent projects, runs)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-store"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "strata-enum-types.h"
#include "strata-core-resources.h"
#include "strata-driver.h"
#include "strata-driver-sqlite.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator.h"
#include "strata-plan.h"
#include "strata-profile.h"
#include "strata-script.h"
#include "strata-store-private.h"
#include "strata-url.h"
#include "strata-i18n-private.h"

#define STORE_RESOURCE_DIR   "/io/github/stratadb/Strata/core/store/"
#define MAX_RECENT_PROJECTS  50

struct _StrataStore
{
  GObject             parent_instance;

  GFile              *file;
  StrataDriver       *driver;
  StrataStoreOutcome  outcome;
  char               *previous_revision;
  char               *revision;
  GFile              *backup_file;
  /* A store that could not be read and was moved aside: where, and why. */
  GFile              *damaged_file;
  char               *problem;
  /* Who writes the store (for the error about a newer one), and whether it
   * is Strata's own (profiles, recent projects, runs) or an application's
   * (StrataAppStore) */
  char               *writer_name;
  char               *writer_version;
  guint               app_store : 1;

  GListStore         *profiles;
  GListStore         *recent_projects;

  /* The driver is used by one thread at a time: the caller's (sync calls)
   * or the worker's (async ones, one job at a time, in order). */
  GMutex              lock;
  GThreadPool        *worker;
  /* Async writes of profiles asked for and not yet applied */
  guint               profile_writes;
};

G_DEFINE_FINAL_TYPE (StrataStore, strata_store, G_TYPE_OBJECT)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static void
strata_store_dispose (GObject *object)
{
  StrataStore *self = (StrataStore *)object;

  g_clear_object (&self->profiles);
  g_clear_object (&self->recent_projects);

  /* Every job holds a reference on the store: none is left here. */
  if (self->worker != NULL)
    g_thread_pool_free (g_steal_pointer (&self->worker), FALSE, FALSE);

  g_mutex_lock (&self->lock);
  g_clear_object (&self->driver);
  g_mutex_unlock (&self->lock);

  G_OBJECT_CLASS (strata_store_parent_class)->dispose (object);
}

static void
strata_store_finalize (GObject *object)
{
  StrataStore *self = (StrataStore *)object;

  g_clear_object (&self->file);
  g_clear_object (&self->backup_file);
  g_clear_object (&self->damaged_file);
  g_clear_pointer (&self->problem, g_free);
  g_clear_pointer (&self->writer_name, g_free);
  g_clear_pointer (&self->writer_version, g_free);
  g_clear_pointer (&self->previous_revision, g_free);
  g_clear_pointer (&self->revision, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (strata_store_parent_class)->finalize (object);
}

static void
strata_store_class_init (StrataStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_store_dispose;
  object_class->finalize = strata_store_finalize;
}

static void
strata_store_init (StrataStore *self)
{
  self->profiles = g_list_store_new (STRATA_TYPE_PROFILE);
  self->recent_projects = g_list_store_new (G_TYPE_FILE);
  g_mutex_init (&self->lock);
}

/**
 * strata_store_dup_default_file:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/strata/strata.db`
 */
GFile *
strata_store_dup_default_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "strata", "strata.db", NULL);

  return g_file_new_for_path (path);
}

/* Migrations ------------------------------------------------------------- */

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(char * const *)a, *(char * const *)b);
}

/**
 * _strata_store_load_resource_scripts:
 * @resource: (nullable): where to look, %NULL for every registered resource
 * @dir: the folder of the migration files, e.g. "/org/example/App/store/"
 *
 * Returns: (transfer full) (element-type StrataScript): the migrations in
 *   @dir (its .json files, by name)
 */
GPtrArray *
_strata_store_load_resource_scripts (GResource   *resource,
                                     const char  *dir,
                                     GError     **error)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *folder = g_str_has_suffix (dir, "/") ? g_strdup (dir) : g_strconcat (dir, "/", NULL);
  g_auto(GStrv) names = NULL;

  if (resource != NULL)
    names = g_resource_enumerate_children (resource, folder, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  else
    names = g_resources_enumerate_children (folder, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (names == NULL)
    {
      g_prefix_error (error, _("the store's migrations (resource %s): "), folder);
      return NULL;
    }

  /* Sorted, so that the graph's ties break the same way every time. */
  g_qsort_with_data (names, g_strv_length (names), sizeof (char *), compare_names, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (folder, names[i], NULL);
      g_autofree char *uri = g_strconcat ("resource://", path, NULL);
      g_autoptr(GBytes) bytes = NULL;
      StrataScript *script;
      gsize length;
      const char *data;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;

      if (resource != NULL)
        bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      else
        bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes == NULL)
        return NULL;

      data = g_bytes_get_data (bytes, &length);
      if (!(script = strata_script_new_from_data (data, length, uri, error)))
        return NULL;
      g_ptr_array_add (scripts, script);
    }

  return g_steal_pointer (&scripts);
}

/**
 * _strata_store_load_scripts:
 *
 * Returns: (transfer full) (element-type StrataScript): the store's
 *   migrations
 */
GPtrArray *
_strata_store_load_scripts (GError **error)
{
  return _strata_store_load_resource_scripts (_strata_core_get_resource (), STORE_RESOURCE_DIR, error);
}

/* Raw SQLite: reading the version without writing, and backups ----------- */

static gboolean
sqlite_fail (sqlite3     *db,
             const char  *path,
             const char  *what,
             GError     **error)
{
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
               "%s: %s: %s", path, what, db ? sqlite3_errmsg (db) : _("out of memory"));
  return FALSE;
}

/* The version-table rows of the store at @path. It is opened read-write
 * (without creating it) so that SQLite can roll back the hot journal a
 * crash at commit leaves behind: read-only, it could not, and every later
 * open would fail. Reading changes nothing else, so a store this build must
 * refuse keeps its bytes. *@damaged is set when the file is not a database
 * or fails SQLite's quick_check. */
static char **
read_heads (const char  *path,
            gboolean    *damaged,
            GError     **error)
{
  g_autoptr(sqlite3) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);
  int rc;

  *damaged = FALSE;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      sqlite_fail (db, path, _("cannot open the store"), error);
      return NULL;
    }
  sqlite3_busy_timeout (db, STRATA_DRIVER_SQLITE_DEFAULT_BUSY_TIMEOUT);

  rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") != 0)
        {
          g_autofree char *finding = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
          g_auto(GStrv) lines = g_strsplit (g_strstrip (finding), "\n", 3);

          /* "*** in database main ***\nPage 13 is never used\n…": the first finding */
          *damaged = TRUE;
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                       _("%s: the store is damaged (quick_check: %s)"), path,
                       g_str_has_prefix (lines[0], "***") && lines[1] ? lines[1] : lines[0]);
          return NULL;
        }
      if (rc == SQLITE_ROW)
        rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    {
      *damaged = (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
      sqlite_fail (db, path, *damaged ? _("the store is damaged") : _("cannot read the store"), error);
      return NULL;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  rc = sqlite3_prepare_v2 (db,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '"
                           STRATA_STORE_VERSION_TABLE "'",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite_fail (db, path, _("cannot read the store (is it a Strata store?)"), error);
      return NULL;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_clear_pointer (&stmt, sqlite3_finalize);
      rc = sqlite3_prepare_v2 (db, "SELECT version_num FROM " STRATA_STORE_VERSION_TABLE
                               " ORDER BY version_num", -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          sqlite_fail (db, path, _("cannot read the store's version"), error);
          return NULL;
        }
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (heads, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
    }

  if (rc != SQLITE_DONE)
    {
      sqlite_fail (db, path, _("cannot read the store's version"), error);
      return NULL;
    }

  g_ptr_array_add (heads, NULL);
  return (char **)g_ptr_array_free (g_steal_pointer (&heads), FALSE);
}

/* Creates @path for the user alone (0600) if it does not exist. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("%s: cannot create the file: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  fchmod (fd, 0600);
  close (fd);
  return TRUE;
}

/* Copies the database @from onto @to with SQLite's online backup: the copy
 * is consistent even if another process writes meanwhile. */
static gboolean
copy_database (const char  *from,
               const char  *to,
               GError     **error)
{
  g_autoptr(sqlite3) source = NULL;
  g_autoptr(sqlite3) target = NULL;
  sqlite3_backup *backup;
  int rc;

  /* Read-write, so that SQLite may roll back a hot journal first. */
  if (sqlite3_open_v2 (from, &source, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return sqlite_fail (source, from, _("cannot open for copying"), error);

  if (!create_private_file (to, error))
    return FALSE;
  if (sqlite3_open_v2 (to, &target, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    return sqlite_fail (target, to, _("cannot open the copy"), error);
  sqlite3_busy_timeout (source, STRATA_DRIVER_SQLITE_DEFAULT_BUSY_TIMEOUT);
  sqlite3_busy_timeout (target, STRATA_DRIVER_SQLITE_DEFAULT_BUSY_TIMEOUT);

  if (!(backup = sqlite3_backup_init (target, "main", source, "main")))
    return sqlite_fail (target, to, _("cannot copy the store"), error);

  do
    {
      rc = sqlite3_backup_step (backup, -1);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (50);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);

  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("cannot copy %s to %s: %s"), from, to, sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

static void remove_database (const char *path);

/* Syncs the folder of @path, so that a rename in it survives a crash. */
static void
sync_folder (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("fsync %s: %s", folder, g_strerror (errno));
  close (fd);
}

/* Renames @from, then its journal if it has one, to @to. */
static gboolean
rename_database (const char  *from,
                 const char  *to,
                 GError     **error)
{
  g_autofree char *from_journal = g_strconcat (from, "-journal", NULL);
  g_autofree char *to_journal = g_strconcat (to, "-journal", NULL);

  if (g_rename (from, to) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("cannot rename %s to %s: %s"), from, to, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_file_test (from_journal, G_FILE_TEST_EXISTS) && g_rename (from_journal, to_journal) != 0)
    g_debug ("cannot rename %s to %s: %s", from_journal, to_journal, g_strerror (errno));

  sync_folder (to);
  return TRUE;
}

/* The backup taken before an upgrade: copied to a temporary name first and
 * renamed when complete, so that a crash never leaves a half-made copy
 * under the name of a good one. */
static gboolean
backup_database (const char  *from,
                 const char  *to,
                 GError     **error)
{
  g_autofree char *partial = g_strconcat (to, ".partial", NULL);

  remove_database (partial);
  if (!copy_database (from, partial, error) ||
      !rename_database (partial, to, error))
    {
      remove_database (partial);
      return FALSE;
    }

  return TRUE;
}

static void
remove_database (const char *path)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_unlink (path);
  g_unlink (journal);
}

/* Opening ---------------------------------------------------------------- */

static gboolean load_profiles        (StrataStore  *self,
                                      GError      **error);
static gboolean load_recent_projects (StrataStore  *self,
                                      GError      **error);

static char *
join_heads (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return NULL;
  return g_strjoinv (", ", (char **)heads);
}

/* The newest backup an upgrade left beside the store at @path, or NULL. */
static char *
find_newest_backup (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autofree char *newest = NULL;
  gint64 newest_mtime = 0;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *candidate = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".bak"))
        continue;
      candidate = g_build_filename (folder, name, NULL);
      if (g_stat (candidate, &st) == 0 && st.st_size > 0 && (newest == NULL || st.st_mtime > newest_mtime))
        {
          g_free (newest);
          newest = g_steal_pointer (&candidate);
          newest_mtime = st.st_mtime;
        }
    }

  return g_steal_pointer (&newest);
}

/* A store that cannot be read (empty, not a database, damaged) is never
 * overwritten: it is moved aside to strata.db.damaged-DATE, whose name the
 * problem gives, and a new store is created in its place. */
static gboolean
set_aside (StrataStore  *self,
           const char   *path,
           const char   *why,
           GError      **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *moved = g_strdup_printf ("%s.damaged-%s", path, stamp);
  g_autofree char *backup = NULL;
  g_autoptr(GError) local_error = NULL;

  for (guint i = 2; g_file_test (moved, G_FILE_TEST_EXISTS); i++)
    {
      g_free (moved);
      moved = g_strdup_printf ("%s.damaged-%s-%u", path, stamp, i);
    }

  if (!rename_database (path, moved, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s; it could not be moved aside, so it was left as it is: %s"),
                   why, local_error->message);
      return FALSE;
    }

  backup = find_newest_backup (path);
  if (self->app_store && backup != NULL)
    self->problem = g_strdup_printf (_("%s; it was moved to %s and a new, empty store was created: "
                                       "what was saved before is not in it (the copy taken before its last "
                                       "upgrade, %s, may hold it)"),
                                     why, moved, backup);
  else if (self->app_store)
    self->problem = g_strdup_printf (_("%s; it was moved to %s and a new, empty store was created: "
                                       "what was saved before is not in it"),
                                     why, moved);
  else if (backup != NULL)
    self->problem = g_strdup_printf (_("%s; it was moved to %s and a new, empty store was created: "
                                       "the profiles and recent projects saved before are not in it (the copy "
                                       "taken before its last upgrade, %s, may hold them)"),
                                     why, moved, backup);
  else
    self->problem = g_strdup_printf (_("%s; it was moved to %s and a new, empty store was created: "
                                       "the profiles and recent projects saved before are not in it"),
                                     why, moved);
  self->damaged_file = g_file_new_for_path (moved);
  g_debug ("%s", self->problem);

  return TRUE;
}

/* Removes the files a process killed while it created the store left
 * (strata.db.new-PID, of a PID that is gone). */
static void
remove_stale_work_files (const char *path)
{
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *prefix = g_strconcat (base, ".new-", NULL);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stale = NULL;
      char *end = NULL;
      gint64 pid;

      if (!g_str_has_prefix (name, prefix))
        continue;
      pid = g_ascii_strtoll (name + strlen (prefix), &end, 10);
      if (pid <= 0 || pid > G_MAXINT || (*end != '\0' && !g_str_equal (end, "-journal")) ||
          !(kill ((pid_t)pid, 0) != 0 && errno == ESRCH))
        continue;
      stale = g_build_filename (folder, name, NULL);
      g_unlink (stale);
    }
}

/* Creates the store at @path: migrated in a file of this process's own
 * first, then linked into place only if no store is there, so that a crash
 * while creating it never leaves an empty or half-made store under its
 * name, and two processes creating it at once keep the first one's.
 * *@raced is set (without an error) when another process got there first. */
static gboolean
create_store (StrataStore     *self,
              const char      *path,
              StrataGraph     *graph,
              StrataPlan      *plan,
              gboolean        *raced,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autofree char *work = g_strdup_printf ("%s.new-%d", path, (int)getpid ());
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(GError) local_error = NULL;

  *raced = FALSE;
  remove_stale_work_files (path);
  remove_database (work);
  if (!create_private_file (work, error))
    return FALSE;

  if (!(self->driver = strata_driver_sqlite_open (work, FALSE, error)))
    {
      remove_database (work);
      return FALSE;
    }

  migrator = strata_migrator_new (self->driver, graph);
  strata_migrator_set_version_table (migrator, STRATA_STORE_VERSION_TABLE);
  if (!strata_migrator_run (migrator, plan, cancellable, &local_error))
    {
      g_clear_object (&migrator);
      g_clear_object (&self->driver);
      remove_database (work);
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s: creating the store failed: %s"), path, local_error->message);
      return FALSE;
    }

  g_clear_object (&migrator);
  g_clear_object (&self->driver);

  /* A journal without its database belongs to no one: it must not be
   * played back into the new store. */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    g_unlink (journal);

  if (link (work, path) != 0)
    {
      int saved_errno = errno;

      remove_database (work);
      if (saved_errno == EEXIST)
        {
          *raced = TRUE;
          return FALSE;
        }
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("%s: cannot create the store: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  g_unlink (work);
  sync_folder (path);

  return (self->driver = strata_driver_sqlite_open (path, FALSE, error)) != NULL;
}

/* Opens the store @file with @scripts: Strata's own (profiles, recent
 * projects, runs), or with @app_name an application's (StrataAppStore),
 * which holds the application's data and is refused when a newer version
 * of @app_name wrote it. */
static StrataStore *
store_open (GFile         *file,
            GPtrArray     *scripts,
            const char    *target,
            const char    *app_name,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(StrataStore) self = NULL;
  g_autoptr(GPtrArray) shipped = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *backup_path = NULL;
  g_auto(GStrv) heads = NULL;
  gboolean existed;
  GStatBuf st;

  g_return_val_if_fail (file == NULL || G_IS_FILE (file), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (scripts == NULL)
    {
      if (!(shipped = _strata_store_load_scripts (error)))
        return NULL;
      scripts = shipped;
    }
  if (!(graph = strata_graph_new (scripts, error)))
    return NULL;

  self = g_object_new (STRATA_TYPE_STORE, NULL);
  self->file = file ? g_object_ref (file) : strata_store_dup_default_file ();
  self->app_store = app_name != NULL;
  self->writer_name = g_strdup (app_name != NULL ? app_name : "Strata");
  self->writer_version = app_name != NULL ? NULL : g_strdup (PACKAGE_VERSION);

  if (!(path = g_file_get_path (self->file)))
    {
      g_autofree char *uri = g_file_get_uri (self->file);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s: the store must be a local file"), uri);
      return NULL;
    }

  folder = g_path_get_dirname (path);
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("%s: cannot create the folder of the store: %s"), folder, g_strerror (saved_errno));
      return NULL;
    }

  existed = g_stat (path, &st) == 0;

  if (existed && st.st_size == 0)
    {
      /* Strata never leaves an empty store (it creates one under another
       * name): the profiles it held were lost before it was opened. */
      g_autofree char *why = g_strdup_printf (_("%s was empty (0 bytes): what it held was lost before %s "
                                                "opened it"), path, self->writer_name);

      if (!set_aside (self, path, why, error))
        return NULL;
      existed = FALSE;
    }
  else if (existed)
    {
      gboolean damaged = FALSE;

      if (!(heads = read_heads (path, &damaged, &local_error)))
        {
          if (!damaged)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (!set_aside (self, path, local_error->message, error))
            return NULL;
          g_clear_error (&local_error);
          existed = FALSE;
        }
      else
        {
          for (guint i = 0; heads[i] != NULL; i++)
            if (strata_graph_lookup (graph, heads[i]) == NULL)
              {
                g_autofree char *this = self->writer_version != NULL
                                        ? g_strdup_printf ("%s %s", self->writer_name, self->writer_version)
                                        : g_strdup_printf (_("this version of %s"), self->writer_name);

                g_set_error (error, STRATA_ERROR, STRATA_ERROR_NEWER_VERSION,
                             _("%s was written by a newer version of %s (its revision %s is unknown "
                               "to %s); it was left untouched: update %s to use it"),
                             path, self->writer_name, heads[i], this, self->writer_name);
                return NULL;
              }
        }
    }

  if (!existed)
    g_clear_pointer (&heads, g_strfreev);
  if (heads == NULL)
    heads = g_new0 (char *, 1);

  self->previous_revision = join_heads ((const char * const *)heads);

  if (!(plan = strata_graph_plan_upgrade (graph, (const char * const *)heads,
                                          target ? target : "heads", error)))
    return NULL;

  if (!existed)
    {
      gboolean raced = FALSE;

      if (!create_store (self, path, graph, plan, &raced, cancellable, error))
        {
          /* Another process created it meanwhile: open that one. */
          if (raced)
            return store_open (file, scripts, target, app_name, cancellable, error);
          return NULL;
        }
    }
  else
    {
      if (strata_plan_get_n_steps (plan) > 0)
        {
          backup_path = g_strdup_printf ("%s.%s.bak", path, heads[0] ? heads[0] : "empty");
          if (!backup_database (path, backup_path, &local_error))
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                           _("%s: not upgraded, because the backup failed: %s"),
                           path, local_error->message);
              return NULL;
            }
          self->backup_file = g_file_new_for_path (backup_path);
        }

      if (!(self->driver = strata_driver_sqlite_open (path, FALSE, error)))
        return NULL;
    }

  if (existed && strata_plan_get_n_steps (plan) > 0)
    {
      migrator = strata_migrator_new (self->driver, graph);
      strata_migrator_set_version_table (migrator, STRATA_STORE_VERSION_TABLE);

      if (!strata_migrator_run (migrator, plan, cancellable, &local_error))
        {
          g_autoptr(GError) restore_error = NULL;
          g_autofree char *to = join_heads (strata_plan_get_heads_after (plan));

          g_clear_object (&migrator);
          g_clear_object (&self->driver);

          if (!copy_database (backup_path, path, &restore_error))
            g_set_error (error, local_error->domain, local_error->code,
                         _("%s: upgrading the store from %s to %s failed, and restoring it from %s "
                           "failed too (%s): %s"),
                         path, self->previous_revision, to, backup_path,
                         restore_error->message, local_error->message);
          else
            g_set_error (error, local_error->domain, local_error->code,
                         _("%s: upgrading the store from %s to %s failed; it was restored from %s: %s"),
                         path, self->previous_revision, to, backup_path, local_error->message);
          return NULL;
        }
    }

  self->revision = join_heads (strata_plan_get_heads_after (plan));
  if (!existed)
    self->outcome = self->problem != NULL ? STRATA_STORE_OUTCOME_RECREATED : STRATA_STORE_OUTCOME_CREATED;
  else if (strata_plan_get_n_steps (plan) > 0)
    self->outcome = STRATA_STORE_OUTCOME_UPGRADED;
  else
    self->outcome = STRATA_STORE_OUTCOME_UNCHANGED;

  if (!self->app_store && (!load_profiles (self, error) || !load_recent_projects (self, error)))
    return NULL;

  {
    g_autofree char *outcome = g_enum_to_string (STRATA_TYPE_STORE_OUTCOME, self->outcome);

    g_debug ("%s: %s (revision %s)", path, outcome, self->revision);
  }

  return g_steal_pointer (&self);
}

StrataStore *
_strata_store_open_full (GFile         *file,
                         GPtrArray     *scripts,
                         const char    *target,
                         GCancellable  *cancellable,
                         GError       **error)
{
  return store_open (file, scripts, target, NULL, cancellable, error);
}

StrataStore *
_strata_store_open_app (GFile         *file,
                        GPtrArray     *scripts,
                        const char    *app_name,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (app_name != NULL, NULL);

  return store_open (file, scripts, NULL, app_name, cancellable, error);
}

StrataDriver *
_strata_store_get_driver (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->driver;
}

void
_strata_store_close (StrataStore *self)
{
  g_return_if_fail (STRATA_IS_STORE (self));

  g_mutex_lock (&self->lock);
  g_clear_object (&self->driver);
  g_mutex_unlock (&self->lock);
}

/**
 * strata_store_open:
 * @file: (nullable): the store, or %NULL for the default one
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StrataStore *
strata_store_open (GFile         *file,
                   GCancellable  *cancellable,
                   GError       **error)
{
  return _strata_store_open_full (file, NULL, NULL, cancellable, error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  StrataStore *store;

  if ((store = strata_store_open (task_data, cancellable, &error)))
    g_task_return_pointer (task, store, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
strata_store_open_async (GFile               *file,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (file == NULL || G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_store_open_async);
  /* A cancelled upgrade reports its own error, after restoring. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_return_on_cancel (task, FALSE);
  if (file != NULL)
    g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, open_thread);
}

/**
 * strata_store_open_finish:
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StrataStore *
strata_store_open_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_store_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * strata_store_get_file:
 * @self: a #StrataStore
 *
 * Returns: (transfer none): the store's file
 */
GFile *
strata_store_get_file (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->file;
}

StrataStoreOutcome
strata_store_get_outcome (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), STRATA_STORE_OUTCOME_UNCHANGED);
  return self->outcome;
}

const char *
strata_store_get_previous_revision (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->previous_revision;
}

const char *
strata_store_get_revision (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->revision;
}

/**
 * strata_store_get_backup_file:
 * @self: a #StrataStore
 *
 * Returns: (transfer none) (nullable): the backup taken before the last upgrade
 */
GFile *
strata_store_get_backup_file (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->backup_file;
}

/**
 * strata_store_get_damaged_file:
 *
 * Returns: (transfer none) (nullable): where the store that could not be
 *   read was moved (%STRATA_STORE_OUTCOME_RECREATED), or %NULL
 */
GFile *
strata_store_get_damaged_file (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->damaged_file;
}

/**
 * strata_store_get_problem:
 *
 * Returns: (nullable): with %STRATA_STORE_OUTCOME_RECREATED, one line that
 *   says what was wrong with the store, where it was moved and what the
 *   new store lacks; %NULL otherwise
 */
const char *
strata_store_get_problem (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return self->problem;
}

/* Profiles --------------------------------------------------------------- */

#define PROFILE_COLUMNS "id, name, engine, host, port, username, database, path, params, role, notes"

static int
compare_profiles (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  g_autofree char *name_a = g_utf8_casefold (strata_profile_get_name ((StrataProfile *)a), -1);
  g_autofree char *name_b = g_utf8_casefold (strata_profile_get_name ((StrataProfile *)b), -1);
  int cmp = g_utf8_collate (name_a, name_b);

  return cmp != 0 ? cmp : g_strcmp0 (strata_profile_get_name ((StrataProfile *)a),
                                     strata_profile_get_name ((StrataProfile *)b));
}

/* Sets @profile's fields from @row of @result. */
static void
apply_row (StrataProfile *profile,
           StrataResult  *result,
           guint          row)
{
  StrataProfileRole role = STRATA_PROFILE_ROLE_DEVELOPMENT;
  const char *port = strata_result_get_value (result, row, 4);

  strata_profile_role_from_string (strata_result_get_value (result, row, 9), &role);

  g_object_freeze_notify (G_OBJECT (profile));
  strata_profile_set_id (profile, strata_result_get_value (result, row, 0));
  strata_profile_set_name (profile, strata_result_get_value (result, row, 1));
  strata_profile_set_engine (profile, strata_result_get_value (result, row, 2));
  strata_profile_set_host (profile, strata_result_get_value (result, row, 3));
  strata_profile_set_port (profile, port ? (guint)MIN (g_ascii_strtoull (port, NULL, 10), 65535) : 0);
  strata_profile_set_user (profile, strata_result_get_value (result, row, 5));
  strata_profile_set_database (profile, strata_result_get_value (result, row, 6));
  strata_profile_set_path (profile, strata_result_get_value (result, row, 7));
  strata_profile_set_params (profile, strata_result_get_value (result, row, 8));
  strata_profile_set_role (profile, role);
  strata_profile_set_notes (profile, strata_result_get_value (result, row, 10));
  g_object_thaw_notify (G_OBJECT (profile));
}

static gboolean
load_profiles (StrataStore  *self,
               GError      **error)
{
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  result = strata_driver_query (self->driver, "SELECT " PROFILE_COLUMNS " FROM profile", NULL, error);
  if (result == NULL)
    return FALSE;

  for (guint i = 0; i < strata_result_get_n_rows (result); i++)
    {
      StrataProfile *profile = g_object_new (STRATA_TYPE_PROFILE,
                                             "origin", STRATA_PROFILE_ORIGIN_USER,
                                             NULL);

      apply_row (profile, result, i);
      g_ptr_array_add (items, profile);
    }

  g_list_store_remove_all (self->profiles);
  for (guint i = 0; i < items->len; i++)
    g_list_store_insert_sorted (self->profiles, g_ptr_array_index (items, i), compare_profiles, NULL);

  return TRUE;
}

/**
 * strata_store_get_profiles:
 *
 * Returns: (transfer none): a #GListModel of #StrataProfile
 */
GListModel *
strata_store_get_profiles (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->profiles);
}

static StrataProfile *
find_profile (StrataStore *self,
              const char  *name,
              const char  *id,
              guint       *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->profiles));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i);

      if ((name != NULL && g_strcmp0 (strata_profile_get_name (profile), name) == 0) ||
          (id != NULL && g_strcmp0 (strata_profile_get_id (profile), id) == 0))
        {
          if (position != NULL)
            *position = i;
          return profile;  /* the list keeps it alive */
        }
    }

  return NULL;
}

/**
 * strata_store_lookup_profile:
 *
 * Returns: (transfer none) (nullable): the user's profile named @name
 */
StrataProfile *
strata_store_lookup_profile (StrataStore *self,
                             const char  *name)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_profile (self, name, NULL, NULL);
}

/**
 * strata_store_lookup_profile_by_id:
 *
 * Returns: (transfer none) (nullable): the user's profile with @id
 */
StrataProfile *
strata_store_lookup_profile_by_id (StrataStore *self,
                                   const char  *id)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return find_profile (self, NULL, id, NULL);
}

static char *
port_text (StrataProfile *profile)
{
  guint port = strata_profile_get_port (profile);

  return port != 0 ? g_strdup_printf ("%u", port) : NULL;
}

static gboolean
check_name_free (StrataStore    *self,
                 StrataProfile  *profile,
                 GError        **error)
{
  StrataProfile *other = find_profile (self, strata_profile_get_name (profile), NULL, NULL);

  if (other != NULL && other != profile)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("a profile named “%s” already exists"), strata_profile_get_name (profile));
      return FALSE;
    }
  return TRUE;
}

static gboolean
still_sorted (StrataStore   *self,
              StrataProfile *profile,
              guint          position)
{
  GListModel *model = G_LIST_MODEL (self->profiles);
  guint n = g_list_model_get_n_items (model);

  if (position > 0)
    {
      g_autoptr(StrataProfile) before = g_list_model_get_item (model, position - 1);

      if (compare_profiles (before, profile, NULL) > 0)
        return FALSE;
    }
  if (position + 1 < n)
    {
      g_autoptr(StrataProfile) after = g_list_model_get_item (model, position + 1);

      if (compare_profiles (profile, after, NULL) > 0)
        return FALSE;
    }
  return TRUE;
}

/* Jobs -------------------------------------------------------------------
 *
 * Every write and read after opening is a job in three parts: prepared on
 * the caller's thread (checks against the live lists, and a snapshot of the
 * values to write: the worker never reads a StrataProfile, which the app
 * edits on its main thread), run with the driver's lock held (SQLite
 * connections are not shared between threads), then applied to the live
 * lists on the caller's thread. The sync calls do all three in a row; the
 * async ones run the middle part on the store's own worker thread, one job
 * at a time in the order they were asked for, and apply the result on the
 * main context of the caller before its callback. */

typedef struct _StoreJob StoreJob;

typedef gboolean (*StoreRunFunc)   (StrataStore  *self,
                                    StoreJob     *job,
                                    GError      **error);
typedef void     (*StoreApplyFunc) (StrataStore  *self,
                                    StoreJob     *job,
                                    gboolean      succeeded);

struct _StoreJob
{
  StoreRunFunc    run;
  StoreApplyFunc  apply;
  StrataProfile  *profile;   /* never touched by run */
  GPtrArray      *params;    /* (element-type utf8) (nullable elements) */
  char           *path;
  gint64          run_id;
  StrataResult   *result;    /* what run read */
  GError         *error;
};

static void
store_job_free (gpointer data)
{
  StoreJob *job = data;

  g_clear_object (&job->profile);
  g_clear_pointer (&job->params, g_ptr_array_unref);
  g_clear_pointer (&job->path, g_free);
  g_clear_pointer (&job->result, strata_result_unref);
  g_clear_error (&job->error);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreJob, store_job_free)

static StoreJob *
store_job_new (StoreRunFunc    run,
               StoreApplyFunc  apply)
{
  StoreJob *job = g_new0 (StoreJob, 1);

  job->run = run;
  job->apply = apply;
  job->params = g_ptr_array_new_with_free_func (g_free);
  return job;
}

static void
store_job_add_param (StoreJob   *job,
                     const char *value)
{
  g_ptr_array_add (job->params, g_strdup (value));
}

/* Runs @job with the driver's lock held; its error goes to job->error
 * (unless it has one already: a save refused before it ran). */
static gboolean
store_job_run_locked (StrataStore *self,
                      StoreJob    *job)
{
  g_autoptr(GError) error = NULL;
  gboolean succeeded;

  g_mutex_lock (&self->lock);
  if (self->driver == NULL)
    {
      g_set_error (&error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s: the store is closed"), g_file_peek_path (self->file));
      succeeded = FALSE;
    }
  else
    succeeded = job->run (self, job, &error);
  g_mutex_unlock (&self->lock);

  if (job->error == NULL && error != NULL)
    job->error = g_steal_pointer (&error);
  return succeeded && job->error == NULL;
}

static gboolean
store_job_run_sync (StrataStore  *self,
                    StoreJob     *job,
                    GError      **error)
{
  gboolean succeeded = store_job_run_locked (self, job);

  if (job->apply != NULL)
    job->apply (self, job, succeeded);
  if (!succeeded)
    g_propagate_error (error, g_steal_pointer (&job->error));
  return succeeded;
}

static gboolean
store_job_complete (gpointer data)
{
  GTask *task = data;
  StrataStore *self = g_task_get_source_object (task);
  StoreJob *job = g_task_get_task_data (task);
  gboolean succeeded = job->error == NULL;

  if (job->profile != NULL && self->profile_writes > 0)
    self->profile_writes--;
  if (job->apply != NULL)
    job->apply (self, job, succeeded);
  if (succeeded)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&job->error));

  return G_SOURCE_REMOVE;
}

/* The worker thread: one job at a time, in order. */
static void
store_worker (gpointer data,
              gpointer user_data)
{
  g_autoptr(GTask) task = data;
  StrataStore *self = g_task_get_source_object (task);
  StoreJob *job = g_task_get_task_data (task);
  g_autoptr(GSource) source = NULL;
  GMainContext *context;

  /* A job refused when it was asked for has its error already: it still
   * waits for its turn, so that callbacks come in the order of the calls. */
  if (job->error == NULL &&
      g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &job->error))
    job->run = NULL;
  if (job->run != NULL)
    store_job_run_locked (self, job);

  /* The source takes the worker's reference: the task (and so the store)
   * is released on the caller's main context, never here. */
  source = g_idle_source_new ();
  g_source_set_priority (source, g_task_get_priority (task));
  g_source_set_static_name (source, "[strata] store job");
  context = g_task_get_context (task);
  g_source_set_callback (source, store_job_complete, g_steal_pointer (&task), g_object_unref);
  g_source_attach (source, context);
}

/* Takes @job (or @error, when preparing it failed). */
static void
store_job_run_async (StrataStore         *self,
                     StoreJob            *job,
                     GError              *error,
                     gpointer             source_tag,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (job == NULL)
    {
      job = store_job_new (NULL, NULL);
      job->error = error;
    }

  if (job->profile != NULL)
    self->profile_writes++;
  g_task_set_task_data (task, job, store_job_free);

  if (self->worker == NULL)
    self->worker = g_thread_pool_new (store_worker, NULL, 1, FALSE, NULL);
  g_thread_pool_push (self->worker, g_steal_pointer (&task), NULL);
}

static StoreJob *
store_job_finish (StrataStore   *self,
                  GAsyncResult  *result,
                  gpointer       source_tag,
                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

/* Adding, saving and removing profiles ----------------------------------- */

static void
snapshot_profile (StoreJob      *job,
                  StrataProfile *profile)
{
  g_autofree char *port = port_text (profile);

  store_job_add_param (job, strata_profile_get_id (profile));
  store_job_add_param (job, strata_profile_get_name (profile));
  store_job_add_param (job, strata_profile_get_engine (profile));
  store_job_add_param (job, strata_profile_get_host (profile));
  store_job_add_param (job, port);
  store_job_add_param (job, strata_profile_get_user (profile));
  store_job_add_param (job, strata_profile_get_database (profile));
  store_job_add_param (job, strata_profile_get_path (profile));
  store_job_add_param (job, strata_profile_get_params (profile));
  store_job_add_param (job, strata_profile_role_to_string (strata_profile_get_role (profile)));
  store_job_add_param (job, strata_profile_get_notes (profile));
}

static gboolean
query_job (StrataStore  *self,
           StoreJob     *job,
           const char   *sql,
           GError      **error)
{
  g_clear_pointer (&job->result, strata_result_unref);
  job->result = strata_driver_query_params (self->driver, sql, job->params->len,
                                            (const char * const *)job->params->pdata,
                                            NULL, error);
  return job->result != NULL;
}

static gboolean
add_profile_run (StrataStore  *self,
                 StoreJob     *job,
                 GError      **error)
{
  return query_job (self, job,
                    "INSERT INTO profile (" PROFILE_COLUMNS ") "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    error);
}

static void
add_profile_apply (StrataStore *self,
                   StoreJob    *job,
                   gboolean     succeeded)
{
  if (succeeded)
    g_list_store_insert_sorted (self->profiles, job->profile, compare_profiles, NULL);
}

static StoreJob *
prepare_add_profile (StrataStore    *self,
                     StrataProfile  *profile,
                     GError        **error)
{
  StoreJob *job;

  if (strata_profile_get_origin (profile) != STRATA_PROFILE_ORIGIN_USER)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s” is not a user profile: only those go in the store"),
                   strata_profile_get_name (profile));
      return NULL;
    }
  if (!strata_profile_validate (profile, error) || !check_name_free (self, profile, error))
    return NULL;

  if (strata_profile_get_id (profile) == NULL)
    {
      g_autofree char *id = g_uuid_string_random ();

      strata_profile_set_id (profile, id);
    }
  else if (find_profile (self, NULL, strata_profile_get_id (profile), NULL) != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s” is already in the store"), strata_profile_get_name (profile));
      return NULL;
    }

  job = store_job_new (add_profile_run, add_profile_apply);
  job->profile = g_object_ref (profile);
  snapshot_profile (job, profile);
  return job;
}

gboolean
strata_store_add_profile (StrataStore    *self,
                          StrataProfile  *profile,
                          GError        **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PROFILE (profile), FALSE);

  if (!(job = prepare_add_profile (self, profile, error)))
    return FALSE;
  return store_job_run_sync (self, job, error);
}

void
strata_store_add_profile_async (StrataStore         *self,
                                StrataProfile       *profile,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  StoreJob *job;

  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (STRATA_IS_PROFILE (profile));

  job = prepare_add_profile (self, profile, &error);
  store_job_run_async (self, job, error, strata_store_add_profile_async,
                       cancellable, callback, user_data);
}

gboolean
strata_store_add_profile_finish (StrataStore   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return store_job_finish (self, result, strata_store_add_profile_async, error) != NULL;
}

static gboolean
save_profile_run (StrataStore  *self,
                  StoreJob     *job,
                  GError      **error)
{
  if (query_job (self, job,
                 "UPDATE profile SET name = $2, engine = $3, host = $4, port = $5, "
                 "username = $6, database = $7, path = $8, params = $9, role = $10, "
                 "notes = $11, modified = CURRENT_TIMESTAMP WHERE id = $1",
                 error))
    return TRUE;

  /* Read the stored values, to give them back to the profile. */
  g_ptr_array_set_size (job->params, 1);
  job->result = strata_driver_query_params (self->driver,
                                            "SELECT " PROFILE_COLUMNS " FROM profile WHERE id = $1",
                                            1, (const char * const *)job->params->pdata, NULL, NULL);
  return FALSE;
}

static void
save_profile_apply (StrataStore *self,
                    StoreJob    *job,
                    gboolean     succeeded)
{
  StrataProfile *profile = job->profile;
  guint position;

  if (!succeeded)
    {
      if (job->result != NULL && strata_result_get_n_rows (job->result) == 1)
        apply_row (profile, job->result, 0);
      return;
    }

  /* It may have gone meanwhile (an async removal asked for before). */
  if (find_profile (self, NULL, strata_profile_get_id (profile), &position) != profile)
    return;

  /* One change where it stands; a renamed profile moves to stay sorted. */
  g_object_ref (profile);
  if (still_sorted (self, profile, position))
    g_list_store_splice (self->profiles, position, 1, (gpointer *)&profile, 1);
  else
    {
      g_list_store_remove (self->profiles, position);
      g_list_store_insert_sorted (self->profiles, profile, compare_profiles, NULL);
    }
  g_object_unref (profile);
}

/* The run of a profile refused before it ran: gives it its stored values
 * back (the error is the refusal's). */
static gboolean
reload_profile_run (StrataStore  *self,
                    StoreJob     *job,
                    GError      **error)
{
  job->result = strata_driver_query_params (self->driver,
                                            "SELECT " PROFILE_COLUMNS " FROM profile WHERE id = $1",
                                            1, (const char * const *)job->params->pdata, NULL, NULL);
  return FALSE;
}

static StoreJob *
prepare_save_profile (StrataStore    *self,
                      StrataProfile  *profile,
                      GError        **error)
{
  StoreJob *job;

  if (strata_profile_get_id (profile) == NULL ||
      find_profile (self, NULL, strata_profile_get_id (profile), NULL) != profile)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s” is not in the store"), strata_profile_get_name (profile));
      return NULL;
    }

  job = store_job_new (save_profile_run, save_profile_apply);
  job->profile = g_object_ref (profile);

  if (!strata_profile_validate (profile, &job->error) ||
      !check_name_free (self, profile, &job->error))
    {
      /* Give it its stored values back, then fail. */
      store_job_add_param (job, strata_profile_get_id (profile));
      job->run = reload_profile_run;
      return job;
    }

  snapshot_profile (job, profile);
  return job;
}

gboolean
strata_store_save_profile (StrataStore    *self,
                           StrataProfile  *profile,
                           GError        **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PROFILE (profile), FALSE);

  if (!(job = prepare_save_profile (self, profile, error)))
    return FALSE;
  return store_job_run_sync (self, job, error);
}

void
strata_store_save_profile_async (StrataStore         *self,
                                 StrataProfile       *profile,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GError *error = NULL;
  StoreJob *job;

  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (STRATA_IS_PROFILE (profile));

  job = prepare_save_profile (self, profile, &error);
  store_job_run_async (self, job, error, strata_store_save_profile_async,
                       cancellable, callback, user_data);
}

gboolean
strata_store_save_profile_finish (StrataStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return store_job_finish (self, result, strata_store_save_profile_async, error) != NULL;
}

static gboolean
remove_profile_run (StrataStore  *self,
                    StoreJob     *job,
                    GError      **error)
{
  return query_job (self, job, "DELETE FROM profile WHERE id = $1", error);
}

static void
remove_profile_apply (StrataStore *self,
                      StoreJob    *job,
                      gboolean     succeeded)
{
  guint position;

  if (succeeded && find_profile (self, NULL, strata_profile_get_id (job->profile), &position))
    g_list_store_remove (self->profiles, position);
}

static StoreJob *
prepare_remove_profile (StrataStore    *self,
                        StrataProfile  *profile,
                        GError        **error)
{
  StoreJob *job;

  if (strata_profile_get_id (profile) == NULL ||
      !find_profile (self, NULL, strata_profile_get_id (profile), NULL))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s” is not in the store"), strata_profile_get_name (profile));
      return NULL;
    }

  job = store_job_new (remove_profile_run, remove_profile_apply);
  job->profile = g_object_ref (profile);
  store_job_add_param (job, strata_profile_get_id (profile));
  return job;
}

gboolean
strata_store_remove_profile (StrataStore    *self,
                             StrataProfile  *profile,
                             GError        **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);
  g_return_val_if_fail (STRATA_IS_PROFILE (profile), FALSE);

  if (!(job = prepare_remove_profile (self, profile, error)))
    return FALSE;
  return store_job_run_sync (self, job, error);
}

void
strata_store_remove_profile_async (StrataStore         *self,
                                   StrataProfile       *profile,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GError *error = NULL;
  StoreJob *job;

  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (STRATA_IS_PROFILE (profile));

  job = prepare_remove_profile (self, profile, &error);
  store_job_run_async (self, job, error, strata_store_remove_profile_async,
                       cancellable, callback, user_data);
}

gboolean
strata_store_remove_profile_finish (StrataStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return store_job_finish (self, result, strata_store_remove_profile_async, error) != NULL;
}

/* Reading profiles written by another process (the CLI) ---------------- */

static gboolean
reload_profiles_run (StrataStore  *self,
                     StoreJob     *job,
                     GError      **error)
{
  return query_job (self, job, "SELECT " PROFILE_COLUMNS " FROM profile", error);
}

/* Merges what the store holds into the live list: a profile that stayed
 * is the same object, updated in place (so a selection holds), and the
 * list changes only where the store did. */
static void
reload_profiles_apply (StrataStore *self,
                       StoreJob    *job,
                       gboolean     succeeded)
{
  g_autoptr(GHashTable) seen = NULL;
  guint n_rows;

  /* A write of this process is on its way: its own change brings the list
   * up to date, and rows read before it would undo it meanwhile */
  if (!succeeded || self->profile_writes > 0)
    return;

  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  n_rows = strata_result_get_n_rows (job->result);
  for (guint i = 0; i < n_rows; i++)
    {
      const char *id = strata_result_get_value (job->result, i, 0);
      StrataProfile *profile;
      guint position;

      if (id == NULL)
        continue;
      g_hash_table_add (seen, g_strdup (id));

      profile = find_profile (self, NULL, id, &position);
      if (profile == NULL)
        {
          g_autoptr(StrataProfile) added = g_object_new (STRATA_TYPE_PROFILE,
                                                         "origin", STRATA_PROFILE_ORIGIN_USER,
                                                         NULL);

          apply_row (added, job->result, i);
          g_list_store_insert_sorted (self->profiles, added, compare_profiles, NULL);
          continue;
        }

      apply_row (profile, job->result, i);
      if (!still_sorted (self, profile, position))
        {
          g_object_ref (profile);
          g_list_store_remove (self->profiles, position);
          g_list_store_insert_sorted (self->profiles, profile, compare_profiles, NULL);
          g_object_unref (profile);
        }
    }

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->profiles)); i > 0; i--)
    {
      g_autoptr(StrataProfile) profile = g_list_model_get_item (G_LIST_MODEL (self->profiles), i - 1);

      if (!g_hash_table_contains (seen, strata_profile_get_id (profile)))
        g_list_store_remove (self->profiles, i - 1);
    }
}

/**
 * strata_store_reload_profiles:
 *
 * Reads the profiles again, for changes another process made (`strata
 * profiles add` while the app runs), and merges them into the live list.
 */
gboolean
strata_store_reload_profiles (StrataStore  *self,
                              GError      **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);

  job = store_job_new (reload_profiles_run, reload_profiles_apply);
  return store_job_run_sync (self, job, error);
}

void
strata_store_reload_profiles_async (StrataStore         *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_STORE (self));

  store_job_run_async (self, store_job_new (reload_profiles_run, reload_profiles_apply), NULL,
                       strata_store_reload_profiles_async, cancellable, callback, user_data);
}

gboolean
strata_store_reload_profiles_finish (StrataStore   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return store_job_finish (self, result, strata_store_reload_profiles_async, error) != NULL;
}

/* Recent projects -------------------------------------------------------- */

static gboolean
query_recent_projects (StrataStore   *self,
                       StrataResult **result,
                       GError       **error)
{
  *result = strata_driver_query (self->driver,
                                 "SELECT path FROM recent_project ORDER BY opened DESC, rowid DESC",
                                 NULL, error);
  return *result != NULL;
}

static void
apply_recent_projects (StrataStore  *self,
                       StrataResult *result)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < strata_result_get_n_rows (result); i++)
    g_ptr_array_add (files, g_file_new_for_path (strata_result_get_value (result, i, 0)));

  g_list_store_splice (self->recent_projects, 0,
                       g_list_model_get_n_items (G_LIST_MODEL (self->recent_projects)),
                       files->pdata, files->len);
}

static gboolean
load_recent_projects (StrataStore  *self,
                      GError      **error)
{
  g_autoptr(StrataResult) result = NULL;

  if (!query_recent_projects (self, &result, error))
    return FALSE;
  apply_recent_projects (self, result);
  return TRUE;
}

/**
 * strata_store_get_recent_projects:
 *
 * Returns: (transfer none): a #GListModel of #GFile
 */
GListModel *
strata_store_get_recent_projects (StrataStore *self)
{
  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->recent_projects);
}

static char *
now_text (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%d %H:%M:%S.%f");
}

static char *
local_path (GFile   *file,
            GError **error)
{
  char *path = g_file_get_path (file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s: a project must be a local folder"), uri);
    }
  return path;
}

static gboolean
add_recent_project_run (StrataStore  *self,
                        StoreJob     *job,
                        GError      **error)
{
  g_autoptr(StrataResult) inserted = NULL;
  g_autoptr(StrataResult) trimmed = NULL;
  g_autofree char *now = now_text ();
  g_autofree char *limit = g_strdup_printf ("%d", MAX_RECENT_PROJECTS);

  {
    const char *params[] = { job->path, now };

    inserted = strata_driver_query_params (self->driver,
                                           "INSERT OR REPLACE INTO recent_project (path, opened) VALUES ($1, $2)",
                                           2, params, NULL, error);
    if (inserted == NULL)
      return FALSE;
  }
  {
    const char *params[] = { limit };

    trimmed = strata_driver_query_params (self->driver,
                                          "DELETE FROM recent_project WHERE path NOT IN "
                                          "(SELECT path FROM recent_project ORDER BY opened DESC, rowid DESC "
                                          "LIMIT $1)",
                                          1, params, NULL, error);
    if (trimmed == NULL)
      return FALSE;
  }

  return query_recent_projects (self, &job->result, error);
}

static gboolean
remove_recent_project_run (StrataStore  *self,
                           StoreJob     *job,
                           GError      **error)
{
  g_autoptr(StrataResult) result = NULL;
  const char *params[] = { job->path };

  result = strata_driver_query_params (self->driver, "DELETE FROM recent_project WHERE path = $1",
                                       1, params, NULL, error);
  if (result == NULL)
    return FALSE;

  return query_recent_projects (self, &job->result, error);
}

static void
recent_projects_apply (StrataStore *self,
                       StoreJob    *job,
                       gboolean     succeeded)
{
  if (succeeded)
    apply_recent_projects (self, job->result);
}

static StoreJob *
prepare_recent_project (StoreRunFunc   run,
                        GFile         *directory,
                        GError       **error)
{
  g_autofree char *path = NULL;
  StoreJob *job;

  if (!(path = local_path (directory, error)))
    return NULL;

  job = store_job_new (run, recent_projects_apply);
  job->path = g_steal_pointer (&path);
  return job;
}

gboolean
strata_store_add_recent_project (StrataStore  *self,
                                 GFile        *directory,
                                 GError      **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (directory), FALSE);

  if (!(job = prepare_recent_project (add_recent_project_run, directory, error)))
    return FALSE;
  return store_job_run_sync (self, job, error);
}

void
strata_store_add_recent_project_async (StrataStore         *self,
                                       GFile               *directory,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GError *error = NULL;
  StoreJob *job;

  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (G_IS_FILE (directory));

  job = prepare_recent_project (add_recent_project_run, directory, &error);
  store_job_run_async (self, job, error, strata_store_add_recent_project_async,
                       cancellable, callback, user_data);
}

gboolean
strata_store_add_recent_project_finish (StrataStore   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return store_job_finish (self, result, strata_store_add_recent_project_async, error) != NULL;
}

gboolean
strata_store_remove_recent_project (StrataStore  *self,
                                    GFile        *directory,
                                    GError      **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (directory), FALSE);

  if (!(job = prepare_recent_project (remove_recent_project_run, directory, error)))
    return FALSE;
  return store_job_run_sync (self, job, error);
}

void
strata_store_remove_recent_project_async (StrataStore         *self,
                                          GFile               *directory,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GError *error = NULL;
  StoreJob *job;

  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (G_IS_FILE (directory));

  job = prepare_recent_project (remove_recent_project_run, directory, &error);
  store_job_run_async (self, job, error, strata_store_remove_recent_project_async,
                       cancellable, callback, user_data);
}

gboolean
strata_store_remove_recent_project_finish (StrataStore   *self,
                                           GAsyncResult  *result,
                                           GError       **error)
{
  return store_job_finish (self, result, strata_store_remove_recent_project_async, error) != NULL;
}

/* Runs ------------------------------------------------------------------- */

static char *
heads_text (const char * const *heads)
{
  if (heads == NULL)
    return NULL;
  return g_strjoinv (" ", (char **)heads);
}

static gboolean
begin_run_run (StrataStore  *self,
               StoreJob     *job,
               GError      **error)
{
  const char *value;

  if (!query_job (self, job,
                  "INSERT INTO run (project, profile_id, profile_name, url, action, "
                  "target, from_heads, started, outcome) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'running') RETURNING id",
                  error))
    return FALSE;

  value = strata_result_get_n_rows (job->result) == 1 ? strata_result_get_value (job->result, 0, 0) : NULL;
  if (value == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%s: the run was not logged"), g_file_peek_path (self->file));
      return FALSE;
    }

  job->run_id = g_ascii_strtoll (value, NULL, 10);
  return TRUE;
}

static StoreJob *
prepare_begin_run (GFile              *project,
                   StrataProfile      *profile,
                   const char         *action,
                   const char         *target,
                   const char * const *heads_before)
{
  StoreJob *job = store_job_new (begin_run_run, NULL);
  g_autofree char *project_path = project ? g_file_get_path (project) : NULL;
  g_autofree char *url = profile ? strata_profile_dup_url (profile, FALSE) : NULL;
  g_autofree char *from = heads_text (heads_before);
  g_autofree char *now = now_text ();

  store_job_add_param (job, project_path);
  store_job_add_param (job, profile ? strata_profile_get_id (profile) : NULL);
  store_job_add_param (job, profile ? strata_profile_get_name (profile) : NULL);
  store_job_add_param (job, url);
  store_job_add_param (job, action);
  store_job_add_param (job, target);
  store_job_add_param (job, from);
  store_job_add_param (job, now);
  return job;
}

gint64
strata_store_begin_run (StrataStore         *self,
                        GFile               *project,
                        StrataProfile       *profile,
                        const char          *action,
                        const char          *target,
                        const char * const  *heads_before,
                        GError             **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), 0);
  g_return_val_if_fail (project == NULL || G_IS_FILE (project), 0);
  g_return_val_if_fail (profile == NULL || STRATA_IS_PROFILE (profile), 0);
  g_return_val_if_fail (action != NULL, 0);

  job = prepare_begin_run (project, profile, action, target, heads_before);
  if (!store_job_run_sync (self, job, error))
    return 0;
  return job->run_id;
}

void
strata_store_begin_run_async (StrataStore         *self,
                              GFile               *project,
                              StrataProfile       *profile,
                              const char          *action,
                              const char          *target,
                              const char * const  *heads_before,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (project == NULL || G_IS_FILE (project));
  g_return_if_fail (profile == NULL || STRATA_IS_PROFILE (profile));
  g_return_if_fail (action != NULL);

  store_job_run_async (self, prepare_begin_run (project, profile, action, target, heads_before),
                       NULL, strata_store_begin_run_async, cancellable, callback, user_data);
}

/**
 * strata_store_begin_run_finish:
 *
 * Returns: the run's id, or 0 with @error set
 */
gint64
strata_store_begin_run_finish (StrataStore   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  StoreJob *job = store_job_finish (self, result, strata_store_begin_run_async, error);

  return job != NULL ? job->run_id : 0;
}

static gboolean
finish_run_run (StrataStore  *self,
                StoreJob     *job,
                GError      **error)
{
  if (!query_job (self, job,
                  "UPDATE run SET outcome = $2, to_heads = $3, message = $4, "
                  "finished = $5 WHERE id = $1 RETURNING id",
                  error))
    return FALSE;

  if (strata_result_get_n_rows (job->result) != 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("no run %" PRId64 " in the log"), job->run_id);
      return FALSE;
    }
  return TRUE;
}

static StoreJob *
prepare_finish_run (gint64               run_id,
                    const char          *outcome,
                    const char * const  *heads_after,
                    const char          *message,
                    GError             **error)
{
  StoreJob *job;
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);
  g_autofree char *to = heads_text (heads_after);
  g_autofree char *redacted = message ? strata_url_redact_string (message) : NULL;
  g_autofree char *now = now_text ();

  if (!g_str_equal (outcome, "succeeded") && !g_str_equal (outcome, "failed") &&
      !g_str_equal (outcome, "cancelled"))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("unknown run outcome “%s” (succeeded, failed or cancelled)"), outcome);
      return NULL;
    }

  job = store_job_new (finish_run_run, NULL);
  job->run_id = run_id;
  store_job_add_param (job, id);
  store_job_add_param (job, outcome);
  store_job_add_param (job, to);
  store_job_add_param (job, redacted);
  store_job_add_param (job, now);
  return job;
}

gboolean
strata_store_finish_run (StrataStore         *self,
                         gint64               run_id,
                         const char          *outcome,
                         const char * const  *heads_after,
                         const char          *message,
                         GError             **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), FALSE);
  g_return_val_if_fail (outcome != NULL, FALSE);

  if (!(job = prepare_finish_run (run_id, outcome, heads_after, message, error)))
    return FALSE;
  return store_job_run_sync (self, job, error);
}

void
strata_store_finish_run_async (StrataStore         *self,
                               gint64               run_id,
                               const char          *outcome,
                               const char * const  *heads_after,
                               const char          *message,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GError *error = NULL;
  StoreJob *job;

  g_return_if_fail (STRATA_IS_STORE (self));
  g_return_if_fail (outcome != NULL);

  job = prepare_finish_run (run_id, outcome, heads_after, message, &error);
  store_job_run_async (self, job, error, strata_store_finish_run_async,
                       cancellable, callback, user_data);
}

gboolean
strata_store_finish_run_finish (StrataStore   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return store_job_finish (self, result, strata_store_finish_run_async, error) != NULL;
}

static gboolean
list_runs_run (StrataStore  *self,
               StoreJob     *job,
               GError      **error)
{
  return query_job (self, job,
                    "SELECT id, project, profile_id, profile_name, url, action, target, "
                    "from_heads, to_heads, started, finished, outcome, message "
                    "FROM run ORDER BY started DESC, id DESC LIMIT $1",
                    error);
}

static StoreJob *
prepare_list_runs (guint limit)
{
  StoreJob *job = store_job_new (list_runs_run, NULL);
  g_autofree char *limit_text = g_strdup_printf ("%d", limit ? (int)MIN (limit, G_MAXINT) : -1);

  store_job_add_param (job, limit_text);
  return job;
}

/**
 * strata_store_list_runs:
 *
 * Returns: (transfer full): the runs, newest first
 */
StrataResult *
strata_store_list_runs (StrataStore  *self,
                        guint         limit,
                        GError      **error)
{
  g_autoptr(StoreJob) job = NULL;

  g_return_val_if_fail (STRATA_IS_STORE (self), NULL);

  job = prepare_list_runs (limit);
  if (!store_job_run_sync (self, job, error))
    return NULL;
  return g_steal_pointer (&job->result);
}

void
strata_store_list_runs_async (StrataStore         *self,
                              guint                limit,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_STORE (self));

  store_job_run_async (self, prepare_list_runs (limit), NULL, strata_store_list_runs_async,
                       cancellable, callback, user_data);
}

/**
 * strata_store_list_runs_finish:
 *
 * Returns: (transfer full): the runs, newest first, or %NULL with @error set
 */
StrataResult *
strata_store_list_runs_finish (StrataStore   *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  StoreJob *job = store_job_finish (self, result, strata_store_list_runs_async, error);

  return job != NULL ? strata_result_ref (job->result) : NULL;
}
