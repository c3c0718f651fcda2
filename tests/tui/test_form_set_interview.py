"""The interview on every household form (issue 17): after the persons, one death record per
death (the header says which); a household in which everyone died goes straight to its death
records; a long-form household walks H8–H18 and the long person items; read-back lists the
death record; the self-check jumps to a death item.

What is not the point of a test is entered through the live session (the same object the
screens use), so each test types only the part of the interview it is about."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import OptionList

from census_tui.app import CensusApp
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.questionnaire import walker
from census_tui.questionnaire.answers import parse_answer
from census_tui.questionnaire.form import Item
from census_tui.screens.interview import InterviewScreen
from census_tui.screens.persons import PersonsScreen
from census_tui.screens.readback import ReadBackScreen
from census_tui.screens.selfcheck import SelfCheckScreen
from census_tui.visit.service import VisitSession
from census_tui.visit.states import CaseState
from census_tui.widgets.text import T
from tests.tui.conftest import PASSWORD
from tests.tui.drive import AppFactory, login, screen_text, settle, type_text
from tests.tui.more_support import live, on_screen, until
from tests.tui.script import persons_for

INFANT = {"S2": "Wang Xiao", "S3": "2", "S4": "2020-01", "S5": "2020-03", "S6": "1"}
"""Born 2020-01, died 2020-03: counted in H3f and in H4f (FACTS §2.2)."""


def keys(item: Item, text: str) -> str:
    """A one-digit code list commits on the key; everything else needs Enter."""
    if item.type == "code" and max(c.value for c in item.codes) < 10:
        return text
    return text + "\r"


def prefill(
    s: VisitSession, hh: str, household: dict[str, str], persons: list[dict[str, str]]
) -> list[str]:
    """Answer household items and persons through the session (parsed as typed)."""
    form = s.form_for(hh)
    for item_id, text in household.items():
        s.set_answer(hh, HOUSEHOLD_SCOPE, item_id, parse_answer(form.item(item_id), text))
    uuids = []
    for answers in persons:
        p = s.add_person(hh)
        uuids.append(p)
        for item_id, text in answers.items():
            s.set_answer(hh, p, item_id, parse_answer(form.item(item_id), text))
    return uuids


async def walk(pilot: Pilot[int], plan: dict[str, str], limit: int = 120) -> list[tuple[str, str]]:
    """Answer what the interview asks, from ``plan`` (by item id; Enter keeps an answer already
    given), until it leaves for the self-check. The positions shown, in order."""
    app = pilot.app
    shown: list[tuple[str, str]] = []
    for _ in range(limit):
        screen = app.screen
        if not isinstance(screen, InterviewScreen):
            return shown
        pos = screen.pos
        shown.append(pos)
        item = screen.form.item(pos[1])
        if pos[1] in plan and (len(shown) < 2 or shown[-2] != pos):
            await type_text(pilot, keys(item, plan[pos[1]]))
        else:
            await pilot.press("enter")  # keep the answer given (or go on past a finding shown)
        await settle(pilot)
    raise AssertionError(f"the interview did not end: {shown[-5:]}\n{screen_text(app)}")


async def start(
    pilot: Pilot[int], app: CensusApp, dwelling: str, hh: str, pos: tuple[str, str]
) -> InterviewScreen:
    """Open the interview of ``hh`` at ``pos`` (over the dashboard)."""
    screen = InterviewScreen(dwelling, hh, start=pos)
    await app.push_screen(screen)
    await until(pilot, lambda: screen.pos == pos and screen._shown)
    return screen


async def test_a_household_with_an_infant_death_walks_persons_then_the_death_record(
    app_factory: AppFactory,
) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        s = live(app)
        hh = s.start_interview("D0001")
        household = {"H1": "1", "H2a": "2", "H2b": "0", "H3m": "0", "H3f": "1", "H4m": "0"}
        household.update(H4f="1", H5="1", H6="80", H7="3")
        persons = persons_for(0)[:2]
        last = persons[1].pop("D12")  # the last person's last answer is typed
        head, spouse = prefill(s, hh, household, persons)
        screen = await start(pilot, app, "D0001", hh, (spouse, "D12"))
        await type_text(pilot, last)  # D12: a one-digit code list
        await until(pilot, lambda: bool(s.household(hh).deaths))
        record = s.household(hh).deaths[0].uuid
        await until(pilot, lambda: screen.pos == (record, "S2"))
        shown = screen_text(app)
        assert "Death record 1 of 1" in shown and "S2" in shown, shown
        seen = await walk(pilot, INFANT)
        assert [p[1] for p in seen] == ["S2", "S3", "S4", "S5", "S6"]  # S7/S8: age 0 at death
        assert all(p[0] == record for p in seen)
        await on_screen(pilot, "SelfCheckScreen")
        assert "Self-check passed" in screen_text(app), screen_text(app)
        rules = {f.rule_id for f in s.findings(hh)}
        assert not rules & {"HH-07", "HH-08", "HH-09"}, rules
        await pilot.press("enter")
        await on_screen(pilot, "ReadBackScreen")
        assert isinstance(app.screen, ReadBackScreen)
        text = app.screen.query_one("#rb-text", T).msg.en
        block = text.split("── Death record 1 ──")[1]
        assert "Wang Xiao" in block and "2020-03" in block and "Female" in block, text
        assert text.index("── Person 2 ──") < text.index("── Death record 1 ──")
        await type_text(pilot, "Zhang San\r")
        await on_screen(pilot, "DashboardScreen")
        assert s.store.case(hh).state == CaseState.COMPLETED.value
        doc = s.store.outbox_pending()[-1].payload.decode()
        assert record in doc and "Wang Xiao" in doc
        del head


async def test_a_household_in_which_everyone_died(app_factory: AppFactory) -> None:
    """户编号 999 in 2020 (FACTS §4): H2a = H2b = 0, H4 > 0, no person records: from the
    household items straight to the death records; the persons list shows them as died."""
    app = app_factory("zh")
    async with app.run_test(size=(40, 16)) as pilot:
        await login(pilot, PASSWORD)
        s = live(app)
        hh = s.start_interview("D0002")
        household = {"H1": "1", "H2a": "0", "H2b": "0", "H3m": "0", "H3f": "0", "H4m": "1"}
        prefill(s, hh, household, [])
        screen = await start(pilot, app, "D0002", hh, ("", "H4f"))
        plan = {"H4f": "0", "S2": "Li Lao", "S3": "1", "S4": "1930-02", "S5": "2020-05"}
        plan.update(S6="1", S7="2", S8="5")
        seen = await walk(pilot, plan)
        got = s.household(hh)
        assert got.persons == [] and len(got.deaths) == 1
        record = got.deaths[0].uuid
        assert [p for p in seen if p[0] not in (HOUSEHOLD_SCOPE, record)] == []
        assert [p[1] for p in seen if p[0] == record] == [
            *["S2", "S3", "S4", "S5", "S6", "S7", "S8"]
        ]
        await on_screen(pilot, "SelfCheckScreen")
        assert s.can_complete(hh), s.findings(hh)
        await pilot.press("escape")
        await on_screen(pilot, "InterviewScreen")
        await settle(pilot)
        assert screen.pos == (record, "S8")
        assert "死亡人口 1/1 Li Lao" in screen_text(app), screen_text(app)
        await pilot.press("f6")
        await on_screen(pilot, "PersonsScreen")
        assert isinstance(app.screen, PersonsScreen)
        listing = app.screen.query_one(OptionList)
        assert listing.option_count == 1
        assert "死亡 1. Li Lao" in str(listing.get_option_at_index(0).prompt)
        assert "死亡 1. Li Lao" in screen_text(app)


async def test_a_long_form_household_walks_the_long_items(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        s = live(app)
        s.store.set_dwelling_form("D0003", "long2020")
        hh = s.start_interview("D0003")
        assert s.form_for(hh).id == "long2020"
        household = {"H1": "1", "H2a": "1", "H2b": "0", "H3m": "0", "H3f": "0", "H4m": "0"}
        household.update(H4f="0", H5="1", H6="60", H7="2")
        [person] = prefill(s, hh, household, persons_for(0)[:1])
        await start(pilot, app, "D0003", hh, ("", "H8"))
        plan = {"H8": "2", "H9": "1", "H10": "5", "H11": "1", "H12": "1", "H13": "1"}
        plan.update(H14="1", H15="1", H16="1", H17="1", H18="3")
        plan.update(D13="4", D14="2", D15="1", D16="1", D17="2", D18="1", D18H="40")
        plan.update(D19="1", D20="Bakery", D21="Baker", D23="1", D24="2", D25="2005-05")
        seen = await walk(pilot, plan)
        asked = [p[1] for p in seen]
        household_long = [f"H{n}" for n in range(8, 19)]
        assert [i for i in asked if i in household_long] == household_long
        long_person = [i for i in asked if i in plan and i.startswith("D")]
        assert long_person == [
            *[
                "D13",
                "D14",
                "D15",
                "D16",
                "D17",
                "D18",
                "D18H",
                "D19",
                "D20",
                "D21",
                "D23",
                "D24",
                "D25",
            ]
        ]
        assert "D26m" not in asked and "D29" not in asked  # a man of 40
        got = s.household(hh)
        assert got.answers["H18"] == 3 and got.persons[0].answers["D20"] == "Bakery"
        await on_screen(pilot, "SelfCheckScreen")
        assert s.can_complete(hh), s.findings(hh)
        await pilot.press("enter")
        await on_screen(pilot, "ReadBackScreen")
        assert isinstance(app.screen, ReadBackScreen)
        text = app.screen.query_one("#rb-text", T).msg.en
        assert "Bakery" in text and "Baker" in text, text
        assert walker.missing(s.form_for(hh), got) == []
        del person


async def test_self_check_jumps_to_a_death_item(app_factory: AppFactory) -> None:
    app = app_factory("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, PASSWORD)
        s = live(app)
        hh = s.start_interview("D0004")
        household = {"H1": "1", "H2a": "1", "H2b": "0", "H3m": "0", "H3f": "0", "H4m": "1"}
        household.update(H4f="0", H5="1", H6="60", H7="2")
        prefill(s, hh, household, persons_for(0)[:1])
        record = s.add_death(hh)
        form = s.form_for(hh)
        late = {"S2": "Zhao", "S3": "1", "S4": "1950-01", "S5": "2021-02", "S6": "1"}
        late.update(S7="3", S8="2")  # died after the census year: S5 is wrong
        for item_id, text in late.items():
            s.set_answer(hh, record, item_id, parse_answer(form.item(item_id), text))
        wrong = [f for f in s.findings(hh) if f.person_uuid == record and "S5" in f.items]
        assert wrong, s.findings(hh)
        await start(pilot, app, "D0004", hh, ("", "H1"))
        await pilot.press("f8")
        await on_screen(pilot, "SelfCheckScreen")
        assert isinstance(app.screen, SelfCheckScreen)
        check = app.screen
        index = next(i for i, f in enumerate(check.open) if f.rule_id == wrong[0].rule_id)
        assert "death record 1. Zhao" in screen_text(app), screen_text(app)
        check.query_one(OptionList).highlighted = index
        await pilot.press("enter")
        await on_screen(pilot, "InterviewScreen")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        first = next(i for i in wrong[0].items if not i.startswith("#"))
        assert screen.pos == (record, first) and first.startswith("S")
        assert "Death record 1 of 1 Zhao" in screen_text(app), screen_text(app)
