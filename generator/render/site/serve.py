"""Preview while editing records: MkDocs' live server over the generated docs
folder, plus a watcher that renders the docs again when a record changes.

MkDocs itself watches the docs folder and reloads the browser; we only keep
that folder in step with ``records/``. A record with an error leaves the
last good pages in place.
"""

from __future__ import annotations

import filecmp
import secrets
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path

from generator.diagnostics import Result
from generator.model.entities import Registry
from generator.render.site import editing
from generator.render.site.build import SiteOptions, install_theme, read_options, render_docs
from generator.render.site.docs import LastBuild
from generator.render.site.search import BUNDLE, SearchIndexError, index_site
from generator.validate.engine import Validation


def _snapshot(records: Path) -> dict[str, int]:
    seen = {}
    for path in records.rglob("*"):
        try:  # a file saved by an editor can vanish between the listing and its stat
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            seen[str(path)] = info.st_mtime_ns
    return seen


def sync_tree(source: Path, target: Path, keep: str | None = None) -> list[str]:
    """Make ``target`` equal to ``source``, touching only files that differ (MkDocs, building
    "dirty", then renders only those); ``keep`` is a top folder of ``target`` left alone.
    Returns the files written or removed, relative to ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    touched: list[str] = []
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(exist_ok=True)
        elif not dest.exists() or not filecmp.cmp(path, dest, shallow=False):
            shutil.copy2(path, dest)
            touched.append(path.relative_to(source).as_posix())
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target)
        if keep is not None and rel.parts[0] == keep:
            continue
        if not (source / rel).exists():
            path.unlink() if path.is_file() else path.rmdir()
            touched.append(rel.as_posix())
    return touched


def _said(touched: list[str]) -> str:
    pages = [t for t in touched if t.endswith(".md")]
    if not pages:
        return "记录已重新检查，页面没有变化"
    names = "、".join(p[: -len(".md")] for p in pages[:5])
    return f"已重新生成 {len(pages)} 个页面：{names}{' 等' if len(pages) > 5 else ''}"


def _render_into(registry: Registry, docs_dir: Path, options: SiteOptions, environ: Mapping[str, str],
                 history: Mapping[str, date] | None, say: Callable[[str], None] = lambda _: None) -> list[str]:
    with tempfile.TemporaryDirectory() as work:
        docs, entries = Path(work) / "docs", Path(work) / "entries"
        render_docs(registry, docs, options, environ, history, entries, last=LastBuild(docs=docs_dir) if docs_dir.is_dir() else None)
        # The pages first (the browser reloads with them), the search bundle after: MkDocs' own
        # server never runs Pagefind, so the preview's bundle goes into the docs folder as it is.
        touched = sync_tree(docs, docs_dir, keep=BUNDLE)
        say(_said(touched))
        try:
            index_site(entries, docs / BUNDLE)
        except SearchIndexError:
            return touched  # without Pagefind the preview simply has no search
        sync_tree(docs / BUNDLE, docs_dir / BUNDLE)
        return touched


def serve(
    registry: Registry,
    *,
    records: Path,
    config_file: Path,
    docs_dir: Path,
    dev_addr: str,
    revalidate: Callable[[], Validation | None],
    environ: Mapping[str, str],
    history: Callable[[], Mapping[str, date]] | None = None,
    cms_port: int | None = 8081,
    say: Callable[[str], None] = lambda _: None,
    gate: Callable[[Path], Result] | None = None,
) -> int:
    """Serve the preview; ``say`` is told, after each save, which pages were rendered again."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    options = read_options(config_file, environ)
    install_theme(config_file)
    editor = None
    if cms_port is not None:
        # /admin/ edits the working copy through the local backend (no GitHub, works offline). It
        # listens on loopback only, whatever address the preview is on, and answers only the page
        # served here with the token written into that page's config.
        host, _, page_port = dev_addr.rpartition(":")
        access = editing.Access.for_page(int(page_port), secrets.token_urlsafe(24))
        editor = editing.start(records, access, cms_port, gate=gate)
        local = f"http://{editing.LOOPBACK}:{editor.server_address[1]}/api/v1?token={access.token}"
        options = replace(options, cms=replace(options.cms, local_backend=local))
        if host.strip("[]") not in editing.LOOPBACK_NAMES:
            say(f"网站预览在 {dev_addr} 上对其他设备开放；在线编辑（/admin/）只在本机可用："
                f"请在这台电脑上打开 http://127.0.0.1:{page_port}/admin/")
    _render_into(registry, docs_dir, options, environ, history() if history else None)
    stop = threading.Event()

    def watch() -> None:
        seen = _snapshot(records)
        while not stop.wait(1.0):
            now = _snapshot(records)
            if now != seen:
                seen = now
                rebuild()

    def rebuild() -> None:
        # One failed rebuild (a file that vanished mid-read, a full disk, a bug) is said and
        # the watcher goes on: the preview must keep following the next save.
        try:
            run = revalidate()
            if run is not None:
                _render_into(run.registry, docs_dir, options, environ, history() if history else None, say)
        except Exception as exc:  # noqa: BLE001 (said to the person; the next save is tried again)
            say(f"重新生成预览时出错（{type(exc).__name__}：{str(exc)[:200]}），页面保留上一次的内容；保存下一次修改后会再试")

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        # "dirty": MkDocs renders again only the pages whose files sync_tree touched.
        mkdocs_serve(config_file=str(config_file), docs_dir=str(docs_dir), dev_addr=dev_addr, livereload=True, build_type="dirty")
    finally:
        stop.set()
        if editor is not None:
            editor.shutdown()
            editor.server_close()
    return 0
