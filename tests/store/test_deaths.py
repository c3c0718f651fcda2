"""Death records (死亡人口调查表), the dwelling's form and a household's change of form (issue 17):
into the store and back, also after closing and unlocking."""

from __future__ import annotations

from pathlib import Path

import pytest

from census_tui.clock import FakeClock
from census_tui.errors import BadInput
from census_tui.store import Dwelling, NotFound, Store, unlock

from .conftest import AREA_ID, PASSWORD


def reopen(store: Store, base: Path, clock: FakeClock) -> Store:
    store.close()
    return unlock("enum01", PASSWORD, base=base, clock=clock)


def test_death_records_round_trip(
    store: Store, dwelling_id: str, base: Path, clock: FakeClock
) -> None:
    hh = store.create_household(dwelling_id)
    head = store.add_person(hh)
    d1, d2 = store.add_death(hh), store.add_death(hh)
    child = store.add_person(hh)  # persons and deaths number apart
    store.set_answer(hh, "", "H4f", 2)
    store.set_answer(hh, head, "D1", "张伟")
    store.set_answer(hh, d1, "S2", "未取名")
    store.set_answer(hh, d1, "S5", "2020-03")
    store.set_answer(hh, d2, "S3", 2)
    s = reopen(store, base, clock)
    h = s.household(hh)
    assert [p.uuid for p in h.persons] == [head, child]
    assert [(d.uuid, d.answers) for d in h.deaths] == [
        (d1, {"S2": "未取名", "S5": "2020-03"}),
        (d2, {"S3": 2}),
    ]
    assert h.death(d1) is h.deaths[0] and h.person(d1) is None
    assert s.persons(hh) == [head, child] and s.deaths(hh) == [d1, d2]
    # a death record is not a person: not removable or movable as one, and the reverse
    with pytest.raises(NotFound):
        s.remove_person(hh, d1)
    with pytest.raises(NotFound):
        s.remove_death(hh, head)
    with pytest.raises(NotFound):
        s.move_person(hh, d1, 0)
    s.remove_death(hh, d1)
    assert s.deaths(hh) == [d2] and s.persons(hh) == [head, child]
    h = s.household(hh)
    assert [d.uuid for d in h.deaths] == [d2]
    with s.transaction(write=False):  # its answers went with it
        assert s._rows("SELECT 1 FROM answer WHERE person_uuid = ?", (d1,)) == []
    removed = s.events(kind="death_removed")
    assert removed and removed[-1].old == {"S2": "未取名", "S5": "2020-03"}
    # the next death record goes after the remaining one
    d3 = s.add_death(hh)
    assert s.deaths(hh) == [d2, d3]
    s.close()


def test_dwelling_form_and_new_households(store: Store, dwelling_id: str) -> None:
    assert store.dwelling_form(dwelling_id) == "short2020"
    short = store.create_household(dwelling_id)
    store.set_dwelling_form(dwelling_id, "long2020")
    assert store.dwelling_form(dwelling_id) == store.dwelling(dwelling_id).form_id == "long2020"
    # a household found later in the long-form dwelling takes the long form; earlier ones keep
    assert store.case(store.create_household(dwelling_id)).form_id == "long2020"
    assert store.case(short).form_id == "short2020"
    assert store.case(store.create_household(dwelling_id, form_id="hmt2020")).form_id == "hmt2020"
    # a sync upsert carries the form too
    store.upsert_dwelling(Dwelling("D0002", AREA_ID, form_id="long2020"))
    assert store.dwelling_form("D0002") == "long2020"
    with pytest.raises(BadInput):
        store.set_dwelling_form(dwelling_id, "长表'; --")
    with pytest.raises(NotFound):
        store.set_dwelling_form("D9999", "long2020")
    with pytest.raises(NotFound):
        store.dwelling_form("D9999")
    assert store.dwelling_form(dwelling_id) == "long2020"


def test_set_form_drops_what_the_new_form_lacks(store: Store, dwelling_id: str) -> None:
    hh = store.create_household(dwelling_id, form_id="long2020")
    p = store.add_person(hh)
    d = store.add_death(hh)
    store.set_answer(hh, "", "H1", 1)
    store.set_answer(hh, "", "H8", 2)
    store.set_answer(hh, p, "D1", "张伟")
    store.set_answer(hh, p, "D18", 1)
    store.set_answer(hh, d, "S2", "李四")
    removed = store.set_form(hh, "short2020", keep={"H1", "D1", "S2"})
    assert removed == {"answers": 2, "deaths": 0}
    h = store.household(hh)
    assert h.form_id == "short2020" == store.case(hh).form_id
    assert h.answers == {"H1": 1} and h.persons[0].answers == {"D1": "张伟"}
    assert h.deaths[0].answers == {"S2": "李四"}
    event = store.events(kind="form_changed")[-1]
    assert event.old == {"form": "long2020", "answers": {"": {"H8": 2}, p: {"D18": 1}}}
    assert event.new == "short2020"
    # a form without death records removes them; the same form again changes nothing
    assert store.set_form(hh, "hmt2020", keep={"H1"}, deaths=False) == {"answers": 1, "deaths": 1}
    assert store.household(hh).deaths == [] and store.deaths(hh) == []
    n = len(store.events(kind="form_changed"))
    assert store.set_form(hh, "hmt2020", keep={"H1"}) == {"answers": 0, "deaths": 0}
    assert len(store.events(kind="form_changed")) == n


def test_set_form_is_atomic(store: Store, dwelling_id: str) -> None:
    hh = store.create_household(dwelling_id)
    store.set_answer(hh, "", "H1", 1)
    with pytest.raises(BadInput):
        store.set_form(hh, "", keep=set())
    with pytest.raises(NotFound):
        store.set_form("no-such-household", "long2020", keep=set())
    assert store.household(hh).answers == {"H1": 1}
    assert store.case(hh).form_id == "short2020"


def test_head_names_on_every_form(store: Store, dwelling_id: str) -> None:
    short = store.create_household(dwelling_id)
    hmt = store.create_household(dwelling_id, form_id="hmt2020")
    for hh, name_item, rel_item, name in ((short, "D1", "D2", "张伟"), (hmt, "R1", "R2", "Ann")):
        p = store.add_person(hh)
        store.set_answer(hh, p, name_item, name)
        store.set_answer(hh, p, rel_item, 0)
    d = store.add_death(short)
    store.set_answer(short, d, "S2", "李四")
    assert store.head_names() == {short: "张伟", hmt: "Ann"}
