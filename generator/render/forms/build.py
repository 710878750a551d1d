"""Write forms to a folder in every format: the "forms" stage of the pipeline."""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from generator.render.forms.fonts import find_font, with_compact
from generator.render.forms.model import Form
from generator.render.forms.renderers import DocxRenderer, HtmlRenderer, PdfRenderer, Renderer

FORMATS = ("html", "pdf", "docx")
FILE_MODE = 0o644
# Below this many forms a second process costs more than it saves.
PARALLEL_FORMS = 40


@dataclass(frozen=True, slots=True)
class Written:
    form: Form
    files: dict[str, Path]  # extension -> file


def renderers(environ: Mapping[str, str], formats: Iterable[str] = FORMATS) -> list[Renderer]:
    """The renderers for these formats; raises FontNotFound before anything is written."""
    wanted = list(formats)
    font = find_font(environ) if {"html", "pdf"} & set(wanted) else None
    if font is not None and "pdf" in wanted:
        font = with_compact(font, environ)  # made (once) here, before any worker process starts
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


def _atomic(render: Callable[[Path], None], target: Path) -> None:
    """Render to a temporary name and rename: a failure never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        render(Path(tmp))
        os.chmod(tmp, FILE_MODE)  # mkstemp's 0600 would keep the file from the office's shared folder
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _write_all(forms: Sequence[Form], out: Path, made: list[Renderer], between: Callable[[], object] | None = None) -> list[Written]:
    files: dict[str, dict[str, Path]] = {form.id: {} for form in forms}
    for renderer in made:
        items = [(form, out / f"{form.id}.{renderer.extension}") for form in forms]
        for form, target in items:
            _atomic(functools.partial(renderer.render, form), target)
            if between is not None:
                between()
        for form, target in items:
            files[form.id][renderer.extension] = target
    return [Written(form, files[form.id]) for form in forms]


# Each worker process builds its renderers once (fonts loaded once per process).
_WORKER: tuple[list[Renderer], Path] | None = None


def _start_worker(environ: dict[str, str], formats: tuple[str, ...], out: Path) -> None:
    global _WORKER
    _WORKER = (renderers(environ, formats), out)


def _worker_share(forms: list[Form]) -> list[Written]:
    assert _WORKER is not None
    return _write_all(forms, _WORKER[1], _WORKER[0])


def write_forms(forms: Iterable[Form], out: Path, environ: Mapping[str, str], formats: Iterable[str] = FORMATS,
                jobs: int = 1, between: Callable[[], object] | None = None) -> list[Written]:
    """Write every form in every format; with ``jobs`` > 1, in that many processes. In one process,
    ``between`` is called after each file (the site's build starts its search indexer from there)."""
    chosen, todo = tuple(formats), list(forms)
    made = renderers(environ, chosen)  # fails early, in this process, when the font is missing
    out.mkdir(parents=True, exist_ok=True)
    if jobs < 2 or len(todo) < PARALLEL_FORMS:
        return _write_all(todo, out, made, between)
    shares = [todo[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"), initializer=_start_worker,
                             initargs=(dict(environ), chosen, out)) as pool:
        results = list(pool.map(_worker_share, shares))
    # Back in the forms' own order.
    order = {id(f): i for i, f in enumerate(todo)}
    by_id = {w.form.id: w for share in results for w in share}
    return [by_id[f.id] for f in sorted(todo, key=lambda f: order[id(f)])]


def _merged_share(groups: list[tuple[str, list[Form]]], out: Path, pdf: PdfRenderer) -> list[Path]:
    for stem, forms in groups:
        title = stem.replace("_", " ")  # taoyuan-demo-motor 桃源示例电机有限公司 结对协议全套打印
        _atomic(functools.partial(pdf.render_merged, forms, title=title), out / f"{stem}.pdf")
    return [out / f"{stem}.pdf" for stem, _ in groups]


def _merged_worker(groups: list[tuple[str, list[Form]]]) -> list[Path]:
    assert _WORKER is not None
    pdf = next(r for r in _WORKER[0] if isinstance(r, PdfRenderer))
    return _merged_share(groups, _WORKER[1], pdf)


def write_merged(groups: Sequence[tuple[str, list[Form]]], out: Path, environ: Mapping[str, str], jobs: int = 1) -> list[Path]:
    """One PDF a group (a pair's whole set, a unit's pairs) for printing in one go."""
    made = renderers(environ, ("pdf",))
    out.mkdir(parents=True, exist_ok=True)
    todo = list(groups)
    if jobs < 2 or len(todo) < 2:
        return _merged_share(todo, out, next(r for r in made if isinstance(r, PdfRenderer)))
    shares = [todo[i::jobs] for i in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"), initializer=_start_worker,
                             initargs=(dict(environ), ("pdf",), out)) as pool:
        results = list(pool.map(_merged_worker, shares))
    return sorted(path for share in results for path in share)
