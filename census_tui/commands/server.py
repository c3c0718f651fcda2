"""``census-tui server``: run the reference server; supervisor return / approve of a case.

``census-tui server return --db PATH CASE_UUID --comment TEXT [--item H6] [--item 2:D5]`` sends
a case back naming the questions concerned (household items by id, person items by the person's
number on the read-back, 1-based).

``census-tui server --db PATH [--host H] [--port N] [--seed-demo]`` (or ``server run ...``)
serves docs/protocol.md until Ctrl+C. ``--seed-demo`` makes it a training server with the demo
area and the account ``demo`` / ``census2020``. Starlette and uvicorn are imported only here,
inside the commands, so ``census-tui --help`` and the TUI never load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from census_tui.commands._support import guarded, lang_of
from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Msg

DbOpt = Annotated[Path, typer.Option("--db", help="The server's sqlite database file.")]
HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on.")]
PortOpt = Annotated[int, typer.Option("--port", help="TCP port.")]
DemoOpt = Annotated[
    bool, typer.Option("--seed-demo", help="Training server with the demo area and account.")
]
CaseArg = Annotated[str, typer.Argument(help="The case UUID of the household.")]
ByOpt = Annotated[str, typer.Option("--by", help="Supervisor name or id, kept with the decision.")]

ItemOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--item",
        help="A question to correct: H6 (household item) or 2:D5 (person 2's D5, numbered as on"
        " the read-back from 1). Repeatable; the first is opened first.",
    ),
]

NO_CASE = Msg("服务器上没有这个户", "no such household on the server")


def _run(db: Path, host: str, port: int, demo: bool) -> None:
    from census_tui.server.run import serve

    typer.echo(
        Msg(
            "参考服务器: http://{host}:{port}/api/v1 (Ctrl+C 停止)",
            "reference server: http://{host}:{port}/api/v1 (Ctrl+C stops)",
        )
        .format(host=host, port=port)
        .both(),
        err=True,
    )
    serve(db, host, port, demo=demo)


def _review(
    ctx: typer.Context,
    db: Path,
    case: str,
    action: str,
    comment: str,
    by: str,
    specs: list[str] | None = None,
) -> None:
    from census_tui.server.review import parse_spec
    from census_tui.server.storage import ServerDB

    lang = lang_of(ctx)
    with guarded(lang):
        if not db.is_file():
            raise BadInput(Msg("找不到服务器数据库", "server database not found"))
        server_db = ServerDB(db)
        try:
            persons = server_db.case_persons(case)
            items = [parse_spec(s, persons) for s in specs or []]
            cursor = server_db.review(case, action, comment, by, items)
        except KeyError:
            raise BadInput(NO_CASE) from None
        finally:
            server_db.close()
    shown = " ".join(specs or [])
    typer.echo(f"{action} {case} (cursor {cursor})" + (f" items: {shown}" if shown else ""))


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="参考服务器 / The reference sync server (training, demo, tests).",
        no_args_is_help=False,
    )

    @group.callback(invoke_without_command=True)
    def server_cb(
        ctx: typer.Context,
        db: Annotated[
            Path | None, typer.Option("--db", help="Database file (runs the server).")
        ] = None,
        host: HostOpt = "127.0.0.1",
        port: PortOpt = 8780,
        seed_demo: DemoOpt = False,
    ) -> None:
        """Run the reference server when no subcommand is given (same as ``server run``)."""
        if ctx.invoked_subcommand is not None:
            return
        if db is None:
            typer.echo(ctx.get_help())
            raise typer.Exit(int(ExitCode.BAD_INPUT))
        _run(db, host, port, seed_demo)

    @group.command("run")
    def run_cmd(
        db: DbOpt, host: HostOpt = "127.0.0.1", port: PortOpt = 8780, seed_demo: DemoOpt = False
    ) -> None:
        """Serve the sync protocol until Ctrl+C. Exit codes: 0 stopped, 2 bad arguments."""
        _run(db, host, port, seed_demo)

    @group.command("return")
    def return_cmd(
        ctx: typer.Context,
        case: CaseArg,
        db: DbOpt,
        comment: Annotated[str, typer.Option("--comment", help="What to correct.")],
        by: ByOpt = "supervisor",
        item: ItemOpt = None,
    ) -> None:
        """Return a household to its enumerator with a comment (退回), naming the questions to
        correct with --item (repeatable; the device opens the case at the first): H6 for a
        household item, 2:D5 for item D5 of person 2 as numbered on the read-back (from 1).
        Exit codes: 0 returned, 2 bad arguments (no such case, an item the form or the
        household does not have)."""
        _review(ctx, db, case, "returned", comment, by, item)

    @group.command("approve")
    def approve_cmd(
        ctx: typer.Context,
        case: CaseArg,
        db: DbOpt,
        by: ByOpt = "supervisor",
        comment: Annotated[str, typer.Option("--comment")] = "",
    ) -> None:
        """Approve a household (审核通过). Exit codes: 0, 2."""
        _review(ctx, db, case, "approved", comment, by)

    app.add_typer(group, name="server")
