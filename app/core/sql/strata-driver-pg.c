/* strata-driver-pg.c: the PostgreSQL driver (libpq)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every request goes out with PQsendQuery()/PQsendQueryParams() and its
 * results come back through a PQgetResult() loop: a multi-statement batch
 * (BEGIN; …; COMMIT) is one round trip, and the loop counts the statements
 * that succeeded, so an error names the statement that failed. Cancelling
 * is PQcancel() on a PGcancel made at connection time, which any thread may
 * use.
 */

#define G_LOG_DOMAIN "strata-driver-pg"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>

#include <pg_query.h>

#include "strata-driver-pg-private.h"
#include "strata-driver-private.h"
#include "strata-error.h"
#include "strata-loader-private.h"
#include "strata-sql-lexer-private.h"
#include "strata-url.h"
#include "strata-i18n-private.h"

/* SQLSTATEs the driver tells apart. */
#define SQLSTATE_QUERY_CANCELED      "57014"
#define SQLSTATE_LOCK_NOT_AVAILABLE  "55P03"
#define SQLSTATE_READ_ONLY           "25006"
#define SQLSTATE_ADMIN_SHUTDOWN      "57P01"
#define SQLSTATE_CRASH_SHUTDOWN      "57P02"
#define SQLSTATE_CANNOT_CONNECT_NOW  "57P03"

/* A statement still running after this long is looked at: when it waits for
 * another session's lock, "statement-waiting" says whose. */
#define STATEMENT_WAIT_NOTICE_MS 1000

/* Who blocks backend $1: pid, application, user, state, seconds in that
 * state, and the start of its query. */
#define BLOCKERS_SQL \
  "SELECT a.pid, a.application_name, a.usename::text, a.state, " \
  "       extract(epoch FROM clock_timestamp() - a.state_change)::bigint, " \
  "       left(regexp_replace(a.query, '\\s+', ' ', 'g'), 120) " \
  "FROM pg_catalog.pg_stat_activity a " \
  "WHERE a.pid = ANY (pg_catalog.pg_blocking_pids($1::int)) ORDER BY a.pid"

struct _StrataDriverPg
{
  StrataDriver    parent_instance;

  const StrataPq *pq;
  PGconn         *conn;
  char           *location;

  /* PQcancel() from any thread; the mutex keeps finalize away meanwhile. */
  GMutex          cancel_mutex;
  PGcancel       *cancel;
  /* Set by strata_driver_interrupt() (any thread), reset by each call. */
  int             interrupted;
  /* The cancellable of the call running now (owner thread only). */
  GCancellable   *cancellable;

  guint64         round_trips;

  /* The advisory lock held for a run, by key text. */
  char           *lock_name;
  gint64          lock_key;
};

typedef struct
{
  StrataDriverClass parent_class;
} StrataDriverPgClass;

enum {
  LOCK_WAITING,
  STATEMENT_WAITING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (StrataDriverPg, strata_driver_pg, STRATA_TYPE_DRIVER)

/* Statement splitting {{{ */

/* By PostgreSQL's own grammar (libpg_query): dollar quotes, BEGIN ATOMIC …
 * END bodies, CREATE RULE … DO ALSO (a; b) stay one statement each. Text
 * the parser refuses is split by PostgreSQL's scanner, so the server
 * reports the error on the statement at fault. */
GPtrArray *
_strata_driver_pg_split_statements (const char *sql)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  PgQuerySplitResult result = pg_query_split_with_parser (sql);

  if (result.error != NULL)
    {
      pg_query_free_split_result (result);
      result = pg_query_split_with_scanner (sql);
    }

  if (result.error != NULL)
    {
      pg_query_free_split_result (result);
      g_ptr_array_unref (statements);
      return _strata_sql_split_statements (sql, STRATA_SQL_LEX_POSTGRESQL);
    }

  for (int i = 0; i < result.n_stmts; i++)
    {
      PgQuerySplitStmt *stmt = result.stmts[i];
      g_autofree char *text = g_strndup (sql + stmt->stmt_location, stmt->stmt_len);

      g_strstrip (text);
      if (*text != '\0')
        g_ptr_array_add (statements, g_steal_pointer (&text));
    }

  pg_query_free_split_result (result);

  return statements;
}

/* }}} */

/* Errors {{{ */

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

/* libpq's messages, on one line: "connection to server at … failed: "
 * prefixes and severity words go, lines are joined with "; ". */
static char *
clean_message (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message != NULL ? message : "", "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *failed;

      if (g_str_has_prefix (line, "connection to server ") &&
          (failed = strstr (line, " failed: ")) != NULL)
        line += failed + strlen (" failed: ") - line;

      for (;;)
        {
          if (g_str_has_prefix (line, "FATAL:"))
            line += strlen ("FATAL:");
          else if (g_str_has_prefix (line, "ERROR:"))
            line += strlen ("ERROR:");
          else
            break;
          while (g_ascii_isspace (*line))
            line++;
        }

      if (*line == '\0' || strstr (out->str, line) != NULL)
        continue;

      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, line);
    }

  if (out->len == 0)
    g_string_append (out, _("unknown error"));

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
describe_location (const StrataPq *pq,
                   PGconn         *conn)
{
  const char *host = pq->PQhost (conn);
  const char *port = pq->PQport (conn);
  const char *db = pq->PQdb (conn);

  if (host == NULL || *host == '\0')
    host = "localhost";

  if (port != NULL && *port != '\0')
    return g_strdup_printf ("%s:%s/%s", host, port, db != NULL ? db : "");

  return g_strdup_printf ("%s/%s", host, db != NULL ? db : "");
}

static gboolean
is_interrupted (StrataDriverPg *self)
{
  return g_atomic_int_get (&self->interrupted) != 0 ||
         (self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable));
}

static void
set_connection_lost (StrataDriverPg  *self,
                     GError         **error,
                     const char      *statement,
                     const char      *message)
{
  g_autofree char *what = _strata_driver_describe_statement (statement);
  g_autofree char *text = clean_message (message);

  g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
               _("%s: lost the connection to %s: %s"), what, self->location, text);
}

/* Maps an error result to a STRATA_ERROR naming @statement. */
static void
set_result_error (StrataDriverPg  *self,
                  GError         **error,
                  const PGresult  *result,
                  const char      *statement)
{
  const char *sqlstate = self->pq->PQresultErrorField (result, PG_DIAG_SQLSTATE);
  const char *primary = self->pq->PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY);
  const char *detail = self->pq->PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL);
  g_autofree char *what = _strata_driver_describe_statement (statement);
  g_autofree char *message = NULL;

  if (sqlstate == NULL)
    sqlstate = "";
  if (primary == NULL)
    {
      message = clean_message (self->pq->PQresultErrorMessage (result));
      primary = message;
    }

  if (g_str_equal (sqlstate, STRATA_DRIVER_PG_SQLSTATE_STATE))
    g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_STATE, primary);
  else if (g_str_equal (sqlstate, SQLSTATE_QUERY_CANCELED) && is_interrupted (self))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("%s: cancelled"), what);
  else if (g_str_equal (sqlstate, SQLSTATE_LOCK_NOT_AVAILABLE))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                 _("%s: %s (lock_timeout) on %s"), what, primary, self->location);
  else if (g_str_equal (sqlstate, SQLSTATE_READ_ONLY))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_READ_ONLY,
                 _("%s: %s on %s"), what, primary, self->location);
  else if (g_str_has_prefix (sqlstate, "08") ||
           g_str_equal (sqlstate, SQLSTATE_ADMIN_SHUTDOWN) ||
           g_str_equal (sqlstate, SQLSTATE_CRASH_SHUTDOWN) ||
           g_str_equal (sqlstate, SQLSTATE_CANNOT_CONNECT_NOW) ||
           self->pq->PQstatus (self->conn) == CONNECTION_BAD)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                 _("%s: lost the connection to %s: %s"), what, self->location, primary);
  else if (g_str_has_prefix (sqlstate, "28"))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_AUTHENTICATION,
                 _("%s: %s on %s"), what, primary, self->location);
  else if (detail != NULL && *detail != '\0')
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                 "%s: %s (%s)", what, primary, detail);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE, "%s: %s", what, primary);
}

/* }}} */

/* Requests {{{ */

static void
call_begin (StrataDriverPg *self,
            GCancellable   *cancellable)
{
  g_atomic_int_set (&self->interrupted, 0);
  self->cancellable = cancellable;
}

static void
call_end (StrataDriverPg *self)
{
  self->cancellable = NULL;
}

static void
send_cancel (StrataDriverPg *self)
{
  char errbuf[256];

  g_mutex_lock (&self->cancel_mutex);
  if (self->cancel != NULL && !self->pq->PQcancel (self->cancel, errbuf, sizeof errbuf))
    g_debug ("PQcancel on %s: %s", self->location, errbuf);
  g_mutex_unlock (&self->cancel_mutex);
}

static gboolean
check_usable (StrataDriverPg  *self,
              const char      *sql,
              GError         **error)
{
  if (is_interrupted (self))
    {
      g_autofree char *what = _strata_driver_describe_statement (sql);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("%s: cancelled"), what);
      return FALSE;
    }

  if (self->pq->PQstatus (self->conn) != CONNECTION_OK)
    {
      set_connection_lost (self, error, sql, self->pq->PQerrorMessage (self->conn));
      return FALSE;
    }

  return TRUE;
}

/* After a request went out: a cancel that came in while it was being sent
 * (and so reached an idle server) is sent again. */
static void
after_send (StrataDriverPg *self)
{
  self->round_trips++;

  if (is_interrupted (self))
    send_cancel (self);
}

/* A second connection to the same server (PQconninfo has the password
 * and every parameter of this one), to look at the first while it waits. */
static PGconn *
open_side_connection (StrataDriverPg *self)
{
  PQconninfoOption *options = self->pq->PQconninfo (self->conn);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  PGconn *side;

  if (options == NULL)
    return NULL;

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    if (o->val != NULL && *o->val != '\0' && !g_str_equal (o->keyword, "application_name"))
      {
        g_ptr_array_add (keys, o->keyword);
        g_ptr_array_add (values, o->val);
      }
  g_ptr_array_add (keys, (gpointer)"application_name");
  g_ptr_array_add (values, (gpointer)"strata (lock watch)");
  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (values, NULL);

  side = self->pq->PQconnectdbParams ((const char * const *)keys->pdata,
                                      (const char * const *)values->pdata, 0);
  self->pq->PQconninfoFree (options);

  if (side != NULL && self->pq->PQstatus (side) != CONNECTION_OK)
    {
      g_debug ("lock watch on %s: %s", self->location, self->pq->PQerrorMessage (side));
      g_clear_pointer (&side, self->pq->PQfinish);
    }

  return side;
}

/* "pid 4242 (psql), user app, idle in transaction for 12 s, query: INSERT
 * INTO …" for every session that blocks ours, or NULL when none does. */
static char *
describe_blockers (StrataDriverPg *self,
                   PGconn         *side)
{
  g_autoptr(PGresult) rows = NULL;
  g_autoptr(GString) out = NULL;
  char pid_text[16];
  const char *params[1] = { pid_text };
  PGresult *extra;

  g_snprintf (pid_text, sizeof pid_text, "%d", self->pq->PQbackendPID (self->conn));
  if (!self->pq->PQsendQueryParams (side, BLOCKERS_SQL, 1, NULL, params, NULL, NULL, 0))
    return NULL;
  rows = self->pq->PQgetResult (side);
  while ((extra = self->pq->PQgetResult (side)) != NULL)
    self->pq->PQclear (extra);

  if (rows == NULL || self->pq->PQresultStatus (rows) != PGRES_TUPLES_OK || self->pq->PQntuples (rows) == 0)
    return NULL;

  out = g_string_new (NULL);
  for (int row = 0; row < self->pq->PQntuples (rows); row++)
    {
      const char *application = self->pq->PQgetvalue (rows, row, 1);
      const char *state = self->pq->PQgetvalue (rows, row, 3);
      const char *query = self->pq->PQgetvalue (rows, row, 5);

      if (row > 0)
        g_string_append (out, "; ");
      g_string_append_printf (out, "pid %s", self->pq->PQgetvalue (rows, row, 0));
      if (*application != '\0')
        g_string_append_printf (out, " (%s)", application);
      g_string_append_printf (out, ", user %s", self->pq->PQgetvalue (rows, row, 2));
      if (*state != '\0')
        g_string_append_printf (out, ", %s for %s s", state, self->pq->PQgetvalue (rows, row, 4));
      if (*query != '\0')
        g_string_append_printf (out, ", query: %s", query);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Waits until a result can be read without blocking. While it waits longer
 * than STATEMENT_WAIT_NOTICE_MS, and someone listens, looks (once a second,
 * from a second connection) whether @statement waits for another session's
 * lock, and says whose, once. Cancelling still works meanwhile: PQcancel()
 * from another thread ends the statement, and so the wait. */
static void
wait_for_result (StrataDriverPg *self,
                 const char     *statement)
{
  g_autoptr(PGconn) side = NULL;
  gint64 next_look = g_get_monotonic_time () + STATEMENT_WAIT_NOTICE_MS * 1000;
  gboolean watch = g_signal_has_handler_pending (self, signals[STATEMENT_WAITING], 0, TRUE);
  gboolean said = FALSE;
  int fd = self->pq->PQsocket (self->conn);

  if (fd < 0)
    return;

  while (self->pq->PQisBusy (self->conn))
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      int timeout = -1;
      int rc;

      if (watch && !said)
        timeout = (int)MAX (0, (next_look - g_get_monotonic_time ()) / 1000);

      rc = poll (&pfd, 1, timeout);
      if (rc < 0 && errno == EINTR)
        continue;
      if (rc < 0)
        return;

      if (rc == 0)
        {
          g_autofree char *blockers = NULL;

          next_look = g_get_monotonic_time () + STATEMENT_WAIT_NOTICE_MS * 1000;
          if (side == NULL && !(side = open_side_connection (self)))
            {
              said = TRUE;  /* no way to look: wait quietly */
              continue;
            }
          if ((blockers = describe_blockers (self, side)) != NULL)
            {
              g_autofree char *what = _strata_driver_describe_statement (statement);
              g_autofree char *text = g_strdup_printf (_("%s on %s waits for a lock held by %s"),
                                                       what, self->location, blockers);

              said = TRUE;
              g_signal_emit (self, signals[STATEMENT_WAITING], 0, text);
            }
          continue;
        }

      if (!self->pq->PQconsumeInput (self->conn))
        return;  /* PQgetResult () says why */
    }
}

/* Reads every result of the request under way. @statements names the
 * statements of a multi-statement request (NULL: @sql is one). The result of
 * the last statement that returned rows goes to @rows when it is not NULL. */
static gboolean
collect_results (StrataDriverPg  *self,
                 const char      *sql,
                 GPtrArray       *statements,
                 PGresult       **rows,
                 GError         **error)
{
  g_autoptr(PGresult) failed = NULL;
  g_autoptr(PGresult) last = NULL;
  guint n_done = 0;
  PGresult *result;

  for (;;)
    {
      wait_for_result (self, statements != NULL && n_done < statements->len
                               ? g_ptr_array_index (statements, n_done) : sql);
      if ((result = self->pq->PQgetResult (self->conn)) == NULL)
        break;

      switch (self->pq->PQresultStatus (result))
        {
        case PGRES_TUPLES_OK:
          n_done++;
          g_clear_pointer (&last, self->pq->PQclear);
          last = g_steal_pointer (&result);
          break;

        case PGRES_COMMAND_OK:
          n_done++;
          break;

        case PGRES_EMPTY_QUERY:
          break;

        case PGRES_COPY_IN:
          self->pq->PQputCopyEnd (self->conn, "COPY FROM STDIN is not supported in migrations");
          break;

        case PGRES_COPY_OUT:
          {
            char *buffer = NULL;

            while (self->pq->PQgetCopyData (self->conn, &buffer, 0) > 0)
              self->pq->PQfreemem (g_steal_pointer (&buffer));
          }
          break;

        case PGRES_BAD_RESPONSE:
        case PGRES_NONFATAL_ERROR:
        case PGRES_FATAL_ERROR:
        case PGRES_COPY_BOTH:
        case PGRES_SINGLE_TUPLE:
        case PGRES_PIPELINE_SYNC:
        case PGRES_PIPELINE_ABORTED:
        default:
          if (failed == NULL)
            failed = g_steal_pointer (&result);
          break;
        }

      g_clear_pointer (&result, self->pq->PQclear);

      /* A lost connection gives no NULL result when libpq cannot read. */
      if (self->pq->PQstatus (self->conn) == CONNECTION_BAD)
        break;
    }

  if (failed != NULL)
    {
      const char *statement = sql;

      if (statements != NULL && n_done < statements->len)
        statement = g_ptr_array_index (statements, n_done);

      set_result_error (self, error, failed, statement);
      return FALSE;
    }

  if (self->pq->PQstatus (self->conn) == CONNECTION_BAD)
    {
      const char *statement = sql;

      if (statements != NULL && n_done < statements->len)
        statement = g_ptr_array_index (statements, n_done);

      set_connection_lost (self, error, statement, self->pq->PQerrorMessage (self->conn));
      return FALSE;
    }

  if (rows != NULL)
    *rows = g_steal_pointer (&last);

  return TRUE;
}

/* Sends @sql (any number of statements) in one request. */
static gboolean
send_simple (StrataDriverPg  *self,
             const char      *sql,
             GPtrArray       *statements,
             PGresult       **rows,
             GError         **error)
{
  if (!check_usable (self, sql, error))
    return FALSE;

  if (!self->pq->PQsendQuery (self->conn, sql))
    {
      set_connection_lost (self, error, sql, self->pq->PQerrorMessage (self->conn));
      return FALSE;
    }

  after_send (self);

  return collect_results (self, sql, statements, rows, error);
}

static gboolean
send_params (StrataDriverPg      *self,
             const char          *sql,
             guint                n_params,
             const char * const  *params,
             PGresult           **rows,
             GError             **error)
{
  if (!check_usable (self, sql, error))
    return FALSE;

  if (!self->pq->PQsendQueryParams (self->conn, sql, n_params, NULL, params, NULL, NULL, 0))
    {
      set_connection_lost (self, error, sql, self->pq->PQerrorMessage (self->conn));
      return FALSE;
    }

  after_send (self);

  return collect_results (self, sql, NULL, rows, error);
}

static StrataResult *
result_from_pg (const StrataPq *pq,
                const PGresult *pg)
{
  StrataResult *result;
  g_autofree char **values = NULL;
  int n_columns;
  int n_rows;

  if (pg == NULL)
    return _strata_result_new (0);

  n_columns = pq->PQnfields (pg);
  n_rows = pq->PQntuples (pg);
  result = _strata_result_new (n_columns);
  for (int i = 0; i < n_columns; i++)
    _strata_result_set_column_name (result, i, pq->PQfname (pg, i));

  values = g_new0 (char *, n_columns + 1);
  for (int row = 0; row < n_rows; row++)
    {
      for (int i = 0; i < n_columns; i++)
        values[i] = pq->PQgetisnull (pg, row, i)
                      ? NULL
                      : g_strndup (pq->PQgetvalue (pg, row, i), pq->PQgetlength (pg, row, i));
      _strata_result_add_row_take (result, values);
    }

  return result;
}

static gboolean
starts_with_keyword (const char *sql,
                     const char *keyword)
{
  StrataSqlToken token;

  _strata_sql_token_at (sql, sql, STRATA_SQL_LEX_POSTGRESQL, &token);

  return token.kind == STRATA_SQL_TOKEN_WORD && token.length == strlen (keyword) &&
         g_ascii_strncasecmp (sql, keyword, token.length) == 0;
}

/* }}} */

/* Virtual functions {{{ */

/* One request for the whole text, except outside a transaction, where each
 * statement commits on its own as on SQLite (CREATE INDEX CONCURRENTLY
 * cannot run in the implicit transaction of a multi-statement request); a
 * text that opens its own transaction (BEGIN; …; COMMIT) is always sent
 * whole, in one round trip. */
static gboolean
strata_driver_pg_execute (StrataDriver  *driver,
                          const char    *sql,
                          GCancellable  *cancellable,
                          GError       **error)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);
  g_autoptr(GPtrArray) statements = _strata_driver_pg_split_statements (sql);
  gboolean ret = TRUE;

  if (statements->len == 0)
    return TRUE;

  call_begin (self, cancellable);

  if (statements->len > 1 &&
      self->pq->PQtransactionStatus (self->conn) == PQTRANS_IDLE &&
      !starts_with_keyword (g_ptr_array_index (statements, 0), "BEGIN") &&
      !starts_with_keyword (g_ptr_array_index (statements, 0), "START"))
    {
      for (guint i = 0; ret && i < statements->len; i++)
        ret = send_simple (self, g_ptr_array_index (statements, i), NULL, NULL, error);
    }
  else
    ret = send_simple (self, sql, statements, NULL, error);

  call_end (self);

  return ret;
}

static StrataResult *
strata_driver_pg_query (StrataDriver        *driver,
                        const char          *sql,
                        guint                n_params,
                        const char * const  *params,
                        GCancellable        *cancellable,
                        GError             **error)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);
  g_autoptr(PGresult) rows = NULL;
  gboolean ok;

  call_begin (self, cancellable);
  ok = send_params (self, sql, n_params, params, &rows, error);
  call_end (self);

  return ok ? result_from_pg (self->pq, rows) : NULL;
}

static gboolean
strata_driver_pg_begin (StrataDriver  *driver,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return strata_driver_pg_execute (driver, "BEGIN", cancellable, error);
}

static gboolean
strata_driver_pg_commit (StrataDriver  *driver,
                         GCancellable  *cancellable,
                         GError       **error)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);

  /* COMMIT of a failed transaction "succeeds" as a ROLLBACK. */
  if (self->pq->PQtransactionStatus (self->conn) == PQTRANS_INERROR)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("COMMIT: the transaction had failed and was rolled back on %s"), self->location);
      return FALSE;
    }

  return strata_driver_pg_execute (driver, "COMMIT", cancellable, error);
}

static void
strata_driver_pg_rollback (StrataDriver *driver)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);
  g_autoptr(GError) error = NULL;

  if (self->pq->PQstatus (self->conn) != CONNECTION_OK)
    return;

  switch (self->pq->PQtransactionStatus (self->conn))
    {
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      call_begin (self, NULL);
      if (!send_simple (self, "ROLLBACK", NULL, NULL, &error))
        g_debug ("ROLLBACK on %s: %s", self->location, error->message);
      call_end (self);
      break;

    case PQTRANS_IDLE:
    case PQTRANS_ACTIVE:
    case PQTRANS_UNKNOWN:
    default:
      break;
    }
}

static gboolean
strata_driver_pg_in_transaction (StrataDriver *driver)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);

  switch (self->pq->PQtransactionStatus (self->conn))
    {
    case PQTRANS_ACTIVE:
    case PQTRANS_INTRANS:
    case PQTRANS_INERROR:
      return TRUE;

    case PQTRANS_IDLE:
    case PQTRANS_UNKNOWN:
    default:
      return FALSE;
    }
}

/* "table" is looked up along the search_path, "schema.table" in that
 * schema; names are exact (Strata quotes the names it creates). */
static gboolean
strata_driver_pg_table_exists (StrataDriver  *driver,
                               const char    *table,
                               gboolean      *exists,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(StrataResult) result = NULL;
  g_autofree char *schema = NULL;
  const char *dot = strchr (table, '.');
  const char *params[2];

  if (dot != NULL)
    schema = g_strndup (table, dot - table);

  params[0] = schema;
  params[1] = dot != NULL ? dot + 1 : table;

  result = strata_driver_pg_query (driver,
                                   "SELECT to_regclass(CASE WHEN $1::text IS NULL THEN quote_ident($2) "
                                   "ELSE quote_ident($1) || '.' || quote_ident($2) END) IS NOT NULL",
                                   2, params, cancellable, error);
  if (result == NULL)
    return FALSE;

  *exists = g_strcmp0 (strata_result_get_value (result, 0, 0), "t") == 0;

  return TRUE;
}

/* The key of the lock for @name: a 64-bit hash of the qualified name (the
 * current schema's when it has none), the same for every client. */
#define LOCK_KEY_SQL \
  "('x' || substr(md5('strata:' || CASE WHEN strpos($1, '.') > 0 THEN $1 " \
  "ELSE coalesce(current_schema(), '') || '.' || $1 END), 1, 16))::bit(64)::bigint"

/* Who holds the lock, and the session's lock_timeout in milliseconds. */
#define LOCK_HOLDER_SQL \
  "SELECT s.setting, h.pid, h.application_name, h.usename, h.client, h.since, h.seconds " \
  "FROM (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'lock_timeout') AS s " \
  "LEFT JOIN LATERAL (" \
  "  SELECT a.pid, a.application_name, a.usename::text, " \
  "         coalesce(host(a.client_addr), 'local') AS client, " \
  "         to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS since, " \
  "         extract(epoch FROM clock_timestamp() - a.backend_start)::bigint AS seconds " \
  "  FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid " \
  "  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 " \
  "    AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) " \
  "    AND l.classid = (($1::bigint >> 32) & 4294967295)::oid " \
  "    AND l.objid = ($1::bigint & 4294967295)::oid " \
  "  LIMIT 1) AS h ON true"

static char *
describe_holder (StrataResult *result)
{
  const char *pid = strata_result_get_value (result, 0, 1);
  const char *application = strata_result_get_value (result, 0, 2);
  const char *user = strata_result_get_value (result, 0, 3);
  const char *client = strata_result_get_value (result, 0, 4);
  const char *since = strata_result_get_value (result, 0, 5);
  const char *seconds = strata_result_get_value (result, 0, 6);
  g_autoptr(GString) out = g_string_new (NULL);

  if (pid == NULL)
    return g_strdup (_("held by a session this user may not see"));

  g_string_append_printf (out, _("held by pid %s"), pid);
  if (application != NULL && *application != '\0')
    g_string_append_printf (out, " (%s)", application);
  if (user != NULL)
    g_string_append_printf (out, ", user %s", user);
  if (client != NULL)
    g_string_append_printf (out, " from %s", client);
  if (since != NULL)
    g_string_append_printf (out, ", since %s UTC", since);
  if (seconds != NULL)
    g_string_append_printf (out, " (%s s ago)", seconds);

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static StrataResult *
query_holder (StrataDriverPg  *self,
              gint64           key,
              GError         **error)
{
  char key_text[32];
  const char *params[] = { key_text };
  g_autoptr(PGresult) rows = NULL;

  g_snprintf (key_text, sizeof key_text, "%" G_GINT64_FORMAT, key);
  if (!send_params (self, LOCK_HOLDER_SQL, 1, params, &rows, error))
    return NULL;

  return result_from_pg (self->pq, rows);
}

/*
 * A session advisory lock, taken at once when it is free (one round trip).
 * Otherwise says who holds it ("lock-waiting") and waits for it up to the
 * session's lock_timeout (STRATA_DRIVER_PG_DEFAULT_LOCK_WAIT_MS when there
 * is none), without the session's statement_timeout.
 */
static gboolean
strata_driver_pg_lock (StrataDriver  *driver,
                       const char    *name,
                       GCancellable  *cancellable,
                       GError       **error)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);
  g_autoptr(PGresult) rows = NULL;
  g_autoptr(StrataResult) holder = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *who = NULL;
  g_autofree char *wait_sql = NULL;
  const char *params[] = { name };
  gint64 wait_ms;
  gint64 key;
  gboolean ret = FALSE;

  g_return_val_if_fail (self->lock_name == NULL, FALSE);

  call_begin (self, cancellable);

  if (!send_params (self, "SELECT k, pg_try_advisory_lock(k) FROM (SELECT " LOCK_KEY_SQL " AS k) AS s",
                    1, params, &rows, error))
    goto out;

  key = g_ascii_strtoll (self->pq->PQgetvalue (rows, 0, 0), NULL, 10);

  if (g_str_equal (self->pq->PQgetvalue (rows, 0, 1), "t"))
    {
      ret = TRUE;
      goto out;
    }

  if (!(holder = query_holder (self, key, error)))
    goto out;

  wait_ms = g_ascii_strtoll (strata_result_get_value (holder, 0, 0), NULL, 10);
  if (wait_ms <= 0)
    wait_ms = STRATA_DRIVER_PG_DEFAULT_LOCK_WAIT_MS;

  who = describe_holder (holder);
  g_debug ("Lock for %s on %s is %s: waiting up to %" G_GINT64_FORMAT " ms",
           name, self->location, who, wait_ms);
  g_signal_emit (self, signals[LOCK_WAITING], 0, who);

  wait_sql = g_strdup_printf ("BEGIN; SET LOCAL statement_timeout = 0; "
                              "SET LOCAL lock_timeout = %" G_GINT64_FORMAT "; "
                              "SELECT pg_advisory_lock(%" G_GINT64_FORMAT "); COMMIT",
                              wait_ms, key);
  if (send_simple (self, wait_sql, NULL, NULL, &local_error))
    {
      ret = TRUE;
      goto out;
    }

  /* The wait's transaction failed: end it, then say why (without the
   * cancellable, which may be what ended it). */
  call_end (self);
  strata_driver_pg_rollback (driver);
  call_begin (self, NULL);

  if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_BUSY))
    {
      g_autoptr(StrataResult) last = NULL;
      g_autofree char *last_who = NULL;

      if ((last = query_holder (self, key, NULL)) != NULL)
        last_who = describe_holder (last);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_BUSY,
                   _("gave up after %.1f s waiting for the migration lock on %s (%s): %s"),
                   wait_ms / 1000.0, self->location, name, last_who != NULL ? last_who : who);
    }
  else if (g_error_matches (local_error, STRATA_ERROR, STRATA_ERROR_CANCELLED))
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED,
                 _("cancelled while waiting for the migration lock on %s (%s): %s"),
                 self->location, name, who);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

out:
  if (ret)
    {
      self->lock_name = g_strdup (name);
      self->lock_key = key;
    }
  call_end (self);

  return ret;
}

static void
strata_driver_pg_unlock (StrataDriver *driver,
                         const char   *name)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;

  if (self->lock_name == NULL || !g_str_equal (self->lock_name, name))
    return;

  g_clear_pointer (&self->lock_name, g_free);

  if (self->pq->PQstatus (self->conn) != CONNECTION_OK)
    return;

  sql = g_strdup_printf ("SELECT pg_advisory_unlock(%" G_GINT64_FORMAT ")", self->lock_key);
  call_begin (self, NULL);
  if (!send_simple (self, sql, NULL, NULL, &error))
    g_debug ("Unlocking %s on %s: %s", name, self->location, error->message);
  call_end (self);
}

static void
strata_driver_pg_interrupt (StrataDriver *driver)
{
  StrataDriverPg *self = STRATA_DRIVER_PG (driver);

  g_atomic_int_set (&self->interrupted, 1);
  send_cancel (self);
}

/* }}} */

/* Object {{{ */

static void
notice_processor (void       *user_data,
                  const char *message)
{
  StrataDriverPg *self = user_data;
  g_autofree char *text = clean_message (message);

  g_debug ("%s: %s", self->location, text);
}

static void
strata_driver_pg_finalize (GObject *object)
{
  StrataDriverPg *self = (StrataDriverPg *)object;

  g_mutex_lock (&self->cancel_mutex);
  g_clear_pointer (&self->cancel, self->pq->PQfreeCancel);
  g_mutex_unlock (&self->cancel_mutex);
  g_mutex_clear (&self->cancel_mutex);

  g_clear_pointer (&self->conn, self->pq->PQfinish);
  g_clear_pointer (&self->location, g_free);
  g_clear_pointer (&self->lock_name, g_free);

  G_OBJECT_CLASS (strata_driver_pg_parent_class)->finalize (object);
}

static void
strata_driver_pg_class_init (StrataDriverPgClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  StrataDriverClass *driver_class = STRATA_DRIVER_CLASS (klass);

  object_class->finalize = strata_driver_pg_finalize;

  driver_class->dialect = STRATA_DIALECT_POSTGRESQL;
  driver_class->execute = strata_driver_pg_execute;
  driver_class->query = strata_driver_pg_query;
  driver_class->begin = strata_driver_pg_begin;
  driver_class->commit = strata_driver_pg_commit;
  driver_class->rollback = strata_driver_pg_rollback;
  driver_class->in_transaction = strata_driver_pg_in_transaction;
  driver_class->table_exists = strata_driver_pg_table_exists;
  driver_class->lock = strata_driver_pg_lock;
  driver_class->unlock = strata_driver_pg_unlock;
  driver_class->interrupt = strata_driver_pg_interrupt;
  driver_class->ensure_bookkeeping = _strata_driver_pg_ensure_bookkeeping;
  driver_class->execute_batch = _strata_driver_pg_execute_batch;
  driver_class->bound_lock_waits = _strata_driver_pg_bound_lock_waits;
  driver_class->prepare_autocommit = _strata_driver_pg_prepare_autocommit;
  driver_class->describe_leftovers = _strata_driver_pg_describe_leftovers;

  /**
   * StrataDriverPg::lock-waiting:
   * @self: a #StrataDriverPg
   * @holder: who holds the lock
   *
   * strata_driver_lock() found the lock taken and waits for it.
   */
  /**
   * StrataDriverPg::statement-waiting:
   * @self: a #StrataDriverPg
   * @what: the statement, the server, and who holds the lock it waits for
   *   (pid, application, user, state, query)
   *
   * A statement has run for a second and waits for a lock another session
   * holds (found with pg_blocking_pids() from a second connection). Emitted
   * once per statement, in the thread that runs it; nobody listening, no
   * second connection is made.
   */
  signals[STATEMENT_WAITING] =
    g_signal_new ("statement-waiting",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[LOCK_WAITING] =
    g_signal_new ("lock-waiting",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
strata_driver_pg_init (StrataDriverPg *self)
{
  g_mutex_init (&self->cancel_mutex);
}

static gboolean
has_keyword (char       **keywords,
             const char  *keyword)
{
  return g_strv_contains ((const char * const *)keywords, keyword);
}

StrataDriver *
_strata_driver_pg_open_url (StrataUrl     *url,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_autoptr(StrataDriverPg) self = NULL;
  g_autoptr(PGconn) conn = NULL;
  const StrataPq *pq;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_auto(GStrv) url_keys = NULL;
  g_autoptr(GPtrArray) url_values_owner = NULL;
  char **url_values = NULL;
  g_autofree char *display = NULL;
  g_autofree char *location = NULL;

  g_return_val_if_fail (STRATA_IS_URL (url), NULL);
  g_return_val_if_fail (strata_url_get_dialect (url) == STRATA_DIALECT_POSTGRESQL, NULL);

  strata_url_to_conninfo_keywords (url, &url_keys, &url_values);
  /* The values hold the password: wiped when this function returns. */
  url_values_owner = g_ptr_array_new_with_free_func (wipe_free);
  for (guint i = 0; url_values[i] != NULL; i++)
    g_ptr_array_add (url_values_owner, url_values[i]);
  g_free (url_values);
  url_values = (char **)url_values_owner->pdata;
  for (guint i = 0; url_keys[i] != NULL; i++)
    {
      g_ptr_array_add (keys, url_keys[i]);
      g_ptr_array_add (values, url_values[i]);
    }

  if (!has_keyword (url_keys, "fallback_application_name"))
    {
      g_ptr_array_add (keys, (gpointer)"fallback_application_name");
      g_ptr_array_add (values, (gpointer)"strata");
    }

  /* A host that does not answer must not hang a deploy for minutes. */
  if (!has_keyword (url_keys, "connect_timeout") && g_getenv ("PGCONNECT_TIMEOUT") == NULL)
    {
      g_ptr_array_add (keys, (gpointer)"connect_timeout");
      g_ptr_array_add (values, (gpointer)STRATA_DRIVER_PG_DEFAULT_CONNECT_TIMEOUT);
    }

  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (values, NULL);

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("cancelled"));
      return NULL;
    }

  if (!(pq = _strata_pq_load (error)))
    return NULL;

  conn = pq->PQconnectdbParams ((const char * const *)keys->pdata,
                            (const char * const *)values->pdata, 0);
  if (conn == NULL)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                           _("cannot connect to PostgreSQL: out of memory"));
      return NULL;
    }

  location = describe_location (pq, conn);

  if (pq->PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = clean_message (pq->PQerrorMessage (conn));
      gboolean sent = pq->PQconnectionUsedPassword (conn) && !pq->PQconnectionNeedsPassword (conn);
      gboolean auth = pq->PQconnectionNeedsPassword (conn) ||
                      (sent && strstr (message, "authentication") != NULL) ||
                      strstr (message, "password authentication failed") != NULL;
      const char *service = strata_url_get_param (url, "service");
      g_autofree char *shown = strata_url_to_string (url, TRUE);
      g_autofree char *refused = NULL;
      g_autofree char *safe = NULL;

      if (service == NULL)
        service = g_getenv ("PGSERVICE");

      /* A service that does not exist is not a host that does not answer. */
      if (service != NULL && *service != '\0' && strstr (message, "service") != NULL)
        {
          g_free (location);
          location = g_strdup_printf (_("service “%s” (looked up in PGSERVICEFILE, "
                                        "~/.pg_service.conf and PGSYSCONFDIR/pg_service.conf)"),
                                      service);
        }

      /* Say which password the server refused: a wrong one is not a
       * missing one. */
      if (auth && sent)
        {
          const char *source;
          g_autofree char *file = NULL;

          if (strata_url_has_password (url))
            source = _("given with the connection");
          else if (g_getenv ("PGPASSWORD") != NULL && *g_getenv ("PGPASSWORD") != '\0')
            source = _("from PGPASSWORD");
          else
            {
              const char *passfile = strata_url_get_param (url, "passfile");

              if (passfile == NULL)
                passfile = g_getenv ("PGPASSFILE");
              file = passfile != NULL ? g_strdup_printf (_("from the password file %s"), passfile)
                                      : g_strdup (_("from the password file ~/.pgpass"));
              source = file;
            }
          /* Translators: followed by where the password came from, e.g. "from PGPASSWORD" */
          refused = g_strdup_printf ("; %s %s", _(STRATA_DRIVER_PASSWORD_REFUSED), source);
        }

      /* libpq may quote what it was given; none of it is shown with a
       * password in it. */
      safe = strata_url_redact_string (message);
      if (strata_url_has_password (url) && strstr (safe, strata_url_get_password (url)) != NULL)
        {
          g_autoptr(GString) hidden = g_string_new (safe);

          g_string_replace (hidden, strata_url_get_password (url), "***", 0);
          g_free (safe);
          safe = g_string_free (g_steal_pointer (&hidden), FALSE);
        }

      /* The URL too (its password as ***): it says which target was meant
       * when it came from a profile, the environment or .env. */
      g_set_error (error, STRATA_ERROR,
                   auth ? STRATA_ERROR_AUTHENTICATION : STRATA_ERROR_CONNECTION,
                   _("cannot connect to %s: %s%s (URL %s)"), location, safe,
                   refused != NULL ? refused : "", shown);
      return NULL;
    }

  self = g_object_new (STRATA_TYPE_DRIVER_PG, NULL);
  self->pq = pq;
  self->conn = g_steal_pointer (&conn);
  self->location = g_steal_pointer (&location);
  self->cancel = self->pq->PQgetCancel (self->conn);
  self->pq->PQsetNoticeProcessor (self->conn, notice_processor, self);

  display = strata_url_to_string (url, TRUE);
  _strata_driver_set_display_url (STRATA_DRIVER (self), display);

  return STRATA_DRIVER (g_steal_pointer (&self));
}

/**
 * strata_driver_pg_open:
 * @url: a postgresql:// or postgres:// URL
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the driver, or %NULL with @error set
 */
StrataDriver *
strata_driver_pg_open (const char    *url,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(StrataUrl) parsed = NULL;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(parsed = strata_url_parse (url, error)))
    return NULL;

  if (strata_url_get_dialect (parsed) != STRATA_DIALECT_POSTGRESQL)
    {
      g_autofree char *display = strata_url_to_string (parsed, TRUE);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a PostgreSQL URL"), display);
      return NULL;
    }

  return _strata_driver_pg_open_url (parsed, cancellable, error);
}

/**
 * _strata_driver_pg_reconnect:
 *
 * Opens the connection again (PQreset) after the server ended it, with
 * the same parameters: a new session, without the old one's advisory lock
 * or settings.
 */
gboolean
_strata_driver_pg_reconnect (StrataDriverPg  *self,
                             GError         **error)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_PG (self), FALSE);

  self->pq->PQreset (self->conn);
  if (self->pq->PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *text = clean_message (self->pq->PQerrorMessage (self->conn));

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                   _("cannot connect to %s again: %s"), self->location, text);
      return FALSE;
    }

  g_mutex_lock (&self->cancel_mutex);
  g_clear_pointer (&self->cancel, self->pq->PQfreeCancel);
  self->cancel = self->pq->PQgetCancel (self->conn);
  g_mutex_unlock (&self->cancel_mutex);
  g_clear_pointer (&self->lock_name, g_free);

  return TRUE;
}

/**
 * strata_driver_pg_dup_invalid_indexes:
 *
 * The INVALID indexes of the tables of the current schema (what an
 * interrupted CREATE INDEX CONCURRENTLY leaves): an index that exists, is
 * kept up to date by writes, and is never used by queries.
 *
 * Returns: (transfer full): "INDEX on TABLE" for each, or %NULL with
 *   @error set
 */
char **
strata_driver_pg_dup_invalid_indexes (StrataDriverPg  *self,
                                      GCancellable    *cancellable,
                                      GError         **error)
{
  g_autoptr(StrataResult) result = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (STRATA_IS_DRIVER_PG (self), NULL);

  result = strata_driver_pg_query (STRATA_DRIVER (self),
                                   "SELECT ic.relname, c.relname FROM pg_catalog.pg_index i "
                                   "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                                   "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
                                   "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                                   "WHERE n.nspname = current_schema() AND NOT i.indisvalid "
                                   "ORDER BY 1",
                                   0, NULL, cancellable, error);
  if (result == NULL)
    return NULL;

  for (guint row = 0; row < strata_result_get_n_rows (result); row++)
    {
      g_autofree char *entry = g_strdup_printf ("%s on %s", strata_result_get_value (result, row, 0),
                                                strata_result_get_value (result, row, 1));

      g_strv_builder_add (builder, entry);
    }

  return g_strv_builder_end (builder);
}

const char *
strata_driver_pg_get_location (StrataDriverPg *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_PG (self), NULL);

  return self->location;
}

int
strata_driver_pg_get_server_version (StrataDriverPg *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_PG (self), 0);

  return self->pq->PQserverVersion (self->conn);
}

int
strata_driver_pg_get_backend_pid (StrataDriverPg *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_PG (self), 0);

  return self->pq->PQbackendPID (self->conn);
}

guint64
strata_driver_pg_get_round_trips (StrataDriverPg *self)
{
  g_return_val_if_fail (STRATA_IS_DRIVER_PG (self), 0);

  return self->round_trips;
}

/* }}} */
