"""The supervisor's data in the server's storage: scope, sync times, decisions, samples,
re-visits (SQL shared by both backends; ``Storage`` inherits :class:`SupervisorStore`).

**Scope.** ``supervisor_of (supervisor, enumerator)`` assigns enumerators to a supervisor; the
supervisor's areas are the areas assigned to those enumerators (``assignments``), and a case is
in scope when its area (``cases.area_id``, fixed at its first upload) is one of them. The
supervisor's own ``assignments`` rows, if any, give no scope.

**Idempotency.** A decision (approve, return), a spot-check sample and a re-visit each carry a
client-chosen UUID, the primary key of ``decisions``, ``spot_samples`` and ``revisits``: sent
again with the same content it is answered as stored the first time (``duplicate``) and stored
once; with other content it is a ``conflict``. Two concurrent sends of one UUID meet on the
primary key: the second transaction rolls back and reads the first's row.

Every method runs in a worker thread (the application calls them through the thread pool);
nothing here logs, and no message carries an answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from census_tui.clock import Clock, iso

if TYPE_CHECKING:
    from census_tui.server.storage import Row, Tx

SYNC_NOTE_EVERY = 60.0
"""An enumerator's last sync time is written at most once a minute (reads stay cheap)."""


def digest(doc: Any) -> str:
    """The SHA-256 of a request's canonical JSON (what makes a replay the same request)."""
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _marks(n: int) -> str:
    return ",".join("?" * n)


PROGRESS_STATES = (
    "to_visit",
    "uploaded",
    "returned",
    "approved",
    "refused",
    "vacant",
    "no_contact",
    "appointment",
    "in_progress",
)
"""A dwelling's states in progress: ``uploaded`` is a household waiting for review;
``appointment`` and ``in_progress`` come from the events devices upload (event_store.py)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """A supervisor's enumerators (account, name, work id) and areas (area id -> the
    enumerators assigned to it)."""

    enumerators: list[tuple[str, str, str]]
    areas: dict[str, list[str]]

    def areas_of(self, enumerator: str) -> list[str]:
        return sorted(a for a, who in self.areas.items() if enumerator in who)


@dataclass(slots=True)
class AreaData:
    """What progress, the queue and the sampling read of a set of areas."""

    names: dict[str, str] = field(default_factory=dict)
    dwellings: list[Row] = field(default_factory=list)
    households: list[Row] = field(default_factory=list)
    """The latest revision of every case of the areas (payload included)."""
    reviews: list[Row] = field(default_factory=list)
    """Every review of the areas' cases, in cursor order."""
    outcomes: list[Row] = field(default_factory=list)
    """Every visit outcome of the areas, in the order the server received them."""


@dataclass(frozen=True, slots=True)
class Written:
    """The answer to an idempotent write: ``stored``, ``duplicate`` (the same UUID and
    content again: ``answer`` is the first one's), ``conflict`` (the same UUID, other
    content), ``missing`` (no such case), ``forbidden`` (outside the scope) or ``moved``
    (the case has a newer revision than the decision names: ``server_revision``)."""

    status: str
    answer: dict[str, Any] = field(default_factory=dict)
    server_revision: int = 0


class _Raced(Exception):
    """Another transaction stored the same UUID first: roll back, then read its row."""


"""Read on every sync call (by ``note_sync``): a primary-key lookup."""
Q_LATEST_OF_AREAS = (
    "SELECT h.case_uuid, h.revision, h.area_id, h.dwelling_id, h.account, h.flagged, h.flags,"
    " h.received, h.payload FROM cases c JOIN households h ON h.case_uuid = c.case_uuid"
    " WHERE c.area_id IN ({marks}) AND h.revision ="
    " (SELECT MAX(x.revision) FROM households x WHERE x.case_uuid = c.case_uuid)"
    " ORDER BY h.case_uuid"
)
Q_SCOPE = (
    "SELECT a.account, a.name, a.work_id, g.area_id FROM supervisor_of s"
    " JOIN accounts a ON a.account = s.enumerator"
    " LEFT JOIN assignments g ON g.account = s.enumerator"
    " WHERE s.supervisor = ? ORDER BY a.account, g.area_id"
)
Q_IN_SCOPE = (
    "SELECT 1 FROM supervisor_of s JOIN assignments g ON g.account = s.enumerator"
    " WHERE s.supervisor = ? AND g.area_id = ?"
)


class SupervisorStore:
    """The supervisor's queries, mixed into ``Storage`` (which provides the connection)."""

    clock: Clock
    lock_clause: ClassVar[str] = ""

    if TYPE_CHECKING:

        def _q(self, sql: str, args: Sequence[Any] = ()) -> list[Row]: ...

        def tx(self) -> AbstractContextManager[Tx]: ...

        def _next_seq(self, t: Tx) -> int: ...

    # -- scope and sync times -------------------------------------------------------------------
    def add_supervision(self, supervisor: str, enumerators: Iterable[str]) -> None:
        """Put enumerators in a supervisor's scope (idempotent)."""
        with self.tx() as t:
            for enumerator in enumerators:
                t.execute(
                    "INSERT INTO supervisor_of (supervisor, enumerator) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (supervisor, enumerator),
                )

    def remove_supervision(self, supervisor: str, enumerator: str) -> None:
        with self.tx() as t:
            t.execute(
                "DELETE FROM supervisor_of WHERE supervisor = ? AND enumerator = ?",
                (supervisor, enumerator),
            )

    def scope(self, supervisor: str) -> Scope:
        enumerators: dict[str, tuple[str, str, str]] = {}
        areas: dict[str, list[str]] = {}
        for r in self._q(Q_SCOPE, (supervisor,)):
            enumerators[r["account"]] = (r["account"], r["name"], r["work_id"])
            if r["area_id"] is not None:
                areas.setdefault(str(r["area_id"]), []).append(str(r["account"]))
        return Scope(list(enumerators.values()), areas)

    def note_sync(self, account: str, *, last: float | None) -> None:
        """Record an authenticated sync call of ``account`` now (at most once a minute);
        ``last``: its last recorded sync as the caller read it (``Storage.caller``; None: none)."""
        now = self.clock.now().timestamp()
        if last is not None and 0 <= now - last < SYNC_NOTE_EVERY:
            return
        with self.tx() as t:
            t.execute(
                "INSERT INTO sync_times (account, at) VALUES (?, ?)"
                " ON CONFLICT (account) DO UPDATE SET at = excluded.at",
                (account, now),
            )

    def sync_times(self, accounts: Sequence[str]) -> dict[str, float]:
        if not accounts:
            return {}
        rows = self._q(
            f"SELECT account, at FROM sync_times WHERE account IN ({_marks(len(accounts))})",
            tuple(accounts),
        )
        return {str(r[0]): float(r[1]) for r in rows}

    # -- what the areas hold ----------------------------------------------------------------------
    def area_data(
        self, area_ids: Sequence[str], *, outcomes: bool = True, t: Tx | None = None
    ) -> AreaData:
        """Names, dwellings, latest households, reviews and (``outcomes``) visit outcomes of
        the areas (inside the transaction ``t`` when given)."""
        out = AreaData()
        if not area_ids:
            return out

        def q(sql: str) -> list[Row]:
            args = tuple(area_ids)
            sql = sql.format(marks=_marks(len(area_ids)))
            return self._q(sql, args) if t is None else t.execute(sql, args).fetchall()

        out.names = self.area_names(area_ids, t)
        out.dwellings = q("SELECT * FROM dwellings WHERE area_id IN ({marks}) ORDER BY dwelling_id")
        out.households = q(Q_LATEST_OF_AREAS)
        out.reviews = q(
            "SELECT case_uuid, revision, action, seq FROM reviews"
            " WHERE area_id IN ({marks}) ORDER BY seq"
        )
        if outcomes:
            out.outcomes = q(
                "SELECT dwelling_id, area_id, kind, received, payload FROM outcomes"
                " WHERE area_id IN ({marks}) ORDER BY received, outcome_uuid"
            )
        return out

    def area_names(self, area_ids: Sequence[str], t: Tx | None = None) -> dict[str, str]:
        if not area_ids:
            return {}
        sql = f"SELECT area_id, name FROM areas WHERE area_id IN ({_marks(len(area_ids))})"
        args = tuple(area_ids)
        rows = self._q(sql, args) if t is None else t.execute(sql, args).fetchall()
        return {str(r[0]): str(r[1]) for r in rows}

    def case_area(self, case_uuid: str) -> str | None:
        rows = self._q("SELECT area_id FROM cases WHERE case_uuid = ?", (case_uuid,))
        return str(rows[0][0]) if rows else None

    def case_rows(self, case_uuid: str) -> dict[str, list[Row]]:
        """Everything the case view shows: its revisions (newest first, payloads included),
        reviews, re-visits, its dwelling and that dwelling's visit outcomes."""
        revisions = self._q(
            "SELECT * FROM households WHERE case_uuid = ? ORDER BY revision DESC", (case_uuid,)
        )
        dwelling = revisions[0]["dwelling_id"] if revisions else ""
        return {
            "revisions": revisions,
            "reviews": self._q(
                "SELECT * FROM reviews WHERE case_uuid = ? ORDER BY seq", (case_uuid,)
            ),
            "revisits": self._q(
                "SELECT revisit_uuid, supervisor, revision, at, answer FROM revisits"
                " WHERE case_uuid = ? ORDER BY at, revisit_uuid",
                (case_uuid,),
            ),
            "dwelling": self._q("SELECT * FROM dwellings WHERE dwelling_id = ?", (dwelling,)),
            "outcomes": self._q(
                "SELECT kind, payload, received FROM outcomes WHERE dwelling_id = ?"
                " ORDER BY received, outcome_uuid",
                (dwelling,),
            ),
        }

    def area_payloads(self, area_id: str, *, besides: str) -> list[str]:
        """The latest payloads of the area's other cases (the P-06 check across households)."""
        rows = self._q(Q_LATEST_OF_AREAS.format(marks="?"), (area_id,))
        return [str(r["payload"]) for r in rows if r["case_uuid"] != besides]

    def addresses(self, dwelling_ids: Sequence[str]) -> dict[str, str]:
        if not dwelling_ids:
            return {}
        rows = self._q(
            "SELECT dwelling_id, address FROM dwellings WHERE dwelling_id IN"
            f" ({_marks(len(dwelling_ids))})",
            tuple(dwelling_ids),
        )
        return {str(r[0]): str(r[1]) for r in rows}

    # -- decisions -------------------------------------------------------------------------------
    def decide(
        self,
        *,
        supervisor: str,
        decision_uuid: str,
        case_uuid: str,
        revision: int,
        action: str,
        comment: str,
        items: Callable[[str, str], list[tuple[str, str]]],
        request_digest: str,
    ) -> Written:
        """Approve (``approved``) or return (``returned``) revision ``revision`` of a case in
        the supervisor's scope, once per ``decision_uuid``. ``items(payload, form_id)`` gives
        the return's checked items for the latest payload (it raises ``review.BadReview``,
        which rolls everything back)."""
        return self._once(
            "decisions",
            "decision_uuid",
            decision_uuid,
            request_digest,
            lambda t: self._decide(
                t,
                supervisor,
                decision_uuid,
                case_uuid,
                revision,
                action,
                comment,
                items,
                request_digest,
            ),
        )

    def _decide(
        self,
        t: Tx,
        supervisor: str,
        decision_uuid: str,
        case_uuid: str,
        revision: int,
        action: str,
        comment: str,
        items: Callable[[str, str], list[tuple[str, str]]],
        request_digest: str,
    ) -> Written:
        found = self._latest_in_scope(t, supervisor, case_uuid, lock=True)
        if isinstance(found, Written):
            return found
        area_id, latest, payload = found
        if latest != revision:
            return Written("moved", server_revision=latest)
        try:
            form_id = str(json.loads(payload).get("form_id", "short2020"))
        except (ValueError, AttributeError):
            form_id = "short2020"
        clean = items(payload, form_id)
        seq = self._next_seq(t)
        at = iso(self.clock.now())
        t.execute(
            'INSERT INTO reviews (seq, case_uuid, revision, area_id, action, comment, "by",'
            " at, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq,
                case_uuid,
                revision,
                area_id,
                action,
                comment,
                supervisor,
                at,
                json.dumps([list(i) for i in clean]),
            ),
        )
        answer = {
            "decision_uuid": decision_uuid,
            "case_uuid": case_uuid,
            "revision": revision,
            "action": action,
            "cursor": str(seq),
            "at": at,
            "items": [{"person_uuid": p, "item_id": i} for p, i in clean],
        }
        return self._claim(
            t,
            "INSERT INTO decisions (decision_uuid, supervisor, case_uuid, revision, action,"
            " sha256, review_seq, at, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (
                decision_uuid,
                supervisor,
                case_uuid,
                revision,
                action,
                request_digest,
                seq,
                at,
                json.dumps(answer, ensure_ascii=False),
            ),
            answer,
        )

    def decisions_of(self, supervisor: str) -> int:
        """How many decisions a supervisor has made (tests, the admin)."""
        rows = self._q("SELECT COUNT(*) FROM decisions WHERE supervisor = ?", (supervisor,))
        return int(rows[0][0])

    # -- spot-check samples ---------------------------------------------------------------------
    def store_sample(
        self,
        *,
        supervisor: str,
        sample_uuid: str,
        request_digest: str,
        area_ids: Sequence[str],
        make: Callable[[AreaData], dict[str, Any]],
    ) -> Written:
        """Draw and keep a sample once per ``sample_uuid``: ``make`` turns the areas' data
        into the sample's answer (it raises ``BadInput`` to refuse, which stores nothing)."""

        def write(t: Tx) -> Written:
            answer = make(self.area_data(area_ids, outcomes=False, t=t))
            return self._claim(
                t,
                "INSERT INTO spot_samples (sample_uuid, supervisor, created, seed, sha256,"
                " answer) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    sample_uuid,
                    supervisor,
                    answer["created"],
                    answer["seed"],
                    request_digest,
                    json.dumps(answer, ensure_ascii=False),
                ),
                answer,
            )

        return self._once("spot_samples", "sample_uuid", sample_uuid, request_digest, write)

    def samples_of(self, supervisor: str) -> list[dict[str, Any]]:
        """A supervisor's samples, newest first, as they were answered."""
        rows = self._q(
            "SELECT answer FROM spot_samples WHERE supervisor = ?"
            " ORDER BY created DESC, sample_uuid",
            (supervisor,),
        )
        return [json.loads(r[0]) for r in rows]

    def revisited(self, supervisor: str) -> set[str]:
        """The cases this supervisor has recorded a re-visit of."""
        rows = self._q(
            "SELECT DISTINCT case_uuid FROM revisits WHERE supervisor = ?", (supervisor,)
        )
        return {str(r[0]) for r in rows}

    def _latest_in_scope(
        self, t: Tx, supervisor: str, case_uuid: str, *, lock: bool = False
    ) -> Written | tuple[str, int, str]:
        """The case's area and latest revision with its payload, if the case exists and is in
        the supervisor's scope (``lock``: its owner row locked for the transaction)."""
        owner = t.execute(
            "SELECT area_id FROM cases WHERE case_uuid = ?" + (self.lock_clause if lock else ""),
            (case_uuid,),
        ).fetchone()
        if owner is None:
            return Written("missing")
        if t.execute(Q_IN_SCOPE, (supervisor, owner[0])).fetchone() is None:
            return Written("forbidden")
        top = t.execute(
            "SELECT revision, payload FROM households WHERE case_uuid = ?"
            " ORDER BY revision DESC LIMIT 1",
            (case_uuid,),
        ).fetchone()
        return str(owner[0]), int(top[0]), str(top[1])

    def _kept(self, t: Tx, table: str, key: str, value: str, request_digest: str) -> Written | None:
        """The stored answer of an idempotent write (``duplicate``), a ``conflict`` when the
        UUID came with other content, None when it is new. ``table``/``key`` are constants."""
        row = t.execute(f"SELECT sha256, answer FROM {table} WHERE {key} = ?", (value,)).fetchone()
        if row is None:
            return None
        if row[0] != request_digest:
            return Written("conflict")
        return Written("duplicate", json.loads(row[1]))

    def _once(
        self,
        table: str,
        key: str,
        value: str,
        request_digest: str,
        write: Callable[[Tx], Written],
    ) -> Written:
        """An idempotent write: the answer kept for ``value`` (``duplicate``/``conflict``), else
        ``write`` in one transaction; when another transaction stored the same UUID meanwhile
        (``write``'s :meth:`_claim` raised), the row that won."""
        try:
            with self.tx() as t:
                before = self._kept(t, table, key, value, request_digest)
                return before if before is not None else write(t)
        except _Raced:
            with self.tx() as t:
                kept = self._kept(t, table, key, value, request_digest)
            return kept or Written("conflict")

    @staticmethod
    def _claim(t: Tx, insert: str, params: Sequence[Any], answer: dict[str, Any]) -> Written:
        """Insert a write's row (``insert`` ends ``ON CONFLICT DO NOTHING``): ``stored``, or
        :class:`_Raced` when the UUID's row was there first (the transaction rolls back)."""
        if t.execute(insert, params).rowcount != 1:
            raise _Raced
        return Written("stored", answer)

    # -- re-visits ----------------------------------------------------------------------------
    def store_revisit(
        self,
        *,
        supervisor: str,
        revisit_uuid: str,
        case_uuid: str,
        request_digest: str,
        payload: str,
        make: Callable[[int, str], dict[str, Any]],
    ) -> Written:
        """Keep a re-visit of a case in scope once per ``revisit_uuid``; ``make(revision,
        household payload)`` compares it with the latest revision and gives the answer."""

        def write(t: Tx) -> Written:
            found = self._latest_in_scope(t, supervisor, case_uuid)
            if isinstance(found, Written):
                return found
            _, latest, stored = found
            answer = make(latest, stored)
            return self._claim(
                t,
                "INSERT INTO revisits (revisit_uuid, supervisor, case_uuid, revision,"
                " payload, sha256, at, answer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (
                    revisit_uuid,
                    supervisor,
                    case_uuid,
                    latest,
                    payload,
                    request_digest,
                    answer["at"],
                    json.dumps(answer, ensure_ascii=False),
                ),
                answer,
            )

        return self._once("revisits", "revisit_uuid", revisit_uuid, request_digest, write)
