"""Change a household's form (更换表式): short ↔ long ↔ HMT-foreign, after saying what is kept.

The office's sample decides who gets the long form; the enumerator changes it on site only for
a reason (the residents turn out to be from Hong Kong, Macau or Taiwan or foreigners; the office
asks for it). The dialog lists, for each other form, the answers that stay (items both forms
have: short → long keeps every answer) and those that go (→ HMT-foreign keeps little), and the
death records that go with a form that has none. Enter on a form shows that once more and asks
for a second Enter; Esc goes back, then cancels. Nothing is written here: the dialog dismisses
with the chosen form id (or None) and the visit screen makes the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.visit.dwellings import form_label
from census_tui.widgets.text import T

M_TITLE = Msg("更换表式(现为{form})", "Change the form (now: {form})")
M_HINT = Msg("↑↓ 选择表式 · Enter 更换 · Esc 取消", "↑↓ choose · Enter change · Esc cancel")
M_CONFIRM = Msg(
    "再按 Enter 确认更换为{form};Esc 返回。", "Press Enter again to change to the {form}; Esc back."
)
M_NOTHING = Msg("尚无答案,无需删除任何内容。", "Nothing is answered yet: nothing is dropped.")
M_KEEP_ALL = Msg("保留全部 {n} 个答案。", "Keeps all {n} answers.")
M_KEEP = Msg("保留 {n} 个答案:{items}", "Keeps {n} answers: {items}")
M_KEEP_NONE = Msg("不保留任何答案。", "Keeps no answers.")
M_DROP = Msg("删除 {n} 个答案:{items}", "Drops {n} answers: {items}")
M_DEATHS = Msg("删除 {n} 条死亡人口记录。", "Drops {n} death record(s).")
M_PERSONS = Msg("人员名单({n} 人)保留。", "The list of persons ({n}) stays.")
M_REOPENS = Msg(
    "该户已完成自查或核对:更换后须重新自查、核对确认。",
    "The household was self-checked or read back: after the change, check and read back again.",
)
M_DWELLING = Msg(
    "本住房单元尚无户:以后新建的户使用所选表式。",
    "No household in this dwelling yet: the households opened here will take the chosen form.",
)


@dataclass(frozen=True, slots=True)
class FormChoice:
    """One form the household could go to, and what that would do."""

    form_id: str
    kept: tuple[str, ...]
    """Item ids answered now that the change keeps (in asking order)."""
    dropped: tuple[str, ...]
    """Item ids answered now that the change drops."""
    kept_answers: int
    dropped_answers: int
    deaths_dropped: int
    persons: int = 0


def effect(choice: FormChoice, *, reopens: bool = False, dwelling_only: bool = False) -> Msg:
    """What choosing ``choice`` keeps and drops, in both languages."""
    parts: list[Msg] = []
    if dwelling_only:
        parts.append(M_DWELLING)
    elif not choice.kept_answers and not choice.dropped_answers and not choice.deaths_dropped:
        parts.append(M_NOTHING)
    else:
        if not choice.dropped_answers:
            parts.append(M_KEEP_ALL.format(n=choice.kept_answers))
        elif choice.kept_answers:
            parts.append(M_KEEP.format(n=choice.kept_answers, items=" ".join(choice.kept)))
        else:
            parts.append(M_KEEP_NONE)
        if choice.dropped_answers:
            parts.append(M_DROP.format(n=choice.dropped_answers, items=" ".join(choice.dropped)))
    if choice.deaths_dropped:
        parts.append(M_DEATHS.format(n=choice.deaths_dropped))
    if choice.persons and choice.dropped_answers:
        parts.append(M_PERSONS.format(n=choice.persons))
    if reopens and not dwelling_only:
        parts.append(M_REOPENS)
    return Msg("\n".join(p.zh for p in parts), "\n".join(p.en for p in parts))


class ChangeFormScreen(CensusModal):
    """Choose the household's new form; dismisses with its id, or None (nothing changes)."""

    CSS_PATH = "change_form.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("↑ ↓", Msg("选择表式,下方列出保留和删除的答案", "choose a form: what it keeps and drops")),
        ("Enter", Msg("更换(再按一次确认)", "change (press again to confirm)")),
        ("Esc", Msg("返回 / 取消", "back / cancel")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "back", show=False)]

    def __init__(
        self,
        current: str,
        choices: list[FormChoice],
        *,
        reopens: bool = False,
        dwelling_only: bool = False,
    ) -> None:
        super().__init__()
        self.current = current
        self.choices = choices
        self.reopens = reopens
        self.dwelling_only = dwelling_only
        self.armed: FormChoice | None = None
        """The form chosen with a first Enter, waiting for the second."""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="change-form-box"):
            title = form_label(self.current)
            yield T(
                Msg(M_TITLE.zh.format(form=title.zh), M_TITLE.en.format(form=title.en)),
                id="change-form-title",
                lang=self.lang,
            )
            yield OptionList(id="change-form-list")
            yield T(Msg("", ""), id="change-form-effect", lang=self.lang)
            yield T(M_HINT, id="change-form-hint", lang=self.lang)

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        self._fill()
        listing.highlighted = 0
        listing.focus()
        self._show(0)

    def refresh_view(self) -> None:
        highlighted = self.query_one(OptionList).highlighted
        self._fill()
        self.query_one(OptionList).highlighted = highlighted
        self._show(highlighted or 0)

    def _fill(self) -> None:
        listing = self.query_one(OptionList)
        listing.clear_options()
        listing.add_options(Option(form_label(c.form_id)(self.capp.lang)) for c in self.choices)

    def _show(self, index: int) -> None:
        if not 0 <= index < len(self.choices):
            return
        choice = self.choices[index]
        text = effect(choice, reopens=self.reopens, dwelling_only=self.dwelling_only)
        self.query_one("#change-form-effect", T).set_msg(text)
        hint = M_HINT
        if self.armed is choice:
            label = form_label(choice.form_id)
            hint = Msg(M_CONFIRM.zh.format(form=label.zh), M_CONFIRM.en.format(form=label.en))
        self.query_one("#change-form-hint", T).set_msg(hint)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.armed = None
        self._show(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option_index)

    def _choose(self, index: int) -> None:
        choice = self.choices[index]
        if self.armed is choice:
            self.dismiss(choice.form_id)
            return
        self.armed = choice
        self._show(index)

    def action_back(self) -> None:
        if self.armed is not None:
            self.armed = None
            index = self.query_one(OptionList).highlighted
            self._show(index or 0)
            return
        self.dismiss(None)
