"""``import``: a ledger's rows checked by the whole gate before any becomes a file.

Each candidate record is written into a copy of the registry and the gate runs
there, so that a row is judged exactly as a pull request adding it would be
(cross-file rules included). Problems are reported against the ledger's sheet,
row and column; only rows with no error are written, never over a record that
exists.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from generator.diagnostics import Diagnostic, Severity
from generator.files import record_path
from generator.kinds import BY_NAME
from generator.load.ledger import Candidate, ImportPlan, record_text
from generator.validate.engine import validate


@dataclass(slots=True)
class Checked:
    passing: list[tuple[Candidate, str]] = field(default_factory=list)  # (candidate, file text)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _column_of(candidate: Candidate, text: str, line: int) -> int:
    """The ledger column behind a line of the candidate's file (0 when unknown)."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return 0
    key = lines[line - 1].strip().removeprefix("- ").split(":")[0]
    return next((col for dotted, col in candidate.columns.items() if dotted.split(".")[-1] == key), 0)


def check_candidates(plan: ImportPlan, ledger: Path, records: Path, today: date) -> Checked:
    checked = Checked()
    texts: dict[str, tuple[Candidate, str]] = {}
    with tempfile.TemporaryDirectory(prefix="jiangpu-import-") as work:
        copy = Path(work) / "records"
        shutil.copytree(records, copy, symlinks=True)
        for candidate in plan.candidates:
            folder = BY_NAME[candidate.kind].folder
            where = f"工作表“{candidate.sheet}”第{candidate.row}行"
            target = record_path(copy, folder, candidate.id)  # the plan only holds valid ids; checked again here
            if record_path(records, folder, candidate.id).exists() or target.exists():
                checked.diagnostics.append(Diagnostic(str(ledger), candidate.row, 0, Severity.ERROR, "import.exists",
                                                      f"{where}：编号“{candidate.id}”的记录已存在，不会覆盖"))
                continue
            text = record_text(candidate.kind, candidate.record)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            texts[target.resolve().as_posix()] = (candidate, text)
        run = validate(copy, today=today)
        failed: set[str] = set()
        for d in run.result.diagnostics:
            key = Path(d.path).resolve().as_posix() if d.path else ""
            if key not in texts:
                continue
            candidate, text = texts[key]
            if d.severity is Severity.ERROR:
                failed.add(key)
            message = d.message  # a missing value is this row's own: never "fill every row with --default"
            checked.diagnostics.append(Diagnostic(str(ledger), candidate.row, _column_of(candidate, text, d.line), d.severity,
                                                  d.rule, f"工作表“{candidate.sheet}”第{candidate.row}行（{candidate.id}）：{message}"))
    checked.passing = [texts[k] for k in texts if k not in failed]
    return checked


def write_passing(checked: Checked, records: Path) -> list[Path]:
    """Write each passing record; "x" mode: a file that appeared meanwhile is never overwritten."""
    written = []
    for candidate, text in checked.passing:
        path = record_path(records, BY_NAME[candidate.kind].folder, candidate.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(path)
    return written


def read_mapping(path: Path) -> Mapping[str, str | None]:
    """A mapping file: ``台账列名: 字段`` per line (YAML), the field by its Chinese name
    (``徒弟名字: 徒弟·姓名``); a blank right side leaves that column out."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValueError(f"列名对照表 {path} 无法读取（YAML 格式或编码不对，应为 UTF-8）：每行写“台账列名: 字段”") from exc
    if not isinstance(data, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()):
        raise ValueError("对照表应为“台账列名: 字段”的形式，每行一项，如 徒弟名字: 徒弟·姓名")
    return data


def summary(plan: ImportPlan, checked: Checked, errors: list[Diagnostic]) -> str:
    """One line whose counts add up to the rows under the header: imported, refused, skipped (and why)."""
    passing = {candidate.row for candidate, _ in checked.passing}
    failed = {d.line for d in errors if d.line} - passing
    skipped = {row for rows in plan.skipped.values() for row in rows}
    empty = plan.rows - len(passing) - len(failed) - len(skipped)
    parts = [f"{len(passing)} 行可以导入", f"{len(failed)} 行有问题"]
    if skipped:
        why = "、".join(f"{reason} {len(rows)} 行（第{_rows(rows)}行）" for reason, rows in plan.skipped.items())
        parts.append(f"{len(skipped)} 行跳过：{why}")
    if empty > 0:  # every cell in a column that was not read
        parts.append(f"{empty} 行没有可以导入的内容")
    return f"台账共 {plan.rows} 行：" + "，".join(parts)


def _rows(rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:10])
    return shown + ("……" if len(rows) > 10 else "")

