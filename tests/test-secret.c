/* test-secret.c: profile passwords in a real gnome-keyring, and what
 * happens where there is none
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyring cases run against the throwaway, unlocked gnome-keyring that
 * build-aux/strata-dev starts (STRATA_TEST_KEYRING=1), never a developer's
 * own. The no-service cases run everywhere: in a child process whose
 * DBUS_SESSION_BUS_ADDRESS points at nothing, or at a socket that accepts a
 * connection and never answers (a wedged bus); they must end with one clear
 * error within a few seconds.
 */

#include "config.h"

#include <string.h>

#include <gio/gunixsocketaddress.h>
#include <libsecret/secret.h>

#include "strata.h"
#include "strata-test-util.h"

/* The same schema as the core's, to look at the items as a person would. */
static const SecretSchema profile_schema = {
  STRATA_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "profile-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static gboolean
require_keyring (void)
{
  return strata_test_require_env ("DBUS_SESSION_BUS_ADDRESS", "session bus") != NULL &&
         strata_test_require_env ("STRATA_TEST_KEYRING", "throwaway gnome-keyring") != NULL;
}

static StrataProfile *
new_profile (const char *name)
{
  g_autoptr(GError) error = NULL;
  StrataProfile *profile;

  profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, name,
                                         "postgresql://app@db.example.com:5432/shop", &error);
  g_assert_no_error (error);
  return profile;
}

/* The items of the profile, as (label) strings. */
static GPtrArray *
find_labels (StrataProfile *profile)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *labels = g_ptr_array_new_with_free_func (g_free);
  GList *items;

  items = secret_password_search_sync (&profile_schema, SECRET_SEARCH_ALL, NULL, &error,
                                       "profile-id", strata_profile_get_id (profile),
                                       NULL);
  g_assert_no_error (error);
  for (GList *l = items; l != NULL; l = l->next)
    g_ptr_array_add (labels, secret_retrievable_get_label (l->data));
  g_list_free_full (items, g_object_unref);

  return labels;
}

static void
test_secret_round_trip (void)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataProfile) other = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  gboolean removed = FALSE;

  if (!require_keyring ())
    return;

  profile = new_profile ("staging (round trip)");
  other = new_profile ("another");

  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  g_assert_true (strata_secret_store (profile, "first p@ss:word", NULL, &error));
  g_assert_no_error (error);
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "first p@ss:word");
  g_clear_pointer (&password, g_free);

  /* Storing again replaces: one item, labelled for a person. */
  g_assert_true (strata_secret_store (profile, "second", NULL, &error));
  g_assert_no_error (error);
  labels = find_labels (profile);
  g_assert_cmpuint (labels->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (labels, 0), ==,
                   "Strata database password for “staging (round trip)” "
                   "(postgresql://app@db.example.com:5432/shop)");
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "second");
  g_clear_pointer (&password, g_free);

  /* Another profile on the same server has its own entry. */
  password = strata_secret_lookup (other, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);

  /* Renaming keeps the password: it is keyed by id. */
  strata_profile_set_name (profile, "renamed");
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "second");
  g_clear_pointer (&password, g_free);

  g_assert_true (strata_secret_clear (profile, &removed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (removed);
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (password);
  g_assert_true (strata_secret_clear (profile, &removed, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (removed);
}

static void
async_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
test_secret_async (void)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  gboolean removed = FALSE;

  if (!require_keyring ())
    return;

  profile = new_profile ("async");

  strata_secret_store_async (profile, "from the app", NULL, async_done_cb, &result);
  g_assert_true (strata_secret_store_finish (wait_result (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  strata_secret_lookup_async (profile, NULL, async_done_cb, &result);
  password = strata_secret_lookup_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "from the app");
  g_clear_object (&result);

  strata_secret_clear_async (profile, NULL, async_done_cb, &result);
  g_assert_true (strata_secret_clear_finish (wait_result (&result), &removed, &error));
  g_assert_no_error (error);
  g_assert_true (removed);
  g_clear_object (&result);

  /* Cancelled before it starts: a cancellation error, not a keyring one. */
  cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  strata_secret_lookup_async (profile, cancellable, async_done_cb, &result);
  g_clear_pointer (&password, g_free);
  password = strata_secret_lookup_finish (wait_result (&result), &error);
  g_assert_null (password);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED);
}

static void
test_secret_bad_input (void)
{
  g_autoptr(StrataProfile) profile = g_object_new (STRATA_TYPE_PROFILE, "name", "no id", NULL);
  g_autoptr(StrataProfile) named = new_profile ("empty password");
  g_autoptr(GError) error = NULL;

  /* Checked before any D-Bus traffic: no keyring needed. */
  g_assert_null (strata_secret_lookup (profile, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“no id” has no id"));
  g_clear_error (&error);

  g_assert_false (strata_secret_store (named, "", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "empty"));
}

static void
test_secret_timeout_setting (void)
{
  g_setenv ("STRATA_SECRET_TIMEOUT", "7", TRUE);
  g_assert_cmpuint (strata_secret_get_timeout (), ==, 7);
  g_setenv ("STRATA_SECRET_TIMEOUT", "nonsense", TRUE);
  g_assert_cmpuint (strata_secret_get_timeout (), ==, STRATA_SECRET_DEFAULT_TIMEOUT);
  strata_secret_set_timeout (3);
  g_assert_cmpuint (strata_secret_get_timeout (), ==, 3);
  strata_secret_set_timeout (0);
  g_unsetenv ("STRATA_SECRET_TIMEOUT");
  g_assert_cmpuint (strata_secret_get_timeout (), ==, STRATA_SECRET_DEFAULT_TIMEOUT);
}

static StrataDriver *
connect_async (StrataProfile  *profile,
               GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  strata_profile_connect_async (profile, NULL, NULL, async_done_cb, &result);
  return strata_profile_connect_finish (profile, wait_result (&result), error);
}

/* The app's path to a database: the keyring's password, without blocking. */
static void
test_secret_connect (void)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;
  const char *url, *password;

  if (!require_keyring () ||
      !(url = strata_test_require_env ("STRATA_TEST_PG_URL", "PostgreSQL server")) ||
      !(password = strata_test_require_env ("STRATA_TEST_PG_PASSWORD", "PostgreSQL server")))
    return;

  g_unsetenv ("PGPASSWORD");
  g_unsetenv ("PGPASSFILE");
  g_setenv ("PGPASSFILE", "/nonexistent/pgpass", TRUE);

  profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, "connect", url, &error);
  g_assert_no_error (error);
  strata_profile_set_password (profile, NULL);

  /* Nothing anywhere: the server's refusal says where a password goes. */
  driver = connect_async (profile, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "no password for profile “connect” in the keyring"));
  g_assert_nonnull (strstr (error->message, "set-password connect"));
  g_clear_error (&error);

  /* From the keyring. */
  g_assert_true (strata_secret_store (profile, password, NULL, &error));
  g_assert_no_error (error);
  driver = connect_async (profile, &error);
  g_assert_no_error (error);
  g_assert_true (strata_driver_get_dialect (driver) == STRATA_DIALECT_POSTGRESQL);
  g_clear_object (&driver);
  driver = strata_profile_connect (profile, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&driver);

  /* A wrong one in the keyring. */
  g_assert_true (strata_secret_store (profile, "not the password", NULL, &error));
  driver = connect_async (profile, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "the password in the keyring was refused"));
  g_assert_null (strstr (error->message, "not the password"));
  g_clear_error (&error);

  /* One typed in the app, held in memory, wins over the keyring. */
  strata_profile_set_password (profile, password);
  driver = connect_async (profile, &error);
  g_assert_no_error (error);

  g_assert_true (strata_secret_clear (profile, NULL, NULL, &error));
  g_assert_no_error (error);
  g_unsetenv ("PGPASSFILE");
}

/* No Secret Service ------------------------------------------------------ */

/* Every call fails with one clear STRATA_ERROR_SECRET line, quickly, and
 * connecting still goes ahead without the keyring. */
static void
check_no_keyring (const char *expected,
                  double      max_seconds)
{
  g_autoptr(StrataProfile) profile = new_profile ("ci");
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = NULL;
  gint64 start;

  start = g_get_monotonic_time ();
  password = strata_secret_lookup (profile, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SECRET);
  g_assert_nonnull (strstr (error->message, "could not look up the password of profile “ci”"));
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_null (strchr (error->message, '\n'));
  g_printerr ("%s\n", error->message);
  g_clear_error (&error);

  g_assert_false (strata_secret_store (profile, "never stored", NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SECRET);
  g_assert_null (strstr (error->message, "never stored"));
  g_clear_error (&error);

  g_assert_false (strata_secret_clear (profile, NULL, NULL, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_SECRET);
  g_clear_error (&error);

  /* Connecting looks in the keyring first, gives up on it, and goes on:
   * whatever the database says then, it is not a keyring error. */
  strata_profile_set_host (profile, "127.0.0.1");
  strata_profile_set_port (profile, 1);
  strata_profile_set_params (profile, "connect_timeout=2");
  driver = strata_profile_connect (profile, NULL, NULL, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_nonnull (error);
  g_assert_true (error->domain == STRATA_ERROR);
  g_assert_cmpint (error->code, !=, STRATA_ERROR_SECRET);
  g_printerr ("%s\n", error->message);

  g_assert_cmpfloat ((g_get_monotonic_time () - start) / (double)G_USEC_PER_SEC, <, max_seconds);
}

static void
test_secret_no_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = strata_test_mkdtemp ();
      g_autofree char *address = g_strdup_printf ("unix:path=%s/no-bus-here", dir);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      g_unsetenv ("DISPLAY");
      check_no_keyring ("keyring is not available", 5);
      strata_test_rm_rf (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*could not look up the password of profile*ci*: the keyring is not available*");
}

static void
test_secret_hung_bus (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = strata_test_mkdtemp ();
      g_autofree char *path = g_build_filename (dir, "silent-bus", NULL);
      g_autofree char *address = g_strdup_printf ("unix:path=%s", path);
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GSocketAddress) socket_address = NULL;
      g_autoptr(GError) error = NULL;

      /* A bus that takes the connection and never says a word. */
      socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
      g_assert_no_error (error);
      socket_address = g_unix_socket_address_new (path);
      g_socket_bind (socket, socket_address, FALSE, &error);
      g_assert_no_error (error);
      g_socket_listen (socket, &error);
      g_assert_no_error (error);

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      g_unsetenv ("DISPLAY");
      strata_secret_set_timeout (2);
      /* Three calls with a 2 s limit, then the connection attempt. */
      check_no_keyring ("did not answer within 2 s", 12);
      strata_test_rm_rf (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*the keyring did not answer within 2 s*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/secret/round-trip", test_secret_round_trip);
  g_test_add_func ("/strata/secret/async", test_secret_async);
  g_test_add_func ("/strata/secret/connect", test_secret_connect);
  g_test_add_func ("/strata/secret/bad-input", test_secret_bad_input);
  g_test_add_func ("/strata/secret/timeout-setting", test_secret_timeout_setting);
  g_test_add_func ("/strata/secret/no-bus", test_secret_no_bus);
  g_test_add_func ("/strata/secret/hung-bus", test_secret_hung_bus);

  return g_test_run ();
}
