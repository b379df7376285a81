/* strata-json-private.h: a strict, fast JSON reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Parses JSON text (RFC 8259) into a JsonNode tree. Stricter than
 * JsonParser where migration files need it (a repeated key in an object is
 * an error) and several times faster on large files, because it builds the
 * nodes directly instead of going through JsonParser's per-node signals.
 * Errors are STRATA_ERROR_PARSE, "@filename:LINE:COLUMN: what", one line. */
JsonNode *_strata_json_read (const char  *data,
                             gsize        length,
                             const char  *filename,
                             GError     **error);

G_END_DECLS
