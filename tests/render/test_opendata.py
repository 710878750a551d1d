"""Open data written again from the last build's lines: the same files as written from nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path

import orjson
import pytest

from generator.render.site import opendata
from generator.render.site.data import HONOUR_LEVELS, SiteData, build_site_data
from generator.validate.engine import validate
from tests.conftest import REPO


@pytest.fixture(scope="module")
def site() -> SiteData:
    run = validate(REPO / "records", today=date(2026, 6, 1), jobs=1)
    assert run.registry is not None
    return build_site_data(run.registry, mask_apprentices=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _some(table: dict[str, dict[str, object]], having: str) -> str:
    return next(key for key, view in table.items() if view.get(having))


def _unit_renamed(site: SiteData) -> None:
    site.units[site.masters[_some(site.masters, "unit")]["unit"]]["name"] = "改名后的单位"


def _bio(site: SiteData) -> None:
    site.masters[_some(site.masters, "bio")]["bio"] = "=改过的简介"


def _honour_added(site: SiteData) -> None:
    master = site.masters[_some(site.masters, "honours")]
    master["honours"] = [{**master["honours"][0], "name": "新加的荣誉"}, *master["honours"]]


def _master_removed(site: SiteData) -> None:
    del site.masters[_some(site.masters, "honours")]


def _leader_renamed(site: SiteData) -> None:
    site.masters[site.studios[_some(site.studios, "leader")]["leader"]]["name"] = "新名字"


EDITS: dict[str, Callable[[SiteData], None]] = {
    "unit_renamed": _unit_renamed, "bio": _bio, "honour_added": _honour_added, "master_removed": _master_removed,
    "leader_renamed": _leader_renamed,
}


@pytest.mark.parametrize("edit", EDITS)
def test_files_written_from_the_last_lines_are_the_files_written_anew(site: SiteData, tmp_path: Path, edit: str) -> None:
    last = opendata.write(site, tmp_path / "last")
    changed = copy.deepcopy(site)
    EDITS[edit](changed)
    # Every line the last build made, marked: a line taken again shows the mark, a line made now does not.
    marked = {stem: {key: line.replace("\n", "（上次）\n") for key, line in lines.items()} for stem, lines in last.lines.items()}
    marked_now = opendata.write(changed, tmp_path / "marked", marked)
    again = opendata.write(changed, tmp_path / "again", last.lines)
    anew = opendata.write(changed, tmp_path / "anew")
    assert _files(tmp_path / "again") == _files(tmp_path / "anew")
    assert _files(tmp_path / "anew") != _files(tmp_path / "last"), "the edit shows in the open data"
    assert again.lines == anew.lines
    made_now = {(stem, key) for stem, lines in marked_now.lines.items() for key, line in lines.items() if "（上次）" not in line}
    new = {(stem, key) for stem, lines in anew.lines.items() for key in lines if key not in last.lines[stem]}
    assert made_now, "the rows the edit changed are made again"
    assert made_now == new, "only the rows whose inputs changed are made again"


def test_the_counts_on_the_data_page_are_the_rows_written(site: SiteData, tmp_path: Path) -> None:
    written = opendata.write(site, tmp_path)
    assert [(t.stem, n) for t, n in opendata.counts(site)] == [(t.stem, n) for t, n in written.tables]
    for table, count in written.tables:
        assert count == len(table.rows(site)) == len(written.lines[table.stem])
    assert all(n > 0 for t, n in written.tables if t.stem in ("honours", "talent", "quotas")), "the counted tables have rows here"


def test_lines_are_kept_in_their_file_and_taken_only_under_the_same_key(tmp_path: Path) -> None:
    lines = {"masters": {"ab01": "li-jun,李军\n"}}
    opendata.save_lines(tmp_path / "lines.json", "key-1", lines)
    assert opendata.read_lines(tmp_path / "lines.json", "key-1") == lines
    assert opendata.read_lines(tmp_path / "lines.json", "key-2") == {}, "lines made by other code are never taken"
    assert opendata.read_lines(tmp_path / "missing.json", "key-1") == {}
    assert opendata.read_lines(None, "key-1") == {}
    (tmp_path / "lines.json").write_text("{not json", encoding="utf-8")
    assert opendata.read_lines(tmp_path / "lines.json", "key-1") == {}, "a damaged file: every line made again"


def test_each_json_file_is_its_kinds_public_views_as_one_indented_array(site: SiteData, tmp_path: Path) -> None:
    opendata.write(site, tmp_path)
    for stem, _label in opendata.JSON_FILES:
        views = list(getattr(site, stem).values())
        assert (tmp_path / f"{stem}.json").read_bytes() == orjson.dumps(views, option=orjson.OPT_INDENT_2) + b"\n"
    empty = copy.copy(site)
    empty.units = {}
    opendata.write(empty, tmp_path / "empty")
    assert (tmp_path / "empty" / "units.json").read_bytes() == b"[]\n"


def test_a_damaged_line_in_the_last_lines_is_made_again(site: SiteData, tmp_path: Path) -> None:
    last = opendata.write(site, tmp_path / "last")
    damaged = {stem: dict(lines) for stem, lines in last.lines.items()}
    first = next(iter(damaged["masters"]))
    damaged["masters"][first] = 42  # type: ignore[assignment]  # what a hand-edited file may hold
    damaged["talent"] = ["不是表"]  # type: ignore[assignment]
    opendata.save_lines(tmp_path / "lines.json", "key", damaged)
    again = opendata.write(site, tmp_path / "again", opendata.read_lines(tmp_path / "lines.json", "key"))
    assert _files(tmp_path / "again") == _files(tmp_path / "last")
    assert again.lines == last.lines


def test_honour_rows_are_newest_first_by_holder_and_name_and_ties_keep_the_sites_order(site: SiteData) -> None:
    tied = copy.deepcopy(site)
    master = tied.masters[_some(tied.masters, "honours")]
    first = master["honours"][0]
    # Same year, holder and name, put where the order they are listed in is not the levels' order.
    rank = HONOUR_LEVELS.index(first["level"])
    if rank + 1 < len(HONOUR_LEVELS):
        master["honours"] = [{**first, "level": HONOUR_LEVELS[rank + 1]}, *master["honours"]]
    else:
        master["honours"] = [*master["honours"], {**first, "level": HONOUR_LEVELS[rank - 1]}]
    studio = tied.studios[_some(tied.studios, "honours")]
    tied.masters[studio["id"]] = {**master, "id": studio["id"], "honours": [dict(studio["honours"][0])]}  # ids of two kinds
    wanted = [((h["holder_kind"], h["holder"]), h["name"], h["level"], h["year"], h["holder_name"])
              for h in sorted(tied.honours(), key=lambda h: (-h["year"], h["holder"], h["name"]))]
    rows = opendata._honour_rows(tied)
    assert [(source, r["name"], r["level"], r["year"], r["holder_name"]) for source, r in rows] == wanted
    assert {r["holder_kind"] for _, r in rows} == {"名匠", "工作室"}
