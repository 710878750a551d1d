"""Open data: the public records as CSV tables and JSON, described by a Frictionless
data package (``datapackage.json``).

The CSV tables are for people with a spreadsheet: Chinese headers, names beside
ids, one row a thing (honours, talent selections and quotas have tables of their
own, never flattened into a cell), no internal columns. Each column's English key
is written in the data package and on the 开放数据 page. The JSON files keep the
nested public views as the site uses them. Everything comes from the public views
(``generator.render.public``): nothing private, apprentices by masked name only.

A one-record change rewrites one row: each CSV line is kept for the next build under a digest
of what it is made of (``Lines``): the public view of the record it comes from (its bytes in
the JSON file), its place among that record's rows, and the views of the records it names.
Writing every row again took a second at M (10,000 masters) on every build.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator.kinds import KINDS
from generator.render.export import csv_cell
from generator.render.site.data import HONOUR_LEVELS, KIND_NAMES, SiteData

Row = dict[str, Any]
Source = tuple[str, str]  # the record a row is made of: its kind's folder and its id
Refs = Callable[[Row], Iterable[tuple[str, Any]]]  # the records a column names: kind's folder and id (or None)
Lines = dict[str, dict[str, str]]  # table -> digest of a row's inputs -> its CSV line


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # English key: the record's own field name where there is one
    header: str  # Chinese header of the CSV column
    type: str  # Frictionless type: string, integer, date, year
    value: Callable[[SiteData, Row], Any]
    description: str = ""
    refs: Refs | None = None  # the other records the value shows (their names): part of the row's key


@dataclass(frozen=True, slots=True)
class Table:
    stem: str  # file name without extension
    label: str
    description: str
    rows: Callable[[SiteData], list[tuple[Source, Row]]]
    columns: tuple[Column, ...]
    count: Callable[[SiteData], int] | None = None  # the number of rows, without making them (the 开放数据 page)


def _field(key: str, header: str, type_: str = "string", description: str = "") -> Column:
    return Column(key, header, type_, lambda _s, r: r.get(key), description)


def _name(kind: str, key: str, header: str) -> Column:
    """The name of the record a row refers to, beside its id."""
    return Column(f"{key}_name", header, "string", lambda s, r: s.name(kind, r.get(key)) if r.get(key) else None,
                  refs=lambda r: ((kind, r.get(key)),))


def _unit_name(key: str, header: str) -> Column:
    return Column(f"{key}_name", header, "string", lambda s, r: s.units[r[key]]["name"] if r.get(key) in s.units else None,
                  refs=lambda r: (("units", r.get(key)),))


def _joined(key: str, header: str, names: str = "") -> Column:
    """A short list in one cell, separated by "；" (ids, or the names of the ids with ``names``)."""
    if names:
        return Column(f"{key}_names", header, "string", lambda s, r: "；".join(s.name(names, i) for i in r.get(key) or []) or None,
                      refs=lambda r: [(names, i) for i in r.get(key) or []])
    return Column(key, header, "string", lambda _s, r: "；".join(r.get(key) or []) or None)


def _own(kind: str) -> Callable[[SiteData], list[tuple[Source, Row]]]:
    """A table of one row a record: the kind's public views as they are."""
    return lambda s: [((kind, key), row) for key, row in dict.items(getattr(s, kind))]


def _honour_rows(site: SiteData) -> list[tuple[Source, Row]]:
    """Newest first, then by holder and name; ties as ``SiteData.honours`` orders them (level, holder's name, masters
    first). One copy and one sort of 100,000 honours at L (made from ``honours()`` and sorted again, they took twice
    the time, in the process that writes the open data while every core is busy)."""
    rows = [((kind, view["id"]), {**h, "holder_kind": label, "holder": view["id"], "holder_name": view["name"]})
            for kind, label in (("masters", "名匠"), ("studios", "工作室"))
            for view in dict.values(getattr(site, kind)) for h in view["honours"]]
    rank = {level: i for i, level in enumerate(HONOUR_LEVELS)}
    rows.sort(key=lambda r: (-r[1]["year"], r[1]["holder"], r[1]["name"], rank.get(r[1]["level"], 99), r[1]["holder_name"]))
    return rows


def _honour_count(site: SiteData) -> int:
    return sum(len(m["honours"]) for m in dict.values(site.masters)) + sum(len(s["honours"]) for s in dict.values(site.studios))


TABLES: tuple[Table, ...] = (
    Table("programmes", "活动", "各地的工作室建设、师徒结对和技能人才评选活动", _own("programmes"), (
        _field("id", "编号"), _field("name", "名称"),
        Column("kind", "类型", "string", lambda _s, r: KIND_NAMES.get(r["kind"], r["kind"])),
        _field("issuer", "发文单位"), _field("document_no", "文号"), _field("issued", "发文日期", "date"),
        _field("start_year", "开始年份", "year"), _field("years", "年限", "integer"), _field("target", "总目标", "integer"),
        _field("description", "说明"))),
    Table("quotas", "任务分配", "师徒结对活动分配给各单位的任务（附件4）",
          lambda s: [(("programmes", k), {**q, "programme": p["id"]}) for k, p in dict.items(s.programmes) for q in p["quotas"]], (
        _field("programme", "活动编号"), _name("programmes", "programme", "活动名称"),
        _field("unit", "单位编号"), _unit_name("unit", "单位名称"), _field("years", "年限", "integer"), _field("target", "任务（对）", "integer")),
          count=lambda s: sum(len(p["quotas"]) for p in dict.values(s.programmes))),
    Table("units", "单位", "依托单位、结对单位和主管部门", _own("units"), (
        _field("id", "编号"), _field("name", "名称"), _field("short_name", "简称"), _field("type", "类型"),
        _field("region", "地区"), _field("industry", "行业"), _field("parent", "上级单位编号"), _unit_name("parent", "上级单位名称"),
        _field("description", "简介"))),
    Table("masters", "名匠", "劳模、工匠、技能大师和带徒师傅", _own("masters"), (
        _field("id", "编号"), _field("name", "姓名"), _field("gender", "性别"), _field("unit", "单位编号"), _unit_name("unit", "单位名称"),
        _field("department", "部门"), _field("post", "岗位"), _field("trade", "工种"), _field("skill_level", "技术等级"),
        _field("title", "职称"), _field("education", "学历"), _field("bio", "简介"))),
    Table("talent", "技能人才", "名匠入选技能人才评选的层级和年份",
          lambda s: [(("masters", k), {**t, "master": m["id"]}) for k, m in dict.items(s.masters) for t in m["talent"]], (
        _field("master", "名匠编号"), _name("masters", "master", "姓名"), _field("programme", "活动编号"), _name("programmes", "programme", "活动名称"),
        _field("tier", "层级"), _field("year", "入选年份", "year")),
          count=lambda s: sum(len(m["talent"]) for m in dict.values(s.masters))),
    Table("honours", "荣誉", "名匠和工作室获得的荣誉，一项荣誉一行", _honour_rows, (
        _field("holder_kind", "获得者类型", description="名匠或工作室"), _field("holder", "获得者编号"), _field("holder_name", "获得者"),
        _field("name", "荣誉"), _field("level", "级别"), _field("year", "年份", "year"), _field("issuer", "授予单位")),
          count=_honour_count),
    Table("studios", "工作室", "劳模创新、工匠人才创新、名师和技能大师工作室", _own("studios"), (
        _field("id", "编号"), _field("name", "名称"), _field("type", "类型"), _field("level", "级别"), _field("field", "领域"),
        _field("programme", "活动编号"), _name("programmes", "programme", "活动名称"),
        _field("unit", "依托单位编号"), _unit_name("unit", "依托单位名称"), _field("mode", "创办方式"),
        _joined("partner_units", "合作单位编号"), _joined("partner_units", "合作单位名称", "units"),
        _field("leader", "领办人编号"), _name("masters", "leader", "领办人"),
        _joined("members", "团队成员编号"), _joined("members", "团队成员", "masters"),
        _field("learners", "固定学员（人）", "integer"), _field("established", "成立日期", "date"), _field("named", "命名日期", "date"),
        _field("area_m2", "场地面积（平方米）", "integer"), _field("status", "状态"), _field("description", "简介"))),
    Table("pairs", "师徒结对", "师徒结对协议（徒弟姓名已遮挡）", _own("pairs"), (
        _field("id", "编号"), _field("programme", "活动编号"), _name("programmes", "programme", "活动名称"),
        _field("unit", "单位编号"), _unit_name("unit", "单位名称"), _field("master", "师傅编号"), _name("masters", "master", "师傅"),
        _field("studio", "工作室编号"), _name("studios", "studio", "工作室"), _field("apprentice", "徒弟（遮挡）"),
        _field("apprentice_master", "徒弟成为名匠后的编号"), _field("department", "部门"),
        _field("start", "开始日期", "date"), _field("end", "结束日期", "date"), _field("status", "状态"),
        _field("stages_total", "培养阶段数", "integer"), _field("stages_done", "已完成阶段", "integer"),
        _field("evaluation_result", "期满鉴定"), _field("renews", "续签自（协议编号）"))),
)

TYPE_NAMES = {"string": "文字", "integer": "整数", "date": "日期", "year": "年份"}

# One JSON file a kind of record (the nested public views), as before.
JSON_FILES = [(kind.folder, kind.label) for kind in KINDS]


def counts(site: SiteData) -> list[tuple[Table, int]]:
    return [(table, table.count(site) if table.count is not None else len(table.rows(site))) for table in TABLES]


class _Collected(list[str]):
    """What ``csv.writer`` writes, a line an item (it writes each row in one call)."""

    def write(self, line: str) -> None:
        self.append(line)


def to_csv(table: Table, lines: Iterable[str]) -> str:
    """The table's CSV text: the header, then the rows' lines (``_csv_line``)."""
    out = _Collected()
    csv.writer(out, lineterminator="\n").writerow([c.header for c in table.columns])
    return "".join([*out, *lines])


@dataclass(slots=True)
class Written:
    """What ``write`` wrote: each table with its number of rows, and each CSV line by its inputs' digest (for the next build)."""

    tables: list[tuple[Table, int]] = field(default_factory=list)
    lines: Lines = field(default_factory=dict)


def _write_json_files(site: SiteData, folder: Path) -> dict[Source, bytes]:
    """Each kind's JSON file, as ``orjson.dumps(views, option=OPT_INDENT_2)`` writes it, made of each view's own
    dump and written as it is made (at L the masters' file is 65 MB: kept whole, it and its parts were most of the
    memory of the process writing the open data); returns a digest of each view's dump (what the view holds)."""
    digests: dict[Source, bytes] = {}
    for stem, _label in JSON_FILES:
        with open(folder / f"{stem}.json", "wb", buffering=_BUFFER) as out:
            glue = b"[\n  "
            for key, view in dict.items(getattr(site, stem)):  # dict's own: no page's dependency is noted here
                part = orjson.dumps(view, option=orjson.OPT_INDENT_2)
                digests[(stem, key)] = hashlib.blake2b(part, digest_size=12).digest()
                out.write(glue)
                out.write(part.replace(b"\n", b"\n  "))
                glue = b",\n  "
            out.write(b"[]\n" if glue == b"[\n  " else b"\n]\n")
    return digests


_BUFFER = 1 << 20  # the open data's files are written a row at a time: in large blocks

_MISSING = bytes(12)  # the digest of a record that is not there (every digest has this width)


def _table_lines(site: SiteData, table: Table, digests: Mapping[Source, bytes], known: Mapping[str, str]) -> list[tuple[str, str]]:
    """The table's CSV lines in order, each with its key: a digest of its inputs' digests (each of the
    same width, side by side). A line whose key ``known`` has is taken from there."""
    named = [column.refs for column in table.columns if column.refs is not None]
    made = _Collected()
    writer = csv.writer(made, lineterminator="\n")
    seen: dict[Source, int] = {}
    lines: list[tuple[str, str]] = []
    for source, row in table.rows(site):
        nth = seen[source] = seen.get(source, -1) + 1  # its place among its record's rows
        inputs = [digests.get(source, _MISSING), nth.to_bytes(4, "big")]
        for refs in named:
            inputs += [digests.get(ref, _MISSING) for ref in refs(row)]
        key = hashlib.blake2b(b"".join(inputs), digest_size=16).hexdigest()
        line = known.get(key)
        if not isinstance(line, str):  # none, or a damaged file's
            writer.writerow([csv_cell(column.value(site, row)) for column in table.columns])
            line = made.pop()
        lines.append((key, line))
    return lines


def read_lines(path: Path | None, key: str) -> Lines:
    """The lines a build saved in ``path`` (``save_lines``), when made under ``key`` (the same code), else none.
    Taken as parsed (copied, they were 100 MB more at L): a line of another type is never used (``_table_lines``)."""
    try:
        data = orjson.loads(path.read_bytes()) if path is not None else None
    except (OSError, ValueError):
        return {}  # unreadable: every line is made again
    if isinstance(data, dict) and data.get("key") == key and isinstance(data.get("tables"), dict):
        return {table: lines for table, lines in data["tables"].items() if isinstance(lines, dict)}
    return {}


def save_lines(path: Path, key: str, lines: Lines) -> None:
    """Each table's lines by their inputs' digest, for the next build (``read_lines``): a file of their own, read and
    written by the process that writes the open data (at L they were most of the build's records, which the main
    process read and wrote at every build). A table at a time: the whole file is 47 MB at L."""
    with open(path, "wb", buffering=_BUFFER) as out:
        out.write(b'{"key":' + orjson.dumps(key) + b',"tables":{')
        for n, (table, table_lines) in enumerate(lines.items()):
            out.write(b"," * (n > 0) + orjson.dumps(table) + b":" + orjson.dumps(table_lines))
        out.write(b"}}")


def write(site: SiteData, folder: Path, known: Mapping[str, Mapping[str, str]] | None = None) -> Written:
    """The CSV and JSON files and the data package in ``folder``. ``known``: the last build's lines
    (``Written.lines``), taken again for a row whose inputs are the same: give them only when they
    were made by the same code (the build's key)."""
    folder.mkdir(parents=True, exist_ok=True)
    digests = _write_json_files(site, folder)
    written = Written()
    for table in TABLES:
        lines = _table_lines(site, table, digests, (known or {}).get(table.stem, {}))
        # A BOM so that Excel opens the Chinese text correctly.
        with open(folder / f"{table.stem}.csv", "w", encoding="utf-8", buffering=_BUFFER) as out:
            out.write("\ufeff" + to_csv(table, ()))
            for _, line in lines:
                out.write(line)
        written.tables.append((table, len(lines)))
        written.lines[table.stem] = dict(lines)
    (folder / "datapackage.json").write_text(json.dumps(datapackage(written.tables), ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    return written


def datapackage(tables: list[tuple[Table, int]]) -> dict[str, Any]:
    resources: list[dict[str, Any]] = [{
        "name": table.stem, "path": f"{table.stem}.csv", "title": table.label, "description": table.description,
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "profile": "tabular-data-resource",
        "schema": {"fields": [{"name": c.header, "title": c.key, "type": c.type,
                               "description": f"英文键 {c.key}" + (f"；{c.description}" if c.description else "")}
                              for c in table.columns]},
    } for table, _count in tables]
    resources += [{"name": f"{stem}-json", "path": f"{stem}.json", "title": f"{label}（JSON）", "format": "json",
                   "mediatype": "application/json", "encoding": "utf-8", "profile": "data-resource"}
                  for stem, label in JSON_FILES]
    return {"profile": "data-package", "name": "jiangpu-registry", "title": "匠谱 · 工作室与名匠开放数据",
            "description": "登记册中可公开的内容：不含任何不公开信息，徒弟只保留遮挡后的姓名。CSV 中以 = + - @ Tab 回车开头的文字前加了英文单引号。",
            "resources": resources}

