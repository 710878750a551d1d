"""Pinyin readings kept between builds, by text, in the user's cache.

The lists sort names as a Chinese dictionary does and the editor carries a character → pinyin
table (lists.py, cms_data.py). pypinyin reads them well but slowly for a build that changed one
record: loading its dictionaries and reading ten thousand names at M took 0.8 s of a one-record
build, every time, for the same names. A reading depends only on the text and pypinyin's
version, so it is kept in a file named by that version; an unknown text is read by pypinyin
and added. Nothing here decides a reading: a kept one is exactly what pypinyin said.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import orjson

from generator.files import write_atomically

# text -> its syllables, per kind of reading ("tone3": the lists' sort key; "table": the editor's table)
_KEPT: dict[str, dict[str, list[str]]] = {}
_MADE: dict[str, dict[str, list[str]]] = {}  # the readings made here since the file was read: save() writes them


def _file(cache: Path) -> Path:
    try:
        version = metadata.version("pypinyin")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return cache / f"pinyin-{version}.json"


def load(cache: Path | None) -> None:
    """The readings kept in ``cache`` (the user's artefact cache), added to this process's."""
    if cache is None:
        return
    try:
        kept = orjson.loads(_file(cache).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return  # none yet, or unreadable: read again by pypinyin and written anew
    if isinstance(kept, dict):
        for kind, table in kept.items():
            if isinstance(table, dict):
                _KEPT.setdefault(kind, {}).update({k: v for k, v in table.items() if isinstance(v, list)})


def save(cache: Path | None) -> None:
    """Write the readings back when this process made new ones (a cache that cannot be written only costs time)."""
    if cache is None or not any(_MADE.values()):
        return
    path = _file(cache)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, orjson.dumps(_KEPT), path.parent)
    except OSError:
        return
    _MADE.clear()


def made() -> dict[str, dict[str, list[str]]]:
    """The readings this process made: a forked child's (the editor's) hands them to the parent, whose ``save`` keeps
    them (made in the child alone, the editor's table was read by pypinyin again at every build)."""
    return {kind: dict(table) for kind, table in _MADE.items() if table}


def add(found: dict[str, dict[str, list[str]]]) -> None:
    """Readings another process made (``made``), kept as this one's own."""
    for kind, table in found.items():
        kept = _KEPT.setdefault(kind, {})
        for text, syllables in table.items():
            if text not in kept:
                kept[text] = _MADE.setdefault(kind, {})[text] = syllables


def reading(kind: str, text: str, read: Callable[[str], list[str]]) -> list[str]:
    """``text``'s reading of ``kind``: the kept one, else ``read(text)`` (pypinyin), kept."""
    table = _KEPT.setdefault(kind, {})
    found = table.get(text)
    if found is None:
        found = table[text] = _MADE.setdefault(kind, {})[text] = read(text)
    return found
