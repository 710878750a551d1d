"""What a form is, independent of how it is printed.

A form is a title and a list of blocks: grids (tables with merged cells, as
on the paper forms) and text. Each form is defined once, by a function in
``definitions.py`` that fills its cells from data, or leaves them blank;
the HTML, PDF and DOCX renderers all read the same :class:`Form`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from generator.characters import strip_unwanted

CellKind = Literal["label", "value", "section", "box"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a grid.

    ``label`` cells hold the printed caption; ``value`` cells what is filled in
    (empty on a blank form); ``section`` cells are the vertical headings
    (师傅基本情况); ``box`` cells are large areas with a caption at the top and,
    optionally, signature lines at the bottom (意见、签字、盖章).
    """

    text: str = ""
    kind: CellKind = "label"
    colspan: int = 1
    rowspan: int = 1
    height_mm: float = 0
    value: str = ""  # for "box" cells: the filled-in content under the caption
    sign: tuple[str, ...] = ()  # lines printed at the bottom right of a box, e.g. ("签字：", "年  月  日")

    def __post_init__(self) -> None:
        # Behind the gate's text.control: no control character ever reaches Word's XML or a PDF.
        object.__setattr__(self, "text", strip_unwanted(self.text))
        object.__setattr__(self, "value", strip_unwanted(self.value))


def label(text: str, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(text, "label", colspan, rowspan)


def value(text: str = "", colspan: int = 1, rowspan: int = 1, height_mm: float = 0) -> Cell:
    return Cell(text, "value", colspan, rowspan, height_mm)


def section(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, "section", colspan, rowspan)


def box(caption: str, content: str = "", colspan: int = 1, height_mm: float = 30, sign: tuple[str, ...] = ()) -> Cell:
    return Cell(caption, "box", colspan, 1, height_mm, content, sign)


@dataclass(frozen=True, slots=True)
class Grid:
    widths: tuple[float, ...]  # relative column widths
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    head: int = 0  # the first rows are the table's heading: repeated on every page it runs to


@dataclass(frozen=True, slots=True)
class Text:
    """A text page (附件2): headings ("h"), paragraphs ("p"), and lines set right ("r": the issuing
    office and date under a notice)."""

    items: tuple[tuple[Literal["h", "p", "r"], str], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple((style, strip_unwanted(line)) for style, line in self.items))


Block = Grid | Text


@dataclass(frozen=True, slots=True)
class Form:
    id: str  # file name stem, e.g. "fujian1-jieduizi-xieyibiao"
    title: str
    purpose: str  # one line for the download page
    blocks: tuple[Block, ...]
    attachment: str = ""  # 附件1 …
    subtitle: str = ""
    header: tuple[tuple[str, str], ...] = ()  # (caption, value) line above the grid, e.g. 填表日期
    notes: tuple[str, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)  # e.g. the record a filled form came from
    author: str = ""  # the issuing unit, for the PDF's document information
    created: date | None = None  # the record's own date (signing, founding), never the clock
    group: str = ""  # where the download page lists it: 师徒结对, 工作室, 技能人才
    qr: str = ""  # the public page of the record a filled form came from, printed as a QR code

    def labels(self) -> list[str]:
        """Every printed caption: what a reader expects to find on the paper form."""
        found = [self.title]
        for block in self.blocks:
            if isinstance(block, Grid):
                found += [c.text for row in block.rows for c in row if c.kind != "value" and c.text]
            else:
                found += [text for kind, text in block.items if kind == "h"]
        found += [caption for caption, _ in self.header]
        return found

    def continuation(self) -> str:
        """What heads every page after the first, in PDF, Word and HTML print: the form's name and,
        for a pair's forms, its 协议编号, so that a loose second page still says whose it is."""
        number = f"　协议编号：{self.meta['pair']}" if "pair" in self.meta else ""
        return f"{self.attachment + '　' if self.attachment else ''}{self.title}{self.subtitle}（续页）{number}"


def layout(grid: Grid) -> list[list[tuple[int, Cell]]]:
    """Place cells on the grid: for each row, (column index, cell), skipping columns
    covered by a rowspan from above. Shared by the renderers that need coordinates."""
    covered: dict[tuple[int, int], bool] = {}
    placed: list[list[tuple[int, Cell]]] = []
    width = len(grid.widths)
    for r, row in enumerate(grid.rows):
        column, items = 0, []
        for cell in row:
            while covered.get((r, column)):
                column += 1
            if column + cell.colspan > width:
                raise ValueError(f"row {r} of a grid is wider than its {width} columns")
            items.append((column, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    covered[(r + dr, column + dc)] = True
            column += cell.colspan
        while covered.get((r, column)):
            column += 1
        if column != width:
            raise ValueError(f"row {r} of a grid covers {column} of its {width} columns")
        placed.append(items)
    return placed


# Print measures (A4 less 15 mm margins; 10.5 pt text) for checking that a label fits its cell.
USABLE_MM = 180.0
WIDE_CHAR_MM = 3.75  # a Chinese character or full-width sign at 10.5 pt
NARROW_CHAR_MM = 2.0  # a Latin letter, digit or half-width sign
CELL_PADDING_MM = 3.6  # both sides' padding and the borders


def text_mm(line: str) -> float:
    # Chinese fonts draw symbols (≤, ■, №, ①) full width: only Latin, Greek and Cyrillic are narrow.
    return sum(NARROW_CHAR_MM if ord(char) < 0x2000 else WIDE_CHAR_MM for char in line)


BASE_PT = 10.5
MIN_VALUE_PT = 7.0  # the smallest a one-line value is set to fit its cell; below, it wraps


# Where a value may go to a new line without breaking a word: after these (a period's 至, a level's ／).
BREAK_AFTER = "至／、，；"


def _lines_at_breaks(text: str) -> list[str]:
    lines, current = [], ""
    for char in text:
        current += char
        if char in BREAK_AFTER:
            lines.append(current)
            current = ""
    return [*lines, current] if current else lines


def fit_value(text: str, width_mm: float) -> tuple[str, float | None]:
    """A value as printed in its cell, never broken inside a word (a unit's name, a trade, 高级技师):
    as it is when its lines fit; else set smaller, down to 7 pt; else on lines of their own at their
    natural break points (2020年3月10日至 / 2022年3月9日), smaller if need be. What fits none of these
    (prose) is returned unchanged: it wraps as prose does."""
    room = width_mm - CELL_PADDING_MM
    for lines in (text.split("\n"), [part for line in text.split("\n") for part in _lines_at_breaks(line)]):
        widest = max((text_mm(line) for line in lines), default=0.0)
        if widest <= room:
            return "\n".join(lines), None
        if BASE_PT * room / widest >= MIN_VALUE_PT:
            return "\n".join(lines), round(BASE_PT * room / widest - 0.05, 1)
    return text, None


def fitted_values(grid: Grid) -> list[list[tuple[str, float | None]]]:
    """For each cell of each row (in the row's order), its text as printed and its size if shrunk."""
    widths = column_mm(grid)
    return [[fit_value(cell.text, sum(widths[column:column + cell.colspan])) if cell.kind == "value" else (cell.text, None)
             for column, cell in row] for row in layout(grid)]


def column_mm(grid: Grid) -> list[float]:
    total = sum(grid.widths)
    return [USABLE_MM * w / total for w in grid.widths]


def placed_cells(form: Form) -> Iterator[tuple[Cell, float]]:
    """Every cell of the form's grids with its printed width in millimetres."""
    for block in form.blocks:
        if not isinstance(block, Grid):
            continue
        widths = column_mm(block)
        for row in layout(block):
            for column, cell in row:
                yield cell, sum(widths[column:column + cell.colspan])


def broken_labels(form: Form) -> list[str]:
    """Labels that would break inside a word: a line of a label (its own break points are
    written as line breaks, as on the seed form) wider than its cell."""
    return [f"{form.id}: “{line}” ({text_mm(line):.0f} mm > {wide - CELL_PADDING_MM:.0f} mm)"
            for cell, wide in placed_cells(form) if cell.kind == "label"
            for line in cell.text.split("\n") if text_mm(line) > wide - CELL_PADDING_MM]


SEAL_MIN_MM = 45.0  # a unit's round seal is 40–42 mm


def small_seal_boxes(form: Form) -> list[str]:
    """Boxes that take a seal (盖章) but are less than 45 mm high or wide."""
    return [f"{form.id}: {cell.text} {wide:.0f}×{cell.height_mm:.0f} mm" for cell, wide in placed_cells(form)
            if cell.kind == "box" and any("盖章" in line for line in cell.sign)
            and (cell.height_mm < SEAL_MIN_MM or wide < SEAL_MIN_MM)]
