/* strata-type-map.c: portable column types, mapped per dialect
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The schema layer's own knowledge of types: diff and lint compare columns
 * by the type each dialect would get; strata-dialect.c renders with it.
 */

#define G_LOG_DOMAIN "strata-dialect"

#include "config.h"

#include <string.h>

#include "strata-model.h"
#include "strata-type-map.h"

/* Types {{{ */

typedef struct
{
  const char *names;      /* portable name and aliases, '|'-separated */
  const char *sqlite;
  const char *postgresql;
  guint       min_args;
  guint       max_args;
} TypeMapping;

static const TypeMapping type_mappings[] = {
  { "integer|int|int4",                      "INTEGER",          "INTEGER",          0, 0 },
  { "bigint|int8",                           "BIGINT",           "BIGINT",           0, 0 },
  { "smallint|int2",                         "SMALLINT",         "SMALLINT",         0, 0 },
  { "boolean|bool",                          "BOOLEAN",          "BOOLEAN",          0, 0 },
  { "real|float4",                           "REAL",             "REAL",             0, 0 },
  { "double|double precision|float8",        "DOUBLE PRECISION", "DOUBLE PRECISION", 0, 0 },
  { "numeric|decimal",                       "NUMERIC",          "NUMERIC",          0, 2 },
  { "text",                                  "TEXT",             "TEXT",             0, 0 },
  { "varchar|character varying",             "VARCHAR",          "VARCHAR",          0, 1 },
  { "char|character",                        "CHAR",             "CHAR",             0, 1 },
  { "date",                                  "DATE",             "DATE",             0, 0 },
  { "time",                                  "TIME",             "TIME",             0, 0 },
  { "timestamp",                             "TIMESTAMP",        "TIMESTAMP",        0, 0 },
  { "timestamptz|timestamp with time zone",  "TIMESTAMPTZ",      "TIMESTAMPTZ",      0, 0 },
  { "uuid",                                  "UUID",             "UUID",             0, 0 },
  { "json",                                  "JSON",             "JSONB",            0, 0 },
  { "blob|bytea",                            "BLOB",             "BYTEA",            0, 0 },
};

static const TypeMapping *
lookup_type (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (type_mappings); i++)
    {
      g_auto(GStrv) names = g_strsplit (type_mappings[i].names, "|", 0);

      if (g_strv_contains ((const char * const *)names, name))
        return &type_mappings[i];
    }

  return NULL;
}

/* Splits "Numeric( 10 , 2 )" into "numeric" and {"10", "2"}; FALSE when it
 * is not of that shape. */
static gboolean
split_type (const char   *portable,
            char        **out_name,
            GPtrArray   **out_args)
{
  g_autoptr(GString) name = g_string_new (NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  const char *p = portable;

  while (g_ascii_isspace (*p))
    p++;

  /* Words separated by single spaces. */
  while (*p && *p != '(')
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (name, g_ascii_tolower (*p++));
      else if (g_ascii_isspace (*p))
        {
          while (g_ascii_isspace (*p))
            p++;
          if (*p && *p != '(' && name->len > 0)
            g_string_append_c (name, ' ');
        }
      else
        return FALSE;
    }

  if (*p == '(')
    {
      p++;
      for (;;)
        {
          const char *start;

          while (g_ascii_isspace (*p))
            p++;
          start = p;
          while (g_ascii_isdigit (*p))
            p++;
          if (p == start || p - start > 9)
            return FALSE;
          g_ptr_array_add (args, g_strndup (start, p - start));
          while (g_ascii_isspace (*p))
            p++;
          if (*p == ',')
            p++;
          else if (*p == ')')
            {
              p++;
              break;
            }
          else
            return FALSE;
        }

      while (g_ascii_isspace (*p))
        p++;
      if (*p != '\0')
        return FALSE;
    }

  if (name->len == 0)
    return FALSE;

  *out_name = g_string_free (g_steal_pointer (&name), FALSE);
  *out_args = g_steal_pointer (&args);
  return TRUE;
}

/**
 * strata_dialect_render_type:
 * @dialect: a dialect
 * @portable: a type name
 *
 * Maps the portable types (integer bigint smallint boolean real double
 * numeric(p,s) text varchar(n) char(n) date time timestamp timestamptz uuid
 * json blob, case and spacing free, a few common aliases) to @dialect's.
 * Any other name passes through verbatim.
 *
 * Returns: (transfer full): the type for @dialect
 */
char *
strata_dialect_render_type (StrataDialect  dialect,
                            const char    *portable)
{
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) args = NULL;
  const TypeMapping *mapping;
  GString *out;

  g_return_val_if_fail (portable != NULL, NULL);

  if (!split_type (portable, &name, &args) ||
      (mapping = lookup_type (name)) == NULL ||
      args->len < mapping->min_args || args->len > mapping->max_args)
    return g_strdup (portable);

  out = g_string_new (dialect == STRATA_DIALECT_SQLITE ? mapping->sqlite : mapping->postgresql);
  if (args->len > 0)
    {
      g_string_append_c (out, '(');
      for (guint i = 0; i < args->len; i++)
        {
          const char *arg = g_ptr_array_index (args, i);

          if (i > 0)
            g_string_append (out, ", ");
          /* No leading zeros: "varchar(0255)" is varchar(255). */
          while (arg[0] == '0' && arg[1] != '\0')
            arg++;
          g_string_append (out, arg);
        }
      g_string_append_c (out, ')');
    }

  return g_string_free (out, FALSE);
}

char *
strata_dialect_render_data_type (StrataDialect   dialect,
                                 StrataDataType *data_type)
{
  g_return_val_if_fail (data_type != NULL, NULL);

  /* An enum type: its name on PostgreSQL, text (with a CHECK, see
   * strata_dialect_render_column()) on SQLite. */
  if (strata_data_type_get_enum (data_type) != NULL)
    {
      g_auto(GStrv) parts = NULL;
      g_autofree char *joined = NULL;

      if (dialect == STRATA_DIALECT_SQLITE)
        return g_strdup ("TEXT");
      parts = g_strsplit (strata_data_type_get_enum (data_type), "\"", -1);
      joined = g_strjoinv ("\"\"", parts);
      return g_strdup_printf ("\"%s\"", joined);
    }

  /* Only portable names are mapped: {"postgresql": "json"} is json, not
   * the portable json's jsonb. */
  if (strata_data_type_get_portable (data_type) == NULL)
    return g_strdup (strata_data_type_get_for_dialect (data_type, dialect));

  return strata_dialect_render_type (dialect, strata_data_type_get_portable (data_type));
}

/* }}} */
