"""Relationship-structure checks, FACTS §7.2 (R-01 … R-10), on every household form.

The rules read the relationship, sex and birth items through the form's roles
(``HouseholdView.ids``: D2, D4, D5 on the short and long forms; R2, R3, R4 on hmt2020) and name
them so in their findings and messages. Relationship codes (FACTS §5.1): 0 户主 · 1 配偶 ·
2 子女 · 3 父母 · 4 岳父母或公婆 · 5 祖父母 · 6 媳婿 · 7 孙子女 · 8 兄弟姐妹 · 9 其他.
Relationship is always to the head (户主), not the respondent.
"""

from __future__ import annotations

from collections.abc import Iterator

from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE as HH
from census_tui.validation.config import ValidationConfig
from census_tui.validation.findings import Finding, Ref, Rule, Severity
from census_tui.validation.items import check_value
from census_tui.validation.view import HouseholdView, PersonView

E, W = Severity.ERROR, Severity.WARNING
HEAD, SPOUSE, CHILD, PARENT, PARENT_IN_LAW, GRANDPARENT, CHILD_IN_LAW, GRANDCHILD = range(8)
MALE, FEMALE = 1, 2

_REL_MISSING = Msg("请选择与户主关系 {rel}。", "Choose the relationship to the head, {rel}.")
_NO_HEAD = Msg(
    "本户没有户主:请把一人的 {rel} 设为“户主”。",
    "No head of household: set one person's {rel} to 'head'.",
)
_TWO_HEADS = Msg(
    "一户只能有一名户主:请更正此人的 {rel}。",
    "A household has exactly one head: correct this {rel}.",
)
_HEAD_FIRST = Msg(
    "户主须登记在第一位:请调整人员顺序。", "The head must be the first person: reorder the persons."
)
_TWO_SPOUSES = Msg(
    "一户最多一名配偶:请更正此人的 {rel}。", "At most one spouse per household: correct this {rel}."
)
_COLLECTIVE = Msg(
    "集体户中户主以外的人员,与户主关系都填“其他”(9)。",
    "In a collective household everyone except the head has {rel} = 9 (other).",
)
_SAME_SEX = Msg(
    "配偶与户主性别相同,请核实 {sex};确认无误请说明原因。",
    "Spouse and head have the same sex: check {sex}, or confirm with a reason.",
)
_TOO_YOUNG = Msg(
    "户主或配偶不满 {age} 周岁,请核实出生年月和与户主关系。",
    "Head or spouse younger than {age}: check {birth} and {rel}.",
)
_UNDER_LEGAL = Msg(
    "已婚者未到法定婚龄(男 {m} 岁、女 {f} 岁),请核实;普查按实际情况登记,确认请说明原因。",
    "Married below the legal age (men {m}, women {f}): check; the census records the actual "
    "situation, so confirm with a reason.",
)
_GAP = Msg(
    "此人与户主(或配偶)的年龄差不合常理,请核实双方出生年月和 {rel};确认无误请说明原因。",
    "The age gap between this person and the head (or spouse) is unusual for this relationship: "
    "check both birth dates and {rel}, or confirm with a reason.",
)
_IN_LAW_NO_SPOUSE = Msg(
    "登记了岳父母或公婆,但本户没有配偶:请核实 {rel}。",
    "A parent-in-law is listed but no spouse: check {rel}.",
)
_CHILD_IN_LAW_NO_CHILD = Msg(
    "登记了媳婿,但本户没有子女:请核实 {rel}。",
    "A child-in-law is listed but no child: check {rel}.",
)
_TOO_MANY_PARENTS = Msg(
    "父母多于 {n} 人,请核实 {rel}。", "More than {n} parents listed: check {rel}."
)  # fmt: skip
_TOO_MANY_ELDERS = Msg(
    "同一性别的岳父母/公婆与祖父母多于 {n} 人,请核实 {rel} 和 {sex}。",
    "More than {n} parents-in-law and grandparents of one sex: check {rel} and {sex}.",
)


def r_01(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Every person has a D2 code; exactly one 户主 (FACTS §7.2 R-01)."""
    ids = v.ids
    for p in v.persons:
        if not p.has(ids.rel):
            yield Finding("R-01", E, p.uuid, (ids.rel,), _REL_MISSING.format(**ids.fmt()))
        else:
            yield from check_value(ids.rel, p.answers[ids.rel], p.uuid, cfg, form=v.form)
    heads = v.with_rel(HEAD)
    if v.persons and not heads and all(p.rel is not None for p in v.persons):
        related = tuple((p.uuid, ids.rel) for p in v.persons)
        yield Finding("R-01", E, HH, (), _NO_HEAD.format(**ids.fmt()), related)
    for extra in heads[1:]:
        yield Finding("R-01", E, extra.uuid, (ids.rel,), _TWO_HEADS.format(**ids.fmt()))


def r_02(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """The first person record is the 户主 (FACTS §7.2 R-02)."""
    ids = v.ids
    if v.persons and v.persons[0].rel != HEAD and v.head is not None:
        yield Finding("R-02", E, v.head.uuid, (ids.rel,), _HEAD_FIRST.format(**ids.fmt()))


def r_03(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """At most one 配偶 (FACTS §7.2 R-03 [D])."""
    ids = v.ids
    for extra in v.with_rel(SPOUSE)[1:]:
        yield Finding("R-03", E, extra.uuid, (ids.rel,), _TWO_SPOUSES.format(**ids.fmt()))


def r_04(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """集体户: every non-head person has D2 = 9 (FACTS §7.2 R-04)."""
    ids = v.ids
    if v.code(ids.household_type) != 2:
        return
    for p in v.persons:
        if p.rel is not None and p.rel not in (HEAD, 9):
            yield Finding(
                "R-04",
                E,
                p.uuid,
                (ids.rel,),
                _COLLECTIVE.format(**ids.fmt()),
                ((HH, ids.household_type),),
            )


def r_05(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """配偶 of the same sex as the 户主 (FACTS §7.2 R-05, a warning)."""
    ids = v.ids
    head, spouse = v.head, v.spouse
    if head and spouse and head.sex in (MALE, FEMALE) and head.sex == spouse.sex:
        yield Finding(
            "R-05",
            W,
            spouse.uuid,
            (ids.sex,),
            _SAME_SEX.format(**ids.fmt()),
            ((head.uuid, ids.sex),),
        )


def _couple(v: HouseholdView) -> list[PersonView]:
    spouse = v.spouse
    head = v.head
    return [p for p in (head, spouse) if p is not None] if spouse is not None else []


def r_06(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """户主 or 配偶 younger than 15 (FACTS §7.2 R-06 [D])."""
    ids = v.ids
    for p in (v.head, v.spouse):
        if p is not None and p.age is not None and 0 <= p.age < cfg.min_spouse_age:
            msg = _TOO_YOUNG.format(**ids.fmt(), age=cfg.min_spouse_age)
            yield Finding("R-06", E, p.uuid, (ids.birth, ids.rel), msg)


def r_07(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Married below the legal age (男 22 / 女 20) but ≥ 15 (FACTS §7.2 R-07, a warning)."""
    ids = v.ids
    limits = {MALE: cfg.legal_marriage_age_male, FEMALE: cfg.legal_marriage_age_female}
    for p in _couple(v):
        limit = limits.get(p.sex) if p.sex is not None else None
        if limit is not None and p.age is not None and cfg.min_spouse_age <= p.age < limit:
            msg = _UNDER_LEGAL.format(**ids.fmt(), m=limits[MALE], f=limits[FEMALE])
            yield Finding("R-07", W, p.uuid, (ids.birth, ids.sex, ids.rel), msg)


def _older_by(elder: PersonView | None, younger: PersonView, years: int) -> bool | None:
    """Whether ``elder`` is at least ``years`` older; ``None`` if a birth is unknown."""
    if elder is None or elder.birth_index is None or younger.birth_index is None:
        return None
    return younger.birth_index - elder.birth_index >= years * 12


def _mother_gap_too_big(
    mother: PersonView | None, child: PersonView, cfg: ValidationConfig
) -> bool:
    if mother is None or mother.sex != FEMALE:
        return False
    if mother.birth_index is None or child.birth_index is None:
        return False
    return child.birth_index - mother.birth_index > cfg.max_mother_child_gap * 12


def _gap_checks(
    p: PersonView, v: HouseholdView, cfg: ValidationConfig
) -> list[tuple[PersonView | None, PersonView, int, PersonView | None]]:
    """(elder, younger, minimum gap, mother-or-None) pairs that R-08 checks for ``p``."""
    head, spouse = v.head, v.spouse
    pc, gp = cfg.parent_child_gap, cfg.grandparent_gap
    if p.rel == CHILD:
        return [(head, p, pc, head), (spouse, p, pc, spouse)]
    if p.rel == PARENT and head is not None:
        return [(p, head, pc, p)]
    if p.rel == PARENT_IN_LAW and spouse is not None:
        return [(p, spouse, pc, p)]
    if p.rel == GRANDPARENT and head is not None:
        return [(p, head, gp, None)]
    if p.rel == GRANDCHILD:
        return [(head, p, gp, None)]
    return []


def r_08(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Parent-child and grandparent gaps; mother-child gap > 60 (FACTS §7.2 R-08 [D], warning)."""
    ids = v.ids
    for p in v.persons:
        bad = False
        related: list[Ref] = []
        for elder, younger, gap, mother in _gap_checks(p, v, cfg):
            if elder is None:
                continue
            other = elder if younger is p else younger
            ok = _older_by(elder, younger, gap)
            if ok is False or (mother is not None and _mother_gap_too_big(elder, younger, cfg)):
                bad = True
                related += [(other.uuid, ids.birth), (other.uuid, ids.sex)]
        if bad:
            yield Finding(
                "R-08", W, p.uuid, (ids.birth, ids.rel), _GAP.format(**ids.fmt()), tuple(related)
            )


def r_09(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """In-laws without the relative that links them (FACTS §7.2 R-09 [D], warning)."""
    ids = v.ids
    related = tuple((p.uuid, ids.rel) for p in v.persons)
    if v.spouse is None:
        for p in v.with_rel(PARENT_IN_LAW):
            yield Finding(
                "R-09", W, p.uuid, (ids.rel,), _IN_LAW_NO_SPOUSE.format(**ids.fmt()), related
            )
    if not v.with_rel(CHILD):
        for p in v.with_rel(CHILD_IN_LAW):
            yield Finding(
                "R-09", W, p.uuid, (ids.rel,), _CHILD_IN_LAW_NO_CHILD.format(**ids.fmt()), related
            )


def r_10(v: HouseholdView, cfg: ValidationConfig) -> Iterator[Finding]:
    """Too many parents, or parents-in-law + grandparents of one sex (FACTS §7.2 R-10 [D])."""
    ids = v.ids
    parents = v.with_rel(PARENT)
    if len(parents) > cfg.max_parents:
        related = tuple((p.uuid, ids.rel) for p in v.persons)
        msg = _TOO_MANY_PARENTS.format(**ids.fmt(), n=cfg.max_parents)
        yield Finding("R-10", W, HH, (), msg, related)
    elders = v.with_rel(PARENT_IN_LAW, GRANDPARENT)
    for sex in (MALE, FEMALE):
        if sum(1 for p in elders if p.sex == sex) > cfg.max_elders_of_one_sex:
            related = tuple((p.uuid, i) for p in v.persons for i in (ids.rel, ids.sex))
            msg = _TOO_MANY_ELDERS.format(**ids.fmt(), n=cfg.max_elders_of_one_sex)
            yield Finding("R-10", W, HH, (), msg, related)


RULES: tuple[Rule, ...] = (r_01, r_02, r_03, r_04, r_05, r_06, r_07, r_08, r_09, r_10)
