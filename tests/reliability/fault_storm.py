"""The fault storm harness (issue 9 item 2), shared by the CI test and ``bench/storm_faults.py``.

Households are queued a round at a time and synced through the fault proxy
(:mod:`tests.sync.faultproxy`) to the real reference server, with every fault the proxy knows
(resets, dropped answers, stalls, slow drips, 500/503, a captive portal, a garbled answer)
mixed at random from a seed. Sync is pressed again until the outbox is empty, as an enumerator
would. Checked: every household is on the server exactly once and equal to what was sent;
every sync call ends within its deadline; the process's memory stays flat.

The clock is real time that never sleeps (:class:`NoSleepClock`): network time is real, the
backoff between retries is added to the clock instead of waited for. So the deadline counts
both, and a storm of a thousand households does not take hours of backoff.
"""

from __future__ import annotations

import gc
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from census_tui.store import META_SERVER_URL
from census_tui.sync.engine import sync_store
from census_tui.sync.transport import RetryPolicy
from tests.sync.faultproxy import FaultProxy, canned_json
from tests.sync.support import assert_exactly_once, enqueue_households, make_profile

AREA = "110105001001002"
FAULTS = [
    "reset_mid_request",
    "drop_response",
    "stall",
    "slow_drip",
    "http_500",
    "http_503",
    "captive_portal",
    "garbled",
]
POLICY = RetryPolicy(
    attempts=4,
    backoff_base=0.5,
    backoff_cap=5.0,
    deadline=20.0,
    connect_timeout=1.0,
    read_timeout=0.5,
    transfer_limit=1.0,
)
ONE_ATTEMPT = POLICY.connect_timeout + POLICY.read_timeout + POLICY.transfer_limit
"""The most one attempt started just before the deadline can add after it."""


class NoSleepClock:
    """Real time plus the seconds 'slept', which are added instead of waited for."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(seconds=self.offset)

    def monotonic(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.offset += max(0.0, seconds)

    def boottime(self) -> float:
        return time.monotonic() + self.offset

    def boot_id(self) -> str:
        return "no-sleep-clock"


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class FaultResult:
    households: int = 0
    sync_calls: int = 0
    failed_calls: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    longest_call: float = 0.0
    over_deadline: int = 0
    rss_start: int = 0
    rss_end: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def growth(self) -> float:
        return (self.rss_end - self.rss_start) / self.rss_start if self.rss_start else 0.0


def _fault(name: str) -> str | tuple[str, bytes]:
    """The proxy's fault of that name ("garbled" is a cut-off JSON answer)."""
    if name == "garbled":
        return canned_json(b'{"results": [{"case_uuid": ')
    return name


def run_fault_storm(
    work: Path,
    *,
    households: int,
    seed: int = 9,
    per_round: int = 10,
    batch: int = 5,
    fault_rate: float = 0.35,
) -> FaultResult:
    """Run the storm in ``work`` (a fresh directory) and check it; see the module doc."""
    rng = random.Random(seed)
    r = FaultResult(households=households)
    started = time.perf_counter()
    db = ServerDB(work / "server.db")
    dwellings = add_enumerator(db, "alice", "alice-pass-1", AREA, dwellings=20, ready=True)
    clock = NoSleepClock()
    sent: dict[str, bytes] = {}
    with ServerThread(db) as server, FaultProxy(server.port, drip_interval=0.02) as proxy:
        store = make_profile(server.url, work / "home", clock)  # type: ignore[arg-type]
        store.set_meta(META_SERVER_URL, proxy.url)
        rounds = (households + per_round - 1) // per_round
        for n in range(rounds):
            k = min(per_round, households - len(sent))
            sent.update(enqueue_households(store, dwellings, k))
            plan = [
                _fault(rng.choice(FAULTS)) if rng.random() < fault_rate else "pass"
                for _ in range(2 + k // batch * 2)
            ]
            if n < len(FAULTS):  # every kind of fault appears, even in a short storm
                plan[rng.randrange(1, len(plan))] = _fault(FAULTS[n])
            if rng.random() < 0.3:  # an outage: more faults in a row than one call retries
                at = rng.randrange(1, len(plan))
                plan[at:at] = [_fault(rng.choice(FAULTS))] * POLICY.attempts
            proxy.plan(*plan)
            for _ in range(30):
                t0 = clock.monotonic()
                summary = sync_store(store, clock=clock, policy=POLICY, batch_size=batch)
                took = clock.monotonic() - t0
                r.sync_calls += 1
                r.failed_calls += summary.error is not None
                r.longest_call = max(r.longest_call, took)
                r.over_deadline += took > POLICY.deadline + ONE_ATTEMPT
                if store.outbox_depth() == 0 and summary.error is None:
                    break
            else:
                r.problems.append(f"round {n}: the outbox did not empty")
            proxy.clear()
            if n == max(0, rounds // 10 - 1) or rounds == 1:
                gc.collect()
                r.rss_start = rss_bytes()
        gc.collect()
        r.rss_end = rss_bytes()
        for name in proxy.applied:
            r.faults[name] = r.faults.get(name, 0) + 1
        store.close()
        try:
            assert_exactly_once(db, sent)
        except AssertionError as exc:
            r.problems.append(f"not exactly once: {str(exc)[:200]}")
    db.close()
    if r.over_deadline:
        r.problems.append(f"{r.over_deadline} sync calls overran the deadline")
    r.seconds = time.perf_counter() - started
    return r


def table(r: FaultResult) -> str:
    faults = ", ".join(f"{k} {v}" for k, v in sorted(r.faults.items()) if k != "pass")
    rows = [
        ("households synced (each exactly once, equal to the client's)", f"{r.households}"),
        ("requests through the proxy", str(sum(r.faults.values()))),
        ("faults injected", faults or "-"),
        ("sync calls (ended with an error, then retried)", f"{r.sync_calls} ({r.failed_calls})"),
        (
            "longest sync call / deadline (+ one attempt)",
            f"{r.longest_call:.1f} s / {POLICY.deadline:.0f} s (+{ONE_ATTEMPT:.1f} s)",
        ),
        (
            "RSS after warm-up -> end (growth)",
            f"{r.rss_start / 2**20:.1f} MiB -> {r.rss_end / 2**20:.1f} MiB ({r.growth:+.1%})",
        ),
        ("problems", str(len(r.problems))),
        ("wall time", f"{r.seconds:.1f} s"),
    ]
    out = ["| fault storm | result |", "| --- | --- |"]
    out += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(out)
