"""The interview: one question at a time, in the order the walker gives (DESIGN.md).

Household items, then each person's, then each death record's (死亡人口调查表, when H4m + H4f > 0),
all on the household's own form (short, long, or the form for residents from outside the
mainland). Number keys pick codes (a one-digit code list commits on
the key; longer lists take the number and Enter, or ↑↓ and Enter); integers, year-months, text
and ID numbers are typed. Every answer is committed (``session.set_answer``) when the
enumerator leaves the field with Enter: a crash loses at most the field being typed. Commits go
through the session's ordered writer, off the event loop; the interview moves on only once the
writer reports the answer committed, and keys typed meanwhile wait for the next question (the
app's type-ahead). The question now on screen is committed too (``remember_position``) so a
restart resumes there.

Field-level checks run on every keystroke (parse, range, the person's ID against sex and birth);
household-level checks run after each commit. A finding newly raised about the question just
answered keeps the question on screen once, so the enumerator sees it; Enter again goes on.
Warnings and overridable errors are confirmed with a reason (F9). What comes next, where the
interview opens and which findings hold are decided by :mod:`census_tui.visit.flow`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input
from textual.widgets.input import Selection

from census_tui.errors import BadInput, CensusError
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE, Value
from census_tui.questionnaire.answers import MAX_INPUT, parse_answer
from census_tui.questionnaire.form import Item
from census_tui.screens.base import CensusScreen
from census_tui.visit import flow
from census_tui.widgets.answer import AnswerInput
from census_tui.widgets.codes import CodeList
from census_tui.widgets.text import Lines, T

if TYPE_CHECKING:
    from census_tui.model import Household
    from census_tui.questionnaire.form import Form
    from census_tui.visit.api import FindingView

Position = flow.Position

M_HOUSEHOLD = Msg("户项目", "Household items")
M_PERSON = Msg("第{n}人 {name}", "Person {n} {name}")
M_DEATH = Msg("死亡人口 {n}/{m} {name}", "Death record {n} of {m} {name}")
M_PICK = Msg("按数字选择,或 ↑↓ 回车", "Press the number, or ↑↓ and Enter")
M_PICK_ENTER = Msg(
    "输入编号后按回车(编号有两位),或 ↑↓ 回车",
    "Type the number, then Enter (codes have two digits), or ↑↓ and Enter",
)
"""A list with codes of two digits: a digit cannot be the answer at once, so say so."""
M_CURRENT = Msg("当前答案:{v}", "Current answer: {v}")
M_KEYS = Msg(
    "Enter 下一题 · PgUp 上一题 · F4 指标解释 · F5 备注 · F6 人员 · F7 疑虑 · F8 自查 · F1 帮助",
    "Enter next · PgUp back · F4 definition · F5 note · F6 persons · F7 doubts · F8 check · F1",
)
M_NOTE = Msg("本题备注", "Note on this question")
M_NOTED = Msg("备注已保存。", "Note saved.")
M_REASON = Msg("确认原因:{m}", "Reason for confirming: {m}")
M_CONFIRMED = Msg("已确认。", "Confirmed.")
M_NOTHING = Msg("本题没有需要确认的提示。", "Nothing to confirm on this question.")
M_SAVE_FAILED = Msg("未能保存:{m} 输入内容仍在框中。", "Not saved: {m} What you typed is kept.")
M_RETURNED = Msg("指导员意见:{c}", "Supervisor's comment: {c}")
M_PASTE = Msg("粘贴内容过长,已截断到 {n} 个字符。", "Paste too long; cut to {n} characters.")
R = TypeVar("R")

SAVING = "interview-save"
"""The reason keys are held while an answer is being committed."""
ADDING = "interview-add-person"
"""The reason keys are held while a new person or death record is being committed (a hold of
its own: it begins inside the answer's save and outlasts it)."""
SEVERITY_MARK = {"error": "✗", "overridable": "!", "warning": "?"}


def instant(item: Item) -> bool:
    """A code list whose codes are all one digit: the digit is the answer, no Enter needed."""
    return item.type == "code" and max(c.value for c in item.codes) < 10


def as_text(item: Item, value: Value | None) -> str:
    """A stored answer as the enumerator would type it."""
    if value is None:
        return ""
    if item.type == "idnumber" and value == "":
        return "无"
    return str(value)


class InterviewScreen(CensusScreen):
    """Question by question over one household."""

    CSS_PATH = "interview.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("保存并到下一题", "save and go to the next question")),
        ("0-9", Msg("选择代码", "pick a code")),
        ("↑ ↓", Msg("在代码表中移动", "move in the code list")),
        ("PgUp", Msg("上一题", "previous question")),
        ("PgDn", Msg("下一题(不修改)", "next question (no change)")),
        ("F4", Msg("指标解释", "the item's definition")),
        ("F5 Ctrl+N", Msg("本题备注", "note on this question")),
        ("F6 Ctrl+P", Msg("人员列表(添加/删除/排序)", "person list (add/remove/reorder)")),
        ("F7", Msg("疑虑解答", "doubts and replies")),
        ("F8", Msg("自查并核对", "self-check and read-back")),
        ("F9", Msg("确认提示并说明原因", "confirm a warning with a reason")),
        ("Esc", Msg("返回住户", "back to the dwelling")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pageup", "previous", show=False),
        Binding("pagedown", "skip", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("f4", "definition", show=False),
        Binding("f5,ctrl+n", "note", show=False),
        Binding("f6,ctrl+p", "persons", show=False),
        Binding("f7", "doubts", show=False),
        Binding("f8", "self_check", show=False),
        Binding("f9", "confirm", show=False),
        Binding("escape", "back", show=False),
    ]

    def __init__(
        self,
        dwelling_id: str,
        hh_uuid: str,
        *,
        returned: bool = False,
        start: Position | None = None,
    ) -> None:
        super().__init__()
        self.dwelling_id = dwelling_id
        self.hh_uuid = hh_uuid
        self.returned = returned
        self.start = start
        self.hh: Household
        self.form: Form
        """The household's form (set with the household, before the widgets are made)."""
        self.pos: Position = ("", "")
        self.findings: list[FindingView] = []
        self.held: Position | None = None
        self.comment = ""
        self._field_msg = Msg("", "")
        """What the field-level check says about the text being typed (or why it was not saved)."""
        self._findings_msg = Msg("", "")
        """The open findings about this person or the household."""
        self._opening: Position = ("", "")
        """Where the interview opens (read with the household, before the widgets mount)."""
        self._shown = False
        """Whether a question has been drawn yet (the opening one is drawn after the first
        frame)."""

    def compose_body(self) -> ComposeResult:
        self._load()
        with Vertical(id="iv-body"):
            yield Lines(Msg("", ""), id="iv-where", lang=self.lang)
            yield Lines(Msg("", ""), id="iv-comment", lang=self.lang)
            yield Lines(Msg("", ""), id="iv-question", lang=self.lang)
            yield CodeList(id="iv-codes")
            yield Lines(Msg("", ""), id="iv-current", lang=self.lang)
            yield AnswerInput(self._commit_text, id="iv-answer", max_length=MAX_INPUT)
            yield Lines(Msg("", ""), id="iv-notes", lang=self.lang)
        yield T(M_KEYS, id="iv-keys", lang=self.lang)

    def _load(self) -> None:
        """Read the household, where to open and its findings, before the widgets are made."""
        self._reload()
        self._opening = self.start or self._resume_position()
        self.findings = self._safe_findings()

    def on_mount(self) -> None:
        # The question is filled in right after the first frame, together with Textual's own
        # layout pass once the screen has mounted (which would otherwise follow the first frame
        # and land on the first answer, ~8 ms measured in a pty): when the question shows, the
        # screen is settled. Until then a key already acts on the opening question.
        self.pos = self._opening
        field = self.query_one("#iv-answer", AnswerInput)
        field.instant_codes = instant(self.form.item(self._opening[1]))
        self.call_after_refresh(self._show_opening)

    def _show_opening(self) -> None:
        """Draw the opening question, unless a key typed meanwhile already moved on (and keep
        what was typed into the field)."""
        if self._shown:  # a key typed meanwhile answered the opening question
            return
        field = self.query_one("#iv-answer", AnswerInput)
        typed = field.value
        self._show(self._opening)
        if typed:
            field.value = typed
            field.cursor_position = len(typed)

    # ------------------------------------------------------------------ positions
    def _resume_position(self) -> Position:
        """Supervisor's items for a returned case; else where we were; else the first gap.

        The supervisor's comment stays on screen for as long as the household has one, also
        after the first correction moved it from returned back to in progress."""
        note = self.session.return_note(self.hh_uuid)
        if note is not None:
            self.comment = note.comment
        returned_items = note.items if note is not None and self.returned else []
        last = self.session.last_position(self.hh_uuid)
        return flow.opening(self.form, self.hh, last=last, returned_items=returned_items)

    def _reload(self) -> None:
        self.hh = self.session.household(self.hh_uuid)
        self.form = self.session.form_for(self.hh)

    def _safe_findings(self) -> list[FindingView]:
        try:
            return self.session.findings(self.hh_uuid)
        except CensusError as err:
            self.capp.report_failure(err)
            return self.findings

    def _show(self, pos: Position) -> None:
        """Render the question at ``pos`` and commit it as the place to resume."""
        self._shown = True
        self.pos = pos
        self.held = None
        person_uuid, item_id = pos
        item = self.form.item(item_id)
        self._unawaited(
            self.session.writer.submit(
                self.session.remember_position, self.hh_uuid, person_uuid, item_id
            )
        )
        self.query_one("#iv-where", Lines).set_msg(self._where())
        comment = M_RETURNED.format(c=self.comment) if self.comment else Msg("", "")
        self.query_one("#iv-comment", Lines).set_msg(comment)
        self.query_one("#iv-question", Lines).set_msg(item.text)
        codes = self.query_one("#iv-codes", CodeList)
        current = self._answer(pos)
        field = self.query_one("#iv-answer", AnswerInput)
        field.instant_codes = instant(item)
        if item.type == "code":
            lang = self.capp.lang
            values = [c.value for c in item.codes]
            codes.set_codes(
                [f"{c.value:>2} {c.label(lang)}" for c in item.codes],
                values.index(current) if current in values else None,
            )
            label = item.code_label(current, lang) if isinstance(current, int) else None
            pick = M_PICK if field.instant_codes else M_PICK_ENTER
            shown = M_CURRENT.format(v=f"{current} {label}") if label else pick
            self.query_one("#iv-current", Lines).set_msg(shown)
            field.max_length = max(len(str(c.value)) for c in item.codes)
            field.value = ""
        else:
            # The box stays in place with the item's definition: hiding it would re-arrange the
            # whole screen for every question (the largest cost of an answer, issue 5 §12).
            codes.set_note(item.definition(self.capp.lang))
            self.query_one("#iv-current", Lines).set_msg(Msg("", ""))
            field.max_length = MAX_INPUT
            field.value = as_text(item, current)
        # An answer already given is selected: typing replaces it, Enter keeps it.
        field.selection = Selection(0, len(field.value))
        self._field_msg = Msg("", "")
        self._render_findings()
        if not field.has_focus:
            field.focus()  # (Widget.focus repaints the whole field even when it has the focus)

    def _where(self) -> Msg:
        person_uuid, item_id = self.pos
        item = self.form.item(item_id)
        name = flow.record_name(self.form, self.hh, person_uuid)
        if person_uuid == HOUSEHOLD_SCOPE:
            head = M_HOUSEHOLD
        elif self.hh.death(person_uuid) is not None:
            index = next(i for i, d in enumerate(self.hh.deaths) if d.uuid == person_uuid)
            total = max(flow.expected_deaths(self.form, self.hh), len(self.hh.deaths))
            head = M_DEATH.format(n=index + 1, m=total, name=name)
        else:
            index = next(i for i, p in enumerate(self.hh.persons) if p.uuid == person_uuid)
            head = M_PERSON.format(n=index + 1, name=name)
        return Msg(
            f"{head.zh} · {item.id} {item.label.zh}", f"{head.en} · {item.id} {item.label.en}"
        )

    def _answer(self, pos: Position) -> Value | None:
        return flow.answer_at(self.hh, pos)

    def refresh_view(self) -> None:
        text = self.query_one("#iv-answer", Input).value
        self._show(self.pos)
        self.query_one("#iv-answer", Input).value = text

    # ------------------------------------------------------------------ findings
    def _here(self) -> list[FindingView]:
        """Open findings about the current person (or the household) to show inline."""
        return flow.open_here(self.form, self.hh, self.findings, self.pos)

    def _render_findings(self) -> None:
        # Findings about the question on screen first: the area has room for two or three.
        here = sorted(self._here(), key=lambda f: self.pos[1] not in f.items)
        lines = [(SEVERITY_MARK.get(f.severity, "?"), f.rule_id, f.message) for f in here[:4]]
        self._findings_msg = Msg(
            "\n".join(f"{m} {r} {msg.zh}" for m, r, msg in lines),
            "\n".join(f"{m} {r} {msg.en}" for m, r, msg in lines),
        )
        self._render_notes()

    def _say(self, message: Msg) -> None:
        """Show the field-level message (above the findings), marked as it comes."""
        self._field_msg = message
        self._render_notes()

    def _refuse(self, message: Msg) -> None:
        """What was typed cannot be an answer (or could not be saved): ✗ and why."""
        self._say(Msg(f"✗ {message.zh}", f"✗ {message.en}") if message.zh else message)

    def _render_notes(self) -> None:
        """One fixed-height area under the answer: the field's message, then the findings.
        Fixed, so a message coming or going never re-arranges the screen (issue 5 §12)."""
        field, found = self._field_msg, self._findings_msg
        zh = "\n".join(t for t in (field.zh, found.zh) if t)
        en = "\n".join(t for t in (field.en, found.en) if t)
        self.query_one("#iv-notes", Lines).set_msg(Msg(zh, en))

    # ------------------------------------------------------------------ typing
    @on(Input.Changed, "#iv-answer")
    def _typed(self, event: Input.Changed) -> None:
        """Field-level check as the enumerator types; one-digit code lists commit on the key."""
        if event.input.value != event.value:
            return  # more keys already typed (a burst, a paste): only the latest text is checked
        item = self.form.item(self.pos[1])
        text = event.value
        message = Msg("", "")
        if text.strip():
            try:
                value = parse_answer(item, text)
            except BadInput as err:
                message = Msg(f"✗ {err.msg.zh}", f"✗ {err.msg.en}")
            else:
                if item.type == "code" and isinstance(value, int):
                    values = [c.value for c in item.codes]
                    if value in values:
                        self.query_one("#iv-codes", CodeList).highlighted = values.index(value)
                message = self._field_findings(item, value)
        self._say(message)

    def _field_findings(self, item: Item, value: Value) -> Msg:
        from census_tui.validation.engine import check_field

        # A death record is checked as typed like a person (S4/S5 against each other).
        person = self.hh.person(self.pos[0]) or self.hh.death(self.pos[0])
        found = check_field(item.id, value, person=person, household=self.hh)[:2]
        # Marked as the same finding is marked once the answer is saved (✗ ! ?), not as a typo.
        marks = [(SEVERITY_MARK.get(f.severity.value, "?"), f.rule_id, f.message) for f in found]
        return Msg(
            "\n".join(f"{m} {r} {msg.zh}" for m, r, msg in marks),
            "\n".join(f"{m} {r} {msg.en}" for m, r, msg in marks),
        )

    def on_paste(self, event: object) -> None:
        text = getattr(event, "text", "")
        if len(text) > MAX_INPUT:
            self.notify(self.t(M_PASTE.format(n=MAX_INPUT)), severity="warning")

    def action_move(self, step: int) -> None:
        codes = self.query_one("#iv-codes", CodeList)
        if codes.option_count == 0:
            return
        index = codes.highlighted
        codes.highlighted = (
            0 if index is None else max(0, min(codes.option_count - 1, index + step))
        )

    # ------------------------------------------------------------------ committing
    def _commit_text(self, text: str) -> None:
        """Parse, commit, run the household checks, go to what the walker says is next.

        Called synchronously from the answer field's key handler (see AnswerInput)."""
        item = self.form.item(self.pos[1])
        codes = self.query_one("#iv-codes", CodeList)
        if item.type == "code" and not text.strip() and codes.highlighted is not None:
            text = str(item.codes[codes.highlighted].value)
        try:
            value = parse_answer(item, text)
        except BadInput as err:
            self._refuse(err.msg)
            return
        if value == self._answer(self.pos):
            self._advance()
            return
        pos = self.pos
        before = flow.finding_keys(self._here())
        self._write_then(
            SAVING,
            partial(self.session.set_answer, self.hh_uuid, pos[0], pos[1], value),
            lambda _: self._saved(item, before),
            self._save_failed,
        )

    def _write_then(
        self,
        hold: str,
        write: Callable[[], R],
        then: Callable[[R], None],
        failed: Callable[[CensusError], None],
    ) -> None:
        """Hand ``write`` to the session's writer, holding typed keys for ``hold`` until it is
        committed and ``then(result)`` has run on the event loop (``failed(error)`` instead when
        the store refused it)."""
        self.capp.hold_keys(hold)
        future = self.session.writer.submit(write)

        async def committed() -> None:
            try:
                result = await asyncio.wrap_future(future)
            except CensusError as err:
                failed(err)
            else:
                then(result)
            finally:
                self.capp.release_keys(hold)

        self.run_worker(committed(), exit_on_error=False)

    def _saved(self, item: Item, before: frozenset[tuple[str, str]]) -> None:
        """The answer is committed: re-run the household checks, stay on a newly raised
        finding, or go on."""
        self._reload()
        self.findings = self._safe_findings()
        raised = flow.newly_holding(self.form, self.hh, self.findings, self.pos, before)
        if not raised:
            self._advance()
            return
        self.held = self.pos
        self._field_msg = Msg("", "")  # the finding itself is listed in the notes
        self._render_findings()
        if item.type == "code":
            self.query_one("#iv-answer", AnswerInput).value = ""
            self._show_current(item)

    def _save_failed(self, err: CensusError) -> None:
        self._refuse(
            Msg(M_SAVE_FAILED.zh.format(m=err.msg.zh), M_SAVE_FAILED.en.format(m=err.msg.en))
        )

    class WriteFailed(Message):
        """A write nobody waits on (the resume position) failed on the writer's thread."""

        def __init__(self, error: BaseException) -> None:
            super().__init__()
            self.error = error

    def _unawaited(self, future: Future[None]) -> None:
        """Say so if a write that the interview does not wait for fails."""

        def done(f: Future[None]) -> None:
            error = f.exception()
            if error is not None:
                self.post_message(self.WriteFailed(error))  # thread-safe

        future.add_done_callback(done)

    def on_interview_screen_write_failed(self, message: WriteFailed) -> None:
        self.capp.report_failure(message.error)

    def _show_current(self, item: Item) -> None:
        current = self._answer(self.pos)
        values = [c.value for c in item.codes]
        if current in values:
            self.query_one("#iv-codes", CodeList).highlighted = values.index(current)
        label = item.code_label(current, self.capp.lang) if isinstance(current, int) else None
        if label:
            self.query_one("#iv-current", Lines).set_msg(M_CURRENT.format(v=f"{current} {label}"))

    def _advance(self) -> None:
        """Go where the interview flow says: the next question, a new person, the self-check."""
        step = flow.next_step(self.form, self.hh, self.pos)
        if isinstance(step, flow.Ask):
            self._show(step.position)
        elif isinstance(step, flow.AddPerson):
            self._add_person()
        elif isinstance(step, flow.AddDeath):
            self._add_death()
        else:
            self.action_self_check()

    def _add_person(self) -> None:
        self._write_then(
            ADDING,
            partial(self.session.add_person, self.hh_uuid),
            self._person_added,
            self.capp.report_failure,
        )

    def _add_death(self) -> None:
        self._write_then(
            ADDING,
            partial(self.session.add_death, self.hh_uuid),
            self._person_added,
            self.capp.report_failure,
        )

    def _person_added(self, record_uuid: str) -> None:
        """A person or death record was made: its first question."""
        self._reload()
        self._show(flow.record_start(self.form, self.hh, record_uuid))

    def action_skip(self) -> None:
        if self._answer(self.pos) is not None:
            self._advance()

    def action_previous(self) -> None:
        prev = flow.previous(self.form, self.hh, self.pos)
        if prev is not None:
            self._show(prev)

    # ------------------------------------------------------------------ side panels
    def action_definition(self) -> None:
        from census_tui.screens.info import InfoScreen

        item = self.form.item(self.pos[1])
        self.app.push_screen(InfoScreen(item.label, item.definition))

    def action_note(self) -> None:
        from census_tui.screens.prompt import PromptScreen

        pos = self.pos

        def noted(text: object) -> None:
            if isinstance(text, str) and text:
                try:
                    self.session.add_note(self.hh_uuid, pos[0], pos[1], text)
                except CensusError as err:
                    self.capp.report_failure(err)
                    return
                self.notify(self.t(M_NOTED))

        self.app.push_screen(PromptScreen(M_NOTE), noted)

    def action_confirm(self) -> None:
        from census_tui.screens.prompt import PromptScreen

        open_ = [f for f in self._here() if f.severity != "error"]
        if not open_:
            self.notify(self.t(M_NOTHING))
            return
        finding = open_[0]

        def confirmed(reason: object) -> None:
            if isinstance(reason, str) and reason:
                try:
                    self.session.confirm(self.hh_uuid, finding.rule_id, finding.person_uuid, reason)
                except CensusError as err:
                    self.capp.report_failure(err)
                    return
                self.findings = self._safe_findings()
                self._render_findings()
                self.notify(self.t(M_CONFIRMED))

        question = Msg(
            M_REASON.zh.format(m=finding.message.zh), M_REASON.en.format(m=finding.message.en)
        )
        self.app.push_screen(PromptScreen(question), confirmed)

    def _jump(self, pos: object) -> None:
        """Callback of the person list and the self-check: go to a position (or stay)."""
        self._reload()
        self.findings = self._safe_findings()
        if isinstance(pos, tuple) and flow.is_valid(self.form, self.hh, pos):
            self._show(pos)
        elif flow.is_valid(self.form, self.hh, self.pos):
            self._show(self.pos)
        else:
            self._show(flow.first_gap(self.form, self.hh))

    def action_persons(self) -> None:
        from census_tui.screens.persons import PersonsScreen

        self.app.push_screen(PersonsScreen(self.hh_uuid), self._jump)

    def action_doubts(self) -> None:
        from census_tui.screens.doubts import DoubtsScreen

        self.app.push_screen(DoubtsScreen(self.dwelling_id))

    def action_self_check(self) -> None:
        from census_tui.screens.selfcheck import SelfCheckScreen

        self.app.push_screen(SelfCheckScreen(self.dwelling_id, self.hh_uuid), self._jump)

    def action_back(self) -> None:
        self.dismiss(None)
