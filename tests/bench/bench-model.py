#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of the schema model on a 500-table project:
#   - `strata revision --autogenerate`: replay the head state from the
#     migrations (one revision creating 500 tables with columns, indexes,
#     unique, check and foreign key constraints), diff it against schema.json
#     (the same model with changes to 10% of the tables), write the revision;
#   - `strata drift` on a SQLite database holding those 500 tables:
#     introspect it and diff it against the replayed state.
#
# Times are whole processes (start-up included), medians of --runs runs.
# Targets on a 2-core machine:
#   autogenerate, 500 tables    <= 50 ms
#   drift, 500 SQLite tables    <= 200 ms
#
# Usage: bench-model.py [--strata PATH] [--runs R] [--tables 500]

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def table(i):
    name = f"t{i:04d}"
    cols = [{"name": "id", "type": "integer", "primary_key": True, "autoincrement": True},
            {"name": "name", "type": "varchar(100)", "nullable": False},
            {"name": "amount", "type": "numeric(10,2)", "default": "0"},
            {"name": "created", "type": "timestamptz", "default": "CURRENT_TIMESTAMP"},
            {"name": "active", "type": "boolean", "nullable": False, "default": "true"},
            {"name": "note", "type": "text"}]
    t = {"table": name, "columns": cols,
         "indexes": [{"name": f"ix_{name}_name", "columns": ["name"]},
                     {"name": f"ix_{name}_active", "columns": ["active", "created"], "where": "active"}],
         "unique": [{"name": f"uq_{name}_note", "columns": ["note"]}],
         "checks": [{"name": f"ck_{name}_amount", "expression": "amount >= 0"}]}
    if i > 0:
        cols.append({"name": "parent_id", "type": "integer"})
        t["foreign_keys"] = [{"name": f"fk_{name}_parent", "columns": ["parent_id"],
                              "references": f"t{i - 1:04d}", "ref_columns": ["id"], "on_delete": "cascade"}]
    return t


def changed(tables):
    out = copy.deepcopy(tables)
    for i, t in enumerate(out):
        if i % 10 == 0:
            t["columns"].append({"name": "extra", "type": "varchar(20)"})
            t["columns"][2]["default"] = "1"
            t["indexes"].append({"name": f"ix_{t['table']}_extra", "columns": ["extra"]})
    return out


def run(cmd, cwd):
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    return result.returncode, elapsed, result.stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", default=os.environ.get("STRATA_CLI", "strata"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tables", type=int, default=500)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="strata-bench-model-")
    try:
        tables = [table(i) for i in range(args.tables)]
        project = os.path.join(tmp, "p")
        subprocess.run([args.strata, "init", project], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        revision = {"revision": "b0000000000a", "down_revision": None, "message": "all tables",
                    "upgrade": [dict({"op": "create_table"}, **t) for t in tables]}
        with open(os.path.join(project, "migrations", "b0000000000a_all.json"), "w") as f:
            json.dump(revision, f)
        with open(os.path.join(project, "schema.json"), "w") as f:
            json.dump({"tables": changed(tables)}, f)

        # autogenerate: each run writes a new file, removed before the next
        times = []
        for _ in range(args.runs):
            status, elapsed, err = run([args.strata, "revision", "--autogenerate", "-m", "bench",
                                        "--rev-id", "c0000000000b"], project)
            assert status == 0, err
            os.remove(os.path.join(project, "migrations", "c0000000000b_bench.json"))
            times.append(elapsed)
        autogenerate = statistics.median(times)

        # drift on SQLite
        status, _, err = run([args.strata, "upgrade", "head"], project)
        assert status == 0, err
        times = []
        for _ in range(args.runs):
            status, elapsed, err = run([args.strata, "drift"], project)
            assert status == 0, err
            times.append(elapsed)
        drift = statistics.median(times)

        ok = autogenerate <= 0.050 and drift <= 0.200
        print(f"tables: {args.tables}")
        print(f"autogenerate: {autogenerate * 1000:.1f} ms (target <= 50 ms)")
        print(f"drift (SQLite): {drift * 1000:.1f} ms (target <= 200 ms)")
        print("OK" if ok else "ABOVE TARGET")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
