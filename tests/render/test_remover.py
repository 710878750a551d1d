"""The replaced tree's removal: out of the next build's way, and never lost track of."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from generator.render.site import build as site_build
from generator.render.site import remover


def _tree(folder: Path, files: int = 600) -> Path:
    for i in range(files):
        (folder / f"d{i % 20}").mkdir(parents=True, exist_ok=True)
        (folder / f"d{i % 20}" / f"{i}.html").write_text("old", encoding="utf-8")
    (folder / "link").symlink_to(folder / "d0")  # a link is removed, never followed
    return folder


def _wait(predicate: object, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def test_the_removal_waits_while_a_build_writes_beside_it_and_finishes_after(tmp_path: Path) -> None:
    kept = tmp_path / "kept"
    outside = _tree(tmp_path / "elsewhere", 5)
    old = _tree(kept / f".site.old-{os.getpid()}")
    (old / "d1" / "outside").symlink_to(outside)
    building = tmp_path / "docs-parent" / f".docs.new-{os.getpid()}-abc"  # this process: a live build
    building.mkdir(parents=True)
    site_build._discard(old, "site", (kept, building.parent))
    assert _wait(lambda: not old.exists()), "the tree was not taken over by the remover"
    (taken,) = [p for p in kept.iterdir() if p.name.startswith(".site.old-")]
    time.sleep(1.0)
    assert _files(taken) > 500, "files were removed while a build was running beside them"
    # A build starting now leaves the tree to its remover, which is alive.
    assert site_build.remove_stale(kept / "site") == []
    building.rmdir()
    assert _wait(lambda: list(kept.iterdir()) == []), "the tree was not removed once the build ended"
    assert _files(outside) == 5, "the remover followed a link out of the tree"


def test_a_build_of_a_dead_process_does_not_hold_the_removal(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".site.new-{dead.pid}-x").mkdir()
    old = _tree(tmp_path / "tree", 50)
    remover.remove(str(old), [str(tmp_path)], wait=60.0)  # would wait a minute if it took the dead build as running
    assert not old.exists()



def test_builds_in_a_row_in_one_process_each_hand_their_last_tree_to_a_remover(tmp_path: Path) -> None:
    """The replaced tree is renamed after its remover before the build returns: the next build, even in the
    same process and while the removal waits (a build running beside), puts its own in place."""
    target = tmp_path / "site"
    building = tmp_path / f".docs.new-{os.getpid()}-x"
    building.mkdir()
    for i in range(3):
        site_build._swap(_tree(tmp_path / f"new{i}", 40), target)
    olds = [p for p in tmp_path.iterdir() if p.name.startswith(".site.old-")]
    assert len(olds) == 2 and f".site.old-{os.getpid()}" not in {p.name for p in olds}
    assert site_build.remove_stale(target) == []  # each owned by a live remover
    building.rmdir()
    assert _wait(lambda: not any(p.name.startswith(".site.old-") for p in tmp_path.iterdir()))
    assert (target / "d1" / "1.html").is_file() and not (tmp_path / "new2").exists()
