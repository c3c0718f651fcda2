"""Form-driven checks: every item answered when the form asks it, blank when it does not, and a
valid answer (the form's type, codes, range and length).

The short form's items have hand-written rules (HH-01 … P-14) whose universes and messages were
settled before the other forms existed. The long form's further items, the death record's items
and the hmt2020 items follow their form file's ``when`` conditions instead, so that the checks and
the interview's walker can never disagree about who is asked what. Each item still reports under
one rule id of FACTS §7 (``items.ITEM_RULE``: L-01 … L-10, HH-05, HH-11, DTH-01 …, HMT-01 …) with
a message saying why it is or is not asked (:data:`WHY`).

The walk here mirrors ``questionnaire.walker`` with one difference: applicability is three-valued.
An item whose condition reads an answer that is missing or unusable (a D5 that is not a
year-month, so no ``age``) is neither required nor reported as stale: the missing or bad answer is
reported by its own rule, and the dependent item is judged once it is fixed. Only valid answers of
applicable items open or close later items (a D24 = 9 opens nothing).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from census_tui.i18n import Msg
from census_tui.model import Value
from census_tui.questionnaire import expr
from census_tui.questionnaire.form import Form, Item, Section, load_form
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import Finding, Rule, Severity
from census_tui.validation.items import FORM_ITEM_RULE, ITEM_RULE, check_form_value, valid_value
from census_tui.validation.view import DEFAULT_FORM, HouseholdView

E = Severity.ERROR

_MISSING = Msg("请回答 {item}。", "Answer {item}.")
_STALE = Msg(
    "{item} 不应填写:{why}。请核实相关答案,或清除 {item}。",
    "{item} should be blank: {why}. Check the answers it depends on, or clear {item}.",
)
_WHY_DEFAULT = Msg("按表式此处不问 {item}(条件:{when})", "the form does not ask it here ({when})")

_HOUSING = Msg(
    "住所类型为普通住宅 (H5 = 1) 时才填写住房情况", "housing details are asked only when H5 = 1"
)
_CHILDREN = Msg(
    "生育子女数只问 15—64 岁、不是未婚的女性",
    "children ever born are asked only of women aged 15-64 who were ever married",
)
_BIRTHS = Msg(
    "按 D28 的生育人数逐个填写孩子的出生年月和性别",
    "one birth month and sex are asked for each birth counted in D28",
)
_WORK = Msg(
    "工作单位类型、行业和职业只在有工作 (D18 = 1 或 2) 时填写",
    "unit type, industry and occupation are asked only when D18 = 1 or 2 (has work)",
)
_OLD = Msg("只问 60 岁及以上的人", "asked only at age 60 and over")
_HUKOU = Msg("户口待定 (D8 = 5) 的人不填", "not asked when D8 = 5 (hukou pending)")

WHY: Mapping[str, Msg] = {
    **dict.fromkeys(("H8", "H9", "H10", "H11", "H12", "H13", "H14", "H15", "H16", "H17"), _HOUSING),
    "H18": Msg(
        "月租房费用只在住房来源为租赁 (H17 = 1 或 2) 时填写",
        "the monthly rent is asked only when H17 = 1 or 2 (rented)",
    ),
    "D13": _HUKOU,
    "D14": _HUKOU,
    "D15P": Msg("出生地为省外 (D15 = 3) 时才填写省份", "the province is asked only when D15 = 3"),
    "D16": Msg(
        "五年前常住地只问 2015年11月以前出生(5 岁及以上)的人",
        "residence five years ago is asked only of people born before 2015-11 (aged 5+)",
    ),
    "D16P": Msg(
        "五年前常住地为其他地区 (D16 = 2) 时才填写地点", "the place is asked only when D16 = 2"
    ),
    "D17": Msg(
        "学业完成情况只问 3 岁及以上、上过小学及以上 (D11 ≥ 3) 的人",
        "schooling status is asked only at age 3+ of people with D11 ≥ 3 (primary or more)",
    ),
    "D18": Msg("工作情况只问 16 岁及以上的人", "work is asked only at age 16 and over"),
    "D18H": Msg("工作时间只在工作一小时以上 (D18 = 1) 时填写", "hours are asked only when D18 = 1"),
    "D19": _WORK,
    "D20": _WORK,
    "D21": _WORK,
    "D22": Msg(
        "未工作原因只在未做任何工作 (D18 = 3) 时填写",
        "the reason for not working is asked only when D18 = 3",
    ),
    "D23": Msg("主要生活来源只问 16 岁及以上的人", "livelihood is asked only at age 16 and over"),
    "D24": Msg("婚姻状况只问 15 岁及以上的人", "marital status is asked only at age 15 and over"),
    "D25": Msg(
        "初婚年月只问有配偶、离婚或丧偶的人(未婚不填)",
        "first marriage is asked only of people ever married (not of D24 = 1)",
    ),
    **dict.fromkeys(("D26m", "D26f", "D27m", "D27f"), _CHILDREN),
    "D28": Msg(
        "过去一年的生育状况只问 15—50 岁、不是未婚的女性",
        "births in the past year are asked only of women aged 15-50 who were ever married",
    ),
    **dict.fromkeys(("D28B1", "D28S1", "D28B2", "D28S2", "D28B3", "D28S3"), _BIRTHS),
    "D29": _OLD,
    "D30": _OLD,
    "F3": Msg(
        "住所类型为普通住宅 (F2 = 1) 时才填写面积", "the floor area is asked only when F2 = 1"
    ),
    "F4": Msg("住所类型为普通住宅 (F2 = 1) 时才填写间数", "rooms are asked only when F2 = 1"),
    "R10": Msg("受教育程度只问 3 岁及以上的人", "education is asked only at age 3 and over"),
    "S7": Msg(
        "死亡时 6 周岁及以上的人才填受教育程度",
        "education is asked only of people aged 6 or over at death",
    ),
    "S8": Msg(
        "死亡时 15 周岁及以上的人才填婚姻状况",
        "marital status is asked only of people aged 15 or over at death",
    ),
}
"""Why an item is not asked, for the message of an answer that should be blank."""


def why(item: Item) -> Msg:
    """The reason ``item`` is not asked, for its "should be blank" message."""
    return WHY.get(item.id) or _WHY_DEFAULT.format(item=item.id, when=item.when)


@dataclass(slots=True)
class Scope:
    """One record as the checks walk it: the household (uuid ``""``), a person or a death."""

    uuid: str
    items: tuple[Item, ...]
    answers: dict[str, Any]
    states: dict[str, bool | None]
    """Item id → asked (True), not asked (False), cannot tell yet (None); only the items the
    form-driven rules read (a short-form item is judged by its own rule)."""
    env: dict[str, Value]
    """Valid answers of asked items and the derived variables, as conditions see them."""


@dataclass(slots=True)
class Walk:
    """The walked records of one view, each section walked on first use."""

    household: Scope
    unknown: frozenset[str]
    """Household items and derived variables whose value cannot be told yet."""
    _persons: list[Scope] | None = None
    _deaths: list[Scope] | None = None


Test = Callable[[Mapping[str, Value]], bool]

_ORDER: Mapping[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _all(parts: tuple[Test, ...]) -> Test:
    def test(env: Mapping[str, Value]) -> bool:
        for p in parts:  # noqa: SIM110 - a loop is faster than all() over a generator
            if not p(env):
                return False
        return True

    return test


def compile_condition(node: expr.Node) -> Test:
    """``node.holds`` as a closure with the same result for every environment whose values
    are ``int`` or ``str`` (as the walk's are): 2-3 times faster, which keeps a 10-person
    long-form household within the 1 ms budget. Comparisons between two names and any node
    type not known here fall back to ``holds`` (tests/validation check the equivalence)."""
    if isinstance(node, expr.Compare):
        left, right, op = node.left, node.right, node.op
        if isinstance(left, expr.Name) and isinstance(right, expr.Literal):
            name, lit = left.id, right.value
            if op == "==":
                return lambda env: env.get(name) == lit
            if op == "!=":
                return lambda env: (v := env.get(name)) is not None and v != lit
            if op in _ORDER:
                fn, kind = _ORDER[op], type(lit)
                return lambda env: type(v := env.get(name)) is kind and fn(v, lit)
        return node.holds
    if isinstance(node, expr.In) and isinstance(node.operand, expr.Name):
        name, values = node.operand.id, frozenset(node.values)
        if node.negated:
            return lambda env: (v := env.get(name)) is not None and v not in values
        return lambda env: env.get(name) in values
    if isinstance(node, expr.Answered):
        name = node.name.id
        return lambda env: env.get(name) is not None
    if isinstance(node, expr.And | expr.Or):
        parts = tuple(compile_condition(p) for p in node.parts)
        if isinstance(node, expr.And):
            if len(parts) == 2:
                a, b = parts
                return lambda env: a(env) and b(env)
            return _all(parts)
        if len(parts) == 2:
            a, b = parts
            return lambda env: a(env) or b(env)
        return lambda env: any(p(env) for p in parts)
    if isinstance(node, expr.Not):
        part = compile_condition(node.part)
        return lambda env: not part(env)
    return node.holds


@lru_cache(maxsize=8)
def _needed(form: Form) -> frozenset[str]:
    """The items (and derived variables) the form-driven rules read: every item the short form
    does not have, every death item, and whatever their conditions read, transitively. The
    short form's own items are judged by their hand-written rules, so the walk skips the rest."""
    short = load_form(DEFAULT_FORM)
    todo = [i.id for i in (*form.household_items, *form.person_items) if not short.has_item(i.id)]
    todo += [i.id for i in form.death_items]
    sources = {d.name: d.of for d in form.derived}
    needed: set[str] = set()
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        if name in sources:
            todo.extend(sources[name])
        elif form.has_item(name):
            cond = form.item(name).condition
            if cond is not None:
                todo.extend(cond.names())
    return frozenset(needed)


@dataclass(frozen=True, slots=True)
class _Step:
    """One needed item of a section, prepared once per form."""

    id: str
    test: Test | None
    """Its condition (``None``: always asked)."""
    names: frozenset[str]
    """What the condition reads."""
    required: bool
    valid: Callable[[object], bool]
    derived: tuple[Any, ...]
    """Derived variables computed right after it."""
    same: bool
    """Same condition as the step before, and nothing it reads changed since: same state."""


@lru_cache(maxsize=32)
def _plan(form: Form, section: Section) -> tuple[_Step, ...]:
    """The needed items of ``section`` in asking order, prepared for the walk."""
    after = form.derived_after
    needed = _needed(form)
    steps: list[_Step] = []
    for item in form.items(section):
        if item.id not in needed:
            continue
        cond = item.condition
        names = frozenset(cond.names()) if cond is not None else frozenset()
        prev = steps[-1] if steps else None
        same = (
            prev is not None
            and cond is not None
            and form.item(prev.id).when == item.when
            and prev.id not in names
            and not any(d.name in names for d in prev.derived)
        )
        steps.append(
            _Step(
                item.id,
                compile_condition(cond) if cond is not None else None,
                names,
                item.required,
                partial(valid_value, item),
                after.get(item.id, ()),
                same,
            )
        )
    return tuple(steps)


def _walk_scope(
    form: Form,
    section: Section,
    uuid: str,
    answers: dict[str, Any],
    env: dict[str, Value],
    unknown: set[str],
) -> Scope:
    states: dict[str, bool | None] = {}
    state: bool | None = True
    for step in _plan(form, section):
        iid, test = step.id, step.test
        if step.same:
            pass  # the previous step's state
        elif test is None or test(env):
            state = True
        elif unknown and not step.names.isdisjoint(unknown):
            state = None
        else:
            state = False
        states[iid] = state
        if iid in answers:
            value = answers[iid]
            if state and step.valid(value):
                env[iid] = value
                unknown.discard(iid)
            else:
                env.pop(iid, None)
                if state is False:
                    unknown.discard(iid)
                else:
                    unknown.add(iid)
        else:
            env.pop(iid, None)
            if state is None or (state and step.required):
                unknown.add(iid)
            else:
                unknown.discard(iid)
        for d in step.derived:
            result = d.compute(env)
            if result is not None:
                env[d.name] = result
                unknown.discard(d.name)
            else:
                env.pop(d.name, None)
                # not computable although its sources are there or pending: cannot tell yet
                if any(o in env or o in unknown for o in d.of):
                    unknown.add(d.name)
                else:
                    unknown.discard(d.name)
    return Scope(uuid, form.items(section), answers, states, env)


def walk(v: HouseholdView) -> Walk:
    """The household walked on ``v.form`` (cached on ``v``); persons and death records are
    walked on first use (:func:`persons`, :func:`deaths`)."""
    if v._walk is None:
        unknown: set[str] = set()
        hh = _walk_scope(v.form, "household", "", v.answers, {}, unknown)
        v._walk = Walk(hh, frozenset(unknown))
    return v._walk


def persons(v: HouseholdView) -> list[Scope]:
    """Each person of ``v`` walked on ``v.form`` (person items see the household's answers)."""
    w = walk(v)
    if w._persons is None:
        env, unknown = w.household.env, w.unknown
        w._persons = [
            _walk_scope(v.form, "person", p.uuid, p.answers, dict(env), set(unknown))
            for p in v.persons
        ]
    return w._persons


def deaths(v: HouseholdView) -> list[Scope]:
    """Each death record of ``v`` walked on ``v.form``'s death items."""
    w = walk(v)
    if w._deaths is None:
        env, unknown = w.household.env, w.unknown
        w._deaths = [
            _walk_scope(v.form, "death", d.uuid, d.answers, dict(env), set(unknown))
            for d in v.deaths
        ]
    return w._deaths


def check_scope(
    scope: Scope, only: frozenset[str], form: Form, cfg: ValidationConfig
) -> Iterator[Finding]:
    """Missing, stale and invalid answers of the items ``only`` of one walked record."""
    uuid = scope.uuid
    for item in scope.items:
        iid = item.id
        if iid not in only:
            continue
        state = scope.states.get(iid)
        if iid in scope.answers:
            if state is False:
                w = why(item)
                msg = Msg(
                    _STALE.zh.format(item=iid, why=w.zh), _STALE.en.format(item=iid, why=w.en)
                )
                yield Finding(ITEM_RULE.get(iid, FORM_ITEM_RULE), E, uuid, (iid,), msg)
            else:
                yield from check_form_value(item, scope.answers[iid], uuid, cfg, form)
        elif state and item.required:
            rule = ITEM_RULE.get(iid, FORM_ITEM_RULE)
            yield Finding(rule, E, uuid, (iid,), _MISSING.format(item=iid))


Select = Callable[[Form], frozenset[str]]
"""Which items of a form a form-driven rule judges."""


def household_rule(select: Select, *, skip_all_died: bool = False) -> Rule:
    """A rule judging the household items ``select(form)`` by the form."""

    def rule(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
        if skip_all_died and v.all_died:
            return  # HH-09 reports every housing answer of a household whose members all died
        yield from check_scope(walk(v).household, select(v.form), v.form, cfg)

    return rule


def person_rule(select: Select) -> Rule:
    """A rule judging the person items ``select(form)`` of every person by the form."""

    def rule(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
        only = select(v.form)
        for scope in persons(v):
            yield from check_scope(scope, only, v.form, cfg)

    return rule


def death_rule(select: Select) -> Rule:
    """A rule judging the death items ``select(form)`` of every death record by the form."""

    def rule(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
        if not v.form.death_items:
            return
        only = select(v.form)
        for scope in deaths(v):
            yield from check_scope(scope, only, v.form, cfg)

    return rule
