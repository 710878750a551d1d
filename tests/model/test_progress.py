"""Quota progress: what counts as a done pair, said once for the site, the forms and the reminders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.model.progress import Progress, pairing_progress
from generator.validate.engine import validate
from tests.conftest import make_registry

PAIR = """id: {id}
programme: pairing
unit: works
master: teacher
apprentice: {{name: {name}, gender: 男}}
start: {start}
end: {end}
approvals: {{administration: {start}, union: {start}, hr: {start}}}
status: {status}
{extra}"""


def _progress(tmp_path: Path, pairs: dict[str, str]) -> Progress:
    records = make_registry(tmp_path)
    (records / "pairs" / "base-pair.yml").unlink()
    for name, text in pairs.items():
        (records / "pairs" / f"{name}.yml").write_text(text, encoding="utf-8")
    run = validate(records, today=date(2026, 6, 1), jobs=1)
    assert run.result.errors == [], run.result.errors
    return pairing_progress(run.registry, run.registry.programmes["pairing"])


def test_a_renewal_is_counted_once_and_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    prog = _progress(tmp_path, {
        "first": PAIR.format(id="first", name="王甲", start="2020-03-01", end="2021-02-28", status="已延期", extra=""),
        "again": PAIR.format(id="again", name="王甲", start="2021-03-01", end="2022-02-28", status="培养中",
                             extra="renews: first\n"),
        "other": PAIR.format(id="other", name="李乙", start="2021-05-01", end="2022-04-30", status="培养中", extra=""),
    })
    assert (prog.done, prog.renewals) == (2, 1)
    assert sum(y.done for y in prog.years) == 2


def test_pairs_started_outside_the_years_count_in_the_total_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # The base programme runs 2020-2024.
    prog = _progress(tmp_path, {
        "inside": PAIR.format(id="inside", name="王甲", start="2021-03-01", end="2022-02-28", status="培养中", extra=""),
        "late": PAIR.format(id="late", name="李乙", start="2025-03-01", end="2026-02-28", status="培养中", extra=""),
    })
    assert (prog.done, prog.outside_years) == (2, 1)
    assert sum(y.done for y in prog.years) == prog.done - prog.outside_years
