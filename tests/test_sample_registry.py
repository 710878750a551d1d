"""The bundled sample registry is what a new user sees first: it must be clean and complete."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from generator.validate.engine import validate
from tests.conftest import REPO

# The sample's pairs are dated so that none is overdue before this day.
SAMPLE_DAY = date(2026, 11, 22)


def test_sample_validates_clean() -> None:
    run = validate(REPO / "records", today=SAMPLE_DAY, jobs=1)
    assert [d for d in run.result.diagnostics] == []


def test_sample_covers_every_programme_and_status() -> None:
    registry = validate(REPO / "records", today=SAMPLE_DAY, jobs=1).registry
    assert {p.kind for p in registry.programmes.values()} == {"pairing", "talent", "studio"}
    assert len(registry.programmes) >= 4
    assert len(registry.masters) >= 25
    assert len(registry.studios) >= 8
    assert len(registry.pairs) >= 40
    assert set(Counter(p.status for p in registry.pairs.values())) == {"待审批", "培养中", "已出师", "已延期", "已终止"}
    assert {"申报中", "已命名", "整改中", "已撤销"} <= {s.status for s in registry.studios.values()}
    used = {p.programme for p in registry.pairs.values()} | {s.programme for s in registry.studios.values()}
    used |= {t.programme for m in registry.masters.values() for t in m.talent}
    assert set(registry.programmes) <= used


def test_sample_has_a_lineage_over_two_generations() -> None:
    registry = validate(REPO / "records", today=SAMPLE_DAY, jobs=1).registry
    later_masters = {p.apprentice.master for p in registry.pairs.values() if p.apprentice.master}
    assert any(p.master in later_masters for p in registry.pairs.values())


def test_sample_people_are_marked_fictional() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "虚构" in readme
    assert Path(REPO / "records").is_dir()
