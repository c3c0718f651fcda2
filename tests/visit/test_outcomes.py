"""Attempt outcomes and channels are enums whose values are the stored and wire strings; the
client and the server agree on which outcomes are reported."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import BadInput
from census_tui.server.app import OUTCOME_KINDS
from census_tui.server.openapi import OPENAPI
from census_tui.store import KdfParams
from census_tui.visit.api import Attempt
from census_tui.visit.outcomes import (
    CHANNEL_LABELS,
    OUTCOME_LABELS,
    OUTCOME_STATE,
    REPORTED_OUTCOMES,
    Channel,
    Outcome,
)
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession

CHEAP = KdfParams(n=2**10, r=1, p=1)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[VisitSession]:
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    s = make_local_profile(tmp_path, "enum01", "practice-pass-1", clock=clock, kdf=CHEAP)
    yield s
    s.close()


def test_values_are_the_stored_and_wire_strings() -> None:
    assert [o.value for o in Outcome] == [
        "no_contact",
        "appointment",
        "phone_registration",
        "refused",
        "vacant",
        "not_residential",
    ]
    assert [c.value for c in Channel] == ["phone", "wechat", "in_person"]
    assert {o.value for o in REPORTED_OUTCOMES} == {"refused", "vacant", "no_contact"}
    assert all(OUTCOME_STATE[o].value == o.value for o in Outcome)
    assert set(OUTCOME_LABELS) == set(Outcome) and set(CHANNEL_LABELS) == set(Channel)


def test_the_server_accepts_the_outcomes_the_client_reports() -> None:
    assert set(OUTCOME_KINDS) == {o.value for o in REPORTED_OUTCOMES}
    schema = OPENAPI["components"]["schemas"]["Outcome"]
    assert set(schema["properties"]["kind"]["enum"]) == set(OUTCOME_KINDS)


def test_an_attempt_stores_the_plain_strings(session: VisitSession) -> None:
    now = session.clock.now()
    later = now + timedelta(hours=5)
    attempt = Attempt(
        at=now, outcome=Outcome.APPOINTMENT, channel=Channel.WECHAT, appointment_at=later
    )
    session.record_attempt("D0001", attempt)
    [stored] = session.store.attempts("D0001")
    assert (type(stored.outcome), stored.outcome) == (str, "appointment")
    assert (type(stored.channel), stored.channel) == (str, "wechat")
    [back] = session.attempts("D0001")
    assert back.outcome is Outcome.APPOINTMENT and back.channel is Channel.WECHAT
    [booked] = session.store.appointments("D0001")
    assert booked.channel == "wechat"


def test_unknown_outcome_or_channel_is_refused(session: VisitSession) -> None:
    now = session.clock.now()
    with pytest.raises(BadInput):
        session.record_attempt("D0002", Attempt(at=now, outcome=cast(Outcome, "moved_away")))
    bad_channel = cast(Channel, "pigeon")
    with pytest.raises(BadInput):
        session.record_attempt(
            "D0002", Attempt(at=now, outcome=Outcome.APPOINTMENT, channel=bad_channel)
        )
    assert session.store.attempts("D0002") == []
