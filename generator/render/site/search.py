"""The site's search: Pagefind's extended build run over the built HTML.

Pagefind (its extended build, for Chinese) indexes only the elements marked
``data-pagefind-body``: each profile's hidden search entry, whose Chinese is
written as pairs of characters in letters (``docs.search_tokens``). It weights
names above text, reads facets from ``data-pagefind-filter`` and
writes an index split into fragments, so that a visitor downloads only the
parts a query needs, whatever the size of the registry. It needs no plugin:
the build indexes each page's search entry (``docs.search_entry``) while MkDocs
runs; ``python -m pagefind --site site`` over a site built by MkDocs or Zensical
from the same docs folder gives the same index.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

BUNDLE = "pagefind"
TIMEOUT_SECONDS = 1800
POLL_SECONDS = 0.1  # how often a running index asks ``stop``
EMPTY_ENTRY = ('<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>首页</title></head><body>'
               '<main data-pagefind-body><h1>首页</h1><p>登记册首页：还没有工作室、名匠和师徒结对的记录。</p></main></body></html>\n')


class SearchIndexError(Exception):
    """The index could not be built; the message is for the user (Chinese)."""


def executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:
        raise SearchIndexError("没有安装 Pagefind 扩展版（pagefind[extended]），无法生成中文搜索索引：请运行 bash scripts/setup.sh") from exc
    try:
        return Path(get_executable())
    except FileNotFoundError as exc:
        raise SearchIndexError(f"找不到 Pagefind 程序：{exc}") from exc


class IndexCancelled(SearchIndexError):
    """``stop`` said so while Pagefind ran (``serve``: a newer save makes this index stale)."""


def index_site(site_dir: Path, output: Path, stop: Callable[[], bool] | None = None) -> None:
    """Index the HTML under ``site_dir`` (the pages' search entries); write the bundle to ``output``.
    ``stop``, asked while Pagefind runs, ends it early (IndexCancelled)."""
    if not any(site_dir.rglob("*.html")):
        # A registry with no profile yet (a new one, from init): Pagefind builds nothing from nothing, and
        # the search page needs its bundle. One entry for the home page keeps both working.
        site_dir.mkdir(parents=True, exist_ok=True)
        (site_dir / "index.html").write_text(EMPTY_ENTRY, encoding="utf-8")
    command = [str(executable()), "--site", str(site_dir), "--output-path", str(output), "--force-language", "zh", "--silent"]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise SearchIndexError(f"生成搜索索引失败：{exc}") from exc
    deadline = time.monotonic() + TIMEOUT_SECONDS
    with process:
        while True:
            try:
                out, err = process.communicate(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if (stop is not None and stop()) or time.monotonic() > deadline:
                    process.kill()
                    process.communicate()
                    if stop is not None and stop():
                        raise IndexCancelled("搜索索引已取消") from None
                    raise SearchIndexError(f"生成搜索索引失败：Pagefind 超过 {TIMEOUT_SECONDS} 秒没有完成") from None
    if process.returncode != 0:
        raise SearchIndexError(f"生成搜索索引失败（Pagefind 退出码 {process.returncode}）：{(err or out).strip()[-2000:]}")
