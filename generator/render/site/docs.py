"""Render the docs folder: Markdown pages with front matter, assets and open data.

Plain files only (no MkDocs plugin or hook), so that MkDocs and Zensical can
build the same folder. Every value from a record is escaped by Jinja2's
autoescape and placed inside raw HTML blocks, where Markdown is not parsed:
a ``[x](javascript:...)`` in a record stays text. Line breaks inside values
are turned into ``<br>`` so a value can never end an HTML block early.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from generator.render.site import opendata
from generator.render.site.data import (
    HONOUR_LEVELS,
    KIND_NAMES,
    MEASURES,
    PAIR_STATUSES,
    SKILL_LEVELS,
    STUDIO_LEVELS,
    SiteData,
)

TEMPLATES = Path(__file__).resolve().parents[3] / "site_templates"


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # inside the docs folder, e.g. "studios/x.md"
    template: str
    context: dict[str, Any]

    @property
    def root(self) -> str:
        """Relative prefix to the site root from this page's URL (directory URLs)."""
        depth = self.path.count("/") + (0 if self.path.endswith("index.md") else 1)
        return "../" * depth


def _multiline(value: object) -> Markup:
    lines = str(value or "").replace("\r\n", "\n").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def _front_matter_text(value: object) -> Markup:
    """A YAML string for front matter. The theme prints it without escaping, so
    its content is HTML-escaped here; the JSON quoting makes it valid YAML."""
    return Markup(json.dumps(str(escape(str(value).replace("\n", " "))), ensure_ascii=False))


def _one_line(value: object) -> object:
    # Applied to every printed value: a newline inside an HTML block could end it.
    if isinstance(value, str):
        return value.replace("\r", " ").replace("\n", " ")
    return value


def make_env(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates / "pages")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_one_line,
    )
    env.filters["multiline"] = _multiline
    env.filters["fm"] = _front_matter_text
    env.filters["extract"] = lambda key, table: table.get(key, key)
    env.filters["yuan"] = lambda v: "—" if v is None else f"{v:,}"
    env.globals.update(HONOUR_LEVELS=HONOUR_LEVELS, STUDIO_LEVELS=STUDIO_LEVELS, PAIR_STATUSES=PAIR_STATUSES,
                       SKILL_LEVELS=SKILL_LEVELS, KIND_NAMES=KIND_NAMES, MEASURES=MEASURES)
    return env


def plan_pages(site: SiteData, forms: list[dict[str, Any]]) -> Iterator[Page]:
    yield Page("index.md", "home.md.j2", {})
    yield Page("studios/index.md", "studios_index.md.j2", {})
    for studio_id in site.studios:
        yield Page(f"studios/{studio_id}.md", "studio.md.j2", {"studio": site.studios[studio_id]})
    yield Page("masters/index.md", "masters_index.md.j2", {})
    for master_id in site.masters:
        yield Page(f"masters/{master_id}.md", "master.md.j2", {"master": site.masters[master_id]})
    yield Page("pairs/index.md", "pairs_index.md.j2", {})
    yield Page("honours.md", "honours.md.j2", {})
    yield Page("progress.md", "progress.md.j2", {})
    yield Page("units/index.md", "units_index.md.j2", {})
    for unit_id in site.units:
        yield Page(f"units/{unit_id}.md", "unit.md.j2", {"unit": site.units[unit_id]})
    yield Page("forms.md", "forms.md.j2", {"forms": forms})
    yield Page("data.md", "data.md.j2", {"downloads": opendata.DOWNLOADS})


def write_docs(site: SiteData, out: Path, *, forms: list[dict[str, Any]] | None = None, templates: Path = TEMPLATES) -> int:
    """Write the whole docs folder into ``out`` (which must not exist yet); return the page count."""
    env = make_env(templates)
    out.mkdir(parents=True)
    count = 0
    for page in plan_pages(site, forms or []):
        target = out / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = env.get_template(page.template).render(site=site, root=page.root, **page.context)
        target.write_text(text, encoding="utf-8")
        count += 1
    shutil.copytree(templates / "assets", out / "assets")
    opendata.write(site, out / "data")
    return count
