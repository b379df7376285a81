/* test-store.c: the user's store: create, upgrade with backup, restore on
 * failure, refuse a newer store untouched; profiles, recent projects, runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "strata.h"
#include "strata-store-private.h"
#include "strata-test-util.h"

#define FIRST_REVISION "3f1c9a2e7b40"
#define HEAD_REVISION  "8d2e4b6a1c93"

typedef struct
{
  char  *dir;
  GFile *file;
  char  *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->dir = strata_test_mkdtemp ();
  fixture->path = g_build_filename (fixture->dir, "data", "strata.db", NULL);
  fixture->file = g_file_new_for_path (fixture->path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  strata_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_object_unref (fixture->file);
}

/* Runs @sql on the file with plain SQLite, outside the store. */
static void
run_sql (const char *path,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* The first column of every row, joined with ' '. */
static char *
query_column (const char *path,
              const char *sql)
{
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  driver = strata_driver_sqlite_open (path, TRUE, &error);
  g_assert_no_error (error);
  result = strata_driver_query (driver, sql, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < strata_result_get_n_rows (result); i++)
    g_ptr_array_add (values, (char *)strata_result_get_value (result, i, 0));
  g_ptr_array_add (values, NULL);

  return g_strjoinv (" ", (char **)values->pdata);
}

static char *
tables_of (const char *path)
{
  return query_column (path, "SELECT name FROM sqlite_master WHERE type IN ('table', 'index') "
                             "AND name NOT LIKE 'sqlite_%' ORDER BY name");
}

static gboolean
contains (const char *data,
          gsize       length,
          const char *needle)
{
  gsize needle_length = strlen (needle);

  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (data + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

static StrataStore *
open_at (Fixture    *fixture,
         const char *target)
{
  g_autoptr(GError) error = NULL;
  StrataStore *store;

  store = _strata_store_open_full (fixture->file, NULL, target, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  return store;
}

static StrataProfile *
add_profile (StrataStore *store,
             const char  *name,
             const char  *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) profile = NULL;

  profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, name, url, &error);
  g_assert_no_error (error);
  strata_store_add_profile (store, profile, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&profile);
}

static void
test_store_migrations (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(GPtrArray) heads = NULL;

  scripts = _strata_store_load_scripts (&error);
  g_assert_no_error (error);
  g_assert_cmpuint (scripts->len, ==, 2);

  graph = strata_graph_new (scripts, &error);
  g_assert_no_error (error);
  heads = strata_graph_get_heads (graph);
  g_assert_cmpuint (heads->len, ==, 1);
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (heads, 0)), ==, HEAD_REVISION);

  /* Every migration can be rendered for SQLite. */
  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);

      g_assert_true (strata_script_get_transactional (script));
      g_assert_nonnull (strata_script_get_downgrade (script));
    }
}

static void
test_store_create (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataStore) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tables = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  GStatBuf st;

  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_CREATED);
  g_assert_null (strata_store_get_previous_revision (store));
  g_assert_cmpstr (strata_store_get_revision (store), ==, HEAD_REVISION);
  g_assert_null (strata_store_get_backup_file (store));
  g_assert_true (g_file_equal (strata_store_get_file (store), fixture->file));
  g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (store)), ==, 0);

  /* Private to the user. */
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  tables = tables_of (fixture->path);
  g_assert_cmpstr (tables, ==, "ix_run_started profile recent_project run strata_history strata_version");
  g_clear_object (&store);

  again = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (again), ==, STRATA_STORE_OUTCOME_UNCHANGED);
  g_assert_cmpstr (strata_store_get_previous_revision (again), ==, HEAD_REVISION);
  g_assert_cmpstr (strata_store_get_revision (again), ==, HEAD_REVISION);
  g_assert_null (strata_store_get_backup_file (again));
}

static void
test_store_default_file (void)
{
  g_autoptr(GFile) file = strata_store_dup_default_file ();
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "strata", "strata.db", NULL);

  g_assert_cmpstr (g_file_peek_path (file), ==, expected);

  /* G_TEST_OPTION_ISOLATE_DIRS: this is a throwaway XDG_DATA_HOME. */
  store = strata_store_open (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (strata_store_get_file (store), file));
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
}

static void
test_store_upgrade (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(StrataStore) old = NULL;
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_path = g_strconcat (fixture->path, "." FIRST_REVISION ".bak", NULL);
  g_autofree char *tables = NULL;
  g_autofree char *names = NULL;
  g_autofree char *version = NULL;
  GStatBuf st;

  old = open_at (fixture, FIRST_REVISION);
  g_assert_cmpstr (strata_store_get_revision (old), ==, FIRST_REVISION);
  g_clear_object (&profile);
  profile = add_profile (old, "staging", "postgresql://app@db.example.com/app");
  g_clear_object (&old);

  tables = tables_of (fixture->path);
  g_assert_cmpstr (tables, ==, "profile recent_project strata_history strata_version");
  g_clear_pointer (&tables, g_free);

  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_UPGRADED);
  g_assert_cmpstr (strata_store_get_previous_revision (store), ==, FIRST_REVISION);
  g_assert_cmpstr (strata_store_get_revision (store), ==, HEAD_REVISION);
  g_assert_nonnull (strata_store_get_backup_file (store));
  g_assert_cmpstr (g_file_peek_path (strata_store_get_backup_file (store)), ==, backup_path);
  g_assert_nonnull (strata_store_lookup_profile (store, "staging"));

  /* The backup is the store as it was, and private too. */
  version = query_column (backup_path, "SELECT version_num FROM strata_version");
  g_assert_cmpstr (version, ==, FIRST_REVISION);
  names = query_column (backup_path, "SELECT name FROM profile");
  g_assert_cmpstr (names, ==, "staging");
  tables = tables_of (backup_path);
  g_assert_cmpstr (tables, ==, "profile recent_project strata_history strata_version");
  g_assert_cmpint (g_stat (backup_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* A revision on top of the shipped ones whose second statement fails. */
static const char broken_revision[] =
  "{\n"
  "  \"revision\": \"f00dfeedbeef\",\n"
  "  \"down_revision\": \"" HEAD_REVISION "\",\n"
  "  \"message\": \"broken\",\n"
  "  \"upgrade\": [\n"
  "    {\"op\": \"add_column\", \"table\": \"profile\", \"column\": {\"name\": \"colour\", \"type\": \"text\"}},\n"
  "    {\"op\": \"sql\", \"sql\": \"INSERT INTO no_such_table VALUES (1)\"}\n"
  "  ]\n"
  "}\n";

static void
test_store_upgrade_failure (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(StrataStore) old = NULL;
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_path = g_strconcat (fixture->path, "." FIRST_REVISION ".bak", NULL);
  g_autofree char *tables = NULL;
  g_autofree char *names = NULL;
  g_autofree char *version = NULL;
  g_autofree char *columns = NULL;
  StrataScript *broken;

  old = open_at (fixture, FIRST_REVISION);
  profile = add_profile (old, "local", "sqlite:////srv/app.db");
  g_clear_object (&old);

  scripts = _strata_store_load_scripts (&error);
  g_assert_no_error (error);
  broken = strata_script_new_from_data (broken_revision, -1, "broken.json", &error);
  g_assert_no_error (error);
  g_ptr_array_add (scripts, broken);

  /* Two steps succeed (the shipped run log, then the new column), the
   * third statement fails: the store must be back at the first revision. */
  store = _strata_store_open_full (fixture->file, scripts, NULL, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, "restored from"));
  g_assert_nonnull (strstr (error->message, backup_path));
  g_assert_nonnull (strstr (error->message, "f00dfeedbeef"));
  g_assert_nonnull (strstr (error->message, "no_such_table"));
  g_test_message ("%s", error->message);

  version = query_column (fixture->path, "SELECT version_num FROM strata_version");
  g_assert_cmpstr (version, ==, FIRST_REVISION);
  tables = tables_of (fixture->path);
  g_assert_cmpstr (tables, ==, "profile recent_project strata_history strata_version");
  names = query_column (fixture->path, "SELECT name FROM profile");
  g_assert_cmpstr (names, ==, "local");
  columns = query_column (fixture->path, "SELECT name FROM pragma_table_info('profile') WHERE name = 'colour'");
  g_assert_cmpstr (columns, ==, "");

  /* And it still opens (and upgrades) with the shipped migrations. */
  g_clear_error (&error);
  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_UPGRADED);
  g_assert_nonnull (strata_store_lookup_profile (store, "local"));
}

static void
test_store_create_failure (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GError) error = NULL;

  scripts = _strata_store_load_scripts (&error);
  g_assert_no_error (error);
  g_ptr_array_add (scripts, strata_script_new_from_data (broken_revision, -1, "broken.json", &error));
  g_assert_no_error (error);

  /* A store that could not be created is not left half-made. */
  store = _strata_store_open_full (fixture->file, scripts, NULL, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "creating the store failed"));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
}

static void
test_store_cancelled (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(StrataStore) old = NULL;
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  old = open_at (fixture, FIRST_REVISION);
  g_clear_object (&old);

  g_cancellable_cancel (cancellable);
  store = strata_store_open (fixture->file, cancellable, &error);
  g_assert_null (store);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);

  version = query_column (fixture->path, "SELECT version_num FROM strata_version");
  g_assert_cmpstr (version, ==, FIRST_REVISION);
}

static void
test_store_newer (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *journal = g_strconcat (fixture->path, "-journal", NULL);
  g_autoptr(GDir) dir = NULL;
  gsize before_length, after_length;
  GStatBuf st_before, st_after;
  guint n_files = 0;

  store = open_at (fixture, NULL);
  g_clear_object (&store);

  /* What a future Strata would leave: a revision this one does not know. */
  run_sql (fixture->path, "UPDATE strata_version SET version_num = 'a1b2c3d4e5f6'");
  g_assert_true (g_file_get_contents (fixture->path, &before, &before_length, NULL));
  g_assert_cmpint (g_stat (fixture->path, &st_before), ==, 0);

  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_NEWER_VERSION);
  g_assert_nonnull (strstr (error->message, fixture->path));
  g_assert_nonnull (strstr (error->message, "newer version of Strata"));
  g_assert_nonnull (strstr (error->message, "a1b2c3d4e5f6"));
  g_assert_nonnull (strstr (error->message, "untouched"));
  g_test_message ("%s", error->message);

  /* Byte for byte the same, not even touched; no backup, no journal. */
  g_assert_true (g_file_get_contents (fixture->path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  g_assert_cmpint (g_stat (fixture->path, &st_after), ==, 0);
  g_assert_cmpint (st_before.st_mtime, ==, st_after.st_mtime);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  dir = g_dir_open (folder, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
}

/* The one file beside the store whose name starts with @prefix, or NULL. */
static char *
find_beside (Fixture    *fixture,
             const char *prefix)
{
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  char *found = NULL;
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      {
        g_assert_null (found);
        found = g_build_filename (folder, name, NULL);
      }

  return found;
}

/* A file that is not a database is somebody's: it is moved aside intact,
 * the problem names where, and a new store takes its place. */
static void
test_store_not_a_database (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *folder = g_path_get_dirname (fixture->path);
  g_autofree char *after = NULL;
  g_autofree char *moved = NULL;
  const char garbage[] = "this is not a SQLite database, but it is somebody's file\n";

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (fixture->path, garbage, -1, NULL));

  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_RECREATED);
  g_assert_cmpstr (strata_store_get_revision (store), ==, HEAD_REVISION);

  moved = find_beside (fixture, "strata.db.damaged-");
  g_assert_nonnull (moved);
  g_assert_cmpstr (g_file_peek_path (strata_store_get_damaged_file (store)), ==, moved);
  g_assert_nonnull (strstr (strata_store_get_problem (store), fixture->path));
  g_assert_nonnull (strstr (strata_store_get_problem (store), moved));
  g_assert_nonnull (strstr (strata_store_get_problem (store), "not in it"));
  g_test_message ("%s", strata_store_get_problem (store));

  g_assert_true (g_file_get_contents (moved, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, garbage);
}

/* A 0-byte store lost what it held: it is not quietly made again. */
static void
test_store_empty_file (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *moved = NULL;
  g_autofree char *backup = g_strconcat (fixture->path, "." FIRST_REVISION ".bak", NULL);

  /* An upgrade left a backup: the message points at it. */
  store = open_at (fixture, FIRST_REVISION);
  g_clear_object (&store);
  store = open_at (fixture, NULL);
  g_clear_object (&store);
  g_assert_true (g_file_test (backup, G_FILE_TEST_EXISTS));

  g_assert_true (g_file_set_contents (fixture->path, "", 0, NULL));

  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_RECREATED);
  g_assert_nonnull (strstr (strata_store_get_problem (store), "empty (0 bytes)"));
  g_assert_nonnull (strstr (strata_store_get_problem (store), backup));
  moved = find_beside (fixture, "strata.db.damaged-");
  g_assert_nonnull (moved);
  g_assert_nonnull (strstr (strata_store_get_problem (store), moved));
  g_test_message ("%s", strata_store_get_problem (store));

  /* Said once: the next open finds a good store. */
  g_clear_object (&store);
  store = open_at (fixture, NULL);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_UNCHANGED);
  g_assert_null (strata_store_get_problem (store));
}

/* A database whose pages are damaged fails quick_check: moved aside. */
static void
test_store_damaged (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *moved = NULL;
  gsize length;

  store = open_at (fixture, NULL);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("profile-%u", i);

      g_clear_object (&profile);
      profile = add_profile (store, name, "sqlite:////srv/app.db");
    }
  g_clear_object (&store);

  /* Scribble over every page but the first (the header stays valid). */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  memset (contents + 4096, 0x5a, length - 4096);
  g_assert_true (g_file_set_contents (fixture->path, contents, length, NULL));

  store = strata_store_open (fixture->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_RECREATED);
  g_assert_nonnull (strstr (strata_store_get_problem (store), "damaged"));
  moved = find_beside (fixture, "strata.db.damaged-");
  g_assert_nonnull (strstr (strata_store_get_problem (store), moved));
  g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (store)), ==, 0);
  g_test_message ("%s", strata_store_get_problem (store));
}

/* Leaves a hot journal on @path as a crash in the middle of a transaction
 * does: a child process changes pages with a tiny cache (so they spill to
 * the file before COMMIT) and dies. */
static void
crash_in_transaction (const char *path,
                      const char *sql)
{
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  int status;
  pid_t pid;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      sqlite3 *db = NULL;

      if (sqlite3_open (path, &db) != SQLITE_OK ||
          sqlite3_exec (db, "PRAGMA cache_size = 1; BEGIN;", NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
        _exit (1);
      _exit (0);
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
}

#define MANY_PROFILES_SQL \
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) " \
  "INSERT INTO profile (id, name, engine, path) SELECT 'id-' || i, 'crashed-' || i, 'sqlite', " \
  "'/srv/' || hex(randomblob(64)) FROM n"

/* A crash at commit leaves a hot journal: the next open rolls it back
 * (read-only, SQLite cannot, and every later open failed with "attempt to
 * write a readonly database"), whether the store is current or is about to
 * be upgraded; nothing committed is lost, nothing uncommitted appears. */
static void
test_store_hot_journal (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *journal = g_strconcat (fixture->path, "-journal", NULL);
  g_autofree char *names = NULL;

  for (guint i = 0; i < 2; i++)
    {
      const char *target = i == 0 ? FIRST_REVISION : NULL;

      g_clear_object (&profile);
      strata_test_rm_rf (fixture->dir);
      store = open_at (fixture, target);
      profile = add_profile (store, "kept", "sqlite:////srv/app.db");
      g_clear_object (&store);

      crash_in_transaction (fixture->path, MANY_PROFILES_SQL);

      /* At the first revision, this open upgrades it, too. */
      store = strata_store_open (fixture->file, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (strata_store_get_outcome (store), ==,
                       i == 0 ? STRATA_STORE_OUTCOME_UPGRADED : STRATA_STORE_OUTCOME_UNCHANGED);
      g_assert_nonnull (strata_store_lookup_profile (store, "kept"));
      g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (store)), ==, 1);
      g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
      g_clear_object (&store);

      names = query_column (fixture->path, "SELECT name FROM profile");
      g_assert_cmpstr (names, ==, "kept");
      g_clear_pointer (&names, g_free);
    }
}

static void
count_changes_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_store_profiles (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) prod = NULL;
  g_autoptr(StrataProfile) local = NULL;
  g_autoptr(StrataProfile) dup = NULL;
  g_autoptr(StrataProfile) item = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *url = NULL;
  GListModel *profiles;
  StrataProfile *found;
  gsize length;
  guint changes = 0;

  store = open_at (fixture, NULL);
  profiles = strata_store_get_profiles (store);
  g_assert_true (g_list_model_get_item_type (profiles) == STRATA_TYPE_PROFILE);
  g_signal_connect (profiles, "items-changed", G_CALLBACK (count_changes_cb), &changes);

  prod = add_profile (store, "production",
                      "postgresql://deploy:Sup3r-Secret%21@db.example.com:6432/shop?sslmode=require");
  strata_profile_set_role (prod, STRATA_PROFILE_ROLE_PRODUCTION);
  strata_profile_set_notes (prod, "Ask Ana before a downgrade.");
  strata_store_save_profile (store, prod, &error);
  g_assert_no_error (error);
  local = add_profile (store, "Local", "sqlite:////home/me/app.db");
  g_assert_cmpuint (changes, ==, 3);

  /* Sorted by name, case-insensitively. */
  g_assert_cmpuint (g_list_model_get_n_items (profiles), ==, 2);
  item = g_list_model_get_item (profiles, 0);
  g_assert_true (item == local);
  g_clear_object (&item);

  /* A second profile of the same name is refused, naming it. */
  dup = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, "Local", "sqlite://", &error);
  g_assert_no_error (error);
  g_assert_false (strata_store_add_profile (store, dup, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“Local” already exists"));
  g_clear_error (&error);

  /* Renaming onto another name fails and gives the old values back. */
  strata_profile_set_name (prod, "Local");
  g_assert_false (strata_store_save_profile (store, prod, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpstr (strata_profile_get_name (prod), ==, "production");

  /* A rename re-sorts. */
  strata_profile_set_name (prod, "a-production");
  strata_store_save_profile (store, prod, &error);
  g_assert_no_error (error);
  item = g_list_model_get_item (profiles, 0);
  g_assert_true (item == prod);
  g_clear_object (&item);
  g_clear_object (&store);

  /* Reopened: everything but the password. */
  store = open_at (fixture, NULL);
  found = strata_store_lookup_profile (store, "a-production");
  g_assert_nonnull (found);
  g_assert_cmpstr (strata_profile_get_id (found), ==, strata_profile_get_id (prod));
  g_assert_cmpint (strata_profile_get_origin (found), ==, STRATA_PROFILE_ORIGIN_USER);
  g_assert_cmpstr (strata_profile_get_engine (found), ==, "postgresql");
  g_assert_cmpstr (strata_profile_get_host (found), ==, "db.example.com");
  g_assert_cmpuint (strata_profile_get_port (found), ==, 6432);
  g_assert_cmpstr (strata_profile_get_user (found), ==, "deploy");
  g_assert_cmpstr (strata_profile_get_database (found), ==, "shop");
  g_assert_cmpstr (strata_profile_get_params (found), ==, "sslmode=require");
  g_assert_cmpint (strata_profile_get_role (found), ==, STRATA_PROFILE_ROLE_PRODUCTION);
  g_assert_cmpstr (strata_profile_get_notes (found), ==, "Ask Ana before a downgrade.");
  g_assert_null (strata_profile_get_password (found));
  url = strata_profile_dup_url (found, TRUE);
  g_assert_cmpstr (url, ==, "postgresql://deploy@db.example.com:6432/shop?sslmode=require");
  g_assert_true (strata_store_lookup_profile_by_id (store, strata_profile_get_id (prod)) == found);
  g_assert_cmpstr (strata_profile_get_path (strata_store_lookup_profile (store, "Local")), ==, "/home/me/app.db");

  /* The password never reached the file. */
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_false (contains (contents, length, "Sup3r-Secret"));

  /* Removal. */
  strata_store_remove_profile (store, found, &error);
  g_assert_no_error (error);
  g_assert_null (strata_store_lookup_profile (store, "a-production"));
  g_assert_false (strata_store_remove_profile (store, prod, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_object (&store);

  store = open_at (fixture, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (store)), ==, 1);
}

static void
test_store_profile_checks (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) project = NULL;
  g_autoptr(StrataProfile) bad = NULL;
  g_autoptr(GError) error = NULL;

  store = open_at (fixture, NULL);

  /* Only user profiles go in the store. */
  project = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_PROJECT, "prod", "postgresql://db/app", &error);
  g_assert_no_error (error);
  g_assert_false (strata_store_add_profile (store, project, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* An invalid one neither. */
  bad = strata_profile_new ("  padded");
  g_assert_false (strata_store_add_profile (store, bad, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "starts or ends with a space"));
  g_clear_error (&error);

  strata_profile_set_name (bad, "bad port");
  strata_profile_set_host (bad, "db.example.com");
  strata_profile_set_params (bad, "sslmod=require");
  g_assert_false (strata_store_add_profile (store, bad, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "bad port"));
  g_test_message ("%s", error->message);

  g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (store)), ==, 0);
}

static void
test_store_recent_projects (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) first = g_file_new_for_path ("/home/me/shop");
  g_autoptr(GFile) second = g_file_new_for_path ("/home/me/blog");
  g_autoptr(GFile) item = NULL;
  GListModel *recent;

  store = open_at (fixture, NULL);
  recent = strata_store_get_recent_projects (store);
  g_assert_true (g_list_model_get_item_type (recent) == G_TYPE_FILE);

  strata_store_add_recent_project (store, first, &error);
  g_assert_no_error (error);
  strata_store_add_recent_project (store, second, &error);
  g_assert_no_error (error);
  item = g_list_model_get_item (recent, 0);
  g_assert_true (g_file_equal (item, second));
  g_clear_object (&item);

  /* Opening again moves it to the top, once. */
  strata_store_add_recent_project (store, first, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 2);
  item = g_list_model_get_item (recent, 0);
  g_assert_true (g_file_equal (item, first));
  g_clear_object (&item);

  /* At most 50. */
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *path = g_strdup_printf ("/home/me/project-%02u", i);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      strata_store_add_recent_project (store, file, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 50);
  item = g_list_model_get_item (recent, 0);
  g_assert_cmpstr (g_file_peek_path (item), ==, "/home/me/project-59");
  g_clear_object (&item);

  strata_store_remove_recent_project (store, item = g_file_new_for_path ("/home/me/project-59"), &error);
  g_assert_no_error (error);
  g_clear_object (&item);
  g_clear_object (&store);

  store = open_at (fixture, NULL);
  recent = strata_store_get_recent_projects (store);
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 49);
  item = g_list_model_get_item (recent, 0);
  g_assert_cmpstr (g_file_peek_path (item), ==, "/home/me/project-58");
}

static void
test_store_runs (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataResult) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) project = g_file_new_for_path ("/home/me/shop");
  g_autofree char *contents = NULL;
  const char *before[] = { "1a0e6c2d9b41", NULL };
  const char *after[] = { "8b4e0f6a2c18", NULL };
  gint64 first, second;
  gsize length;

  store = open_at (fixture, NULL);
  profile = add_profile (store, "staging", "postgresql://app:hunter2@db/app");

  first = strata_store_begin_run (store, project, profile, "upgrade", "head", before, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first, >, 0);
  strata_store_finish_run (store, first, "succeeded", after, NULL, &error);
  g_assert_no_error (error);

  second = strata_store_begin_run (store, project, profile, "downgrade", "-1", after, &error);
  g_assert_no_error (error);
  g_assert_cmpint (second, >, first);
  strata_store_finish_run (store, second, "failed", after,
                           "could not connect to postgresql://app:hunter2@db/app", &error);
  g_assert_no_error (error);

  g_assert_false (strata_store_finish_run (store, second, "exploded", NULL, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (strata_store_finish_run (store, 9999, "failed", NULL, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  runs = strata_store_list_runs (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (runs), ==, 2);
#define VALUE(row, column) strata_result_get_value (runs, row, strata_result_get_column_index (runs, column))
  g_assert_cmpstr (VALUE (0, "action"), ==, "downgrade");
  g_assert_cmpstr (VALUE (0, "outcome"), ==, "failed");
  g_assert_cmpstr (VALUE (0, "message"), ==, "could not connect to postgresql://app:***@db/app");
  g_assert_cmpstr (VALUE (1, "action"), ==, "upgrade");
  g_assert_cmpstr (VALUE (1, "outcome"), ==, "succeeded");
  g_assert_cmpstr (VALUE (1, "project"), ==, "/home/me/shop");
  g_assert_cmpstr (VALUE (1, "profile_name"), ==, "staging");
  g_assert_cmpstr (VALUE (1, "url"), ==, "postgresql://app@db/app");
  g_assert_cmpstr (VALUE (1, "from_heads"), ==, "1a0e6c2d9b41");
  g_assert_cmpstr (VALUE (1, "to_heads"), ==, "8b4e0f6a2c18");
  g_assert_nonnull (VALUE (1, "started"));
  g_assert_nonnull (VALUE (1, "finished"));
#undef VALUE
  g_clear_pointer (&runs, strata_result_unref);

  runs = strata_store_list_runs (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_result_get_n_rows (runs), ==, 1);

  g_clear_object (&store);
  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
  g_assert_false (contains (contents, length, "hunter2"));
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_store_async (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataStore) old = NULL;
  g_autoptr(GError) error = NULL;

  old = open_at (fixture, FIRST_REVISION);
  g_clear_object (&old);

  strata_store_open_async (fixture->file, NULL, open_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  store = strata_store_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_store_get_outcome (store), ==, STRATA_STORE_OUTCOME_UPGRADED);
  g_assert_cmpstr (strata_store_get_previous_revision (store), ==, FIRST_REVISION);
  g_assert_nonnull (strata_store_get_backup_file (store));
  g_clear_object (&result);
  g_clear_object (&store);

  /* And the refusal, async. */
  run_sql (fixture->path, "UPDATE strata_version SET version_num = 'ffffffffffff'");
  strata_store_open_async (fixture->file, NULL, open_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  store = strata_store_open_finish (result, &error);
  g_assert_null (store);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_NEWER_VERSION);
}

/* Async calls: their results in call order, each one's change to the live
 * lists made on the main context before its callback. */
typedef struct
{
  StrataStore *store;
  GThread     *main_thread;
  GPtrArray   *events;    /* "what:outcome", in the order they happened */
  guint        pending;
  guint        n_changes;
} AsyncState;

static void
async_state_init (AsyncState  *state,
                  StrataStore *store)
{
  state->store = store;
  state->main_thread = g_thread_self ();
  state->events = g_ptr_array_new_with_free_func (g_free);
}

static void
async_state_wait (AsyncState *state)
{
  while (state->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
list_changed_cb (GListModel *model,
                 guint       position,
                 guint       removed,
                 guint       added,
                 gpointer    user_data)
{
  AsyncState *state = user_data;

  g_assert_true (g_thread_self () == state->main_thread);
  state->n_changes++;
}

static void
record (AsyncState   *state,
        const char   *what,
        const GError *error)
{
  g_assert_true (g_thread_self () == state->main_thread);
  g_ptr_array_add (state->events, g_strdup_printf ("%s:%s", what, error ? error->message : "ok"));
  state->pending--;
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) profile = NULL;

  strata_store_add_profile_finish (STRATA_STORE (object), result, &error);
  /* The profile is in the list by the time the callback runs. */
  if (error == NULL)
    g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (state->store)), >, 0);
  record (state, "add", error);
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  strata_store_save_profile_finish (STRATA_STORE (object), result, &error);
  record (user_data, "save", error);
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  strata_store_remove_profile_finish (STRATA_STORE (object), result, &error);
  record (user_data, "remove", error);
}

static StrataProfile *
new_profile (const char *name,
             const char *url)
{
  g_autoptr(GError) error = NULL;
  StrataProfile *profile;

  profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, name, url, &error);
  g_assert_no_error (error);
  return profile;
}

static char *
profile_names (StrataStore *store)
{
  GListModel *model = strata_store_get_profiles (store);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(StrataProfile) profile = g_list_model_get_item (model, i);

      g_ptr_array_add (names, g_strdup (strata_profile_get_name (profile)));
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **)names->pdata);
}

static void
test_store_async_profiles (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(StrataStore) store = open_at (fixture, NULL);
  g_autoptr(StrataProfile) zeta = new_profile ("zeta", "sqlite:///tmp/zeta.db");
  g_autoptr(StrataProfile) alpha = new_profile ("alpha", "postgresql://ann@db.example.com/shop");
  g_autoptr(StrataProfile) again = new_profile ("alpha", "sqlite:///tmp/again.db");
  g_autoptr(StrataProfile) beta = new_profile ("beta", "sqlite:///tmp/beta.db");
  g_autoptr(StrataProfile) sneaky = new_profile ("sneaky", "sqlite:///tmp/sneaky.db");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *names = NULL;
  g_autofree char *stored = NULL;
  AsyncState state = { 0, };

  async_state_init (&state, store);
  g_signal_connect (strata_store_get_profiles (store), "items-changed",
                    G_CALLBACK (list_changed_cb), &state);

  /* Nothing changes before the main loop runs: the writes are queued. */
  strata_store_add_profile_async (store, zeta, NULL, added_cb, &state);
  strata_store_add_profile_async (store, alpha, NULL, added_cb, &state);
  /* A second "alpha": its name is still free in the live list when it is
   * asked for, so it is the database that refuses it, on the worker. */
  strata_store_add_profile_async (store, again, NULL, added_cb, &state);
  state.pending = 3;
  g_assert_cmpuint (g_list_model_get_n_items (strata_store_get_profiles (store)), ==, 0);
  async_state_wait (&state);

  g_assert_cmpuint (state.events->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (state.events, 0), ==, "add:ok");
  g_assert_cmpstr (g_ptr_array_index (state.events, 1), ==, "add:ok");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (state.events, 2), "add:"));
  g_assert_cmpstr (g_ptr_array_index (state.events, 2), !=, "add:ok");
  g_assert_cmpuint (state.n_changes, ==, 2);
  names = profile_names (store);
  g_assert_cmpstr (names, ==, "alpha zeta");
  g_clear_pointer (&names, g_free);
  stored = query_column (fixture->path, "SELECT name FROM profile ORDER BY name");
  g_assert_cmpstr (stored, ==, "alpha zeta");
  g_clear_pointer (&stored, g_free);

  /* Now "alpha" is in the list: a second one is refused when called, and
   * reported through the callback, never synchronously. */
  g_ptr_array_set_size (state.events, 0);
  strata_store_add_profile_async (store, again, NULL, added_cb, &state);
  state.pending = 1;
  g_assert_cmpuint (state.events->len, ==, 0);
  async_state_wait (&state);
  g_assert_cmpstr (g_ptr_array_index (state.events, 0), ==, "add:a profile named “alpha” already exists");

  /* Save (renaming it, so it moves), then remove, queued back to back:
   * they run in order. */
  g_ptr_array_set_size (state.events, 0);
  state.n_changes = 0;
  strata_profile_set_name (zeta, "aardvark");
  strata_store_save_profile_async (store, zeta, NULL, saved_cb, &state);
  strata_store_remove_profile_async (store, alpha, NULL, removed_cb, &state);
  state.pending = 2;
  async_state_wait (&state);
  g_assert_cmpstr (g_ptr_array_index (state.events, 0), ==, "save:ok");
  g_assert_cmpstr (g_ptr_array_index (state.events, 1), ==, "remove:ok");
  names = profile_names (store);
  g_assert_cmpstr (names, ==, "aardvark");
  g_clear_pointer (&names, g_free);
  stored = query_column (fixture->path, "SELECT name FROM profile ORDER BY name");
  g_assert_cmpstr (stored, ==, "aardvark");
  g_clear_pointer (&stored, g_free);
  g_assert_cmpuint (state.n_changes, >=, 2);

  /* An invalid save fails, and the profile gets its stored values back. */
  g_ptr_array_set_size (state.events, 0);
  strata_profile_set_name (zeta, "");
  strata_store_save_profile_async (store, zeta, NULL, saved_cb, &state);
  state.pending = 1;
  async_state_wait (&state);
  g_assert_cmpstr (g_ptr_array_index (state.events, 0), !=, "save:ok");
  g_assert_cmpstr (strata_profile_get_name (zeta), ==, "aardvark");

  /* A cancelled call writes nothing. */
  g_ptr_array_set_size (state.events, 0);
  g_cancellable_cancel (cancellable);
  strata_store_add_profile_async (store, beta, cancellable, added_cb, &state);
  state.pending = 1;
  async_state_wait (&state);
  g_assert_cmpstr (g_ptr_array_index (state.events, 0), ==, "add:Operation was cancelled");
  g_assert_null (strata_store_lookup_profile (store, "beta"));
  stored = query_column (fixture->path, "SELECT name FROM profile ORDER BY name");
  g_assert_cmpstr (stored, ==, "aardvark");
  g_clear_pointer (&stored, g_free);

  /* A database error (a row the live list does not know about). */
  run_sql (fixture->path, "INSERT INTO profile (id, name, engine) VALUES ('x1', 'sneaky', 'sqlite')");
  g_ptr_array_set_size (state.events, 0);
  strata_profile_set_id (sneaky, "x1");
  strata_store_add_profile_async (store, sneaky, NULL, added_cb, &state);
  state.pending = 1;
  async_state_wait (&state);
  g_assert_cmpstr (g_ptr_array_index (state.events, 0), !=, "add:ok");
  g_assert_null (strata_store_lookup_profile (store, "sneaky"));

  g_ptr_array_unref (state.events);
}

static void
recent_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  strata_store_add_recent_project_finish (STRATA_STORE (object), result, &error);
  record (user_data, "recent", error);
}

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  strata_store_remove_recent_project_finish (STRATA_STORE (object), result, &error);
  record (user_data, "forget", error);
}

static void
test_store_async_recent_projects (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(StrataStore) store = open_at (fixture, NULL);
  GListModel *recent = strata_store_get_recent_projects (store);
  g_autoptr(GFile) remote = g_file_new_for_uri ("https://example.com/project");
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_object_unref);
  AsyncState state = { 0, };

  async_state_init (&state, store);
  g_signal_connect (recent, "items-changed", G_CALLBACK (list_changed_cb), &state);

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *path = g_strdup_printf ("/projects/p%u", i);

      g_ptr_array_add (dirs, g_file_new_for_path (path));
      strata_store_add_recent_project_async (store, g_ptr_array_index (dirs, i), NULL, recent_cb, &state);
    }
  strata_store_remove_recent_project_async (store, g_ptr_array_index (dirs, 2), NULL, forgotten_cb, &state);
  strata_store_add_recent_project_async (store, remote, NULL, recent_cb, &state);
  state.pending = 7;
  async_state_wait (&state);

  g_assert_cmpuint (state.events->len, ==, 7);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (g_ptr_array_index (state.events, i), ==, "recent:ok");
  g_assert_cmpstr (g_ptr_array_index (state.events, 5), ==, "forget:ok");
  g_assert_true (g_str_has_suffix (g_ptr_array_index (state.events, 6), "a project must be a local folder"));

  /* Newest first, as written in order. */
  g_assert_cmpuint (g_list_model_get_n_items (recent), ==, 4);
  {
    const char *expected[] = { "/projects/p4", "/projects/p3", "/projects/p1", "/projects/p0" };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        g_autoptr(GFile) file = g_list_model_get_item (recent, i);

        g_assert_cmpstr (g_file_peek_path (file), ==, expected[i]);
      }
  }
  g_assert_cmpuint (state.n_changes, ==, 6);

  g_ptr_array_unref (state.events);
}

typedef struct
{
  AsyncState    state;
  GArray       *ids;
  StrataResult *runs;
} RunState;

static void
began_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  RunState *runs = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = strata_store_begin_run_finish (STRATA_STORE (object), result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_array_append_val (runs->ids, id);
  record (&runs->state, "begin", NULL);
}

static void
finished_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunState *runs = user_data;
  g_autoptr(GError) error = NULL;

  strata_store_finish_run_finish (STRATA_STORE (object), result, &error);
  record (&runs->state, "finish", error);
}

static void
listed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  RunState *runs = user_data;
  g_autoptr(GError) error = NULL;

  runs->runs = strata_store_list_runs_finish (STRATA_STORE (object), result, &error);
  g_assert_no_error (error);
  record (&runs->state, "list", NULL);
}

static void
test_store_async_runs (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(StrataStore) store = open_at (fixture, NULL);
  g_autoptr(StrataProfile) profile = new_profile ("prod", "postgresql://ann:hunter2@db.example.com/shop");
  g_autoptr(GFile) project = g_file_new_for_path ("/projects/shop");
  const char *heads[] = { "abc123", NULL };
  RunState runs = { { 0, }, NULL, NULL };

  async_state_init (&runs.state, store);
  runs.ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < 3; i++)
    strata_store_begin_run_async (store, project, profile, "upgrade", "heads", heads, NULL, began_cb, &runs);
  runs.state.pending = 3;
  async_state_wait (&runs.state);

  /* In the order they were asked for. */
  g_assert_cmpuint (runs.ids->len, ==, 3);
  g_assert_cmpint (g_array_index (runs.ids, gint64, 0), <, g_array_index (runs.ids, gint64, 1));
  g_assert_cmpint (g_array_index (runs.ids, gint64, 1), <, g_array_index (runs.ids, gint64, 2));

  /* Finishing, a bad id, and the list, queued together. */
  strata_store_finish_run_async (store, g_array_index (runs.ids, gint64, 1), "failed", heads,
                                 "could not reach postgresql://ann:hunter2@db.example.com/shop",
                                 NULL, finished_cb, &runs);
  strata_store_finish_run_async (store, 9999, "succeeded", heads, NULL, NULL, finished_cb, &runs);
  strata_store_finish_run_async (store, 1, "exploded", heads, NULL, NULL, finished_cb, &runs);
  strata_store_list_runs_async (store, 2, NULL, listed_cb, &runs);
  runs.state.pending = 4;
  async_state_wait (&runs.state);

  g_assert_cmpstr (g_ptr_array_index (runs.state.events, 3), ==, "finish:ok");
  g_assert_cmpstr (g_ptr_array_index (runs.state.events, 4), ==, "finish:no run 9999 in the log");
  g_assert_cmpstr (g_ptr_array_index (runs.state.events, 5), ==,
                   "finish:unknown run outcome “exploded” (succeeded, failed or cancelled)");
  g_assert_cmpstr (g_ptr_array_index (runs.state.events, 6), ==, "list:ok");

  /* The list ran after the finish: newest first, redacted. */
  g_assert_nonnull (runs.runs);
  g_assert_cmpuint (strata_result_get_n_rows (runs.runs), ==, 2);
  g_assert_cmpstr (strata_result_get_value (runs.runs, 1, 11), ==, "failed");
  g_assert_null (strstr (strata_result_get_value (runs.runs, 1, 12), "hunter2"));
  g_assert_cmpstr (strata_result_get_value (runs.runs, 0, 11), ==, "running");

  strata_result_unref (runs.runs);
  g_array_unref (runs.ids);
  g_ptr_array_unref (runs.state.events);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/strata/store/migrations", test_store_migrations);
  g_test_add_func ("/strata/store/default-file", test_store_default_file);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/strata/store/create", test_store_create);
  ADD ("/strata/store/upgrade", test_store_upgrade);
  ADD ("/strata/store/upgrade-failure", test_store_upgrade_failure);
  ADD ("/strata/store/create-failure", test_store_create_failure);
  ADD ("/strata/store/cancelled", test_store_cancelled);
  ADD ("/strata/store/newer", test_store_newer);
  ADD ("/strata/store/not-a-database", test_store_not_a_database);
  ADD ("/strata/store/empty-file", test_store_empty_file);
  ADD ("/strata/store/damaged", test_store_damaged);
  ADD ("/strata/store/hot-journal", test_store_hot_journal);
  ADD ("/strata/store/profiles", test_store_profiles);
  ADD ("/strata/store/profile-checks", test_store_profile_checks);
  ADD ("/strata/store/recent-projects", test_store_recent_projects);
  ADD ("/strata/store/runs", test_store_runs);
  ADD ("/strata/store/async", test_store_async);
  ADD ("/strata/store/async-profiles", test_store_async_profiles);
  ADD ("/strata/store/async-recent-projects", test_store_async_recent_projects);
  ADD ("/strata/store/async-runs", test_store_async_runs);
#undef ADD

  return g_test_run ();
}
