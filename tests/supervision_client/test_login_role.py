"""The login answer's role: optional (an older server's answer is an enumerator's), one of the
two roles, kept in the profile by save_login."""

from __future__ import annotations

from typing import Any

import pytest

from census_tui.sync.schema import BadAnswer, login_answer

CARD = {
    k: ""
    for k in (
        "name",
        "work_id",
        "area_id",
        "area_name",
        "issuing_office",
        "valid_from",
        "valid_until",
    )
}


def answer(**extra: Any) -> dict[str, Any]:
    return {
        "token": "t",
        "account": "a",
        "must_change_password": False,
        "verified": True,
        "training": False,
        "recovery_public_key": "k",
        "card": CARD,
        **extra,
    }


def test_role_is_optional_and_checked() -> None:
    assert login_answer(answer()).role == "enumerator"
    assert login_answer(answer(role="supervisor")).role == "supervisor"
    for bad in ("admin", 1):
        with pytest.raises(BadAnswer):
            login_answer(answer(role=bad))
