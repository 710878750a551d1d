"""Spreadsheet formula injection: which text a spreadsheet would run, and how to keep it text.

Records arrive through pull requests, so their text is untrusted. Excel,
LibreOffice and WPS read a CSV cell that starts with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return before one) as a formula: a name such as
``=HYPERLINK("http://x","y")`` would run when a clerk opens the ledger. OWASP's
advice for CSV is a leading apostrophe, which the spreadsheet shows as text.

Shared by the validate stage (names may not start so) and the exports (every
cell is neutralised), so both agree on the same characters.
"""

from __future__ import annotations

# The characters OWASP lists for CSV injection.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def starts_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet shows as the same text and never evaluates."""
    return "'" + text if starts_like_formula(text) else text
