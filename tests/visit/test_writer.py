"""The ordered writer: writes run in submission order, off the caller's thread, and a failure
neither stops the queue nor is reported as a success."""

from __future__ import annotations

import threading

import pytest

from census_tui.visit.writer import OrderedWriter


def test_writes_run_in_order_on_one_other_thread() -> None:
    writer = OrderedWriter()
    done: list[int] = []
    threads: set[int] = set()
    gate = threading.Event()

    def write(i: int) -> int:
        if i == 0:
            gate.wait()  # the first write is slow: the rest must still wait their turn
        threads.add(threading.get_ident())
        assert threading.current_thread().name.startswith("census-writer")
        done.append(i)
        return i * 10

    futures = [writer.submit(write, i) for i in range(50)]
    assert done == []  # nothing ran on the caller's thread
    gate.set()
    assert [f.result() for f in futures] == [i * 10 for i in range(50)]
    assert done == list(range(50))
    assert len(threads) == 1 and threading.get_ident() not in threads
    writer.close()


def test_a_failed_write_reports_its_error_and_later_writes_still_run() -> None:
    writer = OrderedWriter()
    done: list[str] = []

    def fail() -> None:
        raise OSError("disk full")

    bad = writer.submit(fail)
    good = writer.submit(done.append, "after")
    with pytest.raises(OSError):
        bad.result()
    good.result()
    assert done == ["after"]
    writer.close()


def test_close_finishes_queued_writes_and_refuses_new_ones() -> None:
    writer = OrderedWriter()
    done: list[int] = []
    gate = threading.Event()
    writer.submit(gate.wait)
    for i in range(5):
        writer.submit(done.append, i)
    gate.set()
    writer.close()
    assert done == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError):
        writer.submit(done.append, 9)


def test_a_write_s_future_says_every_earlier_write_is_done() -> None:
    writer = OrderedWriter()
    done: list[int] = []
    gate = threading.Event()
    writer.submit(gate.wait)
    writer.submit(done.append, 1)
    last = writer.submit(lambda: None)
    threading.Timer(0.0, gate.set).start()  # released from another thread, not slept on
    last.result()
    assert done == [1]
    writer.close()
