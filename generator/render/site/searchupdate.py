"""The search bundle updated for a few changed entries, instead of Pagefind over every entry.

Pagefind (search.py) indexes every search entry of the site: 3–8 s at M and 42 s, 4.4 GB at L, for a
build where one record changed. Its bundle is plain data: a meta file (the pages in order, the word
index's chunks, the filter files), the word index in chunks (each word, the pages holding it and where),
filter files and one fragment per page; each is CBOR behind a short header, gzipped, and named by a
hash of its content. What a page puts in the index does not depend on the other pages. So when a few
entries changed and the pages keep their order, the last bundle is updated: Pagefind runs over the
changed entries alone, once as they were (what they put in the index) and once as they are now, and
their postings, filter values and fragments replace the old ones in the chunks that hold them.

The result is the bundle Pagefind writes over every entry: the same files under the same names, the
same content (tests/render/site/test_searchupdate.py compares them file by file). Two things differ,
neither read by a search: the compression of the files rewritten here, and the order of the filter
files' values (a hash map in Pagefind, in a new order at each of its own runs).

Anything this does not cover (a page added, removed or moved in Pagefind's order, a meta field
appearing or vanishing, a sort, a short name shared by two files, many entries changed) raises
``NotUpdatable``, and the caller runs Pagefind over every entry.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import io
import itertools
import json
import operator
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cbor2
import orjson
from zlib_ng import gzip_ng as gzip  # Pagefind's gzip: compressed in half the time of Debian's zlib

from generator.files import write_atomically
from generator.forked import Forked
from generator.render.site import carry

HEADER = b"pagefind_dcd"
CHUNK_SIZE = 20000  # Pagefind's index chunk size (postings and positions) in 1.5.2
SHORT = 7  # hex digits in a file's name, after the language ("zh_3f9a2c1")
META_SHORT = 10  # in the meta file's
ENTRY_FILE = "pagefind-entry.json"
# Beside the search entries (a dot folder: never indexed, never published), a file an index chunk, named as the
# chunk: its words, with Pagefind's measure of each and its length in bytes, under the digest of the chunk they cut.
# Finding where each word of a chunk ends meant decoding every posting of it: most of an update's time at M. A file
# a chunk, as an update reads the few chunks it changes and writes the few it makes: at L one file of every chunk's
# layout was 24 MB, read and written again at each update (0.5 s).
LAYOUTS = ".jiangpu-chunks"
# Beside the search entries too: the entries in Pagefind's order (its page numbers) when their bundle was made. The
# next build moves the profiles' entry folders into its own (carry.py), so it cannot walk the last ones then.
ORDER = ".jiangpu-order.json"
# Beyond this share of the pages, Pagefind over every entry is about as quick.
MOST = 0.05
FLOOR = 50

Posting = list[Any]  # [page number, positions, meta positions]
Word = list[Any]  # [word, postings, variants]


class NotUpdatable(Exception):
    """The bundle cannot be updated in place; the message says why (for the build's own log)."""


def name_hash(data: bytes) -> str:
    """Pagefind's content hash: SHA-1, each byte in hex without its leading zero (as Pagefind writes it)."""
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())


def read(path: Path) -> Any:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise NotUpdatable(f"{path.name}: not a Pagefind file")
    return cbor2.loads(data[len(HEADER):])


def encoded(value: Any) -> bytes:
    return cbor2.dumps(value)


def write(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(HEADER + data, compresslevel=6, mtime=0))


def walk_order(folder: Path) -> list[str]:
    """The entries as Pagefind walks them (its page numbers): each folder in the order the file system
    lists it, a subfolder's files where the subfolder is listed."""
    found: list[str] = []

    def walk(path: str, prefix: str) -> None:
        with os.scandir(path) as listing:
            for item in listing:
                if item.is_dir(follow_symlinks=False):
                    walk(item.path, prefix + item.name + "/")
                elif item.name.endswith(".html"):
                    found.append(prefix + item.name)

    walk(str(folder), "")
    return found


def page_url(entry: str) -> str:
    """The address Pagefind gives an entry file: its path, a folder's index.html as the folder."""
    return "/" + (entry[: -len("index.html")] if entry == "index.html" or entry.endswith("/index.html") else entry)


@dataclass
class Part:
    """A bundle Pagefind wrote over the changed entries alone: their fragments and postings."""

    folder: Path
    meta: list[Any]
    pages: dict[str, int]  # entry path → page number in this bundle

    @classmethod
    def load(cls, folder: Path, entries: Iterable[str]) -> Part:
        meta = read(_meta_file(folder))
        by_url = {page_url(e): e for e in entries}
        pages = {}
        for number, (name, _count) in enumerate(meta[1]):
            url = json.loads(gzip.decompress((folder / "fragment" / f"{name}.pf_fragment").read_bytes())[len(HEADER):])["url"]
            pages[by_url[url]] = number
        if len(pages) != len(by_url):
            raise NotUpdatable("an entry changed has no words")
        return cls(folder, meta, pages)

    def words(self, numbers: dict[str, int], fields: list[str]) -> dict[str, Word]:
        """Its words, the page numbers those of the whole bundle (``numbers``), the meta fields' numbers
        those of the whole bundle's ``fields``."""
        own = {i: numbers[entry] for entry, i in self.pages.items()}
        field = [fields.index(name) for name in self.meta[5]]
        out: dict[str, Word] = {}
        for _first, _last, name in self.meta[2]:
            for word, postings, variants in read(self.folder / "index" / f"{name}.pf_index")[0]:
                out[word] = [word, _renumber(postings, own, field),
                             [[form, _renumber(pages, own, field)] for form, pages in variants]]
        return out

    def filters(self, numbers: dict[str, int]) -> dict[str, dict[str, list[int]]]:
        own = {i: numbers[entry] for entry, i in self.pages.items()}
        out: dict[str, dict[str, list[int]]] = {}
        for _label, file in self.meta[3]:
            label, values = read(self.folder / "filter" / f"{file}.pf_filter")
            out[label] = {value: sorted(own[p] for p in pages) for value, pages in values}
        return out


def _renumber(postings: list[Posting], own: dict[int, int], field: list[int]) -> list[Posting]:
    out, page = [], 0
    for delta, locs, meta_locs in postings:
        page += delta
        out.append([own[page], locs, [-(field[-x - 1] + 1) if x < 0 else x for x in meta_locs]])
    return sorted(out, key=lambda p: p[0])


def _meta_file(folder: Path) -> Path:
    found = sorted(folder.glob("pagefind.*.pf_meta"))
    if len(found) != 1:
        raise NotUpdatable("no single meta file")
    return found[0]


def _absolute(postings: list[Posting]) -> list[Posting]:
    out, page = [], 0
    for delta, locs, meta_locs in postings:
        page += delta
        out.append([page, locs, meta_locs])
    return out


def _deltas(postings: list[Posting]) -> list[Posting]:
    out, last = [], 0
    for page, locs, meta_locs in postings:
        out.append([page - last, locs, meta_locs])
        last = page
    return out


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return a[: common + 1], b[: common + 1]


def changed_entries(entries: Path, last: Path, order: list[str], moved: Mapping[str, Path] | None = None) -> list[str]:
    """The entries of ``order`` that are not the last build's file (hard links are the same file). ``moved``: the
    folders of entries the build moved from the last ones into its own, each with the folder of the last versions
    of the files it replaced there (``carry.replaced``): those are the ones that changed in it."""
    moved = moved or {}
    mine, theirs = str(entries) + os.sep, str(last) + os.sep
    found = {e for e in order if e.partition("/")[0] not in moved and os.stat(mine + e).st_ino != os.stat(theirs + e).st_ino
             and (entries / e).read_bytes() != (last / e).read_bytes()}
    found |= {f"{folder}/{name}" for folder, aside in moved.items() if aside.is_dir() for name in os.listdir(aside)}
    return [e for e in order if e in found]


def _last_version(last: Path, moved: Mapping[str, Path]) -> Callable[[str], Path]:
    def where(entry: str) -> Path:
        folder, _, name = entry.partition("/")
        return moved[folder] / name if folder in moved else last / entry
    return where


def _order_of(last: Path, moved: Mapping[str, Path] | None) -> list[str]:
    """The last entries' order: as recorded when their bundle was made, else (nothing moved out) walked."""
    try:
        found = orjson.loads((last / ORDER).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        found = None
    if isinstance(found, list):
        return found
    if moved:
        raise NotUpdatable("the last entries' order was not recorded")
    return walk_order(last)


def record_order(entries: Path, order: list[str] | None = None) -> None:
    """The entries' order (``ORDER``), once their bundle is made."""
    temporary = entries / f"{ORDER}.new"
    temporary.write_bytes(orjson.dumps(walk_order(entries) if order is None else order))
    os.replace(temporary, entries / ORDER)


def update_bundle(last_bundle: Path, last_entries: Path, entries: Path, output: Path,
                  index: Callable[[Path, Path], None], moved: Mapping[str, Path] | None = None,
                  journal: Path | None = None) -> int:
    """Write to ``output`` the bundle of ``entries``, from ``last_bundle`` (that of ``last_entries``) and
    Pagefind (``index(site, output)``) over the entries that changed. Returns how many changed.
    ``moved``: the entry folders the build moved out of ``last_entries`` (``changed_entries``). ``journal``:
    the last bundle's fragments are moved into the new one (carry.py, journalled there; the caller undoes it
    should the build fail), not linked one by one — only when nobody reads the last bundle until it is replaced."""
    order = walk_order(entries)
    if _order_of(last_entries, moved) != order:
        raise NotUpdatable("pages added, removed or in a new order")
    version, pages, chunks, filter_files, sorts, fields = read(_meta_file(last_bundle))
    if sorts or len(pages) != len(order):
        raise NotUpdatable("sorts, or pages without words")
    changed = changed_entries(entries, last_entries, order, moved)
    layout = read_layout(last_entries)
    record_order(entries, order)
    if not changed:
        output.mkdir(parents=True)
        _link_unchanged(last_bundle, output, {n for n, _c in pages}, {n for _f, _t, n in chunks}, {n for _f, n in filter_files},
                        journal, meta=True)
        _save_layouts(layout, entries, [name for _f, _t, name in chunks])
        return 0
    if len(changed) > max(FLOOR, MOST * len(order)):
        raise NotUpdatable(f"{len(changed)} entries changed")
    position = {e: i for i, e in enumerate(order)}
    numbers = {e: position[e] for e in changed}
    gone = set(numbers.values())
    with tempfile.TemporaryDirectory(prefix="jiangpu-search-") as work:
        # Pagefind over the changed entries as they were and as they are, both at once: each waits on its own process.
        with ThreadPoolExecutor(max_workers=2) as threads:
            was = threads.submit(_index_part, Path(work), "before", _last_version(last_entries, moved or {}), changed, index)
            after = _index_part(Path(work), "after", lambda entry: entries / entry, changed, index)
            before = was.result()
        if set(before.meta[5]) - set(after.meta[5]) or not set(after.meta[5]) <= set(fields) or before.meta[4] or after.meta[4]:
            raise NotUpdatable("meta fields or sorts changed")
        for entry in changed:  # what Pagefind writes for the old entry alone is what the bundle holds for it
            if list(pages[numbers[entry]]) != list(before.meta[1][before.pages[entry]]):
                raise NotUpdatable("the last bundle is not the last entries'")
        others = {name[: 3 + SHORT] for i, (name, _count) in enumerate(pages) if i not in gone}
        for entry in changed:
            name, count = after.meta[1][after.pages[entry]]
            if len(name) != 3 + SHORT or name in others:
                raise NotUpdatable("a fragment's short name is shared")
            pages[numbers[entry]] = [name, count]
        words, had = after.words(numbers, fields), before.words(numbers, fields)
        # A word whose postings for the changed pages are what they were (a name, a unit before the edited
        # text) is left as it is: on a common word, that is most of the work.
        touched = {w for w in had.keys() | words.keys() if had.get(w) != words.get(w)}
        new_chunks, chunk_files = _rechunk(last_bundle, chunks, touched, gone, words, layout)
        _save_layouts(layout, entries, [name for _f, _t, name in new_chunks])
        new_filters, filter_files_written = _refilter(last_bundle, filter_files, gone, after.filters(numbers))
        output.mkdir(parents=True)
        _link_unchanged(last_bundle, output, {n for n, _c in pages}, {n for _f, _t, n in new_chunks} - set(chunk_files),
                        {n for _f, n in new_filters} - set(filter_files_written), journal)
        for entry in changed:  # the other pages' fragments are the last bundle's, linked above
            name = after.meta[1][after.pages[entry]][0]
            if not (output / "fragment" / f"{name}.pf_fragment").exists():
                shutil.copyfile(after.folder / "fragment" / f"{name}.pf_fragment", output / "fragment" / f"{name}.pf_fragment")
        # Compressed on both cores: zlib lets go of the interpreter while it works (3-5 MB of chunks at M, a tenth
        # of a second in one thread), and the build's other processes wait for this one now.
        files = [(output / "index" / f"{name}.pf_index", data) for name, data in chunk_files.items()]
        files += [(output / "filter" / f"{name}.pf_filter", data) for name, data in filter_files_written.items()]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as threads:
            list(threads.map(lambda file: write(*file), files))
        meta = encoded([version, pages, new_chunks, new_filters, sorts, fields])
        meta_name = "zh_" + name_hash(meta)[:META_SHORT]
        write(output / f"pagefind.{meta_name}.pf_meta", meta)
        entry_file = json.loads((last_bundle / ENTRY_FILE).read_text(encoding="utf-8"))
        entry_file["languages"]["zh"]["hash"] = meta_name
        (output / ENTRY_FILE).write_text(json.dumps(entry_file, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return len(changed)


def _index_part(work: Path, name: str, source: Callable[[str], Path], changed: list[str], index: Callable[[Path, Path], None]) -> Part:
    site = work / f"{name}-entries"
    for entry in changed:
        (site / entry).parent.mkdir(parents=True, exist_ok=True)
        os.link(source(entry), site / entry)
    index(site, work / name)
    return Part.load(work / name, changed)


@dataclass
class Item:
    """One word of a chunk: its encoded bytes (as they are in the file, or as ``_rewrite`` made them)."""

    word: str
    size: int  # Pagefind's measure of a chunk: the word's postings and their positions
    raw: bytes = b""


def _size(word: Word) -> int:
    postings = word[1]
    return len(postings) + sum(map(len, map(_LOCS, postings))) + sum(map(len, map(_META_LOCS, postings)))


_LOCS, _META_LOCS = operator.itemgetter(1), operator.itemgetter(2)


class Layouts(dict[str, list[Any]]):
    """The chunks' layouts recorded beside some entries (``LAYOUTS``), each read when first asked for (``get``):
    chunk name -> [digest, words, sizes, lengths] (``_layout_of``). Those set here are this update's (``made``)."""

    def __init__(self, folder: Path | None) -> None:
        super().__init__()
        self.folder = folder
        self.made: set[str] = set()

    def get(self, name: str, default: Any = None) -> Any:
        if self.folder is not None and not dict.__contains__(self, name):
            try:
                found = orjson.loads((self.folder / f"{name}.json").read_bytes())
            except (OSError, orjson.JSONDecodeError):
                found = None  # none recorded, or damaged: the chunk is decoded
            if isinstance(found, list):
                dict.__setitem__(self, name, found)
        return dict.get(self, name, default)

    def __setitem__(self, name: str, layout: list[Any]) -> None:
        self.made.add(name)
        dict.__setitem__(self, name, layout)


def read_layout(entries: Path) -> Layouts:
    """The chunks' layouts recorded beside ``entries`` (``LAYOUTS``), read as they are asked for."""
    return Layouts(entries / LAYOUTS)


def _save_layouts(layouts: Layouts, entries: Path, names: Iterable[str]) -> None:
    """The layouts of the chunks ``names`` beside ``entries``: those made now written, the others linked from where
    they were read (a file is never written in place: the last build's stay as they were); no other file is left."""
    folder = entries / LAYOUTS
    folder.mkdir(exist_ok=True)
    wanted = set()
    for name in names:
        target, temporary = folder / f"{name}.json", folder / f"{name}.json.new"
        if name in layouts.made:
            write_atomically(target, orjson.dumps(dict.__getitem__(layouts, name)), folder)
        elif layouts.folder is not None and layouts.folder != folder:
            with contextlib.suppress(FileNotFoundError):  # never recorded: the next update decodes that chunk
                os.link(layouts.folder / target.name, temporary)
                os.replace(temporary, target)
        wanted.add(target.name)
    for name in os.listdir(folder):
        if name not in wanted:
            os.unlink(folder / name)


def record_layout(bundle: Path, entries: Path) -> None:
    """After Pagefind wrote ``bundle`` over every entry: its chunks' layouts beside ``entries``, for the next update."""
    layouts = Layouts(None)
    names = [name for _first, _last, name in read(_meta_file(bundle))[2]]
    for name in names:
        data = gzip.decompress((bundle / "index" / f"{name}.pf_index").read_bytes())[len(HEADER):]
        layouts[name] = _layout_of(data, _items(data))
    _save_layouts(layouts, entries, names)


def _layout_of(data: bytes, items: list[Item], lengths: list[int] | None = None) -> list[Any]:
    """[digest, the chunk's words a line each (a word holds no white space), their sizes, their lengths]: a few
    long values, quick to read. The digest is of the chunk and of the rest: a layout is used for the chunk it
    was made from, and only as it was made."""
    rest = ["\n".join(item.word for item in items), [item.size for item in items],
            lengths if lengths is not None else [len(item.raw) for item in items]]
    return [_digest(data, rest), *rest]


def _digest(data: bytes, rest: list[Any]) -> str:
    return hashlib.blake2b(data + orjson.dumps(rest), digest_size=16).hexdigest()


def _start(data: bytes) -> int:
    """Where a chunk's first word starts: after [[ and the words' count."""
    if data[0] != 0x81 or not 0x80 <= data[1] <= 0x9B:
        raise NotUpdatable("not an index chunk")
    return 2 + {0x98: 1, 0x99: 2, 0x9A: 4, 0x9B: 8}.get(data[1], 0)


def _laid_out(data: bytes, layout: list[Any] | None) -> list[Item] | None:
    """A chunk's words cut where its recorded layout says, when that layout is this chunk's (same digest)."""
    if not isinstance(layout, list) or len(layout) != 4 or layout[0] != _digest(data, layout[1:]):
        return None
    words, sizes, lengths = str(layout[1]).split("\n"), layout[2], layout[3]
    if not isinstance(sizes, list) or not isinstance(lengths, list) or not len(words) == len(sizes) == len(lengths):
        return None  # a word holding a line break (none does) splits in two: cut by decoding
    out, start = [], _start(data)
    try:
        for word, size, length in zip(words, sizes, lengths, strict=True):
            out.append(Item(word, int(size), data[start:start + length]))
            start += length
    except (TypeError, ValueError):  # not numbers: a damaged file
        return None
    return out if start == len(data) else None


def _items(data: bytes) -> list[Item]:
    """A chunk's words, each with its own bytes (a chunk is [[word, …]]: the words are read one by one)."""
    stream = io.BytesIO(data)
    stream.seek(_start(data))
    decoder = cbor2.CBORDecoder(stream)
    out = []
    start = stream.tell()
    while start < len(data):
        word = decoder.decode()
        end = stream.tell()
        out.append(Item(word[0], _size(word), data[start:end]))
        start = end
    return out


def _head(count: int) -> bytes:
    """The CBOR header of an array of ``count`` items."""
    if count < 24:
        return bytes([0x80 + count])
    for marker, width in ((0x98, 1), (0x99, 2), (0x9A, 4), (0x9B, 8)):
        if count < 1 << (8 * width):
            return bytes([marker]) + count.to_bytes(width, "big")
    raise NotUpdatable("too many words")


def _updated(chunk: list[Item], rewritten: Mapping[str, Item | None], mine: set[str]) -> list[Item]:
    """A chunk's words with the touched ones as ``rewritten`` (None: no page holds it now), and the new words
    that sort into it (``mine``, from ``rewritten`` too)."""
    kept = [item if item.word not in rewritten else rewritten[item.word] for item in chunk]
    known = {item.word for item in chunk}
    out = [item for item in kept if item is not None]
    out.extend(item for w in mine if w not in known and (item := rewritten[w]) is not None)
    out.sort(key=lambda item: item.word)
    return out


def _rewrite(old: list[tuple[str, bytes]], gone: set[int], words: dict[str, Word]) -> list[tuple[str, int, bytes] | None]:
    """Each touched word (its bytes in the last chunk, or none for a word no chunk had) as it is now: the changed
    pages' postings replaced; its size and bytes, or None when no page holds it any more."""
    out: list[tuple[str, int, bytes] | None] = []
    for word, raw in old:
        if not raw:
            value = _as_stored(words[word])
            out.append((word, _size(value), encoded(value)))
            continue
        _word, postings, variants = cbor2.loads(raw)
        new = words.get(word, [word, [], []])
        tail = encoded(variants)  # as the file holds them (``_replace`` changes them in place)
        replaced, span = _replaced(postings, gone, new[1])
        variants = [[f, _replace(ps, gone, [])] for f, ps in variants]
        variants = [v for v in _merge_variants(variants, new[2]) if v[1]]
        if not replaced and not variants:
            out.append(None)
            continue
        value = [word, replaced, variants]
        data = _spliced(raw, word, postings, replaced, span, tail, variants)
        out.append((word, _size(value), data if data is not None else encoded(value)))
    return out


def _items_bytes(items: list[Any]) -> bytes:
    """The bytes of ``items`` in a CBOR array, without the array's header."""
    return encoded(items)[len(_head(len(items))):]


def _spliced(raw: bytes, word: str, old: list[Posting], new: list[Posting], span: tuple[int, int, int], tail: bytes,
             variants: list[list[Any]]) -> bytes | None:
    """The word's bytes with ``new`` postings, made of ``raw`` (the word with ``old``) but for the postings that changed:
    ``old[lo:hi]`` became ``new[lo:new_hi]`` (``span``), the rest are the same. A common word is megabytes of postings at
    L, and encoding them all again was most of an update. Where the changed postings' old bytes are is found by looking
    for them, with more postings around them until they are found once; None when they never are (encoded whole then)."""
    lo, hi, new_hi = span
    head = b"\x83" + encoded(word) + _head(len(old))
    end = len(raw) - len(tail)
    if not raw.startswith(head) or not raw.endswith(tail):
        return None
    for around in (0, 4, 32):
        before, after = min(around, lo), min(around, len(old) - hi)
        window = _items_bytes(old[lo - before:hi + after])
        at = raw.find(window, len(head), end) if window else -1
        if at >= 0 and raw.find(window, at + 1, end) < 0:  # found once (count() would miss overlapping finds)
            changed = _items_bytes(new[lo - before:new_hi + after])
            return b"".join((b"\x83", encoded(word), _head(len(new)), raw[len(head):at], changed, raw[at + len(window):end],
                             encoded(variants)))
    return None


# Above this many bytes of touched words, half of them are decoded and encoded again in a forked process: a word on
# most pages (a trade, a unit's name) is megabytes of postings at L, and the build's other processes wait for this one.
SPLIT_BYTES = 1 << 18


def _rewritten(old: list[tuple[str, bytes]], gone: set[int], words: dict[str, Word]) -> dict[str, Item | None]:
    """``_rewrite`` over the touched words, on two cores when they are many bytes: as Items, by word."""
    if sum(len(raw) for _w, raw in old) > SPLIT_BYTES and (os.cpu_count() or 1) > 1:
        ordered = sorted(old, key=lambda pair: -len(pair[1]))
        halves: tuple[list[tuple[str, bytes]], list[tuple[str, bytes]]] = ([], [])
        sizes = [0, 0]
        for pair in ordered:  # the largest first, each to the lighter half
            lighter = sizes.index(min(sizes))
            halves[lighter].append(pair)
            sizes[lighter] += len(pair[1]) + 1
        with Forked(_rewrite, halves[1], gone, words, lost=NotUpdatable) as other:
            done = _rewrite(halves[0], gone, words) + other.result()
    else:
        done = _rewrite(old, gone, words)
    by_word: dict[str, Item | None] = {word: None for word, _raw in old}
    by_word.update({r[0]: Item(r[0], r[1], r[2]) for r in done if r is not None})
    return by_word


def _replace(postings: list[Posting], gone: set[int], new: list[Posting]) -> list[Posting]:
    """``_replaced``'s postings."""
    return _replaced(postings, gone, new)[0]


_STEP = operator.itemgetter(0)


def _replaced(postings: list[Posting], gone: set[int], new: list[Posting]) -> tuple[list[Posting], tuple[int, int, int]]:
    """Postings as the file holds them (each page number the step from the one before), the changed
    pages' taken out and ``new`` (page numbers whole) put in; and where they changed: ``postings[lo:hi]`` became
    ``[lo:new_hi]`` of the result, the postings around are the very same. A common word is on most pages: only the
    postings from the first changed page to the one after the last are made again (that one, for its step)."""
    changed = gone | {page for page, _locs, _meta in new}
    if not changed:
        return postings, (0, 0, 0)
    pages = list(itertools.accumulate(map(_STEP, postings)))
    lo = bisect.bisect_left(pages, min(changed))
    hi = min(bisect.bisect_right(pages, max(changed)) + 1, len(postings))
    span = [[page, posting[1], posting[2]] for page, posting in zip(pages[lo:hi], postings[lo:hi], strict=True) if page not in gone]
    at_page = [item[0] for item in span]
    for page, locs, meta_locs in new:
        at = bisect.bisect_left(at_page, page)
        at_page.insert(at, page)
        span.insert(at, [page, locs, meta_locs])
    previous = pages[lo - 1] if lo else 0
    for item in span:  # page numbers whole -> steps
        item[0], previous = item[0] - previous, item[0]
    return postings[:lo] + span + postings[hi:], (lo, hi, lo + len(span))


def _as_stored(word: Word) -> Word:
    """A new word, its page numbers as the file holds them (each the step from the one before)."""
    return [word[0], _deltas(word[1]), [[f, _deltas(p)] for f, p in word[2]]]


def _rechunk(bundle: Path, chunks: list[list[str]], touched: set[str], gone: set[int],
             words: dict[str, Word], layout: dict[str, list[Any]]) -> tuple[list[list[str]], dict[str, bytes]]:
    """The word index with the changed pages' postings replaced: from the first chunk a touched word
    falls in, cut again as Pagefind cuts (a chunk ends once its postings and positions reach
    CHUNK_SIZE), until a cut meets an old chunk's start past the last touched chunk; the chunks before
    and after stay as they were. Returns the meta's chunk list and the chunk files to write. ``layout``: the
    chunks' recorded layouts (``LAYOUTS``), to cut a chunk without decoding it; the new chunks' are added to it."""
    starts = [first for first, _last, _name in chunks]
    home: dict[int, set[str]] = {}
    for w in touched:
        home.setdefault(max(0, bisect.bisect_right(starts, w) - 1), set()).add(w)
    if not home:
        return chunks, {}
    decoded: dict[int, list[Item]] = {}

    def read_chunk(i: int) -> list[Item]:
        data = gzip.decompress((bundle / "index" / f"{chunks[i][2]}.pf_index").read_bytes())
        if not data.startswith(HEADER):
            raise NotUpdatable("not a Pagefind file")
        body = data[len(HEADER):]
        items = _laid_out(body, layout.get(chunks[i][2]))
        if items is None:  # no layout, or not this chunk's: decoded, and its layout recorded for the next update
            items = _items(body)
            layout[chunks[i][2]] = _layout_of(body, items)
        return items

    # The chunks holding touched words first: their words rewritten all at once (``_rewritten``).
    for i in home:
        decoded[i] = read_chunk(i)
    had = {item.word: item.raw for i in home for item in decoded[i] if item.word in touched}
    rewritten = _rewritten([(w, had.get(w, b"")) for w in sorted(touched) if w in had or w in words], gone, words)
    for i in home:
        decoded[i] = _updated(decoded[i], rewritten, {w for w in home[i] if w in words})

    def load(i: int) -> list[Item]:
        if i not in decoded:
            decoded[i] = read_chunk(i)
        return decoded[i]

    first, last_hit = min(home), max(home)
    rows: list[list[str]] = []  # from chunk ``first`` on: the chunks cut again, and the ones kept between them
    kept: dict[int, int] = {}  # a kept chunk's row -> its place in ``chunks``
    written: dict[str, bytes] = {}

    def emit(chunk: list[Item]) -> None:
        parts = [item.raw for item in chunk]
        data = b"\x81" + _head(len(chunk)) + b"".join(parts)
        name = "zh_" + name_hash(data)[:SHORT]
        if name in written:
            raise NotUpdatable("an index chunk's short name is shared")
        written[name] = data
        layout[name] = _layout_of(data, chunk, [len(part) for part in parts])
        rows.append([chunk[0].word, chunk[-1].word, name])

    i, size = first, 0
    current: list[Item] = []
    while i < len(chunks):
        if not current and i not in home:
            if i > last_hit:
                break  # a cut where an old chunk starts, past every change: the rest is as it was
            # A cut where this old chunk starts, and none of its words changed: cut from there, it comes out as it
            # was (the last bundle was cut so). Touched words far apart in the alphabet rewrote most chunks else.
            kept[first + len(rows)] = i
            rows.append(list(chunks[i]))
            i += 1
            continue
        for item in load(i):
            size += item.size
            current.append(item)
            if size >= CHUNK_SIZE:
                emit(current)
                current, size = [], 0
        i += 1
    if current:
        emit(current)
    rest = i
    table = [list(c) for c in chunks[:first]] + rows + [list(c) for c in chunks[rest:]]
    if len({row[2][: 3 + SHORT] for row in table}) != len(table):
        raise NotUpdatable("an index chunk's short name is shared")

    def old(j: int) -> list[Item]:  # the old chunk at row ``j``: before, after or kept among the rows
        return load(j if j < first else kept[j] if j in kept else j - first - len(rows) + rest)

    # Each run of new chunks gets its ranges, and its neighbours theirs, as Pagefind names them.
    j = first
    while j < first + len(rows):
        if j in kept:
            j += 1
            continue
        end = j
        while end < first + len(rows) and end not in kept:
            end += 1
        _trim(table, j, end - j, old)
        j = end
    return table, written


def _trim(table: list[list[str]], first: int, count: int, old: Callable[[int], list[Item]]) -> None:
    """The meta's ranges around the new chunks (``first`` to ``first + count``), as Pagefind names them:
    at each cut, the shortest prefixes of the last word before and the first word after that tell them
    apart (a chunk's end is shortened only where that keeps it after the chunk's own start, so a new start
    reaches one chunk further). The neighbours' own first and last words are read for it."""
    low, high = max(first - 1, 0), min(first + count + 1, len(table) - 1)
    real: dict[int, tuple[str, str]] = {}
    for j in range(low, high + 1):
        if first <= j < first + count:
            real[j] = (table[j][0], table[j][1])
        else:
            items = old(j)
            real[j] = (items[0].word, items[-1].word)
    for j in range(low, high):
        table[j][1] = real[j][1]
    for j in range(low, high):
        a, b = _prefixes(real[j][1], real[j + 1][0])
        if a >= table[j][0]:
            table[j][1] = a
        table[j + 1][0] = b


def _merge_variants(old: list[list[Any]], new: list[list[Any]]) -> list[list[Any]]:
    """Variants (``old`` as the file holds them) with ``new`` ones (page numbers whole) added."""
    forms = {f: ps for f, ps in old}
    for form, pages in new:
        forms[form] = _replace(forms.get(form, []), set(), pages)
    known = {f for f, _ in old}
    return [[f, forms[f]] for f in [f for f, _ in old] + [f for f, _ in new if f not in known]]


def _refilter(bundle: Path, files: list[list[str]], gone: set[int],
              new: dict[str, dict[str, list[int]]]) -> tuple[list[list[str]], dict[str, bytes]]:
    """The filter files with the changed pages' values replaced; a value no page holds any more goes."""
    out: list[list[str]] = []
    written: dict[str, bytes] = {}
    for label, name in files:
        _label, values = read(bundle / "filter" / f"{name}.pf_filter")
        table = {v: [p for p in ps if p not in gone] for v, ps in values}
        for value, pages in new.get(label, {}).items():
            table[value] = sorted(table.get(value, []) + pages)
        rows = [[v, ps] for v, ps in table.items() if ps]
        if rows == [[v, ps] for v, ps in values]:
            out.append([label, name])
        elif rows:
            out.append([label, _named(encoded([label, rows]), written)])
    known = {label for label, _name in files}
    for label, found in new.items():
        if label not in known:
            out.append([label, _named(encoded([label, [[v, ps] for v, ps in found.items()]]), written)])
    if len({n[: 3 + SHORT] for _l, n in out}) != len(out):
        raise NotUpdatable("a filter file's short name is shared")
    return out, written


def _named(data: bytes, written: dict[str, bytes]) -> str:
    name = "zh_" + name_hash(data)[:SHORT]
    written[name] = data
    return name


def _link_unchanged(last: Path, output: Path, fragments: set[str], chunks: set[str], filters: set[str],
                    journal: Path | None = None, meta: bool = False) -> None:
    """The last bundle's files the new one keeps, hard-linked: its script, styles and WebAssembly (with ``meta``, its
    meta and entry files too), the unchanged pages' fragments and the chunks and filter files not written again.
    With ``journal``, the fragments' folder is moved over whole instead (10,000 links at M), the others set aside."""
    for item in last.iterdir():
        if item.is_file() and (meta or not item.name.endswith(".pf_meta") and item.name != ENTRY_FILE):
            os.link(item, output / item.name)
        elif item.is_dir() and item.name not in ("fragment", "index", "filter"):
            shutil.copytree(item, output / item.name, copy_function=os.link)
    for folder, suffix, keep in (("fragment", ".pf_fragment", fragments), ("index", ".pf_index", chunks),
                                 ("filter", ".pf_filter", filters)):
        target = output / folder
        if folder == "fragment" and journal is not None and (last / folder).is_dir() and not (last / folder).is_symlink():
            carried = carry.Carried(journal)
            carried.carry([(last / folder, target)])
            for name in os.listdir(target):
                if name[: -len(suffix)] not in keep:
                    carried.set_aside(target / name)
            continue
        target.mkdir()
        into = str(target) + os.sep
        for found in os.scandir(last / folder):
            if found.name[: -len(suffix)] in keep:
                os.link(found.path, into + found.name)


def content(bundle: Path) -> dict[str, Any]:
    """A bundle as a search reads it: the meta, each filter's values, the chunks' and fragments' content
    by name, the other files' bytes. Two bundles that are equal here answer every search alike; what is
    left out differs between two of Pagefind's own runs (the order in the filter files, so their names
    and the meta's) or is not read (the compression)."""
    version, pages, chunks, filters, sorts, fields = read(_meta_file(bundle))
    out: dict[str, Any] = {"meta": [version, pages, chunks, sorts, fields]}
    out["filters"] = {label: sorted((value, tuple(pages)) for value, pages in read(bundle / "filter" / f"{name}.pf_filter")[1])
                      for label, name in sorted(filters)}
    for folder in ("fragment", "index"):
        out[folder] = {p.name: gzip.decompress(p.read_bytes()) for p in sorted((bundle / folder).iterdir())}
    out["other"] = {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()
                    and p.parent.name not in ("fragment", "index", "filter") and not p.name.endswith(".pf_meta") and p.name != ENTRY_FILE}
    entry = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
    entry["languages"]["zh"].pop("hash", None)
    out["entry"] = entry
    return out
