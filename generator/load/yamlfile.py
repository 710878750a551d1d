"""Safe YAML reading that keeps the file, line and column of every value.

PyYAML's C composer builds the node tree (fast, with marks); we then turn
nodes into plain Python values ourselves, so that:

* only plain data tags are accepted (``!!python/...`` is an error, never run);
* dates stay ISO strings (the schema checks their format);
* duplicate keys are an error instead of "last one wins";
* alias expansion is bounded (a "billion laughs" file fails fast);
* every value's position is kept for diagnostics.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Severity

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

try:  # libyaml is several times faster; fall back so a bare install still works
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _Loader(_Base):
    """The safe loader with a leaner resolver.

    PyYAML's resolver is pure Python and runs for every node; records use no
    path resolvers, so the per-node bookkeeping for them is skipped.
    """

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

Key = tuple[str | int, ...]
Mark = tuple[int, int]  # 1-based line and column

# A record is one small mapping; anything bigger than this is a mistake
# (or an attack) and is refused before parsing.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Nodes re-visited through aliases; real records use few or none.
MAX_ALIAS_NODES = 10_000
MAX_DEPTH = 64


# Call the scalar constructors directly: ``construct_object`` would cache
# every node in the constructor and leak memory across thousands of files.
_constructor = yaml.constructor.SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
}

# libyaml's problems, as a person who is not a programmer reads them. The
# parser's English text is never shown: a clerk cannot act on it.
_PROBLEM_HINTS = (
    ("found character '\\t'", "不能用 Tab 键缩进，请改用英文空格"),
    ("tab character", "不能用 Tab 键缩进，请改用英文空格"),
    ("mapping values are not allowed", "此处不能出现“字段: 值”：常见原因是缩进不对，或文字中含有英文冒号加空格（这时请给整段文字加上英文引号）"),
    ("could not find expected ':'", "缺少英文冒号“:”，或上一行的引号没有闭合"),
    ("did not find expected key", "缩进不一致，或列表项“- ”放错了位置"),
    ("did not find expected '-' indicator", "列表中各项的缩进不一致"),
    ("expected <block end>", "缩进不一致"),
    ("found undefined alias", "使用了未定义的别名（*名称）"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("found unknown escape character", "双引号中的反斜杠“\\”需要写成“\\\\”"),
    ("expected a single document", "一个文件只能有一条记录（不要使用“---”分隔多个文档）"),
    ("found duplicate anchor", "锚点（&名称）重复定义"),
    ("cannot start any token", "这一行开头的字符不能用在这里（常见的是 Tab 或全角符号），请删除后用英文输入法重新输入"),
    ("expected ',' or ']'", "方括号列表 [ ] 中各项要用英文逗号分隔，并以“]”结束"),
    ("expected ',' or '}'", "花括号 { } 中各项要用英文逗号分隔，并以“}”结束"),
    ("expected alphabetic or numeric character", "“&”或“*”后面要跟名称；作为文字使用时请给整段文字加英文引号"),
)
_GENERIC_PROBLEM = "这一行的写法无法识别，请对照同类记录检查缩进、英文冒号和引号"

# What Chinese input methods type where YAML wants ASCII, found in the text
# itself so that the message names the character at the line where it is.
# Record keys are ASCII names (and 男/女 under the age limits).
KEY_PATTERN = r"(?:[A-Za-z_][A-Za-z0-9_]*|男|女)"
_IME_MISTAKES = (
    (re.compile(r"^[ 　]*\t"), "行首用了 Tab 键缩进：请删除 Tab，改用英文空格"),
    (re.compile(r"^[ \t]*　"), "行首有全角空格“　”：缩进只能用英文空格（请切换到英文输入法后重新输入空格）"),
    (re.compile(rf"^[ \t　]*(?:-[ \t]+)?{KEY_PATTERN}[ \t　]*："), "字段名后面用了全角冒号“：”：请改为英文冒号“:”，冒号后面加一个空格"),
    (re.compile(rf"^[ \t]*(?:-[ \t]+)?{KEY_PATTERN}:[ \t]*　"),
     "英文冒号“:”后面是全角空格“　”（中文输入法的空格）：请删掉它，切换到英文输入法后输入一个空格"),
    (re.compile(rf"^[ \t]*(?:-[ \t]+)?{KEY_PATTERN}:(?=[^ \t\r\n/])"), "英文冒号“:”后面缺少空格：请在冒号后面加一个空格"),
)
_FULL_WIDTH_SPACE_KEY = "YAML 格式错误：字段名前后有全角空格“　”：缩进只能用英文空格（请切换到英文输入法后重新输入空格）"
_FULL_WIDTH_COLON_KEY = "YAML 格式错误：字段名中有全角冒号“：”：请改为英文冒号“:”，冒号后面加一个空格"
# How far before the parser's line a mistake may stand and still be its cause.
_IME_WINDOW = 3


@dataclass(slots=True)
class Document:
    """A YAML mapping with the position of each value and each key."""

    path: str
    data: dict[str, Any]
    marks: dict[Key, Mark] = field(default_factory=dict)
    key_marks: dict[Key, Mark] = field(default_factory=dict)

    def locate(self, key: Key = (), *, at_key: bool = False) -> Mark:
        """Position of ``key`` or, when it is absent, of its nearest parent."""
        table = self.key_marks if at_key else self.marks
        for end in range(len(key), -1, -1):
            mark = table.get(key[:end]) or self.marks.get(key[:end])
            if mark:
                return mark
        return (1, 1)


@dataclass(slots=True)
class Loaded:
    """Data or error: a document, or the diagnostics that explain why not."""

    document: Document | None
    diagnostics: list[Diagnostic]


class _Refused(Exception):
    """Internal: stops construction with one diagnostic."""

    def __init__(self, rule: str, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.rule, self.message, self.mark = rule, message, mark


def _diag(path: str, rule: str, message: str, mark: Mark = (1, 1)) -> Diagnostic:
    return Diagnostic(path, mark[0], mark[1], Severity.ERROR, rule, message)


def check_encoding(raw: bytes, path: str) -> bytes | Diagnostic:
    """UTF-8 bytes (a BOM is dropped), or a diagnostic naming the real encoding.

    The bytes, not the decoded text, go to libyaml: it reads UTF-8 natively.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:512]:
        return _diag(path, "yaml.encoding", "文件是 UTF-16 编码（常见于 Windows 记事本的“Unicode”选项），请另存为 UTF-8 编码")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            return _diag(path, "yaml.encoding", f"文件不是有效的 UTF-8 编码（第{line}行起），请另存为 UTF-8 编码", (line, 1))
        return _diag(path, "yaml.encoding", "文件似乎是 GBK/GB2312 编码（常见于 Windows 下的编辑器），请另存为 UTF-8 编码", (line, 1))
    return raw


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _problem_message(exc: yaml.YAMLError) -> str:
    text = f"{getattr(exc, 'context', '')} {getattr(exc, 'problem', '')} {exc}"
    for needle, hint in _PROBLEM_HINTS:
        if needle in text:
            return f"YAML 格式错误：{hint}"
    return f"YAML 格式错误：{_GENERIC_PROBLEM}"


def _ime_mistake(text: str, line: int) -> tuple[str, Mark] | None:
    """The input-method mistake nearest before (or just after) the parser's line, if any."""
    lines = text.splitlines()
    first, last = max(1, line - _IME_WINDOW), min(len(lines), line + 1)
    for number in range(last, first - 1, -1):
        for pattern, message in _IME_MISTAKES:
            found = pattern.match(lines[number - 1])
            if found:
                return f"YAML 格式错误：{message}", (number, found.end())
    return None


def _unclosed_quote(exc: yaml.MarkedYAMLError, text: str) -> tuple[str, Mark] | None:
    """An unclosed quote: the parser stops at the end of the file, the mistake is where it opens."""
    mark = exc.context_mark
    if mark is None or "quoted scalar" not in str(exc.context):
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    quote = line[mark.column] if mark.column < len(line) else "\""
    return (f"YAML 格式错误：这里的引号 {quote} 没有闭合：请在这段文字的末尾补上同样的英文引号，或删除这个引号",
            (mark.line + 1, mark.column + 1))


def _syntax_error(exc: yaml.YAMLError, text: str, path: str) -> Diagnostic:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return _diag(path, "yaml.syntax", _problem_message(exc))
    mark = exc.problem_mark or exc.context_mark
    where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    found = _unclosed_quote(exc, text) or _ime_mistake(text, where[0])
    if found:
        return _diag(path, "yaml.syntax", found[0], found[1])
    return _diag(path, "yaml.syntax", _problem_message(exc), where)


def parse(text: str | bytes, path: str) -> Loaded:
    """Parse one record file's text into a :class:`Document`."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        decoded = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        return Loaded(None, [_syntax_error(exc, decoded, path)])
    if root is None:
        return Loaded(None, [_diag(path, "yaml.empty", "文件是空的：一个记录文件应当是“字段: 值”的列表")])
    if not isinstance(root, yaml.MappingNode) or root.tag != _MAP:
        return Loaded(None, [_diag(path, "yaml.not_mapping", "文件最外层应当是“字段: 值”的列表（映射），而不是单个值或“- ”列表", _mark(root))])
    builder = _Builder()
    try:
        data = builder.build(root, ())
    except _Refused as exc:
        return Loaded(None, [_diag(path, exc.rule, exc.message, exc.mark)])
    return Loaded(Document(path, data, builder.marks, builder.key_marks), [])


# Never follow a link in the last component and never wait on a FIFO: discovery
# refused both already, but the file may have been swapped since.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def read_regular(file_path: str, limit: int = MAX_FILE_BYTES) -> bytes | str:
    """The first ``limit + 1`` bytes of a regular file, or a Chinese reason why not."""
    try:
        fd = os.open(file_path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "这是一个符号链接（快捷方式），不能作为记录读取"
        return f"无法读取文件：{exc.strerror}"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "这不是普通文件，不能作为记录读取"
        # Sized from fstat: a buffered read of limit + 1 would allocate 8 MB for every small file.
        chunks, total, want = [], 0, min(info.st_size, limit) + 1
        while total < want:
            chunk = os.read(fd, want - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        return f"无法读取文件：{exc.strerror}"
    finally:
        os.close(fd)


def load_file(file_path: str, shown_path: str | None = None) -> Loaded:
    """Read and parse a file; I/O problems become diagnostics too."""
    shown = shown_path or file_path
    raw = read_regular(file_path)
    if isinstance(raw, str):
        return Loaded(None, [_diag(shown, "file.read", raw)])
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return Loaded(None, [_diag(shown, "file.too_large", f"文件超过 {limit} MB，一个记录文件不应这么大")])
    text = check_encoding(raw, shown)
    if isinstance(text, Diagnostic):
        return Loaded(None, [text])
    return parse(text, shown)


# Documents parsed again only to find a diagnostic's line, by path and content: a rule warning about
# 400 records at M re-parsed all of them at every validation of a ``serve`` session.
_LOCATED: dict[tuple[str, str, bytes], Document | None] = {}
LOCATED_KEPT = 1024  # about 30 MB of marks at most


def load_located(file_path: str, shown_path: str) -> Document | None:
    """``load_file``'s document, reused while the file holds the same bytes (for the lines of diagnostics)."""
    raw = read_regular(file_path)
    if isinstance(raw, str):
        return None
    key = (file_path, shown_path, hashlib.blake2b(raw, digest_size=16).digest())
    if key not in _LOCATED:
        if len(_LOCATED) >= LOCATED_KEPT:
            del _LOCATED[next(iter(_LOCATED))]  # the oldest
        _LOCATED[key] = load_file(file_path, shown_path).document
    return _LOCATED[key]


class _Builder:
    """Turns a node tree into plain values, recording marks as it goes."""

    def __init__(self) -> None:
        self.marks: dict[Key, Mark] = {}
        self.key_marks: dict[Key, Mark] = {}
        self._seen: set[int] = set()
        self._open: set[int] = set()
        self._alias_nodes = 0

    def build(self, node: yaml.Node, key: Key) -> Any:
        if len(key) > MAX_DEPTH:
            raise _Refused("yaml.depth", f"嵌套层级超过 {MAX_DEPTH} 层", _mark(node))
        self.marks[key] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        self._enter(node)
        try:
            if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
                return [self.build(item, key + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
                return self._mapping(node, key)
            raise _Refused("yaml.tag", f"不允许使用标签“{node.tag}”：记录只能包含普通的文字、数字、日期、列表和映射", _mark(node))
        finally:
            self._open.discard(id(node))

    def _enter(self, node: yaml.Node) -> None:
        # The composer shares one node object between an anchor and its
        # aliases: a node seen before is an alias being expanded again.
        ident = id(node)
        if ident in self._open:
            raise _Refused("yaml.alias", "别名（*名称）引用了它自身所在的结构，形成循环", _mark(node))
        if ident in self._seen:
            self._alias_nodes += _count(node)
            if self._alias_nodes > MAX_ALIAS_NODES:
                raise _Refused("yaml.alias", f"别名展开后的内容过多（超过 {MAX_ALIAS_NODES} 项），文件可能是恶意构造的", _mark(node))
        self._seen.add(ident)
        self._open.add(ident)

    def _mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused("yaml.merge", "不支持合并键“<<”，请把字段直接写出来", _mark(key_node))
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused("yaml.key", "字段名必须是简单的文字", _mark(key_node))
            # Keys are names, never numbers or booleans: keep their text as written.
            name = key_node.value
            if "　" in name:
                raise _Refused("yaml.syntax", _FULL_WIDTH_SPACE_KEY, _mark(key_node))
            if "：" in name:
                raise _Refused("yaml.syntax", _FULL_WIDTH_COLON_KEY, _mark(key_node))
            if name in result:
                first = self.key_marks[key + (name,)][0]
                raise _Refused("yaml.duplicate_key", f"字段“{name}”重复出现（第{first}行已有），请删除其中一个", _mark(key_node))
            child = key + (name,)
            self.key_marks[child] = _mark(key_node)
            result[name] = self.build(value_node, child)
            if not isinstance(value_node, yaml.ScalarNode):
                # A problem with a whole list or mapping is shown on its key's line.
                self.marks[child] = self.key_marks[child]
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR or tag == _TIMESTAMP:
            return node.value
        construct = _SCALARS.get(tag)
        if construct is not None:
            try:
                return construct(node)
            except ValueError:  # e.g. an integer of more than 4,300 digits
                raise _Refused("yaml.number", "数字太长，无法读取：请检查是否多打了数字", _mark(node)) from None
        raise _Refused("yaml.tag", f"不允许使用标签“{tag}”：记录只能包含普通的文字、数字、日期、列表和映射", _mark(node))


def _count(node: yaml.Node, limit: int = MAX_ALIAS_NODES + 1) -> int:
    """Nodes under ``node`` (shared ones counted each time), stopping at ``limit``."""
    total, stack = 0, [node]
    while stack and total < limit:
        current = stack.pop()
        total += 1
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for pair in current.value:
                stack.extend(pair)
    return total
