"""The existing ids a mistyped one most resembles (是不是 taoyuan-demo-motor？): one measure for the
gate's ``ref`` rule and the ledger import, so both suggest the same ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_ids(typed: str, ids: Iterable[str], count: int = 3) -> list[str]:
    return difflib.get_close_matches(typed, sorted(ids), n=count, cutoff=0.75)
