"""Every collected test carries exactly one tier marker (tests/conftest.py gives them)."""

from __future__ import annotations

import pytest

from tests.conftest import TIERS


def test_every_collected_test_has_exactly_one_tier(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    assert request.node in items
    wrong = {
        item.nodeid: names
        for item in items
        if len(names := [m.name for m in item.iter_markers() if m.name in TIERS]) != 1
    }
    assert not wrong
