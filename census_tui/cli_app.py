"""The Typer application: every command module registered on one app.

Kept apart from :mod:`census_tui.cli` so that ``census-tui`` with no command (the TUI, the
common case on a handheld) starts without importing Typer at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from census_tui.exitcodes import COMMAND_EXITS, help_epilog
from census_tui.i18n import detect_lang

HELP = (
    "普查员终端采集客户端 / Terminal census enumeration client.\n\n"
    "Run without a command to start the TUI on the profile in the data directory."
)


LANG_HELP = "zh or en (default: from the locale); also accepted before the command"


def _late_lang(ctx: typer.Context, value: str | None) -> None:
    """``--lang`` given after the command: it wins over the root's (the root ran first)."""
    if value is None:
        return
    root = ctx.find_root()
    if not isinstance(root.obj, dict):
        root.obj = {}
    root.obj["lang"] = detect_lang(value)


def _lang_param() -> Any:
    """The ``--lang`` option every command accepts after its name, made by Typer itself (from
    a one-option app) so it parses exactly as the root's does."""
    probe = typer.Typer(add_completion=False)

    @probe.command()
    def _probe(
        lang: Annotated[
            str | None,
            typer.Option(
                "--lang",
                help=LANG_HELP,
                callback=_late_lang,
                expose_value=False,
                is_eager=True,
            ),
        ] = None,
    ) -> None:  # pragma: no cover - never run, only its option is taken
        pass

    command = typer.main.get_command(probe)
    return next(p for p in command.params if p.name == "lang")


def _walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """Every command under ``command`` (groups too) with its name as typed: ``diag bundle``."""
    for name, sub in getattr(command, "commands", {}).items():
        yield " ".join((*path, name)), sub
        yield from _walk(sub, (*path, name))


class RootGroup(TyperGroup):
    """The root ``census-tui`` group: once Typer has built the command tree, every command
    also takes ``--lang`` after its name (``census-tui status --lang zh``), and every command
    in :data:`~census_tui.exitcodes.COMMAND_EXITS` ends its ``--help`` with its exit codes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        lang = _lang_param()
        for name, command in _walk(self, ()):
            if not any("--lang" in p.opts for p in command.params):
                command.params.append(lang)
            if name in COMMAND_EXITS and not command.epilog:
                command.epilog = help_epilog(name)


def build(command_modules: tuple[str, ...]) -> typer.Typer:
    """The Typer application with every available command module registered."""
    app = typer.Typer(
        name="census-tui",
        cls=RootGroup,
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
