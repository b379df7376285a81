/* strata-revisions-page.h: the revision graph and the selected revision's details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata-revision-list.h"

G_BEGIN_DECLS

#define STRATA_TYPE_REVISIONS_PAGE (strata_revisions_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataRevisionsPage, strata_revisions_page, STRATA, REVISIONS_PAGE, AdwBin)

GtkWidget          *strata_revisions_page_new                   (void);
void                strata_revisions_page_set_list              (StrataRevisionsPage *self,
                                                                 StrataRevisionList  *list);
StrataRevisionList *strata_revisions_page_get_list              (StrataRevisionsPage *self);
GtkPaned           *strata_revisions_page_get_paned             (StrataRevisionsPage *self);
/* The session that reviews the selected revision's SQL (an offline one
 * will do), and the dialect the SQL is shown in (the selected profile's). */
void                strata_revisions_page_set_session           (StrataRevisionsPage *self,
                                                                 StrataSession       *session);
void                strata_revisions_page_set_dialect           (StrataRevisionsPage *self,
                                                                 StrataDialect        dialect);
/* The selected revision's id, or NULL. */
const char         *strata_revisions_page_get_selected_revision (StrataRevisionsPage *self);
gboolean            strata_revisions_page_select_revision       (StrataRevisionsPage *self,
                                                                 const char          *revision);

gboolean             strata_revisions_page_get_rendering (StrataRevisionsPage *self);
/* Search: the revisions whose id, message or tags (head, branch labels,
 * current) hold @text, ignoring case; NULL or "" shows them all. */
void                 strata_revisions_page_set_search    (StrataRevisionsPage *self,
                                                          const char          *text);
GListModel          *strata_revisions_page_get_shown     (StrataRevisionsPage *self);

G_END_DECLS
