"""Quota progress: what counts as a done pair, said once for the site, the forms and the reminders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.model.progress import Progress, pairing_progress
from generator.validate.engine import validate
from tests.conftest import make_registry

PAIR = """id: {id}
programme: pairing
unit: works
master: teacher
apprentice: {{name: {name}, gender: 男}}
start: {start}
end: {end}
approvals: {{administration: {start}, union: {start}, hr: {start}}}
status: {status}
{extra}"""


def _progress(tmp_path: Path, pairs: dict[str, str]) -> Progress:
    records = make_registry(tmp_path)
    (records / "pairs" / "base-pair.yml").unlink()
    for name, text in pairs.items():
        (records / "pairs" / f"{name}.yml").write_text(text, encoding="utf-8")
    run = validate(records, today=date(2026, 6, 1), jobs=1)
    assert run.result.errors == [], run.result.errors
    return pairing_progress(run.registry, run.registry.programmes["pairing"])


def test_a_renewal_is_counted_once_and_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    prog = _progress(tmp_path, {
        "first": PAIR.format(id="first", name="王甲", start="2020-03-01", end="2021-02-28", status="已延期", extra=""),
        "again": PAIR.format(id="again", name="王甲", start="2021-03-01", end="2022-02-28", status="培养中",
                             extra="renews: first\n"),
        "other": PAIR.format(id="other", name="李乙", start="2021-05-01", end="2022-04-30", status="培养中", extra=""),
    })
    assert (prog.done, prog.renewals) == (2, 1)
    assert sum(y.done for y in prog.years) == 2


def test_pairs_started_outside_the_years_count_in_the_total_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # The base programme runs 2020-2024.
    prog = _progress(tmp_path, {
        "inside": PAIR.format(id="inside", name="王甲", start="2021-03-01", end="2022-02-28", status="培养中", extra=""),
        "late": PAIR.format(id="late", name="李乙", start="2025-03-01", end="2026-02-28", status="培养中", extra=""),
    })
    assert (prog.done, prog.outside_years) == (2, 1)
    assert sum(y.done for y in prog.years) == prog.done - prog.outside_years


def test_a_promoted_talent_is_one_person_paid_once_nanxun_sample() -> None:
    """Counted by hand from records/ (Nanxun's 千名技能人才, tiers 南浔工匠 5000 / 首席技工 3000 / 技术标兵 1500 元 a year):

    - 周国强 南浔工匠 2018; 潘晓燕 技术标兵 2018 → 首席技工 2021 (晋升); 陆明华 南浔工匠 2019; 沈建华 首席技工 2019;
      钱磊 技术标兵 2020; 姚静 技术标兵 2022; 顾海峰 南浔工匠 2023: seven people, eight selections.
    - 2022's bill: 南浔工匠 周国强, 陆明华 (2 × 5000); 首席技工 沈建华, 潘晓燕 (2 × 3000, 潘晓燕 no longer 技术标兵);
      技术标兵 钱磊, 姚静 (2 × 1500): 6 people, 19,000 元 (not 7 and 20,500: she is paid once).
    - 2021, the year of her promotion: 南浔工匠 2, 首席技工 2 (沈建华, 潘晓燕), 技术标兵 1 (钱磊): 5 people, 17,500 元.
    """
    from generator.model.progress import talent_holders, talent_progress
    from generator.render.forms.reports import allowance_sheet
    from tests.conftest import REPO

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    programme = registry.programmes["nanxun-talents-2018"]
    progress, tiers = talent_progress(registry, programme)
    assert progress.done == 7
    for year, people, bill in ((2021, 5, 17_500), (2022, 6, 19_000)):
        rows = [t for t in tiers if t.year == year]
        assert (sum(t.holders_so_far for t in rows), sum(t.allowance_total or 0 for t in rows)) == (people, bill), year
    held = {m.name: (tier, named) for m, tier, named in talent_holders(registry, programme, 2022)}
    assert held["潘晓燕"] == ("首席技工", 2021) and len(held) == 6
    form = allowance_sheet(programme, 2022, registry)
    names = [row[1].text for row in form.blocks[1].rows[1:]]  # type: ignore[union-attr]
    assert names.count("潘晓燕") == 1 and len(names) == 6


def test_a_renewals_completion_counts_in_the_year_it_happened_taoyuan_sample() -> None:
    """Counted by hand from records/ (Taoyuan, 2024's 师徒结对活动年度报送表):

    - taoyuan-2022-001 renews taoyuan-2020-004 (桃源示例铝业, under 桃源高新区) and reached 出师 on 2024-06-15: one
      more 出师 for 高新区 in 2024 (3 + 1 = 4), 7 in all; the renewal is no new pair (cumulative 17 unchanged).
    - 2024's only new pair is taoyuan-2023-006: its last seal (人力资源, 2023-12-16) came after 2023's statistics date
      (12-15), so it is new in 2024's report rather than in none.
    """
    from generator.model.progress import pairing_year
    from tests.conftest import REPO

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    rows, new = pairing_year(registry, registry.programmes["taoyuan-pairing-2019"], 2024)
    by_unit = {row.unit: row for row in rows}
    assert (by_unit["taoyuan-hi-tech-zone"].completed, by_unit["taoyuan-hi-tech-zone"].cumulative) == (4, 17)
    assert sum(row.completed for row in rows) == 7 and [p.id for p in new] == ["taoyuan-2023-006"]


def test_a_revoked_studio_is_no_longer_done_wuchang_sample() -> None:
    """Counted by hand from records/ (武昌区名师工作室): named 王强焊接 (2015), 何平针灸 and 罗莹语文 (2016, 罗莹 now
    整改中: it keeps its name while it rectifies), 曹毅汉绣 (2017, since 已撤销); 李娜 申报中, never named.

    - 已完成: 3 (the revoked studio has lost its name; before, 4);
    - each year's namings against the yearly cap still count every naming in its year: 2015 1, 2016 2, 2017 1.
    """
    from generator.model.progress import studio_progress
    from tests.conftest import REPO

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    progress, named = studio_progress(registry, registry.programmes["wuchang-studios-2014"])
    assert progress.done == 3 and named == {2015: 1, 2016: 2, 2017: 1}
    assert progress.years[-1].cumulative == 3


def test_nanxun_has_one_plan_figure_and_says_why_the_tiers_differ() -> None:
    """The document: "每年选拔出1000名", 10 years, tiers 100 + 200 + 800 (= 1,100). One plan figure on the page and
    its chart, 1,000 a year (the total over the years); the tiers' sum is named as the document's inconsistency."""
    from generator.render.site.data import build_site_data
    from tests.conftest import REPO

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    entry = build_site_data(registry).progress["nanxun-talents-2018"]
    assert "每年 1100 名（100+200+800）" in entry["quota_note"] and "每年 1000 名计算" in entry["quota_note"]
    assert {row.plan for row in entry["chart"].rows} == {1000}
    assert [y["plan"] for y in entry["years"]][:3] == [1000, 2000, 3000]


def test_every_years_holders_in_one_pass_are_each_years_own() -> None:
    """``talent_progress`` takes each year's holders from one pass over the people (in the order of their years);
    they must be those a pass for that year alone finds: promotions, a second naming to the same tier, people named
    later, years before and after; people out of order are passed once a year, as before."""
    from generator.model.progress import _held, _held_by_year

    class Person:
        def __init__(self, master_id: str) -> None:
            self.id = master_id

    a, b, c = Person("a"), Person("b"), Person("c")
    rank = {"南浔工匠": 0, "首席技工": 1, "技术标兵": 2}
    people = [(a, "技术标兵", 2018), (b, "首席技工", 2018), (a, "首席技工", 2020), (c, "技术标兵", 2020), (a, "技术标兵", 2021),
              (b, "首席技工", 2022), (c, "其他", 2022), (b, "南浔工匠", 2024)]
    years = [2019, 2017, 2018, 2020, 2021, 2022, 2023, 2024, 2030]
    for order in (people, list(reversed(people)), people[3:] + people[:3]):
        wanted = {year: _held(rank, order, year) for year in years}  # type: ignore[arg-type]
        found = _held_by_year(rank, order, years)  # type: ignore[arg-type]
        assert list(found) == years and found == wanted
    assert _held_by_year(rank, people, [2022])[2022] == [(a, "首席技工", 2020), (b, "首席技工", 2018), (c, "技术标兵", 2020)]  # type: ignore[arg-type]
