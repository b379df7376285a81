/* strata-driver.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-driver"

#include "config.h"

#include "strata.h"
