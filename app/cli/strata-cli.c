/* strata-cli.c: the `strata` command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "strata-cli.h"

static const StrataCliCommand commands[] = {
  { "init",      "[DIR]",                  N_("Create a project: strata.ini, migrations/, schema.json"), strata_cli_init },
  { "revision",  "-m MESSAGE [--autogenerate]", N_("Create a new revision file (--autogenerate: from schema.json)"), strata_cli_revision },
  { "merge",     "-m MESSAGE REV…|heads",  N_("Create a revision that merges heads"), strata_cli_merge },
  { "upgrade",   "[TARGET] [--sql] [--no-validate]",       N_("Upgrade the database to TARGET (default: head)"), strata_cli_upgrade },
  { "downgrade", "TARGET [--sql] [--no-validate]",         N_("Downgrade the database to TARGET"), strata_cli_downgrade },
  { "current",   "",                       N_("Show the database's current revision(s)"), strata_cli_current },
  { "heads",     "",                       N_("Show the head revisions"), strata_cli_heads },
  { "branches",  "",                       N_("Show the branch points"), strata_cli_branches },
  { "history",   "[-r A:B] [-i]",          N_("List revisions, newest first (-i: mark the database's)"), strata_cli_history },
  { "show",      "REV",                    N_("Show one revision"), strata_cli_show },
  { "stamp",     "TARGET [--purge]",       N_("Set the version table without running migrations"), strata_cli_stamp },
  { "profiles",  "SUBCOMMAND",             N_("Connection profiles: list, show, add, remove, test, set-password"), strata_cli_profiles },
  { "check",     "",                       N_("Compare schema.json with the migrations' head (exit 3 on differences)"), strata_cli_check },
  { "drift",     "",                       N_("Compare the database with the schema its revision should have (exit 3 on differences)"), strata_cli_drift },
  { "validate",  "",                       N_("Compare applied revisions with their files (exit 3 on an edited or missing one)"), strata_cli_validate },
  { "repair",    "[--dry-run]",            N_("Re-record reviewed checksums and remove failed attempts from the history"), strata_cli_repair },
  { "plan",      "TARGET -o FILE",         N_("Write the exact steps and SQL to FILE for review, with a hash of their inputs"), strata_cli_plan },
  { "apply",     "FILE",                   N_("Run a reviewed plan, refusing if anything changed since"), strata_cli_apply },
  { "log",       "",                       N_("What happened to the database: applied, reverted, failed and pending revisions"), strata_cli_log },
  { "inspect",   "[-o FILE]",              N_("Write schema.json from the live database"), strata_cli_inspect },
  { "baseline",  "-m MESSAGE",             N_("Adopt a database: a first revision equal to its schema, stamped"), strata_cli_baseline },
  { "lint",      "[REV…]",                 N_("Find destructive, irreversible, locking and data-dependent operations (exit 3 on destructive or irreversible ones)"), strata_cli_lint },
};

static gboolean
print_version (const char  *option_name,
               const char  *value,
               gpointer     data,
               GError     **error)
{
  g_print ("strata %s\n", PACKAGE_VERSION);
  exit (0);
}

static GOptionEntry *
global_entries (StrataCli *cli)
{
  GOptionEntry entries[] = {
    { "directory", 'C', 0, G_OPTION_ARG_FILENAME, &cli->directory, N_("Run in the project folder DIR"), "DIR" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &cli->url, N_("The database URL (sqlite:///app.db, postgresql://…)"), "URL" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &cli->profile, N_("Use the connection profile NAME"), "NAME" },
    { "version-table", 0, 0, G_OPTION_ARG_STRING, &cli->version_table, N_("Name of the version table"), "NAME" },
    { "schema", 0, 0, G_OPTION_ARG_STRING, &cli->schema,
      N_("PostgreSQL: schema of the version and history tables, first in the search_path"), "SCHEMA" },
    { "lock-timeout", 0, 0, G_OPTION_ARG_STRING, &cli->lock_timeout,
      N_("PostgreSQL: how long to wait for a lock, e.g. 30s (SQLite: the busy timeout)"), "DURATION" },
    { "statement-timeout", 0, 0, G_OPTION_ARG_STRING, &cli->statement_timeout,
      N_("PostgreSQL: how long one statement may run, e.g. 10min"), "DURATION" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json, N_("Machine-readable output"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli->quiet, N_("Print only errors and results"), NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli->verbose, N_("Print more detail"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &cli->yes,
      N_("Change a production database without typing its name"), NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

static char *
commands_description (void)
{
  GString *str = g_string_new (_("Commands:"));

  g_string_append_c (str, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *left = g_strdup_printf ("%s %s", commands[i].name, commands[i].args);

      g_string_append_printf (str, "  %-34s %s\n", left, _(commands[i].summary));
    }

  g_string_append (str,
                   _("\nTargets: head, heads, base, REV (or a unique prefix of 4+ characters), LABEL,\n"
                   "label@head, label@base, +N, -N, REV+N, REV-N, label@+N.\n"
                   "\nThe database: --url, --profile, STRATA_URL, DATABASE_URL, the project's .env,\n"
                   "then url= in strata.ini (values may use ${VAR} and ${VAR:-default}).\n"
                   "\nExit status:\n"
                   "  0 success\n"
                   "  1 the database side failed (connection, SQL error, lock timeout)\n"
                   "  2 bad input (usage, malformed project files, unknown revision,\n"
                   "    ambiguous head); nothing was changed\n"
                   "  3 a check found differences (check, drift, validate, lint findings\n"
                   "    at error level)\n"
                   "\nRun “strata COMMAND --help” for a command's options."));

  return g_string_free (str, FALSE);
}

GOptionContext *
strata_cli_option_context_new (StrataCli          *cli,
                               const char         *command,
                               const GOptionEntry *entries)
{
  g_autofree char *parameter = NULL;
  GOptionContext *context;
  GOptionGroup *group;
  g_autofree GOptionEntry *globals = global_entries (cli);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, command) == 0)
      {
        parameter = g_strdup_printf ("%s %s", commands[i].name, commands[i].args);
        break;
      }

  context = g_option_context_new (parameter);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);

  group = g_option_group_new ("global", _("Global options:"), _("Show the global options"), cli, NULL);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_group_add_entries (group, globals);
  g_option_context_add_group (context, group);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (commands[i].name, command) == 0)
      g_option_context_set_summary (context, _(commands[i].summary));

  return context;
}

gboolean
strata_cli_parse (StrataCli        *cli,
                  GOptionContext   *context,
                  int              *argc,
                  char           ***argv,
                  GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) relative = g_ptr_array_new ();

  /* Relative targets like -1 look like options: hide them from GOption. */
  for (int i = 1; i < *argc; i++)
    {
      const char *arg = (*argv)[i];

      if (g_str_equal (arg, "--"))
        break;
      if (arg[0] == '-' && g_ascii_isdigit (arg[1]) && strspn (arg + 1, "0123456789") == strlen (arg + 1))
        {
          g_ptr_array_add (relative, (*argv)[i]);
          (*argv)[i] = (char *)"\x01";
        }
    }

  if (!g_option_context_parse (context, argc, argv, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   "%s", local_error->message);
      return FALSE;
    }

  for (int i = 1, j = 0; i < *argc && j < (int)relative->len; i++)
    if (g_str_equal ((*argv)[i], "\x01"))
      (*argv)[i] = g_ptr_array_index (relative, j++);

  if (cli->url != NULL && cli->profile != NULL)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("--url and --profile cannot be used together"));
      return FALSE;
    }

  return TRUE;
}

gboolean
strata_cli_usage_error (GError     **error,
                        const char  *command,
                        const char  *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
               _("%s (see “strata %s --help”)"), message, command);
  return FALSE;
}

static GFile *
project_directory (StrataCli *cli)
{
  if (cli->directory != NULL)
    return g_file_new_for_commandline_arg (cli->directory);

  {
    g_autofree char *here = g_get_current_dir ();
    return g_file_new_for_path (here);
  }
}

StrataProject *
strata_cli_get_project (StrataCli  *cli,
                        GError    **error)
{
  if (cli->project == NULL)
    {
      g_autoptr(GFile) dir = project_directory (cli);

      if (!(cli->project = strata_project_open (dir, error)))
        return NULL;

      if (cli->version_table != NULL)
        strata_project_set_version_table (cli->project, cli->version_table);
    }

  return cli->project;
}

StrataGraph *
strata_cli_get_graph (StrataCli  *cli,
                      GError    **error)
{
  StrataSession *session;

  if (cli->graph == NULL)
    {
      if (!(session = strata_cli_get_session (cli, error)))
        return NULL;

      if ((cli->graph = strata_session_get_graph (session, error)) == NULL)
        return NULL;
      g_object_ref (cli->graph);

      /* Every command works on the rest of the project; each one says
       * which files it left out, and a plan that needs one is refused. */
      {
        g_autoptr(GPtrArray) broken = strata_graph_get_broken (cli->graph);

        for (guint i = 0; i < broken->len; i++)
          {
            StrataScript *script = g_ptr_array_index (broken, i);
            const char *revision = strata_script_get_revision (script);
            const GError *problem = strata_script_get_error (script);

            if (revision != NULL && strata_graph_lookup (cli->graph, revision) == script)
              g_printerr (_("strata: warning: revision %s is broken: %s\n"), revision, problem->message);
            else
              g_printerr (_("strata: warning: a migration file cannot be read, its revision is left out: %s\n"),
                          problem->message);
          }
      }
    }

  return cli->graph;
}

static void
on_lock_waiting (StrataSession *session,
                 const char    *holder,
                 StrataCli     *cli)
{
  StrataDriver *driver = strata_session_get_driver (session);

  /* From the thread that runs the migration: g_printerr is thread-safe */
  strata_cli_info (cli, _("Waiting for the migration lock on %s, %s…"),
                   STRATA_IS_DRIVER_PG (driver) ? strata_driver_pg_get_location (STRATA_DRIVER_PG (driver))
                                                : strata_driver_get_display_url (driver),
                   holder);
}

static void
on_statement_waiting (StrataDriverPg *driver,
                      const char     *what,
                      StrataCli      *cli)
{
  g_printerr (_("strata: waiting: %s…\n"), what);
}

static void
on_sqlite_lock_waiting (StrataDriverSqlite *driver,
                        const char         *what,
                        StrataCli          *cli)
{
  /* Said even with --quiet: a command that seems to hang must say why */
  g_printerr (_("strata: waiting: %s…\n"), what);
}

/* --lock-timeout and --statement-timeout, else the project's. */
static gboolean
get_timeout (const char  *option,
             const char  *text,
             int          project_value,
             int         *msec,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *msec = project_value;
  if (text == NULL)
    return TRUE;

  if (!strata_parse_timeout (text, msec, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   "--%s: %s", option, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The session: the project with the options that override strata.ini
 * (--schema, --lock-timeout, --statement-timeout). */
StrataSession *
strata_cli_get_session (StrataCli  *cli,
                        GError    **error)
{
  g_autoptr(StrataSession) session = NULL;
  StrataProject *project;
  int msec;

  if (cli->session != NULL)
    return cli->session;

  if (!(project = strata_cli_get_project (cli, error)))
    return NULL;

  session = strata_session_new (project, NULL);
  if (cli->schema != NULL)
    strata_session_set_schema (session, cli->schema);
  if (cli->lock_timeout != NULL)
    {
      if (!get_timeout ("lock-timeout", cli->lock_timeout, -1, &msec, error))
        return NULL;
      strata_session_set_lock_timeout (session, msec);
    }
  if (cli->statement_timeout != NULL)
    {
      if (!get_timeout ("statement-timeout", cli->statement_timeout, -1, &msec, error))
        return NULL;
      strata_session_set_statement_timeout (session, msec);
    }

  cli->session = g_steal_pointer (&session);

  return cli->session;
}

/* The session, connected to the target database (every project setting
 * is applied when it opens the migrator). NULL without an error when
 * @create is FALSE and the SQLite file does not exist yet. */
StrataSession *
strata_cli_open_session (StrataCli  *cli,
                         gboolean    create,
                         GError    **error)
{
  g_autoptr(StrataMigrator) migrator = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  StrataSession *session;

  if (!strata_cli_get_graph (cli, error))
    return NULL;

  if (!(profile = strata_cli_resolve_profile (cli, error)))
    return NULL;

  /* A SQLite file that does not exist yet holds no revision; read-only
   * commands must not create it. */
  session = cli->session;
  strata_session_set_profile (session, profile);
  if (!create)
    {
      gboolean exists;

      if (!strata_session_database_exists (session, &exists, error))
        return NULL;
      if (!exists)
        return NULL;
    }

  if (!(driver = strata_cli_connect (cli, profile, error)))
    return NULL;

  if (cli->verbose && !cli->json)
    g_printerr (_("Database: %s\n"), strata_driver_get_display_url (driver));

  strata_session_set_driver (session, driver);
  if (g_signal_handler_find (session, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, cli) == 0)
    g_signal_connect (session, "lock-waiting", G_CALLBACK (on_lock_waiting), cli);
  if (STRATA_IS_DRIVER_PG (driver))
    g_signal_connect (driver, "statement-waiting", G_CALLBACK (on_statement_waiting), cli);
  else if (STRATA_IS_DRIVER_SQLITE (driver))
    g_signal_connect (driver, "lock-waiting", G_CALLBACK (on_sqlite_lock_waiting), cli);
  g_set_object (&cli->driver, driver);
  g_set_object (&cli->target, profile);

  if (!(migrator = strata_session_open_migrator (session, cli->cancellable, error)))
    return NULL;

  return session;
}

/* The database's heads (none for a SQLite file not created yet); the
 * session takes in the stored copies of applied revisions whose files are
 * absent, and cli->graph follows it. */
char **
strata_cli_current_heads (StrataCli  *cli,
                          GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) heads = NULL;
  StrataSession *session;

  if (!(session = strata_cli_open_session (cli, FALSE, &local_error)))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return g_new0 (char *, 1);
    }

  if (!(heads = strata_session_read_heads_with_stored (session, cli->cancellable, error)))
    return NULL;

  g_set_object (&cli->graph, strata_session_get_graph (session, NULL));

  return g_steal_pointer (&heads);
}

/* A revision's parents as Alembic prints them: "<base>", "REV" or
 * "(REV, REV)" for a merge. */
char *
strata_cli_format_parents (StrataScript *script)
{
  const char * const *parents = strata_script_get_down_revisions (script);

  if (parents[0] == NULL)
    return g_strdup ("<base>");
  if (parents[1] == NULL)
    return g_strdup (parents[0]);

  {
    g_autofree char *joined = g_strjoinv (", ", (char **)parents);
    return g_strdup_printf ("(%s)", joined);
  }
}

/* A production database changes only with --yes or its name typed (at a
 * terminal, or on standard input). */
gboolean
strata_cli_confirm_change (StrataCli   *cli,
                           const char  *what,
                           GError     **error)
{
  g_autofree char *expected = NULL;
  g_autofree char *display = NULL;
  char line[256];

  if (cli->yes || cli->target == NULL ||
      !(expected = strata_profile_dup_confirmation (cli->target)))
    return TRUE;

  display = strata_profile_dup_display_url (cli->target);
  /* The name may come on standard input too (a pipe): no prompt then. */
  if (isatty (STDIN_FILENO))
    {
      if (strata_profile_get_name (cli->target) != NULL)
        g_printerr (_("%s is a production database (profile “%s”).\nType its name, %s, to %s: "),
                    display, strata_profile_get_name (cli->target), expected, what);
      else
        g_printerr (_("%s is a production database.\nType its name, %s, to %s: "), display, expected, what);
    }

  if (fgets (line, sizeof line, stdin) == NULL)
    {
      if (isatty (STDIN_FILENO))
        g_printerr ("\n");
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s is a production database: confirm with --yes or type “%s” to %s; nothing was changed"),
                   display, expected, what);
      return FALSE;
    }

  g_strstrip (line);
  if (!g_str_equal (line, expected))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not “%s”: nothing was changed"), line, expected);
      return FALSE;
    }

  return TRUE;
}

void
strata_cli_info (StrataCli  *cli,
                 const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (cli->quiet)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("%s\n", message);
}

void
strata_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static void
strata_cli_clear (StrataCli *cli)
{
  g_clear_pointer (&cli->directory, g_free);
  g_clear_pointer (&cli->url, g_free);
  g_clear_pointer (&cli->profile, g_free);
  g_clear_pointer (&cli->version_table, g_free);
  g_clear_pointer (&cli->schema, g_free);
  g_clear_pointer (&cli->lock_timeout, g_free);
  g_clear_pointer (&cli->statement_timeout, g_free);
  if (cli->session != NULL)
    g_signal_handlers_disconnect_by_data (cli->session, cli);
  g_clear_object (&cli->session);
  g_clear_object (&cli->driver);
  g_clear_object (&cli->target);
  /* The process exits next. Freeing the graph, thousands of revisions
   * and their strings one by one, costs about as much as loading it did
   * (a third of a 5000-revision `history`), and the kernel takes the
   * memory back at once anyway. G_DEBUG=gc-friendly (the tests, valgrind)
   * frees it as usual. The driver is always closed: SQLite checkpoints and
   * removes a WAL file on close, libpq says goodbye to the server. */
  if (g_mem_gc_friendly)
    g_clear_object (&cli->graph);
  else
    cli->graph = NULL;
  g_clear_object (&cli->project);
  g_clear_object (&cli->store);
  g_clear_object (&cli->cancellable);
}

/* With --json, an error is one JSON object on stderr (README.md,
 * "Machine-readable output"): {"error": {"message", "domain", "code",
 * "exit_status"}}. */
static int
report (gboolean  json,
        GError   *error)
{
  int status = strata_error_exit_status (error);
  g_autofree char *message = NULL;

  /* One line, always. */
  message = g_strdelimit (g_strdup (error->message), "\n", ' ');

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, message);
      json_builder_set_member_name (builder, "domain");
      json_builder_add_string_value (builder, g_quark_to_string (error->domain));
      json_builder_set_member_name (builder, "code");
      json_builder_add_int_value (builder, error->code);
      json_builder_set_member_name (builder, "exit_status");
      json_builder_add_int_value (builder, status);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_printerr ("%s\n", text);
    }
  else
    g_printerr (_("strata: error: %s\n"), message);

  return status;
}

/* Standard output carries SQL scripts, JSON and revision ids that programs
 * read (`upgrade --sql | psql`): UTF-8 bytes whatever the locale, where
 * g_print() would convert them to the locale's charset (Z?rich under
 * LC_ALL=C). */
static void
print_utf8 (const char *text)
{
  fputs (text, stdout);
  fflush (stdout);
}

/* Whether --json is on the command line (before "--"), for errors that come
 * before or while the options are parsed. */
static gboolean
wants_json (int    argc,
            char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], "--json"))
        return TRUE;
    }

  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  StrataCli cli = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  g_autofree GOptionEntry *globals = NULL;
  GOptionEntry version_entry[] = {
    { "version", 0, G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, print_version, N_("Print the version and exit"), NULL },
    { NULL }
  };
  const StrataCliCommand *command = NULL;
  gboolean json;
  int status;

  setlocale (LC_ALL, "");
  /* $STRATA_LOCALEDIR: an uninstalled build's catalogues, for its tests
   * (the core binds its messages, the same domain, the same way). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STRATA_LOCALEDIR") ? g_getenv ("STRATA_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_print_handler (print_utf8);

  /* The CLI may hold a password (from a URL, the keyring, PGPASSWORD's
   * neighbours, a prompt) at any point of any command: none of it goes
   * into a core dump. */
  if (strata_secret_protect_process ())
    g_debug ("core dumps are off while passwords may be held (PR_GET_DUMPABLE is 0)");

  /* SQLite's allocation statistics put a global mutex around every malloc
   * and free (tens of thousands while it reads a large schema), and the
   * CLI reads none of them. This must come before SQLite initializes. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  /* Global options come before the command word; the command's own
   * parser accepts them after it too. */
  json = wants_json (argc, argv);
  globals = global_entries (&cli);
  context = g_option_context_new (N_("COMMAND [ARGS…]"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Manage database schema migrations for SQLite and PostgreSQL."));
  description = commands_description ();
  g_option_context_set_description (context, description);
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, globals, NULL);
  g_option_context_add_main_entries (context, version_entry, NULL);

  if (!strata_cli_parse (&cli, context, &argc, &argv, &error))
    {
      status = report (json, error);
      strata_cli_clear (&cli);
      return status;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      strata_cli_clear (&cli);
      return 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, argv[1]))
      command = &commands[i];

  if (command == NULL)
    {
      g_set_error (&error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("unknown command “%s” (see “strata --help”)"), argv[1]);
      status = report (json, error);
      strata_cli_clear (&cli);
      return status;
    }

  cli.cancellable = g_cancellable_new ();

  if (!command->func (&cli, argc - 1, argv + 1, &error))
    status = report (json || cli.json, error);
  else
    status = 0;

  if (cli.verbose && !cli.json && STRATA_IS_DRIVER_PG (cli.driver))
    g_printerr (_("Round trips to %s: %" PRIu64 "\n"),
                strata_driver_pg_get_location (STRATA_DRIVER_PG (cli.driver)),
                strata_driver_pg_get_round_trips (STRATA_DRIVER_PG (cli.driver)));

  strata_cli_clear (&cli);

  return status;
}
