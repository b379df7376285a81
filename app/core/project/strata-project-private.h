/* strata-project-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sys/stat.h>

#include "strata-project.h"

G_BEGIN_DECLS

/* One migration file as seen in the folder listing. */
typedef struct
{
  char        *name;
  struct stat  st;
} StrataMigrationEntry;

/* The index of a migrations folder: file name and stat → the revision's
 * metadata, so that `heads`, `history` and a no-op `upgrade` do not parse
 * every file. Kept under $XDG_CACHE_HOME/strata/; losing it costs one full
 * parse, never correctness. */
typedef struct _StrataIndex StrataIndex;

StrataIndex  *_strata_index_load     (GFile                       *migrations_dir);
/* A script for @entry from the index, or NULL on a miss. */
StrataScript *_strata_index_lookup   (StrataIndex                 *index,
                                      GFile                       *migrations_dir,
                                      const StrataMigrationEntry  *entry);
void          _strata_index_update   (StrataIndex                 *index,
                                      const StrataMigrationEntry  *entry,
                                      StrataScript                *script);
/* Writes the index if it changed; failures are ignored (it is a cache). */
void          _strata_index_save     (StrataIndex                 *index);
void          _strata_index_free     (StrataIndex                 *index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataIndex, _strata_index_free)

G_END_DECLS
