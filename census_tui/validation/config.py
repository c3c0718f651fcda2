"""Thresholds of the logic checks, in one place.

FACTS §7 tags several rules [D]: a design suggestion with no official value found. Their numbers
live here, configurable, instead of inside the rules. Pass another :class:`ValidationConfig` to
``check_household(..., config=...)`` to change them (e.g. a province's own 审核 settings).
"""

from __future__ import annotations

from dataclasses import dataclass

from census_tui.questionnaire.standard_time import EARLIEST_BIRTH_YEAR

EDUCATION_MIN_AGES: tuple[tuple[int, int], ...] = (
    (3, 6), (4, 12), (5, 15), (6, 17), (7, 17), (8, 20), (9, 23),
)  # fmt: skip
"""FACTS §7.3 P-13 [D]: 3 小学 6, 4 初中 12, 5 高中 15, 6/7 专科/本科 17, 8 硕士 20, 9 博士 23."""


@dataclass(frozen=True, slots=True)
class ValidationConfig:
    """Every tunable number of the logic checks, with the FACTS §7 defaults."""

    # HH-06 [D]: floor area per person living here, and rooms against area.
    min_area_per_person: float = 5.0
    max_area_per_person: float = 300.0
    area_per_room: float = 6.0
    """Warn when rooms > floor area / this many m²."""

    # HH-02: an upper bound for the household counts, beyond which the entry is a slip.
    max_household_count: int = 9999
    """Largest H2a/H2b/H3/H4 count accepted (a collective household can be large)."""

    # ages of spouses (Civil Code art. 1047, FACTS §5.4).
    min_spouse_age: int = 15
    legal_marriage_age_male: int = 22
    legal_marriage_age_female: int = 20

    # R-08 [D]: generation gaps in years (parent-child configurable 12-15).
    parent_child_gap: int = 15
    grandparent_gap: int = 30
    max_mother_child_gap: int = 60

    # R-10 [D]: counts of relatives.
    max_parents: int = 2
    max_elders_of_one_sex: int = 4
    """Most 岳父母或公婆 + 祖父母 of one sex before warning."""

    # P-05: birth range; the upper end is the standard time (never configurable).
    earliest_birth_year: int = EARLIEST_BIRTH_YEAR

    # P-01: a name longer than this is an entry slip.
    max_name_length: int = 50
    max_place_length: int = 100
    """D7P / D8P place text."""

    # P-13 [D]: minimum age for each education code, and the age from which 学前教育 is odd.
    education_min_ages: tuple[tuple[int, int], ...] = EDUCATION_MIN_AGES
    """(D11 code, minimum age) pairs."""
    max_preschool_age: int = 10

    # P-12 / FACTS §2.3: age gates of D11 and D12 (printed on the form).
    education_min_age: int = 3
    literacy_min_age: int = 15

    # L-09 [D]: a reason for not working (D22) that is unusual for the age (long form).
    retired_min_age: int = 40
    """Warn when D22 = 2 (离退休, retired) below this age."""
    student_max_age: int = 35
    """Warn when D22 = 1 (在校学习, in school) above this age."""

    def __post_init__(self) -> None:
        if not 12 <= self.parent_child_gap <= 15:
            raise ValueError("parent_child_gap must be within 12-15 (FACTS §7.2 R-08)")

    def education_min_age_for(self, code: int) -> int | None:
        """The suggested minimum age for education code ``code``, or ``None``."""
        for c, age in self.education_min_ages:
            if c == code:
                return age
        return None


DEFAULT = ValidationConfig()
"""The thresholds of FACTS §7."""
