"""Smaller local protections (issue 16 item 20): profile names, what diagnostics log."""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from census_tui import paths
from census_tui.clock import FakeClock
from census_tui.diagnostics.checks import CheckResult, DiagContext, Terminal, run
from census_tui.errors import BadInput
from census_tui.security import backup_format as fmt
from census_tui.security.restore import restore_backup

CANARY = "金丝雀 110101199003070011 canary-message"


@pytest.mark.parametrize("name", ["demo\n", "demo\r\n", "de\nmo", "", ".", "..", "a" * 65])
def test_profile_names_are_matched_whole(name: str) -> None:
    with pytest.raises(ValueError):
        paths.safe_profile_name(name)


def test_a_restore_manifest_naming_demo_newline_is_refused(tmp_path: Path) -> None:
    members = {fmt.DB_MEMBER: b"x" * 64, fmt.ENVELOPE_MEMBER: b"{}"}
    manifest = fmt.Manifest(
        profile="demo\n",
        schema_version=1,
        created="",
        census_tui="0",
        outbox_depth=0,
        files={
            m: {"size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for m, d in members.items()
        },
    )
    zipped = tmp_path / "b.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr(fmt.MANIFEST_MEMBER, manifest.to_json())
        for m, d in members.items():
            zf.writestr(m, d)
    home = tmp_path / "home"
    with pytest.raises(BadInput):
        restore_backup(zipped, "any", FakeClock(), home=home)
    assert not (home / "profiles").exists() or not list((home / "profiles").iterdir())


def _crashing(ctx: DiagContext) -> Iterator[CheckResult]:
    raise ValueError(CANARY)
    yield  # a generator, as checks are


def test_a_crashing_check_logs_its_type_and_place_not_its_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ctx = DiagContext(
        home=tmp_path,
        terminal=Terminal("xterm", "", False, 80, 24, False),
        versions={},
    )
    with caplog.at_level(logging.DEBUG):
        results = run(ctx, [_crashing])
    assert results[0].result == "fail"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError" in logged and "test_hardening.py" in logged
    assert CANARY not in logged and "canary" not in logged
    assert all(r.exc_info is None and r.exc_text is None for r in caplog.records)
