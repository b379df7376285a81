/* strata-model-private.h: the model's internals (its JSON forms, names)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-json-private.h"
#include "strata-model.h"

G_BEGIN_DECLS

gboolean    _strata_json_get_identifier     (JsonObject          *object,
                                             const char          *key,
                                             gboolean             required,
                                             char               **out,
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
gboolean    _strata_enum_values_parse       (JsonObject          *object,
                                             const char          *key,
                                             gboolean             required,
                                             char              ***out,
                                             const char          *prefix,
                                             GError             **error);
gboolean    _strata_type_name_check         (const char          *text,
                                             char               **problem);
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

/* Call after renaming a table that belongs to @self (strata_table_set_name):
 * the model's name map is rebuilt on the next lookup. */
void         _strata_model_forget_names    (StrataModel         *self);

/* A copy of @self that shares its tables: for replay, which never changes
 * a table in place (it replaces it with a changed copy), so a step costs
 * its own operations and not the size of the schema. */
StrataModel *_strata_model_copy_shared     (StrataModel         *self);

/* Refuses @op when it names a table or column that differs only in case
 * from one in @state (the schema before it): SQLite would take them for
 * one, PostgreSQL for two. */
gboolean     _strata_model_check_exact_names (StrataModel       *state,
                                              StrataOp          *op,
                                              GError           **error);

G_END_DECLS
