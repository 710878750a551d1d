"""Folders of the last build moved into the new one whole, and put back as they were should it fail.

After a one-record change at M, the profile folders of the docs and of the site (10,000 files
each, nearly all as they were) cost a rename each instead of 10,000 links and as many removals.
Both the docs (``docs.carry_folders``) and the site (``build._Taken``) carry theirs with this.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import orjson

HELD = "held.json"  # in the journal: each folder moved, from where, and the names it held then
REPLACED = "replaced"  # in the journal: what the build took out of a carried folder, a folder each


class Carried:
    """Folders moved from the last build into this one (``carry``). A file or folder in one of them that
    the build replaces or drops is set aside first (``set_aside``; the worker processes do it too, forked
    with this object), so that ``undo`` can put each folder back where it was, as it was. What moves is
    written in ``journal`` (a folder of the build's own) before it moves: ``undo`` needs nothing else."""

    def __init__(self, journal: Path) -> None:
        self.journal = journal
        self.folders: list[dict[str, Any]] = []
        self._index: dict[str, int] = {}  # a carried folder (where it is now) -> its place in ``folders``

    def carry(self, moves: list[tuple[Path, Path]]) -> None:
        """Each folder ``source`` moved to ``target`` (which must not exist)."""
        start = len(self.folders)
        self.folders += [{"source": str(source), "target": str(target), "names": os.listdir(source)} for source, target in moves]
        self.journal.mkdir(parents=True, exist_ok=True)
        (self.journal / HELD).write_bytes(orjson.dumps(self.folders))
        for i, (source, target) in enumerate(moves, start):
            self._index[str(target)] = i
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)

    def names(self, folder: Path) -> list[str]:
        """What the carried ``folder`` (where it is now) held when it was carried: at L, 100,000 names, listed once."""
        return list(self.folders[self._index[str(folder)]]["names"])

    def set_aside(self, path: Path) -> None:
        """A file or folder directly in a carried folder, about to be replaced or dropped: kept in the journal."""
        aside = self.journal / REPLACED / str(self._index[str(path.parent)])
        aside.mkdir(parents=True, exist_ok=True)
        os.rename(path, aside / path.name)

    def kept(self) -> None:
        """The new build is in place: nothing is to be put back."""
        (self.journal / HELD).unlink(missing_ok=True)
        self.folders, self._index = [], {}


def replaced(journal: Path, into: Path) -> dict[str, Path]:
    """The folders carried into ``into`` (by name), each with the folder of what the build replaced or dropped
    in it (the last versions of those files; the folder is absent when there were none)."""
    try:
        folders = orjson.loads((journal / HELD).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return {Path(held["target"]).name: journal / REPLACED / str(i) for i, held in enumerate(folders)
            if Path(held["target"]).parent == into}


def _remove(path: str | Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        os.unlink(path)


def undo(journal: Path) -> None:
    """After a failed build: each folder its ``Carried`` moved, back where it was, as it was (what the build
    put in removed, what it set aside put back). Nothing when nothing was carried (no journal)."""
    try:
        folders = orjson.loads((journal / HELD).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return
    for i, held in reversed(list(enumerate(folders))):
        source, target, names = Path(held["source"]), Path(held["target"]), set(held["names"])
        if not target.is_dir() or source.exists():
            continue  # never moved (the failure came first), or back already
        replaced = journal / REPLACED / str(i)
        if replaced.is_dir():
            for entry in os.scandir(replaced):
                if os.path.lexists(target / entry.name):
                    _remove(target / entry.name)  # what the build put in its place
                os.rename(entry.path, target / entry.name)
        for name in os.listdir(target):
            if name not in names:
                _remove(target / name)
        os.rename(target, source)
    (journal / HELD).unlink()
