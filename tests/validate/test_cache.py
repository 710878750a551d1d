"""The validation cache: a save after a small change appends to the journal; the journal is read back, folded into
the file once it grows, and a line cut short costs only its entries."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.validate import cache, engine

DAY = date(2023, 6, 1)


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The record files each run parses and checks (the ones not taken from the cache), by name."""
    names: list[str] = []
    real = engine.check_files

    def counting(files: list[engine.RecordFile], jobs: int | None = None) -> list[engine.CheckedFile]:
        names.extend(Path(f.path).name for f in files)
        return real(files, jobs)

    monkeypatch.setattr(engine, "check_files", counting)
    monkeypatch.setattr(cache, "RACY_NS", 0)  # written just now: stamped all the same
    return names


def _run(cache_dir: Path) -> list[tuple[str, int, str]]:
    run = engine.validate(Path("records"), today=DAY, jobs=1, cache_dir=cache_dir)
    return sorted((d.path, d.line, d.rule) for d in run.result.diagnostics)


def _files(cache_dir: Path) -> dict[str, bytes]:
    return {p.suffix: p.read_bytes() for p in cache_dir.iterdir()}


def _edit(record: Path, old: str, new: str) -> None:
    record.write_text(record.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_a_one_record_change_is_appended_to_the_journal_and_read_back(registry_dir: Path, tmp_path: Path,
                                                                     checked: list[str]) -> None:
    cache_dir = tmp_path / "cache"
    clean = _run(cache_dir)
    assert set(_files(cache_dir)) == {".json"}, "the first run writes the whole cache"
    whole = _files(cache_dir)[".json"]
    checked.clear()
    _edit(registry_dir / "masters" / "teacher.yml", "gender: 男", "gender: 狗")
    broken = _run(cache_dir)
    assert checked == ["teacher.yml"]
    assert ("records/masters/teacher.yml", 3, "schema") in broken
    files = _files(cache_dir)
    assert files[".json"] == whole, "the file is not written again for one record"
    assert files[".journal"].count(b"\n") == 1 and b"masters/teacher.yml" in files[".journal"]
    checked.clear()
    assert _run(cache_dir) == broken
    assert checked == [], "the journal's entry is taken: nothing is checked again"
    assert _run(None) == broken, "the same answer as without a cache"
    _edit(registry_dir / "masters" / "teacher.yml", "gender: 狗", "gender: 男")
    assert _run(cache_dir) == clean == _run(None)


def test_the_journal_is_folded_into_the_file_once_it_has_grown(registry_dir: Path, tmp_path: Path, checked: list[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    _run(cache_dir)
    _edit(registry_dir / "masters" / "teacher.yml", "gender: 男", "gender: 狗")
    broken = _run(cache_dir)
    monkeypatch.setattr(cache, "JOURNAL_SHARE", 10**9)  # any journal is now past its share
    _edit(registry_dir / "units" / "works.yml", "name: ", "name: 新")
    assert _run(cache_dir) == broken
    assert set(_files(cache_dir)) == {".json"}, "folded in: the journal is gone"
    checked.clear()
    assert _run(cache_dir) == broken
    assert checked == [], "the file holds what the journal held"


def test_a_journal_line_cut_short_costs_only_its_entries(registry_dir: Path, tmp_path: Path, checked: list[str]) -> None:
    cache_dir = tmp_path / "cache"
    _run(cache_dir)
    _edit(registry_dir / "masters" / "teacher.yml", "gender: 男", "gender: 狗")
    broken = _run(cache_dir)
    journal = next(cache_dir.glob("*.journal"))
    good = journal.read_bytes()
    journal.write_bytes(b'{"masters/teacher.yml": ["0", null, [], null]' + good)  # a writer killed mid-line, then ours
    checked.clear()
    assert _run(cache_dir) == broken
    assert checked == ["teacher.yml"], "the line after the cut one is lost with it, the rest taken"
    journal.write_bytes(good + b'{"masters/teacher.yml": ["0", nu')  # cut short at the end
    checked.clear()
    assert _run(cache_dir) == broken
    assert checked == [], "the complete line before the cut is taken"
