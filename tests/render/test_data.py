"""The site's tables (render/site/data.py): what the progress page and the profiles read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.render.site.data import HONOUR_LEVELS, _index, _wall, build_site_data
from generator.validate.engine import validate

REPO = Path(__file__).resolve().parents[2]


def test_the_talent_page_names_the_promotion_and_the_retirement() -> None:
    run = validate(REPO / "records", today=date(2026, 6, 1), jobs=1)
    site = build_site_data(run.registry, mask_apprentices=True)
    talent = site.progress["nanxun-talents-2018"]
    assert talent["promotions"] == [{"name": "潘晓燕", "year": 2021, "from": "技术标兵", "to": "首席技工"}]
    assert talent["retirements"] == [{"name": "陆明华", "year": 2024}]
    # The people counted once (a promotion is no second person); the selections, each.
    assert (talent["done"], talent["selections"]) == (7, 8)


def test_relations_list_each_record_once_in_the_order_first_met() -> None:
    grouped = _index([("u1", "b"), ("u2", "x"), ("u1", "a"), ("u1", "b"), ("u2", "x"), ("u1", "c")])
    assert grouped == {"u1": ["b", "a", "c"], "u2": ["x"]}


def test_the_honours_wall_shows_the_latest_years_by_level_bounded_per_year() -> None:
    rows = [{"year": year, "level": level, "name": f"{year}{level}{n}"}
            for level in ("国家级", "市级") for year in (2021, 2020, 2019) for n in range(3)]  # as honours() orders them
    wall = _wall(rows, years=2, per_year=4)
    assert [year for year, _ in wall] == [2021, 2020]
    levels = dict(wall[0][1])
    assert [r["name"] for r in levels["国家级"]] == ["2021国家级0", "2021国家级1", "2021国家级2"]
    assert [r["name"] for r in levels["市级"]] == ["2021市级0"]  # four a year, in the order given


def _wall_by_a_pass(rows: list[dict], years: int, per_year: int) -> list:
    """The wall as a pass over every honour makes it."""
    shown = sorted({r["year"] for r in rows}, reverse=True)[:years]
    by_year: dict[int, list[dict]] = {year: [] for year in shown}
    for row in rows:
        if row["year"] in by_year and len(by_year[row["year"]]) < per_year:
            by_year[row["year"]].append(row)
    return [(year, [(level, items) for level in HONOUR_LEVELS if (items := [r for r in by_year[year] if r["level"] == level])])
            for year in shown]


@pytest.mark.parametrize("seed", range(30))
def test_the_honours_wall_found_by_bisection_is_the_wall_a_pass_makes(seed: int) -> None:
    import random

    from generator.render.site.data import _level_year

    pick = random.Random(seed)
    levels = [*HONOUR_LEVELS, "其他"]  # a level of no rank: last, counted in its year's share, not shown
    rows = [{"year": pick.randint(2000, 2000 + pick.randint(0, 12)), "level": pick.choice(levels), "name": str(n)}
            for n in range(pick.randint(0, 400))]
    rows.sort(key=_level_year)
    years, per_year = pick.randint(1, 6), pick.randint(1, 50)
    assert _wall(rows, years, per_year) == _wall_by_a_pass(rows, years, per_year)
