/* strata-driver-sqlite.c: the SQLite driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-driver-sqlite"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "strata-driver-private.h"
#include "strata-driver-sqlite-private.h"
#include "strata-driver-sqlite.h"
#include "strata-url.h"
#include "strata-error.h"
#include "strata-i18n-private.h"

/* Prepared statements kept for strata_driver_query_params(); the cache is
 * emptied when it grows past this. */
#define STATEMENT_CACHE_MAX 64
/* Cancellation is also checked every this many virtual machine steps. */
#define PROGRESS_INTERVAL 1000
/* A wait for another connection's lock longer than this is said
 * ("lock-waiting"): shorter ones are the ordinary traffic of a busy file. */
#define LOCK_WAIT_NOTICE_MS 500

typedef enum
{
  OPEN_READ_WRITE_CREATE,
  OPEN_READ_WRITE,
  OPEN_READ_ONLY,
} OpenMode;

struct _StrataDriverSqlite
{
  StrataDriver   parent_instance;

  sqlite3       *db;
  char          *path;
  GHashTable    *statements;

  /* The cancellable of the call running now (owner thread only). */
  GCancellable  *cancellable;
  gint64         busy_started;
  guint          busy_timeout;
  gboolean       busy_reported;
  /* Set by strata_driver_interrupt() from any thread. */
  int            interrupted;
};

typedef struct
{
  StrataDriverClass parent_class;
} StrataDriverSqliteClass;

G_DEFINE_FINAL_TYPE (StrataDriverSqlite, strata_driver_sqlite, STRATA_TYPE_DRIVER)

enum {
  LOCK_WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char sqlite_header[16] = "SQLite format 3";

static const char *
get_where (StrataDriverSqlite *self)
{
  return self->path != NULL ? self->path : ":memory:";
}

static gboolean
is_interrupted (StrataDriverSqlite *self)
{
  return g_atomic_int_get (&self->interrupted) != 0 ||
         (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable));
}

static void
call_begin (StrataDriverSqlite *self,
            GCancellable       *cancellable)
{
  g_atomic_int_set (&self->interrupted, 0);
  self->cancellable = cancellable;
}

static void
call_end (StrataDriverSqlite *self)
{
  self->cancellable = NULL;
}

/* Why @path cannot be written, told apart: the file itself, or the folder
 * SQLite must create its journal in (or the database in). NULL when both
 * look writable. */
static char *
describe_read_only (const char *path)
{
  g_autofree char *folder = NULL;

  if (path == NULL)
    return NULL;

  if (g_access (path, F_OK) == 0 && g_access (path, W_OK) != 0)
    {
      int errsv = errno;
      return g_strdup_printf (_("the file %s is read-only (%s)"), path, g_strerror (errsv));
    }

  folder = g_path_get_dirname (path);
  if (g_access (folder, W_OK) != 0)
    {
      int errsv = errno;

      if (g_access (path, F_OK) != 0)
        return g_strdup_printf (_("the folder %s is read-only (%s): the database %s cannot be created there"),
                                folder, g_strerror (errsv), path);
      return g_strdup_printf (_("the folder %s is read-only (%s): SQLite writes its journal "
                                "(%s-journal) next to the database, so the folder must be writable too"),
                              folder, g_strerror (errsv), path);
    }

  return NULL;
}

/* Maps a SQLite result code to a STRATA_ERROR; call it before anything else
 * touches the connection so that sqlite3_errmsg() still describes @rc. */
static void
set_sqlite_error (StrataDriverSqlite  *self,
                  GError             **error,
                  int                  rc,
                  const char          *sql)
{
  g_autofree char *statement = _strata_driver_describe_statement (sql);
  const char *message = sqlite3_errmsg (self->db);
  g_autofree char *read_only = NULL;

  if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_CANTOPEN)
    read_only = describe_read_only (self->path);
  if (read_only != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY, "%s: %s", statement, read_only);
      return;
    }

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      if (is_interrupted (self))
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                     _("%s: cancelled while waiting for a lock on %s"), statement, get_where (self));
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                     _("database is locked: %s: another connection held its lock for more than %.1f s "
                       "(add ?timeout=SECONDS to the URL to wait longer)"),
                     get_where (self), self->busy_timeout / 1000.0);
      break;

    case SQLITE_READONLY:
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                   _("database is read-only: %s"), get_where (self));
      break;

    case SQLITE_CORRUPT:
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                   _("%s: %s is damaged (%s); nothing was changed: restore it from a backup, "
                     "or try “sqlite3 %s .recover”"), statement, get_where (self), message, get_where (self));
      break;

    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                   "%s: %s", message, get_where (self));
      break;

    case SQLITE_INTERRUPT:
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                   _("%s: interrupted"), statement);
      break;

    default:
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   "%s: %s", statement, message);
      break;
    }
}

static int
busy_handler (void *user_data,
              int   count)
{
  StrataDriverSqlite *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 elapsed_ms;
  gint64 delay_ms;

  if (count == 0)
    {
      self->busy_started = now;
      self->busy_reported = FALSE;
    }

  if (is_interrupted (self))
    return 0;

  elapsed_ms = (now - self->busy_started) / 1000;
  if (elapsed_ms >= self->busy_timeout)
    return 0;

  if (!self->busy_reported && elapsed_ms >= LOCK_WAIT_NOTICE_MS)
    {
      g_autofree char *what = g_strdup_printf (_("%s is locked by another connection: waiting up to %.1f s "
                                                 "(add ?timeout=SECONDS to the URL to change it)"),
                                               get_where (self), self->busy_timeout / 1000.0);

      self->busy_reported = TRUE;
      g_signal_emit (self, signals[LOCK_WAITING], 0, what);
    }

  /* 1, 2, 4, 8, then 10 ms between attempts, like SQLite's own handler but
   * short enough that cancelling is felt at once. */
  delay_ms = count < 4 ? (1 << count) : 10;
  delay_ms = MIN (delay_ms, (gint64)self->busy_timeout - elapsed_ms);
  g_usleep (delay_ms * 1000);

  return 1;
}

static int
progress_handler (void *user_data)
{
  return is_interrupted (user_data) ? 1 : 0;
}

/* The first complete statement of @sql, for an error in a statement that
 * did not prepare (so SQLite cannot tell where it ends). */
static char *
first_statement (const char *sql)
{
  for (const char *p = strchr (sql, ';'); p != NULL; p = strchr (p + 1, ';'))
    {
      g_autofree char *prefix = g_strndup (sql, p + 1 - sql);

      if (sqlite3_complete (prefix))
        {
          prefix[p - sql] = '\0';
          return g_steal_pointer (&prefix);
        }
    }

  return g_strdup (sql);
}

static gboolean
sqlite_run_statements (StrataDriverSqlite  *self,
                       const char          *sql,
                       GError             **error)
{
  const char *tail = sql;

  while (tail != NULL && *tail != '\0')
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;
      const char *start = tail;
      int rc;

      if (is_interrupted (self))
        {
          g_autofree char *statement = _strata_driver_describe_statement (start);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                       _("%s: cancelled"), statement);
          return FALSE;
        }

      rc = sqlite3_prepare_v2 (self->db, start, -1, &stmt, &tail);
      if (rc != SQLITE_OK)
        {
          g_autofree char *statement = first_statement (start);

          set_sqlite_error (self, error, rc, statement);
          return FALSE;
        }

      /* Whitespace or a comment. */
      if (stmt == NULL)
        {
          if (tail == start)
            break;
          continue;
        }

      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        ;

      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (self, error, rc, sqlite3_sql (stmt));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
strata_driver_sqlite_execute (StrataDriver  *driver,
                              const char    *sql,
                              GCancellable  *cancellable,
                              GError       **error)
{
  StrataDriverSqlite *self = STRATA_DRIVER_SQLITE (driver);
  gboolean ret;

  call_begin (self, cancellable);
  ret = sqlite_run_statements (self, sql, error);
  call_end (self);

  return ret;
}

static sqlite3_stmt *
lookup_statement (StrataDriverSqlite  *self,
                  const char          *sql,
                  GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const char *tail = NULL;
  int rc;

  if ((stmt = g_hash_table_lookup (self->statements, sql)) != NULL)
    return g_steal_pointer (&stmt);

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self, error, rc, sql);
      return NULL;
    }

  if (stmt == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("no SQL statement in \"%s\""), sql);
      return NULL;
    }

  for (const char *p = tail; p != NULL && *p; p++)
    {
      if (!g_ascii_isspace (*p) && *p != ';')
        {
          g_autofree char *statement = _strata_driver_describe_statement (sql);

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("%s: a query must be a single statement"), statement);
          return NULL;
        }
    }

  if (g_hash_table_size (self->statements) >= STATEMENT_CACHE_MAX)
    g_hash_table_remove_all (self->statements);

  g_hash_table_insert (self->statements, g_strdup (sql), stmt);

  return g_steal_pointer (&stmt);
}

static StrataResult *
strata_driver_sqlite_query (StrataDriver        *driver,
                            const char          *sql,
                            guint                n_params,
                            const char * const  *params,
                            GCancellable        *cancellable,
                            GError             **error)
{
  StrataDriverSqlite *self = STRATA_DRIVER_SQLITE (driver);
  g_autoptr(StrataResult) result = NULL;
  g_autofree char **values = NULL;
  sqlite3_stmt *stmt;
  guint n_columns;
  int rc;

  call_begin (self, cancellable);

  if (!(stmt = lookup_statement (self, sql, error)))
    goto out;

  if ((guint)sqlite3_bind_parameter_count (stmt) != n_params)
    {
      g_autofree char *statement = _strata_driver_describe_statement (sql);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s: expects %d parameters, got %u"),
                   statement, sqlite3_bind_parameter_count (stmt), n_params);
      goto out;
    }

  for (guint i = 0; i < n_params; i++)
    {
      char name[16];
      int index;

      g_snprintf (name, sizeof name, "$%u", i + 1);
      if ((index = sqlite3_bind_parameter_index (stmt, name)) == 0)
        index = i + 1;

      if (params[i] == NULL)
        rc = sqlite3_bind_null (stmt, index);
      else
        rc = sqlite3_bind_text (stmt, index, params[i], -1, SQLITE_STATIC);

      if (rc != SQLITE_OK)
        {
          set_sqlite_error (self, error, rc, sql);
          goto out_reset;
        }
    }

  n_columns = sqlite3_column_count (stmt);
  result = _strata_result_new (n_columns);
  for (guint i = 0; i < n_columns; i++)
    _strata_result_set_column_name (result, i, sqlite3_column_name (stmt, i));

  values = g_new0 (char *, n_columns + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < n_columns; i++)
        {
          if (sqlite3_column_type (stmt, i) == SQLITE_NULL)
            values[i] = NULL;
          else
            values[i] = g_strndup ((const char *)sqlite3_column_text (stmt, i),
                                   sqlite3_column_bytes (stmt, i));
        }

      _strata_result_add_row_take (result, values);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, error, rc, sql);
      g_clear_pointer (&result, strata_result_unref);
    }

out_reset:
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

out:
  call_end (self);

  return g_steal_pointer (&result);
}

static gboolean
strata_driver_sqlite_begin (StrataDriver  *driver,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return strata_driver_sqlite_execute (driver, "BEGIN IMMEDIATE", cancellable, error);
}

static gboolean
strata_driver_sqlite_commit (StrataDriver  *driver,
                             GCancellable  *cancellable,
                             GError       **error)
{
  return strata_driver_sqlite_execute (driver, "COMMIT", cancellable, error);
}

static void
strata_driver_sqlite_rollback (StrataDriver *driver)
{
  StrataDriverSqlite *self = STRATA_DRIVER_SQLITE (driver);

  if (sqlite3_get_autocommit (self->db))
    return;

  call_begin (self, NULL);
  if (sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_debug ("ROLLBACK on %s: %s", get_where (self), sqlite3_errmsg (self->db));
  call_end (self);
}

static gboolean
strata_driver_sqlite_in_transaction (StrataDriver *driver)
{
  StrataDriverSqlite *self = STRATA_DRIVER_SQLITE (driver);

  return !sqlite3_get_autocommit (self->db);
}

static gboolean
strata_driver_sqlite_table_exists (StrataDriver  *driver,
                                   const char    *table,
                                   gboolean      *exists,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autoptr(StrataResult) result = NULL;
  const char *params[] = { table };

  result = strata_driver_sqlite_query (driver,
                                       "SELECT 1 FROM sqlite_master "
                                       "WHERE type = 'table' AND name = $1 COLLATE NOCASE",
                                       1, params, cancellable, error);
  if (result == NULL)
    return FALSE;

  *exists = strata_result_get_n_rows (result) > 0;

  return TRUE;
}

/* SQLite serializes writers itself (BEGIN IMMEDIATE and the busy timeout):
 * there is no separate lock to take for a whole run. */
static gboolean
strata_driver_sqlite_lock (StrataDriver  *driver,
                           const char    *key,
                           GCancellable  *cancellable,
                           GError       **error)
{
  return TRUE;
}

static void
strata_driver_sqlite_unlock (StrataDriver *driver,
                             const char   *key)
{
}

static void
strata_driver_sqlite_interrupt (StrataDriver *driver)
{
  StrataDriverSqlite *self = STRATA_DRIVER_SQLITE (driver);

  g_atomic_int_set (&self->interrupted, 1);
  sqlite3_interrupt (self->db);
}

static void
strata_driver_sqlite_finalize (GObject *object)
{
  StrataDriverSqlite *self = (StrataDriverSqlite *)object;

  /* Statements first: sqlite3_close() refuses a connection that has some. */
  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    g_critical ("Closing %s: %s", get_where (self), sqlite3_errmsg (self->db));
  self->db = NULL;
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (strata_driver_sqlite_parent_class)->finalize (object);
}

static void
strata_driver_sqlite_class_init (StrataDriverSqliteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StrataDriverClass *driver_class = STRATA_DRIVER_CLASS (klass);

  object_class->finalize = strata_driver_sqlite_finalize;

  driver_class->dialect = STRATA_DIALECT_SQLITE;
  driver_class->execute = strata_driver_sqlite_execute;
  driver_class->query = strata_driver_sqlite_query;
  driver_class->begin = strata_driver_sqlite_begin;
  driver_class->commit = strata_driver_sqlite_commit;
  driver_class->rollback = strata_driver_sqlite_rollback;
  driver_class->in_transaction = strata_driver_sqlite_in_transaction;
  driver_class->table_exists = strata_driver_sqlite_table_exists;
  driver_class->lock = strata_driver_sqlite_lock;
  driver_class->unlock = strata_driver_sqlite_unlock;
  driver_class->interrupt = strata_driver_sqlite_interrupt;
  driver_class->rebuild_begin = _strata_driver_sqlite_rebuild_begin;
  driver_class->rebuild_finish = _strata_driver_sqlite_rebuild_finish;
  driver_class->rebuild_end = _strata_driver_sqlite_rebuild_end;
  driver_class->render_op_live = _strata_driver_sqlite_render_op_live;

  /**
   * StrataDriverSqlite::lock-waiting:
   * @self: a #StrataDriverSqlite
   * @what: the file, how long the wait may last and how to change that
   *
   * A statement has waited half a second for another connection's lock on
   * the file and goes on waiting, up to the busy timeout. Emitted once per
   * wait, in the thread that runs the statement.
   */
  signals[LOCK_WAITING] =
    g_signal_new ("lock-waiting",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
strata_driver_sqlite_init (StrataDriverSqlite *self)
{
  self->busy_timeout = STRATA_DRIVER_SQLITE_DEFAULT_BUSY_TIMEOUT;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal,
                                            g_free, (GDestroyNotify)sqlite3_finalize);
}

/* A file that is there and not empty must start with SQLite's header:
 * saying so at once beats a confusing failure at the first statement. */
static gboolean
check_header (const char  *path,
              GError     **error)
{
  char header[sizeof sqlite_header];
  size_t n_read;
  FILE *fp;

  if (!(fp = g_fopen (path, "rbe")))
    return TRUE;  /* SQLite says why it cannot open it */

  n_read = fread (header, 1, sizeof header, fp);
  fclose (fp);

  if (n_read == 0 || (n_read == sizeof header && memcmp (header, sqlite_header, sizeof header) == 0))
    return TRUE;

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
               _("file is not a database: %s"), path);
  return FALSE;
}

/* Whether the 100-byte header of an existing database file says it is
 * damaged: a page size that is not a power of two in 512…65536, payload
 * fractions other than 64/32/32, an unknown file format, or (when the
 * header's page count is valid) more pages than the file holds, as after a
 * truncated copy. */
static gboolean
header_says_damaged (const char *path)
{
  guchar header[100];
  GStatBuf st;
  size_t n_read;
  guint page_size;
  guint32 change_counter, valid_for, pages;
  FILE *fp;

  if (g_stat (path, &st) != 0 || st.st_size == 0 || !(fp = g_fopen (path, "rbe")))
    return FALSE;
  n_read = fread (header, 1, sizeof header, fp);
  fclose (fp);

  if (n_read < sizeof header)
    return TRUE;

  page_size = (guint)header[16] << 8 | header[17];
  if (page_size == 1)
    page_size = 65536;
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
    return TRUE;
  if (header[18] < 1 || header[18] > 2 || header[19] < 1 || header[19] > 2 ||
      header[21] != 64 || header[22] != 32 || header[23] != 32)
    return TRUE;

  change_counter = GUINT32_FROM_BE (*(guint32 *)(header + 24));
  valid_for = GUINT32_FROM_BE (*(guint32 *)(header + 92));
  pages = GUINT32_FROM_BE (*(guint32 *)(header + 28));
  if (change_counter == valid_for && pages > 0 && (guint64)pages * page_size > (guint64)st.st_size)
    return TRUE;
  if ((guint64)st.st_size % page_size != 0)
    return TRUE;

  return FALSE;
}

/* PRAGMA quick_check before anything touches a database whose header says
 * it is damaged: a clear refusal instead of a migration half applied to a
 * broken file. */
static gboolean
quick_check (StrataDriverSqlite  *self,
             GError             **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  int rc;
  guint n = 0;

  /* A file a crash left with a hot journal can look damaged from its
   * header alone: reading it here rolls the journal back first. */
  rc = sqlite3_prepare_v2 (self->db, "PRAGMA quick_check(5)", -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      const char *line;

      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        break;
      line = (const char *)sqlite3_column_text (stmt, 0);
      if (line == NULL || g_str_equal (line, "ok"))
        continue;
      if (n++ > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, line);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    {
      if (n++ > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, sqlite3_errmsg (self->db));
    }

  if (n == 0)
    return TRUE;

  g_strdelimit (problems->str, "\n", ' ');
  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
               _("%s is damaged: its header is inconsistent and PRAGMA quick_check reports: %s; "
                 "nothing was changed: restore it from a backup, or try “sqlite3 %s .recover”"),
               self->path, problems->str, self->path);
  return FALSE;
}

static StrataDriver *
open_database (const char  *path,
               OpenMode     mode,
               const char  *url,
               GError     **error)
{
  g_autoptr(StrataDriverSqlite) self = NULL;
  g_autoptr(sqlite3) db = NULL;
  int flags = SQLITE_OPEN_FULLMUTEX;
  int rc;

  g_assert (path == NULL || g_path_is_absolute (path));

  if (path != NULL)
    {
      g_autofree char *folder = g_path_get_dirname (path);

      if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                       _("cannot open database %s: folder %s does not exist"), path, folder);
          return NULL;
        }

      if (mode != OPEN_READ_WRITE_CREATE && !g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                       _("cannot open database %s: no such file"), path);
          return NULL;
        }

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && !check_header (path, error))
        return NULL;
    }

  switch (mode)
    {
    case OPEN_READ_ONLY:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case OPEN_READ_WRITE:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OPEN_READ_WRITE_CREATE:
    default:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    }

  g_debug ("opening %s", path != NULL ? path : ":memory:");

  /* Without SQLITE_OPEN_URI, and with an absolute path, a name such as
   * "file:x.db" is only ever a file name. */
  rc = sqlite3_open_v2 (path != NULL ? path : ":memory:", &db, flags, NULL);
  if (rc != SQLITE_OK && mode != OPEN_READ_ONLY &&
      ((rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY))
    {
      g_autofree char *read_only = describe_read_only (path);

      if (read_only != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY, _("cannot open database: %s"), read_only);
          return NULL;
        }
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                   "%s: %s", db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc),
                   path != NULL ? path : ":memory:");
      return NULL;
    }

  self = g_object_new (STRATA_TYPE_DRIVER_SQLITE, NULL);
  self->db = g_steal_pointer (&db);
  self->path = g_strdup (path);

  /* A misspelt "column" must be an error, not a string literal: turn off
   * SQLite's double-quoted string misfeature (the schema already stored in
   * a file is still read as it was written). */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);

  sqlite3_busy_handler (self->db, busy_handler, self);
  sqlite3_progress_handler (self->db, PROGRESS_INTERVAL, progress_handler, self);

  if (url != NULL)
    _strata_driver_set_display_url (STRATA_DRIVER (self), url);
  else
    {
      g_autofree char *display = path != NULL ? g_strconcat ("sqlite:///", path, NULL) : g_strdup ("sqlite://");
      _strata_driver_set_display_url (STRATA_DRIVER (self), display);
    }

  if (path != NULL && header_says_damaged (path) && !quick_check (self, error))
    return NULL;

  if (!sqlite_run_statements (self, "PRAGMA foreign_keys = ON", error))
    return NULL;

  return STRATA_DRIVER (g_steal_pointer (&self));
}

/**
 * strata_driver_sqlite_open:
 * @path: (nullable): a file name, relative to the current directory or
 *   absolute, or %NULL for an in-memory database
 * @read_only: whether to open the file read-only
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the driver, or %NULL with @error set
 */
StrataDriver *
strata_driver_sqlite_open (const char  *path,
                           gboolean     read_only,
                           GError     **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path != NULL)
    absolute = g_canonicalize_filename (path, NULL);

  return open_database (absolute, read_only ? OPEN_READ_ONLY : OPEN_READ_WRITE_CREATE, NULL, error);
}


StrataDriver *
_strata_driver_sqlite_open_url (StrataUrl   *parsed,
                                const char  *url,
                                GFile       *base_dir,
                                GError     **error)
{
  g_autoptr(StrataDriver) driver = NULL;
  g_autofree char *path = NULL;
  OpenMode mode = OPEN_READ_WRITE_CREATE;
  double timeout;
  int flags;

  g_return_val_if_fail (strata_url_get_dialect (parsed) == STRATA_DIALECT_SQLITE, NULL);

  if (!strata_url_is_memory (parsed))
    path = strata_url_get_sqlite_path (parsed, base_dir);

  flags = strata_url_get_sqlite_open_flags (parsed);
  if (flags & SQLITE_OPEN_CREATE)
    mode = OPEN_READ_WRITE_CREATE;
  else if (flags & SQLITE_OPEN_READONLY)
    mode = OPEN_READ_ONLY;
  else
    mode = OPEN_READ_WRITE;

  timeout = strata_url_get_sqlite_timeout (parsed);

  if (path == NULL && mode == OPEN_READ_ONLY)
    mode = OPEN_READ_WRITE_CREATE;

  if (!(driver = open_database (path, mode, url, error)))
    return NULL;

  if (timeout >= 0)
    strata_driver_sqlite_set_busy_timeout (STRATA_DRIVER_SQLITE (driver), (guint)(timeout * 1000));

  return g_steal_pointer (&driver);
}

gboolean
_strata_driver_sqlite_read_header (StrataDriverSqlite *self,
                                   guint8             *buffer,
                                   gsize               size)
{
  sqlite3_file *file = NULL;

  g_return_val_if_fail (STRATA_IS_DRIVER_SQLITE (self), FALSE);

  if (sqlite3_file_control (self->db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL)
    return FALSE;

  return file->pMethods->xRead (file, buffer, (int)size, 0) == SQLITE_OK;
}

/**
 * strata_driver_sqlite_get_path:
 *
 * Returns: (nullable): the absolute file name, %NULL in memory
 */
const char *
strata_driver_sqlite_get_path (StrataDriverSqlite *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_SQLITE (self), NULL);

  return self->path;
}

void
strata_driver_sqlite_set_busy_timeout (StrataDriverSqlite *self,
                                       guint               msec)
{
  g_return_if_fail (STRATA_IS_DRIVER_SQLITE (self));

  self->busy_timeout = msec;
}

guint
strata_driver_sqlite_get_busy_timeout (StrataDriverSqlite *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_SQLITE (self), 0);

  return self->busy_timeout;
}
