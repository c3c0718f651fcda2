"""The session the screens talk to: the visit workflow over the store, walker and checks.

:class:`VisitSession` implements :class:`census_tui.visit.api.Session` by putting together one
part per use case, each in its own module over :class:`~census_tui.visit.core.SessionCore`:

* :mod:`.identity`: the card, the resident's check code, identity shown, lock and unlock;
* :mod:`.dwellings`: the dashboard, dwellings found on site, a dwelling's households;
* :mod:`.attempts`: visit attempts, appointments, the slot after two no-contacts;
* :mod:`.answers`: opening a household, answers, persons, notes, the resume position;
* :mod:`.review`: findings and confirmations, self-check, read-back, completion;
* :mod:`.exchange`: sync, supervisor returns, roster mode;
* :mod:`.training`: practice scenarios.

Plain Python: no Textual here, so the whole visit is testable without a terminal and the CLI
(demo, crash storms) can drive the same code the TUI does. The gate (before login) is
:mod:`census_tui.visit.gate`.
"""

from __future__ import annotations

from census_tui.visit.answers import AnswersMixin
from census_tui.visit.attempts import AttemptsMixin
from census_tui.visit.dwellings import DwellingsMixin
from census_tui.visit.exchange import ExchangeMixin
from census_tui.visit.identity import IdentityMixin
from census_tui.visit.review import ReviewMixin
from census_tui.visit.training import TrainingMixin


class VisitSession(
    IdentityMixin,
    DwellingsMixin,
    AttemptsMixin,
    AnswersMixin,
    ReviewMixin,
    ExchangeMixin,
    TrainingMixin,
):
    """An unlocked profile. One per login; closed on logout or exit."""


__all__ = ["VisitSession"]
