"""The one problem type of the project, and the result that collects them.

Every stage (loading, schema, rules) reports problems as :class:`Diagnostic`
values instead of raising, so that one broken file never hides the others.
The exit code is decided once, by the CLI, from a :class:`Result`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem found in one file.

    ``path`` is relative to the working folder when possible (what a person
    clicks on); ``line`` and ``column`` are 1-based, 0 when unknown.
    ``message`` is Chinese (the staff read it); ``rule`` is a stable English id.
    """

    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass(slots=True)
class Result:
    """All diagnostics of one run, in a stable order."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    def __post_init__(self) -> None:
        # The same problem found twice is one problem: counted and printed once.
        self.diagnostics = list(dict.fromkeys(self.diagnostics))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        seen = set(self.diagnostics)
        self.diagnostics.extend(d for d in dict.fromkeys(items) if d not in seen)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.diagnostics))

    def failed(self, strict: bool = False) -> bool:
        if self.errors:
            return True
        return strict and bool(self.warnings)
