"""The installed package works on its own, as pre-commit installs it for other registry repositories.

Both tests install from this checkout into fresh environments: the wheel (its
schemas and templates inside), and the ``jiangpu-validate`` hook through
pre-commit in a separate git repository holding only records.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.rehearsal import Machine

GIT_ENV = {"GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "测试", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)], cwd=out)
    assert proc.returncode == 0, proc.stderr
    return next(out.glob("jiangpu-*.whl"))


def test_the_wheel_carries_schemas_and_templates(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = {p.name for p in (REPO / "schemas").glob("*.json")}
    assert {f"jiangpu_schemas/{n}" for n in schemas} <= names
    templates = {p.relative_to(REPO / "site_templates").as_posix() for p in (REPO / "site_templates").rglob("*")
                 if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts}
    assert {f"jiangpu_templates/{t}" for t in templates} <= names


def _installed(wheel: Path, env_dir: Path) -> tuple[Path, Path]:
    """A fresh environment holding the wheel alone, unpacked as pip installs it; its dependencies come
    from the test's own environment, appended after it (a plain path entry: the editable install's
    finder there is never run). Returns its python and site-packages."""
    import zipfile

    venv.create(env_dir, with_pip=False)
    site = next((env_dir / "lib").glob("python3*/site-packages"))
    zipfile.ZipFile(wheel).extractall(site)
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "yaml").is_dir())
    (site / "zz-test-deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    return env_dir / "bin" / "python", site


def test_the_installed_wheel_validates_a_registry_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    python, site = _installed(wheel, tmp_path / "env")
    work = tmp_path / "registry"
    shutil.copytree(REPO / "records", work / "records")
    where = _run([str(python), "-c", "import generator, generator.resources as r; print(generator.__file__, r.SCHEMA_DIR)"], cwd=work)
    assert where.returncode == 0, where.stderr
    assert str(site) in where.stdout and str(REPO) not in where.stdout
    proc = _run([str(python), "-m", "generator", "validate", "--no-cache", "--date", "2026-11-22"], cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "检查了" in proc.stdout and "Traceback" not in proc.stderr
    made = _run([str(python), "-m", "generator", "new", "unit", "--no-cache"], cwd=work)
    assert made.returncode == 0 and (work / "records" / "units" / "unit-001.yml").is_file(), made.stderr


def test_pre_commit_validates_another_registry_repository(tmp_path: Path, machine: Machine) -> None:
    """What another registry's .pre-commit-config.yaml gets from .pre-commit-hooks.yaml: this repository
    at its last commit, installed by pre-commit into its own environment (from pip's cache of the
    locked wheels: ``machine``), once for both runs."""
    registry = tmp_path / "registry"
    shutil.copytree(REPO / "records", registry / "records")
    head = _run(["git", "rev-parse", "HEAD"], cwd=REPO).stdout.strip()
    (registry / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO.as_uri()}\n    rev: {head}\n    hooks:\n      - id: jiangpu-validate\n", encoding="utf-8")
    env = {**GIT_ENV, **machine.env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    for cmd in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-q", "-m", "登记册"]):
        assert _run(cmd, cwd=registry, env=env).returncode == 0
    pre_commit = str(Path(sys.executable).with_name("pre-commit"))
    ok = _run([pre_commit, "run", "jiangpu-validate", "--all-files"], cwd=registry, env=env, timeout=900)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "匠谱记录检查" in ok.stdout and "Passed" in ok.stdout
    broken = registry / "records" / "units" / "broken.yml"
    broken.write_text("id: broken\nname: 某厂\ntype: 公司\n", encoding="utf-8")
    assert _run(["git", "add", "."], cwd=registry, env=env).returncode == 0
    bad = _run([pre_commit, "run", "jiangpu-validate", "--all-files"], cwd=registry, env=env, timeout=900)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "records/units/broken.yml:3:7: error schema" in bad.stdout


def test_the_model_never_imports_the_validate_stage() -> None:
    """load -> validate -> model -> render: the model reads schema defaults from the neutral resources module."""
    for path in (REPO / "generator" / "model").glob("*.py"):
        assert "generator.validate" not in path.read_text(encoding="utf-8"), path


def test_record_folders_and_kinds_come_from_one_table() -> None:
    from generator.kinds import KINDS
    from generator.load.discover import FOLDERS
    from generator.render.site.opendata import JSON_FILES, TABLES

    assert FOLDERS == {k.folder: k.name for k in KINDS}
    assert [stem for stem, _ in JSON_FILES] == [k.folder for k in KINDS]
    assert {k.folder for k in KINDS} <= {t.stem for t in TABLES}
    assert {p.name.removesuffix(".schema.json") for p in (REPO / "schemas").glob("*.schema.json")} == {k.name for k in KINDS}
    assert {p.name.removesuffix(".yml.j2") for p in (REPO / "site_templates" / "records").glob("*.yml.j2")} == {k.name for k in KINDS}


def test_every_import_of_the_package_is_a_runtime_dependency() -> None:
    """A module the package imports must be installed without the dev extras (pypdfium2 once was not)."""
    import ast
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {re.split(r"[<>=\[ ;!~]", d)[0].lower().replace("_", "-") for d in project["dependencies"]}
    distributions = importlib.metadata.packages_distributions()
    own = {"generator", "jiangpu_schemas", "jiangpu_templates"}
    missing = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in own:
                    continue
                dists = {d.lower().replace("_", "-") for d in distributions.get(top, [top])}
                if not dists & runtime:
                    missing.append((path.name, top, sorted(dists)))
    assert missing == []


def _pinned(lock: Path, extras: dict[str, set[str]] | None = None) -> dict[str, str]:
    """name -> version of every requirement in a lock, each of which must carry hashes; ``extras`` gets the
    extras each is pinned with ("fonttools[woff]==…")."""
    text = lock.read_text(encoding="utf-8")
    found = {}
    for block in re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2] if text.startswith("#") else text):
        head = block.strip().splitlines()[0] if block.strip() else ""
        match = re.match(r"([a-z0-9][a-z0-9._-]*)(?:\[([^\]]*)\])?==([^\s;\\]+)", head)
        if match:
            assert "--hash=sha256:" in block, head
            found.setdefault(match.group(1), match.group(3))
            if extras is not None:
                extras.setdefault(match.group(1), set()).update(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
    return found


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-") for r in requirements}


def test_the_locks_pin_every_dependency_with_hashes() -> None:
    """What publishes (the Pages workflow: site.lock) and what tests it (dev.lock) install exact
    versions checked by hash; a dependency added to pyproject.toml without re-locking fails here."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    site, dev = _pinned(REPO / "requirements" / "site.lock"), _pinned(REPO / "requirements" / "dev.lock")
    assert _names(project["dependencies"]) <= set(site), "re-lock: uv pip compile (README, 依赖版本)"
    assert _names(project["dependencies"] + project["optional-dependencies"]["dev"]) <= set(dev)
    assert site["pagefind-bin-extended"] == dev["pagefind-bin-extended"] == "1.5.2"
    assert "pagefind-bin-extended==1.5.2" in project["dependencies"]


def test_a_dependency_asked_for_with_extras_is_locked_with_them() -> None:
    """WeasyPrint asks for ``fonttools[woff]``: locked as plain ``fonttools==…`` (as uv writes it), pip's
    --require-hashes refused the whole lock, and with it the README's set-up on a fresh machine, as soon as
    fonttools published a newer release. Each such dependency is locked with its extras (README, 依赖版本)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    for lock in ("site.lock", "dev.lock"):
        extras: dict[str, set[str]] = {}
        pinned = _pinned(REPO / "requirements" / lock, extras)
        for name in pinned:
            try:
                required = metadata.requires(name) or []
            except metadata.PackageNotFoundError:
                continue  # not for this platform (the lock is universal)
            for line in required:
                wanted = Requirement(line)
                if wanted.extras and wanted.marker is None and wanted.name.lower() in pinned:
                    assert wanted.extras <= extras[wanted.name.lower()], f"{lock}: {name} 需要 {line}：锁定为 {wanted.name}[…]==…"


def test_a_changed_editor_package_is_refused_at_build_time(tmp_path: Path) -> None:
    """The editor is taken from the npm package as downloaded, checked again against decap-cms.lock."""
    from generator.render.cms import DECAP_PACKAGE, CmsError, CmsOptions, write_admin

    tampered = tmp_path / DECAP_PACKAGE.name
    data = bytearray(DECAP_PACKAGE.read_bytes())
    data[len(data) // 2] ^= 0xFF
    tampered.write_bytes(bytes(data))
    with pytest.raises(CmsError, match="校验值不符"):
        write_admin(tmp_path / "admin", CmsOptions(repo="union/registry"), package=tampered)
    assert not (tmp_path / "admin").exists()


def test_init_makes_a_registry_whose_own_checks_pass_and_whose_site_builds(wheel: Path, tmp_path: Path, machine: Machine) -> None:
    """``init`` from the installed wheel: a new repository with one programme and no people, that validates,
    is in fmt's form, builds its site, and whose own workflows (rehearsed as GitHub runs them, installing the
    tool from requirements.txt) publish the site and pass a pull request that adds a unit."""
    from tests.rehearsal import Runner, pages_files

    python, _ = _installed(wheel, tmp_path / "env")
    registry = tmp_path / "union-registry"
    made = _run([str(python), "-m", "generator", "init", str(registry), "--name", "测试区总工会", "--url",
                 "https://test-union.github.io/union-registry/", "--repo", "test-union/union-registry",
                 "--tool", f"jiangpu @ {wheel.as_uri()}"], cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    assert not (registry / "generator").exists() and not (registry / "tests").exists(), "no copy of the tool"
    assert (registry / "requirements.txt").read_text(encoding="utf-8").strip().endswith(wheel.as_uri())
    assert list((registry / "records" / "programmes").glob("*.yml")) and not list((registry / "records" / "masters").glob("*.yml"))
    env = {"JIANGPU_DECAP": str(REPO / ".cache" / f"decap-cms-{_decap_version()}.tgz")}
    for command in (["validate"], ["fmt", "--check"], ["build", "--strict"]):
        done = _run([str(python), "-m", "generator", *command], cwd=registry, env=env)
        assert done.returncode == 0, (command, done.stdout + done.stderr)
    assert "测试区总工会 · 工作室与名匠" in (registry / "site" / "index.html").read_text(encoding="utf-8")
    for command in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "新的登记册"]):
        assert _run(command, cwd=registry, env=GIT_ENV).returncode == 0
    shutil.rmtree(registry / "site")
    shutil.rmtree(registry / "build")
    main_sha = _run(["git", "rev-parse", "HEAD"], cwd=registry).stdout.strip()
    github = {"sha": main_sha, "repository": "test-union/union-registry", "repository_owner": "test-union", "token": "t",
              "event": {"repository": {"name": "union-registry"}}, "event_name": "push", "ref": "refs/heads/main"}
    workflows = registry / ".github" / "workflows"
    pages = Runner(registry, tmp_path / "pages-run", github, machine=machine).run(workflows / "pages.yml", "build")
    assert pages.outcome == "success", pages.output()[-4000:]
    assert "index.html" in pages_files(pages.artifacts["github-pages"])
    for command in (["git", "checkout", "-q", "-b", "pr"], ["git", "add", "-A"]):
        assert _run(command, cwd=registry, env=GIT_ENV).returncode == 0
    (registry / "records" / "units" / "test-works.yml").write_text(
        "# yaml-language-server: $schema=../../schemas/unit.schema.json\nid: test-works\nname: 测试机械厂\ntype: 企业\n", encoding="utf-8")
    for command in (["git", "add", "-A"], ["git", "commit", "-q", "-m", "新增单位"], ["git", "checkout", "-q", "-b", "merge", "main"],
                    ["git", "merge", "-q", "--no-ff", "-m", "merge", "pr"]):
        assert _run(command, cwd=registry, env=GIT_ENV).returncode == 0, command
    merge = _run(["git", "rev-parse", "HEAD"], cwd=registry).stdout.strip()
    check = Runner(registry, tmp_path / "pr-run", {**github, "sha": merge, "event_name": "pull_request",
                                                    "event": {"pull_request": {"number": 1}}}, machine=machine).run(workflows / "pull-request.yml", "check")
    assert check.outcome == "success", check.output()[-4000:]
    assert "| 新增 | 单位 | `测试机械厂` |" in check.summary


def _decap_version() -> str:
    return (REPO / "site_templates" / "admin" / "decap-cms.lock").read_text(encoding="utf-8").split()[1]
