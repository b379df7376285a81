/* fuzz-dotenv.c: .env files
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
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr(GHashTable) env = strata_dotenv_parse (text, ".env", &error);

  g_assert ((env == NULL) != (error == NULL));
  if (error != NULL)
    g_assert (strchr (error->message, '\n') == NULL);
  return 0;
}
