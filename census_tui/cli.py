"""The ``census-tui`` command line: thin Typer wiring over the services.

Each command lives in ``census_tui/commands/<name>.py`` with a ``register(app)`` function;
:mod:`census_tui.cli_app` assembles them. Heavy imports (textual, httpx, starlette, even typer
for the TUI) happen only where needed, so ``census-tui`` starts quickly on a low-spec handheld.
Unexpected errors end with one bilingual line; :class:`CensusError` maps to documented codes.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from census_tui.exitcodes import ExitCode
from census_tui.i18n import detect_lang

if TYPE_CHECKING:
    import typer

COMMAND_MODULES: tuple[str, ...] = (
    "version",
    "tui",
    "validate",
    "server",
    "supervise",
    "sync",
    "account",
    "status",
    "diag",
    "backup",
    "roster",
    "demo",
)
"""Modules under census_tui/commands that provide register(app); the test suite checks that
every listed module exists."""


def build_app() -> typer.Typer:
    """The Typer application with every available command registered."""
    from census_tui.cli_app import build

    return build(COMMAND_MODULES)


def _tui_only(argv: list[str]) -> str | None:
    """The language, when the command line asks for nothing but the TUI (the common case on a
    handheld): then the TUI starts without building the whole Typer app (start-up time)."""
    lang: str | None = None
    args = list(argv)
    while args:
        head = args.pop(0)
        if head == "--lang" and args:
            lang = args.pop(0)
        elif head.startswith("--lang="):
            lang = head.split("=", 1)[1]
        else:
            return None
    return detect_lang(lang)


def main() -> None:
    """Console-script entry point. Unexpected errors end with one bilingual line and a code
    location in the log: never a traceback, which could carry personal data."""
    from census_tui.crash import CRASHED, log_crash

    try:
        lang = _tui_only(sys.argv[1:])
        if lang is not None:
            from census_tui.launch import run_tui
            from census_tui.logsetup import setup_logging

            setup_logging()
            sys.exit(run_tui(lang))
        build_app()()
    except KeyboardInterrupt:
        sys.exit(ExitCode.INTERRUPTED)
    except Exception as exc:
        log_crash(exc)
        print(CRASHED.both(), file=sys.stderr)
        sys.exit(ExitCode.INTERNAL)
