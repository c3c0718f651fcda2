"""Crash output never carries personal data: not the exception's text, not local variables."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from census_tui import cli
from census_tui.exitcodes import ExitCode

CANARY_NAME = "金丝雀甲乙"
CANARY_ID = "110101199003070011"


def _explode() -> None:
    secret = f"{CANARY_NAME} {CANARY_ID}"  # a local variable a traceback with locals would show
    raise ValueError(secret)


def test_cli_crash_is_one_line_and_the_log_has_only_the_location(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("census_tui.crash")
    handler = Keep()
    logger.addHandler(handler)
    monkeypatch.setattr(cli, "build_app", lambda: _explode)
    monkeypatch.setattr("sys.argv", ["census-tui", "status"])
    try:
        with pytest.raises(SystemExit) as stop:
            cli.main()
    finally:
        logger.removeHandler(handler)
    assert stop.value.code == ExitCode.INTERNAL
    out = capsys.readouterr()
    assert "support" in out.err and "Traceback" not in out.err
    assert records and "ValueError" in records[0] and "_explode" in records[0]
    for text in (out.out, out.err, *records):
        assert CANARY_NAME not in text and CANARY_ID not in text


async def test_tui_crash_shows_no_traceback_or_locals(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    from census_tui.app import make_app
    from census_tui.clock import FakeClock
    from census_tui.visit.gate import open_gate

    app = make_app(open_gate(clock=FakeClock(), base=tmp_path), lang="en", clock=FakeClock())
    with pytest.raises(ValueError):
        async with app.run_test(size=(80, 24)) as pilot:
            app.call_later(_explode)
            await pilot.pause()
    captured = capfd.readouterr()
    shown = captured.out + captured.err
    assert "unexpected error" in shown
    assert CANARY_NAME not in shown and CANARY_ID not in shown and "Traceback" not in shown
