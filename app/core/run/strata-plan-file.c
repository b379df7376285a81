/* strata-plan-file.c: a reviewed plan (plan.json) and the hash of its inputs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-plan-file"

#include "config.h"

#include <string.h>

#include "strata-adopt.h"
#include "strata-dialect.h"
#include "strata-driver.h"
#include "strata-error.h"
#include "strata-graph.h"
#include "strata-migrator.h"
#include "strata-plan.h"
#include "strata-plan-file.h"
#include "strata-script.h"
#include "strata-i18n-private.h"

#define FORMAT "strata-plan/1"

/* The inputs a hash covers, by name, in this order. */
static const char * const input_names[] = { "dialect", "database", "heads", "files", "schema", "statements" };
#define N_INPUTS G_N_ELEMENTS (input_names)

typedef struct
{
  char      *revision;
  char      *message;
  char      *checksum;
  gboolean   transactional;
  gboolean   file_present;
  char     **statements;
} StepData;

struct _StrataPlanFile
{
  GObject          parent_instance;

  StrataPlan      *plan;
  StrataDirection  direction;
  char            *target;
  StrataDialect    dialect;
  char           **heads_before;
  char           **heads_after;
  GPtrArray       *steps;        /* StepData */
  char            *database;     /* where, without a password; NULL offline */
  char            *created;
  /* input name → hex SHA-256 of that input; empty offline */
  GHashTable      *inputs;
  char            *hash;
};

G_DEFINE_FINAL_TYPE (StrataPlanFile, strata_plan_file, G_TYPE_OBJECT)

static void
step_data_free (gpointer data)
{
  StepData *step = data;

  g_free (step->revision);
  g_free (step->message);
  g_free (step->checksum);
  g_strfreev (step->statements);
  g_free (step);
}

static void
strata_plan_file_finalize (GObject *object)
{
  StrataPlanFile *self = (StrataPlanFile *)object;

  g_clear_object (&self->plan);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->heads_before, g_strfreev);
  g_clear_pointer (&self->heads_after, g_strfreev);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->created, g_free);
  g_clear_pointer (&self->inputs, g_hash_table_unref);
  g_clear_pointer (&self->hash, g_free);

  G_OBJECT_CLASS (strata_plan_file_parent_class)->finalize (object);
}

static void
strata_plan_file_class_init (StrataPlanFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_plan_file_finalize;
}

static void
strata_plan_file_init (StrataPlanFile *self)
{
  self->steps = g_ptr_array_new_with_free_func (step_data_free);
  self->inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static const char *
dialect_name (StrataDialect dialect)
{
  return dialect == STRATA_DIALECT_POSTGRESQL ? "postgresql" : "sqlite";
}

/* Each string with its length first, so that no two lists hash alike. */
static void
checksum_add_string (GChecksum  *checksum,
                     const char *text)
{
  g_autofree char *length = g_strdup_printf ("%zu:", text ? strlen (text) : 0);

  g_checksum_update (checksum, (const guchar *)length, -1);
  if (text != NULL)
    g_checksum_update (checksum, (const guchar *)text, -1);
}

static void
set_input (StrataPlanFile *self,
           const char     *name,
           GChecksum      *checksum)
{
  g_hash_table_replace (self->inputs, g_strdup (name), g_strdup (g_checksum_get_string (checksum)));
}

static void
compute_hash (StrataPlanFile *self)
{
  g_autoptr(GChecksum) all = g_checksum_new (G_CHECKSUM_SHA256);

  checksum_add_string (all, FORMAT);
  for (guint i = 0; i < N_INPUTS; i++)
    {
      checksum_add_string (all, input_names[i]);
      checksum_add_string (all, g_hash_table_lookup (self->inputs, input_names[i]));
    }

  g_free (self->hash);
  self->hash = g_strdup (g_checksum_get_string (all));
}

/**
 * strata_plan_file_new:
 * @graph: the revisions
 * @plan: a plan of @graph
 * @dialect: the dialect to render for
 *
 * Returns: (transfer full): the plan with its statements
 */
StrataPlanFile *
strata_plan_file_new (StrataGraph    *graph,
                      StrataPlan     *plan,
                      StrataDialect   dialect,
                      GError        **error)
{
  g_autoptr(StrataPlanFile) self = g_object_new (STRATA_TYPE_PLAN_FILE, NULL);
  g_autoptr(GChecksum) statements = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) dialect_sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (STRATA_IS_GRAPH (graph), NULL);
  g_return_val_if_fail (STRATA_IS_PLAN (plan), NULL);

  self->plan = g_object_ref (plan);
  self->direction = strata_plan_get_direction (plan);
  self->target = g_strdup (strata_plan_get_target (plan));
  self->dialect = dialect;
  self->heads_before = g_strdupv ((char **)strata_plan_get_heads_before (plan));
  self->heads_after = g_strdupv ((char **)strata_plan_get_heads_after (plan));
  self->created = g_date_time_format_iso8601 (now);

  for (guint i = 0; i < strata_plan_get_n_steps (plan); i++)
    {
      StrataStep *step = strata_plan_get_step (plan, i);
      StrataScript *script = strata_step_get_script (step);
      g_autoptr(GPtrArray) rendered = NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      StepData *data;

      if (!strata_script_ensure_loaded (script, error) ||
          !(rendered = strata_migrator_render_step_for_graph (graph, step, dialect, NULL, error)))
        return NULL;

      data = g_new0 (StepData, 1);
      data->revision = g_strdup (strata_step_get_revision (step));
      data->message = g_strdup (strata_script_get_message (script));
      data->checksum = g_strdup (strata_script_get_checksum (script));
      data->transactional = strata_script_get_transactional (script);
      data->file_present = strata_script_get_file (script) != NULL;

      checksum_add_string (statements, data->revision);
      for (guint j = 0; j < rendered->len; j++)
        {
          g_strv_builder_add (builder, g_ptr_array_index (rendered, j));
          checksum_add_string (statements, g_ptr_array_index (rendered, j));
        }
      data->statements = g_strv_builder_end (builder);
      g_ptr_array_add (self->steps, data);
    }

  checksum_add_string (dialect_sum, dialect_name (dialect));
  set_input (self, "dialect", dialect_sum);
  set_input (self, "statements", statements);

  return g_steal_pointer (&self);
}

/**
 * strata_plan_file_new_for_database:
 * @migrator: a migrator on the database, with the project's graph
 * @direction: upgrade or downgrade
 * @target: where to
 *
 * Returns: (transfer full): the plan with its inputs and their hash
 */
StrataPlanFile *
strata_plan_file_new_for_database (StrataMigrator   *migrator,
                                   StrataDirection   direction,
                                   const char       *target,
                                   GCancellable     *cancellable,
                                   GError          **error)
{
  g_autoptr(StrataPlanFile) self = NULL;
  g_autoptr(StrataPlan) plan = NULL;
  g_autoptr(StrataModel) live = NULL;
  g_autoptr(GChecksum) database = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) heads = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) files = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) schema = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *schema_text = NULL;
  g_auto(GStrv) current = NULL;
  StrataDriver *driver;
  StrataGraph *graph;
  GPtrArray *scripts;

  g_return_val_if_fail (STRATA_IS_MIGRATOR (migrator), NULL);
  g_return_val_if_fail (target != NULL, NULL);

  driver = strata_migrator_get_driver (migrator);
  graph = strata_migrator_get_graph (migrator);
  g_return_val_if_fail (graph != NULL, NULL);

  if (!(current = strata_migrator_get_current_heads (migrator, cancellable, error)))
    return NULL;

  if (direction == STRATA_DIRECTION_UP)
    plan = strata_graph_plan_upgrade (graph, (const char * const *)current, target, error);
  else
    plan = strata_graph_plan_downgrade (graph, (const char * const *)current, target, error);
  if (plan == NULL)
    return NULL;

  if (!(self = strata_plan_file_new (graph, plan, strata_driver_get_dialect (driver), error)))
    return NULL;

  /* The user's target as given: a relative one means the same only from
   * the same version rows, which the hash covers. */
  g_free (self->target);
  self->target = g_strdup (target);

  if (!(live = strata_adopt_inspect (migrator, cancellable, error)))
    return NULL;

  self->database = g_strdup (strata_driver_get_display_url (driver));
  checksum_add_string (database, self->database);
  checksum_add_string (database, strata_migrator_get_schema (migrator));
  checksum_add_string (database, strata_migrator_get_version_table (migrator));
  set_input (self, "database", database);

  for (guint i = 0; current[i] != NULL; i++)
    checksum_add_string (heads, current[i]);
  set_input (self, "heads", heads);

  /* Every file, not only the plan's: a new revision can change what a
   * target means. */
  scripts = strata_graph_get_scripts (graph);
  for (guint i = 0; i < scripts->len; i++)
    {
      StrataScript *script = g_ptr_array_index (scripts, i);

      checksum_add_string (files, strata_script_get_revision (script));
      checksum_add_string (files, strata_script_get_checksum (script));
    }
  set_input (self, "files", files);

  schema_text = strata_adopt_model_to_data (live);
  checksum_add_string (schema, schema_text);
  set_input (self, "schema", schema);

  compute_hash (self);

  return g_steal_pointer (&self);
}

static JsonNode *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonArray) array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);

  return json_node_init_array (json_node_alloc (), array);
}

/**
 * strata_plan_file_to_json:
 *
 * Returns: (transfer full): the plan as plan.json holds it
 */
JsonNode *
strata_plan_file_to_json (StrataPlanFile *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (STRATA_IS_PLAN_FILE (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, FORMAT);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, self->created);
  json_builder_set_member_name (builder, "direction");
  json_builder_add_string_value (builder, self->direction == STRATA_DIRECTION_UP ? "upgrade" : "downgrade");
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, self->target);
  json_builder_set_member_name (builder, "dialect");
  json_builder_add_string_value (builder, dialect_name (self->dialect));
  if (self->database != NULL)
    {
      json_builder_set_member_name (builder, "database");
      json_builder_add_string_value (builder, self->database);
    }
  json_builder_set_member_name (builder, "heads_before");
  json_builder_add_value (builder, strv_to_json ((const char * const *)self->heads_before));
  json_builder_set_member_name (builder, "heads_after");
  json_builder_add_value (builder, strv_to_json ((const char * const *)self->heads_after));

  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->steps->len; i++)
    {
      StepData *step = g_ptr_array_index (self->steps, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_string_value (builder, step->revision);
      json_builder_set_member_name (builder, "message");
      if (step->message != NULL)
        json_builder_add_string_value (builder, step->message);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "checksum");
      json_builder_add_string_value (builder, step->checksum);
      json_builder_set_member_name (builder, "transactional");
      json_builder_add_boolean_value (builder, step->transactional);
      json_builder_set_member_name (builder, "statements");
      json_builder_add_value (builder, strv_to_json ((const char * const *)step->statements));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  if (self->hash != NULL)
    {
      json_builder_set_member_name (builder, "inputs");
      json_builder_begin_object (builder);
      for (guint i = 0; i < N_INPUTS; i++)
        {
          json_builder_set_member_name (builder, input_names[i]);
          json_builder_add_string_value (builder, g_hash_table_lookup (self->inputs, input_names[i]));
        }
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, self->hash);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
strata_plan_file_save (StrataPlanFile  *self,
                       GFile           *file,
                       GError         **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = strata_plan_file_to_json (self);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *data = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  data = g_strconcat (text, "\n", NULL);

  if (!g_file_replace_contents (file, data, strlen (data), NULL, FALSE, G_FILE_CREATE_NONE,
                                NULL, NULL, &local_error))
    {
      g_autofree char *shown = strata_display_path (file);

      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PROJECT, "%s: %s", shown, local_error->message);
      return FALSE;
    }

  return TRUE;
}

static const char *
get_member_string (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * strata_plan_file_load:
 * @file: a plan.json
 *
 * Returns: (transfer full): the reviewed plan (its inputs and hash)
 */
StrataPlanFile *
strata_plan_file_load (GFile   *file,
                       GError **error)
{
  g_autoptr(StrataPlanFile) self = g_object_new (STRATA_TYPE_PLAN_FILE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *shown = strata_display_path (file);
  gsize length;
  JsonObject *root;
  JsonObject *inputs;
  const char *direction;
  const char *value;
  JsonNode *steps;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error) ||
      !json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE, "%s: %s", shown, local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !(root = json_node_get_object (json_parser_get_root (parser))) ||
      g_strcmp0 (get_member_string (root, "format"), FORMAT) != 0)
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s: not a plan written by “strata plan” (no \"format\": \"%s\")"), shown, FORMAT);
      return NULL;
    }

  direction = get_member_string (root, "direction");
  self->target = g_strdup (get_member_string (root, "target"));
  self->hash = g_strdup (get_member_string (root, "hash"));
  self->database = g_strdup (get_member_string (root, "database"));
  self->created = g_strdup (get_member_string (root, "created"));
  self->dialect = g_strcmp0 (get_member_string (root, "dialect"), "postgresql") == 0
                    ? STRATA_DIALECT_POSTGRESQL : STRATA_DIALECT_SQLITE;

  if (self->target == NULL || self->hash == NULL ||
      (g_strcmp0 (direction, "upgrade") != 0 && g_strcmp0 (direction, "downgrade") != 0) ||
      !json_object_has_member (root, "inputs") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "inputs")))
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_PARSE,
                   _("%s: a plan needs \"direction\", \"target\", \"inputs\" and \"hash\" "
                     "(write it with “strata plan TARGET -o FILE”)"), shown);
      return NULL;
    }
  self->direction = g_str_equal (direction, "upgrade") ? STRATA_DIRECTION_UP : STRATA_DIRECTION_DOWN;

  inputs = json_object_get_object_member (root, "inputs");
  for (guint i = 0; i < N_INPUTS; i++)
    if ((value = get_member_string (inputs, input_names[i])) != NULL)
      g_hash_table_replace (self->inputs, g_strdup (input_names[i]), g_strdup (value));

  /* Only the number of steps is used; the statements are for people. */
  steps = json_object_get_member (root, "steps");
  if (steps != NULL && JSON_NODE_HOLDS_ARRAY (steps))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (steps)); i++)
      g_ptr_array_add (self->steps, g_new0 (StepData, 1));

  return g_steal_pointer (&self);
}

/**
 * strata_plan_file_get_plan:
 * @self: a #StrataPlanFile
 *
 * Returns: (transfer none) (nullable): the plan the file was read into, if
 *   it was
 */
StrataPlan *
strata_plan_file_get_plan (StrataPlanFile *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (self), NULL);
  return self->plan;
}

StrataDirection
strata_plan_file_get_direction (StrataPlanFile *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (self), STRATA_DIRECTION_UP);
  return self->direction;
}

const char *
strata_plan_file_get_target (StrataPlanFile *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (self), NULL);
  return self->target;
}

const char *
strata_plan_file_get_hash (StrataPlanFile *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (self), NULL);
  return self->hash;
}

guint
strata_plan_file_get_n_steps (StrataPlanFile *self)
{
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (self), 0);
  return self->steps->len;
}

gboolean
strata_plan_file_verify (StrataPlanFile  *reviewed,
                         StrataPlanFile  *now,
                         GError         **error)
{
  static const char * const what[N_INPUTS] = {
    N_("the dialect"),
    N_("the database (another database, schema or version table)"),
    N_("the database's revision (its version rows)"),
    N_("the migration files"),
    N_("the database's schema"),
    N_("the statements"),
  };
  g_autoptr(GString) changed = g_string_new (NULL);

  g_return_val_if_fail (STRATA_IS_PLAN_FILE (reviewed), FALSE);
  g_return_val_if_fail (STRATA_IS_PLAN_FILE (now), FALSE);

  if (g_strcmp0 (reviewed->hash, now->hash) == 0)
    return TRUE;

  for (guint i = 0; i < N_INPUTS; i++)
    if (g_strcmp0 (g_hash_table_lookup (reviewed->inputs, input_names[i]),
                   g_hash_table_lookup (now->inputs, input_names[i])) != 0)
      g_string_append_printf (changed, "%s%s", changed->len ? ", " : "", _(what[i]));

  if (changed->len == 0)
    g_string_append (changed, _("the hash (the file was edited)"));

  if (reviewed->created != NULL)
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                 _("the plan no longer holds: %s changed since it was made at %s; nothing was run "
                   "(make and review a new plan)"),
                 changed->str, reviewed->created);
  else
    g_set_error (error, STRATA_ERROR, STRATA_ERROR_DIFFERENCES,
                 _("the plan no longer holds: %s changed since it was made; nothing was run "
                   "(make and review a new plan)"),
                 changed->str);
  return FALSE;
}
