"""Run MkDocs on several cores by splitting the profile pages between builds.

MkDocs builds one page after another (about 5 ms each with Material); a
district's registry has over ten thousand profiles. Profiles are out of the
navigation and link to each other only through plain HTML, so each one
renders the same whichever build it is part of. Part 0 builds every other
page plus its share of the profiles; each further part builds its share
with stand-ins for the navigation pages; the parts' profile pages and sitemap
entries are then moved into part 0's site.

This works on MkDocs' output only (no plugin or hook), so the same docs
folder still builds with plain MkDocs or Zensical.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

# Pages that are profiles: out of the navigation, one per record.
PROFILE_FOLDERS = ("masters", "studios", "units")
# Below this many profiles one build is quicker than starting several.
PARALLEL_PROFILES = 2000

Builder = Callable[[Path, Path, Path, bool], None]


def profile_pages(docs: Path) -> list[str]:
    pages = []
    for folder in PROFILE_FOLDERS:
        pages += sorted(f"{folder}/{p.name}" for p in (docs / folder).glob("*.md") if p.name != "index.md")
    return pages


def page_url(page: str) -> str:
    return page[: -len(".md")] + "/"


def prepare_part(docs: Path, part: Path, share: set[str], profiles: set[str], first: bool) -> None:
    """A docs folder for one part: hard links (cheap) to its pages, stand-ins for the rest of the nav."""
    for path in sorted(docs.rglob("*")):
        rel = path.relative_to(docs).as_posix()
        if path.is_dir():
            continue
        if rel in profiles and rel not in share:
            continue
        target = part / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if first or rel in share:
            os.link(path, target)
        elif rel.endswith(".md"):
            # Later parts discard these pages; the nav only needs them to exist.
            target.write_text("---\ntitle: 占位\n---\n", encoding="utf-8")


def _run_part(job: tuple[Builder, Path, Path, Path, bool]) -> None:
    builder, config_file, docs, site, strict = job
    builder(config_file, docs, site, strict)


_URL_BLOCK = re.compile(r"\s*<url>.*?</url>", re.S)
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def _loc(block: str) -> str:
    found = _LOC.search(block)
    return found.group(1) if found else block


def _sitemap_blocks(sitemap: Path) -> list[str]:
    return _URL_BLOCK.findall(sitemap.read_text(encoding="utf-8")) if sitemap.exists() else []


_LASTMOD = re.compile(r"<lastmod>.*?</lastmod>")


def _page_of(loc: str) -> str:
    """…/masters/<id>/ -> masters/<id>/ (profiles live two levels deep)."""
    parts = loc.rstrip("/").split("/")
    return "/".join(parts[-2:]) + "/" if len(parts) >= 2 else loc


def merge_sitemap(main: Path, part: Path, urls: set[str]) -> None:
    """Add ``part``'s sitemap entries for ``urls`` to ``main``'s, dated as ``main``'s entries are
    (a previous build's entries carry the previous build's date)."""
    blocks = [b for b in _sitemap_blocks(part / "sitemap.xml") if _page_of(_loc(b)) in urls]
    if blocks and (main / "sitemap.xml").exists():
        current = _LASTMOD.search((main / "sitemap.xml").read_text(encoding="utf-8"))
        if current is not None:
            blocks = [_LASTMOD.sub(current.group(0), b) for b in blocks]
        # Each block starts with its own line break: insert them before the closing line.
        text = (main / "sitemap.xml").read_text(encoding="utf-8").replace("\n</urlset>", "".join(blocks) + "\n</urlset>")
        (main / "sitemap.xml").write_text(text, encoding="utf-8")


def sort_sitemap(site: Path, dated: Mapping[str, str] | None = None) -> None:
    """The sitemap's pages in address order, whether one build or several made it (and its
    .gz copy again, keeping MkDocs' time stamp so that builds stay byte-identical). With
    ``dated`` (profile page "masters/<id>/" -> ISO date), a profile's lastmod is its record's
    last change, the date the page itself shows; other pages keep the registry's."""
    sitemap = site / "sitemap.xml"
    blocks = _sitemap_blocks(sitemap)
    if not blocks:
        return
    if dated:
        blocks = [_LASTMOD.sub(f"<lastmod>{dated[_page_of(_loc(b))]}</lastmod>", b) if _page_of(_loc(b)) in dated else b
                  for b in blocks]
    text = sitemap.read_text(encoding="utf-8")
    first, last = _URL_BLOCK.search(text), list(_URL_BLOCK.finditer(text))[-1]
    assert first is not None
    head, tail = text[: first.start()], text[last.end():]
    text = head + "".join(sorted(blocks, key=_loc)) + tail
    sitemap.write_text(text, encoding="utf-8")
    packed = site / "sitemap.xml.gz"
    mtime = int.from_bytes(packed.read_bytes()[4:8], "little") if packed.exists() else 0
    with open(packed, "wb") as handle, gzip.GzipFile(fileobj=handle, filename=str(packed), mode="wb", mtime=mtime) as gz:
        gz.write(text.encode("utf-8"))


def build_in_parts(builder: Builder, config_file: Path, docs: Path, site: Path, strict: bool, work: Path, jobs: int) -> None:
    """Build ``docs`` into ``site`` (which must not exist) with ``jobs`` MkDocs processes."""
    profiles = profile_pages(docs)
    if jobs < 2 or len(profiles) < PARALLEL_PROFILES:
        builder(config_file, docs, site, strict)
        sort_sitemap(site)
        return
    shares = [set(profiles[i::jobs]) for i in range(jobs)]
    every = set(profiles)
    parts = []
    for i, share in enumerate(shares):
        part_docs = work / f"docs-{i}"
        prepare_part(docs, part_docs, share, every, first=i == 0)
        parts.append((builder, config_file, part_docs, site if i == 0 else work / f"site-{i}", strict))
    # Started afresh ("spawn"), not forked: a forked MkDocs would carry the whole registry and its
    # pages, already in this process, for nothing (the build's memory, summed, went past 1 GB at M).
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        list(pool.map(_run_part, parts))
    for (_, _, _, part_site, _), share in zip(parts[1:], shares[1:], strict=True):
        urls = {page_url(p) for p in share}
        for page in sorted(share):
            target = site / page_url(page)
            shutil.rmtree(target, ignore_errors=True)
            (part_site / page_url(page)).rename(target)
        merge_sitemap(site, part_site, urls)
    sort_sitemap(site)
