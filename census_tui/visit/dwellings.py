"""The enumerator's worklist: the dashboard, dwellings found on site, a dwelling's households
(户), and the form each is asked on.

Which form a dwelling takes is decided upstream: the census office's systematic 10 % sample
for the long form (census_tui/server/sample.py), sent with the assignment (docs/protocol.md
"Forms"); a household takes its dwelling's form when it is opened. The enumerator changes a
household's form only through the confirmation that lists what is kept and what is dropped
(screens/change_form.py, then the session's ``change_form``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from census_tui.errors import BadInput, ConflictError
from census_tui.i18n import Msg
from census_tui.model import Household
from census_tui.questionnaire.form import Form, shared_items
from census_tui.store import META_SERVER_URL, META_TOKEN, Dwelling
from census_tui.sync.auto import META_CLOCK_SKEW, read_skew
from census_tui.sync.schema import DEFAULT_FORM_ID, FORM_IDS
from census_tui.visit.api import Dashboard, DwellingRow, HouseholdCase
from census_tui.visit.core import SessionCore
from census_tui.visit.exchange import latest_returns
from census_tui.visit.states import DONE, Board, CaseState, board_of

NEED_ADDRESS = Msg("请填写地址。", "Enter the address.")
FORM_LABELS: dict[str, Msg] = {
    "short2020": Msg("短表", "short form"),
    "long2020": Msg("长表", "long form"),
    "hmt2020": Msg("港澳台及外籍", "HMT-foreign form"),
}
"""The household forms in words (the visit screen, the change-form dialog)."""
FORM_MARKS: dict[str, Msg] = {
    "long2020": Msg("长表", "long"),
    "hmt2020": Msg("港澳台", "HMT"),
}
"""The mark a worklist row carries for a form other than the short form (short rows are
unmarked, to keep them lean)."""
FORM_LOCKED = Msg(
    "该户已上传或已审核,不能更换表式;如需更正请联系普查指导员。",
    "This household has been uploaded or approved: its form cannot be changed. Ask your "
    "supervisor.",
)
UNKNOWN_FORM = Msg(
    "只能在短表、长表和港澳台及外籍表之间更换。",
    "A household's form is the short form, the long form or the HMT-foreign form.",
)
HAS_HOUSEHOLDS = Msg(
    "该住房单元已有户:请选择一户更换其表式。",
    "This dwelling already has households: change the form of one of them.",
)


def form_label(form_id: str) -> Msg:
    return FORM_LABELS.get(form_id, Msg(form_id, form_id))


def form_mark(form_id: str) -> Msg | None:
    """The row mark of a form, None for the short form (and for one this program lacks)."""
    return FORM_MARKS.get(form_id)


def answered_items(old: Form, new: Form, hh: Household) -> tuple[list[str], list[str]]:
    """The item ids the household has answers to, split into those a change from ``old`` to
    ``new`` keeps (both forms have them with the same meaning: :func:`shared_items`) and those
    it drops, each in the old form's asking order (household, person, death items). Death
    records' answers all go when ``new`` has no death records."""
    keep = shared_items(old, new)
    answered = set(hh.answers)
    for p in hh.persons:
        answered |= set(p.answers)
    dead = set().union(*(d.answers for d in hh.deaths)) if hh.deaths else set()
    order = [i.id for i in (*old.household_items, *old.person_items, *old.death_items)]
    rank = {item_id: n for n, item_id in enumerate(order)}

    def ordered(ids: set[str]) -> list[str]:
        return sorted(ids, key=lambda i: (rank.get(i, len(rank)), i))

    kept = {i for i in answered if i in keep}
    dropped = answered - kept
    if new.death_items:
        kept |= {i for i in dead if i in keep}
        dropped |= {i for i in dead if i not in keep}
    else:
        dropped |= dead
    return ordered(kept), ordered(dropped - kept)


class DwellingsMixin(SessionCore):
    """The dashboard and the dwellings and households on it."""

    def dashboard(self) -> Dashboard:
        """The worklist: appointments due today (or overdue) first by time, then every other
        dwelling by id. Built a batch of dwellings at a time into a compact
        :class:`~census_tui.visit.worklist.Worklist` (a 5,000-dwelling area never sits in memory
        as 5,000 row objects)."""
        from census_tui.visit.worklist import WorklistBuilder

        area_id = self.area_id()
        area_name = next((a.name for a in self.store.areas() if a.id == area_id), "")
        cases_by_dwelling: dict[str, list[tuple[int, str, str, str]]] = {}
        for c in self.store.cases():
            cases_by_dwelling.setdefault(c.dwelling_id, []).append(
                (c.hh_number, c.state, c.uuid, c.form_id)
            )
        heads = self.store.head_names()
        now = self.clock.now()
        today_end = (now.astimezone(self.tz) + timedelta(days=1)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        booked: dict[str, datetime] = {}
        for booking in self.store.appointments():
            if booking.status == "booked":
                booked[booking.dwelling_id] = booking.scheduled_at
        comments = {k: v.comment for k, v in latest_returns(self.store).items()}
        roster_pending = self.store.roster_pending()

        def row_of(d: Dwelling) -> DwellingRow:
            cases = sorted(cases_by_dwelling.get(d.id, []))
            # The row shows the first household still needing work (a second household
            # keeps the dwelling on the worklist after the first is completed).
            todo = [c for c in cases if CaseState(c[1]) not in DONE]
            shown = (todo or cases)[0] if cases else None
            state = CaseState(shown[1]) if shown else CaseState.LISTED
            if state in DONE and roster_pending.get(d.id):
                # a collective site is done with its list, not with its first household
                state = CaseState.INTERVIEWING
            # a booked visit shows while the dwelling has work to do (an appointment, a return
            # to correct, an interview to finish), whoever booked it (a moved dwelling's too)
            appt = booked.get(d.id) if state not in DONE else None
            return DwellingRow(
                dwelling_id=d.id,
                address=d.address or f"{d.building} {d.unit}".strip(),
                kind=d.kind,
                state=state,
                board=board_of(state),
                households=len(cases),
                head_name=next((heads[u] for _, _, u, _ in cases if u in heads), ""),
                appointment_at=appt,
                overdue=appt is not None and appt < now,
                returned_comment=next((comments[u] for _, _, u, _ in cases if u in comments), ""),
                note=d.note,
                # the household the row shows is asked on its own form; before any, the
                # dwelling's (the office's sample)
                form_id=shown[3] if shown else d.form_id,
            )

        due: list[DwellingRow] = []
        for dwelling_id, at in booked.items():
            if at < today_end:
                row = row_of(self.store.dwelling(dwelling_id))
                if row.appointment_at is not None:
                    due.append(row)
        due.sort(key=lambda r: (r.appointment_at or now, r.dwelling_id))
        first = {r.dwelling_id for r in due}
        counts = {b: 0 for b in Board}
        worklist = WorklistBuilder(area_id)
        for row in due:
            worklist.add(row)
            counts[row.board] += 1
        # the area's dwellings, then those of any other area held here (a dwelling a
        # supervisor moved to this enumerator from a colleague's area, issue 20), by area
        others = [a.id for a in self.store.areas() if a.id != area_id] if area_id else []
        for area in (area_id or None, *others):
            for d in self.store.iter_dwellings(area):
                if d.id not in first:
                    row = row_of(d)
                    worklist.add(row)
                    counts[row.board] += 1
        rows = worklist.build()
        log = self.store.sync_log(limit=20)
        last_ok = next((e.at for e in log if e.op == "sync" and e.result != "error"), None)
        return Dashboard(
            area_id=area_id,
            area_name=area_name,
            rows=rows,
            counts=counts,
            last_sync_at=last_ok,
            outbox_depth=self.store.outbox_depth(),
            training=self.training,
            refused=tuple(self.store.outbox_refused()),
            online=bool(self.store.get_meta(META_SERVER_URL) and self.store.get_meta(META_TOKEN)),
            clock_skew=read_skew(self.store.get_meta(META_CLOCK_SKEW)),
        )

    def add_dwelling(self, address: str, kind: str = "ordinary") -> str:
        """A dwelling found on site (not in the listing): ``<area>-N0001``, ``<area>-N0002`` …
        on this device, the form the server accepts for a dwelling of the caller's area."""
        address = address.strip()
        if not address:
            raise BadInput(NEED_ADDRESS)
        taken = {d.id for d in self.store.dwellings()}
        area = self.area_id()
        n = 1
        while f"{area}-N{n:04d}" in taken:
            n += 1
        new_id = f"{area}-N{n:04d}"
        self.store.upsert_dwelling(
            Dwelling(
                new_id,
                self.area_id(),
                address=address[:200],
                kind=kind,
                added_on_site=True,
                sort_key=new_id,
            )
        )
        self.store.log_event("dwelling_added", actor=self.account, data={"dwelling": new_id})
        return new_id

    def open_second_household(self, dwelling_id: str) -> str:
        """Another household in the same dwelling: its own 户编号 after the area's highest."""
        return self.store.create_household(dwelling_id, training=self.training, actor=self.account)

    def households(self, dwelling_id: str) -> list[HouseholdCase]:
        """The household cases of one dwelling by 户编号 (a dwelling can hold several)."""
        heads = self.store.head_names()
        return [
            HouseholdCase(c.uuid, c.hh_number, CaseState(c.state), heads.get(c.uuid, ""), c.form_id)
            for c in sorted(self.store.cases(dwelling_id), key=lambda c: c.hh_number)
        ]

    def dwelling_form(self, dwelling_id: str) -> str:
        """The form the census office assigned the dwelling (its new households take it)."""
        return self.store.dwelling(dwelling_id).form_id or DEFAULT_FORM_ID

    def change_dwelling_form(self, dwelling_id: str, form_id: str) -> None:
        """The form of a dwelling that has no household yet (nothing is answered, so nothing
        is dropped): its first household will take it. With households, change theirs
        (``change_form``)."""
        if form_id not in FORM_IDS:
            raise BadInput(UNKNOWN_FORM)
        with self.store.transaction():
            if self.store.cases(dwelling_id):
                raise ConflictError(HAS_HOUSEHOLDS)
            self.store.set_dwelling_form(dwelling_id, form_id, actor=self.account)
