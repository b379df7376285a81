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
#include "strata-i18n-private.h"

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
      g_string_append_printf (sql, "IF to_regclass(%s) IS NULL THEN %s;\n", literal, create);
      /* A history table from before stored copies and resumable runs gets
       * their columns. */
      if (i == 1)
        g_string_append_printf (sql, "ELSIF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute "
                                     "WHERE attrelid = to_regclass(%s) AND attname = 'statements_done' "
                                     "AND NOT attisdropped) THEN ALTER TABLE %s ADD COLUMN IF NOT EXISTS downgrade TEXT, "
                                     "ADD COLUMN statements_done BIGINT;\n",
                                literal, quoted);
      g_string_append (sql, "END IF;\n");
    }

  g_string_append (sql, "END$strata$");

  if (!strata_driver_execute (self, sql->str, cancellable, error))
    {
      g_prefix_error (error, _("creating the version and history tables %s and %s: "),
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

/* With no lock_timeout from the session, the role or the server, sets
 * @msec (SET, for the session). */
gboolean
_strata_driver_pg_bound_lock_waits (StrataDriver  *self,
                                    int            msec,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT CASE WHEN current_setting('lock_timeout') = '0' "
                                          "THEN set_config('lock_timeout', '%d', false) END", msec);

  if (!strata_driver_execute (self, sql, cancellable, error))
    {
      g_prefix_error (error, _("setting the default lock_timeout on %s: "), strata_driver_get_display_url (self));
      return FALSE;
    }

  return TRUE;
}

/* INVALID indexes {{{ */

/* The index a CREATE [UNIQUE] INDEX CONCURRENTLY statement builds, as the
 * server names it (unquoted, or folded to lower case), or NULL. */
static char *
concurrent_index_name (const char *sql)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *name = NULL;

  if (g_once_init_enter (&regex))
    g_once_init_leave (&regex, g_regex_new ("^\\s*CREATE\\s+(?:UNIQUE\\s+)?INDEX\\s+CONCURRENTLY\\s+"
                                            "(?:IF\\s+NOT\\s+EXISTS\\s+)?"
                                            "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)",
                                            G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL));

  if (!g_regex_match (regex, sql, 0, &match))
    return NULL;

  name = g_match_info_fetch (match, 1);
  if (name[0] == '"')
    {
      g_autoptr(GString) unquoted = g_string_new_len (name + 1, strlen (name) - 2);

      g_string_replace (unquoted, "\"\"", "\"", 0);
      return g_string_free (g_steal_pointer (&unquoted), FALSE);
    }

  return g_ascii_strdown (name, -1);
}

/* Whether the index @name (looked up along the search_path) is there and
 * INVALID. */
static gboolean
index_is_invalid (StrataDriver  *self,
                  const char    *name,
                  gboolean      *invalid,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(StrataResult) result = NULL;
  const char *params[] = { name };

  result = strata_driver_query_params (self,
                                       "SELECT NOT i.indisvalid FROM pg_catalog.pg_index i "
                                       "WHERE i.indexrelid = to_regclass(quote_ident($1))",
                                       1, params, cancellable, error);
  if (result == NULL)
    return FALSE;

  *invalid = strata_result_get_n_rows (result) == 1 &&
             g_strcmp0 (strata_result_get_value (result, 0, 0), "t") == 0;
  return TRUE;
}

/* Before a CREATE INDEX CONCURRENTLY of a non-transactional step: its index
 * there and INVALID was left by an interrupted run of the step; it is
 * dropped (concurrently, so that the table stays usable), so that the step
 * builds it again instead of failing on "already exists" (or skipping it,
 * with IF NOT EXISTS). */
gboolean
_strata_driver_pg_prepare_autocommit (StrataDriver  *self,
                                      const char    *sql,
                                      char         **notice,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  g_autofree char *name = concurrent_index_name (sql);
  g_autofree char *quoted = NULL;
  g_autofree char *drop = NULL;
  gboolean invalid = FALSE;

  if (name == NULL)
    return TRUE;
  if (!index_is_invalid (self, name, &invalid, cancellable, error))
    return FALSE;
  if (!invalid)
    return TRUE;

  quoted = strata_dialect_quote_identifier (STRATA_DIALECT_POSTGRESQL, name);
  drop = g_strdup_printf ("DROP INDEX CONCURRENTLY IF EXISTS %s", quoted);
  if (!strata_driver_execute (self, drop, cancellable, error))
    {
      g_prefix_error (error, _("dropping the INVALID index %s: "), name);
      return FALSE;
    }

  *notice = g_strdup_printf (_("index %s was INVALID (an earlier CREATE INDEX CONCURRENTLY was interrupted): "
                               "dropped it (%s) to build it again"), name, drop);
  return TRUE;
}

/* After @sql failed outside a transaction: when it was a CREATE INDEX
 * CONCURRENTLY that left its index INVALID, what to say about it. A
 * session the server ended is opened again to look. */
char *
_strata_driver_pg_describe_leftovers (StrataDriver *self,
                                      const char   *sql)
{
  g_autofree char *name = concurrent_index_name (sql);
  g_autoptr(GError) local_error = NULL;
  gboolean invalid = FALSE;
  gboolean looked;

  if (name == NULL)
    return NULL;

  looked = index_is_invalid (self, name, &invalid, NULL, &local_error);
  if (!looked && g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_CONNECTION))
    {
      g_clear_error (&local_error);
      looked = _strata_driver_pg_reconnect (STRATA_DRIVER_PG (self), &local_error) &&
               index_is_invalid (self, name, &invalid, NULL, &local_error);
    }

  if (!looked)
    return g_strdup_printf (_("; index %s may have been left INVALID (it could not be checked: %s): if so, "
                              "the next `strata upgrade` drops it and builds it again, "
                              "or run DROP INDEX CONCURRENTLY IF EXISTS %s"),
                            name, local_error->message, name);
  if (!invalid)
    return NULL;

  return g_strdup_printf (_("; index %s was left INVALID by the interrupted CREATE INDEX CONCURRENTLY: "
                            "the next `strata upgrade` drops it and builds it again "
                            "(or run DROP INDEX CONCURRENTLY %s)"), name, name);
}

/* }}} */
