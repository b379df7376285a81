#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of Strata on PostgreSQL against its floor and a peer, on the
# throwaway server of build-aux/strata-dev (STRATA_TEST_PG_URL):
#   - the floor: psql running the same SQL, one transaction per migration;
#   - Alembic (python3 -m alembic, psycopg2) running the same SQL, one
#     transaction per migration.
# The workload is bench-sqlite.py's (N linear migrations: a table with a
# foreign key to the previous one and an index; every 5th adds a column to
# an earlier table; every 10th inserts 100 rows), rendered for PostgreSQL.
# Each run starts from a fresh database.
#
# Prints medians, ratios and Strata's round trips per migration. Targets:
#   upgrade 500 from empty    <= 1.1x the psql floor   (Alembic ~1.5x)
#   round trips               1 per migration (+ a handful per run)
#
# Usage: bench-postgres.py [--strata PATH] [--runs R] [--n-upgrade 500] [--no-alembic]

import argparse
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))


def load_workload():
    """The workload and helpers of bench-sqlite.py, so both measure the same."""
    spec = importlib.util.spec_from_file_location("bench_sqlite", os.path.join(HERE, "bench-sqlite.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def psql_path():
    bindir = os.environ.get("STRATA_TEST_PG_BINDIR")
    if bindir and os.path.exists(os.path.join(bindir, "psql")):
        return os.path.join(bindir, "psql")
    found = shutil.which("psql")
    if not found:
        raise SystemExit("psql is needed for the floor (apt-get install postgresql-client)")
    return found


class Server:
    def __init__(self, url):
        self.url = url
        self.psql = psql_path()

    def url_for(self, database):
        return self.url.rpartition("/")[0] + "/" + database

    def admin(self, sql):
        subprocess.run([self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url, "-c", sql],
                       check=True, capture_output=True)

    def fresh(self, database):
        def run():
            self.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            self.admin(f'CREATE DATABASE "{database}"')
        return run

    def drop(self, database):
        self.admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def per_migration_sql(strata, project, n):
    """The SQL Strata runs for each migration, from its offline output."""
    out = subprocess.run([strata, "-C", project, "upgrade", "--sql", "--dialect", "postgresql", "head"],
                         check=True, capture_output=True, text=True).stdout
    chunks = []
    current = None
    for line in out.splitlines():
        stripped = line.strip()
        if stripped.upper() == "BEGIN;":
            current = []
            continue
        if stripped.upper() == "COMMIT;":
            if current is not None:
                chunks.append("\n".join(current))
            current = None
            continue
        if current is None or stripped.startswith("--"):
            continue
        if "strata_version" in line:
            continue
        current.append(line)
    chunks = [c for c in chunks if c.strip()]
    if len(chunks) != n:
        raise SystemExit(f"expected {n} migrations in the offline SQL, found {len(chunks)}")
    return chunks


def write_floor(path, chunks):
    with open(path, "w") as f:
        for sql in chunks:
            f.write("BEGIN;\n")
            f.write(sql.rstrip().rstrip(";") + ";\n")
            f.write("COMMIT;\n")


def write_batched_floor(path, chunks):
    """The same, each migration sent as one request (psql's \\; joins the
    statements of a line): the network floor, which is what Strata does."""
    with open(path, "w") as f:
        for sql in chunks:
            body = sql.rstrip().rstrip(";")
            lines = ["BEGIN"] + [l[:-1] + "\\;" if l.rstrip().endswith(";") else l
                                 for l in body.splitlines()] + []
            f.write("BEGIN\\;\n" + "\n".join(lines[1:]) + "\\;\nCOMMIT;\n")


ALEMBIC_ENV = '''
from alembic import context
from sqlalchemy import create_engine

config = context.config
engine = create_engine(config.get_main_option("sqlalchemy.url"))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
'''


def write_alembic_project(workload, root, chunks, url):
    workload.write_alembic_project(root, chunks)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        # configparser: % must be doubled
        sa_url = url.replace("postgresql://", "postgresql+psycopg2://", 1).replace("%", "%%")
        f.write(f"[alembic]\nscript_location = {root}\nsqlalchemy.url = {sa_url}\n")
    with open(os.path.join(root, "env.py"), "w") as f:
        f.write(ALEMBIC_ENV)


def timed(cmd, setup=None, env=None):
    if setup:
        setup()
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed:\n{proc.stderr.decode()[-2000:]}")
    return elapsed


def median_time(cmd, runs, setup=None, warmup=1, env=None):
    for _ in range(warmup):
        timed(cmd, setup, env)
    return statistics.median(timed(cmd, setup, env) for _ in range(runs))


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", default=os.environ.get("STRATA_CLI", "_build/app/cli/strata"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--n-upgrade", type=int, default=500)
    parser.add_argument("--no-alembic", action="store_true")
    args = parser.parse_args()

    url = os.environ.get("STRATA_TEST_PG_URL")
    if not url:
        print("# SKIP: STRATA_TEST_PG_URL is not set; run build-aux/strata-dev bench")
        return 0 if os.environ.get("CI") != "true" else 1

    strata = os.path.abspath(args.strata)
    workload = load_workload()
    server = Server(url)
    have_alembic = not args.no_alembic and subprocess.run(
        [PYTHON, "-c", "import alembic, psycopg2"], capture_output=True).returncode == 0
    env = {k: v for k, v in os.environ.items() if k not in ("STRATA_URL", "DATABASE_URL")}

    work = tempfile.mkdtemp(prefix="strata-bench-pg-")
    databases = [f"bench_{name}_{os.getpid()}" for name in ("floor", "strata", "alembic")]
    floor_db, strata_db, alembic_db = databases
    try:
        n = args.n_upgrade
        sp = os.path.join(work, "strata")
        workload.write_strata_project(sp, n)
        chunks = per_migration_sql(strata, sp, n)
        floor_sql = os.path.join(work, "floor.sql")
        write_floor(floor_sql, chunks)

        batched_sql = os.path.join(work, "floor-batched.sql")
        write_batched_floor(batched_sql, chunks)

        print(f"# PostgreSQL benchmark, {n} migrations, median of {args.runs} runs (interleaved)")
        floor_cmd = [server.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.url_for(floor_db), "-f", floor_sql]
        batched_cmd = [server.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.url_for(floor_db),
                       "-f", batched_sql]
        strata_cmd = [strata, "-C", sp, "--url", server.url_for(strata_db), "-q", "upgrade", "head"]
        # Runs alternate, so that a busy moment of the machine weighs on all
        times = {"floor": [], "batched": [], "strata": []}
        for run in range(args.runs + 1):
            samples = (("floor", timed(floor_cmd, server.fresh(floor_db))),
                       ("batched", timed(batched_cmd, server.fresh(floor_db))),
                       ("strata", timed(strata_cmd, server.fresh(strata_db), env)))
            if run > 0:  # the first round warms up
                for name, seconds in samples:
                    times[name].append(seconds)
        floor = statistics.median(times["floor"])
        batched = statistics.median(times["batched"])
        up = statistics.median(times["strata"])

        # Round trips, from a verbose run of its own
        server.fresh(strata_db)()
        verbose = subprocess.run([strata, "-C", sp, "--url", server.url_for(strata_db), "-v", "upgrade", "head"],
                                 capture_output=True, text=True, env=env, check=True).stderr
        match = re.search(r"^Round trips to \S+: (\d+)$", verbose, re.MULTILINE)
        round_trips = int(match.group(1)) if match else None

        print(f"upgrade {n} from empty")
        print(f"  floor (psql, 1 txn/migration)    {ms(floor)}")
        print(f"  psql, 1 request/migration        {ms(batched)}   {batched / floor:5.2f}x floor  "
              f"(the network floor)")
        print(f"  strata                           {ms(up)}   {up / floor:5.2f}x floor  (target <= 1.10x; "
              f"{up / batched:4.2f}x the network floor)")
        if round_trips is not None:
            print(f"  strata round trips               {round_trips:8d}      {round_trips / n:5.2f} per migration")
        if have_alembic:
            ap = os.path.join(work, "alembic")
            write_alembic_project(workload, ap, chunks, server.url_for(alembic_db))
            al = median_time([PYTHON, "-m", "alembic", "-c", os.path.join(ap, "alembic.ini"), "upgrade", "head"],
                             max(1, args.runs // 2), setup=server.fresh(alembic_db), warmup=0)
            print(f"  alembic                          {ms(al)}   {al / floor:5.2f}x floor")
        else:
            print("  alembic                          (not run: python3-alembic and python3-psycopg2 are needed)")

        # no-op upgrade at N
        noop = median_time(strata_cmd, max(args.runs, 10), env=env)
        print(f"no-op `upgrade head` at N={n}")
        print(f"  strata                           {ms(noop)}   (connect, read the version table)")
    finally:
        for database in databases:
            try:
                server.drop(database)
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
