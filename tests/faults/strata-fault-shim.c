/* strata-fault-shim.c: an LD_PRELOAD shim that fails or kills the process at
 * the Nth write, sync, truncate, unlink, link or rename of a file below a folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Environment:
 *   STRATA_FAULT_DIR     absolute folder: only files below it count
 *   STRATA_FAULT_AT      the call to fault (1 is the first); 0 or unset: none
 *   STRATA_FAULT_ACTION  kill (SIGKILL before the call), eio, enospc, eacces
 *                        (the call fails with that errno and does nothing)
 *   STRATA_FAULT_STICKY  1: every call from the Nth on fails (a full disk)
 *   STRATA_FAULT_COUNT   a file where the number of calls seen is written at
 *                        exit, and "op path" of the faulted call when one was
 *
 * Calls are counted in the process that loads the shim (strata does not
 * fork); no allocation happens in the hooks, so they are safe anywhere.
 */

#define _GNU_SOURCE
/* Both the 32- and 64-bit offset calls are hooked, under their own names. */
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char fault_dir[PATH_MAX];
static size_t fault_dir_len;
static long fault_at;
static int fault_errno;  /* 0: kill */
static int fault_sticky;
static long n_calls;
static char faulted[PATH_MAX + 32];

__attribute__((constructor)) static void
shim_init (void)
{
  const char *dir = getenv ("STRATA_FAULT_DIR");
  const char *at = getenv ("STRATA_FAULT_AT");
  const char *action = getenv ("STRATA_FAULT_ACTION");
  const char *sticky = getenv ("STRATA_FAULT_STICKY");

  if (dir != NULL && dir[0] == '/')
    {
      snprintf (fault_dir, sizeof fault_dir, "%s", dir);
      fault_dir_len = strlen (fault_dir);
      while (fault_dir_len > 1 && fault_dir[fault_dir_len - 1] == '/')
        fault_dir[--fault_dir_len] = '\0';
    }
  fault_at = at != NULL ? strtol (at, NULL, 10) : 0;
  fault_sticky = sticky != NULL && strcmp (sticky, "1") == 0;

  if (action == NULL || strcmp (action, "kill") == 0)
    fault_errno = 0;
  else if (strcmp (action, "eio") == 0)
    fault_errno = EIO;
  else if (strcmp (action, "enospc") == 0)
    fault_errno = ENOSPC;
  else if (strcmp (action, "eacces") == 0)
    fault_errno = EACCES;
  else
    {
      fprintf (stderr, "strata-fault-shim: unknown STRATA_FAULT_ACTION %s\n", action);
      _exit (99);
    }
}

__attribute__((destructor)) static void
shim_fini (void)
{
  const char *count = getenv ("STRATA_FAULT_COUNT");
  FILE *fp;

  if (count == NULL || !(fp = fopen (count, "we")))
    return;
  fprintf (fp, "%ld\n%s\n", n_calls, faulted);
  fclose (fp);
}

static int
below (const char *path)
{
  return fault_dir_len > 0 &&
         strncmp (path, fault_dir, fault_dir_len) == 0 &&
         (path[fault_dir_len] == '/' || path[fault_dir_len] == '\0');
}

static int
fd_below (int fd,
          char *path,
          size_t size)
{
  char link[64];
  ssize_t len;

  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  len = readlink (link, path, size - 1);
  if (len < 0)
    return 0;
  path[len] = '\0';
  return below (path);
}

static int
path_below (const char *name,
            char       *path,
            size_t      size)
{
  if (name[0] == '/')
    snprintf (path, size, "%s", name);
  else
    {
      size_t cwd_len, name_len;

      if (getcwd (path, size) == NULL)
        return 0;
      cwd_len = strlen (path);
      name_len = strlen (name);
      if (cwd_len + 1 + name_len + 1 > size)
        return 0;
      path[cwd_len] = '/';
      memcpy (path + cwd_len + 1, name, name_len + 1);
    }
  return below (path);
}

/* Counts a call on @path; returns 0 to go on, or -1 with errno set. */
static int
fault (const char *op,
       const char *path)
{
  long n = ++n_calls;

  if (fault_at <= 0 || (n != fault_at && !(fault_sticky && n > fault_at)))
    return 0;

  if (n == fault_at)
    {
      const char *count = getenv ("STRATA_FAULT_COUNT");

      snprintf (faulted, sizeof faulted, "%s %s", op, path);
      if (fault_errno == 0 && count != NULL)
        {
          /* No destructor runs after SIGKILL: say where it happened now. */
          int fd = open (count, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

          if (fd >= 0)
            {
              char line[PATH_MAX + 64];
              int len = snprintf (line, sizeof line, "%ld\n%s\n", n, faulted);

              if (len > 0 && write (fd, line, (size_t)len) < 0)
                len = 0;
              close (fd);
            }
        }
    }

  if (fault_errno == 0)
    {
      raise (SIGKILL);
      _exit (137);
    }

  errno = fault_errno;
  return -1;
}

#define REAL(name) \
  static __typeof__ (name) *real_##name; \
  if (real_##name == NULL) \
    real_##name = (__typeof__ (name) *)dlsym (RTLD_NEXT, #name)

#define FD_HOOK(op, fd) \
  do { \
    char path_[PATH_MAX]; \
    if (fd_below ((fd), path_, sizeof path_) && fault (op, path_) < 0) \
      return -1; \
  } while (0)

ssize_t
write (int fd, const void *buf, size_t count)
{
  REAL (write);
  FD_HOOK ("write", fd);
  return real_write (fd, buf, count);
}

ssize_t
pwrite (int fd, const void *buf, size_t count, off_t offset)
{
  REAL (pwrite);
  FD_HOOK ("pwrite", fd);
  return real_pwrite (fd, buf, count, offset);
}

ssize_t
pwrite64 (int fd, const void *buf, size_t count, off64_t offset)
{
  REAL (pwrite64);
  FD_HOOK ("pwrite", fd);
  return real_pwrite64 (fd, buf, count, offset);
}

ssize_t
writev (int fd, const struct iovec *iov, int iovcnt)
{
  REAL (writev);
  FD_HOOK ("writev", fd);
  return real_writev (fd, iov, iovcnt);
}

int
fsync (int fd)
{
  REAL (fsync);
  FD_HOOK ("fsync", fd);
  return real_fsync (fd);
}

int
fdatasync (int fd)
{
  REAL (fdatasync);
  FD_HOOK ("fdatasync", fd);
  return real_fdatasync (fd);
}

int
ftruncate (int fd, off_t length)
{
  REAL (ftruncate);
  FD_HOOK ("ftruncate", fd);
  return real_ftruncate (fd, length);
}

int
ftruncate64 (int fd, off64_t length)
{
  REAL (ftruncate64);
  FD_HOOK ("ftruncate", fd);
  return real_ftruncate64 (fd, length);
}

int
unlink (const char *name)
{
  char path[PATH_MAX];

  REAL (unlink);
  if (path_below (name, path, sizeof path) && fault ("unlink", path) < 0)
    return -1;
  return real_unlink (name);
}

int
link (const char *from, const char *to)
{
  char path[PATH_MAX];

  REAL (link);
  if (path_below (to, path, sizeof path) && fault ("link", path) < 0)
    return -1;
  return real_link (from, to);
}

int
rename (const char *from, const char *to)
{
  char path[PATH_MAX];

  REAL (rename);
  if (path_below (to, path, sizeof path) && fault ("rename", path) < 0)
    return -1;
  return real_rename (from, to);
}
