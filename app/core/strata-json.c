/* strata-json.c: a strict, fast JSON reader
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-json"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strata-error.h"
#include "strata-json-private.h"
#include "strata-i18n-private.h"

#define MAX_DEPTH 256

typedef struct
{
  const char  *start;
  const char  *p;
  const char  *end;
  const char  *filename;
  GError     **error;
  guint        depth;
} Reader;

static JsonNode *read_value (Reader *r);

static void
position (Reader      *r,
          const char  *at,
          guint       *line,
          guint       *column)
{
  const char *line_start = r->start;

  *line = 1;
  for (const char *q = r->start; q < at; q++)
    if (*q == '\n')
      {
        (*line)++;
        line_start = q + 1;
      }

  /* Columns count characters, not bytes. */
  *column = (guint)g_utf8_strlen (line_start, at - line_start) + 1;
}

static void G_GNUC_PRINTF (3, 4)
fail_at (Reader     *r,
         const char *at,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  guint line, column;
  va_list args;

  if (r->error == NULL || *r->error != NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  position (r, at, &line, &column);
  g_set_error (r->error, STRATA_ERROR, STRATA_ERROR_PARSE,
               "%s:%u:%u: %s", r->filename, line, column, message);
}

static char *
describe_char (const char *at,
               const char *end)
{
  if (at >= end)
    return g_strdup (_("the end of the file"));
  if ((guchar)*at < 0x20)
    return g_strdup_printf (_("control character U+%04X"), (guint)(guchar)*at);

  /* Translators: a character of the file, in quotes */
  return g_strdup_printf (_("“%.*s”"), (int)(g_utf8_next_char (at) - at), at);
}

static void
fail_unexpected (Reader     *r,
                 const char *expected)
{
  g_autofree char *what = describe_char (r->p, r->end);

  fail_at (r, r->p, _("unexpected %s, expected %s"), what, expected);
}

static inline void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r'))
    r->p++;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Reader   *r,
           gunichar *out)
{
  gunichar value = 0;

  if (r->end - r->p < 4)
    {
      fail_at (r, r->p, _("incomplete \\u escape"));
      return FALSE;
    }

  for (guint i = 0; i < 4; i++)
    {
      int v = hex_value (r->p[i]);

      if (v < 0)
        {
          fail_at (r, r->p, _("invalid \\u escape"));
          return FALSE;
        }
      value = (value << 4) | (gunichar)v;
    }

  r->p += 4;
  *out = value;
  return TRUE;
}

/* At the opening quote; returns a newly allocated UTF-8 string. */
static char *
read_string (Reader *r)
{
  const char *open = r->p;
  const char *run;
  GString *out = NULL;

  r->p++;
  run = r->p;

  for (;;)
    {
      guchar c;

      if (r->p >= r->end)
        {
          fail_at (r, open, _("unterminated string"));
          goto failed;
        }

      c = (guchar)*r->p;

      if (c == '"')
        break;

      if (c < 0x20)
        {
          fail_at (r, r->p, _("control character U+%04X in a string (write it as an escape)"), (guint)c);
          goto failed;
        }

      if (c != '\\')
        {
          r->p++;
          continue;
        }

      if (out == NULL)
        out = g_string_sized_new (r->p - run + 16);
      g_string_append_len (out, run, r->p - run);

      r->p++;
      if (r->p >= r->end)
        {
          fail_at (r, open, _("unterminated string"));
          goto failed;
        }

      switch (*r->p++)
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case '/': g_string_append_c (out, '/'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar ch;

            if (!read_hex4 (r, &ch))
              goto failed;

            if (ch >= 0xD800 && ch <= 0xDBFF)
              {
                gunichar low;

                if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
                  {
                    fail_at (r, r->p, _("unpaired surrogate in a \\u escape"));
                    goto failed;
                  }
                r->p += 2;
                if (!read_hex4 (r, &low))
                  goto failed;
                if (low < 0xDC00 || low > 0xDFFF)
                  {
                    fail_at (r, r->p - 6, _("unpaired surrogate in a \\u escape"));
                    goto failed;
                  }
                ch = 0x10000 + ((ch - 0xD800) << 10) + (low - 0xDC00);
              }
            else if (ch >= 0xDC00 && ch <= 0xDFFF)
              {
                fail_at (r, r->p - 6, _("unpaired surrogate in a \\u escape"));
                goto failed;
              }
            else if (ch == 0)
              {
                fail_at (r, r->p - 6, _("\\u0000 is not allowed in a string"));
                goto failed;
              }

            g_string_append_unichar (out, ch);
          }
          break;
        default:
          /* One line: a control or non-ASCII byte after '\' is named, not
           * printed. */
          if (g_ascii_isgraph (r->p[-1]))
            fail_at (r, r->p - 2, _("invalid escape “\\%c”"), r->p[-1]);
          else
            fail_at (r, r->p - 2, _("invalid escape: “\\” followed by byte 0x%02X"), (guint)(guchar)r->p[-1]);
          goto failed;
        }

      run = r->p;
    }

  /* At the closing quote. */
  {
    char *result;

    if (out == NULL)
      result = g_strndup (run, r->p - run);
    else
      {
        g_string_append_len (out, run, r->p - run);
        result = g_string_free (g_steal_pointer (&out), FALSE);
      }

    r->p++;
    return result;
  }

failed:
  if (out != NULL)
    g_string_free (out, TRUE);
  return NULL;
}

static JsonNode *
read_number (Reader *r)
{
  const char *start = r->p;
  gboolean integer = TRUE;
  char buffer[64];
  gsize len;

  if (r->p < r->end && *r->p == '-')
    r->p++;

  if (r->p < r->end && *r->p == '0')
    r->p++;
  else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  else
    {
      r->p = start;
      fail_unexpected (r, _("a value"));
      return NULL;
    }

  if (r->p < r->end && *r->p == '.')
    {
      integer = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        {
          fail_at (r, start, _("malformed number"));
          return NULL;
        }
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      integer = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        {
          fail_at (r, start, _("malformed number"));
          return NULL;
        }
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  len = r->p - start;

  if (integer && len < sizeof buffer)
    {
      gint64 value;

      memcpy (buffer, start, len);
      buffer[len] = '\0';
      errno = 0;
      value = g_ascii_strtoll (buffer, NULL, 10);
      /* "-0" is no gint64 as written. */
      if (errno == 0 && (value != 0 || buffer[0] != '-'))
        {
          JsonNode *node = json_node_alloc ();

          json_node_init_int (node, value);
          return node;
        }
    }

  /* Any other number keeps its text: a double would round numeric(38,10)
   * values and 64-bit-plus integers, and write 1.10 as 1.1. */
  {
    g_autofree char *text = g_strndup (start, len);

    if (!isfinite (g_ascii_strtod (text, NULL)))
      {
        fail_at (r, start, _("number %s is not finite (out of range of a double)"), text);
        return NULL;
      }

    return _strata_json_number_text_new (text);
  }
}

JsonNode *
_strata_json_number_text_new (const char *text)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_alloc ();

  json_object_set_string_member (object, STRATA_JSON_NUMBER_KEY, text);
  json_node_init_object (node, object);
  json_object_unref (object);
  return node;
}

const char *
_strata_json_get_number_text (JsonNode *node)
{
  JsonObject *object;
  JsonNode *text;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  object = json_node_get_object (node);
  if (json_object_get_size (object) != 1 ||
      (text = json_object_get_member (object, STRATA_JSON_NUMBER_KEY)) == NULL)
    return NULL;

  return json_node_get_string (text);
}

gboolean
_strata_json_node_is_number (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
    }

  return _strata_json_get_number_text (node) != NULL;
}

static gboolean
read_literal (Reader     *r,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize)(r->end - r->p) >= len && memcmp (r->p, word, len) == 0 &&
      (r->p + len == r->end || !g_ascii_isalnum (r->p[len])))
    {
      r->p += len;
      return TRUE;
    }

  fail_unexpected (r, _("a value"));
  return FALSE;
}


/* A key as an error message shows it, on one line: its control characters
 * (decoded from escapes) written as JSON escapes again. */
static char *
show_key (const char *key)
{
  GString *out = g_string_new (NULL);

  for (const char *p = key; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04X", (guint)c);
      else
        g_string_append_c (out, (char)c);
    }

  return g_string_free (out, FALSE);
}

static JsonNode *
read_object (Reader *r)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  r->p++;
  skip_space (r);

  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      goto done;
    }

  for (;;)
    {
      const char *key_at;
      char *key;
      JsonNode *value;

      skip_space (r);
      if (r->p >= r->end || *r->p != '"')
        {
          fail_unexpected (r, _("a key in double quotes"));
          goto failed;
        }

      key_at = r->p;
      if (!(key = read_string (r)))
        goto failed;

      if (json_object_has_member (object, key))
        {
          g_autofree char *shown = show_key (key);

          fail_at (r, key_at, _("duplicate key “%s”"), shown);
          g_free (key);
          goto failed;
        }

      skip_space (r);
      if (r->p >= r->end || *r->p != ':')
        {
          g_free (key);
          fail_unexpected (r, _("“:”"));
          goto failed;
        }
      r->p++;
      skip_space (r);

      if (!(value = read_value (r)))
        {
          g_free (key);
          goto failed;
        }

      json_object_set_member (object, key, value);
      g_free (key);

      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == '}')
        {
          r->p++;
          break;
        }

      fail_unexpected (r, _("“,” or “}”"));
      goto failed;
    }

done:
  node = json_node_alloc ();
  json_node_init_object (node, object);
  json_object_unref (object);
  return node;

failed:
  json_object_unref (object);
  return NULL;
}

static JsonNode *
read_array (Reader *r)
{
  JsonArray *array = json_array_new ();
  JsonNode *node;

  r->p++;
  skip_space (r);

  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      goto done;
    }

  for (gboolean first = TRUE;; first = FALSE)
    {
      JsonNode *value;

      skip_space (r);
      if (first && r->p < r->end && strchr ("}:,", *r->p) != NULL)
        {
          fail_unexpected (r, _("a value or “]”"));
          goto failed;
        }
      if (!(value = read_value (r)))
        goto failed;
      json_array_add_element (array, value);

      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == ']')
        {
          r->p++;
          break;
        }

      fail_unexpected (r, _("“,” or “]”"));
      goto failed;
    }

done:
  node = json_node_alloc ();
  json_node_init_array (node, array);
  json_array_unref (array);
  return node;

failed:
  json_array_unref (array);
  return NULL;
}

static JsonNode *
read_value (Reader *r)
{
  JsonNode *node = NULL;

  if (r->p >= r->end)
    {
      fail_unexpected (r, _("a value"));
      return NULL;
    }

  if (++r->depth > MAX_DEPTH)
    {
      fail_at (r, r->p, _("nested deeper than %d levels"), MAX_DEPTH);
      return NULL;
    }

  switch (*r->p)
    {
    case '{':
      node = read_object (r);
      break;

    case '[':
      node = read_array (r);
      break;

    case '"':
      {
        char *text = read_string (r);

        if (text != NULL)
          {
            node = json_node_init_string (json_node_alloc (), text);
            g_free (text);
          }
      }
      break;

    case 't':
      if (read_literal (r, "true"))
        node = json_node_init_boolean (json_node_alloc (), TRUE);
      break;

    case 'f':
      if (read_literal (r, "false"))
        node = json_node_init_boolean (json_node_alloc (), FALSE);
      break;

    case 'n':
      if (read_literal (r, "null"))
        node = json_node_init_null (json_node_alloc ());
      break;

    default:
      node = read_number (r);
      break;
    }

  r->depth--;
  return node;
}

JsonNode *
_strata_json_read (const char  *data,
                   gsize        length,
                   const char  *filename,
                   GError     **error)
{
  Reader r = { data, data, data + length, filename, error, 0 };
  const char *invalid = NULL;
  JsonNode *root;

  if (!g_utf8_validate (data, length, &invalid))
    {
      fail_at (&r, invalid, _("not valid UTF-8 text"));
      return NULL;
    }

  /* A byte order mark is tolerated, as editors write one. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3;

  skip_space (&r);
  if (r.p >= r.end)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, _("%s: the file is empty"), filename);
      return NULL;
    }

  if (!(root = read_value (&r)))
    return NULL;

  skip_space (&r);
  if (r.p < r.end)
    {
      g_autofree char *what = describe_char (r.p, r.end);

      fail_at (&r, r.p, _("unexpected %s after the end of the document"), what);
      json_node_unref (root);
      return NULL;
    }

  return root;
}

/* Helpers for the readers of migration files and schema.json, and the
 * writers of stable JSON {{{ */

#define PRETTY_WIDTH 100

void
_strata_json_error (GError     **error,
                    const char  *prefix,
                    const char  *format,
                    ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (prefix != NULL && *prefix != '\0')
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, "%s: %s", prefix, detail);
  else
    g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_PARSE, detail);
}

void
_strata_error_prefix (GError     **error,
                      const char  *format,
                      ...)
{
  g_autofree char *prefix = NULL;
  va_list args;

  if (error == NULL || *error == NULL)
    return;

  va_start (args, format);
  prefix = g_strdup_vprintf (format, args);
  va_end (args);

  g_prefix_error (error, "%s: ", prefix);
}

char *
_strata_display (const char *value)
{
  GString *str = g_string_new ("\"");

  for (const char *p = value; p != NULL && *p; p++)
    {
      guchar c = (guchar)*p;

      if (c == '"' || c == '\\')
        g_string_append_printf (str, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (str, "\\x%02x", c);
      else
        g_string_append_c (str, (char)c);
    }

  g_string_append_c (str, '"');
  return g_string_free (str, FALSE);
}

const char *
_strata_json_describe_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (_strata_json_get_number_text (node) != NULL)
    return _("a number");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return _("an array");

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return _("a string");
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return _("a boolean");

  return _("a number");
}

JsonObject *
_strata_json_require_object (JsonNode    *node,
                             const char  *what,
                             const char  *prefix,
                             GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || _strata_json_get_number_text (node) != NULL)
    {
      _strata_json_error (error, prefix, _("%s must be an object, not %s"),
                          what, node ? _strata_json_describe_node (node) : "nothing");
      return NULL;
    }

  return json_node_get_object (node);
}

gboolean
_strata_json_check_keys (JsonObject         *object,
                         const char * const *allowed,
                         const char         *prefix,
                         GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;

      if (!g_strv_contains (allowed, key))
        {
          g_autofree char *shown = _strata_display (key);
          _strata_json_error (error, prefix, _("unknown key %s"), shown);
          return FALSE;
        }
    }

  return TRUE;
}

JsonNode *
_strata_json_get_member (JsonObject  *object,
            const char  *key,
            gboolean     required,
            const char  *prefix,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL && required)
    _strata_json_error (error, prefix, _("missing key \"%s\""), key);

  return node;
}

gboolean
_strata_str_is_blank (const char *value)
{
  for (const char *p = value; *p; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

gboolean
_strata_json_node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
_strata_json_get_string (JsonObject  *object,
                         const char  *key,
                         gboolean     required,
                         char       **out,
                         const char  *prefix,
                         GError     **error)
{
  JsonNode *node = _strata_json_get_member (object, key, required, prefix, error);

  /* An optional key may be written out as null: the same as leaving it out. */
  if (node == NULL || (!required && JSON_NODE_HOLDS_NULL (node)))
    return !required;

  if (!_strata_json_node_is_string (node))
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be a string, not %s"),
                          key, _strata_json_describe_node (node));
      return FALSE;
    }

  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

gboolean
_strata_json_get_boolean (JsonObject  *object,
                          const char  *key,
                          gboolean    *out,
                          const char  *prefix,
                          GError     **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      _strata_json_error (error, prefix, _("key \"%s\" must be a boolean, not %s"),
                          key, _strata_json_describe_node (node));
      return FALSE;
    }

  *out = json_node_get_boolean (node);
  return TRUE;
}

JsonNode *
_strata_json_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
_strata_json_take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

JsonNode *
_strata_json_new_strv (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  return _strata_json_take_array (array);
}

/* Migration files and schema.json are read with the strict reader of
 * strata-json.c: a key given twice is an error, and large files parse
 * several times faster than through JsonParser. */
JsonNode *
_strata_json_parse_data (const char  *data,
                         gssize       length,
                         const char  *filename,
                         GError     **error)
{
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (filename != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  return _strata_json_read (data, length, filename, error);
}

static void
append_double (GString *out,
               double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* The shortest form that reads back as the same number, and that still
   * reads as a floating point number rather than an integer. */
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  g_string_append (out, buffer);
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_string (GString    *out,
               const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      guchar c = (guchar)*p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char)c);
        }
    }
  g_string_append_c (out, '"');
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    append_string (out, json_node_get_string (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (type == G_TYPE_DOUBLE)
    append_double (out, json_node_get_double (node));
  else
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* Compact form: ", " and ": " separators when @spaced, none otherwise. */
static void
append_compact (GString  *out,
                JsonNode *node,
                gboolean  spaced,
                gboolean  sorted)
{
  if (JSON_NODE_HOLDS_NULL (node))
    g_string_append (out, "null");
  else if (JSON_NODE_HOLDS_VALUE (node))
    append_value (out, node);
  else if (_strata_json_get_number_text (node) != NULL)
    g_string_append (out, _strata_json_get_number_text (node));
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append (out, spaced ? ", " : ",");
          append_compact (out, json_array_get_element (array, i), spaced, sorted);
        }
      g_string_append_c (out, ']');
    }
  else
    {
      JsonObject *object = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (object);
      g_autoptr(GPtrArray) keys = g_ptr_array_new ();

      for (const GList *l = members; l != NULL; l = l->next)
        g_ptr_array_add (keys, l->data);
      if (sorted)
        g_ptr_array_sort (keys, compare_strings);

      g_string_append_c (out, '{');
      for (guint i = 0; i < keys->len; i++)
        {
          const char *key = g_ptr_array_index (keys, i);

          if (i > 0)
            g_string_append (out, spaced ? ", " : ",");
          append_string (out, key);
          g_string_append (out, spaced ? ": " : ":");
          append_compact (out, json_object_get_member (object, key), spaced, sorted);
        }
      g_string_append_c (out, '}');
    }
}

static guint
json_depth (JsonNode *node)
{
  guint depth = 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        depth = MAX (depth, json_depth (json_array_get_element (array, i)));
      return depth + 1;
    }

  if (JSON_NODE_HOLDS_OBJECT (node) && _strata_json_get_number_text (node) == NULL)
    {
      g_autoptr(GList) values = json_object_get_values (json_node_get_object (node));

      for (const GList *l = values; l != NULL; l = l->next)
        depth = MAX (depth, json_depth (l->data));
      return depth + 1;
    }

  return 0;
}

static void
append_pretty (GString  *out,
               JsonNode *node,
               guint     indent,
               gsize     key_width)
{
  if ((JSON_NODE_HOLDS_OBJECT (node) && _strata_json_get_number_text (node) == NULL) ||
      JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autoptr(GString) inline_form = g_string_new (NULL);
      gboolean is_array = JSON_NODE_HOLDS_ARRAY (node);
      guint n;

      /* Short containers of scalars, or of containers of scalars, stay on
       * one line. */
      if (indent > 0 && json_depth (node) <= 2)
        {
          append_compact (inline_form, node, TRUE, FALSE);
          if (indent * 2 + key_width + inline_form->len <= PRETTY_WIDTH)
            {
              g_string_append_len (out, inline_form->str, inline_form->len);
              return;
            }
        }

      if (is_array)
        {
          JsonArray *array = json_node_get_array (node);

          n = json_array_get_length (array);
          if (n == 0)
            {
              g_string_append (out, "[]");
              return;
            }

          g_string_append (out, "[\n");
          for (guint i = 0; i < n; i++)
            {
              g_string_append_printf (out, "%*s", (indent + 1) * 2, "");
              append_pretty (out, json_array_get_element (array, i), indent + 1, 0);
              g_string_append (out, i + 1 < n ? ",\n" : "\n");
            }
          g_string_append_printf (out, "%*s]", indent * 2, "");
        }
      else
        {
          JsonObject *object = json_node_get_object (node);
          g_autoptr(GList) members = json_object_get_members (object);
          guint i = 0;

          n = g_list_length (members);
          if (n == 0)
            {
              g_string_append (out, "{}");
              return;
            }

          g_string_append (out, "{\n");
          for (const GList *l = members; l != NULL; l = l->next, i++)
            {
              const char *key = l->data;
              gsize before;

              g_string_append_printf (out, "%*s", (indent + 1) * 2, "");
              before = out->len;
              append_string (out, key);
              g_string_append (out, ": ");
              append_pretty (out, json_object_get_member (object, key), indent + 1, out->len - before);
              g_string_append (out, i + 1 < n ? ",\n" : "\n");
            }
          g_string_append_printf (out, "%*s}", indent * 2, "");
        }
    }
  else
    append_compact (out, node, TRUE, FALSE);
}

char *
_strata_json_to_pretty (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_pretty (out, node, 0, 0);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

char *
_strata_json_to_canonical (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  append_compact (out, node, FALSE, TRUE);
  return g_string_free (out, FALSE);
}

/* }}} */
