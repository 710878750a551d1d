"""Find the record files under a records folder, and what is misplaced there."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity

# Folder name -> record kind (the schema's name).
FOLDERS = {
    "programmes": "programme",
    "units": "unit",
    "masters": "master",
    "studios": "studio",
    "pairs": "pair",
}
# Folders that hold other material than records.
OTHER_FOLDERS = {"photos"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# Files a person may reasonably keep beside records.
_IGNORED = {"README.md", ".gitkeep", ".DS_Store"}


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
    files: list[RecordFile] = []
    problems: list[Diagnostic] = []
    if not records_dir.is_dir():
        problems.append(_error(shown_path(records_dir), "file.records_dir", "找不到记录目录"))
        return files, problems
    for entry in sorted(os.scandir(records_dir), key=lambda e: e.name):
        if entry.name.startswith(".") or entry.name in _IGNORED or entry.name in OTHER_FOLDERS:
            continue
        kind = FOLDERS.get(entry.name)
        if kind is None or not entry.is_dir():
            expected = "、".join(FOLDERS)
            problems.append(_error(shown_path(Path(entry.path)), "file.name", f"records/ 下只能有这些目录：{expected}（以及 photos）"))
            continue
        _walk(Path(entry.path), shown_path(Path(entry.path)), kind, files, problems)
    return files, problems


def _walk(folder: Path, shown: str, kind: str, files: list[RecordFile], problems: list[Diagnostic]) -> None:
    # Sub-folders are allowed (e.g. pairs/2020/) so staff can group many files.
    # Shown paths are joined as strings: resolving each of 100,000 paths costs seconds.
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        relative = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = shown if relative == "." else f"{shown}/{relative}"
        key_prefix = folder.name if relative == "." else f"{folder.name}/{relative}"
        for name in sorted(names):
            if name.startswith(".") or name in _IGNORED:
                continue
            problem = _name_problem(name)
            if problem:
                problems.append(_error(f"{prefix}/{name}", "file.name", problem))
                continue
            files.append(RecordFile(kind, name[:-4], os.path.join(root, name), f"{prefix}/{name}", f"{key_prefix}/{name}"))


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
