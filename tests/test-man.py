#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The manual pages (data/man/*.scd, built by scdoc) are in step with the
# programs' --help: the same commands, profiles subcommands and options,
# in both directions. Run by meson (suite cli) with STRATA_CLI, STRATA_GTK
# (when the app is built), STRATA_MAN_DIR (the built pages) and
# STRATA_SOURCE_DIR.

import os
import re
import subprocess

from tap import run, skip_all, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
STRATA = os.environ.get("STRATA_CLI")
STRATA_GTK = os.environ.get("STRATA_GTK")
MAN_DIR = os.environ.get("STRATA_MAN_DIR")

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?=[=, ]|$)")


def help_text(*args, program=None):
    r = subprocess.run([program or STRATA, *args, "--help"], capture_output=True, text=True,
                       env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert r.returncode == 0, (args, r.returncode, r.stderr)
    return r.stdout


def help_sections(text):
    """{'Commands': [lines], 'Application Options': [lines], …}"""
    sections, current = {}, None
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            current = line[:-1]
            sections[current] = []
        elif current and line.startswith("  "):
            sections[current].append(line)
        elif not line.strip():
            current = None
    return sections


def help_commands():
    lines = help_sections(help_text())["Commands"]
    return {line.split()[0] for line in lines}


def help_options(text):
    found = set()
    for name, lines in help_sections(text).items():
        if "Options" not in name:
            continue
        for line in lines:
            # "  -C, --directory=DIR      Run in …": the options before the text
            head = re.split(r"\s{2,}", line.strip())[0]
            found.update(o for o in OPTION.findall(head) if not o.startswith("--help-"))
    return found


def read_scd(name):
    with open(os.path.join(SOURCE, "data", "man", name + ".1.scd"), encoding="utf-8") as f:
        return f.read()


def scd_section(text, title):
    m = re.search(r"^# " + re.escape(title) + r"\n(.*?)(?=^# |\Z)", text, re.S | re.M)
    assert m, f"no section {title}"
    return m.group(1)


def scd_entries(section, depth):
    """The bold words that start an entry at @depth tabs: `*init* [_DIR_]`."""
    prefix = "\t" * depth
    out = []
    for line in section.splitlines():
        if line.startswith(prefix) and not line.startswith(prefix + "\t"):
            m = re.match(r"\*([a-z][a-z-]*)\*", line[len(prefix):])
            if m:
                out.append(m.group(1))
    return out


def scd_options(text):
    return set(re.findall(r"\*(--[a-z][a-z0-9-]*|-[A-Za-z])\*", text))


@test
def every_command_in_help_is_in_the_man_page_and_back(tmp):
    man = scd_entries(scd_section(read_scd("strata"), "COMMANDS"), 0)
    assert len(man) == len(set(man)), f"listed twice: {man}"
    helped = help_commands()
    assert helped, "strata --help lists no commands"
    assert set(man) - helped == set(), f"in strata.1 but not in strata --help: {set(man) - helped}"
    assert helped - set(man) == set(), f"in strata --help but not in strata.1: {helped - set(man)}"


@test
def profiles_subcommands_match(tmp):
    section = scd_section(read_scd("strata"), "COMMANDS")
    profiles = re.search(r"^\*profiles\*.*?(?=^\*[a-z])", section, re.S | re.M).group(0)
    man = {s for s in scd_entries(profiles, 1)}
    helped = {line.split()[0] for line in help_sections(help_text("profiles"))["Subcommands"]}
    assert man == helped, (man, helped)


@test
def every_option_in_help_is_in_the_man_page_and_back(tmp):
    text = read_scd("strata")
    helped = help_options(help_text())
    for command in help_commands():
        helped |= help_options(help_text(command))
    documented = scd_options(text)
    assert helped - documented == set(), f"not in strata.1: {sorted(helped - documented)}"
    assert documented - helped == set(), f"in strata.1 but no program takes them: {sorted(documented - helped)}"


@test
def man_page_has_the_contract_sections(tmp):
    text = read_scd("strata")
    for title in ("SYNOPSIS", "GLOBAL OPTIONS", "COMMANDS", "TARGETS", "DATABASE URLS",
                  "EXIT STATUS", "ENVIRONMENT", "FILES"):
        scd_section(text, title)
    # DESIGN.md's exit statuses and URL order
    assert scd_entries(scd_section(text, "EXIT STATUS"), 0) == [], "exit codes are not bold words"
    codes = re.findall(r"^\*([0-9])\*$", scd_section(text, "EXIT STATUS"), re.M)
    assert codes == ["0", "1", "2", "3"], codes
    order = re.findall(r"^\. (.*)$", scd_section(text, "DATABASE URLS"), re.M)
    assert [o.replace("*", "").split()[0] for o in order] == \
        ["--url", "--profile", "$STRATA_URL", "$DATABASE_URL", "STRATA_URL=", "url="], order
    for target in ("head", "heads", "base"):
        assert f"*{target}*" in scd_section(text, "TARGETS")


@test
def built_pages_render_every_command(tmp):
    if not MAN_DIR:
        raise AssertionError("STRATA_MAN_DIR is not set")
    program = os.path.basename(STRATA)
    with open(os.path.join(MAN_DIR, program + ".1"), encoding="utf-8") as f:
        roff = f.read()
    assert re.search(r"^\.TH \"?" + re.escape("strata") + r"\"? \"?1\"?", roff, re.M), roff[:300]
    plain = re.sub(r"\\f[BIRP]", "", roff)
    for command in help_commands():
        assert re.search(r"^" + re.escape(command) + r"\b", plain, re.M), command


@test
def gtk_options_match(tmp):
    if not STRATA_GTK:
        print("# the app is not built (-Dgui=false): strata-gtk.1 is not checked")
        return
    text = read_scd("strata-gtk")
    helped = help_options(help_text(program=STRATA_GTK))
    documented = scd_options(text)
    assert helped <= documented, f"not in strata-gtk.1: {sorted(helped - documented)}"
    # --help-all and --help-gapplication are GApplication's
    all_options = helped | {"--help-all", "--help-gapplication"}
    assert documented <= all_options, f"in strata-gtk.1 but not taken: {sorted(documented - all_options)}"
    r = subprocess.run([STRATA_GTK, "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and re.fullmatch(r"strata-gtk(-devel)? \d+\.\d+\.\d+\n", r.stdout), r


if __name__ == "__main__":
    if not STRATA:
        skip_all("STRATA_CLI is not set")
    run()
