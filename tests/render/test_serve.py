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


def test_the_preview_has_its_search_index(tmp_path: Path) -> None:
    """serve renders the docs folder with a search bundle in it, since MkDocs' server never runs Pagefind."""
    from datetime import date

    from generator.render.site.build import read_options
    from generator.render.site.serve import _render_into
    from generator.validate.engine import validate
    from tests.conftest import REPO

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    _render_into(registry, tmp_path / "docs", read_options(REPO / "mkdocs.yml", {}), os.environ, None)
    assert (tmp_path / "docs" / "pagefind" / "pagefind.js").is_file()
    assert len(list((tmp_path / "docs" / "pagefind" / "fragment").iterdir())) == len(registry.masters) + len(registry.studios) + len(registry.units)
