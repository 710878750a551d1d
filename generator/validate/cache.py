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

A save writes only the entries set since the cache was read, appended to a journal beside the
file (a line of JSON each), until the journal is an eighth of the file: then the whole cache is
written again and the journal removed. At L (100,000 masters) writing all of it took 0.4-0.7 s
after a one-record change. A line cut short (a process killed while appending) is not JSON and
is skipped: its entries are checked again. Two processes saving at once lose at most each
other's new entries, never a result.

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
JOURNAL_SHARE = 8  # the journal is folded into the file once it is this share of the file's size


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
    _stamps: dict[str, list[int]] = field(default_factory=dict)  # of the files read now, to be recorded
    _set: dict[str, Entry] = field(default_factory=dict)  # the entries stored or restamped since read: the journal's
    _sizes: tuple[int, int] = (0, 0)  # the file's and the journal's, when read

    @property
    def journal(self) -> Path:
        return self.path.with_suffix(".journal")

    @classmethod
    def open(cls, cache_dir: Path) -> FileCache:
        path = cache_dir / f"validate-{_fingerprint()}.json"
        try:
            with open(path, "rb") as handle:
                content = handle.read()
            entries = orjson.loads(content)
        except (OSError, orjson.JSONDecodeError):
            content, entries = b"", {}
        cache = cls(path, entries if isinstance(entries, dict) else {})
        journal = cache._read_journal() if cache.entries else b""  # without its file, a journal is never read
        cache._sizes = (len(content), len(journal))
        return cache

    def _read_journal(self) -> bytes:
        try:
            with open(self.journal, "rb") as handle:
                journal = handle.read()
        except OSError:
            return b""
        for line in journal.split(b"\n"):
            try:
                entries = orjson.loads(line) if line else None
            except orjson.JSONDecodeError:
                continue  # cut short: its entries are checked again
            if isinstance(entries, dict):
                self.entries.update(entries)
        return journal

    def split(self, files: list[RecordFile]) -> tuple[list[tuple[RecordFile, Any, list[Diagnostic]]], list[RecordFile]]:
        fresh, stale = [], []
        digests, stamps = self._digests, self._stamps = {}, {}
        entries, stat = self.entries, os.stat
        settled = time.time_ns() - RACY_NS  # changed before this: a later change moves the change time past the stamp
        for file in files:
            key = file.key
            entry = entries.get(key)
            known: Entry = entry if type(entry) is list and len(entry) == 4 else []
            try:
                # Taken before the bytes are read: a write after it leaves a stamp that no longer matches.
                info = stat(file.file_path, follow_symlinks=False)
                stamp: list[int] | None = [info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
            except OSError:
                stamp = None
            digest = str(known[0]) if known and stamp is not None and known[3] == stamp else content_digest(file.file_path)
            if digest is None:
                stale.append(file)
                continue
            digests[key] = digest
            if stamp is not None and stamp[2] < settled and stamp[3] < settled:
                stamps[key] = stamp
            if known and known[0] == digest:
                fresh.append((file, known[1], [_diagnostic(d, file.path) for d in known[2]] if known[2] else []))
                if known[3] != stamps.get(key):
                    known[3] = stamps.get(key)
                    self._set[key] = known  # found unchanged by its bytes, with a new stamp: worth saving
            else:
                stale.append(file)
        return fresh, stale

    def store(self, checked: list[CheckedFile]) -> None:
        """Store results under the digest read before checking: a file changed meanwhile
        gets a digest that no longer matches, so it is checked again next time."""
        for item in checked:
            digest = self._digests.get(item.file.key)
            if digest is not None:
                self._set[item.file.key] = self.entries[item.file.key] = [
                    digest, item.data, [d.as_dict() for d in item.diagnostics], self._stamps.get(item.file.key)]

    def save(self) -> None:
        """The entries set since read, appended to the journal; or, once it has grown past its share (or there
        is no file yet), the whole cache written atomically and the journal removed. A cache that cannot be
        written is simply skipped."""
        if not self._set:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # orjson: the standard json module takes most of a second on a district's registry.
            line = orjson.dumps(self._set) + b"\n"
            whole, journal = self._sizes
            if whole and (journal + len(line)) * JOURNAL_SHARE <= whole:
                with open(self.journal, "ab", buffering=0) as handle:
                    handle.write(line)  # one write: a line cut short is skipped when read
            else:
                content = orjson.dumps(self.entries)
                fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                os.replace(tmp, self.path)
                self.journal.unlink(missing_ok=True)  # folded in
        except OSError:
            return


def _diagnostic(item: dict[str, Any], path: str) -> Diagnostic:
    # The shown path depends on the working folder, so it is not taken from the cache.
    return Diagnostic(path, item["line"], item["column"], Severity(item["severity"]), item["rule"], item["message"])
