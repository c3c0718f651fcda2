"""The short person items of one roster entry, filled inline from the roster grid (issue 7).

D1 and D3-D12 of the short form (docs/form.md), pre-filled from the list (sex and birth month
derived from the ID number where the list lacked them). D2 is not asked: in a collective
household the first person is the 户主 and everyone else 9 (FACTS §7.2 R-01/R-04), which the
roster service keeps. Items that do not apply (D11 under 3, D9/D10 when D8 = 5 …) are hidden as
the answers change, exactly as the interview's walker says. Each field is parsed by the
questionnaire and checked as typed (``check_field``: format, ID number, D3/D4/D5 agreement);
findings show under the form. Save dismisses with the changed answers only (None clears an
item that no longer applies); the roster screen writes them through the roster service.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from census_tui.errors import BadInput, CensusError
from census_tui.i18n import Lang, Msg
from census_tui.model import Household, Person, Value
from census_tui.questionnaire.answers import parse_answer
from census_tui.questionnaire.form import Form, Item
from census_tui.questionnaire.walker import person_items
from census_tui.roster.state import RosterEntry
from census_tui.validation.engine import check_field

NOT_ASKED = frozenset({"D2"})
"""Collective household: D2 follows R-01/R-04 (roster service), never typed here."""
MAX_CODE_HINT = 10
"""Code lists longer than this (D6's 58 groups) get no inline hint: type the code or name."""


def shown(value: Value | None) -> str:
    return "" if value is None else str(value)


def code_hint(item: Item, lang: Lang) -> str:
    if item.type != "code" or len(item.codes) > MAX_CODE_HINT:
        return ""
    return " ".join(f"{c.value} {c.label(lang)}" for c in item.codes)


class PersonItemsDialog(ModalScreen[dict[str, Value | None] | None]):
    """Edit one present person's short items; dismisses with the changes or None."""

    CSS_PATH = "roster_person.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "取消/cancel"),
        Binding("ctrl+s", "save", "保存/save"),
    ]

    def __init__(self, entry: RosterEntry, lang: Lang, form: Form) -> None:
        super().__init__()
        self.entry = entry
        self.lang: Lang = lang
        self.form = form
        self.items = [i for i in self.form.person_items if i.id not in NOT_ASKED]
        self.values: dict[str, Value] = dict(entry.answers)
        """The answers as typed so far (parsed); the fields' text is the truth on save."""

    def _t(self, msg: Msg) -> str:
        return msg(self.lang)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="person-form"):
            yield Static(
                self._t(Msg("个人项目:", "Person items: ")) + self.entry.name, id="person-title"
            )
            for item in self.items:
                with Horizontal(classes="person-row", id=f"row-{item.id}"):
                    yield Label(f"{item.id} {item.label(self.lang)}", classes="person-label")
                    yield Input(
                        shown(self.entry.answers.get(item.id)),
                        placeholder=code_hint(item, self.lang),
                        id=f"item-{item.id}",
                        classes="person-input",
                    )
            yield Static(id="person-findings")
            with Horizontal(id="person-buttons"):
                yield Button(self._t(Msg("保存 Ctrl+S", "Save Ctrl+S")), id="person-save")
                yield Button(self._t(Msg("取消 Esc", "Cancel Esc")), id="person-cancel")

    def on_mount(self) -> None:
        self.apply_universe()
        self.query_one(f"#item-{self.items[0].id}", Input).focus()

    # ------------------------------------------------------------------ as typed
    def applicable(self) -> set[str]:
        """Item ids that apply given the answers so far (the interview's walker)."""
        uuid = self.entry.person_uuid or self.entry.uuid
        hh = Household(uuid="", persons=[Person(uuid, dict(self.values))])
        return {i.id for i in person_items(self.form, hh, uuid)}

    def apply_universe(self) -> None:
        ok = self.applicable()
        for item in self.items:
            self.query_one(f"#row-{item.id}").display = item.id in ok

    @on(Input.Changed, ".person-input")
    def _changed(self, event: Input.Changed) -> None:
        item_id = (event.input.id or "").removeprefix("item-")
        item = self.form.item(item_id)
        findings = self.query_one("#person-findings", Static)
        text = event.value.strip()
        if not text:
            self.values.pop(item_id, None)
            findings.update("")
            self.apply_universe()
            return
        try:
            value = parse_answer(item, text)
        except CensusError as exc:
            findings.update(f"{item_id}: {exc.msg(self.lang)}")
            return
        self.values[item_id] = value
        uuid = self.entry.person_uuid or self.entry.uuid
        found = check_field(item_id, value, person=Person(uuid, dict(self.values)))
        findings.update(
            "\n".join(f"{f.rule_id} {f.severity.value}: {f.message(self.lang)}" for f in found)
        )
        self.apply_universe()

    # ------------------------------------------------------------------ saving
    def changes(self) -> dict[str, Value | None]:
        """Parse every applicable field; :class:`CensusError` names the first bad one."""
        ok = self.applicable()
        out: dict[str, Value | None] = {}
        for item in self.items:
            old = self.entry.answers.get(item.id)
            text = self.query_one(f"#item-{item.id}", Input).value.strip()
            new: Value | None = None
            if item.id in ok and text:
                try:
                    new = parse_answer(item, text)
                except CensusError as exc:
                    m = exc.msg
                    raise BadInput(Msg(f"{item.id}:{m.zh}", f"{item.id}: {m.en}")) from None
            if new != old:
                out[item.id] = new
        return out

    def action_save(self) -> None:
        try:
            out = self.changes()
        except CensusError as exc:
            self.query_one("#person-findings", Static).update(exc.msg(self.lang))
            return
        self.dismiss(out)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#person-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#person-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, ".person-input")
    def _next_field(self) -> None:
        self.focus_next(Input)
