"""Issue 16 (§4, §5, §15) on the screens this file's fixes touch: login and lock after a wrong
password, the identity checklist and card at 40x16, input borders, checkboxes."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widgets import Input

from census_tui.app import HIGH_CONTRAST, CensusApp
from census_tui.clock import FakeClock
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text


async def test_wrong_password_then_right_one_logs_in_without_tab(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await login(pilot, "wrong-password")
        assert type(app.screen).__name__ == "LoginScreen"
        field = app.screen.query_one("#unlock-password")
        assert not field.disabled and field.has_focus
        assert field.value == ""  # type: ignore[attr-defined]
        await login(pilot, PASSWORD)
        assert type(app.screen).__name__ == "DashboardScreen"


async def test_wrong_password_on_the_lock_screen_keeps_the_field_usable(
    app_factory: AppFactory,
) -> None:
    app: CensusApp = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        app.lock_now()
        await settle(pilot)
        await type_text(pilot, "wrong-password\r")
        await settle(pilot)
        field = app.screen.query_one("#lock-password")
        assert not field.disabled and field.has_focus
        assert "wrong" in screen_text(app).lower() or "错误" in screen_text(app)
        await login(pilot, PASSWORD)
        assert not app.locked


def test_english_counts_read_right_for_one() -> None:
    from census_tui.store.errors import MSG_WRONG_PASSWORD

    text = MSG_WRONG_PASSWORD.format(left=1).en
    assert "1 more wrong tries" not in text and text.endswith(": 1.")
    import inspect

    from census_tui.commands import roster

    assert "{duplicates} duplicates" not in inspect.getsource(roster)
    assert "duplicates: {duplicates}" in inspect.getsource(roster)


def _shows(field: Input) -> tuple[str, Color]:
    """How the field stands out from what is behind it: its frame's colour, or (no frame) its
    own background."""
    behind, own = field.background_colors
    kind, colour = field.styles.border_top
    if kind in ("", "none", "hidden"):
        return "band", own
    return kind, behind + colour


def _stands_out(field: Input) -> bool:
    behind = field.background_colors[0]
    return abs(_shows(field)[1].brightness - behind.brightness) >= 0.12


@pytest.mark.parametrize("theme", ["textual-dark", HIGH_CONTRAST.name])
@pytest.mark.parametrize("size", [(80, 24), (40, 16)])
async def test_every_input_field_is_visible_focused_or_not(
    app_factory: AppFactory, theme: str, size: tuple[int, int]
) -> None:
    app = app_factory("en")
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await pilot.press("f5")  # first login: three fields, one focused
        await settle(pilot)
        fields = [f for f in app.screen.query(Input) if f.display and f.parent.display]  # type: ignore[union-attr]
        focused = [f for f in fields if f.has_focus]
        others = [f for f in fields if not f.has_focus]
        assert focused and others
        for field in fields:
            assert _stands_out(field), (field.id, _shows(field))
        assert _shows(focused[0]) != _shows(others[0])


@pytest.mark.parametrize("theme", ["textual-dark", HIGH_CONTRAST.name])
async def test_the_answer_field_is_visible_at_40x16(app_factory: AppFactory, theme: str) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        app.theme = theme
        await login(pilot, PASSWORD)
        await pilot.press("/", *"D0001", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        field = app.screen.query_one("#iv-answer", Input)
        assert field.has_focus and field.value == ""
        assert _stands_out(field), _shows(field)


async def _to_identity(app: CensusApp, pilot: Pilot[int]) -> None:
    await login(pilot, PASSWORD)
    await pilot.press("/", *"D0001", "enter")
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    assert type(app.screen).__name__ == "IdentityScreen"


async def test_identity_checklist_is_seen_ticked_at_40x16(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(40, 16)) as pilot:
        await _to_identity(app, pilot)
        await pilot.press("2", "3")
        await settle(pilot)
        lines = screen_text(app).splitlines()
        labels = {"work_id": "Work ID shown", "letter": "letter shown", "purpose": "Purpose &"}
        row = {key: next((ln for ln in lines if label in ln), "") for key, label in labels.items()}
        assert all(row.values()), "\n".join(lines)
        assert "X" not in row["work_id"]  # unticked: an empty box, not a grey X
        assert "X" in row["letter"] and "X" in row["purpose"]


async def test_an_expired_card_is_warned_in_both_languages(
    app_factory: AppFactory, clock: FakeClock
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await _to_identity(app, pilot)
        assert "expired" not in screen_text(app)  # the practice card runs to 2020-12-31
        await pilot.press("escape")
        clock.advance(60 * 24 * 3600)
        await pilot.press("i")
        await settle(pilot)
        assert "expired on 2020-12-31" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        assert "已过有效期" in screen_text(app)


FRAME_GLYPHS = set("▔▁▊▎╭╮╰╯")


async def test_a_linux_console_gets_ascii_frames(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "linux")
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.has_class("-ascii")
        assert not FRAME_GLYPHS & set(screen_text(app))
        await _to_identity(app, pilot)
        await pilot.press("1")
        await settle(pilot)
        text = screen_text(app)
        assert not FRAME_GLYPHS & set(text), text
        assert "[X] Work ID shown" in text and "[ ] Introduction letter shown" in text
