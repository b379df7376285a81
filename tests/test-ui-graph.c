/* test-ui-graph.c: the revision graph: lane layout, list model, drawing, scrolling
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-ui-graph"

#include "config.h"

#include <adwaita.h>
#include <gtksourceview/gtksource.h>

#include "strata.h"
#include "strata-graph-layout.h"
#include "strata-graph-row.h"
#include "strata-revision-list.h"
#include "strata-revisions-page.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

typedef struct
{
  const char *revision;
  const char * const *parents;
  const char * const *depends_on;
  const char *expected;
} LayoutRow;

static void
check_layout (const LayoutRow *rows,
              guint            n_rows,
              guint            n_lanes)
{
  g_autoptr(StrataGraphLayout) layout = strata_graph_layout_new ();

  for (guint i = 0; i < n_rows; i++)
    strata_graph_layout_add_row (layout, rows[i].revision, rows[i].parents, rows[i].depends_on);

  g_assert_cmpuint (strata_graph_layout_get_n_rows (layout), ==, n_rows);
  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *row = strata_graph_layout_describe_row (layout, i);

      g_test_message ("%s: %s", rows[i].revision, row);
      g_assert_cmpstr (row, ==, rows[i].expected);
    }
  g_assert_cmpuint (strata_graph_layout_get_n_lanes (layout), ==, n_lanes);
}

static void
test_layout_linear (void)
{
  const LayoutRow rows[] = {
    { "c", STRV ("b"), NULL, "* out 0>0" },
    { "b", STRV ("a"), NULL, "* in 0>0 out 0>0" },
    { "a", NULL, NULL, "* in 0>0" },
  };

  check_layout (rows, G_N_ELEMENTS (rows), 1);
}

static void
test_layout_branch_merge (void)
{
  /* m merges x and y, which branch from b */
  const LayoutRow rows[] = {
    { "m", STRV ("x", "y"), NULL, "* out 0>0 0>1" },
    { "x", STRV ("b"), NULL, "*| in 0>0 out 0>0" },
    { "y", STRV ("b"), NULL, "|* in 1>1 out 1>1" },
    { "b", STRV ("a"), NULL, "* in 0>0 1>0 out 0>0" },
    { "a", NULL, NULL, "* in 0>0" },
  };

  check_layout (rows, G_N_ELEMENTS (rows), 2);
}

static void
test_layout_heads (void)
{
  /* Two heads on one base: the second opens a lane of its own */
  const LayoutRow rows[] = {
    { "h1", STRV ("a"), NULL, "* out 0>0" },
    { "h2", STRV ("a"), NULL, "|* out 1>1" },
    { "a", NULL, NULL, "* in 0>0 1>0" },
    /* A second root, unrelated */
    { "z", NULL, NULL, "*" },
  };

  check_layout (rows, G_N_ELEMENTS (rows), 2);
}

static void
test_layout_depends_on (void)
{
  /* depends_on is a lane of its own kind, drawn apart from the parents */
  const LayoutRow rows[] = {
    { "d", STRV ("c"), STRV ("a"), "* out 0>0 0>1:" },
    { "c", STRV ("b"), NULL, "*: in 0>0 out 0>0" },
    { "b", STRV ("a"), NULL, "*: in 0>0 out 0>0" },
    { "a", NULL, NULL, "* in 0>0 1>0:" },
  };

  check_layout (rows, G_N_ELEMENTS (rows), 2);
}

static void
test_layout_bookshop (void)
{
  /* data/examples/bookshop, newest first as the revision list orders it:
   * the cart branch (4d9a, 5e1b) and the isbn branch (6f2c) merge in 7a3d;
   * 5e1b depends on 6f2c. */
  const LayoutRow rows[] = {
    { "8b4e", STRV ("7a3d"), NULL, "* out 0>0" },
    { "7a3d", STRV ("5e1b", "6f2c"), NULL, "* in 0>0 out 0>0 0>1" },
    { "5e1b", STRV ("4d9a"), STRV ("6f2c"), "*| in 0>0 out 0>0 0>2:" },
    { "6f2c", STRV ("3c4d"), NULL, "|* in 1>1 2>1: out 1>1" },
    { "4d9a", STRV ("3c4d"), NULL, "*| in 0>0 out 0>0" },
    { "3c4d", STRV ("2b7f"), NULL, "* in 0>0 1>0 out 0>0" },
    { "2b7f", STRV ("1a0e"), NULL, "* in 0>0 out 0>0" },
    { "1a0e", NULL, NULL, "* in 0>0" },
  };

  check_layout (rows, G_N_ELEMENTS (rows), 3);
}

static void
test_layout_long (void)
{
  g_autoptr(StrataGraphLayout) layout = strata_graph_layout_new ();
  guint n_rows = 10000;

  /* A long history with a side branch every 50 revisions, merged back:
   * lanes are reused, so it stays narrow. */
  for (guint i = n_rows; i > 0; i--)
    {
      g_autofree char *revision = g_strdup_printf ("r%u", i);
      g_autofree char *parent = g_strdup_printf ("r%u", i - 1);
      g_autofree char *side = g_strdup_printf ("s%u", i);

      if (i % 50 == 0 && i > 1)
        {
          strata_graph_layout_add_row (layout, revision, STRV (parent, side), NULL);
          strata_graph_layout_add_row (layout, side, i > 1 ? STRV (parent) : NULL, NULL);
        }
      else
        {
          strata_graph_layout_add_row (layout, revision, i > 1 ? STRV (parent) : NULL, NULL);
        }
    }

  g_assert_cmpuint (strata_graph_layout_get_n_rows (layout), ==, n_rows + n_rows / 50);
  g_assert_cmpuint (strata_graph_layout_get_n_lanes (layout), ==, 2);
  g_assert_cmpuint (strata_graph_layout_get_lane (layout, strata_graph_layout_get_n_rows (layout) - 1), ==, 0);
}

/* An offline session over the example project */
static StrataSession *
bookshop_session (void)
{
  g_autofree char *path = strata_test_source_path ("data/examples/bookshop");
  g_autoptr(GFile) directory = g_file_new_for_path (path);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  project = strata_project_open (directory, &error);
  g_assert_no_error (error);

  return strata_session_new (project, NULL);
}

static StrataGraph *
load_bookshop (void)
{
  g_autoptr(StrataSession) session = bookshop_session ();
  g_autoptr(GError) error = NULL;
  StrataGraph *graph;

  graph = strata_session_get_graph (session, &error);
  g_assert_no_error (error);

  return g_object_ref (graph);
}

static void
test_list_bookshop (void)
{
  g_autoptr(StrataGraph) graph = load_bookshop ();
  g_autoptr(StrataRevisionList) list = strata_revision_list_new (graph);
  g_autoptr(StrataRevisionItem) first = NULL;
  g_autoptr(StrataRevisionItem) cart = NULL;
  g_autoptr(StrataRevisionItem) isbn = NULL;
  guint position;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == STRATA_TYPE_REVISION_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 8);
  g_assert_cmpuint (strata_revision_list_get_n_created (list), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), 8));

  /* Newest first: the head on top, with its tag */
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (strata_revision_item_get_revision (first), ==, "8b4e0f6a2c18");
  g_assert_cmpstr (strata_revision_item_get_tags (first), ==, "head");
  g_assert_false (strata_revision_item_get_applied (first));
  g_assert_cmpuint (strata_revision_list_get_n_created (list), ==, 1);

  position = strata_revision_list_find (list, "4d9a2b6c8e74");
  g_assert_cmpuint (position, <, 8);
  cart = g_list_model_get_item (G_LIST_MODEL (list), position);
  g_assert_cmpstr (strata_revision_item_get_tags (cart), ==, "shoppingcart");
  g_assert_cmpuint (strata_revision_list_find (list, "nosuchrevision"), ==, G_MAXUINT);

  /* The database at the isbn branch: its ancestors are applied, the cart
   * branch is not */
  strata_revision_list_set_current_heads (list, STRV ("6f2c8d4e0a96"));
  isbn = g_list_model_get_item (G_LIST_MODEL (list), strata_revision_list_find (list, "6f2c8d4e0a96"));
  g_assert_true (strata_revision_item_get_applied (isbn));
  g_assert_true (strata_revision_item_get_current (isbn));
  g_assert_cmpstr (strata_revision_item_get_tags (isbn), ==, "current");
  g_assert_false (strata_revision_item_get_applied (cart));
  g_assert_false (strata_revision_item_get_applied (first));

  /* No database: nothing marked */
  strata_revision_list_set_current_heads (list, NULL);
  g_assert_false (strata_revision_item_get_applied (isbn));
  g_assert_cmpstr (strata_revision_item_get_tags (isbn), ==, "");
}

static GtkWindow *
page_window (GtkWidget *page,
             int        width,
             int        height)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());

  gtk_window_set_application (window, GTK_APPLICATION (strata_test_gui_get_application ()));
  gtk_window_set_default_size (window, width, height);
  adw_window_set_content (ADW_WINDOW (window), page);
  strata_test_gui_show_window (window);

  return window;
}

static gboolean
sql_rendered (gpointer data)
{
  return !strata_revisions_page_get_rendering (data);
}

static StrataGraph *
load_example_copy (void)
{
  g_autoptr(GFile) directory = NULL;
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;
  StrataGraph *graph;

  directory = strata_application_dup_example_project (strata_test_gui_get_application (), &error);
  g_assert_no_error (error);
  project = strata_project_open (directory, &error);
  g_assert_no_error (error);
  graph = strata_project_load_graph (project, &error);
  g_assert_no_error (error);

  return graph;
}

static void
test_page_bookshop (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataRevisionList) list = NULL;
  g_autoptr(StrataSession) session = NULL;
  g_autofree char *png = NULL;
  StrataRevisionsPage *page;
  GtkSourceView *upgrade_view;
  GtkLabel *file_label;
  GtkTextBuffer *buffer;
  GtkTextIter start;
  GtkTextIter end;
  g_autofree char *sql = NULL;
  g_autofree char *sqlite_sql = NULL;
  GtkWindow *window;

  if (strata_test_gui_get_application () == NULL)
    return;

  /* The user's copy of the example, as the app opens it: the page shows
   * its files under "~", so the screenshot (data/screenshots/revisions.png)
   * shows no build path */
  graph = load_example_copy ();
  list = strata_revision_list_new (graph);
  strata_revision_list_set_current_heads (list, STRV ("6f2c8d4e0a96"));

  session = bookshop_session ();
  strata_session_set_graph (session, graph);
  page = STRATA_REVISIONS_PAGE (strata_revisions_page_new ());
  strata_revisions_page_set_list (page, list);
  strata_revisions_page_set_session (page, session);
  window = page_window (GTK_WIDGET (page), 900, 720);

  g_assert_null (strata_revisions_page_get_selected_revision (page));
  g_assert_true (strata_revisions_page_select_revision (page, "5e1b7c3d9f85"));
  g_assert_cmpstr (strata_revisions_page_get_selected_revision (page), ==, "5e1b7c3d9f85");
  g_assert_false (strata_revisions_page_select_revision (page, "nosuchrevision"));

  /* The selected revision's upgrade SQL, for SQLite then PostgreSQL */
  strata_test_gui_iterate_until (sql_rendered, page, "the SQL is rendered");
  upgrade_view = strata_test_gui_get_child (page, STRATA_TYPE_REVISIONS_PAGE, "upgrade_view");
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (upgrade_view));
  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (GTK_SOURCE_BUFFER (buffer))), ==, "sql");
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  sql = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (sql, "ALTER TABLE"));
  g_assert_nonnull (strstr (sql, "checked_out_at"));
  g_clear_pointer (&sql, g_free);
  /* …and its downgrade, reviewed by the session too */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (strata_test_gui_get_child (page, STRATA_TYPE_REVISIONS_PAGE,
                                                                               "downgrade_view")));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  sql = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_test_message ("downgrade: %s", sql);
  g_assert_true (sql[0] != '\0' && !g_str_has_prefix (sql, "--"));
  g_clear_pointer (&sql, g_free);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (upgrade_view));

  /* A table with an identity column reads differently per dialect */
  g_assert_true (strata_revisions_page_select_revision (page, "1a0e6c2d9b41"));
  strata_test_gui_iterate_until (sql_rendered, page, "the SQL is rendered");
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  sqlite_sql = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_nonnull (strstr (sqlite_sql, "CREATE TABLE"));
  strata_revisions_page_set_dialect (page, STRATA_DIALECT_POSTGRESQL);
  strata_test_gui_iterate_until (sql_rendered, page, "the SQL is rendered");
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  sql = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_test_message ("SQLite: %s\nPostgreSQL: %s", sqlite_sql, sql);
  g_assert_nonnull (strstr (sql, "CREATE TABLE"));
  g_assert_cmpstr (sql, !=, sqlite_sql);
  strata_revisions_page_set_dialect (page, STRATA_DIALECT_SQLITE);
  g_assert_true (strata_revisions_page_select_revision (page, "5e1b7c3d9f85"));

  file_label = strata_test_gui_get_child (page, STRATA_TYPE_REVISIONS_PAGE, "file_label");
  g_assert_cmpstr (gtk_label_get_label (file_label), ==,
                   "~/.local/share/" STRATA_DATA_DIRNAME "/examples/bookshop/migrations/5e1b7c3d9f85_track_checkout.json");

  png = strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-graph.png");
  g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));

  strata_test_gui_destroy_window (window);
}

static char *
make_revision_id (guint n)
{
  return g_strdup_printf ("%012x", n);
}

/* A graph of @n revisions, mostly linear, with a branch merged back every
 * 100 revisions. */
static StrataGraph *
make_long_graph (guint n)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  StrataGraph *graph;
  guint made = 0;

  for (guint i = 1; made < n; i++)
    {
      g_autofree char *revision = make_revision_id (i);
      g_autofree char *parent = make_revision_id (i - 1);
      g_autofree char *message = g_strdup_printf ("revision number %u", i);

      if (i == 1)
        {
          g_ptr_array_add (scripts, strata_script_new (revision, NULL, message));
        }
      else if (i % 100 == 0 && made + 2 <= n)
        {
          /* a side revision off the previous one, then a merge */
          g_autofree char *side = g_strdup_printf ("side%08x", i);
          g_autofree char *merge_message = g_strdup_printf ("merge number %u", i);

          g_ptr_array_add (scripts, strata_script_new (side, STRV (parent), "side branch"));
          g_ptr_array_add (scripts, strata_script_new (revision, STRV (parent, side), merge_message));
          made++;
        }
      else
        {
          g_ptr_array_add (scripts, strata_script_new (revision, STRV (parent), message));
        }
      made++;
    }

  graph = strata_graph_new (scripts, &error);
  g_assert_no_error (error);

  return graph;
}

typedef struct
{
  GtkAdjustment *adjustment;
  double         value;
} ScrollTarget;

static gboolean
scrolled_to (gpointer data)
{
  ScrollTarget *target = data;

  gtk_adjustment_set_value (target->adjustment, target->value);
  return G_APPROX_VALUE (gtk_adjustment_get_value (target->adjustment), target->value, 1.0);
}

static void
test_page_scroll (void)
{
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(StrataRevisionList) list = NULL;
  StrataRevisionsPage *page;
  GtkScrolledWindow *scroller;
  GtkAdjustment *adjustment;
  GtkWindow *window;
  ScrollTarget target;
  gint64 begin;
  gint64 elapsed;
  guint n_revisions = 10000;

  if (strata_test_gui_get_application () == NULL)
    return;

  begin = g_get_monotonic_time ();
  graph = make_long_graph (n_revisions);
  list = strata_revision_list_new (graph);
  g_test_message ("graph and layout of %u revisions: %.0f ms", n_revisions,
                  (g_get_monotonic_time () - begin) / 1000.0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_revisions);
  g_assert_cmpuint (strata_graph_layout_get_n_lanes (strata_revision_list_get_layout (list)), ==, 2);

  page = STRATA_REVISIONS_PAGE (strata_revisions_page_new ());
  strata_revisions_page_set_list (page, list);
  window = page_window (GTK_WIDGET (page), 800, 700);

  /* Only the rows on screen (and a few around them) exist */
  g_test_message ("items made to show the top: %u", strata_revision_list_get_n_created (list));
  g_assert_cmpuint (strata_revision_list_get_n_created (list), <, 300);

  scroller = strata_test_gui_get_child (page, STRATA_TYPE_REVISIONS_PAGE, "graph_scroller");
  adjustment = gtk_scrolled_window_get_vadjustment (scroller);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, 1000.0 * 36);

  /* Page through the middle, then jump to the end, timing each frame */
  begin = g_get_monotonic_time ();
  target.adjustment = adjustment;
  for (guint i = 1; i <= 20; i++)
    {
      target.value = (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment)) * i / 20.0;
      strata_test_gui_iterate_until (scrolled_to, &target, "the list scrolls");
      strata_test_gui_wait_frames (GTK_WIDGET (page), 1);
    }
  elapsed = g_get_monotonic_time () - begin;
  g_test_message ("20 jumps across %u revisions: %.0f ms; items made: %u",
                  n_revisions, elapsed / 1000.0, strata_revision_list_get_n_created (list));
  /* Scrolling creates rows lazily: far fewer than the 10,000 revisions. */
  g_assert_cmpuint (strata_revision_list_get_n_created (list), <, 20 * 300);

  /* The last row is the base, shown with its lanes */
  g_assert_true (strata_revisions_page_select_revision (page, "000000000001"));
  strata_test_gui_iterate_pending ();
  g_assert_cmpstr (strata_revisions_page_get_selected_revision (page), ==, "000000000001");

  g_free (strata_test_gui_save_png (GTK_WIDGET (window), "test-ui-graph-long.png"));
  strata_test_gui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/graph/layout/linear", test_layout_linear);
  g_test_add_func ("/strata/ui/graph/layout/branch-merge", test_layout_branch_merge);
  g_test_add_func ("/strata/ui/graph/layout/heads", test_layout_heads);
  g_test_add_func ("/strata/ui/graph/layout/depends-on", test_layout_depends_on);
  g_test_add_func ("/strata/ui/graph/layout/bookshop", test_layout_bookshop);
  g_test_add_func ("/strata/ui/graph/layout/long", test_layout_long);
  g_test_add_func ("/strata/ui/graph/list/bookshop", test_list_bookshop);
  g_test_add_func ("/strata/ui/graph/page/bookshop", test_page_bookshop);
  g_test_add_func ("/strata/ui/graph/page/scroll", test_page_scroll);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
