"""Ledgers (台账) in: an office's spreadsheet rows as records (``python -m generator import``).

No office starts empty: its registers are Excel sheets or CSV files with
Chinese headers, merged header cells, blank lines, dates typed every way and
names where the records hold ids. This module reads such a table, matches its
columns to the schema's fields (the export's own headers, common ledger
headers, or a mapping file), turns each row into a record and says, row by
row and column by column, what it could not take. It never guesses: a name
that fits no record, or two, is reported, not chosen.

Pure core: the CLI decides what to write; ``plan_import`` reads the ledger and
the registry and returns the candidate records and the problems.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Severity
from generator.files import valid_id
from generator.formulas import starts_like_formula
from generator.ids import PairNumbers, pinyin_id
from generator.kinds import BY_NAME, NONE, PRIVATE_LABELS, Kind
from generator.ledger_columns import item_columns, ledger_words, list_sheet_names, sheet_columns
from generator.load.canonical import key_order, schema_header
from generator.load.dates import FULL_WIDTH_DIGITS, loose_date
from generator.model.entities import Registry
from generator.nearest import close_ids
from generator.resources import field_title, load_schema

FieldPath = tuple[str, ...]
# Columns every ledger has that hold nothing to import.
IGNORED_HEADERS = {"序号", "编号序号", "No", "NO", "no"}
# What makes a row the same record as one already there, when the ledger gives no id:
# importing a ledger twice must not enter its rows twice under new ids.
SAME_RECORD: dict[str, tuple[str, ...]] = {"pair": ("master", "apprentice.name", "start"), "master": ("name", "unit"),
                                           "studio": ("name",), "unit": ("name",)}
_SPACES = re.compile(r"[\s\u3000]+")
_NOTES = re.compile(r"[（(][^）)]*[）)]$")  # 签订日期（年月日） → 签订日期
_PERSON_FIELDS = {"name", "apprentice.name"}


@dataclass(frozen=True, slots=True)
class Column:
    path: FieldPath
    spec: dict[str, Any]
    by_name: bool = False  # the cells hold names, not ids (师傅姓名)
    until: FieldPath | None = None  # a range column (起止时间): its cell also holds this field's date


# A column the clerk's mapping leaves blank: read by no field, and not reported again.
SKIP = Column((), {})


@dataclass(slots=True)
class Table:
    name: str  # the sheet's name (a CSV file's name)
    rows: list[tuple[int, list[Any]]]  # (row number in the sheet, cells)


@dataclass(slots=True)
class Candidate:
    """One row made into a record, with where it came from."""

    kind: str
    record: dict[str, Any]
    sheet: str
    row: int
    columns: dict[str, int] = field(default_factory=dict)  # dotted field -> sheet column, for messages

    @property
    def id(self) -> str:
        return str(self.record.get("id", ""))


@dataclass(slots=True)
class ImportPlan:
    candidates: list[Candidate] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    rows: int = 0  # rows below the header, blank ones included: every one gets a verdict
    skipped: dict[str, list[int]] = field(default_factory=dict)  # why (空行、合计行…) -> row numbers


class LedgerError(Exception):
    """The ledger cannot be read at all; the message is for the user (Chinese)."""


# ---------------------------------------------------------------- reading


# Bounds on what a ledger may be: an office's register is at most a few thousand rows. Each is
# checked before the bytes are parsed, so a zip bomb or a runaway CSV is refused in a moment.
MAX_LEDGER_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 60 * 1024 * 1024  # the XML inside an .xlsx, from its zip directory
MAX_ROWS = 20_000
MAX_CELL_CHARS = 10_000
UNREADABLE_XLSX = "无法读取 Excel 文件：请确认是 .xlsx 格式（旧的 .xls 请先在 Excel 中另存为 .xlsx）"


def _check_zip(path: Path) -> None:
    """The .xlsx's own directory says how large its parts unpack; zipfile never reads past
    those sizes (a part that unpacks larger fails its check), so they bound what openpyxl gets."""
    from zipfile import BadZipFile, ZipFile

    try:
        with ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (BadZipFile, OSError, ValueError) as exc:
        raise LedgerError(UNREADABLE_XLSX) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise LedgerError(f"Excel 文件解压后有 {unpacked // 1024 // 1024} MB，超过 {MAX_UNPACKED_BYTES // 1024 // 1024} MB："
                          f"台账不会这么大，文件可能已损坏或是恶意构造的；请另存一份只含台账的 .xlsx（最多 {MAX_ROWS} 行）")


def _too_many_rows(name: str) -> LedgerError:
    return LedgerError(f"工作表“{name}”超过 {MAX_ROWS} 行：请把台账分成几个文件，每个不超过 {MAX_ROWS} 行")


def _xlsx_tables(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    _check_zip(path)
    try:
        book = load_workbook(str(path), data_only=True)  # values, not formulas; merged cells visible
    except Exception as exc:  # noqa: BLE001 (openpyxl and the XML parser raise many kinds; the clerk needs one sentence)
        raise LedgerError(UNREADABLE_XLSX) from exc
    tables = []
    for sheet in book.worksheets:
        if sheet.max_row > MAX_ROWS + 20:  # a title and header rows above the data
            raise _too_many_rows(sheet.title)
        grid = [list(row) for row in sheet.iter_rows(values_only=True)]
        # A merged cell's value belongs to every cell it covers (a group header, a unit merged down).
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(grid) else None
            for r in range(merged.min_row, min(merged.max_row, len(grid)) + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    while len(grid[r - 1]) < c:
                        grid[r - 1].append(None)
                    grid[r - 1][c - 1] = value
        tables.append(Table(sheet.title, [(n, row) for n, row in enumerate(grid, 1)]))
    return tables


def _csv_tables(path: Path) -> list[Table]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise LedgerError("CSV 文件的编码无法识别：请另存为 UTF-8 或 GBK 编码")
    rows: list[tuple[int, list[Any]]] = []
    try:
        for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
            if n > MAX_ROWS + 20:
                raise _too_many_rows(path.name)
            rows.append((n, list(row)))
    except csv.Error as exc:
        raise LedgerError(f"CSV 文件第 {len(rows) + 1} 行无法读取（格式不对，或某一格超过 {csv.field_size_limit()} 个字符）") from exc
    return [Table(path.name, rows)]


def read_tables(path: Path) -> list[Table]:
    if not path.is_file():
        raise LedgerError(f"找不到台账文件 {path}")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise LedgerError(f"台账应为 .xlsx 或 .csv 文件，而不是“{path.suffix}”")
    size = path.stat().st_size
    if size > MAX_LEDGER_BYTES:
        raise LedgerError(f"台账文件有 {size / 1024 / 1024:.1f} MB，超过 {MAX_LEDGER_BYTES // 1024 // 1024} MB：请分成几个文件")
    return _xlsx_tables(path) if suffix == ".xlsx" else _csv_tables(path)


# ---------------------------------------------------------------- columns


def _clean_header(value: Any) -> str:
    text = _SPACES.sub("", str(value or "")).replace("*", "").replace("＊", "")
    return _NOTES.sub("", text)


def vocabulary(kind: str, mapping: Mapping[str, str | None] | None = None) -> dict[str, Column]:
    """Header -> field: the export's headers, the schema's titles, the words of ledger_words.yml
    (the seed forms' labels and the offices' own), then the clerk's mapping file over all of them."""
    schema = load_schema(kind)
    words: dict[str, Column] = {}
    for column in sheet_columns(BY_NAME[kind], [], include_private=True):
        words[_clean_header(column.header)] = Column(column.path, column.spec, by_name=column.names_of is not None)
    for key, label in PRIVATE_LABELS.items():  # the export's private columns (不公开·电话)
        owners: tuple[tuple[str, FieldPath], ...] = (("", ("private",)), ("徒弟·", ("apprentice", "private")))
        for prefix, owner in owners:
            words.setdefault(f"{prefix}不公开·{label}", Column((*owner, key), {"type": "string"}))
    for title, path in _titles(schema["properties"], ()):
        words.setdefault(title, Column(path, _spec(schema, path)))
    known = ledger_words(kind)
    for header, dotted in known.fields.items():
        words[_clean_header(header)] = _column(kind, tuple(dotted.split(".")))
    for header, (start, end) in known.ranges.items():
        words.setdefault(_clean_header(header), Column((start,), _spec(schema, (start,)), until=(end,)))
    for header, named in (mapping or {}).items():
        if named is None or not str(named).strip():
            words[_clean_header(header)] = SKIP  # left blank in the mapping: a column not to import
            continue
        first, _, last = str(named).partition("..")  # 开始日期..结束日期: both dates in one cell
        found, until = field_path(kind, first), (field_path(kind, last) if last else None)
        if found is None or (last and until is None):
            raise LedgerError(f"列名对照表中“{header}: {named}”的字段不存在：{BY_NAME[kind].label}的字段有"
                              f"{'、'.join(_nearest(str(named), field_names(kind)) or list(field_names(kind))[:12])}……"
                              "（可用 --write-mapping 生成一份对照表再修改）")
        words[_clean_header(header)] = replace(_column(kind, found), until=until)
    return words


def _column(kind: str, path: FieldPath) -> Column:
    return Column(path, _spec(load_schema(kind), path), by_name=_reference(kind, ".".join(path)) is not None)


def field_names(kind: str) -> dict[str, FieldPath]:
    """Every field a ledger column can fill, by its Chinese name (徒弟·出生年份), in the schema's order."""
    schema = load_schema(kind)
    names: dict[str, FieldPath] = {}
    for column in sheet_columns(BY_NAME[kind], [], include_private=False):
        if column.names_of is None:
            names.setdefault(field_title(kind, column.path), column.path)
    for _, path in _titles(schema["properties"], ()):
        if path[-1] != "private":  # the private keys follow, one by one
            names.setdefault(field_title(kind, path), path)
    owners = [("private",)] + ([("apprentice", "private")] if kind == "pair" else [])
    for owner in owners:
        for key in PRIVATE_LABELS:
            if key != "id_card":  # never an ID-card number (CONTRIBUTING)
                names.setdefault(field_title(kind, (*owner, key)), (*owner, key))
    return names


def field_path(kind: str, named: str) -> FieldPath | None:
    """A field named in a mapping file: its Chinese name (徒弟·姓名) or its key (apprentice.name)."""
    cleaned = _SPACES.sub("", named).replace("．", ".").replace("·", "·")
    by_title = field_names(kind)
    if cleaned in by_title:
        return by_title[cleaned]
    path: FieldPath = tuple(cleaned.split("."))
    if _spec(load_schema(kind), path) or path[:-1] in (("private",), ("apprentice", "private")):
        return path
    return None


def _elsewhere(kind: str, header: str) -> str | None:
    """Why a column of another record's person is not read (师傅·工种 in a pair ledger), or None."""
    group, _, own = header.partition("·")
    side = ledger_words(kind).sides.get(group)
    target = _reference(kind, side) if side and own else None
    return f"{group}的“{own}”记在{BY_NAME[target].label}记录中，这里不导入" if target else None


def _nearest(word: str, names: Mapping[str, Any], count: int = 3) -> list[str]:
    """The field names closest to a header the import could not read (for the clerk to choose)."""
    import difflib

    ranked = difflib.get_close_matches(word, list(names), n=count, cutoff=0.3)
    if not ranked:  # the header's last part alone (师傅·工种 → 工种)
        tail = word.rsplit("·", 1)[-1]
        ranked = [n for n in names if n.rsplit("·", 1)[-1] == tail][:count]
    return ranked


def _titles(props: Mapping[str, Any], prefix: FieldPath) -> Iterator[tuple[str, FieldPath]]:
    for name, spec in props.items():
        if spec.get("type") == "object" and "properties" in spec:
            yield from _titles(spec["properties"], prefix + (name,))
        elif "title" in spec and (spec.get("type") != "array" or spec.get("items", {}).get("type") == "string"):
            yield _clean_header(spec["title"]), prefix + (name,)


def _spec(schema: Mapping[str, Any], path: FieldPath) -> dict[str, Any]:
    spec: Any = schema
    for key in path:
        spec = spec.get("properties", {}).get(key, {}) if isinstance(spec, dict) else {}
    return dict(spec) if isinstance(spec, dict) else {}


def _reference(kind: str, dotted: str) -> str | None:
    """The kind of record a field (or each item of it) names by id."""
    refs = BY_NAME[kind].references
    return refs.get(dotted) or refs.get(dotted + ".*")


def _under_group(kind: str, group: str, own: str, words: Mapping[str, Column]) -> str:
    """What a sub-header under ``group`` is: ``group·own`` when that names a field or the group is a
    person whose field ``own`` is not (师傅·工种 in a pair ledger: reported, never the apprentice's);
    ``own`` when the group only gathers columns that name themselves (三方盖章 · 工会盖章日期)."""
    known = ledger_words(kind) if kind else None
    group = known.groups.get(group, group) if known else group
    joined = f"{group}·{own}"
    if joined in words:
        return joined
    side = known.sides.get(group) if known else None
    if side is None:
        return own
    column = words.get(own)
    return own if column is not None and column.path[0] == side else joined


def _header_row(table: Table, words: Mapping[str, Column], kind: str = "") -> tuple[int, list[str]] | None:
    """The row (within the first ten) whose cells name the most fields; a group header
    above it (徒弟 merged over 姓名、性别…) is joined to each cell under it (徒弟·姓名)."""
    best: tuple[int, int, list[str]] | None = None
    for index, (_, cells) in enumerate(table.rows[:10]):
        above = table.rows[index - 1][1] if index else []
        headers = []
        for c, value in enumerate(cells):
            own = _clean_header(value)
            group = _clean_header(above[c]) if c < len(above) else ""
            headers.append(_under_group(kind, group, own, words) if group and own and group != own else own)
        score = len({words[h].path for h in headers if h in words})  # distinct fields: a merged cell counts once
        if score >= 2 and (best is None or score > best[1]):
            best = (index, score, headers)
    return (best[0], best[2]) if best else None


# ---------------------------------------------------------------- values


class _Bad(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule, self.message = rule, message


def _excel_day(serial: float) -> date:
    return (datetime(1899, 12, 30) + timedelta(days=float(serial))).date()


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel day number (1954–2119)
        return _excel_day(value)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text) and 20000 < float(text) < 80000:
        return _excel_day(float(text))
    if re.fullmatch(r"\d{8}", text.translate(FULL_WIDTH_DIGITS)):  # 20200310
        plain = text.translate(FULL_WIDTH_DIGITS)
        text = f"{plain[:4]}-{plain[4:6]}-{plain[6:]}"
    day = loose_date(text)
    if day is None:
        raise _Bad("import.date", f"“{text}”不是可以识别的日期（可写成 2020-03-10、2020.3.10、2020年3月10日）")
    return day


# Between the two dates of a range cell: 至、到、—、～、~ or a hyphen before a four-digit year.
_RANGE = re.compile(r"^(?P<first>.+?)\s*(?:至|到|—+|～|~|－|--?)\s*(?P<last>\d{4}.*)$")


def _date_range(value: Any) -> tuple[str, str]:
    """起止时间 as offices type it (2020.3.10—2023.3.9, 2020年3月10日至2023年3月9日)."""
    text = str(value).strip().translate(FULL_WIDTH_DIGITS)
    match = _RANGE.match(text)
    if match is None:
        raise _Bad("import.date", f"“{text}”应写成起止两个日期，如 2020.3.10—2023.3.9 或 2020年3月10日至2023年3月9日")
    return _as_date(match["first"]).isoformat(), _as_date(match["last"]).isoformat()


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("import.number", f"“{value}”不是整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().translate(FULL_WIDTH_DIGITS).removesuffix("年").removesuffix("人")
    if re.fullmatch(r"-?\d+(\.0+)?", text):
        return int(float(text))
    raise _Bad("import.number", f"“{value}”不是整数")


def _as_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Bad("import.number", f"“{value}”不是数字")
    if not isinstance(value, (int, float)):
        text = str(value).strip().translate(FULL_WIDTH_DIGITS).removesuffix("平方米").removesuffix("㎡")
        if not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise _Bad("import.number", f"“{value}”不是数字（只填数字，如 90 或 90.5）")
        value = float(text)
    return int(value) if float(value).is_integer() else value


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("是", "√", "✓", "true", "yes", "y", "1"):
        return True
    if text in ("否", "×", "✗", "false", "no", "n", "0"):
        return False
    raise _Bad("import.boolean", f"“{value}”应为“是”或“否”")


def _as_text(value: Any, person: bool) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or an employee number typed as a number
    text = str(value).strip().strip("\u3000")
    if text.startswith("'") and starts_like_formula(text[1:]):
        text = text[1:]  # the export's guard against spreadsheet formulas (OWASP), taken off again
    if person:
        # Ledgers pad two-character names to the width of three (王　军): not part of the name.
        text = _SPACES.sub("", text)
        if re.search(r"[：:，,;；]", text):
            raise _Bad("import.name", f"姓名“{text}”中有标点符号（如全角冒号“：”）：请在台账中改正")
    return text


def convert(value: Any, column: Column) -> Any:
    spec = column.spec
    kind = spec.get("type")
    if spec.get("format") == "date":
        return _as_date(value).isoformat()
    if kind == "integer":
        return _as_int(value)
    if kind == "number":
        return _as_number(value)
    if kind == "boolean":
        return _as_bool(value)
    if kind == "array":
        if str(value).strip() in (NONE, "—", "-", "／", "/"):
            return []
        return [part for part in (_as_text(p, False) for p in re.split(r"[、，,；;\n]", str(value))) if part]
    text = _as_text(value, ".".join(column.path) in _PERSON_FIELDS)
    if "enum" in spec and text not in spec["enum"]:
        raise _Bad("import.choice", f"“{text}”不在允许范围内，应为：{'、'.join(map(str, spec['enum']))}")
    return text


# ---------------------------------------------------------------- names to ids


class Names:
    """Records by name, to turn the names a ledger holds into the ids records use."""

    def __init__(self, registry: Registry, incoming: Mapping[str, set[str]] | None = None) -> None:
        self.registry = registry
        self.incoming = incoming or {}  # ids the ledger itself brings (a renewal names a pair beside it)
        self.by_name: dict[str, dict[str, list[str]]] = {}
        for kind, table in (("unit", registry.units), ("master", registry.masters), ("studio", registry.studios),
                            ("programme", registry.programmes)):
            names: dict[str, list[str]] = {}
            for rid, record in table.items():
                for name in {getattr(record, "name", None), getattr(record, "short_name", None)} - {None}:
                    names.setdefault(_SPACES.sub("", str(name)), []).append(rid)
            self.by_name[kind] = names

    def _nearest(self, kind: str, value: str) -> str:
        """A mistyped name or id gets the names and ids it most resembles (是不是 桃源示例电机有限公司？)."""
        import difflib

        typed = _SPACES.sub("", value)
        ids = close_ids(typed, self.registry.ids.get(kind, set()))  # as the gate's ref rule says
        names = difflib.get_close_matches(typed, sorted(self.by_name.get(kind, {})), n=3, cutoff=0.5)  # 李君 → 李军 is 0.5
        close = (ids + names)[:3]
        return f"（是不是 {'、'.join(close)}？）" if close else ""

    def resolve(self, kind: str, value: str, unit: str | None = None) -> str:
        if value in self.registry.ids.get(kind, set()) or value in self.incoming.get(kind, set()):
            return value
        found = sorted(set(self.by_name.get(kind, {}).get(_SPACES.sub("", value), [])))
        if len(found) > 1 and unit and kind == "master":
            found = [m for m in found if self.registry.masters[m].unit == unit]
        label = BY_NAME[kind].label
        if not found:
            raise _Bad("import.unknown", f"找不到名为“{value}”的{label}{self._nearest(kind, value)}：请先建立其记录，或填写其编号")
        if len(found) > 1:
            raise _Bad("import.ambiguous", f"有 {len(found)} 个{label}叫“{value}”（{'、'.join(found)}）：请改填编号")
        return found[0]


# ---------------------------------------------------------------- ids


def _identity(kind: str, record: Any) -> tuple[str, ...]:
    """A record's SAME_RECORD fields as text, from a candidate (dict) or a loaded record (object)."""
    values = []
    for dotted in SAME_RECORD[kind]:
        current = record
        for key in dotted.split("."):
            current = current.get(key) if isinstance(current, Mapping) else getattr(current, key, None)
        values.append(str(current) if current is not None else "")
    return tuple(values)


def _already_there(kind: str, candidates: list[Candidate], registry: Registry, problems: list[Diagnostic],
                   ledger: Path) -> list[Candidate]:
    """The candidates without an id that are not records already (or rows above them)."""
    table: dict[str, Any] = getattr(registry, BY_NAME[kind].folder)
    known = {_identity(kind, r): rid for rid, r in table.items()}
    kept = []
    for candidate in candidates:
        if not candidate.record.get("id"):
            same = known.get(_identity(kind, candidate.record))
            if same is not None:
                fields = "、".join(field_title(kind, f) for f in SAME_RECORD[kind])
                problems.append(Diagnostic(str(ledger), candidate.row, 0, Severity.ERROR, "import.duplicate",
                                           f"工作表“{candidate.sheet}”第{candidate.row}行：与已有的记录“{same}”相同（{fields}都一样），没有再导入"))
                continue
            known[_identity(kind, candidate.record)] = f"第{candidate.row}行"
        kept.append(candidate)
    return kept


def _with_valid_ids(candidates: list[Candidate], problems: list[Diagnostic], ledger: Path) -> list[Candidate]:
    """The candidates whose 编号, when the ledger gives one, is an id: it becomes a file name, so
    ``../x`` or ``/etc/x`` is refused here, before any path is made of it."""
    kept = []
    for candidate in candidates:
        if candidate.id and not valid_id(candidate.id):
            column = candidate.columns.get("id", 0)
            problems.append(Diagnostic(str(ledger), candidate.row, column, Severity.ERROR, "import.id",
                                       f"工作表“{candidate.sheet}”第{candidate.row}行：编号“{_printable(candidate.id)}”不合规，"
                                       "只能用小写字母、数字和连字符（以字母或数字开头，最长 64 个字符），如 li-jun；这一行没有导入"))
            continue
        kept.append(candidate)
    return kept


def _printable(text: str, limit: int = 80) -> str:
    """A value as it can be shown in a message: control characters as \\x.., long text cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _give_ids(kind: str, candidates: list[Candidate], registry: Registry) -> None:
    taken = set(registry.ids.get(kind, set())) | {c.id for c in candidates if c.id}
    numbers = PairNumbers(taken) if kind == "pair" else None
    for candidate in candidates:
        if candidate.record.get("id"):
            continue
        if numbers is not None:  # numbered like the pairs beside it, in the year it was signed or began
            day = str(candidate.record.get("signed") or candidate.record.get("start") or "")
            candidate.record["id"] = numbers.next(int(day[:4]) if day[:4].isdigit() else date.today().year)
        else:
            name = str(candidate.record.get(BY_NAME[kind].name_field or "name") or "")
            candidate.record["id"] = pinyin_id(name, taken, person=kind == "master")
        taken.add(candidate.id)


# ---------------------------------------------------------------- rows to records


def _set(record: dict[str, Any], path: FieldPath, value: Any) -> None:
    for key in path[:-1]:
        record = record.setdefault(key, {})
    record[path[-1]] = value


def _get(record: Mapping[str, Any], path: FieldPath) -> Any:
    current: Any = record
    for key in path:
        current = current.get(key) if isinstance(current, Mapping) else None
    return current


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _row_record(kind: str, cells: list[Any], columns: dict[int, tuple[str, Column]], names: Names,
                where: tuple[Path, str, int], problems: list[Diagnostic]) -> Candidate | None:
    ledger, sheet, row = where
    record: dict[str, Any] = {}
    placed: dict[str, int] = {}
    failed = False
    # The unit first (it tells two masters of the same name apart), ids before the names beside them.
    order = sorted(columns.items(), key=lambda item: (item[1][1].path != ("unit",), item[1][1].by_name, item[0]))
    for index, (header, column) in order:
        value = cells[index] if index < len(cells) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        dotted = ".".join(column.path)
        if column.by_name and dotted in placed:
            continue  # the id column (师傅) said it already; the name beside it (师傅姓名) is for people
        try:
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise _Bad("import.cell", f"内容太长（{len(value)} 个字，一格最多 {MAX_CELL_CHARS} 个字）")
            if column.until is not None:  # 起止时间: two dates in one cell
                first, last = _date_range(value)
                _set(record, column.path, first)
                _set(record, column.until, last)
                placed[dotted] = placed[".".join(column.until)] = index + 1
                continue
            converted = convert(value, column)
            target = _reference(kind, dotted)
            if target:
                unit = record.get("unit")
                converted = ([names.resolve(target, v, unit) for v in converted] if isinstance(converted, list)
                             else names.resolve(target, converted, unit))
        except _Bad as bad:
            failed = True
            problems.append(Diagnostic(str(ledger), row, index + 1, Severity.ERROR, bad.rule,
                                       f"工作表“{sheet}”{_letter(index + 1)}列“{header}”：{bad.message}"))
            continue
        _set(record, column.path, converted)
        placed[dotted] = index + 1
    if failed or not record:
        return None
    return Candidate(kind, record, sheet, row, placed)


def _list_items(kind: Kind, tables: list[Table], words_by_list: dict[str, dict[str, Column]], ledger: Path,
                problems: list[Diagnostic]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Items of the export's list sheets (师徒结对·培养计划), by list field and owner id."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for list_field in kind.ledger_lists:
        title, stem = list_sheet_names(kind, list_field)
        table = next((t for t in tables if t.name == title or Path(t.name).stem.endswith(f"-{stem}")), None)
        if table is None or not table.rows:
            continue
        words = words_by_list[list_field]
        headers = [_clean_header(h) for h in table.rows[0][1]]
        owner = f"{kind.label}编号"
        for row, cells in table.rows[1:]:
            by_header = dict(zip(headers, cells, strict=False))
            owner_id = by_header.get(owner)
            if not owner_id:
                continue
            item: dict[str, Any] = {}
            for c, header in enumerate(headers):
                column = words.get(header)
                value = cells[c] if c < len(cells) else None
                if column is None or column.by_name or value is None or value == "":
                    continue
                try:
                    item[column.path[0]] = convert(value, column)
                except _Bad as bad:
                    problems.append(Diagnostic(str(ledger), row, c + 1, Severity.ERROR, bad.rule,
                                               f"工作表“{table.name}”{_letter(c + 1)}列“{header}”：{bad.message}"))
            found.setdefault(list_field, {}).setdefault(str(owner_id), []).append(item)
    return found


def _list_words(kind: Kind) -> dict[str, dict[str, Column]]:
    """Header -> item field on each list sheet, as the export writes them."""
    return {list_field: {_clean_header(c.header): Column(c.path, c.spec, by_name=c.names_of is not None)
                         for c in item_columns(kind, list_field)}
            for list_field in kind.ledger_lists}


def _main_table(kind: Kind, tables: list[Table]) -> Table:
    """The sheet named for the kind (the export's), else the CSV, else the first sheet with rows."""
    for table in tables:
        if table.name == kind.label or Path(table.name).stem.endswith(f"-{kind.name}"):
            return table
    return next((t for t in tables if any(any(c not in (None, "") for c in cells) for _, cells in t.rows)), tables[0])


def _only_programme(kind: Kind, registry: Registry) -> str:
    found = sorted(p.id for p in registry.programmes.values() if p.kind == kind.programme_kind)
    if len(found) == 1:
        return found[0]
    raise LedgerError(f"台账中没有“所属活动”列，登记册中有 {len(found)} 个可选的活动：请用 --programme 指定其中一个"
                      f"（{'、'.join(found) or '没有'}）")


def _defaults(kind: str, defaults: Mapping[str, str]) -> dict[FieldPath, Any]:
    """``--default field=value`` as values of their fields, checked before any row is read."""
    out: dict[FieldPath, Any] = {}
    for dotted, value in defaults.items():
        path: FieldPath = tuple(dotted.split("."))
        if not _spec(load_schema(kind), path):
            raise LedgerError(f"--default {dotted}={value}：{BY_NAME[kind].label}没有“{dotted}”这个字段（字段见 schemas/{kind}.schema.json）")
        try:
            out[path] = convert(value, Column(path, _spec(load_schema(kind), path)))
        except _Bad as bad:
            raise LedgerError(f"--default {dotted}={value}：{bad.message}") from None
    return out


# Rows of a ledger that are not records: sums, and the lines under the table (填表人、审核人、注).
_TOTAL = re.compile(r"^(合计|小计|总计|共计|累计|总数)[:：]?$")
_FOOTER = re.compile(r"^(填表人|填报人|制表人|审核人|负责人|联系人|填表日期|填报日期|制表日期|备注|注|说明)[:：]|^注[0-9一二三１-９、.．]")


def _not_a_record(cells: list[Any]) -> str | None:
    """Why a row holds no record (空行、合计行、表尾说明), or None for a row to read."""
    texts = [_SPACES.sub("", str(c)) for c in cells if c is not None and str(c).strip()]
    if not texts:
        return "空行"
    if any(_TOTAL.match(t) for t in texts[:3]):
        return "合计行"
    if _FOOTER.match(texts[0]) and len(texts) <= 3:
        return "表尾说明"
    return None


def _required(schema: Mapping[str, Any], prefix: FieldPath = ()) -> Iterator[FieldPath]:
    for name in schema.get("required", []):
        spec = schema.get("properties", {}).get(name, {})
        if spec.get("type") == "object" and "properties" in spec:
            yield from _required(spec, prefix + (name,))
        else:
            yield prefix + (name,)


def _say_missing_columns(kind: str, columns: Mapping[int, tuple[str, Column]], filled: Mapping[FieldPath, Any],
                         programme: str | None, where: tuple[Path, Table, int], problems: list[Diagnostic]) -> None:
    """A required field no column fills is said once, for the ledger, not once a row."""
    ledger, table, header_index = where
    covered = {column.path for _, column in columns.values()} | {column.until for _, column in columns.values()}
    given = {("id",), ("programme",)} if programme or BY_NAME[kind].programme_kind else {("id",)}
    for path in _required(load_schema(kind)):
        if path in covered or path in filled or path in given:
            continue
        problems.append(Diagnostic(str(ledger), table.rows[header_index][0], 0, Severity.WARNING, "import.column",
                                   f"工作表“{table.name}”中没有对应“{field_title(kind, path)}”（必填）的列：没有这一项的行都不能导入；"
                                   "请在台账中补上这一列，或检查列名（可用 --write-mapping 生成列名对照表核对）"))


def _drop_ambiguous(kind: str, columns: dict[int, tuple[str, Column]], table: Table, header_index: int, ledger: Path,
                    problems: list[Diagnostic]) -> None:
    """Two columns that would fill the same field (two 工种 columns, one of them the master's) are
    reported and neither is read: which one the clerk meant is not ours to guess. (An id column
    beside a names column for the same reference, 师傅 and 师傅姓名, is the export's own pair.)"""
    by_field: dict[FieldPath, list[int]] = {}
    for index, (_, column) in columns.items():
        if not column.by_name:  # references: an id column and a names column resolve to one record (_row_record)
            by_field.setdefault(column.path, []).append(index)
    for path, indexes in by_field.items():
        if len(indexes) < 2:
            continue
        names = "、".join(f"{_letter(i + 1)}列“{columns[i][0]}”" for i in indexes)
        for index in indexes:
            problems.append(Diagnostic(str(ledger), table.rows[header_index][0], index + 1, Severity.ERROR, "import.column",
                                       f"工作表“{table.name}”中 {names} 都对应“{field_title(kind, path)}”，不知道该用哪一列，这几列都没有导入："
                                       "请把表头改得更明确（如“徒弟·工种”），或用 --write-mapping 生成列名对照表改好后用 --mapping 指定"))
            del columns[index]


def plan_import(ledger: Path, kind: str, registry: Registry, mapping: Mapping[str, str | None] | None = None,
                programme: str | None = None, defaults: Mapping[str, str] | None = None) -> ImportPlan:
    """The ledger's rows as candidate records of ``kind``, and every problem found on the way.
    ``defaults`` (field -> value) fills a field in every row that leaves it empty (状态=培养中)."""
    plan = ImportPlan()
    meta = BY_NAME[kind]
    filled = _defaults(kind, defaults or {})
    tables = read_tables(ledger)
    if ledger.suffix.lower() == ".csv":  # the export's list files sit beside its main CSV
        stem = ledger.stem.removesuffix(f"-{kind}")
        tables += [t for path in sorted(ledger.parent.glob(f"{stem}-{kind}-*.csv")) for t in _csv_tables(path)]
    table = _main_table(meta, tables)
    words = vocabulary(kind, mapping)
    found = _header_row(table, words, kind)
    if found is None:
        raise LedgerError(f"工作表“{table.name}”的前 10 行中找不到表头（至少要有两列能对应到{meta.label}的字段）：请检查列名，或用 --mapping 指定")
    header_index, headers = found
    columns: dict[int, tuple[str, Column]] = {}
    for index, header in enumerate(headers):
        if words.get(header) is SKIP:
            continue
        if header in words:
            columns[index] = (header, words[header])
        elif header and header not in IGNORED_HEADERS:
            nearest = "、".join(f"“{n}”" for n in _nearest(header, field_names(kind)))
            advice = f"{_elsewhere(kind, header)}；" if _elsewhere(kind, header) else (f"最接近的字段：{nearest}；" if nearest else "")
            plan.diagnostics.append(Diagnostic(str(ledger), table.rows[header_index][0], index + 1, Severity.WARNING,
                                               "import.column", f"工作表“{table.name}”{_letter(index + 1)}列“{header}”对应不到任何字段，未导入"
                                               f"（{advice}可用 --write-mapping 生成列名对照表，改好后用 --mapping 指定）"))
    _drop_ambiguous(kind, columns, table, header_index, ledger, plan.diagnostics)
    _say_missing_columns(kind, columns, filled, programme, (ledger, table, header_index), plan.diagnostics)
    id_columns = [i for i, (_, column) in columns.items() if column.path == ("id",)]
    incoming = {str(cells[i]).strip() for _, cells in table.rows[header_index + 1:] for i in id_columns
                if i < len(cells) and cells[i] not in (None, "")}
    names = Names(registry, {kind: incoming})
    candidates = []
    unnamed: set[int] = set()
    for row, cells in table.rows[header_index + 1:]:
        plan.rows += 1
        reason = _not_a_record(cells)
        if reason:  # a blank line, a 合计 row, the 填表人 line at the foot: said once in the summary
            plan.skipped.setdefault(reason, []).append(row)
            continue
        for index, value in enumerate(cells):
            if value not in (None, "") and index not in unnamed and not (headers[index] if index < len(headers) else ""):
                unnamed.add(index)
                plan.diagnostics.append(Diagnostic(str(ledger), row, index + 1, Severity.WARNING, "import.column",
                                                   f"工作表“{table.name}”{_letter(index + 1)}列没有表头，其中的内容未导入"))
        candidate = _row_record(kind, cells, columns, names, (ledger, table.name, row), plan.diagnostics)
        if candidate is not None:
            candidates.append(candidate)
    items = _list_items(meta, tables, _list_words(meta), ledger, plan.diagnostics)
    # A ledger with a programme column says which rows have none; without one, all belong to one.
    has_programme = any(column.path == ("programme",) for _, column in columns.values())
    for candidate in candidates:
        for list_field, by_owner in items.items():
            if candidate.id in by_owner:
                candidate.record[list_field] = by_owner[candidate.id]
        for path, value in filled.items():
            if _get(candidate.record, path) is None:
                _set(candidate.record, path, value)
        if meta.programme_kind and "programme" not in candidate.record and (programme or not has_programme):
            candidate.record["programme"] = programme or _only_programme(meta, registry)
    candidates = _already_there(kind, _with_valid_ids(candidates, plan.diagnostics, ledger), registry, plan.diagnostics, ledger)
    _give_ids(kind, candidates, registry)
    plan.candidates = candidates
    return plan


def ordered(record: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """The record's keys in the schema's order, all the way down (as fmt writes them)."""
    props = schema.get("properties", {})
    out: dict[str, Any] = {}
    for key in key_order(schema, list(record)):
        value = record[key]
        sub = props.get(key, {})
        if isinstance(value, dict):
            value = ordered(value, sub)
        elif isinstance(value, list):
            value = [ordered(v, sub.get("items", {})) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out


def _dated(value: Any, spec: Mapping[str, Any]) -> Any:
    """Dates as dates (written plain, 2020-03-10), wherever the schema says date."""
    if isinstance(value, str) and spec.get("format") == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        props = spec.get("properties", {})
        return {k: _dated(v, props.get(k, {})) for k, v in value.items()}
    if isinstance(value, list):
        return [_dated(v, spec.get("items", {})) for v in value]
    return value


def record_text(kind: str, record: Mapping[str, Any]) -> str:
    """The record as a file, in the canonical form fmt would give it.

    A new record has no comments to keep, so libyaml writes it (a hundred times faster than a
    round trip through ruamel.yaml): keys in the schema's order, dates plain, quotes only where
    needed give the same text (tests/load/test_ledger.py checks it against fmt)."""
    import yaml

    schema = load_schema(kind)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(_dated(ordered(record, schema), schema), Dumper=dumper, allow_unicode=True, sort_keys=False,
                     width=1_000_000)
    return schema_header(kind, 2) + body


def draft_mapping(ledger: Path, kind: str, mapping: Mapping[str, str | None] | None = None) -> str:
    """A mapping file for the clerk to correct (``import --write-mapping``): each header of the
    ledger with the field it was read as (its Chinese name), blank where none, nearest fields beside."""
    import yaml

    meta = BY_NAME[kind]
    table = _main_table(meta, read_tables(ledger))
    words = vocabulary(kind, mapping)
    found = _header_row(table, words, kind)
    if found is None:  # nothing recognised: the first row with text is the header
        index = next((i for i, (_, cells) in enumerate(table.rows[:10]) if any(c not in (None, "") for c in cells)), 0)
        found = (index, [_clean_header(c) for c in table.rows[index][1]] if table.rows else [])
    header_index, headers = found
    names = field_names(kind)
    lines = [f"# 列名对照表：台账 {ledger.name} 工作表“{table.name}”第{table.rows[header_index][0] if table.rows else 1}行的表头"
             f"（python -m generator import --kind {kind} --write-mapping 生成）",
             "# 冒号左边是台账的列名，右边是它对应的字段（中文名）。请逐行核对右边：",
             "#   认错的改成正确的字段；空着的是认不出的列，从注释或文件末尾的“可填的字段”中选一个填上；",
             "#   不需要导入的列右边留空。",
             f"# 改好后：python -m generator import {ledger.name} --kind {kind} --mapping 这个文件的名字",
             ""]
    for header in dict.fromkeys(h for h in headers if h):
        column = words.get(header)
        key = yaml.safe_dump(header, allow_unicode=True).removesuffix("\n...\n").strip()
        if header in IGNORED_HEADERS or column is SKIP:
            lines.append(f"{key}:")
        elif column is not None:
            shown = f"{field_title(kind, column.path)}..{field_title(kind, column.until)}" if column.until else field_title(kind, column.path)
            lines.append(f"{key}: {shown}" + ("  # 这一格写着起止两个日期" if column.until else ""))
        elif _elsewhere(kind, header):
            lines.append(f"{key}:  # {_elsewhere(kind, header)}")
        else:
            nearest = "、".join(_nearest(header, names))
            lines.append(f"{key}:" + (f"  # 认不出；最接近的字段：{nearest}" if nearest else "  # 认不出"))
    lines += ["", f"# 可填的字段（{meta.label}）：" + "、".join(names)]
    return "\n".join(lines) + "\n"

