"""Roster mode over the encrypted store: import a checked list, mark people, build households.

A verified site becomes one or more collective households (户别 H1 = 2, 住所类型 H5 = 2
集体住所; FACTS §2.2). Marking someone present at the standard time adds them as a person of
such a household with the answers pre-filled from the list; FACTS §4 and R-01/R-02/R-04: the
first person is the 户主 (D2 = 0), everyone else is 9 其他. Un-marking removes the person again
(their answers are kept on the roster entry, and the store's event log keeps the removal).
Every public method commits before it returns, in one transaction: an import is all or nothing.

A large site is split: when a collective household holds ``max_persons`` persons, the next person
present opens another collective household, again with one 户主 and everyone else 9.

The roster table belongs to the store's schema (migration v2) and is read and written only
through the store's public roster methods (:mod:`census_tui.store.roster`).
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from census_tui.errors import BadInput, ConflictError
from census_tui.i18n import Msg
from census_tui.model import Value
from census_tui.questionnaire.form import Form, load_form
from census_tui.roster.checks import CheckedRow
from census_tui.roster.preview import RosterPreview
from census_tui.roster.state import RosterEntry, RosterStatus
from census_tui.store import META_TRAINING, NotFound, Store
from census_tui.store.roster import RosterRecord

COLLECTIVE = 2
"""H1 户别 2 集体户 and H5 住所类型 2 集体住所 (FACTS §2.2)."""
HEAD, OTHER = 0, 9
"""D2 户主 and 其他 (FACTS §5.1; collective households R-04)."""
PRESENT_RESIDENCE = 1
"""D7 = 1 本普查小区: present at the standard time means living here then."""

ROSTER_FORM = "short2020"
"""The form of every collective household roster mode builds (docs/fieldwork.md)."""
MAX_PERSONS = 999
"""Default most persons in one collective household before the site opens another; after the
6th census's limit of 999 forms (FACTS §8.1, [U] for 2020). Configurable per service."""

MSG_NO_DWELLING = Msg(
    "没有这个住房单元编号。请使用仪表板或 status 命令显示的编号。",
    "No such dwelling. Use the dwelling id shown on the dashboard or by the status command.",
)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import stored (counts only: no personal data)."""

    dwelling_id: str
    imported: int
    skipped: int
    duplicates: int
    derived_from_id: int
    kept: int = 0
    """Replacing a list: people already marked (or added on site), left as they were."""
    replaced: int = 0
    """Replacing a list: people of the old list not yet verified, removed."""

    def to_dict(self) -> dict[str, object]:
        return {
            "dwelling_id": self.dwelling_id,
            "imported": self.imported,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "derived_from_id": self.derived_from_id,
            "kept": self.kept,
            "replaced": self.replaced,
        }


def _entry(r: RosterRecord) -> RosterEntry:
    return RosterEntry(
        uuid=r.uuid,
        dwelling_id=r.dwelling_id,
        line=r.line,
        position=r.position,
        status=RosterStatus(r.status),
        listed=dict(r.listed),
        answers=dict(r.answers),
        household_uuid=r.household_uuid,
        person_uuid=r.person_uuid,
    )


def _record(e: RosterEntry) -> RosterRecord:
    return RosterRecord(
        uuid=e.uuid,
        dwelling_id=e.dwelling_id,
        line=e.line,
        position=e.position,
        status=e.status.value,
        listed=dict(e.listed),
        answers=dict(e.answers),
        household_uuid=e.household_uuid,
        person_uuid=e.person_uuid,
    )


def _listed(row: CheckedRow) -> dict[str, str]:
    p = row.person
    fields = {
        "name": p.name,
        "id_number": p.id_number,
        "room": p.room,
        "department": p.department,
        "employee_no": p.employee_no,
        "phone": p.phone,
    }
    return {k: v for k, v in fields.items() if v}


def _identity(id_number: str, name: str, room: str) -> tuple[str, ...]:
    """Who a roster row names, to find a kept person in a corrected list: the ID number when
    there is one, else the name and room."""
    return (id_number,) if id_number else (" ".join(name.split()), room)


class RosterService:
    """Roster operations on one unlocked store. ``actor`` is written into the event log.

    ``max_persons``: the most persons one collective household of the site takes; the next
    person present opens another collective household (户别 2) with its own 户主.
    ``training``: the households it opens are practice households; by default the profile's own
    mode, so a training server takes them (a real-mode household is refused by it, and kept).
    """

    def __init__(
        self,
        store: Store,
        actor: str = "",
        *,
        max_persons: int = MAX_PERSONS,
        form: Form | None = None,
        training: bool | None = None,
    ) -> None:
        if max_persons < 1:
            raise ValueError("max_persons must be at least 1")
        self.form = form or load_form(ROSTER_FORM)
        """The questionnaire whose person items the roster's dialog asks, and the form of the
        collective households it builds (the short form: the long-form sample is of
        dwellings, and roster mode's collective households are never on the long form, even
        at a site the office put on it)."""
        self.store = store
        self.actor = actor
        self.max_persons = max_persons
        self.training = store.get_meta(META_TRAINING) == "1" if training is None else training

    # --- reading --------------------------------------------------------------------------

    def _need_dwelling(self, dwelling_id: str) -> None:
        try:
            self.store.dwelling(dwelling_id)
        except NotFound:
            raise BadInput(MSG_NO_DWELLING) from None

    def registered_ids(self, dwelling_id: str) -> frozenset[str]:
        """ID numbers (D3) registered in households of the area outside this site (P-06)."""
        try:
            return self.store.id_numbers_outside(dwelling_id)
        except NotFound:
            raise BadInput(MSG_NO_DWELLING) from None

    def entries(self, dwelling_id: str) -> list[RosterEntry]:
        """The site's roster in list order (people added on site last)."""
        return [_entry(r) for r in self.store.roster_entries(dwelling_id)]

    def entry(self, entry_uuid: str) -> RosterEntry:
        try:
            return _entry(self.store.roster_entry(entry_uuid))
        except NotFound:
            raise BadInput(Msg("名册中没有这个人。", "No such person on the roster.")) from None

    def has_roster(self, dwelling_id: str) -> bool:
        return self.store.has_roster(dwelling_id)

    # --- import -----------------------------------------------------------------------------

    def import_preview(
        self,
        dwelling_id: str,
        preview: RosterPreview,
        *,
        only_good: bool = False,
        replace: bool = False,
    ) -> ImportResult:
        """Store the preview's rows as the site's roster, all or nothing.

        Refuses a list with bad rows unless ``only_good``, a dwelling that already has a
        roster (ConflictError) unless ``replace``, and an unknown dwelling (BadInput).
        ``replace``: a corrected list takes the place of the people not yet verified; everyone
        already marked (and everyone added on site) stays as they are, and a row of the new list
        naming one of them (same ID number, or same name and room) is not added again.
        """
        rows = preview.selected(only_good)
        kept: list[RosterEntry] = []
        removed = 0
        with self.store.transaction():
            self._need_dwelling(dwelling_id)
            if self.has_roster(dwelling_id):
                if not replace:
                    raise ConflictError(
                        Msg(
                            "这个住房单元已经导入过名册;不会重复导入。"
                            "要用改正后的名册替换,请选择“替换”(已核对的人保留)。",
                            "This dwelling already has a roster; it was not imported again. "
                            "To use a corrected list instead, choose Replace (people already "
                            "marked are kept).",
                        )
                    )
                old = self.entries(dwelling_id)
                kept = [e for e in old if e.status is not RosterStatus.PENDING or e.line == 0]
                keep = {e.uuid for e in kept}
                gone = [e.uuid for e in old if e.uuid not in keep]
                removed = self.store.roster_delete(gone) if gone else 0
                known = {_identity(e.id_number, e.name, e.room) for e in kept}
                rows = [
                    r
                    for r in rows
                    if _identity(r.person.id_number, r.person.name, r.person.room) not in known
                ]
            start = self.store.roster_next_position(dwelling_id)
            self.store.roster_insert(
                [
                    RosterRecord(
                        uuid=str(uuidlib.uuid4()),
                        dwelling_id=dwelling_id,
                        line=row.line,
                        position=start + i,
                        status=(
                            RosterStatus.DUPLICATE if row.duplicate else RosterStatus.PENDING
                        ).value,
                        listed=_listed(row),
                        answers=dict(row.person.answers()),
                    )
                    for i, row in enumerate(rows)
                ]
            )
            result = ImportResult(
                dwelling_id,
                imported=len(rows),
                skipped=len(preview.rows) - len(rows),
                duplicates=sum(1 for r in rows if r.duplicate),
                derived_from_id=sum(1 for r in rows if r.person.derived),
                kept=len(kept),
                replaced=removed,
            )
            self.store.log_event(
                "roster_imported",
                actor=self.actor,
                data={**result.to_dict(), "encoding": preview.encoding},
            )
        return result

    # --- verifying ----------------------------------------------------------------------

    def mark(self, entry_uuid: str, status: RosterStatus) -> RosterEntry:
        """Set an entry's status; present ⇒ a person of a collective household, else not."""
        with self.store.transaction():
            e = self.entry(entry_uuid)
            if e.status is status:
                return e
            old = e.status
            if status is RosterStatus.PRESENT:
                self._add_person(e)
            elif e.person_uuid is not None:
                self._remove_person(e)
            e.status = status
            self.store.roster_update(_record(e))
            self.store.log_event(
                "roster_marked",
                actor=self.actor,
                household=e.household_uuid,
                data={"entry": e.uuid, "old": old.value, "new": status.value},
            )
        return e

    def add_on_site(self, dwelling_id: str, name: str) -> RosterEntry:
        """Add a person found on site who is not on the list, marked present."""
        name = " ".join(name.split())
        if not name:
            raise BadInput(Msg("请填写姓名。", "Enter a name."))
        with self.store.transaction():
            self._need_dwelling(dwelling_id)
            position = self.store.roster_next_position(dwelling_id)
            e = RosterEntry(str(uuidlib.uuid4()), dwelling_id, 0, position, answers={"D1": name})
            self.store.roster_insert([_record(e)])
            e = self.mark(e.uuid, RosterStatus.PRESENT)
        return e

    def set_answer(self, entry_uuid: str, item_id: str, value: Value | None) -> RosterEntry:
        """Fill a short person item inline; also the household's person when present."""
        return self.set_answers(entry_uuid, {item_id: value})

    def set_answers(self, entry_uuid: str, answers: dict[str, Value | None]) -> RosterEntry:
        """Fill several short person items at once (one transaction; None clears an item).

        D2 is not taken from here: in a collective household it follows R-01/R-04.
        """
        with self.store.transaction():
            e = self.entry(entry_uuid)
            for item_id, value in answers.items():
                if item_id == "D2":
                    continue
                if value is None:
                    e.answers.pop(item_id, None)
                else:
                    e.answers[item_id] = value
                if e.household_uuid and e.person_uuid:
                    self.store.set_answer(
                        e.household_uuid, e.person_uuid, item_id, value, actor=self.actor
                    )
            self.store.roster_update(_record(e))
        e.refresh_key()
        return e

    def households(self, dwelling_id: str) -> list[str]:
        """The collective household cases of this site (UUIDs), by 户编号: those on the
        roster's form (a household interviewed on the long form at the site is not one)."""
        return [c.uuid for c in self.store.cases(dwelling_id) if c.form_id == self.form.id]

    # --- inside a transaction -----------------------------------------------------------------

    def _open_household(self, dwelling_id: str) -> str:
        hh = self.store.create_household(
            dwelling_id,
            state="interviewing",
            training=self.training,
            form_id=self.form.id,
            actor=self.actor,
        )
        self.store.set_answer(hh, "", "H1", COLLECTIVE, actor=self.actor)
        self.store.set_answer(hh, "", "H5", COLLECTIVE, actor=self.actor)
        return hh

    def _collective_household(self, dwelling_id: str) -> str:
        """The site's first collective household with room for one more person, or a new one
        when every one holds ``max_persons`` already."""
        for case in self.store.cases(dwelling_id):
            if case.form_id != self.form.id:
                continue  # a household interviewed on another form, not one of the roster's
            if len(self.store.persons(case.uuid)) < self.max_persons:
                return case.uuid
        return self._open_household(dwelling_id)

    def _add_person(self, e: RosterEntry) -> None:
        hh = self._collective_household(e.dwelling_id)
        person = self.store.add_person(hh, actor=self.actor)
        answers = dict(e.answers)
        answers.setdefault("D7", PRESENT_RESIDENCE)
        answers["D2"] = OTHER  # the head is re-chosen below when this is the first person
        for item, value in answers.items():
            self.store.set_answer(hh, person, item, value, actor=self.actor)
        e.household_uuid, e.person_uuid = hh, person
        self._heads(hh)

    def _remove_person(self, e: RosterEntry) -> None:
        hh, person = e.household_uuid, e.person_uuid
        assert hh is not None and person is not None
        current = self.store.household(hh).person(person)
        if current is not None:
            e.answers = {k: v for k, v in current.answers.items() if k != "D2"}
            self.store.remove_person(hh, person, actor=self.actor)
        e.household_uuid = e.person_uuid = None
        self._heads(hh)

    def _heads(self, hh: str) -> None:
        """FACTS §4, R-01/R-02/R-04: the first person is the 户主, all others 9; H2a = count.

        Only the first person is written, so a mark stays O(1) on a site of thousands
        (``set_answer`` skips unchanged values; everyone else was added as 9).
        """
        order = self.store.persons(hh)
        if order:
            self.store.set_answer(hh, order[0], "D2", HEAD, actor=self.actor)
        self.store.set_answer(hh, "", "H2a", len(order), actor=self.actor)
