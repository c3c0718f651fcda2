"""Every command has help text; every listed command module exists; exit codes documented."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from census_tui.cli import COMMAND_MODULES, build_app
from census_tui.exitcodes import ExitCode

ROOT = Path(__file__).resolve().parents[1]


def _walk(cmd: Any, prefix: str = "") -> list[tuple[str, Any]]:
    # typer bundles its own click, so test for a group by shape, not by class.
    out = [(prefix, cmd)]
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            out += _walk(sub, f"{prefix} {name}".strip())
    return out


def test_every_command_module_exists() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"census_tui.commands.{name}")


def test_every_command_has_help_text() -> None:
    group = typer.main.get_command(build_app())
    commands = _walk(group)
    assert len(commands) > 3
    runner = CliRunner()
    for name, cmd in commands:
        if name:
            assert (cmd.help or "").strip(), f"{name} has no help text"
        result = runner.invoke(build_app(), [*name.split(), "--help"])
        assert result.exit_code == 0, (name, result.output)


def test_exit_codes_are_documented() -> None:
    doc = (ROOT / "docs" / "exit-codes.md").read_text(encoding="utf-8")
    for code in ExitCode:
        assert f"| {code.value} | `{code.name}`" in doc, code
