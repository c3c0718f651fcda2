"""Bilingual text widgets: they remember their Msg and re-render when the language changes."""

from __future__ import annotations

from typing import Any, cast

from textual._context import active_app
from textual.css.styles import RulesMap
from textual.widgets import Button, Static

from census_tui.i18n import Msg


def lang_of(widget: Any) -> str:
    return str(getattr(widget.app, "lang", "zh"))


def initial_text(msg: Msg) -> str:
    """The Msg in the language of the app being composed (Chinese outside an app). Widgets start
    with their final text, so the first frame is already right: no second layout and paint
    after mounting (the start-up benchmark waits for that frame)."""
    app = active_app.get(None)
    return msg.en if getattr(app, "lang", "zh") == "en" else msg.zh


class T(Static):
    """A label whose text is a :class:`Msg` (optionally formatted) in the app's language."""

    def __init__(self, msg: Msg, **kw: Any) -> None:
        super().__init__(initial_text(msg), markup=False, **kw)
        self.msg = msg

    def on_mount(self) -> None:
        self.relabel()

    def set_msg(self, msg: Msg) -> None:
        self.msg = msg
        self.relabel()

    def relabel(self) -> None:
        """Show the Msg in the app's language. Unchanged text is not redrawn, and a new text
        that keeps the widget's height repaints only this widget: the screen's layout pass
        (every widget re-arranged and redrawn) is the main cost of a keystroke (issue 5 §12)."""
        text = self.msg.zh if lang_of(self) == "zh" else self.msg.en
        if text == self.content:
            return
        if not self.is_mounted or not self.size:
            self.update(text)
            return
        self.update(text, layout=False)
        width, height = self.styles.width, self.styles.height
        if width is not None and width.is_auto:
            self.refresh(layout=True)
        elif height is None or height.is_auto:
            region = self.content_region
            if self.visual.get_height(cast(RulesMap, self.styles), region.width) != region.height:
                self.refresh(layout=True)


class TButton(Button):
    """A button whose label is a :class:`Msg`."""

    def __init__(self, msg: Msg, **kw: Any) -> None:
        super().__init__(initial_text(msg), **kw)
        self.msg = msg

    def on_mount(self) -> None:
        self.relabel()

    def relabel(self) -> None:
        self.label = self.msg.zh if lang_of(self) == "zh" else self.msg.en


class TrainingBanner(Static):
    """培训模式 on every screen of a training session: practice data never mixes with real."""

    DEFAULT_CSS = """
    TrainingBanner { dock: top; height: 1; width: 100%; background: $warning; color: black;
                     text-style: bold; content-align: center middle; }
    """

    def __init__(self) -> None:
        super().__init__("培训模式 TRAINING", markup=False)
