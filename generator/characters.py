"""Characters nobody types on purpose, found in text (the gate) and kept out of every writer.

C0 and C1 controls make the Atom feeds and Word files malformed XML and reach file names
and terminals; bidi overrides and isolates make a name read differently from what it is
(U+202E); zero-width characters inside a name make two names look the same. A newline
belongs in free text only.
"""

from __future__ import annotations

import re

_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "退格", 0x09: "Tab", 0x0A: "换行", 0x0D: "回车符", 0x1B: "ESC", 0x7F: "DEL",
                  0x202E: "从右到左覆盖", 0x202D: "从左到右覆盖", 0x200B: "零宽空格", 0xFEFF: "零宽不换行空格"}


# Written as escapes, so that the same classes serve Python here and the web editor's field checks (JavaScript).
FREE_TEXT_BAD_CLASS = r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
NAME_BAD_CLASS = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]"
_FREE_TEXT_BAD = re.compile(FREE_TEXT_BAD_CLASS)
_NAME_BAD = re.compile(NAME_BAD_CLASS)


def unwanted(text: str, name: bool) -> str | None:
    """The first character ``text`` must not hold, or None (``name``: a one-line name field)."""
    found = (_NAME_BAD if name else _FREE_TEXT_BAD).search(text)
    return found.group() if found else None


def strip_unwanted(text: str) -> str:
    """``text`` without the characters no XML, Word or PDF writer may receive (a newline stays):
    the writers' own guard, behind the gate's rule."""
    return _FREE_TEXT_BAD.sub("", text)


def describe(char: str) -> str:
    code = ord(char)
    label = _CONTROL_NAMES.get(code, "控制字符" if code < 0x20 or 0x7F <= code <= 0x9F else
                               "文字方向控制符" if code in _BIDI else "零宽字符")
    return f"U+{code:04X} {label}"
