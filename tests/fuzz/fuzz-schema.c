/* fuzz-schema.c: schema.json, and what a model read from one renders to
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
  g_autoptr(StrataModel) model = strata_model_new_from_data ((const char *)data, size, "schema.json", &error);

  g_assert ((model == NULL) != (error == NULL));
  if (error != NULL)
    g_assert (strchr (error->message, '\n') == NULL);
  return 0;
}
