#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Concurrent deploys: 8 processes run `strata upgrade head` at once against
# one PostgreSQL database (the run's advisory lock serializes them) and 8
# against one SQLite file (BEGIN IMMEDIATE, state re-read in each step).
# Every process exits 0 and every revision is applied exactly once.
# TAP output; meson runs it in suite postgres with STRATA_CLI and
# STRATA_TEST_PG_URL.

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback

STRATA = os.environ.get("STRATA_CLI")
PG_URL = os.environ.get("STRATA_TEST_PG_URL")
PASSWORD = os.environ.get("STRATA_TEST_PG_PASSWORD")
N_PROCESSES = 8
N_REVISIONS = 30


def write_project(root):
    os.makedirs(os.path.join(root, "migrations"))
    with open(os.path.join(root, "strata.ini"), "w") as f:
        f.write("[strata]\nmigrations=migrations\nurl=sqlite:///app.db\n")
    previous = None
    for i in range(1, N_REVISIONS + 1):
        rev = f"c{i:03d}"
        # Not idempotent on purpose: a second run of any revision fails (the
        # table exists) or shows (a second row in applied).
        upgrade = [{"op": "sql", "sql": f"CREATE TABLE t_{rev} (id integer)"},
                   {"op": "sql", "sql": f"INSERT INTO applied (revision) VALUES ('{rev}')"}]
        if i == 1:
            upgrade.insert(0, {"op": "sql", "sql": "CREATE TABLE applied (revision varchar(32))"})
        doc = {"revision": rev, "down_revision": previous, "message": f"step {i}",
               "upgrade": upgrade, "downgrade": []}
        with open(os.path.join(root, "migrations", f"{rev}_step.json"), "w") as f:
            json.dump(doc, f)
        previous = rev


def run_all(project, url, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in ("STRATA_URL", "DATABASE_URL")}
    env.update(extra_env or {})
    procs = [subprocess.Popen([STRATA, "-C", project, "--url", url, "upgrade", "head"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(N_PROCESSES)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, out, err))
    return results


def check(results, applied, history):
    for status, out, err in results:
        shown = err.replace(PASSWORD, "***") if PASSWORD else err
        assert status == 0, f"exit {status}:\n{shown}"
    expected = [f"c{i:03d}" for i in range(1, N_REVISIONS + 1)]
    assert sorted(applied) == expected, applied
    ups = sorted(r for r, direction, outcome in history if direction == "up" and outcome == "success")
    assert ups == expected, history
    ran = sum(err.count("Running upgrade") for _, _, err in results)
    assert ran == N_REVISIONS, f"{ran} steps ran in all, expected {N_REVISIONS}"


def test_sqlite(tmp):
    project = os.path.join(tmp, "proj")
    write_project(project)
    db = os.path.join(project, "app.db")
    results = run_all(project, f"sqlite:///{db}", )
    con = sqlite3.connect(db)
    try:
        applied = [r[0] for r in con.execute("SELECT revision FROM applied")]
        history = con.execute("SELECT revision, direction, outcome FROM strata_history").fetchall()
        versions = [r[0] for r in con.execute("SELECT version_num FROM strata_version")]
    finally:
        con.close()
    check(results, applied, history)
    assert versions == [f"c{N_REVISIONS:03d}"], versions


def test_postgresql(tmp):
    import psycopg2

    project = os.path.join(tmp, "proj")
    write_project(project)
    name = f"strata_concurrency_{os.getpid()}"
    admin = psycopg2.connect(PG_URL)
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    url = PG_URL.rpartition("/")[0] + "/" + name
    try:
        results = run_all(project, url)
        con = psycopg2.connect(url)
        try:
            cur = con.cursor()
            cur.execute("SELECT revision FROM applied")
            applied = [r[0] for r in cur.fetchall()]
            cur.execute("SELECT revision, direction, outcome FROM strata_history")
            history = cur.fetchall()
            cur.execute("SELECT version_num FROM strata_version")
            versions = [r[0] for r in cur.fetchall()]
        finally:
            con.close()
        check(results, applied, history)
        assert versions == [f"c{N_REVISIONS:03d}"], versions
        waited = sum(1 for _, _, err in results if "Waiting for the migration lock" in err)
        print(f"# {waited} of {N_PROCESSES} processes waited for the lock", flush=True)
        for _, _, err in results:
            for line in err.splitlines():
                if line.startswith("Waiting for the migration lock"):
                    assert "held by pid " in line and "since " in line, line
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main():
    if not STRATA:
        print("1..0 # SKIP STRATA_CLI is not set")
        return 0 if os.environ.get("CI") != "true" else 1
    tests = [test_sqlite, test_postgresql]
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for n, func in enumerate(tests, 1):
        if func is test_postgresql and not PG_URL:
            if os.environ.get("CI") == "true":
                failed += 1
                print(f"not ok {n} - {func.__name__} # STRATA_TEST_PG_URL is not set", flush=True)
            else:
                print(f"ok {n} - {func.__name__} # SKIP STRATA_TEST_PG_URL is not set", flush=True)
            continue
        tmp = tempfile.mkdtemp(prefix="strata-concurrency-")
        start = time.monotonic()
        try:
            func(tmp)
            print(f"ok {n} - {func.__name__} ({time.monotonic() - start:.1f} s)", flush=True)
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
