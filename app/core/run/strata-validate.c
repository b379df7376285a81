/* strata-validate.c: applied revisions against their files (validate, repair)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-validate"

#include "config.h"

#include "strata-dialect.h"
#include "strata-driver.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator.h"
#include "strata-script.h"
#include "strata-stored-private.h"
#include "strata-validate.h"
#include "strata-i18n-private.h"

G_DEFINE_BOXED_TYPE (StrataValidateIssue, strata_validate_issue,
                     strata_validate_issue_copy, strata_validate_issue_free)

/**
 * strata_validate_issue_copy:
 * @issue: a #StrataValidateIssue
 *
 * Copies @issue.
 *
 * Returns: (transfer full): a copy of @issue
 */
StrataValidateIssue *
strata_validate_issue_copy (const StrataValidateIssue *issue)
{
  StrataValidateIssue *copy;

  g_return_val_if_fail (issue != NULL, NULL);

  copy = g_new0 (StrataValidateIssue, 1);
  copy->kind = issue->kind;
  copy->revision = g_strdup (issue->revision);
  copy->history_id = g_strdup (issue->history_id);
  copy->when = g_strdup (issue->when);
  copy->recorded_checksum = g_strdup (issue->recorded_checksum);
  copy->file_checksum = g_strdup (issue->file_checksum);
  copy->path = g_strdup (issue->path);
  copy->message = g_strdup (issue->message);

  return copy;
}

/**
 * strata_validate_issue_free:
 * @issue: (nullable): a #StrataValidateIssue
 *
 * Frees @issue.
 */
void
strata_validate_issue_free (StrataValidateIssue *issue)
{
  if (issue == NULL)
    return;

  g_free (issue->revision);
  g_free (issue->history_id);
  g_free (issue->when);
  g_free (issue->recorded_checksum);
  g_free (issue->file_checksum);
  g_free (issue->path);
  g_free (issue->message);
  g_free (issue);
}

const char *
strata_validate_kind_to_string (StrataValidateKind kind)
{
  switch (kind)
    {
    case STRATA_VALIDATE_EDITED:  return "edited";
    case STRATA_VALIDATE_MISSING: return "missing";
    case STRATA_VALIDATE_FAILED:  return "failed";
    default:                      return "unknown";
    }
}

static const char *
value (StrataResult *result,
       guint         row,
       const char   *name)
{
  int index = strata_result_get_column_index (result, name);

  return index < 0 ? NULL : strata_result_get_value (result, row, index);
}

typedef struct
{
  char *id;
  char *checksum;
  char *when;
} Applied;

static void
applied_free (gpointer data)
{
  Applied *applied = data;

  g_free (applied->id);
  g_free (applied->checksum);
  g_free (applied->when);
  g_free (applied);
}

static StrataValidateIssue *
issue_new (StrataValidateKind  kind,
           const char         *revision,
           Applied            *applied)
{
  StrataValidateIssue *issue = g_new0 (StrataValidateIssue, 1);

  issue->kind = kind;
  issue->revision = g_strdup (revision);
  if (applied != NULL)
    {
      issue->history_id = g_strdup (applied->id);
      issue->recorded_checksum = g_strdup (applied->checksum);
      issue->when = g_strdup (applied->when);
    }

  return issue;
}

/**
 * strata_validate:
 * @migrator: a migrator on the database, with the project's graph
 *
 * Returns: (transfer full) (element-type StrataValidateIssue): what differs
 */
GPtrArray *
strata_validate (StrataMigrator  *migrator,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GPtrArray) issues = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_validate_issue_free);
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_validate_issue_free);
  g_autoptr(GHashTable) applied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, applied_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StrataResult) history = NULL;
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  graph = strata_migrator_get_graph (migrator);

  if (!(history = strata_migrator_get_history (migrator, cancellable, error)) ||
      !(heads = strata_migrator_get_current_heads (migrator, cancellable, error)))
    return NULL;

  /* Replay the history, oldest first: which revisions are applied now, and
   * the row that applied each. */
  for (guint i = strata_result_get_n_rows (history); i > 0; i--)
    {
      const char *revision = value (history, i - 1, "revision");
      const char *direction = value (history, i - 1, "direction");
      const char *outcome = value (history, i - 1, "outcome");

      if (revision == NULL || direction == NULL)
        continue;

      if (g_strcmp0 (outcome, "success") != 0)
        {
          StrataValidateIssue *issue = issue_new (STRATA_VALIDATE_FAILED, revision, NULL);

          issue->history_id = g_strdup (value (history, i - 1, "id"));
          issue->when = g_strdup (value (history, i - 1, "started"));
          issue->message = g_strdup_printf (_("revision %s: a %s attempt (%s) at %s is in the history"),
                                            revision, outcome ? outcome : "unfinished",
                                            g_str_equal (direction, "down") ? "downgrade" : "upgrade",
                                            issue->when ? issue->when : _("an unknown time"));
          g_ptr_array_add (failed, issue);
          continue;
        }

      if (g_str_equal (direction, "up") || g_str_equal (direction, "stamp"))
        {
          Applied *row = g_new0 (Applied, 1);

          row->id = g_strdup (value (history, i - 1, "id"));
          row->checksum = g_strdup (value (history, i - 1, "checksum"));
          row->when = g_strdup (value (history, i - 1, "started"));
          if (!g_hash_table_contains (applied, revision))
            g_ptr_array_add (order, g_strdup (revision));
          g_hash_table_replace (applied, g_strdup (revision), row);
        }
      else if (g_str_equal (direction, "down") || g_str_equal (direction, "unstamp"))
        g_hash_table_remove (applied, revision);
    }

  for (guint i = 0; i < order->len; i++)
    {
      const char *revision = g_ptr_array_index (order, i);
      Applied *row = g_hash_table_lookup (applied, revision);
      StrataScript *script = graph ? strata_graph_lookup (graph, revision) : NULL;
      StrataValidateIssue *issue;

      if (row == NULL)
        continue;

      if (script == NULL || strata_stored_is_copy (script))
        {
          issue = issue_new (STRATA_VALIDATE_MISSING, revision, row);
          issue->message = g_strdup_printf (_("revision %s was applied at %s but has no file in the migrations folder"),
                                            revision, row->when ? row->when : _("an unknown time"));
          g_ptr_array_add (issues, issue);
          continue;
        }

      /* Rows written before checksums were recorded prove nothing. */
      if (row->checksum == NULL || *row->checksum == '\0' ||
          g_str_equal (row->checksum, strata_script_get_checksum (script)))
        continue;

      issue = issue_new (STRATA_VALIDATE_EDITED, revision, row);
      issue->file_checksum = g_strdup (strata_script_get_checksum (script));
      issue->path = strata_script_get_file (script) ? strata_display_path (strata_script_get_file (script)) : NULL;
      issue->message = g_strdup_printf (_("%s%srevision %s was edited after it was applied at %s "
                                          "(checksum %.12s, applied as %.12s)"),
                                        issue->path ? issue->path : "", issue->path ? ": " : "",
                                        revision, row->when ? row->when : _("an unknown time"),
                                        issue->file_checksum, row->checksum);
      g_ptr_array_add (issues, issue);
    }

  /* A version row that no history explains and no file knows. */
  for (guint i = 0; heads[i] != NULL; i++)
    if (!g_hash_table_contains (applied, heads[i]) && (graph == NULL || strata_graph_lookup (graph, heads[i]) == NULL))
      {
        StrataValidateIssue *issue = issue_new (STRATA_VALIDATE_MISSING, heads[i], NULL);

        issue->message = g_strdup_printf (_("the version table holds revision %s, which has no file "
                                            "in the migrations folder"), heads[i]);
        g_ptr_array_add (issues, issue);
      }

  g_ptr_array_extend_and_steal (issues, g_steal_pointer (&failed));

  return g_steal_pointer (&issues);
}

gboolean
strata_validate_before_run (StrataMigrator  *migrator,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GString) edited = g_string_new (NULL);
  guint n_edited = 0;

  if (!(issues = strata_validate (migrator, cancellable, error)))
    return FALSE;

  for (guint i = 0; i < issues->len; i++)
    {
      StrataValidateIssue *issue = g_ptr_array_index (issues, i);

      if (issue->kind != STRATA_VALIDATE_EDITED)
        continue;
      if (n_edited++ > 0)
        g_string_append (edited, "; ");
      g_string_append (edited, issue->message);
    }

  if (n_edited == 0)
    return TRUE;

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
               _("%s; nothing was run: review the change, then “strata repair” records it "
                 "(or pass --no-validate)"), edited->str);
  return FALSE;
}

/**
 * strata_repair:
 * @migrator: the migrator @issues came from
 * @issues: (element-type StrataValidateIssue): strata_validate()'s result
 */
gboolean
strata_repair (StrataMigrator  *migrator,
               GPtrArray       *issues,
               GCancellable    *cancellable,
               GError         **error)
{
  StrataDriver *driver = strata_migrator_get_driver (migrator);
  g_autofree char *table = _strata_stored_quote_table (migrator, strata_migrator_get_history_table (migrator));
  g_autofree char *update = NULL;
  g_autofree char *delete = NULL;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), FALSE);

  update = g_strdup_printf ("UPDATE %s SET checksum = $1 WHERE id = CAST($2 AS BIGINT)", table);
  delete = g_strdup_printf ("DELETE FROM %s WHERE id = CAST($1 AS BIGINT)", table);

  if (!strata_driver_begin (driver, cancellable, error))
    return FALSE;

  for (guint i = 0; i < issues->len; i++)
    {
      StrataValidateIssue *issue = g_ptr_array_index (issues, i);
      g_autoptr(StrataResult) result = NULL;

      if (issue->history_id == NULL)
        continue;

      if (issue->kind == STRATA_VALIDATE_EDITED)
        {
          const char *params[] = { issue->file_checksum, issue->history_id };
          result = strata_driver_query_params (driver, update, 2, params, cancellable, error);
        }
      else if (issue->kind == STRATA_VALIDATE_FAILED)
        {
          const char *params[] = { issue->history_id };
          result = strata_driver_query_params (driver, delete, 1, params, cancellable, error);
        }
      else
        continue;

      if (result == NULL)
        {
          strata_driver_rollback (driver);
          g_prefix_error (error, _("repairing revision %s in %s: "), issue->revision,
                          strata_migrator_get_history_table (migrator));
          return FALSE;
        }
    }

  return strata_driver_commit (driver, cancellable, error);
}
