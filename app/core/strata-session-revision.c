/* strata-session-revision.c: a new revision previewed before it is
 * written, and SQL rendered without a database
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The app's New Revision dialog builds a revision with the functions
 * `strata revision` and `strata merge` use (strata_session_new_revision(),
 * strata_session_new_merge(), strata_session_autogenerate_revision()) and
 * writes it with strata_session_write_revision(), so the files are the
 * same for the same input; the draft adds what a person reviews first.
 */

#define G_LOG_DOMAIN "strata-session"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "strata-diff.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-i18n-private.h"
#include "strata-lint.h"
#include "strata-migrator-private.h"
#include "strata-model.h"
#include "strata-ops.h"
#include "strata-plan.h"
#include "strata-project.h"
#include "strata-replay-private.h"
#include "strata-script.h"
#include "strata-session.h"
#include "strata-session-revision.h"

/* StrataRevisionDraft {{{ */

/**
 * StrataRevisionDraft:
 *
 * A new revision: first what it should be (a message, where it goes, its
 * labels, whether to fill it from schema.json, which likely renames to
 * take, or the revisions it merges), then, once a session prepared it, the
 * revision itself with what a person reviews before it is written: its
 * operations, the likely renames, warnings, and its SQL for SQLite and
 * PostgreSQL.
 */

struct _StrataRevisionDraft
{
  GObject       parent_instance;

  /* The request */
  char         *message;
  char         *head;
  char        **branch_labels;
  char        **depends_on;
  char         *rev_id;
  char        **renames;
  char        **merge;
  GDateTime    *created;
  guint         splice : 1;
  guint         autogenerate : 1;
  guint         preview : 1;

  /* The outcome */
  StrataScript *script;
  GPtrArray    *rename_hints;
  GPtrArray    *rename_choices;
  GPtrArray    *warnings;
  GPtrArray    *findings;
  char         *sql[2];
};

G_DEFINE_FINAL_TYPE (StrataRevisionDraft, strata_revision_draft, G_TYPE_OBJECT)

static void
strata_revision_draft_clear_outcome (StrataRevisionDraft *self)
{
  g_clear_object (&self->script);
  g_ptr_array_set_size (self->rename_hints, 0);
  g_ptr_array_set_size (self->rename_choices, 0);
  g_ptr_array_set_size (self->warnings, 0);
  g_ptr_array_set_size (self->findings, 0);
  for (guint i = 0; i < G_N_ELEMENTS (self->sql); i++)
    g_clear_pointer (&self->sql[i], g_free);
}

static void
strata_revision_draft_finalize (GObject *object)
{
  StrataRevisionDraft *self = (StrataRevisionDraft *)object;

  strata_revision_draft_clear_outcome (self);
  g_free (self->message);
  g_free (self->head);
  g_strfreev (self->branch_labels);
  g_strfreev (self->depends_on);
  g_free (self->rev_id);
  g_strfreev (self->renames);
  g_strfreev (self->merge);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_ptr_array_unref (self->rename_hints);
  g_ptr_array_unref (self->rename_choices);
  g_ptr_array_unref (self->warnings);
  g_ptr_array_unref (self->findings);

  G_OBJECT_CLASS (strata_revision_draft_parent_class)->finalize (object);
}

static void
strata_revision_draft_class_init (StrataRevisionDraftClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_revision_draft_finalize;
}

static void
strata_revision_draft_init (StrataRevisionDraft *self)
{
  self->rename_hints = g_ptr_array_new_with_free_func (g_free);
  self->rename_choices = g_ptr_array_new_with_free_func (g_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->findings = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_lint_finding_free);
}

/**
 * strata_revision_draft_new:
 * @message: what the revision does
 *
 * A request for a new revision on the head (the only one), empty, with a
 * generated id. Set what differs, then give it to
 * strata_session_prepare_revision(), and its script to
 * strata_session_write_revision().
 *
 * Returns: (transfer full): a new draft
 */
StrataRevisionDraft *
strata_revision_draft_new (const char *message)
{
  StrataRevisionDraft *self = g_object_new (STRATA_TYPE_REVISION_DRAFT, NULL);

  self->message = g_strdup (message);
  return self;
}

/**
 * strata_revision_draft_get_message:
 * @self: a #StrataRevisionDraft
 *
 * Returns: (nullable): the message
 */
const char *
strata_revision_draft_get_message (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  return self->message;
}

/**
 * strata_revision_draft_set_head:
 * @self: a #StrataRevisionDraft
 * @head: (nullable): the revision to build on: %NULL or "head" for the
 *   only head, "base" for a new base, a revision or `label@head`
 *
 * Where the revision goes (`strata revision --head`).
 */
void
strata_revision_draft_set_head (StrataRevisionDraft *self,
                                const char          *head)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_free (self->head);
  self->head = g_strdup (head);
}

/**
 * strata_revision_draft_set_splice:
 * @self: a #StrataRevisionDraft
 * @splice: whether the head may be a revision that has children
 *
 * Allows starting a new branch from a revision that is not a head.
 */
void
strata_revision_draft_set_splice (StrataRevisionDraft *self,
                                  gboolean             splice)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  self->splice = !!splice;
}

/**
 * strata_revision_draft_set_branch_labels:
 * @self: a #StrataRevisionDraft
 * @labels: (nullable) (array zero-terminated=1): branch labels
 *
 * The new revision's branch labels.
 */
void
strata_revision_draft_set_branch_labels (StrataRevisionDraft *self,
                                         const char * const  *labels)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_strfreev (self->branch_labels);
  self->branch_labels = g_strdupv ((char **)labels);
}

/**
 * strata_revision_draft_set_depends_on:
 * @self: a #StrataRevisionDraft
 * @depends_on: (nullable) (array zero-terminated=1): revisions or labels
 *
 * What the new revision depends on (a label is kept as written).
 */
void
strata_revision_draft_set_depends_on (StrataRevisionDraft *self,
                                      const char * const  *depends_on)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_strfreev (self->depends_on);
  self->depends_on = g_strdupv ((char **)depends_on);
}

/**
 * strata_revision_draft_set_rev_id:
 * @self: a #StrataRevisionDraft
 * @rev_id: (nullable): the id, %NULL for a generated one
 *
 * The new revision's id (`--rev-id`).
 */
void
strata_revision_draft_set_rev_id (StrataRevisionDraft *self,
                                  const char          *rev_id)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_free (self->rev_id);
  self->rev_id = rev_id != NULL && *rev_id != '\0' ? g_strdup (rev_id) : NULL;
}

/**
 * strata_revision_draft_set_autogenerate:
 * @self: a #StrataRevisionDraft
 * @autogenerate: whether to fill the revision from the project's model
 *
 * Fills the upgrade (and its inverse) from schema.json against the state
 * at the revision's parents (`--autogenerate`).
 */
void
strata_revision_draft_set_autogenerate (StrataRevisionDraft *self,
                                        gboolean             autogenerate)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  self->autogenerate = !!autogenerate;
}

/**
 * strata_revision_draft_get_autogenerate:
 * @self: a #StrataRevisionDraft
 *
 * Returns: whether the revision is filled from the project's model
 */
gboolean
strata_revision_draft_get_autogenerate (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), FALSE);
  return self->autogenerate;
}

/**
 * strata_revision_draft_set_renames:
 * @self: a #StrataRevisionDraft
 * @renames: (nullable) (array zero-terminated=1): "old=new" (a table) and
 *   "table.old=new" (a column)
 *
 * With autogenerate: these are renames, not a drop and an add.
 */
void
strata_revision_draft_set_renames (StrataRevisionDraft *self,
                                   const char * const  *renames)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_strfreev (self->renames);
  self->renames = g_strdupv ((char **)renames);
}

/**
 * strata_revision_draft_set_merge:
 * @self: a #StrataRevisionDraft
 * @revisions: (nullable) (array zero-terminated=1): the revisions (or
 *   targets such as "heads") to merge, %NULL for a plain revision
 *
 * Makes the draft a merge point of @revisions (`strata merge`).
 */
void
strata_revision_draft_set_merge (StrataRevisionDraft *self,
                                 const char * const  *revisions)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_strfreev (self->merge);
  self->merge = revisions != NULL ? g_strdupv ((char **)revisions) : NULL;
}

/**
 * strata_revision_draft_is_merge:
 * @self: a #StrataRevisionDraft
 *
 * Returns: whether the draft is a merge
 */
gboolean
strata_revision_draft_is_merge (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), FALSE);
  return self->merge != NULL;
}

/**
 * strata_revision_draft_set_created:
 * @self: a #StrataRevisionDraft
 * @created: (nullable): the creation time, %NULL for now (or
 *   `SOURCE_DATE_EPOCH` when set)
 *
 * The "created" time written into the file.
 */
void
strata_revision_draft_set_created (StrataRevisionDraft *self,
                                   GDateTime           *created)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  g_clear_pointer (&self->created, g_date_time_unref);
  if (created != NULL)
    self->created = g_date_time_ref (created);
}

/**
 * strata_revision_draft_set_preview:
 * @self: a #StrataRevisionDraft
 * @preview: whether preparing works out the preview
 *
 * With a preview, strata_session_prepare_revision() also lints the upgrade
 * and renders it for SQLite and PostgreSQL (strata_revision_draft_get_findings(),
 * strata_revision_draft_get_sql()); that replays the history up to the
 * revision, so it is off by default.
 */
void
strata_revision_draft_set_preview (StrataRevisionDraft *self,
                                   gboolean             preview)
{
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (self));
  self->preview = !!preview;
}

/**
 * strata_revision_draft_get_script:
 * @self: a #StrataRevisionDraft
 *
 * Returns: (transfer none) (nullable): the revision, once prepared
 */
StrataScript *
strata_revision_draft_get_script (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  return self->script;
}

/**
 * strata_revision_draft_get_rename_hints:
 * @self: a #StrataRevisionDraft
 *
 * Autogenerate's likely renames, as sentences.
 *
 * Returns: (transfer none) (element-type utf8): the hints
 */
GPtrArray *
strata_revision_draft_get_rename_hints (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  return self->rename_hints;
}

/**
 * strata_revision_draft_get_rename_choices:
 * @self: a #StrataRevisionDraft
 *
 * The renames of strata_revision_draft_get_rename_hints() in the form
 * strata_revision_draft_set_renames() takes, one per hint.
 *
 * Returns: (transfer none) (element-type utf8): "old=new" or
 *   "table.old=new"
 */
GPtrArray *
strata_revision_draft_get_rename_choices (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  return self->rename_choices;
}

/**
 * strata_revision_draft_get_warnings:
 * @self: a #StrataRevisionDraft
 *
 * What autogenerate could not express, what differs between the engines
 * and why there is no downgrade, as sentences.
 *
 * Returns: (transfer none) (element-type utf8): the warnings
 */
GPtrArray *
strata_revision_draft_get_warnings (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  return self->warnings;
}

/**
 * strata_revision_draft_get_findings:
 * @self: a #StrataRevisionDraft
 *
 * The lint findings of the prepared revision's upgrade on the schema its
 * parents leave (a dropped table is destructive, …), for both engines.
 *
 * Returns: (transfer none) (element-type StrataLintFinding): the findings
 */
GPtrArray *
strata_revision_draft_get_findings (StrataRevisionDraft *self)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  return self->findings;
}

/**
 * strata_revision_draft_get_sql:
 * @self: a #StrataRevisionDraft
 * @dialect: a dialect
 *
 * The SQL the prepared revision's upgrade runs on @dialect, on the schema
 * its parents leave (or, when it cannot be rendered, a comment that says
 * why).
 *
 * Returns: (nullable): the SQL, once prepared with a preview
 */
const char *
strata_revision_draft_get_sql (StrataRevisionDraft *self,
                               StrataDialect        dialect)
{
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (self), NULL);
  g_return_val_if_fail ((guint)dialect < G_N_ELEMENTS (self->sql), NULL);
  return self->sql[dialect];
}

/* }}} */

/* Preparing {{{ */

/* "… --rename customer=client" → "customer=client" */
static char *
rename_choice (const char *hint)
{
  const char *flag = strstr (hint, "--rename ");

  if (flag == NULL)
    return NULL;

  return g_strstrip (g_strdup (flag + strlen ("--rename ")));
}

/* The SQL of @script's upgrade on the schema its ancestors leave, for
 * @dialect, as the migrator renders it. */
static char *
render_script (StrataGraph    *graph,
               StrataScript   *script,
               StrataDialect   dialect)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StrataModel) state = NULL;
  g_autoptr(StrataStep) step = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  const char *after[] = { strata_script_get_revision (script), NULL };
  GString *sql = g_string_new (NULL);

  step = strata_step_new (script, STRATA_DIRECTION_UP, strata_script_get_down_revisions (script), after);
  if (!(state = _strata_model_replay_lenient (graph, NULL, script, &error)) ||
      !(statements = _strata_migrator_render_step_with_state (graph, step, NULL, dialect, state, NULL, &error)))
    {
      g_string_append_printf (sql, "-- %s\n", error->message);
      return g_string_free (sql, FALSE);
    }

  for (guint i = 0; i < statements->len; i++)
    {
      const char *statement = g_ptr_array_index (statements, i);

      g_string_append (sql, statement);
      if (!g_str_has_suffix (statement, ";"))
        g_string_append_c (sql, ';');
      g_string_append_c (sql, '\n');
    }

  return g_string_free (sql, FALSE);
}

/* What a reviewer should know before it is written: the lint findings of
 * the upgrade and its SQL for both engines */
static void
preview_revision (StrataRevisionDraft *draft,
                  StrataGraph         *graph,
                  StrataScript        *script)
{
  g_autoptr(StrataModel) before = _strata_model_replay_lenient (graph, NULL, script, NULL);

  if (before != NULL)
    {
      g_autoptr(GPtrArray) findings = strata_lint_ops (strata_script_get_upgrade (script), before,
                                                       strata_script_get_downgrade (script) != NULL);

      for (guint i = 0; i < findings->len; i++)
        g_ptr_array_add (draft->findings, g_steal_pointer (&findings->pdata[i]));
      g_ptr_array_set_size (findings, 0);
    }

  draft->sql[STRATA_DIALECT_SQLITE] = render_script (graph, script, STRATA_DIALECT_SQLITE);
  draft->sql[STRATA_DIALECT_POSTGRESQL] = render_script (graph, script, STRATA_DIALECT_POSTGRESQL);
}

/**
 * strata_session_prepare_revision:
 * @self: a #StrataSession
 * @draft: what the revision should be
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Builds the revision @draft asks for, without writing it: resolves where
 * it goes, checks its id and labels, autogenerates its operations when
 * asked (with the likely renames as choices), checks that it fits in the
 * graph, and, when the draft asks for a preview, lints its upgrade and
 * renders it for SQLite and PostgreSQL (strata_revision_draft_get_sql()).
 * Needs no database.
 *
 * Returns: %TRUE when @draft holds the revision, or %FALSE with @error set
 */
gboolean
strata_session_prepare_revision (StrataSession        *self,
                                 StrataRevisionDraft  *draft,
                                 GCancellable         *cancellable,
                                 GError              **error)
{
  g_autoptr(StrataScript) script = NULL;
  g_autoptr(StrataGraph) check = NULL;
  GPtrArray *existing;
  g_autoptr(GPtrArray) all = NULL;
  StrataGraph *graph;

  g_return_val_if_fail (STRATA_IS_SESSION (self), FALSE);
  g_return_val_if_fail (STRATA_IS_REVISION_DRAFT (draft), FALSE);

  strata_revision_draft_clear_outcome (draft);

  if (draft->message == NULL || *draft->message == '\0')
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("a revision needs a message"));
      return FALSE;
    }
  if (draft->renames != NULL && draft->renames[0] != NULL && !draft->autogenerate)
    {
      g_set_error_literal (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                           _("--rename goes with --autogenerate"));
      return FALSE;
    }

  if (!(graph = strata_session_get_graph (self, error)))
    return FALSE;

  /* The same functions as `strata revision` and `strata merge` */
  if (draft->merge != NULL)
    script = strata_session_new_merge (self, draft->message, (const char * const *)draft->merge,
                                       (const char * const *)draft->branch_labels, draft->rev_id, error);
  else
    script = strata_session_new_revision (self, draft->message, draft->head, draft->splice,
                                          (const char * const *)draft->branch_labels,
                                          (const char * const *)draft->depends_on, draft->rev_id, error);
  if (script == NULL)
    return FALSE;

  if (draft->created != NULL)
    strata_script_set_created (script, draft->created);

  if (draft->autogenerate && draft->merge == NULL)
    {
      g_autoptr(StrataDiff) diff = NULL;
      g_autoptr(GPtrArray) notes = NULL;
      GPtrArray *hints;
      GPtrArray *warnings;

      if (!(diff = strata_session_autogenerate_revision (self, script, (const char * const *)draft->renames,
                                                         &notes, cancellable, error)))
        return FALSE;

      hints = strata_diff_get_rename_hints (diff);
      for (guint i = 0; i < hints->len; i++)
        {
          char *choice = rename_choice (g_ptr_array_index (hints, i));

          if (choice == NULL)
            continue;
          g_ptr_array_add (draft->rename_hints, g_strdup (g_ptr_array_index (hints, i)));
          g_ptr_array_add (draft->rename_choices, choice);
        }
      warnings = strata_diff_get_warnings (diff);
      for (guint i = 0; i < warnings->len; i++)
        g_ptr_array_add (draft->warnings, g_strdup (g_ptr_array_index (warnings, i)));
      for (guint i = 0; notes != NULL && i < notes->len; i++)
        g_ptr_array_add (draft->warnings, g_strdup (g_ptr_array_index (notes, i)));
    }

  /* It must fit in the graph (labels unique, …): said before writing */
  existing = strata_graph_get_scripts (graph);
  all = g_ptr_array_new_full (existing->len + 1, g_object_unref);
  for (guint i = 0; i < existing->len; i++)
    g_ptr_array_add (all, g_object_ref (g_ptr_array_index (existing, i)));
  g_ptr_array_add (all, g_object_ref (script));
  if (!(check = strata_graph_new (all, error)))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (draft->preview)
    preview_revision (draft, check, script);
  draft->script = g_steal_pointer (&script);

  return TRUE;
}

/* }}} */

/* Async plumbing {{{ */

typedef gpointer (*DraftFunc) (StrataSession        *self,
                               StrataRevisionDraft  *draft,
                               GCancellable         *cancellable,
                               GError              **error);

typedef struct
{
  DraftFunc            func;
  StrataRevisionDraft *draft;
} DraftCall;

static void
draft_call_free (gpointer data)
{
  DraftCall *call = data;

  g_clear_object (&call->draft);
  g_free (call);
}

static void
draft_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  DraftCall *call = task_data;
  GError *error = NULL;
  gpointer result;

  result = call->func (source_object, call->draft, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

static void
draft_call_async (StrataSession       *self,
                  StrataRevisionDraft *draft,
                  gpointer             source_tag,
                  DraftFunc            func,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  DraftCall *call = g_new0 (DraftCall, 1);

  call->func = func;
  call->draft = g_object_ref (draft);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, draft_call_free);
  g_task_run_in_thread (task, draft_thread);
}

static gpointer
prepare_func (StrataSession        *self,
              StrataRevisionDraft  *draft,
              GCancellable         *cancellable,
              GError              **error)
{
  if (!strata_session_prepare_revision (self, draft, cancellable, error))
    return NULL;
  return g_object_ref (draft);
}

/**
 * strata_session_prepare_revision_async:
 * @self: a #StrataSession
 * @draft: what the revision should be (not changed until the callback)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_prepare_revision() in a worker thread.
 */
void
strata_session_prepare_revision_async (StrataSession       *self,
                                       StrataRevisionDraft *draft,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_REVISION_DRAFT (draft));

  draft_call_async (self, draft, strata_session_prepare_revision_async, prepare_func,
                    cancellable, callback, user_data);
}

/**
 * strata_session_prepare_revision_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_prepare_revision_async().
 *
 * Returns: whether the draft holds the revision
 */
gboolean
strata_session_prepare_revision_finish (StrataSession  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_autoptr(StrataRevisionDraft) draft = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_prepare_revision_async, FALSE);

  draft = g_task_propagate_pointer (G_TASK (result), error);
  return draft != NULL;
}

/* }}} */

/* Offline rendering {{{ */

typedef struct
{
  StrataPlan    *plan;
  StrataDialect *dialects;
  guint          n_dialects;
} RenderData;

static void
render_data_free (gpointer data)
{
  RenderData *render = data;

  g_clear_object (&render->plan);
  g_free (render->dialects);
  g_free (render);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderData *render = task_data;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < render->n_dialects; i++)
    {
      GError *error = NULL;
      g_autofree char *sql = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
          !(sql = strata_session_render_offline (source_object, render->plan, render->dialects[i], &error)))
        {
          g_task_return_error (task, error);
          return;
        }
      g_strv_builder_add (builder, sql);
    }

  g_task_return_pointer (task, g_strv_builder_end (builder), (GDestroyNotify)g_strfreev);
}

/**
 * strata_session_render_offline_async:
 * @self: a #StrataSession
 * @plan: the plan
 * @dialects: (array length=n_dialects): the dialects
 * @n_dialects: how many
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * strata_session_render_offline() for each of @dialects, in a worker
 * thread: needs no profile and no database.
 */
void
strata_session_render_offline_async (StrataSession       *self,
                                     StrataPlan          *plan,
                                     const StrataDialect *dialects,
                                     guint                n_dialects,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RenderData *render;

  g_return_if_fail (STRATA_IS_SESSION (self));
  g_return_if_fail (STRATA_IS_PLAN (plan));
  g_return_if_fail (dialects != NULL || n_dialects == 0);

  render = g_new0 (RenderData, 1);
  render->plan = g_object_ref (plan);
  render->dialects = g_memdup2 (dialects, sizeof *dialects * n_dialects);
  render->n_dialects = n_dialects;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_session_render_offline_async);
  g_task_set_task_data (task, render, render_data_free);
  g_task_run_in_thread (task, render_thread);
}

/**
 * strata_session_render_offline_finish:
 * @self: a #StrataSession
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_session_render_offline_async().
 *
 * Returns: (transfer full) (array zero-terminated=1): the scripts, one
 *   per dialect asked for, or %NULL with @error set
 */
GStrv
strata_session_render_offline_finish (StrataSession  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_session_render_offline_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * strata_session_plan_revision:
 * @self: a #StrataSession
 * @revision: a revision (or a unique prefix, or a label)
 * @error: return location for a #GError
 *
 * The upgrade that applies @revision on a database at its down revisions
 * (with what it depends on that they lack): what the revision alone runs.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
StrataPlan *
strata_session_plan_revision (StrataSession  *self,
                              const char     *revision,
                              GError        **error)
{
  StrataGraph *graph;
  StrataScript *script;

  g_return_val_if_fail (STRATA_IS_SESSION (self), NULL);
  g_return_val_if_fail (revision != NULL, NULL);

  if (!(graph = strata_session_get_graph (self, error)) ||
      !(script = strata_graph_resolve (graph, revision, error)))
    return NULL;

  return strata_graph_plan_upgrade (graph, strata_script_get_down_revisions (script),
                                    strata_script_get_revision (script), error);
}

/* }}} */
