"""Forms: every label on every format, A4, fonts embedded, filled from records."""

from __future__ import annotations

import dataclasses
import html
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.render.forms import fonts
from generator.render.forms.build import write_forms
from generator.render.forms.definitions import agreement, blank_forms, pair_forms, programme_forms, studio_forms
from generator.render.forms.model import Grid, column_mm, layout
from generator.validate.engine import validate
from tests.conftest import REPO

pdfium = pytest.importorskip("pypdfium2")
A4_POINTS = (595.28, 841.89)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, without white space."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [_squash(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


def _metadata_stream(data: bytes) -> bytes:
    """The PDF's XMP metadata (a /Type /Metadata stream, maybe compressed)."""
    import zlib

    for found in re.finditer(rb"<<([^>]*/Type\s*/Metadata[^>]*)>>\s*stream\r?\n", data):
        length = int(re.search(rb"/Length (\d+)", found.group(1)).group(1))  # type: ignore[union-attr]
        raw = data[found.end():found.end() + length]
        return zlib.decompress(raw) if b"FlateDecode" in found.group(1) else raw
    return b""


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def html_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def registry():  # type: ignore[no-untyped-def]
    return validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory, registry):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("blank")
    return write_forms(blank_forms(registry), out, os.environ)


def test_every_grid_row_fills_its_width(registry) -> None:  # type: ignore[no-untyped-def]
    pair = registry.pairs["taoyuan-2020-001"]
    studio = registry.studios["cnc-turning-master-studio"]
    for form in blank_forms(registry) + pair_forms(pair, registry) + studio_forms(studio, registry):
        for block in form.blocks:
            if isinstance(block, Grid):
                layout(block)  # raises on a row that is too short or too wide


def test_the_blank_forms_in_three_formats(blank) -> None:  # type: ignore[no-untyped-def]
    titles = {w.form.title for w in blank}
    assert {"高技能领军人才、劳模工匠师徒“结对子”协议表", "师徒双方的基本职责", "高技能领军人才、劳模工匠师徒“结对子”",
            "各单位结对活动任务分配表", "技能大师工作室申报表", "武昌区名师工作室申报表", "劳模（工匠人才）创新工作室申报表",
            "工作室年度考核表", "技能人才申报表"} <= titles
    assert all(set(w.files) == {"html", "pdf", "docx"} for w in blank)


def test_pdfs_are_a4_with_every_label_and_embedded_fonts(blank) -> None:  # type: ignore[no-untyped-def]
    for written in blank:
        path = written.files["pdf"]
        pdf = pdfium.PdfDocument(str(path))
        sizes = [pdf[i].get_size() for i in range(len(pdf))]
        pdf.close()
        assert all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in sizes), path
        text = _squash(pdf_text(path))
        missing = [label for label in written.form.labels() if _squash(label) not in text]
        assert missing == [], f"{path.name}: {missing}"
        if shutil.which("pdffonts"):
            rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
            assert rows, "the PDF has fonts"
            assert all(row.split()[-5] == "yes" for row in rows), rows  # the "emb" column


def test_docx_files_are_a4_with_the_east_asian_font_and_every_label(blank) -> None:  # type: ignore[no-untyped-def]
    import docx

    for written in blank:
        path = written.files["docx"]
        document = docx.Document(str(path))
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        with zipfile.ZipFile(path) as archive:
            styles = archive.read("word/styles.xml").decode("utf-8")
        assert 'w:eastAsia="宋体"' in styles
        text = _squash(docx_text(path))
        missing = [label for label in written.form.labels() if _squash(label) not in text]
        assert missing == [], f"{path.name}: {missing}"


def test_docx_keeps_merged_cells_as_on_paper(blank) -> None:  # type: ignore[no-untyped-def]
    import docx

    path = next(w.files["docx"] for w in blank if w.form.id == "fujian1-xieyibiao")
    table = docx.Document(str(path)).tables[0]
    first_column = [row.cells[0].text for row in table.rows]
    # 师傅基本情况 spans four rows, 徒弟基本情况 three: the merged cell repeats down the column.
    assert first_column.count("\n".join("师傅基本情况")) == 4
    assert first_column.count("\n".join("徒弟基本情况")) == 3


def test_html_holds_every_label_and_prints_on_a4(blank) -> None:  # type: ignore[no-untyped-def]
    for written in blank:
        text = _squash(html_text(written.files["html"]))
        assert [label for label in written.form.labels() if _squash(label) not in text] == []
        assert "size: A4" in written.files["html"].read_text(encoding="utf-8")


def test_filled_agreement_carries_the_record_with_private_fields(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    pair = registry.pairs["taoyuan-2020-001"]
    master = registry.masters[pair.master]
    written = write_forms([agreement(pair, registry)], tmp_path, os.environ)
    expected = [master.name, pair.apprentice.name, master.private["phone"], pair.apprentice.private["phone"],
                pair.apprentice.private["employee_no"], "2020年3月10日至2022年3月9日", pair.goal,
                str(pair.signed.year - master.birth_year)]  # age at signing
    for fmt in ("pdf", "docx", "html"):
        reader = {"pdf": pdf_text, "docx": docx_text, "html": html_text}[fmt]
        text = _squash(reader(written[0].files[fmt]))
        assert [e for e in expected if _squash(str(e)) not in text] == [], fmt


def test_the_blank_quota_table_is_blank_and_the_counted_one_says_its_date(blank) -> None:  # type: ignore[no-untyped-def]
    empty = next(w for w in blank if w.form.id == "fujian4-renwu-fenpeibiao")
    assert "桃源" not in _squash(pdf_text(empty.files["pdf"]))  # a clerk's 附件4 to fill in, not today's figures
    quota = next(w for w in blank if w.form.id.startswith("fujian4-renwu-fenpeibiao-"))
    text = _squash(pdf_text(quota.files["pdf"]))
    assert "桃源高新区" in text and "其它单位" in text and "合计" in text
    assert "截至" in quota.form.subtitle and _squash(quota.form.subtitle) in text  # the printed title says when
    assert "续签不重复计入" in text  # the form says what its count counts (the model's counted_pairs)


def test_missing_font_is_a_clear_error() -> None:
    with pytest.raises(fonts.FontNotFound, match="fonts-noto-cjk"):
        fonts.find_font({}, run=lambda args: "DejaVu Sans")
    with pytest.raises(fonts.FontNotFound, match="不存在"):
        fonts.find_font({fonts.ENV_VAR: "/nonexistent/font.otf"})


def test_font_from_the_environment_is_embedded(tmp_path: Path) -> None:
    found = subprocess.run(["fc-match", "--format=%{file}", "Noto Sans CJK SC"], capture_output=True, text=True)
    if found.returncode or not found.stdout.strip():
        pytest.skip("no Noto CJK font file here to point the variable at")
    env = {fonts.ENV_VAR: found.stdout.strip()}
    assert fonts.find_font(env).family == fonts.FILE_FAMILY
    written = write_forms(blank_forms()[:1], tmp_path, env, ["pdf"])
    assert "单位名称" in pdf_text(written[0].files["pdf"])


def test_cli_writes_filled_forms_only_outside_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    common = ["forms", "--no-cache", "--date", "2026-11-22", "--format", "html"]
    assert main([*common, "--filled", "--out", str(tmp_path / "x")]) == 2
    assert main([*common, "--filled", "--pair", "taoyuan-2020-001", "--out", "site/private"]) == 2
    assert not (REPO / "site" / "private").exists()
    assert main([*common, "--filled", "--pair", "no-such-pair", "--out", str(tmp_path / "y")]) == 1
    assert main([*common, "--filled", "--pair", "taoyuan-2020-001", "--out", str(tmp_path / "z")]) == 0
    # Named so a clerk knows them in a folder: the record's id, master and apprentice, the form.
    assert sorted(p.name for p in (tmp_path / "z").iterdir()) == [
        "taoyuan-2020-001_李军-邓磊_出师鉴定表.html", "taoyuan-2020-001_李军-邓磊_附件1协议表.html",
        "taoyuan-2020-001_李军-邓磊_附件3阶段培养计划表-1.html", "taoyuan-2020-001_李军-邓磊_附件3阶段培养计划表-2.html"]


def test_a_pair_and_a_unit_print_in_one_merged_pdf(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    pair = registry.pairs["taoyuan-2020-001"]
    assert main(["forms", "--no-cache", "--format", "pdf", "--filled", "--pair", pair.id, "--out", str(tmp_path / "p")]) == 0
    merged = tmp_path / "p" / "taoyuan-2020-001_李军-邓磊_全套打印.pdf"
    pages = pdf_pages(merged)
    # 附件1, 附件2 and each stage's 附件3, then the 出师鉴定表: one file to print, paged as one document
    assert len(pages) == 1 + 1 + len(pair.stages) + 1
    assert "协议表" in pages[0] and "师徒双方的基本职责" in pages[1] and "阶段培养计划表" in pages[2]
    assert [page.endswith(f"第{i}页共{len(pages)}页") for i, page in enumerate(pages, 1)] == [True] * len(pages)  # paged through the file
    unit = pair.unit
    mine = sorted(p.id for p in registry.pairs.values() if p.unit == unit)
    assert main(["forms", "--no-cache", "--format", "pdf", "--filled", "--unit", unit, "--out", str(tmp_path / "u")]) == 0
    name = f"{unit}_{registry.units[unit].name}_结对协议全套打印.pdf"
    text = "".join(pdf_pages(tmp_path / "u" / name))
    assert all(f"协议编号：{pid}" in text for pid in mine)
    assert len(list((tmp_path / "u").glob("*_附件1协议表.pdf"))) == len(mine)
    assert main(["forms", "--no-cache", "--format", "pdf", "--filled", "--unit", "no-such-unit", "--out", str(tmp_path / "n")]) == 1


@pytest.mark.parametrize(("studio_id", "title"), [
    ("cnc-turning-master-studio", "技能大师工作室申报表"),  # 重庆市工业学校: its programme names the form
    ("he-ping-acupuncture-studio", "武昌区名师工作室申报表"),  # a Wuchang hospital studio: the Wuchang form
    ("zhou-guoqiang-craftsman-studio", "劳模（工匠人才）创新工作室申报表"),  # no programme form: by its type
    ("li-jun-motor-studio", "劳模（工匠人才）创新工作室申报表"),
])
def test_a_studio_prints_its_own_programmes_application(registry, studio_id: str, title: str) -> None:  # type: ignore[no-untyped-def]
    application = studio_forms(registry.studios[studio_id], registry)[0]
    assert application.title == title


def test_the_wuchang_form_prints_the_eligibility_checks(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    studio = registry.studios["he-ping-acupuncture-studio"]
    leader = registry.masters[studio.leader]
    written = write_forms(studio_forms(studio, registry)[:1], tmp_path, os.environ)
    text = _squash(pdf_text(written[0].files["pdf"]))
    age = studio.named.year - leader.birth_year
    assert _squash(f"{age} 岁（{studio.named.year} 年；不超过 57 岁：符合）") in text
    assert "■卫生" in text and "区卫计委" in text and _squash("公示情况（公示期 5 天）") in text


def test_a_large_team_is_never_dropped_from_the_application(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    """Chongqing sets no upper limit on a team: a sixth, seventh member gets rows of their own, in every format."""
    from dataclasses import replace

    studio = registry.studios["cnc-turning-master-studio"]
    others = sorted(m for m in registry.masters if m not in studio.members and m != studio.leader)[:7 - len(studio.members)]
    big = replace(studio, members=[*studio.members, *others])
    assert len(big.members) == 7
    written = write_forms(studio_forms(big, registry)[:1], tmp_path, os.environ)
    names = [registry.masters[m].name for m in big.members]
    for fmt, reader in (("pdf", pdf_text), ("docx", docx_text), ("html", html_text)):
        text = _squash(reader(written[0].files[fmt]))
        assert [n for n in names if n not in text] == [], fmt


def test_a_renewal_says_so_and_every_filled_agreement_names_its_record(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    renewal = next(p for p in sorted(registry.pairs.values(), key=lambda p: p.id) if p.renews)
    first = registry.pairs["taoyuan-2020-001"]
    forms = [pair_forms(renewal, registry)[0], pair_forms(first, registry)[0]]  # as the forms command names them
    written = {w.form.meta["pair"]: w for w in write_forms(forms, tmp_path, os.environ)}
    for fmt, reader in (("pdf", pdf_text), ("docx", docx_text), ("html", html_text)):
        renewed, plain = (_squash(reader(written[p.id].files[fmt])) for p in (renewal, first))
        assert "协议表（续签）" in renewed and f"续签原协议：{renewal.renews}" in renewed and f"协议编号：{renewal.id}" in renewed, fmt
        assert "续签" not in plain and f"协议编号：{first.id}" in plain, fmt
        assert "《师徒双方的基本职责》见附件2" in plain, fmt


def test_the_quota_table_says_when_it_was_counted(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    forms = [f for f in blank_forms(registry, date(2026, 11, 22)) if f.id.startswith("fujian4-renwu-fenpeibiao-")]
    written = write_forms(forms, tmp_path, os.environ, ("pdf",))
    assert "统计截至：2026年11月22日" in _squash(pdf_text(written[0].files["pdf"]))


def test_pdfs_carry_their_title_issuer_and_the_records_date(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    pair = registry.pairs["taoyuan-2020-001"]
    studio = registry.studios["he-ping-acupuncture-studio"]
    forms = pair_forms(pair, registry)[:1] + studio_forms(studio, registry)[:1]
    for written in write_forms(forms, tmp_path, os.environ, ("pdf",)):
        document = pdfium.PdfDocument(str(written.files["pdf"]))
        meta = document.get_metadata_dict()
        document.close()
        assert meta["Title"].startswith(written.form.title) and meta["Subject"] == written.form.purpose
        assert meta["Creator"] == "匠谱 jiangpu" and "PDFium" != meta["Producer"]
        if "pair" in written.form.meta:
            assert meta["Author"] == "桃源县总工会" and meta["CreationDate"].startswith(f"D:{pair.signed:%Y%m%d}")
        else:
            assert meta["Author"] == registry.programmes[studio.programme].issuer
            assert meta["CreationDate"].startswith(f"D:{studio.established:%Y%m%d}")
    # PDF/A-2b, said in the file's XMP metadata; poppler reads the file without complaint
    for path in tmp_path.glob("*.pdf"):
        xmp = _metadata_stream(path.read_bytes())
        assert b'pdfaid:part="2" pdfaid:conformance="B"' in xmp and "匠谱".encode() in xmp
    if shutil.which("pdfinfo"):
        for path in tmp_path.glob("*.pdf"):
            checked = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=False)
            assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_word_files_say_their_text_is_chinese(blank) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(blank[0].files["docx"]) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    normal = styles[styles.index('w:styleId="Normal"'):]
    normal = normal[:normal.index("</w:style>")]
    assert '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/>' in normal


def test_pages_are_numbered_and_a_continuation_says_whose_it_is(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    studio = registry.studios["he-ping-acupuncture-studio"]
    written = write_forms(studio_forms(studio, registry)[:1], tmp_path, os.environ, ("pdf",))
    document = pdfium.PdfDocument(str(written[0].files["pdf"]))
    pages = [_squash(document[i].get_textpage().get_text_range()) for i in range(len(document))]
    document.close()
    assert len(pages) == 2
    assert pages[0].endswith("第1页共2页") and "（续页）" not in pages[0]
    assert "武昌区名师工作室申报表（续页）" in pages[1] and pages[1].endswith("第2页共2页")


def test_word_rows_keep_together_with_room_to_write_and_pages_are_numbered(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    studio = registry.studios["he-ping-acupuncture-studio"]
    written = write_forms(studio_forms(studio, registry)[:1], tmp_path, os.environ, ("docx",))
    with zipfile.ZipFile(written[0].files["docx"]) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        footers = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("word/footer"))
        core = archive.read("docProps/core.xml").decode("utf-8")
    rows = re.findall(r"<w:tr[ >].*?</w:tr>", body, re.S)
    assert rows and all("<w:cantSplit/>" in r for r in rows)
    heights = [int(h) for r in rows for h in re.findall(r'<w:trHeight w:val="(\d+)" w:hRule="atLeast"/>', r)]
    assert len(heights) == len(rows) and min(heights) >= 450  # 8 mm in twentieths of a point
    assert 'w:instr="PAGE"' in footers and 'w:instr="NUMPAGES"' in footers and "共" in footers
    assert registry.programmes[studio.programme].issuer in core and f"{studio.established:%Y-%m-%d}" in core


def test_the_evaluation_form_is_filled_from_the_records_evaluation(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    pairs = sorted(registry.pairs.values(), key=lambda p: p.id)
    judged = next(p for p in pairs if p.evaluation and p.evaluation.result == "出师" and p.evaluation.master and p.stages)
    running = next(p for p in pairs if p.evaluation is None)
    assert not [f for f in pair_forms(running, registry) if "出师鉴定表" in f.id]  # nothing judged, no evaluation form
    form = next(f for f in pair_forms(judged, registry) if "出师鉴定表" in f.id)
    assert form.id.startswith(f"{judged.id}_") and form.id.endswith("_出师鉴定表")
    written = write_forms([form], tmp_path, os.environ)[0]
    master = registry.masters[judged.master]
    for fmt, reader in (("pdf", pdf_text), ("docx", docx_text), ("html", html_text)):
        text = _squash(reader(written.files[fmt]))
        assert "期满鉴定表（出师鉴定表）" in text and f"协议编号：{judged.id}" in text, fmt
        assert master.name in text and judged.apprentice.name in text, fmt
        assert _squash(judged.evaluation.master) in text and "■出师" in text and "□延期" in text, fmt
        assert f"{sum(s.done for s in judged.stages)}/{len(judged.stages)}" in text, fmt
        if judged.evaluation.date:
            d = judged.evaluation.date
            assert f"{d.year}年{d.month}月{d.day}日" in text, fmt


def test_the_blank_set_has_the_evaluation_form(blank) -> None:  # type: ignore[no-untyped-def]
    form = next(w for w in blank if w.form.id == "chushi-jiandingbiao")
    text = _squash(pdf_text(form.files["pdf"]))
    assert "师傅鉴定意见" in text and "□出师□延期□未达标" in text.replace("　", "") and "协议编号" not in text


def _every_form(registry) -> list:  # type: ignore[no-untyped-def]
    forms = blank_forms(registry, date(2026, 11, 22))
    forms += [f for p in registry.pairs.values() for f in pair_forms(p, registry)]
    forms += [f for s in registry.studios.values() for f in studio_forms(s, registry)]
    forms += [f for p in registry.programmes.values() for y in (p.start_year, p.start_year + 1)
              for f in programme_forms(p, registry, y, date(2026, 11, 22))]
    return forms


def test_no_label_breaks_inside_a_word(registry) -> None:  # type: ignore[no-untyped-def]
    """职称/技术等|级, 员工编|号: every label fits its cell, or breaks where the seed form breaks it."""
    from generator.render.forms.model import broken_labels

    assert [problem for form in _every_form(registry) for problem in broken_labels(form)] == []


def test_every_seal_box_holds_a_unit_seal(registry) -> None:  # type: ignore[no-untyped-def]
    from generator.render.forms.model import small_seal_boxes

    assert [problem for form in _every_form(registry) for problem in small_seal_boxes(form)] == []


def test_each_pdf_embeds_the_compact_font_with_its_own_glyphs_only(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    """Each file's font subset is cut from the compact copy (GB 2312): a one-page agreement was
    180–230 KB when every file carried glyph slots for the whole Noto CJK font or its batch's text."""
    pairs = sorted(registry.pairs.values(), key=lambda p: p.id)[:3]
    written = write_forms([pair_forms(p, registry)[0] for p in pairs], tmp_path, os.environ, ("pdf",))
    for item in written:
        fonts_used = subprocess.run(["pdffonts", str(item.files["pdf"])], capture_output=True, text=True, check=True).stdout
        assert "JiangpuForms" in fonts_used and "Noto" not in fonts_used, fonts_used
        assert item.files["pdf"].stat().st_size < 120_000
    a, b = (item.files["pdf"].read_bytes() for item in written[:2])
    assert a != b


def test_a_character_outside_the_compact_font_still_prints(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    """喆 and 堃 are not in GB 2312: they come from the full font behind the compact copy."""
    from dataclasses import replace

    pair = registry.pairs["taoyuan-2020-001"]
    odd = replace(pair, apprentice=replace(pair.apprentice, name="王喆堃"))
    written = write_forms([agreement(odd, registry)], tmp_path, os.environ, ("pdf",))
    assert "王喆堃" in pdf_text(written[0].files["pdf"])
    fonts_used = subprocess.run(["pdffonts", str(written[0].files["pdf"])], capture_output=True, text=True, check=True).stdout
    assert "JiangpuForms" in fonts_used and "CJK" in fonts_used


def test_word_boxes_put_signature_and_date_at_their_foot(blank) -> None:  # type: ignore[no-untyped-def]
    """On paper 盖章 and 年 月 日 sit at the foot of an opinion box, under the room to write."""
    path = next(w.files["docx"] for w in blank if w.form.id == "fujian1-xieyibiao")
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    cell = next(c for c in re.findall(r"<w:tc>.*?</w:tc>", body, re.S) if "单位行政意见：" in c)
    paragraphs = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p/>|<w:p[ >].*?</w:p>", cell, re.S)]
    assert paragraphs[0] == "单位行政意见：" and paragraphs[-2].startswith("盖章：") and paragraphs[-1].strip("\u3000").startswith("年")
    # the lines in between are empty: as many as fill a 45 mm box at 4.8 mm a line
    assert all(p == "" for p in paragraphs[1:-2]) and len(paragraphs) == int((45 - 2) / 4.8)


def test_a_long_table_repeats_its_heading_on_every_page(tmp_path: Path) -> None:
    from generator.render.forms.model import Form, Grid, label, value

    rows = ((label("单位"), label("人数")),) + tuple((value(f"示例单位{i:03d}"), value(str(i))) for i in range(120))
    form = Form(id="long", title="长表", purpose="测试", blocks=(Grid((3.0, 1.0), rows, head=1),))
    written = write_forms([form], tmp_path, os.environ)[0]
    pages = pdf_pages(written.files["pdf"])
    assert len(pages) >= 3 and all("单位人数" in page for page in pages)
    assert all(f"示例单位{i:03d}" in "".join(pages) for i in range(120))
    with zipfile.ZipFile(written.files["docx"]) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert body.count("<w:tblHeader/>") == 1


def test_every_filled_form_names_its_record(registry) -> None:  # type: ignore[no-untyped-def]
    """A clerk holding a printed sheet can find its record: 协议编号 on every form of a pair."""
    for pair in registry.pairs.values():
        for form in pair_forms(pair, registry):
            assert ("协议编号", pair.id) in form.header, form.id


def test_filled_forms_of_public_records_carry_a_qr_code_to_their_page(tmp_path: Path, registry) -> None:  # type: ignore[no-untyped-def]
    from generator.render.forms.definitions import with_public_links

    site = "https://gonghui.taoyuan.gov.cn/jiangpu/"  # an address of its own (example.org gets no code)
    studio = registry.studios["luo-ying-chinese-studio"]
    pair = registry.pairs["taoyuan-2020-001"]
    programme = registry.programmes["taoyuan-pairing-2019"]
    forms = with_public_links(studio_forms(studio, registry) + pair_forms(pair, registry)
                              + programme_forms(programme, registry, 2021, date(2026, 11, 22)), site)
    links = {f.id: f.qr for f in forms}
    assert all(link == f"{site}studios/{studio.id}/" for fid, link in links.items() if fid.startswith(studio.id))
    assert all(link == "" for fid, link in links.items() if fid.startswith(pair.id))  # a pair has no page of its own
    assert links[f"{programme.id}_2021年_师徒结对年度报送表"] == f"{site}progress/{programme.id}/"
    assert not any(f.qr for f in with_public_links(studio_forms(studio, registry), ""))  # no site address: no code
    assert not any(f.qr for f in blank_forms(registry))
    written = write_forms(forms[:1], tmp_path, os.environ)[0]
    assert 'class="qr"' in written.files["html"].read_text(encoding="utf-8")
    with zipfile.ZipFile(written.files["docx"]) as archive:
        assert any(name.startswith("word/media/") for name in archive.namelist())
    assert "扫码看公开页面" in _squash(pdf_text(written.files["pdf"]))


def test_a_unit_or_studio_may_be_named_as_clerks_name_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """--unit 桃源高新区 (its short name) or --studio 王强焊接名师工作室 (its name) prints that record's forms."""
    monkeypatch.chdir(REPO)
    common = ["forms", "--no-cache", "--format", "html", "--filled", "--year", "2024"]
    assert main([*common, "--unit", "桃源高新区", "--out", str(tmp_path / "zone")]) == 0, capsys.readouterr().err
    assert any(p.name.startswith("taoyuan-hi-tech-zone_") for p in (tmp_path / "zone").iterdir())
    assert main([*common[:-2], "--studio", "王强焊接名师工作室", "--out", str(tmp_path / "studio")]) == 0, capsys.readouterr().err
    assert any("王强焊接名师工作室" in p.name for p in (tmp_path / "studio").iterdir())


def test_a_mistyped_id_or_year_is_answered_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    common = ["forms", "--no-cache", "--format", "html", "--filled", "--out", str(tmp_path / "out")]
    assert main([*common, "--unit", "taoyuan-demo-motr"]) == 1
    assert "登记册中没有单位 taoyuan-demo-motr；是不是：taoyuan-demo-motor" in capsys.readouterr().err
    assert main([*common, "--studio", "li-jun"]) == 1
    assert "是不是：li-jun-motor-studio" in capsys.readouterr().err
    assert main([*common, "--programme", "taoyuan-pairing-2019", "--year", "2031"]) == 1
    assert "没有 2031 年度的报表" in capsys.readouterr().err
    assert main([*common, "--pair", "taoyuan-2020-001", "--year", "2021"]) == 2  # --year belongs to --programme
    assert "--year 只和 --programme 或 --unit 一起用" in capsys.readouterr().err
    assert main([*common, "--pair", " taoyuan-2020-001 "]) == 0  # spaces around a pasted id do no harm
    assert not list(tmp_path.glob("out/*.pdf"))


def test_every_year_with_activity_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Taoyuan's programme runs 2019—2023, but pairs were signed in 2025 and 2026 and run to 2028: those years
    have reports too (before, --year 2025 was refused while 2024 was accepted)."""
    monkeypatch.chdir(REPO)
    common = ["forms", "--no-cache", "--format", "html", "--filled", "--programme", "taoyuan-pairing-2019", "--out", str(tmp_path)]
    for year in ("2025", "2026"):
        assert main([*common, "--year", year]) == 0, capsys.readouterr().err
    assert main([*common, "--year", "2018"]) == 1
    assert "只涉及 2019—2028 年" in capsys.readouterr().err


def test_a_past_years_report_counts_the_year_as_it_stood() -> None:
    """2022's 报送表 for Taoyuan, counted by hand from records/:

    - taoyuan-2022-007 (桃源示例建工, sealed 2022-04-27) is 已终止 today, terminated on 2023-09-30: it was in force on
      2022's statistics date (12月15日), so the 2022 report lists it among the year's new pairs; 2023's does not count it;
    - an older record without the termination date falls back on its history: its file last changed after
      2022-12-15 -> listed; changed on 2022-06-30 -> not in force on 2022-12-15, not listed;
    - without the date and without history (no git), a terminated pair is taken as ended.
    """
    from generator.model.progress import pairing_year, statistics_date

    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    programme = registry.programmes["taoyuan-pairing-2019"]
    assert statistics_date(programme, 2022) == date(2022, 12, 15)  # the due date, never after it
    _, new = pairing_year(registry, programme, 2022)
    assert "taoyuan-2022-007" in {p.id for p in new}
    rows, _ = pairing_year(registry, programme, 2023)
    assert next(r for r in rows if r.unit == "taoyuan-housing-bureau").cumulative == 4  # 2022-007 no longer counted
    registry.pairs["taoyuan-2022-007"].terminated = None  # as an older record, written before the date was kept
    _, new = pairing_year(registry, programme, 2022, changed={"taoyuan-2022-007": date(2026, 11, 1)})
    assert "taoyuan-2022-007" in {p.id for p in new}
    _, new = pairing_year(registry, programme, 2022, changed={"taoyuan-2022-007": date(2022, 6, 30)})
    assert "taoyuan-2022-007" not in {p.id for p in new}
    _, new = pairing_year(registry, programme, 2022)
    assert "taoyuan-2022-007" not in {p.id for p in new}


def test_a_quota_holder_prints_its_sub_units_and_its_own_report(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """桃源高新区 holds a quota and has no pairs of its own: --unit prints its sub-units' pairs, its own 附件4 row
    and 报送表; a studio's unit its studio's forms; a unit with nothing says what it has."""
    monkeypatch.chdir(REPO)
    common = ["forms", "--no-cache", "--format", "html", "--filled"]
    assert main([*common, "--unit", "taoyuan-hi-tech-zone", "--year", "2024", "--out", str(tmp_path / "zone")]) == 0
    names = {p.name for p in (tmp_path / "zone").iterdir()}
    assert "taoyuan-hi-tech-zone_taoyuan-pairing-2019_2024年_师徒结对年度报送表.html" in names
    assert "taoyuan-hi-tech-zone_taoyuan-pairing-2019_2024年_附件4任务分配表.html" in names
    registry = validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry
    below = {u for u, unit in registry.units.items() if unit.parent == "taoyuan-hi-tech-zone"}
    expected = {p.id for p in registry.pairs.values() if p.unit in below}
    assert expected and all(any(n.startswith(pid + "_") for n in names) for pid in expected)
    report = (tmp_path / "zone" / "taoyuan-hi-tech-zone_taoyuan-pairing-2019_2024年_师徒结对年度报送表.html").read_text(encoding="utf-8")
    assert "桃源高新技术产业开发区" in report and "教育工会" not in report  # its own line only
    assert main([*common, "--unit", "nanxun-demo-cable", "--out", str(tmp_path / "cable")]) == 0
    assert [n for n in (p.name for p in (tmp_path / "cable").iterdir()) if "技能人才申报表" in n]
    units = REPO / "records" / "units"
    monkeypatch.chdir(tmp_path)
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    (records / "units" / "taoyuan-new-office.yml").write_text(
        (units / "taoyuan-agri-office.yml").read_text(encoding="utf-8").replace("taoyuan-agri-office", "taoyuan-new-office")
        .replace("农村工作办公室", "新设办公室"), encoding="utf-8")
    assert main([*common, "--records", str(records), "--unit", "taoyuan-new-office", "--out", str(tmp_path / "none")]) == 1
    assert "没有结对、工作室或入选人才的记录，没有可打印的表格" in capsys.readouterr().err



def _strings(value: object) -> list[str]:
    """Every text a form holds: cells, sign lines, paragraphs, headers."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in _strings(item)]
    return []


def test_every_hand_written_date_has_room_to_write_in(registry) -> None:  # type: ignore[no-untyped-def]
    """Each 年, 月 and 日 a clerk fills in by hand has at least 8 mm of blank before it (10.5 pt: a full-width
    space is 3.7 mm, a half-width one 1.2 mm): "请于 年 月 日 前" with single spaces left no room."""
    import re

    from generator.render.forms.definitions import pair_forms, programme_forms, studio_forms

    forms = list(blank_forms(registry))
    forms += [f for s in registry.studios.values() for f in studio_forms(s, registry)]
    forms += [f for p in list(registry.pairs.values())[:10] for f in pair_forms(p, registry)]
    forms += [f for p in registry.programmes.values() for f in programme_forms(p, registry, p.start_year + 1, date(2026, 11, 22))]
    slots = 0
    for form in forms:
        for text in _strings(form):
            for run in re.finditer(r"(^|[^0-9０-９_])([ 　]+)(?=[年月日])", text):  # ____ is a line to write on
                width = sum(3.7 if c == "　" else 1.2 for c in run.group(2))
                assert width >= 8, f"{form.id}: “{text}” leaves {width:.1f} mm"
                slots += 1
    assert slots > 300


def test_a_district_studios_rectification_goes_to_the_hr_bureau(registry) -> None:  # type: ignore[no-untyped-def]
    """武昌办法第十九条: 区人力资源局 assesses 区级 studios (罗莹语文, 区级), each industry bureau its 系统内 ones
    (曹毅汉绣, 文化: 区文体旅广局). The notice sends the report, and is sealed, where the article says."""
    from generator.render.forms.reports import rectification_notice

    luo = registry.studios["luo-ying-chinese-studio"]
    failed = next(a for a in luo.assessments if a.result == "不合格")
    text = " ".join(_strings(rectification_notice(luo, failed, registry)))
    assert "书面报送区人力资源局" in text and "考核单位（区人力资源局）" in text and "区教育局" not in text
    cao = registry.studios["cao-yi-embroidery-studio"]
    assert "书面报送区文体旅广局" in " ".join(_strings(rectification_notice(cao, cao.assessments[0], registry)))


def test_offices_and_worded_tasks_come_from_the_programme_record(registry) -> None:  # type: ignore[no-untyped-def]
    """The offices on Wuchang's 考核表 are those its record names (``offices``, from 第十一、十五、十九条): 王强焊接 (区级)
    assessed by 区人力资源局, its 周期性 result confirmed by 区委人才办; a 过程性 one (罗莹 2017) has no confirmation box.
    A task the document words without a number (示范讲座: 定期 …) is printed in words, and 0 done is not met.
    Chongqing's record names no office: its form names none of Wuchang's."""
    from dataclasses import replace

    from generator.render.forms.definitions import studio_assessment as assessment_form
    from generator.render.forms.model import Grid

    wang, luo = registry.studios["wang-qiang-welding-studio"], registry.studios["luo-ying-chinese-studio"]
    periodic = " ".join(_strings(assessment_form(wang, 2017, registry)))
    assert "考核单位（区人力资源局）意见" in periodic and "审定单位（中共武昌区委人才工作领导小组办公室）意见" in periodic
    process = assessment_form(luo, 2017, registry)
    assert "审定单位" not in " ".join(_strings(process))
    lectures = next(row for b in process.blocks if isinstance(b, Grid) for row in b.rows if row[0].text == "示范讲座")
    assert [c.text for c in lectures[1:]] == ["定期在全区进行名师示范讲座及展示", "0", "否"]
    blank = " ".join(_strings(assessment_form(None, None, registry, programme=registry.programmes["wuchang-studios-2014"])))
    assert "区级：区人力资源局；其他：行业主管部门" in blank and "系统内：区人力资源局" in blank
    chongqing = " ".join(_strings(assessment_form(None, None, registry, programme=registry.programmes["chongqing-school-studios"])))
    assert "人力资源局" not in chongqing and "人才工作领导小组" not in chongqing
    wuchang = registry.programmes["wuchang-studios-2014"]
    bare = replace(wuchang, offices=[])
    registry.programmes["wuchang-studios-2014"] = bare
    try:  # without the record's offices the forms leave the office blank, never a built-in one
        assert "人力资源局" not in " ".join(_strings(assessment_form(wang, 2017, registry)))
    finally:
        registry.programmes["wuchang-studios-2014"] = wuchang


def test_no_filled_value_breaks_inside_a_word(registry) -> None:  # type: ignore[no-untyped-def]
    """Every value of every filled form of the sample (pairs, studios, units' reports, programmes' years) is
    printed whole: on one line at 10.5 pt, or set smaller (≥ 7 pt), or on lines of its own at its natural
    break points (至, ／, 、) — never "中共桃源县委农村工作办公|室", "高级技|师". Only prose (40 characters
    and more) wraps as prose does."""
    from generator.render.forms.definitions import pair_forms, programme_forms, studio_forms, unit_forms
    from generator.render.forms.model import BASE_PT, CELL_PADDING_MM, MIN_VALUE_PT, fitted_values, text_mm

    forms = [f for p in registry.pairs.values() for f in pair_forms(p, registry)]
    forms += [f for s in registry.studios.values() for f in studio_forms(s, registry)]
    forms += [f for p in registry.programmes.values() for y in range(p.start_year, p.start_year + 5)
              for f in programme_forms(p, registry, y, date(2026, 11, 22))]
    forms += unit_forms("taoyuan-hi-tech-zone", registry, 2024, date(2026, 11, 22)).forms
    broken, checked = [], 0
    for form in forms:
        for block in form.blocks:
            if not isinstance(block, Grid):
                continue
            widths = column_mm(block)
            for placed, fitted in zip(layout(block), fitted_values(block), strict=True):
                for (column, cell), (text, size) in zip(placed, fitted, strict=True):
                    if cell.kind != "value" or not cell.text or len(cell.text) >= 40:
                        continue
                    checked += 1
                    room = sum(widths[column:column + cell.colspan]) - CELL_PADDING_MM
                    scale = (size or BASE_PT) / BASE_PT
                    if (size is not None and size < MIN_VALUE_PT) or any(text_mm(line) * scale > room + 0.01 for line in text.split("\n")):
                        broken.append(f"{form.id}: {cell.text}")
    assert checked > 4000 and broken == []


def test_each_programmes_studio_forms_are_in_its_own_words(registry) -> None:  # type: ignore[no-untyped-def]
    """Chongqing's 考核表 follows its plan (年度考评, 发展改革研究室 评估, 学术委员会 认定, 不合格 → 撤销) with none of
    Wuchang's 过程性/周期性 or 整改期限; Wuchang's keeps them and its own grades; a programme without a report
    date (Wuchang) prints a blank 报送截止, never Taoyuan's 12月15日; Wuchang's report says 领办人, not 技能大师."""
    from generator.render.forms.definitions import studio_assessment
    from generator.render.forms.reports import studio_report

    wuchang, chongqing = registry.programmes["wuchang-studios-2014"], registry.programmes["chongqing-school-studios"]
    school = " ".join(_strings(studio_assessment(programme=chongqing)))
    assert "学术委员会认定意见" in school and "发展改革研究室" in school and "予以撤销" in school
    assert "过程性" not in school and "整改期限" not in school
    district = " ".join(_strings(studio_assessment(programme=wuchang)))
    assert "过程性" in district and "整改期限" in district and "学术委员会" not in district
    assert all(("□" + grade) in district for grade in wuchang.rules.assessment_results)
    assert not [g for g in ("优秀", "良好", "合格", "不合格") if g not in wuchang.rules.assessment_results and "□" + g in district]
    from generator.render.forms.definitions import studio_forms

    application = " ".join(_strings(studio_forms(registry.studios["cnc-turning-master-studio"], registry)[0]))
    for asked in ("成员简介", "所在系（部）对工作室的支持措施", "学术委员会审议意见", "骨干教师至少3人", "校内公示情况（公示期 3 天）"):
        assert asked in application, asked  # 重庆市工业学校方案 三（一）, 四（一）2, 四（二）
    he_ping = registry.studios["he-ping-acupuncture-studio"]
    report = studio_report(he_ping, 2017, registry)
    assert dict(report.header)["报送截止"] == "" and "技能大师" not in " ".join(_strings(report))
    assert "考核表" in " ".join(f.title for f in blank_forms(registry)) and sum(
        f.id.startswith("gongzuoshi-niandu-kaohebiao-") for f in blank_forms(registry)) == 2  # one per studio programme
