"""A cache of per-file results (parse + schema), so a pre-commit run on one
changed file does not parse the whole registry again.

Entries are keyed by a hash of the file's bytes, never by its modification
time or size: an edit that keeps both (``touch -r``) is still re-checked. The
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

Entry = list[Any]  # [content digest, data or None, [diagnostic dicts]]


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


@dataclass
class FileCache:
    path: Path
    entries: dict[str, Entry]
    _digests: dict[str, str] = field(default_factory=dict)

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
        self._digests = {}
        for file in files:
            entry = self.entries.get(file.key)
            digest = content_digest(file.file_path)
            if digest is not None:
                self._digests[file.key] = digest
            if isinstance(entry, list) and len(entry) == 3 and digest is not None and entry[0] == digest:
                fresh.append((file, entry[1], [_diagnostic(d, file.path) for d in entry[2]]))
            else:
                stale.append(file)
        return fresh, stale

    def store(self, checked: list[CheckedFile]) -> None:
        """Store results under the digest read before checking: a file changed meanwhile
        gets a digest that no longer matches, so it is checked again next time."""
        for item in checked:
            digest = self._digests.get(item.file.key)
            if digest is not None:
                self.entries[item.file.key] = [digest, item.data, [d.as_dict() for d in item.diagnostics]]

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
