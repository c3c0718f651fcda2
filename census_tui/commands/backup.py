"""``census-tui backup PATH`` and ``census-tui restore PATH``: an encrypted, self-checking copy
of the profile (to a USB stick, for a spare device) and bringing it back.
Thin wiring over ``census_tui.security.backup`` and ``census_tui.security.restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from census_tui.commands._support import emit_json, guarded, lang_of, password, pick_profile, say
from census_tui.i18n import Msg

ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the only one here).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

MSG_BACKUP_DONE = Msg(
    "备份已写入并通过自检：{path}（加密；{depth} 条未同步数据已包含在内）。",
    "Backup written and checked: {path} (encrypted; includes {depth} unsynced item(s)).",
)
MSG_RESTORE_DONE = Msg(
    "已恢复档案 {profile}（结构版本 {schema}，{depth} 条未同步数据）。",
    "Profile {profile} restored (schema {schema}, {depth} unsynced item(s)).",
)
MSG_REPLACED = Msg("原档案已保留在：{path}", "The profile it replaced is kept in: {path}")


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup_cmd(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="The backup file to write (a new file).")],
        profile: ProfileOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """备份 / Write an encrypted, self-checking backup of the profile to PATH.

        Safe while the TUI is running (SQLite backup API). The backup cannot be read without
        the password.
        """
        from census_tui.clock import SystemClock
        from census_tui.security.backup import write_backup
        from census_tui.store import unlock

        lang = lang_of(ctx)
        with guarded(lang):
            name = pick_profile(profile)
            secret = password(lang)
            with unlock(name, secret, clock=SystemClock()) as store:
                manifest = write_backup(store, secret, path)
                store.log_event("backup_written", data={"outbox_depth": manifest.outbox_depth})
        if as_json:
            emit_json(
                {
                    "path": str(path),
                    "profile": manifest.profile,
                    "schema_version": manifest.schema_version,
                    "outbox_depth": manifest.outbox_depth,
                    "created": manifest.created,
                }
            )
        else:
            say(MSG_BACKUP_DONE.format(path=str(path), depth=manifest.outbox_depth)(lang))

    @app.command("restore")
    def restore_cmd(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="The backup file to restore.")],
        replace: Annotated[
            bool,
            typer.Option(
                "--replace",
                help="Replace an existing profile of the same account (it is moved aside to "
                "<data dir>/replaced/, never deleted).",
            ),
        ] = False,
        as_json: JsonOpt = False,
    ) -> None:
        """恢复 / Restore a backup onto this device (for example a spare).

        Asks for the password the profile had when the backup was made. Never overwrites an
        existing profile unless --replace (and then keeps it aside).
        """
        from census_tui.clock import SystemClock
        from census_tui.security.restore import precheck, restore_backup

        lang = lang_of(ctx)
        with guarded(lang):
            precheck(path)  # damaged, foreign or newer: said before asking for a password
            done = restore_backup(path, password(lang), SystemClock(), replace=replace)
        if as_json:
            emit_json(
                {
                    "profile": done.profile,
                    "schema_version": done.schema_version,
                    "outbox_depth": done.outbox_depth,
                    "replaced_to": str(done.replaced_to) if done.replaced_to else None,
                }
            )
            return
        say(
            MSG_RESTORE_DONE.format(
                profile=done.profile, schema=done.schema_version, depth=done.outbox_depth
            )(lang)
        )
        if done.replaced_to:
            say(MSG_REPLACED.format(path=str(done.replaced_to))(lang))
