/* strata-project-index.c: the index of a migrations folder
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
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
  /* Listed in the folder in this load. */
  gboolean  seen;
} IndexEntry;

/* Entries are kept sorted by file name, as the index is written and as
 * the folder is listed, so that a lookup is usually the entry after the
 * previous one. */
struct _StrataIndex
{
  char       *path;
  char       *dir_path;
  char       *contents;
  GPtrArray  *entries;  /* IndexEntry *, by name */
  guint       cursor;   /* where the next lookup probably is */
  guint       n_seen;
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

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const IndexEntry *ea = *(const IndexEntry * const *)a;
  const IndexEntry *eb = *(const IndexEntry * const *)b;

  return strcmp (ea->fields[F_NAME], eb->fields[F_NAME]);
}

StrataIndex *
_strata_index_load (GFile *migrations_dir)
{
  StrataIndex *index = g_new0 (StrataIndex, 1);
  gboolean sorted = TRUE;
  gsize length = 0;
  char *line;
  char *next;

  index->path = index_path_for (migrations_dir);
  index->dir_path = g_file_get_path (migrations_dir);
  index->entries = g_ptr_array_new_with_free_func (index_entry_free);

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
          g_ptr_array_set_size (index->entries, 0);
          index->dirty = TRUE;
          return index;
        }

      if (index->entries->len > 0 && sorted)
        sorted = compare_entries (&g_ptr_array_index (index->entries, index->entries->len - 1), &entry) < 0;
      g_ptr_array_add (index->entries, entry);
    }

  /* Written by a version that did not sort it: sort once and rewrite. */
  if (!sorted)
    {
      g_ptr_array_sort (index->entries, compare_entries);
      index->dirty = TRUE;
    }

  return index;
}

/* The entry for @name, or NULL; *@position is where it is or would go. */
static IndexEntry *
find_entry (StrataIndex *index,
            const char  *name,
            guint       *position)
{
  GPtrArray *entries = index->entries;
  guint low = 0;
  guint high = entries->len;

  if (index->cursor < entries->len)
    {
      IndexEntry *entry = g_ptr_array_index (entries, index->cursor);
      int cmp = strcmp (entry->fields[F_NAME], name);

      if (cmp == 0)
        {
          *position = index->cursor;
          return entry;
        }
      if (cmp < 0)
        low = index->cursor + 1;
      else
        high = index->cursor;
    }

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      IndexEntry *entry = g_ptr_array_index (entries, middle);
      int cmp = strcmp (entry->fields[F_NAME], name);

      if (cmp == 0)
        {
          *position = middle;
          return entry;
        }
      if (cmp < 0)
        low = middle + 1;
      else
        high = middle;
    }

  *position = low;
  return NULL;
}

static void
mark_seen (StrataIndex *index,
           IndexEntry  *entry)
{
  if (!entry->seen)
    {
      entry->seen = TRUE;
      index->n_seen++;
    }
}

/* The index's numbers are plain decimal, as it writes them: cheaper to
 * read here than with g_ascii_strtoll (), which also handles bases,
 * blanks and overflow. Any other text does not match. */
static gboolean
number_equals (const char *text,
               guint64     magnitude,
               gboolean    negative)
{
  guint64 value = 0;
  guint digits = 0;

  if (*text == '-')
    {
      if (!negative)
        return FALSE;
      text++;
    }
  else if (negative)
    return FALSE;

  for (; *text != '\0'; text++, digits++)
    {
      guint digit = *text - '0';

      if (digit > 9 || value > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }

  return digits > 0 && value == magnitude;
}

static gboolean
signed_equals (const char *text,
               gint64      value)
{
  return value < 0 ? number_equals (text, -(guint64)value, TRUE)
                   : number_equals (text, (guint64)value, FALSE);
}

static gboolean
stat_matches (const IndexEntry           *entry,
              const StrataMigrationEntry *file)
{
  return signed_equals (entry->fields[F_SIZE], file->st.st_size) &&
         signed_equals (entry->fields[F_MTIME_S], file->st.st_mtim.tv_sec) &&
         signed_equals (entry->fields[F_MTIME_NS], file->st.st_mtim.tv_nsec) &&
         signed_equals (entry->fields[F_CTIME_S], file->st.st_ctim.tv_sec) &&
         signed_equals (entry->fields[F_CTIME_NS], file->st.st_ctim.tv_nsec) &&
         number_equals (entry->fields[F_INODE], (guint64)file->st.st_ino, FALSE);
}

/* A space-separated list as a new string vector, NULL when empty. */
static char **
split_list (const char *text)
{
  char **list;
  guint n = 1;
  guint i = 0;

  if (*text == '\0')
    return NULL;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == ' ';

  list = g_new (char *, n + 1);
  for (const char *p = text;; p++)
    if (*p == ' ' || *p == '\0')
      {
        list[i++] = g_strndup (text, p - text);
        if (*p == '\0')
          break;
        text = p + 1;
      }
  list[i] = NULL;

  return list;
}

static char *
dup_or_null (const char *text)
{
  return *text != '\0' ? g_strdup (text) : NULL;
}

StrataScript *
_strata_index_lookup (StrataIndex                *index,
                      GFile                      *migrations_dir,
                      const StrataMigrationEntry *file)
{
  IndexEntry *entry;
  guint position;

  entry = find_entry (index, file->name, &position);
  index->cursor = position + 1;
  if (entry == NULL)
    return NULL;

  mark_seen (index, entry);
  if (!stat_matches (entry, file))
    return NULL;

  return _strata_script_new_indexed (g_strconcat (index->dir_path, G_DIR_SEPARATOR_S, file->name, NULL),
                                     g_strdup (entry->fields[F_REVISION]),
                                     split_list (entry->fields[F_DOWN]),
                                     split_list (entry->fields[F_LABELS]),
                                     split_list (entry->fields[F_DEPENDS]),
                                     dup_or_null (entry->fields[F_MESSAGE]),
                                     dup_or_null (entry->fields[F_CREATED]),
                                     entry->fields[F_TRANSACTIONAL][0] == '1',
                                     dup_or_null (entry->fields[F_CHECKSUM]));
}

void
_strata_index_update (StrataIndex                *index,
                      const StrataMigrationEntry *file,
                      StrataScript               *script)
{
  IndexEntry *entry = g_new0 (IndexEntry, 1);
  GDateTime *created = strata_script_get_created (script);
  IndexEntry *old;
  guint position;

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
  entry->seen = TRUE;

  if ((old = find_entry (index, file->name, &position)) != NULL)
    {
      if (old->seen)
        index->n_seen--;
      g_ptr_array_index (index->entries, position) = entry;
      index_entry_free (old);
    }
  else
    g_ptr_array_insert (index->entries, position, entry);

  index->n_seen++;
  index->cursor = position + 1;
  index->dirty = TRUE;
}

void
_strata_index_save (StrataIndex *index)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *dir = NULL;

  if (index->path == NULL)
    return;

  /* Files removed since the index was written make it stale too. */
  if (!index->dirty && index->n_seen == index->entries->len)
    return;

  out = g_string_new (INDEX_MAGIC " " PACKAGE_VERSION "\n");
  for (guint e = 0; e < index->entries->len; e++)
    {
      const IndexEntry *entry = g_ptr_array_index (index->entries, e);

      if (!entry->seen)
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

  g_clear_pointer (&index->entries, g_ptr_array_unref);
  g_clear_pointer (&index->path, g_free);
  g_clear_pointer (&index->dir_path, g_free);
  g_clear_pointer (&index->contents, g_free);
  g_free (index);
}
