/* strata-cli-migrate.c: upgrade, downgrade, stamp
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <string.h>

#include "strata-cli.h"

typedef struct
{
  StrataCli *cli;
  GError    *error;
  /* Touched by the signal-watching thread only. */
  guint      n_interrupts;
} RunState;

static void
on_step_started (StrataSession  *session,
                 StrataStep     *step,
                 guint           index,
                 guint           n_steps,
                 RunState       *state)
{
  StrataScript *script = strata_step_get_script (step);
  g_autofree char *parents = strata_cli_format_parents (strata_step_get_script (step));
  const char *message = strata_script_get_message (script);

  if (state->cli->json)
    return;

  if (strata_step_get_direction (step) == STRATA_DIRECTION_UP && message != NULL)
    /* Translators: [step/steps] Running upgrade PARENTS -> REVISION, MESSAGE */
    strata_cli_info (state->cli, _("[%u/%u] Running upgrade %s -> %s, %s"),
                     index + 1, n_steps, parents, strata_script_get_revision (script), message);
  else if (strata_step_get_direction (step) == STRATA_DIRECTION_UP)
    strata_cli_info (state->cli, _("[%u/%u] Running upgrade %s -> %s"),
                     index + 1, n_steps, parents, strata_script_get_revision (script));
  else if (message != NULL)
    strata_cli_info (state->cli, _("[%u/%u] Running downgrade %s -> %s, %s"),
                     index + 1, n_steps, strata_script_get_revision (script), parents, message);
  else
    strata_cli_info (state->cli, _("[%u/%u] Running downgrade %s -> %s"),
                     index + 1, n_steps, strata_script_get_revision (script), parents);

  if (strata_stored_is_copy (script))
    strata_cli_info (state->cli, _("      its file is absent: using the copy and downgrade stored in %s when it was applied"),
                     strata_project_get_history_table (state->cli->project));
}

static void
on_step_finished (StrataSession  *session,
                  StrataStep     *step,
                  guint           index,
                  guint           n_steps,
                  double          seconds,
                  RunState       *state)
{
  if (state->cli->verbose && !state->cli->json)
    g_printerr (_("      done in %.1f ms\n"), seconds * 1000.0);
}

static void
on_statement (StrataSession  *session,
              StrataStep     *step,
              const char     *sql,
              RunState       *state)
{
  if (state->cli->verbose && !state->cli->json)
    g_printerr ("      %s\n", sql);
}

static void
on_notice (StrataSession  *session,
           StrataStep     *step,
           const char     *text,
           RunState       *state)
{
  if (!state->cli->json)
    strata_cli_info (state->cli, "      %s", text);
}

static gboolean
on_interrupt (gpointer user_data)
{
  RunState *state = user_data;

  state->n_interrupts++;
  if (state->n_interrupts == 1)
    g_printerr (_("strata: interrupted; cancelling the running statement and rolling back…\n"));
  g_cancellable_cancel (state->cli->cancellable);

  return G_SOURCE_CONTINUE;
}

static gboolean
quit_watcher (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
print_heads_json (StrataPlan *plan,
                  gboolean    ok)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const char * const *heads = strata_plan_get_heads_after (plan);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, strata_plan_get_direction (plan) == STRATA_DIRECTION_UP ? "upgrade" : "downgrade");
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < strata_plan_get_n_steps (plan); i++)
    json_builder_add_string_value (builder, strata_step_get_revision (strata_plan_get_step (plan, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "heads");
  json_builder_begin_array (builder);
  for (guint i = 0; heads[i] != NULL; i++)
    json_builder_add_string_value (builder, heads[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  strata_cli_print_json (root);
}

static gboolean
run_plan (StrataCli       *cli,
          StrataSession   *session,
          StrataPlan      *plan,
          GError         **error)
{
  RunState state = { cli, NULL, 0 };
  gulong h1, h2, h3, h4;

  if (strata_plan_get_n_steps (plan) == 0)
    {
      const char * const *heads = strata_plan_get_heads_before (plan);
      g_autofree char *joined = g_strjoinv (" ", (char **)heads);

      const char *target = strata_plan_get_target (plan);

      if (cli->json)
        print_heads_json (plan, TRUE);
      else if (strata_plan_get_direction (plan) == STRATA_DIRECTION_UP && target != NULL &&
               !g_str_equal (target, "head") && !g_str_equal (target, "heads") &&
               !(heads[0] != NULL && heads[1] == NULL && g_str_equal (target, heads[0])))
        /* As in Alembic, a target that is applied already is no error. */
        strata_cli_info (cli, _("Nothing to do: %s is already applied; the database is at %s"),
                         target, heads[0] ? joined : "base");
      else
        strata_cli_info (cli, _("Nothing to do: the database is at %s"),
                         heads[0] ? joined : "base");
      return TRUE;
    }

  h1 = g_signal_connect (session, "step-started", G_CALLBACK (on_step_started), &state);
  h2 = g_signal_connect (session, "step-finished", G_CALLBACK (on_step_finished), &state);
  h3 = g_signal_connect (session, "statement", G_CALLBACK (on_statement), &state);
  h4 = g_signal_connect (session, "notice", G_CALLBACK (on_notice), &state);

  /* The run happens right here, so its progress signals need no hop
   * between threads; Ctrl-C and SIGTERM are watched by a small thread of
   * their own that cancels the run (the driver then interrupts the running
   * statement and the migration rolls back). */
  {
    g_autoptr(GMainContext) context = g_main_context_new ();
    g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
    g_autoptr(GSource) sigint = g_unix_signal_source_new (SIGINT);
    g_autoptr(GSource) sigterm = g_unix_signal_source_new (SIGTERM);
    GThread *watcher;

    g_source_set_callback (sigint, on_interrupt, &state, NULL);
    g_source_set_callback (sigterm, on_interrupt, &state, NULL);
    g_source_attach (sigint, context);
    g_source_attach (sigterm, context);
    watcher = g_thread_new ("strata-signals", (GThreadFunc)(void (*) (void))g_main_loop_run, loop);

    strata_session_apply (session, plan, cli->cancellable, &state.error);

    /* Quit from inside the watcher's loop: a quit before that thread has
     * entered g_main_loop_run () would be forgotten. */
    {
      g_autoptr(GSource) idle = g_idle_source_new ();

      g_source_set_callback (idle, quit_watcher, loop, NULL);
      g_source_attach (idle, context);
    }
    g_thread_join (watcher);
    g_source_destroy (sigint);
    g_source_destroy (sigterm);
  }

  g_signal_handler_disconnect (session, h1);
  g_signal_handler_disconnect (session, h2);
  g_signal_handler_disconnect (session, h3);
  g_signal_handler_disconnect (session, h4);

  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      return FALSE;
    }

  if (cli->json)
    print_heads_json (plan, TRUE);
  else
    {
      const char * const *heads = strata_plan_get_heads_after (plan);
      g_autofree char *joined = g_strjoinv (" ", (char **)heads);

      strata_cli_info (cli, _("Done: the database is at %s"), heads[0] ? joined : "base");
    }

  return TRUE;
}

/**
 * strata_cli_run_checked:
 *
 * Runs @plan after Flyway's validate-on-migrate (nothing runs over an
 * edited revision) when @validate, and after the production guard.
 */
gboolean
strata_cli_run_checked (StrataCli       *cli,
                        StrataPlan      *plan,
                        gboolean         validate,
                        GError         **error)
{
  guint n_steps = strata_plan_get_n_steps (plan);

  if (validate && n_steps > 0 &&
      !strata_session_validate_before_run (cli->session, cli->cancellable, error))
    return FALSE;

  if (n_steps > 0)
    {
      g_autofree char *what = NULL;

      if (strata_plan_get_direction (plan) == STRATA_DIRECTION_UP)
        what = g_strdup_printf (ngettext ("upgrade %u revision", "upgrade %u revisions", n_steps), n_steps);
      else
        what = g_strdup_printf (ngettext ("downgrade %u revision", "downgrade %u revisions", n_steps), n_steps);

      if (!strata_cli_confirm_change (cli, what, error))
        return FALSE;
    }

  return run_plan (cli, cli->session, plan, error);
}

static gboolean
dialect_for_offline (StrataCli      *cli,
                     const char     *name,
                     StrataDialect  *dialect,
                     GError        **error)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) local_error = NULL;

  if (name != NULL)
    {
      if (g_str_equal (name, "sqlite"))
        *dialect = STRATA_DIALECT_SQLITE;
      else if (g_str_equal (name, "postgresql") || g_str_equal (name, "postgres"))
        *dialect = STRATA_DIALECT_POSTGRESQL;
      else
        return strata_cli_usage_error (error, "upgrade",
                                       _("unknown dialect “%s” (expected sqlite or postgresql)"), name);
      return TRUE;
    }

  /* The dialect of the database the command would target; it is not
   * contacted. */
  profile = strata_cli_resolve_profile (cli, &local_error);
  if (profile == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("--sql needs a dialect: give --dialect sqlite|postgresql or a database URL (%s)"),
                   local_error->message);
      return FALSE;
    }

  *dialect = strata_profile_get_dialect (profile);
  return TRUE;
}

/* Where --sql starts without an explicit FROM: the database's version rows
 * (read, never created), or base for an upgrade when no database is given
 * at all. */

/* strata_project_resolve_url's "no database given: …", in whatever
 * language the core wrote it (the same catalogue as ours). */
static gboolean
is_no_database_error (const GError *error)
{
  const char *message = g_dgettext (GETTEXT_PACKAGE,
                                    "no database given: use --url, --profile, STRATA_URL, DATABASE_URL, "
                                    "a .env file or url= in %s");
  const char *colon = strchr (message, ':');

  return colon != NULL && strncmp (error->message, message, colon - message + 1) == 0;
}

static char **
offline_start (StrataCli        *cli,
               StrataDirection   direction,
               GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  char **heads;

  if ((heads = strata_cli_current_heads (cli, &local_error)))
    return heads;

  if (direction == STRATA_DIRECTION_UP && cli->url == NULL && cli->profile == NULL &&
      g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT) &&
      is_no_database_error (local_error))
    return g_new0 (char *, 1);

  if (direction == STRATA_DIRECTION_DOWN &&
      g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT))
    {
      strata_cli_usage_error (error, "downgrade",
                              _("downgrade --sql needs a database to start from, or a starting point: "
                                "FROM:TARGET (%s)"), local_error->message);
      return NULL;
    }

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/* --sql: "FROM:TO", or "TO" from the database's current revision. */
static gboolean
offline (StrataCli        *cli,
         StrataDirection   direction,
         const char       *range,
         const char       *dialect_name,
         gboolean          json,
         GError          **error)
{
  g_autoptr(StrataPlan) plan = NULL;
  g_autofree char *from = NULL;
  g_autofree char *sql = NULL;
  g_auto(GStrv) start = NULL;
  const char *to = range;
  const char *colon = strchr (range, ':');
  StrataDialect dialect = STRATA_DIALECT_SQLITE;
  StrataSession *session;

  if (!strata_cli_get_graph (cli, error))
    return FALSE;
  session = cli->session;

  if (!dialect_for_offline (cli, dialect_name, &dialect, error))
    return FALSE;

  if (colon != NULL)
    {
      from = g_strndup (range, colon - range);
      to = colon + 1;
      plan = strata_session_plan_from (session, direction, from, to, error);
    }
  else if ((start = offline_start (cli, direction, error)))
    /* with the stored copies the database needs */
    plan = strata_session_plan (session, direction, (const char * const *)start, to, error);
  if (plan == NULL)
    return FALSE;

  if (json)
    {
      g_autoptr(StrataPlanFile) data = NULL;
      g_autoptr(JsonNode) root = NULL;

      if (!(data = strata_session_describe_plan (session, plan, dialect, error)))
        return FALSE;
      root = strata_plan_file_to_json (data);
      strata_cli_print_json (root);
      return TRUE;
    }

  if (!(sql = strata_session_render_offline (session, plan, dialect, error)))
    return FALSE;

  g_print ("%s", sql);
  return TRUE;
}

/* upgrade: when the session knows without opening the database (a SQLite
 * file unchanged since strata last read it) that the plan is empty, there
 * is nothing to do. Any other plan is made from the rows read again. */
static gboolean
upgrade_is_noop (StrataCli  *cli,
                 const char *target)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataPlan) plan = NULL;

  if (!(profile = strata_cli_resolve_profile (cli, NULL)))
    return FALSE;

  strata_session_set_profile (cli->session, profile);
  if (!(plan = strata_session_plan_unchanged (cli->session, target)))
    return FALSE;

  if (cli->verbose && !cli->json)
    {
      g_autofree char *display_url = strata_profile_dup_display_url (profile);

      g_printerr (_("Database: %s (unchanged since strata last read it: not opened)\n"), display_url);
    }

  return run_plan (cli, NULL, plan, NULL);
}

static gboolean
migrate (StrataCli        *cli,
         StrataDirection   direction,
         const char       *target,
         gboolean          validate,
         GError          **error)
{
  g_autoptr(StrataPlan) plan = NULL;
  g_auto(GStrv) heads = NULL;
  StrataSession *session;

  if (!strata_cli_get_graph (cli, error))
    return FALSE;

  if (direction == STRATA_DIRECTION_UP && upgrade_is_noop (cli, target))
    return TRUE;

  if (!(session = strata_cli_open_session (cli, TRUE, error)))
    return FALSE;

  if (!(heads = strata_session_read_heads_with_stored (session, cli->cancellable, error)) ||
      !(plan = strata_session_plan (session, direction, (const char * const *)heads, target, error)))
    return FALSE;

  if (!strata_cli_run_checked (cli, plan, validate, error))
    return FALSE;

  /* Record the state the run left, for the next no-op upgrade. */
  if (strata_plan_get_n_steps (plan) > 0)
    {
      g_auto(GStrv) after = strata_session_read_heads (cli->session, cli->cancellable, NULL);
    }

  return TRUE;
}

gboolean
strata_cli_upgrade (StrataCli  *cli,
                    int         argc,
                    char      **argv,
                    GError    **error)
{
  gboolean sql = FALSE;
  gboolean no_validate = FALSE;
  g_autofree char *dialect = NULL;
  GOptionEntry entries[] = {
    { "sql", 0, 0, G_OPTION_ARG_NONE, &sql, N_("Print the SQL instead of running it ([FROM:]TARGET; without FROM, from the database's revision; --json: the plan as data)"), NULL },
    { "dialect", 0, 0, G_OPTION_ARG_STRING, &dialect, N_("Dialect for --sql (default: the database URL's)"), "sqlite|postgresql" },
    { "no-validate", 0, 0, G_OPTION_ARG_NONE, &no_validate, N_("Run even when an applied revision's file was edited"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "upgrade", entries);
  const char *target;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc > 2)
    return strata_cli_usage_error (error, "upgrade", _("upgrade takes one target"));

  target = argc == 2 ? argv[1] : "head";

  if (sql)
    {
      if (!strata_cli_get_project (cli, error))
        return FALSE;
      return offline (cli, STRATA_DIRECTION_UP, target, dialect, cli->json, error);
    }

  if (dialect != NULL)
    return strata_cli_usage_error (error, "upgrade", _("--dialect goes with --sql"));

  return migrate (cli, STRATA_DIRECTION_UP, target, !no_validate, error);
}

gboolean
strata_cli_downgrade (StrataCli  *cli,
                      int         argc,
                      char      **argv,
                      GError    **error)
{
  gboolean sql = FALSE;
  gboolean no_validate = FALSE;
  g_autofree char *dialect = NULL;
  GOptionEntry entries[] = {
    { "sql", 0, 0, G_OPTION_ARG_NONE, &sql, N_("Print the SQL instead of running it ([FROM:]TARGET; without FROM, from the database's revision; --json: the plan as data)"), NULL },
    { "dialect", 0, 0, G_OPTION_ARG_STRING, &dialect, N_("Dialect for --sql (default: the database URL's)"), "sqlite|postgresql" },
    { "no-validate", 0, 0, G_OPTION_ARG_NONE, &no_validate, N_("Run even when an applied revision's file was edited"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "downgrade", entries);

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc != 2)
    return strata_cli_usage_error (error, "downgrade",
                                   _("downgrade needs one target, e.g. -1 or base"));

  if (sql)
    {
      if (!strata_cli_get_project (cli, error))
        return FALSE;
      return offline (cli, STRATA_DIRECTION_DOWN, argv[1], dialect, cli->json, error);
    }

  if (dialect != NULL)
    return strata_cli_usage_error (error, "downgrade", _("--dialect goes with --sql"));

  return migrate (cli, STRATA_DIRECTION_DOWN, argv[1], !no_validate, error);
}

gboolean
strata_cli_stamp (StrataCli  *cli,
                  int         argc,
                  char      **argv,
                  GError    **error)
{
  gboolean purge = FALSE;
  GOptionEntry entries[] = {
    { "purge", 0, 0, G_OPTION_ARG_NONE, &purge, N_("Empty the version table first (for a table whose rows are unknown)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = strata_cli_option_context_new (cli, "stamp", entries);
  g_auto(GStrv) current = NULL;
  g_auto(GStrv) checked = NULL;
  g_auto(GStrv) heads = NULL;
  g_autofree char *joined = NULL;
  StrataSession *session;

  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc != 2)
    return strata_cli_usage_error (error, "stamp", _("stamp needs one target"));

  if (!(session = strata_cli_open_session (cli, TRUE, error)))
    return FALSE;

  if (!(current = strata_session_read_heads (session, cli->cancellable, error)))
    return FALSE;

  /* The target is checked before asking to confirm the change */
  if (!(checked = strata_session_plan_stamp (session, (const char * const *)current, argv[1], purge, error)))
    return FALSE;

  if (!strata_cli_confirm_change (cli, _("stamp it"), error))
    return FALSE;

  if (!(heads = strata_session_stamp (session, argv[1], purge, cli->cancellable, error)))
    return FALSE;

  joined = g_strjoinv (" ", heads);
  strata_cli_info (cli, _("Stamped the database at %s"), heads[0] ? joined : "base");

  return TRUE;
}
