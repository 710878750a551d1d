"""Render the docs folder: Markdown pages with front matter, assets and open data.

Plain files only (no MkDocs plugin or hook), so that MkDocs and Zensical can
build the same folder. Every value from a record is escaped by Jinja2's
autoescape and placed inside raw HTML blocks, where Markdown is not parsed:
a ``[x](javascript:...)`` in a record stays text. Line breaks survive only in
free-text fields, which the ``multiline`` filter prints with ``<br>``, so a
value can never end an HTML block early (see ``data._tidy``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, cast

import yaml
from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.bccache import Bucket
from markupsafe import Markup, escape

from generator.files import link_or_copy, write_atomically
from generator.forked import Forked
from generator.render import readings
from generator.render.site import cards, feeds, hanzi, lists, opendata, pagedeps
from generator.render.site.carry import Carried
from generator.render.site.chrome import Chrome, split_page, tidy_body
from generator.render.site.data import (
    HONOUR_LEVELS,
    KIND_NAMES,
    MEASURES,
    PAIR_STATUSES,
    SKILL_LEVELS,
    STUDIO_LEVELS,
    SiteData,
)
from generator.render.site.pagedeps import PageRecord
from generator.resources import TEMPLATE_DIR

TEMPLATES = TEMPLATE_DIR
# Below this many pages a worker process costs more than it saves.
PARALLEL_THRESHOLD = 500


def parallel(pages: int, jobs: int | None = None) -> bool:
    """Whether ``pages`` pages are written with worker processes (``jobs``: how many, the cores by default)."""
    return (jobs or os.cpu_count() or 1) > 1 and pages >= PARALLEL_THRESHOLD


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


# Runs of Chinese characters (CJK ideographs, extension A, compatibility ideographs).
_HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# After the last character of a run, so that it too starts a token (never a real character's code).
_END = "zzzz"
# Marks a whole run's token. Codes of CJK characters start with a-c, so no pair token starts with
# it: a two-character query (a pair) never matches a whole run as a prefix and so never counts a
# name twice (王强刚 would outrank 王强 for 王强).
_WHOLE = "w"


def _code(char: str) -> str:
    """A Chinese character as four lower-case letters (base 26 from U+3400)."""
    n, letters = ord(char) - 0x3400, []
    for _ in range(4):
        n, r = divmod(n, 26)
        letters.append(_LETTERS[r])
    return "".join(reversed(letters))


def search_tokens(value: object, whole: bool = False) -> str:
    """Text as the search index holds it: every two neighbouring Chinese characters as one
    token of letters (周国强 -> 周国, 国强, 强+end), other words as they are.

    Pagefind splits Chinese with one dictionary when indexing and the browser's (a
    different one) when searching, so a word may be cut one way in the index and another
    in the query, and very common characters make phrase searches slow on a big registry.
    Pairs of characters spelled in letters are cut the same way by both, stay rare enough
    to search fast at any size, and find any part of a name of two characters or more;
    a single character finds the pairs it starts (assets/search.js builds queries the same way).

    With ``whole`` (names, trades, honours), a run of three characters or more is also one
    token of its own: Pagefind matches a query term as a prefix, so 技术能手 or 技术能 finds it
    with one term instead of three — the first results of a query that matches thousands of
    pages come in a fraction of the time (each term costs Pagefind about 0.6 s per 10,000
    pages it matches); the pairs then find the rest.
    """
    words = []
    for word in str(value or "").split():
        for part in re.split(f"({_HAN_RUN.pattern})", word):
            if not part:
                continue
            if _HAN_RUN.fullmatch(part):
                codes = [_code(c) for c in part]
                words += [a + b for a, b in zip(codes, [*codes[1:], _END], strict=True)]
                if whole and len(codes) >= 3:
                    words.append(_WHOLE + "".join(codes))
            else:
                words.append(part)
    return " ".join(words)


def _meta(value: object) -> str:
    """A value inside Pagefind's "key:value, key:value" attributes: no commas, one line."""
    return " ".join(str(value or "").replace(",", "，").split())


def _labelled(pairs: Iterable[tuple[str, object]]) -> str:
    """Fields a search result may quote, one string: 工种：维修电工｜荣誉：南浔工匠、技术能手."""
    return "｜".join(f"{label}：{value}" for label, value in pairs if value)


def make_env(templates: Path = TEMPLATES, compiled: BytecodeCache | None = None) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates / "pages")),
        bytecode_cache=compiled,
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        # Templates do not change during a build: skip the file check on every page.
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["multiline"] = _multiline
    env.filters["labelled"] = _labelled
    env.globals["og_image"] = og_image
    env.filters["fm"] = _front_matter_text
    env.filters["tokens"] = search_tokens
    env.filters["meta"] = _meta
    env.filters["extract"] = lambda key, table: table.get(key, key)
    env.filters["yuan"] = lambda v: "—" if v is None else f"{v:,}"
    env.globals.update(HONOUR_LEVELS=HONOUR_LEVELS, STUDIO_LEVELS=STUDIO_LEVELS, PAIR_STATUSES=PAIR_STATUSES,
                       SKILL_LEVELS=SKILL_LEVELS, KIND_NAMES=KIND_NAMES, MEASURES=MEASURES)
    return env


def compiled_in(cache: Path | None) -> BytecodeCache | None:
    """Templates' bytecode kept in the user's cache folder, for the next build (Jinja checks each
    against its source, and its Python version): compiling Material's templates and ours took a
    second of a one-record build. None without a cache, or where it cannot be written."""
    if cache is None:
        return None
    try:
        (cache / "templates").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(str(cache / "templates"))


def plan_pages(site: SiteData) -> Iterator[Page]:
    """Every page but the forms' download page (``forms_page``: it waits for the forms)."""
    yield Page("index.md", "home.md.j2", {})
    yield Page("studios/index.md", "studios_index.md.j2", {})
    for studio_id in site.studios:
        yield Page(f"studios/{studio_id}.md", "studio.md.j2", {"studio": site.studios[studio_id]})
    yield Page("masters/index.md", "masters_index.md.j2", {})
    for master_id in site.masters:
        yield Page(f"masters/{master_id}.md", "master.md.j2", {"master": site.masters[master_id]})
    yield Page("pairs/index.md", "pairs_index.md.j2", {})
    yield Page("honours.md", "honours.md.j2", {})
    yield Page("progress/index.md", "progress.md.j2", {})
    for programme_id, figures in site.progress.items():
        yield Page(f"progress/{programme_id}.md", "programme.md.j2", {"p": site.programmes[programme_id], "prog": figures})
    yield Page("units/index.md", "units_index.md.j2", {})
    for unit_id in site.units:
        yield Page(f"units/{unit_id}.md", "unit.md.j2", {"unit": site.units[unit_id]})
    yield Page("data.md", "data.md.j2", {"tables": opendata.counts(site), "json_files": opendata.JSON_FILES,
                                         "TYPE_NAMES": opendata.TYPE_NAMES})
    yield Page("search.md", "search.md.j2", {})


FORMS_PAGE = "forms.md"


def forms_page(forms: list[dict[str, Any]]) -> Page:
    """The download page: forms under their heading (师徒结对, 工作室, 技能人才), in the forms' own order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for form in forms:
        groups.setdefault(form.get("group") or "其他", []).append(form)
    return Page(FORMS_PAGE, "forms.md.j2", {"forms": forms, "groups": list(groups.items())})


# Pages that are profiles: out of the navigation, one per record, plain HTML in their Markdown.
PROFILE_FOLDERS = ("masters", "studios", "units")


def is_profile(path: str) -> bool:
    folder, _, name = path.rpartition("/")
    return folder in PROFILE_FOLDERS and name != "index.md"


@dataclass(slots=True)
class ProfileSite:
    """Where the profiles' finished pages go (``<out>/masters/<id>/index.html``), through ``chrome``.
    A page that comes out as the last site has it is not written: ``take_profile`` moves that folder."""

    chrome: Chrome
    out: Path
    key: str = ""  # everything a profile shows besides the site's tables (pagedeps.py)
    known: Mapping[str, PageRecord] = field(default_factory=dict)  # the last build's pages
    known_tables: pagedeps.Tables | None = None  # the tables they were rendered from, when recorded
    records: dict[str, PageRecord] = field(default_factory=dict)  # this build's, filled by write_docs
    rendered: set[str] = field(default_factory=set)  # this build's profiles rendered (not taken over), filled likewise
    tables: pagedeps.Tables | None = None  # this build's, set likewise


def take_profile(made: Path, url: str, site: Path, last_site: Path | None) -> None:
    """Put the profile at ``url`` ("masters/li-jun/") into ``site``: the folder this build wrote under
    ``made``, else the last site's, unchanged (which takes it out of the last site, about to be
    replaced: call this once everything else has been built, or through ``build._Taken``, which can
    put it back)."""
    made_here = os.path.join(made, url)
    os.rename(made_here if last_site is None or os.path.isdir(made_here) else os.path.join(last_site, url), os.path.join(site, url))


@dataclass(frozen=True, slots=True)
class LastBuild:
    """The last build's folders, whose files are linked where a page comes out the same."""

    docs: Path | None = None
    entries: Path | None = None
    site: Path | None = None
    # Whether its folders may be moved into the new build (carry_folders): not while they are
    # served and patched in place (serve), only when nobody reads them until the new ones replace them.
    carry: bool = False


@dataclass(frozen=True, slots=True)
class _Job:
    env: Environment
    pages: list[Page]
    out: Path
    entries: Path | None
    profiles: ProfileSite | None
    last: LastBuild
    digests: pagedeps.Digests | None = None
    key: str = ""
    carried: Carried | None = None  # the profile folders are the last build's, carried over (carry_folders)
    # Their files' paths ("masters/li-jun.md"; the entries' "masters/li-jun.html"), listed once when carried: a
    # stat a profile to see that its files are there cost a tenth of a second a worker at M.
    present: frozenset[str] = frozenset()
    # The profiles whose digest is computed to see whether they changed (``pagedeps.to_check``); the others read
    # nothing that changed since the last build. None: every profile's.
    checked: frozenset[str] | None = None


# The pages of the build under way, shared with forked workers without pickling.
_JOB: _Job | None = None
# How many workers have written their pages' search entries (shared memory, made before they fork).
_ENTRIES: Any = None

# The page's search entry (the "search_entry" macro): also written on its own for the indexer.
ENTRY_START, ENTRY_END = "<div hidden data-pagefind-body>", "</div>"
ENTRY_PAGE = '<!doctype html>\n<html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head><body>\n{entry}\n</body></html>\n'


def search_entry(page: Page, text: str, folder: Path) -> tuple[Path, bytes] | None:
    """The page's search entry as a small HTML file beside its Markdown (masters/li-jun.html).

    Pagefind then indexes these few kilobytes instead of the whole themed site (a third of
    the time at M), and can do so while MkDocs builds; the entries are the very blocks the
    pages carry, so indexing the built site instead gives the same index. The files sit
    flat (no folder a page: ten thousand fewer folders to make); the page's address travels
    in the entry's "page" meta, which the search page links to.
    """
    start = text.find(ENTRY_START)
    if start < 0:
        return None
    end = text.index(ENTRY_END, start) + len(ENTRY_END)
    entry = hanzi.fold(text[start:end])  # 陸明華 in a record is found as 陆明华 too (the query is folded alike)
    return folder / (page.path[: -len(".md")] + ".html"), ENTRY_PAGE.format(title=escape(page.path), entry=entry).encode("utf-8")


def _write(item: tuple[Path, bytes, Path | None]) -> None:
    """Write a file; when the last build wrote the same bytes (``item[2]``), link that file instead:
    making a file costs 0.4 ms on this machine's disk, a link fifty times less, and after a
    one-record edit nearly every page is what it was."""
    path, data, old = item
    if old == path:  # a carried folder's file: left as it is when the same, else set aside and replaced
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
            set_aside(path)
        except FileNotFoundError:
            pass  # a new page
    elif old is not None:
        try:
            if old.stat().st_size == len(data) and old.read_bytes() == data:
                os.link(old, path)
                return
        except OSError:
            pass  # not there, or another file system: written below
    with open(path, "wb") as handle:
        handle.write(data)


def _beside(folder: Path | None, rel: str) -> Path | None:
    return folder / rel if folder is not None else None


# The sharing cards the pages rendered in this process asked for (og_image), path -> words.
_CARDS: dict[str, tuple[str, str, str]] = {}


def og_image(title: object, about: object = "", photo: str | None = None) -> str:
    """A page's og:image: its published photo, else its card (recorded here, drawn after the pages)."""
    if photo:
        return photo
    if cards.font_file() is None:
        return ""
    assert _JOB is not None
    site = cast(SiteData, _JOB.env.globals["site"])
    site_name = site.site_name
    path = cards.card_path(site_name, str(title), str(about or ""))
    _CARDS[path] = (site_name, str(title), str(about or ""))
    _PAGE_CARD[:] = [(path, _CARDS[path])]
    return path


# The card the page being rendered asked for (recorded with the page, see pagedeps.PageRecord).
_PAGE_CARD: list[tuple[str, tuple[str, str, str]]] = []
# The profiles this process rendered or took over: their records for the next build.
_RECORDS: dict[str, pagedeps.PageRecord] = {}
_RENDERED: set[str] = set()  # of those, the ones rendered
# The profiles taken over (not in _RECORDS), each with whether its stamp still held (else it is stamped again):
# their records and cards are the last build's, which the main process has. Sending 10,000 records and cards
# back from the workers cost a second of pickling at M.
_TAKEN: dict[str, bool] = {}


def _draw_share(share: tuple[dict[str, tuple[str, str, str]], Path, Path | None, Path | None, bool]) -> int:
    wanted, out, previous, cache, draw = share
    return cards.write_cards(wanted, out, previous, cache, draw)


BATCH = 2000  # pages a worker renders before writing them


@dataclass(slots=True)
class _First:
    """A page to render, with its search entry rendered first (its template's ``entry`` block): the
    indexer starts once every entry is written, while the pages are still rendering."""

    page: Page
    entry: str | None  # the block as the page carries it; None: no such block (found in the page instead)
    seen: set[tuple[str, str]]  # the dependencies noted so far (pagedeps.Recording)


def _first(job: _Job, page: Page) -> _First | None:
    """The page's entry block rendered on its own; None for a profile the last build's files show as it is."""
    profile = is_profile(page.path)
    if profile and job.profiles is not None and _take_over(job, page):
        return None
    folder, _, name = page.path.rpartition("/")
    own = [(folder, name[: -len(".md")])] if profile else []
    template = job.env.get_template(page.template)
    block = template.blocks.get("entry")
    if block is None or job.entries is None:
        return _First(page, None, set(own))
    with pagedeps.Recording(own) as seen:
        entry = job.env.concat(block(template.new_context({"root": page.root, **page.context})))
    return _First(page, entry, seen)


def _entry_file(job: _Job, page: Page, text: str) -> list[tuple[Path, bytes, Path | None]]:
    """The page's search entry file (found in ``text``), with the last build's file of the same name."""
    if job.entries is None:
        return []
    entry = search_entry(page, text, job.entries)
    if entry is None:
        return []
    here = job.carried is not None and page.path.rpartition("/")[0] in PROFILE_FOLDERS  # carried over: in place
    return [(*entry, entry[0] if here else _beside(job.last.entries, entry[0].relative_to(job.entries).as_posix()))]


def _render(job: _Job, first: _First) -> str:
    """The whole page; its entry block, rendered first, put in as it came out (``Template.render``'s own steps,
    with that block's function replaced)."""
    template = job.env.get_template(first.page.template)
    context = template.new_context({"root": first.page.root, **first.page.context})
    if first.entry is not None:
        entry = first.entry
        context.blocks["entry"] = [lambda _context: iter((entry,))]
    try:
        return job.env.concat(template.root_render_func(context))
    except Exception:  # noqa: BLE001 - as Template.render: the template's line in the traceback
        return job.env.handle_exception()


def _render_page(job: _Job, first: _First) -> list[tuple[Path, bytes, Path | None]]:
    """The page's Markdown, its search entry (unless written already) and, for a profile, its finished page,
    each with the last build's file of the same name."""
    page = first.page
    profile = is_profile(page.path)
    folder = page.path.rpartition("/")[0]
    _PAGE_CARD.clear()
    with pagedeps.Recording(first.seen) as seen:  # with the entry's, noted when it rendered
        text = _render(job, first)
    if profile:
        text = tidy_body(text)
    here = job.carried is not None and folder in PROFILE_FOLDERS  # its folder is the last build's, carried over
    files = [(job.out / page.path, text.encode("utf-8"), job.out / page.path if here else _beside(job.last.docs, page.path))]
    if first.entry is None:
        files += _entry_file(job, page, text)
    if profile and job.profiles is not None:
        path, data = _profile_page(job.profiles, page.path, text)
        if not _unchanged(_beside(job.last.site, path.relative_to(job.profiles.out).as_posix()), data):
            path.parent.mkdir()
            files.append((path, data, None))
        if job.digests is not None:
            deps = tuple(sorted(seen))
            _RECORDS[page.path] = pagedeps.PageRecord.made(job.digests.page(job.key, page.path, deps), deps, pagedeps.html_digest(data),
                                                      _PAGE_CARD[0] if _PAGE_CARD else None)
        _RENDERED.add(page.path)
    return files


def _page_files(job: _Job, page: Page) -> list[tuple[Path, bytes, Path | None]]:
    """A page's files in one go, its search entry's among them (``_first`` and ``_render_page``)."""
    first = _first(job, page)
    if first is None:
        return []
    return (_entry_file(job, page, first.entry) if first.entry is not None else []) + _render_page(job, first)


def _take_over(job: _Job, page: Page) -> bool:
    """Link the last build's Markdown and search entry of a profile whose dependencies hold what they
    held then (its finished page is moved over at the end, ``take_profile``); False when any of that
    is not so — its page, checked against the digest recorded, included — and it must be rendered."""
    assert job.profiles is not None
    record = job.profiles.known.get(page.path)
    last = job.last
    if record is None or job.digests is None or last.docs is None or last.site is None or job.entries is None \
            or last.entries is None:
        return False
    if (job.checked is None or page.path in job.checked) and job.digests.page(job.key, page.path, record.deps) != record.digest:
        return False
    # Paths as strings: this runs for every unchanged profile (10,000 at M), and pathlib's joins cost more than the links.
    entry = page.path[: -len(".md")] + ".html"
    folder = os.path.join(last.site, page.path[: -len(".md")])
    try:
        # The page as the last build left it (by its stamp: 10,000 pages read and hashed took seconds), else by its bytes.
        if record.stamp is None or pagedeps.stamp(folder) != record.stamp:
            with open(os.path.join(folder, "index.html"), "rb") as handle:
                html = handle.read()
            if os.listdir(folder) != ["index.html"] or pagedeps.html_digest(html) != record.html:
                return False
            record = record.with_stamp(None)  # found good by its bytes: stamped again once in the new site
        links: list[tuple[str, str]] = []  # the page's Markdown and search entry, from the last build's folders
        if job.carried is not None:  # in the folders carried over: nothing to link
            if page.path not in job.present or entry not in job.present:
                return False
        else:
            links = [(os.path.join(last.docs, page.path), os.path.join(job.out, page.path)),
                     (os.path.join(last.entries, entry), os.path.join(job.entries, entry))]
            if not all(os.path.isfile(source) for source, _ in links):
                return False
    except OSError:
        return False
    # Checked: a link failing now (a full disk) fails the build rather than leave half a page.
    for source, target in links:
        if not link_or_copy(source, target):
            raise OSError(f"无法沿用上次生成的 {source}")
    _TAKEN[page.path] = record.stamp is not None
    return True


def taken_record(record: pagedeps.PageRecord, stamped: bool) -> pagedeps.PageRecord:
    """A taken-over profile's record for the next build: the last one, without its stamp when the page was
    found good by its bytes instead (it is stamped again once in the new site)."""
    return record if stamped else record.with_stamp(None)


def _unchanged(old: Path | None, data: bytes) -> bool:
    """The last site's page is these bytes, alone in its folder: the folder itself is moved into the
    new site at the end (``take_profile``), instead of a new one made (0.3 ms a folder here)."""
    if old is None:
        return False
    try:
        return os.listdir(old.parent) == [old.name] and old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


Share = tuple[int, dict[str, tuple[str, str, str]], dict[str, pagedeps.PageRecord], set[str], dict[str, bool]]


def _render_share(share: tuple[int, int], counted: bool = False) -> Share:
    """Render every n-th page, then write them; return the count, the cards the pages rendered want, the
    profiles' records (taken over unchanged: their paths only, ``_TAKEN``) and which were rendered.
    The search entries come first, all of them (``_first``): a worker (``counted``) then counts itself in
    ``_ENTRIES``, and the indexer starts once all have, beside the rest of the pages. Creating files is slow
    on some file systems and releases the GIL, so the writes go to threads, after the rendering of each
    batch (writing while rendering makes both wait for the GIL); batches keep a worker's memory bounded at
    any registry size (the entries, a kilobyte a page, are kept until their pages are rendered)."""
    assert _JOB is not None
    index, count = share
    mine = _JOB.pages[index::count]
    firsts = _entries_first(_JOB, mine)
    if counted and _ENTRIES is not None:
        with _ENTRIES.get_lock():
            _ENTRIES.value += 1
    return _pages_after(_JOB, firsts, len(mine))


# ``entries_done(wait)``: ``wait`` None once every search entry is written; else a function returning once they are,
# to be called only in a process forked after (this one writes its own entries later). True: the indexer is started.
EntriesDone = Callable[[Callable[[], None] | None], bool]


def _all_counted(counter: Any, expected: int) -> Callable[[], None]:
    """A wait for ``expected`` processes to count themselves in ``counter`` (``_ENTRIES``: the workers and this one)."""
    def until_counted() -> None:
        while counter.value < expected:
            time.sleep(0.002)
    return until_counted


def _entries_first(job: _Job, pages: list[Page]) -> list[_First]:
    """The pages' search entries, rendered (``_first``: the profiles the last build shows as they are, taken
    over) and written; what is left to render of each page, for ``_pages_after``."""
    _CARDS.clear()
    _RECORDS.clear()
    _RENDERED.clear()
    _TAKEN.clear()
    firsts = [first for first in (_first(job, page) for page in pages) if first is not None]
    entries = [item for first in firsts if first.entry is not None for item in _entry_file(job, first.page, first.entry)]
    with ThreadPoolExecutor(max_workers=8) as writers:
        list(writers.map(_write, entries, chunksize=32))  # list(): a failed write fails the build
    return firsts


def _pages_after(job: _Job, firsts: list[_First], count: int) -> Share:
    """The pages of ``_entries_first`` rendered and written, in batches; the share's result (``count`` pages)."""
    with ThreadPoolExecutor(max_workers=8) as writers:
        for start in range(0, len(firsts), BATCH):
            rendered = [item for first in firsts[start:start + BATCH] for item in _render_page(job, first)]
            list(writers.map(_write, rendered, chunksize=32))
    return count, dict(_CARDS), dict(_RECORDS), set(_RENDERED), dict(_TAKEN)


def _pages_key(profiles: ProfileSite, site: SiteData) -> str:
    """What profiles read besides the tables: the build's key, the site's name and address, whether cards are drawn.
    (The site's date is a table: only the profiles that print it depend on it.)"""
    return pagedeps.html_digest("\0".join([profiles.key, site.site_name, site.site_url,
                                            repr(cards.font_file())]).encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Patch:
    """The profiles ``render_in_place`` rendered again, as files to put over the last build's."""

    rendered: tuple[str, ...]  # docs paths, sorted
    records: dict[str, PageRecord]  # every profile's record now (the unchanged ones as they were)
    files: list[tuple[Path, bytes]]  # the files that differ, at their places in the last build's folders
    entries_changed: bool  # a search entry among them: the search bundle is out of date
    tables: pagedeps.Tables  # the tables the records now agree with

    def apply(self, roots: Iterable[Path]) -> None:
        """Each file in one rename (a page being read is the old one or the new, never half of one)."""
        inside = tuple(roots)
        for path, data in self.files:
            write_atomically(path, data, next(r for r in inside if path.is_relative_to(r)))


class _Compiled(BytecodeCache):
    """Templates compiled once in this process, by name (Jinja checks each against its source)."""

    def __init__(self) -> None:
        self._codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._codes:
            bucket.bytecode_from_string(self._codes[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()  # render_in_place's, for the next save


def render_in_place(site: SiteData, profiles: ProfileSite, last: LastBuild, *, limit: int, planned: list[Page] | None = None,
                    templates: Path = TEMPLATES) -> Patch | None:
    """The profiles whose dependencies changed since the last build (``profiles.known``), rendered
    as ``write_docs`` renders them, as files over that build's (``last``): ``serve`` shows a saved
    record's page this way within a second, before the whole build runs and checks every page again
    (it takes these pages over by their records, or renders them again where they were not what it
    would make). None when more than ``limit`` profiles changed: a full build is then as quick.
    ``planned``: ``plan_pages(site)``, when the caller has it."""
    global _JOB
    assert last.docs is not None and last.entries is not None and last.site is not None
    # A new environment (the macros, imported without context, keep the ``site`` they were first
    # imported with), from the templates compiled at the first save (0.4 s): their bytecode.
    env = make_env(templates, _COMPILED)
    env.globals["site"] = site  # profiles read no lists: those are not tracked (pagedeps.py)
    tables = pagedeps.track(site)
    digests, key = pagedeps.Digests(tables), _pages_key(profiles, site)
    pages = [page for page in (plan_pages(site) if planned is None else planned) if is_profile(page.path)]
    # As a build: the digests of the profiles that read a key whose digest changed since the records were left.
    now = pagedeps.Tables(key, digests.every())
    checked = pagedeps.to_check(profiles.known, profiles.known_tables, now)
    changed = [page for page in pages if (record := profiles.known.get(page.path)) is None
               or (checked is None or page.path in checked) and digests.page(key, page.path, record.deps) != record.digest]
    if len(changed) > limit:
        return None
    with tempfile.TemporaryDirectory(prefix=".jiangpu-in-place-", dir=last.site.parent) as made:
        for folder in PROFILE_FOLDERS:
            (Path(made) / folder).mkdir()
        _JOB = _Job(env, changed, last.docs, last.entries, replace(profiles, out=Path(made)), last, digests, key)
        _RECORDS.clear()
        _TAKEN.clear()
        try:
            written = [item for page in changed for item in _page_files(_JOB, page)]
        finally:
            _JOB = None
        files = [(last.site / path.relative_to(made) if path.is_relative_to(made) else path, data) for path, data, _ in written]
    files = [(path, data) for path, data in files if not _holds(path, data)]
    records = {page.path: _RECORDS.get(page.path) or taken_record(profiles.known[page.path], _TAKEN.get(page.path, True))
               for page in pages}
    return Patch(tuple(sorted(_RECORDS)), records, files, any(path.is_relative_to(last.entries) for path, _ in files), now)


def _holds(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class Deferred:
    """``serve``'s first build: the site before what takes long to make and nobody looks at while
    editing (the blank forms printed, sharing cards drawn); the whole build after it makes them."""

    asked: bool = False
    left: list[str] = field(default_factory=list)  # what was left out ("forms", "cards"), filled by the build


class Cancelled(Exception):
    """``stop`` said so before the build was done; nothing of it was put in place."""


def _results(pool: ProcessPoolExecutor, running: list[Future[Any]], stop: Callable[[], bool] | None,
             meanwhile: Callable[[], object] | None = None) -> list[Any]:
    """The workers' results in order; with ``stop``, asked every tenth of a second, the workers are
    ended at once when it says so (a stale build must not hold both cores while the newer one runs);
    ``meanwhile`` is called as often (the indexer may start before the workers end)."""
    while (stop is not None or meanwhile is not None) and not all(future.done() for future in running):
        wait(running, timeout=0.1 if stop is not None else 0.02)
        if meanwhile is not None:
            meanwhile()
        if stop is not None and stop():
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()  # the executor has no public way to end a task under way
            pool.shutdown(wait=False, cancel_futures=True)
            raise Cancelled
    return [future.result() for future in running]


def _profile_page(profiles: ProfileSite, path: str, text: str) -> tuple[Path, bytes]:
    front, body = split_page(text)
    meta = yaml.load(front, Loader=_FRONT_LOADER) or {}  # noqa: S506 (a safe loader)
    return profiles.out / path[: -len(".md")] / "index.html", profiles.chrome.page(path, meta, body)


_FRONT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _lists_aside(hand: Callable[[dict[str, lists.ListSpec]], None], site: SiteData, out: Path,
                 templates: Path) -> dict[str, dict[str, list[str]]]:
    """In a forked child: the lists, their views handed over (``ListSpec.view``: what their pages show), then the
    files beside the pages (``_write_extras``)."""
    specs = lists.build_lists(site)
    hand({name: spec.view() for name, spec in specs.items()})
    return _write_extras(site, specs, out, templates)


def _write_extras(site: SiteData, specs: dict[str, lists.ListSpec], out: Path, templates: Path,
                  stop: Callable[[], bool] | None = None,
                  between: Callable[[], object] | None = None) -> dict[str, dict[str, list[str]]]:
    """The files beside the pages (but the open data: ``_write_aside``); the pinyin readings made meanwhile (a forked
    child's are kept by its parent)."""
    steps: list[Callable[[], object]] = [
        lambda: shutil.copytree(templates / "assets", out / "assets"),
        lambda: lists.write(specs, out / "lists"),
        lambda: lists.write_facet_order(site, out / "lists"),
        lambda: (out / "lists" / "t2s.json").write_text(json.dumps(hanzi.fold_table(), ensure_ascii=False, separators=(",", ":")) + "\n",
                                                        encoding="utf-8"),
        lambda: feeds.write(site, out / "feeds", templates),
        lambda: write_robots(site, out, templates),
    ]
    for step in steps:
        check_stopped(stop)  # a second of work in all at M: a stale build stops between the steps
        step()
        if between is not None:
            between()
    return readings.made()


@dataclass(frozen=True, slots=True)
class DataLines:
    """The open data's lines kept between builds (``opendata.read_lines``): the last build's file (None: none
    taken), the file this build saves them in, and the build's key (lines made by other code are never taken)."""

    last: Path | None
    out: Path
    key: str


def _write_aside(site: SiteData, out: Path, lines: DataLines | None,
                 beside: Callable[[], object] | None) -> dict[str, dict[str, list[str]]]:
    """The files made from the site's tables alone: the open data (its lines read and saved here, see ``DataLines``)
    and ``beside``'s. Forked beside the workers when there are any: returns the pinyin readings made meanwhile."""
    written = opendata.write(site, out / "data", opendata.read_lines(lines.last, lines.key) if lines is not None else {})
    if lines is not None:
        opendata.save_lines(lines.out, lines.key, written.lines)
    if beside is not None:
        beside()
    return readings.made()


# The pages that read the lists (``lists.build_lists``) or all the honours: rendered by the main process, which makes
# them once the workers are away (``_write_pages``). A template reading ``lists`` missing here fails the build (undefined).
LIST_TEMPLATES = frozenset({"home.md.j2", "honours.md.j2", "masters_index.md.j2", "studios_index.md.j2", "pairs_index.md.j2",
                            "units_index.md.j2"})

CARRIED = "carried"  # beside the docs folder a build makes: the journal of the folders carry_folders took


def carry_folders(last: LastBuild, out: Path, entries: Path | None) -> Carried | None:
    """The last build's profile folders and sharing cards of the docs, and the profile folders of its search
    entries (into ``entries``), moved into this build's whole: at M, 30,000 files nearly all as they were cost
    seven renames instead of 30,000 links (and as many removals after). A file that changes is replaced, the
    last one set aside first (``set_aside``), so that ``carry.undo`` can return every folder as it was should
    the build fail; the search bundle's update finds the entries that changed, and their last versions, there
    (``carry.replaced``). None when not carried."""
    if last.docs is None or last.entries is None or entries is None:
        return None
    # The sharing cards' folder too, when there is one (none without a Chinese font): a card is named by what it
    # shows (``cards.card_path``), so a card of the same name is the same picture.
    moves = [(last.docs / f, out / f) for f in PROFILE_FOLDERS + ((cards.FOLDER,) if (last.docs / cards.FOLDER).is_dir() else ())]
    moves += [(last.entries / f, entries / f) for f in PROFILE_FOLDERS]
    if any(source.is_symlink() or not source.is_dir() or target.exists() for source, target in moves):
        return None
    carried = Carried(out.parent / CARRIED)
    carried.carry(moves)
    return carried


def set_aside(path: Path) -> None:
    """A carried folder's file about to be replaced or removed, kept beside the build until it is done."""
    assert _JOB is not None and _JOB.carried is not None
    _JOB.carried.set_aside(path)


def _drop_stale(carried: Carried, out: Path, entries: Path | None, pages: list[Page]) -> frozenset[str]:
    """The carried folders' files of pages this build no longer has (a master deleted, renamed), set aside:
    before the workers start, so that the search entries are complete when the last worker is done. Returns
    the files kept, by their paths under the docs and under the entries ("masters/li-jun.md", "….html")."""
    made = {page.path for page in pages}
    kept: set[str] = set()
    for folder in PROFILE_FOLDERS:
        for root, suffix in ((out, ".md"), (entries, ".html")):
            if root is None:
                continue
            for name in carried.names(root / folder):  # listed as it was carried: nothing has written there since
                if f"{folder}/{name.removesuffix(suffix)}.md" not in made:
                    carried.set_aside(root / folder / name)
                else:
                    kept.add(f"{folder}/{name}")
    return frozenset(kept)


def _drop_unwanted_cards(out: Path, wanted: set[str]) -> set[str]:
    """The carried cards no page asks for now, set aside; returns the wanted ones there (their paths)."""
    there: set[str] = set()
    if (out / cards.FOLDER).is_dir():
        for name in os.listdir(out / cards.FOLDER):
            path = f"{cards.FOLDER}/{name}"
            if path not in wanted:
                set_aside(out / cards.FOLDER / name)
            else:
                there.add(path)
    return there


def check_stopped(stop: Callable[[], bool] | None) -> None:
    """``Cancelled`` when ``stop`` says so (``serve``: a newer save made this build stale)."""
    if stop is not None and stop():
        raise Cancelled


def write_robots(site: SiteData, out: Path, templates: Path = TEMPLATES) -> None:
    """robots.txt at the site's root: everything public may be crawled, the editor not; where the sitemap is."""
    from urllib.parse import urlsplit

    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(templates)), autoescape=False, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    base = urlsplit(site.site_url).path or "/" if site.site_url else "/"
    text = env.get_template("robots.txt.j2").render(site_url=site.site_url, base=base if base.endswith("/") else base + "/")
    (out / "robots.txt").write_text(text, encoding="utf-8")


# The forms listed, or a function giving their listing and the function that writes them (build.BlankForms).
Forms = list[dict[str, Any]] | Callable[[], tuple[list[dict[str, Any]], Callable[[Callable[[], object] | None], None]]] | None


def write_docs(site: SiteData, out: Path, *, forms: Forms = None, templates: Path = TEMPLATES, jobs: int | None = None,
               entries: Path | None = None,
               profiles: Callable[[list[str]], ProfileSite] | None = None, cache: Path | None = None,
               last: LastBuild | None = None, stop: Callable[[], bool] | None = None, defer: Deferred | None = None,
               entries_done: EntriesDone | None = None, beside: Callable[[], object] | None = None,
               lines: DataLines | None = None) -> int:
    """Write the whole docs folder into ``out`` (new, or holding only the photos); return the page count.
    ``forms`` lists the downloadable forms, or is a function that writes them and lists them: it
    then runs in this process while the workers render the pages (else one core would wait).
    With ``entries``, each page's search entry is also written there (see ``search_entry``); the
    sharing cards the pages name are drawn, or linked from the last build's docs folder or the
    ``cache`` folder (cards.py).
    With ``profiles`` (given the pages MkDocs is to build, it says where and how), each profile's
    finished page is written too, and MkDocs need not build the profiles (chrome.py). A file that
    comes out as the ``last`` build wrote it is linked from there (``_write``). ``stop``, asked while
    the workers render, ends the build early (``Cancelled``: in ``serve``, a newer save made it stale).
    ``defer`` asked: sharing cards not drawn before are left out (and said in ``defer.left``).
    ``entries_done`` is called once every search entry is written, before the cards are drawn: the
    indexer can start then; with workers, it is called first as they start, with a function that returns once
    every entry is written (``EntriesDone``). ``beside`` writes other files (the editor) from the site's tables, as the open data:
    with workers, both in a child process forked first, on the core this one leaves idle until the workers
    start (``forked.Forked``). ``lines``: where the open data's lines of the last build are, and where this one's go."""
    check_stopped(stop)
    pages = list(plan_pages(site))
    out.mkdir(parents=True, exist_ok=True)
    last = last or LastBuild()
    jobs = jobs or os.cpu_count() or 1
    serial = not parallel(len(pages), jobs)
    # With workers, the lists are made, and the files beside the pages written (the lists' data, the feeds), by a
    # child forked now, with the open data's, which hands the process rendering the lists' pages their views once
    # they are made: at L this process was the last one busy, with 1.3 s of lists and 0.4 s of their pages before
    # 1.1 s of files. What the child reads is read outside any page: no page's dependency is lost.
    with nullcontext() if serial else Forked(_write_aside, site, out, lines, beside) as forked, \
            nullcontext() if serial else Forked(_lists_aside, site, out, templates, early=True) as listing:

        def aside() -> None:  # without workers, here, while nothing else runs
            if forked is None:
                _write_aside(site, out, lines, beside)

        count = _write_pages(site, out, pages, forms=forms, templates=templates, jobs=1 if serial else jobs, entries=entries,
                             profiles=profiles, cache=cache, last=last, stop=stop, defer=defer or Deferred(),
                             entries_done=entries_done, aside=aside, listing=listing)
        if forked is not None:
            readings.add(forked.result())  # made in the child: kept by this process (``readings.save``)
    return count


def _write_pages(site: SiteData, out: Path, pages: list[Page], *, forms: Forms, templates: Path, jobs: int,
                 entries: Path | None, profiles: Callable[[list[str]], ProfileSite] | None, cache: Path | None,
                 last: LastBuild, stop: Callable[[], bool] | None, defer: Deferred,
                 entries_done: EntriesDone | None, aside: Callable[[], object], listing: Forked | None = None) -> int:
    """``write_docs``' pages, search entries and sharing cards, and the files beside them, with ``jobs`` workers
    (1: none); ``aside`` is called in this process meanwhile. ``listing``: the child making the lists and the files
    beside the pages (``_lists_aside``), with workers; without, they are made here."""
    global _JOB, _ENTRIES
    env = make_env(templates, compiled_in(cache))
    env.globals["site"] = site  # read by the shared macros, which are imported without context
    finished = profiles([p.path for p in pages if not is_profile(p.path)] + [FORMS_PAGE]) if profiles is not None else None
    digests, key, checked = None, "", None
    if finished is not None:
        digests, key = pagedeps.Digests(pagedeps.track(site)), _pages_key(finished, site)
        # Every key's digest, here once (the workers inherit them): 0.1 s at M, where each worker took 0.3 s
        # to compute the digests of its share of the profiles, nearly all of which read nothing that changed.
        finished.tables = pagedeps.Tables(key, digests.every())
        checked = pagedeps.to_check(finished.known, finished.known_tables, finished.tables)
    carried = carry_folders(last, out, entries) if last.carry and finished is not None else None
    present = _drop_stale(carried, out, entries, pages) if carried is not None else frozenset()
    # By the pages' folder names first: 10,000 pathlib joins took 0.2 s at M.
    names = {p.path.rpartition("/")[0] for p in pages}
    folders = {out / name for name in names} | ({entries / name for name in names} if entries else set())
    if finished is not None:
        folders |= {finished.out / folder for folder in PROFILE_FOLDERS}
    for folder in sorted(folders):
        folder.mkdir(parents=True, exist_ok=True)
    shares = [(i, jobs) for i in range(jobs)]
    # The pages that show the lists (and the honours they are made of) are this process's, after the workers fork:
    # the lists are made here then (0.15 s at M, 2 s at L), while the workers render, instead of before they start.
    ours, theirs = [p for p in pages if p.template in LIST_TEMPLATES], [p for p in pages if p.template not in LIST_TEMPLATES]

    announced = False

    def entries_ready(running: list[Future[Any]]) -> None:
        # The indexer starts once every page's search entry is written: the workers write theirs first, and
        # count themselves in _ENTRIES; this process's are, as this is asked only once it has written its own
        # (beside_pages), then between the forms' files, the steps after, and while the workers render.
        nonlocal announced
        if announced or entries_done is None or any(f.done() and f.exception() is not None for f in running):
            return
        if (_ENTRIES is not None and _ENTRIES.value == len(running) + 1) or all(f.done() for f in running):
            announced = True
            entries_done(None)

    def beside_pages(running: list[Future[Any]]) -> list[Share]:
        """This process's part while the workers render: its pages (the lists, the forms' page), the forms,
        the other files."""
        global _JOB
        listed, print_forms = forms() if callable(forms) else (forms or [], None)
        check_stopped(stop)
        assert _JOB is not None
        _JOB = replace(_JOB, pages=[*ours, forms_page(listed)])  # the workers have theirs: forked before
        # These pages' search entries first (none reads the lists): the indexer need not wait for the lists.
        firsts = _entries_first(_JOB, _JOB.pages)
        if _ENTRIES is not None:  # counted with the workers'
            with _ENTRIES.get_lock():
                _ENTRIES.value += 1
        entries_ready(running)  # the first time: this process's entries are written
        specs = lists.build_lists(site) if listing is None else listing.early_result()
        env.globals["lists"] = specs
        mine = [_pages_after(_JOB, firsts, len(_JOB.pages))]
        if print_forms is not None:  # seconds, when printed: the indexer may start meanwhile
            print_forms(lambda: entries_ready(running))
        check_stopped(stop)
        if listing is None:
            _write_extras(site, specs, out, templates, stop, lambda: entries_ready(running))
        else:
            readings.add(listing.result())
        aside()
        check_stopped(stop)
        return mine

    _JOB = _Job(env, theirs, out, entries, finished, last, digests, key, carried, present, checked)
    serial = jobs == 1
    _ENTRIES = None if serial else get_context("fork").Value("i", 0)
    if not serial:
        # Compiled once here, while the forked child (open data, editor) has the other core, rather than by each
        # worker after the fork: 0.5 s a worker at M when the templates' bytecode is not in the cache yet.
        for name in sorted({p.template for p in theirs} | {"_macros.j2"}):
            env.get_template(name)
    try:
        with nullcontext() if serial else ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            if pool is None:
                done = [_render_share(share) for share in shares]
                done += beside_pages([])
            else:
                running = [pool.submit(_render_share, share, True) for share in shares]
                if entries_done is not None:
                    # The indexer forked now, told how to wait, starts the moment the last entry is written, rather
                    # than when this process, busy with the lists, next asks (at M it was the last one busy).
                    announced = bool(entries_done(_all_counted(_ENTRIES, jobs + 1)))
                done = beside_pages(running)  # meanwhile, in this otherwise idle process
                done += _results(pool, running, stop, lambda: entries_ready(running))
            if not announced and entries_done is not None:
                entries_done(None)
            # Cards by their names' hash, one share a process: no two draw the same card.
            parts: list[dict[str, tuple[str, str, str]]] = [{} for _ in range(1 if serial else jobs)]
            for _, asked, records, rendered, taken in done:
                if finished is not None:
                    finished.records.update(records)
                    finished.rendered.update(rendered)
                    for path, stamped in taken.items():
                        record = finished.records[path] = taken_record(finished.known[path], stamped)
                        if record.card is not None:
                            asked[record.card[0]] = record.card[1]
                for path, words in asked.items():
                    parts[int(path[len(cards.FOLDER) + 1:][:8], 16) % len(parts)][path] = words
            if carried is not None:
                there = _drop_unwanted_cards(out, {path for part in parts for path in part})
                # The cards the carried folder has are in place: after a one-record change, all but one or two.
                parts = [{path: words for path, words in part.items() if path not in there} for part in parts]
            shares_of_cards = [(part, out, last.docs, cache / "cards" if cache else None, not defer.asked) for part in parts if part]
            # Drawing cards never drawn before takes seconds at M: a stale build stops here too.
            counts = sum(_results(pool, [pool.submit(_draw_share, share) for share in shares_of_cards], stop) if pool is not None
                         else map(_draw_share, shares_of_cards))
            if defer.asked and counts:  # cards left out (when drawing, the count is of cards drawn)
                defer.left.append("cards")
        count = sum(n for n, *_ in done)
    finally:
        _JOB = _ENTRIES = None
    return count
