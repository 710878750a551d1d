"""The registry's rules: each a small function with a stable id.

A rule reads the typed registry and yields :class:`Finding` values; the
engine turns them into diagnostics with the rule's id and the line of the
value concerned. Parameters come from the programme's ``rules`` (see
:func:`generator.model.build.rules_from`), never from literals here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity
from generator.load.yamlfile import Key
from generator.model.build import RecordData, rules_from
from generator.model.entities import Programme, Registry, Rules, Source


@dataclass(frozen=True, slots=True)
class Finding:
    src: Source
    message: str
    key: Key = ()
    severity: Severity = Severity.ERROR
    at_key: bool = False
    whole_file: bool = False  # a file that is not YAML (a photo): no line to point at


def warning(src: Source, message: str, key: Key = ()) -> Finding:
    return Finding(src, message, key, Severity.WARNING)


@dataclass(frozen=True, slots=True)
class Context:
    registry: Registry
    records: list[RecordData]
    today: date
    records_dir: Path | None = None  # for the rules about files beside the records (photos)

    def programme(self, programme_id: str | None, kind: str) -> Programme | None:
        """The programme of that kind, when it exists and is valid."""
        found = self.registry.programmes.get(programme_id or "")
        return found if found is not None and found.kind == kind else None

    def rules(self, programme_id: str | None, kind: str) -> Rules | None:
        found = self.programme(programme_id, kind)
        return found.rules if found else None


RuleFn = Callable[[Context], Iterable[Finding]]
RULES: dict[str, RuleFn] = {}
# Rules that read one record alone: run with the file's own checks (in the workers, and kept in the
# validation cache with them: the text rules took two thirds of a warm validation at M).
RecordRuleFn = Callable[[RecordData], Iterable[Finding]]
RECORD_RULES: dict[str, RecordRuleFn] = {}
RECORD_RULE_MODULES: set[str] = set()  # where they are written: their source keys the cache


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    def register(function: RuleFn) -> RuleFn:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RULES[rule_id] = function
        return function

    return register


def record_rule(rule_id: str) -> Callable[[RecordRuleFn], RecordRuleFn]:
    """A rule on one schema-valid record alone: what it finds depends on that file's bytes and nothing else."""
    def register(function: RecordRuleFn) -> RecordRuleFn:
        if rule_id in RULES or rule_id in RECORD_RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        RECORD_RULES[rule_id] = function
        RECORD_RULE_MODULES.add(function.__module__)
        return function

    return register


def _diagnostic(rule_id: str, finding: Finding) -> Diagnostic:
    line, column = (0, 0) if finding.whole_file else finding.src.locate(finding.key, at_key=finding.at_key)
    return Diagnostic(finding.src.path, line, column, finding.severity, rule_id, finding.message)


def run_rules(context: Context) -> list[Diagnostic]:
    return [_diagnostic(rule_id, finding) for rule_id, function in RULES.items() for finding in function(context)]


def run_record_rules(record: RecordData) -> list[Diagnostic]:
    return [_diagnostic(rule_id, finding) for rule_id, function in RECORD_RULES.items() for finding in function(record)]


def default_rules() -> Rules:
    return rules_from(None)


# Importing the modules registers their rules.
from generator.validate.rules import dates, files, master, pair, photo, programme, refs, studio, talent, text  # noqa: E402,F401
