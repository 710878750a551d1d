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


def _refs_broken(tmp_path: Path) -> Path:
    from tests.conftest import CASES, make_registry

    return make_registry(tmp_path, CASES / "ref" / "invalid")


def test_rules_across_files_run_beside_the_caller_find_what_they_find_in_line(tmp_path: Path,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """``build`` has the rules across files run in a child while it goes on (``defer``): until settled, the
    result holds the files' own problems; settled, exactly what the rules find run in line."""
    from contextlib import ExitStack

    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    records = _refs_broken(tmp_path)
    in_line = engine.validate(records, today=date(2023, 6, 1), jobs=2)
    assert {d.rule for d in in_line.result.errors} == {"ref"}
    with ExitStack() as stack:
        deferred = engine.validate(records, today=date(2023, 6, 1), jobs=2, defer=stack)
        assert deferred.pending is not None
        assert not deferred.result.errors
        assert deferred.settled().sorted() == in_line.result.sorted()
        assert deferred.result is deferred.settled() and deferred.pending is None


def test_rules_across_files_run_here_when_their_child_is_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    parent, run_rules = os.getpid(), engine.run_rules
    monkeypatch.setattr(engine, "run_rules", lambda context: run_rules(context) if os.getpid() == parent else os._exit(9))
    from contextlib import ExitStack

    records = _refs_broken(tmp_path)
    with ExitStack() as stack:
        deferred = engine.validate(records, today=date(2023, 6, 1), jobs=2, defer=stack)
        assert deferred.pending is not None
        assert {d.rule for d in deferred.settled().errors} == {"ref"}


def test_rules_across_files_are_not_deferred_when_a_file_fails_its_own_checks(registry_dir: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from contextlib import ExitStack

    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    (registry_dir / "units" / "zzz.yml").write_text("id: zzz\nname: 甲\ntype: 公司\n", encoding="utf-8")
    with ExitStack() as stack:
        run = engine.validate(Path("records"), today=date(2023, 6, 1), jobs=2, defer=stack)
    assert run.pending is None and [d.rule for d in run.result.errors] == ["schema"]
