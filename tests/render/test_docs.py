"""The docs stage's workers: a stale build ends them at once; with them, the pages and the files beside them
(the open data and the editor's, forked) are those written without them."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

from generator.render.site import docs, lists
from generator.render.site.build import SiteBuildError
from generator.render.site.docs import Cancelled, _results
from tests.conftest import build_sample_site
from tests.render.test_site import _tree_digest


def test_a_stopped_build_ends_its_workers_at_once() -> None:
    """serve: a newer save stops the whole build of the last one; its workers must not go on
    rendering (both cores) while the newer save is being shown."""
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        running = [pool.submit(time.sleep, 120) for _ in range(2)]
        while len(getattr(pool, "_processes", {})) < 2:
            time.sleep(0.05)
        workers = list(pool._processes.values())  # type: ignore[union-attr]
        started = time.monotonic()
        with pytest.raises(Cancelled):
            _results(pool, running, lambda: time.monotonic() - started > 0.3)
    # Asked of the kernel, not of Process.is_alive(): the executor's own thread reaps its workers
    # too, and two threads reaping one child can leave is_alive() saying True of a dead process.
    deadline = time.monotonic() + 20
    while not all(_ended(worker.pid) for worker in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_ended(worker.pid) for worker in workers), [(w.pid, _state(w.pid)) for w in workers]
    assert time.monotonic() - started < 60  # not the two minutes the tasks would have taken


def _state(pid: int | None) -> str:
    """The process's state letter in /proc ("R", "S", "Z"…), "" once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):  # gone, or going while it was read
        return ""
    return stat.rsplit(")", 1)[1].split()[0]


def _ended(pid: int | None) -> bool:
    return _state(pid) in ("", "Z", "X")  # reaped, or dead and waiting to be reaped


def test_results_come_in_order_when_nothing_stops() -> None:
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("fork")) as pool:
        running = [pool.submit(pow, 2, n) for n in range(5)]
        assert _results(pool, running, lambda: False) == [1, 2, 4, 8, 16]
        assert _results(pool, [pool.submit(pow, 3, 2)], None) == [9]


def test_workers_and_the_forked_files_write_what_one_process_writes(sample_site: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample (90 pages) is written in this process alone; at M, by two workers while a forked child writes
    the open data and another makes the lists (handing their views to this process, which renders their pages)
    and the files beside the pages, and the editor's files are written by a third, forked before the site's tables
    are built. Both ways give the same docs folder and the same site."""
    from generator.render.site import build

    monkeypatch.setattr(docs, "PARALLEL_THRESHOLD", 1)
    real, real_admin, real_lists = docs._write_aside, build.write_admin, docs._lists_aside

    def noted(*args: Any) -> Any:
        (tmp_path / "written-by").write_text(str(os.getpid()))
        return real(*args)

    def lists_noted(*args: Any) -> Any:
        (tmp_path / "lists-by").write_text(str(os.getpid()))
        return real_lists(*args)

    def admin_noted(*args: Any, **kwargs: Any) -> Any:
        (tmp_path / "editor-by").write_text(str(os.getpid()))
        return real_admin(*args, **kwargs)

    monkeypatch.setattr(docs, "_write_aside", noted)
    monkeypatch.setattr(build, "write_admin", admin_noted)
    monkeypatch.setattr(docs, "_lists_aside", lists_noted)
    site = build_sample_site(tmp_path)
    by = {int((tmp_path / name).read_text()) for name in ("written-by", "editor-by", "lists-by")}
    assert os.getpid() not in by and len(by) == 3  # each in a child of its own
    assert _tree_digest(site) == _tree_digest(sample_site)
    assert _tree_digest(tmp_path / "docs") == _tree_digest(sample_site.parent / "docs")
    assert (site / "data" / "masters.csv").stat().st_size > 0 and (site / "admin" / "config.yml").is_file()
    # The open data's lines, saved by the child for the next build to take again.
    lines = (tmp_path / "jiangpu-data-lines.json").read_bytes()
    assert json.loads(lines)["tables"]["masters"] and lines == (sample_site.parent / "jiangpu-data-lines.json").read_bytes()


def test_the_indexer_starts_once_every_entry_is_written_before_the_pages_are(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The workers write their pages' search entries first, and this process its own before it makes the lists: the
    indexer starts then, while they render the pages (at M, five seconds earlier). Its process is forked as the
    workers start and waits for them: it must never read a folder of entries still being written."""
    from generator.render.site import build

    monkeypatch.setattr(docs, "PARALLEL_THRESHOLD", 1)
    real_render, real_first, real_index = docs._render_page, docs._first, build.index_entries

    def slow(job: Any, first: Any) -> Any:  # the workers' pages take a while: the index must not wait for them
        time.sleep(0.05)
        return real_render(job, first)

    def slow_entry(job: Any, page: Any) -> Any:  # and their entries too: the indexer, already forked, must wait
        time.sleep(0.01)
        return real_first(job, page)

    def noted(entries: Path, *args: Any) -> Any:  # in the indexer's child: what was there when it started
        shown = sorted(p.relative_to(entries).as_posix() for p in entries.rglob("*.html"))
        pages = sorted(p.name for p in (entries.parent / "docs" / "masters").glob("*.md") if p.name != "index.md")
        (tmp_path / "at-start.txt").write_text(f"{len(pages)}\n" + "\n".join(shown))
        return real_index(entries, *args)

    monkeypatch.setattr(docs, "_render_page", slow)
    monkeypatch.setattr(docs, "_first", slow_entry)
    monkeypatch.setattr(build, "index_entries", noted)
    site = build_sample_site(tmp_path)
    pages, *shown = (tmp_path / "at-start.txt").read_text().splitlines()
    entries = sorted(p.relative_to(tmp_path / build.ENTRIES).as_posix() for p in (tmp_path / build.ENTRIES).rglob("*.html"))
    assert len(entries) > 80 and shown == entries
    assert pages == "0"  # the masters' pages were still rendering
    assert (site / "masters" / "li-jun" / "index.html").is_file()


@pytest.mark.parametrize("child", ["_write_aside", "_write_extras", "build_lists"])
def test_a_forked_child_that_dies_fails_the_build_and_the_last_site_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                         child: str) -> None:
    """The open data's child, and the lists' child: after it handed the lists' views over (while it writes the files
    beside the pages), or before (while it makes the lists)."""
    monkeypatch.setattr(docs, "PARALLEL_THRESHOLD", 1)
    site = build_sample_site(tmp_path)
    before = _tree_digest(site)
    parent = os.getpid()
    monkeypatch.setattr(lists if child == "build_lists" else docs, child,
                        lambda *_args: os.getpid() != parent and os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(SiteBuildError, match=r"生成开放数据、在线编辑器或列表数据失败：子进程意外退出（退出码 -9）"):
        build_sample_site(tmp_path)
    assert _tree_digest(site) == before
