"""Start the reference server: in the foreground (the CLI) or in a thread (tests, the bench).

:class:`ServerThread` binds 127.0.0.1 on a free port itself (no port race) and waits on an event
set when uvicorn has finished starting: no sleeps, no polling.

``census-tui server run --workers N`` runs N uvicorn worker processes on one port; each opens
its own connection pool (:func:`worker_app`). That needs PostgreSQL: cursors come from its
sequence and uniqueness from its constraints, shared by every process. A SQLite server has one
process (it is refused with more). The database is opened, migrated and seeded once, in the
parent process, before the workers start.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.server.app import make_app
from census_tui.server.seed import seed_demo
from census_tui.server.storage import Storage, open_storage, parse_db

WORKER_ENV = "CENSUS_TUI_SERVER_WORKER"
"""How the parent tells each worker process which database (and key file) to open."""
SQLITE_ONE_WORKER = Msg(
    "SQLite 数据库只能由一个服务器进程使用：--workers 大于 1 时请用 PostgreSQL "
    "（--db postgresql://…）。",
    "A SQLite database serves one server process only: for --workers above 1 use PostgreSQL "
    "(--db postgresql://…).",
)
BAD_WORKERS = Msg("--workers 须为 1 到 64 之间的整数", "--workers must be a whole number 1-64")


def check_workers(db: Path | str, workers: int) -> None:
    """Refuse a worker count the database cannot take (before anything is opened or bound)."""
    if not 1 <= workers <= 64:
        raise BadInput(BAD_WORKERS)
    if workers > 1 and parse_db(db)[0] == "sqlite":
        raise BadInput(SQLITE_ONE_WORKER)


def open_db(db: Path | str, *, demo: bool = False, key_file: Path | str | None = None) -> Storage:
    """Open (creating and migrating if needed) a server database, a path or a URL
    (:func:`storage.parse_db`); ``demo`` seeds the training area once."""
    storage = open_storage(db, key_file=key_file)
    if demo and storage.meta("seeded_demo") is None:
        seed_demo(storage)
        storage.set_meta("seeded_demo", "1")
    return storage


def worker_app() -> Starlette:
    """The application of one worker process (``--workers N``): its own storage and pool,
    closed when the worker stops."""
    spec = json.loads(os.environ[WORKER_ENV])
    storage = open_storage(spec["db"], key_file=spec["key_file"])
    return make_app(storage, close_on_shutdown=True)


def _config(
    db: Storage,
    host: str,
    port: int,
    *,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
) -> uvicorn.Config:
    return uvicorn.Config(
        make_app(db),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=5,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


def serve(
    db_path: Path | str,
    host: str,
    port: int,
    *,
    demo: bool = False,
    ssl_certfile: str | None = None,
    ssl_keyfile: str | None = None,
    workers: int = 1,
    key_file: Path | str | None = None,
) -> None:
    """Run until interrupted (``census-tui server run``); HTTPS when given a certificate and
    its key (checked beforehand by :func:`census_tui.server.tls.check_tls_files`); ``workers``
    processes on PostgreSQL."""
    check_workers(db_path, workers)
    db = open_db(db_path, demo=demo, key_file=key_file)
    if workers > 1:
        key = db.key_file
        db.close()
        os.environ[WORKER_ENV] = json.dumps({"db": str(db_path), "key_file": str(key)})
        uvicorn.run(
            "census_tui.server.run:worker_app",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_keep_alive=5,
            ssl_certfile=ssl_certfile,
            ssl_keyfile=ssl_keyfile,
        )
        return
    try:
        config = _config(db, host, port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
        uvicorn.Server(config).run()
    finally:
        db.close()


class _Server(uvicorn.Server):
    """A uvicorn server that announces the end of its start-up on an event."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


class ServerThread:
    """The real server on 127.0.0.1 in a background thread; a context manager.

    ``url`` is ``http://127.0.0.1:<port>`` (``https://`` when given a certificate and key, for
    the TLS tests); ``db`` is the open database (tests seed and inspect it directly).
    """

    def __init__(
        self,
        db: Storage,
        *,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
    ) -> None:
        self.db = db
        # IPPROTO_TCP named, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that
        # say TCP, and with Nagle on, every answer on a kept-alive connection waited ~40 ms for
        # the client's delayed ACK between its headers and its body.
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        scheme = "https" if ssl_certfile else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        config = _config(
            db, "127.0.0.1", self.port, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> ServerThread:
        self._thread.start()
        self._server.ready.wait(timeout=30)
        if not self._server.started:
            self.stop()
            raise RuntimeError("reference server did not start")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
