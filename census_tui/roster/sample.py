"""A made-up construction-site name list, as an employer's HR would export it, for the demo.

GB18030 (what a spreadsheet on a Chinese-language Windows saves as CSV), CRLF line ends, a title
row above the header ``姓名,公民身份号码,性别,出生年月,民族,宿舍,部门``. Every person is invented:
names are drawn from common surnames and given-name characters, ID numbers are built with
valid region prefixes, birth dates and the GB 11643 MOD 11-2 check character (FACTS §6) but
belong to nobody. Three rows carry the problems a trainee must learn to see:

* ``SAMPLE_DUPLICATE_LINE``: the person of line 5 listed again (same ID number; P-06 warning,
  pre-marked duplicate);
* ``SAMPLE_BAD_CHECK_LINE``: a wrong check character (P-02, an error: the row cannot be imported
  unless the user imports only the good rows);
* ``SAMPLE_SEX_LINE``: a sex that contradicts the ID number's 17th digit (P-04).
"""

from __future__ import annotations

from pathlib import Path

from census_tui.store.atomic import write_atomic
from census_tui.validation.idnumber import check_char

HEADER = "姓名,公民身份号码,性别,出生年月,民族,宿舍,部门"
TITLE = "某建设工程项目部 工地宿舍人员花名册(示例,人员均为虚构),,,,,,"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟强磊军洋勇杰涛明超平刚华建国志文斌宇浩鹏飞辉海波亮龙林峰新春生红芳丽"
REGIONS = ("510121", "510722", "420222", "430524", "411522", "362427", "522121", "450422")
"""County codes of typical home regions of migrant construction workers (四川, 湖北, 湖南, 河南,
江西, 贵州, 广西)."""
ETHNIC = ("汉族", "汉族", "汉族", "汉族", "土家族", "苗族", "壮族", "彝族")
DEPTS = ("木工班", "钢筋班", "混凝土班", "架子工班", "水电班", "项目部")
FIRST_LINE = 3
"""The first person's line number in the file (title on line 1, header on line 2)."""
SAMPLE_DUPLICATE_LINE = FIRST_LINE + 11
SAMPLE_BAD_CHECK_LINE = FIRST_LINE + 23
SAMPLE_SEX_LINE = FIRST_LINE + 37


def _worker(i: int) -> tuple[str, str, str, str, str, str, str]:
    """The i-th invented worker: name, ID, sex, birth month, ethnicity, dormitory, team."""
    y, m, d = 1962 + (i * 7) % 40, 1 + (i * 5) % 12, 1 + (i * 11) % 28
    seq = 101 + (i * 37) % 880
    body = f"{REGIONS[i % len(REGIONS)]}{y:04d}{m:02d}{d:02d}{seq:03d}"
    name = SURNAMES[(i * 13) % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]
    if i % 3:
        name += GIVEN[(i * 17 + 5) % len(GIVEN)]
    sex = "男" if seq % 2 else "女"
    room = f"{1 + i // 96}号板房-{1 + (i // 8) % 12:02d}{1 + i % 8}"
    return (
        name,
        body + check_char(body),
        sex,
        f"{y}.{m:02d}",
        ETHNIC[i % len(ETHNIC)],
        room,
        DEPTS[i % len(DEPTS)],
    )


def sample_rows(rows: int) -> list[list[str]]:
    """The list's person rows, the three problem rows included when ``rows`` reaches them."""
    out = [list(_worker(i)) for i in range(rows)]
    dup = SAMPLE_DUPLICATE_LINE - FIRST_LINE
    if dup < rows:  # the same person listed twice (moved to another room): all but room/team
        out[dup][:5] = out[2][:5]
    bad = SAMPLE_BAD_CHECK_LINE - FIRST_LINE
    if bad < rows:
        idn = out[bad][1]
        wrong = "0" if idn[-1] != "0" else "1"
        out[bad][1] = idn[:-1] + wrong
    sex = SAMPLE_SEX_LINE - FIRST_LINE
    if sex < rows:
        out[sex][2] = "女" if out[sex][2] == "男" else "男"
    return out


def write_sample_roster(path: Path, rows: int = 200) -> None:
    """Write the sample name list (GB18030, CRLF) to ``path``, replacing it atomically."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    lines = [TITLE, HEADER, *(",".join(r) for r in sample_rows(rows))]
    write_atomic(path, ("\r\n".join(lines) + "\r\n").encode("gb18030"))
