"""Benchmark of the record gate: prints the figures recorded in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_validate.py [--work DIR] [--skip-large]

It generates the synthetic registries (S, M, L) once under --work, then runs
each measurement as a fresh ``python -m generator`` process, as CI and
pre-commit do, and samples the memory of the whole process tree (the main
process and its workers together).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DAY = "2026-11-22"
KINDS = {"programmes": "programme", "units": "unit", "masters": "master", "studios": "studio", "pairs": "pair"}


def _tree_rss_kib(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc. The tree is walked down from
    ``root`` through each thread's ``children`` file and each process's ``statm`` is read: reading every
    process's ``stat`` and ``status`` every 20 ms cost the measured build several seconds at M (a sixth of a core,
    and more while its workers fault pages in)."""
    total, todo, page_kib = 0, [root], os.sysconf("SC_PAGE_SIZE") // 1024
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * page_kib
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    return total


def run(cmd: list[str], cwd: Path = REPO, env: dict[str, str] | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak memory (MiB) and exit code of one command.

    The peak is the larger of the sampled sum over the process tree (main
    process and workers at once) and the kernel's own peak for the largest
    single process (which catches a short spike between two samples).
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss_kib(proc.pid))
        time.sleep(0.05)  # the workers' peaks last seconds; the kernel's own peak (below) catches a short one
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, max(peak, usage.ru_maxrss) // 1024, proc.returncode


def best_of(n: int, cmd: list[str]) -> tuple[float, int, int]:
    results = [run(cmd) for _ in range(n)]
    return min(r[0] for r in results), max(r[1] for r in results), results[-1][2]


def run_sizes(doc: str, bench: Callable[[str, Path], None], default: str = "M") -> int:
    """The command line of a benchmark run per registry size: ``--size`` (repeatable), ``--work``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--size", action="append", choices=["S", "M", "L"], help=f"registry size (repeatable; default {default})")
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiangpu-bench"))
    args = parser.parse_args()
    for size in args.size or [default]:
        bench(size, args.work)
    return 0


def ensure_registry(work: Path, size: str) -> Path:
    out = work / size
    if not (out / "records").is_dir():
        subprocess.run([sys.executable, "-m", "generator", "synth", "--size", size, "--out", str(out)], cwd=REPO, check=True)
    return out / "records"


def validate_cmd(records: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "generator", "validate", "--records", str(records), "--date", DAY, *extra]


def hash_seconds(records: Path) -> float:
    """Reading and hashing every record file, as the cache does before it answers (best of 3)."""
    sys.path.insert(0, str(REPO))
    from generator.load.discover import discover
    from generator.validate.cache import content_digest

    files, _ = discover(records)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for file in files:
            content_digest(file.file_path)
        best = min(best, time.perf_counter() - start)
    return best


def check_jsonschema(records: Path) -> float:
    """check-jsonschema doing schema checks alone, one run per kind, summed."""
    tool = Path(sys.executable).with_name("check-jsonschema")
    total = 0.0
    for folder, kind in KINDS.items():
        files = sorted(str(p) for p in (records / folder).glob("*.yml"))
        seconds, _, code = run([str(tool), "--schemafile", str(REPO / "schemas" / f"{kind}.schema.json"), *files])
        if code != 0:
            print(f"  check-jsonschema failed on {folder} (exit {code})")
        total += seconds
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/jiangpu-bench"))
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    sizes = ["S", "M"] + ([] if args.skip_large else ["L"])
    walls: dict[str, float] = {}
    for size in sizes:
        records = ensure_registry(args.work, size)
        files = sum(1 for _ in records.rglob("*.yml"))
        wall, mib, code = best_of(2 if size == "L" else 3, validate_cmd(records, "--no-cache"))
        walls[size] = wall
        print(f"validate {size} ({files} files): {wall:.2f} s wall, peak {mib} MiB (process tree), exit {code}")
    records_m = ensure_registry(args.work, "M")
    ours = walls["M"]
    theirs = check_jsonschema(records_m)
    print(f"check-jsonschema, schema checks only, M: {theirs:.2f} s wall -> validate is {theirs / ours:.1f}x faster")
    # One changed file against M, as pre-commit runs it: a warm cache, then one edit.
    # The cache is keyed by content, so the edit really changes the file's bytes.
    cache_home = args.work / "xdg-cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("CI", None)
    run(validate_cmd(records_m), env=env)
    changed = records_m / "pairs" / "pair-000007.yml"
    original = changed.read_bytes()
    try:
        changed.write_bytes(original + b"# benchmark edit\n")
        wall, mib, code = run(validate_cmd(records_m, "records/pairs/pair-000007.yml"), cwd=records_m.parent, env=env)
    finally:
        changed.write_bytes(original)
    print(f"one changed file against M (warm cache): {wall:.2f} s wall, peak {mib} MiB, exit {code}")
    print(f"hashing every file of M (what the content-keyed cache adds): {hash_seconds(records_m):.2f} s")
    if "L" in walls:
        print(f"L / M wall ratio: {walls['L'] / walls['M']:.1f} (target <= 11)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
