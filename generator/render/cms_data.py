"""What the web editor knows of the registry (``admin/editor.json``), for the clerk's form.

The editor suggests an id (the pinyin of a name, or the next pair number of the
programme and year), refuses one already taken, and before a withdrawal lists the
records that refer to this one. On the published site there is no server to ask,
so the build writes what those need: every id with its public name, who refers to
whom, each programme's pair-number prefix and a character → pinyin table.

/admin/ is public like the rest of the site: only what the site itself shows is
here (apprentices by their masked name, nothing from ``private``).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from typing import Any

from generator.ids import PAIR_ID
from generator.kinds import BY_NAME, KINDS
from generator.model.entities import Registry, mask_name
from generator.render import readings


def _label(registry: Registry, kind: str, record: Any) -> str:
    if kind == "pair":
        master = registry.masters.get(record.master)
        return f"师傅 {master.name if master else record.master}，徒弟 {mask_name(record.apprentice.name)}"
    return str(getattr(record, BY_NAME[kind].name_field or "id"))


def _targets(value: Any, path: list[str]) -> Iterator[str]:
    """The ids found at a reference path (``quotas.*.unit``) of a model object."""
    if not path:
        if isinstance(value, str):
            yield value
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for item in value or ():
            yield from _targets(item, rest)
    elif value is not None:
        yield from _targets(getattr(value, head, None), rest)


def referrers(registry: Registry) -> dict[str, list[list[str]]]:
    """"units/x" -> [["masters/li-jun", "名匠 李军"], ...]: who would be left pointing at nothing."""
    found: dict[str, list[list[str]]] = {}
    for kind in KINDS:
        for rid, record in getattr(registry, kind.folder).items():
            shown = f"{kind.label} {_label(registry, kind.name, record)}（{rid}）"
            for dotted, target in kind.references.items():
                for value in set(_targets(record, dotted.split("."))):
                    found.setdefault(f"{BY_NAME[target].folder}/{value}", []).append([f"{kind.folder}/{rid}", shown])
    return {key: sorted(rows) for key, rows in sorted(found.items())}


def pair_prefixes(registry: Registry) -> dict[str, str]:
    """Each programme's pair-number prefix (taoyuan in taoyuan-2026-003), the one its pairs use most."""
    counts: dict[str, Counter[str]] = {}
    for pair in registry.pairs.values():
        match = PAIR_ID.match(pair.id)
        if match:
            counts.setdefault(pair.programme, Counter())[match["prefix"]] += 1
    return {programme: counter.most_common(1)[0][0] for programme, counter in sorted(counts.items())}


@functools.cache
def pinyin_table() -> dict[str, str]:
    """Every GB 2312 hanzi → its most common reading, as the import's ids read it (pypinyin; kept
    between builds, readings.py)."""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return dict(zip(chars, readings.reading("gb2312", "".join(chars), lambda _: _plain(chars)), strict=True))


def _plain(chars: list[str]) -> list[str]:
    from pypinyin import lazy_pinyin

    return list(lazy_pinyin(chars))


def editor_data(registry: Registry) -> dict[str, Any]:
    ids: dict[str, dict[str, str]] = {}
    for kind in KINDS:
        table = getattr(registry, kind.folder)
        shown = {rid: _label(registry, kind.name, record) for rid, record in table.items()}
        for rid in registry.ids.get(kind.name, set()) - set(shown):  # withdrawn or broken: taken all the same
            shown[rid] = registry.withdrawn.get(kind.name, {}).get(rid, "（记录有错误）")
        ids[kind.folder] = dict(sorted(shown.items()))
    extra = {c for names in ids.values() for name in names.values() for c in name if "\u4e00" <= c <= "\u9fff"}
    table = pinyin_table()
    if extra - set(table):  # a rare character in a name: its reading too
        rare = sorted(extra - set(table))
        table = {**table, **{char: readings.reading("plain", char, lambda c: _plain([c]))[0] for char in rare}}
    return {"ids": ids, "referrers": referrers(registry), "pair_prefixes": pair_prefixes(registry), "pinyin": table}
