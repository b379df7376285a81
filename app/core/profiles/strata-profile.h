/* strata-profile.h: a named connection to a database
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

/*
 * A profile names a database: its engine and the parts of its URL (host,
 * port, user, database or SQLite path, query parameters), a role and notes.
 * Profiles come from a project's strata.ini ([profile NAME], shared with the
 * team) or from the user's store (StrataStore, the user's own). Neither ever
 * holds a password: that lives in the keyring (StrataSecret), keyed by the
 * profile's id. A profile object may carry a password in memory only (given
 * in a URL, typed at a prompt or looked up in the keyring); nothing saves it.
 */

#define STRATA_TYPE_PROFILE        (strata_profile_get_type ())

/**
 * StrataProfileRole:
 * @STRATA_PROFILE_ROLE_DEVELOPMENT: a developer's own database
 * @STRATA_PROFILE_ROLE_STAGING: a shared test or staging database
 * @STRATA_PROFILE_ROLE_PRODUCTION: live data: the app asks before changing it
 *
 * What the database is for; the app colours it and guards production.
 */
typedef enum
{
  STRATA_PROFILE_ROLE_DEVELOPMENT,
  STRATA_PROFILE_ROLE_STAGING,
  STRATA_PROFILE_ROLE_PRODUCTION,
} StrataProfileRole;

/**
 * StrataProfileOrigin:
 * @STRATA_PROFILE_ORIGIN_URL: made from a URL (--url, STRATA_URL,
 *   DATABASE_URL, .env, url= in strata.ini); has no name of its own
 * @STRATA_PROFILE_ORIGIN_PROJECT: a [profile NAME] group of strata.ini
 * @STRATA_PROFILE_ORIGIN_USER: the user's store
 */
typedef enum
{
  STRATA_PROFILE_ORIGIN_URL,
  STRATA_PROFILE_ORIGIN_PROJECT,
  STRATA_PROFILE_ORIGIN_USER,
} StrataProfileOrigin;

/* "development", "staging", "production". */
const char        *strata_profile_role_to_string     (StrataProfileRole    role);
gboolean           strata_profile_role_from_string   (const char          *text,
                                                      StrataProfileRole   *role);
/* "url", "project", "user". */
const char        *strata_profile_origin_to_string   (StrataProfileOrigin  origin);

G_DECLARE_FINAL_TYPE (StrataProfile, strata_profile, STRATA, PROFILE, GObject)

/* A new user profile (origin user, a fresh random id) for a PostgreSQL
 * database on the default host. */
StrataProfile     *strata_profile_new                (const char          *name);
/* A new profile of @origin whose parts come from @url (strata_url_parse's
 * errors). A password in @url is kept in memory only (see
 * strata_profile_get_password). A user profile gets a fresh random id; a
 * project or URL profile's id is derived from its server, port, user and
 * database (the same database has the same id, so one keyring entry serves
 * every checkout of a project). */
StrataProfile     *strata_profile_new_from_url       (StrataProfileOrigin  origin,
                                                      const char          *name,
                                                      const char          *url,
                                                      GError             **error);

/* Replaces the engine, host, port, user, database, path, params (and the
 * in-memory password when @url has one) with the parts of @url. */
gboolean           strata_profile_set_url            (StrataProfile       *self,
                                                      const char          *url,
                                                      GError             **error);
/* The canonical URL (see strata_url_to_string). Without @with_password it
 * has no password at all (not even ***): safe to show, store or log. */
char              *strata_profile_dup_url            (StrataProfile       *self,
                                                      gboolean             with_password);
/* The URL as shown to a person: the password, if any, as ***. */
char              *strata_profile_dup_display_url    (StrataProfile       *self);
/* Where a password given for the profile goes: the user, every host and
 * port, the database and each connection parameter that decides the server
 * or how the password travels (hostaddr, service, sslmode, sslrootcert, …;
 * every parameter but a few harmless ones such as application_name and
 * connect_timeout), in a canonical form without a password. A password
 * saved in the keyring is bound to it (StrataSecret): it is sent only where
 * it was saved for. Safe to show. */
char              *strata_profile_dup_destination    (StrataProfile       *self);
/* A name of 1–200 printable characters and parts that make a valid URL;
 * errors (STRATA_ERROR_INVALID_ARGUMENT) name the profile. */
gboolean           strata_profile_validate           (StrataProfile       *self,
                                                      GError             **error);

const char        *strata_profile_get_id             (StrataProfile       *self);
void               strata_profile_set_id             (StrataProfile       *self,
                                                      const char          *id);
const char        *strata_profile_get_name           (StrataProfile       *self);
void               strata_profile_set_name           (StrataProfile       *self,
                                                      const char          *name);
StrataProfileOrigin strata_profile_get_origin        (StrataProfile       *self);
/* "sqlite" or "postgresql". */
const char        *strata_profile_get_engine         (StrataProfile       *self);
void               strata_profile_set_engine         (StrataProfile       *self,
                                                      const char          *engine);
StrataDialect      strata_profile_get_dialect        (StrataProfile       *self);
/* PostgreSQL: libpq's host list (comma-separated names, addresses or socket
 * directories), or NULL for libpq's default. */
const char        *strata_profile_get_host           (StrataProfile       *self);
void               strata_profile_set_host           (StrataProfile       *self,
                                                      const char          *host);
/* 0 for the default. */
guint              strata_profile_get_port           (StrataProfile       *self);
void               strata_profile_set_port           (StrataProfile       *self,
                                                      guint                port);
const char        *strata_profile_get_user           (StrataProfile       *self);
void               strata_profile_set_user           (StrataProfile       *self,
                                                      const char          *user);
/* PostgreSQL: the database name. */
const char        *strata_profile_get_database       (StrataProfile       *self);
void               strata_profile_set_database       (StrataProfile       *self,
                                                      const char          *database);
/* SQLite: the file (relative ones are relative to the project), or NULL
 * for an in-memory database. */
const char        *strata_profile_get_path           (StrataProfile       *self);
void               strata_profile_set_path           (StrataProfile       *self,
                                                      const char          *path);
/* The query string without '?', percent-encoded: "sslmode=require&…". */
const char        *strata_profile_get_params         (StrataProfile       *self);
void               strata_profile_set_params         (StrataProfile       *self,
                                                      const char          *params);
StrataProfileRole  strata_profile_get_role           (StrataProfile       *self);
void               strata_profile_set_role           (StrataProfile       *self,
                                                      StrataProfileRole    role);
/* The text a person types to confirm a change to a production database
 * (its name, or the SQLite file's); NULL when the role is not production. */
char              *strata_profile_dup_confirmation   (StrataProfile       *self);
const char        *strata_profile_get_notes          (StrataProfile       *self);
void               strata_profile_set_notes          (StrataProfile       *self,
                                                      const char          *notes);

/* The password held in memory (never a property, never saved), or NULL. */
const char        *strata_profile_get_password       (StrataProfile       *self);
void               strata_profile_set_password       (StrataProfile       *self,
                                                      const char          *password);

/* The [profile NAME] groups of the project's strata.ini, in file order
 * (origin project; role= and notes= are read too). A malformed URL or role
 * is STRATA_ERROR_PROJECT naming the file and the profile. */
GPtrArray         *strata_profile_load_project_profiles (StrataProject    *project,
                                                         GError          **error);
StrataProfile     *strata_profile_load_project_profile  (StrataProject    *project,
                                                         const char       *name,
                                                         GError          **error);

/* The database a command targets, first match wins (DESIGN.md): @url
 * (--url); @name (--profile): the project's [profile NAME], then the user's
 * profile NAME in @store (the default store when @store is NULL and its file
 * exists); STRATA_URL; DATABASE_URL; the project's .env; url= in
 * strata.ini. @project and @store may be NULL. The profile has no password
 * unless the URL it came from had one: see strata_profile_connect. */
StrataProfile     *strata_profile_resolve            (StrataProject       *project,
                                                      StrataStore         *store,
                                                      const char          *url,
                                                      const char          *name,
                                                      GError             **error);

/**
 * StrataPasswordPromptFunc:
 * @profile: the profile that needs a password
 * @message: why it is asked for, one line for a person
 * @user_data: data given with the function
 *
 * Asks a person for a password (without echo).
 *
 * Returns: (transfer full) (nullable): the password, or %NULL when none
 *   was given
 */
typedef char *(*StrataPasswordPromptFunc) (StrataProfile *profile,
                                           const char    *message,
                                           gpointer       user_data);

/* Opens a connection for @self. The password, first found wins: the one in
 * memory (from a URL); the keyring entry of a project or user profile
 * (StrataSecret, within its time limit); libpq's own PGPASSWORD and
 * ~/.pgpass (PGPASSFILE); then, when the server asks for a password and
 * @prompt is not NULL, @prompt. When none works the error says where a
 * password can be given (and why the keyring could not help). A relative
 * SQLite path is taken relative to @base_dir. */
StrataDriver      *strata_profile_connect            (StrataProfile       *self,
                                                      GFile               *base_dir,
                                                      StrataPasswordPromptFunc prompt,
                                                      gpointer             prompt_data,
                                                      GCancellable        *cancellable,
                                                      GError             **error);

/* The same for the app, never blocking: the keyring is asked without
 * blocking and the connection is made in a worker thread. There is no
 * prompt: on STRATA_ERROR_AUTHENTICATION ask the person, put the answer in
 * with strata_profile_set_password and call again. */
void               strata_profile_connect_async      (StrataProfile       *self,
                                                      GFile               *base_dir,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
StrataDriver      *strata_profile_connect_finish     (StrataProfile       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
