"""Answers on a kept-alive connection are not held back by Nagle's algorithm.

uvicorn writes an answer's headers and body separately; with Nagle on, the body waited for the
client's delayed ACK, about 40 ms per request on a reused connection (found while timing the
schemathesis runs: 30 s instead of 9 s). asyncio turns Nagle off only on sockets created as
IPPROTO_TCP, so :class:`ServerThread` must create its listening socket so.
"""

from __future__ import annotations

import socket
from pathlib import Path

from census_tui.server.run import ServerThread
from census_tui.server.storage import ServerDB


def test_the_listening_socket_says_tcp(tmp_path: Path) -> None:
    db = ServerDB(tmp_path / "server.db")
    try:
        with ServerThread(db) as server:
            listening = server._sock
            assert listening.proto == socket.IPPROTO_TCP
            with socket.create_connection(("127.0.0.1", server.port)) as c:
                c.sendall(b"GET /api/v1/time HTTP/1.1\r\nHost: x\r\n\r\n" * 2)
                data = b""
                while data.count(b"api_version") < 2:  # two answers on one connection
                    data += c.recv(65536)
    finally:
        db.close()
