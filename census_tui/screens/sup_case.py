"""A case, read-only, for review (互查): every answer in form order under its section heading
(the household's items, each person, each death record), with the checks' findings, the
enumerator's confirmation and the notes under the answer they concern; then every finding, the
read-back confirmation and the history.

Space marks the answer under the cursor for return (``[x]``); ``r`` returns the case with a
comment pointing at the marked questions, ``a`` approves it. The decision is made in a thread
worker; the screen then closes with the :class:`~census_tui.supervision.api.Decision` (sent, or
queued for the next refresh) and the queue says which. A refusal (the enumerator uploaded a
newer revision meanwhile) is shown here and nothing is applied.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker

from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.screens.base import CensusScreen
from census_tui.screens.sup_common import when
from census_tui.supervision.api import CaseLine, CaseView, Decision, ItemRef
from census_tui.supervision.words import CASE_STATES, PENDING, word_msg
from census_tui.widgets.text import T

M_LOADING = Msg("正在读取案例…", "Reading the case…")
M_HEAD = Msg(
    "{dwelling} {address} · {account} · {state} · 第 {rev} 版",
    "{dwelling} {address} · {account} · {state} · revision {rev}",
)
M_FLAGGED = Msg(" · ! 需关注", " · ! flagged")
M_BY_PHONE = Msg(" · 电话登记", " · by telephone")
M_MARKED = Msg("已选 {n} 题", "{n} marked")
M_KEYS = Msg(
    "空格 选择要退回的题 · r 退回 · a 通过 · Esc 返回",
    "Space mark for return · r return · a approve · Esc back",
)
M_UNANSWERED = Msg("(未答)", "(no answer)")
M_CONFIRMED = Msg("普查员说明:{reason}", "Enumerator's reason: {reason}")
M_NOTE = Msg("备注:{note}", "Note: {note}")
M_ALL_FINDINGS = Msg("全部审核提示", "All findings")
M_NO_FINDINGS = Msg("无", "none")
M_READ_BACK = Msg("核对确认", "Read-back")
M_HISTORY = Msg("历史", "History")
M_REVISION = Msg("第 {rev} 版", "rev. {rev}")
M_SENDING = Msg("正在提交…", "Sending…")
M_MOVED_HINT = Msg(
    "未做任何更改。请返回队列、按 s 更新后重新打开该案例。",
    "Nothing was applied. Go back to the queue, update (s) and re-open the case.",
)
INDENT = "    "


def line_text(line: CaseLine, marked: bool, lang: Lang) -> Text:
    """One answer as the case view draws it: the mark, the question, the answer, and under
    it what the checks and the enumerator said about it."""
    shown = line.value_text(lang) if line.value_text is not None else line.value
    value = shown or M_UNANSWERED(lang)
    text = Text(f"[{'x' if marked else ' '}] {line.label(lang)}  ")
    text.append(value, style="bold")
    for finding in line.findings:
        text.append(f"\n{INDENT}! {finding(lang)}", style="yellow")
    if line.confirmation:
        text.append(f"\n{INDENT}{M_CONFIRMED(lang).format(reason=line.confirmation)}")
    for note in line.notes:
        text.append(f"\n{INDENT}{M_NOTE(lang).format(note=note)}", style="italic")
    return text


class CaseScreen(CensusScreen):
    """Dismisses with the :class:`Decision` made, or None (Esc)."""

    CSS_PATH = "sup_case.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("↑↓ PgUp PgDn", Msg("逐行 / 翻页", "line / page")),
        ("Space", Msg("选择或取消要退回的题 [x]", "mark or unmark a question to return [x]")),
        ("r", Msg("退回(须写说明)", "return (with a comment)")),
        ("a", Msg("审核通过", "approve")),
        ("Esc", Msg("返回队列", "back to the queue")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "mark", show=False),
        Binding("r", "return_case", "return", show=False),
        Binding("a", "approve", "approve", show=False),
        Binding("escape", "back", "back", show=False),
    ]

    class Loaded(Message):
        def __init__(self, case: CaseView) -> None:
            super().__init__()
            self.case = case

    class Decided(Message):
        def __init__(self, decision: Decision) -> None:
            super().__init__()
            self.decision = decision

    def __init__(self, case_uuid: str) -> None:
        super().__init__()
        self.case_uuid = case_uuid
        self.case: CaseView | None = None
        self.marked: list[ItemRef] = []
        """The questions marked for return, in the order they were marked."""
        self._line_at: dict[int, int] = {}
        """Option index → index of its :class:`CaseLine`."""
        self.busy = False

    def compose_body(self) -> ComposeResult:
        yield T(M_LOADING, id="sc-head", lang=self.lang)
        yield T(Msg("", ""), id="sc-error", lang=self.lang)
        yield OptionList(id="sc-lines")
        yield T(M_KEYS, id="sc-keys", lang=self.lang)

    def on_mount(self) -> None:
        super().on_mount()
        self.lines.focus()
        self.hold_keys()  # marks and decisions typed now need the case
        self._load()

    @property
    def lines(self) -> OptionList:
        return self.query_one("#sc-lines", OptionList)

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def _load(self) -> None:
        self.post_message(self.Loaded(self.supervision.case(self.case_uuid)))

    def on_case_screen_loaded(self, message: Loaded) -> None:
        self.case = message.case
        self.refresh_view()
        self.lines.highlighted = self._first_line()
        self.release_keys()

    def _first_line(self) -> int | None:
        return min(self._line_at, default=None)

    # ------------------------------------------------------------------ drawing
    def refresh_view(self) -> None:
        case = self.case
        if case is None:
            return
        self._head()
        lang = self.capp.lang
        options: list[Option] = []
        self._line_at = {}
        section: Msg | None = None
        for index, line in enumerate(case.lines):
            if line.section != section:
                section = line.section
                options.append(Option(Text(section(lang), style="bold reverse")))
            self._line_at[len(options)] = index
            options.append(Option(line_text(line, line.ref in self.marked, lang)))
        options.append(Option(Text(M_ALL_FINDINGS(lang), style="bold reverse")))
        if not case.findings:
            options.append(Option(M_NO_FINDINGS(lang)))
        options += [Option(Text(f"! {f(lang)}", style="yellow")) for f in case.findings]
        options.append(Option(Text(M_READ_BACK(lang), style="bold reverse")))
        options.append(Option(case.read_back(lang)))
        options.append(Option(Text(M_HISTORY(lang), style="bold reverse")))
        for h in case.history:
            rev = M_REVISION.format(rev=h.revision)(lang) if h.revision is not None else ""
            options.append(Option(" ".join(p for p in (when(h.at), rev, h.text(lang)) if p)))
        highlighted = self.lines.highlighted
        self.lines.set_options(options)
        if highlighted is not None:
            self.lines.highlighted = min(highlighted, len(options) - 1)

    def _head(self) -> None:
        case = self.case
        assert case is not None
        state = word_msg(CASE_STATES, case.state)
        head = Msg(
            M_HEAD.zh.format(
                dwelling=case.dwelling_id,
                address=case.address,
                account=case.account,
                state=state.zh,
                rev=case.revision,
            ),
            M_HEAD.en.format(
                dwelling=case.dwelling_id,
                address=case.address,
                account=case.account,
                state=state.en,
                rev=case.revision,
            ),
        )
        extra = [M_FLAGGED] if case.flagged else []
        if case.mode == "phone":
            extra.append(M_BY_PHONE)
        if case.pending in PENDING:
            extra.append(Msg(" · " + PENDING[case.pending].zh, " · " + PENDING[case.pending].en))
        if self.marked:
            marked = M_MARKED.format(n=len(self.marked))
            extra.append(Msg(" · " + marked.zh, " · " + marked.en))
        self.query_one("#sc-head", T).set_msg(
            Msg(head.zh + "".join(m.zh for m in extra), head.en + "".join(m.en for m in extra))
        )

    # ------------------------------------------------------------------ marking
    def action_mark(self) -> None:
        """Space: mark or unmark the answer under the cursor for return."""
        case, option = self.case, self.lines.highlighted
        if case is None or option is None or option not in self._line_at:
            return
        line = case.lines[self._line_at[option]]
        if line.ref in self.marked:
            self.marked.remove(line.ref)
        else:
            self.marked.append(line.ref)
        marked = line.ref in self.marked
        self.lines.replace_option_prompt_at_index(option, line_text(line, marked, self.capp.lang))
        self._head()

    def marked_labels(self) -> list[Msg]:
        """The marked questions as the return dialog lists them (section and question)."""
        if self.case is None:
            return []
        by_ref = {line.ref: line for line in self.case.lines}
        out = []
        for ref in self.marked:
            line = by_ref[ref]
            out.append(
                Msg(f"{line.section.zh} {line.label.zh}", f"{line.section.en} {line.label.en}")
            )
        return out

    # ------------------------------------------------------------------ decisions
    def action_approve(self) -> None:
        from census_tui.screens.sup_decide import ApproveDialog

        if self.case is None or self.busy:
            return

        def chosen(comment: object) -> None:
            if isinstance(comment, str):
                self._decide("approve", comment)

        self.app.push_screen(ApproveDialog(self._title()), chosen)

    def action_return_case(self) -> None:
        from census_tui.screens.sup_decide import ReturnDialog

        if self.case is None or self.busy:
            return

        def chosen(comment: object) -> None:
            if isinstance(comment, str) and comment:
                self._decide("return", comment)

        self.app.push_screen(ReturnDialog(self._title(), self.marked_labels()), chosen)

    def _title(self) -> str:
        assert self.case is not None
        return f"{self.case.dwelling_id} {self.case.address}"

    def _decide(self, kind: str, comment: str) -> None:
        self.busy = True
        self._say(M_SENDING)
        self.hold_keys()  # keys typed now are for the queue this leads back to
        self._send(kind, comment)

    @work(thread=True, exclusive=True, exit_on_error=False, group="decide")
    def _send(self, kind: str, comment: str) -> None:
        case = self.case
        assert case is not None
        sup = self.supervision
        if kind == "approve":
            decision = sup.approve(case.case_uuid, case.revision, comment)
        else:
            decision = sup.return_case(case.case_uuid, case.revision, comment, list(self.marked))
        self.post_message(self.Decided(decision))

    def on_case_screen_decided(self, message: Decided) -> None:
        self.busy = False
        self.dismiss(message.decision)

    def worker_failed(self, worker: Worker[object]) -> None:
        """A refusal (the revision moved, a question the case does not have) is said here, with
        what to do; the case stays as it was and nothing is queued."""
        self.busy = False
        error = worker.error
        text = error.msg if isinstance(error, CensusError) else Msg("", "")
        if worker.group == "decide":
            text = Msg(f"{text.zh} {M_MOVED_HINT.zh}", f"{text.en} {M_MOVED_HINT.en}")
        self._say(text)

    def _say(self, msg: Msg) -> None:
        """The line under the heading: a decision being sent, or why it was refused."""
        line = self.query_one("#sc-error", T)
        line.set_msg(msg)
        line.display = bool(msg.zh or msg.en)

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(None)
