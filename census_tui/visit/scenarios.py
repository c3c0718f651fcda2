"""Practice scenarios (模拟实操演练): scripted households whose true answers the demo knows.

The trainee reads the respondent's story (the trainer, or the trainee playing both parts, acts
it out), interviews the household in the TUI, and after completion the client lists every answer
that differs from the truth. All names and ID numbers here are invented; the ID numbers are
checksum-valid constructions, never real people.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from census_tui.i18n import Lang, Msg
from census_tui.model import Household, Value
from census_tui.questionnaire.form import Form
from census_tui.validation.idnumber import check_char
from census_tui.visit.readback import display_value


def _id(prefix: str, birth: str, day: int, seq: int, sex: int) -> str:
    body = f"{prefix}{birth[:4]}{birth[5:7]}{day:02d}{seq:02d}{1 if sex == 1 else 2}"
    return body + check_char(body)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scripted household: where it is, its story, and its true answers."""

    key: str
    address_suffix: str
    title: Msg
    story: Msg
    household: dict[str, Value]
    persons: tuple[dict[str, Value], ...]


@dataclass(frozen=True, slots=True)
class Difference:
    """One answer that differs from the scenario's truth (or a person missing or extra)."""

    who: str
    item_id: str
    expected: str
    entered: str


@dataclass(slots=True)
class Comparison:
    differences: list[Difference] = field(default_factory=list)

    @property
    def perfect(self) -> bool:
        return not self.differences


def _person(
    name: str, rel: int, sex: int, birth: str, *, pid: str, **more: Value
) -> dict[str, Value]:
    answers: dict[str, Value] = {
        "D1": name,
        "D2": rel,
        "D3": pid,
        "D4": sex,
        "D5": birth,
        "D6": 1,
        "D7": 1,
        "D8": 1,
        "D9": 1,
    }
    answers.update(more)
    return answers


ID_WANG_JG = _id("110105", "1975-05", 12, 1, 1)
ID_LI_XY = _id("110105", "1977-08", 3, 2, 2)
ID_WANG_XM = _id("110105", "2008-09", 21, 3, 1)
ID_ZHAO_G = _id("411625", "1995-03", 8, 4, 1)
ID_CHEN_GL = _id("110105", "1948-02", 17, 5, 2)
ID_CHEN_ZQ = _id("110105", "1972-06", 30, 6, 1)
"""The ID numbers the stories read out (from the residents' ID cards): every answer compared
after the practice household is one the story tells."""

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="family",
        address_suffix="1号楼 1单元 101室",
        title=Msg("三口之家", "A family of three"),
        story=Msg(
            "王建国(男,1975年5月生,汉族,大学本科)是户主,与妻子李秀英(1977年8月生,高中)"
            "和儿子王小明(2008年9月生,上小学)同住。一家三口都是汉族,都识字。三人户口都在本户,"
            "一直住在这里。住房是普通住宅,建筑面积90平方米,3间房。过去一年没有出生和死亡。"
            f"身份证:王建国 {ID_WANG_JG},李秀英 {ID_LI_XY},王小明 {ID_WANG_XM}。",
            "Wang Jianguo (male, born May 1975, Han, university degree) heads the household, "
            "with his wife Li Xiuying (born Aug 1977, senior secondary) and their son Wang "
            "Xiaoming (born Sep 2008, in primary school). All three are Han and can read and "
            "write; all have their hukou here and have always lived here. Ordinary dwelling, "
            "90 m², 3 rooms. No births or deaths in the past year. "
            f"ID cards: Wang Jianguo {ID_WANG_JG}, Li Xiuying {ID_LI_XY}, "
            f"Wang Xiaoming {ID_WANG_XM}.",
        ),
        household={
            "H1": 1,
            "H2a": 3,
            "H2b": 0,
            "H3m": 0,
            "H3f": 0,
            "H4m": 0,
            "H4f": 0,
            "H5": 1,
            "H6": 90,
            "H7": 3,
        },
        persons=(
            _person("王建国", 0, 1, "1975-05", pid=ID_WANG_JG, D11=7, D12=1),
            _person("李秀英", 1, 2, "1977-08", pid=ID_LI_XY, D11=5, D12=1),
            _person("王小明", 2, 1, "2008-09", pid=ID_WANG_XM, D11=3),
        ),
    ),
    Scenario(
        key="renter",
        address_suffix="出租屋 3号院 1号间",
        title=Msg("外来务工租户", "A migrant worker renting a room"),
        story=Msg(
            "赵刚(男,1995年3月生,汉族,高中,识字)一人租住此间,户口在河南省周口市郸城县,"
            "两年半前来京打工。住的是普通住宅,房间建筑面积15平方米,1间。过去一年本户没有出生和死亡。"
            f"身份证:{ID_ZHAO_G}。",
            "Zhao Gang (male, born March 1995, Han, senior secondary, can read and write) rents "
            "this room alone. His hukou is in Dancheng County, Zhoukou, Henan; he came to "
            "Beijing for work two and a half years ago. Ordinary dwelling, 15 m², 1 room. No "
            "births or deaths in the past year. "
            f"ID card: {ID_ZHAO_G}.",
        ),
        household={
            "H1": 1,
            "H2a": 1,
            "H2b": 0,
            "H3m": 0,
            "H3f": 0,
            "H4m": 0,
            "H4f": 0,
            "H5": 1,
            "H6": 15,
            "H7": 1,
        },
        persons=(
            _person(
                "赵刚",
                0,
                1,
                "1995-03",
                pid=ID_ZHAO_G,
                D8=4,
                D8P="河南省周口市郸城县",
                D9=5,
                D10=1,
                D11=5,
                D12=1,
            ),
        ),
    ),
    Scenario(
        key="absent",
        address_suffix="2号楼 1单元 301室",
        title=Msg("户口在本户、人在外地", "A member registered here but living elsewhere"),
        story=Msg(
            "陈桂兰(女,1948年2月生,汉族,小学)独自居住,是户主。儿子陈志强(1972年6月生,"
            "汉族,大学专科)户口在本户,但普查时点住在上海市浦东新区,一年半前去那里工作。"
            "母子都识字。住房是普通住宅,建筑面积60平方米,2间。过去一年没有出生和死亡。"
            f"身份证:陈桂兰 {ID_CHEN_GL},陈志强 {ID_CHEN_ZQ}。",
            "Chen Guilan (female, born Feb 1948, Han, primary school) lives alone and is the "
            "head. Her son Chen Zhiqiang (born June 1972, Han, junior college) has his hukou "
            "here but lived in Pudong, Shanghai at the standard time: he went there for work "
            "a year and a half ago. Both can read and write. Ordinary dwelling, 60 m², 2 rooms. No "
            "births or deaths in the past year. "
            f"ID cards: Chen Guilan {ID_CHEN_GL}, Chen Zhiqiang {ID_CHEN_ZQ}.",
        ),
        household={
            "H1": 1,
            "H2a": 1,
            "H2b": 1,
            "H3m": 0,
            "H3f": 0,
            "H4m": 0,
            "H4f": 0,
            "H5": 1,
            "H6": 60,
            "H7": 2,
        },
        persons=(
            _person("陈桂兰", 0, 2, "1948-02", pid=ID_CHEN_GL, D11=3, D12=1),
            _person(
                "陈志强",
                2,
                1,
                "1972-06",
                pid=ID_CHEN_ZQ,
                D7=5,
                D7P="上海市浦东新区",
                D9=4,
                D10=1,
                D11=6,
                D12=1,
            ),
        ),
    ),
)


def scenario_for(address: str) -> Scenario | None:
    """The practice scenario played at a training dwelling, if any."""
    for s in SCENARIOS:
        if address.endswith(s.address_suffix):
            return s
    return None


def _show(form: Form, item_id: str, value: Value | None, lang: Lang) -> str:
    if value is None:
        return "—"
    return display_value(form.item(item_id), value, lang)


def compare(form: Form, scenario: Scenario, hh: Household, lang: Lang) -> Comparison:
    """Every answer that differs from the truth; persons are matched by name (D1)."""
    out = Comparison()
    household_label = Msg("本户", "Household")(lang)
    for item_id in sorted(set(scenario.household) | set(hh.answers), key=form_order(form)):
        want, got = scenario.household.get(item_id), hh.answers.get(item_id)
        if want != got:
            out.differences.append(
                Difference(
                    household_label,
                    item_id,
                    _show(form, item_id, want, lang),
                    _show(form, item_id, got, lang),
                )
            )
    entered = {str(p.answers.get("D1", "")): p for p in hh.persons}
    for truth in scenario.persons:
        name = str(truth["D1"])
        person = entered.pop(name, None)
        if person is None:
            out.differences.append(Difference(name, "D1", name, Msg("未登记", "missing")(lang)))
            continue
        for item_id in sorted(set(truth) | set(person.answers), key=form_order(form)):
            want, got = truth.get(item_id), person.answers.get(item_id)
            if want != got:
                out.differences.append(
                    Difference(
                        name,
                        item_id,
                        _show(form, item_id, want, lang),
                        _show(form, item_id, got, lang),
                    )
                )
    for name in entered:
        out.differences.append(
            Difference(name, "D1", Msg("不应登记", "not in this household")(lang), name)
        )
    return out


def form_order(form: Form) -> Callable[[str], int]:
    order = {item.id: i for i, item in enumerate(form.household_items + form.person_items)}

    def key(item_id: str) -> int:
        return order.get(item_id, len(order))

    return key


DOUBTS: tuple[tuple[str, Msg, Msg], ...] = (
    (
        "tax",
        Msg("普查是不是查房产要收税?", "Is the census checking property to tax it?"),
        Msg(
            "人口普查只统计人口情况,与房产税无关。普查数据严格保密,只用于统计,"
            "不会提供给任何其他部门。",
            "The census counts people only; it has nothing to do with property tax. Census "
            "data are strictly confidential, used only for statistics, and never given to any "
            "other department.",
        ),
    ),
    (
        "detail",
        Msg("为什么要提供这么详细的信息?", "Why such detailed information?"),
        Msg(
            "详细的人口数据能帮助政府规划学校、医院等公共服务,最终惠及每个人。",
            "Detailed population data help the government plan public services such as "
            "schools and hospitals; in the end everyone benefits.",
        ),
    ),
    (
        "busy",
        Msg("我很忙,没时间配合。", "I'm busy, no time."),
        Msg(
            "登记只需要5到10分钟。我们可以约一个您方便的时间,或者电话登记。",
            "Registration takes only 5–10 minutes. We can book a time that suits you, or "
            "register by telephone.",
        ),
    ),
)
"""The census's three standard doubts and replies (FIELDWORK.md 疑虑与拒访), for the drill."""
