"""Three renderers behind one interface: printable HTML, PDF (WeasyPrint, from the
same HTML and CSS, with the Chinese font embedded as a subset) and DOCX (python-docx).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.render.forms.fonts import BROWSER_FALLBACK, ChineseFont
from generator.render.forms.model import Form, Grid, fitted_values
from generator.resources import TEMPLATE_DIR

TEMPLATES = TEMPLATE_DIR / "forms"
CREATOR = "匠谱 jiangpu"
# PDF/A-2b: fonts embedded, colours defined, metadata in XMP too; costs ~10 % of a form's time.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/a-2b"}


class Renderer(Protocol):
    extension: str

    def render(self, form: Form, target: Path) -> None: ...


def _blocks(form: Form) -> list[dict[str, Any]]:
    """Blocks as the HTML template reads them: grid widths in percent."""
    result: list[dict[str, Any]] = []
    for block in form.blocks:
        if isinstance(block, Grid):
            total = sum(block.widths)
            fits = fitted_values(block)  # values set to keep their words whole (model.fit_value)
            rows = [[(replace(cell, text=text) if text != cell.text else cell, size) for cell, (text, size) in zip(row, fit, strict=True)]
                    for row, fit in zip(block.rows, fits, strict=True)]
            result.append({"grid": True, "rows": rows, "head": block.head, "caption": block.caption,
                           "widths": [round(100 * w / total, 2) for w in block.widths]})
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

    def html(self, form: Form, printing: bool = False, batch: Form | None = None, more: Sequence[Form] = ()) -> str:
        """The form as HTML; ``printing`` adds the local font files for WeasyPrint. The HTML
        files people open name font families only: a file:// address means nothing on the site.
        ``more`` forms follow on pages of their own, in one document described by ``batch``."""
        if printing:
            font_css = self.font.css() + f":root {{ --jp-font: {self.font.stack()}; }}"
        else:
            font_css = f':root {{ --jp-font: "{self.font.family}", {BROWSER_FALLBACK}; }}'
        # Ours (family names from fontconfig or our constants, file URIs): escaped, their quotes
        # would make WeasyPrint drop the rules and print in a fallback font.
        items = [(f, _blocks(f), qr_svg(f.qr)) for f in (form, *more)]
        return self._env.get_template("form.html.j2").render(
            items=items, css=self._css, font_css=Markup(font_css), meta=_metadata(batch or form), printing=printing)

    def render(self, form: Form, target: Path) -> None:
        target.write_text(self.html(form), encoding="utf-8")


QUIET_ZONE = 4  # modules (ISO/IEC 18004)


def qr_svg(address: str) -> Markup:
    """The address as an inline SVG QR code (segno: no image library), or nothing."""
    if not address:
        return Markup("")
    import segno

    code = segno.make(address, error="m", micro=False)
    # The standard's quiet zone of four modules: a scanner finds the code only with white around it.
    return Markup(code.svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, svgclass="qr", title=None))


def _metadata(form: Form) -> dict[str, str]:
    """What WeasyPrint writes into the PDF's document information (and PDF/A's XMP):
    title with the record it was filled from, purpose, issuing office, the record's date."""
    title = form.title + form.subtitle + (f"（{form.attachment}）" if form.attachment else "")
    record = "、".join(form.meta.values())
    found = {"title": title + (f" {record}" if record else ""), "description": form.purpose, "generator": CREATOR}
    if form.author:
        found["author"] = form.author
    if form.created:
        found["dcterms.created"] = found["dcterms.modified"] = form.created.isoformat()
    return found


@dataclass
class PdfRenderer:
    """WeasyPrint from the HTML renderer's output, one document a file, as PDF/A-2b: each file
    embeds the glyphs of its own text only (from the compact font), and its metadata."""

    html: HtmlRenderer
    extension: str = "pdf"
    _fonts: Any = field(init=False, repr=False, default=None)

    def _layout(self, form: Form) -> Any:
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            self._fonts = FontConfiguration()
        return HTML(string=self.html.html(form, printing=True), base_url=str(TEMPLATES)).render(font_config=self._fonts)

    def render(self, form: Form, target: Path) -> None:
        target.write_bytes(self._layout(form).write_pdf(**PDF_OPTIONS))

    def render_merged(self, forms: list[Form], target: Path, title: str = "") -> None:
        """Several forms in one file for batch printing (a pair's whole set, a unit's pairs), laid out
        as one document: paged 第 x 页 共 y 页 through the file, each form from a new page with its
        own running head, titled for the batch and dated by its newest record."""
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            self._fonts = FontConfiguration()
        dates = [f.created for f in forms if f.created]
        batch = replace(forms[0], title=title or forms[0].title, subtitle="", attachment="", meta={},
                        purpose=f"合并打印：{len(forms)} 份表格", created=max(dates) if dates else None)
        html = self.html.html(forms[0], printing=True, batch=batch, more=forms[1:])
        target.write_bytes(HTML(string=html, base_url=str(TEMPLATES)).render(font_config=self._fonts).write_pdf(**PDF_OPTIONS))


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
