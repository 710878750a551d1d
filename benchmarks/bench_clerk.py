"""Benchmark of the clerks' commands on a district-sized registry: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_clerk.py [--size M] [--work DIR]

Each step runs as a fresh ``python -m generator`` process, as a clerk or CI runs it:
- ``fmt --check`` over the whole registry (the pull-request check) and over one file (pre-commit);
- ``export --include-private`` of the ledger, then ``import`` of its pairs into the registry
  with those pairs removed: the dry run (every row through the whole gate) and ``--write``;
- ``cms``: the web editor's configuration from the schemas.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench_validate import ensure_registry, run

DAY = "2026-11-22"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M", choices=["S", "M", "L"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiangpu-bench"))
    args = parser.parse_args()
    records = ensure_registry(args.work, args.size)
    py = [sys.executable, "-m", "generator"]
    work = Path(tempfile.mkdtemp(prefix="jiangpu-clerk-"))
    try:
        files = sum(1 for _ in records.rglob("*.yml"))
        wall, mib, code = run([*py, "fmt", "--check", "--records", str(records)])
        print(f"{args.size}: fmt --check over {files} records: {wall:.1f} s, peak {mib} MiB, exit {code}")
        one = next((records / "pairs").glob("*.yml"))
        wall, mib, code = run([*py, "fmt", "--check", "--records", str(records), str(one)])
        print(f"  fmt --check of one record (pre-commit): {wall:.2f} s, exit {code}")
        ledger = work / "ledger.xlsx"
        wall, mib, code = run([*py, "export", "--include-private", "--no-cache", "--date", DAY, "--records", str(records), "--out", str(ledger)])
        print(f"  export --include-private (xlsx, {ledger.stat().st_size / 1e6:.1f} MB): {wall:.1f} s, peak {mib} MiB, exit {code}")
        copy = work / "records"
        shutil.copytree(records, copy)
        pairs = list((copy / "pairs").rglob("*.yml"))
        for path in pairs:
            path.unlink()
        common = [*py, "import", str(ledger), "--kind", "pair", "--records", str(copy), "--no-cache", "--date", DAY]
        wall, mib, code = run(common)
        print(f"  import dry run of {len(pairs)} pairs (every row through the whole gate): {wall:.1f} s, peak {mib} MiB, exit {code}")
        wall, mib, code = run([*common, "--write"])
        back = sum(1 for _ in (copy / "pairs").rglob("*.yml"))
        print(f"  import --write: {wall:.1f} s, peak {mib} MiB, exit {code}; {back} of {len(pairs)} pairs written back")
        wall, mib, code = run([*py, "cms", "--out", str(work / "admin")])
        print(f"  cms (editor configuration from the schemas): {wall:.2f} s, exit {code}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
