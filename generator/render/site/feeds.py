"""Atom feeds for people who follow the registry: new honours, newly named studios,
newly started pairs. Built from the public views only, newest first, a bounded
number of entries; dates come from the records, so the same records give the
same feeds. Feeds need absolute addresses: without ``site_url`` none is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from generator.characters import strip_unwanted
from generator.render.site.data import SiteData
from generator.resources import TEMPLATE_DIR

ENTRIES = 50
AUTHOR = "匠谱登记册"


@dataclass(frozen=True, slots=True)
class Feed:
    name: str  # file name without .xml
    title: str
    subtitle: str
    page: str  # the listing page, relative to the site root
    entries: list[dict[str, Any]]


def honours_feed(site: SiteData) -> Feed:
    rows = sorted(site.honours(), key=lambda h: (-h["year"], h["holder_name"], h["name"]))[:ENTRIES]
    entries = [{"title": f"{h['holder_name']}获得“{h['name']}”（{h['level']}，{h['year']} 年）",
                "path": f"{h['holder_kind']}/{h['holder']}/", "anchor": f"honour-{h['year']}-{i}",
                "date": f"{h['year']}-01-01", "summary": f"{h['year']} 年，{h['holder_name']}获得{h['level']}荣誉“{h['name']}”"
                + (f"，授予单位：{h['issuer']}。" if h["issuer"] else "。")}
               for i, h in enumerate(rows)]
    return Feed("honours", "匠谱 · 最新荣誉", "名匠和工作室新获得的荣誉", "honours/", entries)


def studios_feed(site: SiteData) -> Feed:
    named = sorted((s for s in site.studios.values() if s["named"]), key=lambda s: (s["named"], s["id"]), reverse=True)[:ENTRIES]
    entries = [{"title": f"{s['name']}获命名（{s['level']}）", "path": f"studios/{s['id']}/", "anchor": "named",
                "date": s["named"], "summary": f"{s['named']}，{site.unit_label(s['unit'])}的{s['name']}被命名为{s['level']}{s['type']}，"
                f"领办人：{site.name('masters', s['leader'])}。"}
               for s in named]
    return Feed("studios", "匠谱 · 新命名的工作室", "新命名的劳模、工匠、名师和技能大师工作室", "studios/", entries)


def pairs_feed(site: SiteData) -> Feed:
    # A pair agreed ahead of its start date appears once it has started (as of the data's date).
    begun = [p for p in site.pairs.values() if not site.as_of or p["start"] <= site.as_of]
    started = sorted(begun, key=lambda p: (p["start"], p["id"]), reverse=True)[:ENTRIES]
    entries = [{"title": f"{site.name('masters', p['master'])}与徒弟{p['apprentice']}结对（{site.unit_label(p['unit'])}）",
                "path": f"masters/{p['master']}/", "anchor": f"pair-{p['id']}", "date": p["start"],
                "summary": f"{site.unit_label(p['unit'])}的{site.name('masters', p['master'])}与徒弟{p['apprentice']}签订师徒结对协议，"
                f"期限 {p['start']} 至 {p['end']}{'（续签）' if p['renews'] else ''}。"}
               for p in started]
    return Feed("pairs", "匠谱 · 新签订的师徒结对", "新开始的师徒结对（徒弟姓名已遮挡）", "pairs/", entries)


def _xml_text(value: Any) -> Any:
    """Every value printed into a feed, without the characters XML 1.0 forbids (behind text.control)."""
    return strip_unwanted(value) if isinstance(value, str) else value


def write(site: SiteData, folder: Path, templates: Path = TEMPLATE_DIR) -> list[Path]:
    if not site.site_url:
        return []
    env = Environment(loader=FileSystemLoader(str(templates / "feeds")), autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=_xml_text)
    template = env.get_template("atom.xml.j2")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for feed in (honours_feed(site), studios_feed(site), pairs_feed(site)):
        dates = [e["date"] for e in feed.entries] or [site.as_of or "2000-01-01"]
        text = template.render(name=feed.name, title=feed.title, subtitle=feed.subtitle, page=feed.page, entries=feed.entries,
                               updated=max(dates), author=AUTHOR, site_url=site.site_url)
        path = folder / f"{feed.name}.xml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
