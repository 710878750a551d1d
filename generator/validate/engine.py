"""The validate stage: every file checked alone, then the rules across files.

Pure: takes options, returns a :class:`Validation`; never prints or exits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostic, Result, Severity
from generator.forked import ChildLost, Forked
from generator.load.discover import RecordFile, discover, shown_path
from generator.load.yamlfile import Document, load_file
from generator.memory import collector_paused
from generator.model.build import RecordData, build_registry
from generator.model.entities import Registry, Source
from generator.validate import schema
from generator.validate.cache import FileCache
from generator.validate.rules import Context, run_record_rules, run_rules

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


@dataclass(slots=True)
class CheckedFile:
    """One file after parsing and its schema check."""

    file: RecordFile
    data: dict[str, Any] | None
    diagnostics: list[Diagnostic]
    document: Document | None = None


@dataclass(slots=True)
class Validation:
    """``result``: every problem found; with ``pending`` (rules across files still running, see ``validate``),
    only the files' own problems until ``settled()`` is called."""

    result: Result
    registry: Registry
    checked: list[CheckedFile] = field(default_factory=list)
    pending: Callable[[], Result] | None = None

    def settled(self) -> Result:
        """The whole result, once the rules across files have run (waits for them)."""
        if self.pending is not None:
            self.result, self.pending = self.pending(), None
        return self.result


def check_file(file: RecordFile) -> CheckedFile:
    loaded = load_file(file.file_path, file.path)
    document = loaded.document
    if document is None:
        return CheckedFile(file, None, loaded.diagnostics)
    problems = schema.check(file.kind, document)
    if problems:
        return CheckedFile(file, None, problems, document)
    # The rules on this record alone, here: they run in the workers and are kept in the cache.
    found = run_record_rules(RecordData(file.kind, file.id, Source(file.path, file.file_path, document), document.data))
    return CheckedFile(file, document.data, found, document)


def _check_without_document(file: RecordFile) -> CheckedFile:
    checked = check_file(file)
    checked.document = None  # marks stay behind: a worker's result crosses a pipe
    return checked


def check_files(files: Sequence[RecordFile], jobs: int | None = None) -> list[CheckedFile]:
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(files) < PARALLEL_THRESHOLD:
        return [check_file(f) for f in files]
    chunk = max(1, len(files) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        return list(pool.map(_check_without_document, files, chunksize=chunk))


def validate(
    records_dir: Path,
    *,
    today: date,
    only: Iterable[str] = (),
    jobs: int | None = None,
    cache_dir: Path | None = None,
    defer: ExitStack | None = None,
) -> Validation:
    """Check the whole registry; report on ``only`` these files when given.

    ``defer`` (``build``): when every file passes its own checks and the registry is large enough for a
    process to pay, the rules across files run in a child held by that stack, while the caller goes on with
    the registry; ``Validation.settled()`` waits for their findings. (At L they take 0.9 s of a one-record build.)"""
    with collector_paused():
        return _validate(records_dir, today, tuple(only), jobs, cache_dir, defer)


def _validate(records_dir: Path, today: date, only: Iterable[str], jobs: int | None, cache_dir: Path | None,
              defer: ExitStack | None) -> Validation:
    files, problems = discover(records_dir)
    checked = _check_with_cache(files, jobs, cache_dir)
    records = [RecordData(c.file.kind, c.file.id, Source(c.file.path, c.file.file_path, c.document), c.data) for c in checked]
    registry = build_registry(records)
    diagnostics = problems + [d for c in checked for d in c.diagnostics]
    context = Context(registry, records, today, records_dir)
    if defer is not None and len(files) >= PARALLEL_THRESHOLD and (jobs or os.cpu_count() or 1) > 1 \
            and not any(d.severity is Severity.ERROR for d in diagnostics):
        rules = defer.enter_context(Forked(run_rules, context))

        def rest() -> Result:
            return _result(diagnostics + _found(rules, context), only, files, problems)

        return Validation(_result(diagnostics, only, files, problems), registry, checked, pending=rest)
    return Validation(_result(diagnostics + run_rules(context), only, files, problems), registry, checked)


def _found(rules: Forked, context: Context) -> list[Diagnostic]:
    try:
        found: list[Diagnostic] = rules.result()
    except ChildLost:  # killed, out of memory: the rules run here instead
        return run_rules(context)
    return found


def _result(diagnostics: list[Diagnostic], only: Iterable[str], files: list[RecordFile], problems: list[Diagnostic]) -> Result:
    wanted = {shown_path(Path(p)) for p in only}
    if wanted:
        diagnostics = [d for d in diagnostics if d.path in wanted]
        known = {f.path for f in files} | {d.path for d in problems}
        diagnostics += [Diagnostic(path, 0, 0, Severity.ERROR, "file.name", "不是记录目录中的记录文件，未检查")
                        for path in sorted(wanted - known)]
    return Result(diagnostics, files_checked=len(wanted) if wanted else len(files))


def _check_with_cache(files: list[RecordFile], jobs: int | None, cache_dir: Path | None) -> list[CheckedFile]:
    if cache_dir is None:
        return check_files(files, jobs)
    cache = FileCache.open(cache_dir)
    fresh, stale = cache.split(files)
    checked = check_files(stale, jobs)
    if checked:
        cache.store(checked)
    cache.save()  # what was set since read (checked now, or stamped again), if anything
    # Both lists keep the files' order (split's two are parts of it, check_files keeps its own): merged, not looked up.
    stale_ids = {id(file) for file in stale}
    made, taken = iter(checked), iter(fresh)
    return [next(made) if id(file) in stale_ids else CheckedFile(*next(taken)) for file in files]
