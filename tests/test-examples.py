#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The examples of data/examples/bookshelf, built and run as a program outside
# the tree would be: against a `meson install --destdir` tree, with
# `pkg-config --cflags --libs strata-1` (C) and GI_TYPELIB_PATH (Python).
# Each upgrades its own store at launch: created, unchanged, upgraded after a
# backup, restored when an upgrade fails, and a newer store refused intact.

import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

BUILD_DIR = os.environ.get("STRATA_BUILD_DIR", "")
SOURCE_DIR = os.environ.get("STRATA_SOURCE_DIR", "")
EXAMPLE = os.path.join(SOURCE_DIR, "data", "examples", "bookshelf")
FIRST = "3f2a9c1e7b04_create_book.json"
HEAD = "8c6d0e2b5a19"

BROKEN = """{
  "revision": "d41e7a2c9b30",
  "down_revision": "8c6d0e2b5a19",
  "message": "a migration that fails half-way",
  "upgrade": [
    {"op": "add_column", "table": "book", "column": {"name": "isbn", "type": "text"}},
    {"op": "sql", "sql": "INSERT INTO no_such_table VALUES (1)"}
  ]
}
"""


def run(*args, env=None, check=True, cwd=None):
    r = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise AssertionError(f"{args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    return r


class Installed:
    """A `meson install --destdir` tree and how to build against it."""

    def __init__(self, tmp):
        self.root = os.path.join(tmp, "destdir")
        run("meson", "install", "-C", BUILD_DIR, "--no-rebuild", "--quiet", "--destdir", self.root)
        pcs = glob.glob(os.path.join(self.root, "**", "pkgconfig", "strata-1.pc"), recursive=True)
        assert len(pcs) == 1, pcs
        # The .pc says prefix=/usr/local: relocated into the tree as a
        # packager's staging area would be.
        self.pc_dir = os.path.join(tmp, "pkgconfig")
        os.makedirs(self.pc_dir)
        with open(pcs[0]) as f:
            pc = f.read()
        prefix = [line.split("=", 1)[1] for line in pc.splitlines() if line.startswith("prefix=")][0]
        with open(os.path.join(self.pc_dir, "strata-1.pc"), "w") as f:
            f.write(pc.replace(f"prefix={prefix}", f"prefix={self.root}{prefix}", 1))
        self.libdir = os.path.dirname(os.path.dirname(pcs[0]))
        typelibs = glob.glob(os.path.join(self.root, "**", "Strata-1.typelib"), recursive=True)
        self.typelib_dir = os.path.dirname(typelibs[0]) if typelibs else None
        assert glob.glob(os.path.join(self.root, "**", "include", "strata-1", "strata.h"), recursive=True)

    def env(self):
        env = dict(os.environ)
        env["PKG_CONFIG_PATH"] = self.pc_dir + os.pathsep + env.get("PKG_CONFIG_PATH", "")
        env["LD_LIBRARY_PATH"] = self.libdir
        if self.typelib_dir:
            env["GI_TYPELIB_PATH"] = self.typelib_dir
        return env

    def pkg_config(self, *args):
        return run("pkg-config", *args, "strata-1", env=self.env()).stdout.split()


def resources(tmp, name, migrations, kind):
    """The example's resources with @migrations only: as C source or bundle."""
    folder = os.path.join(tmp, name)
    os.makedirs(os.path.join(folder, "store"))
    files = []
    for migration in migrations:
        if migration.endswith(".json") and os.path.exists(os.path.join(EXAMPLE, "store", migration)):
            shutil.copy(os.path.join(EXAMPLE, "store", migration), os.path.join(folder, "store"))
            files.append(migration)
        else:
            with open(os.path.join(folder, "store", "d41e7a2c9b30_broken.json"), "w") as f:
                f.write(migration)
            files.append("d41e7a2c9b30_broken.json")
    with open(os.path.join(folder, "res.gresource.xml"), "w") as f:
        f.write('<?xml version="1.0"?><gresources><gresource prefix="/org/example/Bookshelf">'
                + "".join(f"<file>store/{m}</file>" for m in files) + "</gresource></gresources>")
    if kind == "c":
        target = os.path.join(folder, "resources.c")
        run("glib-compile-resources", "--generate-source", "--target", target, "res.gresource.xml", cwd=folder)
    else:
        target = os.path.join(folder, "bookshelf.gresource")
        run("glib-compile-resources", "--target", target, "res.gresource.xml", cwd=folder)
    return target


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def content(path):
    with sqlite3.connect(path) as db:
        return (db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall(),
                db.execute("SELECT * FROM book ORDER BY id").fetchall())


def versions(path):
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT version_num FROM strata_version")]


def lifecycle(tmp, launch):
    """@launch(version, store) -> CompletedProcess, for versions "v1" (the
    first migration), "v2" (both, the example as shipped), "v3" (a third
    that fails)."""
    store = os.path.join(tmp, "data", "bookshelf.db")

    r = launch("v1", store)
    assert r.returncode == 0 and r.stdout.split() == ["created", "3f2a9c1e7b04"], r
    assert oct(os.stat(store).st_mode & 0o777) == "0o600"

    r = launch("v1", store)
    assert r.returncode == 0 and r.stdout.split() == ["unchanged", "3f2a9c1e7b04"], r

    r = launch("v2", store)
    assert r.returncode == 0 and r.stdout.split() == ["upgraded", HEAD], r
    backup = store + ".3f2a9c1e7b04.bak"
    assert versions(backup) == ["3f2a9c1e7b04"], versions(backup)
    assert versions(store) == [HEAD]
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM book").fetchone()[0] == 3

    # A failing upgrade: the backup comes back, the error names the statement
    before = content(store)
    r = launch("v3", store)
    assert r.returncode == 1, r
    assert "restored" in r.stderr and "no_such_table" in r.stderr, r.stderr
    assert versions(store) == [HEAD]
    assert content(store) == before
    before = digest(store)

    # The old version refuses the newer store and leaves it as it was
    r = launch("v1", store)
    assert r.returncode == 1, r
    assert "newer version of Bookshelf" in r.stderr and HEAD in r.stderr, r.stderr
    assert digest(store) == before


def test_c(tmp, installed):
    cflags = installed.pkg_config("--cflags")
    libs = installed.pkg_config("--libs")
    assert any("strata-1" in f for f in cflags) and "-lstrata-1" in libs, (cflags, libs)
    with open(os.path.join(EXAMPLE, "bookshelf.c")) as f:
        lines = f.read().splitlines()
    assert len(lines) <= 40, len(lines)

    programs = {}
    for version, migrations in (("v1", [FIRST]), ("v2", sorted(os.listdir(os.path.join(EXAMPLE, "store")))),
                                ("v3", sorted(os.listdir(os.path.join(EXAMPLE, "store"))) + [BROKEN])):
        source = resources(tmp, "c-" + version, migrations, "c")
        program = os.path.join(tmp, "bookshelf-" + version)
        run(os.environ.get("CC", "cc"), "-Wall", "-Werror", "-o", program,
            os.path.join(EXAMPLE, "bookshelf.c"), source, *cflags, *libs, env=installed.env())
        programs[version] = program

    # The shipped resources, as the example's README builds them
    run("glib-compile-resources", "--generate-source", "--target", os.path.join(tmp, "shipped.c"),
        "bookshelf.gresource.xml", cwd=EXAMPLE)

    lifecycle(os.path.join(tmp, "c"),
              lambda version, store: run(programs[version], store, env=installed.env(), check=False))


def test_python(tmp, installed):
    assert installed.typelib_dir, "no Strata-1.typelib in the installed tree"
    bundles = {}
    for version, migrations in (("v1", [FIRST]), ("v2", sorted(os.listdir(os.path.join(EXAMPLE, "store")))),
                                ("v3", sorted(os.listdir(os.path.join(EXAMPLE, "store"))) + [BROKEN])):
        bundles[version] = resources(tmp, "py-" + version, migrations, "python")

    def launch(version, store):
        env = installed.env()
        env["BOOKSHELF_RESOURCES"] = bundles[version]
        return run("/usr/bin/python3", os.path.join(EXAMPLE, "bookshelf.py"), store, env=env, check=False)

    lifecycle(os.path.join(tmp, "py"), launch)


TESTS = [test_c, test_python]


def main():
    if not BUILD_DIR or not SOURCE_DIR:
        print("1..0 # SKIP STRATA_BUILD_DIR or STRATA_SOURCE_DIR is not set")
        return 0 if os.environ.get("CI") != "true" else 1
    print(f"1..{len(TESTS)}", flush=True)
    tmp = tempfile.mkdtemp(prefix="strata-examples-")
    failed = 0
    try:
        installed = Installed(tmp)
        for n, test in enumerate(TESTS, 1):
            try:
                test(tmp, installed)
                print(f"ok {n} - {test.__name__}", flush=True)
            except Exception as e:
                failed += 1
                print(f"not ok {n} - {test.__name__}", flush=True)
                for line in str(e).splitlines():
                    print(f"# {line}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
