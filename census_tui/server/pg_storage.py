"""The reference server on PostgreSQL: psycopg 3 with a connection pool.

Imported only when ``--db`` is a ``postgresql://`` URL (:func:`storage.open_storage`), so the
TUI and a SQLite server never load psycopg. Connections run in autocommit for single reads;
writes run in explicit transactions. Every connection taken from the pool is checked first, so
after the database restarts the dead connections are replaced instead of failing a request.

Cursors: one sequence (``cursor_seq``) for every worker process. A transaction that takes a
cursor value holds an exclusive transaction-level advisory lock until it commits, and reading
the current cursor takes the same lock shared: a device is never given a cursor past a row that
is not yet visible (which a plain ``nextval`` would allow when two transactions commit out of
order), so no row is skipped. Only areas, dwellings and returns take cursors (office and
supervisor work); uploads never wait for that lock.

Failures of the connection (the server gone away or restarting, the pool exhausted, a deadlock
or serialization failure) become :class:`StorageUnavailable`: the transaction is rolled back as
a whole and the device is told to retry (503).
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from census_tui.clock import Clock
from census_tui.errors import BadInput, StoreError
from census_tui.i18n import Msg
from census_tui.server.storage import (
    BadText,
    Row,
    Storage,
    StorageUnavailable,
    Tx,
    _private_file,
    column_names,
)

CURSOR_LOCK = 0x63656E737573
"""The advisory lock key guarding the cursor sequence ("census")."""
SCHEMA_LOCK = 0x63656E737573 + 1
"""The advisory lock key taken while migrating (several workers may start at once)."""
UNREACHABLE = Msg(
    "无法连接 PostgreSQL 数据库 {where}：请检查地址、账号和数据库是否在运行。",
    "Cannot reach the PostgreSQL database {where}: check the address, the account and that the "
    "database is running.",
)
NO_PG_DUMP = Msg(
    "PostgreSQL 数据库请用 pg_dump 备份（本机未找到 pg_dump），例如：pg_dump --format=custom "
    "--file 备份文件 数据库地址。恢复密钥文件请另行保管。",
    "Back up a PostgreSQL database with pg_dump (not found on this machine), e.g. pg_dump "
    "--format=custom --file BACKUP DATABASE-URL. Keep the recovery key file apart.",
)
DUMP_FAILED = Msg(
    "pg_dump 失败（退出码 {code}）：{detail}",
    "pg_dump failed (exit code {code}): {detail}",
)


def where(url: str) -> str:
    """``host:port/dbname`` of a URL, without the user's password (for messages)."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(?)"
    host = str(info.get("host") or "localhost")
    port = str(info.get("port") or "5432")
    return f"{host}:{port}/{info.get('dbname') or ''}"


@lru_cache(maxsize=512)
def _pg_sql(sql: str) -> str:
    """The shared SQL's ``?`` placeholders as psycopg's ``%s`` (the SQL has no ``%``)."""
    if "%" in sql:
        raise ValueError("a % in shared SQL")
    return sql.replace("?", "%s")


def _args(args: Sequence[Any]) -> tuple[Any, ...]:
    for a in args:
        if isinstance(a, str) and "\x00" in a:
            raise BadText("NUL character")
    return tuple(args)


def _row_factory(cursor: Any) -> Any:
    names = column_names(cursor.description)

    def make(values: Sequence[Any]) -> Row:
        return Row(values, names)

    return make


RESTED = 5.0
"""Seconds a connection may rest in the pool and still be handed out without a round trip to
check it (:class:`Freshness`)."""


class Freshness:
    """The pool's check of a connection before it is handed out, without a round trip for one
    that was in use a moment ago: a connection whose server went away (a restart, a killed
    backend) has its socket readable (the server's last message and the end of the stream),
    and one that rested longer than :data:`RESTED` may have lost its peer silently; those two
    are checked with an empty query (psycopg_pool's ``check_connection``, which discards a
    broken one and hands out another). The check per checkout was one round trip of every
    transaction and every single query: a fifth of the statements of a batch upload."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._returned: weakref.WeakKeyDictionary[psycopg.Connection[Any], float] = (
            weakref.WeakKeyDictionary()
        )
        self.pings = 0
        """Checks that went to the server (a test reads it)."""

    def returned(self, conn: psycopg.Connection[Any]) -> None:
        """The connection goes back to the pool now."""
        self._returned[conn] = self._now()

    def check(self, conn: psycopg.Connection[Any]) -> None:
        """The pool's ``check`` callback: raise if the connection is broken."""
        rested = self._now() - self._returned.get(conn, float("-inf"))
        if rested > RESTED or _readable(conn.pgconn.socket):
            self.pings += 1
            ConnectionPool.check_connection(conn)


def _readable(fd: int) -> bool:
    """Whether the socket has something to read now (nothing is expected between queries)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class _PgTx:
    """A transaction on one pooled connection, speaking the shared SQL."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, args: Sequence[Any] = (), /) -> Any:
        return self._conn.execute(_pg_sql(sql), _args(args))


class PostgresStorage(Storage):
    """The server's data in a PostgreSQL database (``postgresql://user:pw@host:port/db``)."""

    dialect = "postgres"
    lock_clause = " FOR UPDATE"

    def __init__(
        self,
        url: str,
        clock: Clock | None = None,
        *,
        key_file: Path | str | None = None,
        office_key: bool = True,
        pool_size: int = 10,
        wait: float = 10.0,
        connect_timeout: int = 5,
    ) -> None:
        super().__init__(clock, None if key_file is None else Path(key_file))
        self.url = url
        self._where = where(url)
        self.freshness = Freshness()
        try:
            conninfo = make_conninfo(url, connect_timeout=connect_timeout)
        except psycopg.ProgrammingError:
            raise BadInput(UNREACHABLE.format(where=self._where)) from None
        try:  # one plain connection first: an unreachable database is said at once
            psycopg.connect(conninfo).close()
        except psycopg.Error:
            raise StoreError(UNREACHABLE.format(where=self._where)) from None
        self._pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True},
            configure=self._configure,
            check=self.freshness.check,
            timeout=wait,
            open=False,
            name="census-server",
        )
        try:
            self._pool.open(wait=True, timeout=max(wait, connect_timeout + 1.0))
        except PoolTimeout:
            self._pool.close()
            raise StoreError(UNREACHABLE.format(where=self._where)) from None
        try:
            self._migrate()
            if office_key:
                self._ensure_office_key()
        except BaseException:
            self._pool.close()
            raise

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        """A new connection of the pool: rows by name, and fresh (no check before its first use)."""
        _configure(conn)
        self.freshness.returned(conn)

    def describe(self) -> str:
        return f"postgresql://{self._where}"

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            with self._pool.connection() as conn:
                try:
                    yield conn
                finally:  # (not the pool's reset callback: that returns it through a thread)
                    self.freshness.returned(conn)
        except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as exc:
            raise StorageUnavailable() from exc

    @contextmanager
    def tx(self) -> Iterator[Tx]:
        with self._conn() as conn, conn.transaction():
            yield _PgTx(conn)

    def _q(self, sql: str, args: Sequence[Any] = ()) -> list[Row]:
        with self._conn() as conn:
            return conn.execute(_pg_sql(sql), _args(args)).fetchall()

    def _lock_schema(self, t: Tx) -> None:
        t.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))

    def _next_seq(self, t: Tx) -> int:
        t.execute("SELECT pg_advisory_xact_lock(?)", (CURSOR_LOCK,))
        return int(t.execute("SELECT nextval('cursor_seq')").fetchone()[0])

    def current_seq(self) -> int:
        with self.tx() as t:
            t.execute("SELECT pg_advisory_xact_lock_shared(?)", (CURSOR_LOCK,))
            last, called = t.execute("SELECT last_value, is_called FROM cursor_seq").fetchone()
        return int(last) if called else 0

    def scans(self, sql: str, args: Sequence[Any]) -> list[str]:
        """Sequential scans in ``EXPLAIN`` with ``enable_seqscan`` off: the planner then uses
        an index wherever one fits, so a ``Seq Scan`` left means none does."""
        with self.tx() as t:
            t.execute("SET LOCAL enable_seqscan = off")
            plan = t.execute("EXPLAIN " + sql, args).fetchall()
        lines = [str(r[0]) for r in plan]
        return [line.strip() for line in lines if "Seq Scan" in line]

    def backup(self, dest: Path) -> None:
        """``pg_dump --format=custom`` of the database into ``dest`` (0600); the password, if
        any, goes to pg_dump in its environment, never on its command line."""
        pg_dump = find_pg_tool("pg_dump")
        if pg_dump is None:
            raise BadInput(NO_PG_DUMP)
        info = conninfo_to_dict(self.url)
        password = info.pop("password", None)
        env = dict(os.environ)
        if password:
            env["PGPASSWORD"] = str(password)
        _private_file(dest)
        done = subprocess.run(
            [
                pg_dump,
                "--format=custom",
                "--file",
                str(dest),
                "--dbname",
                make_conninfo("", **info),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            dest.unlink(missing_ok=True)
            detail = (done.stderr.strip().splitlines() or ["?"])[-1][:200]
            raise StoreError(DUMP_FAILED.format(code=done.returncode, detail=detail))
        os.chmod(dest, 0o600)


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.row_factory = _row_factory


def find_pg_tool(name: str) -> str | None:
    """A PostgreSQL program on PATH, else the newest of Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    return str(candidates[-1]) if candidates else None
