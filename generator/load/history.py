"""When each record last changed, from git: dates only, never who changed it.

One ``git log`` over the records folder gives every file's last commit date.
Outside a git checkout (a copied folder, an unpacked archive) there is no
history and the result is empty: pages then simply show no date. In a shallow
clone (a workflow's checkout with a fetch depth) the oldest commits fetched
list every file as if it were new there: a file last seen in one of them has
no date, not that commit's.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path


def _top(folder: Path) -> str:
    """The checkout holding ``folder`` (raises when there is none)."""
    return subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                          capture_output=True, text=True, timeout=60, check=True).stdout.strip()


def last_changed(records: Path) -> dict[str, date]:
    """Each committed file under ``records``, by its path inside it ("masters/li-jun.yml"),
    -> the date of its last commit."""
    folder = records.resolve()
    try:
        top = _top(folder)
        head = subprocess.run(["git", "-C", top, "rev-parse", "--verify", "--quiet", "HEAD"],
                              capture_output=True, text=True, timeout=60, check=False).stdout.strip()
        if (folder, head) in _SEEN:  # serve asks at every save; the answer changes only with a commit
            return dict(_SEEN[(folder, head)])
        log = subprocess.run(["git", "-C", top, "log", "--format=%x00%H %cs", "--name-only", "--no-renames", "--", str(folder)],
                             capture_output=True, text=True, timeout=600, check=True).stdout
        cut = _shallow(top)
    except (OSError, subprocess.SubprocessError):
        return {}
    seen: dict[str, date | None] = {}
    when: date | None = None
    for line in log.splitlines():
        if line.startswith("\x00"):
            commit, day = line[1:].split(" ")
            when = None if commit in cut else date.fromisoformat(day)
        elif line:
            inside = Path(top, line).relative_to(folder).as_posix()
            seen.setdefault(inside, when)  # newest first: the first date seen is the last change
    dates = {path: day for path, day in seen.items() if day is not None}
    if head:
        _SEEN.clear()
        _SEEN[(folder, head)] = dict(dates)
    return dates


def _shallow(top: str) -> frozenset[str]:
    """The commits a shallow clone was cut at (none in a full clone)."""
    where = subprocess.run(["git", "-C", top, "rev-parse", "--git-path", "shallow"],
                           capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    path = Path(top, where)
    return frozenset(path.read_text(encoding="ascii").split()) if path.is_file() else frozenset()


_SEEN: dict[tuple[Path, str], dict[str, date]] = {}  # the last answer, by records folder and commit


def changed_files(records: Path, base: str) -> list[tuple[str, Path]] | None:
    """The record files a change adds ("A"), modifies ("M") or deletes ("D") since ``base`` (a
    renamed file is a deletion and an addition), as absolute paths; None when git cannot say."""
    folder = records.resolve()
    try:
        top = _top(folder)
        diff = subprocess.run(["git", "-C", top, "diff", "--name-status", "--no-renames", "-z", base, "--", str(folder)],
                              capture_output=True, text=True, timeout=120, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    fields = diff.split("\0")
    return [(status[0], Path(top, path)) for status, path in zip(fields[0::2], fields[1::2], strict=False) if status and path]
