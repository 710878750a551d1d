"""Profile pages put into Material's page template straight, without MkDocs' per-page pipeline.

A profile's Markdown is plain HTML (headings included, see ``_macros.j2``'s ``h2``), which
Python-Markdown passes through unchanged once runs of blank lines are one (``tidy_body``;
a test checks every profile of the sample). So its page is Material's ``main.html`` around
that HTML, rendered with the context MkDocs gives it: the same configuration, theme
environment, navigation and ``Page`` object. This module builds exactly that, once, and
MkDocs itself builds the other pages; a test compares every profile rendered both ways,
byte for byte, so the docs folder still builds with MkDocs alone into the same site.

Rendering Material's template costs about 2 ms a page. Profiles of one folder differ only
in their title, description, sharing image, address and body (the navigation around them is
the same at the same depth), so the first profile of each kind is rendered with stand-in
words in those places and then for real; when both agree word for word, the other profiles
are the stand-in page with their own words put back in (microseconds), as a static site
generator fills a layout. A value that a template could transform (one with ``&``, ``<``,
``>`` or quotes) always gets the full rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache

from generator.files import valid_id

# Stand-in words: ASCII a template passes through unchanged (escaping, striptags), and that no
# filter could shorten unnoticed (a changed stand-in is caught: its pieces no longer add up).
_SLOTS = {"title": "JPZTITLEZ", "description": "JPZDESCZ", "image": "JPZIMGZ", "id": "jpzidz", "body": "JPZBODYZ"}
_SLOT = re.compile("(" + "|".join(_SLOTS.values()) + ")")
_NAMES = {v: k for k, v in _SLOTS.items()}
_UNSAFE = re.compile("[&<>\"']")
_BLANK_RUNS = re.compile(r"\n{3,}")


def tidy_body(text: str) -> str:
    """A profile's Markdown as the docs folder holds it: one blank line at most between blocks,
    so that Python-Markdown's output is the text itself (stripped)."""
    return _BLANK_RUNS.sub("\n\n", text)


def split_page(text: str) -> tuple[str, str]:
    """A page's front matter (without its dashes) and its body."""
    if not text.startswith("---\n"):
        return "", text
    end = text.index("\n---\n", 3)
    return text[4:end], text[end + 5:]


@dataclass
class Chrome:
    """MkDocs' configuration, theme and navigation as ``mkdocs build`` sets them up."""

    config: Any
    files: Any
    nav: Any
    template: Any
    _layouts: dict[tuple[Any, ...], list[str] | None] = field(default_factory=dict)

    @classmethod
    def load(cls, config_file: Path, docs_dir: Path, site_dir: Path, pages: Iterable[str], compiled: BytecodeCache | None = None) -> Chrome:
        """``pages``: every page of the docs folder MkDocs builds (not the profiles); ``compiled``: where
        the theme's templates compiled before are kept."""
        from mkdocs import config as mkdocs_config
        from mkdocs.structure.files import File, Files, set_exclusions
        from mkdocs.structure.nav import get_navigation

        config = mkdocs_config.load_config(config_file=str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir))
        config.plugins.on_startup(command="build", dirty=False)
        config = config.plugins.on_config(config)
        files = Files([File(p, config.docs_dir, config.site_dir, config.use_directory_urls) for p in sorted(pages)])
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        env = config.theme.get_env()
        env.bytecode_cache = compiled
        return cls(config, files, nav, env.get_template("main.html"))

    def render(self, path: str, meta: Mapping[str, Any], body: str) -> str:
        """The page of ``path`` (docs-relative, "masters/li-jun.md") as MkDocs renders it."""
        from mkdocs.commands.build import get_context
        from mkdocs.structure.files import File
        from mkdocs.structure.pages import Page
        from mkdocs.structure.toc import get_toc

        config = self.config
        page = Page(meta.get("title"), File(path, config.docs_dir, config.site_dir, config.use_directory_urls), config)
        page.meta = dict(meta)
        page.markdown = body
        page.content = body.strip()
        page.toc = get_toc([])  # the body's headings are HTML: Python-Markdown lists none
        config._current_page = page
        page.active = True
        try:
            return str(self.template.render(get_context(self.nav, self.files, config, page)))
        finally:
            page.active = False
            config._current_page = None

    def page(self, path: str, meta: Mapping[str, Any], body: str) -> bytes:
        """The page's bytes as MkDocs writes them: from the layout of its kind, or rendered."""
        content = body.strip()
        folder, _, name = path.rpartition("/")
        image = str(meta.get("image") or "")
        prefix = image.rpartition("/")[0] + "/" if "/" in image else ""
        values = {"title": str(meta.get("title") or ""), "description": str(meta.get("description") or ""),
                  "image": image[len(prefix):], "id": name[: -len(".md")], "body": content}
        plain = all(not _UNSAFE.search(values[k]) and not _SLOT.search(values[k]) for k in ("title", "description", "image", "id"))
        if not plain or not valid_id(values["id"]):
            return self._bytes(self.render(path, meta, body))
        key = (folder, bool(image), prefix, "<h1" in content, tuple(sorted((k, repr(v)) for k, v in meta.items() if k not in _SLOTS)),
               tuple(sorted(k for k in meta if k in _SLOTS)))
        if key not in self._layouts:
            self._layouts[key] = self._layout(path, meta, body, prefix, values)
        parts = self._layouts[key]
        if parts is None:
            return self._bytes(self.render(path, meta, body))
        return self._bytes("".join(values[_NAMES[p]] if i % 2 else p for i, p in enumerate(parts)))

    def _layout(self, path: str, meta: Mapping[str, Any], body: str, prefix: str, values: Mapping[str, str]) -> list[str] | None:
        """The stand-in page cut at its stand-ins, or None when filling it in would not give the
        page MkDocs renders (checked on this page, rendered both ways)."""
        folder = path.rpartition("/")[0]
        stand_in = {k: _SLOTS[k] for k in ("title", "description") if k in meta}
        if "image" in meta:
            stand_in["image"] = prefix + _SLOTS["image"] if meta.get("image") else meta["image"]
        marker = _SLOTS["body"] + ("<h1" if "<h1" in body else "")
        page = self.render(f"{folder}/{_SLOTS['id']}.md", {**meta, **stand_in}, marker)
        page = page.replace(marker, _SLOTS["body"])
        parts = _SLOT.split(page)
        if page.lower().count("jpz") != len(parts) // 2:
            return None  # a stand-in came out changed (cut short, upper-cased): no layout for this kind
        filled = "".join(values[_NAMES[p]] if i % 2 else p for i, p in enumerate(parts))
        return parts if filled == self.render(path, meta, body) else None

    @staticmethod
    def _bytes(html: str) -> bytes:
        return html.encode("utf-8", errors="xmlcharrefreplace")
