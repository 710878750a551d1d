"""The site put together from parts: a folder of the last site taken over with only its changes."""

from __future__ import annotations

from pathlib import Path

from generator.render.site.assemble import link_tree, take_tree


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_folder_taken_from_the_last_site_ends_as_linking_it_afresh(tmp_path: Path) -> None:
    docs, last_site, new_site = tmp_path / "docs" / "og", tmp_path / "last" / "og", tmp_path / "new"
    (docs / "old").mkdir(parents=True)
    for name in ("same.png", "changed.png", "gone.png"):
        (docs / name).write_bytes(name.encode())
    (docs / "old" / "card.png").write_bytes(b"nested")
    link_tree(docs, last_site)
    # The next build's docs: one card drawn again (a new file), one gone, one new in a new folder, a folder emptied.
    (docs / "changed.png").unlink()
    (docs / "changed.png").write_bytes(b"drawn again")
    (docs / "gone.png").unlink()
    (docs / "old" / "card.png").unlink()
    (docs / "old").rmdir()
    (docs / "new").mkdir()
    (docs / "new" / "card.png").write_bytes(b"new")
    (docs / ".key").write_text("dot files stay out, as MkDocs leaves them out", encoding="utf-8")
    same_inode = (last_site / "same.png").stat().st_ino
    new_site.mkdir()
    take_tree(docs, new_site / "og", last_site)
    link_tree(docs, tmp_path / "fresh")
    assert _tree(new_site / "og") == _tree(tmp_path / "fresh")
    assert not last_site.exists()  # moved, not copied
    assert (new_site / "og" / "same.png").stat().st_ino == same_inode  # untouched
    assert (new_site / "og" / "changed.png").stat().st_ino == (docs / "changed.png").stat().st_ino
    assert sorted(p.name for p in (new_site / "og").iterdir()) == ["changed.png", "new", "same.png"]
