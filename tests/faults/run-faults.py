#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fault injection against real files: runs `strata upgrade` on a SQLite
# project, a store upgrade (`strata profiles list` on an old store) and
# `strata profiles add` (on a store and with no store yet) with the
# LD_PRELOAD shim strata-fault-shim.so, which kills the process (SIGKILL) or
# fails the call (EIO, ENOSPC, EACCES; once, or from then on) at the Nth
# write, sync, truncate, unlink, link or rename of a file in the scenario's folder.
# After every fault, with no fault: the next strata command works (SQLite
# rolls a hot journal back), the database passes integrity_check and is
# exactly at one of its revisions (schema and data as a clean upgrade to that
# revision leaves them), or the store opens with everything that was
# committed; and the next upgrade reaches head.
#
#   run-faults.py --quick         a sample of the fault points (the suite)
#   run-faults.py                 every point, every action (README.md)
#
# Environment (set by meson): STRATA_CLI, STRATA_FAULT_SHIM,
# STRATA_FAULT_STORE. Output: TAP, and the figures on the last lines.

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

STRATA = os.environ.get("STRATA_CLI")
SHIM = os.environ.get("STRATA_FAULT_SHIM")
STORE_HELPER = os.environ.get("STRATA_FAULT_STORE")

STORE_FIRST = "3f1c9a2e7b40"
STORE_HEAD = "8d2e4b6a1c93"

ACTIONS = ["kill", "eio", "enospc", "eacces"]

MIGRATIONS = [
    {"revision": "a1", "down_revision": None, "message": "accounts and orders",
     "upgrade": [
         {"op": "create_table", "table": "account", "columns": [
             {"name": "id", "type": "integer", "primary_key": True},
             {"name": "email", "type": "varchar(255)", "nullable": False}],
          "indexes": [{"name": "ix_account_email", "columns": ["email"], "unique": True}]},
         {"op": "create_table", "table": "orders", "columns": [
             {"name": "id", "type": "integer", "primary_key": True},
             {"name": "account_id", "type": "integer", "nullable": False},
             {"name": "total", "type": "numeric(10,2)"}],
          "foreign_keys": [{"name": "fk_orders_account", "columns": ["account_id"],
                            "references": "account", "ref_columns": ["id"]}]}]},
    {"revision": "a2", "down_revision": "a1", "message": "seed",
     "upgrade": [
         {"op": "insert", "table": "account",
          "rows": [{"id": i, "email": f"user{i}@example.com"} for i in range(1, 201)]},
         {"op": "insert", "table": "orders",
          "rows": [{"id": i, "account_id": 1 + i % 200, "total": "12.50"} for i in range(1, 301)]}]},
    {"revision": "a3", "down_revision": "a2", "message": "rebuild account",
     "upgrade": [
         {"op": "add_column", "table": "account",
          "column": {"name": "name", "type": "text", "default": "'nobody'"}},
         {"op": "alter_column", "table": "account", "column": "email", "type": "varchar(320)"}]},
    {"revision": "a4", "down_revision": "a3", "message": "index and view",
     "upgrade": [
         {"op": "create_index", "table": "orders", "name": "ix_orders_account", "columns": ["account_id"]},
         {"op": "sql", "sql": "CREATE VIEW account_totals AS SELECT account_id, sum(total) AS total "
                              "FROM orders GROUP BY account_id"}],
     "downgrade": [{"op": "drop_index", "table": "orders", "name": "ix_orders_account"},
                   {"op": "sql", "sql": "DROP VIEW account_totals"}]},
]
CHAIN = [None] + [m["revision"] for m in MIGRATIONS]


class Figures:
    def __init__(self):
        self.injected = 0
        self.recovered = 0
        self.points = {}
        self.failures = []


def run(args, env, cwd=None, fault=None, timeout=120):
    """Runs a command, with the shim when @fault is (dir, at, action, sticky)."""
    env = dict(env)
    count_file = None
    if fault is not None:
        folder, at, action, sticky = fault
        fd, count_file = tempfile.mkstemp(prefix="strata-fault-count-")
        os.close(fd)
        env.update({
            "LD_PRELOAD": SHIM,
            "STRATA_FAULT_DIR": folder,
            "STRATA_FAULT_AT": str(at),
            "STRATA_FAULT_ACTION": action,
            "STRATA_FAULT_STICKY": "1" if sticky else "0",
            "STRATA_FAULT_COUNT": count_file,
        })
        # Under AddressSanitizer (build-aux/strata-dev sanitize) the shim
        # comes before the ASan runtime in the preload list
        if "ASAN_OPTIONS" in env:
            env["ASAN_OPTIONS"] += ":verify_asan_link_order=0"
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    info = None
    if count_file is not None:
        with open(count_file) as f:
            lines = f.read().split("\n")
        os.unlink(count_file)
        info = (int(lines[0]) if lines and lines[0] else 0, lines[1] if len(lines) > 1 else "")
    return proc, info


def dump(path, skip=("strata_history",)):
    """The schema and data of a database, as comparable text."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = []
        for kind, name, sql in con.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"):
            out.append(f"{kind} {name}: {sql}")
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall():
            if name in skip:
                continue
            rows = con.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall()
            out.append(f"{name}: {rows!r}")
        return "\n".join(out)
    finally:
        con.close()


def integrity(path):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def heads_of(path, table="strata_version"):
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
            return []
        return sorted(r[0] for r in con.execute(f"SELECT version_num FROM {table}"))
    finally:
        con.close()


class Scenario:
    """One command run under faults, in a folder of its own."""
    name = ""

    def __init__(self, root, env):
        self.root = root
        self.env = env

    def prepare(self):
        """Makes the files the command starts from, in self.dir."""
        raise NotImplementedError

    def command(self):
        raise NotImplementedError

    def check(self, faulted, status):
        """After a fault: returns an error text, or None."""
        raise NotImplementedError

    def fresh(self):
        self.dir = os.path.join(self.root, self.name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.prepare()

    def count(self):
        self.fresh()
        proc, info = run(self.command(), self.env_for(), cwd=self.cwd(), fault=(self.dir, 0, "kill", False))
        if proc.returncode != 0:
            raise RuntimeError(f"{self.name}: fails without a fault: {proc.stderr.strip()}")
        return info[0]

    def env_for(self):
        return self.env

    def cwd(self):
        return self.dir


class Migration(Scenario):
    name = "migration"

    def prepare(self):
        self.project = os.path.join(self.dir, "project")
        os.makedirs(os.path.join(self.project, "migrations"))
        with open(os.path.join(self.project, "strata.ini"), "w") as f:
            f.write("[strata]\nmigrations=migrations\nurl=sqlite:///app.db\n")
        for m in MIGRATIONS:
            with open(os.path.join(self.project, "migrations", f"{m['revision']}_step.json"), "w") as f:
                json.dump(m, f)
        self.db = os.path.join(self.project, "app.db")

    def cwd(self):
        return self.project

    def command(self):
        return [STRATA, "-q", "upgrade", "head"]

    def expected(self):
        """The dump of a clean upgrade to every revision."""
        states = {}
        for rev in CHAIN:
            self.fresh()
            if rev is not None:
                proc, _ = run([STRATA, "-q", "upgrade", rev], self.env, cwd=self.project)
                assert proc.returncode == 0, proc.stderr
                states[rev] = dump(self.db)
        self.states = states

    def check(self, faulted, status):
        # The next command works (SQLite rolls a hot journal back)…
        proc, _ = run([STRATA, "--json", "current"], self.env, cwd=self.project)
        if proc.returncode != 0:
            return f"`strata current` after the fault: exit {proc.returncode}: {proc.stderr.strip()}"
        if not os.path.exists(self.db):
            heads = []
        else:
            if integrity(self.db) != "ok":
                return f"integrity_check: {integrity(self.db)}"
            heads = heads_of(self.db)
        if len(heads) > 1 or (heads and heads[0] not in CHAIN):
            return f"version table holds {heads}"
        rev = heads[0] if heads else None
        if status == 0 and rev != CHAIN[-1]:
            return f"the run succeeded but the database is at {rev}"
        if rev is not None and dump(self.db) != self.states[rev]:
            return f"the database says {rev} but its schema or data differ from revision {rev}"
        if rev is None and os.path.exists(self.db):
            tables = [n for n in dump(self.db).split("\n") if n.startswith("table ")
                      and "strata_" not in n]
            if tables:
                return f"at base, but holds {tables}"
        # …and the next upgrade reaches head.
        proc, _ = run([STRATA, "-q", "upgrade", "head"], self.env, cwd=self.project)
        if proc.returncode != 0:
            return f"the next upgrade: exit {proc.returncode}: {proc.stderr.strip()}"
        if dump(self.db) != self.states[CHAIN[-1]]:
            return "the next upgrade did not reach head exactly"
        return None


class StoreScenario(Scenario):
    def env_for(self):
        env = dict(self.env)
        env["XDG_DATA_HOME"] = self.data
        return env

    def fresh(self):
        self.dir = os.path.join(self.root, self.name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.data = os.path.join(self.dir, "data")
        os.makedirs(self.data)
        self.store = os.path.join(self.data, "strata", "strata.db")
        self.prepare()

    def profiles(self):
        proc, _ = run([STRATA, "--json", "profiles", "list"], self.env_for(), cwd=self.dir)
        if proc.returncode != 0:
            return None, f"`strata profiles list` after the fault: exit {proc.returncode}: {proc.stderr.strip()}"
        if "damaged" in proc.stderr:
            return None, f"the store was set aside: {proc.stderr.strip()}"
        return sorted(p["name"] for p in json.loads(proc.stdout)), None

    def make_store(self, revision, *profiles):
        args = [STORE_HELPER, self.store, revision]
        for name in profiles:
            args += [name, f"sqlite:////srv/{name}.db"]
        proc = subprocess.run(args, env=self.env_for(), capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


class StoreUpgrade(StoreScenario):
    name = "store-upgrade"

    def prepare(self):
        self.make_store(STORE_FIRST, "alpha", "beta")

    def command(self):
        return [STRATA, "profiles", "list"]

    def check(self, faulted, status):
        names, problem = self.profiles()
        if problem:
            return problem
        if names != ["alpha", "beta"]:
            return f"profiles after recovery: {names}"
        if integrity(self.store) != "ok":
            return f"integrity_check: {integrity(self.store)}"
        if heads_of(self.store) != [STORE_HEAD]:
            return f"store at {heads_of(self.store)} after the next open"
        return None


class ProfilesAdd(StoreScenario):
    name = "profiles-add"
    new_store = False

    def prepare(self):
        if not self.new_store:
            self.make_store("heads", "alpha")

    def command(self):
        return [STRATA, "profiles", "add", "gamma", "--url", "sqlite:////srv/gamma.db"]

    def check(self, faulted, status):
        names, problem = self.profiles()
        if problem:
            return problem
        before = [] if self.new_store else ["alpha"]
        if status == 0 and names != sorted(before + ["gamma"]):
            return f"`profiles add` succeeded but the store holds {names}"
        if names not in (before, sorted(before + ["gamma"])):
            return f"profiles after recovery: {names}"
        if os.path.exists(self.store):
            if integrity(self.store) != "ok":
                return f"integrity_check: {integrity(self.store)}"
            if heads_of(self.store) != [STORE_HEAD]:
                return f"store at {heads_of(self.store)}"
        return None


class ProfilesAddNewStore(ProfilesAdd):
    name = "profiles-add-new-store"
    new_store = True


def points_for(scenario, total, quick, action):
    if not quick:
        return range(1, total + 1)
    # Kills at every call of the store's (the crash cases of issue 13), at
    # every third of the migration's; errors at a spread of them.
    if action == "kill":
        return range(1, total + 1, 3 if isinstance(scenario, Migration) else 1)
    step = max(1, total // 10)
    return sorted(set(list(range(1, total + 1, step)) + [total]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a sample of the fault points")
    parser.add_argument("--only", help="one scenario")
    opts = parser.parse_args()

    for what, value in (("STRATA_CLI", STRATA), ("STRATA_FAULT_SHIM", SHIM),
                        ("STRATA_FAULT_STORE", STORE_HELPER)):
        if not value or not os.path.exists(value):
            print(f"Bail out! {what} is not set to an existing file")
            return 1

    root = tempfile.mkdtemp(prefix="strata-faults-")
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env["XDG_DATA_HOME"] = os.path.join(root, "no-store")
    env.pop("STRATA_URL", None)
    env.pop("DATABASE_URL", None)
    figures = Figures()
    started = time.monotonic()

    scenarios = [Migration(root, env), StoreUpgrade(root, env), ProfilesAdd(root, env),
                 ProfilesAddNewStore(root, env)]
    if opts.only:
        scenarios = [s for s in scenarios if s.name == opts.only]

    modes = [(a, False) for a in ACTIONS]
    if not opts.quick:
        modes += [("enospc", True), ("eio", True)]

    test_number = 0
    try:
        for scenario in scenarios:
            if isinstance(scenario, Migration):
                scenario.expected()
            total = scenario.count()
            figures.points[scenario.name] = total
            for action, sticky in modes:
                failures = []
                n = 0
                for at in points_for(scenario, total, opts.quick, action):
                    scenario.fresh()
                    proc, info = run(scenario.command(), scenario.env_for(), cwd=scenario.cwd(),
                                     fault=(scenario.dir, at, action, sticky))
                    status = proc.returncode
                    figures.injected += 1
                    n += 1
                    problem = None
                    if status not in (0, 1, -9):
                        problem = f"exit {status}: {proc.stderr.strip()}"
                    elif status == 1 and len(proc.stderr.strip().split("\n")) != 1:
                        problem = f"not one error line: {proc.stderr.strip()!r}"
                    if problem is None:
                        problem = scenario.check(info[1] if info else "", status)
                    if problem is None:
                        figures.recovered += 1
                    else:
                        failures.append(f"fault {at} ({info[1] if info else '?'}): {problem}")
                test_number += 1
                label = f"{scenario.name}: {action}{' from then on' if sticky else ''} at {n} of {total} calls"
                if failures:
                    print(f"not ok {test_number} {label}")
                    for f in failures[:10]:
                        print(f"# {f}")
                    figures.failures += failures
                else:
                    print(f"ok {test_number} {label}")
                sys.stdout.flush()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"1..{test_number}")
    points = ", ".join(f"{k} {v}" for k, v in figures.points.items())
    print(f"# fault points (write/sync/truncate/unlink/link/rename calls): {points}")
    print(f"# faults injected: {figures.injected}, recovered: {figures.recovered}, "
          f"failed: {len(figures.failures)}, in {time.monotonic() - started:.0f} s")
    return 1 if figures.failures else 0


if __name__ == "__main__":
    sys.exit(main())
