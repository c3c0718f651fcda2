"""The session's ordered writer: one thread that commits writes in the order they were asked.

A commit ends in an fsync, which on a handheld's eMMC can take tens of milliseconds; run on the
event loop it would hold every key typed behind it. Screens hand their writes (an answer, a
roster mark) to :class:`OrderedWriter` and act on the returned future: a write is acknowledged,
and may be shown as saved, only once the future says it is committed.

``concurrent.futures.ThreadPoolExecutor`` with a single worker is exactly a FIFO queue served by
one thread, so that is what this wraps; the store's own lock keeps reads on other threads out of
a write's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class OrderedWriter:
    """Runs submitted writes one at a time, first in first out, on a thread of its own."""

    def __init__(self, name: str = "census-writer") -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue ``fn(*args, **kwargs)`` after every write already queued; its future holds the
        result or the exception (a failed write never stops the writes queued after it)."""
        return self._pool.submit(fn, *args, **kwargs)

    def close(self) -> None:
        """Finish every queued write, then stop the thread; later submits raise RuntimeError."""
        self._pool.shutdown(wait=True)
