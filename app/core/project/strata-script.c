/* strata-script.c: one migration file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-script"

#include "config.h"

#include <string.h>

#include "strata-error.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-script-private.h"
#include "strata-i18n-private.h"

struct _StrataScript
{
  GObject     parent_instance;

  char       *revision;
  char      **down_revisions;
  char      **branch_labels;
  char      **depends_on;
  char       *message;
  GDateTime  *created;
  GPtrArray  *upgrade;
  GPtrArray  *downgrade;
  GFile      *file;
  char       *checksum;
  guint       transactional : 1;
  /* Known from the folder index; operations not read yet. The file and
   * creation time are only materialized when asked for. */
  guint       indexed : 1;
  char       *indexed_path;
  char       *indexed_created;
  /* A file that could not be loaded: why (see _strata_script_new_broken) */
  GError     *error;
  /* Broken, but its id and down_revision were read */
  gboolean    placed;
};

G_DEFINE_FINAL_TYPE (StrataScript, strata_script, G_TYPE_OBJECT)

static const char * const empty_strv[] = { NULL };

/* A revision from the project's index reads its operations, file and
 * creation time when first asked for: this lock makes that safe when the
 * graph is read from several threads (the app replays and lints in worker
 * threads). Recursive: loading asks for the file. */
static GRecMutex lazy_lock;

static void ensure_loaded_or_warn (StrataScript *self);

static void
strata_script_finalize (GObject *object)
{
  StrataScript *self = (StrataScript *)object;

  g_clear_pointer (&self->revision, g_free);
  g_clear_pointer (&self->down_revisions, g_strfreev);
  g_clear_pointer (&self->branch_labels, g_strfreev);
  g_clear_pointer (&self->depends_on, g_strfreev);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->upgrade, g_ptr_array_unref);
  g_clear_pointer (&self->downgrade, g_ptr_array_unref);
  g_clear_object (&self->file);
  g_clear_pointer (&self->indexed_path, g_free);
  g_clear_pointer (&self->indexed_created, g_free);
  g_clear_pointer (&self->checksum, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (strata_script_parent_class)->finalize (object);
}

static void
strata_script_class_init (StrataScriptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_script_finalize;
}

static void
strata_script_init (StrataScript *self)
{
  self->transactional = TRUE;
  self->down_revisions = g_new0 (char *, 1);
  self->branch_labels = g_new0 (char *, 1);
  self->depends_on = g_new0 (char *, 1);
}

static char **
strv_copy_or_empty (const char * const *strv)
{
  if (strv == NULL)
    return g_new0 (char *, 1);
  return g_strdupv ((char **)strv);
}

/**
 * strata_script_new:
 * @revision: the revision id
 * @down_revisions: (nullable) (array zero-terminated=1): parents; %NULL or
 *   empty for a base
 * @message: (nullable): a one-line message
 *
 * Creates a revision in memory; strata_script_write() saves it.
 *
 * Returns: (transfer full): a new #StrataScript
 */
StrataScript *
strata_script_new (const char         *revision,
                   const char * const *down_revisions,
                   const char         *message)
{
  StrataScript *self;

  g_return_val_if_fail (revision != NULL, NULL);

  self = g_object_new (STRATA_TYPE_SCRIPT, NULL);
  self->revision = g_strdup (revision);
  g_strfreev (self->down_revisions);
  self->down_revisions = strv_copy_or_empty (down_revisions);
  self->message = g_strdup (message);

  return self;
}

void
strata_script_set_branch_labels (StrataScript       *self,
                                 const char * const *labels)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_clear_pointer (&self->checksum, g_free);
  g_strfreev (self->branch_labels);
  self->branch_labels = strv_copy_or_empty (labels);
}

void
strata_script_set_depends_on (StrataScript       *self,
                              const char * const *depends_on)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_clear_pointer (&self->checksum, g_free);
  g_strfreev (self->depends_on);
  self->depends_on = strv_copy_or_empty (depends_on);
}

void
strata_script_set_transactional (StrataScript *self,
                                 gboolean      transactional)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_clear_pointer (&self->checksum, g_free);
  self->transactional = !!transactional;
}

void
strata_script_set_created (StrataScript *self,
                           GDateTime    *created)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_clear_pointer (&self->checksum, g_free);
  if (created != NULL)
    g_date_time_ref (created);
  g_clear_pointer (&self->created, g_date_time_unref);
  self->created = created;
}

/**
 * strata_script_set_upgrade:
 * @ops: (element-type StrataOp): operations; the array is referenced
 */
void
strata_script_set_upgrade (StrataScript *self,
                           GPtrArray    *ops)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_clear_pointer (&self->checksum, g_free);
  if (ops != NULL)
    g_ptr_array_ref (ops);
  g_clear_pointer (&self->upgrade, g_ptr_array_unref);
  self->upgrade = ops;
}

/**
 * strata_script_set_downgrade:
 * @ops: (nullable) (element-type StrataOp): operations, or %NULL for the
 *   computed inverse; the array is referenced
 */
void
strata_script_set_downgrade (StrataScript *self,
                             GPtrArray    *ops)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_clear_pointer (&self->checksum, g_free);
  if (ops != NULL)
    g_ptr_array_ref (ops);
  g_clear_pointer (&self->downgrade, g_ptr_array_unref);
  self->downgrade = ops;
}

const char *
strata_script_get_revision (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->revision;
}

const char * const *
strata_script_get_down_revisions (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), empty_strv);
  return (const char * const *)self->down_revisions;
}

gboolean
strata_script_is_base (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), FALSE);
  return self->down_revisions[0] == NULL;
}

gboolean
strata_script_is_merge (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), FALSE);
  return self->down_revisions[0] != NULL && self->down_revisions[1] != NULL;
}

const char * const *
strata_script_get_branch_labels (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), empty_strv);
  return (const char * const *)self->branch_labels;
}

const char * const *
strata_script_get_depends_on (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), empty_strv);
  return (const char * const *)self->depends_on;
}

const char *
strata_script_get_message (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->message;
}

/**
 * strata_script_get_created:
 *
 * Returns: (transfer none) (nullable): when the revision was created
 */
GDateTime *
strata_script_get_created (StrataScript *self)
{
  GDateTime *created;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);

  g_rec_mutex_lock (&lazy_lock);
  if (self->created == NULL && self->indexed_created != NULL)
    {
      self->created = g_date_time_new_from_iso8601 (self->indexed_created, NULL);
      g_clear_pointer (&self->indexed_created, g_free);
    }
  created = self->created;
  g_rec_mutex_unlock (&lazy_lock);

  return created;
}

gboolean
strata_script_get_transactional (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), TRUE);
  return self->transactional;
}

/**
 * strata_script_get_upgrade:
 *
 * Returns: (transfer none) (element-type StrataOp): the upgrade operations
 */
GPtrArray *
strata_script_get_upgrade (StrataScript *self)
{
  GPtrArray *upgrade;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);

  g_rec_mutex_lock (&lazy_lock);
  if (self->indexed)
    ensure_loaded_or_warn (self);
  upgrade = self->upgrade;
  g_rec_mutex_unlock (&lazy_lock);

  return upgrade;
}

/**
 * strata_script_get_downgrade:
 *
 * Returns: (transfer none) (nullable) (element-type StrataOp): the
 *   downgrade operations, or %NULL when the file has none
 */
GPtrArray *
strata_script_get_downgrade (StrataScript *self)
{
  GPtrArray *downgrade;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);

  g_rec_mutex_lock (&lazy_lock);
  if (self->indexed)
    ensure_loaded_or_warn (self);
  downgrade = self->downgrade;
  g_rec_mutex_unlock (&lazy_lock);

  return downgrade;
}

/**
 * strata_script_get_file:
 *
 * Returns: (transfer none) (nullable): the file of this revision
 */
GFile *
strata_script_get_file (StrataScript *self)
{
  GFile *file;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);

  g_rec_mutex_lock (&lazy_lock);
  if (self->file == NULL && self->indexed_path != NULL)
    {
      self->file = g_file_new_for_path (self->indexed_path);
      g_clear_pointer (&self->indexed_path, g_free);
    }
  file = self->file;
  g_rec_mutex_unlock (&lazy_lock);

  return file;
}

static JsonNode *script_to_json (StrataScript *self);

/**
 * strata_script_get_checksum:
 *
 * The hex SHA-256 of the canonical compact JSON of the revision: every
 * object's keys sorted, no whitespace, operations in their normal form. Key
 * order, spacing and default values written out in the file do not change
 * it; any change to what the revision does does.
 *
 * Returns: 64 hex digits
 */
const char *
strata_script_get_checksum (StrataScript *self)
{
  const char *checksum;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);

  g_rec_mutex_lock (&lazy_lock);
  if (self->checksum == NULL && self->indexed)
    ensure_loaded_or_warn (self);

  if (self->checksum == NULL)
    {
      g_autoptr(JsonNode) node = script_to_json (self);
      g_autofree char *canonical = _strata_json_to_canonical (node);

      self->checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
    }
  checksum = self->checksum;
  g_rec_mutex_unlock (&lazy_lock);

  return checksum;
}

gboolean
strata_revision_id_is_valid (const char *revision)
{
  gsize len;

  if (revision == NULL)
    return FALSE;

  len = strlen (revision);
  if (len < 1 || len > 32)
    return FALSE;

  for (const char *p = revision; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

/**
 * strata_revision_generate_id:
 *
 * Returns: (transfer full): 12 random lowercase hex digits
 */
char *
strata_revision_generate_id (void)
{
  return g_strdup_printf ("%06x%06x",
                          (guint)g_random_int_range (0, 0x1000000),
                          (guint)g_random_int_range (0, 0x1000000));
}

/**
 * strata_revision_slugify:
 * @message: (nullable): a revision message
 *
 * Returns: (transfer full): lowercase ASCII words joined by '_', at most 40
 *   characters, never empty
 */
char *
strata_revision_slugify (const char *message)
{
  GString *slug = g_string_new (NULL);
  g_autofree char *ascii = NULL;

  if (message != NULL)
    ascii = g_str_to_ascii (message, "C");

  for (const char *p = ascii; p != NULL && *p && slug->len < 40; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '_')
        g_string_append_c (slug, '_');
    }

  while (slug->len > 0 && slug->str[slug->len - 1] == '_')
    g_string_truncate (slug, slug->len - 1);

  if (slug->len == 0)
    g_string_append (slug, "revision");

  return g_string_free (slug, FALSE);
}

/* Reading {{{ */

#define LABEL_MAX_LENGTH 64

static gboolean
label_is_valid (const char *label)
{
  gsize len = strlen (label);

  if (len < 1 || len > LABEL_MAX_LENGTH)
    return FALSE;

  for (const char *p = label; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

/* A string or an array of strings; @check says which strings are fine. */
static gboolean
get_names (JsonObject   *object,
           const char   *key,
           gboolean    (*check) (const char *),
           const char   *rule,
           char       ***out,
           const char   *prefix,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, key);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();

  if (node == NULL)
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_ptr_array_add (values, (gpointer)json_node_get_string (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              _strata_json_error (error, prefix, _("key \"%s\" must be a string or an array of strings, "
                                                   "but item %u is not a string"), key, i);
              return FALSE;
            }
          g_ptr_array_add (values, (gpointer)json_node_get_string (element));
        }
    }
  else
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be a string or an array of strings"), key);
      return FALSE;
    }

  for (guint i = 0; i < values->len; i++)
    {
      const char *value = g_ptr_array_index (values, i);

      if (!check (value))
        {
          g_autofree char *shown = _strata_display (value);
          _strata_json_error (error, prefix, _("key \"%s\": %s is not %s"), key, shown, rule);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        if (g_str_equal (value, g_ptr_array_index (values, j)))
          {
            g_autofree char *shown = _strata_display (value);
            _strata_json_error (error, prefix, _("key \"%s\" lists %s twice"), key, shown);
            return FALSE;
          }

      g_strv_builder_add (builder, value);
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
reference_is_valid (const char *value)
{
  return strata_revision_id_is_valid (value) || label_is_valid (value);
}

static gboolean
branch_label_is_valid (const char *value)
{
  static const char * const reserved[] = { "head", "heads", "base", NULL };

  return label_is_valid (value) && !g_strv_contains (reserved, value);
}

static gboolean
parse_down_revision (StrataScript  *self,
                     JsonObject    *object,
                     const char    *prefix,
                     GError       **error)
{
  JsonNode *node = json_object_get_member (object, "down_revision");

  if (node == NULL)
    {
      _strata_json_error (error, prefix, _("missing key \"down_revision\" (null for a first revision)"));
      return FALSE;
    }

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) == 0)
    {
      _strata_json_error (error, prefix, _("key \"down_revision\" must not be an empty array (null for a first revision)"));
      return FALSE;
    }

  if ((JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) != G_TYPE_STRING) ||
      JSON_NODE_HOLDS_OBJECT (node))
    {
      _strata_json_error (error, prefix, _("key \"down_revision\" must be null, a revision or an array of revisions"));
      return FALSE;
    }

  if (!get_names (object, "down_revision", strata_revision_id_is_valid,
                  _("a revision id (1 to 32 letters, digits or _)"), &self->down_revisions, prefix, error))
    return FALSE;

  if (g_strv_contains ((const char * const *)self->down_revisions, self->revision))
    {
      _strata_json_error (error, prefix, _("key \"down_revision\": the revision cannot be its own parent"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_ops (JsonObject   *object,
           const char   *key,
           gboolean      required,
           GPtrArray   **out,
           const char   *prefix,
           GError      **error)
{
  JsonNode *node = json_object_get_member (object, key);
  GPtrArray *ops;

  if (node == NULL)
    {
      if (required)
        _strata_json_error (error, prefix, _("missing key \"%s\""), key);
      return !required;
    }

  if (!(ops = strata_ops_new_from_json (node, key, error)))
    {
      g_prefix_error (error, "%s: ", prefix);
      return FALSE;
    }

  *out = ops;
  return TRUE;
}

static gboolean
check_concurrency (StrataScript  *self,
                   const char    *prefix,
                   GError       **error)
{
  GPtrArray *lists[] = { self->upgrade, self->downgrade };
  const char *names[] = { "upgrade", "downgrade" };

  if (!self->transactional)
    return TRUE;

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; lists[l] != NULL && i < lists[l]->len; i++)
      if (strata_op_is_concurrent (g_ptr_array_index (lists[l], i)))
        {
          _strata_json_error (error, prefix,
                              _("%s[%u]: \"concurrently\" cannot run inside a transaction; "
                                "set \"transactional\": false"), names[l], i);
          return FALSE;
        }

  return TRUE;
}

static gboolean
script_parse (StrataScript  *self,
              JsonNode      *root,
              const char    *filename,
              GError       **error)
{
  static const char * const keys[] = {
    "revision", "down_revision", "branch_labels", "depends_on", "message", "created",
    "transactional", "upgrade", "downgrade", NULL
  };
  g_autofree char *created = NULL;
  gboolean transactional = TRUE;
  JsonObject *object;

  if (!(object = _strata_json_require_object (root, _("a migration file"), filename, error)) ||
      !_strata_json_check_keys (object, keys, filename, error) ||
      !_strata_json_get_string (object, "revision", TRUE, &self->revision, filename, error))
    return FALSE;

  if (!strata_revision_id_is_valid (self->revision))
    {
      g_autofree char *shown = _strata_display (self->revision);
      _strata_json_error (error, filename, _("key \"revision\": %s is not a revision id (1 to 32 letters, digits or _)"),
                          shown);
      return FALSE;
    }

  if (!parse_down_revision (self, object, filename, error) ||
      !get_names (object, "branch_labels", branch_label_is_valid,
                  _("a branch label (1 to 64 letters, digits or _, not head, heads or base)"),
                  &self->branch_labels, filename, error) ||
      !get_names (object, _("depends_on"), reference_is_valid, _("a revision or branch label"),
                  &self->depends_on, filename, error) ||
      !_strata_json_get_string (object, "message", FALSE, &self->message, filename, error) ||
      !_strata_json_get_string (object, "created", FALSE, &created, filename, error) ||
      !_strata_json_get_boolean (object, "transactional", &transactional, filename, error) ||
      !parse_ops (object, "upgrade", TRUE, &self->upgrade, filename, error) ||
      !parse_ops (object, "downgrade", FALSE, &self->downgrade, filename, error))
    return FALSE;

  if (self->message != NULL && *self->message == '\0')
    g_clear_pointer (&self->message, g_free);

  if (created != NULL &&
      (self->created = g_date_time_new_from_iso8601 (created, NULL)) == NULL)
    {
      g_autofree char *shown = _strata_display (created);
      _strata_json_error (error, filename,
                          _("key \"created\": %s is not an ISO 8601 date and time with a time zone "
                            "(like \"2026-11-21T10:00:00Z\")"), shown);
      return FALSE;
    }

  self->transactional = transactional;

  return check_concurrency (self, filename, error);
}

/**
 * strata_script_new_from_data:
 * @data: the contents of a migration file
 * @length: the length of @data, or -1 if it is nul-terminated
 * @filename: (nullable): the name to use in messages
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the revision, or %NULL with
 *   STRATA_ERROR_PARSE naming @filename
 */
StrataScript *
strata_script_new_from_data (const char  *data,
                             gssize       length,
                             const char  *filename,
                             GError     **error)
{
  g_autoptr(StrataScript) self = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (filename == NULL)
    filename = "(migration)";

  if (!(root = _strata_json_parse_data (data, length, filename, error)))
    return NULL;

  self = g_object_new (STRATA_TYPE_SCRIPT, NULL);
  if (!script_parse (self, root, filename, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* The reason part of a GIO message ("Error opening file X: No such file or
 * directory" → "No such file or directory"). */
static const char *
io_reason (const GError *error)
{
  const char *colon = g_strrstr (error->message, ": ");

  return colon != NULL ? colon + 2 : error->message;
}

/**
 * strata_script_new_from_file:
 * @file: a migration file
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the revision
 */
StrataScript *
strata_script_new_from_file (GFile   *file,
                             GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  StrataScript *self;
  gsize length;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = strata_display_path (file);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s: cannot read the file: %s"), name, io_reason (local_error));
      return NULL;
    }

  if (!(self = strata_script_new_from_data (contents, length, name, error)))
    return NULL;

  self->file = g_object_ref (file);
  return self;
}

/* }}} */

/* Writing {{{ */

/* ISO 8601 with "Z" or a "+hh:mm" offset, and microseconds only when
 * there are some. */
static char *
format_created (GDateTime *created)
{
  GString *out = g_string_new (NULL);
  g_autofree char *main_part = g_date_time_format (created, "%Y-%m-%dT%H:%M:%S");

  g_string_append (out, main_part);
  if (g_date_time_get_microsecond (created) != 0)
    g_string_append_printf (out, ".%06d", g_date_time_get_microsecond (created));

  if (g_date_time_get_utc_offset (created) == 0)
    g_string_append_c (out, 'Z');
  else
    {
      g_autofree char *offset = g_date_time_format (created, "%:z");
      g_string_append (out, offset);
    }

  return g_string_free (out, FALSE);
}

static JsonNode *
script_to_json (StrataScript *self)
{
  JsonObject *object = json_object_new ();
  guint n_parents = g_strv_length (self->down_revisions);

  json_object_set_string_member (object, "revision", self->revision);

  if (n_parents == 0)
    json_object_set_null_member (object, "down_revision");
  else if (n_parents == 1)
    json_object_set_string_member (object, "down_revision", self->down_revisions[0]);
  else
    json_object_set_member (object, "down_revision",
                            _strata_json_new_strv ((const char * const *)self->down_revisions));

  if (self->branch_labels[0] != NULL)
    json_object_set_member (object, "branch_labels",
                            _strata_json_new_strv ((const char * const *)self->branch_labels));
  if (self->depends_on[0] != NULL)
    json_object_set_member (object, "depends_on",
                            _strata_json_new_strv ((const char * const *)self->depends_on));
  if (self->message != NULL && *self->message != '\0')
    json_object_set_string_member (object, "message", self->message);
  if (self->created != NULL)
    {
      g_autofree char *created = format_created (self->created);
      json_object_set_string_member (object, "created", created);
    }
  if (!self->transactional)
    json_object_set_boolean_member (object, "transactional", FALSE);

  if (self->upgrade != NULL)
    json_object_set_member (object, "upgrade", strata_ops_to_json (self->upgrade));
  else
    json_object_set_array_member (object, "upgrade", json_array_new ());

  if (self->downgrade != NULL)
    json_object_set_member (object, "downgrade", strata_ops_to_json (self->downgrade));

  return _strata_json_take_object (object);
}

/**
 * strata_script_to_data:
 * @self: a #StrataScript
 * @length: (out) (optional): the length of the text
 *
 * The canonical file: keys in the order revision, down_revision,
 * branch_labels, depends_on, message, created, transactional, upgrade,
 * downgrade, optional ones left out when empty; two-space indentation,
 * short lists on one line, a final newline.
 *
 * Returns: (transfer full): the JSON text
 */
char *
strata_script_to_data (StrataScript *self,
                       gsize        *length)
{
  g_autoptr(JsonNode) node = NULL;
  char *data;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);

  node = script_to_json (self);
  data = _strata_json_to_pretty (node);
  if (length != NULL)
    *length = strlen (data);

  return data;
}

/* Another file in @directory for the same revision. */
static GFile *
find_revision_file (GFile       *directory,
                    const char  *revision)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autofree char *with_slug = g_strdup_printf ("%s_", revision);
  g_autofree char *bare = g_strdup_printf ("%s.json", revision);
  GFileInfo *info;
  GFile *child;

  enumerator = g_file_enumerate_children (directory, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (enumerator == NULL)
    return NULL;

  while (g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) && info != NULL)
    {
      const char *name = g_file_info_get_name (info);

      if (g_str_equal (name, bare) || (g_str_has_prefix (name, with_slug) && g_str_has_suffix (name, ".json")))
        return g_object_ref (child);
    }

  return NULL;
}

/**
 * strata_script_write:
 * @self: a #StrataScript
 * @directory: the migrations directory
 * @out_file: (out) (optional) (transfer full): the file written
 * @error: return location for a #GError
 *
 * Writes strata_script_to_data() to `<revision>_<slug>.json` in
 * @directory, the slug made from the message. Refuses (STRATA_ERROR_PROJECT)
 * when that file, or another file of the same revision, exists.
 *
 * Returns: %TRUE on success
 */
gboolean
strata_script_write (StrataScript  *self,
                     GFile         *directory,
                     GFile        **out_file,
                     GError       **error)
{
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) existing = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (directory), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!strata_revision_id_is_valid (self->revision))
    {
      g_autofree char *shown = _strata_display (self->revision);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s is not a revision id (1 to 32 letters, digits or _)"), shown);
      return FALSE;
    }

  slug = strata_revision_slugify (self->message);
  basename = g_strdup_printf ("%s_%s.json", self->revision, slug);
  file = g_file_get_child (directory, basename);
  name = strata_display_path (file);

  if ((existing = find_revision_file (directory, self->revision)) != NULL)
    {
      g_autofree char *existing_name = strata_display_path (existing);

      if (g_file_equal (existing, file))
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT, _("%s already exists"), name);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                     _("%s: revision %s already exists in %s"), name, self->revision, existing_name);
      return FALSE;
    }

  data = strata_script_to_data (self, &length);

  if (!(stream = g_file_create (file, G_FILE_CREATE_NONE, NULL, &local_error)))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT, _("%s already exists"), name);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("%s: cannot create the file: %s"), name, io_reason (local_error));
      return FALSE;
    }

  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), data, length, NULL, NULL, &local_error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("%s: cannot write the file: %s"), name, io_reason (local_error));
      g_file_delete (file, NULL, NULL);
      return FALSE;
    }

  g_set_object (&self->file, file);

  if (out_file != NULL)
    *out_file = g_steal_pointer (&file);

  return TRUE;
}

/* }}} */

/* Revisions from the folder index {{{ */

StrataScript *
_strata_script_new_indexed (char      *path,
                            char      *revision,
                            char     **down_revisions,
                            char     **branch_labels,
                            char     **depends_on,
                            char      *message,
                            char      *created,
                            gboolean   transactional,
                            char      *checksum)
{
  StrataScript *self = g_object_new (STRATA_TYPE_SCRIPT, NULL);

  self->revision = revision;
  /* Empty lists keep the ones init made. */
  if (down_revisions != NULL)
    {
      g_strfreev (self->down_revisions);
      self->down_revisions = down_revisions;
    }
  if (branch_labels != NULL)
    {
      g_strfreev (self->branch_labels);
      self->branch_labels = branch_labels;
    }
  if (depends_on != NULL)
    {
      g_strfreev (self->depends_on);
      self->depends_on = depends_on;
    }
  self->message = message;
  self->indexed_created = created;
  self->transactional = !!transactional;
  self->indexed_path = path;
  self->checksum = checksum;
  self->indexed = TRUE;

  return self;
}

/* Broken revisions {{{ */

/* The first match of @pattern's group 1 in @data, where the key is not
 * inside a string (not preceded by a backslash). */
static char *
scan_group (const char *data,
            const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert (regex != NULL);
  if (!g_regex_match (regex, data, 0, &match))
    return NULL;

  return g_match_info_fetch (match, 1);
}

#define SCAN_ID "[A-Za-z0-9_]{1,32}"
#define SCAN_KEY(key) "(?<!\\\\)\"" key "\"\\s*:\\s*"

/* The ids of a down_revision or depends_on value as the file writes it:
 * null, "id" or ["id", …]. */
static char **
scan_ids (const char *value)
{
  g_autoptr(GRegex) regex = g_regex_new ("\"(" SCAN_ID ")\"", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  for (g_regex_match (regex, value, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      g_autofree char *id = g_match_info_fetch (match, 1);

      g_strv_builder_add (ids, id);
    }

  return g_strv_builder_end (ids);
}

/**
 * _strata_script_new_broken:
 * @file: the migration file
 * @data: (nullable): its contents, when they could be read
 * @problem: why it could not be loaded (the message names the file)
 *
 * A revision whose file could not be loaded. What can still be read of its
 * header, leniently (the file may not even be JSON), is kept: its revision
 * id, down_revision and depends_on, so that it keeps its place in the graph
 * (it has none when the id or the down_revision cannot be read). Its
 * operations are empty and strata_script_ensure_loaded() fails with
 * @problem, so nothing runs or replays it by mistake.
 *
 * Returns: (transfer full): the broken revision
 */
StrataScript *
_strata_script_new_broken (GFile        *file,
                           const char   *data,
                           const GError *problem)
{
  StrataScript *self = g_object_new (STRATA_TYPE_SCRIPT, NULL);

  self->file = g_object_ref (file);
  self->error = g_error_copy (problem);
  self->upgrade = g_ptr_array_new_with_free_func (g_object_unref);
  self->checksum = g_strdup ("");

  if (data != NULL)
    {
      g_autofree char *down = NULL;
      g_autofree char *depends = NULL;
      g_autofree char *message = NULL;

      self->revision = scan_group (data, SCAN_KEY ("revision") "\"(" SCAN_ID ")\"");
      down = scan_group (data, SCAN_KEY ("down_revision")
                         "(null|\"" SCAN_ID "\"|\\[\\s*(?:\"" SCAN_ID "\"\\s*(?:,\\s*\"" SCAN_ID "\"\\s*)*)?\\])");
      depends = scan_group (data, SCAN_KEY ("depends_on")
                            "(\\[\\s*(?:\"" SCAN_ID "\"\\s*(?:,\\s*\"" SCAN_ID "\"\\s*)*)?\\])");
      message = scan_group (data, SCAN_KEY ("message") "(\"(?:[^\"\\\\\\n]|\\\\.)*\")");

      if (down != NULL)
        {
          g_strfreev (self->down_revisions);
          self->down_revisions = scan_ids (down);
          self->placed = TRUE;
        }
      if (depends != NULL)
        {
          g_strfreev (self->depends_on);
          self->depends_on = scan_ids (depends);
        }
      if (message != NULL)
        {
          g_autoptr(JsonNode) node = json_from_string (message, NULL);

          if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            self->message = g_strdup (json_node_get_string (node));
        }
    }

  if (self->revision == NULL)
    self->placed = FALSE;

  return self;
}

/**
 * _strata_script_is_placed:
 *
 * Returns: whether a revision's id and down_revision are known (always
 *   %TRUE but for a broken one that could not be read that far)
 */
gboolean
_strata_script_is_placed (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), FALSE);
  return self->error == NULL || self->placed;
}

/* A broken revision named by another one but found in no file. */
StrataScript *
_strata_script_new_missing (const char   *revision,
                            GFile        *file,
                            const GError *problem)
{
  StrataScript *self = g_object_new (STRATA_TYPE_SCRIPT, NULL);

  self->revision = g_strdup (revision);
  self->file = file ? g_object_ref (file) : NULL;
  self->error = g_error_copy (problem);
  self->upgrade = g_ptr_array_new_with_free_func (g_object_unref);
  self->checksum = g_strdup ("");
  self->placed = TRUE;

  return self;
}

/**
 * strata_script_get_error:
 * @self: a #StrataScript
 *
 * A revision is broken when its file could not be loaded (it is not valid
 * JSON, or not a valid migration), or when another revision names it but no
 * file that can be read holds it. The project still opens; the graph keeps
 * a broken revision where its file says it goes, and every plan that needs
 * it is refused with this error.
 *
 * Returns: (transfer none) (nullable): why the revision is broken (the
 *   message names the file, relative to the project, with line:column
 *   where known), or %NULL
 */
const GError *
strata_script_get_error (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->error;
}

/* }}} */

/**
 * strata_script_ensure_loaded:
 * @self: a #StrataScript
 * @error: return location for a #GError
 *
 * Reads the operations of a revision that came from the project's index.
 * Revisions parsed from their file or built in memory are always loaded.
 *
 * Returns: %TRUE when the operations are available
 */
gboolean
strata_script_ensure_loaded (StrataScript  *self,
                             GError       **error)
{
  g_autoptr(StrataScript) full = NULL;
  g_autoptr(GRecMutexLocker) locker = NULL;

  g_return_val_if_fail (STRATA_IS_SCRIPT (self), FALSE);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  locker = g_rec_mutex_locker_new (&lazy_lock);
  if (!self->indexed)
    return TRUE;

  if (!(full = strata_script_new_from_file (strata_script_get_file (self), error)))
    return FALSE;

  if (g_strcmp0 (full->revision, self->revision) != 0 ||
      !g_strv_equal ((const char * const *)full->down_revisions, (const char * const *)self->down_revisions))
    {
      g_autofree char *name = strata_display_path (strata_script_get_file (self));

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s: the file changed while Strata was running (it now holds revision %s)"),
                   name, full->revision);
      return FALSE;
    }

  g_clear_pointer (&self->upgrade, g_ptr_array_unref);
  g_clear_pointer (&self->downgrade, g_ptr_array_unref);
  self->upgrade = full->upgrade ? g_ptr_array_ref (full->upgrade) : NULL;
  self->downgrade = full->downgrade ? g_ptr_array_ref (full->downgrade) : NULL;
  /* The index's checksum stands: the file is the one it was computed
   * from (same size, times and inode). */
  if (self->checksum == NULL)
    self->checksum = g_strdup (strata_script_get_checksum (full));
  self->indexed = FALSE;

  return TRUE;
}

static void
ensure_loaded_or_warn (StrataScript *self)
{
  g_autoptr(GError) error = NULL;

  if (!strata_script_ensure_loaded (self, &error))
    g_critical ("%s", error->message);
}

/* }}} */
