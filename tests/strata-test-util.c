/* strata-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "strata-test-util.h"
#include "strata.h"

const char *
strata_test_require_env (const char *variable,
                         const char *what)
{
  const char *value = g_getenv (variable);

  if (value != NULL && *value != '\0')
    return value;

  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_test_message ("%s is not set: no %s (build-aux/strata-dev test starts it)", variable, what);
      g_test_fail ();
    }
  else
    {
      g_autofree char *msg = g_strdup_printf ("%s is not set: no %s; run build-aux/strata-dev test", variable, what);
      g_test_skip (msg);
    }

  return NULL;
}

char *
strata_test_mkdtemp (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("strata-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
rm_rf_file (GFile *file)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;

  enumerator = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (enumerator != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (enumerator, NULL, NULL)) != NULL)
        {
          g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
          rm_rf_file (child);
          g_object_unref (info);
        }
    }

  g_file_delete (file, NULL, NULL);
}

char *
strata_test_create_chain_project (guint n)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autofree char *migrations = g_build_filename (dir, "migrations", NULL);
  g_autofree char *ini = g_build_filename (dir, "strata.ini", NULL);

  g_assert_cmpint (g_mkdir_with_parents (migrations, 0700), ==, 0);
  g_assert_true (g_file_set_contents (ini, "[strata]\nmigrations=migrations\n", -1, NULL));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("r%06u_t.json", i);
      g_autofree char *path = g_build_filename (migrations, name, NULL);
      g_autofree char *down = i > 0 ? g_strdup_printf ("\"r%06u\"", i - 1) : g_strdup ("null");
      g_autofree char *json = NULL;

      json = g_strdup_printf ("{\"revision\": \"r%06u\", \"down_revision\": %s, \"message\": \"table %u\",\n"
                              " \"upgrade\": [{\"op\": \"create_table\", \"table\": \"t%u\", \"columns\": ["
                              "{\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true},"
                              "{\"name\": \"name\", \"type\": \"text\"}]},"
                              " {\"op\": \"create_index\", \"table\": \"t%u\", \"name\": \"ix_t%u\", \"columns\": [\"name\"]}]}\n",
                              i, down, i, i, i, i);
      g_assert_true (g_file_set_contents (path, json, -1, NULL));
    }

  return g_steal_pointer (&dir);
}

void
strata_test_rm_rf (const char *path)
{
  g_autoptr(GFile) file = NULL;

  if (path == NULL)
    return;

  file = g_file_new_for_path (path);
  rm_rf_file (file);
}

char *
strata_test_source_path (const char *relative)
{
  const char *root = g_getenv ("STRATA_SOURCE_DIR");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

char *
strata_test_pg_url_for (const char *url,
                        const char *database)
{
  const char *scheme_end = strstr (url, "://");
  const char *slash = scheme_end != NULL ? strchr (scheme_end + 3, '/') : NULL;
  const char *query = strchr (url, '?');
  g_autofree char *base = NULL;

  g_assert_nonnull (slash);
  base = g_strndup (url, slash - url);

  return g_strconcat (base, "/", database, query != NULL ? query : "", NULL);
}

static StrataDriver *
pg_admin (void)
{
  g_autoptr(GError) error = NULL;
  StrataDriver *admin = strata_driver_open (g_getenv ("STRATA_TEST_PG_URL"), NULL, NULL, &error);

  g_assert_no_error (error);
  return admin;
}

char *
strata_test_pg_create_database (void)
{
  static guint counter;
  g_autoptr(StrataDriver) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  const char *url = strata_test_require_env ("STRATA_TEST_PG_URL", "PostgreSQL server");

  if (url == NULL)
    return NULL;

  admin = pg_admin ();
  name = g_strdup_printf ("strata_test_%d_%u_%u", (int)getpid (), counter++, g_random_int () % 100000);
  sql = g_strdup_printf ("CREATE DATABASE \"%s\"", name);
  g_assert_true (strata_driver_execute (admin, sql, NULL, &error));
  g_assert_no_error (error);

  return strata_test_pg_url_for (url, name);
}

void
strata_test_pg_drop_database (const char *url)
{
  g_autoptr(StrataDriver) admin = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  const char *name;

  if (url == NULL)
    return;

  name = strrchr (url, '/') + 1;
  admin = pg_admin ();
  sql = g_strdup_printf ("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
  if (!strata_driver_execute (admin, sql, NULL, &error))
    g_test_message ("dropping %s: %s", name, error->message);
}

/* @url (from strata_test_pg_create_database) without its password, which
 * goes to ~/.pgpass (HOME is the test's) where libpq finds it: the URL a
 * project's strata.ini can hold */
char *
strata_test_pg_passfile_url (const char *url)
{
  g_autoptr(StrataProfile) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pgpass = g_build_filename (g_get_home_dir (), ".pgpass", NULL);
  g_autofree char *lines = NULL;
  g_autofree char *old = NULL;

  parsed = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, "server", url, &error);
  g_assert_no_error (error);
  g_file_get_contents (pgpass, &old, NULL, NULL);
  lines = g_strdup_printf ("%s%s:%u:%s:%s:%s\n", old != NULL ? old : "", strata_profile_get_host (parsed),
                           strata_profile_get_port (parsed), strata_profile_get_database (parsed),
                           strata_profile_get_user (parsed), strata_profile_get_password (parsed));
  g_assert_true (g_file_set_contents_full (pgpass, lines, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));

  return g_strdup_printf ("postgresql://%s@%s:%u/%s", strata_profile_get_user (parsed),
                          strata_profile_get_host (parsed), strata_profile_get_port (parsed),
                          strata_profile_get_database (parsed));
}

static StrataDriver *
open_database (const char *where,
               gboolean    read_only)
{
  g_autoptr(GError) error = NULL;
  StrataDriver *driver;

  if (g_path_is_absolute (where))
    driver = strata_driver_sqlite_open (where, read_only, &error);
  else
    driver = strata_driver_open (where, NULL, NULL, &error);
  g_assert_no_error (error);

  return driver;
}

char *
strata_test_query_text (const char *where,
                        const char *sql)
{
  g_autoptr(StrataDriver) driver = open_database (where, TRUE);
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);

  result = strata_driver_query (driver, sql, NULL, &error);
  g_assert_no_error (error);
  for (guint row = 0; row < strata_result_get_n_rows (result); row++)
    {
      const char *value = strata_result_get_value (result, row, 0);

      if (row > 0)
        g_string_append_c (text, ',');
      g_string_append (text, value != NULL ? value : "");
    }

  return g_string_free (text, FALSE);
}

void
strata_test_assert_query (const char *where,
                          const char *sql,
                          const char *expected)
{
  g_autofree char *text = strata_test_query_text (where, sql);

  g_test_message ("%s → %s", sql, text);
  g_assert_cmpstr (text, ==, expected);
}

void
strata_test_execute (const char *where,
                     const char *sql)
{
  g_autoptr(StrataDriver) driver = open_database (where, FALSE);
  g_autoptr(GError) error = NULL;

  if (!strata_driver_execute (driver, sql, NULL, &error))
    g_error ("%s: %s", sql, error->message);
}
