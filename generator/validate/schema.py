"""JSON Schema checks, with messages in Chinese at the offending line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

import fastjsonschema

if TYPE_CHECKING:
    import jsonschema

from generator.diagnostics import Diagnostic, Severity
from generator.load.dates import FULL_WIDTH_DIGITS, LOOSE_DATE
from generator.load.yamlfile import Document
from generator.resources import field_title, load_schema

# The pattern every record id and reference follows (schemas/*.schema.json).
ID_PATTERN = "^[a-z0-9][a-z0-9-]{0,63}$"

_TYPE_NAMES = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "array": "列表（每项以“- ”开头）",
    "object": "“字段: 值”的映射",
    "null": "空值",
}




@cache
def validator(kind: str) -> jsonschema.Draft202012Validator:
    # Imported here: only a file that fails the fast check needs jsonschema, and its
    # import is a tenth of a second of every pre-commit run.
    from jsonschema import Draft202012Validator, FormatChecker

    # Only "date" is checked: the other formats are not used by the schemas.
    checker = FormatChecker(formats=["date"])
    return Draft202012Validator(load_schema(kind), format_checker=checker)


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@cache
def fast_validator(kind: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python code: about 20 times faster.

    It only says yes or no; a "no" is explained by ``jsonschema`` (complete
    error paths), so most files (the valid ones) never pay for the slow path.
    ``use_default=False``: it must never write defaults into the data.
    """
    return fastjsonschema.compile(load_schema(kind), formats={"date": _is_date}, use_default=False)


def check(kind: str, document: Document) -> list[Diagnostic]:
    """All schema problems of one document, each at its own line."""
    try:
        fast_validator(kind)(document.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    return full_check(kind, document)


def full_check(kind: str, document: Document) -> list[Diagnostic]:
    # A date breaks both its pattern and its format: Result drops the second, identical diagnostic.
    return [d for error in validator(kind).iter_errors(document.data) for d in _translate(kind, error, document)]


def _unknown_key(kind: str, extra: str, path: tuple[str | int, ...], allowed: list[str]) -> str:
    """A key the schema does not know: the field it was probably meant to be, by its Chinese name.
    (The key itself must be named here: it is what the clerk typed, and what is to be corrected.)"""
    import difflib

    by_title = {field_title(kind, path + (key,)).rsplit("·", 1)[-1]: key for key in allowed}
    guess = [by_title[extra]] if extra in by_title else difflib.get_close_matches(extra, allowed, n=1, cutoff=0.6)
    if guess:
        return f"未知字段“{_cut(extra, 40)}”：是不是“{field_title(kind, path + (guess[0],))}”（写作 {guess[0]}）？"
    return f"未知字段“{_cut(extra, 40)}”，可能拼写错误，请删除或改正这一行"


def _translate(kind: str, error: jsonschema.ValidationError, document: Document) -> Iterator[Diagnostic]:
    path = tuple(error.absolute_path)
    validator_kind, value, instance = error.validator, error.validator_value, error.instance
    if validator_kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(error.schema.get("properties", {}))
        for extra in sorted(set(instance) - set(allowed)):
            mark = document.locate(path + (extra,), at_key=True)
            yield _diag(document, mark, _unknown_key(kind, str(extra), path, allowed))
        return
    if validator_kind == "required":
        missing = [p for p in value if isinstance(instance, dict) and p not in instance]
        for prop in missing:  # the title names its parents too (徒弟·姓名)
            yield _diag(document, document.locate(path), f"缺少必填字段“{field_title(kind, path + (prop,))}”")
        return
    label = f"“{field_title(kind, path)}”" if path else "文件"
    yield _diag(document, document.locate(path), _message(validator_kind, value, instance, label, error))


def _cut(value: Any, limit: int = 80) -> str:
    """A value as a message can show it: a 100,000-character name is not printed back whole."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"……（共 {len(text)} 个字）"


def shown(value: Any) -> str:
    """A value as the clerk wrote it in YAML: never Python's None, True or a dict's repr."""
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "“字段: 值”的映射"
    if isinstance(value, list):
        return "列表"
    return f"“{_cut(value)}”"




def date_hint(text: str) -> str:
    """What is wrong with a date as offices write it, and the ISO form when it is clear."""
    plain = text.translate(FULL_WIDTH_DIGITS)
    reason = f"写成了全角数字 {text}（请切换到英文输入法输入数字）" if plain != text else "不是 YYYY-MM-DD 格式"
    match = LOOSE_DATE.match(plain)
    if match:
        try:
            fixed = date(*(int(g) for g in match.groups())).isoformat()
        except ValueError:
            return f"{reason}，而且这一天不存在"
        if fixed != text:
            return f"{reason}，应写成 {fixed}"
    if plain == text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return "这一天不存在，请检查月份和日期"
    return f"{reason}，应写成如 2020-03-10 的形式"


def _full_width_number(text: str) -> bool:
    plain = text.strip().translate(FULL_WIDTH_DIGITS)
    return plain != text.strip() and bool(re.fullmatch(r"-?\d+(\.\d+)?", plain))


def _message(kind: str, value: Any, instance: Any, label: str, error: jsonschema.ValidationError) -> str:
    is_date = error.schema.get("format") == "date"
    if instance is None and kind in ("type", "enum", "const"):
        return f"{label}还没有填写：请在冒号后面填写内容，不需要时删除这一行"
    if kind == "enum":
        return f"{label}的值{shown(instance)}不在允许范围内，应为：{'、'.join(map(str, value))}"
    if kind == "const":
        return f"{label}的值应为“{value}”"
    if kind == "type" and is_date:
        return f"{label}应为日期，格式 YYYY-MM-DD（如 2020-03-10），实际是{shown(instance)}"
    if kind == "type" and isinstance(instance, str) and _full_width_number(instance):
        plain = instance.strip().translate(FULL_WIDTH_DIGITS)
        return f"{label}写成了全角数字 {instance.strip()}，请写成 {plain}（切换到英文输入法输入数字；fmt --fix 可以自动改正）"
    if kind == "type":
        wanted = "或".join(_TYPE_NAMES.get(t, t) for t in ([value] if isinstance(value, str) else value))
        hint = "；数字形式的文字（如电话号码）请加英文引号" if value == "string" and isinstance(instance, (int, float)) else ""
        return f"{label}应为{wanted}，实际是{shown(instance)}{hint}"
    if kind in ("format", "pattern") and is_date:
        return f"{label}“{_cut(instance)}”不是有效日期：{date_hint(str(instance)[:40])}"
    if kind == "pattern":
        if value == ID_PATTERN:
            return f"{label}“{_cut(instance)}”不是有效编号：只能用小写字母、数字和连字符，且以字母或数字开头，最长 64 个字符"
        return f"{label}“{_cut(instance)}”的格式不对：{error.schema.get('description', '')}"
    if kind == "minimum":
        return f"{label}应不小于 {value}，实际是 {instance}"
    if kind == "maximum":
        return f"{label}应不大于 {value}，实际是 {instance}"
    if kind == "minLength":
        return f"{label}不能为空"
    if kind == "maxLength":
        return f"{label}太长：最多 {value} 个字，这里有 {len(instance)} 个字（开头是“{_cut(instance, 20)}”）；较长的内容请精简"
    if kind in ("maxItems", "maxProperties"):
        return f"{label}最多 {value} 项，这里有 {len(instance)} 项"
    if kind == "minItems":
        return f"{label}至少要有 {value} 项"
    if kind == "uniqueItems":
        return f"{label}中有重复的项"
    # jsonschema's own message is English: name the rule instead of showing it.
    return f"{label}不符合要求（{kind}）"


def _diag(document: Document, mark: tuple[int, int], message: str) -> Diagnostic:
    return Diagnostic(document.path, mark[0], mark[1], Severity.ERROR, "schema", message)
