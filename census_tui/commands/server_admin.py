"""``census-tui server import-*|list-*|reset-password|disable-account``: the office's
administration of a server database without Python (issue 18 §8; docs/cli.md).

Every command takes ``--db`` (a file or ``postgresql://…``, also before the subcommand) and
``--json``. Imports check the whole CSV file first (census_tui/server/admin_csv.py) and store it
in one transaction: a file with any problem stores nothing and exits 2 with every problem by row
and column. Initial passwords of imported or reset accounts are written once to
``--passwords-out FILE`` (created 0600, never overwritten) or, for one reset, shown once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from census_tui.commands._support import emit_json, guarded, lang_of
from census_tui.errors import BadInput
from census_tui.i18n import Msg

if TYPE_CHECKING:
    from census_tui.server.admin import Issued
    from census_tui.server.storage import Storage

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="The server database: a file or postgresql://… (or before)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
FileArg = Annotated[Path, typer.Argument(help="The CSV file (UTF-8, UTF-8 with BOM or GB18030).")]
EncOpt = Annotated[
    str | None, typer.Option("--encoding", help="utf-8, utf-8-sig or gb18030 (default: detect).")
]
OutOpt = Annotated[
    Path,
    typer.Option(
        "--passwords-out",
        help="File for the initial passwords (created owner-only; must not exist).",
    ),
]
AccountArg = Annotated[str, typer.Argument(help="The account name.")]

NOT_READABLE = Msg("无法读取文件 {path}", "cannot read the file {path}")
OUT_EXISTS = Msg(
    "密码文件 {path} 已存在:请换一个新文件名(不会覆盖)",
    "the passwords file {path} exists: name a new file (it is never overwritten)",
)
TOO_BIG = Msg("文件过大(上限 64 MiB)", "the file is too large (64 MiB at most)")
MAX_FILE = 64 * 1024 * 1024


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise BadInput(TOO_BIG)
        return path.read_bytes()
    except OSError:
        raise BadInput(NOT_READABLE.format(path=path.name)) from None


@contextmanager
def _storage(ctx: typer.Context, db: str | None) -> Iterator[Storage]:
    """The server database of ``--db``, closed after the block."""
    from census_tui.commands.server import _db, _open_existing

    storage = _open_existing(_db(ctx, db))
    try:
        yield storage
    finally:
        storage.close()


def _write_passwords(path: Path, issued: list[Issued]) -> None:
    """account,password lines to a new 0600 file; refuse an existing one (before any import)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BadInput(OUT_EXISTS.format(path=path.name)) from None
    except OSError:
        raise BadInput(NOT_READABLE.format(path=path.name)) from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("account,initial_password\n")
        out.writelines(f"{i.account},{i.password}\n" for i in issued)
        out.flush()
        os.fsync(out.fileno())


def _done(as_json: bool, data: dict[str, object], text: Msg) -> None:
    if as_json:
        emit_json(data)
    else:
        typer.echo(text.both())


def _table(rows: list[dict[str, object]], columns: list[str], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for c in columns:
        table.add_column(c)
    for r in rows:
        value = [r[c] for c in columns]
        table.add_row(*(";".join(map(str, v)) if isinstance(v, list) else str(v) for v in value))
    Console().print(table)


def register(group: typer.Typer) -> None:
    """Add the administration commands to the ``server`` group."""

    @group.command("import-areas")
    def import_areas_cmd(
        ctx: typer.Context,
        path: FileArg,
        db: DbOpt = None,
        encoding: EncOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Import 普查小区 areas from CSV (area_id,name[,training]); upserts; all or nothing."""
        from census_tui.server import admin, admin_csv

        with guarded(lang_of(ctx)):
            rows = admin_csv.parse_areas(_read(path), encoding)
            with _storage(ctx, db) as storage:
                n = admin.import_areas(storage, rows)
        _done(as_json, {"imported": n}, Msg(f"已导入 {n} 个普查小区", f"{n} areas imported"))

    @group.command("import-dwellings")
    def import_dwellings_cmd(
        ctx: typer.Context,
        path: FileArg,
        db: DbOpt = None,
        encoding: EncOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Import dwellings from CSV (dwelling_id,area_id,address[,kind][,note]) into known
        areas; upserts; all or nothing."""
        from census_tui.server import admin, admin_csv

        with guarded(lang_of(ctx)):
            data = _read(path)
            with _storage(ctx, db) as storage:
                rows = admin_csv.parse_dwellings(
                    data, encoding, known_areas=admin.area_ids(storage)
                )
                n = admin.import_dwellings(storage, rows)
        _done(as_json, {"imported": n}, Msg(f"已导入 {n} 个住房单元", f"{n} dwellings imported"))

    @group.command("import-accounts")
    def import_accounts_cmd(
        ctx: typer.Context,
        path: FileArg,
        passwords_out: OutOpt,
        db: DbOpt = None,
        encoding: EncOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Create accounts from CSV (account,name,id_number,work_id,role,areas[,issuing_office]
        [,valid_from][,valid_until]); initial passwords go to --passwords-out; all or nothing."""
        from census_tui.server import admin, admin_csv

        with guarded(lang_of(ctx)):
            if passwords_out.exists():
                raise BadInput(OUT_EXISTS.format(path=passwords_out.name))
            data = _read(path)
            with _storage(ctx, db) as storage:
                rows = admin_csv.parse_accounts(data, encoding, known_areas=admin.area_ids(storage))
                issued = admin.import_accounts(storage, rows)
            _write_passwords(passwords_out, issued)
        _done(
            as_json,
            {"imported": len(issued), "passwords_file": str(passwords_out)},
            Msg(
                f"已建立 {len(issued)} 个账号;初始密码在 {passwords_out}(首次登录须修改)",
                f"{len(issued)} accounts created; initial passwords in {passwords_out} (to be "
                "changed at the first login)",
            ),
        )

    @group.command("list-areas")
    def list_areas_cmd(ctx: typer.Context, db: DbOpt = None, as_json: JsonOpt = False) -> None:
        """List the areas with their number of dwellings."""
        from census_tui.server import admin

        with guarded(lang_of(ctx)), _storage(ctx, db) as storage:
            rows = admin.list_areas(storage)
        if as_json:
            emit_json(rows)
        else:
            _table(rows, ["area_id", "name", "training", "dwellings"], "普查小区 / Areas")

    @group.command("list-dwellings")
    def list_dwellings_cmd(
        ctx: typer.Context,
        db: DbOpt = None,
        area: Annotated[str | None, typer.Option("--area", help="Only this area.")] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """List the dwellings (of one area with --area)."""
        from census_tui.server import admin

        with guarded(lang_of(ctx)), _storage(ctx, db) as storage:
            rows = admin.list_dwellings(storage, area)
        if as_json:
            emit_json(rows)
        else:
            _table(rows, ["dwelling_id", "address", "kind", "note"], "住房单元 / Dwellings")

    @group.command("list-accounts")
    def list_accounts_cmd(ctx: typer.Context, db: DbOpt = None, as_json: JsonOpt = False) -> None:
        """List the accounts: role, name, work id, areas, first login done, disabled (no ID
        numbers, no password hashes)."""
        from census_tui.server import admin

        with guarded(lang_of(ctx)), _storage(ctx, db) as storage:
            rows = admin.list_accounts(storage)
        if as_json:
            emit_json(rows)
        else:
            cols = ["account", "role", "name", "work_id", "areas", "first_login_done", "disabled"]
            _table(rows, cols, "账号 / Accounts")

    @group.command("reset-password")
    def reset_password_cmd(
        ctx: typer.Context,
        account: AccountArg,
        db: DbOpt = None,
        passwords_out: Annotated[
            Path | None,
            typer.Option("--passwords-out", help="Write the new password to this new 0600 file."),
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Give an account a new initial password (to change at the next login); ends its
        sessions; enables a disabled account."""
        from census_tui.server import admin

        with guarded(lang_of(ctx)):
            if passwords_out is not None and passwords_out.exists():
                raise BadInput(OUT_EXISTS.format(path=passwords_out.name))
            with _storage(ctx, db) as storage:
                issued = admin.reset_password(storage, account)
            if passwords_out is not None:
                _write_passwords(passwords_out, [issued])
        if passwords_out is not None:
            shown: dict[str, object] = {"account": account, "passwords_file": str(passwords_out)}
            text = Msg(
                f"已重置;新初始密码在 {passwords_out}",
                f"reset; the new password is in {passwords_out}",
            )
        else:
            shown = {"account": account, "initial_password": issued.password}
            text = Msg(
                f"已重置 {account},新初始密码(只显示这一次): {issued.password}",
                f"{account} reset; new initial password (shown once): {issued.password}",
            )
        _done(as_json, shown, text)

    @group.command("disable-account")
    def disable_account_cmd(
        ctx: typer.Context, account: AccountArg, db: DbOpt = None, as_json: JsonOpt = False
    ) -> None:
        """Disable an account: no more logins, every session ends; its cases stay (reset-password
        enables it again)."""
        from census_tui.server import admin

        with guarded(lang_of(ctx)), _storage(ctx, db) as storage:
            changed = admin.disable_account(storage, account)
        _done(
            as_json,
            {"account": account, "disabled": True, "changed": changed},
            Msg(f"账号 {account} 已停用", f"account {account} disabled")
            if changed
            else Msg(f"账号 {account} 原已停用", f"account {account} was already disabled"),
        )

    @group.command("draw-sample")
    def draw_sample_cmd(
        ctx: typer.Context,
        areas: Annotated[list[str], typer.Argument(help="The areas (15-digit ids).")],
        db: DbOpt = None,
        seed: Annotated[
            int | None,
            typer.Option("--seed", help="The recorded seed (default: a new random one, shown)."),
        ] = None,
        hmt: Annotated[
            list[str] | None,
            typer.Option("--hmt", help="A dwelling listed for the HMT-foreign form (repeatable)."),
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """Draw the long-form 10 % sample of each area (systematic, from a recorded seed;
        docs/protocol.md "Forms"); devices get each dwelling's form at their next sync."""
        import secrets

        from census_tui.server import admin

        chosen = seed if seed is not None else secrets.randbelow(2**31)
        out: list[dict[str, object]] = []
        with guarded(lang_of(ctx)), _storage(ctx, db) as storage:
            known = admin.area_ids(storage)
            for area in areas:
                if area not in known:
                    raise BadInput(
                        Msg(f"服务器上没有普查小区 {area}", f"no area {area} on the server")
                    )
            for d in hmt or []:
                if d.partition("-")[0] not in areas:
                    raise BadInput(
                        Msg(
                            f"--hmt {d} 不属于所列普查小区",
                            f"--hmt {d} is not in the areas given",
                        )
                    )
            for area in areas:
                own = [d for d in hmt or [] if d.partition("-")[0] == area]
                forms = storage.draw_sample(area, chosen, hmt=own)
                out.append(
                    {
                        "area_id": area,
                        "seed": chosen,
                        "dwellings": len(forms),
                        "long2020": sorted(d for d, f in forms.items() if f == "long2020"),
                    }
                )
        if as_json:
            emit_json(out)
            return
        for r in out:
            n = len(r["long2020"])  # type: ignore[arg-type]
            typer.echo(
                Msg(
                    f"{r['area_id']}: 种子 {chosen},{r['dwellings']} 个住房单元中 {n} 个填长表",
                    f"{r['area_id']}: seed {chosen}, {n} of {r['dwellings']} dwellings on the long"
                    " form",
                ).both()
            )
