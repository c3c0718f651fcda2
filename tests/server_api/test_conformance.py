"""The server keeps the OpenAPI document it serves: a bounded schemathesis run on loopback.

Every operation gets schemathesis's coverage phase (boundary and negative values of every
declared constraint, unsupported methods, missing auth), a small fuzzing phase and the
stateful phase (sequences along the links it infers); every check runs (see
tests/server_api/stlive.py). It must find no 5xx and no conformance failure.
The larger run is ``bench/bench_schemathesis.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server_api.stlive import live_server, run_schemathesis

pytestmark = [pytest.mark.slow, pytest.mark.integration]

MAX_EXAMPLES = 20
"""Fuzzed requests per operation (the coverage phase adds its own fixed set)."""
SEED = 2020_11_01
"""A fixed seed: the same requests on every run (the bench draws new ones)."""


def test_the_server_conforms_to_its_openapi_document(tmp_path: Path) -> None:
    with live_server(tmp_path, spares=30) as live:
        found = run_schemathesis(
            live,
            tmp_path / "st",
            max_examples=MAX_EXAMPLES,
            seed=SEED,
        )
    assert found.generated > 100, found.output[-3000:]
    assert found.passed, found.failures()[-12000:]
