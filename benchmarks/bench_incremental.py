"""Benchmark of the incremental build: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_incremental.py [--size M] [--size L] [--work DIR]

For each registry size, in one run and each step in a fresh process as a user runs it:
1. ``build --clean`` (no manifest to build on), wall time and peak memory;
2. one master's biography changed, then ``build`` (incremental; the validation cache is
   warm, as on a clerk's machine or in ``serve``), wall time and what it says it rebuilt;
3. the same with ``--no-cache`` (a cold validation cache, as in CI restoring only the site);
4. ``build --clean`` of that same registry, for the ratio;
and checks that the incremental site equals the clean one (Pagefind's filter index aside).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_validate import REPO, ensure_registry, run, run_sizes


def _digest(site: Path) -> dict[str, str]:
    unstable = ("pagefind/filter/", "pagefind/pagefind-entry.json")
    return {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*"))
            if p.is_file() and not (rel := p.relative_to(site).as_posix()).startswith(unstable)
            and not (rel.startswith("pagefind/pagefind.") and rel.endswith(".pf_meta"))}


def _build(records: Path, out: Path, *extra: str) -> tuple[float, int, int]:
    return run([sys.executable, "-m", "generator", "build", "--records", str(records), "--site-dir", str(out / "site"),
                "--docs-dir", str(out / "docs"), *extra])


def _said(records: Path, out: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--records", str(records), "--site-dir", str(out / "site"),
                           "--docs-dir", str(out / "docs")], cwd=REPO, capture_output=True, text=True, check=False)
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-200:]


def _edit_one(records: Path, mark: str) -> None:
    first = sorted((records / "masters").glob("*.yml"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("name: ", f"bio: 增量生成基准{mark}。\nname: ", 1) if "bio:" not in text
                     else text.replace("bio: ", f"bio: 增量生成基准{mark}。", 1), encoding="utf-8")


def bench(size: str, work: Path) -> None:
    source = ensure_registry(work, size)
    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-incremental-{size}-"))
    try:
        records = out / "records"
        shutil.copytree(source, records)
        wall, mib, code = _build(records, out / "kept", "--clean", "--no-cache")
        print(f"{size}: clean build {wall:.1f} s wall, peak {mib} MiB, exit {code}")
        _edit_one(records, "一")
        wall_inc, mib_inc, code = _build(records, out / "kept")
        print(f"  one master changed, incremental build (warm validation cache): {wall_inc:.1f} s wall, peak {mib_inc} MiB, exit {code}")
        _edit_one(records, "二")
        wall_cold, mib_cold, code = _build(records, out / "kept", "--no-cache")
        print(f"  one master changed again, incremental build with --no-cache: {wall_cold:.1f} s wall, peak {mib_cold} MiB, exit {code}")
        _edit_one(records, "三")
        print(f"  it says: {_said(records, out / 'kept')}")
        wall_clean, mib_clean, code = _build(records, out / "fresh", "--clean", "--no-cache")
        print(f"  clean build of the same registry: {wall_clean:.1f} s wall, peak {mib_clean} MiB, exit {code}")
        same = _digest(out / "kept" / "site") == _digest(out / "fresh" / "site")
        print(f"  incremental site == clean site (Pagefind's filter index aside): {same}; "
              f"clean / incremental (warm) = {wall_clean / wall_inc:.1f}x")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    return run_sizes(__doc__ or "", bench)


if __name__ == "__main__":
    sys.exit(main())
