"""The workflows, rehearsed: each job run the way GitHub runs it (tests/rehearsal.py), from a
fresh clone of this repository, each job installing its own ``.venv`` (the runner's Python and
pip's cache shared, as on GitHub: ``machine`` in conftest.py).

- Pages: a push to main builds a site that can be deployed (the artifact packed as GitHub packs it)
  and saves it for previews (built once for the module: ``pages_run``).
- Pull request: a change to records only runs the registry checks (no test suite), passes on a
  good pair with a preview built on main's saved site, fails on a broken one with the annotation on
  that record's line, and writes a Chinese job summary.
- Reminders: the weekly job writes the issue body and hands it to ``gh``.
- The editor's branches: cms-format.yml makes the format patch, cms-format-apply.yml checks it and
  pushes it back (the apply step's refusals are tested in test_workflow.py).
- A new registry's own workflows are rehearsed in test_package.py (``init``).

The repository rehearsed is this checkout's last commit (as GitHub would have it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.rehearsal import Job, Machine, Runner, pages_files

WORKFLOWS = REPO / ".github" / "workflows"
GIT = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "测试",
       "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env={**os.environ, **GIT}).stdout.strip()


@pytest.fixture(scope="module")
def github(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository as github.com holds it: this checkout's last commit, on main."""
    origin = tmp_path_factory.mktemp("github") / "registry"
    _git(origin.parent, "clone", "-q", "--no-hardlinks", str(REPO), str(origin))
    _git(origin, "checkout", "-q", "-B", "main")
    return origin


def _event(sha: str, **more: object) -> dict[str, object]:
    return {"sha": sha, "repository": "union/registry", "repository_owner": "union", "token": "ghs_test",
            "event": {"repository": {"name": "registry"}}, **more}


@dataclass
class PagesRun:
    job: Job
    runner: Runner
    cache: Path  # what actions/cache/save kept, for pull requests' previews


@pytest.fixture(scope="module")
def pages_run(github: Path, machine: Machine, tmp_path_factory: pytest.TempPathFactory) -> PagesRun:
    """A push to main, built once for the module: the pull-request previews build on what it saved.
    (Set up before the per-test user cache is: it is given its own.)"""
    work = tmp_path_factory.mktemp("pages")
    runner = Runner(github, work, _event(_git(github, "rev-parse", "main"), event_name="push", ref="refs/heads/main"),
                    cache=work / "cache", machine=machine, extra_env={"XDG_CACHE_HOME": str(work / "xdg-cache")})
    return PagesRun(runner.run(WORKFLOWS / "pages.yml", "build"), runner, work / "cache")


def test_the_pages_job_builds_a_deployable_site_from_a_fresh_clone(pages_run: PagesRun) -> None:
    build = pages_run.job
    assert build.outcome == "success", build.output()[-5000:]
    files = pages_files(build.artifacts["github-pages"])
    assert {"index.html", "404.html", "admin/index.html", "admin/config.yml", "admin/decap-cms.js", "sitemap.xml"} <= set(files)
    assert not [name for name, member in files.items() if member.issym() or member.islnk()], "links are dereferenced"
    assert "https://union.github.io/registry/" in (build.workspace / "site" / "sitemap.xml").read_text(encoding="utf-8")  # type: ignore[operator]
    assert pages_run.cache.is_dir() and any(pages_run.cache.iterdir()), "the site is saved for previews"
    # Each profile shows when its record last changed, from the whole history (a shallow checkout would
    # give every page the last commit's date).
    origin = pages_run.runner.repository
    for record in sorted((origin / "records" / "masters").glob("*.yml")):
        day = _git(origin, "log", "-1", "--format=%cs", "main", "--", f"records/masters/{record.name}")
        page = (build.workspace / "site" / "masters" / record.stem / "index.html").read_text(encoding="utf-8")  # type: ignore[operator]
        assert f'最近更新：<time datetime="{day}">' in page, record.name
    assert pages_run.runner.run(WORKFLOWS / "pages.yml", "deploy").outcome == "success"


def _pull_request(github: Path, name: str, change: str) -> str:
    """A pull request's merge commit (main + the branch), on a ref the checkout can fetch."""
    _git(github, "checkout", "-q", "-B", f"pr-{name}", "main")
    records = github / "records"
    new_pair = records / "pairs" / "taoyuan-2026-101.yml"
    text = (records / "pairs" / "taoyuan-2023-001.yml").read_text(encoding="utf-8")
    new_pair.write_text(text.replace("id: taoyuan-2023-001", "id: taoyuan-2026-101"), encoding="utf-8")
    if change == "break another":
        broken = records / "pairs" / "taoyuan-2020-002.yml"
        broken.write_text(re.sub(r"\nstart: \S+", "\nstart: 2020-13-45", broken.read_text(encoding="utf-8")), encoding="utf-8")
    _git(github, "add", "-A")
    _git(github, "commit", "-q", "-m", f"结对 {name}")
    _git(github, "checkout", "-q", "-B", f"merge-{name}", "main")
    _git(github, "merge", "-q", "--no-ff", "-m", "merge", f"pr-{name}")
    sha = _git(github, "rev-parse", "HEAD")
    _git(github, "checkout", "-q", "main")
    return sha


def _pr_runner(github: Path, tmp_path: Path, sha: str, machine: Machine, cache: Path) -> Runner:
    event = _event(sha, event_name="pull_request", ref="refs/pull/7/merge")
    event["event"] = {**event["event"], "pull_request": {"number": 7, "base": {"sha": _git(github, "rev-parse", "main")}}}  # type: ignore[dict-item]
    return Runner(github, tmp_path, event, cache=cache, machine=machine)


def test_a_records_only_pull_request_runs_the_registry_checks_and_passes_on_mains_saved_site(
        github: Path, tmp_path: Path, machine: Machine, pages_run: PagesRun) -> None:
    """A new pair: the registry checks only (no test suite), and a preview that restores the site the
    Pages job saved and renders only the profiles the change shows (its master's page, and the units'
    pages, which show the programme's progress), taking the others over. (A first pull request, with
    no saved site, builds the whole site as the Pages job does: that path is not rehearsed apart.)"""
    job = _pr_runner(github, tmp_path, _pull_request(github, "good", "add a pair"), machine, pages_run.cache).run(
        WORKFLOWS / "pull-request.yml", "check")
    assert job.outcome == "success", job.output()[-5000:]
    assert job.step("运行测试").outcome == "skipped" and job.step("检查工作流的安全问题").outcome == "skipped"
    assert job.step("严格构建网站").outcome == "success" and "site-preview" in job.artifacts
    assert "::error" not in job.output() and "::warning" not in job.output(), "the sample's own warnings are not annotated"
    assert "## 记录检查：通过" in job.summary and "| 新增 | 师徒结对 |" in job.summary and "taoyuan-2026-101.yml" in job.summary
    said = re.search(r"介绍页 (\d+) 个：重新生成 (\d+) 个", job.output())
    assert said is not None, job.output()[-3000:]
    assert 0 < int(said.group(2)) < int(said.group(1)) // 2


def test_a_broken_record_fails_with_the_annotation_on_its_line(github: Path, tmp_path: Path, machine: Machine) -> None:
    job = _pr_runner(github, tmp_path, _pull_request(github, "bad", "break another"), machine, tmp_path / "cache").run(WORKFLOWS / "pull-request.yml", "check")
    assert job.outcome == "failure"
    review = job.step("检查记录")
    assert review.outcome == "failure"
    annotations = re.findall(r"^::error file=([^,]+),line=(\d+),col=\d+,title=([^:]+)::(.*)$", review.output, re.M)
    assert annotations and {a[0] for a in annotations} == {"records/pairs/taoyuan-2020-002.yml"}, review.output
    for path, line, _, _ in annotations:
        lines = (job.workspace / path).read_text(encoding="utf-8").splitlines()  # type: ignore[operator]
        assert 1 <= int(line) <= len(lines) and "2020-13-45" in lines[int(line) - 1]
    assert review.output.rstrip().endswith("未通过")
    assert "## 记录检查：未通过" in job.summary and "| 修改 | 师徒结对 |" in job.summary and "| 新增 | 师徒结对 |" in job.summary
    assert job.step("严格构建网站").outcome == "skipped"
    (tmp_path / "summary.md").write_text(job.summary, encoding="utf-8")


def test_the_reminders_job_writes_its_issue_body(github: Path, tmp_path: Path, machine: Machine) -> None:
    tools = tmp_path / "tools"
    tools.mkdir()
    calls = tmp_path / "gh-calls"
    fake = tools / "gh"  # GitHub's CLI, as the runner has it: records what it was asked and the body it was given
    fake.write_text(f"""#!/usr/bin/env bash
echo "$*" >> {calls}
for ((i = 1; i <= $#; i++)); do
  if [ "${{!i}}" = --body-file ]; then j=$((i + 1)); cp "${{!j}}" {tmp_path}/issue-body.md; fi
done
""", encoding="utf-8")
    fake.chmod(0o755)
    runner = Runner(github, tmp_path, _event(_git(github, "rev-parse", "main"), event_name="schedule", ref="refs/heads/main"),
                    extra_path=[tools], machine=machine)
    job = runner.run(WORKFLOWS / "reminders.yml", "remind")
    assert job.outcome == "success", job.output()[-5000:]
    assert "issue create" in calls.read_text(encoding="utf-8")
    body = (tmp_path / "issue-body.md").read_text(encoding="utf-8")
    assert body.startswith("# 待办事项（") and "此清单由" in body


def test_unknown_actions_are_refused_by_the_rehearsal(tmp_path: Path) -> None:
    flow = tmp_path / "flow.yml"
    flow.write_text("jobs:\n  j:\n    steps:\n      - name: x\n        uses: someone/else@0000000\n", encoding="utf-8")
    with pytest.raises(NotImplementedError):
        Runner(tmp_path, tmp_path, _event("0")).run(flow, "j")
    shutil.rmtree(tmp_path / "workspace")


def test_an_editor_branch_is_tidied_by_a_patch_and_pushed_back_without_running_its_code(github: Path, tmp_path: Path,
                                                                                       machine: Machine) -> None:
    """cms-format.yml (branch code, no secret) makes the patch; cms-format-apply.yml (the token, git only)
    downloads it with `gh run download`, checks and pushes it to the same branch."""
    branch = "cms/units/taoyuan-demo-motor"
    _git(github, "checkout", "-q", "-B", branch, "main")
    unit = github / "records" / "units" / "taoyuan-demo-motor.yml"
    lines = unit.read_text(encoding="utf-8").splitlines()
    unit.write_text("\n".join([line for line in lines if line.startswith("type:")] +
                              [line for line in lines if not line.startswith(("type:", "#"))]) + "\n", encoding="utf-8")  # as Decap writes it
    _git(github, "commit", "-q", "-am", "修改单位：taoyuan-demo-motor")
    head = _git(github, "rev-parse", "HEAD")
    _git(github, "checkout", "-q", "main")
    pull = {"number": 9, "head": {"ref": branch, "sha": head, "repo": {"full_name": "union/registry"}}}
    made = Runner(github, tmp_path / "fmt", _event(head, event_name="pull_request", event={"pull_request": pull}), machine=machine)
    (tmp_path / "fmt").mkdir()
    fmt = made.run(WORKFLOWS / "cms-format.yml", "fmt")
    assert fmt.outcome == "success", fmt.output()[-4000:]
    assert "+# yaml-language-server" in (fmt.artifacts["cms-format"] / "fmt.patch").read_text(encoding="utf-8")

    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "gh").write_text(f"""#!/usr/bin/env bash
# gh run download RUN --repo R --name cms-format --dir DIR: the artifact the fmt run uploaded
[ "$1 $2" = "run download" ] || exit 2
for ((i = 1; i <= $#; i++)); do if [ "${{!i}}" = --dir ]; then j=$((i + 1)); cp -r {fmt.artifacts["cms-format"]} "${{!j}}"; fi; done
""", encoding="utf-8")
    (tools / "gh").chmod(0o755)
    run = {"conclusion": "success", "event": "pull_request", "head_branch": branch, "head_sha": head, "id": 4242,
           "head_repository": {"full_name": "union/registry"}}
    apply = Runner(github, tmp_path / "apply", _event(head, event_name="workflow_run", event={"workflow_run": run}),
                   secrets={"JIANGPU_FMT_TOKEN": "pat-secret"}, extra_path=[tools], machine=machine,
                   extra_env={"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{github.as_uri()}.insteadOf",
                              "GIT_CONFIG_VALUE_0": "https://github.com/union/registry.git"})
    (tmp_path / "apply").mkdir()
    pushed = apply.run(WORKFLOWS / "cms-format-apply.yml", "apply")
    assert pushed.outcome == "success", pushed.output()[-4000:]
    assert "pat-secret" not in pushed.output()
    assert _git(github, "log", "-1", "--format=%s", branch) == "整理记录格式（在线编辑保存后自动整理）"
    tidied = _git(github, "show", f"{branch}:records/units/taoyuan-demo-motor.yml")
    assert tidied == (REPO / "records" / "units" / "taoyuan-demo-motor.yml").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize(("result", "state"), [("success", "success"), ("failure", "failure")])
def test_the_editor_is_told_the_checks_result_with_a_link_to_its_summary(tmp_path: Path, result: str, state: str) -> None:
    """The status job writes one commit status (the editor's 查看预览 opens the run); it checks out nothing."""
    tools = tmp_path / "tools"
    tools.mkdir()
    calls = tmp_path / "gh-calls"
    (tools / "gh").write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > {calls}\necho "$GH_TOKEN" >> {calls}\n', encoding="utf-8")
    (tools / "gh").chmod(0o755)
    event = _event("a" * 40, event_name="pull_request", server_url="https://github.com", run_id="4242", ref="refs/pull/7/merge")
    event["event"] = {"pull_request": {"number": 7, "head": {"sha": "b" * 40, "repo": {"full_name": "union/registry"}}}}
    runner = Runner(tmp_path / "no-repository", tmp_path, event, extra_path=[tools])
    job = runner.run(WORKFLOWS / "pull-request.yml", "status", needs={"check": result})
    assert job.outcome == "success", job.output()
    said = calls.read_text(encoding="utf-8").splitlines()
    assert said[:4] == ["api", "--method", "POST", f"repos/union/registry/statuses/{'b' * 40}"]
    assert f"state={state}" in said and "context=匠谱检查" in said
    assert "target_url=https://github.com/union/registry/actions/runs/4242" in said and said[-1] == "ghs_test"
    flow = yaml.safe_load((WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8"))
    assert not [s for s in flow["jobs"]["status"]["steps"] if "uses" in s]  # no checkout: no branch code runs here
    registry = yaml.safe_load((REPO / "site_templates" / "registry" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    assert registry["jobs"]["status"] == flow["jobs"]["status"]  # a registry made by init links its editor the same way
    from generator.render.cms import PREVIEW_CONTEXT, CmsOptions, config

    assert config(CmsOptions(repo="union/registry"))["backend"]["preview_context"] == PREVIEW_CONTEXT == "匠谱检查"
    fork = {**event, "event": {"pull_request": {**event["event"]["pull_request"], "head": {"sha": "b" * 40, "repo": {"full_name": "someone/fork"}}}}}
    assert Runner(tmp_path / "no-repository", tmp_path, fork, extra_path=[tools]).run(
        WORKFLOWS / "pull-request.yml", "status", needs={"check": result}).outcome == "skipped"  # a fork's token cannot write
