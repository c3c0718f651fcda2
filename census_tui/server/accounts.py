"""Password hashing and tokens for the reference server (stdlib only).

Passwords are stored as scrypt hashes (memory-hard, from hashlib); tokens are random and stored
only as their SHA-256, so a copy of the server database does not hand out sessions. A login
for an unknown account runs the same scrypt against a dummy hash (:func:`check_or_dummy`), so
the answer's timing does not tell which account names exist.

Each scrypt takes 16 MiB and about 64 ms of a core, and runs in the server's thread pool: at
most :data:`KDF_SLOTS` run at once in a process (:data:`SLOTS`, a bounded semaphore around
:func:`kdf`), so a burst of logins cannot take 40 threads × 16 MiB or every core. The dummy
scrypt of an unknown account waits for a slot like any other (the same timing).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

_N, _R, _P = 2**14, 8, 1

KDF_SLOTS = max(2, os.cpu_count() or 2)
"""Password hashes computed at once per process at most: one a core (at least 2)."""


class KdfSlots:
    """A bounded semaphore around the KDF that also counts the KDFs running, the most that ever
    ran at once (:attr:`peak`) and all that ran (:attr:`total`), which tests and a bench read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._changed = threading.Condition()
        self.running = 0
        self.peak = 0
        self.total = 0
        self.inside = 0
        self.peak_inside = 0
        """Threads in :meth:`hold`, waiting for a slot or holding one, and their most at once:
        the server's async gate (app.py ``_hashing``) keeps it at :attr:`size`, so a burst of
        logins waits on the event loop instead of holding the thread pool's threads."""

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Wait for a free slot and keep it for the block."""
        with self._changed:
            self.inside += 1
            self.peak_inside = max(self.peak_inside, self.inside)
        with self._slots:
            with self._changed:
                self.running += 1
                self.total += 1
                self.peak = max(self.peak, self.running)
                self._changed.notify_all()
            try:
                yield
            finally:
                with self._changed:
                    self.running -= 1
                    self.inside -= 1
                    self._changed.notify_all()

    def wait_until(self, ready: Callable[[KdfSlots], bool], timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until ``ready(self)``; whether it came true."""
        with self._changed:
            return self._changed.wait_for(lambda: ready(self), timeout)


SLOTS = KdfSlots(KDF_SLOTS)
"""The process's KDF slots."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_threads: ThreadPoolExecutor | None = None
_threads_made = threading.Lock()


def kdf_threads() -> ThreadPoolExecutor:
    """The process's :data:`KDF_SLOTS` threads that run scrypt (made at the first hash). Not
    the server's pool of 40: the C library keeps each 16 MiB buffer for reuse in the memory
    arena of the thread that freed it, so scrypt on every pool thread left a worker ~200 MiB
    bigger after a burst of logins (bench_server_load); on two threads, two buffers."""
    global _threads
    with _threads_made:
        if _threads is None:
            _threads = ThreadPoolExecutor(KDF_SLOTS, thread_name_prefix="census-kdf")
        return _threads


def kdf(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    """The one place scrypt runs, in one of the process's :data:`SLOTS`, on one of its
    :func:`kdf_threads` (tests count its calls to prove unknown accounts cost the same work
    as known ones)."""
    with SLOTS.hold():
        job = kdf_threads().submit(hashlib.scrypt, password, salt=salt, n=n, r=r, p=p, dklen=32)
        return job.result()


def hash_password(password: str) -> str:
    """A self-describing scrypt hash: ``scrypt$n$r$p$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = kdf(password.encode(), salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; any malformed hash simply fails."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        if not (n.isascii() and n.isdigit() and int(n) <= 2**20):
            return False
        got = kdf(password.encode(), base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


_DUMMY = f"scrypt${_N}${_R}${_P}${_b64(bytes(16))}${_b64(bytes(32))}"
"""A hash no password matches, checked for unknown accounts (same parameters, same work)."""


def check_or_dummy(password: str, stored: str | None) -> bool:
    """:func:`check_password` against ``stored``, or the same work against a dummy hash when the
    account does not exist (always False then)."""
    if stored is None:
        check_password(password, _DUMMY)
        return False
    return check_password(password, stored)


def new_token() -> str:
    """A bearer token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the server keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def password_acceptable(password: str) -> bool:
    """The minimum the server asks of a new password: 8+ characters, letters and digits."""
    return (
        len(password) >= 8
        and any(c.isdigit() for c in password)
        and any(c.isalpha() for c in password)
    )
