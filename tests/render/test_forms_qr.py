"""The QR code on a printed form: it decodes to the record's public page, has a quiet zone and an area
of its own (no text under or beside it), and is printed only when the site has an address of its own."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from generator.render.forms.build import write_forms
from generator.render.forms.definitions import programme_forms, studio_forms, with_public_links
from generator.validate.engine import validate
from tests.conftest import REPO

SITE = "https://gonghui.taoyuan.gov.cn/jiangpu/"
DPI = 200


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, Path]]:
    """Every filled form that carries a code: each studio's (three application kinds, 承诺书, 整改通知书,
    考核表, 工作报告) and the programmes' yearly documents, as PDF."""
    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    forms = [f for s in sorted(registry.studios.values(), key=lambda s: s.id) for f in studio_forms(s, registry)]
    forms += [f for p in sorted(registry.programmes.values(), key=lambda p: p.id)
              for f in programme_forms(p, registry, p.start_year + 1, date(2026, 11, 22))]
    forms = [f for f in with_public_links(forms, SITE) if f.qr]
    written = write_forms(forms, tmp_path_factory.mktemp("qr"), os.environ, ("pdf",), jobs=2)
    return [(w.form.qr, w.files["pdf"]) for w in written]


def _scan(pdf_path: Path) -> tuple[object, list[tuple[str, tuple[float, float, float, float]]]]:
    """The first page's QR codes (zxing-cpp) and its characters with their boxes in pixels."""
    import pypdfium2 as pdfium
    import zxingcpp

    page = pdfium.PdfDocument(pdf_path)[0]
    image = page.render(scale=DPI / 72).to_pil()
    height = page.get_height()
    text = page.get_textpage()
    chars = []
    for i in range(text.count_chars()):
        left, bottom, right, top = text.get_charbox(i)
        char = text.get_text_range(i, 1)
        if char.strip():  # PDF points from the bottom → pixels from the top
            chars.append((char, (left * DPI / 72, (height - top) * DPI / 72, right * DPI / 72, (height - bottom) * DPI / 72)))
    return zxingcpp.read_barcodes(image), chars


def test_every_code_decodes_to_the_records_page_and_nothing_is_printed_over_it(linked: list[tuple[str, Path]]) -> None:
    assert len(linked) > 20  # studios of every kind and the programmes' documents
    for address, pdf_path in linked:
        codes, chars = _scan(pdf_path)
        assert [c.text for c in codes] == [address], pdf_path.name
        corners = codes[0].position
        xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
        ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
        side = max(xs) - min(xs)
        quiet = side * 3 / 33  # three modules of the smallest code (version 4, 33 modules) around it
        left, top, right, bottom = min(xs) - quiet, min(ys) - quiet, max(xs) + quiet, max(ys) + quiet
        over = [c for c, (x0, y0, x1, y1) in chars if x0 < right and x1 > left and y0 < bottom and y1 > top]
        assert over == [], f"{pdf_path.name}: {''.join(over)} printed within the code's area"


def test_no_code_without_an_address_of_its_own() -> None:
    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    forms = studio_forms(registry.studios["luo-ying-chinese-studio"], registry)
    for placeholder in ("", "https://jiangpu.example.org/", "http://localhost:8000/"):
        assert not [f for f in with_public_links(forms, placeholder) if f.qr], placeholder
    assert all(f.qr == f"{SITE}studios/luo-ying-chinese-studio/" for f in with_public_links(forms, SITE.rstrip("/")))
