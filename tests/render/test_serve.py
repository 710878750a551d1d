"""serve: the site as build makes it, rebuilt on each save, served with live reload."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.render.site.build import SiteBuild, build_site, read_options
from generator.render.site.serve import said
from generator.validate.engine import validate
from tests.conftest import REPO


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own preview on loopback)
        return str(response.read().decode("utf-8"))


def _serve(tmp_path: Path) -> tuple[Path, subprocess.Popen[str], str]:
    """``serve`` on a copy of the sample, in a process of its own: the records, the process, the address."""
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--records", str(records), "--config", str(REPO / "mkdocs.yml"),
         "--dev-addr", f"127.0.0.1:{port}", "--no-editor", "--no-cache"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return records, process, f"http://127.0.0.1:{port}"


def _wait_for(condition: Callable[[], bool], seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OSError:
            pass  # the server starting, or a folder being swapped
        time.sleep(0.1)
    return False


def test_said_names_the_profiles_rendered_again() -> None:
    pages = tuple(f"masters/m-{n}.md" for n in range(7))
    assert said(SiteBuild(90, Path("site"), Path("docs"), 76, 7, pages)) == \
        "已重新生成 7 个介绍页：masters/m-0、masters/m-1、masters/m-2、masters/m-3、masters/m-4 等"
    assert said(SiteBuild(90, Path("site"), Path("docs"), 76, 0, ())) == "记录已重新检查，介绍页都没有变化"


def test_a_new_editing_token_renders_no_profile_again(tmp_path: Path) -> None:
    """Each start of serve writes a new token into /admin/'s settings; the profiles of the last
    preview stay good, so a second start renders none of them (it took every one at M before)."""
    from dataclasses import replace

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    options = read_options(REPO / "mkdocs.yml", {})

    def start(token: str) -> SiteBuild:
        with_token = replace(options, cms=replace(options.cms, local_backend=f"http://127.0.0.1:8081/api/v1?token={token}"))
        return build_site(registry, config_file=REPO / "mkdocs.yml", site_dir=tmp_path / "site", docs_dir=tmp_path / "docs",
                          environ=os.environ, options=with_token)

    first = start("first")
    assert first.rendered == first.profiles == len(registry.masters) + len(registry.studios) + len(registry.units)
    again = start("second")
    assert again.rendered == 0 and again.profiles == first.profiles
    assert "token=second" in (tmp_path / "site" / "admin" / "config.yml").read_text(encoding="utf-8")


def test_serve_keeps_following_edits_after_a_broken_photo(tmp_path: Path) -> None:
    """A photo cut short by an upload is refused by the gate (never a crash in the renderer) and the
    preview follows the next save; before, the watcher thread died and the preview stopped silently."""
    records, process, base = _serve(tmp_path)
    page = f"{base}/masters/li-jun/"
    master = records / "masters" / "li-jun.yml"
    original = master.read_text(encoding="utf-8")
    try:
        assert _wait_for(lambda: "李军" in _get(page)), "the preview never started"
        time.sleep(1.5)  # the watcher's first look at the records
        shutil.copy(REPO / "tests" / "hostile" / "photos" / "truncated-eoi.jpg", records / "photos" / "cut.jpg")
        master.write_text(original.replace("\nunit:", "\nphoto: cut.jpg\nunit:", 1), encoding="utf-8")
        time.sleep(4)
        master.write_text(original.replace("\nunit:", "\nbio: 预览仍在跟随修改。\nunit:", 1) if "\nbio:" not in original
                          else original.replace("\nbio: ", "\nbio: 预览仍在跟随修改。", 1), encoding="utf-8")
        assert _wait_for(lambda: "预览仍在跟随修改" in _get(page), 90), "the preview stopped following edits"
        shown = _get(page)
        assert "livereload" in shown, "the served page reloads itself after the next save"
        assert "pagefind" in _get(f"{base}/pagefind/pagefind.js"), "the preview has its search"
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert "Traceback" not in out, out
    assert "不是完整可读" in out
    assert "已重新生成" in out and "masters/li-jun" in out, out
    # Its own folders, beside the ones build publishes from.
    assert (tmp_path / "build" / "preview" / "site" / "masters" / "li-jun" / "index.html").is_file()
    assert not (tmp_path / "build" / "docs").exists()


def test_the_records_are_watched_by_system_notification_where_it_works(tmp_path: Path) -> None:
    """inotify where the folder allows it (no polling of a 100,000-file tree every half second);
    MkDocs' polling where it does not (here: a folder that cannot be watched)."""
    from generator.render.site.serve import _native_watch_works

    assert _native_watch_works(tmp_path)
    assert not _native_watch_works(tmp_path / "missing")


def test_reading_a_record_starts_no_build_and_saving_one_does(tmp_path: Path) -> None:
    """Every build reads every record: were a read an event, each build would start the next (it did, with
    inotify passing on "opened" and "closed without writing" to MkDocs' handler, which rebuilds on anything)."""
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

    from generator.render.site.serve import ChangesOnly

    record = tmp_path / "li-jun.yml"
    record.write_text("id: li-jun\n", encoding="utf-8")
    seen: list[FileSystemEvent] = []
    handler = FileSystemEventHandler()
    handler.on_any_event = seen.append  # type: ignore[method-assign]
    observer = ChangesOnly()
    observer.schedule(handler, str(tmp_path), recursive=True)
    observer.start()
    try:
        time.sleep(0.3)
        for _ in range(3):
            record.read_text(encoding="utf-8")
        time.sleep(0.5)
        assert seen == []
        record.write_text("id: li-jun\nname: 李军\n", encoding="utf-8")
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen and all(not event.is_directory for event in seen)
    finally:
        observer.stop()
        observer.join()


def test_the_editors_page_is_not_reloaded_after_a_save_and_the_others_are(sample_site: Path) -> None:
    """The editor saves records itself: reloaded after each save, it lost the clerk's place (it did)."""
    from generator.render.site.serve import NO_RELOAD, PreviewServer

    server = PreviewServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(sample_site))
    editor = (sample_site / "admin" / "index.html").read_bytes()
    assert NO_RELOAD in editor
    assert server._inject_js_into_html(editor, 1) == editor
    profile = (sample_site / "masters" / "li-jun" / "index.html").read_bytes()
    assert b"livereload" in server._inject_js_into_html(profile, 1)
    server.server_close()


def test_the_whole_build_reloads_open_pages_unless_a_build_is_under_way(sample_site: Path) -> None:
    """After a page shown in place, the whole build behind it reloads the open pages when the lists or
    other pages changed; while the server's own build runs, that build's end reloads them instead (the
    pages it holds back must not be let through early)."""
    from generator.render.site.serve import PreviewServer

    server = PreviewServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(sample_site))
    try:
        shown = server._visible_epoch
        server.reload()
        assert server._visible_epoch > shown and server._visible_epoch == server._wanted_epoch
        server._wanted_epoch = server._visible_epoch + 1000  # a save being built
        building = server._visible_epoch
        server.reload()
        assert server._visible_epoch == building
    finally:
        server.server_close()


def test_an_address_without_a_port_is_said() -> None:
    from generator.render.site.serve import serve

    heard: list[str] = []
    code = serve(None, records=REPO / "records", config_file=REPO / "mkdocs.yml", docs_dir=Path("unused"),  # type: ignore[arg-type]
                 site_dir=Path("unused"), dev_addr="localhost", revalidate=lambda: None, environ={}, say=heard.append)
    assert code == 1 and heard == ["预览地址 localhost 不对：应写成 地址:端口，例如 127.0.0.1:8000"]


@pytest.mark.parametrize("which", ["page", "editor"])
def test_a_taken_port_is_said_before_the_first_build(tmp_path: Path, which: str) -> None:
    with socket.socket() as taken, socket.socket() as free:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        free.bind(("127.0.0.1", 0))
        port, other = taken.getsockname()[1], free.getsockname()[1]
        free.close()
        ports = ["--dev-addr", f"127.0.0.1:{port}", "--no-editor"] if which == "page" else \
            ["--dev-addr", f"127.0.0.1:{other}", "--editor-port", str(port)]
        done = subprocess.run([sys.executable, "-m", "generator", "serve", "--records", str(REPO / "records"), "--config",
                               str(REPO / "mkdocs.yml"), *ports],
                              cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    said = {"page": (f"无法在 127.0.0.1:{port} 上预览", "--dev-addr"), "editor": ("无法启动在线编辑的本机保存服务", "--editor-port")}[which]
    assert all(words in done.stdout for words in said), done.stdout
    assert not (tmp_path / "build").exists()  # nothing built for a preview that cannot be shown


def test_a_save_shows_its_page_first_then_the_rest_of_the_site(tmp_path: Path) -> None:
    """A renamed master: the profile shows the new name as soon as the save is checked (in place);
    the lists, the open data and the search index follow from the whole build, and the preview then
    is the site a clean build makes of the same records."""
    from tests.render.test_site import _filter_index, _tree_digest

    records, process, base = _serve(tmp_path)
    preview = tmp_path / "build" / "preview"
    try:
        assert _wait_for(lambda: "叶青" in _get(f"{base}/masters/ye-qing/")), "the preview never started"
        time.sleep(1.5)  # the watcher's first look at the records
        bundle = _tree_digest(preview / "site" / "pagefind")
        master = records / "masters" / "ye-qing.yml"
        master.write_text(master.read_text(encoding="utf-8").replace("name: 叶青", "name: 叶青华", 1), encoding="utf-8")
        assert _wait_for(lambda: "叶青华" in _get(f"{base}/masters/ye-qing/")), "the page never showed the save"
        assert _wait_for(lambda: "叶青华" in _get(f"{base}/lists/masters.json")), "the masters' list never followed"
        assert "叶青华" in _get(f"{base}/data/masters.json")
        assert _wait_for(lambda: _tree_digest(preview / "site" / "pagefind") != bundle), "the search index never followed"
        assert _wait_for(lambda: pagedeps_bundle(preview) != "", 120), "the new bundle was never recorded"
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=30)
    assert "Traceback" not in out, out
    assert "已重新生成" in out and "masters/ye-qing" in out, out
    clean = tmp_path / "clean"
    assert main(["build", "--records", str(records), "--config", str(REPO / "mkdocs.yml"), "--docs-dir", str(clean / "docs"),
                 "--site-dir", str(clean / "site"), "--no-cache"]) == 0
    assert _tree_digest(preview / "site") == _tree_digest(clean / "site")
    assert _filter_index(preview / "site") == _filter_index(clean / "site")


def pagedeps_bundle(preview: Path) -> str:
    """The search bundle's digest recorded beside the preview ("" while the last one stands in)."""
    from generator.render.site import pagedeps

    return pagedeps.load((preview / "jiangpu-pages.json").read_text(encoding="utf-8")).bundle
