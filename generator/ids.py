"""Ids for new records: pinyin of a name, or the next number of a year for pairs.

Below every stage: ``new``, ``import`` and the editor's suggestions all number
records the same way.
"""

from __future__ import annotations

import re
from collections import Counter

from generator.files import ID_RE

PAIR_ID = re.compile(r"^(?P<prefix>[a-z0-9-]+?)-(?P<year>\d{4})-(?P<n>\d+)$")


class PairNumbers:
    """Pair ids like the existing ones, <prefix>-<year>-<nnn>: the prefix and each year's highest
    number are read once, so that numbering a ledger of thousands of rows stays linear."""

    def __init__(self, taken: set[str]) -> None:
        matches = [m for m in (PAIR_ID.match(p) for p in taken) if m]
        self.prefix = Counter(m["prefix"] for m in matches).most_common(1)[0][0] if matches else "pair"
        self.highest: Counter[int] = Counter()
        for m in matches:
            if m["prefix"] == self.prefix:
                self.highest[int(m["year"])] = max(self.highest[int(m["year"])], int(m["n"]))

    def next(self, year: int) -> str:
        self.highest[year] += 1
        return f"{self.prefix}-{year}-{self.highest[year]:03d}"


def pinyin_id(name: str, taken: set[str], person: bool) -> str:
    """An id from a name in pinyin: 王小军 → wang-xiaojun (a person), 示例电机厂 → shilidianjichang."""
    from pypinyin import lazy_pinyin

    syllables = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in lazy_pinyin(name)]
    syllables = [s for s in syllables if s]
    if person and len(syllables) > 1:
        stem = f"{syllables[0]}-{''.join(syllables[1:])}"
    else:
        stem = "".join(syllables)
    stem = (stem or "record")[:56].strip("-")
    chosen, n = stem, 2
    while chosen in taken or not ID_RE.match(chosen):
        chosen, n = f"{stem}-{n}", n + 1
    return chosen
