/* fuzz-url.c: database URLs, with a password-leak oracle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is cut into pieces; a marked password (PW_MARK) is put in a
 * password's place among them: after "user:" before an '@', or as the value
 * of password=, PASSWORD=, ?password= (after another '?'), sslpassword=,
 * passwd=, inside another parameter's value or a second URL. Whatever the
 * rest, the mark must never appear in an error, in the redacted canonical
 * form, or in strata_url_redact_string's output. Any input is also parsed
 * as it is, for crashes.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "strata.h"
#include "fuzz.h"

#define PW_MARK "Zq7PwMark"

G_GNUC_NORETURN static void
leak (const char *where,
      const char *url,
      const char *shown)
{
  fprintf (stderr, "password leaked in %s\n  URL:   %s\n  shown: %s\n", where, url, shown);
  abort ();
}

static void
check_url (const char *text,
           gboolean    marked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataUrl) url = strata_url_parse (text, &error);
  g_autofree char *redacted = strata_url_redact_string (text);

  g_assert ((url == NULL) != (error == NULL));
  if (marked && strstr (redacted, PW_MARK) != NULL)
    leak ("strata_url_redact_string", text, redacted);
  if (error != NULL)
    {
      if (marked && strstr (error->message, PW_MARK) != NULL)
        leak ("an error", text, error->message);
    }
  else
    {
      g_autofree char *shown = strata_url_to_string (url, TRUE);

      if (marked && strstr (shown, PW_MARK) != NULL)
        leak ("strata_url_to_string (redact)", text, shown);
    }
}

/* Only the characters a URL is made of, so that a piece cannot end the
 * password's place by accident with a byte of its own choosing; '&' and
 * '@' stay possible elsewhere. */
static char *
piece (const uint8_t **data,
       size_t         *size,
       gboolean        tame)
{
  static const char alphabet[] = "abcpqrstuPSWORD0129:/?=&@.,%[]+-_#;' \"";
  GString *out = g_string_new (NULL);
  size_t n = *size > 0 ? (*data)[0] % 24 : 0;

  if (*size > 0)
    (*data)++, (*size)--;
  for (size_t i = 0; i < n && *size > 0; i++, (*data)++, (*size)--)
    {
      char c = alphabet[(*data)[0] % (sizeof alphabet - 1)];

      if (tame && strchr ("/?@&#% \"'", c) != NULL)
        c = 'x';
      g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const schemes[] = {
    "postgresql://", "postgres://", "postgresql+psycopg2://", "sqlite://", "POSTGRESQL://", "postgresql:/",
  };
  static const char * const keys[] = {
    "password", "PASSWORD", "Password", "sslpassword", "passwd", "pwd", "%70assword", "?password",
  };
  g_autofree char *whole = g_strndup ((const char *)data, size);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *text = NULL;
  guint mode, scheme, key;

  /* As it is: no crash, one line. */
  check_url (whole, FALSE);

  if (size < 3)
    return 0;
  mode = data[0] % 6;
  scheme = data[1] % G_N_ELEMENTS (schemes);
  key = data[2] % G_N_ELEMENTS (keys);
  data += 3, size -= 3;
  a = piece (&data, &size, mode == 0);
  /* Between the mark and its '@', white space or a quote would make the
   * text prose rather than a URL for redact_string: the piece after the
   * mark is tame in mode 0 (a limit, written in strata-url.h). */
  b = piece (&data, &size, mode == 0);
  c = piece (&data, &size, FALSE);

  switch (mode)
    {
    case 0: /* user:PASSWORD@rest */
      text = g_strconcat (schemes[scheme], a, ":", PW_MARK, b, "@", c, NULL);
      break;
    case 1: /* …?key=PASSWORD… */
      text = g_strconcat (schemes[scheme], a, "?", keys[key], "=", PW_MARK, b, NULL);
      break;
    case 2: /* …&key=PASSWORD… */
      text = g_strconcat (schemes[scheme], a, "?", b, "&", keys[key], "=", PW_MARK, c, NULL);
      break;
    case 3: /* another parameter's value holds it: ?x=y?password=… */
      text = g_strconcat (schemes[scheme], a, "?sslmode=", b, "?", keys[key], "=", PW_MARK, c, NULL);
      break;
    case 4: /* a second URL in a value (a PostgreSQL one: SQLite has no password) */
      text = g_strconcat (schemes[scheme], a, "?application_name=", schemes[scheme % 3], b, ":", PW_MARK,
                          "@", c, NULL);
      break;
    case 5: /* two URLs run together */
    default:
      text = g_strconcat (schemes[scheme], a, schemes[(scheme + 1) % G_N_ELEMENTS (schemes)],
                          "u:", PW_MARK, "@", b, c, NULL);
      break;
    }

  check_url (text, TRUE);
  return 0;
}
