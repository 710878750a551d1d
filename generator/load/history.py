"""When each record last changed, from git: dates only, never who changed it.

One ``git log`` over the records folder gives every file's last commit date.
Outside a git checkout (a copied folder, an unpacked archive) there is no
history and the result is empty: pages then simply show no date.
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path


def last_changed(records: Path) -> dict[Path, date]:
    """Resolved path of each committed file under ``records`` -> the date of its last commit."""
    folder = records.resolve()
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=60, check=True).stdout.strip()
        log = subprocess.run(["git", "-C", top, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", str(folder)],
                             capture_output=True, text=True, timeout=600, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[Path, date] = {}
    when: date | None = None
    for line in log.splitlines():
        if line.startswith("\x00"):
            when = date.fromisoformat(line[1:])
        elif line and when is not None:
            dates.setdefault(Path(top, line), when)  # newest first: the first date seen is the last change
    return dates
