/* strata-cli-model.c: check, drift, lint and revision --autogenerate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <string.h>

#include "strata-cli.h"
#include <glib/gi18n.h>

static char *
heads_label (const char * const *heads)
{
  g_autofree char *joined = NULL;

  if (heads == NULL || heads[0] == NULL)
    return g_strdup (_("the empty database (base)"));

  joined = g_strjoinv (", ", (char **)heads);
  return g_strdup_printf (ngettext ("revision %s", "revisions %s", g_strv_length ((char **)heads)), joined);
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
      strata_cli_info (cli, _("No differences: %s"), what);
      return TRUE;
    }

  if (hint != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                 ngettext ("%u difference: %s; %s", "%u differences: %s; %s", differences->len),
                 differences->len, what, hint);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                 ngettext ("%u difference: %s", "%u differences: %s", differences->len),
                 differences->len, what);
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
  g_autoptr(StrataDiff) diff = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  g_autofree char *what = NULL;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return strata_cli_usage_error (error, "check", _("unexpected argument “%s”"), argv[1]);

  if (!strata_cli_get_graph (cli, error) ||
      !(diff = strata_session_check_model (cli->session, cli->cancellable, error)))
    return FALSE;

  path = strata_display_path (strata_project_get_model_file (cli->project));
  heads = graph_heads (cli->graph);
  label = heads_label ((const char * const *)heads);
  what = g_strdup_printf (_("%s and the migrations' head (%s)"), path, label);
  return report_differences (cli, diff, what,
                             _("“strata revision --autogenerate -m MESSAGE” writes a revision for them"), error);
}

gboolean
strata_cli_drift (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "drift", NULL);
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *label = NULL;
  g_autofree char *what = NULL;
  StrataSession *session;
  StrataDriver *driver;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;
  if (argc > 1)
    return strata_cli_usage_error (error, "drift", _("unexpected argument “%s”"), argv[1]);

  if (!strata_cli_get_graph (cli, error))
    return FALSE;

  if (!(session = strata_cli_open_session (cli, FALSE, &local_error)))
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                             _("the database does not exist yet"));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  driver = strata_session_get_driver (session);
  if (!(heads = strata_session_read_heads (session, cli->cancellable, error)) ||
      !(diff = strata_session_check_drift (session, cli->cancellable, error)))
    return FALSE;

  label = heads_label ((const char * const *)heads);
  what = g_strdup_printf (_("%s against the schema of %s"), strata_driver_get_display_url (driver), label);
  return report_differences (cli, diff, what, _("someone changed the schema outside the migrations"), error);
}

gboolean
strata_cli_lint (StrataCli  *cli,
                 int         argc,
                 char      **argv,
                 GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "lint", NULL);
  g_autoptr(GPtrArray) all = NULL;
  gboolean dangerous = FALSE;
  StrataSession *session;
  g_auto(GStrv) revisions = NULL;
  guint n_revisions = 0;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  revisions = g_new0 (char *, MAX (argc, 1));
  for (int i = 1; i < argc; i++)
    revisions[i - 1] = g_strdup (argv[i]);

  if (!(session = strata_cli_get_session (cli, error)) ||
      !(all = strata_session_lint (session, (const char * const *)revisions, &n_revisions, error)))
    return FALSE;

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

  {
    g_autofree char *findings = g_strdup_printf (ngettext ("%u finding", "%u findings", all->len), all->len);
    g_autofree char *in = g_strdup_printf (ngettext ("%u revision", "%u revisions", n_revisions),
                                           n_revisions);

    /* Translators: "3 findings in 2 revisions" */
    strata_cli_info (cli, _("%s in %s"), findings, in);
  }

  if (dangerous)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                           _("lint found destructive or irreversible operations"));
      return FALSE;
    }

  return TRUE;
}

/**
 * strata_cli_autogenerate:
 * @cli: the command line
 * @script: the new revision
 * @renames: (nullable): "old=new" and "table.old=new"
 *
 * Fills @script from schema.json against the state at its parents; prints
 * likely renames and what no operation expresses as warnings.
 */
gboolean
strata_cli_autogenerate (StrataCli           *cli,
                         StrataScript        *script,
                         const char * const  *renames,
                         GError             **error)
{
  g_autoptr(StrataDiff) diff = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  GPtrArray *ops;

  if (!(diff = strata_session_autogenerate_revision (cli->session, script, renames,
                                                     &warnings, cli->cancellable, error)))
    return FALSE;

  for (guint i = 0; i < strata_diff_get_rename_hints (diff)->len; i++)
    g_printerr (_("strata: note: %s\n"), (const char *)g_ptr_array_index (strata_diff_get_rename_hints (diff), i));
  for (guint i = 0; i < strata_diff_get_warnings (diff)->len; i++)
    g_printerr (_("strata: warning: %s\n"), (const char *)g_ptr_array_index (strata_diff_get_warnings (diff), i));
  for (guint i = 0; i < warnings->len; i++)
    g_printerr (_("strata: warning: %s\n"), (const char *)g_ptr_array_index (warnings, i));

  ops = strata_diff_get_ops (diff);

  path = strata_display_path (strata_project_get_model_file (cli->project));
  label = heads_label (strata_script_get_down_revisions (script));
  if (ops->len == 0)
    strata_cli_info (cli, _("No changes: %s matches %s"), path, label);
  else
    for (guint i = 0; i < ops->len && !cli->quiet; i++)
      {
        g_autofree char *line = strata_op_describe (g_ptr_array_index (ops, i));
        g_printerr ("  %s\n", line);
      }

  return TRUE;
}
