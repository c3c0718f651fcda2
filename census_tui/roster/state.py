"""The roster of one collective site as the grid shows it: entries, statuses, filter, counts.

Each entry is a person on the employer's list (or found on site and added). Going down the
list the enumerator marks each one (issue 7): present at the standard time, moved out, unknown,
or duplicate. Only people present at the standard time become persons of the collective
household(s); the completeness rules apply to them alone.

Filtering must stay instant on thousands of rows: each entry keeps one lower-cased search key
(name, ID number, room) and a filter is a substring scan over those keys.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from census_tui.i18n import Msg
from census_tui.model import Value


class RosterStatus(StrEnum):
    """Outcome of verifying one listed person. Values are stored."""

    PENDING = "pending"
    """Not yet verified."""
    PRESENT = "present"
    """Lived here at the standard time (2020-11-01 00:00): registered in this site."""
    MOVED = "moved"
    """Moved out before the standard time: not registered here."""
    UNKNOWN = "unknown"
    """Nobody could say: to be followed up."""
    DUPLICATE = "duplicate"
    """Listed twice, or already registered in another household of the area."""


STATUS_LABELS: dict[RosterStatus, Msg] = {
    RosterStatus.PENDING: Msg("未核对", "pending"),
    RosterStatus.PRESENT: Msg("在住", "present"),
    RosterStatus.MOVED: Msg("已迁出", "moved out"),
    RosterStatus.UNKNOWN: Msg("不详", "unknown"),
    RosterStatus.DUPLICATE: Msg("重复", "duplicate"),
}


def search_key(*parts: str) -> str:
    """What a filter is matched against: NFKC, case-folded, joined with a separator."""
    return "\x1f".join(unicodedata.normalize("NFKC", p).casefold() for p in parts)


@dataclass(slots=True)
class RosterEntry:
    """One person of a site's roster. ``line`` 0 = added on site (not on the list)."""

    uuid: str
    dwelling_id: str
    line: int
    position: int
    status: RosterStatus = RosterStatus.PENDING
    listed: dict[str, str] = field(default_factory=dict)
    """The list's own columns: name, id_number, room, department, employee_no, phone."""
    answers: dict[str, Value] = field(default_factory=dict)
    """Person answers (D1 …) pre-filled from the list, then completed."""
    household_uuid: str | None = None
    person_uuid: str | None = None
    key: str = ""

    def __post_init__(self) -> None:
        self.refresh_key()

    def refresh_key(self) -> None:
        name = self.answers.get("D1", self.listed.get("name", ""))
        idn = self.answers.get("D3", self.listed.get("id_number", ""))
        self.key = search_key(str(name), str(idn), self.listed.get("room", ""))

    @property
    def name(self) -> str:
        return str(self.answers.get("D1", self.listed.get("name", "")))

    @property
    def id_number(self) -> str:
        return str(self.answers.get("D3", self.listed.get("id_number", "")))

    @property
    def room(self) -> str:
        return self.listed.get("room", "")

    @property
    def added_on_site(self) -> bool:
        return self.line == 0


def counts(entries: list[RosterEntry]) -> dict[RosterStatus, int]:
    """How many entries have each status (every status present, zero if none)."""
    c = Counter(e.status for e in entries)
    return {s: c.get(s, 0) for s in RosterStatus}


def matching(entries: list[RosterEntry], text: str) -> list[RosterEntry]:
    """Entries whose name, ID number or room contains ``text`` (all when it is blank)."""
    needle = search_key(text.strip())
    if not needle:
        return list(entries)
    return [e for e in entries if needle in e.key]
