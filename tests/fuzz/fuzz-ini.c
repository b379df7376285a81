/* fuzz-ini.c: strata.ini (a project opened from a scratch folder)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "strata.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static char *folder = NULL;
  g_autofree char *ini = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProject) project = NULL;

  if (folder == NULL)
    {
      folder = g_dir_make_tmp ("strata-fuzz-ini-XXXXXX", NULL);
      g_assert (folder != NULL);
    }
  ini = g_build_filename (folder, "strata.ini", NULL);
  g_assert (g_file_set_contents (ini, (const char *)data, size, NULL));

  directory = g_file_new_for_path (folder);
  project = strata_project_open (directory, &error);
  g_assert ((project == NULL) != (error == NULL));
  if (project != NULL)
    {
      g_autoptr(GError) url_error = NULL;
      g_autofree char *url = strata_project_resolve_url (project, NULL, NULL, &url_error);

      g_assert ((url == NULL) != (url_error == NULL));
      if (url_error != NULL)
        g_assert (strchr (url_error->message, '\n') == NULL);
    }
  else
    g_assert (strchr (error->message, '\n') == NULL);
  return 0;
}
