"""Every support command has help text that lists its exit codes, from the one table
(``census_tui.exitcodes.COMMAND_EXITS``) that docs/exit-codes.md is also made from; every
command takes ``--lang`` after its name as well as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from census_tui.cli import build_app
from census_tui.exitcodes import COMMAND_EXITS, ExitCode, with_table
from tests.cli.conftest import run

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[str]:
    """Every command of the real app as typed (``diag bundle``), groups included."""
    found: list[str] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append(" ".join((*path, name)))
            walk(sub, (*path, name))

    walk(typer.main.get_command(build_app()), ())
    return found


COMMANDS = _commands()


@pytest.mark.parametrize("command", [c for c in COMMANDS if c in COMMAND_EXITS])
def test_help_lists_the_exit_codes_of_the_table(command: str) -> None:
    result = run([*command.split(), "--help"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "Usage" in result.output
    assert "Exit codes" in result.output
    for code, why in COMMAND_EXITS[command]:
        assert f"{int(code):>3}  {why}" in result.output, (command, code)


def test_every_command_with_its_own_work_is_in_the_table() -> None:
    groups_only = {"roster"}  # `roster` alone only shows its help
    assert set(COMMANDS) - groups_only <= set(COMMAND_EXITS), set(COMMANDS) - set(COMMAND_EXITS)
    assert set(COMMAND_EXITS) <= set(COMMANDS), set(COMMAND_EXITS) - set(COMMANDS)


def test_docs_exit_codes_are_the_table() -> None:
    doc = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    assert doc == with_table(doc), "run: python -m census_tui.exitcodes docs/exit-codes.md"
    for code in ExitCode:
        assert f"| {int(code)} | `{code.name}` |" in doc


def test_diag_help_lists_exit_codes() -> None:
    result = run(["diag", "--help"])
    assert "  0  no check failed" in result.output and "  1  a check failed" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_lang_is_accepted_after_the_command(command: str) -> None:
    result = run([*command.split(), "--lang", "zh", "--help"])
    assert result.exit_code == ExitCode.OK, result.output
    assert "--lang" in result.output
