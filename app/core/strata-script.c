/* strata-script.c: one migration file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-script"

#include "config.h"

#include <string.h>

#include "strata-error.h"
#include "strata-script.h"

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
};

G_DEFINE_FINAL_TYPE (StrataScript, strata_script, G_TYPE_OBJECT)

static const char * const empty_strv[] = { NULL };

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
  g_clear_pointer (&self->checksum, g_free);

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
  g_strfreev (self->branch_labels);
  self->branch_labels = strv_copy_or_empty (labels);
}

void
strata_script_set_depends_on (StrataScript       *self,
                              const char * const *depends_on)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  g_strfreev (self->depends_on);
  self->depends_on = strv_copy_or_empty (depends_on);
}

void
strata_script_set_transactional (StrataScript *self,
                                 gboolean      transactional)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
  self->transactional = !!transactional;
}

void
strata_script_set_created (StrataScript *self,
                           GDateTime    *created)
{
  g_return_if_fail (STRATA_IS_SCRIPT (self));
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
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->created;
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
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->upgrade;
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
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->downgrade;
}

/**
 * strata_script_get_file:
 *
 * Returns: (transfer none) (nullable): the file of this revision
 */
GFile *
strata_script_get_file (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->file;
}

const char *
strata_script_get_checksum (StrataScript *self)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (self), NULL);
  return self->checksum;
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
