"""A reference server run as its own process (``census-tui server run``) in a test: a free
loopback port, and waiting until it listens, on the process itself (an early exit is seen at
once), never by sleeping."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(
    proc: subprocess.Popen[bytes] | subprocess.Popen[str],
    port: int,
    output: Callable[[], str],
    timeout: float = 30.0,
) -> None:
    """Until ``proc`` accepts connections on ``port`` (a connection fails fast while the port is
    not bound); between attempts this waits on ``proc``; ``output`` tells what it said."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return
        except OSError:
            try:
                code = proc.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"server exited {code}: {output()}") from None
    raise AssertionError(f"server not listening after {timeout} s: {output()}")
