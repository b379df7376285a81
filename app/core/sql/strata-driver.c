/* strata-driver.c: a connection to a database (sealed abstract type)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-driver"

#include "config.h"

#include <string.h>

#include "strata-driver-pg-private.h"
#include "strata-driver-private.h"
#include "strata-driver-sqlite.h"
#include "strata-error.h"
#include "strata-sql-lexer-private.h"
#include "strata-url.h"
#include "strata-i18n-private.h"

/* Errors show at most this many characters of a statement. */
#define STATEMENT_DESCRIPTION_MAX 72

typedef struct
{
  char *display_url;
} StrataDriverPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (StrataDriver, strata_driver, G_TYPE_OBJECT)

struct _StrataResult
{
  gatomicrefcount   ref_count;
  guint             n_columns;
  char            **column_names;
  GPtrArray        *values;
};

G_DEFINE_BOXED_TYPE (StrataResult, strata_result, strata_result_ref, strata_result_unref)

static void
strata_driver_finalize (GObject *object)
{
  StrataDriver *self = (StrataDriver *)object;
  StrataDriverPrivate *priv = strata_driver_get_instance_private (self);

  g_clear_pointer (&priv->display_url, g_free);

  G_OBJECT_CLASS (strata_driver_parent_class)->finalize (object);
}

static void
strata_driver_class_init (StrataDriverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_driver_finalize;
}

static void
strata_driver_init (StrataDriver *self)
{
}

/* Cancellation: while a call runs, cancelling its GCancellable interrupts
 * the statement through the driver's thread-safe interrupt. */
typedef struct
{
  GCancellable *cancellable;
  gulong        handler_id;
} CancelGuard;

static void
cancel_guard_on_cancelled (GCancellable *cancellable,
                           gpointer      user_data)
{
  strata_driver_interrupt (STRATA_DRIVER (user_data));
}

static gboolean
cancel_guard_enter (CancelGuard   *guard,
                    StrataDriver  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  guard->cancellable = cancellable;
  guard->handler_id = 0;

  if (cancellable == NULL)
    return TRUE;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("cancelled"));
      return FALSE;
    }

  guard->handler_id = g_cancellable_connect (cancellable,
                                             G_CALLBACK (cancel_guard_on_cancelled),
                                             self, NULL);
  return TRUE;
}

static void
cancel_guard_leave (CancelGuard *guard)
{
  if (guard->handler_id != 0)
    g_cancellable_disconnect (guard->cancellable, guard->handler_id);
  guard->handler_id = 0;
}

/* The scheme of "scheme[+driver]://…", lowercase and without the driver;
 * NULL when @url has no "://". Only for friendlier errors than the URL
 * parser's about what is not a database URL at all. */
static char *
url_get_dialect_name (const char *url)
{
  const char *sep = strstr (url, "://");
  char *scheme;
  char *plus;

  if (sep == NULL || sep == url)
    return NULL;

  for (const char *p = url; p < sep; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
      return NULL;

  scheme = g_ascii_strdown (url, sep - url);
  if ((plus = strchr (scheme, '+')) != NULL)
    *plus = '\0';

  return scheme;
}

/**
 * strata_driver_redact_url:
 * @url: a database URL
 *
 * Returns: (transfer full): @url with any password, in the user info
 *   (`user:secret@host`) or in a `password=` parameter, replaced by `***`
 */
char *
strata_driver_redact_url (const char *url)
{
  g_return_val_if_fail (url != NULL, NULL);

  return strata_url_redact_string (url);
}

/**
 * strata_driver_open:
 * @url: a database URL in SQLAlchemy's form
 * @base_dir: (nullable): the folder a relative SQLite path is relative to
 *   (the current directory when %NULL)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Opens a connection. `sqlite:///relative.db`, `sqlite:////abs/path.db` and
 * `sqlite://` (in memory) open SQLite; `postgresql://…` and `postgres://…`,
 * with or without a `+driver` part, open PostgreSQL through libpq (see
 * strata_driver_pg_open()).
 *
 * Returns: (transfer full): the driver, or %NULL with @error set
 */
StrataDriver *
strata_driver_open (const char    *url,
                    GFile         *base_dir,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(StrataUrl) parsed = NULL;
  g_autofree char *dialect = NULL;
  g_autofree char *display = NULL;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (base_dir == NULL || G_IS_FILE (base_dir), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("cancelled"));
      return NULL;
    }

  display = strata_driver_redact_url (url);
  dialect = url_get_dialect_name (url);

  if (dialect == NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("\"%s\" is not a database URL: expected sqlite:///FILE or postgresql://HOST/DATABASE"),
                   display);
      return NULL;
    }

  if (!g_str_equal (dialect, "sqlite") && !g_str_equal (dialect, "postgresql") &&
      !g_str_equal (dialect, "postgres"))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("%s: unknown database type \"%s\": use sqlite:// or postgresql://"),
                   display, dialect);
      return NULL;
    }

  /* Parsed once, here; each driver takes the parsed URL. */
  if (!(parsed = strata_url_parse (url, error)))
    return NULL;

  if (strata_url_get_dialect (parsed) == STRATA_DIALECT_SQLITE)
    return _strata_driver_sqlite_open_url (parsed, url, base_dir, error);

  return _strata_driver_pg_open_url (parsed, cancellable, error);
}

StrataDialect
strata_driver_get_dialect (StrataDriver *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (self), STRATA_DIALECT_SQLITE);

  return STRATA_DRIVER_GET_CLASS (self)->dialect;
}

/**
 * strata_driver_get_display_url:
 *
 * Returns: the URL the driver was opened with, password replaced by `***`
 */
const char *
strata_driver_get_display_url (StrataDriver *self)
{
  StrataDriverPrivate *priv;

  g_return_val_if_fail (STRATA_IS_DRIVER (self), NULL);

  priv = strata_driver_get_instance_private (self);
  return priv->display_url;
}

void
_strata_driver_set_display_url (StrataDriver *self,
                                const char   *url)
{
  StrataDriverPrivate *priv;

  g_return_if_fail (STRATA_IS_DRIVER (self));

  priv = strata_driver_get_instance_private (self);
  g_free (priv->display_url);
  priv->display_url = url != NULL ? strata_driver_redact_url (url) : NULL;
}

/**
 * _strata_driver_describe_statement:
 * @sql: one SQL statement
 *
 * Returns: (transfer full): its first line without leading blanks and
 *   comments, at most
 *   72 characters, with " …" when something was left out
 */
char *
_strata_driver_describe_statement (const char *sql)
{
  g_autofree char *line = NULL;
  const char *start = sql;
  const char *end;
  gboolean more;

  if (sql == NULL)
    return g_strdup ("");

  /* Skip blanks and "--" comment lines. */
  for (;;)
    {
      StrataSqlToken token;

      _strata_sql_token_at (sql, start, STRATA_SQL_LEX_STANDARD, &token);
      if (token.kind != STRATA_SQL_TOKEN_SPACE &&
          !(token.kind == STRATA_SQL_TOKEN_COMMENT && start[0] == '-'))
        break;
      start += token.length;
    }

  end = strchr (start, '\n');
  if (end == NULL)
    end = start + strlen (start);

  line = g_strstrip (g_strndup (start, end - start));
  more = FALSE;
  for (const char *p = end; *p; p++)
    if (!g_ascii_isspace (*p) && *p != ';')
      {
        more = TRUE;
        break;
      }

  if (!g_utf8_validate (line, -1, NULL))
    {
      char *valid = g_utf8_make_valid (line, -1);

      g_free (line);
      line = valid;
    }

  if (g_utf8_strlen (line, -1) > STATEMENT_DESCRIPTION_MAX)
    {
      char *cut = g_utf8_substring (line, 0, STATEMENT_DESCRIPTION_MAX - 2);

      g_free (line);
      line = cut;
      more = TRUE;
    }

  return more ? g_strconcat (line, " …", NULL) : g_steal_pointer (&line);
}

gboolean
strata_driver_execute (StrataDriver  *self,
                       const char    *sql,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CancelGuard guard;
  gboolean ret;

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cancel_guard_enter (&guard, self, cancellable, error))
    return FALSE;
  ret = STRATA_DRIVER_GET_CLASS (self)->execute (self, sql, cancellable, error);
  cancel_guard_leave (&guard);

  return ret;
}

/**
 * strata_driver_query:
 *
 * Returns: (transfer full): the rows, or %NULL with @error set
 */
StrataResult *
strata_driver_query (StrataDriver  *self,
                     const char    *sql,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return strata_driver_query_params (self, sql, 0, NULL, cancellable, error);
}

/**
 * strata_driver_query_params:
 * @self: a #StrataDriver
 * @sql: one statement with parameters written $1 … $n
 * @n_params: the number of parameters
 * @params: (array length=n_params) (nullable): parameter values as text,
 *   %NULL for SQL NULL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the rows, or %NULL with @error set
 */
StrataResult *
strata_driver_query_params (StrataDriver        *self,
                            const char          *sql,
                            guint                n_params,
                            const char * const  *params,
                            GCancellable        *cancellable,
                            GError             **error)
{
  CancelGuard guard;
  StrataResult *ret;

  g_return_val_if_fail (STRATA_IS_DRIVER (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (n_params == 0 || params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!cancel_guard_enter (&guard, self, cancellable, error))
    return NULL;
  ret = STRATA_DRIVER_GET_CLASS (self)->query (self, sql, n_params, params, cancellable, error);
  cancel_guard_leave (&guard);

  return ret;
}

/* Begin and commit: a vfunc that may be cancelled, run under the guard. */
static gboolean
run_transaction_step (StrataDriver   *self,
                      gboolean      (*step) (StrataDriver  *self,
                                             GCancellable  *cancellable,
                                             GError       **error),
                      GCancellable   *cancellable,
                      GError        **error)
{
  CancelGuard guard;
  gboolean ret;

  if (!cancel_guard_enter (&guard, self, cancellable, error))
    return FALSE;
  ret = step (self, cancellable, error);
  cancel_guard_leave (&guard);

  return ret;
}

gboolean
strata_driver_begin (StrataDriver  *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return run_transaction_step (self, STRATA_DRIVER_GET_CLASS (self)->begin, cancellable, error);
}

gboolean
strata_driver_commit (StrataDriver  *self,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return run_transaction_step (self, STRATA_DRIVER_GET_CLASS (self)->commit, cancellable, error);
}

void
strata_driver_rollback (StrataDriver *self)
{
  g_return_if_fail (STRATA_IS_DRIVER (self));

  STRATA_DRIVER_GET_CLASS (self)->rollback (self);
}

gboolean
strata_driver_in_transaction (StrataDriver *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);

  return STRATA_DRIVER_GET_CLASS (self)->in_transaction (self);
}

/**
 * strata_driver_table_exists:
 * @self: a #StrataDriver
 * @table: a table name (unquoted)
 * @exists: (out): where to store the answer
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the question could be answered
 */
gboolean
strata_driver_table_exists (StrataDriver  *self,
                            const char    *table,
                            gboolean      *exists,
                            GCancellable  *cancellable,
                            GError       **error)
{
  CancelGuard guard;
  gboolean ret;

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (table != NULL, FALSE);
  g_return_val_if_fail (exists != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *exists = FALSE;

  if (!cancel_guard_enter (&guard, self, cancellable, error))
    return FALSE;
  ret = STRATA_DRIVER_GET_CLASS (self)->table_exists (self, table, exists, cancellable, error);
  cancel_guard_leave (&guard);

  return ret;
}

/**
 * strata_driver_introspect:
 * @self: a #StrataDriver
 * @exclude: (nullable) (array zero-terminated=1): tables to leave out
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the database's schema, or %NULL with @error set
 */
StrataModel *
strata_driver_introspect (StrataDriver        *self,
                          const char * const  *exclude,
                          GCancellable        *cancellable,
                          GError             **error)
{
  StrataDriverClass *klass;

  g_return_val_if_fail (STRATA_IS_DRIVER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("cancelled"));
      return NULL;
    }

  klass = STRATA_DRIVER_GET_CLASS (self);
  if (klass->introspect != NULL)
    return klass->introspect (self, exclude, cancellable, error);

  if (klass->dialect == STRATA_DIALECT_SQLITE)
    return _strata_introspect_sqlite (self, exclude, cancellable, error);
  else
    return _strata_introspect_pg (self, exclude, cancellable, error);
}

gboolean
strata_driver_lock (StrataDriver  *self,
                    const char    *key,
                    GCancellable  *cancellable,
                    GError       **error)
{
  CancelGuard guard;
  gboolean ret;

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!cancel_guard_enter (&guard, self, cancellable, error))
    return FALSE;
  ret = STRATA_DRIVER_GET_CLASS (self)->lock (self, key, cancellable, error);
  cancel_guard_leave (&guard);

  return ret;
}

void
strata_driver_unlock (StrataDriver *self,
                      const char   *key)
{
  g_return_if_fail (STRATA_IS_DRIVER (self));
  g_return_if_fail (key != NULL);

  STRATA_DRIVER_GET_CLASS (self)->unlock (self, key);
}

/**
 * strata_driver_interrupt:
 *
 * Interrupts the statement running now, from any thread; the interrupted
 * call fails with %STRATA_ERROR_CANCELLED. Nothing happens when no statement
 * runs.
 */
void
strata_driver_interrupt (StrataDriver *self)
{
  g_return_if_fail (STRATA_IS_DRIVER (self));

  STRATA_DRIVER_GET_CLASS (self)->interrupt (self);
}

/* StrataResult */

StrataResult *
_strata_result_new (guint n_columns)
{
  StrataResult *self = g_new0 (StrataResult, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->n_columns = n_columns;
  self->column_names = g_new0 (char *, n_columns + 1);
  self->values = g_ptr_array_new_with_free_func (g_free);

  return self;
}

void
_strata_result_set_column_name (StrataResult *self,
                                guint         column,
                                const char   *name)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (column < self->n_columns);

  g_free (self->column_names[column]);
  self->column_names[column] = g_strdup (name);
}

void
_strata_result_add_row_take (StrataResult  *self,
                             char         **values)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < self->n_columns; i++)
    g_ptr_array_add (self->values, values[i]);
}

StrataResult *
strata_result_ref (StrataResult *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
strata_result_unref (StrataResult *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_strfreev (self->column_names);
      g_ptr_array_unref (self->values);
      g_free (self);
    }
}

guint
strata_result_get_n_rows (StrataResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_columns == 0 ? 0 : self->values->len / self->n_columns;
}

guint
strata_result_get_n_columns (StrataResult *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_columns;
}

const char *
strata_result_get_column_name (StrataResult *self,
                               guint         column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (column < self->n_columns, NULL);

  return self->column_names[column];
}

int
strata_result_get_column_index (StrataResult *self,
                                const char   *name)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint i = 0; i < self->n_columns; i++)
    if (g_strcmp0 (self->column_names[i], name) == 0)
      return i;

  return -1;
}

/**
 * strata_result_get_value:
 *
 * Returns: (nullable): the value as text, %NULL for SQL NULL
 */
const char *
strata_result_get_value (StrataResult *self,
                         guint         row,
                         guint         column)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (column < self->n_columns, NULL);
  g_return_val_if_fail (row < strata_result_get_n_rows (self), NULL);

  return g_ptr_array_index (self->values, row * self->n_columns + column);
}
