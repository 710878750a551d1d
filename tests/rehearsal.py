"""A small stand-in for GitHub Actions: runs a workflow's job on this machine, as GitHub would.

No runner that works offline is at hand (``act`` needs container images and a binary from
GitHub's releases), so this harness does what a job does, in order:

- each ``run:`` step in bash (``bash --noprofile --norc -eo pipefail``), in its working
  directory, with the workflow's, job's and step's ``env`` (``${{ }}`` expressions evaluated),
  the ``GITHUB_*`` variables, and the files behind ``GITHUB_ENV``, ``GITHUB_OUTPUT`` and
  ``GITHUB_STEP_SUMMARY`` (outputs become ``steps.<id>.outputs``);
- ``if:`` on jobs and steps, with ``success()`` as the default;
- each ``uses:`` step the project relies on, replaced by its local equivalent: checkout → a
  clone of the repository at the event's commit and depth (credentials are never stored);
  setup-python → a Python first on ``PATH`` (the machine's, shared by jobs as the runner image's
  tool cache is, or a fresh virtual environment); cache save/restore → a folder;
  upload-pages-artifact → the path checked and packed as the action packs it (tar, links
  dereferenced, .git and .github left out); upload-artifact → a copy; deploy-pages → the
  packed artifact must be there.

Unknown actions fail loudly: a workflow that starts using one must teach this file first.

A ``Machine`` stands for what a runner already has before the job starts: the tool cache's
Python and pip's cache (setup-python's ``cache: pip``), here the locked wheels in a folder pip
installs from without asking an index, and the compact font the set-up cuts. Each job still
makes its own ``.venv`` and installs every locked package, hash-checked, as the workflow says.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import venv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)


class Null:
    """What a missing context value is in GitHub's expressions: falsy, prints as ''."""

    def __getattr__(self, name: str) -> Null:
        return self

    def __getitem__(self, name: object) -> Null:
        return self

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        return ""

    def __eq__(self, other: object) -> bool:
        return other is None or isinstance(other, Null) or other == ""

    def __hash__(self) -> int:
        return 0


class Tree:
    """Dotted access into nested mappings, as ``github.event.pull_request.number``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        return _wrap(self._data.get(name, Null()))

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)


def _wrap(value: Any) -> Any:
    return Tree(value) if isinstance(value, Mapping) else value


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m.group(1))]), template)


def evaluate(expression: str, contexts: Mapping[str, Any]) -> Any:
    """A GitHub expression: contexts, literals, == != && || !, format, startsWith, contains, success()."""
    parts = re.split(r"('(?:[^']|'')*')", expression)  # string literals are left as they are
    for index in range(0, len(parts), 2):
        code = parts[index].replace("&&", " and ").replace("||", " or ")
        code = re.sub(r"(?<![=!<>])!(?!=)", " not ", code)
        code = re.sub(r"\bnull\b", "None", re.sub(r"\btrue\b", "True", re.sub(r"\bfalse\b", "False", code)))
        parts[index] = re.sub(r"\bstartsWith\(", "_starts(", re.sub(r"\bformat\(", "_format(", code))
    python = "".join(parts)
    names = {name: _wrap(value) for name, value in contexts.items()}
    names.update(_format=_format, _starts=lambda a, b: str(a).lower().startswith(str(b).lower()),
                 contains=lambda a, b: str(b) in (a if isinstance(a, list) else str(a)),
                 success=lambda: not contexts.get("_failed"), failure=lambda: bool(contexts.get("_failed")),
                 always=lambda: True, cancelled=lambda: False)
    return eval(python, {"__builtins__": {}}, names)  # noqa: S307 (expressions from this repository's workflows)


def substitute(text: str, contexts: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        got = evaluate(match.group(1), contexts)
        return "" if got is None or isinstance(got, Null) else str(got).lower() if isinstance(got, bool) else str(got)

    return EXPRESSION.sub(value, text)


@dataclass
class Step:
    name: str
    outcome: str  # success, failure, skipped
    output: str = ""
    seconds: float = 0.0


@dataclass
class Job:
    outcome: str
    steps: list[Step] = field(default_factory=list)
    summary: str = ""
    workspace: Path | None = None
    artifacts: dict[str, Path] = field(default_factory=dict)

    def output(self) -> str:
        return "\n".join(s.output for s in self.steps)

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name.startswith(name))


@dataclass(frozen=True)
class Machine:
    python: Path  # a virtual environment standing for the tool cache's Python (jobs never install into it)
    wheels: Path  # every locked wheel and the build backend: pip's cache, restored
    font_cache: Path  # the forms' compact font, cut once (JIANGPU_FONT_CACHE)

    @classmethod
    def prepare(cls, root: Path, repository: Path, font_cache: Path) -> Machine:
        python, wheels = root / "toolcache-python", root / "wheels"
        venv.create(python, with_pip=True)
        pip = [str(python / "bin" / "python"), "-m", "pip", "download", "-q", "-d", str(wheels)]
        for extra in (["--require-hashes", "-r", str(repository / "requirements" / "site.lock")],
                      ["--no-deps", _build_backend(repository)]):
            done = subprocess.run(pip + extra, capture_output=True, text=True, env=_machine_env())
            if done.returncode != 0:
                raise RuntimeError(done.stderr)
        return cls(python, wheels, font_cache)

    def env(self) -> dict[str, str]:
        return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(self.wheels), "JIANGPU_FONT_CACHE": str(self.font_cache)}


def _build_backend(repository: Path) -> str:
    import tomllib

    project = tomllib.loads((repository / "pyproject.toml").read_text(encoding="utf-8"))
    [requirement] = project["build-system"]["requires"]
    return str(requirement)


@dataclass
class Runner:
    """One machine a job runs on: the repository it clones (as github.com has it), the event."""

    repository: Path  # a git repository standing for github.com/<owner>/<name>
    work: Path
    github: dict[str, Any]  # the ``github`` context: event_name, sha, ref, repository, event …
    vars: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    extra_path: list[Path] = field(default_factory=list)  # stand-ins for tools GitHub's image has (gh)
    cache: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)  # the machine's own settings (git's insteadOf for github.com)
    machine: Machine | None = None

    def run(self, workflow: Path, job_id: str, needs: Mapping[str, str] | None = None) -> Job:
        """Run one job; ``needs`` gives the results of the jobs it waits for (job id -> success/failure)."""
        flow = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        job = flow["jobs"][job_id]
        done = {name: {"result": result, "outputs": {}} for name, result in (needs or {}).items()}
        contexts: dict[str, Any] = {"github": self.github, "vars": self.vars, "secrets": self.secrets, "steps": {},
                                    "env": {}, "needs": done, "runner": {"os": "Linux", "temp": str(self.work / "runner-temp")}}
        if "if" in job and not evaluate(_condition(job["if"]), contexts):
            return Job("skipped")
        workspace = self.work / "workspace"
        shutil.rmtree(workspace, ignore_errors=True)
        workspace.mkdir(parents=True)
        files = {name: self.work / f"github-{name.lower()}" for name in ("ENV", "OUTPUT", "STEP_SUMMARY", "PATH")}
        for path in files.values():
            path.write_text("", encoding="utf-8")
        (self.work / "runner-temp").mkdir(exist_ok=True)
        env = {**_machine_env(), **(self.machine.env() if self.machine else {}), **self.extra_env,
               **self._github_env(workspace, files)}
        env["PATH"] = os.pathsep.join([*map(str, self.extra_path), env["PATH"]])
        env.update({k: substitute(str(v), contexts) for k, v in (flow.get("env") or {}).items()})
        env.update({k: substitute(str(v), contexts) for k, v in (job.get("env") or {}).items()})
        result = Job("success", workspace=workspace)
        for step in job["steps"]:
            contexts["env"] = env
            condition = _condition(step.get("if", "success()"))
            if not evaluate(condition, {**contexts, "_failed": result.outcome == "failure"}):
                result.steps.append(Step(step["name"], "skipped"))
                continue
            step_env = {**env, **{k: substitute(str(v), contexts) for k, v in (step.get("env") or {}).items()}}
            started = time.monotonic()
            outcome, output = (self._uses(step, workspace, step_env, contexts, result) if "uses" in step
                               else self._run(step, workspace, step_env, contexts))
            result.steps.append(Step(step["name"], outcome, output, time.monotonic() - started))
            outputs = _key_values(files["OUTPUT"])
            files["OUTPUT"].write_text("", encoding="utf-8")
            if "id" in step:
                contexts["steps"][step["id"]] = {"outputs": outputs, "outcome": outcome, "conclusion": outcome}
            env.update(_key_values(files["ENV"]))
            added = [line for line in files["PATH"].read_text(encoding="utf-8").splitlines() if line]
            if added:
                env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
            for name in ("ENV", "PATH"):
                files[name].write_text("", encoding="utf-8")
            if outcome == "failure" and not step.get("continue-on-error"):
                result.outcome = "failure"
        result.summary = files["STEP_SUMMARY"].read_text(encoding="utf-8")
        return result

    def _github_env(self, workspace: Path, files: Mapping[str, Path]) -> dict[str, str]:
        github = self.github
        return {"CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_EVENT_NAME": str(github.get("event_name", "")), "GITHUB_SHA": str(github.get("sha", "")),
                "GITHUB_REF": str(github.get("ref", "")), "GITHUB_REPOSITORY": str(github.get("repository", "")),
                "GITHUB_ENV": str(files["ENV"]), "GITHUB_OUTPUT": str(files["OUTPUT"]),
                "GITHUB_STEP_SUMMARY": str(files["STEP_SUMMARY"]), "GITHUB_PATH": str(files["PATH"]),
                "RUNNER_TEMP": str(self.work / "runner-temp"), "RUNNER_OS": "Linux"}

    def _run(self, step: Mapping[str, Any], workspace: Path, env: dict[str, str], contexts: Mapping[str, Any]) -> tuple[str, str]:
        script = self.work / "step.sh"
        script.write_text(substitute(step["run"], contexts), encoding="utf-8")
        cwd = workspace / step.get("working-directory", ".")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=1500)
        return ("success" if done.returncode == 0 else "failure"), done.stdout

    def _uses(self, step: Mapping[str, Any], workspace: Path, env: dict[str, str], contexts: Mapping[str, Any],
              job: Job) -> tuple[str, str]:
        action = step["uses"].split("@")[0]
        given = {k: substitute(str(v), contexts) for k, v in (step.get("with") or {}).items()}
        if action == "actions/checkout":
            return self._checkout(workspace / given.get("path", "."), given)
        if action == "actions/setup-python":
            # A Python first on PATH, as the action puts the tool cache's there.
            python = self.machine.python if self.machine else self.work / "setup-python"
            if not python.exists():
                venv.create(python, with_pip=True)
            with open(env["GITHUB_PATH"], "a", encoding="utf-8") as handle:
                handle.write(f"{python / 'bin'}\n")
            return "success", f"Python {sys.version.split()[0]} in {python}"
        if action in ("actions/cache/save", "actions/cache/restore"):
            return self._cache(action.endswith("save"), workspace, given)
        if action == "actions/upload-pages-artifact":
            return self._pages_artifact(workspace / given.get("path", "_site"), job)
        if action == "actions/upload-artifact":
            source = workspace / given["path"]
            if not source.exists():
                return "failure", f"No files were found with the provided path: {given['path']}"
            target = self.work / "artifacts" / given["name"]
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, symlinks=False)
            job.artifacts[given["name"]] = target
            return "success", f"uploaded {given['name']}"
        if action == "actions/deploy-pages":
            artifact = self.work / "artifacts" / "github-pages.tar"
            return ("success", "deployed") if artifact.is_file() else ("failure", "No artifact named github-pages")
        raise NotImplementedError(f"the rehearsal has no local equivalent for {action}")

    def _checkout(self, target: Path, given: Mapping[str, str]) -> tuple[str, str]:
        if target.exists() and any(target.iterdir()):
            shutil.rmtree(target)
        depth = int(given.get("fetch-depth", "1") or 1)
        ref = given.get("ref") or str(self.github["sha"])
        clone = ["git", "clone", "-q", "--no-checkout"] + (["--depth", str(depth)] if depth else []) + \
            ["--no-single-branch", self.repository.as_uri(), str(target)]
        done = subprocess.run(clone, capture_output=True, text=True)
        if done.returncode == 0:
            done = subprocess.run(["git", "-C", str(target), "checkout", "-q", "--detach", ref], capture_output=True, text=True)
        return ("success" if done.returncode == 0 else "failure"), done.stdout + done.stderr

    def _cache(self, save: bool, workspace: Path, given: Mapping[str, str]) -> tuple[str, str]:
        assert self.cache is not None, "this rehearsal has no cache folder"
        paths = [p.strip() for p in given["path"].splitlines() if p.strip()]
        if save:
            target = self.cache / given["key"]
            for path in paths:
                if (workspace / path).exists():
                    dest = target / path
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    (shutil.copytree if (workspace / path).is_dir() else shutil.copy2)(workspace / path, dest)
            return "success", f"saved {given['key']}"
        keys = [given["key"]] + [k.strip() for k in given.get("restore-keys", "").splitlines() if k.strip()]
        for key in keys:
            found = sorted(p for p in self.cache.iterdir() if p.name == key or p.name.startswith(key)) if self.cache.is_dir() else []
            if found:
                shutil.copytree(found[-1], workspace, dirs_exist_ok=True)
                return "success", f"restored {found[-1].name}"
        return "success", "Cache not found"

    def _pages_artifact(self, site: Path, job: Job) -> tuple[str, str]:
        """As actions/upload-pages-artifact packs the site: tar with links dereferenced, no .git/.github."""
        if not site.is_dir():
            return "failure", f"tar: {site}: Cannot open: No such file or directory"
        artifact = self.work / "artifacts" / "github-pages.tar"
        artifact.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["tar", "--dereference", "--hard-dereference", "--directory", str(site), "-cf", str(artifact),
                               "--exclude=.git", "--exclude=.github", "."], capture_output=True, text=True)
        if done.returncode != 0:
            return "failure", done.stderr
        job.artifacts["github-pages"] = artifact
        return "success", f"packed {artifact.stat().st_size} bytes"


def _condition(value: Any) -> str:
    text = str(value).strip()
    match = EXPRESSION.fullmatch(text)
    return match.group(1) if match else text


def _key_values(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: ``name=value`` lines and ``name<<DELIMITER`` blocks."""
    found: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            index += 1
            while lines[index] != delimiter:
                block.append(lines[index])
                index += 1
            found[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
        index += 1
    return found


def _machine_env() -> dict[str, str]:
    """The runner's environment: this machine's, less this test process's own Python and caches."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "VIRTUAL_ENV", "PYTHON"))}
    venv_bin = str(Path(sys.executable).parent)
    keep["PATH"] = os.pathsep.join(p for p in keep.get("PATH", "").split(os.pathsep) if p != venv_bin)
    # setup-python's `cache: pip` restores pip's cache: this machine's own, not the test's empty one.
    keep.setdefault("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    return keep


def pages_files(artifact: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(artifact) as archive:
        return {member.name.removeprefix("./"): member for member in archive.getmembers()}
