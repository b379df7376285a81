/* strata-secret.h: profile passwords in the desktop keyring
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
 * Passwords live in the Secret Service (GNOME Keyring, KWallet, KeePassXC)
 * through libsecret, one item per profile: schema
 * io.github.stratadb.Strata.Profile, attributes "profile-id" (the profile's
 * id, so renaming a profile keeps its password) and "destination"
 * (strata_profile_dup_destination: user, hosts, ports, database and every
 * parameter that decides where the password goes or how), labelled for a
 * person reading their keyring: "Strata database password for “NAME”
 * (destination)".
 *
 * A password is given back only for the destination it was saved for: a
 * shared strata.ini that points a profile elsewhere (another hostaddr,
 * sslmode=disable, …) gets STRATA_ERROR_SECRET_MISMATCH from a look-up,
 * never the password, and a person is asked again.
 *
 * Every call has a time limit (strata_secret_get_timeout): a keyring that is
 * locked with no one to answer its unlock prompt, a bus that does not answer
 * or a Secret Service that never starts gives STRATA_ERROR_SECRET after at
 * most that long, never a hang. Where there is no Secret Service at all (a
 * server, CI) the error comes at once. The messages say what failed and
 * where else a password can come from (PGPASSWORD, ~/.pgpass, a prompt).
 */

#define STRATA_SECRET_SCHEMA_NAME      "io.github.stratadb.Strata.Profile"
/* Seconds; STRATA_SECRET_TIMEOUT in the environment overrides it. */
#define STRATA_SECRET_DEFAULT_TIMEOUT  10

/* Makes the process undumpable (prctl PR_SET_DUMPABLE 0: no core dump, no
 * ptrace by the same user) for a program that is about to hold passwords;
 * STRATA_ALLOW_CORE_DUMPS=1 in the environment keeps core dumps for
 * debugging. Returns whether the process is now undumpable. */
gboolean  strata_secret_protect_process  (void);
guint     strata_secret_get_timeout      (void);
/* 0 restores the default. An app whose keyring prompt a person can see may
 * want longer than a command-line tool. */
void      strata_secret_set_timeout      (guint                 seconds);

gboolean  strata_secret_store            (StrataProfile        *profile,
                                          const char           *password,
                                          GCancellable         *cancellable,
                                          GError              **error);
void      strata_secret_store_async      (StrataProfile        *profile,
                                          const char           *password,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean  strata_secret_store_finish     (GAsyncResult         *result,
                                          GError              **error);

/* The stored password, or NULL: with no error when the keyring holds none
 * for the profile, with STRATA_ERROR_SECRET_MISMATCH when it holds one saved
 * for another destination (not given), with STRATA_ERROR_SECRET when the
 * keyring failed. */
char     *strata_secret_lookup           (StrataProfile        *profile,
                                          GCancellable         *cancellable,
                                          GError              **error);
void      strata_secret_lookup_async     (StrataProfile        *profile,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
char     *strata_secret_lookup_finish    (GAsyncResult         *result,
                                          GError              **error);

/* Removes the profile's password; @removed (may be NULL) says whether there
 * was one. */
gboolean  strata_secret_clear            (StrataProfile        *profile,
                                          gboolean             *removed,
                                          GCancellable         *cancellable,
                                          GError              **error);
void      strata_secret_clear_async      (StrataProfile        *profile,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean  strata_secret_clear_finish     (GAsyncResult         *result,
                                          gboolean             *removed,
                                          GError              **error);

G_END_DECLS
