"""The dashboard's worklist: an area's dwellings held as a few large columns, not 5,000 objects.

One object per dwelling, each with its own strings, costs a handheld memory in many small
allocations (docs/performance.md). Here the text of every row (dwelling id, address, head's
name) is one string, its lowercased twin another, with an array of offsets; states, kinds,
household counts and forms are byte arrays; the few rows with an appointment, a note or a
supervisor's comment keep those in a dict. A row is made into a :class:`DwellingRow` only when
it is asked for (the table draws about twenty).

The filter is a scan of the lowercased text with ``str.find``: the same matches as testing
``needle in f"{id}\\t{address}\\t{head}".lower()`` row by row (for any needle without a
newline, which the one-line filter cannot hold), where ``id`` leaves out the area's code that
every id of the area starts with (:func:`search_id`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from io import StringIO
from typing import overload

from census_tui.visit.api import DwellingRow
from census_tui.visit.states import CaseState, board_of

DEFAULT_FORM = "short2020"
FIELD = "\t"
ROW = "\n"
_STATES = list(CaseState)
_STATE_INDEX = {s: i for i, s in enumerate(_STATES)}


class Worklist(Sequence[DwellingRow]):
    """Dwelling rows in worklist order, read-only; build one with :class:`WorklistBuilder`."""

    __slots__ = (
        "_exact",
        "_extra",
        "_form",
        "_forms",
        "_households",
        "_id_prefix",
        "_kind",
        "_kinds",
        "_lower",
        "_lower_starts",
        "_starts",
        "_state",
        "_text",
    )

    def __init__(
        self,
        text: str,
        starts: array[int],
        lower: str,
        lower_starts: array[int],
        state: bytearray,
        kind: array[int],
        kinds: list[str],
        households: array[int],
        extra: dict[int, tuple[datetime | None, bool, str, str]],
        exact: dict[int, tuple[str, str, str]],
        id_prefix: str = "",
        form: bytearray | None = None,
        forms: list[str] | None = None,
    ) -> None:
        self._text = text
        self._starts = starts
        self._lower = lower
        self._lower_starts = lower_starts
        self._state = state
        self._kind = kind
        self._kinds = kinds
        self._households = households
        self._extra = extra
        """Row → (appointment, overdue, returned comment, note), for the rows that have any."""
        self._exact = exact
        """Row → (id, address, head) for the rare row whose text held a tab or a newline."""
        self._id_prefix = id_prefix
        self._form = form if form is not None else bytearray(len(state))
        self._forms = forms or [DEFAULT_FORM]
        """Row → index into ``_forms`` (a byte per row: an area holds a few forms at most)."""

    def __len__(self) -> int:
        return len(self._state)

    @overload
    def __getitem__(self, index: int) -> DwellingRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[DwellingRow]: ...
    def __getitem__(self, index: int | slice) -> DwellingRow | list[DwellingRow]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("worklist index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[DwellingRow]:
        return (self._row(i) for i in range(len(self)))

    def _fields(self, i: int) -> tuple[str, str, str]:
        exact = self._exact.get(i)
        if exact is not None:
            return exact
        dwelling_id, address, head = self._text[self._starts[i] : self._starts[i + 1] - 1].split(
            FIELD
        )
        return dwelling_id, address, head

    def _row(self, i: int) -> DwellingRow:
        dwelling_id, address, head = self._fields(i)
        state = _STATES[self._state[i]]
        appointment, overdue, comment, note = self._extra.get(i, (None, False, "", ""))
        return DwellingRow(
            dwelling_id=dwelling_id,
            address=address,
            kind=self._kinds[self._kind[i]],
            state=state,
            board=board_of(state),
            households=self._households[i],
            head_name=head,
            appointment_at=appointment,
            overdue=overdue,
            returned_comment=comment,
            note=note,
            form_id=self._forms[self._form[i]],
        )

    @property
    def form_ids(self) -> frozenset[str]:
        """The forms of the rows (the dashboard widens its state column for their marks)."""
        return frozenset(self._forms[i] for i in set(self._form))

    def dwelling_id(self, i: int) -> str:
        """Row ``i``'s dwelling id without making the whole row."""
        return self._fields(i)[0]

    def matching(self, needle: str) -> list[int]:
        """Rows whose id, address or head's name contains ``needle``, ignoring case."""
        needle = needle.lower()
        if not needle:
            return list(range(len(self)))
        text, starts, found = self._lower, self._lower_starts, []
        pos = text.find(needle)
        while pos >= 0:
            row = bisect_right(starts, pos) - 1
            end = starts[row + 1] - 1  # the row's text ends before its newline
            if pos + len(needle) <= end:
                found.append(row)
                pos = text.find(needle, starts[row + 1])
            else:  # runs into the next row: look again from the next character
                pos = text.find(needle, pos + 1)
        return found

    def take(self, indices: Iterable[int]) -> Worklist:
        """A worklist of these rows only, in this order."""
        builder = WorklistBuilder(self._id_prefix)
        for i in indices:
            builder.add(self._row(i))
        return builder.build()

    @classmethod
    def of(cls, rows: Iterable[DwellingRow]) -> Worklist:
        builder = WorklistBuilder()
        for row in rows:
            builder.add(row)
        return builder.build()


def search_id(dwelling_id: str, area_id: str) -> str:
    """A dwelling id without its area's code (``110105001001001-003`` → ``003``), as the
    narrow dashboard shows it and the filter searches it; other ids as they are."""
    if area_id and dwelling_id.startswith(area_id) and len(dwelling_id) > len(area_id):
        return dwelling_id[len(area_id) :].lstrip("-_ ") or dwelling_id
    return dwelling_id


class WorklistBuilder:
    """Rows appended one at a time (in worklist order); :meth:`build` freezes them."""

    def __init__(self, id_prefix: str = "") -> None:
        self._id_prefix = id_prefix
        """The area's code that every dwelling id starts with: left out of the search text, so a
        filter matches what tells dwellings apart, not every row."""
        self._text = StringIO()
        self._lower = StringIO()
        self._starts = array("I", [0])
        self._lower_starts = array("I", [0])
        self._state = bytearray()
        self._kind = array("H")
        self._kinds: dict[str, int] = {}
        self._households = array("I")
        self._extra: dict[int, tuple[datetime | None, bool, str, str]] = {}
        self._exact: dict[int, tuple[str, str, str]] = {}
        self._form = bytearray()
        self._forms: dict[str, int] = {DEFAULT_FORM: 0}

    def add(self, row: DwellingRow) -> None:
        i = len(self._state)
        fields = (row.dwelling_id, row.address, row.head_name)
        line = FIELD.join(fields)
        if any(FIELD in f or ROW in f for f in fields):
            # kept whole on the side; searched with a newline read as a space (the filter is a
            # one-line input: it cannot hold a newline)
            self._exact[i] = fields
            line = line.replace(ROW, " ")
        self._starts.append(self._starts[-1] + self._text.write(line + ROW))
        lower = FIELD.join((search_id(row.dwelling_id, self._id_prefix), *fields[1:]))
        lower = lower.replace(ROW, " ").lower()
        self._lower_starts.append(self._lower_starts[-1] + self._lower.write(lower + ROW))
        self._state.append(_STATE_INDEX[row.state])
        self._kind.append(self._kinds.setdefault(row.kind, len(self._kinds)))
        self._households.append(row.households)
        self._form.append(self._forms.setdefault(row.form_id, len(self._forms)))
        if row.appointment_at is not None or row.overdue or row.returned_comment or row.note:
            self._extra[i] = (row.appointment_at, row.overdue, row.returned_comment, row.note)

    def build(self) -> Worklist:
        return Worklist(
            self._text.getvalue(),
            self._starts,
            self._lower.getvalue(),
            self._lower_starts,
            self._state,
            self._kind,
            list(self._kinds),
            self._households,
            self._extra,
            self._exact,
            self._id_prefix,
            self._form,
            list(self._forms),
        )
