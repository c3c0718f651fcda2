"""What ``status`` shows and the support bundle's counts: ids, states, counts; never answers.

Dwelling ids are internal listing ids (no address); the area is the 15-digit 普查小区 code
(FACTS §8.1). Names, ID numbers, phone numbers, addresses and notes never appear here.

A case still at the contact stage (listed, no contact, appointment, refused, vacant …) is a
dwelling's visit outcome, not a household: ``households`` counts only cases whose interview has
begun, and ``dwellings_by_state`` shows each dwelling once, in its own state (a refused or
vacant dwelling is not ``listed``). ``cases`` and ``cases_by_state`` count every case, as before.

A supervisor's profile (``META_ROLE`` ``supervisor``, issue 19) holds no dwellings: its report
says the role and, under ``supervisor``, how many cases' details are held on the device, the
decisions and re-visits waiting to be sent (and since when), those sent, those the server
refused (with the server's reasons in ``status``; counts only in the bundle) and when progress
and the review queue were last fetched. The counts come from the store's count helpers, which
never read a case body, a comment or a re-visit's answers.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from census_tui.clock import iso
from census_tui.logsetup import redact
from census_tui.store import (
    META_ACCOUNT,
    META_AREA,
    META_ROLE,
    META_SERVER_URL,
    META_TRAINING,
    Store,
)
from census_tui.supervision.words import DECISIONS, KIND_REVISIT
from census_tui.supervision.words import ROLE as SUPERVISOR
from census_tui.visit.states import DONE, PRE_INTERVIEW, CaseState

SYNC_LOG_SHOWN = 5
ENUMERATOR = "enumerator"
REASON_CHARS = 300
"""The server's reasons are cut to this many characters (the client keeps no longer ones)."""


def role(store: Store) -> str:
    """The profile's role: ``supervisor``, else ``enumerator`` (also for profiles older than
    roles, which never stored one)."""
    return SUPERVISOR if store.get_meta(META_ROLE) == SUPERVISOR else ENUMERATOR


def is_supervisor(store: Store) -> bool:
    return role(store) == SUPERVISOR


def _when(at: datetime | None) -> str | None:
    return iso(at) if at is not None else None


def supervisor_counts(store: Store) -> dict[str, Any]:
    """A supervisor's device in counts and times (safe for the support bundle): cases held,
    decisions and re-visits waiting, sent and refused, the oldest waiting, the fetch times."""
    tally = store.sup_tally()

    def count(kinds: tuple[str, ...] | None, state: str) -> int:
        return sum(n for (k, s), n in tally.items() if s == state and (kinds is None or k in kinds))

    fetched = store.sup_fetched_at()
    return {
        "cases_held": store.sup_case_count(),
        "decisions_waiting": count(DECISIONS, "queued"),
        "revisits_waiting": count((KIND_REVISIT,), "queued"),
        "waiting_oldest": _when(store.sup_oldest_queued()),
        "sent": count(None, "sent"),
        "refused": count(None, "refused"),
        "progress_fetched_at": _when(fetched.get("progress")),
        "queue_fetched_at": _when(fetched.get("queue")),
    }


def _reason(stored: str) -> dict[str, str]:
    """The server's reason as kept with a refused op (JSON ``{"zh", "en"}``), each cut short
    and with anything shaped like an ID or phone number masked."""
    try:
        doc = json.loads(stored) if stored else {}
    except ValueError:
        doc = {}
    if not isinstance(doc, dict):
        doc = {}
    return {lang: redact(str(doc.get(lang) or ""))[:REASON_CHARS] for lang in ("zh", "en")}


def supervisor_refusals(store: Store) -> list[dict[str, Any]]:
    """The ops the server refused: kind, case UUID, when made, the server's reason."""
    return [
        {"kind": kind, "case_uuid": case, "at": iso(at), "reason": _reason(result)}
        for kind, case, at, result in store.sup_refusals()
    ]


def is_household(state: str) -> bool:
    """Whether a case in ``state`` is a household being (or done being) registered, rather
    than a dwelling still at the contact stage."""
    try:
        return CaseState(state) not in PRE_INTERVIEW
    except ValueError:  # a state this version does not know: count it, do not hide it
        return True


def dwelling_state(states: list[str]) -> str:
    """The state a dwelling shows, from its cases' states in household-number order: the first
    household still needing work, else the first; ``listed`` with no case (as the dashboard)."""
    todo = [s for s in states if s not in DONE]
    return (todo or states or [CaseState.LISTED.value])[0]


def _tally(values: list[str]) -> dict[str, int]:
    """Counts by state in the lifecycle's order (unknown states last, by name)."""
    order = {s.value: i for i, s in enumerate(CaseState)}
    found = Counter(values)
    return {k: found[k] for k in sorted(found, key=lambda k: (order.get(k, len(order)), k))}


def counts(store: Store) -> dict[str, Any]:
    """Schema version, counts by case state, dwellings, outbox: safe for the support bundle."""
    cases = store.cases()
    by_dwelling: dict[str, list[str]] = {d.id: [] for d in store.dwellings()}
    for case in cases:  # in area and household-number order
        by_dwelling.setdefault(case.dwelling_id, []).append(case.state)
    households = [c.state for c in cases if is_household(c.state)]
    if is_supervisor(store):
        return {
            "schema_version": store.schema_version(),
            "role": SUPERVISOR,
            "supervisor": supervisor_counts(store),
        }
    oldest = store.outbox_oldest()
    return {
        "schema_version": store.schema_version(),
        "role": ENUMERATOR,
        "areas": len(store.areas()),
        "dwellings": len(by_dwelling),
        "dwellings_by_state": _tally([dwelling_state(s) for s in by_dwelling.values()]),
        "cases": len(cases),
        "cases_by_state": dict(sorted(Counter(c.state for c in cases).items())),
        "households": len(households),
        "households_by_state": _tally(households),
        "outbox_depth": store.outbox_depth(),
        "outbox_oldest": iso(oldest) if oldest else None,
    }


def status(store: Store) -> dict[str, Any]:
    """The ``status`` report: profile, area, dwelling ids with their case states, counts,
    outbox, the last sync log entries; for a supervisor's profile, what its device holds and
    waits to send, and the server's reasons for what it refused (never a case's contents)."""
    meta = store.meta()
    if is_supervisor(store):
        sup = supervisor_counts(store)
        sup["refusals"] = supervisor_refusals(store)
        return {
            "profile": store.name,
            "account": meta.get(META_ACCOUNT, store.name),
            "role": SUPERVISOR,
            "server": meta.get(META_SERVER_URL),
            "training": meta.get(META_TRAINING) == "1",
            "schema_version": store.schema_version(),
            "supervisor": sup,
        }
    by_dwelling: dict[str, list[str]] = {d.id: [] for d in store.dwellings()}
    for case in store.cases():
        by_dwelling.setdefault(case.dwelling_id, []).append(case.state)
    report: dict[str, Any] = {
        "profile": store.name,
        "account": meta.get(META_ACCOUNT, store.name),
        "server": meta.get(META_SERVER_URL),
        "training": meta.get(META_TRAINING) == "1",
        "area": meta.get(META_AREA),
        "area_ids": [a.id for a in store.areas()],
        "dwelling_cases": [{"id": d, "cases": states} for d, states in by_dwelling.items()],
    }
    report.update(counts(store))
    report["sync_log"] = [
        {
            "at": iso(e.at),
            "op": e.op,
            "result": e.result,
            "sent": e.sent,
            "acked": e.acked,
            "error": e.error,
        }
        for e in store.sync_log(SYNC_LOG_SHOWN)
    ]
    return report
