/* strata-cli-profiles.c: `strata profiles …`, --profile and passwords
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "strata-cli.h"

#define MAX_PASSWORD_LENGTH 4096

/* The project, when the command runs in one; NULL (no error) outside. */
static StrataProject *
get_project_if_any (StrataCli  *cli,
                    GError    **error)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFile) ini = NULL;

  if (cli->project != NULL)
    return cli->project;

  dir = cli->directory ? g_file_new_for_commandline_arg (cli->directory)
                       : g_file_new_for_path (".");
  ini = g_file_get_child (dir, "strata.ini");
  if (!g_file_query_exists (ini, NULL))
    return NULL;

  return strata_cli_get_project (cli, error);
}

/* The user's store; with @create FALSE, NULL (no error) when there is none
 * yet, so that reading commands leave no file behind. */
static StrataStore *
get_store (StrataCli  *cli,
           gboolean    create,
           GError    **error)
{
  if (cli->store == NULL)
    {
      /* $XDG_DATA_HOME/strata/strata.db, the app's store (strata-devel
       * for the development profile's, as its app uses) */
      g_autofree char *path = g_build_filename (g_get_user_data_dir (), STRATA_DATA_DIRNAME,
                                                "strata.db", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      if (!create && !g_file_query_exists (file, NULL))
        return NULL;

      if (!(cli->store = strata_store_open (file, cli->cancellable, error)))
        return NULL;

      /* Always said, even with --quiet: profiles the user had are gone. */
      if (strata_store_get_outcome (cli->store) == STRATA_STORE_OUTCOME_RECREATED)
        g_printerr (_("strata: %s\n"), strata_store_get_problem (cli->store));

      if (strata_store_get_outcome (cli->store) == STRATA_STORE_OUTCOME_UPGRADED && cli->verbose)
        strata_cli_info (cli, _("Upgraded your profiles store from %s to %s (backup: %s)"),
                         strata_store_get_previous_revision (cli->store),
                         strata_store_get_revision (cli->store),
                         g_file_peek_path (strata_store_get_backup_file (cli->store)));
    }

  return cli->store;
}

/**
 * strata_cli_resolve_profile:
 *
 * The database the command targets: --url, --profile (the project's, then
 * the user's), STRATA_URL, DATABASE_URL, .env, url= in strata.ini.
 *
 * Returns: (transfer full): the profile
 */
StrataProfile *
strata_cli_resolve_profile (StrataCli  *cli,
                            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataProject *project = NULL;
  StrataStore *store = NULL;

  if (cli->url == NULL)
    {
      project = get_project_if_any (cli, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  if (cli->url == NULL && cli->profile != NULL &&
      (project == NULL || strata_project_get_profile_url (project, cli->profile) == NULL))
    {
      store = get_store (cli, FALSE, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  return strata_profile_resolve (project, store, cli->url, cli->profile, error);
}

/* Passwords from a person -------------------------------------------------- */

/* Reads one line from @stream without its end of line; NULL at end of file. */
static char *
read_line (FILE *stream)
{
  /* Sized once: growing would leave copies of the password in freed
   * memory. */
  GString *line = g_string_sized_new (MAX_PASSWORD_LENGTH + 1);
  int c;

  while ((c = getc (stream)) != EOF && c != '\n')
    {
      if (line->len < MAX_PASSWORD_LENGTH)
        g_string_append_c (line, (char)c);
    }

  if (c == EOF && line->len == 0)
    {
      g_string_free (line, TRUE);
      return NULL;
    }

  if (line->len > 0 && line->str[line->len - 1] == '\r')
    {
      line->str[line->len - 1] = '\0';
      g_string_truncate (line, line->len - 1);
    }

  return g_string_free (line, FALSE);
}

static void
free_password (char *password)
{
  if (password != NULL)
    {
      explicit_bzero (password, strlen (password));
      g_free (password);
    }
}

typedef char StrataPassword;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataPassword, free_password)

/* Asks on the terminal with echo off; the terminal is restored before
 * returning. Echo goes off (and typeahead is dropped) before the prompt
 * shows, so nothing typed in answer is ever echoed or lost. */
static char *
prompt_no_echo (const char *prompt)
{
  struct termios saved, quiet;
  gboolean restore = FALSE;
  char *password;

  if (tcgetattr (STDIN_FILENO, &saved) == 0)
    {
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
      quiet.c_lflag |= ICANON;
      restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }

  fprintf (stderr, "%s", prompt);
  fflush (stderr);

  password = read_line (stdin);

  if (restore)
    tcsetattr (STDIN_FILENO, TCSANOW, &saved);
  fputc ('\n', stderr);

  return password;
}

static char *
connect_prompt (StrataProfile *profile,
                const char    *message,
                gpointer       user_data)
{
  g_autofree char *prompt = g_strdup_printf ("%s: ", message);

  return prompt_no_echo (prompt);
}

/**
 * strata_cli_connect:
 *
 * Opens @profile's database: the password from the URL, the keyring,
 * PGPASSWORD or ~/.pgpass, else (on a terminal) a prompt.
 *
 * Returns: (transfer full): the connection
 */
StrataDriver *
strata_cli_connect (StrataCli      *cli,
                    StrataProfile  *profile,
                    GError        **error)
{
  gboolean interactive = isatty (STDIN_FILENO) && isatty (STDERR_FILENO);
  GFile *base_dir = cli->project ? strata_project_get_directory (cli->project) : NULL;

  return strata_profile_connect (profile, base_dir,
                                 interactive ? connect_prompt : NULL, NULL,
                                 cli->cancellable, error);
}

/* Output ------------------------------------------------------------------- */

static const char *
profile_label (StrataProfile *profile)
{
  return strata_profile_get_name (profile) ? strata_profile_get_name (profile) : _("(URL)");
}

static void
add_member (JsonBuilder *builder,
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
add_profile_json (JsonBuilder   *builder,
                  StrataProfile *profile,
                  const char    *password_state)
{
  g_autofree char *url = strata_profile_dup_url (profile, FALSE);

  json_builder_begin_object (builder);
  add_member (builder, "name", strata_profile_get_name (profile));
  add_member (builder, "origin", strata_profile_origin_to_string (strata_profile_get_origin (profile)));
  add_member (builder, "id", strata_profile_get_id (profile));
  add_member (builder, "engine", strata_profile_get_engine (profile));
  add_member (builder, "url", url);
  add_member (builder, "host", strata_profile_get_host (profile));
  json_builder_set_member_name (builder, "port");
  if (strata_profile_get_port (profile) != 0)
    json_builder_add_int_value (builder, strata_profile_get_port (profile));
  else
    json_builder_add_null_value (builder);
  add_member (builder, "user", strata_profile_get_user (profile));
  add_member (builder, "database", strata_profile_get_database (profile));
  add_member (builder, "path", strata_profile_get_path (profile));
  add_member (builder, "params", strata_profile_get_params (profile));
  add_member (builder, "role", strata_profile_role_to_string (strata_profile_get_role (profile)));
  add_member (builder, "notes", strata_profile_get_notes (profile));
  if (password_state != NULL)
    add_member (builder, "password", password_state);
  json_builder_end_object (builder);
}

/* Every profile the user can name: the project's, then the user's. A
 * user profile hidden by a project profile of the same name is marked. */
static GPtrArray *
collect_profiles (StrataCli  *cli,
                  GError    **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  StrataProject *project;
  StrataStore *store;

  project = get_project_if_any (cli, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (project != NULL)
    {
      g_autoptr(GPtrArray) from_project = strata_profile_load_project_profiles (project, error);

      if (from_project == NULL)
        return NULL;
      for (guint i = 0; i < from_project->len; i++)
        g_ptr_array_add (all, g_object_ref (g_ptr_array_index (from_project, i)));
    }

  store = get_store (cli, FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (store != NULL)
    {
      GListModel *model = strata_store_get_profiles (store);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (all, g_list_model_get_item (model, i));
    }

  return g_steal_pointer (&all);
}

static gboolean
profiles_list (StrataCli  *cli,
               int         argc,
               char      **argv,
               GError    **error)
{
  g_autoptr(GPtrArray) profiles = NULL;
  guint name_width = 4;

  if (argc > 1)
    return strata_cli_usage_error (error, "profiles", _("“profiles list” takes no argument"));

  if (!(profiles = collect_profiles (cli, error)))
    return FALSE;

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < profiles->len; i++)
        add_profile_json (builder, g_ptr_array_index (profiles, i), NULL);
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
      return TRUE;
    }

  if (profiles->len == 0)
    {
      strata_cli_info (cli, _("No profiles: add one with “strata profiles add NAME --url URL” "
                              "or a [profile NAME] group in strata.ini"));
      return TRUE;
    }

  for (guint i = 0; i < profiles->len; i++)
    name_width = MAX (name_width, (guint)g_utf8_strlen (profile_label (g_ptr_array_index (profiles, i)), -1));

  g_print ("%-*s  %-7s  %-11s  %s\n", name_width, _("NAME"), _("ORIGIN"), _("ROLE"), _("URL"));
  for (guint i = 0; i < profiles->len; i++)
    {
      StrataProfile *profile = g_ptr_array_index (profiles, i);
      g_autofree char *url = strata_profile_dup_url (profile, FALSE);
      const char *name = profile_label (profile);
      int pad = (int)name_width - (int)g_utf8_strlen (name, -1);

      g_print ("%s%*s  %-7s  %-11s  %s\n", name, pad, "",
               strata_profile_origin_to_string (strata_profile_get_origin (profile)),
               strata_profile_role_to_string (strata_profile_get_role (profile)),
               url);
    }

  return TRUE;
}

/* The profile called @name (the project's first), or an error. */
static StrataProfile *
find_named (StrataCli   *cli,
            const char  *name,
            GError     **error)
{
  g_autofree char *saved_url = g_steal_pointer (&cli->url);
  g_autofree char *saved_profile = g_steal_pointer (&cli->profile);
  StrataProfile *profile;

  cli->profile = g_strdup (name);
  profile = strata_cli_resolve_profile (cli, error);
  g_free (cli->profile);
  cli->profile = g_steal_pointer (&saved_profile);
  cli->url = g_steal_pointer (&saved_url);

  return profile;
}

/* "keyring", "none", "not needed", "in the URL" or "unavailable", with the
 * reason: the value of --json's "password"; _() gives the text's. */
static const char *
password_state (StrataProfile  *profile,
                GCancellable   *cancellable,
                char          **detail)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPassword) password = NULL;

  *detail = NULL;

  if (strata_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE)
    return N_("not needed");
  if (strata_profile_get_password (profile) != NULL)
    return N_("in the URL");
  if (strata_profile_get_origin (profile) == STRATA_PROFILE_ORIGIN_URL)
    return "none";

  password = strata_secret_lookup (profile, cancellable, &error);
  if (error != NULL)
    {
      *detail = g_strdup (error->message);
      return "unavailable";
    }

  return password != NULL ? "keyring" : "none";
}

static gboolean
profiles_show (StrataCli  *cli,
               int         argc,
               char      **argv,
               GError    **error)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *url = NULL;
  const char *state;

  if (argc != 2)
    return strata_cli_usage_error (error, "profiles", _("“profiles show” takes one profile name"));

  if (!(profile = find_named (cli, argv[1], error)))
    return FALSE;

  state = password_state (profile, cli->cancellable, &detail);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      add_profile_json (builder, profile, state);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
      return TRUE;
    }

  url = strata_profile_dup_url (profile, FALSE);
  g_print (_("Name:      %s\n"), strata_profile_get_name (profile));
  g_print (_("Origin:    %s\n"),
           strata_profile_get_origin (profile) == STRATA_PROFILE_ORIGIN_PROJECT ? _("project (strata.ini)")
                                                                                : _("user (your own profiles)"));
  g_print (_("Role:      %s\n"), strata_profile_role_to_string (strata_profile_get_role (profile)));
  g_print (_("URL:       %s\n"), url);
  g_print (_("Engine:    %s\n"), strata_profile_get_engine (profile));
  if (strata_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE)
    g_print (_("Path:      %s\n"), strata_profile_get_path (profile) ? strata_profile_get_path (profile) : _("(in memory)"));
  else
    {
      g_print (_("Host:      %s\n"), strata_profile_get_host (profile) ? strata_profile_get_host (profile) : _("(default)"));
      if (strata_profile_get_port (profile) != 0)
        g_print (_("Port:      %u\n"), strata_profile_get_port (profile));
      else
        g_print ("%s", _("Port:      (default)\n"));
      g_print (_("User:      %s\n"), strata_profile_get_user (profile) ? strata_profile_get_user (profile) : _("(default)"));
      g_print (_("Database:  %s\n"), strata_profile_get_database (profile) ? strata_profile_get_database (profile) : _("(default)"));
    }
  if (strata_profile_get_params (profile) != NULL)
    g_print (_("Params:    %s\n"), strata_profile_get_params (profile));
  if (strata_profile_get_notes (profile) != NULL)
    g_print (_("Notes:     %s\n"), strata_profile_get_notes (profile));

  if (g_str_equal (state, "keyring"))
    g_print ("%s", _("Password:  in the keyring\n"));
  else if (g_str_equal (state, "none"))
    g_print ("%s", _("Password:  not in the keyring (PGPASSWORD, ~/.pgpass or a prompt)\n"));
  else if (g_str_equal (state, "unavailable"))
    g_print (_("Password:  unknown: %s\n"), detail);
  else
    g_print (_("Password:  %s\n"), _(state));

  return TRUE;
}

static gboolean
parse_role (const char         *text,
            StrataProfileRole  *role,
            GError            **error)
{
  if (text != NULL && !strata_profile_role_from_string (text, role))
    return strata_cli_usage_error (error, "profiles",
                                   _("unknown role “%s” (development, staging or production)"), text);
  return TRUE;
}

static gboolean
profiles_add (StrataCli   *cli,
              int          argc,
              char       **argv,
              const char  *role_text,
              const char  *notes,
              GError     **error)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataPassword) password = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  StrataProfileRole role = STRATA_PROFILE_ROLE_DEVELOPMENT;
  StrataProject *project;
  StrataStore *store;
  const char *name;

  if (argc != 2)
    return strata_cli_usage_error (error, "profiles", _("“profiles add” takes one profile name and --url URL"));
  if (cli->url == NULL)
    return strata_cli_usage_error (error, "profiles", _("“profiles add %s” needs --url URL"), argv[1]);
  if (!parse_role (role_text, &role, error))
    return FALSE;

  name = argv[1];
  if (!(profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, name, cli->url, error)))
    return FALSE;
  strata_profile_set_role (profile, role);
  strata_profile_set_notes (profile, notes);

  /* A user profile is not tied to a project: a relative SQLite path is
   * taken from where the command runs. */
  if (strata_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE &&
      strata_profile_get_path (profile) != NULL &&
      !g_path_is_absolute (strata_profile_get_path (profile)) &&
      !g_str_equal (strata_profile_get_path (profile), ":memory:"))
    {
      g_autofree char *absolute = g_canonicalize_filename (strata_profile_get_path (profile), NULL);

      strata_profile_set_path (profile, absolute);
    }

  if (!strata_profile_validate (profile, error))
    return FALSE;

  if (!(store = get_store (cli, TRUE, error)))
    return FALSE;
  if (strata_store_lookup_profile (store, name) != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("a profile named “%s” already exists (remove it first, or pick another name)"), name);
      return FALSE;
    }

  /* The password goes to the keyring first: if it cannot, nothing is
   * added, and it never reaches the store. */
  password = g_strdup (strata_profile_get_password (profile));
  strata_profile_set_password (profile, NULL);
  if (password != NULL && !strata_secret_store (profile, password, cli->cancellable, &local_error))
    {
      g_set_error (error, STRATA_ERROR, local_error->code,
                   _("profile “%s” not added: %s. Add it without the password and use "
                     "PGPASSWORD or ~/.pgpass, or “strata profiles set-password %s” later"),
                   name, local_error->message, name);
      return FALSE;
    }

  if (!strata_store_add_profile (store, profile, error))
    {
      if (password != NULL)
        strata_secret_clear (profile, NULL, cli->cancellable, NULL);
      return FALSE;
    }

  project = get_project_if_any (cli, NULL);
  if (project != NULL && strata_project_get_profile_url (project, name) != NULL)
    strata_cli_info (cli, _("Note: this project's strata.ini has a profile “%s” too; "
                            "--profile %s picks that one here"), name, name);

  display = strata_profile_dup_url (profile, FALSE);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      add_profile_json (builder, profile, password ? "keyring" : "none");
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }
  else if (password != NULL)
    g_print (_("Added profile “%s”: %s (password in the keyring)\n"), name, display);
  else
    g_print (_("Added profile “%s”: %s\n"), name, display);

  if (password != NULL)
    strata_cli_info (cli, _("Tip: a password typed on the command line stays in your shell's history; "
                            "“strata profiles set-password %s” reads it without echo"), name);

  return TRUE;
}

static gboolean
profiles_remove (StrataCli  *cli,
                 int         argc,
                 char      **argv,
                 GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  StrataProfile *profile;
  StrataStore *store;
  g_autoptr(StrataProfile) keep = NULL;

  if (argc != 2)
    return strata_cli_usage_error (error, "profiles", _("“profiles remove” takes one profile name"));

  store = get_store (cli, FALSE, error);
  if (store == NULL || !(profile = strata_store_lookup_profile (store, argv[1])))
    {
      StrataProject *project = get_project_if_any (cli, NULL);

      g_clear_error (error);
      if (project != NULL && strata_project_get_profile_url (project, argv[1]) != NULL)
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                     _("profile “%s” belongs to the project: remove its [profile %s] group from strata.ini"),
                     argv[1], argv[1]);
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                     _("you have no profile named “%s” (see “strata profiles list”)"), argv[1]);
      return FALSE;
    }

  keep = g_object_ref (profile);
  if (!strata_store_remove_profile (store, keep, error))
    return FALSE;

  if (strata_profile_get_dialect (keep) != STRATA_DIALECT_SQLITE &&
      !strata_secret_clear (keep, NULL, cli->cancellable, &local_error))
    strata_cli_info (cli, _("Warning: %s; remove it with your keyring's manager"), local_error->message);

  strata_cli_info (cli, _("Removed profile “%s”"), argv[1]);
  return TRUE;
}

static gboolean
profiles_test (StrataCli  *cli,
               int         argc,
               char      **argv,
               GError    **error)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(StrataResult) result = NULL;
  g_autofree char *display = NULL;
  g_autofree char *version = NULL;

  if (argc > 2)
    return strata_cli_usage_error (error, "profiles", _("“profiles test” takes at most one profile name"));

  profile = argc == 2 ? find_named (cli, argv[1], error) : strata_cli_resolve_profile (cli, error);
  if (profile == NULL)
    return FALSE;

  if (!(driver = strata_cli_connect (cli, profile, error)))
    return FALSE;

  result = strata_driver_query (driver,
                                strata_driver_get_dialect (driver) == STRATA_DIALECT_SQLITE
                                  ? "SELECT 'SQLite ' || sqlite_version()"
                                  : "SELECT 'PostgreSQL ' || current_setting('server_version')",
                                cli->cancellable, error);
  if (result == NULL)
    return FALSE;
  version = g_strdup (strata_result_get_value (result, 0, 0));

  display = strata_profile_dup_display_url (profile);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      add_member (builder, "profile", strata_profile_get_name (profile));
      add_member (builder, "url", display);
      add_member (builder, "server", version);
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      strata_cli_print_json (root);
    }
  else
    g_print (_("Connected to %s (%s)\n"), display, version);

  return TRUE;
}

/* The new password: typed twice without echo on a terminal, else the first
 * line of standard input. */
static char *
read_new_password (StrataProfile  *profile,
                   GError        **error)
{
  g_autoptr(StrataPassword) first = NULL;
  g_autoptr(StrataPassword) again = NULL;

  if (!isatty (STDIN_FILENO))
    {
      if (!(first = read_line (stdin)) || *first == '\0')
        {
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                       _("no password on standard input for profile “%s” "
                         "(to remove the stored one, use --clear)"),
                       profile_label (profile));
          return NULL;
        }
      return g_steal_pointer (&first);
    }

  {
    g_autofree char *prompt = g_strdup_printf (_("New password for profile “%s”: "), profile_label (profile));

    first = prompt_no_echo (prompt);
  }
  if (first == NULL || *first == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("no password given for profile “%s” (to remove the stored one, use --clear)"),
                   profile_label (profile));
      return NULL;
    }

  again = prompt_no_echo (_("Again: "));
  if (again == NULL || !g_str_equal (first, again))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("the passwords for profile “%s” differ: nothing was changed"), profile_label (profile));
      return NULL;
    }

  return g_steal_pointer (&first);
}

static gboolean
profiles_set_password (StrataCli  *cli,
                       int         argc,
                       char      **argv,
                       gboolean    clear,
                       GError    **error)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataPassword) password = NULL;
  g_autoptr(GError) local_error = NULL;

  if (argc != 2)
    return strata_cli_usage_error (error, "profiles", _("“profiles set-password” takes one profile name"));

  if (!(profile = find_named (cli, argv[1], error)))
    return FALSE;

  if (strata_profile_get_dialect (profile) == STRATA_DIALECT_SQLITE)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s” is a SQLite database: it has no password"), argv[1]);
      return FALSE;
    }

  if (clear)
    {
      gboolean removed = FALSE;

      if (!strata_secret_clear (profile, &removed, cli->cancellable, error))
        return FALSE;
      strata_cli_info (cli, removed ? _("Removed the password of profile “%s” from the keyring")
                                    : _("The keyring held no password for profile “%s”"),
                       argv[1]);
      return TRUE;
    }

  if (!(password = read_new_password (profile, error)))
    return FALSE;

  if (!strata_secret_store (profile, password, cli->cancellable, &local_error))
    {
      if (local_error->code != STRATA_ERROR_SECRET)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_SECRET,
                     _("%s; without a keyring, give the password through PGPASSWORD or ~/.pgpass"),
                     local_error->message);
      return FALSE;
    }

  strata_cli_info (cli, _("Stored the password of profile “%s” in the keyring"), argv[1]);
  return TRUE;
}

static const struct
{
  const char *name;
  const char *summary;
} subcommands[] = {
  { "list", N_("list the project's and your own profiles") },
  { "show NAME", N_("show a profile (and whether the keyring has its password)") },
  { "add NAME --url URL [--role ROLE] [--notes TEXT]", N_("add one of your own profiles") },
  { "remove NAME", N_("remove one of your profiles and its password") },
  { "test [NAME]", N_("connect to a profile's database") },
  { "set-password NAME [--clear]", N_("store (or remove) a profile's password in the keyring") },
};

gboolean
strata_cli_profiles (StrataCli  *cli,
                     int         argc,
                     char      **argv,
                     GError    **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *role = NULL;
  g_autofree char *notes = NULL;
  g_autoptr(GString) description = g_string_new (_("Subcommands:"));
  gboolean clear = FALSE;
  const GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("add: development, staging or production"), "ROLE" },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_("add: notes for the people who use it"), "TEXT" },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, N_("set-password: remove the stored password"), NULL },
    { NULL }
  };
  const char *sub;

  g_string_append_c (description, '\n');
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    g_string_append_printf (description, "  %-50s %s\n", subcommands[i].name, _(subcommands[i].summary));
  g_string_append (description,
                   _("\nProfiles come from the project's strata.ini ([profile NAME], shared, no passwords)\n"
                     "and from your own store; passwords live in the keyring, keyed by profile."));

  context = strata_cli_option_context_new (cli, "profiles", entries);
  g_option_context_set_description (context, description->str);
  if (!strata_cli_parse (cli, context, &argc, &argv, error))
    return FALSE;

  if (argc < 2)
    return strata_cli_usage_error (error, "profiles", _("give a subcommand: list, show, add, remove, test or set-password"));

  sub = argv[1];
  argc--;
  argv++;

  if ((role != NULL || notes != NULL) && !g_str_equal (sub, "add"))
    return strata_cli_usage_error (error, "profiles", _("--role and --notes go with “profiles add”"));
  if (clear && !g_str_equal (sub, "set-password"))
    return strata_cli_usage_error (error, "profiles", _("--clear goes with “profiles set-password”"));
  if (cli->url != NULL && !g_str_equal (sub, "add") && !g_str_equal (sub, "test"))
    return strata_cli_usage_error (error, "profiles", _("--url goes with “profiles add” or “profiles test”"));

  if (g_str_equal (sub, "list"))
    return profiles_list (cli, argc, argv, error);
  if (g_str_equal (sub, "show"))
    return profiles_show (cli, argc, argv, error);
  if (g_str_equal (sub, "add"))
    return profiles_add (cli, argc, argv, role, notes, error);
  if (g_str_equal (sub, "remove"))
    return profiles_remove (cli, argc, argv, error);
  if (g_str_equal (sub, "test"))
    return profiles_test (cli, argc, argv, error);
  if (g_str_equal (sub, "set-password"))
    return profiles_set_password (cli, argc, argv, clear, error);

  return strata_cli_usage_error (error, "profiles", _("unknown subcommand “%s”"), sub);
}
