/* test-keyring.c: the keyring the tests run against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/strata-dev starts a private session bus with a throwaway,
 * unlocked gnome-keyring (STRATA_TEST_KEYRING=1). These tests store, look up
 * and clear passwords in its default collection the way connection profiles
 * do. Every call has a time limit: a locked collection would open an unlock
 * prompt that nobody sees, and the test must fail then, not hang.
 */

#include "config.h"

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "strata-test-util.h"

#define CALL_TIMEOUT_SECONDS 20

static const SecretSchema test_schema = {
  "io.github.stratadb.Strata.Test", SECRET_SCHEMA_NONE,
  {
    { "case", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "run", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "NULL", 0 },
  }
};

/* The random id of this run: items of one run never match another's. */
static char *run_id;

/* Only against the throwaway keyring: never a developer's own. */
static gboolean
require_keyring (void)
{
  return strata_test_require_env ("DBUS_SESSION_BUS_ADDRESS", "session bus") != NULL &&
         strata_test_require_env ("STRATA_TEST_KEYRING", "throwaway gnome-keyring") != NULL;
}

typedef struct
{
  GAsyncResult *result;
  gboolean      timed_out;
} Call;

static void
call_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;

  call->result = g_object_ref (result);
}

static gboolean
call_timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  call->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @call has its result. When the time is
 * up, cancels @cancellable, fails the test and returns FALSE (still waiting
 * for the result, which the cancellation brings quickly). */
static gboolean
call_wait (Call         *call,
           GCancellable *cancellable,
           const char   *what)
{
  guint timeout_id = g_timeout_add_seconds (CALL_TIMEOUT_SECONDS, call_timeout_cb, call);

  while (call->result == NULL && !call->timed_out)
    g_main_context_iteration (NULL, TRUE);

  if (call->result != NULL)
    {
      g_source_remove (timeout_id);
      return TRUE;
    }

  /* Said now: the caller's assertions on the cancelled call end the test. */
  g_test_message ("%s: no answer from the secret service in %d s "
                  "(is the default collection locked, waiting on a prompt?)",
                  what, CALL_TIMEOUT_SECONDS);
  g_test_fail ();
  g_cancellable_cancel (cancellable);
  while (call->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return FALSE;
}

static gboolean
store (const char  *test_case,
       const char  *label,
       const char  *password,
       GError     **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { NULL, FALSE };
  gboolean ok;

  secret_password_store (&test_schema, SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, call_done_cb, &call,
                         "case", test_case, "run", run_id, NULL);
  call_wait (&call, cancellable, "store");
  ok = secret_password_store_finish (call.result, error);
  g_object_unref (call.result);

  return ok;
}

static char *
lookup (const char  *test_case,
        GError     **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { NULL, FALSE };
  char *password;

  secret_password_lookup (&test_schema, cancellable, call_done_cb, &call,
                          "case", test_case, "run", run_id, NULL);
  call_wait (&call, cancellable, "lookup");
  password = secret_password_lookup_finish (call.result, error);
  g_object_unref (call.result);

  return password;
}

static gboolean
clear (const char  *test_case,
       GError     **error)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { NULL, FALSE };
  gboolean cleared;

  secret_password_clear (&test_schema, cancellable, call_done_cb, &call,
                         "case", test_case, "run", run_id, NULL);
  call_wait (&call, cancellable, "clear");
  cleared = secret_password_clear_finish (call.result, error);
  g_object_unref (call.result);

  return cleared;
}

static void
test_default_collection (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  Call call = { NULL, FALSE };

  if (!require_keyring ())
    return;

  secret_collection_for_alias (NULL, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               cancellable, call_done_cb, &call);
  if (!call_wait (&call, cancellable, "default collection"))
    {
      g_clear_object (&call.result);
      return;
    }
  collection = secret_collection_for_alias_finish (call.result, &error);
  g_clear_object (&call.result);

  g_assert_no_error (error);
  g_assert_nonnull (collection);
  g_assert_false (secret_collection_get_locked (collection));
  g_test_message ("default collection: %s", g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)));
}

static void
test_store_lookup_clear (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *after = NULL;

  if (!require_keyring ())
    return;

  g_assert_true (store ("store", "Strata test: store", "s3cret p@ss wörd", &error));
  g_assert_no_error (error);

  found = lookup ("store", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "s3cret p@ss wörd");

  g_assert_true (clear ("store", &error));
  g_assert_no_error (error);

  after = lookup ("store", &error);
  g_assert_no_error (error);
  g_assert_null (after);

  /* Nothing left to clear. */
  g_assert_false (clear ("store", &error));
  g_assert_no_error (error);
}

static void
test_replace (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *other = NULL;

  if (!require_keyring ())
    return;

  /* Storing under the same attributes replaces the secret (a profile's new
   * password); other attributes are another item. */
  g_assert_true (store ("replace", "Strata test: replace", "first", &error));
  g_assert_no_error (error);
  g_assert_true (store ("replace", "Strata test: replace", "second", &error));
  g_assert_no_error (error);
  g_assert_true (store ("replace-other", "Strata test: other", "other", &error));
  g_assert_no_error (error);

  found = lookup ("replace", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "second");
  other = lookup ("replace-other", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (other, ==, "other");

  g_assert_true (clear ("replace", &error));
  g_assert_no_error (error);
  /* One item only: a second clear finds nothing. */
  g_assert_false (clear ("replace", &error));
  g_assert_no_error (error);
  g_assert_true (clear ("replace-other", &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  run_id = g_strdup_printf ("%08x", g_random_int ());

  g_test_add_func ("/strata/keyring/default-collection", test_default_collection);
  g_test_add_func ("/strata/keyring/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/strata/keyring/replace", test_replace);

  status = g_test_run ();
  g_free (run_id);

  return status;
}
