"""The index pages' lists (render/site/lists.py): their facets, order and JSON rows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from generator.render.site import lists
from generator.render.site.data import HONOUR_LEVELS, SiteData, build_site_data
from generator.render.site.lists import ListSpec, _options, pinyin_key
from generator.validate.engine import validate

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site() -> SiteData:
    run = validate(REPO / "records", today=date(2026, 6, 1), jobs=1)
    return build_site_data(run.registry, mask_apprentices=True)


def test_a_facet_offers_each_item_of_a_list_value_and_no_empty_option() -> None:
    rows: list[dict[str, Any]] = [{"tier": ["首席技工", ""]}, {"tier": []}, {"tier": "技术标兵"}, {"tier": None}, {"tier": 0},
                                  {"tier": ["首席技工", "技术能手"]}]
    assert _options(rows, "tier") == tuple(sorted({"首席技工", "技术标兵", "技术能手"}, key=pinyin_key))


def test_a_facet_reads_a_row_without_the_key_as_empty_and_sorts_by_pinyin_or_by_the_vocabulary() -> None:
    rows: list[dict[str, Any]] = [{"unit": "重庆机床厂"}, {"unit": ""}, {}, {"unit": "北京机床厂"}, {"unit": "重庆机床厂"}]
    assert _options(rows, "unit") == ("北京机床厂", "重庆机床厂")  # 重庆 is chóngqìng: after běijīng
    # The vocabulary's order first (levels by rank), then a value outside it, by pinyin.
    levels = [{"level": HONOUR_LEVELS[-1]}, {"level": "外省级"}, {"level": HONOUR_LEVELS[0]}, {"level": "本地级"}]
    assert _options(levels, "level", HONOUR_LEVELS) == (HONOUR_LEVELS[0], HONOUR_LEVELS[-1], "本地级", "外省级")


def test_the_lists_come_in_dictionary_order(site: SiteData) -> None:
    made = lists.build_lists(site)
    names = [row["name"] for row in made["masters"].rows]
    assert len(names) > 5 and names == sorted(names, key=pinyin_key)
    assert names != sorted(names)  # the sample's names are not in code point order: the test tells the two apart
    rank = {level: i for i, level in enumerate(HONOUR_LEVELS)}
    honours = [(-row["year"], rank.get(row["level"], 99), pinyin_key(row["holder"])) for row in made["honours"].rows]
    assert len(honours) > 5 and honours == sorted(honours)


def test_a_row_without_a_field_is_null_there_in_the_json_rows() -> None:
    spec = ListSpec("units", (lists.Column("name", "单位"), lists.Column("region", "地区")), (), [{"name": "甲", "region": "湖州"},
                                                                                                    {"name": "乙"}], ("name",))
    assert orjson.loads(orjson.dumps(spec.payload())) == {"fields": ["name", "region"], "rows": [["甲", "湖州"], ["乙", None]]}
    whole = ListSpec("units", spec.columns, (), [{"name": "甲", "region": "湖州"}], ("name",))
    assert orjson.dumps(whole.payload()) == '{"fields":["name","region"],"rows":[["甲","湖州"]]}'.encode()


def test_records_are_counted_by_a_field_all_or_those_named(site: SiteData) -> None:
    statuses = Counter(pair["status"] for pair in site.pairs.values())
    assert site.counted("pairs", "status") == statuses and sum(statuses.values()) == len(site.pairs)
    some = sorted(site.pairs)[:2]
    assert site.counted("pairs", "status", some) == Counter(site.pairs[p]["status"] for p in some)
    assert site.counted("pairs", "status")["没有这种状态"] == 0
