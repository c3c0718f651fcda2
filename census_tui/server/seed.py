"""Made-up accounts and areas: the training server's demo area, and enumerators for tests.

Everything here is invented (names, ID numbers, addresses); the ID numbers are the constructed
examples of FACTS §6.3, never real people. The demo area has the special populations the
training course covers (docs/fieldwork.md): a rented block (出租房屋集中区域), a construction-site
dormitory (建筑工地临时居住), a household with a booked appointment, one that will refuse.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import timedelta

from census_tui.model import Household, Note, Person, Value
from census_tui.server.storage import Storage
from census_tui.sync.card_code import CENSUS_TZ

DEMO_ACCOUNT = "demo"
DEMO_PASSWORD = "census2020"
DEMO_SUPERVISOR = "demo-sup"
"""The training server's supervisor (普查指导员) over the demo enumerator and the three practice
enumerators (:data:`PRACTICE_ENUMERATORS`); same password."""
DEMO_AREA = "110105001001001"
OFFICE = "北京市朝阳区人口普查办公室 / Chaoyang District Census Office"


def _demo_dwellings() -> list[tuple[str, str, str]]:
    """(address, kind, note) for the training area: 36 dwellings."""
    rows: list[tuple[str, str, str]] = []
    for n in range(1, 21):
        rows.append((f"幸福里小区 1号楼 {n // 5 + 1}单元 {100 + n}室", "ordinary", ""))
    for n in range(1, 9):
        rows.append(
            (
                f"幸福里 出租屋 3号院 {n}号间",
                "rented_block",
                "出租房屋集中区域: 先向房东索取租户名单",
            )
        )
    rows.append(
        ("建设路工地 宿舍A栋", "construction_dorm", "建筑工地临时居住: 工人休息时登记; 名册核对")
    )
    rows.append(("建设路工地 宿舍B栋", "construction_dorm", "建筑工地临时居住: 名册核对"))
    rows.append(
        ("幸福里小区 2号楼 1单元 301室", "ordinary", "已预约 / appointment booked 11-03 19:00")
    )
    rows.append(
        ("幸福里小区 2号楼 1单元 302室", "ordinary", "曾表示拒访 / household expected to refuse")
    )
    rows.append(("幸福里小区 2号楼 2单元 101室", "ordinary", "常不在家: 晚上或周末再访"))
    for n in range(1, 4):
        rows.append((f"幸福里小区 底商 {n}号", "shop", "住房单元: 有人居住才登记"))
    return rows


DEMO_SAMPLE_SEED = 20201142
"""The training area's recorded long-form sample seed (docs/protocol.md "Forms"): its random
start is 5, so the sample holds the long-form practice dwelling (1号楼 2单元 106室) and none of
the short-form practice households."""
DEMO_HMT_ADDRESSES = frozenset({"幸福里小区 1号楼 4单元 116室"})
"""Training dwellings the listing marked for the HMT-foreign form (the foreign resident's
practice household)."""


def demo_forms() -> dict[str, str]:
    """Every training dwelling's form: the systematic 10 % long-form sample drawn with
    :data:`DEMO_SAMPLE_SEED` (census_tui/server/sample.py), the HMT-foreign form for
    :data:`DEMO_HMT_ADDRESSES`, else the short form."""
    from census_tui.server.sample import assign_forms

    ids = {f"{DEMO_AREA}-{n:03d}": a for n, (a, _, _) in enumerate(_demo_dwellings(), start=1)}
    hmt = [d for d, address in ids.items() if address in DEMO_HMT_ADDRESSES]
    return assign_forms(ids, DEMO_SAMPLE_SEED, hmt=hmt)


def training_validity(db: Storage) -> tuple[str, str]:
    """A training card's validity: from the day the training server is seeded, for a year (a
    class in 2026 practises with a card that is valid today, so the identity screen and the
    resident's check behave as at a real door; real cards carry the census's own dates)."""
    today = db.clock.now().astimezone(CENSUS_TZ).date()
    return today.isoformat(), (today + timedelta(days=365)).isoformat()


def seed_demo(db: Storage) -> None:
    """Make ``db`` a training server with the demo area and the ``demo`` account."""
    db.set_training(True)
    valid_from, valid_until = training_validity(db)
    db.add_area(DEMO_AREA, "培训普查小区 / Training enumeration area", training=True)
    db.add_dwellings(
        (f"{DEMO_AREA}-{n:03d}", DEMO_AREA, address, kind, note)
        for n, (address, kind, note) in enumerate(_demo_dwellings(), start=1)
    )
    hmt = [d for d, f in demo_forms().items() if f == "hmt2020"]
    db.draw_sample(DEMO_AREA, DEMO_SAMPLE_SEED, hmt=hmt)
    db.add_account(
        DEMO_ACCOUNT,
        DEMO_PASSWORD,
        name="演示普查员",
        id_number="110101199003070011",
        work_id="PC-110105-0001",
        issuing_office=OFFICE,
        valid_from=valid_from,
        valid_until=valid_until,
        areas=[DEMO_AREA],
    )
    db.add_account(
        DEMO_SUPERVISOR,
        DEMO_PASSWORD,
        name="演示普查指导员",
        id_number="310104198812240043",
        work_id="ZD-110105-0001",
        issuing_office=OFFICE,
        valid_from=valid_from,
        valid_until=valid_until,
        areas=[],
        role="supervisor",
    )
    db.add_supervision(DEMO_SUPERVISOR, [DEMO_ACCOUNT])
    seed_practice_work(db)


def add_supervisor(
    db: Storage,
    account: str,
    password: str,
    enumerators: list[str],
    *,
    name: str = "测试普查指导员",
    id_number: str = "310104198812240043",
    ready: bool = False,
) -> None:
    """A supervisor (role ``supervisor``) over ``enumerators`` and so over their areas.

    ``ready=True`` skips the first-login steps (password already ``password``, real name
    verified)."""
    db.add_account(
        account,
        password,
        name=name,
        id_number=id_number,
        work_id=f"ZD-{account}",
        issuing_office=OFFICE,
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[],
        role="supervisor",
    )
    db.add_supervision(account, enumerators)
    if ready:
        db.mark_ready(account)


def add_enumerator(
    db: Storage,
    account: str,
    password: str,
    area_id: str,
    *,
    dwellings: int = 10,
    name: str = "测试普查员",
    id_number: str = "310104198812240043",
    ready: bool = False,
) -> list[str]:
    """An enumerator with their own area of ``dwellings`` dwellings; returns the dwelling ids.

    ``ready=True`` skips the first-login steps (password already changed to ``password``, real
    name verified), for tests that are about sync rather than login.
    """
    db.add_area(area_id, f"测试小区 {area_id[-3:]} / Test area", training=db.training)
    ids = [f"{area_id}-{n:03d}" for n in range(1, dwellings + 1)]
    db.add_dwellings(
        (dwelling_id, area_id, f"测试路 {n} 号", "ordinary", "")
        for n, dwelling_id in enumerate(ids, start=1)
    )
    db.add_account(
        account,
        password,
        name=name,
        id_number=id_number,
        work_id=f"PC-{area_id[:6]}-{account}",
        issuing_office=OFFICE,
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[area_id],
    )
    if ready:
        db.mark_ready(account)
    return ids


# -- the demo supervisor's practice enumerators (issue 19 §8) ---------------------------------
#
# Three made-up enumerators under ``demo-sup``, each in a small training area of their own, whose
# households are already uploaded: the demo supervisor's review queue is not empty, three of its
# cases are flagged (warnings or an overridable error the enumerator confirmed with a reason), a
# spot check has households to draw, and one enumerator has never synced (the stale mark).
# Written straight into the storage, as the server's own upload route stores them (the logic
# checks give the flags); they never log in. Every name and ID number is invented; the ID
# numbers are checksum-valid constructions agreeing with the person's sex and birth.


@dataclass(frozen=True, slots=True)
class PracticeEnumerator:
    account: str
    name: str
    area_id: str
    street: str
    synced: bool
    """Has called the server (a sync time); False: never, shown stale on the progress."""


PRACTICE_ENUMERATORS: tuple[PracticeEnumerator, ...] = (
    PracticeEnumerator("demo-e1", "练习普查员 甲", "110105001001101", "和平里 {n}号楼", True),
    PracticeEnumerator("demo-e2", "练习普查员 乙", "110105001001102", "光明路 {n}号院", True),
    PracticeEnumerator("demo-e3", "练习普查员 丙", "110105001001103", "团结湖 {n}号楼", False),
)
PRACTICE_DWELLINGS = 8
_PRACTICE_NS = uuid.UUID("5b0c2f1e-9d1a-4f49-9a52-1f0e6c1d2019")
_AT = "2020-11-02T10:00:00+08:00"


def _pid(birth: str, day: int, seq: int, sex: int, prefix: str = "110105") -> str:
    from census_tui.validation.idnumber import check_char

    body = f"{prefix}{birth[:4]}{birth[5:7]}{day:02d}{seq:02d}{1 if sex == 1 else 2}"
    return body + check_char(body)


def _p(name: str, rel: int, sex: int, birth: str, day: int, seq: int, **more: Value) -> Person:
    """A person living here with hukou here, valid for their age (as the practice scenarios)."""
    year, month = int(birth[:4]), int(birth[5:7])
    age = 2020 - year - (1 if month >= 11 else 0)
    answers: dict[str, Value] = {
        "D1": name,
        "D2": rel,
        "D3": _pid(str(more.pop("id_birth", birth)), day, seq, sex),
        "D4": sex,
        "D5": birth,
        "D6": 1,
        "D7": 1,
        "D8": 1,
        "D9": 1,
    }
    if age >= 3:
        answers["D11"] = 7 if age >= 23 else (4 if age >= 12 else 3 if age >= 6 else 2)
    if age >= 15:
        answers["D12"] = 1
    answers.update(more)
    return Person(str(uuid.uuid5(_PRACTICE_NS, f"{name}:{birth}:{seq}")), answers)


@dataclass(frozen=True, slots=True)
class _Work:
    """One uploaded practice household: its dwelling number, persons, floor area and rooms,
    and the reason its enumerator gave for every warning (none: no finding expected)."""

    dwelling: int
    persons: tuple[Person, ...]
    area_m2: int
    rooms: int
    reason: str = ""
    note: str = ""


PRACTICE_WORK: dict[str, tuple[_Work, ...]] = {
    "demo-e1": (
        _Work(
            1,
            (
                _p("王建军", 0, 1, "1980-04", 12, 11),
                _p("刘芳", 1, 2, "1982-09", 3, 12),
                _p("王子涵", 2, 2, "2010-06", 21, 13),
            ),
            85,
            3,
        ),
        _Work(
            2,
            (
                _p("马强", 0, 1, "1988-01", 9, 14),
                _p("马丽", 1, 2, "1990-03", 17, 15),
                _p("马小宝", 2, 1, "2015-07", 30, 16),
                _p("张桂兰", 3, 2, "1960-12", 5, 17),
            ),
            15,
            1,
            reason="隔断间，一家四口合住，已现场核实面积 / a partitioned room the family of four"
            " shares; floor area checked on site",
        ),
        _Work(
            3, (_p("周杰", 0, 1, "1996-12", 2, 18),), 20, 1, note="晚上九点后在家 / home after 9 pm"
        ),
        _Work(5, (_p("孙立", 0, 1, "1950-02", 14, 19), _p("吴梅", 1, 2, "1952-05", 26, 20)), 60, 2),
    ),
    "demo-e2": (
        _Work(
            1,
            (
                _p("郑国平", 0, 1, "1962-02", 8, 21, id_birth="1962-03"),
                _p("黄玉珍", 1, 2, "1964-08", 19, 22),
            ),
            70,
            2,
            reason="户主按户口簿登记出生年月，身份证有误 / birth as in the hukou booklet; the ID"
            " card is wrong",
        ),
        _Work(
            2,
            (
                _p("陈思远", 0, 1, "1985-10", 1, 23),
                _p("林晓", 1, 2, "1987-02", 11, 24),
                _p("陈乐乐", 2, 1, "2013-05", 6, 25),
            ),
            95,
            3,
        ),
        _Work(4, (_p("何静", 0, 2, "1993-07", 23, 26),), 40, 1),
    ),
    "demo-e3": (
        _Work(
            1,
            (_p("李卫东", 0, 1, "1978-06", 16, 27), _p("赵红", 1, 2, "1979-11", 4, 28)),
            30,
            7,
            reason="老房子隔成小间，7间属实 / an old flat split into seven small rooms",
        ),
        _Work(3, (_p("高山", 0, 1, "1999-09", 29, 29),), 25, 1),
    ),
}
"""The practice enumerators' uploaded households (three flagged: HH-06 twice, P-03 once)."""
PRACTICE_OUTCOMES: dict[str, tuple[tuple[int, str], ...]] = {
    "demo-e1": ((4, "refused"), (6, "vacant")),
    "demo-e2": ((3, "no_contact"),),
    "demo-e3": (),
}
"""(dwelling number, outcome) of the visits without a household."""


def practice_case_uuid(area_id: str, dwelling: int) -> str:
    """The fixed case UUID of a practice household (the same on every demo server)."""
    return str(uuid.uuid5(_PRACTICE_NS, f"{area_id}-{dwelling:03d}"))


def _practice_doc(who: PracticeEnumerator, work: _Work) -> dict[str, object]:
    from census_tui.validation.engine import check_household, make_confirmation
    from census_tui.validation.household_json import ReadBack, to_json

    head = work.persons[0]
    hh = Household(
        uuid=practice_case_uuid(who.area_id, work.dwelling),
        dwelling_id=f"{who.area_id}-{work.dwelling:03d}",
        hh_number=1,
        answers={
            "H1": 1,
            "H2a": len(work.persons),
            "H2b": 0,
            "H3m": 0,
            "H3f": 0,
            "H4m": 0,
            "H4f": 0,
            "H5": 1,
            "H6": work.area_m2,
            "H7": work.rooms,
        },
        persons=[Person(p.uuid, dict(p.answers)) for p in work.persons],
        revision=1,
        training=True,
    )
    if work.reason:
        for finding in check_household(hh):
            hh.confirmations.append(make_confirmation(finding, hh, work.reason, who.account, _AT))
    if work.note:
        hh.notes.append(Note("", "H6", work.note, _AT))
    rb = ReadBack(str(head.answers["D1"]), _AT)
    return to_json(hh, read_back=rb, completed_at=_AT)


def seed_practice_work(db: Storage) -> None:
    """The practice enumerators, their areas and uploaded work, under :data:`DEMO_SUPERVISOR`
    (part of :func:`seed_demo`)."""
    from census_tui.server.checks import run_logic_checks

    valid_from, valid_until = training_validity(db)
    for n, who in enumerate(PRACTICE_ENUMERATORS, start=2):
        db.add_area(who.area_id, f"练习普查小区 {n - 1} / Practice area {n - 1}", training=True)
        db.add_dwellings(
            (
                f"{who.area_id}-{d:03d}",
                who.area_id,
                who.street.format(n=d) + " 1单元 101室",
                "ordinary",
                "",
            )
            for d in range(1, PRACTICE_DWELLINGS + 1)
        )
        db.add_account(
            who.account,
            DEMO_PASSWORD,
            name=who.name,
            id_number=_pid("1990-01", 10 + n, n, 1 + n % 2, prefix="110101"),
            work_id=f"PC-110105-{n:04d}",
            issuing_office=OFFICE,
            valid_from=valid_from,
            valid_until=valid_until,
            areas=[who.area_id],
        )
        db.mark_ready(who.account)
        with db.tx() as t:
            for work in PRACTICE_WORK[who.account]:
                doc = _practice_doc(who, work)
                checked = run_logic_checks(doc)
                if checked.errors:  # a mistake in the data above, never a trainee's
                    raise AssertionError(f"practice household {work.dwelling} has errors")
                db.store_household(
                    t,
                    case_uuid=str(doc["case_uuid"]),
                    revision=1,
                    area_id=who.area_id,
                    dwelling_id=str(doc["dwelling_id"]),
                    account=who.account,
                    training=True,
                    payload=json.dumps(
                        doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                    ),
                    flags=checked.flags,
                )
            for dwelling, kind in PRACTICE_OUTCOMES[who.account]:
                dwelling_id = f"{who.area_id}-{dwelling:03d}"
                outcome = {
                    "outcome_uuid": str(uuid.uuid5(_PRACTICE_NS, f"outcome:{dwelling_id}")),
                    "dwelling_id": dwelling_id,
                    "kind": kind,
                    "at": _AT,
                    "attempts": 1,
                    "note": "",
                    "training": True,
                }
                db.store_outcome(
                    t,
                    outcome_uuid=str(outcome["outcome_uuid"]),
                    dwelling_id=dwelling_id,
                    area_id=who.area_id,
                    account=who.account,
                    kind=kind,
                    payload=json.dumps(
                        outcome, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                    ),
                )
        if who.synced:
            db.note_sync(who.account, last=None)
    db.add_supervision(DEMO_SUPERVISOR, [w.account for w in PRACTICE_ENUMERATORS])
