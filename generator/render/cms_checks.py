"""The gate's one-field rules as the web editor's field checks.

On the published site nothing runs between the clerk's "发布" and the pull
request, so every rule that can be judged from one field alone is also a
field check in the editor (a regular expression Decap tests before saving,
with a Chinese message): lengths, the schema's patterns, the formula prefix,
invisible characters and IME quotes of names, dates before 1949 or (for what
has already happened) after today, implausible birth years. The tables are
the rules' own (``generator.validate.rules``), so editor and gate cannot
drift apart; cross-record rules stay with the gate and the pull request.

Decap shows one message per field, so a field's message names everything
the field must satisfy.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from generator.characters import FREE_TEXT_BAD_CLASS, NAME_BAD_CLASS
from generator.files import ID_RE
from generator.resources import field_title
from generator.validate.rules.dates import EARLIEST, PAST_ONLY
from generator.validate.rules.master import MAX_AGE, MIN_AGE
from generator.validate.rules.text import NAME_FIELDS

Check = tuple[str, str]  # (a JavaScript regular expression, the Chinese message)
BIRTH_YEARS = {("master", "birth_year"), ("pair", "apprentice.birth_year")}
_FORMULA = r"(?![=+\-@\t\r])"
_QUOTED = r"(?![“‘「『\"'][\s\S]+[”’」』\"']$)"


def _shape(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def _years(first: int, last: int) -> str:
    """An alternation of whole years: plain to read, exact at both ends."""
    return "|".join(str(year) for year in range(first, last + 1))


def text_check(kind: str, dotted: str, spec: Mapping[str, Any]) -> Check | None:
    """The check of a one-line or free text field (``dotted`` with * for list items)."""
    title = field_title(kind, dotted)
    if "pattern" in spec:
        if spec["pattern"] == ID_RE.pattern:
            return spec["pattern"], f"“{title}”只能用小写字母、数字和连字符，以字母或数字开头，最长 64 个字符（如 li-jun）"
        return spec["pattern"], f"“{title}”格式不对：{spec.get('description', '')}"
    name = _shape(dotted) in NAME_FIELDS.get(kind, ()) or dotted.rsplit(".", 1)[-1] == "name"
    limit = spec.get("maxLength")
    length = f"[\\s\\S]{{0,{limit}}}" if limit else "[\\s\\S]*"
    if name:
        said = [f"最多 {limit} 个字" if limit else "", "不能以 = + - @ 开头（表格软件会当作公式执行）",
                "两端不要带引号", "不能有看不见的字符（从别处复制时常带进来）"]
        return f"^{_FORMULA}{_QUOTED}(?![\\s\\S]*{NAME_BAD_CLASS}){length}$", f"“{title}”" + "，".join(s for s in said if s)
    said = [f"最多 {limit} 个字" if limit else "", "不能有看不见的字符（从别处复制时常带进来）"]
    return f"^(?![\\s\\S]*{FREE_TEXT_BAD_CLASS}){length}$", f"“{title}”" + "，".join(s for s in said if s)


def date_check(kind: str, dotted: str, today: date) -> Check:
    """A date field: not before 1949-10-01; what has happened, not after this year (the gate says the day)."""
    title = field_title(kind, dotted)
    past = dotted in PAST_ONLY.get(kind, ())
    last = today.year if past else 2100
    first = f"{EARLIEST.year}-(?:1[0-2])-\\d{{2}}"  # October to December 1949
    pattern = f"^(?:{first}|(?:{_years(EARLIEST.year + 1, last)})-\\d{{2}}-\\d{{2}})$"
    limit = "，也不能晚于今天（这是已经发生的事的日期）" if past else ""
    return pattern, f"“{title}”不能早于 1949 年 10 月 1 日{limit}：请检查年份"


def year_check(kind: str, dotted: str, today: date) -> Check | None:
    """A birth year: between the ages the gate accepts (master.birth_year, pair.birth_year)."""
    if (kind, dotted) not in BIRTH_YEARS:
        return None
    first, last = today.year - MAX_AGE, today.year - MIN_AGE
    return (f"^(?:{_years(first, last)})$",
            f"“{field_title(kind, dotted)}”应在 {first}—{last} 年之间（不满 {MIN_AGE} 周岁或超过 {MAX_AGE} 岁都不合理）")
