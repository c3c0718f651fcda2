"""The supervisor's calls (docs/protocol.md "Supervisor") over the sync client's transport.

:class:`SupervisorApi` is a :class:`~census_tui.sync.api.SyncApi` (the same TLS pinning,
retries, deadline, size caps and strict JSON), with one method per supervisor route; the CLI
(``census-tui supervise``) uses it now and the supervisor's TUI can use it as it is. Writes
carry a client-chosen UUID (``new_id``), so a retried or offline-queued decision, sample or
re-visit is stored once: keep the UUID with the queued request and send the same one again.

The server's refusals become :class:`~census_tui.errors.CensusError` subclasses carrying its
own bilingual reason: 403 :class:`NotAllowed` (not a supervisor, not in scope; exit 3), 404
and 422 :class:`~census_tui.errors.BadInput` (no such case, an item the form or the household
does not have, a sample too large; exit 2), 409 :class:`Moved` (the enumerator uploaded a
newer revision: look again), :class:`UnsyncedWork` (a move over work not uploaded: confirm) or
:class:`~census_tui.errors.ConflictError` (a UUID reused; exit 7). 401
stays :class:`~census_tui.errors.AuthError` (log in again). Answers are checked for their
top-level fields exactly (:func:`~census_tui.sync.schema.fields`).

:func:`parse_item` reads what a supervisor types for a question (``H6``, ``2:D5``) against a
case's persons, as ``census-tui server return`` does, without the server's code.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from census_tui.errors import AuthError, BadInput, ConflictError
from census_tui.i18n import Msg
from census_tui.sync import schema
from census_tui.sync.api import V1, SyncApi

BASE = f"{V1}/supervisor"
ACCEPT = (200, 201, 403, 404, 409, 422)

WRONG_ROLE = Msg(
    "该账号不是普查指导员账号，不能使用指导员功能。",
    "This account is not a supervisor's: the supervisor's commands are not open to it.",
)
BAD_ITEM = Msg(
    "无法理解 {spec}：户项目写 H6，人项目写 人序号:项目，如 2:D5",
    "cannot read {spec}: a household item is H6, a person item NUMBER:ITEM, e.g. 2:D5",
)
NOT_A_CASE = Msg(
    "{case} 不是户编号（UUID），请从审核队列中复制。",
    "{case} is not a case UUID: copy it from the review queue.",
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NO_PERSON = Msg("本户只有 {n} 人，没有第 {k} 人", "the household has {n} persons, not person {k}")


class NotAllowed(AuthError):
    """403: not a supervisor, first login unfinished, or outside the supervisor's scope."""

    def __init__(self, msg: Msg, code: str) -> None:
        super().__init__(msg)
        self.code = code


class Moved(ConflictError):
    """409 ``revision_moved``: the case has a newer revision than the decision names."""

    def __init__(self, msg: Msg, server_revision: int) -> None:
        super().__init__(msg)
        self.server_revision = server_revision


class UnsyncedWork(ConflictError):
    """409 ``unsynced_work``: a move over work the server knows is not uploaded; ``unsynced``
    lists each dwelling with the accounts and reason codes (send again with ``confirm``)."""

    def __init__(self, msg: Msg, unsynced: list[dict[str, Any]]) -> None:
        super().__init__(msg)
        self.unsynced = unsynced


def check_case(case_uuid: str) -> str:
    """``case_uuid`` when it is a UUID (it goes into the path), else :class:`BadInput`."""
    if not _UUID.fullmatch(case_uuid):
        raise BadInput(NOT_A_CASE.format(case=repr(case_uuid[:40])))
    return case_uuid


def new_id() -> str:
    """A new client-chosen UUID for a decision, a sample or a re-visit."""
    return str(uuid.uuid4())


def _reason(body: Any) -> tuple[str, Msg]:
    """The error code and the bilingual reason of a refusal (cut short, never trusted)."""
    if not isinstance(body, dict):
        raise schema.BadAnswer("refusal: not an object")
    msg = body.get("message")
    code = body.get("error")
    if not (isinstance(msg, dict) and isinstance(code, str)):
        raise schema.BadAnswer("refusal: no error and message")
    zh, en = msg.get("zh"), msg.get("en")
    if not (isinstance(zh, str) and isinstance(en, str)):
        raise schema.BadAnswer("refusal: message")
    return code[:40], Msg(zh[:300], en[:300])


def _shape(
    doc: Any, required: Mapping[str, str], optional: Mapping[str, str], where: str
) -> dict[str, Any]:
    """``doc`` with exactly the ``required`` fields (+ any of ``optional``), each of its type
    (``schema.fields``'s names; ``any``: present, whatever its value)."""
    loose = {k for k, v in {**required, **optional}.items() if v == "any"}
    if isinstance(doc, dict) and loose:
        missing = sorted(k for k in loose & set(required) if k not in doc)
        if missing:
            raise schema.BadAnswer(f"{where}: missing {missing[0]}")
        rest = {k: v for k, v in doc.items() if k not in loose}
        schema.fields(
            rest,
            {k: v for k, v in required.items() if k not in loose},
            {k: v for k, v in optional.items() if k not in loose},
            where=where,
        )
        return doc
    return schema.fields(doc, required, optional, where=where)


_TOP: dict[str, dict[str, str]] = {
    "scope": {"account": "str", "enumerators": "list", "areas": "list"},
    "progress": {
        "server_time": "str",
        "stale_hours": "int",
        "long_form_tracked": "bool",
        "enumerators": "list",
        "areas": "list",
    },
    "queue": {"server_time": "str", "cases": "list"},
    "samples": {"samples": "list"},
    "allocation": {
        "status": "str",
        "assign_uuid": "str",
        "to": "str",
        "at": "str",
        "confirmed": "bool",
        "dwellings": "list",
    },
    "dwellings": {
        "server_time": "str",
        "area_id": "str",
        "name": "str",
        "enumerators": "list",
        "dwellings": "list",
    },
    "decision": {
        "status": "str",
        "decision_uuid": "str",
        "case_uuid": "str",
        "revision": "int",
        "action": "str",
        "cursor": "str",
        "at": "str",
        "items": "list",
    },
    "sample": {
        "status": "str",
        "sample_uuid": "str",
        "seed": "int",
        "created": "str",
        "areas": "list",
        "cases": "list",
        "percent": "any",
        "count": "any",
    },
    "revisit": {
        "status": "str",
        "revisit_uuid": "str",
        "case_uuid": "str",
        "revision": "int",
        "at": "str",
        "compared_items": "list",
        "differences": "list",
        "return_items": "list",
    },
}
_CASE = {
    k: "str" for k in ("case_uuid", "area_id", "dwelling_id", "address", "account", "received")
} | {
    "revision": "int",
    "flagged": "bool",
    "flags": "list",
    "state": "str",
    "household": "dict",
    "persons": "list",
    "findings": "list",
    "confirmations": "list",
    "notes": "list",
    "revisions": "list",
    "reviews": "list",
    "revisits": "list",
    "attempts": "list",
    "read_back": "any",
}

_CASE_EVENTS = {"history": "list", "paradata": "dict"}
"""What a server with ``POST /events`` adds to a case (optional: an older one sends none)."""


class SupervisorApi(SyncApi):
    """The supervisor routes of one server; log in with :meth:`login` or pass ``token``."""

    def _ask(
        self,
        method: str,
        path: str,
        shape: Mapping[str, str],
        *,
        optional: Mapping[str, str] | None = None,
        body: Any = None,
        params: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        box: list[dict[str, Any]] = []

        def check(answer: Any) -> None:
            if answer.status in (200, 201):
                box.append(_shape(answer.body, shape, optional or {}, where=path[-30:]))
            else:
                box.append({"__refused__": (answer.status, *_reason(answer.body)), **answer.body})

        self.call(
            method, f"{BASE}/{path}", json_body=body, params=params, accept=ACCEPT, check=check
        )
        found = box[-1]
        refused = found.get("__refused__")
        if refused is None:
            return found
        status, code, msg = refused
        if status == 403:
            raise NotAllowed(WRONG_ROLE if code == "wrong_role" else msg, code)
        if status == 409 and code == "revision_moved":
            moved = found.get("server_revision")
            raise Moved(msg, moved if isinstance(moved, int) else 0)
        if status == 409 and code == "unsynced_work":
            blocked = found.get("unsynced")
            raise UnsyncedWork(
                msg,
                [b for b in blocked if isinstance(b, dict)] if isinstance(blocked, list) else [],
            )
        if status == 409:
            raise ConflictError(msg)
        raise BadInput(msg)

    def scope(self) -> dict[str, Any]:
        """The caller's enumerators and areas (an enumerator's account: :class:`NotAllowed`,
        which also tells a client which screens to show)."""
        return self._ask("GET", "scope", _TOP["scope"])

    def progress(self, stale_hours: int | None = None) -> dict[str, Any]:
        params = {"stale_hours": str(stale_hours)} if stale_hours is not None else None
        return self._ask("GET", "progress", _TOP["progress"], params=params)

    def queue(self) -> dict[str, Any]:
        return self._ask("GET", "queue", _TOP["queue"])

    def case(self, case_uuid: str) -> dict[str, Any]:
        return self._ask("GET", f"cases/{check_case(case_uuid)}", _CASE, optional=_CASE_EVENTS)

    def approve(
        self, case_uuid: str, revision: int, *, decision_uuid: str, comment: str = ""
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"decision_uuid": decision_uuid, "revision": revision}
        if comment:
            body["comment"] = comment
        path = f"cases/{check_case(case_uuid)}/approve"
        return self._ask("POST", path, _TOP["decision"], body=body)

    def return_case(
        self,
        case_uuid: str,
        revision: int,
        *,
        decision_uuid: str,
        comment: str,
        items: Sequence[tuple[str, str]] = (),
    ) -> dict[str, Any]:
        body = {
            "decision_uuid": decision_uuid,
            "revision": revision,
            "comment": comment,
            "items": [{"person_uuid": p, "item_id": i} for p, i in items],
        }
        path = f"cases/{check_case(case_uuid)}/return"
        return self._ask("POST", path, _TOP["decision"], body=body)

    def sample(
        self,
        *,
        sample_uuid: str,
        area_ids: Sequence[str] = (),
        percent: float | None = None,
        count: int | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"sample_uuid": sample_uuid}
        if area_ids:
            body["area_ids"] = list(area_ids)
        if percent is not None:
            body["percent"] = percent
        if count is not None:
            body["count"] = count
        if seed is not None:
            body["seed"] = seed
        return self._ask("POST", "sample", _TOP["sample"], body=body)

    def samples(self) -> dict[str, Any]:
        return self._ask("GET", "samples", _TOP["samples"])

    def assign(
        self,
        *,
        assign_uuid: str,
        to: str,
        dwelling_ids: Sequence[str] = (),
        first: str | None = None,
        last: str | None = None,
        confirm: bool = False,
    ) -> dict[str, Any]:
        """Give dwellings (a list, or the range ``first``..``last``) and their cases to one
        enumerator (docs/protocol.md "Moving work"); a move over work the server knows is not
        uploaded is refused (ConflictError with the reasons) unless ``confirm``."""
        body: dict[str, Any] = {"assign_uuid": assign_uuid, "to": to}
        if dwelling_ids:
            body["dwelling_ids"] = list(dwelling_ids)
        else:
            body["first"], body["last"] = first, last
        if confirm:
            body["confirm"] = True
        return self._ask("POST", "assign", _TOP["allocation"], body=body)

    def dwellings(self, area_id: str) -> dict[str, Any]:
        """One area of the caller's scope: each dwelling, who holds it (``holder``; None: the
        area's enumerators) and its cases with their owner and review state."""
        return self._ask("GET", "dwellings", _TOP["dwellings"], params={"area_id": area_id})

    def revisit(
        self,
        *,
        revisit_uuid: str,
        case_uuid: str,
        person_count: int,
        persons: Sequence[Mapping[str, int | str]],
        note: str = "",
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "revisit_uuid": revisit_uuid,
            "case_uuid": case_uuid,
            "person_count": person_count,
            "persons": [dict(p) for p in persons],
        }
        if note:
            body["note"] = note
        return self._ask("POST", "revisits", _TOP["revisit"], body=body)


def case_persons(case: Mapping[str, Any]) -> list[str]:
    """The person UUIDs of a case answer, by their read-back number (from 1)."""
    persons = sorted(case.get("persons") or [], key=lambda p: p.get("number", 0))
    return [str(p.get("person_uuid", "")) for p in persons]


def parse_item(spec: str, persons: Sequence[str], form_id: str = "short2020") -> tuple[str, str]:
    """What a supervisor types for one question: ``H6`` or ``:H6`` (a household item), ``2:D5``
    (person 2 as numbered on the read-back, from 1) or ``<person uuid>:D5``. The item id takes
    the form's own spelling (``h2a`` is ``H2a``); whether it fits is the server's check."""
    from census_tui.questionnaire.form import FormError, load_form

    who, _, item_id = spec.strip().rpartition(":")
    item_id, who = item_id.strip(), who.strip()
    if not item_id or not item_id.isascii() or not item_id.isalnum() or len(item_id) > 16:
        raise BadInput(BAD_ITEM.format(spec=repr(spec[:20])))
    try:
        form = load_form(form_id)
    except FormError:
        form = load_form()
    for item in (*form.household_items, *form.person_items):
        if item.id.lower() == item_id.lower():
            item_id = item.id
    if not who:
        return ("", item_id)
    if who.isascii() and who.isdigit():
        number = int(who)
        if not 1 <= number <= len(persons):
            raise BadInput(NO_PERSON.format(n=len(persons), k=number))
        return (persons[number - 1], item_id)
    return (who, item_id)
