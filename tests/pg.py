"""A throwaway PostgreSQL cluster for the tests: real PostgreSQL, no mock.

:class:`Cluster` makes a cluster with ``initdb`` in a temporary directory and runs it with
``pg_ctl`` on a Unix socket in that directory only (no TCP port, so nothing can clash and
nobody else can connect; ``trust`` for the one local user ``census``). Durability is turned off
(``fsync``, ``synchronous_commit``, ``full_page_writes``): the data are thrown away anyway.
``initdb`` refuses to run as root; as root (CI), the cluster runs as the ``postgres`` system
user (made by Debian's package) through ``runuser``, in a directory that user owns.

Fixtures (imported by ``tests/conftest.py``, so every package can use them):

* ``pg_cluster`` (session): the running cluster, stopped at the end of the session;
* ``pg_url`` (function): the URL of the test database ``census_test``, emptied (every table
  truncated, the cursor sequence restarted) before each test that asks for it.

Where the PostgreSQL programs are missing, the tests that need them are skipped with the reason,
except in CI (``CI`` set, or ``CENSUS_TUI_REQUIRE_PG=1`` as ``.ci/run`` sets it), where they
fail instead: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "census"
PORT = 5432
TEST_DB = "census_test"
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
}


def pg_bindir() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl``: ``CENSUS_TUI_PG_BIN``, then PATH, then the
    newest of Debian's ``/usr/lib/postgresql/*/bin``."""
    explicit = os.environ.get("CENSUS_TUI_PG_BIN")
    if explicit:
        return Path(explicit) if (Path(explicit) / "initdb").exists() else None
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    versions.sort(key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def pg_required() -> bool:
    """True in CI, where missing PostgreSQL fails the tests instead of skipping them."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("CENSUS_TUI_REQUIRE_PG") == "1"


def unavailable(reason: str) -> None:
    """Skip (a developer's machine) or fail (CI) a test that needs PostgreSQL."""
    text = (
        f"PostgreSQL tests need the PostgreSQL server programs: {reason}. Install them "
        "(Debian/Ubuntu: apt-get install postgresql) or set CENSUS_TUI_PG_BIN to their bin "
        "directory."
    )
    if pg_required():
        pytest.fail(text + " (CI: not skipped)", pytrace=False)
    pytest.skip(text)


class Cluster:
    """A PostgreSQL cluster in its own temporary directory, reached by a Unix socket there."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_postgres = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="census-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "sock"
        self.log = self.base / "server.log"
        if self.as_postgres:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                shutil.rmtree(self.base, ignore_errors=True)
                unavailable("running as root needs the 'postgres' system user")
                raise
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self._run("mkdir", "-p", str(self.socket_dir), tool=False)

    def _run(self, program: str, *args: str, tool: bool = True) -> str:
        exe = str(self.bindir / program) if tool else program
        cmd = [exe, *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=self.base)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stdout}{done.stderr}{log}")
        return done.stdout

    def init(self) -> Cluster:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        return self

    def start(self) -> None:
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        options += f" -c unix_socket_directories={self.socket_dir} -c port={PORT}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``fast`` ends every session (open transactions roll back)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, dbname: str) -> str:
        return f"postgresql://{USER}@/{dbname}?host={self.socket_dir}&port={PORT}"

    def create_database(self, name: str) -> str:
        """A new empty database (UTF-8, C collation, as the cluster); returns its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)


def empty_database(url: str) -> None:
    """Truncate every table but ``schema_version`` and restart the cursor sequence (a test
    starts from an empty, migrated database, as a new server would)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                " AND tablename <> 'schema_version'"
            )
        ]
        if tables:
            con.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables))
        seqs = con.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        for (seq,) in seqs.fetchall():
            con.execute(f'ALTER SEQUENCE "{seq}" RESTART')


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = pg_bindir()
    if bindir is None:
        unavailable("initdb and pg_ctl were not found")
        raise AssertionError("unreachable")
    cluster = Cluster(bindir).init()
    try:
        cluster.start()
        cluster.create_database(TEST_DB)
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    if not pg_cluster.running():  # a test that stopped it and failed before restarting
        pg_cluster.start()
    url = pg_cluster.url(TEST_DB)
    empty_database(url)
    return url


def wait_for_lock_wait(url: str, blocker_pid: int, what: str = "the waiting statement") -> None:
    """Until a session of the test database other than ``blocker_pid`` waits on a lock (a
    statement of the code under test reached the row the test's own transaction holds)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as watch:
        for _ in range(2000):
            row = watch.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND wait_event_type = 'Lock' AND pid <> %s",
                (TEST_DB, blocker_pid),
            ).fetchone()
            if row and row[0]:
                return
            watch.execute("SELECT pg_sleep(0.01)")
    raise AssertionError(f"{what} never waited on the test's lock")
