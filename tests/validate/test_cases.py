"""Every rule has a passing and a failing case, as data folders.

``tests/cases/<rule>/valid/records`` and ``.../invalid/records`` are laid over
the small base registry in ``tests/cases/_base``. A valid case must produce no
diagnostic at all; an invalid one exactly the rule, file and line listed in its
``expected.yml`` and, where an entry gives a ``message``, a message that contains it
(what the clerk reads is part of the contract).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from generator.diagnostics import Diagnostic
from generator.validate.engine import validate
from generator.validate.rules import RECORD_RULES, RULES
from tests.conftest import CASES, make_registry

# Cases are written against a fixed day, so that "overdue" stays overdue.
CASE_DAY = date(2023, 6, 1)
LOADER_RULES = {"yaml.number", "yaml.syntax", "yaml.encoding", "yaml.duplicate_key", "yaml.tag", "yaml.alias", "yaml.not_mapping", "yaml.empty"}
FILE_RULES = {"schema", "file.name", "file.hidden"}


def _case_dirs(variant: str) -> list[Path]:
    return sorted(p for p in CASES.glob(f"*/{variant}") if p.parent.name != "_base")


def _diagnostics(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.chdir(tmp_path)
    records = make_registry(tmp_path, case)
    run = validate(Path("records"), today=CASE_DAY, jobs=1)
    assert records.is_dir()
    return run.result.diagnostics


def _run(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    return sorted((d.rule, d.path, d.line) for d in _diagnostics(case, tmp_path, monkeypatch))


def test_base_registry_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_registry(tmp_path)
    assert validate(Path("records"), today=CASE_DAY, jobs=1).result.diagnostics == []


@pytest.mark.parametrize("case", _case_dirs("valid"), ids=lambda p: p.parent.name)
def test_valid_case_passes(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(case, tmp_path, monkeypatch) == []


@pytest.mark.parametrize("case", _case_dirs("invalid"), ids=lambda p: p.parent.name)
def test_invalid_case_reports_rule_file_and_line(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = yaml.safe_load((case / "expected.yml").read_text(encoding="utf-8"))
    wanted = sorted((e["rule"], e["path"], e["line"]) for e in expected)
    assert all(rule == case.parent.name for rule, _, _ in wanted), "a case tests its own rule"
    found = _diagnostics(case, tmp_path, monkeypatch)
    assert sorted((d.rule, d.path, d.line) for d in found) == wanted
    for entry in expected:
        if "message" in entry:
            messages = [d.message for d in found if (d.rule, d.path, d.line) == (entry["rule"], entry["path"], entry["line"])]
            assert any(entry["message"] in m for m in messages), (entry, messages)


def test_every_rule_has_both_cases() -> None:
    for rule_id in set(RULES) | set(RECORD_RULES) | FILE_RULES:
        assert (CASES / rule_id / "valid").is_dir(), f"{rule_id} has no valid case"
        assert (CASES / rule_id / "invalid" / "expected.yml").is_file(), f"{rule_id} has no invalid case"
    for rule_id in LOADER_RULES:
        assert (CASES / rule_id / "invalid" / "expected.yml").is_file(), f"{rule_id} has no invalid case"


ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")
PYTHON_WORDS = re.compile(r"\b(?:None|True|False)\b|\{'|\['")


@pytest.mark.parametrize("case", _case_dirs("invalid"), ids=lambda p: p.parent.name)
def test_messages_are_chinese_without_python_words(case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clerk reads every message: no parser English, no None/True, no Python reprs."""
    for diagnostic in _diagnostics(case, tmp_path, monkeypatch):
        assert not ENGLISH_PHRASE.search(diagnostic.message), diagnostic
        assert not PYTHON_WORDS.search(diagnostic.message), diagnostic


def test_one_bad_date_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A date that breaks both its pattern and its format is reported, and counted, once."""
    monkeypatch.chdir(tmp_path)
    records = make_registry(tmp_path)
    pair = records / "pairs" / "base-pair.yml"
    pair.write_text(pair.read_text(encoding="utf-8").replace("signed: 2021-03-01", "signed: 2021.3.1"), encoding="utf-8")
    result = validate(Path("records"), today=CASE_DAY, jobs=1).result
    assert [(d.rule, d.line) for d in result.diagnostics] == [("schema", 9)]
    assert len(result.errors) == 1
    assert "应写成 2021-03-01" in result.diagnostics[0].message
