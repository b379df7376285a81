/* strata-script-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "strata-script.h"

G_BEGIN_DECLS

/* A script known from the project's index: its metadata is set, and its
 * operations are read from @file on first use (strata_script_ensure_loaded).
 * The index only holds files that parsed cleanly and have not changed
 * since (size, times and inode match). */
StrataScript *_strata_script_new_indexed (const char         *path,
                                          const char         *revision,
                                          const char * const *down_revisions,
                                          const char * const *branch_labels,
                                          const char * const *depends_on,
                                          const char         *message,
                                          const char         *created,
                                          gboolean            transactional,
                                          const char         *checksum);

G_END_DECLS
