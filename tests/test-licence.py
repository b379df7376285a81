#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Licence files and SPDX lines agree: the library (app/core) is
# LGPL-2.1-or-later (COPYING.LIB), everything else GPL-3.0-or-later
# (COPYING). Every C, Python and shell source names its licence in one SPDX
# line. Run by meson (suite data) with STRATA_SOURCE_DIR.

import os
import re
import subprocess

from tap import run, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
SPDX = re.compile(r"^\s*(?:#|/?\*|//)\s*SPDX-License-Identifier:\s*(\S+?)(?:\s*\*/)?\s*$", re.M)

LIBRARY = "LGPL-2.1-or-later"
PROGRAMS = "GPL-3.0-or-later"


def sources(root):
    """Files with code, as git knows them (or a walk outside a clone)."""
    try:
        names = subprocess.run(["git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard"], check=True,
                               capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        names = [os.path.relpath(os.path.join(d, f), root)
                 for d, _, fs in os.walk(root) if "/." not in d and "/_build" not in d for f in fs]
    for name in names:
        if name.startswith("data/examples/"):
            continue
        if name.endswith((".c", ".h", ".py")) or name in ("build-aux/strata-dev", ".ci/run"):
            yield name


def expected_licence(path):
    return LIBRARY if path.startswith("app/core/") else PROGRAMS


def problems(root):
    out = []
    for path in sources(root):
        with open(os.path.join(root, path), encoding="utf-8") as f:
            head = f.read(2000)
        found = SPDX.findall(head)
        if len(found) != 1:
            out.append(f"{path}: {len(found)} SPDX lines, expected one")
        elif found[0] != expected_licence(path):
            out.append(f"{path}: {found[0]}, expected {expected_licence(path)}")
    return out


@test
def spdx_lines_match_the_part(tmp):
    found = problems(SOURCE)
    assert not found, "\n".join(found)


@test
def licence_files_hold_the_texts(tmp):
    with open(os.path.join(SOURCE, "COPYING"), encoding="utf-8") as f:
        text = f.read()
    assert "GNU GENERAL PUBLIC LICENSE" in text[:200] and "Version 3, 29 June 2007" in text[:200]
    assert "END OF TERMS AND CONDITIONS" in text
    with open(os.path.join(SOURCE, "COPYING.LIB"), encoding="utf-8") as f:
        text = f.read()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text[:200] and "Version 2.1, February 1999" in text[:200]
    assert "END OF TERMS AND CONDITIONS" in text


@test
def check_finds_wrong_and_missing_lines(tmp):
    # The check on a tree made to break it
    files = {
        "app/core/good.c": "/* SPDX-License-Identifier: LGPL-2.1-or-later */\n",
        "app/core/wrong.h": "/* SPDX-License-Identifier: GPL-3.0-or-later */\n",
        "app/cli/good.c": "/* SPDX-License-Identifier: GPL-3.0-or-later */\n",
        "app/gui/wrong.c": "/* SPDX-License-Identifier: LGPL-2.1-or-later */\n",
        "tests/none.py": "print()\n",
    }
    for path, text in files.items():
        os.makedirs(os.path.join(tmp, os.path.dirname(path)), exist_ok=True)
        with open(os.path.join(tmp, path), "w") as f:
            f.write(text)
    subprocess.run(["git", "init", "-q", tmp], check=True)
    subprocess.run(["git", "-C", tmp, "add", "."], check=True)
    found = sorted(problems(tmp))
    assert found == [
        "app/core/wrong.h: GPL-3.0-or-later, expected LGPL-2.1-or-later",
        "app/gui/wrong.c: LGPL-2.1-or-later, expected GPL-3.0-or-later",
        "tests/none.py: 0 SPDX lines, expected one",
    ], found


if __name__ == "__main__":
    run()
