"""Benchmark of a 10,000-row ledger import on the sample registry: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_import.py [--rows 10000] [--work DIR]

Two ledgers as offices keep them (.xlsx, a title row, Chinese headers, units and masters by name):
- 名匠台账: new masters, every row importable;
- 结对台账: a new pair for each of those masters (named, with their unit), dates as Excel dates,
  the three seals; imported after the masters were written, so its names resolve against
  10,000 more masters than the sample has.
Each runs as a fresh ``python -m generator import`` process, dry run then ``--write``, into one
copy of records/; the figures are wall time and peak memory of the whole process tree.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from bench_validate import REPO, run
from openpyxl import Workbook

DAY = "2026-11-22"


def masters_ledger(path: Path, rows: int) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["桃源县名匠台账"])
    sheet.append(["序号", "姓名", "性别", "出生年份", "所在单位", "工种", "技术等级", "联系电话"])
    for n in range(rows):
        sheet.append([n + 1, f"测试名匠{n}", "男" if n % 2 else "女", 1965 + n % 30, "桃源示例电机有限公司", "电机装配工", "技师",
                      f"139{n:08d}"])
    book.save(path)


def pairs_ledger(path: Path, rows: int) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "师傅姓名", "单位名称", "徒弟姓名", "性别", "签订日期", "开始日期", "结束日期", "结对状态", "行政盖章日期",
                  "工会盖章日期", "人力资源盖章日期"])
    for n in range(rows):
        sheet.append([n + 1, f"测试名匠{n}", "桃源示例电机有限公司", f"测试徒弟{n}", "男", date(2026, 1, 5), date(2026, 1, 10),
                      date(2028, 1, 9), "培养中", date(2026, 1, 6), date(2026, 1, 6), date(2026, 1, 7)])
    book.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="jiangpu-import-bench-"))
    py = [sys.executable, "-m", "generator"]
    records = work / "records"
    shutil.rmtree(records, ignore_errors=True)
    shutil.copytree(REPO / "records", records)
    try:
        for kind, make, extra in (("master", masters_ledger, []), ("pair", pairs_ledger, ["--programme", "taoyuan-pairing-2019"])):
            ledger = work / f"{kind}-{args.rows}.xlsx"
            make(ledger, args.rows)
            before = sum(1 for _ in records.rglob("*.yml"))
            common = [*py, "import", str(ledger), "--kind", kind, "--records", str(records), "--no-cache", "--date", DAY, *extra]
            wall, mib, code = run(common)
            print(f"{kind}: {args.rows}-row ledger ({ledger.stat().st_size / 1e6:.2f} MB) dry run: {wall:.1f} s, peak {mib} MiB, exit {code}")
            wall, mib, code = run([*common, "--write"])
            written = sum(1 for _ in records.rglob("*.yml")) - before
            print(f"{kind}: --write: {wall:.1f} s, peak {mib} MiB, exit {code}; {written} records written")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
