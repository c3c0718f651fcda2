"""Roster mode over the encrypted store: import a checked list, mark people, build households.

A verified site becomes a collective household (户别 H1 = 2, 住所类型 H5 = 2 集体住所; FACTS §2.2).
Marking someone present at the standard time adds them as a person of that household with the
answers pre-filled from the list; FACTS §4 and R-01/R-02/R-04: the first person is the 户主
(D2 = 0), everyone else is 9 其他. Un-marking removes the person again (their answers are kept
on the roster entry, and the store's event log keeps the removal). Every public method commits
before it returns, in one transaction: an import is all or nothing.

The roster table belongs to the store's schema (migration v2); the queries here run through the
store's transaction and query helpers so they share its lock and its error translation.
"""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass

from census_tui.errors import BadInput, ConflictError
from census_tui.i18n import Msg
from census_tui.model import Value
from census_tui.roster.checks import CheckedRow
from census_tui.roster.preview import RosterPreview
from census_tui.roster.state import RosterEntry, RosterStatus
from census_tui.store import Store
from census_tui.store.base import dumps, loads

COLLECTIVE = 2
"""H1 户别 2 集体户 and H5 住所类型 2 集体住所 (FACTS §2.2)."""
HEAD, OTHER = 0, 9
"""D2 户主 and 其他 (FACTS §5.1; collective households R-04)."""
PRESENT_RESIDENCE = 1
"""D7 = 1 本普查小区: present at the standard time means living here then."""

_COLS = "uuid, dwelling_id, line, position, status, listed, answers, household_uuid, person_uuid"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import stored (counts only: no personal data)."""

    dwelling_id: str
    imported: int
    skipped: int
    duplicates: int
    derived_from_id: int

    def to_dict(self) -> dict[str, object]:
        return {
            "dwelling_id": self.dwelling_id,
            "imported": self.imported,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "derived_from_id": self.derived_from_id,
        }


def _entry(r: tuple[object, ...]) -> RosterEntry:
    return RosterEntry(
        uuid=str(r[0]),
        dwelling_id=str(r[1]),
        line=int(str(r[2])),
        position=int(str(r[3])),
        status=RosterStatus(str(r[4])),
        listed=loads(str(r[5])),
        answers=loads(str(r[6])),
        household_uuid=None if r[7] is None else str(r[7]),
        person_uuid=None if r[8] is None else str(r[8]),
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


class RosterService:
    """Roster operations on one unlocked store. ``actor`` is written into the event log."""

    def __init__(self, store: Store, actor: str = "") -> None:
        self.store = store
        self.actor = actor

    # --- reading --------------------------------------------------------------------------

    def _area_of(self, dwelling_id: str) -> str:
        row = self.store._one("SELECT area_id FROM dwelling WHERE id = ?", (dwelling_id,))
        if row is None:
            raise BadInput(
                Msg(
                    "没有这个住房单元编号。请使用仪表板或 status 命令显示的编号。",
                    "No such dwelling. Use the dwelling id shown on the dashboard or by the "
                    "status command.",
                )
            )
        return str(row[0])

    def registered_ids(self, dwelling_id: str) -> frozenset[str]:
        """ID numbers (D3) registered in households of the area outside this site (P-06)."""
        with self.store.transaction(write=False):
            area = self._area_of(dwelling_id)
            rows = self.store._rows(
                "SELECT a.value FROM answer a JOIN household h ON h.uuid = a.household_uuid"
                " WHERE a.item_id = 'D3' AND h.area_id = ? AND h.dwelling_id != ?",
                (area, dwelling_id),
            )
        return frozenset(v for (raw,) in rows if isinstance(v := loads(raw), str) and v)

    def entries(self, dwelling_id: str) -> list[RosterEntry]:
        """The site's roster in list order (people added on site last)."""
        with self.store.transaction(write=False):
            rows = self.store._rows(
                f"SELECT {_COLS} FROM roster_entry WHERE dwelling_id = ? ORDER BY position",
                (dwelling_id,),
            )
        return [_entry(r) for r in rows]

    def entry(self, entry_uuid: str) -> RosterEntry:
        with self.store.transaction(write=False):
            r = self.store._one(f"SELECT {_COLS} FROM roster_entry WHERE uuid = ?", (entry_uuid,))
        if r is None:
            raise BadInput(Msg("名册中没有这个人。", "No such person on the roster."))
        return _entry(r)

    def has_roster(self, dwelling_id: str) -> bool:
        with self.store.transaction(write=False):
            return (
                self.store._one(
                    "SELECT 1 FROM roster_entry WHERE dwelling_id = ? LIMIT 1", (dwelling_id,)
                )
                is not None
            )

    # --- import -----------------------------------------------------------------------------

    def import_preview(
        self, dwelling_id: str, preview: RosterPreview, *, only_good: bool = False
    ) -> ImportResult:
        """Store the preview's rows as the site's roster, all or nothing.

        Refuses a list with bad rows unless ``only_good``, a dwelling that already has a
        roster (ConflictError), and an unknown dwelling (BadInput).
        """
        rows = preview.selected(only_good)
        now = self.store._now()
        with self.store.transaction():
            self._area_of(dwelling_id)
            if self.has_roster(dwelling_id):
                raise ConflictError(
                    Msg(
                        "这个住房单元已经导入过名册;不会重复导入。",
                        "This dwelling already has a roster; it was not imported again.",
                    )
                )
            self.store._connection().executemany(
                f"INSERT INTO roster_entry ({_COLS}, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
                [
                    (
                        str(uuidlib.uuid4()),
                        dwelling_id,
                        row.line,
                        i,
                        (RosterStatus.DUPLICATE if row.duplicate else RosterStatus.PENDING).value,
                        dumps(_listed(row)),
                        dumps(row.person.answers()),
                        now,
                    )
                    for i, row in enumerate(rows)
                ],
            )
            result = ImportResult(
                dwelling_id,
                imported=len(rows),
                skipped=len(preview.rows) - len(rows),
                duplicates=sum(1 for r in rows if r.duplicate),
                derived_from_id=sum(1 for r in rows if r.person.derived),
            )
            self.store._event(
                "roster_imported",
                actor=self.actor,
                data={**result.to_dict(), "encoding": preview.encoding},
            )
        return result

    # --- verifying ----------------------------------------------------------------------

    def mark(self, entry_uuid: str, status: RosterStatus) -> RosterEntry:
        """Set an entry's status; present ⇒ a person of the collective household, else not."""
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
            self._save(e)
            self.store._event(
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
            self._area_of(dwelling_id)
            top = self.store._one(
                "SELECT coalesce(max(position), -1) FROM roster_entry WHERE dwelling_id = ?",
                (dwelling_id,),
            )
            position = int(top[0] if top else -1) + 1
            e = RosterEntry(str(uuidlib.uuid4()), dwelling_id, 0, position, answers={"D1": name})
            self.store._x(
                f"INSERT INTO roster_entry ({_COLS}, updated_at)"
                " VALUES (?, ?, 0, ?, 'pending', '{}', ?, NULL, NULL, ?)",
                (e.uuid, dwelling_id, position, dumps(e.answers), self.store._now()),
            )
            e = self.mark(e.uuid, RosterStatus.PRESENT)
        return e

    def set_answer(self, entry_uuid: str, item_id: str, value: Value | None) -> RosterEntry:
        """Fill a short person item inline; also the household's person when present."""
        with self.store.transaction():
            e = self.entry(entry_uuid)
            if value is None:
                e.answers.pop(item_id, None)
            else:
                e.answers[item_id] = value
            if e.household_uuid and e.person_uuid:
                self.store.set_answer(
                    e.household_uuid, e.person_uuid, item_id, value, actor=self.actor
                )
            self._save(e)
        e.refresh_key()
        return e

    def households(self, dwelling_id: str) -> list[str]:
        """The collective household cases of this site (UUIDs)."""
        return [c.uuid for c in self.store.cases(dwelling_id)]

    # --- inside a transaction -----------------------------------------------------------------

    def _save(self, e: RosterEntry) -> None:
        self.store._x(
            "UPDATE roster_entry SET status = ?, answers = ?, household_uuid = ?,"
            " person_uuid = ?, updated_at = ? WHERE uuid = ?",
            (
                e.status.value,
                dumps(e.answers),
                e.household_uuid,
                e.person_uuid,
                self.store._now(),
                e.uuid,
            ),
        )

    def _collective_household(self, dwelling_id: str) -> str:
        cases = self.store.cases(dwelling_id)
        if cases:
            return cases[0].uuid
        hh = self.store.create_household(dwelling_id, state="interviewing", actor=self.actor)
        self.store.set_answer(hh, "", "H1", COLLECTIVE, actor=self.actor)
        self.store.set_answer(hh, "", "H5", COLLECTIVE, actor=self.actor)
        return hh

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

        Only the first person and anyone not yet coded are written, so a mark stays O(1) on a
        site of thousands (``set_answer`` skips unchanged values).
        """
        order = self.store.persons(hh)
        if order:
            self.store.set_answer(hh, order[0], "D2", HEAD, actor=self.actor)
        self.store.set_answer(hh, "", "H2a", len(order), actor=self.actor)
