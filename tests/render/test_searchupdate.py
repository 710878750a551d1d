"""The search bundle updated for a few changed entries is the bundle Pagefind writes over every entry.

Each case edits the sample's search entries as a build would write them (a new file where an entry
changed, hard links to the last build's elsewhere), updates the last bundle with ``update_bundle``
and runs Pagefind over every entry; the two must hold the same content (``content``: the same
pages in the same order, the same words with the same postings in the same chunks under the same
names, the same filters and fragments). The results of a search are read from nothing else.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from generator.render.site import carry, searchupdate
from generator.render.site.build import ENTRIES, index_entries
from generator.render.site.search import BUNDLE, index_site
from generator.render.site.searchupdate import (
    HEADER,
    LAYOUTS,
    NotUpdatable,
    content,
    name_hash,
    read,
    record_layout,
    record_order,
    update_bundle,
    walk_order,
)


@pytest.fixture(scope="module")
def last(sample_site: Path) -> tuple[Path, Path]:
    """The sample's last bundle and the entries it was written from."""
    return sample_site / BUNDLE, sample_site.parent / ENTRIES


def _entries_after(last_entries: Path, target: Path, edits: dict[str, Callable[[str], str]]) -> Path:
    """The entries as the next build writes them: unchanged ones hard links, edited ones new files."""
    for folder, _subfolders, names in os.walk(last_entries):
        rel = Path(folder).relative_to(last_entries)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(Path(folder) / name, target / rel / name)
    for entry, edit in edits.items():
        text = (target / entry).read_text(encoding="utf-8")
        (target / entry).unlink()
        (target / entry).write_text(edit(text), encoding="utf-8")
    return target


def _a(kind: str, last_entries: Path, n: int = 0) -> str:
    return sorted(e for e in walk_order(last_entries) if e.startswith(kind + "/") and not e.endswith("index.html"))[n]


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return edit


def _index(site: Path, out: Path) -> None:
    index_site(site, out)


CASES: dict[str, Callable[[Path], dict[str, Callable[[str], str]]]] = {
    # new words in a master's introduction (the meta text and the body's tokens)
    "text": lambda e: {_a("masters", e): _replace('data-pagefind-meta="text:', 'data-pagefind-meta="text:新增的简介词语，')},
    # a studio renamed: its whole-name token gone, a new one (title meta, weighted body)
    "title": lambda e: {_a("studios", e): _replace('data-pagefind-meta="title:', 'data-pagefind-meta="title:更名')},
    # a filter value no page had, and a filter taken off a page
    "filters": lambda e: {_a("masters", e, 1): _replace('data-pagefind-filter="单位:', 'data-pagefind-filter="单位:新单位'),
                          _a("masters", e, 2): _replace('data-pagefind-filter="类型:', 'data-pagefind-x="类型:')},
    # several pages of several kinds at once
    "several": lambda e: {_a("masters", e, 3): _replace("<p>", "<p>bdacalfn alfnzzzz "),
                          _a("units", e): _replace('data-pagefind-meta="summary:', 'data-pagefind-meta="summary:改过 '),
                          _a("studios", e, 1): _replace("<p>", "<p>qqqqzzzz ")},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_updated_bundle_is_pagefinds_own(last: tuple[Path, Path], tmp_path: Path, case: str) -> None:
    bundle, last_entries = last
    edits = CASES[case](last_entries)
    entries = _entries_after(last_entries, tmp_path / "entries", edits)
    assert update_bundle(bundle, last_entries, entries, tmp_path / "updated", _index) == len(edits)
    index_site(entries, tmp_path / "whole")
    updated, whole = content(tmp_path / "updated"), content(tmp_path / "whole")
    assert updated.keys() == whole.keys()
    for part in updated:
        assert updated[part] == whole[part], part
    assert updated != content(bundle)  # the edit shows
    # Nothing more than the bundle: no file left from the last one that the new one does not name.
    assert sorted(p.name for p in (tmp_path / "updated" / "fragment").iterdir()) == \
        sorted(p.name for p in (tmp_path / "whole" / "fragment").iterdir())
    assert len(list((tmp_path / "updated" / "filter").iterdir())) == len(list((tmp_path / "whole" / "filter").iterdir()))


def test_unchanged_entries_keep_the_last_bundle(last: tuple[Path, Path], tmp_path: Path) -> None:
    bundle, last_entries = last
    entries = _entries_after(last_entries, tmp_path / "entries", {})
    assert update_bundle(bundle, last_entries, entries, tmp_path / "updated", _index) == 0
    assert {p.relative_to(tmp_path / "updated"): p.stat().st_ino for p in (tmp_path / "updated").rglob("*") if p.is_file()} == \
        {p.relative_to(bundle): p.stat().st_ino for p in bundle.rglob("*") if p.is_file()}


def test_what_it_cannot_update_it_says(last: tuple[Path, Path], tmp_path: Path) -> None:
    bundle, last_entries = last
    added = _entries_after(last_entries, tmp_path / "added", {})
    shutil.copyfile(added / _a("masters", last_entries), added / "masters" / "zz-new.html")
    with pytest.raises(NotUpdatable):
        update_bundle(bundle, last_entries, added, tmp_path / "out-added", _index)
    # A meta field no page had: every page's field numbers would move.
    field = _entries_after(last_entries, tmp_path / "field", {_a("masters", last_entries): _replace(
        '<span data-pagefind-meta="text:', '<span data-pagefind-meta="zzz:新字段"></span><span data-pagefind-meta="text:')})
    with pytest.raises(NotUpdatable):
        update_bundle(bundle, last_entries, field, tmp_path / "out-field", _index)
    # The build then indexes every entry: the bundle is Pagefind's own.
    assert index_entries(field, tmp_path / "out-field", (bundle, last_entries)) is None
    index_site(field, tmp_path / "whole")
    assert content(tmp_path / "out-field") == content(tmp_path / "whole")


def test_entries_and_fragments_moved_over_are_updated_and_put_back(last: tuple[Path, Path], tmp_path: Path) -> None:
    """A build moves the last entries' profile folders into its own and sets aside the entries it replaces
    (``moved``: their last versions are there); the update moves the last bundle's fragments into the new one
    (``journal``). The bundle is Pagefind's own; undone, the last bundle is as it was."""
    bundle, last_entries = last
    entry = _a("masters", last_entries)
    old_entries = _entries_after(last_entries, tmp_path / "old-entries", {})
    old_bundle = tmp_path / "old-bundle"
    shutil.copytree(bundle, old_bundle, copy_function=os.link)
    before = content(old_bundle)
    entries = tmp_path / "entries"
    entries.mkdir()
    for item in old_entries.iterdir():
        if item.name == "masters":
            continue
        if item.is_dir():
            shutil.copytree(item, entries / item.name, copy_function=os.link)
        else:
            os.link(item, entries / item.name)
    # Without the order recorded when the last bundle was made, the moved folder's old order is unknown.
    (old_entries / searchupdate.ORDER).unlink(missing_ok=True)
    (old_entries / "masters").rename(entries / "masters")
    aside = tmp_path / "replaced"
    aside.mkdir()
    (entries / entry).rename(aside / Path(entry).name)
    (entries / entry).write_text(_replace("<p>", "<p>qqqqyyyy ")((aside / Path(entry).name).read_text(encoding="utf-8")),
                                 encoding="utf-8")
    with pytest.raises(NotUpdatable):
        update_bundle(old_bundle, old_entries, entries, tmp_path / "unordered", _index, moved={"masters": aside})
    record_order(old_entries, walk_order(entries))  # as it was when the last bundle was made (the same names)
    journal = tmp_path / "journal"
    assert update_bundle(old_bundle, old_entries, entries, tmp_path / "updated", _index, moved={"masters": aside},
                         journal=journal) == 1
    index_site(entries, tmp_path / "whole")
    assert content(tmp_path / "updated") == content(tmp_path / "whole")
    assert not (old_bundle / "fragment").exists()  # moved, not linked
    carry.undo(journal)
    assert content(old_bundle) == before


def test_a_bundle_that_is_not_the_last_entries_is_not_updated(last: tuple[Path, Path], tmp_path: Path) -> None:
    """The entries changed since the bundle was written (the build's digest check aside): found out."""
    bundle, last_entries = last
    entry = _a("masters", last_entries)
    older = _entries_after(last_entries, tmp_path / "older", {entry: _replace("<p>", "<p>aaaabbbb ")})
    newer = _entries_after(last_entries, tmp_path / "newer", {entry: _replace("<p>", "<p>ccccdddd ")})
    with pytest.raises(NotUpdatable):
        update_bundle(bundle, older, newer, tmp_path / "out", _index)


def test_names_are_pagefinds_hashes(last: tuple[Path, Path]) -> None:
    """Pagefind names each file by SHA-1 of its content, bytes in hex without their leading zero."""
    bundle, _ = last
    files = [*(bundle / "fragment").iterdir(), *(bundle / "index").iterdir()]
    for path in files:
        name = path.name.split(".")[0]
        data = gzip.decompress(path.read_bytes())[len(HEADER):]
        assert name == "zh_" + name_hash(data)[: len(name) - 3], path.name
    assert any(len(name_hash(gzip.decompress(p.read_bytes())[len(HEADER):])) < 40 for p in files)  # the quirk is met
    assert read(next((bundle / "index").iterdir()))[0]  # words


def _page(n: int, words: list[str], rnd: random.Random) -> str:
    body = " ".join(rnd.choices(words, weights=[1 / (i + 1) for i in range(len(words))], k=rnd.randint(40, 120)))
    # Two words on every page, each enough for a chunk of its own: the second's chunk starts and ends with
    # it, and its end, shortened against the next word (kkkl), would come before its start: left whole.
    body += " kkkkkkkj" * 15 + " kkkkkkkk" * 15 + (" kkkl" if n % 50 == 0 else "")
    return ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>p</title></head><body><div hidden data-pagefind-body>'
            f'<span data-pagefind-meta="title:页面{n}"></span><span data-pagefind-filter="组:{n % 7}"></span>'
            f'<p data-pagefind-weight="10">w{n:05d}</p><p>{body}</p></div></body></html>')


@pytest.fixture(scope="module")
def chunked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Entries enough for an index in several chunks (the sample's fits one), and their bundle: where
    a change moves the cuts between chunks, and the prefixes that name them."""
    work = tmp_path_factory.mktemp("chunked")
    rnd = random.Random(7)
    words = ["".join(rnd.choices("abcdefghijklmnopqrstuvwxyz", k=8)) for _ in range(3000)]
    for n in range(1500):
        path = work / "entries" / f"g{n % 3}" / f"p{n:05d}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(n, words, rnd), encoding="utf-8")
    index_site(work / "entries", work / "bundle")
    assert len(list((work / "bundle" / "index").iterdir())) >= 5
    return work / "bundle", work / "entries"


def _swap_ends(text: str) -> str:
    head, body, tail = re.split(r"(?<=<p>)(.*?)(?=</p></div>)", text, maxsplit=1)
    words = body.split(" ")
    low, high = words.index(min(words)), words.index(max(words))
    words[low], words[high] = words[high], words[low]
    return head + " ".join(words) + tail


CHUNKED: dict[str, Callable[[list[str]], dict[str, Callable[[str], str]]]] = {
    # many new words on one page: its chunks grow, the cuts after them move
    "grows": lambda e: {e[10]: _replace("<p>", "<p>" + " ".join(f"zz{i:06d}" for i in range(400)) + " ")},
    # a page's body gone: words vanish from every chunk, the cuts move the other way
    "shrinks": lambda e: {e[20]: lambda t: t.split("<p>")[0] + "<p>aaaaaaaa</p></div></body></html>"},
    # words before the first chunk's first word and after the last's
    "ends": lambda e: {e[30]: _replace("<p>", "<p>0000 ~~~~~~~ "), e[-1]: _replace("<p>", "<p>zzzzzzzzzz ")},
    # a word between the chunk of one word and the next
    "one word": lambda e: {e[50]: _replace("<p>", "<p>kkkkkkkm kkkkkkkj ")},
    # the page's first word and its last in the alphabet swap places: two chunks far apart touched, their sizes the same
    "far apart": lambda e: {e[60]: _swap_ends},
    # a few pages at once, a filter value new
    "several": lambda e: {e[5]: _replace("组:", "组:新"), e[700]: _replace("<p>", "<p>mmmmmmmm "), e[1400]: _replace("<p>", "<p>")},
}


@pytest.mark.parametrize("case", sorted(CHUNKED))
def test_an_index_in_chunks_is_cut_as_pagefind_cuts_it(chunked: tuple[Path, Path], tmp_path: Path, case: str) -> None:
    bundle, last_entries = chunked
    edits = {k: v for k, v in CHUNKED[case](walk_order(last_entries)).items()}
    entries = _entries_after(last_entries, tmp_path / "entries", edits)
    changed = update_bundle(bundle, last_entries, entries, tmp_path / "updated", _index)
    index_site(entries, tmp_path / "whole")
    updated, whole = content(tmp_path / "updated"), content(tmp_path / "whole")
    for part in updated:
        assert updated[part] == whole[part], part
    assert changed == len([e for e in edits if (entries / e).read_bytes() != (last_entries / e).read_bytes()])
    if case == "grows":
        assert updated["meta"][2] != content(bundle)["meta"][2]  # the chunks are cut anew
    if case == "far apart":  # the chunks between the two are the last bundle's files, not written again
        names = [name for _first, _last, name in read(next(bundle.glob("pagefind.*.pf_meta")))[2]]
        kept = [n for n in names if (new := tmp_path / "updated" / "index" / f"{n}.pf_index").exists()
                and new.stat().st_ino == (bundle / "index" / f"{n}.pf_index").stat().st_ino]
        assert len(names) >= 5 and len(kept) == len(names) - 2, (names, kept)


@pytest.mark.parametrize("case", ["grows", "shrinks", "several"])
def test_touched_words_rewritten_on_two_cores_give_the_same_bundle(chunked: tuple[Path, Path], tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """At L the touched words are megabytes: half of them are rewritten in a forked process (here, whatever their size)."""
    bundle, last_entries = chunked
    forks: list[int] = []
    real = searchupdate.Forked

    def counted(*args: Any, **kwargs: Any) -> Any:
        forks.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(searchupdate, "SPLIT_BYTES", 0)
    monkeypatch.setattr(searchupdate, "Forked", counted)
    entries = _entries_after(last_entries, tmp_path / "entries", CHUNKED[case](walk_order(last_entries)))
    update_bundle(bundle, last_entries, entries, tmp_path / "updated", _index)
    index_site(entries, tmp_path / "whole")
    assert forks == [1]
    assert content(tmp_path / "updated") == content(tmp_path / "whole")


@pytest.mark.parametrize("layout", ["recorded", "damaged"])
def test_chunks_cut_by_their_recorded_layout_give_pagefinds_bundle(chunked: tuple[Path, Path], tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    """With the chunks' layouts recorded beside the last entries, no chunk is decoded to find its words (only the
    words a change touches are); the bundle is Pagefind's, and the new chunks' layouts are recorded for the next
    update. A layout that is not its chunk's (another chunk's words, lengths that do not add up) is not used."""
    bundle, entries_made = chunked
    last = _entries_after(entries_made, tmp_path / "last", {})
    record_layout(bundle, last)
    recorded = sorted((last / LAYOUTS).iterdir())
    assert [p.name for p in recorded] == sorted(f"{name}.json" for _first, _last, name in read(next(bundle.glob("pagefind.*.pf_meta")))[2])
    if layout == "damaged":
        for path in recorded:  # each word's size one more, the digest kept
            check, words, sizes, lengths = orjson.loads(path.read_bytes())
            path.write_bytes(orjson.dumps([check, words, [n + 1 for n in sizes], lengths]))
    before = {path.name: path.read_bytes() for path in recorded}
    decoded: list[int] = []
    real = searchupdate._items
    monkeypatch.setattr(searchupdate, "_items", lambda data: decoded.append(1) or real(data))
    edits = CHUNKED["grows"](walk_order(last))
    entries = _entries_after(last, tmp_path / "entries", edits)
    update_bundle(bundle, last, entries, tmp_path / "updated", _index)
    index_site(entries, tmp_path / "whole")
    assert content(tmp_path / "updated") == content(tmp_path / "whole")
    assert (len(decoded) == 0) == (layout == "recorded")
    # The next update finds every chunk of this bundle laid out; the last entries' file is as it was.
    new = read(next((tmp_path / "updated").glob("pagefind.*.pf_meta")))[2]
    assert sorted(p.name for p in (entries / LAYOUTS).iterdir()) == sorted(f"{name}.json" for _first, _last, name in new)
    assert {path.name: path.read_bytes() for path in (last / LAYOUTS).iterdir()} == before
    linked = {p.name for p in (entries / LAYOUTS).iterdir() if (last / LAYOUTS / p.name).exists()
              and p.stat().st_ino == (last / LAYOUTS / p.name).stat().st_ino}
    assert layout == "damaged" or 0 < len(linked) < len(new)  # only the chunks made now are written; the others linked
    decoded.clear()
    again = _entries_after(entries, tmp_path / "again", {walk_order(entries)[40]: _replace("<p>", "<p>nnnnnnnn ")})
    update_bundle(tmp_path / "updated", entries, again, tmp_path / "again-bundle", _index)
    assert decoded == []
    index_site(again, tmp_path / "again-whole")
    assert content(tmp_path / "again-bundle") == content(tmp_path / "again-whole")


def _steps(pages: list[int], locs: dict[int, list[int]]) -> list[list[Any]]:
    return [[b - a, locs[b], []] for a, b in zip([0, *pages], pages, strict=False)]


@pytest.mark.parametrize("seed", range(40))
def test_postings_are_made_again_only_around_the_changed_pages(seed: int) -> None:
    """A changed page's postings replaced (kept, dropped or added), the rest are the very ones read, and the word's
    bytes are the last bytes but for the changed postings: what encoding the whole word gives."""
    rng = random.Random(seed)
    pages = sorted(rng.sample(range(1, 400), rng.randint(0, 60)))
    locs = {page: sorted(rng.sample(range(300), rng.randint(1, 4))) for page in range(400)}
    changed = set(rng.sample(range(1, 400), rng.randint(1, 3)))
    now = {page: [rng.randint(0, 299)] for page in changed if rng.random() < 0.6}
    old = _steps(pages, locs)
    raw = searchupdate.encoded(["词", old, []])
    want = _steps(sorted(set(pages) - changed | set(now)), {**locs, **now})
    replaced, (lo, hi, new_hi) = searchupdate._replaced(old, changed, [[page, ls, []] for page, ls in sorted(now.items())])
    assert replaced == want
    assert all(a is b for a, b in zip(replaced[:lo], old[:lo], strict=True))
    assert all(a is b for a, b in zip(replaced[new_hi:], old[hi:], strict=True)) and len(replaced) - new_hi == len(old) - hi
    spliced = searchupdate._spliced(raw, "词", old, replaced, (lo, hi, new_hi), searchupdate.encoded([]), [])
    assert spliced in (None, searchupdate.encoded(["词", want, []]))
    assert spliced is not None or hi == lo  # found, but where no old posting changed (pages added to an empty word)


def test_postings_found_nowhere_once_are_encoded_whole() -> None:
    """Where the changed postings' bytes are the same as others', however many around them are taken, the word is
    encoded whole (None), never spliced in at the wrong place."""
    old = [[1, [7], []] for _ in range(100)]  # pages 1..100, each with the same positions: every window repeats
    raw = searchupdate.encoded(["词", old, []])
    replaced, span = searchupdate._replaced(old, {50}, [[50, [8], []]])
    assert searchupdate._spliced(raw, "词", old, replaced, span, searchupdate.encoded([]), []) is None
    old[49] = [1, [9], []]  # now the changed page's posting is the only one of its kind
    raw = searchupdate.encoded(["词", old, []])
    replaced, span = searchupdate._replaced(old, {50}, [[50, [8], []]])
    assert searchupdate._spliced(raw, "词", old, replaced, span, searchupdate.encoded([]), []) == \
        searchupdate.encoded(["词", replaced, []])
