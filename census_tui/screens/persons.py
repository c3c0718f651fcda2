"""The household's person list (按人填报): add, edit, remove, reorder so the head comes first.

Persons are kept by UUID (findings and confirmations name UUIDs, never positions), so
reordering is safe. Dismisses with a position for the interview to jump to, or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from census_tui.errors import CensusError
from census_tui.i18n import Msg
from census_tui.screens.base import CensusModal
from census_tui.widgets.text import T

M_TITLE = Msg(
    "人员列表 · a 添加 · Enter 编辑 · Del 删除 · K/J 上移/下移 · Esc 返回",
    "Persons · a add · Enter edit · Del remove · K/J move up/down · Esc back",
)
M_UNNAMED = Msg("(未填姓名)", "(no name yet)")
M_REMOVE = Msg("再按一次 Del 删除此人", "Press Del again to remove this person")


class PersonsScreen(CensusModal):
    """Persons in order with their relationship to the head."""

    CSS_PATH = "persons.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("a", Msg("添加一人", "add a person")),
        ("Enter", Msg("编辑此人", "edit this person")),
        ("Del", Msg("删除(按两次)", "remove (press twice)")),
        ("K / J", Msg("上移 / 下移(户主排第一)", "move up / down (head first)")),
        ("Esc", Msg("返回", "back")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", show=False),
        Binding("delete,x", "remove", show=False),
        Binding("k,shift+up", "move(-1)", show=False),
        Binding("j,shift+down", "move(1)", show=False),
        Binding("escape", "back", show=False),
    ]

    class Added(Message):
        def __init__(self, person_uuid: str) -> None:
            super().__init__()
            self.person_uuid = person_uuid

    def __init__(self, hh_uuid: str) -> None:
        super().__init__()
        self.hh_uuid = hh_uuid
        self.uuids: list[str] = []
        self.armed: str | None = None

    def compose_body(self) -> ComposeResult:
        yield T(M_TITLE, id="persons-title", lang=self.lang)
        yield OptionList(id="persons-list")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(OptionList).focus()

    def refresh_view(self) -> None:
        self._fill()

    def _fill(self, select: int | None = None) -> None:
        hh = self.session.household(self.hh_uuid)
        form = self.session.form
        relationship = form.item("D2")
        lang = self.capp.lang
        listing = self.query_one(OptionList)
        keep = listing.highlighted if select is None else select
        listing.clear_options()
        self.uuids = []
        for n, person in enumerate(hh.persons, start=1):
            name = str(person.answers.get("D1", "")) or M_UNNAMED(lang)
            rel = person.answers.get("D2")
            rel_text = relationship.code_label(rel, lang) if isinstance(rel, int) else ""
            listing.add_option(Option(f"{n}. {name}  {rel_text or ''}"))
            self.uuids.append(person.uuid)
        if self.uuids:
            listing.highlighted = min(keep or 0, len(self.uuids) - 1)

    def _current(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return None if index is None or index >= len(self.uuids) else self.uuids[index]

    def on_option_list_option_selected(self) -> None:
        person = self._current()
        if person is not None:
            self.dismiss((person, self.session.form.person_items[0].id))

    def action_add(self) -> None:
        self._add()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _add(self) -> None:
        self.post_message(self.Added(self.session.add_person(self.hh_uuid)))

    def on_persons_screen_added(self, message: Added) -> None:
        self.dismiss((message.person_uuid, self.session.form.person_items[0].id))

    def action_remove(self) -> None:
        person = self._current()
        if person is None:
            return
        if self.armed != person:
            self.armed = person
            self.notify(self.t(M_REMOVE), severity="warning")
            return
        self.armed = None
        try:
            self.session.remove_person(self.hh_uuid, person)
        except CensusError as err:
            self.capp.report_failure(err)
        self._fill()

    def action_move(self, step: int) -> None:
        person = self._current()
        index = self.query_one(OptionList).highlighted
        if person is None or index is None:
            return
        target = max(0, min(len(self.uuids) - 1, index + step))
        if target == index:
            return
        try:
            self.session.move_person(self.hh_uuid, person, target)
        except CensusError as err:
            self.capp.report_failure(err)
        self._fill(select=target)

    def action_back(self) -> None:
        self.dismiss(None)
