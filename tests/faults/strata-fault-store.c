/* strata-fault-store.c: makes a user's store at a given revision, for the
 * fault-injection runner (run-faults.py) to upgrade under faults
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   strata-fault-store FILE REVISION [NAME URL]…
 *
 * Creates the store FILE at REVISION ("heads" for the newest) with the
 * shipped migrations, and adds the user profiles NAME with URL.
 */

#include "config.h"

#include <stdlib.h>

#include "strata.h"
#include "strata-store-private.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (argc < 3 || argc % 2 != 1)
    {
      g_printerr ("usage: %s FILE REVISION [NAME URL]…\n", argv[0]);
      return 2;
    }

  file = g_file_new_for_commandline_arg (argv[1]);
  store = _strata_store_open_full (file, NULL, argv[2], NULL, &error);
  if (store == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 1;
    }

  for (int i = 3; i + 1 < argc; i += 2)
    {
      g_autoptr(StrataProfile) profile = NULL;

      profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, argv[i], argv[i + 1], &error);
      if (profile == NULL || !strata_store_add_profile (store, profile, &error))
        {
          g_printerr ("%s: %s\n", argv[i], error->message);
          return 1;
        }
    }

  return 0;
}
