/* strata-script.h: one migration file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SCRIPT (strata_script_get_type ())

G_DECLARE_FINAL_TYPE (StrataScript, strata_script, STRATA, SCRIPT, GObject)

/* Loading: strict validation; errors are STRATA_ERROR_PARSE and name the file
 * (and line:column where json-glib reports one), e.g.
 * "migrations/ae10_add.json: unknown key \"upgrades\"". */
StrataScript       *strata_script_new_from_file          (GFile               *file,
                                                          GError             **error);
StrataScript       *strata_script_new_from_data          (const char          *data,
                                                          gssize               length,
                                                          const char          *filename,
                                                          GError             **error);

/* Building a new revision (strata revision, merge, tests). */
StrataScript       *strata_script_new                    (const char          *revision,
                                                          const char * const  *down_revisions,
                                                          const char          *message);
void                strata_script_set_branch_labels      (StrataScript        *self,
                                                          const char * const  *labels);
void                strata_script_set_depends_on         (StrataScript        *self,
                                                          const char * const  *depends_on);
void                strata_script_set_transactional      (StrataScript        *self,
                                                          gboolean             transactional);
void                strata_script_set_created            (StrataScript        *self,
                                                          GDateTime           *created);
/* Arrays of StrataOp; downgrade may be NULL (computed inverse). */
void                strata_script_set_upgrade            (StrataScript        *self,
                                                          GPtrArray           *ops);
void                strata_script_set_downgrade          (StrataScript        *self,
                                                          GPtrArray           *ops);

const char         *strata_script_get_revision           (StrataScript        *self);
/* NULL-terminated; empty (not NULL) for a base. */
const char * const *strata_script_get_down_revisions     (StrataScript        *self);
gboolean            strata_script_is_base                (StrataScript        *self);
gboolean            strata_script_is_merge               (StrataScript        *self);
const char * const *strata_script_get_branch_labels      (StrataScript        *self);
const char * const *strata_script_get_depends_on         (StrataScript        *self);
const char         *strata_script_get_message            (StrataScript        *self);
GDateTime          *strata_script_get_created            (StrataScript        *self);
gboolean            strata_script_get_transactional      (StrataScript        *self);
GPtrArray          *strata_script_get_upgrade            (StrataScript        *self);
/* NULL when the file has no "downgrade": the inverse of upgrade applies. */
GPtrArray          *strata_script_get_downgrade          (StrataScript        *self);
/* The file it was read from or written to, or NULL. */
GFile              *strata_script_get_file               (StrataScript        *self);
/* Hex SHA-256 of the canonical JSON form (key order and whitespace do not
 * change it). */
const char         *strata_script_get_checksum           (StrataScript        *self);

/* Reads the operations of a revision known from the project's index (see
 * strata_project_load_scripts); a no-op for any other. Call it before the
 * operations are needed where a failure must be reported. */
gboolean            strata_script_ensure_loaded          (StrataScript        *self,
                                                          GError             **error);

/* Why the revision's file could not be loaded, or NULL (see the doc
 * comment). */
const GError       *strata_script_get_error              (StrataScript        *self);
/* The canonical, pretty-printed JSON of the file (stable key order). */
char               *strata_script_to_data                (StrataScript        *self,
                                                          gsize               *length);
/* Writes <revision>_<slug>.json into @directory; refuses to overwrite. */
gboolean            strata_script_write                  (StrataScript        *self,
                                                          GFile               *directory,
                                                          GFile              **out_file,
                                                          GError             **error);

/* Helpers. */
char               *strata_revision_generate_id          (void);
gboolean            strata_revision_id_is_valid          (const char          *revision);
char               *strata_revision_slugify              (const char          *message);

G_END_DECLS
