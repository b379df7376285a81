/* strata-secret.c: profile passwords in the desktop keyring
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-secret"

#include "config.h"

#include <errno.h>
#include <sys/prctl.h>

#include <string.h>

#include "strata-error.h"
#include "strata-loader-private.h"
#include "strata-profile.h"
#include "strata-secret.h"
#include "strata-i18n-private.h"

#define ATTRIBUTE_ID          "profile-id"
#define ATTRIBUTE_DESTINATION "destination"

static const SecretSchema profile_schema = {
  STRATA_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { ATTRIBUTE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { ATTRIBUTE_DESTINATION, SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static guint timeout_seconds;

/**
 * strata_secret_protect_process:
 *
 * Keeps the passwords this process will hold out of core dumps.
 *
 * Returns: whether the process is undumpable
 */
gboolean
strata_secret_protect_process (void)
{
  if (g_strcmp0 (g_getenv ("STRATA_ALLOW_CORE_DUMPS"), "1") != 0 &&
      prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_debug ("cannot turn core dumps off: %s", g_strerror (errno));

  return prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
}

guint
strata_secret_get_timeout (void)
{
  const char *env;
  guint64 value;

  if (timeout_seconds != 0)
    return timeout_seconds;

  env = g_getenv ("STRATA_SECRET_TIMEOUT");
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &value, NULL))
    return (guint)value;

  return STRATA_SECRET_DEFAULT_TIMEOUT;
}

void
strata_secret_set_timeout (guint seconds)
{
  timeout_seconds = seconds;
}

/* One call to the Secret Service. The task completes exactly once: with
 * libsecret's answer, or when the time is up (libsecret's late answer is
 * then dropped), or when the caller cancels. */
typedef struct
{
  const StrataLibsecret *libsecret;
  GCancellable          *cancellable;      /* ours, handed to libsecret */
  GCancellable          *caller;
  gulong                 cancelled_id;
  GSource               *timeout;
  char                  *action;           /* "store", "look up", "remove" */
  char                  *profile_name;
  char                  *profile_id;
  char                  *destination;      /* strata_profile_dup_destination */
  gboolean               done;
} SecretCall;

static void
secret_call_free (gpointer data)
{
  SecretCall *call = data;

  if (call->cancelled_id != 0)
    g_cancellable_disconnect (call->caller, call->cancelled_id);
  if (call->timeout != NULL)
    {
      g_source_destroy (call->timeout);
      g_source_unref (call->timeout);
    }
  g_clear_object (&call->caller);
  g_clear_object (&call->cancellable);
  g_free (call->action);
  g_free (call->profile_name);
  g_free (call->profile_id);
  g_free (call->destination);
  g_free (call);
}

/* Marks the call answered; FALSE when it already was. */
static gboolean
secret_call_settle (SecretCall *call)
{
  if (call->done)
    return FALSE;

  call->done = TRUE;
  if (call->timeout != NULL)
    g_source_destroy (call->timeout);
  return TRUE;
}

static gboolean
secret_call_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  SecretCall *call = g_task_get_task_data (task);

  if (secret_call_settle (call))
    {
      g_cancellable_cancel (call->cancellable);
      g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_SECRET,
                               _("could not %s the password of profile “%s”: the keyring did not "
                                 "answer within %u s (is it locked, waiting for someone to unlock it?)"),
                               call->action, call->profile_name, strata_secret_get_timeout ());
    }

  return G_SOURCE_REMOVE;
}

static void
secret_call_cancelled_cb (GCancellable *caller,
                          GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static GTask *
secret_call_new (StrataProfile       *profile,
                 const char          *action,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task;
  SecretCall *call;
  const char *name = strata_profile_get_name (profile);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* Cancellation is reported as STRATA_ERROR_CANCELLED by the call. */
  g_task_set_check_cancellable (task, FALSE);

  call = g_new0 (SecretCall, 1);
  call->action = g_strdup (action);
  call->profile_name = g_strdup (name ? name : strata_profile_get_id (profile));
  call->destination = strata_profile_dup_destination (profile);
  call->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      call->caller = g_object_ref (cancellable);
      call->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (secret_call_cancelled_cb),
                                                  call->cancellable, NULL);
    }
  g_task_set_task_data (task, call, secret_call_free);

  /* The timeout holds no reference: the task owns the source and destroys
   * it when it completes or is freed. */
  call->timeout = g_timeout_source_new_seconds (strata_secret_get_timeout ());
  g_source_set_callback (call->timeout, secret_call_timeout_cb, task, NULL);
  g_source_set_static_name (call->timeout, "[strata] keyring timeout");
  g_source_attach (call->timeout, g_task_get_context (task));

  return task;
}

/* libsecret's error, as one line that says what failed and what else
 * works. */
static void
secret_call_return_error (GTask  *task,
                          GError *error)
{
  SecretCall *call = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_cancellable_is_cancelled (call->caller))
    {
      /* Not our caller's doing: GDBus shares one connection attempt among
       * its callers, and an earlier call cancelled it when its time was
       * up. */
      g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_SECRET,
                               _("could not %s the password of profile “%s”: the keyring is not "
                                 "available (it did not answer an earlier request)"),
                               call->action, call->profile_name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                             _("cancelled while asking the keyring for the password of profile “%s”"),
                             call->profile_name);
  else
    g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_SECRET,
                             _("could not %s the password of profile “%s”: the keyring is not "
                               "available (%s)"),
                             call->action, call->profile_name, error->message);
}

/* Whether the call can go to the keyring: the profile has an id and
 * libsecret is installed. */
static gboolean
check_call (StrataProfile  *profile,
            SecretCall     *call,
            GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  if (strata_profile_get_id (profile) == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("profile “%s” has no id: it cannot have a password in the keyring"),
                   strata_profile_get_name (profile) ? strata_profile_get_name (profile) : "");
      return FALSE;
    }

  if (!(call->libsecret = _strata_libsecret_load (&local_error)))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SECRET,
                   _("could not %s the password of profile “%s”: %s"),
                   call->action, call->profile_name, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* The call of @task when it can go to the keyring; else %NULL, @task
 * having returned why not. */
static SecretCall *
secret_call_start (GTask         *task,
                   StrataProfile *profile)
{
  g_autoptr(GError) error = NULL;
  SecretCall *call = g_task_get_task_data (task);

  if (!check_call (profile, call, &error))
    {
      secret_call_settle (call);
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  return call;
}

/* Store ------------------------------------------------------------------ */

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretCall *call = g_task_get_task_data (task);
  gboolean ok = call->libsecret->secret_password_store_finish (result, &error);

  if (!secret_call_settle (call))
    return;

  if (!ok)
    secret_call_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
strata_secret_store_async (StrataProfile       *profile,
                           const char          *password,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  SecretCall *call;

  g_return_if_fail (STRATA_IS_PROFILE (profile));
  g_return_if_fail (password != NULL);

  /* Translators: in “could not %s the password of profile …” */
  task = secret_call_new (profile, _("store"), strata_secret_store_async, cancellable, callback, user_data);
  if (!(call = secret_call_start (task, profile)))
    return;
  if (*password == '\0')
    {
      secret_call_settle (call);
      g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                               _("the password for profile “%s” is empty"), call->profile_name);
      return;
    }

  label = g_strdup_printf (_("Strata database password for “%s” (%s)"), call->profile_name, call->destination);

  call->libsecret->secret_password_store (&profile_schema, SECRET_COLLECTION_DEFAULT, label, password,
                                          call->cancellable, store_cb, g_object_ref (task),
                                          ATTRIBUTE_ID, strata_profile_get_id (profile),
                                          ATTRIBUTE_DESTINATION, call->destination,
                                          NULL);
}

gboolean
strata_secret_store_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_secret_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The sync calls run the async ones in a private main context: the time
 * limit holds there too. */
static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GMainContext  *context,
          GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (context, TRUE);
  return *result;
}

gboolean
strata_secret_store (StrataProfile  *profile,
                     const char     *password,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  strata_secret_store_async (profile, password, cancellable, sync_done_cb, &result);
  ok = strata_secret_store_finish (wait_for (context, &result), error);
  g_main_context_pop_thread_default (context);

  return ok;
}

/* Lookup ----------------------------------------------------------------- */

static void
free_password (gpointer password)
{
  if (password != NULL)
    {
      explicit_bzero (password, strlen (password));
      g_free (password);
    }
}

/* The second look-up, by profile alone, after none was saved for the
 * profile's destination: whether one was saved for another destination. */
static void
lookup_elsewhere_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretCall *call = g_task_get_task_data (task);
  char *password = call->libsecret->secret_password_lookup_finish (result, &error);
  gboolean elsewhere = password != NULL;

  /* Never used: it was saved for somewhere else. */
  call->libsecret->secret_password_free (password);

  if (!secret_call_settle (call))
    return;

  if (error != NULL)
    secret_call_return_error (task, error);
  else if (elsewhere)
    g_task_return_new_error (task, STRATA_ERROR, STRATA_ERROR_SECRET_MISMATCH,
                             _("the keyring's password of profile “%s” was saved for another destination "
                               "(or by an older Strata), so it is not sent to %s; if that is the right "
                               "server, save the password for it again"),
                             call->profile_name, call->destination);
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretCall *call = g_task_get_task_data (task);
  char *password = call->libsecret->secret_password_lookup_finish (result, &error);

  if (call->done)
    {
      call->libsecret->secret_password_free (password);
      return;
    }

  if (error == NULL && password == NULL)
    {
      call->libsecret->secret_password_lookup (&profile_schema, call->cancellable, lookup_elsewhere_cb,
                                               g_steal_pointer (&task),
                                               ATTRIBUTE_ID, call->profile_id,
                                               NULL);
      return;
    }

  secret_call_settle (call);

  if (error != NULL)
    secret_call_return_error (task, error);
  else
    {
      char *copy = g_strdup (password);

      call->libsecret->secret_password_free (password);
      g_task_return_pointer (task, copy, free_password);
    }
}

void
strata_secret_lookup_async (StrataProfile       *profile,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretCall *call;

  g_return_if_fail (STRATA_IS_PROFILE (profile));

  task = secret_call_new (profile, _("look up"), strata_secret_lookup_async, cancellable, callback, user_data);
  if (!(call = secret_call_start (task, profile)))
    return;

  call->profile_id = g_strdup (strata_profile_get_id (profile));
  call->libsecret->secret_password_lookup (&profile_schema, call->cancellable, lookup_cb,
                                           g_object_ref (task),
                                           ATTRIBUTE_ID, call->profile_id,
                                           ATTRIBUTE_DESTINATION, call->destination,
                                           NULL);
}

char *
strata_secret_lookup_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_secret_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
strata_secret_lookup (StrataProfile  *profile,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  char *password;

  g_main_context_push_thread_default (context);
  strata_secret_lookup_async (profile, cancellable, sync_done_cb, &result);
  password = strata_secret_lookup_finish (wait_for (context, &result), error);
  g_main_context_pop_thread_default (context);

  return password;
}

/* Clear ------------------------------------------------------------------ */

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  SecretCall *call = g_task_get_task_data (task);
  gboolean removed = call->libsecret->secret_password_clear_finish (result, &error);

  if (!secret_call_settle (call))
    return;

  if (error != NULL)
    secret_call_return_error (task, error);
  else
    g_task_return_int (task, removed);
}

void
strata_secret_clear_async (StrataProfile       *profile,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SecretCall *call;

  g_return_if_fail (STRATA_IS_PROFILE (profile));

  task = secret_call_new (profile, _("remove"), strata_secret_clear_async, cancellable, callback, user_data);
  if (!(call = secret_call_start (task, profile)))
    return;

  call->libsecret->secret_password_clear (&profile_schema, call->cancellable, clear_cb,
                                          g_object_ref (task),
                                          ATTRIBUTE_ID, strata_profile_get_id (profile),
                                          NULL);
}

gboolean
strata_secret_clear_finish (GAsyncResult  *result,
                            gboolean      *removed,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_secret_clear_async, FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (removed != NULL)
    *removed = value != 0;
  return TRUE;
}

gboolean
strata_secret_clear (StrataProfile  *profile,
                     gboolean       *removed,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  strata_secret_clear_async (profile, cancellable, sync_done_cb, &result);
  ok = strata_secret_clear_finish (wait_for (context, &result), removed, error);
  g_main_context_pop_thread_default (context);

  return ok;
}
