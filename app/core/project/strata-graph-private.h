/* strata-graph-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-graph.h"

G_BEGIN_DECLS

/* The broken migration files whose place in the graph could not be read
 * (see strata_project_load_graph). */
void _strata_graph_set_unplaced (StrataGraph *self,
                                 GPtrArray   *unplaced);

G_END_DECLS
