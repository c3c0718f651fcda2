"""What the screens may ask of the domain: view models and the session protocol.

The TUI talks to services only through these (``make_app(services)``); the implementation is
:mod:`census_tui.visit.service`. Every method may block on SQLCipher or the network: screens call
them from thread workers (keystroke-path calls such as ``set_answer`` are fast enough to call on
the UI thread after measuring; they still commit before returning).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from census_tui.i18n import Msg
from census_tui.model import Household, Value
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.states import Board, CaseState

if TYPE_CHECKING:
    from census_tui.questionnaire.form import Form
    from census_tui.roster.service import RosterService
    from census_tui.supervision.api import Supervision
    from census_tui.visit.scenarios import Comparison, Scenario
    from census_tui.visit.writer import OrderedWriter


@dataclass(frozen=True, slots=True)
class EnumeratorCard:
    """普查员证: as the server issued it at login."""

    name: str
    work_id: str
    area_id: str
    area_name: str
    office: str
    valid_from: str
    valid_to: str


@dataclass(frozen=True, slots=True)
class DwellingRow:
    """One line of the dashboard."""

    dwelling_id: str
    address: str
    kind: str
    state: CaseState
    board: Board
    households: int
    head_name: str
    appointment_at: datetime | None
    overdue: bool
    returned_comment: str = ""
    note: str = ""
    """The census office's note on the dwelling (e.g. ask the landlord for the tenant list)."""
    form_id: str = "short2020"
    """The form of the household the row shows (the dwelling's assigned form before any)."""


@dataclass(frozen=True, slots=True)
class HouseholdCase:
    """One household (户) of a dwelling: a dwelling may hold a second household (户编号)."""

    hh_uuid: str
    hh_number: int
    state: CaseState
    head_name: str = ""
    form_id: str = "short2020"


@dataclass(frozen=True, slots=True)
class Dashboard:
    area_id: str
    area_name: str
    rows: Sequence[DwellingRow]
    """In worklist order: a :class:`~census_tui.visit.worklist.Worklist` from the service."""
    counts: dict[Board, int]
    last_sync_at: datetime | None
    outbox_depth: int
    training: bool
    refused: tuple[str, ...] = ()
    """Why the server refused each item still kept on the device (sync's stored reasons, no
    personal data): shown until someone resolves them."""
    online: bool = False
    """The profile has a server to sync with (a practice profile has none): the dashboard
    syncs in the background only then."""
    clock_skew: int | None = None
    """Server time minus device time (s) as the last sync measured it (None before any)."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """A visit attempt as recorded (入户尝试)."""

    at: datetime
    outcome: Outcome
    channel: Channel | None = None
    """How the appointment was booked (None: not an appointment)."""
    appointment_at: datetime | None = None
    doubt: str = ""  # tax | detail | busy | other (the standard doubts of FIELDWORK.md)
    note: str = ""
    by: str = ""
    """The account that recorded it on another device (a moved dwelling's history); empty:
    recorded on this one."""


@dataclass(frozen=True, slots=True)
class FindingView:
    """A logic-check finding ready to show."""

    rule_id: str
    severity: str  # error | overridable | warning
    person_uuid: str
    person_label: str
    items: tuple[str, ...]
    message: Msg
    confirmed: bool
    reason: str = ""
    death: bool = False
    """About a death record (``person_uuid`` is the record's): ``person_label`` numbers the
    death records apart from the persons."""


@dataclass(frozen=True, slots=True)
class FormChange:
    """What putting a household on another form would do (shown for confirmation first)."""

    old: str
    new: str
    kept: int
    """Answers kept (their items are on both forms with the same meaning)."""
    dropped: int
    """Answers removed (their items are not on the new form)."""
    deaths_dropped: int
    """Death records removed (the new form has none)."""


@dataclass(frozen=True, slots=True)
class ReadBackLine:
    person_uuid: str
    label: Msg
    text: str
    death: bool = False
    """A line of a death record (``person_uuid`` is the record's)."""


@dataclass(frozen=True, slots=True)
class SyncProgress:
    done: int
    total: int
    phase: str


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    sent: int
    acked: int
    pulled: int
    returned: int
    error: Msg | None = None
    refused: tuple[str, ...] = ()
    """Why the server refused items of this run (kept on the device)."""
    remaining: int = 0
    """Items still in the outbox after the run."""
    clock_skew: int | None = None
    """Server time minus device time (s) measured by this run (None: not reached)."""


@dataclass(slots=True)
class ReturnedCase:
    """A supervisor's return (退回): the comment and the questions concerned, ``(person uuid
    or "" for a household item, item id)``, in the supervisor's order."""

    household_uuid: str
    dwelling_id: str
    comment: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (person uuid, item id)


class Session(Protocol):
    """An unlocked profile: everything the screens do after login."""

    training: bool
    lang_default: str
    form: Form
    """The default form (short2020, roster mode's). A household is asked with its own form,
    :meth:`form_for` (screens never load forms themselves)."""
    writer: OrderedWriter
    """The one ordered writer: screens submit answers and marks here, never commit on the loop."""

    def card(self) -> EnumeratorCard: ...
    def verification_code(self) -> str: ...
    def dashboard(self) -> Dashboard: ...
    def add_dwelling(self, address: str, kind: str) -> str: ...
    def open_second_household(self, dwelling_id: str) -> str: ...
    def record_attempt(self, dwelling_id: str, attempt: Attempt) -> None: ...
    def attempts(self, dwelling_id: str) -> list[Attempt]: ...
    def suggest_slot(self, dwelling_id: str) -> datetime | None: ...
    def record_identity_shown(self, dwelling_id: str, checklist: dict[str, bool]) -> None: ...
    def start_interview(self, dwelling_id: str, hh_uuid: str | None = None) -> str: ...
    def households(self, dwelling_id: str) -> list[HouseholdCase]: ...
    def form_by_id(self, form_id: str) -> Form: ...
    def change_dwelling_form(self, dwelling_id: str, form_id: str) -> None:
        """The form of a dwelling that has no household yet (its households will take it)."""
        ...

    def household(self, hh_uuid: str) -> Household: ...
    def form_for(self, hh: Household | str) -> Form:
        """The form of a household (``Household.form_id``): short, long or the form for
        residents from outside the mainland."""
        ...

    def add_death(self, hh_uuid: str) -> str: ...
    def remove_death(self, hh_uuid: str, death_uuid: str) -> None: ...
    def form_change(self, hh_uuid: str, form_id: str) -> FormChange:
        """What putting the household on ``form_id`` would keep and remove (no write)."""
        ...

    def change_form(self, hh_uuid: str, form_id: str) -> FormChange:
        """Put the household on ``form_id`` (after the enumerator confirmed
        :meth:`form_change`): shared answers kept, the others removed, atomically."""
        ...

    def set_answer(
        self, hh_uuid: str, person_uuid: str, item_id: str, value: Value | None
    ) -> None: ...
    def add_person(self, hh_uuid: str) -> str: ...
    def remove_person(self, hh_uuid: str, person_uuid: str) -> None: ...
    def move_person(self, hh_uuid: str, person_uuid: str, index: int) -> None: ...
    def add_note(self, hh_uuid: str, person_uuid: str, item_id: str, text: str) -> None: ...
    def findings(self, hh_uuid: str) -> list[FindingView]: ...
    def last_position(self, hh_uuid: str) -> tuple[str, str] | None:
        """Where the interview was last shown, ``(person_uuid or "", item_id)``: the TUI resumes
        there after a restart (even a SIGKILL), so it must be committed by remember_position."""
        ...

    def remember_position(self, hh_uuid: str, person_uuid: str, item_id: str) -> None:
        """Commit the question now on screen (called on every move; must be cheap)."""
        ...

    def confirm(self, hh_uuid: str, rule_id: str, person_uuid: str, reason: str) -> None: ...
    def can_complete(self, hh_uuid: str) -> bool: ...
    def self_check_passed(self, hh_uuid: str) -> None: ...
    def readback(self, hh_uuid: str, lang: str) -> list[ReadBackLine]: ...
    def complete(self, hh_uuid: str, respondent: str) -> None: ...
    def reopen(self, hh_uuid: str) -> None: ...
    def returned_cases(self) -> list[ReturnedCase]:
        """Cases now returned, each with its latest return's comment and questions (``items``,
        first to open first)."""
        ...

    def return_note(self, hh_uuid: str) -> ReturnedCase | None:
        """The latest supervisor return of the household whatever its state now; None if never
        returned (the interview shows the comment after the first correction too)."""
        ...

    def sync(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncOutcome: ...
    def renew_login(self, password: str) -> None: ...
    def scenario(self, dwelling_id: str) -> Scenario | None: ...
    def roster(self) -> RosterService: ...
    def practice_check(self, dwelling_id: str, lang: str) -> Comparison | None: ...
    def lock(self) -> None: ...
    def unlock_again(self, password: str) -> None: ...
    def close(self) -> None: ...


class FirstLogin(Protocol):
    """The online first login in progress (首次登录): change password, real-name check, profile."""

    training: bool

    @property
    def must_change_password(self) -> bool: ...
    @property
    def must_verify_identity(self) -> bool: ...
    def change_password(self, new_password: str) -> None: ...
    def verify_identity(self, name: str, id_number: str) -> None: ...
    def finish(self) -> Session | Supervision:
        """The enumerator's :class:`Session`, or a supervisor's
        :class:`~census_tui.supervision.api.Supervision` (the login answer's role)."""
        ...


class Gate(Protocol):
    """Before a session exists: which profiles are here, offline unlock, first login."""

    def profiles(self) -> list[str]: ...
    def open(self, profile: str, password: str) -> Session | Supervision:
        """The profile's session by the role its login kept (what the login screen opens)."""
        ...

    def unlock(self, profile: str, password: str) -> Session:
        """An enumerator's profile (scripts, the demo); a supervisor's is refused (BadInput)."""
        ...

    def begin_first_login(self, server: str, account: str, password: str) -> FirstLogin: ...
