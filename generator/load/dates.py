"""Dates as offices write them: 2020-3-10, 2020.3.10, 2020/3/10, 2020年3月10日, full-width digits."""

from __future__ import annotations

import re
from datetime import date

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
LOOSE_DATE = re.compile(r"^\s*(\d{4})\s*[-.．/／年]\s*(\d{1,2})\s*[-.．/／月]\s*(\d{1,2})\s*日?\s*$")


def loose_date(text: str) -> date | None:
    """The day a loosely written date means, when it means one (None for 2020-02-30)."""
    match = LOOSE_DATE.match(text.translate(FULL_WIDTH_DIGITS))
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
