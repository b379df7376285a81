/* strata-project-index.c: the index of a migrations folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-project"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "strata-project-private.h"
#include "strata-script-private.h"

#define INDEX_MAGIC "strata-index 1"

/* One line per file, tab-separated:
 *   name size mtime_s mtime_ns ctime_s ctime_ns inode
 *   revision down_revisions branch_labels depends_on transactional created checksum message
 * Lists are space-separated (ids and labels cannot hold spaces or tabs);
 * the message escapes \\, \t, \n and \r. */
enum {
  F_NAME, F_SIZE, F_MTIME_S, F_MTIME_NS, F_CTIME_S, F_CTIME_NS, F_INODE,
  F_REVISION, F_DOWN, F_LABELS, F_DEPENDS, F_TRANSACTIONAL, F_CREATED, F_CHECKSUM, F_MESSAGE,
  N_FIELDS
};

typedef struct
{
  char     *fields[N_FIELDS];
  /* Loaded entries point into the index's buffer; updated ones own them. */
  gboolean  owned;
} IndexEntry;

struct _StrataIndex
{
  char       *path;
  char       *dir_path;
  char       *contents;
  GHashTable *entries;  /* name → IndexEntry */
  GHashTable *seen;     /* names listed in this load */
  gboolean    dirty;
};

static void
index_entry_free (gpointer data)
{
  IndexEntry *entry = data;

  if (entry->owned)
    for (guint i = 0; i < N_FIELDS; i++)
      g_free (entry->fields[i]);
  g_free (entry);
}

static char *
escape_message (const char *message)
{
  GString *out = g_string_new (NULL);

  for (const char *p = message ? message : ""; *p; p++)
    {
      switch (*p)
        {
        case '\\': g_string_append (out, "\\\\"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default: g_string_append_c (out, *p); break;
        }
    }

  return g_string_free (out, FALSE);
}

/* In place: the unescaped text is never longer. */
static void
unescape_message (char *text)
{
  char *out = text;

  for (const char *p = text; *p; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          switch (*p)
            {
            case 't': *out++ = '\t'; break;
            case 'n': *out++ = '\n'; break;
            case 'r': *out++ = '\r'; break;
            default: *out++ = *p; break;
            }
        }
      else
        *out++ = *p;
    }
  *out = '\0';
}

static char *
index_path_for (GFile *migrations_dir)
{
  g_autofree char *dir = g_file_get_path (migrations_dir);
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;

  if (dir == NULL)
    return NULL;

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, dir, -1);
  name = g_strdup_printf ("%.32s.index", digest);

  return g_build_filename (g_get_user_cache_dir (), "strata", "migrations", name, NULL);
}

StrataIndex *
_strata_index_load (GFile *migrations_dir)
{
  StrataIndex *index = g_new0 (StrataIndex, 1);
  gsize length = 0;
  char *line;
  char *next;

  index->path = index_path_for (migrations_dir);
  index->dir_path = g_file_get_path (migrations_dir);
  index->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, index_entry_free);
  index->seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (index->path == NULL || !g_file_get_contents (index->path, &index->contents, &length, NULL))
    return index;

  if (!g_str_has_prefix (index->contents, INDEX_MAGIC " " PACKAGE_VERSION "\n"))
    return index;

  line = strchr (index->contents, '\n') + 1;
  for (; line != NULL && *line != '\0'; line = next)
    {
      IndexEntry *entry;
      char *field = line;
      guint n = 0;

      if ((next = strchr (line, '\n')) != NULL)
        *next++ = '\0';

      entry = g_new0 (IndexEntry, 1);
      while (n < N_FIELDS && field != NULL)
        {
          char *tab = strchr (field, '\t');

          if (tab != NULL)
            *tab = '\0';
          if (n == F_MESSAGE)
            unescape_message (field);
          entry->fields[n++] = field;
          field = tab ? tab + 1 : NULL;
        }

      if (n != N_FIELDS || field != NULL || !strata_revision_id_is_valid (entry->fields[F_REVISION]))
        {
          /* A damaged index is thrown away whole. */
          index_entry_free (entry);
          g_hash_table_remove_all (index->entries);
          index->dirty = TRUE;
          break;
        }

      g_hash_table_replace (index->entries, entry->fields[F_NAME], entry);
    }

  return index;
}

static gboolean
stat_matches (const IndexEntry           *entry,
              const StrataMigrationEntry *file)
{
  return g_ascii_strtoll (entry->fields[F_SIZE], NULL, 10) == (gint64)file->st.st_size &&
         g_ascii_strtoll (entry->fields[F_MTIME_S], NULL, 10) == (gint64)file->st.st_mtim.tv_sec &&
         g_ascii_strtoll (entry->fields[F_MTIME_NS], NULL, 10) == (gint64)file->st.st_mtim.tv_nsec &&
         g_ascii_strtoll (entry->fields[F_CTIME_S], NULL, 10) == (gint64)file->st.st_ctim.tv_sec &&
         g_ascii_strtoll (entry->fields[F_CTIME_NS], NULL, 10) == (gint64)file->st.st_ctim.tv_nsec &&
         g_ascii_strtoull (entry->fields[F_INODE], NULL, 10) == (guint64)file->st.st_ino;
}

static char **
split_list (const char *text)
{
  if (text == NULL || *text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, " ", -1);
}

StrataScript *
_strata_index_lookup (StrataIndex                *index,
                      GFile                      *migrations_dir,
                      const StrataMigrationEntry *file)
{
  IndexEntry *entry;
  g_autofree char *path = NULL;
  g_auto(GStrv) down = NULL;
  g_auto(GStrv) labels = NULL;
  g_auto(GStrv) depends = NULL;

  g_hash_table_add (index->seen, file->name);

  entry = g_hash_table_lookup (index->entries, file->name);
  if (entry == NULL || !stat_matches (entry, file))
    return NULL;

  path = g_build_filename (index->dir_path, file->name, NULL);
  down = split_list (entry->fields[F_DOWN]);
  labels = split_list (entry->fields[F_LABELS]);
  depends = split_list (entry->fields[F_DEPENDS]);

  return _strata_script_new_indexed (path,
                                     entry->fields[F_REVISION],
                                     (const char * const *)down,
                                     (const char * const *)labels,
                                     (const char * const *)depends,
                                     entry->fields[F_MESSAGE],
                                     entry->fields[F_CREATED],
                                     entry->fields[F_TRANSACTIONAL][0] == '1',
                                     entry->fields[F_CHECKSUM]);
}

void
_strata_index_update (StrataIndex                *index,
                      const StrataMigrationEntry *file,
                      StrataScript               *script)
{
  IndexEntry *entry = g_new0 (IndexEntry, 1);
  GDateTime *created = strata_script_get_created (script);

  entry->owned = TRUE;
  entry->fields[F_NAME] = g_strdup (file->name);
  entry->fields[F_SIZE] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)file->st.st_size);
  entry->fields[F_MTIME_S] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)file->st.st_mtim.tv_sec);
  entry->fields[F_MTIME_NS] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)file->st.st_mtim.tv_nsec);
  entry->fields[F_CTIME_S] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)file->st.st_ctim.tv_sec);
  entry->fields[F_CTIME_NS] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64)file->st.st_ctim.tv_nsec);
  entry->fields[F_INODE] = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)file->st.st_ino);
  entry->fields[F_REVISION] = g_strdup (strata_script_get_revision (script));
  entry->fields[F_DOWN] = g_strjoinv (" ", (char **)strata_script_get_down_revisions (script));
  entry->fields[F_LABELS] = g_strjoinv (" ", (char **)strata_script_get_branch_labels (script));
  entry->fields[F_DEPENDS] = g_strjoinv (" ", (char **)strata_script_get_depends_on (script));
  entry->fields[F_TRANSACTIONAL] = g_strdup (strata_script_get_transactional (script) ? "1" : "0");
  entry->fields[F_CREATED] = created ? g_date_time_format_iso8601 (created) : g_strdup ("");
  entry->fields[F_CHECKSUM] = g_strdup (strata_script_get_checksum (script) ? strata_script_get_checksum (script) : "");
  entry->fields[F_MESSAGE] = escape_message (strata_script_get_message (script));

  g_hash_table_add (index->seen, entry->fields[F_NAME]);
  g_hash_table_replace (index->entries, entry->fields[F_NAME], entry);
  index->dirty = TRUE;
}

void
_strata_index_save (StrataIndex *index)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *dir = NULL;
  GHashTableIter iter;
  IndexEntry *entry;

  if (index->path == NULL)
    return;

  /* Files removed since the index was written make it stale too. */
  if (!index->dirty && g_hash_table_size (index->seen) == g_hash_table_size (index->entries))
    return;

  out = g_string_new (INDEX_MAGIC " " PACKAGE_VERSION "\n");
  g_hash_table_iter_init (&iter, index->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&entry))
    {
      if (!g_hash_table_contains (index->seen, entry->fields[F_NAME]))
        continue;

      for (guint i = 0; i < N_FIELDS; i++)
        {
          if (i > 0)
            g_string_append_c (out, '\t');
          g_string_append (out, entry->fields[i]);
        }
      g_string_append_c (out, '\n');
    }

  dir = g_path_get_dirname (index->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_debug ("not writing the migrations index %s: %s", index->path, g_strerror (errno));
      return;
    }

  if (!g_file_set_contents_full (index->path, out->str, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL))
    g_debug ("could not write the migrations index %s", index->path);
}

void
_strata_index_free (StrataIndex *index)
{
  if (index == NULL)
    return;

  g_clear_pointer (&index->entries, g_hash_table_unref);
  g_clear_pointer (&index->seen, g_hash_table_unref);
  g_clear_pointer (&index->path, g_free);
  g_clear_pointer (&index->dir_path, g_free);
  g_clear_pointer (&index->contents, g_free);
  g_free (index);
}
