"""import: an office's 台账 in, row by row, and the export → import round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.load.ledger import pinyin_id
from tests.conftest import REPO

KIND_FOLDERS = {"pair": "pairs", "master": "masters", "studio": "studios", "unit": "units"}


def _records(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    shutil.copytree(REPO / "records", records)
    return records


def _messy_ledger(path: Path) -> None:
    """A pairing ledger as an office keeps it: a title row, two header rows with merged
    group cells, a blank line, dates as Excel day numbers and as text, a unit merged down."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "2023年结对台账"
    sheet.append(["桃源县师徒结对台账（2023年）"])
    sheet.merge_cells("A1:K1")
    sheet.append(["序号", "师傅", None, "徒弟", None, None, None, "签订日期", "开始日期", "结束日期", "培养目标（可简写）",
                  "三方盖章", None, None])
    sheet.append([None, "姓名", "单位", "姓名", "性别", "工种", "电话", None, None, None, None, "行政盖章日期", "工会盖章日期",
                  "人力资源盖章日期"])
    for merged in ("A2:A3", "B2:C2", "D2:G2", "H2:H3", "I2:I3", "J2:J3", "K2:K3", "L2:N2"):
        sheet.merge_cells(merged)
    seals = ["2023-01-05"] * 3
    goal = "两年内掌握电机装配工核心技能"
    sheet.append([1, "李军", "桃源示例电机有限公司", "王　军", "男", "电机装配工", 13900000099, 45000, "2023.3.20", "2025年3月19日", goal, *seals])
    sheet.append([])  # a blank line
    sheet.append([2, "李军", "桃源示例电机有限公司", "陈小梅", "女", "电机装配工", None, "2023/4/1", "２０２３-０４-１０", "2025-04-09", goal, *seals])
    sheet.append([3, "李军", None, "周：强", "男", "电机装配工", None, "2023-05-01", "2023-05-10", "2025-05-09", goal, *seals])
    sheet.merge_cells("C6:C7")  # the unit, merged down over rows 6 and 7
    sheet.append([4, "赵六", "桃源示例电机有限公司", "吴刚", "男", "电机装配工", None, "2023-06-01", "2023-06-10", "2025-06-09", goal, *seals])
    sheet.append([5, "李军", "桃源示例电机有限公司", "郑好", "男", "电机装配工", None, "2023.13.01", "2023-07-10", "2025-07-09", goal, *seals])
    sheet.append([6, "李军", "桃源示例电机有限公司", "孙亮", "男", "电机装配工", None, "2023-08-01", "2023-08-10", "2025-08-09", goal, *seals, "多出来的备注"])
    book.save(str(path))


def test_a_messy_ledger_gets_a_row_by_row_report_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "台账.xlsx"
    _messy_ledger(ledger)
    before = sorted(p.name for p in (records / "pairs").iterdir())
    code = main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019", "--default", "status=培养中",
                 "--no-cache", "--date", "2026-11-22"])
    out = capsys.readouterr().out
    assert code == 1
    assert sorted(p.name for p in (records / "pairs").iterdir()) == before  # a dry run writes nothing
    lines = out.splitlines()

    def problem(row: int) -> str:
        found = [line for line in lines if line.startswith(f"{ledger}:{row}:")]
        assert found, f"row {row} not reported:\n{out}"
        return found[0]

    assert "import.name" in problem(7) and "D列“徒弟·姓名”" in problem(7) and "“周：强”中有标点符号" in problem(7)
    assert "import.unknown" in problem(8) and "B列" in problem(8) and "“赵六”" in problem(8)
    assert "import.date" in problem(9) and "H列" in problem(9) and "2023.13.01" in problem(9)
    assert not [line for line in lines if line.startswith((f"{ledger}:4:", f"{ledger}:6:")) and " error " in line]  # good rows
    assert any("import.column" in line and "O列" in line for line in lines)  # a column nobody named is said, not lost
    assert "台账共 7 行：3 行可以导入，3 行有问题，1 行跳过：空行 1 行（第5行）" in out  # every row has its verdict
    assert "这是预演" in out


def test_write_takes_the_good_rows_only_and_the_gate_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "台账.xlsx"
    _messy_ledger(ledger)
    code = main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019", "--default", "status=培养中",
                 "--write", "--no-cache", "--date", "2026-11-22"])
    out = capsys.readouterr().out
    assert code == 1  # rows were left out: the clerk must see it
    written = [Path(line.removeprefix("已写入：")) for line in out.splitlines() if line.startswith("已写入：")]
    assert len(written) == 3
    first = yaml.safe_load(written[0].read_text(encoding="utf-8"))
    assert first["id"] == "taoyuan-2023-009"  # the next number of that year, like the pairs beside it
    assert first["master"] == "li-jun" and first["unit"] == "taoyuan-demo-motor"
    assert first["apprentice"]["name"] == "王军"  # the padding space is not part of the name
    assert str(first["signed"]) == "2023-03-15"  # an Excel day number
    assert str(first["start"]) == "2023-03-20" and str(first["end"]) == "2025-03-19"
    assert first["apprentice"]["private"]["phone"] == "13900000099"  # a number in Excel, text in the record
    second = yaml.safe_load(written[1].read_text(encoding="utf-8"))
    assert str(second["signed"]) == "2023-04-01" and str(second["start"]) == "2023-04-10"  # full-width digits
    third = yaml.safe_load(written[2].read_text(encoding="utf-8"))
    assert third["apprentice"]["name"] == "孙亮"
    assert main(["fmt", "--check", "--records", str(records)]) == 0
    capsys.readouterr()
    assert main(["validate", "--no-cache", "--records", str(records), "--date", "2026-11-22"]) == 0
    # Importing again never overwrites: the same rows now exist.
    assert main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019", "--default", "status=培养中",
                 "--write", "--no-cache", "--date", "2026-11-22"]) == 1
    again = capsys.readouterr().out
    assert "已写入" not in again and again.count("import.duplicate") == 3 and "taoyuan-2023-009" in again


@pytest.mark.parametrize("kind", ["pair", "master", "studio", "unit"])
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_records(kind: str, form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    out = tmp_path / "ledger" / f"ledger.{form}"
    out.parent.mkdir()
    assert main(["export", "--format", form, "--include-private", "--out", str(out), "--records", str(records), "--no-cache"]) == 0
    folder = records / KIND_FOLDERS[kind]
    originals = {p.name: p.read_bytes() for p in folder.glob("*.yml")}
    for path in folder.glob("*.yml"):
        path.unlink()
    ledger = out if form == "xlsx" else out.with_name(f"ledger-{kind}.csv")
    assert main(["import", str(ledger), "--kind", kind, "--records", str(records), "--write", "--no-cache"]) == 0, capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in folder.glob("*.yml")} == originals


def test_names_are_resolved_never_guessed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    twin = (records / "masters" / "li-jun.yml").read_text(encoding="utf-8").replace("id: li-jun", "id: li-jun-2")
    (records / "masters" / "li-jun-2.yml").write_text(twin.replace("unit: taoyuan-demo-motor", "unit: taoyuan-union"), encoding="utf-8")
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("师傅,单位名称,徒弟姓名,性别,签订日期,开始日期,结束日期\n"
                      "李军,桃源示例电机有限公司,甲一,男,2023-01-01,2023-01-10,2025-01-09\n"
                      "李军,,乙二,男,2023-01-01,2023-01-10,2025-01-09\n", encoding="gb18030")  # as Excel saves CSV in China
    main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019",
          "--default", "status=待审批", "--no-cache"])
    out = capsys.readouterr().out
    assert f"{ledger}:2:" not in out  # the unit tells the two 李军 apart
    assert f"{ledger}:3:1: error import.ambiguous" in out and "li-jun、li-jun-2" in out


def test_a_mistyped_name_or_id_gets_the_nearest_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("师傅,单位,徒弟姓名,性别,签订日期,开始日期,结束日期\n"
                      "李军,taoyuan-demo-moter,甲一,男,2023-01-01,2023-01-10,2025-01-09\n"
                      "李君,桃源示例电机有限公司,乙二,男,2023-01-01,2023-01-10,2025-01-09\n", encoding="utf-8")
    main(["import", str(ledger), "--kind", "pair", "--records", str(_records(tmp_path)), "--programme", "taoyuan-pairing-2019",
          "--default", "status=待审批", "--no-cache"])
    out = capsys.readouterr().out
    assert "找不到名为“taoyuan-demo-moter”的单位（是不是 taoyuan-demo-motor" in out  # the closest first
    assert "找不到名为“李君”的名匠（是不是 " in out and "李军" in out.split("李君", 1)[1].split("\n", 1)[0]


def test_a_mapping_file_names_other_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("名字,性别,出生年份,单位全称,从事工种,技术等级\n刘大明,男,1980年,桃源县总工会,钳工,技师\n", encoding="utf-8")
    mapping = tmp_path / "对照表.yml"
    mapping.write_text("名字: name\n单位全称: unit\n从事工种: trade\n", encoding="utf-8")
    main(["import", str(ledger), "--kind", "master", "--records", str(records), "--mapping", str(mapping), "--no-cache"])
    out = capsys.readouterr().out
    assert "import.column" not in out and f"{ledger}:2:" not in out, out
    assert "1 行可以导入" in out


def test_pinyin_ids() -> None:
    assert pinyin_id("王小军", set(), person=True) == "wang-xiaojun"
    assert pinyin_id("王小军", {"wang-xiaojun"}, person=True) == "wang-xiaojun-2"
    assert pinyin_id("示例电机厂", set(), person=False) == "shilidianjichang"


def test_an_unreadable_ledger_is_said_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "ledger.xlsx"
    bad.write_bytes(b"not a workbook")
    assert main(["import", str(bad), "--kind", "pair", "--records", str(_records(tmp_path))]) == 1
    err = capsys.readouterr().err
    assert "无法读取 Excel 文件" in err and "Traceback" not in err
    assert main(["import", str(tmp_path / "none.xls"), "--kind", "pair"]) == 1
    assert "找不到台账文件" in capsys.readouterr().err


def test_a_mapping_to_no_field_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("名字,性别\n刘大明,男\n", encoding="utf-8")
    mapping = tmp_path / "对照表.yml"
    mapping.write_text("名字: nmae\n", encoding="utf-8")
    assert main(["import", str(ledger), "--kind", "master", "--records", str(_records(tmp_path)), "--mapping", str(mapping)]) == 1
    assert "“名字: nmae”的字段不存在" in capsys.readouterr().err


def test_imported_records_are_written_as_fmt_writes_them() -> None:
    """record_text writes with libyaml for speed: it must give fmt's canonical text, record for record."""
    import json

    from generator.load.canonical import canonical
    from generator.load.ledger import record_text

    for kind, folder in KIND_FOLDERS.items():
        for path in sorted((REPO / "records" / folder).glob("*.yml")):
            record = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))  # dates as text
            text = record_text(kind, record)
            assert text == canonical(text, kind).text == path.read_text(encoding="utf-8"), path


def test_a_clerks_mistakes_are_answered_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    studios = tmp_path / "studios.csv"
    studios.write_text("名称,类型,级别,领域,依托单位,领办人,状态,场地面积\n"
                       "测试工作室,劳模创新工作室,市级,技能,桃源示例电机有限公司,李军,申报中,约90\n", encoding="utf-8")
    assert main(["import", str(studios), "--kind", "studio", "--records", str(records), "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert f"{studios}:2:8: error import.number" in out and "“约90”不是数字" in out
    masters = tmp_path / "masters.csv"
    masters.write_text("名字,性别\n刘大明,男\n", encoding="utf-8")
    broken = tmp_path / "对照表.yml"
    broken.write_text("名字: [name\n", encoding="utf-8")
    assert main(["import", str(masters), "--kind", "master", "--records", str(records), "--mapping", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "列名对照表" in err and "无法读取" in err and "Traceback" not in err
    mapping = tmp_path / "ok.yml"
    mapping.write_text("名字: name\n", encoding="utf-8")
    assert main(["import", str(masters), "--kind", "master", "--records", str(records), "--mapping", str(mapping),
                 "--default", "statu=培养中"]) == 1
    assert "名匠没有“statu”这个字段" in capsys.readouterr().err


def _two_row_header_ledger(path: Path) -> None:
    """The office ledger of the clerks' issue: 师傅 {姓名, 工种} and 徒弟 {姓名, 性别, 出生年份, 文化程度,
    联系电话} under merged cells, the rest merged down over both header rows."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "师傅", None, "徒弟", None, None, None, None, "签订日期", "开始日期", "结束日期", "结对状态", "单位",
                  "行政盖章日期", "工会盖章日期", "人力资源盖章日期"])
    sheet.append([None, "姓名", "工种", "姓名", "性别", "出生年份", "文化程度", "联系电话"] + [None] * 8)
    for merged in ("A1:A2", "B1:C1", "D1:H1", "I1:I2", "J1:J2", "K1:K2", "L1:L2", "M1:M2", "N1:N2", "O1:O2", "P1:P2"):
        sheet.merge_cells(merged)
    for n, (name, gender) in enumerate((("刘洋", "男"), ("陈静", "女"), ("周敏", "女")), 1):
        sheet.append([n, "李军", "电机装配工", name, gender, 1998 + n, "大专", f"1390000000{n}", "2026-01-05", "2026-01-10",
                      "2028-01-09", "培养中", "taoyuan-demo-motor", "2026-01-06", "2026-01-06", "2026-01-07"])
    book.save(str(path))


def test_a_sub_header_belongs_to_its_group_the_masters_trade_never_lands_on_the_apprentice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "台账.xlsx"
    _two_row_header_ledger(ledger)
    code = main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019",
                 "--no-cache", "--date", "2026-11-22", "--write"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "C列“师傅·工种”对应不到任何字段" in out
    written = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (records / "pairs").glob("taoyuan-2026-*.yml")]
    apprentices = sorted((r["apprentice"]["name"], r["apprentice"]) for r in written if r["apprentice"]["name"] in ("刘洋", "陈静", "周敏"))
    assert sorted(name for name, _ in apprentices) == sorted(["周敏", "刘洋", "陈静"])
    for _, apprentice in apprentices:
        assert "trade" not in apprentice, "the master's 工种 is not the apprentice's"
        assert apprentice["education"] == "大专" and apprentice["private"]["phone"].startswith("139")


def test_two_columns_for_one_field_are_reported_not_guessed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "台账.csv"
    ledger.write_text("师傅姓名,工种,徒弟姓名,性别,工种,签订日期,开始日期,结束日期,结对状态\n"
                      "李军,电机装配工,刘洋,男,钳工,2026-01-05,2026-01-10,2028-01-09,待审批\n", encoding="utf-8")
    main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019",
          "--no-cache", "--date", "2026-11-22"])
    out = capsys.readouterr().out
    assert out.count("不知道该用哪一列") == 2 and "B列“工种”" in out and "E列“工种”" in out


def _office_ledger(path: Path) -> None:
    """A ledger as the 桃源高新区 office keeps it, in the seed's own words (附件1): a title, two header
    rows under merged cells (师傅 {姓名, 工种}, 徒弟 {姓名 … 联系电话}, 结对期限 {起, 止}, 三方盖章日期 {行政, 工会,
    人社}), dates as Excel day numbers and as text, then a blank line, a 合计 row and the 填表人 line."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["桃源高新区师徒结对台账"])
    sheet.merge_cells("A1:O1")
    sheet.append(["序号", "单位名称", "师傅", None, "徒弟", None, None, None, None, "协议签订时间", "结对期限", None,
                  "三方盖章日期", None, None])
    sheet.append([None, None, "姓名", "工种", "姓名", "性别", "出生年份", "文化程度", "联系电话", None, "起", "止", "行政", "工会", "人社"])
    for merged in ("A2:A3", "B2:B3", "C2:D2", "E2:I2", "J2:J3", "K2:L2", "M2:O2"):
        sheet.merge_cells(merged)
    unit = "桃源示例电机有限公司"
    sheet.append([1, unit, "李军", "电机装配工", "刘洋", "男", 1999, "大专", "13900000001", 46027, "2026.1.10", "2028年1月9日",
                  "2026-01-06", "2026-01-06", "2026-01-07"])
    sheet.append([2, unit, "李军", "电机装配工", "陈静", "女", 2000, "中专", 13900000002, "2026-01-05", 46032, "2028-01-09",
                  "2026/1/6", "2026/1/6", "2026/1/7"])
    sheet.append([])
    sheet.append(["合计", "2 对"])
    sheet.append(["填表人：张三", None, "填表日期：2026年1月12日"])
    book.save(str(path))


def test_an_office_ledger_in_the_seeds_words_imports_exactly_what_the_clerk_typed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "台账.xlsx"
    _office_ledger(ledger)
    before = set((records / "pairs").iterdir())
    code = main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019",
                 "--default", "status=培养中", "--no-cache", "--date", "2026-11-22", "--write"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "台账共 5 行：2 行可以导入，0 行有问题，3 行跳过：空行 1 行（第6行）、合计行 1 行（第7行）、表尾说明 1 行（第8行）" in out
    assert "D列“师傅·工种”对应不到任何字段，未导入（师傅的“工种”记在名匠记录中，这里不导入" in out
    written = {r["apprentice"]["name"]: r for r in (yaml.safe_load(p.read_text(encoding="utf-8"))
                                                    for p in set((records / "pairs").iterdir()) - before)}
    assert set(written) == {"刘洋", "陈静"}
    liu, chen = written["刘洋"], written["陈静"]
    assert liu["apprentice"] == {"name": "刘洋", "gender": "男", "birth_year": 1999, "education": "大专",
                                 "private": {"phone": "13900000001"}}  # no 工种: the master's is not the apprentice's
    assert (str(liu["signed"]), str(liu["start"]), str(liu["end"])) == ("2026-01-05", "2026-01-10", "2028-01-09")  # 46027 is 2026-01-05
    assert {k: str(v) for k, v in liu["approvals"].items()} == {"administration": "2026-01-06", "union": "2026-01-06", "hr": "2026-01-07"}
    assert (str(chen["start"]), chen["apprentice"]["private"]["phone"], chen["master"], chen["unit"]) == (
        "2026-01-10", "13900000002", "li-jun", "taoyuan-demo-motor")


def test_write_mapping_drafts_a_chinese_mapping_the_clerk_corrects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _records(tmp_path)
    ledger = tmp_path / "台账.csv"
    ledger.write_text("序号,单位名称,师傅,徒弟名字,性别,起止时间,签订,结对状态,身高\n"
                      "1,桃源示例电机有限公司,李军,刘洋,男,2026.1.10—2028.1.9,2026-01-05,待审批,180\n", encoding="utf-8")
    mapping = tmp_path / "对照表.yml"
    assert main(["import", str(ledger), "--kind", "pair", "--write-mapping", str(mapping)]) == 0
    assert "3 列认不出" in capsys.readouterr().out  # 徒弟名字、签订、身高
    text = mapping.read_text(encoding="utf-8")
    assert "师傅: 师傅\n" in text and "起止时间: 开始日期..结束日期" in text and "结对状态: 状态\n" in text
    assert "徒弟名字:  # 认不出；最接近的字段：徒弟·姓名" in text, text
    assert "apprentice" not in text and "start" not in text  # Chinese field names only
    corrected = text.replace("徒弟名字:  #", "徒弟名字: 徒弟·姓名  #").replace("签订:  #", "签订: 签订日期  #")
    mapping.write_text(corrected, encoding="utf-8")
    before = set((records / "pairs").iterdir())
    main(["import", str(ledger), "--kind", "pair", "--records", str(records), "--programme", "taoyuan-pairing-2019",
          "--mapping", str(mapping), "--no-cache", "--date", "2026-11-22", "--write"])
    out = capsys.readouterr().out
    assert "1 行可以导入" in out and "import.column" not in out, out  # 身高 was left blank on purpose: not said again
    (new,) = set((records / "pairs").iterdir()) - before
    record = yaml.safe_load(new.read_text(encoding="utf-8"))
    assert (record["apprentice"]["name"], str(record["start"]), str(record["end"]), str(record["signed"])) == (
        "刘洋", "2026-01-10", "2028-01-09", "2026-01-05")


def test_a_missing_column_is_said_once_and_never_answered_with_default_advice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = tmp_path / "台账.csv"
    ledger.write_text("师傅,徒弟姓名,性别,签订日期,开始日期,结对状态\n" + "李军,刘洋,男,2026-01-05,2026-01-10,待审批\n" * 1
                      + "李军,陈静,女,2026-01-05,2026-01-10,待审批\n", encoding="utf-8")
    main(["import", str(ledger), "--kind", "pair", "--records", str(_records(tmp_path)), "--programme", "taoyuan-pairing-2019",
          "--no-cache", "--date", "2026-11-22"])
    out = capsys.readouterr().out
    assert out.count("没有对应“结束日期”（必填）的列") == 1
    assert "--default" not in out and "“end”" not in out
    assert "缺少必填字段“结束日期”" in out


def test_every_ledger_word_names_one_field_that_exists() -> None:
    """ledger_words.yml is edited by hand: a word listed under two fields would be read as the last one."""
    from generator.ledger_columns import _words_file
    from generator.load.ledger import field_path

    for kind, section in _words_file().items():
        seen: dict[str, str] = {}
        for dotted, words in section.get("fields", {}).items():
            assert field_path(kind, dotted) is not None, (kind, dotted)
            for word in words:
                assert seen.setdefault(word, dotted) == dotted, f"{kind}: “{word}” is listed under {seen[word]} and {dotted}"
