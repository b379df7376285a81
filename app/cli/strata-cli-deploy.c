/* strata-cli-deploy.c: inspect, baseline, log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "strata-cli.h"

/* The session on a database that must exist already (a SQLite file that
 * does not is an error, never created). */
static StrataSession *
open_existing (StrataCli  *cli,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataSession *session;

  if (!(session = strata_cli_open_session (cli, FALSE, &local_error)))
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                             _("the database does not exist yet"));
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return session;
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

gboolean
strata_cli_inspect (StrataCli  *cli,
                    int         argc,
                    char      **argv,
                    GError    **error)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write FILE instead of the project's model (schema.json); - for standard output"), "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "inspect", entries);
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *shown = NULL;
  StrataSession *session;
  StrataProject *project;
  gboolean to_stdout;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "inspect", error))
    return FALSE;

  if (!(project = strata_cli_get_project (cli, error)))
    return FALSE;

  to_stdout = g_strcmp0 (output, "-") == 0;
  if (!to_stdout)
    file = output ? g_file_new_for_commandline_arg (output)
                  : g_object_ref (strata_project_get_model_file (project));

  if (!(session = open_existing (cli, error)) ||
      !(live = strata_session_inspect (session, file, cli->cancellable, error)))
    return FALSE;

  if (to_stdout)
    {
      g_autofree char *data = strata_adopt_model_to_data (live);

      fputs (data, stdout);
      return TRUE;
    }

  shown = strata_display_path (file);
  strata_cli_info (cli, ngettext ("Wrote %s: %u table of %s", "Wrote %s: %u tables of %s",
                                  strata_model_get_tables (live)->len),
                   shown, strata_model_get_tables (live)->len,
                   strata_driver_get_display_url (strata_session_get_driver (session)));
  return TRUE;
}

gboolean
strata_cli_baseline (StrataCli  *cli,
                     int         argc,
                     char      **argv,
                     GError    **error)
{
  g_autofree char *message = NULL;
  g_autofree char *rev_id = NULL;
  GOptionEntry entries[] = {
    { "message", 'm', 0, G_OPTION_ARG_STRING, &message, N_("What the revision says (e.g. “baseline”)"), "MESSAGE" },
    { "rev-id", 0, 0, G_OPTION_ARG_STRING, &rev_id, N_("Use ID instead of a generated revision id"), "ID" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "baseline", entries);
  g_autoptr(StrataScript) script = NULL;
  g_autofree char *id = NULL;
  g_autofree char *shown = NULL;
  StrataSession *session;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "baseline", error))
    return FALSE;

  if (message == NULL || *message == '\0')
    return strata_cli_usage_error (error, "baseline", _("a baseline needs a message: -m MESSAGE"));

  if (rev_id != NULL && !strata_revision_id_is_valid (rev_id))
    return strata_cli_usage_error (error, "baseline",
                                   _("--rev-id “%s” is not a valid revision id (1–32 of A–Z, a–z, 0–9, _)"),
                                   rev_id);
  id = rev_id ? g_strdup (rev_id) : strata_revision_generate_id ();

  if (!strata_cli_get_project (cli, error) ||
      !(session = open_existing (cli, error)))
    return FALSE;

  if (!strata_cli_confirm_change (cli, _("stamp it with a baseline"), error))
    return FALSE;

  if (!(script = strata_session_baseline (session, id, message, cli->cancellable, error)))
    return FALSE;

  shown = strata_display_path (strata_script_get_file (script));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_string_value (builder, strata_script_get_revision (script));
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, shown);
      json_builder_set_member_name (builder, "operations");
      json_builder_add_int_value (builder, strata_script_get_upgrade (script)->len);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }
  else
    {
      g_print (_("Generated %s\n"), shown);
      strata_cli_info (cli, _("Stamped the database at %s: new revisions go on top of it"),
                       strata_script_get_revision (script));
    }

  return TRUE;
}

static void
add_string_or_null (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
print_log_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      StrataLogEntry *entry = g_ptr_array_index (entries, i);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "revision", entry->revision);
      add_string_or_null (builder, "direction", entry->direction);
      add_string_or_null (builder, "outcome", entry->outcome);
      add_string_or_null (builder, "started", entry->started);
      add_string_or_null (builder, "finished", entry->finished);
      json_builder_set_member_name (builder, "duration_ms");
      if (entry->duration_ms >= 0)
        json_builder_add_int_value (builder, entry->duration_ms);
      else
        json_builder_add_null_value (builder);
      add_string_or_null (builder, "os_user", entry->os_user);
      add_string_or_null (builder, "host", entry->host);
      add_string_or_null (builder, "tool_version", entry->tool_version);
      add_string_or_null (builder, "checksum", entry->checksum);
      add_string_or_null (builder, "message", entry->message);
      json_builder_set_member_name (builder, "file_present");
      json_builder_add_boolean_value (builder, entry->file_present);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  strata_cli_print_json (root);
}

gboolean
strata_cli_log (StrataCli  *cli,
                int         argc,
                char      **argv,
                GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "log", NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  StrataSession *session;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "log", error))
    return FALSE;

  if (!(session = open_existing (cli, error)) ||
      !(entries = strata_session_read_log (session, cli->cancellable, error)))
    return FALSE;

  if (cli->json)
    {
      print_log_json (entries);
      return TRUE;
    }

  g_string_append_printf (out, "%-20s  %-12s  %-7s  %-9s  %10s  %-20s  %-8s  %s\n",
                          _("When (UTC)"), _("Revision"), _("Action"), _("Outcome"), _("Duration"), _("Who"),
                          _("Strata"), _("Message"));
  for (guint i = 0; i < entries->len; i++)
    {
      StrataLogEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *when = g_strndup (entry->started ? entry->started : "", 19);
      g_autofree char *who = entry->os_user ? g_strdup_printf ("%s@%s", entry->os_user, entry->host ? entry->host : "?")
                                            : g_strdup ("");
      g_autofree char *duration = entry->duration_ms >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT " ms", entry->duration_ms)
                                                          : g_strdup ("");

      g_strdelimit (when, "T", ' ');
      g_string_append_printf (out, "%-20s  %-12s  %-7s  %-9s  %10s  %-20s  %-8s  %s\n",
                              when, entry->revision, entry->direction ? entry->direction : "",
                              entry->outcome, duration, who,
                              entry->tool_version ? entry->tool_version : "",
                              entry->file_present ? (entry->message ? entry->message : "")
                                                  : _("(file absent)"));
    }

  fwrite (out->str, 1, out->len, stdout);
  return TRUE;
}

static void
print_issues_json (GPtrArray *issues,
                   gboolean   repaired)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < issues->len; i++)
    {
      StrataValidateIssue *issue = g_ptr_array_index (issues, i);

      json_builder_begin_object (builder);
      add_string_or_null (builder, "kind", strata_validate_kind_to_string (issue->kind));
      add_string_or_null (builder, "revision", issue->revision);
      add_string_or_null (builder, "path", issue->path);
      add_string_or_null (builder, "recorded_checksum", issue->recorded_checksum);
      add_string_or_null (builder, "file_checksum", issue->file_checksum);
      add_string_or_null (builder, "when", issue->when);
      add_string_or_null (builder, "message", issue->message);
      if (repaired)
        {
          json_builder_set_member_name (builder, "repaired");
          json_builder_add_boolean_value (builder, issue->kind != STRATA_VALIDATE_MISSING && issue->history_id != NULL);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  strata_cli_print_json (root);
}

gboolean
strata_cli_validate (StrataCli  *cli,
                     int         argc,
                     char      **argv,
                     GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "validate", NULL);
  g_autoptr(GPtrArray) issues = NULL;
  StrataSession *session;
  guint n_edited = 0;
  guint n_missing = 0;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "validate", error))
    return FALSE;

  if (!(session = open_existing (cli, error)) ||
      !(issues = strata_session_validate (session, cli->cancellable, error)))
    return FALSE;

  if (cli->json)
    print_issues_json (issues, FALSE);

  for (guint i = 0; i < issues->len; i++)
    {
      StrataValidateIssue *issue = g_ptr_array_index (issues, i);

      if (issue->kind == STRATA_VALIDATE_EDITED)
        n_edited++;
      else if (issue->kind == STRATA_VALIDATE_MISSING)
        n_missing++;
      if (!cli->json)
        g_print ("%-7s  %s\n", strata_validate_kind_to_string (issue->kind), issue->message);
    }

  if (n_edited > 0)
    {
      if (n_missing > 0)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                     ngettext ("%u applied revision was edited and others have no file; after reviewing, "
                               "“strata repair” records it",
                               "%u applied revisions were edited and others have no file; after reviewing, "
                               "“strata repair” records them", n_edited),
                     n_edited);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                     ngettext ("%u applied revision was edited; after reviewing, “strata repair” records it",
                               "%u applied revisions were edited; after reviewing, “strata repair” records them",
                               n_edited),
                     n_edited);
      return FALSE;
    }
  if (n_missing > 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                   ngettext ("%u applied revision has no file (another branch checked out?); "
                             "“strata downgrade” can still take it back from the copy stored when applied",
                             "%u applied revisions have no file (another branch checked out?); "
                             "“strata downgrade” can still take them back from the copies stored when applied",
                             n_missing),
                   n_missing);
      return FALSE;
    }

  if (issues->len > 0)
    strata_cli_info (cli, _("Valid: every applied revision matches its file (“strata repair” removes the failed attempts)"));
  else
    strata_cli_info (cli, _("Valid: every applied revision matches its file"));
  return TRUE;
}

gboolean
strata_cli_repair (StrataCli  *cli,
                   int         argc,
                   char      **argv,
                   GError    **error)
{
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, N_("List what would be repaired and change nothing"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "repair", entries);
  g_autoptr(GPtrArray) issues = NULL;
  StrataSession *session;
  guint n_actions = 0;

  if (!strata_cli_parse (cli, context, &argc, &argv, error) ||
      !no_arguments (argc, argv, "repair", error))
    return FALSE;

  if (!(session = open_existing (cli, error)) ||
      !(issues = strata_session_validate (session, cli->cancellable, error)))
    return FALSE;

  /* Each change is listed before any is made. */
  for (guint i = 0; i < issues->len; i++)
    {
      StrataValidateIssue *issue = g_ptr_array_index (issues, i);
      g_autofree char *line = NULL;

      switch (issue->kind)
        {
        case STRATA_VALIDATE_EDITED:
          line = g_strdup_printf (_("re-record  %s: checksum %.12s (was %.12s)%s%s"), issue->revision,
                                  issue->file_checksum, issue->recorded_checksum,
                                  issue->path ? ", " : "", issue->path ? issue->path : "");
          n_actions++;
          break;
        case STRATA_VALIDATE_FAILED:
          line = g_strdup_printf (_("remove     %s: history row %s of a failed attempt at %s"), issue->revision,
                                  issue->history_id, issue->when ? issue->when : _("an unknown time"));
          n_actions++;
          break;
        case STRATA_VALIDATE_MISSING:
        default:
          line = g_strdup_printf (_("keep       %s: its file is absent (downgrade uses the stored copy)"),
                                  issue->revision);
          break;
        }

      if (!cli->json)
        g_print ("%s\n", line);
    }

  if (!dry_run && n_actions > 0 &&
      (!strata_cli_confirm_change (cli, _("repair its history"), error) ||
       !strata_session_repair (session, issues, cli->cancellable, error)))
    return FALSE;

  if (cli->json)
    print_issues_json (issues, !dry_run);
  else if (n_actions == 0)
    strata_cli_info (cli, _("Nothing to repair"));
  else if (dry_run)
    strata_cli_info (cli, _("Dry run: nothing was changed"));
  else
    strata_cli_info (cli, ngettext ("Repaired %u history row", "Repaired %u history rows", n_actions), n_actions);

  return TRUE;
}

gboolean
strata_cli_plan (StrataCli  *cli,
                 int         argc,
                 char      **argv,
                 GError    **error)
{
  g_autofree char *output = NULL;
  gboolean downgrade = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the plan to FILE (- for standard output)"), "FILE" },
    { "downgrade", 0, 0, G_OPTION_ARG_NONE, &downgrade, N_("Plan a downgrade to TARGET (default: an upgrade)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "plan", entries);
  g_autoptr(StrataPlanFile) plan = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *shown = NULL;
  StrataSession *session;
  gboolean to_stdout;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc != 2)
    return strata_cli_usage_error (error, "plan", _("plan needs one target, e.g. head"));
  if (output == NULL)
    return strata_cli_usage_error (error, "plan", _("plan needs -o FILE (e.g. -o plan.json)"));

  to_stdout = g_str_equal (output, "-");
  if (!to_stdout)
    file = g_file_new_for_commandline_arg (output);

  if (!(session = open_existing (cli, error)) ||
      !(plan = strata_session_write_plan_file (session, downgrade ? STRATA_DIRECTION_DOWN : STRATA_DIRECTION_UP,
                                               argv[1], file, cli->cancellable, error)))
    return FALSE;

  if (to_stdout)
    {
      g_autoptr(JsonNode) root = strata_plan_file_to_json (plan);

      strata_cli_print_json (root);
      return TRUE;
    }

  shown = strata_display_path (file);
  strata_cli_info (cli, ngettext ("Wrote %s: %u step, hash %.12s; review it, then “strata apply %s”",
                                  "Wrote %s: %u steps, hash %.12s; review it, then “strata apply %s”",
                                  strata_plan_file_get_n_steps (plan)),
                   shown, strata_plan_file_get_n_steps (plan),
                   strata_plan_file_get_hash (plan), shown);
  return TRUE;
}

gboolean
strata_cli_apply (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "apply", NULL);
  g_autoptr(StrataPlanFile) reviewed = NULL;
  g_autoptr(StrataPlanFile) now = NULL;
  g_autoptr(GFile) file = NULL;
  StrataSession *session;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc != 2)
    return strata_cli_usage_error (error, "apply", _("apply needs the plan file written by “strata plan”"));

  file = g_file_new_for_commandline_arg (argv[1]);
  if (!(reviewed = strata_plan_file_load (file, error)))
    return FALSE;

  /* The plan again, from what is there now: it runs only if every input is
   * what the reviewer saw. */
  if (!(session = open_existing (cli, error)) ||
      !(now = strata_session_verify_plan_file (session, reviewed, cli->cancellable, error)))
    return FALSE;

  return strata_cli_run_checked (cli, strata_plan_file_get_plan (now), TRUE, error);
}
