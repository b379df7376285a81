/* test-url.c: database URLs — parse, format, redact, connection parameters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "strata.h"
#include "strata-test-util.h"

/* "name#port name#port", "" for none; a default host is an empty name. */
static char *
format_hosts (StrataUrl *url)
{
  const StrataUrlHost *hosts;
  guint n_hosts = 0;
  GString *out = g_string_new (NULL);

  hosts = strata_url_get_hosts (url, &n_hosts);
  for (guint i = 0; i < n_hosts; i++)
    g_string_append_printf (out, "%s%s#%u", i > 0 ? " " : "",
                            hosts[i].name != NULL ? hosts[i].name : "", hosts[i].port);
  return g_string_free (out, FALSE);
}

/* "name=value&name=value", decoded, in order. */
static char *
format_params (StrataUrl *url)
{
  const char * const *names = strata_url_get_param_names (url);
  GString *out = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (out, "%s%s=%s", i > 0 ? "&" : "", names[i],
                            strata_url_get_param (url, names[i]));
  return g_string_free (out, FALSE);
}

static StrataUrl *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  StrataUrl *url = strata_url_parse (text, &error);

  g_assert_no_error (error);
  g_assert_true (STRATA_IS_URL (url));
  return url;
}

/* Whatever the URL, the password never shows where people look. */
static void
assert_hides (const char *shown,
              const char *password)
{
  if (password != NULL && shown != NULL && strstr (shown, password) != NULL)
    g_error ("password “%s” shows in “%s”", password, shown);
}

typedef struct
{
  const char    *url;
  StrataDialect  dialect;
  const char    *scheme;
  const char    *driver;
  const char    *user;
  const char    *password;
  const char    *hosts;
  const char    *database;
  const char    *params;
  const char    *canonical;
  const char    *redacted;
} ValidCase;

#define PG STRATA_DIALECT_POSTGRESQL
#define LITE STRATA_DIALECT_SQLITE

static const ValidCase valid_cases[] = {
  /* SQLite */
  { "sqlite:///relative.db", LITE, "sqlite", NULL, NULL, NULL, "", "relative.db", "",
    "sqlite:///relative.db", "sqlite:///relative.db" },
  { "sqlite:///sub/dir/app.db", LITE, "sqlite", NULL, NULL, NULL, "", "sub/dir/app.db", "",
    "sqlite:///sub/dir/app.db", "sqlite:///sub/dir/app.db" },
  { "sqlite:///../up.db", LITE, "sqlite", NULL, NULL, NULL, "", "../up.db", "",
    "sqlite:///../up.db", "sqlite:///../up.db" },
  { "sqlite:////abs/path.db", LITE, "sqlite", NULL, NULL, NULL, "", "/abs/path.db", "",
    "sqlite:////abs/path.db", "sqlite:////abs/path.db" },
  { "sqlite://", LITE, "sqlite", NULL, NULL, NULL, "", NULL, "", "sqlite://", "sqlite://" },
  { "sqlite:///", LITE, "sqlite", NULL, NULL, NULL, "", NULL, "", "sqlite://", "sqlite://" },
  { "sqlite:///:memory:", LITE, "sqlite", NULL, NULL, NULL, "", NULL, "", "sqlite://", "sqlite://" },
  { "sqlite+pysqlite:///app.db", LITE, "sqlite", "pysqlite", NULL, NULL, "", "app.db", "",
    "sqlite+pysqlite:///app.db", "sqlite+pysqlite:///app.db" },
  { "SQLite+AioSQLite:///app.db", LITE, "sqlite", "aiosqlite", NULL, NULL, "", "app.db", "",
    "sqlite+aiosqlite:///app.db", "sqlite+aiosqlite:///app.db" },
  { "sqlite:///my%20data%23%3F.db", LITE, "sqlite", NULL, NULL, NULL, "", "my data#?.db", "",
    "sqlite:///my%20data%23%3F.db", "sqlite:///my%20data%23%3F.db" },
  { "sqlite:///caf\xc3\xa9.db", LITE, "sqlite", NULL, NULL, NULL, "", "caf\xc3\xa9.db", "",
    "sqlite:///caf\xc3\xa9.db", "sqlite:///caf\xc3\xa9.db" },
  { "sqlite:///app.db?mode=ro&timeout=2.5", LITE, "sqlite", NULL, NULL, NULL, "", "app.db",
    "mode=ro&timeout=2.5", "sqlite:///app.db?mode=ro&timeout=2.5", "sqlite:///app.db?mode=ro&timeout=2.5" },
  { "sqlite:////srv/app.db?timeout=0&mode=rwc", LITE, "sqlite", NULL, NULL, NULL, "", "/srv/app.db",
    "timeout=0&mode=rwc", "sqlite:////srv/app.db?timeout=0&mode=rwc", "sqlite:////srv/app.db?timeout=0&mode=rwc" },
  { "sqlite://?timeout=5", LITE, "sqlite", NULL, NULL, NULL, "", NULL, "timeout=5",
    "sqlite://?timeout=5", "sqlite://?timeout=5" },
  { "sqlite:///app.db?", LITE, "sqlite", NULL, NULL, NULL, "", "app.db", "",
    "sqlite:///app.db", "sqlite:///app.db" },

  /* PostgreSQL: the parts */
  { "postgresql://app:s3cret@db.example.com:5433/appdb?sslmode=require&application_name=strata",
    PG, "postgresql", NULL, "app", "s3cret", "db.example.com#5433", "appdb",
    "sslmode=require&application_name=strata",
    "postgresql://app:s3cret@db.example.com:5433/appdb?sslmode=require&application_name=strata",
    "postgresql://app:***@db.example.com:5433/appdb?sslmode=require&application_name=strata" },
  { "postgres://app@db/app", PG, "postgres", NULL, "app", NULL, "db#0", "app", "",
    "postgres://app@db/app", "postgres://app@db/app" },
  { "postgresql+psycopg2://scott:tiger@localhost/test", PG, "postgresql", "psycopg2", "scott", "tiger",
    "localhost#0", "test", "",
    "postgresql+psycopg2://scott:tiger@localhost/test", "postgresql+psycopg2://scott:***@localhost/test" },
  { "postgresql+asyncpg://scott:tiger@localhost:5432/test", PG, "postgresql", "asyncpg", "scott", "tiger",
    "localhost#5432", "test", "",
    "postgresql+asyncpg://scott:tiger@localhost:5432/test",
    "postgresql+asyncpg://scott:***@localhost:5432/test" },
  { "postgres+psycopg://u@h/d", PG, "postgres", "psycopg", "u", NULL, "h#0", "d", "",
    "postgres+psycopg://u@h/d", "postgres+psycopg://u@h/d" },
  { "PostgreSQL://H/d", PG, "postgresql", NULL, NULL, NULL, "H#0", "d", "",
    "postgresql://H/d", "postgresql://H/d" },
  { "postgresql://", PG, "postgresql", NULL, NULL, NULL, "", NULL, "", "postgresql://", "postgresql://" },
  { "postgresql:///app", PG, "postgresql", NULL, NULL, NULL, "", "app", "",
    "postgresql:///app", "postgresql:///app" },
  { "postgresql://app@/app", PG, "postgresql", NULL, "app", NULL, "", "app", "",
    "postgresql://app@/app", "postgresql://app@/app" },
  { "postgresql://db", PG, "postgresql", NULL, NULL, NULL, "db#0", NULL, "",
    "postgresql://db", "postgresql://db" },
  { "postgresql://db/", PG, "postgresql", NULL, NULL, NULL, "db#0", NULL, "",
    "postgresql://db", "postgresql://db" },
  { "postgresql://:5433/app", PG, "postgresql", NULL, NULL, NULL, "#5433", "app", "",
    "postgresql://:5433/app", "postgresql://:5433/app" },
  { "postgresql://192.168.0.10:6432/app", PG, "postgresql", NULL, NULL, NULL, "192.168.0.10#6432", "app", "",
    "postgresql://192.168.0.10:6432/app", "postgresql://192.168.0.10:6432/app" },
  { "postgresql://db?connect_timeout=10", PG, "postgresql", NULL, NULL, NULL, "db#0", NULL,
    "connect_timeout=10", "postgresql://db?connect_timeout=10", "postgresql://db?connect_timeout=10" },
  { "postgresql://u:@db/app", PG, "postgresql", NULL, "u", NULL, "db#0", "app", "",
    "postgresql://u@db/app", "postgresql://u@db/app" },
  { "postgresql://:pw@db/app", PG, "postgresql", NULL, NULL, "pw", "db#0", "app", "",
    "postgresql://:pw@db/app", "postgresql://:***@db/app" },
  { "postgresql://db.example.com/app#1", PG, "postgresql", NULL, NULL, NULL, "db.example.com#0", "app#1", "",
    "postgresql://db.example.com/app%231", "postgresql://db.example.com/app%231" },

  /* Percent-encoding and awkward passwords */
  { "postgresql://us%20er%40corp:p%3Aa%40s%2Fs%3Fw%25d@db/my%20db", PG, "postgresql", NULL,
    "us er@corp", "p:a@s/s?w%d", "db#0", "my db", "",
    "postgresql://us%20er%40corp:p%3Aa%40s%2Fs%3Fw%25d@db/my%20db",
    "postgresql://us%20er%40corp:***@db/my%20db" },
  { "postgresql://app:p@ss@db/app", PG, "postgresql", NULL, "app", "p@ss", "db#0", "app", "",
    "postgresql://app:p%40ss@db/app", "postgresql://app:***@db/app" },
  { "postgresql://app:a:b:c@db/app", PG, "postgresql", NULL, "app", "a:b:c", "db#0", "app", "",
    "postgresql://app:a%3Ab%3Ac@db/app", "postgresql://app:***@db/app" },
  { "postgresql://app:!$'()*+;=,~#[]@db/app", PG, "postgresql", NULL, "app", "!$'()*+;=,~#[]", "db#0", "app", "",
    "postgresql://app:!$'()*+;=%2C~%23%5B%5D@db/app", "postgresql://app:***@db/app" },
  { "postgresql://%C3%A9mile:m%C3%B8t@db/caf%C3%A9", PG, "postgresql", NULL,
    "\xc3\xa9mile", "m\xc3\xb8t", "db#0", "caf\xc3\xa9", "",
    "postgresql://\xc3\xa9mile:m\xc3\xb8t@db/caf\xc3\xa9", "postgresql://\xc3\xa9mile:***@db/caf\xc3\xa9" },
  { "postgresql://db/app?options=-c%20search_path%3Dshop&application_name=a+b%26c",
    PG, "postgresql", NULL, NULL, NULL, "db#0", "app",
    "options=-c search_path=shop&application_name=a+b&c",
    "postgresql://db/app?options=-c%20search_path%3Dshop&application_name=a%2Bb%26c",
    "postgresql://db/app?options=-c%20search_path%3Dshop&application_name=a%2Bb%26c" },
  { "postgresql://db/app?application_name=me@host", PG, "postgresql", NULL, NULL, NULL, "db#0", "app",
    "application_name=me@host",
    "postgresql://db/app?application_name=me%40host", "postgresql://db/app?application_name=me%40host" },

  /* IPv6 */
  { "postgresql://[::1]:5432/app", PG, "postgresql", NULL, NULL, NULL, "::1#5432", "app", "",
    "postgresql://[::1]:5432/app", "postgresql://[::1]:5432/app" },
  { "postgresql://u:pw@[2001:db8::7]/app", PG, "postgresql", NULL, "u", "pw", "2001:db8::7#0", "app", "",
    "postgresql://u:pw@[2001:db8::7]/app", "postgresql://u:***@[2001:db8::7]/app" },
  { "postgresql://[fe80::1%25eth0]:5433", PG, "postgresql", NULL, NULL, NULL, "fe80::1%eth0#5433", NULL, "",
    "postgresql://[fe80::1%25eth0]:5433", "postgresql://[fe80::1%25eth0]:5433" },
  { "postgresql://[::ffff:192.0.2.1]/app", PG, "postgresql", NULL, NULL, NULL, "::ffff:192.0.2.1#0", "app", "",
    "postgresql://[::ffff:192.0.2.1]/app", "postgresql://[::ffff:192.0.2.1]/app" },

  /* Several hosts */
  { "postgresql://app:pw@h1:5432,h2,[::1]:5434/app?target_session_attrs=read-write",
    PG, "postgresql", NULL, "app", "pw", "h1#5432 h2#0 ::1#5434", "app", "target_session_attrs=read-write",
    "postgresql://app:pw@h1:5432,h2,[::1]:5434/app?target_session_attrs=read-write",
    "postgresql://app:***@h1:5432,h2,[::1]:5434/app?target_session_attrs=read-write" },
  { "postgres://primary.db,replica.db/app?keepalives=0", PG, "postgres", NULL, NULL, NULL,
    "primary.db#0 replica.db#0", "app", "keepalives=0",
    "postgres://primary.db,replica.db/app?keepalives=0",
    "postgres://primary.db,replica.db/app?keepalives=0" },
  { "postgresql://h1,h2/app?port=6432", PG, "postgresql", NULL, NULL, NULL, "h1#6432 h2#6432", "app", "",
    "postgresql://h1:6432,h2:6432/app", "postgresql://h1:6432,h2:6432/app" },

  /* Unix sockets */
  { "postgresql:///app?host=/var/run/postgresql", PG, "postgresql", NULL, NULL, NULL,
    "/var/run/postgresql#0", "app", "",
    "postgresql:///app?host=/var/run/postgresql", "postgresql:///app?host=/var/run/postgresql" },
  { "postgresql://app:pw@/app?host=%2Ftmp&port=5433&sslmode=disable", PG, "postgresql", NULL, "app", "pw",
    "/tmp#5433", "app", "sslmode=disable",
    "postgresql://app:pw@/app?host=/tmp&port=5433&sslmode=disable",
    "postgresql://app:***@/app?host=/tmp&port=5433&sslmode=disable" },
  { "postgresql://%2Fvar%2Flib%2Fpostgresql/app", PG, "postgresql", NULL, NULL, NULL,
    "/var/lib/postgresql#0", "app", "",
    "postgresql:///app?host=/var/lib/postgresql", "postgresql:///app?host=/var/lib/postgresql" },
  { "postgresql://%2Ftmp:5433/app", PG, "postgresql", NULL, NULL, NULL, "/tmp#5433", "app", "",
    "postgresql:///app?host=/tmp&port=5433", "postgresql:///app?host=/tmp&port=5433" },
  { "postgresql:///app?host=/tmp,db.example.com&port=5433,5434", PG, "postgresql", NULL, NULL, NULL,
    "/tmp#5433 db.example.com#5434", "app", "",
    "postgresql:///app?host=/tmp,db.example.com&port=5433,5434",
    "postgresql:///app?host=/tmp,db.example.com&port=5433,5434" },
  { "postgresql:///app?host=/tmp,db&port=,5434", PG, "postgresql", NULL, NULL, NULL,
    "/tmp#0 db#5434", "app", "",
    "postgresql:///app?host=/tmp,db&port=,5434", "postgresql:///app?host=/tmp,db&port=,5434" },

  /* Query parameters that fill parts of the URL */
  { "postgresql:///?host=db&port=5433&user=app&password=pa%26ss&dbname=shop", PG, "postgresql", NULL,
    "app", "pa&ss", "db#5433", "shop", "",
    "postgresql://app:pa%26ss@db:5433/shop", "postgresql://app:***@db:5433/shop" },
  { "postgresql:///app?host=::1&port=5433", PG, "postgresql", NULL, NULL, NULL, "::1#5433", "app", "",
    "postgresql://[::1]:5433/app", "postgresql://[::1]:5433/app" },
  { "postgresql://db?port=5433", PG, "postgresql", NULL, NULL, NULL, "db#5433", NULL, "",
    "postgresql://db:5433", "postgresql://db:5433" },
  { "postgresql://?port=5433", PG, "postgresql", NULL, NULL, NULL, "#5433", NULL, "",
    "postgresql://:5433", "postgresql://:5433" },
  { "postgresql://[::1]/app?ssl=true", PG, "postgresql", NULL, NULL, NULL, "::1#0", "app", "ssl=true",
    "postgresql://[::1]/app?ssl=true", "postgresql://[::1]/app?ssl=true" },
  { "postgresql://db/app?sslpassword=k3y%2Fpass&sslmode=verify-full", PG, "postgresql", NULL, NULL, NULL,
    "db#0", "app", "sslpassword=k3y/pass&sslmode=verify-full",
    "postgresql://db/app?sslpassword=k3y/pass&sslmode=verify-full",
    "postgresql://db/app?sslpassword=***&sslmode=verify-full" },
};

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(StrataUrl) url = NULL;
      g_autoptr(StrataUrl) again = NULL;
      g_autofree char *hosts = NULL;
      g_autofree char *params = NULL;
      g_autofree char *canonical = NULL;
      g_autofree char *redacted = NULL;
      g_autofree char *canonical_again = NULL;

      g_test_message ("%s", c->url);
      url = parse_ok (c->url);

      g_assert_cmpint (strata_url_get_dialect (url), ==, c->dialect);
      g_assert_cmpstr (strata_url_get_scheme (url), ==, c->scheme);
      g_assert_cmpstr (strata_url_get_driver (url), ==, c->driver);
      g_assert_cmpstr (strata_url_get_user (url), ==, c->user);
      g_assert_cmpstr (strata_url_get_password (url), ==, c->password);
      g_assert_cmpint (strata_url_has_password (url), ==, c->password != NULL);
      hosts = format_hosts (url);
      g_assert_cmpstr (hosts, ==, c->hosts);
      g_assert_cmpstr (strata_url_get_database (url), ==, c->database);
      params = format_params (url);
      g_assert_cmpstr (params, ==, c->params);

      canonical = strata_url_to_string (url, FALSE);
      g_assert_cmpstr (canonical, ==, c->canonical);
      redacted = strata_url_to_string (url, TRUE);
      g_assert_cmpstr (redacted, ==, c->redacted);

      /* Round trip: the canonical form reads back as the same URL. */
      again = parse_ok (canonical);
      g_assert_true (strata_url_equal (url, again));
      canonical_again = strata_url_to_string (again, FALSE);
      g_assert_cmpstr (canonical_again, ==, canonical);
      g_assert_cmpstr (strata_url_get_user (again), ==, c->user);
      g_assert_cmpstr (strata_url_get_password (again), ==, c->password);
      g_assert_cmpstr (strata_url_get_database (again), ==, c->database);

      if (c->password != NULL)
        {
          g_autofree char *from_text = strata_url_redact_string (c->url);
          g_autofree char *from_canonical = strata_url_redact_string (canonical);

          assert_hides (redacted, c->password);
          assert_hides (from_text, c->password);
          assert_hides (from_canonical, c->password);
          g_assert_nonnull (strstr (from_canonical, "***"));
        }
    }
}

static void
test_sqlite (void)
{
  g_autofree char *dir = strata_test_mkdtemp ();
  g_autoptr(GFile) base = g_file_new_for_path (dir);
  g_autoptr(StrataUrl) relative = parse_ok ("sqlite:///sub/../app.db?mode=rw&timeout=1.5");
  g_autoptr(StrataUrl) absolute = parse_ok ("sqlite:////srv/data/app.db");
  g_autoptr(StrataUrl) memory = parse_ok ("sqlite://");
  g_autoptr(StrataUrl) memory2 = parse_ok ("sqlite:///:memory:");
  g_autoptr(StrataUrl) ro = parse_ok ("sqlite:///ro.db?mode=ro");
  g_autoptr(StrataUrl) rwc = parse_ok ("sqlite:///ro.db");
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *cwd = NULL;
  g_autofree char *ro_path = NULL;
  sqlite3 *db = NULL;
  int rc;

  g_assert_true (strata_url_is_relative (relative));
  g_assert_false (strata_url_is_memory (relative));
  path = strata_url_get_sqlite_path (relative, base);
  expected = g_build_filename (dir, "app.db", NULL);
  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpint (strata_url_get_sqlite_open_flags (relative), ==, SQLITE_OPEN_READWRITE);
  g_assert_cmpfloat (strata_url_get_sqlite_timeout (relative), ==, 1.5);
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&expected, g_free);

  /* No base: the current directory. */
  cwd = g_get_current_dir ();
  path = strata_url_get_sqlite_path (relative, NULL);
  expected = g_build_filename (cwd, "app.db", NULL);
  g_assert_cmpstr (path, ==, expected);
  g_clear_pointer (&path, g_free);

  g_assert_false (strata_url_is_relative (absolute));
  path = strata_url_get_sqlite_path (absolute, base);
  g_assert_cmpstr (path, ==, "/srv/data/app.db");
  g_clear_pointer (&path, g_free);
  g_assert_cmpfloat (strata_url_get_sqlite_timeout (absolute), <, 0);
  g_assert_cmpint (strata_url_get_sqlite_open_flags (absolute), ==,
                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);

  for (guint i = 0; i < 2; i++)
    {
      StrataUrl *m = i == 0 ? memory : memory2;

      g_assert_true (strata_url_is_memory (m));
      g_assert_false (strata_url_is_relative (m));
      g_assert_null (strata_url_get_database (m));
      path = strata_url_get_sqlite_path (m, base);
      g_assert_cmpstr (path, ==, ":memory:");
      g_clear_pointer (&path, g_free);
    }
  g_assert_true (strata_url_equal (memory, memory2));

  /* The flags do what they say on a real file: ro does not create it, the
   * default does, and then ro opens it. */
  ro_path = strata_url_get_sqlite_path (ro, base);
  rc = sqlite3_open_v2 (ro_path, &db, strata_url_get_sqlite_open_flags (ro), NULL);
  g_assert_cmpint (rc, ==, SQLITE_CANTOPEN);
  sqlite3_close (db);
  g_assert_false (g_file_test (ro_path, G_FILE_TEST_EXISTS));

  rc = sqlite3_open_v2 (ro_path, &db, strata_url_get_sqlite_open_flags (rwc), NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  rc = sqlite3_open_v2 (ro_path, &db, strata_url_get_sqlite_open_flags (ro), NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO t VALUES (1)", NULL, NULL, NULL), ==, SQLITE_READONLY);
  sqlite3_close (db);

  strata_test_rm_rf (dir);
}

typedef struct
{
  const char *url;
  const char *message;   /* an exact substring of the error */
  const char *secret;    /* must not show in the error, or NULL */
} BadCase;

static const BadCase bad_cases[] = {
  /* the whole */
  { "", "invalid database URL “”: it is empty", NULL },
  { "app.db", "invalid database URL “app.db”: no scheme: a database URL starts with sqlite:// or postgresql://", NULL },
  { "://db/app", "empty scheme before “:”", NULL },
  { "postgresql:/db/app", "missing “//” after “postgresql:”", NULL },
  { "postgresql:db", "missing “//” after “postgresql:”", NULL },
  { "postgresql:app:hunter2@db/app", "invalid database URL “postgresql:***@db/app”: missing “//”", "hunter2" },
  { "mysql://app:hunter2@db/app", "invalid database URL “mysql://app:***@db/app”: unknown dialect “mysql” "
    "(Strata speaks sqlite and postgresql, also written postgres)", "hunter2" },
  { "mysql+pymysql://db/app", "unknown dialect “mysql”", NULL },
  { "postgresql+://db/app", "empty driver after “postgresql+”", NULL },
  { "+psycopg2://db/app", "invalid character “+” in the scheme “+psycopg2”", NULL },
  { "postgresql+psycopg-2://db/app", "invalid driver “psycopg-2” in “postgresql+psycopg-2”", NULL },
  { "post gresql://db/app", "white space at character 5 (write a space as %20)", NULL },
  { "postgresql://db/my app", "white space at character 19", NULL },
  { "postgresql://app:hunter 2@db/app", "invalid database URL “postgresql://app:***@db/app”: white space in the password (write a space as %20)",
    "hunter" },
  { "postgresql://db/app\n", "invalid database URL “postgresql://db/app\\n”: control character U+000A at character 20", NULL },
  { "postgresql://db/a\tpp", "control character U+0009 at character 18", NULL },
  { "postgresql://app:pw\x01x@db/app", "control character in the password (percent-encode it)", "pw" },
  { "postgresql://db/app\xff", "it is not valid UTF-8", NULL },

  /* user information */
  { "postgresql://app:hun%zzter2@db/app", "invalid database URL “postgresql://app:***@db/app”: "
    "bad percent escape in the password (write “%” itself as %25)", "hun" },
  { "postgresql://app:hunter2%@db/app", "bad percent escape in the password", "hunter2" },
  { "postgresql://ap%2@db/app", "bad percent escape “%2” in the user name", NULL },
  { "postgresql://app%00:x@db/app", "%00 in the user name", NULL },
  { "postgresql://app:pw%00x@db/app", "%00 in the password", "pw" },
  { "postgresql://app%ff@db/app", "the user name is not valid UTF-8 once percent-decoded", NULL },
  { "postgresql://app:hunter2@db/app?password=other", "the password is given twice, before “@” and as ?password=",
    "hunter2" },
  { "postgresql://app@db/app?user=other", "the user is given twice, before “@” and as ?user=", NULL },
  { "postgresql://app:hu/nter2@db/app", "invalid database URL “postgresql://app:***@db/app”: port “***” is not a number "
    "(percent-encode “/”, “?” and “@” in a password: %2F, %3F, %40)", "nter2" },
  { "postgresql://app:12/34@db/app", "“@” in the database name “***@db/app” (write it as %40)", "34" },
  { "postgresql://app:12?34@db/app", "query parameter “***@db/app” has no value", "34" },

  /* hosts and ports */
  { "postgresql://app:hunter2@db:99999/app", "invalid database URL “postgresql://app:***@db:99999/app”: "
    "port “99999” is out of range (1–65535)", "hunter2" },
  { "postgresql://db:0/app", "port “0” is out of range (1–65535)", NULL },
  { "postgresql://db:123456789012/app", "port “123456789012” is out of range", NULL },
  { "postgresql://db:54x/app", "port “54x” is not a number", NULL },
  { "postgresql://db:-1/app", "port “-1” is not a number", NULL },
  { "postgresql://db:/app", "empty port after “db:”", NULL },
  { "postgresql://h1,,h2/app", "empty host in the host list “h1,,h2”", NULL },
  { "postgresql://h1,/app", "empty host in the host list “h1,”", NULL },
  { "postgresql://[::1/app", "missing “]” after the IPv6 address “[::1”", NULL },
  { "postgresql://[]:5432/app", "empty IPv6 address “[]”", NULL },
  { "postgresql://[::1]x/app", "unexpected “x” after the IPv6 address “[::1]”", NULL },
  { "postgresql://[not:an:address]/app", "“[not:an:address]” is not an IPv6 address", NULL },
  { "postgresql://[db.example.com]/app", "“[db.example.com]” is not an IPv6 address", NULL },
  { "postgresql://::1:5432/app", "an IPv6 address such as “::1:5432” goes in brackets, e.g. [::1]:5432", NULL },
  { "postgresql://db:5432:5433/app", "port “5432:5433” is not a number", NULL },
  { "postgresql://d!b/app", "invalid character “!” in host “d!b”", NULL },
  { "postgresql://db%21/app", "invalid character “!” in host “db%21”", NULL },
  { "postgresql://d%zzb/app", "bad percent escape “%zz” in the host “d%zzb”", NULL },
  { "postgresql://999.1.1.1/app", "“999.1.1.1” is not an IPv4 address", NULL },
  { "postgresql://db:5432/app?port=5433", "the port is given twice, after the host and as ?port=", NULL },
  { "postgresql://db/app?host=/tmp", "the host is given twice, before the path and as ?host=", NULL },
  { "postgresql:///app?host=/tmp&port=1,2", "?port= lists 2 ports for 1 host", NULL },
  { "postgresql:///app?port=1,2", "?port= lists 2 ports for the one default host", NULL },
  { "postgresql:///app?host=a,b&port=1,x", "port “x” in ?port=1,x is not a number", NULL },
  { "postgresql:///app?host=::1:zz", "?host=::1:zz holds something that is not an IPv6 address", NULL },
  { "postgresql:///app?host=d%3Fb", "invalid character “?” in host “d%3Fb”", NULL },

  /* database */
  { "postgresql://db/app%zz", "bad percent escape “%zz” in the database name", NULL },
  { "postgresql://db/app%0A", "the database name holds a control character", NULL },
  { "postgresql://db/app?dbname=other", "the database is given twice, in the path and as ?dbname=", NULL },
  { "postgresql://db/a@pp", "“@” in the database name “a@pp” (write it as %40)", NULL },

  /* query */
  { "postgresql://db/app?sslmode", "query parameter “sslmode” has no value (expected sslmode=…)", NULL },
  { "postgresql://db/app?sslmode=", "query parameter “sslmode” is empty", NULL },
  { "postgresql://db/app?=require", "query parameter “=require” has no name", NULL },
  { "postgresql://db/app?a=b=c", "query parameter “a” holds a second “=” (write it as %3D)", NULL },
  { "postgresql://db/app?sslmode=require&&connect_timeout=3", "empty query parameter (“&&”, or “&” at an end)", NULL },
  { "postgresql://db/app?sslmode=require&", "empty query parameter", NULL },
  { "postgresql://db/app?sslmode=require&sslmode=disable", "query parameter “sslmode” is given twice", NULL },
  { "postgresql://db/app?sslmod=require", "unknown PostgreSQL parameter “sslmod” (did you mean “sslmode”?)", NULL },
  { "postgresql://db/app?charset=utf8", "unknown PostgreSQL parameter “charset”", NULL },
  { "postgresql://db/app?ssl=false", "ssl=false: only ssl=true is understood (it means sslmode=require)", NULL },
  { "postgresql://db/app?ssl=true&sslmode=disable", "ssl=true and sslmode are both given", NULL },
  { "postgresql://db/app?application_name=%G0", "bad percent escape “%G0” in the value of “application_name”", NULL },
  { "postgresql://db/app?sslpassword=xq%zzjw", "invalid database URL “postgresql://db/app?sslpassword=***”: "
    "bad percent escape in the value of “sslpassword”", "xq" },
  { "postgresql://db/app?password=", "query parameter “password” is empty", NULL },
  { "postgresql://db/app?pass%77ord=hunter2&x", "invalid database URL “postgresql://db/app?pass%77ord=***&x”: "
    "query parameter “x” has no value", "hunter2" },
  { "postgresql://db/app?host=", "query parameter “host” is empty", NULL },

  /* SQLite */
  { "sqlite://host/x.db", "SQLite has no host (“host”): write sqlite:///host/x.db for a relative path "
    "or sqlite:////host/x.db for an absolute one", NULL },
  { "sqlite://x.db", "SQLite has no host (“x.db”): write sqlite:///x.db", NULL },
  { "sqlite://:memory:", "SQLite has no host (“:memory:”): write sqlite:// or sqlite:///:memory: "
    "for an in-memory database", NULL },
  { "sqlite://app:hunter2@/x.db", "invalid database URL “sqlite://app:***@/x.db”: SQLite takes no user name or password",
    "hunter2" },
  { "sqlite:///x.db?mode=rx", "mode “rx” is not ro, rw or rwc", NULL },
  { "sqlite:///x.db?timeout=soon", "timeout “soon” is not a number of seconds (0 to 86400)", NULL },
  { "sqlite:///x.db?timeout=-1", "timeout “-1” is not a number", NULL },
  { "sqlite:///x.db?timeout=1e9", "timeout “1e9” is not a number", NULL },
  { "sqlite:///x.db?cache=shared", "unknown SQLite parameter “cache” (known: mode, timeout)", NULL },
  { "sqlite:///x.db?mode=ro&mode=rw", "query parameter “mode” is given twice", NULL },
  { "sqlite:///data/", "the SQLite path “data/” names a directory", NULL },
  { "sqlite:///x%2.db", "bad percent escape “%2.” in the SQLite path", NULL },
  { "sqlite:", "missing “//” after “sqlite:”", NULL },
};

static void
test_malformed (void)
{
  g_assert_cmpuint (G_N_ELEMENTS (bad_cases), >=, 40);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *c = &bad_cases[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataUrl) url = NULL;

      url = strata_url_parse (c->url, &error);
      g_assert_null (url);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
      g_test_message ("%s", error->message);
      if (strstr (error->message, c->message) == NULL)
        g_error ("URL “%s”: expected “%s” in “%s”", c->url, c->message, error->message);
      g_assert_true (g_str_has_prefix (error->message, "invalid database URL “"));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      assert_hides (error->message, c->secret);
    }

  /* NULL is an empty URL, not a crash. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (strata_url_parse (NULL, &error));
    g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  }
}

/* Passwords with every awkward character, written every way: they never
 * show in the redacted form, in redact_string's output, or in errors. */
static void
test_redaction (void)
{
  static const char * const passwords[] = {
    "hunter2", "p@ss", "a:b", "s/l/ash", "q?uery", "h#sh", "pct%25", "sp ace", "ampers&nd",
    "equal=s", "comma,s", "[brackets]", "ünïcødé", "***real", NULL,
  };

  for (guint i = 0; passwords[i] != NULL; i++)
    {
      const char *password = passwords[i];
      g_autofree char *encoded = g_uri_escape_string (password, NULL, TRUE);
      g_autofree char *text = g_strdup_printf ("postgresql://app:%s@db.example.com:5432/app?sslmode=require", encoded);
      g_autofree char *raw = g_strdup_printf ("postgresql://app:%s@db.example.com:5432/app", password);
      g_autofree char *bad = g_strdup_printf ("postgresql://app:%s@db.example.com:99999/app", encoded);
      g_autofree char *raw_bad = g_strdup_printf ("postgresql://app:%s@db.example.com:99999/app", password);
      g_autofree char *log_line = g_strdup_printf ("connecting to “%s” failed; retrying %s", text, raw);
      g_autoptr(StrataUrl) url = parse_ok (text);
      g_autoptr(StrataUrl) reread = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) raw_error = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *full = NULL;
      g_autofree char *redacted_text = NULL;
      g_autofree char *redacted_raw = NULL;
      g_autofree char *redacted_log = NULL;
      const char *secret = g_str_has_prefix (password, "***") ? "real" : password;

      g_test_message ("password %s", password);
      g_assert_cmpstr (strata_url_get_password (url), ==, password);

      shown = strata_url_to_string (url, TRUE);
      g_assert_cmpstr (shown, ==, "postgresql://app:***@db.example.com:5432/app?sslmode=require");

      full = strata_url_to_string (url, FALSE);
      reread = parse_ok (full);
      g_assert_cmpstr (strata_url_get_password (reread), ==, password);

      redacted_text = strata_url_redact_string (text);
      g_assert_cmpstr (redacted_text, ==, shown);
      redacted_raw = strata_url_redact_string (raw);
      g_assert_cmpstr (redacted_raw, ==, "postgresql://app:***@db.example.com:5432/app");
      redacted_log = strata_url_redact_string (log_line);
      assert_hides (redacted_log, secret);
      assert_hides (redacted_log, encoded);

      g_assert_null (strata_url_parse (bad, &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "port “99999” is out of range"));
      assert_hides (error->message, secret);
      assert_hides (error->message, encoded);

      /* Unencoded, the password may break the URL; it still never shows. */
      g_clear_object (&reread);
      reread = strata_url_parse (raw_bad, &raw_error);
      g_assert_null (reread);
      g_assert_nonnull (raw_error);
      assert_hides (raw_error->message, secret);
    }
}

/* Hostile and mistyped URLs: a password written where the parser does not
 * expect it, or two URLs run together, never shows in an error, in the
 * canonical form or in redact_string's output (issue 13, item 2). */
static void
test_hostile_redaction (void)
{
  static const struct {
    const char *text;
    const char *hint;      /* in the error, or NULL when the URL parses */
  } cases[] = {
    { "postgresql://u@h/db??password=S3CRETpw", "unknown PostgreSQL parameter “?password” (did you mean “password”?)" },
    { "postgresql://u@h/db?PASSWORD=S3CRETpw", "unknown PostgreSQL parameter “PASSWORD” (did you mean “password”?)" },
    { "postgresql://u@h/db?Password=S3CRETpw&sslmode=require", "did you mean “password”?" },
    { "postgresql://u@h/db?passwd=S3CRETpw", "did you mean “password”?" },
    { "postgresql://u@h/db?pwd=S3CRETpw", "unknown PostgreSQL parameter “pwd”" },
    { "postgresql://u@h/db?sslmode=require?password=S3CRETpw", "holds a second “=”" },
    { "postgresql://u@h/db?sslmode=require?password=S3CRETpw&x=1", "holds a second “=”" },
    { "postgresql://u@h/db?application_name=a@b&password=S3CRETpw&x=1", "unknown PostgreSQL parameter “x”" },
    { "postgresql://u@h/db?options=a@b&password=S3CRETpw&&", "empty query parameter" },
    { "postgresql:///db?application_name=postgresql://x:S3CRETpw@h&x", "has no value" },
    { "postgresql:///x,postgresql://b:S3CRETpw@h", "“@” in the database name" },
    { "postgresql://a@h1/x postgresql://b:S3CRETpw@h2/y", "white space" },
    { "postgresql://a@h1/xpostgresql://b:S3CRETpw@h2/y?bad", "“@” in the database name" },
    { "postgresql://u@h/db?password=S3CRETpw?sslmode=require&x", "holds a second “=”" },
    { "postgresql://u@h/db?%70assword=S3CRETpw&x", "has no value" },
    { "postgresql://u@h/db?application_name=postgresql://x:S3CRETpw@h", NULL },
    { "postgresql://u@h/db?application_name=x&options=postgresql://x:S3CRETpw@h/y", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataUrl) url = strata_url_parse (cases[i].text, &error);
      g_autofree char *redacted = strata_url_redact_string (cases[i].text);

      g_test_message ("%s", cases[i].text);
      assert_hides (redacted, "S3CRETpw");
      if (cases[i].hint != NULL)
        {
          g_assert_null (url);
          g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
          g_assert_nonnull (strstr (error->message, cases[i].hint));
          assert_hides (error->message, "S3CRETpw");
        }
      else
        {
          g_autofree char *shown = NULL;

          g_assert_no_error (error);
          shown = strata_url_to_string (url, TRUE);
          assert_hides (shown, "S3CRETpw");
        }
    }
}

static void
test_redact_string (void)
{
  static const struct {
    const char *text;
    const char *expected;
  } cases[] = {
    { "postgresql://app:hunter2@db/app", "postgresql://app:***@db/app" },
    { "postgresql://app@db/app", "postgresql://app@db/app" },
    { "postgresql://db:5432/app", "postgresql://db:5432/app" },
    { "sqlite:///app.db", "sqlite:///app.db" },
    { "postgresql://app:p@ss@db/app", "postgresql://app:***@db/app" },
    { "postgresql://app:pa ss@db/app", "postgresql://app:***@db/app" },
    { "postgresql://app:pa/ss?x@db/app", "postgresql://app:***@db/app" },
    { "postgresql://app:%zz@db:99999/app", "postgresql://app:***@db:99999/app" },
    { "postgresql://db/app?password=hunter2&sslmode=require", "postgresql://db/app?password=***&sslmode=require" },
    { "postgresql://db/app?sslpassword=k3y", "postgresql://db/app?sslpassword=***" },
    { "postgresql://db/app?ssl%70assword=k3y", "postgresql://db/app?ssl%70assword=***" },
    { "postgresql:app:hunter2@db", "postgresql:***@db" },
    { "no url here: user@example.com", "no url here: user@example.com" },
    { "", "" },
    { "error: could not connect to postgresql://app:hunter2@db/app (timeout)",
      "error: could not connect to postgresql://app:***@db/app (timeout)" },
    { "two: postgres://a:one@h1/x and postgresql://b:two@h2/y?password=three done",
      "two: postgres://a:***@h1/x and postgresql://b:***@h2/y?password=*** done" },
    { "postgresql://a:one@h1/x and postgresql://b:two@h2/y", "postgresql://a:***@h2/y" },
    { "quoted “postgresql://app:hunter2@db/app”: port", "quoted “postgresql://app:***@db/app”: port" },
    { "url=\"postgresql://app:hunter2@db/app\" ok", "url=\"postgresql://app:***@db/app\" ok" },
    { "user: me@host, see https://example.com/x", "user: me@host, see https://example.com/x" },
    { "retry postgresql://app:pa ss word@db/app now", "retry postgresql://app:***@db/app now" },
    { "retry “postgresql://app:pa ss”, user@x", "retry “postgresql://app:pa ss”, user@x" },
    { "see postgresql://db:5432/app\nby me@x", "see postgresql://db:5432/app\nby me@x" },
    { "see postgresql://db:5432/app, said me@x", "see postgresql://db:***@x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = strata_url_redact_string (cases[i].text);

      g_assert_cmpstr (redacted, ==, cases[i].expected);
    }

  g_assert_null (strata_url_redact_string (NULL));
}

static void
test_password_changes (void)
{
  g_autoptr(StrataUrl) url = parse_ok ("postgresql+psycopg2://app:hunter2@db:5433/app?sslmode=require");
  g_autoptr(StrataUrl) bare = NULL;
  g_autoptr(StrataUrl) copy = NULL;
  g_autofree char *bare_text = NULL;
  g_autofree char *with_secret = NULL;
  g_autofree char *shown = NULL;

  bare = strata_url_dup_without_password (url);
  g_assert_false (strata_url_has_password (bare));
  g_assert_null (strata_url_get_password (bare));
  bare_text = strata_url_to_string (bare, FALSE);
  g_assert_cmpstr (bare_text, ==, "postgresql+psycopg2://app@db:5433/app?sslmode=require");
  /* The original keeps it. */
  g_assert_cmpstr (strata_url_get_password (url), ==, "hunter2");
  g_assert_false (strata_url_equal (url, bare));

  /* A secret from the keyring, with characters that need encoding. */
  strata_url_set_password (bare, "n3w/p@ss:w0rd");
  g_assert_true (strata_url_has_password (bare));
  with_secret = strata_url_to_string (bare, FALSE);
  g_assert_cmpstr (with_secret, ==, "postgresql+psycopg2://app:n3w%2Fp%40ss%3Aw0rd@db:5433/app?sslmode=require");
  shown = strata_url_to_string (bare, TRUE);
  g_assert_cmpstr (shown, ==, "postgresql+psycopg2://app:***@db:5433/app?sslmode=require");
  {
    g_autoptr(StrataUrl) reread = parse_ok (with_secret);
    g_assert_cmpstr (strata_url_get_password (reread), ==, "n3w/p@ss:w0rd");
  }

  strata_url_set_password (bare, "");
  g_assert_false (strata_url_has_password (bare));
  strata_url_set_password (bare, "x");
  strata_url_set_password (bare, NULL);
  g_assert_false (strata_url_has_password (bare));

  copy = strata_url_copy (url);
  g_assert_true (strata_url_equal (url, copy));
  g_assert_cmpstr (strata_url_get_driver (copy), ==, "psycopg2");
}

/* keyword=value pairs, space-separated, in order. */
static char *
format_conninfo (StrataUrl *url)
{
  g_auto(GStrv) keywords = NULL;
  g_auto(GStrv) values = NULL;
  GString *out = g_string_new (NULL);

  strata_url_to_conninfo_keywords (url, &keywords, &values);
  g_assert_cmpuint (g_strv_length (keywords), ==, g_strv_length (values));
  for (guint i = 0; keywords[i] != NULL; i++)
    g_string_append_printf (out, "%s%s=%s", i > 0 ? " " : "", keywords[i], values[i]);
  return g_string_free (out, FALSE);
}

static const struct {
  const char *url;
  const char *conninfo;
} conninfo_cases[] = {
  { "postgresql://app:s3cret@db.example.com:5433/appdb?sslmode=require&application_name=strata",
    "host=db.example.com port=5433 dbname=appdb user=app password=s3cret sslmode=require application_name=strata" },
  { "postgresql://", "" },
  { "postgresql:///app", "dbname=app" },
  { "postgres://app@db/app", "host=db dbname=app user=app" },
  { "postgresql://h1:5432,h2,[::1]:5434/app?target_session_attrs=read-write",
    "host=h1,h2,::1 port=5432,,5434 dbname=app target_session_attrs=read-write" },
  { "postgresql:///app?host=/var/run/postgresql&port=5433",
    "host=/var/run/postgresql port=5433 dbname=app" },
  { "postgresql://%2Ftmp/app", "host=/tmp dbname=app" },
  { "postgresql://:5433/app", "port=5433 dbname=app" },
  { "postgresql://us%20er:p%40ss@db/my%20db?options=-c%20search_path%3Dshop",
    "host=db dbname=my db user=us er password=p@ss options=-c search_path=shop" },
  { "postgresql://[fe80::1%25eth0]/app?ssl=true", "host=fe80::1%eth0 dbname=app sslmode=require" },
  { "postgresql+asyncpg://db/app?connect_timeout=5", "host=db dbname=app connect_timeout=5" },
};

static void
test_conninfo (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (conninfo_cases); i++)
    {
      g_autoptr(StrataUrl) url = NULL;
      g_autofree char *conninfo = NULL;

      url = parse_ok (conninfo_cases[i].url);
      conninfo = format_conninfo (url);
      g_assert_cmpstr (conninfo, ==, conninfo_cases[i].conninfo);
    }
}

/* libpq's own URI parser reads the URLs it understands (no +driver, no bare
 * '@' in a password) exactly as we do. */
static void
test_conninfo_matches_libpq (void)
{
  static const char * const urls[] = {
    "postgresql://app:s3cret@db.example.com:5433/appdb?sslmode=require&application_name=strata",
    "postgres://app@db/app",
    "postgresql:///app",
    "postgresql://h1:5432,h2,[::1]:5434/app?target_session_attrs=read-write",
    "postgresql:///app?host=/var/run/postgresql&port=5433",
    "postgresql://%2Fvar%2Flib%2Fpostgresql/app",
    "postgresql://us%20er:p%40s%3As%2Fw@db/my%20db?options=-c%20search_path%3Dshop&application_name=a+b",
    "postgresql://[2001:db8::7]:6543/app?ssl=true&connect_timeout=10",
    "postgresql:///?host=db&port=5433&user=app&password=pa%26ss&dbname=shop",
    "postgresql://db/app?sslpassword=k3y&keepalives=1&gssencmode=disable",
    "postgresql://app:pw@/app?host=/tmp,db.example.com&port=5433,5434",
    "postgresql:///app?host=::1&port=5433",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(StrataUrl) url = parse_ok (urls[i]);
      g_auto(GStrv) keywords = NULL;
      g_auto(GStrv) values = NULL;
      g_autofree char *canonical = NULL;
      PQconninfoOption *options;
      PQconninfoOption *from_canonical;
      char *errmsg = NULL;
      guint n_set = 0;

      g_test_message ("%s", urls[i]);
      strata_url_to_conninfo_keywords (url, &keywords, &values);

      options = PQconninfoParse (urls[i], &errmsg);
      if (options == NULL)
        g_error ("libpq does not read %s: %s", urls[i], errmsg);

      for (PQconninfoOption *o = options; o->keyword != NULL; o++)
        {
          const char *ours = NULL;

          for (guint k = 0; keywords[k] != NULL; k++)
            if (strcmp (keywords[k], o->keyword) == 0)
              ours = values[k];

          g_assert_cmpstr (ours, ==, o->val);
          n_set += o->val != NULL;
        }
      g_assert_cmpuint (n_set, ==, g_strv_length (keywords));
      PQconninfoFree (options);

      /* libpq reads our canonical form the same way too. */
      canonical = strata_url_to_string (url, FALSE);
      from_canonical = PQconninfoParse (canonical, &errmsg);
      if (from_canonical == NULL)
        g_error ("libpq does not read %s: %s", canonical, errmsg);
      for (PQconninfoOption *o = from_canonical; o->keyword != NULL; o++)
        {
          const char *ours = NULL;

          for (guint k = 0; keywords[k] != NULL; k++)
            if (strcmp (keywords[k], o->keyword) == 0)
              ours = values[k];
          g_assert_cmpstr (ours, ==, o->val);
        }
      PQconninfoFree (from_canonical);
    }
}

/* Every keyword libpq knows passes; the ones that are parts of the URL fill
 * those parts. */
static void
test_libpq_keywords (void)
{
  PQconninfoOption *defaults = PQconndefaults ();

  g_assert_nonnull (defaults);
  for (PQconninfoOption *o = defaults; o->keyword != NULL; o++)
    {
      const char *value = strcmp (o->keyword, "port") == 0 ? "6543" : "x";
      g_autofree char *text = g_strdup_printf ("postgresql://?%s=%s", o->keyword, value);
      g_autoptr(StrataUrl) url = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *hosts = NULL;

      g_test_message ("%s", text);
      url = strata_url_parse (text, &error);
      g_assert_no_error (error);
      hosts = format_hosts (url);

      if (strcmp (o->keyword, "host") == 0)
        g_assert_cmpstr (hosts, ==, "x#0");
      else if (strcmp (o->keyword, "port") == 0)
        g_assert_cmpstr (hosts, ==, "#6543");
      else if (strcmp (o->keyword, "user") == 0)
        g_assert_cmpstr (strata_url_get_user (url), ==, "x");
      else if (strcmp (o->keyword, "password") == 0)
        g_assert_cmpstr (strata_url_get_password (url), ==, "x");
      else if (strcmp (o->keyword, "dbname") == 0)
        g_assert_cmpstr (strata_url_get_database (url), ==, "x");
      else
        g_assert_cmpstr (strata_url_get_param (url, o->keyword), ==, "x");
    }
  PQconninfoFree (defaults);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/url/valid", test_valid);
  g_test_add_func ("/strata/url/sqlite", test_sqlite);
  g_test_add_func ("/strata/url/malformed", test_malformed);
  g_test_add_func ("/strata/url/redaction", test_redaction);
  g_test_add_func ("/strata/url/redact-string", test_redact_string);
  g_test_add_func ("/strata/url/hostile-redaction", test_hostile_redaction);
  g_test_add_func ("/strata/url/password-changes", test_password_changes);
  g_test_add_func ("/strata/url/conninfo", test_conninfo);
  g_test_add_func ("/strata/url/conninfo-matches-libpq", test_conninfo_matches_libpq);
  g_test_add_func ("/strata/url/libpq-keywords", test_libpq_keywords);

  return g_test_run ();
}
