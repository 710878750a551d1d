"""fmt: one canonical form for every record, and the input-method mistakes it repairs."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.load.canonical import canonical, repair_text
from tests.conftest import REPO

HEADER = "# yaml-language-server: $schema=../../schemas/pair.schema.json\n"


def test_the_sample_registry_is_in_canonical_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", "--records", str(REPO / "records")]) == 0
    assert "0 个错误" in capsys.readouterr().out


def test_keys_follow_the_schema_and_comments_stay() -> None:
    text = HEADER + (
        "end: 2021-10-31  # 两年\n"
        "id: p-1\n"
        "# 师傅是车间主任\n"
        "master: li-jun\n"
        "apprentice:\n"
        "  private:\n"
        "    phone: '13900000001'\n"
        "  name: 王小军\n"
        "start: '2019-11-01'\n"
        "nickname: 小王\n"
        "goal: " + "掌握电机装配工核心技能，" * 20 + "\n"
    )
    done = canonical(text, "pair")
    assert done.problem is None and done.text is not None
    lines = done.text.splitlines()
    assert lines[0] == HEADER.strip()  # the editor's schema hint stays on top
    keys = [line.split(":")[0] for line in lines if line and not line.startswith((" ", "#"))]
    assert keys == ["id", "master", "apprentice", "start", "end", "goal", "nickname"]  # unknown key last
    assert "end: 2021-10-31  # 两年" in lines
    assert lines[lines.index("master: li-jun") - 1] == "# 师傅是车间主任"
    assert "  name: 王小军" in lines and lines.index("  name: 王小军") < lines.index("  private:")
    assert "    phone: '13900000001'" in lines  # quotes where YAML needs them (a number otherwise)
    assert "start: 2019-11-01" in lines  # and nowhere else
    assert len([line for line in lines if line.startswith("goal: ")]) == 1  # a long text is never folded
    assert yaml.safe_load(done.text)["goal"] == yaml.safe_load(text)["goal"]
    assert canonical(done.text, "pair").text == done.text  # formatting twice changes nothing


def test_flow_style_becomes_block_style() -> None:
    done = canonical("id: s-1\nmembers: [a, b]\napprovals: {union: 2020-01-01}\n", "studio")
    assert done.text is not None and "members:\n- a\n- b\n" in done.text


@pytest.mark.parametrize(("bad", "good", "said"), [
    ("id：p-1\n", "id: p-1\n", "全角冒号"),
    ("id:p-1\n", "id: p-1\n", "补上空格"),
    ("id:\u3000p-1\n", "id: p-1\n", "冒号“:”后面的全角空格“　”改为英文空格"),
    ("apprentice:\n\tname: 王小军\n", "apprentice:\n  name: 王小军\n", "Tab 键"),
    ("apprentice:\n　name: 王小军\n", "apprentice:\n  name: 王小军\n", "全角空格"),
    ("apprentice:\n　　name: 王小军\n", "apprentice:\n  name: 王小军\n", "全角空格"),
    ("stages:\n- title: 一\n　start: 2020-01-01\n", "stages:\n- title: 一\n  start: 2020-01-01\n", "全角空格"),
    ("signed: 2020.3.10\n", "signed: 2020-03-10\n", "日期“2020.3.10”改为 2020-03-10"),
    ("signed: 2020年3月10日\n", "signed: 2020-03-10\n", "改为 2020-03-10"),
    ("signed: ２０２０-０３-１０\n", "signed: 2020-03-10\n", "改为 2020-03-10"),
    ("apprentice:\n  birth_year: １９９６\n", "apprentice:\n  birth_year: 1996\n", "全角数字“１９９６”改为 1996"),
])
def test_fix_repairs_what_input_methods_type(bad: str, good: str, said: str) -> None:
    plain = canonical(bad, "pair")
    assert plain.text != good  # without --fix nothing is guessed
    done = canonical(bad, "pair", fix=True)
    assert done.text == good
    assert any(said in fix.message for fix in done.fixes) and all(fix.line >= 1 for fix in done.fixes)


def test_fix_leaves_what_it_cannot_read_alone() -> None:
    # Two full-width spaces after "key:" may be one step (2) or two (4): both fit; nothing is guessed.
    text = "apprentice:\n  private:\n　　phone: '1'\n"
    done = canonical(text, "pair", fix=True)
    assert done.text is None and done.problem is not None and done.problem[0] == 3
    # An invalid date is not turned into another day.
    assert canonical("signed: 2020.2.30\n", "pair", fix=True).text == "signed: 2020.2.30\n"


def test_a_texts_own_indent_is_never_touched() -> None:
    text = "goal: |\n  　　第一段。\n  \t第二段。\n  Note：文中的冒号\n  Note:文中的冒号\n"
    repaired, fixes = repair_text(text)
    assert repaired == text and fixes == []
    assert canonical(text, "pair", fix=True).text == text


def _records(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    return records


def test_check_reports_the_first_line_that_differs_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    path = records / "pairs" / "taoyuan-2019-001.yml"
    before = path.read_text(encoding="utf-8").replace("status: 已出师\n", "").replace("approvals:", "status: 已出师\napprovals:")
    path.write_text(before, encoding="utf-8")
    line = before.splitlines().index("status: 已出师") + 1
    assert main(["fmt", "--check", "--records", str(records)]) == 1
    out = capsys.readouterr().out
    assert f"taoyuan-2019-001.yml:{line}:1: error fmt.canonical: 不是统一格式（第{line}行起" in out
    assert path.read_text(encoding="utf-8") == before


def test_fmt_rewrites_in_place_keeping_the_files_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    path = records / "pairs" / "taoyuan-2019-001.yml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("signed: 2019-10-24", "signed: 2019年10月24日").replace("  name: 王小军", "\tname：王小军"),
                    encoding="utf-8")
    path.chmod(0o664)
    assert main(["fmt", "--records", str(records), str(path)]) == 1  # the Tab line is not readable without --fix
    assert "fmt.unreadable" in capsys.readouterr().out
    assert main(["fmt", "--fix", "--records", str(records), str(path)]) == 0
    out = capsys.readouterr().out
    assert "已修正：缩进中的Tab 键改为英文空格" in out and "已修正：日期“2019年10月24日”改为 2019-10-24" in out
    assert f"已整理：{path}" in out
    assert path.read_text(encoding="utf-8") == original
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert not list(path.parent.glob(".*fmt-*"))  # no temporary file left
    assert main(["validate", "--no-cache", "--records", str(records)]) == 0


def test_unreadable_yaml_is_reported_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    path = records / "units" / "broken.yml"
    path.write_text("id: broken\nname: [未闭合\n", encoding="utf-8")
    assert main(["fmt", "--records", str(records)]) == 1
    out = capsys.readouterr().out
    assert "broken.yml" in out and "fmt.unreadable" in out and "Traceback" not in out
    assert path.read_text(encoding="utf-8") == "id: broken\nname: [未闭合\n"


def test_new_records_are_born_canonical(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    for kind in ("pair", "master", "studio", "unit", "programme"):
        assert main(["new", kind, "--records", str(records), "--no-cache"]) == 0
    capsys.readouterr()
    assert main(["fmt", "--check", "--records", str(records)]) == 0, capsys.readouterr().out


def test_fmt_puts_back_the_schema_hint_the_web_editor_drops(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    path = records / "units" / "taoyuan-union.yml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.split("\n", 1)[1], encoding="utf-8")  # as Decap writes it: no first comment line
    assert main(["fmt", "--check", "--records", str(records)]) == 1
    assert "taoyuan-union.yml:1:1: error fmt.canonical" in capsys.readouterr().out
    assert main(["fmt", "--records", str(records)]) == 0
    assert path.read_text(encoding="utf-8") == original


def test_a_path_that_is_not_there_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    assert main(["fmt", "--records", str(records), str(records / "pairs" / "nope.yml"), str(tmp_path / "nope.txt")]) == 1
    out = capsys.readouterr().out
    assert out.count("fmt.not_record: 找不到这个文件") == 2


def test_fix_lines_are_the_files_own_lines_when_the_header_is_put_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The editor drops the schema hint; fmt puts it back on top, and still names the line the clerk sees."""
    records = tmp_path / "records"
    (records / "units").mkdir(parents=True)
    (records / "units" / "works.yml").write_text("id: works\nname：测试机械厂\ntype: 企业\n", encoding="utf-8")
    assert main(["fmt", "--fix", "--records", str(records)]) == 0
    assert "works.yml:2: 已修正：字段名后的全角冒号" in capsys.readouterr().out
