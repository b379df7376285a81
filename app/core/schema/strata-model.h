/* strata-model.h: tables, columns, indexes and constraints
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <json-glib/json-glib.h>

#include "strata-types.h"

G_BEGIN_DECLS

/* The definition of a table, as written in a create_table operation and in
 * schema.json (see DESIGN.md "A table"). Every type here is a reference
 * counted boxed type. Values are shared by reference: copy a table with
 * strata_table_copy() before changing one that someone else holds (replay
 * does this). All names are identifiers as written; the dialect quotes them.
 *
 * JSON parsing is strict: an unknown key, a missing required key, a value of
 * the wrong type or an invalid identifier is STRATA_ERROR_PARSE with a
 * message that gives the path inside the object, e.g.
 * `columns[1]: key "nullable" must be a boolean`; the caller prefixes where
 * the object came from. Serializing writes keys in a stable order and omits
 * values equal to their default, so parse → serialize → parse is exact. */

typedef struct _StrataDataType   StrataDataType;
typedef struct _StrataColumn     StrataColumn;
typedef struct _StrataIndex      StrataIndex;
typedef struct _StrataForeignKey StrataForeignKey;
typedef struct _StrataUnique     StrataUnique;
typedef struct _StrataCheck      StrataCheck;
typedef struct _StrataTable      StrataTable;
typedef struct _StrataModel      StrataModel;

/**
 * StrataReferentialAction:
 * @STRATA_REFERENTIAL_ACTION_NONE: not given (the database default, NO ACTION)
 * @STRATA_REFERENTIAL_ACTION_NO_ACTION: `"no action"`
 * @STRATA_REFERENTIAL_ACTION_RESTRICT: `"restrict"`
 * @STRATA_REFERENTIAL_ACTION_CASCADE: `"cascade"`
 * @STRATA_REFERENTIAL_ACTION_SET_NULL: `"set null"`
 * @STRATA_REFERENTIAL_ACTION_SET_DEFAULT: `"set default"`
 */
typedef enum
{
  STRATA_REFERENTIAL_ACTION_NONE,
  STRATA_REFERENTIAL_ACTION_NO_ACTION,
  STRATA_REFERENTIAL_ACTION_RESTRICT,
  STRATA_REFERENTIAL_ACTION_CASCADE,
  STRATA_REFERENTIAL_ACTION_SET_NULL,
  STRATA_REFERENTIAL_ACTION_SET_DEFAULT,
} StrataReferentialAction;

/* Identifiers: non-empty, at most 63 bytes (PostgreSQL truncates longer
 * names), no control characters. Anything else, including spaces, quotes,
 * reserved words and non-ASCII letters, is fine: the dialect quotes it. */
gboolean                strata_identifier_is_valid            (const char              *name,
                                                               const char             **reason);

/* "cascade", "set null", …; NULL for STRATA_REFERENTIAL_ACTION_NONE. */
const char             *strata_referential_action_to_string   (StrataReferentialAction  action);

/* StrataDataType: an immutable column type, either one portable name
 * ("varchar(255)", mapped per dialect; other names pass verbatim) or one name
 * per dialect (JSON `{"sqlite": "…", "postgresql": "…"}`). */
#define STRATA_TYPE_DATA_TYPE (strata_data_type_get_type ())
GType                   strata_data_type_get_type             (void) G_GNUC_CONST;
StrataDataType         *strata_data_type_new                  (const char              *portable);
StrataDataType         *strata_data_type_new_per_dialect      (const char              *sqlite,
                                                               const char              *postgresql);
StrataDataType         *strata_data_type_new_from_json        (JsonNode                *node,
                                                               GError                 **error);
JsonNode               *strata_data_type_to_json              (StrataDataType          *self);
StrataDataType         *strata_data_type_ref                  (StrataDataType          *self);
void                    strata_data_type_unref                (StrataDataType          *self);
gboolean                strata_data_type_equal                (StrataDataType          *a,
                                                               StrataDataType          *b);
/* {"enum": NAME, "values"?: […]}: @values may be NULL (known from the
 * enum type). */
StrataDataType         *strata_data_type_new_enum             (const char              *name,
                                                               const char * const      *values);
/* The enum type's name, or NULL for any other type. */
const char             *strata_data_type_get_enum             (StrataDataType          *self);
const char * const     *strata_data_type_get_enum_values      (StrataDataType          *self);
/* The portable name, or NULL for a per-dialect type. */
const char             *strata_data_type_get_portable         (StrataDataType          *self);
/* The name to map for @dialect (the portable name or that dialect's). */
const char             *strata_data_type_get_for_dialect      (StrataDataType          *self,
                                                               StrataDialect            dialect);
/* For messages: the portable name, or "sqlite: X / postgresql: Y". */
char                   *strata_data_type_to_string            (StrataDataType          *self);

/* StrataColumn: {"name", "type", "nullable", "default", "primary_key",
 * "autoincrement"}. nullable defaults to TRUE, except for a primary key
 * column, which is never nullable. */
#define STRATA_TYPE_COLUMN (strata_column_get_type ())
GType                   strata_column_get_type                (void) G_GNUC_CONST;
StrataColumn           *strata_column_new                     (const char              *name,
                                                               StrataDataType          *data_type);
StrataColumn           *strata_column_new_from_json           (JsonNode                *node,
                                                               GError                 **error);
JsonNode               *strata_column_to_json                 (StrataColumn            *self);
StrataColumn           *strata_column_ref                     (StrataColumn            *self);
void                    strata_column_unref                   (StrataColumn            *self);
StrataColumn           *strata_column_copy                    (StrataColumn            *self);
gboolean                strata_column_equal                   (StrataColumn            *a,
                                                               StrataColumn            *b);
const char             *strata_column_get_name                (StrataColumn            *self);
void                    strata_column_set_name                (StrataColumn            *self,
                                                               const char              *name);
StrataDataType         *strata_column_get_data_type           (StrataColumn            *self);
void                    strata_column_set_data_type           (StrataColumn            *self,
                                                               StrataDataType          *data_type);
gboolean                strata_column_get_nullable            (StrataColumn            *self);
void                    strata_column_set_nullable            (StrataColumn            *self,
                                                               gboolean                 nullable);
/* An SQL expression, or NULL (also for a per-dialect default). */
const char             *strata_column_get_default             (StrataColumn            *self);
/* The default on @dialect: the expression, that dialect's, or NULL. */
const char             *strata_column_get_default_for_dialect (StrataColumn            *self,
                                                               StrataDialect            dialect);
gboolean                strata_column_has_default             (StrataColumn            *self);
/* {"sqlite": …, "postgresql": …}; either may be NULL. */
void                    strata_column_set_default_per_dialect (StrataColumn            *self,
                                                               const char              *sqlite,
                                                               const char              *postgresql);
void                    strata_column_set_default             (StrataColumn            *self,
                                                               const char              *default_expr);
gboolean                strata_column_get_primary_key         (StrataColumn            *self);
void                    strata_column_set_primary_key         (StrataColumn            *self,
                                                               gboolean                 primary_key);
gboolean                strata_column_get_autoincrement       (StrataColumn            *self);
void                    strata_column_set_autoincrement       (StrataColumn            *self,
                                                               gboolean                 autoincrement);

/* StrataIndex: {"name", "columns", "unique", "where"}. */
#define STRATA_TYPE_INDEX (strata_index_get_type ())
GType                   strata_index_get_type                 (void) G_GNUC_CONST;
StrataIndex            *strata_index_new                      (const char              *name,
                                                               const char * const      *columns,
                                                               gboolean                 unique);
StrataIndex            *strata_index_new_from_json            (JsonNode                *node,
                                                               GError                 **error);
JsonNode               *strata_index_to_json                  (StrataIndex             *self);
StrataIndex            *strata_index_ref                      (StrataIndex             *self);
void                    strata_index_unref                    (StrataIndex             *self);
gboolean                strata_index_equal                    (StrataIndex             *a,
                                                               StrataIndex             *b);
const char             *strata_index_get_name                 (StrataIndex             *self);
const char * const     *strata_index_get_columns              (StrataIndex             *self);
gboolean                strata_index_get_unique               (StrataIndex             *self);
/* The predicate of a partial index, or NULL. */
const char             *strata_index_get_where                (StrataIndex             *self);
void                    strata_index_set_where                (StrataIndex             *self,
                                                               const char              *where);

/* StrataForeignKey: {"name", "columns", "references", "ref_columns",
 * "on_delete", "on_update"}. */
#define STRATA_TYPE_FOREIGN_KEY (strata_foreign_key_get_type ())
GType                   strata_foreign_key_get_type           (void) G_GNUC_CONST;
StrataForeignKey       *strata_foreign_key_new                (const char              *name,
                                                               const char * const      *columns,
                                                               const char              *references,
                                                               const char * const      *ref_columns);
StrataForeignKey       *strata_foreign_key_new_from_json      (JsonNode                *node,
                                                               GError                 **error);
JsonNode               *strata_foreign_key_to_json            (StrataForeignKey        *self);
StrataForeignKey       *strata_foreign_key_ref                (StrataForeignKey        *self);
void                    strata_foreign_key_unref              (StrataForeignKey        *self);
gboolean                strata_foreign_key_equal              (StrataForeignKey        *a,
                                                               StrataForeignKey        *b);
const char             *strata_foreign_key_get_name           (StrataForeignKey        *self);
const char * const     *strata_foreign_key_get_columns        (StrataForeignKey        *self);
const char             *strata_foreign_key_get_references     (StrataForeignKey        *self);
const char * const     *strata_foreign_key_get_ref_columns    (StrataForeignKey        *self);
StrataReferentialAction strata_foreign_key_get_on_delete      (StrataForeignKey        *self);
void                    strata_foreign_key_set_on_delete      (StrataForeignKey        *self,
                                                               StrataReferentialAction  action);
StrataReferentialAction strata_foreign_key_get_on_update      (StrataForeignKey        *self);
void                    strata_foreign_key_set_on_update      (StrataForeignKey        *self,
                                                               StrataReferentialAction  action);

/* StrataUnique: {"name", "columns"}. */
#define STRATA_TYPE_UNIQUE (strata_unique_get_type ())
GType                   strata_unique_get_type                (void) G_GNUC_CONST;
StrataUnique           *strata_unique_new                     (const char              *name,
                                                               const char * const      *columns);
StrataUnique           *strata_unique_new_from_json           (JsonNode                *node,
                                                               GError                 **error);
JsonNode               *strata_unique_to_json                 (StrataUnique            *self);
StrataUnique           *strata_unique_ref                     (StrataUnique            *self);
void                    strata_unique_unref                   (StrataUnique            *self);
gboolean                strata_unique_equal                   (StrataUnique            *a,
                                                               StrataUnique            *b);
const char             *strata_unique_get_name                (StrataUnique            *self);
const char * const     *strata_unique_get_columns             (StrataUnique            *self);

/* StrataCheck: {"name", "expression"}. */
#define STRATA_TYPE_CHECK (strata_check_get_type ())
GType                   strata_check_get_type                 (void) G_GNUC_CONST;
StrataCheck            *strata_check_new                      (const char              *name,
                                                               const char              *expression);
StrataCheck            *strata_check_new_from_json            (JsonNode                *node,
                                                               GError                 **error);
JsonNode               *strata_check_to_json                  (StrataCheck             *self);
StrataCheck            *strata_check_ref                      (StrataCheck             *self);
void                    strata_check_unref                    (StrataCheck             *self);
gboolean                strata_check_equal                    (StrataCheck             *a,
                                                               StrataCheck             *b);
const char             *strata_check_get_name                 (StrataCheck             *self);
const char             *strata_check_get_expression           (StrataCheck             *self);

/* StrataTable: {"table", "columns", "indexes", "foreign_keys", "unique",
 * "checks"}. Parsing also checks the table as a whole: at least one column,
 * unique column and constraint names, constraints that name existing
 * columns, at most one autoincrement column which is then the whole primary
 * key. */
#define STRATA_TYPE_TABLE (strata_table_get_type ())
GType                   strata_table_get_type                 (void) G_GNUC_CONST;
StrataTable            *strata_table_new                      (const char              *name);
StrataTable            *strata_table_new_from_json            (JsonNode                *node,
                                                               GError                 **error);
/* Like strata_table_new_from_json() but also accepts the keys in
 * @extra_keys (which the caller reads itself, e.g. "op"). */
StrataTable            *strata_table_new_from_json_object     (JsonObject              *object,
                                                               const char * const      *extra_keys,
                                                               GError                 **error);
JsonNode               *strata_table_to_json                  (StrataTable             *self);
StrataTable            *strata_table_ref                      (StrataTable             *self);
void                    strata_table_unref                    (StrataTable             *self);
/* A deep copy, safe to change. */
StrataTable            *strata_table_copy                     (StrataTable             *self);
gboolean                strata_table_equal                    (StrataTable             *a,
                                                               StrataTable             *b);
/* Checks the rules listed above (parsing calls it). */
gboolean                strata_table_validate                 (StrataTable             *self,
                                                               GError                 **error);
const char             *strata_table_get_name                 (StrataTable             *self);
void                    strata_table_set_name                 (StrataTable             *self,
                                                               const char              *name);
/* (element-type StrataColumn) etc., in definition order; transfer none. */
GPtrArray              *strata_table_get_columns              (StrataTable             *self);
GPtrArray              *strata_table_get_indexes              (StrataTable             *self);
GPtrArray              *strata_table_get_foreign_keys         (StrataTable             *self);
GPtrArray              *strata_table_get_uniques              (StrataTable             *self);
GPtrArray              *strata_table_get_checks               (StrataTable             *self);
StrataColumn           *strata_table_lookup_column            (StrataTable             *self,
                                                               const char              *name);
StrataIndex            *strata_table_lookup_index             (StrataTable             *self,
                                                               const char              *name);
/* The names of the primary key columns, in column order; NULL-terminated. */
char                  **strata_table_dup_primary_key          (StrataTable             *self);
void                    strata_table_add_column               (StrataTable             *self,
                                                               StrataColumn            *column);
gboolean                strata_table_remove_column            (StrataTable             *self,
                                                               const char              *name);
void                    strata_table_add_index                (StrataTable             *self,
                                                               StrataIndex             *index);
gboolean                strata_table_remove_index             (StrataTable             *self,
                                                               const char              *name);
void                    strata_table_add_foreign_key          (StrataTable             *self,
                                                               StrataForeignKey        *foreign_key);
void                    strata_table_add_unique               (StrataTable             *self,
                                                               StrataUnique            *unique);
void                    strata_table_add_check                (StrataTable             *self,
                                                               StrataCheck             *check);
/* Removes the foreign key, unique or check constraint called @name. */
gboolean                strata_table_remove_constraint        (StrataTable             *self,
                                                               const char              *name);

/* StrataModel: a set of tables in definition order; schema.json is
 * `{"tables": [ … ]}`. */
#define STRATA_TYPE_MODEL (strata_model_get_type ())
GType                   strata_model_get_type                 (void) G_GNUC_CONST;
StrataModel            *strata_model_new                      (void);
StrataModel            *strata_model_new_from_json            (JsonNode                *node,
                                                               GError                 **error);
/* Errors name @filename (and line:column for JSON syntax errors). */
StrataModel            *strata_model_new_from_data            (const char              *data,
                                                               gssize                   length,
                                                               const char              *filename,
                                                               GError                 **error);
JsonNode               *strata_model_to_json                  (StrataModel             *self);
StrataModel            *strata_model_ref                      (StrataModel             *self);
void                    strata_model_unref                    (StrataModel             *self);
StrataModel            *strata_model_copy                     (StrataModel             *self);
gboolean                strata_model_equal                    (StrataModel             *a,
                                                               StrataModel             *b);
/* (element-type StrataTable) (transfer none) */
GPtrArray              *strata_model_get_tables               (StrataModel             *self);
StrataTable            *strata_model_lookup_table             (StrataModel             *self,
                                                               const char              *name);
/* Adds or replaces the table of the same name (keeping its position). */
void                    strata_model_add_table                (StrataModel             *self,
                                                               StrataTable             *table);
gboolean                strata_model_remove_table             (StrataModel             *self,
                                                               const char              *name);

/* Replay (strata-model-replay.c): the schema a list of operations leaves.
 *
 * Applying an operation checks it against the model the way the database
 * would (the table exists, the column does not yet, …) and changes the model;
 * a mismatch is STRATA_ERROR_PROJECT naming the operation, e.g.
 * `drop_column (drop column account.email): table account has no column
 * email`. Raw sql changes nothing (it is opaque), insert only checks that its
 * table exists. Renaming a table or column also renames it where other
 * pieces refer to it (foreign keys, indexes, constraints, expressions). */
gboolean                strata_model_apply_op                 (StrataModel             *self,
                                                               StrataOp                *op,
                                                               GError                 **error);
/* Errors are prefixed "@where[INDEX]: " (when @where is not NULL). On error
 * @self holds the state after the operations that succeeded. */
gboolean                strata_model_apply_ops                (StrataModel             *self,
                                                               GPtrArray               *ops,
                                                               const char              *where,
                                                               GError                 **error);
/* The inverse of @ops (in reverse order) given @before, the schema they
 * apply to: a drop becomes the creation of what the model says was dropped,
 * an alter_column restores the column as it was. An insert and a sql
 * without "reverse" are STRATA_ERROR_IRREVERSIBLE naming the operation as
 * "upgrade[INDEX]". @before is not changed. */
GPtrArray              *strata_model_invert_ops               (StrataModel             *before,
                                                               GPtrArray               *ops,
                                                               GError                 **error);
/* The dialect whose schema the model is (see strata-model.c), or -1. */
void                    strata_model_set_dialect              (StrataModel             *self,
                                                               int                      dialect);
int                     strata_model_get_dialect              (StrataModel             *self);
/* Enum types (create_enum): values by name, or NULL. */
const char * const     *strata_model_lookup_enum              (StrataModel             *self,
                                                               const char              *name);
void                    strata_model_set_enum                 (StrataModel             *self,
                                                               const char              *name,
                                                               const char * const      *values);
gboolean                strata_model_remove_enum              (StrataModel             *self,
                                                               const char              *name);
/* (element-type utf8): in creation order */
GPtrArray              *strata_model_get_enum_names           (StrataModel             *self);
/* Sequences (create_sequence): a model of SQLite, which has none, never
 * holds one. */
gboolean                strata_model_lookup_sequence          (StrataModel             *self,
                                                               const char              *name,
                                                               gint64                  *start,
                                                               gint64                  *increment);
void                    strata_model_add_sequence             (StrataModel             *self,
                                                               const char              *name,
                                                               gint64                   start,
                                                               gint64                   increment);
gboolean                strata_model_remove_sequence          (StrataModel             *self,
                                                               const char              *name);
/* (element-type utf8): in creation order; valid until the next call */
GPtrArray              *strata_model_get_sequence_names       (StrataModel             *self);
/* "primary_key_name": the primary key constraint's name, or NULL for the
 * database's own. */
const char             *strata_table_get_primary_key_name     (StrataTable             *self);
void                    strata_table_set_primary_key_name     (StrataTable             *self,
                                                               const char              *name);
/* A table's piece by name, or NULL. */
StrataForeignKey       *strata_table_lookup_foreign_key       (StrataTable             *self,
                                                               const char              *name);
StrataUnique           *strata_table_lookup_unique            (StrataTable             *self,
                                                               const char              *name);
StrataCheck            *strata_table_lookup_check             (StrataTable             *self,
                                                               const char              *name);
/* @expression with every reference to the identifier @old_name (bare, any
 * case, or double-quoted exactly) replaced by @new_name, quoted when it
 * needs to be. String literals are left alone. */
char                   *strata_sql_rename_identifier          (const char              *expression,
                                                               const char              *old_name,
                                                               const char              *new_name);
/* Whether @expression refers to the identifier @name (as above). */
gboolean                strata_sql_mentions_identifier        (const char              *expression,
                                                               const char              *name);

/* Text a person reads (strata-model-text.c); @dialect is a StrataDialect
 * for its types and defaults, or -1 for the portable names. */
char                   *strata_column_describe                (StrataColumn            *self,
                                                               int                      dialect);
char                   *strata_index_describe                 (StrataIndex             *self);
char                   *strata_foreign_key_describe           (StrataForeignKey        *self);
char                   *strata_table_describe                 (StrataTable             *self,
                                                               int                      dialect);
char                   *strata_model_describe                 (StrataModel             *self,
                                                               int                      dialect);
/* A line diff of the two descriptions: changed tables whole, lines
 * prefixed " ", "-" or "+"; empty when nothing changed. */
char                   *strata_model_describe_change          (StrataModel             *before,
                                                               StrataModel             *after,
                                                               int                      dialect);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataDataType, strata_data_type_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataColumn, strata_column_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataIndex, strata_index_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataForeignKey, strata_foreign_key_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataUnique, strata_unique_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataCheck, strata_check_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataTable, strata_table_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataModel, strata_model_unref)

G_END_DECLS
