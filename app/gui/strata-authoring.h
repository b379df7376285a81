/* strata-authoring.h: write migrations and export scripts from a project
 * view: the "author" actions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-project-view.h"

G_BEGIN_DECLS

/* Installs the "author" action group on @view, its shortcuts and a
 * Migrations group on the status page:
 *   author.new-revision          Ctrl+Shift+R  New Revision dialog
 *   author.autogenerate          Ctrl+Shift+G  the same, filled from schema.json
 *   author.merge-heads           Ctrl+Shift+M  Merge Heads dialog
 *   author.stamp                               set the version table (confirmed)
 *   author.validate                            checksums of applied revisions, then
 *                                              repair (confirmed)
 *   author.preview-revision-sql  Ctrl+Shift+D  the selected revision, both engines
 *   author.preview-plan-sql      Ctrl+Shift+L  the plan, both engines
 *   author.save-plan-script      Ctrl+S        the plan as a guarded script
 *   author.save-rollback-script  Ctrl+Shift+S  a guarded script back to a revision
 *   author.copy-step-sql (s)                   a plan step's SQL to the clipboard */
void        strata_authoring_attach          (StrataProjectView *view);

/* Whether a script is being rendered or written, or a stamp or a
 * validation runs. */
gboolean    strata_authoring_get_busy        (StrataProjectView *view);

G_END_DECLS
