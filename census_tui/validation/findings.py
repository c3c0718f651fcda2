"""What a logic check reports: a :class:`Finding` with a rule id, a severity and a message.

DESIGN.md (Validation): three severities. Findings name persons by UUID, never by position, and
their messages carry no personal data (no names, no ID numbers), only what to do. A finding about
a death record (死亡人口调查表) names the record by its uuid in ``person_uuid``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, TypeAlias

from census_tui.i18n import Msg

if TYPE_CHECKING:
    from census_tui.validation.config import ValidationConfig
    from census_tui.validation.view import HouseholdView


class Severity(Enum):
    """How a finding blocks completion."""

    ERROR = "error"
    """Must be fixed before the household can be completed."""
    OVERRIDABLE = "overridable"
    """The answer contradicts a document (P-03, P-04); kept only with a reason the supervisor
    sees."""
    WARNING = "warning"
    """Unusual; the enumerator confirms it with a reason."""

    @property
    def needs_confirmation(self) -> bool:
        """Whether a confirmation with a reason can clear it (errors cannot)."""
        return self is not Severity.ERROR

    @property
    def label(self) -> Msg:
        return _LABELS[self]


_LABELS = {
    Severity.ERROR: Msg("错误", "error"),
    Severity.OVERRIDABLE: Msg("与证件不符", "contradicts document"),
    Severity.WARNING: Msg("提示", "warning"),
}

Ref: TypeAlias = tuple[str, str]
"""``(person_uuid, item_id)``; person ``""`` for household items, item ``"#persons"`` for the
number of person records, ``"#deaths"`` for the number of death records. A death record's
answers are named by the record's uuid, as a person's are."""

PERSON_COUNT_ITEM = "#persons"
DEATH_COUNT_ITEM = "#deaths"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a household.

    ``items`` are the items of ``person_uuid`` (``""``: household items) to look at; ``related``
    names answers of other persons (or the household) the finding also depends on, so that a
    confirmation lapses when any of them changes.
    """

    rule_id: str
    severity: Severity
    person_uuid: str
    items: tuple[str, ...]
    message: Msg
    related: tuple[Ref, ...] = ()

    def refs(self) -> tuple[Ref, ...]:
        """Every answer this finding depends on, own items first."""
        own = tuple((self.person_uuid, item) for item in self.items)
        return own + tuple(r for r in self.related if r not in own)

    def to_dict(self) -> dict[str, object]:
        """Plain JSON form (the CLI's ``--json`` and the server's answer)."""
        return {
            "rule_id": self.rule_id,
            "severity": self.severity.value,
            "person_uuid": self.person_uuid,
            "items": list(self.items),
            "message": {"zh": self.message.zh, "en": self.message.en},
        }


Rule: TypeAlias = "Callable[[HouseholdView, ValidationConfig], Iterable[Finding]]"
"""A logic check: a pure function of the household (as a parsed view) and the thresholds."""
