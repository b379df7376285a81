/* fuzz-script.c: migration files (parse, then the operations)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataScript) script = strata_script_new_from_data ((const char *)data, size,
                                                                "migrations/fuzz.json", &error);

  g_assert ((script == NULL) != (error == NULL));
  if (script != NULL && !strata_script_ensure_loaded (script, &error))
    g_assert (error != NULL);
  if (error != NULL)
    g_assert (strchr (error->message, '\n') == NULL);
  return 0;
}
