/* strata-gui-util.c: small helpers the app's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-gui-util"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "strata-gui-util.h"

static void
update_style_scheme (GtkSourceBuffer *buffer,
                     GParamSpec      *pspec,
                     AdwStyleManager *style_manager)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  const char *id = adw_style_manager_get_dark (style_manager) ? "Adwaita-dark" : "Adwaita";

  gtk_source_buffer_set_style_scheme (buffer, gtk_source_style_scheme_manager_get_scheme (schemes, id));
}

void
strata_source_view_setup (GtkSourceView *view)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceBuffer *buffer;
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  g_return_if_fail (GTK_SOURCE_IS_VIEW (view));

  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (languages, "sql"));
  gtk_source_buffer_set_highlight_matching_brackets (buffer, FALSE);
  g_signal_connect_object (style_manager, "notify::dark",
                           G_CALLBACK (update_style_scheme), buffer,
                           G_CONNECT_SWAPPED);
  update_style_scheme (buffer, NULL, style_manager);
}

void
strata_source_view_set_text (GtkSourceView *view,
                             const char    *text)
{
  GtkTextBuffer *buffer;

  g_return_if_fail (GTK_SOURCE_IS_VIEW (view));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
}

void
strata_source_view_set_language (GtkSourceView *view,
                                  const char    *language)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  GtkSourceBuffer *buffer;

  g_return_if_fail (GTK_SOURCE_IS_VIEW (view));

  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (languages, language));
}

GPtrArray *
strata_diff_dup_findings (StrataDiff *diff)
{
  GPtrArray *differences = strata_diff_get_differences (diff);
  GPtrArray *warnings = strata_diff_get_warnings (diff);
  GPtrArray *lines = g_ptr_array_new ();

  for (guint i = 0; differences != NULL && i < differences->len; i++)
    g_ptr_array_add (lines, g_ptr_array_index (differences, i));
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    if (!g_ptr_array_find_with_equal_func (lines, g_ptr_array_index (warnings, i), g_str_equal, NULL))
      g_ptr_array_add (lines, g_ptr_array_index (warnings, i));

  return lines;
}

char *
strata_format_step_sql (StrataStepReview *review)
{
  const GError *error;
  GPtrArray *statements;
  GString *text;

  g_return_val_if_fail (STRATA_IS_STEP_REVIEW (review), NULL);

  error = strata_step_review_get_error (review);
  statements = strata_step_review_get_statements (review);
  if (statements == NULL)
    {
      g_auto(GStrv) lines = g_strsplit (error != NULL ? error->message : "", "\n", -1);

      text = g_string_new (NULL);
      for (guint i = 0; lines[i] != NULL; i++)
        g_string_append_printf (text, "-- %s\n", lines[i]);
      return g_string_free (text, FALSE);
    }

  if (statements->len == 0)
    /* Translators: shown as an SQL comment for a revision without statements */
    return g_strdup_printf ("-- %s", _("No statements"));

  text = g_string_new (NULL);
  for (guint i = 0; i < statements->len; i++)
    {
      const char *statement = g_ptr_array_index (statements, i);

      if (i > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, statement);
      if (!g_str_has_suffix (statement, ";"))
        g_string_append_c (text, ';');
    }

  return g_string_free (text, FALSE);
}

char *
strata_format_timestamp (const char *text)
{
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (text == NULL)
    return NULL;

  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    {
      /* SQLite's "YYYY-MM-DD HH:MM:SS" in UTC */
      g_autofree char *iso = g_strdup (text);
      g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

      if (strlen (iso) > 10 && iso[10] == ' ')
        iso[10] = 'T';
      time = g_date_time_new_from_iso8601 (iso, utc);
    }
  if (time == NULL)
    return g_strdup (text);

  local = g_date_time_to_local (time);

  /* ISO 8601, local time: unambiguous in every locale */
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/* The dialect's name as people write it */
const char *
strata_dialect_get_display_name (StrataDialect dialect)
{
  switch (dialect)
    {
    case STRATA_DIALECT_SQLITE:
      return "SQLite";
    case STRATA_DIALECT_POSTGRESQL:
      return "PostgreSQL";
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
strata_gui_display_file (GFile *file)
{
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());
  g_autofree char *relative = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (g_file_equal (file, home))
    return g_strdup ("~");
  if ((relative = g_file_get_relative_path (home, file)) != NULL)
    return g_build_filename ("~", relative, NULL);

  return g_file_get_parse_name (file);
}
