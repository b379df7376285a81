/* bookshelf.c: an application that keeps its books in its own SQLite store
 * and brings it up to date at every launch through libstrata.
 *
 *   glib-compile-resources --generate-source --target=resources.c bookshelf.gresource.xml
 *   cc -o bookshelf bookshelf.c resources.c $(pkg-config --cflags --libs strata-1)
 *   ./bookshelf [STORE]
 *
 * SPDX-License-Identifier: CC0-1.0
 */
#include <strata.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (argc > 1 ? argv[1] : "bookshelf.db");
  g_autoptr(StrataAppStore) store = NULL;
  g_autoptr(GEnumClass) outcomes = g_type_class_ref (STRATA_TYPE_STORE_OUTCOME);
  g_autoptr(GError) error = NULL;

  g_set_application_name ("Bookshelf");

  /* Creates the store, or backs it up and upgrades it (restoring the backup
   * if that fails), or refuses one written by a newer Bookshelf. */
  store = strata_app_store_open (file, "/org/example/Bookshelf/store/", NULL, &error);
  if (store == NULL ||
      !strata_driver_execute (strata_app_store_get_driver (store),
                              "INSERT INTO book (title) VALUES ('The Left Hand of Darkness')", NULL, &error))
    {
      g_printerr ("bookshelf: %s\n", error->message);
      return 1;
    }

  g_print ("%s %s\n", g_enum_get_value (outcomes, strata_app_store_get_outcome (store))->value_nick,
           strata_app_store_get_revision (store));
  return 0;
}
