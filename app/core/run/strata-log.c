/* strata-log.c: what happened to a database, from its history table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-log"

#include "config.h"

#include "strata-driver.h"
#include "strata-graph.h"
#include "strata-log.h"
#include "strata-migrator.h"
#include "strata-plan.h"
#include "strata-script.h"

G_DEFINE_BOXED_TYPE (StrataLogEntry, strata_log_entry, strata_log_entry_copy, strata_log_entry_free)

/**
 * strata_log_entry_copy:
 * @entry: a #StrataLogEntry
 *
 * Copies @entry.
 *
 * Returns: (transfer full): a copy of @entry
 */
StrataLogEntry *
strata_log_entry_copy (const StrataLogEntry *entry)
{
  StrataLogEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = g_new0 (StrataLogEntry, 1);
  copy->revision = g_strdup (entry->revision);
  copy->direction = g_strdup (entry->direction);
  copy->outcome = g_strdup (entry->outcome);
  copy->started = g_strdup (entry->started);
  copy->finished = g_strdup (entry->finished);
  copy->duration_ms = entry->duration_ms;
  copy->os_user = g_strdup (entry->os_user);
  copy->host = g_strdup (entry->host);
  copy->tool_version = g_strdup (entry->tool_version);
  copy->checksum = g_strdup (entry->checksum);
  copy->message = g_strdup (entry->message);
  copy->file_present = entry->file_present;

  return copy;
}

/**
 * strata_log_entry_free:
 * @entry: (nullable): a #StrataLogEntry
 *
 * Frees @entry.
 */
void
strata_log_entry_free (StrataLogEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->revision);
  g_free (entry->direction);
  g_free (entry->outcome);
  g_free (entry->started);
  g_free (entry->finished);
  g_free (entry->os_user);
  g_free (entry->host);
  g_free (entry->tool_version);
  g_free (entry->checksum);
  g_free (entry->message);
  g_free (entry);
}

static char *
column (StrataResult *result,
        guint         row,
        const char   *name)
{
  int index = strata_result_get_column_index (result, name);
  const char *value;

  if (index < 0 || (value = strata_result_get_value (result, row, index)) == NULL)
    return NULL;

  return g_strdup (value);
}

static void
describe_file (StrataLogEntry *entry,
               StrataGraph    *graph)
{
  StrataScript *script = graph ? strata_graph_lookup (graph, entry->revision) : NULL;

  entry->file_present = script != NULL;
  if (script != NULL)
    entry->message = g_strdup (strata_script_get_message (script));
}

/**
 * strata_log_read:
 * @migrator: a migrator on the database
 *
 * Returns: (transfer full) (element-type StrataLogEntry): the log
 */
GPtrArray *
strata_log_read (StrataMigrator  *migrator,
                 GCancellable    *cancellable,
                 GError         **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_log_entry_free);
  g_autoptr(StrataResult) history = NULL;
  g_autoptr(StrataPlan) pending = NULL;
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;
  guint n_rows;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  graph = strata_migrator_get_graph (migrator);

  if (!(history = strata_migrator_get_history (migrator, cancellable, error)))
    return NULL;

  /* Newest first from the migrator. */
  n_rows = strata_result_get_n_rows (history);
  for (guint i = n_rows; i > 0; i--)
    {
      StrataLogEntry *entry = g_new0 (StrataLogEntry, 1);
      g_autofree char *duration = column (history, i - 1, "duration_ms");

      entry->revision = column (history, i - 1, "revision");
      entry->direction = column (history, i - 1, "direction");
      entry->outcome = column (history, i - 1, "outcome");
      entry->started = column (history, i - 1, "started");
      entry->finished = column (history, i - 1, "finished");
      entry->duration_ms = duration ? g_ascii_strtoll (duration, NULL, 10) : -1;
      entry->os_user = column (history, i - 1, "os_user");
      entry->host = column (history, i - 1, "host");
      entry->tool_version = column (history, i - 1, "tool_version");
      entry->checksum = column (history, i - 1, "checksum");
      if (entry->revision == NULL)
        entry->revision = g_strdup ("");
      if (entry->outcome == NULL)
        entry->outcome = g_strdup ("unknown");
      describe_file (entry, graph);
      g_ptr_array_add (entries, entry);
    }

  if (graph == NULL)
    return g_steal_pointer (&entries);

  if (!(heads = strata_migrator_get_current_heads (migrator, cancellable, error)))
    return NULL;

  /* A database at a revision the files do not know has no plan: nothing is
   * pending that can be named. */
  for (guint i = 0; heads[i] != NULL; i++)
    if (strata_graph_lookup (graph, heads[i]) == NULL)
      return g_steal_pointer (&entries);

  if (strata_graph_get_scripts (graph)->len == 0)
    return g_steal_pointer (&entries);

  if (!(pending = strata_graph_plan_upgrade (graph, (const char * const *)heads, "heads", error)))
    return NULL;

  for (guint i = 0; i < strata_plan_get_n_steps (pending); i++)
    {
      StrataLogEntry *entry = g_new0 (StrataLogEntry, 1);

      entry->revision = g_strdup (strata_step_get_revision (strata_plan_get_step (pending, i)));
      entry->outcome = g_strdup ("pending");
      entry->duration_ms = -1;
      describe_file (entry, graph);
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}
