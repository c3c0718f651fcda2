"""A practice profile made on the device without a server: for tests, benchmarks and drills.

The demo (``census-tui demo``) uses the real training server instead; this helper gives the
same shape of profile (card, area, dwellings) when no server is wanted.
"""

from __future__ import annotations

import json
from pathlib import Path

from census_tui.clock import Clock
from census_tui.store import (
    META_ACCOUNT,
    META_AREA,
    META_ENUMERATOR_CARD,
    META_TRAINING,
    Area,
    Dwelling,
    KdfParams,
    create_profile,
)
from census_tui.visit.scenarios import ALL_SCENARIOS
from census_tui.visit.service import VisitSession

PRACTICE_AREA = Area("110105002010001", "练习小区 Practice area")
PRACTICE_CARD = {
    "name": "练习员",
    "work_id": "PC-110105-0001",
    "area_id": PRACTICE_AREA.id,
    "area_name": PRACTICE_AREA.name,
    "issuing_office": "北京市朝阳区人口普查办公室",
    "valid_from": "2020-10-01",
    "valid_until": "2020-12-31",
}


def make_local_profile(
    base: Path,
    name: str,
    password: str,
    *,
    clock: Clock,
    kdf: KdfParams | None = None,
    dwellings: int = 30,
    training: bool = True,
    scenarios: bool = False,
) -> VisitSession:
    """A profile with a practice card, one area and ``dwellings`` listed dwellings; with
    ``scenarios`` also one dwelling per practice scenario (``P01`` …: at the scenario's
    address, on the scenario's form), as the training server lists them for the demo."""
    store = create_profile(name, password, base=base, clock=clock, kdf=kdf)
    with store.transaction():
        store.set_meta(META_ACCOUNT, name)
        store.set_meta(META_ENUMERATOR_CARD, json.dumps(PRACTICE_CARD, ensure_ascii=False))
        store.set_meta(META_TRAINING, "1" if training else "0")
        store.set_meta(META_AREA, PRACTICE_AREA.id)
        store.upsert_area(PRACTICE_AREA)
        for i in range(1, dwellings + 1):
            building, unit = divmod(i - 1, 12)
            store.upsert_dwelling(
                Dwelling(
                    f"D{i:04d}",
                    PRACTICE_AREA.id,
                    building=f"{building + 1}号楼",
                    unit=f"{unit + 1:02d}",
                    address=f"练习路{building + 1}号楼{unit + 1:02d}室",
                    sort_key=f"D{i:04d}",
                )
            )
        if scenarios:
            for n, scenario in enumerate(ALL_SCENARIOS, start=1):
                store.upsert_dwelling(
                    Dwelling(
                        f"P{n:02d}",
                        PRACTICE_AREA.id,
                        address=f"练习小区 {scenario.address_suffix}",
                        sort_key=f"P{n:02d}",
                        form_id=scenario.form_id,
                    )
                )
    return VisitSession(store, clock=clock, profile=name, base=base)
