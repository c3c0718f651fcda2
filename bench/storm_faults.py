"""The full fault storm (issue 9 item 2): households synced through the fault proxy to the real
reference server with every fault mixed at random. Checks exactly-once delivery, every sync
call within its deadline, memory growth under 20%. Prints a Markdown table; exits 1 on failure.

    .venv/bin/python bench/storm_faults.py [--households 1000] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.fault_storm import run_fault_storm, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="storm-faults-") as work:
        r = run_fault_storm(Path(work), households=args.households, seed=args.seed)
    print(table(r))
    for problem in r.problems[:20]:
        print(f"- {problem}")
    return 1 if r.problems or r.growth >= 0.20 else 0


if __name__ == "__main__":
    sys.exit(main())
