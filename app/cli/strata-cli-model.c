/* strata-cli-model.c: check, drift, lint and revision --autogenerate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <string.h>

#include "strata-cli.h"

/* schema.json, or an error naming it. */
static StrataModel *
load_schema (StrataCli  *cli,
             char      **out_path,
             GError    **error)
{
  StrataProject *project;
  GFile *file;
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  gsize length;
  g_autoptr(GError) local_error = NULL;

  if (!(project = strata_cli_get_project (cli, error)))
    return NULL;

  file = strata_project_get_model_file (project);
  path = strata_display_path (file);

  if (!g_file_load_contents (file, cli->cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT,
                   "%s: cannot read the schema model: %s", path, local_error->message);
      return NULL;
    }

  if (out_path != NULL)
    *out_path = g_strdup (path);

  return strata_model_new_from_data (contents, length, path, error);
}

static char *
heads_label (const char * const *heads)
{
  g_autofree char *joined = NULL;

  if (heads == NULL || heads[0] == NULL)
    return g_strdup ("the empty database (base)");

  joined = g_strjoinv (", ", (char **)heads);
  return g_strdup_printf ("%s %s", heads[1] ? "revisions" : "revision", joined);
}

static JsonNode *
strings_to_json (GPtrArray *strings)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; i < strings->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (strings, i));

  return json_node_init_array (json_node_alloc (), array);
}

/* Prints a diff's differences (or the JSON form) and turns them into the
 * error that gives exit status 3. */
static gboolean
report_differences (StrataCli   *cli,
                    StrataDiff  *diff,
                    const char  *what,
                    const char  *hint,
                    GError     **error)
{
  GPtrArray *differences = strata_diff_get_differences (diff);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "differences");
      json_builder_add_value (builder, strings_to_json (differences));
      json_builder_set_member_name (builder, "rename_hints");
      json_builder_add_value (builder, strings_to_json (strata_diff_get_rename_hints (diff)));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }
  else
    for (guint i = 0; i < differences->len; i++)
      g_print ("%s\n", (const char *)g_ptr_array_index (differences, i));

  if (differences->len == 0)
    {
      strata_cli_info (cli, "No differences: %s", what);
      return TRUE;
    }

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
               "%u %s: %s%s%s", differences->len, differences->len == 1 ? "difference" : "differences",
               what, hint ? "; " : "", hint ? hint : "");
  return FALSE;
}

static char **
graph_heads (StrataGraph *graph)
{
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < heads->len; i++)
    g_strv_builder_add (builder, strata_script_get_revision (g_ptr_array_index (heads, i)));

  return g_strv_builder_end (builder);
}

gboolean
strata_cli_check (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "check", NULL);
  g_autoptr(StrataModel) schema = NULL;
  g_autoptr(StrataModel) head = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  g_autofree char *what = NULL;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return strata_cli_usage_error (error, "check", "unexpected argument “%s”", argv[1]);

  if (!(graph = strata_cli_get_graph (cli, error)) ||
      !(schema = load_schema (cli, &path, error)))
    return FALSE;

  heads = graph_heads (graph);
  if (!(head = strata_model_new_for_heads (graph, (const char * const *)heads, error)))
    return FALSE;

  label = heads_label ((const char * const *)heads);
  diff = strata_diff_new (head, schema);
  strata_diff_set_labels (diff, label, path);
  if (!strata_diff_compute (diff, error))
    return FALSE;

  what = g_strdup_printf ("%s and the migrations' head (%s)", path, label);
  return report_differences (cli, diff, what,
                             "“strata revision --autogenerate -m MESSAGE” writes a revision for them", error);
}

gboolean
strata_cli_drift (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "drift", NULL);
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataModel) expected = NULL;
  g_autoptr(StrataModel) actual = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *label = NULL;
  g_autofree char *what = NULL;
  StrataDriver *driver;
  StrataGraph *graph;
  const char *exclude[3];

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return strata_cli_usage_error (error, "drift", "unexpected argument “%s”", argv[1]);

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  if (!(migrator = strata_cli_open_migrator (cli, FALSE, &local_error)))
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                             "the database does not exist yet");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  driver = strata_migrator_get_driver (migrator);
  if (!(heads = strata_migrator_get_current_heads (migrator, cli->cancellable, error)) ||
      !(expected = strata_model_new_for_heads_for_dialect (graph, (const char * const *)heads,
                                                           strata_driver_get_dialect (driver), error)))
    return FALSE;

  exclude[0] = strata_migrator_get_version_table (migrator);
  exclude[1] = strata_migrator_get_history_table (migrator);
  exclude[2] = NULL;
  if (!(actual = strata_driver_introspect (driver, exclude, cli->cancellable, error)))
    return FALSE;

  label = heads_label ((const char * const *)heads);
  diff = strata_diff_new (expected, actual);
  strata_diff_set_labels (diff, label, "the database");
  strata_diff_set_dialect (diff, strata_driver_get_dialect (driver));
  if (!strata_diff_compute (diff, error))
    return FALSE;

  /* Introspection leaves INVALID indexes out (no query uses them); they
   * are differences of their own, with what to do about them. */
  if (STRATA_IS_DRIVER_PG (driver))
    {
      g_auto(GStrv) invalid = NULL;
      GPtrArray *differences = strata_diff_get_differences (diff);

      if (!(invalid = strata_driver_pg_dup_invalid_indexes (STRATA_DRIVER_PG (driver), cli->cancellable, error)))
        return FALSE;
      for (guint i = 0; invalid[i] != NULL; i++)
        {
          g_autofree char *name = g_strndup (invalid[i], strstr (invalid[i], " on ") - invalid[i]);

          g_ptr_array_add (differences,
                           g_strdup_printf ("index %s is INVALID (an interrupted CREATE INDEX CONCURRENTLY): "
                                            "`strata upgrade` drops it and builds it again if its revision "
                                            "is pending, else run DROP INDEX CONCURRENTLY %s",
                                            invalid[i], name));
        }
    }

  what = g_strdup_printf ("%s against the schema of %s", strata_driver_get_display_url (driver), label);
  return report_differences (cli, diff, what, "someone changed the schema outside the migrations", error);
}

gboolean
strata_cli_lint (StrataCli  *cli,
                 int         argc,
                 char      **argv,
                 GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "lint", NULL);
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);
  gboolean dangerous = FALSE;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  if (argc > 1)
    for (int i = 1; i < argc; i++)
      {
        StrataScript *script = strata_graph_resolve (graph, argv[i], error);

        if (script == NULL)
          return FALSE;
        g_ptr_array_add (scripts, g_object_ref (script));
      }
  else
    {
      GPtrArray *every = strata_graph_get_scripts (graph);

      for (guint i = 0; i < every->len; i++)
        g_ptr_array_add (scripts, g_object_ref (g_ptr_array_index (every, i)));
    }

  for (guint i = 0; i < scripts->len; i++)
    {
      g_autoptr(GPtrArray) findings = strata_lint_script (graph, g_ptr_array_index (scripts, i), error);

      if (findings == NULL)
        return FALSE;
      for (guint j = 0; j < findings->len; j++)
        g_ptr_array_add (all, g_steal_pointer (&findings->pdata[j]));
      g_ptr_array_set_size (findings, 0);
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < all->len; i++)
        {
          StrataLintFinding *finding = g_ptr_array_index (all, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "revision");
          json_builder_add_string_value (builder, finding->revision);
          json_builder_set_member_name (builder, "where");
          json_builder_add_string_value (builder, finding->where);
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, strata_lint_kind_to_string (finding->kind));
          json_builder_set_member_name (builder, "operation");
          json_builder_add_string_value (builder, finding->operation);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, finding->message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }

  for (guint i = 0; i < all->len; i++)
    {
      StrataLintFinding *finding = g_ptr_array_index (all, i);

      if (!cli->json)
        {
          g_autofree char *line = strata_lint_finding_format (finding);
          g_print ("%s\n", line);
        }
      if (finding->kind == STRATA_LINT_DESTRUCTIVE || finding->kind == STRATA_LINT_IRREVERSIBLE)
        dangerous = TRUE;
    }

  strata_cli_info (cli, "%u %s in %u %s", all->len, all->len == 1 ? "finding" : "findings",
                   scripts->len, scripts->len == 1 ? "revision" : "revisions");

  if (dangerous)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                           "lint found destructive or irreversible operations");
      return FALSE;
    }

  return TRUE;
}

/**
 * strata_cli_autogenerate:
 * @cli: the command line
 * @graph: the revisions
 * @parents: the new revision's down revisions
 * @depends_on: its depends_on (revision ids)
 * @renames: (nullable): "old=new" and "table.old=new"
 * @upgrade: (out): the operations from the state at @parents to schema.json
 * @downgrade: (out): their inverse
 *
 * Prints likely renames and what no operation expresses as warnings.
 */
gboolean
strata_cli_autogenerate (StrataCli           *cli,
                         StrataGraph         *graph,
                         const char * const  *parents,
                         const char * const  *depends_on,
                         const char * const  *renames,
                         GPtrArray          **upgrade,
                         GPtrArray          **downgrade,
                         GError             **error)
{
  g_autoptr(StrataModel) schema = NULL;
  g_autoptr(StrataModel) head = NULL;
  g_autoptr(StrataModel) after = NULL;
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(StrataDiff) verify = NULL;
  g_autoptr(GPtrArray) base = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  GPtrArray *ops;

  for (guint i = 0; parents[i] != NULL; i++)
    g_ptr_array_add (base, (gpointer)parents[i]);
  for (guint i = 0; depends_on != NULL && depends_on[i] != NULL; i++)
    g_ptr_array_add (base, (gpointer)depends_on[i]);
  g_ptr_array_add (base, NULL);

  if (!(schema = load_schema (cli, &path, error)) ||
      !(head = strata_model_new_for_heads (graph, (const char * const *)base->pdata, error)))
    return FALSE;

  label = heads_label (parents);
  diff = strata_diff_new (head, schema);
  strata_diff_set_labels (diff, label, path);
  for (guint i = 0; renames != NULL && renames[i] != NULL; i++)
    if (!strata_diff_add_rename (diff, renames[i], error))
      return FALSE;
  if (!strata_diff_compute (diff, error))
    return FALSE;

  for (guint i = 0; i < strata_diff_get_rename_hints (diff)->len; i++)
    g_printerr ("strata: note: %s\n", (const char *)g_ptr_array_index (strata_diff_get_rename_hints (diff), i));
  for (guint i = 0; i < strata_diff_get_warnings (diff)->len; i++)
    g_printerr ("strata: warning: %s\n", (const char *)g_ptr_array_index (strata_diff_get_warnings (diff), i));

  ops = strata_diff_get_ops (diff);

  /* What differs between the engines, as lint says it. */
  {
    g_autoptr(GPtrArray) findings = strata_lint_ops (ops, head, TRUE);

    for (guint i = 0; i < findings->len; i++)
      {
        StrataLintFinding *finding = g_ptr_array_index (findings, i);

        if (finding->kind == STRATA_LINT_DIALECT_DEPENDENT)
          g_printerr ("strata: warning: %s: %s\n", finding->operation, finding->message);
      }
  }

  /* The operations must take the head state to schema.json exactly. */
  after = strata_model_copy (head);
  if (!strata_model_apply_ops (after, ops, "upgrade", error))
    {
      g_prefix_error (error, "autogenerate produced operations that do not apply (a bug): ");
      return FALSE;
    }
  /* Equal models need no second diff (the common case, and a full diff of
   * a large model costs as much as the first); a diff explains the rest. */
  if (!strata_model_equal (after, schema))
    {
      verify = strata_diff_new (after, schema);
      if (!strata_diff_compute (verify, error))
        return FALSE;
    }
  if (verify != NULL && !strata_diff_is_empty (verify) && strata_diff_get_warnings (diff)->len == 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNSUPPORTED,
                   "autogenerate cannot express: %s",
                   (const char *)g_ptr_array_index (strata_diff_get_differences (verify), 0));
      return FALSE;
    }

  if (!(*downgrade = strata_model_invert_ops (head, ops, &local_error)))
    {
      if (!g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_IRREVERSIBLE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* No "downgrade" key: downgrading past it then says why it cannot. */
      g_printerr ("strata: warning: %s\n", local_error->message);
      *downgrade = g_ptr_array_new ();
    }
  *upgrade = g_ptr_array_ref (ops);

  if (ops->len == 0)
    strata_cli_info (cli, "No changes: %s matches %s", path, label);
  else
    for (guint i = 0; i < ops->len && !cli->quiet; i++)
      {
        g_autofree char *line = strata_op_describe (g_ptr_array_index (ops, i));
        g_printerr ("  %s\n", line);
      }

  return TRUE;
}
