/* strata.h: the Strata migration core
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#define STRATA_INSIDE
#include "strata-types.h"
#include "strata-enum-types.h"
#include "strata-error.h"
#include "strata-adopt.h"
#include "strata-dialect.h"
#include "strata-diff.h"
#include "strata-driver.h"
#include "strata-driver-pg.h"
#include "strata-driver-sqlite.h"
#include "strata-env.h"
#include "strata-graph.h"
#include "strata-lint.h"
#include "strata-log.h"
#include "strata-migrator.h"
#include "strata-model.h"
#include "strata-ops.h"
#include "strata-plan.h"
#include "strata-plan-file.h"
#include "strata-profile.h"
#include "strata-project.h"
#include "strata-replay.h"
#include "strata-script.h"
#include "strata-session.h"
#include "strata-data-page.h"
#include "strata-fleet.h"
#include "strata-session-revision.h"
#include "strata-type-map.h"
#include "strata-secret.h"
#include "strata-store.h"
#include "strata-stored.h"
#include "strata-app-store.h"
#include "strata-url.h"
#include "strata-validate.h"
#undef STRATA_INSIDE
