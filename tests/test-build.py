#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the build options promise:
# - the strata program never links GTK, libadwaita or GtkSourceView, and a
#   -Dgui=false build does not even look for them;
# - the development profile (-Ddevelopment=true) installs no file where the
#   stable one does, so both install side by side.
# Run by meson (suite cli) with STRATA_CLI, STRATA_BUILD_DIR, STRATA_GUI,
# MESON and STRATA_SOURCE_DIR.

import json
import os
import subprocess

from tap import run, skip_all, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
BUILD = os.environ.get("STRATA_BUILD_DIR")
STRATA = os.environ.get("STRATA_CLI")
GUI = os.environ.get("STRATA_GUI") == "true"
MESON = os.environ.get("MESON", "meson")
TOOLKIT = ("gtk4", "libadwaita-1", "gtksourceview-5")


def needed_libraries(path):
    out = subprocess.run(["readelf", "-d", path], capture_output=True, text=True, check=True).stdout
    return [line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line]


@test
def strata_links_no_toolkit(tmp):
    needed = needed_libraries(STRATA)
    assert any(n.startswith("libglib-2.0") for n in needed), needed
    assert not [n for n in needed if n.startswith(("libgtk", "libadwaita", "libgtksourceview"))], needed


@test
def gui_option_decides_the_toolkit_dependencies(tmp):
    out = subprocess.run([MESON, "introspect", BUILD, "--dependencies"], capture_output=True, text=True,
                         check=True).stdout
    names = {d["name"] for d in json.loads(out)}
    if GUI:
        assert set(TOOLKIT) <= names, names
    else:
        assert not set(TOOLKIT) & names, names


def installed(tmp, name, *options):
    builddir = os.path.join(tmp, name)
    subprocess.run([MESON, "setup", "--prefix=/usr", f"-Dgui={'true' if GUI else 'false'}", *options,
                    builddir, SOURCE], check=True, capture_output=True, text=True)
    out = subprocess.run([MESON, "introspect", builddir, "--installed"], capture_output=True, text=True,
                         check=True).stdout
    return set(json.loads(out).values())


def overlapping(a, b):
    # A directory installed whole (install_subdir) clashes with anything under it
    return {(x, y) for x in a for y in b if x == y or x.startswith(y + "/") or y.startswith(x + "/")}


@test
def development_profile_installs_beside_the_stable_one(tmp):
    stable = installed(tmp, "stable")
    devel = installed(tmp, "devel", "-Ddevelopment=true")
    assert "/usr/bin/strata" in stable and "/usr/bin/strata-devel" in devel, (stable, devel)
    if GUI:
        assert "/usr/bin/strata-gtk" in stable and "/usr/bin/strata-gtk-devel" in devel
        assert "/usr/share/applications/io.github.stratadb.Strata.Devel.desktop" in devel
    assert "/usr/share/man/man1/strata-devel.1" in devel
    clashes = overlapping(stable, devel)
    assert not clashes, sorted(clashes)


@test
def overlap_check_sees_clashes(tmp):
    assert overlapping({"/usr/share/strata/examples"}, {"/usr/share/strata/examples/a.json"})
    assert overlapping({"/usr/bin/strata"}, {"/usr/bin/strata"})
    assert not overlapping({"/usr/bin/strata"}, {"/usr/bin/strata-devel"})


if __name__ == "__main__":
    if not STRATA or not BUILD:
        skip_all("STRATA_CLI or STRATA_BUILD_DIR is not set")
    run()
