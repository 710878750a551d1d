"""The built site in a real browser: Debian's Chromium driven by Playwright.

Search, lists, phones and accessibility as a visitor meets them. Skipped, with
the reason, where Chromium or Playwright is absent; the set-up scripts install
both, so CI runs them.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import build_sample_site

# Debian's chromium here; JIANGPU_CHROMIUM names another (GitHub's runners ship Google Chrome).
CHROMIUM = os.environ.get("JIANGPU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed (scripts/setup.sh installs it)")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; scripts/setup.sh does it)", allow_module_level=True)

# One page of every type.
PAGE_TYPES = ["", "studios/", "studios/wang-qiang-welding-studio/", "studios/luo-ying-chinese-studio/",  # 整改中: the amber chip
              "masters/", "masters/zhou-guoqiang/", "masters/wang-xiaojun/", "pairs/",  # a lineage picture both ways
              "honours/", "progress/", "progress/taoyuan-pairing-2019/", "progress/nanxun-talents-2018/", "units/",
              "units/taoyuan-demo-motor/", "forms/", "data/", "search/?q=" + quote("电工"), "404.html"]
WIDTHS = [390, 1280]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


def _serve(folder: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def base_url(sample_site: Path) -> Iterator[str]:
    yield from _serve(sample_site)


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic registry with more rows than a list shows at once."""
    from generator.synthetic import generate

    folder = tmp_path_factory.mktemp("big")
    generate("T", folder)
    return build_sample_site(folder, folder / "records")


@pytest.fixture(scope="module")
def big_url(big_site: Path) -> Iterator[str]:
    yield from _serve(big_site)


M_ROWS = 10_000


@pytest.fixture(scope="module")
def m_list_url(big_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The masters' list at M's size (10,000 rows; an M build takes minutes, the list is what is tried here): the
    synthetic site's list data repeated under new names and ids, and the page saying so, as a build of M says it."""
    site = tmp_path_factory.mktemp("m-list") / "site"
    shutil.copytree(big_site, site)
    data = json.loads((site / "lists" / "masters.json").read_text(encoding="utf-8"))
    name, ident = data["fields"].index("name"), data["fields"].index("name_id")
    rows = []
    for i in range(M_ROWS):
        row = list(data["rows"][i % len(data["rows"])])
        row[name], row[ident] = f"{row[name]}{i:05}", f"{row[ident]}-{i:05}"
        rows.append(row)
    (site / "lists" / "masters.json").write_text(json.dumps({"fields": data["fields"], "rows": rows}, ensure_ascii=False), encoding="utf-8")
    page = site / "masters" / "index.html"
    html = page.read_text(encoding="utf-8")
    total = re.search(r'data-total="(\d+)"', html).group(1)  # type: ignore[union-attr]
    html = html.replace(f'data-total="{total}"', f'data-total="{M_ROWS}"').replace(f"共 {total} 条", f"共 {M_ROWS} 条")
    html = re.sub(r'data-pages="\d+"', f'data-pages="{M_ROWS // 50}"', re.sub(r"第 1/\d+ 页", f"第 1/{M_ROWS // 50} 页", html))
    page.write_text(html, encoding="utf-8")
    yield from _serve(site)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        # The closed network here refuses Chromium's background connections: turn them off.
        instance = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


def _open(browser, url: str, width: int = 1280):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, errors


# ------------------------------------------------------------------ search


def _search(browser, base_url: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The titles of the results, in order, as a visitor sees them."""
    page, errors = _open(browser, base_url + "search/?q=" + quote(query))
    page.wait_for_function("""() => { const s = document.getElementById('jp-search-status').textContent;
                                      return s && !s.includes('正在'); }""", timeout=15_000)
    titles = page.locator("#jp-search-results li > a").all_inner_texts()
    status = page.inner_text("#jp-search-status")
    page.close()
    assert errors == []
    return titles if titles else [status]


@pytest.mark.parametrize(("query", "first"), [
    ("周国强", "周国强"),  # a master's full name
    ("维修电工技能大师工作室", "维修电工技能大师工作室"),  # a studio's
    ("湖州示例特钢有限公司", "湖州示例特钢有限公司"),  # a unit's
])
def test_a_full_name_finds_its_page_first(browser, base_url: str, query: str, first: str) -> None:  # type: ignore[no-untyped-def]
    assert _search(browser, base_url, query)[0] == first


def test_an_honour_finds_its_holders(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    # The three 南浔工匠 of the sample: each in the first five results.
    assert {"周国强", "顾海峰", "陆明华"} <= set(_search(browser, base_url, "南浔工匠")[:5])


@pytest.mark.parametrize(("part", "person"), [("国强", "周国强"), ("明华", "陆明华")])
def test_two_characters_of_a_name_find_the_person(browser, base_url: str, part: str, person: str) -> None:  # type: ignore[no-untyped-def]
    assert person in _search(browser, base_url, part)[:5]


def test_a_trade_finds_the_longer_trades_it_is_part_of(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    titles = _search(browser, base_url, "电工")
    assert {"周国强", "叶青", "维修电工技能大师工作室"} <= set(titles)


def test_a_word_that_is_nowhere_finds_nothing(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    assert _search(browser, base_url, "火星车") == ["没有找到与“火星车”相关的结果。可以换一个词，或只输入名字中的两个字。"]


def test_search_previews_show_the_summary_not_index_words(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _open(browser, base_url + "search/?q=" + quote("电工"))
    page.locator("#jp-search-results li").first.wait_for()
    text = page.inner_text("#jp-search-results")
    assert "维修电工，高级技师" in text and not re.search(r"\b[a-z]{8}\b", text)  # no index tokens
    page.close()


def test_the_header_search_button_and_home_box_lead_to_results(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _open(browser, base_url)
    page.fill("#jp-home-q", "叶青")
    page.press("#jp-home-q", "Enter")
    page.locator("#jp-search-results li").first.wait_for()
    assert page.locator("#jp-search-results li > a").first.inner_text() == "叶青"
    page.goto(base_url + "masters/")
    page.click(".jp-search-button")
    page.wait_for_url("**/search/")
    page.close()


# ------------------------------------------------------------------ lists


def _list_texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".jp-list tbody tr, .jp-list li.jp-item").all_inner_texts()


def test_a_trade_filter_in_the_address_matches_sub_words(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = _open(browser, base_url + "masters/?" + quote("工种") + "=" + quote("电工"))
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.startsWith('共')")
    texts = _list_texts(page)
    assert any("维修电工" in t for t in texts) and all("电工" in t for t in texts)
    assert page.input_value("select[name='工种']") == "电工"
    assert errors == []
    page.close()


def test_the_home_cards_open_the_filtered_list(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _open(browser, base_url)
    card = page.locator("a.jp-card", has_text="已命名工作室")
    number = int(card.locator(".jp-card-number").inner_text())
    card.click()
    page.wait_for_load_state("networkidle")
    assert len(_list_texts(page)) == number
    assert all("已命名" in t for t in _list_texts(page))
    page.close()


def test_choosing_a_filter_updates_the_address_and_an_empty_result_says_so(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _open(browser, base_url + "studios/")
    page.select_option("select[name='级别']", "校级")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.startsWith('共')")
    assert "%E6%A0%A1%E7%BA%A7" in page.url  # 校级
    assert _list_texts(page) and all("校级" in t for t in _list_texts(page))
    page.fill(".jp-list input[name=q]", "不存在的名字")
    page.locator(".jp-empty").wait_for(state="visible")
    assert page.inner_text(".jp-empty") == "没有符合条件的工作室。"
    page.close()


def test_level_options_follow_rank_not_code_points(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _open(browser, base_url + "honours/")
    options = page.locator("select[name='级别'] option").all_inner_texts()[1:]
    ranks = ["国家级", "省级", "市级", "区级", "县级", "系统内", "企业级", "校级"]
    assert options == [r for r in ranks if r in options]
    page.close()


def test_a_long_list_pages_without_a_filter_one_page_size_everywhere(browser, big_url: str) -> None:  # type: ignore[no-untyped-def]
    """260 masters: the page shows rows 1–50 and says 第 1/6 页 with a pager, no filter needed; 下一页 shows
    51–100 with the page in the address; ?页=6 shows the last 10; an unknown filter value is kept and said."""
    page, errors = _open(browser, big_url + "masters/")
    assert page.locator(".jp-list li.jp-item").count() == 50
    assert "共 260 条，第 1/6 页" in page.inner_text(".jp-list .jp-count")
    first = page.locator(".jp-list li.jp-item").first.inner_text()
    page.click(".jp-pager :text('下一页')")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 2/6 页')")
    assert "%E9%A1%B5=2" in page.url and page.locator(".jp-list li.jp-item").first.inner_text() != first
    page.goto(big_url + "masters/?" + quote("页") + "=6")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 6/6 页')")
    assert page.locator(".jp-list li.jp-item").count() == 10  # 260 = 5 × 50 + 10
    page.click(".jp-pager button:has-text('上一页')")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 5/6 页')")
    assert "%E9%A1%B5=5" in page.url  # 页=5
    page.goto(big_url + "masters/?" + quote("技术等级") + "=" + quote("特级技师"))
    page.wait_for_function("!document.querySelector('.jp-list .jp-empty').hidden")
    assert page.eval_on_selector("select[name=技术等级]", "s => s.value") == "特级技师"  # kept, not dropped
    assert page.locator(".jp-list li.jp-item").count() == 0
    assert errors == []
    page.close()


def test_an_m_sized_list_pages_to_its_last_row_without_a_filter(browser, m_list_url: str) -> None:  # type: ignore[no-untyped-def]
    """10,000 masters: 第 1/200 页 with a pager and no filter; ?页=200 shows rows 9,951–10,000; ?页=137 rows 6,801–6,850;
    下一页 from there is 138, in the address."""
    page, errors = _open(browser, m_list_url + "masters/")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 1/200 页')")
    assert page.locator(".jp-list .jp-pager").is_visible()
    page.goto(m_list_url + "masters/?" + quote("页") + "=200")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 200/200 页')")
    names = page.locator(".jp-list li.jp-item .jp-item-title").all_inner_texts()
    assert len(names) == 50 and names[-1].endswith("09999"), names[-3:]
    page.goto(m_list_url + "masters/?" + quote("页") + "=137")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 137/200 页')")
    page.click(".jp-pager :text('下一页')")
    page.wait_for_function("document.querySelector('.jp-list .jp-count').textContent.includes('第 138/200 页')")
    assert "%E9%A1%B5=138" in page.url
    assert errors == []
    page.close()


# ------------------------------------------------------------------ phones and accessibility


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_at_phone_and_desktop_width(browser, base_url: str, path: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """One heading, no script error, nothing wider than the screen, and axe-core finds no violation."""
    from axe_playwright_python.sync_playwright import Axe

    page, errors = _open(browser, base_url + path, width=width)
    if path.startswith("search/"):
        page.locator("#jp-search-results li").first.wait_for()
    assert page.locator("article h1").count() == 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate("""Array.from(document.querySelectorAll('.md-content table, .md-content figure'))
                              .filter(t => t.getBoundingClientRect().right > window.innerWidth + 1).length""")
    assert overflow <= 0 and wide == 0, f"{path}: page {overflow}px wider, {wide} table(s) wider than the screen"
    violations = Axe().run(page).response["violations"]
    page.close()
    assert [(v["id"], len(v["nodes"]), v["nodes"][0]["target"]) for v in violations] == []
    assert errors == []


def test_behind_plan_is_said_in_words(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, _ = _open(browser, base_url + "progress/taoyuan-pairing-2019/")
    behind = page.locator("tr.jp-behind")
    assert behind.count() > 0
    assert all("落后" in t for t in behind.all_inner_texts())
    page.close()


def test_a_result_opens_its_profile(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page, errors = _open(browser, base_url + "search/?q=" + quote("周国强"))
    page.locator("#jp-search-results li > a").first.click()
    page.wait_for_url("**/masters/zhou-guoqiang/")
    assert page.locator("article h1").inner_text() == "周国强"
    assert errors == []
    page.close()


def test_on_a_phone_filters_are_finger_sized_and_the_closed_menu_is_skipped(browser, base_url: str, sample_site: Path) -> None:  # type: ignore[no-untyped-def]
    """At 390 px: every filter and sort <select> is at least 44 px tall; Tab from the top of the page
    never lands in the closed side menu (it did, through 11 links); opened, the menu is reachable."""
    page, errors = _open(browser, base_url + "studios/", width=390)
    heights = page.eval_on_selector_all(".jp-filters select", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, heights
    visited = []
    for _ in range(25):
        page.keyboard.press("Tab")
        visited.append(page.evaluate("!!document.activeElement.closest('.md-sidebar--primary')"))
    assert not any(visited)
    page.evaluate("document.getElementById('__drawer').click()")
    assert page.evaluate("document.querySelector('.md-sidebar--primary').inert") is False
    assert errors == []
    page.close()
    robots = (sample_site / "robots.txt").read_text(encoding="utf-8")
    assert "Disallow: /admin/" in robots and "Sitemap: https://jiangpu.example.org/sitemap.xml" in robots


def test_chongqing_sorts_under_c_in_the_lists_and_on_the_search_page(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """重庆 is chóngqìng in a dictionary: before 湖州 and 桃源, on the units list and in the search page's 单位 select."""
    page, _ = _open(browser, base_url + "search/")
    page.focus("select[name=单位]")  # the choices load when a select is first used
    page.wait_for_function("document.querySelector('select[name=单位]').options.length > 3")
    options = page.eval_on_selector_all("select[name=单位] option", "els => els.map(e => e.textContent)")
    page.close()
    first_cq = min(i for i, o in enumerate(options) if o.startswith("重庆"))
    assert first_cq < min(i for i, o in enumerate(options) if o.startswith(("湖州", "桃源"))), options
    page, _ = _open(browser, base_url + "units/")
    names = _list_texts(page)
    page.close()
    assert min(i for i, n in enumerate(names) if "重庆" in n) < min(i for i, n in enumerate(names) if "湖州" in n), names


def _results(browser, base_url: str, query: str) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Each result as shown: its title, address, the reason line and the words marked in it."""
    page, errors = _open(browser, base_url + "search/?q=" + quote(query))
    page.wait_for_function("() => !document.getElementById('jp-search-status').textContent.includes('正在') && "
                           "document.getElementById('jp-search-status').textContent")
    shown = page.eval_on_selector_all("#jp-search-results li", """items => items.map(li => ({
        title: li.querySelector('a').textContent, href: li.querySelector('a').getAttribute('href'),
        why: (li.querySelector('.jp-why') || {}).textContent || '',
        marks: Array.from(li.querySelectorAll('.jp-why mark')).map(m => m.textContent)}))""")
    page.close()
    assert errors == []
    return shown


@pytest.mark.parametrize(("query", "holders", "field"), [
    ("南浔工匠", {"周国强", "顾海峰", "陆明华"}, "荣誉："),
    ("五一劳动奖章", {"马超", "周明", "赵建国", "周国强", "李军"}, "荣誉："),  # 重庆市…, 浙江省…, 全国…
])
def test_an_honour_query_says_why_each_holder_is_there(browser, base_url: str, query: str, holders: set[str],  # type: ignore[no-untyped-def]
                                                       field: str) -> None:
    """Before, every result showed the same summary (工种，等级，单位): the visitor could not see the honour; the holders
    of the honour searched for come first, each with the field that matched and the words marked."""
    results = _results(browser, base_url, query)
    first = results[:len(holders)]
    assert {r["title"] for r in first} == holders, [r["title"] for r in results]
    for r in first:
        assert str(r["why"]).startswith(field) and query in r["marks"], r


@pytest.mark.parametrize(("query", "page"), [
    ("千名技能人才", "progress/nanxun-talents-2018/"),  # a programme's name: its progress page first
    ("师徒结对", "pairs/"),  # the list of pairs, then the pairing programme
    ("任务进度", "progress/"),
    ("荣誉榜", "honours/"),
])
def test_programme_and_overview_pages_are_found(browser, base_url: str, query: str, page: str) -> None:  # type: ignore[no-untyped-def]
    results = _results(browser, base_url, query)
    assert results and str(results[0]["href"]).endswith("/" + page), [(r["title"], r["href"]) for r in results]
    if query == "师徒结对":
        assert any(str(r["href"]).endswith("/progress/taoyuan-pairing-2019/") for r in results[:3]), results


def test_a_name_ranks_above_a_page_that_mentions_it(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """南浔工匠 is on the honours wall too: the wall comes after the people who hold it."""
    titles = [r["title"] for r in _results(browser, base_url, "南浔工匠")]
    assert "荣誉榜" in titles and titles.index("荣誉榜") > max(titles.index(n) for n in ("周国强", "顾海峰", "陆明华"))


@pytest.mark.parametrize(("query", "first"), [("陸明華", "陆明华"), ("周國強", "周国强")])
def test_traditional_characters_find_the_simplified_name(browser, base_url: str, query: str, first: str) -> None:  # type: ignore[no-untyped-def]
    """Folded with OpenCC's table on both sides (the entries when indexed, the query when typed)."""
    assert _search(browser, base_url, query)[0] == first


@pytest.mark.parametrize("width", WIDTHS)
def test_a_charts_bars_are_on_one_scale(browser, base_url: str, width: int) -> None:  # type: ignore[no-untyped-def]
    """Every track of a chart is as wide as the others, whatever the length of its value beside it."""
    page, errors = _open(browser, base_url + "progress/taoyuan-pairing-2019/", width=width)
    charts = page.eval_on_selector_all(".jp-plan-chart", "cs => cs.map(c => Array.from(c.querySelectorAll('.jp-plan-track'))"
                                                         ".map(t => Math.round(t.getBoundingClientRect().width)))")
    page.close()
    assert charts and all(len(set(tracks)) == 1 and tracks[0] > 60 for tracks in charts), charts
    assert errors == []
