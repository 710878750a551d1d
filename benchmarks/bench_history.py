"""Benchmark of a build after a commit on a later day: prints the figures in BENCHMARKS.md.

    .venv/bin/python benchmarks/bench_history.py [--size M] [--work DIR]

The registry as a union keeps it: in git, its profiles showing when each record last changed.
1. the records committed on one day, and built cleanly (forms and cards in the user's cache);
2. one master's biography changed and committed on the next day, and built on the last site.

Step 2 is what a pull-request preview or a clerk's next ``serve`` does after a day's work. The
site's date (数据截至) moves with that commit: only the pages that print it, and those that show the
master, are to be rendered again, not every profile. Each step runs in a fresh process; the
figures are wall time, the largest single process's peak memory, and the profiles rendered
(from the command's own report).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_validate import REPO, ensure_registry, run_sizes

GIT = {"GIT_AUTHOR_NAME": "基准", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
       "GIT_COMMITTER_NAME": "基准", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}


def _commit(repo: Path, message: str, day: str) -> None:
    env = {**os.environ, **GIT, "GIT_AUTHOR_DATE": f"{day}T10:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00+08:00"}
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], check=True, env=env)


def _build(records: Path, out: Path, env: dict[str, str], *extra: str) -> str:
    cmd = [sys.executable, "-m", "generator", "build", "--records", str(records), "--site-dir", str(out / "site"),
           "--docs-dir", str(out / "docs"), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stdout = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)  # the process and the workers it waited for: the largest one's peak
    wall = time.perf_counter() - start
    said = re.search(r"介绍页 (\d+) 个：重新生成 (\d+) 个", stdout)
    rendered = f"{said.group(2)} of {said.group(1)} profiles rendered" if said else "no profile count"
    return f"{wall:.1f} s wall, largest process {usage.ru_maxrss // 1024} MiB, {rendered}, exit {os.waitstatus_to_exitcode(status)}"


def bench(size: str, work: Path) -> None:
    source = ensure_registry(work, size)
    out = Path(tempfile.mkdtemp(prefix=f"jiangpu-history-{size}-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-history-{size}")}
    env.pop("CI", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    try:
        repo = out / "registry"
        shutil.copytree(source, repo / "records")
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        _commit(repo, "登记册", "2026-11-30")
        _build(repo / "records", out / "warm", env, "--clean")  # the user's cache: forms and cards drawn once
        print(f"{size}: clean build, records committed on one day: {_build(repo / 'records', out / 'kept', env, '--clean')}")
        master = sorted((repo / "records" / "masters").glob("*.yml"))[0]
        text = master.read_text(encoding="utf-8")
        master.write_text(text.replace("bio: ", "bio: 基准测试：第二天的修改。", 1), encoding="utf-8")
        _commit(repo, "一位名匠的简介", "2026-12-01")
        print(f"  one master changed, committed the next day, build on the last one: {_build(repo / 'records', out / 'kept', env)}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> int:
    return run_sizes(__doc__ or "", bench)


if __name__ == "__main__":
    sys.exit(main())
