/* strata-model-private.h: strict JSON reading and stable JSON writing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-model.h"

G_BEGIN_DECLS

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
gboolean    _strata_json_get_identifier     (JsonObject          *object,
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
/* A non-empty array of distinct identifiers. */
gboolean    _strata_json_get_identifiers    (JsonObject          *object,
                                             const char          *key,
                                             gboolean             required,
                                             char              ***out,
                                             const char          *prefix,
                                             GError             **error);
gboolean    _strata_data_type_parse_member  (JsonObject          *object,
                                             const char          *key,
                                             gboolean             required,
                                             StrataDataType     **out,
                                             const char          *prefix,
                                             GError             **error);
gboolean    _strata_data_type_is_integer    (StrataDataType      *self);
StrataReferentialAction
            _strata_referential_action_parse (const char         *value);

/* The keys of one piece of a table plus @extra_keys (an operation's "op",
 * "table"); errors are prefixed with @prefix. */
StrataIndex      *_strata_index_parse_object       (JsonObject          *object,
                                                    const char * const  *extra_keys,
                                                    const char          *prefix,
                                                    GError             **error);
StrataForeignKey *_strata_foreign_key_parse_object (JsonObject          *object,
                                                    const char * const  *extra_keys,
                                                    const char          *prefix,
                                                    GError             **error);
StrataUnique     *_strata_unique_parse_object      (JsonObject          *object,
                                                    const char * const  *extra_keys,
                                                    const char          *prefix,
                                                    GError             **error);
StrataCheck      *_strata_check_parse_object       (JsonObject          *object,
                                                    const char * const  *extra_keys,
                                                    const char          *prefix,
                                                    GError             **error);
StrataColumn     *_strata_column_parse             (JsonNode            *node,
                                                    const char          *prefix,
                                                    GError             **error);
StrataTable      *_strata_table_parse_object       (JsonObject          *object,
                                                    const char * const  *extra_keys,
                                                    const char          *prefix,
                                                    GError             **error);
/* Adds the members of each piece to @object, in the stable order. */
void              _strata_index_fill_json          (StrataIndex         *self,
                                                    JsonObject          *object);
void              _strata_foreign_key_fill_json    (StrataForeignKey    *self,
                                                    JsonObject          *object);
void              _strata_unique_fill_json         (StrataUnique        *self,
                                                    JsonObject          *object);
void              _strata_check_fill_json          (StrataCheck         *self,
                                                    JsonObject          *object);
void              _strata_table_fill_json          (StrataTable         *self,
                                                    JsonObject          *object);

/* "revision ae1027a6acf0 (migrations/ae1027a6acf0_add.json)", the path
 * relative to the current directory when it is below it. */
char       *_strata_describe_revision       (StrataScript        *script);

/* Replay that skips the operations that do not apply (raw SQL may have
 * made what they need): the migrator's view, where the database is the
 * judge. With @before, the state just before that revision; else at
 * @heads. */
/* Call after renaming a table that belongs to @self (strata_table_set_name):
 * the model's name map is rebuilt on the next lookup. */
void         _strata_model_forget_names    (StrataModel         *self);

StrataModel *_strata_model_replay_lenient   (StrataGraph         *graph,
                                             const char * const  *heads,
                                             StrataScript        *before,
                                             GError             **error);

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
