"""``census-tui demo``: the main job for a newcomer (the README's ./run.sh runs it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from census_tui.exitcodes import ExitCode


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        ctx: typer.Context,
        home: Annotated[
            Path | None,
            typer.Option("--home", help="Directory for the demo (default: <data dir>/demo)."),
        ] = None,
        fresh: Annotated[
            bool, typer.Option("--fresh", help="Start over: delete the previous demo data.")
        ] = False,
        supervisor: Annotated[
            bool,
            typer.Option(
                "--supervisor",
                help="Open the training supervisor (demo-sup) with three practice "
                "enumerators' work to review.",
            ),
        ] = False,
        no_tui: Annotated[
            bool,
            typer.Option("--no-tui", help="Start the server and profile, print, and wait."),
        ] = False,
    ) -> None:
        """培训演示:本地培训服务器 + 练习账号 + 终端界面 / Training demo: local training
        server, practice profile and the TUI."""
        from rich.console import Console

        from census_tui.clock import SystemClock
        from census_tui.demo import demo_home, start_demo
        from census_tui.errors import CensusError
        from census_tui.i18n import Msg

        lang = (ctx.find_root().obj or {}).get("lang", "en")
        err = Console(stderr=True)
        clock = SystemClock()
        base = demo_home(home)
        try:
            site = start_demo(base, clock=clock, fresh=fresh, supervisor=supervisor)
        except CensusError as exc:
            err.print(exc.text(lang))
            raise typer.Exit(int(exc.exit_code)) from None
        console = Console()
        # The enumerator's texts stay as they were (the pty tests wait for them).
        role = Msg("普查指导员", "supervisor ") if supervisor else Msg("", "")
        if lang == "zh":
            console.print(
                f"[b]培训模式[/b] 服务器 {site.url}  {role.zh}账号 {site.account}  "
                f"练习密码 [b]{site.password}[/b]  数据目录 {site.base}"
            )
        else:
            console.print(
                f"[b]TRAINING[/b] server {site.url}  {role.en}account {site.account}  "
                f"practice password [b]{site.password}[/b]  data {site.base}"
            )
        try:
            if no_tui:
                console.print("Ctrl+C to stop / 按 Ctrl+C 停止")
                import threading

                threading.Event().wait()
            from census_tui.app import make_app
            from census_tui.launch import idle_minutes
            from census_tui.visit.gate import open_gate

            app = make_app(
                open_gate(clock=clock, base=site.base),
                lang="zh" if lang == "zh" else "en",
                idle_minutes=idle_minutes(),
                login_hint=Msg(
                    f"培训模式:{role.zh}账号 {site.account},练习密码 {site.password}",
                    f"Training: {role.en}account {site.account}, practice password {site.password}",
                ),
            )
            result = app.run()
        except KeyboardInterrupt:
            result = int(ExitCode.INTERRUPTED)
        finally:
            site.stop()
        raise typer.Exit(int(result) if result is not None else int(ExitCode.OK))
