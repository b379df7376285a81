#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# End-to-end tests of connection profiles and their passwords through the
# `strata` command line: `strata profiles …`, --profile, the user's store,
# the keyring and its fallbacks. TAP output.
#
# - sqlite_* and store_*: everywhere (real SQLite files, a throwaway
#   XDG_DATA_HOME per test).
# - keyring_*: a real gnome-keyring on a private session bus and the
#   throwaway PostgreSQL server of build-aux/strata-dev (STRATA_TEST_KEYRING,
#   STRATA_TEST_PG_URL); afterwards no file under HOME, the XDG folders or
#   the project, and no line of output, holds the password.
# - no_keyring_*: PostgreSQL with no Secret Service at all (a bus address
#   that leads nowhere, or a bus that never answers): PGPASSWORD, ~/.pgpass,
#   a prompt on a terminal, else one clear error; never a hang.
# Without the services those tests skip, except under CI=true, where they
# fail.

import json
import os
import pty
import re
import secrets
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

STRATA = os.environ.get("STRATA_CLI")
PG_URL = os.environ.get("STRATA_TEST_PG_URL")
PG_BINDIR = os.environ.get("STRATA_TEST_PG_BINDIR")
KEYRING = os.environ.get("STRATA_TEST_KEYRING") and os.environ.get("DBUS_SESSION_BUS_ADDRESS")
CI = os.environ.get("CI") == "true"

TESTS = []


class Skip(Exception):
    pass


def test(func):
    TESTS.append(func)
    return func


def require(condition, what):
    if not condition:
        if CI:
            raise AssertionError(f"{what} is missing (build-aux/strata-dev test starts it)")
        raise Skip(f"{what} is missing; run build-aux/strata-dev test")


class Result:
    def __init__(self, status, out, err, seconds):
        self.status = status
        self.out = out
        self.err = err
        self.seconds = seconds

    def __repr__(self):
        return f"<exit {self.status} after {self.seconds:.1f} s\nstdout:\n{self.out}\nstderr:\n{self.err}>"


class Env:
    """A throwaway HOME and XDG folders for one test; every output seen."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.home = os.path.join(tmp, "home")
        self.dirs = {
            "HOME": self.home,
            "XDG_DATA_HOME": os.path.join(self.home, ".local", "share"),
            "XDG_CONFIG_HOME": os.path.join(self.home, ".config"),
            "XDG_CACHE_HOME": os.path.join(self.home, ".cache"),
            "XDG_STATE_HOME": os.path.join(self.home, ".local", "state"),
        }
        for path in self.dirs.values():
            os.makedirs(path, exist_ok=True)
        self.outputs = []

    @property
    def store(self):
        return os.path.join(self.dirs["XDG_DATA_HOME"], os.environ.get("STRATA_DATA_DIRNAME", "strata"), "strata.db")

    def environ(self, extra=None):
        env = dict(os.environ)
        for var in ("STRATA_URL", "DATABASE_URL", "PGPASSWORD", "PGPASSFILE", "PGSERVICE", "PGUSER",
                    "PGHOST", "PGPORT", "PGDATABASE"):
            env.pop(var, None)
        env.update(self.dirs)
        if extra:
            env.update(extra)
        return env

    def strata(self, *args, env=None, check=None, input=None, timeout=60):
        start = time.monotonic()
        proc = subprocess.run([STRATA, *args], cwd=self.tmp, env=self.environ(env), capture_output=True,
                              text=True, timeout=timeout, input=input,
                              stdin=None if input is not None else subprocess.DEVNULL)
        result = Result(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)
        self.outputs.append(result.out + result.err)
        if check is not None:
            assert result.status == check, f"expected exit {check}: {args}\n{result!r}"
        return result

    def strata_on_terminal(self, *args, env=None, answer=None, timeout=30):
        """Runs with a terminal as stdin and stderr; types @answer at the prompt."""
        master, slave = pty.openpty()
        start = time.monotonic()
        proc = subprocess.Popen([STRATA, *args], cwd=self.tmp, env=self.environ(env), stdin=slave,
                                stdout=subprocess.PIPE, stderr=slave, close_fds=True)
        os.close(slave)
        seen = b""
        answered = False
        try:
            while True:
                if time.monotonic() - start > timeout:
                    proc.kill()
                    raise AssertionError(f"{args}: no end after {timeout} s; terminal:\n{seen!r}")
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        chunk = b""
                    if not chunk and proc.poll() is not None:
                        break
                    seen += chunk
                    if answer is not None and not answered and b"assword" in seen and seen.rstrip().endswith(b":"):
                        os.write(master, answer.encode() + b"\n")
                        answered = True
                elif proc.poll() is not None:
                    break
            out = proc.stdout.read().decode()
            proc.wait()
        finally:
            os.close(master)
        result = Result(proc.returncode, out, seen.decode(errors="replace"), time.monotonic() - start)
        result.answered = answered
        self.outputs.append(result.out + result.err)
        return result


def one_error_line(result):
    lines = [l for l in result.err.splitlines() if l.strip()]
    assert len(lines) == 1, f"expected one error line, got:\n{result.err}"
    assert lines[0].startswith("strata: error: "), lines[0]
    return lines[0]


def make_project(env, url=None, profiles=""):
    project = os.path.join(env.tmp, "project")
    os.makedirs(os.path.join(project, "migrations"))
    with open(os.path.join(project, "strata.ini"), "w") as f:
        f.write("[strata]\nmigrations=migrations\n")
        if url:
            f.write(f"url={url}\n")
        f.write(profiles)
    revisions = [
        ("0a1b2c3d4e5f", None, "account", [{"name": "id", "type": "integer", "primary_key": True},
                                            {"name": "email", "type": "text", "nullable": False}]),
        ("1b2c3d4e5f60", "0a1b2c3d4e5f", "invoice", [{"name": "id", "type": "integer", "primary_key": True},
                                                     {"name": "total", "type": "numeric(10,2)"}]),
    ]
    for revision, down, table, columns in revisions:
        script = {"revision": revision, "down_revision": down, "message": f"create {table}",
                  "upgrade": [{"op": "create_table", "table": table, "columns": columns}]}
        with open(os.path.join(project, "migrations", f"{revision}_create_{table}.json"), "w") as f:
            json.dump(script, f)
    return project


def files_containing(roots, needles):
    hits = []
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = os.path.join(folder, name)
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError:
                    continue
                for needle in needles:
                    if needle.encode() in data:
                        hits.append(path)
    return hits


# PostgreSQL ------------------------------------------------------------------

class PgDatabase:
    """A database and a role of its own, with a password made for this test."""

    def __init__(self):
        suffix = secrets.token_hex(4)
        self.role = f"strata_prof_{suffix}"
        self.database = f"strata_prof_{suffix}"
        # '@' and ':' must be percent-encoded in a URL: the test checks neither
        # form leaks.
        self.password = f"Pw@{secrets.token_hex(10)}:x"
        parsed = urllib.parse.urlsplit(PG_URL)
        self.host = parsed.hostname
        self.port = parsed.port
        self.psql(f"CREATE ROLE {self.role} LOGIN PASSWORD '{self.password}'")
        self.psql(f"CREATE DATABASE {self.database} OWNER {self.role}")

    def psql(self, sql):
        psql = os.path.join(PG_BINDIR, "psql") if PG_BINDIR else "psql"
        subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", PG_URL, "-c", sql],
                       check=True, capture_output=True, timeout=60)

    @property
    def encoded_password(self):
        return urllib.parse.quote(self.password, safe="")

    @property
    def needles(self):
        return [self.password, self.encoded_password]

    def url(self, with_password=False):
        auth = self.role + (":" + self.encoded_password if with_password else "")
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.database}"

    def drop(self):
        try:
            self.psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            self.psql(f"DROP ROLE IF EXISTS {self.role}")
        except Exception:
            pass


def versions(db):
    psql = os.path.join(PG_BINDIR, "psql") if PG_BINDIR else "psql"
    url = re.sub(r"/[^/?]*$", "/" + db.database, PG_URL)
    out = subprocess.run([psql, "-X", "-A", "-t", "-d", url, "-c", "SELECT version_num FROM strata_version"],
                         check=True, capture_output=True, text=True, timeout=60).stdout
    return sorted(l for l in out.splitlines() if l)


def assert_no_password_anywhere(env, db, project):
    for output in env.outputs:
        for needle in db.needles:
            assert needle not in output, f"the password is in an output:\n{output}"
    roots = [env.home, project] + [os.environ[v] for v in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                                                         "XDG_CACHE_HOME", "XDG_STATE_HOME")
                                   if os.environ.get(v) and os.path.isdir(os.environ[v])]
    hits = files_containing(roots, db.needles)
    assert not hits, f"the password is in these files: {hits}"


# The keyring -------------------------------------------------------------------

@test
def keyring_end_to_end(tmp):
    require(STRATA, "STRATA_CLI")
    require(KEYRING, "the throwaway gnome-keyring (STRATA_TEST_KEYRING)")
    require(PG_URL, "the throwaway PostgreSQL server (STRATA_TEST_PG_URL)")
    env = Env(tmp)
    db = PgDatabase()
    try:
        project = make_project(env, profiles=f"\n[profile team]\nurl={db.url()}\nrole=staging\n")

        # A user profile: the password in the URL goes to the keyring.
        r = env.strata("profiles", "add", "staging", "--url", db.url(with_password=True), "--role", "production",
                       check=0)
        assert "password in the keyring" in r.out, r
        r = env.strata("--json", "profiles", "show", "staging", check=0)
        shown = json.loads(r.out)
        assert shown["password"] == "keyring", shown
        assert shown["role"] == "production"
        assert shown["url"] == db.url(), shown

        # upgrade and current through it, against the server: a production
        # database changes only with --yes (or its name typed).
        r = env.strata("-C", project, "--profile", "staging", "upgrade", check=2)
        assert "production database" in r.err and "--yes" in r.err, r
        r = env.strata("-C", project, "--profile", "staging", "--yes", "upgrade", check=0)
        assert versions(db) == ["1b2c3d4e5f60"]
        r = env.strata("-C", project, "--profile", "staging", "current", check=0)
        assert "1b2c3d4e5f60" in r.out, r
        r = env.strata("-C", project, "--profile", "staging", "-v", "--yes", "downgrade", "0a1b2c3d4e5f", check=0)
        assert versions(db) == ["0a1b2c3d4e5f"]
        r = env.strata("profiles", "test", "staging", check=0)
        assert r.out.startswith("Connected to postgresql://"), r

        # A project profile gets its password from stdin into the keyring.
        r = env.strata("-C", project, "profiles", "set-password", "team", input=db.password + "\n", check=0)
        r = env.strata("-C", project, "--profile", "team", "upgrade", check=0)
        assert versions(db) == ["1b2c3d4e5f60"]
        r = env.strata("-C", project, "--profile", "team", "current", check=0)
        assert "1b2c3d4e5f60" in r.out, r

        # A wrong password in the keyring: one clear line that says what to do.
        env.strata("-C", project, "profiles", "set-password", "team", input="wrong\n", check=0)
        r = env.strata("-C", project, "--profile", "team", "current", check=1)
        line = one_error_line(r)
        assert "refused" in line and "set-password team" in line, line

        # Removing a profile removes its password from the keyring.
        r = env.strata("profiles", "remove", "staging", check=0)
        lookup = subprocess.run(["secret-tool", "lookup", "profile-id", shown["id"]], capture_output=True,
                                text=True, timeout=30)
        assert lookup.stdout == "", "the password is still in the keyring"
        env.strata("-C", project, "profiles", "set-password", "team", "--clear", check=0)

        assert_no_password_anywhere(env, db, project)
    finally:
        db.drop()


class PasswordCatcher:
    """A server on a loopback address that speaks just enough of PostgreSQL's
    protocol to ask for a cleartext password, and keeps what it is sent."""

    def __init__(self, address, port):
        import threading
        self.received = []
        self.connections = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stopped = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def read_exact(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def serve_one(self, conn):
        import struct
        conn.settimeout(5)
        while True:
            length = struct.unpack("!I", self.read_exact(conn, 4))[0]
            body = self.read_exact(conn, length - 4)
            code = struct.unpack("!I", body[:4])[0]
            if code in (80877103, 80877104):      # SSLRequest, GSSENCRequest: no
                conn.sendall(b"N")
                continue
            break
        # AuthenticationCleartextPassword
        conn.sendall(b"R" + struct.pack("!II", 8, 3))
        kind = self.read_exact(conn, 1)
        length = struct.unpack("!I", self.read_exact(conn, 4))[0]
        body = self.read_exact(conn, length - 4)
        if kind == b"p":
            self.received.append(body.rstrip(b"\0").decode(errors="replace"))
        message = b"SFATAL\0C28P01\0Mpassword authentication failed\0\0"
        conn.sendall(b"E" + struct.pack("!I", len(message) + 4) + message)

    def serve(self):
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            try:
                self.serve_one(conn)
            except (EOFError, OSError):
                pass
            finally:
                conn.close()

    def stop(self):
        self.stopped = True
        self.thread.join(timeout=5)
        self.sock.close()


def set_project_profile_url(project, name, url):
    path = os.path.join(project, "strata.ini")
    with open(path) as f:
        text = f.read()
    text = re.sub(rf"(\[profile {name}\]\nurl=)[^\n]*", lambda m: m.group(1) + url, text)
    with open(path, "w") as f:
        f.write(text)


@test
def keyring_bound_to_destination(tmp):
    """A shared strata.ini that points a profile elsewhere with parameters
    (hostaddr=, sslmode=disable) never gets the keyring's password."""
    require(STRATA, "STRATA_CLI")
    require(KEYRING, "the throwaway gnome-keyring (STRATA_TEST_KEYRING)")
    require(PG_URL, "the throwaway PostgreSQL server (STRATA_TEST_PG_URL)")
    env = Env(tmp)
    db = PgDatabase()
    catcher = None
    try:
        project = make_project(env, profiles=f"\n[profile team]\nurl={db.url()}\n")
        env.strata("-C", project, "profiles", "set-password", "team", input=db.password + "\n", check=0)
        env.strata("-C", project, "--profile", "team", "upgrade", check=0)
        assert versions(db) == ["1b2c3d4e5f60"]

        # Someone commits hostaddr= to another machine (here another loopback
        # address, same port) and sslmode=disable: same host name, port, user
        # and database, so the same profile id as before.
        catcher = PasswordCatcher("127.0.0.2", db.port)
        hostile = db.url() + "?hostaddr=127.0.0.2&sslmode=disable"
        set_project_profile_url(project, "team", hostile)
        r = env.strata("-C", project, "--profile", "team", "current", check=1)
        line = one_error_line(r)
        assert "another destination" in line and "hostaddr=127.0.0.2" in line, line
        assert "set-password team" in line, line
        assert catcher.connections >= 1, "strata did not even reach the other address"
        assert catcher.received == [], f"the password went to the other address: {catcher.received}"

        # On a terminal, the prompt says why and names where the password goes.
        r = env.strata_on_terminal("-C", project, "--profile", "team", "current", answer="typed-by-hand")
        assert r.answered, r
        assert "another destination" in r.err and "127.0.0.2" in r.err, r.err
        assert catcher.received == ["typed-by-hand"], catcher.received

        # sslmode alone counts too: the saved password is not sent without TLS
        # it was saved with (the real server; it refuses no password).
        set_project_profile_url(project, "team", db.url() + "?sslmode=disable")
        r = env.strata("-C", project, "--profile", "team", "current", check=1)
        assert "another destination" in one_error_line(r), r

        # Harmless parameters do not unbind it; the saved destination works.
        set_project_profile_url(project, "team", db.url() + "?application_name=ci&connect_timeout=5")
        r = env.strata("-C", project, "--profile", "team", "current", check=0)
        assert "1b2c3d4e5f60" in r.out, r

        # A project profile never silently shadows the user's own of the same
        # name: a different destination is refused, naming both.
        env.strata("profiles", "add", "team", "--url", db.url(with_password=True) + "?sslmode=prefer", check=0)
        r = env.strata("-C", project, "--profile", "team", "current", check=2)
        line = one_error_line(r)
        assert "both in strata.ini" in line and "sslmode=prefer" in line, line
        env.strata("profiles", "remove", "team", check=0)
        env.strata("-C", project, "profiles", "set-password", "team", "--clear", check=0)
        assert catcher.received == ["typed-by-hand"], catcher.received
        assert_no_password_anywhere(env, db, project)
    finally:
        if catcher:
            catcher.stop()
        db.drop()


# No Secret Service ---------------------------------------------------------------

def no_bus_env(tmp):
    return {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp}/no-bus-here", "DISPLAY": ""}


@test
def no_keyring_fallbacks(tmp):
    require(STRATA, "STRATA_CLI")
    require(PG_URL, "the throwaway PostgreSQL server (STRATA_TEST_PG_URL)")
    env = Env(tmp)
    db = PgDatabase()
    nobus = no_bus_env(tmp)
    try:
        project = make_project(env)

        # A password in the URL cannot be kept: nothing is added, one line says why.
        r = env.strata("profiles", "add", "ci", "--url", db.url(with_password=True), env=nobus, check=1)
        line = one_error_line(r)
        assert "keyring is not available" in line and "PGPASSWORD" in line, line
        assert r.seconds < 10, r
        r = env.strata("profiles", "list", env=nobus, check=0)
        assert "ci" not in r.out, r

        env.strata("profiles", "add", "ci", "--url", db.url(), env=nobus, check=0)

        # PGPASSWORD.
        r = env.strata("-C", project, "--profile", "ci", "upgrade", "+1",
                       env={**nobus, "PGPASSWORD": db.password}, check=0)
        assert r.seconds < 10, r
        assert versions(db) == ["0a1b2c3d4e5f"]

        # ~/.pgpass (libpq ignores it unless it is private).
        pgpass = os.path.join(env.home, ".pgpass")
        with open(pgpass, "w") as f:
            f.write(f"{db.host}:{db.port}:{db.database}:{db.role}:{db.password.replace(':', chr(92) + ':')}\n")
        os.chmod(pgpass, 0o600)
        r = env.strata("-C", project, "--profile", "ci", "current", env=nobus, check=0)
        assert "0a1b2c3d4e5f" in r.out, r
        os.unlink(pgpass)

        # Nothing, and no terminal: one clear error, quickly.
        r = env.strata("-C", project, "--profile", "ci", "current", env=nobus, check=1)
        line = one_error_line(r)
        for words in ("no password for profile", "keyring is not available", "set-password ci",
                      "PGPASSWORD", "~/.pgpass"):
            assert words in line, line
        assert r.seconds < 10, r

        # On a terminal: a prompt, without echo.
        r = env.strata_on_terminal("-C", project, "--profile", "ci", "upgrade", env=nobus, answer=db.password)
        assert r.answered, r
        assert r.status == 0, r
        assert f"Password for {db.url()} (profile “ci”)" in r.err, r
        for needle in db.needles:
            assert needle not in r.err, f"the password was echoed:\n{r.err}"
        assert versions(db) == ["1b2c3d4e5f60"]

        # A bus that never answers: the keyring gives up in its time, then the
        # fallbacks work.
        silent = os.path.join(tmp, "silent-bus")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(silent)
        listener.listen(8)
        try:
            hung = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={silent}", "DISPLAY": "", "STRATA_SECRET_TIMEOUT": "2"}
            r = env.strata("-C", project, "--profile", "ci", "current", env={**hung, "PGPASSWORD": db.password},
                           check=0, timeout=30)
            assert "1b2c3d4e5f60" in r.out, r
            assert r.seconds < 10, r
            r = env.strata("-C", project, "--profile", "ci", "current", env=hung, check=1, timeout=30)
            line = one_error_line(r)
            assert "did not answer within 2 s" in line, line
            assert r.seconds < 10, r
        finally:
            listener.close()

        assert_no_password_anywhere(env, db, project)
    finally:
        db.drop()


@test
def wrong_password_reported_as_wrong(tmp):
    """A password that was sent and refused is reported as wrong, wherever it
    came from (issue 13, item 4); none at all is still reported as missing."""
    require(STRATA, "STRATA_CLI")
    require(PG_URL, "the throwaway PostgreSQL server (STRATA_TEST_PG_URL)")
    env = Env(tmp)
    db = PgDatabase()
    nobus = no_bus_env(tmp)
    wrong = "Wrong" + secrets.token_hex(6)
    try:
        project = make_project(env)
        env.strata("profiles", "add", "ci", "--url", db.url(), env=nobus, check=0)
        bad_url = f"postgresql://{db.role}:{wrong}@{db.host}:{db.port}/{db.database}"

        def refused(result, *words):
            line = one_error_line(result)
            assert "no password" not in line, line
            assert "password authentication failed" in line, line
            for word in words:
                assert word in line, line
            assert wrong not in line, line
            return line

        # In the URL (--url and STRATA_URL).
        r = env.strata("-C", project, "--url", bad_url, "current", env=nobus, check=1)
        refused(r, "the password in the URL is wrong")
        r = env.strata("-C", project, "current", env={**nobus, "STRATA_URL": bad_url}, check=1)
        refused(r, "the password in the URL is wrong")

        # PGPASSWORD, with a URL and with a profile.
        r = env.strata("-C", project, "--url", db.url(), "current", env={**nobus, "PGPASSWORD": wrong}, check=1)
        refused(r, "refused the password from PGPASSWORD", "correct it")
        r = env.strata("-C", project, "--profile", "ci", "current", env={**nobus, "PGPASSWORD": wrong}, check=1)
        refused(r, "refused the password from PGPASSWORD", "set-password ci")

        # ~/.pgpass.
        pgpass = os.path.join(env.home, ".pgpass")
        with open(pgpass, "w") as f:
            f.write(f"{db.host}:{db.port}:{db.database}:{db.role}:{wrong}\n")
        os.chmod(pgpass, 0o600)
        r = env.strata("-C", project, "--profile", "ci", "current", env=nobus, check=1)
        refused(r, "refused the password from the password file", "set-password ci")
        os.unlink(pgpass)

        # Typed at the prompt.
        r = env.strata_on_terminal("-C", project, "--profile", "ci", "current", env=nobus, answer=wrong)
        assert r.answered and r.status == 1, r
        assert "the password given was refused" in r.err and "no password" not in r.err, r.err

        # None anywhere: missing, as before.
        r = env.strata("-C", project, "--url", db.url(), "current", env=nobus, check=1)
        line = one_error_line(r)
        assert "no password was given" in line, line
        assert_no_password_anywhere(env, db, project)
    finally:
        db.drop()


@test
def unknown_service_named(tmp):
    """service= naming a service no service file defines says so (issue 13,
    item 14), instead of blaming localhost."""
    require(STRATA, "STRATA_CLI")
    env = Env(tmp)
    project = make_project(env)
    services = os.path.join(tmp, "pg_service.conf")
    with open(services, "w") as f:
        f.write("[known]\nhost=127.0.0.1\n")
    for args, extra in ((("--url", "postgresql:///app?service=nosuch"), {}),
                        (("--url", "postgresql:///app"), {"PGSERVICE": "nosuch"})):
        r = env.strata("-C", project, *args, "current", env={"PGSERVICEFILE": services, **extra}, check=1)
        line = one_error_line(r)
        assert "service “nosuch”" in line and "not found" in line, line
        assert "localhost" not in line, line


# SQLite profiles and the store --------------------------------------------------

@test
def sqlite_profiles(tmp):
    require(STRATA, "STRATA_CLI")
    env = Env(tmp)
    nobus = no_bus_env(tmp)

    # Reading leaves no store behind.
    r = env.strata("profiles", "list", env=nobus, check=0)
    assert "No profiles" in r.err, r
    assert not os.path.exists(env.store)

    db_path = os.path.join(tmp, "mine.db")
    r = env.strata("profiles", "add", "mine", "--url", "sqlite:///mine.db", "--role", "staging",
                   "--notes", "my own copy", env=nobus, check=0)
    assert f"sqlite:///{db_path}" in r.out, r        # made absolute
    assert os.stat(env.store).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(env.store)).st_mode & 0o777 == 0o700

    project = make_project(env, url="sqlite:///project.db",
                           profiles="\n[profile mine]\nurl=sqlite:///team.db\n\n[profile local]\nurl=sqlite:///local.db\n")

    r = env.strata("-C", project, "--json", "profiles", "list", env=nobus, check=0)
    listed = [(p["name"], p["origin"]) for p in json.loads(r.out)]
    assert listed == [("mine", "project"), ("local", "project"), ("mine", "user")], listed
    r = env.strata("-C", project, "profiles", "list", env=nobus, check=0)
    assert r.out.splitlines()[0].split() == ["NAME", "ORIGIN", "ROLE", "URL"], r

    # --profile: a project profile never silently stands in for the user's
    # own of the same name; where they differ the name is refused, naming both.
    r = env.strata("-C", project, "--profile", "mine", "upgrade", env=nobus, check=2)
    line = one_error_line(r)
    assert "both in strata.ini" in line and "team.db" in line and "mine.db" in line, line
    assert not os.path.exists(os.path.join(project, "team.db"))
    assert not os.path.exists(db_path)
    env.strata("-C", project, "--profile", "local", "upgrade", "+1", env=nobus, check=0)
    assert os.path.exists(os.path.join(project, "local.db"))

    # Outside that project the user's profile answers.
    other = os.path.join(tmp, "other")
    shutil.copytree(project, other)
    with open(os.path.join(other, "strata.ini"), "w") as f:
        f.write("[strata]\nmigrations=migrations\n")
    env.strata("-C", other, "--profile", "mine", "upgrade", env=nobus, check=0)
    con = sqlite3.connect(db_path)
    assert [r[0] for r in con.execute("SELECT version_num FROM strata_version")] == ["1b2c3d4e5f60"]
    con.close()
    r = env.strata("-C", other, "--profile", "mine", "current", env=nobus, check=0)
    assert "1b2c3d4e5f60" in r.out, r
    r = env.strata("-C", other, "--profile", "mine", "upgrade", "--sql", env=nobus, check=0)

    r = env.strata("profiles", "show", "mine", env=nobus, check=0)
    assert "Role:      staging" in r.out and "Notes:     my own copy" in r.out, r
    assert "Password:  not needed" in r.out, r
    r = env.strata("profiles", "test", "mine", env=nobus, check=0)
    assert r.out.startswith(f"Connected to sqlite:///{db_path} (SQLite 3."), r
    r = env.strata("--url", "sqlite://", "profiles", "test", env=nobus, check=0)

    # Mistakes: one line each, exit 2.
    for args, words in [
        (("profiles", "add", "mine", "--url", "sqlite:///x.db"), "already exists"),
        (("profiles", "add", "x"), "needs --url"),
        (("profiles", "add", "x", "--url", "mysql://db/x"), "mysql"),
        (("profiles", "add", "x", "--url", "sqlite:///x.db", "--role", "boss"), "unknown role “boss”"),
        (("profiles", "add", " x", "--url", "sqlite:///x.db"), "starts or ends with a space"),
        (("profiles", "show", "nope"), "no profile named “nope”"),
        (("profiles", "remove", "nope"), "no profile named “nope”"),
        (("-C", project, "profiles", "remove", "local"), "remove its [profile local] group from strata.ini"),
        (("profiles", "set-password", "mine"), "SQLite database: it has no password"),
        (("profiles", "frobnicate"), "unknown subcommand “frobnicate”"),
        (("profiles",), "give a subcommand"),
        (("--profile", "nope", "-C", project, "current"), "no profile named “nope”"),
    ]:
        r = env.strata(*args, env=nobus, check=2)
        line = one_error_line(r)
        assert words in line, (args, line)

    r = env.strata("profiles", "remove", "mine", env=nobus, check=0)
    r = env.strata("profiles", "list", env=nobus, check=0)
    assert "No profiles" in r.err, r


@test
def store_newer_refused(tmp):
    require(STRATA, "STRATA_CLI")
    env = Env(tmp)
    nobus = no_bus_env(tmp)
    env.strata("profiles", "add", "mine", "--url", "sqlite:////srv/mine.db", env=nobus, check=0)

    con = sqlite3.connect(env.store)
    con.execute("UPDATE strata_version SET version_num = 'fedcba987654'")
    con.commit()
    con.close()
    with open(env.store, "rb") as f:
        before = f.read()

    for args in (("profiles", "list"), ("profiles", "add", "x", "--url", "sqlite://")):
        r = env.strata(*args, env=nobus, check=1)
        line = one_error_line(r)
        assert "newer version of Strata" in line and "fedcba987654" in line and env.store in line, line
    with open(env.store, "rb") as f:
        assert f.read() == before
    assert sorted(os.listdir(os.path.dirname(env.store))) == ["strata.db"]


@test
def store_upgraded_with_backup(tmp):
    require(STRATA, "STRATA_CLI")
    env = Env(tmp)
    nobus = no_bus_env(tmp)
    env.strata("profiles", "add", "mine", "--url", "sqlite:////srv/mine.db", env=nobus, check=0)

    # Back to the first revision, as an older Strata left it.
    con = sqlite3.connect(env.store)
    con.execute("DROP TABLE run")
    con.execute("UPDATE strata_version SET version_num = '3f1c9a2e7b40'")
    con.commit()
    con.close()

    r = env.strata("-v", "profiles", "list", env=nobus, check=0)
    assert "Upgraded your profiles store from 3f1c9a2e7b40 to 8d2e4b6a1c93" in r.err, r
    assert "mine" in r.out
    backup = env.store + ".3f1c9a2e7b40.bak"
    con = sqlite3.connect(backup)
    assert [r[0] for r in con.execute("SELECT name FROM profile")] == ["mine"]
    assert [r[0] for r in con.execute("SELECT version_num FROM strata_version")] == ["3f1c9a2e7b40"]
    con.close()
    con = sqlite3.connect(env.store)
    assert [r[0] for r in con.execute("SELECT version_num FROM strata_version")] == ["8d2e4b6a1c93"]
    con.close()


def main():
    if not STRATA:
        print("1..0 # SKIP STRATA_CLI is not set")
        return 0 if not CI else 1
    only = sys.argv[1:]
    selected = [t for t in TESTS if not only or t.__name__ in only]
    print(f"1..{len(selected)}", flush=True)
    failed = 0
    for n, func in enumerate(selected, 1):
        tmp = tempfile.mkdtemp(prefix="strata-profiles-")
        try:
            func(tmp)
            print(f"ok {n} - {func.__name__}", flush=True)
        except Skip as skip:
            print(f"ok {n} - {func.__name__} # SKIP {skip}", flush=True)
        except Exception:
            failed += 1
            print(f"not ok {n} - {func.__name__}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
