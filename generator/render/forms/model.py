"""What a form is, independent of how it is printed.

A form is a title and a list of blocks: grids (tables with merged cells, as
on the paper forms) and text. Each form is defined once, by a function in
``definitions.py`` that fills its cells from data, or leaves them blank;
the HTML, PDF and DOCX renderers all read the same :class:`Form`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

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


@dataclass(frozen=True, slots=True)
class Text:
    """A text page (附件2): headings and numbered paragraphs."""

    items: tuple[tuple[Literal["h", "p"], str], ...]


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
