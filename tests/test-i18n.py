#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The translation pipeline end to end, for the command line: po/de.po is
# complete (every message xgettext finds in po/POTFILES is translated, none
# fuzzy, msgfmt --check clean), and the strata built here speaks German under
# LANGUAGE=de — its --help, an error of the core, a message with a count in
# both plural forms, the warnings about broken migration files, a schema
# difference — while its machine output (--json, --sql, revision ids) is the
# same byte for byte as in the C locale. Run by meson (suite cli)
# with STRATA_CLI, STRATA_SOURCE_DIR and STRATA_LOCALEDIR (the catalogues
# built from po/).
#
# glibc honours LANGUAGE in any locale but C/POSIX: C.UTF-8 is enough, so
# no German locale needs to be generated.

import json
import os
import re
import sqlite3
import subprocess

from tap import run, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
STRATA = os.environ["STRATA_CLI"]
STRATA_GTK = os.environ.get("STRATA_GTK")  # unset in a -Dgui=false build
LOCALEDIR = os.environ["STRATA_LOCALEDIR"]

GERMAN = {"LC_ALL": "C.UTF-8", "LANGUAGE": "de", "STRATA_LOCALEDIR": LOCALEDIR}
ENGLISH = {"LC_ALL": "C.UTF-8", "LANGUAGE": "", "STRATA_LOCALEDIR": LOCALEDIR}

# The keywords and flags of meson's i18n 'glib' preset (po/meson.build)
XGETTEXT_ARGS = ["--from-code=UTF-8", "--add-comments", "--keyword=_", "--keyword=N_",
                 "--keyword=C_:1c,2", "--keyword=NC_:1c,2", "--keyword=g_dcgettext:2",
                 "--keyword=g_dngettext:2,3", "--keyword=g_dpgettext2:2c,3"]


def strata(*args, cwd, env, check=0):
    full_env = dict(os.environ, **env)
    for name in ("STRATA_URL", "DATABASE_URL"):
        full_env.pop(name, None)
    r = subprocess.run([STRATA, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=60)
    if check is not None:
        assert r.returncode == check, (args, r.returncode, r.stdout, r.stderr)
    return r


def new_project(tmp):
    folder = os.path.join(tmp, "proj")
    strata("init", folder, cwd=tmp, env=ENGLISH)
    return folder


def new_database(tmp):
    """A SQLite database that exists (plan reads one, never creates it)"""
    path = os.path.join(tmp, "app.db")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE unrelated (id INTEGER)")
    return "sqlite:///" + path


def add_revision(project, message):
    strata("revision", "-m", message, cwd=project, env=ENGLISH)


def msgids(po_text):
    """{msgctxt\\x04msgid: [msgstr, …]} of a PO file, the header left out"""
    entries = {}
    for block in po_text.split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
            if m:
                key = m.group(1)
                fields[key] = json.loads(m.group(2))
            elif line.startswith('"') and key:
                fields[key] += json.loads(line)
        if fields.get("msgid"):
            ident = (fields["msgctxt"] + "\x04" if "msgctxt" in fields else "") + fields["msgid"]
            entries[ident] = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
    return entries


@test
def german_catalogue_complete(tmp):
    po = os.path.join(SOURCE, "po", "de.po")
    r = subprocess.run(["msgfmt", "--check", "--statistics", "-o", os.devnull, po],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "untranslated" not in r.stderr and "fuzzy" not in r.stderr, r.stderr
    pot = os.path.join(tmp, "strata.pot")
    r = subprocess.run(["xgettext", *XGETTEXT_ARGS, "-D", SOURCE, "-f", os.path.join(SOURCE, "po", "POTFILES"),
                        "-o", pot], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    with open(pot, encoding="utf-8") as f:
        wanted = msgids(f.read())
    with open(po, encoding="utf-8") as f:
        have = msgids(f.read())
    missing = sorted(k for k in wanted if not all(have.get(k, [""])))
    assert not missing, ("po/de.po lacks these messages (update it with `meson compile -C BUILDDIR "
                         "strata-update-po` and translate them):\n" + "\n".join(missing[:40]))


@test
def help_in_german(tmp):
    out = strata("--help", cwd=tmp, env=GERMAN).stdout
    assert "Datenbank-Schemamigrationen für SQLite und PostgreSQL verwalten." in out, out
    assert "Befehle:" in out, out
    assert "Ein Projekt anlegen: strata.ini, migrations/, schema.json" in out, out
    assert "Maschinenlesbare Ausgabe" in out, out
    # a command's own options and the global group
    out = strata("upgrade", "--help-all", cwd=tmp, env=GERMAN).stdout
    assert "Die Datenbank auf TARGET aktualisieren (Vorgabe: head)" in out, out
    assert "Globale Optionen:" in out, out
    # and English without LANGUAGE
    out = strata("--help", cwd=tmp, env=ENGLISH).stdout
    assert "Manage database schema migrations for SQLite and PostgreSQL." in out, out


@test
def app_help_in_german(tmp):
    # the app's command line, set up before GTK starts
    if STRATA_GTK is None:
        return
    r = subprocess.run([STRATA_GTK, "--help"], env=dict(os.environ, **GERMAN), capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r
    assert "strata-gtk [OPTION …] [PROJEKTORDNER …]" in r.stdout, r.stdout
    assert "Die Version ausgeben und beenden" in r.stdout, r.stdout


@test
def errors_in_german(tmp):
    # the core's message (strata-project.c), through the CLI's report
    r = strata("heads", cwd=tmp, env=GERMAN, check=2)
    assert r.stderr == ("strata: Fehler: strata.ini: keine solche Datei; dies ist kein Strata-Projekt "
                        "(legen Sie eines mit „strata init“ an)\n"), r.stderr
    r = strata("frobnicate", cwd=tmp, env=GERMAN, check=2)
    assert "unbekannter Befehl „frobnicate“ (siehe „strata --help“)" in r.stderr, r.stderr
    # --json errors keep their machine fields, the message is the reader's
    r = strata("--json", "heads", cwd=tmp, env=GERMAN, check=2)
    error = json.loads(r.stderr)["error"]
    assert error["exit_status"] == 2 and error["domain"] == "strata-error-quark", error
    assert "kein Strata-Projekt" in error["message"], error


@test
def counts_in_german(tmp):
    project = new_project(tmp)
    db = new_database(tmp)
    add_revision(project, "first")
    r = strata("--url", db, "plan", "head", "-o", "one.json", cwd=project, env=GERMAN)
    assert re.search(r"one\.json geschrieben: 1 Schritt, Hash [0-9a-f]{12};", r.stderr), r.stderr
    add_revision(project, "second")
    r = strata("--url", db, "plan", "head", "-o", "two.json", cwd=project, env=GERMAN)
    assert re.search(r"two\.json geschrieben: 2 Schritte, Hash [0-9a-f]{12};", r.stderr), r.stderr
    r = strata("--url", db, "plan", "head", "-o", "two-en.json", cwd=project, env=ENGLISH)
    assert re.search(r"Wrote two-en\.json: 2 steps, hash [0-9a-f]{12};", r.stderr), r.stderr
    # a count in a 64-bit format (<PRId64> in the catalogue), both forms
    r = strata("--url", db, "upgrade", "+3", "--sql", cwd=project, env=GERMAN, check=2)
    assert r.stderr == "strata: Fehler: Relative Revision +3 ergab nicht 3 Migrationen\n", r.stderr
    r = strata("--url", db, "downgrade", "-1", "--sql", cwd=project, env=GERMAN, check=2)
    assert r.stderr == "strata: Fehler: Relative Revision -1 ergab nicht 1 Migration; nichts ist angewendet\n", \
        r.stderr


@test
def machine_output_untranslated(tmp):
    project = new_project(tmp)
    db = "sqlite:///" + os.path.join(tmp, "app.db")
    add_revision(project, "first")
    add_revision(project, "second")
    for args in (["--json", "heads"], ["--json", "history"], ["heads"], ["history"],
                 ["--url", db, "upgrade", "head", "--sql"],
                 ["--url", db, "--json", "upgrade", "head", "--sql"]):
        german = strata(*args, cwd=project, env=GERMAN).stdout
        english = strata(*args, cwd=project, env=ENGLISH).stdout
        assert german.strip(), args
        if "--json" in args and "--sql" in args:
            # a plan says when it was made
            german, english = json.loads(german), json.loads(english)
            del german["created"], english["created"]
        assert german == english, (args, german, english)
    # a run: its --json result is the same too
    german = json.loads(strata("--url", db, "--json", "upgrade", "head", cwd=project, env=GERMAN).stdout)
    strata("--url", db, "downgrade", "base", cwd=project, env=ENGLISH)
    english = json.loads(strata("--url", db, "--json", "upgrade", "head", cwd=project, env=ENGLISH).stdout)
    assert german == english, (german, english)


@test
def offline_sql_without_database(tmp):
    # upgrade --sql with no database anywhere starts from base: the CLI
    # recognises the core's "no database given" in German too
    project = new_project(tmp)
    ini = os.path.join(project, "strata.ini")
    with open(ini, encoding="utf-8") as f:
        text = re.sub(r"(?m)^url=.*$", "", f.read())
    with open(ini, "w", encoding="utf-8") as f:
        f.write(text)
    add_revision(project, "first")
    args = ("upgrade", "head", "--sql", "--dialect", "sqlite")
    german = strata(*args, cwd=project, env=GERMAN)
    english = strata(*args, cwd=project, env=ENGLISH)
    assert german.stdout == english.stdout and "strata_version" in german.stdout, (german, english)


@test
def broken_migrations_in_german(tmp):
    # the CLI's warnings about files it leaves out, and the core's refusal
    # to plan through them, with the JSON reader's reason, all in German
    project = new_project(tmp)
    db = new_database(tmp)
    add_revision(project, "first")
    with open(os.path.join(project, "migrations", "zz_broken.json"), "w", encoding="utf-8") as f:
        f.write("{ broken")
    r = strata("heads", cwd=project, env=GERMAN)
    assert ("strata: Warnung: eine Migrationsdatei kann nicht gelesen werden, ihre Revision wird ausgelassen: "
            "migrations/zz_broken.json:1:3: unerwartet: „b“, erwartet: ein Schlüssel in doppelten "
            "Anführungszeichen\n") in r.stderr, r.stderr
    r = strata("--url", db, "upgrade", "head", "--sql", cwd=project, env=GERMAN, check=2)
    assert "strata: Fehler: Upgrade auf head nicht möglich: eine Migrationsdatei, die nicht gelesen werden " \
        "kann, enthält womöglich einen Head: migrations/zz_broken.json:1:3:" in r.stderr, r.stderr
    r = strata("--url", db, "upgrade", "head", "--sql", cwd=project, env=ENGLISH, check=2)
    assert "Cannot upgrade to head: a migration file that cannot be read may hold a head" in r.stderr, r.stderr
    # a revision whose file is read but broken
    os.remove(os.path.join(project, "migrations", "zz_broken.json"))
    [name] = [n for n in os.listdir(os.path.join(project, "migrations")) if n.endswith("_first.json")]
    path = os.path.join(project, "migrations", name)
    with open(path, encoding="utf-8") as f:
        script = json.load(f)
    script["upgrade"] = [{"bogus": 1}]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(script, f)
    revision = script["revision"]
    r = strata("--url", db, "upgrade", "head", "--sql", cwd=project, env=GERMAN, check=2)
    assert f"strata: Warnung: Revision {revision} ist defekt: migrations/{name}: upgrade[0]:" in r.stderr, r.stderr
    assert (f"strata: Fehler: Upgrade auf head nicht möglich: es braucht Revision {revision}, die defekt ist: "
            in r.stderr), r.stderr


@test
def differences_in_german(tmp):
    # a column's difference: the core's frame around both schemas' labels
    project = new_project(tmp)
    schema = os.path.join(project, "schema.json")

    def write_schema(column):
        with open(schema, "w", encoding="utf-8") as f:
            json.dump({"tables": [{"table": "t", "columns": [
                {"name": "id", "type": "integer", "primary_key": True}, column]}]}, f)

    write_schema({"name": "a", "type": "integer", "nullable": True, "default": "0"})
    strata("revision", "--autogenerate", "-m", "first", cwd=project, env=ENGLISH)
    heads = strata("heads", cwd=project, env=ENGLISH).stdout.split()[0]
    write_schema({"name": "a", "type": "text", "nullable": False})
    r = strata("check", cwd=project, env=GERMAN, check=3)
    assert (f"Spalte t.a: Typ integer (Revision {heads}), text (schema.json); nullable (Revision {heads}), "
            f"not null (schema.json); Vorgabewert 0 (Revision {heads}), keiner (schema.json)") in r.stdout, r
    r = strata("check", cwd=project, env=ENGLISH, check=3)
    assert (f"column t.a: type integer in revision {heads}, text in schema.json; nullable in revision {heads}, "
            f"not null in schema.json; default 0 in revision {heads}, none in schema.json") in r.stdout, r


if __name__ == "__main__":
    run()
