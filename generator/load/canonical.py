"""Records in one canonical form, whoever edited them (``python -m generator fmt``).

A pull request's diff should show what changed in a record, not how the
editor (the CMS, GitHub's web editor, ``new``, an import) happened to write it.
The canonical form: keys in the schema's order (unknown keys after, as found),
block style, two-space indentation with list items under their key, quotes
only where YAML needs them, dates as ``YYYY-MM-DD``, comments and the
``yaml-language-server`` header kept. ruamel.yaml reads and writes the file
round-trip, so nothing but the form changes.

With ``fix``, the mistakes of Chinese input methods that have one reading are
repaired first (a full-width colon after a key, Tab or full-width spaces as
indentation, a missing space after a colon, ``2020.3.10`` or full-width digits
in a date); each repair is reported with its line.

This module is pure: text in, text and findings out; the CLI reads and writes.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.diagnostics import Diagnostic, Result, Severity
from generator.kinds import PRIVATE_LABELS
from generator.load.dates import FULL_WIDTH_DIGITS, loose_date
from generator.load.discover import RecordFile, discover, shown_path
from generator.load.yamlfile import KEY_PATTERN, read_regular
from generator.resources import load_schema

SCHEMA_HINT = "# yaml-language-server: $schema="


def schema_header(kind: str, depth: int) -> str:
    """The first line of a record: editors that read it check the file as it is typed."""
    return f"{SCHEMA_HINT}{'../' * depth}schemas/{kind}.schema.json\n"


@dataclass(frozen=True, slots=True)
class Fix:
    line: int
    message: str  # Chinese: what was repaired


@dataclass(slots=True)
class Formatted:
    """The canonical text of one record, or why it has none."""

    text: str | None
    fixes: list[Fix] = field(default_factory=list)
    problem: tuple[int, str] | None = None  # (line, Chinese message) when the text cannot be read


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 1_000_000  # never fold a long line: a folded bio would show as changed
    yaml.allow_unicode = True
    return yaml


# ---------------------------------------------------------------- text repairs

_LEADING = re.compile(r"^([ \t　]*)(.*)$")
_FULL_WIDTH_COLON = re.compile(rf"^(\s*(?:-\s+)?{KEY_PATTERN})[ \t　]*：[ \t　]*")
_BLOCK_START = re.compile(rf"^\s*(?:-\s+)?(?:{KEY_PATTERN}:\s*)?[|>][-+0-9]*\s*(?:#.*)?$")
_FULL_WIDTH_SPACE_COLON = re.compile(rf"^(\s*(?:-\s+)?{KEY_PATTERN}):[ \t]*　[ \t　]*")
_NO_SPACE_COLON = re.compile(rf"^(\s*(?:-\s+)?{KEY_PATTERN}):(?=[^ \t\r\n/:])")


def _indent_width(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_scalar_lines(lines: list[str]) -> set[int]:
    """Line numbers inside ``|`` and ``>`` texts, where leading spaces (a full-width
    paragraph indent, say) are the text's own and are never touched."""
    inside: set[int] = set()
    parent: int | None = None
    for number, line in enumerate(lines, 1):
        if parent is not None:
            if not line.strip() or _indent_width(line) > parent:
                inside.add(number)
                continue
            parent = None
        if _BLOCK_START.match(line):
            parent = _indent_width(line)
    return inside


def _repair_indent(lines: list[str], fixes: list[Fix]) -> None:
    """Tabs and full-width spaces in indentation become spaces, when one width fits.

    A Tab is two spaces (the records' indentation step). A full-width space may
    have been typed for one space or for two, and only the lines above tell: the
    width must be one already open there (an enclosing key's, a list item's keys)
    or, after a line that opens a block (``key:``), two more. When both or neither
    fit, the line is left for the person to mend.
    """
    open_widths: list[int] = [0]
    opens_block = False
    texts = _block_scalar_lines(lines)
    for number, line in enumerate(lines, 1):
        indent, rest = _LEADING.match(line).groups()  # type: ignore[union-attr]
        if number in texts or not rest or rest.startswith("#"):
            continue
        if "\t" in indent or "　" in indent:
            wanted = set(open_widths) | ({open_widths[-1] + 2} if opens_block else set())
            fitting = {len(indent.replace("\t", "  ").replace("　", " " * n)) for n in (1, 2)} & wanted
            if len(fitting) != 1:
                continue
            lines[number - 1] = " " * fitting.pop() + rest
            fixes.append(Fix(number, f"缩进中的{'Tab 键' if chr(9) in indent else '全角空格“　”'}改为英文空格"))
        width = _indent_width(lines[number - 1])
        while len(open_widths) > 1 and open_widths[-1] > width:
            open_widths.pop()
        if open_widths[-1] != width:
            open_widths.append(width)
        if rest.startswith("- "):
            open_widths.append(width + 2)  # the item's keys sit after "- "
        opens_block = rest.rstrip().endswith(":")


def unreadable_indent(text: str) -> int | None:
    """The first line indented with a Tab or a full-width space (outside texts), if any."""
    lines = text.split("\n")
    texts = _block_scalar_lines(lines)
    for number, line in enumerate(lines, 1):
        indent, rest = _LEADING.match(line).groups()  # type: ignore[union-attr]
        if number not in texts and rest and not rest.startswith("#") and ("\t" in indent or "　" in indent):
            return number
    return None


def _repair_colons(lines: list[str], fixes: list[Fix]) -> None:
    texts = _block_scalar_lines(lines)
    for number, line in enumerate(lines, 1):
        if number in texts:
            continue
        repaired = _FULL_WIDTH_COLON.sub(r"\1: ", line, count=1)
        if repaired != line:
            lines[number - 1] = repaired.rstrip() if repaired.rstrip().endswith(":") else repaired
            fixes.append(Fix(number, "字段名后的全角冒号“：”改为英文冒号“:”"))
            continue
        repaired = _FULL_WIDTH_SPACE_COLON.sub(r"\1: ", line, count=1)
        if repaired != line:
            lines[number - 1] = repaired
            fixes.append(Fix(number, "英文冒号“:”后面的全角空格“　”改为英文空格"))
            continue
        repaired = _NO_SPACE_COLON.sub(r"\1: ", line, count=1)
        if repaired != line:
            lines[number - 1] = repaired
            fixes.append(Fix(number, "英文冒号“:”后面补上空格"))


def repair_text(text: str) -> tuple[str, list[Fix]]:
    """The input-method mistakes of ``text`` that have one reading, repaired."""
    fixes: list[Fix] = []
    lines = text.split("\n")
    _repair_indent(lines, fixes)
    _repair_colons(lines, fixes)
    return "\n".join(lines), fixes


# ---------------------------------------------------------------- structure


def _line_of(node: Any, key: Any) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def _scalar_fix(value: Any, schema: Mapping[str, Any], fix: bool) -> tuple[Any, str | None]:
    """A value in the form its schema wants, and what was repaired (``fix`` only)."""
    if isinstance(value, str) and schema.get("format") == "date":
        day = loose_date(value)
        if day is None:
            return value, None
        if day.isoformat() == value:
            return day, None  # a quoted ISO date loses its quotes; nothing to report
        if fix:
            return day, f"日期“{value}”改为 {day.isoformat()}"
        return value, None
    if fix and isinstance(value, str) and schema.get("type") == "integer":
        plain = value.strip().translate(FULL_WIDTH_DIGITS)
        if plain != value and plain.isascii() and plain.isdigit():
            return int(plain), f"全角数字“{value}”改为 {plain}"
    return value, None


def key_order(schema: Mapping[str, Any], keys: list[Any]) -> list[Any]:
    """Keys in the schema's order, unknown ones after as found. Free-form private details
    have no properties: the known ones go in a fixed order, so that an import or an edit
    that lists them otherwise does not show as a change."""
    order = schema.get("properties") or (dict.fromkeys(PRIVATE_LABELS) if schema.get("type") == "object" else {})
    return [k for k in order if k in keys] + [k for k in keys if k not in order]


def _order(node: Any, schema: Mapping[str, Any], fix: bool, fixes: list[Fix]) -> None:
    """Put ``node``'s keys in the schema's order, in place (comments travel with their keys)."""
    if isinstance(node, CommentedMap):
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key in list(node.keys()):
            sub = properties.get(key, {}) if isinstance(key, str) else {}
            value, message = _scalar_fix(node[key], sub, fix)
            if message:
                fixes.append(Fix(_line_of(node, key), message))
            if value is not node[key]:
                node[key] = value
            _order(node[key], sub, fix, fixes)
        for key in key_order(schema, list(node)):
            node.move_to_end(key)
        node.fa.set_block_style()
    elif isinstance(node, CommentedSeq):
        items: Mapping[str, Any] = schema.get("items", {})
        for index, item in enumerate(node):
            value, message = _scalar_fix(item, items, fix)
            if message:
                fixes.append(Fix(int(node.lc.item(index)[0]) + 1, message))
                node[index] = value
            _order(node[index], items, fix, fixes)
        if len(node):
            node.fa.set_block_style()


def _problem(exc: YAMLError) -> tuple[int, str]:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 0
    return line, "YAML 格式错误，无法整理：请先按 python -m generator validate 的提示改正"


def canonical(text: str, kind: str, *, fix: bool = False, depth: int | None = None) -> Formatted:
    """The canonical form of a record of ``kind`` written as ``text``; with ``depth`` (how
    many folders below the repository root the file is), the editor's schema hint is put
    on top when missing (the web editor drops it)."""
    fixes: list[Fix] = []
    added = 0  # lines put on top (the schema hint): what is said of a line is said of the file's own line
    if depth is not None and not text.startswith(SCHEMA_HINT):
        header = schema_header(kind, depth)
        text, added = header + text, header.count("\n")

    def own(line: int) -> int:
        return max(1, line - added) if line else line

    if fix:
        text, fixes = repair_text(text)
    bad_indent = unreadable_indent(text)
    if bad_indent is not None:
        message = "缩进中有 Tab 键或全角空格“　”，无法整理：请改为英文空格" + ("（加 --fix 也无法判断该缩进几格）" if fix else "，或运行 fmt --fix")
        return Formatted(None, _own_lines(fixes, own), (own(bad_indent), message))
    yaml = _yaml()
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        line, message = _problem(exc)
        return Formatted(None, _own_lines(fixes, own), (own(line), message))
    if not isinstance(data, CommentedMap):
        return Formatted(None, _own_lines(fixes, own), (1, "文件内容不是“字段: 值”形式的记录，无法整理"))
    _order(data, load_schema(kind), fix, fixes)
    out = io.StringIO()
    yaml.dump(data, out)
    return Formatted(out.getvalue(), sorted(_own_lines(fixes, own), key=lambda f: f.line))


def _own_lines(fixes: list[Fix], own: Callable[[int], int]) -> list[Fix]:
    return [Fix(own(f.line), f.message) for f in fixes]


def first_difference(old: str, new: str) -> int:
    """The first line of ``old`` where the texts differ (1-based): always a line the file has, so
    that an annotation can be placed on it (the new text may only add lines after its end)."""
    lines = max(1, len(old.splitlines()))
    for number, (a, b) in enumerate(zip(old.split("\n"), new.split("\n"), strict=False), 1):
        if a != b:
            return min(number, lines)
    return min(old.count("\n"), new.count("\n")) + 1 if min(old.count("\n"), new.count("\n")) < lines else lines


# ---------------------------------------------------------------- files


@dataclass(slots=True)
class FileFormat:
    """One record file: its text now and in canonical form (None when it has none)."""

    file: RecordFile
    old: str
    new: str | None
    fixes: list[Fix]

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.old


@dataclass(slots=True)
class FormatRun:
    files: list[FileFormat] = field(default_factory=list)
    result: Result = field(default_factory=Result)


def _selected(records_dir: Path, only: Sequence[Path]) -> tuple[list[RecordFile], list[Diagnostic]]:
    """The record files to format: all, or those among ``only`` (other files are passed
    over: pre-commit hands over whatever changed). A misplaced file is the gate's to report."""
    files, problems = discover(records_dir)
    if not only:
        return files, problems
    wanted = {os.path.realpath(p) for p in only if p.suffix == ".yml"}
    chosen = [f for f in files if os.path.realpath(f.file_path) in wanted]
    found = {os.path.realpath(f.file_path) for f in chosen}
    missing = sorted({os.path.realpath(p) for p in only if not p.exists()} | (wanted - found))
    return chosen, [Diagnostic(shown_path(Path(p)), 0, 0, Severity.ERROR, "fmt.not_record",
                               "找不到这个文件" if not os.path.exists(p) else f"不是 {shown_path(records_dir)}/ 下的记录文件，没有整理")
                    for p in missing]


# Below this many files one process is quicker than starting several.
PARALLEL_THRESHOLD = 400


def _format_one(job: tuple[RecordFile, bool, bool]) -> tuple[FileFormat | None, list[Diagnostic]]:
    record, fix, check = job
    raw = read_regular(record.file_path)
    if isinstance(raw, str):  # a reason, not the content
        return None, [Diagnostic(record.path, 0, 0, Severity.ERROR, "fmt.unreadable", raw)]
    text = raw.decode("utf-8", errors="replace")
    done = canonical(text, record.kind, fix=fix, depth=record.key.count("/") + 1)
    found = []
    if done.problem is not None:
        line, message = done.problem
        found.append(Diagnostic(record.path, line, 1 if line else 0, Severity.ERROR, "fmt.unreadable", message))
    entry = FileFormat(record, text, done.text, done.fixes)
    if check and entry.changed:
        assert entry.new is not None
        line = first_difference(entry.old, entry.new)
        command = "python -m generator fmt --fix" if done.fixes else "python -m generator fmt"
        found.append(Diagnostic(record.path, line, 1, Severity.ERROR, "fmt.canonical",
                                f"不是统一格式（第{line}行起与整理后不同）：请运行 {command} 整理"))
    return entry, found


def format_records(records_dir: Path, only: Sequence[Path] = (), *, fix: bool = False, check: bool = False,
                   jobs: int | None = None) -> FormatRun:
    """Each record's canonical form; with ``check``, a diagnostic for each file not in it.

    The caller writes the files that changed. A district's registry is formatted on every core
    (ruamel.yaml takes about 12 ms a record).
    """
    run = FormatRun()
    files, problems = _selected(records_dir, only)
    run.result.extend(problems)
    work = [(record, fix, check) for record in files]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(work) < PARALLEL_THRESHOLD:
        results = list(map(_format_one, work))
    else:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
            results = list(pool.map(_format_one, work, chunksize=64))
    run.files = [entry for entry, _ in results if entry is not None]
    run.result.extend([d for _, found in results for d in found])  # at once: extend dedups against all so far
    run.result.files_checked = len(files)
    return run


# ---------------------------------------------------------------- the web editor's saves


def _pruned(value: Any) -> Any:
    """Without the empty values a form leaves for fields nobody filled ('' or an empty group)."""
    if isinstance(value, dict):
        kept = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None and v != "" and v != {}}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


def _update(old: Any, new: Any) -> Any:
    """``old`` (with its comments) changed to hold ``new``'s values, touching only what differs."""
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _update(old[key], value) if key in old else value
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        for index, value in enumerate(new):
            if index < len(old):
                old[index] = _update(old[index], value)
            else:
                old.append(value)
        del old[len(new):]
        return old
    same = old == new or (str(old) == str(new) and not isinstance(new, (dict, list)))
    return old if same else new


def merged_record(before: str | None, raw: str, kind: str, depth: int = 2) -> str:
    """What the web editor saved (``raw``: the whole record as it writes it), merged into the
    file as it was (``before``, None for a new record) and written in canonical form
    (``depth``: how many folders below the repository root the file is).

    The editor rewrites a file from its data alone: merged, the comments and the header stay,
    and a diff shows only the fields that changed."""
    yaml = _yaml()
    new = _pruned(yaml.load(raw) or {})
    old: Any = None
    if before is not None:
        try:
            old = yaml.load(before)
        except YAMLError:
            old = None
    out = io.StringIO()
    yaml.dump(_update(old, new) if isinstance(old, CommentedMap) else new, out)
    done = canonical(out.getvalue(), kind, depth=depth)
    return done.text if done.text is not None else out.getvalue()
