"""Three renderers behind one interface: printable HTML, PDF (WeasyPrint, from the
same HTML and CSS, with the Chinese font embedded as a subset) and DOCX (python-docx).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.render.forms.fonts import ChineseFont
from generator.render.forms.model import Form, Grid
from generator.render.forms.pdfinfo import Info, with_info
from generator.resources import TEMPLATE_DIR

TEMPLATES = TEMPLATE_DIR / "forms"


class Renderer(Protocol):
    extension: str

    def render(self, form: Form, target: Path) -> None: ...


def _blocks(form: Form) -> list[dict[str, Any]]:
    """Blocks as the HTML template reads them: grid widths in percent."""
    result: list[dict[str, Any]] = []
    for block in form.blocks:
        if isinstance(block, Grid):
            total = sum(block.widths)
            result.append({"grid": True, "rows": block.rows, "widths": [round(100 * w / total, 2) for w in block.widths]})
        else:
            result.append({"grid": False, "paragraphs": block.items})
    return result


@dataclass
class HtmlRenderer:
    font: ChineseFont
    extension: str = "html"
    _env: Environment = field(init=False, repr=False)
    _css: Markup = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        # The project's own style sheet, placed in <style> as it is: escaping would turn its quotes
        # into &#34; and the browser or WeasyPrint would drop every rule that has one.
        self._css = Markup((TEMPLATES / "form.css").read_text(encoding="utf-8"))

    def html(self, form: Form) -> str:
        return self._env.get_template("form.html.j2").render(
            form=form, blocks=_blocks(form), css=self._css, font_css=self.font.css(), font_family=self.font.family)

    def render(self, form: Form, target: Path) -> None:
        target.write_text(self.html(form), encoding="utf-8")


@dataclass
class PdfRenderer:
    """WeasyPrint from the HTML renderer's output; fonts are loaded once per renderer."""

    html: HtmlRenderer
    extension: str = "pdf"
    _fonts: Any = field(init=False, repr=False, default=None)

    def _layout(self, form: Form) -> Any:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            self._fonts = FontConfiguration()
        return HTML(string=self.html.html(form), base_url=str(TEMPLATES)).render(font_config=self._fonts)

    def render(self, form: Form, target: Path) -> None:
        target.write_bytes(with_info(self._layout(form).write_pdf(), info(form)))

    def render_batch(self, items: list[tuple[Form, Path]]) -> None:
        """Several forms at once: laid out one by one, written as one PDF (the font is
        subset and compressed once), then split into a file per form: a third faster."""
        import pypdfium2

        documents = [self._layout(form) for form, _ in items]
        pages = [page for document in documents for page in document.pages]
        combined = pypdfium2.PdfDocument(documents[0].copy(pages).write_pdf())
        start = 0
        try:
            for document, (form, target) in zip(documents, items, strict=True):
                single = pypdfium2.PdfDocument.new()
                single.import_pages(combined, list(range(start, start + len(document.pages))))
                buffer = io.BytesIO()
                single.save(buffer)
                single.close()
                target.write_bytes(with_info(_stable_pdf(buffer.getvalue()), info(form)))
                start += len(document.pages)
        finally:
            combined.close()


def info(form: Form) -> Info:
    title = form.title + form.subtitle + (f"（{form.attachment}）" if form.attachment else "")
    record = "、".join(form.meta.values())
    return Info(title=title + (f" {record}" if record else ""), subject=form.purpose, author=form.author, created=form.created)


_CREATED = re.compile(rb"(/CreationDate\(D:)\d{14}")
_ID = re.compile(rb"/ID\[<[0-9A-Fa-f]{32}><[0-9A-Fa-f]{32}>\]")


def _stable_pdf(data: bytes) -> bytes:
    """PDFium stamps the clock into /CreationDate and the file /ID: put a fixed date and a
    hash of the content in their place (same lengths, so the cross-reference table stays
    right), so the same records give the same bytes."""
    data = _CREATED.sub(rb"\g<1>20000101000000", data)
    digest = hashlib.md5(_ID.sub(b"", data), usedforsecurity=False).hexdigest().upper().encode()
    return _ID.sub(b"/ID[<" + digest + b"><" + digest + b">]", data)


@dataclass
class DocxRenderer:
    """python-docx: A4, the East Asian font set explicitly (python-docx sets only the Latin one),
    merged cells as on paper."""

    east_asia_font: str = "宋体"
    latin_font: str = "Times New Roman"
    extension: str = "docx"

    def render(self, form: Form, target: Path) -> None:
        from generator.render.forms import docx_writer

        docx_writer.write(form, target, east_asia=self.east_asia_font, latin=self.latin_font)
