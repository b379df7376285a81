/* test-graph.c: the revision graph, after Alembic's tests/test_revision.py
 * and tests/test_version_traversal.py
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plans are written as "+rev:rows" (upgrade) or "-rev:rows" (downgrade) per
 * step, rows being the version table after the step.
 */

#include "config.h"

#include <string.h>

#include "strata.h"

typedef struct
{
  const char *id;
  const char *down;     /* comma-separated */
  const char *labels;   /* comma-separated */
  const char *deps;     /* comma-separated */
} Rev;

static char **
split_list (const char *list)
{
  if (list == NULL || *list == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (list, ",", -1);
}

static GPtrArray *
scripts_new (const Rev *revs,
             guint      n_revs)
{
  GPtrArray *scripts = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_revs; i++)
    {
      g_auto(GStrv) down = split_list (revs[i].down);
      g_auto(GStrv) labels = split_list (revs[i].labels);
      g_auto(GStrv) deps = split_list (revs[i].deps);
      StrataScript *script = strata_script_new (revs[i].id, (const char * const *)down, revs[i].id);

      strata_script_set_branch_labels (script, (const char * const *)labels);
      strata_script_set_depends_on (script, (const char * const *)deps);
      g_ptr_array_add (scripts, script);
    }

  return scripts;
}

static StrataGraph *
graph_new (const Rev *revs,
           guint      n_revs)
{
  g_autoptr(GPtrArray) scripts = scripts_new (revs, n_revs);
  g_autoptr(GError) error = NULL;
  StrataGraph *graph = strata_graph_new (scripts, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);
  return graph;
}

#define GRAPH(revs) graph_new (revs, G_N_ELEMENTS (revs))

static char *
graph_error (const Rev *revs,
             guint      n_revs)
{
  g_autoptr(GPtrArray) scripts = scripts_new (revs, n_revs);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = strata_graph_new (scripts, &error);

  g_assert_null (graph);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_GRAPH);
  return g_strdup (error->message);
}

#define GRAPH_ERROR(revs) graph_error (revs, G_N_ELEMENTS (revs))

static char *
ids_string (GPtrArray *scripts)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < scripts->len; i++)
    g_string_append_printf (str, "%s%s", i ? " " : "",
                            strata_script_get_revision (g_ptr_array_index (scripts, i)));

  return g_string_free (str, FALSE);
}

static char *
rows_string (const char * const *rows)
{
  return g_strjoinv (",", (char **)rows);
}

static char *
plan_string (StrataPlan *plan)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < strata_plan_get_n_steps (plan); i++)
    {
      StrataStep *step = strata_plan_get_step (plan, i);
      g_autofree char *rows = rows_string (strata_step_get_heads_after (step));

      g_string_append_printf (str, "%s%c%s:%s", i ? " " : "",
                              strata_step_get_direction (step) == STRATA_DIRECTION_UP ? '+' : '-',
                              strata_step_get_revision (step), rows);

      /* Each step starts where the previous one ended. */
      if (i > 0)
        g_assert_true (strata_heads_equal (strata_step_get_heads_before (step),
                                           strata_step_get_heads_after (strata_plan_get_step (plan, i - 1))));
      else
        g_assert_true (strata_heads_equal (strata_step_get_heads_before (step),
                                           strata_plan_get_heads_before (plan)));
    }

  return g_string_free (str, FALSE);
}

static char **
rows (const char *list)
{
  return split_list (list);
}

static void
assert_upgrade (StrataGraph *graph,
                const char  *current,
                const char  *target,
                const char  *expected)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) plan = strata_graph_plan_upgrade (graph, (const char * const *)heads, target, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = plan_string (plan);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpint (strata_plan_get_direction (plan), ==, STRATA_DIRECTION_UP);
}

static void
assert_downgrade (StrataGraph *graph,
                  const char  *current,
                  const char  *target,
                  const char  *expected)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) plan = strata_graph_plan_downgrade (graph, (const char * const *)heads, target, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = plan_string (plan);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpint (strata_plan_get_direction (plan), ==, STRATA_DIRECTION_DOWN);
}

static void
assert_plan_error (StrataGraph     *graph,
                   StrataDirection  direction,
                   const char      *current,
                   const char      *target,
                   int              code,
                   const char      *message)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataPlan) plan = NULL;

  if (direction == STRATA_DIRECTION_UP)
    plan = strata_graph_plan_upgrade (graph, (const char * const *)heads, target, &error);
  else
    plan = strata_graph_plan_downgrade (graph, (const char * const *)heads, target, &error);

  g_assert_null (plan);
  g_assert_error (error, STRATA_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_null (strchr (error->message, '\n'));
}

static void
assert_target (StrataGraph     *graph,
               const char      *current,
               const char      *target,
               StrataDirection  direction,
               const char      *expected)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) resolved = strata_graph_resolve_target (graph, (const char * const *)heads,
                                                        target, direction, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = rows_string ((const char * const *)resolved);
  g_assert_cmpstr (got, ==, expected);
}

static void
assert_target_error (StrataGraph     *graph,
                     const char      *current,
                     const char      *target,
                     StrataDirection  direction,
                     int              code,
                     const char      *message)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) resolved = strata_graph_resolve_target (graph, (const char * const *)heads,
                                                        target, direction, &error);

  g_assert_null (resolved);
  g_assert_error (error, STRATA_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
assert_stamp (StrataGraph *graph,
              const char  *current,
              const char  *target,
              gboolean     purge,
              const char  *expected)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) after = strata_graph_plan_stamp (graph, (const char * const *)heads, target, purge, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = rows_string ((const char * const *)after);
  g_assert_cmpstr (got, ==, expected);
}

static void
assert_range (StrataGraph *graph,
              const char  *current,
              const char  *lower,
              const char  *upper,
              const char  *expected)
{
  g_auto(GStrv) heads = rows (current);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) scripts = strata_graph_range (graph, (const char * const *)heads, lower, upper, &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = ids_string (scripts);
  g_assert_cmpstr (got, ==, expected);
}

static void
assert_labels (StrataGraph *graph,
               const char  *revision,
               const char  *expected)
{
  g_auto(GStrv) labels = strata_graph_dup_labels_for (graph, strata_graph_lookup (graph, revision));
  g_autofree char *got = rows_string ((const char * const *)labels);

  g_assert_cmpstr (got, ==, expected);
}

/* Graphs ------------------------------------------------------------------- */

/* a <- b <- c <- d <- e */
static const Rev linear[] = {
  { "a", NULL, NULL, NULL },
  { "b", "a", NULL, NULL },
  { "c", "b", NULL, NULL },
  { "d", "c", NULL, NULL },
  { "e", "d", NULL, NULL },
};

/* a <- b <- c1 <- d1
 *        \- c2 <- d2 */
static const Rev branched[] = {
  { "a", NULL, NULL, NULL },
  { "b", "a", NULL, NULL },
  { "c1", "b", "left", NULL },
  { "c2", "b", "right", NULL },
  { "d1", "c1", NULL, NULL },
  { "d2", "c2", NULL, NULL },
};

/* a <- b <- c1 <- d <- e
 *        \- c2 -/ */
static const Rev merged[] = {
  { "a", NULL, NULL, NULL },
  { "b", "a", NULL, NULL },
  { "c1", "b", NULL, NULL },
  { "c2", "b", NULL, NULL },
  { "d", "c1,c2", NULL, NULL },
  { "e", "d", NULL, NULL },
};

/* a1 <- a2 (alpha)   b1 <- b2 (beta) */
static const Rev two_bases[] = {
  { "a1", NULL, "alpha", NULL },
  { "a2", "a1", NULL, NULL },
  { "b1", NULL, "beta", NULL },
  { "b2", "b1", NULL, NULL },
};

/* a1 <- a2 <- a3 (label a)   b1 <- b2 <- b3 (label b), b2 depends on a2 */
static const Rev depends[] = {
  { "a1", NULL, "a", NULL },
  { "a2", "a1", NULL, NULL },
  { "a3", "a2", NULL, NULL },
  { "b1", NULL, "b", NULL },
  { "b2", "b1", NULL, "a2" },
  { "b3", "b2", NULL, NULL },
};

/* Structure ----------------------------------------------------------------- */

static void
test_linear_structure (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (linear);
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autoptr(GPtrArray) bases = strata_graph_get_bases (graph);
  g_autoptr(GPtrArray) children = strata_graph_get_children (graph, strata_graph_lookup (graph, "c"));
  g_autofree char *heads_str = ids_string (heads);
  g_autofree char *bases_str = ids_string (bases);
  g_autofree char *children_str = ids_string (children);
  g_autofree char *sorted = ids_string (strata_graph_get_scripts (graph));

  g_assert_cmpuint (strata_graph_get_n_revisions (graph), ==, 5);
  g_assert_cmpstr (heads_str, ==, "e");
  g_assert_cmpstr (bases_str, ==, "a");
  g_assert_cmpstr (children_str, ==, "d");
  g_assert_cmpstr (sorted, ==, "a b c d e");
  g_assert_false (strata_graph_is_branch_point (graph, strata_graph_lookup (graph, "b")));
  g_assert_null (strata_graph_lookup (graph, "zz"));
}

static void
test_topological_order (void)
{
  /* Files listed newest first still come out in dependency order; ties
   * keep file order. */
  static const Rev revs[] = {
    { "e", "d", NULL, NULL },
    { "x", NULL, NULL, "c" },
    { "d", "c", NULL, NULL },
    { "c", "b", NULL, NULL },
    { "b", "a", NULL, NULL },
    { "a", NULL, NULL, NULL },
  };
  g_autoptr(StrataGraph) graph = GRAPH (revs);
  g_autofree char *sorted = ids_string (strata_graph_get_scripts (graph));

  g_assert_cmpstr (sorted, ==, "a b c x d e");
}

static void
test_branched_structure (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (branched);
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autoptr(GPtrArray) children = strata_graph_get_children (graph, strata_graph_lookup (graph, "b"));
  g_autofree char *heads_str = ids_string (heads);
  g_autofree char *children_str = ids_string (children);

  g_assert_cmpstr (heads_str, ==, "d1 d2");
  g_assert_cmpstr (children_str, ==, "c1 c2");
  g_assert_true (strata_graph_is_branch_point (graph, strata_graph_lookup (graph, "b")));
  g_assert_false (strata_graph_is_branch_point (graph, strata_graph_lookup (graph, "c1")));
}

static void
test_merged_structure (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (merged);
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autofree char *heads_str = ids_string (heads);

  g_assert_cmpstr (heads_str, ==, "e");
  g_assert_true (strata_script_is_merge (strata_graph_lookup (graph, "d")));
  g_assert_true (strata_graph_is_branch_point (graph, strata_graph_lookup (graph, "b")));
}

static void
test_multiple_bases_structure (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (two_bases);
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autoptr(GPtrArray) bases = strata_graph_get_bases (graph);
  g_autofree char *heads_str = ids_string (heads);
  g_autofree char *bases_str = ids_string (bases);

  g_assert_cmpstr (heads_str, ==, "a2 b2");
  g_assert_cmpstr (bases_str, ==, "a1 b1");
}

static void
test_depends_on_structure (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (depends);
  g_autoptr(GPtrArray) heads = strata_graph_get_heads (graph);
  g_autoptr(GPtrArray) dependents = strata_graph_get_dependents (graph, strata_graph_lookup (graph, "a2"));
  g_autoptr(GPtrArray) children = strata_graph_get_children (graph, strata_graph_lookup (graph, "a2"));
  g_autofree char *heads_str = ids_string (heads);
  g_autofree char *dependents_str = ids_string (dependents);
  g_autofree char *children_str = ids_string (children);
  g_autofree char *sorted = ids_string (strata_graph_get_scripts (graph));

  g_assert_cmpstr (heads_str, ==, "a3 b3");
  g_assert_cmpstr (dependents_str, ==, "b2");
  g_assert_cmpstr (children_str, ==, "a3");
  g_assert_cmpstr (sorted, ==, "a1 a2 a3 b1 b2 b3");
  g_assert_false (strata_graph_is_branch_point (graph, strata_graph_lookup (graph, "a2")));
}

static void
test_depends_on_label (void)
{
  static const Rev revs[] = {
    { "a1", NULL, "accounts", NULL },
    { "a2", "a1", NULL, NULL },
    { "b1", NULL, NULL, "accounts" },
  };
  g_autoptr(StrataGraph) graph = GRAPH (revs);
  g_autoptr(GPtrArray) dependents = strata_graph_get_dependents (graph, strata_graph_lookup (graph, "a1"));
  g_autofree char *dependents_str = ids_string (dependents);

  /* A label in depends_on means the revision that carries it. */
  g_assert_cmpstr (dependents_str, ==, "b1");
  assert_upgrade (graph, "", "b1", "+a1:a1 +b1:b1");
}

static void
test_labels (void)
{
  static const Rev chain[] = {
    { "a", NULL, NULL, NULL },
    { "b", "a", "shop", NULL },
    { "c", "b", NULL, NULL },
  };
  g_autoptr(StrataGraph) graph = GRAPH (branched);
  g_autoptr(StrataGraph) line = GRAPH (chain);
  g_autoptr(StrataGraph) bases = GRAPH (two_bases);

  /* A label covers its revision, what follows it, and the unbranched line
   * down to the previous branch point. */
  assert_labels (graph, "c1", "left");
  assert_labels (graph, "d1", "left");
  assert_labels (graph, "d2", "right");
  assert_labels (graph, "b", "");
  assert_labels (graph, "a", "");

  assert_labels (line, "a", "shop");
  assert_labels (line, "b", "shop");
  assert_labels (line, "c", "shop");

  assert_labels (bases, "a2", "alpha");
  assert_labels (bases, "b1", "beta");
}

/* Validation ------------------------------------------------------------------ */

static void
test_errors_at_load (void)
{
  static const Rev duplicate[] = { { "a", NULL, NULL, NULL }, { "a", NULL, NULL, NULL } };
  static const Rev missing[] = { { "a", NULL, NULL, NULL }, { "b", "zz", NULL, NULL } };
  static const Rev unknown_dep[] = { { "a", NULL, NULL, NULL }, { "b", "a", NULL, "nope" } };
  static const Rev dup_label[] = { { "a", NULL, "x", NULL }, { "b", "a", "x", NULL } };
  static const Rev label_is_rev[] = { { "a", NULL, NULL, NULL }, { "b", "a", "a", NULL } };
  static const Rev cycle[] = { { "r", NULL, NULL, NULL }, { "a", "b", NULL, NULL }, { "b", "a", NULL, NULL } };
  static const Rev dep_cycle[] = {
    { "a", NULL, NULL, NULL },
    { "b", "a", NULL, "c" },
    { "c", "a", NULL, "b" },
  };
  static const Rev self_loop[] = { { "a", "a", NULL, NULL } };
  static const Rev self_dep[] = { { "a", NULL, NULL, "a" } };
  g_autofree char *m1 = GRAPH_ERROR (duplicate);
  g_autofree char *m2 = GRAPH_ERROR (missing);
  g_autofree char *m3 = GRAPH_ERROR (unknown_dep);
  g_autofree char *m4 = GRAPH_ERROR (dup_label);
  g_autofree char *m5 = GRAPH_ERROR (label_is_rev);
  g_autofree char *m6 = GRAPH_ERROR (cycle);
  g_autofree char *m7 = GRAPH_ERROR (dep_cycle);
  g_autofree char *m8 = GRAPH_ERROR (self_loop);
  g_autofree char *m9 = GRAPH_ERROR (self_dep);

  g_assert_cmpstr (m1, ==, "Revision a is present more than once");
  g_assert_cmpstr (m2, ==, "Revision zz referenced from b is not present");
  g_assert_cmpstr (m3, ==, "Revision b depends on 'nope', which is neither a revision nor a branch label");
  g_assert_cmpstr (m4, ==, "Branch name 'x' in revision b already used by revision a");
  g_assert_cmpstr (m5, ==, "Branch name 'a' in revision b already used by revision a");
  g_assert_cmpstr (m6, ==, "Cycle is detected in revisions (a, b)");
  g_assert_cmpstr (m7, ==, "Dependency cycle is detected in revisions (b, c)");
  g_assert_cmpstr (m8, ==, "Self-loop is detected in revisions (a)");
  g_assert_cmpstr (m9, ==, "Dependency self-loop is detected in revisions (a)");
}

static void
test_empty_graph (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataGraph) graph = strata_graph_new (none, &error);
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(StrataPlan) plan = NULL;

  g_assert_no_error (error);
  heads = strata_graph_get_heads (graph);
  g_assert_cmpuint (heads->len, ==, 0);

  plan = strata_graph_plan_upgrade (graph, NULL, "head", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strata_plan_get_n_steps (plan), ==, 0);
}

/* Resolution ------------------------------------------------------------------- */

static void
test_resolve (void)
{
  static const Rev revs[] = {
    { "ae1027a6acf0", NULL, NULL, NULL },
    { "ae10bb", "ae1027a6acf0", "shoppingcart", NULL },
    { "ae1099", "ae10bb", NULL, NULL },
    { "27c6a30d7c24", "ae1099", NULL, NULL },
  };
  g_autoptr(StrataGraph) graph = GRAPH (revs);
  g_autoptr(GError) error = NULL;
  StrataScript *script;

  script = strata_graph_resolve (graph, "ae1027a6acf0", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_revision (script), ==, "ae1027a6acf0");

  script = strata_graph_resolve (graph, "ae102", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_revision (script), ==, "ae1027a6acf0");

  script = strata_graph_resolve (graph, "27c6", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_revision (script), ==, "27c6a30d7c24");

  script = strata_graph_resolve (graph, "shoppingcart", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_revision (script), ==, "ae10bb");

  g_assert_null (strata_graph_resolve (graph, "ae10", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS);
  g_assert_cmpstr (error->message, ==, "Multiple revisions start with 'ae10': 'ae1027a6acf0', 'ae1099', 'ae10bb'");
  g_clear_error (&error);

  g_assert_null (strata_graph_resolve (graph, "ffff", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);
  g_assert_cmpstr (error->message, ==, "No such revision or branch 'ffff'");
  g_clear_error (&error);

  /* A prefix may be shorter than four characters when it is unique, as in
   * Alembic; when it matches nothing, the message says what Alembic's does. */
  g_assert_cmpstr (strata_script_get_revision (strata_graph_resolve (graph, "27c", &error)), ==,
                   "27c6a30d7c24");
  g_assert_no_error (error);
  g_assert_cmpstr (strata_script_get_revision (strata_graph_resolve (graph, "2", &error)), ==,
                   "27c6a30d7c24");
  g_assert_no_error (error);
  g_assert_null (strata_graph_resolve (graph, "ae", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS);
  g_clear_error (&error);
  g_assert_null (strata_graph_resolve (graph, "fff", &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);
  g_assert_cmpstr (error->message, ==, "No such revision or branch 'fff'; please ensure at least four "
                   "characters are present for partial revision identifier matches");
  g_clear_error (&error);

  /* Prefixes work in targets too. */
  assert_upgrade (graph, "", "ae10b", "+ae1027a6acf0:ae1027a6acf0 +ae10bb:ae10bb");
  assert_target (graph, "", "shoppingcart@head", STRATA_DIRECTION_UP, "27c6a30d7c24");
}

static void
test_target_forms (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (branched);

  assert_target (graph, "", "heads", STRATA_DIRECTION_UP, "d1,d2");
  assert_target (graph, "", "left@head", STRATA_DIRECTION_UP, "d1");
  assert_target (graph, "", "right@heads", STRATA_DIRECTION_UP, "d2");
  assert_target (graph, "", "c2@head", STRATA_DIRECTION_UP, "d2");
  assert_target (graph, "", "base", STRATA_DIRECTION_UP, "");
  assert_target (graph, "", "left@base", STRATA_DIRECTION_UP, "");
  assert_target (graph, "", "left", STRATA_DIRECTION_UP, "c1");
  assert_target (graph, "", "left@c1", STRATA_DIRECTION_UP, "c1");
  assert_target (graph, "b", "left@+1", STRATA_DIRECTION_UP, "c1");
  assert_target (graph, "b", "right@+2", STRATA_DIRECTION_UP, "d2");
  assert_target (graph, "", "c1-1", STRATA_DIRECTION_UP, "b");
  assert_target (graph, "", "left@d1-1", STRATA_DIRECTION_UP, "c1");
  assert_target (graph, "", "c2+1", STRATA_DIRECTION_UP, "d2");
}

static void
test_target_forms_linear (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (linear);

  assert_target (graph, "", "head", STRATA_DIRECTION_UP, "e");
  assert_target (graph, "", "", STRATA_DIRECTION_UP, "e");
  assert_target (graph, "", NULL, STRATA_DIRECTION_UP, "e");
  assert_target (graph, "", "+2", STRATA_DIRECTION_UP, "b");
  assert_target (graph, "b", "+2", STRATA_DIRECTION_UP, "d");
  assert_target (graph, "", "b+2", STRATA_DIRECTION_UP, "d");
  assert_target (graph, "", "head-2", STRATA_DIRECTION_UP, "c");
  assert_target (graph, "e", "-2", STRATA_DIRECTION_DOWN, "c");
  assert_target (graph, "e", "-5", STRATA_DIRECTION_DOWN, "");
  assert_target (graph, "e", "d-1", STRATA_DIRECTION_DOWN, "c");
  assert_target (graph, "e", "a+1", STRATA_DIRECTION_DOWN, "b");
  assert_target (graph, "e", "base", STRATA_DIRECTION_DOWN, "");
  assert_target (graph, "e", "c", STRATA_DIRECTION_DOWN, "c");
}

static void
test_target_errors (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (branched);
  g_autoptr(StrataGraph) line = GRAPH (linear);
  g_autoptr(StrataGraph) bases = GRAPH (two_bases);

  assert_target_error (graph, "", "head", STRATA_DIRECTION_UP, STRATA_ERROR_AMBIGUOUS,
                       "Multiple head revisions are present for given argument 'head'; please specify a "
                       "specific target revision, '<branchname>@head' to narrow to a specific head, or "
                       "'heads' for all heads (heads: d1, d2)");
  assert_target_error (graph, "", "", STRATA_DIRECTION_UP, STRATA_ERROR_AMBIGUOUS,
                       "Multiple head revisions are present for given argument 'head'; please specify a "
                       "specific target revision, '<branchname>@head' to narrow to a specific head, or "
                       "'heads' for all heads (heads: d1, d2)");
  assert_target_error (graph, "", "nope", STRATA_DIRECTION_UP, STRATA_ERROR_UNKNOWN_REVISION,
                       "No such revision or branch 'nope'");
  assert_target_error (graph, "", "nope@head", STRATA_DIRECTION_UP, STRATA_ERROR_UNKNOWN_REVISION,
                       "No such revision or branch 'nope'");
  assert_target_error (graph, "", "left@d2", STRATA_DIRECTION_UP, STRATA_ERROR_UNKNOWN_REVISION,
                       "Revision d2 is not a member of branch 'left'");
  assert_target_error (graph, "", "nope@base", STRATA_DIRECTION_UP, STRATA_ERROR_UNKNOWN_REVISION,
                       "No such branch: 'nope'");
  assert_target_error (graph, "b", "+1", STRATA_DIRECTION_UP, STRATA_ERROR_AMBIGUOUS,
                       "Ambiguous walk: revision b has several child revisions (c1, c2); name a branch "
                       "(LABEL@+1) or a revision");
  assert_target_error (graph, "d1,d2", "+1", STRATA_DIRECTION_UP, STRATA_ERROR_AMBIGUOUS,
                       "Ambiguous upgrade from multiple current revisions (d1, d2); use LABEL@+1 or REV+1");
  assert_target_error (graph, "d1,d2", "-1", STRATA_DIRECTION_DOWN, STRATA_ERROR_AMBIGUOUS,
                       "Relative revision -1 is ambiguous: the database has several heads (d1, d2); "
                       "use LABEL@-1 or REV-1");
  assert_target_error (graph, "", "b+1", STRATA_DIRECTION_UP, STRATA_ERROR_AMBIGUOUS,
                       "Ambiguous walk: revision b has several child revisions (c1, c2); name a branch "
                       "(LABEL@+1) or a revision");
  assert_target_error (line, "e", "+1", STRATA_DIRECTION_UP, STRATA_ERROR_INVALID_ARGUMENT,
                       "Relative revision +1 didn't produce 1 migration");
  assert_target_error (line, "c", "-1", STRATA_DIRECTION_UP, STRATA_ERROR_INVALID_ARGUMENT,
                       "Relative revision -1 didn't produce 1 migration; an upgrade goes up: use +N, "
                       "REV+N or REV-N");
  assert_target_error (line, "c", "+1", STRATA_DIRECTION_DOWN, STRATA_ERROR_INVALID_ARGUMENT,
                       "Relative revision +1 didn't produce 1 migration; a downgrade goes down: use -N, "
                       "LABEL@-N or REV-N");
  assert_target_error (line, "b", "-3", STRATA_DIRECTION_DOWN, STRATA_ERROR_INVALID_ARGUMENT,
                       "Relative revision -3 didn't produce 3 migrations");
  assert_target_error (line, "", "-1", STRATA_DIRECTION_DOWN, STRATA_ERROR_INVALID_ARGUMENT,
                       "Relative revision -1 didn't produce 1 migration; nothing is applied");
  assert_target_error (line, "", "d+3", STRATA_DIRECTION_UP, STRATA_ERROR_INVALID_ARGUMENT,
                       "Relative revision d+3 didn't produce 3 migrations");
  assert_target_error (line, "zz", "head", STRATA_DIRECTION_UP, STRATA_ERROR_UNKNOWN_REVISION,
                       "The version table holds revision 'zz', which is not among the migrations");
  assert_target_error (bases, "", "+1", STRATA_DIRECTION_UP, STRATA_ERROR_AMBIGUOUS,
                       "Ambiguous walk: the history has several base revisions (a1, b1); name a branch "
                       "(LABEL@+1) or a revision");
}

/* Upgrades and downgrades: linear ------------------------------------------------ */

static void
test_linear_plans (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (linear);

  assert_upgrade (graph, "", "head", "+a:a +b:b +c:c +d:d +e:e");
  assert_upgrade (graph, "", "c", "+a:a +b:b +c:c");
  assert_upgrade (graph, "b", "d", "+c:c +d:d");
  assert_upgrade (graph, "b", "+2", "+c:c +d:d");
  assert_upgrade (graph, "", "c+1", "+a:a +b:b +c:c +d:d");
  assert_upgrade (graph, "e", "head", "");
  assert_upgrade (graph, "e", "heads", "");
  assert_upgrade (graph, "", "base", "");

  assert_downgrade (graph, "e", "-1", "-e:d");
  assert_downgrade (graph, "e", "-2", "-e:d -d:c");
  assert_downgrade (graph, "c", "base", "-c:b -b:a -a:");
  assert_downgrade (graph, "e", "e-2", "-e:d -d:c");
  assert_downgrade (graph, "e", "a", "-e:d -d:c -c:b -b:a");
  assert_downgrade (graph, "c", "c", "");
  assert_downgrade (graph, "", "base", "");

  assert_plan_error (graph, STRATA_DIRECTION_DOWN, "c", "d", STRATA_ERROR_INVALID_ARGUMENT,
                     "Destination d is not a valid downgrade target from current head(s) c");
  assert_plan_error (graph, STRATA_DIRECTION_DOWN, "", "a", STRATA_ERROR_INVALID_ARGUMENT,
                     "Destination a is not a valid downgrade target from current head(s) "
                     "(none: the version table is empty)");
  /* A target that is applied already: nothing to do, as in Alembic. */
  assert_upgrade (graph, "d", "b", "");
  assert_upgrade (graph, "d", "base", "");
}

/* Branches: Alembic's BranchedPathTest ---------------------------------------------- */

static void
test_branched_plans (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (branched);

  /* Each branch in one go, the first head's branch last. */
  assert_upgrade (graph, "", "heads", "+a:a +b:b +c2:c2 +d2:d2 +c1:c1,d2 +d1:d1,d2");
  /* A revision brings its ancestors, not its siblings. */
  assert_upgrade (graph, "", "d1", "+a:a +b:b +c1:c1 +d1:d1");
  assert_upgrade (graph, "", "left@head", "+a:a +b:b +c1:c1 +d1:d1");
  /* A second branch from the branch point is a new row. */
  assert_upgrade (graph, "d1", "d2", "+c2:c2,d1 +d2:d1,d2");
  assert_upgrade (graph, "b", "left@+1", "+c1:c1");
  assert_upgrade (graph, "c1", "right@+1", "+c2:c1,c2");

  assert_downgrade (graph, "d1,d2", "b", "-d1:c1,d2 -c1:d2 -d2:c2 -c2:b");
  assert_downgrade (graph, "d1,d2", "c1", "-d1:c1,d2");
  assert_downgrade (graph, "d1,d2", "left@-1", "-d1:c1,d2");
  assert_downgrade (graph, "d1,d2", "right@-2", "-d2:c2,d1 -c2:d1");
  assert_downgrade (graph, "d1,d2", "d2-1", "-d2:c2,d1");
  /* With a single base, label@base goes all the way down, as in Alembic. */
  assert_downgrade (graph, "d1,d2", "left@base", "-d1:c1,d2 -c1:d2 -d2:c2 -c2:b -b:a -a:");

  assert_plan_error (graph, STRATA_DIRECTION_UP, "", "head", STRATA_ERROR_AMBIGUOUS,
                     "Multiple head revisions are present for given argument 'head'; please specify a "
                     "specific target revision, '<branchname>@head' to narrow to a specific head, or "
                     "'heads' for all heads (heads: d1, d2)");
  assert_plan_error (graph, STRATA_DIRECTION_DOWN, "d1", "c2", STRATA_ERROR_INVALID_ARGUMENT,
                     "Destination c2 is not a valid downgrade target from current head(s) d1");
}

/* Merges: Alembic's MergedPathTest ------------------------------------------------- */

static void
test_merged_plans (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (merged);

  assert_upgrade (graph, "", "head", "+a:a +b:b +c2:c2 +c1:c1,c2 +d:d +e:e");
  assert_upgrade (graph, "c2", "d", "+c1:c1,c2 +d:d");
  assert_upgrade (graph, "c1,c2", "e", "+d:d +e:e");
  assert_upgrade (graph, "b", "c1", "+c1:c1");
  assert_upgrade (graph, "c1", "c2", "+c2:c1,c2");

  /* Unmerging gives back both rows; the last branch goes when its parent
   * is still implied by the other row. */
  assert_downgrade (graph, "e", "b", "-e:d -d:c1,c2 -c1:c2 -c2:b");
  assert_downgrade (graph, "e", "c1", "-e:d -d:c1,c2");
  assert_downgrade (graph, "e", "-1", "-e:d");
  assert_plan_error (graph, STRATA_DIRECTION_DOWN, "e", "-2", STRATA_ERROR_AMBIGUOUS,
                     "Ambiguous walk: revision d has several down revisions (c1, c2); name the target "
                     "revision instead");
  assert_downgrade (graph, "d", "base", "-d:c1,c2 -c1:c2 -c2:b -b:a -a:");
}

/* Multiple bases: Alembic's MultipleBaseTest ------------------------------------------ */

static void
test_multiple_bases_plans (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (two_bases);

  assert_upgrade (graph, "", "heads", "+b1:b1 +b2:b2 +a1:a1,b2 +a2:a2,b2");
  assert_upgrade (graph, "", "alpha@head", "+a1:a1 +a2:a2");
  assert_upgrade (graph, "b2", "alpha@+1", "+a1:a1,b2");
  assert_upgrade (graph, "a1", "beta@head", "+b1:a1,b1 +b2:a1,b2");

  assert_downgrade (graph, "a2,b2", "base", "-a2:a1,b2 -a1:b2 -b2:b1 -b1:");
  assert_downgrade (graph, "a2,b2", "alpha@base", "-a2:a1,b2 -a1:b2");
  assert_downgrade (graph, "a2,b2", "beta@-1", "-b2:a2,b1");
  /* Walking down to base names no branch: every base goes, as in Alembic. */
  assert_downgrade (graph, "a2,b2", "a2-2", "-a2:a1,b2 -a1:b2 -b2:b1 -b1:");
  assert_downgrade (graph, "a2,b2", "alpha@-2", "-a2:a1,b2 -a1:b2");
}

/* depends_on across branches ---------------------------------------------------------- */

static void
test_depends_on_plans (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (depends);

  /* b2 needs a2: the two rows merge into b2 when it runs. */
  assert_upgrade (graph, "", "b@head", "+a1:a1 +a2:a2 +b1:a2,b1 +b2:b2 +b3:b3");
  assert_upgrade (graph, "b3", "a@head", "+a3:a3,b3");
  assert_upgrade (graph, "a3", "b2", "+b1:a3,b1 +b2:a3,b2");
  /* Alembic's order: b3's line needs a2, so it goes first; a3 then starts
   * a row of its own. */
  assert_upgrade (graph, "", "heads",
                  "+a1:a1 +a2:a2 +b1:a2,b1 +b2:b2 +b3:b3 +a3:a3,b3");

  /* Downgrading below a2 removes what depends on it, on both branches. */
  assert_downgrade (graph, "a3,b3", "a1", "-a3:b3 -b3:b2 -b2:a2,b1 -a2:a1,b1");
  assert_downgrade (graph, "b3", "b1", "-b3:b2 -b2:a2,b1");
  assert_downgrade (graph, "a3,b3", "b@base", "-b3:a3,b2 -b2:a3,b1 -b1:a3");
  assert_downgrade (graph, "b3", "b@base", "-b3:b2 -b2:a2,b1 -b1:a2");

  /* Rows where one is below another (left by a stamp): Alembic refuses to
   * upgrade from there. */
  assert_plan_error (graph, STRATA_DIRECTION_UP, "a1,b2", "heads", STRATA_ERROR_STATE,
                     "The version table holds revision a1 and its descendant b2; repair it with stamp "
                     "before upgrading");

  /* a2 is applied for b2's sake and its branch has not moved past it:
   * nothing to do. Once a3 is applied, a2 is behind: nothing to do either. */
  assert_upgrade (graph, "b3", "a2", "");
  assert_upgrade (graph, "a3,b3", "a2", "");
}

static void
test_depends_on_merge (void)
{
  /* h merges f and g and depends on c, which f needs only through e's
   * depends_on: c stays among h's down revisions. When h runs, c is no
   * longer a row; Alembic's HeadMaintainer fails on a KeyError there, Strata
   * replaces the rows that are present. */
  static const Rev revs[] = {
    { "a", NULL, NULL, NULL },
    { "b", "a", NULL, NULL },
    { "c", NULL, "cc", NULL },
    { "d", "c", NULL, NULL },
    { "e", NULL, NULL, NULL },
    { "f", "e", NULL, "d" },
    { "g", "b", NULL, NULL },
    { "h", "f,g", NULL, "cc" },
  };
  g_autoptr(StrataGraph) graph = GRAPH (revs);

  assert_upgrade (graph, "f,g", "h", "+h:h");
  /* Unmerging gives back every down revision, c included, as Alembic does
   * (even though f implies c). */
  assert_downgrade (graph, "h", "g", "-h:c,f,g");
}

static void
test_dup_applied (void)
{
  g_autoptr(StrataGraph) graph = GRAPH (depends);
  const char *heads[] = { "b2", NULL };
  const char *bad[] = { "nope", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) applied = strata_graph_dup_applied (graph, heads, &error);
  g_autoptr(GHashTable) none = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (applied), ==, 4);
  g_assert_true (g_hash_table_contains (applied, "a1"));
  g_assert_true (g_hash_table_contains (applied, "a2"));
  g_assert_true (g_hash_table_contains (applied, "b1"));
  g_assert_true (g_hash_table_contains (applied, "b2"));
  g_assert_false (g_hash_table_contains (applied, "a3"));
  g_assert_true (g_hash_table_lookup (applied, "b2") == strata_graph_lookup (graph, "b2"));

  g_assert_null (strata_graph_dup_applied (graph, bad, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION);

  none = strata_graph_dup_applied (graph, NULL, NULL);
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);
}

/* Stamp -------------------------------------------------------------------------------- */

static void
test_stamp (void)
{
  g_autoptr(StrataGraph) line = GRAPH (linear);
  g_autoptr(StrataGraph) graph = GRAPH (branched);
  g_autoptr(StrataGraph) bases = GRAPH (two_bases);
  g_autoptr(GError) error = NULL;
  const char *two[] = { "d1", "d2", NULL };
  g_auto(GStrv) after = NULL;

  assert_stamp (line, "", "c", FALSE, "c");
  assert_stamp (line, "c", "e", FALSE, "e");
  assert_stamp (line, "e", "a", FALSE, "a");
  assert_stamp (line, "e", "base", FALSE, "");
  assert_stamp (line, "e", "e", FALSE, "e");
  assert_stamp (line, "c", "head", FALSE, "e");

  assert_stamp (graph, "", "heads", FALSE, "d1,d2");
  assert_stamp (graph, "d1,d2", "c1", FALSE, "c1,d2");
  assert_stamp (graph, "d1,d2", "b", FALSE, "b");
  assert_stamp (graph, "b", "heads", FALSE, "d1,d2");
  assert_stamp (graph, "d1", "right@head", FALSE, "d1,d2");
  assert_stamp (graph, "d1,d2", "left@base", FALSE, "d2");

  assert_stamp (bases, "a2", "b1", FALSE, "a2,b1");
  assert_stamp (bases, "a2,b2", "alpha@base", FALSE, "b2");
  assert_stamp (bases, "a2,b2", "a1", TRUE, "a1");

  after = strata_graph_plan_stamp (graph, two, "head", FALSE, &error);
  g_assert_null (after);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AMBIGUOUS);
}

/* History ranges ------------------------------------------------------------------------ */

static void
test_range (void)
{
  g_autoptr(StrataGraph) line = GRAPH (linear);
  g_autoptr(StrataGraph) graph = GRAPH (branched);
  g_autoptr(StrataGraph) bases = GRAPH (two_bases);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) none = NULL;

  assert_range (line, "", NULL, NULL, "e d c b a");
  assert_range (line, "", "b", "d", "d c b");
  assert_range (line, "", "c", NULL, "e d c");
  assert_range (line, "", NULL, "c", "c b a");
  assert_range (line, "", "-2", NULL, "e d c");
  assert_range (line, "", "b", "+2", "d c b");
  assert_range (line, "c", "current", NULL, "e d c");
  assert_range (line, "c", NULL, "current", "c b a");

  assert_range (graph, "", NULL, NULL, "d1 c1 d2 c2 b a");
  assert_range (graph, "", "b", "d1", "d1 c1 b");
  assert_range (graph, "", NULL, "right@head", "d2 c2 b a");
  assert_range (bases, "", NULL, NULL, "a2 a1 b2 b1");
  assert_range (bases, "", "beta@base", NULL, "b2 b1");

  /* N below every head (Alembic refuses this with several heads). */
  assert_range (bases, "", "-1", NULL, "a2 a1 b2 b1");

  /* a1 is below b3 only through b2's depends_on: no line of history joins
   * them (Alembic fails on an assertion here). */
  {
    g_autoptr(StrataGraph) deps = GRAPH (depends);
    g_autoptr(GPtrArray) across = strata_graph_range (deps, NULL, "a1", "b3", &error);

    g_assert_null (across);
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (error->message, ==, "Requested range a1:b3 does not refer to ancestor/descendant "
                     "revisions along the same branch");
    g_clear_error (&error);
  }

  none = strata_graph_range (graph, NULL, "d1", "c2", &error);
  g_assert_null (none);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "Requested range d1:c2 does not refer to ancestor/descendant "
                   "revisions along the same branch");
}

/* Scale ------------------------------------------------------------------------------------ */

static void
test_long_chain (void)
{
  const guint n = 5000;
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(StrataGraph) graph = NULL;
  g_autoptr(GPtrArray) heads = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(StrataPlan) up = NULL;
  g_autoptr(StrataPlan) down = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = g_strdup_printf ("r%04x%08x", n - 1, (n - 1) * 2654435761u);
  const char *current[] = { last, NULL };
  gint64 start, built, listed, planned;

  /* Newest file first: the loader must not depend on order. */
  for (guint i = n; i > 0; i--)
    {
      g_autofree char *id = g_strdup_printf ("r%04x%08x", i - 1, (i - 1) * 2654435761u);
      g_autofree char *parent = i > 1 ? g_strdup_printf ("r%04x%08x", i - 2, (i - 2) * 2654435761u) : NULL;
      const char *parents[] = { parent, NULL };

      g_ptr_array_add (scripts, strata_script_new (id, parents, "step"));
    }

  start = g_get_monotonic_time ();
  graph = strata_graph_new (scripts, &error);
  g_assert_no_error (error);
  built = g_get_monotonic_time ();

  heads = strata_graph_get_heads (graph);
  history = strata_graph_range (graph, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  listed = g_get_monotonic_time ();

  up = strata_graph_plan_upgrade (graph, NULL, "head", &error);
  g_assert_no_error (error);
  down = strata_graph_plan_downgrade (graph, current, "base", &error);
  g_assert_no_error (error);
  planned = g_get_monotonic_time ();

  g_assert_cmpuint (heads->len, ==, 1);
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (heads, 0)), ==, last);
  g_assert_cmpuint (history->len, ==, n);
  g_assert_cmpstr (strata_script_get_revision (g_ptr_array_index (history, 0)), ==, last);
  g_assert_cmpuint (strata_plan_get_n_steps (up), ==, n);
  g_assert_cmpuint (strata_plan_get_n_steps (down), ==, n);
  g_assert_cmpuint (g_strv_length ((char **)strata_plan_get_heads_after (down)), ==, 0);

  /* Speed is measured by tests/bench, never asserted here. */
  g_test_message ("5000 revisions: load %.1f ms, heads+history %.1f ms, up+down plans %.1f ms",
                  (built - start) / 1000.0, (listed - built) / 1000.0, (planned - listed) / 1000.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/graph/linear", test_linear_structure);
  g_test_add_func ("/strata/graph/topological-order", test_topological_order);
  g_test_add_func ("/strata/graph/branched", test_branched_structure);
  g_test_add_func ("/strata/graph/merged", test_merged_structure);
  g_test_add_func ("/strata/graph/multiple-bases", test_multiple_bases_structure);
  g_test_add_func ("/strata/graph/depends-on", test_depends_on_structure);
  g_test_add_func ("/strata/graph/depends-on-label", test_depends_on_label);
  g_test_add_func ("/strata/graph/labels", test_labels);
  g_test_add_func ("/strata/graph/errors", test_errors_at_load);
  g_test_add_func ("/strata/graph/empty", test_empty_graph);
  g_test_add_func ("/strata/graph/resolve", test_resolve);
  g_test_add_func ("/strata/graph/targets", test_target_forms);
  g_test_add_func ("/strata/graph/targets-linear", test_target_forms_linear);
  g_test_add_func ("/strata/graph/target-errors", test_target_errors);
  g_test_add_func ("/strata/graph/plans/linear", test_linear_plans);
  g_test_add_func ("/strata/graph/plans/branched", test_branched_plans);
  g_test_add_func ("/strata/graph/plans/merged", test_merged_plans);
  g_test_add_func ("/strata/graph/plans/multiple-bases", test_multiple_bases_plans);
  g_test_add_func ("/strata/graph/plans/depends-on", test_depends_on_plans);
  g_test_add_func ("/strata/graph/plans/depends-on-merge", test_depends_on_merge);
  g_test_add_func ("/strata/graph/applied", test_dup_applied);
  g_test_add_func ("/strata/graph/stamp", test_stamp);
  g_test_add_func ("/strata/graph/range", test_range);
  g_test_add_func ("/strata/graph/long-chain", test_long_chain);

  return g_test_run ();
}
