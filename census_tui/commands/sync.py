"""``census-tui sync``: push the outbox, pull assignments and supervisor returns.

Safe to run again at any time (the server is idempotent). Exit codes: ``COMMAND_EXITS["sync"]``
in census_tui/exitcodes.py (shown by ``--help`` and in docs/exit-codes.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from census_tui.commands._support import emit_json, guarded, lang_of, password, pick_profile
from census_tui.diagnostics.labels import refusal
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Lang, Msg

if TYPE_CHECKING:
    from census_tui.clock import Clock
    from census_tui.store import Store
    from census_tui.sync.engine import SyncSummary

DONE = Msg(
    "已发送 {sent}，已确认 {acked}，被拒 {refused}，待发送 {remaining}；"
    "更新住房单元 {pulled}，退回 {returned}",
    "sent {sent}, acknowledged {acked}, refused {refused}, waiting {remaining}; "
    "dwellings updated {pulled}, returned {returned}",
)
MSG_REFUSED = Msg("被拒：", "refused: ")
REASONS_SHOWN = 5
PHASES = {
    "check": Msg("检查服务器", "checking server"),
    "push": Msg("上传", "uploading"),
    "pull": Msg("下载", "downloading"),
    "done": Msg("完成", "done"),
}


def register(app: typer.Typer) -> None:
    @app.command("sync")
    def sync_cmd(
        ctx: typer.Context,
        profile: Annotated[str | None, typer.Option("--profile", help="Profile name.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
        batch: Annotated[
            int, typer.Option("--batch", min=1, max=500, help="Items per request.")
        ] = 100,
        full: Annotated[
            bool,
            typer.Option(
                "--full",
                help="Fetch everything the server has for the account (a spare or restored"
                " device): areas, dwellings, uploaded cases and returns.",
            ),
        ] = False,
    ) -> None:
        """Upload completed work and fetch assignments and returns."""
        from census_tui.clock import SystemClock
        from census_tui.store import unlock

        lang = lang_of(ctx)
        clock = SystemClock()
        with guarded(lang):
            name = pick_profile(profile)
            store = unlock(name, password(lang), clock=clock)
        try:
            if full:
                from census_tui.sync.engine import forget_cursors

                forget_cursors(store)
            summary = _run(store, clock, lang, show=not as_json, batch=batch)
        finally:
            store.close()
        if as_json:
            emit_json(summary.to_dict())
        else:
            typer.echo(
                DONE.format(
                    **{
                        k: getattr(summary, k)
                        for k in ("sent", "acked", "refused", "remaining", "pulled", "returned")
                    }
                )(lang)
            )
            for reason in summary.refused_reasons[:REASONS_SHOWN]:
                typer.echo(f"  {MSG_REFUSED(lang)}{refusal(reason, lang)}")
            if summary.error is not None:
                typer.echo(summary.error(lang), err=True)
        code = summary.exit_code
        if code == ExitCode.OK and summary.refused:
            code = ExitCode.FINDINGS
        raise typer.Exit(int(code))


def _run(store: Store, clock: Clock, lang: Lang, *, show: bool, batch: int) -> SyncSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from census_tui.sync.engine import SyncProgress, sync_store

    if not show:
        return sync_store(store, clock=clock, batch_size=batch)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=False
    ) as bar:
        task = bar.add_task(PHASES["check"](lang), total=1)

        def on_progress(p: SyncProgress) -> None:
            bar.update(
                task,
                description=PHASES.get(p.phase, PHASES["done"])(lang),
                completed=p.done,
                total=max(p.total, 1),
            )

        return sync_store(store, clock=clock, batch_size=batch, progress=on_progress)
