#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# "The live database is the truth" (issue 10), end to end through the
# `strata` command line on real databases: SQLite files, and with
# STRATA_TEST_BACKEND=postgresql (meson's test-live-postgres) a fresh
# database of the throwaway PostgreSQL server per test. The harness (TAP,
# projects, databases) is test-cli.py's.

import importlib.util
import os
import sqlite3
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
