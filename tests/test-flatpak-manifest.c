/* test-flatpak-manifest.c: checks flatpak/io.github.stratadb.Strata.json
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox the app asks for, and why:
 *
 *   --share=ipc, --socket=wayland, --socket=fallback-x11, --device=dri
 *       The usual set for a GTK 4 app: Wayland first, X11 only where there
 *       is no Wayland, and the GPU for GSK's GL renderer.
 *   --share=network
 *       Connection profiles reach PostgreSQL servers elsewhere (and on
 *       localhost over TCP).
 *
 * And what it must not ask for:
 *
 *   --filesystem=host, home, host-os, …
 *       Projects are folders the user picks in the file chooser; the
 *       document portal grants access to exactly those. The app's own
 *       store lives in its private $XDG_DATA_HOME.
 *   --talk-name=org.freedesktop.secrets
 *       libsecret (0.20) inside a sandbox keeps its items in a file in the
 *       app's data directory, encrypted with a key that the Secret portal
 *       (org.freedesktop.portal.Secret, served by the desktop's keyring)
 *       hands to the app alone. Talking to the host's Secret Service
 *       directly would let the app read every other application's secrets.
 *   --socket=x11, --socket=session-bus, --socket=system-bus, --device=all
 *       Broader than what the app uses.
 *
 * Every downloaded source is pinned: archives and files by URL with a
 * version and a sha256, git sources by tag and commit, never a branch.
 */

#define G_LOG_DOMAIN "test-flatpak-manifest"

#include "config.h"

#include <json-glib/json-glib.h>

#include "strata-test-util.h"

static const char * const required_finish_args[] = {
  "--share=ipc",
  "--socket=fallback-x11",
  "--socket=wayland",
  "--device=dri",
  "--share=network",
};

static const char * const forbidden_finish_args[] = {
  "--filesystem=host",
  "--filesystem=host-os",
  "--filesystem=host-etc",
  "--filesystem=home",
  "--talk-name=org.freedesktop.secrets",
  "--socket=x11",
  "--socket=session-bus",
  "--socket=system-bus",
  "--device=all",
};

static JsonNode *
load_json (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
load_manifest (JsonNode **root)
{
  g_autofree char *path = strata_test_source_path ("flatpak/io.github.stratadb.Strata.json");

  *root = load_json (path);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*root));

  return json_node_get_object (*root);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *string)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (g_strcmp0 (json_array_get_string_element (array, i), string) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_manifest_app (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *manifest = load_manifest (&root);
  const char *runtime_version;

  /* The stable id: the desktop file, metainfo and schema are named after it */
  g_assert_cmpstr (get_string (manifest, "app-id"), ==, BASE_ID);
  g_assert_cmpstr (get_string (manifest, "command"), ==, "strata-gtk");

  /* A supported GNOME runtime: 50 (until GNOME 52, March 2027) or newer.
   * 43 to 49 are end-of-life. The code's API floor stays GTK 4.8 and
   * libadwaita 1.2 (GDK_VERSION_MAX_ALLOWED, STYLE.md), which newer
   * runtimes run unchanged. */
  g_assert_cmpstr (get_string (manifest, "runtime"), ==, "org.gnome.Platform");
  g_assert_cmpstr (get_string (manifest, "sdk"), ==, "org.gnome.Sdk");
  runtime_version = get_string (manifest, "runtime-version");
  g_assert_nonnull (runtime_version);
  g_assert_true (g_regex_match_simple ("^[0-9]+$", runtime_version, 0, 0));
  g_assert_cmpuint (g_ascii_strtoull (runtime_version, NULL, 10), >=, 50);
}

/* Each finish-arg comes right after a comment that argues for it. */
static void
test_manifest_finish_args_justified (void)
{
  g_autofree char *path = strata_test_source_path ("flatpak/io.github.stratadb.Strata.json");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean in_args = FALSE;
  gboolean justified = FALSE;
  guint n_args = 0;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      while (g_ascii_isspace (*line))
        line++;

      if (g_str_has_prefix (line, "\"finish-args\""))
        {
          in_args = TRUE;
          continue;
        }
      if (!in_args)
        continue;
      if (g_str_has_prefix (line, "]"))
        break;

      if (g_str_has_prefix (line, "/*") || g_str_has_prefix (line, "*") || g_str_has_prefix (line, "//"))
        justified = TRUE;
      else if (line[0] == '"')
        {
          g_test_message ("finish-arg line: %s (justified: %d)", line, justified);
          g_assert_true (justified);
          justified = FALSE;
          n_args++;
        }
    }

  g_assert_cmpuint (n_args, ==, G_N_ELEMENTS (required_finish_args));
}

static void
test_manifest_finish_args (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *manifest = load_manifest (&root);
  JsonArray *finish_args;

  g_assert_true (json_object_has_member (manifest, "finish-args"));
  finish_args = json_object_get_array_member (manifest, "finish-args");

  for (guint i = 0; i < G_N_ELEMENTS (required_finish_args); i++)
    {
      g_test_message ("required: %s", required_finish_args[i]);
      g_assert_true (array_has_string (finish_args, required_finish_args[i]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (forbidden_finish_args); i++)
    {
      g_test_message ("forbidden: %s", forbidden_finish_args[i]);
      g_assert_false (array_has_string (finish_args, forbidden_finish_args[i]));
    }

  /* Nothing else: each permission is argued for above. */
  for (guint i = 0; i < json_array_get_length (finish_args); i++)
    {
      const char *arg = json_array_get_string_element (finish_args, i);
      gboolean known = FALSE;

      g_assert_nonnull (arg);
      for (guint j = 0; j < G_N_ELEMENTS (required_finish_args); j++)
        known |= g_str_equal (arg, required_finish_args[j]);

      g_test_message ("finish-arg: %s", arg);
      g_assert_true (known);
      g_assert_false (g_str_has_prefix (arg, "--filesystem="));
      g_assert_false (g_str_has_prefix (arg, "--talk-name="));
    }
}

/* An archive or file source: an https URL whose file name carries a
 * version, and a sha256 of 64 hex digits. */
static void
check_downloaded_source (const char *module,
                         JsonObject *source)
{
  const char *url = get_string (source, "url");
  const char *sha256 = get_string (source, "sha256");

  g_test_message ("%s: %s", module, url ? url : "(no url)");

  if (url == NULL)
    {
      /* A local file or archive, shipped in the repository */
      g_assert_nonnull (get_string (source, "path"));
      return;
    }

  g_assert_true (g_str_has_prefix (url, "https://"));
  g_assert_true (g_regex_match_simple ("/[^/]*[-_.]v?[0-9]+(\\.[0-9]+)+[^/]*$", url, 0, 0));
  g_assert_nonnull (sha256);
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{64}$", sha256, 0, 0));
}

/* A git source: a tag and the commit it points at, never a branch. */
static void
check_git_source (const char *module,
                  JsonObject *source)
{
  const char *commit = get_string (source, "commit");

  g_test_message ("%s: git %s", module, get_string (source, "url"));
  g_assert_false (json_object_has_member (source, "branch"));
  g_assert_nonnull (get_string (source, "tag"));
  g_assert_nonnull (commit);
  g_assert_true (g_regex_match_simple ("^[0-9a-f]{40}$", commit, 0, 0));
}

static void
check_module (JsonObject *module,
              gboolean    is_last)
{
  const char *name = get_string (module, "name");
  JsonArray *sources;

  g_assert_nonnull (name);
  g_assert_true (json_object_has_member (module, "sources"));
  sources = json_object_get_array_member (module, "sources");
  g_assert_cmpuint (json_array_get_length (sources), >, 0);

  for (guint i = 0; i < json_array_get_length (sources); i++)
    {
      JsonObject *source = json_array_get_object_element (sources, i);
      const char *type;

      g_assert_nonnull (source);
      type = get_string (source, "type");
      g_assert_nonnull (type);

      if (g_str_equal (type, "archive") || g_str_equal (type, "file"))
        check_downloaded_source (name, source);
      else if (g_str_equal (type, "git"))
        check_git_source (name, source);
      else if (g_str_equal (type, "dir"))
        {
          /* Only Strata itself builds from the working tree */
          g_assert_cmpstr (name, ==, "strata");
          g_assert_cmpstr (get_string (source, "path"), ==, "..");
        }
      else
        {
          g_test_message ("%s: source type %s", name, type);
          g_assert_true (g_str_equal (type, "patch") || g_str_equal (type, "shell"));
        }
    }

  if (json_object_has_member (module, "modules"))
    {
      JsonArray *modules = json_object_get_array_member (module, "modules");

      for (guint i = 0; i < json_array_get_length (modules); i++)
        check_module (json_array_get_object_element (modules, i), FALSE);
    }

  g_assert_true (g_str_equal (name, "strata") == is_last);
}

static void
test_manifest_sources (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *manifest = load_manifest (&root);
  JsonArray *modules = json_object_get_array_member (manifest, "modules");
  guint n_modules;

  g_assert_nonnull (modules);
  n_modules = json_array_get_length (modules);
  g_assert_cmpuint (n_modules, >=, 2);

  for (guint i = 0; i < n_modules; i++)
    {
      JsonNode *node = json_array_get_element (modules, i);

      /* Modules kept in files of their own would escape these checks */
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      check_module (json_node_get_object (node), i == n_modules - 1);
    }
}

static JsonObject *
find_module (JsonObject *manifest,
             const char *name)
{
  JsonArray *modules = json_object_get_array_member (manifest, "modules");

  for (guint i = 0; i < json_array_get_length (modules); i++)
    {
      JsonObject *module = json_array_get_object_element (modules, i);

      if (g_strcmp0 (get_string (module, "name"), name) == 0)
        return module;
    }

  return NULL;
}

static void
test_manifest_libpq (void)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GRegex) version_regex = NULL;
  g_autofree char *major = NULL;
  JsonObject *manifest = load_manifest (&root);
  JsonObject *libpq = find_module (manifest, "libpq");
  JsonObject *source;
  JsonArray *config_opts;
  JsonArray *post_install;

  g_assert_nonnull (libpq);

  /* A client library only: no readline or ICU, TLS for sslmode=require */
  config_opts = json_object_get_array_member (libpq, "config-opts");
  g_assert_nonnull (config_opts);
  g_assert_true (array_has_string (config_opts, "--without-readline"));
  g_assert_true (array_has_string (config_opts, "--without-icu"));
  g_assert_true (array_has_string (config_opts, "--with-ssl=openssl"));

  /* Not the server: only libpq and its headers are installed */
  g_assert_true (json_object_get_boolean_member_with_default (libpq, "no-make-install", FALSE));
  post_install = json_object_get_array_member (libpq, "post-install");
  g_assert_nonnull (post_install);
  g_assert_true (array_has_string (post_install, "make -C src/interfaces/libpq install"));
  g_assert_true (array_has_string (post_install, "make -C src/include install"));
  for (guint i = 0; i < json_array_get_length (post_install); i++)
    g_assert_false (g_regex_match_simple ("^make( -j[0-9]+)? install",
                                          json_array_get_string_element (post_install, i), 0, 0));

  /* PostgreSQL's own release archive, of a major version the build accepts
   * (meson.build: libpq >= 13) */
  source = json_array_get_object_element (json_object_get_array_member (libpq, "sources"), 0);
  version_regex = g_regex_new ("^https://ftp\\.postgresql\\.org/pub/source/v([0-9]+)\\.[0-9]+/"
                               "postgresql-\\1\\.[0-9]+\\.tar\\.bz2$", 0, 0, NULL);
  g_assert_true (g_regex_match (version_regex, get_string (source, "url"), 0, &match));
  major = g_match_info_fetch (match, 1);
  g_assert_cmpuint (g_ascii_strtoull (major, NULL, 10), >=, 13);
}

static void
test_manifest_strata (void)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *manifest = load_manifest (&root);
  JsonObject *strata = find_module (manifest, "strata");

  g_assert_nonnull (strata);
  g_assert_cmpstr (get_string (strata, "buildsystem"), ==, "meson");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/flatpak/app", test_manifest_app);
  g_test_add_func ("/strata/flatpak/finish-args", test_manifest_finish_args);
  g_test_add_func ("/strata/flatpak/finish-args-justified", test_manifest_finish_args_justified);
  g_test_add_func ("/strata/flatpak/sources", test_manifest_sources);
  g_test_add_func ("/strata/flatpak/libpq", test_manifest_libpq);
  g_test_add_func ("/strata/flatpak/strata", test_manifest_strata);

  return g_test_run ();
}
