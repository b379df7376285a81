/* test-script.c: migration files: parse, validate, canonical form, checksum,
 * write
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-test-util.h"

#define FILENAME "migrations/ae10_add.json"

static const char *full_file =
  "{\n"
  "  \"revision\": \"ae1027a6acf0\",\n"
  "  \"down_revision\": \"1975ea83b712\",\n"
  "  \"branch_labels\": [\"shoppingcart\"],\n"
  "  \"depends_on\": [\"27c6a30d7c24\"],\n"
  "  \"message\": \"add account table\",\n"
  "  \"created\": \"2026-11-21T10:00:00Z\",\n"
  "  \"transactional\": true,\n"
  "  \"upgrade\":   [ { \"op\": \"create_table\", \"table\": \"account\", \"columns\": [\n"
  "                   {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},\n"
  "                   {\"name\": \"email\", \"type\": \"varchar(255)\", \"nullable\": false} ],\n"
  "                 \"indexes\": [ {\"name\": \"ix_account_email\", \"columns\": [\"email\"], \"unique\": true} ] },\n"
  "                 {\"op\": \"insert\", \"table\": \"account\", \"rows\": [{\"email\": \"root@example.com\"}]} ],\n"
  "  \"downgrade\": [ { \"op\": \"drop_table\", \"table\": \"account\" } ]\n"
  "}\n";

static const char *full_canonical =
  "{\n"
  "  \"revision\": \"ae1027a6acf0\",\n"
  "  \"down_revision\": \"1975ea83b712\",\n"
  "  \"branch_labels\": [\"shoppingcart\"],\n"
  "  \"depends_on\": [\"27c6a30d7c24\"],\n"
  "  \"message\": \"add account table\",\n"
  "  \"created\": \"2026-11-21T10:00:00Z\",\n"
  "  \"upgrade\": [\n"
  "    {\n"
  "      \"op\": \"create_table\",\n"
  "      \"table\": \"account\",\n"
  "      \"columns\": [\n"
  "        {\"name\": \"id\", \"type\": \"integer\", \"primary_key\": true, \"autoincrement\": true},\n"
  "        {\"name\": \"email\", \"type\": \"varchar(255)\", \"nullable\": false}\n"
  "      ],\n"
  "      \"indexes\": [\n"
  "        {\"name\": \"ix_account_email\", \"columns\": [\"email\"], \"unique\": true}\n"
  "      ]\n"
  "    },\n"
  "    {\n"
  "      \"op\": \"insert\",\n"
  "      \"table\": \"account\",\n"
  "      \"rows\": [{\"email\": \"root@example.com\"}]\n"
  "    }\n"
  "  ],\n"
  "  \"downgrade\": [{\"op\": \"drop_table\", \"table\": \"account\"}]\n"
  "}\n";

/* The same revision: other key order, other spacing, defaults written out. */
static const char *full_reordered =
  "{\"downgrade\":[{\"table\":\"account\",\"op\":\"drop_table\"}],\"upgrade\":[{\"indexes\":[{\"unique\":true,"
  "\"columns\":[\"email\"],\"name\":\"ix_account_email\",\"where\":null}],\"columns\":[{\"type\":\"integer\","
  "\"name\":\"id\",\"autoincrement\":true,\"primary_key\":true},{\"nullable\":false,\"name\":\"email\","
  "\"type\":\"varchar(255)\",\"default\":null}],\"table\":\"account\",\"op\":\"create_table\"},"
  "{\"rows\":[{\"email\":\"root@example.com\"}],\"table\":\"account\",\"op\":\"insert\"}],"
  "\"created\":\"2026-11-21T10:00:00+00:00\",\"message\":\"add account table\","
  "\"depends_on\":\"27c6a30d7c24\",\"branch_labels\":\"shoppingcart\",\"down_revision\":[\"1975ea83b712\"],"
  "\"revision\":\"ae1027a6acf0\"}";

static StrataScript *
parse_script (const char *data)
{
  g_autoptr(GError) error = NULL;
  StrataScript *script = strata_script_new_from_data (data, -1, FILENAME, &error);

  g_assert_no_error (error);
  g_assert_nonnull (script);
  return script;
}

static void
test_parse_full (void)
{
  g_autoptr(StrataScript) script = parse_script (full_file);
  g_autofree char *created = NULL;
  GPtrArray *upgrade;

  g_assert_cmpstr (strata_script_get_revision (script), ==, "ae1027a6acf0");
  g_assert_cmpstrv (strata_script_get_down_revisions (script), ((const char *[]) { "1975ea83b712", NULL }));
  g_assert_false (strata_script_is_base (script));
  g_assert_false (strata_script_is_merge (script));
  g_assert_cmpstrv (strata_script_get_branch_labels (script), ((const char *[]) { "shoppingcart", NULL }));
  g_assert_cmpstrv (strata_script_get_depends_on (script), ((const char *[]) { "27c6a30d7c24", NULL }));
  g_assert_cmpstr (strata_script_get_message (script), ==, "add account table");
  created = g_date_time_format_iso8601 (strata_script_get_created (script));
  g_assert_cmpstr (created, ==, "2026-11-21T10:00:00Z");
  g_assert_true (strata_script_get_transactional (script));
  upgrade = strata_script_get_upgrade (script);
  g_assert_cmpuint (upgrade->len, ==, 2);
  g_assert_cmpint (strata_op_get_kind (g_ptr_array_index (upgrade, 0)), ==, STRATA_OP_CREATE_TABLE);
  g_assert_cmpuint (strata_script_get_downgrade (script)->len, ==, 1);
  g_assert_null (strata_script_get_file (script));
  g_assert_cmpuint (strlen (strata_script_get_checksum (script)), ==, 64);
}

static void
test_parse_minimal (void)
{
  g_autoptr(StrataScript) base = parse_script ("{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": []}");
  g_autoptr(StrataScript) merge = parse_script ("{\"revision\": \"m1\", \"down_revision\": [\"a1\", \"b2\"], "
                                                "\"message\": \"\", \"upgrade\": [], \"transactional\": false}");
  g_autofree char *base_data = strata_script_to_data (base, NULL);
  g_autofree char *merge_data = strata_script_to_data (merge, NULL);

  g_assert_true (strata_script_is_base (base));
  g_assert_cmpuint (g_strv_length ((char **)strata_script_get_down_revisions (base)), ==, 0);
  g_assert_null (strata_script_get_downgrade (base));
  g_assert_null (strata_script_get_message (base));
  g_assert_null (strata_script_get_created (base));
  g_assert_cmpuint (g_strv_length ((char **)strata_script_get_branch_labels (base)), ==, 0);

  g_assert_true (strata_script_is_merge (merge));
  g_assert_false (strata_script_get_transactional (merge));

  g_assert_cmpstr (base_data, ==, "{\n  \"revision\": \"a1\",\n  \"down_revision\": null,\n  \"upgrade\": []\n}\n");
  g_assert_cmpstr (merge_data, ==, "{\n  \"revision\": \"m1\",\n  \"down_revision\": [\"a1\", \"b2\"],\n"
                                   "  \"transactional\": false,\n  \"upgrade\": []\n}\n");
}

static void
test_canonical_form (void)
{
  g_autoptr(StrataScript) script = parse_script (full_file);
  g_autoptr(StrataScript) again = NULL;
  g_autofree char *data = NULL;
  g_autofree char *data_again = NULL;
  gsize length = 0;

  data = strata_script_to_data (script, &length);
  g_assert_cmpstr (data, ==, full_canonical);
  g_assert_cmpuint (length, ==, strlen (full_canonical));

  /* Canonical is a fixed point. */
  again = parse_script (data);
  data_again = strata_script_to_data (again, NULL);
  g_assert_cmpstr (data_again, ==, data);
  g_assert_cmpstr (strata_script_get_checksum (again), ==, strata_script_get_checksum (script));
}

static void
test_created_offsets (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "2026-11-21T10:00:00Z", "2026-11-21T10:00:00Z" },
    { "2026-11-21T10:00:00+00:00", "2026-11-21T10:00:00Z" },
    { "2026-11-21T11:30:00+01:30", "2026-11-21T11:30:00+01:30" },
    { "2026-11-21T10:00:00.250Z", "2026-11-21T10:00:00.250000Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"revision\": \"a1\", \"down_revision\": null, "
                                               "\"created\": \"%s\", \"upgrade\": []}", cases[i].in);
      g_autoptr(StrataScript) script = parse_script (text);
      g_autofree char *data = strata_script_to_data (script, NULL);
      g_autofree char *expected = g_strdup_printf ("  \"created\": \"%s\",\n", cases[i].out);

      g_assert_nonnull (strstr (data, expected));
    }
}

static void
test_checksum (void)
{
  g_autoptr(StrataScript) script = parse_script (full_file);
  g_autoptr(StrataScript) reordered = parse_script (full_reordered);
  g_autofree char *changed_text = g_strdup (full_file);
  g_autoptr(StrataScript) changed = NULL;
  g_autoptr(GPtrArray) ops = NULL;
  g_autofree char *before = NULL;

  g_assert_cmpstr (strata_script_get_checksum (reordered), ==, strata_script_get_checksum (script));

  /* One character of an operation changes it. */
  *strstr (changed_text, "root@") = 'R';
  changed = parse_script (changed_text);
  g_assert_cmpstr (strata_script_get_checksum (changed), !=, strata_script_get_checksum (script));

  /* And so does changing the revision through the API. */
  before = g_strdup (strata_script_get_checksum (script));
  strata_script_set_transactional (script, FALSE);
  g_assert_cmpstr (strata_script_get_checksum (script), !=, before);
  strata_script_set_transactional (script, TRUE);
  g_assert_cmpstr (strata_script_get_checksum (script), ==, before);
  ops = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  strata_script_set_downgrade (script, ops);
  g_assert_cmpstr (strata_script_get_checksum (script), !=, before);
}

typedef struct
{
  const char *data;
  const char *message;
} BadFile;

static const BadFile bad_files[] = {
  { "", FILENAME ": the file is empty" },
  { "[]", FILENAME ": a migration file must be an object, not an array" },
  { "{\n  \"revision\": \"a1\",\n  \"down_revision\": null,\n  \"upgrade\": [,]\n}",
    FILENAME ":4:15: unexpected “,”, expected a value or “]”" },
  { "{\n  \"revision\": \"a1\",\n  \"revision\": \"a2\",\n  \"down_revision\": null, \"upgrade\": []}",
    FILENAME ":3:3: duplicate key “revision”" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": [], \"upgrades\": []}",
    FILENAME ": unknown key \"upgrades\"" },
  { "{\"down_revision\": null, \"upgrade\": []}", FILENAME ": missing key \"revision\"" },
  { "{\"revision\": 12, \"down_revision\": null, \"upgrade\": []}",
    FILENAME ": key \"revision\" must be a string, not a number" },
  { "{\"revision\": \"ae10-x\", \"down_revision\": null, \"upgrade\": []}",
    FILENAME ": key \"revision\": \"ae10-x\" is not a revision id (1 to 32 letters, digits or _)" },
  { "{\"revision\": \"123456789012345678901234567890123\", \"down_revision\": null, \"upgrade\": []}",
    FILENAME ": key \"revision\": \"123456789012345678901234567890123\" is not a revision id "
    "(1 to 32 letters, digits or _)" },
  { "{\"revision\": \"a1\", \"upgrade\": []}",
    FILENAME ": missing key \"down_revision\" (null for a first revision)" },
  { "{\"revision\": \"a1\", \"down_revision\": 3, \"upgrade\": []}",
    FILENAME ": key \"down_revision\" must be null, a revision or an array of revisions" },
  { "{\"revision\": \"a1\", \"down_revision\": [], \"upgrade\": []}",
    FILENAME ": key \"down_revision\" must not be an empty array (null for a first revision)" },
  { "{\"revision\": \"a1\", \"down_revision\": [\"b1\", \"b1\"], \"upgrade\": []}",
    FILENAME ": key \"down_revision\" lists \"b1\" twice" },
  { "{\"revision\": \"a1\", \"down_revision\": [\"b1\", 7], \"upgrade\": []}",
    FILENAME ": key \"down_revision\" must be a string or an array of strings, but item 1 is not a string" },
  { "{\"revision\": \"a1\", \"down_revision\": \"a1\", \"upgrade\": []}",
    FILENAME ": key \"down_revision\": the revision cannot be its own parent" },
  { "{\"revision\": \"a1\", \"down_revision\": \"b 1\", \"upgrade\": []}",
    FILENAME ": key \"down_revision\": \"b 1\" is not a revision id (1 to 32 letters, digits or _)" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"branch_labels\": [\"head\"], \"upgrade\": []}",
    FILENAME ": key \"branch_labels\": \"head\" is not a branch label (1 to 64 letters, digits or _, "
    "not head, heads or base)" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"branch_labels\": {\"x\": 1}, \"upgrade\": []}",
    FILENAME ": key \"branch_labels\" must be a string or an array of strings" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"depends_on\": [\"x@head\"], \"upgrade\": []}",
    FILENAME ": key \"depends_on\": \"x@head\" is not a revision or branch label" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"message\": [\"x\"], \"upgrade\": []}",
    FILENAME ": key \"message\" must be a string, not an array" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"created\": \"yesterday\", \"upgrade\": []}",
    FILENAME ": key \"created\": \"yesterday\" is not an ISO 8601 date and time with a time zone "
    "(like \"2026-11-21T10:00:00Z\")" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"created\": \"2026-11-21T10:00:00\", \"upgrade\": []}",
    FILENAME ": key \"created\": \"2026-11-21T10:00:00\" is not an ISO 8601 date and time with a time zone "
    "(like \"2026-11-21T10:00:00Z\")" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"transactional\": \"no\", \"upgrade\": []}",
    FILENAME ": key \"transactional\" must be a boolean, not a string" },
  { "{\"revision\": \"a1\", \"down_revision\": null}", FILENAME ": missing key \"upgrade\"" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": {}}",
    FILENAME ": key \"upgrade\" must be an array of operations" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": [], \"downgrade\": null}",
    FILENAME ": key \"downgrade\" must be an array of operations" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": [{\"op\": \"drop_table\", \"table\": \"t\"}, "
    "{\"op\": \"drop_table\", \"tabel\": \"t\"}]}",
    FILENAME ": upgrade[1]: drop_table: unknown key \"tabel\"" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": [], \"downgrade\": [{\"op\": \"create_table\", "
    "\"table\": \"t\", \"columns\": [{\"name\": \"id\", \"type\": \"int\", \"nullable\": 0}]}]}",
    FILENAME ": downgrade[0]: create_table: columns[0]: key \"nullable\" must be a boolean, not a number" },
  { "{\"revision\": \"a1\", \"down_revision\": null, \"upgrade\": [{\"op\": \"create_index\", \"table\": \"t\", "
    "\"name\": \"ix\", \"columns\": [\"a\"], \"concurrently\": true}]}",
    FILENAME ": upgrade[0]: \"concurrently\" cannot run inside a transaction; set \"transactional\": false" },
};

static void
test_malformed (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (bad_files), >=, 20);

  for (guint i = 0; i < G_N_ELEMENTS (bad_files); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataScript) script = NULL;

      g_test_message ("bad %u: %s", i, bad_files[i].data);
      script = strata_script_new_from_data (bad_files[i].data, -1, FILENAME, &error);
      g_assert_null (script);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, bad_files[i].message);
      g_assert_cmpint (strata_error_exit_status (error), ==, 2);
    }
}

static void
test_not_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataScript) script = strata_script_new_from_data ("{\"revision\": \"\xff\"}", -1, FILENAME, &error);

  g_assert_null (script);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, FILENAME ":1:15: not valid UTF-8 text");
}

typedef struct
{
  char *dir;
  char *old_cwd;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *migrations = NULL;

  fixture->dir = strata_test_mkdtemp ();
  fixture->old_cwd = g_get_current_dir ();
  migrations = g_build_filename (fixture->dir, "migrations", NULL);
  g_assert_cmpint (g_mkdir (migrations, 0755), ==, 0);
  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_assert_cmpint (g_chdir (fixture->old_cwd), ==, 0);
  strata_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->old_cwd);
}

static void
test_read_file (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GFile) file = g_file_new_for_path ("migrations/ae1027a6acf0_add_account_table.json");
  g_autoptr(GFile) bad = g_file_new_for_path ("migrations/bad.json");
  g_autoptr(GFile) missing = g_file_new_for_path ("migrations/missing.json");
  const char *bad_text = "{\"revision\": \"a1\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(StrataScript) none = NULL;

  g_assert_true (g_file_replace_contents (file, full_file, strlen (full_file), NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  g_assert_no_error (error);

  script = strata_script_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_equal (strata_script_get_file (script), file));
  g_assert_cmpstr (strata_script_get_revision (script), ==, "ae1027a6acf0");

  /* Errors name the path relative to where we are. */
  g_assert_true (g_file_replace_contents (bad, bad_text, strlen (bad_text), NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, &error));
  none = strata_script_new_from_file (bad, &error);
  g_assert_null (none);
  g_assert_cmpstr (error->message, ==, "migrations/bad.json: missing key \"down_revision\" "
                                       "(null for a first revision)");
  g_clear_error (&error);

  none = strata_script_new_from_file (missing, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "migrations/missing.json: cannot read the file: No such file or directory");
  g_assert_cmpint (strata_error_exit_status (error), ==, 2);
}

static void
test_write (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GFile) migrations = g_file_new_for_path ("migrations");
  g_autoptr(GFile) written = NULL;
  g_autoptr(GFile) expected = g_file_new_for_path ("migrations/ae1027a6acf0_add_account_table.json");
  g_autoptr(StrataScript) script = parse_script (full_file);
  g_autoptr(StrataScript) same_revision = NULL;
  g_autoptr(StrataScript) fresh = NULL;
  g_autoptr(StrataScript) back = NULL;
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  g_autoptr(GDateTime) created = g_date_time_new_utc (2026, 11, 21, 10, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *fresh_name = NULL;
  g_autofree char *fresh_contents = NULL;
  const char *labels[] = { "main", NULL };

  g_assert_true (strata_script_write (script, migrations, &written, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_equal (written, expected));
  g_assert_true (g_file_equal (strata_script_get_file (script), expected));

  g_assert_true (g_file_load_contents (written, NULL, &contents, NULL, NULL, &error));
  g_assert_cmpstr (contents, ==, full_canonical);

  back = strata_script_new_from_file (written, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_checksum (back), ==, strata_script_get_checksum (script));

  /* Never overwrites. */
  g_assert_false (strata_script_write (script, migrations, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
  g_assert_cmpstr (error->message, ==, "migrations/ae1027a6acf0_add_account_table.json already exists");
  g_clear_error (&error);

  /* Nor writes a second file for the same revision. */
  same_revision = strata_script_new ("ae1027a6acf0", NULL, "something else");
  g_assert_false (strata_script_write (same_revision, migrations, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
  g_assert_cmpstr (error->message, ==, "migrations/ae1027a6acf0_something_else.json: revision ae1027a6acf0 "
                                       "already exists in migrations/ae1027a6acf0_add_account_table.json");
  g_clear_error (&error);

  /* A revision built in memory. */
  fresh = strata_script_new ("1975ea83b712", (const char *[]) { "ae1027a6acf0", NULL }, "Crème brûlée: v2!");
  strata_script_set_branch_labels (fresh, labels);
  strata_script_set_created (fresh, created);
  g_ptr_array_add (ops, strata_op_new_sql ("SELECT 1", NULL));
  strata_script_set_upgrade (fresh, ops);
  g_clear_object (&written);
  g_assert_true (strata_script_write (fresh, migrations, &written, &error));
  g_assert_no_error (error);
  fresh_name = g_file_get_basename (written);
  g_assert_cmpstr (fresh_name, ==, "1975ea83b712_creme_brulee_v2.json");
  g_assert_true (g_file_load_contents (written, NULL, &fresh_contents, NULL, NULL, &error));
  g_assert_cmpstr (fresh_contents, ==,
                   "{\n"
                   "  \"revision\": \"1975ea83b712\",\n"
                   "  \"down_revision\": \"ae1027a6acf0\",\n"
                   "  \"branch_labels\": [\"main\"],\n"
                   "  \"message\": \"Crème brûlée: v2!\",\n"
                   "  \"created\": \"2026-11-21T10:00:00Z\",\n"
                   "  \"upgrade\": [{\"op\": \"sql\", \"sql\": \"SELECT 1\"}]\n"
                   "}\n");
}

static void
test_revision_helpers (void)
{
  g_autofree char *id = strata_revision_generate_id ();
  g_autofree char *slug = strata_revision_slugify ("  Add   account table!! ");
  g_autofree char *empty = strata_revision_slugify ("!!!");

  g_assert_cmpuint (strlen (id), ==, 12);
  g_assert_true (strata_revision_id_is_valid (id));
  g_assert_false (strata_revision_id_is_valid (""));
  g_assert_false (strata_revision_id_is_valid ("a-b"));
  g_assert_cmpstr (slug, ==, "add_account_table");
  g_assert_cmpstr (empty, ==, "revision");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/script/parse-full", test_parse_full);
  g_test_add_func ("/strata/script/parse-minimal", test_parse_minimal);
  g_test_add_func ("/strata/script/canonical-form", test_canonical_form);
  g_test_add_func ("/strata/script/created-offsets", test_created_offsets);
  g_test_add_func ("/strata/script/checksum", test_checksum);
  g_test_add_func ("/strata/script/malformed", test_malformed);
  g_test_add_func ("/strata/script/not-utf8", test_not_utf8);
  g_test_add ("/strata/script/read-file", Fixture, NULL, fixture_set_up, test_read_file, fixture_tear_down);
  g_test_add ("/strata/script/write", Fixture, NULL, fixture_set_up, test_write, fixture_tear_down);
  g_test_add_func ("/strata/script/revision-helpers", test_revision_helpers);

  return g_test_run ();
}
