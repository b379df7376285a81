/* strata-cli-inspect.c: current, heads, branches, history, show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "strata-cli.h"

typedef struct
{
  StrataGraph *graph;
  GHashTable  *heads;      /* graph heads */
  char       **current;    /* version rows, or NULL when not asked */
} Marks;

static void
marks_init (Marks       *marks,
            StrataGraph *graph,
            char       **current)
{
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);

  marks->graph = graph;
  marks->current = current;
  marks->heads = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < heads->len; i++)
    g_hash_table_add (marks->heads, (gpointer)strata_script_get_revision (g_ptr_array_index (heads, i)));
}

static void
marks_clear (Marks *marks)
{
  g_clear_pointer (&marks->heads, g_hash_table_unref);
}

static gboolean
is_current (Marks        *marks,
            StrataScript *script)
{
  return marks->current != NULL &&
         g_strv_contains ((const char * const *)marks->current, strata_script_get_revision (script));
}

/* " (label) (head) (branchpoint) (mergepoint) (current)" */
static void
append_marks (GString      *str,
              Marks        *marks,
              StrataScript *script)
{
  g_auto(GStrv) labels = strata_graph_dup_labels_for (marks->graph, script);

  if (labels[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **)labels);
      g_string_append_printf (str, " (%s)", joined);
    }

  if (g_hash_table_contains (marks->heads, strata_script_get_revision (script)))
    g_string_append (str, " (head)");
  if (strata_graph_is_branch_point (marks->graph, script))
    g_string_append (str, " (branchpoint)");
  if (strata_script_is_merge (script))
    g_string_append (str, " (mergepoint)");
  if (is_current (marks, script))
    g_string_append (str, " (current)");
  if (strata_stored_is_copy (script))
    g_string_append (str, _(" (applied, file absent)"));
  /* Why is said on stderr, once (strata_cli_get_graph) */
  if (strata_script_get_error (script) != NULL)
    g_string_append (str, " (broken)");
}

/* "PARENT -> REV (marks), message" as Alembic prints it, with depends_on
 * as written: "PARENT (DEP, DEP) -> REV". */
static char *
format_line (Marks        *marks,
             StrataScript *script)
{
  GString *str = g_string_new (NULL);
  g_autofree char *parents = strata_cli_format_parents (script);
  const char * const *depends_on = strata_script_get_depends_on (script);
  const char *message = strata_script_get_message (script);

  g_string_append (str, parents);
  if (depends_on != NULL && depends_on[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **)depends_on);
      g_string_append_printf (str, " (%s)", joined);
    }
  g_string_append_printf (str, " -> %s", strata_script_get_revision (script));
  append_marks (str, marks, script);
  g_string_append_printf (str, ", %s", message ? message : "");

  return g_string_free (str, FALSE);
}

static void
append_list (GString            *str,
             const char         *title,
             const char * const *items)
{
  if (items == NULL || items[0] == NULL)
    return;

  {
    g_autofree char *joined = g_strjoinv (", ", (char **)items);
    g_string_append_printf (str, "%s: %s\n", title, joined);
  }
}

static char *
format_verbose (Marks        *marks,
                StrataScript *script)
{
  GString *str = g_string_new (NULL);
  g_autoptr(GPtrArray) children = strata_graph_get_children (marks->graph, script);
  g_autoptr(GPtrArray) child_ids = g_ptr_array_new ();
  g_autofree char *parents = strata_cli_format_parents (script);
  g_auto(GStrv) labels = strata_graph_dup_labels_for (marks->graph, script);
  GDateTime *created = strata_script_get_created (script);
  GFile *file = strata_script_get_file (script);
  const char *message = strata_script_get_message (script);

  /* The lines of Alembic's `history --verbose` and `show` (Rev:, Parent:,
   * Path:, the (head) marks), which scripts read, stay as Alembic has them;
   * what is Strata's own is translated. */
  g_string_append_printf (str, "Rev: %s", strata_script_get_revision (script));
  append_marks (str, marks, script);
  g_string_append_c (str, '\n');

  if (strata_script_is_merge (script))
    g_string_append_printf (str, "Merges: %s\n", parents);
  else
    g_string_append_printf (str, "Parent: %s\n", parents);

  for (guint i = 0; i < children->len; i++)
    g_ptr_array_add (child_ids, (gpointer)strata_script_get_revision (g_ptr_array_index (children, i)));
  g_ptr_array_add (child_ids, NULL);
  if (children->len > 1)
    append_list (str, "Branches into", (const char * const *)child_ids->pdata);

  append_list (str, "Branch names", (const char * const *)labels);
  append_list (str, "Also depends on", strata_script_get_depends_on (script));

  if (file != NULL)
    {
      g_autofree char *shown = strata_display_path (file);
      g_string_append_printf (str, "Path: %s\n", shown);
    }

  g_string_append_printf (str, "\n    %s\n", message ? message : "");

  if (created != NULL)
    {
      g_autofree char *when = g_date_time_format_iso8601 (created);
      g_string_append_printf (str, "\n    Create Date: %s\n", when);
    }

  return g_string_free (str, FALSE);
}

static void
add_strv_member (JsonBuilder        *builder,
                 const char         *name,
                 const char * const *items)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    json_builder_add_string_value (builder, items[i]);
  json_builder_end_array (builder);
}

static void
add_script_json (JsonBuilder  *builder,
                 Marks        *marks,
                 StrataScript *script)
{
  GDateTime *created = strata_script_get_created (script);
  GFile *file = strata_script_get_file (script);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_string_value (builder, strata_script_get_revision (script));
  add_strv_member (builder, "down_revisions", strata_script_get_down_revisions (script));
  add_strv_member (builder, "branch_labels", strata_script_get_branch_labels (script));
  add_strv_member (builder, "depends_on", strata_script_get_depends_on (script));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, strata_script_get_message (script));
  if (created != NULL)
    {
      g_autofree char *when = g_date_time_format_iso8601 (created);
      json_builder_set_member_name (builder, "created");
      json_builder_add_string_value (builder, when);
    }
  if (file != NULL)
    {
      g_autofree char *shown = strata_display_path (file);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, shown);
    }
  json_builder_set_member_name (builder, "file_present");
  json_builder_add_boolean_value (builder, !strata_stored_is_copy (script));
  if (strata_script_get_error (script) != NULL)
    {
      /* Why its file cannot be loaded (issue 14): only on a broken one */
      json_builder_set_member_name (builder, "broken");
      json_builder_add_string_value (builder, strata_script_get_error (script)->message);
    }
  json_builder_set_member_name (builder, "is_head");
  json_builder_add_boolean_value (builder, g_hash_table_contains (marks->heads, strata_script_get_revision (script)));
  json_builder_set_member_name (builder, "is_branch_point");
  json_builder_add_boolean_value (builder, strata_graph_is_branch_point (marks->graph, script));
  json_builder_set_member_name (builder, "is_merge_point");
  json_builder_add_boolean_value (builder, strata_script_is_merge (script));
  if (marks->current != NULL)
    {
      json_builder_set_member_name (builder, "is_current");
      json_builder_add_boolean_value (builder, is_current (marks, script));
    }
  json_builder_end_object (builder);
}

static void
print_scripts (StrataCli *cli,
               Marks     *marks,
               GPtrArray *scripts)
{
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < scripts->len; i++)
        add_script_json (builder, marks, g_ptr_array_index (scripts, i));
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
      return;
    }

  {
    GString *out = g_string_new (NULL);

    for (guint i = 0; i < scripts->len; i++)
      {
        g_autofree char *text = NULL;

        if (cli->verbose)
          {
            text = format_verbose (marks, g_ptr_array_index (scripts, i));
            if (i > 0)
              g_string_append_c (out, '\n');
            g_string_append (out, text);
          }
        else
          {
            text = format_line (marks, g_ptr_array_index (scripts, i));
            g_string_append (out, text);
            g_string_append_c (out, '\n');
          }
      }

    fwrite (out->str, 1, out->len, stdout);
    g_string_free (out, TRUE);
  }
}

static gboolean
no_arguments (int          argc,
              char       **argv,
              const char  *command,
              GError     **error)
{
  if (argc > 1)
    return strata_cli_usage_error (error, command, _("unexpected argument “%s”"), argv[1]);
  return TRUE;
}

/* "REV (head)" per version row; rows not in migrations/ are reported. */
gboolean
strata_cli_current (StrataCli  *cli,
                    int         argc,
                    char      **argv,
                    GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "current", NULL);
  g_auto(GStrv) current = NULL;
  g_autoptr(GPtrArray) scripts = g_ptr_array_new ();
  Marks marks;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "current", error))
    return FALSE;

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  if (!(current = strata_cli_current_heads (cli, error)))
    return FALSE;
  /* With the stored copies of applied revisions whose files are gone. */
  graph = cli->graph;

  for (guint i = 0; current[i] != NULL; i++)
    {
      StrataScript *script = strata_graph_lookup (graph, current[i]);

      if (script == NULL)
        {
          g_autofree char *dir = strata_display_path (strata_project_get_migrations_dir (cli->project));

          g_set_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION,
                       _("the database is at revision %s, which is not in %s"),
                       current[i], dir);
          return FALSE;
        }
      g_ptr_array_add (scripts, script);
    }

  marks_init (&marks, graph, current);

  if (cli->json)
    print_scripts (cli, &marks, scripts);
  else if (cli->verbose)
    print_scripts (cli, &marks, scripts);
  else
    {
      for (guint i = 0; i < scripts->len; i++)
        {
          StrataScript *script = g_ptr_array_index (scripts, i);
          g_autoptr(GString) line = g_string_new (strata_script_get_revision (script));

          if (strata_stored_is_copy (script))
            g_string_append (line, _(" (applied, file absent)"));
          else if (g_hash_table_contains (marks.heads, strata_script_get_revision (script)))
            g_string_append (line, " (head)");
          g_print ("%s\n", line->str);
        }
      if (scripts->len == 0)
        strata_cli_info (cli, _("No revision applied: the database is at base"));
    }

  marks_clear (&marks);
  return TRUE;
}

gboolean
strata_cli_heads (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "heads", NULL);
  g_autoptr(GPtrArray) heads = NULL;
  Marks marks;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "heads", error))
    return FALSE;

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  heads = strata_graph_get_heads (graph);
  marks_init (&marks, graph, NULL);

  if (cli->json || cli->verbose)
    print_scripts (cli, &marks, heads);
  else
    {
      for (guint i = 0; i < heads->len; i++)
        {
          StrataScript *script = g_ptr_array_index (heads, i);
          g_autoptr(GString) line = g_string_new (strata_script_get_revision (script));

          append_marks (line, &marks, script);
          g_print ("%s\n", line->str);
        }
    }

  marks_clear (&marks);
  return TRUE;
}

gboolean
strata_cli_branches (StrataCli  *cli,
                     int         argc,
                     char      **argv,
                     GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "branches", NULL);
  g_autoptr(GPtrArray) points = g_ptr_array_new ();
  GPtrArray *scripts;
  Marks marks;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "branches", error))
    return FALSE;

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  scripts = strata_graph_get_scripts (graph);
  for (guint i = 0; i < scripts->len; i++)
    if (strata_graph_is_branch_point (graph, g_ptr_array_index (scripts, i)))
      g_ptr_array_add (points, g_ptr_array_index (scripts, i));

  marks_init (&marks, graph, NULL);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < points->len; i++)
        {
          StrataScript *point = g_ptr_array_index (points, i);
          g_autoptr(GPtrArray) children = strata_graph_get_children (graph, point);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "revision");
          json_builder_add_string_value (builder, strata_script_get_revision (point));
          json_builder_set_member_name (builder, "branches");
          json_builder_begin_array (builder);
          for (guint j = 0; j < children->len; j++)
            add_script_json (builder, &marks, g_ptr_array_index (children, j));
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }
  else
    {
      for (guint i = 0; i < points->len; i++)
        {
          StrataScript *point = g_ptr_array_index (points, i);
          g_autoptr(GPtrArray) children = strata_graph_get_children (graph, point);
          g_autofree char *line = format_line (&marks, point);

          g_print ("%s\n", line);
          for (guint j = 0; j < children->len; j++)
            {
              StrataScript *child = g_ptr_array_index (children, j);
              g_autoptr(GString) sub = g_string_new (NULL);
              const char *message = strata_script_get_message (child);

              g_string_append_printf (sub, "%*s -> %s", (int)strlen (strata_script_get_revision (point)), "",
                                      strata_script_get_revision (child));
              append_marks (sub, &marks, child);
              g_string_append_printf (sub, ", %s", message ? message : "");
              g_print ("%s\n", sub->str);
            }
        }
    }

  marks_clear (&marks);
  return TRUE;
}

gboolean
strata_cli_history (StrataCli  *cli,
                    int         argc,
                    char      **argv,
                    GError    **error)
{
  g_autofree char *range = NULL;
  gboolean indicate_current = FALSE;
  gboolean no_current = FALSE;
  GOptionEntry entries[] = {
    { "rev-range", 'r', 0, G_OPTION_ARG_STRING, &range, N_("Only revisions in A:B (either side may be empty; “current” connects)"), "A:B" },
    { "indicate-current", 'i', 0, G_OPTION_ARG_NONE, &indicate_current,
      N_("Connect to the database and mark its current revisions"), NULL },
    /* Before history stopped connecting by default. */
    { "no-current", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &no_current, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "history", entries);
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(GError) db_error = NULL;
  g_auto(GStrv) current = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *upper = NULL;
  Marks marks;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "history", error))
    return FALSE;

  /* As in Alembic, history needs no database unless asked. */
  if (no_current)
    indicate_current = FALSE;

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  if (range != NULL)
    {
      const char *colon = strchr (range, ':');

      if (colon == NULL)
        return strata_cli_usage_error (error, "history", _("-r takes a range A:B, e.g. base:head or -3:"));

      lower = g_strndup (range, colon - range);
      upper = g_strdup (colon + 1);
      if (*lower == '\0')
        g_clear_pointer (&lower, g_free);
      if (*upper == '\0')
        g_clear_pointer (&upper, g_free);
    }

  /* Mark the current revisions when a database is known. A range that
   * names "current" needs it; otherwise a database that cannot be read only
   * loses the marks. */
  if (indicate_current || g_strcmp0 (lower, "current") == 0 || g_strcmp0 (upper, "current") == 0)
    {
      current = strata_cli_current_heads (cli, &db_error);
      if (current == NULL &&
          (g_strcmp0 (lower, "current") == 0 || g_strcmp0 (upper, "current") == 0 ||
           !g_error_matches (db_error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT)))
        {
          if (g_strcmp0 (lower, "current") == 0 || g_strcmp0 (upper, "current") == 0 ||
              cli->url != NULL || cli->profile != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&db_error));
              return FALSE;
            }
          if (!cli->quiet)
            g_printerr (_("strata: warning: not marking the current revision: %s\n"), db_error->message);
        }
    }

  /* With the stored copies of applied revisions whose files are gone. */
  graph = cli->graph;

  if (g_strcmp0 (lower, "current") == 0 || g_strcmp0 (upper, "current") == 0)
    {
      g_autofree char *joined = g_strjoinv (" ", current);
      /* "current" with several heads is ambiguous; with none it is base. */
      if (g_strv_length (current) > 1)
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS,
                       _("“current” is ambiguous: the database has several heads (%s)"), joined);
          return FALSE;
        }
      if (g_strcmp0 (lower, "current") == 0)
        {
          g_free (lower);
          lower = current[0] ? g_strdup (current[0]) : NULL;
        }
      if (g_strcmp0 (upper, "current") == 0)
        {
          g_free (upper);
          upper = g_strdup (current[0] ? current[0] : "base");
        }
    }

  if (!(scripts = strata_graph_range (graph, (const char * const *)current, lower, upper, error)))
    return FALSE;

  marks_init (&marks, graph, current);
  print_scripts (cli, &marks, scripts);
  marks_clear (&marks);

  return TRUE;
}

gboolean
strata_cli_show (StrataCli  *cli,
                 int         argc,
                 char      **argv,
                 GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "show", NULL);
  g_autoptr(GPtrArray) scripts = g_ptr_array_new ();
  Marks marks;
  StrataGraph *graph;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc != 2)
    return strata_cli_usage_error (error, "show", _("show needs one revision"));

  if (!(graph = strata_cli_get_graph (cli, error)))
    return FALSE;

  {
    g_auto(GStrv) none = g_new0 (char *, 1);
    g_auto(GStrv) resolved = NULL;

    if (!(resolved = strata_graph_resolve_target (graph, (const char * const *)none, argv[1],
                                                  STRATA_DIRECTION_UP, error)))
      return FALSE;

    for (guint i = 0; resolved[i] != NULL; i++)
      g_ptr_array_add (scripts, strata_graph_lookup (graph, resolved[i]));
  }

  marks_init (&marks, graph, NULL);

  if (cli->json)
    print_scripts (cli, &marks, scripts);
  else
    {
      for (guint i = 0; i < scripts->len; i++)
        {
          StrataScript *script = g_ptr_array_index (scripts, i);
          g_autofree char *text = NULL;
          GPtrArray *upgrade;
          GPtrArray *downgrade;

          if (!strata_script_ensure_loaded (script, error))
            {
              marks_clear (&marks);
              return FALSE;
            }

          text = format_verbose (&marks, script);
          upgrade = strata_script_get_upgrade (script);
          downgrade = strata_script_get_downgrade (script);

          if (i > 0)
            g_print ("\n");
          g_print ("%s", text);

          g_print ("\n%s\n", _("Upgrade:"));
          for (guint j = 0; upgrade != NULL && j < upgrade->len; j++)
            {
              g_autofree char *what = strata_op_describe (g_ptr_array_index (upgrade, j));
              g_print ("    %s\n", what);
            }
          if (upgrade == NULL || upgrade->len == 0)
            g_print ("    %s\n", _("(nothing)"));

          g_print ("%s\n", downgrade == NULL ? _("Downgrade: (the inverse of upgrade)") : _("Downgrade:"));
          for (guint j = 0; downgrade != NULL && j < downgrade->len; j++)
            {
              g_autofree char *what = strata_op_describe (g_ptr_array_index (downgrade, j));
              g_print ("    %s\n", what);
            }
          if (strata_lint_downgrade_does_nothing (script))
            g_print (_("    (nothing) warning: %s\n"), _(STRATA_LINT_EMPTY_DOWNGRADE_MESSAGE));
          else if (downgrade != NULL && downgrade->len == 0)
            g_print ("    %s\n", _("(nothing)"));
          g_print (_("Checksum: %s\n"), strata_script_get_checksum (script));
        }
    }

  marks_clear (&marks);
  return TRUE;
}
