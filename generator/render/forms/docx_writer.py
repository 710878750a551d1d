"""Write a :class:`Form` as a Word document with python-docx."""

from __future__ import annotations

import io
import math
import struct
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.shared import Emu, Mm, Pt
from docx.table import _Cell

from generator.render.forms.model import CELL_PADDING_MM, WIDE_CHAR_MM, Cell, Form, Grid, Text, column_mm, fit_value, layout, text_mm

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(15)
# Document dates when the caller gives none: files stay byte-identical from run to run.
FIXED_TIME = datetime(2000, 1, 1)
MIN_ROW_MM = 8  # a row of a printed form: room for one line of handwriting


def _set_fonts(element: object, east_asia: str, latin: str) -> None:
    """python-docx's ``font.name`` sets only the Latin slots: add w:eastAsia for Chinese."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _set_language(element: object) -> None:
    """Chinese (zh-CN) as the text's language, so Word checks and breaks it as Chinese."""
    rpr = element.get_or_add_rPr()  # type: ignore[attr-defined]
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for slot in ("w:val", "w:eastAsia"):
        lang.set(qn(slot), "zh-CN")


def _document(east_asia: str, latin: str) -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    # python-docx's template is US Letter: set A4 explicitly.
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = Mm(14)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_fonts(normal.element, east_asia, latin)
    _set_language(normal.element)
    normal.paragraph_format.space_after = Pt(0)
    return doc


def _paragraph(container: object, text: str, *, bold: bool = False, size: float | None = None,
               align: int | None = None, first: bool = False) -> None:
    """A paragraph; ``first`` reuses a table cell's initial empty one. Newlines become line breaks."""
    para = container.paragraphs[0] if first else container.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        para.alignment = align
    lines = text.split("\n") if text else []  # an empty paragraph: a line to write on, no run
    for i, line in enumerate(lines):
        run = para.add_run(line)
        if bold:  # only when set: python-docx writes w:b even for False, and it costs a third of the time
            run.bold = True
        if size:
            run.font.size = Pt(size)
        if i < len(lines) - 1:
            run.add_break()


LINE_MM = 4.8  # a line of 10.5 pt text in Word, single spacing


def _spacer_lines(cell: Cell, width_mm: float) -> int:
    """Empty lines between a box's content and its signature lines, so that 签字/盖章 and
    年 月 日 sit at the foot of the box as on paper (a Word cell has one vertical alignment)."""
    room = max(width_mm - CELL_PADDING_MM, WIDE_CHAR_MM)
    used = 1 + len(cell.sign) + sum(max(1, math.ceil(text_mm(line) / room)) for line in cell.value.split("\n") if cell.value)
    return max(0, int((cell.height_mm - 2) / LINE_MM) - used)


def _fill(target: _Cell, cell: Cell, width_mm: float, size: float | None = None) -> None:
    if cell.kind == "section":
        _paragraph(target, "\n".join(cell.text), align=WD_ALIGN_PARAGRAPH.CENTER, first=True)
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    elif cell.kind == "box":
        _paragraph(target, cell.text, first=True)
        if cell.value:
            _paragraph(target, cell.value)
        for _ in range(_spacer_lines(cell, width_mm) if cell.sign else 0):
            _paragraph(target, "")
        for line in cell.sign:
            _paragraph(target, line + "　" * 4, align=WD_ALIGN_PARAGRAPH.RIGHT)
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    else:
        align = WD_ALIGN_PARAGRAPH.CENTER if cell.kind == "label" else None
        _paragraph(target, cell.text, align=align, first=True, size=size)
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _segments(grid: Grid) -> list[list[tuple[int, Cell, bool]]]:
    """Each row as (column, cell, continues-a-rowspan-from-above), in column order."""
    rows: list[list[tuple[int, Cell, bool]]] = []
    active: dict[int, tuple[Cell, int]] = {}  # column -> (cell, rows still to cover)
    for items in layout(grid):
        row = [(column, cell, False) for column, cell in items] + [(c, cell, True) for c, (cell, _) in active.items()]
        rows.append(sorted(row, key=lambda seg: seg[0]))
        active = {c: (cell, left - 1) for c, (cell, left) in active.items() if left > 1}
        active.update({column: (cell, cell.rowspan - 1) for column, cell in items if cell.rowspan > 1})
    return rows


def _grid(doc: DocxDocument, grid: Grid) -> None:
    """Merged cells written directly as gridSpan and vMerge: python-docx's ``cell()`` and
    ``merge()`` walk the whole table each time, which made one form take a quarter second."""
    table = doc.add_table(rows=len(grid.rows), cols=len(grid.widths))
    table.style = "Table Grid"
    table.autofit = False
    usable = PAGE_WIDTH - 2 * MARGIN
    total = sum(grid.widths)
    widths = [int(usable * w / total) for w in grid.widths]
    mm = column_mm(grid)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for r, segments in enumerate(_segments(grid)):
        row = table.rows[r]
        tr = row._tr
        for tc in list(tr.tc_lst):
            tr.remove(tc)
        # At least a line to write on by hand, as on the paper form; a row never splits over two pages.
        tallest = max((cell.height_mm for _, cell, cont in segments if not cont), default=0)
        row.height, row.height_rule = Mm(max(tallest, MIN_ROW_MM)), WD_ROW_HEIGHT_RULE.AT_LEAST
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if r < grid.head:  # heading rows repeat at the top of every page the table runs to
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for column, cell, continues in segments:
            tc = CT_Tc.new()
            tr.append(tc)
            tc.width = Emu(sum(widths[column:column + cell.colspan]))
            if cell.colspan > 1:
                tc.grid_span = cell.colspan
            if cell.rowspan > 1:
                tc.vMerge = "continue" if continues else "restart"
            if not continues:
                text, size = fit_value(cell.text, sum(mm[column:column + cell.colspan])) if cell.kind == "value" else (cell.text, None)
                _fill(_Cell(tc, table), replace(cell, text=text) if text != cell.text else cell, sum(mm[column:column + cell.colspan]), size)


def _qr(doc: DocxDocument, address: str) -> None:
    """The QR code to the record's public page, 16 mm, at the top left (PNG by segno)."""
    import segno

    image = io.BytesIO()
    segno.make(address, error="m", micro=False).save(image, kind="png", scale=8, border=4)  # the quiet zone
    image.seek(0)
    para = doc.add_paragraph()
    para.add_run().add_picture(image, width=Mm(16))
    _paragraph(doc, "扫码看公开页面", size=6)


def _field(paragraph: object, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the pages out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # type: ignore[attr-defined]


def _page_numbers(doc: DocxDocument) -> None:
    """第 X 页 共 Y 页 at the foot of every page (the first page has a footer of its own)."""
    section = doc.sections[0]
    for footer in (section.footer, section.first_page_footer):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run("第 ")
        _field(paragraph, "PAGE")
        paragraph.add_run(" 页 共 ")
        _field(paragraph, "NUMPAGES")
        paragraph.add_run(" 页")


def _continuation(doc: DocxDocument, form: Form) -> None:
    """The form's name (and a pair's 协议编号) at the head of every page but the first, as in the PDF."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(form.continuation())
    run.font.size = Pt(9)


def _text(doc: DocxDocument, block: Text) -> None:
    for kind, text in block.items:
        if kind == "r":
            _paragraph(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        elif kind == "h":
            _paragraph(doc, text, bold=True, size=12)
        else:
            para = doc.add_paragraph(text)
            para.paragraph_format.first_line_indent = Pt(21)


def _stamp(path: Path, when: datetime) -> None:
    """Put a fixed time on every entry of the saved package: python-docx stamps each with the
    clock, and the same records must give the same bytes. The DOS date and time fields of the
    local headers and the central directory are patched in place; nothing is compressed again."""
    data = bytearray(path.read_bytes())
    dos_date = (max(when.year, 1980) - 1980) << 9 | when.month << 5 | when.day
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        entries, offset = archive.infolist(), archive.start_dir
    for entry in entries:
        struct.pack_into("<HH", data, entry.header_offset + 10, 0, dos_date)
    for _ in entries:
        if data[offset:offset + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip layout from python-docx")
        struct.pack_into("<HH", data, offset + 12, 0, dos_date)
        name, extra, comment = struct.unpack_from("<HHH", data, offset + 28)
        offset += 46 + name + extra + comment
    path.write_bytes(bytes(data))


def write(form: Form, target: Path, *, east_asia: str, latin: str, when: datetime = FIXED_TIME) -> None:
    doc = _document(east_asia, latin)
    if form.qr:
        _qr(doc, form.qr)
    if form.attachment:
        _paragraph(doc, form.attachment, size=12)
    _paragraph(doc, form.title, bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER)
    if form.subtitle:
        _paragraph(doc, form.subtitle, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for caption, text in form.header:
        _paragraph(doc, f"{caption}：{text or '　' * 8}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    previous = None
    for block in form.blocks:
        if isinstance(block, Grid) and block.caption:
            _paragraph(doc, block.caption, bold=True, size=12)
        elif isinstance(block, Grid) and isinstance(previous, Grid):
            _paragraph(doc, "")  # Word joins two tables that touch into one
        _grid(doc, block) if isinstance(block, Grid) else _text(doc, block)
        previous = block
    for note in form.notes:
        _paragraph(doc, note, size=9.5)
    _page_numbers(doc)
    _continuation(doc, form)
    props = doc.core_properties
    props.title, props.author, props.comments = form.title + form.subtitle, form.author or "匠谱", form.purpose
    if form.created is not None:  # the record's own date, as in the PDF
        when = datetime(form.created.year, form.created.month, form.created.day, tzinfo=when.tzinfo)
    props.created = props.modified = when
    props.last_modified_by = "匠谱"
    doc.save(str(target))
    _stamp(target, when)
