"""What the supervisor's screens may ask (普查指导员): view models and the session protocol.

The supervisor logs into the same client as an enumerator; the login answer's ``role`` (kept in
the encrypted profile) decides which session the gate opens: a
:class:`~census_tui.visit.api.Session` for an enumerator, a :class:`Supervision` for a
supervisor. Everything here is read from the profile's cache (the last answers of the server's
supervisor routes, kept encrypted) so that the screens work offline and show the age of what
they show; :meth:`Supervision.refresh` talks to the server (from a thread worker), sending the
decisions and re-visits queued offline first, exactly once (each carries its own UUID).

Plain Python: no Textual here (the screens are ``census_tui/screens/sup_*.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from census_tui.i18n import Msg

STATES: tuple[str, ...] = (
    "to_visit",
    "uploaded",
    "returned",
    "approved",
    "appointment",
    "in_progress",
    "refused",
    "vacant",
    "no_contact",
)
"""The dwelling states the server's progress counts (docs/protocol.md "Supervisor"), the review's
first (what a narrow screen shows before scrolling sideways): ``appointment`` and
``in_progress`` come from the events devices upload (an older server sends neither: 0)."""


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of one enumerator or one area."""

    dwellings: int
    counts: dict[str, int]
    """State (:data:`STATES`) → dwellings."""
    households: int
    persons: int
    long_due: int
    long_done: int


@dataclass(frozen=True, slots=True)
class EnumeratorProgress:
    account: str
    name: str
    work_id: str
    areas: tuple[str, ...]
    last_sync: datetime | None
    stale: bool
    """No sync for more than the progress's ``stale_hours`` (or never)."""
    tally: Tally


@dataclass(frozen=True, slots=True)
class AreaProgress:
    area_id: str
    name: str
    enumerators: tuple[str, ...]
    tally: Tally


@dataclass(frozen=True, slots=True)
class Progress:
    """进度, as the server last answered (``fetched_at``: when; None: never fetched)."""

    enumerators: Sequence[EnumeratorProgress]
    areas: Sequence[AreaProgress]
    stale_hours: int
    long_form_tracked: bool
    fetched_at: datetime | None
    server_time: datetime | None


@dataclass(frozen=True, slots=True)
class Confirmation:
    """An enumerator's reason for keeping a warning or an overridable error."""

    rule_id: str
    person_number: int | None
    """Read-back number of the person (from 1); None for a household rule."""
    reason: str


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One uploaded case waiting for review (互查), flagged ones first."""

    case_uuid: str
    revision: int
    area_id: str
    dwelling_id: str
    address: str
    account: str
    received: datetime | None
    flagged: bool
    flags: tuple[str, ...]
    form_id: str
    persons: int
    confirmations: tuple[Confirmation, ...]
    returned_before: bool
    pending: str = ""
    """A decision made on this device and not yet sent ("approve" | "return"; "" none)."""


@dataclass(frozen=True, slots=True)
class Queue:
    rows: Sequence[QueueRow]
    fetched_at: datetime | None


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A question of a case: ``person_uuid`` "" for a household item (the protocol's items)."""

    person_uuid: str
    item_id: str


@dataclass(frozen=True, slots=True)
class CaseLine:
    """One answer of a case, in form order (household items, then each person, then each
    death record), with what the checks said about it."""

    ref: ItemRef
    section: Msg
    """户 / 第 2 人 张三 / 死亡人口 1 (the heading the line is under)."""
    label: Msg
    """The item's id and question text, e.g. ``D5 性别``."""
    value: str
    """The answer as the respondent would read it back (code and label), "" unanswered."""
    findings: tuple[Msg, ...] = ()
    """Logic-check findings naming this item (with their rule id and status)."""
    confirmation: str = ""
    """The enumerator's reason, when a finding on this item was confirmed."""
    notes: tuple[str, ...] = ()
    value_text: Msg | None = None
    """The answer in both languages (code labels in the screen's language); ``value`` is
    its zh form. None: show ``value``."""


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime | None
    revision: int | None
    text: Msg


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case, read-only, as the server last answered (:meth:`Supervision.case`)."""

    case_uuid: str
    revision: int
    state: str
    """uploaded | returned | approved."""
    area_id: str
    dwelling_id: str
    address: str
    account: str
    form_id: str
    flagged: bool
    lines: Sequence[CaseLine]
    findings: Sequence[Msg]
    """Every finding, whole (also those on no single line)."""
    read_back: Msg
    """Who confirmed the read-back and when (or that nobody did)."""
    history: Sequence[HistoryLine]
    """Uploads, reviews, re-visits and visit attempts, oldest first."""
    fetched_at: datetime | None
    pending: str = ""
    mode: str = "visit"
    """How the household was enumerated (household JSON ``mode``): ``visit`` or ``phone``
    (telephone registration, 电话登记); the read-back line says so too."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What became of an approve/return: sent now, or queued until the next refresh."""

    sent: bool
    message: Msg


@dataclass(frozen=True, slots=True)
class SampleCase:
    case_uuid: str
    area_id: str
    dwelling_id: str
    address: str
    account: str
    revisited: bool


@dataclass(frozen=True, slots=True)
class Sample:
    """A spot-check draw (抽查): reproducible from its seed."""

    sample_uuid: str
    seed: int
    created: datetime | None
    areas: tuple[str, ...]
    percent: float | None
    count: int | None
    cases: tuple[SampleCase, ...]


@dataclass(frozen=True, slots=True)
class KeyPerson:
    """The key items a re-visit asks of one person (docs/supervisor.md "Re-visits")."""

    name: str
    sex: str
    """The form's code: "1" male, "2" female."""
    birth: str
    """YYYY-MM."""
    relation: str
    """The form's relationship code (D2)."""
    id_number: str = ""


@dataclass(frozen=True, slots=True)
class Difference:
    """One key item where the re-visit and the enumerator's record disagree."""

    kind: str
    """count | different | missing | extra."""
    text: Msg
    ref: ItemRef | None
    """The question to return, when there is one."""


@dataclass(frozen=True, slots=True)
class RevisitResult:
    sent: bool
    """False: queued offline; compared on the next refresh (``differences`` empty)."""
    differences: tuple[Difference, ...]
    message: Msg


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    sent: int
    """Queued decisions and re-visits the server took in this run."""
    refused: tuple[Msg, ...]
    """Queued ones the server refused (e.g. the revision moved): kept, shown, not resent."""
    cases: int
    """Case details now held on the device."""
    error: Msg | None = None
    """Why the server could not be reached or answered (the cache is kept as it was)."""


@dataclass(frozen=True, slots=True)
class CaseHold:
    """A case of a dwelling: who owns it on the server and its review state."""

    case_uuid: str
    account: str
    state: str
    """uploaded | returned | approved."""


@dataclass(frozen=True, slots=True)
class DwellingHold:
    """A dwelling of an area and who holds it (分配)."""

    dwelling_id: str
    address: str
    area_id: str
    holder: str | None
    """The one enumerator it was given to; None: the area's enumerators."""
    cases: tuple[CaseHold, ...]


@dataclass(frozen=True, slots=True)
class AreaDwellings:
    """One area's dwellings as the server answered just now (online only)."""

    area_id: str
    name: str
    enumerators: tuple[str, ...]
    dwellings: tuple[DwellingHold, ...]
    fetched_at: datetime | None


@dataclass(frozen=True, slots=True)
class UnsyncedDwelling:
    """A dwelling whose holder may have work the server does not have."""

    dwelling_id: str
    accounts: tuple[str, ...]
    reasons: tuple[Msg, ...]


@dataclass(frozen=True, slots=True)
class AssignResult:
    """What became of a move: done (``moved``), or waiting for the supervisor's confirmation
    (``unsynced`` not empty: nothing moved; ask, then assign again with ``confirm``)."""

    moved: bool
    message: Msg
    changed: int = 0
    """Dwellings whose holder changed."""
    unsynced: tuple[UnsyncedDwelling, ...] = ()


PHASE_SAVED = "saved"
"""Refresh phase: scope, progress, queue and samples are stored; the screens redraw them then,
while the case details are still being fetched."""


@dataclass(frozen=True, slots=True)
class RefreshProgress:
    done: int
    total: int
    phase: str
    """send (queued decisions) | fetch | :data:`PHASE_SAVED` | cases."""


class Supervision(Protocol):
    """An unlocked supervisor's profile: everything the supervisor's screens do."""

    role: str
    """Always "supervisor" (the app picks the screens by it)."""
    training: bool
    account: str

    def progress(self) -> Progress: ...
    def queue(self) -> Queue: ...
    def case(self, case_uuid: str) -> CaseView:
        """From the cache; fetched (and cached) when online and not held yet
        (:class:`~census_tui.errors.NotFound` offline when never fetched)."""
        ...

    def approve(self, case_uuid: str, revision: int, comment: str = "") -> Decision: ...
    def return_case(
        self, case_uuid: str, revision: int, comment: str, items: Sequence[ItemRef]
    ) -> Decision: ...
    def pending(self) -> int:
        """Decisions and re-visits queued on this device, not yet sent."""
        ...

    def samples(self) -> Sequence[Sample]: ...
    def draw_sample(
        self,
        area_ids: Sequence[str],
        *,
        percent: float | None = None,
        count: int | None = None,
        seed: int | None = None,
    ) -> Sample:
        """Online only (the server draws from the completed households): BadInput with a
        clear message when larger than what there is; a network failure says so."""
        ...

    def revisit(
        self, case_uuid: str, persons: Sequence[KeyPerson], note: str = ""
    ) -> RevisitResult: ...
    def refresh(self, progress: Callable[[RefreshProgress], None] | None = None) -> RefreshOutcome:
        """Send what is queued, then fetch scope, progress, queue, samples and the queue's case
        details; drop cached cases outside the scope. Network trouble: ``error`` set, the
        cache unchanged. An expired token: AuthError (the screen asks for the password and
        calls :meth:`renew_login`)."""
        ...

    def dwellings(self, area_id: str) -> AreaDwellings:
        """Online only: one area's dwellings with who holds each (NetworkError with a clear
        message offline)."""
        ...

    def assign(self, dwelling_ids: Sequence[str], to: str, confirm: bool = False) -> AssignResult:
        """Online only: give the dwellings (and their cases) to the enumerator ``to``. Work
        the server knows is not uploaded: ``unsynced`` set and nothing moved, unless
        ``confirm``. Offline: NetworkError with a clear message."""
        ...

    def renew_login(self, password: str) -> None: ...
    def lock(self) -> None: ...
    def unlock_again(self, password: str) -> None: ...
    def close(self) -> None: ...
