/* strata-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-error"

#include "config.h"

#include <gio/gio.h>

#include "strata-error.h"
#include "strata-types.h"

G_DEFINE_QUARK (strata-error-quark, strata_error)

/**
 * strata_error_exit_status:
 * @error: (nullable): an error, or %NULL for success
 *
 * Maps an error to the exit status of the command line contract:
 * 0 success, 1 the database side failed (connection, SQL error, lock
 * timeout), 2 bad input (usage, malformed project files, unknown revision,
 * ambiguous `head`; nothing was changed), 3 a check found differences
 * (`check`, `drift`, `validate`, lint findings at error level).
 *
 * Returns: 0, 1, 2 or 3
 */
int
strata_error_exit_status (const GError *error)
{
  if (error == NULL)
    return 0;

  if (error->domain == STRATA_ERROR)
    {
      switch ((StrataError)error->code)
        {
        case STRATA_ERROR_INVALID_ARGUMENT:
        case STRATA_ERROR_PARSE:
        case STRATA_ERROR_UNKNOWN_REVISION:
        case STRATA_ERROR_AMBIGUOUS:
        case STRATA_ERROR_GRAPH:
        case STRATA_ERROR_IRREVERSIBLE:
        case STRATA_ERROR_PROJECT:
        case STRATA_ERROR_UNSUPPORTED:
          return 2;

        case STRATA_ERROR_DATABASE:
        case STRATA_ERROR_CONNECTION:
        case STRATA_ERROR_AUTHENTICATION:
        case STRATA_ERROR_BUSY:
        case STRATA_ERROR_READ_ONLY:
        case STRATA_ERROR_CANCELLED:
        case STRATA_ERROR_STATE:
        case STRATA_ERROR_NEWER_VERSION:
        case STRATA_ERROR_SECRET:
        case STRATA_ERROR_SECRET_MISMATCH:
        default:
          return 1;

        case STRATA_ERROR_DIFFERENCES:
          return 3;
        }
    }

  if (error->domain == G_OPTION_ERROR ||
      error->domain == G_KEY_FILE_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return 2;

  return 1;
}

/**
 * strata_display_path:
 * @file: a file
 *
 * Returns: (transfer full): @file as an error message names it
 */
char *
strata_display_path (GFile *file)
{
  g_autofree char *here = g_get_current_dir ();
  g_autoptr(GFile) cwd = g_file_new_for_path (here);
  char *relative;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if ((relative = g_file_get_relative_path (cwd, file)) != NULL)
    return relative;

  return g_file_get_parse_name (file);
}

const char *
strata_dialect_get_name (StrataDialect dialect)
{
  switch (dialect)
    {
    case STRATA_DIALECT_SQLITE:
      return "sqlite";
    case STRATA_DIALECT_POSTGRESQL:
      return "postgresql";
    default:
      g_return_val_if_reached (NULL);
    }
}
