"""Checks of the profile: files, unlock, integrity, schema, outbox, sync errors, and on a
supervisor's profile the supervisor's outbox (decisions and re-visits waiting or refused).

Without the password only the file checks run; the others say they were skipped and why. The
unlock goes through ``census_tui.store.unlock``, so a wrong password here counts towards the
lockout exactly as at the login screen.
"""

from __future__ import annotations

from collections.abc import Iterator

from census_tui import paths
from census_tui.diagnostics.checks import CheckResult, DiagContext, fail, ok, skipped, warn
from census_tui.diagnostics.labels import is_refusal, sync_entry
from census_tui.errors import CensusError
from census_tui.i18n import Msg
from census_tui.store import META_SERVER_URL, Store, migrations, unlock
from census_tui.store import envelope as env_mod
from census_tui.store.store import DB_FILE, ENVELOPE_FILE

OUTBOX_WARN_HOURS = 24
"""Completed work waiting a day to be sent is worth a call: the supervisor cannot review it."""
SYNC_LOG_SCAN = 20

NEEDS_PASSWORD = Msg(
    "未提供密码，已跳过（设置 CENSUS_TUI_PASSWORD 或加 --password 后重试）。",
    "Skipped: no password given (set CENSUS_TUI_PASSWORD or add --password).",
)
NO_STORE = Msg("数据库未能打开，已跳过。", "Skipped: the database could not be opened.")
REMEDY_SUPPORT = Msg(
    "不要删除任何文件。请用 diag bundle 生成诊断包并联系技术支持。",
    "Do not delete any files. Make a support bundle (`diag bundle`) and call support.",
)
LOGIN_FIRST = Msg("请先联网登录：census-tui login。", "Log in online first: census-tui login.")

STORE_IDS = (
    "store.open",
    "store.cipher_integrity",
    "store.integrity",
    "store.schema",
    "store.outbox",
    "sync.last_errors",
)


def resolve_profile(ctx: DiagContext) -> str | None:
    """The profile to check: the one named, else the only one on the device."""
    if ctx.profile:
        return ctx.profile
    found = paths.list_profiles(ctx.home)
    return found[0] if len(found) == 1 else None


def check_profile_files(ctx: DiagContext) -> Iterator[CheckResult]:
    """store.profile: the profile's envelope parses and its database file is there."""
    found = paths.list_profiles(ctx.home)
    name = resolve_profile(ctx)
    if name is None:
        if found:
            yield warn(
                "store.profile",
                Msg(
                    f"本机有 {len(found)} 个档案，请用 --profile 指定。",
                    f"There are {len(found)} profiles here; name one with --profile.",
                ),
                Msg("加 --profile 名称。", "Add --profile NAME."),
                profiles=len(found),
            )
        else:
            yield warn(
                "store.profile",
                Msg("本机还没有档案。", "No profile on this device yet."),
                LOGIN_FIRST,
                profiles=0,
            )
        return
    ctx.profile = name
    directory = paths.profile_dir(name, ctx.home)
    if not (directory / ENVELOPE_FILE).is_file():
        yield fail(
            "store.profile",
            Msg("密钥文件（envelope.json）丢失。", "The key file (envelope.json) is missing."),
            REMEDY_SUPPORT,
        )
        return
    try:
        env = env_mod.load(directory / ENVELOPE_FILE)
    except CensusError as exc:
        yield fail("store.profile", exc.msg, REMEDY_SUPPORT)
        return
    if not (directory / DB_FILE).is_file():
        yield fail(
            "store.profile",
            Msg("数据库文件（census.db）丢失。", "The database file (census.db) is missing."),
            REMEDY_SUPPORT,
        )
        return
    size_kb = (directory / DB_FILE).stat().st_size // 1024
    if env.recovery is None:
        yield warn(
            "store.profile",
            Msg(
                "档案文件齐全，但没有恢复槽：忘记密码将无法恢复。",
                "The profile's files are present, but it has no recovery slot: a forgotten "
                "password cannot be recovered.",
            ),
            Msg(
                "联网登录一次，让服务器提供恢复公钥；或尽快同步并备份。",
                "Log in online once so the server provides the recovery key; sync and back "
                "up soon.",
            ),
            db_kb=size_kb,
            recovery_slot=False,
        )
        return
    yield ok(
        "store.profile",
        Msg(
            "档案文件齐全（含恢复槽）。", "The profile's files are present (with a recovery slot)."
        ),
        db_kb=size_kb,
        recovery_slot=True,
    )


def open_store(ctx: DiagContext) -> Store | CensusError | None:
    """The store opened once per report (``None`` without a password or a profile)."""
    if "store" in ctx.cache:
        cached = ctx.cache["store"]
        return cached if isinstance(cached, Store) else None
    if "store_error" in ctx.cache:
        error = ctx.cache["store_error"]
        assert isinstance(error, CensusError)
        return error
    if ctx.password is None or ctx.profile is None:
        return None
    try:
        store = unlock(ctx.profile, ctx.password, base=ctx.home, clock=ctx.clock)
    except CensusError as exc:
        ctx.cache["store_error"] = exc
        return exc
    ctx.cache["store"] = store
    profile_server = store.get_meta(META_SERVER_URL)
    if not ctx.server:
        ctx.server = profile_server
    if ctx.ca_file is None and profile_server and _same_server(ctx.server, profile_server):
        from census_tui.sync.pins import META_CA_FILE, pinned_ca

        # The probe must trust what sync trusts: the CA the profile pinned at login.
        ctx.ca_file = store.get_meta(META_CA_FILE) or None
        try:
            ctx.ca_pem = pinned_ca(store, save=False)
        except CensusError:
            ctx.ca_pem = None  # a pre-pin profile whose CA file is gone: the probe says so
    return store


def _same_server(a: str | None, b: str) -> bool:
    return (a or "").strip().rstrip("/") == b.strip().rstrip("/")


def check_store(ctx: DiagContext) -> Iterator[CheckResult]:
    """store.open, store.cipher_integrity, store.integrity, store.schema, store.outbox,
    sync.last_errors."""
    if ctx.profile is None:
        for check_id in STORE_IDS:
            yield skipped(check_id, Msg("没有档案，已跳过。", "Skipped: no profile."))
        return
    opened = open_store(ctx)
    if opened is None:
        for check_id in STORE_IDS:
            yield skipped(check_id, NEEDS_PASSWORD)
        return
    if isinstance(opened, CensusError):
        yield fail(
            "store.open",
            opened.msg,
            REMEDY_SUPPORT
            if opened.exit_code != 3
            else Msg(
                "确认密码；忘记密码请联系技术支持（可用恢复密钥重设）。",
                "Check the password; if it is forgotten, support can reset it with the recovery "
                "key.",
            ),
            exit_code=int(opened.exit_code),
        )
        for check_id in STORE_IDS[1:]:
            yield skipped(check_id, NO_STORE)
        return
    store = opened
    yield ok("store.open", Msg("数据库已用密码打开。", "The database opens with the password."))
    yield from _integrity(store)
    yield from _schema(store)
    yield from _outbox(ctx, store)
    yield from _sync_errors(store)


def _integrity(store: Store) -> Iterator[CheckResult]:
    try:
        cipher_ok, sqlite_ok = store.integrity_check()
    except CensusError as exc:
        yield fail("store.cipher_integrity", exc.msg, REMEDY_SUPPORT)
        yield fail("store.integrity", exc.msg, REMEDY_SUPPORT)
        return
    if cipher_ok:
        yield ok(
            "store.cipher_integrity",
            Msg(
                "加密页校验（cipher_integrity_check）通过。",
                "Every encrypted page checks out (cipher_integrity_check).",
            ),
        )
    else:
        yield fail(
            "store.cipher_integrity",
            Msg(
                "加密页校验失败：数据库文件被改动或损坏。",
                "Encrypted pages fail their check: the database file was changed or damaged.",
            ),
            REMEDY_SUPPORT,
        )
    if sqlite_ok:
        yield ok(
            "store.integrity",
            Msg(
                "数据库结构校验（integrity_check）通过。",
                "The database structure checks out (integrity_check).",
            ),
        )
    else:
        yield fail(
            "store.integrity",
            Msg("数据库结构校验失败。", "The database structure check failed."),
            REMEDY_SUPPORT,
        )


def _schema(store: Store) -> Iterator[CheckResult]:
    version = store.schema_version()
    known = migrations.latest()
    detail = Msg(
        f"数据库结构版本 {version}（本程序 {known}）。",
        f"Schema version {version} (this program: {known}).",
    )
    if version == known:
        yield ok("store.schema", detail, schema_version=version, known=known)
    else:
        yield fail(
            "store.schema",
            detail,
            Msg("请升级程序。", "Update the program."),
            schema_version=version,
            known=known,
        )


def _outbox(ctx: DiagContext, store: Store) -> Iterator[CheckResult]:
    depth = store.outbox_depth()
    oldest = store.outbox_oldest()
    if depth == 0 or oldest is None:
        yield ok(
            "store.outbox",
            Msg("没有待上传的数据。", "Nothing waiting to be sent."),
            depth=0,
            oldest_hours=None,
        )
        return
    hours = max(0.0, (ctx.clock.now() - oldest).total_seconds() / 3600)
    detail = Msg(
        f"待上传 {depth} 条，最早的已等待 {hours:.1f} 小时。",
        f"{depth} item(s) waiting to be sent; the oldest for {hours:.1f} h.",
    )
    data: dict[str, int | float | None] = {"depth": depth, "oldest_hours": round(hours, 1)}
    if hours > OUTBOX_WARN_HOURS:
        yield warn(
            "store.outbox",
            detail,
            Msg(
                "尽快联网同步；不要注销或重装。",
                "Sync as soon as there is a network; do not log out or reinstall.",
            ),
            **data,
        )
    else:
        yield ok("store.outbox", detail, **data)


def _sync_errors(store: Store) -> Iterator[CheckResult]:
    entries = store.sync_log(SYNC_LOG_SCAN)
    if not entries:
        yield ok("sync.last_errors", Msg("尚无同步记录。", "No sync yet."), errors=0)
        return
    latest = entries[0]
    errors = [e for e in entries if e.error or e.result not in {"ok", "success"}]
    if not errors:
        yield ok(
            "sync.last_errors",
            Msg("最近的同步没有错误。", "Recent syncs had no errors."),
            errors=0,
            last_at=latest.at.isoformat(timespec="seconds"),
        )
        return
    last = errors[0]
    detail = Msg(
        f"最近 {len(entries)} 次同步中有 {len(errors)} 次出错，最近一次："
        f"{sync_entry(last.op, last.result, last.error, 'zh')}",
        f"{len(errors)} of the last {len(entries)} sync steps failed; latest: "
        f"{sync_entry(last.op, last.result, last.error, 'en')}",
    )
    remedy = (
        Msg(
            "服务器拒收的数据仍保存在本机，不会丢失；这不是网络问题，重新同步也不会改变结果。"
            "请按上面的原因处理，无法处理时把诊断包交给技术支持。",
            "The items the server refused are kept on this device, nothing is lost. It is not a"
            " network problem and syncing again will not change it: act on the reason above,"
            " or give support a bundle (census-tui diag bundle).",
        )
        if is_refusal(last.error)
        else Msg(
            "检查网络后重新同步；反复出错请联系技术支持。",
            "Check the network and sync again; if it keeps failing, call support.",
        )
    )
    data: dict[str, int | str] = {
        "errors": len(errors),
        "last_error_at": last.at.isoformat(timespec="seconds"),
    }
    if latest is last:
        yield warn("sync.last_errors", detail, remedy, **data)
    else:
        yield ok("sync.last_errors", detail, **data)


SUP_OUTBOX_ID = "supervisor.outbox"
NOT_SUPERVISOR = Msg(
    "普查员档案，没有指导员待发送队列，已跳过。",
    "Skipped: an enumerator's profile has no supervisor's outbox.",
)


def check_supervisor_outbox(ctx: DiagContext) -> Iterator[CheckResult]:
    """supervisor.outbox: a supervisor's decisions and re-visits waiting to be sent (how many,
    the oldest's age) and those the server refused (kept, never resent). Counts only: the
    server's reasons are shown by ``status`` on the device, never put into a bundle."""
    from census_tui.diagnostics.status import is_supervisor, supervisor_counts

    if ctx.profile is None:
        yield skipped(SUP_OUTBOX_ID, Msg("没有档案，已跳过。", "Skipped: no profile."))
        return
    opened = open_store(ctx)
    if opened is None:
        yield skipped(SUP_OUTBOX_ID, NEEDS_PASSWORD)
        return
    if isinstance(opened, CensusError):
        yield skipped(SUP_OUTBOX_ID, NO_STORE)
        return
    if not is_supervisor(opened):
        yield skipped(SUP_OUTBOX_ID, NOT_SUPERVISOR)
        return
    counts = supervisor_counts(opened)
    waiting = int(counts["decisions_waiting"]) + int(counts["revisits_waiting"])
    refused = int(counts["refused"])
    oldest = opened.sup_oldest_queued()
    hours = (
        None
        if oldest is None
        else round(max(0.0, (ctx.clock.now() - oldest).total_seconds() / 3600), 1)
    )
    data: dict[str, int | float | None] = {
        "waiting": waiting,
        "decisions_waiting": int(counts["decisions_waiting"]),
        "revisits_waiting": int(counts["revisits_waiting"]),
        "refused": refused,
        "oldest_hours": hours,
        "cases_held": int(counts["cases_held"]),
    }
    if waiting and hours is not None:
        detail = Msg(
            f"待发送的审核决定和复查 {waiting} 条，最早的已等待 {hours:.1f} 小时；"
            f"被服务器拒绝 {refused} 条。",
            f"{waiting} decision(s) and re-visit(s) waiting to be sent, the oldest for"
            f" {hours:.1f} h; {refused} refused by the server.",
        )
    else:
        detail = Msg(
            f"没有待发送的审核决定或复查；被服务器拒绝 {refused} 条。",
            f"No decision or re-visit waiting to be sent; {refused} refused by the server.",
        )
    if refused:
        yield warn(
            SUP_OUTBOX_ID,
            detail,
            Msg(
                "被拒绝的决定保存在本机，不会重发：原因见 census-tui status；在审核队列中重新"
                "打开该户，按最新内容重新审核。",
                "Refused decisions are kept on this device and never sent again: census-tui"
                " status shows the server's reasons; open the case again from the review queue"
                " and decide on what it holds now.",
            ),
            **data,
        )
    elif hours is not None and hours > OUTBOX_WARN_HOURS:
        yield warn(
            SUP_OUTBOX_ID,
            detail,
            Msg(
                "尽快联网，在进度界面按 s 同步；不要注销或重装。",
                "Connect as soon as possible and press s on the progress screen to sync; do not"
                " log out or reinstall.",
            ),
            **data,
        )
    else:
        yield ok(SUP_OUTBOX_ID, detail, **data)


STORE_CHECKS = (check_profile_files, check_store, check_supervisor_outbox)
