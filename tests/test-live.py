#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# "The live database is the truth" (issue 10), end to end through the
# `strata` command line on real databases: SQLite files, and with
# STRATA_TEST_BACKEND=postgresql (meson's test-live-postgres) a fresh
# database of the throwaway PostgreSQL server per test. The harness (TAP,
# projects, databases) is test-cli.py's.

import importlib.util
import json
import os
import re
import sqlite3
import subprocess
import sys

_spec = importlib.util.spec_from_file_location("strata_cli_harness",
                                               os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                            "test-cli.py"))
cli = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli)
cli.TESTS.clear()
cli.BOTH.clear()
cli.PG_ONLY.clear()

PG = cli.PG
strata = cli.strata
test_both = cli.test_both
test_pg = cli.test_pg
db_rows = cli.db_rows
write_revision = cli.write_revision
sql_op = cli.sql_op


def schema_facts(db):
    """Every schema fact of the database, as comparable text (bookkeeping
    history left out: --sql does not write it)."""
    if PG:
        facts = []
        facts += db_rows(db, "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, "
                             "column_default, is_identity, identity_generation FROM information_schema.columns "
                             "WHERE table_schema = 'public' AND table_name <> 'strata_history' "
                             "ORDER BY 1, 2")
        facts += db_rows(db, "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                             "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                             "AND conrelid::regclass::text <> 'strata_history' ORDER BY 1, 2")
        facts += db_rows(db, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                             "AND tablename <> 'strata_history' ORDER BY 1, 2")
        facts += db_rows(db, "SELECT event_object_table, trigger_name, action_statement FROM "
                             "information_schema.triggers WHERE trigger_schema = 'public' ORDER BY 1, 2")
        facts += db_rows(db, "SELECT table_name, view_definition FROM information_schema.views "
                             "WHERE table_schema = 'public' ORDER BY 1")
        facts += db_rows(db, "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' "
                             "AND sequencename NOT LIKE 'strata\\_history%' ORDER BY 1")
        facts += db_rows(db, "SELECT t.typname, e.enumsortorder, e.enumlabel FROM pg_enum e "
                             "JOIN pg_type t ON t.oid = e.enumtypid ORDER BY 1, 2")
        return [tuple(str(v) for v in f) for f in facts]
    facts = db_rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                        "WHERE name NOT LIKE 'sqlite_%' AND name <> 'strata_history' ORDER BY type, name")
    for (name,) in db_rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                               "AND name NOT LIKE 'sqlite_%' AND name <> 'strata_history' ORDER BY name"):
        facts += [("column", name) + tuple(c) for c in db_rows(db, f'PRAGMA table_xinfo("{name}")')]
    return facts


def run_sql_script(db, script):
    """Runs `--sql` output on the database the way a person would (psql,
    sqlite3)."""
    if PG:
        con = cli.pg_connect(cli.url_of(db))
        try:
            con.cursor().execute(script)
        finally:
            con.close()
        return
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.executescript(script)
    finally:
        con.close()


def twin_projects(tmp, revisions):
    """Two projects holding the same revisions, each with its own database:
    one for online runs, one for the `--sql` output."""
    out = []
    for name in ("online", "offline"):
        p = cli.new_project(tmp, name)
        for args, kwargs in revisions:
            write_revision(p, *args, **kwargs)
        out.append((p, os.path.join(p, "app.db")))
    return out


def assert_online_equals_offline(online, offline, *targets):
    """Each target applied online to one database and as `--sql` to the
    other gives the same schema."""
    (p1, db1), (p2, db2) = online, offline
    current = None
    for move in targets:
        command, target = move.split(" ")
        strata("-C", p1, command, target, check=0)
        if current is None:
            r = strata("-C", p2, command, "--sql", target, check=0)
        else:
            r = strata("-C", p2, command, "--sql", f"{current}:{target}", check=0)
        run_sql_script(db2, r.out)
        current = db_rows(db1, "SELECT version_num FROM strata_version")
        current = current[0][0] if current else "base"
        assert db_rows(db2, "SELECT version_num FROM strata_version") == \
            db_rows(db1, "SELECT version_num FROM strata_version")
        f1, f2 = schema_facts(db1), schema_facts(db2)
        assert f1 == f2, f"online and --sql differ after {target}:\n" + \
            "\n".join(f"- {x}" for x in f1 if x not in f2) + "\n" + "\n".join(f"+ {x}" for x in f2 if x not in f1)


# --- item 1: a SQLite table rebuild starts from the live table ---------------

REBUILD_HISTORY = [
    (("r1", None, [
        {"op": "create_table", "table": "person",
         "columns": [{"name": "id", "type": "integer", "primary_key": True},
                     {"name": "name", "type": "varchar(50)"},
                     {"name": "email", "type": "varchar(100)"}]},
        {"op": "create_index", "table": "person", "name": "ix_person_email", "columns": ["email"]},
        {"op": "insert", "table": "person", "rows": [{"id": 1, "name": "ada", "email": "a@x"},
                                                     {"id": 2, "name": "bob", "email": "b@x"}]},
    ], [{"op": "drop_table", "table": "person"}]), {}),
    # Raw SQL the model does not know: a column with data, an index, a
    # trigger, a view.
    (("r2", "r1", [
        sql_op("ALTER TABLE person ADD COLUMN nickname varchar(20)",
               reverse="ALTER TABLE person DROP COLUMN nickname"),
        sql_op("UPDATE person SET nickname = 'n' || id", reverse=""),
        sql_op("CREATE INDEX ix_person_nick ON person (nickname)", reverse="DROP INDEX ix_person_nick"),
        sql_op("CREATE VIEW person_names AS SELECT id, name, nickname FROM person",
               reverse="DROP VIEW person_names"),
    ]), {}),
    # The same migration drops an index (raw SQL) and then needs a rebuild:
    # the index must not come back; the raw column keeps its data.
    (("r3", "r2", [
        sql_op("DROP INDEX ix_person_email",
               reverse="CREATE INDEX ix_person_email ON person (email)"),
        {"op": "alter_column", "table": "person", "column": "name", "nullable": False},
    ], [
        {"op": "alter_column", "table": "person", "column": "name", "nullable": True},
        sql_op("CREATE INDEX ix_person_email ON person (email)"),
    ]), {}),
    (("r4", "r3", [
        {"op": "add_check", "table": "person", "name": "ck_person_name", "expression": "length(name) > 0"},
    ]), {}),
]


def indexes_of(db, table):
    if PG:
        return sorted(r[0] for r in db_rows(db, f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}' "
                                                "AND indexname NOT LIKE '%_pkey'"))
    return sorted(r[0] for r in db_rows(db, f"SELECT name FROM sqlite_schema WHERE type = 'index' "
                                            f"AND tbl_name = '{table}' AND sql IS NOT NULL"))


@test_both
def rebuild_keeps_what_raw_sql_made(tmp):
    (p, db), _ = twin_projects(tmp, REBUILD_HISTORY)
    strata("-C", p, "upgrade", "head", check=0)
    assert cli.columns(db, "person") == ["id", "name", "email", "nickname"], cli.columns(db, "person")
    assert db_rows(db, "SELECT id, nickname FROM person ORDER BY id") == [(1, "n1"), (2, "n2")]
    assert indexes_of(db, "person") == ["ix_person_nick"], indexes_of(db, "person")
    assert db_rows(db, "SELECT name FROM person_names ORDER BY id") == [("ada",), ("bob",)]
    strata("-C", p, "downgrade", "r2", check=0)
    assert indexes_of(db, "person") == ["ix_person_email", "ix_person_nick"], indexes_of(db, "person")
    assert db_rows(db, "SELECT id, nickname FROM person ORDER BY id") == [(1, "n1"), (2, "n2")]


@test_both
def rebuild_online_equals_sql(tmp):
    online, offline = twin_projects(tmp, REBUILD_HISTORY)
    assert_online_equals_offline(online, offline, "upgrade r1", "upgrade r2", "upgrade r3", "upgrade head",
                                 "downgrade r2", "downgrade base", "upgrade head")


# An enum type's new values on SQLite rebuild every table using it (the CHECK
# holds the values): from the live table, so what raw SQL made survives, and
# a renamed value is renamed in the rows. On PostgreSQL, ALTER TYPE.
ENUM_HISTORY = [
    (("e1", None, [
        {"op": "create_enum", "name": "mood", "values": ["calm", "busy"]},
        {"op": "create_table", "table": "desk",
         "columns": [{"name": "id", "type": "integer", "primary_key": True},
                     {"name": "mood", "type": {"enum": "mood"}, "nullable": False, "default": "'calm'"}]},
        {"op": "insert", "table": "desk", "rows": [{"id": 1, "mood": "busy"}, {"id": 2, "mood": "calm"}]},
    ]), {}),
    (("e2", "e1", [
        sql_op("ALTER TABLE desk ADD COLUMN note TEXT;\nCREATE INDEX ix_desk_note ON desk (note);\n"
               "UPDATE desk SET note = 'kept' WHERE id = 1",
               reverse="DROP INDEX ix_desk_note;\nALTER TABLE desk DROP COLUMN note"),
        {"op": "alter_enum", "name": "mood", "add_value": "away", "after": "calm"},
    ]), {}),
    (("e3", "e2", [
        {"op": "alter_enum", "name": "mood", "rename_value": "busy", "to": "working"},
        {"op": "alter_enum", "name": "mood", "rename_value": "calm", "to": "still"},
    ]), {}),
]


def enum_values(db):
    if PG:
        return db_rows(db, "SELECT enum_range(NULL::mood)::text")[0][0]
    return re.search(r'CHECK \(("mood" IN \(.*?\))\)', db_rows(db, "SELECT sql FROM sqlite_schema WHERE name = 'desk'")[0][0]).group(1)


@test_both
def enum_values_change_on_the_live_table(tmp):
    (p, db), offline = twin_projects(tmp, ENUM_HISTORY)
    strata("-C", p, "upgrade", "e2", check=0)
    assert indexes_of(db, "desk") == ["ix_desk_note"], indexes_of(db, "desk")
    assert db_rows(db, "SELECT id, mood, note FROM desk ORDER BY id") == [(1, "busy", "kept"), (2, "calm", None)]
    strata("-C", p, "upgrade", "e3", check=0)
    assert db_rows(db, "SELECT id, mood, note FROM desk ORDER BY id") == [(1, "working", "kept"), (2, "still", None)]
    assert indexes_of(db, "desk") == ["ix_desk_note"], indexes_of(db, "desk")
    if PG:
        assert enum_values(db) == "{still,away,working}", enum_values(db)
    else:
        assert enum_values(db) == "\"mood\" IN ('still', 'away', 'working')", enum_values(db)
    # the default of a renamed value is renamed with it
    cli.db_exec(db, "INSERT INTO desk (id) VALUES (3)")
    assert db_rows(db, "SELECT mood FROM desk WHERE id = 3") == [("still",)]
    cli.db_exec(db, "DELETE FROM desk WHERE id = 3")
    # the new CHECK holds: a value outside the type is refused
    try:
        cli.db_exec(db, "INSERT INTO desk (id, mood) VALUES (9, 'busy')")
        refused = False
    except Exception:
        refused = True
    assert refused, "a value outside the enum type was stored"
    assert_no_drift(p, "e3")
    strata("-C", p, "downgrade", "e2", check=0)
    assert db_rows(db, "SELECT id, mood FROM desk ORDER BY id") == [(1, "busy"), (2, "calm")]
    assert indexes_of(db, "desk") == ["ix_desk_note"], indexes_of(db, "desk")
    assert_online_equals_offline((p, db), offline, "upgrade e3")


# The `--sql` shadow keeps a table only named by structured operations out of
# its schema (its statements kept aside) until a rebuild, raw SQL or a rename
# needs it: renames carried into other tables' foreign keys, raw SQL naming a
# table made long before, rebuilds of tables put aside after an earlier one.
SHADOW_HISTORY = [
    (("s1", None, [
        {"op": "create_table", "table": "Owner",
         "columns": [{"name": "id", "type": "integer", "primary_key": True},
                     {"name": "name", "type": "varchar(50)"}]},
        {"op": "create_table", "table": "pet",
         "columns": [{"name": "id", "type": "integer", "primary_key": True},
                     {"name": "owner_id", "type": "integer"},
                     {"name": "kind", "type": "varchar(10)"}],
         "foreign_keys": [{"name": "fk_pet_owner", "columns": ["owner_id"], "references": "Owner",
                           "ref_columns": ["id"], "on_delete": "CASCADE"}]},
        {"op": "create_index", "table": "pet", "name": "ix_pet_kind", "columns": ["kind"]},
        {"op": "add_column", "table": "Owner", "column": {"name": "city", "type": "text"}},
    ]), {}),
    (("s2", "s1", [
        {"op": "alter_column", "table": "pet", "column": "kind", "type": "varchar(20)"},
        {"op": "add_column", "table": "pet", "column": {"name": "age", "type": "integer"}},
    ]), {}),
    (("s3", "s2", [
        {"op": "rename_table", "table": "Owner", "new_name": "keeper"},
        {"op": "alter_column", "table": "keeper", "column": "city", "new_name": "town"},
    ]), {}),
    (("s4", "s3", [
        {"op": "sql",
         "sqlite": "CREATE TRIGGER pet_age AFTER INSERT ON pet BEGIN UPDATE keeper SET town = 'x'; END",
         "postgresql": "CREATE VIEW pet_towns AS SELECT p.kind, k.town FROM pet p JOIN keeper k ON k.id = p.owner_id",
         "reverse": {"sqlite": "DROP TRIGGER pet_age", "postgresql": "DROP VIEW pet_towns"}},
    ]), {}),
    (("s5", "s4", [
        {"op": "drop_column", "table": "keeper", "column": "name"},
        {"op": "alter_column", "table": "pet", "column": "age", "nullable": False, "default": "0"},
        {"op": "create_index", "table": "keeper", "name": "ix_keeper_town", "columns": ["town"]},
    ]), {}),
]


@test_both
def sql_shadow_equals_online(tmp):
    online, offline = twin_projects(tmp, SHADOW_HISTORY)
    assert_online_equals_offline(online, offline, "upgrade s1", "upgrade s3", "upgrade head",
                                 "downgrade s2", "downgrade base", "upgrade s4", "upgrade head")


# --- item 2: a revision without "downgrade" downgrades on both engines -------

@test_both
def computed_downgrade_runs_online(tmp):
    (p, db), offline = twin_projects(tmp, [
        (("d1", None, [{"op": "create_table", "table": "gadget",
                        "columns": [{"name": "id", "type": "integer", "primary_key": True},
                                    {"name": "label", "type": "varchar(40)", "nullable": False,
                                     "default": "'none'"}]}]), {}),
        (("d2", "d1", [{"op": "drop_table", "table": "gadget"}]), {}),
    ])
    strata("-C", p, "upgrade", "head", check=0)
    assert "gadget" not in cli.tables(db)
    strata("-C", p, "downgrade", "-1", check=0)
    assert "gadget" in cli.tables(db) and cli.columns(db, "gadget") == ["id", "label"]
    strata("-C", p, "downgrade", "base", check=0)
    assert cli.tables(db) == ["strata_history", "strata_version"], cli.tables(db)
    assert_online_equals_offline((p, db), offline, "upgrade head", "downgrade d1", "downgrade base")


# --- item 4: identity and serial sequences follow inserted ids ----------------

@test_both
def sequences_follow_inserted_ids(tmp):
    p = cli.copy_example(tmp)
    db = os.path.join(p, "bookshop.db")
    strata("-C", p, "upgrade", "head", check=0)
    cli.db_exec(db, "INSERT INTO author (name) VALUES ('Jorge Luis Borges')")
    assert db_rows(db, "SELECT id FROM author WHERE name = 'Jorge Luis Borges'") == [(3,)]
    cli.db_exec(db, "INSERT INTO book (title, author_id) VALUES ('Ficciones', 3)")
    # the same through --sql
    q = cli.copy_example(os.path.join(tmp, "sql"))
    dbq = os.path.join(q, "bookshop.db")
    r = strata("-C", q, "upgrade", "--sql", "head", check=0)
    run_sql_script(dbq, r.out)
    cli.db_exec(dbq, "INSERT INTO author (name) VALUES ('Jorge Luis Borges')")
    assert db_rows(dbq, "SELECT id FROM author WHERE name = 'Jorge Luis Borges'") == [(3,)]


@test_pg
def sequences_never_go_back(tmp):
    p = cli.new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "s1", None, [
        {"op": "create_table", "table": "item",
         "columns": [{"name": "id", "type": "integer", "primary_key": True, "autoincrement": True},
                     {"name": "code", "type": "integer"}]},
        sql_op("INSERT INTO item (code) SELECT g FROM generate_series(1, 50) g"),
        sql_op("DELETE FROM item WHERE id <= 10"),
        {"op": "insert", "table": "item", "rows": [{"id": 7, "code": 7}]},
    ], [{"op": "drop_table", "table": "item"}])
    strata("-C", p, "upgrade", "head", check=0)
    # past the generated rows, never back to 7
    cli.db_exec(db, "INSERT INTO item (code) VALUES (51)")
    assert db_rows(db, "SELECT max(id) FROM item") == [(51,)], db_rows(db, "SELECT max(id) FROM item")
    write_revision(p, "s2", "s1", [
        {"op": "insert", "table": "item", "rows": [{"id": 20000, "code": 1}, {"id": -4, "code": 2}]},
        {"op": "insert", "table": "item", "rows": [{"code": 3}]},
    ], [sql_op("DELETE FROM item WHERE code IN (1, 2, 3)")])
    strata("-C", p, "upgrade", "head", check=0)
    cli.db_exec(db, "INSERT INTO item (code) VALUES (4)")
    assert db_rows(db, "SELECT max(id) FROM item") == [(20002,)], db_rows(db, "SELECT max(id) FROM item")


# --- item 9: PostgreSQL's own parser splits non-transactional scripts -------

# --- a real application's history (tests/data/shop-history.json) ---------

SHOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "shop-history.json")
BOOKKEEPING = ["strata_history", "strata_version"]


def shop_revisions():
    with open(SHOP) as f:
        return json.load(f)["revisions"]


def shop_project(tmp, name):
    p = cli.new_project(tmp, name)
    for doc in shop_revisions():
        with open(os.path.join(p, "migrations", f"{doc['revision']}_{doc['revision']}.json"), "w") as f:
            json.dump(doc, f, indent=2)
    return p, os.path.join(p, "app.db")


def assert_no_drift(p, where):
    r = strata("-C", p, "drift", check=None)
    assert r.status == 0 and r.out.strip() == "", f"drift after {where}:\n{r.out}{r.err}"


@test_both
def shop_history_round_trip(tmp):
    p, db = shop_project(tmp, "shop")
    revisions = shop_revisions()
    assert len(revisions) >= 55
    for doc in revisions:
        strata("-C", p, "upgrade", doc["revision"], check=0)
        assert_no_drift(p, doc["revision"])
    head = schema_facts(db)
    # the data migrations' explicit ids, and the rows raw SQL columns kept
    assert db_rows(db, "SELECT id, name FROM categories ORDER BY id") == \
        [(1, "Books"), (2, "Fiction"), (3, "Science"), (4, "Music")]
    assert db_rows(db, "SELECT count(*) FROM products WHERE search_text IS NOT NULL") == [(3,)]
    # the enum's values added and renamed, in the rows too; the indexes raw
    # SQL made on orders outlive the rebuilds its CHECK needs on SQLite;
    # per-dialect operations ran where they say
    assert db_rows(db, "SELECT id, state FROM orders ORDER BY id") == [(1, "settled"), (7, "settled")]
    per_dialect = "ix_orders_pending" if PG else "ix_orders_state"
    assert indexes_of(db, "orders") == sorted(["ix_orders_open", "ix_orders_placed_at", "ix_orders_total",
                                                per_dialect]), indexes_of(db, "orders")
    # numbering goes on after the explicit ids of the data migrations
    cli.db_exec(db, "INSERT INTO orders (user_id, status, total) VALUES (1, 'new', 1)")
    assert db_rows(db, "SELECT max(id) FROM orders") == [(8,)]
    cli.db_exec(db, "DELETE FROM orders WHERE id = 8")
    if PG:
        assert db_rows(db, "SELECT enum_range(NULL::order_state)::text") == [("{pending,settled,returned,shipped}",)]
        assert db_rows(db, "SELECT serial FROM invoices ORDER BY id") == [(1000,)]
    strata("-C", p, "downgrade", "base", check=0)
    assert cli.tables(db) == BOOKKEEPING, cli.tables(db)
    assert_no_drift(p, "downgrade base")
    strata("-C", p, "upgrade", "head", check=0)
    assert_no_drift(p, "upgrade head again")
    again = schema_facts(db)
    assert again == head, "upgrade head after downgrade base differs:\n" + \
        "\n".join(f"- {x}" for x in head if x not in again) + "\n" + \
        "\n".join(f"+ {x}" for x in again if x not in head)


@test_both
def shop_history_online_equals_sql(tmp):
    online, offline = shop_project(tmp, "online"), shop_project(tmp, "offline")
    assert_online_equals_offline(online, offline, "upgrade m016", "upgrade head", "downgrade a028",
                                 "downgrade base", "upgrade head")


# The same history as Alembic 1.8 migrations, generated from the description:
# op.* calls (batch mode where SQLite cannot ALTER in place), raw SQL per
# dialect through op.execute. Alembic runs them on a database of its own and
# both schemas are compared fact by fact (normalised_facts).

ALEMBIC_ENV = """\
from alembic import context
from sqlalchemy import create_engine, pool

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
"""


def sa_type(t):
    if isinstance(t, dict) and "enum" in t:
        # the type made by create_enum on PostgreSQL; text on SQLite, whose
        # CHECK of the values this generator leaves out (SQLAlchemy does not
        # reflect an unnamed column CHECK, so batch mode could not keep it)
        return f"(postgresql.ENUM(name={t['enum']!r}, create_type=False) if DIALECT == 'postgresql' else sa.TEXT())"
    t = t.lower()
    m = re.fullmatch(r"(\w+)(?:\((\d+)(?:,\s*(\d+))?\))?", t)
    name, a, b = m.group(1), m.group(2), m.group(3)
    simple = {"integer": "sa.INTEGER()", "text": "sa.TEXT()", "timestamp": "sa.TIMESTAMP()", "date": "sa.DATE()",
              "smallint": "sa.SMALLINT()", "bigint": "sa.BIGINT()", "boolean": "sa.BOOLEAN()"}
    if name in simple:
        return simple[name]
    if name == "varchar":
        return f"sa.VARCHAR({a})"
    if name == "numeric":
        return f"sa.NUMERIC({a}, {b})"
    raise ValueError(t)


def sa_column(c, with_pk=True):
    args = [repr(c["name"]), sa_type(c["type"])]
    if with_pk and c.get("primary_key"):
        args.append("primary_key=True")
        args.append(f"autoincrement={bool(c.get('autoincrement'))!r}")
    args.append(f"nullable={c.get('nullable', True) and not c.get('primary_key', False)!r}")
    default = c.get("default")
    if isinstance(default, dict):
        args.append(f"server_default=sa.text({default!r}[DIALECT])")
    elif default is not None:
        args.append(f"server_default=sa.text({default!r})")
    return f"sa.Column({', '.join(args)})"


def sa_fk(fk):
    kw = f"name={fk['name']!r}"
    for key in ("on_delete", "on_update"):
        if fk.get(key):
            kw += f", {key.replace('_', '')}={fk[key].upper()!r}"
    refs = [f"{fk['references']}.{c}" for c in fk["ref_columns"]]
    return f"sa.ForeignKeyConstraint({fk['columns']!r}, {refs!r}, {kw})"


def sql_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def alembic_ops(ops):
    lines = []
    for op in ops:
        more = alembic_op(op)
        # "dialects": the same condition in the Alembic migration
        if op.get("dialects"):
            more = [f"if DIALECT in {op['dialects']!r}:"] + ["    " + x.replace("\n", "\n    ") for x in more]
        lines += more
    return lines or ["pass"]


def alembic_op(op):
    lines = []
    batch = ("alter_column", "drop_column", "add_foreign_key", "add_unique", "add_check", "drop_constraint")
    if True:
        kind = op["op"]
        b = f"op.batch_alter_table({op.get('table')!r}) as b"
        if kind == "create_table":
            pk = [c["name"] for c in op["columns"] if c.get("primary_key")]
            named_pk = op.get("primary_key_name")
            parts = [sa_column(c, with_pk=not named_pk) for c in op["columns"]]
            if named_pk:
                parts.append(f"sa.PrimaryKeyConstraint(*{pk!r}, name={named_pk!r})")
            parts += [sa_fk(fk) for fk in op.get("foreign_keys", [])]
            parts += [f"sa.UniqueConstraint(*{u['columns']!r}, name={u['name']!r})" for u in op.get("unique", [])]
            parts += [f"sa.CheckConstraint({c['expression']!r}, name={c['name']!r})" for c in op.get("checks", [])]
            lines.append(f"op.create_table({op['table']!r}, {', '.join(parts)})")
            for ix in op.get("indexes", []):
                lines.append(f"op.create_index({ix['name']!r}, {op['table']!r}, {ix['columns']!r}, "
                             f"unique={ix.get('unique', False)!r})")
        elif kind == "add_column":
            lines.append(f"op.add_column({op['table']!r}, {sa_column(op['column'], False)})")
        elif kind == "create_index":
            where = f", postgresql_where=sa.text({op['where']!r}), sqlite_where=sa.text({op['where']!r})" \
                if op.get("where") else ""
            lines.append(f"op.create_index({op['name']!r}, {op['table']!r}, {op['columns']!r}, "
                         f"unique={op.get('unique', False)!r}{where})")
        elif kind == "create_enum":
            lines.append(f"if DIALECT == 'postgresql':\n        postgresql.ENUM(*{op['values']!r}, "
                         f"name={op['name']!r}).create(op.get_bind())")
        elif kind == "alter_enum" and "add_value" in op:
            where = f" AFTER '{op['after']}'" if op.get("after") else f" BEFORE '{op['before']}'" if op.get("before") else ""
            lines.append(f"if DIALECT == 'postgresql':\n        "
                         f"op.execute(\"ALTER TYPE {op['name']} ADD VALUE '{op['add_value']}'{where}\")")
        elif kind == "alter_enum":
            lines.append(f"if DIALECT == 'postgresql':\n        "
                         f"op.execute(\"ALTER TYPE {op['name']} RENAME VALUE '{op['rename_value']}' TO '{op['to']}'\")")
        elif kind == "create_sequence":
            lines.append(f"if DIALECT == 'postgresql':\n        op.execute(sa.schema.CreateSequence(sa.Sequence("
                         f"{op['name']!r}, start={op.get('start', 1)}, increment={op.get('increment', 1)})))")
        elif kind == "drop_index":
            lines.append(f"op.drop_index({op['name']!r}, table_name={op.get('table')!r})")
        elif kind == "rename_table":
            lines.append(f"op.rename_table({op['table']!r}, {op['new_name']!r})")
        elif kind == "insert":
            for row in op["rows"]:
                cols = ", ".join(row)
                vals = ", ".join(sql_literal(v) for v in row.values())
                statement = f"INSERT INTO {op['table']} ({cols}) VALUES ({vals})"
                lines.append(f"op.execute({statement!r})")
        elif kind == "sql":
            if "sql" in op:
                lines.append(f"op.execute({op['sql']!r})")
            else:
                lines.append(f"op.execute({{'sqlite': {op['sqlite']!r}, 'postgresql': {op['postgresql']!r}}}"
                             f"[op.get_bind().dialect.name])")
        elif kind in batch:
            if kind == "alter_column":
                kw = []
                if "type" in op:
                    kw.append(f"type_={sa_type(op['type'])}")
                if "nullable" in op:
                    kw.append(f"nullable={op['nullable']!r}")
                if "default" in op:
                    kw.append("server_default=" + ("None" if op["default"] is None else f"sa.text({op['default']!r})"))
                if "new_name" in op:
                    kw.append(f"new_column_name={op['new_name']!r}")
                call = f"b.alter_column({op['column']!r}, {', '.join(kw)})"
            elif kind == "drop_column":
                call = f"b.drop_column({op['column']!r})"
            elif kind == "add_foreign_key":
                kw = "".join(f", {k.replace('_', '')}={op[k].upper()!r}" for k in ("on_delete", "on_update") if op.get(k))
                call = (f"b.create_foreign_key({op['name']!r}, {op['references']!r}, {op['columns']!r}, "
                        f"{op['ref_columns']!r}{kw})")
            elif kind == "add_unique":
                call = f"b.create_unique_constraint({op['name']!r}, {op['columns']!r})"
            elif kind == "add_check":
                call = f"b.create_check_constraint({op['name']!r}, sa.text({op['expression']!r}))"
            else:
                call = f"b.drop_constraint({op['name']!r}, type_='check')"
            # what an Alembic application does so that batch mode's table
            # copy can be renamed under a raw SQL view on SQLite
            legacy = "if op.get_bind().dialect.name == 'sqlite':\n        op.execute('PRAGMA legacy_alter_table = {}')"
            lines.append(legacy.format("ON"))
            lines.append(f"with {b}:\n        {call}")
            lines.append(legacy.format("OFF"))
        else:
            raise ValueError(kind)
    return lines


def write_alembic_project(root, url):
    versions = os.path.join(root, "alembic", "versions")
    os.makedirs(versions)
    with open(os.path.join(root, "alembic.ini"), "w") as f:
        f.write(f"[alembic]\nscript_location = %(here)s/alembic\nsqlalchemy.url = {url.replace('%', '%%')}\n")
    with open(os.path.join(root, "alembic", "env.py"), "w") as f:
        f.write(ALEMBIC_ENV)
    for doc in shop_revisions():
        down = doc["down_revision"]
        with open(os.path.join(versions, f"{doc['revision']}.py"), "w") as f:
            f.write(f'"""{doc["message"]}"""\nimport sqlalchemy as sa\nfrom alembic import op\n'
                    "from sqlalchemy.dialects import postgresql\n\n"
                    f"revision = {doc['revision']!r}\ndown_revision = {tuple(down) if isinstance(down, list) else down!r}\n"
                    "branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n"
                    "    DIALECT = op.get_bind().dialect.name\n")
            for line in alembic_ops(doc["upgrade"]):
                f.write(f"    {line}\n")
            f.write("\n\ndef downgrade():\n    pass\n")


def normalised_facts(db, skip=()):
    """What both tools must agree on, in each engine's own terms: tables,
    columns in order with types, nullability and defaults, primary keys,
    foreign keys with their actions, uniques, indexes, checks. An
    auto-numbered key is one fact whatever makes it (identity, serial)."""
    facts = []
    if PG:
        for r in db_rows(db, "SELECT table_name, ordinal_position, column_name, "
                             "CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END, "
                             "character_maximum_length, numeric_precision, numeric_scale, is_nullable, "
                             "CASE WHEN is_identity = 'YES' OR column_default LIKE 'nextval(%' THEN 'auto' "
                             "ELSE column_default END FROM information_schema.columns "
                             "WHERE table_schema = 'public' AND table_name NOT LIKE 'strata\\_%' "
                             "AND table_name <> 'alembic_version' ORDER BY 1, 2"):
            facts.append(("column",) + tuple(str(v) for v in r))
        for r in db_rows(db, "SELECT conrelid::regclass::text, contype, "
                             "conname, pg_get_constraintdef(oid) "
                             "FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                             "AND conrelid::regclass::text NOT LIKE 'strata\\_%' "
                             "AND conrelid::regclass::text <> 'alembic_version' AND contype <> 'n' ORDER BY 1, 2, 3"):
            facts.append(("constraint",) + tuple(r))
        for r in db_rows(db, "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                             "AND tablename NOT LIKE 'strata\\_%' AND tablename <> 'alembic_version' "
                             "AND indexname NOT LIKE '%\\_pkey' ORDER BY 1, 2"):
            facts.append(("index",) + tuple(r))
        for r in db_rows(db, "SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) "
                             "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
                             "WHERE t.typnamespace = 'public'::regnamespace GROUP BY 1 ORDER BY 1"):
            facts.append(("enum",) + tuple(r))
        # sequences of their own (not those behind an identity or serial column)
        for r in db_rows(db, "SELECT sequencename, start_value::text, increment_by::text FROM pg_sequences s "
                             "WHERE schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
                             "WHERE d.objid = format('%I.%I', s.schemaname, s.sequencename)::regclass "
                             "AND d.deptype IN ('a', 'i')) ORDER BY 1"):
            facts.append(("sequence",) + tuple(r))
        return [f for f in facts if f[1] not in skip]
    names = [r[0] for r in db_rows(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                                       "'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'strata\\_%' ESCAPE '\\' "
                                       "AND name <> 'alembic_version' ORDER BY name")]
    for t in names:
        if t in skip:
            continue
        for c in db_rows(db, f'PRAGMA table_info("{t}")'):
            default = c[4]
            if default is not None:
                default = default.strip("()") if default.startswith("(") else default
            facts.append(("column", t, c[0], c[1], c[2].upper(), bool(c[3]) or c[5] > 0, default, c[5]))
        for fk in db_rows(db, f'PRAGMA foreign_key_list("{t}")'):
            facts.append(("fk", t, fk[2], fk[3], fk[4], fk[5], fk[6]))
        for ix in db_rows(db, f'PRAGMA index_list("{t}")'):
            cols = [r[2] for r in db_rows(db, f'PRAGMA index_info("{ix[1]}")')]
            facts.append(("index", t, ix[1] if ix[3] == "c" else "", ix[2], ix[3], tuple(cols)))
        sql_text = db_rows(db, f"SELECT sql FROM sqlite_schema WHERE name = '{t}'")[0][0]
        for name in sorted(re.findall(r'CONSTRAINT\s+"?(\w+)"?\s+CHECK', sql_text, re.I)):
            facts.append(("check", t, name))
        for name in re.findall(r'CONSTRAINT\s+"?(\w+)"?\s+PRIMARY\s+KEY', sql_text, re.I):
            facts.append(("primary key", t, name))
    return sorted(facts, key=repr)


@test_both
def shop_history_equals_alembic(tmp):
    p, db = shop_project(tmp, "strata")
    strata("-C", p, "upgrade", "head", check=0)
    a = os.path.join(tmp, "alembic")
    if PG:
        adb = os.path.join(cli.new_project(tmp, "alembic-db"), "app.db")
        url = cli.url_of(adb).replace("postgresql://", "postgresql+psycopg2://", 1)
    else:
        adb = os.path.join(tmp, "alembic.sqlite")
        url = "sqlite:///" + adb
    write_alembic_project(a, url)
    r = subprocess.run(["/usr/bin/python3", "-m", "alembic", "-c", "alembic.ini", "upgrade", "heads"],
                       cwd=a, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    # points_log is raw SQL that differs by design between the dialects'
    # texts only; everything else is made by operations on both sides.
    fs, fa = normalised_facts(db), normalised_facts(adb)
    assert fs == fa, "Strata and Alembic differ:\n" + \
        "\n".join(f"- strata  {x}" for x in fs if x not in fa) + "\n" + \
        "\n".join(f"+ alembic {x}" for x in fa if x not in fs)


# --- item 14: drift compares what the server made with what it makes of the
# expected schema, so its rewritings are no drift ----------------------------

@test_both
def drift_has_no_false_positives(tmp):
    p = cli.new_project(tmp)
    write_revision(p, "d1", None, [
        {"op": "create_table", "table": "gauge",
         "columns": [{"name": "id", "type": "integer", "primary_key": True, "autoincrement": True},
                     {"name": "level", "type": "integer", "nullable": False, "default": "'1'"},
                     {"name": "ratio", "type": "float"},
                     {"name": "scale", "type": "double", "default": "1.5"},
                     {"name": "kind", "type": "varchar(10)", "nullable": False, "default": "'dial'"},
                     {"name": "seen", "type": "timestamptz", "default": "CURRENT_TIMESTAMP"}],
         "checks": [{"name": "ck_gauge_kind", "expression": "kind IN ('dial', 'bar')"},
                    {"name": "ck_gauge_level", "expression": "level BETWEEN 0 AND 10"}],
         "indexes": [{"name": "ix_gauge_low", "columns": ["level"], "where": "level < 3 AND kind <> 'bar'"}]},
    ])
    # raw SQL: a serial column, a view and a function the operations do not describe
    write_revision(p, "d2", "d1", [
        {"op": "sql",
         "postgresql": "CREATE TABLE reading (id serial PRIMARY KEY, gauge_id integer REFERENCES gauge (id), "
                       "value numeric);\nCREATE VIEW low_gauges AS SELECT id FROM gauge WHERE level < 3",
         "sqlite": "CREATE TABLE reading (id INTEGER PRIMARY KEY AUTOINCREMENT, gauge_id INTEGER REFERENCES gauge (id), "
                   "value NUMERIC);\nCREATE VIEW low_gauges AS SELECT id FROM gauge WHERE level < 3",
         "reverse": "DROP VIEW low_gauges;\nDROP TABLE reading"},
    ])
    for rev in ("d1", "d2"):
        strata("-C", p, "upgrade", rev, check=0)
        assert_no_drift(p, rev)
    # and a change made outside the migrations is reported
    cli.db_exec(os.path.join(p, "app.db"), "ALTER TABLE gauge ADD COLUMN extra integer")
    r = strata("-C", p, "drift", check=None)
    assert r.status != 0 and "extra" in r.out + r.err, r


@test_pg
def nontransactional_split_by_postgresql_grammar(tmp):
    p = cli.new_project(tmp)
    db = os.path.join(p, "app.db")
    write_revision(p, "n1", None, [
        {"op": "create_table", "table": "account",
         "columns": [{"name": "id", "type": "integer", "primary_key": True},
                     {"name": "balance", "type": "integer", "nullable": False, "default": "0"}]},
        {"op": "create_table", "table": "audit",
         "columns": [{"name": "note", "type": "text"}]},
    ], [{"op": "drop_table", "table": "audit"}, {"op": "drop_table", "table": "account"}])
    write_revision(p, "n2", "n1", [
        sql_op("CREATE FUNCTION twice(x integer) RETURNS integer LANGUAGE sql IMMUTABLE\n"
               "BEGIN ATOMIC\n  SELECT x * 2;\nEND;\n"
               "CREATE RULE account_audit AS ON INSERT TO account DO ALSO "
               "(INSERT INTO audit VALUES ('one'); INSERT INTO audit VALUES ('two'));\n"
               "CREATE INDEX CONCURRENTLY ix_account_balance ON account (balance);",
               reverse="DROP INDEX CONCURRENTLY ix_account_balance;\n"
                       "DROP RULE account_audit ON account;\nDROP FUNCTION twice(integer);"),
    ], transactional=False)
    strata("-C", p, "upgrade", "head", check=0)
    cli.db_exec(db, "INSERT INTO account (id) VALUES (1)")
    assert db_rows(db, "SELECT twice(21)") == [(42,)]
    assert db_rows(db, "SELECT note FROM audit ORDER BY note") == [("one",), ("two",)]
    strata("-C", p, "downgrade", "n1", check=0)
    assert db_rows(db, "SELECT count(*) FROM pg_proc WHERE proname = 'twice'") == [(0,)]


if __name__ == "__main__":
    sys.exit(cli.main())
