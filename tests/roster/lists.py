"""Real-shaped name lists for the roster tests: valid ID numbers built with the MOD 11-2 rule."""

from __future__ import annotations

from census_tui.validation.idnumber import check_char

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌宇浩"
ROOMS = ["A", "B", "C", "D"]
DEPTS = ["冲压车间", "装配车间", "质检部", "物流部", "后勤部"]
ETHNIC = ["汉族", "汉族", "汉族", "回族", "壮族", "苗族", "满族", "土家族"]


def make_id(area: str, y: int, m: int, d: int, seq: int) -> str:
    """A valid 18-character number (FACTS §6.1); ``seq`` odd = male."""
    body = f"{area}{y:04d}{m:02d}{d:02d}{seq:03d}"
    return body + check_char(body)


def person(i: int) -> dict[str, str]:
    """The i-th worker: deterministic name, ID, sex, birth, ethnicity, room, department."""
    y, m, d = 1965 + i % 37, 1 + i % 12, 1 + i % 28
    seq = 100 + i % 800
    idn = make_id("4403" + f"{(i % 9) + 1:02d}", y, m, d, seq)
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
    if i % 3 == 0:
        name += GIVEN[(i * 11) % len(GIVEN)]
    return {
        "name": name,
        "id": idn,
        "sex": "男" if seq % 2 else "女",
        "birth": f"{y}-{m:02d}",
        "ethnic": ETHNIC[i % len(ETHNIC)],
        "room": f"{ROOMS[i % 4]}-{100 + i // 8:03d}",
        "dept": DEPTS[i % len(DEPTS)],
        "emp": f"E{10000 + i}",
        "phone": f"138{i:08d}",
    }


HEADER_ZH = "序号,姓名,公民身份号码,性别,出生年月,民族,宿舍,部门,工号,手机"
HEADER_EN = "No.,Name,ID Number,Sex,Birth,Ethnicity,Room,Department,Employee No,Phone"


def csv_text(
    n: int, header: str = HEADER_ZH, title: bool = True, extra: list[str] | None = None
) -> str:
    """A name list of ``n`` good rows as an HR export looks (title row, 序号 column, CRLF)."""
    lines = ["深圳某电子有限公司员工宿舍花名册,,,,,,,,,"] if title else []
    lines.append(header)
    for i in range(n):
        p = person(i)
        lines.append(
            f"{i + 1},{p['name']},{p['id']},{p['sex']},{p['birth']},{p['ethnic']},"
            f"{p['room']},{p['dept']},{p['emp']},{p['phone']}"
        )
    lines.extend(extra or [])
    return "\r\n".join(lines) + "\r\n"
