/* strata-app-store.c: an application's own SQLite store, upgraded at launch
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-app-store"

#include "config.h"

#include "strata-app-store.h"
#include "strata-error.h"
#include "strata-store-private.h"
#include "strata-i18n-private.h"

/**
 * StrataAppStore:
 *
 * An application's own SQLite database, brought up to date when the
 * application starts, the way the Strata app keeps its own store.
 *
 * The application ships its schema as Strata migrations (one JSON file per
 * revision, as `strata revision` writes them) in its GResource, under one
 * folder. strata_app_store_open() then:
 *
 * - creates a missing store at the newest revision (the file 0600, its
 *   folder 0700);
 * - backs an older one up first, with SQLite's online backup, to
 *   `FILE.REVISION.bak` beside it, upgrades it one migration per
 *   transaction, and restores the backup when the upgrade fails: the error
 *   names the revision and the statement at fault;
 * - refuses a store written by a newer version of the application (its
 *   version table holds a revision the shipped migrations do not know) with
 *   %STRATA_ERROR_NEWER_VERSION, without changing a byte of it;
 * - moves a store that is not a database, or fails SQLite's quick_check,
 *   aside and creates a new one (%STRATA_STORE_OUTCOME_RECREATED:
 *   strata_app_store_get_problem() says what was wrong and where it went).
 *
 * This is the code that keeps the Strata app's own store (#StrataStore).
 *
 * The version table is `strata_version`, one row per applied head, as the
 * `strata` command line keeps it: `strata -C project --url
 * sqlite:///path/to/store.db current` reads it.
 *
 * |[<!-- language="C" -->
 * g_autoptr(GFile) file = g_file_new_build_filename (g_get_user_data_dir
 * (), "bookshelf", "books.db", NULL);
 * g_autoptr(GError) error = NULL;
 * g_autoptr(StrataAppStore) store = strata_app_store_open (file,
 * "/org/example/Bookshelf/store/", NULL, &error);
 *
 * if (store == NULL)
 *   g_error ("%s", error->message);
 * ]|
 */

struct _StrataAppStore
{
  GObject      parent_instance;

  /* Opened, upgraded and guarded as Strata's own store is */
  StrataStore *store;
};

G_DEFINE_FINAL_TYPE (StrataAppStore, strata_app_store, G_TYPE_OBJECT)

static void
strata_app_store_dispose (GObject *object)
{
  StrataAppStore *self = (StrataAppStore *)object;

  g_clear_object (&self->store);

  G_OBJECT_CLASS (strata_app_store_parent_class)->dispose (object);
}

static void
strata_app_store_class_init (StrataAppStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = strata_app_store_dispose;
}

static void
strata_app_store_init (StrataAppStore *self)
{
}

static const char *
application_name (void)
{
  const char *name = g_get_application_name ();

  return name != NULL ? name : _("this application");
}

/**
 * strata_app_store_open:
 * @file: the store's file (a local file; created if missing)
 * @resource_path: the folder of the store's migrations in the
 *   application's registered GResources, e.g. "/org/example/App/store/"
 * @cancellable: (nullable): cancels an upgrade (which then restores the
 *   backup)
 * @error: return location for a #GError
 *
 * Opens the store, creating, backing up and upgrading it as needed: see
 * #StrataAppStore. Blocks for as long as the upgrade takes; an application
 * with a window uses strata_app_store_open_async().
 *
 * Returns: (transfer full): the store, open and up to date, or %NULL with
 *   @error set
 */
StrataAppStore *
strata_app_store_open (GFile         *file,
                       const char    *resource_path,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(StrataAppStore) self = NULL;
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(StrataStore) store = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (resource_path != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  if (!(scripts = _strata_store_load_resource_scripts (NULL, resource_path, error)) ||
      !(store = _strata_store_open_app (file, scripts, application_name (), cancellable, error)))
    return NULL;

  self = g_object_new (STRATA_TYPE_APP_STORE, NULL);
  self->store = g_steal_pointer (&store);

  return g_steal_pointer (&self);
}

typedef struct
{
  GFile *file;
  char  *resource_path;
} OpenData;

static void
open_data_free (gpointer data)
{
  OpenData *open = data;

  g_clear_object (&open->file);
  g_clear_pointer (&open->resource_path, g_free);
  g_free (open);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenData *open = task_data;
  GError *error = NULL;
  StrataAppStore *store;

  if ((store = strata_app_store_open (open->file, open->resource_path, cancellable, &error)))
    g_task_return_pointer (task, store, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * strata_app_store_open_async:
 * @file: the store's file
 * @resource_path: the folder of the store's migrations in the
 *   application's GResources
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the store is open, or could not be
 * @user_data: data for @callback
 *
 * strata_app_store_open() in a worker thread.
 */
void
strata_app_store_open_async (GFile               *file,
                             const char          *resource_path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenData *open;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (resource_path != NULL);

  open = g_new0 (OpenData, 1);
  open->file = g_object_ref (file);
  open->resource_path = g_strdup (resource_path);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_app_store_open_async);
  /* A cancelled upgrade reports its own error, after restoring. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, open, open_data_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * strata_app_store_open_finish:
 * @result: the result
 * @error: return location for a #GError
 *
 * Finishes strata_app_store_open_async().
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
StrataAppStore *
strata_app_store_open_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_app_store_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * strata_app_store_get_file:
 * @self: a #StrataAppStore
 *
 * The store's file.
 *
 * Returns: (transfer none): the store's file
 */
GFile *
strata_app_store_get_file (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), NULL);
  return strata_store_get_file (self->store);
}

/**
 * strata_app_store_get_outcome:
 * @self: a #StrataAppStore
 *
 * What opening the store did.
 *
 * Returns: what opening did: created, upgraded or nothing
 */
StrataStoreOutcome
strata_app_store_get_outcome (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), STRATA_STORE_OUTCOME_UNCHANGED);
  return strata_store_get_outcome (self->store);
}

/**
 * strata_app_store_get_previous_revision:
 * @self: a #StrataAppStore
 *
 * The store's revision before it was opened.
 *
 * Returns: (nullable): the store's revision before it was opened (heads
 *   joined by ", "), %NULL when it was created or empty
 */
const char *
strata_app_store_get_previous_revision (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), NULL);
  return strata_store_get_previous_revision (self->store);
}

/**
 * strata_app_store_get_revision:
 * @self: a #StrataAppStore
 *
 * The store's revision now.
 *
 * Returns: (nullable): the store's revision now (heads joined by ", ")
 */
const char *
strata_app_store_get_revision (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), NULL);
  return strata_store_get_revision (self->store);
}

/**
 * strata_app_store_get_backup_file:
 * @self: a #StrataAppStore
 *
 * The copy of the store taken before it was upgraded, beside it.
 *
 * Returns: (transfer none) (nullable): the copy taken before the upgrade,
 *   %NULL when there was none to take
 */
GFile *
strata_app_store_get_backup_file (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), NULL);
  return strata_store_get_backup_file (self->store);
}

/**
 * strata_app_store_get_driver:
 * @self: a #StrataAppStore
 *
 * The open connection, for the application's own statements
 * (strata_driver_execute(), strata_driver_query()), until
 * strata_app_store_close().
 *
 * Returns: (transfer none) (nullable): the connection, %NULL once closed
 */
StrataDriver *
strata_app_store_get_driver (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), NULL);
  return _strata_store_get_driver (self->store);
}

/**
 * strata_app_store_close:
 * @self: a #StrataAppStore
 *
 * Closes the connection (for an application that opens the file with its
 * own SQLite code).
 */
void
strata_app_store_close (StrataAppStore *self)
{
  g_return_if_fail (STRATA_IS_APP_STORE (self));
  _strata_store_close (self->store);
}

/**
 * strata_app_store_get_problem:
 * @self: a #StrataAppStore
 *
 * What was wrong with a store that had to be set aside and created anew
 * (%STRATA_STORE_OUTCOME_RECREATED), and where the old file went.
 *
 * Returns: (nullable): the problem, one line for a person, or %NULL
 */
const char *
strata_app_store_get_problem (StrataAppStore *self)
{
  g_return_val_if_fail (STRATA_IS_APP_STORE (self), NULL);
  return strata_store_get_problem (self->store);
}
