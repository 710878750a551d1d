"""Write forms to a folder in every format: the "forms" stage of the pipeline."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from generator.render.forms.fonts import find_font
from generator.render.forms.model import Form
from generator.render.forms.renderers import DocxRenderer, HtmlRenderer, PdfRenderer, Renderer

FORMATS = ("html", "pdf", "docx")


@dataclass(frozen=True, slots=True)
class Written:
    form: Form
    files: dict[str, Path]  # extension -> file


def renderers(environ: Mapping[str, str], formats: Iterable[str] = FORMATS) -> list[Renderer]:
    """The renderers for these formats; raises FontNotFound before anything is written."""
    wanted = list(formats)
    font = find_font(environ) if {"html", "pdf"} & set(wanted) else None
    made: list[Renderer] = []
    html = HtmlRenderer(font) if font else None
    for fmt in wanted:
        if fmt == "html" and html:
            made.append(html)
        elif fmt == "pdf" and html:
            made.append(PdfRenderer(html))
        elif fmt == "docx":
            made.append(DocxRenderer())
    return made


def _atomic(renderer: Renderer, form: Form, target: Path) -> None:
    """Render to a temporary name and rename: a failure never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        renderer.render(form, Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_forms(forms: Iterable[Form], out: Path, made: list[Renderer]) -> list[Written]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for form in forms:
        files = {}
        for renderer in made:
            target = out / f"{form.id}.{renderer.extension}"
            _atomic(renderer, form, target)
            files[renderer.extension] = target
        written.append(Written(form, files))
    return written
