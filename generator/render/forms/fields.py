"""How the forms print a value: dates, levels, private fields, tick boxes, signature lines.

Shared by every form definition (``definitions.py``, ``studio_applications.py``), so that
the same value looks the same on every form.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

# A date written by hand: three full-width spaces (≥ 11 mm at 10.5 pt) before each of 年, 月, 日,
# room for four digits of the year and two of month and day (a form's date is never crammed).
HAND_DATE = "　　　年　　　月　　　日"
SIGN = ("签字：", HAND_DATE)
SEAL = ("盖章：", HAND_DATE)
# A box that takes a unit's seal: a round seal is 40–42 mm across, with room around it.
SEAL_MM = 45.0
# The label as the seed forms break it when the cell is narrow: after the slash, never inside a word.
LEVEL_LABEL = "职称/\n技术等级"


def date_zh(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def private(record: Any, key: str) -> str:
    """A value under the record's ``private:`` (phone, employee number): printed forms only."""
    return str((getattr(record, "private", None) or {}).get(key, ""))


def level(title: str | None, skill: str | None) -> str:
    """职称 and 技术等级 in one cell: 高级工程师／高级技师."""
    return "／".join(x for x in (title, skill) if x)


def checked(options: tuple[str, ...], chosen: str | None, suffix: str = "") -> str:
    """Tick boxes with the record's choice ticked: ■卫生　□文化."""
    return "　".join(("■" if o == chosen else "□") + o + suffix for o in options)


# Separators, Windows' reserved characters, white space, controls, zero-width and bidi characters.
_UNSAFE = re.compile('[\\\\/:*?"<>|\\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+')


def file_stem(*parts: str) -> str:
    """A file name a clerk recognises: the record's id, then people's or the studio's names,
    joined by "_", with nothing Windows or a shell would stumble on."""
    return "_".join(_UNSAFE.sub("-", part).strip("-.") for part in parts if part)


def notice_days(programme: Any) -> str:
    """The 公示 period as the programme sets it (``public_notice_days``), or a blank to fill in."""
    days = programme.rules.public_notice_days if programme is not None else None
    return str(days) if days else "____"
