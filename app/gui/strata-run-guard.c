/* strata-run-guard.c: a run in progress keeps the session from ending and
 * the window from closing unasked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A run stopped halfway by a logout, or by a window closed on it, leaves a
 * database between revisions (a non-transactional step half done). While a
 * widget runs one, its window asks the session not to end
 * (gtk_application_inhibit) and, asked to close, asks the person first;
 * when they choose to cancel, the run is cancelled and the window closes
 * once it has stopped.
 */

#define G_LOG_DOMAIN "strata-run-guard"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-run-guard.h"

typedef struct
{
  GtkWindow *window;
  GtkWidget *runner;         /* weak */
  char      *cancel_action;
  guint      cookie;
  gboolean   inhibiting;
  gboolean   close_when_stopped;
  GtkWidget *dialog;         /* weak */
} Guard;

static GQuark
guard_quark (void)
{
  return g_quark_from_static_string ("strata-run-guard");
}

static void
guard_uninhibit (Guard *guard)
{
  GtkApplication *application = gtk_window_get_application (guard->window);

  if (guard->cookie != 0 && application != NULL)
    gtk_application_uninhibit (application, guard->cookie);
  guard->cookie = 0;
  guard->inhibiting = FALSE;
}

static void
guard_free (gpointer data)
{
  Guard *guard = data;

  guard_uninhibit (guard);
  g_clear_weak_pointer (&guard->runner);
  g_clear_weak_pointer (&guard->dialog);
  g_free (guard->cancel_action);
  g_free (guard);
}

static Guard *
guard_get (GtkWindow *window,
           gboolean   create)
{
  Guard *guard = g_object_get_qdata (G_OBJECT (window), guard_quark ());

  if (guard == NULL && create)
    {
      guard = g_new0 (Guard, 1);
      guard->window = window;
      g_object_set_qdata_full (G_OBJECT (window), guard_quark (), guard, guard_free);
    }

  return guard;
}

static gboolean
close_window_cb (gpointer data)
{
  GtkWindow *window = data;

  gtk_window_close (window);
  return G_SOURCE_REMOVE;
}

void
strata_run_guard_set_running (GtkWidget  *runner,
                              gboolean    running,
                              const char *cancel_action)
{
  GtkRoot *root;
  Guard *guard;

  g_return_if_fail (GTK_IS_WIDGET (runner));

  root = gtk_widget_get_root (runner);
  if (!GTK_IS_WINDOW (root))
    return;

  guard = guard_get (GTK_WINDOW (root), running);
  if (guard == NULL)
    return;

  if (running)
    {
      GtkApplication *application = gtk_window_get_application (GTK_WINDOW (root));

      g_set_weak_pointer (&guard->runner, runner);
      g_free (guard->cancel_action);
      guard->cancel_action = g_strdup (cancel_action);
      if (!guard->inhibiting && application != NULL)
        {
          /* Translators: why the session cannot end now, shown by the desktop at logout */
          guard->cookie = gtk_application_inhibit (application, GTK_WINDOW (root),
                                                   GTK_APPLICATION_INHIBIT_LOGOUT | GTK_APPLICATION_INHIBIT_SUSPEND,
                                                   _("Migrations are being applied to a database"));
          guard->inhibiting = TRUE;
        }
      return;
    }

  if (guard->runner != runner)
    return;

  g_clear_weak_pointer (&guard->runner);
  guard_uninhibit (guard);
  if (guard->dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (guard->dialog));
  if (guard->close_when_stopped)
    {
      guard->close_when_stopped = FALSE;
      g_idle_add_full (G_PRIORITY_DEFAULT, close_window_cb, g_object_ref (root), g_object_unref);
    }
}

gboolean
strata_run_guard_get_running (GtkWindow *window)
{
  Guard *guard;

  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);

  guard = guard_get (window, FALSE);
  return guard != NULL && guard->runner != NULL;
}

gboolean
strata_run_guard_get_inhibiting (GtkWindow *window)
{
  Guard *guard;

  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);

  guard = guard_get (window, FALSE);
  return guard != NULL && guard->inhibiting;
}

GtkWindow *
strata_run_guard_get_dialog (GtkWindow *window)
{
  Guard *guard;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);

  guard = guard_get (window, FALSE);
  return guard != NULL && guard->dialog != NULL ? GTK_WINDOW (guard->dialog) : NULL;
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   GtkWindow        *window)
{
  Guard *guard = guard_get (window, FALSE);

  if (guard == NULL || guard->runner == NULL || g_strcmp0 (response, "stop") != 0)
    return;

  guard->close_when_stopped = TRUE;
  if (guard->cancel_action != NULL)
    gtk_widget_activate_action (guard->runner, guard->cancel_action, NULL);
}

gboolean
strata_run_guard_close_request (GtkWindow *window)
{
  GtkWidget *dialog;
  Guard *guard;

  g_return_val_if_fail (GTK_IS_WINDOW (window), FALSE);

  guard = guard_get (window, FALSE);
  if (guard == NULL || guard->runner == NULL)
    return FALSE;

  /* Already asked, and the run is being cancelled: the window closes then */
  if (guard->close_when_stopped)
    return TRUE;

  if (guard->dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (guard->dialog));
      return TRUE;
    }

  dialog = adw_message_dialog_new (window, _("Cancel the Run?"),
                                   _("Migrations are being applied. Closing the window cancels the run: the step "
                                     "running now is rolled back if it runs in a transaction, and the steps after "
                                     "it do not run."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Running"),
                                    "stop", _("_Cancel Run and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), window, 0);
  g_set_weak_pointer (&guard->dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}
