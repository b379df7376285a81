/* test-project.c: strata.ini, init, URL resolution, .env, the folder index
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-test-util.h"

typedef struct
{
  char  *dir;
  GFile *file;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *cache = NULL;

  f->dir = strata_test_mkdtemp ();
  f->file = g_file_new_for_path (f->dir);
  cache = g_build_filename (f->dir, "cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_unsetenv ("STRATA_URL");
  g_unsetenv ("DATABASE_URL");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  strata_test_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
  g_clear_object (&f->file);
}

static void
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
test_create_and_open (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autofree char *ini = g_build_filename (f->dir, "strata.ini", NULL);
  g_autofree char *model = g_build_filename (f->dir, "schema.json", NULL);
  g_autofree char *migrations = g_build_filename (f->dir, "migrations", NULL);
  g_auto(GStrv) profiles = NULL;

  g_assert_true (strata_project_create (f->file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (ini, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (migrations, G_FILE_TEST_IS_DIR));

  g_assert_false (strata_project_create (f->file, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
  g_assert_nonnull (strstr (error->message, "already exists"));
  g_clear_error (&error);

  project = strata_project_open (f->file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_project_get_version_table (project), ==, "strata_version");
  g_assert_cmpstr (strata_project_get_history_table (project), ==, "strata_history");
  g_assert_cmpstr (strata_project_get_url (project), ==, "sqlite:///app.db");
  profiles = strata_project_list_profiles (project);
  g_assert_cmpuint (g_strv_length (profiles), ==, 0);
}

static void
test_open_errors (Fixture       *f,
                  gconstpointer  data)
{
  struct {
    const char *contents;
    const char *expected;
  } cases[] = {
    { NULL, "no such file" },
    { "[other]\nx=1\n", "no [strata] group" },
    { "[strata]\nmigration=m\n", "unknown key “migration” in [strata]" },
    { "[strata]\n[staging]\nurl=x\n", "unknown group [staging]" },
    { "[strata]\n[profile prod]\npassword=hunter2\n", "unknown key “password” in [profile prod]" },
    { "[strata]\nversion-table=bad name\n", "version-table “bad name” is not a valid table name" },
    { "[strata]\nhistory-table=1abc\n", "history-table “1abc” is not a valid table name" },
    { "this is not an ini file\n", "strata.ini" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProject) project = NULL;
      g_autofree char *ini = g_build_filename (f->dir, "strata.ini", NULL);

      g_unlink (ini);
      if (cases[i].contents != NULL)
        write_file (f, "strata.ini", cases[i].contents);

      project = strata_project_open (f->file, &error);
      g_assert_null (project);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
      g_test_message ("case %u: %s", i, error->message);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
      g_assert_nonnull (strstr (error->message, "strata.ini"));
    }
}

static void
test_resolve_url (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  char *url;

  write_file (f, "strata.ini",
              "[strata]\nurl=sqlite:///ini.db\n\n[profile prod]\nurl=postgresql://app@db/app\n");
  project = strata_project_open (f->file, &error);
  g_assert_no_error (error);

  url = strata_project_resolve_url (project, NULL, NULL, &error);
  g_assert_cmpstr (url, ==, "sqlite:///ini.db");
  g_free (url);

  write_file (f, ".env", "# comment\n\nexport DATABASE_URL=\"sqlite:///dotenv.db\"  # trailing\n");
  url = strata_project_resolve_url (project, NULL, NULL, &error);
  g_assert_cmpstr (url, ==, "sqlite:///dotenv.db");
  g_free (url);

  g_setenv ("DATABASE_URL", "sqlite:///database_url.db", TRUE);
  url = strata_project_resolve_url (project, NULL, NULL, &error);
  g_assert_cmpstr (url, ==, "sqlite:///database_url.db");
  g_free (url);

  g_setenv ("STRATA_URL", "sqlite:///strata_url.db", TRUE);
  url = strata_project_resolve_url (project, NULL, NULL, &error);
  g_assert_cmpstr (url, ==, "sqlite:///strata_url.db");
  g_free (url);

  url = strata_project_resolve_url (project, NULL, "prod", &error);
  g_assert_cmpstr (url, ==, "postgresql://app@db/app");
  g_free (url);

  url = strata_project_resolve_url (project, "sqlite://", "prod", &error);
  g_assert_cmpstr (url, ==, "sqlite://");
  g_free (url);

  url = strata_project_resolve_url (project, NULL, "nope", &error);
  g_assert_null (url);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_clear_error (&error);

  g_unsetenv ("STRATA_URL");
  g_unsetenv ("DATABASE_URL");
}

static void
test_dotenv (void)
{
  const char *text =
    "# a comment\n"
    "\n"
    "PLAIN=value\n"
    "  SPACED = padded value   \n"
    "export EXPORTED=yes\n"
    "SINGLE='it has # and \\n verbatim'\n"
    "DOUBLE=\"line\\nbreak \\\"quoted\\\"\"\n"
    "COMMENTED=abc # not part\n"
    "HASH=abc#def\n"
    "EMPTY=\n"
    "URL=postgresql://u:p%40ss@h/db?sslmode=require\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) env = strata_dotenv_parse (text, "t.env", &error);
  struct {
    const char *text;
    const char *expected;
  } bad[] = {
    { "NOEQUALS\n", "t.env:1: expected KEY=VALUE" },
    { "A=1\n1BAD=x\n", "t.env:2: “1BAD” is not a valid variable name" },
    { "Q=\"open\n", "t.env:1: unterminated double quote" },
    { "Q='open\n", "t.env:1: unterminated single quote" },
    { "Q=\"x\" y\n", "t.env:1: unexpected text after the closing quote" },
  };

  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (env, "PLAIN"), ==, "value");
  g_assert_cmpstr (g_hash_table_lookup (env, "SPACED"), ==, "padded value");
  g_assert_cmpstr (g_hash_table_lookup (env, "EXPORTED"), ==, "yes");
  g_assert_cmpstr (g_hash_table_lookup (env, "SINGLE"), ==, "it has # and \\n verbatim");
  g_assert_cmpstr (g_hash_table_lookup (env, "DOUBLE"), ==, "line\nbreak \"quoted\"");
  g_assert_cmpstr (g_hash_table_lookup (env, "COMMENTED"), ==, "abc");
  g_assert_cmpstr (g_hash_table_lookup (env, "HASH"), ==, "abc#def");
  g_assert_cmpstr (g_hash_table_lookup (env, "EMPTY"), ==, "");
  g_assert_cmpstr (g_hash_table_lookup (env, "URL"), ==, "postgresql://u:p%40ss@h/db?sslmode=require");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(GHashTable) none = strata_dotenv_parse (bad[i].text, "t.env", &bad_error);

      g_assert_null (none);
      g_assert_error (bad_error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_cmpstr (bad_error->message, ==, bad[i].expected);
    }
}

static void
write_revision (Fixture    *f,
                const char *name,
                const char *revision,
                const char *down,
                const char *message)
{
  g_autofree char *path = g_build_filename ("migrations", name, NULL);
  g_autofree char *text = g_strdup_printf ("{\"revision\": \"%s\", \"down_revision\": %s, \"message\": \"%s\", "
                                           "\"upgrade\": [{\"op\": \"sql\", \"sql\": \"CREATE TABLE t_%s (id integer)\"}]}",
                                           revision, down, message, revision);
  write_file (f, path, text);
}

static void
test_index (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GPtrArray) third = NULL;
  g_autoptr(GPtrArray) fourth = NULL;
  g_autofree char *path = NULL;

  g_assert_true (strata_project_create (f->file, &error));
  project = strata_project_open (f->file, &error);
  g_assert_no_error (error);

  write_revision (f, "a1_one.json", "a1", "null", "one\\ttab");
  write_revision (f, "b2_two.json", "b2", "\"a1\"", "two");

  first = strata_project_load_scripts (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 2);

  /* Second load comes from the index: same metadata, same checksum, and the
   * operations are still there when asked for. */
  second = strata_project_load_scripts (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      StrataScript *a = g_ptr_array_index (first, i);
      StrataScript *b = g_ptr_array_index (second, i);

      g_assert_cmpstr (strata_script_get_revision (a), ==, strata_script_get_revision (b));
      g_assert_cmpstr (strata_script_get_message (a), ==, strata_script_get_message (b));
      g_assert_cmpstr (strata_script_get_checksum (a), ==, strata_script_get_checksum (b));
      g_assert_true (g_strv_equal (strata_script_get_down_revisions (a), strata_script_get_down_revisions (b)));
      g_assert_true (strata_script_ensure_loaded (b, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (strata_script_get_upgrade (b)->len, ==, 1);
    }

  /* A changed file is parsed again. */
  write_revision (f, "b2_two.json", "b2", "\"a1\"", "two, edited");
  third = strata_project_load_scripts (project, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_message (g_ptr_array_index (third, 1)), ==, "two, edited");

  /* A file added between two indexed ones, without a message: from its
   * file, then from the index, it reads the same. */
  write_revision (f, "a5_middle.json", "a5", "\"a1\"", "");
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GPtrArray) scripts = strata_project_load_scripts (project, &error);
      const char *expected[] = { "a1", "a5", "b2" };

      g_assert_no_error (error);
      g_assert_cmpuint (scripts->len, ==, 3);
      for (guint i = 0; i < 3; i++)
        g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (scripts, i)), ==, expected[i]);
      g_assert_null (strata_script_get_message (g_ptr_array_index (scripts, 1)));
      g_assert_cmpstr (strata_script_get_message (g_ptr_array_index (scripts, 2)), ==, "two, edited");
    }
  path = g_build_filename (f->dir, "migrations", "a5_middle.json", NULL);
  g_unlink (path);
  g_clear_pointer (&path, g_free);

  /* A broken file is reported even though the index knew it. */
  write_file (f, "migrations/b2_two.json", "{\"revision\": \"b2\", \"upgrade\": [");
  fourth = strata_project_load_scripts (project, &error);
  g_assert_null (fourth);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "b2_two.json"));
  g_clear_error (&error);

  /* A removed file disappears. */
  path = g_build_filename (f->dir, "migrations", "b2_two.json", NULL);
  g_unlink (path);
  g_clear_pointer (&fourth, g_ptr_array_unref);
  fourth = strata_project_load_scripts (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fourth->len, ==, 1);
}

static StrataPlan *
plan_up (StrataGraph  *graph,
         const char   *target,
         GError      **error)
{
  return strata_graph_plan_upgrade (graph, NULL, target, error);
}

/* Issue 14, item 9: one broken file does not block the project. */
static void
test_broken (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(GPtrArray) broken = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  StrataScript *script;

  g_assert_true (strata_project_create (f->file, &error));
  g_assert_no_error (error);
  write_revision (f, "a1_base.json", "a1", "null", "base");
  /* Valid JSON, not a valid migration: its place can be read. */
  write_file (f, "migrations/b2_mid.json",
              "{\"revision\": \"b2\", \"down_revision\": \"a1\", \"message\": \"mid\",\n"
              " \"upgrades\": []}\n");
  write_revision (f, "c3_top.json", "c3", "\"b2\"", "top");
  write_revision (f, "d4_side.json", "d4", "\"a1\"", "side");
  /* Not JSON: its id can be read, its down_revision cannot. */
  write_file (f, "migrations/e5_bad.json", "{\n  \"revision\": \"e5\",\n  oops\n}\n");
  write_revision (f, "f6_after.json", "f6", "\"e5\"", "after");

  project = strata_project_open (f->file, &error);
  g_assert_no_error (error);

  /* The strict loader still names the first bad file. */
  scripts = strata_project_load_scripts (project, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "b2_mid.json"));
  g_assert_null (scripts);
  g_clear_error (&error);

  graph = strata_project_load_graph (project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_graph_get_n_revisions (graph), ==, 6);

  heads = strata_graph_get_heads (graph);
  g_assert_cmpuint (heads->len, ==, 3);
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (heads, 0)), ==, "c3");
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (heads, 1)), ==, "d4");
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (heads, 2)), ==, "f6");

  broken = strata_graph_get_broken (graph);
  g_assert_cmpuint (broken->len, ==, 2);
  script = strata_graph_lookup (graph, "b2");
  g_assert_true (g_ptr_array_find (broken, script, NULL));
  g_assert_cmpstr (strata_script_get_message (script), ==, "mid");
  /* Named relative to the project, whatever the working directory. */
  g_assert_true (g_str_has_prefix (strata_script_get_error (script)->message, "migrations/b2_mid.json"));
  g_assert_nonnull (strstr (strata_script_get_error (script)->message, "upgrades"));
  g_assert_false (strata_script_ensure_loaded (script, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_clear_error (&error);

  /* e5's file gives its id, not its parent: f6 names it, so e5 is a
   * broken base carrying the parser's message with line:column. */
  script = strata_graph_lookup (graph, "e5");
  g_assert_nonnull (script);
  g_assert_true (g_ptr_array_find (broken, script, NULL));
  g_assert_true (g_str_has_prefix (strata_script_get_error (script)->message, "migrations/e5_bad.json:3:"));
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (strata_graph_get_bases (graph), 1)), ==, "e5");

  /* Plans that need a broken revision are refused, naming its file. */
  plan = plan_up (graph, "c3", &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Cannot upgrade to c3: it needs revision b2"));
  g_assert_nonnull (strstr (error->message, "migrations/b2_mid.json"));
  g_assert_null (plan);
  g_clear_error (&error);
  plan = plan_up (graph, "f6", &error);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "migrations/e5_bad.json:3:"));
  g_clear_error (&error);
  plan = plan_up (graph, "heads", &error);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Nor is a broken revision stamped (one above it may be: that needs
   * none of its operations) */
  {
    g_auto(GStrv) rows = strata_graph_plan_stamp (graph, NULL, "c3", FALSE, &error);

    g_assert_no_error (error);
    g_assert_cmpstrv (rows, ((const char * const[]) { "c3", NULL }));
    g_clear_pointer (&rows, g_strfreev);
    rows = strata_graph_plan_stamp (graph, NULL, "b2", FALSE, &error);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
    g_assert_true (g_str_has_prefix (error->message, "Cannot stamp b2: revision b2 is broken: migrations/b2_mid.json"));
    g_assert_null (rows);
    g_clear_error (&error);
  }

  /* Those that do not are not. */
  plan = plan_up (graph, "d4", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 2);
  g_clear_object (&plan);
  {
    const char * const at_d4[] = { "d4", NULL };

    plan = strata_graph_plan_downgrade (graph, at_d4, "base", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 2);
    g_clear_object (&plan);
  }

  /* The session hands out the same graph and refuses the same plans */
  {
    g_autoptr(StrataSession) session = strata_session_new (project, NULL);
    StrataGraph *shared = strata_session_get_graph (session, &error);
    g_autoptr(GPtrArray) also_broken = NULL;

    g_assert_no_error (error);
    also_broken = strata_graph_get_broken (shared);
    g_assert_cmpuint (also_broken->len, ==, 2);
    plan = strata_session_plan (session, STRATA_DIRECTION_UP, NULL, "c3", &error);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "migrations/b2_mid.json"));
    g_assert_null (plan);
    g_clear_error (&error);
    plan = strata_session_plan (session, STRATA_DIRECTION_UP, NULL, "d4", &error);
    g_assert_no_error (error);
    g_clear_object (&plan);
  }

  /* A file with nothing readable has no place: the heads may be wrong, so
   * an upgrade to them is refused; one to a revision by id is not. */
  write_file (f, "migrations/zz_junk.json", "not json at all");
  g_clear_object (&graph);
  g_clear_pointer (&broken, g_ptr_array_unref);
  graph = strata_project_load_graph (project, &error);
  g_assert_no_error (error);
  broken = strata_graph_get_broken (graph);
  g_assert_cmpuint (broken->len, ==, 3);
  script = g_ptr_array_index (broken, 2);
  g_assert_null (strata_script_get_revision (script));
  g_assert_true (g_str_has_prefix (strata_script_get_error (script)->message, "migrations/zz_junk.json:1:"));
  plan = plan_up (graph, "d4", &error);
  g_assert_no_error (error);
  g_clear_object (&plan);
  {
    const char * const at_d4[] = { "d4", NULL };

    plan = strata_graph_plan_upgrade (graph, at_d4, "d4@head", &error);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
    g_assert_nonnull (strstr (error->message, "may hold a head: migrations/zz_junk.json:1:"));
    g_assert_null (plan);
    g_clear_error (&error);
  }

  /* A revision named by a good one and found nowhere, with no broken file
   * to explain it, is still a graph error. */
  {
    g_autofree char *junk = g_build_filename (f->dir, "migrations", "zz_junk.json", NULL);
    g_autofree char *bad = g_build_filename (f->dir, "migrations", "e5_bad.json", NULL);

    g_assert_no_errno (g_unlink (junk));
    g_assert_no_errno (g_unlink (bad));
  }
  g_clear_object (&graph);
  graph = strata_project_load_graph (project, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_GRAPH);
  g_assert_nonnull (strstr (error->message, "e5"));
  g_assert_null (graph);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/strata/project/create-and-open", Fixture, NULL, fixture_setup, test_create_and_open, fixture_teardown);
  g_test_add ("/strata/project/open-errors", Fixture, NULL, fixture_setup, test_open_errors, fixture_teardown);
  g_test_add ("/strata/project/resolve-url", Fixture, NULL, fixture_setup, test_resolve_url, fixture_teardown);
  g_test_add_func ("/strata/project/dotenv", test_dotenv);
  g_test_add ("/strata/project/index", Fixture, NULL, fixture_setup, test_index, fixture_teardown);
  g_test_add ("/strata/project/broken", Fixture, NULL, fixture_setup, test_broken, fixture_teardown);

  return g_test_run ();
}
