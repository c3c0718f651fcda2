"""The dashboard at 40x16 with ids that share the area's code, and what it says about items the
server refused (issue 16 §1, §2, §13).

At 40 columns the rows must still tell dwellings apart: the id's own part (not the area's code
every id starts with), the end of the address (unit, room) and the whole state. The filter
searches what is shown, so typing ``105`` finds room 105 and not every row. Items the server
refused are said in words, with what to do, after the sync and on the dashboard until resolved.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.store import Dwelling
from census_tui.visit.api import Attempt, SyncOutcome, SyncProgress
from census_tui.visit.exchange import ExchangeMixin
from census_tui.visit.outcomes import Outcome
from census_tui.visit.practice import PRACTICE_AREA, make_local_profile
from census_tui.visit.service import VisitSession
from tests.tui.conftest import CHEAP, PASSWORD, PROFILE
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text
from tests.tui.test_screens import SNAPSHOTS, UPDATE

AREA = PRACTICE_AREA.id
REFUSAL = "training_mismatch (kept on device)"


def _id(n: int) -> str:
    return f"{AREA}-{n:03d}"


@pytest.fixture
def home(tmp_path: Path, clock: FakeClock) -> Path:
    """A practice profile whose dwellings have the server's ids: the area's code, then -001 …"""
    session = make_local_profile(tmp_path, PROFILE, PASSWORD, clock=clock, kdf=CHEAP, dwellings=0)
    with session.store.transaction():
        for n in range(1, 13):
            session.store.upsert_dwelling(
                Dwelling(
                    _id(n),
                    AREA,
                    address=f"幸福里小区 1号楼 {n // 5 + 1}单元 {100 + n}室",
                    sort_key=_id(n),
                )
            )
    now = clock.now()
    session.record_attempt(_id(1), Attempt(at=now, outcome=Outcome.REFUSED, doubt="tax"))
    session.record_attempt(_id(2), Attempt(at=now, outcome=Outcome.VACANT))
    session.close()
    return tmp_path


def _snapshot(text: str, name: str) -> None:
    path = SNAPSHOTS / f"{name}.txt"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
    else:
        assert text == path.read_text(encoding="utf-8"), f"snapshot {path.name} differs:\n{text}"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_narrow_rows_tell_dwellings_apart(app_factory: AppFactory, lang: str) -> None:
    app = app_factory(lang)
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        text = screen_text(app)
        rows = [line for line in text.splitlines() if line.lstrip().startswith("0")]
        assert len(rows) >= 6, text
        ids = [r.split()[0] for r in rows]
        assert ids[:3] == ["001", "002", "003"], text  # the id's own part, not 1101050020
        # every row's address ends differently (the room), never cut to the shared start
        rooms = [f"{100 + n}室" for n in range(1, len(rows) + 1)]
        assert all(room in row for room, row in zip(rooms, rows, strict=True)), text
        refused, vacant, listed = (
            ("拒访", "空户", "待访")
            if lang == "zh"
            else (
                "refused",
                "vacant",
                "listed",
            )
        )
        assert refused in rows[0] and vacant in rows[1] and listed in rows[2], text
        # refused and vacant dwellings are not counted as still to visit
        header = "".join(text.splitlines()[:5]).replace(" ", "")
        assert ("待访10" if lang == "zh" else "listed10") in header, text
        assert ("拒访空户2" if lang == "zh" else "refused/vacant2") in header, text
        _snapshot(text, f"dashboard_narrow-{lang}-40x16")


async def test_english_states_whole_at_40_columns(
    app_factory: AppFactory, clock: FakeClock
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        session = app.session
        assert session is not None
        later = clock.now().replace(hour=11)
        session.record_attempt(
            _id(4), Attempt(at=clock.now(), outcome=Outcome.APPOINTMENT, appointment_at=later)
        )
        await pilot.press("r")
        await settle(pilot)
        rows = [line for line in screen_text(app).splitlines() if " 004 " in line]
        assert rows and "appointment" in rows[0], screen_text(app)


async def test_filter_searches_what_is_shown(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        await pilot.press("slash")
        await type_text(pilot, "105")  # digits of the area code and of room 105
        await settle(pilot)
        text = screen_text(app)
        rows = [line for line in text.splitlines() if "室" in line]
        assert len(rows) == 1 and "105室" in rows[0], text
        await pilot.press("ctrl+u")
        await type_text(pilot, _id(7))  # a whole id still finds its dwelling
        await settle(pilot)
        rows = [line for line in screen_text(app).splitlines() if "室" in line]
        assert len(rows) == 1 and "107室" in rows[0], screen_text(app)


async def test_refused_items_said_in_words_until_resolved(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refusing_sync(self: ExchangeMixin, progress: object = None) -> SyncOutcome:
        """The server refuses the one queued household as a training server refuses a
        real-mode one; the engine keeps it with its reason (as sync/engine.py does)."""
        item = self.store.outbox_pending()[0]
        self.store.outbox_fail(item.id, REFUSAL)
        assert progress is None or callable(progress)
        if callable(progress):
            progress(SyncProgress(1, 1, "done"))
        return SyncOutcome(sent=0, acked=0, pulled=0, returned=0, refused=(REFUSAL,))

    monkeypatch.setattr(ExchangeMixin, "sync", refusing_sync)
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        session = app.session
        assert isinstance(session, VisitSession)
        hh = session.store.create_household(_id(5), training=True)
        session.store.enqueue("household", hh, 1, b"{}")
        notes: list[str] = []
        monkeypatch.setattr(app, "notify", lambda text, **kw: notes.append(str(text)))
        await pilot.press("s")
        await settle(pilot)
        said = " ".join(notes)
        assert "refused 1" in said and "practice and real data cannot mix" in said, notes
        assert "call your supervisor" in said, notes
        text = screen_text(app)
        flat = " ".join(line.strip() for line in text.splitlines())
        assert "The server refused 1" in flat and "supervisor" in flat, text
        # still counted after a reload, until the item leaves the outbox
        await pilot.press("r")
        await settle(pilot)
        assert "The server refused 1" in " ".join(s.strip() for s in screen_text(app).split("\n"))
        session.store.outbox_ack([session.store.outbox_pending()[0].id])
        await pilot.press("r")
        await settle(pilot)
        assert "server refused" not in " ".join(s.strip() for s in screen_text(app).split("\n"))
