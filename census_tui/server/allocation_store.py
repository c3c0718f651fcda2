"""Who holds a dwelling, moving it, and the cases that go with it (issue 20 §1-§3; SQL shared
by both backends; ``Storage`` inherits :class:`AllocationStore`).

**Assignment.** ``dwellings.assigned_to`` (server migration 8) is NULL for a dwelling worked by
its area's enumerators (as before), or the one enumerator a supervisor gave it to, who may hold
areas of their own elsewhere. An enumerator's dwellings are the unassigned ones of their areas
plus every dwelling assigned to them.

**A move** (:meth:`AllocationStore.allocate`) gives dwellings to one enumerator and, in the same
transaction, the ownership of their cases (``cases.account``, with ``cases.seq``/``moved_at``:
the cursor and time of the transfer); ``dwelling_moves`` records each dwelling moved (from,
to, when, how many cases, whether the supervisor confirmed unsynced work). The dwelling and its
cases get a new cursor, so the new holder's next ``GET /assignments`` carries them and the
former holder's carries the dwelling in ``withdrawn``. The case keeps its area: supervision
scope and the area's counts do not change.

**Unsynced work.** The server cannot see a device, only what it uploaded. A move of a dwelling
whose holder may have work on the device that the server does not have needs the supervisor's
confirmation; "may have" is, as far as the server knows (:func:`unsynced_reasons`):

* ``returned_not_uploaded``: a case of it was returned to its owner and no newer revision came
  since (the correction is on the device, or not begun);
* ``visit_after_upload``: the holder reported a visit to it (no contact, refused) after the
  latest revision of its cases, or reported one and no case was ever uploaded (a visit or an
  interview may be going on);

(uploaded visit events, issue 20 §4, are not yet a reason: see docs/protocol.md "Moving work").

**Exactly once.** An allocation carries the client's ``assign_uuid`` (``allocations``): the same
request again is answered as the first time, another one under the same UUID is a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from census_tui.clock import iso
from census_tui.server import event_store as es
from census_tui.server.supervisor_store import SupervisorStore, Written

if TYPE_CHECKING:
    from census_tui.server.storage import Row, Tx

RETURNED_NOT_UPLOADED = "returned_not_uploaded"
VISIT_AFTER_UPLOAD = "visit_after_upload"
OPEN_VISITS = ("no_contact", "refused")
"""Outcome kinds after which the enumerator may still be working on the dwelling."""


Q_ASSIGNED_SINCE = "SELECT * FROM dwellings WHERE assigned_to = ? AND seq > ? ORDER BY seq"
Q_MOVED_AWAY = (
    "SELECT DISTINCT m.dwelling_id FROM dwelling_moves m WHERE m.from_account = ? AND m.seq > ?"
)
Q_CASES_MOVED = "SELECT case_uuid FROM cases WHERE account = ? AND seq > ? ORDER BY case_uuid"
Q_CASES_OWNED = "SELECT case_uuid FROM cases WHERE account = ? ORDER BY case_uuid"
Q_REVIEWS_OWNED = (
    "SELECT r.* FROM cases c JOIN reviews r ON r.case_uuid = c.case_uuid"
    " WHERE c.account = ? AND r.seq > ? ORDER BY r.seq"
)
Q_DWELLING_PLACE = "SELECT area_id, assigned_to FROM dwellings WHERE dwelling_id = ?"
Q_DWELLING_PLACES = (
    "SELECT dwelling_id, area_id, assigned_to FROM dwellings WHERE dwelling_id IN ({marks})"
)
Q_OWN_CASE_OF_DWELLING = (
    "SELECT 1 FROM households h JOIN cases c ON c.case_uuid = h.case_uuid"
    " WHERE h.dwelling_id = ? AND c.account = ? LIMIT 1"
)


def _marks(n: int) -> str:
    return ",".join("?" * n)


ALLOCATION_PATH: dict[str, tuple[str, tuple[Any, ...]]] = {
    "dwellings assigned to an account since a cursor": (Q_ASSIGNED_SINCE, ("alice", 5)),
    "dwellings moved away from an account": (Q_MOVED_AWAY, ("alice", 5)),
    "cases moved to an account": (Q_CASES_MOVED, ("alice", 5)),
    "returns of an owner's cases": (Q_REVIEWS_OWNED, ("alice", 5)),
    "area and holder of a dwelling": (Q_DWELLING_PLACE, ("a1-001",)),
    "areas and holders of a batch's dwellings": (
        Q_DWELLING_PLACES.format(marks=_marks(2)),
        ("a1-001", "a1-002"),
    ),
    "a case of a dwelling owned by an account": (Q_OWN_CASE_OF_DWELLING, ("a1-001", "alice")),
}
"""The queries this module adds to a device's sync (each must use an index)."""


@dataclass(slots=True)
class Handover:
    """What ``GET /assignments`` adds for one caller since a cursor."""

    dwellings: list[Row] = field(default_factory=list)
    """The caller's dwellings changed since the cursor (own areas' unassigned ones and those
    assigned to the caller anywhere)."""
    foreign_areas: list[Row] = field(default_factory=list)
    """Areas not the caller's that hold a dwelling assigned to the caller (sent with it)."""
    withdrawn: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    """The caller's cases to send whole (cursor 0: all of them; else those moved since)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One dwelling of an allocation: where it is, who holds it, its cases and their owners."""

    dwelling_id: str
    area_id: str
    assigned_to: str | None
    cases: dict[str, str]


class AllocationStore(SupervisorStore):
    """Dwelling assignment and moves, mixed into ``Storage``."""

    # -- the enumerator's side ------------------------------------------------------------------
    def dwelling_place(
        self, dwelling_id: str, t: Tx | None = None
    ) -> tuple[str, str | None] | None:
        """The dwelling's area and the one enumerator it is assigned to (None: the area's)."""
        rows = (
            self._q(Q_DWELLING_PLACE, (dwelling_id,))
            if t is None
            else t.execute(Q_DWELLING_PLACE, (dwelling_id,)).fetchall()
        )
        if not rows:
            return None
        holder = rows[0][1]
        return str(rows[0][0]), None if holder is None else str(holder)

    def dwelling_places(
        self, dwelling_ids: Sequence[str], t: Tx
    ) -> dict[str, tuple[str, str | None]]:
        """:meth:`dwelling_place` of many dwellings at once (a batch's), unknown ones left out."""
        ids = sorted(set(dwelling_ids))
        places: dict[str, tuple[str, str | None]] = {}
        for i in range(0, len(ids), 200):
            chunk = ids[i : i + 200]
            sql = Q_DWELLING_PLACES.format(marks=_marks(len(chunk)))
            for row in t.execute(sql, chunk).fetchall():
                places[str(row[0])] = (str(row[1]), None if row[2] is None else str(row[2]))
        return places

    def handover(self, account: str, own: Sequence[str], since: int) -> Handover:
        """The caller's dwellings, withdrawn dwellings and whole cases since ``since``."""
        out = Handover()
        seen: set[str] = set()
        if own:
            sql = f"SELECT * FROM dwellings WHERE area_id IN ({_marks(len(own))}) AND seq > ?"
            for r in self._q(sql + " ORDER BY seq", (*own, since)):
                holder = r["assigned_to"]
                if holder is None or holder == account:
                    out.dwellings.append(r)
                    seen.add(str(r["dwelling_id"]))
                elif since > 0:
                    out.withdrawn.append(str(r["dwelling_id"]))
        foreign: set[str] = set()
        for r in self._q(Q_ASSIGNED_SINCE, (account, since)):
            if str(r["dwelling_id"]) not in seen:
                out.dwellings.append(r)
                if str(r["area_id"]) not in own:
                    foreign.add(str(r["area_id"]))
        if foreign:
            out.foreign_areas = self._q(
                f"SELECT * FROM areas WHERE area_id IN ({_marks(len(foreign))}) ORDER BY area_id",
                tuple(sorted(foreign)),
            )
        if since > 0:
            gone = {str(r[0]) for r in self._q(Q_MOVED_AWAY, (account, since))}
            for dwelling_id in sorted(gone - set(out.withdrawn)):
                place = self.dwelling_place(dwelling_id)
                if place is not None and place[1] not in (None, account):
                    out.withdrawn.append(dwelling_id)
        query = Q_CASES_MOVED if since > 0 else Q_CASES_OWNED
        args = (account, since) if since > 0 else (account,)
        out.cases = [str(r[0]) for r in self._q(query, args)]
        return out

    def dwelling_histories(self, account: str, dwellings: Sequence[Row]) -> list[dict[str, Any]]:
        """The visit events of the dwellings assigned to ``account`` among ``dwellings`` (those
        of ``GET /assignments``) of which the caller owns no case: a dwelling moved before any
        household of it was uploaded brings its events this way (a case brings them in its
        ``history``). Only dwellings with events; each ``{"dwelling_id", "events"}``."""
        out: list[dict[str, Any]] = []
        for r in dwellings:
            dwelling = str(r["dwelling_id"])
            if r["assigned_to"] != account:
                continue
            rows = self._q(es.Q_DWELLING_EVENTS, (dwelling,))
            if not rows or self._q(Q_OWN_CASE_OF_DWELLING, (dwelling, account)):
                continue
            events = es.case_history(rows, None)["history"]
            if events:
                out.append({"dwelling_id": dwelling, "events": events})
        return out

    def reviews_of_owner(self, account: str, since: int) -> list[Row]:
        """The returns and approvals of the caller's cases since the cursor (wherever their
        area: a case moved to the caller keeps its own)."""
        return self._q(Q_REVIEWS_OWNED, (account, since))

    def case_export(self, case_uuid: str) -> dict[str, Any] | None:
        """A case as it goes to its (new) owner's device: the latest revision's household
        JSON, its review state, the latest return and the visit history the server has."""
        from census_tui.server.storage import Storage  # the subclass, imported when used

        revisions = self._q(
            "SELECT revision, dwelling_id, area_id, payload FROM households WHERE case_uuid = ?"
            " ORDER BY revision DESC LIMIT 1",
            (case_uuid,),
        )
        if not revisions:
            return None
        top = revisions[0]
        reviews = self._q(
            "SELECT revision, action, comment, at, items FROM reviews WHERE case_uuid = ?"
            " ORDER BY seq",
            (case_uuid,),
        )
        last = reviews[-1] if reviews else None
        decided = last is not None and int(last["revision"]) == int(top["revision"])
        state = str(last["action"]) if decided and last is not None else "uploaded"
        back = [r for r in reviews if r["action"] == "returned"]
        latest_return = None
        if back:
            r = back[-1]
            latest_return = {
                "revision": int(r["revision"]),
                "comment": str(r["comment"]),
                "at": str(r["at"]),
                "items": Storage.review_items(r),
            }
        dwelling = str(top["dwelling_id"])
        outcomes = self._q(
            "SELECT kind, payload, received FROM outcomes WHERE dwelling_id = ?"
            " ORDER BY received, outcome_uuid",
            (dwelling,),
        )
        history: dict[str, list[Any]] = {
            "outcomes": [visit_outcome(o) for o in outcomes],
            # the visit events the devices uploaded (appointments, attempts, identity shown …)
            "events": es.case_history(self._q(es.Q_DWELLING_EVENTS, (dwelling,)), case_uuid)[
                "history"
            ],
        }
        try:
            household = json.loads(str(top["payload"]))
        except ValueError:
            return None
        return {
            "case_uuid": case_uuid,
            "dwelling_id": dwelling,
            "area_id": str(top["area_id"]),
            "revision": int(top["revision"]),
            "state": state,
            "household": household,
            "return": latest_return,
            "history": history,
        }

    # -- the supervisor's side ----------------------------------------------------------------
    def dwelling_targets(self, t: Tx, dwelling_ids: Sequence[str]) -> dict[str, Target]:
        """The listed dwellings among ``dwelling_ids`` with their cases' owners (locked on
        PostgreSQL for the transaction: an upload of one of them waits for the move)."""
        if not dwelling_ids:
            return {}
        rows = t.execute(
            "SELECT dwelling_id, area_id, assigned_to FROM dwellings WHERE dwelling_id IN"
            f" ({_marks(len(dwelling_ids))})" + self.lock_clause,
            tuple(dwelling_ids),
        ).fetchall()
        out: dict[str, Target] = {}
        for r in rows:
            owners = t.execute(
                "SELECT c.case_uuid, c.account FROM cases c WHERE c.case_uuid IN"
                " (SELECT DISTINCT h.case_uuid FROM households h WHERE h.dwelling_id = ?)"
                " ORDER BY c.case_uuid" + self.lock_clause,
                (r[0],),
            ).fetchall()
            out[str(r[0])] = Target(
                str(r[0]),
                str(r[1]),
                None if r[2] is None else str(r[2]),
                {str(o[0]): str(o[1]) for o in owners},
            )
        return out

    def area_dwelling_ids(self, area_id: str) -> list[str]:
        rows = self._q("SELECT dwelling_id FROM dwellings WHERE area_id = ?", (area_id,))
        return sorted(str(r[0]) for r in rows)

    def allocate(
        self,
        *,
        supervisor: str,
        assign_uuid: str,
        request_digest: str,
        dwelling_ids: Sequence[str],
        to: str,
        confirm: bool,
        allowed: Callable[[Target], bool],
    ) -> Written:
        """Give the dwellings (and their cases) to ``to``, once per ``assign_uuid``.

        ``allowed(target)`` says whether a dwelling is in the supervisor's scope. Answers
        ``missing`` (a dwelling not listed: ``answer["dwelling_id"]``), ``forbidden``,
        ``unsynced`` (work the server knows of is not uploaded and ``confirm`` is false:
        ``answer["unsynced"]``), or ``stored``/``duplicate``/``conflict`` as every write."""

        def write(t: Tx) -> Written:
            targets = self.dwelling_targets(t, dwelling_ids)
            for d in dwelling_ids:
                if d not in targets:
                    return Written("missing", {"dwelling_id": d})
            if not all(allowed(x) for x in targets.values()):
                return Written("forbidden")
            found = []
            for d in dwelling_ids:
                x = targets[d]
                holders = {a for a in (x.assigned_to, *x.cases.values()) if a and a != to}
                reasons = unsynced_reasons(t, x, holders, to)
                found.append((x, holders, reasons))
            blocked = [
                {"dwelling_id": x.dwelling_id, "accounts": sorted(h), "reasons": r}
                for x, h, r in found
                if r
            ]
            if blocked and not confirm:
                return Written("unsynced", {"unsynced": blocked})
            at = iso(self.clock.now())
            moved = [self._move(t, assign_uuid, supervisor, to, at, *f) for f in found]
            answer = {
                "assign_uuid": assign_uuid,
                "to": to,
                "at": at,
                "confirmed": confirm,
                "dwellings": moved,
            }
            return self._claim(
                t,
                "INSERT INTO allocations (assign_uuid, supervisor, sha256, at, answer)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    assign_uuid,
                    supervisor,
                    request_digest,
                    at,
                    json.dumps(answer, ensure_ascii=False),
                ),
                answer,
            )

        return self._once("allocations", "assign_uuid", assign_uuid, request_digest, write)

    def _move(
        self,
        t: Tx,
        assign_uuid: str,
        supervisor: str,
        to: str,
        at: str,
        x: Target,
        holders: set[str],
        reasons: list[str],
    ) -> dict[str, Any]:
        moving = sorted(c for c, owner in x.cases.items() if owner != to)
        changed = x.assigned_to != to or bool(moving)
        if changed:
            seq = self._next_seq(t)
            t.execute(
                "UPDATE dwellings SET assigned_to = ?, seq = ? WHERE dwelling_id = ?",
                (to, seq, x.dwelling_id),
            )
            for case in moving:
                t.execute(
                    "UPDATE cases SET account = ?, seq = ?, moved_at = ? WHERE case_uuid = ?",
                    (to, seq, at, case),
                )
            t.execute(
                "INSERT INTO dwelling_moves (assign_uuid, dwelling_id, supervisor, from_account,"
                " to_account, cases, confirmed, at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    assign_uuid,
                    x.dwelling_id,
                    supervisor,
                    x.assigned_to,
                    to,
                    len(moving),
                    int(bool(reasons)),
                    at,
                    seq,
                ),
            )
        return {
            "dwelling_id": x.dwelling_id,
            "area_id": x.area_id,
            "from": x.assigned_to,
            "changed": changed,
            "cases": moving,
            "unsynced": reasons,
        }

    def dwelling_moves(self, dwelling_id: str) -> list[Row]:
        """Every recorded move of a dwelling, oldest first (tests, the office)."""
        return self._q(
            "SELECT * FROM dwelling_moves WHERE dwelling_id = ? ORDER BY seq", (dwelling_id,)
        )

    def case_owners(self, area_id: str) -> dict[str, str]:
        """Each case of the area (wherever its dwelling went) and the account that owns it."""
        rows = self._q("SELECT case_uuid, account FROM cases WHERE area_id = ?", (area_id,))
        return {str(r[0]): str(r[1]) for r in rows}

    def holders(self, area_ids: Sequence[str]) -> dict[str, str | None]:
        """Each dwelling of the areas and the one enumerator it is assigned to (or None)."""
        if not area_ids:
            return {}
        rows = self._q(
            "SELECT dwelling_id, assigned_to FROM dwellings WHERE area_id IN"
            f" ({_marks(len(area_ids))}) ORDER BY dwelling_id",
            tuple(area_ids),
        )
        return {str(r[0]): None if r[1] is None else str(r[1]) for r in rows}


def unsynced_reasons(t: Tx, x: Target, holders: set[str], to: str) -> list[str]:
    """Why the server thinks a holder of the dwelling may have work it does not have (the
    module's docstring); empty when it knows of none. ``holders`` are the accounts it moves
    away from (besides ``to``); adds to it whoever reported the last visit. An unassigned
    dwelling's holders are its area's enumerators: whoever visited it counts."""
    reasons: list[str] = []
    latest_received = ""
    for case, owner in x.cases.items():
        top = t.execute(
            "SELECT revision, received FROM households WHERE case_uuid = ?"
            " ORDER BY revision DESC LIMIT 1",
            (case,),
        ).fetchone()
        if top is None:
            continue
        latest_received = max(latest_received, str(top[1]))
        last = t.execute(
            "SELECT revision, action FROM reviews WHERE case_uuid = ? ORDER BY seq DESC LIMIT 1",
            (case,),
        ).fetchone()
        if (
            owner in holders
            and last is not None
            and last[1] == "returned"
            and int(last[0]) == int(top[0])
            and RETURNED_NOT_UPLOADED not in reasons
        ):
            reasons.append(RETURNED_NOT_UPLOADED)
    last_visit = t.execute(
        "SELECT account, kind, received FROM outcomes WHERE dwelling_id = ?"
        " ORDER BY received DESC, outcome_uuid LIMIT 1",
        (x.dwelling_id,),
    ).fetchone()
    if last_visit is not None and str(last_visit[0]) != to:
        by = str(last_visit[0])
        theirs = x.assigned_to in (None, by) or by in holders
        if theirs and str(last_visit[1]) in OPEN_VISITS and str(last_visit[2]) > latest_received:
            holders.add(by)
            reasons.append(VISIT_AFTER_UPLOAD)
    return reasons


def visit_outcome(row: Row) -> dict[str, Any]:
    """A stored visit outcome as the case view and a moved case show it."""
    try:
        doc = json.loads(str(row["payload"]))
    except ValueError:
        doc = {}
    doc = doc if isinstance(doc, dict) else {}
    attempts = doc.get("attempts")
    return {
        "kind": str(row["kind"]),
        "at": str(doc.get("at") or row["received"]),
        "attempts": attempts if isinstance(attempts, int) and not isinstance(attempts, bool) else 0,
        "note": str(doc.get("note") or ""),
    }
