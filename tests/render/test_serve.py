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
    overviews = 8  # 任务进度, 荣誉榜, the four lists, 表格下载, 开放数据 (test_site checks which)
    profiles = len(registry.masters) + len(registry.studios) + len(registry.units) + len(registry.programmes)
    assert len(list((tmp_path / "docs" / "pagefind" / "fragment").iterdir())) == profiles + overviews


def test_serve_keeps_following_edits_after_a_broken_photo(tmp_path: Path) -> None:
    """A photo cut short by an upload is refused by the gate (never a crash in the renderer) and the
    preview follows the next save; before, the watcher thread died and the preview stopped silently."""
    import shutil
    import socket
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    docs = tmp_path / "docs"
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--records", str(records), "--config", str(REPO / "mkdocs.yml"),
         "--docs-dir", str(docs), "--dev-addr", f"127.0.0.1:{port}", "--no-editor", "--no-cache"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def wait_for(condition: object, seconds: float = 90) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():  # type: ignore[operator]
                return True
            time.sleep(0.2)
        return False

    page = docs / "masters" / "li-jun.md"
    master = records / "masters" / "li-jun.yml"
    original = master.read_text(encoding="utf-8")
    try:
        def listening() -> bool:
            with socket.socket() as client:
                return client.connect_ex(("127.0.0.1", port)) == 0

        assert wait_for(listening), "the preview never started"
        time.sleep(1.5)  # the watcher's first look at the records
        shutil.copy(REPO / "tests" / "hostile" / "photos" / "truncated-eoi.jpg", records / "photos" / "cut.jpg")
        master.write_text(original.replace("\nunit:", "\nphoto: cut.jpg\nunit:", 1), encoding="utf-8")
        time.sleep(4)
        master.write_text(original.replace("\nunit:", "\nbio: 预览仍在跟随修改。\nunit:", 1) if "\nbio:" not in original
                          else original.replace("\nbio: ", "\nbio: 预览仍在跟随修改。", 1), encoding="utf-8")
        assert wait_for(lambda: "预览仍在跟随修改" in page.read_text(encoding="utf-8"), 90), "the preview stopped following edits"
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert "Traceback" not in out, out
    assert "photo.file" in out, out
    assert "photo.file" in out and "不是完整可读" in out
