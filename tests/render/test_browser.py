"""The built site in a real browser: Debian's Chromium driven by Playwright.

Skipped, with the reason, where Chromium or Playwright is absent; the set-up
scripts install both, so CI runs them.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# Debian's chromium here; JIANGPU_CHROMIUM names another (GitHub's runners ship Google Chrome).
CHROMIUM = os.environ.get("JIANGPU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (scripts/setup.sh installs it)")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; scripts/setup.sh does it)", allow_module_level=True)

PAGES = ["", "studios/", "studios/wang-qiang-welding-studio/", "masters/", "masters/li-jun/", "pairs/", "progress/", "honours/", "units/taoyuan-demo-motor/"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="module")
def base_url(sample_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(sample_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        # The closed network here refuses Chromium's background connections: turn them off.
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


@pytest.mark.parametrize("path", ["", "studios/wang-qiang-welding-studio/", "masters/li-jun/", "progress/"])
def test_page_renders_without_console_errors(browser, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200
    assert page.locator("article h1").count() == 1
    assert errors == []
    page.close()


def _search(browser, base_url: str, query: str) -> str:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(base_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Typing before the search worker has loaded the index is ignored: wait for its prompt.
    page.wait_for_function("(document.querySelector('.md-search-result__meta') || {}).textContent === '键入以开始搜索'", timeout=15_000)
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # the search listens to key presses; filling Chinese text sends none
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    text = " ".join(results.all_inner_texts()).replace("\u200b", "")
    page.close()
    return text


def test_search_finds_a_master_by_trade(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    # 周国强 and 叶青 are 维修电工: found by the shorter word too.
    text = _search(browser, base_url, "电工")
    assert "周国强" in text and "叶青" in text, text


def test_search_finds_a_master_by_name(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    assert "周国强" in _search(browser, base_url, "周国强")


def test_filters_narrow_the_studio_list(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(base_url + "studios/")
    rows = page.locator("#studios-table tbody tr")
    total = rows.count()
    page.select_option(".jp-filters select[data-key='level']", "校级")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all("校级" in r.inner_text() for r in visible)
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_on_a_phone(browser, base_url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(base_url + path)
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    page.close()
