"""The Typer application: every command module registered on one app.

Kept apart from :mod:`census_tui.cli` so that ``census-tui`` with no command (the TUI, the
common case on a handheld) starts without importing Typer at all.
"""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

from census_tui.i18n import detect_lang

HELP = (
    "普查员终端采集客户端 / Terminal census enumeration client.\n\n"
    "Run without a command to start the TUI on the profile in the data directory."
)


def build(command_modules: tuple[str, ...]) -> typer.Typer:
    """The Typer application with every available command module registered."""
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

    for name in command_modules:
        try:
            module = importlib.import_module(f"census_tui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"census_tui.commands.{name}":
                raise
            continue
        module.register(app)
    return app
