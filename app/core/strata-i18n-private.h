/* strata-i18n-private.h: the core's translated messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libstrata is a library: its messages come from its own gettext domain
 * (GETTEXT_PACKAGE), never from the text domain of the program that links
 * it, and the domain is bound on first use, as GLib binds its own
 * (glib/ggettext.c). Every core file that shows a person a message includes
 * this header instead of <glib/gi18n-lib.h>:
 *
 *   g_set_error (error, STRATA_ERROR, code, _("…%s…"), …);
 *   g_dngettext (STRATA_I18N_DOMAIN, "%u revision", "%u revisions", n)
 */

#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

const char *_strata_i18n_domain (void);

#define STRATA_I18N_DOMAIN (_strata_i18n_domain ())

#undef _
#undef N_
#undef C_
#define _(String) ((char *) g_dgettext (STRATA_I18N_DOMAIN, String))
#define N_(String) (String)
#define C_(Context, String) ((char *) g_dpgettext (STRATA_I18N_DOMAIN, Context "\004" String, strlen (Context) + 1))

G_END_DECLS
