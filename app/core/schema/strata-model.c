/* strata-model.c: tables, columns, indexes and constraints
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-model"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "strata-error.h"
#include "strata-json-private.h"
#include "strata-model-private.h"
#include "strata-i18n-private.h"

struct _StrataDataType
{
  char *portable;
  char *sqlite;
  char *postgresql;
  /* {"enum": NAME, "values"?: […]}: an enum type (CREATE TYPE on
   * PostgreSQL, text with a CHECK on SQLite); the values, when known. */
  char  *enum_name;
  char **enum_values;
};

struct _StrataColumn
{
  char           *name;
  StrataDataType *data_type;
  char           *default_expr;
  /* {"sqlite": …, "postgresql": …}: each may be NULL (no default there);
   * default_expr is then NULL. */
  char           *dialect_defaults[2];
  guint           per_dialect_default : 1;
  guint           nullable : 1;
  guint           primary_key : 1;
  guint           autoincrement : 1;
};

struct _StrataIndex
{
  char      *name;
  char     **columns;
  char      *where;
  gboolean   unique;
};

struct _StrataForeignKey
{
  char                     *name;
  char                    **columns;
  char                     *references;
  char                    **ref_columns;
  StrataReferentialAction   on_delete;
  StrataReferentialAction   on_update;
};

struct _StrataUnique
{
  char  *name;
  char **columns;
};

struct _StrataCheck
{
  char *name;
  char *expression;
};

struct _StrataTable
{
  char      *name;
  GPtrArray *columns;
  GPtrArray *indexes;
  GPtrArray *foreign_keys;
  GPtrArray *uniques;
  GPtrArray *checks;
  /* "primary_key_name", or NULL for the database's own name. */
  char      *primary_key_name;
};

struct _StrataModel
{
  GPtrArray  *tables;
  /* name → position + 1, built on the first lookup and kept in step by
   * add and parse; dropped by remove and by renames (see
   * _strata_model_forget_names). Replay and diff look tables up by name
   * for every operation: without it, a 500-table model costs O(n²). */
  GHashTable *by_name;
  /* The dialect whose schema this is, or -1: operations restricted to
   * other dialects ("dialects") leave it alone. */
  int         dialect;
  /* Sequences (create_sequence), in creation order; none on SQLite. */
  GPtrArray  *sequences;
  GPtrArray  *sequence_names;  /* for strata_model_get_sequence_names() */
  /* Enum types: name → GStrv of values, in creation order. */
  GPtrArray  *enum_names;
  GHashTable *enums;
};

typedef struct
{
  char   *name;
  gint64  start;
  gint64  increment;
} Sequence;

static void
sequence_free (Sequence *sequence)
{
  g_free (sequence->name);
  g_free (sequence);
}

#define IDENTIFIER_MAX_BYTES 63

/* JSON helpers {{{ */

gboolean
strata_identifier_is_valid (const char  *name,
                            const char **reason)
{
  const char *why = NULL;

  if (name == NULL || *name == '\0')
    why = _("it is empty");
  else if (strlen (name) > IDENTIFIER_MAX_BYTES)
    why = _("it is longer than 63 bytes");
  else if (!g_utf8_validate (name, -1, NULL))
    why = _("it is not valid UTF-8");
  else
    {
      for (const char *p = name; *p; p++)
        if ((guchar)*p < 0x20 || *p == 0x7f)
          {
            why = _("it contains a control character");
            break;
          }
    }

  if (reason != NULL)
    *reason = why;

  return why == NULL;
}

static gboolean
check_identifier (const char  *key,
                  const char  *value,
                  const char  *prefix,
                  GError     **error)
{
  const char *reason = NULL;

  if (!strata_identifier_is_valid (value, &reason))
    {
      g_autofree char *shown = _strata_display (value);
      _strata_json_error (error, prefix, _("key \"%s\": invalid identifier %s: %s"), key, shown, reason);
      return FALSE;
    }

  return TRUE;
}

gboolean
_strata_json_get_identifier (JsonObject  *object,
                             const char  *key,
                             gboolean     required,
                             char       **out,
                             const char  *prefix,
                             GError     **error)
{
  g_autofree char *value = NULL;

  if (!_strata_json_get_string (object, key, required, &value, prefix, error))
    return FALSE;

  if (value == NULL)
    return TRUE;

  if (!check_identifier (key, value, prefix, error))
    return FALSE;

  g_free (*out);
  *out = g_steal_pointer (&value);
  return TRUE;
}

/* An enum's values: a non-empty array of distinct, non-empty strings. */
gboolean
_strata_enum_values_parse (JsonObject   *object,
                           const char   *key,
                           gboolean      required,
                           char       ***out,
                           const char   *prefix,
                           GError      **error)
{
  JsonNode *node = _strata_json_get_member (object, key, required, prefix, error);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (node == NULL)
    return !required;

  if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (array = json_node_get_array (node)) == 0)
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be a non-empty array of strings"), key);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value;

      if (!_strata_json_node_is_string (element) || *(value = json_node_get_string (element)) == '\0')
        {
          _strata_json_error (error, prefix, _("key \"%s\": item %u must be a non-empty string"), key, i);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer)value))
        {
          g_autofree char *shown = _strata_display (value);
          _strata_json_error (error, prefix, _("key \"%s\": the value %s is listed twice"), key, shown);
          return FALSE;
        }
      g_strv_builder_add (builder, value);
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  return TRUE;
}

gboolean
_strata_json_get_identifiers (JsonObject   *object,
                              const char   *key,
                              gboolean      required,
                              char       ***out,
                              const char   *prefix,
                              GError      **error)
{
  JsonNode *node = _strata_json_get_member (object, key, required, prefix, error);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) strv = NULL;
  JsonArray *array;
  guint n;

  if (node == NULL)
    return !required;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be an array of names, not %s"),
                          key, _strata_json_describe_node (node));
      return FALSE;
    }

  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n == 0)
    {
      _strata_json_error (error, prefix, _("key \"%s\" must not be empty"), key);
      return FALSE;
    }

  builder = g_strv_builder_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *value;

      if (!_strata_json_node_is_string (element))
        {
          _strata_json_error (error, prefix, _("key \"%s\" must be an array of names, but item %u is %s"),
                              key, i, _strata_json_describe_node (element));
          return FALSE;
        }

      value = json_node_get_string (element);
      if (!check_identifier (key, value, prefix, error))
        return FALSE;

      for (guint j = 0; j < i; j++)
        if (g_strcmp0 (json_array_get_string_element (array, j), value) == 0)
          {
            g_autofree char *shown = _strata_display (value);
            _strata_json_error (error, prefix, _("key \"%s\" lists %s twice"), key, shown);
            return FALSE;
          }

      g_strv_builder_add (builder, value);
    }

  strv = g_strv_builder_end (builder);
  g_strfreev (*out);
  *out = g_steal_pointer (&strv);
  return TRUE;
}

static void
set_strv (JsonObject         *object,
          const char         *key,
          const char * const *strv)
{
  json_object_set_member (object, key, _strata_json_new_strv (strv));
}

static gboolean
strv_equal0 (char **a,
             char **b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strv_equal ((const char * const *)a, (const char * const *)b);
}

/* The pieces of a table (columns, indexes, constraints) share one shape:
 * parsed from an object whose keys are theirs plus an operation's
 * @extra_keys, written by a fill function, refcounted and named. */
typedef gpointer    (*ParseFunc)  (JsonObject         *object,
                                   const char * const *extra_keys,
                                   const char         *prefix,
                                   GError            **error);
typedef void        (*FillFunc)   (gpointer            item,
                                   JsonObject         *object);
typedef JsonNode   *(*ToJsonFunc) (gpointer            item);
typedef gboolean    (*EqualFunc)  (gpointer            a,
                                   gpointer            b);
typedef gpointer    (*CopyFunc)   (gpointer            item);
typedef const char *(*NameFunc)   (gpointer            item);
typedef const char * const *(*ColumnsFunc) (gpointer item);

/* Checks that @object has only the keys of @own_keys and @extra_keys
 * (both NULL-terminated; @extra_keys may be NULL). */
static gboolean
check_piece_keys (JsonObject          *object,
                  const char * const  *own_keys,
                  const char * const  *extra_keys,
                  const char          *prefix,
                  GError             **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) allowed = NULL;

  g_strv_builder_addv (builder, (const char **)own_keys);
  if (extra_keys != NULL)
    g_strv_builder_addv (builder, (const char **)extra_keys);
  allowed = g_strv_builder_end (builder);

  return _strata_json_check_keys (object, (const char * const *)allowed, prefix, error);
}

static gpointer
piece_new_from_json (JsonNode   *node,
                     const char *what,
                     ParseFunc   parse,
                     GError    **error)
{
  JsonObject *object;

  if (!(object = _strata_json_require_object (node, what, NULL, error)))
    return NULL;

  return parse (object, NULL, NULL, error);
}

static JsonNode *
piece_to_json (gpointer item,
               FillFunc fill)
{
  JsonObject *object = json_object_new ();

  fill (item, object);
  return _strata_json_take_object (object);
}

/* The position of the item called @name in @items, or -1. */
static int
find_by_name (GPtrArray  *items,
              NameFunc    get_name,
              const char *name)
{
  for (guint i = 0; i < items->len; i++)
    if (g_str_equal (get_name (g_ptr_array_index (items, i)), name))
      return i;

  return -1;
}

/* }}} */

/* StrataDataType {{{ */

G_DEFINE_BOXED_TYPE (StrataDataType, strata_data_type, strata_data_type_ref, strata_data_type_unref)

static void
data_type_clear (gpointer data)
{
  StrataDataType *self = data;

  g_free (self->portable);
  g_free (self->sqlite);
  g_free (self->postgresql);
  g_free (self->enum_name);
  g_strfreev (self->enum_values);
}

StrataDataType *
strata_data_type_new_enum (const char         *name,
                           const char * const *values)
{
  StrataDataType *self;

  g_return_val_if_fail (name != NULL && *name != '\0', NULL);

  self = g_atomic_rc_box_new0 (StrataDataType);
  self->enum_name = g_strdup (name);
  self->enum_values = g_strdupv ((char **)values);
  return self;
}

const char *
strata_data_type_get_enum (StrataDataType *self)
{
  return self->enum_name;
}

const char * const *
strata_data_type_get_enum_values (StrataDataType *self)
{
  return (const char * const *)self->enum_values;
}

StrataDataType *
strata_data_type_new (const char *portable)
{
  StrataDataType *self;

  g_return_val_if_fail (portable != NULL && *portable != '\0', NULL);

  self = g_atomic_rc_box_new0 (StrataDataType);
  self->portable = g_strdup (portable);
  return self;
}

StrataDataType *
strata_data_type_new_per_dialect (const char *sqlite,
                                  const char *postgresql)
{
  StrataDataType *self;

  g_return_val_if_fail (sqlite != NULL && *sqlite != '\0', NULL);
  g_return_val_if_fail (postgresql != NULL && *postgresql != '\0', NULL);

  self = g_atomic_rc_box_new0 (StrataDataType);
  self->sqlite = g_strdup (sqlite);
  self->postgresql = g_strdup (postgresql);
  return self;
}

StrataDataType *
strata_data_type_ref (StrataDataType *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_data_type_unref (StrataDataType *self)
{
  g_atomic_rc_box_release_full (self, data_type_clear);
}

/* The grammar of a type name: what a type may be without being SQL.
 *
 *   type    := element (' ' element)* array*
 *   element := name ('.' name)* [' '? '(' param (',' param)* ')']
 *   name    := [A-Za-z_][A-Za-z0-9_$]* | '"' ([^"\x00-\x1f] | '""')+ '"'
 *   param   := ' '* ([+-]? [0-9]+ | name) ' '*
 *   array   := ' '? '[' [0-9]* ']'
 *
 * So integer, varchar(255), numeric(10, 2), double precision, character
 * varying(20)[], timestamp(3) with time zone, public.vector(3),
 * geometry(Point,4326), "My Type", int[][] pass; nothing that can end a
 * statement, open a comment or a string (';', '-', '/', '\'', …) does.
 * On failure @problem (if not NULL) says what is wrong. */
static gboolean
type_fail (char       **problem,
           const char  *text,
           const char  *at,
           const char  *what)
{
  if (problem != NULL)
    {
      if (*at == '\0')
        *problem = g_strdup_printf (_("it ends early (%s)"), what);
      else
        {
          g_autofree char *shown = g_strndup (at, g_utf8_next_char (at) - at);
          g_autofree char *display = _strata_display (shown);

          *problem = g_strdup_printf (_("%s at character %ld (%s)"), display,
                                      g_utf8_pointer_to_offset (text, at) + 1, what);
        }
    }
  return FALSE;
}

static const char *
scan_type_word (const char *p)
{
  if (*p == '"')
    {
      const char *q = p + 1;

      for (;;)
        {
          if (*q == '\0' || (guchar)*q < 0x20 || *q == 0x7f)
            return NULL;
          if (*q == '"')
            {
              if (q[1] == '"')
                {
                  q += 2;
                  continue;
                }
              return q == p + 1 ? NULL : q + 1;
            }
          q++;
        }
    }

  if (!(g_ascii_isalpha (*p) || *p == '_'))
    return NULL;
  while (g_ascii_isalnum (*p) || *p == '_' || *p == '$')
    p++;
  return p;
}

/* Words that belong to a column's definition or to a statement, not to a
 * type: "integer primary key", "text default x" are not types. */
static gboolean
is_clause_word (const char *start,
                const char *end)
{
  static const char * const words[] = {
    "as", "alter", "check", "collate", "constraint", "create", "default", "delete", "drop",
    "from", "generated", "grant", "identity", "insert", "into", "key", "not", "null", "on",
    "primary", "references", "select", "table", "unique", "update", "where", NULL,
  };
  g_autofree char *word = g_ascii_strdown (start, end - start);

  return *start != '"' && g_strv_contains (words, word);
}

gboolean
_strata_type_name_check (const char  *text,
                         char       **problem)
{
  const char *p = text;
  gboolean arrays = FALSE;

  if (!g_utf8_validate (text, -1, NULL))
    {
      if (problem != NULL)
        *problem = g_strdup (_("it is not valid UTF-8"));
      return FALSE;
    }
  if (strlen (text) > 256)
    {
      if (problem != NULL)
        *problem = g_strdup (_("it is longer than 256 characters"));
      return FALSE;
    }

  for (;;)
    {
      const char *end;

      /* element */
      if (arrays)
        return type_fail (problem, text, p, _("only [] may follow []"));
      if ((end = scan_type_word (p)) == NULL)
        return type_fail (problem, text, p, _("a name was expected"));
      if (is_clause_word (p, end))
        return type_fail (problem, text, p, _("a word of a column definition or a statement, not of a type"));
      p = end;
      while (*p == '.')
        {
          if ((end = scan_type_word (p + 1)) == NULL)
            return type_fail (problem, text, p + 1, _("a name was expected after “.”"));
          p = end;
        }

      if (*p == '(' || (p[0] == ' ' && p[1] == '('))
        {
          p += *p == ' ' ? 2 : 1;
          for (;;)
            {
              while (*p == ' ')
                p++;
              if (*p == '+' || *p == '-')
                p++;
              if (g_ascii_isdigit (*p))
                while (g_ascii_isdigit (*p))
                  p++;
              else if ((end = scan_type_word (p)) != NULL && p[-1] != '+' && p[-1] != '-')
                p = end;
              else
                return type_fail (problem, text, p, _("a number or a name was expected in the parameters"));
              while (*p == ' ')
                p++;
              if (*p == ',')
                {
                  p++;
                  continue;
                }
              if (*p == ')')
                {
                  p++;
                  break;
                }
              return type_fail (problem, text, p, _("“,” or “)” was expected"));
            }
        }

      while (*p == '[' || (p[0] == ' ' && p[1] == '['))
        {
          p += *p == ' ' ? 2 : 1;
          while (g_ascii_isdigit (*p))
            p++;
          if (*p != ']')
            return type_fail (problem, text, p, _("“]” was expected"));
          p++;
          arrays = TRUE;
        }

      if (*p == '\0')
        return TRUE;
      if (*p != ' ')
        return type_fail (problem, text, p, _("not allowed in a type name"));
      p++;
    }
}

static StrataDataType *
data_type_parse (JsonNode    *node,
                 const char  *key,
                 const char  *prefix,
                 GError     **error)
{
  g_autofree char *what = key ? g_strdup_printf ("key \"%s\"", key) : g_strdup ("a type");
  g_autofree char *problem = NULL;

  if (_strata_json_node_is_string (node))
    {
      const char *value = json_node_get_string (node);

      if (_strata_str_is_blank (value) || g_ascii_isspace (value[0]) ||
          g_ascii_isspace (value[strlen (value) - 1]))
        {
          /* An empty type, or one padded with spaces (which would not round
           * trip) is a typo. */
          g_autofree char *shown = _strata_display (value);
          _strata_json_error (error, prefix, _("%s: %s is not a type name"), what, shown);
          return NULL;
        }

      if (!_strata_type_name_check (value, &problem))
        {
          g_autofree char *shown = _strata_display (value);
          _strata_json_error (error, prefix, _("%s: %s is not a type name: %s; a type is a name with "
                                "optional parameters and [], e.g. varchar(20), numeric(10,2), "
                                "timestamp with time zone, integer[], vector(3)"), what, shown, problem);
          return NULL;
        }

      return strata_data_type_new (value);
    }

  if (JSON_NODE_HOLDS_OBJECT (node) && json_object_has_member (json_node_get_object (node), "enum"))
    {
      static const char * const keys[] = { "enum", "values", NULL };
      JsonObject *object = json_node_get_object (node);
      g_autofree char *inner_prefix = prefix && *prefix ? g_strdup_printf ("%s: %s", prefix, what) : g_strdup (what);
      g_autofree char *name = NULL;
      g_auto(GStrv) values = NULL;

      if (!_strata_json_check_keys (object, keys, inner_prefix, error) ||
          !_strata_json_get_identifier (object, "enum", TRUE, &name, inner_prefix, error) ||
          !_strata_enum_values_parse (object, "values", FALSE, &values, inner_prefix, error))
        return NULL;

      return strata_data_type_new_enum (name, (const char * const *)values);
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      static const char * const keys[] = { "sqlite", "postgresql", NULL };
      JsonObject *object = json_node_get_object (node);
      g_autofree char *inner_prefix = prefix && *prefix ? g_strdup_printf ("%s: %s", prefix, what) : g_strdup (what);
      g_autofree char *sqlite = NULL;
      g_autofree char *postgresql = NULL;

      if (!_strata_json_check_keys (object, keys, inner_prefix, error) ||
          !_strata_json_get_string (object, "sqlite", TRUE, &sqlite, inner_prefix, error) ||
          !_strata_json_get_string (object, "postgresql", TRUE, &postgresql, inner_prefix, error))
        return NULL;

      if (*sqlite == '\0' || *postgresql == '\0')
        {
          _strata_json_error (error, inner_prefix, _("a type name must not be empty"));
          return NULL;
        }
      for (guint i = 0; i < 2; i++)
        {
          const char *value = i == 0 ? sqlite : postgresql;

          if (!_strata_type_name_check (value, &problem))
            {
              g_autofree char *shown = _strata_display (value);
              _strata_json_error (error, inner_prefix, _("key \"%s\": %s is not a type name: %s"),
                                  keys[i], shown, problem);
              return NULL;
            }
        }

      return strata_data_type_new_per_dialect (sqlite, postgresql);
    }

  _strata_json_error (error, prefix, _("%s must be a type name or an object {\"sqlite\": …, \"postgresql\": …}, not %s"),
                      what, _strata_json_describe_node (node));
  return NULL;
}

StrataDataType *
strata_data_type_new_from_json (JsonNode  *node,
                                GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return data_type_parse (node, NULL, NULL, error);
}

gboolean
_strata_data_type_parse_member (JsonObject      *object,
                                const char      *key,
                                gboolean         required,
                                StrataDataType **out,
                                const char      *prefix,
                                GError         **error)
{
  JsonNode *node = _strata_json_get_member (object, key, required, prefix, error);
  StrataDataType *type;

  if (node == NULL)
    return !required;

  if ((type = data_type_parse (node, key, prefix, error)) == NULL)
    return FALSE;

  g_clear_pointer (out, strata_data_type_unref);
  *out = type;
  return TRUE;
}

JsonNode *
strata_data_type_to_json (StrataDataType *self)
{
  JsonObject *object;

  if (self->portable != NULL)
    return json_node_init_string (json_node_alloc (), self->portable);

  object = json_object_new ();
  if (self->enum_name != NULL)
    {
      json_object_set_string_member (object, "enum", self->enum_name);
      if (self->enum_values != NULL)
        {
          JsonArray *values = json_array_new ();

          for (guint i = 0; self->enum_values[i] != NULL; i++)
            json_array_add_string_element (values, self->enum_values[i]);
          json_object_set_array_member (object, "values", values);
        }
      return _strata_json_take_object (object);
    }

  json_object_set_string_member (object, "sqlite", self->sqlite);
  json_object_set_string_member (object, "postgresql", self->postgresql);
  return _strata_json_take_object (object);
}

gboolean
strata_data_type_equal (StrataDataType *a,
                        StrataDataType *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_strcmp0 (a->portable, b->portable) == 0 &&
         g_strcmp0 (a->sqlite, b->sqlite) == 0 &&
         g_strcmp0 (a->postgresql, b->postgresql) == 0 &&
         g_strcmp0 (a->enum_name, b->enum_name) == 0 &&
         (a->enum_values == NULL || b->enum_values == NULL ||
          g_strv_equal ((const char * const *)a->enum_values, (const char * const *)b->enum_values));
}

const char *
strata_data_type_get_portable (StrataDataType *self)
{
  return self->portable;
}

const char *
strata_data_type_get_for_dialect (StrataDataType *self,
                                  StrataDialect   dialect)
{
  if (self->portable != NULL)
    return self->portable;
  if (self->enum_name != NULL)
    return dialect == STRATA_DIALECT_SQLITE ? "TEXT" : self->enum_name;

  return dialect == STRATA_DIALECT_SQLITE ? self->sqlite : self->postgresql;
}

char *
strata_data_type_to_string (StrataDataType *self)
{
  if (self->portable != NULL)
    return g_strdup (self->portable);
  if (self->enum_name != NULL)
    return g_strdup_printf ("enum %s", self->enum_name);

  return g_strdup_printf ("sqlite: %s / postgresql: %s", self->sqlite, self->postgresql);
}

gboolean
_strata_data_type_is_integer (StrataDataType *self)
{
  static const char * const integers[] = {
    "integer", "int", "bigint", "smallint", "int2", "int4", "int8", NULL
  };
  g_autofree char *lower = NULL;

  if (self->portable == NULL)
    return TRUE; /* the author chose per dialect: trust them */

  lower = g_ascii_strdown (self->portable, -1);
  return g_strv_contains (integers, lower);
}

/* }}} */

/* StrataColumn {{{ */

G_DEFINE_BOXED_TYPE (StrataColumn, strata_column, strata_column_ref, strata_column_unref)

static void
column_clear (gpointer data)
{
  StrataColumn *self = data;

  g_free (self->name);
  g_clear_pointer (&self->data_type, strata_data_type_unref);
  g_free (self->default_expr);
  g_free (self->dialect_defaults[0]);
  g_free (self->dialect_defaults[1]);
}

StrataColumn *
strata_column_new (const char     *name,
                   StrataDataType *data_type)
{
  StrataColumn *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data_type != NULL, NULL);

  self = g_atomic_rc_box_new0 (StrataColumn);
  self->name = g_strdup (name);
  self->data_type = strata_data_type_ref (data_type);
  self->nullable = TRUE;
  return self;
}

StrataColumn *
strata_column_ref (StrataColumn *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_column_unref (StrataColumn *self)
{
  g_atomic_rc_box_release_full (self, column_clear);
}

StrataColumn *
strata_column_copy (StrataColumn *self)
{
  StrataColumn *copy = strata_column_new (self->name, self->data_type);

  copy->default_expr = g_strdup (self->default_expr);
  copy->dialect_defaults[0] = g_strdup (self->dialect_defaults[0]);
  copy->dialect_defaults[1] = g_strdup (self->dialect_defaults[1]);
  copy->per_dialect_default = self->per_dialect_default;
  copy->nullable = self->nullable;
  copy->primary_key = self->primary_key;
  copy->autoincrement = self->autoincrement;
  return copy;
}

StrataColumn *
_strata_column_parse (JsonNode    *node,
                      const char  *prefix,
                      GError     **error)
{
  static const char * const keys[] = {
    "name", "type", "nullable", "default", "primary_key", "autoincrement", NULL
  };
  g_autoptr(StrataDataType) type = NULL;
  g_autofree char *name = NULL;
  g_autofree char *default_expr = NULL;
  g_autofree char *sqlite_default = NULL;
  g_autofree char *postgresql_default = NULL;
  char **dialect_defaults[2] = { &sqlite_default, &postgresql_default };
  gboolean per_dialect_default = FALSE;
  gboolean nullable = TRUE;
  gboolean primary_key = FALSE;
  gboolean autoincrement = FALSE;
  JsonNode *default_node;
  g_autofree char *column_prefix = NULL;
  JsonObject *object;
  StrataColumn *self;

  if (!(object = _strata_json_require_object (node, "a column", prefix, error)) ||
      !_strata_json_check_keys (object, keys, prefix, error) ||
      !_strata_json_get_identifier (object, "name", TRUE, &name, prefix, error))
    return NULL;

  column_prefix = g_strdup_printf ("%s (column \"%s\")", prefix != NULL ? prefix : "", name);
  if (!_strata_data_type_parse_member (object, "type", TRUE, &type, column_prefix, error) ||
      !_strata_json_get_boolean (object, "nullable", &nullable, prefix, error) ||
      !_strata_json_get_boolean (object, "primary_key", &primary_key, prefix, error) ||
      !_strata_json_get_boolean (object, "autoincrement", &autoincrement, prefix, error))
    return NULL;

  /* "default": an SQL expression, or one per dialect (null: none there). */
  default_node = json_object_get_member (object, "default");
  if (default_node != NULL && JSON_NODE_HOLDS_OBJECT (default_node) &&
      _strata_json_get_number_text (default_node) == NULL)
    {
      static const char * const dialect_keys[] = { "sqlite", "postgresql", NULL };
      g_autofree char *default_prefix = g_strdup_printf ("%s%skey \"default\"", prefix ? prefix : "",
                                                         prefix && *prefix ? ": " : "");
      JsonObject *per_dialect = json_node_get_object (default_node);

      if (!_strata_json_check_keys (per_dialect, dialect_keys, default_prefix, error) ||
          !_strata_json_get_string (per_dialect, "sqlite", FALSE, dialect_defaults[0], default_prefix, error) ||
          !_strata_json_get_string (per_dialect, "postgresql", FALSE, dialect_defaults[1], default_prefix, error))
        return NULL;
      if (!json_object_has_member (per_dialect, "sqlite") || !json_object_has_member (per_dialect, "postgresql"))
        {
          _strata_json_error (error, default_prefix, _("give both \"sqlite\" and \"postgresql\" "
                                                       "(null for no default on one)"));
          return NULL;
        }
      per_dialect_default = TRUE;
    }
  else if (!_strata_json_get_string (object, "default", FALSE, &default_expr, prefix, error))
    return NULL;

  for (guint i = 0; i < 3; i++)
    {
      const char *value = i < 2 ? *dialect_defaults[i] : default_expr;

      if (value != NULL && _strata_str_is_blank (value))
        {
          _strata_json_error (error, prefix, _("key \"default\" must be an SQL expression, not an empty string "
                                               "(write \"''\" for an empty text)"));
          return NULL;
        }
    }

  if (primary_key && nullable && json_object_has_member (object, "nullable"))
    {
      _strata_json_error (error, prefix, _("a primary key column cannot be nullable"));
      return NULL;
    }

  if (autoincrement)
    {
      g_autofree char *type_name = strata_data_type_to_string (type);

      if (!primary_key)
        {
          _strata_json_error (error, prefix, _("\"autoincrement\" needs \"primary_key\": true"));
          return NULL;
        }
      if (!_strata_data_type_is_integer (type))
        {
          _strata_json_error (error, prefix, _("an autoincrement column must have an integer type, not \"%s\""), type_name);
          return NULL;
        }
      if (default_expr != NULL || per_dialect_default)
        {
          _strata_json_error (error, prefix, _("an autoincrement column cannot have a default"));
          return NULL;
        }
    }

  self = strata_column_new (name, type);
  self->nullable = nullable && !primary_key;
  self->primary_key = primary_key;
  self->autoincrement = autoincrement;
  self->default_expr = g_steal_pointer (&default_expr);
  self->dialect_defaults[0] = g_steal_pointer (&sqlite_default);
  self->dialect_defaults[1] = g_steal_pointer (&postgresql_default);
  self->per_dialect_default = per_dialect_default;
  return self;
}

StrataColumn *
strata_column_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return _strata_column_parse (node, NULL, error);
}

JsonNode *
strata_column_to_json (StrataColumn *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "name", self->name);
  json_object_set_member (object, "type", strata_data_type_to_json (self->data_type));
  if (!self->primary_key && !self->nullable)
    json_object_set_boolean_member (object, "nullable", FALSE);
  if (self->default_expr != NULL)
    json_object_set_string_member (object, "default", self->default_expr);
  else if (self->per_dialect_default)
    {
      JsonObject *per_dialect = json_object_new ();

      for (int d = STRATA_DIALECT_SQLITE; d <= STRATA_DIALECT_POSTGRESQL; d++)
        {
          const char *key = d == STRATA_DIALECT_SQLITE ? "sqlite" : "postgresql";

          if (self->dialect_defaults[d] != NULL)
            json_object_set_string_member (per_dialect, key, self->dialect_defaults[d]);
          else
            json_object_set_null_member (per_dialect, key);
        }
      json_object_set_object_member (object, "default", per_dialect);
    }
  if (self->primary_key)
    json_object_set_boolean_member (object, "primary_key", TRUE);
  if (self->autoincrement)
    json_object_set_boolean_member (object, "autoincrement", TRUE);

  return _strata_json_take_object (object);
}

gboolean
strata_column_equal (StrataColumn *a,
                     StrataColumn *b)
{
  return g_strcmp0 (a->name, b->name) == 0 &&
         strata_data_type_equal (a->data_type, b->data_type) &&
         g_strcmp0 (a->default_expr, b->default_expr) == 0 &&
         a->per_dialect_default == b->per_dialect_default &&
         g_strcmp0 (a->dialect_defaults[0], b->dialect_defaults[0]) == 0 &&
         g_strcmp0 (a->dialect_defaults[1], b->dialect_defaults[1]) == 0 &&
         strata_column_get_nullable (a) == strata_column_get_nullable (b) &&
         a->primary_key == b->primary_key &&
         a->autoincrement == b->autoincrement;
}

const char *
strata_column_get_name (StrataColumn *self)
{
  return self->name;
}

void
strata_column_set_name (StrataColumn *self,
                        const char   *name)
{
  g_return_if_fail (name != NULL);
  g_free (self->name);
  self->name = g_strdup (name);
}

StrataDataType *
strata_column_get_data_type (StrataColumn *self)
{
  return self->data_type;
}

void
strata_column_set_data_type (StrataColumn   *self,
                             StrataDataType *data_type)
{
  g_return_if_fail (data_type != NULL);
  strata_data_type_ref (data_type);
  g_clear_pointer (&self->data_type, strata_data_type_unref);
  self->data_type = data_type;
}

gboolean
strata_column_get_nullable (StrataColumn *self)
{
  return self->nullable && !self->primary_key;
}

void
strata_column_set_nullable (StrataColumn *self,
                            gboolean      nullable)
{
  self->nullable = !!nullable;
}

const char *
strata_column_get_default (StrataColumn *self)
{
  return self->default_expr;
}

const char *
strata_column_get_default_for_dialect (StrataColumn  *self,
                                       StrataDialect  dialect)
{
  if (self->per_dialect_default)
    return self->dialect_defaults[dialect];
  return self->default_expr;
}

gboolean
strata_column_has_default (StrataColumn *self)
{
  return self->default_expr != NULL || self->dialect_defaults[0] != NULL || self->dialect_defaults[1] != NULL;
}

void
strata_column_set_default_per_dialect (StrataColumn *self,
                                       const char   *sqlite,
                                       const char   *postgresql)
{
  g_clear_pointer (&self->default_expr, g_free);
  g_free (self->dialect_defaults[0]);
  g_free (self->dialect_defaults[1]);
  self->dialect_defaults[0] = g_strdup (sqlite);
  self->dialect_defaults[1] = g_strdup (postgresql);
  self->per_dialect_default = TRUE;
}

void
strata_column_set_default (StrataColumn *self,
                           const char   *default_expr)
{
  g_clear_pointer (&self->dialect_defaults[0], g_free);
  g_clear_pointer (&self->dialect_defaults[1], g_free);
  self->per_dialect_default = FALSE;
  g_free (self->default_expr);
  self->default_expr = g_strdup (default_expr);
}

gboolean
strata_column_get_primary_key (StrataColumn *self)
{
  return self->primary_key;
}

void
strata_column_set_primary_key (StrataColumn *self,
                               gboolean      primary_key)
{
  self->primary_key = !!primary_key;
}

gboolean
strata_column_get_autoincrement (StrataColumn *self)
{
  return self->autoincrement;
}

void
strata_column_set_autoincrement (StrataColumn *self,
                                 gboolean      autoincrement)
{
  self->autoincrement = !!autoincrement;
}

/* }}} */

/* StrataIndex {{{ */

G_DEFINE_BOXED_TYPE (StrataIndex, strata_index, strata_index_ref, strata_index_unref)

static void
index_clear (gpointer data)
{
  StrataIndex *self = data;

  g_free (self->name);
  g_strfreev (self->columns);
  g_free (self->where);
}

StrataIndex *
strata_index_new (const char         *name,
                  const char * const *columns,
                  gboolean            unique)
{
  StrataIndex *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (columns != NULL && columns[0] != NULL, NULL);

  self = g_atomic_rc_box_new0 (StrataIndex);
  self->name = g_strdup (name);
  self->columns = g_strdupv ((char **)columns);
  self->unique = !!unique;
  return self;
}

StrataIndex *
strata_index_ref (StrataIndex *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_index_unref (StrataIndex *self)
{
  g_atomic_rc_box_release_full (self, index_clear);
}

static gboolean
get_expression (JsonObject  *object,
                const char  *key,
                gboolean     required,
                char       **out,
                const char  *prefix,
                GError     **error)
{
  g_autofree char *value = NULL;

  if (!_strata_json_get_string (object, key, required, &value, prefix, error))
    return FALSE;

  if (value == NULL)
    return TRUE;

  if (_strata_str_is_blank (value))
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be an SQL expression, not an empty string"), key);
      return FALSE;
    }

  g_free (*out);
  *out = g_steal_pointer (&value);
  return TRUE;
}

/* Parses the index keys of @object; @extra_keys are allowed too. */
StrataIndex *
_strata_index_parse_object (JsonObject         *object,
                            const char * const *extra_keys,
                            const char         *prefix,
                            GError            **error)
{
  static const char * const index_keys[] = { "name", "columns", "unique", "where", NULL };
  g_autofree char *name = NULL;
  g_auto(GStrv) columns = NULL;
  g_autofree char *where = NULL;
  gboolean unique = FALSE;
  StrataIndex *self;

  if (!check_piece_keys (object, index_keys, extra_keys, prefix, error) ||
      !_strata_json_get_identifier (object, "name", TRUE, &name, prefix, error) ||
      !_strata_json_get_identifiers (object, "columns", TRUE, &columns, prefix, error) ||
      !_strata_json_get_boolean (object, "unique", &unique, prefix, error) ||
      !get_expression (object, "where", FALSE, &where, prefix, error))
    return NULL;

  self = strata_index_new (name, (const char * const *)columns, unique);
  self->where = g_steal_pointer (&where);
  return self;
}

StrataIndex *
strata_index_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return piece_new_from_json (node, _("an index"), (ParseFunc)_strata_index_parse_object, error);
}

void
_strata_index_fill_json (StrataIndex *self,
                         JsonObject  *object)
{
  json_object_set_string_member (object, "name", self->name);
  set_strv (object, "columns", (const char * const *)self->columns);
  if (self->unique)
    json_object_set_boolean_member (object, "unique", TRUE);
  if (self->where != NULL)
    json_object_set_string_member (object, "where", self->where);
}

JsonNode *
strata_index_to_json (StrataIndex *self)
{
  return piece_to_json (self, (FillFunc)_strata_index_fill_json);
}

gboolean
strata_index_equal (StrataIndex *a,
                    StrataIndex *b)
{
  return g_strcmp0 (a->name, b->name) == 0 &&
         strv_equal0 (a->columns, b->columns) &&
         a->unique == b->unique &&
         g_strcmp0 (a->where, b->where) == 0;
}

const char *
strata_index_get_name (StrataIndex *self)
{
  return self->name;
}

const char * const *
strata_index_get_columns (StrataIndex *self)
{
  return (const char * const *)self->columns;
}

gboolean
strata_index_get_unique (StrataIndex *self)
{
  return self->unique;
}

const char *
strata_index_get_where (StrataIndex *self)
{
  return self->where;
}

void
strata_index_set_where (StrataIndex *self,
                        const char  *where)
{
  g_free (self->where);
  self->where = g_strdup (where);
}

/* }}} */

/* StrataForeignKey {{{ */

G_DEFINE_BOXED_TYPE (StrataForeignKey, strata_foreign_key, strata_foreign_key_ref, strata_foreign_key_unref)

static const char * const referential_actions[] = {
  [STRATA_REFERENTIAL_ACTION_NONE] = NULL,
  [STRATA_REFERENTIAL_ACTION_NO_ACTION] = "no action",
  [STRATA_REFERENTIAL_ACTION_RESTRICT] = "restrict",
  [STRATA_REFERENTIAL_ACTION_CASCADE] = "cascade",
  [STRATA_REFERENTIAL_ACTION_SET_NULL] = "set null",
  [STRATA_REFERENTIAL_ACTION_SET_DEFAULT] = "set default",
};

const char *
strata_referential_action_to_string (StrataReferentialAction action)
{
  g_return_val_if_fail (action <= STRATA_REFERENTIAL_ACTION_SET_DEFAULT, NULL);
  return referential_actions[action];
}

StrataReferentialAction
_strata_referential_action_parse (const char *value)
{
  g_autofree char *lower = g_ascii_strdown (value, -1);

  g_strdelimit (lower, "_", ' ');
  for (guint i = STRATA_REFERENTIAL_ACTION_NO_ACTION; i < G_N_ELEMENTS (referential_actions); i++)
    if (g_str_equal (lower, referential_actions[i]))
      return i;

  return STRATA_REFERENTIAL_ACTION_NONE;
}

static void
foreign_key_clear (gpointer data)
{
  StrataForeignKey *self = data;

  g_free (self->name);
  g_strfreev (self->columns);
  g_free (self->references);
  g_strfreev (self->ref_columns);
}

StrataForeignKey *
strata_foreign_key_new (const char         *name,
                        const char * const *columns,
                        const char         *references,
                        const char * const *ref_columns)
{
  StrataForeignKey *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (columns != NULL && columns[0] != NULL, NULL);
  g_return_val_if_fail (references != NULL, NULL);
  g_return_val_if_fail (ref_columns != NULL && ref_columns[0] != NULL, NULL);

  self = g_atomic_rc_box_new0 (StrataForeignKey);
  self->name = g_strdup (name);
  self->columns = g_strdupv ((char **)columns);
  self->references = g_strdup (references);
  self->ref_columns = g_strdupv ((char **)ref_columns);
  return self;
}

StrataForeignKey *
strata_foreign_key_ref (StrataForeignKey *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_foreign_key_unref (StrataForeignKey *self)
{
  g_atomic_rc_box_release_full (self, foreign_key_clear);
}

static gboolean
get_action (JsonObject               *object,
            const char               *key,
            StrataReferentialAction  *out,
            const char               *prefix,
            GError                  **error)
{
  g_autofree char *value = NULL;

  if (!_strata_json_get_string (object, key, FALSE, &value, prefix, error))
    return FALSE;

  if (value == NULL)
    return TRUE;

  *out = _strata_referential_action_parse (value);
  if (*out == STRATA_REFERENTIAL_ACTION_NONE)
    {
      g_autofree char *shown = _strata_display (value);
      _strata_json_error (error, prefix,
                          _("key \"%s\": %s is not one of \"cascade\", \"restrict\", \"set null\", "
                            "\"set default\", \"no action\""), key, shown);
      return FALSE;
    }

  return TRUE;
}

StrataForeignKey *
_strata_foreign_key_parse_object (JsonObject         *object,
                                  const char * const *extra_keys,
                                  const char         *prefix,
                                  GError            **error)
{
  static const char * const fk_keys[] = {
    "name", "columns", "references", "ref_columns", "on_delete", "on_update", NULL
  };
  g_autofree char *name = NULL;
  g_auto(GStrv) columns = NULL;
  g_autofree char *references = NULL;
  g_auto(GStrv) ref_columns = NULL;
  StrataReferentialAction on_delete = STRATA_REFERENTIAL_ACTION_NONE;
  StrataReferentialAction on_update = STRATA_REFERENTIAL_ACTION_NONE;
  StrataForeignKey *self;

  if (!check_piece_keys (object, fk_keys, extra_keys, prefix, error) ||
      !_strata_json_get_identifier (object, "name", TRUE, &name, prefix, error) ||
      !_strata_json_get_identifiers (object, "columns", TRUE, &columns, prefix, error) ||
      !_strata_json_get_identifier (object, "references", TRUE, &references, prefix, error) ||
      !_strata_json_get_identifiers (object, "ref_columns", TRUE, &ref_columns, prefix, error) ||
      !get_action (object, "on_delete", &on_delete, prefix, error) ||
      !get_action (object, "on_update", &on_update, prefix, error))
    return NULL;

  if (g_strv_length (columns) != g_strv_length (ref_columns))
    {
      _strata_json_error (error, prefix, _("\"columns\" has %u names but \"ref_columns\" has %u"),
                          g_strv_length (columns), g_strv_length (ref_columns));
      return NULL;
    }

  self = strata_foreign_key_new (name, (const char * const *)columns, references,
                                 (const char * const *)ref_columns);
  self->on_delete = on_delete;
  self->on_update = on_update;
  return self;
}

StrataForeignKey *
strata_foreign_key_new_from_json (JsonNode  *node,
                                  GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return piece_new_from_json (node, _("a foreign key"), (ParseFunc)_strata_foreign_key_parse_object, error);
}

void
_strata_foreign_key_fill_json (StrataForeignKey *self,
                               JsonObject       *object)
{
  json_object_set_string_member (object, "name", self->name);
  set_strv (object, "columns", (const char * const *)self->columns);
  json_object_set_string_member (object, "references", self->references);
  set_strv (object, "ref_columns", (const char * const *)self->ref_columns);
  if (self->on_delete != STRATA_REFERENTIAL_ACTION_NONE)
    json_object_set_string_member (object, "on_delete", referential_actions[self->on_delete]);
  if (self->on_update != STRATA_REFERENTIAL_ACTION_NONE)
    json_object_set_string_member (object, "on_update", referential_actions[self->on_update]);
}

JsonNode *
strata_foreign_key_to_json (StrataForeignKey *self)
{
  return piece_to_json (self, (FillFunc)_strata_foreign_key_fill_json);
}

gboolean
strata_foreign_key_equal (StrataForeignKey *a,
                          StrataForeignKey *b)
{
  return g_strcmp0 (a->name, b->name) == 0 &&
         strv_equal0 (a->columns, b->columns) &&
         g_strcmp0 (a->references, b->references) == 0 &&
         strv_equal0 (a->ref_columns, b->ref_columns) &&
         a->on_delete == b->on_delete &&
         a->on_update == b->on_update;
}

const char *
strata_foreign_key_get_name (StrataForeignKey *self)
{
  return self->name;
}

const char * const *
strata_foreign_key_get_columns (StrataForeignKey *self)
{
  return (const char * const *)self->columns;
}

const char *
strata_foreign_key_get_references (StrataForeignKey *self)
{
  return self->references;
}

const char * const *
strata_foreign_key_get_ref_columns (StrataForeignKey *self)
{
  return (const char * const *)self->ref_columns;
}

StrataReferentialAction
strata_foreign_key_get_on_delete (StrataForeignKey *self)
{
  return self->on_delete;
}

void
strata_foreign_key_set_on_delete (StrataForeignKey        *self,
                                  StrataReferentialAction  action)
{
  self->on_delete = action;
}

StrataReferentialAction
strata_foreign_key_get_on_update (StrataForeignKey *self)
{
  return self->on_update;
}

void
strata_foreign_key_set_on_update (StrataForeignKey        *self,
                                  StrataReferentialAction  action)
{
  self->on_update = action;
}

/* }}} */

/* StrataUnique {{{ */

G_DEFINE_BOXED_TYPE (StrataUnique, strata_unique, strata_unique_ref, strata_unique_unref)

static void
unique_clear (gpointer data)
{
  StrataUnique *self = data;

  g_free (self->name);
  g_strfreev (self->columns);
}

StrataUnique *
strata_unique_new (const char         *name,
                   const char * const *columns)
{
  StrataUnique *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (columns != NULL && columns[0] != NULL, NULL);

  self = g_atomic_rc_box_new0 (StrataUnique);
  self->name = g_strdup (name);
  self->columns = g_strdupv ((char **)columns);
  return self;
}

StrataUnique *
strata_unique_ref (StrataUnique *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_unique_unref (StrataUnique *self)
{
  g_atomic_rc_box_release_full (self, unique_clear);
}

StrataUnique *
_strata_unique_parse_object (JsonObject         *object,
                             const char * const *extra_keys,
                             const char         *prefix,
                             GError            **error)
{
  static const char * const unique_keys[] = { "name", "columns", NULL };
  g_autofree char *name = NULL;
  g_auto(GStrv) columns = NULL;

  if (!check_piece_keys (object, unique_keys, extra_keys, prefix, error) ||
      !_strata_json_get_identifier (object, "name", TRUE, &name, prefix, error) ||
      !_strata_json_get_identifiers (object, "columns", TRUE, &columns, prefix, error))
    return NULL;

  return strata_unique_new (name, (const char * const *)columns);
}

StrataUnique *
strata_unique_new_from_json (JsonNode  *node,
                             GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return piece_new_from_json (node, _("a unique constraint"), (ParseFunc)_strata_unique_parse_object, error);
}

void
_strata_unique_fill_json (StrataUnique *self,
                          JsonObject   *object)
{
  json_object_set_string_member (object, "name", self->name);
  set_strv (object, "columns", (const char * const *)self->columns);
}

JsonNode *
strata_unique_to_json (StrataUnique *self)
{
  return piece_to_json (self, (FillFunc)_strata_unique_fill_json);
}

gboolean
strata_unique_equal (StrataUnique *a,
                     StrataUnique *b)
{
  return g_strcmp0 (a->name, b->name) == 0 && strv_equal0 (a->columns, b->columns);
}

const char *
strata_unique_get_name (StrataUnique *self)
{
  return self->name;
}

const char * const *
strata_unique_get_columns (StrataUnique *self)
{
  return (const char * const *)self->columns;
}

/* }}} */

/* StrataCheck {{{ */

G_DEFINE_BOXED_TYPE (StrataCheck, strata_check, strata_check_ref, strata_check_unref)

static void
check_clear (gpointer data)
{
  StrataCheck *self = data;

  g_free (self->name);
  g_free (self->expression);
}

StrataCheck *
strata_check_new (const char *name,
                  const char *expression)
{
  StrataCheck *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (expression != NULL, NULL);

  self = g_atomic_rc_box_new0 (StrataCheck);
  self->name = g_strdup (name);
  self->expression = g_strdup (expression);
  return self;
}

StrataCheck *
strata_check_ref (StrataCheck *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_check_unref (StrataCheck *self)
{
  g_atomic_rc_box_release_full (self, check_clear);
}

StrataCheck *
_strata_check_parse_object (JsonObject         *object,
                            const char * const *extra_keys,
                            const char         *prefix,
                            GError            **error)
{
  static const char * const check_keys[] = { "name", "expression", NULL };
  g_autofree char *name = NULL;
  g_autofree char *expression = NULL;

  if (!check_piece_keys (object, check_keys, extra_keys, prefix, error) ||
      !_strata_json_get_identifier (object, "name", TRUE, &name, prefix, error) ||
      !get_expression (object, "expression", TRUE, &expression, prefix, error))
    return NULL;

  return strata_check_new (name, expression);
}

StrataCheck *
strata_check_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return piece_new_from_json (node, _("a check constraint"), (ParseFunc)_strata_check_parse_object, error);
}

void
_strata_check_fill_json (StrataCheck *self,
                         JsonObject  *object)
{
  json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "expression", self->expression);
}

JsonNode *
strata_check_to_json (StrataCheck *self)
{
  return piece_to_json (self, (FillFunc)_strata_check_fill_json);
}

gboolean
strata_check_equal (StrataCheck *a,
                    StrataCheck *b)
{
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->expression, b->expression) == 0;
}

const char *
strata_check_get_name (StrataCheck *self)
{
  return self->name;
}

const char *
strata_check_get_expression (StrataCheck *self)
{
  return self->expression;
}

/* }}} */

/* StrataTable {{{ */

G_DEFINE_BOXED_TYPE (StrataTable, strata_table, strata_table_ref, strata_table_unref)

static gpointer
column_parse_object (JsonObject         *object,
                     const char * const *extra_keys,
                     const char         *prefix,
                     GError            **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return _strata_column_parse (node, prefix, error);
}

/* The lists of a table, in the order they are read, written and compared. */
typedef struct
{
  const char     *key;    /* in JSON and in messages */
  const char     *what;
  gsize           offset; /* of the GPtrArray in StrataTable */
  ParseFunc       parse;
  ToJsonFunc      to_json;
  EqualFunc       equal;
  CopyFunc        copy;
  GDestroyNotify  free;
  NameFunc        get_name;
  ColumnsFunc     get_columns; /* of indexes and constraints that name columns */
} TableList;

enum {
  LIST_COLUMNS,
  LIST_INDEXES,
  LIST_FOREIGN_KEYS,
  LIST_UNIQUES,
  LIST_CHECKS,
  N_LISTS
};

/* Everything but columns is immutable once in a table: a copy shares it. */
static const TableList table_lists[N_LISTS] = {
  [LIST_COLUMNS] = {
    "columns", N_("a column"), G_STRUCT_OFFSET (StrataTable, columns),
    column_parse_object, (ToJsonFunc)strata_column_to_json, (EqualFunc)strata_column_equal,
    (CopyFunc)strata_column_copy, (GDestroyNotify)strata_column_unref, (NameFunc)strata_column_get_name,
  },
  [LIST_INDEXES] = {
    "indexes", N_("an index"), G_STRUCT_OFFSET (StrataTable, indexes),
    (ParseFunc)_strata_index_parse_object, (ToJsonFunc)strata_index_to_json, (EqualFunc)strata_index_equal,
    (CopyFunc)strata_index_ref, (GDestroyNotify)strata_index_unref, (NameFunc)strata_index_get_name,
    (ColumnsFunc)strata_index_get_columns,
  },
  [LIST_FOREIGN_KEYS] = {
    "foreign_keys", N_("a foreign key"), G_STRUCT_OFFSET (StrataTable, foreign_keys),
    (ParseFunc)_strata_foreign_key_parse_object, (ToJsonFunc)strata_foreign_key_to_json,
    (EqualFunc)strata_foreign_key_equal, (CopyFunc)strata_foreign_key_ref,
    (GDestroyNotify)strata_foreign_key_unref, (NameFunc)strata_foreign_key_get_name,
    (ColumnsFunc)strata_foreign_key_get_columns,
  },
  [LIST_UNIQUES] = {
    "unique", N_("a unique constraint"), G_STRUCT_OFFSET (StrataTable, uniques),
    (ParseFunc)_strata_unique_parse_object, (ToJsonFunc)strata_unique_to_json, (EqualFunc)strata_unique_equal,
    (CopyFunc)strata_unique_ref, (GDestroyNotify)strata_unique_unref, (NameFunc)strata_unique_get_name,
    (ColumnsFunc)strata_unique_get_columns,
  },
  [LIST_CHECKS] = {
    "checks", N_("a check constraint"), G_STRUCT_OFFSET (StrataTable, checks),
    (ParseFunc)_strata_check_parse_object, (ToJsonFunc)strata_check_to_json, (EqualFunc)strata_check_equal,
    (CopyFunc)strata_check_ref, (GDestroyNotify)strata_check_unref, (NameFunc)strata_check_get_name,
  },
};

#define TABLE_LIST(table, l) G_STRUCT_MEMBER (GPtrArray *, (table), table_lists[(l)].offset)

static void
table_clear (gpointer data)
{
  StrataTable *self = data;

  g_free (self->name);
  g_free (self->primary_key_name);
  for (guint l = 0; l < N_LISTS; l++)
    g_ptr_array_unref (TABLE_LIST (self, l));
}

StrataTable *
strata_table_new (const char *name)
{
  StrataTable *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_atomic_rc_box_new0 (StrataTable);
  self->name = g_strdup (name);
  for (guint l = 0; l < N_LISTS; l++)
    TABLE_LIST (self, l) = g_ptr_array_new_with_free_func (table_lists[l].free);
  return self;
}

StrataTable *
strata_table_ref (StrataTable *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_table_unref (StrataTable *self)
{
  g_atomic_rc_box_release_full (self, table_clear);
}

StrataTable *
strata_table_copy (StrataTable *self)
{
  StrataTable *copy = strata_table_new (self->name);

  copy->primary_key_name = g_strdup (self->primary_key_name);
  for (guint l = 0; l < N_LISTS; l++)
    {
      GPtrArray *items = TABLE_LIST (self, l);

      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (TABLE_LIST (copy, l), table_lists[l].copy (g_ptr_array_index (items, i)));
    }

  return copy;
}

static gboolean
parse_list (JsonObject       *object,
            const TableList  *list,
            GPtrArray        *into,
            const char       *prefix,
            GError          **error)
{
  const char *key = list->key;
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be an array, not %s"),
                          key, _strata_json_describe_node (node));
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_prefix = NULL;
      JsonObject *item;
      gpointer parsed;

      if (prefix != NULL && *prefix != '\0')
        item_prefix = g_strdup_printf ("%s: %s[%u]", prefix, key, i);
      else
        item_prefix = g_strdup_printf ("%s[%u]", key, i);

      if (!(item = _strata_json_require_object (json_array_get_element (array, i), _(list->what),
                                                item_prefix, error)) ||
          !(parsed = list->parse (item, NULL, item_prefix, error)))
        return FALSE;

      g_ptr_array_add (into, parsed);
    }

  return TRUE;
}

StrataTable *
_strata_table_parse_object (JsonObject         *object,
                            const char * const *extra_keys,
                            const char         *prefix,
                            GError            **error)
{
  static const char * const table_keys[] = {
    "table", "columns", "indexes", "foreign_keys", "unique", "checks", "primary_key_name", NULL
  };
  g_autofree char *name = NULL;
  g_autofree char *primary_key_name = NULL;
  g_autoptr(StrataTable) self = NULL;
  JsonNode *columns;

  if (!check_piece_keys (object, table_keys, extra_keys, prefix, error) ||
      !_strata_json_get_identifier (object, "table", TRUE, &name, prefix, error) ||
      !_strata_json_get_identifier (object, "primary_key_name", FALSE, &primary_key_name, prefix, error))
    return NULL;

  if (!(columns = _strata_json_get_member (object, "columns", TRUE, prefix, error)))
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (columns) && json_array_get_length (json_node_get_array (columns)) == 0)
    {
      _strata_json_error (error, prefix, _("key \"columns\" must not be empty"));
      return NULL;
    }

  self = strata_table_new (name);
  self->primary_key_name = g_steal_pointer (&primary_key_name);

  for (guint l = 0; l < N_LISTS; l++)
    if (!parse_list (object, &table_lists[l], TABLE_LIST (self, l), prefix, error))
      return NULL;

  if (!strata_table_validate (self, error))
    {
      if (prefix != NULL && *prefix != '\0')
        _strata_error_prefix (error, "%s", prefix);
      return NULL;
    }

  return g_steal_pointer (&self);
}

StrataTable *
strata_table_new_from_json_object (JsonObject         *object,
                                   const char * const *extra_keys,
                                   GError            **error)
{
  g_return_val_if_fail (object != NULL, NULL);
  return _strata_table_parse_object (object, extra_keys, NULL, error);
}

StrataTable *
strata_table_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return piece_new_from_json (node, "a table", (ParseFunc)_strata_table_parse_object, error);
}

static gboolean
check_columns_exist (StrataTable         *self,
                     const char * const  *columns,
                     const char          *where,
                     guint                index,
                     GError             **error)
{
  for (guint i = 0; columns[i] != NULL; i++)
    if (strata_table_lookup_column (self, columns[i]) == NULL)
      {
        g_autofree char *shown = _strata_display (columns[i]);
        g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                     _("%s[%u]: no column %s in this table"), where, index, shown);
        return FALSE;
      }

  return TRUE;
}

static gboolean
claim_name (GHashTable  *names,
            const char  *name,
            const char  *where,
            guint        index,
            GError     **error)
{
  if (!g_hash_table_add (names, (gpointer)name))
    {
      g_autofree char *shown = _strata_display (name);
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s[%u]: the name %s is used twice in this table"), where, index, shown);
      return FALSE;
    }

  return TRUE;
}

gboolean
strata_table_validate (StrataTable  *self,
                       GError      **error)
{
  g_autoptr(GHashTable) columns = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_primary = 0;
  int autoincrement = -1;

  if (self->columns->len == 0)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("key \"columns\" must not be empty"));
      return FALSE;
    }

  for (guint i = 0; i < self->columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (self->columns, i);

      if (!g_hash_table_add (columns, column->name))
        {
          g_autofree char *shown = _strata_display (column->name);
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("columns[%u]: the column %s is defined twice"), i, shown);
          return FALSE;
        }

      if (column->primary_key)
        n_primary++;
      if (column->autoincrement)
        autoincrement = i;
    }

  if (autoincrement >= 0 && n_primary > 1)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("columns[%d]: an autoincrement column must be the only primary key column"), autoincrement);
      return FALSE;
    }

  if (self->primary_key_name != NULL)
    {
      if (n_primary == 0)
        {
          g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                               _("key \"primary_key_name\": the table has no primary key column"));
          return FALSE;
        }
      g_hash_table_add (names, self->primary_key_name);
    }

  /* A UNIQUE on exactly the primary key's columns: PostgreSQL would name
   * the key's index after it, and it adds nothing. */
  for (guint i = 0; i < self->uniques->len && n_primary > 0; i++)
    {
      const char * const *columns_of = strata_unique_get_columns (g_ptr_array_index (self->uniques, i));
      g_autoptr(GHashTable) unique_columns = g_hash_table_new (g_str_hash, g_str_equal);
      guint n_same = 0;

      for (guint j = 0; columns_of[j] != NULL; j++)
        g_hash_table_add (unique_columns, (gpointer)columns_of[j]);
      for (guint j = 0; j < self->columns->len; j++)
        {
          StrataColumn *column = g_ptr_array_index (self->columns, j);

          if (column->primary_key && g_hash_table_contains (unique_columns, column->name))
            n_same++;
        }

      if (n_same == n_primary && g_hash_table_size (unique_columns) == n_primary)
        {
          g_autofree char *shown = _strata_display (strata_unique_get_name (g_ptr_array_index (self->uniques, i)));
          g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                       _("unique[%u]: the unique constraint %s is the primary key again; "
                         "drop it (the primary key is unique already)"), i, shown);
          return FALSE;
        }
    }

  /* Indexes and constraints share one namespace; all but checks name columns. */
  for (guint l = LIST_INDEXES; l < N_LISTS; l++)
    {
      GPtrArray *items = TABLE_LIST (self, l);
      const char *key = table_lists[l].key;

      for (guint i = 0; i < items->len; i++)
        {
          gpointer item = g_ptr_array_index (items, i);

          if (!claim_name (names, table_lists[l].get_name (item), key, i, error) ||
              (table_lists[l].get_columns != NULL &&
               !check_columns_exist (self, table_lists[l].get_columns (item), key, i, error)))
            return FALSE;
        }
    }

  return TRUE;
}

static void
set_list (JsonObject *object,
          const char *key,
          GPtrArray  *items,
          ToJsonFunc  to_json)
{
  JsonArray *array;

  if (items->len == 0)
    return;

  array = json_array_sized_new (items->len);
  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, to_json (g_ptr_array_index (items, i)));
  json_object_set_array_member (object, key, array);
}

void
_strata_table_fill_json (StrataTable *self,
                         JsonObject  *object)
{
  json_object_set_string_member (object, "table", self->name);
  for (guint l = 0; l < N_LISTS; l++)
    set_list (object, table_lists[l].key, TABLE_LIST (self, l), table_lists[l].to_json);
  if (self->primary_key_name != NULL)
    json_object_set_string_member (object, "primary_key_name", self->primary_key_name);
}

JsonNode *
strata_table_to_json (StrataTable *self)
{
  return piece_to_json (self, (FillFunc)_strata_table_fill_json);
}

static gboolean
list_equal (GPtrArray *a,
            GPtrArray *b,
            EqualFunc  equal)
{
  if (a->len != b->len)
    return FALSE;

  for (guint i = 0; i < a->len; i++)
    if (!equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i)))
      return FALSE;

  return TRUE;
}

gboolean
strata_table_equal (StrataTable *a,
                    StrataTable *b)
{
  if (g_strcmp0 (a->name, b->name) != 0 || g_strcmp0 (a->primary_key_name, b->primary_key_name) != 0)
    return FALSE;

  for (guint l = 0; l < N_LISTS; l++)
    if (!list_equal (TABLE_LIST (a, l), TABLE_LIST (b, l), table_lists[l].equal))
      return FALSE;

  return TRUE;
}

const char *
strata_table_get_name (StrataTable *self)
{
  return self->name;
}

const char *
strata_table_get_primary_key_name (StrataTable *self)
{
  return self->primary_key_name;
}

void
strata_table_set_primary_key_name (StrataTable *self,
                                   const char  *name)
{
  g_free (self->primary_key_name);
  self->primary_key_name = g_strdup (name);
}

void
strata_table_set_name (StrataTable *self,
                       const char  *name)
{
  g_return_if_fail (name != NULL);
  g_free (self->name);
  self->name = g_strdup (name);
}

/**
 * strata_table_get_columns:
 * @self: a #StrataTable
 *
 * Returns: (transfer none) (element-type StrataColumn): the columns, in order
 */
GPtrArray *
strata_table_get_columns (StrataTable *self)
{
  return self->columns;
}

/**
 * strata_table_get_indexes:
 * @self: a #StrataTable
 *
 * Returns: (transfer none) (element-type StrataIndex): the indexes
 */
GPtrArray *
strata_table_get_indexes (StrataTable *self)
{
  return self->indexes;
}

/**
 * strata_table_get_foreign_keys:
 * @self: a #StrataTable
 *
 * Returns: (transfer none) (element-type StrataForeignKey): the foreign keys
 */
GPtrArray *
strata_table_get_foreign_keys (StrataTable *self)
{
  return self->foreign_keys;
}

/**
 * strata_table_get_uniques:
 * @self: a #StrataTable
 *
 * Returns: (transfer none) (element-type StrataUnique): the unique constraints
 */
GPtrArray *
strata_table_get_uniques (StrataTable *self)
{
  return self->uniques;
}

/**
 * strata_table_get_checks:
 * @self: a #StrataTable
 *
 * Returns: (transfer none) (element-type StrataCheck): the check constraints
 */
GPtrArray *
strata_table_get_checks (StrataTable *self)
{
  return self->checks;
}

static gpointer
lookup_in_list (StrataTable *self,
                guint        l,
                const char  *name)
{
  GPtrArray *items = TABLE_LIST (self, l);
  int i = find_by_name (items, table_lists[l].get_name, name);

  return i >= 0 ? g_ptr_array_index (items, i) : NULL;
}

StrataColumn *
strata_table_lookup_column (StrataTable *self,
                            const char  *name)
{
  return lookup_in_list (self, LIST_COLUMNS, name);
}

StrataIndex *
strata_table_lookup_index (StrataTable *self,
                           const char  *name)
{
  return lookup_in_list (self, LIST_INDEXES, name);
}

StrataForeignKey *
strata_table_lookup_foreign_key (StrataTable *self,
                                 const char  *name)
{
  return lookup_in_list (self, LIST_FOREIGN_KEYS, name);
}

StrataUnique *
strata_table_lookup_unique (StrataTable *self,
                            const char  *name)
{
  return lookup_in_list (self, LIST_UNIQUES, name);
}

StrataCheck *
strata_table_lookup_check (StrataTable *self,
                           const char  *name)
{
  return lookup_in_list (self, LIST_CHECKS, name);
}

/**
 * strata_table_dup_primary_key:
 * @self: a #StrataTable
 *
 * Returns: (transfer full) (array zero-terminated=1): the primary key's columns
 */
char **
strata_table_dup_primary_key (StrataTable *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < self->columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (self->columns, i);

      if (column->primary_key)
        g_strv_builder_add (builder, column->name);
    }

  return g_strv_builder_end (builder);
}

void
strata_table_add_column (StrataTable  *self,
                         StrataColumn *column)
{
  g_ptr_array_add (self->columns, strata_column_ref (column));
}

gboolean
strata_table_remove_column (StrataTable *self,
                            const char  *name)
{
  StrataColumn *column = strata_table_lookup_column (self, name);

  return column != NULL && g_ptr_array_remove (self->columns, column);
}

void
strata_table_add_index (StrataTable *self,
                        StrataIndex *index)
{
  g_ptr_array_add (self->indexes, strata_index_ref (index));
}

gboolean
strata_table_remove_index (StrataTable *self,
                           const char  *name)
{
  StrataIndex *index = strata_table_lookup_index (self, name);

  return index != NULL && g_ptr_array_remove (self->indexes, index);
}

void
strata_table_add_foreign_key (StrataTable      *self,
                              StrataForeignKey *foreign_key)
{
  g_ptr_array_add (self->foreign_keys, strata_foreign_key_ref (foreign_key));
}

void
strata_table_add_unique (StrataTable  *self,
                         StrataUnique *unique)
{
  g_ptr_array_add (self->uniques, strata_unique_ref (unique));
}

void
strata_table_add_check (StrataTable *self,
                        StrataCheck *check)
{
  g_ptr_array_add (self->checks, strata_check_ref (check));
}

gboolean
strata_table_remove_constraint (StrataTable *self,
                                const char  *name)
{
  /* Constraints, not indexes: those are dropped by strata_table_remove_index (). */
  for (guint l = LIST_FOREIGN_KEYS; l <= LIST_CHECKS; l++)
    {
      GPtrArray *items = TABLE_LIST (self, l);
      int i = find_by_name (items, table_lists[l].get_name, name);

      if (i >= 0)
        {
          g_ptr_array_remove_index (items, i);
          return TRUE;
        }
    }

  return FALSE;
}

/* }}} */

/* StrataModel {{{ */

G_DEFINE_BOXED_TYPE (StrataModel, strata_model, strata_model_ref, strata_model_unref)

static void
model_clear (gpointer data)
{
  StrataModel *self = data;

  g_ptr_array_unref (self->tables);
  g_ptr_array_unref (self->sequences);
  g_clear_pointer (&self->sequence_names, g_ptr_array_unref);
  g_ptr_array_unref (self->enum_names);
  g_hash_table_unref (self->enums);
  g_clear_pointer (&self->by_name, g_hash_table_unref);
}

void
_strata_model_forget_names (StrataModel *self)
{
  g_clear_pointer (&self->by_name, g_hash_table_unref);
}

static void
model_note_name (StrataModel *self,
                 guint        position)
{
  StrataTable *table = g_ptr_array_index (self->tables, position);

  if (self->by_name != NULL)
    g_hash_table_replace (self->by_name, g_strdup (table->name), GUINT_TO_POINTER (position + 1));
}

StrataModel *
strata_model_new (void)
{
  StrataModel *self = g_atomic_rc_box_new0 (StrataModel);

  self->tables = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_table_unref);
  self->sequences = g_ptr_array_new_with_free_func ((GDestroyNotify)sequence_free);
  self->enum_names = g_ptr_array_new_with_free_func (g_free);
  self->enums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
  self->dialect = -1;
  return self;
}

const char * const *
strata_model_lookup_enum (StrataModel *self,
                          const char  *name)
{
  return g_hash_table_lookup (self->enums, name);
}

void
strata_model_set_enum (StrataModel        *self,
                       const char         *name,
                       const char * const *values)
{
  if (!g_hash_table_contains (self->enums, name))
    g_ptr_array_add (self->enum_names, g_strdup (name));
  g_hash_table_replace (self->enums, g_strdup (name), g_strdupv ((char **)values));
}

gboolean
strata_model_remove_enum (StrataModel *self,
                          const char  *name)
{
  guint position;

  if (!g_ptr_array_find_with_equal_func (self->enum_names, name, g_str_equal, &position))
    return FALSE;
  g_ptr_array_remove_index (self->enum_names, position);
  return g_hash_table_remove (self->enums, name);
}

/**
 * strata_model_get_enum_names:
 * @self: a #StrataModel
 *
 * Returns: (transfer none) (element-type utf8): the names of the enum
 *   types, in creation order
 */
GPtrArray *
strata_model_get_enum_names (StrataModel *self)
{
  return self->enum_names;
}

static Sequence *
find_sequence (StrataModel *self,
               const char  *name,
               guint       *position)
{
  for (guint i = 0; i < self->sequences->len; i++)
    {
      Sequence *sequence = g_ptr_array_index (self->sequences, i);

      if (g_str_equal (sequence->name, name))
        {
          if (position != NULL)
            *position = i;
          return sequence;
        }
    }

  return NULL;
}

gboolean
strata_model_lookup_sequence (StrataModel *self,
                              const char  *name,
                              gint64      *start,
                              gint64      *increment)
{
  Sequence *sequence = find_sequence (self, name, NULL);

  if (sequence == NULL)
    return FALSE;
  if (start != NULL)
    *start = sequence->start;
  if (increment != NULL)
    *increment = sequence->increment;
  return TRUE;
}

void
strata_model_add_sequence (StrataModel *self,
                           const char  *name,
                           gint64       start,
                           gint64       increment)
{
  Sequence *sequence = g_new0 (Sequence, 1);

  sequence->name = g_strdup (name);
  sequence->start = start;
  sequence->increment = increment;
  g_ptr_array_add (self->sequences, sequence);
}

/**
 * strata_model_get_sequence_names:
 * @self: a #StrataModel
 *
 * Returns: (transfer none) (element-type utf8): the names of the
 *   sequences, in creation order; valid until the next call
 */
GPtrArray *
strata_model_get_sequence_names (StrataModel *self)
{
  if (self->sequence_names == NULL)
    self->sequence_names = g_ptr_array_new ();
  g_ptr_array_set_size (self->sequence_names, 0);
  for (guint i = 0; i < self->sequences->len; i++)
    g_ptr_array_add (self->sequence_names, ((Sequence *)g_ptr_array_index (self->sequences, i))->name);
  return self->sequence_names;
}

gboolean
strata_model_remove_sequence (StrataModel *self,
                              const char  *name)
{
  guint position;

  if (find_sequence (self, name, &position) == NULL)
    return FALSE;
  g_ptr_array_remove_index (self->sequences, position);
  return TRUE;
}

/**
 * strata_model_set_dialect:
 * @dialect: a #StrataDialect, or -1 for none
 *
 * Makes the model the schema of @dialect: replaying an operation with
 * "dialects" that leave @dialect out changes nothing. A model of no
 * dialect (the default) is the portable schema: it leaves every operation
 * with "dialects" out.
 */
void
strata_model_set_dialect (StrataModel *self,
                          int          dialect)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (dialect >= -1 && dialect <= STRATA_DIALECT_POSTGRESQL);
  self->dialect = dialect;
}

int
strata_model_get_dialect (StrataModel *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->dialect;
}

StrataModel *
strata_model_ref (StrataModel *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
strata_model_unref (StrataModel *self)
{
  g_atomic_rc_box_release_full (self, model_clear);
}

StrataModel *
strata_model_copy (StrataModel *self)
{
  StrataModel *copy = strata_model_new ();

  copy->dialect = self->dialect;
  for (guint i = 0; i < self->enum_names->len; i++)
    {
      const char *name = g_ptr_array_index (self->enum_names, i);
      strata_model_set_enum (copy, name, strata_model_lookup_enum (self, name));
    }
  for (guint i = 0; i < self->sequences->len; i++)
    {
      Sequence *sequence = g_ptr_array_index (self->sequences, i);
      strata_model_add_sequence (copy, sequence->name, sequence->start, sequence->increment);
    }
  for (guint i = 0; i < self->tables->len; i++)
    g_ptr_array_add (copy->tables, strata_table_copy (g_ptr_array_index (self->tables, i)));

  return copy;
}

StrataModel *
_strata_model_copy_shared (StrataModel *self)
{
  StrataModel *copy = strata_model_new ();

  g_return_val_if_fail (self != NULL, NULL);

  copy->dialect = self->dialect;
  for (guint i = 0; i < self->enum_names->len; i++)
    {
      const char *name = g_ptr_array_index (self->enum_names, i);
      strata_model_set_enum (copy, name, strata_model_lookup_enum (self, name));
    }
  for (guint i = 0; i < self->sequences->len; i++)
    {
      Sequence *sequence = g_ptr_array_index (self->sequences, i);
      strata_model_add_sequence (copy, sequence->name, sequence->start, sequence->increment);
    }
  for (guint i = 0; i < self->tables->len; i++)
    g_ptr_array_add (copy->tables, strata_table_ref (g_ptr_array_index (self->tables, i)));

  return copy;
}

/* "enums": [{"name", "values"}], "sequences": [{"name", "start"?,
 * "increment"?}]. */
static gboolean
parse_types (StrataModel  *self,
             JsonObject   *object,
             const char   *prefix,
             GError      **error)
{
  const char *lists[] = { "enums", "sequences" };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonNode *node = json_object_get_member (object, lists[l]);
      JsonArray *array;

      if (node == NULL)
        continue;
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          _strata_json_error (error, prefix, _("key \"%s\" must be an array, not %s"), lists[l],
                              _strata_json_describe_node (node));
          return FALSE;
        }

      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *item_prefix = prefix && *prefix ? g_strdup_printf ("%s: %s[%u]", prefix, lists[l], i)
                                                           : g_strdup_printf ("%s[%u]", lists[l], i);
          static const char * const enum_keys[] = { "name", "values", NULL };
          static const char * const sequence_keys[] = { "name", "start", "increment", NULL };
          g_autofree char *name = NULL;
          JsonObject *item;

          if (!(item = _strata_json_require_object (json_array_get_element (array, i), _("an item"), item_prefix, error)) ||
              !_strata_json_check_keys (item, l == 0 ? enum_keys : sequence_keys, item_prefix, error) ||
              !_strata_json_get_identifier (item, "name", TRUE, &name, item_prefix, error))
            return FALSE;

          if (l == 0)
            {
              g_auto(GStrv) values = NULL;

              if (!_strata_enum_values_parse (item, "values", TRUE, &values, item_prefix, error))
                return FALSE;
              if (strata_model_lookup_enum (self, name) != NULL)
                {
                  _strata_json_error (error, item_prefix, _("the enum type %s is defined twice"), name);
                  return FALSE;
                }
              strata_model_set_enum (self, name, (const char * const *)values);
            }
          else
            {
              gint64 numbers[2] = { 1, 1 };
              const char *number_keys[] = { "start", "increment" };

              for (guint k = 0; k < 2; k++)
                {
                  JsonNode *number = json_object_get_member (item, number_keys[k]);

                  if (number == NULL)
                    continue;
                  if (!JSON_NODE_HOLDS_VALUE (number) || json_node_get_value_type (number) != G_TYPE_INT64 ||
                      (k == 1 && json_node_get_int (number) == 0))
                    {
                      _strata_json_error (error, item_prefix, _("key \"%s\" must be a whole number%s"),
                                          number_keys[k], k == 1 ? _(" other than 0") : "");
                      return FALSE;
                    }
                  numbers[k] = json_node_get_int (number);
                }
              if (strata_model_lookup_sequence (self, name, NULL, NULL))
                {
                  _strata_json_error (error, item_prefix, _("the sequence %s is defined twice"), name);
                  return FALSE;
                }
              strata_model_add_sequence (self, name, numbers[0], numbers[1]);
            }
        }
    }

  return TRUE;
}

static StrataModel *
model_parse (JsonNode    *node,
             const char  *prefix,
             GError     **error)
{
  static const char * const keys[] = { "tables", "enums", "sequences", NULL };
  g_autoptr(StrataModel) self = strata_model_new ();
  JsonObject *object;
  JsonNode *tables;
  JsonArray *array;

  if (!(object = _strata_json_require_object (node, "a schema", prefix, error)) ||
      !_strata_json_check_keys (object, keys, prefix, error) ||
      !(tables = _strata_json_get_member (object, "tables", TRUE, prefix, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_ARRAY (tables))
    {
      _strata_json_error (error, prefix, _("key \"tables\" must be an array, not %s"), _strata_json_describe_node (tables));
      return NULL;
    }

  array = json_node_get_array (tables);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *item_prefix = NULL;
      StrataTable *table;
      JsonObject *item;

      if (prefix != NULL && *prefix != '\0')
        item_prefix = g_strdup_printf ("%s: tables[%u]", prefix, i);
      else
        item_prefix = g_strdup_printf ("tables[%u]", i);

      if (!(item = _strata_json_require_object (json_array_get_element (array, i), "a table", item_prefix, error)) ||
          !(table = _strata_table_parse_object (item, NULL, item_prefix, error)))
        return NULL;

      if (strata_model_lookup_table (self, table->name) != NULL)
        {
          g_autofree char *shown = _strata_display (table->name);
          _strata_json_error (error, item_prefix, _("the table %s is defined twice"), shown);
          strata_table_unref (table);
          return NULL;
        }

      g_ptr_array_add (self->tables, table);
      model_note_name (self, self->tables->len - 1);
    }

  if (!parse_types (self, object, prefix, error))
    return NULL;

  return g_steal_pointer (&self);
}

StrataModel *
strata_model_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  return model_parse (node, NULL, error);
}

StrataModel *
strata_model_new_from_data (const char  *data,
                            gssize       length,
                            const char  *filename,
                            GError     **error)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (filename == NULL)
    filename = "schema.json";

  if (!(root = _strata_json_parse_data (data, length, filename, error)))
    return NULL;

  return model_parse (root, filename, error);
}

JsonNode *
strata_model_to_json (StrataModel *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *tables = json_array_sized_new (self->tables->len);

  for (guint i = 0; i < self->tables->len; i++)
    json_array_add_element (tables, strata_table_to_json (g_ptr_array_index (self->tables, i)));
  json_object_set_array_member (object, "tables", tables);

  if (self->enum_names->len > 0)
    {
      JsonArray *enums = json_array_new ();

      for (guint i = 0; i < self->enum_names->len; i++)
        {
          const char *name = g_ptr_array_index (self->enum_names, i);
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "name", name);
          json_object_set_member (item, "values", _strata_json_new_strv (strata_model_lookup_enum (self, name)));
          json_array_add_object_element (enums, item);
        }
      json_object_set_array_member (object, "enums", enums);
    }

  if (self->sequences->len > 0)
    {
      JsonArray *sequences = json_array_new ();

      for (guint i = 0; i < self->sequences->len; i++)
        {
          Sequence *sequence = g_ptr_array_index (self->sequences, i);
          JsonObject *item = json_object_new ();

          json_object_set_string_member (item, "name", sequence->name);
          if (sequence->start != 1)
            json_object_set_int_member (item, "start", sequence->start);
          if (sequence->increment != 1)
            json_object_set_int_member (item, "increment", sequence->increment);
          json_array_add_object_element (sequences, item);
        }
      json_object_set_array_member (object, "sequences", sequences);
    }

  return _strata_json_take_object (object);
}

gboolean
strata_model_equal (StrataModel *a,
                    StrataModel *b)
{
  if (a->enum_names->len != b->enum_names->len || a->sequences->len != b->sequences->len)
    return FALSE;

  for (guint i = 0; i < a->enum_names->len; i++)
    {
      const char *name = g_ptr_array_index (a->enum_names, i);
      const char * const *vb = strata_model_lookup_enum (b, name);

      if (vb == NULL || !g_strv_equal (strata_model_lookup_enum (a, name), vb))
        return FALSE;
    }

  for (guint i = 0; i < a->sequences->len; i++)
    {
      Sequence *sequence = g_ptr_array_index (a->sequences, i);
      gint64 start, increment;

      if (!strata_model_lookup_sequence (b, sequence->name, &start, &increment) ||
          start != sequence->start || increment != sequence->increment)
        return FALSE;
    }

  return list_equal (a->tables, b->tables, (EqualFunc)strata_table_equal);
}

/**
 * strata_model_get_tables:
 * @self: a #StrataModel
 *
 * Returns: (transfer none) (element-type StrataTable): the tables, in order
 */
GPtrArray *
strata_model_get_tables (StrataModel *self)
{
  return self->tables;
}

static int
model_find_position (StrataModel *self,
                     const char  *name)
{
  gpointer value;

  if (self->by_name == NULL)
    {
      self->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; i < self->tables->len; i++)
        model_note_name (self, i);
    }

  if ((value = g_hash_table_lookup (self->by_name, name)) != NULL)
    {
      guint position = GPOINTER_TO_UINT (value) - 1;
      StrataTable *table;

      /* A position that no longer holds the name means the map went stale
       * (a table renamed behind it): build it again. */
      if (position < self->tables->len &&
          g_str_equal ((table = g_ptr_array_index (self->tables, position))->name, name))
        return position;

      _strata_model_forget_names (self);
      return model_find_position (self, name);
    }

  return -1;
}

StrataTable *
strata_model_lookup_table (StrataModel *self,
                           const char  *name)
{
  int position = model_find_position (self, name);

  return position < 0 ? NULL : g_ptr_array_index (self->tables, position);
}

void
strata_model_add_table (StrataModel *self,
                        StrataTable *table)
{
  int position = model_find_position (self, table->name);

  if (position >= 0)
    {
      StrataTable *existing = g_ptr_array_index (self->tables, position);

      strata_table_ref (table);
      strata_table_unref (existing);
      self->tables->pdata[position] = table;
      return;
    }

  g_ptr_array_add (self->tables, strata_table_ref (table));
  model_note_name (self, self->tables->len - 1);
}

gboolean
strata_model_remove_table (StrataModel *self,
                           const char  *name)
{
  int position = model_find_position (self, name);

  if (position < 0)
    return FALSE;

  /* Positions after it shift. */
  _strata_model_forget_names (self);
  g_ptr_array_remove_index (self->tables, position);
  return TRUE;
}

/* }}} */
