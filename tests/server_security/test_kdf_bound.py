"""Password hashing is bounded per process (issue 18 §4): each scrypt takes 16 MiB and a core
for ~64 ms in the server's thread pool, so at most ``KDF_SLOTS`` (one a core, at least 2) run
at once, the dummy scrypt of unknown accounts included, however many logins arrive together;
``GET /time`` keeps answering meanwhile. The count is the server's own (``accounts.SLOTS``,
kept inside ``kdf`` around the real scrypt), not a mock."""

from __future__ import annotations

import hashlib
import os
import threading

import httpx
import pytest

from census_tui.server import accounts
from census_tui.server import app as server_app
from tests.server_security.conftest import V1, Site

KNOWN, UNKNOWN = 4, 8
"""Wrong guesses per known account (alice, bob: under their limit of 5) and unknown accounts:
16 logins, under the address's limit of 30."""


def test_one_kdf_slot_a_core_at_least_two() -> None:
    assert max(2, os.cpu_count() or 2) == accounts.KDF_SLOTS
    assert accounts.SLOTS.size == accounts.KDF_SLOTS


@pytest.mark.parametrize("site", ["sqlite"], indirect=True)
def test_a_burst_of_logins_runs_at_most_the_bound_at_once(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    slots = accounts.KdfSlots(2)  # the bound of a 2-core machine, whatever this one has
    monkeypatch.setattr(accounts, "SLOTS", slots)
    monkeypatch.setattr(server_app, "KDF_SLOTS", 2)  # the async gate, made at the first login
    accounts_tried = ["alice"] * KNOWN + ["bob"] * KNOWN
    accounts_tried += [f"nobody{i}" for i in range(UNKNOWN)]
    start = threading.Barrier(len(accounts_tried) + 1)
    codes: list[int] = []

    def guess(account: str) -> None:
        start.wait()
        body = {"account": account, "password": "wrong-guess-1"}
        codes.append(httpx.post(f"{site.url}{V1}/login", json=body, timeout=60).status_code)

    threads = [threading.Thread(target=guess, args=(a,)) for a in accounts_tried]
    for t in threads:
        t.start()
    with httpx.Client(base_url=site.url, timeout=10) as c:
        c.get(f"{V1}/time")  # the connection made before the burst
        start.wait()
        assert slots.wait_until(lambda s: s.running == s.size, timeout=30)
        answered = c.get(f"{V1}/time")
        assert answered.status_code == 200 and answered.json()["server_time"]
        assert len(codes) < len(accounts_tried)  # answered while the logins still ran
    for t in threads:
        t.join()
    assert codes == [401] * len(accounts_tried)
    assert slots.total == len(accounts_tried)  # one scrypt a login, unknown accounts too
    assert slots.peak == slots.size and slots.running == 0  # the bound, reached, never passed
    # The async gate: no thread of the pool ever waited for a hashing slot.
    assert slots.peak_inside == slots.size


@pytest.mark.parametrize("site", ["sqlite"], indirect=True)
def test_scrypt_runs_on_the_kdf_threads_only(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each scrypt's 16 MiB stays in the memory arena of the thread that ran it: on the
    server's pool of 40 threads that made a worker ~200 MiB bigger after a burst of logins."""
    real = hashlib.scrypt
    ran_on: list[str] = []

    def watched(*args: object, **kwargs: object) -> bytes:
        ran_on.append(threading.current_thread().name)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(hashlib, "scrypt", watched)
    body = {"account": "alice", "password": "wrong-guess-1"}
    threads = [
        threading.Thread(target=httpx.post, args=(f"{site.url}{V1}/login",), kwargs={"json": body})
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ran_on) == 4
    assert {name.rsplit("_", 1)[0] for name in ran_on} == {"census-kdf"}
    assert len(set(ran_on)) <= accounts.KDF_SLOTS
