"""Pinyin readings kept between builds: the next build reads them from the cache, not from pypinyin."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from generator.render import cms_data, readings
from generator.render.site import lists


def _restart(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process: nothing read yet."""
    monkeypatch.setattr(readings, "_KEPT", {})
    monkeypatch.setattr(readings, "_MADE", {})
    lists.pinyin_key.cache_clear()
    cms_data.pinyin_table.cache_clear()


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    _restart(monkeypatch)


def _no_pypinyin(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str) -> list[str]:
        raise AssertionError(f"pypinyin asked for {text!r}")
    monkeypatch.setattr(lists, "_tone3", refuse)
    monkeypatch.setattr(cms_data, "_plain", refuse)


def test_the_next_build_sorts_and_tables_from_the_kept_readings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["重庆", "张三", "曾国", "阿明"]
    readings.load(tmp_path)
    keys = [lists.pinyin_key(name) for name in names]
    table = cms_data.pinyin_table()
    assert keys[0] == (("chong2", "qing4"), "重庆")  # the phrase reading, as pypinyin gives it
    assert table["重"] == "zhong"
    readings.save(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [f"pinyin-{metadata.version('pypinyin')}.json"]

    _restart(monkeypatch)
    _no_pypinyin(monkeypatch)
    readings.load(tmp_path)
    assert [lists.pinyin_key(name) for name in names] == keys
    assert cms_data.pinyin_table() == table


def test_a_new_name_is_read_and_kept_the_known_ones_are_not_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readings.load(tmp_path)
    lists.pinyin_key("张三")
    readings.save(tmp_path)
    _restart(monkeypatch)
    asked: list[str] = []
    real = lists._tone3
    monkeypatch.setattr(lists, "_tone3", lambda text: asked.append(text) or real(text))
    readings.load(tmp_path)
    assert lists.pinyin_key("张三")[0] == ("zhang1", "san1")
    assert lists.pinyin_key("李四")[0] == ("li3", "si4")
    assert asked == ["李四"]
    readings.save(tmp_path)
    _restart(monkeypatch)
    _no_pypinyin(monkeypatch)
    readings.load(tmp_path)
    assert lists.pinyin_key("李四")[0] == ("li3", "si4")


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2]", b'{"tone3": {"x": 3}}'])
def test_a_broken_cache_file_is_read_again_and_written_anew(tmp_path: Path, content: bytes) -> None:
    readings._file(tmp_path).write_bytes(content)
    readings.load(tmp_path)
    assert lists.pinyin_key("张三")[0] == ("zhang1", "san1")
    readings.save(tmp_path)
    assert b"zhang1" in readings._file(tmp_path).read_bytes()


def test_without_a_cache_nothing_is_written(tmp_path: Path) -> None:
    readings.load(None)
    lists.pinyin_key("张三")
    readings.save(None)
    assert list(tmp_path.iterdir()) == []


def test_what_the_forked_children_read_is_kept_for_the_next_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With workers, the editor's table is made in a forked child (and the facets' order in another): their readings
    go back to the build's process, which keeps them. The next build, a new process, asks pypinyin for nothing."""
    from datetime import date

    from generator.render.site import docs
    from generator.render.site.build import build_site
    from generator.validate.engine import validate

    monkeypatch.setattr(docs, "PARALLEL_THRESHOLD", 1)
    registry = validate(Path(__file__).resolve().parents[2] / "records", today=date(2026, 11, 22), jobs=1).registry
    for _ in range(2):
        build_site(registry, config_file=Path(__file__).resolve().parents[2] / "mkdocs.yml", site_dir=tmp_path / "site",
                   docs_dir=tmp_path / "docs", cache=tmp_path / "cache")
        _restart(monkeypatch)  # as a new process
        _no_pypinyin(monkeypatch)  # the second build: a reading asked for fails it (in a child too: forked after this)
    assert (tmp_path / "site" / "admin" / "index.html").is_file()
