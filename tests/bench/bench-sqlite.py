#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of Strata on SQLite against its floor and a peer:
#   - the floor: the sqlite3 shell running the same SQL, one transaction per migration;
#   - Alembic (python3 -m alembic) running the same SQL, one transaction per migration.
#
# Workload (N linear migrations): each creates a table with a foreign key to the
# previous one and an index; every 5th also adds a column to an earlier table;
# every 10th inserts 100 rows.
#
# Prints medians and ratios. Targets on a 2-core machine:
#   upgrade 500 from empty            <= 1.2x the floor        (Alembic ~3.7x)
#   no-op `upgrade head` at N=500     <= 5 ms, whole process   (Alembic ~217 ms)
#   `heads`, `history` at N=5000      <= 30 ms, <= 15 MB RSS   (Alembic ~730 ms, 73 MB)
#
# Usage: bench-sqlite.py [--strata PATH] [--runs R] [--n-upgrade 500] [--n-graph 5000] [--no-alembic]

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3"


def revision_id(i):
    return f"{i:012x}"


def migration_ops(i):
    """The operations of migration i (1-based) in Strata's JSON form."""
    table = f"t{i:05d}"
    cols = [{"name": "id", "type": "integer", "primary_key": True},
            {"name": "name", "type": "varchar(100)", "nullable": False},
            {"name": "amount", "type": "integer", "default": "0"}]
    fks = []
    if i > 1:
        cols.append({"name": "parent_id", "type": "integer"})
        fks.append({"name": f"fk_{table}_parent", "columns": ["parent_id"],
                    "references": f"t{i - 1:05d}", "ref_columns": ["id"]})
    create = {"op": "create_table", "table": table, "columns": cols}
    if fks:
        create["foreign_keys"] = fks
    ops = [create, {"op": "create_index", "table": table, "name": f"ix_{table}_name", "columns": ["name"]}]
    if i % 5 == 0:
        ops.append({"op": "add_column", "table": f"t{i // 2:05d}",
                    "column": {"name": f"extra_{i}", "type": "text"}})
    if i % 10 == 0:
        ops.append({"op": "insert", "table": table,
                    "rows": [{"id": r, "name": f"row {r}", "amount": r * 3} for r in range(1, 101)]})
    return ops


def write_strata_project(root, n):
    os.makedirs(os.path.join(root, "migrations"), exist_ok=True)
    with open(os.path.join(root, "strata.ini"), "w") as f:
        f.write("[strata]\nmigrations=migrations\nversion-table=strata_version\nurl=sqlite:///bench.db\n")
    for i in range(1, n + 1):
        doc = {"revision": revision_id(i), "down_revision": revision_id(i - 1) if i > 1 else None,
               "message": f"migration {i}", "upgrade": migration_ops(i), "downgrade": []}
        with open(os.path.join(root, "migrations", f"{revision_id(i)}_migration_{i}.json"), "w") as f:
            json.dump(doc, f, indent=2)


def per_migration_sql(strata, project, n):
    """The SQL Strata runs for each migration, from its offline output."""
    out = subprocess.run([strata, "-C", project, "upgrade", "--sql", "--dialect", "sqlite", "head"],
                         check=True, capture_output=True, text=True).stdout
    chunks = []
    current = None
    for line in out.splitlines():
        stripped = line.strip()
        if stripped.upper().startswith("BEGIN"):
            current = []
            continue
        if stripped.upper().startswith("COMMIT"):
            if current is not None:
                chunks.append("\n".join(current))
            current = None
            continue
        if current is None or stripped.startswith("--"):
            continue
        if "strata_version" in line or "strata_history" in line:
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


def write_alembic_project(root, chunks):
    versions = os.path.join(root, "versions")
    os.makedirs(versions, exist_ok=True)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(f"[alembic]\nscript_location = {root}\nsqlalchemy.url = sqlite:///{root}/bench.db\n")
    with open(os.path.join(root, "env.py"), "w") as f:
        f.write(ALEMBIC_ENV)
    with open(os.path.join(root, "script.py.mako"), "w") as f:
        f.write("")
    for i, sql in enumerate(chunks, 1):
        down = repr(revision_id(i - 1)) if i > 1 else "None"
        statements = [s for s in split_statements(sql)]
        body = "\n".join(f"    op.execute({s!r})" for s in statements) or "    pass"
        with open(os.path.join(versions, f"{revision_id(i)}_m.py"), "w") as f:
            f.write(f"from alembic import op\nrevision = {revision_id(i)!r}\ndown_revision = {down}\n"
                    f"branch_labels = None\ndepends_on = None\n\ndef upgrade():\n{body}\n\n"
                    f"def downgrade():\n    pass\n")


def split_statements(sql):
    parts, buf, quote = [], [], None
    for ch in sql:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            buf.append(ch)
        elif ch == ";":
            s = "".join(buf).strip()
            if s:
                parts.append(s)
            buf = []
        else:
            buf.append(ch)
    s = "".join(buf).strip()
    if s:
        parts.append(s)
    return parts


def timed(cmd, cwd=None, setup=None):
    """Run cmd once; return (seconds, peak RSS of the child in KiB)."""
    if setup:
        setup()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.decode()}")
    return elapsed, None


def peak_rss_kib(cmd, cwd=None):
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return int(proc.stderr.strip().splitlines()[-1])


def median_time(cmd, runs, cwd=None, setup=None, warmup=1):
    for _ in range(warmup):
        timed(cmd, cwd, setup)
    return statistics.median(timed(cmd, cwd, setup)[0] for _ in range(runs))


def remove(path):
    def run():
        for suffix in ("", "-journal", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)
    return run


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", default=os.environ.get("STRATA_CLI", "_build/app/cli/strata"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--n-upgrade", type=int, default=500)
    parser.add_argument("--n-graph", type=int, default=5000)
    parser.add_argument("--no-alembic", action="store_true")
    args = parser.parse_args()
    strata = os.path.abspath(args.strata)
    have_alembic = not args.no_alembic and subprocess.run(
        [PYTHON, "-c", "import alembic"], capture_output=True).returncode == 0
    if not shutil.which("sqlite3"):
        raise SystemExit("the sqlite3 shell is needed for the floor (apt-get install sqlite3)")

    work = tempfile.mkdtemp(prefix="strata-bench-")
    try:
        n = args.n_upgrade
        sp = os.path.join(work, "strata")
        write_strata_project(sp, n)
        chunks = per_migration_sql(strata, sp, n)
        floor_sql = os.path.join(work, "floor.sql")
        write_floor(floor_sql, chunks)
        floor_db = os.path.join(work, "floor.db")
        strata_db = os.path.join(sp, "bench.db")

        print(f"# SQLite benchmark, {n} migrations, median of {args.runs} runs")
        floor = median_time(["sh", "-c", f"sqlite3 {floor_db} < {floor_sql}"], args.runs, setup=remove(floor_db))
        up = median_time([strata, "-C", sp, "-q", "upgrade", "head"], args.runs, setup=remove(strata_db))
        print(f"upgrade {n} from empty")
        print(f"  floor (sqlite3, 1 txn/migration) {ms(floor)}")
        print(f"  strata                           {ms(up)}   {up / floor:5.2f}x floor  (target <= 1.20x)")
        if have_alembic:
            ap = os.path.join(work, "alembic")
            write_alembic_project(ap, chunks)
            alembic_db = os.path.join(ap, "bench.db")
            al = median_time([PYTHON, "-m", "alembic", "-c", os.path.join(ap, "alembic.ini"), "upgrade", "head"],
                             max(1, args.runs // 2), setup=remove(alembic_db), warmup=0)
            print(f"  alembic                          {ms(al)}   {al / floor:5.2f}x floor")

        # no-op upgrade at N
        subprocess.run([strata, "-C", sp, "-q", "upgrade", "head"], check=True)
        noop = median_time([strata, "-C", sp, "-q", "upgrade", "head"], max(args.runs, 20))
        print(f"no-op `upgrade head` at N={n}")
        print(f"  strata                           {ms(noop)}   (target <= 5 ms)")
        if have_alembic:
            subprocess.run([PYTHON, "-m", "alembic", "-c", os.path.join(ap, "alembic.ini"), "upgrade", "head"],
                           check=True, capture_output=True)
            al_noop = median_time([PYTHON, "-m", "alembic", "-c", os.path.join(ap, "alembic.ini"), "upgrade",
                                   "head"], max(1, args.runs // 2), warmup=0)
            print(f"  alembic                          {ms(al_noop)}   {al_noop / noop:6.1f}x strata")

        # heads / history at a large N
        g = args.n_graph
        gp = os.path.join(work, "graph")
        write_strata_project(gp, g)
        print(f"`heads` and `history` at N={g}")
        for cmd in ("heads", "history"):
            cold = timed([strata, "-C", gp, cmd, "--no-current"] if cmd == "history" else [strata, "-C", gp, cmd])[0]
            full = [strata, "-C", gp, cmd] + (["--no-current"] if cmd == "history" else [])
            t = median_time(full, max(args.runs, 10))
            rss = peak_rss_kib(full)
            print(f"  strata {cmd:<8}                  {ms(t)}   {rss / 1024:5.1f} MB peak RSS  "
                  f"(first run {ms(cold).strip()}; target <= 30 ms, <= 15 MB)")
        if have_alembic:
            ap2 = os.path.join(work, "alembic-graph")
            write_alembic_project(ap2, ["SELECT 1"] * g)
            for cmd in ("heads", "history"):
                full = [PYTHON, "-m", "alembic", "-c", os.path.join(ap2, "alembic.ini"), cmd]
                t = median_time(full, 1, warmup=0)
                rss = peak_rss_kib(full)
                print(f"  alembic {cmd:<8}                 {ms(t)}   {rss / 1024:5.1f} MB peak RSS")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
