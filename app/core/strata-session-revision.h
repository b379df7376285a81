/* strata-session-revision.h: a new revision previewed before it is
 * written, and SQL rendered without a database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (STRATA_INSIDE) && !defined (STRATA_COMPILATION)
# error "Only <strata.h> can be included directly."
#endif

#include <gio/gio.h>

#include "strata-session.h"
#include "strata-types.h"

G_BEGIN_DECLS

/* StrataRevisionDraft: what a new revision should be (the request), then,
 * once prepared by a session, the revision itself with its preview. */
#define STRATA_TYPE_REVISION_DRAFT (strata_revision_draft_get_type ())
G_DECLARE_FINAL_TYPE (StrataRevisionDraft, strata_revision_draft, STRATA, REVISION_DRAFT, GObject)

StrataRevisionDraft *strata_revision_draft_new                (const char          *message);
const char          *strata_revision_draft_get_message        (StrataRevisionDraft *self);
void                 strata_revision_draft_set_head           (StrataRevisionDraft *self,
                                                               const char          *head);
void                 strata_revision_draft_set_splice         (StrataRevisionDraft *self,
                                                               gboolean             splice);
void                 strata_revision_draft_set_branch_labels  (StrataRevisionDraft *self,
                                                               const char * const  *labels);
void                 strata_revision_draft_set_depends_on     (StrataRevisionDraft *self,
                                                               const char * const  *depends_on);
void                 strata_revision_draft_set_rev_id         (StrataRevisionDraft *self,
                                                               const char          *rev_id);
void                 strata_revision_draft_set_autogenerate   (StrataRevisionDraft *self,
                                                               gboolean             autogenerate);
gboolean             strata_revision_draft_get_autogenerate   (StrataRevisionDraft *self);
void                 strata_revision_draft_set_renames        (StrataRevisionDraft *self,
                                                               const char * const  *renames);
void                 strata_revision_draft_set_merge          (StrataRevisionDraft *self,
                                                               const char * const  *revisions);
gboolean             strata_revision_draft_is_merge           (StrataRevisionDraft *self);
void                 strata_revision_draft_set_preview        (StrataRevisionDraft *self,
                                                               gboolean             preview);
void                 strata_revision_draft_set_created        (StrataRevisionDraft *self,
                                                               GDateTime           *created);

/* After strata_session_prepare_revision(). */
StrataScript        *strata_revision_draft_get_script         (StrataRevisionDraft *self);
GPtrArray           *strata_revision_draft_get_rename_hints   (StrataRevisionDraft *self);
GPtrArray           *strata_revision_draft_get_rename_choices (StrataRevisionDraft *self);
GPtrArray           *strata_revision_draft_get_warnings       (StrataRevisionDraft *self);
GPtrArray           *strata_revision_draft_get_findings       (StrataRevisionDraft *self);
const char          *strata_revision_draft_get_sql            (StrataRevisionDraft *self,
                                                               StrataDialect        dialect);
gboolean             strata_session_prepare_revision          (StrataSession       *self,
                                                               StrataRevisionDraft *draft,
                                                               GCancellable        *cancellable,
                                                               GError             **error);
void                 strata_session_prepare_revision_async    (StrataSession       *self,
                                                               StrataRevisionDraft *draft,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
gboolean             strata_session_prepare_revision_finish   (StrataSession       *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* strata_session_render_offline() for several dialects in a worker
 * thread: the scripts in the order of @dialects. */
void                 strata_session_render_offline_async      (StrataSession       *self,
                                                               StrataPlan          *plan,
                                                               const StrataDialect *dialects,
                                                               guint                n_dialects,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
GStrv                strata_session_render_offline_finish     (StrataSession       *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);

/* The plan that applies @revision alone on top of its down revisions
 * (and what it depends on that they lack). */
StrataPlan          *strata_session_plan_revision             (StrataSession       *self,
                                                               const char          *revision,
                                                               GError             **error);

G_END_DECLS
