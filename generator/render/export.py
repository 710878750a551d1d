"""The ledger (台账): every record as a spreadsheet row, for the union office.

One sheet per kind, and one per list of objects (honours, stages, quotas ...)
with a row per item, so nothing is squeezed into one cell with English keys.
Headers are the schemas' Chinese titles; beside every id that names another
record stands that record's name (师傅 ``li-jun`` → 师傅姓名 李军).

Without ``--include-private`` the ledger carries the fields listed in
``generator.kinds`` (an allow-list) and nothing else; with it, every field of
the schema and everything under ``private``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.formulas import neutralise, starts_like_formula
from generator.kinds import KINDS, NONE, Kind
from generator.ledger_columns import Column, allowed, item_columns, list_sheet_names, owner_columns, sheet_columns

Records = dict[str, list[dict[str, Any]]]  # kind -> records as loaded
FieldPath = tuple[str, ...]


@dataclass(slots=True)
class Sheet:
    title: str  # the sheet's name in the workbook
    stem: str  # the CSV file's suffix: "pair", "pair-stages"
    columns: list[Column]
    rows: list[list[Any]]


class Names:
    """Each record's name by kind and id, to stand beside the ids that refer to it."""

    def __init__(self, data: Records) -> None:
        self._names = {k.name: {r["id"]: r.get(k.name_field) for r in data.get(k.name, [])} for k in KINDS if k.name_field}

    def of(self, kind: str, value: Any) -> str | None:
        table = self._names.get(kind, {})
        if isinstance(value, list):
            return "、".join(str(table.get(v) or v) for v in value) or None
        return str(table.get(value) or value) if value is not None else None


def readable(value: Any, spec: dict[str, Any], depth: int = 0) -> Any:
    """A nested value as one cell a clerk reads: Chinese titles, never English keys.

    规则 → "每名师傅带徒上限：5；结对期限（年）：（下限：1，上限：3）"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        props = spec.get("properties", {})
        parts = [f"{props.get(k, {}).get('title', k)}：{readable(v, props.get(k, {}), depth + 1)}"
                 for k, v in value.items() if k != "private" and v not in (None, {}, [])]
        return "；".join(parts) if depth == 0 else f"（{'，'.join(parts)}）"
    if isinstance(value, list):
        return "、".join(str(readable(v, spec.get("items", {}), depth + 1)) for v in value)
    return value


def cell_text(value: Any) -> str:
    """One cell of text for lists and mappings; shared with the site's open-data CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k}:{cell_text(v)}" for k, v in value.items() if k != "private" and v is not None)
    if isinstance(value, list):
        return "；".join(cell_text(v) for v in value)
    return str(value)


def _cell(column: Column, value: Any, names: Names) -> Any:
    if column.names_of:
        return names.of(column.names_of, value)
    if value is None:
        return None
    if column.is_date and isinstance(value, str):
        return date.fromisoformat(value)
    if value == []:
        return NONE  # said to be none, which an empty cell (not filled in) would not say
    if isinstance(value, (list, dict, bool)):
        return readable(value, column.spec)
    return value


def _list_sheets(kind: Kind, records: list[dict[str, Any]], names: Names, include_private: bool) -> Iterator[Sheet]:
    for list_field in kind.ledger_lists:
        if not allowed(kind, list_field, include_private):
            continue
        owner = owner_columns(kind)
        items = item_columns(kind, list_field)
        rows = [[_cell(c, c.raw(record), names) for c in owner] + [_cell(c, c.raw(item), names) for c in items]
                for record in sorted(records, key=lambda r: r["id"]) for item in record.get(list_field) or []]
        title, stem = list_sheet_names(kind, list_field)
        yield Sheet(title, stem, owner + items, rows)


def sheets(data: Records, include_private: bool) -> list[Sheet]:
    """Every sheet of the ledger: one per kind, then one per list of objects."""
    names = Names(data)
    main: list[Sheet] = []
    lists: list[Sheet] = []
    for kind in KINDS:
        records = data.get(kind.name, [])
        columns = sheet_columns(kind, records, include_private)
        rows = [[_cell(c, c.raw(r), names) for c in columns] for r in sorted(records, key=lambda r: r["id"])]
        main.append(Sheet(kind.label, kind.name, columns, rows))
        lists.extend(_list_sheets(kind, records, names, include_private))
    return main + lists


def _width(values: Iterable[Any]) -> float:
    # Chinese characters are about twice as wide as Latin ones in a spreadsheet.
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values if v is not None), default=4)
    return min(max(longest + 2, 6), 60)


def _as_text(cells: Iterable[Any]) -> None:
    """Every text cell typed as text: openpyxl would store "=..." as a formula that Excel runs."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            # Excel also keeps it text if a clerk edits the cell later.
            cell.quotePrefix = starts_like_formula(cell.value)


def write_xlsx(data: Records, out: Path, include_private: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet_data in sheets(data, include_private):
        sheet = book.create_sheet(sheet_data.title)
        sheet.append([c.header for c in sheet_data.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(sheet_data.rows, start=2):
            sheet.append(row)
            # Cell by cell: sheet[n] and max_row scan every cell of the sheet (a big ledger went quadratic).
            _as_text(sheet.cell(row=number, column=c) for c in range(1, len(row) + 1))
        for i, column in enumerate(sheet_data.columns, start=1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = _width([column.header] + [r[i - 1] for r in sheet_data.rows])
            if column.is_date and not column.names_of:
                for cell in sheet[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        if sheet_data.rows:
            sheet.auto_filter.ref = sheet.dimensions
    book.save(str(out))


def csv_cell(value: Any) -> Any:
    """A CSV cell: dates in ISO form, lists as one text, text neutralised so no spreadsheet evaluates it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bool, list, dict)):
        value = cell_text(value)
    return neutralise(value) if isinstance(value, str) else value


def csv_text(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def write_csv(data: Records, out: Path, include_private: bool) -> list[Path]:
    """One CSV per sheet beside ``out``: ledger.csv -> ledger-pair.csv, ledger-pair-stages.csv ..."""
    written = []
    for sheet in sheets(data, include_private):
        target = out.with_name(f"{out.stem}-{sheet.stem}{out.suffix or '.csv'}")
        # A BOM so that Excel opens the Chinese text correctly.
        target.write_text("\ufeff" + csv_text(sheet), encoding="utf-8")
        written.append(target)
    return written


def _allow(kind: Kind, record: Any, include_private: bool, prefix: str = "") -> Any:
    """The record cut down to the ledger's allow-list (lists keep their items whole)."""
    if include_private or not isinstance(record, dict):
        return record
    kept = {}
    for key, value in record.items():
        dotted = f"{prefix}{key}"
        if dotted in kind.ledger:
            kept[key] = value
        elif isinstance(value, dict) and allowed(kind, dotted, False):
            kept[key] = _allow(kind, value, False, dotted + ".")
    return kept


def write_json(data: Records, out: Path, include_private: bool) -> None:
    body = {k.name: [_allow(k, r, include_private) for r in sorted(data.get(k.name, []), key=lambda r: r["id"])] for k in KINDS}
    out.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
