"""The schemas themselves: valid 2020-12, hinted in Chinese, strict about keys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator.kinds import NAMES
from generator.load.yamlfile import parse
from generator.validate import schema
from tests.conftest import CASES, REPO

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/{name}", sub
        for key, sub in node.items():
            if key != "if":  # a condition's "properties" define no field
                yield from _properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from _properties(sub, f"{where}/{i}")


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield node
        for sub in node.values():
            yield from _objects(sub)
    elif isinstance(node, list):
        for sub in node:
            yield from _objects(sub)


@pytest.mark.parametrize("kind", NAMES)
def test_schema_is_valid_2020_12(kind: str) -> None:
    document = schema.load_schema(kind)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("kind", NAMES)
def test_every_property_has_chinese_title_and_description(kind: str) -> None:
    for where, prop in _properties(schema.load_schema(kind)):
        assert CHINESE.search(prop.get("title", "")), f"{kind}{where} has no Chinese title"
        assert CHINESE.search(prop.get("description", "")), f"{kind}{where} has no Chinese description"


@pytest.mark.parametrize("kind", NAMES)
def test_every_object_refuses_unknown_keys(kind: str) -> None:
    for obj in _objects(schema.load_schema(kind)):
        if obj.get("title") != "不公开信息":
            assert obj.get("additionalProperties") is False, obj.get("title")


def _all_case_files() -> list[Path]:
    return sorted(p for p in CASES.glob("**/records/*/**/*.yml"))


_FOLDER_KIND = {"programmes": "programme", "units": "unit", "masters": "master", "studios": "studio", "pairs": "pair"}


def test_fast_and_full_validators_agree_on_every_case_and_sample_file() -> None:
    """The compiled fast path may only skip the full check when it would find nothing."""
    files = _all_case_files() + sorted(Path(REPO, "records").glob("*/*.yml"))
    checked = 0
    for path in files:
        kind = next((k for folder, k in _FOLDER_KIND.items() if folder in path.parts), None)
        loaded = parse(path.read_bytes(), str(path))
        if kind is None or loaded.document is None:
            continue
        assert schema.check(kind, loaded.document) == schema.full_check(kind, loaded.document), path
        checked += 1
    assert checked > 150


def test_fast_validator_never_writes_defaults() -> None:
    doc = parse("id: p\nkind: pairing\nname: 甲\nissuer: 乙\nstart_year: 2020\nyears: 1\ntarget: 1\nrules: {}\n", "p.yml").document
    assert doc is not None
    assert schema.check("programme", doc) == []
    assert doc.data["rules"] == {}


def test_a_photo_name_is_explained_as_a_file_name_not_an_id(registry_dir: Path) -> None:
    """A clerk who types the camera's upper-case extension is told what a photo name may be."""
    from datetime import date

    from generator.validate.engine import validate

    master = registry_dir / "masters" / "leader.yml"
    master.write_text(master.read_text(encoding="utf-8") + "photo: leader.JPG\n", encoding="utf-8")
    messages = [d.message for d in validate(registry_dir, today=date(2023, 6, 1), jobs=1).result.errors]
    assert any("扩展名用小写" in m and "leader.JPG" in m for m in messages), messages
    assert not any("不是有效编号" in m for m in messages)
