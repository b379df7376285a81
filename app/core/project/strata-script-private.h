/* strata-script-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-script.h"

G_BEGIN_DECLS

/* A script known from the project's index: its metadata is set, and its
 * operations are read from @file on first use (strata_script_ensure_loaded).
 * The index only holds files that parsed cleanly and have not changed
 * since (size, times and inode match). Takes every string and list
 * (transfer full); a NULL list is empty. */
StrataScript *_strata_script_new_indexed (char      *path,
                                          char      *revision,
                                          char     **down_revisions,
                                          char     **branch_labels,
                                          char     **depends_on,
                                          char      *message,
                                          char      *created,
                                          gboolean   transactional,
                                          char      *checksum);

StrataScript *_strata_script_new_broken  (GFile        *file,
                                          const char   *data,
                                          const GError *problem);
StrataScript *_strata_script_new_missing (const char   *revision,
                                          GFile        *file,
                                          const GError *problem);
gboolean      _strata_script_is_placed   (StrataScript *self);

G_END_DECLS
