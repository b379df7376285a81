/* strata-schema-page.h: the schema at a revision (replayed, no database
 * needed) and what its step changes, the live database's schema, and drift
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "strata.h"
#include "strata-drift-view.h"
#include "strata-schema-view.h"

G_BEGIN_DECLS

#define STRATA_TYPE_SCHEMA_PAGE (strata_schema_page_get_type ())

G_DECLARE_FINAL_TYPE (StrataSchemaPage, strata_schema_page, STRATA, SCHEMA_PAGE, AdwBin)

GtkWidget        *strata_schema_page_new               (void);
/* The project and its graph (NULL: none): replays need nothing else. */
void              strata_schema_page_set_project       (StrataSchemaPage   *self,
                                                        StrataProject      *project,
                                                        StrataGraph        *graph);
/* The dialect whose types show (the profile's), or -1 for the portable
 * names; the page's own choice wins once made. */
void              strata_schema_page_set_dialect       (StrataSchemaPage   *self,
                                                        int                 dialect);
int               strata_schema_page_get_dialect       (StrataSchemaPage   *self);
/* The revision whose schema shows (the one selected on the Revisions
 * page), or NULL for the project's heads. */
void              strata_schema_page_set_revision      (StrataSchemaPage   *self,
                                                        const char         *revision);
/* The live schema: being read, read (@model, at @when), failed (@error), or
 * neither (not read: the profile changed). */
void              strata_schema_page_set_live_loading  (StrataSchemaPage   *self);
void              strata_schema_page_set_live          (StrataSchemaPage   *self,
                                                        StrataModel        *model,
                                                        int                 dialect,
                                                        const GError       *error);
StrataDriftView  *strata_schema_page_get_drift_view    (StrataSchemaPage   *self);
StrataSchemaView *strata_schema_page_get_revision_view (StrataSchemaPage   *self);
StrataSchemaView *strata_schema_page_get_live_view     (StrataSchemaPage   *self);
/* Shows "revision", "live" or "drift". */
void              strata_schema_page_show              (StrataSchemaPage   *self,
                                                        const char         *name);
/* Whether the revision's schemas are being replayed. */
gboolean          strata_schema_page_get_loading       (StrataSchemaPage   *self);
/* The step's change on show (a diff of the schemas before and after). */
char             *strata_schema_page_dup_change        (StrataSchemaPage   *self);

G_END_DECLS
