"""Preview while editing records: the site as ``build`` makes it, served with live reload.

The preview is a build like any other (build.py), into its own folders. A save is checked by
the gate, then its profiles are rendered in place over the last build's files
(``show_changed``: a second at M) and the browser reloads. The whole build follows in a child
process: it checks every page again, takes these over by their records, puts the lists, the
open data and the other pages in place (the browser reloads again if any of that changed),
then makes the search index. A newer save makes that work stale: it stops at its next step and
puts nothing in place. MkDocs' live-reload server serves the built site; nothing of MkDocs' own
build runs over the ~10,000 profiles. A record with an error leaves the last good site in place.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

from mkdocs.livereload import LiveReloadServer
from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

from generator.diagnostics import Result
from generator.model.entities import Registry
from generator.render.site import editing
from generator.render.site.build import (
    SiteBuild,
    SiteBuildError,
    SiteOptions,
    build_site,
    index_pending,
    known_records,
    read_options,
    show_changed,
)
from generator.render.site.docs import Cancelled
from generator.render.site.search import IndexCancelled
from generator.validate.engine import Validation

BACKGROUND_NICENESS = 10  # the whole build and the search index behind a save (os.nice: 19 is the lowest)
FOLLOW_DELAY = 1.5  # seconds after a save is shown before the whole build behind it starts
POLL_SECONDS = 0.5  # how often the records folder is looked at, where system notifications cannot be had


def said(result: SiteBuild) -> str:
    """What a rebuild did, for the person who saved."""
    if not result.rendered_pages:
        return "记录已重新检查，介绍页都没有变化"
    names = "、".join(p.removesuffix(".md") for p in result.rendered_pages[:5])
    return f"已重新生成 {len(result.rendered_pages)} 个介绍页：{names}{' 等' if len(result.rendered_pages) > 5 else ''}"


def serve(
    registry: Registry,
    *,
    records: Path,
    config_file: Path,
    docs_dir: Path,
    site_dir: Path,
    dev_addr: str,
    revalidate: Callable[[], Validation | None],
    environ: Mapping[str, str],
    history: Callable[[], Mapping[str, date]] | None = None,
    cms_port: int | None = 8081,
    say: Callable[[str], None] = lambda _: None,
    gate: Callable[[Path], Result] | None = None,
    cache: Path | None = None,
) -> int:
    """Build into ``site_dir`` and serve it on ``dev_addr``; ``say`` is told, after each save,
    which profiles were rendered again. Returns the exit code (1: the first build failed)."""
    options = read_options(config_file, environ)
    host, _, page_port = dev_addr.rpartition(":")
    if not page_port.isdigit() or not 0 < int(page_port) < 65536:
        say(f"预览地址 {dev_addr} 不对：应写成 地址:端口，例如 127.0.0.1:8000")
        return 1
    bind = host.strip("[]") or "127.0.0.1"
    taken = _cannot_listen(bind, int(page_port))
    if taken:  # said before the first build, which takes a minute at M
        say(f"无法在 {dev_addr} 上预览（{taken}）：这个端口可能已被占用（例如另一个 serve），请用 --dev-addr 换一个端口")
        return 1
    editor = None
    if cms_port is not None:
        # /admin/ edits the working copy through the local backend (no GitHub, works offline). It
        # listens on loopback only, whatever address the preview is on, and answers only the page
        # served here with the token written into that page's config.
        access = editing.Access.for_page(int(page_port), secrets.token_urlsafe(24))
        try:
            editor = editing.start(records, access, cms_port, gate=gate)
        except OSError as exc:
            say(f"无法启动在线编辑的本机保存服务（端口 {cms_port}：{exc.strerror or exc}）：请用 --editor-port 换一个端口，"
                "或用 --no-editor 只预览")
            return 1
        local = f"http://{editing.LOOPBACK}:{editor.server_address[1]}/api/v1?token={access.token}"
        options = replace(options, cms=replace(options.cms, local_backend=local))
        if host.strip("[]") not in editing.LOOPBACK_NAMES:
            say(f"网站预览在 {dev_addr} 上对其他设备开放；在线编辑（/admin/）只在本机可用："
                f"请在这台电脑上打开 http://127.0.0.1:{page_port}/admin/")

    loop = SaveLoop(registry, Preview(config_file, site_dir, docs_dir, environ, options, cache, history), revalidate, say)
    try:
        try:
            first = loop.build(registry, loop.latest.value)
        except SiteBuildError as exc:
            say(str(exc))
            return 1
        kept = f"，其余 {first.profiles - first.rendered} 个沿用上次预览" if first.rendered < first.profiles else ""
        later = "；空白表格和分享图片是第一次生成，稍后在后台完成" if first.artefacts_pending else ""
        say(f"网站预览已生成：{first.pages} 个页面（介绍页 {first.profiles} 个，重新生成 {first.rendered} 个{kept}）{later}")
        server = PreviewServer(builder=loop.rebuild, host=bind, port=int(page_port), root=str(site_dir),
                               polling_interval=POLL_SECONDS)
        loop.reloads.append(server.reload)
        server.error_handler = lambda code: _not_found(site_dir) if code == 404 else None
        if _native_watch_works(records):
            # Told by the system (inotify and the like) instead of MkDocs' polling, which reads the
            # whole records tree every half second: 60 ms of CPU at M, more than that interval at L.
            server.observer = ChangesOnly()
        server.watch(str(records))
        if first.search_pending:  # records changed since the last preview: its search index stands in
            loop.pending.set()
        loop.warm(registry)  # before the first page is served: a save right after start-up finds it all ready
        loop.follow(registry, loop.latest.value, first.artefacts_pending)
        logging.getLogger("mkdocs.livereload").setLevel(logging.ERROR)  # its per-request lines drown ours
        say(f"预览地址：http://{dev_addr}/ （修改 {records} 中的记录并保存后，页面自动刷新；按 Ctrl+C 结束）")
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        except OSError as exc:  # the address taken since it was checked above
            say(f"无法在 {dev_addr} 上预览（{exc.strerror or exc}），请用 --dev-addr 换一个端口")
            return 1
        finally:
            server.shutdown()
    finally:
        loop.end()
        if editor is not None:
            editor.shutdown()
            editor.server_close()
    return 0


@dataclass(frozen=True, slots=True)
class Preview:
    """Where and how the preview is built."""

    config_file: Path
    site_dir: Path
    docs_dir: Path
    environ: Mapping[str, str]
    options: SiteOptions
    cache: Path | None
    history: Callable[[], Mapping[str, date]] | None

    def dates(self) -> Mapping[str, date] | None:
        return self.history() if self.history else None


class SaveLoop:
    """What a save sets off. Its pages are rendered in place (``show_changed``) and the browser
    reloads; the whole build (``build_site``, which checks every page) and then the search index
    follow in a child process (forked: it has the records already; in a thread, its work held
    Python's lock while the next save was being checked). A newer save makes that work stale: it
    stops at its next step, and puts nothing in place after the newer save's pages."""

    def __init__(self, registry: Registry, preview: Preview, revalidate: Callable[[], Validation | None],
                 say: Callable[[str], None]) -> None:
        self.preview, self.revalidate, self.say = preview, revalidate, say
        self.context = multiprocessing.get_context("fork")
        self.latest = self.context.Value("q", 0, lock=False)  # the latest save's number (only the server's build loop counts)
        self.writing = self.context.Lock()  # the live folders and their records: one writer at a time, across the processes
        self.finishing = threading.Lock()  # one background build at a time
        self.pending = threading.Event()  # the site has an older search bundle than its entries
        self.good = registry  # the last records that passed the gate
        self.reloads: list[Callable[[], None]] = []  # the server's, once it runs
        self.children: list[multiprocessing.process.BaseProcess] = []  # the background build under way

    def stale(self, mine: int) -> Callable[[], bool]:
        return lambda: self.latest.value != mine

    def build(self, current: Registry, mine: int, first: bool = True) -> SiteBuild:
        """``first``: the build the browser waits for, without forms or cards never made before."""
        p = self.preview
        return build_site(current, config_file=p.config_file, site_dir=p.site_dir, docs_dir=p.docs_dir, environ=p.environ,
                          history=p.dates(), cache=p.cache, options=p.options, defer_index=True,
                          stop=self.stale(mine), commit=self.writing, defer_artefacts=first)

    def show(self, current: Registry) -> SiteBuild | None:
        p = self.preview
        with self.writing:
            return show_changed(current, config_file=p.config_file, site_dir=p.site_dir, docs_dir=p.docs_dir, options=p.options,
                                history=p.dates())

    def rebuild(self) -> None:
        """The server's builder, after each save. One failed rebuild (a file that vanished mid-read,
        a full disk, a bug) is said and the preview goes on: it must keep following the next save."""
        self.latest.value += 1
        mine = self.latest.value
        try:
            run = self.revalidate()
            if run is None:  # refused: the work this save stopped is done again for the last good records
                self.follow(self.good, mine, True)
                return
            self.good = run.registry
            shown = self.show(run.registry)
            # Too much changed to patch: a build before the browser reloads (what it leaves out, after).
            result = self.build(run.registry, mine) if shown is None else shown
            self.say(said(result))
            if result.search_pending:
                self.pending.set()
            self.follow(run.registry, mine, shown is not None or result.artefacts_pending)
        except (SiteBuildError, Cancelled) as exc:
            self.say(f"{exc}；页面保留上一次的内容")
        except Exception as exc:  # noqa: BLE001 (said to the person; the next save is tried again)
            self.say(f"重新生成预览时出错（{type(exc).__name__}：{str(exc)[:200]}），页面保留上一次的内容；保存下一次修改后会再试")

    def warm(self, current: Registry) -> None:
        """At start-up: what a save needs (templates compiled, MkDocs' theme loaded, every page's
        digest) made now instead of at the first save (a second at M). Nothing changed: nothing is written."""
        try:
            self.show(current)
        except Exception:  # noqa: BLE001, S110 (the first save does this again, and says what went wrong)
            pass

    def follow(self, current: Registry, mine: int, whole: bool) -> None:
        """After a page shown in place, or a build that left forms or cards out (``whole``), the whole
        build; then the search index, if one is pending. In the background."""
        threading.Thread(target=self._finish, args=(current, mine, whole), daemon=True).start()

    def _finish(self, current: Registry, mine: int, whole: bool) -> None:
        with self.finishing:
            # A moment first: saves in a row (a clerk fixing a typo) fork no child each, whose copy of
            # this process's memory would slow the next save's check.
            deadline = time.monotonic() + FOLLOW_DELAY
            while time.monotonic() < deadline and not self.stale(mine)():
                time.sleep(0.05)
            if self.stale(mine)() or not whole and not self.pending.is_set():
                return
            receive, send = self.context.Pipe(duplex=False)
            # Not a daemon (those may not start the workers that render pages): ended when serve ends.
            child = self.context.Process(target=self._background, args=(send, current, mine, whole, self.pending.is_set()))
            self.children.append(child)
            child.start()
            send.close()
            try:
                self._listen(receive)
            finally:
                receive.close()
                child.join()
                self.children.remove(child)
            known_records(self.preview.docs_dir)  # read now, while nothing waits: the next save finds them in memory

    def _listen(self, receive: Connection) -> None:
        """What the child says, until it ends."""
        while True:
            try:
                message = receive.recv()
            except EOFError:
                return
            if message[0] == "built":
                if message[2]:
                    self.pending.set()
                if message[1]:  # lists, open data, other pages changed: shown too
                    for reload in self.reloads:
                        reload()
            elif message[0] == "indexed":
                self.pending.clear()
            else:
                self.say(message[1])

    def _background(self, send: Connection, current: Registry, mine: int, whole: bool, index: bool) -> None:
        """In the child: the whole build (``whole``), then the search index (``index``, or the build's own)."""
        # At a lower priority, with the page workers and Pagefind it starts: the next save's check
        # and pages, in the serve process, come first on the machine's cores.
        os.nice(BACKGROUND_NICENESS)
        stale = self.stale(mine)
        try:
            if whole and not stale():
                result = self.build(current, mine, first=False)
                send.send(("built", result.others_changed or bool(result.rendered_pages), result.search_pending))
                index = index or result.search_pending
            if index and not stale() and index_pending(self.preview.site_dir, self.preview.docs_dir, stop=stale, commit=self.writing):
                send.send(("indexed",))
        except (Cancelled, IndexCancelled):
            pass  # a newer save's child does this work again
        except Exception as exc:  # noqa: BLE001 (said; the pages stay, the next save builds again)
            send.send(("said", f"网站的其余部分没有更新（{str(exc)[:200]}），保存下一次修改后会再试"))
        finally:
            send.close()

    def end(self) -> None:
        for child in list(self.children):
            child.terminate()  # its folders beside the site's are removed by the next build


NO_RELOAD = b'<meta name="jiangpu-live-reload" content="off">'  # the editor's page (site_templates/admin/index.html)


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, except for the editor's page: it saves records itself, and
    reloading it after each of its own saves would throw the clerk back to its start."""

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:  # MkDocs 1.6's hook for every HTML file served
        if NO_RELOAD in content:
            return content
        return bytes(super()._inject_js_into_html(content, epoch))

    def reload(self) -> None:
        """Tell the open pages to load again, unless a build under way will (it reloads them when done)."""
        with self._epoch_cond:
            if self._visible_epoch == self._wanted_epoch:
                self._wanted_epoch = self._visible_epoch = max(self._visible_epoch + 1, round(time.monotonic() * 1000))
                self._epoch_cond.notify_all()


# A file written, made, removed or renamed. Not opened or read: each build reads every record, and
# MkDocs' handler rebuilds on any event it is given (with inotify, each build would start the next).
CHANGES: list[type[FileSystemEvent]] = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent]


class ChangesOnly(Observer):  # type: ignore[valid-type, misc]  # Observer names the platform's class
    """The system's observer, passing on only the events that change a file."""

    def schedule(self, event_handler: FileSystemEventHandler, path: str | Path, *, recursive: bool = False,
                 event_filter: list[type[FileSystemEvent]] | None = None, follow_symlink: bool = False) -> ObservedWatch:
        return super().schedule(event_handler, path, recursive=recursive, event_filter=event_filter or CHANGES,
                                follow_symlink=follow_symlink)


def _native_watch_works(folder: Path) -> bool:
    """The system's file notifications can watch ``folder`` (not so on some network and container
    file systems, or past the number of watches allowed): else MkDocs' polling stays."""
    # Stopping an observer logs an English "error" about its thread that means nothing to a clerk
    # (and nothing is wrong); a watch that cannot be made raises, handled here.
    logging.getLogger("watchdog").setLevel(logging.CRITICAL)
    probe = Observer()
    try:
        probe.schedule(FileSystemEventHandler(), str(folder), recursive=True)
        probe.start()
    except OSError:
        return False
    finally:
        if probe.is_alive():
            probe.stop()
            probe.join()
    return True


def _cannot_listen(host: str, port: int) -> str:
    """Why a server could not listen on ``host:port`` ("" when it can)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def _not_found(site_dir: Path) -> bytes | None:
    try:
        return (site_dir / "404.html").read_bytes()
    except OSError:
        return None
