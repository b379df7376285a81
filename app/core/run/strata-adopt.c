/* strata-adopt.c: adopting a live database (inspect, baseline)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-adopt"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "strata-adopt.h"
#include "strata-diff.h"
#include "strata-driver.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator.h"
#include "strata-model.h"
#include "strata-ops.h"
#include "strata-script.h"
#include "strata-stored-private.h"
#include "strata-i18n-private.h"

/**
 * strata_adopt_inspect:
 * @migrator: a migrator on the database to read
 *
 * Returns: (transfer full): the live schema
 */
StrataModel *
strata_adopt_inspect (StrataMigrator  *migrator,
                      GCancellable    *cancellable,
                      GError         **error)
{
  const char *exclude[3];

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  exclude[0] = strata_migrator_get_version_table (migrator);
  exclude[1] = strata_migrator_get_history_table (migrator);
  exclude[2] = NULL;

  return strata_driver_introspect (strata_migrator_get_driver (migrator), exclude, cancellable, error);
}

/**
 * strata_adopt_model_to_data:
 *
 * Returns: (transfer full): @model as the text of a schema.json
 */
char *
strata_adopt_model_to_data (StrataModel *model)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = strata_model_to_json (model);
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

gboolean
strata_adopt_write_model (StrataModel  *model,
                          GFile        *file,
                          GError      **error)
{
  g_autofree char *data = strata_adopt_model_to_data (model);
  g_autoptr(GError) local_error = NULL;

  if (!g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE,
                                NULL, NULL, &local_error))
    {
      g_autofree char *shown = strata_display_path (file);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: %s", shown, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * strata_adopt_baseline_script:
 * @live: the live schema
 * @revision: the new revision's id
 * @message: its message
 *
 * Returns: (transfer full): a base revision that creates @live
 */
StrataScript *
strata_adopt_baseline_script (StrataModel  *live,
                              const char   *revision,
                              const char   *message,
                              GError      **error)
{
  g_autoptr(StrataModel) empty = strata_model_new ();
  g_autoptr(StrataModel) replayed = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  const char *none[] = { NULL };
  GPtrArray *ops;

  diff = strata_diff_new (empty, live);
  strata_diff_set_labels (diff, "base", _("the database"));
  if (!strata_diff_compute (diff, error))
    return NULL;

  if (strata_diff_get_warnings (diff)->len > 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                   _("the database holds what no migration operation expresses: %s"),
                   (const char *)g_ptr_array_index (strata_diff_get_warnings (diff), 0));
      return NULL;
    }

  ops = strata_diff_get_ops (diff);

  /* The revision must rebuild the database exactly. */
  replayed = strata_model_new ();
  if (!strata_model_apply_ops (replayed, ops, "upgrade", error))
    {
      g_prefix_error (error, _("the baseline's operations do not apply (a bug): "));
      return NULL;
    }
  if (!strata_model_equal (replayed, live))
    {
      g_autoptr(StrataDiff) verify = strata_diff_new (replayed, live);

      strata_diff_set_labels (verify, _("the baseline revision"), _("the database"));
      if (!strata_diff_compute (verify, error))
        return NULL;
      if (!strata_diff_is_empty (verify))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                       _("a baseline cannot express: %s"),
                       (const char *)g_ptr_array_index (strata_diff_get_differences (verify), 0));
          return NULL;
        }
    }

  script = strata_script_new (revision, none, message);
  strata_script_set_created (script, now);
  strata_script_set_upgrade (script, ops);

  return g_steal_pointer (&script);
}

/**
 * strata_adopt_baseline:
 * @migrator: a migrator on the database to adopt; its graph is the project's
 * @migrations_dir: where the revision goes
 * @revision: the new revision's id
 * @message: its message
 * @file: (out) (optional): the file written
 *
 * Returns: (transfer full): the revision written and stamped
 */
StrataScript *
strata_adopt_baseline (StrataMigrator  *migrator,
                       GFile           *migrations_dir,
                       const char      *revision,
                       const char      *message,
                       GFile          **file,
                       GCancellable    *cancellable,
                       GError         **error)
{
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(StrataScript) written = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataMigrator) stamper = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GFile) out_file = NULL;
  g_auto(GStrv) current = NULL;
  StrataGraph *project_graph;
  const char *heads[2] = { revision, NULL };

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  project_graph = strata_migrator_get_graph (migrator);
  if (project_graph != NULL && strata_graph_get_scripts (project_graph)->len > 0)
    {
      g_autofree char *shown = strata_display_path (migrations_dir);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s already holds %u revisions: a baseline starts a project that has none "
                     "(to take over a database that matches a revision, use “strata stamp REV”)"),
                   shown, strata_graph_get_scripts (project_graph)->len);
      return NULL;
    }

  if (!(current = strata_migrator_get_current_heads (migrator, cancellable, error)))
    return NULL;
  if (current[0] != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_STATE,
                   _("%s is already at revision %s (table %s): it needs no baseline"),
                   strata_driver_get_display_url (strata_migrator_get_driver (migrator)),
                   current[0], strata_migrator_get_version_table (migrator));
      return NULL;
    }

  if (!(live = strata_adopt_inspect (migrator, cancellable, error)) ||
      !(script = strata_adopt_baseline_script (live, revision, message, error)))
    return NULL;

  if (!strata_script_write (script, migrations_dir, &out_file, error))
    return NULL;

  /* Stamp with the file as written, so that its checksum is the file's. */
  if (!(written = strata_script_new_from_file (out_file, error)))
    return NULL;
  scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (scripts, g_object_ref (written));
  if (!(graph = strata_graph_new (scripts, error)))
    return NULL;

  stamper = _strata_stored_migrator_for_graph (migrator, graph);

  if (!strata_migrator_stamp (stamper, heads, cancellable, error))
    {
      g_prefix_error (error, _("the revision is written but the database is not stamped: "));
      return NULL;
    }

  if (file != NULL)
    *file = g_steal_pointer (&out_file);

  return g_steal_pointer (&written);
}
