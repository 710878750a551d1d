"""Fuzzing the gate: whatever a pull request puts in a record file, ``validate``
answers with diagnostics and exit 0 or 1 — never a traceback, never a hang.

Each example writes one hostile file into a copy of the small base registry
(arbitrary YAML-ish text, arbitrary bytes, deep nesting, huge scalars, or a
valid record mutated at random) and runs the CLI on it with ``--format json``.

CI runs a bounded number of examples (the ``ci`` profile). A longer run:

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/validate/test_fuzz.py

Inputs that once found a bug are kept in ``tests/hostile/fuzz-seeds/`` and
run every time by ``tests/test_hostile.py``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from tests.conftest import BASE

settings.register_profile("ci", max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                          database=None, derandomize=True)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# A generous bound: a hang, not a slow machine, is what it catches.
HANG_SECONDS = 60
KINDS = ("programmes", "units", "masters", "studios", "pairs")
BASE_FILES = sorted(p.relative_to(BASE).as_posix() for p in BASE.rglob("*.yml"))

# Characters that matter to YAML and to what Chinese input methods type.
YAML_ALPHABET = list(" \n\t:-'\"{}[],&*!|>#%@`?~\\<=+") + list("：　０１２３，。“”男女名匠工作室") + list("abcxyz0123456789")


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise Hang(f"validate ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_gate(records: Path) -> tuple[int, list[dict[str, object]], str]:
    """The CLI as CI runs it: exit code, diagnostics, and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with time_limit(HANG_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "--no-cache", "--format", "json", "--date", "2023-06-01", "--records", str(records)])
    return code, json.loads(out.getvalue()), err.getvalue()


def check_gate_survives(relative: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder) / "records"
        shutil.copytree(BASE, records)
        target = records / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        code, diagnostics, err = run_gate(records)
        assert code in (0, 1)
        assert err == ""
        for item in diagnostics:
            assert Path(str(item["path"])).is_file(), item
            assert item["message"] and item["rule"]


def _mutate(text: str, ops: list[tuple[int, int, int, str]]) -> str:
    """Apply (kind, position, length, insert) edits: delete, insert, replace, duplicate a line."""
    for kind, position, length, insert in ops:
        at = position % (len(text) + 1)
        if kind == 0:
            text = text[:at] + text[at + length:]
        elif kind == 1:
            text = text[:at] + insert + text[at:]
        elif kind == 2:
            text = text[:at] + insert + text[at + length:]
        else:
            lines = text.splitlines(keepends=True) or [""]
            line = lines[position % len(lines)]
            lines.insert(position % len(lines), line)
            text = "".join(lines)
    return text


yaml_ish = st.text(alphabet=st.sampled_from(YAML_ALPHABET) | st.characters(exclude_categories=["Cs"]), max_size=600).map(lambda s: s.encode("utf-8"))
raw_bytes = st.binary(max_size=600)
deep = st.builds(
    lambda n, flow, mapping: (("a: " + "{b: " * n + "1" + "}" * n) if mapping else ("a: " + "[" * n + "]" * n)) if flow
    else "".join(" " * i + "k:\n" for i in range(n)),
    st.integers(1, 3000), st.booleans(), st.booleans(),
).map(lambda s: s.encode("utf-8"))
huge = st.builds(
    lambda field, n, char: f"id: fuzz\n{field}: {char * n}\n".encode(),
    st.sampled_from(["name", "bio", "birth_year", "unit", "description"]),
    st.sampled_from([10, 10_000, 1_000_000, 9_000_000]),
    st.sampled_from(["甲", "9", "a", "-"]),
)
mutated = st.builds(
    lambda name, ops: _mutate((BASE / name).read_text(encoding="utf-8"), ops).encode("utf-8"),
    st.sampled_from(BASE_FILES),
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2000), st.integers(0, 40),
                       st.text(alphabet=st.sampled_from(YAML_ALPHABET), max_size=12)), min_size=1, max_size=6),
)
where = st.one_of(st.sampled_from(KINDS).map(lambda k: f"{k}/fuzz.yml"), st.sampled_from(BASE_FILES))


@given(where, st.one_of(yaml_ish, raw_bytes, deep, huge, mutated))
def test_validate_never_raises_never_hangs(relative: str, content: bytes) -> None:
    check_gate_survives(relative, content)
