"""What each profile page shows, recorded while it renders, so the next build renders it only when that changed.

The site's tables (masters, studios, pairs, units, programmes, the relations, lineage, labels,
dates, photos, and the site's date: ``facts``) are wrapped in dicts that note every key a template asks for while a page
renders: the page's dependencies. A page's digest is a hash of the build's key (code,
templates, theme, configuration, the site's name and address) and of the public view
held under each of those keys. The next build computes the same digest from its own data
before rendering: when it is unchanged, the page would come out the same, so its files are
taken from the last build (after checking them against the digests recorded). A template
that walks a whole table (``.values()``, ``.items()``, a loop) depends on all of it.

A lookup that misses is a dependency too (a key that appears later changes the page).
Whatever a template reads outside these tables must be in the build's key; the equivalence
test (a build on the last one equals a clean build, after every kind of edit) is the judge.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

import orjson

WHOLE = "*"  # the dependency on a whole table

# The dependencies of the page being rendered in this process (None while none is).
_SEEN: set[tuple[str, str]] | None = None


def _note(table: str, key: object) -> None:
    if _SEEN is not None:
        _SEEN.add((table, str(key)))


class Tracked(dict[str, Any]):
    """A table of the site whose reads are noted while a page renders."""

    __slots__ = ("name",)

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.name = name

    def __getitem__(self, key: str) -> Any:
        _note(self.name, key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        _note(self.name, key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        _note(self.name, key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        _note(self.name, WHOLE)
        return super().__iter__()

    def __len__(self) -> int:
        _note(self.name, WHOLE)
        return super().__len__()

    def keys(self) -> Any:
        _note(self.name, WHOLE)
        return super().keys()

    def values(self) -> Any:
        _note(self.name, WHOLE)
        return super().values()

    def items(self) -> Any:
        _note(self.name, WHOLE)
        return super().items()


def track(site: Any) -> dict[str, dict[str, Any]]:
    """Wrap ``site``'s tables (a ``SiteData``) in place; return them by name, for the digests."""
    tables: dict[str, dict[str, Any]] = {}
    for name in ("programmes", "units", "masters", "studios", "pairs", "progress", "lineage", "teachers", "unit_labels", "photos",
                 "facts"):
        tables[name] = Tracked(name, getattr(site, name))
        setattr(site, name, tables[name])
    for group in ("by", "updated"):
        wrapped = {}
        for part, table in getattr(site, group).items():
            wrapped[part] = tables[f"{group}.{part}"] = Tracked(f"{group}.{part}", table)
        setattr(site, group, wrapped)
    return tables


_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def _canonical(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=repr, option=_CANONICAL)
    except TypeError:  # keys of several types (not sortable): repr is as stable
        return repr(value).encode("utf-8")


def _in_key_order(items: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """A table's ``(key, digest)`` pairs in key order: every table's keys are strings, sorted as they are; keys of
    other types after them, by their type's name and repr (sorting a number with a string raised a TypeError)."""
    try:
        return sorted(items)
    except TypeError:
        return sorted(items, key=lambda item: ("", item[0]) if type(item[0]) is str else (type(item[0]).__name__, repr(item[0])))


class Digests:
    """The digest of what a table holds under a key (memoized: a build asks for each many times)."""

    def __init__(self, tables: Mapping[str, dict[str, Any]]) -> None:
        self._tables = tables
        self._memo: dict[tuple[str, str], str] = {}
        self._lines: dict[tuple[str, str], bytes] = {}  # what a page's digest takes of each dependency

    def of(self, table: str, key: str) -> str:
        found = self._memo.get((table, key))
        if found is None:
            # dict's own methods: reading for a digest is not a page's dependency.
            data = self._tables.get(table, {})
            if key == WHOLE:
                value: Any = _in_key_order([(k, self.of(table, k)) for k in dict.keys(data)])
            else:
                value = dict.get(data, key, ("missing",))
            found = self._memo[(table, key)] = hashlib.blake2b(_canonical(value), digest_size=12).hexdigest()
        return found

    def every(self) -> dict[str, dict[str, str]]:
        """The digest under every key of every table, and of each table as a whole (``WHOLE``): all a
        page's digest can take (a key no table has is "missing" in both builds, the same)."""
        every: dict[str, dict[str, str]] = {}
        for name, table in self._tables.items():
            # One loop a table, not ``of`` a key: 1.3 s at L for 360,000 keys, half of it in the calls and the memo.
            # A key that is not a string is "missing" to a page (pages name keys as strings) in every build: only
            # the whole table's digest takes its value.
            found = every[name] = {key: hashlib.blake2b(_canonical(value), digest_size=12).hexdigest()
                                   for key, value in dict.items(table) if type(key) is str}
            whole = _in_key_order([(key, found[key] if type(key) is str else self.of(name, key)) for key in dict.keys(table)])
            found[WHOLE] = self._memo[(name, WHOLE)] = hashlib.blake2b(_canonical(whole), digest_size=12).hexdigest()
        return every

    def page(self, key: str, path: str, deps: Iterable[tuple[str, str]]) -> str:
        """The page's digest; ``deps`` in sorted order (as recorded): the same set gives the same digest."""
        lines = self._lines
        parts = [f"{key}\0{path}\0".encode()]
        for dep in deps:
            line = lines.get(dep)
            if line is None:
                line = lines[dep] = f"{dep[0]}\0{dep[1]}\0{self.of(*dep)}\0".encode()
            parts.append(line)
        return hashlib.blake2b(b"".join(parts), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Tables:
    """What the tables held when a build rendered its profiles: the digest under each of their keys
    (``Digests.every``), and the pages' key. A page whose dependencies all have the digest they had
    then (and the same key) has the digest it had: the next build computes only the digests of the
    pages that read a key whose digest changed (two seconds a worker at L, for 50,000 pages)."""

    key: str
    digests: Mapping[str, Mapping[str, str]]

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "digests": self.digests}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Tables:
        return cls(str(data["key"]), {str(t): {str(k): str(v) for k, v in dict(d).items()} for t, d in dict(data["digests"]).items()})


def changed_between(before: Tables, after: Tables) -> set[tuple[str, str]] | None:
    """The dependencies whose digest differs between two builds' tables (a key present in one only
    among them); None when the pages' key differs (every page's digest does)."""
    if before.key != after.key:
        return None
    changed: set[tuple[str, str]] = set()
    for name in before.digests.keys() | after.digests.keys():
        old, new = before.digests.get(name, {}), after.digests.get(name, {})
        if old != new:
            changed |= {(name, key) for key, _ in old.items() ^ new.items()}
    return changed


def to_check(known: Mapping[str, PageRecord], before: Tables | None, after: Tables) -> frozenset[str] | None:
    """The pages of ``known`` whose digest must be computed to know whether they changed: those that read
    a dependency whose digest changed since ``before`` (the tables of the build that left ``known``).
    None: all of them (no tables recorded, or another key)."""
    changed = None if before is None else changed_between(before, after)
    if changed is None:
        return None
    lines = as_lines(changed)
    return frozenset(path for path, record in known.items() if record.reads(lines)) if lines else frozenset()


class Recording:
    """Notes the dependencies of one page while it renders (``with Recording(own) as seen``)."""

    def __init__(self, own: Iterable[tuple[str, str]]) -> None:
        self.seen: set[tuple[str, str]] = set(own)

    def __enter__(self) -> set[tuple[str, str]]:
        global _SEEN
        _SEEN = self.seen
        return self.seen

    def __exit__(self, *_: object) -> None:
        global _SEEN
        _SEEN = None


class PageRecord:
    """What the next build needs to take a page over: its digest and dependencies, the digest of its
    finished page, its sharing card (path and words) if it has one, and the page's ``stamp`` as it
    was left in the site (None until the build has put it there).

    Kept as the records file has it (a list, read on demand): a build reads every record and writes most
    of them back as they were, and making each into fields and back took a second at L (100,000 pages)."""

    __slots__ = ("_data",)

    def __init__(self, digest: str, dep_lines: str, html: str, card: tuple[str, tuple[str, str, str]] | None,
                 stamp: tuple[int, ...] | None = None) -> None:
        self._data: list[Any] = [digest, dep_lines, html, [card[0], *card[1]] if card else None, list(stamp) if stamp else None]

    @classmethod
    def made(cls, digest: str, deps: Iterable[tuple[str, str]], html: str, card: tuple[str, tuple[str, str, str]] | None) -> PageRecord:
        return cls(digest, "\n".join(f"{t}\t{k}" for t, k in deps), html, card)

    @property
    def digest(self) -> str:
        return cast(str, self._data[0])

    @property
    def dep_lines(self) -> str:
        # The dependencies as the records file keeps them, "table\tkey" a line in sorted order: read into pairs
        # (``deps``) only where a page is checked, in the workers.
        return cast(str, self._data[1])

    @property
    def html(self) -> str:
        return cast(str, self._data[2])

    @property
    def card(self) -> tuple[str, tuple[str, str, str]] | None:
        card = self._data[3]
        return (card[0], (card[1], card[2], card[3])) if card else None

    @property
    def stamp(self) -> tuple[int, ...] | None:
        stamp = self._data[4] if len(self._data) > 4 else None  # absent: written before stamps were kept
        return tuple(stamp) if stamp else None

    def with_stamp(self, stamp: tuple[int, ...] | None) -> PageRecord:
        return PageRecord(self.digest, self.dep_lines, self.html, self.card, stamp)

    @property
    def deps(self) -> tuple[tuple[str, str], ...]:
        # A damaged line (no tab) reads as a dependency no table has: the page's digest then differs and it is rendered.
        return tuple((t, k) for t, _, k in (line.partition("\t") for line in self.dep_lines.split("\n") if line))

    def reads(self, lines: list[str]) -> bool:
        """Whether the page depends on any of ``lines`` (``as_lines``), found in its lines as they are."""
        text = f"\n{self.dep_lines}\n"
        return any(line in text for line in lines)

    def to_json(self) -> list[Any]:
        return self._data if len(self._data) == 5 else [*self._data, None]

    @classmethod
    def from_json(cls, data: Any) -> PageRecord:
        """The record as read (``to_json``'s list), its shape checked: a damaged one is a ValueError (``load``)."""
        if not (type(data) is list and 4 <= len(data) <= 5 and type(data[0]) is str and type(data[1]) is str
                and type(data[2]) is str):
            raise ValueError("damaged page record")
        card, stamp = data[3], data[4] if len(data) > 4 else None
        if card is not None and not (type(card) is list and len(card) == 4 and all(type(part) is str for part in card)):
            raise ValueError("damaged sharing card")
        if stamp is not None and not (type(stamp) is list and all(type(n) is int for n in stamp)):
            raise ValueError("damaged stamp")
        record = cls.__new__(cls)
        record._data = data
        return record

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PageRecord) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash((self.digest, self.dep_lines, self.html))

    def __repr__(self) -> str:
        return f"PageRecord({self.digest!r}, {self.dep_lines!r}, {self.html!r}, {self.card!r}, {self.stamp!r})"


def as_lines(deps: Iterable[tuple[str, str]]) -> list[str]:
    """Dependencies as ``PageRecord.reads`` looks for them (a whole line each)."""
    return [f"\n{t}\t{k}\n" for t, k in deps]


FORMAT = 3  # 3: the open data's lines moved to a file of their own


@dataclass(frozen=True, slots=True)
class Made:
    """What MkDocs made of the pages it builds (all but the profiles), for a next build whose input to
    MkDocs is the same (``key``) to take over: each file's digest, by site path, and the sitemap as
    MkDocs wrote it (the build then adds the profiles to it) and its .gz copy (base64)."""

    key: str
    files: Mapping[str, str]
    sitemap: str = ""
    packed: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "files": dict(sorted(self.files.items())), "sitemap": self.sitemap, "packed": self.packed}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Made:
        return cls(str(data["key"]), {str(k): str(v) for k, v in dict(data["files"]).items()}, str(data["sitemap"]), str(data["packed"]))


@dataclass(frozen=True, slots=True)
class Records:
    """What a build leaves for the next: each profile's record, the digest of its search bundle and
    what MkDocs made, and the tables the pages were rendered from, when known (``Tables``: every
    profile's record agrees with them). (The open data's lines have a file of their own: ``opendata.save_lines``.)"""

    pages: Mapping[str, PageRecord]
    bundle: str = ""
    made: Made | None = None
    tables: Tables | None = None


def dump(records: Records) -> bytes:
    # orjson: at M the standard module took 0.3 s to write and 0.35 s to read, at every save in serve.
    # Bytes, read and written as they are: decoding and encoding the text took 0.4 s at L (70 MB).
    return orjson.dumps({"format": FORMAT, "bundle": records.bundle, "made": records.made.to_json() if records.made else None,
                         "tables": records.tables.to_json() if records.tables else None,
                         "pages": {p: r.to_json() for p, r in sorted(records.pages.items())}})


def load(text: str | bytes) -> Records:
    """The last build's records, or none when they cannot be read (then every page is rendered)."""
    try:
        data = orjson.loads(text)
        if data.get("format") != FORMAT:
            return Records({})
        made, tables = data.get("made"), data.get("tables")
        return Records({str(p): PageRecord.from_json(r) for p, r in data["pages"].items()}, str(data.get("bundle") or ""),
                       Made.from_json(made) if made else None, Tables.from_json(tables) if tables else None)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return Records({})


def stamp(folder: str) -> tuple[int, ...] | None:
    """A profile's folder and page as the file system has them: the folder's inode and modification time
    (any file added, removed or renamed in it changes that; moving the folder does not), the page's
    inode, size, modification and change times (any write changes the change time, which no one can
    set back). The same stamp means the same bytes the build left there, without reading them; None
    when the page is not there."""
    try:
        where, page = os.stat(folder), os.stat(os.path.join(folder, "index.html"))
    except OSError:
        return None
    return where.st_ino, where.st_mtime_ns, page.st_ino, page.st_size, page.st_mtime_ns, page.st_ctime_ns


def stamped(records: Mapping[str, PageRecord], site: str) -> dict[str, PageRecord]:
    """``records`` with the stamp of each page that has none yet (rendered by this build), read from ``site``."""
    return {path: record if record.stamp is not None else record.with_stamp(stamp(os.path.join(site, path[: -len(".md")])))
            for path, record in records.items()}


def html_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
