"""The questions a supervisor's return points at: checked against the form and the household.

A return (退回) carries ``items``: ``(person_uuid, item_id)`` pairs, ``person_uuid`` empty for a
household item (docs/protocol.md, "GET /returns"). The device opens the returned case at the
first of them (issue 5 §8), so the server refuses pairs the device could not open: an item id
the form does not have, a household item with a person, a person item without one, or a person
not in the household's latest revision. Supervisors do not know person UUIDs: :func:`parse_spec`
reads what they type, ``H6`` for a household item and ``2:D5`` for person 2 (1-based, the
numbering of the read-back). No web imports; reasons name item ids and positions only, never
answers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.questionnaire.form import Form, load_form

MAX_ITEMS = 50
"""A return points at a few questions, not the whole form."""

ReviewItem = tuple[str, str]
"""(person uuid or "" for the household, item id)."""


class BadReview(BadInput):
    """The return's items cannot be opened on the device; ``reason`` is for logs and answers."""

    def __init__(self, reason: str, msg: Msg) -> None:
        super().__init__(msg)
        self.reason = reason


def person_uuids(payload: str) -> list[str]:
    """The persons of a stored household JSON payload, in read-back order (``position``)."""
    try:
        doc = json.loads(payload)
        persons = sorted(doc["persons"], key=lambda p: int(p["position"]))
        return [str(p["uuid"]) for p in persons]
    except (ValueError, KeyError, TypeError):
        return []


def check_items(
    items: Sequence[ReviewItem], persons: Sequence[str], form: Form | None = None
) -> list[ReviewItem]:
    """``items`` as a clean list (duplicates dropped, order kept); :class:`BadReview` if any
    pair does not fit the form and the household."""
    form = form or load_form()
    if len(items) > MAX_ITEMS:
        raise BadReview(
            "too many items", Msg(f"问题最多 {MAX_ITEMS} 个", f"at most {MAX_ITEMS} items")
        )
    out: list[ReviewItem] = []
    for person_uuid, item_id in items:
        if not isinstance(person_uuid, str) or not isinstance(item_id, str):
            raise BadReview("item is not two strings", Msg("问题格式错误", "malformed item"))
        if not form.has_item(item_id):
            raise BadReview(
                f"unknown item {item_id[:16]!r}",
                Msg(f"表上没有问题 {item_id[:16]}", f"the form has no item {item_id[:16]}"),
            )
        household_item = form.item(item_id).section == "household"
        if household_item and person_uuid != HOUSEHOLD_SCOPE:
            raise BadReview(
                f"{item_id} is a household item",
                Msg(f"{item_id} 是户项目，不属于某人", f"{item_id} is a household item"),
            )
        if not household_item and person_uuid == HOUSEHOLD_SCOPE:
            raise BadReview(
                f"{item_id} is a person item without a person",
                Msg(
                    f"{item_id} 是人项目，请写人序号，如 1:{item_id}",
                    f"{item_id} is a person item: name the person, e.g. 1:{item_id}",
                ),
            )
        if not household_item and person_uuid not in persons:
            raise BadReview(
                f"{item_id}: person not in the household",
                Msg(
                    f"{item_id}: 本户没有这个人（按复核时的人序号，从 1 起）",
                    f"{item_id}: no such person in the household (numbers as on the read-back, "
                    "from 1)",
                ),
            )
        if (person_uuid, item_id) not in out:
            out.append((person_uuid, item_id))
    return out


def parse_spec(spec: str, persons: Sequence[str], form: Form | None = None) -> ReviewItem:
    """What a supervisor types for one question: ``H6`` or ``:H6`` (household item), ``2:D5``
    (person 2 as numbered on the read-back, from 1) or ``<person uuid>:D5`` (scripts)."""
    who, _, item_id = spec.strip().rpartition(":")
    item_id, who = _canonical(item_id.strip(), form or load_form()), who.strip()
    if not item_id or not item_id.isalnum():
        raise _bad_spec(spec)
    if not who:
        return (HOUSEHOLD_SCOPE, item_id)
    if who.isascii() and who.isdigit():
        number = int(who)
        if not 1 <= number <= len(persons):
            raise BadReview(
                "person number out of range",
                Msg(
                    f"本户只有 {len(persons)} 人，没有第 {number} 人",
                    f"the household has {len(persons)} persons, not person {number}",
                ),
            )
        return (persons[number - 1], item_id)
    return (who, item_id)


def _canonical(item_id: str, form: Form) -> str:
    """The form's own spelling of an item id typed in any case (``h2A`` is ``H2a``)."""
    for item in (*form.household_items, *form.person_items):
        if item.id.lower() == item_id.lower():
            return item.id
    return item_id


def _bad_spec(spec: str) -> BadReview:
    return BadReview(
        "malformed item spec",
        Msg(
            f"无法理解 {spec[:20]!r}：户项目写 H6，人项目写 人序号:项目，如 2:D5",
            f"cannot read {spec[:20]!r}: a household item is H6, a person item NUMBER:ITEM, "
            "e.g. 2:D5",
        ),
    )
