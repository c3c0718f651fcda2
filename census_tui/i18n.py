"""Both languages. Every user-facing string is a :class:`Msg` with zh and en text.

The language comes from ``--lang``, then ``CENSUS_TUI_LANG``, then the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``): ``zh*`` gives Chinese, anything else English.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Msg:
    """A bilingual text. ``format`` fills ``{placeholders}`` in both languages."""

    zh: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def format(self, **kw: object) -> Msg:
        return Msg(self.zh.format(**kw), self.en.format(**kw))

    def both(self) -> str:
        """Both languages on one line, for places that cannot know the reader's language."""
        return f"{self.zh} / {self.en}"


def detect_lang(explicit: str | None = None) -> Lang:
    """The user's language: an explicit choice, then the environment, then English."""
    for value in (
        explicit,
        os.environ.get("CENSUS_TUI_LANG"),
        os.environ.get("LC_ALL"),
        os.environ.get("LC_MESSAGES"),
        os.environ.get("LANG"),
    ):
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
