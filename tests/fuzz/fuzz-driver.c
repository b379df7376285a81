/* fuzz-driver.c: runs a fuzz target without libFuzzer (the CI run)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   fuzz-TARGET [--seconds N] [--seed S] CORPUS_DIR…
 *
 * Every file of the corpus folders goes through the target, then random
 * mutations of them (flips, insertions of bytes and of tokens, cuts,
 * splices) for N seconds (default 3). A crash, a sanitizer report or a
 * failed oracle is a failure; the input is written to fuzz-crash-TARGET
 * in the current folder first. Prints one TAP line with the figures. The
 * long run uses libFuzzer instead (README: “Fuzzing”).
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static const char *target_name = "target";
static GByteArray *current = NULL;

static void
save_crash (int signum)
{
  g_autofree char *name = g_strdup_printf ("fuzz-crash-%s", target_name);
  FILE *fp = fopen (name, "wb");

  if (fp != NULL && current != NULL)
    {
      fwrite (current->data, 1, current->len, fp);
      fclose (fp);
    }
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
run (const guint8 *data,
     gsize         len)
{
  g_byte_array_set_size (current, 0);
  g_byte_array_append (current, data, len);
  LLVMFuzzerTestOneInput (current->data, current->len);
}

static const char * const tokens[] = {
  "{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "null", "true", "1e999", "-0",
  "\"op\"", "\"upgrade\"", "\"create_table\"", "\"columns\"", "\"type\"", "\"revision\"",
  "\"down_revision\"", "\"tables\"", "\"default\"", "postgresql://", "sqlite:///", "?", "&", "@", "=",
  "password", "%", "%00", "%zz", "[strata]", "[profile x]", "url=", "${", "${A:-", "}", "\n", "\r\n",
  "export ", "'", "#", "\\", "\xc3\xa9", "\xff",
};

/* GByteArray has no insert before GLib 2.80. */
static void
insert_bytes (GByteArray   *array,
              guint         pos,
              const guint8 *data,
              guint         len)
{
  guint old = array->len;

  pos = MIN (pos, old);
  g_byte_array_set_size (array, old + len);
  memmove (array->data + pos + len, array->data + pos, old - pos);
  memcpy (array->data + pos, data, len);
}

static void
mutate (GRand      *rand,
        GByteArray *out,
        GPtrArray  *corpus)
{
  guint n = g_rand_int_range (rand, 1, 6);

  for (guint k = 0; k < n; k++)
    {
      guint pos = out->len > 0 ? g_rand_int_range (rand, 0, out->len + 1) : 0;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0: /* flip */
          if (out->len > 0)
            out->data[MIN (pos, out->len - 1)] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1: /* a random byte */
          {
            guint8 b = g_rand_int_range (rand, 0, 256);
            insert_bytes (out, pos, &b, 1);
          }
          break;
        case 2: /* a token */
          {
            const char *t = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
            insert_bytes (out, pos, (const guint8 *)t, strlen (t));
          }
          break;
        case 3: /* a cut */
          if (out->len > 0)
            {
              guint len = g_rand_int_range (rand, 1, MIN (out->len - MIN (pos, out->len - 1), 16) + 1);
              g_byte_array_remove_range (out, MIN (pos, out->len - 1),
                                         MIN (len, out->len - MIN (pos, out->len - 1)));
            }
          break;
        case 4: /* a splice from another input */
          if (corpus->len > 0)
            {
              GBytes *other = g_ptr_array_index (corpus, g_rand_int_range (rand, 0, corpus->len));
              gsize olen;
              const guint8 *odata = g_bytes_get_data (other, &olen);

              if (olen > 0)
                {
                  guint start = g_rand_int_range (rand, 0, olen);
                  guint len = g_rand_int_range (rand, 1, MIN (olen - start, 64) + 1);
                  insert_bytes (out, pos, odata + start, len);
                }
            }
          break;
        default: /* a duplicated stretch */
          if (out->len > 0 && out->len < 4096)
            {
              guint start = g_rand_int_range (rand, 0, out->len);
              guint len = MIN (out->len - start, 32);
              g_autofree guint8 *copy = g_memdup2 (out->data + start, len);
              insert_bytes (out, pos, copy, len);
            }
          break;
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) corpus = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GRand) rand = NULL;
  double seconds = 3;
  guint32 seed = (guint32)g_get_real_time ();
  guint64 executions = 0;
  gint64 start, end;
  g_autofree char *base = g_path_get_basename (argv[0]);

  target_name = base;
  current = g_byte_array_new ();
  signal (SIGABRT, save_crash);
  signal (SIGSEGV, save_crash);
  signal (SIGBUS, save_crash);
  signal (SIGFPE, save_crash);

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--seconds") == 0 && i + 1 < argc)
        seconds = g_ascii_strtod (argv[++i], NULL);
      else if (strcmp (argv[i], "--seed") == 0 && i + 1 < argc)
        seed = (guint32)g_ascii_strtoull (argv[++i], NULL, 10);
      else
        {
          g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
          const char *name;

          if (dir == NULL)
            {
              g_autofree char *contents = NULL;
              gsize len;

              if (!g_file_get_contents (argv[i], &contents, &len, NULL))
                {
                  g_printerr ("%s: cannot read %s\n", base, argv[i]);
                  return 2;
                }
              g_ptr_array_add (corpus, g_bytes_new_take (g_steal_pointer (&contents), len));
              continue;
            }
          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = g_build_filename (argv[i], name, NULL);
              char *contents;
              gsize len;

              if (g_file_get_contents (path, &contents, &len, NULL))
                g_ptr_array_add (corpus, g_bytes_new_take (contents, len));
            }
        }
    }

  rand = g_rand_new_with_seed (seed);
  printf ("1..1\n# %s: %u corpus inputs, seed %u, %.1f s\n", base, corpus->len, seed, seconds);
  fflush (stdout);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < corpus->len; i++, executions++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (corpus, i), &len);
      run (data, len);
    }

  end = start + (gint64)(seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GByteArray) input = g_byte_array_new ();

      if (corpus->len > 0)
        {
          gsize len;
          const guint8 *data = g_bytes_get_data (g_ptr_array_index (corpus, g_rand_int_range (rand, 0, corpus->len)),
                                                 &len);
          g_byte_array_append (input, data, len);
        }
      for (guint round = 0; round < 8; round++, executions++)
        {
          mutate (rand, input, corpus);
          if (input->len > 65536)
            g_byte_array_set_size (input, 65536);
          run (input->data, input->len);
        }
    }

  printf ("ok 1 - %s: %" G_GUINT64_FORMAT " executions in %.1f s, seed %u, no findings\n",
          base, executions, (g_get_monotonic_time () - start) / 1e6, seed);
  g_byte_array_unref (current);
  return 0;
}
