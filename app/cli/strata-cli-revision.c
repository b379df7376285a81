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
resolve_ids (StrataGraph         *graph,
             const char * const  *ids,
             gboolean             keep_labels,
             GPtrArray           *out,
             GError             **error)
{
  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    {
      StrataScript *script;

      if (!(script = strata_graph_resolve (graph, ids[i], error)))
        return FALSE;

      /* depends_on keeps a branch label as written, as Alembic does. */
      if (keep_labels && g_strv_contains (strata_script_get_branch_labels (script), ids[i]))
        g_ptr_array_add (out, g_strdup (ids[i]));
      else
        g_ptr_array_add (out, g_strdup (strata_script_get_revision (script)));
    }

  return TRUE;
}

static gboolean
write_revision (StrataCli     *cli,
                StrataScript  *script,
                GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *shown = NULL;
  StrataProject *project = cli->project;

  if (!strata_script_write (script, strata_project_get_migrations_dir (project), &file, error))
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

static GPtrArray *
empty_ops (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
}

static char *
unique_revision_id (StrataGraph  *graph,
                    const char   *requested,
                    GError      **error)
{
  if (requested != NULL)
    {
      if (!strata_revision_id_is_valid (requested))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("--rev-id “%s” is not a valid revision id (1–32 of A–Z, a–z, 0–9, _)"),
                       requested);
          return NULL;
        }
      if (strata_graph_lookup (graph, requested) != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("revision “%s” already exists"), requested);
          return NULL;
        }
      return g_strdup (requested);
    }

  for (;;)
    {
      g_autofree char *id = strata_revision_generate_id ();

      if (strata_graph_lookup (graph, id) == NULL)
        return g_steal_pointer (&id);
    }
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
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) deps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) upgrade = NULL;
  g_autoptr(GPtrArray) downgrade = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *id = NULL;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc > 1)
    return strata_cli_usage_error (error, "revision", _("unexpected argument “%s”"), argv[1]);

  if (message == NULL || *message == '\0')
    return strata_cli_usage_error (error, "revision", _("a revision needs a message: -m MESSAGE"));

  if (renames != NULL && !autogenerate)
    return strata_cli_usage_error (error, "revision", _("--rename goes with --autogenerate"));

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  if (!(id = unique_revision_id (graph, rev_id, error)))
    return FALSE;

  if (head == NULL || g_str_equal (head, "head"))
    {
      g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);

      if (heads->len > 1)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                               _("multiple heads are present; give the head to build on with "
                                 "--head REV or label@head, or merge them with “strata merge -m MSG heads”"));
          return FALSE;
        }
      if (heads->len == 1)
        g_ptr_array_add (parents, g_strdup (strata_script_get_revision (g_ptr_array_index (heads, 0))));
    }
  else if (!g_str_equal (head, "base"))
    {
      g_auto(GStrv) none = g_new0 (char *, 1);
      g_auto(GStrv) resolved = NULL;

      if (!(resolved = strata_graph_resolve_target (graph, (const char * const *)none, head,
                                                    STRATA_DIRECTION_UP, error)))
        return FALSE;

      if (g_strv_length (resolved) != 1)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                       _("--head “%s” names %u revisions; give exactly one"), head, g_strv_length (resolved));
          return FALSE;
        }

      if (!splice)
        {
          StrataScript *target = strata_graph_lookup (graph, resolved[0]);
          g_autoptr(GPtrArray) children = strata_graph_get_children (graph, target);

          if (children->len > 0)
            {
              g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("revision %s is not a head; use --splice to start a new branch from it"),
                           resolved[0]);
              return FALSE;
            }
        }

      g_ptr_array_add (parents, g_strdup (resolved[0]));
    }

  if (!resolve_ids (graph, (const char * const *)depends_on, TRUE, deps, error))
    return FALSE;

  for (guint i = 0; branch_labels != NULL && branch_labels[i] != NULL; i++)
    {
      if (!strata_revision_id_is_valid (branch_labels[i]))
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("branch label “%s” is not valid (1–32 of A–Z, a–z, 0–9, _)"), branch_labels[i]);
          return FALSE;
        }
      if (strata_graph_lookup (graph, branch_labels[i]) != NULL)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("branch label “%s” is already a revision id"), branch_labels[i]);
          return FALSE;
        }
    }

  g_ptr_array_add (parents, NULL);
  g_ptr_array_add (deps, NULL);

  script = strata_script_new (id, (const char * const *)parents->pdata, message);
  strata_script_set_branch_labels (script, (const char * const *)branch_labels);
  strata_script_set_depends_on (script, (const char * const *)deps->pdata);
  now = g_date_time_new_now_utc ();
  strata_script_set_created (script, now);
  if (autogenerate)
    {
      if (!strata_cli_autogenerate (cli, (const char * const *)parents->pdata,
                                    (const char * const *)deps->pdata, (const char * const *)renames,
                                    &upgrade, &downgrade, error))
        return FALSE;
    }
  else
    upgrade = empty_ops ();
  strata_script_set_upgrade (script, upgrade);
  /* No "downgrade" key unless autogenerate wrote the inverse out: an empty
   * one would turn the computed inverse of what the author writes into
   * upgrade off, and a downgrade would then do nothing. */
  if (downgrade != NULL && downgrade->len > 0)
    strata_script_set_downgrade (script, downgrade);

  /* The new file must also fit in the graph (labels unique, …). */
  {
    GPtrArray *existing = strata_graph_get_scripts (graph);
    g_autoptr(GPtrArray) all = g_ptr_array_new_full (existing->len + 1, g_object_unref);
    g_autoptr(StrataGraph) check = NULL;

    for (guint i = 0; i < existing->len; i++)
      g_ptr_array_add (all, g_object_ref (g_ptr_array_index (existing, i)));
    g_ptr_array_add (all, g_object_ref (script));
    if (!(check = strata_graph_new (all, error)))
      return FALSE;
  }

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
  g_autoptr(GPtrArray) parents = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) upgrade = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *id = NULL;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (message == NULL || *message == '\0')
    return strata_cli_usage_error (error, "merge", _("a merge needs a message: -m MESSAGE"));

  if (argc < 2)
    return strata_cli_usage_error (error, "merge", _("name the revisions to merge, or “heads”"));

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  for (int i = 1; i < argc; i++)
    {
      g_auto(GStrv) none = g_new0 (char *, 1);
      g_auto(GStrv) resolved = NULL;

      if (!(resolved = strata_graph_resolve_target (graph, (const char * const *)none, argv[i],
                                                    STRATA_DIRECTION_UP, error)))
        return FALSE;

      for (guint j = 0; resolved[j] != NULL; j++)
        if (!g_ptr_array_find_with_equal_func (parents, resolved[j], g_str_equal, NULL))
          g_ptr_array_add (parents, g_strdup (resolved[j]));
    }

  if (parents->len < 2)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("nothing to merge: %s names a single revision"),
                   argc == 2 ? argv[1] : _("the arguments"));
      return FALSE;
    }

  if (!(id = unique_revision_id (graph, rev_id, error)))
    return FALSE;

  g_ptr_array_add (parents, NULL);
  script = strata_script_new (id, (const char * const *)parents->pdata, message);
  strata_script_set_branch_labels (script, (const char * const *)branch_labels);
  now = g_date_time_new_now_utc ();
  strata_script_set_created (script, now);
  upgrade = empty_ops ();
  strata_script_set_upgrade (script, upgrade);

  return write_revision (cli, script, error);
}
