/* strata-profile-private.h: the profile's fields, for its own files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-profile.h"

G_BEGIN_DECLS

struct _StrataProfile
{
  GObject              parent_instance;

  char                *id;
  char                *name;
  StrataProfileOrigin  origin;
  char                *engine;
  char                *host;
  guint                port;
  char                *user;
  char                *database;
  char                *path;
  char                *params;
  StrataProfileRole    role;
  char                *notes;

  /* In memory only: never a property, never saved. */
  char                *password;
};

/* Overwrites and frees a password. */
void  _strata_profile_clear_password (char          **password);
/* The profile's URL with @password (NULL: none). */
char *_strata_profile_dup_url_with   (StrataProfile  *self,
                                      const char     *password);

G_END_DECLS
