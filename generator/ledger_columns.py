"""The ledger's columns (台账的列): one table that ``export`` writes and ``import`` reads.

Below both stages, so that the import (load) never reaches up into a renderer:
each column is a field path with the header the export writes, and
``ledger_words.yml`` beside this module adds the words offices and the seed
forms use for the same fields (文化程度, 结对期限·起, 三方盖章·工会 ...).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.kinds import PRIVATE_LABELS, Kind
from generator.resources import load_schema

FieldPath = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Column:
    path: FieldPath  # inside the record (or, on a list sheet, inside the item)
    header: str
    spec: dict[str, Any] = field(default_factory=dict, compare=False)
    names_of: str | None = None  # set on a name column: the kind whose names it shows

    @property
    def is_date(self) -> bool:
        return self.spec.get("format") == "date"

    def raw(self, record: dict[str, Any]) -> Any:
        current: Any = record
        for key in self.path:
            if not isinstance(current, dict):
                return None
            current = current.get(key)
        return current


def allowed(kind: Kind, dotted: str, include_private: bool) -> bool:
    if include_private:
        return True
    return dotted in kind.ledger or any(entry.startswith(dotted + ".") for entry in kind.ledger)


def name_header(title: str, kind: str) -> str:
    # 师傅 → 师傅姓名, 单位 → 单位名称, 发文单位编号 → 发文单位名称
    stem = title[:-2] if title.endswith("编号") else title
    return f"{stem}{'姓名' if kind == 'master' else '名称'}"


def sheet_columns(kind: Kind, records: list[dict[str, Any]], include_private: bool) -> list[Column]:
    """The main sheet's columns, in the schema's order (``import`` reads the same headers back)."""
    found: list[Column] = []

    def walk(props: dict[str, Any], prefix: FieldPath, title: str) -> None:
        for name, spec in props.items():
            path = prefix + (name,)
            dotted = ".".join(path)
            if name == "private":
                if include_private:
                    keys = sorted({k for r in records for k in (Column(path, "").raw(r) or {})})
                    found.extend(Column(path + (k,), f"{title}不公开·{PRIVATE_LABELS.get(k, k)}") for k in keys)
                continue
            if not allowed(kind, dotted, include_private) or dotted in kind.ledger_lists:
                continue
            whole = dotted in kind.ledger or name == "rules"
            if spec.get("type") == "object" and "properties" in spec and not whole:
                walk(spec["properties"], path, f"{title}{spec['title']}·")
                continue
            found.append(Column(path, title + spec["title"], spec))
            target = kind.references.get(dotted) or kind.references.get(dotted + ".*")
            if target and target != "pair":
                found.append(Column(path, name_header(title + spec["title"], target), spec, names_of=target))

    walk(load_schema(kind.name)["properties"], (), "")
    return found


def owner_columns(kind: Kind) -> list[Column]:
    props = load_schema(kind.name)["properties"]
    owner = [Column(("id",), f"{kind.label}编号", props["id"])]
    if kind.name_field:
        owner.append(Column((kind.name_field,), name_header(kind.label, kind.name), props[kind.name_field]))
    elif kind.name == "pair":
        owner.append(Column(("apprentice", "name"), "徒弟姓名", props["apprentice"]["properties"]["name"]))
    return owner


def list_sheet_names(kind: Kind, list_field: str) -> tuple[str, str]:
    """A list's sheet title (名匠·所获荣誉) and its CSV file's suffix (master-honours)."""
    return f"{kind.label}·{load_schema(kind.name)['properties'][list_field]['title']}", f"{kind.name}-{list_field}"


def item_columns(kind: Kind, list_field: str) -> list[Column]:
    """A list sheet's columns for the item's fields, a name beside each id (``import`` reads them back)."""
    items: list[Column] = []
    for name, item_spec in load_schema(kind.name)["properties"][list_field]["items"]["properties"].items():
        items.append(Column((name,), item_spec["title"], item_spec))
        target = kind.references.get(f"{list_field}.*.{name}")
        if target:
            items.append(Column((name,), name_header(item_spec["title"], target), item_spec, names_of=target))
    return items


@dataclass(frozen=True, slots=True)
class LedgerWords:
    """One kind's words from ledger_words.yml (what each section means is said in that file)."""

    fields: dict[str, str]  # header (or 组名·列名) -> dotted field
    groups: dict[str, str]  # a group header as written -> its one name
    sides: dict[str, str]  # a group's name -> the person whose columns it gathers (master, apprentice)
    ranges: dict[str, tuple[str, str]]  # header -> (start field, end field), both dates in one cell


_SIDE_FIELDS = {"师傅": "master", "徒弟": "apprentice"}


@functools.cache
def _words_file() -> dict[str, Any]:
    loaded = yaml.safe_load((Path(__file__).parent / "ledger_words.yml").read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


@functools.cache
def ledger_words(kind: str) -> LedgerWords:
    section = _words_file().get(kind) or {}
    fields = {word: dotted for dotted, words in (section.get("fields") or {}).items() for word in words}
    # A person's group is a group too (师傅基本情况 is read as 师傅): its one name, then whose it is.
    named = {**(section.get("groups") or {}), **(section.get("sides") or {})}
    groups = {word: name for name, words in named.items() for word in words}
    sides = {name: _SIDE_FIELDS[name] for name in section.get("sides") or {}}
    ranges: dict[str, tuple[str, str]] = {}
    for pair, words in (section.get("ranges") or {}).items():
        start, end = pair.split("..")
        ranges.update({word: (start, end) for word in words})
    return LedgerWords(fields, groups, sides, ranges)
