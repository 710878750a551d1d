"""A build on top of the last one equals a clean build, byte for byte, after every kind of change.

A build renders every page again (profiles cost microseconds each, see chrome.py) but takes
the blank forms and the sharing cards from the last build's docs folder when they show the same
thing. A registry (the sample, size S) is built once; then it is edited step by step — a
master's text, a new master, a deleted master, a studio renamed (new id, its references
updated), a pair, a unit's name, a programme, the registry's newest date — and after each step the kept site is built again
and a fresh one cleanly. The two must be the same files with the same bytes (Pagefind's filter
index compared by what a search reads: see ``searchupdate.content``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from generator.render.site import pagedeps
from generator.render.site.build import SiteBuild, build_site, read_options, show_changed
from generator.render.site.docs import Cancelled
from generator.validate.engine import validate
from tests.conftest import REPO
from tests.render.test_site import _filter_index, _tree_digest


def _build(records: Path, out: Path, clean: bool = False) -> SiteBuild:
    run = validate(records, today=date(2026, 11, 22), jobs=1)
    assert not run.result.errors, run.result.errors
    return build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", clean=clean)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _rename_everywhere(records: Path, old_id: str, new_id: str, folder: str) -> None:
    """A record's id changed: its file renamed, every reference to it rewritten."""
    source = records / folder / f"{old_id}.yml"
    source.rename(records / folder / f"{new_id}.yml")
    for path in records.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        changed = re.sub(rf"(?<![\w-]){re.escape(old_id)}(?![\w-])", new_id, text)
        if changed != text:
            path.write_text(changed, encoding="utf-8")


def _bio(records: Path) -> None:
    _edit(records / "masters" / "bai-yun.yml", "bio: ", "bio: 增量生成测试：改过的简介。")


def _new_master(records: Path) -> None:
    text = (records / "masters" / "bai-yun.yml").read_text(encoding="utf-8")
    text = text.replace("id: bai-yun", "id: zeng-liang").replace("name: 白云", "name: 曾亮")
    text = re.sub(r"(?ms)^private:.*", "", text)  # no employee number twice
    (records / "masters" / "zeng-liang.yml").write_text(text, encoding="utf-8")


def _deleted_master(records: Path) -> None:
    (records / "masters" / "zeng-liang.yml").unlink()


def _renamed_studio(records: Path) -> None:
    _rename_everywhere(records, "li-jun-motor-studio", "li-jun-motor-innovation-studio", "studios")


def _pair(records: Path) -> None:
    _edit(records / "pairs" / "taoyuan-2020-001.yml", "goal: ", "goal: 增量生成测试。")


def _unit_name(records: Path) -> None:
    _edit(records / "units" / "taoyuan-demo-motor.yml", "name: 桃源示例电机有限公司", "name: 桃源示例电机股份有限公司")


def _programme(records: Path) -> None:
    _edit(records / "programmes" / "taoyuan-pairing-2019.yml", "description: ", "description: 增量生成测试。")


def _site_date(records: Path) -> None:
    """The registry's newest date moves (数据截至, printed in the progress charts' captions)."""
    pair = records / "pairs" / "taoyuan-2026-002.yml"
    pair.write_text(pair.read_text(encoding="utf-8").replace("start: 2026-12-10", "start: 2026-12-20"), encoding="utf-8")


STEPS: list[tuple[str, Callable[[Path], None]]] = [
    ("master text", _bio), ("new master", _new_master), ("deleted master", _deleted_master),
    ("renamed studio", _renamed_studio), ("pair", _pair), ("unit name", _unit_name), ("programme", _programme),
    ("site date", _site_date),
]


def _registry_and_site(factory: pytest.TempPathFactory, name: str) -> tuple[Path, Path]:
    work = factory.mktemp(name)
    records = work / "records"
    shutil.copytree(REPO / "records", records)
    _build(records, work / "kept")
    return records, work / "kept"


CleanBuild = Callable[[Path], tuple[Path, SiteBuild]]


@pytest.fixture(scope="module")
def clean_build(tmp_path_factory: pytest.TempPathFactory) -> CleanBuild:
    """A clean build of the records as they are now, made once for each state of the records: the
    two step-by-step tests below edit two copies of the sample through the same states."""
    made: dict[str, tuple[Path, SiteBuild]] = {}

    def build(records: Path) -> tuple[Path, SiteBuild]:
        digest = hashlib.sha256()
        for path in sorted(records.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(records).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        key = digest.hexdigest()
        if key not in made:
            out = tmp_path_factory.mktemp("clean")
            made[key] = out, _build(records, out, clean=True)
        return made[key]

    return build


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The registry being edited and the folder whose site each step builds on."""
    return _registry_and_site(tmp_path_factory, "incremental")


@pytest.mark.parametrize(("name", "step"), STEPS, ids=[name for name, _ in STEPS])
def test_a_build_on_the_last_one_is_the_clean_build(kept: tuple[Path, Path], clean_build: CleanBuild, name: str,
                                                    step: Callable[[Path], None]) -> None:
    records, out = kept
    step(records)
    cards_before = {p.name: p.stat().st_ino for p in (out / "docs" / "og").iterdir()}
    bundle_before = (out / "site" / "pagefind" / "pagefind.js").stat().st_ino
    meta_before = sorted(p.name for p in (out / "site" / "pagefind").glob("*.pf_meta"))
    folders_before = {folder: (out / folder).stat().st_ino for folder in ("search-entries/masters", "site/pagefind/fragment")}
    again = _build(records, out)
    clean_out, clean = clean_build(records)
    assert _tree_digest(out / "site") == _tree_digest(clean_out / "site"), name
    assert _filter_index(out / "site") == _filter_index(clean_out / "site"), name
    assert again.pages == clean.pages
    # The cards that show the same words are the last build's files, not drawn again.
    kept_cards = {p.name: p.stat().st_ino for p in (out / "docs" / "og").iterdir()}
    assert all(inode == cards_before[card] for card, inode in kept_cards.items() if card in cards_before)
    assert len(set(kept_cards) & set(cards_before)) > 70
    assert clean.rendered == clean.profiles == again.profiles
    # A change no search entry shows (a pair's goal) keeps the last search bundle, file for file; a change to a
    # few entries updates it for those alone (searchupdate.py, its content checked above against Pagefind's
    # own run in the clean build); a page added or removed has every entry indexed again.
    metas = sorted(p.name for p in (out / "site" / "pagefind").glob("*.pf_meta"))
    if name == "pair":
        assert again.search_updated == 0 and metas == meta_before, name
    elif name == "master text":
        assert again.search_updated == 1, again.search_updated
    elif name in ("new master", "deleted master", "renamed studio"):
        assert again.search_updated is None, name
    # The profiles' search entries are the last build's folders, moved over, with what changed replaced in them.
    assert (out / "search-entries" / "masters").stat().st_ino == folders_before["search-entries/masters"]
    if again.search_updated is not None:  # updated: Pagefind's script and the unchanged files are the last bundle's
        assert (out / "site" / "pagefind" / "pagefind.js").stat().st_ino == bundle_before
        # and its pages' fragments the last bundle's folder, moved over.
        assert (out / "site" / "pagefind" / "fragment").stat().st_ino == folders_before["site/pagefind/fragment"]
    if name == "master text":  # the page itself and the few that show it: not the other profiles
        assert 0 < again.rendered < 10, again.rendered
    # MkDocs' pages (lists, home, theme files) are taken from the last site when what they are made of is the
    # same (a biography is on no list), and built again when it is not (a master more on the list).
    assert again.mkdocs_ran == (name not in ("master text", "pair")), name
    if name == "unit name":  # every page that names the unit: its masters', its studios', its own
        assert again.rendered > 5, again.rendered
    if name == "site date":  # printed on the progress pages; the profiles showing the pair, not every profile
        assert '数据截至 <time datetime="2026-12-20">' in (out / "site" / "progress" / "index.html").read_text(encoding="utf-8")
        assert 0 < again.rendered < again.profiles // 2, again.rendered
    if name == "deleted master":
        assert not (out / "site" / "masters" / "zeng-liang").exists()


@pytest.mark.parametrize("tamper", ["edited page", "edited in place", "added file", "lost records", "search bundle", "list page"])
def test_a_page_is_taken_over_only_as_the_last_build_wrote_it(kept: tuple[Path, Path], tmp_path: Path, tamper: str) -> None:
    """The last site is not trusted: a profile edited or given a file there is rendered again, a
    search bundle changed there is made again, and without the last build's records every profile is."""
    records, out = kept
    shutil.copytree(out, tmp_path / "copy", symlinks=True)
    site = tmp_path / "copy" / "site"
    page = next(p for p in sorted((site / "masters").glob("*/index.html")))
    if tamper in ("edited page", "edited in place", "added file"):
        # A build on the copy first: its records then hold the stamps of the copy's own pages, which a
        # page changed there (even in place, same size and modification time) must not pass for.
        assert _build(records, tmp_path / "copy").rendered == 0
        # Every page was found good by its bytes (the copy's files are new ones): each is stamped anew.
        kept_records = pagedeps.load((tmp_path / "copy" / "jiangpu-pages.json").read_text(encoding="utf-8")).pages
        assert kept_records and all(record.stamp == pagedeps.stamp(str(site / path[: -len(".md")]))
                                    for path, record in kept_records.items())
    if tamper == "edited in place":
        data = page.read_bytes()
        times = page.stat()
        page.write_bytes(data.replace(b"</body>", b"<i>x</i></body>")[: len(data)])
        os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    elif tamper == "edited page":
        page.unlink()  # a hard link to the kept site's page: replaced, not written through
        page.write_text((out / "site" / page.relative_to(site)).read_text(encoding="utf-8") + "<script>steal()</script>", encoding="utf-8")
    elif tamper == "added file":
        (page.parent / "evil.js").write_text("steal()", encoding="utf-8")
    elif tamper == "list page":  # one MkDocs builds
        page = site / "masters" / "index.html"
        text = page.read_text(encoding="utf-8")
        page.unlink()
        page.write_text(text.replace("</body>", "<script>steal()</script></body>"), encoding="utf-8")
    elif tamper == "search bundle":
        script = site / "pagefind" / "pagefind.js"
        text = script.read_text(encoding="utf-8")
        script.unlink()
        script.write_text(text + "steal();", encoding="utf-8")
    else:
        (tmp_path / "copy" / "jiangpu-pages.json").unlink()
    again = _build(records, tmp_path / "copy")
    assert again.rendered == {"lost records": again.profiles, "search bundle": 0, "list page": 0}.get(tamper, 1)
    assert again.mkdocs_ran == (tamper in ("list page", "lost records"))
    assert "steal()" not in (site / "pagefind" / "pagefind.js").read_text(encoding="utf-8")
    assert "steal()" not in page.read_text(encoding="utf-8") and not (page.parent / "evil.js").exists()
    assert "<i>x</i>" not in page.read_text(encoding="utf-8")
    assert _tree_digest(site) == _tree_digest(out / "site")


def test_a_preview_shows_the_page_before_the_search_index_then_the_clean_site(tmp_path: Path) -> None:
    """serve's builds (``defer_index``): the changed page at once with the last search bundle, then
    ``index_pending`` makes the bundle a clean build makes, which the next build takes over."""
    from generator.render.site.build import index_pending
    from tests.render.test_site import _filter_index

    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    out = tmp_path / "preview"
    run = validate(records, today=date(2026, 11, 22), jobs=1)
    first = build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", defer_index=True)
    assert not first.search_pending  # nothing to stand in for the first bundle
    _bio(records)
    bundle = (out / "site" / "pagefind" / "pagefind.js").stat().st_ino
    run = validate(records, today=date(2026, 11, 22), jobs=1)
    shown = build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", defer_index=True)
    assert shown.search_pending and shown.rendered_pages and "masters/bai-yun.md" in shown.rendered_pages
    assert "增量生成测试" in (out / "site" / "masters" / "bai-yun" / "index.html").read_text(encoding="utf-8")
    assert (out / "site" / "pagefind" / "pagefind.js").stat().st_ino == bundle  # the last bundle, for now
    index_pending(out / "site", out / "docs")
    _build(records, tmp_path / "clean", clean=True)
    assert _tree_digest(out / "site") == _tree_digest(tmp_path / "clean" / "site")
    assert _filter_index(out / "site") == _filter_index(tmp_path / "clean" / "site")
    indexed = (out / "site" / "pagefind" / "pagefind.js").stat().st_ino
    again = build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", defer_index=True)
    assert not again.search_pending and again.rendered == 0
    assert (out / "site" / "pagefind" / "pagefind.js").stat().st_ino == indexed


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Like ``kept``, for serve's saves: each step's pages shown in place, then the whole build."""
    return _registry_and_site(tmp_path_factory, "shown")


@pytest.mark.parametrize(("name", "step"), STEPS, ids=[name for name, _ in STEPS])
def test_pages_shown_in_place_are_the_pages_the_whole_build_makes(shown: tuple[Path, Path], clean_build: CleanBuild, name: str,
                                                                  step: Callable[[Path], None]) -> None:
    """serve shows a save's profiles at once (show_changed), written over the last build's; they are
    what a clean build makes of them, and the whole build that follows renders none of them again."""
    records, out = shown
    step(records)
    run = validate(records, today=date(2026, 11, 22), jobs=1)
    patched = show_changed(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs",
                           options=read_options(REPO / "mkdocs.yml"))
    assert patched is not None
    assert bool(patched.rendered_pages) == (name != "pair"), name  # a pair's goal is on no profile
    clean_out, clean = clean_build(records)
    for page in patched.rendered_pages:
        html = f"{page.removesuffix('.md')}/index.html"
        assert (out / "site" / html).read_bytes() == (clean_out / "site" / html).read_bytes(), (name, page)
        assert (out / "docs" / page).read_bytes() == (clean_out / "docs" / page).read_bytes(), (name, page)
    if name == "master text":
        assert "masters/bai-yun.md" in patched.rendered_pages and len(patched.rendered_pages) < 10
    again = _build(records, out)
    assert again.rendered == 0, (name, again.rendered_pages)  # the records left in place agree with the pages
    assert _tree_digest(out / "site") == _tree_digest(clean_out / "site"), name
    assert _filter_index(out / "site") == _filter_index(clean_out / "site"), name
    assert again.pages == clean.pages


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample and its site, built once, for tests that work on copies."""
    return _registry_and_site(tmp_path_factory, "built")


def _edited_copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Any, Path, Callable[[], None]]:
    """A copy of the built sample and its build folder, one master's bio and name edited and validated; and the
    check that the build folder is still exactly as it was (site, docs, page records, nothing beside)."""
    records, out = tmp_path / "records", tmp_path / "out"
    shutil.copytree(built[0], records)
    shutil.copytree(built[1], out)
    before = {name: _tree_digest(out / name) for name in ("site", "docs", "search-entries", "site/pagefind")}
    pages, lines = (out / "jiangpu-pages.json").read_bytes(), (out / "jiangpu-data-lines.json").read_bytes()
    _bio(records)
    # And a name: the master's sharing card is another (the last one unwanted, a new one drawn).
    _edit(records / "masters" / "bai-yun.yml", "name: 白云", "name: 白云峰")

    def unchanged() -> None:
        assert {name: _tree_digest(out / name) for name in ("site", "docs", "search-entries", "site/pagefind")} == before
        assert (out / "jiangpu-pages.json").read_bytes() == pages and (out / "jiangpu-data-lines.json").read_bytes() == lines
        assert sorted(p.name for p in out.iterdir()) == ["docs", "jiangpu-data-lines.json", "jiangpu-pages.json", "search-entries", "site"]

    return validate(records, today=date(2026, 11, 22), jobs=1), out, unchanged


@pytest.mark.parametrize("asked", [1, 2, 4, 8])
def test_a_stopped_build_leaves_the_last_site_as_it_was(built: tuple[Path, Path], tmp_path: Path, asked: int) -> None:
    """``stop`` (serve: a newer save) ends a build at whichever step it is asked: the last site, docs
    and records stay as they were, and nothing is left beside them."""
    run, out, unchanged = _edited_copy(built, tmp_path)
    calls = [0]

    def stop() -> bool:
        calls[0] += 1
        return calls[0] >= asked

    with pytest.raises(Cancelled):
        build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", stop=stop)
    unchanged()


def test_a_first_preview_leaves_forms_and_cards_for_the_whole_build(tmp_path: Path) -> None:
    """serve's first build on a machine that never printed the forms or drew the cards: the pages
    first (the forms listed, not printed; no card drawn), then the whole build makes the clean site."""
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    out = tmp_path / "preview"
    run = validate(records, today=date(2026, 11, 22), jobs=1)
    first = build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs",
                       defer_artefacts=True, cache=tmp_path / "empty-cache")
    assert first.artefacts_pending
    assert not (out / "site" / "forms").is_dir() or not any((out / "site" / "forms").glob("*.pdf"))
    assert not (out / "site" / "og").is_dir() or not any((out / "site" / "og").glob("*.png"))
    listing = (out / "site" / "forms" / "index.html").read_text(encoding="utf-8")
    assert ".pdf" in listing and ".docx" in listing  # listed all the same
    assert first.rendered == first.profiles
    whole = build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs",
                       cache=tmp_path / "empty-cache")
    assert not whole.artefacts_pending and whole.others_changed and whole.rendered == 0
    _build(records, tmp_path / "clean", clean=True)
    assert _tree_digest(out / "site") == _tree_digest(tmp_path / "clean" / "site")
    assert any((out / "site" / "forms").glob("*.pdf")) and any((out / "site" / "og").glob("*.png"))


def test_a_failed_search_index_leaves_the_last_site_whole(built: tuple[Path, Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``build`` takes the unchanged profiles out of the last site while the search index is still being
    made; when the index then fails, they are put back: the last site, docs and records are as they were."""
    from generator.render.site import build
    from generator.render.site.build import SiteBuildError
    from generator.render.site.search import SearchIndexError

    run, out, unchanged = _edited_copy(built, tmp_path)
    taken: list[int] = []

    def fails(*_: object) -> None:  # in the indexer's process: the parent takes the profiles before it asks for the result
        raise SearchIndexError("测试：索引失败")

    real_take = build._Taken.take
    monkeypatch.setattr(build, "index_entries", fails)
    monkeypatch.setattr(build._Taken, "take", lambda self, profiles: (taken.append(len(profiles)), real_take(self, profiles))[1])
    with pytest.raises(SiteBuildError, match="测试：索引失败"):
        build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs")
    assert taken and taken[0] > 0
    unchanged()


@pytest.mark.parametrize("where", ["made", "in the new site"])
def test_a_build_stopped_once_the_search_bundle_is_made_leaves_the_last_site_whole(built: tuple[Path, Path], tmp_path: Path,
                                                                                  where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search bundle was updated by moving the last one's fragments into it, and the entries' folders were
    moved over too; a build failing or stopped after that (serve: a newer save), whether the bundle is where the
    indexer made it or already in the new site, puts all of it back where it was."""
    from generator.render.site import build
    from generator.render.site.build import SiteBuildError
    from generator.render.site.search import SearchIndexError

    run, out, unchanged = _edited_copy(built, tmp_path)
    updated: list[object] = []
    real_result = build._Indexer.result

    def made(self: Any) -> Any:  # the indexer is done: the build fails before its bundle goes into the new site
        updated.append(real_result(self)[0])
        raise SearchIndexError("测试：索引之后失败")

    def stop() -> bool:  # asked once the bundle is in the new site, before anything is put in place
        return where == "in the new site" and any(out.glob(".site.new-*/site/pagefind/pagefind-entry.json"))

    if where == "made":
        monkeypatch.setattr(build._Indexer, "result", made)
    with pytest.raises(SiteBuildError if where == "made" else Cancelled):
        build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", stop=stop)
    assert updated == ([1] if where == "made" else [])  # updated for the one entry, the fragments moved over
    unchanged()


@pytest.mark.parametrize("served", [True, False], ids=["serve", "build"])
def test_a_served_preview_keeps_its_docs_in_place_while_the_whole_build_runs(built: tuple[Path, Path], tmp_path: Path,
                                                                               served: bool) -> None:
    """serve patches the preview's docs in place after a save while the whole build runs behind (``commit``):
    that build must leave them where they are. ``build`` (nobody serves its folders) carries them over."""
    run, out, _unchanged = _edited_copy(built, tmp_path)
    seen: list[bool] = []

    def looking() -> bool:  # asked between the steps and while the pages render
        seen.append((out / "docs" / "masters").is_dir() and (out / "docs" / "og").is_dir())
        return False

    build_site(run.registry, config_file=REPO / "mkdocs.yml", site_dir=out / "site", docs_dir=out / "docs", stop=looking,
               commit=nullcontext() if served else None)
    assert seen and all(seen) == served
