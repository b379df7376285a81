/* test-json.c: the strict JSON reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata.h"
#include "strata-json-private.h"
#include "strata-model-private.h"

static JsonNode *
read_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = _strata_json_read (text, strlen (text), "t.json", &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
test_values (void)
{
  g_autoptr(JsonNode) node = read_ok ("\xEF\xBB\xBF { \"a\": [1, -2, 3.5, 1e3, -0.25E-2, true, false, null],\n"
                                      "  \"s\": \"tab\\tquote\\\"slash\\/\\u00e9\\ud83d\\ude00\",\n"
                                      "  \"big\": 9223372036854775807, \"huge\": 92233720368547758070,\n"
                                      "  \"o\": {}, \"e\": [] }");
  JsonObject *object = json_node_get_object (node);
  JsonArray *a = json_object_get_array_member (object, "a");
  g_autofree char *generated = NULL;
  g_autoptr(JsonNode) again = NULL;

  g_assert_cmpuint (json_array_get_length (a), ==, 8);
  g_assert_cmpint (json_array_get_int_element (a, 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (a, 1), ==, -2);
  /* Other numbers keep their text. */
  g_assert_cmpstr (_strata_json_get_number_text (json_array_get_element (a, 2)), ==, "3.5");
  g_assert_cmpstr (_strata_json_get_number_text (json_array_get_element (a, 3)), ==, "1e3");
  g_assert_cmpstr (_strata_json_get_number_text (json_array_get_element (a, 4)), ==, "-0.25E-2");
  g_assert_true (_strata_json_node_is_number (json_array_get_element (a, 4)));
  g_assert_null (_strata_json_get_number_text (json_array_get_element (a, 0)));
  g_assert_true (json_array_get_boolean_element (a, 5));
  g_assert_false (json_array_get_boolean_element (a, 6));
  g_assert_true (json_array_get_null_element (a, 7));
  g_assert_cmpstr (json_object_get_string_member (object, "s"), ==, "tab\tquote\"slash/\xc3\xa9\xf0\x9f\x98\x80");
  g_assert_cmpint (json_object_get_int_member (object, "big"), ==, G_MAXINT64);
  g_assert_cmpstr (_strata_json_get_number_text (json_object_get_member (object, "huge")), ==,
                   "92233720368547758070");
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (object, "o")), ==, 0);

  /* Member order is kept, as JsonParser keeps it. */
  generated = _strata_json_to_canonical (node);
  g_assert_true (g_str_has_prefix (generated, "{\"a\":[1,-2,3.5,1e3,-0.25E-2,true"));
  g_assert_nonnull (strstr (generated, "\"huge\":92233720368547758070"));
  again = read_ok (generated);
  g_assert_true (json_node_equal (node, again));
}

static void
test_errors (void)
{
  struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "", "t.json: the file is empty" },
    { "  \n ", "t.json: the file is empty" },
    { "{\"a\": 1,}", "t.json:1:9: unexpected “}”, expected a key in double quotes" },
    { "[1, 2,]", "t.json:1:7: unexpected “]”, expected a value" },
    { "{\n  \"revision\": \"a\",\n  \"revision\": \"b\"\n}", "t.json:3:3: duplicate key “revision”" },
    { "{\"a\" 1}", "t.json:1:6: unexpected “1”, expected “:”" },
    { "{\"a\": 1 \"b\": 2}", "t.json:1:9: unexpected “\"”, expected “,” or “}”" },
    { "[1 2]", "t.json:1:4: unexpected “2”, expected “,” or “]”" },
    { "[\"open", "t.json:1:2: unterminated string" },
    { "[\"a\tb\"]", "t.json:1:4: control character U+0009 in a string (write it as an escape)" },
    { "[\"\\x\"]", "t.json:1:3: invalid escape “\\x”" },
    { "[\"\\u12\"]", "t.json:1:5: invalid \\u escape" },
    { "[\"\\ud83d\"]", "t.json:1:9: unpaired surrogate in a \\u escape" },
    { "[\"\\u0000\"]", "t.json:1:3: \\u0000 is not allowed in a string" },
    { "[01]", "t.json:1:3: unexpected “1”, expected “,” or “]”" },
    { "[1.]", "t.json:1:2: malformed number" },
    { "[1e]", "t.json:1:2: malformed number" },
    { "[1, {\"x\": 1e999}]", "t.json:1:11: number 1e999 is not finite (out of range of a double)" },
    { "[-1e400]", "t.json:1:2: number -1e400 is not finite (out of range of a double)" },
    { "[tru]", "t.json:1:2: unexpected “t”, expected a value" },
    { "[nullx]", "t.json:1:2: unexpected “n”, expected a value" },
    { "{\"a\": 1} x", "t.json:1:10: unexpected “x” after the end of the document" },
    { "{'a': 1}", "t.json:1:2: unexpected “'”, expected a key in double quotes" },
    { "[\xff]", "t.json:1:2: not valid UTF-8 text" },
    { "{\"é\": [,]}", "t.json:1:8: unexpected “,”, expected a value or “]”" },
    { "[", "t.json:1:2: unexpected the end of the file, expected a value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = _strata_json_read (cases[i].text, strlen (cases[i].text), "t.json", &error);
      g_autofree char *shown = g_strescape (cases[i].text, NULL);

      g_test_message ("case %u: %s", i, shown);
      g_assert_null (node);
      g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < 300; i++)
    g_string_append_c (deep, '[');
  node = _strata_json_read (deep->str, deep->len, "t.json", &error);
  g_assert_null (node);
  g_assert_error (error, STRATA_ERROR, STRATA_ERROR_PARSE);
  g_assert_true (strstr (error->message, "nested deeper than") != NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strata/json/values", test_values);
  g_test_add_func ("/strata/json/errors", test_errors);
  g_test_add_func ("/strata/json/depth", test_depth);

  return g_test_run ();
}
