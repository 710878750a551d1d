"""The validate command as staff, CI and pre-commit use it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import CASES, REPO


def _break(records: Path) -> Path:
    """A pair whose term is four years: an error at a known line."""
    path = records / "pairs" / "long.yml"
    text = (records / "pairs" / "base-pair.yml").read_text(encoding="utf-8")
    path.write_text(text.replace("id: base-pair", "id: long").replace("end: 2023-03-09", "end: 2025-03-09")
                    .replace("master: teacher", "master: leader")
                    .replace("2022-01-01, end: 2023-03-09", "2022-01-01, end: 2025-03-09"), encoding="utf-8")
    return path


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", "--no-cache", "--date", "2023-06-01", *args])
    return code, capsys.readouterr().out


def test_clean_registry_exits_0(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(capsys)
    assert code == 0
    assert out.strip().endswith("0 个错误，0 个警告 —— 通过")


def test_text_format_is_compiler_style(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(registry_dir)
    code, out = _validate(capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first == "records/pairs/long.yml:11:6: error pair.term: 结对期限为4年，超出本活动规定的1至3年"
    assert "1 个错误" in out.splitlines()[-1]


def test_github_format_annotates_the_line(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(registry_dir)
    code, out = _validate(capsys, "--format", "github")
    assert code == 1
    assert out.splitlines()[0] == "::error file=records/pairs/long.yml,line=11,col=6,title=pair.term::结对期限为4年，超出本活动规定的1至3年"


def test_json_format_lists_diagnostics(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(registry_dir)
    code, out = _validate(capsys, "--format", "json")
    assert code == 1
    assert json.loads(out) == [{
        "path": "records/pairs/long.yml", "line": 11, "column": 6, "severity": "error",
        "rule": "pair.term", "message": "结对期限为4年，超出本活动规定的1至3年",
    }]


def test_warnings_pass_unless_strict(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (registry_dir / "pairs" / "base-pair.yml").read_text(encoding="utf-8")
    (registry_dir / "pairs" / "base-pair.yml").write_text(text.replace("unit: works", "unit: other-works"), encoding="utf-8")
    code, out = _validate(capsys)
    assert code == 0 and "warning pair.same_unit" in out
    code, _ = _validate(capsys, "--strict")
    assert code == 1


@pytest.mark.parametrize("args", [["validate", "--format", "xml"], ["nonsense"], ["validate", "--date", "2023-13-01"], []])
def test_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2


def test_paths_report_only_those_files_but_check_the_whole_registry(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _break(registry_dir)
    bad_unit = registry_dir / "units" / "broken.yml"
    bad_unit.write_text("id: broken\nname: 甲\ntype: 公司\n", encoding="utf-8")
    # base-pair refers to a master and a programme defined elsewhere: no false "missing" errors.
    code, out = _validate(capsys, "records/pairs/base-pair.yml")
    assert code == 0, out
    assert "检查了 1 个文件" in out
    code, out = _validate(capsys, "records/pairs/long.yml")
    assert code == 1 and "pair.term" in out and "broken.yml" not in out


def test_cache_gives_the_same_answer_and_sees_edits(registry_dir: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch, _user_cache: Path) -> None:
    monkeypatch.delenv("CI", raising=False)  # CI runs without the cache; this test is about it
    long = _break(registry_dir)
    cached = ["validate", "--date", "2023-06-01"]
    assert main(cached) == 1
    first = capsys.readouterr().out
    assert any((_user_cache / "jiangpu").iterdir())
    assert not (registry_dir.parent / ".jiangpu-cache").exists(), "the cache stays out of the checkout"
    assert main(cached) == 1
    assert capsys.readouterr().out == first
    long.write_text(long.read_text(encoding="utf-8").replace("end: 2025-03-09", "end: 2024-03-09"), encoding="utf-8")
    os.utime(long, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert main(cached) == 0, capsys.readouterr().out


def test_no_traceback_on_any_bad_input(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(CASES / "_base" / "records", records)
    for case in sorted(CASES.glob("*/invalid/records")):
        for path in case.rglob("*"):
            if path.is_file():
                target = records / path.relative_to(case)
                target = target.with_name(f"{case.parent.parent.name.replace('.', '-')}-{target.name}".lower())
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
    proc = subprocess.run([sys.executable, "-m", "generator", "validate", "--no-cache", "--records", str(records)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    assert "yaml.tag" in proc.stdout and "yaml.encoding" in proc.stdout


def test_ci_never_reads_a_cache(registry_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                _user_cache: Path) -> None:
    """A cache committed to a pull request must not let broken records through."""
    monkeypatch.setenv("CI", "true")
    assert main(["validate", "--date", "2023-06-01"]) == 0
    assert not (_user_cache / "jiangpu").exists()


def test_a_path_outside_the_registry_is_reported(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(capsys, "records/pairs/missing.yml")
    assert code == 1
    assert out.startswith("records/pairs/missing.yml: error file.name: 不是记录目录中的记录文件")


@pytest.mark.parametrize(("argv", "wanted"), [
    (["new", "pairs"], "没有“pairs”这一项，可选："),
    (["export", "--format", "xslx", "--out", "x.xlsx"], "没有“xslx”这一项"),
    (["export"], "缺少必需的参数：--out"),
    (["export", "--out"], "参数 --out 后面需要一个值"),
    (["validate", "--bogus"], "无法识别的参数：--bogus"),
    (["biuld"], "是不是 build？"),
    (["build", "--clena"], "无法识别的参数：--clena（是不是 --clean？）"),
    (["forms", "--filld"], "缺少必需的参数：--out；无法识别的参数：--filld（是不是 --filled？）"),
    (["export", "--out=x.xlsx", "--fromat", "csv"], "无法识别的参数：--fromat（是不是 --format？）"),
])
def test_mistyped_commands_are_answered_in_chinese(argv: list[str], wanted: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert wanted in err and err.startswith("用法：")
    assert not re.search(r"\b(?:invalid choice|expected one argument|required|unrecognized|usage)\b", err)


def test_the_editor_is_not_made_from_a_missing_records_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped --records wrote an editor that knew no id (and suggested taken ones): it is said, nothing written."""
    monkeypatch.chdir(REPO)
    out = tmp_path / "admin"
    assert main(["cms", "--records", str(tmp_path / "no-such-folder"), "--out", str(out)]) == 1
    assert "找不到记录目录" in capsys.readouterr().err and not out.exists()
