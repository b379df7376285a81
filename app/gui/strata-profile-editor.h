/* strata-profile-editor.h: add or edit a connection profile
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"

G_BEGIN_DECLS

#define STRATA_TYPE_PROFILE_EDITOR (strata_profile_editor_get_type ())

G_DECLARE_FINAL_TYPE (StrataProfileEditor, strata_profile_editor, STRATA, PROFILE_EDITOR, AdwWindow)

/* Edits @profile, a profile of @store, or a new one when it is NULL.
 * Saving writes the profile to the store and its password to the keyring;
 * deleting removes both. */
StrataProfileEditor *strata_profile_editor_new         (GtkWindow           *parent,
                                                        StrataStore         *store,
                                                        StrataProfile       *profile);
StrataProfile       *strata_profile_editor_get_profile (StrataProfileEditor *self);
/* The URL the fields describe (without the password), or NULL when a
 * required field is empty. */
char                *strata_profile_editor_dup_url     (StrataProfileEditor *self);
/* Whether a connection test is under way. */
gboolean             strata_profile_editor_get_testing (StrataProfileEditor *self);
/* Whether saving or deleting waits for the keyring. */
gboolean             strata_profile_editor_get_busy    (StrataProfileEditor *self);

/* Signals:
 *   "tested" (gboolean success, const char *message) */

G_END_DECLS
