#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Faults on the way to PostgreSQL: a wrong password, a host nobody answers
# on, the server stopped before the run, the backend terminated in the middle
# of a migration. Each gives one clear error line (no password in it), exit
# status 1, nothing half-applied, and the next run completes.
# Stops and starts the throwaway server ($STRATA_TEST_PG_CTL): meson runs it
# alone (parallel: false), in suite postgres. TAP output.

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

STRATA = os.environ.get("STRATA_CLI")
PG_URL = os.environ.get("STRATA_TEST_PG_URL")
PG_CTL = os.environ.get("STRATA_TEST_PG_CTL")
PASSWORD = os.environ.get("STRATA_TEST_PG_PASSWORD", "")

TESTS = []


def test(func):
    TESTS.append(func)
    return func


def pg_connect(url):
    import psycopg2
    con = psycopg2.connect(url)
    con.autocommit = True
    return con


class Database:
    def __init__(self):
        self.name = f"strata_faults_{os.getpid()}_{int(time.time() * 1000) % 1000000}"
        admin = pg_connect(PG_URL)
        try:
            admin.cursor().execute(f'CREATE DATABASE "{self.name}"')
        finally:
            admin.close()
        self.url = PG_URL.rpartition("/")[0] + "/" + self.name

    def rows(self, sql):
        con = pg_connect(self.url)
        try:
            cur = con.cursor()
            cur.execute(sql)
            return [tuple(r) for r in cur.fetchall()]
        finally:
            con.close()

    def versions(self):
        return sorted(r[0] for r in self.rows("SELECT version_num FROM strata_version"))

    def tables(self):
        return sorted(r[0] for r in self.rows("SELECT table_name FROM information_schema.tables "
                                              "WHERE table_schema = 'public'"))

    def drop(self):
        admin = pg_connect(PG_URL)
        try:
            admin.cursor().execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            admin.close()


def write_project(root, sleep=0):
    os.makedirs(os.path.join(root, "migrations"), exist_ok=True)
    with open(os.path.join(root, "strata.ini"), "w") as f:
        f.write("[strata]\nmigrations=migrations\n")
    revisions = [
        ("f1", None, ["CREATE TABLE one (id integer)"]),
        ("f2", "f1", ["CREATE TABLE two (id integer)", "INSERT INTO two VALUES (1)",
                      f"SELECT pg_sleep({sleep})"]),
        ("f3", "f2", ["CREATE TABLE three (id integer)"]),
    ]
    for rev, down, statements in revisions:
        doc = {"revision": rev, "down_revision": down, "message": f"revision {rev}",
               "upgrade": [{"op": "sql", "sql": s} for s in statements], "downgrade": []}
        with open(os.path.join(root, "migrations", f"{rev}_{rev}.json"), "w") as f:
            json.dump(doc, f)


def env():
    return {k: v for k, v in os.environ.items()
            if k not in ("STRATA_URL", "DATABASE_URL", "PGPASSWORD")}


def strata(project, url, *args, timeout=120):
    return subprocess.run([STRATA, "-C", project, "--url", url, *args], capture_output=True, text=True,
                          timeout=timeout, env=env(), stdin=subprocess.DEVNULL)


def one_error(err):
    lines = [l for l in err.splitlines() if l.strip() and not l.startswith("[")
             and not l.startswith("strata: interrupted")]
    assert len(lines) == 1, f"expected one error line, got:\n{err}"
    assert lines[0].startswith("strata: error: "), lines[0]
    assert PASSWORD not in err, "the password is shown"
    return lines[0]


@test
def wrong_password(tmp, db):
    write_project(tmp)
    wrong = db.url.replace(PASSWORD, "not-the-password")
    r = strata(tmp, wrong, "upgrade", "head")
    assert r.returncode == 1, r
    line = one_error(r.stderr)
    assert "not-the-password" not in r.stderr
    assert "password authentication failed" in line and ":***@" in line, line
    assert db.name in line, line
    assert db.tables() == []
    r = strata(tmp, db.url, "upgrade", "head")
    assert r.returncode == 0, r.stderr
    assert db.versions() == ["f3"]


@test
def unreachable_host(tmp, db):
    write_project(tmp)
    # Nothing listens on port 1 of loopback; and a loopback port whose
    # listener never answers, with a short connect_timeout. (Tests only ever
    # talk to this machine.)
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    silent_port = silent.getsockname()[1]
    for url in ("postgresql://app:s3cret@127.0.0.1:1/app",
                f"postgresql://app:s3cret@127.0.0.1:{silent_port}/app?connect_timeout=1"):
        start = time.monotonic()
        r = strata(tmp, url, "upgrade", "head")
        assert r.returncode == 1, r
        line = one_error(r.stderr)
        assert "s3cret" not in r.stderr and "cannot connect to " in line, line
        assert time.monotonic() - start < 20
    silent.close()
    r = strata(tmp, db.url, "upgrade", "head")
    assert r.returncode == 0, r.stderr


@test
def server_stopped_before_the_run(tmp, db):
    write_project(tmp)
    subprocess.run([PG_CTL, "stop", "-m", "fast"], check=True, capture_output=True)
    try:
        r = strata(tmp, db.url, "upgrade", "head")
    finally:
        subprocess.run([PG_CTL, "start"], check=True, capture_output=True)
    assert r.returncode == 1, r
    line = one_error(r.stderr)
    host_port = db.url.rpartition("@")[2].rpartition("/")[0]
    assert f"cannot connect to {host_port}/{db.name}" in line, line
    assert db.tables() == []
    r = strata(tmp, db.url, "upgrade", "head")
    assert r.returncode == 0, r.stderr
    assert db.versions() == ["f3"]


@test
def backend_terminated_mid_migration(tmp, db):
    write_project(tmp, sleep=30)
    proc = subprocess.Popen([STRATA, "-C", tmp, "--url", db.url, "upgrade", "head"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env())
    lines = []
    try:
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("[2/3]"):
                break
        time.sleep(0.5)
        terminated = db.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             f"WHERE datname = '{db.name}' AND application_name = 'strata' "
                             "AND pid <> pg_backend_pid()")
        err = "".join(lines) + proc.communicate(timeout=30)[1]
    finally:
        proc.kill()
        proc.wait()
    assert terminated == [(True,)], terminated
    assert proc.returncode == 1, err
    line = one_error(err)
    assert "f2" in line and "lost the connection" in line and db.name in line, line
    # At f1, nothing of f2
    assert db.versions() == ["f1"]
    assert db.tables() == ["one", "strata_history", "strata_version"], db.tables()
    write_project(tmp, sleep=0)
    r = strata(tmp, db.url, "upgrade", "head")
    assert r.returncode == 0, r.stderr
    assert db.versions() == ["f3"]
    assert db.rows("SELECT count(*) FROM two") == [(1,)]


def main():
    if not STRATA:
        print("1..0 # SKIP STRATA_CLI is not set")
        return 0 if os.environ.get("CI") != "true" else 1
    if not PG_URL or not PG_CTL:
        print("1..0 # SKIP STRATA_TEST_PG_URL or STRATA_TEST_PG_CTL is not set: no PostgreSQL server; "
              "run build-aux/strata-dev test")
        return 0 if os.environ.get("CI") != "true" else 1
    only = sys.argv[1:]
    selected = [t for t in TESTS if not only or t.__name__ in only]
    print(f"1..{len(selected)}", flush=True)
    failed = 0
    for n, func in enumerate(selected, 1):
        tmp = tempfile.mkdtemp(prefix="strata-faults-")
        db = None
        try:
            db = Database()
            func(tmp, db)
            print(f"ok {n} - {func.__name__}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {n} - {func.__name__}", flush=True)
            for line in traceback.format_exc().replace(PASSWORD or "\0", "***").splitlines():
                print(f"# {line}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if db is not None:
                db.drop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
