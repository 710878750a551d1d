"""The ledger (台账): every record as a spreadsheet row, for the union office.

Columns and their Chinese headers come from the schemas' titles, so a field
added to a schema appears in the ledger with its name. Private fields (and
an apprentice's birth year) are left out unless asked for.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from generator.formulas import neutralise, starts_like_formula
from generator.validate.schema import load_schema

KINDS = ("programme", "unit", "master", "studio", "pair")
SHEETS = {"programme": "活动", "unit": "单位", "master": "名匠", "studio": "工作室", "pair": "师徒结对"}
PRIVATE_LABELS = {"phone": "电话", "employee_no": "员工编号", "note": "备注"}
# Personal details that are not under "private" but stay out of a ledger shared without it.
SENSITIVE = {("apprentice", "birth_year")}

Path_ = tuple[str, ...]


class Column:
    def __init__(self, path: Path_, header: str, is_date: bool = False) -> None:
        self.path, self.header, self.is_date = path, header, is_date

    def value(self, record: dict[str, Any]) -> Any:
        current: Any = record
        for key in self.path:
            if not isinstance(current, dict):
                return None
            current = current.get(key)
        return current


def _columns(kind: str, records: list[dict[str, Any]], include_private: bool) -> list[Column]:
    schema = load_schema(kind)
    found: list[Column] = []

    def walk(props: dict[str, Any], prefix: Path_, title_prefix: str) -> None:
        for name, spec in props.items():
            path = prefix + (name,)
            if name == "private":
                if include_private:
                    keys = sorted({k for r in records for k in ((Column(path, "").value(r) or {}).keys())})
                    found.extend(Column(path + (k,), f"{title_prefix}不公开·{PRIVATE_LABELS.get(k, k)}") for k in keys)
                continue
            if path in SENSITIVE and not include_private:
                continue
            if spec.get("type") == "object" and "properties" in spec and name != "rules":
                walk(spec["properties"], path, title_prefix + spec["title"] + "·")
            else:
                found.append(Column(path, title_prefix + spec["title"], spec.get("format") == "date"))

    walk(schema["properties"], (), "")
    return found


def cell_text(value: Any) -> str:
    """One cell of text for lists and mappings (honours, stages, members ...); shared with
    the site's open-data CSV so both read alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k}:{cell_text(v)}" for k, v in value.items() if k != "private" and v is not None)
    if isinstance(value, list):
        return "；".join(cell_text(v) for v in value)
    return str(value)


def rows(kind: str, records: list[dict[str, Any]], include_private: bool) -> tuple[list[Column], list[list[Any]]]:
    columns = _columns(kind, records, include_private)
    table = []
    for record in sorted(records, key=lambda r: r["id"]):
        row: list[Any] = []
        for column in columns:
            value = column.value(record)
            if column.is_date and isinstance(value, str):
                row.append(date.fromisoformat(value))
            elif isinstance(value, (list, dict, bool)) or value is None:
                row.append(cell_text(value) if value is not None else None)
            else:
                row.append(value)
        table.append(row)
    return columns, table


def _width(values: Iterable[Any]) -> float:
    # Chinese characters are about twice as wide as Latin ones in a spreadsheet.
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values if v is not None), default=4)
    return min(max(longest + 2, 6), 60)


def write_xlsx(data: dict[str, list[dict[str, Any]]], out: Path, include_private: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for kind in KINDS:
        sheet = book.create_sheet(SHEETS[kind])
        columns, table = rows(kind, data.get(kind, []), include_private)
        sheet.append([c.header for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table:
            sheet.append(row)
            _as_text(sheet[sheet.max_row])
        for i, column in enumerate(columns, start=1):
            letter = get_column_letter(i)
            sheet.column_dimensions[letter].width = _width([column.header] + [r[i - 1] for r in table])
            if column.is_date:
                for cell in sheet[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
        if table:
            sheet.auto_filter.ref = sheet.dimensions
    book.save(str(out))


def _as_text(cells: Iterable[Any]) -> None:
    """Every text cell typed as text: openpyxl would store "=..." as a formula that Excel runs."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            # Excel also keeps it text if a clerk edits the cell later.
            cell.quotePrefix = starts_like_formula(cell.value)


def csv_cell(value: Any) -> Any:
    """A CSV cell: dates in ISO form, lists as one text, text neutralised so no spreadsheet evaluates it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bool, list, dict)):
        value = cell_text(value)
    return neutralise(value) if isinstance(value, str) else value


def csv_text(kind: str, records: list[dict[str, Any]], include_private: bool) -> str:
    columns, table = rows(kind, records, include_private)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in columns])
    for row in table:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def write_csv(data: dict[str, list[dict[str, Any]]], out: Path, include_private: bool) -> list[Path]:
    """One CSV per kind beside ``out``: ledger.csv -> ledger-pair.csv, ledger-master.csv ..."""
    written = []
    for kind in KINDS:
        target = out.with_name(f"{out.stem}-{kind}{out.suffix or '.csv'}")
        # A BOM so that Excel opens the Chinese text correctly.
        target.write_text("\ufeff" + csv_text(kind, data.get(kind, []), include_private), encoding="utf-8")
        written.append(target)
    return written


def _strip(record: Any, include_private: bool, path: Path_ = ()) -> Any:
    if isinstance(record, dict):
        return {k: _strip(v, include_private, path + (k,)) for k, v in record.items()
                if include_private or (k != "private" and path + (k,) not in SENSITIVE)}
    if isinstance(record, list):
        return [_strip(v, include_private, path) for v in record]
    return record


def write_json(data: dict[str, list[dict[str, Any]]], out: Path, include_private: bool) -> None:
    body = {kind: [_strip(r, include_private) for r in sorted(data.get(kind, []), key=lambda r: r["id"])] for kind in KINDS}
    out.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
