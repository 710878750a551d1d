"""Reporters turn a :class:`Result` into text; chosen by ``--format``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

from generator.characters import strip_unwanted
from generator.diagnostics import Diagnostic, Result
from generator.model.review import Change


def _where(d: Diagnostic) -> str:
    if d.line:
        return f"{d.path}:{d.line}:{d.column}"
    return d.path


def text(result: Result) -> str:
    """Compiler style, one line each, then a summary line in Chinese."""
    lines = [f"{_where(d)}: {d.severity.value} {d.rule}: {d.message}" for d in result.sorted()]
    return "\n".join([*lines, verdict_line(result)]) + "\n"


def verdict_line(result: Result) -> str:
    """The closing line every reporter prints: counts and 通过/未通过."""
    verdict = "未通过" if result.errors else "通过"
    return f"检查了 {result.files_checked} 个文件：{len(result.errors)} 个错误，{len(result.warnings)} 个警告 —— {verdict}"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(result: Result) -> str:
    """GitHub Actions workflow commands: each problem appears on its line in the pull request."""
    lines = []
    for d in result.sorted():
        props = [f"file={_escape_property(d.path)}"]
        if d.line:
            props += [f"line={d.line}", f"col={d.column}"]
        props.append(f"title={_escape_property(d.rule)}")
        lines.append(f"::{d.severity.value} {','.join(props)}::{_escape_data(d.message)}")
    lines.append(verdict_line(result))
    return "\n".join(lines) + "\n"


def as_json(result: Result) -> str:
    return json.dumps([d.as_dict() for d in result.sorted()], ensure_ascii=False, indent=2) + "\n"


REPORTERS: dict[str, Callable[[Result], str]] = {"text": text, "github": github, "json": as_json}


def _reminder_text(result: Result, day: date) -> str:
    lines = [f"{_where(d)}: {d.rule}: {d.message}" for d in result.sorted()]
    lines.append(f"{day}：{len(result.diagnostics)} 项待办" if result.diagnostics else f"{day}：没有待办事项")
    return "\n".join(lines) + "\n"


def markdown_code(value: str, limit: int = 500) -> str:
    """Record text as a Markdown code span: no link, image, HTML or @-mention can come out of it
    (GitHub links mentions in text nodes even when the @ is escaped, but never inside code).
    The fence is longer than any run of backticks in the text; lines are joined."""
    text = strip_unwanted(" ".join(value.split("\n")))[:limit]
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _reminder_markdown(result: Result, day: date) -> str:
    """The body of the reminder issue that the weekly workflow keeps up to date."""
    titles = {"due.evaluation": "期满未鉴定", "due.stage_report": "超过 12 个月没有阶段报告", "due.report": "年度报送",
              "due.assessment": "工作室考核", "due.quota": "任务进度落后"}
    lines = [f"# 待办事项（{day}）", ""]
    if not result.diagnostics:
        lines.append("没有待办事项。")
    for rule, title in titles.items():
        items = [d for d in result.sorted() if d.rule == rule]
        if items:
            lines += [f"## {title}（{len(items)}）", ""] + [f"- [ ] {markdown_code(d.path)}：{markdown_code(d.message)}" for d in items] + [""]
    lines.append("此清单由 `python -m generator due` 每周自动更新。")
    return "\n".join(lines) + "\n"


REMINDERS: dict[str, Callable[[Result, date], str]] = {
    "text": _reminder_text,
    "github": lambda result, day: github(result),
    "markdown": _reminder_markdown,
}


CHANGE_WORDS = {"A": "新增", "M": "修改", "D": "删除"}


def review_summary(result: Result, changes: list[Change], preview: str = "") -> str:
    """The pull request's job summary (Markdown, in Chinese): what it changes, the problems of
    those files with their lines, the rest of the registry in counts, and where the preview is.
    Record text goes into code spans only (a name cannot become a link, image or mention)."""
    touched = {c.path for c in changes}
    own = [d for d in result.sorted() if d.path in touched]
    rest = [d for d in result.diagnostics if d.path not in touched]
    verdict = "未通过" if result.errors else "通过"
    lines = [f"## 记录检查：{verdict}", ""]
    if changes:
        lines += [f"这个拉取请求改动了 {len(changes)} 个记录文件：", "", "| 改动 | 类别 | 记录 | 文件 |", "| --- | --- | --- | --- |"]
        lines += [f"| {CHANGE_WORDS.get(c.status, c.status)} | {c.kind} | {markdown_code(c.title)} | {markdown_code(c.path)} |"
                  for c in changes]
    else:
        lines.append("这个拉取请求没有改动记录。")
    lines.append("")
    if own:
        errors = sum(d.severity.value == "error" for d in own)
        lines += [f"### 改动的记录中的问题：{errors} 个错误，{len(own) - errors} 个警告", ""]
        lines += [f"- {'❌ 错误' if d.severity.value == 'error' else '⚠️ 警告'} {markdown_code(_where(d))} "
                  f"{markdown_code(d.rule)}：{markdown_code(d.message)}" for d in own]
    elif changes:
        lines.append("改动的记录没有发现问题。")
    rest_errors = [d for d in sorted(rest, key=lambda d: (d.path, d.line)) if d.severity.value == "error"]
    lines += ["", f"登记册其余部分：{len(rest_errors)} 个错误，{len(rest) - len(rest_errors)} 个警告（共检查 {result.files_checked} 个文件）。"]
    if rest_errors:
        lines += ["其余部分的错误也会使检查不通过（可能是这次的改动引起的，如删除了被引用的记录）：", ""]
        lines += [f"- ❌ {markdown_code(_where(d))} {markdown_code(d.rule)}：{markdown_code(d.message)}" for d in rest_errors[:50]]
    if preview:
        lines += ["", preview]
    return "\n".join(lines) + "\n"
