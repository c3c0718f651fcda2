"""What ``status`` shows and the support bundle's counts: ids, states, counts; never answers.

Dwelling ids are internal listing ids (no address); the area is the 15-digit 普查小区 code
(FACTS §8.1). Names, ID numbers, phone numbers, addresses and notes never appear here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from census_tui.clock import iso
from census_tui.store import META_ACCOUNT, META_AREA, META_SERVER_URL, META_TRAINING, Store

SYNC_LOG_SHOWN = 5


def counts(store: Store) -> dict[str, Any]:
    """Schema version, counts by case state, dwellings, outbox: safe for the support bundle."""
    cases = store.cases()
    oldest = store.outbox_oldest()
    return {
        "schema_version": store.schema_version(),
        "areas": len(store.areas()),
        "dwellings": len(store.dwellings()),
        "cases": len(cases),
        "cases_by_state": dict(sorted(Counter(c.state for c in cases).items())),
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
