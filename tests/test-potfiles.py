#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# po/POTFILES is complete and names only files that exist: every C source
# that marks strings (_(), N_(), C_(), NC_(), ngettext and GLib's
# g_dngettext/g_dpgettext), every .ui file with translatable="yes" and every
# data .in file with translatable fields is listed. Run by meson (suite data)
# with STRATA_SOURCE_DIR.

import os
import re

from tap import run, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))

C_MARK = re.compile(r"(?<![A-Za-z0-9_])(?:_|N_|C_|NC_|ngettext|g_dgettext|g_dngettext|g_dpgettext2?)\s*\(")
UI_MARK = re.compile(r'translatable\s*=\s*"(?:yes|true)"')
# Fields that xgettext's desktop, AppStream and GSettings extractors take
DATA_MARK = re.compile(r"^(?:Name|GenericName|Comment|Keywords)=|<(?:name|summary|p|li|caption)>|"
                       r"<(?:summary|description)>", re.M)

SCANNED_DIRS = ("app", "resources", "data")


def read_potfiles(root):
    with open(os.path.join(root, "po", "POTFILES"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def marks_strings(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if path.endswith((".c", ".h")):
        # Comments may mention _() without calling it
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        # …nor does the header that defines _() itself for the core
        text = re.sub(r"^#\s*define\s+(?:_|N_|C_|NC_)\s*\([^\n]*", "", text, flags=re.M)
        return bool(C_MARK.search(text))
    if path.endswith(".ui"):
        return bool(UI_MARK.search(text))
    if path.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml.in")):
        return bool(DATA_MARK.search(text))
    return False


def files_with_strings(root):
    found = set()
    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            # The example project is user data, not Strata's interface
            dirnames[:] = sorted(d for d in dirnames if d != "examples")
            for name in filenames:
                path = os.path.join(dirpath, name)
                if marks_strings(path):
                    found.add(os.path.relpath(path, root))
    return found


def problems(root):
    listed = read_potfiles(root)
    out = []
    for entry in listed:
        if not os.path.isfile(os.path.join(root, entry)):
            out.append(f"po/POTFILES names {entry}, which does not exist")
    seen = set()
    for entry in listed:
        if entry in seen:
            out.append(f"po/POTFILES names {entry} twice")
        seen.add(entry)
    for path in sorted(files_with_strings(root) - set(listed)):
        out.append(f"{path} has translatable strings but is not in po/POTFILES")
    return out


@test
def potfiles_complete_and_existing(tmp):
    found = problems(SOURCE)
    assert not found, "\n".join(found)


def fake_tree(tmp, potfiles, files):
    os.makedirs(os.path.join(tmp, "po"))
    with open(os.path.join(tmp, "po", "POTFILES"), "w") as f:
        f.write("# comment\n" + "".join(p + "\n" for p in potfiles))
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
        with open(os.path.join(tmp, path), "w") as f:
            f.write(text)


@test
def check_finds_missing_and_unlisted(tmp):
    # The checks above on a tree made to break them, so that they cannot
    # pass vacuously.
    fake_tree(tmp, ["app/gui/listed.c", "app/gui/gone.c"], {
        "app/gui/listed.c": 'g_print ("%s", _("Hello"));\n',
        "app/cli/plural.c": 'ngettext ("%d file", "%d files", n);\n',
        "app/core/comment-only.c": "/* call _(\"x\") for that */\nint x;\n",
        "app/core/identifier.c": "int my_(int); int z = my_(3);\n",
        "app/core/defines.h": "#define _(String) g_dgettext (DOMAIN, String)\n",
        "app/core/marked-macro.h": '#define REFUSED N_("refused")\n',
        "resources/gui/w.ui": '<property name="title" translatable="yes">W</property>\n',
        "data/x.desktop.in": "[Desktop Entry]\nName=Strata\n",
    })
    found = problems(tmp)
    assert "po/POTFILES names app/gui/gone.c, which does not exist" in found, found
    assert "app/cli/plural.c has translatable strings but is not in po/POTFILES" in found, found
    assert "resources/gui/w.ui has translatable strings but is not in po/POTFILES" in found, found
    assert "data/x.desktop.in has translatable strings but is not in po/POTFILES" in found, found
    assert "app/core/marked-macro.h has translatable strings but is not in po/POTFILES" in found, found
    assert not any("comment-only" in p or "identifier" in p or "defines" in p or "listed.c" in p
                   for p in found), found
    assert len(found) == 5, found


if __name__ == "__main__":
    run()
