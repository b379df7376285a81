/* strata-i18n.c: the core's gettext domain, bound on first use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-i18n"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "strata-i18n-private.h"

/**
 * _strata_i18n_domain:
 *
 * The gettext domain of libstrata's messages, bound to its catalogues the
 * first time a message is looked up: `$STRATA_LOCALEDIR` when set (an
 * uninstalled build's catalogues, for its tests), else the installed
 * locale directory.
 *
 * Returns: the domain, GETTEXT_PACKAGE
 */
const char *
_strata_i18n_domain (void)
{
  static gsize bound = 0;

  if (g_once_init_enter (&bound))
    {
      const char *dir = g_getenv ("STRATA_LOCALEDIR");

      bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      g_once_init_leave (&bound, 1);
    }

  return GETTEXT_PACKAGE;
}
