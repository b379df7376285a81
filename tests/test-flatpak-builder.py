#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# flatpak-builder reads the manifest (comments included) without a warning:
# no unknown property, no malformed value. test-flatpak-manifest.c checks
# what it says. Run by meson (suite data) with STRATA_SOURCE_DIR.

import json
import os
import subprocess

from tap import run, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
MANIFEST = os.path.join(SOURCE, "flatpak", "io.github.stratadb.Strata.json")


def show(path, tmp):
    # flatpak-builder keeps its state in the working directory: a scratch one
    return subprocess.run(["flatpak-builder", "--show-manifest", path], capture_output=True, text=True, cwd=tmp)


@test
def flatpak_builder_reads_the_manifest_cleanly(tmp):
    r = show(MANIFEST, tmp)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    manifest = json.loads(r.stdout)
    assert manifest["id"] == "io.github.stratadb.Strata"
    assert [m["name"] for m in manifest["modules"]] == ["libpq", "libpg_query", "strata"]


@test
def an_unknown_property_is_seen(tmp):
    path = os.path.join(tmp, "bad.json")
    with open(path, "w") as f:
        f.write('{"app-id": "x.y.Z", "modules": [{"name": "a", "no-such-key": 1}]}')
    r = show(path, tmp)
    assert "no-such-key" in r.stderr, r.stderr


if __name__ == "__main__":
    run()
