"""Profiles put into Material's template: the fast way (a layout filled in) gives MkDocs' page.

The whole sample is compared with MkDocs' own build in ``test_site``; these cases are the
ones the sample lacks: words a template could transform, and a layout that cannot be used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render.site import chrome as chrome_module
from generator.render.site.chrome import Chrome, split_page, tidy_body
from tests.conftest import REPO

NAV = ["index.md", "studios/index.md", "masters/index.md", "pairs/index.md", "honours.md", "progress/index.md",
       "units/index.md", "forms.md", "data.md", "search.md"]
META = {"title": "李军", "image": "og/0123456789abcdef.png", "description": "维修电工，高级技师，示例单位", "hide": ["navigation", "toc"]}
BODY = '<nav class="jp-crumbs">…</nav>\n<h1>李军</h1>\n\n<p>简介</p>\n'


@pytest.fixture
def chrome(tmp_path: Path) -> Chrome:
    (tmp_path / "docs").mkdir()
    return Chrome.load(REPO / "mkdocs.yml", tmp_path / "docs", tmp_path / "site", NAV)


def test_a_filled_layout_is_the_rendered_page(chrome: Chrome) -> None:
    for name, meta in [("li-jun", META), ("wang-qiang", {**META, "title": "王强", "image": "photos/masters/wang-qiang-480.jpg"}),
                       ("zhou-min", {**META, "title": "周敏", "description": "电工"})]:
        page = chrome.page(f"masters/{name}.md", meta, BODY)
        assert page == chrome.render(f"masters/{name}.md", meta, BODY).encode("utf-8")
        assert f"<title>{meta['title']} - " in page.decode("utf-8")
    assert any(parts is not None for parts in chrome._layouts.values())  # the fast way was taken


@pytest.mark.parametrize("title", ["甲&amp;乙", "&lt;b&gt;周&lt;/b&gt;", "李&#34;军&#34;", "JPZTITLEZ"])
def test_words_a_template_could_transform_are_rendered_in_full(chrome: Chrome, title: str) -> None:
    """Titles arrive HTML-escaped (front matter); Material strips tags in <title>, which unescapes:
    such a page is rendered, not filled in. A title that is itself a stand-in too."""
    meta = {**META, "title": title}
    assert chrome.page("masters/li-jun.md", meta, BODY) == chrome.render("masters/li-jun.md", meta, BODY).encode("utf-8")


def test_a_body_holding_a_stand_in_word_stays_as_written(chrome: Chrome) -> None:
    body = BODY + "<p>JPZTITLEZ jpzidz JPZBODYZ</p>\n"
    page = chrome.page("masters/li-jun.md", META, body).decode("utf-8")
    assert "<p>JPZTITLEZ jpzidz JPZBODYZ</p>" in page
    assert page == chrome.render("masters/li-jun.md", META, body)


def test_a_layout_whose_stand_ins_come_out_changed_is_not_used(chrome: Chrome, monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the theme to cut or change a title (say, to 20 characters), filling in would be wrong."""
    real = Chrome.render

    def cut(self: Chrome, path: str, meta: dict[str, object], body: str) -> str:
        return real(self, path, meta, body).replace("JPZTITLEZ", "JPZTIT…")

    monkeypatch.setattr(chrome_module.Chrome, "render", cut)
    page = chrome.page("masters/li-jun.md", META, BODY)
    assert list(chrome._layouts.values()) == [None]
    assert page == real(chrome, "masters/li-jun.md", META, BODY).encode("utf-8")


def test_a_profiles_markdown_is_its_html(tmp_path: Path) -> None:
    """Python-Markdown with mkdocs.yml's extensions leaves a profile's body as it is (stripped)."""
    import markdown
    from mkdocs import config as mkdocs_config

    # A fresh clone has no build/docs yet: only the Markdown settings matter here.
    config = mkdocs_config.load_config(config_file=str(REPO / "mkdocs.yml"), docs_dir=str(tmp_path))
    md = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
    text = tidy_body("---\ntitle: 李军\n---\n<div hidden>\n<p>a</p>\n</div>\n\n\n\n<h2 id=\"_1\">荣誉</h2>\n<div>\n<table>\n<tr><td>1</td></tr>\n\n</table>\n</div>\n\n\n")
    front, body = split_page(text)
    assert front == "title: 李军"
    assert md.convert(body) == body.strip()
