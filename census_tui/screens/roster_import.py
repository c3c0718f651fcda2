"""Import an employer's name list from the roster screen (issue 7): the TUI's ``roster import``.

A list to pick (the name lists found in the data directory, where the demo puts its practice
list, and the current directory) or a path typed, an optional encoding override (blank:
detected among UTF-8, UTF-8 with BOM and GB18030), then a preview: counts of good and bad rows
and every error and warning by line and code (never a person's data), scrollable. The user
imports all rows (refused while any row is bad: all or nothing), only the good ones, replaces a
list imported before (people already marked are kept), or cancels. Reading, checking and storing
run in thread workers; the dialog dismisses with the :class:`ImportResult`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from census_tui.errors import CensusError
from census_tui.i18n import Lang, Msg
from census_tui.roster.checks import Level
from census_tui.roster.files import name_lists
from census_tui.roster.preview import RosterPreview, read_roster_file
from census_tui.roster.service import ImportResult

if TYPE_CHECKING:
    from census_tui.screens.roster import RosterBackend

LEVEL_WORDS = {
    Level.ERROR: Msg("错误", "error"),
    Level.WARNING: Msg("提醒", "warning"),
}


def preview_summary(preview: RosterPreview, lang: Lang) -> str:
    """Counts, then every error and every warning by line and code (no personal data): a
    formula cell or a duplicate is a warning the user must be able to see before importing."""
    s = preview.summary()
    head = Msg(
        "编码 {enc} · 共 {rows} 行 · 正确 {good} · 错误 {bad} · 重复 {dup}",
        "encoding {enc} · {rows} rows · good {good} · bad {bad} · duplicates {dup}",
    ).format(enc=s["encoding"], rows=s["rows"], good=s["good"], bad=s["bad"], dup=s["duplicates"])
    lines = [head(lang)]
    for level in (Level.ERROR, Level.WARNING):
        for line, issue in preview.issues(level):
            where = Msg("第 {n} 行", "line {n}").format(n=line)(lang)
            word = LEVEL_WORDS[level](lang)
            lines.append(f"  {where} {word} {issue.code}: {issue.message(lang)}")
    return "\n".join(lines)


class ImportDialog(ModalScreen[ImportResult | None]):
    """Choose a list, see its preview, import it (all or only the good rows) or cancel."""

    CSS_PATH = "roster_import.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "取消/cancel")]

    def __init__(
        self,
        backend: RosterBackend,
        dwelling_id: str,
        lang: Lang,
        *,
        list_dirs: tuple[Path, ...] = (),
        has_roster: bool = False,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.dwelling_id = dwelling_id
        self.lang: Lang = lang
        self.preview: RosterPreview | None = None
        self.lists = name_lists(list_dirs)
        """Name lists found on the device, offered to pick (newest first)."""
        self.has_roster = has_roster
        """A list was imported before: offer to replace it."""

    def _t(self, msg: Msg) -> str:
        return msg(self.lang)

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label(self._t(Msg("导入名册(CSV)", "Import a name list (CSV)")))
            if self.lists:
                yield Label(
                    self._t(Msg("本机上的名册(回车选用):", "Lists on this device (Enter picks):"))
                )
                yield OptionList(
                    *(Option(p.name, id=str(i)) for i, p in enumerate(self.lists)),
                    id="import-files",
                )
            yield Input(
                placeholder=self._t(Msg("或输入文件路径", "or type the file's path")),
                id="import-path",
            )
            yield Input(
                placeholder=self._t(Msg("编码(留空自动识别)", "encoding (blank: detect)")),
                id="import-encoding",
            )
            with VerticalScroll(id="import-scroll"):
                yield Static(
                    self._t(Msg("按回车预览。", "Press Enter to preview.")), id="import-summary"
                )
            with Horizontal(id="import-buttons"):
                yield Button(self._t(Msg("预览", "Preview")), id="import-preview")
                yield Button(self._t(Msg("全部导入", "Import all")), id="import-all", disabled=True)
                yield Button(
                    self._t(Msg("只导入正确行", "Only good rows")), id="import-good", disabled=True
                )
                replace = Button(
                    self._t(Msg("替换原名册", "Replace the list")),
                    id="import-replace",
                    disabled=True,
                )
                replace.display = self.has_roster
                yield replace
                yield Button(self._t(Msg("取消", "Cancel")), id="import-cancel")

    def on_mount(self) -> None:
        width, height = self.app.size
        # a handheld: no borders, one-line fields and buttons, so the buttons stay on screen
        self.set_class(width < 60 or height < 20, "-compact")
        if self.lists:
            self.query_one("#import-files", OptionList).focus()
        else:
            self.query_one("#import-path", Input).focus()

    @on(OptionList.OptionSelected, "#import-files")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        """A list picked: its path goes in the path field and its preview is read."""
        path = self.lists[int(event.option.id or 0)]
        self.query_one("#import-path", Input).value = str(path)
        self.action_preview()

    def say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(text)

    # ------------------------------------------------------------------ preview
    @on(Input.Submitted)
    @on(Button.Pressed, "#import-preview")
    def action_preview(self) -> None:
        path = self.query_one("#import-path", Input).value.strip()
        if not path:
            self.say(self._t(Msg("请填写文件路径。", "Enter the file's path.")))
            return
        encoding = self.query_one("#import-encoding", Input).value.strip() or None
        self.preview = None
        self._buttons()
        self.say(self._t(Msg("正在读取和检查…", "Reading and checking…")))
        self._read(Path(path).expanduser(), encoding)

    @work(thread=True, exclusive=True, group="roster-import")
    def _read(self, path: Path, encoding: str | None) -> None:
        try:
            registered = self.backend.registered_ids(self.dwelling_id)
            preview = read_roster_file(path, encoding=encoding, registered=registered)
        except CensusError as exc:
            self.app.call_from_thread(self.say, exc.msg(self.lang))
            return
        self.app.call_from_thread(self._previewed, preview)

    def _previewed(self, preview: RosterPreview) -> None:
        self.preview = preview
        self.say(preview_summary(preview, self.lang))
        self._buttons()

    def _buttons(self) -> None:
        p = self.preview
        self.query_one("#import-all", Button).disabled = p is None or bool(p.bad)
        self.query_one("#import-good", Button).disabled = p is None or not p.good
        self.query_one("#import-replace", Button).disabled = p is None or not p.good

    # ------------------------------------------------------------------ import
    @on(Button.Pressed, "#import-all")
    def _all(self) -> None:
        self.start_import(only_good=False)

    @on(Button.Pressed, "#import-good")
    def _good(self) -> None:
        self.start_import(only_good=True)

    @on(Button.Pressed, "#import-replace")
    def _replace(self) -> None:
        """The corrected list's good rows take the place of the people not yet verified."""
        self.start_import(only_good=True, replace=True)

    def start_import(self, *, only_good: bool, replace: bool = False) -> None:
        if self.preview is None:
            return
        for button in ("#import-all", "#import-good", "#import-replace"):
            self.query_one(button, Button).disabled = True
        self.say(self._t(Msg("正在导入…", "Importing…")))
        self._store(self.preview, only_good, replace)

    @work(thread=True, exclusive=True, group="roster-import")
    def _store(self, preview: RosterPreview, only_good: bool, replace: bool) -> None:
        try:
            result = self.backend.import_preview(
                self.dwelling_id, preview, only_good=only_good, replace=replace
            )
        except CensusError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self.dismiss, result)

    def _failed(self, exc: CensusError) -> None:
        self.say(exc.msg(self.lang))
        self._buttons()

    @on(Button.Pressed, "#import-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
