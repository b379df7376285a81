/* fuzz-json.c: the strict JSON reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "strata-json-private.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = _strata_json_read ((const char *)data, size, "fuzz.json", &error);

  /* Exactly one of a tree and an error, and an error is one line. */
  g_assert ((node == NULL) != (error == NULL));
  if (error != NULL)
    g_assert (strchr (error->message, '\n') == NULL);
  return 0;
}
