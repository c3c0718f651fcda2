"""The case lifecycle: explicit states and the transitions allowed between them.

DESIGN.md "The visit": listed → attempts (no contact, appointment, refused, telephone
registration, vacant, not residential) → interviewing → self-check passed → read back and
confirmed → completed (queued) → synced → (returned by supervisor → interviewing …) → approved.
"""

from __future__ import annotations

from enum import StrEnum

from census_tui.errors import ConflictError
from census_tui.i18n import Msg


class CaseState(StrEnum):
    """State of a dwelling's household case, as stored."""

    LISTED = "listed"
    NO_CONTACT = "no_contact"
    APPOINTMENT = "appointment"
    PHONE_REGISTRATION = "phone_registration"
    REFUSED = "refused"
    VACANT = "vacant"
    NOT_RESIDENTIAL = "not_residential"
    INTERVIEWING = "interviewing"
    SELF_CHECKED = "self_checked"
    READ_BACK = "read_back"
    COMPLETED = "completed"
    SYNCED = "synced"
    RETURNED = "returned"
    APPROVED = "approved"


_PRE_INTERVIEW = {
    CaseState.LISTED,
    CaseState.NO_CONTACT,
    CaseState.APPOINTMENT,
    CaseState.PHONE_REGISTRATION,
    CaseState.REFUSED,
    CaseState.VACANT,
    CaseState.NOT_RESIDENTIAL,
}

ALLOWED: dict[CaseState, frozenset[CaseState]] = {
    **{s: frozenset(_PRE_INTERVIEW | {CaseState.INTERVIEWING}) for s in _PRE_INTERVIEW},
    CaseState.INTERVIEWING: frozenset({CaseState.SELF_CHECKED, CaseState.INTERVIEWING}),
    # Any change after the self-check or read-back sends the case back to interviewing.
    CaseState.SELF_CHECKED: frozenset({CaseState.READ_BACK, CaseState.INTERVIEWING}),
    CaseState.READ_BACK: frozenset({CaseState.COMPLETED, CaseState.INTERVIEWING}),
    # A completed case not yet synced can be reopened (its confirmation lapses); the supervisor
    # may return an earlier revision of it meanwhile.
    CaseState.COMPLETED: frozenset({CaseState.SYNCED, CaseState.INTERVIEWING, CaseState.RETURNED}),
    CaseState.SYNCED: frozenset({CaseState.RETURNED, CaseState.APPROVED}),
    CaseState.RETURNED: frozenset({CaseState.INTERVIEWING}),
    # Only the supervisor moves an approved case: back to the enumerator with a return.
    CaseState.APPROVED: frozenset({CaseState.RETURNED}),
}


PRE_INTERVIEW: frozenset[CaseState] = frozenset(_PRE_INTERVIEW)
"""Attempts only: the interview starts from here."""
DONE: frozenset[CaseState] = frozenset({CaseState.COMPLETED, CaseState.SYNCED, CaseState.APPROVED})
"""Completed on this device or beyond: the worklist shows another household first."""


class IllegalMove(ConflictError):
    """A state change the lifecycle does not allow; nothing was changed."""

    def __init__(self, src: CaseState, dst: CaseState) -> None:
        super().__init__(
            Msg(
                f"该户状态为“{STATE_LABELS[src].zh}”,不能改为“{STATE_LABELS[dst].zh}”。",
                f"A case that is {STATE_LABELS[src].en} cannot become {STATE_LABELS[dst].en}.",
            )
        )
        self.src = src
        self.dst = dst


def can_move(src: CaseState, dst: CaseState) -> bool:
    """Whether the lifecycle allows a case in ``src`` to move to ``dst``."""
    return dst in ALLOWED[src]


def move(src: CaseState, dst: CaseState) -> CaseState:
    """``dst`` if the lifecycle allows the move from ``src``; :class:`IllegalMove` otherwise.

    Every state change of a case goes through here before it is written."""
    if not can_move(src, dst):
        raise IllegalMove(src, dst)
    return dst


class Board(StrEnum):
    """The six groups the dashboard shows (issue 5)."""

    LISTED = "listed"
    APPOINTMENT = "appointment"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SYNCED = "synced"
    RETURNED = "returned"
    CLOSED = "closed"
    """Refused, vacant or not residential: no one to enumerate unless the enumerator returns."""


def board_of(state: CaseState) -> Board:
    """Which dashboard group a case state belongs to."""
    if state in (CaseState.APPOINTMENT,):
        return Board.APPOINTMENT
    if state in (CaseState.INTERVIEWING, CaseState.SELF_CHECKED, CaseState.READ_BACK):
        return Board.IN_PROGRESS
    if state is CaseState.COMPLETED:
        return Board.COMPLETED
    if state in (CaseState.SYNCED, CaseState.APPROVED):
        return Board.SYNCED
    if state is CaseState.RETURNED:
        return Board.RETURNED
    if state in (CaseState.REFUSED, CaseState.VACANT, CaseState.NOT_RESIDENTIAL):
        return Board.CLOSED
    return Board.LISTED


STATE_LABELS: dict[CaseState, Msg] = {
    CaseState.LISTED: Msg("待访", "listed"),
    CaseState.NO_CONTACT: Msg("未遇", "no contact"),
    CaseState.APPOINTMENT: Msg("已预约", "appointment"),
    CaseState.PHONE_REGISTRATION: Msg("电话登记", "phone registration"),
    CaseState.REFUSED: Msg("拒访", "refused"),
    CaseState.VACANT: Msg("空户", "vacant"),
    CaseState.NOT_RESIDENTIAL: Msg("非住宅", "not residential"),
    CaseState.INTERVIEWING: Msg("登记中", "in progress"),
    CaseState.SELF_CHECKED: Msg("已自查", "self-checked"),
    CaseState.READ_BACK: Msg("已核对", "read back"),
    CaseState.COMPLETED: Msg("已完成", "completed"),
    CaseState.SYNCED: Msg("已上传", "synced"),
    CaseState.RETURNED: Msg("已退回", "returned"),
    CaseState.APPROVED: Msg("已审核", "approved"),
}

BOARD_LABELS: dict[Board, Msg] = {
    Board.LISTED: Msg("待访", "listed"),
    Board.APPOINTMENT: Msg("预约", "appointment"),
    Board.IN_PROGRESS: Msg("登记中", "in progress"),
    Board.COMPLETED: Msg("已完成", "completed"),
    Board.SYNCED: Msg("已上传", "synced"),
    Board.RETURNED: Msg("退回", "returned"),
    Board.CLOSED: Msg("拒访空户", "refused/vacant"),
}
