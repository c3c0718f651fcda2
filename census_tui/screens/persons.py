"""The household's person list (按人填报): add, edit, remove, reorder so the head comes first;
the household's death records (死亡人口调查表) follow the persons, marked 死亡 / died.

Persons and death records are kept by UUID (findings and confirmations name UUIDs, never
positions), so reordering is safe. Dismisses with a position for the interview to jump to, or
None.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.screens.base import CensusModal
from census_tui.visit import flow
from census_tui.visit.readback import display_value
from census_tui.widgets.text import T

if TYPE_CHECKING:
    from census_tui.model import Value
    from census_tui.questionnaire.form import Form

M_TITLE = Msg(
    "人员列表 · a 添加 · Enter 编辑 · Del 删除 · K/J 上移/下移 · Esc 返回",
    "Persons · a add · Enter edit · Del remove · K/J move up/down · Esc back",
)
M_UNNAMED = Msg("(未填姓名)", "(no name yet)")
M_REMOVE = Msg("再按一次 Del 删除此人", "Press Del again to remove this person")
M_REMOVE_DEATH = Msg("再按一次 Del 删除这条死亡记录", "Press Del again to remove this death record")
M_DIED = Msg("死亡", "died")


class PersonsScreen(CensusModal):
    """Persons in order with their relationship to the head."""

    CSS_PATH = "persons.tcss"
    KEYS_HELP: ClassVar[list[tuple[str, Msg]]] = [
        ("a", Msg("添加一人", "add a person")),
        ("d", Msg("添加一条死亡人口记录", "add a death record")),
        ("Enter", Msg("编辑此人", "edit this person")),
        ("Del", Msg("删除(按两次)", "remove (press twice)")),
        ("K / J", Msg("上移 / 下移(户主排第一)", "move up / down (head first)")),
        ("Esc", Msg("返回", "back")),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", show=False),
        Binding("d", "add_death", show=False),
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
        """Persons, then death records, in list order."""
        self.persons = 0
        """How many of :attr:`uuids` are persons (the rest are death records)."""
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
        form = self.session.form_for(hh)
        lang = self.capp.lang
        listing = self.query_one(OptionList)
        keep = listing.highlighted if select is None else select
        listing.clear_options()
        self.uuids = []
        shown = ("relationship",)
        for n, person in enumerate(hh.persons, start=1):
            name = flow.record_name(form, hh, person.uuid) or M_UNNAMED(lang)
            extra = _roles(form.roles, shown, form, person.answers, lang)
            listing.add_option(Option(f"{n}. {name}  {extra}".rstrip()))
            self.uuids.append(person.uuid)
        self.persons = len(self.uuids)
        for n, record in enumerate(hh.deaths, start=1):
            name = flow.record_name(form, hh, record.uuid) or M_UNNAMED(lang)
            extra = _roles(form.death_roles, ("sex", "death"), form, record.answers, lang)
            listing.add_option(Option(f"{M_DIED(lang)} {n}. {name}  {extra}".rstrip()))
            self.uuids.append(record.uuid)
        if self.uuids:
            listing.highlighted = min(keep or 0, len(self.uuids) - 1)

    def _current(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return None if index is None or index >= len(self.uuids) else self.uuids[index]

    def _start(self, uuid: str) -> tuple[str, str]:
        hh = self.session.household(self.hh_uuid)
        return flow.record_start(self.session.form_for(hh), hh, uuid)

    def on_option_list_option_selected(self) -> None:
        person = self._current()
        if person is not None:
            self.dismiss(self._start(person))

    def action_add(self) -> None:
        self._add(death=False)

    def action_add_death(self) -> None:
        if self.session.form_for(self.hh_uuid).death_items:
            self._add(death=True)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _add(self, *, death: bool) -> None:
        add = self.session.add_death if death else self.session.add_person
        self.post_message(self.Added(add(self.hh_uuid)))

    def on_persons_screen_added(self, message: Added) -> None:
        self.dismiss(self._start(message.person_uuid))

    def action_remove(self) -> None:
        person = self._current()
        index = self.query_one(OptionList).highlighted
        if person is None or index is None:
            return
        death = index >= self.persons
        if self.armed != person:
            self.armed = person
            self.notify(self.t(M_REMOVE_DEATH if death else M_REMOVE), severity="warning")
            return
        self.armed = None
        try:
            if death:
                self.session.remove_death(self.hh_uuid, person)
            else:
                self.session.remove_person(self.hh_uuid, person)
        except CensusError as err:
            self.capp.report_failure(err)
        self._fill()

    def action_move(self, step: int) -> None:
        person = self._current()
        index = self.query_one(OptionList).highlighted
        if person is None or index is None or index >= self.persons:
            return  # death records keep their order: only persons are put head first
        target = max(0, min(self.persons - 1, index + step))
        if target == index:
            return
        try:
            self.session.move_person(self.hh_uuid, person, target)
        except CensusError as err:
            self.capp.report_failure(err)
        self._fill(select=target)

    def action_back(self) -> None:
        self.dismiss(None)


def _roles(
    roles: Mapping[str, str],
    which: tuple[str, ...],
    form: Form,
    answers: Mapping[str, Value],
    lang: Lang,
) -> str:
    """The answers of some roles (relationship; a death record's sex and month of death) as
    words, for the list line."""
    out = []
    for role in which:
        item_id = roles.get(role)
        if item_id is None or not form.has_item(item_id) or item_id not in answers:
            continue
        out.append(display_value(form.item(item_id), answers[item_id], lang))
    return " ".join(out)
