/* strata-project.h: a migration project on disk
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

#define STRATA_TYPE_PROJECT (strata_project_get_type ())

G_DECLARE_FINAL_TYPE (StrataProject, strata_project, STRATA, PROJECT, GObject)

/* Opens the project whose strata.ini is in @directory. A missing or
 * malformed strata.ini is STRATA_ERROR_PROJECT naming the file (and line). */
StrataProject *strata_project_open                (GFile              *directory,
                                                   GError            **error);
/* `strata init`: a commented strata.ini, migrations/, an empty schema.json,
 * a .gitignore and a .env.example; refuses to overwrite an existing
 * strata.ini. */
gboolean       strata_project_create              (GFile              *directory,
                                                   GError            **error);

GFile         *strata_project_get_directory       (StrataProject      *self);
GFile         *strata_project_get_migrations_dir  (StrataProject      *self);
GFile         *strata_project_get_model_file      (StrataProject      *self);
const char    *strata_project_get_version_table   (StrataProject      *self);
void           strata_project_set_version_table   (StrataProject      *self,
                                                   const char         *version_table);
const char    *strata_project_get_history_table   (StrataProject      *self);
/* PostgreSQL settings (strata.ini keys schema=, lock-timeout=,
 * statement-timeout=): the schema of [profile @profile] or else of [strata]
 * (NULL when neither has one); timeouts in milliseconds, -1 when unset. */
char          *strata_project_dup_schema          (StrataProject      *self,
                                                   const char         *profile);
int            strata_project_get_lock_timeout    (StrataProject      *self);
int            strata_project_get_statement_timeout (StrataProject    *self);
/* "1500" (milliseconds), "500ms", "5s", "2min", "1h", "1d", as PostgreSQL
 * reads durations; "0" is no timeout. */
gboolean       strata_parse_timeout               (const char         *text,
                                                   int                *msec,
                                                   GError            **error);
/* url= in [strata] as written (variables unexpanded), or NULL */
const char    *strata_project_get_url             (StrataProject      *self);
char         **strata_project_list_profiles       (StrataProject      *self);
/* url= of [profile NAME] as written, or NULL */
const char    *strata_project_get_profile_url     (StrataProject      *self,
                                                   const char         *name);
/* The same with its ${VAR} and ${VAR:-default} expanded from the
 * environment and .env (values percent-encoded); a variable that is not set
 * is STRATA_ERROR_PROJECT naming it. NULL without an error when the profile
 * has no url=. */
char          *strata_project_dup_profile_url     (StrataProject      *self,
                                                   const char         *name,
                                                   GError            **error);

/* Reads every JSON file in the migrations folder (a malformed one is an
 * error naming it). */
GPtrArray     *strata_project_load_scripts        (StrataProject      *self,
                                                   GError            **error);
StrataGraph   *strata_project_load_graph          (StrataProject      *self,
                                                   GError            **error);

/* The database a command targets, first match wins: @url, @profile, the
 * environment's STRATA_URL then DATABASE_URL, the project's .env, url= in
 * strata.ini. None is STRATA_ERROR_INVALID_ARGUMENT saying how to give one. */
char          *strata_project_resolve_url         (StrataProject      *self,
                                                   const char         *url,
                                                   const char         *profile,
                                                   GError            **error);

/* .env: KEY=VALUE lines, comments, blank lines, quotes, `export`; values
 * may use ${VAR} and ${VAR:-default} (python-dotenv's rules). */
GHashTable    *strata_dotenv_parse                (const char         *contents,
                                                   const char         *filename,
                                                   GError            **error);

G_END_DECLS
