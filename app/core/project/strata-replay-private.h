/* strata-replay-private.h: replay for the migrator's eyes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-replay.h"

G_BEGIN_DECLS

/* "revision ae1027a6acf0 (migrations/ae1027a6acf0_add.json)", the path
 * relative to the current directory when it is below it. */
char        *_strata_describe_revision    (StrataScript        *script);

/* Replay that skips the operations that do not apply (raw SQL may have
 * made what they need): the migrator's view, where the database is the
 * judge. With @before, the state just before that revision; else at
 * @heads. */
StrataModel *_strata_model_replay_lenient (StrataGraph         *graph,
                                           const char * const  *heads,
                                           StrataScript        *before,
                                           GError             **error);
/* The same for @dialect (see strata_model_set_dialect()). */
StrataModel *_strata_model_replay_lenient_for_dialect (StrataGraph         *graph,
                                                       const char * const  *heads,
                                                       StrataScript        *before,
                                                       int                  dialect,
                                                       GError             **error);

G_END_DECLS
