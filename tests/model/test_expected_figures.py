"""Every figure the sample registry prints, counted by hand from records/ and written down here with
its reasoning, held against what the site and the forms print.

The counting rules, once (from the seeds; the code in generator/model/progress.py follows them):
- Taoyuan (桃工发〔2019〕11号): a pair counts once its three seals are given (培养中, 已出师, 已延期); 待审批 and
  已终止 do not; a renewal (续签, ``renews``) continues the agreement it renews and is no new pair. A unit's pairs
  count for the quota unit above it (附件4 names 高新区, 教育工会 ...; the pairs sit in their member units).
- A year's 报送表 and 附件4 count the year as it stood on its statistics date, the report's due date 12月15日:
  a terminated pair counts until its ``terminated.date``; a pair is new in the report whose period holds its last
  seal (after the previous year's 12-15, up to this year's 12-15); an 出师/延期 belongs to the period holding its
  evaluation date, a renewal's included. The year still running is counted to today.
- Nanxun (千名技能人才): a person holds one tier a year, the highest named to so far (晋升资格): one person, one
  allowance; "考核津贴的发放时间将持续至退休": paid up to the year of retirement, not after.
- Studios: 已完成 counts the studios that hold their name (已命名 and 整改中; 已撤销 has lost it); the table of
  namings per year counts every naming in its year (it is checked against the yearly cap).
- Percentages are rounded half up (四舍五入).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.model.entities import Registry
from generator.render.forms.definitions import programme_forms
from generator.render.forms.model import Form, Grid
from generator.validate.engine import validate
from tests.conftest import REPO

TODAY = date(2026, 12, 3)
TAOYUAN, NANXUN = "taoyuan-pairing-2019", "nanxun-talents-2018"
# Quota units as the seed's 附件4 names them (their records' short names), called 高新区, 农办, 教育, 卫健, 住建, 工信 below.
HT, AG, ED, HE, HO, IN = "桃源高新区", "县委农办", "教育工会", "卫健局工会联合会", "住建局", "工信局"

# ------------------------------------------------------------------ the pairs, by hand
# Sealed = the last of the three seals (人力资源 is a day after the other two in every sample record).
# 高新区 = 电机 (taoyuan-demo-motor) + 铝业 (taoyuan-demo-aluminium); 县委农办 = 茶业; 教育工会 = 职业中专;
# 卫健工会 = 人民医院; 住建局 = 建工集团; 工信局 = 食品机械厂.
# Terminated: 2020-010 (建工, 2021-03-15), 2021-009 (电机, 2022-01-10), 2022-007 (建工, 2023-09-30).
# Renewals: 2022-001 renews 2020-004 (铝业, 已延期), 2025-001 renews 2022-003 (职业中专, 已延期).

# One line per quota unit, then 其它单位 (no target), then 合计:
# (unit, 任务, 本年新结对, 累计结对, 本年出师, 本年延期)
REPORTS: dict[int, tuple[list[tuple[str, int | None, int, int, int, int]], list[str], str]] = {
    2019: ([(HT, 40, 3, 3, 0, 0), (AG, 5, 0, 0, 0, 0), (ED, 15, 1, 1, 0, 0), (HE, 5, 0, 0, 0, 0), (HO, 10, 0, 0, 0, 0),
            (IN, 5, 0, 0, 0, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 4, 4, 0, 0)],
           ["2019-001", "2019-002", "2019-003", "2019-004"],
           "sealed by 2019-12-15: 2019-001/002 (电机, 10-28), 2019-003 (铝业, 11-27) -> 高新区 3; 2019-004 (职业中专) -> 教育工会 1; "
           "no evaluation yet"),
    2020: ([(HT, 40, 5, 8, 0, 0), (AG, 5, 1, 1, 0, 0), (ED, 15, 2, 3, 1, 0), (HE, 5, 1, 1, 0, 0), (HO, 10, 2, 2, 0, 0),
            (IN, 5, 1, 1, 0, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 12, 16, 1, 0)],
           [f"2020-{n:03}" for n in range(1, 13)],
           "all twelve 2020 pairs sealed 03-06..08-28: 高新区 001-005, 教育工会 006/007, 卫健 008, 住建 009 and 010 (010 ends "
           "only on 2021-03-15, so it counts here), 农办 011, 工信 012; 2019-004 出师 on 2020-12-15 (the last day of the period)"),
    2021: ([(HT, 40, 5, 13, 3, 0), (AG, 5, 1, 2, 0, 0), (ED, 15, 1, 4, 0, 0), (HE, 5, 1, 2, 0, 0), (HO, 10, 1, 2, 0, 0),
            (IN, 5, 1, 2, 0, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 10, 25, 3, 0)],
           [f"2021-{n:03}" for n in range(1, 11)],
           "ten 2021 pairs sealed 02-25..07-28, 2021-009 among them (ended 2022-01-10): 高新区 001-004 + 009 = 5; 住建 +1 (007) but "
           "2020-010 ended 03-15: 2 - 1 + 1 = 2; 出师: 2019-001/002 (11-15) and 2019-003 (12-15) -> 高新区 3"),
    2022: ([(HT, 40, 1, 13, 3, 1), (AG, 5, 0, 2, 2, 0), (ED, 15, 2, 6, 2, 0), (HE, 5, 1, 3, 1, 0), (HO, 10, 2, 4, 1, 0),
            (IN, 5, 0, 2, 1, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 6, 30, 10, 1)],
           ["2022-002", "2022-003", "2022-004", "2022-005", "2022-006", "2022-007"],
           "new: 2022-002/003 教育, 004 and 007 住建 (007 ends 2023-09-30), 005 卫健, 006 高新区; 2022-001 is the renewal of "
           "2020-004, no new pair; 高新区 13 + 1 - 1 (2021-009 ended 01-10) = 13; 出师 in the period: 2020-001/002/005 (高新区 3), "
           "006/007 (教育 2), 008 (卫健), 009 (住建), 011 and 2021-008 (农办 2), 012 (工信); 延期: 2020-004 (高新区)"),
    2023: ([(HT, 40, 4, 17, 3, 0), (AG, 5, 1, 3, 0, 0), (ED, 15, 0, 6, 1, 0), (HE, 5, 0, 3, 1, 0), (HO, 10, 1, 4, 1, 0),
            (IN, 5, 1, 3, 1, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 7, 36, 7, 0)],
           ["2023-001", "2023-002", "2023-003", "2023-004", "2023-005", "2023-007", "2023-008"],
           "new: 2023-001/002/004/007 高新区, 003 工信, 005 农办, 008 住建; 2023-006 (医院) got its last seal on 12-16, after the "
           "statistics date: not in 2023; 住建 4 + 1 - 1 (2022-007 ended 09-30) = 4; 出师: 2020-003, 2021-001, 2021-003 (高新区 3), "
           "2021-005 (教育), 2021-006 (卫健), 2021-007 (住建), 2021-010 (工信)"),
    2024: ([(HT, 40, 0, 17, 4, 0), (AG, 5, 0, 3, 0, 0), (ED, 15, 0, 6, 1, 0), (HE, 5, 1, 4, 1, 0), (HO, 10, 0, 4, 1, 0),
            (IN, 5, 0, 3, 0, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 1, 37, 7, 0)],
           ["2023-006"],
           "the one new pair is 2023-006 (sealed 2023-12-16); 出师: 2021-002, 2021-004, 2022-006 and the renewal 2022-001 "
           "(06-15) -> 高新区 4; 2022-002 (教育), 2022-004 (住建), 2022-005 (卫健)"),
    2025: ([(HT, 40, 1, 18, 1, 0), (AG, 5, 0, 3, 0, 0), (ED, 15, 0, 6, 0, 1), (HE, 5, 0, 4, 0, 0), (HO, 10, 0, 4, 0, 0),
            (IN, 5, 0, 3, 0, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 1, 38, 1, 1)],
           ["2025-002"],
           "new: 2025-002 (电机); 2025-001 renews 2022-003, no new pair; 出师: 2023-001 (高新区); 延期: 2022-003 (教育)"),
    2026: ([(HT, 40, 0, 18, 0, 0), (AG, 5, 0, 3, 0, 0), (ED, 15, 0, 6, 0, 0), (HE, 5, 0, 4, 0, 0), (HO, 10, 0, 4, 0, 0),
            (IN, 5, 0, 3, 0, 0), ("其它单位", None, 0, 0, 0, 0), ("合计", 80, 0, 38, 0, 0)],
           [],
           "counted to today (2026-12-03): 2026-001/002 await their seals (待审批); no evaluation dated 2026"),
}

# 附件4 for each year, counted to the same statistics date: (unit, 规划时间, 任务, 已结对, 完成进度 %); then 其它单位 and 合计.
# 已结对 is the report's 累计; the percentages are rounded half up: 13/40 = 32.5% -> 33, 17/40 = 42.5% -> 43.
QUOTA_PERCENT = {
    2019: ([8, 0, 7, 0, 0, 0], 5, "3/40 = 7.5% -> 8; 1/15 = 6.7% -> 7; 4/80 = 5%"),
    2020: ([20, 20, 20, 20, 20, 20], 20, "8/40, 1/5, 3/15, 1/5, 2/10, 1/5: all 20%; 16/80 = 20%"),
    2021: ([33, 40, 27, 40, 20, 40], 31, "13/40 = 32.5% -> 33 (half up); 4/15 = 26.7% -> 27; 25/80 = 31.25% -> 31"),
    2022: ([33, 40, 40, 60, 40, 40], 38, "13/40 -> 33; 30/80 = 37.5% -> 38"),
    2023: ([43, 60, 40, 60, 40, 60], 45, "17/40 = 42.5% -> 43 (half up); 36/80 = 45%"),
    2024: ([43, 60, 40, 80, 40, 60], 46, "卫健 4/5 = 80%; 37/80 = 46.25% -> 46"),
    2025: ([45, 60, 40, 80, 40, 60], 48, "18/40 = 45%; 38/80 = 47.5% -> 48"),
    2026: ([45, 60, 40, 80, 40, 60], 48, "as 2025: nothing sealed or ended since"),
}

# Nanxun's 考核津贴发放汇总表: (tier, people paid, yuan) per tier, then people and yuan in all.
# 周国强 南浔工匠 2018; 潘晓燕 技术标兵 2018 -> 首席技工 2021; 陆明华 南浔工匠 2019 (retired 2024-08-31); 沈建华 首席技工 2019;
# 钱磊 技术标兵 2020; 姚静 技术标兵 2022; 顾海峰 南浔工匠 2023. Allowances 5,000 / 3,000 / 1,500 a year.
ALLOWANCES: dict[int, tuple[tuple[int, int, int], int, int, str]] = {
    2018: ((1, 0, 1), 2, 6_500, "周国强 5,000 + 潘晓燕 (技术标兵) 1,500"),
    2019: ((2, 1, 1), 4, 14_500, "+ 陆明华 5,000 + 沈建华 3,000"),
    2020: ((2, 1, 2), 5, 16_000, "+ 钱磊 1,500"),
    2021: ((2, 2, 1), 5, 17_500, "潘晓燕 promoted: paid 3,000 as 首席技工, no longer 1,500 as 技术标兵 (one allowance)"),
    2022: ((2, 2, 2), 6, 19_000, "+ 姚静 1,500"),
    2023: ((3, 2, 2), 7, 24_000, "+ 顾海峰 5,000"),
    2024: ((3, 2, 2), 7, 24_000, "陆明华 retires in 2024: paid for his last year"),
    2025: ((2, 2, 2), 6, 19_000, "陆明华 retired: 24,000 - 5,000"),
    2026: ((2, 2, 2), 6, 19_000, "as 2025"),
    2027: ((2, 2, 2), 6, 19_000, "as 2025 (周国强, born 1968, has no retirement recorded)"),
}
RATES = (5_000, 3_000, 1_500)


@pytest.fixture(scope="module")
def registry() -> Registry:
    run = validate(REPO / "records", today=TODAY, jobs=1)
    assert not run.result.errors, run.result.errors
    return run.registry


def _form(registry: Registry, programme: str, year: int, stem: str) -> Form:
    forms = programme_forms(registry.programmes[programme], registry, year, TODAY)
    return next(f for f in forms if f.id.endswith(stem) or stem in f.title)


def _grid(form: Form, index: int = 0) -> list[list[str]]:
    grids = [b for b in form.blocks if isinstance(b, Grid)]
    return [[cell.text for cell in row] for row in grids[index].rows[grids[index].head:]]


@pytest.mark.parametrize("year", sorted(REPORTS))
def test_each_years_report_counts_what_the_records_say(registry: Registry, year: int) -> None:
    lines, new, _why = REPORTS[year]
    form = _form(registry, TAOYUAN, year, "年度报送表")
    printed = _grid(form, 0)
    assert [row[0] for row in printed] == [line[0] for line in lines]
    assert [[int(x) if x else None for x in row[1:]] for row in printed] == [list(line[1:]) for line in lines]
    assert sorted(row[1] for row in _grid(form, 1)) == [f"taoyuan-{n}" for n in new]


@pytest.mark.parametrize("year", sorted(REPORTS))
def test_each_years_quota_table_matches_its_report(registry: Registry, year: int) -> None:
    lines, _new, _ = REPORTS[year]
    shares, total_share, _why = QUOTA_PERCENT[year]
    printed = _grid(_form(registry, TAOYUAN, year, "任务分配表"))
    expected = [[name, "5", str(target), str(done), f"{share}%", ""]
                for (name, target, _s, done, _c, _e), share in zip(lines[:6], shares, strict=True)]
    expected += [["其它单位", "", "", "0", "", "其它单位有符合条件的师徒对子\n可按文件要求报送"],
                 ["合计", "5", "80", str(lines[-1][3]), f"{total_share}%", "活动总目标 80 对"]]
    assert printed == expected


@pytest.mark.parametrize("year", sorted(ALLOWANCES))
def test_each_years_allowance_sheet(registry: Registry, year: int) -> None:
    people, total_people, total, _why = ALLOWANCES[year]
    form = _form(registry, NANXUN, year, "发放汇总表")
    expected = [[tier, str(n), f"{rate:,}", f"{n * rate:,}"] for tier, n, rate in zip(("南浔工匠", "首席技工", "技术标兵"), people, RATES, strict=True)]
    expected.append(["合计", str(total_people), "", f"{total:,}"])
    assert _grid(form, 0) == expected
    named = _grid(form, 1)
    assert len(named) == total_people and sum(int(row[5].replace(",", "")) for row in named) == total
    assert ("陆明华" in [row[1] for row in named]) == (year in range(2019, 2025))
    assert [row[1] for row in named].count("潘晓燕") == 1


# ------------------------------------------------------------------ the site
class _Numbers(HTMLParser):
    """The integers a visitor reads in a page's content, in order (not the as-of date: it moves with git)."""

    def __init__(self, within: str) -> None:
        super().__init__()
        self.within, self.depth, self.skip = within, 0, 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == self.within
        self.skip += tag in ("time", "script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == self.within
        self.skip -= tag in ("time", "script", "style")

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.text.append(data)


def _page_numbers(site: Path, page: str) -> list[int]:
    reader = _Numbers("article")
    html = (site / page / "index.html").read_text(encoding="utf-8")
    reader.feed(re.sub(r"<div hidden data-pagefind-body>.*?</div>", "", html, flags=re.S))  # the search entry is not read
    return [int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", " ".join(reader.text))]


def _year_rows(rows: list[tuple[int, int, int, int]], this_year: int = 2026) -> Iterator[int]:
    """按年度进度: year, 当年完成, 累计完成, 均衡计划, then 落后 N when behind in a year that has come."""
    for year, done, cumulative, plan in rows:
        yield from (year, done, cumulative, plan)
        if cumulative < plan and year <= this_year:
            yield plan - cumulative


def _chart(rows: list[tuple[int, int, int, int]]) -> Iterator[int]:
    """Chart rows: year, actual, plan, share % ("<1%" reads as 1)."""
    for row in rows:
        yield from row


# The Taoyuan page (today's figures: terminated pairs and renewals out, pairs by the year they started).
TAOYUAN_PAGE = [
    2019, 11, 2019, 2023, 80, 38, 48,  # 桃工发〔2019〕11号, 2019–2023 年, 目标 80, 已完成 38 (40 sealed - 2 renewals), 38/80 = 47.5% -> 48
    4,  # the heading: 各单位任务分配（附件4）
    # 附件4 today: 高新区 电机 11 (2019-001/002, 2020-001/002/003, 2021-001/002, 2022-006, 2023-001/002, 2025-002) + 铝业 7
    # (2019-003, 2020-004/005, 2021-003/004, 2023-004/007); 农办 2020-011, 2021-008, 2023-005; 教育 2019-004, 2020-006/007,
    # 2021-005, 2022-002/003; 卫健 2020-008, 2021-006, 2022-005, 2023-006; 住建 2020-009, 2021-007, 2022-004, 2023-008;
    # 工信 2020-012, 2021-010, 2023-003
    5, 40, 18, 45, 5, 5, 3, 60, 5, 15, 6, 40, 5, 5, 4, 80, 5, 10, 4, 40, 5, 5, 3, 60, 0,
    # by the year they started: 2019 4; 2020 11 (12 - 010 terminated); 2021 9 (10 - 009); 2022 5 (7 - renewal 001 - 007);
    # 2023 8; even plan 80 × k / 5
    *_year_rows([(2019, 4, 4, 16), (2020, 11, 15, 32), (2021, 9, 24, 48), (2022, 5, 29, 64), (2023, 8, 37, 80)]),
    38, 2, 1, 2019, 2023, 37,  # the note: 2 renewals not counted again; 2025-002 started outside 2019–2023: 38 - 1 = 37
    # chart: cumulative against plan: 4/16 25%, 15/32 46.9% -> 47, 24/48 50%, 29/64 45.3% -> 45, 37/80 46.25% -> 46
    *_chart([(2019, 4, 16, 25), (2020, 15, 32, 47), (2021, 24, 48, 50), (2022, 29, 64, 45), (2023, 37, 80, 46)]),
]

NANXUN_TIERS = [  # year, 南浔工匠 named, 首席技工 named, 技术标兵 named, people holding a tier, of them paid, yuan
    (2018, 1, 0, 1, 2, 2, 6_500), (2019, 1, 1, 0, 4, 4, 14_500), (2020, 0, 0, 1, 5, 5, 16_000), (2021, 0, 1, 0, 5, 5, 17_500),
    (2022, 0, 0, 1, 6, 6, 19_000), (2023, 1, 0, 0, 7, 7, 24_000), (2024, 0, 0, 0, 7, 7, 24_000), (2025, 0, 0, 0, 7, 6, 19_000),
    (2026, 0, 0, 0, 7, 6, 19_000), (2027, 0, 0, 0, 7, 6, 19_000),
]
NANXUN_PAGE = [
    2018, 2027, 10000, 7, 1,  # 2018–2027 年, 目标 10000 (1,000 a year × 10), 已完成 7 people, 7/10000 -> "<1%"
    1100, 100, 200, 800, 1000, 1000,  # the quota note: 100+200+800 = 1,100 against the total's 1,000 a year
    5000, 3000, 1500,  # the tiers' allowances in the heading
    *[n for y, a, b, c, held, paid, yuan in NANXUN_TIERS for n in (y, a, 100, b, 200, c, 800, held, paid, yuan)],
    # the note: 8 selections, 7 people (潘晓燕 promoted in 2021); 陆明华 retired 2024
    8, 7, 2021, 2024,
    # new people by year: 2018 周国强 潘晓燕; 2019 陆明华 沈建华; 2020 钱磊; 2021 none (a promotion); 2022 姚静; 2023 顾海峰
    *_year_rows([(2018 + k, d, c, 1000 * (k + 1)) for k, (d, c) in enumerate([(2, 2), (2, 4), (1, 5), (0, 5), (1, 6), (1, 7),
                                                                             (0, 7), (0, 7), (0, 7), (0, 7)])]),
    # chart: selections a year (潘晓燕's promotion is 2021's one) against 1,000: "<1%" for 1 or 2, 0% for none
    *_chart([(2018, 2, 1000, 1), (2019, 2, 1000, 1), (2020, 1, 1000, 1), (2021, 1, 1000, 1), (2022, 1, 1000, 1),
             (2023, 1, 1000, 1), (2024, 0, 1000, 0), (2025, 0, 1000, 0), (2026, 0, 1000, 0), (2027, 0, 1000, 0)]),
]

WUCHANG_NAMED = {2015: 1, 2016: 2, 2017: 1}  # 王强 2015; 何平, 罗莹 2016; 曹毅 2017 (since 已撤销)
WUCHANG_PAGE = [
    2014, 2, 2014, 2023, 50, 3, 6,  # 武昌人才办〔2014〕2号; 目标 50; 已完成 3 (王强, 何平, 罗莹 整改中; not 曹毅, 已撤销); 6%
    *[n for y in range(2014, 2024) for n in (y, WUCHANG_NAMED.get(y, 0), 5)],  # namings a year against the cap of 5
    2017,  # the note: 曹毅汉绣名师工作室 (2017 年命名) 已撤销
    *_year_rows([(y, d, c, 5 * (y - 2013)) for y, d, c in [(2014, 0, 0), (2015, 1, 1), (2016, 2, 3), (2017, 0, 3), (2018, 0, 3),
                                                           (2019, 0, 3), (2020, 0, 3), (2021, 0, 3), (2022, 0, 3), (2023, 0, 3)]]),
    *_chart([(y, WUCHANG_NAMED.get(y, 0), 5, 20 * WUCHANG_NAMED.get(y, 0)) for y in range(2014, 2024)]),
]

CHONGQING_PAGE = [
    2017, 2021, 6, 2, 33,  # 数控车工 (2017-12-20) and 维修电工 (2018-06-15): 2 of 6, 33.3% -> 33
    2017, 1, 3, 2018, 1, 3, 2019, 0, 3, 2020, 0, 3, 2021, 0, 3,  # namings against the cap of 3
    # even plan 6 × k / 5: 1.2 -> 1, 2.4 -> 2, 3.6 -> 4, 4.8 -> 5, 6
    *_year_rows([(2017, 1, 1, 1), (2018, 1, 2, 2), (2019, 0, 2, 4), (2020, 0, 2, 5), (2021, 0, 2, 6)]),
    *_chart([(2017, 1, 3, 33), (2018, 1, 3, 33), (2019, 0, 3, 0), (2020, 0, 3, 0), (2021, 0, 3, 0)]),
]

PROGRESS_INDEX = [  # each programme's line, ordered by id: 年度, 目标, 已完成, 进度
    2017, 2021, 6, 2, 33,
    2018, 2027, 10000, 7, 1,  # "<1%"
    2019, 2023, 80, 38, 48,
    2014, 2023, 50, 3, 6,
]


@pytest.mark.parametrize(("page", "expected"), [
    ("progress/taoyuan-pairing-2019", TAOYUAN_PAGE), ("progress/nanxun-talents-2018", NANXUN_PAGE),
    ("progress/wuchang-studios-2014", WUCHANG_PAGE), ("progress/chongqing-school-studios", CHONGQING_PAGE),
    ("progress", PROGRESS_INDEX),
], ids=lambda v: v if isinstance(v, str) else "")
def test_every_number_on_the_progress_pages(sample_site: Path, page: str, expected: list[int]) -> None:
    assert _page_numbers(sample_site, page) == expected


def test_home_cards_and_links(sample_site: Path) -> None:
    """已命名工作室 7: 数控车工, 维修电工, 何平, 李军, 陆明华, 王强, 周国强 (罗莹 整改中, 曹毅 已撤销, 李娜 申报中 not);
    名匠 39 files, none withdrawn; 培养中 9: 2023-002..008 and 2025-001/002; 已出师 29: 2019 4, 2020 10 (all but 004 延期
    and 010 终止), 2021 9 (all but 009), 2022 5 (001, 002, 004, 005, 006), 2023 1 (001). Levels of the 7: 区级 4 (何平,
    陆明华, 王强, 周国强), 县级 1, 校级 2. The progress lines as on the progress page."""
    html = (sample_site / "index.html").read_text(encoding="utf-8")
    cards = re.findall(r'jp-card-number">(\d+)</span><span class="jp-card-label">([^<]+)<', html)
    assert cards == [("7", "已命名工作室"), ("39", "名匠"), ("9", "培养中的师徒结对"), ("29", "已出师的徒弟")]
    assert re.findall(r">(区级|县级|校级) (\d+) 个</a>", html) == [("区级", "4"), ("县级", "1"), ("校级", "2")]
    lines = re.findall(r"目标 (\d+)，已完成 (\d+)</span><span>.*?</span></span> ([^<]+)%", html)
    assert lines == [("6", "2", "33"), ("10000", "7", "&lt;1"), ("80", "38", "48"), ("50", "3", "6")]
