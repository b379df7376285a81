/* strata-project.c: a migration project on disk
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-project"

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strata-core-resources.h"
#include "strata-env.h"
#include "strata-error.h"
#include "strata-graph-private.h"
#include "strata-project-private.h"
#include "strata-script-private.h"
#include "strata-i18n-private.h"

#define PROJECT_FILE   "strata.ini"
#define MAIN_GROUP     "strata"
#define PROFILE_PREFIX "profile "

struct _StrataProject
{
  GObject    parent_instance;

  GFile     *directory;
  GKeyFile  *key_file;
  char      *ini_path;
  GFile     *migrations_dir;
  GFile     *model_file;
  char      *version_table;
  char      *history_table;
  char      *url;
  char      *schema;
  int        lock_timeout;
  int        statement_timeout;

  /* The project's .env, read on first use: its values with their variables
   * expanded (python-dotenv's rules), the same unexpanded, or why it could
   * not be read. */
  gboolean    dotenv_loaded;
  GHashTable *dotenv;
  GHashTable *dotenv_raw;
  GError     *dotenv_error;
};

G_DEFINE_FINAL_TYPE (StrataProject, strata_project, G_TYPE_OBJECT)

static const char * const main_keys[] = {
  "migrations",
  "model",
  "version-table",
  "history-table",
  "url",
  "schema",
  "busy-timeout",
  "lock-timeout",
  "statement-timeout",
  NULL
};

static const char * const profile_keys[] = {
  "url",
  "role",
  "notes",
  "schema",
  NULL
};

static void
strata_project_finalize (GObject *object)
{
  StrataProject *self = (StrataProject *)object;

  g_clear_object (&self->directory);
  g_clear_pointer (&self->key_file, g_key_file_unref);
  g_clear_pointer (&self->ini_path, g_free);
  g_clear_pointer (&self->schema, g_free);
  g_clear_object (&self->migrations_dir);
  g_clear_object (&self->model_file);
  g_clear_pointer (&self->version_table, g_free);
  g_clear_pointer (&self->history_table, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->dotenv, g_hash_table_unref);
  g_clear_pointer (&self->dotenv_raw, g_hash_table_unref);
  g_clear_error (&self->dotenv_error);

  G_OBJECT_CLASS (strata_project_parent_class)->finalize (object);
}

static void
strata_project_class_init (StrataProjectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_project_finalize;
}

static void
strata_project_init (StrataProject *self)
{
}

static gboolean
check_keys (StrataProject      *self,
            const char         *group,
            const char * const *allowed,
            GError            **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (self->key_file, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      if (!g_strv_contains (allowed, keys[i]))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                       _("%s: unknown key “%s” in [%s]"),
                       self->ini_path, keys[i], group);
          return FALSE;
        }
    }

  return TRUE;
}

static const char *lookup_variable (const char *name,
                                     gpointer    user_data);

/* A value as written, without expanding its variables. */
static char *
get_raw_string (StrataProject *self,
                const char    *group,
                const char    *key,
                const char    *fallback)
{
  g_autofree char *value = g_key_file_get_string (self->key_file, group, key, NULL);

  if (value != NULL)
    g_strstrip (value);

  if (value == NULL || *value == '\0')
    return g_strdup (fallback);

  return g_steal_pointer (&value);
}

/* A value with its ${VAR} and ${VAR:-default} expanded (URLs are expanded
 * where they are used: strata_project_resolve_url). */
static char *
get_string (StrataProject *self,
            const char    *group,
            const char    *key,
            const char    *fallback)
{
  g_autofree char *value = g_key_file_get_string (self->key_file, group, key, NULL);

  if (value != NULL)
    g_strstrip (value);

  if (value != NULL && strata_env_has_variables (value))
    {
      char *expanded = strata_env_expand (value, lookup_variable, self,
                                          STRATA_ENV_EXPAND_NONE, NULL, NULL);
      g_free (value);
      value = g_strstrip (expanded);
    }

  if (value == NULL || *value == '\0')
    return g_strdup (fallback);

  return g_steal_pointer (&value);
}

static gboolean
is_valid_table_name (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 63)
    return FALSE;

  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return !g_ascii_isdigit (name[0]);
}

/**
 * strata_parse_timeout:
 * @text: a duration as PostgreSQL writes it: "1500" (milliseconds),
 *   "500ms", "5s", "2min", "1h", "1d"; "0" means no timeout
 * @msec: (out): the duration in milliseconds
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @text is a duration (STRATA_ERROR_INVALID_ARGUMENT
 *   otherwise, quoting it)
 */
gboolean
strata_parse_timeout (const char  *text,
                      int         *msec,
                      GError     **error)
{
  static const struct { const char *unit; double factor; } units[] = {
    { "", 1 }, { "ms", 1 }, { "s", 1000 }, { "min", 60 * 1000 },
    { "h", 60 * 60 * 1000 }, { "d", 24 * 60 * 60 * 1000 },
  };
  g_autofree char *unit = NULL;
  char *end = NULL;
  double value;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (msec != NULL, FALSE);

  value = g_ascii_strtod (text, &end);
  if (end != text && g_ascii_isdigit (text[0]))
    {
      unit = g_strstrip (g_ascii_strdown (end, -1));

      for (guint i = 0; i < G_N_ELEMENTS (units); i++)
        if (g_str_equal (unit, units[i].unit) && value * units[i].factor < G_MAXINT)
          {
            *msec = (int)(value * units[i].factor + 0.5);
            return TRUE;
          }
    }

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a duration: write e.g. 500ms, 5s, 2min or a number of milliseconds"),
               text);
  return FALSE;
}

static gboolean
get_timeout (StrataProject  *self,
             const char     *key,
             int            *msec,
             GError        **error)
{
  g_autofree char *text = get_string (self, MAIN_GROUP, key, NULL);
  g_autoptr(GError) local_error = NULL;

  *msec = -1;

  if (text == NULL)
    return TRUE;

  if (!strata_parse_timeout (text, msec, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s: %s", self->ini_path, key, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * strata_project_open:
 * @directory: the folder holding strata.ini
 *
 * Returns: (transfer full): the project, or %NULL with @error set
 */
StrataProject *
strata_project_open (GFile   *directory,
                     GError **error)
{
  g_autoptr(StrataProject) self = NULL;
  g_autoptr(GFile) ini = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *migrations = NULL;
  g_autofree char *model = NULL;

  g_return_val_if_fail (G_IS_FILE (directory), NULL);

  self = g_object_new (STRATA_TYPE_PROJECT, NULL);
  self->directory = g_object_ref (directory);
  self->key_file = g_key_file_new ();

  ini = g_file_get_child (directory, PROJECT_FILE);
  self->ini_path = strata_display_path (ini);

  {
    g_autofree char *path = g_file_get_path (ini);

    if (!g_key_file_load_from_file (self->key_file, path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
      {
        if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                       _("%s: no such file; this is not a Strata project (create one with “strata init”)"),
                       self->ini_path);
        else
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                       "%s: %s", self->ini_path, local_error->message);
        return NULL;
      }
  }

  if (!g_key_file_has_group (self->key_file, MAIN_GROUP))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: no [strata] group"), self->ini_path);
      return NULL;
    }

  groups = g_key_file_get_groups (self->key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (g_str_equal (groups[i], MAIN_GROUP))
        {
          if (!check_keys (self, groups[i], main_keys, error))
            return NULL;
        }
      else if (g_str_has_prefix (groups[i], PROFILE_PREFIX) &&
               groups[i][strlen (PROFILE_PREFIX)] != '\0')
        {
          if (!check_keys (self, groups[i], profile_keys, error))
            return NULL;
        }
      else
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                       _("%s: unknown group [%s] (expected [strata] or [profile NAME])"),
                       self->ini_path, groups[i]);
          return NULL;
        }
    }

  migrations = get_string (self, MAIN_GROUP, "migrations", "migrations");
  model = get_string (self, MAIN_GROUP, "model", "schema.json");
  self->migrations_dir = g_file_resolve_relative_path (directory, migrations);
  self->model_file = g_file_resolve_relative_path (directory, model);
  self->version_table = get_string (self, MAIN_GROUP, "version-table", "strata_version");
  self->history_table = get_string (self, MAIN_GROUP, "history-table", "strata_history");
  self->url = get_raw_string (self, MAIN_GROUP, "url", NULL);

  if (!is_valid_table_name (self->version_table))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: version-table “%s” is not a valid table name"),
                   self->ini_path, self->version_table);
      return NULL;
    }

  if (!is_valid_table_name (self->history_table))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: history-table “%s” is not a valid table name"),
                   self->ini_path, self->history_table);
      return NULL;
    }

  self->schema = get_string (self, MAIN_GROUP, "schema", NULL);
  if (self->schema != NULL && !is_valid_table_name (self->schema))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: schema “%s” is not a valid schema name"),
                   self->ini_path, self->schema);
      return NULL;
    }

  if (!get_timeout (self, "lock-timeout", &self->lock_timeout, error) ||
      !get_timeout (self, "statement-timeout", &self->statement_timeout, error))
    return NULL;

  /* A value above used a variable and .env could not be read. */
  if (self->dotenv_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->dotenv_error));
      return NULL;
    }

  return g_steal_pointer (&self);
}

static gboolean
write_new_file (GFile         *file,
                const char    *contents,
                gsize          length,
                GError       **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;

  stream = g_file_create (file, G_FILE_CREATE_NONE, NULL, &local_error);
  if (stream == NULL ||
      !g_output_stream_write_all (G_OUTPUT_STREAM (stream), contents, length, NULL, NULL, &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error))
    {
      g_autofree char *path = strata_display_path (file);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s", path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * strata_project_create:
 * @directory: the project folder, created if missing
 *
 * Writes a commented strata.ini, an empty migrations folder, an empty
 * schema.json, a .gitignore and a .env.example. Existing files are never
 * overwritten.
 */
gboolean
strata_project_create (GFile   *directory,
                       GError **error)
{
  g_autoptr(GFile) ini = NULL;
  g_autoptr(GFile) migrations = NULL;
  g_autoptr(GFile) model = NULL;
  g_autoptr(GFile) gitignore = NULL;
  g_autoptr(GFile) env_example = NULL;
  g_autoptr(GBytes) template = NULL;
  g_autoptr(GError) local_error = NULL;
  static const char empty_model[] = "{\n  \"tables\": []\n}\n";
  static const char ignore[] = "# Never commit secrets or local databases\n.env\n*.db\n*.db-journal\n*.db-wal\n*.db-shm\n";

  g_return_val_if_fail (G_IS_FILE (directory), FALSE);

  ini = g_file_get_child (directory, PROJECT_FILE);
  if (g_file_query_exists (ini, NULL))
    {
      g_autofree char *path = strata_display_path (ini);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   _("%s: already exists; not overwriting an existing project"), path);
      return FALSE;
    }

  if (!g_file_make_directory_with_parents (directory, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_autofree char *path = strata_display_path (directory);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s", path, local_error->message);
      return FALSE;
    }
  g_clear_error (&local_error);

  template = g_resource_lookup_data (_strata_core_get_resource (),
                                     "/io/github/stratadb/Strata/core/strata.ini",
                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert (template != NULL);

  migrations = g_file_get_child (directory, "migrations");
  if (!g_file_make_directory (migrations, NULL, &local_error) &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_autofree char *path = strata_display_path (migrations);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s", path, local_error->message);
      return FALSE;
    }

  model = g_file_get_child (directory, "schema.json");
  if (!g_file_query_exists (model, NULL) &&
      !write_new_file (model, empty_model, strlen (empty_model), error))
    return FALSE;

  gitignore = g_file_get_child (directory, ".gitignore");
  if (!g_file_query_exists (gitignore, NULL) &&
      !write_new_file (gitignore, ignore, strlen (ignore), error))
    return FALSE;

  env_example = g_file_get_child (directory, ".env.example");
  if (!g_file_query_exists (env_example, NULL))
    {
      g_autoptr(GBytes) example = g_resource_lookup_data (_strata_core_get_resource (),
                                                          "/io/github/stratadb/Strata/core/env.example",
                                                          G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

      g_assert (example != NULL);
      if (!write_new_file (env_example, g_bytes_get_data (example, NULL), g_bytes_get_size (example), error))
        return FALSE;
    }

  return write_new_file (ini,
                         g_bytes_get_data (template, NULL),
                         g_bytes_get_size (template),
                         error);
}

/**
 * strata_project_get_directory:
 *
 * Returns: (transfer none): the project folder
 */
GFile *
strata_project_get_directory (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->directory;
}

/**
 * strata_project_get_migrations_dir:
 *
 * Returns: (transfer none): the migrations folder
 */
GFile *
strata_project_get_migrations_dir (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->migrations_dir;
}

/**
 * strata_project_dup_schema:
 * @self: a #StrataProject
 * @profile: (nullable): a profile of the project
 *
 * Returns: (transfer full) (nullable): schema= of [profile @profile] when it
 *   has one, else schema= of [strata]
 */
char *
strata_project_dup_schema (StrataProject *self,
                           const char    *profile)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);

  if (profile != NULL)
    {
      g_autofree char *group = g_strconcat (PROFILE_PREFIX, profile, NULL);
      g_autofree char *schema = get_string (self, group, "schema", NULL);

      if (schema != NULL)
        return g_steal_pointer (&schema);
    }

  return g_strdup (self->schema);
}

/* lock-timeout= in milliseconds, or -1 */
int
strata_project_get_lock_timeout (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), -1);

  return self->lock_timeout;
}

/* statement-timeout= in milliseconds, or -1 */
int
strata_project_get_statement_timeout (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), -1);

  return self->statement_timeout;
}

/**
 * strata_project_get_model_file:
 *
 * Returns: (transfer none): the declarative model (schema.json)
 */
GFile *
strata_project_get_model_file (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->model_file;
}

const char *
strata_project_get_version_table (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->version_table;
}

void
strata_project_set_version_table (StrataProject *self,
                                  const char    *version_table)
{
  g_return_if_fail (STRATA_IS_PROJECT (self));
  g_return_if_fail (version_table != NULL);

  g_free (self->version_table);
  self->version_table = g_strdup (version_table);
}

const char *
strata_project_get_history_table (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->history_table;
}

const char *
strata_project_get_url (StrataProject *self)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  return self->url;
}

/**
 * strata_project_list_profiles:
 *
 * Returns: (transfer full): the names of the project's profiles
 */
char **
strata_project_list_profiles (StrataProject *self)
{
  g_auto(GStrv) groups = NULL;
  GPtrArray *names;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);

  names = g_ptr_array_new ();
  groups = g_key_file_get_groups (self->key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], PROFILE_PREFIX))
      g_ptr_array_add (names, g_strdup (groups[i] + strlen (PROFILE_PREFIX)));
  g_ptr_array_add (names, NULL);

  return (char **)g_ptr_array_free (names, FALSE);
}

const char *
strata_project_get_profile_url (StrataProject *self,
                                const char    *name)
{
  g_autofree char *group = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  group = g_strconcat (PROFILE_PREFIX, name, NULL);
  url = get_raw_string (self, group, "url", NULL);
  if (url == NULL)
    return NULL;

  /* Interned so the project can hand out a borrowed string. */
  return g_intern_string (url);
}

static void
migration_entry_free (gpointer data)
{
  StrataMigrationEntry *entry = data;

  g_free (entry->name);
  g_free (entry);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const StrataMigrationEntry *ea = *(const StrataMigrationEntry * const *)a;
  const StrataMigrationEntry *eb = *(const StrataMigrationEntry * const *)b;

  return strcmp (ea->name, eb->name);
}

/* The JSON files of the migrations folder with their stat, by name. Plain
 * POSIX here: this runs for every command and must stay cheap with
 * thousands of files. */
static GPtrArray *
list_migration_files (StrataProject  *self,
                      GPtrArray      *broken,
                      GError        **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (migration_entry_free);
  g_autofree char *path = g_file_get_path (self->migrations_dir);
  struct dirent *dent;
  DIR *dir;

  if (path == NULL || (dir = opendir (path)) == NULL)
    {
      int errsv = errno;
      g_autofree char *shown = strata_display_path (self->migrations_dir);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s", shown, g_strerror (errsv));
      return NULL;
    }

  while ((dent = readdir (dir)) != NULL)
    {
      StrataMigrationEntry *entry;
      gsize len = strlen (dent->d_name);
      int errsv;

      if (dent->d_name[0] == '.' || len < 6 || strcmp (dent->d_name + len - 5, ".json") != 0)
        continue;

      /* A *.json that cannot be read as a file is an error, never skipped:
       * skipping it would drop a revision from the graph. */
      entry = g_new0 (StrataMigrationEntry, 1);
      if (fstatat (dirfd (dir), dent->d_name, &entry->st, 0) != 0)
        errsv = errno;
      else if (S_ISREG (entry->st.st_mode) && faccessat (dirfd (dir), dent->d_name, R_OK, 0) != 0)
        errsv = errno;
      else
        errsv = 0;

      if (errsv != 0 || !S_ISREG (entry->st.st_mode))
        {
          struct stat link;
          g_autoptr(GFile) file = g_file_get_child (self->migrations_dir, dent->d_name);
          g_autofree char *shown = strata_display_path (file);
          const char *problem;

          if (errsv == ENOENT && fstatat (dirfd (dir), dent->d_name, &link, AT_SYMLINK_NOFOLLOW) == 0 &&
              S_ISLNK (link.st_mode))
            problem = _("a symbolic link to nothing (a dangling link)");
          else if (errsv != 0)
            problem = g_strerror (errsv);
          else
            problem = S_ISDIR (entry->st.st_mode) ? _("a directory, not a migration file")
                      : S_ISFIFO (entry->st.st_mode) ? _("a FIFO, not a migration file")
                      : S_ISSOCK (entry->st.st_mode) ? _("a socket, not a migration file")
                      : _("not a regular file");

          g_free (entry);

          /* Kept as a broken revision of unknown place, never skipped */
          if (broken != NULL)
            {
              g_autofree char *name = g_file_get_relative_path (self->directory, file);
              g_autoptr(GError) local_error = g_error_new (STRATA_ERROR, STRATA_ERROR_PROJECT,
                                                           _("%s: cannot read this migration file: %s"),
                                                           name ? name : shown, problem);

              g_ptr_array_add (broken, _strata_script_new_broken (file, NULL, local_error));
              continue;
            }

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                       _("%s: cannot read this migration file: %s; fix or remove it "
                         "(a file that is skipped drops its revision)"), shown, problem);
          closedir (dir);
          return NULL;
        }
      entry->name = g_strdup (dent->d_name);
      g_ptr_array_add (entries, entry);
    }

  closedir (dir);
  g_ptr_array_sort (entries, compare_entries);

  return g_steal_pointer (&entries);
}

/* A file that could not be loaded, as a broken revision: the problem
 * names the file relative to the project (the app's working directory is
 * not the project's), with line:column where the parser gives one. */
static StrataScript *
load_broken (StrataProject *self,
             GFile         *file,
             const GError  *first_error)
{
  g_autoptr(GError) problem = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_relative_path (self->directory, file);
  gsize length = 0;

  if (name == NULL)
    name = strata_display_path (file);

  if (g_file_load_contents (file, NULL, &contents, &length, NULL, NULL))
    {
      g_autoptr(StrataScript) again = strata_script_new_from_data (contents, length, name, &problem);

      /* Readable now: it changed under us; say what it said first. */
      if (again != NULL)
        g_clear_error (&problem);
    }

  if (problem == NULL)
    problem = g_error_copy (first_error);

  return _strata_script_new_broken (file, contents, problem);
}

/* Every migration file in file-name order. With @broken, a file that
 * cannot be loaded does not stop the load: it is a broken revision, in the
 * array when its place in the graph could be read, else in @broken. */
static GPtrArray *
load_scripts (StrataProject  *self,
              GPtrArray      *broken,
              GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(StrataIndex) index = NULL;

  if (!(entries = list_migration_files (self, broken, error)))
    return NULL;

  index = _strata_index_load (self->migrations_dir);
  scripts = g_ptr_array_new_full (entries->len, g_object_unref);

  for (guint i = 0; i < entries->len; i++)
    {
      const StrataMigrationEntry *entry = g_ptr_array_index (entries, i);
      StrataScript *script = _strata_index_lookup (index, self->migrations_dir, entry);

      if (script == NULL)
        {
          g_autoptr(GFile) file = g_file_get_child (self->migrations_dir, entry->name);
          g_autoptr(GError) local_error = NULL;

          if ((script = strata_script_new_from_file (file, &local_error)) != NULL)
            _strata_index_update (index, entry, script);
          else if (broken == NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          else
            {
              script = load_broken (self, file, local_error);
              if (!_strata_script_is_placed (script))
                {
                  g_ptr_array_add (broken, script);
                  continue;
                }
            }
        }

      g_ptr_array_add (scripts, script);
    }

  _strata_index_save (index);

  return g_steal_pointer (&scripts);
}

/**
 * strata_project_load_scripts:
 *
 * Files unchanged since the last load come from the folder's index with
 * their operations read on first use; the others are parsed and checked now.
 *
 * Returns: (transfer full) (element-type StrataScript): every migration file,
 *   in file-name order
 */
GPtrArray *
strata_project_load_scripts (StrataProject  *self,
                             GError        **error)
{
  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);

  return load_scripts (self, NULL, error);
}

static char *
describe_unplaced (GPtrArray *unplaced)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < unplaced->len; i++)
    {
      const GError *problem = strata_script_get_error (g_ptr_array_index (unplaced, i));

      if (i > 0)
        g_string_append (names, "; ");
      g_string_append (names, problem->message);
    }

  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* The unplaced broken file that holds @revision, by its id if that could
 * be read, else by its name (<revision>_<slug>.json), or -1. */
static int
find_unplaced (GPtrArray  *unplaced,
               const char *revision)
{
  gsize len = strlen (revision);

  for (guint i = 0; i < unplaced->len; i++)
    if (g_strcmp0 (strata_script_get_revision (g_ptr_array_index (unplaced, i)), revision) == 0)
      return i;

  for (guint i = 0; i < unplaced->len; i++)
    {
      g_autofree char *base = g_file_get_basename (strata_script_get_file (g_ptr_array_index (unplaced, i)));

      if (strncmp (base, revision, len) == 0 && (base[len] == '_' || strcmp (base + len, ".json") == 0))
        return i;
    }

  return -1;
}

/* A revision named as a down_revision or in depends_on that no loaded file
 * holds becomes a broken revision of its own, when it can be explained: a
 * file that could not be read may hold it, or the one naming it is broken
 * itself. Without either, the graph reports it as it always did. */
static void
add_missing (StrataProject *self,
             GPtrArray     *scripts,
             GPtrArray     *unplaced)
{
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_scripts = scripts->len;

  for (guint i = 0; i < n_scripts; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      const char * const *labels = strata_script_get_branch_labels (script);

      g_hash_table_add (known, (gpointer)strata_script_get_revision (script));
      for (guint j = 0; labels[j] != NULL; j++)
        g_hash_table_add (known, (gpointer)labels[j]);
    }

  for (guint i = 0; i < n_scripts; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);
      gboolean broken = strata_script_get_error (script) != NULL;
      const char * const *lists[] = { strata_script_get_down_revisions (script),
                                      strata_script_get_depends_on (script) };

      if (unplaced->len == 0 && !broken)
        continue;

      for (guint k = 0; k < G_N_ELEMENTS (lists); k++)
        for (guint j = 0; lists[k][j] != NULL; j++)
          {
            const char *revision = lists[k][j];
            g_autoptr(GError) problem = NULL;
            g_autoptr(GFile) file = NULL;
            StrataScript *missing;
            int found;

            if (g_hash_table_contains (known, revision) || !strata_revision_id_is_valid (revision))
              continue;

            if ((found = find_unplaced (unplaced, revision)) >= 0)
              {
                StrataScript *holder = g_ptr_array_index (unplaced, found);

                file = g_object_ref (strata_script_get_file (holder));
                problem = g_error_copy (strata_script_get_error (holder));
                g_ptr_array_remove_index (unplaced, found);
              }
            else
              {
                g_autofree char *by = g_file_get_relative_path (self->directory, strata_script_get_file (script));
                g_autofree char *files = unplaced->len > 0 ? describe_unplaced (unplaced) : NULL;

                if (files != NULL)
                  problem = g_error_new (STRATA_ERROR, STRATA_ERROR_PARSE,
                                         /* Translators: a revision id, the revision that names it
                                          * as its parent, that one's file, then the files that
                                          * cannot be read */
                                         _("Revision %s, named by %s (%s), is in no file that can be read; "
                                           "it may be in one that cannot: %s"),
                                         revision, strata_script_get_revision (script), by, files);
                else
                  problem = g_error_new (STRATA_ERROR, STRATA_ERROR_PARSE,
                                         _("Revision %s, named by broken revision %s (%s), is in no file"),
                                         revision, strata_script_get_revision (script), by);
              }

            missing = _strata_script_new_missing (revision, file, problem);
            g_hash_table_add (known, (gpointer)strata_script_get_revision (missing));
            g_ptr_array_add (scripts, missing);
          }
    }
}

/**
 * strata_project_load_graph:
 *
 * A migration file that cannot be loaded does not stop the project from
 * opening: its revision is broken (strata_script_get_error()), it keeps its
 * place in the graph when its id and down_revision can still be read, and
 * every plan that needs it is refused. One whose place cannot be read is
 * listed by strata_graph_get_broken() only; a revision another one names
 * that such a file may hold is broken too. Only a folder that cannot be
 * listed, or a graph that cannot be built from the revisions that are
 * there (a duplicate id, a cycle, …), is an error.
 *
 * Returns: (transfer full): the revision graph of the project's migrations
 */
StrataGraph *
strata_project_load_graph (StrataProject  *self,
                           GError        **error)
{
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GPtrArray) unplaced = g_ptr_array_new_with_free_func (g_object_unref);
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);

  if (!(scripts = load_scripts (self, unplaced, error)))
    return NULL;

  add_missing (self, scripts, unplaced);

  if (!(graph = strata_graph_new (scripts, error)))
    return NULL;

  _strata_graph_set_unplaced (graph, unplaced);

  return graph;
}

static GHashTable *dotenv_parse_raw (const char  *contents,
                                     const char  *filename,
                                     GPtrArray   *order,
                                     GError     **error);
static GHashTable *dotenv_resolve   (GPtrArray   *order);

/* Reads the project's .env once: a missing file is an empty one. */
static gboolean
ensure_dotenv (StrataProject  *self,
               GError        **error)
{
  if (!self->dotenv_loaded)
    {
      g_autoptr(GFile) file = g_file_get_child (self->directory, ".env");
      g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *path = strata_display_path (file);

      self->dotenv_loaded = TRUE;

      if (!g_file_load_contents (file, NULL, &contents, NULL, NULL, &local_error))
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
            g_set_error (&self->dotenv_error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                         "%s: %s", path, local_error->message);
          else
            {
              self->dotenv_raw = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
              self->dotenv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
            }
        }
      else if ((self->dotenv_raw = dotenv_parse_raw (contents, path, order, &self->dotenv_error)))
        self->dotenv = dotenv_resolve (order);
    }

  if (self->dotenv_error != NULL)
    {
      if (error != NULL)
        *error = g_error_copy (self->dotenv_error);
      return FALSE;
    }

  return TRUE;
}

/* .env is read again by each resolution: the app keeps a project open
 * while the person edits it. */
static void
reset_dotenv (StrataProject *self)
{
  self->dotenv_loaded = FALSE;
  g_clear_pointer (&self->dotenv, g_hash_table_unref);
  g_clear_pointer (&self->dotenv_raw, g_hash_table_unref);
  g_clear_error (&self->dotenv_error);
}

/* python-dotenv's load_dotenv (): the environment first, then .env. */
static const char *
lookup_variable (const char *name,
                 gpointer    user_data)
{
  StrataProject *self = user_data;
  const char *value;

  if ((value = g_getenv (name)) != NULL)
    return value;

  if (!ensure_dotenv (self, NULL))
    return NULL;

  return g_hash_table_lookup (self->dotenv, name);
}

/* A URL of strata.ini or .env with its variables expanded, values
 * percent-encoded; a variable that is not set is an error naming it. */
static char *
expand_url (StrataProject  *self,
            const char     *url,
            const char     *where,
            GError        **error)
{
  if (!strata_env_has_variables (url))
    return g_strdup (url);

  if (!ensure_dotenv (self, error))
    return NULL;

  return strata_env_expand (url, lookup_variable, self, STRATA_ENV_EXPAND_URL, where, error);
}

static char *
dotenv_lookup_url (StrataProject  *self,
                   GError        **error)
{
  static const char * const keys[] = { "STRATA_URL", "DATABASE_URL" };

  if (!ensure_dotenv (self, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = g_hash_table_lookup (self->dotenv_raw, keys[i]);

      if (value != NULL && *value != '\0')
        {
          g_autoptr(GFile) file = g_file_get_child (self->directory, ".env");
          g_autofree char *path = strata_display_path (file);
          g_autofree char *where = g_strdup_printf ("%s: %s", path, keys[i]);

          return expand_url (self, value, where, error);
        }
    }

  return NULL;
}

/**
 * strata_project_dup_profile_url:
 * @self: a #StrataProject
 * @name: a profile of the project
 *
 * Returns: (transfer full) (nullable): url= of [profile @name] with its
 *   variables expanded, or %NULL (with @error set when a variable is not
 *   set, and without when the profile has no url=)
 */
char *
strata_project_dup_profile_url (StrataProject  *self,
                                const char     *name,
                                GError        **error)
{
  g_autofree char *group = NULL;
  g_autofree char *url = NULL;
  g_autofree char *where = NULL;

  g_return_val_if_fail (STRATA_IS_PROJECT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  group = g_strconcat (PROFILE_PREFIX, name, NULL);
  if (!(url = get_raw_string (self, group, "url", NULL)))
    return NULL;

  reset_dotenv (self);
  where = g_strdup_printf ("%s: [%s] url", self->ini_path, group);
  return expand_url (self, url, where, error);
}

/**
 * strata_project_resolve_url:
 * @self: (nullable): the project, if any
 * @url: (nullable): `--url`
 * @profile: (nullable): `--profile`
 *
 * Returns: (transfer full): the URL of the database to target
 */
char *
strata_project_resolve_url (StrataProject  *self,
                            const char     *url,
                            const char     *profile,
                            GError        **error)
{
  const char *value;
  g_autoptr(GError) local_error = NULL;
  char *from_dotenv;

  g_return_val_if_fail (self == NULL || STRATA_IS_PROJECT (self), NULL);

  if (url != NULL && *url != '\0')
    return g_strdup (url);

  if (profile != NULL)
    {
      if (self != NULL && strata_project_get_profile_url (self, profile) != NULL)
        return strata_project_dup_profile_url (self, profile, error);

      if (self != NULL)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                     _("no profile named “%s” in %s"), profile, self->ini_path);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                     _("no profile named “%s”"), profile);
      return NULL;
    }

  if ((value = g_getenv ("STRATA_URL")) && *value)
    return g_strdup (value);
  if ((value = g_getenv ("DATABASE_URL")) && *value)
    return g_strdup (value);

  if (self != NULL)
    {
      reset_dotenv (self);
      if ((from_dotenv = dotenv_lookup_url (self, &local_error)))
        return from_dotenv;
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (self->url != NULL)
        {
          g_autofree char *where = g_strdup_printf ("%s: url", self->ini_path);

          return expand_url (self, self->url, where, error);
        }
    }

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
               _("no database given: use --url, --profile, STRATA_URL, DATABASE_URL, "
                 "a .env file or url= in %s"),
               self ? self->ini_path : "strata.ini");
  return NULL;
}

static gboolean
is_env_name (const char *name)
{
  if (!(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '.'))
      return FALSE;
  return TRUE;
}

/* Parses a value after '=': unquoted (trailing " #comment" dropped),
 * 'single quoted' (verbatim) or "double quoted" (\n \t \" \\ escapes). */
static char *
parse_env_value (const char  *value,
                 const char  *filename,
                 guint        line,
                 GError     **error)
{
  while (*value == ' ' || *value == '\t')
    value++;

  if (*value == '"' || *value == '\'')
    {
      char quote = *value;
      GString *out = g_string_new (NULL);
      const char *p;

      for (p = value + 1; *p && *p != quote; p++)
        {
          if (quote == '"' && *p == '\\' && p[1] != '\0')
            {
              p++;
              switch (*p)
                {
                case 'n': g_string_append_c (out, '\n'); break;
                case 't': g_string_append_c (out, '\t'); break;
                case 'r': g_string_append_c (out, '\r'); break;
                default: g_string_append_c (out, *p); break;
                }
            }
          else
            g_string_append_c (out, *p);
        }

      if (*p != quote)
        {
          g_string_free (out, TRUE);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       quote == '"' ? _("%s:%u: unterminated double quote") : _("%s:%u: unterminated single quote"),
                       filename, line);
          return NULL;
        }

      for (p++; *p == ' ' || *p == '\t'; p++)
        ;
      if (*p != '\0' && *p != '#')
        {
          g_string_free (out, TRUE);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s:%u: unexpected text after the closing quote"), filename, line);
          return NULL;
        }

      return g_string_free (out, FALSE);
    }
  else
    {
      char *out = g_strdup (value);
      char *hash;

      for (hash = out; (hash = strchr (hash, '#')) != NULL; hash++)
        {
          if (hash == out || hash[-1] == ' ' || hash[-1] == '\t')
            {
              *hash = '\0';
              break;
            }
        }

      return g_strchomp (out);
    }
}

static GHashTable *
dotenv_parse_raw (const char  *contents,
                  const char  *filename,
                  GPtrArray   *order,
                  GError     **error)
{
  g_autoptr(GHashTable) env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = NULL;

  if (filename == NULL)
    filename = ".env";

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq;
      char *value;

      if (*line == '\0' || *line == '#')
        continue;

      if (g_str_has_prefix (line, "export ") || g_str_has_prefix (line, "export\t"))
        line = g_strchug (line + strlen ("export"));

      if (!(eq = strchr (line, '=')))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s:%u: expected KEY=VALUE"), filename, i + 1);
          return NULL;
        }

      *eq = '\0';
      g_strchomp (line);
      if (!is_env_name (line))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("%s:%u: “%s” is not a valid variable name"), filename, i + 1, line);
          return NULL;
        }

      if (!(value = parse_env_value (eq + 1, filename, i + 1, error)))
        return NULL;

      /* Each assignment in file order: key, then value. */
      g_ptr_array_add (order, g_strdup (line));
      g_ptr_array_add (order, g_strdup (value));
      g_hash_table_replace (env, g_strdup (line), value);
    }

  return g_steal_pointer (&env);
}

typedef struct
{
  GHashTable *resolved;
} DotenvResolve;

/* python-dotenv's resolve_variables (override=False): the environment,
 * then the lines above. */
static const char *
lookup_resolving (const char *name,
                  gpointer    user_data)
{
  DotenvResolve *state = user_data;
  const char *value;

  if ((value = g_getenv (name)) != NULL)
    return value;

  return g_hash_table_lookup (state->resolved, name);
}

static GHashTable *
dotenv_resolve (GPtrArray *order)
{
  DotenvResolve state = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free) };

  /* Assignments take effect in file order, each seeing the ones above. */
  for (guint i = 0; i + 1 < order->len; i += 2)
    {
      const char *key = g_ptr_array_index (order, i);
      char *value = strata_env_expand (g_ptr_array_index (order, i + 1), lookup_resolving, &state,
                                       STRATA_ENV_EXPAND_NONE, NULL, NULL);

      g_hash_table_replace (state.resolved, g_strdup (key), value);
    }

  return state.resolved;
}

/**
 * strata_dotenv_parse:
 * @contents: the text of a .env file
 * @filename: (nullable): its name, for messages
 *
 * Values may use ${VAR} and ${VAR:-default} (python-dotenv's rules, as
 * load_dotenv () reads them: a variable of the environment, else one set
 * on a line above, else the default, else empty).
 *
 * Returns: (transfer full): KEY → value
 */
GHashTable *
strata_dotenv_parse (const char  *contents,
                     const char  *filename,
                     GError     **error)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) raw = NULL;

  g_return_val_if_fail (contents != NULL, NULL);

  if (!(raw = dotenv_parse_raw (contents, filename, order, error)))
    return NULL;

  return dotenv_resolve (order);
}
