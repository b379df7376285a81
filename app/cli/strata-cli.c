/* strata-cli.c: the `strata` command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>

#include "strata.h"

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");

  if (argc > 1 && g_str_equal (argv[1], "--version"))
    {
      g_print ("strata %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_print ("Usage: strata [-C DIR] [--url URL | --profile NAME] [--json] [-q|-v] COMMAND …\n");
  return 0;
}
