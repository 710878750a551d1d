"""The loader: safe, bounded, UTF-8 only, and every value keeps its position."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.load import yamlfile
from generator.load.yamlfile import load_file, parse


def _write(tmp_path: Path, raw: bytes | str, name: str = "r.yml") -> str:
    path = tmp_path / name
    path.write_bytes(raw.encode() if isinstance(raw, str) else raw)
    return str(path)


def _only_rule(loaded: yamlfile.Loaded) -> str:
    assert loaded.document is None
    assert len(loaded.diagnostics) == 1
    return loaded.diagnostics[0].rule


def test_values_keep_line_and_column() -> None:
    loaded = parse("id: a\nhonours:\n  - {name: 劳模, level: 省级, year: 2015}\nend: 2020-03-09\n", "r.yml")
    doc = loaded.document
    assert doc is not None
    assert doc.data["honours"][0]["year"] == 2015
    assert doc.locate(("honours", 0, "year")) == (3, 33)  # columns count characters, not bytes
    assert doc.locate(("end",)) == (4, 6)
    assert doc.locate(("end",), at_key=True) == (4, 1)
    # A missing key is located at its nearest parent.
    assert doc.locate(("honours", 0, "issuer")) == doc.locate(("honours", 0))


def test_dates_stay_iso_strings_and_keys_stay_text() -> None:
    doc = parse("start: 2020-03-10\nrules: {男: 57, 2018: x, yes: 1}\n", "r.yml").document
    assert doc is not None
    assert doc.data["start"] == "2020-03-10"
    assert doc.data["rules"] == {"男": 57, "2018": "x", "yes": 1}


def test_python_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    canary = tmp_path / "pwned"
    text = f'id: x\nname: !!python/object/apply:os.system ["touch {canary}"]\n'
    loaded = parse(text, "r.yml")
    assert _only_rule(loaded) == "yaml.tag"
    assert loaded.diagnostics[0].line == 2
    assert not canary.exists()


@pytest.mark.parametrize("tag", ["!!set {a}", "!!binary aGVsbG8=", "!custom x", "!!omap [a: 1]"])
def test_other_tags_are_refused(tag: str) -> None:
    assert _only_rule(parse(f"id: x\nv: {tag}\n", "r.yml")) == "yaml.tag"


def test_billion_laughs_fails_fast() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    loaded = parse("\n".join(lines) + "\n", "r.yml")
    assert _only_rule(loaded) == "yaml.alias"


def test_recursive_alias_is_refused() -> None:
    assert _only_rule(parse("a: &a [1, *a]\n", "r.yml")) == "yaml.alias"


def test_small_alias_use_is_fine() -> None:
    doc = parse("a: &x {name: 劳模, level: 省级, year: 2015}\nb: *x\n", "r.yml").document
    assert doc is not None and doc.data["b"] == doc.data["a"]


def test_merge_key_is_refused() -> None:
    assert _only_rule(parse("a: &x {k: 1}\nb:\n  <<: *x\n", "r.yml")) == "yaml.merge"


def test_duplicate_key_names_both_lines() -> None:
    loaded = parse("id: a\nname: 甲\nname: 乙\n", "r.yml")
    assert _only_rule(loaded) == "yaml.duplicate_key"
    assert loaded.diagnostics[0].line == 3
    assert "第2行" in loaded.diagnostics[0].message


def test_bom_is_accepted(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, b"\xef\xbb\xbf" + "id: a\nname: 甲\n".encode()))
    assert loaded.document is not None and loaded.document.data == {"id": "a", "name": "甲"}


def test_gbk_file_says_gbk(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, "id: a\nname: 测试\n".encode("gbk")))
    assert _only_rule(loaded) == "yaml.encoding"
    assert "GBK" in loaded.diagnostics[0].message
    assert loaded.diagnostics[0].line == 2


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_says_utf16(tmp_path: Path, codec: str) -> None:
    loaded = load_file(_write(tmp_path, "id: a\nname: 测试\n".encode(codec)))
    assert _only_rule(loaded) == "yaml.encoding"
    assert "UTF-16" in loaded.diagnostics[0].message


def test_invalid_utf8_that_is_not_gbk(tmp_path: Path) -> None:
    loaded = load_file(_write(tmp_path, b"id: a\nname: \xff\xfe\xfd\n"))
    assert _only_rule(loaded) == "yaml.encoding"
    assert "UTF-8" in loaded.diagnostics[0].message


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("", "yaml.empty"),
        ("# 只有注释\n", "yaml.empty"),
        ("just a string\n", "yaml.not_mapping"),
        ("- a\n- b\n", "yaml.not_mapping"),
        ("id: a\n---\nid: b\n", "yaml.syntax"),
        ("id: a\nname: [unclosed\n", "yaml.syntax"),
        ("id: a\n  name: b\n", "yaml.syntax"),
        ("? [a, b]\n: c\n", "yaml.key"),
    ],
)
def test_bad_shapes(text: str, rule: str) -> None:
    loaded = parse(text, "r.yml")
    assert _only_rule(loaded) == rule
    assert loaded.diagnostics[0].line >= 1
    assert any("\u4e00" <= ch <= "\u9fff" for ch in loaded.diagnostics[0].message), "message is Chinese"


def test_deep_nesting_is_refused() -> None:
    depth = yamlfile.MAX_DEPTH + 5
    assert _only_rule(parse("a: " + "[" * depth + "]" * depth + "\n", "r.yml")) == "yaml.depth"


def test_very_large_file_loads_with_correct_lines(tmp_path: Path) -> None:
    count = 30_000  # about 1.8 MB: far beyond any real record, still well-formed
    body = "".join(f"  - {{name: 荣誉{i}, level: 省级, year: 2015}}\n" for i in range(count))
    loaded = load_file(_write(tmp_path, "id: big\nhonours:\n" + body))
    assert loaded.document is not None
    assert len(loaded.document.data["honours"]) == count
    assert loaded.document.locate(("honours", count - 1, "name"))[0] == count + 2


def test_oversized_file_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 1024)
    loaded = load_file(_write(tmp_path, "id: big\nbio: " + "长" * 2000 + "\n"))
    assert _only_rule(loaded) == "file.too_large"


def test_unreadable_path_is_a_diagnostic(tmp_path: Path) -> None:
    assert _only_rule(load_file(str(tmp_path / "missing.yml"))) == "file.read"
