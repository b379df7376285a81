#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End-to-end tests of the deploy-time commands of `strata` (issue 11):
# variables in strata.ini and .env, history without a database, exit status
# 3, inspect and baseline, log, validate and repair, rollback with the files
# gone, scripts from the live state, reviewed plans, resumable
# non-transactional runs. Real SQLite files, and with
# STRATA_TEST_BACKEND=postgresql (meson's test-cli-deploy-postgres) a fresh
# database of the throwaway PostgreSQL server per test. The helpers are
# test-cli.py's.

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("strata_test_cli", os.path.join(HERE, "test-cli.py"))
T = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(T)

PG = T.PG
strata = T.strata
one_error_line = T.one_error_line
write_revision = T.write_revision
sql_op = T.sql_op

TESTS = T.TESTS
TESTS.clear()
test, test_both, test_pg = T.test, T.test_both, T.test_pg


def pg_parts():
    u = urllib.parse.urlparse(T.PG_URL)
    return u.username, urllib.parse.unquote(u.password or ""), u.hostname, u.port


# --- 7: variables in strata.ini and .env ------------------------------------


@test
def dotenv_variables_follow_python_dotenv(tmp):
    # The expected values are python-dotenv 1.x's (dotenv_values /
    # load_dotenv): the environment wins, then the lines above; a default
    # only for an unset variable; "$NAME" and "${NAME:x}" stay as written.
    p = os.path.join(tmp, "p")
    strata("init", p, check=0)
    with open(os.path.join(p, ".env"), "w") as f:
        f.write("BASE=first\n"
                "NAME=${BASE}_${UNSET_VAR}x\n"
                "SINGLE='${BASE}'\n"
                "DFLT=${UNSET_VAR:-fall back}\n"
                "EMPTY=\n"
                "E2=${EMPTY:-notused}\n"
                "LATER=${DEFINED_LATER}\n"
                "DEFINED_LATER=z\n"
                "ODD=$BASE-${BASE:x}\n"
                "DATABASE_URL=sqlite:///${NAME}-${DFLT}-${E2}-${LATER}-${SINGLE}.db\n")
    strata("-C", p, "upgrade", check=0)
    assert os.path.exists(os.path.join(p, "first_x-fall back---first.db")), os.listdir(p)
    # The environment wins over .env.
    strata("-C", p, "upgrade", env={"BASE": "envwins"}, check=0)
    assert os.path.exists(os.path.join(p, "envwins_x-fall back---envwins.db")), os.listdir(p)
    # strata.ini values too; ${...} that is no variable stays as written.
    os.remove(os.path.join(p, ".env"))
    ini = os.path.join(p, "strata.ini")
    text = open(ini).read().replace("url=sqlite:///app.db", "url=sqlite:///${DATA:-data}/${ODD}.db")
    text = text.replace("migrations=migrations", "migrations=${MIGRATIONS_DIR:-migrations}")
    open(ini, "w").write(text)
    with open(os.path.join(p, ".env"), "w") as f:
        f.write("ODD=$BASE-${BASE:x}\n")
    os.mkdir(os.path.join(p, "data"))
    strata("-C", p, "upgrade", check=0)
    assert os.listdir(os.path.join(p, "data")) == ["$BASE-${BASE:x}.db"], os.listdir(os.path.join(p, "data"))
    # An unresolved variable in a URL is an error naming it (exit 2), and
    # nothing is created.
    text = open(ini).read().replace("${ODD}", "${APP_DB_NAME}")
    open(ini, "w").write(text)
    r = strata("-C", p, "upgrade", check=2)
    line = one_error_line(r)
    assert "${APP_DB_NAME}" in line and "strata.ini: url" in line, line
    # Commands that need no database do not care.
    strata("-C", p, "heads", check=0)
    # `strata init` wrote an example .env.
    example = open(os.path.join(p, ".env.example")).read()
    assert "PSQL_PASSWORD" in example and "DATABASE_URL" in example, example


def write_ini_url(project, url):
    ini = os.path.join(project, "strata.ini")
    text = open(ini).read().replace("url=sqlite:///app.db", f"url={url}")
    open(ini, "w").write(text)


@test_pg
def dotenv_psql_parts_reach_postgresql(tmp):
    # The seeds' layout as-is: strata.ini's url from PSQL_* parts, a .env
    # with only PSQL_* lines, a password that needs percent-encoding.
    p = os.path.join(tmp, "p")
    strata("init", p, check=0)
    url = T.create_pg_database(p)
    database = url.rpartition("/")[2]
    T.PROJECT_URLS.pop(os.path.realpath(p))
    user, _, host, port = pg_parts()
    role = f"strata_env_{os.getpid()}"
    password = "p@ss/w:rd?#%&=+ x"
    con = T.pg_connect(T.PG_URL)
    try:
        cur = con.cursor()
        cur.execute(f"DROP ROLE IF EXISTS {role}")
        cur.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", (password,))
        cur.execute(f'ALTER DATABASE "{database}" OWNER TO {role}')
    finally:
        con.close()
    try:
        write_ini_url(p, "postgresql://${PSQL_USER}:${PSQL_PASSWORD}@${PSQL_HOST}:${PSQL_PORT}/${PSQL_DATABASE}")
        write_revision(p, "r1", None, [sql_op("CREATE TABLE from_env (id integer)")], [sql_op("DROP TABLE from_env")])
        with open(os.path.join(p, ".env"), "w") as f:
            f.write(f"PSQL_USER={role}\nPSQL_PASSWORD='{password}'\nPSQL_HOST={host}\n"
                    f"PSQL_PORT={port}\nPSQL_DATABASE={database}\n")
        env = {"PGPASSWORD": "", "PGPASSFILE": os.devnull}
        r = strata("upgrade", cwd=p, env=env, check=0)
        assert "Running upgrade <base> -> r1" in r.err, r
        assert password not in r.err + r.out
        con = T.pg_connect(url)
        try:
            cur = con.cursor()
            cur.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'from_env'")
            rows = cur.fetchall()
        finally:
            con.close()
        assert rows == [(role,)], rows
        # The DB_* layout with a Unix-socket directory as the host.
        ini = os.path.join(p, "strata.ini")
        text = open(ini).read()
        text = text.replace("postgresql://${PSQL_USER}:${PSQL_PASSWORD}@${PSQL_HOST}:${PSQL_PORT}/${PSQL_DATABASE}",
                            "postgresql://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:${DB_PORT}/${DB_NAME}")
        open(ini, "w").write(text)
        socket_dir = os.environ["STRATA_TEST_PG_SOCKET_DIR"]
        with open(os.path.join(p, ".env"), "w") as f:
            f.write(f"DB_HOST={socket_dir}\nDB_PORT={port}\nDB_USER={role}\n"
                    f"DB_PASSWORD=\"{password}\"\nDB_NAME={database}\n")
        r = strata("-v", "current", cwd=p, env=env, check=0)
        assert "Rev: r1 (head) (current)" in r.out, r
        assert f"host={socket_dir}" in r.err, r
        # Unset: an error naming the variable, before any connection.
        os.remove(os.path.join(p, ".env"))
        r = strata("current", cwd=p, env=env, check=2)
        assert "${DB_USER}" in one_error_line(r), r
    finally:
        T.drop_pg_databases()
        con = T.pg_connect(T.PG_URL)
        try:
            con.cursor().execute(f"DROP ROLE IF EXISTS {role}")
        finally:
            con.close()


# --- 9: history, heads, branches, show need no database ---------------------


@test
def history_heads_branches_show_never_connect(tmp):
    p = T.copy_example(tmp)
    # Nothing listens on port 1: any connection attempt fails (exit 1).
    dead = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
    for args in (("history",), ("history", "-r", "base:head"), ("heads",), ("branches",),
                 ("show", "1a0e6c2d9b41"), ("--json", "history")):
        r = strata("-C", p, "--url", dead, *args, check=0)
        assert "connect" not in r.err.lower(), (args, r)
    assert not os.path.exists(os.path.join(p, "bookshop.db")), "no command may create the database"
    r = strata("-C", p, "--url", dead, "history", "--indicate-current", check=1)
    assert "127.0.0.1" in one_error_line(r), r
    r = strata("-C", p, "--url", dead, "history", "-r", "current:", check=1)
    one_error_line(r)
    # With a database, -i marks its revision.
    strata("-C", p, "upgrade", "2b7f3e8a0c52", check=0)
    r = strata("-C", p, "history", "-i", check=0)
    assert [l for l in r.out.splitlines() if "(current)" in l][0].startswith("1a0e6c2d9b41 -> 2b7f3e8a0c52"), r


# --- 8 and 10: inspect, baseline; exit status 3 -----------------------------


@test_both
def inspect_then_check_reports_no_differences(tmp):
    p = T.copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "upgrade", "head", check=0)
    os.remove(os.path.join(p, "schema.json"))
    r = strata("-C", p, "inspect", check=0)
    assert "schema.json" in r.err, r
    model = json.load(open(os.path.join(p, "schema.json")))
    assert sorted(t["table"] for t in model["tables"]) == ["author", "book", "cart", "cart_item"], model
    r = strata("-C", p, "check", check=0)
    assert "No differences" in r.err, r
    # -o - prints the same model.
    r = strata("-C", p, "inspect", "-o", "-", check=0)
    assert json.loads(r.out) == model
    # A model that differs: exit 3, with the difference named.
    model["tables"] = [t for t in model["tables"] if t["table"] != "cart_item"]
    json.dump(model, open(os.path.join(p, "schema.json"), "w"))
    r = strata("-C", p, "check", check=3)
    assert "cart_item" in r.out and "difference" in one_error_line(r), r
    # drift: exit 0, then 3 once someone changes the database by hand.
    strata("-C", p, "drift", check=0)
    T.db_exec(db, "ALTER TABLE author ADD COLUMN nickname varchar(40)")
    r = strata("-C", p, "drift", check=3)
    assert "nickname" in r.out, r
    # inspect of a database that does not exist: exit 1, nothing created.
    if not PG:
        q = T.new_project(tmp, "empty")
        r = strata("-C", q, "inspect", check=1)
        one_error_line(r)
        assert not os.path.exists(os.path.join(q, "app.db"))


@test
def lint_error_findings_exit_3(tmp):
    p = T.new_project(tmp)
    write_revision(p, "r1", None, [{"op": "create_table", "table": "t",
                                    "columns": [{"name": "id", "type": "integer", "primary_key": True}]}])
    strata("-C", p, "lint", check=0)
    write_revision(p, "r2", "r1", [{"op": "drop_table", "table": "t"}])
    r = strata("-C", p, "lint", check=3)
    assert "destructive" in r.out.lower() or "drop" in r.out.lower(), r
    r = strata("--help", check=0)
    assert "3 a check found differences" in r.out, r.out


BASELINE_SQL = [
    "CREATE TABLE customer (id integer PRIMARY KEY, email varchar(100) NOT NULL, "
    "created varchar(30) DEFAULT 'never')",
    "CREATE UNIQUE INDEX ix_customer_email ON customer (email)",
    "CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, total numeric(10,2), "
    "CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id))",
    "INSERT INTO customer (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com')",
    "INSERT INTO orders (id, customer_id, total) VALUES (10, 1, 9.50)",
]


@test_both
def baseline_adopts_a_populated_database(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    for sql in BASELINE_SQL:
        T.db_exec(db, sql)
    r = strata("-C", p, "baseline", "-m", "adopt production", "--rev-id", "base1", check=0)
    assert "Generated" in r.out and "base1_adopt_production.json" in r.out, r
    assert T.versions(db) == ["base1"]
    doc = json.load(open(os.path.join(p, "migrations", "base1_adopt_production.json")))
    assert doc["down_revision"] is None and [o["op"] for o in doc["upgrade"]].count("create_table") == 2, doc
    # The database is what the revision describes.
    strata("-C", p, "drift", check=0)
    hist = T.db_rows(db, "SELECT revision, direction, outcome FROM strata_history")
    assert hist == [("base1", "stamp", "success")], hist
    # Later revisions go on top; upgrade head applies only them.
    write_revision(p, "r2", "base1", [sql_op("CREATE TABLE refund (id integer)")], [sql_op("DROP TABLE refund")])
    r = strata("-C", p, "upgrade", "head", check=0)
    assert "Running upgrade base1 -> r2" in r.err and r.err.count("Running upgrade") == 1, r
    assert T.versions(db) == ["r2"]
    assert T.db_rows(db, "SELECT count(*) FROM customer") == [(2,)]
    # A second baseline is refused (the project has revisions): exit 2.
    r = strata("-C", p, "baseline", "-m", "again", check=2)
    assert "baseline starts a project" in one_error_line(r), r
    r = strata("-C", p, "baseline", check=2)
    assert "-m" in one_error_line(r)


# --- 5: log --------------------------------------------------------------------


@test_both
def log_lists_applied_reverted_failed_and_pending(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "r1", None, [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("DROP TABLE t1")])
    write_revision(p, "r2", "r1", [sql_op("CREATE TABLE t2 (id integer)")], [sql_op("DROP TABLE t2")])
    write_revision(p, "r3", "r2", [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("DROP TABLE t3")])
    write_revision(p, "r4", "r3", [sql_op("CREATE TABLE t4 (id integer)")], [sql_op("DROP TABLE t4")])
    strata("-C", p, "upgrade", "r2", check=0)
    strata("-C", p, "downgrade", "-1", check=0)
    strata("-C", p, "upgrade", "r2", check=0)
    strata("-C", p, "upgrade", "head", check=1)
    r = strata("-C", p, "--json", "log", check=0)
    log = json.loads(r.out)
    events = [(e["revision"], e["direction"], e["outcome"]) for e in log]
    assert events == [("r1", "up", "success"), ("r2", "up", "success"), ("r2", "down", "success"),
                      ("r2", "up", "success"), ("r3", "up", "failed"),
                      ("r3", None, "pending"), ("r4", None, "pending")], events
    first = log[0]
    assert first["os_user"] and first["host"] and first["tool_version"] and first["started"], first
    assert first["duration_ms"] is not None and first["message"] == "revision r1" and first["file_present"]
    r = strata("-C", p, "log", check=0)
    lines = r.out.splitlines()
    assert lines[0].split()[:3] == ["When", "(UTC)", "Revision"], lines
    assert "failed" in lines[5] and "pending" in lines[6] and "pending" in lines[7], lines


# --- 1: validate, repair; upgrade and downgrade validate first -----------------


@test_both
def validate_refuses_an_edited_file_until_repair(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    r1 = write_revision(p, "r1", None, [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("DROP TABLE t1")])
    write_revision(p, "r2", "r1", [sql_op("CREATE TABLE t2 (id integer)")], [sql_op("DROP TABLE t2")])
    write_revision(p, "r3", "r2", [sql_op("CREATE TABLE t3 (id integer)")], [sql_op("DROP TABLE t3")])
    strata("-C", p, "upgrade", "r2", check=0)
    r = strata("-C", p, "validate", check=0)
    assert "Valid" in r.err, r
    # Someone edits an applied revision.
    doc = json.load(open(r1))
    doc["upgrade"] = [sql_op("CREATE TABLE t1 (id integer, extra text)")]
    json.dump(doc, open(r1, "w"))
    r = strata("-C", p, "validate", check=3)
    assert r.out.startswith("edited") and "r1" in r.out and "r1_r1.json" in r.out, r
    r = strata("-C", p, "--json", "validate", check=3)
    assert [(i["kind"], i["revision"]) for i in json.loads(r.out)] == [("edited", "r1")], r
    # upgrade and downgrade refuse and run nothing (exit 3) …
    r = strata("-C", p, "upgrade", "head", check=3)
    assert "r1 was edited" in one_error_line(r) and "strata repair" in r.err, r
    r = strata("-C", p, "downgrade", "-1", check=3)
    assert T.versions(db) == ["r2"] and "t3" not in T.tables(db), T.tables(db)
    # … unless told not to validate.
    strata("-C", p, "upgrade", "head", "--no-validate", check=0)
    strata("-C", p, "downgrade", "r2", "--no-validate", check=0)
    # repair lists before it acts; --dry-run changes nothing.
    r = strata("-C", p, "repair", "--dry-run", check=0)
    assert r.out.startswith("re-record  r1: checksum"), r
    strata("-C", p, "validate", check=3)
    r = strata("-C", p, "repair", check=0)
    assert "re-record  r1" in r.out and "Repaired 1 history row" in r.err, r
    strata("-C", p, "validate", check=0)
    r = strata("-C", p, "upgrade", "head", check=0)
    assert "Running upgrade r2 -> r3" in r.err, r
    # A failed attempt is listed, not an error; repair removes its row.
    write_revision(p, "r4", "r3", [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("SELECT 1")])
    strata("-C", p, "upgrade", "head", check=1)
    r = strata("-C", p, "validate", check=0)
    assert r.out.startswith("failed") and "r4" in r.out, r
    r = strata("-C", p, "repair", check=0)
    assert "remove     r4: history row" in r.out, r
    assert T.db_rows(db, "SELECT count(*) FROM strata_history WHERE outcome <> 'success'") == [(0,)]
    r = strata("-C", p, "repair", check=0)
    assert "Nothing to repair" in r.err, r


# --- 4: reviewed plans, the production guard ------------------------------------


@test_both
def plan_then_apply_refuses_when_anything_changed(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    r1 = write_revision(p, "r1", None, [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("DROP TABLE t1")])
    write_revision(p, "r2", "r1", [sql_op("CREATE TABLE t2 (id integer)")], [sql_op("DROP TABLE t2")])
    strata("-C", p, "upgrade", "r1", check=0)
    plan = os.path.join(tmp, "plan.json")
    r = strata("-C", p, "plan", "head", "-o", plan, check=0)
    assert "Wrote" in r.err and "1 step" in r.err, r
    doc = json.load(open(plan))
    assert doc["heads_before"] == ["r1"] and doc["heads_after"] == ["r2"], doc
    assert [s["revision"] for s in doc["steps"]] == ["r2"], doc
    assert any("CREATE TABLE t2" in st for st in doc["steps"][0]["statements"]), doc
    assert len(doc["hash"]) == 64 and set(doc["inputs"]) >= {"files", "schema", "heads", "dialect"}, doc
    assert T.versions(db) == ["r1"], "plan changes nothing"
    r = strata("-C", p, "apply", plan, check=0)
    assert "Running upgrade r1 -> r2" in r.err, r
    assert T.versions(db) == ["r2"]
    # The same plan again: the database moved on.
    r = strata("-C", p, "apply", plan, check=3)
    assert "revision (its version rows)" in one_error_line(r), r
    # Someone changes the schema by hand after the review: refused; undone: runs.
    write_revision(p, "r3", "r2", [sql_op("CREATE TABLE t3 (id integer)")], [sql_op("DROP TABLE t3")])
    strata("-C", p, "plan", "head", "-o", plan, check=0)
    T.db_exec(db, "CREATE TABLE sneaky (id integer)")
    r = strata("-C", p, "apply", plan, check=3)
    assert "the database's schema" in one_error_line(r) and T.versions(db) == ["r2"], r
    T.db_exec(db, "DROP TABLE sneaky")
    strata("-C", p, "apply", plan, check=0)
    assert T.versions(db) == ["r3"]
    # A downgrade plan, then a file edited after the review.
    strata("-C", p, "plan", "--downgrade", "base", "-o", plan, check=0)
    doc = json.load(open(r1))
    doc["message"] = "edited after the review"
    json.dump(doc, open(r1, "w"))
    r = strata("-C", p, "apply", plan, check=3)
    assert "the migration files" in one_error_line(r) and T.versions(db) == ["r3"], r
    # A file that is no plan: exit 2.
    r = strata("-C", p, "apply", r1, check=2)
    assert "not a plan" in one_error_line(r), r


@test_both
def production_needs_yes_or_the_database_name(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "r1", None, [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("DROP TABLE t1")])
    write_revision(p, "r2", "r1", [sql_op("CREATE TABLE t2 (id integer)")], [sql_op("DROP TABLE t2")])
    env = {}
    if PG:
        u = urllib.parse.urlparse(T.url_of(db))
        env["PGPASSWORD"] = urllib.parse.unquote(u.password)
        url = u._replace(netloc=f"{u.username}@{u.hostname}:{u.port}").geturl()
        name = u.path.lstrip("/")
    else:
        url, name = "sqlite:///app.db", "app.db"
    with open(os.path.join(p, "strata.ini"), "a") as f:
        f.write(f"\n[profile prod]\nurl={url}\nrole=production\n")
    r = strata("--profile", "prod", "upgrade", "r1", cwd=p, env=env, check=2)
    assert "production" in one_error_line(r) and "--yes" in r.err, r
    r = strata("--profile", "prod", "upgrade", "r1", cwd=p, env=env, stdin=open(os.devnull), check=2)
    assert T.tables(db) in ([], ["strata_history", "strata_version"]), "nothing may change"
    with open(os.path.join(tmp, "wrong"), "w") as f:
        f.write("not-it\n")
    r = strata("--profile", "prod", "upgrade", "r1", cwd=p, env=env, stdin=open(os.path.join(tmp, "wrong")), check=2)
    assert "nothing was changed" in one_error_line(r), r
    with open(os.path.join(tmp, "typed"), "w") as f:
        f.write(name + "\n")
    r = strata("--profile", "prod", "upgrade", "r1", cwd=p, env=env, stdin=open(os.path.join(tmp, "typed")), check=0)
    assert T.versions(db) == ["r1"], r
    strata("--profile", "prod", "--yes", "upgrade", cwd=p, env=env, check=0)
    assert T.versions(db) == ["r2"]
    # Nothing to do needs no confirmation; stamp and downgrade do.
    strata("--profile", "prod", "upgrade", cwd=p, env=env, check=0)
    strata("--profile", "prod", "downgrade", "-1", cwd=p, env=env, check=2)
    strata("--profile", "prod", "stamp", "base", cwd=p, env=env, check=2)
    assert T.versions(db) == ["r2"]
    # A development database needs none.
    strata("-C", p, "downgrade", "base", check=0)


# --- 3: scripts from the live state that guard themselves ----------------------


def run_script(db, script):
    """Runs a --sql script as a person would: stops at the first error."""
    if PG:
        con = T.pg_connect(T.url_of(db))
        try:
            con.cursor().execute(script)
        finally:
            con.close()
        return
    import sqlite3
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.executescript(script)
    finally:
        con.close()


@test_both
def sql_scripts_start_from_the_live_state_and_guard_themselves(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    for rev, down in (("r1", None), ("r2", "r1"), ("r3", "r2")):
        write_revision(p, rev, down, [sql_op(f"CREATE TABLE t_{rev} (id integer)")], [sql_op(f"DROP TABLE t_{rev}")])
    strata("-C", p, "upgrade", "r1", check=0)
    r = strata("-C", p, "upgrade", "--sql", check=0)
    script = r.out
    assert "Running upgrade r1 -> r2" in script and "<base> -> r1" not in script, script
    assert T.versions(db) == ["r1"], "--sql runs nothing"
    if PG:
        assert "pg_advisory_lock(" in script and "DO $strata$" in script and "RAISE EXCEPTION" in script, script
    else:
        assert "RAISE(ABORT" in script, script
    # --sql --json: the same plan as data.
    r = strata("-C", p, "--json", "upgrade", "--sql", check=0)
    doc = json.loads(r.out)
    assert doc["heads_before"] == ["r1"] and [s["revision"] for s in doc["steps"]] == ["r2", "r3"], doc
    assert any("CREATE TABLE t_r2" in st for st in doc["steps"][0]["statements"]), doc
    # The script run by hand: the same result and history as an online run.
    run_script(db, script)
    assert T.versions(db) == ["r3"] and "t_r3" in T.tables(db)
    hist = T.db_rows(db, "SELECT revision, direction, outcome, checksum FROM strata_history ORDER BY id")
    assert [h[:3] for h in hist] == [("r1", "up", "success"), ("r2", "up", "success"), ("r3", "up", "success")], hist
    assert hist[1][3] == hist[1][3] and len(hist[1][3]) == 64, hist
    strata("-C", p, "validate", check=0)
    # Run again on a database that moved on: the guard refuses, nothing changes.
    try:
        run_script(db, script)
        raise AssertionError("the script ran twice")
    except Exception as e:
        assert "needs the database at r1" in str(e), e
    assert T.versions(db) == ["r3"] and len(T.db_rows(db, "SELECT id FROM strata_history")) == 3
    # downgrade --sql without FROM starts from the database too.
    r = strata("-C", p, "downgrade", "--sql", "r1", check=0)
    assert "Running downgrade r3 -> r2" in r.out and "Running downgrade r2 -> r1" in r.out, r.out
    run_script(db, r.out)
    assert T.versions(db) == ["r1"] and "t_r2" not in T.tables(db), T.tables(db)
    # An explicit FROM needs no database.
    r = strata("-C", p, "--url", "sqlite:///does-not-exist.db", "upgrade", "--sql", "base:r1", check=0)
    assert "<base> -> r1" in r.out and not os.path.exists(os.path.join(p, "does-not-exist.db")), r


@test_pg
def sql_script_takes_the_online_runs_lock(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "r1", None, [sql_op("CREATE TABLE t1 (id integer)")], [sql_op("DROP TABLE t1")])
    script = strata("-C", p, "upgrade", "--sql", check=0).out
    lock = [l for l in script.splitlines() if l.startswith("SELECT pg_advisory_lock(")][0]
    con = T.pg_connect(T.url_of(db))
    try:
        con.cursor().execute(lock)
        r = strata("-C", p, "--lock-timeout", "1s", "upgrade", check=1)
        assert "Waiting for the migration lock" in r.err, r
    finally:
        con.close()
    strata("-C", p, "upgrade", check=0)


# --- 2: rollback after the files are gone (a branch switch) --------------------


def table_op(name, *cols):
    return {"op": "create_table", "table": name,
            "columns": [{"name": "id", "type": "integer", "primary_key": True}] +
                       [{"name": c, "type": "text"} for c in cols]}


@test_both
def downgrade_uses_stored_copies_when_files_are_gone(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    # main: r1. Branch A adds r2 and r3 (with no downgrade written: it is
    # computed), including a drop whose inverse needs the schema.
    write_revision(p, "r1", None, [table_op("account", "name")])
    a2 = write_revision(p, "r2", "r1", [{"op": "add_column", "table": "account",
                                         "column": {"name": "nickname", "type": "text"}},
                                        table_op("scratch", "note")])
    a3 = write_revision(p, "r3", "r2", [{"op": "drop_table", "table": "scratch"},
                                        {"op": "create_index", "table": "account", "name": "ix_account_name",
                                         "columns": ["name"]}])
    strata("-C", p, "upgrade", "head", check=0)
    assert T.versions(db) == ["r3"] and T.columns(db, "account") == ["id", "name", "nickname"]
    stored = T.db_rows(db, "SELECT revision, downgrade FROM strata_history WHERE revision = 'r2'")
    assert json.loads(stored[0][1])["script"]["revision"] == "r2", stored
    # Branch B is checked out: A's files are gone.
    os.rename(a2, os.path.join(tmp, "r2.json"))
    os.rename(a3, os.path.join(tmp, "r3.json"))
    r = strata("-C", p, "current", check=0)
    assert r.out.strip() == "r3 (applied, file absent)", r
    r = strata("-C", p, "--json", "current", check=0)
    assert json.loads(r.out)[0]["file_present"] is False, r
    r = strata("-C", p, "history", "-i", check=0)
    assert "r2 -> r3" in r.out and "(current) (applied, file absent)" in r.out, r
    r = strata("-C", p, "validate", check=3)
    assert r.out.count("missing") == 2 and "no file" in one_error_line(r), r
    # downgrade says it uses the stored copies, and the schema is back.
    r = strata("-C", p, "downgrade", "r1", check=0)
    assert r.err.count("its file is absent: using the copy and downgrade stored") == 2, r
    assert T.versions(db) == ["r1"]
    assert T.columns(db, "account") == ["id", "name"], T.columns(db, "account")
    assert "scratch" not in T.tables(db), T.tables(db)
    strata("-C", p, "drift", check=0)
    # B's own revision goes on top.
    write_revision(p, "b2", "r1", [table_op("invoice", "total")])
    r = strata("-C", p, "upgrade", "head", check=0)
    assert "Running upgrade r1 -> b2" in r.err and T.versions(db) == ["b2"], r
    strata("-C", p, "validate", check=0)


# --- 6: resumable non-transactional runs -----------------------------------------


def start_strata(*args):
    """strata in the background, as test-cli.py's strata() would run it."""
    env = dict(os.environ)
    for var in ("STRATA_URL", "DATABASE_URL"):
        env.pop(var, None)
    args = list(args)
    if PG and args[0] == "-C":
        args[2:2] = ["--url", T.PROJECT_URLS[os.path.realpath(args[1])]]
    return subprocess.Popen([T.STRATA, *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(what, check, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


SLOW = {"op": "sql", "postgresql": "SELECT pg_sleep(4)",
        "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000000) "
                  "SELECT count(*) FROM c"}


@test_both
def non_transactional_run_resumes_after_a_kill(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "nt", None, [sql_op("CREATE TABLE first_part (id integer)"), SLOW,
                                   sql_op("CREATE TABLE last_part (id integer)")],
                   [sql_op("DROP TABLE last_part"), sql_op("DROP TABLE first_part")], transactional=False)
    proc = start_strata("-C", p, "upgrade")
    try:
        # Killed between statements: the first completed, the second runs.
        wait_for("the first statement to be counted", lambda: T.db_rows(
            db, "SELECT outcome, statements_done FROM strata_history") == [("partial", 1)])
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    assert "first_part" in T.tables(db) and "last_part" not in T.tables(db), T.tables(db)
    assert T.versions(db) == []
    # The next run resumes after the first statement instead of failing on
    # "already exists".
    r = strata("-C", p, "-v", "upgrade", check=0, timeout=120)
    assert "done before the interruption: CREATE TABLE first_part" in r.err, r
    assert T.versions(db) == ["nt"] and "last_part" in T.tables(db), r
    hist = T.db_rows(db, "SELECT revision, direction, outcome FROM strata_history ORDER BY id")
    assert hist == [("nt", "up", "interrupted"), ("nt", "up", "success")], hist
    r = strata("-C", p, "--json", "log", check=0)
    assert [e["outcome"] for e in json.loads(r.out)] == ["interrupted", "success"], r
    # An uninterrupted non-transactional run leaves only its success.
    strata("-C", p, "downgrade", "base", check=0, timeout=120)
    assert T.db_rows(db, "SELECT outcome FROM strata_history WHERE direction = 'down'") == [("success",)]


@test_pg
def interrupted_create_index_concurrently_is_retried(tmp):
    p = T.new_project(tmp)
    db = os.path.join(p, "app.db")
    url = T.url_of(db)
    T.db_exec(db, "CREATE TABLE item (id integer PRIMARY KEY, v integer)")
    T.db_exec(db, "INSERT INTO item SELECT g, g % 97 FROM generate_series(1, 20000) AS g")
    write_revision(p, "r1", None, [{"op": "create_index", "table": "item", "name": "ix_item_v",
                                    "columns": ["v"], "concurrently": True}],
                   [{"op": "drop_index", "table": "item", "name": "ix_item_v"}], transactional=False)
    # An open writer makes CREATE INDEX CONCURRENTLY wait after it has
    # entered the index, not yet valid, in the catalog.
    writer = T.pg_connect(url)
    writer.autocommit = False
    writer.cursor().execute("INSERT INTO item VALUES (100000, 1)")
    proc = start_strata("-C", p, "upgrade")
    try:
        wait_for("CREATE INDEX CONCURRENTLY to wait", lambda: T.db_rows(
            db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' "
                "AND wait_event_type = 'Lock'") == [(1,)])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    # The server ends the orphaned statement (as a crash or a lost
    # connection does): an INVALID index is left.
    T.db_rows(db, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE query LIKE 'CREATE INDEX CONCURRENTLY%'")
    writer.rollback()
    writer.close()
    wait_for("the backend to end", lambda: T.db_rows(
        db, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%'") == [(0,)])
    assert T.db_rows(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_item_v'::regclass") == [(False,)]
    # The next run drops it and builds it again.
    r = strata("-C", p, "upgrade", check=0, timeout=120)
    assert T.db_rows(db, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_item_v'::regclass") == [(True,)], r
    assert T.versions(db) == ["r1"]


if __name__ == "__main__":
    sys.exit(T.main())
