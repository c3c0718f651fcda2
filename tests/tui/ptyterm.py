"""Run a real program in a pseudo-terminal (Python's ``pty``) and read what it draws.

Used by the crash test (SIGKILL mid-interview) and by ``bench/bench_tui.py``. Waiting is on the
pty's output with ``select`` and a deadline, never on sleep.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
from pathlib import Path

_ANSI = re.compile(
    rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


REPO = Path(__file__).resolve().parents[2]


def pty_env(home: Path, *, term: str = "xterm-256color", **extra: str) -> dict[str, str]:
    """The environment of a census-tui started in a test terminal: its own data directory and
    home, UTF-8, this checkout on the path; ``extra`` adds variables (``CENSUS_TUI_LANG="en"``)."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": term,
        "LANG": "C.UTF-8",
        "CENSUS_TUI_HOME": str(home),
        "PYTHONPATH": str(REPO),
        **extra,
    }


class PtyApp:
    """A child process on a pty of the given size."""

    def __init__(self, argv: list[str], env: dict[str, str], cols: int = 80, rows: int = 24):
        pid, fd = pty.fork()
        if pid == 0:  # child
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], argv, env)
        self.pid = pid
        self.fd = fd
        self.raw = bytearray()
        self.seen = 0
        self.status: int | None = None

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            raise EOFError("the program closed its terminal")
        self.raw += chunk
        return True

    def text(self) -> str:
        """Everything drawn so far with escape sequences removed."""
        return _ANSI.sub(b"", bytes(self.raw)).decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 20.0, *, new_only: bool = True) -> float:
        """Block until ``needle`` appears in output after the last mark; the time it appeared."""
        start = self.seen if new_only else 0
        data = needle.encode()
        deadline = time.monotonic() + timeout
        while True:
            if (
                _ANSI.sub(b"", bytes(self.raw[start:])).find(data) >= 0
                or bytes(self.raw[start:]).find(data) >= 0
            ):
                now = time.monotonic()
                self.seen = len(self.raw)
                return now
            left = deadline - time.monotonic()
            if left <= 0:
                tail = self.text()[-1500:]
                raise TimeoutError(f"{needle!r} not drawn within {timeout}s; tail:\n{tail}")
            self._pump(left)

    def mark(self) -> None:
        """Only output after this point counts for the next wait_for."""
        while self._pump(0):
            pass
        self.seen = len(self.raw)

    def pace(self, seconds: float) -> None:
        """Read what the program draws for ``seconds``: the gap between a typist's keys. Nothing
        is waited for; the program's output is only kept flowing."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._pump(left)

    def send(self, data: str | bytes) -> float:
        os.write(self.fd, data.encode() if isinstance(data, str) else data)
        return time.monotonic()

    def peak_rss_kb(self) -> int:
        with open(f"/proc/{self.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def reset_peak_rss(self) -> None:
        """Start a new peak: VmHWM becomes the current RSS (Linux ``clear_refs`` value 5)."""
        with open(f"/proc/{self.pid}/clear_refs", "w") as fh:
            fh.write("5")

    def kill(self, sig: int = signal.SIGKILL) -> int:
        """Signal the program and everything it started (the child leads its own session, so
        a wrapper such as ``handheld`` does not leave the program behind)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)
        return self.wait()

    def wait(self, timeout: float = 20.0) -> int:
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
                break
            if time.monotonic() > deadline:
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(EOFError):
                self._pump(0.05)
        with contextlib.suppress(OSError):
            os.close(self.fd)
        return self.status
