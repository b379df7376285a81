/* strata-fleet.c: one reviewed plan applied to several databases
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A fleet is the databases one plan serves: every tenant's database, every
 * developer's SQLite copy. The plan is made and reviewed once (for the
 * session's profile); each member then gets a session of its own over the
 * same project and graph, is read, and is applied the plan only when it
 * stands exactly where the plan starts: one already where the plan leads is
 * up to date, one anywhere else fails without a statement run. Members run
 * one after the other, in the order they were added; after a failure the
 * rest are skipped (STRATA_FLEET_STOP_ON_FAILURE) or run all the same
 * (STRATA_FLEET_CONTINUE).
 */

#define G_LOG_DOMAIN "strata-fleet"

#include "config.h"

#include "strata-dialect.h"
#include "strata-diff.h"
#include "strata-driver.h"
#include "strata-enum-types.h"
#include "strata-error.h"
#include "strata-i18n-private.h"
#include "strata-fleet.h"
#include "strata-graph.h"
#include "strata-plan.h"
#include "strata-project.h"

/* StrataFleetMember {{{ */

/**
 * StrataFleetMember:
 *
 * One database of a #StrataFleet: its profile, where it is, and a line
 * saying what happened to it. Changes are notified in the main context of
 * the thread that called strata_fleet_apply_async().
 */
struct _StrataFleetMember
{
  GObject            parent_instance;

  StrataProfile     *profile;
  StrataFleetStatus  status;
  char              *message;
};

G_DEFINE_FINAL_TYPE (StrataFleetMember, strata_fleet_member, G_TYPE_OBJECT)

enum {
  MEMBER_PROP_0,
  MEMBER_PROP_STATUS,
  MEMBER_PROP_MESSAGE,
  N_MEMBER_PROPS
};

static GParamSpec *member_properties[N_MEMBER_PROPS];

static void
strata_fleet_member_finalize (GObject *object)
{
  StrataFleetMember *self = (StrataFleetMember *)object;

  g_clear_object (&self->profile);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (strata_fleet_member_parent_class)->finalize (object);
}

static void
strata_fleet_member_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  StrataFleetMember *self = STRATA_FLEET_MEMBER (object);

  switch (prop_id)
    {
    case MEMBER_PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case MEMBER_PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
strata_fleet_member_class_init (StrataFleetMemberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = strata_fleet_member_finalize;
  object_class->get_property = strata_fleet_member_get_property;

  /**
   * StrataFleetMember:status:
   *
   * Where the database is.
   */
  member_properties[MEMBER_PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, STRATA_TYPE_FLEET_STATUS, STRATA_FLEET_STATUS_PENDING,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * StrataFleetMember:message:
   *
   * What happened to the database, one line.
   */
  member_properties[MEMBER_PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_MEMBER_PROPS, member_properties);
}

static void
strata_fleet_member_init (StrataFleetMember *self)
{
}

/**
 * strata_fleet_member_get_profile:
 * @self: a #StrataFleetMember
 *
 * Returns: (transfer none): the database's profile
 */
StrataProfile *
strata_fleet_member_get_profile (StrataFleetMember *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET_MEMBER (self), NULL);

  return self->profile;
}

/**
 * strata_fleet_member_get_status:
 * @self: a #StrataFleetMember
 *
 * Returns: where the database is
 */
StrataFleetStatus
strata_fleet_member_get_status (StrataFleetMember *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET_MEMBER (self), STRATA_FLEET_STATUS_PENDING);

  return self->status;
}

/**
 * strata_fleet_member_get_message:
 * @self: a #StrataFleetMember
 *
 * Returns: (nullable): what happened to the database, or %NULL before it ran
 */
const char *
strata_fleet_member_get_message (StrataFleetMember *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET_MEMBER (self), NULL);

  return self->message;
}

/* }}} */

/**
 * StrataFleet:
 *
 * One plan, made and reviewed once, applied to several databases (each a
 * #StrataProfile of the same project), with a status for each and a
 * summary.
 */
struct _StrataFleet
{
  GObject        parent_instance;

  StrataSession *session;
  StrataPlan    *plan;
  GListStore    *members;
  GMainContext  *context;   /* while applied asynchronously: where members change */
  gboolean       running;
};

G_DEFINE_FINAL_TYPE (StrataFleet, strata_fleet, G_TYPE_OBJECT)

static void
strata_fleet_dispose (GObject *object)
{
  StrataFleet *self = (StrataFleet *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->plan);
  g_clear_object (&self->members);

  G_OBJECT_CLASS (strata_fleet_parent_class)->dispose (object);
}

static void
strata_fleet_class_init (StrataFleetClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = strata_fleet_dispose;
}

static void
strata_fleet_init (StrataFleet *self)
{
  self->members = g_list_store_new (STRATA_TYPE_FLEET_MEMBER);
}

/**
 * strata_fleet_new:
 * @session: the session the plan was made and reviewed in (its project,
 *   graph and settings serve every member)
 * @plan: the plan
 *
 * Returns: (transfer full): a fleet with no database yet
 */
StrataFleet *
strata_fleet_new (StrataSession *session,
                  StrataPlan    *plan)
{
  StrataFleet *self;

  g_return_val_if_fail (STRATA_IS_SESSION (session), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);

  self = g_object_new (STRATA_TYPE_FLEET, NULL);
  self->session = g_object_ref (session);
  self->plan = g_object_ref (plan);

  return self;
}

/**
 * strata_fleet_get_plan:
 * @self: a #StrataFleet
 *
 * Returns: (transfer none): the plan the fleet applies
 */
StrataPlan *
strata_fleet_get_plan (StrataFleet *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET (self), NULL);

  return self->plan;
}

/**
 * strata_fleet_add_profile:
 * @self: a #StrataFleet
 * @profile: a database of the project
 *
 * Adds @profile's database, run after those added before.
 *
 * Returns: (transfer none): its member
 */
StrataFleetMember *
strata_fleet_add_profile (StrataFleet   *self,
                          StrataProfile *profile)
{
  g_autoptr(StrataFleetMember) member = NULL;

  g_return_val_if_fail (STRATA_IS_FLEET (self), NULL);
  g_return_val_if_fail (STRATA_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (!self->running, NULL);

  member = g_object_new (STRATA_TYPE_FLEET_MEMBER, NULL);
  member->profile = g_object_ref (profile);
  g_list_store_append (self->members, member);

  return member;
}

/**
 * strata_fleet_get_members:
 * @self: a #StrataFleet
 *
 * Returns: (transfer none): the databases, a #GListModel of
 *   #StrataFleetMember in the order they run
 */
GListModel *
strata_fleet_get_members (StrataFleet *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET (self), NULL);

  return G_LIST_MODEL (self->members);
}

/**
 * strata_fleet_count:
 * @self: a #StrataFleet
 * @status: a status
 *
 * Returns: how many databases are at @status
 */
guint
strata_fleet_count (StrataFleet       *self,
                    StrataFleetStatus  status)
{
  guint n = 0;

  g_return_val_if_fail (STRATA_IS_FLEET (self), 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->members)); i++)
    {
      g_autoptr(StrataFleetMember) member = g_list_model_get_item (G_LIST_MODEL (self->members), i);

      if (member->status == status)
        n++;
    }

  return n;
}

/**
 * strata_fleet_dup_summary:
 * @self: a #StrataFleet
 *
 * One line: how many databases were applied the plan, were up to date,
 * failed, and were not run.
 *
 * Returns: (transfer full): the summary
 */
char *
strata_fleet_dup_summary (StrataFleet *self)
{
  g_return_val_if_fail (STRATA_IS_FLEET (self), NULL);

  return g_strdup_printf (_("%u applied, %u up to date, %u failed, %u not run"),
                          strata_fleet_count (self, STRATA_FLEET_STATUS_APPLIED),
                          strata_fleet_count (self, STRATA_FLEET_STATUS_UP_TO_DATE),
                          strata_fleet_count (self, STRATA_FLEET_STATUS_FAILED),
                          strata_fleet_count (self, STRATA_FLEET_STATUS_SKIPPED) +
                          strata_fleet_count (self, STRATA_FLEET_STATUS_PENDING));
}

/* Applying {{{ */

typedef struct
{
  StrataFleetMember *member;
  StrataFleetStatus  status;
  char              *message;
} MemberChange;

static gboolean
member_change_apply (gpointer data)
{
  MemberChange *change = data;
  StrataFleetMember *member = change->member;

  member->status = change->status;
  g_free (member->message);
  member->message = g_steal_pointer (&change->message);
  g_object_notify_by_pspec (G_OBJECT (member), member_properties[MEMBER_PROP_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (member), member_properties[MEMBER_PROP_MESSAGE]);

  return G_SOURCE_REMOVE;
}

static void
member_change_free (gpointer data)
{
  MemberChange *change = data;

  g_object_unref (change->member);
  g_free (change->message);
  g_free (change);
}

/* Sets where @member is, in the applying caller's main context */
static void
strata_fleet_set_status (StrataFleet       *self,
                         StrataFleetMember *member,
                         StrataFleetStatus  status,
                         char              *message)
{
  MemberChange *change = g_new0 (MemberChange, 1);

  change->member = g_object_ref (member);
  change->status = status;
  change->message = message;

  if (self->context != NULL)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, member_change_apply, change, member_change_free);
  else
    {
      member_change_apply (change);
      member_change_free (change);
    }
}

static char *
heads_label (const char * const *heads)
{
  if (heads == NULL || heads[0] == NULL)
    return g_strdup (_("base"));

  return g_strjoinv (", ", (char **)heads);
}

/* Runs the plan on one database: FALSE when it failed */
static gboolean
strata_fleet_run_member (StrataFleet       *self,
                         StrataFleetMember *member,
                         GCancellable      *cancellable)
{
  g_autoptr(StrataSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) heads = NULL;
  StrataGraph *graph;
  StrataProfile *reviewed = strata_session_get_profile (self->session);
  const char * const *before = strata_plan_get_heads_before (self->plan);
  const char * const *after = strata_plan_get_heads_after (self->plan);
  guint n_steps = strata_plan_get_n_steps (self->plan);

  strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_RUNNING, NULL);

  /* The SQL reviewed was the reviewed profile's dialect's */
  if (reviewed != NULL && strata_profile_get_dialect (reviewed) != strata_profile_get_dialect (member->profile))
    {
      strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_FAILED,
                               g_strdup_printf (_("not run: the plan was reviewed for %s, and this is a %s database"),
                                                strata_dialect_get_name (strata_profile_get_dialect (reviewed)),
                                                strata_dialect_get_name (strata_profile_get_dialect (member->profile))));
      return FALSE;
    }

  if ((graph = strata_session_get_graph (self->session, &error)) == NULL)
    {
      strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_FAILED, g_strdup (error->message));
      return FALSE;
    }
  session = strata_session_new (strata_session_get_project (self->session), member->profile);
  strata_session_set_graph (session, graph);

  if (!(heads = strata_session_read_heads (session, cancellable, &error)))
    {
      strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_FAILED, g_strdup (error->message));
      return FALSE;
    }

  if (n_steps > 0 && strata_heads_equal ((const char * const *)heads, after))
    {
      g_autofree char *label = heads_label (after);

      strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_UP_TO_DATE,
                               g_strdup_printf (_("already at %s"), label));
      return TRUE;
    }
  if (!strata_heads_equal ((const char * const *)heads, before))
    {
      g_autofree char *at = heads_label ((const char * const *)heads);
      g_autofree char *start = heads_label (before);

      strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_FAILED,
                               g_strdup_printf (_("not run: the database is at %s, and the reviewed plan starts at %s"),
                                                at, start));
      return FALSE;
    }

  if (!strata_session_apply (session, self->plan, cancellable, &error))
    {
      strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_FAILED, g_strdup (error->message));
      return FALSE;
    }

  strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_APPLIED,
                           g_strdup_printf (g_dngettext (STRATA_I18N_DOMAIN, "%u step applied", "%u steps applied", n_steps), n_steps));
  return TRUE;
}

/**
 * strata_fleet_apply:
 * @self: a #StrataFleet
 * @policy: what to do after a database failed
 * @cancellable: (nullable): a #GCancellable: the database being run stops
 *   as a cancelled run does, the ones after it are skipped
 * @error: return location for a #GError
 *
 * Runs the plan on every database in turn (see #StrataFleet): reads it,
 * applies the plan when it is where the plan starts, and records each
 * one's status.
 *
 * Returns: %TRUE when no database failed; else %FALSE with @error saying
 *   how many did and the first one's message
 */
gboolean
strata_fleet_apply (StrataFleet        *self,
                    StrataFleetPolicy   policy,
                    GCancellable       *cancellable,
                    GError            **error)
{
  GListModel *members;
  g_autofree char *first_failure = NULL;
  guint n_failed = 0;
  guint n;
  gboolean stop = FALSE;

  g_return_val_if_fail (STRATA_IS_FLEET (self), FALSE);
  g_return_val_if_fail (!self->running || self->context != NULL, FALSE);

  self->running = TRUE;
  members = G_LIST_MODEL (self->members);
  n = g_list_model_get_n_items (members);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(StrataFleetMember) member = g_list_model_get_item (members, i);

      if (stop || g_cancellable_is_cancelled (cancellable))
        {
          strata_fleet_set_status (self, member, STRATA_FLEET_STATUS_SKIPPED,
                                   g_strdup (g_cancellable_is_cancelled (cancellable)
                                             ? _("not run: cancelled")
                                             : _("not run: a database before it failed")));
          continue;
        }

      if (!strata_fleet_run_member (self, member, cancellable))
        {
          n_failed++;
          if (first_failure == NULL)
            first_failure = g_strdup (strata_profile_get_name (member->profile));
          stop = policy == STRATA_FLEET_STOP_ON_FAILURE;
        }
    }

  self->running = FALSE;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_CANCELLED, _("the fleet's run was cancelled"));
      return FALSE;
    }
  if (n_failed > 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_DATABASE,
                   _("%u of %u databases failed, first “%s”"),
                   n_failed, n, first_failure);
      return FALSE;
    }

  return TRUE;
}

static void
apply_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (strata_fleet_apply (source_object, GPOINTER_TO_INT (task_data), cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
apply_done (gpointer data)
{
  StrataFleet *self = data;

  g_clear_pointer (&self->context, g_main_context_unref);
}

/**
 * strata_fleet_apply_async:
 * @self: a #StrataFleet
 * @policy: what to do after a database failed
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every database has run
 * @user_data: data for @callback
 *
 * strata_fleet_apply() in a worker thread; each member's status changes
 * in the caller's thread-default main context.
 */
void
strata_fleet_apply_async (StrataFleet         *self,
                          StrataFleetPolicy    policy,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (STRATA_IS_FLEET (self));
  g_return_if_fail (!self->running);

  self->running = TRUE;
  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, strata_fleet_apply_async);
  g_task_set_task_data (task, GINT_TO_POINTER (policy), NULL);
  g_object_set_data_full (G_OBJECT (task), "strata-fleet-done", self, apply_done);
  g_task_run_in_thread (task, apply_thread);
}

/**
 * strata_fleet_apply_finish:
 * @self: a #StrataFleet
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes strata_fleet_apply_async().
 *
 * Returns: %TRUE when no database failed, else %FALSE with @error set
 */
gboolean
strata_fleet_apply_finish (StrataFleet   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == strata_fleet_apply_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* }}} */
