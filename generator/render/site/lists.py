"""The index pages' lists (名匠, 工作室, 师徒结对, 荣誉榜, 单位) in a form that scales.

Each list is defined once here: its columns, its facets and its rows. The page
shows its first page of rows as HTML (what a visitor without JavaScript sees); the whole list goes to a compact
JSON file (``lists/<name>.json``) that ``assets/lists.js`` loads when the
visitor filters, sorts or turns a page, so that no page ever ships ten thousand
rows of HTML. Filters and page live in the address (``?工种=电工&页=2``).
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from generator.render import readings
from generator.render.site.data import HONOUR_LEVELS, PAIR_STATUSES, SKILL_LEVELS, STUDIO_LEVELS, SiteData

PAGE_ROWS = 50
FIRST_ROWS = PAGE_ROWS  # the page's own rows are page 1, as lists.js pages them (?页=2 is rows 51–100)


@cache
def _syllable(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.TONE3, errors="default")[0]


@cache
def _polyphone(char: str) -> bool:
    from pypinyin import Style, pinyin

    return len(pinyin(char, style=Style.TONE3, heteronym=True)[0]) > 1


@cache
def pinyin_key(text: str) -> tuple[tuple[str, ...], str]:
    """Sort key for Chinese text in the order of a Chinese dictionary (by pinyin, then by tone).

    A character at a time (cached): names are made of a few thousand characters, so ten
    thousand names sort in milliseconds. A name with a character of several readings is read
    whole, with pypinyin's phrase data: 重庆 is chóngqìng (under C), not zhòng. Each text's key
    is kept too: ``serve`` sorts the same names again at every save, and each build finds the
    readings of the last in the user's cache (readings.py)."""
    return (tuple(readings.reading("tone3", text, _tone3)), text)


def _tone3(text: str) -> list[str]:
    if any(_polyphone(c) for c in text):
        from pypinyin import Style, lazy_pinyin

        return list(lazy_pinyin(text, style=Style.TONE3, errors="default"))
    return [_syllable(c) for c in text]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    # "masters", "studios", "units": the cell links to that profile (id in "<key>_id");
    # "holder": to a master or a studio, as "<key>_kind" says.
    link: str = ""
    kind: str = "text"  # "text", "status" (a state shown in words and colour), "date", "number"


@dataclass(frozen=True, slots=True)
class Facet:
    key: str
    label: str
    options: tuple[str, ...]
    # "exact": the row's value (or one of its values) is the option; "contains": the option is
    # part of the row's value, so 电工 also finds 维修电工.
    match: str = "exact"


@dataclass
class ListSpec:
    name: str
    columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    rows: list[dict[str, Any]]
    text_keys: tuple[str, ...]  # what the text box searches
    sorts: tuple[tuple[str, str], ...] = ()  # (key, label); "-key" sorts newest/highest first
    empty: str = "没有符合条件的记录。"
    layout: str = "table"  # or "cards": one card a row, the first column as its title
    keys: tuple[str, ...] = field(default=())
    count: int | None = None  # the whole list's rows, in a view that holds its first rows only (``view``)

    def __post_init__(self) -> None:
        wanted = [c.key for c in self.columns] + [f"{c.key}_id" for c in self.columns if c.link]
        wanted += [f"{c.key}_kind" for c in self.columns if c.link == "holder"]
        wanted += ["thumb"] if self.layout == "cards" else []
        wanted += [f.key for f in self.facets] + list(self.text_keys)
        self.keys = tuple(dict.fromkeys(wanted))

    @property
    def columns_json(self) -> str:
        """What lists.js needs to draw a cell like the template does."""
        return json.dumps([{"key": c.key, "label": c.label, "link": c.link, "kind": c.kind} for c in self.columns], ensure_ascii=False)

    @property
    def first(self) -> list[dict[str, Any]]:
        return self.rows[:FIRST_ROWS]

    @property
    def total(self) -> int:
        return self.count if self.count is not None else len(self.rows)

    def view(self) -> ListSpec:
        """What the list's page shows (its first rows, the facets, the count): at L a few kilobytes where the whole
        list is 100,000 rows, handed to the process that renders the page by the one that made the list."""
        return replace(self, rows=self.first, count=self.total)

    @property
    def page_rows(self) -> int:
        return PAGE_ROWS  # lists.js's PAGE: one page size everywhere

    def payload(self) -> dict[str, Any]:
        """The JSON file: field names once, then one array a row."""
        # A row's values picked at C speed (tuples: the same JSON arrays); a row without one of the keys shows null there.
        pick = operator.itemgetter(*self.keys) if len(self.keys) > 1 else lambda row: (row[self.keys[0]],)
        try:
            rows: list[Any] = list(map(pick, self.rows))
        except KeyError:
            rows = [[row.get(k) for k in self.keys] for row in self.rows]
        return {"fields": list(self.keys), "rows": rows}


def _options(rows: list[dict[str, Any]], key: str, order: Iterable[str] | None = None) -> tuple[str, ...]:
    """A facet's options, the rows' values under ``key``: in the vocabulary's order (levels by rank), else by pinyin."""
    present = _distinct(rows, key)
    if order is not None:
        ranked = [v for v in order if v in present]
        return tuple(ranked + sorted(present - set(ranked), key=pinyin_key))
    return tuple(sorted(present, key=pinyin_key))


def _distinct(rows: list[dict[str, Any]], key: str) -> set[str]:
    """The distinct values under ``key`` as text, empty ones left out; a list gives each of its items. The set is made
    at C speed where no value is a list (a row at a time in Python took 0.7 s for the lists at L)."""
    try:
        values = list(map(operator.itemgetter(key), rows))
    except KeyError:  # a row without the key: none there
        values = [row.get(key) for row in rows]
    try:
        return {str(v) for v in set(values) if v}
    except TypeError:  # lists among them (not hashable): their items, and the other values
        items = set(itertools.chain.from_iterable(v for v in values if isinstance(v, list)))
        return ({str(v) for v in items} - {""}) | {str(v) for v in values if v and not isinstance(v, list)}


def _pinyin_ranks(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    """Each distinct text under ``key``, its place in pinyin order: rows sorted by it come in ``pinyin_key``'s order
    (which tells every two texts apart), comparing numbers instead of tuples of syllables (half the sort at L)."""
    return {text: i for i, text in enumerate(sorted(set(map(operator.itemgetter(key), rows)), key=pinyin_key))}


def _thumb(site: SiteData, kind: str, record_id: str) -> str | None:
    found = site.photo(kind, record_id)
    return found.thumb if found else None


def masters(site: SiteData) -> ListSpec:
    # site.unit_label and _thumb inlined: three method calls a master were a third of this at L.
    labels, photos = site.unit_labels, site.photos
    rows = [{"name": m["name"], "name_id": m["id"], "trade": m["trade"], "skill_level": m["skill_level"],
             "unit": labels.get(m["unit"] or "", m["unit"] or ""), "unit_id": m["unit"],
             "honour": m["honours"][0]["name"] if m["honours"] else "",
             "tier": sorted({t["tier"] for t in m["talent"]}) if m["talent"] else [],
             "thumb": photo.thumb if (photo := photos.get(f"masters/{m['id']}")) else None}
            for m in site.masters.values()]
    rank = _pinyin_ranks(rows, "name")
    rows.sort(key=lambda r: rank[r["name"]])
    return ListSpec(
        "masters",
        (Column("name", "姓名", "masters"), Column("trade", "工种"), Column("skill_level", "技术等级"),
         Column("unit", "单位", "units"), Column("honour", "最高荣誉")),
        (Facet("trade", "工种", _options(rows, "trade"), "contains"),
         Facet("skill_level", "技术等级", _options(rows, "skill_level", reversed(SKILL_LEVELS))),
         Facet("unit", "单位", _options(rows, "unit")),
         Facet("tier", "人才层级", _options(rows, "tier"))),
        rows, ("name", "trade", "unit", "honour"), (("name", "姓名"), ("unit", "单位"), ("trade", "工种")),
        "没有符合条件的名匠。", "cards")


def studios(site: SiteData) -> ListSpec:
    rows = [{"name": s["name"], "name_id": s["id"], "type": s["type"], "level": s["level"], "field": s["field"],
             "leader": site.name("masters", s["leader"]), "leader_id": s["leader"],
             "unit": site.unit_label(s["unit"]), "unit_id": s["unit"], "status": s["status"],
             "named": s["named"] or "", "thumb": _thumb(site, "studios", s["id"])}
            for s in site.studios.values()]
    level_rank = {level: i for i, level in enumerate(STUDIO_LEVELS)}
    rows.sort(key=lambda r: (level_rank.get(r["level"], 99), pinyin_key(r["name"])))
    return ListSpec(
        "studios",
        (Column("name", "名称", "studios"), Column("type", "类型"), Column("level", "级别"), Column("field", "领域"),
         Column("leader", "领办人", "masters"), Column("unit", "依托单位", "units"), Column("named", "命名日期", kind="date"),
         Column("status", "状态", kind="status")),
        (Facet("type", "类型", _options(rows, "type")),
         Facet("level", "级别", _options(rows, "level", STUDIO_LEVELS)),
         Facet("field", "领域", _options(rows, "field")),
         Facet("unit", "单位", _options(rows, "unit")),
         Facet("status", "状态", _options(rows, "status", ("已命名", "整改中", "申报中", "已撤销")))),
        rows, ("name", "leader", "unit", "field"), (("level", "级别"), ("name", "名称"), ("-named", "命名日期（最新在前）")),
        "没有符合条件的工作室。", "cards")


def pairs(site: SiteData) -> ListSpec:
    rows = [{"apprentice": p["apprentice"], "master": site.name("masters", p["master"]), "master_id": p["master"],
             "unit": site.unit_label(p["unit"]), "unit_id": p["unit"], "start": p["start"], "end": p["end"],
             "status": p["status"], "stages": f"{p['stages_done']}/{p['stages_total']}",
             "evaluation": p["evaluation_result"] or "—", "programme": site.name("programmes", p["programme"]),
             "renewal": "续签" if p["renews"] else ""}
            for p in site.pairs.values()]
    rows.sort(key=lambda r: (r["start"], r["master"]), reverse=True)
    return ListSpec(
        "pairs",
        (Column("apprentice", "徒弟"), Column("master", "师傅", "masters"), Column("unit", "单位", "units"),
         Column("start", "开始", kind="date"), Column("end", "结束", kind="date"), Column("status", "状态", kind="status"),
         Column("stages", "阶段完成"), Column("evaluation", "期满鉴定")),
        (Facet("programme", "活动", _options(rows, "programme")),
         Facet("unit", "单位", _options(rows, "unit")),
         Facet("status", "状态", _options(rows, "status", PAIR_STATUSES))),
        rows, ("master", "apprentice", "unit"), (("-start", "开始日期（最新在前）"), ("master", "师傅"), ("unit", "单位")),
        "没有符合条件的师徒结对。")


def honours(site: SiteData) -> ListSpec:
    rows = [{"year": h["year"], "name": h["name"], "level": h["level"], "holder": h["holder_name"],
             "holder_id": h["holder"], "holder_kind": h["holder_kind"], "issuer": h["issuer"] or ""}
            for h in site.honours()]
    level_rank, holder_rank = {level: i for i, level in enumerate(HONOUR_LEVELS)}, _pinyin_ranks(rows, "holder")
    rows.sort(key=lambda r: (-r["year"], level_rank.get(r["level"], 99), holder_rank[r["holder"]]))
    return ListSpec(
        "honours",
        (Column("year", "年份", kind="number"), Column("name", "荣誉"), Column("level", "级别"),
         Column("holder", "获得者", "holder"), Column("issuer", "授予单位")),
        (Facet("level", "级别", _options(rows, "level", HONOUR_LEVELS)),
         Facet("year", "年份", tuple(str(y) for y in sorted({r["year"] for r in rows}, reverse=True)))),
        rows, ("name", "holder", "issuer"), (("-year", "年份（最新在前）"), ("level", "级别"), ("holder", "获得者")),
        "没有符合条件的荣誉。")


def units(site: SiteData) -> ListSpec:
    rows = [{"name": u["name"], "name_id": u["id"], "type": u["type"], "region": u["region"] or "",
             "parent": site.unit_label(u["parent"]) if u["parent"] else "", "parent_id": u["parent"] or "",
             "studios": len(site.related("studios_of_unit", u["id"])), "masters": len(site.related("masters_of_unit", u["id"])),
             "pairs": len(site.related("pairs_of_unit", u["id"]))}
            for u in site.units.values()]
    rows.sort(key=lambda r: pinyin_key(r["name"]))
    return ListSpec(
        "units",
        (Column("name", "单位", "units"), Column("type", "类型"), Column("region", "地区"), Column("parent", "上级单位", "units"),
         Column("studios", "工作室", kind="number"), Column("masters", "名匠", kind="number"), Column("pairs", "师徒结对", kind="number")),
        (Facet("type", "类型", _options(rows, "type")), Facet("region", "地区", _options(rows, "region"))),
        rows, ("name", "region", "parent"), (("name", "名称"), ("-masters", "名匠人数"), ("-pairs", "结对数")),
        "没有符合条件的单位。")


LISTS: tuple[Callable[[SiteData], ListSpec], ...] = (masters, studios, pairs, honours, units)


def build_lists(site: SiteData) -> dict[str, ListSpec]:
    return {spec.name: spec for spec in (make(site) for make in LISTS)}


def write(specs: dict[str, ListSpec], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, spec in sorted(specs.items()):
        # orjson: the same bytes as json.dumps(ensure_ascii=False, separators=(",", ":")), in a third of the time.
        (folder / f"{name}.json").write_bytes(orjson.dumps(spec.payload()) + b"\n")


def facet_order(site: SiteData) -> dict[str, int]:
    """Every unit name and trade as a visitor picks them on the search page, ranked in dictionary order at
    build time with the lists' own key: a browser's collation reads 重庆 as zhòng, the lists as chóngqìng."""
    names = {str(u.get("name")) for u in site.units.values() if u.get("name")}
    names |= {str(u.get("short_name")) for u in site.units.values() if u.get("short_name")}
    names |= {str(m.get("trade")) for m in site.masters.values() if m.get("trade")}
    return {name: rank for rank, name in enumerate(sorted(names, key=pinyin_key))}


def write_facet_order(site: SiteData, folder: Path) -> None:
    text = json.dumps(facet_order(site), ensure_ascii=False, separators=(",", ":"))
    (folder / "order.json").write_text(text + "\n", encoding="utf-8")

