/* strata-store.h: the user's own store (profiles, recent projects, runs)
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
 * $XDG_DATA_HOME/strata/strata.db: a SQLite database shared by the CLI and
 * the app. Its schema is a Strata migration project shipped in the core's
 * resources (resources/core/store/) and run by the core itself (StrataGraph
 * and StrataMigrator on the SQLite driver) every time the store is opened:
 *
 * - a missing store is created at the newest revision;
 * - an older one is copied first (sqlite3_backup) to strata.db.REV.bak
 *   beside it, then upgraded; when the upgrade fails, the copy is restored
 *   and the error names the revision and statement at fault;
 * - an empty (0-byte) store, a file that is not a database and a damaged
 *   one (PRAGMA quick_check) are never overwritten: the file is moved to
 *   strata.db.damaged-DATE beside it and a new store is created, and
 *   strata_store_get_problem() says so (STRATA_STORE_OUTCOME_RECREATED);
 * - a hot journal left by a crash is rolled back by SQLite before anything
 *   is read (the store is never opened read-only);
 * - a store whose version table holds a revision this build does not know
 *   was written by a newer Strata: STRATA_ERROR_NEWER_VERSION, and the file
 *   is left exactly as it was (it is only read, read-only).
 *
 * The store holds no password, ever: see StrataSecret. Its file and folder
 * are private to the user (0600, 0700).
 *
 * Opening may take a while (a backup, an upgrade): the app uses
 * strata_store_open_async. The other calls are small local transactions.
 * The sync ones (for the CLI) run on the calling thread; their `_async`
 * twins (for the app) run on the store's own worker thread, one at a time
 * and in the order they were called, so a write is never lost behind a
 * later one. Either way the SQLite connection is used by one thread at a
 * time. The live lists (profiles, recent projects) belong to the thread
 * that uses the store (the app's main thread): an async call checks its
 * arguments against them and snapshots the profile when it is called, and
 * its change to them is made on the caller's thread-default main context,
 * just before its callback runs.
 */

#define STRATA_TYPE_STORE         (strata_store_get_type ())

/**
 * StrataStoreOutcome:
 * @STRATA_STORE_OUTCOME_UNCHANGED: the store was up to date
 * @STRATA_STORE_OUTCOME_CREATED: there was no store: it was created
 * @STRATA_STORE_OUTCOME_UPGRADED: the store was upgraded (after a backup)
 * @STRATA_STORE_OUTCOME_RECREATED: the store could not be read: it was moved
 *   aside and a new one created (strata_store_get_problem() says what)
 *
 * What opening the store did.
 */
typedef enum
{
  STRATA_STORE_OUTCOME_UNCHANGED,
  STRATA_STORE_OUTCOME_CREATED,
  STRATA_STORE_OUTCOME_UPGRADED,
  STRATA_STORE_OUTCOME_RECREATED,
} StrataStoreOutcome;


G_DECLARE_FINAL_TYPE (StrataStore, strata_store, STRATA, STORE, GObject)

/* $XDG_DATA_HOME/strata/strata.db */
GFile              *strata_store_dup_default_file       (void);

/* Opens (creating, backing up and upgrading as needed) @file, or the
 * default file when @file is NULL. */
StrataStore        *strata_store_open                   (GFile               *file,
                                                         GCancellable        *cancellable,
                                                         GError             **error);
void                strata_store_open_async             (GFile               *file,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
StrataStore        *strata_store_open_finish            (GAsyncResult        *result,
                                                         GError             **error);

GFile              *strata_store_get_file               (StrataStore         *self);
StrataStoreOutcome  strata_store_get_outcome            (StrataStore         *self);
/* The store's revision before opening (NULL when it was created) and now. */
const char         *strata_store_get_previous_revision  (StrataStore         *self);
const char         *strata_store_get_revision           (StrataStore         *self);
/* The copy taken before an upgrade, or NULL. */
GFile              *strata_store_get_backup_file        (StrataStore         *self);
/* The store that could not be read, moved aside, and why (or NULL). */
GFile              *strata_store_get_damaged_file       (StrataStore         *self);
const char         *strata_store_get_problem            (StrataStore         *self);

/* Profiles: a live GListModel of StrataProfile sorted by name (case
 * insensitively); the calls below keep it up to date. */
GListModel         *strata_store_get_profiles           (StrataStore         *self);
/* (transfer none) (nullable) */
StrataProfile      *strata_store_lookup_profile         (StrataStore         *self,
                                                         const char          *name);
StrataProfile      *strata_store_lookup_profile_by_id   (StrataStore         *self,
                                                         const char          *id);
/* Adds a user profile: it must be valid (strata_profile_validate) and its
 * name unused (else STRATA_ERROR_INVALID_ARGUMENT naming it). The store
 * keeps a reference; its in-memory password is not stored. */
gboolean            strata_store_add_profile            (StrataStore         *self,
                                                         StrataProfile       *profile,
                                                         GError             **error);
/* Writes the changes made to a profile of the store. On failure the profile
 * gets its stored values back. */
gboolean            strata_store_save_profile           (StrataStore         *self,
                                                         StrataProfile       *profile,
                                                         GError             **error);
/* Removes it from the store (its keyring entry is StrataSecret's). */
gboolean            strata_store_remove_profile         (StrataStore         *self,
                                                         StrataProfile       *profile,
                                                         GError             **error);

/* Reads the profiles again (another process, such as `strata profiles add`,
 * may have changed them) and merges them into the live list: profiles that
 * stayed keep their objects. */
gboolean            strata_store_reload_profiles        (StrataStore         *self,
                                                         GError             **error);

/* Recent projects: a live GListModel of GFile (project folders), most
 * recently opened first. */
GListModel         *strata_store_get_recent_projects    (StrataStore         *self);
/* Adds @directory or moves it to the top; keeps the newest 50. */
gboolean            strata_store_add_recent_project     (StrataStore         *self,
                                                         GFile               *directory,
                                                         GError             **error);
gboolean            strata_store_remove_recent_project  (StrataStore         *self,
                                                         GFile               *directory,
                                                         GError             **error);

/* The log of runs made from the app: strata_store_begin_run when one
 * starts, strata_store_finish_run with its outcome ("succeeded", "failed",
 * "cancelled"). URLs and messages are redacted before they are written.
 * Returns the run's id, or 0 on error. */
gint64              strata_store_begin_run              (StrataStore         *self,
                                                         GFile               *project,
                                                         StrataProfile       *profile,
                                                         const char          *action,
                                                         const char          *target,
                                                         const char * const  *heads_before,
                                                         GError             **error);
gboolean            strata_store_finish_run             (StrataStore         *self,
                                                         gint64               run_id,
                                                         const char          *outcome,
                                                         const char * const  *heads_after,
                                                         const char          *message,
                                                         GError             **error);
/* Newest first, at most @limit (0: all): columns id, project, profile_id,
 * profile_name, url, action, target, from_heads, to_heads, started,
 * finished, outcome, message. */
StrataResult       *strata_store_list_runs              (StrataStore         *self,
                                                         guint                limit,
                                                         GError             **error);

/* The async twins of the calls above, for the app (see the top). */
void                strata_store_add_profile_async             (StrataStore         *self,
                                                                StrataProfile       *profile,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_add_profile_finish            (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_save_profile_async            (StrataStore         *self,
                                                                StrataProfile       *profile,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_save_profile_finish           (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_remove_profile_async          (StrataStore         *self,
                                                                StrataProfile       *profile,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_remove_profile_finish         (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_reload_profiles_async         (StrataStore         *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_reload_profiles_finish        (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_add_recent_project_async      (StrataStore         *self,
                                                                GFile               *directory,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_add_recent_project_finish     (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_remove_recent_project_async   (StrataStore         *self,
                                                                GFile               *directory,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_remove_recent_project_finish  (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_begin_run_async               (StrataStore         *self,
                                                                GFile               *project,
                                                                StrataProfile       *profile,
                                                                const char          *action,
                                                                const char          *target,
                                                                const char * const  *heads_before,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gint64              strata_store_begin_run_finish              (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_finish_run_async              (StrataStore         *self,
                                                                gint64               run_id,
                                                                const char          *outcome,
                                                                const char * const  *heads_after,
                                                                const char          *message,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean            strata_store_finish_run_finish             (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);
void                strata_store_list_runs_async               (StrataStore         *self,
                                                                guint                limit,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
StrataResult       *strata_store_list_runs_finish              (StrataStore         *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

G_END_DECLS
