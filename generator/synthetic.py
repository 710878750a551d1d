"""Deterministic synthetic registries for benchmarks (S, M, L).

The records obey the rules (the benchmark measures a registry as it would be
in use, not a heap of errors), and the same size and seed always give the
same bytes. Files are written with plain string formatting: a YAML emitter
would make generating the L size take minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Size:
    masters: int
    studios: int
    pairs: int
    units: int
    groups: int  # each group is 4 programmes: pairing, talent and two studio programmes


SIZES = {
    "S": Size(masters=40, studios=10, pairs=45, units=27, groups=1),
    # The browser tests' lists: more masters than a page shows as HTML, pairs over several pages.
    "T": Size(masters=260, studios=12, pairs=130, units=30, groups=1),
    "M": Size(masters=10_000, studios=300, pairs=2_000, units=60, groups=1),
    "L": Size(masters=100_000, studios=3_000, pairs=20_000, units=600, groups=10),
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
_GIVEN = "军强伟芳娜敏静丽勇磊洋艳杰涛明超秀霞平刚桂英华建国志红"
_TRADES = ["维修电工", "焊工", "钳工", "数控车工", "电梯安装维修工", "电线电缆制造工", "木地板涂装工", "炼钢工", "湖笔制作", "电机装配工"]
_LEVELS = ["高级工", "技师", "高级技师"]
_TIERS = [("南浔工匠", 100, 5000), ("首席技工", 200, 3000), ("技术标兵", 800, 1500)]
_START_YEAR = 2018
_YEARS = 10


def _name(rnd: random.Random) -> str:
    return rnd.choice(_SURNAMES) + "".join(rnd.choice(_GIVEN) for _ in range(rnd.randint(1, 2)))


def _write(folder: Path, record_id: str, text: str) -> None:
    (folder / f"{record_id}.yml").write_text(text, encoding="utf-8")


def generate(size_name: str, out: Path, seed: int = 2018) -> dict[str, int]:
    """Write a registry of the named size under ``out/records``; return the counts."""
    size = SIZES[size_name]
    rnd = random.Random(seed)
    records = out / "records"
    folders = {k: records / k for k in ("programmes", "units", "masters", "studios", "pairs")}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    _programmes(folders["programmes"], size)
    units = _units(folders["units"], size)
    masters = _masters(folders["masters"], size, units, rnd)
    _studios(folders["studios"], size, masters, rnd)
    _pairs(folders["pairs"], size, masters, rnd)
    return {"programmes": size.groups * 4, "units": size.units, "masters": size.masters, "studios": size.studios, "pairs": size.pairs}


def _programmes(folder: Path, size: Size) -> None:
    for g in range(size.groups):
        _write(folder, f"pairing-{g}", (
            f"id: pairing-{g}\nkind: pairing\nname: 第{g + 1}片区师徒结对活动\nissuer: 示例总工会\n"
            f"start_year: {_START_YEAR}\nyears: {_YEARS}\ntarget: {size.pairs // size.groups}\n"
            "rules:\n  max_apprentices_per_master: 5\n  term_years: {min: 1, max: 3}\n"
        ))
        tiers = "".join(f"  - {{name: {n}, per_year: {p}, allowance_yuan_per_year: {a}}}\n" for n, p, a in _TIERS)
        _write(folder, f"talent-{g}", (
            f"id: talent-{g}\nkind: talent\nname: 第{g + 1}片区千名技能人才\nissuer: 示例总工会\n"
            f"start_year: {_START_YEAR}\nyears: {_YEARS}\ntarget: 10000\ntiers:\n{tiers}"
        ))
        for s in range(2):
            _write(folder, f"studios-{g}-{s}", (
                f"id: studios-{g}-{s}\nkind: studio\nname: 第{g + 1}片区工作室建设{s + 1}\nissuer: 示例人才办\n"
                f"start_year: {_START_YEAR}\nyears: {_YEARS}\ntarget: {size.studios}\n"
                "rules:\n  max_named_per_year: 1000\n  leader_max_age: {男: 57, 女: 52}\n"
            ))


def _units(folder: Path, size: Size) -> list[str]:
    ids = [f"unit-{i:04d}" for i in range(size.units)]
    for i, unit_id in enumerate(ids):
        parent = f"parent: {ids[0]}\n" if i else ""
        kind = "工会" if i == 0 else "企业"
        _write(folder, unit_id, f"id: {unit_id}\nname: 示例单位{i:04d}\ntype: {kind}\nregion: 示例市\nindustry: 制造\n{parent}")
    return ids


@dataclass(slots=True)
class _Master:
    id: str
    name: str
    gender: str
    born: int
    unit: str
    trade: str


def _masters(folder: Path, size: Size, units: list[str], rnd: random.Random) -> list[_Master]:
    slots = [(g, year, tier, per) for g in range(size.groups) for year in range(_START_YEAR, _START_YEAR + _YEARS)
             for tier, per, _ in _TIERS]
    slot_iter = iter([(g, y, t) for g, y, t, per in slots for _ in range(per)])
    made = []
    for i in range(size.masters):
        m = _Master(f"m-{i:06d}", _name(rnd), rnd.choice("男女"), rnd.randint(1980, 1995), units[1 + i % (len(units) - 1)], rnd.choice(_TRADES))
        made.append(m)
        talent = ""
        slot = next(slot_iter, None) if i % 10 else None
        if slot is not None:
            talent = f"talent:\n  - {{programme: talent-{slot[0]}, tier: {slot[2]}, year: {slot[1]}}}\n"
        _write(folder, m.id, (
            f"# yaml-language-server: $schema=../../schemas/master.schema.json\n"
            f"id: {m.id}\nname: {m.name}\ngender: {m.gender}\nbirth_year: {m.born}\nunit: {m.unit}\n"
            f"department: 第{i % 7 + 1}车间\npost: 班组长\ntrade: {m.trade}\nskill_level: {_LEVELS[1 + i % 2]}\n"
            f"education: 大专\nhonours:\n  - {{name: 技术能手, level: 市级, year: {2010 + i % 12}, issuer: 示例市总工会}}\n"
            f"{talent}bio: {m.name}从事{m.trade}工作多年，技术精湛，乐于传帮带。\n"
            f"private:\n  phone: \"139{i:08d}\"\n  employee_no: \"E{i:06d}\"\n"
        ))
    return made


def _studios(folder: Path, size: Size, masters: list[_Master], rnd: random.Random) -> None:
    for i in range(size.studios):
        leader = masters[(i * 7) % len(masters)]
        members = [masters[(i * 7 + k) % len(masters)].id for k in range(1, 4 + i % 3)]
        year = 2018 + i % 8
        programme = f"studios-{i % size.groups}-{i % 2}"
        _write(folder, f"studio-{i:05d}", (
            f"id: studio-{i:05d}\nname: {leader.name}{leader.trade}工作室\ntype: 名师工作室\nlevel: 区级\nfield: 技能\n"
            f"programme: {programme}\nunit: {leader.unit}\nleader: {leader.id}\nmembers: [{', '.join(members)}]\n"
            f"learners: {10 + i % 30}\nestablished: {year}-03-01\nnamed: {year}-09-30\narea_m2: {50 + i % 50}\nstatus: 已命名\n"
            f"assessments:\n  - {{year: {year + 1}, kind: 过程性, result: 合格}}\n"
            f"results:\n  - {{year: {year + 1}, training_person_times: {500 + i}, research_topics: 2, innovations: 1}}\n"
            f"description: 面向{leader.trade}的技能传承与技术攻关。\n"
        ))


def _pairs(folder: Path, size: Size, masters: list[_Master], rnd: random.Random) -> None:
    for i in range(size.pairs):
        master = masters[(i * 3) % len(masters)]
        year = 2019 + i % 5
        term = 1 + i % 3
        status = ("已出师", "已出师", "已终止", "已延期", "已出师")[i % 5]
        evaluation = {"已出师": "出师", "已延期": "延期"}.get(status)
        tail = f"evaluation:\n  master: 已达到培养目标。\n  group: 同意。\n  result: {evaluation}\n" if evaluation else ""
        if status == "已终止":  # ended early: when and why (rule pair.terminated)
            tail = f"terminated:\n  date: {year}-10-31\n  reason: 徒弟调离本单位\n"
        _write(folder, f"pair-{i:06d}", (
            f"id: pair-{i:06d}\nprogramme: pairing-{i % size.groups}\nunit: {master.unit}\nmaster: {master.id}\n"
            f"apprentice:\n  name: {_name(rnd)}\n  gender: {rnd.choice('男女')}\n  birth_year: {rnd.randint(1995, 2004)}\n"
            f"  education: 中专\n  trade: {master.trade}\n  skill_level: 中级工\n  migrant_worker: {str(i % 4 == 0).lower()}\n"
            f"  private: {{phone: \"137{i:08d}\", employee_no: \"T{i:06d}\"}}\n"
            f"department: 第{i % 7 + 1}车间\nsigned: {year}-03-01\nstart: {year}-03-10\nend: {year + term}-03-09\n"
            f"goal: {term}年内技术等级提升一级。\n"
            f"stages:\n  - {{title: 第一阶段, start: {year}-03-10, end: {year}-12-31, plan: 掌握基本操作}}\n"
            f"  - {{title: 第二阶段, start: {year + 1}-01-01, end: {year + term}-03-09, plan: 独立完成关键工序}}\n"
            f"approvals: {{administration: {year}-03-05, union: {year}-03-05, hr: {year}-03-06}}\n"
            f"status: {status}\n{tail}"
        ))
