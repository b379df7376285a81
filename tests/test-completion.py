#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The shell completions (data/completions, as configured into the build
# tree) in real shells on a copy of the example project: bash through
# COMP_WORDS/COMP_CWORD and the registered completion function, fish through
# `complete -C`, zsh by syntax and by its command list. Each offers the
# commands of `strata --help`, options, profile names and the project's
# revisions and labels. Run by meson (suite cli) with STRATA_CLI,
# STRATA_COMPLETION_DIR and STRATA_SOURCE_DIR.

import os
import re
import shlex
import shutil
import subprocess

from tap import run, skip_all, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
STRATA = os.environ.get("STRATA_CLI")
COMPLETIONS = os.environ.get("STRATA_COMPLETION_DIR")
EXAMPLE = os.path.join(SOURCE, "data", "examples", "bookshop")
PROGRAM = os.path.basename(STRATA or "strata")

REVISIONS = {"1a0e6c2d9b41", "2b7f3e8a0c52", "3c4d1f9e7a63", "4d9a2b6c8e74", "5e1b7c3d9f85",
             "6f2c8d4e0a96", "7a3d9e5f1b07", "8b4e0f6a2c18"}


def help_commands():
    out = subprocess.run([STRATA, "--help"], capture_output=True, text=True, check=True).stdout
    section = out.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    return {line.split()[0] for line in section.splitlines()}


def project(tmp):
    folder = os.path.join(tmp, "shop")
    shutil.copytree(EXAMPLE, folder)
    with open(os.path.join(folder, "strata.ini"), "a") as f:
        f.write("\n[profile prod]\nurl=postgresql://app@db.example.com/app\n"
                "\n[profile staging]\nurl=postgresql://app@staging.example.com/app\n")
    return folder


def env_for(tmp):
    env = dict(os.environ)
    env.update(HOME=tmp, XDG_DATA_HOME=os.path.join(tmp, "data"), XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    for var in ("STRATA_URL", "DATABASE_URL"):
        env.pop(var, None)
    return env


def bash_complete(tmp, line, cwd):
    """The words bash's completion for @line offers (the cursor at its end)."""
    words = []
    # As bash's COMP_WORDBREAKS does: --opt=value is three words
    for word in shlex.split(line):
        m = re.fullmatch(r"(--[a-z-]+)=(.*)", word)
        words += [m.group(1), "=", m.group(2)] if m else [word]
    words += [""] if line.endswith(" ") else []
    words[0] = STRATA
    script = f"""
source {shlex.quote(os.path.join(COMPLETIONS, PROGRAM))}
spec=$(complete -p {shlex.quote(PROGRAM)}) || exit 3
[[ $spec == "complete -F _strata {PROGRAM}" ]] || {{ echo "$spec"; exit 4; }}
COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={shlex.quote(line)}
COMP_POINT=${{#COMP_LINE}}
_strata {PROGRAM} "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True,
                       cwd=cwd, env=env_for(tmp), timeout=60)
    assert r.returncode == 0, (line, r.returncode, r.stdout, r.stderr)
    assert r.stderr == "", r.stderr
    return {w for w in r.stdout.splitlines() if w}


@test
def bash_registers_and_completes_commands(tmp):
    folder = project(tmp)
    assert bash_complete(tmp, "strata ", folder) == help_commands()
    assert bash_complete(tmp, "strata dr", folder) == {"drift"}
    assert bash_complete(tmp, "strata -C . --json hi", folder) == {"history"}


@test
def bash_completes_options(tmp):
    folder = project(tmp)
    assert {"--directory", "--profile", "--json", "--url"} <= bash_complete(tmp, "strata --", folder)
    assert bash_complete(tmp, "strata upgrade --", folder) >= {"--sql", "--dialect", "--json"}
    assert bash_complete(tmp, "strata upgrade --dialect ", folder) == {"sqlite", "postgresql"}
    assert bash_complete(tmp, "strata revision --auto", folder) == {"--autogenerate"}
    assert bash_complete(tmp, "strata profiles ", folder) == {"list", "show", "add", "remove", "test", "set-password"}


@test
def bash_completes_revisions_and_labels(tmp):
    folder = project(tmp)
    targets = bash_complete(tmp, "strata upgrade ", folder)
    assert targets == REVISIONS | {"head", "heads", "base", "shoppingcart", "shoppingcart@head",
                                   "shoppingcart@base"}, targets
    assert bash_complete(tmp, "strata downgrade 3c", folder) == {"3c4d1f9e7a63"}
    assert bash_complete(tmp, "strata revision --head shop", folder) == \
        {"shoppingcart", "shoppingcart@head", "shoppingcart@base"}
    # -C names the project from elsewhere
    assert bash_complete(tmp, f"strata -C {folder} show 8b", tmp) == {"8b4e0f6a2c18"}
    assert bash_complete(tmp, f"strata --directory={folder} show 8b", tmp) == {"8b4e0f6a2c18"}
    # Outside a project: only the symbolic targets
    assert bash_complete(tmp, "strata upgrade ", tmp) == {"head", "heads", "base"}


@test
def bash_completes_profiles(tmp):
    folder = project(tmp)
    assert bash_complete(tmp, "strata --profile ", folder) == {"prod", "staging"}
    assert bash_complete(tmp, "strata --profile=st", folder) == {"staging"}
    assert bash_complete(tmp, "strata profiles show p", folder) == {"prod"}


def fish_complete(tmp, line, cwd):
    script = (f"source {shlex.quote(os.path.join(COMPLETIONS, PROGRAM + '.fish'))}; "
              f"complete -C {shlex.quote(line)}")
    env = env_for(tmp)
    env["PATH"] = os.path.join(tmp, "bin") + os.pathsep + env["PATH"]
    r = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True, cwd=cwd,
                       env=env, timeout=60)
    assert r.returncode == 0 and r.stderr == "", (line, r.returncode, r.stderr)
    return {w.split("\t")[0] for w in r.stdout.splitlines() if w}


@test
def fish_completes_commands_revisions_and_profiles(tmp):
    folder = project(tmp)
    # fish finds the program by name: put a link called PROGRAM first on PATH
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    os.symlink(STRATA, os.path.join(bindir, PROGRAM))
    assert fish_complete(tmp, f"{PROGRAM} ", folder) >= help_commands()
    assert fish_complete(tmp, f"{PROGRAM} upgrade ", folder) == \
        REVISIONS | {"head", "heads", "base", "shoppingcart", "shoppingcart@head", "shoppingcart@base"}
    assert fish_complete(tmp, f"{PROGRAM} -C {folder} show 8b", tmp) == {"8b4e0f6a2c18"}
    assert fish_complete(tmp, f"{PROGRAM} --profile ", folder) == {"prod", "staging"}
    assert fish_complete(tmp, f"{PROGRAM} profiles show ", folder) == {"prod", "staging"}
    assert fish_complete(tmp, f"{PROGRAM} upgrade --dialect ", folder) == {"sqlite", "postgresql"}


@test
def zsh_function_parses_and_lists_every_command(tmp):
    path = os.path.join(COMPLETIONS, "_" + PROGRAM)
    r = subprocess.run(["zsh", "-n", path], capture_output=True, text=True)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert text.startswith(f"#compdef {PROGRAM}\n")
    block = re.search(r"local -a commands=\((.*?)\n  \)", text, re.S).group(1)
    listed = set(re.findall(r"^    '([a-z-]+):", block, re.M))
    assert listed == help_commands(), listed ^ help_commands()


@test
def completions_list_every_command_of_help(tmp):
    # The command lists written into the bash and fish scripts
    with open(os.path.join(COMPLETIONS, PROGRAM), encoding="utf-8") as f:
        bash = f.read()
    listed = set(re.search(r"__strata_commands='([^']*)'", bash).group(1).split())
    assert listed == help_commands()
    with open(os.path.join(COMPLETIONS, PROGRAM + ".fish"), encoding="utf-8") as f:
        fish = f.read()
    listed = set(re.search(r"set -l __strata_commands (.*)", fish).group(1).split())
    assert listed == help_commands()
    assert set(re.findall(r"-n \$none -a (\S+)", fish)) == help_commands()


if __name__ == "__main__":
    if not STRATA or not COMPLETIONS:
        skip_all("STRATA_CLI or STRATA_COMPLETION_DIR is not set")
    run()
