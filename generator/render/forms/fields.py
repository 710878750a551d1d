"""How the forms print a value: dates, levels, private fields, tick boxes, signature lines.

Shared by every form definition (``definitions.py``, ``studio_applications.py``), so that
the same value looks the same on every form.
"""

from __future__ import annotations

from datetime import date
from typing import Any

SIGN = ("签字：", "年    月    日")
SEAL = ("盖章：", "年    月    日")


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
