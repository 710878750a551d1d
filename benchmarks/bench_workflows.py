"""The pull-request check for a change to records only, rehearsed as GitHub runs it: prints each
step's time (the figures in BENCHMARKS.md).

    .venv/bin/python benchmarks/bench_workflows.py

The repository is this checkout's last commit; the pull request adds one pair. The job runs in a
fresh clone with a fresh virtual environment (pip's cache as setup-python's ``cache: pip`` keeps it).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.rehearsal import Runner  # noqa: E402


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@example.invalid", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "b@example.invalid", "PATH": "/usr/bin:/bin"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="jiangpu-bench-workflows-"))
    origin = work / "registry"
    _git(work, "clone", "-q", str(REPO), str(origin))
    _git(origin, "checkout", "-q", "-B", "main")
    _git(origin, "checkout", "-q", "-b", "pr")
    source = (origin / "records" / "pairs" / "taoyuan-2023-001.yml").read_text(encoding="utf-8")
    (origin / "records" / "pairs" / "taoyuan-2026-101.yml").write_text(source.replace("id: taoyuan-2023-001", "id: taoyuan-2026-101"),
                                                                       encoding="utf-8")
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "pair")
    _git(origin, "checkout", "-q", "-B", "merge", "main")
    _git(origin, "merge", "-q", "--no-ff", "-m", "merge", "pr")
    event = {"sha": _git(origin, "rev-parse", "HEAD"), "event_name": "pull_request", "repository": "union/registry",
             "event": {"pull_request": {"number": 1}}}
    runner = Runner(origin, work / "runner", event, cache=work / "cache")
    (work / "runner").mkdir()
    job = runner.run(REPO / ".github" / "workflows" / "pull-request.yml", "check")
    for step in job.steps:
        print(f"  {step.seconds:6.1f} s  {step.outcome:8}  {step.name}")
    print(f"records-only pull request: {job.outcome}, {sum(s.seconds for s in job.steps):.1f} s of steps")
    return 0 if job.outcome == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
