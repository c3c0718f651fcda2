"""Plain records the store returns (besides :mod:`census_tui.model`'s Household and friends).

Times are timezone-aware UTC datetimes here; the model's Confirmation and Note keep ISO text,
as the sync payload does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Profile meta keys (key/value text; JSON where noted).
META_ACCOUNT = "account"
META_SERVER_URL = "server_url"
META_TOKEN = "token"
META_ENUMERATOR_CARD = "enumerator_card"  # JSON
META_TRAINING = "training"  # "1" or "0"
META_AREA = "area"  # the current 普查小区 code
META_ROLE = "role"  # "enumerator" (also when unset: profiles older than roles) or "supervisor"


@dataclass(frozen=True, slots=True)
class Area:
    """普查小区 enumeration area: ``id`` is its 15-digit code (FACTS §8.1)."""

    id: str
    name: str = ""


@dataclass(frozen=True, slots=True)
class Dwelling:
    """住房单元 dwelling (address unit). ``kind``: ordinary, rented_block, construction_site,
    dormitory, …; ``added_on_site`` marks one found during enumeration, not in the listing;
    ``form_id`` is the form the census office chose for it (``long2020`` for the 长表 sample),
    which households created there take."""

    id: str
    area_id: str
    building: str = ""
    unit: str = ""
    address: str = ""
    kind: str = "ordinary"
    added_on_site: bool = False
    sort_key: str = ""
    note: str = ""
    form_id: str = "short2020"


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One household case without its answers (lists, dashboards, sync)."""

    uuid: str
    dwelling_id: str
    area_id: str
    hh_number: int
    state: str
    revision: int
    form_id: str
    training: bool
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    confirmed_by: str | None
    confirmed_at: datetime | None


@dataclass(frozen=True, slots=True)
class VisitAttempt:
    id: int
    dwelling_id: str
    household_uuid: str | None
    at: datetime
    outcome: str
    channel: str
    doubt: str
    note: str


@dataclass(frozen=True, slots=True)
class Appointment:
    id: int
    dwelling_id: str
    scheduled_at: datetime
    channel: str
    status: str
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Event:
    """One audit/paradata event; ``old``, ``new`` and ``data`` are decoded JSON (or None)."""

    id: int
    at: datetime
    actor: str
    kind: str
    household_uuid: str | None
    person_uuid: str | None
    item_id: str | None
    old: Any
    new: Any
    data: Any


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    kind: str
    case_uuid: str
    revision: int
    payload: bytes
    created_at: datetime
    attempts: int
    last_error: str


@dataclass(frozen=True, slots=True)
class SyncLogEntry:
    """One sync run or step. ``error`` is a description without personal data."""

    id: int
    at: datetime
    op: str
    sent: int
    acked: int
    result: str
    error: str
