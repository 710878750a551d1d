"""A cache of per-file results (parse + schema), so a pre-commit run on one
changed file does not parse the whole registry again.

Plain JSON, never pickle: the folder sits inside a checkout, and loading it
must not be able to run code. Entries are keyed by path, modification time
and size, and the whole cache by the schemas and the loader's source, so a
change to either starts afresh. CI runs without it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from generator.diagnostics import Diagnostic, Severity
from generator.load import yamlfile
from generator.load.discover import RecordFile
from generator.validate import schema

if TYPE_CHECKING:
    from generator.validate.engine import CheckedFile

Entry = list[Any]  # [mtime_ns, size, data or None, [diagnostic dicts]]


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for kind in schema.KINDS:
        digest.update((schema.SCHEMA_DIR / f"{kind}.schema.json").read_bytes())
    for module in (yamlfile, schema):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _stat(file_path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(file_path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


@dataclass
class FileCache:
    path: Path
    entries: dict[str, Entry]

    @classmethod
    def open(cls, cache_dir: Path) -> FileCache:
        path = cache_dir / f"validate-{_fingerprint()}.json"
        try:
            with open(path, "rb") as handle:
                entries = orjson.loads(handle.read())
        except (OSError, orjson.JSONDecodeError):
            entries = {}
        return cls(path, entries if isinstance(entries, dict) else {})

    def split(self, files: list[RecordFile]) -> tuple[list[tuple[RecordFile, Any, list[Diagnostic]]], list[RecordFile]]:
        fresh, stale = [], []
        for file in files:
            entry = self.entries.get(file.key)
            stat = _stat(file.file_path)
            if entry and stat and (entry[0], entry[1]) == stat:
                fresh.append((file, entry[2], [_diagnostic(d, file.path) for d in entry[3]]))
            else:
                stale.append(file)
        return fresh, stale

    def store(self, checked: list[CheckedFile]) -> None:
        for item in checked:
            stat = _stat(item.file.file_path)
            if stat is not None:
                diagnostics = [d.as_dict() for d in item.diagnostics]
                self.entries[item.file.key] = [stat[0], stat[1], item.data, diagnostics]

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is simply skipped."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # orjson: the standard json module takes most of a second on a district's registry.
            content = orjson.dumps(self.entries)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.replace(tmp, self.path)
        except OSError:
            return


def _diagnostic(item: dict[str, Any], path: str) -> Diagnostic:
    # The shown path depends on the working folder, so it is not taken from the cache.
    return Diagnostic(path, item["line"], item["column"], Severity(item["severity"]), item["rule"], item["message"])
