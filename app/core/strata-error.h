/* strata-error.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

#define STRATA_ERROR (strata_error_quark ())

/**
 * StrataError:
 * @STRATA_ERROR_INVALID_ARGUMENT: bad usage or a malformed value (exit 2)
 * @STRATA_ERROR_PARSE: a malformed file (exit 2)
 * @STRATA_ERROR_UNKNOWN_REVISION: a revision, prefix or label that does not exist (exit 2)
 * @STRATA_ERROR_AMBIGUOUS: a prefix or `head` that matches several revisions (exit 2)
 * @STRATA_ERROR_GRAPH: a cycle, duplicate id, missing parent or unknown depends_on (exit 2)
 * @STRATA_ERROR_IRREVERSIBLE: an operation without an inverse (exit 2)
 * @STRATA_ERROR_PROJECT: a missing or malformed project (exit 2)
 * @STRATA_ERROR_DATABASE: the database rejected a statement (exit 1)
 * @STRATA_ERROR_CONNECTION: the database could not be reached or opened (exit 1)
 * @STRATA_ERROR_AUTHENTICATION: wrong credentials (exit 1)
 * @STRATA_ERROR_BUSY: the database is locked by someone else (exit 1)
 * @STRATA_ERROR_READ_ONLY: the database cannot be written (exit 1)
 * @STRATA_ERROR_CANCELLED: the run was cancelled (exit 1)
 * @STRATA_ERROR_STATE: the database is in a state the request cannot apply to (exit 1)
 * @STRATA_ERROR_NEWER_VERSION: written by a newer Strata (exit 1)
 * @STRATA_ERROR_SECRET: the keyring failed or holds no secret (exit 1)
 * @STRATA_ERROR_DIFFERENCES: a check, drift, validate or lint found
 *   differences or findings at error level (exit 3)
 * @STRATA_ERROR_UNSUPPORTED: an operation the dialect cannot perform (exit 2)
 * @STRATA_ERROR_SECRET_MISMATCH: the keyring holds the profile's password for
 *   another destination than the profile's now: it is not sent (exit 1)
 */
typedef enum
{
  STRATA_ERROR_INVALID_ARGUMENT = 1,
  STRATA_ERROR_PARSE,
  STRATA_ERROR_UNKNOWN_REVISION,
  STRATA_ERROR_AMBIGUOUS,
  STRATA_ERROR_GRAPH,
  STRATA_ERROR_IRREVERSIBLE,
  STRATA_ERROR_PROJECT,
  STRATA_ERROR_DATABASE,
  STRATA_ERROR_CONNECTION,
  STRATA_ERROR_AUTHENTICATION,
  STRATA_ERROR_BUSY,
  STRATA_ERROR_READ_ONLY,
  STRATA_ERROR_CANCELLED,
  STRATA_ERROR_STATE,
  STRATA_ERROR_NEWER_VERSION,
  STRATA_ERROR_SECRET,
  STRATA_ERROR_DIFFERENCES,
  STRATA_ERROR_UNSUPPORTED,
  STRATA_ERROR_SECRET_MISMATCH,
} StrataError;

GQuark strata_error_quark       (void);
int    strata_error_exit_status (const GError *error);

/* A file as messages name it: relative to the current directory when it is
 * below it, else its full name (in UTF-8, for display). */
char  *strata_display_path      (GFile        *file);

G_END_DECLS
