/* strata-driver-steps.c: the engine's part in running a migration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-driver"

#include "config.h"

#include "strata-dialect.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-i18n-private.h"

StrataRebuild *
_strata_rebuild_new (void)
{
  StrataRebuild *rebuild = g_new0 (StrataRebuild, 1);

  rebuild->tables = g_ptr_array_new_with_free_func (g_free);

  return rebuild;
}

void
_strata_rebuild_reset (StrataRebuild *rebuild)
{
  g_ptr_array_set_size (rebuild->tables, 0);
  rebuild->restore = FALSE;
}

void
_strata_rebuild_free (StrataRebuild *rebuild)
{
  if (rebuild == NULL)
    return;

  _strata_rebuild_reset (rebuild);
  g_ptr_array_unref (rebuild->tables);
  g_free (rebuild);
}

/* Without a schema of their own: asks whether each table is there and
 * creates what is missing. */
static gboolean
ensure_bookkeeping_default (StrataDriver  *self,
                            const char    *schema,
                            const char    *version_table,
                            const char    *history_table,
                            GCancellable  *cancellable,
                            GError       **error)
{
  StrataDialect dialect = strata_driver_get_dialect (self);
  gboolean exists;

  if (!strata_driver_table_exists (self, version_table, &exists, cancellable, error))
    return FALSE;

  if (!exists)
    {
      g_autofree char *sql = strata_dialect_create_version_table (dialect, version_table);

      if (!strata_driver_execute (self, sql, cancellable, error))
        {
          g_prefix_error (error, _("creating the version table %s: "), version_table);
          return FALSE;
        }
    }

  if (!strata_driver_table_exists (self, history_table, &exists, cancellable, error))
    return FALSE;

  if (!exists)
    {
      g_autofree char *sql = strata_dialect_create_history_table (dialect, history_table);

      if (!strata_driver_execute (self, sql, cancellable, error))
        {
          g_prefix_error (error, _("creating the history table %s: "), history_table);
          return FALSE;
        }
    }
  else
    {
      /* A history table from before stored copies and resumable runs gets
       * their columns. */
      static const char * const columns[][2] = { { "downgrade", "TEXT" }, { "statements_done", "BIGINT" } };
      g_autofree char *literal = strata_dialect_quote_literal (dialect, history_table);
      g_autofree char *check = g_strdup_printf ("SELECT name FROM pragma_table_info(%s) "
                                                "WHERE name IN ('downgrade', 'statements_done')", literal);
      g_autoptr(StrataResult) result = NULL;

      if (!(result = strata_driver_query (self, check, cancellable, error)))
        return FALSE;
      for (guint i = 0; i < G_N_ELEMENTS (columns) && strata_result_get_n_rows (result) < G_N_ELEMENTS (columns); i++)
        {
          g_autofree char *quoted = strata_dialect_quote_identifier (dialect, history_table);
          g_autofree char *alter = NULL;
          gboolean present = FALSE;

          for (guint j = 0; j < strata_result_get_n_rows (result); j++)
            present |= g_strcmp0 (strata_result_get_value (result, j, 0), columns[i][0]) == 0;
          if (present)
            continue;

          alter = g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s %s", quoted, columns[i][0], columns[i][1]);
          if (!strata_driver_execute (self, alter, cancellable, error))
            {
              g_prefix_error (error, _("adding the column %s to %s: "), columns[i][0], history_table);
              return FALSE;
            }
        }
    }

  return TRUE;
}

gboolean
_strata_driver_ensure_bookkeeping (StrataDriver  *self,
                                   const char    *schema,
                                   const char    *version_table,
                                   const char    *history_table,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (version_table != NULL && history_table != NULL, FALSE);

  if (klass->ensure_bookkeeping != NULL)
    return klass->ensure_bookkeeping (self, schema, version_table, history_table, cancellable, error);

  return ensure_bookkeeping_default (self, schema, version_table, history_table, cancellable, error);
}

gboolean
_strata_driver_can_batch (StrataDriver *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);

  return STRATA_DRIVER_GET_CLASS (self)->execute_batch != NULL;
}

gboolean
_strata_driver_execute_batch (StrataDriver        *self,
                              const char          *version_table,
                              const char * const  *heads_before,
                              const char          *body,
                              GCancellable        *cancellable,
                              GError             **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (klass->execute_batch != NULL, FALSE);

  return klass->execute_batch (self, version_table, heads_before, body, cancellable, error);
}

gboolean
_strata_driver_can_rebuild (StrataDriver *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);

  return STRATA_DRIVER_GET_CLASS (self)->rebuild_begin != NULL;
}

gboolean
_strata_driver_rebuild_begin (StrataDriver   *self,
                              StrataRebuild  *rebuild,
                              GCancellable   *cancellable,
                              GError        **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  if (klass->rebuild_begin == NULL || rebuild->tables->len == 0)
    return TRUE;

  return klass->rebuild_begin (self, rebuild, cancellable, error);
}

gboolean
_strata_driver_rebuild_finish (StrataDriver   *self,
                               StrataRebuild  *rebuild,
                               GCancellable   *cancellable,
                               GError        **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  if (klass->rebuild_finish == NULL || rebuild->tables->len == 0)
    return TRUE;

  return klass->rebuild_finish (self, rebuild, cancellable, error);
}

/**
 * _strata_driver_render_op_live:
 * @self: a driver
 * @op: the operation to run next
 * @state: (nullable): the schema the migrations describe before @op (not
 *   changed)
 * @rebuilt: (nullable) (element-type utf8): receives the tables rebuilt
 *
 * The statements that run @op on the database as it is now (read inside
 * the transaction): the engine's own where it has a way of its own (SQLite
 * rebuilds a table from its live definition), else the dialect's.
 *
 * Returns: (transfer full) (element-type utf8): the statements, or %NULL
 */
GPtrArray *
_strata_driver_render_op_live (StrataDriver   *self,
                               StrataOp       *op,
                               StrataModel    *state,
                               GPtrArray      *rebuilt,
                               GCancellable   *cancellable,
                               GError        **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  g_return_val_if_fail (STRATA_IS_DRIVER (self), NULL);

  if (klass->render_op_live != NULL)
    return klass->render_op_live (self, op, state, rebuilt, cancellable, error);

  return strata_dialect_render_op (strata_driver_get_dialect (self), op, error);
}

void
_strata_driver_rebuild_end (StrataDriver  *self,
                            StrataRebuild *rebuild)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  if (klass->rebuild_end != NULL && rebuild->tables->len > 0)
    klass->rebuild_end (self, rebuild);
}

gboolean
_strata_driver_bound_lock_waits (StrataDriver  *self,
                                 int            msec,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);

  return klass->bound_lock_waits == NULL || klass->bound_lock_waits (self, msec, cancellable, error);
}

gboolean
_strata_driver_prepare_autocommit (StrataDriver  *self,
                                   const char    *sql,
                                   char         **notice,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  g_return_val_if_fail (STRATA_IS_DRIVER (self), FALSE);
  g_return_val_if_fail (notice != NULL && *notice == NULL, FALSE);

  return klass->prepare_autocommit == NULL || klass->prepare_autocommit (self, sql, notice, cancellable, error);
}

char *
_strata_driver_describe_leftovers (StrataDriver *self,
                                   const char   *sql)
{
  StrataDriverClass *klass = STRATA_DRIVER_GET_CLASS (self);

  g_return_val_if_fail (STRATA_IS_DRIVER (self), NULL);

  return klass->describe_leftovers != NULL ? klass->describe_leftovers (self, sql) : NULL;
}
