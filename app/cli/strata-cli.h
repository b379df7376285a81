/* strata-cli.h: shared state of the `strata` command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "strata.h"

G_BEGIN_DECLS

typedef struct _StrataCli StrataCli;

struct _StrataCli
{
  /* Global options */
  char          *directory;      /* -C DIR */
  char          *url;            /* --url */
  char          *profile;        /* --profile */
  char          *version_table;  /* --version-table */
  char          *schema;         /* --schema */
  char          *lock_timeout;   /* --lock-timeout */
  char          *statement_timeout; /* --statement-timeout */
  gboolean       json;           /* --json */
  gboolean       quiet;          /* -q */
  gboolean       verbose;        /* -v */
  gboolean       yes;            /* --yes */

  /* Loaded on demand */
  StrataProject *project;
  /* The use cases over the project (and, once resolved, the profile) */
  StrataSession *session;
  StrataGraph   *graph;
  GCancellable  *cancellable;
  /* The connection open_migrator made last (for -v's round-trip count) */
  StrataDriver  *driver;
  /* The profile of that connection (for the production guard) */
  StrataProfile *target;
  /* The user's store, opened on demand (strata-cli-profiles.c) */
  StrataStore   *store;
};

typedef gboolean (*StrataCliCommandFunc) (StrataCli  *cli,
                                          int         argc,
                                          char      **argv,
                                          GError    **error);

typedef struct
{
  const char           *name;
  const char           *args;
  const char           *summary;
  StrataCliCommandFunc  func;
} StrataCliCommand;

/* strata-cli.c */
GOptionContext *strata_cli_option_context_new   (StrataCli           *cli,
                                                 const char          *command,
                                                 const GOptionEntry  *entries);
gboolean        strata_cli_parse                (StrataCli           *cli,
                                                 GOptionContext      *context,
                                                 int                 *argc,
                                                 char              ***argv,
                                                 GError             **error);
StrataProject  *strata_cli_get_project          (StrataCli           *cli,
                                                 GError             **error);
StrataGraph    *strata_cli_get_graph            (StrataCli           *cli,
                                                 GError             **error);
StrataSession  *strata_cli_get_session          (StrataCli           *cli,
                                                 GError             **error);
StrataSession  *strata_cli_open_session         (StrataCli           *cli,
                                                 gboolean             create,
                                                 GError             **error);
char          **strata_cli_current_heads        (StrataCli           *cli,
                                                 GError             **error);
gboolean        strata_cli_confirm_change       (StrataCli           *cli,
                                                 const char          *what,
                                                 GError             **error);
void            strata_cli_info                 (StrataCli           *cli,
                                                 const char          *format,
                                                 ...) G_GNUC_PRINTF (2, 3);
void            strata_cli_print_json           (JsonNode            *node);
char           *strata_cli_format_parents       (StrataScript        *script);
gboolean        strata_cli_usage_error          (GError             **error,
                                                 const char          *command,
                                                 const char          *format,
                                                 ...) G_GNUC_PRINTF (3, 4);

/* strata-cli-revision.c */
gboolean strata_cli_init      (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_revision  (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_merge     (StrataCli *cli, int argc, char **argv, GError **error);

/* strata-cli-migrate.c */
gboolean strata_cli_upgrade   (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_downgrade (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_stamp     (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_run_checked (StrataCli       *cli,
                                 StrataPlan      *plan,
                                 gboolean         validate,
                                 GError         **error);

/* strata-cli-inspect.c */
gboolean strata_cli_current   (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_heads     (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_branches  (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_history   (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_show      (StrataCli *cli, int argc, char **argv, GError **error);

/* strata-cli-deploy.c */
gboolean strata_cli_inspect   (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_baseline  (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_log       (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_validate  (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_repair    (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_plan      (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_apply     (StrataCli *cli, int argc, char **argv, GError **error);

/* strata-cli-profiles.c */
gboolean       strata_cli_profiles        (StrataCli *cli, int argc, char **argv, GError **error);
StrataProfile *strata_cli_resolve_profile (StrataCli      *cli,
                                           GError        **error);
StrataDriver  *strata_cli_connect         (StrataCli      *cli,
                                           StrataProfile  *profile,
                                           GError        **error);
/* strata-cli-model.c */
gboolean strata_cli_check     (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_drift     (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_lint      (StrataCli *cli, int argc, char **argv, GError **error);
gboolean strata_cli_autogenerate (StrataCli           *cli,
                                  StrataScript        *script,
                                  const char * const  *renames,
                                  GError             **error);

G_END_DECLS
