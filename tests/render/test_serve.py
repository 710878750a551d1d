"""serve keeps the docs folder in step with the records, touching only what changed."""

from __future__ import annotations

import os
from pathlib import Path

from generator.render.site.serve import sync_tree


def test_sync_touches_only_changed_files_and_removes_the_rest(tmp_path: Path) -> None:
    source, target = tmp_path / "new", tmp_path / "docs"
    (source / "masters").mkdir(parents=True)
    (target / "masters").mkdir(parents=True)
    (source / "index.md").write_text("same", encoding="utf-8")
    (target / "index.md").write_text("same", encoding="utf-8")
    os.utime(target / "index.md", ns=(1, 1))
    (source / "masters" / "a.md").write_text("changed", encoding="utf-8")
    (target / "masters" / "a.md").write_text("old", encoding="utf-8")
    (target / "masters" / "gone.md").write_text("deleted record", encoding="utf-8")
    sync_tree(source, target)
    assert (target / "masters" / "a.md").read_text(encoding="utf-8") == "changed"
    assert not (target / "masters" / "gone.md").exists()
    # An unchanged page keeps its time, so MkDocs does not rebuild it.
    assert (target / "index.md").stat().st_mtime_ns == 1
