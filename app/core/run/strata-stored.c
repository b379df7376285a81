/* strata-stored.c: applied revisions kept in the history table, for a
 * rollback after their files are gone
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-stored"

#include "config.h"

#include <json-glib/json-glib.h>

#include "strata-dialect.h"
#include "strata-driver.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator.h"
#include "strata-ops.h"
#include "strata-script.h"
#include "strata-stored-private.h"
#include "strata-i18n-private.h"

#define STORED_KEY "strata-stored-copy"

char *
_strata_stored_quote_table (StrataMigrator *migrator,
                            const char     *table)
{
  StrataDialect dialect = strata_driver_get_dialect (strata_migrator_get_driver (migrator));
  const char *schema = strata_migrator_get_schema (migrator);
  g_autofree char *quoted = strata_dialect_quote_identifier (dialect, table);

  if (schema != NULL && *schema != '\0' && dialect == STRATA_DIALECT_POSTGRESQL)
    {
      g_autofree char *quoted_schema = strata_dialect_quote_identifier (dialect, schema);
      return g_strdup_printf ("%s.%s", quoted_schema, quoted);
    }

  return g_steal_pointer (&quoted);
}

char *
_strata_stored_render (StrataScript  *script,
                       StrataModel   *state,
                       StrataDialect  dialect)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autoptr(GPtrArray) sql = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  GPtrArray *upgrade;
  gsize length;

  if (!strata_script_ensure_loaded (script, &error) ||
      !(data = strata_script_to_data (script, &length)) ||
      !json_parser_load_from_data (parser, data, length, &error))
    {
      g_debug ("Not storing a copy of %s: %s", strata_script_get_revision (script),
               error ? error->message : "cannot write it out");
      return NULL;
    }

  /* The downgrade: the file's, or the inverse of the upgrade (from the
   * schema before it when known; without it, what the operations alone
   * say, which may not be enough: then a rollback computes it from the
   * stored revisions). */
  upgrade = strata_script_get_upgrade (script);
  if (strata_script_get_downgrade (script) != NULL)
    ops = g_ptr_array_ref (strata_script_get_downgrade (script));
  else if (upgrade != NULL && state != NULL)
    ops = strata_model_invert_ops (state, upgrade, NULL);
  else if (upgrade != NULL)
    ops = strata_ops_invert (upgrade, NULL);

  if (ops != NULL)
    sql = strata_dialect_render_ops (dialect, ops, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "script");
  json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
  if (ops != NULL)
    {
      json_builder_set_member_name (builder, "operations");
      json_builder_add_value (builder, strata_ops_to_json (ops));
    }
  if (sql != NULL)
    {
      json_builder_set_member_name (builder, "dialect");
      json_builder_add_string_value (builder, strata_dialect_get_name (dialect));
      json_builder_set_member_name (builder, "sql");
      json_builder_begin_array (builder);
      for (guint i = 0; i < sql->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (sql, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* A stored copy as a script without a file: the revision as applied, with
 * the stored downgrade as its own. */
static StrataScript *
parse_stored (const char  *revision,
              const char  *text,
              const char  *where,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *script_text = NULL;
  g_autofree char *name = g_strdup_printf (_("%s (the copy of %s stored when it was applied)"), where, revision);
  JsonObject *root;
  JsonNode *node;

  if (!json_parser_load_from_data (parser, text, -1, &local_error) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !(root = json_node_get_object (json_parser_get_root (parser))) ||
      !(node = json_object_get_member (root, "script")))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, "%s: %s", name,
                   local_error ? local_error->message : "no \"script\"");
      return NULL;
    }

  json_generator_set_root (generator, node);
  script_text = json_generator_to_data (generator, NULL);
  if (!(script = strata_script_new_from_data (script_text, -1, name, error)))
    return NULL;

  if (strata_script_get_downgrade (script) == NULL && json_object_has_member (root, "operations"))
    {
      g_autoptr(GPtrArray) ops = NULL;

      /* Without it the inverse is computed from the stored revisions. */
      if ((ops = strata_ops_new_from_json (json_object_get_member (root, "operations"), "operations", NULL)))
        strata_script_set_downgrade (script, ops);
    }

  g_object_set_data (G_OBJECT (script), STORED_KEY, GINT_TO_POINTER (TRUE));

  return g_steal_pointer (&script);
}

gboolean
strata_stored_is_copy (StrataScript *script)
{
  g_return_val_if_fail (STRATA_IS_SCRIPT (script), FALSE);

  return g_object_get_data (G_OBJECT (script), STORED_KEY) != NULL;
}

static gboolean
history_has_copies (StrataMigrator  *migrator,
                    gboolean        *has,
                    GCancellable    *cancellable,
                    GError         **error)
{
  StrataDriver *driver = strata_migrator_get_driver (migrator);
  const char *schema = strata_migrator_get_schema (migrator);
  const char *table = strata_migrator_get_history_table (migrator);
  g_autofree char *name = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(StrataResult) result = NULL;
  gboolean exists;

  *has = FALSE;

  name = schema != NULL && *schema != '\0' && strata_driver_get_dialect (driver) == STRATA_DIALECT_POSTGRESQL
           ? g_strdup_printf ("%s.%s", schema, table) : g_strdup (table);
  if (!strata_driver_table_exists (driver, name, &exists, cancellable, error))
    return FALSE;
  if (!exists)
    return TRUE;

  if (strata_driver_get_dialect (driver) == STRATA_DIALECT_SQLITE)
    {
      g_autofree char *literal = strata_dialect_quote_literal (STRATA_DIALECT_SQLITE, table);
      sql = g_strdup_printf ("SELECT 1 FROM pragma_table_info(%s) WHERE name = 'downgrade'", literal);
    }
  else
    {
      g_autofree char *quoted = _strata_stored_quote_table (migrator, table);
      g_autofree char *literal = strata_dialect_quote_literal (STRATA_DIALECT_POSTGRESQL, quoted);
      sql = g_strdup_printf ("SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(%s) "
                             "AND attname = 'downgrade' AND NOT attisdropped", literal);
    }

  if (!(result = strata_driver_query (driver, sql, cancellable, error)))
    return FALSE;

  *has = strata_result_get_n_rows (result) > 0;
  return TRUE;
}

/**
 * strata_stored_read_scripts:
 * @migrator: a migrator on the database, with the project's graph
 *
 * Returns: (transfer full) (element-type StrataScript): the stored copies
 *   of applied revisions that have no file
 */
GPtrArray *
strata_stored_read_scripts (StrataMigrator  *migrator,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) applied = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(StrataResult) rows = NULL;
  g_autofree char *table = NULL;
  g_autofree char *sql = NULL;
  StrataGraph *graph;
  gboolean has;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  graph = strata_migrator_get_graph (migrator);

  if (!history_has_copies (migrator, &has, cancellable, error))
    return NULL;
  if (!has)
    return g_steal_pointer (&scripts);

  table = _strata_stored_quote_table (migrator, strata_migrator_get_history_table (migrator));
  sql = g_strdup_printf ("SELECT revision, direction, outcome, downgrade FROM %s ORDER BY id", table);
  if (!(rows = strata_driver_query (strata_migrator_get_driver (migrator), sql, cancellable, error)))
    return NULL;

  /* Which revisions are applied now, with their latest copy. */
  for (guint i = 0; i < strata_result_get_n_rows (rows); i++)
    {
      const char *revision = strata_result_get_value (rows, i, 0);
      const char *direction = strata_result_get_value (rows, i, 1);
      const char *outcome = strata_result_get_value (rows, i, 2);
      const char *copy = strata_result_get_value (rows, i, 3);

      if (revision == NULL || direction == NULL || g_strcmp0 (outcome, "success") != 0)
        continue;

      if ((g_str_equal (direction, "up") || g_str_equal (direction, "stamp")) && copy != NULL)
        {
          if (!g_hash_table_contains (applied, revision))
            g_ptr_array_add (order, g_strdup (revision));
          g_hash_table_replace (applied, g_strdup (revision), g_strdup (copy));
        }
      else if (g_str_equal (direction, "down") || g_str_equal (direction, "unstamp"))
        g_hash_table_remove (applied, revision);
    }

  for (guint i = 0; i < order->len; i++)
    {
      const char *revision = g_ptr_array_index (order, i);
      const char *copy = g_hash_table_lookup (applied, revision);
      StrataScript *script;

      if (copy == NULL || (graph != NULL && strata_graph_lookup (graph, revision) != NULL))
        continue;

      if (!(script = parse_stored (revision, copy, strata_migrator_get_history_table (migrator), error)))
        return NULL;
      g_ptr_array_add (scripts, script);
    }

  return g_steal_pointer (&scripts);
}

StrataMigrator *
_strata_stored_migrator_for_graph (StrataMigrator *migrator,
                                   StrataGraph    *graph)
{
  StrataMigrator *copy = strata_migrator_new (strata_migrator_get_driver (migrator), graph);

  strata_migrator_set_version_table (copy, strata_migrator_get_version_table (migrator));
  strata_migrator_set_history_table (copy, strata_migrator_get_history_table (migrator));
  strata_migrator_set_schema (copy, strata_migrator_get_schema (migrator));
  strata_migrator_set_lock_timeout (copy, strata_migrator_get_lock_timeout (migrator));
  strata_migrator_set_statement_timeout (copy, strata_migrator_get_statement_timeout (migrator));

  return copy;
}

/**
 * strata_stored_dup_migrator:
 * @migrator: a migrator with the project's graph
 *
 * Returns: (transfer full): @migrator, or one whose graph also has the
 *   stored copies of applied revisions without a file
 */
StrataMigrator *
strata_stored_dup_migrator (StrataMigrator  *migrator,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  StrataGraph *project_graph;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);

  if (!(stored = strata_stored_read_scripts (migrator, cancellable, error)))
    return NULL;
  if (stored->len == 0)
    return g_object_ref (migrator);

  project_graph = strata_migrator_get_graph (migrator);
  scripts = g_ptr_array_new_with_free_func (g_object_unref);
  if (project_graph != NULL)
    for (guint i = 0; i < strata_graph_get_scripts (project_graph)->len; i++)
      g_ptr_array_add (scripts, g_object_ref (g_ptr_array_index (strata_graph_get_scripts (project_graph), i)));
  for (guint i = 0; i < stored->len; i++)
    g_ptr_array_add (scripts, g_object_ref (g_ptr_array_index (stored, i)));

  if (!(graph = strata_graph_new (scripts, error)))
    {
      g_prefix_error (error, _("with the revisions stored in %s: "), strata_migrator_get_history_table (migrator));
      return NULL;
    }

  return _strata_stored_migrator_for_graph (migrator, graph);
}
