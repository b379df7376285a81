/* strata-lint-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-lint.h"

G_BEGIN_DECLS

GPtrArray *_strata_lint_ops_advance (GPtrArray   *ops,
                                     StrataModel *state,
                                     gboolean     has_downgrade);

G_END_DECLS
