/* test-profile.c: connection profiles: URL parts, ids, validation, project
 * profiles and the resolution order
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "strata.h"
#include "strata-secret.h"

#include <sys/prctl.h>
#include "strata-test-util.h"

typedef struct
{
  const char *url;
  const char *engine;
  const char *host;
  guint       port;
  const char *user;
  const char *database;
  const char *path;
  const char *params;
  const char *password;
  const char *plain;      /* strata_profile_dup_url (…, FALSE) */
  const char *display;    /* strata_profile_dup_display_url */
} UrlCase;

static const UrlCase url_cases[] = {
  { "sqlite:///app.db", "sqlite", NULL, 0, NULL, NULL, "app.db", NULL, NULL,
    "sqlite:///app.db", "sqlite:///app.db" },
  { "sqlite:////srv/data/app.db", "sqlite", NULL, 0, NULL, NULL, "/srv/data/app.db", NULL, NULL,
    "sqlite:////srv/data/app.db", "sqlite:////srv/data/app.db" },
  { "sqlite://", "sqlite", NULL, 0, NULL, NULL, NULL, NULL, NULL,
    "sqlite://", "sqlite://" },
  { "sqlite:///data/my%20app.db?mode=ro&timeout=5", "sqlite", NULL, 0, NULL, NULL, "data/my app.db",
    "mode=ro&timeout=5", NULL,
    "sqlite:///data/my%20app.db?mode=ro&timeout=5", "sqlite:///data/my%20app.db?mode=ro&timeout=5" },
  { "postgresql://app:s3cret@db.example.com:5432/shop?sslmode=require", "postgresql",
    "db.example.com", 5432, "app", "shop", NULL, "sslmode=require", "s3cret",
    "postgresql://app@db.example.com:5432/shop?sslmode=require",
    "postgresql://app:***@db.example.com:5432/shop?sslmode=require" },
  { "postgres://db/shop", "postgresql", "db", 0, NULL, "shop", NULL, NULL, NULL,
    "postgresql://db/shop", "postgresql://db/shop" },
  { "postgresql+psycopg2://app@db/shop", "postgresql", "db", 0, "app", "shop", NULL, NULL, NULL,
    "postgresql://app@db/shop", "postgresql://app@db/shop" },
  { "postgresql+asyncpg://app:p%40ss%3Aw0rd%2F@db:6432/shop", "postgresql", "db", 6432, "app", "shop",
    NULL, NULL, "p@ss:w0rd/",
    "postgresql://app@db:6432/shop", "postgresql://app:***@db:6432/shop" },
  { "postgresql://app@[::1]:5433/shop", "postgresql", "::1", 5433, "app", "shop", NULL, NULL, NULL,
    "postgresql://app@[::1]:5433/shop", "postgresql://app@[::1]:5433/shop" },
  { "postgresql://app@%2Fvar%2Frun%2Fpostgresql/shop", "postgresql", "/var/run/postgresql", 0, "app",
    "shop", NULL, NULL, NULL,
    "postgresql://app@/shop?host=/var/run/postgresql",
    "postgresql://app@/shop?host=/var/run/postgresql" },
  { "postgresql:///shop?host=/tmp&port=5499", "postgresql", "/tmp", 5499, NULL, "shop", NULL, NULL, NULL,
    "postgresql:///shop?host=/tmp&port=5499", "postgresql:///shop?host=/tmp&port=5499" },
  { "postgresql://app@one:5432,two:5432/shop?target_session_attrs=read-write", "postgresql", "one,two", 5432,
    "app", "shop", NULL, "target_session_attrs=read-write", NULL,
    NULL, NULL },
  { "postgresql://app@one:5432,two:5433/shop", "postgresql", "one,two", 0, "app", "shop", NULL,
    "port=5432,5433", NULL,
    "postgresql://app@one:5432,two:5433/shop", "postgresql://app@one:5432,two:5433/shop" },
  { "postgresql://", "postgresql", NULL, 0, NULL, NULL, NULL, NULL, NULL,
    "postgresql://", "postgresql://" },
  { "postgresql://app@db/shop?password=fromquery&application_name=strata", "postgresql", "db", 0, "app",
    "shop", NULL, "application_name=strata", "fromquery",
    "postgresql://app@db/shop?application_name=strata",
    "postgresql://app:***@db/shop?application_name=strata" },
};

static void
test_profile_from_url (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    {
      const UrlCase *c = &url_cases[i];
      g_autoptr(StrataProfile) profile = NULL;
      g_autoptr(StrataProfile) again = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *plain = NULL;
      g_autofree char *display = NULL;
      g_autofree char *full = NULL;

      g_test_message ("%s", c->url);
      profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, "p", c->url, &error);
      g_assert_no_error (error);

      g_assert_cmpstr (strata_profile_get_engine (profile), ==, c->engine);
      g_assert_cmpstr (strata_profile_get_host (profile), ==, c->host);
      g_assert_cmpuint (strata_profile_get_port (profile), ==, c->port);
      g_assert_cmpstr (strata_profile_get_user (profile), ==, c->user);
      g_assert_cmpstr (strata_profile_get_database (profile), ==, c->database);
      g_assert_cmpstr (strata_profile_get_path (profile), ==, c->path);
      g_assert_cmpstr (strata_profile_get_params (profile), ==, c->params);
      g_assert_cmpstr (strata_profile_get_password (profile), ==, c->password);
      g_assert_true (strata_profile_validate (profile, &error));
      g_assert_no_error (error);

      plain = strata_profile_dup_url (profile, FALSE);
      display = strata_profile_dup_display_url (profile);
      if (c->plain != NULL)
        g_assert_cmpstr (plain, ==, c->plain);
      if (c->display != NULL)
        g_assert_cmpstr (display, ==, c->display);
      if (c->password != NULL)
        {
          g_assert_null (strstr (plain, c->password));
          g_assert_null (strstr (display, c->password));
        }

      /* The parts make the same database again, password included. */
      full = strata_profile_dup_url (profile, TRUE);
      again = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, "p", full, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (strata_profile_get_engine (again), ==, c->engine);
      g_assert_cmpstr (strata_profile_get_host (again), ==, c->host);
      g_assert_cmpuint (strata_profile_get_port (again), ==, c->port);
      g_assert_cmpstr (strata_profile_get_user (again), ==, c->user);
      g_assert_cmpstr (strata_profile_get_database (again), ==, c->database);
      g_assert_cmpstr (strata_profile_get_path (again), ==, c->path);
      g_assert_cmpstr (strata_profile_get_params (again), ==, c->params);
      g_assert_cmpstr (strata_profile_get_password (again), ==, c->password);
    }
}

static void
test_profile_bad_url (void)
{
  const char *bad[] = {
    "",
    "mysql://db/app",
    "postgresql://app:secret@db:99999/app",
    "sqlite://host/app.db",
    "postgresql://db/app?sslmod=require",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProfile) profile = NULL;

      profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, "p", bad[i], &error);
      g_assert_null (profile);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
      g_assert_null (strstr (error->message, "secret"));
    }
}

static void
test_profile_parts (void)
{
  g_autoptr(StrataProfile) profile = strata_profile_new ("built");
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *with_password = NULL;
  g_autofree char *display = NULL;

  /* A form fills the parts one by one; odd characters are encoded. */
  strata_profile_set_host (profile, "db.example.com");
  strata_profile_set_port (profile, 6432);
  strata_profile_set_user (profile, "app@corp");
  strata_profile_set_database (profile, "my shop");
  strata_profile_set_params (profile, "?sslmode=verify-full&application_name=strata");
  strata_profile_set_password (profile, "p:ss@w/rd");
  g_assert_true (strata_profile_validate (profile, &error));
  g_assert_no_error (error);

  url = strata_profile_dup_url (profile, FALSE);
  g_assert_cmpstr (url, ==, "postgresql://app%40corp@db.example.com:6432/my%20shop"
                            "?sslmode=verify-full&application_name=strata");
  display = strata_profile_dup_display_url (profile);
  g_assert_cmpstr (display, ==, "postgresql://app%40corp:***@db.example.com:6432/my%20shop"
                                "?sslmode=verify-full&application_name=strata");
  with_password = strata_profile_dup_url (profile, TRUE);
  {
    g_autoptr(StrataUrl) parsed = strata_url_parse (with_password, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (strata_url_get_password (parsed), ==, "p:ss@w/rd");
    g_assert_cmpstr (strata_url_get_user (parsed), ==, "app@corp");
    g_assert_cmpstr (strata_url_get_database (parsed), ==, "my shop");
  }

  /* Empty strings are unset; the default engine is PostgreSQL. */
  strata_profile_set_params (profile, "");
  g_assert_null (strata_profile_get_params (profile));
  g_assert_cmpint (strata_profile_get_dialect (profile), ==, STRATA_DIALECT_POSTGRESQL);

  strata_profile_set_engine (profile, "sqlite");
  strata_profile_set_path (profile, "/tmp/a b.db");
  g_clear_pointer (&url, g_free);
  url = strata_profile_dup_url (profile, TRUE);
  g_assert_cmpstr (url, ==, "sqlite:////tmp/a%20b.db");
  g_assert_cmpint (strata_profile_get_dialect (profile), ==, STRATA_DIALECT_SQLITE);

  strata_profile_set_engine (profile, "postgres");
  g_assert_cmpstr (strata_profile_get_engine (profile), ==, "postgresql");
  strata_profile_set_engine (profile, "oracle");
  g_assert_false (strata_profile_validate (profile, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "oracle"));
}

static void
test_profile_ids (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataProfile) a = strata_profile_new ("a");
  g_autoptr(StrataProfile) b = strata_profile_new ("b");
  g_autoptr(StrataProfile) p1 = NULL;
  g_autoptr(StrataProfile) p2 = NULL;
  g_autoptr(StrataProfile) p3 = NULL;
  g_autoptr(StrataProfile) u1 = NULL;

  g_assert_true (g_uuid_string_is_valid (strata_profile_get_id (a)));
  g_assert_cmpstr (strata_profile_get_id (a), !=, strata_profile_get_id (b));

  /* The same server, port, user and database: the same keyring entry, in
   * every checkout, whatever the other parameters and password. */
  p1 = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_PROJECT, "prod",
                                    "postgresql://app@db:5432/shop?sslmode=require", &error);
  g_assert_no_error (error);
  p2 = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_URL, NULL,
                                    "postgres://app:pw@db:5432/shop?connect_timeout=3", &error);
  g_assert_no_error (error);
  p3 = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_PROJECT, "prod",
                                    "postgresql://admin@db:5432/shop", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_profile_get_id (p1), ==, strata_profile_get_id (p2));
  g_assert_cmpstr (strata_profile_get_id (p1), !=, strata_profile_get_id (p3));
  g_assert_true (g_str_has_prefix (strata_profile_get_id (p1), "db-"));

  u1 = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, "prod", "postgresql://app@db:5432/shop", &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (strata_profile_get_id (u1)));
}

/* Where a saved password may go: everything that decides the server or how
 * the password travels, in one canonical form. */
static void
test_profile_destination (void)
{
  static const struct {
    const char *url;
    const char *destination;
  } cases[] = {
    { "postgresql://app:pw@db:5432/shop", "postgresql://app@db:5432/shop" },
    /* Harmless parameters are not part of it; the order does not matter. */
    { "postgresql://app@db:5432/shop?sslmode=require&application_name=x&connect_timeout=3",
      "postgresql://app@db:5432/shop?sslmode=require" },
    { "postgres+psycopg2://app@db:5432/shop?hostaddr=10.0.0.9&sslmode=disable",
      "postgresql://app@db:5432/shop?hostaddr=10.0.0.9&sslmode=disable" },
    { "postgresql://app@db:5432/shop?sslmode=disable&hostaddr=10.0.0.9",
      "postgresql://app@db:5432/shop?hostaddr=10.0.0.9&sslmode=disable" },
    /* Host lists, IPv6, sockets, services and TLS settings all bind. */
    { "postgresql://app@a:1,b:2/shop", "postgresql://app@a:1,b:2/shop" },
    { "postgresql://app@[::1]:5432/shop", "postgresql://app@[::1]:5432/shop" },
    { "postgresql:///shop?host=/run/postgresql", "postgresql://%2Frun%2Fpostgresql/shop" },
    { "postgresql://?service=prod", "postgresql:///?service=prod" },
    { "postgresql://app@db/shop?sslrootcert=/etc/ca.pem&channel_binding=require&gssencmode=disable",
      "postgresql://app@db/shop?channel_binding=require&gssencmode=disable&sslrootcert=/etc/ca.pem" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(StrataProfile) profile = NULL;
      g_autofree char *destination = NULL;

      profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_PROJECT, "p", cases[i].url, &error);
      g_assert_no_error (error);
      destination = strata_profile_dup_destination (profile);
      g_assert_cmpstr (destination, ==, cases[i].destination);
    }
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GPtrArray  *names)
{
  g_ptr_array_add (names, (gpointer)g_intern_string (pspec->name));
}

static void
test_profile_properties (void)
{
  g_autoptr(StrataProfile) profile = strata_profile_new ("props");
  g_autoptr(GPtrArray) notified = g_ptr_array_new ();
  g_autofree char *name = NULL;
  g_autofree char *host = NULL;
  StrataProfileRole role;
  StrataProfileOrigin origin;
  guint port;

  g_signal_connect (profile, "notify", G_CALLBACK (count_notify_cb), notified);

  g_object_set (profile,
                "name", "renamed",
                "host", "db",
                "port", 5433,
                "role", STRATA_PROFILE_ROLE_STAGING,
                NULL);
  g_assert_cmpuint (notified->len, ==, 4);

  /* Setting the same value again notifies nothing. */
  g_object_set (profile, "name", "renamed", "port", 5433, NULL);
  strata_profile_set_role (profile, STRATA_PROFILE_ROLE_STAGING);
  g_assert_cmpuint (notified->len, ==, 4);

  g_object_get (profile, "name", &name, "host", &host, "port", &port, "role", &role, "origin", &origin, NULL);
  g_assert_cmpstr (name, ==, "renamed");
  g_assert_cmpstr (host, ==, "db");
  g_assert_cmpuint (port, ==, 5433);
  g_assert_cmpint (role, ==, STRATA_PROFILE_ROLE_STAGING);
  g_assert_cmpint (origin, ==, STRATA_PROFILE_ORIGIN_USER);

  /* The password is not a property. */
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (profile), "password"));

  g_assert_cmpstr (strata_profile_role_to_string (STRATA_PROFILE_ROLE_PRODUCTION), ==, "production");
  g_assert_true (strata_profile_role_from_string ("Staging", &role));
  g_assert_cmpint (role, ==, STRATA_PROFILE_ROLE_STAGING);
  g_assert_false (strata_profile_role_from_string ("prod", &role));
  g_assert_cmpstr (strata_profile_origin_to_string (STRATA_PROFILE_ORIGIN_PROJECT), ==, "project");
  {
    g_autofree char *nick = g_enum_to_string (STRATA_TYPE_PROFILE_ROLE, STRATA_PROFILE_ROLE_PRODUCTION);

    g_assert_cmpstr (nick, ==, "STRATA_PROFILE_ROLE_PRODUCTION");
  }
}

static void
test_profile_names (void)
{
  const char *bad[] = { "", " prod", "prod ", "pro\td", "-prod", "\xff\xfe" };
  const char *good[] = { "prod", "Staging (EU)", "dév local", "a", "x/y:z@w" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(StrataProfile) profile = strata_profile_new (bad[i]);
      g_autoptr(GError) error = NULL;

      g_assert_false (strata_profile_validate (profile, &error));
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
    }

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(StrataProfile) profile = strata_profile_new (good[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (strata_profile_validate (profile, &error));
      g_assert_no_error (error);
    }

  {
    g_autofree char *long_name = g_strnfill (201, 'x');
    g_autoptr(StrataProfile) profile = strata_profile_new (long_name);
    g_autoptr(GError) error = NULL;

    g_assert_false (strata_profile_validate (profile, &error));
    g_assert_nonnull (strstr (error->message, "longer than 200"));
  }
}

/* Resolution ------------------------------------------------------------- */

typedef struct
{
  char          *dir;
  GFile         *file;
  StrataProject *project;
  StrataStore   *store;
} Fixture;

static const char project_ini[] =
  "[strata]\n"
  "migrations=migrations\n"
  "url=sqlite:///from-ini.db\n"
  "\n"
  "[profile prod]\n"
  "url=postgresql://deploy@db.example.com:5432/shop?sslmode=require\n"
  "role=production\n"
  "notes=The live shop.\n"
  "\n"
  "[profile local]\n"
  "url=sqlite:///local.db\n"
  "\n"
  "[profile shared]\n"
  "url=sqlite:///project-shared.db\n";

static void
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *migrations = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr(GFile) store_file = NULL;

  g_unsetenv ("STRATA_URL");
  g_unsetenv ("DATABASE_URL");

  f->dir = strata_test_mkdtemp ();
  f->file = g_file_new_for_path (f->dir);
  migrations = g_build_filename (f->dir, "migrations", NULL);
  g_assert_cmpint (g_mkdir (migrations, 0700), ==, 0);
  write_file (f, "strata.ini", data ? data : project_ini);

  f->project = strata_project_open (f->file, &error);
  g_assert_no_error (error);

  store_path = g_build_filename (f->dir, "store.db", NULL);
  store_file = g_file_new_for_path (store_path);
  f->store = strata_store_open (store_file, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_unsetenv ("STRATA_URL");
  g_unsetenv ("DATABASE_URL");
  g_clear_object (&f->store);
  g_clear_object (&f->project);
  g_clear_object (&f->file);
  strata_test_rm_rf (f->dir);
  g_clear_pointer (&f->dir, g_free);
}

static void
add_user_profile (StrataStore *store,
                  const char  *name,
                  const char  *url)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = strata_profile_new_from_url (STRATA_PROFILE_ORIGIN_USER, name, url, &error);
  g_assert_no_error (error);
  strata_store_add_profile (store, profile, &error);
  g_assert_no_error (error);
}

static char *
resolve_url (Fixture    *f,
             const char *url,
             const char *name)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = strata_profile_resolve (f->project, f->store, url, name, &error);
  g_assert_no_error (error);
  return strata_profile_dup_url (profile, TRUE);
}

static void
test_profile_project_profiles (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  StrataProfile *prod;

  profiles = strata_profile_load_project_profiles (f->project, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 3);

  prod = g_ptr_array_index (profiles, 0);
  g_assert_cmpstr (strata_profile_get_name (prod), ==, "prod");
  g_assert_cmpint (strata_profile_get_origin (prod), ==, STRATA_PROFILE_ORIGIN_PROJECT);
  g_assert_cmpint (strata_profile_get_role (prod), ==, STRATA_PROFILE_ROLE_PRODUCTION);
  g_assert_cmpstr (strata_profile_get_notes (prod), ==, "The live shop.");
  g_assert_cmpstr (strata_profile_get_user (prod), ==, "deploy");
  g_assert_cmpstr (strata_profile_get_name (g_ptr_array_index (profiles, 1)), ==, "local");
  g_assert_cmpint (strata_profile_get_role (g_ptr_array_index (profiles, 1)), ==,
                   STRATA_PROFILE_ROLE_DEVELOPMENT);

  g_assert_null (strata_profile_load_project_profile (f->project, "nope", &error));
  g_assert_no_error (error);
}

static void
test_profile_project_bad_role (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profiles = strata_profile_load_project_profiles (f->project, &error);
  g_assert_null (profiles);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
  g_assert_nonnull (strstr (error->message, "strata.ini: [profile prod]: unknown role “boss”"));
  g_clear_error (&error);

  profile = strata_profile_resolve (f->project, f->store, NULL, "bad-url", &error);
  g_assert_null (profile);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT);
  g_assert_nonnull (strstr (error->message, "[profile bad-url]"));
  g_assert_null (strstr (error->message, "hunter2"));
  g_test_message ("%s", error->message);
}

static void
test_profile_resolve_order (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  add_user_profile (f->store, "mine", "postgresql://me@localhost/mine");
  add_user_profile (f->store, "shared", "sqlite:///user-shared.db");

  g_setenv ("STRATA_URL", "sqlite:///from-strata-url.db", TRUE);
  g_setenv ("DATABASE_URL", "sqlite:///from-database-url.db", TRUE);
  write_file (f, ".env", "# local settings\nexport STRATA_URL='sqlite:///from-dotenv.db'\n");

  /* --url first, then --profile. */
  url = resolve_url (f, "sqlite:///given.db", "prod");
  g_assert_cmpstr (url, ==, "sqlite:///given.db");
  g_clear_pointer (&url, g_free);

  profile = strata_profile_resolve (f->project, f->store, NULL, "prod", &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_profile_get_origin (profile), ==, STRATA_PROFILE_ORIGIN_PROJECT);
  g_assert_cmpint (strata_profile_get_role (profile), ==, STRATA_PROFILE_ROLE_PRODUCTION);
  g_clear_object (&profile);

  /* A shared strata.ini never silently stands in for the user's own
   * profile of the same name: when they lead to different places the name
   * is refused, naming both. */
  profile = strata_profile_resolve (f->project, f->store, NULL, "shared", &error);
  g_assert_null (profile);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "sqlite:///project-shared.db"));
  g_assert_nonnull (strstr (error->message, "sqlite:///user-shared.db"));
  g_clear_error (&error);

  /* When they lead to the same place, the user's own is taken: its
   * password is the user's. */
  add_user_profile (f->store, "local", "sqlite:///local.db");
  profile = strata_profile_resolve (f->project, f->store, NULL, "local", &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_profile_get_origin (profile), ==, STRATA_PROFILE_ORIGIN_USER);
  g_clear_object (&profile);

  /* Then the user's own, the same object the store lists. */
  profile = strata_profile_resolve (f->project, f->store, NULL, "mine", &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_profile_get_origin (profile), ==, STRATA_PROFILE_ORIGIN_USER);
  g_assert_true (profile == strata_store_lookup_profile (f->store, "mine"));
  g_clear_object (&profile);

  /* An unknown name says where it looked. */
  profile = strata_profile_resolve (f->project, f->store, NULL, "nope", &error);
  g_assert_null (profile);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no profile named “nope”"));
  g_assert_nonnull (strstr (error->message, "strata profiles list"));
  g_clear_error (&error);

  /* Then the environment, .env and strata.ini. */
  url = resolve_url (f, NULL, NULL);
  g_assert_cmpstr (url, ==, "sqlite:///from-strata-url.db");
  g_clear_pointer (&url, g_free);

  g_unsetenv ("STRATA_URL");
  url = resolve_url (f, NULL, NULL);
  g_assert_cmpstr (url, ==, "sqlite:///from-database-url.db");
  g_clear_pointer (&url, g_free);

  g_unsetenv ("DATABASE_URL");
  profile = strata_profile_resolve (f->project, f->store, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (strata_profile_get_origin (profile), ==, STRATA_PROFILE_ORIGIN_URL);
  g_assert_null (strata_profile_get_name (profile));
  url = strata_profile_dup_url (profile, TRUE);
  g_assert_cmpstr (url, ==, "sqlite:///from-dotenv.db");
  g_clear_pointer (&url, g_free);
  g_clear_object (&profile);

  {
    g_autofree char *env = g_build_filename (f->dir, ".env", NULL);
    g_assert_cmpint (g_unlink (env), ==, 0);
  }
  url = resolve_url (f, NULL, NULL);
  g_assert_cmpstr (url, ==, "sqlite:///from-ini.db");
}

static void
test_profile_resolve_password (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *display = NULL;

  /* A password in an environment URL stays in memory, never in shown URLs. */
  g_setenv ("DATABASE_URL", "postgresql://app:t0p-secret@db/shop", TRUE);
  profile = strata_profile_resolve (f->project, f->store, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_profile_get_password (profile), ==, "t0p-secret");
  plain = strata_profile_dup_url (profile, FALSE);
  display = strata_profile_dup_display_url (profile);
  g_assert_cmpstr (plain, ==, "postgresql://app@db/shop");
  g_assert_cmpstr (display, ==, "postgresql://app:***@db/shop");
}

static void
test_profile_resolve_default_store (void)
{
  g_autoptr(StrataStore) store = NULL;
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(GFile) file = strata_store_dup_default_file ();
  g_autoptr(GError) error = NULL;

  /* No store file: an unknown name is an error, and nothing is created. */
  g_assert_false (g_file_query_exists (file, NULL));
  profile = strata_profile_resolve (NULL, NULL, NULL, "laptop", &error);
  g_assert_null (profile);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (g_file_query_exists (file, NULL));

  /* With the default store (in this test's own XDG_DATA_HOME). */
  store = strata_store_open (NULL, NULL, &error);
  g_assert_no_error (error);
  add_user_profile (store, "laptop", "sqlite:////home/me/laptop.db");
  g_clear_object (&store);

  profile = strata_profile_resolve (NULL, NULL, NULL, "laptop", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_profile_get_path (profile), ==, "/home/me/laptop.db");
}

static char *
never_prompt (StrataProfile *profile,
              const char    *message,
              gpointer       user_data)
{
  g_assert_not_reached ();
  return NULL;
}

static void
test_profile_connect_sqlite (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "local.db", NULL);

  profile = strata_profile_resolve (f->project, f->store, NULL, "local", &error);
  g_assert_no_error (error);

  /* Relative to the project; SQLite never asks for a password. */
  driver = strata_profile_connect (profile, f->file, never_prompt, NULL, NULL, &error);
  g_assert_no_error (error);
  strata_driver_execute (driver, "CREATE TABLE t (x integer)", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (driver)), ==, path);
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_profile_connect_async (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(StrataProfile) profile = NULL;
  g_autoptr(StrataProfile) broken = NULL;
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "local.db", NULL);

  profile = strata_profile_resolve (f->project, f->store, NULL, "local", &error);
  g_assert_no_error (error);

  strata_profile_connect_async (profile, f->file, NULL, connect_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  driver = strata_profile_connect_finish (profile, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (strata_driver_sqlite_get_path (STRATA_DRIVER_SQLITE (driver)), ==, path);
  g_clear_object (&result);

  broken = strata_profile_new ("broken");
  strata_profile_set_host (broken, "999.1.1.1");
  strata_profile_connect_async (broken, NULL, NULL, connect_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (strata_profile_connect_finish (broken, result, &error));
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
}

static void
test_profile_connect_invalid (void)
{
  g_autoptr(StrataProfile) profile = strata_profile_new ("broken");
  g_autoptr(StrataDriver) driver = NULL;
  g_autoptr(GError) error = NULL;

  strata_profile_set_host (profile, "999.1.1.1");
  driver = strata_profile_connect (profile, NULL, never_prompt, NULL, NULL, &error);
  g_assert_null (driver);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "profile “broken”"));
}

/* Core dumps: a process that holds passwords is undumpable (issue 13,
 * item 3). */
static void
test_protect_process (void)
{
  g_assert_true (strata_secret_protect_process ());
  g_assert_cmpint (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/strata/profile/from-url", test_profile_from_url);
  g_test_add_func ("/strata/profile/bad-url", test_profile_bad_url);
  g_test_add_func ("/strata/profile/parts", test_profile_parts);
  g_test_add_func ("/strata/profile/ids", test_profile_ids);
  g_test_add_func ("/strata/profile/destination", test_profile_destination);
  g_test_add_func ("/strata/profile/properties", test_profile_properties);
  g_test_add_func ("/strata/profile/names", test_profile_names);
  g_test_add_func ("/strata/profile/resolve-default-store", test_profile_resolve_default_store);
  g_test_add_func ("/strata/profile/connect-invalid", test_profile_connect_invalid);
#define ADD(path, ini, func) \
  g_test_add (path, Fixture, ini, fixture_set_up, func, fixture_tear_down)
  ADD ("/strata/profile/project-profiles", NULL, test_profile_project_profiles);
  ADD ("/strata/profile/project-bad-role", "[strata]\n[profile prod]\nurl=sqlite://\nrole=boss\n"
       "[profile bad-url]\nurl=postgresql://app:hunter2@db:0/app\n", test_profile_project_bad_role);
  ADD ("/strata/profile/resolve-order", NULL, test_profile_resolve_order);
  ADD ("/strata/profile/resolve-password", NULL, test_profile_resolve_password);
  ADD ("/strata/profile/connect-sqlite", NULL, test_profile_connect_sqlite);
  ADD ("/strata/profile/connect-async", NULL, test_profile_connect_async);
#undef ADD

  g_test_add_func ("/strata/profile/protect-process", test_protect_process);

  return g_test_run ();
}
