"""Nothing is ever dropped: every form, fed the longest content a real registry holds, prints
every value in the PDF, the Word file and the HTML.

The long registry is the sample with its records stretched: four-character names, a unit
name of 38 characters, a master with fifteen honours, agreements with six stages of long
plans, a studio of twelve members with every yearly measure, 300 talents in one year.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from generator.model.entities import Honour, Registry, Stage, TalentEntry, YearResult
from generator.render.forms.build import write_forms
from generator.render.forms.definitions import pair_forms, pair_set, programme_forms, studio_forms
from generator.render.forms.model import Form, Grid, Text
from generator.validate.engine import validate
from tests.conftest import REPO
from tests.render.test_forms import _squash, docx_text, html_text, pdfium

LONG_UNIT = "桃源县示例高新技术产业开发区电机电器装备制造产业园区管理委员会工会联合会"
PLAN = ("围绕电机定子绕组嵌线、转子动平衡校正、整机装配与出厂试验等关键工序，由师傅现场示范讲解、徒弟跟岗实操，"
        "每周不少于两次集中讲授与一次实操考核，建立培养台账，按月记录学习进度、存在问题和改进措施。")


def _long_registry(registry: Registry) -> Registry:
    """The sample with one pair, one master, one studio and one talent programme stretched."""
    pair = registry.pairs["taoyuan-2020-001"]
    master = registry.masters[pair.master]
    unit = registry.units[pair.unit]
    registry.units[unit.id] = replace(unit, name=LONG_UNIT)
    honours = [Honour(f"第{i}届全国电机装配职业技能竞赛一等奖暨全国技术能手称号", "国家级", 2000 + i) for i in range(1, 16)]
    registry.masters[master.id] = replace(master, name="欧阳建国", title="正高级工程师", department="电机事业部总装车间定子绕组工段",
                                          post="工段长兼首席技师", honours=honours,
                                          private={**master.private, "phone": "0736-12345678转8001", "employee_no": "TY-HT-2020-000123"})
    stages = [Stage(title=f"第{i}阶段", start=date(2020 + i // 2, 3, 10), end=date(2020 + i // 2, 9, 9), plan=PLAN * 3,
                    summary=PLAN * 2, master_comment=PLAN, group_comment=PLAN, reported=date(2020 + i // 2, 9, 20))
              for i in range(1, 7)]
    apprentice = replace(pair.apprentice, name="司马晓东", trade="电机装配工（定子绕组嵌线）", title="助理工程师",
                         department="电机事业部总装车间定子绕组工段", post="嵌线工")
    registry.pairs[pair.id] = replace(pair, apprentice=apprentice, goal=PLAN * 4, stages=stages, department="电机事业部总装车间定子绕组工段")

    studio = registry.studios["he-ping-acupuncture-studio"]
    team = sorted(m for m in registry.masters if m not in (studio.leader,))[:12]
    results = [YearResult(y, 3, 1200, 4, 2, 6, 3, 2) for y in range(2017, 2021)]
    registry.studios[studio.id] = replace(studio, name="武昌区中医针灸推拿康复与慢性疼痛综合治疗名师工作室", members=team,
                                          description=PLAN * 10, results=results, learners=120)

    nanxun = next(p for p in registry.programmes.values() if p.kind == "talent")
    tiers = [t.name for t in nanxun.tiers]
    for i, m in enumerate(sorted(registry.masters)[:300]):
        registry.masters[m] = replace(registry.masters[m], talent=[TalentEntry(nanxun.id, tiers[i % len(tiers)], nanxun.start_year)])
    return registry


def _values(form: Form) -> list[str]:
    """Every filled-in value the form carries, as it must be found in print (white space aside)."""
    found = [text for _, text in form.header if text]
    for block in form.blocks:
        if isinstance(block, Grid):
            for row in block.rows:
                found += [cell.text if cell.kind == "value" else cell.value for cell in row if cell.kind in ("value", "box")]
        elif isinstance(block, Text):
            found += [text for _, text in block.items]
    return [_squash(v) for v in found if _squash(v)]


def _pdf_body(path: Path, running: str) -> str:
    """The PDF's text without what each page adds (page numbers, the continuation title),
    so a value running over a page break reads as one."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        # PDFium marks a hyphen it found at the end of a line as U+FFFE: it is the printed "-"
        pages = [_squash(pdf[i].get_textpage().get_text_range()).replace("\ufffe", "-") for i in range(len(pdf))]
    finally:
        pdf.close()
    cleaned = [re.sub(r"第\d+页共\d+页", "", page).replace(_squash(running), "", 1) if i else
               re.sub(r"第\d+页共\d+页", "", page) for i, page in enumerate(pages)]
    return "".join(cleaned)


@pytest.fixture(scope="module")
def long_forms() -> list[Form]:
    registry = _long_registry(validate(REPO / "records", today=date(2026, 11, 22), jobs=1).registry)
    forms = pair_set(registry.pairs["taoyuan-2020-001"], registry)
    forms += [f for f in pair_forms(registry.pairs["taoyuan-2020-001"], registry) if "出师" in f.id]
    forms += studio_forms(registry.studios["he-ping-acupuncture-studio"], registry)
    forms += studio_forms(registry.studios["cnc-turning-master-studio"], registry)[:1]
    forms += studio_forms(registry.studios["luo-ying-chinese-studio"], registry)
    for programme in sorted(registry.programmes.values(), key=lambda p: p.id):
        forms += programme_forms(programme, registry, programme.start_year + (2 if programme.kind == "pairing" else 0),
                                 date(2026, 11, 22))
    return forms


def test_the_long_registry_really_is_long(long_forms: list[Form]) -> None:
    """The fixture must stretch what it says it stretches, or the test below proves little."""
    text = "".join("".join(_values(f)) for f in long_forms)
    assert LONG_UNIT in text and "司马晓东" in text and text.count(_squash(PLAN)) >= 40
    assert sum(f.title == "技能人才考核津贴发放汇总表" for f in long_forms) == 1


def test_every_value_of_every_form_is_printed_in_every_format(tmp_path: Path, long_forms: list[Form]) -> None:
    written = write_forms(long_forms, tmp_path, os.environ, jobs=2)
    missing: list[str] = []
    for item in written:
        texts = {"pdf": _pdf_body(item.files["pdf"], item.form.continuation()), "docx": _squash(docx_text(item.files["docx"])),
                 "html": _squash(html_text(item.files["html"]))}
        for fmt, text in texts.items():
            missing += [f"{item.form.id}.{fmt}: {v[:30]}…" for v in _values(item.form) if v not in text]
    assert missing == []


def test_every_page_after_the_first_says_which_form_and_agreement_it_belongs_to(tmp_path: Path, long_forms: list[Form]) -> None:
    """A loose page 2 of a long 附件1 names the form and its 协议编号 (PDF running head, Word header on all
    pages but the first); a pair's merged print is paged through the file and titled for the batch."""
    from docx import Document

    from generator.render.forms.build import write_merged

    written = write_forms(long_forms, tmp_path, os.environ, ("pdf", "docx"), jobs=2)
    agreement = next(w for w in written if w.form.attachment == "附件1")
    assert "协议编号：taoyuan-2020-001" in agreement.form.continuation()
    pdf = pdfium.PdfDocument(str(agreement.files["pdf"]))
    try:
        pages = [_squash(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()
    assert len(pages) >= 2, "the stretched 附件1 runs over a page"
    assert _squash(agreement.form.continuation()) not in pages[0]
    assert all(_squash(agreement.form.continuation()) in page for page in pages[1:])
    long_pages = [w for w in written if len(pdfium.PdfDocument(str(w.files["pdf"]))) > 1]
    assert len(long_pages) >= 3
    section = Document(str(agreement.files["docx"])).sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == agreement.form.continuation()
    assert not "".join(p.text for p in section.first_page_header.paragraphs)
    forms = [f for f in long_forms if f.meta.get("pair") == "taoyuan-2020-001"]
    (merged,) = write_merged([("taoyuan-2020-001_全套打印", forms)], tmp_path / "merged", os.environ)
    pdf = pdfium.PdfDocument(str(merged))
    try:
        total = len(pdf)
        numbers = [re.findall(r"第(\d+)页共(\d+)页", _squash(pdf[i].get_textpage().get_text_range())) for i in range(total)]
        title = pdf.get_metadata_dict().get("Title")
    finally:
        pdf.close()
    assert numbers == [[(str(i + 1), str(total))] for i in range(total)] and total > len(forms)
    assert title == "taoyuan-2020-001 全套打印"

