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
import sys
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


if __name__ == "__main__":
    sys.exit(T.main())
