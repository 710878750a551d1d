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
