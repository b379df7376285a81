#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Every command's --json output, and errors as JSON on stderr, against the
# shapes README.md documents ("Machine-readable output", the ```json
# strata-json:NAME blocks). Runs on a copy of the example project with a
# SQLite database and a throwaway user store. Run by meson (suite cli) with
# STRATA_CLI and STRATA_SOURCE_DIR.

import json
import os
import re
import shutil
import sqlite3
import subprocess

from tap import run, skip_all, test

SOURCE = os.environ.get("STRATA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), ".."))
STRATA = os.environ.get("STRATA_CLI")
EXAMPLE = os.path.join(SOURCE, "data", "examples", "bookshop")
TYPES = {"string": str, "boolean": bool, "null": type(None)}


def documented_shapes():
    with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
        text = f.read()
    blocks = re.findall(r"^```json strata-json:(\S+)\n(.*?)^```$", text, re.S | re.M)
    shapes = {name: json.loads(body) for name, body in blocks}
    assert len(shapes) == len(blocks), "a shape is documented twice"
    return shapes


SHAPES = None


def check(value, shape, where="$"):
    """Raises AssertionError naming the first place @value leaves @shape."""
    if isinstance(shape, str) and shape in SHAPES:
        return check(value, SHAPES[shape], where)
    if isinstance(shape, str):
        kinds = shape.split("|")
        for kind in kinds:
            if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
                return
            if kind in TYPES and isinstance(value, TYPES[kind]):
                return
        raise AssertionError(f"{where}: {value!r} is not {shape}")
    if isinstance(shape, list):
        assert isinstance(value, list), f"{where}: {value!r} is not an array"
        for i, item in enumerate(value):
            check(item, shape[0], f"{where}[{i}]")
        return
    assert isinstance(value, dict), f"{where}: {value!r} is not an object"
    keys = {k.rstrip("?"): k.endswith("?") for k in shape}
    extra = set(value) - set(keys)
    assert not extra, f"{where}: undocumented keys {sorted(extra)}"
    for key, optional in keys.items():
        if key not in value:
            assert optional, f"{where}: no {key}"
            continue
        check(value[key], shape[key + "?" if optional else key], f"{where}.{key}")


class Project:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "shop")
        shutil.copytree(EXAMPLE, self.dir)
        self.env = dict(os.environ, HOME=tmp, XDG_DATA_HOME=os.path.join(tmp, "data"),
                        XDG_CACHE_HOME=os.path.join(tmp, "cache"), LC_ALL="C.UTF-8")
        for var in ("STRATA_URL", "DATABASE_URL"):
            self.env.pop(var, None)

    def run(self, *args, status=0):
        r = subprocess.run([STRATA, "-C", self.dir, "--json", *args], capture_output=True, text=True,
                           env=self.env, timeout=120)
        assert r.returncode == status, (args, r.returncode, r.stdout, r.stderr)
        return r

    def json(self, *args, shape, status=0):
        r = self.run(*args, status=status)
        value = json.loads(r.stdout)
        check(value, shape)
        return value


def with_shapes(func):
    def wrapper(tmp):
        global SHAPES
        SHAPES = documented_shapes()
        return func(tmp)
    wrapper.__name__ = func.__name__
    return test(wrapper)


@with_shapes
def graph_commands(tmp):
    p = Project(tmp)
    # history needs no database; -i reads it to mark the current revisions
    history = p.json("history", shape="history")
    assert len(history) == 8 and not any("is_current" in r for r in history)
    history = p.json("history", "-i", shape="history")
    assert len(history) == 8 and all("is_current" in r for r in history)
    assert all(r["file_present"] for r in history)
    assert [r["revision"] for r in p.json("heads", shape="history")] == ["8b4e0f6a2c18"]
    assert p.json("show", "3c4d", shape="history")[0]["revision"] == "3c4d1f9e7a63"
    branches = p.json("branches", shape="branches")
    assert branches[0]["revision"] == "3c4d1f9e7a63" and len(branches[0]["branches"]) == 2
    assert p.json("current", shape="history") == []


@with_shapes
def migrate_commands(tmp):
    p = Project(tmp)
    up = p.json("upgrade", "head", shape="upgrade")
    assert up["direction"] == "upgrade" and len(up["steps"]) == 8 and up["heads"] == ["8b4e0f6a2c18"]
    assert p.json("upgrade", "head", shape="upgrade")["steps"] == []
    current = p.json("current", shape="history")
    assert [r["revision"] for r in current] == ["8b4e0f6a2c18"] and current[0]["is_current"] is True
    down = p.json("downgrade", "-1", shape="upgrade")
    assert down["direction"] == "downgrade" and down["steps"] == ["8b4e0f6a2c18"]
    assert p.run("stamp", "head").stdout == ""
    # --sql --json: the plan as data (already at head: no step)
    assert p.json("upgrade", "head", "--sql", shape="plan")["steps"] == []
    script = p.json("downgrade", "--sql", "-1", shape="plan")
    assert script["heads_before"] == ["8b4e0f6a2c18"] and len(script["steps"]) == 1 and "hash" not in script


@with_shapes
def deploy_commands(tmp):
    p = Project(tmp)
    p.run("upgrade", "3c4d")
    log = p.json("log", shape="log")
    assert [e["outcome"] for e in log[:3]] == ["success"] * 3 and log[-1]["outcome"] == "pending"
    assert p.json("validate", shape="validate") == []
    plan = p.json("plan", "head", "-o", "-", shape="plan")
    assert plan["hash"] and plan["database"] and len(plan["steps"]) == 5
    with open(os.path.join(p.dir, "migrations", "1a0e6c2d9b41_create_author_table.json")) as f:
        doc = json.load(f)
    doc["message"] = "edited"
    with open(os.path.join(p.dir, "migrations", "1a0e6c2d9b41_create_author_table.json"), "w") as f:
        json.dump(doc, f)
    edited = p.json("validate", shape="validate", status=3)
    assert [i["kind"] for i in edited] == ["edited"]
    repaired = p.json("repair", shape="validate")
    assert repaired[0]["repaired"] is True
    fresh = Project(os.path.join(tmp, "other"))
    url = "sqlite:///" + os.path.join(tmp, "adopt.db")
    con = sqlite3.connect(os.path.join(tmp, "adopt.db"))
    con.execute("CREATE TABLE t (id integer PRIMARY KEY)")
    con.commit()
    con.close()
    for name in os.listdir(os.path.join(fresh.dir, "migrations")):
        os.remove(os.path.join(fresh.dir, "migrations", name))
    adopted = fresh.json("--url", url, "baseline", "-m", "adopt", shape="baseline")
    assert adopted["operations"] == 1 and os.path.isfile(adopted["path"])


@with_shapes
def model_commands(tmp):
    p = Project(tmp)
    assert p.json("check", shape="check") == {"differences": [], "rename_hints": []}
    p.run("upgrade", "head")
    assert p.json("drift", shape="check")["differences"] == []
    # A difference: check reports it in the same shape, and fails
    with open(os.path.join(p.dir, "schema.json")) as f:
        model = json.load(f)
    model["tables"].append({"table": "extra", "columns": [{"name": "id", "type": "integer"}]})
    with open(os.path.join(p.dir, "schema.json"), "w") as f:
        json.dump(model, f)
    r = p.run("check", status=p_status_differences())
    check(json.loads(r.stdout), "check")
    assert json.loads(r.stdout)["differences"]
    findings = p.json("lint", shape="lint")
    assert findings and {f["kind"] for f in findings} <= {"destructive", "irreversible", "locking",
                                                          "data-dependent"}


def p_status_differences():
    # DESIGN.md: 3 when a check finds differences; 1 until the CLI says so
    r = subprocess.run([STRATA, "--help"], capture_output=True, text=True)
    return 3 if "3 a check found differences" in r.stdout.replace("\n", " ") else 1


@with_shapes
def revision_commands(tmp):
    p = Project(tmp)
    new = p.json("revision", "-m", "add a thing", "--rev-id", "aaaa00000001", shape="revision")
    assert new["revision"] == "aaaa00000001" and os.path.isfile(new["path"])
    p.json("revision", "-m", "other", "--rev-id", "bbbb00000002", "--head", "8b4e0f6a2c18", "--splice",
           shape="revision")
    merged = p.json("merge", "-m", "merge", "heads", shape="revision")
    assert os.path.isfile(merged["path"])
    assert p.run("init", os.path.join(tmp, "fresh")).stdout == ""


@with_shapes
def profile_commands(tmp):
    p = Project(tmp)
    with open(os.path.join(p.dir, "strata.ini"), "a") as f:
        f.write("\n[profile prod]\nurl=postgresql://app@db.example.com:5433/app?sslmode=require\n")
    url = "sqlite:///" + os.path.join(tmp, "dev.db")
    added = p.json("profiles", "add", "dev", "--url", url, "--notes", "mine", shape="PROFILE")
    assert added["name"] == "dev" and added["origin"] == "user" and added["notes"] == "mine"
    listed = p.json("profiles", "list", shape="profiles-list")
    assert {(x["name"], x["origin"]) for x in listed} == {("dev", "user"), ("prod", "project")}
    prod = [x for x in listed if x["name"] == "prod"][0]
    assert prod["port"] == 5433 and prod["host"] == "db.example.com"
    shown = p.json("profiles", "show", "dev", shape="PROFILE")
    assert "password" in shown
    tested = p.json("profiles", "test", "dev", shape="profiles-test")
    assert tested["ok"] is True and tested["server"].startswith("SQLite ")
    assert p.run("profiles", "remove", "dev").stdout == ""


@with_shapes
def errors_are_json_on_stderr(tmp):
    p = Project(tmp)
    cases = [(("show", "nope"), 2), (("--no-such-option",), 2), (("no-such-command",), 2),
             (("--url", "sqlite:///" + os.path.join(tmp, "missing", "x.db"), "upgrade"), 1)]
    for args, status in cases:
        r = p.run(*args, status=status)
        assert r.stdout == "", (args, r.stdout)
        error = json.loads(r.stderr.strip().splitlines()[-1])
        check(error, "error")
        assert error["error"]["exit_status"] == status and error["error"]["message"], (args, error)
    # Without --json: the one readable line
    r = subprocess.run([STRATA, "-C", p.dir, "show", "nope"], capture_output=True, text=True, env=p.env)
    assert r.stderr.startswith("strata: error: "), r.stderr


@test
def shape_checker_rejects_what_is_not_documented(tmp):
    global SHAPES
    SHAPES = {"R": {"a": "string", "b?": "integer|null"}}
    check({"a": "x"}, "R")
    check([{"a": "x", "b": None}, {"a": "y", "b": 3}], ["R"])
    for bad in ({"a": 1}, {"a": "x", "c": 1}, {"b": 1}, {"a": "x", "b": True}, [{"a": 2}]):
        try:
            check(bad, "R" if isinstance(bad, dict) else ["R"])
        except AssertionError:
            continue
        raise AssertionError(f"accepted {bad!r}")


@test
def every_documented_shape_is_used(tmp):
    with open(__file__, encoding="utf-8") as f:
        me = f.read()
    shapes = documented_shapes()
    for name in shapes:
        used = f'"{name}"' in me or any(f'"{name}"' in json.dumps(other)
                                         for key, other in shapes.items() if key != name)
        assert used, f"README documents {name}, which no test checks"


if __name__ == "__main__":
    if not STRATA:
        skip_all("STRATA_CLI is not set")
    run()
