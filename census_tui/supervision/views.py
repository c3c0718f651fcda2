"""The server's supervisor answers (docs/protocol.md "Supervisor") as the screens' view models
(:mod:`census_tui.supervision.api`).

Pure functions over the JSON the session cached: no I/O, nothing logged. The answers were
checked for their top-level fields by :class:`~census_tui.sync.supervisor.SupervisorApi`; the
nested fields are read leniently here (a missing or mistyped one shows as empty), since a view
must show what there is rather than fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from census_tui.clock import parse_iso
from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE, MODE_PHONE, MODE_VISIT, Household, Value
from census_tui.questionnaire.form import Form, FormError, Item, load_form
from census_tui.supervision.api import STATES as PROGRESS_STATES
from census_tui.supervision.api import (
    AreaDwellings,
    AreaProgress,
    CaseHold,
    CaseLine,
    CaseView,
    Confirmation,
    Difference,
    DwellingHold,
    EnumeratorProgress,
    HistoryLine,
    ItemRef,
    Progress,
    Queue,
    QueueRow,
    Sample,
    SampleCase,
    Tally,
    UnsyncedDwelling,
)
from census_tui.supervision.words import (
    ACTIONS,
    APPOINTMENT_STATUSES,
    CHANNELS,
    KINDS,
    OUTCOMES,
    STATUS_NAMES,
    UNSYNCED_REASONS,
    word_msg,
)

HOUSEHOLD = Msg("户", "Household")
PERSON = Msg("第 {n} 人 {name}", "Person {n} {name}")
DEATH = Msg("死亡人口 {n}", "Death record {n}")
NO_ID = Msg("无公民身份号码", "no ID number")
READ_BACK = Msg("复核确认：{who}，{at}", "Read-back confirmed by {who}, {at}")
NO_READ_BACK = Msg("复核确认：无", "Read-back: not confirmed")
BY_PHONE = Msg("（电话登记）", " (registered by telephone)")
"""Appended to the read-back line of a household enumerated by telephone (``mode: phone``)."""
UPLOADED = Msg("上传第 {rev} 版{flags}", "revision {rev} uploaded{flags}")
REVIEWED = Msg("{action}（{by}）{comment}{items}", "{action} ({by}) {comment}{items}")
REVISITED = Msg("复查，{n} 处不同", "re-visit, {n} difference(s)")
ATTEMPT = Msg("入户：{kind}（第 {n} 次）{note}", "visit: {kind} (attempt {n}) {note}")
EV_ATTEMPT = Msg("入户：{outcome} {channel}", "visit: {outcome} {channel}")
EV_APPOINTMENT = Msg("预约：{slot}（{channel}）", "appointment for {slot} ({channel})")
EV_APPOINTMENT_STATUS = Msg("预约{status}", "appointment {status}")
EV_IDENTITY = Msg("出示证件（勾选 {n}/{of}）", "identity shown ({n}/{of} checked)")
EV_BY_PHONE = Msg("；电话登记", "; telephone registration")
EV_PARADATA = Msg(
    "录入：修改答案 {n} 次（{items} 项），{first} 至 {last}；备注 {notes}，确认 {conf}{phone}",
    "interview: {n} answer changes ({items} items), {first} to {last}; notes {notes},"
    " confirmations {conf}{phone}",
)
REPORTED_ELSEWHERE = ("refused", "vacant", "no_contact")
"""Attempt outcomes the device also reports as visit outcomes (their own history lines)."""
FINDING = Msg("{rule} [{status}] {where}{text}", "{rule} [{status}] {where}{text}")
DIFF_PERSON = Msg("第 {n} 人", "person {n}")
DIFF_REVISIT = Msg("复查第 {n} 人", "re-visit person {n}")
DIFF_TEXT = Msg(
    "{kind}：{who}{item} 普查员 {enum}，复查 {rev}",
    "{kind}: {who}{item} enumerator {enum}, re-visit {rev}",
)


def when(text: Any) -> datetime | None:
    """An ISO time of an answer, or None when absent or unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return parse_iso(text)
    except ValueError:
        return None


def _s(d: Mapping[str, Any], key: str) -> str:
    v = d.get(key)
    return v if isinstance(v, str) else ""


def _i(d: Mapping[str, Any], key: str) -> int:
    v = d.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _dicts(v: Any) -> list[dict[str, Any]]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _strs(v: Any) -> tuple[str, ...]:
    return tuple(x for x in v if isinstance(x, str)) if isinstance(v, list) else ()


# -- progress ------------------------------------------------------------------------------------
def _tally(d: Mapping[str, Any]) -> Tally:
    counts = d.get("counts") if isinstance(d.get("counts"), dict) else {}
    assert isinstance(counts, dict)
    long = d.get("long_form") if isinstance(d.get("long_form"), dict) else {}
    assert isinstance(long, dict)
    return Tally(
        dwellings=_i(counts, "dwellings"),
        counts={s: _i(counts, s) for s in PROGRESS_STATES},
        households=_i(d, "households"),
        persons=_i(d, "persons"),
        long_due=_i(long, "due"),
        long_done=_i(long, "done"),
    )


def progress(body: Any, fetched_at: datetime | None) -> Progress:
    """The progress answer (None: never fetched → empty)."""
    d = body if isinstance(body, dict) else {}
    enumerators = [
        EnumeratorProgress(
            account=_s(e, "account"),
            name=_s(e, "name"),
            work_id=_s(e, "work_id"),
            areas=_strs(e.get("areas")),
            last_sync=when(e.get("last_sync")),
            stale=bool(e.get("stale", True)),
            tally=_tally(e),
        )
        for e in _dicts(d.get("enumerators"))
    ]
    areas = [
        AreaProgress(
            area_id=_s(a, "area_id"),
            name=_s(a, "name"),
            enumerators=_strs(a.get("enumerators")),
            tally=_tally(a),
        )
        for a in _dicts(d.get("areas"))
    ]
    return Progress(
        enumerators=enumerators,
        areas=areas,
        stale_hours=_i(d, "stale_hours") or 24,
        long_form_tracked=bool(d.get("long_form_tracked", False)),
        fetched_at=fetched_at,
        server_time=when(d.get("server_time")),
    )


# -- queue -----------------------------------------------------------------------------------------
def queue(body: Any, fetched_at: datetime | None, pending: Mapping[str, str]) -> Queue:
    """The queue answer (flagged first, as the server sorts it); ``pending``: case → the
    decision queued on this device."""
    d = body if isinstance(body, dict) else {}
    rows = []
    for c in _dicts(d.get("cases")):
        confirmations = tuple(
            Confirmation(
                rule_id=_s(x, "rule_id"),
                person_number=x["number"] if isinstance(x.get("number"), int) else None,
                reason=_s(x, "reason"),
            )
            for x in _dicts(c.get("confirmations"))
        )
        case = _s(c, "case_uuid")
        rows.append(
            QueueRow(
                case_uuid=case,
                revision=_i(c, "revision"),
                area_id=_s(c, "area_id"),
                dwelling_id=_s(c, "dwelling_id"),
                address=_s(c, "address"),
                account=_s(c, "account"),
                received=when(c.get("received")),
                flagged=bool(c.get("flagged", False)),
                flags=_strs(c.get("flags")),
                form_id=_s(c, "form_id") or "short2020",
                persons=_i(c, "persons"),
                confirmations=confirmations,
                returned_before=bool(c.get("returned_before", False)),
                pending=pending.get(case, ""),
            )
        )
    return Queue(rows=rows, fetched_at=fetched_at)


# -- samples ---------------------------------------------------------------------------------------
def sample(s: Mapping[str, Any], accounts: Mapping[str, str]) -> Sample:
    """One sample of the samples answer (or of a draw); ``accounts``: area → its enumerator."""
    percent = s.get("percent")
    count = s.get("count")
    raw_areas = s.get("areas")
    return Sample(
        sample_uuid=_s(s, "sample_uuid"),
        seed=_i(s, "seed"),
        created=when(s.get("created")),
        areas=tuple(
            a.get("area_id", "") if isinstance(a, dict) else str(a)
            for a in (raw_areas if isinstance(raw_areas, list) else [])
        ),
        percent=float(percent) if isinstance(percent, int | float) else None,
        count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        cases=tuple(
            SampleCase(
                case_uuid=_s(c, "case_uuid"),
                area_id=_s(c, "area_id"),
                dwelling_id=_s(c, "dwelling_id"),
                address=_s(c, "address"),
                account=accounts.get(_s(c, "area_id"), ""),
                revisited=bool(c.get("revisited", False)),
            )
            for c in _dicts(s.get("cases"))
        ),
    )


def samples(body: Any, accounts: Mapping[str, str]) -> list[Sample]:
    d = body if isinstance(body, dict) else {}
    return [sample(s, accounts) for s in _dicts(d.get("samples"))]


def area_accounts(scope: Any) -> dict[str, str]:
    """Area → the account of its (first) enumerator, from the scope answer."""
    d = scope if isinstance(scope, dict) else {}
    out: dict[str, str] = {}
    for a in _dicts(d.get("areas")):
        who = _strs(a.get("enumerators"))
        if who:
            out[_s(a, "area_id")] = who[0]
    return out


def scope_areas(scope: Any) -> set[str]:
    d = scope if isinstance(scope, dict) else {}
    return {_s(a, "area_id") for a in _dicts(d.get("areas"))}


# -- allocation ---------------------------------------------------------------------------------
def area_dwellings(body: Any, fetched_at: datetime | None) -> AreaDwellings:
    """``GET /supervisor/dwellings``: one area's dwellings, who holds each, their cases."""
    d = body if isinstance(body, dict) else {}
    dwellings = []
    for x in _dicts(d.get("dwellings")):
        holder = x.get("holder")
        cases = tuple(
            CaseHold(_s(c, "case_uuid"), _s(c, "account"), _s(c, "state"))
            for c in _dicts(x.get("cases"))
        )
        dwellings.append(
            DwellingHold(
                _s(x, "dwelling_id"),
                _s(x, "address"),
                _s(x, "area_id"),
                holder if isinstance(holder, str) else None,
                cases,
            )
        )
    return AreaDwellings(
        _s(d, "area_id"),
        _s(d, "name"),
        _strs(d.get("enumerators")),
        tuple(dwellings),
        fetched_at,
    )


def unsynced(blocked: Iterable[Any]) -> tuple[UnsyncedDwelling, ...]:
    """A 409 ``unsynced_work``'s list: each dwelling, its holders and the reasons in words."""
    return tuple(
        UnsyncedDwelling(
            _s(b, "dwelling_id"),
            _strs(b.get("accounts")),
            tuple(word_msg(UNSYNCED_REASONS, r) for r in _strs(b.get("reasons"))),
        )
        for b in blocked
        if isinstance(b, dict)
    )


# -- re-visit --------------------------------------------------------------------------------------
def _shown(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def differences(answer: Mapping[str, Any]) -> tuple[Difference, ...]:
    """The re-visit answer's differences, each with the question to return when there is one
    (as the server's ``return_items`` name them)."""
    out = []
    returnable = {
        (_s(r, "person_uuid"), _s(r, "item_id")) for r in _dicts(answer.get("return_items"))
    }
    for d in _dicts(answer.get("differences")):
        kind = _s(d, "kind")
        number = d.get("number")
        index = d.get("revisit_index")
        if isinstance(number, int):
            who = DIFF_PERSON.format(n=number)
        elif isinstance(index, int):
            who = DIFF_REVISIT.format(n=index + 1)
        else:
            who = Msg("", "")
        item = _s(d, "item_id")
        person = _s(d, "person_uuid")
        text = DIFF_TEXT.format(
            kind="{kind}",
            who="{who}",
            item=f" {item}" if item and not item.startswith("#") else "",
            enum=_shown(d.get("enumerator")),
            rev=_shown(d.get("revisit")),
        )
        k = word_msg(KINDS, kind)
        text = Msg(
            text.zh.replace("{kind}", k.zh).replace("{who}", who.zh),
            text.en.replace("{kind}", k.en).replace("{who}", who.en),
        )
        ref: ItemRef | None = None
        if kind == "different" and (person, item) in returnable:
            ref = ItemRef(person, item)
        elif kind == "missing" and (person, "D1") in returnable:
            ref = ItemRef(person, "D1")
        elif kind in ("count", "extra"):
            counts = [r for r in returnable if r[0] == HOUSEHOLD_SCOPE]
            ref = ItemRef(*sorted(counts)[0]) if counts else None
        out.append(Difference(kind=kind, text=text, ref=ref))
    return tuple(out)


# -- a case ----------------------------------------------------------------------------------------
def form_of(form_id: str) -> Form:
    try:
        return load_form(form_id)
    except FormError:
        return load_form()


def display(item: Item | None, value: Value | None) -> Msg:
    """An answer as the respondent would hear it read back: code and label, year-month as
    年月, the no-ID answer spelled out."""
    if value is None:
        return Msg("", "")
    if item is not None and item.type == "code" and isinstance(value, int):
        zh, en = item.code_label(value, "zh"), item.code_label(value, "en")
        if zh is not None and en is not None:
            return Msg(f"{value} {zh}", f"{value} {en}")
    if item is not None and item.type == "idnumber" and value == "":
        return NO_ID
    if item is not None and item.type == "yearmonth" and isinstance(value, str):
        y, _, m = value.partition("-")
        if len(y) == 4 and m.isdigit():
            return Msg(f"{y}年{int(m)}月", f"{y}-{m}")
    return Msg(str(value), str(value))


def _label(form: Form, item_id: str) -> Msg:
    if form.has_item(item_id):
        item = form.item(item_id)
        return Msg(f"{item_id} {item.label('zh')}", f"{item_id} {item.label('en')}")
    for it in form.death_items:
        if it.id == item_id:
            return Msg(f"{item_id} {it.label('zh')}", f"{item_id} {it.label('en')}")
    return Msg(item_id, item_id)


def _item(form: Form, item_id: str, death: bool) -> Item | None:
    if death:
        return next((i for i in form.death_items if i.id == item_id), None)
    return form.item(item_id) if form.has_item(item_id) else None


def _household(doc: Mapping[str, Any]) -> Household | None:
    from census_tui.validation.household_json import from_json

    try:
        return from_json(dict(doc))
    except (BadInput, ValueError, KeyError, TypeError):
        return None  # a document this program cannot read: its answered items only


def _order(
    items: Iterable[Item], answers: Mapping[str, Any], applicable: list[Item] | None
) -> list[str]:
    """Item ids in form order: the applicable ones (unanswered too) and every answered one."""
    wanted = {i.id for i in applicable} if applicable is not None else set()
    ids = [i.id for i in items if i.id in wanted or i.id in answers]
    known = {i.id for i in items}
    return ids + sorted(k for k in answers if k not in known)


def _sections(
    form: Form, doc: Mapping[str, Any]
) -> list[tuple[str, Msg, Mapping[str, Any], list[str], bool]]:
    """(record uuid, heading, answers, item ids in order, death record?) per section."""
    from census_tui.questionnaire import walker

    hh = _household(doc)
    out: list[tuple[str, Msg, Mapping[str, Any], list[str], bool]] = []
    answers = doc.get("answers") if isinstance(doc.get("answers"), dict) else {}
    assert isinstance(answers, dict)
    applicable = walker.household_items(form, hh) if hh is not None else None
    out.append(
        (
            HOUSEHOLD_SCOPE,
            HOUSEHOLD,
            answers,
            _order(form.household_items, answers, applicable),
            False,
        )
    )
    name_item = form.roles.get("name", "D1")
    persons = sorted(_dicts(doc.get("persons")), key=lambda p: _i(p, "position"))
    for n, p in enumerate(persons, start=1):
        pa = p.get("answers") if isinstance(p.get("answers"), dict) else {}
        assert isinstance(pa, dict)
        uuid = _s(p, "uuid")
        name = pa.get(name_item)
        heading = PERSON.format(n=n, name=name if isinstance(name, str) else "")
        heading = Msg(heading.zh.rstrip(), heading.en.rstrip())
        applicable = walker.person_items(form, hh, uuid) if hh is not None else None
        out.append((uuid, heading, pa, _order(form.person_items, pa, applicable), False))
    deaths = sorted(_dicts(doc.get("deaths")), key=lambda p: _i(p, "position"))
    for n, dr in enumerate(deaths, start=1):
        da = dr.get("answers") if isinstance(dr.get("answers"), dict) else {}
        assert isinstance(da, dict)
        uuid = _s(dr, "uuid")
        applicable = (
            walker.death_items(form, hh, uuid) if hh is not None and form.death_items else None
        )
        out.append((uuid, DEATH.format(n=n), da, _order(form.death_items, da, applicable), True))
    return out


def _where(numbers: Mapping[str, int], person: str, items: Sequence[str]) -> Msg:
    who = numbers.get(person)
    ids = ",".join(items)
    if not person:
        return Msg(f"{ids}: " if ids else "", f"{ids}: " if ids else "")
    if who is None:
        return Msg(f"{ids}: " if ids else "", f"{ids}: " if ids else "")
    return Msg(f"第{who}人 {ids}: ", f"person {who} {ids}: ")


def _finding_msg(f: Mapping[str, Any], numbers: Mapping[str, int], with_where: bool) -> Msg:
    status = word_msg(STATUS_NAMES, _s(f, "status"))
    msg = f.get("message") if isinstance(f.get("message"), dict) else {}
    assert isinstance(msg, dict)
    where = (
        _where(numbers, _s(f, "person_uuid"), _strs(f.get("items"))) if with_where else Msg("", "")
    )
    return Msg(
        FINDING.zh.format(
            rule=_s(f, "rule_id"), status=status.zh, where=where.zh, text=_s(msg, "zh")
        ),
        FINDING.en.format(
            rule=_s(f, "rule_id"), status=status.en, where=where.en, text=_s(msg, "en")
        ),
    )


def _history(body: Mapping[str, Any], numbers: Mapping[str, int]) -> list[HistoryLine]:
    lines: list[tuple[str, HistoryLine]] = []
    for r in _dicts(body.get("revisions")):
        flags = " * " + ",".join(_strs(r.get("flags"))) if r.get("flagged") else ""
        at = _s(r, "received")
        lines.append(
            (
                at,
                HistoryLine(
                    when(at), _i(r, "revision"), UPLOADED.format(rev=_i(r, "revision"), flags=flags)
                ),
            )
        )
    for r in _dicts(body.get("reviews")):
        items = " ".join(
            (f"{numbers.get(_s(i, 'person_uuid'), '?')}:" if _s(i, "person_uuid") else "")
            + _s(i, "item_id")
            for i in _dicts(r.get("items"))
        )
        action = word_msg(ACTIONS, _s(r, "action"))
        comment, by = _s(r, "comment"), _s(r, "by")
        tail = f" [{items}]" if items else ""
        text = Msg(
            REVIEWED.zh.format(action=action.zh, by=by, comment=comment, items=tail).strip(),
            REVIEWED.en.format(action=action.en, by=by, comment=comment, items=tail).strip(),
        )
        at = _s(r, "at")
        lines.append((at, HistoryLine(when(at), _i(r, "revision"), text)))
    for r in _dicts(body.get("revisits")):
        at = _s(r, "at")
        lines.append(
            (at, HistoryLine(when(at), _i(r, "revision"), REVISITED.format(n=_i(r, "differences"))))
        )
    for a in _dicts(body.get("attempts")):
        at = _s(a, "at")
        text = ATTEMPT.format(kind=_s(a, "kind"), n=_i(a, "attempts"), note=_s(a, "note"))
        lines.append((at, HistoryLine(when(at), None, Msg(text.zh.strip(), text.en.strip()))))
    lines += _event_lines(body)
    lines.sort(key=lambda x: x[0])
    return [h for _, h in lines]


def _joined(template: Msg, **parts: Msg | str | int) -> Msg:
    """``template`` filled in each language (a part may itself be bilingual)."""

    def one(lang: str) -> str:
        fill = {k: (getattr(v, lang) if isinstance(v, Msg) else v) for k, v in parts.items()}
        return str(getattr(template, lang).format(**fill)).strip()

    return Msg(one("zh"), one("en"))


def _event_lines(body: Mapping[str, Any]) -> list[tuple[str, HistoryLine]]:
    """History lines of the events the device uploaded (``history``; attempts whose outcome
    also came as a visit outcome are left to those lines) and one line summing up the
    interview's paradata."""
    out: list[tuple[str, HistoryLine]] = []
    for e in _dicts(body.get("history")):
        at, kind = _s(e, "at"), _s(e, "kind")
        data = e.get("data") if isinstance(e.get("data"), dict) else {}
        assert isinstance(data, dict)
        channel = word_msg(CHANNELS, _s(data, "channel")) if _s(data, "channel") else Msg("", "")
        if kind == "attempt" and _s(data, "outcome") not in REPORTED_ELSEWHERE:
            outcome = word_msg(OUTCOMES, _s(data, "outcome"))
            text = _joined(EV_ATTEMPT, outcome=outcome, channel=channel)
        elif kind == "appointment":
            slot = _s(data, "scheduled_at")[:16].replace("T", " ")
            text = _joined(EV_APPOINTMENT, slot=slot, channel=channel)
        elif kind == "appointment_status":
            status = word_msg(APPOINTMENT_STATUSES, _s(data, "status"))
            text = _joined(EV_APPOINTMENT_STATUS, status=status)
        elif kind == "identity_shown":
            ticks = data.get("checklist") if isinstance(data.get("checklist"), dict) else {}
            assert isinstance(ticks, dict)
            n = sum(1 for v in ticks.values() if v is True)
            text = _joined(EV_IDENTITY, n=n, of=len(ticks))
        else:
            continue
        out.append((at, HistoryLine(when(at), None, text)))
    p = body.get("paradata")
    if isinstance(p, dict) and (_i(p, "answer_changes") or p.get("phone_registration")):
        last = _s(p, "last_change")
        phone = EV_BY_PHONE if p.get("phone_registration") is True else Msg("", "")
        text = _joined(
            EV_PARADATA,
            n=_i(p, "answer_changes"),
            items=_i(p, "items_changed"),
            first=_s(p, "first_change")[:16].replace("T", " "),
            last=last[:16].replace("T", " "),
            notes=_i(p, "notes"),
            conf=_i(p, "confirmations"),
            phone=phone,
        )
        out.append((last or "~", HistoryLine(when(last), None, text)))
    return out


def case(body: Any, fetched_at: datetime | None, pending: str = "") -> CaseView:
    """The case answer as a read-only view: every answer in form order (household items,
    each person, each death record) with the findings, confirmations and notes on it."""
    d = body if isinstance(body, dict) else {}
    doc = d.get("household") if isinstance(d.get("household"), dict) else {}
    assert isinstance(doc, dict)
    form_id = _s(doc, "form_id") or "short2020"
    form = form_of(form_id)
    numbers = {_s(p, "person_uuid"): _i(p, "number") for p in _dicts(d.get("persons"))}
    findings = _dicts(d.get("findings"))
    confirmations = _dicts(d.get("confirmations"))
    notes = _dicts(d.get("notes"))

    on_line: dict[tuple[str, str], list[Msg]] = {}
    reasons: dict[tuple[str, str], str] = {}
    for f in findings:
        for item in _strs(f.get("items")):
            on_line.setdefault((_s(f, "person_uuid"), item), []).append(
                _finding_msg(f, numbers, False)
            )
    for c in confirmations:
        rule, who, reason = _s(c, "rule_id"), _s(c, "person_uuid"), _s(c, "reason")
        places: list[tuple[str, str]] = []
        for f in findings:
            if _s(f, "rule_id") == rule and _s(f, "person_uuid") == who:
                places += [(who, i) for i in _strs(f.get("items"))]
        if not places:
            values = c.get("values") if isinstance(c.get("values"), dict) else {}
            assert isinstance(values, dict)
            for key in values:
                p, _, i = str(key).rpartition(":")
                places.append((p, i))
        for place in places:
            text = f"{rule}: {reason}"
            reasons[place] = f"{reasons[place]}; {text}" if place in reasons else text
    line_notes: dict[tuple[str, str], list[str]] = {}
    for n in notes:
        line_notes.setdefault((_s(n, "person_uuid"), _s(n, "item_id")), []).append(_s(n, "text"))

    lines: list[CaseLine] = []
    for uuid, heading, answers, ids, death in _sections(form, doc):
        section_lines: list[CaseLine] = []
        for item_id in ids:
            ref = (uuid, item_id)
            value = answers.get(item_id)
            shown = display(_item(form, item_id, death), value)
            section_lines.append(
                CaseLine(
                    ref=ItemRef(uuid, item_id),
                    section=heading,
                    label=_label(form, item_id),
                    value=shown.zh,
                    findings=tuple(on_line.get(ref, ())),
                    confirmation=reasons.get(ref, ""),
                    notes=tuple(line_notes.get(ref, ())),
                    value_text=shown,
                )
            )
        # notes on the section as a whole (no item, or an item not shown): on its first line
        loose = [
            t
            for (p, i), texts in line_notes.items()
            if p == uuid and (p, i) not in {(uuid, x) for x in ids}
            for t in texts
        ]
        if loose and section_lines:
            first = section_lines[0]
            section_lines[0] = CaseLine(
                ref=first.ref,
                section=first.section,
                label=first.label,
                value=first.value,
                findings=first.findings,
                confirmation=first.confirmation,
                notes=(*first.notes, *loose),
                value_text=first.value_text,
            )
        lines.extend(section_lines)

    rb = d.get("read_back")
    read_back = (
        READ_BACK.format(who=_s(rb, "respondent_name"), at=_s(rb, "at")[:16].replace("T", " "))
        if isinstance(rb, dict)
        else NO_READ_BACK
    )
    mode = MODE_PHONE if doc.get("mode") == MODE_PHONE else MODE_VISIT
    if mode == MODE_PHONE:
        read_back = Msg(read_back.zh + BY_PHONE.zh, read_back.en + BY_PHONE.en)
    return CaseView(
        case_uuid=_s(d, "case_uuid"),
        revision=_i(d, "revision"),
        state=_s(d, "state") or "uploaded",
        area_id=_s(d, "area_id"),
        dwelling_id=_s(d, "dwelling_id"),
        address=_s(d, "address"),
        account=_s(d, "account"),
        form_id=form_id,
        flagged=bool(d.get("flagged", False)),
        lines=lines,
        findings=[_finding_msg(f, numbers, True) for f in findings],
        read_back=read_back,
        history=_history(d, numbers),
        fetched_at=fetched_at,
        pending=pending,
        mode=mode,
    )
