/* strata-window-state.c: what the main window remembers between runs: the
 * last project and profile, and where its panes part (its size is bound in
 * strata-window.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "strata-window"

#include "config.h"

#include "strata-window-private.h"

/* Saved with the window's other settings when it closes (the settings are
 * delayed): not on every step of a drag */
void
_strata_window_bind_state (StrataWindow *self,
                           GSettings    *settings)
{
  StrataProjectView *view = strata_window_get_project_view (self);
  GtkPaned *paned = strata_revisions_page_get_paned (strata_project_view_get_revisions_page (view));

  g_settings_bind (settings, "revisions-pane-position", paned, "position",
                   G_SETTINGS_BIND_DEFAULT | G_SETTINGS_BIND_GET_NO_CHANGES);
}

void
_strata_window_save_state (StrataWindow *self,
                           GSettings    *settings)
{
  StrataProjectView *view = strata_window_get_project_view (self);
  StrataProject *project;
  StrataProfile *profile;
  g_autofree char *path = NULL;

  if (view == NULL)
    return;

  project = strata_project_view_get_project (view);
  profile = strata_project_view_get_profile (view);
  if (project != NULL)
    path = g_file_get_path (strata_project_get_directory (project));

  g_settings_set_string (settings, "last-project", path != NULL ? path : "");
  g_settings_set_string (settings, "last-profile",
                         profile != NULL && strata_profile_get_id (profile) != NULL
                         ? strata_profile_get_id (profile) : "");
}

/**
 * strata_window_restore_last:
 *
 * Opens the project that was open when a window last closed, if its folder
 * is still a project, and selects the profile that was selected, if it is
 * still there. Says nothing when they are gone: the window starts empty.
 *
 * Returns: whether the last project was opened
 */
gboolean
strata_window_restore_last (StrataWindow *self)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *profile_id = NULL;
  GListModel *profiles;

  g_return_val_if_fail (STRATA_IS_WINDOW (self), FALSE);

  settings = g_settings_new (APP_ID);
  path = g_settings_get_string (settings, "last-project");
  profile_id = g_settings_get_string (settings, "last-profile");
  if (path[0] == '\0')
    return FALSE;

  directory = g_file_new_for_path (path);
  if (!strata_window_open_project (self, directory, &error))
    {
      g_debug ("the last project is not opened again: %s", error->message);
      return FALSE;
    }

  profiles = _strata_window_get_profiles (self);
  for (guint i = 0; profile_id[0] != '\0' && profiles != NULL && i < g_list_model_get_n_items (profiles); i++)
    {
      g_autoptr(StrataProfile) profile = g_list_model_get_item (profiles, i);

      if (g_strcmp0 (strata_profile_get_id (profile), profile_id) == 0)
        {
          strata_window_select_profile (self, profile);
          break;
        }
    }

  return TRUE;
}
