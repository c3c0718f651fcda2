"""Practice households (模拟实操) on a training profile: the scripted respondent and, after
completion, the answers that differ from the truth. Never on real data."""

from __future__ import annotations

from census_tui.visit.core import SessionCore
from census_tui.visit.scenarios import Comparison, Scenario, compare, scenario_for
from census_tui.visit.states import DONE, CaseState


class TrainingMixin(SessionCore):
    """The practice scenario of a training dwelling and the check after it."""

    def scenario(self, dwelling_id: str) -> Scenario | None:
        """The practice household scripted at this training dwelling (never on real data)."""
        if not self.training:
            return None
        return scenario_for(self.store.dwelling(dwelling_id).address)

    def practice_check(self, dwelling_id: str, lang: str) -> Comparison | None:
        """After a practice household is completed: the answers that differ from the truth."""
        scenario = self.scenario(dwelling_id)
        if scenario is None:
            return None
        for case in sorted(self.store.cases(dwelling_id), key=lambda c: c.hh_number):
            if CaseState(case.state) in DONE:
                hh = self._current(case.uuid)
                # the household's own form: the long form, or the HMT-foreign form
                form = self.form_for(hh)
                return compare(form, scenario, hh, "zh" if lang == "zh" else "en")
        return None
