"""Everything the site templates read, built once from the registry.

Templates only ever see public views (``generator.render.public``) and the
figures of ``generator.model.progress``: never a model object with private data.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

import orjson

from generator.kinds import PROGRAMME_KINDS
from generator.model import progress
from generator.model.entities import MEASURE_LABELS, Master, Programme, Registry, TalentEntry
from generator.render import public
from generator.render.site import charts
from generator.resources import enum

# Vocabularies as the schemas list them (highest level first; skill levels are listed lowest first).
HONOUR_LEVELS = enum("master", "honours", "*", "level")
STUDIO_LEVELS = enum("studio", "level")
PAIR_STATUSES = enum("pair", "status")
SKILL_LEVELS = enum("master", "skill_level")[::-1]
KIND_NAMES = PROGRAMME_KINDS
MEASURES = MEASURE_LABELS


@dataclass
class SiteData:
    programmes: dict[str, dict[str, Any]]
    units: dict[str, dict[str, Any]]
    masters: dict[str, dict[str, Any]]
    studios: dict[str, dict[str, Any]]
    pairs: dict[str, dict[str, Any]]
    by: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    lineage: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    teachers: dict[str, list[str]] = field(default_factory=dict)
    unit_labels: dict[str, str] = field(default_factory=dict)
    # kind ("masters", "studios", "units", "pairs", "programmes") -> id -> date of the record's last change
    updated: dict[str, dict[str, str]] = field(default_factory=dict)
    # The site's own values that pages print: "as_of" (数据截至, the newest change in the registry). A table,
    # so that a profile printing the date depends on it and the others do not (pagedeps tracks it).
    facts: dict[str, str] = field(default_factory=dict)
    site_url: str = ""  # the published address, ending in "/", or ""
    site_name: str = "匠谱 · 工作室与名匠"
    photos: dict[str, Any] = field(default_factory=dict)  # "<kind>/<id>" -> photos.Published
    # honours() as made, with the tables it was made from (``pagedeps.track`` replaces them: made again then).
    _honours: tuple[tuple[object, object], list[dict[str, Any]]] | None = field(default=None, repr=False, compare=False)

    @property
    def as_of(self) -> str:
        """"数据截至" as an ISO date, or ""."""
        return str(self.facts.get("as_of", ""))

    def add_photos(self, published: Mapping[str, Any]) -> None:
        """The published photos; a record's "photo" becomes its public address (or None)."""
        self.photos = dict(published)
        for kind in ("masters", "studios"):
            for record_id, record in getattr(self, kind).items():
                found = self.photos.get(f"{kind}/{record_id}")
                record["photo"] = found.src if found else None

    def photo(self, kind: str, record_id: str) -> Any:
        return self.photos.get(f"{kind}/{record_id}")

    def name(self, kind: str, record_id: str | None) -> str:
        table: dict[str, dict[str, Any]] = getattr(self, kind)
        record = table.get(record_id or "")
        return str(record["name"]) if record else (record_id or "")

    def lineage_picture(self, master_id: str) -> Any:
        """The master's lineage laid out for the page's SVG (render/site/lineage.py), or None."""
        from generator.render.site.lineage import picture

        teachers = [(str(self.masters.get(self.pairs[p]["master"], {}).get("name", self.pairs[p]["master"])),
                     f"{self.pairs[p]['start'][:4]}–{self.pairs[p]['end'][:4]}") for p in self.teachers.get(master_id, [])]
        return picture(str(self.masters[master_id].get("name", master_id)), teachers, self.lineage.get(master_id, []), _Names(self.masters))

    def unit_label(self, unit_id: str | None) -> str:
        return self.unit_labels.get(unit_id or "", unit_id or "")

    def related(self, relation: str, key: str) -> list[str]:
        return self.by.get(relation, {}).get(key, [])

    def talent_tiers(self) -> list[str]:
        return sorted({t["tier"] for m in self.masters.values() for t in m["talent"]})

    def honours(self) -> list[dict[str, Any]]:
        """Every honour with its holder, newest first within each level (a new list; the rows are shared).
        Made once: five parts of a build ask for it, and at L making it took a second each time."""
        made_from = (self.masters, self.studios)
        if self._honours is not None and all(a is b for a, b in zip(self._honours[0], made_from, strict=True)):
            # What making it reads, read again: a page rendered meanwhile depends on every master and studio.
            self.masters.values(), self.studios.values()
            return list(self._honours[1])
        rows = [{**h, "holder_kind": "masters", "holder": m["id"], "holder_name": m["name"]}
                for m in self.masters.values() for h in m["honours"]]
        rows += [{**h, "holder_kind": "studios", "holder": s["id"], "holder_name": s["name"]}
                 for s in self.studios.values() for h in s["honours"]]
        self._honours = (made_from, sorted(rows, key=lambda r: (*_level_year(r), r["holder_name"], r["name"])))
        return list(self._honours[1])

    def latest_honours(self, count: int) -> list[dict[str, Any]]:
        """The ``count`` newest honours (by year; within a year, in ``honours``' order)."""
        return sorted(self.honours(), key=itemgetter("year"), reverse=True)[:count]

    def counted(self, kind: str, field: str, ids: list[str] | None = None) -> Counter[Any]:
        """How many records of ``kind`` (those of ``ids``, else all) hold each value of ``field``: one pass at C speed,
        where a Jinja filter chain for each value took 0.4 s on the pairs' page at L."""
        table: Mapping[str, Mapping[str, Any]] = getattr(self, kind)
        return Counter(map(itemgetter(field), table.values() if ids is None else map(table.__getitem__, ids)))

    def honour_wall(self, years: int = 5, per_year: int = 40) -> list[tuple[int, list[tuple[str, list[dict[str, Any]]]]]]:
        """The honours wall: the latest years, each by level, a bounded number a year."""
        return _wall(self.honours(), years, per_year)


class _Names:
    """A master's name by id, looked up when asked (a dict of every name, made for each of
    2,000 lineages, cost 12 s at M)."""

    def __init__(self, masters: Mapping[str, Mapping[str, Any]]) -> None:
        self._masters = masters

    def get(self, master_id: str, default: str = "") -> str:
        found = self._masters.get(master_id)
        return str(found.get("name", master_id)) if found is not None else default


def _level_year(row: Mapping[str, Any]) -> tuple[int, ...]:
    """An honour's place in ``honours``' order: by level (``HONOUR_LEVELS``, any other last), the newest year first."""
    return _LEVEL_RANK.get(row["level"], len(_LEVEL_RANK)), -row["year"]


_LEVEL_RANK = {level: i for i, level in enumerate(HONOUR_LEVELS)}


def _wall(rows: list[dict[str, Any]], years: int, per_year: int) -> list[tuple[int, list[tuple[str, list[dict[str, Any]]]]]]:
    """The latest ``years`` years of honours, each grouped by level (highest first), each year's first ``per_year``
    rows. ``rows`` in ``honours``' order (``_level_year``): a year's rows of one level are one run, found by bisection
    (a pass over L's 100,000 honours took 0.06 s alone, 0.37 s in a build sharing the cores; the wall reads a
    few hundred)."""
    ranks: list[tuple[int, ...]] = [(rank,) for rank in range(len(_LEVEL_RANK) + 2)]  # a level's rows start at its rank
    blocks = [(bisect_left(rows, ranks[rank], key=_level_year), bisect_left(rows, ranks[rank + 1], key=_level_year))
              for rank in range(len(_LEVEL_RANK) + 1)]
    newest: set[int] = set()
    for start, end in blocks:  # each level's newest years: a year among the latest overall is among its level's
        at = start
        for _ in range(years):
            if at == end:
                break
            newest.add(rows[at]["year"])
            at = bisect_right(rows, _level_year(rows[at]), lo=at, hi=end, key=_level_year)
    wall = []
    for year in sorted(newest, reverse=True)[:years]:
        taken: list[dict[str, Any]] = []
        for rank, (start, end) in enumerate(blocks):
            run: tuple[int, ...] = (rank, -year)
            first = bisect_left(rows, run, lo=start, hi=end, key=_level_year)
            taken += rows[first:min(bisect_right(rows, run, lo=first, hi=end, key=_level_year), first + per_year - len(taken))]
        levels = [(level, [r for r in taken if r["level"] == level]) for level in HONOUR_LEVELS]
        wall.append((year, [(level, items) for level, items in levels if items]))
    return wall


def _index(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The values of each key, once each, in the order first met. (Kept unique by dict keys: a search of the
    list for each value took 0.7 s at L, where a unit has a thousand masters.)"""
    grouped: dict[str, dict[str, None]] = defaultdict(dict)
    for key, value in pairs:
        grouped[key][value] = None
    return {key: list(values) for key, values in grouped.items()}


def _relations(reg: Registry) -> dict[str, dict[str, list[str]]]:
    studios = sorted(reg.studios.values(), key=lambda s: s.id)
    pairs = sorted(reg.pairs.values(), key=lambda p: (p.start, p.id))
    return {
        "studios_of_unit": _index([(s.unit, s.id) for s in studios]),
        "masters_of_unit": _index([(m.unit, m.id) for m in sorted(reg.masters.values(), key=lambda m: m.id)]),
        "pairs_of_unit": _index([(p.unit, p.id) for p in pairs]),
        "children_of_unit": _index([(u.parent, u.id) for u in sorted(reg.units.values(), key=lambda u: u.id) if u.parent]),
        "studios_led": _index([(s.leader, s.id) for s in studios]),
        "studios_joined": _index([(m, s.id) for s in studios for m in s.members]),
        "pairs_of_master": _index([(p.master, p.id) for p in pairs]),
        "pairs_of_studio": _index([(p.studio, p.id) for p in pairs if p.studio]),
        "pairs_of_programme": _index([(p.programme, p.id) for p in pairs]),
        "studios_of_programme": _index([(s.programme, s.id) for s in studios if s.programme]),
    }


def _progress(reg: Registry, this_year: int | None) -> dict[str, dict[str, Any]]:
    """Each programme's figures. Years after ``this_year`` (the data's year) are plans only:
    they are shown, but never flagged as behind."""
    result: dict[str, dict[str, Any]] = {}
    talent, people_of = _talent_by_programme(reg), progress.talent_people_by_programme(reg)
    for p in sorted(reg.programmes.values(), key=lambda p: p.id):
        entry: dict[str, Any] = {"kind": p.kind}
        if p.kind == "pairing":
            prog = progress.pairing_progress(reg, p)
            entry["quotas"] = [{"unit": q.unit, "target": q.target, "years": q.years, "done": q.done, "percent": q.percent,
                                "bar": charts.percent_width(q.done, q.target)} for q in prog.quotas]
            entry["others"] = prog.others
            entry["renewals"] = prog.renewals
            entry["outside_years"] = prog.outside_years
        elif p.kind == "talent":
            mine = talent.get(p.id, [])
            prog, tiers = progress.talent_progress(reg, p, people_of.get(p.id, []))
            entry["tier_names"] = [t.name for t in p.tiers]
            entry["allowances"] = {t.name: t.allowance_yuan_per_year for t in p.tiers}
            entry["tier_years"] = _tier_table(tiers)
            entry["selections"] = sum(t.named for t in tiers)
            entry["promotions"], entry["retirements"] = _talent_changes(mine, p)
            by_year: dict[int, int] = defaultdict(int)
            for t in tiers:
                by_year[t.year] += t.named
            # One plan figure, the document's: its total over its years (Nanxun: 10,000 in 10 years, "每年1000名");
            # where the tiers' quotas add up to another figure (100+200+800 = 1,100), the page says so.
            quota_per_year = p.target // p.years if p.years else sum(t.per_year for t in p.tiers)
            tier_sum = sum(t.per_year for t in p.tiers)
            parts = "+".join(str(t.per_year) for t in p.tiers)
            entry["quota_note"] = (f"各层级名额合计每年 {tier_sum} 名（{parts}），与活动总目标折合的每年 {quota_per_year} 名不一致"
                                   f"（文件原文如此）；进度和图表按总目标，即每年 {quota_per_year} 名计算，各层级名额按层级核对。"
                                   if tier_sum != quota_per_year else "")
            entry["chart"] = charts.against_plan("每年评选人数与计划", [(y, n, quota_per_year) for y, n in sorted(by_year.items())],
                                                 ("评选人数", "每年计划"), this_year=this_year, flag="未满计划")
        else:
            prog, named_by_year = progress.studio_progress(reg, p)
            limit = p.rules.max_named_per_year
            years = range(p.start_year, p.start_year + p.years)
            entry["yearly_targets"] = dict(p.rules.yearly_targets)
            entry["named_by_year"] = [{"year": y, "named": named_by_year.get(y, 0), "limit": limit} for y in years]
            entry["revoked"] = [{"name": s.name, "year": s.named.year} for s in sorted(reg.studios.values(), key=lambda s: (s.named or date.min, s.id))
                                if s.programme == p.id and s.named and s.status == progress.REVOKED]
            entry["chart"] = charts.against_plan("每年命名工作室个数与上限", [(y, named_by_year.get(y, 0), limit) for y in years],
                                                 ("命名个数", "每年上限"))
        entry.update(done=prog.done, target=p.target, percent=prog.percent, bar=charts.percent_width(prog.done, p.target),
                     years=[{"year": y.year, "done": y.done, "cumulative": y.cumulative, "plan": y.plan,
                            "future": this_year is not None and y.year > this_year} for y in prog.years])
        if p.kind == "pairing":
            entry["chart"] = charts.against_plan("累计完成与均衡进度计划", [(y.year, y.cumulative, y.plan) for y in prog.years],
                                                 ("累计完成", "均衡计划"), this_year=this_year, flag="落后于计划")
        result[p.id] = entry
    return result


def _tier_table(tiers: list[progress.TierYear]) -> list[dict[str, Any]]:
    """One row a year: each tier's named count against its quota, and the year's allowance bill."""
    rows: dict[int, dict[str, Any]] = {}
    for t in tiers:
        row = rows.setdefault(t.year, {"year": t.year, "cells": [], "allowance_total": 0, "holders": 0, "paid": 0})
        row["cells"].append({"tier": t.tier, "named": t.named, "quota": t.quota})
        row["holders"] += t.holders_so_far
        row["paid"] += t.paid
        row["allowance_total"] += t.allowance_total or 0
    return [rows[y] for y in sorted(rows)]


def _talent_by_programme(reg: Registry) -> dict[str, list[tuple[Master, list[TalentEntry]]]]:
    """For each programme, the masters named in it (by id) with their selections in it (by year): one pass
    over the masters for all programmes (one a programme took a second at L, with ten programmes)."""
    found: dict[str, list[tuple[Master, list[TalentEntry]]]] = defaultdict(list)
    for master in sorted((m for m in reg.masters.values() if m.talent), key=lambda m: m.id):
        held: dict[str, list[TalentEntry]] = defaultdict(list)
        for talent in master.talent:
            held[talent.programme].append(talent)
        for programme_id, selections in held.items():
            found[programme_id].append((master, sorted(selections, key=lambda t: t.year)))
    return found


def _talent_changes(named: list[tuple[Master, list[TalentEntry]]], programme: Programme) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What makes people and selections differ on the page: promotions (one person, two
    selections, one allowance) and retirements (no allowance after the year of retirement).
    ``named``: the programme's masters with their selections (``_talent_by_programme``)."""
    promotions, retirements = [], []
    for master, mine in named:
        promotions += [{"name": master.name, "year": later.year, "from": earlier.tier, "to": later.tier}
                       for earlier, later in zip(mine, mine[1:], strict=False)]
        if master.retired and master.retired.year < programme.end_year:
            retirements.append({"name": master.name, "year": master.retired.year})
    return promotions, retirements


def _lineage_tree(nodes: list[dict[str, Any]], mask: bool) -> list[dict[str, Any]]:
    return [{"pair": public.pair(n["pair"], mask=mask), "later_master": n["later_master"],
             "children": _lineage_tree(n["children"], mask)} for n in nodes]


_BREAKS = re.compile(rb"\\[nr]")  # a line break inside a JSON string (a real one is escaped there)


def _json(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=str)
    except TypeError:
        return b"\\n"  # not JSON-like (keys of other types): walked below


# Free text that keeps its line breaks (templates print it with the "multiline" filter).
MULTILINE = {"bio", "description"}


def _tidy(value: Any, key: str = "") -> Any:
    """Line breaks only where a template expects them: elsewhere a newline inside a raw
    HTML block could end the block and let Markdown parse the rest. A record with no line
    break at all (most) is returned as it is: one look at its JSON is cheaper than a walk."""
    if not key and isinstance(value, dict) and not _BREAKS.search(_json(value)):
        return value
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value if key in MULTILINE else value.replace("\n", " ")
    if isinstance(value, dict):
        return {k: _tidy(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v, key) for v in value]
    return value


def _updated(reg: Registry, history: Mapping[str, date]) -> dict[str, dict[str, str]]:
    tables: dict[str, Mapping[str, Any]] = {"programmes": reg.programmes, "units": reg.units, "masters": reg.masters,
                                            "studios": reg.studios, "pairs": reg.pairs}
    result: dict[str, dict[str, str]] = {}
    for kind, records in tables.items():
        # A record is always records/<folder>/<file>.yml: its folder and name are its key in the history
        # (os.path's string functions: pathlib's parsing of 12,000 paths took a quarter of a second).
        dates = {rid: history.get(_in_records(r.src.file_path)) for rid, r in records.items()} if history else {}
        result[kind] = {rid: d.isoformat() for rid, d in sorted(dates.items()) if d}
    return result


def _in_records(file_path: str) -> str:
    folder, name = os.path.split(file_path)
    return f"{os.path.basename(folder)}/{name}"


def build_site_data(reg: Registry, *, mask_apprentices: bool = True, history: Mapping[str, date] | None = None,
                    site_url: str = "", as_of: date | None = None, site_name: str = "") -> SiteData:
    """Everything the pages read. ``history``: each record file's last change (git), for
    "最近更新" and "数据截至"; without it the newest date the records mention is used."""
    data = SiteData(
        programmes={k: _tidy(public.programme(v)) for k, v in sorted(reg.programmes.items())},
        units={k: _tidy(public.unit(v)) for k, v in sorted(reg.units.items())},
        masters={k: _tidy(public.master(v)) for k, v in sorted(reg.masters.items())},
        studios={k: _tidy(public.studio(v)) for k, v in sorted(reg.studios.items())},
        pairs={k: _tidy(public.pair(v, mask=mask_apprentices)) for k, v in sorted(reg.pairs.items())},
    )
    # Honours ordered once here (level, then newest first) rather than in every page.
    level_rank = {level: i for i, level in enumerate(HONOUR_LEVELS)}
    for record in (*data.masters.values(), *data.studios.values()):
        record["honours"].sort(key=lambda h: (level_rank.get(h["level"], 99), -h["year"]))
    data.unit_labels = {k: str(u["short_name"] or u["name"]) for k, u in data.units.items()}
    data.by = _relations(reg)
    data.updated = _updated(reg, history or {})
    changed = [d for dates in data.updated.values() for d in dates.values()]
    data.facts["as_of"] = max(changed) if changed else (as_of.isoformat() if as_of else "")
    data.progress = _progress(reg, int(data.as_of[:4]) if data.as_of else None)
    lineage = progress.Lineage.of(reg)
    data.lineage = {m: _lineage_tree(lineage.tree(m), mask_apprentices) for m in data.masters}
    data.teachers = {m: [p.id for p in lineage.teachers(m)] for m in data.masters}
    data.site_url = site_url
    data.site_name = site_name or data.site_name
    return data
