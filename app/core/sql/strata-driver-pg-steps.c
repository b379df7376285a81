/* strata-driver-pg-steps.c: the PostgreSQL side of running a migration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * PL/pgSQL that Strata writes: the bookkeeping tables created in one
 * statement, and a whole transactional step in one request, guarded by a
 * check of the version table that raises SQLSTATE SR001
 * (STRATA_DRIVER_PG_SQLSTATE_STATE, reported as STRATA_ERROR_STATE).
 */

#define G_LOG_DOMAIN "strata-driver-pg"

#include "config.h"

#include <string.h>

#include "strata-dialect.h"
#include "strata-driver-pg-private.h"
#include "strata-driver-private.h"
#include "strata-error.h"

static char *
quote_table (const char *schema,
             const char *table)
{
  g_autofree char *name = strata_dialect_quote_identifier (STRATA_DIALECT_POSTGRESQL, table);

  if (schema != NULL)
    {
      g_autofree char *quoted_schema = strata_dialect_quote_identifier (STRATA_DIALECT_POSTGRESQL, schema);

      return g_strconcat (quoted_schema, ".", name, NULL);
    }

  return g_steal_pointer (&name);
}

/* CREATE TABLE with its name qualified by the schema. */
static char *
qualify_create (const char *schema,
                const char *table,
                char       *create)
{
  g_autofree char *plain = strata_dialect_quote_identifier (STRATA_DIALECT_POSTGRESQL, table);
  g_autofree char *qualified = quote_table (schema, table);
  g_autofree char *owned = create;
  const char *at = strstr (owned, plain);

  if (at == NULL)
    return g_steal_pointer (&owned);

  return g_strdup_printf ("%.*s%s%s", (int)(at - owned), owned, qualified, at + strlen (plain));
}

/* One statement that creates what is missing (the schema, the tables), and
 * nothing (no privilege needed) when all is there. */
gboolean
_strata_driver_pg_ensure_bookkeeping (StrataDriver  *self,
                                      const char    *schema,
                                      const char    *version_table,
                                      const char    *history_table,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  StrataDialect dialect = STRATA_DIALECT_POSTGRESQL;
  g_autoptr(GString) sql = g_string_new ("DO $strata$BEGIN\n");
  const char *tables[] = { version_table, history_table };

  if (schema != NULL)
    {
      g_autofree char *quoted = strata_dialect_quote_identifier (dialect, schema);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);

      g_string_append_printf (sql, "IF to_regnamespace(%s) IS NULL THEN CREATE SCHEMA %s; END IF;\n",
                              literal, quoted);
    }

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *quoted = quote_table (schema, tables[i]);
      g_autofree char *literal = strata_dialect_quote_literal (dialect, quoted);
      g_autofree char *create = NULL;

      create = i == 0 ? strata_dialect_create_version_table (dialect, tables[i])
                      : strata_dialect_create_history_table (dialect, tables[i]);
      create = qualify_create (schema, tables[i], create);
      g_string_append_printf (sql, "IF to_regclass(%s) IS NULL THEN %s; END IF;\n", literal, create);
    }

  g_string_append (sql, "END$strata$");

  if (!strata_driver_execute (self, sql->str, cancellable, error))
    {
      g_prefix_error (error, "creating the version and history tables %s and %s: ",
                      version_table, history_table);
      return FALSE;
    }

  return TRUE;
}

static void
append_literal (GString    *out,
                const char *value)
{
  g_autofree char *literal = strata_dialect_quote_literal (STRATA_DIALECT_POSTGRESQL, value);

  g_string_append (out, literal);
}

/* The statement that fails a batch (SQLSTATE SR001) when the version table
 * does not hold @sorted (sorted bytewise, no duplicates). */
static void
append_heads_check (GString            *out,
                    const char         *version_table,
                    const char * const *sorted)
{
  g_string_append_printf (out,
                          "DO $strata$BEGIN IF (SELECT array_agg(version_num::text ORDER BY "
                          "version_num::text COLLATE \"C\") FROM %s) IS DISTINCT FROM ",
                          version_table);
  if (sorted[0] == NULL)
    g_string_append (out, "NULL::text[]");
  else
    {
      g_string_append (out, "ARRAY[");
      for (guint i = 0; sorted[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_literal (out, sorted[i]);
        }
      g_string_append (out, "]::text[]");
    }
  g_string_append (out, " THEN RAISE EXCEPTION 'the version table changed under the run' "
                        "USING ERRCODE = '" STRATA_DRIVER_PG_SQLSTATE_STATE "'; END IF; END$strata$;\n");
}

gboolean
_strata_driver_pg_execute_batch (StrataDriver        *self,
                                 const char          *version_table,
                                 const char * const  *heads_before,
                                 const char          *body,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  g_autoptr(GString) sql = g_string_new ("BEGIN;\n");

  append_heads_check (sql, version_table, heads_before);
  g_string_append (sql, body);
  g_string_append (sql, ";\nCOMMIT");

  return strata_driver_execute (self, sql->str, cancellable, error);
}
