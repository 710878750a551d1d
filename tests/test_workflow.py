"""The staff workflow: CI definitions, templates, scaffolding, ledger export, reminders."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def _workflow(name: str) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key "on" as true
    return data


def _steps(workflow: dict) -> list[dict]:  # type: ignore[type-arg]
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_pull_requests_are_gated_by_validation_tests_and_a_strict_build() -> None:
    flow = _workflow("pull-request.yml")
    assert "pull_request" in flow["on"]
    runs = " ".join(step.get("run", "") for step in _steps(flow))
    assert "python -m generator review --base HEAD^1" in runs
    assert "python -m pytest" in runs
    assert "python -m generator build --strict" in runs
    assert any(step.get("uses", "").startswith("actions/upload-artifact@") for step in _steps(flow))


def test_main_is_built_and_deployed_to_pages() -> None:
    flow = _workflow("pages.yml")
    assert flow["on"]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "") for step in _steps(flow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    # Least privilege: only the deploy job may write to Pages and mint a token.
    assert flow["permissions"] == {}
    assert flow["jobs"]["build"]["permissions"] == {"contents": "read"}
    assert flow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_previews_build_on_mains_last_site_and_pages_never_trust_a_cache() -> None:
    """The pull-request preview restores what the Pages workflow saved (it renders only the pages whose
    records changed); the published site is always built clean, so a cache can never put files on the public site."""
    pages, preview = _steps(_workflow("pages.yml")), _steps(_workflow("pull-request.yml"))
    assert "python -m generator build --strict --clean" in " ".join(step.get("run", "") for step in pages)
    assert not any(step.get("uses", "").startswith("actions/cache/restore@") for step in pages)
    saved = next(step for step in pages if step.get("uses", "").startswith("actions/cache/save@"))
    restored = next(step for step in preview if step.get("uses", "").startswith("actions/cache/restore@"))
    assert saved["with"]["path"] == restored["with"]["path"] and "build/jiangpu-pages.json" in saved["with"]["path"]
    assert "build/jiangpu-data-lines.json" in saved["with"]["path"], "the open data's lines: the preview rewrites only the rows that changed"
    assert restored["with"]["restore-keys"] == "jiangpu-site-" and saved["with"]["key"].startswith("jiangpu-site-")
    order = [step.get("uses", "") or step.get("run", "") for step in preview]
    assert order.index(restored["uses"]) < order.index(".venv/bin/python -m generator build --strict")


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_workflow_that_runs_the_tool_sets_up_with_the_readmes_script(name: str) -> None:
    """One set-up everywhere: whatever runs ``python -m generator`` was prepared by scripts/setup.sh
    (the README's and .ci/run's), which installs the fonts, Pango, the locked dependencies and the editor."""
    for job in _workflow(name)["jobs"].values():
        runs = [step.get("run", "") for step in job.get("steps", [])]
        tool = [i for i, run in enumerate(runs) if "-m generator" in run or "-m pytest" in run]
        if tool:
            setup = next(i for i, run in enumerate(runs) if run.strip() == "bash scripts/setup.sh")
            assert setup < tool[0], name
            assert all(".venv/bin/python -m" in runs[i] for i in tool), name
    script = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "libpango-1.0-0" in script and "fonts-noto-cjk" in script and "--require-hashes" in script


def test_weekly_reminder_issue() -> None:
    flow = _workflow("reminders.yml")
    assert flow["on"]["schedule"][0]["cron"]
    runs = " ".join(step.get("run", "") for step in _steps(flow))
    assert "python -m generator due --format markdown" in runs and "gh issue edit" in runs


@pytest.mark.parametrize("form", sorted((REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml")), ids=lambda p: p.name)
def test_issue_forms_parse(form: Path) -> None:
    data = yaml.safe_load(form.read_text(encoding="utf-8"))
    if form.name != "config.yml":
        assert data["name"] and data["body"]
        assert all("label" in item["attributes"] for item in data["body"] if item["type"] != "markdown")


def test_every_step_has_a_name_and_every_action_is_pinned_to_a_commit() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for step in _steps(_workflow(path.name)):
            assert step.get("name"), path
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+(?:/[\w.-]+)*@[0-9a-f]{40}", step["uses"]), step  # owner/repo[/path]@sha
                # The version stays readable beside the hash.
                assert re.search(re.escape(step["uses"]) + r" # v\d+\.\d+\.\d+", text), step
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path


def test_zizmor_as_an_auditor_finds_nothing_in_the_workflows() -> None:
    """zizmor's offline audits with the auditor persona (secrets outside an environment, unpinned actions,
    excessive permissions, template injection ...): nothing at any severity; the one finding ignored
    in a workflow (workflow_run in cms-format-apply.yml) says why beside it."""
    zizmor = Path(sys.executable).with_name("zizmor")
    proc = subprocess.run([str(zizmor), "--offline", "--persona", "auditor", "--format", "plain", str(WORKFLOWS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout, proc.stdout
    for path in WORKFLOWS.glob("*.yml"):
        for ignored in re.finditer(r"# zizmor: ignore\[[\w-]+\](.*)", path.read_text(encoding="utf-8")):
            assert len(ignored.group(1).strip()) > 40, f"{path.name}: an ignored finding says why"
    runs = " ".join(step.get("run", "") for step in _steps(_workflow("pull-request.yml")))
    assert "zizmor --offline --persona auditor" in runs


def test_no_job_that_runs_branch_code_holds_a_secret_or_write_access() -> None:
    """The job that runs the cms/ branch's code (pip install, fmt) has read access only and no secret;
    the job that pushes never installs or runs anything from the branch."""
    made = _workflow("cms-format.yml")["jobs"]["fmt"]
    assert made["permissions"] == {"contents": "read"}
    assert "secrets." not in json.dumps(made)
    apply = _workflow("cms-format-apply.yml")["jobs"]["apply"]
    assert apply["environment"] == "cms-format"
    runs = " ".join(step.get("run", "") for step in apply["steps"])
    assert not re.search(r"\bpip\b|python|generator|bash scripts|(^|\s)\./", runs), runs


def test_hooks_for_other_repositories() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "jiangpu-validate" and hooks[0]["language"] == "python"
    local = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for repo in local["repos"] for hook in repo["hooks"]}
    assert {"jiangpu-validate", "jiangpu-fmt", "ruff"} <= ids
    assert [h["id"] for h in hooks] == ["jiangpu-validate", "jiangpu-fmt"]


def test_contributing_names_what_never_goes_in() -> None:
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "身份证号" in text and "家庭住址" in text and "审核人" in text


# ------------------------------------------------------------------ new
FILLED = {
    "unit:": "unit: works",
    "master:": "master: teacher",
    "  name:": "  name: 李小华",
    "  gender:": "  gender: 女",
    "start:": "start: 2023-03-01",
    "end:": "end: 2024-02-29",
}


def _fill(path: Path) -> None:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        head = line.split("#")[0].rstrip()
        lines.append(FILLED.get(head, line))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_new_pair_then_filling_the_required_values_validates(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "pair", "--no-cache", "--date", "2023-01-15"]) == 0
    created = registry_dir / "pairs" / "pair-2023-001.yml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/pair.schema.json")
    assert "id: pair-2023-001" in text and "programme: pairing" in text
    assert main(["validate", "--no-cache", "--date", "2023-06-01", str(created.relative_to(registry_dir.parent))]) == 1
    _fill(created)
    capsys.readouterr()
    assert main(["validate", "--no-cache", "--date", "2023-06-01"]) == 0, capsys.readouterr().out


def test_new_pair_never_prefills_a_programme_that_has_ended(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The base registry's only pairing programme runs 2020-2024.
    assert main(["new", "pair", "--no-cache", "--date", "2026-01-05"]) == 0
    out = capsys.readouterr().out
    text = (registry_dir / "pairs" / "pair-2026-001.yml").read_text(encoding="utf-8")
    assert "programme: pairing" not in text
    assert "没有正在进行的师徒结对活动" in text and "没有正在进行的师徒结对活动" in out
    assert main(["new", "pair", "--no-cache", "--date", "2026-01-05", "--id", "pair-2026-002", "--programme", "pairing"]) == 0
    assert "programme: pairing" in (registry_dir / "pairs" / "pair-2026-002.yml").read_text(encoding="utf-8")


def test_new_studio_lists_the_running_programmes_to_choose_from(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "studio", "--no-cache", "--date", "2020-06-01"]) == 0
    text = (registry_dir / "studios" / "studio-001.yml").read_text(encoding="utf-8")
    assert "school（" in text and "studios（" in text
    assert main(["new", "studio", "--no-cache", "--programme", "pairing"]) == 1
    assert "没有编号为“pairing”的工作室建设活动" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["pair", "master", "studio", "unit", "programme"])
def test_new_record_header_names_the_two_commonest_mistakes(kind: str, registry_dir: Path) -> None:
    assert main(["new", kind, "--no-cache", "--date", "2023-01-15", "--id", f"new-{kind}"]) == 0
    folder = {"pair": "pairs", "master": "masters", "studio": "studios", "unit": "units", "programme": "programmes"}[kind]
    head = (registry_dir / folder / f"new-{kind}.yml").read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith("# yaml-language-server:")
    assert "英文冒号" in head[1] and "Tab" in head[1]


def test_new_never_overwrites(registry_dir: Path) -> None:
    target = registry_dir / "units" / "works.yml"
    before = target.read_bytes()
    assert main(["new", "unit", "--no-cache", "--id", "works"]) == 1
    assert target.read_bytes() == before
    assert main(["new", "unit", "--no-cache"]) == 0
    assert (registry_dir / "units" / "unit-001.yml").exists()
    assert main(["new", "master", "--no-cache", "--id", "Bad_Id"]) == 1


def test_vscode_maps_every_record_folder_to_its_schema() -> None:
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert set(settings["yaml.schemas"].values()) == {f"records/{f}/**/*.yml" for f in ("programmes", "units", "masters", "studios", "pairs")}


# ------------------------------------------------------------------ export
def _private_values(records: Path) -> set[str]:
    found = set()
    for path in records.glob("*/*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for holder in (data, data.get("apprentice") or {}):
            found |= {str(v) for v in (holder.get("private") or {}).values()}
    return found


def test_xlsx_ledger_has_sheets_headers_dates_and_no_private_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl import load_workbook

    monkeypatch.chdir(REPO)
    out = tmp_path / "台账.xlsx"
    assert main(["export", "--no-cache", "--date", "2026-11-22", "--out", str(out)]) == 0
    book = load_workbook(out)
    assert book.sheetnames[:5] == ["活动", "单位", "名匠", "工作室", "师徒结对"]
    assert {"名匠·所获荣誉", "师徒结对·培养计划", "活动·任务分配表"} <= set(book.sheetnames)
    masters = book["名匠"]
    headers = [c.value for c in masters[1]]
    assert headers[:3] == ["编号", "姓名", "性别"] and masters.freeze_panes == "A2"
    pairs = book["师徒结对"]
    header = [c.value for c in pairs[1]]
    start = header.index("开始日期")
    assert pairs.cell(row=2, column=start + 1).is_date  # a real date, not text
    assert "徒弟·出生年份" not in header
    cells = {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}
    private = _private_values(REPO / "records")
    assert private and not (cells & private)
    out2 = tmp_path / "full.xlsx"
    assert main(["export", "--no-cache", "--date", "2026-11-22", "--include-private", "--out", str(out2)]) == 0
    cells2 = {str(c.value) for sheet in load_workbook(out2) for row in sheet.iter_rows() for c in row if c.value is not None}
    assert private <= cells2


def test_csv_and_json_ledgers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert main(["export", "--no-cache", "--format", "csv", "--out", str(tmp_path / "ledger.csv")]) == 0
    pairs = (tmp_path / "ledger-pair.csv").read_text(encoding="utf-8-sig").splitlines()
    assert pairs[0].startswith("编号,所属活动,所属活动名称,单位,单位名称,师傅,师傅姓名") and len(pairs) > 40
    assert (tmp_path / "ledger-pair-stages.csv").is_file() and (tmp_path / "ledger-master-honours.csv").is_file()
    assert main(["export", "--no-cache", "--format", "json", "--out", str(tmp_path / "ledger.json")]) == 0
    data = json.loads((tmp_path / "ledger.json").read_text(encoding="utf-8"))
    assert set(data) == {"programme", "unit", "master", "studio", "pair"}
    assert all("private" not in p["apprentice"] and "birth_year" not in p["apprentice"] for p in data["pair"])


# ------------------------------------------------------------------ due
DUE_FIXTURE = {
    # Term ended 2024-03-09, still 培养中 and no evaluation: overdue evaluation.
    "pairs/ended.yml": "id: ended\nprogramme: pairing\nunit: works\nmaster: leader\napprentice: {name: 甲乙, gender: 男}\n"
                       "start: 2022-03-10\nend: 2024-03-09\napprovals: {administration: 2022-03-01, union: 2022-03-01, hr: 2022-03-01}\n"
                       "status: 培养中\n",
    # In training since 2023-01 with one stage reported in 2023-02: no report for over a year.
    "pairs/silent.yml": "id: silent\nprogramme: pairing\nunit: works\nmaster: young-leader\napprentice: {name: 丙丁, gender: 女}\n"
                        "start: 2023-01-10\nend: 2025-12-31\n"
                        "stages: [{title: 第一阶段, start: 2023-01-10, end: 2023-01-31, summary: 完成, reported: 2023-02-05}]\n"
                        "approvals: {administration: 2023-01-01, union: 2023-01-01, hr: 2023-01-01}\nstatus: 培养中\n",
    # Reported last month: nothing due.
    "pairs/fine.yml": "id: fine\nprogramme: pairing\nunit: works\nmaster: member-a\napprentice: {name: 戊己, gender: 男}\n"
                      "start: 2024-01-10\nend: 2025-12-31\n"
                      "stages: [{title: 第一阶段, start: 2024-01-10, end: 2024-04-30, summary: 完成, reported: 2024-05-05}]\n"
                      "approvals: {administration: 2024-01-01, union: 2024-01-01, hr: 2024-01-01}\nstatus: 培养中\n",
}


def test_due_lists_the_overdue_items_and_nothing_else(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for rel, text in DUE_FIXTURE.items():
        (registry_dir / rel).write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["due", "--no-cache", "--date", "2024-06-01", "--format", "github"]) == 0
    out = capsys.readouterr().out
    found = sorted((line.split("title=")[1].split("::")[0], line.split("file=")[1].split(",")[0])
                   for line in out.splitlines() if line.startswith("::warning"))
    assert found == [
        ("due.assessment", "records/studios/base-studio.yml"),    # named 2016, nothing recorded for 2024
        ("due.evaluation", "records/pairs/ended.yml"),
        ("due.quota", "records/programmes/pairing.yml"),          # works: 4 pairs of its 6 in the last year
        ("due.quota", "records/programmes/pairing.yml"),          # other-works: none of its 4
        ("due.stage_report", "records/pairs/silent.yml"),
    ]


def test_due_markdown_is_an_issue_body(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["due", "--no-cache", "--date", "2024-12-01", "--format", "markdown"]) == 0
    body = capsys.readouterr().out
    assert body.startswith("# 待办事项（2024-12-01）") and "## 年度报送（1）" in body


def test_pull_requests_check_the_format_of_the_records_they_change() -> None:
    runs = " ".join(step.get("run", "") for step in _steps(_workflow("pull-request.yml")))
    assert "fmt --check --format github" in runs and "HEAD^1 HEAD" in runs


# ------------------------------------------------------------------ the cms/ format patch, rehearsed


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}).stdout.strip()


@pytest.fixture
def cms_branch(tmp_path: Path) -> tuple[Path, Path, str]:
    """A repository on "GitHub" (a bare folder) with an editor's branch whose record is not in fmt's form,
    and the branch checked out as the apply job checks it out: (origin, checkout, head sha)."""
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    (work / "records" / "units").mkdir(parents=True)
    (work / ".github" / "workflows").mkdir(parents=True)
    (work / ".github" / "workflows" / "pages.yml").write_text("name: x\n", encoding="utf-8")
    shutil.copy(REPO / "records" / "units" / "taoyuan-demo-motor.yml", work / "records" / "units")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "main")
    _git(work, "push", "-q", "origin", "HEAD:main")
    _git(work, "checkout", "-q", "-b", "cms/units/taoyuan-demo-motor")
    unit = work / "records" / "units" / "taoyuan-demo-motor.yml"
    unit.write_text("type: 企业\n" + "\n".join(line for line in unit.read_text(encoding="utf-8").splitlines()
                                              if not line.startswith(("type:", "#"))) + "\n", encoding="utf-8")  # as Decap writes it
    _git(work, "commit", "-q", "-am", "修改单位")
    _git(work, "push", "-q", "origin", "HEAD:cms/units/taoyuan-demo-motor")
    return origin, work, _git(work, "rev-parse", "HEAD")


def _apply(origin: Path, checkout: Path, patch: str, head_sha: str, branch: str = "cms/units/taoyuan-demo-motor",
           claimed: str | None = None) -> subprocess.CompletedProcess[str]:
    """The apply job's last step, run as GitHub runs a ``run:`` (bash -eo pipefail, in its working
    directory, with its env); github.com is this machine's bare repository, through git's insteadOf."""
    step = next(s for s in _workflow("cms-format-apply.yml")["jobs"]["apply"]["steps"] if s["name"] == "检查补丁并推回")
    download = checkout.parent / "cms-format"
    download.mkdir(exist_ok=True)
    (download / "fmt.patch").write_text(patch, encoding="utf-8")
    (download / "head-sha").write_text((claimed or head_sha) + "\n", encoding="utf-8")  # what the patch says it was made for
    script = checkout.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {**os.environ, "TOKEN": "secret-token", "BRANCH": branch, "HEAD_SHA": head_sha, "REPOSITORY": "union/registry",
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{origin.as_uri()}.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/union/registry.git"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=checkout / step.get("working-directory", "").replace("branch", ""),
                          env=env, capture_output=True, text=True, timeout=60)


def _fmt_patch(checkout: Path) -> str:
    """What the fmt job produces for the branch (its run step, with this checkout's tool)."""
    copy = checkout.parent / "fmt-run"
    shutil.copytree(checkout, copy)
    subprocess.run([sys.executable, "-m", "generator", "fmt", "--fix", "--records", "records"], cwd=copy, check=True,
                   env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True)
    return _git(copy, "diff", "--no-color", "--", "records/") + "\n"


def test_the_format_patch_is_applied_and_pushed_back_to_the_editors_branch(cms_branch: tuple[Path, Path, str]) -> None:
    origin, checkout, head = cms_branch
    patch = _fmt_patch(checkout)
    assert "+type: 企业" in patch
    done = _apply(origin, checkout, patch, head)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "secret-token" not in done.stdout + done.stderr
    pushed = _git(origin, "log", "-1", "--format=%s%n%P", "cms/units/taoyuan-demo-motor").splitlines()
    assert pushed == ["整理记录格式（在线编辑保存后自动整理）", head]
    text = _git(origin, "show", "cms/units/taoyuan-demo-motor:records/units/taoyuan-demo-motor.yml")
    assert text.startswith("# yaml-language-server") and "\ntype: 企业" in text


HOSTILE_PATCHES = {
    "a workflow": ("--- a/.github/workflows/pages.yml\n+++ b/.github/workflows/pages.yml\n@@ -1 +1 @@\n-name: x\n+name: pwned\n"),
    "a new file": ("diff --git a/records/units/new.yml b/records/units/new.yml\nnew file mode 100644\n--- /dev/null\n"
                   "+++ b/records/units/new.yml\n@@ -0,0 +1 @@\n+id: new\n"),
    "a path out": ("--- a/records/../.github/workflows/pages.yml\n+++ b/records/../.github/workflows/pages.yml\n"
                   "@@ -1 +1 @@\n-name: x\n+name: pwned\n"),
}


@pytest.mark.parametrize("what", HOSTILE_PATCHES)
def test_a_patch_touching_anything_but_records_is_refused(cms_branch: tuple[Path, Path, str], what: str) -> None:
    origin, checkout, head = cms_branch
    done = _apply(origin, checkout, HOSTILE_PATCHES[what], head)
    assert done.returncode != 0 and "::error::" in done.stdout, done.stdout + done.stderr
    assert _git(origin, "rev-parse", "cms/units/taoyuan-demo-motor") == head, "nothing pushed"
    assert (checkout / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8") == "name: x\n"


def test_only_editor_branches_at_the_patched_commit_are_pushed(cms_branch: tuple[Path, Path, str]) -> None:
    origin, checkout, head = cms_branch
    patch = _fmt_patch(checkout)
    assert _apply(origin, checkout, patch, head, branch="main").returncode != 0
    assert _apply(origin, checkout, patch, head, claimed="0" * 40).returncode != 0
    assert _git(origin, "rev-parse", "cms/units/taoyuan-demo-motor") == head


def test_the_ledger_format_follows_the_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``export --out 台账.csv`` writes CSV (before: an Excel file under a .csv name); a --format that
    contradicts the name is refused."""
    monkeypatch.chdir(REPO)
    assert main(["export", "--no-cache", "--out", str(tmp_path / "台账.csv")]) == 0
    assert (tmp_path / "台账-pair.csv").read_text(encoding="utf-8-sig").startswith("编号,")
    assert not (tmp_path / "台账.csv").exists() or not (tmp_path / "台账.csv").read_bytes().startswith(b"PK")
    capsys.readouterr()
    assert main(["export", "--no-cache", "--format", "xlsx", "--out", str(tmp_path / "x.csv")]) == 2
    assert "扩展名不一致" in capsys.readouterr().err and not (tmp_path / "x.csv").exists()
    assert main(["export", "--no-cache", "--out", str(tmp_path / "台账.xsl")]) == 2  # a typo of the extension
    assert "应以 .xlsx（Excel）、.csv 或 .json 结尾" in capsys.readouterr().err and not (tmp_path / "台账.xsl").exists()


def test_due_says_who_to_call(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside the file and line: the unit, the master and the (masked) apprentice, or the studio, its unit
    and leader — the people a clerk must call; the reminder issue is public, so the apprentice stays masked."""
    monkeypatch.chdir(REPO)
    assert main(["due", "--no-cache", "--date", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "taoyuan-2023-002.yml:23:6: due.evaluation: 桃源示例电机有限公司 师傅王小军、徒弟董*燕：结对期限已于 2026-11-30 届满" in out
    assert "数控车工技能大师工作室（重庆市工业学校，领办人马超）：2026 年应进行年度考核" in out
