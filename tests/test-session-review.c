/* test-session-review.c: a session reviews a plan, at once and in batches
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "strata.h"

#include "strata-test-util.h"

/* A project of @n revisions in a row, each creating a table and an index
 * on it, then one indexing the first table (a build that locks writes on
 * PostgreSQL only) and one dropping the second (data loss) */
static char *
create_project (guint n)
{
  g_autofree char *dir = strata_test_create_chain_project (n);
  const char *upgrades[] = {
    "{\"op\": \"create_index\", \"table\": \"t0\", \"name\": \"ix_t0_id_name\", \"columns\": [\"id\", \"name\"]}",
    "{\"op\": \"drop_table\", \"table\": \"t1\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (upgrades); i++)
    {
      g_autofree char *name = g_strdup_printf ("r%06u_t.json", n + i);
      g_autofree char *path = g_build_filename (dir, "migrations", name, NULL);
      g_autofree char *json = NULL;

      json = g_strdup_printf ("{\"revision\": \"r%06u\", \"down_revision\": \"r%06u\", \"upgrade\": [%s]}\n",
                              n + i, n + i - 1, upgrades[i]);
      g_assert_true (g_file_set_contents (path, json, -1, NULL));
    }

  return g_steal_pointer (&dir);
}

static StrataSession *
open_session (const char *dir)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  project = strata_project_open (directory, &error);
  g_assert_no_error (error);

  return strata_session_new (project, NULL);
}

static gboolean
has_finding (StrataStepReview *review,
             StrataLintKind    kind)
{
  GPtrArray *findings = strata_step_review_get_findings (review);

  for (guint i = 0; i < findings->len; i++)
    if (((StrataLintFinding *)g_ptr_array_index (findings, i))->kind == kind)
      return TRUE;

  return FALSE;
}

static char *
join_statements (StrataStepReview *review)
{
  GPtrArray *statements = strata_step_review_get_statements (review);

  g_assert_nonnull (statements);
  g_ptr_array_add (statements, NULL);
  g_ptr_array_set_size (statements, statements->len - 1);

  return g_strjoinv ("\n", (char **)statements->pdata);
}

/* The blocking review: per step its operations, its SQL and the findings
 * for the dialect asked, on the schema the steps before it left */
static void
test_review_plan (void)
{
  g_autofree char *dir = create_project (5);
  g_autoptr(StrataSession) session = open_session (dir);
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GPtrArray) sqlite = NULL;
  g_autoptr(GPtrArray) pg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  plan = strata_session_plan (session, STRATA_DIRECTION_UP, NULL, "head", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 7);

  sqlite = strata_session_review_plan (session, plan, STRATA_DIALECT_SQLITE, NULL, &error);
  g_assert_no_error (error);
  pg = strata_session_review_plan (session, plan, STRATA_DIALECT_POSTGRESQL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sqlite->len, ==, 7);
  g_assert_cmpuint (pg->len, ==, 7);

  for (guint i = 0; i < 7; i++)
    {
      StrataStepReview *review = g_ptr_array_index (sqlite, i);

      g_assert_true (strata_step_review_get_step (review) == strata_plan_get_step (plan, i));
      g_assert_null (strata_step_review_get_error (review));
      g_assert_nonnull (strata_step_review_get_operations (review));
    }

  /* A new table's index locks nothing; the first table's does, on
   * PostgreSQL only */
  g_assert_false (has_finding (g_ptr_array_index (pg, 3), STRATA_LINT_LOCKING));
  g_assert_true (has_finding (g_ptr_array_index (pg, 5), STRATA_LINT_LOCKING));
  g_assert_false (has_finding (g_ptr_array_index (sqlite, 5), STRATA_LINT_LOCKING));
  /* Dropping a table the steps before made loses data, on both */
  g_assert_true (has_finding (g_ptr_array_index (sqlite, 6), STRATA_LINT_DESTRUCTIVE));
  g_assert_true (has_finding (g_ptr_array_index (pg, 6), STRATA_LINT_DESTRUCTIVE));

  sql = join_statements (g_ptr_array_index (sqlite, 0));
  g_assert_nonnull (strstr (sql, "CREATE TABLE"));
  g_assert_nonnull (strstr (sql, "CREATE INDEX"));
  g_clear_pointer (&sql, g_free);
  sql = join_statements (g_ptr_array_index (pg, 6));
  g_assert_nonnull (strstr (sql, "DROP TABLE"));

  strata_test_rm_rf (dir);
}

typedef struct
{
  GListModel *reviews;
  guint       n_batches;
  guint       n_seen;
  gboolean    done;
  guint       n_at_done;
  GError     *error;
} Batches;

static void
items_changed_cb (GListModel *reviews,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Batches    *batches)
{
  /* Batches only append, in plan order */
  g_assert_false (batches->done);
  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (position, ==, batches->n_seen);
  g_assert_cmpuint (added, >, 0);
  batches->n_seen += added;
  batches->n_batches++;
}

static void
review_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Batches *batches = user_data;

  strata_session_review_plan_in_batches_finish (STRATA_SESSION (object), result, &batches->error);
  batches->n_at_done = g_list_model_get_n_items (batches->reviews);
  batches->done = TRUE;
}

/* In batches: the list starts empty, grows in plan order in the main
 * context and is whole when the callback runs; what it holds is what the
 * blocking review says */
static void
test_review_in_batches (void)
{
  guint n = 600;
  g_autofree char *dir = create_project (n);
  g_autoptr(StrataSession) session = open_session (dir);
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GPtrArray) blocking = NULL;
  g_autoptr(GError) error = NULL;
  Batches batches = { NULL, };

  plan = strata_session_plan (session, STRATA_DIRECTION_UP, NULL, "head", &error);
  g_assert_no_error (error);

  batches.reviews = strata_session_review_plan_in_batches (session, plan, STRATA_DIALECT_POSTGRESQL, NULL,
                                                           review_done_cb, &batches);
  g_assert_true (g_list_model_get_item_type (batches.reviews) == STRATA_TYPE_STEP_REVIEW);
  /* Nothing lands outside the main context */
  g_assert_cmpuint (g_list_model_get_n_items (batches.reviews), ==, 0);
  g_signal_connect (batches.reviews, "items-changed", G_CALLBACK (items_changed_cb), &batches);

  while (!batches.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_no_error (batches.error);
  g_assert_cmpuint (batches.n_at_done, ==, n + 2);
  g_assert_cmpuint (batches.n_seen, ==, n + 2);
  g_assert_cmpuint (batches.n_batches, >=, 1);
  g_test_message ("%u steps reviewed in %u batches", n + 2, batches.n_batches);

  blocking = strata_session_review_plan (session, plan, STRATA_DIALECT_POSTGRESQL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n + 2; i++)
    {
      g_autoptr(StrataStepReview) review = g_list_model_get_item (batches.reviews, i);
      StrataStepReview *expected = g_ptr_array_index (blocking, i);
      g_autofree char *sql = join_statements (review);
      g_autofree char *expected_sql = join_statements (expected);

      g_assert_true (strata_step_review_get_step (review) == strata_plan_get_step (plan, i));
      g_assert_cmpstr (sql, ==, expected_sql);
      g_assert_cmpuint (strata_step_review_get_findings (review)->len, ==,
                        strata_step_review_get_findings (expected)->len);
    }
  g_assert_null (g_list_model_get_item (batches.reviews, n + 2));
  {
    g_autoptr(StrataStepReview) review = g_list_model_get_item (batches.reviews, n);

    g_assert_true (has_finding (review, STRATA_LINT_LOCKING));
  }

  g_signal_handlers_disconnect_by_data (batches.reviews, &batches);
  g_assert_finalize_object (batches.reviews);
  strata_test_rm_rf (dir);
}

/* Cancelled: the callback says so, and the list stops growing */
static void
test_review_in_batches_cancelled (void)
{
  g_autofree char *dir = create_project (200);
  g_autoptr(StrataSession) session = open_session (dir);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  Batches batches = { NULL, };

  plan = strata_session_plan (session, STRATA_DIRECTION_UP, NULL, "head", &error);
  g_assert_no_error (error);

  g_cancellable_cancel (cancellable);
  batches.reviews = strata_session_review_plan_in_batches (session, plan, STRATA_DIALECT_SQLITE, cancellable,
                                                           review_done_cb, &batches);
  while (!batches.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (batches.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (batches.n_at_done, <, 202);
  g_clear_error (&batches.error);
  g_clear_object (&batches.reviews);
  strata_test_rm_rf (dir);
}

/* One revision on its own: its upgrade and its downgrade */
static void
review_revision_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GPtrArray **reviews = user_data;
  g_autoptr(GError) error = NULL;

  *reviews = strata_session_review_revision_finish (STRATA_SESSION (object), result, &error);
  g_assert_no_error (error);
}

static void
test_review_revision (void)
{
  g_autofree char *dir = create_project (3);
  g_autoptr(StrataSession) session = open_session (dir);
  g_autoptr(GPtrArray) reviews = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *up = NULL;
  g_autofree char *down = NULL;

  strata_session_review_revision_async (session, "r000001", STRATA_DIALECT_SQLITE, NULL,
                                        review_revision_cb, &reviews);
  while (reviews == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (reviews->len, ==, 2);
  g_assert_cmpint (strata_step_get_direction (strata_step_review_get_step (g_ptr_array_index (reviews, 0))), ==,
                   STRATA_DIRECTION_UP);
  g_assert_cmpint (strata_step_get_direction (strata_step_review_get_step (g_ptr_array_index (reviews, 1))), ==,
                   STRATA_DIRECTION_DOWN);
  up = join_statements (g_ptr_array_index (reviews, 0));
  down = join_statements (g_ptr_array_index (reviews, 1));
  g_assert_nonnull (strstr (up, "CREATE TABLE"));
  /* The computed inverse drops what the upgrade made */
  g_assert_nonnull (strstr (down, "DROP TABLE"));
  g_assert_nonnull (strstr (down, "t1"));
  /* Dropping it loses data */
  g_assert_true (has_finding (g_ptr_array_index (reviews, 1), STRATA_LINT_DESTRUCTIVE));

  g_assert_null (strata_session_review_revision (session, "nosuch", STRATA_DIALECT_SQLITE, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);
  g_assert_nonnull (strstr (error->message, "nosuch"));

  strata_test_rm_rf (dir);
}

/* To a revision, whichever way: down when the database has it applied */
static void
test_plan_to (void)
{
  g_autofree char *dir = create_project (4);
  g_autoptr(StrataSession) session = open_session (dir);
  g_autoptr(StrataPlan) up = NULL;
  g_autoptr(StrataPlan) down = NULL;
  g_autoptr(GError) error = NULL;
  const char *at[] = { "r000004", NULL };

  up = strata_session_plan_to (session, NULL, "r000002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_plan_get_direction (up), ==, STRATA_DIRECTION_UP);
  g_assert_cmpuint (strata_plan_get_n_steps (up), ==, 3);

  down = strata_session_plan_to (session, at, "r000002", &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_plan_get_direction (down), ==, STRATA_DIRECTION_DOWN);
  g_assert_cmpuint (strata_plan_get_n_steps (down), ==, 2);

  strata_test_rm_rf (dir);
}

/* Before a run: the files of the plan read again name what changed */
static void
test_check_plan_files (void)
{
  g_autofree char *dir = create_project (4);
  g_autoptr(StrataSession) session = open_session (dir);
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = g_build_filename (dir, "migrations", "r000002_t.json", NULL);
  g_autofree char *gone = g_build_filename (dir, "migrations", "r000004_t.json", NULL);

  plan = strata_session_plan (session, STRATA_DIRECTION_UP, NULL, "head", &error);
  g_assert_no_error (error);

  changed = strata_session_check_plan_files (session, plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 0);
  g_clear_pointer (&changed, g_ptr_array_unref);

  /* One edited, one gone */
  g_assert_true (g_file_set_contents (edited, "{\"revision\": \"r000002\", \"down_revision\": \"r000001\", "
                                      "\"upgrade\": []}\n", -1, NULL));
  g_assert_cmpint (g_remove (gone), ==, 0);

  changed = strata_session_check_plan_files (session, plan, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (changed, 0), ==, "migrations/r000002_t.json");
  g_assert_cmpstr (g_ptr_array_index (changed, 1), ==, "migrations/r000004_t.json");

  strata_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/session/review/plan", test_review_plan);
  g_test_add_func ("/strata/session/review/in-batches", test_review_in_batches);
  g_test_add_func ("/strata/session/review/in-batches-cancelled", test_review_in_batches_cancelled);
  g_test_add_func ("/strata/session/review/revision", test_review_revision);
  g_test_add_func ("/strata/session/review/check-plan-files", test_check_plan_files);
  g_test_add_func ("/strata/session/plan-to", test_plan_to);

  return g_test_run ();
}
