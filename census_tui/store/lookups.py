"""Bulk read-only lookups for lists (the dashboard with 5,000 dwellings, P-06 across households).

One query each instead of loading every household: the dashboard stays instant.
"""

from __future__ import annotations

from census_tui.store.base import StoreBase, loads


class LookupsMixin(StoreBase):
    def head_names(self) -> dict[str, str]:
        """Case UUID → the name of its head (D1 where D2 = 0; R1 where R2 = 0 on the form for
        residents from outside the mainland), for cases that have one."""
        sql = (
            "SELECT r.household_uuid, n.value FROM answer r JOIN answer n"
            " ON n.household_uuid = r.household_uuid AND n.person_uuid = r.person_uuid"
            " AND n.item_id = (CASE r.item_id WHEN 'D2' THEN 'D1' ELSE 'R1' END)"
            " WHERE r.item_id IN ('D2', 'R2') AND r.value = '0'"
        )
        with self.transaction(write=False):
            out: dict[str, str] = {}
            for case_uuid, raw in self._rows(sql):
                name = loads(raw)
                if isinstance(name, str):
                    out.setdefault(str(case_uuid), name)
            return out

    def area_id_numbers(self, area_id: str, *, exclude_case: str) -> frozenset[str]:
        """Every ID number (D3) recorded in the area's other households (FACTS §7.3 P-06)."""
        sql = (
            "SELECT a.value FROM answer a JOIN household h ON h.uuid = a.household_uuid"
            " WHERE a.item_id = 'D3' AND h.area_id = ? AND h.uuid != ?"
        )
        with self.transaction(write=False):
            values = (loads(raw) for (raw,) in self._rows(sql, (area_id, exclude_case)))
            return frozenset(v for v in values if isinstance(v, str) and v)
