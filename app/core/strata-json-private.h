/* strata-json-private.h: a strict, fast JSON reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
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

/* Numbers keep their exact text. An integer that a gint64 holds as written
 * is an int node; any other number (a fraction, an exponent, an integer
 * beyond 64 bits, -0) is a *number text* node: an object whose one key is
 * STRATA_JSON_NUMBER_KEY, a byte that no UTF-8 text (so no JSON document)
 * holds, with the literal as its string value. Writers and the dialect
 * write the literal back as it was; anything that expects a string or an
 * object treats the node as a number. A number that is not finite as a
 * double (1e999) is refused by the reader. */
#define STRATA_JSON_NUMBER_KEY "\xff"

JsonNode   *_strata_json_number_text_new   (const char *text);
/* The literal of a number text node, or NULL for any other node. */
const char *_strata_json_get_number_text   (JsonNode   *node);
/* An int, a double or a number text node. */
gboolean    _strata_json_node_is_number    (JsonNode   *node);

G_END_DECLS
