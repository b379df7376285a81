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
/* Internal JsonNode helpers for the readers of migration files and
 * schema.json (strata-model.c, strata-ops.c, strata-script.c) and the
 * writers of stable JSON. */

/* Every helper reports STRATA_ERROR_PARSE as "PREFIX: detail" (just
 * "detail" when @prefix is NULL or empty). */
void        _strata_json_error              (GError             **error,
                                             const char          *prefix,
                                             const char          *format,
                                             ...) G_GNUC_PRINTF (3, 4);
/* Prepends "PREFIX: " to the message of @error. */
void        _strata_error_prefix            (GError             **error,
                                             const char          *format,
                                             ...) G_GNUC_PRINTF (2, 3);
/* A quoted string for messages: control characters escaped. */
char       *_strata_display                 (const char          *value);

JsonObject *_strata_json_require_object     (JsonNode            *node,
                                             const char          *what,
                                             const char          *prefix,
                                             GError             **error);
gboolean    _strata_json_check_keys         (JsonObject          *object,
                                             const char * const  *allowed,
                                             const char          *prefix,
                                             GError             **error);
/* An optional key given as null counts as absent. */
gboolean    _strata_json_get_string         (JsonObject          *object,
                                             const char          *key,
                                             gboolean             required,
                                             char               **out,
                                             const char          *prefix,
                                             GError             **error);
/* Leaves *out unchanged when the key is absent. */
gboolean    _strata_json_get_boolean        (JsonObject          *object,
                                             const char          *key,
                                             gboolean            *out,
                                             const char          *prefix,
                                             GError             **error);
/* The member @key, or NULL (an error when @required). */
JsonNode   *_strata_json_get_member         (JsonObject          *object,
                                             const char          *key,
                                             gboolean             required,
                                             const char          *prefix,
                                             GError             **error);
/* "null", "an object", "an array", "a string", "a boolean", "a number". */
const char *_strata_json_describe_node      (JsonNode            *node);
gboolean    _strata_json_node_is_string     (JsonNode            *node);
/* Whether @value is empty or only white space. */
gboolean    _strata_str_is_blank            (const char          *value);

/* A node that owns @object / @array. */
JsonNode   *_strata_json_take_object        (JsonObject          *object);
JsonNode   *_strata_json_take_array         (JsonArray           *array);
JsonNode   *_strata_json_new_strv           (const char * const  *strv);

/* Parses a whole file; syntax errors become "FILENAME:LINE:COL: …", a key
 * given twice in one object "FILENAME:LINE:COL: duplicate key \"k\"". */
JsonNode   *_strata_json_parse_data         (const char          *data,
                                             gssize               length,
                                             const char          *filename,
                                             GError             **error);
/* Pretty JSON (2 spaces, short arrays and objects on one line), with a final
 * newline. */
char       *_strata_json_to_pretty          (JsonNode            *node);
/* Compact JSON with the keys of every object sorted bytewise. */
char       *_strata_json_to_canonical       (JsonNode            *node);

G_END_DECLS
