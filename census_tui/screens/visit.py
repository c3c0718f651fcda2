"""Visit hub of one dwelling: attempts, appointment, identity, interview, reopen.

FIELDWORK.md's visit script: appointment (预约入户) → identity presentation (身份核实) →
information collection (信息采集) → read-back confirmation (核对确认). After two no-contacts the
service suggests an evening or weekend slot (DESIGN.md "The visit"), shown here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from census_tui.i18n import LANGS, Msg
from census_tui.screens.base import CensusScreen
from census_tui.visit.dwellings import FORM_LABELS, FORM_LOCKED, form_label, form_mark
from census_tui.visit.outcomes import CHANNEL_LABELS, OUTCOME_LABELS
from census_tui.visit.states import DONE, STATE_LABELS, CaseState
from census_tui.widgets.text import T

if TYPE_CHECKING:
    from datetime import datetime

    from census_tui.screens.change_form import FormChoice
    from census_tui.visit.api import Attempt, DwellingRow, HouseholdCase, Session

M_NO_ATTEMPTS = Msg("尚无入户记录", "No attempts yet")
M_SUGGEST = Msg(
    "已两次未遇,建议改在晚上或周末:{at}", "Two no-contacts: try an evening or weekend: {at}"
)
M_RETURNED = Msg("指导员退回意见:{c}", "Returned by the supervisor: {c}")
M_ACTIONS = Msg(
    "t 记录入户 · i 出示证件 · Enter 开始登记 · d 疑虑解答 · r 名册核对 · o 重新打开 · "
    "f 更换表式 · Esc 返回",
    "t attempt · i identity · Enter interview · d doubts · r roster · o reopen · f form · Esc back",
)
M_FORM_CHANGED = Msg("已更换为{form}。", "Now on the {form}.")
M_SAME_STATE = Msg("{state} · {form}", "{state} · {form}")
LOCKED_STATES = frozenset({CaseState.SYNCED, CaseState.APPROVED})
"""A household uploaded or approved keeps its form (the supervisor returns it first)."""
REOPENING_STATES = frozenset({CaseState.SELF_CHECKED, CaseState.READ_BACK, CaseState.COMPLETED})
"""A change of form puts these back to interviewing (the read-back confirmation lapses)."""
FORM_CHOICES = tuple(FORM_LABELS)
"""The forms a household may be put on: short, long, HMT-foreign (never the death form)."""
M_REOPENED = Msg("已重新打开,核对确认失效。", "Reopened; the confirmation has lapsed.")
M_HOUSEHOLD = Msg("第{n}户 · {state} {head}", "Household {n} · {state} {head}")


def local(dt: datetime) -> str:
    """A time as the enumerator reads it (local time zone)."""
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


def attempt_text(attempt: Attempt) -> Msg:
    """One attempt in plain words, both languages."""
    out = OUTCOME_LABELS[attempt.outcome]
    zh, en = f"{local(attempt.at)} {out.zh}", f"{local(attempt.at)} {out.en}"
    if attempt.appointment_at is not None:
        zh += f" → {local(attempt.appointment_at)}"
        en += f" for {local(attempt.appointment_at)}"
    if attempt.channel is not None:
        ch = CHANNEL_LABELS[attempt.channel]
        zh += f"({ch.zh})"
        en += f" (by {ch.en})"
    if attempt.doubt:
        from census_tui.screens.attempt import DOUBTS

        doubt = DOUBTS.get(attempt.doubt, Msg(attempt.doubt, attempt.doubt))
        zh += f":{doubt.zh}"
        en += f": {doubt.en}"
    if attempt.note:
        zh += f"({attempt.note})"
        en += f" ({attempt.note})"
    if attempt.by:
        zh += f" · {attempt.by} 记录"
        en += f" · recorded by {attempt.by}"
    return Msg(zh, en)


M_SCENARIO = Msg("模拟实操 · {title}:{story}", "Practice · {title}: {story}")
M_PERFECT = Msg("练习核对:所有答案都正确。", "Practice check: every answer matches.")
M_DIFFS = Msg("练习核对:{n} 处与实际不符:", "Practice check: {n} answers differ:")
M_DIFF_ONE = Msg("练习核对:1 处与实际不符:", "Practice check: 1 answer differs:")


def practice_text(session: Session, dwelling_id: str) -> Msg | None:
    """In training: the respondent's story before the interview, the slips after it."""
    scenario = session.scenario(dwelling_id)
    if scenario is None:
        return None
    texts: list[str] = []
    for lang in LANGS:
        check = session.practice_check(dwelling_id, lang)
        if check is None:
            texts.append(
                M_SCENARIO.format(title=scenario.title(lang), story=scenario.story(lang))(lang)
            )
        elif check.perfect:
            texts.append(M_PERFECT(lang))
        else:
            n = len(check.differences)
            lines = [(M_DIFF_ONE if n == 1 else M_DIFFS.format(n=n))(lang)]
            lines += [
                f"  {d.who} {d.item_id}: {d.entered} → {d.expected}" for d in check.differences
            ]
            texts.append("\n".join(lines))
    return Msg(texts[0], texts[1])


class VisitScreen(CensusScreen):
    """Everything about one dwelling before, around and after the interview."""

    CSS_PATH = "visit.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("t", Msg("记录入户尝试/预约", "record an attempt or appointment")),
        ("i", Msg("出示证件(身份核实)", "identity presentation")),
        ("Enter", Msg("开始/继续登记(有多户时为选中的户)", "interview (the chosen household)")),
        ("↑ ↓", Msg("有多户时选择户", "choose the household when there are several")),
        ("d", Msg("疑虑解答", "doubts and replies")),
        ("o", Msg("重新打开已完成未上传的户", "reopen a completed, unsynced household")),
        (
            "f",
            Msg(
                "更换表式(短表/长表/港澳台及外籍),先列出保留和删除的答案",
                "change the form (short / long / HMT-foreign), after listing what is kept",
            ),
        ),
        ("r", Msg("名册核对(集体宿舍、工地)", "roster mode (dormitories, construction sites)")),
        ("Esc", Msg("返回列表", "back to the list")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "attempt", "attempt", show=False),
        Binding("i", "identity", "identity", show=False),
        Binding("enter", "interview", "interview", show=False),
        Binding("d", "doubts", "doubts", show=False),
        Binding("o", "reopen", "reopen", show=False),
        Binding("f", "change_form", "form", show=False),
        Binding("r", "roster", "roster", show=False),
        Binding("escape", "back", "back", show=False),
    ]

    class Loaded(Message):
        def __init__(
            self,
            attempts: list[Attempt],
            slot: datetime | None,
            practice: Msg | None,
            households: list[HouseholdCase],
        ) -> None:
            super().__init__()
            self.attempts = attempts
            self.slot = slot
            self.practice = practice
            self.households = households

    class InterviewReady(Message):
        def __init__(self, hh_uuid: str) -> None:
            super().__init__()
            self.hh_uuid = hh_uuid

    class Reopened(Message):
        def __init__(self, hh_uuid: str) -> None:
            super().__init__()
            self.hh_uuid = hh_uuid

    class FormChoices(Message):
        """What each other form would keep and drop, ready for the dialog."""

        def __init__(
            self, hh_uuid: str, current: str, choices: list[FormChoice], reopens: bool
        ) -> None:
            super().__init__()
            self.hh_uuid = hh_uuid
            self.current = current
            self.choices = choices
            self.reopens = reopens

    class FormChanged(Message):
        def __init__(self, form_id: str) -> None:
            super().__init__()
            self.form_id = form_id

    def __init__(self, row: DwellingRow) -> None:
        super().__init__()
        self.row = row
        self.attempts: list[Attempt] = []
        self.households: list[HouseholdCase] = []
        """The dwelling's households; the list to choose from shows when there are several."""

    def compose_body(self) -> ComposeResult:
        row = self.row
        yield T(
            Msg(f"{row.dwelling_id} {row.address}", f"{row.dwelling_id} {row.address}"),
            id="visit-title",
            lang=self.lang,
        )
        yield T(STATE_LABELS[row.state], id="visit-state", lang=self.lang)
        if row.returned_comment:
            yield T(M_RETURNED.format(c=row.returned_comment), id="visit-returned", lang=self.lang)
        if row.note:
            yield T(
                Msg(f"办公室备注:{row.note}", f"Office note: {row.note}"),
                id="visit-note",
                lang=self.lang,
            )
        yield T(Msg("", ""), id="visit-practice", lang=self.lang)
        yield T(Msg("", ""), id="visit-suggest", lang=self.lang)
        households = OptionList(id="visit-households")
        households.display = households.can_focus = False  # shown for several households only
        yield households
        with VerticalScroll(id="visit-attempts"):
            yield T(M_NO_ATTEMPTS, id="visit-attempt-list", lang=self.lang)
        yield T(M_ACTIONS, id="visit-actions", lang=self.lang)

    def on_mount(self) -> None:
        self.query_one("#visit-practice", T).display = False
        self._load()

    def on_screen_resume(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="visit-load")
    def _load(self) -> None:
        dwelling = self.row.dwelling_id
        attempts = self.session.attempts(dwelling)
        practice = practice_text(self.session, dwelling)
        slot = self.session.suggest_slot(dwelling)
        self.post_message(self.Loaded(attempts, slot, practice, self.session.households(dwelling)))

    def on_visit_screen_loaded(self, message: Loaded) -> None:
        self.attempts = message.attempts
        lines = [attempt_text(a) for a in message.attempts]
        text = (
            Msg("\n".join(m.zh for m in lines), "\n".join(m.en for m in lines))
            if lines
            else M_NO_ATTEMPTS
        )
        self.query_one("#visit-attempt-list", T).set_msg(text)
        practice = self.query_one("#visit-practice", T)
        practice.set_msg(message.practice or Msg("", ""))
        practice.display = message.practice is not None
        slot = message.slot
        self.query_one("#visit-suggest", T).set_msg(
            M_SUGGEST.format(at=local(slot)) if slot else Msg("", "")
        )
        self._show_households(message.households)
        self._show_state()

    def _show_state(self) -> None:
        """The dwelling's state, and the form of its household when not the short form."""
        state = STATE_LABELS[self._state(self.households)]
        mark = form_mark(self._form())
        if mark is not None:
            form = form_label(self._form())
            state = Msg(
                M_SAME_STATE.zh.format(state=state.zh, form=form.zh),
                M_SAME_STATE.en.format(state=state.en, form=form.en),
            )
        self.query_one("#visit-state", T).set_msg(state)

    def _target(self) -> HouseholdCase | None:
        """The household the state line and the form key are about: the one chosen in the
        list, else the first still needing work, else the first (None: no household yet)."""
        chosen = self._chosen()
        if chosen is not None:
            return chosen
        todo = [h for h in self.households if h.state not in DONE]
        first = todo or self.households
        return first[0] if first else None

    def _form(self) -> str:
        target = self._target()
        return target.form_id if target is not None else self.row.form_id

    def _state(self, households: list[HouseholdCase]) -> CaseState:
        """The dwelling's state now (as the dashboard shows it): its first household still
        needing work, else its first; an attempt just recorded shows at once."""
        todo = [h for h in households if h.state not in DONE]
        if todo or households:
            return (todo or households)[0].state
        return self.row.state

    def _show_households(self, households: list[HouseholdCase]) -> None:
        """Several households in the dwelling (户): list them, the one needing work chosen."""
        listing = self.query_one("#visit-households", OptionList)
        before = self._chosen()
        self.households = households
        listing.display = listing.can_focus = len(households) > 1
        if len(households) < 2:
            return
        listing.clear_options()
        listing.add_options(Option(self._household_label(h)) for h in households)
        uuids = [h.hh_uuid for h in households]
        if before is not None and before.hh_uuid in uuids:
            listing.highlighted = uuids.index(before.hh_uuid)
        else:
            todo = [i for i, h in enumerate(households) if h.state not in DONE]
            listing.highlighted = todo[0] if todo else 0
        listing.focus()

    def _household_label(self, case: HouseholdCase) -> str:
        lang = self.capp.lang
        state = STATE_LABELS[case.state](lang)
        mark = form_mark(case.form_id)
        if mark is not None:
            state = f"{mark(lang)} {state}"
        return M_HOUSEHOLD.format(n=case.hh_number, state=state, head=case.head_name)(lang)

    def refresh_view(self) -> None:
        self._show_households(self.households)
        self._show_state()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "visit-households":
            self._show_state()  # the form shown is the chosen household's

    def _chosen(self) -> HouseholdCase | None:
        """The household chosen in the list (None when the dwelling has just one)."""
        if len(self.households) < 2:
            return None
        index = self.query_one("#visit-households", OptionList).highlighted
        return self.households[index] if index is not None else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "visit-households":
            event.stop()
            self.action_interview()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_attempt(self) -> None:
        from census_tui.screens.attempt import AttemptScreen

        self.app.push_screen(AttemptScreen(self.row.dwelling_id))

    def action_identity(self) -> None:
        from census_tui.screens.identity import IdentityScreen

        self.app.push_screen(IdentityScreen(self.row.dwelling_id))

    def action_doubts(self) -> None:
        from census_tui.screens.doubts import DoubtsScreen

        self.app.push_screen(DoubtsScreen(self.row.dwelling_id))

    def action_roster(self) -> None:
        from pathlib import Path

        from census_tui.paths import home
        from census_tui.screens.roster import RosterScreen

        # the name lists beside the profiles (the demo's practice list) and where it was started
        base = getattr(self.session, "base", None) or home()
        self.app.push_screen(
            RosterScreen(
                self.session.roster(),
                self.row.dwelling_id,
                lang=self.capp.lang,
                list_dirs=(base, Path.cwd()),
                writer=self.session.writer,
            )
        )

    def action_interview(self) -> None:
        chosen = self._chosen()
        self.hold_keys()  # keys typed now are the interview's
        self._start(chosen.hh_uuid if chosen is not None else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="visit-start")
    def _start(self, hh_uuid: str | None) -> None:
        hh = self.session.start_interview(self.row.dwelling_id, hh_uuid)
        self.post_message(self.InterviewReady(hh))

    def on_visit_screen_interview_ready(self, message: InterviewReady) -> None:
        from census_tui.screens.interview import InterviewScreen

        case = next((h for h in self.households if h.hh_uuid == message.hh_uuid), None)
        state = case.state if case is not None else self.row.state
        returned = state is CaseState.RETURNED
        self.app.push_screen(
            InterviewScreen(self.row.dwelling_id, message.hh_uuid, returned=returned)
        )
        self.release_keys()

    def action_reopen(self) -> None:
        chosen = self._chosen()
        self.hold_keys()
        self._reopen(chosen.hh_uuid if chosen is not None else None)

    @work(thread=True, exclusive=True, exit_on_error=False, group="visit-start")
    def _reopen(self, chosen: str | None) -> None:
        hh_uuid = self.session.start_interview(self.row.dwelling_id, chosen)
        self.session.reopen(hh_uuid)
        self.post_message(self.Reopened(hh_uuid))

    # ------------------------------------------------------------------ the form
    def action_change_form(self) -> None:
        """``f``: the household's form, after the dialog that says what is kept and dropped.
        An uploaded or approved household keeps its form (refused here, and again by the
        session). A dwelling with no household yet changes the dwelling's form."""
        target = self._target()
        if target is not None and target.state in LOCKED_STATES:
            self.notify(self.t(FORM_LOCKED), severity="error", timeout=8)
            return
        self.hold_keys()  # keys typed now are the dialog's
        self._plan_form(target.hh_uuid if target is not None else "")

    @work(thread=True, exclusive=True, exit_on_error=False, group="visit-form")
    def _plan_form(self, hh_uuid: str) -> None:
        from census_tui.screens.change_form import FormChoice
        from census_tui.visit.dwellings import answered_items

        session = self.session
        if not hh_uuid:
            current = self.row.form_id
            choices = [FormChoice(f, (), (), 0, 0, 0) for f in FORM_CHOICES if f != current]
            self.post_message(self.FormChoices("", current, choices, False))
            return
        hh = session.household(hh_uuid)
        old = session.form_for(hh)
        choices = []
        for form_id in FORM_CHOICES:
            if form_id == old.id:
                continue
            change = session.form_change(hh_uuid, form_id)
            kept, dropped = answered_items(old, session.form_by_id(form_id), hh)
            choices.append(
                FormChoice(
                    form_id,
                    tuple(kept),
                    tuple(dropped),
                    change.kept,
                    change.dropped,
                    change.deaths_dropped,
                    len(hh.persons),
                )
            )
        state = session.households(self.row.dwelling_id)
        now = next((h.state for h in state if h.hh_uuid == hh_uuid), CaseState.LISTED)
        self.post_message(self.FormChoices(hh_uuid, old.id, choices, now in REOPENING_STATES))

    def on_visit_screen_form_choices(self, message: FormChoices) -> None:
        from census_tui.screens.change_form import ChangeFormScreen

        def chosen(form_id: object) -> None:
            if isinstance(form_id, str) and form_id:
                self._apply_form(message.hh_uuid, form_id)

        self.app.push_screen(
            ChangeFormScreen(
                message.current,
                message.choices,
                reopens=message.reopens,
                dwelling_only=not message.hh_uuid,
            ),
            chosen,
        )
        self.release_keys()

    @work(thread=True, exclusive=True, exit_on_error=False, group="visit-form")
    def _apply_form(self, hh_uuid: str, form_id: str) -> None:
        if hh_uuid:
            self.session.change_form(hh_uuid, form_id)
        else:
            self.session.change_dwelling_form(self.row.dwelling_id, form_id)
        self.post_message(self.FormChanged(form_id))

    def on_visit_screen_form_changed(self, message: FormChanged) -> None:
        from dataclasses import replace

        if not self.households:  # the dwelling's own form changed
            self.row = replace(self.row, form_id=message.form_id)
        label = form_label(message.form_id)
        done = Msg(M_FORM_CHANGED.zh.format(form=label.zh), M_FORM_CHANGED.en.format(form=label.en))
        self.notify(self.t(done))
        self._load()

    def on_visit_screen_reopened(self, message: Reopened) -> None:
        self.notify(self.t(M_REOPENED))
        self.on_visit_screen_interview_ready(self.InterviewReady(message.hh_uuid))
