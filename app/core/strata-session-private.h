/* strata-session-private.h: what the session's other files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "strata-session.h"

G_BEGIN_DECLS

/* strata-session-data.c: the read-only connection of the data browser. */
typedef struct _StrataDataReader StrataDataReader;

StrataDataReader         *_strata_data_reader_new        (void);
void                      _strata_data_reader_free       (StrataDataReader *reader);

/* The session's reader (made on first use, freed with the session). */
StrataDataReader         *_strata_session_get_data_reader (StrataSession   *self);
StrataPasswordPromptFunc  _strata_session_get_prompt     (StrataSession    *self,
                                                          gpointer         *prompt_data);

G_END_DECLS
