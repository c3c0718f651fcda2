"""Benchmark: the logic checks on a 10-person household (issue 3; target ≤ 1 ms per household).

Not a test. Prints median and p95 of ``check_household`` next to a bare loop over the same data
(every answer visited with a trivial comparison), measured in the same run, because these
machines are noisy. Run: ``.venv/bin/python bench/bench_validation.py [runs]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from census_tui.model import Household
from census_tui.validation.engine import check_household
from tests.validation.builders import valid_household, valid_long_household


def bare_loop(hh: Household) -> int:
    """The floor: touch every answer once."""
    n = 0
    for value in hh.answers.values():
        n += value == 1
    for p in hh.persons:
        for value in p.answers.values():
            n += value == 1
    return n


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(runs: int = 2000) -> None:
    short = valid_household(10)
    short.answers["H6"] = 40  # one warning, so the finding path is exercised too
    long = valid_long_household(10)  # the long form (issue 17): 30 person items, H8-H18
    print("| case | runs | median µs | p95 µs | bare loop median µs | bare p95 µs | ratio |")
    print("|---|---|---|---|---|---|---|")
    ok = True
    for label, hh in (("short form", short), ("long form", long)):
        for _ in range(200):  # warm up
            check_household(hh)
            bare_loop(hh)
        check = summary(timings(partial(check_household, hh), runs))
        bare = summary(timings(partial(bare_loop, hh), runs))
        print(
            f"| check_household, {label}, 10 persons | {runs} | {check[0] * 1e6:.0f} "
            f"| {check[1] * 1e6:.0f} | {bare[0] * 1e6:.1f} | {bare[1] * 1e6:.1f} "
            f"| {check[0] / bare[0]:.0f}x |"
        )
        ok = ok and check[1] <= 1e-3
    print(f"target p95 <= 1000 µs: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
