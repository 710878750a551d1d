"""``new``: one new record file from a commented template, with the next free id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.files import ID_RE, record_path
from generator.ids import PairNumbers
from generator.kinds import BY_NAME, PROGRAMME_KINDS
from generator.model.entities import Programme, Registry
from generator.resources import TEMPLATE_DIR

TEMPLATES = TEMPLATE_DIR / "records"


class ScaffoldError(Exception):
    """The file cannot be written; the message is for the user (Chinese)."""


@dataclass(frozen=True, slots=True)
class NewRecord:
    path: Path
    text: str
    note: str = ""  # what the person still has to decide (the programme), or ""


def next_pair_id(taken: set[str], year: int) -> str:
    """The next pair id of that year (``new``, ``import``)."""
    return PairNumbers(taken).next(year)


def next_id(kind: str, registry: Registry, today: date) -> str:
    if kind == "pair":
        return next_pair_id(registry.ids.get("pair", set()), today.year)
    taken = registry.ids.get(kind, set())
    n = 1
    while f"{kind}-{n:03d}" in taken:
        n += 1
    return f"{kind}-{n:03d}"


def running(registry: Registry, programme_kind: str, today: date) -> list[Programme]:
    """Programmes of that kind whose years include today's."""
    found = [p for p in registry.programmes.values()
             if p.kind == programme_kind and p.start_year <= today.year <= p.end_year]
    return sorted(found, key=lambda p: p.id)


def choose_programme(kind: str, registry: Registry, today: date, wanted: str | None) -> tuple[str, str]:
    """The programme to pre-fill and, when none is certain, a note on what to choose.

    A programme named with ``--programme`` must exist and be of the right kind;
    otherwise the one programme running today is taken, never one that has ended."""
    programme_kind = BY_NAME[kind].programme_kind
    if programme_kind is None:
        return "", ""
    label = PROGRAMME_KINDS[programme_kind]
    if wanted:
        found = registry.programmes.get(wanted)
        if found is None or found.kind != programme_kind:
            options = "、".join(p.id for p in registry.programmes.values() if p.kind == programme_kind) or "没有"
            raise ScaffoldError(f"没有编号为“{wanted}”的{label}活动（可选：{options}）")
        return wanted, ""
    now = running(registry, programme_kind, today)
    if len(now) == 1:
        return now[0].id, ""
    if now:
        listed = "、".join(f"{p.id}（{p.name}）" for p in now)
        return "", f"今天有 {len(now)} 个正在进行的{label}活动，请在 programme 中填写其中一个：{listed}"
    return "", f"今天（{today}）没有正在进行的{label}活动：请先新建活动，或在 programme 中填写活动编号"


def new_record(kind: str, records: Path, registry: Registry, today: date, record_id: str | None = None,
               programme: str | None = None) -> NewRecord:
    chosen = record_id or next_id(kind, registry, today)
    if not ID_RE.match(chosen):
        raise ScaffoldError(f"编号“{chosen}”不合规：只能用小写字母、数字和连字符，以字母或数字开头")
    path = record_path(records, BY_NAME[kind].folder, chosen)
    if path.exists() or chosen in registry.ids.get(kind, set()):
        raise ScaffoldError(f"{path} 已存在（或编号已被使用），不会覆盖")
    programme_id, note = choose_programme(kind, registry, today, programme)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined, keep_trailing_newline=True)
    text = env.get_template(f"{kind}.yml.j2").render(
        id=chosen, today=today.isoformat(), year=today.year, programme=programme_id, programme_note=note)
    return NewRecord(path, text, note)


def write_new(record: NewRecord) -> None:
    record.path.parent.mkdir(parents=True, exist_ok=True)
    with open(record.path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(record.text)
