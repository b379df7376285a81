/* strata-cli-revision.c: init, revision, merge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <string.h>

#include "strata-cli.h"

gboolean
strata_cli_init (StrataCli  *cli,
                 int         argc,
                 char      **argv,
                 GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "init", NULL);
  g_autoptr(GFile) directory = NULL;
  g_autofree char *shown = NULL;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc > 2)
    return strata_cli_usage_error (error, "init", _("init takes at most one folder"));

  if (argc == 2)
    {
      if (cli->directory != NULL)
        {
          g_autoptr(GFile) base = g_file_new_for_commandline_arg (cli->directory);
          directory = g_file_resolve_relative_path (base, argv[1]);
        }
      else
        directory = g_file_new_for_commandline_arg (argv[1]);
    }
  else if (cli->directory != NULL)
    directory = g_file_new_for_commandline_arg (cli->directory);
  else
    {
      g_autofree char *here = g_get_current_dir ();
      directory = g_file_new_for_path (here);
    }

  if (!strata_project_create (directory, error))
    return FALSE;

  shown = strata_display_path (directory);
  strata_cli_info (cli, _("Created a Strata project in %s: strata.ini, migrations/, schema.json"),
                   *shown ? shown : ".");
  strata_cli_info (cli, _("Next: edit url= in strata.ini, then “strata revision -m \"create first table\"”"));

  return TRUE;
}

static gboolean
write_revision (StrataCli     *cli,
                StrataScript  *script,
                GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *shown = NULL;

  if (!(file = strata_session_write_revision (cli->session, script, error)))
    return FALSE;

  shown = strata_display_path (file);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_string_value (builder, strata_script_get_revision (script));
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, shown);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }
  else if (cli->quiet)
    g_print ("%s\n", shown);
  else
    g_print (_("Generated %s\n"), shown);

  return TRUE;
}

gboolean
strata_cli_revision (StrataCli  *cli,
                     int         argc,
                     char      **argv,
                     GError    **error)
{
  g_autofree char *message = NULL;
  g_autofree char *head = NULL;
  g_autofree char *rev_id = NULL;
  g_auto(GStrv) branch_labels = NULL;
  g_auto(GStrv) depends_on = NULL;
  g_auto(GStrv) renames = NULL;
  gboolean splice = FALSE;
  gboolean autogenerate = FALSE;
  GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message, N_("What the revision does"), "MESSAGE" },
    { "head", 0, 0, G_OPTION_ARG_STRING, &head, N_("Base the revision on HEAD (a head, “base” for a new base, or label@head)"), "HEAD" },
    { "splice", 0, 0, G_OPTION_ARG_NONE, &splice, N_("Allow --head to name a revision that is not a head (start a branch)"), NULL },
    { "branch-label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &branch_labels, N_("Give the new revision a branch label"), "LABEL" },
    { "depends-on", 0, 0, G_OPTION_ARG_STRING_ARRAY, &depends_on, N_("Make the revision depend on REV (a revision or label)"), "REV" },
    { "rev-id", 0, 0, G_OPTION_ARG_STRING, &rev_id, N_("Use ID instead of a generated revision id"), "ID" },
    { "autogenerate", 0, 0, G_OPTION_ARG_NONE, &autogenerate, N_("Fill the revision from schema.json against the head state"), NULL },
    { "rename", 0, 0, G_OPTION_ARG_STRING_ARRAY, &renames, N_("With --autogenerate: OLD=NEW (a table) or TABLE.OLD=NEW (a column) is a rename, not a drop and an add"), "OLD=NEW" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "revision", entries);
  g_autoptr(StrataScript) script = NULL;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc > 1)
    return strata_cli_usage_error (error, "revision", _("unexpected argument “%s”"), argv[1]);

  if (message == NULL || *message == '\0')
    return strata_cli_usage_error (error, "revision", _("a revision needs a message: -m MESSAGE"));

  if (renames != NULL && !autogenerate)
    return strata_cli_usage_error (error, "revision", _("--rename goes with --autogenerate"));

  if (!strata_cli_get_graph (cli, error) ||
      !(script = strata_session_new_revision (cli->session, message, head, splice,
                                              (const char * const *)branch_labels,
                                              (const char * const *)depends_on, rev_id, error)))
    return FALSE;

  if (autogenerate && !strata_cli_autogenerate (cli, script, (const char * const *)renames, error))
    return FALSE;

  return write_revision (cli, script, error);
}

gboolean
strata_cli_merge (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  g_autofree char *message = NULL;
  g_autofree char *rev_id = NULL;
  g_auto(GStrv) branch_labels = NULL;
  GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message, N_("What the merge does"), "MESSAGE" },
    { "branch-label", 0, 0, G_OPTION_ARG_STRING_ARRAY, &branch_labels, N_("Give the merge revision a branch label"), "LABEL" },
    { "rev-id", 0, 0, G_OPTION_ARG_STRING, &rev_id, N_("Use ID instead of a generated revision id"), "ID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "merge", entries);
  g_autoptr(StrataScript) script = NULL;
  g_auto(GStrv) revisions = NULL;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (message == NULL || *message == '\0')
    return strata_cli_usage_error (error, "merge", _("a merge needs a message: -m MESSAGE"));

  if (argc < 2)
    return strata_cli_usage_error (error, "merge", _("name the revisions to merge, or “heads”"));

  revisions = g_new0 (char *, argc);
  for (int i = 1; i < argc; i++)
    revisions[i - 1] = g_strdup (argv[i]);

  if (!strata_cli_get_graph (cli, error) ||
      !(script = strata_session_new_merge (cli->session, message, (const char * const *)revisions,
                                           (const char * const *)branch_labels, rev_id, error)))
    return FALSE;

  return write_revision (cli, script, error);
}
