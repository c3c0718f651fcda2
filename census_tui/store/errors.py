"""The store's failures, each a :class:`~census_tui.errors.CensusError` with a zh/en message.

Messages never name a person, an answer or a file's contents: at most a count or a number of
seconds, so that they are safe to show, log and send to support.
"""

from __future__ import annotations

from census_tui.errors import AuthError, BadInput, ConflictError, DiskError, NoProfile, StoreError
from census_tui.i18n import Msg

MSG_WRONG_PASSWORD = Msg(
    "密码错误。再错 {left} 次将暂时锁定。",
    "Wrong password. Wrong tries left before the profile locks for a while: {left}.",
)
MSG_WRONG_PASSWORD_LOCKED = Msg(
    "密码错误。已暂时锁定，请在 {seconds} 秒后再试。",
    "Wrong password. The profile is locked; try again in {seconds} seconds.",
)
MSG_LOCKED = Msg(
    "密码错误次数过多，已暂时锁定，请在 {seconds} 秒后再试。",
    "Too many wrong passwords; the profile is locked. Try again in {seconds} seconds.",
)
MSG_NO_PROFILE = Msg(
    "本机没有这个账户的档案，请先联网登录。",
    "There is no profile for this account on this device; log in online first.",
)
MSG_PROFILE_EXISTS = Msg(
    "本机已有这个账户的档案，未做任何改动。",
    "A profile for this account already exists on this device; nothing was changed.",
)
MSG_ENVELOPE_MISSING = Msg(
    "密钥文件（envelope.json）丢失，无法打开数据库。请联系技术支持，或从备份恢复："
    "census-tui restore PATH。",
    "The key file (envelope.json) is missing, so the database cannot be opened. Call support, "
    "or restore from a backup: census-tui restore PATH.",
)
MSG_ENVELOPE_DAMAGED = Msg(
    "密钥文件（envelope.json）已损坏或被改动，未做任何改动。请联系技术支持，或从备份恢复："
    "census-tui restore PATH。",
    "The key file (envelope.json) is damaged or was tampered with; nothing was changed. "
    "Call support, or restore from a backup: census-tui restore PATH.",
)
MSG_DB_MISSING = Msg(
    "数据库文件（census.db）丢失。请联系技术支持，或从备份恢复：census-tui restore PATH。",
    "The database file (census.db) is missing. Call support, or restore from a backup: "
    "census-tui restore PATH.",
)
MSG_NOT_A_DATABASE = Msg(
    "数据库文件已损坏或不属于这个档案，未做任何改动。请联系技术支持，或从备份恢复："
    "census-tui restore PATH。",
    "The database file is damaged or does not belong to this profile; nothing was changed. "
    "Call support, or restore from a backup: census-tui restore PATH.",
)
MSG_DB_FAILED = Msg(
    "数据库操作失败，最后一项未保存。如反复出现，请运行 census-tui diag 并联系技术支持。",
    "A database operation failed; the last change was not saved. If it happens again, run "
    "census-tui diag and call support.",
)
MSG_NEWER_SCHEMA = Msg(
    "数据库由更新版本的程序创建（结构版本 {found}，本程序支持到 {known}），请升级程序。",
    "The database was made by a newer version (schema {found}; this program knows up to "
    "{known}). Update the program.",
)
MSG_READ_ONLY = Msg(
    "数据目录是只读的，无法保存，未做任何改动。",
    "The data directory is read-only, so nothing can be saved; nothing was changed.",
)
MSG_DISK_FULL = Msg(
    "磁盘空间已满，最后一项未保存，其余数据完好。请腾出空间后重试。",
    "The disk is full: the last change was not saved, everything else is intact. "
    "Free some space and try again.",
)
MSG_DISK_IO = Msg(
    "读写磁盘出错（存储可能已出故障或变为只读），最后一项未保存。请检查存储卡或磁盘，然后重新登录。",
    "A disk read/write error (the storage may have failed or turned read-only): the last "
    "change was not saved. Check the storage, then log in again.",
)
MSG_NOT_FOUND = Msg("找不到这条记录：{what}。", "No such record: {what}.")
MSG_CONSTRAINT = Msg(
    "这项改动与已有记录冲突（{what}），未保存。",
    "This change conflicts with an existing record ({what}); it was not saved.",
)
MSG_RECOVERY_KEY_WRONG = Msg(
    "恢复密钥与这个档案不符，未做任何改动。",
    "The recovery key does not match this profile; nothing was changed.",
)
MSG_CLOSED = Msg("数据库已关闭。", "The database is closed.")
MSG_BAD_VALUE = Msg("数值无效：{what}。", "Invalid value: {what}.")


class WrongPassword(AuthError):
    """The password did not open the key envelope. ``attempts_left`` before a lock."""

    def __init__(self, msg: Msg, attempts_left: int, locked_for: int) -> None:
        super().__init__(msg)
        self.attempts_left = attempts_left
        self.locked_for = locked_for


class LockedOut(AuthError):
    """Too many wrong passwords; the password was not tried. ``seconds_remaining`` >= 1."""

    def __init__(self, seconds_remaining: int) -> None:
        super().__init__(MSG_LOCKED.format(seconds=seconds_remaining))
        self.seconds_remaining = seconds_remaining


class NotFound(BadInput):
    """A record asked for by id does not exist (a stale uuid, a dwelling not yet pulled)."""


def not_found(what: str) -> NotFound:
    return NotFound(MSG_NOT_FOUND.format(what=what))


def conflict(what: str) -> ConflictError:
    return ConflictError(MSG_CONSTRAINT.format(what=what))


def bad_value(what: str) -> BadInput:
    return BadInput(MSG_BAD_VALUE.format(what=what))


__all__ = [
    "AuthError",
    "ConflictError",
    "DiskError",
    "LockedOut",
    "NoProfile",
    "NotFound",
    "StoreError",
    "WrongPassword",
]
