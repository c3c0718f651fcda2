"""``census-tui server``: run the reference server; supervisor return / approve of a case.

``census-tui server return --db PATH CASE_UUID --comment TEXT [--item H6] [--item 2:D5]`` sends
a case back naming the questions concerned (household items by id, person items by the person's
number on the read-back, 1-based).

``census-tui server backup --db PATH DEST`` writes a consistent copy of the server database
(SQLite's online backup API, mode 0600) while the server runs; the office's recovery key file
(``PATH.recovery-key``) is a secret kept apart and is backed up separately. With
``--db postgresql://…`` it runs ``pg_dump --format=custom`` (pg_dump must be installed; the
README shows the command to run by hand).

``--db`` is a path or ``sqlite:///FILE`` (SQLite, one process) or ``postgresql://…``
(``--workers N`` processes, ``--key-file`` for the recovery key).

``census-tui server --db PATH [--host H] [--port N] [--seed-demo] [--certfile F --keyfile F]``
(or ``server run ...``) serves docs/protocol.md until Ctrl+C, over HTTPS with a certificate and
its key (checked before the database is opened or the port bound). These options may be given
before or after the subcommand (``server --db PATH run`` = ``server run --db PATH``).
``--seed-demo`` makes it a training server with the demo area and the account ``demo`` /
``census2020``. Starlette and uvicorn are imported only here, inside the commands, so
``census-tui --help`` and the TUI never load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from census_tui.commands import server_admin
from census_tui.commands._support import guarded, lang_of
from census_tui.errors import BadInput
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Msg

if TYPE_CHECKING:
    from census_tui.server.storage import Storage

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The server's database: a SQLite file (a path or sqlite:///FILE) or"
        " postgresql://USER@HOST:PORT/DBNAME (also accepted before the command).",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        help="Worker processes [default: 1]; more than 1 needs PostgreSQL (--db postgresql://…).",
    ),
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="The office's recovery private key file (made on the first start, 0600) [default"
        " for SQLite: the database file + .recovery-key; required for PostgreSQL].",
    ),
]
HostOpt = Annotated[
    str | None, typer.Option("--host", help="Address to listen on [default: 127.0.0.1].")
]
PortOpt = Annotated[int | None, typer.Option("--port", help="TCP port [default: 8780].")]
DemoOpt = Annotated[
    bool, typer.Option("--seed-demo", help="Training server with the demo area and account.")
]
CertOpt = Annotated[
    Path | None,
    typer.Option(
        "--certfile",
        help="Serve HTTPS with this PEM certificate (chain); needs --keyfile. Devices pin the"
        " CA that issued it (census-tui login --ca-file).",
    ),
]
KeyOpt = Annotated[
    Path | None,
    typer.Option("--keyfile", help="The certificate's unencrypted PEM private key (mode 0600)."),
]
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8780
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
NO_DB = Msg(
    "请用 --db 指定服务器数据库（文件路径或 postgresql://…；写在 server 之后、或子命令之后均可）。",
    "Name the server's database with --db (a file or postgresql://…; after server, or after the"
    " subcommand).",
)
DB_NOT_FOUND = Msg("找不到服务器数据库", "server database not found")


def _group_value(ctx: typer.Context, name: str, own: object) -> object:
    """A subcommand's option, else the same option given to ``server`` before the
    subcommand (``census-tui server --db X run`` = ``census-tui server run --db X``)."""
    if own not in (None, False):
        return own
    parent = ctx.parent
    return parent.params.get(name) if parent is not None else None


def _db(ctx: typer.Context, db: str | None) -> str:
    """The ``--db`` given to the subcommand or to ``server`` (a path or a URL)."""
    found = _group_value(ctx, "db", db)
    if not isinstance(found, str) or not found:
        raise BadInput(NO_DB)
    return found


def _open_existing(db: str) -> Storage:
    """An existing server database for the office's commands (a SQLite file must exist; the
    recovery key is not needed)."""
    from census_tui.server.storage import open_storage, parse_db

    dialect, where = parse_db(db)
    if dialect == "sqlite" and not Path(where).is_file():
        raise BadInput(DB_NOT_FOUND)
    return open_storage(db, need_key=False)


def _run(
    db: str,
    host: str,
    port: int,
    demo: bool,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    workers: int = 1,
    key_file: Path | None = None,
) -> None:
    from census_tui.server.run import check_workers, serve
    from census_tui.server.tls import check_tls_files

    check_workers(db, workers)
    tls = check_tls_files(certfile, keyfile)  # before the database is opened or the port bound
    typer.echo(
        Msg(
            "参考服务器: {scheme}://{host}:{port}/api/v1 (Ctrl+C 停止)",
            "reference server: {scheme}://{host}:{port}/api/v1 (Ctrl+C stops)",
        )
        .format(scheme="https" if tls else "http", host=host, port=port)
        .both(),
        err=True,
    )
    cert, key = tls or (None, None)
    serve(
        db,
        host,
        port,
        demo=demo,
        ssl_certfile=cert,
        ssl_keyfile=key,
        workers=workers,
        key_file=key_file,
    )


def _review(
    ctx: typer.Context,
    db_opt: str | None,
    case: str,
    action: str,
    comment: str,
    by: str,
    specs: list[str] | None = None,
) -> None:
    from census_tui.server.review import parse_spec

    lang = lang_of(ctx)
    with guarded(lang):
        server_db = _open_existing(_db(ctx, db_opt))
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


MSG_BACKED_UP = Msg(
    "服务器数据库已备份到 {dest}（仅所有者可读）。恢复密钥文件 {key} 不在其中，请另行保管。",
    "Server database backed up to {dest} (owner-only). The recovery key file {key} is not in "
    "it: keep that secret apart.",
)


MSG_PG_DUMPED = Msg(
    "PostgreSQL 数据库已用 pg_dump 备份到 {dest}（custom 格式，仅所有者可读；用 pg_restore 恢复）。"
    "恢复密钥文件（--key-file）不在其中，请另行保管。",
    "PostgreSQL database dumped with pg_dump to {dest} (custom format, owner-only; restore with "
    "pg_restore). The recovery key file (--key-file) is not in it: keep that secret apart.",
)


def _backup(ctx: typer.Context, db_opt: str | None, dest: Path) -> None:
    from census_tui.server.storage import parse_db

    lang = lang_of(ctx)
    with guarded(lang):
        db = _db(ctx, db_opt)
        dialect, where = parse_db(db)
        if dest.exists():
            raise BadInput(Msg("备份目标已存在，未覆盖", "the backup file exists; not overwritten"))
        if dialect == "sqlite" and dest.resolve() == Path(where).resolve():
            raise BadInput(Msg("备份目标就是数据库本身", "the backup would overwrite the database"))
        server_db = _open_existing(db)
        try:
            server_db.backup(dest)
        finally:
            server_db.close()
    if dialect == "postgres":
        typer.echo(MSG_PG_DUMPED.format(dest=str(dest))(lang))
        return
    key = f"{where}.recovery-key"
    typer.echo(MSG_BACKED_UP.format(dest=str(dest), key=key)(lang))


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="参考服务器 / The reference sync server (training, demo, tests).",
        no_args_is_help=False,
    )

    @group.callback(invoke_without_command=True)
    def server_cb(
        ctx: typer.Context,
        db: DbOpt = None,
        host: HostOpt = None,
        port: PortOpt = None,
        seed_demo: DemoOpt = False,
        certfile: CertOpt = None,
        keyfile: KeyOpt = None,
        workers: WorkersOpt = None,
        key_file: KeyFileOpt = None,
    ) -> None:
        """Run the reference server when no subcommand is given (same as ``server run``); the
        options may also come before a subcommand."""
        if ctx.invoked_subcommand is not None:
            return
        if db is None:
            typer.echo(ctx.get_help())
            raise typer.Exit(int(ExitCode.BAD_INPUT))
        with guarded(lang_of(ctx)):
            _run(
                db,
                host or DEFAULT_HOST,
                port or DEFAULT_PORT,
                seed_demo,
                certfile,
                keyfile,
                workers if workers is not None else 1,
                key_file,
            )

    @group.command("run")
    def run_cmd(
        ctx: typer.Context,
        db: DbOpt = None,
        host: HostOpt = None,
        port: PortOpt = None,
        seed_demo: DemoOpt = False,
        certfile: CertOpt = None,
        keyfile: KeyOpt = None,
        workers: WorkersOpt = None,
        key_file: KeyFileOpt = None,
    ) -> None:
        """Serve the sync protocol until Ctrl+C; over HTTPS with --certfile and --keyfile
        (checked before anything is opened or bound); --workers N processes on PostgreSQL."""
        with guarded(lang_of(ctx)):
            path = _db(ctx, db)
        chosen_host = _group_value(ctx, "host", host)
        chosen_port = _group_value(ctx, "port", port)
        chosen_cert = _group_value(ctx, "certfile", certfile)
        chosen_key = _group_value(ctx, "keyfile", keyfile)
        chosen_workers = _group_value(ctx, "workers", workers)
        chosen_key_file = _group_value(ctx, "key_file", key_file)
        with guarded(lang_of(ctx)):
            _run(
                path,
                chosen_host if isinstance(chosen_host, str) else DEFAULT_HOST,
                chosen_port if isinstance(chosen_port, int) else DEFAULT_PORT,
                bool(_group_value(ctx, "seed_demo", seed_demo)),
                chosen_cert if isinstance(chosen_cert, Path) else None,
                chosen_key if isinstance(chosen_key, Path) else None,
                chosen_workers if isinstance(chosen_workers, int) else 1,
                chosen_key_file if isinstance(chosen_key_file, Path) else None,
            )

    @group.command("return")
    def return_cmd(
        ctx: typer.Context,
        case: CaseArg,
        comment: Annotated[str, typer.Option("--comment", help="What to correct.")],
        db: DbOpt = None,
        by: ByOpt = "supervisor",
        item: ItemOpt = None,
    ) -> None:
        """Return a household to its enumerator with a comment (退回), naming the questions to
        correct with --item (repeatable; the device opens the case at the first): H6 for a
        household item, 2:D5 for item D5 of person 2 as numbered on the read-back (from 1)."""
        _review(ctx, db, case, "returned", comment, by, item)

    @group.command("backup")
    def backup_cmd(
        ctx: typer.Context,
        dest: Annotated[Path, typer.Argument(help="The backup file to write (must not exist).")],
        db: DbOpt = None,
    ) -> None:
        """Back up the server database while it runs: SQLite with its online backup API,
        PostgreSQL with pg_dump (custom format); 0600. The recovery key file is not included
        (keep it apart)."""
        _backup(ctx, db, dest)

    @group.command("approve")
    def approve_cmd(
        ctx: typer.Context,
        case: CaseArg,
        db: DbOpt = None,
        by: ByOpt = "supervisor",
        comment: Annotated[str, typer.Option("--comment")] = "",
    ) -> None:
        """Approve a household (审核通过)."""
        _review(ctx, db, case, "approved", comment, by)

    server_admin.register(group)
    app.add_typer(group, name="server")
