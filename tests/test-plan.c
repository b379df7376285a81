/* test-plan.c: heads vectors, steps and plans
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata.h"

static void
test_heads_normalize (void)
{
  const char *in[] = { "b2", "a1", "b2", "c3", NULL };
  g_auto(GStrv) out = strata_heads_normalize (in);
  g_auto(GStrv) empty = strata_heads_normalize (NULL);
  const char *expected[] = { "a1", "b2", "c3", NULL };

  g_assert_true (g_strv_equal ((const char * const *)out, expected));
  g_assert_nonnull (empty);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
}

static void
test_heads_equal (void)
{
  const char *a[] = { "x", "y", NULL };
  const char *b[] = { "y", "x", "x", NULL };
  const char *c[] = { "x", NULL };

  g_assert_true (strata_heads_equal (a, b));
  g_assert_false (strata_heads_equal (a, c));
  g_assert_true (strata_heads_equal (NULL, (const char *[]) { NULL }));
}

static void
test_error_exit_status (void)
{
  g_autoptr(GError) bad = g_error_new (STRATA_ERROR, STRATA_ERROR_UNKNOWN_REVISION, "no such revision");
  g_autoptr(GError) db = g_error_new (STRATA_ERROR, STRATA_ERROR_DATABASE, "syntax error");
  g_autoptr(GError) found = g_error_new (STRATA_ERROR, STRATA_ERROR_DIFFERENCES, "1 difference");

  g_assert_cmpint (strata_error_exit_status (NULL), ==, 0);
  g_assert_cmpint (strata_error_exit_status (bad), ==, 2);
  g_assert_cmpint (strata_error_exit_status (db), ==, 1);
  g_assert_cmpint (strata_error_exit_status (found), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/plan/heads-normalize", test_heads_normalize);
  g_test_add_func ("/strata/plan/heads-equal", test_heads_equal);
  g_test_add_func ("/strata/error/exit-status", test_error_exit_status);

  return g_test_run ();
}
