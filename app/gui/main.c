/* main.c: the entry point of strata-gtk, the Strata desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-gtk"

#include "config.h"

#include <glib/gi18n.h>

#include "strata-application.h"
#include "strata-secret.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(StrataApplication) application = NULL;

  /* Passwords typed into the app or read from the keyring stay out of
   * core dumps. */
  strata_secret_protect_process ();

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Strata"));

  application = strata_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
