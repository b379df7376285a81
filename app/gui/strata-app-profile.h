/* strata-app-profile.h: a connection profile as the app edits it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata.h"

G_BEGIN_DECLS

/* Kept in memory until the user's store (StrataStore, StrataProfile and
 * StrataSecret in the core) lands; then this becomes a thin view of it. */

#define STRATA_TYPE_APP_PROFILE (strata_app_profile_get_type ())

G_DECLARE_FINAL_TYPE (StrataAppProfile, strata_app_profile, STRATA, APP_PROFILE, GObject)

/**
 * StrataAppProfileRole:
 * @STRATA_APP_PROFILE_ROLE_DEVELOPMENT: a developer's own database
 * @STRATA_APP_PROFILE_ROLE_STAGING: a shared test database
 * @STRATA_APP_PROFILE_ROLE_PRODUCTION: the real thing: confirmations ask more
 */
typedef enum
{
  STRATA_APP_PROFILE_ROLE_DEVELOPMENT,
  STRATA_APP_PROFILE_ROLE_STAGING,
  STRATA_APP_PROFILE_ROLE_PRODUCTION,
} StrataAppProfileRole;

StrataAppProfile  *strata_app_profile_new             (const char        *name,
                                                       const char        *url,
                                                       StrataAppProfileRole  role);
const char        *strata_app_profile_get_name        (StrataAppProfile  *self);
void               strata_app_profile_set_name        (StrataAppProfile  *self,
                                                       const char        *name);
/* Without a password. */
const char        *strata_app_profile_get_url         (StrataAppProfile  *self);
void               strata_app_profile_set_url         (StrataAppProfile  *self,
                                                       const char        *url);
StrataAppProfileRole  strata_app_profile_get_role        (StrataAppProfile  *self);
void               strata_app_profile_set_role        (StrataAppProfile  *self,
                                                       StrataAppProfileRole  role);
const char        *strata_app_profile_get_password    (StrataAppProfile  *self);
void               strata_app_profile_set_password    (StrataAppProfile  *self,
                                                       const char        *password);
StrataDialect      strata_app_profile_get_dialect     (StrataAppProfile  *self);
/* The database name (PostgreSQL) or file name (SQLite), for confirmations. */
char              *strata_app_profile_dup_database    (StrataAppProfile  *self);
/* The URL to connect with, the password put in. */
char              *strata_app_profile_dup_connect_url (StrataAppProfile  *self);
const char        *strata_app_profile_role_get_label      (StrataAppProfileRole  role);

G_END_DECLS
