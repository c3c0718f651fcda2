"""Made-up accounts and areas: the training server's demo area, and enumerators for tests.

Everything here is invented (names, ID numbers, addresses); the ID numbers are the constructed
examples of FACTS §6.3, never real people. The demo area has the special populations the
training course covers (docs/fieldwork.md): a rented block (出租房屋集中区域), a construction-site
dormitory (建筑工地临时居住), a household with a booked appointment, one that will refuse.
"""

from __future__ import annotations

from census_tui.server.storage import Storage

DEMO_ACCOUNT = "demo"
DEMO_PASSWORD = "census2020"
DEMO_SUPERVISOR = "demo-sup"
"""The training server's supervisor (普查指导员) over the demo enumerator; same password."""
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


def seed_demo(db: Storage) -> None:
    """Make ``db`` a training server with the demo area and the ``demo`` account."""
    db.set_training(True)
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
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[DEMO_AREA],
    )
    db.add_account(
        DEMO_SUPERVISOR,
        DEMO_PASSWORD,
        name="演示普查指导员",
        id_number="310104198812240043",
        work_id="ZD-110105-0001",
        issuing_office=OFFICE,
        valid_from="2020-10-01",
        valid_until="2020-12-31",
        areas=[],
        role="supervisor",
    )
    db.add_supervision(DEMO_SUPERVISOR, [DEMO_ACCOUNT])


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
