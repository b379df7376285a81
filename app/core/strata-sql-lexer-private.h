/* strata-sql-lexer-private.h: the one SQL tokenizer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the text may hold besides standard SQL ('…' strings with doubled
 * quotes, "…" names, -- and block comments). */
typedef enum
{
  STRATA_SQL_LEX_STANDARD = 0,
  /* SQLite: `…` and […] names. */
  STRATA_SQL_LEX_SQLITE   = 1 << 0,
  /* PostgreSQL: E'…' with backslash escapes, $tag$…$tag$ strings, $1
   * parameters, nested block comments. */
  STRATA_SQL_LEX_POSTGRESQL = 1 << 1,
} StrataSqlLexFlags;

typedef enum
{
  STRATA_SQL_TOKEN_END,
  STRATA_SQL_TOKEN_SPACE,
  STRATA_SQL_TOKEN_COMMENT,
  STRATA_SQL_TOKEN_STRING,
  STRATA_SQL_TOKEN_QUOTED_NAME,
  /* A keyword, name or number: [A-Za-z0-9_$] and non-ASCII. */
  STRATA_SQL_TOKEN_WORD,
  STRATA_SQL_TOKEN_PARAMETER,
  /* Any other single character: ( ) , ; . : = … */
  STRATA_SQL_TOKEN_SYMBOL,
} StrataSqlTokenKind;

typedef struct
{
  StrataSqlTokenKind  kind;
  const char         *start;
  gsize               length;
} StrataSqlToken;

/* The token that starts at @p (@sql is the start of the text, to look
 * behind: E'…' and $tag$ need to know what precedes them). An unterminated
 * string, name or comment runs to the end of the text. */
void      _strata_sql_token_at           (const char         *sql,
                                          const char         *p,
                                          StrataSqlLexFlags   flags,
                                          StrataSqlToken     *token);
/* The character after the token that starts at @p. */
const char *_strata_sql_skip_token       (const char         *sql,
                                          const char         *p,
                                          StrataSqlLexFlags   flags);
/* The text of a quoted name without its quotes, doubled quotes undone. */
char     *_strata_sql_token_unquote      (const StrataSqlToken *token);

/* Splits @sql at the ';' outside strings, names and comments. Statements
 * are trimmed, without their ';'; empty and comment-only ones are left
 * out. */
GPtrArray *_strata_sql_split_statements  (const char         *sql,
                                          StrataSqlLexFlags   flags);

G_END_DECLS
