"""Benchmark of the editing loop: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_incremental.py [--size M] [--size L] [--work DIR]

For each registry size, in one run and each step in a fresh process as a user runs it, with
its own empty user cache (``XDG_CACHE_HOME``) so that nothing from an earlier run helps, but
the compact Chinese font, which ``scripts/setup.sh`` cuts once per machine (as ``bench_hugo.py``;
until the fourteenth round the first clean build cut it, 12 s of work beside the pages):
1. ``build --clean --no-cache``: no previous site, no cache: forms printed and cards drawn;
2. ``build --clean`` again: no previous site, the forms and cards in the user's cache (as on a
   clerk's machine, or in CI with the cache restored);
3. one master's biography, one studio's description, one pair's goal changed, each followed by
   ``build`` (on the last build; warm validation cache): three records of each kind, one after the
   other, and the median of the three (as the issue measured);
4. ``build --clean`` of that same registry into a fresh folder, and the two sites compared file by
   file (Pagefind's filter index aside).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_validate import REPO, ensure_registry, run, run_sizes


def _digest(site: Path) -> dict[str, str]:
    """Every file's bytes, but the search bundle's: that by what a search reads (searchupdate.content),
    the same for a bundle updated for a changed entry and one Pagefind wrote over every entry."""
    from generator.render.site.searchupdate import content

    digests = {rel: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*"))
               if p.is_file() and not (rel := p.relative_to(site).as_posix()).startswith("pagefind/")}
    digests["pagefind"] = hashlib.sha256(repr(content(site / "pagefind")).encode()).hexdigest()
    return digests


def _build(records: Path, out: Path, env: dict[str, str], *extra: str) -> tuple[float, int, int]:
    return run([sys.executable, "-m", "generator", "build", "--records", str(records), "--site-dir", str(out / "site"),
                "--docs-dir", str(out / "docs"), *extra], env=env)


def _append(path: Path, key: str, mark: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"{key}: ", f"{key}: 基准测试{mark}。", 1) if f"{key}:" in text
                    else text.replace("name: ", f"{key}: 基准测试{mark}。\nname: ", 1), encoding="utf-8")


TRIES = 3
EDITS = [("master", "masters", "bio"), ("studio", "studios", "description"), ("pair", "pairs", "goal")]


def bench(size: str, work: Path) -> None:
    source = ensure_registry(work, size)
    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-incremental-{size}-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(out / "cache")}
    env.pop("CI", None)
    # As on a user's machine, Python keeps the generator's compiled modules (this workplace turns that off).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        records = out / "records"
        shutil.copytree(source, records)
        subprocess.run([sys.executable, "-c", "import os; from generator.render.forms.fonts import find_font, with_compact; "
                        "with_compact(find_font(os.environ), os.environ)"], cwd=REPO, check=True, env=env)
        wall, mib, code = _build(records, out / "kept", env, "--clean", "--no-cache")
        print(f"{size}: clean build, no cache: {wall:.1f} s wall, peak {mib} MiB, exit {code}")
        wall_warm, mib, code = _build(records, out / "kept", env, "--clean")
        print(f"  clean build, forms and cards in the user's cache: {wall_warm:.1f} s wall, peak {mib} MiB, exit {code}")
        for i, (name, folder, key) in enumerate(EDITS):
            walls = []
            for j in range(TRIES):  # another record of the kind each time, as the issue measured: the median of three
                _append(sorted((records / folder).glob("*.yml"))[i + 3 * j], key, f"{i}-{j}")
                wall_one, mib, code = _build(records, out / "kept", env)
                walls.append(wall_one)
                print(f"  one {name} changed, build on the last one: {wall_one:.2f} s wall, peak {mib} MiB, exit {code}")
            median = statistics.median(walls)
            print(f"  one {name} changed, median of {TRIES}: {median:.2f} s; clean (no cache) / this = {wall / median:.1f}x")
        wall_clean, mib, code = _build(records, out / "fresh", env, "--clean", "--no-cache")
        print(f"  clean build of the edited registry, no cache: {wall_clean:.1f} s wall, peak {mib} MiB, exit {code}")
        same = _digest(out / "kept" / "site") == _digest(out / "fresh" / "site")
        print(f"  site built on the last ones == clean site (the search bundle by what a search reads): {same}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    return run_sizes(__doc__ or "", bench)


if __name__ == "__main__":
    sys.exit(main())
