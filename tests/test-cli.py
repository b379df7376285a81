#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End-to-end tests of the `strata` command line on real SQLite files, and,
# with STRATA_TEST_BACKEND=postgresql (meson's test-cli-postgres, suite
# postgres), the same tests on a fresh database of the throwaway PostgreSQL
# server (STRATA_TEST_PG_URL) per test, passed with --url. Tests about SQLite
# files, or that touch no database, run on SQLite only.
# TAP output; run by meson (suite cli) with STRATA_CLI and STRATA_SOURCE_DIR.

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

STRATA = os.environ.get("STRATA_CLI")
SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
EXAMPLE = os.path.join(SOURCE, "data", "examples", "bookshop")

BACKEND = os.environ.get("STRATA_TEST_BACKEND", "sqlite")
PG = BACKEND == "postgresql"
PG_URL = os.environ.get("STRATA_TEST_PG_URL")

TESTS = []
BOTH = set()


def test(func):
    """A test of SQLite files, or of no database at all."""
    TESTS.append(func)
    return func


def test_both(func):
    """A test that runs on SQLite and on PostgreSQL."""
    TESTS.append(func)
    BOTH.add(func)
    return func


PG_ONLY = set()


def test_pg(func):
    """A test of PostgreSQL alone."""
    TESTS.append(func)
    PG_ONLY.add(func)
    return func


# PostgreSQL: project folder -> URL of its database, made by new_project and
# copy_example; strata("-C", folder, …) then targets it with --url.
PROJECT_URLS = {}
DATABASES = []


def pg_url_for(database):
    base, _, _ = PG_URL.rpartition("/")
    return f"{base}/{database}"


def pg_connect(url):
    import psycopg2
    con = psycopg2.connect(url)
    con.autocommit = True
    return con


def create_pg_database(folder):
    name = f"strata_cli_{os.getpid()}_{len(DATABASES)}_{int(time.time() * 1000) % 100000}"
    con = pg_connect(PG_URL)
    try:
        con.cursor().execute(f'CREATE DATABASE "{name}"')
    finally:
        con.close()
    DATABASES.append(name)
    PROJECT_URLS[os.path.realpath(folder)] = pg_url_for(name)
    return pg_url_for(name)


def drop_pg_databases():
    if not DATABASES:
        return
    con = pg_connect(PG_URL)
    try:
        for name in DATABASES:
            con.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        con.close()
    DATABASES.clear()
    PROJECT_URLS.clear()


def url_of(db):
    """The URL of the database a test names by its SQLite path."""
    return PROJECT_URLS[os.path.realpath(os.path.dirname(db))]


class Result:
    def __init__(self, proc):
        self.status = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def __repr__(self):
        return f"<exit {self.status}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def strata(*args, cwd=None, env=None, check=None, timeout=60, stdin=None):
    full_env = dict(os.environ)
    for var in ("STRATA_URL", "DATABASE_URL"):
        full_env.pop(var, None)
    if env:
        full_env.update(env)
    args = list(args)
    if PG and len(args) >= 2 and args[0] == "-C" and "--url" not in args:
        url = PROJECT_URLS.get(os.path.realpath(args[1]))
        if url:
            args[2:2] = ["--url", url]
    proc = subprocess.run([STRATA, *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL if stdin is None else stdin)
    result = Result(proc)
    if check is not None:
        password = os.environ.get("STRATA_TEST_PG_PASSWORD")
        message = f"expected exit {check}: {args}\n{result!r}"
        assert result.status == check, message.replace(password, "***") if password else message
    return result


def one_error_line(result):
    # Progress lines ("[2/4] Running upgrade …", "strata: waiting: … is locked
    # by another connection …") may come first; the error is one line.
    lines = [l for l in result.err.splitlines()
             if l.strip() and not l.startswith("[") and not l.startswith("strata: waiting: ")
             and not l.startswith("strata: warning: ")]
    assert len(lines) == 1, f"expected one error line, got:\n{result.err}"
    assert lines[0].startswith("strata: error: "), lines[0]
    return lines[0]


def copy_example(tmp):
    dest = os.path.join(tmp, "bookshop")
    shutil.copytree(EXAMPLE, dest, ignore=shutil.ignore_patterns("*.db", "*.db-journal", ".env"))
    if PG:
        create_pg_database(dest)
    return dest


def db_rows(path, sql):
    if PG:
        con = pg_connect(url_of(path))
        try:
            cur = con.cursor()
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        finally:
            con.close()
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def db_exec(path, sql):
    if PG:
        db_rows(path, sql)
        return
    con = sqlite3.connect(path)
    try:
        con.execute(sql)
        con.commit()
    finally:
        con.close()


def versions(path, table="strata_version"):
    return sorted(r[0] for r in db_rows(path, f"SELECT version_num FROM {table}"))


def tables(path):
    if PG:
        return sorted(r[0] for r in db_rows(path, "SELECT table_name FROM information_schema.tables "
                                                  "WHERE table_schema = 'public'"))
    return sorted(r[0] for r in db_rows(path, "SELECT name FROM sqlite_master WHERE type IN ('table','view') "
                                              "AND name NOT LIKE 'sqlite_%'"))


def columns(path, table):
    if PG:
        return [r[0] for r in db_rows(path, "SELECT column_name FROM information_schema.columns "
                                            f"WHERE table_schema = 'public' AND table_name = '{table}'")]
    return [c[1] for c in db_rows(path, f"PRAGMA table_info({table})")]


def sqlite_file_exists(path):
    """False on PostgreSQL, where there is no file to look at."""
    return not PG and os.path.exists(path)


def write_revision(project, rev, down, upgrade, downgrade=None, **extra):
    doc = {"revision": rev, "down_revision": down, "message": extra.pop("message", f"revision {rev}"),
           "upgrade": upgrade}
    if downgrade is not None:
        doc["downgrade"] = downgrade
    doc.update(extra)
    path = os.path.join(project, "migrations", f"{rev}_{rev}.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=2)
    return path


def sql_op(sql, reverse=None):
    op = {"op": "sql", "sql": sql}
    if reverse is not None:
        op["reverse"] = reverse
    return op


def new_project(tmp, name="proj"):
    path = os.path.join(tmp, name)
    strata("init", path, check=0)
    if PG:
        create_pg_database(path)
    return path


HEAD = "8b4e0f6a2c18"
ALL_TABLES = ["author", "book", "book_summary", "cart", "cart_item", "strata_history", "strata_version"]

# --- basics ------------------------------------------------------------------


@test
def version_and_help(tmp):
    r = strata("--version", check=0)
    assert r.out.startswith("strata "), r
    r = strata("--help", check=0)
    for cmd in ("init", "revision", "merge", "upgrade", "downgrade", "current", "heads", "branches",
                "history", "show", "stamp"):
        assert cmd in r.out, cmd
    r = strata("upgrade", "--help", check=0)
    assert "--sql" in r.out


@test
def usage_errors_exit_2(tmp):
    r = strata(check=2)
    r = strata("frobnicate", check=2)
    assert "frobnicate" in one_error_line(r)
    r = strata("--bogus", check=2)
    one_error_line(r)
    r = strata("-C", tmp, "heads", check=2)
    assert "strata.ini" in one_error_line(r)


@test
def init_creates_project(tmp):
    path = os.path.join(tmp, "p")
    strata("init", path, check=0)
    for name in ("strata.ini", "schema.json", "migrations"):
        assert os.path.exists(os.path.join(path, name)), name
    ini = open(os.path.join(path, "strata.ini")).read()
    assert "version-table=strata_version" in ini and ini.count("#") > 5
    assert json.load(open(os.path.join(path, "schema.json"))) == {"tables": []}
    r = strata("init", path, check=2)
    assert "already exists" in one_error_line(r)
    # -C DIR init with no argument
    other = os.path.join(tmp, "q")
    os.mkdir(other)
    strata("-C", other, "init", check=0)
    assert os.path.exists(os.path.join(other, "strata.ini"))


@test
def revision_chain_and_files(tmp):
    p = new_project(tmp)
    r1 = strata("-C", p, "--json", "revision", "-m", "create account table", check=0)
    first = json.loads(r1.out)
    assert len(first["revision"]) == 12 and all(c in "0123456789abcdef" for c in first["revision"])
    assert first["path"].endswith(first["revision"] + "_create_account_table.json"), first
    doc = json.load(open(os.path.join(p, "migrations", os.path.basename(first["path"]))))
    assert doc["revision"] == first["revision"] and doc["down_revision"] is None
    r2 = strata("-C", p, "--json", "revision", "-m", "second", "--rev-id", "second_rev", check=0)
    doc = json.load(open(os.path.join(p, "migrations", "second_rev_second.json")))
    assert doc["down_revision"] == first["revision"]
    r = strata("-C", p, "heads", check=0)
    assert r.out.strip() == "second_rev (head)", r
    r = strata("-C", p, "revision", "-m", "dup", "--rev-id", "second_rev", check=2)
    assert "already exists" in one_error_line(r)
    r = strata("-C", p, "revision", "-m", "bad", "--rev-id", "no-dashes!", check=2)
    one_error_line(r)
    r = strata("-C", p, "revision", check=2)
    assert "-m" in one_error_line(r)


@test
def source_date_epoch_sets_created(tmp):
    # Reproducible files: the same input and SOURCE_DATE_EPOCH, the same bytes
    p = new_project(tmp)
    env = {"SOURCE_DATE_EPOCH": "1800000000"}
    strata("-C", p, "revision", "-m", "a", "--rev-id", "aaaa1", env=env, check=0)
    path = os.path.join(p, "migrations", "aaaa1_a.json")
    doc = json.load(open(path))
    assert doc["created"] == "2027-01-15T08:00:00Z", doc
    first = open(path, "rb").read()
    os.unlink(path)
    strata("-C", p, "revision", "-m", "a", "--rev-id", "aaaa1", env=env, check=0)
    assert open(path, "rb").read() == first
    # Without it, now
    strata("-C", p, "revision", "-m", "b", "--rev-id", "bbbb2", check=0)
    doc = json.load(open(os.path.join(p, "migrations", "bbbb2_b.json")))
    assert not doc["created"].startswith("2027-01-15"), doc


@test
def branches_labels_merge_splice(tmp):
    p = new_project(tmp)
    strata("-C", p, "revision", "-m", "a", "--rev-id", "aaaa1", check=0)
    strata("-C", p, "revision", "-m", "b", "--rev-id", "bbbb2", check=0)
    # a second branch from aaaa1 needs --splice
    r = strata("-C", p, "revision", "-m", "c", "--rev-id", "cccc3", "--head", "aaaa1", check=2)
    assert "--splice" in one_error_line(r)
    strata("-C", p, "revision", "-m", "c", "--rev-id", "cccc3", "--head", "aaaa1", "--splice",
           "--branch-label", "feature", check=0)
    r = strata("-C", p, "heads", check=0)
    assert r.out.splitlines() == ["bbbb2 (head)", "cccc3 (feature) (head)"], r
    r = strata("-C", p, "revision", "-m", "d", check=2)
    assert "multiple heads" in one_error_line(r)
    strata("-C", p, "revision", "-m", "d", "--rev-id", "dddd4", "--head", "feature@head", check=0)
    r = strata("-C", p, "branches", check=0)
    assert "aaaa1" in r.out and "(branchpoint)" in r.out and "bbbb2" in r.out and "cccc3" in r.out, r
    # a new base with its own label
    strata("-C", p, "revision", "-m", "other base", "--rev-id", "eeee5", "--head", "base",
           "--branch-label", "other", check=0)
    strata("-C", p, "revision", "-m", "needs other", "--rev-id", "ffff6", "--head", "bbbb2",
           "--depends-on", "other", check=0)
    doc = json.load(open(os.path.join(p, "migrations", "ffff6_needs_other.json")))
    assert doc["depends_on"] == ["other"], doc
    # As in Alembic, "heads" as a target leaves out eeee5: ffff6 depends on it.
    r = strata("-C", p, "--json", "merge", "-m", "merge all", "--rev-id", "gggg7", "heads", check=0)
    doc = json.load(open(os.path.join(p, "migrations", "gggg7_merge_all.json")))
    assert sorted(doc["down_revision"]) == ["dddd4", "ffff6"], doc
    strata("-C", p, "merge", "-m", "merge other", "--rev-id", "hhhh8", "gggg7", "eeee5", check=0)
    r = strata("-C", p, "heads", check=0)
    line = r.out.strip()
    assert line.startswith("hhhh8 (") and "other" in line and line.endswith("(head) (mergepoint)"), r
    r = strata("-C", p, "merge", "-m", "nothing", "heads", check=2)
    one_error_line(r)


# --- upgrade / downgrade on the example ----------------------------------------


@test_both
def example_upgrade_head(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    r = strata("-C", p, "upgrade", "head", check=0)
    assert "Running upgrade <base> -> 1a0e6c2d9b41" in r.err, r
    assert versions(db) == [HEAD]
    assert tables(db) == ALL_TABLES, tables(db)
    assert db_rows(db, "SELECT count(*) FROM book") == [(3,)]
    assert db_rows(db, "SELECT title FROM book_summary ORDER BY id") == [("The Dispossessed",), ("Invisible Cities",)]
    hist = db_rows(db, "SELECT revision, direction, outcome FROM strata_history ORDER BY id")
    assert len(hist) == 8 and all(h[1] == "up" and h[2] == "success" for h in hist), hist
    r = strata("-C", p, "upgrade", check=0)
    assert "Nothing to do" in r.err, r
    r = strata("-C", p, "current", check=0)
    assert r.out.strip() == f"{HEAD} (head)", r
    r = strata("-C", p, "--json", "current", check=0)
    assert [x["revision"] for x in json.loads(r.out)] == [HEAD]


# --- the state cache: a no-op upgrade of an unchanged SQLite file ------------


def state_env(tmp):
    # Its own cache; the SQLite driver says when it opens a file.
    return {"XDG_CACHE_HOME": os.path.join(tmp, "cache"), "G_MESSAGES_DEBUG": "strata-driver-sqlite"}


def opened(result, db):
    # GLib writes debug messages to stdout.
    return f"opening {db}" in result.out + result.err


def state_project(tmp):
    """r1 -> r2 -> r3, upgraded to r3; a backup of the file at r2."""
    p = new_project(tmp)
    db = os.path.join(p, "app.db")
    prev = None
    for rev in ("r1", "r2", "r3"):
        write_revision(p, rev, prev, [sql_op(f"CREATE TABLE IF NOT EXISTS t_{rev} (id integer)")],
                       [sql_op(f"DROP TABLE t_{rev}")])
        prev = rev
    env = state_env(tmp)
    strata("-C", p, "upgrade", "r2", env=env, check=0)
    shutil.copyfile(db, os.path.join(tmp, "backup.db"))
    strata("-C", p, "upgrade", "head", env=env, check=0)
    assert versions(db) == ["r3"]
    # Recorded by the run: the next no-op upgrade does not open the file.
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err, r
    assert not opened(r, db), r
    r = strata("-C", p, "-v", "upgrade", env=env, check=0)
    assert "not opened" in r.err and not opened(r, db), r
    return p, db, env


@test
def noop_upgrade_does_not_open_an_unchanged_file(tmp):
    p, db, env = state_project(tmp)
    # The control: without its cache, the same command opens the file and
    # records what it read, so the one after does not.
    shutil.rmtree(env["XDG_CACHE_HOME"])
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err and opened(r, db), r
    r = strata("-C", p, "--json", "upgrade", env=env, check=0)
    assert json.loads(r.out)["heads"] == ["r3"] and not opened(r, db), r
    # A corrupt or foreign cache file is ignored, then rewritten.
    state = os.path.join(env["XDG_CACHE_HOME"], "strata", "state")
    for name in os.listdir(state):
        with open(os.path.join(state, name), "r+") as f:
            text = f.read()
            f.seek(0)
            f.write(text.replace("head r3", "head r1"))
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err and opened(r, db), r
    for name in os.listdir(state):
        with open(os.path.join(state, name), "w") as f:
            f.write("strata-state 1\nnot this\n")
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err and opened(r, db), r
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert not opened(r, db), r
    # A target that is applied already: nothing to do either (Alembic's meaning).
    r = strata("-C", p, "upgrade", "r1", env=env, check=0)
    assert not opened(r, db) and "r1 is already applied" in r.err, r


def set_version(db, rev):
    con = sqlite3.connect(db)
    try:
        con.execute("DELETE FROM strata_version")
        if rev is not None:
            con.execute("INSERT INTO strata_version VALUES (?)", (rev,))
        con.commit()
    finally:
        con.close()


@test
def noop_upgrade_reads_a_changed_file(tmp):
    def row_changed(p, db):
        set_version(db, "r2")

    def older_copy(p, db):
        # Same inode, the backup's mtime kept.
        shutil.copy2(os.path.join(os.path.dirname(p), "backup.db"), db)

    def table_emptied(p, db):
        set_version(db, None)

    def wal(p, db):
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
        con.close()
        assert not os.path.exists(db + "-wal")
        set_version(db, "r2")

    # (change, what the upgrade must then run, or None for nothing)
    cases = [(row_changed, "r2 -> r3"), (older_copy, "r2 -> r3"), (table_emptied, "<base> -> r1"),
             (wal, "r2 -> r3")]
    for change, expected in cases:
        case_tmp = os.path.join(tmp, change.__name__)
        os.mkdir(case_tmp)
        p, db, env = state_project(case_tmp)
        change(p, db)
        r = strata("-C", p, "upgrade", env=env, check=0)
        assert opened(r, db), (change.__name__, r)
        assert f"Running upgrade {expected}" in r.err and "Done: the database is at r3" in r.err, \
            (change.__name__, r)
        assert versions(db) == ["r3"], change.__name__
        r = strata("-C", p, "upgrade", env=env, check=0)
        assert "Nothing to do: the database is at r3" in r.err, (change.__name__, r)
        # Nothing is recorded for a file in WAL mode.
        assert opened(r, db) == (change is wal), (change.__name__, r)

    # A -journal file beside the database: a writer under way or a crashed
    # one's hot journal. The file alone does not say; it is opened.
    journal_tmp = os.path.join(tmp, "journal")
    os.mkdir(journal_tmp)
    p, db, env = state_project(journal_tmp)
    open(db + "-journal", "w").close()
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err and opened(r, db), r
    os.unlink(db + "-journal")
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert not opened(r, db), r

    # Another version table has its own state: here none at all.
    r = strata("-C", p, "--version-table", "other_version", "upgrade", env=env, check=0)
    assert opened(r, db) and "Running upgrade <base> -> r1" in r.err, r
    assert versions(db, "other_version") == ["r3"]
    r = strata("-C", p, "--version-table", "other_version", "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err and not opened(r, db), r
    # That run changed the file: the default table's record is stale.
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert "Nothing to do: the database is at r3" in r.err and opened(r, db), r
    set_version(db, "r1")
    r = strata("-C", p, "upgrade", env=env, check=0)
    assert opened(r, db) and "Running upgrade r1 -> r2" in r.err, r


@test
def sqlite_runs_load_neither_libpq_nor_libsecret(tmp):
    # They are loaded on first use: a SQLite run must not pay for them and
    # the twenty libraries they bring. The dynamic linker lists every file
    # it loads, linked or dlopen()ed, with LD_DEBUG=files.
    p = copy_example(tmp)
    for args in (("upgrade", "head"), ("history",), ("heads",)):
        r = strata("-C", p, *args, env={"LD_DEBUG": "files"}, check=0)
        loaded = [l for l in r.err.splitlines() if "file=" in l]
        assert any("libsqlite3" in l for l in loaded), r.err[:2000]
        assert not any("libpq" in l or "libsecret" in l for l in loaded), "\n".join(loaded)


@test_both
def example_history_marks_current(tmp):
    p = copy_example(tmp)
    r = strata("-C", p, "history", check=0)
    lines = r.out.splitlines()
    assert len(lines) == 8, r
    assert lines[0].startswith(f"7a3d9e5f1b07 -> {HEAD} (shoppingcart) (head), book summary view"), lines[0]
    assert any(l.startswith("(5e1b7c3d9f85, 6f2c8d4e0a96) -> 7a3d9e5f1b07 (shoppingcart) (mergepoint)") for l in lines), lines
    assert any("3c4d1f9e7a63 (branchpoint)" in l for l in lines), lines
    assert lines[-1].startswith("<base> -> 1a0e6c2d9b41, create author table"), lines
    assert "(current)" not in r.out
    assert not sqlite_file_exists(os.path.join(p, "bookshop.db")), "history must not create the database"
    strata("-C", p, "upgrade", "5e1b7c3d9f85", check=0)
    r = strata("-C", p, "history", check=0)
    assert "(current)" not in r.out, "history connects only with --indicate-current"
    r = strata("-C", p, "history", "--indicate-current", check=0)
    cur = [l for l in r.out.splitlines() if "(current)" in l]
    assert len(cur) == 1 and "5e1b7c3d9f85" in cur[0], r
    r = strata("-C", p, "history", "-r", "2b7f:4d9a", check=0)
    revs = [l.split(" -> ")[1].split()[0].rstrip(",") for l in r.out.splitlines()]
    assert revs == ["4d9a2b6c8e74", "3c4d1f9e7a63", "2b7f3e8a0c52"], r
    r = strata("-C", p, "-v", "history", "-r", "4d9a:4d9a", check=0)
    assert "Rev: 4d9a2b6c8e74" in r.out and "Branch names: shoppingcart" in r.out, r
    r = strata("-C", p, "--json", "history", check=0)
    data = json.loads(r.out)
    assert len(data) == 8 and data[0]["revision"] == HEAD and data[0]["is_head"]


@test_both
def example_depends_on_and_labels(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    # 5e1b depends on 6f2c (the other branch): both get applied, not the merge;
    # as in Alembic, the dependency's row merges into 5e1b's.
    strata("-C", p, "upgrade", "5e1b", check=0)
    assert versions(db) == ["5e1b7c3d9f85"], versions(db)
    assert "6f2c8d4e0a96" in "".join(r[0] for r in db_rows(db, "SELECT revision FROM strata_history"))
    assert "isbn" in columns(db, "book")
    strata("-C", p, "upgrade", "heads", check=0)
    assert versions(db) == [HEAD]
    # downgrading the dependency removes what depends on it
    strata("-C", p, "downgrade", "3c4d1f9e7a63", check=0)
    assert versions(db) == ["3c4d1f9e7a63"], versions(db)
    assert tables(db) == ["author", "book", "strata_history", "strata_version"], tables(db)
    assert db_rows(db, "SELECT count(*) FROM book") == [(3,)]


@test_both
def example_relative_steps(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "upgrade", "+2", check=0)
    assert versions(db) == ["2b7f3e8a0c52"]
    strata("-C", p, "upgrade", "+1", check=0)
    assert versions(db) == ["3c4d1f9e7a63"]
    strata("-C", p, "downgrade", "-1", check=0)
    assert versions(db) == ["2b7f3e8a0c52"]
    strata("-C", p, "upgrade", "1a0e6c2d9b41+2", check=0)
    assert versions(db) == ["3c4d1f9e7a63"]
    strata("-C", p, "downgrade", "base", check=0)
    assert versions(db) == []
    assert tables(db) == ["strata_history", "strata_version"], tables(db)
    r = strata("-C", p, "downgrade", "-1", check=2)
    one_error_line(r)


@test_both
def example_full_round_trip(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "upgrade", "head", check=0)
    r = strata("-C", p, "downgrade", "base", check=0)
    assert versions(db) == [] and tables(db) == ["strata_history", "strata_version"]
    strata("-C", p, "upgrade", "head", check=0)
    assert versions(db) == [HEAD] and tables(db) == ALL_TABLES
    hist = db_rows(db, "SELECT direction, count(*) FROM strata_history GROUP BY direction ORDER BY direction")
    assert hist == [("down", 8), ("up", 16)], hist


@test
def show_revision(tmp):
    p = copy_example(tmp)
    r = strata("-C", p, "show", "2b7f", check=0)
    assert "Rev: 2b7f3e8a0c52" in r.out and "create book table" in r.out and "Checksum: " in r.out, r
    r = strata("-C", p, "--json", "show", "shoppingcart", check=0)
    assert json.loads(r.out)[0]["revision"] == "4d9a2b6c8e74"
    r = strata("-C", p, "show", "zzzz", check=2)
    assert "zzzz" in one_error_line(r)


@test
def target_errors(tmp):
    p = copy_example(tmp)
    r = strata("-C", p, "upgrade", "deadbeef", check=2)
    assert "deadbeef" in one_error_line(r)
    # ambiguous prefix: two revisions... none share 4 chars here, so make one
    write_revision(p, "8b4e0f6a2c99", HEAD, [sql_op("SELECT 1")], [])
    r = strata("-C", p, "upgrade", "8b4e", check=2)
    assert "8b4e" in one_error_line(r)
    os.unlink(os.path.join(p, "migrations", "8b4e0f6a2c99_8b4e0f6a2c99.json"))
    write_revision(p, "9side", "3c4d1f9e7a63", [sql_op("SELECT 1")], [])
    r = strata("-C", p, "upgrade", "head", check=2)
    line = one_error_line(r)
    assert "head" in line and "heads" in line, line
    r = strata("-C", p, "upgrade", "heads", check=0)


@test_both
def stamp_and_purge(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "stamp", "head", check=0)
    assert versions(db) == [HEAD]
    assert tables(db) == ["strata_history", "strata_version"], "stamp must not run migrations"
    assert db_rows(db, "SELECT direction FROM strata_history") != []
    strata("-C", p, "stamp", "3c4d1f9e7a63", check=0)
    assert versions(db) == ["3c4d1f9e7a63"]
    db_exec(db, "INSERT INTO strata_version VALUES ('ffffffffffff')")
    r = strata("-C", p, "stamp", "head", check=2)
    assert "ffffffffffff" in one_error_line(r)
    strata("-C", p, "stamp", "--purge", "base", check=0)
    assert versions(db) == []


@test
def offline_sql(tmp):
    p = copy_example(tmp)
    r = strata("-C", p, "upgrade", "--sql", check=0)
    assert "CREATE TABLE" in r.out and "strata_version" in r.out and "BEGIN" in r.out, r
    assert not os.path.exists(os.path.join(p, "bookshop.db")), "--sql must not connect"
    # the SQL runs on a fresh SQLite database and yields the same schema
    offline_db = os.path.join(tmp, "offline.db")
    con = sqlite3.connect(offline_db)
    con.executescript(r.out)
    con.close()
    assert versions(offline_db) == [HEAD]
    assert set(tables(offline_db)) >= {"author", "book", "cart", "cart_item", "book_summary"}
    r = strata("-C", p, "upgrade", "--sql", "--dialect", "postgresql", "3c4d1f9e7a63", check=0)
    assert "GENERATED" in r.out or "SERIAL" in r.out.upper(), r.out
    r = strata("-C", p, "downgrade", "--sql", f"{HEAD}:3c4d1f9e7a63", check=0)
    assert "DROP VIEW book_summary" in r.out and "DELETE FROM" in r.out, r
    # Without FROM, downgrade --sql starts from the database: none yet, so
    # there is nothing to undo; once upgraded, the script undoes it all.
    r = strata("-C", p, "downgrade", "--sql", "base", check=0)
    assert "DROP" not in r.out, r
    strata("-C", p, "upgrade", "head", check=0)
    r = strata("-C", p, "downgrade", "--sql", "base", check=0)
    assert "DROP TABLE" in r.out and "DROP VIEW book_summary" in r.out, r


# --- hostile or wrong input (issue 13) -----------------------------------------


@test_both
def type_is_a_grammar_not_sql(tmp):
    """A type that hides a statement is refused when the file is read: exit 2,
    one line naming the file and the column, and nothing runs (item 9)."""
    proj = new_project(tmp)
    db = os.path.join(proj, "app.db")
    write_revision(proj, "a1", None, [{"op": "create_table", "table": "t2",
                                       "columns": [{"name": "id", "type": "integer"}]}])
    strata("-C", proj, "upgrade", check=0)
    bad = write_revision(proj, "b2", "a1", [{"op": "create_table", "table": "t1",
                                             "columns": [{"name": "evil", "type": "integer; DROP TABLE t2"}]}])
    for args in (("upgrade",), ("upgrade", "--sql"), ("lint",)):
        r = strata("-C", proj, *args, check=2)
        line = one_error_line(r)
        assert "b2_b2.json" in line and '"evil"' in line and "is not a type name" in line, line
    # history needs no operation: it works, and names the broken file (issue 14)
    r = strata("-C", proj, "history", check=0)
    assert "revision b2 is broken: migrations/b2_b2.json" in r.err and "is not a type name" in r.err, r
    assert "t2" in tables(db), tables(db)
    assert versions(db) == ["a1"]
    os.unlink(bad)

    # Per-dialect names follow the same grammar.
    write_revision(proj, "b2", "a1", [{"op": "create_table", "table": "t1", "columns": [
        {"name": "x", "type": {"sqlite": "integer", "postgresql": "int; DROP TABLE t2"}}]}])
    r = strata("-C", proj, "upgrade", check=2)
    assert "is not a type name" in one_error_line(r), r
    assert "t2" in tables(db)

    # What the grammar takes: portable names, parameters, multi-word types, arrays.
    types = ["varchar(20)", "numeric(10, 2)", "double precision", "timestamp with time zone",
             "character varying(20)", "bit varying(8)"]
    if PG:
        types += ["integer[]", "text[][]", "pg_catalog.int4", "interval day to second", "timestamp(3) without time zone"]
    write_revision(proj, "b2", "a1", [{"op": "create_table", "table": "t1", "columns": [
        {"name": f"c{i}", "type": t} for i, t in enumerate(types)]}])
    strata("-C", proj, "upgrade", check=0)
    assert versions(db) == ["b2"]


@test
def lint_flags_statements_in_expressions(tmp):
    """default, where and check expressions stay SQL, but one that hides a
    second statement is a lint error (item 9)."""
    proj = new_project(tmp)
    write_revision(proj, "a1", None, [
        {"op": "create_table", "table": "t2", "columns": [{"name": "id", "type": "integer"}]},
        {"op": "create_table", "table": "t1", "columns": [
            {"name": "id", "type": "integer"},
            {"name": "note", "type": "text", "default": "'a;b'"},
            {"name": "n", "type": "integer", "default": "0); DROP TABLE t2; --"},
            {"name": "body", "type": "text", "default": "$$x; y$$"}],
         "checks": [{"name": "ck_t1_id", "expression": "id > 0; DELETE FROM t2"}],
         "indexes": [{"name": "ix_t1_id", "columns": ["id"], "where": "id > 0 -- ok"}]}])
    r = strata("-C", proj, "lint", check=3)
    assert "lint found destructive" in r.err, r
    assert "may hide a second statement" in r.out, r
    out = r.out + r.err
    assert "ck_t1_id" in out and "t1.n" in out, r
    assert "t1.note" not in out, r
    # A dollar quote is PostgreSQL's: SQLite would end the statement there.
    assert "t1.body may hide a second statement when read by SQLite" in out, r


@test
def unreadable_migration_files_named(tmp):
    """A dangling symlink, a FIFO, a directory or an unreadable *.json in
    migrations/ is named, never skipped (item 12): a broken revision of
    unknown place (issue 14), so an upgrade to head is refused (exit 2)."""
    proj = new_project(tmp)
    write_revision(proj, "a1", None, [{"op": "create_table", "table": "t1",
                                       "columns": [{"name": "id", "type": "integer"}]}])
    migrations = os.path.join(proj, "migrations")
    strata("-C", proj, "history", check=0)
    cases = [("b2_dangling.json", lambda p: os.symlink("nowhere.json", p), "dangling link"),
             ("b2_fifo.json", os.mkfifo, "a FIFO"),
             ("b2_dir.json", os.mkdir, "a directory"),
             ("b2_loop.json", lambda p: os.symlink(os.path.basename(p), p), "symbolic links")]
    if os.geteuid() != 0:
        def unreadable(p):
            with open(p, "w") as f:
                f.write("{}")
            os.chmod(p, 0)
        cases.append(("b2_secret.json", unreadable, "Permission denied"))
    for name, make, words in cases:
        path = os.path.join(migrations, name)
        make(path)
        try:
            # Never skipped: history and heads name it (issue 14), and an
            # upgrade to head, which it may be, is refused naming it
            for args in (("history",), ("heads",)):
                r = strata("-C", proj, *args, check=0, timeout=20)
                assert f"strata: warning: a migration file cannot be read, its revision is left out: " \
                       f"migrations/{name}: cannot read this migration file: " in r.err and words in r.err, r
            r = strata("-C", proj, "upgrade", check=2, timeout=20)
            line = one_error_line(r)
            assert name in line and words in line and "may hold a head" in line, line
            strata("-C", proj, "upgrade", "a1", check=0, timeout=20)
        finally:
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
            else:
                os.unlink(path)
    strata("-C", proj, "history", check=0)


@test
def sqlite_read_only_folder_or_file(tmp):
    """A read-only folder is told apart from a read-only file (item 14)."""
    proj = new_project(tmp)
    write_revision(proj, "a1", None, [{"op": "create_table", "table": "t1",
                                       "columns": [{"name": "id", "type": "integer"}]}])
    folder = os.path.join(tmp, "data")
    os.mkdir(folder)
    db = os.path.join(folder, "app.db")
    sqlite3.connect(db).execute("CREATE TABLE z (a)").connection.commit()
    url = "sqlite:///" + db

    def read_only(path, on):
        # root ignores permissions, not the immutable flag
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i" if on else "-i", path], check=True)
        else:
            os.chmod(path, (0o555 if os.path.isdir(path) else 0o444) if on else 0o755)

    for path, words in ((folder, "the folder " + folder + " is read-only"),
                        (db, "the file " + db + " is read-only")):
        read_only(path, True)
        try:
            r = strata("-C", proj, "--url", url, "upgrade", check=1)
            line = one_error_line(r)
            assert words in line, line
            if path == folder:
                assert "journal" in line, line
        finally:
            read_only(path, False)
    read_only(folder, True)
    try:
        r = strata("-C", proj, "--url", "sqlite:///" + os.path.join(folder, "new.db"), "upgrade", check=1)
        line = one_error_line(r)
        assert "the folder " + folder + " is read-only" in line and "cannot be created" in line, line
    finally:
        read_only(folder, False)
    strata("-C", proj, "--url", url, "upgrade", check=0)


@test
def sqlite_damaged_header_quick_check(tmp):
    """A database whose header says it is damaged (a truncated copy) gets a
    quick_check and a clear refusal before anything runs (item 14)."""
    proj = new_project(tmp)
    write_revision(proj, "a1", None, [{"op": "create_table", "table": "t1",
                                       "columns": [{"name": "id", "type": "integer"}]}])
    db = os.path.join(tmp, "big.db")
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE b (x)")
    con.executemany("INSERT INTO b VALUES (?)", [("x" * 500,)] * 2000)
    con.commit()
    con.close()
    size = os.path.getsize(db)
    with open(db, "r+b") as f:
        f.truncate(size // 4)
    before = open(db, "rb").read()
    for args in (("upgrade",), ("current",)):
        r = strata("-C", proj, "--url", "sqlite:///" + db, *args, check=1)
        line = one_error_line(r)
        assert "big.db is damaged" in line and "quick_check" in line and ".recover" in line, line
    assert open(db, "rb").read() == before, "the damaged file was changed"


@test
def no_core_dump_while_holding_passwords(tmp):
    """The CLI makes itself undumpable before it can hold a password, and
    says so in its debug output, read back from PR_GET_DUMPABLE (item 3)."""
    proj = new_project(tmp)
    env = {"G_MESSAGES_DEBUG": "strata-cli", "PGCONNECT_TIMEOUT": "2"}
    url = "postgresql://app:S3cretPw@127.0.0.1:1/app"
    r = strata("-C", proj, "--url", url, "current", env=env, check=1)
    shown = r.out + r.err  # GLib writes debug messages to stdout
    assert "core dumps are off" in shown and "PR_GET_DUMPABLE is 0" in shown, r
    assert "S3cretPw" not in r.err + r.out, r
    r = strata("-C", proj, "--url", url, "current", env={**env, "STRATA_ALLOW_CORE_DUMPS": "1"}, check=1)
    assert "core dumps are off" not in r.out + r.err, r


@test_both
def names_are_exact(tmp):
    """add_column on "T1" when the table is t1 fails on both engines the same
    way, naming the revision, the operation and both names (item 10)."""
    proj = new_project(tmp)
    db = os.path.join(proj, "app.db")
    write_revision(proj, "a1", None, [{"op": "create_table", "table": "t1",
                                       "columns": [{"name": "id", "type": "integer"}]}])
    strata("-C", proj, "upgrade", check=0)
    write_revision(proj, "b2", "a1", [{"op": "add_column", "table": "T1",
                                       "column": {"name": "x", "type": "text"}}])
    for args in (("upgrade",), ("upgrade", "--sql")):
        r = strata("-C", proj, *args, check=2)
        line = one_error_line(r)
        for words in ("revision b2", "add_column", "“T1”", "“t1”", "names are exact"):
            assert words in line, line
    assert columns(db, "t1") == ["id"], columns(db, "t1")
    assert versions(db) == ["a1"]

    # A column too.
    write_revision(proj, "b2", "a1", [{"op": "drop_column", "table": "t1", "column": "ID"}])
    line = one_error_line(strata("-C", proj, "upgrade", check=2))
    assert "column “ID”" in line and "“id”" in line, line
    assert columns(db, "t1") == ["id"]


# --- failure and recovery ------------------------------------------------------


@test_both
def failure_mid_upgrade_keeps_last_good(tmp):
    p = new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "r1", None, [sql_op("CREATE TABLE one (id integer)", "DROP TABLE one")])
    write_revision(p, "r2", "r1", [sql_op("CREATE TABLE two (id integer); INSERT INTO two VALUES (1)",
                                          "DROP TABLE two")])
    write_revision(p, "r3", "r2", [sql_op("CREATE TABLE three (id integer)"),
                                   sql_op("INSERT INTO nowhere VALUES (1)")], [])
    write_revision(p, "r4", "r3", [sql_op("CREATE TABLE four (id integer)")], [])
    r = strata("-C", p, "upgrade", check=1)
    line = one_error_line(r) if r.err.count("strata: error") else ""
    assert "r3" in r.err and "nowhere" in r.err, r
    assert versions(db) == ["r2"]
    assert tables(db) == ["one", "strata_history", "strata_version", "two"], tables(db)
    outcomes = db_rows(db, "SELECT revision, outcome FROM strata_history ORDER BY id")
    assert outcomes[-1] == ("r3", "failed"), outcomes
    # fix the file; the next run completes
    write_revision(p, "r3", "r2", [sql_op("CREATE TABLE three (id integer)")], [])
    strata("-C", p, "upgrade", check=0)
    assert versions(db) == ["r4"]


@test
def malformed_file_names_file(tmp):
    # Issue 14, item 9: a broken file leaves the rest of the project usable;
    # every command names it on stderr and a plan that needs it is refused
    # with one error naming it.
    p = new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "r1", None, [sql_op("CREATE TABLE one (id integer)")])
    write_revision(p, "s1", "r1", [sql_op("CREATE TABLE side (id integer)")])
    bad = os.path.join(p, "migrations", "r2_bad.json")
    with open(bad, "w") as f:
        f.write('{"revision": "r2", "down_revision": "r1", "upgrade": [}\n')
    write_revision(p, "r3", "r2", [sql_op("CREATE TABLE three (id integer)")])
    r = strata("-C", p, "upgrade", "r3", check=2)
    line = one_error_line(r)
    assert "Cannot upgrade to r3: it needs revision r2, which is broken: migrations/r2_bad.json:1:" in line, line
    assert "strata: warning: revision r2 is broken: migrations/r2_bad.json:1:" in r.err, r
    # heads and history still work, naming the file on stderr
    r = strata("-C", p, "heads", check=0)
    assert "r3" in r.out and "s1" in r.out, r
    assert "revision r2 is broken: migrations/r2_bad.json:1:" in r.err, r
    r = strata("-C", p, "history", check=0)
    assert "r1 -> r2 (broken)" in r.out and "r3" in r.out and "s1" in r.out, r
    assert "migrations/r2_bad.json" in r.err, r
    r = strata("-C", p, "--json", "history", check=0)
    broken = [e for e in json.loads(r.out) if "broken" in e]
    assert [e["revision"] for e in broken] == ["r2"], r
    assert broken[0]["broken"].startswith("migrations/r2_bad.json:1:"), broken
    # a plan that does not need it works
    r = strata("-C", p, "upgrade", "s1", check=0)
    assert versions(db) == ["s1"]
    # the path is the project's, from any working directory
    r = strata("-C", p, "heads", cwd=tmp, check=0)
    assert "is broken: migrations/r2_bad.json:1:" in r.err, r
    # valid JSON, not a valid migration
    with open(bad, "w") as f:
        json.dump({"revision": "r2", "down_revision": "r1", "upgrade": [], "upgrades": []}, f)
    r = strata("-C", p, "upgrade", "heads", check=2)
    line = one_error_line(r)
    assert "r2_bad.json" in line and "upgrades" in line, line
    # nothing readable: the heads are not known, so head is refused …
    with open(bad, "w") as f:
        f.write("not json\n")
    r = strata("-C", p, "heads", check=0)
    assert "migrations/r2_bad.json:1:" in r.err, r
    r = strata("-C", p, "upgrade", "s1", check=0)
    assert "Nothing to do" in r.err, r
    os.unlink(os.path.join(p, "migrations", "r3_r3.json"))
    r = strata("-C", p, "upgrade", "head", check=2)
    line = one_error_line(r)
    assert "may hold a head: migrations/r2_bad.json:1:" in line, line
    # … and a revision that names a parent no file holds, with no broken
    # file to explain it, is still an error
    with open(bad, "w") as f:
        json.dump({"revision": "r2", "down_revision": "missing", "upgrade": []}, f)
    r = strata("-C", p, "heads", check=2)
    line = one_error_line(r)
    assert "missing" in line and "r2_bad.json" in line, line
    os.unlink(bad)
    assert versions(db) == ["s1"]


@test
def locked_database(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "upgrade", "+1", check=0)
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        r = strata("-C", p, "upgrade", check=1, timeout=120)
        line = one_error_line(r)
        assert "locked" in line and "bookshop.db" in line, line
        # The wait was said, with the file and how to wait longer
        assert "strata: waiting: " in r.err and "?timeout=SECONDS" in r.err, r
    finally:
        holder.rollback()
        holder.close()
    assert versions(db) == ["1a0e6c2d9b41"]
    strata("-C", p, "upgrade", check=0)
    assert versions(db) == [HEAD]


@test
def not_a_database(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    with open(db, "w") as f:
        f.write("this is not an SQLite database, it is a text file\n" * 100)
    before = open(db).read()
    r = strata("-C", p, "upgrade", check=1)
    assert "bookshop.db" in one_error_line(r)
    assert open(db).read() == before


@test
def read_only_database(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "upgrade", "+1", check=0)
    url = f"sqlite:///{db}?mode=ro"
    r = strata("-C", p, "--url", url, "upgrade", check=1)
    line = one_error_line(r)
    assert "read-only" in line or "readonly" in line.replace(" ", ""), line
    assert versions(db) == ["1a0e6c2d9b41"]


@test
def sigkill_mid_run_is_consistent(tmp):
    p = new_project(tmp)
    db = os.path.join(p, "app.db")
    # Each revision creates a table and then burns CPU, so a kill lands inside one.
    slow = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) "
            "SELECT count(*) FROM c")
    prev = None
    for i in range(1, 31):
        rev = f"k{i:02d}"
        write_revision(p, rev, prev, [sql_op(f"CREATE TABLE t_{rev} (id integer)"),
                                      sql_op(f"INSERT INTO t_{rev} {slow}")],
                       [sql_op(f"DROP TABLE t_{rev}")])
        prev = rev
    env = dict(os.environ)
    for attempt in range(3):
        proc = subprocess.Popen([STRATA, "-C", p, "upgrade", "head"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        time.sleep(0.4 + attempt * 0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if os.path.exists(db):
            recorded = versions(db) if "strata_version" in tables(db) else []
            present = sorted(t[2:] for t in tables(db) if t.startswith("t_"))
            applied_revs = [f"k{i:02d}" for i in range(1, 31)]
            expected = applied_revs[:applied_revs.index(recorded[0]) + 1] if recorded else []
            assert present == expected, (present, recorded)
    strata("-C", p, "upgrade", "head", check=0, timeout=300)
    assert versions(db) == ["k30"]
    assert len([t for t in tables(db) if t.startswith("t_")]) == 30


@test_both
def version_table_option(tmp):
    p = copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "--version-table", "alembic_version", "upgrade", "+1", check=0)
    assert versions(db, "alembic_version") == ["1a0e6c2d9b41"]
    assert "strata_version" not in tables(db)


@test
def url_resolution_order(tmp):
    p = copy_example(tmp)
    strata("-C", p, "upgrade", "+1", check=0)                                   # url= in strata.ini
    assert versions(os.path.join(p, "bookshop.db")) == ["1a0e6c2d9b41"]
    with open(os.path.join(p, ".env"), "w") as f:
        f.write("# local settings\nexport STRATA_URL='sqlite:///dotenv.db'\n")
    strata("-C", p, "upgrade", "+1", check=0)
    assert versions(os.path.join(p, "dotenv.db")) == ["1a0e6c2d9b41"]
    strata("-C", p, "upgrade", "+1", env={"DATABASE_URL": "sqlite:///env.db"}, check=0)
    assert versions(os.path.join(p, "env.db")) == ["1a0e6c2d9b41"]
    strata("-C", p, "upgrade", "+1", env={"STRATA_URL": "sqlite:///env2.db", "DATABASE_URL": "sqlite:///x.db"},
           check=0)
    assert versions(os.path.join(p, "env2.db")) == ["1a0e6c2d9b41"]
    abs_db = os.path.join(tmp, "abs.db")
    strata("-C", p, "--url", f"sqlite:///{abs_db}", "upgrade", "+1", env={"STRATA_URL": "sqlite:///no.db"},
           check=0)
    assert versions(abs_db) == ["1a0e6c2d9b41"]
    assert not os.path.exists(os.path.join(p, "no.db"))


# --- both backends: interruption; PostgreSQL: schema, timeouts, offline SQL --


def cli_args(project):
    """-C PROJECT, and --url for PostgreSQL, for commands run without strata()."""
    url = PROJECT_URLS.get(os.path.realpath(project)) if PG else None
    return ["-C", project] + (["--url", url] if url else [])


@test_both
def sigint_cancels_and_rolls_back(tmp):
    p = new_project(tmp)
    db = os.path.join(p, "app.db")
    slow = ("SELECT pg_sleep(60)" if PG else
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000000000) "
            "SELECT count(*) FROM c")
    write_revision(p, "r1", None, [sql_op("CREATE TABLE one (id integer)")], [])
    write_revision(p, "r2", "r1", [sql_op("CREATE TABLE two (id integer)"), sql_op(slow)], [])
    env = {k: v for k, v in os.environ.items() if k not in ("STRATA_URL", "DATABASE_URL")}
    proc = subprocess.Popen([STRATA, *cli_args(p), "upgrade", "head"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("[2/2]"):
                break
        time.sleep(0.5)
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
        proc.wait()
    elapsed = time.monotonic() - start
    err = "".join(lines) + rest
    assert proc.returncode == 1, err
    assert elapsed < 10, elapsed
    errors = [l for l in err.splitlines() if l.startswith("strata: error: ")]
    assert len(errors) == 1 and "r2" in errors[0] and ("cancel" in errors[0] or "interrupt" in errors[0]), err
    assert versions(db) == ["r1"]
    assert "two" not in tables(db) and "one" in tables(db), tables(db)
    outcomes = db_rows(db, "SELECT revision, outcome FROM strata_history ORDER BY id")
    assert outcomes == [("r1", "success"), ("r2", "cancelled")], outcomes


@test
def timeout_options_are_checked(tmp):
    p = copy_example(tmp)
    r = strata("-C", p, "--lock-timeout", "soon", "upgrade", check=2)
    assert "--lock-timeout" in one_error_line(r) and "soon" in r.err, r
    r = strata("-C", p, "--statement-timeout", "5 fortnights", "current", check=2)
    assert "--statement-timeout" in one_error_line(r), r
    with open(os.path.join(p, "strata.ini"), "a") as f:
        f.write("lock-timeout=later\n")
    r = strata("-C", p, "current", check=2)
    line = one_error_line(r)
    assert "strata.ini" in line and "lock-timeout" in line, line
    # SQLite: the lock timeout is the busy timeout
    with open(os.path.join(p, "strata.ini")) as f:
        ini = f.read().replace("lock-timeout=later\n", "")
    with open(os.path.join(p, "strata.ini"), "w") as f:
        f.write(ini)
    strata("-C", p, "upgrade", "+1", check=0)
    db = os.path.join(p, "bookshop.db")
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        r = strata("-C", p, "--lock-timeout", "300ms", "upgrade", check=1)
        assert time.monotonic() - start < 4, "the busy timeout is 300 ms, not the default 5 s"
        assert "locked" in one_error_line(r)
    finally:
        holder.rollback()
        holder.close()


def pg_tables(url, schema):
    con = pg_connect(url)
    try:
        cur = con.cursor()
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))
        return sorted(r[0] for r in cur.fetchall())
    finally:
        con.close()


@test_pg
def schema_and_timeouts_from_strata_ini(tmp):
    p = copy_example(tmp)
    url = PROJECT_URLS[os.path.realpath(p)]
    ini_path = os.path.join(p, "strata.ini")
    with open(ini_path) as f:
        ini = f.read()
    with open(ini_path, "w") as f:
        f.write(ini.replace("[strata]\n", "[strata]\nschema=shop\nlock-timeout=10s\nstatement-timeout=1min\n", 1))
    r = strata("-C", p, "-v", "upgrade", "head", check=0)
    assert "Round trips to " in r.err, r
    assert pg_tables(url, "shop") == sorted(ALL_TABLES), pg_tables(url, "shop")
    assert pg_tables(url, "public") == []
    r = strata("-C", p, "current", check=0)
    assert r.out.strip() == f"{HEAD} (head)", r
    # --schema overrides strata.ini: that schema holds no revision
    r = strata("-C", p, "--schema", "other", "current", check=0)
    assert HEAD not in r.out, r
    # the session really has the settings
    r = strata("-C", p, "downgrade", "base", check=0)
    assert pg_tables(url, "shop") == ["strata_history", "strata_version"]


@test_pg
def offline_sql_runs_on_postgresql(tmp):
    p = copy_example(tmp)
    url = PROJECT_URLS[os.path.realpath(p)]
    r = strata("-C", p, "--schema", "shop", "--lock-timeout", "5s", "upgrade", "--sql", check=0)
    assert 'CREATE SCHEMA IF NOT EXISTS "shop"' in r.out and "SET lock_timeout = 5000" in r.out, r.out
    assert "BEGIN;" in r.out and "COMMIT;" in r.out
    con = pg_connect(url)
    try:
        con.cursor().execute(r.out)
    finally:
        con.close()
    assert set(pg_tables(url, "shop")) >= {"author", "book", "strata_version"}, pg_tables(url, "shop")
    r = strata("-C", p, "--schema", "shop", "current", check=0)
    assert r.out.strip() == f"{HEAD} (head)", r
    # the downgrade script takes it back to base
    r = strata("-C", p, "--schema", "shop", "downgrade", "--sql", f"{HEAD}:base", check=0)
    con = pg_connect(url)
    try:
        con.cursor().execute(r.out)
    finally:
        con.close()
    # with the history rows an online run writes
    assert pg_tables(url, "shop") == ["strata_history", "strata_version"], pg_tables(url, "shop")


@test_pg
def password_never_shown(tmp):
    p = copy_example(tmp)
    url = PROJECT_URLS[os.path.realpath(p)]
    password = os.environ.get("STRATA_TEST_PG_PASSWORD", "")
    assert password and password in url
    r = strata("-C", p, "-v", "upgrade", "+1", check=0)
    assert password not in r.err and password not in r.out
    assert ":***@" in r.err, r
    wrong = url.replace(password, "not-the-password")
    r = strata("-C", p, "--url", wrong, "current", check=1)
    line = one_error_line(r)
    assert "not-the-password" not in r.err and "password authentication failed" in line, line


def main():
    if not STRATA:
        print("1..0 # SKIP STRATA_CLI is not set")
        return 0 if os.environ.get("CI") != "true" else 1
    if PG and not PG_URL:
        print("1..0 # SKIP STRATA_TEST_PG_URL is not set: no PostgreSQL server; run build-aux/strata-dev test")
        return 0 if os.environ.get("CI") != "true" else 1
    only = sys.argv[1:]
    selected = [t for t in TESTS if (not only or t.__name__ in only) and
                ((t in BOTH) or (PG and t in PG_ONLY) or (not PG and t not in PG_ONLY))]
    print(f"1..{len(selected)}", flush=True)
    failed = 0
    for n, func in enumerate(selected, 1):
        tmp = tempfile.mkdtemp(prefix="strata-cli-")
        try:
            func(tmp)
            print(f"ok {n} - {func.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {n} - {func.__name__}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if PG:
                drop_pg_databases()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
