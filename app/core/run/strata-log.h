/* strata-log.h: what happened to a database, from its history table
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "strata-types.h"

G_BEGIN_DECLS

/**
 * StrataLogEntry:
 * @revision: the revision
 * @direction: "up", "down", "stamp", "unstamp", or %NULL for a pending one
 * @outcome: "success", "failed", "cancelled", … or "pending"
 * @started: (nullable): when it started (ISO 8601, UTC)
 * @finished: (nullable): when it finished
 * @duration_ms: how long it ran, or -1
 * @os_user: (nullable): who ran it
 * @host: (nullable): on which machine
 * @tool_version: (nullable): the Strata version that ran it
 * @checksum: (nullable): the file's checksum when it ran
 * @message: (nullable): the revision's message, when its file is present
 * @file_present: whether migrations/ holds the revision
 *
 * One line of `strata log` (Flyway's info).
 */
typedef struct
{
  char    *revision;
  char    *direction;
  char    *outcome;
  char    *started;
  char    *finished;
  gint64   duration_ms;
  char    *os_user;
  char    *host;
  char    *tool_version;
  char    *checksum;
  char    *message;
  gboolean file_present;
} StrataLogEntry;

#define STRATA_TYPE_LOG_ENTRY (strata_log_entry_get_type ())
GType           strata_log_entry_get_type (void) G_GNUC_CONST;
StrataLogEntry *strata_log_entry_copy     (const StrataLogEntry *entry);
void       strata_log_entry_free  (StrataLogEntry   *entry);

/* Every row of @migrator's history table, oldest first, then the revisions
 * an `upgrade heads` would apply, in order, as "pending". */
GPtrArray *strata_log_read        (StrataMigrator   *migrator,
                                   GCancellable     *cancellable,
                                   GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StrataLogEntry, strata_log_entry_free)

G_END_DECLS
