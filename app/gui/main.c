/* main.c: the entry point of strata-gtk, the Strata desktop app
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-gtk"

#include "config.h"

#include <locale.h>

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

  /* Before GTK sets it up at startup: the command line's help and the
   * strings made before then are translated too */
  setlocale (LC_ALL, "");
  /* $STRATA_LOCALEDIR: an uninstalled build's catalogues (the core binds
   * its messages, the same domain, the same way). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("STRATA_LOCALEDIR") ? g_getenv ("STRATA_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Strata"));

  application = strata_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
