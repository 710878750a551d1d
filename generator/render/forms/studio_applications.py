"""Studio application forms, one per kind of programme, and the choice between them.

A studio prints the application of ITS programme: the programme record names its form
(``application_form``); without one, the studio's type decides. The eligibility checks
the seeds ask for (the leader's and members' ages in the year of naming, the floor
area) are printed as values against the programme's own limits, so the clerk reads
them rather than works them out. Team tables grow with the team: nothing is dropped.
"""

from __future__ import annotations

from generator.model.entities import BUREAU, Master, Programme, Registry, Rules, Studio
from generator.render.forms.fields import LEVEL_LABEL, SEAL, SEAL_MM, checked, date_zh, level, notice_days, private
from generator.render.forms.model import Cell, Form, Grid, box, label, section, value
from generator.resources import enum

SKILL_MASTER, FAMOUS_TEACHER, INNOVATION = "技能大师工作室申报表", "名师工作室申报表", "创新工作室申报表"
BY_TYPE = {"技能大师工作室": SKILL_MASTER, "名师工作室": FAMOUS_TEACHER, "劳模创新工作室": INNOVATION, "工匠人才创新工作室": INNOVATION}


# The offices a form names come from the programme record (``offices``: 武昌区办法第十一、十五、十九条).
def assessor(studio: Studio | None, programme: Programme | None) -> str:
    """Who assesses a studio (and receives its rectification report), as its programme names it."""
    return programme.assessor(studio.level, studio.field) if studio and programme else ""


def bureau(studio: Studio | None, programme: Programme | None) -> str:
    return programme.office(BUREAU, studio.field) if studio and programme else ""


TEAM_ROWS = 5  # the paper forms' team rows; a larger team adds rows
# In millimetres (180 in all), each label column as wide as its longest label line.
APPLICATION_WIDTHS = (8.0, 23.0, 22.0, 23.0, 24.0, 27.0, 24.0, 29.0)


def _year(studio: Studio | None) -> int | None:
    """The year whose ages count: the year of naming (the application's, while applying)."""
    if studio is None:
        return None
    day = studio.named or studio.established
    return day.year if day else None


def _age_against(master: Master | None, year: int | None, limit: int | None) -> str:
    if master is None or year is None:
        return ""
    age = master.age_in(year)
    if limit is None:
        return f"{age} 岁"
    return f"{age} 岁（{year} 年；不超过 {limit} 岁：{'符合' if age <= limit else '超过'}）"


def _honours(master: Master | None) -> str:
    return "、".join(f"{h.name}（{h.level}，{h.year}）" for h in master.honours) if master else ""


def team_heading(rules: Rules | None, columns: int) -> tuple[Cell, ...]:
    limit = f"\n（≤{rules.member_max_age}岁）" if rules else ""
    return (label("姓名"), label("性别"), label(f"年龄{limit}"), label("工种/专业"), label(LEVEL_LABEL), label("单位", colspan=columns - 6))


def _team(studio: Studio | None, registry: Registry | None, rules: Rules | None, columns: int) -> list[tuple[Cell, ...]]:
    """One row a member (at least TEAM_ROWS rows), with each member's age against the limit."""
    members = [registry.masters[m] for m in studio.members if m in registry.masters] if studio and registry else []
    year, limit = _year(studio), rules.member_max_age if rules else None
    rows: list[tuple[Cell, ...]] = []

    def age(m: Master) -> str:  # short: the limit is in the column's heading
        if year is None:
            return ""
        years = m.age_in(year)
        return f"{years} 岁" + (f"（超过 {limit} 岁）" if limit is not None and years > limit else "")

    for i in range(max(TEAM_ROWS, len(members))):
        m = members[i] if i < len(members) else None
        unit = registry.units.get(m.unit) if m and registry else None
        rows.append((value(m.name if m else "", height_mm=8), value(m.gender if m else ""), value(age(m) if m else ""),
                     value(m.trade if m else ""), value(level(m.title, m.skill_level) if m else ""),
                     value(unit.name if unit else "", colspan=columns - 6)))
    return rows


def _leader_rows(leader: Master | None, studio: Studio | None, rules: Rules | None) -> list[tuple[Cell, ...]]:
    limit = rules.leader_max_age.get(leader.gender) if rules and leader else None
    return [
        (label("姓名"), value(leader.name if leader else ""), label("性别"), value(leader.gender if leader else ""),
         label("年龄"), value(_age_against(leader, _year(studio), limit), colspan=2)),
        (label("工种/专业"), value(leader.trade if leader else ""), label(LEVEL_LABEL),
         value(level(leader.title, leader.skill_level) if leader else ""), label("电话"), value(private(leader, "phone"), colspan=2)),
        (label("部门及职务"), value(" ".join(x for x in (leader.department, leader.post) if x) if leader else "", colspan=6)),
        (label("所获荣誉"), value(_honours(leader), colspan=6, height_mm=16)),
    ]


def famous_teacher(studio: Studio | None = None, registry: Registry | None = None, programme: Programme | None = None) -> Form:
    """武昌区名师工作室申报表: from 《武昌区名师工作室建设管理办法》 (2014), 第三至第七条、第十一条."""
    leader = registry.masters.get(studio.leader) if studio and registry else None
    unit = registry.units.get(studio.unit) if studio and registry else None
    rules = programme.rules if programme else None
    fields = tuple(enum("studio", "field"))
    area_limit = f"（不少于 {rules.min_area_m2:g} 平方米）" if rules else "（一般不少于 50 平方米）"
    area = f"{studio.area_m2:g} 平方米{area_limit}" if studio and studio.area_m2 is not None else area_limit
    team = rules.team_size.text("人") if rules else "3至5人"
    rows: list[tuple[Cell, ...]] = [
        (label("工作室名称", colspan=2), value(studio.name if studio else "", colspan=6)),
        (label("领域", colspan=2), value(checked(fields, studio.field if studio else None), colspan=6)),
        (label("依托单位", colspan=2), value(unit.name if unit else "", colspan=3), label("行业主管部门"),
         value(bureau(studio, programme), colspan=2)),
        (section("领办人基本情况", rowspan=4), *_leader_rows(leader, studio, rules)[0]),
        *_leader_rows(leader, studio, rules)[1:],
        (section(f"团队成员（{team}）", rowspan=1 + max(TEAM_ROWS, len(studio.members) if studio else 0)), *team_heading(rules, 8)),
        *_team(studio, registry, rules, 8),
        (label("固定学员或\n培训对象", colspan=2), value(f"{studio.learners} 人" if studio and studio.learners is not None else "", colspan=6)),
        (section("建设条件", rowspan=4), label("固定场所"), value(area, colspan=6)),
        (label("制度规范"), value("", colspan=6, height_mm=10)),
        (label("工作人员"), value("", colspan=6, height_mm=10)),
        (label("经费保障"), value("", colspan=6, height_mm=10)),
        (box("工作计划（技术攻关、课题研究、经验传授；示范讲座、学术活动、人才培养）：", studio.description or "" if studio else "", colspan=8, height_mm=36),),
        (box("所在单位审核推荐意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL), box("行业主管部门审查意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL)),
        (box("区人力资源局备案：", colspan=4, height_mm=SEAL_MM, sign=SEAL), box(f"公示情况（公示期 {notice_days(programme)} 天）：", colspan=4, height_mm=SEAL_MM, sign=SEAL)),
    ]
    return Form(
        id="mingshi-gongzuoshi-shenbaobiao", title="武昌区名师工作室申报表",
        purpose="领办人提出申请，所在单位推荐，行业主管部门审查、考察、命名，报区人力资源局备案；区级名师工作室另经公示 5 天",
        blocks=(Grid(APPLICATION_WIDTHS, tuple(rows)),),
        header=(("申报日期", date_zh(studio.established) if studio else ""),),
        notes=("注：领办人原则上男性不超过 57 岁、女性不超过 52 岁（特殊情况分别不超过 60、55 岁），团队成员原则上 45 岁以下；"
               "年龄按命名年份计算。请附领办人和团队成员的荣誉、获奖、人才计划等证明材料复印件。",),
        meta={"studio": studio.id} if studio else {},
    )


def innovation(studio: Studio | None = None, registry: Registry | None = None, programme: Programme | None = None) -> Form:
    """劳模创新工作室 / 工匠人才创新工作室申报表: for programmes without a form of their own."""
    leader = registry.masters.get(studio.leader) if studio and registry else None
    unit = registry.units.get(studio.unit) if studio and registry else None
    rules = programme.rules if programme else None
    area = f"{studio.area_m2:g} 平方米" if studio and studio.area_m2 is not None else ""
    rows: list[tuple[Cell, ...]] = [
        (label("工作室名称", colspan=2), value(studio.name if studio else "", colspan=6)),
        (label("工作室类型", colspan=2), value(checked(("劳模创新工作室", "工匠人才创新工作室"), studio.type if studio else None), colspan=3),
         label("申报级别"), value(studio.level if studio else "", colspan=2)),
        (label("依托单位", colspan=2), value(unit.name if unit else "", colspan=3), label("成立时间"),
         value(date_zh(studio.established) if studio else "", colspan=2)),
        (section("领办人基本情况", rowspan=4), *_leader_rows(leader, studio, rules)[0]),
        *_leader_rows(leader, studio, rules)[1:],
        (section("团队成员", rowspan=1 + max(TEAM_ROWS, len(studio.members) if studio else 0)), *team_heading(rules, 8)),
        *_team(studio, registry, rules, 8),
        (label("场地面积", colspan=2), value(area, colspan=2), label("固定学员"), value(f"{studio.learners} 人" if studio and studio.learners is not None else "", colspan=3)),
        (box("工作室简介与主要创新成果（技术攻关、发明专利、合理化建议、带徒传技）：", studio.description or "" if studio else "", colspan=8, height_mm=44),),
        (box("依托单位意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL), box("单位工会意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL)),
        (box("上级工会审核意见：", colspan=8, height_mm=SEAL_MM, sign=SEAL),),
    ]
    return Form(
        id="chuangxin-gongzuoshi-shenbaobiao", title="劳模（工匠人才）创新工作室申报表",
        purpose="劳模创新工作室、工匠人才创新工作室申报命名时填写，经依托单位、单位工会推荐，上级工会审核",
        blocks=(Grid(APPLICATION_WIDTHS, tuple(rows)),),
        header=(("申报日期", date_zh(studio.established) if studio else ""),),
        notes=("注：请附领办人和团队成员的荣誉证书、创新成果及带徒传技材料复印件。",),
        meta={"studio": studio.id} if studio else {},
    )



def application_kind(studio: Studio, registry: Registry) -> str:
    """Which application form the studio prints: its programme's, else by its type."""
    programme = registry.programmes.get(studio.programme or "")
    if programme is not None and programme.application_form:
        return programme.application_form
    return BY_TYPE.get(studio.type, INNOVATION)
