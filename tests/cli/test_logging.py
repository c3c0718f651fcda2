"""The rotating log in the data directory: written by real work, never with personal data;
--verbose adds detail."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from census_tui import logsetup
from census_tui.clock import FakeClock
from census_tui.store import KdfParams
from census_tui.visit.practice import make_local_profile
from tests.validation.builders import person_answers

CHEAP = KdfParams(n=2**10, r=1, p=1)


@pytest.fixture
def fresh_logging(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A clean census_tui logger writing under tmp_path (handlers restored afterwards)."""
    monkeypatch.setenv("CENSUS_TUI_HOME", str(tmp_path))
    root = logging.getLogger("census_tui")
    saved = root.handlers[:], root.level, root.propagate
    root.handlers = []
    yield tmp_path / "logs" / "census-tui.log"
    for h in root.handlers:
        h.close()
    root.handlers, root.level, root.propagate = saved


@pytest.mark.parametrize("verbose", [False, True])
def test_work_is_logged_without_personal_data(fresh_logging: Path, verbose: bool) -> None:
    logsetup.setup_logging(verbose=verbose)
    clock = FakeClock(datetime(2020, 11, 3, 2, 0, tzinfo=UTC))
    s = make_local_profile(fresh_logging.parents[1], "enum01", "pw-123456", clock=clock,
                           kdf=CHEAP, dwellings=2)  # fmt: skip
    hh = s.start_interview("D0001")
    household: dict[str, int] = {
        "H1": 1, "H2a": 1, "H2b": 0, "H3m": 0, "H3f": 0, "H4m": 0, "H4f": 0,
        "H5": 1, "H6": 40, "H7": 2,
    }  # fmt: skip
    for item, number in household.items():
        s.set_answer(hh, "", item, number)
    p = s.add_person(hh)
    answers = person_answers(0, 1, "1975-05")
    answers["D1"] = "金丝雀测试"
    for item, value in answers.items():
        s.set_answer(hh, p, item, value)
    s.complete(hh, "金丝雀测试")
    s.close()
    for h in logging.getLogger("census_tui").handlers:
        h.flush()
    text = fresh_logging.read_text(encoding="utf-8")
    assert f"household {hh} completed" in text
    assert ("answer " in text) is verbose  # per-answer lines only with --verbose
    assert "金丝雀测试" not in text and str(answers["D3"]) not in text


def test_redaction_masks_id_and_phone_shapes() -> None:
    assert logsetup.redact("x 110101199003070011 y 13912345678 z") == "x [redacted] y [redacted] z"


def test_log_rotates_and_keeps_a_bounded_number_of_files(fresh_logging: Path) -> None:
    """The handler setup_logging attaches: bounded files, nothing lost between them, and the
    redaction filter applied before anything reaches a file."""
    logsetup.setup_logging()
    handlers = logging.getLogger("census_tui").handlers
    (handler,) = (h for h in handlers if isinstance(h, RotatingFileHandler))
    assert (handler.maxBytes, handler.backupCount) == (logsetup.MAX_BYTES, logsetup.BACKUPS)
    handler.maxBytes = 300  # rotate after a few lines instead of 512 kB
    log = logging.getLogger("census_tui.test_rotation")
    for n in range(60):
        log.info("line %02d phone %s", n, "13912345678")
    handler.flush()
    logs = fresh_logging.parent
    files = sorted(p.name for p in logs.iterdir())
    assert files == ["census-tui.log", "census-tui.log.1", "census-tui.log.2", "census-tui.log.3"]
    assert all((logs / f).stat().st_size <= 300 for f in files)
    texts = [(logs / f).read_text(encoding="utf-8") for f in reversed(files)]  # oldest first
    assert all("13912345678" not in t and "[redacted]" in t for t in texts)
    numbers = [int(n) for t in texts for n in re.findall(r"line (\d+)", t)]
    assert numbers[-1] == 59
    assert numbers == list(range(numbers[0], 60))  # the numbering runs on without a gap
