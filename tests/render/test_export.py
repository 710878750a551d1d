"""The ledger as a clerk opens it: names beside ids, lists as sheets, Chinese only, an allow-list."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from generator import ledger_columns
from generator.cli import main
from generator.render import export, public
from generator.validate import schema
from tests.conftest import REPO


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("ledger") / "台账.xlsx"
    cwd = Path.cwd()
    import os

    os.chdir(REPO)
    try:
        assert main(["export", "--no-cache", "--date", "2026-11-22", "--out", str(out)]) == 0
    finally:
        os.chdir(cwd)
    return load_workbook(out)


def _table(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_names_stand_beside_the_ids(ledger: Any) -> None:
    pair = next(r for r in _table(ledger["师徒结对"]) if r["编号"] == "taoyuan-2019-001")
    assert (pair["师傅"], pair["师傅姓名"]) == ("li-jun", "李军")
    assert pair["单位名称"] == "桃源示例电机有限公司" and pair["工作室名称"] == "李军劳模创新工作室"
    assert pair["所属活动名称"].startswith("桃源县")
    studio = next(r for r in _table(ledger["工作室"]) if r["编号"] == "cao-yi-embroidery-studio")
    assert studio["领办人姓名"] == "曹毅"
    assert studio["团队成员"] == "jiang-yue、xie-wen、chen-hui" and studio["团队成员姓名"] == "江月、谢文、陈慧"


def test_lists_of_objects_have_sheets_of_their_own(ledger: Any) -> None:
    stages = [r for r in _table(ledger["师徒结对·培养计划"]) if r["师徒结对编号"] == "taoyuan-2019-001"]
    assert [s["阶段名称"] for s in stages][:2] == ["第一阶段", "第二阶段"]
    assert stages[0]["开始日期"].year == 2019  # a real date
    honours = [r for r in _table(ledger["名匠·所获荣誉"]) if r["名匠编号"] == "cao-yi"]
    assert honours and honours[0]["名匠姓名"] == "曹毅" and honours[0]["荣誉级别"] == "省级"
    quotas = _table(ledger["活动·任务分配表"])
    assert all(q["单位名称"] and q["单位名称"] != q["单位"] for q in quotas)


def test_no_english_keys_in_any_cell(ledger: Any) -> None:
    # The first edition wrote nested values as "title:第一阶段，start:2019-11-01".
    key_value = re.compile(r"\b[a-z_]{3,}:")
    for sheet in ledger.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and key_value.search(value)), (sheet.title, value)
    rules = {r["编号"]: r["规则"] for r in _table(ledger["活动"])}
    assert "每名师傅带徒上限：5" in rules["taoyuan-pairing-2019"]


def _with_new_field(kind: str) -> dict[str, Any]:
    changed = copy.deepcopy(schema.load_schema(kind))
    changed["properties"]["hobby"] = {"title": "爱好", "description": "新加的字段", "type": "string"}
    return changed


def test_a_new_schema_field_reaches_neither_the_default_ledger_nor_the_site(monkeypatch: pytest.MonkeyPatch,
                                                                           tmp_path: Path) -> None:
    """Fields are listed, never filtered out: a field added later stays in until someone lists it."""
    new_schema = _with_new_field("master")
    original = schema.load_schema
    monkeypatch.setattr(ledger_columns, "load_schema", lambda kind: new_schema if kind == "master" else original(kind))
    data = {"master": [{"id": "m", "name": "甲", "unit": "u", "hobby": "HOBBYCANARY"}], "unit": [{"id": "u", "name": "乙"}]}
    cells = [str(v) for sheet in export.sheets(data, include_private=False) for row in sheet.rows for v in row]
    assert "HOBBYCANARY" not in cells
    export.write_json(data, tmp_path / "l.json", include_private=False)
    assert "HOBBYCANARY" not in (tmp_path / "l.json").read_text(encoding="utf-8")
    full = [str(v) for sheet in export.sheets(data, include_private=True) for row in sheet.rows for v in row]
    assert "HOBBYCANARY" in full, "the private ledger has every field"
    # The site's public view is an allow-list as well: a model with the new field still shows only listed ones.
    from generator.model.build import master_from
    from generator.model.entities import Master

    record = {"id": "m", "name": "甲", "gender": "男", "birth_year": 1970, "unit": "u", "trade": "钳工", "skill_level": "技师"}
    base = master_from(record, None)  # type: ignore[arg-type]
    extended = dataclasses.make_dataclass("MasterWithHobby", [("hobby", str, dataclasses.field(default=""))], bases=(Master,))
    person = extended(**{f.name: getattr(base, f.name) for f in dataclasses.fields(Master)}, hobby="HOBBYCANARY")
    assert "HOBBYCANARY" not in json.dumps(public.master(person), ensure_ascii=False)
