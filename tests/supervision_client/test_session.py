"""The supervisor's session against the real server: role at first login, the cache read
offline with its age, decisions queued offline and sent exactly once, a refused decision kept
and never resent, the scope shrinking on the server."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest

from census_tui.errors import BadInput, NetworkError
from census_tui.store import META_ROLE, META_SERVER_URL, NotFound
from census_tui.supervision.api import Decision, ItemRef, KeyPerson, RefreshOutcome, RefreshProgress
from census_tui.supervision.service import SupervisorSession
from census_tui.sync.supervisor import Moved
from census_tui.visit.gate import VisitGate
from tests.supervision_client.conftest import BOSS_NEW, Desk, household
from tests.sync.faultproxy import FaultProxy

DEAD = "http://127.0.0.1:9"
"""A server address where nothing listens (connection refused at once)."""


def test_first_login_opens_the_supervisor_and_refreshes(desk: Desk) -> None:
    s = desk.first
    assert s.role == "supervisor" and s.account == "boss" and not s.training
    assert s.store.get_meta(META_ROLE) == "supervisor"
    assert s.store.dwellings() == []  # the enumerator's sync did not run
    queue = s.queue()
    # stored to the second; the clock may stand a fraction further (a login retried after the
    # server's "busy hashing" 503 sleeps its jittered backoff on the test's clock)
    assert queue.fetched_at is not None
    assert timedelta(0) <= desk.clock.now() - queue.fetched_at < timedelta(seconds=1)
    assert sorted(r.account for r in queue.rows) == ["alice", "alice", "bob"]
    assert queue.rows[0].flagged and queue.rows[0].confirmations[0].reason
    progress = s.progress()
    assert [e.account for e in progress.enumerators] == ["alice", "bob"]
    assert progress.enumerators[0].tally.counts["uploaded"] == 2
    # every queue case's details came with the first refresh (carol's never)
    assert set(s.store.sup_case_index()) == {r.case_uuid for r in queue.rows}


def test_case_view_in_form_order_with_findings_and_reasons(desk: Desk) -> None:
    s = desk.first
    flagged = s.queue().rows[0]
    view = s.case(flagged.case_uuid)
    assert (view.revision, view.state, view.account) == (1, "uploaded", "alice")
    refs = [line.ref for line in view.lines]
    assert refs[0] == ItemRef("", "H1")
    persons = [r.person_uuid for r in refs if r.person_uuid]
    assert persons == sorted(persons, key=persons.index)  # each person's lines together
    h6 = next(line for line in view.lines if line.ref == ItemRef("", "H6"))
    assert h6.value == "2000" and h6.label.zh.startswith("H6 ")
    assert any("HH-06" in f.en for f in h6.findings) and "shared dormitory" in h6.confirmation
    sex = next(line for line in view.lines if line.ref.item_id == "D4")
    assert sex.value_text is not None and sex.value_text.en.split(" ", 1)[1].lower() in (
        "male",
        "female",
    )
    assert view.lines[-1].section.en.startswith("Person 3")
    assert any("HH-06" in f.en for f in view.findings)
    assert view.history and view.history[0].revision == 1


def test_offline_the_cache_is_read_with_its_age(desk: Desk) -> None:
    s = desk.session()
    url = s.store.get_meta(META_SERVER_URL)
    before = s.progress().fetched_at
    assert before is not None
    s.store.set_meta(META_SERVER_URL, DEAD)
    try:
        desk.clock.advance(30 * 60)
        outcome = s.refresh()
        assert outcome.error is not None and outcome.sent == 0
        assert s.progress().fetched_at == before  # the cache kept as it was
        assert desk.clock.now() - before >= timedelta(minutes=30)
        assert len(s.queue().rows) == 3 and outcome.cases == 3
        with pytest.raises(NotFound):
            s.case("00000000-0000-4000-8000-000000000000")
    finally:
        s.store.set_meta(META_SERVER_URL, url)
        s.close()


def test_an_approval_whose_answer_is_lost_is_sent_once(desk: Desk) -> None:
    doc = desk.upload("alice")
    case = str(doc["case_uuid"])
    s = desk.session()
    url = s.store.get_meta(META_SERVER_URL)
    assert s.refresh().error is None
    port = int(str(url).rsplit(":", 1)[1])
    with FaultProxy(port) as proxy:
        s.store.set_meta(META_SERVER_URL, proxy.url)
        proxy.plan("drop_response", "drop_response")  # stored by the server, answer lost
        decision = s.approve(case, 1, "ok")
        assert not decision.sent and "next sync" in decision.message.en
        assert s.pending() == 1
        assert next(r for r in s.queue().rows if r.case_uuid == case).pending == "approve"
        assert s.case(case).pending == "approve"
        assert len(desk.decisions(case)) == 1  # the server has it already
        outcome = s.refresh()
        assert (outcome.sent, outcome.refused, outcome.error) == (1, (), None)
    s.store.set_meta(META_SERVER_URL, url)
    assert desk.decisions(case) == [(s.store.sup_ops("sent")[-1].op_uuid, "approved")]
    assert s.pending() == 0 and case not in {r.case_uuid for r in s.queue().rows}
    assert s.refresh().sent == 0  # nothing sent again
    s.close()


def test_a_decision_on_a_moved_revision_is_refused_kept_and_not_resent(desk: Desk) -> None:
    doc = desk.upload("alice")
    case = str(doc["case_uuid"])
    s = desk.session()
    url = s.store.get_meta(META_SERVER_URL)
    s.refresh()
    s.store.set_meta(META_SERVER_URL, DEAD)
    assert not s.approve(case, 1).sent  # offline: queued
    s.store.set_meta(META_SERVER_URL, url)
    desk.upload("alice", {**doc, "revision": 2})  # the enumerator corrects and re-uploads
    outcome = s.refresh()
    assert outcome.sent == 0 and len(outcome.refused) == 1
    assert "revision" in outcome.refused[0].en and case[:8] in outcome.refused[0].en
    (op,) = [o for o in s.store.sup_ops() if o.case_uuid == case]
    assert op.state == "refused" and s.pending() == 0
    assert s.refresh().refused == ()  # never sent again
    assert desk.decisions(case) == []
    assert s.case(case).revision == 2  # the new revision's details were fetched
    # online, a stale revision is refused at once and nothing is applied
    with pytest.raises(Moved):
        s.approve(case, 1)
    assert desk.decisions(case) == []
    s.close()


def test_return_with_items_reaches_the_server(desk: Desk) -> None:
    doc = desk.upload("alice")
    case = str(doc["case_uuid"])
    s = desk.session()
    s.refresh()
    view = s.case(case)
    d5 = next(line.ref for line in view.lines if line.ref.item_id == "D5")
    with pytest.raises(BadInput):
        s.return_case(case, 1, "  ", [d5])
    decision = s.return_case(case, 1, "check the birth month", [d5, ItemRef("", "H6")])
    assert decision.sent
    assert desk.decisions(case)[0][1] == "returned"
    r = desk.client("alice").get("/api/v1/returns", params={"since": "0"})
    mine = [x for x in r.json()["returns"] if x["case_uuid"] == case]
    assert mine and [(i["person_uuid"], i["item_id"]) for i in mine[-1]["items"]] == [
        (d5.person_uuid, "D5"),
        ("", "H6"),
    ]
    assert s.case(case).state == "returned"
    s.close()


def test_the_scope_shrinks_and_the_device_forgets(desk: Desk) -> None:
    s = desk.session()
    s.refresh()
    bobs = {r.case_uuid for r in s.queue().rows if r.account == "bob"}
    assert bobs and bobs <= set(s.store.sup_case_index())
    desk.db.remove_supervision("boss", "bob")
    try:
        outcome = s.refresh()
        assert outcome.error is None
        assert not bobs & set(s.store.sup_case_index())
        assert {r.account for r in s.queue().rows} == {"alice"}
        assert [e.account for e in s.progress().enumerators] == ["alice"]
    finally:
        desk.db.add_supervision("boss", ["bob"])
        s.close()


def test_unlock_again_and_the_gate_by_role(desk: Desk) -> None:
    s = desk.session()
    assert isinstance(s, SupervisorSession)
    s.lock()
    assert s.locked
    s.unlock_again(BOSS_NEW)
    assert not s.locked
    s.close()
    # The enumerator's entry (scripts, the demo) refuses a supervisor's profile, clearly.
    with pytest.raises(BadInput, match="supervisor"):
        VisitGate(clock=desk.clock, base=desk.home).unlock("boss", BOSS_NEW)


def _key_persons(s: SupervisorSession, case: str, rename: str = "") -> list[KeyPerson]:
    """The enumerator's key items of ``case`` as a re-visit would ask them (the first
    person's name replaced by ``rename``)."""
    s.case(case)
    held = s.store.sup_case(case)
    assert held is not None
    out = []
    for n, p in enumerate(held.body["household"]["persons"]):
        a = p["answers"]
        out.append(
            KeyPerson(
                name=rename if rename and n == 0 else a["D1"],
                sex=str(a["D4"]),
                birth=a["D5"],
                relation=str(a["D2"]),
                id_number=a.get("D3", ""),
            )
        )
    return out


def test_spot_check_draw_and_revisits_online_and_offline(desk: Desk) -> None:
    s = desk.session()
    url = s.store.get_meta(META_SERVER_URL)
    s.refresh()
    with pytest.raises(BadInput) as big:
        s.draw_sample(["110105001001002"], count=1000)
    assert "1000" in big.value.msg.en or "complete" in big.value.msg.en.lower()
    sample = s.draw_sample(["110105001001002"], count=2, seed=7)
    assert sample.seed == 7 and sample.count == 2 and len(sample.cases) == 2
    assert {c.account for c in sample.cases} == {"alice"}
    assert s.samples()[0].sample_uuid == sample.sample_uuid  # cached at once
    first, second = (c.case_uuid for c in sample.cases)
    same = s.revisit(first, _key_persons(s, first))
    assert same.sent and same.differences == ()
    assert s.samples()[0].cases[0].revisited
    other = _key_persons(s, second, rename="另一个名字")
    s.store.set_meta(META_SERVER_URL, DEAD)
    with pytest.raises(NetworkError):
        s.draw_sample(["110105001001002"], count=1)
    queued = s.revisit(second, other)
    assert not queued.sent and s.pending() == 1
    s.store.set_meta(META_SERVER_URL, url)
    assert s.refresh().sent == 1
    result = s.revisit_result(second)
    assert result is not None and result.sent
    (diff,) = result.differences
    assert diff.kind == "different" and diff.ref is not None and diff.ref.item_id == "D1"
    # the drawn case may be one another test uploaded again: return the revision held now
    assert s.return_case(second, s.case(second).revision, "name differs", [diff.ref]).sent
    s.close()


def test_canary_no_personal_data_outside_the_encrypted_store(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    doc = household(desk.dwellings["alice"][11], flagged=True)
    doc["persons"][0]["answers"]["D1"] = CANARY_NAME
    id_number = str(doc["persons"][0]["answers"]["D3"])
    doc["notes"] = [
        {
            "person_uuid": "",
            "item_id": "H6",
            "text": CANARY_NOTE,
            "at": doc["confirmations"][0]["at"],
        }
    ]
    desk.upload("alice", doc)
    case = str(doc["case_uuid"])
    s = desk.session()
    errors: list[Exception] = []
    s.refresh()
    view = s.case(case)
    assert any(CANARY_NAME in line.value for line in view.lines)  # the supervisor sees it
    assert any(CANARY_NOTE in n for line in view.lines for n in line.notes)
    for attempt in (
        lambda: s.approve(case, 99),
        lambda: s.case("00000000-0000-4000-8000-0000000000ff"),
    ):
        try:
            attempt()
        except Exception as err:  # every exception's text is checked
            errors.append(err)
    assert len(errors) == 2
    assert s.return_case(case, 1, "check the name", [view.lines[0].ref]).sent
    s.close()
    canaries = [CANARY_NAME, id_number, CANARY_NOTE]
    for path in desk.home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(c.encode() in data for c in canaries), path.name
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records and not any(c in logged for c in canaries)
    shown = " ".join(f"{e} {getattr(e, 'msg', '')}" for e in errors)
    assert not any(c in shown for c in canaries)


CANARY_NAME = "金丝雀甲乙"
CANARY_NOTE = "住在金丝雀路"


def test_a_decision_made_during_a_refresh_does_not_wait_for_it(desk: Desk) -> None:
    """A refresh holds the network while it fetches case details (up to 20 s): a decision made
    meanwhile is saved at once and sent by that refresh before its next case, exactly once."""
    held = str(desk.upload("alice")["case_uuid"])
    s = desk.session()
    assert s.refresh().error is None
    desk.upload("alice")  # a new case: the next refresh fetches its details
    desk.upload("alice")
    inside, go = threading.Event(), threading.Event()

    def progress(p: RefreshProgress) -> None:
        if p.phase == "cases" and not inside.is_set():
            inside.set()  # the refresh holds the network, between two cases
            assert go.wait(30)

    outcomes: list[RefreshOutcome] = []
    refreshing = threading.Thread(target=lambda: outcomes.append(s.refresh(progress)))
    refreshing.start()
    assert inside.wait(30)
    decisions: list[Decision] = []
    deciding = threading.Thread(target=lambda: decisions.append(s.approve(held, 1, "ok")))
    deciding.start()
    deciding.join(30)
    assert not deciding.is_alive(), "the decision waited for the refresh"
    assert not decisions[0].sent and "refresh" in decisions[0].message.en
    assert s.pending() == 1 and desk.decisions(held) == []
    go.set()
    refreshing.join(60)
    assert outcomes[0].error is None and outcomes[0].sent == 1
    assert desk.decisions(held) == [(s.store.sup_ops("sent")[-1].op_uuid, "approved")]
    assert s.pending() == 0 and s.refresh().sent == 0
    s.close()
