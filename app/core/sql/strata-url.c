/* strata-url.c: database URLs — parse, format, redact, connection parameters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-url"

#include "config.h"

#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "strata-error.h"
#include "strata-loader-private.h"
#include "strata-url.h"
#include "strata-i18n-private.h"

struct _StrataUrl
{
  GObject        parent_instance;

  StrataDialect  dialect;
  char          *scheme;
  char          *driver;
  char          *user;
  char          *password;
  GArray        *hosts;        /* of StrataUrlHost; names owned */
  char          *database;
  GPtrArray     *param_names;  /* NULL-terminated */
  GPtrArray     *param_values; /* parallel to param_names, no terminator */
  double         sqlite_timeout;
  int            sqlite_flags;
};

G_DEFINE_FINAL_TYPE (StrataUrl, strata_url, G_TYPE_OBJECT)

#define SQLITE_DEFAULT_FLAGS (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)

/* Query parameters whose values are secrets. */
static const char * const secret_params[] = { "password", "sslpassword", NULL };
static const char * const no_params[] = { NULL };

/* Characters left as they are when formatting each part (besides the
 * unreserved ones, which g_string_append_uri_escaped () never escapes). '@',
 * '?', '#', '&' and '%' are always escaped so that the output reads back the
 * same way and strata_url_redact_string () finds the user information. */
#define USERINFO_ALLOWED "!$'()*+;="
#define PATH_ALLOWED     "!$&'()*+,;=:/"
#define KEY_ALLOWED      ""
#define VALUE_ALLOWED    "!$'()*,;:/"

static void
clear_host (gpointer data)
{
  StrataUrlHost *host = data;

  g_free ((char *)host->name);
  host->name = NULL;
}

/* Frees a string that may hold a secret, wiping it first. */
static void
wipe_free (gpointer data)
{
  char *text = data;

  if (text != NULL)
    {
      explicit_bzero (text, strlen (text));
      g_free (text);
    }
}

static void
strata_url_finalize (GObject *object)
{
  StrataUrl *self = (StrataUrl *)object;

  g_clear_pointer (&self->scheme, g_free);
  g_clear_pointer (&self->driver, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->password, wipe_free);
  g_clear_pointer (&self->hosts, g_array_unref);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->param_names, g_ptr_array_unref);
  g_clear_pointer (&self->param_values, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_url_parent_class)->finalize (object);
}

static void
strata_url_class_init (StrataUrlClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_url_finalize;
}

static void
strata_url_init (StrataUrl *self)
{
  self->hosts = g_array_new (FALSE, TRUE, sizeof (StrataUrlHost));
  g_array_set_clear_func (self->hosts, clear_host);
  self->param_names = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  self->param_values = g_ptr_array_new_with_free_func (wipe_free);
  self->sqlite_timeout = -1;
  self->sqlite_flags = SQLITE_DEFAULT_FLAGS;
}

static gboolean
is_secret_param (const char *name)
{
  return g_strv_contains (secret_params, name);
}

static void
add_host (StrataUrl  *self,
          const char *name,
          guint       port)
{
  StrataUrlHost host = { g_strdup (name), port };

  g_array_append_val (self->hosts, host);
}

static void
add_param (StrataUrl  *self,
           const char *name,
           const char *value)
{
  g_ptr_array_add (self->param_names, g_strdup (name));
  g_ptr_array_add (self->param_values, g_strdup (value));
}

/* Secret spans: what redaction hides. */

typedef struct
{
  gsize start;
  gsize end;
} Span;

static const char *
find_char_in (const char *text,
              gsize       start,
              gsize       end,
              char        c)
{
  return start < end ? memchr (text + start, c, end - start) : NULL;
}

static const char *
find_last_char_in (const char *text,
                   gsize       start,
                   gsize       end,
                   char        c)
{
  for (gsize i = end; i > start; i--)
    if (text[i - 1] == c)
      return text + i - 1;
  return NULL;
}

static guint edit_distance (const char *a,
                            const char *b);

/* Whether a query parameter named @name (decoded) is best taken for a
 * secret: password and sslpassword in any case, with stray characters
 * around them ("?password", "PASSWORD", "password "), and what looks like
 * one (passwd, pwd, pass, a near miss of password). In doubt, it is. */
static gboolean
looks_like_secret_param (const char *name)
{
  g_autoptr(GString) compact = g_string_new (NULL);

  if (is_secret_param (name))
    return TRUE;

  for (const char *c = name; *c; c++)
    if (g_ascii_isalnum (*c))
      g_string_append_c (compact, g_ascii_tolower (*c));

  if (strcmp (compact->str, "passfile") == 0)
    return FALSE;
  return strstr (compact->str, "pass") != NULL ||
         strstr (compact->str, "pwd") != NULL ||
         strstr (compact->str, "secret") != NULL ||
         edit_distance (compact->str, "password") <= 2 ||
         edit_distance (compact->str, "sslpassword") <= 2;
}

static gboolean
is_key_delimiter (char c)
{
  return g_ascii_isspace (c) || strchr ("?&;/:@#=,'\"<>`", c) != NULL;
}

/* In [body, end) — the part of one URL after its "//" — the password is what
 * sits between the first ':' and the last '@'. */
static void
collect_userinfo_span (const char *text,
                       gsize       body,
                       gsize       end,
                       GArray     *spans)
{
  /* "scheme:///path": an empty authority holds no user info, so an '@'
   * further on belongs to the path (a SQLite file name may have one). */
  const char *at = body >= end || text[body] == '/' ? NULL : find_last_char_in (text, body, end, '@');

  if (at != NULL)
    {
      const char *colon = find_char_in (text, body, at - text, ':');

      if (colon != NULL && colon + 1 < at)
        {
          Span span = { colon + 1 - text, at - text };
          g_array_append_val (spans, span);
        }
    }
}

/* Secret spans of text[start, end), one URL or a piece of text that holds
 * one: the user information of the URL whose "//" ends at @body and of every
 * URL nested further on (a URL in a parameter's value, two URLs run
 * together), and the value of every "name=value" anywhere whose name looks
 * like a password's (after "?", "&", a second "?", inside another value: the
 * parser's idea of the query does not matter), up to the next '&'. */
static gboolean is_token_end (const char *p);
static void collect_word_userinfo (const char *text,
                                   gsize       start,
                                   gsize       end,
                                   GArray     *spans);
static void collect_secret_params (const char *text,
                                   gsize       start,
                                   gsize       end,
                                   gboolean    in_text,
                                   GArray     *spans);

/* "user:secret@" in any word of text[start, end), URL or not quite
 * ("postgresql:/u:secret@host", "x://a@b/y:secret@h"): from the first ':'
 * after the word's last "//" to the '@'. */
static void
collect_word_userinfo (const char *text,
                       gsize       start,
                       gsize       end,
                       GArray     *spans)
{
  for (const char *at = find_char_in (text, start, end, '@'); at != NULL;
       at = find_char_in (text, at - text + 1, end, '@'))
    {
      const char *word = at;
      const char *colon;
      gboolean empty_authority = FALSE;

      while (word > text + start && !is_token_end (word - 1))
        word--;

      for (const char *p = at; p > word + 1; p--)
        if (p[-1] == '/' && p[-2] == '/')
          {
            /* "sqlite:///path": an empty authority; an '@' further on
             * belongs to the path (a file name may have one). */
            const char *run = p;

            while (run > text + start && run[-1] == '/')
              run--;
            empty_authority = p - run >= 3 && run - 7 >= text &&
                              g_ascii_strncasecmp (run - 7, "sqlite:", 7) == 0;
            word = p;
            break;
          }
      if (empty_authority)
        continue;
      colon = find_char_in (text, word - text, at - text, ':');
      if (colon != NULL && colon + 1 < at)
        {
          Span span = { colon + 1 - text, at - text };
          g_array_append_val (spans, span);
        }
    }
}

static void
collect_secret_spans (const char *text,
                      gsize       start,
                      gsize       body,
                      gsize       end,
                      GArray     *spans)
{
  gsize b = body;

  for (;;)
    {
      const char *next;

      collect_userinfo_span (text, b, end, spans);
      if (b >= end || (next = g_strstr_len (text + b, end - b, "://")) == NULL)
        break;
      b = next - text + 3;
    }

  collect_secret_params (text, start, end, FALSE, spans);
  collect_word_userinfo (text, start, end, spans);
}

/* The value of every name=value in text[start, end) whose name looks like a
 * password's, up to the next '&' (and, @in_text, white space or a quote). */
static void
collect_secret_params (const char *text,
                       gsize       start,
                       gsize       end,
                       gboolean    in_text,
                       GArray     *spans)
{
  for (gsize i = start; i < end; i++)
    {
      gsize key = i;
      const char *amp;
      gsize value_end;
      g_autofree char *raw_key = NULL;
      g_autofree char *decoded = NULL;

      if (text[i] != '=')
        continue;
      while (key > start && !is_key_delimiter (text[key - 1]))
        key--;
      if (key == i)
        continue;

      raw_key = g_strndup (text + key, i - key);
      decoded = g_uri_unescape_string (raw_key, NULL);
      if (!looks_like_secret_param (decoded != NULL ? decoded : raw_key) &&
          !looks_like_secret_param (raw_key))
        continue;

      amp = find_char_in (text, i + 1, end, '&');
      value_end = amp != NULL ? (gsize)(amp - text) : end;
      if (in_text)
        for (gsize v = i + 1; v < value_end; v++)
          if (is_token_end (text + v))
            {
              value_end = v;
              break;
            }
      if (i + 1 < value_end)
        {
          Span span = { i + 1, value_end };
          g_array_append_val (spans, span);
        }
    }
}

static gsize
url_body_start (const char *text,
                gsize       len)
{
  const char *sep = g_strstr_len (text, len, "://");

  return sep != NULL ? (gsize)(sep - text) + 3 : 0;
}

/* Length of a leading "scheme:", or 0. */
static gsize
scheme_prefix_length (const char *text)
{
  gsize i;

  if (!g_ascii_isalpha (text[0]))
    return 0;
  for (i = 1; g_ascii_isalnum (text[i]) || (text[i] != '\0' && strchr ("+.-", text[i]) != NULL); i++)
    ;
  return text[i] == ':' ? i + 1 : 0;
}

/* Whether @text is best read as one URL, spaces and all: it starts with
 * "scheme://", or with "scheme:" and holds no white space. */
static gboolean
is_one_url (const char *text)
{
  gsize prefix = scheme_prefix_length (text);

  if (prefix == 0)
    return FALSE;
  if (strncmp (text + prefix, "//", 2) == 0)
    return TRUE;
  for (const char *c = text; *c; c++)
    if (g_ascii_isspace (*c))
      return FALSE;
  return TRUE;
}

/* Appends text[start, end) with every part covered by @spans as ***; with
 * @escape, control characters become \n, \t or \xNN (for one-line
 * messages). Returns whether something was hidden. */
static gboolean
append_redacted (GString    *out,
                 const char *text,
                 gsize       start,
                 gsize       end,
                 GArray     *spans,
                 gboolean    escape)
{
  gboolean hidden = FALSE;
  gsize i = start;

  while (i < end)
    {
      const Span *covering = NULL;

      for (guint s = 0; s < spans->len; s++)
        {
          const Span *span = &g_array_index (spans, Span, s);

          if (span->start <= i && i < span->end)
            {
              covering = span;
              break;
            }
        }

      if (covering != NULL)
        {
          g_string_append (out, "***");
          hidden = TRUE;
          i = MIN (covering->end, end);
          continue;
        }

      if (escape && ((guchar)text[i] < 0x20 || text[i] == 0x7f))
        {
          if (text[i] == '\n')
            g_string_append (out, "\\n");
          else if (text[i] == '\t')
            g_string_append (out, "\\t");
          else
            g_string_append_printf (out, "\\x%02x", (guchar)text[i]);
        }
      else
        g_string_append_c (out, text[i]);
      i++;
    }

  return hidden;
}

static gboolean
is_token_end (const char *p)
{
  if (*p == '\0' || g_ascii_isspace (*p) || strchr ("\"'<>`", *p) != NULL)
    return TRUE;
  /* ” and » */
  return strncmp (p, "\xe2\x80\x9d", 3) == 0 || strncmp (p, "\xc2\xbb", 2) == 0;
}

/**
 * strata_url_redact_string:
 * @text: (nullable): a URL, or any text that may hold URLs
 *
 * Returns: (transfer full) (nullable): @text with passwords as ***
 */
char *
strata_url_redact_string (const char *text)
{
  g_autoptr(GArray) spans = NULL;
  GString *out;
  gsize len;

  if (text == NULL)
    return NULL;

  len = strlen (text);
  spans = g_array_new (FALSE, FALSE, sizeof (Span));

  if (is_one_url (text))
    {
      collect_secret_spans (text, 0, url_body_start (text, len), len, spans);
    }
  else
    {
      const char *p = text;
      const char *sep;

      while ((sep = strstr (p, "://")) != NULL)
        {
          const char *body = sep + 3;
          const char *token_end = body;

          while (!is_token_end (token_end))
            token_end++;

          /* "user:pass word@host": a ':' and no '@' yet may be a password
           * with white space; err on the side of hiding, up to an '@' on
           * the same line before a quote or another URL. */
          if (memchr (body, ':', token_end - body) != NULL &&
              memchr (body, '@', token_end - body) == NULL)
            {
              const char *q = token_end;

              while (*q != '\0' && *q != '\n' && *q != '@' &&
                     (g_ascii_isspace (*q) || !is_token_end (q)) &&
                     strncmp (q, "://", 3) != 0)
                q++;
              if (*q == '@')
                for (token_end = q; !is_token_end (token_end); token_end++)
                  ;
            }

          collect_secret_spans (text, body - text, body - text, token_end - text, spans);
          p = token_end;
        }

      /* password=… outside any URL (a log line, a conninfo string), and
       * "user:secret@" in a word that is not quite a URL
       * ("postgresql:/ :secret@host"). */
      collect_secret_params (text, 0, len, TRUE, spans);
      collect_word_userinfo (text, 0, len, spans);
    }

  out = g_string_sized_new (len);
  append_redacted (out, text, 0, len, spans, FALSE);
  return g_string_free (out, FALSE);
}

/* The parser. */

typedef struct
{
  const char  *text;
  gsize        len;
  GArray      *spans;     /* secrets, for quoting */
  char        *display;   /* the URL as errors show it */
  GPtrArray   *scratch;   /* strings that live until the end of the parse */
  gboolean     hidden;    /* a quoted part lost characters to *** */
  GError     **error;
  StrataUrl   *url;

  /* PostgreSQL bookkeeping */
  gboolean     hosts_in_url;
  gboolean     ports_in_url;
  GPtrArray   *query_hosts;
  GArray      *query_ports;
} Parser;

static void
parser_clear (Parser *p)
{
  g_clear_pointer (&p->spans, g_array_unref);
  g_clear_pointer (&p->display, g_free);
  g_clear_pointer (&p->scratch, g_ptr_array_unref);
  g_clear_pointer (&p->query_hosts, g_ptr_array_unref);
  g_clear_pointer (&p->query_ports, g_array_unref);
  g_clear_object (&p->url);
}

static const char *
keep (Parser *p,
      char   *str)
{
  g_ptr_array_add (p->scratch, str);
  return str;
}

/* text[start, end) as it may be quoted: secrets hidden, controls escaped. */
static const char *
part (Parser *p,
      gsize   start,
      gsize   end)
{
  GString *out = g_string_new (NULL);

  if (append_redacted (out, p->text, start, MIN (end, p->len), p->spans, TRUE))
    p->hidden = TRUE;
  return keep (p, g_string_free (out, FALSE));
}

/* The character at @pos, quoted. */
static const char *
char_at (Parser *p,
         gsize   pos)
{
  const char *next = g_utf8_find_next_char (p->text + pos, p->text + p->len);

  return part (p, pos, next != NULL ? (gsize)(next - p->text) : p->len);
}

static gboolean parser_fail (Parser     *p,
                             const char *format,
                             ...) G_GNUC_PRINTF (2, 3);

static gboolean
parser_fail (Parser     *p,
             const char *format,
             ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (p->error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
               _("invalid database URL “%s”: %s%s"),
               p->display, reason,
               p->hidden ? " (percent-encode “/”, “?” and “@” in a password: %2F, %3F, %40)" : "");
  return FALSE;
}

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

typedef enum
{
  DECODE_OK,
  DECODE_BAD_ESCAPE,
  DECODE_NUL,
  DECODE_NOT_UTF8,
  DECODE_CONTROL,
} DecodeResult;

/* Percent-decodes text[start, end) into @out; on failure, @bad is where. */
static DecodeResult
percent_decode (const char  *text,
                gsize        start,
                gsize        end,
                gboolean     allow_control,
                char       **out,
                gsize       *bad)
{
  g_autoptr(GString) decoded = g_string_sized_new (end - start);

  for (gsize i = start; i < end; i++)
    {
      int hi, lo;

      if (text[i] != '%')
        {
          g_string_append_c (decoded, text[i]);
          continue;
        }

      *bad = i;
      hi = i + 1 < end ? hex_value (text[i + 1]) : -1;
      lo = i + 2 < end ? hex_value (text[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        return DECODE_BAD_ESCAPE;
      if (hi == 0 && lo == 0)
        return DECODE_NUL;

      g_string_append_c (decoded, (char)(hi << 4 | lo));
      i += 2;
    }

  if (!g_utf8_validate (decoded->str, decoded->len, NULL))
    return DECODE_NOT_UTF8;

  if (!allow_control)
    for (const char *c = decoded->str; *c; c++)
      if ((guchar)*c < 0x20 || *c == 0x7f)
        return DECODE_CONTROL;

  *out = g_string_free (g_steal_pointer (&decoded), FALSE);
  return DECODE_OK;
}

/* @what names the part ("the database name"); a @secret part is never
 * quoted. */
static gboolean
decode_failed (Parser       *p,
               DecodeResult  result,
               gsize         bad,
               gsize         end,
               const char   *what,
               gboolean      secret)
{
  switch (result)
    {
    case DECODE_BAD_ESCAPE:
      if (secret)
        return parser_fail (p, _("bad percent escape in %s (write “%%” itself as %%25)"), what);
      return parser_fail (p, _("bad percent escape “%s” in %s (write “%%” itself as %%25)"),
                          part (p, bad, MIN (bad + 3, end)), what);
    case DECODE_NUL:
      return parser_fail (p, _("%%00 in %s"), what);
    case DECODE_NOT_UTF8:
      return parser_fail (p, _("%s is not valid UTF-8 once percent-decoded"), what);
    case DECODE_CONTROL:
      return parser_fail (p, _("%s holds a control character"), what);
    case DECODE_OK:
    default:
      g_assert_not_reached ();
    }
}

/* For parts whose name needs no quoting. */
static gboolean
decode (Parser      *p,
        gsize        start,
        gsize        end,
        const char  *what,
        gboolean     secret,
        char       **out)
{
  DecodeResult result;
  gsize bad = start;

  if ((result = percent_decode (p->text, start, end, secret, out, &bad)) != DECODE_OK)
    return decode_failed (p, result, bad, end, what, secret);
  return TRUE;
}

/* @text is a port; text[qs, qe) is what to quote; @entry: one entry of the
 * list ?port= holds. */
static gboolean
parse_port_text (Parser     *p,
                 const char *text,
                 gsize       qs,
                 gsize       qe,
                 gboolean    entry)
{
  const char *problem = NULL;
  guint64 value = 0;

  if (*text == '\0')
    problem = _("is empty");
  else
    {
      for (const char *c = text; *c && problem == NULL; c++)
        if (!g_ascii_isdigit (*c))
          problem = _("is not a number");
      if (problem == NULL &&
          (strlen (text) > 5 ||
           !g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL)))
        problem = _("is out of range (1–65535)");
    }

  if (problem != NULL)
    {
      const char *quoted = part (p, qs, qe);

      if (entry && !p->hidden)
        return parser_fail (p, _("port “%s” in ?port=%s %s"),
                            keep (p, g_strescape (text, NULL)), quoted, problem);
      return parser_fail (p, _("port “%s” %s"), quoted, problem);
    }

  return TRUE;
}

static guint
port_value (const char *text)
{
  return text[0] != '\0' ? (guint)g_ascii_strtoull (text, NULL, 10) : 0;
}

static gboolean
is_ipv4_like (const char *name)
{
  for (const char *c = name; *c; c++)
    if (!g_ascii_isdigit (*c) && *c != '.')
      return FALSE;
  return TRUE;
}

/* A host name or an IPv4 address, quoted as text[qs, qe). */
static gboolean
check_host_name (Parser     *p,
                 const char *name,
                 gsize       qs,
                 gsize       qe)
{
  if (is_ipv4_like (name))
    {
      if (!g_hostname_is_ip_address (name))
        return parser_fail (p, _("“%s” is not an IPv4 address"), part (p, qs, qe));
      return TRUE;
    }

  for (const char *c = name; *c; c = g_utf8_next_char (c))
    {
      const char *quoted;

      if (g_ascii_isalnum (*c) || *c == '-' || *c == '.' || *c == '_' || (guchar)*c >= 0x80)
        continue;

      quoted = part (p, qs, qe);
      if (p->hidden || (guchar)*c < 0x20)
        return parser_fail (p, _("invalid character in host “%s”"), quoted);
      return parser_fail (p, _("invalid character “%c” in host “%s”"), *c, quoted);
    }

  return TRUE;
}

/* IPv6 literal without brackets, with an optional %zone. */
static gboolean
is_ipv6_address (const char *text)
{
  g_autofree char *address = g_strdup (text);
  char *zone = strchr (address, '%');

  if (zone != NULL)
    {
      if (zone[1] == '\0')
        return FALSE;
      *zone = '\0';
    }
  return strchr (address, ':') != NULL && g_hostname_is_ip_address (address);
}

/* One "host[:port]" or "[ipv6][:port]" of the URL's host list. */
static gboolean
parse_host_entry (Parser *p,
                  gsize   start,
                  gsize   end,
                  gsize   list_start,
                  gsize   list_end)
{
  const char *text = p->text;
  g_autofree char *name = NULL;
  gsize name_start, name_end, port_start = 0;
  gboolean has_port = FALSE;
  guint port = 0;
  DecodeResult result;
  gsize bad = 0;

  if (start == end)
    return parser_fail (p, _("empty host in the host list “%s”"), part (p, list_start, list_end));

  if (text[start] == '[')
    {
      const char *bracket = find_char_in (text, start, end, ']');
      gsize after;

      if (bracket == NULL)
        return parser_fail (p, _("missing “]” after the IPv6 address “%s”"), part (p, start, end));

      name_start = start + 1;
      name_end = bracket - text;
      if (name_start == name_end)
        return parser_fail (p, _("empty IPv6 address “[]”"));

      after = name_end + 1;
      if (after < end)
        {
          if (text[after] != ':')
            return parser_fail (p, _("unexpected “%s” after the IPv6 address “%s”"),
                                char_at (p, after), part (p, start, after));
          has_port = TRUE;
          port_start = after + 1;
        }

      if ((result = percent_decode (text, name_start, name_end, FALSE, &name, &bad)) != DECODE_OK)
        return decode_failed (p, result, bad, name_end, _("an IPv6 address"), FALSE);
      if (!is_ipv6_address (name))
        return parser_fail (p, _("“%s” is not an IPv6 address"), part (p, start, after));
    }
  else
    {
      const char *colon = find_char_in (text, start, end, ':');

      name_start = start;
      name_end = colon != NULL ? (gsize)(colon - text) : end;

      if (colon != NULL && find_char_in (text, name_end + 1, end, ':') != NULL)
        {
          g_autofree char *entry = g_strndup (text + start, end - start);
          char *last_colon = strrchr (entry, ':');
          gboolean ipv6 = is_ipv6_address (entry);

          *last_colon = '\0';
          if (ipv6 || is_ipv6_address (entry))
            return parser_fail (p, _("an IPv6 address such as “%s” goes in brackets, e.g. [::1]:5432"),
                                part (p, start, end));
        }

      if (colon != NULL)
        {
          has_port = TRUE;
          port_start = name_end + 1;
        }

      if ((result = percent_decode (text, name_start, name_end, FALSE, &name, &bad)) != DECODE_OK)
        return decode_failed (p, result, bad, name_end,
                              keep (p, g_strdup_printf (_("the host “%s”"), part (p, name_start, name_end))),
                              FALSE);

      if (name[0] == '\0')
        g_clear_pointer (&name, g_free);
      else if (name[0] != '/' && !check_host_name (p, name, name_start, name_end))
        return FALSE;
    }

  if (has_port)
    {
      g_autofree char *port_text = g_strndup (text + port_start, end - port_start);

      if (port_start == end)
        return parser_fail (p, _("empty port after “%s”"), part (p, start, end));
      if (!parse_port_text (p, port_text, port_start, end, FALSE))
        return FALSE;
      port = port_value (port_text);
    }

  if (name == NULL && !has_port)
    return parser_fail (p, _("empty host in the host list “%s”"), part (p, list_start, list_end));

  add_host (p->url, name, port);
  p->hosts_in_url = TRUE;
  p->ports_in_url |= has_port;
  return TRUE;
}

static gboolean
parse_host_list (Parser *p,
                 gsize   start,
                 gsize   end)
{
  gsize entry = start;

  for (;;)
    {
      gsize entry_end;
      const char *comma;

      /* A comma never sits inside brackets. */
      if (entry < end && p->text[entry] == '[')
        {
          const char *bracket = find_char_in (p->text, entry, end, ']');

          comma = find_char_in (p->text, bracket != NULL ? (gsize)(bracket - p->text) : entry, end, ',');
        }
      else
        comma = find_char_in (p->text, entry, end, ',');

      entry_end = comma != NULL ? (gsize)(comma - p->text) : end;
      if (!parse_host_entry (p, entry, entry_end, start, end))
        return FALSE;
      if (comma == NULL)
        return TRUE;
      entry = entry_end + 1;
    }
}

/* PostgreSQL's user information and hosts: text[start, end). */
static gboolean
parse_authority (Parser *p,
                 gsize   start,
                 gsize   end)
{
  const char *at = find_last_char_in (p->text, start, end, '@');
  gsize hosts_start = start;

  if (at != NULL)
    {
      gsize at_pos = at - p->text;
      const char *colon = find_char_in (p->text, start, at_pos, ':');
      gsize user_end = colon != NULL ? (gsize)(colon - p->text) : at_pos;
      g_autofree char *user = NULL;
      g_autofree char *password = NULL;

      if (!decode (p, start, user_end, _("the user name"), FALSE, &user))
        return FALSE;
      if (colon != NULL &&
          !decode (p, user_end + 1, at_pos, _("the password"), TRUE, &password))
        return FALSE;

      if (user[0] != '\0')
        p->url->user = g_steal_pointer (&user);
      if (password != NULL && password[0] != '\0')
        p->url->password = g_steal_pointer (&password);

      hosts_start = at_pos + 1;
    }

  if (hosts_start == end)
    return TRUE;

  return parse_host_list (p, hosts_start, end);
}

typedef struct
{
  char  *name;
  char  *value;
  gsize  start;      /* of the raw name */
  gsize  name_end;
  gsize  value_end;
} Param;

static void
param_clear (gpointer data)
{
  Param *param = data;

  g_free (param->name);
  wipe_free (param->value);
}

static const char *
param_name_part (Parser      *p,
                 const Param *param)
{
  return part (p, param->start, param->name_end);
}

static const char *
param_value_part (Parser      *p,
                  const Param *param)
{
  return part (p, param->name_end + 1, param->value_end);
}

/* ?host=a,b (decoded) */
static gboolean
parse_query_hosts (Parser      *p,
                   const Param *param)
{
  g_auto(GStrv) names = g_strsplit (param->value, ",", -1);
  guint n = g_strv_length (names);

  p->query_hosts = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    {
      const char *name = names[i];

      if (name[0] == '\0')
        {
          if (n == 1)
            return parser_fail (p, _("query parameter “host” is empty"));
          g_ptr_array_add (p->query_hosts, NULL);
          continue;
        }

      if (name[0] != '/')
        {
          if (strchr (name, ':') != NULL)
            {
              if (!is_ipv6_address (name))
                return parser_fail (p, _("?host=%s holds something that is not an IPv6 address"),
                                    param_value_part (p, param));
            }
          else if (!check_host_name (p, name, param->name_end + 1, param->value_end))
            return FALSE;
        }

      g_ptr_array_add (p->query_hosts, g_strdup (name));
    }

  return TRUE;
}

/* ?port=1,2 (decoded); an empty entry in a list is the default port. */
static gboolean
parse_query_ports (Parser      *p,
                   const Param *param)
{
  g_auto(GStrv) ports = g_strsplit (param->value, ",", -1);
  guint n = g_strv_length (ports);

  p->query_ports = g_array_new (FALSE, TRUE, sizeof (guint));
  for (guint i = 0; i < n; i++)
    {
      guint port = 0;

      if (ports[i][0] != '\0' || n == 1)
        {
          if (!parse_port_text (p, ports[i], param->name_end + 1, param->value_end, n > 1))
            return FALSE;
          port = port_value (ports[i]);
        }
      g_array_append_val (p->query_ports, port);
    }

  return TRUE;
}

/* The keywords libpq knows. PQconninfoParse ("") lists the same keywords
 * as PQconndefaults () without reading the environment or a service file
 * (which makes PQconndefaults () fail when PGSERVICE names no service).
 * Without libpq the set is empty and no parameter is checked here:
 * connecting says that libpq is missing. */
static GHashTable *
get_libpq_keywords (void)
{
  static GHashTable *keywords = NULL;

  if (g_once_init_enter (&keywords))
    {
      GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      const StrataPq *pq = _strata_pq_load (NULL);

      if (pq != NULL)
        {
          PQconninfoOption *options = pq->PQconninfoParse ("", NULL);

          for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
            g_hash_table_add (table, g_strdup (o->keyword));
          pq->PQconninfoFree (options);
        }

      g_once_init_leave (&keywords, table);
    }

  return keywords;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;

  for (gsize i = 1; i <= la; i++)
    {
      guint diagonal = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint above = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
          diagonal = above;
        }
    }

  return row[lb];
}

/* The known keyword nearest to @name (at most two edits), or NULL. */
static const char *
closest_keyword (const char *name)
{
  GHashTableIter iter;
  gpointer key;
  const char *best = NULL;
  guint best_distance = 3;
  g_autofree char *lower = g_ascii_strdown (name, -1);

  /* Keywords are lower case: PASSWORD is one edit from nothing else. */
  name = lower;

  g_hash_table_iter_init (&iter, get_libpq_keywords ());
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *keyword = key;
      guint distance = edit_distance (name, keyword);

      if (distance < best_distance ||
          (distance == best_distance && best != NULL && strcmp (keyword, best) < 0))
        {
          best = keyword;
          best_distance = distance;
        }
    }

  return best;
}

static gboolean
parse_query (Parser *p,
             gsize   start,
             gsize   end,
             GArray *params)
{
  gsize pos = start;

  while (pos < end)
    {
      const char *amp = find_char_in (p->text, pos, end, '&');
      gsize param_end = amp != NULL ? (gsize)(amp - p->text) : end;
      const char *eq = find_char_in (p->text, pos, param_end, '=');
      Param param = { NULL, NULL, pos, 0, param_end };
      DecodeResult result;
      gsize bad = 0;

      if (pos == param_end)
        return parser_fail (p, _("empty query parameter (“&&”, or “&” at an end)"));
      if (eq == NULL)
        {
          const char *quoted = part (p, pos, param_end);
          return parser_fail (p, _("query parameter “%s” has no value (expected %s=…)"), quoted, quoted);
        }

      param.name_end = eq - p->text;
      if (pos == param.name_end)
        return parser_fail (p, _("query parameter “%s” has no name"), part (p, pos, param_end));
      if (find_char_in (p->text, param.name_end + 1, param_end, '=') != NULL)
        return parser_fail (p, _("query parameter “%s” holds a second “=” (write it as %%3D)"),
                            param_name_part (p, &param));

      if ((result = percent_decode (p->text, pos, param.name_end, FALSE, &param.name, &bad)) != DECODE_OK)
        return decode_failed (p, result, bad, param.name_end,
                              keep (p, g_strdup_printf (_("the name of query parameter “%s”"),
                                                        param_name_part (p, &param))),
                              FALSE);

      result = percent_decode (p->text, param.name_end + 1, param_end,
                               looks_like_secret_param (param.name), &param.value, &bad);
      g_array_append_val (params, param);
      if (result != DECODE_OK)
        return decode_failed (p, result, bad, param_end,
                              keep (p, g_strdup_printf (_("the value of “%s”"),
                                                        param_name_part (p, &param))),
                              looks_like_secret_param (param.name));

      if (param.value[0] == '\0')
        return parser_fail (p, _("query parameter “%s” is empty"), param_name_part (p, &param));
      for (guint i = 0; i + 1 < params->len; i++)
        if (strcmp (g_array_index (params, Param, i).name, param.name) == 0)
          return parser_fail (p, _("query parameter “%s” is given twice"), param_name_part (p, &param));

      pos = param_end + 1;
      if (pos == end)
        return parser_fail (p, _("empty query parameter (“&&”, or “&” at an end)"));
    }

  return TRUE;
}

static const char * const python_sqlite_params[] = {
  "check_same_thread",
  "cached_statements",
  "detect_types",
  "factory",
  "isolation_level",
  "uri",
  NULL
};

static gboolean
apply_sqlite_params (Parser *p,
                     GArray *params)
{
  for (guint i = 0; i < params->len; i++)
    {
      const Param *param = &g_array_index (params, Param, i);

      if (strcmp (param->name, "mode") == 0)
        {
          if (strcmp (param->value, "ro") == 0)
            p->url->sqlite_flags = SQLITE_OPEN_READONLY;
          else if (strcmp (param->value, "rw") == 0)
            p->url->sqlite_flags = SQLITE_OPEN_READWRITE;
          else if (strcmp (param->value, "rwc") == 0)
            p->url->sqlite_flags = SQLITE_DEFAULT_FLAGS;
          else
            return parser_fail (p, _("mode “%s” is not ro, rw or rwc"), param_value_part (p, param));
        }
      else if (strcmp (param->name, "timeout") == 0)
        {
          char *end = NULL;
          double seconds = g_ascii_strtod (param->value, &end);

          if (!g_ascii_isdigit (param->value[0]) || *end != '\0' ||
              !isfinite (seconds) || seconds > 24 * 60 * 60)
            return parser_fail (p, _("timeout “%s” is not a number of seconds (0 to 86400)"),
                                param_value_part (p, param));
          p->url->sqlite_timeout = seconds;
        }
      else if (g_strv_contains (python_sqlite_params, param->name))
        {
          /* Options of Python's sqlite3.connect () that SQLAlchemy URLs
           * carry; they mean nothing here. */
        }
      else
        return parser_fail (p, _("unknown SQLite parameter “%s” (known: mode, timeout)"),
                            param_name_part (p, param));

      add_param (p->url, param->name, param->value);
    }

  return TRUE;
}

static gboolean
apply_postgresql_params (Parser *p,
                         GArray *params)
{
  StrataUrl *url = p->url;
  gboolean has_ssl = FALSE, has_sslmode = FALSE;

  for (guint i = 0; i < params->len; i++)
    {
      Param *param = &g_array_index (params, Param, i);
      const char *name = param->name;

      if (strcmp (name, "host") == 0)
        {
          if (p->hosts_in_url)
            return parser_fail (p, _("the host is given twice, before the path and as ?host="));
          if (!parse_query_hosts (p, param))
            return FALSE;
        }
      else if (strcmp (name, "port") == 0)
        {
          if (p->ports_in_url)
            return parser_fail (p, _("the port is given twice, after the host and as ?port="));
          if (!parse_query_ports (p, param))
            return FALSE;
        }
      else if (strcmp (name, "user") == 0)
        {
          if (url->user != NULL)
            return parser_fail (p, _("the user is given twice, before “@” and as ?user="));
          url->user = g_steal_pointer (&param->value);
        }
      else if (strcmp (name, "password") == 0)
        {
          if (url->password != NULL)
            return parser_fail (p, _("the password is given twice, before “@” and as ?password="));
          url->password = g_steal_pointer (&param->value);
        }
      else if (strcmp (name, "dbname") == 0)
        {
          if (url->database != NULL)
            return parser_fail (p, _("the database is given twice, in the path and as ?dbname="));
          url->database = g_steal_pointer (&param->value);
        }
      else
        {
          if (strcmp (name, "ssl") == 0)
            {
              if (strcmp (param->value, "true") != 0)
                return parser_fail (p, _("ssl=%s: only ssl=true is understood (it means sslmode=require)"),
                                    param_value_part (p, param));
              has_ssl = TRUE;
            }
          else if (g_hash_table_size (get_libpq_keywords ()) > 0 &&
                   !g_hash_table_contains (get_libpq_keywords (), name))
            {
              const char *closest = closest_keyword (name);

              if (closest != NULL)
                return parser_fail (p, _("unknown PostgreSQL parameter “%s” (did you mean “%s”?)"),
                                    param_name_part (p, param), closest);
              return parser_fail (p, _("unknown PostgreSQL parameter “%s”"), param_name_part (p, param));
            }
          else if (strcmp (name, "sslmode") == 0)
            has_sslmode = TRUE;

          add_param (url, name, param->value);
        }
    }

  if (has_ssl && has_sslmode)
    return parser_fail (p, _("ssl=true and sslmode are both given"));

  /* Hosts and ports from the query. */
  if (p->query_hosts != NULL)
    for (guint i = 0; i < p->query_hosts->len; i++)
      add_host (url, g_ptr_array_index (p->query_hosts, i), 0);

  if (p->query_ports != NULL)
    {
      guint n_ports = p->query_ports->len;

      if (url->hosts->len == 0)
        {
          if (n_ports != 1)
            return parser_fail (p, _("?port= lists %u ports for the one default host"), n_ports);
          add_host (url, NULL, g_array_index (p->query_ports, guint, 0));
        }
      else if (n_ports != 1 && n_ports != url->hosts->len)
        {
          /* Translators: the count is of hosts; there are always two ports or more */
          return parser_fail (p, g_dngettext (STRATA_I18N_DOMAIN, "?port= lists %u ports for %u host",
                                              "?port= lists %u ports for %u hosts", url->hosts->len),
                              n_ports, url->hosts->len);
        }
      else
        {
          for (guint i = 0; i < url->hosts->len; i++)
            g_array_index (url->hosts, StrataUrlHost, i).port =
              g_array_index (p->query_ports, guint, n_ports == 1 ? 0 : i);
        }
    }

  return TRUE;
}

static gboolean
in_secret (Parser *p,
           gsize   pos)
{
  for (guint i = 0; i < p->spans->len; i++)
    {
      const Span *span = &g_array_index (p->spans, Span, i);

      if (span->start <= pos && pos < span->end)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_characters (Parser *p)
{
  guint position = 1;

  if (!g_utf8_validate (p->text, p->len, NULL))
    return parser_fail (p, _("it is not valid UTF-8"));

  for (const char *c = p->text; *c; c = g_utf8_next_char (c), position++)
    {
      gunichar ch = g_utf8_get_char (c);
      gboolean secret;

      if (!(ch < 0x20 || (ch >= 0x7f && ch < 0xa0)) && !g_unichar_isspace (ch))
        continue;

      /* Where a password has it, say so, and not where. */
      secret = in_secret (p, c - p->text);
      if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0))
        {
          if (secret)
            return parser_fail (p, _("control character in the password (percent-encode it)"));
          return parser_fail (p, _("control character U+%04X at character %u"), ch, position);
        }
      if (secret)
        return parser_fail (p, _("white space in the password (write a space as %%20)"));
      return parser_fail (p, _("white space at character %u (write a space as %%20)"), position);
    }

  return TRUE;
}

/* Scheme: dialect[+driver], then "//". Returns the position after "//". */
static gboolean
parse_scheme (Parser *p,
              gsize  *body)
{
  const char *text = p->text;
  const char *colon = strchr (text, ':');
  const char *plus;
  gsize scheme_end;
  g_autofree char *dialect = NULL;

  if (colon == NULL)
    return parser_fail (p, _("no scheme: a database URL starts with sqlite:// or postgresql://"));

  scheme_end = colon - text;
  if (scheme_end == 0)
    return parser_fail (p, _("empty scheme before “:”"));

  for (gsize i = 0; i < scheme_end; i++)
    if (!(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '_' ||
          text[i] == '.' || text[i] == '-') ||
        (i == 0 && !g_ascii_isalpha (text[i])))
      return parser_fail (p, _("invalid character “%s” in the scheme “%s”"),
                          char_at (p, i), part (p, 0, scheme_end));

  if (strncmp (colon, "://", 3) != 0)
    return parser_fail (p, _("missing “//” after “%s”"), part (p, 0, scheme_end + 1));

  plus = find_char_in (text, 0, scheme_end, '+');
  dialect = g_ascii_strdown (text, plus != NULL ? plus - text : (gssize)scheme_end);

  if (plus != NULL)
    {
      gsize driver_start = plus - text + 1;

      if (dialect[0] == '\0')
        return parser_fail (p, _("empty dialect before “%s”"), part (p, 0, scheme_end));
      if (driver_start == scheme_end)
        return parser_fail (p, _("empty driver after “%s”"), part (p, 0, driver_start));
      for (gsize i = driver_start; i < scheme_end; i++)
        if (!g_ascii_isalnum (text[i]) && text[i] != '_')
          return parser_fail (p, _("invalid driver “%s” in “%s”"),
                              part (p, driver_start, scheme_end), part (p, 0, scheme_end));
      p->url->driver = g_ascii_strdown (text + driver_start, scheme_end - driver_start);
    }

  if (strcmp (dialect, "sqlite") == 0)
    p->url->dialect = STRATA_DIALECT_SQLITE;
  else if (strcmp (dialect, "postgresql") == 0 || strcmp (dialect, "postgres") == 0)
    p->url->dialect = STRATA_DIALECT_POSTGRESQL;
  else
    return parser_fail (p, _("unknown dialect “%s” (Strata speaks sqlite and postgresql, also written postgres)"),
                        part (p, 0, plus != NULL ? (gsize)(plus - text) : scheme_end));

  p->url->scheme = g_steal_pointer (&dialect);
  *body = scheme_end + 3;
  return TRUE;
}

static gboolean
parse_sqlite (Parser *p,
              gsize   body,
              gsize   authority_end,
              gsize   query)
{
  g_autofree char *path = NULL;

  if (authority_end > body)
    {
      if (find_char_in (p->text, body, authority_end, '@') != NULL)
        return parser_fail (p, _("SQLite takes no user name or password"));
      if (authority_end - body == strlen (":memory:") &&
          strncmp (p->text + body, ":memory:", authority_end - body) == 0)
        return parser_fail (p, _("SQLite has no host (“:memory:”): write sqlite:// or sqlite:///:memory: "
                              "for an in-memory database"));
      return parser_fail (p, _("SQLite has no host (“%s”): write sqlite:///%s for a relative path "
                            "or sqlite:////%s for an absolute one"),
                          part (p, body, authority_end), part (p, body, query),
                          part (p, body, query));
    }

  if (authority_end == query)
    return TRUE;   /* sqlite:// — in memory */

  if (!decode (p, authority_end + 1, query, _("the SQLite path"), FALSE, &path))
    return FALSE;

  if (path[0] == '\0' || strcmp (path, ":memory:") == 0)
    return TRUE;

  if (g_str_has_suffix (path, "/"))
    return parser_fail (p, _("the SQLite path “%s” names a directory"), part (p, authority_end + 1, query));

  p->url->database = g_steal_pointer (&path);
  return TRUE;
}

static gboolean
parse_postgresql (Parser *p,
                  gsize   body,
                  gsize   authority_end,
                  gsize   query)
{
  if (!parse_authority (p, body, authority_end))
    return FALSE;

  if (authority_end < query)
    {
      gsize path = authority_end + 1;

      if (find_char_in (p->text, path, query, '@') != NULL)
        return parser_fail (p, _("“@” in the database name “%s” (write it as %%40)"),
                            part (p, path, query));
      if (!decode (p, path, query, _("the database name"), FALSE, &p->url->database))
        return FALSE;
      if (p->url->database[0] == '\0')
        g_clear_pointer (&p->url->database, g_free);
    }

  return TRUE;
}

/**
 * strata_url_parse:
 * @text: a database URL
 * @error: a #GError, or %NULL
 *
 * Returns: (transfer full): the URL, or %NULL with @error set
 *   (%STRATA_ERROR_INVALID_ARGUMENT)
 */
StrataUrl *
strata_url_parse (const char  *text,
                  GError     **error)
{
  Parser p = { 0 };
  g_autoptr(GArray) params = NULL;
  GString *display;
  gsize body = 0, authority_end, query;
  const char *question;
  StrataUrl *result = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";

  p.text = text;
  p.len = strlen (text);
  p.error = error;
  p.scratch = g_ptr_array_new_with_free_func (g_free);
  p.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  p.url = g_object_new (STRATA_TYPE_URL, NULL);
  params = g_array_new (FALSE, TRUE, sizeof (Param));
  g_array_set_clear_func (params, param_clear);

  collect_secret_spans (text, 0, url_body_start (text, p.len), p.len, p.spans);
  display = g_string_new (NULL);
  append_redacted (display, text, 0, p.len, p.spans, TRUE);
  p.display = g_utf8_make_valid (display->str, display->len);
  g_string_free (display, TRUE);

  if (p.len == 0)
    {
      parser_fail (&p, _("it is empty"));
      goto out;
    }

  if (!check_characters (&p) || !parse_scheme (&p, &body))
    goto out;

  /* The authority ends at the first '/' or '?'; the query at the first
   * '?' after it. */
  authority_end = body + strcspn (text + body, "/?");
  question = strchr (text + authority_end, '?');
  query = question != NULL ? (gsize)(question - text) : p.len;

  if (p.url->dialect == STRATA_DIALECT_SQLITE)
    {
      if (!parse_sqlite (&p, body, authority_end, query))
        goto out;
    }
  else if (!parse_postgresql (&p, body, authority_end, query))
    goto out;

  if (query < p.len && !parse_query (&p, query + 1, p.len, params))
    goto out;

  if (p.url->dialect == STRATA_DIALECT_SQLITE)
    {
      if (!apply_sqlite_params (&p, params))
        goto out;
    }
  else if (!apply_postgresql_params (&p, params))
    goto out;

  result = g_steal_pointer (&p.url);

out:
  parser_clear (&p);
  return result;
}

/* Accessors. */

StrataDialect
strata_url_get_dialect (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), STRATA_DIALECT_SQLITE);

  return self->dialect;
}

const char *
strata_url_get_scheme (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  return self->scheme;
}

const char *
strata_url_get_driver (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  return self->driver;
}

const char *
strata_url_get_user (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  return self->user;
}

const char *
strata_url_get_password (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  return self->password;
}

gboolean
strata_url_has_password (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), FALSE);

  return self->password != NULL;
}

const StrataUrlHost *
strata_url_get_hosts (StrataUrl *self,
                      guint     *n_hosts)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  if (n_hosts != NULL)
    *n_hosts = self->hosts->len;
  return (const StrataUrlHost *)(gpointer)self->hosts->data;
}

const char *
strata_url_get_database (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  return self->database;
}

const char * const *
strata_url_get_param_names (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  /* An empty null-terminated GPtrArray may have no pdata yet. */
  if (self->param_names->pdata == NULL)
    return no_params;
  return (const char * const *)self->param_names->pdata;
}

const char *
strata_url_get_param (StrataUrl  *self,
                      const char *name)
{
  g_return_val_if_fail (STRATA_IS_URL (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->param_values->len; i++)
    if (strcmp (g_ptr_array_index (self->param_names, i), name) == 0)
      return g_ptr_array_index (self->param_values, i);
  return NULL;
}

gboolean
strata_url_is_memory (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), FALSE);

  return self->dialect == STRATA_DIALECT_SQLITE && self->database == NULL;
}

gboolean
strata_url_is_relative (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), FALSE);

  return self->dialect == STRATA_DIALECT_SQLITE &&
         self->database != NULL &&
         !g_path_is_absolute (self->database);
}

/**
 * strata_url_get_sqlite_path:
 * @self: a SQLite #StrataUrl
 * @base_dir: (nullable): what a relative path is relative to
 *
 * Returns: (transfer full): ":memory:" or an absolute path
 */
char *
strata_url_get_sqlite_path (StrataUrl *self,
                            GFile     *base_dir)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (STRATA_IS_URL (self), NULL);
  g_return_val_if_fail (self->dialect == STRATA_DIALECT_SQLITE, NULL);
  g_return_val_if_fail (base_dir == NULL || G_IS_FILE (base_dir), NULL);

  if (self->database == NULL)
    return g_strdup (":memory:");

  if (base_dir != NULL)
    base = g_file_get_path (base_dir);

  return g_canonicalize_filename (self->database, base);
}

int
strata_url_get_sqlite_open_flags (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), SQLITE_DEFAULT_FLAGS);

  return self->sqlite_flags;
}

double
strata_url_get_sqlite_timeout (StrataUrl *self)
{
  g_return_val_if_fail (STRATA_IS_URL (self), -1);

  return self->sqlite_timeout;
}

/* Copies and changes. */

/**
 * strata_url_copy:
 * @self: a #StrataUrl
 *
 * Returns: (transfer full): a copy
 */
StrataUrl *
strata_url_copy (StrataUrl *self)
{
  StrataUrl *copy;

  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  copy = g_object_new (STRATA_TYPE_URL, NULL);
  copy->dialect = self->dialect;
  copy->scheme = g_strdup (self->scheme);
  copy->driver = g_strdup (self->driver);
  copy->user = g_strdup (self->user);
  copy->password = g_strdup (self->password);
  for (guint i = 0; i < self->hosts->len; i++)
    {
      const StrataUrlHost *host = &g_array_index (self->hosts, StrataUrlHost, i);
      add_host (copy, host->name, host->port);
    }
  copy->database = g_strdup (self->database);
  for (guint i = 0; i < self->param_values->len; i++)
    add_param (copy, g_ptr_array_index (self->param_names, i), g_ptr_array_index (self->param_values, i));
  copy->sqlite_timeout = self->sqlite_timeout;
  copy->sqlite_flags = self->sqlite_flags;

  return copy;
}

/**
 * strata_url_dup_without_password:
 * @self: a #StrataUrl
 *
 * Returns: (transfer full): a copy without the password
 */
StrataUrl *
strata_url_dup_without_password (StrataUrl *self)
{
  StrataUrl *copy;

  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  copy = strata_url_copy (self);
  g_clear_pointer (&copy->password, wipe_free);
  return copy;
}

void
strata_url_set_password (StrataUrl  *self,
                         const char *password)
{
  g_return_if_fail (STRATA_IS_URL (self));
  g_return_if_fail (self->dialect == STRATA_DIALECT_POSTGRESQL || password == NULL);

  g_clear_pointer (&self->password, wipe_free);
  if (password != NULL && password[0] != '\0')
    self->password = g_strdup (password);
}

/* Formatting. */

static gboolean
hosts_need_query_form (StrataUrl *self)
{
  for (guint i = 0; i < self->hosts->len; i++)
    {
      const StrataUrlHost *host = &g_array_index (self->hosts, StrataUrlHost, i);

      if (host->name != NULL && host->name[0] == '/')
        return TRUE;
      if (host->name == NULL && host->port == 0)
        return TRUE;
    }
  return FALSE;
}

static void
append_query_param (GString    *out,
                    gboolean   *first,
                    const char *name,
                    const char *value,
                    gboolean    escape_value)
{
  g_string_append_c (out, *first ? '?' : '&');
  *first = FALSE;
  g_string_append_uri_escaped (out, name, KEY_ALLOWED, TRUE);
  g_string_append_c (out, '=');
  if (escape_value)
    g_string_append_uri_escaped (out, value, VALUE_ALLOWED, TRUE);
  else
    g_string_append (out, value);
}

static char *
join_hosts (StrataUrl *self,
            gboolean   ports)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < self->hosts->len; i++)
    {
      const StrataUrlHost *host = &g_array_index (self->hosts, StrataUrlHost, i);

      if (i > 0)
        g_string_append_c (out, ',');
      if (ports)
        {
          if (host->port != 0)
            g_string_append_printf (out, "%u", host->port);
        }
      else if (host->name != NULL)
        g_string_append (out, host->name);
    }

  return g_string_free (out, FALSE);
}

static gboolean
hosts_have_ports (StrataUrl *self)
{
  for (guint i = 0; i < self->hosts->len; i++)
    if (g_array_index (self->hosts, StrataUrlHost, i).port != 0)
      return TRUE;
  return FALSE;
}

/* One port for all hosts, or 0. */
static guint
common_port (StrataUrl *self)
{
  guint port = 0;

  for (guint i = 0; i < self->hosts->len; i++)
    {
      guint this_port = g_array_index (self->hosts, StrataUrlHost, i).port;

      if (i > 0 && this_port != port)
        return 0;
      port = this_port;
    }
  return port;
}

/**
 * strata_url_to_string:
 * @self: a #StrataUrl
 * @redact: whether to show the password as ***
 *
 * Returns: (transfer full): the canonical form of the URL
 */
char *
strata_url_to_string (StrataUrl *self,
                      gboolean   redact)
{
  GString *out;
  gboolean first = TRUE;
  gboolean query_hosts;

  g_return_val_if_fail (STRATA_IS_URL (self), NULL);

  out = g_string_new (self->scheme);
  if (self->driver != NULL)
    g_string_append_printf (out, "+%s", self->driver);
  g_string_append (out, "://");

  if (self->dialect == STRATA_DIALECT_SQLITE)
    {
      if (self->database != NULL)
        {
          /* A path may hold a whole other URL, password and all. */
          g_autofree char *path = redact ? strata_url_redact_string (self->database)
                                         : g_strdup (self->database);

          g_string_append_c (out, '/');
          g_string_append_uri_escaped (out, path, PATH_ALLOWED, TRUE);
        }
      for (guint i = 0; i < self->param_values->len; i++)
        append_query_param (out, &first, g_ptr_array_index (self->param_names, i),
                            g_ptr_array_index (self->param_values, i), TRUE);
      return g_string_free (out, FALSE);
    }

  if (self->user != NULL || self->password != NULL)
    {
      if (self->user != NULL)
        g_string_append_uri_escaped (out, self->user, USERINFO_ALLOWED, TRUE);
      if (self->password != NULL)
        {
          g_string_append_c (out, ':');
          if (redact)
            g_string_append (out, "***");
          else
            g_string_append_uri_escaped (out, self->password, USERINFO_ALLOWED, TRUE);
        }
      g_string_append_c (out, '@');
    }

  query_hosts = hosts_need_query_form (self);
  if (!query_hosts)
    {
      for (guint i = 0; i < self->hosts->len; i++)
        {
          const StrataUrlHost *host = &g_array_index (self->hosts, StrataUrlHost, i);

          if (i > 0)
            g_string_append_c (out, ',');
          if (host->name != NULL && strchr (host->name, ':') != NULL)
            {
              g_string_append_c (out, '[');
              g_string_append_uri_escaped (out, host->name, ":.", FALSE);
              g_string_append_c (out, ']');
            }
          else if (host->name != NULL)
            g_string_append_uri_escaped (out, host->name, "", TRUE);
          if (host->port != 0)
            g_string_append_printf (out, ":%u", host->port);
        }
    }

  if (self->database != NULL)
    {
      g_autofree char *database = redact ? strata_url_redact_string (self->database)
                                         : g_strdup (self->database);

      g_string_append_c (out, '/');
      g_string_append_uri_escaped (out, database, PATH_ALLOWED, TRUE);
    }

  if (query_hosts)
    {
      g_autofree char *hosts = join_hosts (self, FALSE);
      guint port = common_port (self);

      append_query_param (out, &first, "host", hosts, TRUE);
      if (port != 0)
        {
          g_autofree char *port_text = g_strdup_printf ("%u", port);
          append_query_param (out, &first, "port", port_text, FALSE);
        }
      else if (hosts_have_ports (self))
        {
          g_autofree char *ports = join_hosts (self, TRUE);
          append_query_param (out, &first, "port", ports, FALSE);
        }
    }

  for (guint i = 0; i < self->param_values->len; i++)
    {
      const char *name = g_ptr_array_index (self->param_names, i);
      const char *value = g_ptr_array_index (self->param_values, i);

      if (redact && looks_like_secret_param (name))
        append_query_param (out, &first, name, "***", FALSE);
      else if (redact)
        {
          /* A URL inside a value (application_name=postgresql://…) keeps
           * its password to itself. */
          g_autofree char *hidden = strata_url_redact_string (value);

          append_query_param (out, &first, name, hidden, TRUE);
        }
      else
        append_query_param (out, &first, name, value, TRUE);
    }

  return g_string_free (out, FALSE);
}

gboolean
strata_url_equal (StrataUrl *a,
                  StrataUrl *b)
{
  g_autofree char *sa = NULL;
  g_autofree char *sb = NULL;

  g_return_val_if_fail (STRATA_IS_URL (a), FALSE);
  g_return_val_if_fail (STRATA_IS_URL (b), FALSE);

  sa = strata_url_to_string (a, FALSE);
  sb = strata_url_to_string (b, FALSE);
  return strcmp (sa, sb) == 0;
}

/**
 * strata_url_to_conninfo_keywords:
 * @self: a PostgreSQL #StrataUrl
 * @keywords: (out) (transfer full): NULL-terminated keywords
 * @values: (out) (transfer full): NULL-terminated values, as many
 *
 * For PQconnectdbParams () with expand_dbname = 0.
 */
void
strata_url_to_conninfo_keywords (StrataUrl   *self,
                                 char      ***keywords,
                                 char      ***values)
{
  g_autoptr(GStrvBuilder) keys = NULL;
  g_autoptr(GStrvBuilder) vals = NULL;

  g_return_if_fail (STRATA_IS_URL (self));
  g_return_if_fail (self->dialect == STRATA_DIALECT_POSTGRESQL);
  g_return_if_fail (keywords != NULL);
  g_return_if_fail (values != NULL);

  keys = g_strv_builder_new ();
  vals = g_strv_builder_new ();

#define ADD(k, v) G_STMT_START { g_strv_builder_add (keys, (k)); g_strv_builder_add (vals, (v)); } G_STMT_END

  if (self->hosts->len > 0)
    {
      gboolean any_name = FALSE;

      for (guint i = 0; i < self->hosts->len; i++)
        any_name |= g_array_index (self->hosts, StrataUrlHost, i).name != NULL;

      if (any_name)
        {
          g_autofree char *hosts = join_hosts (self, FALSE);
          ADD ("host", hosts);
        }
      if (hosts_have_ports (self))
        {
          g_autofree char *ports = join_hosts (self, TRUE);
          ADD ("port", ports);
        }
    }

  if (self->database != NULL)
    ADD ("dbname", self->database);
  if (self->user != NULL)
    ADD ("user", self->user);
  if (self->password != NULL)
    ADD ("password", self->password);

  for (guint i = 0; i < self->param_values->len; i++)
    {
      const char *name = g_ptr_array_index (self->param_names, i);
      const char *value = g_ptr_array_index (self->param_values, i);

      /* libpq's JDBC-compatible spelling, as its URI parser reads it. */
      if (strcmp (name, "ssl") == 0)
        ADD ("sslmode", "require");
      else
        ADD (name, value);
    }

#undef ADD

  *keywords = g_strv_builder_end (keys);
  *values = g_strv_builder_end (vals);
}
