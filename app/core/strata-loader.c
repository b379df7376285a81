/* strata-loader.c: libpq and libsecret, loaded on first use
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * dlopen(3) by soname, not g_module_open (): given a bare name, GModule
 * first looks in the current directory for NAME.la and loads whatever
 * library such a libtool archive names, so running strata inside an
 * untrusted checkout could run that checkout's code. dlopen () searches
 * only the system's library path.
 */

#define G_LOG_DOMAIN "strata-loader"

#include "config.h"

#include <dlfcn.h>

#include "strata-error.h"
#include "strata-loader-private.h"
#include "strata-i18n-private.h"

/* What libstrata dlopen()s, declared for packagers and tools in an ELF
 * note as https://systemd.io/ELF_DLOPEN_METADATA/ specifies: section
 * .note.dlopen, owner "FDO", type 0x407c0c0a, a JSON array as descriptor.
 * `readelf --notes libstrata-1.so.0` shows it; tests/test-dlopen-note.py
 * checks it names the sonames the loader opens. */
#define STRATA_DLOPEN_NOTE_JSON \
  "[{\"feature\":\"postgresql\"," \
  "\"description\":\"PostgreSQL databases (libpq)\"," \
  "\"priority\":\"recommended\"," \
  "\"soname\":[\"" STRATA_LIBPQ_SONAME "\"]}," \
  "{\"feature\":\"keyring\"," \
  "\"description\":\"Passwords in the desktop keyring (libsecret)\"," \
  "\"priority\":\"recommended\"," \
  "\"soname\":[\"" STRATA_LIBSECRET_SONAME "\"]}]"

#define STRATA_ALIGN4(n) (((n) + 3) & ~(gsize)3)

__attribute__ ((used, section (".note.dlopen"), aligned (4)))
static const struct
{
  guint32 n_namesz;
  guint32 n_descsz;
  guint32 n_type;
  char    name[4];
  char    desc[STRATA_ALIGN4 (sizeof (STRATA_DLOPEN_NOTE_JSON))];
} strata_dlopen_note = {
  .n_namesz = 4,
  .n_descsz = sizeof (STRATA_DLOPEN_NOTE_JSON),
  .n_type = 0x407c0c0a,
  .name = "FDO",
  .desc = STRATA_DLOPEN_NOTE_JSON,
};

typedef struct
{
  const char *name;
  gsize       offset;
} Symbol;

#define PQ_SYMBOL(name) { #name, G_STRUCT_OFFSET (StrataPq, name) },
static const Symbol pq_symbols[] = {
  STRATA_PQ_FUNCTIONS (PQ_SYMBOL)
};
#undef PQ_SYMBOL

#define LIBSECRET_SYMBOL(name) { #name, G_STRUCT_OFFSET (StrataLibsecret, name) },
static const Symbol libsecret_symbols[] = {
  STRATA_LIBSECRET_FUNCTIONS (LIBSECRET_SYMBOL)
};
#undef LIBSECRET_SYMBOL

/* Fills @table from @soname; NULL on success, else why not. The library
 * is never unloaded: libsecret registers types with GObject. */
static char *
load_library (const char   *soname,
              const Symbol *symbols,
              gsize         n_symbols,
              gpointer      table)
{
  void *handle = dlopen (soname, RTLD_LAZY | RTLD_LOCAL);

  if (handle == NULL)
    return g_strdup (dlerror ());

  for (gsize i = 0; i < n_symbols; i++)
    {
      void *address = dlsym (handle, symbols[i].name);

      if (address == NULL)
        {
          dlclose (handle);
          return g_strdup_printf (_("%s has no %s () (too old?)"), soname, symbols[i].name);
        }

      /* POSIX: a function's address round-trips through void *. */
      G_STRUCT_MEMBER (gpointer, table, symbols[i].offset) = address;
    }

  g_debug ("loaded %s", soname);

  return NULL;
}

const StrataPq *
_strata_pq_load (GError **error)
{
  static StrataPq pq;
  static char *failure;
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      failure = load_library (STRATA_LIBPQ_SONAME, pq_symbols, G_N_ELEMENTS (pq_symbols), &pq);
      g_once_init_leave (&loaded, 1);
    }

  if (failure != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CONNECTION,
                   _("PostgreSQL needs libpq, which could not be loaded: %s"), failure);
      return NULL;
    }

  return &pq;
}

const StrataLibsecret *
_strata_libsecret_load (GError **error)
{
  static StrataLibsecret libsecret;
  static char *failure;
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      failure = load_library (STRATA_LIBSECRET_SONAME, libsecret_symbols,
                              G_N_ELEMENTS (libsecret_symbols), &libsecret);
      g_once_init_leave (&loaded, 1);
    }

  if (failure != NULL)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_SECRET,
                   _("the keyring needs libsecret, which could not be loaded: %s"), failure);
      return NULL;
    }

  return &libsecret;
}
