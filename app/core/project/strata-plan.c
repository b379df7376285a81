/* strata-plan.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-plan"

#include "config.h"

#include <string.h>

#include "strata-plan.h"
#include "strata-script.h"

struct _StrataStep
{
  GObject          parent_instance;
  StrataScript    *script;
  StrataDirection  direction;
  char           **heads_before;
  char           **heads_after;
};

struct _StrataPlan
{
  GObject          parent_instance;
  GPtrArray       *steps;
  StrataDirection  direction;
  char            *target;
  char           **heads_before;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE (StrataStep, strata_step, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (StrataPlan, strata_plan, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/**
 * strata_heads_normalize:
 * @heads: (nullable) (array zero-terminated=1): revision ids
 *
 * Returns: (transfer full): a sorted copy without duplicates, never %NULL
 */
char **
strata_heads_normalize (const char * const *heads)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; heads != NULL && heads[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer)heads[i]);
  g_ptr_array_sort (sorted, compare_strings);

  for (guint i = 0; i < sorted->len; i++)
    {
      const char *h = g_ptr_array_index (sorted, i);

      if (i > 0 && strcmp (h, g_ptr_array_index (sorted, i - 1)) == 0)
        continue;
      g_ptr_array_add (out, g_strdup (h));
    }
  g_ptr_array_add (out, NULL);

  return (char **)g_ptr_array_free (out, FALSE);
}

gboolean
strata_heads_equal (const char * const *a,
                    const char * const *b)
{
  g_auto(GStrv) na = strata_heads_normalize (a);
  g_auto(GStrv) nb = strata_heads_normalize (b);

  return g_strv_equal ((const char * const *)na, (const char * const *)nb);
}

static char **
heads_difference (const char * const *a,
                  const char * const *b)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; a[i] != NULL; i++)
    if (!g_strv_contains (b, a[i]))
      g_ptr_array_add (out, g_strdup (a[i]));
  g_ptr_array_add (out, NULL);

  return (char **)g_ptr_array_free (out, FALSE);
}

static void
strata_step_finalize (GObject *object)
{
  StrataStep *self = (StrataStep *)object;

  g_clear_object (&self->script);
  g_clear_pointer (&self->heads_before, g_strfreev);
  g_clear_pointer (&self->heads_after, g_strfreev);

  G_OBJECT_CLASS (strata_step_parent_class)->finalize (object);
}

static void
strata_step_class_init (StrataStepClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_step_finalize;
}

static void
strata_step_init (StrataStep *self)
{
}

StrataStep *
strata_step_new (StrataScript       *script,
                 StrataDirection     direction,
                 const char * const *heads_before,
                 const char * const *heads_after)
{
  StrataStep *self;

  g_return_val_if_fail (STRATA_IS_SCRIPT (script), NULL);

  self = g_object_new (STRATA_TYPE_STEP, NULL);
  self->script = g_object_ref (script);
  self->direction = direction;
  self->heads_before = strata_heads_normalize (heads_before);
  self->heads_after = strata_heads_normalize (heads_after);

  return self;
}

/**
 * strata_step_get_script:
 *
 * Returns: (transfer none): the script this step runs
 */
StrataScript *
strata_step_get_script (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  return self->script;
}

StrataDirection
strata_step_get_direction (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), STRATA_DIRECTION_UP);
  return self->direction;
}

const char *
strata_step_get_revision (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  return strata_script_get_revision (self->script);
}

const char * const *
strata_step_get_heads_before (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  return (const char * const *)self->heads_before;
}

const char * const *
strata_step_get_heads_after (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  return (const char * const *)self->heads_after;
}

/**
 * strata_step_dup_removed_heads:
 * @self: a #StrataStep
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads the step removes
 */
char **
strata_step_dup_removed_heads (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  return heads_difference ((const char * const *)self->heads_before,
                           (const char * const *)self->heads_after);
}

/**
 * strata_step_dup_added_heads:
 * @self: a #StrataStep
 *
 * Returns: (transfer full) (array zero-terminated=1): the heads the step adds
 */
char **
strata_step_dup_added_heads (StrataStep *self)
{
  g_return_val_if_fail (STRATA_IS_STEP (self), NULL);
  return heads_difference ((const char * const *)self->heads_after,
                           (const char * const *)self->heads_before);
}

static GType
strata_plan_get_item_type (GListModel *model)
{
  return STRATA_TYPE_STEP;
}

static guint
strata_plan_get_n_items (GListModel *model)
{
  return STRATA_PLAN (model)->steps->len;
}

static gpointer
strata_plan_get_item (GListModel *model,
                      guint       position)
{
  StrataPlan *self = STRATA_PLAN (model);

  if (position >= self->steps->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->steps, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = strata_plan_get_item_type;
  iface->get_n_items = strata_plan_get_n_items;
  iface->get_item = strata_plan_get_item;
}

static void
strata_plan_finalize (GObject *object)
{
  StrataPlan *self = (StrataPlan *)object;

  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->heads_before, g_strfreev);

  G_OBJECT_CLASS (strata_plan_parent_class)->finalize (object);
}

static void
strata_plan_class_init (StrataPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_plan_finalize;
}

static void
strata_plan_init (StrataPlan *self)
{
  self->steps = g_ptr_array_new_with_free_func (g_object_unref);
}

StrataPlan *
strata_plan_new (StrataDirection     direction,
                 const char         *target,
                 const char * const *heads_before)
{
  StrataPlan *self = g_object_new (STRATA_TYPE_PLAN, NULL);

  self->direction = direction;
  self->target = g_strdup (target);
  self->heads_before = strata_heads_normalize (heads_before);

  return self;
}

void
strata_plan_append (StrataPlan *self,
                    StrataStep *step)
{
  g_return_if_fail (STRATA_IS_PLAN (self));
  g_return_if_fail (STRATA_IS_STEP (step));

  g_ptr_array_add (self->steps, g_object_ref (step));
  g_list_model_items_changed (G_LIST_MODEL (self), self->steps->len - 1, 0, 1);
}

StrataDirection
strata_plan_get_direction (StrataPlan *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN (self), STRATA_DIRECTION_UP);
  return self->direction;
}

const char *
strata_plan_get_target (StrataPlan *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN (self), NULL);
  return self->target;
}

guint
strata_plan_get_n_steps (StrataPlan *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN (self), 0);
  return self->steps->len;
}

/**
 * strata_plan_get_step:
 *
 * Returns: (transfer none): the step at @position
 */
StrataStep *
strata_plan_get_step (StrataPlan *self,
                      guint       position)
{
  g_return_val_if_fail (STRATA_IS_PLAN (self), NULL);
  g_return_val_if_fail (position < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, position);
}

const char * const *
strata_plan_get_heads_before (StrataPlan *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN (self), NULL);
  return (const char * const *)self->heads_before;
}

const char * const *
strata_plan_get_heads_after (StrataPlan *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN (self), NULL);

  if (self->steps->len == 0)
    return (const char * const *)self->heads_before;

  return strata_step_get_heads_after (g_ptr_array_index (self->steps, self->steps->len - 1));
}
