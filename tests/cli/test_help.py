"""Every support command has help text and documents its exit codes."""

from __future__ import annotations

import pytest

from census_tui.exitcodes import ExitCode
from tests.cli.conftest import run

COMMANDS = [
    ["login"],
    ["logout"],
    ["passwd"],
    ["recover"],
    ["status"],
    ["diag"],
    ["diag", "bundle"],
    ["backup"],
    ["restore"],
    ["version"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help(command: list[str]) -> None:
    result = run([*command, "--help"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Usage" in result.output
    if command != ["version"]:
        assert "Exit codes" in result.output or "exit" in result.output.lower()
