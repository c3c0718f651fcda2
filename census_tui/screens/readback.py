"""Read-back confirmation (核对确认, FIELDWORK.md step 4): the key answers of each person, then
of each death record, in plain language for the enumerator to read out; then the respondent's
name and the time (from the clock) are recorded and the household is completed (queued for sync
in the same transaction by the service)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker

from census_tui.i18n import Msg
from census_tui.screens.base import CensusScreen
from census_tui.visit.api import ReadBackLine
from census_tui.widgets.text import T

M_TITLE = Msg("核对确认:请向住户逐项读出", "Read-back: read these out to the household")
M_WHO = Msg("确认人姓名(回车完成登记)", "Respondent's name (Enter completes)")
M_TIME = Msg("确认时间:{t}", "Confirmed at: {t}")
M_PERSON = Msg("第{n}人", "Person {n}")
M_DEATH = Msg("死亡人口 {n}", "Death record {n}")
M_HOUSEHOLD = Msg("本户", "Household")
M_DONE = Msg("本户登记完成,已排队等待上传。", "Household completed and queued for upload.")


def grouped(lines: list[ReadBackLine], lang: str) -> str:
    """One block per person (household first), then one per death record, headed so the
    enumerator keeps their place."""
    out: list[str] = []
    current: str | None = None
    n = d = 0
    for line in lines:
        if line.person_uuid != current:
            current = line.person_uuid
            if not current:
                head = M_HOUSEHOLD
            elif line.death:
                d += 1
                head = M_DEATH.format(n=d)
            else:
                n += 1
                head = M_PERSON.format(n=n)
            out.append(f"── {head.zh if lang == 'zh' else head.en} ──")
        sep = ":" if lang == "zh" else ": "
        out.append(f"{line.label.zh if lang == 'zh' else line.label.en}{sep}{line.text}")
    return "\n".join(out)


class ReadBackScreen(CensusScreen):
    """Read-back lines, respondent confirmation, completion."""

    CSS_PATH = "readback.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("Enter", Msg("确认并完成", "confirm and complete")),
        ("PgUp/PgDn", Msg("翻看全部答案", "scroll through the answers")),
        ("Esc", Msg("返回自查", "back to the self-check")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False),
        Binding("pageup", "scroll_lines(-1)", show=False),
        Binding("pagedown", "scroll_lines(1)", show=False),
    ]

    class Completed(Message):
        pass

    def __init__(self, dwelling_id: str, hh_uuid: str) -> None:
        super().__init__()
        self.dwelling_id = dwelling_id
        self.hh_uuid = hh_uuid

    def compose_body(self) -> ComposeResult:
        yield T(M_TITLE, id="rb-title", lang=self.lang)
        with VerticalScroll(id="rb-lines"):
            yield T(Msg("", ""), id="rb-text", lang=self.lang)
        yield T(Msg("", ""), id="rb-time", lang=self.lang)
        yield Input(id="rb-respondent", placeholder=M_WHO.both(), max_length=50)

    def on_mount(self) -> None:
        self.refresh_view()
        self.query_one(Input).focus()

    def refresh_view(self) -> None:
        zh = grouped(self.session.readback(self.hh_uuid, "zh"), "zh")
        en = grouped(self.session.readback(self.hh_uuid, "en"), "en")
        self.query_one("#rb-text", T).set_msg(Msg(zh, en))
        now = self.capp.clock.now().astimezone().strftime("%Y-%m-%d %H:%M")
        self.query_one("#rb-time", T).set_msg(M_TIME.format(t=now))

    @on(Input.Submitted, "#rb-respondent")
    def _confirm(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            return
        event.input.disabled = True
        self.hold_keys()  # keys typed now are for the screen that comes after completion
        self._complete(name)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _complete(self, respondent: str) -> None:
        self.session.complete(self.hh_uuid, respondent)
        self.post_message(self.Completed())

    def on_read_back_screen_completed(self) -> None:
        """Back to the dashboard; after a practice household, to the dwelling's screen, where
        the comparison with the scenario's truth is shown (what the trainee is there to see)."""
        from census_tui.screens.dashboard import DashboardScreen
        from census_tui.screens.visit import VisitScreen

        self.notify(self.t(M_DONE))
        practice = self.session.scenario(self.dwelling_id) is not None
        target = VisitScreen if practice else DashboardScreen
        if not any(isinstance(screen, target) for screen in self.app.screen_stack):
            target = DashboardScreen
        while len(self.app.screen_stack) > 1 and not isinstance(self.app.screen, target):
            self.app.pop_screen()
        self.release_keys()

    def worker_failed(self, worker: Worker[object]) -> None:
        field = self.query_one(Input)
        field.disabled = False
        field.focus()

    def action_scroll_lines(self, pages: int) -> None:
        """PgUp/PgDn scroll the answers while the cursor stays in the respondent's field."""
        lines = self.query_one("#rb-lines", VerticalScroll)
        if pages < 0:
            lines.scroll_page_up(animate=False)
        else:
            lines.scroll_page_down(animate=False)

    def action_back(self) -> None:
        self.dismiss(None)
