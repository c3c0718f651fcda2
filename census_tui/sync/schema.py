"""Strict readers of the server's answers (docs/protocol.md): exact fields, exact types.

An answer with a missing field, a field of the wrong type or a field the protocol does not know
is not trusted: :class:`BadAnswer` (a NetworkError) is raised and the caller keeps its outbox
items. ``bool`` is never accepted where an integer is expected (JSON ``true`` is not ``1``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from census_tui.errors import NetworkError
from census_tui.i18n import Msg
from census_tui.sync import messages as m
from census_tui.sync.card_code import decode_key


class BadAnswer(NetworkError):
    """The server's answer does not follow the protocol (retried: it may be garbled)."""

    retry = True

    def __init__(self, detail: str, msg: Msg = m.BAD_ANSWER) -> None:
        super().__init__(msg)
        self.detail = detail  # for the log: field names only, never values


class UnknownForm(BadAnswer):
    """The assignments name a form this client does not have: the same answer would come again,
    so it is not retried; nothing of the answer is stored and the cursor stays."""

    retry = False


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}


def fields(
    doc: Any,
    required: Mapping[str, str],
    optional: Mapping[str, str] | None = None,
    where: str = "answer",
) -> dict[str, Any]:
    """``doc`` as a dict whose keys are exactly ``required`` (+ any of ``optional``), typed."""
    optional = optional or {}
    if not isinstance(doc, dict):
        raise BadAnswer(f"{where}: not an object")
    unknown = set(doc) - set(required) - set(optional)
    if unknown:
        raise BadAnswer(f"{where}: unknown fields {sorted(unknown)[:5]}")
    for name, kind in {**required, **optional}.items():
        if name not in doc:
            if name in required:
                raise BadAnswer(f"{where}: missing {name}")
            continue
        value = doc[name]
        ok = isinstance(value, _TYPES[kind]) and not (kind == "int" and isinstance(value, bool))
        if not ok:
            raise BadAnswer(f"{where}: {name} is not {kind}")
    return doc


def _cursor(value: str) -> str:
    if not value.isdigit() or len(value) > 18:
        raise BadAnswer("cursor: not a cursor")
    return value


@dataclass(frozen=True, slots=True)
class ServerInfo:
    api_version: int
    training: bool
    server_time: str
    max_batch: int


def server_info(doc: Any) -> ServerInfo:
    d = fields(
        doc,
        {"api_version": "int", "training": "bool", "server_time": "str", "max_batch": "int"},
        where="info",
    )
    if d["max_batch"] < 1:
        raise BadAnswer("info: max_batch")
    return ServerInfo(d["api_version"], d["training"], d["server_time"], d["max_batch"])


@dataclass(frozen=True, slots=True)
class Card:
    """The enumerator's own work ID card (普查员证件), shown at the door."""

    name: str
    work_id: str
    area_id: str
    area_name: str
    issuing_office: str
    valid_from: str
    valid_until: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


_CARD = {k: "str" for k in Card.__dataclass_fields__}


def card(doc: Any) -> Card:
    return Card(**fields(doc, _CARD, where="card"))


@dataclass(frozen=True, slots=True)
class LoginAnswer:
    token: str
    account: str
    must_change_password: bool
    verified: bool
    training: bool
    recovery_public_key: str
    card: Card
    role: str = "enumerator"
    """``enumerator`` or ``supervisor`` (absent in an older server's answer: enumerator)."""
    card_key: str = ""
    """An enumerator's card key (base64 of 32 bytes) for the identity code
    (``sync/card_code.py``); "" when absent (another role, an older server)."""


ROLES = ("enumerator", "supervisor")


def login_answer(doc: Any) -> LoginAnswer:
    d = fields(
        doc,
        {
            "token": "str",
            "account": "str",
            "must_change_password": "bool",
            "verified": "bool",
            "training": "bool",
            "recovery_public_key": "str",
            "card": "dict",
        },
        {"role": "str", "card_key": "str"},
        where="login",
    )
    if not d["token"]:
        raise BadAnswer("login: empty token")
    role = d.get("role", "enumerator")
    if role not in ROLES:
        raise BadAnswer("login: role")
    card_key = d.get("card_key", "")
    if "card_key" in d and decode_key(card_key) is None:
        raise BadAnswer("login: card_key")
    return LoginAnswer(
        d["token"],
        d["account"],
        d["must_change_password"],
        d["verified"],
        d["training"],
        d["recovery_public_key"],
        card(d["card"]),
        role,
        card_key,
    )


@dataclass(frozen=True, slots=True)
class AreaInfo:
    area_id: str
    name: str
    training: bool


FORM_IDS = ("short2020", "long2020", "hmt2020")
"""The household forms an assignment may give a dwelling (docs/protocol.md "Forms")."""
DEFAULT_FORM_ID = "short2020"
"""A dwelling without ``form_id`` (a server from before the form set) takes the short form."""
_SHOWN_FORM = re.compile(r"[a-z0-9_]{1,20}")


@dataclass(frozen=True, slots=True)
class DwellingInfo:
    dwelling_id: str
    area_id: str
    address: str
    kind: str
    note: str
    form_id: str = DEFAULT_FORM_ID
    """``short2020`` | ``long2020`` (the 长表 sample) | ``hmt2020``."""


_DWELLING = {k: "str" for k in ("dwelling_id", "area_id", "address", "kind", "note")}


def dwelling_info(doc: Any) -> DwellingInfo:
    """One dwelling of an assignment; ``form_id`` optional (absent: short2020), and one of
    :data:`FORM_IDS` when present (anything else: :class:`UnknownForm`)."""
    d = fields(doc, _DWELLING, {"form_id": "str"}, where="dwelling")
    form_id = d.get("form_id", DEFAULT_FORM_ID)
    if form_id not in FORM_IDS:
        shown = form_id if _SHOWN_FORM.fullmatch(form_id) else "?"
        raise UnknownForm("dwelling: unknown form_id", m.UNKNOWN_FORM.format(form=shown))
    return DwellingInfo(**{**d, "form_id": form_id})


@dataclass(frozen=True, slots=True)
class Assignments:
    cursor: str
    areas: list[AreaInfo]
    dwellings: list[DwellingInfo]
    withdrawn: tuple[str, ...] = ()
    """Dwellings moved away from this enumerator since the cursor (optional field)."""
    cases: tuple[Any, ...] = ()
    """Whole cases handed to this device, read strictly by ``sync/transfer.py``."""
    histories: tuple[Any, ...] = ()
    """Visit events of dwellings handed over with no case (optional field; read strictly by
    ``sync/transfer.py``)."""


def assignments(doc: Any) -> Assignments:
    d = fields(
        doc,
        {"cursor": "str", "areas": "list", "dwellings": "list"},
        {"withdrawn": "list", "cases": "list", "histories": "list"},
        where="assignments",
    )
    areas = [
        AreaInfo(**fields(a, {"area_id": "str", "name": "str", "training": "bool"}, where="area"))
        for a in d["areas"]
    ]
    dwellings = [dwelling_info(w) for w in d["dwellings"]]
    withdrawn = d.get("withdrawn", [])
    if not all(isinstance(w, str) and 0 < len(w) <= 64 for w in withdrawn):
        raise BadAnswer("assignments: withdrawn")
    from census_tui.sync.transfer import received_case, received_history  # kept with their use

    cases = tuple(received_case(c) for c in d.get("cases", []))
    histories = tuple(received_history(h) for h in d.get("histories", []))
    return Assignments(_cursor(d["cursor"]), areas, dwellings, tuple(withdrawn), cases, histories)


@dataclass(frozen=True, slots=True)
class Review:
    """A supervisor's decision on a case: ``returned`` (with a comment and the questions
    concerned, ``(person_uuid or "", item_id)``, first to open first) or ``approved``."""

    case_uuid: str
    revision: int
    action: str
    comment: str
    at: str
    items: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Returns:
    cursor: str
    returns: list[Review]


MAX_REVIEW_ITEMS = 50
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def _review_items(raw: list[Any]) -> tuple[tuple[str, str], ...]:
    """The ``items`` of a return: objects of exactly ``person_uuid`` and ``item_id`` (strings;
    an item id of 1-16 letters and digits, a person uuid of at most 64 characters)."""
    if len(raw) > MAX_REVIEW_ITEMS:
        raise BadAnswer("review: too many items")
    out = []
    for it in raw:
        f = fields(it, {"person_uuid": "str", "item_id": "str"}, where="review item")
        item_id, person = f["item_id"], f["person_uuid"]
        if not 0 < len(item_id) <= 16 or not set(item_id) <= _ID_CHARS:
            raise BadAnswer("review item: item_id")
        if len(person) > 64:
            raise BadAnswer("review item: person_uuid")
        out.append((person, item_id))
    return tuple(out)


def returns(doc: Any) -> Returns:
    """``GET /returns``. ``items`` may be absent (a server from before it): no items."""
    d = fields(doc, {"cursor": "str", "returns": "list"}, where="returns")
    out = []
    for r in d["returns"]:
        f = fields(
            r,
            {"case_uuid": "str", "revision": "int", "action": "str", "comment": "str", "at": "str"},
            {"items": "list"},
            where="review",
        )
        if f["action"] not in ("returned", "approved"):
            raise BadAnswer("review: action")
        items = _review_items(f.get("items", []))
        out.append(Review(f["case_uuid"], f["revision"], f["action"], f["comment"], f["at"], items))
    return Returns(_cursor(d["cursor"]), out)


ITEM_STATUSES = (
    "stored",
    "duplicate",
    "conflict",
    "rejected",
    "invalid",
    "forbidden",
    "training_mismatch",
)
ACKED = ("stored", "duplicate")


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The server's answer for one uploaded item."""

    status: str
    code: int
    key: str
    """case_uuid (households), outcome_uuid (outcomes) or event_uuid (events); empty if the
    item was unreadable."""
    revision: int | None
    server_revision: int | None
    reason: str
    findings: list[dict[str, Any]]

    @property
    def acked(self) -> bool:
        return self.status in ACKED


def batch_results(doc: Any, expected: int) -> list[ItemResult]:
    """The per-item answers of a batch; exactly one per item sent, in order."""
    d = fields(doc, {"results": "list"}, where="batch")
    if len(d["results"]) != expected:
        raise BadAnswer("batch: result count")
    return [item_result(r) for r in d["results"]]


def item_result(doc: Any) -> ItemResult:
    f = fields(
        doc,
        {"status": "str", "code": "int"},
        {
            "case_uuid": "str",
            "outcome_uuid": "str",
            "event_uuid": "str",
            "revision": "int",
            "server_revision": "int",
            "reason": "str",
            "findings": "list",
        },
        where="result",
    )
    if f["status"] not in ITEM_STATUSES:
        raise BadAnswer("result: status")
    return ItemResult(
        f["status"],
        f["code"],
        f.get("case_uuid", f.get("outcome_uuid", f.get("event_uuid", ""))),
        f.get("revision"),
        f.get("server_revision"),
        f.get("reason", ""),
        list(f.get("findings", [])),
    )
