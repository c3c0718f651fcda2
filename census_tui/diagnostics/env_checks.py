"""Checks that need no password and no network: versions, terminal, data directory, disk.

These are the first things the hotline asks (FIELDWORK: restart, log in again, then call
support), so they run even when the profile cannot be opened.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from census_tui.diagnostics.checks import CheckResult, DiagContext, fail, ok, warn
from census_tui.i18n import Msg

MIN_PYTHON = (3, 11)
FREE_FAIL_MB = 50
"""Below this the store cannot promise to save the next household."""
FREE_WARN_MB = 500


def check_versions(ctx: DiagContext) -> Iterator[CheckResult]:
    """Package, Python and SQLCipher versions; SQLCipher missing or broken is a failure."""
    v = ctx.versions
    summary = ", ".join(f"{k} {val}" for k, val in v.items())
    data = {k: val for k, val in v.items()}
    sqlcipher = v.get("sqlcipher", "missing")
    if sqlcipher.startswith("error") or sqlcipher in {"missing", "unknown"}:
        yield fail(
            "env.versions",
            Msg(f"SQLCipher 不可用：{summary}", f"SQLCipher is not usable: {summary}"),
            Msg(
                "重新安装 census-tui（sqlcipher3 的安装包已内置 SQLCipher）。",
                "Reinstall census-tui (the sqlcipher3 wheel bundles SQLCipher).",
            ),
            **data,
        )
    elif sys.version_info[:2] < MIN_PYTHON:
        yield warn(
            "env.versions",
            Msg(f"Python 版本过旧：{summary}", f"Python is older than supported: {summary}"),
            Msg("请安装 Python 3.11 或更新版本。", "Install Python 3.11 or newer."),
            **data,
        )
    else:
        yield ok("env.versions", Msg(f"版本：{summary}", f"Versions: {summary}"), **data)


def _colours(term: str, colorterm: str, no_color: bool) -> str:
    if no_color:
        return "none"
    if colorterm.lower() in {"truecolor", "24bit"}:
        return "truecolor"
    if "256" in term:
        return "256"
    if term in {"", "dumb"}:
        return "none"
    return "16"


def check_terminal(ctx: DiagContext) -> Iterator[CheckResult]:
    """Terminal type, size and colour support. The TUI works down to 40x16 and is designed for
    80x24; below that it shows a 'terminal too small' screen, so size is a warning only."""
    t = ctx.terminal
    colours = _colours(t.term, t.colorterm, t.no_color)
    data: dict[str, str | int | bool | None] = {
        "term": t.term or None,
        "columns": t.columns,
        "lines": t.lines,
        "colours": colours,
        "tty": t.is_tty,
    }
    desc = f"TERM={t.term or '-'}, {t.columns}x{t.lines}, colours={colours}"
    if not t.is_tty:
        yield ok(
            "env.terminal",
            Msg(
                f"输出未连接终端（重定向）：{desc}",
                f"Output is not a terminal (redirected): {desc}",
            ),
            **data,
        )
    elif t.term in {"", "dumb"}:
        yield warn(
            "env.terminal",
            Msg(f"终端类型未知：{desc}", f"Unknown terminal type: {desc}"),
            Msg(
                "设置 TERM（例如 TERM=xterm-256color，Linux 控制台为 TERM=linux）。",
                "Set TERM (for example TERM=xterm-256color, or TERM=linux on the console).",
            ),
            **data,
        )
    elif t.columns < 40 or t.lines < 16:
        yield warn(
            "env.terminal",
            Msg(f"终端太小（至少 40x16）：{desc}", f"Terminal too small (needs 40x16): {desc}"),
            Msg("放大窗口或减小字体。", "Enlarge the window or use a smaller font."),
            **data,
        )
    else:
        yield ok("env.terminal", Msg(f"终端：{desc}", f"Terminal: {desc}"), **data)


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path("/")


def check_data_dir(ctx: DiagContext) -> Iterator[CheckResult]:
    """The data directory exists and a file can really be created in it (a probe file, not
    ``os.access``: a read-only remount or a full card only shows on a real write)."""
    home = ctx.home
    if not home.is_dir():
        yield warn(
            "env.data_dir",
            Msg(
                "数据目录尚不存在（本机还未登录过）。",
                "The data directory does not exist yet (nobody has logged in on this device).",
            ),
            Msg("请先联网登录：census-tui login。", "Log in online first: census-tui login."),
            present=False,
            writable=None,
        )
        return
    try:
        with tempfile.NamedTemporaryFile(dir=home, prefix=".diag-probe-") as probe:
            probe.write(b"probe")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        yield fail(
            "env.data_dir",
            Msg(
                f"数据目录不可写（{exc.strerror}）。",
                f"The data directory is not writable ({exc.strerror}).",
            ),
            Msg(
                "检查存储卡是否写保护或已满；重启设备后再试，仍不行请联系技术支持。",
                "Check that the storage is not write-protected or full; restart the device, "
                "then call support.",
            ),
            present=True,
            writable=False,
        )
        return
    yield ok(
        "env.data_dir",
        Msg("数据目录存在且可写。", "The data directory exists and is writable."),
        present=True,
        writable=True,
    )


def check_disk(ctx: DiagContext) -> Iterator[CheckResult]:
    """Free space on the data directory's file system."""
    where = _nearest_existing(ctx.home)
    try:
        usage = shutil.disk_usage(where)
    except OSError as exc:
        yield fail(
            "env.disk_free",
            Msg(
                f"无法读取剩余空间（{exc.strerror}）。", f"Cannot read free space ({exc.strerror})."
            ),
            Msg("检查存储卡。", "Check the storage."),
        )
        return
    free_mb = usage.free // (1024 * 1024)
    data: dict[str, int | None] = {"free_mb": free_mb, "total_mb": usage.total // (1024 * 1024)}
    detail = Msg(f"剩余空间 {free_mb} MB。", f"{free_mb} MB free.")
    remedy = Msg(
        "删除不需要的文件，或先同步后再备份到其他存储。",
        "Delete files you do not need, or sync and back up to other storage.",
    )
    if free_mb < FREE_FAIL_MB:
        yield fail("env.disk_free", detail, remedy, **data)
    elif free_mb < FREE_WARN_MB:
        yield warn("env.disk_free", detail, remedy, **data)
    else:
        yield ok("env.disk_free", detail, **data)


ENV_CHECKS = (check_versions, check_terminal, check_data_dir, check_disk)
