/* test-ui-i18n.c: the app in German, under a real X server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by meson (suite ui) with LANGUAGE=de and STRATA_LOCALEDIR, the
 * catalogues built from po/: the window's template, a plural the app
 * forms and a message of the core all read in German.
 */

#define G_LOG_DOMAIN "test-ui-i18n"

#include "config.h"

#include <locale.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata.h"
#include "strata-window.h"

#include "strata-test-gui.h"
#include "strata-test-util.h"

/* The window's template: the empty state */
static void
test_i18n_window (void)
{
  StrataApplication *app = strata_test_gui_get_application ();
  StrataWindow *window;
  GObject *empty_page;

  if (app == NULL)
    return;

  window = strata_window_new (app);
  strata_test_gui_show_window (GTK_WINDOW (window));

  empty_page = gtk_widget_get_template_child (GTK_WIDGET (window), STRATA_TYPE_WINDOW, "empty_page");
  g_assert_true (ADW_IS_STATUS_PAGE (empty_page));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (empty_page)));
  g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (empty_page)), ==, "Kein Projekt geöffnet");
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (empty_page)), ==,
                   "Öffnen Sie ein Migrationsprojekt, um seine Revisionen zu prüfen, Upgrades zu planen "
                   "und sie auf Ihre Datenbanken anzuwenden");

  strata_test_gui_destroy_window (GTK_WINDOW (window));
}

/* The app's plurals and the core's messages come from the same catalogue,
 * the core's through its own binding of the domain */
static void
test_i18n_messages (void)
{
  g_autofree char *folder = strata_test_mkdtemp ();
  g_autoptr(GFile) directory = g_file_new_for_path (folder);
  g_autoptr(StrataProject) project = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u revision to apply", "%u revisions to apply", 1), ==,
                   "%u Revision anzuwenden");
  g_assert_cmpstr (g_dngettext (GETTEXT_PACKAGE, "%u revision to apply", "%u revisions to apply", 3), ==,
                   "%u Revisionen anzuwenden");

  project = strata_project_open (directory, &error);
  g_assert_null (project);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "dies ist kein Strata-Projekt"));

  strata_test_rm_rf (folder);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("STRATA_LOCALEDIR");
  int ret;

  /* As main.c does, from the catalogues this build made */
  g_assert_nonnull (localedir);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  strata_test_gui_init (&argc, &argv);

  g_test_add_func ("/strata/ui/i18n/window", test_i18n_window);
  g_test_add_func ("/strata/ui/i18n/messages", test_i18n_messages);

  ret = g_test_run ();

  strata_test_gui_shutdown ();

  return ret;
}
