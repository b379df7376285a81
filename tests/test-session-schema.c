/* test-session-schema.c: the session's schema use cases on the example
 * project and a SQLite file: the schema at a target and before a revision
 * (replayed, no database), the live schema, and drift with a repair script
 * that brings the database back and a revision that adopts the change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-session-schema"

#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "strata.h"
#include "strata-test-util.h"

#define HEAD "8b4e0f6a2c18"
#define ISBN "6f2c8d4e0a96"

typedef struct
{
  char          *dir;
  char          *db_path;
  StrataProject *project;
  StrataProfile *profile;
  StrataSession *session;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autofree char *examples = strata_test_source_path ("data/examples/bookshop");

  directory = g_file_new_for_path (examples);
  f->project = strata_project_open (directory, &error);
  g_assert_no_error (error);

  f->dir = strata_test_mkdtemp ();
  f->db_path = g_build_filename (f->dir, "shop.db", NULL);
  f->profile = strata_profile_new ("shop");
  strata_profile_set_engine (f->profile, "sqlite");
  strata_profile_set_path (f->profile, f->db_path);
  f->session = strata_session_new (f->project, f->profile);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->profile);
  g_clear_object (&f->project);
  strata_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db_path);
}

static void
upgrade (Fixture *f)
{
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = strata_session_plan (f->session, STRATA_DIRECTION_UP, (const char * const[]) { NULL }, "head", &error);
  g_assert_no_error (error);
  g_assert_true (strata_session_apply (f->session, plan, NULL, &error));
  g_assert_no_error (error);
}

static void
execute (Fixture    *f,
         const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static gboolean
has_column (StrataModel *model,
            const char  *table,
            const char  *column)
{
  StrataTable *found = strata_model_lookup_table (model, table);

  return found != NULL && strata_table_lookup_column (found, column) != NULL;
}

/* Targets as `upgrade` takes them, with no database; errors name the target */
static void
test_schema_at (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) head = NULL;
  g_autoptr(StrataModel) base = NULL;
  g_autoptr(StrataModel) at = NULL;
  g_autoptr(StrataModel) before = NULL;
  g_autoptr(StrataModel) label = NULL;
  g_autoptr(StrataModel) unknown = NULL;
  g_autofree char *change = NULL;

  head = strata_session_schema_at_revision (f->session, "head", STRATA_DIALECT_POSTGRESQL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_column (head, "book", "isbn"));
  g_assert_true (has_column (head, "cart_item", "quantity"));
  g_assert_false (g_file_test (f->db_path, G_FILE_TEST_EXISTS));

  base = strata_session_schema_at_revision (f->session, "base", -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_model_get_tables (base)->len, ==, 0);

  /* A prefix; the step's before and after */
  at = strata_session_schema_at_revision (f->session, "6f2c", STRATA_DIALECT_SQLITE, NULL, &error);
  g_assert_no_error (error);
  before = strata_session_schema_before_revision (f->session, ISBN, STRATA_DIALECT_SQLITE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_column (at, "book", "isbn"));
  g_assert_false (has_column (before, "book", "isbn"));
  g_assert_null (strata_model_lookup_table (at, "cart"));
  change = strata_model_describe_change (before, at, STRATA_DIALECT_SQLITE);
  g_assert_cmpstr (strstr (change, "+  column isbn VARCHAR(17)\n"), !=, NULL);

  /* A branch label */
  label = strata_session_schema_at_revision (f->session, "shoppingcart@head", -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strata_model_lookup_table (label, "cart"));

  unknown = strata_session_schema_at_revision (f->session, "ffff9999", -1, NULL, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);
  g_assert_null (unknown);
  g_assert_nonnull (strstr (error->message, "ffff9999"));
}

/* The live schema, the drift, the repair that brings it back and the
 * revision that adopts it */
static void
test_drift_repair (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(StrataDiff) drift = NULL;
  g_autoptr(StrataDiff) after = NULL;
  g_autoptr(StrataScript) adoption = NULL;
  g_autoptr(StrataModel) adopted = NULL;
  g_autofree char *repair = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *data_text = NULL;

  upgrade (f);

  live = strata_session_introspect (f->session, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (has_column (live, "book", "isbn"));
  g_assert_null (strata_model_lookup_table (live, "strata_version"));
  g_assert_null (strata_model_lookup_table (live, "strata_history"));

  /* Without a database's dialect there is nothing to render for */
  {
    g_autoptr(StrataDiff) portable = strata_diff_new (live, live);
    g_autofree char *none = NULL;

    g_assert_true (strata_diff_compute (portable, &error));
    none = strata_session_render_drift_repair (f->session, portable, &error);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
    g_assert_null (none);
    g_clear_error (&error);
  }

  drift = strata_session_check_drift (f->session, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (strata_diff_is_empty (drift));
  clean = strata_session_render_drift_repair (f->session, drift, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (clean, ==, "");
  g_clear_object (&drift);

  /* By hand: an index, and a column NOT NULL with a default */
  execute (f, "CREATE INDEX ix_book_title ON book (title)");
  execute (f, "ALTER TABLE author ADD COLUMN nickname VARCHAR(40) NOT NULL DEFAULT ''");
  drift = strata_session_check_drift (f->session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_diff_get_differences (drift)->len, ==, 2);

  repair = strata_session_render_drift_repair (f->session, drift, &error);
  g_assert_no_error (error);
  g_test_message ("repair:\n%s", repair);
  g_assert_nonnull (strstr (repair, "DROP INDEX \"ix_book_title\";\n"));

  adoption = strata_session_new_drift_adoption (f->session, drift, (const char * const[]) { HEAD, NULL },
                                                "adopt nicknames", &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (strata_script_get_down_revisions (adoption), ((const char * const[]) { HEAD, NULL }));
  g_assert_cmpuint (strata_script_get_upgrade (adoption)->len, ==, 2);
  /* Its upgrade on the revision's schema makes the live one */
  adopted = strata_model_copy (strata_diff_get_from (drift));
  g_assert_true (strata_model_apply_ops (adopted, strata_script_get_upgrade (adoption), "upgrade", &error));
  g_assert_no_error (error);
  g_assert_true (has_column (adopted, "author", "nickname"));
  g_assert_nonnull (strata_table_lookup_index (strata_model_lookup_table (adopted, "book"), "ix_book_title"));
  /* … and its file is the one `strata revision` writes: it loads back */
  data_text = strata_script_to_data (adoption, NULL);
  {
    g_autoptr(StrataScript) loaded = strata_script_new_from_data (data_text, -1, "adoption.json", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (strata_script_get_message (loaded), ==, "adopt nicknames");
  }
  g_clear_object (&adoption);

  /* Run by hand, the repair leaves no drift */
  execute (f, repair);
  after = strata_session_check_drift (f->session, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < strata_diff_get_differences (after)->len; i++)
    g_test_message ("left: %s", (const char *)g_ptr_array_index (strata_diff_get_differences (after), i));
  g_assert_true (strata_diff_is_empty (after));

  /* Without drift there is nothing to adopt */
  adoption = strata_session_new_drift_adoption (f->session, after, (const char * const[]) { HEAD, NULL }, NULL, &error);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_null (adoption);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/strata/session/schema-at", Fixture, NULL, fixture_set_up, test_schema_at, fixture_tear_down);
  g_test_add ("/strata/session/drift-repair", Fixture, NULL, fixture_set_up, test_drift_repair, fixture_tear_down);

  return g_test_run ();
}
