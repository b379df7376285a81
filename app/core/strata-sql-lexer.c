/* strata-sql-lexer.c: the one SQL tokenizer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything in Strata that must walk SQL text without parsing it
 * (splitting a script into statements, finding a parenthesis' match, a
 * WHERE outside parentheses, names inside an expression) asks this file
 * where a token ends, so that quotes and comments mean the same thing
 * everywhere. SQLite's own sqlite3_complete() decides where its statements
 * end when it runs them.
 */

#define G_LOG_DOMAIN "strata-sql"

#include "config.h"

#include <string.h>

#include "strata-sql-lexer-private.h"

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$' || (guchar)c >= 0x80;
}

/* At a '$': the length of a dollar-quote tag ($$ or $name$), or 0. */
static gsize
dollar_tag_length (const char *p)
{
  const char *q = p + 1;

  if (g_ascii_isdigit (*q))
    return 0;

  while (*q != '\0' && *q != '$' && (g_ascii_isalnum (*q) || *q == '_' || (guchar)*q >= 0x80))
    q++;

  return *q == '$' ? (gsize)(q - p + 1) : 0;
}

/* Past a quoted run that starts at @p with @open and ends with @close;
 * @close doubled inside stands for itself (not for ']'), and with
 * @backslashes a backslash escapes the next character. */
static const char *
skip_quoted (const char *p,
             char        close,
             gboolean    backslashes)
{
  for (p++; *p != '\0'; p++)
    {
      if (backslashes && *p == '\\' && p[1] != '\0')
        p++;
      else if (*p == close && close != ']' && p[1] == close)
        p++;
      else if (*p == close)
        return p + 1;
    }

  return p;
}

void
_strata_sql_token_at (const char         *sql,
                      const char         *p,
                      StrataSqlLexFlags   flags,
                      StrataSqlToken     *token)
{
  const char *end = p;
  gboolean pg = (flags & STRATA_SQL_LEX_POSTGRESQL) != 0;
  gboolean sqlite = (flags & STRATA_SQL_LEX_SQLITE) != 0;

  token->start = p;

  if (*p == '\0')
    {
      token->kind = STRATA_SQL_TOKEN_END;
      token->length = 0;
      return;
    }

  if (g_ascii_isspace (*p))
    {
      while (g_ascii_isspace (*end))
        end++;
      token->kind = STRATA_SQL_TOKEN_SPACE;
    }
  else if (p[0] == '-' && p[1] == '-')
    {
      while (*end != '\0' && *end != '\n')
        end++;
      token->kind = STRATA_SQL_TOKEN_COMMENT;
    }
  else if (p[0] == '/' && p[1] == '*')
    {
      guint depth = 1;

      for (end = p + 2; *end != '\0' && depth > 0; )
        {
          if (pg && end[0] == '/' && end[1] == '*')
            depth++, end += 2;
          else if (end[0] == '*' && end[1] == '/')
            depth--, end += 2;
          else
            end++;
        }
      token->kind = STRATA_SQL_TOKEN_COMMENT;
    }
  else if (*p == '\'')
    {
      /* E'…' takes backslash escapes; '…' doubles its quotes. */
      gboolean escapes = pg && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
                         (p - 1 == sql || !is_word_char (p[-2]));

      end = skip_quoted (p, '\'', escapes);
      token->kind = STRATA_SQL_TOKEN_STRING;
    }
  else if (*p == '"' || (sqlite && (*p == '`' || *p == '[')))
    {
      end = skip_quoted (p, *p == '[' ? ']' : *p, FALSE);
      token->kind = STRATA_SQL_TOKEN_QUOTED_NAME;
    }
  else if (pg && *p == '$' && (p == sql || !is_word_char (p[-1])) && dollar_tag_length (p) > 0)
    {
      gsize tag_len = dollar_tag_length (p);
      g_autofree char *tag = g_strndup (p, tag_len);
      const char *close = strstr (p + tag_len, tag);

      end = close != NULL ? close + tag_len : p + strlen (p);
      token->kind = STRATA_SQL_TOKEN_STRING;
    }
  else if (pg && *p == '$' && g_ascii_isdigit (p[1]))
    {
      for (end = p + 1; g_ascii_isdigit (*end); end++)
        ;
      token->kind = STRATA_SQL_TOKEN_PARAMETER;
    }
  else if (is_word_char (*p))
    {
      while (is_word_char (*end))
        end++;
      token->kind = STRATA_SQL_TOKEN_WORD;
    }
  else
    {
      end = p + 1;
      token->kind = STRATA_SQL_TOKEN_SYMBOL;
    }

  token->length = end - p;
}

const char *
_strata_sql_skip_token (const char        *sql,
                        const char        *p,
                        StrataSqlLexFlags  flags)
{
  StrataSqlToken token;

  _strata_sql_token_at (sql, p, flags, &token);

  return token.start + token.length;
}

char *
_strata_sql_token_unquote (const StrataSqlToken *token)
{
  GString *out = g_string_sized_new (token->length);
  const char *p = token->start;
  const char *end = token->start + token->length;
  char close;

  if (token->length == 0)
    return g_string_free (out, FALSE);

  close = *p == '[' ? ']' : *p;
  for (p++; p < end; p++)
    {
      if (*p == close && close != ']' && p + 1 < end && p[1] == close)
        p++;
      else if (*p == close)
        break;
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

static void
add_statement (GPtrArray  *statements,
               const char *start,
               const char *end,
               gboolean    has_code)
{
  g_autofree char *text = NULL;

  if (!has_code)
    return;

  text = g_strndup (start, end - start);
  g_ptr_array_add (statements, g_strdup (g_strstrip (text)));
}

GPtrArray *
_strata_sql_split_statements (const char        *sql,
                              StrataSqlLexFlags  flags)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  const char *start = sql;
  const char *p = sql;
  gboolean has_code = FALSE;

  for (;;)
    {
      StrataSqlToken token;

      _strata_sql_token_at (sql, p, flags, &token);

      if (token.kind == STRATA_SQL_TOKEN_END)
        break;

      if (token.kind == STRATA_SQL_TOKEN_SYMBOL && *token.start == ';')
        {
          add_statement (statements, start, p, has_code);
          start = p + 1;
          has_code = FALSE;
        }
      else if (token.kind != STRATA_SQL_TOKEN_SPACE && token.kind != STRATA_SQL_TOKEN_COMMENT)
        has_code = TRUE;

      p = token.start + token.length;
    }

  add_statement (statements, start, p, has_code);

  return statements;
}
