"""The OpenAPI conformance run: schemathesis, through its own command line, against the real
reference server on 127.0.0.1 (a :class:`ServerThread` over a fresh database).

The server has two ready enumerators in their own areas (alice is the caller; bob's area and
cases give the 403s something real to refuse). Before the run alice logs in once for the main
token and once per spare token for ``POST /logout`` (tests/server_api/st_hooks.py), so neither
the logout fuzzing nor the login throttling during the run can take the caller's token away.

Every check schemathesis has runs (``--checks all``): no 5xx, only declared statuses, bodies
and headers as declared, requests outside the schemas refused, unsupported methods answered
405 with ``Allow``, authentication not ignored. One setting differs from schemathesis's
defaults: a schema-valid request may also be refused with 422, the status of what no schema
can say (a real-name check that does not match, the census logic checks on a household, a
weak password, training data on a real server); a schema-valid request answered 400 is still
a failure (the schema would be looser than the server).

Used by tests/server_api/test_conformance.py (small and bounded) and
bench/bench_schemathesis.py (larger).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from census_tui.server.run import ServerThread
from census_tui.server.seed import add_enumerator
from census_tui.server.storage import ServerDB
from tests.sync.support import household_payload

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, PASSWORD, AREA = "alice", "alice-pass-1", "110105001001002"
OTHER, OTHER_PASSWORD, OTHER_AREA = "bob", "bob-pass-22", "110105001001003"
CONFIG = """\
# Written by tests/server_api/stlive.py for one run.
[checks.positive_data_acceptance]
# A schema-valid request may be refused for what no schema can say (422): a real-name check
# that does not match, the census logic checks, a weak password, training vs real data.
expected-statuses = ["2xx", "401", "403", "409", "422", "429"]
"""


@dataclass(frozen=True)
class Live:
    url: str
    token: str
    spares: list[str]
    dwellings: list[str]
    other_dwellings: list[str]


@contextmanager
def live_server(directory: Path, *, spares: int) -> Iterator[Live]:
    """The reference server on 127.0.0.1 with alice logged in ``1 + spares`` times."""
    db = ServerDB(directory / "server.db")
    mine = add_enumerator(db, ACCOUNT, PASSWORD, AREA, dwellings=6, ready=True)
    theirs = add_enumerator(
        db,
        OTHER,
        OTHER_PASSWORD,
        OTHER_AREA,
        dwellings=3,
        ready=True,
        id_number="11010519491231002X",
    )
    try:
        with ServerThread(db) as server, httpx.Client(base_url=server.url, timeout=30) as c:
            tokens = []
            for _ in range(spares + 1):
                r = c.post("/api/v1/login", json={"account": ACCOUNT, "password": PASSWORD})
                r.raise_for_status()
                tokens.append(str(r.json()["token"]))
            _returned_case(c, tokens[0], mine[5], db)
            yield Live(server.url, tokens[0], tokens[1:], mine, theirs)
    finally:
        db.close()


def _returned_case(c: httpx.Client, token: str, dwelling: str, db: ServerDB) -> None:
    """One of alice's households, returned by a supervisor: ``GET /returns`` has a review to
    answer with (and its schema to keep)."""
    case, payload = household_payload(dwelling)
    r = c.post(
        "/api/v1/households",
        content=payload,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    db.review(case, "returned", "请核实 / please check", "supervisor", [("", "H6")])


@dataclass(frozen=True)
class Outcome:
    """What one schemathesis run found."""

    returncode: int
    output: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.returncode == 0

    @property
    def generated(self) -> int:
        found = re.search(r"(\d+) generated", self.output)
        return int(found.group(1)) if found else 0

    def failures(self) -> str:
        """The FAILURES (and ERRORS) sections of the report, or the whole output."""
        start = min(
            (
                i
                for i in (self.output.find("= FAILURES ="), self.output.find("= ERRORS ="))
                if i >= 0
            ),
            default=0,
        )
        return self.output[max(0, self.output.rfind("\n", 0, start)) :]


def run_schemathesis(
    live: Live,
    work: Path,
    *,
    max_examples: int,
    phases: str = "examples,coverage,fuzzing,stateful",
    seed: int | None = None,
    timeout: float = 600,
) -> Outcome:
    """One bounded run of ``schemathesis run`` against ``live``; its report and exit code."""
    work.mkdir(parents=True, exist_ok=True)
    config = work / "schemathesis.toml"
    config.write_text(CONFIG, encoding="utf-8")
    args = [
        *(sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color"),
        *("run", f"{live.url}/api/v1/openapi.json", "--checks", "all", "--workers", "1"),
        *("--phases", phases, "--max-examples", str(max_examples), "--request-timeout", "20"),
        *("--output-truncate", "true"),
    ]
    if seed is not None:
        args += ["--seed", str(seed)]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
        "SCHEMATHESIS_HOOKS": "tests.server_api.st_hooks",
        "CENSUS_ST_TOKEN": live.token,
        "CENSUS_ST_SPARE_TOKENS": ",".join(live.spares),
        "CENSUS_ST_OWN": json.dumps(
            {"area": AREA, "dwellings": live.dwellings, "other_dwelling": live.other_dwellings[0]}
        ),
        "COLUMNS": "120",
    }
    start = time.monotonic()
    done = subprocess.run(
        args,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Outcome(done.returncode, done.stdout + done.stderr, time.monotonic() - start)
