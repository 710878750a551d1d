"""Paths built from data, and writing a file so that an interruption never leaves half of it.

Every path that comes from a record, a ledger, an editor request or the command
line goes through :func:`inside` before anything is opened: a ledger's 编号
column or a request's ``path`` is data, and ``../../x`` or ``/etc/x`` in it must
never become a place on disk. Record ids are checked against the id pattern
first (:func:`record_path`), so a bad id is refused before any path exists.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class OutsideRoot(ValueError):
    """A path that would leave the folder it must stay in; the message is for the user (Chinese)."""


def inside(root: Path, *parts: str) -> Path:
    """``root/parts…`` resolved, or :class:`OutsideRoot` when it would end up anywhere else
    (``..``, an absolute part, a link pointing out). ``root`` itself is not a valid answer."""
    base = root.resolve()
    joined = Path(*parts) if parts else Path()
    if joined.is_absolute() or ".." in joined.parts or "\x00" in str(joined):
        raise OutsideRoot(f"路径“{'/'.join(parts)}”不在 {root.name}/ 之内，已拒绝")
    return _contained((base / joined).resolve(), root, "/".join(parts))


def _contained(target: Path, root: Path, shown: str) -> Path:
    """``target`` (resolved) when it lies below ``root``, else :class:`OutsideRoot`."""
    base = root.resolve()
    if target == base or base not in target.parents:
        raise OutsideRoot(f"路径“{shown}”不在 {root.name}/ 之内，已拒绝")
    return target


def valid_id(value: str) -> bool:
    return bool(ID_RE.match(value))


def record_path(records: Path, folder: str, record_id: str) -> Path:
    """``records/<folder>/<id>.yml`` for an id that matches the id pattern, else :class:`OutsideRoot`."""
    if not valid_id(record_id):
        raise OutsideRoot(f"编号“{record_id}”不合规：只能用小写字母、数字和连字符（以字母或数字开头，最长 64 个字符）")
    return inside(records, folder, f"{record_id}.yml")


def link_or_copy(source: str | Path, target: str | Path) -> bool:
    """``target`` as a hard link to ``source`` (a copy across file systems); False when ``source``
    is not there or neither works. Builds write new files, never into old ones, so a link is a copy."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        return False
    except OSError:
        try:
            shutil.copyfile(source, target)
        except OSError:
            return False
    return True


def write_atomically(target: Path, data: bytes, root: Path) -> None:
    """Write beside ``target``, then rename over it; an existing file keeps its permissions.
    ``target`` must lie inside ``root`` (checked here, whoever built the path)."""
    target = _contained(target.resolve(), root, str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.new-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)

