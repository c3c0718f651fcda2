"""A client process for the SIGKILL test: unlock the profile, run one sync, print the summary.

Usage: python -m tests.sync.child_sync BASE PROFILE PASSWORD BATCH
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from census_tui.clock import FakeClock
from census_tui.store import unlock
from census_tui.sync.engine import sync_store
from tests.sync.support import FAST


def main() -> int:
    base, profile, password, batch = sys.argv[1:5]
    clock = FakeClock()
    with unlock(profile, password, base=Path(base), clock=clock) as store:
        summary = sync_store(store, clock=clock, policy=FAST, batch_size=int(batch))
    print(json.dumps(summary.to_dict()))
    return int(summary.exit_code)


if __name__ == "__main__":
    sys.exit(main())
