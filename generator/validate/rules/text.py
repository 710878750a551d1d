"""Rules on text that people read as names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.characters import describe, unwanted
from generator.formulas import FORMULA_TRIGGERS
from generator.load.yamlfile import Key
from generator.model.build import RecordData
from generator.validate.rules import Finding, record_rule

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


@record_rule("text.formula")
def names_are_not_formulas(record: RecordData) -> Iterator[Finding]:
    for pattern in NAME_FIELDS.get(record.kind, ()):
        for key, value in _offending(record.data or {}, pattern):
            yield Finding(record.src, f"名称不能以 {_shown(value)} 开头：表格软件会把这样的内容当作公式执行，"
                                      "请删去开头的符号", key)


def _strings(value: Any, key: Key) -> Iterator[tuple[Key, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for child, item in value.items():
            yield from _strings(item, (*key, child))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*key, index))


def _is_name(kind: str, key: Key) -> bool:
    shape = tuple("*" if isinstance(part, int) else part for part in key)
    return shape in NAME_FIELDS.get(kind, ()) or shape[-1:] in (("name",), ("id",))


def control_problems(kind: str, data: dict[str, Any]) -> Iterator[tuple[Key, str]]:
    """Each value holding a character it must not, with the Chinese message (the rule and the editor)."""
    for key, value in _strings(data, ()):
        if unwanted(value, True) is None:  # clean for a name, so for free text too (its set is the smaller): most text
            continue
        name = _is_name(kind, key)
        found = unwanted(value, name)
        if found is not None:
            yield key, (f"{'名称' if name else '文字'}中有看不见的字符（{describe(found)}），通常是从别处复制时带进来的："
                        "请删去这个字符后重新输入这一项")


@record_rule("text.control")
def no_invisible_characters(record: RecordData) -> Iterator[Finding]:
    for key, message in control_problems(record.kind, record.data or {}):
        yield Finding(record.src, message, key)


_OPENING = "“‘「『\"'"
_WRAPPED = re.compile(rf"^[{_OPENING}].*[”’」』\"']$", re.S)


@record_rule("text.quotes")
def names_are_not_quoted(record: RecordData) -> Iterator[Finding]:
    """A name typed with the input method's quotes (“周强”) keeps them as part of the name."""
    for key, value in _strings(record.data or {}, ()):
        # The cheap tests first: this runs for every string of every record.
        if len(value) > 2 and value[0] in _OPENING and _WRAPPED.match(value) and key[-1] != "id" and _is_name(record.kind, key):
            yield Finding(record.src, f"名称“{value[:40]}”两端带着引号：输入法加上的引号会成为名字的一部分，请删去两端的引号", key)
