"""``login``, ``logout``, ``passwd`` and ``recover``: the enumerator's account on this device.

Thin wiring: the first login is ``census_tui.sync.login`` (shared with the TUI), the password
and recovery slot are the store's (``Store.change_password``, ``store.recover``). Heavy imports
happen inside the commands so ``census-tui --help`` stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from census_tui.commands._support import (
    ask,
    emit_json,
    guarded,
    lang_of,
    new_password,
    password,
    pick_profile,
    say,
)
from census_tui.errors import ConflictError, NetworkError
from census_tui.i18n import Lang, Msg

if TYPE_CHECKING:
    from census_tui.clock import Clock
    from census_tui.store import Store
    from census_tui.sync.transport import RetryPolicy

ProfileOpt = Annotated[
    str | None, typer.Option("--profile", help="Profile name (default: the only one here).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

MSG_LOGGED_IN = Msg("已登录：档案 {profile}（{mode}）。", "Logged in: profile {profile} ({mode}).")
MSG_FIRST = Msg("首次登录，已在本机建立加密档案", "first login; encrypted profile created")
MSG_AGAIN = Msg("已重新登录，令牌已更新", "logged in again; token renewed")
MSG_LOGOUT_UNSYNCED = Msg(
    "还有 {count} 条数据未同步（最早的等待了 {hours} 小时），不能注销。请先同步；"
    "确需注销请加 --force（数据仍保留在本机）。",
    "{count} item(s) are not synced yet (the oldest waiting {hours} h); not logging out. "
    "Sync first; to log out anyway use --force (the data stays on this device).",
)
MSG_LOGGED_OUT = Msg(
    "已注销：本机不再保存登录令牌，下次同步前需重新登录。档案与数据仍在本机。",
    "Logged out: the login token is removed; log in again before the next sync. The profile "
    "and its data stay on this device.",
)
MSG_LOGOUT_OFFLINE = Msg(
    "未能连接服务器，服务器上的登录令牌未注销（最迟 12 小时后自动失效）；本机的令牌已删除。",
    "The server could not be reached, so the token was not revoked there (it expires within "
    "12 hours); it is removed from this device.",
)
MSG_LOGGED_OUT_UNSYNCED = Msg(
    "注意：仍有 {count} 条未同步数据保留在本机。",
    "Note: {count} unsynced item(s) remain on this device.",
)
MSG_PASSWD_OFFLINE = Msg(
    "修改密码需要联网（服务器上的密码要一起修改）。现在无法连接服务器，密码未改。",
    "Changing the password needs the server (the account's password changes there too). The "
    "server cannot be reached now, so nothing was changed.",
)
MSG_PASSWD_DONE = Msg(
    "密码已修改（服务器与本机）。", "Password changed (on the server and on this device)."
)
MSG_PASSWD_LOCAL_FAILED = Msg(
    "服务器上的密码已改，但本机未能保存新密码：本机仍用旧密码解锁。请联系技术支持。",
    "The server took the new password, but this device could not save it: unlock here with the "
    "old password for now, and call support.",
)
MSG_RECOVERED = Msg(
    "已用恢复密钥为档案 {profile} 设置新密码；未同步数据 {depth} 条均已保留。"
    "服务器账户密码请由普查机构另行重置。",
    "A new password is set on profile {profile} with the recovery key; all {depth} unsynced "
    "item(s) are kept. The server account's password is reset by the census office separately.",
)


def _policy() -> RetryPolicy:
    """One attempt for interactive commands: the person at the keyboard decides to retry."""
    from census_tui.sync.transport import RetryPolicy

    return RetryPolicy(attempts=1, deadline=60.0, connect_timeout=10.0, read_timeout=30.0)


def _revoke(store: Store, clock: Clock) -> bool:
    """Ask the server to end the profile's token (one attempt); False when it was not reached.
    A token the server no longer knows counts as revoked."""
    from census_tui.errors import CensusError
    from census_tui.store import META_SERVER_URL, META_TOKEN
    from census_tui.sync.api import SyncApi
    from census_tui.sync.pins import pinned_ca

    url, token = store.get_meta(META_SERVER_URL), store.get_meta(META_TOKEN)
    if not url or not token:
        return True
    from census_tui.sync.transport import RetryPolicy

    policy = RetryPolicy(attempts=1, deadline=20.0, connect_timeout=5.0, read_timeout=10.0)
    try:
        with SyncApi(url, clock=clock, token=token, policy=policy, ca_pem=pinned_ca(store)) as api:
            api.logout()
    except CensusError:
        return False
    return True


def _ask_real_name(lang: Lang) -> tuple[str, str]:
    name = ask(lang, Msg("实名认证：姓名", "Real-name check: your name"))
    id_number = ask(lang, Msg("实名认证：身份证号", "Real-name check: ID number"), hidden=True)
    return name, id_number


def register(app: typer.Typer) -> None:
    @app.command("login")
    def login_cmd(
        ctx: typer.Context,
        server: Annotated[str, typer.Option("--server", help="Census server URL (https://…).")],
        user: Annotated[str, typer.Option("--user", help="Account (enumerator) name.")],
        ca_file: Annotated[
            Path | None, typer.Option("--ca-file", help="Census office CA certificate (PEM).")
        ] = None,
        as_json: JsonOpt = False,
    ) -> None:
        """登录 / Log in online; the first login creates the encrypted profile.

        The password is asked without echo (or taken from CENSUS_TUI_PASSWORD). At the first
        login the initial password must be changed (new one from CENSUS_TUI_NEW_PASSWORD or
        asked twice) and the real-name check passed.
        """
        from census_tui.clock import SystemClock
        from census_tui.store import profile_exists, unlock
        from census_tui.sync.login import first_login, profile_name, renew_token

        lang = lang_of(ctx)
        clock = SystemClock()
        with guarded(lang):
            name = profile_name(user)
            secret = password(lang)
            if profile_exists(name):
                with unlock(name, secret, clock=clock) as store:
                    renew_token(store, secret, clock=clock, policy=_policy())
                mode = MSG_AGAIN
            else:
                store = first_login(
                    server,
                    user,
                    secret,
                    ask_new_password=lambda: new_password(lang),
                    ask_real_name=lambda: _ask_real_name(lang),
                    clock=clock,
                    ca_file=str(ca_file.resolve())
                    if ca_file
                    else None,  # later runs start elsewhere
                    policy=_policy(),
                )
                store.close()
                mode = MSG_FIRST
        if as_json:
            emit_json({"profile": name, "first_login": mode is MSG_FIRST})
        else:
            say(MSG_LOGGED_IN.format(profile=name, mode=mode(lang))(lang))

    @app.command("logout")
    def logout_cmd(
        ctx: typer.Context,
        profile: ProfileOpt = None,
        force: Annotated[
            bool, typer.Option("--force", help="Log out even with unsynced work (kept here).")
        ] = False,
    ) -> None:
        """注销 / End the login: the server revokes the token and this device forgets it (the
        data stays).

        Refuses while unsynced work exists, saying how much, unless --force. When the server
        cannot be reached the token is still removed here, and the command says so.
        """
        from census_tui.clock import SystemClock
        from census_tui.store import META_TOKEN, unlock

        lang = lang_of(ctx)
        clock = SystemClock()
        with guarded(lang):
            name = pick_profile(profile)
            with unlock(name, password(lang), clock=clock) as store:
                depth = store.outbox_depth()
                if depth and not force:
                    oldest = store.outbox_oldest()
                    hours = (clock.now() - oldest).total_seconds() / 3600 if oldest else 0.0
                    raise ConflictError(
                        MSG_LOGOUT_UNSYNCED.format(count=depth, hours=f"{max(hours, 0.0):.1f}")
                    )
                revoked = _revoke(store, clock)
                store.set_meta(META_TOKEN, None)
                store.add_sync_log("logout", "ok" if revoked else "offline")
                store.log_event("logout", data={"unsynced": depth, "revoked": revoked})
        if not revoked:
            say(MSG_LOGOUT_OFFLINE(lang))
        say(MSG_LOGGED_OUT(lang))
        if depth:
            say(MSG_LOGGED_OUT_UNSYNCED.format(count=depth)(lang))

    @app.command("passwd")
    def passwd_cmd(ctx: typer.Context, profile: ProfileOpt = None) -> None:
        """改密码 / Change the password on the server and on this device (online only).

        Current password from CENSUS_TUI_PASSWORD or asked; the new one from
        CENSUS_TUI_NEW_PASSWORD or asked twice.
        """
        from census_tui.clock import SystemClock
        from census_tui.errors import AuthError, CensusError, StoreError
        from census_tui.store import META_SERVER_URL, META_TOKEN, unlock
        from census_tui.sync import messages as sync_msgs
        from census_tui.sync.api import SyncApi
        from census_tui.sync.pins import pinned_ca

        lang = lang_of(ctx)
        clock = SystemClock()
        with guarded(lang):
            name = pick_profile(profile)
            old = password(lang, Msg("当前密码", "Current password"))
            with unlock(name, old, clock=clock) as store:
                url, token = store.get_meta(META_SERVER_URL), store.get_meta(META_TOKEN)
                if not url or not token:
                    raise AuthError(sync_msgs.NOT_LOGGED_IN)
                new = new_password(lang)
                try:
                    with SyncApi(
                        url,
                        clock=clock,
                        token=token,
                        policy=_policy(),
                        ca_pem=pinned_ca(store),
                    ) as api:
                        api.change_password(old, new)
                except NetworkError:
                    raise NetworkError(MSG_PASSWD_OFFLINE) from None
                try:
                    store.change_password(old, new)
                except CensusError:
                    raise StoreError(MSG_PASSWD_LOCAL_FAILED) from None
                store.add_sync_log("passwd", "ok")
        say(MSG_PASSWD_DONE(lang))

    @app.command("recover")
    def recover_cmd(
        ctx: typer.Context,
        key: Annotated[
            Path,
            typer.Option("--key", help="File with the census office's recovery private key."),
        ],
        profile: ProfileOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        """恢复密码 / Support: set a new password with the census office's private key.

        For a device whose password was forgotten. Unsynced work is kept; without the office's
        private key nothing can be recovered. The new password comes from
        CENSUS_TUI_NEW_PASSWORD or is asked twice.
        """
        from census_tui import paths
        from census_tui.clock import SystemClock
        from census_tui.security.recovery import check_recovery_slot, read_private_key
        from census_tui.store import recover

        lang = lang_of(ctx)
        with guarded(lang):
            name = pick_profile(profile)
            check_recovery_slot(paths.profile_dir(name))
            private = read_private_key(key)
            new = new_password(lang)
            with recover(name, private, new, clock=SystemClock()) as store:
                depth = store.outbox_depth()
        if as_json:
            emit_json({"profile": name, "outbox_depth": depth})
        else:
            say(MSG_RECOVERED.format(profile=name, depth=depth)(lang))
