"""Rules on text that people read as names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.formulas import FORMULA_TRIGGERS
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


def _offending(data: dict[str, Any], pattern: tuple[str, ...]) -> Iterator[tuple[Key, str]]:
    """Values at ``pattern`` (``name``, ``a.b`` or ``list.*.b``) that start like a formula.

    Written out for the three shapes rather than recursive: it runs for every record."""
    head = data.get(pattern[0])
    if head is None:
        return
    if len(pattern) == 1:
        if isinstance(head, str) and head.startswith(FORMULA_TRIGGERS):
            yield (pattern[0],), head
        return
    last = pattern[-1]
    if pattern[1] == "*":
        items = enumerate(head) if isinstance(head, list) else ()
        for index, item in items:
            value = item.get(last) if isinstance(item, dict) else None
            if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                yield (pattern[0], index, last), value
    elif isinstance(head, dict):
        value = head.get(last)
        if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
            yield (pattern[0], last), value


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
            for key, value in _offending(record.data, pattern):
                yield Finding(record.src, f"名称不能以 {_shown(value)} 开头：表格软件会把这样的内容当作公式执行，"
                                          "请删去开头的符号", key)
