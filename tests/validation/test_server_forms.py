"""The reference server checks each upload on its own form (issue 17): household JSON versions 1
and 2 are stored, an unknown schema version, form or form version is refused with 422 and a
code, and nothing of a refused upload is stored. A real server on 127.0.0.1 (tests/sync)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from census_tui.model import Household
from census_tui.server.checks import run_logic_checks
from census_tui.validation.household_json import to_json
from tests.sync.support import PASSWORD_A, Site, site  # noqa: F401  (the fixture)

from .builders import (
    all_died_household,
    infant_death_household,
    valid_hmt_household,
    valid_household,
    valid_long_household,
)

V1 = "/api/v1"


def _doc(hh: Household, dwelling: str) -> dict[str, Any]:
    hh.uuid = str(uuid.uuid4())
    hh.dwelling_id = dwelling
    return to_json(hh)


def _v1(doc: dict[str, Any]) -> dict[str, Any]:
    old = {**doc, "schema_version": 1}
    del old["form_version"], old["deaths"]
    return old


def test_uploads_of_every_form_and_both_versions(site: Site) -> None:  # noqa: F811
    c = httpx.Client(base_url=site.url, timeout=10)
    token = c.post(f"{V1}/login", json={"account": "alice", "password": PASSWORD_A}).json()
    c.headers["Authorization"] = f"Bearer {token['token']}"
    dw = site.dwellings_a
    good = [
        _v1(_doc(valid_household(3), dw[0])),
        _doc(infant_death_household("long2020"), dw[1]),
        _doc(valid_hmt_household(), dw[2]),
        _doc(all_died_household(), dw[3]),
        _doc(valid_long_household(10), dw[4]),
    ]
    bad = [
        {**_doc(valid_household(2), dw[5]), "schema_version": 3},
        {**_doc(valid_household(2), dw[6]), "form_id": "long2030"},
        {**_doc(valid_long_household(2), dw[7]), "form_version": "2019.9"},
    ]
    r = c.post(f"{V1}/households/batch", json={"items": good + bad})
    results = r.json()["results"]
    assert [x["status"] for x in results[: len(good)]] == ["stored"] * len(good), results
    refused = results[len(good) :]
    assert [x["code"] for x in refused] == [422, 422, 422]
    reasons = [x.get("reason", "") + json.dumps(x.get("findings", [])) for x in refused]
    for reason, code, path in zip(
        reasons,
        ("JSON-VERSION", "FORM-UNKNOWN", "FORM-VERSION"),
        ("$.schema_version", "$.form_id", "$.form_version"),
        strict=True,
    ):
        assert code in reason and path in reason
    stored = {row["case_uuid"] for row in site.db.households()}
    assert stored == {d["case_uuid"] for d in good}
    # a household with an error on its own form is rejected with the findings
    wrong = _doc(infant_death_household("long2020"), dw[8])
    wrong["deaths"][0]["answers"]["S5"] = "2019-05"
    r = c.post(f"{V1}/households", json=wrong)
    assert r.status_code == 422 and r.json()["status"] == "rejected"
    assert {f["rule_id"] for f in r.json()["findings"]} == {"DTH-04", "DTH-03"}


@pytest.mark.parametrize(
    "hh",
    [valid_household(2), valid_long_household(3), valid_hmt_household(), all_died_household()],
)
def test_run_logic_checks_on_every_form(hh: Household) -> None:
    checked = run_logic_checks(to_json(hh))
    assert checked.errors == [] and checked.flags == []
    checked = run_logic_checks(_v1(to_json(valid_household(2))))
    assert checked.errors == []
