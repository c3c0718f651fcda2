"""What ``status`` shows and the support bundle's counts: ids, states, counts; never answers.

Dwelling ids are internal listing ids (no address); the area is the 15-digit 普查小区 code
(FACTS §8.1). Names, ID numbers, phone numbers, addresses and notes never appear here.

A case still at the contact stage (listed, no contact, appointment, refused, vacant …) is a
dwelling's visit outcome, not a household: ``households`` counts only cases whose interview has
begun, and ``dwellings_by_state`` shows each dwelling once, in its own state (a refused or
vacant dwelling is not ``listed``). ``cases`` and ``cases_by_state`` count every case, as before.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from census_tui.clock import iso
from census_tui.store import META_ACCOUNT, META_AREA, META_SERVER_URL, META_TRAINING, Store
from census_tui.visit.states import DONE, PRE_INTERVIEW, CaseState

SYNC_LOG_SHOWN = 5


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
    oldest = store.outbox_oldest()
    return {
        "schema_version": store.schema_version(),
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
    outbox, the last sync log entries."""
    meta = store.meta()
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
