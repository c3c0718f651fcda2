"""Benchmark: a larger schemathesis run against the reference server on 127.0.0.1.

The same run as tests/server_api/test_conformance.py (every check, the explicit examples of
tests/server_api/st_hooks.py, the coverage, fuzzing and stateful phases; see
tests/server_api/stlive.py) with many more fuzzed requests per operation and a new seed each
time (printed, so a failure can be replayed with ``--seed``). It prints the phases, the number
of requests, and every failure schemathesis found with the request that reproduces it. Goal:
no 5xx and no conformance failure.

Run from the repository root: ``.venv/bin/python bench/bench_schemathesis.py [--max-examples
200] [--seed N] [--phases examples,coverage,fuzzing,stateful]``. Exit code 0 when the run is
clean, 1 otherwise.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.server_api

from tests.server_api.stlive import live_server, run_schemathesis


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--max-examples", type=int, default=200, help="fuzzed requests per operation"
    )
    parser.add_argument("--seed", type=int, default=None, help="replay a run (default: a new seed)")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for the whole run")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else secrets.randbelow(2**32)
    with (
        tempfile.TemporaryDirectory(prefix="bench-st-") as tmp,
        # spare tokens for POST /logout (it takes no input: few distinct requests); when they
        # run out, logout is sent a token never issued (401, as declared)
        live_server(Path(tmp), spares=60) as live,
    ):
        found = run_schemathesis(
            live,
            Path(tmp) / "st",
            max_examples=args.max_examples,
            phases=args.phases,
            seed=seed,
            timeout=args.timeout,
        )
    phases = re.findall(r"^ (?:✅|❌|🚫|⏭)\s+(\w+) \(in ([0-9.]+)s\)", found.output, re.M)
    print(f"schemathesis against the reference server, seed {seed}")
    print(f"{'phase':<12} {'seconds':>8}")
    for name, seconds in phases:
        print(f"{name:<12} {float(seconds):>8.1f}")
    print(f"requests generated: {found.generated}; wall time {found.seconds:.1f} s")
    if found.passed:
        print("result: no 5xx, no conformance failure")
        return 0
    print("result: FAILURES (below; replay with --seed)")
    print(found.failures())
    return 1


if __name__ == "__main__":
    sys.exit(main())
