"""``form_id`` per dwelling in the assignments (docs/protocol.md "Forms"): read strictly, absent
means the short form, an unknown form refuses the whole answer clearly and stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from census_tui.clock import FakeClock
from census_tui.exitcodes import ExitCode
from census_tui.store import META_SERVER_URL
from census_tui.sync import schema
from census_tui.sync.engine import META_ASSIGNMENTS_CURSOR, sync_store
from tests.sync.faultproxy import FaultProxy, canned_json
from tests.sync.support import AREA_A, FAST, Site, make_profile


def _dwelling(n: int, **more: Any) -> dict[str, Any]:
    return {
        "dwelling_id": f"{AREA_A}-9{n:02d}",
        "area_id": AREA_A,
        "address": f"样本路 {n} 号",
        "kind": "ordinary",
        "note": "",
        **more,
    }


def _answer(*dwellings: dict[str, Any], cursor: str = "900") -> dict[str, Any]:
    area = {"area_id": AREA_A, "name": "测试小区", "training": False}
    return {"cursor": cursor, "areas": [area], "dwellings": list(dwellings)}


def test_each_form_is_read() -> None:
    answer = schema.assignments(
        _answer(
            _dwelling(1, form_id="long2020"),
            _dwelling(2, form_id="hmt2020"),
            _dwelling(3, form_id="short2020"),
        )
    )
    assert [d.form_id for d in answer.dwellings] == ["long2020", "hmt2020", "short2020"]


def test_missing_form_is_the_short_form() -> None:
    """A server from before the form set sends no form_id."""
    answer = schema.assignments(_answer(_dwelling(1)))
    assert answer.dwellings[0].form_id == "short2020"


@pytest.mark.parametrize("form", ["long2030", "death2020", "LONG2020", "", "长表"])
def test_unknown_form_refuses_the_answer_clearly(form: str) -> None:
    with pytest.raises(schema.UnknownForm) as err:
        schema.assignments(_answer(_dwelling(1), _dwelling(2, form_id=form)))
    msg = err.value.msg
    assert "普查表" in msg.zh and "form" in msg.en and "update" in msg.en
    shown = form if form in ("long2030", "death2020") else "?"
    assert f"({shown})" in msg.en and f"（{shown}）" in msg.zh
    assert not err.value.retry


@pytest.mark.parametrize("value", [1, True, None, ["long2020"]])
def test_form_id_must_be_a_string(value: object) -> None:
    with pytest.raises(schema.BadAnswer) as err:
        schema.assignments(_answer(_dwelling(1, form_id=value)))
    assert not isinstance(err.value, schema.UnknownForm)


def test_sync_stores_the_forms_and_refuses_an_unknown_one(
    site: Site, proxy: FaultProxy, tmp_path: Path, clock: FakeClock
) -> None:
    store = make_profile(site.url, tmp_path / "home", clock)
    store.set_meta(META_SERVER_URL, proxy.url)
    good = _answer(_dwelling(1, form_id="long2020"), _dwelling(2, form_id="hmt2020"), _dwelling(3))
    proxy.plan("pass", canned_json(json.dumps(good).encode()))
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.error is None, summary.error
    assert store.get_meta(META_ASSIGNMENTS_CURSOR) == "900"
    forms = {d.id: d.form_id for d in store.dwellings(AREA_A) if d.id.endswith(("901", "902"))}
    assert forms == {f"{AREA_A}-901": "long2020", f"{AREA_A}-902": "hmt2020"}
    assert store.dwelling(f"{AREA_A}-903").form_id == "short2020"

    # the server later moves 901 to the short form and lists a dwelling on a form unknown here
    bad = _answer(_dwelling(1, form_id="short2020"), _dwelling(4, form_id="long2030"), cursor="950")
    proxy.plan("pass", canned_json(json.dumps(bad).encode()))
    before = proxy.requests
    summary = sync_store(store, clock=clock, policy=FAST)
    assert summary.exit_code == ExitCode.NETWORK
    assert summary.error is not None and "long2030" in summary.error.en
    assert proxy.requests - before == 2  # info, assignments: not retried, returns not asked
    assert store.dwelling(f"{AREA_A}-901").form_id == "long2020"  # nothing of it stored
    assert not any(d.id.endswith("904") for d in store.dwellings(AREA_A))
    assert store.get_meta(META_ASSIGNMENTS_CURSOR) == "900"
    assert store.sync_log(1)[0].result == "error"
    store.close()
