/* strata-env.h: ${VAR} and ${VAR:-default} in strata.ini and .env values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * StrataEnvLookupFunc:
 * @name: a variable name
 * @user_data: data given with the function
 *
 * Returns: (nullable): the variable's value, or %NULL when it is not set
 *   (an empty value is set)
 */
typedef const char *(*StrataEnvLookupFunc) (const char *name,
                                             gpointer    user_data);

/**
 * StrataEnvExpandFlags:
 * @STRATA_ENV_EXPAND_NONE: python-dotenv's rules: an unset variable without
 *   a default is the empty string
 * @STRATA_ENV_EXPAND_URL: @text is a database URL: a value that lands after
 *   "scheme://" is percent-encoded (a password with '@' or a Unix-socket
 *   directory then stays one part of the URL), and an unset variable without
 *   a default is an error naming it
 */
typedef enum
{
  STRATA_ENV_EXPAND_NONE = 0,
  STRATA_ENV_EXPAND_URL  = 1 << 0,
} StrataEnvExpandFlags;

/* Expands ${NAME} and ${NAME:-default} as python-dotenv does: the default is
 * taken when NAME is not set (a variable set to "" stays empty), defaults are
 * not expanded again, and any other text, "$NAME" included, is kept as it is.
 * @where names the value in errors ("strata.ini: url"). */
char     *strata_env_expand            (const char            *text,
                                        StrataEnvLookupFunc    lookup,
                                        gpointer               user_data,
                                        StrataEnvExpandFlags   flags,
                                        const char            *where,
                                        GError               **error);
/* Whether @text holds a ${…} reference. */
gboolean  strata_env_has_variables     (const char            *text);
/* The names of the variables @text refers to, in order. */
char    **strata_env_list_variables    (const char            *text);

G_END_DECLS
