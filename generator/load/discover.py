"""Find the record files under a records folder, and what is misplaced there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity
from generator.files import ID_RE  # one id pattern, kept where paths are built from ids
from generator.kinds import KINDS

# Folder name -> record kind (the schema's name).
FOLDERS = {kind.folder: kind.name for kind in KINDS}
# Folders that hold other material than records.
OTHER_FOLDERS = {"photos"}

# Files a person may reasonably keep beside records.
_IGNORED = {"README.md"}
HIDDEN_MESSAGE = ("这是一个隐藏文件（名字以“.”开头）：记录目录中不能有隐藏文件，它们不会显示给审核人，"
                  "却能改变 Git 和 GitHub 处理记录的方式（如 .gitattributes）。请删除它；占位用的空 .gitkeep 除外")


@dataclass(frozen=True, slots=True)
class RecordFile:
    kind: str
    id: str  # the file name without .yml
    file_path: str  # to open
    path: str  # to show
    key: str  # inside the records folder, e.g. "pairs/2020/x.yml": stable whatever the working folder


def shown_path(path: Path) -> str:
    """The path as a person clicks on it: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def discover(records_dir: Path) -> tuple[list[RecordFile], list[Diagnostic]]:
    """Regular files only: records come from pull requests, so a symlink (or a device, a FIFO)
    could make the gate read, and the site publish, a file from outside the repository."""
    files: list[RecordFile] = []
    problems: list[Diagnostic] = []
    if records_dir.is_symlink():
        problems.append(_error(shown_path(records_dir), "file.symlink", SYMLINK_MESSAGE))
        return files, problems
    if not records_dir.is_dir():
        problems.append(_error(shown_path(records_dir), "file.records_dir", "找不到记录目录"))
        return files, problems
    for entry in sorted(os.scandir(records_dir), key=lambda e: e.name):
        shown = shown_path(Path(entry.path))
        if _hidden(entry, shown, problems) or entry.name in _IGNORED:
            continue
        if entry.name in OTHER_FOLDERS:
            if not _not_plain(entry, shown, problems) and entry.is_dir(follow_symlinks=False):
                _photos(entry.path, shown, problems)
            continue
        if _not_plain(entry, shown, problems):
            continue
        kind = FOLDERS.get(entry.name)
        if kind is None or not entry.is_dir(follow_symlinks=False):
            expected = "、".join(FOLDERS)
            problems.append(_error(shown, "file.name", f"records/ 下只能有这些目录：{expected}（以及 photos）"))
            continue
        _walk(entry.path, shown, entry.name, kind, files, problems)
    return files, problems


SYMLINK_MESSAGE = "这是一个符号链接（快捷方式）：记录目录中只能放普通文件和文件夹，请换成文件本身"
NOT_REGULAR_MESSAGE = "这不是普通文件（设备、管道或套接字）：记录目录中只能放 .yml 记录文件"


def _not_plain(entry: os.DirEntry[str], shown: str, problems: list[Diagnostic]) -> bool:
    """Report a symlink or a special file; its target is never named or read."""
    if entry.is_symlink():
        problems.append(_error(shown, "file.symlink", SYMLINK_MESSAGE))
        return True
    if not entry.is_dir(follow_symlinks=False) and not entry.is_file(follow_symlinks=False):
        problems.append(_error(shown, "file.not_regular", NOT_REGULAR_MESSAGE))
        return True
    return False


def _walk(folder: str, shown: str, key_prefix: str, kind: str, files: list[RecordFile], problems: list[Diagnostic]) -> None:
    # Sub-folders are allowed (e.g. pairs/2020/) so staff can group many files.
    # Shown paths are joined as strings: resolving each of 100,000 paths costs seconds.
    # os.scandir, not os.walk: each entry's type comes without following links.
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        path = f"{shown}/{name}"
        if _hidden(entry, path, problems) or name in _IGNORED:
            continue
        if _not_plain(entry, path, problems):
            continue
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, path, f"{key_prefix}/{name}", kind, files, problems)
            continue
        problem = _name_problem(name)
        if problem:
            problems.append(_error(path, "file.name", problem))
            continue
        files.append(RecordFile(kind, name[:-4], entry.path, path, f"{key_prefix}/{name}"))


def _hidden(entry: os.DirEntry[str], shown: str, problems: list[Diagnostic]) -> bool:
    """A dotfile or dot-folder is reported (an empty .gitkeep is passed over); True when it is one."""
    if not entry.name.startswith("."):
        return False
    placeholder = entry.name == ".gitkeep" and entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_size == 0
    if not placeholder:
        problems.append(_error(shown, "file.hidden", HIDDEN_MESSAGE))
    return True


def _photos(folder: str, shown: str, problems: list[Diagnostic]) -> None:
    """The photos folder holds image files only: no hidden files, no sub-folders, no links.
    (Whether each photo is a usable image, and used at all, the photo rules say.)"""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    for entry in entries:
        path = f"{shown}/{entry.name}"
        if _hidden(entry, path, problems) or _not_plain(entry, path, problems):
            continue
        if entry.is_dir(follow_symlinks=False):
            problems.append(_error(path, "file.name", "照片目录中不能再建文件夹：请把照片直接放在 records/photos/ 下"))


def _name_problem(name: str) -> str | None:
    stem, dot, ext = name.rpartition(".")
    if not dot or ext != "yml":
        if ext in ("yaml", "YML", "YAML"):
            return f"记录文件的扩展名应为 .yml（小写），而不是 .{ext}"
        return "记录目录中只能放 .yml 记录文件"
    if not ID_RE.match(stem):
        return "文件名只能用小写字母、数字和连字符（以字母或数字开头，最长 64 个字符），扩展名为 .yml"
    return None


def _error(path: str, rule: str, message: str) -> Diagnostic:
    return Diagnostic(path, 0, 0, Severity.ERROR, rule, message)
