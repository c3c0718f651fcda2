"""The ``census-tui`` command line: thin Typer wiring over the services.

Each command lives in ``census_tui/commands/<name>.py`` with a ``register(app)`` function; this
module only assembles them, picks the language and maps :class:`CensusError` to exit codes.
Heavy imports (textual, httpx, starlette) happen inside the commands that need them, so
``census-tui --help`` and the TUI start-up stay quick on a low-spec handheld.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from census_tui.exitcodes import ExitCode
from census_tui.i18n import detect_lang

# Modules under census_tui/commands that provide register(app). Missing ones are skipped so that
# a partial checkout still runs, but the test suite checks that every listed module exists.
COMMAND_MODULES: tuple[str, ...] = (
    "version",
    "tui",
    "validate",
    "server",
    "sync",
    "account",
    "status",
    "diag",
    "backup",
    "roster",
    "demo",
)

HELP = (
    "普查员终端采集客户端 / Terminal census enumeration client.\n\n"
    "Run without a command to start the TUI on the profile in the data directory."
)


def build_app() -> typer.Typer:
    """The Typer application with every available command registered."""
    app = typer.Typer(
        name="census-tui",
        help=HELP,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )

    @app.callback(invoke_without_command=True)
    def _root(
        ctx: typer.Context,
        lang: Annotated[
            str | None, typer.Option("--lang", help="zh or en (default: from the locale)")
        ] = None,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="More detail in the log file.")
        ] = False,
    ) -> None:
        ctx.obj = {"lang": detect_lang(lang), "verbose": verbose}
        from census_tui.logsetup import setup_logging

        setup_logging(verbose=verbose)
        if ctx.invoked_subcommand is None:
            from census_tui.launch import run_tui

            raise typer.Exit(run_tui(ctx.obj["lang"]))

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"census_tui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"census_tui.commands.{name}":
                raise
            continue
        module.register(app)
    return app


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
