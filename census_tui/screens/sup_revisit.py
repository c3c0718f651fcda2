"""The re-visit (二次入户核实) of a household drawn in a spot check: only the key items.

One question at a time in one field (keyboard only, the same at 40x16 as at 80x24): the number
of persons living here now, then for each person their name, sex, birth year-month,
relationship to the head and ID number (empty when not shown). ↑ goes back a question. The
answers so far are listed above the field. After the last one Enter sends the re-visit
(:meth:`Supervision.revisit`): the server compares it with the enumerator's latest record item
by item and the differences are listed; space marks those to return and ``r`` sends the case
back with a comment pointing at their questions (:meth:`Supervision.return_case`). Offline the
re-visit is queued on this device and compared when it is sent (next refresh).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList

from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.screens.sup_common import SupScreen
from census_tui.supervision.api import (
    CaseView,
    Decision,
    Difference,
    ItemRef,
    KeyPerson,
    RevisitResult,
)
from census_tui.widgets.text import T

SEXES: dict[str, Msg] = {"1": Msg("男", "male"), "2": Msg("女", "female")}
"""The form's sex codes (D4)."""
RELATIONS: dict[str, Msg] = {
    "0": Msg("户主", "head"),
    "1": Msg("配偶", "spouse"),
    "2": Msg("子女", "child"),
    "3": Msg("父母", "parent"),
    "4": Msg("岳父母或公婆", "parent-in-law"),
    "5": Msg("祖父母", "grandparent"),
    "6": Msg("媳婿", "child-in-law"),
    "7": Msg("孙子女", "grandchild"),
    "8": Msg("兄弟姐妹", "sibling"),
    "9": Msg("其他", "other"),
}
"""The forms' relationship codes (D2; hmt2020 R2) with short English labels for the hint line
(tests/supervision_client/test_revisit_codes.py keeps them the forms' codes)."""
FIELDS: tuple[str, ...] = ("name", "sex", "birth", "relation", "id_number")
MAX_PERSONS = 100

M_TITLE = Msg("二次入户核实", "Re-visit")
M_CASE = Msg("{address} · 普查员 {account}", "{address} · enumerator {account}")
M_INTRO = Msg(
    "只问关键项目:人数,每人姓名、性别、出生年月、与户主关系、身份证号。",
    "Key items only: the number of persons; each person's name, sex, birth, relationship, ID.",
)
M_COUNT_Q = Msg("本户现住几人?", "How many persons live here now?")
M_QUESTIONS: dict[str, Msg] = {
    "name": Msg("第 {k} 人:姓名", "Person {k}: name"),
    "sex": Msg("第 {k} 人:性别(1 男,2 女)", "Person {k}: sex (1 male, 2 female)"),
    "birth": Msg("第 {k} 人:出生年月(如 1980-04)", "Person {k}: born (year-month, e.g. 1980-04)"),
    "relation": Msg(
        "第 {k} 人:与户主关系(0户主 1配偶 2子女 3父母 4岳父母公婆 5祖父母 6媳婿 7孙子女 "
        "8兄弟姐妹 9其他)",
        "Person {k}: relationship (0 head 1 spouse 2 child 3 parent 4 parent-in-law "
        "5 grandparent 6 child-in-law 7 grandchild 8 sibling 9 other)",
    ),
    "id_number": Msg(
        "第 {k} 人:身份证号(未出示可空)", "Person {k}: ID number (empty if not shown)"
    ),
}
M_SEND_Q = Msg(
    "核对以上内容,回车发送核实结果(↑ 修改)", "Check the answers; Enter sends the re-visit (↑ edits)"
)
M_HINT = Msg("回车下一项 · ↑ 上一项 · Esc 离开", "Enter next · ↑ back · Esc leave")
M_BAD: dict[str, Msg] = {
    "count": Msg("请输入 0 到 100 的人数", "Type a number of persons from 0 to 100"),
    "name": Msg("请输入姓名", "Type the name"),
    "sex": Msg("请输入 1(男)或 2(女)", "Type 1 (male) or 2 (female)"),
    "birth": Msg("请按 年-月 输入,如 1980-04", "Type year-month, e.g. 1980-04"),
    "relation": Msg("请输入 0 到 9 的关系代码", "Type a relationship code from 0 to 9"),
    "id_number": Msg("身份证号为 15 或 18 位", "An ID number has 15 or 18 characters"),
}
M_COUNT_LINE = Msg("人数 {n}", "Persons {n}")
M_SENDING = Msg("正在发送…", "Sending…")
M_SAME = Msg("与普查员的记录一致,没有差异。", "Agrees with the enumerator's record: no difference.")
M_DIFFS = Msg(
    "{n} 处差异:空格勾选要退回的,r 退回普查员,Esc 返回",
    "{n} difference(s): space marks those to return, r returns the case, Esc back",
)
M_COMMENT = Msg("退回说明(普查员会看到)", "Comment for the enumerator (required)")
M_COMMENT_TEXT = Msg(
    "二次入户核实与登记不一致,请核实以下项目后重新上传。",
    "The re-visit disagrees with the record: check these questions and upload again.",
)
M_NOTHING_MARKED = Msg(
    "没有可退回的差异(先用空格勾选)", "No difference to return (mark some with space)"
)
M_NO_CASE = Msg(
    "本机没有这户的登记内容(先更新):核实仍可记录,但不能从这里退回。",
    "This household's record is not on the device (update first): the re-visit can be "
    "recorded, but not returned from here.",
)
M_RETURNING = Msg("正在退回…", "Returning…")
M_KEYS_RESULT = Msg("空格 勾选 · r 退回 · Esc 返回", "space mark · r return · Esc back")


@dataclass
class _Answers:
    """What the supervisor has typed so far."""

    count: int | None = None
    persons: list[dict[str, str]] = field(default_factory=list)


def steps(count: int) -> list[tuple[int, str]]:
    """The questions after the count: (person index from 0, field)."""
    return [(k, f) for k in range(count) for f in FIELDS]


def valid(field_name: str, text: str) -> str | None:
    """The answer as kept (trimmed, upper-case X in an ID number), or None when not valid."""
    text = text.strip()
    if field_name == "count":
        ok = text.isascii() and text.isdigit() and int(text) <= MAX_PERSONS
        return str(int(text)) if ok else None
    if field_name == "name":
        return text if 0 < len(text) <= 64 else None
    if field_name == "sex":
        return text if text in SEXES else None
    if field_name == "birth":
        parts = text.replace("/", "-").replace(".", "-").split("-")
        if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
            return None
        year, month = int(parts[0]), int(parts[1])
        return f"{year:04d}-{month:02d}" if 1880 <= year <= 2020 and 1 <= month <= 12 else None
    if field_name == "relation":
        return text if text in RELATIONS else None
    if field_name == "id_number":
        text = text.upper().replace(" ", "")
        if not text:
            return ""
        ok = len(text) in (15, 18) and text[:-1].isascii() and text[:-1].isdigit()
        return text if ok and (text[-1].isdigit() or text[-1] == "X") else None
    return None


def person_line(k: int, answers: dict[str, str], lang: Lang) -> str:
    """``2. 刘芳 女 1982-09 配偶 110105…`` (what is typed so far)."""
    parts = [f"{k + 1}."]
    if "name" in answers:
        parts.append(answers["name"])
    if "sex" in answers:
        parts.append(SEXES[answers["sex"]](lang))
    if "birth" in answers:
        parts.append(answers["birth"])
    if "relation" in answers:
        parts.append(RELATIONS[answers["relation"]](lang))
    if answers.get("id_number"):
        parts.append(answers["id_number"])
    return " ".join(parts)


class RevisitScreen(SupScreen):
    """Ask the key items of one household again, send them, list and return the differences."""

    CSS_PATH = "sup_revisit.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("下一项;最后发送", "next question; at the end, send")),
        ("↑", Msg("上一项", "previous question")),
        ("Space", Msg("勾选/取消要退回的差异", "mark or unmark a difference to return")),
        ("r", Msg("把勾选的差异退回普查员", "return the marked differences")),
        ("Esc", Msg("返回抽查列表", "back to the spot checks")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "previous", "previous", show=False),
        Binding("escape", "back", "back", show=False),
        Binding("space", "mark", "mark", show=False),
        Binding("r", "return_case", "return", show=False),
    ]

    class CaseLoaded(Message):
        def __init__(self, case: CaseView | None) -> None:
            super().__init__()
            self.case = case

    class Sent(Message):
        def __init__(self, result: RevisitResult | None, error: Msg | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    class Returned(Message):
        def __init__(self, decision: Decision | None, error: Msg | None) -> None:
            super().__init__()
            self.decision = decision
            self.error = error

    def __init__(self, case_uuid: str) -> None:
        super().__init__()
        self.case_uuid = case_uuid
        self.case: CaseView | None = None
        self.answers = _Answers()
        self.step = -1
        """-1: the count; 0..: :func:`steps`; len(steps): ready to send."""
        self.result: RevisitResult | None = None
        self.marked: set[int] = set()
        self.sending = False

    def compose_body(self) -> ComposeResult:
        yield T(M_TITLE, id="rv-title", lang=self.lang)
        yield T(Msg("", ""), id="rv-case", lang=self.lang)
        yield T(M_INTRO, id="rv-intro", lang=self.lang)
        with VerticalScroll(id="rv-done"):
            yield T(Msg("", ""), id="rv-lines", lang=self.lang)
        yield T(M_COUNT_Q, id="rv-question", lang=self.lang)
        yield Input(id="rv-input", max_length=64)
        yield T(Msg("", ""), id="rv-error", lang=self.lang)
        yield OptionList(id="rv-diffs")
        yield T(Msg("", ""), id="sup-status", lang=self.lang)
        yield T(M_HINT, id="rv-keys", lang=self.lang)

    @property
    def entry(self) -> Input:
        return self.query_one("#rv-input", Input)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#rv-diffs", OptionList).display = False
        self.entry.focus()
        self._load_case()

    def refresh_view(self) -> None:
        self._show()
        if self.result is not None:
            self._show_result()

    # ------------------------------------------------------------------ the case
    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load_case(self) -> None:
        try:
            case: CaseView | None = self.supervision.case(self.case_uuid)
        except CensusError:  # not held and offline: the re-visit can still be recorded
            case = None
        self.post_message(self.CaseLoaded(case))

    def on_revisit_screen_case_loaded(self, message: CaseLoaded) -> None:
        self.case = message.case
        if message.case is None:
            self.status(M_NO_CASE)
        self._show()

    # ------------------------------------------------------------------ the questions
    def _field_of(self, step: int) -> tuple[int, str] | None:
        plan = steps(self.answers.count or 0)
        return plan[step] if 0 <= step < len(plan) else None

    def _show(self) -> None:
        """The case line, the answers so far and the current question."""
        c = self.case
        case_msg = (
            M_CASE.format(address=c.address, account=c.account) if c is not None else Msg("", "")
        )
        self.query_one("#rv-case", T).set_msg(case_msg)
        lines_zh: list[str] = []
        lines_en: list[str] = []
        if self.answers.count is not None:
            lines_zh.append(M_COUNT_LINE.zh.format(n=self.answers.count))
            lines_en.append(M_COUNT_LINE.en.format(n=self.answers.count))
        for k, person in enumerate(self.answers.persons):
            if person:
                lines_zh.append(person_line(k, person, "zh"))
                lines_en.append(person_line(k, person, "en"))
        self.query_one("#rv-lines", T).set_msg(Msg("\n".join(lines_zh), "\n".join(lines_en)))
        self.query_one("#rv-done", VerticalScroll).scroll_end(animate=False)
        if self.result is not None:
            return
        if self.step < 0:
            question = M_COUNT_Q
        else:
            at = self._field_of(self.step)
            question = M_SEND_Q if at is None else M_QUESTIONS[at[1]].format(k=at[0] + 1)
        self.query_one("#rv-question", T).set_msg(question)

    def _current_text(self) -> str:
        if self.step < 0:
            return "" if self.answers.count is None else str(self.answers.count)
        at = self._field_of(self.step)
        if at is None:
            return ""
        return self.answers.persons[at[0]].get(at[1], "")

    @on(Input.Submitted, "#rv-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.result is not None or self.sending:
            return
        error = self.query_one("#rv-error", T)
        at = None if self.step < 0 else self._field_of(self.step)
        if self.step >= 0 and at is None:  # every answer typed: send
            self._send()
            return
        name = "count" if at is None else at[1]
        kept = valid(name, event.value)
        if kept is None:
            error.set_msg(M_BAD[name])
            return
        error.set_msg(Msg("", ""))
        if at is None:
            count = int(kept)
            self.answers.count = count
            persons = self.answers.persons[:count]
            self.answers.persons = persons + [{} for _ in range(count - len(persons))]
        else:
            self.answers.persons[at[0]][at[1]] = kept
        self.step += 1
        self.entry.value = self._current_text()
        self._show()

    def action_previous(self) -> None:
        if self.result is not None or self.sending or self.step < 0:
            return
        self.step -= 1
        self.query_one("#rv-error", T).set_msg(Msg("", ""))
        self.entry.value = self._current_text()
        self._show()

    # ------------------------------------------------------------------ sending
    def key_persons(self) -> list[KeyPerson]:
        return [
            KeyPerson(
                name=p["name"],
                sex=p["sex"],
                birth=p["birth"],
                relation=p["relation"],
                id_number=p.get("id_number", ""),
            )
            for p in self.answers.persons[: self.answers.count or 0]
        ]

    def _send(self) -> None:
        self.sending = True
        self.status(M_SENDING)
        self._revisit(self.key_persons())

    @work(thread=True, exclusive=True, exit_on_error=False, group="revisit")
    def _revisit(self, persons: Sequence[KeyPerson]) -> None:
        try:
            result = self.supervision.revisit(self.case_uuid, persons)
        except CensusError as exc:
            self.post_message(self.Sent(None, exc.msg))
            return
        self.post_message(self.Sent(result, None))

    def on_revisit_screen_sent(self, message: Sent) -> None:
        self.sending = False
        if message.result is None:
            assert message.error is not None
            self.status(message.error)
            return
        self.result = message.result
        self.add_class("-result")
        self.status(message.result.message)
        self.entry.display = False
        self.query_one("#rv-question", T).display = False
        self.query_one("#rv-intro", T).display = False
        diffs = self.query_one("#rv-diffs", OptionList)
        diffs.display = bool(message.result.differences)
        self._show_result()
        if message.result.differences:
            diffs.focus()
        self.query_one("#rv-keys", T).set_msg(
            M_KEYS_RESULT if message.result.differences else M_HINT
        )

    def _diff_line(self, i: int, d: Difference, lang: Lang) -> str:
        mark = ("[x] " if i in self.marked else "[ ] ") if d.ref is not None else "    "
        return f"{mark}{d.text(lang)}"  # the text names the kind of difference

    def _show_result(self) -> None:
        result = self.result
        if result is None:
            return
        lang = self.capp.lang
        head = self.query_one("#rv-error", T)
        if not result.sent:
            head.set_msg(Msg("", ""))
        elif result.differences:
            head.set_msg(M_DIFFS.format(n=len(result.differences)))
        else:
            head.set_msg(M_SAME)
        diffs = self.query_one("#rv-diffs", OptionList)
        # Text, not str: an OptionList reads a str prompt as markup ("[x]" would vanish)
        lines = [Text(self._diff_line(i, d, lang)) for i, d in enumerate(result.differences)]
        if diffs.option_count != len(lines):
            diffs.clear_options()
            diffs.add_options(lines)
            if lines:
                diffs.highlighted = 0
        else:
            for i, line in enumerate(lines):
                diffs.replace_option_prompt_at_index(i, line)

    def action_mark(self) -> None:
        result = self.result
        if result is None or not result.differences:
            return
        i = self.query_one("#rv-diffs", OptionList).highlighted
        if i is None or result.differences[i].ref is None:
            return
        self.marked ^= {i}
        self._show_result()

    # ------------------------------------------------------------------ return
    def chosen_refs(self) -> list[ItemRef]:
        """The marked differences' questions, each once, in the list's order."""
        out: list[ItemRef] = []
        if self.result is None:
            return out
        for i, d in enumerate(self.result.differences):
            if i in self.marked and d.ref is not None and d.ref not in out:
                out.append(d.ref)
        return out

    def action_return_case(self) -> None:
        if self.result is None or not self.result.differences:
            return
        refs = self.chosen_refs()
        if not refs:
            self.status(M_NOTHING_MARKED)
            return
        if self.case is None:
            self.status(M_NO_CASE)
            return
        from census_tui.screens.prompt import PromptScreen

        case = self.case

        def typed(comment: object) -> None:
            if isinstance(comment, str) and comment.strip():
                self.status(M_RETURNING)
                self._return(case.revision, comment, refs)

        self.app.push_screen(
            PromptScreen(M_COMMENT, initial=M_COMMENT_TEXT(self.capp.lang), max_length=2000),
            typed,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="return")
    def _return(self, revision: int, comment: str, refs: Sequence[ItemRef]) -> None:
        try:
            decision = self.supervision.return_case(self.case_uuid, revision, comment, refs)
        except CensusError as exc:  # the revision moved, an item refused: nothing applied
            self.post_message(self.Returned(None, exc.msg))
            return
        self.post_message(self.Returned(decision, None))

    def on_revisit_screen_returned(self, message: Returned) -> None:
        if message.decision is None:
            assert message.error is not None
            self.status(message.error)
            self.notify(self.t(message.error), severity="error", timeout=10)
            return
        self.notify(self.t(message.decision.message), timeout=8)
        self.action_back()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
