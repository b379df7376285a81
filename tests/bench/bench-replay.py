#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of replay-based work on a long history (issue 10, item 15): a
# 3,000-revision linear history without "downgrade" keys (tables created,
# columns added, altered and dropped, indexes), and for each dialect:
#   - render:    `upgrade --sql head` (the baseline)
#   - lint:      `lint` of every revision (each linted on the schema before it)
#   - downgrade: `downgrade --sql head:base` (every inverse computed)
# Each is printed with its ratio to render. Target: lint and downgrade
# within 3x of render (replay is linear: each step from the previous one).
#
# Usage: bench-replay.py [--strata PATH] [--revisions 3000] [--runs 3]

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def rev(i):
    return f"r{i:05d}"


def ops(i):
    t = f"t{i // 10:04d}"
    k = i % 10
    if k == 0:
        return [{"op": "create_table", "table": t,
                 "columns": [{"name": "id", "type": "integer", "primary_key": True, "autoincrement": True},
                             {"name": "name", "type": "varchar(100)", "nullable": False}]}]
    if k in (1, 2, 3):
        return [{"op": "add_column", "table": t, "column": {"name": f"c{k}", "type": "integer"}}]
    if k == 4:
        return [{"op": "create_index", "table": t, "name": f"ix_{t}_c1", "columns": ["c1"]}]
    if k == 5:
        return [{"op": "alter_column", "table": t, "column": "c2", "type": "bigint"}]
    if k == 6:
        return [{"op": "drop_index", "table": t, "name": f"ix_{t}_c1"}]
    if k == 7:
        return [{"op": "drop_column", "table": t, "column": "c3"}]
    if k == 8:
        return [{"op": "add_column", "table": t, "column": {"name": "note", "type": "text"}}]
    return [{"op": "alter_column", "table": t, "column": "note", "new_name": "remark"}]


def write_project(root, n):
    os.makedirs(os.path.join(root, "migrations"))
    with open(os.path.join(root, "strata.ini"), "w") as f:
        f.write("[strata]\nmigrations=migrations\nurl=sqlite:///bench.db\n")
    for i in range(n):
        doc = {"revision": rev(i), "down_revision": rev(i - 1) if i else None,
               "message": f"step {i}", "upgrade": ops(i)}
        with open(os.path.join(root, "migrations", f"{rev(i)}_step.json"), "w") as f:
            json.dump(doc, f)


def timed(strata, root, args, runs):
    times = []
    for _ in range(runs):
        start = time.monotonic()
        proc = subprocess.run([strata, "-C", root, *args], capture_output=True, text=True)
        times.append(time.monotonic() - start)
        if proc.returncode not in (0, 1, 3) or (proc.returncode == 1 and "findings" not in proc.stderr):
            sys.exit(f"strata {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", default=os.environ.get("STRATA_CLI", "strata"))
    parser.add_argument("--revisions", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    root = tempfile.mkdtemp(prefix="strata-bench-replay-")
    try:
        write_project(root, args.revisions)
        worst = 0.0
        for dialect in ("sqlite", "postgresql"):
            d = ["--dialect", dialect] if dialect != "sqlite" else []
            render = timed(args.strata, root, ["upgrade", "--sql", *d, "head"], args.runs)
            lint = timed(args.strata, root, ["lint"], args.runs)
            down = timed(args.strata, root, ["downgrade", "--sql", *d, "head:base"], args.runs)
            print(f"{dialect:10s} {args.revisions} revisions: render {render:.2f} s, "
                  f"lint {lint:.2f} s ({lint / render:.2f}x), "
                  f"downgrade --sql {down:.2f} s ({down / render:.2f}x)", flush=True)
            worst = max(worst, lint / render, down / render)
        print(f"worst ratio {worst:.2f}x (target <= 3x)")
        return 0 if worst <= 3 else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
