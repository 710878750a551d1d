"""When each record last changed, from git: a new commit is seen at once, the same commit answers the same."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

from generator.load.history import last_changed


def _git(repo: Path, *args: str, day: str = "2024-03-05") -> None:
    stamp = f"{day}T10:00:00+08:00"
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def _first_commit(repo: Path, day: str = "2024-03-05") -> Path:
    """A new repository whose first commit holds two masters; its records folder."""
    records = repo / "records"
    (records / "masters").mkdir(parents=True)
    (records / "masters" / "li-jun.yml").write_text("id: li-jun\n", encoding="utf-8")
    (records / "masters" / "ye-qing.yml").write_text("id: ye-qing\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first", day=day)
    return records


def test_each_record_has_its_last_commit_date_and_a_new_commit_is_seen(tmp_path: Path) -> None:
    records = _first_commit(tmp_path)
    assert last_changed(records) == {"masters/li-jun.yml": date(2024, 3, 5), "masters/ye-qing.yml": date(2024, 3, 5)}
    (records / "masters" / "ye-qing.yml").write_text("id: ye-qing\nname: 叶青\n", encoding="utf-8")
    assert last_changed(records)["masters/ye-qing.yml"] == date(2024, 3, 5)  # not committed: not changed yet
    _git(tmp_path, "commit", "-qam", "second", day="2025-01-02")
    assert last_changed(records) == {"masters/li-jun.yml": date(2024, 3, 5), "masters/ye-qing.yml": date(2025, 1, 2)}


def test_outside_a_checkout_there_is_no_history(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    assert last_changed(tmp_path / "records") == {}


def test_a_shallow_clone_gives_no_date_to_files_it_cannot_see_change(tmp_path: Path) -> None:
    """A workflow's checkout with fetch-depth 1 or 2: the oldest commit fetched lists every file as added.
    Those files get no date (a page then shows none), never that commit's date on every page."""
    origin = tmp_path / "origin"
    records = _first_commit(origin, day="2023-06-01")
    (records / "masters" / "ye-qing.yml").write_text("id: ye-qing\nname: 叶青\n", encoding="utf-8")
    _git(origin, "commit", "-qam", "second", day="2024-03-05")
    (origin / "README.md").write_text("x\n", encoding="utf-8")
    _git(origin, "add", ".")
    _git(origin, "commit", "-qm", "third", day="2025-01-02")
    (records / "masters" / "li-jun.yml").write_text("id: li-jun\nname: 李军\n", encoding="utf-8")
    _git(origin, "commit", "-qam", "fourth", day="2025-06-01")

    full = tmp_path / "full"
    _git(tmp_path, "clone", "-q", origin.as_uri(), str(full))
    everything = {"masters/li-jun.yml": date(2025, 6, 1), "masters/ye-qing.yml": date(2024, 3, 5)}
    assert last_changed(full / "records") == everything
    # depth 2 is cut at "third": li-jun changed after it, ye-qing's change is out of sight; depth 4 sees all.
    for depth, expected in (("1", {}), ("2", {"masters/li-jun.yml": date(2025, 6, 1)}), ("3", {"masters/li-jun.yml": date(2025, 6, 1)}),
                            ("4", everything)):
        shallow = tmp_path / f"depth-{depth}"
        _git(tmp_path, "clone", "-q", "--depth", depth, origin.as_uri(), str(shallow))
        assert last_changed(shallow / "records") == expected, depth
