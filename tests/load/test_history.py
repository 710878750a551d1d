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


def test_each_record_has_its_last_commit_date_and_a_new_commit_is_seen(tmp_path: Path) -> None:
    records = tmp_path / "records"
    (records / "masters").mkdir(parents=True)
    (records / "masters" / "li-jun.yml").write_text("id: li-jun\n", encoding="utf-8")
    (records / "masters" / "ye-qing.yml").write_text("id: ye-qing\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first")
    assert last_changed(records) == {"masters/li-jun.yml": date(2024, 3, 5), "masters/ye-qing.yml": date(2024, 3, 5)}
    (records / "masters" / "ye-qing.yml").write_text("id: ye-qing\nname: 叶青\n", encoding="utf-8")
    assert last_changed(records)["masters/ye-qing.yml"] == date(2024, 3, 5)  # not committed: not changed yet
    _git(tmp_path, "commit", "-qam", "second", day="2025-01-02")
    assert last_changed(records) == {"masters/li-jun.yml": date(2024, 3, 5), "masters/ye-qing.yml": date(2025, 1, 2)}


def test_outside_a_checkout_there_is_no_history(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    assert last_changed(tmp_path / "records") == {}
