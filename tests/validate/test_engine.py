"""The validate stage: parallel and serial agree; one broken file never hides others."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.validate import engine
from tests.conftest import REPO


def test_parallel_and_serial_give_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    serial = engine.validate(REPO / "records", today=date(2028, 1, 1), jobs=1)
    parallel = engine.validate(REPO / "records", today=date(2028, 1, 1), jobs=2)
    assert serial.result.sorted() == parallel.result.sorted()
    assert serial.result.diagnostics, "a later day makes some pairs overdue: the comparison is not empty"
    assert set(serial.registry.pairs) == set(parallel.registry.pairs)


def test_one_broken_file_does_not_stop_the_others(registry_dir: Path) -> None:
    (registry_dir / "units" / "aaa.yml").write_text("id: aaa\n\tname: x\n", encoding="utf-8")
    (registry_dir / "units" / "zzz.yml").write_text("id: zzz\nname: 甲\ntype: 公司\n", encoding="utf-8")
    run = engine.validate(Path("records"), today=date(2023, 6, 1), jobs=1)
    assert {(d.path, d.rule) for d in run.result.diagnostics} == {
        ("records/units/aaa.yml", "yaml.syntax"), ("records/units/zzz.yml", "schema")}
    assert "teacher" in run.registry.masters


def test_missing_records_folder_is_a_diagnostic(tmp_path: Path) -> None:
    run = engine.validate(tmp_path / "nowhere", today=date(2023, 6, 1))
    assert [d.rule for d in run.result.diagnostics] == ["file.records_dir"]


def test_the_rules_on_one_record_are_kept_in_the_cache_with_its_file(registry_dir: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """text.* rules run with the file's own checks: a warm run (the file unchanged) reports what the
    cold one did, without running them; an edit runs them again."""
    from generator.validate import rules

    master = registry_dir / "masters" / "teacher.yml"
    text = master.read_text(encoding="utf-8")
    master.write_text(text.replace("name: ", "name: \u200b", 1), encoding="utf-8")
    cold = engine.validate(Path("records"), today=date(2023, 6, 1), jobs=1, cache_dir=tmp_path / "cache")
    found = [(d.path, d.rule, d.line) for d in cold.result.diagnostics if d.rule.startswith("text.")]
    assert found and found[0][:2] == ("records/masters/teacher.yml", "text.control") and found[0][2] > 0

    ran: list[str] = []
    original = dict(rules.RECORD_RULES)
    for rule_id, function in original.items():
        monkeypatch.setitem(rules.RECORD_RULES, rule_id, lambda record, f=function: ran.append(record.id) or f(record))
    warm = engine.validate(Path("records"), today=date(2023, 6, 1), jobs=1, cache_dir=tmp_path / "cache")
    assert [(d.path, d.rule, d.line) for d in warm.result.diagnostics if d.rule.startswith("text.")] == found
    assert ran == []
    master.write_text(text, encoding="utf-8")
    fixed = engine.validate(Path("records"), today=date(2023, 6, 1), jobs=1, cache_dir=tmp_path / "cache")
    assert not [d for d in fixed.result.diagnostics if d.rule.startswith("text.")]
    assert set(ran) == {"teacher"}
