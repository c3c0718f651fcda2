"""Areas, dwellings, household cases, persons and answers.

Answers are stored one row per (household, person or ``""``, item) with the value as JSON, and
every change is written together with an ``answer_set`` event holding the old and new value
(paradata, DESIGN "The store"). Persons keep their UUID when reordered; ``position`` is the
list order (head first, FACTS §4).

Death records (死亡人口调查表, issue 17) are rows of the same ``person`` table with
``kind = 'death'``: their own UUID and position (among the household's death records), their
answers in ``answer`` keyed by that UUID, like a person's. ``dwelling.form_id`` is the form the
census office chose for the dwelling (the 长表 sample); households created there take it.
"""

from __future__ import annotations

import re
import sys
import uuid as uuidlib
from collections.abc import Collection, Iterator
from typing import Literal

from census_tui.model import HOUSEHOLD_SCOPE, Confirmation, Household, Note, Person, Value
from census_tui.store.base import Row, StoreBase, dumps, loads, when
from census_tui.store.errors import bad_value, conflict, not_found
from census_tui.store.records import Area, CaseSummary, Dwelling

_AREA_RE = re.compile(r"^[0-9]{15}$")
_CASE_COLS = (
    "uuid, dwelling_id, area_id, hh_number, state, revision, form_id, training, created_at,"
    " updated_at, completed_at, confirmed_by, confirmed_at"
)
_DWELLING_COLS = (
    "id, area_id, building, unit, address, kind, added_on_site, sort_key, note, form_id"
)
DEFAULT_STATE = "listed"
DEFAULT_FORM = "short2020"
_FORM_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
Kind = Literal["person", "death"]
PERSON: Kind = "person"
DEATH: Kind = "death"


def _check_form_id(form_id: str) -> None:
    # the store does not know the forms (a layer below them): only the shape of an id
    if not isinstance(form_id, str) or not _FORM_ID_RE.match(form_id):
        raise bad_value("form id")


def _summary(r: Row) -> CaseSummary:
    created, updated = when(r[8]), when(r[9])
    assert created is not None and updated is not None
    return CaseSummary(
        uuid=r[0],
        dwelling_id=r[1],
        area_id=r[2],
        hh_number=int(r[3]),
        state=r[4],
        revision=int(r[5]),
        form_id=r[6],
        training=bool(r[7]),
        created_at=created,
        updated_at=updated,
        completed_at=when(r[10]),
        confirmed_by=r[11],
        confirmed_at=when(r[12]),
    )


def _dwelling(r: Row) -> Dwelling:
    # area and kind repeat on every row: one string each, not one per dwelling
    return Dwelling(
        r[0],
        sys.intern(r[1]),
        r[2],
        r[3],
        r[4],
        sys.intern(r[5]),
        bool(r[6]),
        r[7],
        r[8],
        sys.intern(r[9]),
    )


class CasesMixin(StoreBase):
    """Areas, dwellings, households, persons, answers."""

    # --- areas and dwellings -------------------------------------------------------------

    def upsert_area(self, area: Area) -> None:
        """Add or rename a 普查小区 (its id must be the 15-digit code, FACTS §8.1)."""
        if not _AREA_RE.match(area.id):
            raise bad_value("area code")
        with self.transaction():
            self._x(
                "INSERT INTO area (id, name) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name",
                (area.id, area.name),
            )

    def areas(self) -> list[Area]:
        with self.transaction(write=False):
            return [Area(r[0], r[1]) for r in self._rows("SELECT id, name FROM area ORDER BY id")]

    def upsert_dwelling(self, d: Dwelling) -> None:
        """Add or update a dwelling (its area must exist)."""
        if not d.id:
            raise bad_value("dwelling id")
        _check_form_id(d.form_id)
        with self.transaction():
            if self._one("SELECT 1 FROM area WHERE id = ?", (d.area_id,)) is None:
                raise not_found("area")
            self._x(
                f"INSERT INTO dwelling ({_DWELLING_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET area_id = excluded.area_id,"
                " building = excluded.building, unit = excluded.unit,"
                " address = excluded.address, kind = excluded.kind,"
                " added_on_site = excluded.added_on_site, sort_key = excluded.sort_key,"
                " note = excluded.note, form_id = excluded.form_id",
                (
                    d.id,
                    d.area_id,
                    d.building,
                    d.unit,
                    d.address,
                    d.kind,
                    int(d.added_on_site),
                    d.sort_key,
                    d.note,
                    d.form_id,
                ),
            )

    def dwelling_form(self, dwelling_id: str) -> str:
        """The form the census office chose for the dwelling (``short2020`` unless the
        assignment said otherwise, e.g. ``long2020`` for the 长表 sample)."""
        with self.transaction(write=False):
            r = self._one("SELECT form_id FROM dwelling WHERE id = ?", (dwelling_id,))
        if r is None:
            raise not_found("dwelling")
        return str(r[0])

    def set_dwelling_form(self, dwelling_id: str, form_id: str, *, actor: str = "") -> None:
        """Record the office's form for a dwelling (households already there keep theirs)."""
        _check_form_id(form_id)
        with self.transaction():
            r = self._one("SELECT form_id FROM dwelling WHERE id = ?", (dwelling_id,))
            if r is None:
                raise not_found("dwelling")
            if str(r[0]) == form_id:
                return
            self._x("UPDATE dwelling SET form_id = ? WHERE id = ?", (form_id, dwelling_id))
            self._event(
                "dwelling_form",
                actor=actor,
                old=str(r[0]),
                new=form_id,
                data={"dwelling": dwelling_id},
            )

    def dwelling(self, dwelling_id: str) -> Dwelling:
        with self.transaction(write=False):
            r = self._one(f"SELECT {_DWELLING_COLS} FROM dwelling WHERE id = ?", (dwelling_id,))
        if r is None:
            raise not_found("dwelling")
        return _dwelling(r)

    def dwellings(self, area_id: str | None = None) -> list[Dwelling]:
        """Dwellings of one area (or all), in listing order (sort key, then id)."""
        return list(self._scan_dwellings("area_id", area_id, "area_id, sort_key, id"))

    def iter_dwellings(self, area_id: str | None = None) -> Iterator[Dwelling]:
        """Dwellings of one area (or all) by id, a batch at a time: a 5,000-dwelling area never
        sits in memory twice (raw rows and records). Consume it at once: it holds the store's
        read transaction (and lock) until exhausted or closed."""
        # "+area_id": walk the primary key's index in id order and test the area on the way,
        # rather than read the area's index and sort 5,000 rows in memory
        return self._scan_dwellings("+area_id", area_id, "id")

    def _scan_dwellings(
        self, area_term: str, area_id: str | None, order: str, batch: int = 200
    ) -> Iterator[Dwelling]:
        sql = f"SELECT {_DWELLING_COLS} FROM dwelling"
        params: tuple[str, ...] = ()
        if area_id is not None:
            sql += f" WHERE {area_term} = ?"
            params = (area_id,)
        with self.transaction(write=False):
            cur = self._x(f"{sql} ORDER BY {order}", params)
            while chunk := cur.fetchmany(batch):
                for r in chunk:
                    yield _dwelling(r)

    # --- household cases -----------------------------------------------------------------

    def create_household(
        self,
        dwelling_id: str,
        *,
        hh_number: int | None = None,
        training: bool = False,
        form_id: str | None = None,
        state: str = DEFAULT_STATE,
        actor: str = "",
    ) -> str:
        """A new household case in a dwelling; returns its UUID.

        ``hh_number`` (户编号) defaults to the area's highest + 1; a taken number is refused.
        ``form_id`` defaults to the dwelling's form (:meth:`dwelling_form`).
        """
        case_uuid = str(uuidlib.uuid4())
        now = self._now()
        if form_id is not None:
            _check_form_id(form_id)
        with self.transaction():
            row = self._one("SELECT area_id, form_id FROM dwelling WHERE id = ?", (dwelling_id,))
            if row is None:
                raise not_found("dwelling")
            area_id = str(row[0])
            if form_id is None:
                form_id = str(row[1])
            if hh_number is None:
                top = self._one(
                    "SELECT coalesce(max(hh_number), 0) FROM household WHERE area_id = ?",
                    (area_id,),
                )
                hh_number = int(top[0] if top else 0) + 1
            elif hh_number <= 0:
                raise bad_value("household number")
            elif self._one(
                "SELECT 1 FROM household WHERE area_id = ? AND hh_number = ?",
                (area_id, hh_number),
            ):
                raise conflict("household number")
            self._x(
                f"INSERT INTO household ({_CASE_COLS}) "
                "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, NULL, NULL, NULL)",
                (
                    case_uuid,
                    dwelling_id,
                    area_id,
                    hh_number,
                    state,
                    form_id,
                    int(training),
                    now,
                    now,
                ),
            )
            self._event(
                "household_created",
                actor=actor,
                household=case_uuid,
                data={"dwelling": dwelling_id, "hh_number": hh_number, "form": form_id},
            )
        return case_uuid

    def case(self, case_uuid: str) -> CaseSummary:
        with self.transaction(write=False):
            r = self._one(f"SELECT {_CASE_COLS} FROM household WHERE uuid = ?", (case_uuid,))
        if r is None:
            raise not_found("household")
        return _summary(r)

    def cases(self, dwelling_id: str | None = None) -> list[CaseSummary]:
        """Household cases (of one dwelling, or all) by area and 户编号."""
        sql = f"SELECT {_CASE_COLS} FROM household"
        params: tuple[str, ...] = ()
        if dwelling_id is not None:
            sql += " WHERE dwelling_id = ?"
            params = (dwelling_id,)
        with self.transaction(write=False):
            rows = self._rows(sql + " ORDER BY area_id, hh_number", params)
        return [_summary(r) for r in rows]

    def _touch(self, case_uuid: str) -> None:
        cur = self._x(
            "UPDATE household SET updated_at = ? WHERE uuid = ?", (self._now(), case_uuid)
        )
        if cur.rowcount != 1:
            raise not_found("household")

    def set_state(self, case_uuid: str, state: str, *, actor: str = "") -> None:
        """Record the case's new state (the visit layer decides which moves are allowed);
        entering ``completed`` stamps ``completed_at``."""
        with self.transaction():
            old = self.case(case_uuid).state
            self._touch(case_uuid)
            self._x("UPDATE household SET state = ? WHERE uuid = ?", (state, case_uuid))
            if state == "completed":
                self._x(
                    "UPDATE household SET completed_at = ? WHERE uuid = ?", (self._now(), case_uuid)
                )
            self._event("state", actor=actor, household=case_uuid, old=old, new=state)

    def bump_revision(self, case_uuid: str) -> int:
        """Increase the case's revision (before each upload of a changed case); the new one."""
        with self.transaction():
            self._touch(case_uuid)
            self._x("UPDATE household SET revision = revision + 1 WHERE uuid = ?", (case_uuid,))
            row = self._one("SELECT revision FROM household WHERE uuid = ?", (case_uuid,))
            assert row is not None
            return int(row[0])

    def set_confirmed(self, case_uuid: str, name: str | None, *, actor: str = "") -> None:
        """The respondent's read-back confirmation (name as they gave it), or None to clear."""
        with self.transaction():
            self._touch(case_uuid)
            at = None if name is None else self._now()
            self._x(
                "UPDATE household SET confirmed_by = ?, confirmed_at = ? WHERE uuid = ?",
                (name, at, case_uuid),
            )
            self._event(
                "read_back_confirmed" if name else "read_back_cleared",
                actor=actor,
                household=case_uuid,
            )

    def household(self, case_uuid: str) -> Household:
        """The whole household: answers, persons and death records in order, confirmations,
        notes."""
        with self.transaction(write=False):
            s = self.case(case_uuid)
            hh = Household(
                uuid=s.uuid,
                dwelling_id=s.dwelling_id,
                hh_number=s.hh_number,
                revision=s.revision,
                form_id=s.form_id,
                training=s.training,
            )
            persons = {}
            for p_uuid, kind in self._rows(
                "SELECT uuid, kind FROM person WHERE household_uuid = ? ORDER BY kind, position",
                (case_uuid,),
            ):
                persons[p_uuid] = Person(uuid=p_uuid)
                (hh.deaths if kind == DEATH else hh.persons).append(persons[p_uuid])
            for p_uuid, item, value in self._rows(
                "SELECT person_uuid, item_id, value FROM answer WHERE household_uuid = ?",
                (case_uuid,),
            ):
                target = hh.answers if p_uuid == HOUSEHOLD_SCOPE else persons[p_uuid].answers
                target[item] = loads(value)
            for rule, person, reason, by, at, values in self._rows(
                "SELECT rule_id, person_uuid, reason, by, at, values_json FROM confirmation"
                " WHERE household_uuid = ? ORDER BY at, rule_id, person_uuid",
                (case_uuid,),
            ):
                hh.confirmations.append(Confirmation(rule, person, reason, by, at, loads(values)))
            for person, item, text, at in self._rows(
                "SELECT person_uuid, item_id, text, at FROM note WHERE household_uuid = ?"
                " ORDER BY id",
                (case_uuid,),
            ):
                hh.notes.append(Note(person, item, text, at))
        return hh

    # --- persons ---------------------------------------------------------------------------

    def _person_order(self, case_uuid: str, kind: Kind = PERSON) -> list[str]:
        return [
            str(r[0])
            for r in self._rows(
                "SELECT uuid FROM person WHERE household_uuid = ? AND kind = ? ORDER BY position",
                (case_uuid, kind),
            )
        ]

    def _renumber(self, order: list[str]) -> None:
        for position, p_uuid in enumerate(order):
            self._x("UPDATE person SET position = ? WHERE uuid = ?", (position, p_uuid))

    def add_person(self, case_uuid: str, *, actor: str = "") -> str:
        """A new person at the end of the household's list; returns the person's UUID."""
        return self._add_record(case_uuid, PERSON, actor)

    def add_death(self, case_uuid: str, *, actor: str = "") -> str:
        """A new death record at the end of the household's death records; its UUID."""
        return self._add_record(case_uuid, DEATH, actor)

    def _add_record(self, case_uuid: str, kind: Kind, actor: str) -> str:
        p_uuid = str(uuidlib.uuid4())
        with self.transaction():
            self._touch(case_uuid)
            position = len(self._person_order(case_uuid, kind))
            self._x(
                "INSERT INTO person (uuid, household_uuid, position, kind) VALUES (?, ?, ?, ?)",
                (p_uuid, case_uuid, position, kind),
            )
            self._event(f"{kind}_added", actor=actor, household=case_uuid, person=p_uuid)
        return p_uuid

    def remove_person(self, case_uuid: str, person_uuid: str, *, actor: str = "") -> None:
        """Remove a person with their answers, notes and confirmations (the removed answers
        are kept in the event log)."""
        self._remove_record(case_uuid, person_uuid, PERSON, actor)

    def remove_death(self, case_uuid: str, death_uuid: str, *, actor: str = "") -> None:
        """Remove a death record with its answers, notes and confirmations (kept in the event
        log)."""
        self._remove_record(case_uuid, death_uuid, DEATH, actor)

    def _remove_record(self, case_uuid: str, person_uuid: str, kind: Kind, actor: str) -> None:
        with self.transaction():
            order = self._person_order(case_uuid, kind)
            if person_uuid not in order:
                raise not_found("death record" if kind == DEATH else "person")
            answers = {
                item: loads(v)
                for item, v in self._rows(
                    "SELECT item_id, value FROM answer"
                    " WHERE household_uuid = ? AND person_uuid = ?",
                    (case_uuid, person_uuid),
                )
            }
            for table in ("answer", "note", "confirmation"):
                self._x(
                    f"DELETE FROM {table} WHERE household_uuid = ? AND person_uuid = ?",
                    (case_uuid, person_uuid),
                )
            self._x("DELETE FROM person WHERE uuid = ?", (person_uuid,))
            order.remove(person_uuid)
            self._renumber(order)
            self._touch(case_uuid)
            self._event(
                f"{kind}_removed", actor=actor, household=case_uuid, person=person_uuid, old=answers
            )

    def move_person(
        self, case_uuid: str, person_uuid: str, new_index: int, *, actor: str = ""
    ) -> None:
        """Move a person to ``new_index`` in the list (clamped); UUIDs are unchanged."""
        with self.transaction():
            order = self._person_order(case_uuid)
            if person_uuid not in order:
                raise not_found("person")
            old_index = order.index(person_uuid)
            order.remove(person_uuid)
            new_index = max(0, min(new_index, len(order)))
            order.insert(new_index, person_uuid)
            self._renumber(order)
            self._touch(case_uuid)
            self._event(
                "person_moved",
                actor=actor,
                household=case_uuid,
                person=person_uuid,
                old=old_index,
                new=new_index,
            )

    def persons(self, case_uuid: str) -> list[str]:
        """The person UUIDs of a household in order."""
        with self.transaction(write=False):
            return self._person_order(case_uuid)

    def deaths(self, case_uuid: str) -> list[str]:
        """The death record UUIDs of a household in order."""
        with self.transaction(write=False):
            return self._person_order(case_uuid, DEATH)

    # --- the household's form ----------------------------------------------------------------

    def set_form(
        self,
        case_uuid: str,
        form_id: str,
        *,
        keep: Collection[str],
        deaths: bool = True,
        actor: str = "",
    ) -> dict[str, int]:
        """Put the household on another form, in one transaction: every answer whose item id
        is not in ``keep`` (the new form's item ids; the visit layer decides) is removed, and
        with ``deaths=False`` (a form without death records) the death records go too. The
        removed answers are kept in the event log. Returns the counts removed
        (``{"answers": n, "deaths": m}``); the same form again changes nothing."""
        _check_form_id(form_id)
        keep_set = frozenset(keep)
        with self.transaction():
            old = self.case(case_uuid).form_id
            removed_deaths = 0
            if not deaths:
                for d_uuid in self._person_order(case_uuid, DEATH):
                    self._remove_record(case_uuid, d_uuid, DEATH, actor)
                    removed_deaths += 1
            dropped: dict[str, dict[str, object]] = {}
            for p_uuid, item, value in self._rows(
                "SELECT person_uuid, item_id, value FROM answer WHERE household_uuid = ?"
                " ORDER BY person_uuid, item_id",
                (case_uuid,),
            ):
                if item not in keep_set:
                    dropped.setdefault(str(p_uuid), {})[str(item)] = loads(value)
            for p_uuid, items in dropped.items():
                for item in items:
                    self._x(
                        "DELETE FROM answer WHERE household_uuid = ? AND person_uuid = ?"
                        " AND item_id = ?",
                        (case_uuid, p_uuid, item),
                    )
            count = sum(len(items) for items in dropped.values())
            if old == form_id and not count and not removed_deaths:
                return {"answers": 0, "deaths": 0}
            self._touch(case_uuid)
            self._x("UPDATE household SET form_id = ? WHERE uuid = ?", (form_id, case_uuid))
            self._event(
                "form_changed",
                actor=actor,
                household=case_uuid,
                old={"form": old, "answers": dropped},
                new=form_id,
            )
        return {"answers": count, "deaths": removed_deaths}

    # --- answers ---------------------------------------------------------------------------

    def set_answer(
        self,
        case_uuid: str,
        person_uuid: str,
        item_id: str,
        value: Value | None,
        *,
        actor: str = "",
    ) -> bool:
        """Save one answer (``person_uuid`` ``""`` for a household item; None removes it) and
        log an ``answer_set`` event with the old and new value. Committed on return. Returns
        False (and logs nothing) when the value was already that."""
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | str)):
            raise bad_value("answer type")
        if not item_id:
            raise bad_value("item id")
        with self.transaction():
            if (
                person_uuid != HOUSEHOLD_SCOPE
                and self._one(
                    "SELECT 1 FROM person WHERE uuid = ? AND household_uuid = ?",
                    (person_uuid, case_uuid),
                )
                is None
            ):
                raise not_found("person")
            row = self._one(
                "SELECT value FROM answer WHERE household_uuid = ? AND person_uuid = ?"
                " AND item_id = ?",
                (case_uuid, person_uuid, item_id),
            )
            old = None if row is None else loads(row[0])
            if old == value and (row is None) == (value is None):
                self._touch(case_uuid)  # raises for an unknown household
                return False
            self._touch(case_uuid)
            if value is None:
                self._x(
                    "DELETE FROM answer WHERE household_uuid = ? AND person_uuid = ?"
                    " AND item_id = ?",
                    (case_uuid, person_uuid, item_id),
                )
            else:
                self._x(
                    "INSERT INTO answer (household_uuid, person_uuid, item_id, value, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (household_uuid, person_uuid, item_id)"
                    " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (case_uuid, person_uuid, item_id, dumps(value), self._now()),
                )
            self._event(
                "answer_set",
                actor=actor,
                household=case_uuid,
                person=person_uuid,
                item=item_id,
                old=old,
                new=value,
            )
        return True
