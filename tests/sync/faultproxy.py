"""A fault-injecting TCP proxy for the sync tests: a real network path that misbehaves on cue.

It runs an asyncio loop in a thread, understands just enough HTTP/1.1 to find request and
response boundaries (Content-Length bodies, as httpx and uvicorn send them), and applies the
next planned fault to each request:

* ``pass``: forward both ways;
* ``reset_mid_request``: forward half the request, then reset both connections (RST);
* ``drop_response``: forward the request, let the server answer (it has committed), then reset
  the client's connection instead of passing the answer on;
* ``stall``: forward the request, hold the answer until the client gives up (sets ``stalled``);
* ``slow_drip``: forward, then drip the answer's body a byte at a time;
* ``http_500`` / ``http_503``: answer the error itself, never reaching the server;
* ``captive_portal``: answer 200 with an HTML login page, never reaching the server;
* ``("canned", raw_bytes)``: answer exactly ``raw_bytes`` (bad-answer tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from collections import deque
from typing import Any

Fault = str | tuple[str, bytes]

CANNED = {
    "http_500": b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 5\r\nConnection: close\r\n\r\noops!",
    "http_503": b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
    b"Retry-After: 2\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbusy",
    "captive_portal": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    b"Content-Length: 60\r\nConnection: close\r\n\r\n"
    b"<html><body><form>Wi-Fi login / portal</form></body></html>\n",
}


def canned_json(body: bytes, *, status: str = "200 OK", ctype: str = "application/json") -> Fault:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
    return ("canned", head.encode() + b"Connection: close\r\n\r\n" + body)


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset rather than a clean FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """Listen on 127.0.0.1 (free port) and forward to ``upstream_port``; ``plan`` the faults."""

    def __init__(self, upstream_port: int, drip_interval: float = 0.05) -> None:
        self.upstream_port = upstream_port
        self.drip_interval = drip_interval
        self.port = 0
        self.url = ""
        self.requests = 0
        self.applied: list[str] = []
        self.stalled = threading.Event()
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def plan(self, *faults: Fault) -> None:
        """Apply these faults to the next requests, in order; afterwards pass everything."""
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        """Forget the faults not yet applied (the network heals)."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> int:
        with self._lock:
            return len(self._faults)

    def _next(self) -> Fault:
        with self._lock:
            self.requests += 1
            fault = self._faults.popleft() if self._faults else "pass"
            self.applied.append(fault if isinstance(fault, str) else fault[0])
            return fault

    def start(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(timeout=10)
        return self

    def stop(self) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready.set()
        async with server:
            await self._stop.wait()
            server.close()

    async def _client(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                try:
                    head = await creader.readuntil(b"\r\n\r\n")
                    body = await creader.readexactly(_length(head))
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                fault = self._next()
                if isinstance(fault, tuple) or fault in CANNED:
                    cwriter.write(fault[1] if isinstance(fault, tuple) else CANNED[fault])
                    await cwriter.drain()
                    return
                if upstream is None:
                    upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
                ureader, uwriter = upstream
                if fault == "reset_mid_request":
                    uwriter.write(head + body[: max(1, len(body) // 2)])
                    await uwriter.drain()
                    _reset(uwriter)
                    _reset(cwriter)
                    return
                uwriter.write(head + body)
                await uwriter.drain()
                rhead = await ureader.readuntil(b"\r\n\r\n")
                rbody = await ureader.readexactly(_length(rhead))
                if fault == "drop_response":
                    _reset(cwriter)
                    return
                if fault == "stall":
                    self.stalled.set()
                    with contextlib.suppress(ConnectionError):
                        while await creader.read(65536):
                            pass
                    return
                if fault == "slow_drip":
                    cwriter.write(rhead)
                    for i in range(len(rbody)):
                        if cwriter.is_closing():
                            return
                        cwriter.write(rbody[i : i + 1])
                        await cwriter.drain()
                        await asyncio.sleep(self.drip_interval)  # network behaviour, not a wait
                    continue
                cwriter.write(rhead + rbody)
                await cwriter.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            if upstream is not None:
                upstream[1].close()
            if not cwriter.is_closing():
                cwriter.close()
