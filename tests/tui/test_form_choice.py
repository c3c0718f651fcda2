"""Which form a household is on (issue 17 §2): the dashboard and the visit screen mark the long
form (长表) and the HMT-foreign form, and a household changes its form only through the dialog
that says which answers stay and which go."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from census_tui.app import CensusApp
from census_tui.clock import FakeClock
from census_tui.errors import BadInput, ConflictError
from census_tui.model import Household, Value
from census_tui.questionnaire.form import load_form, shared_items
from census_tui.screens.change_form import ChangeFormScreen
from census_tui.visit.practice import make_local_profile
from census_tui.visit.service import VisitSession
from census_tui.visit.states import CaseState
from tests.tui.conftest import CHEAP, PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle
from tests.tui.more_support import fill, live, on_screen, open_dwelling, until


def _line(app: CensusApp, dwelling_id: str) -> str:
    return next(line for line in screen_text(app).splitlines() if dwelling_id in line)


def _flat(app: CensusApp) -> str:
    return " ".join(line.strip() for line in screen_text(app).splitlines())


def _state_line(app: CensusApp) -> str:
    return str(app.screen.query_one("#visit-state").render())


@pytest.mark.parametrize(
    ("lang", "size", "long_mark", "hmt_mark", "long_label"),
    [
        ("zh", (80, 24), "长表", "港澳台", "长表"),
        ("zh", (40, 16), "长表", "港澳台", "长表"),
        ("en", (40, 16), "long", "HMT", "long form"),
    ],
)
async def test_dashboard_and_visit_screen_mark_the_form(
    app_factory: AppFactory,
    lang: str,
    size: tuple[int, int],
    long_mark: str,
    hmt_mark: str,
    long_label: str,
) -> None:
    app = app_factory(lang)
    async with app.run_test(size=size) as pilot:
        await login(pilot, PASSWORD)
        store = live(app).store
        store.set_dwelling_form("D0002", "long2020")
        store.set_dwelling_form("D0003", "hmt2020")
        await pilot.press("r")
        await settle(pilot)
        assert long_mark in _line(app, "D0002"), screen_text(app)
        assert hmt_mark in _line(app, "D0003"), screen_text(app)
        plain = _line(app, "D0001")
        assert long_mark not in plain and hmt_mark not in plain  # the short form is unmarked

        await open_dwelling(pilot, "D0002")
        assert long_label in _state_line(app), screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        await open_dwelling(pilot, "D0001")
        assert long_label not in _state_line(app)


def _household(session: VisitSession) -> str:
    """The scripted 3-person household at D0001, with one death recorded (H4m = 1)."""
    hh = session.start_interview("D0001")
    fill(session, hh)
    session.set_answer(hh, "", "H4m", 1)
    death = session.add_death(hh)
    session.set_answer(hh, death, "S2", "王五")
    session.set_answer(hh, death, "S3", 1)
    return hh


def _answers(hh: Household) -> list[dict[str, Value]]:
    return [hh.answers, *(p.answers for p in hh.persons), *(d.answers for d in hh.deaths)]


async def _open_dialog(pilot: Pilot[int], app: CensusApp) -> ChangeFormScreen:
    await pilot.press("f")
    await on_screen(pilot, "ChangeFormScreen")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ChangeFormScreen)
    return screen


async def test_change_form_lists_what_stays_and_what_goes(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        session = live(app)
        hh = _household(session)
        before = session.household(hh)
        total = sum(len(a) for a in _answers(before))
        await pilot.press("r")
        await settle(pilot)
        await open_dwelling(pilot, "D0001")

        # short → long keeps every answer; → HMT-foreign keeps none and drops the death record
        await _open_dialog(pilot, app)
        flat = _flat(app)
        assert "now: short form" in flat and "long form" in flat and "HMT-foreign form" in flat
        assert f"Keeps all {total} answers." in flat, flat
        await pilot.press("down")
        await settle(pilot)
        flat = _flat(app)
        assert "Keeps no answers." in flat and f"Drops {total} answers: H1 H2a" in flat, flat
        assert "Drops 1 death record(s)." in flat, flat

        # Esc cancels: nothing changes
        await pilot.press("escape")
        await on_screen(pilot, "VisitScreen")
        await settle(pilot)
        after = session.household(hh)
        assert after.form_id == "short2020" and _answers(after) == _answers(before)

        # Enter arms, Esc goes back without changing, Enter twice changes (to the long form)
        await _open_dialog(pilot, app)
        await pilot.press("enter")
        await settle(pilot)
        assert "Press Enter again to change to the long form" in _flat(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChangeFormScreen)
        assert session.household(hh).form_id == "short2020"
        await pilot.press("enter", "enter")
        await on_screen(pilot, "VisitScreen")
        await settle(pilot)
        on_long = session.household(hh)
        assert on_long.form_id == "long2020"
        assert _answers(on_long) == _answers(before)  # every short-form answer kept
        assert "long form" in _state_line(app)

        # long-only answers, then back to the short form: exactly those are dropped
        head = on_long.persons[0].uuid
        session.set_answer(hh, "", "H8", 2)
        session.set_answer(hh, head, "D15", 1)
        long, short = load_form("long2020"), load_form("short2020")
        with_long = session.household(hh)
        await _open_dialog(pilot, app)  # short form first in the list
        flat = _flat(app)
        assert "Drops 2 answers: H8 D15" in flat, flat
        await pilot.press("enter", "enter")
        await on_screen(pilot, "VisitScreen")
        await settle(pilot)
        back = session.household(hh)
        keep = shared_items(long, short)
        assert back.form_id == "short2020"
        assert _answers(back) == [
            {k: v for k, v in a.items() if k in keep} for a in _answers(with_long)
        ]
        assert _answers(back) == _answers(before)

        # → HMT-foreign: no answer is shared; the persons stay, the death record goes
        await _open_dialog(pilot, app)
        await pilot.press("down", "enter", "enter")
        await on_screen(pilot, "VisitScreen")
        await settle(pilot)
        hmt = session.household(hh)
        assert hmt.form_id == "hmt2020"
        assert shared_items(short, load_form("hmt2020")) == frozenset()
        assert hmt.answers == {} and all(p.answers == {} for p in hmt.persons)
        assert len(hmt.persons) == len(before.persons) and hmt.deaths == []
        assert "HMT-foreign form" in _state_line(app)


async def test_an_uploaded_household_keeps_its_form(app_factory: AppFactory) -> None:
    app = app_factory("zh")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await login(pilot, PASSWORD)
        session = live(app)
        hh = _household(session)
        session.store.set_state(hh, CaseState.SYNCED.value)
        await pilot.press("r")
        await settle(pilot)
        await open_dwelling(pilot, "D0001")
        await pilot.press("f")
        await settle(pilot)
        assert type(app.screen).__name__ == "VisitScreen"
        assert "不能更换表式" in _flat(app).replace(" ", ""), screen_text(app)
        assert session.household(hh).form_id == "short2020"


async def test_a_dwelling_without_household_changes_its_own_form(
    app_factory: AppFactory,
) -> None:
    app = app_factory("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        session = live(app)
        await open_dwelling(pilot, "D0004")
        await _open_dialog(pilot, app)
        assert "尚无户" in _flat(app).replace(" ", "")
        await pilot.press("enter", "enter")  # the long form, first of the others
        await on_screen(pilot, "VisitScreen")
        await until(pilot, lambda: session.store.dwelling("D0004").form_id == "long2020")
        assert "长表" in _state_line(app)
        assert session.households("D0004") == []
        await pilot.press("escape")
        await on_screen(pilot, "DashboardScreen")
        await settle(pilot)
        assert "长表" in _line(app, "D0004")


def test_a_dwelling_form_change_is_refused_clearly(tmp_path: Path, clock: FakeClock) -> None:
    session = make_local_profile(tmp_path, "enum02", PASSWORD, clock=clock, kdf=CHEAP, dwellings=2)
    try:
        with pytest.raises(BadInput) as bad:
            session.change_dwelling_form("D0001", "death2020")
        assert bad.value.msg.zh and bad.value.msg.en
        session.start_interview("D0002")
        with pytest.raises(ConflictError) as has:
            session.change_dwelling_form("D0002", "long2020")
        assert "households" in has.value.msg.en and "户" in has.value.msg.zh
        assert session.store.dwelling("D0002").form_id == "short2020"
    finally:
        session.close()
