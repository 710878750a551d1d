"""A cache of per-file results (parse + schema), so a pre-commit run on one
changed file does not parse the whole registry again.

Entries are keyed by a hash of the file's bytes, never by its modification
time or size alone: an edit that keeps both (``touch -r``) is still re-checked.
A file is not read again when its stamp (inode, size, modification and change
times) is the one recorded when it was read, as git's index does: the change
time moves at every write and cannot be set back from user space. A file
changed within ``RACY_NS`` of being read gets no stamp (the clock's coarse
ticks could hide a second write in the same tick: "racily clean"). The
whole cache is keyed by the schemas and the source of the modules whose result
it stores (loader, schema check, the rules on one record alone, this module), so
a change to either starts afresh. A per-file result depends on nothing else: the
rules across files (programme parameters, references) run on every call and are
never cached.

Plain JSON, never pickle, so that loading it cannot run code; and it lives in
the user's cache folder, not in the checkout, so a pull request cannot bring a
cache of its own. CI runs without it.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from generator import characters, formulas
from generator.diagnostics import Diagnostic, Severity
from generator.kinds import NAMES
from generator.load import yamlfile
from generator.load.discover import RecordFile
from generator.resources import SCHEMA_DIR
from generator.validate import rules, schema

if TYPE_CHECKING:
    from generator.validate.engine import CheckedFile

Entry = list[Any]  # [content digest, data or None, [diagnostic dicts], stamp or None]
RACY_NS = 2_000_000_000  # a file changed this recently when read is read again next time


def default_dir(records_dir: Path, environ: Mapping[str, str]) -> Path:
    """One cache per registry, in the user's cache folder (XDG), never inside the checkout."""
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    where = hashlib.sha256(str(records_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return base / "jiangpu" / where


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for kind in NAMES:
        digest.update((SCHEMA_DIR / f"{kind}.schema.json").read_bytes())
    # The per-file results include the rules on one record alone (rules.RECORD_RULES): their code too.
    for module in (yamlfile, schema, sys.modules[__name__], rules, characters, formulas,
                   *(sys.modules[name] for name in sorted(rules.RECORD_RULE_MODULES))):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def content_digest(file_path: str) -> str | None:
    """A hash of the bytes the loader would read; None when it cannot read them (never cached)."""
    raw = yamlfile.read_regular(file_path)
    if isinstance(raw, str):
        return None
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _stamp(info: os.stat_result) -> list[int]:
    return [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


@dataclass
class FileCache:
    path: Path
    entries: dict[str, Entry]
    _digests: dict[str, str] = field(default_factory=dict)
    _stamps: dict[str, list[int]] = field(default_factory=dict)  # of the files read now, to be recorded
    restamped: bool = False  # a file found unchanged by its bytes got a new stamp: the cache is worth saving

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
        self._digests, self._stamps = {}, {}
        settled = time.time_ns() - RACY_NS  # changed before this: a later change moves the change time past the stamp
        for file in files:
            entry = self.entries.get(file.key)
            known: Entry = entry if isinstance(entry, list) and len(entry) == 4 else []
            try:
                # Taken before the bytes are read: a write after it leaves a stamp that no longer matches.
                stamp: list[int] | None = _stamp(os.stat(file.file_path, follow_symlinks=False))
            except OSError:
                stamp = None
            digest = str(known[0]) if known and stamp is not None and known[3] == stamp else content_digest(file.file_path)
            if digest is not None:
                self._digests[file.key] = digest
                if stamp is not None and max(stamp[2], stamp[3]) < settled:
                    self._stamps[file.key] = stamp
            if known and digest is not None and known[0] == digest:
                fresh.append((file, known[1], [_diagnostic(d, file.path) for d in known[2]]))
                if known[3] != self._stamps.get(file.key):
                    known[3] = self._stamps.get(file.key)
                    self.restamped = True
            else:
                stale.append(file)
        return fresh, stale

    def store(self, checked: list[CheckedFile]) -> None:
        """Store results under the digest read before checking: a file changed meanwhile
        gets a digest that no longer matches, so it is checked again next time."""
        for item in checked:
            digest = self._digests.get(item.file.key)
            if digest is not None:
                self.entries[item.file.key] = [digest, item.data, [d.as_dict() for d in item.diagnostics],
                                               self._stamps.get(item.file.key)]

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
