"""Practice scenarios (模拟实操演练): scripted households whose true answers the demo knows.

The trainee reads the respondent's story (the trainer, or the trainee playing both parts, acts
it out), interviews the household in the TUI, and after completion the client lists every answer
that differs from the truth. All names and ID numbers here are invented; the ID numbers are
checksum-valid constructions, never real people.

Each scenario is asked on its own form (issue 17): the three short-form households of
:data:`SCENARIOS`, and in :data:`FORM_SCENARIOS` a long-form household (长表, the 10 % sample),
a household with one death (an infant born and died in the year, counted in both H3 and H4,
FACTS §2.2; its death record on the 死亡人口调查表) and a foreign resident on the
HMT-foreign form. Their training dwellings carry that form (server/seed.py, sent with the
assignment); a household entered on another form is marked as a difference of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from census_tui.i18n import Lang, Msg
from census_tui.model import Household, Person, Value
from census_tui.questionnaire.form import Form
from census_tui.validation.idnumber import check_char
from census_tui.visit.readback import display_value


def _id(prefix: str, birth: str, day: int, seq: int, sex: int) -> str:
    body = f"{prefix}{birth[:4]}{birth[5:7]}{day:02d}{seq:02d}{1 if sex == 1 else 2}"
    return body + check_char(body)


@dataclass(frozen=True, slots=True)
class Scenario:
    """One scripted household: where it is, its story, its form and its true answers."""

    key: str
    address_suffix: str
    title: Msg
    story: Msg
    household: dict[str, Value]
    persons: tuple[dict[str, Value], ...]
    form_id: str = "short2020"
    deaths: tuple[dict[str, Value], ...] = ()
    """The true death records (death form items S2 … S8), matched by name (S2)."""


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


ID_LIU_JH = _id("110105", "1968-04", 9, 7, 1)
ID_ZHOU_L = _id("110105", "1970-09", 15, 8, 2)
ID_SUN_W = _id("110105", "1990-06", 2, 9, 1)
ID_WU_F = _id("110105", "1992-11", 25, 10, 2)
PASSPORT_KIM = "M48213576"
"""An invented passport number (the HMT-foreign form's R7)."""

FORM_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="long",
        address_suffix="1号楼 2单元 106室",
        form_id="long2020",
        title=Msg("长表户:夫妻二人", "Long form: a married couple"),
        story=Msg(
            "本户抽中普查表长表。刘建华(男,1968年4月生,汉族,大学本科,识字)是户主,"
            "与妻子周丽(1970年9月生,汉族,高中,识字)同住;儿子在上海读研究生,户口已迁到学校,"
            "不在本户登记。两人户口都在本户(街道),一直住在这里,都没有农村土地承包经营权。"
            "刘建华出生在河北省,周丽出生在本区;五年前(2015年11月1日)两人都住在本区,都已毕业。"
            "10月25日至31日刘建华在法人单位工作了40小时,行业填“北京华兴机械有限公司,生产机床”,"
            "职业填“机械工程师,设计机床零件”,靠劳动收入生活;周丽已退休,没有做任何工作,靠退休金生活。两人都是"
            "初婚,1994年5月结婚;周丽生育过1个儿子,现存活1个儿子,过去一年没有生育。"
            "住房是普通住宅,建筑面积75平方米,2间房,在一栋6层的多层楼里,混合结构,1995年建成,"
            "没有电梯;做饭用燃气,有管道自来水,独立使用厨房,有水冲式卫生厕所,自装热水器洗澡;"
            "住房是买的二手房。过去一年本户没有出生和死亡。"
            f"身份证:刘建华 {ID_LIU_JH},周丽 {ID_ZHOU_L}。",
            "This household was drawn for the long form. Liu Jianhua (male, born April 1968, Han, "
            "university degree, can read and write) heads it and lives with his wife Zhou Li "
            "(born Sep 1970, Han, senior secondary, can read and write); their son studies for a "
            "master's degree in Shanghai with his hukou moved to the university, so he is not "
            "registered here. Both have their hukou here (a sub-district, 街道), have always "
            "lived here and have no rural land contract right. Liu Jianhua was born in Hebei "
            "province, Zhou Li in this district; five years ago (1 Nov 2015) both lived in this "
            "district; both have graduated. From 25 to 31 October Liu Jianhua worked 40 hours "
            "for a company (a legal entity): write the industry as “北京华兴机械有限公司,生产机床” "
            "(Beijing Huaxing Machinery Co., Ltd., makes machine tools) and the occupation as "
            "“机械工程师,设计机床零件” (mechanical engineer, designs machine-tool parts); he "
            "lives on his earnings; Zhou Li is retired, "
            "did no work and lives on her pension. Both are in their first marriage, married in "
            "May 1994; Zhou Li has borne 1 son, 1 son living, no birth in the past year. "
            "Ordinary dwelling, 75 m², 2 rooms, in a 6-storey building (multi-storey), brick "
            "and concrete (mixed structure), built in 1995, no lift; they cook with gas, have "
            "piped water, their own kitchen, a sanitary flush toilet and their own water "
            "heater; they bought the flat second-hand. No births or deaths in the past year. "
            f"ID cards: Liu Jianhua {ID_LIU_JH}, Zhou Li {ID_ZHOU_L}.",
        ),
        household={
            "H1": 1,
            "H2a": 2,
            "H2b": 0,
            "H3m": 0,
            "H3f": 0,
            "H4m": 0,
            "H4f": 0,
            "H5": 1,
            "H6": 75,
            "H7": 2,
            "H8": 2,
            "H9": 2,
            "H10": 6,
            "H11": 2,
            "H12": 1,
            "H13": 1,
            "H14": 1,
            "H15": 1,
            "H16": 2,
            "H17": 4,
        },
        persons=(
            _person(
                "刘建华",
                0,
                1,
                "1968-04",
                pid=ID_LIU_JH,
                D11=7,
                D12=1,
                D13=4,
                D14=2,
                D15=3,
                D15P="河北省",
                D16=1,
                D17=2,
                D18=1,
                D18H=40,
                D19=1,
                D20="北京华兴机械有限公司,生产机床",
                D21="机械工程师,设计机床零件",
                D23=1,
                D24=2,
                D25="1994-05",
            ),
            _person(
                "周丽",
                1,
                2,
                "1970-09",
                pid=ID_ZHOU_L,
                D11=5,
                D12=1,
                D13=4,
                D14=2,
                D15=1,
                D16=1,
                D17=2,
                D18=3,
                D22=2,
                D23=2,
                D24=2,
                D25="1994-05",
                D26m=1,
                D26f=0,
                D27m=1,
                D27f=0,
                D28=0,
            ),
        ),
    ),
    Scenario(
        key="death",
        address_suffix="1号楼 3单元 111室",
        title=Msg("有死亡人口的户:出生后夭折的婴儿", "A death in the household: an infant"),
        story=Msg(
            "孙伟(男,1990年6月生,汉族,大学本科)是户主,与妻子吴芳(1992年11月生,汉族,大学专科)"
            "同住,两人都识字,户口都在本户,一直住在这里。今年1月他们的女儿出生,还没取名,3月因病"
            "去世:她既算本户过去一年的出生人口(女1人),也算死亡人口(女1人),要填一份死亡人口"
            "调查表(姓名填“未取名”,汉族)。住房是普通住宅,建筑面积68平方米,2间。"
            f"身份证:孙伟 {ID_SUN_W},吴芳 {ID_WU_F}。",
            "Sun Wei (male, born June 1990, Han, university degree) heads the household and "
            "lives with his wife Wu Fang (born Nov 1992, Han, junior college); both can read "
            "and write, both have their hukou here and have always lived here. In January "
            "their daughter was born; she had not been named and died of an illness in March: "
            "she counts both as a birth of the past year (1 girl) and as a death (1 girl), and "
            'needs a death record (name: 未取名 "not named", Han). Ordinary dwelling, 68 m², '
            f"2 rooms. ID cards: Sun Wei {ID_SUN_W}, Wu Fang {ID_WU_F}.",
        ),
        household={
            "H1": 1,
            "H2a": 2,
            "H2b": 0,
            "H3m": 0,
            "H3f": 1,
            "H4m": 0,
            "H4f": 1,
            "H5": 1,
            "H6": 68,
            "H7": 2,
        },
        persons=(
            _person("孙伟", 0, 1, "1990-06", pid=ID_SUN_W, D11=7, D12=1),
            _person("吴芳", 1, 2, "1992-11", pid=ID_WU_F, D11=6, D12=1),
        ),
        deaths=({"S2": "未取名", "S3": 2, "S4": "2020-01", "S5": "2020-03", "S6": 1},),
    ),
    Scenario(
        key="foreign",
        address_suffix="1号楼 4单元 116室",
        form_id="hmt2020",
        title=Msg("外籍住户(港澳台及外籍表)", "A foreign resident (HMT-foreign form)"),
        story=Msg(
            "金敏洙是韩国人(男,1985年7月生,大学本科),姓名按护照填写:KIM MINSU。他一人租住此房,"
            "是户主;证件是护照,号码 "
            f"{PASSPORT_KIM}。2018年3月来大陆工作(就业)。住房是普通住宅,建筑面积45平方米,1间。"
            "本户登记1人。",
            "Kim Min-su is South Korean (male, born July 1985, university degree); write his "
            "name as in his passport: KIM MINSU. He rents this flat alone and heads the "
            f"household; his document is a passport, number {PASSPORT_KIM}. He came to the "
            "mainland in March 2018 for work (employment). Ordinary dwelling, 45 m², 1 room. "
            "1 person to register in this household.",
        ),
        household={"F1": 1, "FN": 1, "F2": 1, "F3": 45, "F4": 1},
        persons=(
            {
                "R1": "KIM MINSU",
                "R2": 0,
                "R3": 1,
                "R4": "1985-07",
                "R5": 410,
                "R6": 4,
                "R7": PASSPORT_KIM,
                "R8": "2018-03",
                "R9": 2,
                "R10": 7,
            },
        ),
    ),
)
ALL_SCENARIOS: tuple[Scenario, ...] = SCENARIOS + FORM_SCENARIOS
"""Every practice household of the training area, each on its own form."""


def scenario_for(address: str) -> Scenario | None:
    """The practice scenario played at a training dwelling, if any."""
    for s in ALL_SCENARIOS:
        if address.endswith(s.address_suffix):
            return s
    return None


def _show(form: Form, item_id: str, value: Value | None, lang: Lang) -> str:
    if value is None:
        return "—"
    if not form.has_item(item_id):  # an answer of another form's item
        return str(value)
    return display_value(form.item(item_id), value, lang)


FORM_ITEM = Msg("表式", "form")
"""The "item" of the difference that says the household is on another form than the truth's."""


def compare(form: Form, scenario: Scenario, hh: Household, lang: Lang) -> Comparison:
    """Every answer that differs from the truth; ``form`` is the household's own. Persons are
    matched by name (the form's ``name`` role: D1, R1), death records by theirs (S2); a
    household on another form than the scenario's is one difference more."""
    out = Comparison()
    household_label = Msg("本户", "Household")(lang)
    if hh.form_id != scenario.form_id:
        out.differences.append(
            Difference(
                household_label,
                FORM_ITEM(lang),
                _form_name(scenario.form_id, lang),
                _form_name(hh.form_id, lang),
            )
        )
    order = form_order(form)
    for item_id in sorted(set(scenario.household) | set(hh.answers), key=order):
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
    _records(out, form, form.roles.get("name", "D1"), scenario.persons, hh.persons, lang)
    _records(out, form, form.death_roles.get("name", "S2"), scenario.deaths, hh.deaths, lang)
    return out


def _records(
    out: Comparison,
    form: Form,
    name_item: str,
    truths: tuple[dict[str, Value], ...],
    records: list[Person],
    lang: Lang,
) -> None:
    """Persons (or death records) against their truths, matched by the name item."""
    order = form_order(form)
    entered = {str(p.answers.get(name_item, "")): p for p in records}
    for truth in truths:
        name = str(truth.get(name_item, ""))
        record = entered.pop(name, None)
        if record is None:
            out.differences.append(
                Difference(name, name_item, name, Msg("未登记", "missing")(lang))
            )
            continue
        for item_id in sorted(set(truth) | set(record.answers), key=order):
            want, got = truth.get(item_id), record.answers.get(item_id)
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
            Difference(name, name_item, Msg("不应登记", "not in this household")(lang), name)
        )


FORM_NAMES = {
    "short2020": Msg("短表", "short form"),
    "long2020": Msg("长表", "long form"),
    "hmt2020": Msg("港澳台及外籍表", "HMT-foreign form"),
}


def _form_name(form_id: str, lang: Lang) -> str:
    return FORM_NAMES.get(form_id, Msg(form_id, form_id))(lang)


def form_order(form: Form) -> Callable[[str], int]:
    items = form.household_items + form.person_items + form.death_items
    order = {item.id: i for i, item in enumerate(items)}

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
