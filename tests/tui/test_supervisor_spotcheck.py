"""The supervisor's spot checks and re-visits in the TUI (issue 19 §4), against the real reference
server seeded with the training supervisor's office, through the real supervisor's session:
snapshots of the samples list, the draw dialog and the re-visit (its questions and its
differences) at 80x24 and 40x16 in Chinese and English; then the whole flow: a draw from the
dialog (a too-large one refused with the server's reason), a re-visit whose differences are
listed, two of them marked and returned: the server holds a return pointing at exactly those
questions, and the household is marked re-visited."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from census_tui.app import CensusApp, make_app
from census_tui.clock import FakeClock
from census_tui.demo import DEMO_SUPERVISOR_IDENTITY
from census_tui.screens.sup_revisit import RevisitScreen
from census_tui.screens.sup_samples import DrawScreen, SamplesScreen
from census_tui.server import supervisor as routes
from census_tui.server.run import ServerThread
from census_tui.server.seed import (
    DEMO_PASSWORD,
    DEMO_SUPERVISOR,
    PRACTICE_ENUMERATORS,
    PRACTICE_WORK,
    practice_case_uuid,
    seed_demo,
)
from census_tui.server.storage import ServerDB
from census_tui.supervision.service import SupervisorSession
from census_tui.sync.login import first_login, profile_name
from census_tui.visit.gate import VisitGate
from tests.tui.conftest import CHEAP
from tests.tui.drive import screen_text, settle, type_text

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("CENSUS_TUI_UPDATE_SNAPSHOTS") == "1"
PASSWORD = "sup-practice-1"
SEED = 20201103


@dataclass
class Office:
    base: Path
    clock: FakeClock
    db: ServerDB
    server: ServerThread
    sampled: list[str]
    """The case UUIDs of the fixture's sample (one household per practice area)."""


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """The training server (fake clock) and the training supervisor's profile, made by a real
    first login and filled by a refresh; one sample drawn (seed :data:`SEED`)."""
    base = tmp_path_factory.mktemp("spotcheck")
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    db = ServerDB(base / "server.db", clock=clock)
    seed_demo(db)
    server = ServerThread(db).start()
    try:
        store = first_login(
            server.url,
            DEMO_SUPERVISOR,
            DEMO_PASSWORD,
            ask_new_password=lambda: PASSWORD,
            ask_real_name=lambda: DEMO_SUPERVISOR_IDENTITY,
            clock=clock,
            base=base,
            kdf=CHEAP,
        )
        session = SupervisorSession(
            store, clock=clock, profile=profile_name(DEMO_SUPERVISOR), base=base
        )
        try:
            areas = [p.area_id for p in PRACTICE_ENUMERATORS]
            sample = session.draw_sample(areas, count=1, seed=SEED)
            assert session.refresh().error is None
            sampled = [c.case_uuid for c in sample.cases]
        finally:
            session.close()
        yield Office(base, clock, db, server, sampled)
    finally:
        server.stop()
        db.close()


def _app(office: Office, lang: str) -> CensusApp:
    gate = VisitGate(clock=office.clock, base=office.base, kdf=CHEAP)
    return make_app(gate, lang="zh" if lang == "zh" else "en", clock=office.clock, idle_minutes=60)


async def _samples(pilot: Pilot[int]) -> None:
    """Log in as the supervisor and open the spot checks from the progress screen."""
    await type_text(pilot, PASSWORD + "\r")
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SamplesScreen), type(pilot.app.screen)


def _mask(text: str) -> str:
    return re.sub(r"(\d{2}-\d{2} )?\d{2}:\d{2}", "<time>", text)


def _check(app: CensusApp, name: str, lang: str, size: tuple[int, int], *want: str) -> str:
    text = screen_text(app)
    flat = "".join(line.strip() for line in text.splitlines()).replace(" ", "")
    for w in want:
        assert w.replace(" ", "") in flat, f"{name} {lang} {size}: {w!r}\n{text}"
    assert "培训模式 TRAINING" in text, text
    path = SNAPSHOTS / f"{name}-{lang}-{size[0]}x{size[1]}.txt"
    masked = _mask(text)
    if UPDATE or not path.exists():
        path.write_text(masked, encoding="utf-8")
    else:
        assert masked == path.read_text(encoding="utf-8"), f"snapshot {path.name} differs"
    return text


def _work(case_uuid: str) -> list[dict[str, object]]:
    """The persons' answers of a practice household, by its case UUID."""
    for who in PRACTICE_ENUMERATORS:
        for work in PRACTICE_WORK[who.account]:
            if practice_case_uuid(who.area_id, work.dwelling) == case_uuid:
                return [dict(p.answers) for p in work.persons]
    raise AssertionError(case_uuid)


def _unsampled(office: Office, persons: int) -> str:
    """A practice household of at least ``persons`` persons outside the fixture's sample."""
    for who in PRACTICE_ENUMERATORS:
        for work in PRACTICE_WORK[who.account]:
            case = practice_case_uuid(who.area_id, work.dwelling)
            if case not in office.sampled and len(work.persons) >= persons:
                return case
    raise AssertionError("no such household")


async def _answer(pilot: Pilot[int], *answers: str) -> None:
    """Type the re-visit's answers (set in the field: names are Chinese), each with Enter."""
    for text in answers:
        pilot.app.screen.query_one("#rv-input", Input).value = text
        await pilot.press("enter")
        await pilot.pause()


def _person(answers: dict[str, object], **changed: str) -> list[str]:
    out = [str(answers[i]) for i in ("D1", "D4", "D5", "D2", "D3")]
    for i, key in enumerate(("name", "sex", "birth", "relation", "id_number")):
        out[i] = changed.get(key, out[i])
    return out


SIZES = ((80, 24), (40, 16))


async def _check_sizes(pilot: Pilot[int], name: str, lang: str, want: str) -> None:
    """The screen now at 80x24 and at 40x16 (then back to 80x24)."""
    app = pilot.app
    assert isinstance(app, CensusApp)
    for size in SIZES:
        await pilot.resize_terminal(*size)
        await settle(pilot)
        _check(app, name, lang, size, want)
    await pilot.resize_terminal(*SIZES[0])
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_spot_check_screens(office: Office, lang: str) -> None:
    app = _app(office, lang)
    zh = lang == "zh"
    async with app.run_test(size=SIZES[0]) as pilot:
        await _samples(pilot)
        await _check_sizes(pilot, "sup_samples", lang, "抽查" if zh else "Spot checks")
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, DrawScreen)
        await _check_sizes(pilot, "sup_draw", lang, "抽取抽查样本" if zh else "Draw a spot-check")
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("enter")  # the first household drawn: its re-visit
        await settle(pilot)
        assert isinstance(app.screen, RevisitScreen)
        assert app.screen.case_uuid == office.sampled[0]
        await _answer(pilot, "2")
        await _check_sizes(pilot, "sup_revisit", lang, "第1人:姓名" if zh else "Person 1: name")
        await pilot.press("escape")  # leaves without sending
        await settle(pilot)
        assert isinstance(app.screen, SamplesScreen)

        # the differences of a re-visit (a household outside the sample: the list stays)
        case = _unsampled(office, 3)
        record = _work(case)
        app.push_screen(RevisitScreen(case))
        await settle(pilot)
        await _answer(pilot, "2", *_person(record[0]), *_person(record[1], birth="1999-01"))
        await pilot.press("enter")  # send
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RevisitScreen) and screen.result is not None
        assert {d.kind for d in screen.result.differences} == {"count", "different", "missing"}
        await _check_sizes(pilot, "sup_revisit_diff", lang, "1999-01")


async def test_draw_revisit_and_return(office: Office) -> None:
    app = _app(office, "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _samples(pilot)
        before = len(office.db.rows("spot_samples"))
        # too large: the server's reason, nothing stored
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "99\r")
        await settle(pilot)
        text = screen_text(app)
        assert "has only" in text and "completed" in text, text
        assert len(office.db.rows("spot_samples")) == before
        # a percentage with a seed, from the dialog
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "50%\t7\r")
        await settle(pilot)
        assert len(office.db.rows("spot_samples")) == before + 1
        assert "seed 7" in screen_text(app)
        screen = app.screen
        assert isinstance(screen, SamplesScreen)
        newest = screen.rows[0]
        assert newest.sample.seed == 7

        # its first household: re-visit with one person fewer and a birth that differs
        await pilot.press("enter")
        await settle(pilot)
        revisit = app.screen
        assert isinstance(revisit, RevisitScreen) and revisit.case_uuid == newest.case.case_uuid
        record = _work(newest.case.case_uuid)
        typed = [_person(record[0], birth="1901-01")] + [_person(p) for p in record[1:-1]]
        await _answer(pilot, str(len(typed)), *[a for p in typed for a in p])
        await pilot.press("up")  # back to the last question, and on again: nothing lost
        await pilot.press("enter")
        await pilot.press("enter")  # send
        await settle(pilot)
        assert revisit.result is not None and revisit.result.sent
        kinds = [d.kind for d in revisit.result.differences]
        assert "different" in kinds and ("count" in kinds) == (len(record) > 1)
        assert len(office.db.rows("revisits")) >= 1

        # mark the birth difference and the first other one; return them
        diffs = revisit.query_one("#rv-diffs", OptionList)
        wanted = [i for i, d in enumerate(revisit.result.differences) if d.ref is not None][:2]
        for i in wanted:
            diffs.highlighted = i
            await pilot.press("space")
        assert "[x]" in screen_text(app)
        refs = revisit.chosen_refs()
        assert len(refs) == len(wanted)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # the prefilled comment
        await settle(pilot)
        assert isinstance(app.screen, SamplesScreen)
        reviews = routes._case(office.db, DEMO_SUPERVISOR, newest.case.case_uuid)["reviews"]
        assert reviews and reviews[-1]["action"] == "returned", reviews
        assert [(i["person_uuid"], i["item_id"]) for i in reviews[-1]["items"]] == [
            (r.person_uuid, r.item_id) for r in refs
        ]
        # after an update the household is marked re-visited
        await pilot.press("s")
        await settle(pilot)
        now = app.screen
        assert isinstance(now, SamplesScreen)
        assert all(r.case.revisited for r in now.rows if r.case.case_uuid == revisit.case_uuid)
