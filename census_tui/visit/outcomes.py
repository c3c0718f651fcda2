"""Visit attempt outcomes (入户结果) and appointment channels, as the screens, the session and the
server name them.

The values are the strings stored in the profile and sent on the wire (docs/protocol.md,
``POST /outcomes``), so a :class:`~enum.StrEnum` member compares equal to the stored text.
"""

from __future__ import annotations

from enum import StrEnum

from census_tui.i18n import Msg
from census_tui.visit.states import CaseState


class Outcome(StrEnum):
    """What a visit attempt came to (FIELDWORK.md), in the order the attempt dialog lists them."""

    NO_CONTACT = "no_contact"
    APPOINTMENT = "appointment"
    PHONE_REGISTRATION = "phone_registration"
    REFUSED = "refused"
    VACANT = "vacant"
    NOT_RESIDENTIAL = "not_residential"


class Channel(StrEnum):
    """How an appointment was booked."""

    PHONE = "phone"
    WECHAT = "wechat"
    IN_PERSON = "in_person"


REPORTED_OUTCOMES: frozenset[Outcome] = frozenset(
    {Outcome.REFUSED, Outcome.VACANT, Outcome.NO_CONTACT}
)
"""Outcomes the supervisors see: the client queues them, the server accepts only these."""

OUTCOME_STATE: dict[Outcome, CaseState] = {
    Outcome.NO_CONTACT: CaseState.NO_CONTACT,
    Outcome.APPOINTMENT: CaseState.APPOINTMENT,
    Outcome.PHONE_REGISTRATION: CaseState.PHONE_REGISTRATION,
    Outcome.REFUSED: CaseState.REFUSED,
    Outcome.VACANT: CaseState.VACANT,
    Outcome.NOT_RESIDENTIAL: CaseState.NOT_RESIDENTIAL,
}
"""The case state an attempt's outcome moves a case to (when the lifecycle allows it)."""

OUTCOME_LABELS: dict[Outcome, Msg] = {
    Outcome.NO_CONTACT: Msg("未遇", "no contact"),
    Outcome.APPOINTMENT: Msg("已预约", "appointment booked"),
    Outcome.PHONE_REGISTRATION: Msg("电话登记", "telephone registration"),
    Outcome.REFUSED: Msg("拒访", "refused"),
    Outcome.VACANT: Msg("空户", "vacant"),
    Outcome.NOT_RESIDENTIAL: Msg("非住宅", "not residential"),
}

CHANNEL_LABELS: dict[Channel, Msg] = {
    Channel.PHONE: Msg("电话", "phone"),
    Channel.WECHAT: Msg("微信", "WeChat"),
    Channel.IN_PERSON: Msg("当面", "in person"),
}


def outcome_of(text: str) -> Outcome | None:
    """The outcome a stored or received string names; None for anything else."""
    try:
        return Outcome(text)
    except ValueError:
        return None


def channel_of(text: str) -> Channel | None:
    """The channel a stored string names; None for none (``""``) or anything else."""
    try:
        return Channel(text)
    except ValueError:
        return None
