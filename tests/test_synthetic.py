"""The benchmarks' synthetic registries obey every rule: a benchmark measures a registry in real use."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.synthetic import SIZES, generate
from generator.validate.engine import validate


def test_a_synthetic_registry_passes_the_gate_without_a_warning(tmp_path: Path) -> None:
    generate("S", tmp_path)
    run = validate(tmp_path / "records", today=date(2026, 12, 3), jobs=1)
    assert not run.result.diagnostics, [(d.path, d.rule, d.message) for d in run.result.diagnostics[:5]]
    assert len(run.registry.pairs) == SIZES["S"].pairs
