/* strata-introspect-pg.c: a PostgreSQL database's schema as a model
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Reads the tables of current_schema() from the catalogs: pg_class,
 * pg_attribute (format_type for types, pg_get_expr for defaults),
 * pg_constraint (pg_get_constraintdef for checks) and pg_index (pg_get_expr
 * for partial index predicates); four queries for the whole schema. What
 * PostgreSQL adds when it stores an expression (casts of literals, outer
 * parentheses) is taken off again where that is safe, and the diff compares
 * expressions in normalized form (strata_sql_normalize) for the rest. */

#define G_LOG_DOMAIN "strata-introspect"

#include "config.h"

#include <string.h>

#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-loader-private.h"
#include "strata-introspect-private.h"
#include "strata-i18n-private.h"

typedef StrataResult *(*QueryFunc) (gpointer       connection,
                                    const char    *sql,
                                    GCancellable  *cancellable,
                                    GError       **error);

#define SEP "\x1f"

#define USER_TABLES \
  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " \
  "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "

static const char sql_tables[] =
  "SELECT c.oid, c.relname FROM pg_catalog.pg_class c " USER_TABLES "ORDER BY c.oid";

static const char sql_columns[] =
  "SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
  "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity "
  "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
  "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
  USER_TABLES "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum";

static const char sql_constraints[] =
  "SELECT co.conrelid, co.conname, co.contype, pg_catalog.pg_get_constraintdef(co.oid), "
  "(SELECT string_agg(a.attname, E'" SEP "' ORDER BY k.i) FROM unnest(co.conkey) WITH ORDINALITY k(n, i) "
  "  JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n), "
  "f.relname, "
  "(SELECT string_agg(a.attname, E'" SEP "' ORDER BY k.i) FROM unnest(co.confkey) WITH ORDINALITY k(n, i) "
  "  JOIN pg_catalog.pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n), "
  "co.confdeltype, co.confupdtype "
  "FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
  "LEFT JOIN pg_catalog.pg_class f ON f.oid = co.confrelid "
  USER_TABLES "AND co.contype IN ('p', 'u', 'c', 'f') ORDER BY co.conrelid, co.oid";

static const char sql_indexes[] =
  "SELECT i.indrelid, ic.relname, i.indisunique, pg_catalog.pg_get_expr(i.indpred, i.indrelid), "
  "(SELECT string_agg(COALESCE(a.attname, ''), E'" SEP "' ORDER BY k.i) "
  "  FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, i) "
  "  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n "
  "  WHERE k.i <= i.indnkeyatts), "
  "i.indexprs IS NOT NULL "
  "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
  "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
  USER_TABLES "AND NOT i.indisprimary AND i.indisvalid "
  "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid "
  "                AND co.contype IN ('p', 'u', 'x')) "
  "ORDER BY i.indrelid, ic.oid";

static const char sql_enums[] =
  "SELECT t.typname, string_agg(e.enumlabel, E'" SEP "' ORDER BY e.enumsortorder) "
  "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid "
  "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
  "WHERE n.nspname = current_schema() GROUP BY t.oid, t.typname ORDER BY t.oid";

/* Sequences of their own: not those of identity or serial columns. */
static const char sql_sequences[] =
  "SELECT c.relname, s.seqstart, s.seqincrement FROM pg_catalog.pg_class c "
  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
  "JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid "
  "WHERE c.relkind = 'S' AND n.nspname = current_schema() "
  "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass "
  "                AND d.objid = c.oid AND d.deptype IN ('a', 'i')) "
  "ORDER BY c.oid";

#define CAST_TYPES \
  "(?:numeric|integer|bigint|smallint|real|double precision|text|character varying|bpchar|character|" \
  "boolean|date|timestamp without time zone|timestamp with time zone|time without time zone)"

/* Takes off the casts PostgreSQL adds to literals and names when it stores
 * an expression: (0)::numeric → 0, 'a'::text → 'a', (status)::text →
 * status. */
static char *
uncast (const char *expression)
{
  static GRegex *regexes[3];
  static const char * const patterns[] = {
    "\\((-?[0-9][0-9.eE+-]*)\\)::" CAST_TYPES "(?:\\([0-9, ]+\\))?",
    "('(?:[^']|'')*')::(?:text|character varying|bpchar|character)(?:\\([0-9, ]+\\))?",
    "\\(([a-z_][a-z0-9_$]*|\"(?:[^\"]|\"\")*\")\\)::(?:text|character varying|bpchar)",
  };
  char *text = g_strdup (expression);

  if (g_once_init_enter (&regexes[0]))
    {
      for (guint i = G_N_ELEMENTS (patterns); i > 0; i--)
        {
          GRegex *r = g_regex_new (patterns[i - 1], G_REGEX_OPTIMIZE, 0, NULL);

          if (i > 1)
            regexes[i - 1] = r;
          else
            g_once_init_leave (&regexes[0], r);
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (regexes); i++)
    {
      char *replaced = g_regex_replace (regexes[i], text, -1, 0, "\\1", 0, NULL);

      if (replaced != NULL)
        {
          g_free (text);
          text = replaced;
        }
    }

  return text;
}

/* 'member'::character varying → 'member'; '-1'::integer → -1. */
static char *
clean_default (const char *expr)
{
  static GRegex *regex;
  g_autoptr(GMatchInfo) match = NULL;

  if (g_once_init_enter (&regex))
    {
      GRegex *r = g_regex_new ("^\\(?('(?:[^']|'')*')\\)?::([a-z ]+)(\\([0-9, ]+\\))?(\\[\\])?$",
                               G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&regex, r);
    }

  if (g_regex_match (regex, expr, 0, &match))
    {
      g_autofree char *literal = g_match_info_fetch (match, 1);
      g_autofree char *type = g_match_info_fetch (match, 2);
      static const char * const numeric[] = {
        "integer", "bigint", "smallint", "numeric", "real", "double precision", NULL
      };

      if (g_strv_contains (numeric, type))
        {
          g_autofree char *inner = g_strndup (literal + 1, strlen (literal) - 2);

          if (*inner != '\0' && strspn (inner, "+-0123456789.eE") == strlen (inner))
            return g_steal_pointer (&inner);
        }

      return g_steal_pointer (&literal);
    }

  {
    g_autofree char *stripped = _strata_introspect_strip_parens (expr);
    return uncast (stripped);
  }
}

/* "CHECK ((age >= 0))" → "age >= 0" */
static char *
check_expression (const char *definition)
{
  const char *p = definition;
  g_autofree char *text = NULL;

  if (g_str_has_prefix (p, "CHECK "))
    p += strlen ("CHECK ");

  text = g_strdup (p);
  if (g_str_has_suffix (text, " NOT VALID"))
    text[strlen (text) - strlen (" NOT VALID")] = '\0';

  {
    g_autofree char *stripped = _strata_introspect_strip_parens (text);
    g_autofree char *uncast_text = uncast (stripped);
    return _strata_introspect_strip_parens (uncast_text);
  }
}

static char **
split_names (const char *joined)
{
  if (joined == NULL)
    return g_new0 (char *, 1);

  return g_strsplit (joined, SEP, -1);
}

static StrataModel *
introspect (QueryFunc            query,
            gpointer             connection,
            const char * const  *exclude,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(StrataModel) model = strata_model_new ();
  g_autoptr(GHashTable) tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify)strata_table_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(StrataResult) rows = NULL;

  /* Tables */
  if (!(rows = query (connection, sql_tables, cancellable, error)))
    return NULL;

  for (guint row = 0; row < strata_result_get_n_rows (rows); row++)
    {
      const char *name = strata_result_get_value (rows, row, 1);
      StrataTable *table;

      if (_strata_introspect_excluded (exclude, name))
        continue;

      table = strata_table_new (name);
      g_hash_table_insert (tables, g_strdup (strata_result_get_value (rows, row, 0)), table);
      g_ptr_array_add (order, table);
    }
  g_clear_pointer (&rows, strata_result_unref);

  /* Columns */
  if (!(rows = query (connection, sql_columns, cancellable, error)))
    return NULL;

  for (guint row = 0; row < strata_result_get_n_rows (rows); row++)
    {
      StrataTable *table = g_hash_table_lookup (tables, strata_result_get_value (rows, row, 0));
      const char *default_expr = strata_result_get_value (rows, row, 4);
      const char *identity = strata_result_get_value (rows, row, 5);
      g_autoptr(StrataDataType) type = NULL;
      g_autoptr(StrataColumn) column = NULL;

      if (table == NULL)
        continue;

      /* The portable json is jsonb on PostgreSQL: a json column is that
       * type by name, as a per-dialect type would have made it. */
      if (g_strcmp0 (strata_result_get_value (rows, row, 2), "json") == 0)
        type = strata_data_type_new_per_dialect ("JSON", "json");
      else
        type = _strata_introspect_type (strata_result_get_value (rows, row, 2));
      column = strata_column_new (strata_result_get_value (rows, row, 1), type);
      strata_column_set_nullable (column, g_strcmp0 (strata_result_get_value (rows, row, 3), "t") != 0);
      if (default_expr != NULL)
        {
          g_autofree char *cleaned = clean_default (default_expr);
          strata_column_set_default (column, cleaned);
        }
      if (identity != NULL && *identity != '\0')
        strata_column_set_autoincrement (column, TRUE);
      strata_table_add_column (table, column);
    }
  g_clear_pointer (&rows, strata_result_unref);

  /* Constraints */
  if (!(rows = query (connection, sql_constraints, cancellable, error)))
    return NULL;

  for (guint row = 0; row < strata_result_get_n_rows (rows); row++)
    {
      StrataTable *table = g_hash_table_lookup (tables, strata_result_get_value (rows, row, 0));
      const char *name = strata_result_get_value (rows, row, 1);
      const char *type = strata_result_get_value (rows, row, 2);
      g_auto(GStrv) columns = split_names (strata_result_get_value (rows, row, 4));

      if (table == NULL)
        continue;

      switch (type[0])
        {
        case 'p':
          /* PostgreSQL's own name is TABLE_pkey: any other was given. */
          {
            g_autofree char *default_name = g_strdup_printf ("%s_pkey", strata_table_get_name (table));

            if (!g_str_equal (name, default_name))
              strata_table_set_primary_key_name (table, name);
          }
          for (guint i = 0; columns[i] != NULL; i++)
            {
              StrataColumn *column = strata_table_lookup_column (table, columns[i]);

              if (column != NULL)
                {
                  strata_column_set_primary_key (column, TRUE);
                  strata_column_set_nullable (column, FALSE);
                }
            }
          break;

        case 'u':
          {
            g_autoptr(StrataUnique) unique = strata_unique_new (name, (const char * const *)columns);
            strata_table_add_unique (table, unique);
          }
          break;

        case 'c':
          {
            g_autofree char *expression = check_expression (strata_result_get_value (rows, row, 3));
            g_autoptr(StrataCheck) check = strata_check_new (name, expression);
            strata_table_add_check (table, check);
          }
          break;

        case 'f':
          {
            g_auto(GStrv) ref_columns = split_names (strata_result_get_value (rows, row, 6));
            g_autoptr(StrataForeignKey) fk = NULL;

            fk = strata_foreign_key_new (name, (const char * const *)columns,
                                         strata_result_get_value (rows, row, 5),
                                         (const char * const *)ref_columns);
            /* 'a' (no action) is the default. */
            strata_foreign_key_set_on_delete (fk, _strata_introspect_action (strata_result_get_value (rows, row, 7)));
            strata_foreign_key_set_on_update (fk, _strata_introspect_action (strata_result_get_value (rows, row, 8)));
            strata_table_add_foreign_key (table, fk);
          }
          break;

        default:
          break;
        }
    }
  g_clear_pointer (&rows, strata_result_unref);

  /* Indexes that no constraint owns */
  if (!(rows = query (connection, sql_indexes, cancellable, error)))
    return NULL;

  for (guint row = 0; row < strata_result_get_n_rows (rows); row++)
    {
      StrataTable *table = g_hash_table_lookup (tables, strata_result_get_value (rows, row, 0));
      const char *name = strata_result_get_value (rows, row, 1);
      const char *predicate = strata_result_get_value (rows, row, 3);
      g_auto(GStrv) columns = split_names (strata_result_get_value (rows, row, 4));
      g_autoptr(StrataIndex) index = NULL;

      if (table == NULL)
        continue;

      if (g_strcmp0 (strata_result_get_value (rows, row, 5), "t") == 0 || columns[0] == NULL ||
          g_strv_contains ((const char * const *)columns, ""))
        {
          g_debug ("%s: index %s on an expression left out of the model", strata_table_get_name (table), name);
          continue;
        }

      index = strata_index_new (name, (const char * const *)columns,
                                g_strcmp0 (strata_result_get_value (rows, row, 2), "t") == 0);
      if (predicate != NULL)
        {
          g_autofree char *stripped = _strata_introspect_strip_parens (predicate);
          g_autofree char *uncast_text = uncast (stripped);
          g_autofree char *where = _strata_introspect_strip_parens (uncast_text);
          strata_index_set_where (index, where);
        }
      strata_table_add_index (table, index);
    }

  g_clear_pointer (&rows, strata_result_unref);

  /* Enum types, and the columns of those types */
  if (!(rows = query (connection, sql_enums, cancellable, error)))
    return NULL;
  for (guint row = 0; row < strata_result_get_n_rows (rows); row++)
    {
      g_auto(GStrv) values = split_names (strata_result_get_value (rows, row, 1));
      strata_model_set_enum (model, strata_result_get_value (rows, row, 0), (const char * const *)values);
    }
  g_clear_pointer (&rows, strata_result_unref);

  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *columns = strata_table_get_columns (g_ptr_array_index (order, i));

      for (guint j = 0; j < columns->len; j++)
        {
          StrataColumn *column = g_ptr_array_index (columns, j);
          const char *type = strata_data_type_get_portable (strata_column_get_data_type (column));
          g_autofree char *unquoted = NULL;
          const char * const *values;

          if (type == NULL)
            continue;
          /* format_type() quotes a name that needs it. */
          if (type[0] == '"' && strlen (type) > 1)
            {
              g_auto(GStrv) parts = g_strsplit (type, "\"\"", -1);
              g_autofree char *joined = g_strjoinv ("\"", parts);
              unquoted = g_strndup (joined + 1, strlen (joined) - 2);
            }
          if ((values = strata_model_lookup_enum (model, unquoted ? unquoted : type)) != NULL)
            {
              g_autoptr(StrataDataType) enum_type = strata_data_type_new_enum (unquoted ? unquoted : type, values);
              strata_column_set_data_type (column, enum_type);
            }
        }
    }

  /* Sequences */
  if (!(rows = query (connection, sql_sequences, cancellable, error)))
    return NULL;
  for (guint row = 0; row < strata_result_get_n_rows (rows); row++)
    strata_model_add_sequence (model, strata_result_get_value (rows, row, 0),
                               g_ascii_strtoll (strata_result_get_value (rows, row, 1), NULL, 10),
                               g_ascii_strtoll (strata_result_get_value (rows, row, 2), NULL, 10));

  for (guint i = 0; i < order->len; i++)
    strata_model_add_table (model, g_ptr_array_index (order, i));

  return g_steal_pointer (&model);
}

/* Through a driver */

static StrataResult *
driver_query (gpointer       connection,
              const char    *sql,
              GCancellable  *cancellable,
              GError       **error)
{
  StrataResult *result = strata_driver_query (connection, sql, cancellable, error);

  if (result == NULL)
    g_prefix_error (error, _("reading the schema: "));

  return result;
}

StrataModel *
_strata_introspect_pg (StrataDriver        *driver,
                       const char * const  *exclude,
                       GCancellable        *cancellable,
                       GError             **error)
{
  return introspect (driver_query, driver, exclude, cancellable, error);
}

/* Through libpq */

static StrataResult *
conn_query (gpointer       connection,
            const char    *sql,
            GCancellable  *cancellable,
            GError       **error)
{
  const StrataPq *pq = _strata_pq_load (NULL);
  g_autoptr(PGresult) res = pq->PQexec (connection, sql);
  StrataResult *result;
  int n_columns;

  if (pq->PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      g_autofree char *message = g_strchomp (g_strdup (pq->PQerrorMessage (connection)));

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE, _("reading the schema: %s"), message);
      return NULL;
    }

  n_columns = pq->PQnfields (res);
  result = _strata_result_new (n_columns);
  for (int i = 0; i < n_columns; i++)
    _strata_result_set_column_name (result, i, pq->PQfname (res, i));

  for (int row = 0; row < pq->PQntuples (res); row++)
    {
      g_autofree char **values = g_new0 (char *, n_columns);

      for (int i = 0; i < n_columns; i++)
        values[i] = pq->PQgetisnull (res, row, i) ? NULL : g_strdup (pq->PQgetvalue (res, row, i));
      _strata_result_add_row_take (result, values);
    }

  return result;
}

StrataModel *
_strata_introspect_pg_conn (PGconn              *conn,
                            const char * const  *exclude,
                            GError             **error)
{
  g_return_val_if_fail (conn != NULL, NULL);

  /* @conn comes from libpq, so this finds it already in the process. */
  if (!_strata_pq_load (error))
    return NULL;

  return introspect (conn_query, conn, exclude, NULL, error);
}
