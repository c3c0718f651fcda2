"""The full crash storm (issue 9 item 1): SIGKILL a scripted enumerator at seeded random points
while it enters households and syncs against the real reference server, then check that every
acknowledged answer is in the store, both integrity checks pass and the server holds every
completed household exactly once. Prints a Markdown table; exits 1 if anything failed.

    .venv/bin/python bench/storm_crash.py --kills 200 [--households N] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.crash_storm import run_crash_storm, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--households", type=int, default=0, help="default: kills * 3 / 4")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    households = args.households or max(10, args.kills * 3 // 4)
    with tempfile.TemporaryDirectory(prefix="storm-crash-") as work:
        r = run_crash_storm(Path(work), kills=args.kills, households=households, seed=args.seed)
    print(table(r))
    for problem in r.problems[:20]:
        print(f"- {problem}")
    return 1 if r.problems or r.kills < args.kills else 0


if __name__ == "__main__":
    sys.exit(main())
