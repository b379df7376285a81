#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Crash safety and waiting, end to end through `strata` (issue 13): SQLite
# rebuilds always in a transaction, the whole plan checked before any of it
# runs, an interrupted CREATE INDEX CONCURRENTLY (PostgreSQL) said, found by
# drift and retried, and waits for locks shown and bounded.
# Runs on SQLite files; with STRATA_TEST_BACKEND=postgresql (meson's
# test-cli-crashsafe-postgres, suite postgres) the PostgreSQL tests run on
# fresh databases of the throwaway server (STRATA_TEST_PG_URL). TAP output.

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback

STRATA = os.environ.get("STRATA_CLI")
BACKEND = os.environ.get("STRATA_TEST_BACKEND", "sqlite")
PG = BACKEND == "postgresql"
PG_URL = os.environ.get("STRATA_TEST_PG_URL")

TESTS = []


def test(backend):
    def register(func):
        func.backend = backend
        TESTS.append(func)
        return func
    return register


class Result:
    def __init__(self, status, out, err):
        self.status = status
        self.out = out
        self.err = err

    def __repr__(self):
        return f"<exit {self.status}\nstdout:\n{self.out}\nstderr:\n{self.err}>"


def environ(extra=None):
    env = dict(os.environ)
    for var in ("STRATA_URL", "DATABASE_URL"):
        env.pop(var, None)
    if extra:
        env.update(extra)
    return env


def strata(*args, check=None, env=None, timeout=60):
    proc = subprocess.run([STRATA, *args], env=environ(env), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    result = Result(proc.returncode, proc.stdout, proc.stderr)
    if check is not None:
        message = f"expected exit {check}: {args}\n{result!r}"
        password = os.environ.get("STRATA_TEST_PG_PASSWORD")
        assert result.status == check, message.replace(password, "***") if password else message
    return result


def strata_background(*args, env=None):
    return subprocess.Popen([STRATA, *args], env=environ(env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def error_line(result):
    lines = [l for l in result.err.splitlines() if l.startswith("strata: error: ")]
    assert len(lines) == 1, f"expected one error line:\n{result!r}"
    return lines[0]


def project(tmp, url="sqlite:///app.db"):
    path = os.path.join(tmp, "proj")
    os.makedirs(os.path.join(path, "migrations"))
    with open(os.path.join(path, "strata.ini"), "w") as f:
        f.write(f"[strata]\nmigrations=migrations\nurl={url}\n")
    return path


def revision(proj, rev, down, upgrade, **extra):
    doc = {"revision": rev, "down_revision": down, "message": f"revision {rev}", "upgrade": upgrade}
    doc.update(extra)
    with open(os.path.join(proj, "migrations", f"{rev}_{rev}.json"), "w") as f:
        json.dump(doc, f, indent=2)


def sqlite_rows(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def sqlite_versions(path):
    return sorted(r[0] for r in sqlite_rows(path, "SELECT version_num FROM strata_version"))


def sqlite_tables(path):
    return sorted(r[0] for r in sqlite_rows(path, "SELECT name FROM sqlite_master WHERE type = 'table'"))


def pg_connect(url):
    import psycopg2
    con = psycopg2.connect(url)
    con.autocommit = True
    return con


class PgDatabase:
    def __init__(self):
        self.name = f"strata_crash_{os.getpid()}_{int(time.time() * 1000) % 1000000}"
        con = pg_connect(PG_URL)
        try:
            con.cursor().execute(f'CREATE DATABASE "{self.name}"')
        finally:
            con.close()
        self.url = PG_URL.rpartition("/")[0] + "/" + self.name

    def rows(self, sql, params=None):
        con = pg_connect(self.url)
        try:
            cur = con.cursor()
            cur.execute(sql, params)
            return [tuple(r) for r in cur.fetchall()] if cur.description else []
        finally:
            con.close()

    def drop(self):
        con = pg_connect(PG_URL)
        try:
            con.cursor().execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            con.close()


def account_table():
    return {"op": "create_table", "table": "account", "columns": [
        {"name": "id", "type": "integer", "primary_key": True},
        {"name": "email", "type": "text", "nullable": False}]}


# --- item 7: SQLite rebuilds are always transactional -------------------------


@test("sqlite")
def rebuild_not_transactional_leaves_nothing(tmp):
    p = project(tmp)
    db = os.path.join(p, "app.db")
    revision(p, "r1", None, [account_table(),
                             {"op": "insert", "table": "account",
                              "rows": [{"id": 1, "email": "a@example.com"}]}])
    # A rebuild, then a statement that fails, in a "transactional": false
    # revision: the rebuild must not be left half-done.
    revision(p, "r2", "r1", [
        {"op": "alter_column", "table": "account", "column": "email", "type": "varchar(320)"},
        {"op": "sql", "sql": "INSERT INTO no_such_table VALUES (1)"}], transactional=False)
    strata("-C", p, "upgrade", "r1", check=0)
    r = strata("-C", p, "upgrade", "head", check=1)
    line = error_line(r)
    assert "no_such_table" in line and "stay applied" not in line, line
    assert sqlite_tables(db) == ["account", "strata_history", "strata_version"], sqlite_tables(db)
    assert sqlite_versions(db) == ["r1"]
    assert sqlite_rows(db, "SELECT id, email FROM account") == [(1, "a@example.com")]
    sql = sqlite_rows(db, "SELECT sql FROM sqlite_master WHERE name = 'account'")[0][0]
    assert "varchar(320)" not in sql.lower(), sql
    # --sql shows the transaction it runs in
    r = strata("-C", p, "upgrade", "r1:head", "--sql", check=0)
    assert "BEGIN;" in r.out and "always runs in a transaction" in r.out, r


@test("sqlite")
def rebuild_foreign_key_check_changes_nothing(tmp):
    p = project(tmp)
    db = os.path.join(p, "app.db")
    revision(p, "r1", None, [
        account_table(),
        {"op": "create_table", "table": "orders", "columns": [
            {"name": "id", "type": "integer", "primary_key": True},
            {"name": "account_id", "type": "integer"},
            {"name": "note", "type": "text"}],
         "foreign_keys": [{"name": "fk_orders_account", "columns": ["account_id"],
                           "references": "account", "ref_columns": ["id"]}]}])
    revision(p, "r2", "r1", [
        {"op": "alter_column", "table": "orders", "column": "note", "type": "varchar(50)"}],
        transactional=False)
    strata("-C", p, "upgrade", "r1", check=0)
    # A row whose account is missing, written with foreign keys off.
    con = sqlite3.connect(db)
    con.execute("INSERT INTO orders VALUES (7, 42, 'dangling')")
    con.commit()
    con.close()
    before = sqlite_rows(db, "SELECT name, sql FROM sqlite_master ORDER BY name")
    r = strata("-C", p, "upgrade", "head", check=1)
    line = error_line(r)
    assert "foreign key" in line and "nothing was changed" in line, line
    assert sqlite_rows(db, "SELECT name, sql FROM sqlite_master ORDER BY name") == before
    assert sqlite_rows(db, "SELECT * FROM orders") == [(7, 42, "dangling")]
    assert sqlite_versions(db) == ["r1"]


# --- item 11: the whole plan is checked before any of it runs -----------------


@test("sqlite")
def plan_checked_before_running(tmp):
    p = project(tmp)
    db = os.path.join(p, "app.db")
    revision(p, "r1", None, [account_table()])
    # A table the migrations never made: its rebuild cannot be rendered,
    # and that is known without running anything.
    revision(p, "r2", "r1", [{"op": "sql", "sql": "CREATE INDEX ix_account_email ON account (email)",
                              "reverse": "DROP INDEX ix_account_email"}])
    revision(p, "r3", "r2", [{"op": "alter_column", "table": "ghost", "column": "v",
                              "nullable": False}])
    r = strata("-C", p, "upgrade", "head", check=2)
    line = error_line(r)
    assert "r3" in line and "nothing was changed" in line, line
    assert "[1/" not in r.err, r
    assert not os.path.exists(db) or "account" not in sqlite_tables(db), sqlite_tables(db)


# --- items 5 and 6: the user's store ------------------------------------------


@test("sqlite")
def store_created_by_many_at_once(tmp):
    # The store is made under a name of its own and linked into place only
    # if none is there: eight first uses at once keep all eight profiles.
    data = os.path.join(tmp, "data")
    env = {"XDG_DATA_HOME": data}
    procs = [strata_background("profiles", "add", f"p{i}", "--url", f"sqlite:////srv/p{i}.db", env=env)
             for i in range(8)]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    r = strata("--json", "profiles", "list", env=env, check=0)
    assert sorted(p["name"] for p in json.loads(r.out)) == [f"p{i}" for i in range(8)], r
    assert os.listdir(os.path.join(data, "strata")) == ["strata.db"], os.listdir(os.path.join(data, "strata"))


@test("sqlite")
def empty_store_is_said(tmp):
    data = os.path.join(tmp, "data")
    env = {"XDG_DATA_HOME": data}
    strata("profiles", "add", "kept", "--url", "sqlite:////srv/kept.db", env=env, check=0)
    store = os.path.join(data, "strata", "strata.db")
    open(store, "w").close()
    r = strata("-q", "profiles", "list", env=env, check=0)
    lines = [l for l in r.err.splitlines() if l.strip()]
    assert len(lines) == 1 and "empty (0 bytes)" in lines[0] and "strata.db.damaged-" in lines[0], r
    moved = [n for n in os.listdir(os.path.join(data, "strata")) if n.startswith("strata.db.damaged-")]
    assert len(moved) == 1 and moved[0] in lines[0], (moved, lines)
    # Said once
    r = strata("profiles", "list", env=env, check=0)
    assert "damaged" not in r.err, r


# --- item 13: waiting is visible and bounded ------------------------------------


def hold_sqlite_lock(path, kind, seconds):
    """Holds a lock on @path from another process for @seconds; returns when
    it is taken."""
    script = (f"import sqlite3, sys, time\n"
              f"con = sqlite3.connect({path!r}, isolation_level=None)\n"
              f"con.execute('BEGIN {kind}')\n"
              f"con.execute('INSERT INTO holder VALUES (1)')\n"
              f"print('locked', flush=True)\n"
              f"time.sleep({seconds})\n"
              f"con.execute('COMMIT')\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


@test("sqlite")
def sqlite_lock_wait_is_said(tmp):
    p = project(tmp)
    db = os.path.join(p, "app.db")
    revision(p, "r1", None, [account_table()])
    revision(p, "r2", "r1", [{"op": "add_column", "table": "account",
                              "column": {"name": "name", "type": "text"}}])
    strata("-C", p, "upgrade", "r1", check=0)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE holder (x)")
    con.commit()
    con.close()

    # `current` behind a writer that is committing (an exclusive lock): it
    # says what it waits for, then answers once the lock is gone.
    holder = hold_sqlite_lock(db, "EXCLUSIVE", 1.5)
    try:
        r = strata("-C", p, "-q", "current", check=0)
    finally:
        holder.wait()
    assert "waiting" in r.err and db in r.err and "timeout=" in r.err, r
    assert "r1" in r.out, r

    # An upgrade behind another writer, with ?timeout=1: said, then bounded.
    holder = hold_sqlite_lock(db, "IMMEDIATE", 4)
    try:
        started = time.monotonic()
        r = strata("-C", p, "--url", f"sqlite:///{db}?timeout=1", "upgrade", "head", check=1)
        elapsed = time.monotonic() - started
    finally:
        holder.wait()
    assert "waiting" in r.err and "up to 1.0 s" in r.err, r
    line = error_line(r)
    assert "database is locked" in line and db in line and "timeout=SECONDS" in line, line
    assert elapsed < 3.5, elapsed
    assert sqlite_versions(db) == ["r1"]
    strata("-C", p, "upgrade", "head", check=0)


# --- item 8: an interrupted CREATE INDEX CONCURRENTLY (PostgreSQL) -----------


def cic_project(tmp, database):
    p = project(tmp, url="sqlite:///unused.db")
    revision(p, "r1", None, [
        {"op": "create_table", "table": "orders", "columns": [
            {"name": "id", "type": "integer", "primary_key": True},
            {"name": "account_id", "type": "integer"}]},
        {"op": "insert", "table": "orders", "rows": [{"id": i, "account_id": i % 7} for i in range(1, 51)]}])
    revision(p, "r2", "r1", [
        {"op": "create_index", "table": "orders", "name": "ix_orders_account", "columns": ["account_id"],
         "concurrently": True}], transactional=False)
    strata("-C", p, "--url", database.url, "upgrade", "r1", check=0)
    return p


def hold_pg_writer(database, application):
    """An open transaction that wrote to orders: CREATE INDEX CONCURRENTLY
    waits for it after creating its (still INVALID) index."""
    import psycopg2
    con = psycopg2.connect(database.url, application_name=application)
    cur = con.cursor()
    cur.execute("INSERT INTO orders VALUES (1000, 1)")
    return con


def wait_for(what, condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def index_state(database):
    return database.rows("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                         "WHERE c.relname = 'ix_orders_account'")


def read_stderr_in_background(proc):
    lines = []

    def reader():
        for line in proc.stderr:
            lines.append(line)
    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return lines, thread


def check_next_run_recovers(p, database):
    # Differences exit 1 today (STRATA_ERROR_DIFFERENCES; DESIGN.md says 3)
    r = strata("-C", p, "--url", database.url, "drift")
    assert r.status != 0, r
    assert "ix_orders_account on orders is INVALID" in r.out, r
    assert "DROP INDEX CONCURRENTLY ix_orders_account" in r.out, r
    r = strata("-C", p, "--url", database.url, "upgrade", "head", check=0)
    assert "ix_orders_account was INVALID" in r.err and "build it again" in r.err, r
    assert index_state(database) == [(True,)], index_state(database)
    assert database.rows("SELECT version_num FROM strata_version") == [("r2",)]
    strata("-C", p, "--url", database.url, "drift", check=0)


@test("postgresql")
def cic_interrupted_by_ctrl_c(tmp):
    database = PgDatabase()
    try:
        p = cic_project(tmp, database)
        blocker = hold_pg_writer(database, "blocker-app")
        proc = strata_background("-C", p, "--url", database.url, "upgrade", "head")
        lines, reader = read_stderr_in_background(proc)
        try:
            wait_for("the INVALID index", lambda: index_state(database) == [(False,)])
            # Item 13: the wait says who it waits for.
            wait_for("the waiting line", lambda: any("waits for a lock held by" in l for l in lines))
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=30)
            reader.join(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
            blocker.rollback()
            blocker.close()
        err = "".join(lines)
        assert proc.returncode == 1, err
        waiting = [l for l in lines if "waits for a lock held by" in l][0]
        assert "CREATE INDEX CONCURRENTLY" in waiting and "blocker-app" in waiting and "INSERT INTO orders" in waiting, waiting
        error = [l for l in lines if l.startswith("strata: error: ")]
        assert len(error) == 1, err
        assert "index ix_orders_account was left INVALID" in error[0], error[0]
        assert "DROP INDEX CONCURRENTLY ix_orders_account" in error[0], error[0]
        assert index_state(database) == [(False,)]
        assert database.rows("SELECT version_num FROM strata_version") == [("r1",)]
        check_next_run_recovers(p, database)
    finally:
        database.drop()


@test("postgresql")
def cic_backend_terminated(tmp):
    database = PgDatabase()
    try:
        p = cic_project(tmp, database)
        blocker = hold_pg_writer(database, "blocker-app")
        proc = strata_background("-C", p, "--url", database.url, "upgrade", "head")
        try:
            wait_for("the INVALID index", lambda: index_state(database) == [(False,)])
            database.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' AND pid <> pg_backend_pid()")
            _, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            blocker.rollback()
            blocker.close()
        assert proc.returncode == 1, err
        error = [l for l in err.splitlines() if l.startswith("strata: error: ")]
        assert len(error) == 1, err
        assert "index ix_orders_account was left INVALID" in error[0], error[0]
        check_next_run_recovers(p, database)
    finally:
        database.drop()


# --- item 13 on PostgreSQL: table locks -----------------------------------------


@test("postgresql")
def pg_table_lock_wait_is_said_and_bounded(tmp):
    import psycopg2
    database = PgDatabase()
    try:
        p = project(tmp, url="sqlite:///unused.db")
        # The default lock_timeout is in force when nothing else sets one.
        revision(p, "r1", None, [account_table(), {"op": "sql", "postgresql":
            "DO $$BEGIN IF current_setting('lock_timeout') <> '1min' THEN "
            "RAISE EXCEPTION 'lock_timeout is %', current_setting('lock_timeout'); END IF; END$$",
            "sqlite": ""}])
        revision(p, "r2", "r1", [{"op": "add_column", "table": "account",
                                  "column": {"name": "name", "type": "text"}}])
        strata("-C", p, "--url", database.url, "upgrade", "r1", check=0)

        # `current` behind a lock on the version table: it says who holds it.
        holder = psycopg2.connect(database.url, application_name="holder-app")
        holder.cursor().execute("LOCK TABLE strata_version IN ACCESS EXCLUSIVE MODE")
        # released once the CLI has waited behind it for 1.5 s (it says so
        # after 1 s), however long the CLI takes to get there
        def release_when_waited():
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and not database.rows(
                    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database() AND application_name <> 'holder-app'"):
                time.sleep(0.05)
            time.sleep(1.5)
            holder.commit()
        release = threading.Thread(target=release_when_waited)
        release.start()
        try:
            r = strata("-C", p, "--url", database.url, "-q", "current", check=0)
        finally:
            release.join()
            holder.close()
        assert "waiting" in r.err and "holder-app" in r.err and "LOCK TABLE strata_version" in r.err, r
        assert "r1" in r.out, r

        # An upgrade behind a lock on its table, with --lock-timeout 1s:
        # said, then bounded.
        holder = psycopg2.connect(database.url, application_name="holder-app")
        holder.cursor().execute("LOCK TABLE account IN ACCESS SHARE MODE")
        try:
            started = time.monotonic()
            r = strata("-C", p, "--url", database.url, "--lock-timeout", "1500ms", "upgrade", "head", check=1)
            elapsed = time.monotonic() - started
        finally:
            holder.rollback()
            holder.close()
        assert "waits for a lock held by" in r.err and "holder-app" in r.err, r
        line = error_line(r)
        assert "lock_timeout" in line, line
        assert elapsed < 20, elapsed
        assert database.rows("SELECT version_num FROM strata_version") == [("r1",)]
        strata("-C", p, "--url", database.url, "upgrade", "head", check=0)
    finally:
        database.drop()


def main():
    if not STRATA:
        print("1..0 # SKIP STRATA_CLI is not set")
        return 0 if os.environ.get("CI") != "true" else 1
    if PG and not PG_URL:
        print("1..0 # SKIP STRATA_TEST_PG_URL is not set: no PostgreSQL server; run build-aux/strata-dev test")
        return 0 if os.environ.get("CI") != "true" else 1
    only = sys.argv[1:]
    selected = [t for t in TESTS if t.backend == BACKEND and (not only or t.__name__ in only)]
    print(f"1..{len(selected)}", flush=True)
    failed = 0
    for n, func in enumerate(selected, 1):
        tmp = tempfile.mkdtemp(prefix="strata-crash-")
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
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
