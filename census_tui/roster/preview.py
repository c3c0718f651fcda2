"""Read a name list into a preview: encoding, columns, every row checked, nothing stored.

The preview is what the CLI prints and the TUI shows before anything is written. Import is
all-or-nothing (issue 7): :meth:`RosterPreview.selected` refuses a list with bad rows unless the
user chose to import only the good ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.roster.checks import CheckedRow, EthnicityLookup, Level, RowChecker, RowIssue
from census_tui.roster.decode import decode
from census_tui.roster.mapping import ColumnMap, map_columns
from census_tui.roster.table import read_table


@dataclass(frozen=True, slots=True)
class RosterLimits:
    """Bounds on what is read. FACTS §8.1: a 普查小区 holds at most about 2,000 people."""

    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 5000
    header_search: int = 10


DEFAULT_LIMITS = RosterLimits()


@dataclass(slots=True)
class RosterPreview:
    """A checked name list, not yet stored."""

    encoding: str
    delimiter: str
    header_line: int
    columns: ColumnMap
    rows: list[CheckedRow]
    blank_lines: int

    @property
    def good(self) -> list[CheckedRow]:
        return [r for r in self.rows if r.ok]

    @property
    def bad(self) -> list[CheckedRow]:
        return [r for r in self.rows if not r.ok]

    def issues(self, level: Level | None = None) -> list[tuple[int, RowIssue]]:
        """``(line, issue)`` pairs in line order, optionally of one level."""
        return [
            (r.line, i) for r in self.rows for i in r.issues if level is None or i.level is level
        ]

    def selected(self, only_good: bool) -> list[CheckedRow]:
        """The rows to import; :class:`BadInput` if that would be a partial import by accident."""
        bad = self.bad
        if bad and not only_good:
            lines = ", ".join(str(r.line) for r in bad[:10]) + (" …" if len(bad) > 10 else "")
            raise BadInput(
                Msg(
                    f"名册有 {len(bad)} 行错误(第 {lines} 行),未导入任何内容。请改正后重新导入,"
                    "或选择只导入正确的行(--only-good)。",
                    f"{len(bad)} rows have errors (lines {lines}); nothing was imported. Fix them "
                    "and import again, or choose to import only the good rows (--only-good).",
                )
            )
        good = self.good
        if not good:
            raise BadInput(Msg("名册中没有可导入的行。", "The list has no rows to import."))
        return good

    def summary(self) -> dict[str, object]:
        """Counts, columns and issues for ``--json``: line numbers and codes, no personal data."""
        return {
            "encoding": self.encoding,
            "header_line": self.header_line,
            **self.columns.to_dict(),
            "rows": len(self.rows),
            "good": len(self.good),
            "bad": len(self.bad),
            "duplicates": sum(1 for r in self.rows if r.duplicate),
            "derived_from_id": sum(1 for r in self.rows if r.person.derived),
            "issues": [{"line": line, **i.to_dict()} for line, i in self.issues()],
        }


def default_ethnicity() -> EthnicityLookup:
    """D6 names to GB 3304 codes, from the form's code list (questionnaire)."""
    from census_tui.questionnaire.form import load_form

    return load_form("short2020").item("D6").code_by_name


def read_roster(
    data: bytes,
    *,
    encoding: str | None = None,
    columns: dict[str, str] | None = None,
    registered: Iterable[str] = (),
    limits: RosterLimits = DEFAULT_LIMITS,
    ethnicity: EthnicityLookup | None = None,
) -> RosterPreview:
    """Decode, map and check a name list. Raises :class:`BadInput` for an unusable file.

    ``columns`` overrides the header mapping (header text → field value); ``registered`` are
    ID numbers already registered in other households of the area (flagged as duplicates).
    """
    if len(data) > limits.max_bytes:
        raise _too_big(limits)
    text, used = decode(data, encoding)
    table = read_table(
        text,
        max_rows=limits.max_rows,
        header_search=limits.header_search,
        extra=frozenset(columns or ()),
    )
    cmap = map_columns(table.header.cells, columns)
    checker = RowChecker(cmap, ethnicity or default_ethnicity(), frozenset(registered))
    rows = [checker.check(rec.line, rec.cells) for rec in table.records]
    if not rows:
        raise BadInput(Msg("名册只有表头,没有人员。", "The list has a header but no people in it."))
    return RosterPreview(used, table.delimiter, table.header.line, cmap, rows, table.blank)


def read_roster_file(path: Path, **kw: object) -> RosterPreview:
    """:func:`read_roster` on a file; a missing or unreadable file is a clear :class:`BadInput`."""
    limits = kw.get("limits", DEFAULT_LIMITS)
    assert isinstance(limits, RosterLimits)
    try:
        with path.open("rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise BadInput(Msg("找不到名册文件。", "The name list file does not exist.")) from None
    except IsADirectoryError:
        raise BadInput(Msg("给出的是目录,不是文件。", "That is a directory, not a file.")) from None
    except OSError as exc:
        raise BadInput(
            Msg(f"无法读取名册文件({exc.strerror})。", f"Cannot read the list ({exc.strerror}).")
        ) from None
    return read_roster(data, **kw)  # type: ignore[arg-type]


def _too_big(limits: RosterLimits) -> BadInput:
    mb = limits.max_bytes // (1024 * 1024)
    return BadInput(
        Msg(
            f"名册文件超过 {mb} MB,不予导入。请按楼栋或部门拆分。",
            f"The list is larger than {mb} MB and was not imported. Split it by building or "
            "department.",
        )
    )
