"""Textual's public API only, outside ``census_tui/tui_compat.py``: a scan of the sources.

Every ``.py`` file under ``census_tui/``, ``tests/`` and ``bench/`` is parsed (``ast``), and any of
these fails the test, with file and line:

* an import of a private Textual module or name (``textual._context``, ``from textual import
  _time``, ``from textual.widgets._toast import ToastRack``);
* an attribute whose name is a private member of a Textual class the app builds on (``App``,
  ``Screen``, ``Widget``, ``Input``, ``Timer``…: their methods and ``self._…`` attributes, read
  from Textual's own source), read, set or defined (an override), or named in a string to
  ``getattr``/``setattr``/``monkeypatch.setattr``;
* a handler or reactive hook in Textual's private form (``_on_…``, ``_watch_…``) in a class
  derived from Textual's, or a public-looking hook on a private reactive
  (``watch__cursor_visible``).

Names of our own that happen to match (an attribute called ``_text`` on a widget) are caught
too: on a Textual subclass they would silently replace Textual's.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("census_tui", "tests", "bench")
ALLOWED = {ROOT / "census_tui" / "tui_compat.py"}
"""The one module that may use private Textual names (each listed and tested there)."""
HOOK_PREFIXES = ("watch__", "validate__", "compute__")
"""Public-looking hooks on a private reactive."""
PRIVATE_HOOKS = ("_watch_", "_validate_", "_compute_", "_on_", "_action_")
"""Textual's private forms of handlers and reactive hooks, in a class derived from Textual's."""


def _classes_built_on() -> list[type]:
    from textual import events, message, message_pump, pilot, reactive
    from textual.app import App
    from textual.containers import Horizontal, Vertical, VerticalScroll
    from textual.dom import DOMNode
    from textual.screen import ModalScreen, Screen
    from textual.scroll_view import ScrollView
    from textual.timer import Timer
    from textual.widget import Widget
    from textual.widgets import Button, DataTable, Input, OptionList, ProgressBar, Static

    return [
        App, Screen, ModalScreen, Widget, DOMNode, ScrollView, Static, Button, Input, DataTable,
        OptionList, ProgressBar, Horizontal, Vertical, VerticalScroll, Timer, pilot.Pilot,
        message.Message, message_pump.MessagePump, events.Key, events.Event, reactive.Reactive,
    ]  # fmt: skip


def _private_members(cls: type) -> set[str]:
    """Private names a Textual class defines: methods, class attributes, ``self._x``."""
    names = {n for n in vars(cls) if n.startswith("_") and not n.endswith("__")}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in ("self", "cls") and is_private(node.attr):
                names.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(node.name):
            names.add(node.name)
    return names


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


@cache
def textual_private() -> frozenset[str]:
    """Private members of the Textual classes the app builds on, and of all their bases."""
    seen: set[type] = set()
    names: set[str] = set()
    for cls in _classes_built_on():
        for base in cls.__mro__:
            if base not in seen and base.__module__.startswith(("textual", "rich")):
                seen.add(base)
                names |= _private_members(base)
    return frozenset(names)


def _private_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "textual" and any(p.startswith("_") for p in parts[1:])


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Subscript):  # Screen[None]
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


class Scan:
    """The scanned sources' classes, to tell which of them derive from Textual's (and from
    which), across modules: ``WindowTable(CursorView)`` is a ``ScrollView``."""

    def __init__(self, trees: dict[str, ast.Module]) -> None:
        self.trees = trees
        self.bases: dict[str, list[tuple[str, dict[str, str]]]] = {}
        for tree in trees.values():
            imported = self.textual_imports(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    names = [_base_name(b) for b in node.bases]
                    self.bases.setdefault(node.name, []).append(("|".join(names), imported))

    @staticmethod
    def textual_imports(tree: ast.Module) -> dict[str, str]:
        """Local name -> ``module:name`` of each name imported from a Textual module."""
        found = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                for alias in node.names:
                    found[alias.asname or alias.name] = f"{node.module}:{alias.name}"
        return found

    def textual_bases(
        self, names: list[str], imported: dict[str, str], depth: int = 0
    ) -> set[type]:
        """The Textual classes that classes with these base names derive from."""
        import importlib

        found: set[type] = set()
        for name in names:
            if name in imported:
                module, attr = imported[name].split(":")
                value = getattr(importlib.import_module(module), attr, None)
                if isinstance(value, type):
                    found.add(value)
            elif name in self.bases and depth < 10:
                for bases, their_imports in self.bases[name]:
                    found |= self.textual_bases(bases.split("|"), their_imports, depth + 1)
        return found


def _private_of(classes: set[type]) -> set[str]:
    names: set[str] = set()
    for cls in classes:
        for base in cls.__mro__:
            if base.__module__.startswith("textual"):
                names |= _cached_members(base)
    return names


@cache
def _cached_members(cls: type) -> frozenset[str]:
    return frozenset(_private_members(cls))


def _own_names(tree: ast.Module) -> set[str]:
    """Private names a module defines itself (``self._x = …``, ``def _x``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and is_private(node.name):
            names.add(node.name)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
        ):
            names.add(node.attr)
    return names


def violations(source: str, where: str = "<snippet>", scan: Scan | None = None) -> Iterator[str]:
    """Each use of a private Textual name in ``source``, as ``where:line: what``."""
    tree = ast.parse(source)
    scan = scan or Scan({where: tree})
    imported = Scan.textual_imports(tree)
    outside = textual_private() - _own_names(tree)
    in_class: dict[ast.AST, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            names = [_base_name(b) for b in node.bases]
            private = _private_of(scan.textual_bases(names, imported))
            for child in ast.walk(node):
                in_class[child] = private
    for node in ast.walk(tree):
        line = f"{where}:{getattr(node, 'lineno', 0)}"
        private = in_class.get(node, set())
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _private_module(alias.name):
                    yield f"{line}: imports {alias.name}"
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
            module = node.module or ""
            if _private_module(module):
                yield f"{line}: imports from {module}"
            for alias in node.names:
                if is_private(alias.name):
                    yield f"{line}: imports {module}.{alias.name}"
        elif isinstance(node, ast.Attribute) and is_private(node.attr):
            on_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            on_super = isinstance(node.value, ast.Call) and _base_name(node.value.func) == "super"
            if node.attr in (private if on_self or on_super else outside | private):
                yield f"{line}: uses .{node.attr}"
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name in private:
                yield f"{line}: defines {node.name} (Textual's own)"
            elif node in in_class and private and node.name.startswith(PRIVATE_HOOKS):
                yield f"{line}: defines {node.name} (Textual's private hook form)"
            elif node.name.startswith(HOOK_PREFIXES):
                yield f"{line}: defines {node.name} (a hook on a private reactive)"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("getattr", "setattr", "hasattr", "delattr"):
                for arg in node.args[1:2]:
                    if isinstance(arg, ast.Constant) and arg.value in textual_private():
                        yield f"{line}: {name}(…, {arg.value!r})"


def sources() -> Iterator[Path]:
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            if path not in ALLOWED:
                yield path


def test_no_private_textual_name_outside_tui_compat() -> None:
    texts = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in sources()}
    scan = Scan({where: ast.parse(text) for where, text in texts.items()})
    found = [v for where, text in texts.items() for v in violations(text, where, scan)]
    assert not found, "private Textual names (use the public API):\n" + "\n".join(found)


PRELUDE = (
    "from textual.app import App\n"
    "from textual.screen import Screen\n"
    "from textual.timer import Timer\n"
    "from textual.widget import Widget\n"
    "from textual.widgets import Input\n"
)


@pytest.mark.parametrize(
    "snippet",
    [
        "from textual._context import active_app",
        "from textual import _time",
        "import textual._time",
        "from textual.widgets._toast import ToastRack",
        "app.screen._compositor.render_update(full=True)",
        "x = app._background_screens",
        "class A(App):\n    def _handle_exception(self, error): pass",
        "class A(App):\n    def _refresh_notifications(self): pass",
        "class S(Screen):\n    def _extend_compose(self, widgets): pass",
        "class I(Input):\n    def _watch_value(self, value): pass",
        "class I(Input):\n    async def _on_key(self, event): pass",
        "class I(Input):\n    def watch__cursor_visible(self): pass",
        "class I(Input):\n    def _watch__cursor_visible(self): pass",
        "class I(Input):\n    def _on_paste(self, event): pass",
        "class T(Timer):\n    async def _run(self): pass",
        "class S(Screen):\n    @property\n    def _update_timer(self): pass",
        "class A(App):\n    def crash(self): self._return_code = 1",
        "class A(App):\n    def crash(self, x): self._exit_renderables.append(x)",
        "app._exception = error",
        "monkeypatch.setattr(Screen, '_refresh_layout', spy)",
        "class W(Widget):\n    def _set_dirty(self, *regions): pass",
    ],
)
def test_the_scan_catches(snippet: str) -> None:
    assert list(violations(PRELUDE + snippet)), snippet


def test_the_scan_leaves_public_use_and_own_names_alone() -> None:
    source = (
        "from textual.app import App\n"
        "class A(App):\n"
        "    def on_key(self, event): self.exit(return_code=1)\n"
        "    def _own_helper(self): self._own_state = 1\n"
    )
    assert list(violations(source)) == []
