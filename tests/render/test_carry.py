"""Folders carried from the last build into the new one, and put back as they were when it fails."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.render.site import carry


def _tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``root``."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def _last_build(root: Path) -> tuple[Path, Path]:
    masters, cards = root / "last" / "masters", root / "last" / "og"
    for folder in (masters / "li-jun", masters / "wang-qiang"):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(f"<h1>{folder.name}</h1>", encoding="utf-8")
    (masters / "index.html").write_text("名匠列表", encoding="utf-8")
    cards.mkdir()
    (cards / "a1.png").write_bytes(b"\x89PNG a1")
    return masters, cards


def test_undo_puts_each_folder_back_as_it_was(tmp_path: Path) -> None:
    masters, cards = _last_build(tmp_path)
    before = _tree(tmp_path / "last")
    carried = carry.Carried(tmp_path / "work" / "journal")
    new = tmp_path / "work" / "site"
    carried.carry([(masters, new / "masters"), (cards, new / "og")])
    assert not masters.exists() and (new / "masters" / "li-jun" / "index.html").is_file()
    # What a build does in them: a profile replaced (a folder), one dropped, one added, the list replaced, a card added.
    carried.set_aside(new / "masters" / "li-jun")
    (new / "masters" / "li-jun").mkdir()
    (new / "masters" / "li-jun" / "index.html").write_text("<h1>李军（新）</h1>", encoding="utf-8")
    carried.set_aside(new / "masters" / "wang-qiang")
    (new / "masters" / "zhou-min").mkdir()
    carried.set_aside(new / "masters" / "index.html")
    (new / "masters" / "index.html").write_text("新的列表", encoding="utf-8")
    (new / "og" / "b2.png").write_bytes(b"\x89PNG b2")

    carry.undo(carried.journal)
    assert _tree(tmp_path / "last") == before
    assert not (new / "masters").exists() and not (new / "og").exists()
    assert not (carried.journal / carry.HELD).exists()
    carry.undo(carried.journal)  # a second time: nothing left to do
    assert _tree(tmp_path / "last") == before


def test_a_kept_build_is_not_undone(tmp_path: Path) -> None:
    masters, cards = _last_build(tmp_path)
    carried = carry.Carried(tmp_path / "journal")
    carried.carry([(masters, tmp_path / "site" / "masters")])
    carried.set_aside(tmp_path / "site" / "masters" / "wang-qiang")
    carried.kept()
    carry.undo(carried.journal)
    assert sorted(os.listdir(tmp_path / "site" / "masters")) == ["index.html", "li-jun"]
    assert not masters.exists()


def test_a_failure_half_way_through_the_moves_is_undone(tmp_path: Path) -> None:
    masters, cards = _last_build(tmp_path)
    before = _tree(tmp_path / "last")
    (tmp_path / "blocked").write_text("a file where the second folder's parent should be", encoding="utf-8")
    carried = carry.Carried(tmp_path / "journal")
    with pytest.raises(OSError):
        carried.carry([(masters, tmp_path / "site" / "masters"), (cards, tmp_path / "blocked" / "og")])
    assert not masters.exists(), "the first folder had moved"
    carry.undo(carried.journal)
    assert _tree(tmp_path / "last") == before


def test_nothing_carried_means_nothing_to_undo(tmp_path: Path) -> None:
    carry.undo(tmp_path / "no-journal")
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / carry.HELD).write_text("{", encoding="utf-8")
    carry.undo(tmp_path / "damaged")
    assert os.listdir(tmp_path / "damaged") == [carry.HELD]
