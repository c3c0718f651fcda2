"""The supervisor's vocabulary in both languages: the states progress counts, a case's review
state, a finding's status, the decisions, the kinds of re-visit difference. Shared by the
supervisor's screens, the session's view models and ``census-tui supervise``."""

from __future__ import annotations

from census_tui.i18n import Lang, Msg

ROLE = "supervisor"
"""The role a supervisor's login answer names (kept in the profile as ``META_ROLE``)."""
KIND_APPROVE = "approve"
KIND_RETURN = "return"
KIND_REVISIT = "revisit"
"""The kinds of the supervisor's queued work (the device's ``sup_outbox``)."""
DECISIONS = (KIND_APPROVE, KIND_RETURN)

STATE_NAMES: dict[str, Msg] = {
    "to_visit": Msg("待访", "todo"),
    "uploaded": Msg("待审", "await"),
    "returned": Msg("退回", "ret"),
    "approved": Msg("通过", "appr"),
    "appointment": Msg("预约", "appt"),
    "in_progress": Msg("在访", "busy"),
    "refused": Msg("拒访", "ref"),
    "vacant": Msg("空户", "vac"),
    "no_contact": Msg("未遇", "n/c"),
}
"""Short column heads of the dwelling states (progress tables)."""
STATE_LONG: dict[str, Msg] = {
    "to_visit": Msg("待访", "to visit"),
    "uploaded": Msg("待审核", "awaiting review"),
    "returned": Msg("已退回", "returned"),
    "approved": Msg("已通过", "approved"),
    "appointment": Msg("已预约", "appointment"),
    "in_progress": Msg("登记中", "in progress"),
    "refused": Msg("拒访", "refused"),
    "vacant": Msg("空户", "vacant"),
    "no_contact": Msg("未遇", "no contact"),
}
CASE_STATES: dict[str, Msg] = {
    "uploaded": Msg("待审核", "waiting for review"),
    "returned": Msg("已退回", "returned"),
    "approved": Msg("已通过", "approved"),
}
STATUS_NAMES: dict[str, Msg] = {
    "error": Msg("错误", "error"),
    "unconfirmed": Msg("未确认", "unconfirmed"),
    "confirmed": Msg("已确认", "confirmed"),
}
"""A finding's status in the server's case answer."""
ACTIONS: dict[str, Msg] = {"returned": Msg("退回", "returned"), "approved": Msg("通过", "approved")}
KINDS: dict[str, Msg] = {
    "count": Msg("人数不同", "persons counted"),
    "different": Msg("不一致", "differs"),
    "missing": Msg("复核未见", "not found again"),
    "extra": Msg("复核新增", "found only now"),
}
"""The kinds of difference a re-visit finds (:class:`~census_tui.supervision.api.Difference`)."""
OUTCOMES: dict[str, Msg] = {
    "no_contact": Msg("未遇", "no contact"),
    "appointment": Msg("已预约", "appointment booked"),
    "phone_registration": Msg("电话登记", "telephone registration"),
    "refused": Msg("拒访", "refused"),
    "vacant": Msg("空户", "vacant"),
    "not_residential": Msg("非住宅", "not residential"),
}
"""A visit attempt's outcome in the events a device uploads (as visit/outcomes.py names them)."""
CHANNELS: dict[str, Msg] = {
    "phone": Msg("电话", "phone"),
    "wechat": Msg("微信", "WeChat"),
    "in_person": Msg("当面", "in person"),
}
APPOINTMENT_STATUSES: dict[str, Msg] = {
    "booked": Msg("已约", "booked"),
    "rebooked": Msg("已改约", "rebooked"),
    "kept": Msg("已如约", "kept"),
    "missed": Msg("未如约", "missed"),
    "cancelled": Msg("已取消", "cancelled"),
}
PENDING: dict[str, Msg] = {
    "approve": Msg("待发送：通过", "to send: approve"),
    "return": Msg("待发送：退回", "to send: return"),
}
"""A decision made on this device and not yet sent (``QueueRow.pending``)."""

UNSYNCED_REASONS: dict[str, Msg] = {
    "returned_not_uploaded": Msg("退回后未再上传", "returned, not uploaded again"),
    "visit_after_upload": Msg("上传后又有走访记录", "a visit reported after the upload"),
}
"""Why the server thinks work on a device is not uploaded (a move asks to confirm)."""


def word(table: dict[str, Msg], key: str, lang: Lang) -> str:
    """``key``'s word in ``lang`` (the key itself when the table has none)."""
    found = table.get(key)
    return found(lang) if found else key


def word_msg(table: dict[str, Msg], key: str) -> Msg:
    """``key``'s word in both languages (the key itself when the table has none)."""
    return table.get(key) or Msg(key, key)
