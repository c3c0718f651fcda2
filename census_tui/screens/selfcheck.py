"""Self-check (普查员自查, FIELDWORK.md quality control): every error and unconfirmed warning,
each jumping to its question (a household item, a person's, a death record's); when nothing
blocks, on to the read-back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from census_tui.errors import CensusError
from census_tui.i18n import Msg
from census_tui.model import HOUSEHOLD_SCOPE
from census_tui.screens.base import CensusScreen
from census_tui.widgets.text import T

if TYPE_CHECKING:
    from census_tui.visit.api import FindingView

M_TITLE = Msg("自查", "Self-check")
M_OPEN = Msg(
    "{n} 项待处理 · Enter 转到该题 · F9 确认提示 · Esc 返回",
    "{n} open · Enter go to the question · F9 confirm a warning · Esc back",
)
M_CLEAN = Msg("自查通过。按 Enter 进入核对确认。", "Self-check passed. Enter for the read-back.")
M_REASON = Msg("确认原因:{m}", "Reason for confirming: {m}")
M_HOUSEHOLD = Msg("全户", "household")
M_DEATH = Msg("死亡人口 {who}", "death record {who}")
SEVERITY = {
    "error": Msg("错误", "error"),
    "overridable": Msg("与证件不符", "contradicts document"),
    "warning": Msg("提示", "warning"),
}


class SelfCheckScreen(CensusScreen):
    """Dismisses with a position to jump to, or None."""

    CSS_PATH = "selfcheck.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("转到该题 / 进入核对", "go to the question / read-back")),
        ("F9", Msg("确认提示并说明原因", "confirm a warning with a reason")),
        ("Esc", Msg("返回登记", "back to the interview")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "confirm", show=False),
        Binding("escape", "back", show=False),
    ]

    class Passed(Message):
        pass

    def __init__(self, dwelling_id: str, hh_uuid: str) -> None:
        super().__init__()
        self.dwelling_id = dwelling_id
        self.hh_uuid = hh_uuid
        self.open: list[FindingView] = []
        self.clean = False

    def compose_body(self) -> ComposeResult:
        yield T(M_TITLE, id="sc-title", lang=self.lang)
        yield T(Msg("", ""), id="sc-status", lang=self.lang)
        yield OptionList(id="sc-list")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def refresh_view(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.open = [f for f in self.session.findings(self.hh_uuid) if not f.confirmed]
        self.clean = not self.open and self.session.can_complete(self.hh_uuid)
        lang = self.capp.lang
        listing = self.query_one(OptionList)
        listing.clear_options()
        for f in self.open:
            who = f.person_label or M_HOUSEHOLD(lang)
            if f.death:
                who = M_DEATH.format(who=f.person_label)(lang)
            sev = SEVERITY.get(f.severity, Msg(f.severity, f.severity))(lang)
            listing.add_option(Option(f"[{sev}] {f.rule_id} {who}: {f.message(lang)}"))
        if self.open:
            listing.highlighted = 0
        status = M_CLEAN if self.clean else M_OPEN.format(n=len(self.open))
        self.query_one("#sc-status", T).set_msg(status)

    def _current(self) -> FindingView | None:
        index = self.query_one(OptionList).highlighted
        return None if index is None or index >= len(self.open) else self.open[index]

    def on_option_list_option_selected(self) -> None:
        finding = self._current()
        if finding is None:
            return
        items = [i for i in finding.items if not i.startswith("#")]
        if items:
            self.dismiss((finding.person_uuid or HOUSEHOLD_SCOPE, items[0]))

    def key_enter(self) -> None:
        if self.clean:
            self._pass()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _pass(self) -> None:
        self.session.self_check_passed(self.hh_uuid)
        self.post_message(self.Passed())

    def on_self_check_screen_passed(self) -> None:
        from census_tui.screens.readback import ReadBackScreen

        self.app.push_screen(ReadBackScreen(self.dwelling_id, self.hh_uuid))

    def on_screen_resume(self) -> None:
        self._fill()

    def action_confirm(self) -> None:
        from census_tui.screens.prompt import PromptScreen

        finding = self._current()
        if finding is None or finding.severity == "error":
            return

        def confirmed(reason: object) -> None:
            if isinstance(reason, str) and reason:
                try:
                    self.session.confirm(self.hh_uuid, finding.rule_id, finding.person_uuid, reason)
                except CensusError as err:
                    self.capp.report_failure(err)
                self._fill()

        question = Msg(
            M_REASON.zh.format(m=finding.message.zh), M_REASON.en.format(m=finding.message.en)
        )
        self.app.push_screen(PromptScreen(question), confirmed)

    def action_back(self) -> None:
        self.dismiss(None)
