"""Rules on text that people read as names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.formulas import starts_like_formula
from generator.load.yamlfile import Key
from generator.validate.rules import Context, Finding, rule

# Fields that name a person, studio, unit, honour, trade or title, per kind
# ("*" is every item of a list). No real name starts with = + - @ or a tab,
# so such a value can only be a spreadsheet formula smuggled into the ledger.
NAME_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "programme": (("name",), ("issuer",), ("tiers", "*", "name")),
    "unit": (("name",), ("short_name",), ("region",), ("industry",)),
    "master": (("name",), ("department",), ("post",), ("trade",), ("title",),
               ("honours", "*", "name"), ("honours", "*", "issuer")),
    "studio": (("name",), ("honours", "*", "name"), ("honours", "*", "issuer")),
    "pair": (("department",), ("apprentice", "name"), ("apprentice", "trade"), ("apprentice", "department"),
             ("apprentice", "post"), ("apprentice", "title")),
}


def _values(data: Any, pattern: tuple[str, ...], key: Key = ()) -> Iterator[tuple[Key, Any]]:
    if not pattern:
        yield key, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from _values(item, rest, key + (index,))
    elif isinstance(data, dict) and head in data:
        yield from _values(data[head], rest, key + (head,))


def _shown(text: str) -> str:
    # A tab or carriage return would be invisible in the message.
    first = {"\t": "Tab", "\r": "回车符"}.get(text[0], text[0])
    return f"“{first}”"


@rule("text.formula")
def names_are_not_formulas(ctx: Context) -> Iterator[Finding]:
    for record in ctx.records:
        if record.data is None:
            continue
        for pattern in NAME_FIELDS.get(record.kind, ()):
            for key, value in _values(record.data, pattern):
                if isinstance(value, str) and value and starts_like_formula(value):
                    yield Finding(record.src, f"名称不能以 {_shown(value)} 开头：表格软件会把这样的内容当作公式执行，"
                                              "请删去开头的符号", key)
