"""``new``: one new record file from a commented template, with the next free id."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.load.discover import FOLDERS, ID_RE
from generator.model.entities import Registry

TEMPLATES = Path(__file__).resolve().parents[1] / "site_templates" / "records"
FOLDER_OF = {kind: folder for folder, kind in FOLDERS.items()}
_PAIR_ID = re.compile(r"^(?P<prefix>[a-z0-9-]+?)-(?P<year>\d{4})-(?P<n>\d+)$")


class ScaffoldError(Exception):
    """The file cannot be written; the message is for the user (Chinese)."""


@dataclass(frozen=True, slots=True)
class NewRecord:
    path: Path
    text: str


def next_pair_id(registry: Registry, today: date) -> str:
    """Like the existing pairs: <prefix>-<year>-<nnn>, the next number of this year."""
    matches = [m for m in (_PAIR_ID.match(p) for p in registry.ids.get("pair", set())) if m]
    prefix = Counter(m["prefix"] for m in matches).most_common(1)[0][0] if matches else "pair"
    taken = [int(m["n"]) for m in matches if m["prefix"] == prefix and int(m["year"]) == today.year]
    return f"{prefix}-{today.year}-{max(taken, default=0) + 1:03d}"


def next_id(kind: str, registry: Registry, today: date) -> str:
    if kind == "pair":
        return next_pair_id(registry, today)
    taken = registry.ids.get(kind, set())
    n = 1
    while f"{kind}-{n:03d}" in taken:
        n += 1
    return f"{kind}-{n:03d}"


def new_record(kind: str, records: Path, registry: Registry, today: date, record_id: str | None = None) -> NewRecord:
    chosen = record_id or next_id(kind, registry, today)
    if not ID_RE.match(chosen):
        raise ScaffoldError(f"编号“{chosen}”不合规：只能用小写字母、数字和连字符，以字母或数字开头")
    path = records / FOLDER_OF[kind] / f"{chosen}.yml"
    if path.exists() or chosen in registry.ids.get(kind, set()):
        raise ScaffoldError(f"{path} 已存在（或编号已被使用），不会覆盖")
    pairing = sorted(p.id for p in registry.programmes.values() if p.kind == "pairing")
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, keep_trailing_newline=True)
    text = env.get_template(f"{kind}.yml.j2").render(
        id=chosen, today=today.isoformat(), year=today.year, programme=pairing[0] if len(pairing) == 1 else "")
    return NewRecord(path, text)


def write_new(record: NewRecord) -> None:
    record.path.parent.mkdir(parents=True, exist_ok=True)
    with open(record.path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(record.text)
