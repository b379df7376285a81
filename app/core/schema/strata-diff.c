/* strata-diff.c: the operations between two schema models
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "strata-diff"

#include "config.h"

#include <inttypes.h>

#include <string.h>

#include "strata-type-map.h"
#include "strata-diff.h"
#include "strata-error.h"
#include "strata-sql-lexer-private.h"
#include "strata-model-private.h"
#include "strata-ops-private.h"
#include "strata-i18n-private.h"

/* The phases of a diff's operations, in the order they run. */
enum {
  PHASE_DROP_FOREIGN_KEYS,
  PHASE_DROP_INDEXES,
  PHASE_CREATE_TYPES,
  PHASE_RENAMES,
  PHASE_CREATE_TABLES,
  PHASE_COLUMNS,
  PHASE_DROP_COLUMNS,
  PHASE_ADD_CONSTRAINTS,
  PHASE_ADD_FOREIGN_KEYS,
  PHASE_DROP_TABLES,
  PHASE_DROP_TYPES,
  N_PHASES
};

struct _StrataDiff
{
  GObject       parent_instance;

  StrataModel  *from;
  StrataModel  *to;
  char         *from_label;
  char         *to_label;
  int           dialect;
  GPtrArray    *renames;

  GPtrArray    *phases[N_PHASES];
  GPtrArray    *ops;
  GPtrArray    *differences;
  GPtrArray    *hints;
  GPtrArray    *warnings;
};

G_DEFINE_FINAL_TYPE (StrataDiff, strata_diff, G_TYPE_OBJECT)

static void
strata_diff_finalize (GObject *object)
{
  StrataDiff *self = (StrataDiff *)object;

  g_clear_pointer (&self->from, strata_model_unref);
  g_clear_pointer (&self->to, strata_model_unref);
  g_clear_pointer (&self->from_label, g_free);
  g_clear_pointer (&self->to_label, g_free);
  g_clear_pointer (&self->renames, g_ptr_array_unref);
  for (guint i = 0; i < N_PHASES; i++)
    g_clear_pointer (&self->phases[i], g_ptr_array_unref);
  g_clear_pointer (&self->ops, g_ptr_array_unref);
  g_clear_pointer (&self->differences, g_ptr_array_unref);
  g_clear_pointer (&self->hints, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (strata_diff_parent_class)->finalize (object);
}

static void
strata_diff_class_init (StrataDiffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = strata_diff_finalize;
}

static void
strata_diff_init (StrataDiff *self)
{
  self->dialect = -1;
  self->from_label = g_strdup (_("the old model"));
  self->to_label = g_strdup (_("the new model"));
  self->renames = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < N_PHASES; i++)
    self->phases[i] = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  self->ops = g_ptr_array_new_with_free_func ((GDestroyNotify)strata_op_unref);
  self->differences = g_ptr_array_new_with_free_func (g_free);
  self->hints = g_ptr_array_new_with_free_func (g_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
}

StrataDiff *
strata_diff_new (StrataModel *from,
                 StrataModel *to)
{
  StrataDiff *self;

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);

  self = g_object_new (STRATA_TYPE_DIFF, NULL);
  self->from = strata_model_ref (from);
  self->to = strata_model_ref (to);
  return self;
}

void
strata_diff_set_labels (StrataDiff *self,
                        const char *from_label,
                        const char *to_label)
{
  g_return_if_fail (STRATA_IS_DIFF (self));

  g_free (self->from_label);
  self->from_label = g_strdup (from_label);
  g_free (self->to_label);
  self->to_label = g_strdup (to_label);
}

void
strata_diff_set_dialect (StrataDiff    *self,
                         StrataDialect  dialect)
{
  g_return_if_fail (STRATA_IS_DIFF (self));
  self->dialect = dialect;
}

/**
 * strata_diff_get_from:
 * @self: a #StrataDiff
 *
 * The model the diff starts from (drift: the schema the revisions
 * describe).
 *
 * Returns: (transfer none): the model
 */
StrataModel *
strata_diff_get_from (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), NULL);
  return self->from;
}

/**
 * strata_diff_get_to:
 * @self: a #StrataDiff
 *
 * The model the diff leads to (drift: the live schema).
 *
 * Returns: (transfer none): the model
 */
StrataModel *
strata_diff_get_to (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), NULL);
  return self->to;
}

/**
 * strata_diff_get_dialect:
 * @self: a #StrataDiff
 *
 * The dialect set with strata_diff_set_dialect().
 *
 * Returns: the #StrataDialect, or -1 when none was set
 */
int
strata_diff_get_dialect (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), -1);
  return self->dialect;
}

gboolean
strata_diff_add_rename (StrataDiff  *self,
                        const char  *spec,
                        GError     **error)
{
  const char *eq;

  g_return_val_if_fail (STRATA_IS_DIFF (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  eq = strchr (spec, '=');
  if (eq == NULL || eq == spec || eq[1] == '\0')
    {
      g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                   _("--rename “%s”: write OLD=NEW for a table or TABLE.OLD=NEW for a column"), spec);
      return FALSE;
    }

  g_ptr_array_add (self->renames, g_strdup (spec));
  return TRUE;
}

/**
 * strata_diff_get_ops:
 * @self: a #StrataDiff
 *
 * Returns: (transfer none) (element-type StrataOp): the operations from the first model to the second
 */
GPtrArray *
strata_diff_get_ops (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), NULL);
  return self->ops;
}

/**
 * strata_diff_get_differences:
 * @self: a #StrataDiff
 *
 * Returns: (transfer none) (element-type utf8): one line per difference
 */
GPtrArray *
strata_diff_get_differences (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), NULL);
  return self->differences;
}

/**
 * strata_diff_get_rename_hints:
 * @self: a #StrataDiff
 *
 * Returns: (transfer none) (element-type utf8): likely renames, one line each
 */
GPtrArray *
strata_diff_get_rename_hints (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), NULL);
  return self->hints;
}

/**
 * strata_diff_get_warnings:
 * @self: a #StrataDiff
 *
 * Returns: (transfer none) (element-type utf8): differences no operation expresses
 */
GPtrArray *
strata_diff_get_warnings (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), NULL);
  return self->warnings;
}

gboolean
strata_diff_is_empty (StrataDiff *self)
{
  g_return_val_if_fail (STRATA_IS_DIFF (self), TRUE);
  return self->differences->len == 0;
}

/* Normalizing {{{ */

char *
strata_sql_normalize (const char *expression)
{
  GString *out;
  const char *p;

  if (expression == NULL)
    return NULL;

  out = g_string_sized_new (strlen (expression));
  p = expression;

  while (*p)
    {
      if (*p == '\'')
        {
          const char *start = p;

          p = _strata_sql_skip_token (expression, p, STRATA_SQL_LEX_STANDARD);
          g_string_append_len (out, start, p - start);
        }
      else if (*p == '"')
        {
          StrataSqlToken token;
          g_autofree char *name = NULL;

          _strata_sql_token_at (expression, p, STRATA_SQL_LEX_STANDARD, &token);
          name = _strata_sql_token_unquote (&token);
          g_string_append (out, name);
          p = token.start + token.length;
        }
      else if (p[0] == ':' && p[1] == ':')
        {
          /* A PostgreSQL cast: the type name, its arguments, [] */
          p += 2;
          for (;;)
            {
              while (*p == ' ')
                p++;
              if (g_ascii_isalpha (*p) || *p == '_' || *p == '"')
                {
                  const char *word = p;

                  if (*p == '"')
                    {
                      p++;
                      while (*p && *p != '"')
                        p++;
                      if (*p)
                        p++;
                    }
                  else
                    while (g_ascii_isalnum (*p) || *p == '_' || *p == '.')
                      p++;

                  /* "character varying", "timestamp with time zone", … go
                   * on; a keyword such as AND ends the cast. */
                  {
                    const char *next = p;
                    while (*next == ' ')
                      next++;
                    if (!(g_ascii_strncasecmp (next, "varying", 7) == 0 ||
                          g_ascii_strncasecmp (next, "precision", 9) == 0 ||
                          g_ascii_strncasecmp (next, "with", 4) == 0 ||
                          g_ascii_strncasecmp (next, "without", 7) == 0 ||
                          g_ascii_strncasecmp (next, "time", 4) == 0 ||
                          g_ascii_strncasecmp (next, "zone", 4) == 0))
                      {
                        (void)word;
                        break;
                      }
                    p = next;
                  }
                }
              else
                break;
            }
          if (*p == '(')
            {
              while (*p && *p != ')')
                p++;
              if (*p)
                p++;
            }
          while (p[0] == '[' && p[1] == ']')
            p += 2;
        }
      else if (g_ascii_isspace (*p) || *p == '(' || *p == ')')
        p++;
      else
        g_string_append_c (out, g_ascii_tolower (*p++));
    }

  /* now() is how PostgreSQL may show CURRENT_TIMESTAMP. */
  if (g_str_equal (out->str, "now"))
    g_string_assign (out, "current_timestamp");

  return g_string_free (out, FALSE);
}

static gboolean
expressions_equal (const char *a,
                   const char *b)
{
  g_autofree char *na = NULL;
  g_autofree char *nb = NULL;

  if (a == NULL || b == NULL)
    return a == b;
  if (g_str_equal (a, b))
    return TRUE;

  na = strata_sql_normalize (a);
  nb = strata_sql_normalize (b);
  return g_str_equal (na, nb);
}

static gboolean
defaults_equal (const char *a,
                const char *b)
{
  /* DEFAULT NULL is no default. */
  if (a != NULL && g_ascii_strcasecmp (a, "NULL") == 0)
    a = NULL;
  if (b != NULL && g_ascii_strcasecmp (b, "NULL") == 0)
    b = NULL;

  return expressions_equal (a, b);
}

/* Per dialect: {"sqlite": "0", "postgresql": "false"} is what a database of
 * either dialect reads back. */
static gboolean
column_defaults_equal (StrataDiff   *self,
                       StrataColumn *a,
                       StrataColumn *b)
{
  for (int dialect = STRATA_DIALECT_SQLITE; dialect <= STRATA_DIALECT_POSTGRESQL; dialect++)
    {
      if (self->dialect >= 0 && dialect != self->dialect)
        continue;
      if (!defaults_equal (strata_column_get_default_for_dialect (a, dialect),
                           strata_column_get_default_for_dialect (b, dialect)))
        return FALSE;
    }

  return TRUE;
}

static char *
rendered_type (StrataDialect  dialect,
               StrataColumn  *column)
{
  g_autofree char *type = NULL;
  GString *out;

  StrataDataType *data_type = strata_column_get_data_type (column);
  const char *name = strata_data_type_get_for_dialect (data_type, dialect);

  if (dialect == STRATA_DIALECT_SQLITE && strata_column_get_autoincrement (column))
    type = g_strdup ("INTEGER");
  else if (strata_data_type_get_portable (data_type) == NULL && g_ascii_strcasecmp (name, "json") == 0)
    /* Verbatim json is json, whereas the portable json is jsonb. */
    type = g_strdup (name);
  else
    /* A per-dialect name is compared by what it means: "int8" is a
     * bigint, whichever way the database spells it back. */
    type = strata_dialect_render_type (dialect, name);

  out = g_string_new (NULL);
  for (const char *p = type; *p; p++)
    if (!g_ascii_isspace (*p))
      g_string_append_c (out, g_ascii_tolower (*p));

  return g_string_free (out, FALSE);
}

static gboolean
types_equal (StrataDiff   *self,
             StrataColumn *a,
             StrataColumn *b)
{
  /* The common case, without rendering. */
  if (strata_column_get_autoincrement (a) == strata_column_get_autoincrement (b) &&
      strata_data_type_equal (strata_column_get_data_type (a), strata_column_get_data_type (b)))
    return TRUE;

  for (int dialect = STRATA_DIALECT_SQLITE; dialect <= STRATA_DIALECT_POSTGRESQL; dialect++)
    {
      g_autofree char *ta = NULL;
      g_autofree char *tb = NULL;

      if (self->dialect >= 0 && dialect != self->dialect)
        continue;

      ta = rendered_type (dialect, a);
      tb = rendered_type (dialect, b);
      if (!g_str_equal (ta, tb))
        return FALSE;
    }

  return TRUE;
}

static StrataReferentialAction
effective_action (StrataReferentialAction action)
{
  return action == STRATA_REFERENTIAL_ACTION_NONE ? STRATA_REFERENTIAL_ACTION_NO_ACTION : action;
}

static gboolean
strv_equal (const char * const *a,
            const char * const *b)
{
  return g_strv_equal (a, b);
}

static gboolean
indexes_equal (StrataIndex *a,
               StrataIndex *b)
{
  return strv_equal (strata_index_get_columns (a), strata_index_get_columns (b)) &&
         strata_index_get_unique (a) == strata_index_get_unique (b) &&
         expressions_equal (strata_index_get_where (a), strata_index_get_where (b));
}

static gboolean
foreign_keys_equal (StrataForeignKey *a,
                    StrataForeignKey *b)
{
  return strv_equal (strata_foreign_key_get_columns (a), strata_foreign_key_get_columns (b)) &&
         g_str_equal (strata_foreign_key_get_references (a), strata_foreign_key_get_references (b)) &&
         strv_equal (strata_foreign_key_get_ref_columns (a), strata_foreign_key_get_ref_columns (b)) &&
         effective_action (strata_foreign_key_get_on_delete (a)) ==
           effective_action (strata_foreign_key_get_on_delete (b)) &&
         effective_action (strata_foreign_key_get_on_update (a)) ==
           effective_action (strata_foreign_key_get_on_update (b));
}

/* }}} */

/* Describing {{{ */

static char *
describe_names (const char * const *names)
{
  g_autofree char *joined = g_strjoinv (", ", (char **)names);
  return g_strdup_printf ("(%s)", joined);
}

static char *
describe_index (StrataIndex *index)
{
  g_autofree char *columns = describe_names (strata_index_get_columns (index));

  return g_strdup_printf ("%s%s%s%s", strata_index_get_unique (index) ? "unique " : "", columns,
                          strata_index_get_where (index) ? " where " : "",
                          strata_index_get_where (index) ? strata_index_get_where (index) : "");
}

static char *
describe_foreign_key (StrataForeignKey *fk)
{
  g_autofree char *columns = describe_names (strata_foreign_key_get_columns (fk));
  g_autofree char *ref_columns = describe_names (strata_foreign_key_get_ref_columns (fk));
  const char *on_delete = strata_referential_action_to_string (strata_foreign_key_get_on_delete (fk));
  const char *on_update = strata_referential_action_to_string (strata_foreign_key_get_on_update (fk));

  return g_strdup_printf ("%s references %s %s%s%s%s%s", columns, strata_foreign_key_get_references (fk),
                          ref_columns,
                          on_delete ? " on delete " : "", on_delete ? on_delete : "",
                          on_update ? " on update " : "", on_update ? on_update : "");
}

static void
difference (StrataDiff *self,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
difference (StrataDiff *self,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (self->differences, g_strdup_vprintf (format, args));
  va_end (args);
}

/* }}} */

/* Tables {{{ */

static void
add_op (StrataDiff *self,
        guint       phase,
        StrataOp   *op)
{
  g_ptr_array_add (self->phases[phase], op);
}

static void
diff_columns (StrataDiff  *self,
              StrataTable *a,
              StrataTable *b)
{
  const char *table = strata_table_get_name (b);
  GPtrArray *columns;

  columns = strata_table_get_columns (b);
  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *cb = g_ptr_array_index (columns, i);
      StrataColumn *ca = strata_table_lookup_column (a, strata_column_get_name (cb));
      g_autoptr(StrataOp) op = NULL;
      g_autoptr(GString) what = NULL;

      if (ca == NULL)
        {
          difference (self, _("column %s.%s: only in %s"), table, strata_column_get_name (cb), self->to_label);
          add_op (self, PHASE_COLUMNS, strata_op_new_add_column (table, cb));
          continue;
        }

      what = g_string_new (NULL);
      op = _strata_op_new (STRATA_OP_ALTER_COLUMN);
      op->table = g_strdup (table);
      op->column = g_strdup (strata_column_get_name (cb));

      if (!types_equal (self, ca, cb))
        {
          g_autofree char *ta = strata_data_type_to_string (strata_column_get_data_type (ca));
          g_autofree char *tb = strata_data_type_to_string (strata_column_get_data_type (cb));

          /* Translators: a column's type in the first schema, then in the
           * second: "type integer in the database, text in its revision" */
          g_string_append (what, "; ");
          g_string_append_printf (what, _("type %s in %s, %s in %s"), ta, self->from_label, tb, self->to_label);
          op->type = strata_data_type_ref (strata_column_get_data_type (cb));
          op->existing_type = strata_data_type_ref (strata_column_get_data_type (ca));
        }

      if (strata_column_get_nullable (ca) != strata_column_get_nullable (cb))
        {
          /* Translators: "nullable in the old model, not null in the new model" */
          g_string_append (what, "; ");
          g_string_append_printf (what, _("%s in %s, %s in %s"),
                                  strata_column_get_nullable (ca) ? _("nullable") : _("not null"), self->from_label,
                                  strata_column_get_nullable (cb) ? _("nullable") : _("not null"), self->to_label);
          /* A primary key column's NOT NULL comes with the key. */
          if (!strata_column_get_primary_key (ca) && !strata_column_get_primary_key (cb))
            {
              op->nullable = strata_column_get_nullable (cb);
              op->existing_nullable = strata_column_get_nullable (ca);
            }
        }

      if (!column_defaults_equal (self, ca, cb))
        {
          /* A per-dialect default compares by the dialect's part. */
          StrataDialect shown = self->dialect >= 0 ? (StrataDialect)self->dialect : STRATA_DIALECT_POSTGRESQL;
          const char *da = strata_column_get_default_for_dialect (ca, shown);
          const char *db = strata_column_get_default_for_dialect (cb, shown);

          /* Translators: a column's default in the first schema, then in
           * the second: "default 0 in the database, none in its revision" */
          g_string_append (what, "; ");
          g_string_append_printf (what, _("default %s in %s, %s in %s"),
                                  da ? da : C_("default", "none"), self->from_label,
                                  db ? db : C_("default", "none"), self->to_label);
          op->set_default = TRUE;
          op->default_expr = g_strdup (db);
          op->has_existing_default = TRUE;
          op->existing_default = g_strdup (da);
        }

      if (strata_column_get_primary_key (ca) != strata_column_get_primary_key (cb) ||
          strata_column_get_autoincrement (ca) != strata_column_get_autoincrement (cb))
        {
          g_autofree char *warning = NULL;

          /* Translators: "primary key, autoincrement in the old model, not in
           * the primary key in the new model"; "autoincrement" is the model's
           * key and stays as it is */
          g_string_append (what, "; ");
          g_string_append_printf (what, _("%s%s in %s, %s%s in %s"),
                                  strata_column_get_primary_key (ca) ? _("primary key") : _("not in the primary key"),
                                  strata_column_get_autoincrement (ca) ? ", autoincrement" : "",
                                  self->from_label,
                                  strata_column_get_primary_key (cb) ? _("primary key") : _("not in the primary key"),
                                  strata_column_get_autoincrement (cb) ? ", autoincrement" : "",
                                  self->to_label);
          warning = g_strdup_printf (_("column %s.%s: a change of primary key or autoincrement has no operation; "
                                       "write it by hand (a new table and a copy of the rows)"),
                                     table, strata_column_get_name (cb));
          g_ptr_array_add (self->warnings, g_steal_pointer (&warning));
        }

      if (what->len > 0)
        {
          difference (self, _("column %s.%s: %s"), table, strata_column_get_name (cb), what->str + 2);
          if (op->type != NULL || op->nullable >= 0 || op->set_default)
            add_op (self, PHASE_COLUMNS, g_steal_pointer (&op));
        }
    }

  /* The primary key's name, when the first model gives one: without one
   * it is the database's own (TABLE_pkey on PostgreSQL, and the old name's
   * after a rename). SQLite keeps no name it can be asked for. */
  if (self->dialect != STRATA_DIALECT_SQLITE && strata_table_get_primary_key_name (a) != NULL &&
      g_strcmp0 (strata_table_get_primary_key_name (a), strata_table_get_primary_key_name (b)) != 0)
    {
      const char *na = strata_table_get_primary_key_name (a);
      const char *nb = strata_table_get_primary_key_name (b);

      difference (self, _("table %s: primary key named %s in %s, %s in %s"), table,
                  na ? na : _("by the database"), self->from_label, nb ? nb : _("by the database"), self->to_label);
      g_ptr_array_add (self->warnings,
                       g_strdup_printf (_("table %s: renaming the primary key has no operation; "
                                          "write it with an sql operation"), table));
    }

  columns = strata_table_get_columns (a);
  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *ca = g_ptr_array_index (columns, i);

      if (strata_table_lookup_column (b, strata_column_get_name (ca)) == NULL)
        {
          difference (self, _("column %s.%s: only in %s"), table, strata_column_get_name (ca), self->from_label);
          add_op (self, PHASE_DROP_COLUMNS, strata_op_new_drop_column (table, strata_column_get_name (ca)));
        }
    }
}

static gboolean
uniques_equal (StrataUnique *a,
               StrataUnique *b)
{
  return strv_equal (strata_unique_get_columns (a), strata_unique_get_columns (b));
}

static char *
describe_unique (StrataUnique *unique)
{
  return describe_names (strata_unique_get_columns (unique));
}

static gboolean
checks_equal (StrataCheck *a,
              StrataCheck *b)
{
  return expressions_equal (strata_check_get_expression (a), strata_check_get_expression (b));
}

static char *
describe_check (StrataCheck *check)
{
  return g_strdup_printf ("(%s)", strata_check_get_expression (check));
}

typedef GPtrArray  *(*GetItemsFunc)  (StrataTable *table);
typedef gpointer    (*LookupFunc)    (StrataTable *table,
                                      const char  *name);
typedef const char *(*NameFunc)      (gpointer     item);
typedef gboolean    (*EqualFunc)     (gpointer     a,
                                      gpointer     b);
typedef char       *(*DescribeFunc)  (gpointer     item);
typedef StrataOp   *(*NewDropFunc)   (const char  *table,
                                      const char  *name);
typedef StrataOp   *(*NewAddFunc)    (const char  *table,
                                      gpointer     item);

/* The named pieces of a table: one is dropped and added again when it
 * changed, in the phases of its kind. */
typedef struct
{
  const char   *what;
  GetItemsFunc  get_items;
  LookupFunc    lookup;
  NameFunc      get_name;
  EqualFunc     equal;
  DescribeFunc  describe;
  NewDropFunc   new_drop;
  NewAddFunc    new_add;
  guint         drop_phase;
  guint         add_phase;
} PieceKind;

static const PieceKind piece_kinds[] = {
  {
    N_("index"), strata_table_get_indexes, (LookupFunc)strata_table_lookup_index,
    (NameFunc)strata_index_get_name, (EqualFunc)indexes_equal, (DescribeFunc)describe_index,
    strata_op_new_drop_index, (NewAddFunc)strata_op_new_create_index,
    PHASE_DROP_INDEXES, PHASE_ADD_CONSTRAINTS,
  },
  {
    N_("unique constraint"), strata_table_get_uniques, (LookupFunc)strata_table_lookup_unique,
    (NameFunc)strata_unique_get_name, (EqualFunc)uniques_equal, (DescribeFunc)describe_unique,
    strata_op_new_drop_constraint, (NewAddFunc)strata_op_new_add_unique,
    PHASE_DROP_INDEXES, PHASE_ADD_CONSTRAINTS,
  },
  {
    N_("check constraint"), strata_table_get_checks, (LookupFunc)strata_table_lookup_check,
    (NameFunc)strata_check_get_name, (EqualFunc)checks_equal, (DescribeFunc)describe_check,
    strata_op_new_drop_constraint, (NewAddFunc)strata_op_new_add_check,
    PHASE_DROP_INDEXES, PHASE_ADD_CONSTRAINTS,
  },
  {
    N_("foreign key"), strata_table_get_foreign_keys, (LookupFunc)strata_table_lookup_foreign_key,
    (NameFunc)strata_foreign_key_get_name, (EqualFunc)foreign_keys_equal, (DescribeFunc)describe_foreign_key,
    strata_op_new_drop_constraint, (NewAddFunc)strata_op_new_add_foreign_key,
    PHASE_DROP_FOREIGN_KEYS, PHASE_ADD_FOREIGN_KEYS,
  },
};

/* @text between @quote characters, a quote inside doubled. */
static char *
quoted (const char *text,
        const char *quote)
{
  g_auto(GStrv) parts = g_strsplit (text, quote, -1);
  g_autofree char *doubled = g_strconcat (quote, quote, NULL);
  g_autofree char *joined = g_strjoinv (doubled, parts);

  return g_strconcat (quote, joined, quote, NULL);
}

/* Whether @check is the CHECK that stands for an enum column of @table on
 * SQLite ("col" IN ('a', 'b'), see strata_dialect_render_column()). */
static gboolean
is_enum_check (StrataTable *table,
               StrataCheck *check)
{
  GPtrArray *columns = strata_table_get_columns (table);

  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *column = g_ptr_array_index (columns, i);
      const char * const *values = strata_data_type_get_enum_values (strata_column_get_data_type (column));
      g_autoptr(GString) expression = NULL;
      g_autofree char *name = NULL;

      if (values == NULL)
        continue;

      name = quoted (strata_column_get_name (column), "\"");
      expression = g_string_new (name);
      g_string_append (expression, " IN (");
      for (guint j = 0; values[j] != NULL; j++)
        {
          g_autofree char *literal = quoted (values[j], "'");
          g_string_append_printf (expression, "%s%s", j > 0 ? ", " : "", literal);
        }
      g_string_append_c (expression, ')');

      if (expressions_equal (expression->str, strata_check_get_expression (check)))
        return TRUE;
    }

  return FALSE;
}

static void
diff_piece_kind (StrataDiff      *self,
                 const PieceKind *kind,
                 StrataTable     *a,
                 StrataTable     *b)
{
  const char *table = strata_table_get_name (b);
  GPtrArray *items;

  items = kind->get_items (a);
  for (guint i = 0; i < items->len; i++)
    {
      gpointer pa = g_ptr_array_index (items, i);
      const char *name = kind->get_name (pa);
      gpointer pb = kind->lookup (b, name);

      if (kind->get_items == strata_table_get_checks && self->dialect == STRATA_DIALECT_SQLITE &&
          pb == NULL && is_enum_check (b, pa))
        continue;

      if (pb == NULL)
        {
          difference (self, _("%s %s on %s: only in %s"), _(kind->what), name, table, self->from_label);
          add_op (self, kind->drop_phase, kind->new_drop (table, name));
        }
      else if (!kind->equal (pa, pb))
        {
          g_autofree char *da = kind->describe (pa);
          g_autofree char *db = kind->describe (pb);

          difference (self, _("%s %s on %s: %s in %s, %s in %s"), _(kind->what), name, table,
                      da, self->from_label, db, self->to_label);
          add_op (self, kind->drop_phase, kind->new_drop (table, name));
          add_op (self, kind->add_phase, kind->new_add (table, pb));
        }
    }

  items = kind->get_items (b);
  for (guint i = 0; i < items->len; i++)
    {
      gpointer pb = g_ptr_array_index (items, i);
      const char *name = kind->get_name (pb);

      if (kind->get_items == strata_table_get_checks && self->dialect == STRATA_DIALECT_SQLITE &&
          kind->lookup (a, name) == NULL && is_enum_check (a, pb))
        continue;

      if (kind->lookup (a, name) == NULL)
        {
          difference (self, _("%s %s on %s: only in %s"), _(kind->what), name, table, self->to_label);
          add_op (self, kind->add_phase, kind->new_add (table, pb));
        }
    }
}

static void
diff_pieces (StrataDiff  *self,
             StrataTable *a,
             StrataTable *b)
{
  for (guint k = 0; k < G_N_ELEMENTS (piece_kinds); k++)
    diff_piece_kind (self, &piece_kinds[k], a, b);
}

/* Depth-first order over the tables in @set (name → table) along their
 * foreign keys: a table comes after the tables it references. A foreign
 * key that closes a cycle is added to @cyclic. */
static void
visit (GHashTable  *set,
       GHashTable  *state,
       StrataTable *table,
       GPtrArray   *order,
       GHashTable  *cyclic)
{
  GPtrArray *fks = strata_table_get_foreign_keys (table);

  g_hash_table_insert (state, (gpointer)strata_table_get_name (table), GINT_TO_POINTER (1));

  for (guint i = 0; i < fks->len; i++)
    {
      StrataForeignKey *fk = g_ptr_array_index (fks, i);
      const char *references = strata_foreign_key_get_references (fk);
      StrataTable *target = g_hash_table_lookup (set, references);
      int mark;

      if (target == NULL || target == table)
        continue;

      mark = GPOINTER_TO_INT (g_hash_table_lookup (state, references));
      if (mark == 1)
        g_hash_table_add (cyclic, fk);
      else if (mark == 0)
        visit (set, state, target, order, cyclic);
    }

  g_hash_table_insert (state, (gpointer)strata_table_get_name (table), GINT_TO_POINTER (2));
  g_ptr_array_add (order, table);
}

static GPtrArray *
dependency_order (GPtrArray  *tables,
                  GHashTable *cyclic)
{
  g_autoptr(GHashTable) set = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) state = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *order = g_ptr_array_new ();

  for (guint i = 0; i < tables->len; i++)
    g_hash_table_insert (set, (gpointer)strata_table_get_name (g_ptr_array_index (tables, i)),
                         g_ptr_array_index (tables, i));

  for (guint i = 0; i < tables->len; i++)
    {
      StrataTable *table = g_ptr_array_index (tables, i);

      if (g_hash_table_lookup (state, strata_table_get_name (table)) == NULL)
        visit (set, state, table, order, cyclic);
    }

  return order;
}

static void
create_tables (StrataDiff  *self,
               StrataModel *work,
               GPtrArray   *tables)
{
  g_autoptr(GHashTable) cyclic = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = dependency_order (tables, cyclic);

  for (guint i = 0; i < order->len; i++)
    {
      StrataTable *table = g_ptr_array_index (order, i);
      GPtrArray *fks = strata_table_get_foreign_keys (table);
      g_autoptr(GPtrArray) later = g_ptr_array_new ();

      difference (self, _("table %s: only in %s"), strata_table_get_name (table), self->to_label);

      /* A foreign key can go in CREATE TABLE when what it references
       * exists by then; the others are added at the end. */
      for (guint j = 0; j < fks->len; j++)
        {
          StrataForeignKey *fk = g_ptr_array_index (fks, j);
          const char *references = strata_foreign_key_get_references (fk);
          StrataTable *existing = strata_model_lookup_table (work, references);
          gboolean inline_ok = TRUE;

          if (g_hash_table_contains (cyclic, fk))
            inline_ok = FALSE;
          else if (existing != NULL)
            {
              const char * const *ref_columns = strata_foreign_key_get_ref_columns (fk);

              for (guint k = 0; ref_columns[k] != NULL; k++)
                if (strata_table_lookup_column (existing, ref_columns[k]) == NULL)
                  inline_ok = FALSE;
            }

          if (!inline_ok)
            g_ptr_array_add (later, fk);
        }

      if (later->len == 0)
        add_op (self, PHASE_CREATE_TABLES, strata_op_new_create_table (table));
      else
        {
          g_autoptr(StrataTable) copy = strata_table_copy (table);

          for (guint j = 0; j < later->len; j++)
            {
              StrataForeignKey *fk = g_ptr_array_index (later, j);

              strata_table_remove_constraint (copy, strata_foreign_key_get_name (fk));
              add_op (self, PHASE_ADD_FOREIGN_KEYS,
                      strata_op_new_add_foreign_key (strata_table_get_name (table), fk));
            }
          add_op (self, PHASE_CREATE_TABLES, strata_op_new_create_table (copy));
        }
    }
}

static void
drop_tables (StrataDiff *self,
             GPtrArray  *tables)
{
  g_autoptr(GHashTable) cyclic = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = dependency_order (tables, cyclic);

  /* Referencing tables go first: the reverse dependency order. A foreign
   * key in a cycle is dropped before any of the tables. */
  for (guint i = 0; i < order->len; i++)
    {
      StrataTable *table = g_ptr_array_index (order, i);
      GPtrArray *fks = strata_table_get_foreign_keys (table);

      for (guint j = 0; j < fks->len; j++)
        if (g_hash_table_contains (cyclic, g_ptr_array_index (fks, j)))
          add_op (self, PHASE_DROP_FOREIGN_KEYS,
                  strata_op_new_drop_constraint (strata_table_get_name (table),
                                                 strata_foreign_key_get_name (g_ptr_array_index (fks, j))));
    }

  for (guint i = order->len; i > 0; i--)
    {
      StrataTable *table = g_ptr_array_index (order, i - 1);

      difference (self, _("table %s: only in %s"), strata_table_get_name (table), self->from_label);
      add_op (self, PHASE_DROP_TABLES, strata_op_new_drop_table (strata_table_get_name (table)));
    }
}

/* }}} */

/* Renames {{{ */

static gboolean
apply_renames (StrataDiff   *self,
               StrataModel  *work,
               GError      **error)
{
  g_autoptr(GHashTable) table_renames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* Tables first, so that a column can be named by either table name. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->renames->len; i++)
      {
        const char *spec = g_ptr_array_index (self->renames, i);
        const char *eq = strchr (spec, '=');
        g_autofree char *old = g_strndup (spec, eq - spec);
        const char *new_name = eq + 1;
        const char *dot = strchr (old, '.');
        g_autoptr(StrataOp) op = NULL;

        if ((pass == 0) != (dot == NULL))
          continue;

        if (dot == NULL)
          {
            if (strata_model_lookup_table (work, old) == NULL)
              {
                g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                             _("--rename %s: there is no table %s in %s"), spec, old, self->from_label);
                return FALSE;
              }
            if (strata_model_lookup_table (self->to, new_name) == NULL)
              {
                g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                             _("--rename %s: there is no table %s in %s"), spec, new_name, self->to_label);
                return FALSE;
              }
            op = strata_op_new_rename_table (old, new_name);
            g_hash_table_insert (table_renames, g_strdup (old), g_strdup (new_name));
            difference (self, _("table %s: renamed to %s"), old, new_name);
          }
        else
          {
            g_autofree char *table = g_strndup (old, dot - old);
            const char *column = dot + 1;
            const char *renamed = g_hash_table_lookup (table_renames, table);
            StrataTable *source;
            StrataTable *target;
            g_autofree char *prefix = NULL;

            if (renamed != NULL)
              {
                g_free (table);
                table = g_strdup (renamed);
              }

            /* "t.old=t.new" is fine too. */
            prefix = g_strdup_printf ("%s.", table);
            if (g_str_has_prefix (new_name, prefix))
              new_name += strlen (prefix);

            if (!(source = strata_model_lookup_table (work, table)) ||
                strata_table_lookup_column (source, column) == NULL)
              {
                g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                             _("--rename %s: there is no column %s.%s in %s"), spec, table, column,
                             self->from_label);
                return FALSE;
              }
            if (!(target = strata_model_lookup_table (self->to, table)) ||
                strata_table_lookup_column (target, new_name) == NULL)
              {
                g_set_error (error, STRATA_ERROR, STRATA_ERROR_INVALID_ARGUMENT,
                             _("--rename %s: there is no column %s.%s in %s"), spec, table, new_name,
                             self->to_label);
                return FALSE;
              }

            op = _strata_op_new (STRATA_OP_ALTER_COLUMN);
            op->table = g_strdup (table);
            op->column = g_strdup (column);
            op->new_name = g_strdup (new_name);
            difference (self, _("column %s.%s: renamed to %s"), table, column, new_name);
          }

        if (!strata_model_apply_op (work, op, error))
          {
            g_prefix_error (error, _("--rename %s: "), spec);
            return FALSE;
          }
        add_op (self, PHASE_RENAMES, g_steal_pointer (&op));
      }

  return TRUE;
}

/* Columns that match by name and type, out of the larger column count. */
static double
table_similarity (StrataDiff  *self,
                  StrataTable *a,
                  StrataTable *b)
{
  GPtrArray *columns = strata_table_get_columns (a);
  guint matches = 0;

  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *ca = g_ptr_array_index (columns, i);
      StrataColumn *cb = strata_table_lookup_column (b, strata_column_get_name (ca));

      if (cb != NULL && types_equal (self, ca, cb))
        matches++;
    }

  return (double)matches / MAX (columns->len, strata_table_get_columns (b)->len);
}

static void
hint_renames (StrataDiff *self,
              GPtrArray  *dropped,
              GPtrArray  *created)
{
  for (guint i = 0; i < dropped->len; i++)
    {
      StrataTable *a = g_ptr_array_index (dropped, i);
      StrataTable *best = NULL;
      double best_score = 0.5;

      for (guint j = 0; j < created->len; j++)
        {
          double score = table_similarity (self, a, g_ptr_array_index (created, j));

          if (score >= best_score)
            {
              best = g_ptr_array_index (created, j);
              best_score = score;
            }
        }

      if (best != NULL)
        g_ptr_array_add (self->hints,
                         g_strdup_printf (_("table %s may have been renamed to %s: --rename %s=%s"),
                                          strata_table_get_name (a), strata_table_get_name (best),
                                          strata_table_get_name (a), strata_table_get_name (best)));
    }
}

static void
hint_column_renames (StrataDiff  *self,
                     StrataTable *a,
                     StrataTable *b)
{
  GPtrArray *columns = strata_table_get_columns (a);

  for (guint i = 0; i < columns->len; i++)
    {
      StrataColumn *ca = g_ptr_array_index (columns, i);
      GPtrArray *others;

      if (strata_table_lookup_column (b, strata_column_get_name (ca)) != NULL)
        continue;

      others = strata_table_get_columns (b);
      for (guint j = 0; j < others->len; j++)
        {
          StrataColumn *cb = g_ptr_array_index (others, j);

          if (strata_table_lookup_column (a, strata_column_get_name (cb)) == NULL &&
              types_equal (self, ca, cb))
            {
              g_ptr_array_add (self->hints,
                               g_strdup_printf (_("column %s.%s may have been renamed to %s: --rename %s.%s=%s"),
                                                strata_table_get_name (b), strata_column_get_name (ca),
                                                strata_column_get_name (cb), strata_table_get_name (b),
                                                strata_column_get_name (ca), strata_column_get_name (cb)));
              break;
            }
        }
    }
}

/* }}} */

/* Enum types and sequences: PostgreSQL's objects (SQLite has neither: a
 * live SQLite database shows none). */
static void
diff_types (StrataDiff  *self,
            StrataModel *a,
            StrataModel *b)
{
  GPtrArray *names;

  if (self->dialect == STRATA_DIALECT_SQLITE)
    return;

  names = strata_model_get_enum_names (a);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char * const *va = strata_model_lookup_enum (a, name);
      const char * const *vb = strata_model_lookup_enum (b, name);

      if (vb == NULL)
        {
          difference (self, _("enum type %s: only in %s"), name, self->from_label);
          add_op (self, PHASE_DROP_TYPES, strata_op_new_drop_enum (name));
        }
      else if (!g_strv_equal (va, vb))
        {
          g_autofree char *ja = g_strjoinv (", ", (char **)va);
          g_autofree char *jb = g_strjoinv (", ", (char **)vb);
          gboolean only_added = TRUE;

          difference (self, _("enum type %s: (%s) in %s, (%s) in %s"), name, ja, self->from_label, jb, self->to_label);
          for (guint j = 0; va[j] != NULL; j++)
            only_added &= g_strv_contains (vb, va[j]);
          if (!only_added)
            {
              g_ptr_array_add (self->warnings,
                               g_strdup_printf (_("enum type %s: removing or renaming values has no operation here; "
                                                  "write alter_enum rename_value, or an sql operation"), name));
              continue;
            }
          /* New values, each after the one before it. */
          for (guint j = 0; vb[j] != NULL; j++)
            if (!g_strv_contains (va, vb[j]))
              {
                StrataOp *op = _strata_op_new (STRATA_OP_ALTER_ENUM);

                op->name = g_strdup (name);
                op->value = g_strdup (vb[j]);
                if (j > 0)
                  op->after = g_strdup (vb[j - 1]);
                else
                  op->before = g_strdup (vb[1]);
                add_op (self, PHASE_CREATE_TYPES, op);
              }
        }
    }

  names = strata_model_get_enum_names (b);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (strata_model_lookup_enum (a, name) == NULL)
        {
          difference (self, _("enum type %s: only in %s"), name, self->to_label);
          add_op (self, PHASE_CREATE_TYPES, strata_op_new_create_enum (name, strata_model_lookup_enum (b, name)));
        }
    }

  names = strata_model_get_sequence_names (a);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      gint64 sa, ia, sb, ib;

      strata_model_lookup_sequence (a, name, &sa, &ia);
      if (!strata_model_lookup_sequence (b, name, &sb, &ib))
        {
          difference (self, _("sequence %s: only in %s"), name, self->from_label);
          add_op (self, PHASE_DROP_TYPES, strata_op_new_drop_sequence (name));
        }
      else if (ia != ib)
        difference (self, _("sequence %s: increment %" PRId64 " in %s, %" PRId64 " in %s"),
                    name, ia, self->from_label, ib, self->to_label);
    }

  names = strata_model_get_sequence_names (b);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      gint64 start, increment;

      if (!strata_model_lookup_sequence (a, name, NULL, NULL))
        {
          strata_model_lookup_sequence (b, name, &start, &increment);
          difference (self, _("sequence %s: only in %s"), name, self->to_label);
          add_op (self, PHASE_CREATE_TYPES, strata_op_new_create_sequence (name, start, increment));
        }
    }
}

gboolean
strata_diff_compute (StrataDiff  *self,
                     GError     **error)
{
  g_autoptr(StrataModel) work = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new ();
  g_autoptr(GPtrArray) dropped = g_ptr_array_new ();
  g_autoptr(GHashTable) to_tables = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) work_tables = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *tables;

  g_return_val_if_fail (STRATA_IS_DIFF (self), FALSE);

  for (guint i = 0; i < N_PHASES; i++)
    g_ptr_array_set_size (self->phases[i], 0);
  g_ptr_array_set_size (self->ops, 0);
  g_ptr_array_set_size (self->differences, 0);
  g_ptr_array_set_size (self->hints, 0);
  g_ptr_array_set_size (self->warnings, 0);

  work = strata_model_copy (self->from);
  if (!apply_renames (self, work, error))
    return FALSE;

  diff_types (self, work, self->to);

  tables = strata_model_get_tables (self->to);
  for (guint i = 0; i < tables->len; i++)
    g_hash_table_insert (to_tables, (gpointer)strata_table_get_name (g_ptr_array_index (tables, i)),
                         g_ptr_array_index (tables, i));

  tables = strata_model_get_tables (work);
  for (guint i = 0; i < tables->len; i++)
    {
      StrataTable *a = g_ptr_array_index (tables, i);
      StrataTable *b = g_hash_table_lookup (to_tables, strata_table_get_name (a));

      g_hash_table_insert (work_tables, (gpointer)strata_table_get_name (a), a);

      if (b == NULL)
        g_ptr_array_add (dropped, a);
      else
        {
          diff_columns (self, a, b);
          diff_pieces (self, a, b);
          hint_column_renames (self, a, b);
        }
    }

  tables = strata_model_get_tables (self->to);
  for (guint i = 0; i < tables->len; i++)
    if (!g_hash_table_contains (work_tables, strata_table_get_name (g_ptr_array_index (tables, i))))
      g_ptr_array_add (created, g_ptr_array_index (tables, i));

  create_tables (self, work, created);
  drop_tables (self, dropped);
  hint_renames (self, dropped, created);

  for (guint i = 0; i < N_PHASES; i++)
    for (guint j = 0; j < self->phases[i]->len; j++)
      g_ptr_array_add (self->ops, strata_op_ref (g_ptr_array_index (self->phases[i], j)));

  return TRUE;
}
