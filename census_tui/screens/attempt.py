"""Record a visit attempt (入户尝试): outcome, and for an appointment its time and channel,
for a refusal the doubt raised (FIELDWORK.md 疑虑与拒访). Number keys pick each choice."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar, TypeVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.visit.api import Attempt
from census_tui.visit.outcomes import CHANNEL_LABELS, OUTCOME_LABELS, Outcome
from census_tui.widgets.text import T, TButton

DOUBTS: dict[str, Msg] = {
    "tax": Msg("担心查房产收税", "worried about property tax"),
    "detail": Msg("嫌信息太详细", "why such detail"),
    "busy": Msg("太忙没时间", "too busy"),
    "other": Msg("其他", "other"),
}
M_TITLE = Msg("记录入户尝试", "Record an attempt")
M_WHEN = Msg("预约时间 (月-日 时:分,如 11-05 19:30)", "Appointment (MM-DD HH:MM, e.g. 11-05 19:30)")
M_CHANNEL = Msg("预约方式", "Booked by")
M_DOUBT = Msg("提出的疑虑", "Doubt raised")
M_NOTE = Msg("备注(可空)", "Note (optional)")
M_SAVE = Msg("保存 (Ctrl+S)", "Save (Ctrl+S)")
M_BADTIME = Msg("预约时间格式不对,例如 11-05 19:30。", "Appointment time: e.g. 11-05 19:30.")
M_SAVED = Msg("已记录。", "Recorded.")


def parse_when(text: str, now: datetime) -> datetime:
    """``MM-DD HH:MM`` or ``YYYY-MM-DD HH:MM`` in local time → aware datetime; the year defaults
    to the one that puts the time nearest after ``now``."""
    text = text.strip().replace("/", "-").replace("：", ":")
    local_now = now.astimezone()
    try:
        if text.count("-") == 2:
            dt = datetime.strptime(text, "%Y-%m-%d %H:%M")
        else:
            dt = datetime.strptime(f"{local_now.year}-{text}", "%Y-%m-%d %H:%M")
            if dt.replace(tzinfo=local_now.tzinfo) < local_now - timedelta(days=180):
                dt = dt.replace(year=dt.year + 1)
    except ValueError as exc:
        raise BadInput(M_BADTIME) from exc
    return dt.replace(tzinfo=local_now.tzinfo)


K = TypeVar("K", bound=str)


def _options(choices: Mapping[K, Msg], lang: str) -> list[Option]:
    return [
        Option(f"{i} {m.zh if lang == 'zh' else m.en}", id=k)
        for i, (k, m) in enumerate(choices.items(), start=1)
    ]


class AttemptScreen(CensusModal):
    """A form in a dialog; the attempt is written in a worker."""

    CSS_PATH = "attempt.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("1-6", Msg("选择结果(在列表中)", "pick the outcome (in a list)")),
        ("Tab", Msg("下一项", "next field")),
        ("Ctrl+S", Msg("保存", "save")),
        ("Esc", Msg("取消", "cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", show=False),
        Binding("ctrl+s", "save", "save", show=False),
    ]

    class Recorded(Message):
        pass

    def __init__(self, dwelling_id: str, *, outcome: str = "", doubt: str = "") -> None:
        super().__init__()
        self.dwelling_id = dwelling_id
        self.preset_outcome = Outcome(outcome) if outcome else None
        self.preset_doubt = doubt

    def compose_body(self) -> ComposeResult:
        lang = self.capp.lang
        with VerticalScroll(id="attempt-box"):
            yield T(M_TITLE, id="attempt-title", lang=self.lang)
            yield OptionList(*_options(OUTCOME_LABELS, lang), id="attempt-outcome")
            yield T(M_WHEN, classes="appt", lang=self.lang)
            yield Input(id="attempt-when", classes="appt", max_length=20)
            yield T(M_CHANNEL, classes="appt", lang=self.lang)
            yield OptionList(*_options(CHANNEL_LABELS, lang), id="attempt-channel", classes="appt")
            yield T(M_DOUBT, classes="refusal", lang=self.lang)
            yield OptionList(*_options(DOUBTS, lang), id="attempt-doubt", classes="refusal")
            yield T(M_NOTE, lang=self.lang)
            yield Input(id="attempt-note", max_length=500)
            yield T(Msg("", ""), id="attempt-status", lang=self.lang)
            yield TButton(M_SAVE, id="attempt-save", variant="primary", lang=self.lang)

    def on_mount(self) -> None:
        outcome = self.query_one("#attempt-outcome", OptionList)
        keys = list(OUTCOME_LABELS)
        outcome.highlighted = keys.index(self.preset_outcome) if self.preset_outcome else 0
        self.query_one("#attempt-channel", OptionList).highlighted = 0
        doubt = self.query_one("#attempt-doubt", OptionList)
        doubt.highlighted = list(DOUBTS).index(self.preset_doubt) if self.preset_doubt else 0
        outcome.focus()
        self._show_fields()

    def _chosen(self, list_id: str, choices: Mapping[K, Msg]) -> K:
        index = self.query_one(f"#{list_id}", OptionList).highlighted
        return list(choices)[index or 0]

    def _show_fields(self) -> None:
        outcome = self._chosen("attempt-outcome", OUTCOME_LABELS)
        for widget in self.query(".appt"):
            widget.display = outcome is Outcome.APPOINTMENT
        for widget in self.query(".refusal"):
            widget.display = outcome is Outcome.REFUSED

    @on(OptionList.OptionHighlighted, "#attempt-outcome")
    def _outcome_changed(self) -> None:
        self._show_fields()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._after_pick(event.option_list)

    def _after_pick(self, listing: OptionList) -> None:
        """Move on to the field the choice needs (display changes are not yet in the focus
        chain, so the next field is named rather than found with focus_next)."""
        self._show_fields()
        outcome = self._chosen("attempt-outcome", OUTCOME_LABELS)
        target = "#attempt-note"
        if listing.id == "attempt-outcome" and outcome is Outcome.APPOINTMENT:
            target = "#attempt-when"
        elif listing.id == "attempt-outcome" and outcome is Outcome.REFUSED:
            target = "#attempt-doubt"
        self.query_one(target).focus()

    def on_key(self, event: events.Key) -> None:
        key = event.key
        focused = self.focused
        if isinstance(focused, OptionList) and key.isdigit() and key != "0":
            index = int(key) - 1
            if index < focused.option_count:
                focused.highlighted = index
                event.stop()
                self._after_pick(focused)

    @on(Input.Submitted, "#attempt-when")
    def _when_done(self) -> None:
        self.query_one("#attempt-channel").focus()

    @on(Input.Submitted, "#attempt-note")
    @on(TButton.Pressed, "#attempt-save")
    def action_save(self) -> None:
        outcome = self._chosen("attempt-outcome", OUTCOME_LABELS)
        status = self.query_one("#attempt-status", T)
        appointment_at = None
        channel = None
        doubt = ""
        if outcome is Outcome.APPOINTMENT:
            try:
                appointment_at = parse_when(
                    self.query_one("#attempt-when", Input).value, self.capp.clock.now()
                )
            except BadInput as err:
                status.set_msg(err.msg)
                self.query_one("#attempt-when", Input).focus()
                return
            channel = self._chosen("attempt-channel", CHANNEL_LABELS)
        if outcome is Outcome.REFUSED:
            doubt = self._chosen("attempt-doubt", DOUBTS)
        attempt = Attempt(
            at=self.capp.clock.now(),
            outcome=outcome,
            channel=channel,
            appointment_at=appointment_at,
            doubt=doubt,
            note=self.query_one("#attempt-note", Input).value.strip(),
        )
        self.query_one("#attempt-save", TButton).disabled = True
        self._record(attempt)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _record(self, attempt: Attempt) -> None:
        self.session.record_attempt(self.dwelling_id, attempt)
        self.post_message(self.Recorded())

    def on_attempt_screen_recorded(self) -> None:
        self.notify(self.t(M_SAVED))
        self.dismiss(True)

    def worker_failed(self, worker: Worker[object]) -> None:
        self.query_one("#attempt-save", TButton).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)
