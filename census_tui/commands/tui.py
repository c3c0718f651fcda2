"""``census-tui tui``: the same as running ``census-tui`` with no command."""

from __future__ import annotations

import typer

from census_tui.launch import ENV_IDLE, idle_minutes, run_tui

__all__ = ["ENV_IDLE", "idle_minutes", "register", "run_tui"]


def register(app: typer.Typer) -> None:
    @app.command("tui")
    def tui_cmd(ctx: typer.Context) -> None:
        """启动终端界面 / Start the TUI (the same as running census-tui without a command)."""
        lang = (ctx.find_root().obj or {}).get("lang", "en")
        raise typer.Exit(run_tui(lang))
