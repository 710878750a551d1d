"""Rules on dates as typed: a year slip (1907 for 2007) and an event dated after today.

These are sanity bounds, not programme policy (like the age bounds of ``master``): every
programme, unit, honour and agreement recorded here belongs to the People's Republic, so a
date before its founding is a typing mistake; and what a record says has happened (an
agreement signed, a seal given, a studio named) cannot have happened tomorrow. The editor's
field checks are generated from the same tables (``generator.render.cms``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

from generator.load.yamlfile import Key
from generator.resources import field_title, load_schema
from generator.validate.rules import Context, Finding, rule

EARLIEST = date(1949, 10, 1)
# Dates of things that have happened when they are written down (dotted; "*" is every item).
PAST_ONLY: dict[str, tuple[str, ...]] = {
    "pair": ("signed", "approvals.administration", "approvals.union", "approvals.hr", "evaluation.date", "terminated.date",
             "withdrawn.date"),
    "studio": ("established", "named", "withdrawn.date"),
    "master": ("withdrawn.date",),
    "unit": ("withdrawn.date",),
    "programme": ("issued",),
}


@cache
def date_fields(kind: str) -> tuple[tuple[str, ...], ...]:
    """Every date field of a kind's schema, as shapes ("*" for each item of a list)."""
    found: list[tuple[str, ...]] = []

    def walk(spec: dict[str, Any], prefix: tuple[str, ...]) -> None:
        if spec.get("format") == "date":
            found.append(prefix)
        for name, sub in spec.get("properties", {}).items():
            walk(sub, prefix + (name,))
        if isinstance(spec.get("items"), dict):
            walk(spec["items"], prefix + ("*",))

    walk(load_schema(kind), ())
    return tuple(found)


def _values(value: Any, shape: tuple[str, ...], key: Key = ()) -> Iterator[tuple[Key, Any]]:
    if "*" not in shape:  # most date fields: looked up directly (the walk below took 0.2 s over M's 12,000 records)
        for head in shape:
            if not isinstance(value, dict) or head not in value:
                return
            value = value[head]
        yield (*key, *shape), value
        return
    if not shape:
        yield key, value
        return
    head, rest = shape[0], shape[1:]
    if head == "*":
        for index, item in enumerate(value if isinstance(value, list) else ()):
            yield from _values(item, rest, (*key, index))
    elif isinstance(value, dict) and head in value:
        yield from _values(value[head], rest, (*key, head))


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None  # the schema says so already


def range_problem(kind: str, shape: tuple[str, ...], day: date, today: date) -> str | None:
    """What is wrong with one date of a record, or None (the rule and the editor's checks)."""
    if day >= EARLIEST and day <= today:  # most dates: no title looked up (20,000 at M)
        return None
    title = field_title(kind, shape)
    if day < EARLIEST:
        return f"“{title}”{day} 早于 1949 年 10 月 1 日，不可能是这里记录的日期：请检查年份（如 1907 是否应为 2007）"
    if ".".join(shape) in PAST_ONLY.get(kind, ()) and day > today:
        return f"“{title}”{day} 晚于今天（{today}）：这是已经发生的事的日期，不能填将来的日子"
    return None


@rule("date.range")
def dates_in_range(ctx: Context) -> Iterator[Finding]:
    low, high = EARLIEST.isoformat(), ctx.today.isoformat()
    for record in ctx.records:
        if record.data is None:
            continue
        for shape in date_fields(record.kind):
            for key, value in _values(record.data, shape):
                if type(value) is str and len(value) == 10 and low <= value <= high:
                    continue  # most dates (as the cache gives them): in range, compared as written, not parsed
                day = _as_date(value)
                problem = range_problem(record.kind, shape, day, ctx.today) if day else None
                if problem:
                    yield Finding(record.src, problem, key)
