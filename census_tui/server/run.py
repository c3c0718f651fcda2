"""Start the reference server: in the foreground (the CLI) or in a thread (tests, the bench).

:class:`ServerThread` binds 127.0.0.1 on a free port itself (no port race) and waits on an event
set when uvicorn has finished starting: no sleeps, no polling.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from types import TracebackType

import uvicorn

from census_tui.server.app import make_app
from census_tui.server.seed import seed_demo
from census_tui.server.storage import ServerDB


def open_db(path: Path | str, *, demo: bool = False) -> ServerDB:
    """Open (creating if needed) a server database; ``demo`` seeds the training area once."""
    db = ServerDB(path)
    if demo and db.meta("seeded_demo") is None:
        seed_demo(db)
        db.set_meta("seeded_demo", "1")
    return db


def _config(
    db: ServerDB,
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


def serve(db_path: Path, host: str, port: int, *, demo: bool = False) -> None:
    """Run until interrupted (``census-tui server run``)."""
    db = open_db(db_path, demo=demo)
    try:
        uvicorn.Server(_config(db, host, port)).run()
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
        db: ServerDB,
        *,
        ssl_certfile: str | None = None,
        ssl_keyfile: str | None = None,
    ) -> None:
        self.db = db
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
