"""The site's tables (render/site/data.py): what the progress page and the profiles read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.render.site.data import _index, _wall, build_site_data
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
            for year in (2019, 2020, 2021) for level in ("国家级", "市级") for n in range(3)]
    wall = _wall(rows, years=2, per_year=4)
    assert [year for year, _ in wall] == [2021, 2020]
    levels = dict(wall[0][1])
    assert [r["name"] for r in levels["国家级"]] == ["2021国家级0", "2021国家级1", "2021国家级2"]
    assert [r["name"] for r in levels["市级"]] == ["2021市级0"]  # four a year, in the order given
