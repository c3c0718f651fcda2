"""How ``census-tui supervise`` prints the server's answers for people: rich tables in the
user's language (``--json`` prints the answers themselves). Nothing here is logged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from census_tui.i18n import Lang, Msg
from census_tui.supervision.words import (
    ACTIONS,
    CASE_STATES,
    STATE_LONG,
    STATE_NAMES,
    STATUS_NAMES,
)
from census_tui.supervision.words import (
    word as _word,
)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False, emoji=False)


def _when(text: Any) -> str:
    """``2020-11-02T09:00:00+00:00`` as ``11-02 09:00`` (UTC)."""
    s = str(text or "")
    return f"{s[5:10]} {s[11:16]}" if len(s) >= 16 else s or "—"


def _compact(title: str) -> Table:
    return Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        padding=(0, 1),
    )


def progress(data: dict[str, Any], lang: Lang) -> None:
    """Two tables per level (enumerators, areas): dwellings by state; then households,
    persons, the long-form sample and (enumerators) the last sync, ``!`` when stale."""
    out = _console()
    hours = data.get("stale_hours", 24)
    for title, first, rows, sync in (
        (Msg("普查员", "Enumerators"), Msg("账号", "account"), data["enumerators"], True),
        (Msg("普查小区", "Areas"), Msg("小区", "area"), data["areas"], False),
    ):
        states = _compact(Msg("{t}：住房单元", "{t}: dwellings").format(t=title(lang))(lang))
        totals = _compact(Msg("{t}：登记", "{t}: registered").format(t=title(lang))(lang))
        for t in (states, totals):
            t.add_column(first(lang), no_wrap=True)
        for c in (Msg("合计", "all"), *STATE_NAMES.values()):
            states.add_column(c(lang), justify="right", no_wrap=True)
        for c in (Msg("户", "hh"), Msg("人", "persons"), Msg("长表", "long form")):
            totals.add_column(c(lang), justify="right", no_wrap=True)
        if sync:
            totals.add_column(Msg("最近同步", "last sync")(lang), no_wrap=True)
        for r in rows:
            name = str(r.get("account") or r.get("area_id"))
            counts = r["counts"]
            by_state = [str(counts.get(s, 0)) for s in STATE_NAMES]
            states.add_row(name, str(counts["dwellings"]), *by_state)
            long = r["long_form"]
            cells = [str(r["households"]), str(r["persons"]), f"{long['done']}/{long['due']}"]
            if sync:
                cells.append(("! " if r["stale"] else "") + _when(r["last_sync"]))
            totals.add_row(name, *cells)
        out.print(states)
        out.print(totals)
    legend = [
        Msg(
            f"! 超过 {hours} 小时未同步（或从未同步）",
            f"! not synced for more than {hours} h (or never)",
        )(lang)
    ]
    legend.append(
        "  ".join(
            f"{STATE_NAMES[k](lang)} = {STATE_LONG[k](lang)}" for k in STATE_NAMES if lang == "en"
        )
    )
    if not data.get("long_form_tracked"):
        legend.append(
            Msg(
                "长表 0/0：服务器的住房单元尚未标注表式（form_id）。",
                "long form 0/0: the server's dwellings carry no form (form_id) yet.",
            )(lang)
        )
    for line in legend:
        if line:
            out.print(line)


def queue(data: dict[str, Any], lang: Lang) -> None:
    out = _console()
    cases = data["cases"]
    if not cases:
        out.print(Msg("没有待审核的户。", "No household is waiting for review.")(lang))
        return
    t = _compact(Msg("待审核（* 有确认的警告）", "Waiting for review (* confirmed warnings)")(lang))
    for c in (
        Msg("户编号", "case"),
        Msg("标记", "flags"),
        Msg("普查员", "by"),
        Msg("住房单元", "dwelling"),
    ):
        t.add_column(c(lang), no_wrap=True)
    for c in (Msg("人", "pers"), Msg("版", "rev")):
        t.add_column(c(lang), justify="right")
    for e in cases:
        flags = ("* " + ",".join(e["flags"])) if e["flagged"] else ""
        again = Msg(" (再审)", " (again)")(lang) if e["returned_before"] else ""
        t.add_row(
            e["case_uuid"],
            flags,
            e["account"],
            e["dwelling_id"][-8:],
            str(e["persons"]),
            f"{e['revision']}{again}",
        )
    out.print(t)
    reasons = [(e, c) for e in cases for c in e["confirmations"]]
    if reasons:
        r = Table(
            title=Msg("普查员的确认原因", "The enumerator's reasons")(lang), title_justify="left"
        )
        for c in (Msg("户", "case"), Msg("规则", "rule"), Msg("人", "no."), Msg("原因", "reason")):
            r.add_column(c(lang))
        for e, c in reasons:
            number = "" if c["number"] is None else str(c["number"])
            r.add_row(e["case_uuid"][:8], c["rule_id"], number, c["reason"])
        out.print(r)


def _value(form: Any, item_id: str, value: Any, lang: Lang) -> str:
    if form is not None and form.has_item(item_id) and isinstance(value, int):
        label = form.item(item_id).code_label(value, lang)
        if label:
            return f"{value} {label}"
    return "" if value is None else str(value)


def _label(form: Any, item_id: str, lang: Lang) -> str:
    return form.item(item_id).label(lang) if form is not None and form.has_item(item_id) else ""


def _item_spec(person_uuid: str, item_id: str, numbers: dict[str, int]) -> str:
    if not person_uuid:
        return item_id
    return f"{numbers.get(person_uuid, '?')}:{item_id}"


def case(data: dict[str, Any], lang: Lang) -> None:
    from census_tui.questionnaire.form import FormError, load_form

    out = _console()
    hh = data["household"]
    try:
        form: Any = load_form(str(hh.get("form_id", "short2020")))
    except FormError:
        form = None
    numbers = {p["person_uuid"]: p["number"] for p in data["persons"]}
    head = Msg(
        "户 {case}  第 {rev} 版  {state}\n普查员 {who}  普查小区 {area}  住房单元 {dw} {addr}",
        "Case {case}  revision {rev}  {state}\nenumerator {who}  area {area}  dwelling {dw} {addr}",
    )
    out.print(
        head.format(
            case=data["case_uuid"],
            rev=data["revision"],
            state=_word(CASE_STATES, data["state"], lang),
            who=data["account"],
            area=data["area_id"],
            dw=data["dwelling_id"],
            addr=data["address"],
        )(lang)
    )
    by_phone = hh.get("mode") == "phone"
    out.print(
        (
            Msg("登记方式：电话登记", "Enumerated: by telephone")
            if by_phone
            else Msg("登记方式：入户登记", "Enumerated: in person")
        )(lang)
    )
    t = Table(title=Msg("户项目", "Household items")(lang), title_justify="left")
    for c in (Msg("项目", "item"), Msg("问题", "question"), Msg("回答", "answer")):
        t.add_column(c(lang))
    answers = hh.get("answers", {})
    order = [i.id for i in form.household_items] if form is not None else sorted(answers)
    for item_id in [i for i in order if i in answers]:
        t.add_row(
            item_id, _label(form, item_id, lang), _value(form, item_id, answers[item_id], lang)
        )
    out.print(t)
    persons = sorted(hh.get("persons", []), key=lambda p: p.get("position", 0))
    p_order = [i.id for i in form.person_items] if form is not None else []
    for number, person in enumerate(persons, start=1):
        pa = person.get("answers", {})
        pt = Table(title=Msg(f"第 {number} 人", f"Person {number}")(lang), title_justify="left")
        for c in (Msg("项目", "item"), Msg("问题", "question"), Msg("回答", "answer")):
            pt.add_column(c(lang))
        for item_id in [i for i in p_order if i in pa] + sorted(set(pa) - set(p_order)):
            pt.add_row(
                item_id, _label(form, item_id, lang), _value(form, item_id, pa[item_id], lang)
            )
        out.print(pt)
    if data["findings"]:
        f = Table(title=Msg("逻辑校验", "Findings")(lang), title_justify="left")
        for c in (
            Msg("规则", "rule"),
            Msg("状态", "status"),
            Msg("项目", "items"),
            Msg("说明", "message"),
        ):
            f.add_column(c(lang))
        for x in data["findings"]:
            where = ", ".join(_item_spec(x["person_uuid"], i, numbers) for i in x["items"])
            f.add_row(
                x["rule_id"], _word(STATUS_NAMES, x["status"], lang), where, x["message"][lang]
            )
        out.print(f)
    if data["confirmations"]:
        c_t = Table(
            title=Msg("普查员的确认", "The enumerator's confirmations")(lang), title_justify="left"
        )
        for c in (Msg("规则", "rule"), Msg("人", "no."), Msg("原因", "reason")):
            c_t.add_column(c(lang))
        for x in data["confirmations"]:
            number = numbers.get(x.get("person_uuid", ""), "")
            c_t.add_row(str(x.get("rule_id", "")), str(number), str(x.get("reason", "")))
        out.print(c_t)
    if data["notes"]:
        n = Table(title=Msg("备注", "Notes")(lang), title_justify="left")
        for c in (Msg("项目", "item"), Msg("备注", "note")):
            n.add_column(c(lang))
        for x in data["notes"]:
            n.add_row(
                _item_spec(x.get("person_uuid", ""), x.get("item_id", ""), numbers),
                x.get("text", ""),
            )
        out.print(n)
    rb = data.get("read_back")
    out.print(
        Msg("复核确认：{who}，{at}", "Read-back: {who}, {at}").format(
            who=rb.get("respondent_name", ""), at=_when(rb.get("at"))
        )(lang)
        if isinstance(rb, dict)
        else Msg("复核确认：无", "Read-back: none")(lang)
    )
    h = Table(title=Msg("经过", "History")(lang), title_justify="left")
    for c in (Msg("时间", "when"), Msg("版", "rev"), Msg("事项", "what")):
        h.add_column(c(lang))
    events: list[tuple[str, str, str]] = []
    for r in data["revisions"]:
        flags = (" * " + ",".join(r["flags"])) if r["flagged"] else ""
        events.append((r["received"], str(r["revision"]), Msg("上传", "uploaded")(lang) + flags))
    for r in data["reviews"]:
        items = " ".join(_item_spec(i["person_uuid"], i["item_id"], numbers) for i in r["items"])
        what = f"{_word(ACTIONS, r['action'], lang)} ({r['by']}) {r['comment']} {items}".strip()
        events.append((r["at"], str(r["revision"]), what))
    for r in data["revisits"]:
        found = Msg("复查，{n} 处不同", "re-visit, {n} difference(s)")
        events.append((r["at"], str(r["revision"]), found.format(n=r["differences"])(lang)))
    for a in data["attempts"]:
        events.append((a["at"], "", f"{a['kind']} ({a['attempts']})"))
    for when, rev, what in sorted(events):
        h.add_row(_when(when), rev, what)
    out.print(h)


def decision(data: dict[str, Any], lang: Lang, specs: Sequence[str]) -> None:
    again = (
        Msg("（此前已记录）", " (recorded before)")(lang) if data["status"] == "duplicate" else ""
    )
    shown = " ".join(specs)
    text = Msg(
        "已{action}户 {case} 第 {rev} 版（游标 {cursor}）{again}",
        "{action} case {case} revision {rev} (cursor {cursor}){again}",
    ).format(
        action=_word(ACTIONS, data["action"], lang),
        case=data["case_uuid"],
        rev=data["revision"],
        cursor=data["cursor"],
        again=again,
    )(lang)
    _console().print(text + (f" {Msg('问题', 'items')(lang)}: {shown}" if shown else ""))


def _sample_line(s: dict[str, Any], lang: Lang) -> str:
    size = f"{s['percent']}%" if s.get("percent") is not None else str(s.get("count"))
    return Msg(
        "抽查 {id}：种子 {seed}（已记录），每个小区 {size}，{at}",
        "Sample {id}: seed {seed} (recorded), {size} per area, {at}",
    ).format(id=s["sample_uuid"], seed=s["seed"], size=size, at=_when(s["created"]))(lang)


def sample(data: dict[str, Any], lang: Lang) -> None:
    out = _console()
    out.print(_sample_line(data, lang))
    a = Table()
    for c in (Msg("普查小区", "area"), Msg("已完成", "completed"), Msg("抽中", "drawn")):
        a.add_column(c(lang))
    for r in data["areas"]:
        a.add_row(r["area_id"], str(r["completed"]), str(r["drawn"]))
    out.print(a)
    _cases(out, data["cases"], lang)


def _cases(out: Console, cases: list[dict[str, Any]], lang: Lang) -> None:
    t = Table()
    t.add_column(Msg("户编号", "case")(lang), no_wrap=True)
    for c in (Msg("住房单元", "dwelling"), Msg("地址", "address"), Msg("已复查", "done")):
        t.add_column(c(lang))
    for row in cases:
        done = "✓" if row.get("revisited") else ""
        t.add_row(row["case_uuid"], row["dwelling_id"], row["address"], done)
    out.print(t)


def samples(data: dict[str, Any], lang: Lang) -> None:
    out = _console()
    if not data["samples"]:
        out.print(Msg("还没有抽查。", "No sample drawn yet.")(lang))
    for s in data["samples"]:
        out.print(_sample_line(s, lang))
        _cases(out, s["cases"], lang)


def allocation(data: dict[str, Any], lang: Lang) -> None:
    """What an allocation moved: per dwelling, from whom and with which cases."""
    out = _console()
    again = (
        Msg("（此前已记录）", " (recorded before)")(lang) if data["status"] == "duplicate" else ""
    )
    out.print(
        Msg("已分配给 {to}{again}", "Given to {to}{again}").format(to=data["to"], again=again)(lang)
    )
    for d in data["dwellings"]:
        held = d["from"] or Msg("本小区普查员", "the area's enumerators")(lang)
        line = Msg(
            "  {dwelling}（原属 {held}）：{n} 户随之移交",
            "  {dwelling} (was {held}): {n} case(s) moved with it",
        ).format(dwelling=d["dwelling_id"], held=held, n=len(d["cases"]))(lang)
        if not d["changed"]:
            line = Msg("  {dwelling}：未变", "  {dwelling}: unchanged").format(
                dwelling=d["dwelling_id"]
            )(lang)
        out.print(line)
