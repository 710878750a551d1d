"""The programmes' forms, each defined once, following the layouts in the source documents.

Every builder takes the records to fill it from, or nothing for the blank
form. Filled forms are for the office printer: they may carry private
fields (phone, employee number) and are never written into the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from generator.model.entities import (
    APPROVER,
    ASSESSOR,
    BUREAU,
    MEASURE_LABELS,
    Master,
    Pair,
    Programme,
    Registry,
    Stage,
    Studio,
    TalentEntry,
)
from generator.model.progress import QuotaRow, activity_years, pairing_progress, statistics_date, unit_ancestry
from generator.render.forms import reports
from generator.render.forms.fields import (
    HAND_DATE,
    LEVEL_LABEL,
    SEAL,
    SEAL_MM,
    SIGN,
    checked,
    date_zh,
    file_stem,
    level,
    notice_days,
    private,
)
from generator.render.forms.model import Cell, Form, Grid, Text, box, label, section, value
from generator.render.forms.studio_applications import (
    FAMOUS_TEACHER,
    INNOVATION,
    SKILL_MASTER,
    application_kind,
    assessor,
    famous_teacher,
    innovation,
)
from generator.resources import enum

MEASURES = tuple(MEASURE_LABELS.items())


def _dated(lines: tuple[str, ...], day: date | None) -> tuple[str, ...]:
    """Signature lines with the date printed in, when the record knows it."""
    return lines if day is None else (lines[0], date_zh(day))


def _age(born: int | None, on: date | None) -> str:
    return str(on.year - born) if born and on else ""


# ---------------------------------------------------------------- 附件1
# In millimetres (180 in all): each label column as wide as its longest label, the phone column a whole number.
AGREEMENT_WIDTHS = (8.0, 19.0, 26.0, 19.0, 23.0, 19.0, 17.0, 23.0, 26.0)


def agreement(pair: Pair | None = None, registry: Registry | None = None) -> Form:
    """高技能领军人才、劳模工匠师徒"结对子"协议表 (附件1)."""
    master = registry.masters.get(pair.master) if pair and registry else None
    unit = registry.units.get(pair.unit) if pair and registry else None
    a = pair.apprentice if pair else None
    on = (pair.signed or pair.start) if pair else None
    honours = "、".join(f"{h.name}（{h.year}）" for h in master.honours) if master else ""
    plan = "\n".join(f"{s.title}（{date_zh(s.start)}至{date_zh(s.end)}）：{s.plan or ''}" for s in pair.stages) if pair else "第一阶段：\n第二阶段：\n……"
    term = f"{date_zh(pair.start)}至{date_zh(pair.end)}" if pair else ""
    seals = pair.approvals if pair else None
    rows: tuple[tuple[Cell, ...], ...] = (
        (label("单位名称", colspan=2), value(unit.name if unit else "", colspan=7)),
        (section("师傅基本情况", rowspan=4), label("姓名"), value(master.name if master else ""), label("性别"),
         value(master.gender if master else ""), label("年龄"), value(_age(master.birth_year if master else None, on)),
         label("学历"), value(master.education or "" if master else "")),
        (label("工种"), value(master.trade if master else ""), label(LEVEL_LABEL),
         value(level(master.title, master.skill_level) if master else ""), label("员工编号"),
         value(private(master, "employee_no")), label("电话"), value(private(master, "phone"))),
        (label("部门"), value(master.department or "" if master else "", colspan=3), label("职务"),
         value(master.post or "" if master else "", colspan=3)),
        (label("所获荣誉"), value(honours, colspan=7, height_mm=10)),
        (section("徒弟基本情况", rowspan=3), label("姓名"), value(a.name if a else ""), label("性别"), value(a.gender if a else ""),
         label("年龄"), value(_age(a.birth_year if a else None, on)), label("学历"), value(a.education or "" if a else "")),
        (label("工种"), value(a.trade or "" if a else ""), label(LEVEL_LABEL), value(level(a.title, a.skill_level) if a else ""),
         label("员工编号"), value(private(a, "employee_no")), label("电话"), value(private(a, "phone"))),
        (label("部门"), value(a.department or "" if a else "", colspan=3), label("职务"), value(a.post or "" if a else ""),
         label("是否农民工"), value(("是" if a.migrant_worker else "否") if a and a.migrant_worker is not None else "")),
        (label("结对期限", colspan=2), value(term, colspan=7)),
        (label("培养目标", colspan=2), value(pair.goal or "" if pair else "", colspan=7, height_mm=16)),
        (label("培养计划", colspan=2), value(plan, colspan=7, height_mm=32)),
        (box("师傅意向：", colspan=4, height_mm=26, sign=_dated(SIGN, on)), box("徒弟意向：", colspan=5, height_mm=26, sign=_dated(SIGN, on))),
        (box("单位行政意见：", colspan=3, height_mm=SEAL_MM, sign=_dated(SEAL, seals.administration if seals else None)),
         box("单位工会意见：", colspan=3, height_mm=SEAL_MM, sign=_dated(SEAL, seals.union if seals else None)),
         box("单位人力资源意见：", colspan=3, height_mm=SEAL_MM, sign=_dated(SEAL, seals.hr if seals else None))),
    )
    return Form(
        id="fujian1-xieyibiao", attachment="附件1",
        title="高技能领军人才、劳模工匠师徒“结对子”协议表" + ("（续签）" if pair and pair.renews else ""),
        header=_record_header(pair), author=_issuer(registry, pair.programme if pair else None), created=on,
        purpose="师徒签订结对协议，经单位行政、工会、人力资源三方盖章后生效",
        blocks=(Grid(AGREEMENT_WIDTHS, rows),),
        notes=("注：1、本表一式四份，师傅、徒弟、单位各一份，一份报县总工会备案",
               "2、《师徒双方的基本职责》见附件2"),
        meta={"pair": pair.id} if pair else {},
    )


def _issuer(registry: Registry | None, programme_id: str | None) -> str:
    """The issuing office of the record's programme: the PDF's author."""
    found = registry.programmes.get(programme_id or "") if registry else None
    return found.issuer if found else ""


def _record_header(pair: Pair | None) -> tuple[tuple[str, str], ...]:
    """A filled agreement names its record, and a renewal the agreement it renews."""
    if pair is None:
        return ()
    return (("协议编号", pair.id),) + ((("续签原协议", pair.renews),) if pair.renews else ())


# ---------------------------------------------------------------- 附件2
DUTIES: tuple[tuple[Literal["h", "p", "r"], str], ...] = (
    ("h", "一、师傅的基本职责"),
    ("p", "1．必须遵守国家法律法规，具有良好的职业道德和指定岗位应具备的全面专业技能，具有强烈的责任感。"),
    ("p", "2．要制定带徒目标和教学计划，结合实际工作，开展教学指导工作。"),
    ("p", "3．负责指导和讲解技术上的相关问题，并开展实践操作训练，对于徒弟提出的疑问应耐心解答。"),
    ("p", "4．关心爱护徒弟，在工作作风和职业道德方面应以身作则，树立榜样，培养徒弟良好的道德观念和职业素养。"),
    ("p", "5．做好培养过程中的全面考核记录，及时发现和纠正隐患，确保徒弟协议期满考核合格。"),
    ("h", "二、徒弟的基本职责"),
    ("p", "1．遵守国家法律法规和本单位的各项规章制度，尊重师傅，虚心请教，服从安排，自觉提高自身职业道德水平。"),
    ("p", "2．积极肯干，刻苦钻研，勤于思考，认真实践，努力掌握本职业（工种）专业理论知识和操作技能方法。"),
    ("p", "3．积极探索，应用所学技术解决实际问题，勇于攻关和创新。"),
    ("h", "三、其他"),
    ("p", "除师徒双方有一方因工作岗位变动、离职或退休等原因造成结对协议不能正常履行的情况外，不得擅自解除协议。"),
    ("p", "自协议签订之日起，双方确定为师徒结对关系。双方应自觉履行各自的职责。"),
)


def duties() -> Form:
    """师徒双方的基本职责 (附件2): a text page, the same for every pair."""
    return Form(id="fujian2-jiben-zhize", attachment="附件2", title="师徒双方的基本职责",
                purpose="随协议表一并发给师徒双方", blocks=(Text(DUTIES),))


# ---------------------------------------------------------------- 附件3
def stage_plan(pair: Pair | None = None, stage: Stage | None = None, registry: Registry | None = None) -> Form:
    """阶段培养计划表 (附件3): one per stage, reported to the unit when the stage ends."""
    unit = registry.units.get(pair.unit) if pair and registry else None
    master = registry.masters.get(pair.master) if pair and registry else None
    where = "　".join(x for x in ((unit.name if unit else ""), (pair.department or "" if pair else "")) if x)
    when = f"{date_zh(stage.start)}至{date_zh(stage.end)}" if stage else ""
    rows = (
        (label("单位及部门"), value(where, colspan=3)),
        (label("徒弟姓名"), value(pair.apprentice.name if pair else ""), label("师傅姓名"), value(master.name if master else "")),
        (label("阶段起始时间"), value(when, colspan=3)),
        (box("学习计划及内容：", stage.plan or "" if stage else "", colspan=4, height_mm=45, sign=("师傅签名：", HAND_DATE)),),
        (box("学习总结：", stage.summary or "" if stage else "", colspan=4, height_mm=45, sign=("徒弟签名：", HAND_DATE)),),
        (box("师傅评语：", stage.master_comment or "" if stage else "", colspan=4, height_mm=35, sign=("师傅签名：", HAND_DATE)),),
        (box("师徒结对活动领导小组评语：", stage.group_comment or "" if stage else "", colspan=4, height_mm=35,
             sign=("负责人签名：", HAND_DATE)),),
    )
    return Form(
        id="fujian3-jieduan-peiyang-jihuabiao", attachment="附件3", title="高技能领军人才、劳模工匠师徒“结对子”",
        subtitle="阶段培养计划表", purpose="每完成一个阶段的培养任务后填写，上报单位",
        header=_record_header(pair) if stage else (),
        blocks=(Grid((1.3, 2.0, 1.3, 2.0), rows),),
        meta={"pair": pair.id, "stage": stage.title} if pair and stage else {},
        author=_issuer(registry, pair.programme if pair else None), created=stage.start if stage else None,
    )


# ---------------------------------------------------------------- 出师鉴定表
def evaluation_form(pair: Pair | None = None, registry: Registry | None = None) -> Form:
    """师徒结对期满鉴定表 (出师鉴定表): the Taoyuan notice has the master, then the unit's
    leading group, judge the apprentice against the agreed goal when the term ends; the
    pair completes (出师) or is extended. The notice gives no layout: this one follows 附件1/3."""
    unit = registry.units.get(pair.unit) if pair and registry else None
    master = registry.masters.get(pair.master) if pair and registry else None
    evaluated = pair.evaluation if pair else None
    term = f"{date_zh(pair.start)}至{date_zh(pair.end)}" if pair else ""
    stages = "\n".join(f"{s.title}（{date_zh(s.start)}至{date_zh(s.end)}）："
                        + (f"已小结，{date_zh(s.reported)}上报" if s.reported else "已小结" if s.done else "未小结")
                        for s in pair.stages) if pair else ""
    done = f"{sum(s.done for s in pair.stages)}/{len(pair.stages)}" if pair else ""
    options = tuple(enum("pair", "evaluation", "result"))
    rows: tuple[tuple[Cell, ...], ...] = (
        (label("单位名称"), value(unit.name if unit else "", colspan=3)),
        (label("师傅姓名"), value(master.name if master else ""), label("徒弟姓名"), value(pair.apprentice.name if pair else "")),
        (label("徒弟工种"), value(pair.apprentice.trade or "" if pair else ""), label("完成阶段"), value(done)),
        (label("结对期限"), value(term, colspan=3)),
        (label("培养目标"), value(pair.goal or "" if pair else "", colspan=3, height_mm=20)),
        (label("阶段培养情况"), value(stages, colspan=3, height_mm=24)),
        (label("鉴定结果"), value(checked(options, evaluated.result if evaluated else None), colspan=3)),
        (box("师傅鉴定意见：", evaluated.master or "" if evaluated else "", colspan=4, height_mm=40,
             sign=("师傅签字：", HAND_DATE)),),
        (box("单位师徒结对活动领导小组鉴定意见：", evaluated.group or "" if evaluated else "", colspan=4, height_mm=45,
             sign=_dated(("负责人签字（盖章）：", HAND_DATE), evaluated.date if evaluated else None)),),
    )
    return Form(
        id="chushi-jiandingbiao", title="高技能领军人才、劳模工匠师徒“结对子”", subtitle="期满鉴定表（出师鉴定表）",
        header=_record_header(pair), author=_issuer(registry, pair.programme if pair else None),
        created=evaluated.date if evaluated and evaluated.date else pair.end if pair else None,
        purpose="协议期满时，师傅和单位领导小组按协议约定的培养目标鉴定徒弟，决定出师或延长带徒时间",
        blocks=(Grid((1.3, 2.0, 1.3, 2.0), rows),),
        notes=("注：协议期满，由师傅对徒弟作出鉴定，再由单位师徒结对活动领导小组根据协议约定的培养目标进行鉴定，",
               "并按本单位实施方案的奖惩措施奖惩。达到目标的可终止协议（出师）；达不到出师要求的，可适当延长带徒时间。"),
        meta={"pair": pair.id} if pair else {},
    )


# ---------------------------------------------------------------- 附件4
def quota_table(programme: Programme | None = None, registry: Registry | None = None, as_of: date | None = None,
                changed: Mapping[str, date] | None = None, unit: str | None = None) -> Form:
    """各单位结对活动任务分配表 (附件4): blank, or with each unit's progress counted as it stood on
    ``as_of`` (printed as 统计截至, and in the title: a filled 附件4 is never mistaken for the blank one)."""
    head = (label("单位"), label("规划时间\n（年）"), label("完成任务数\n（对）"), label("已结对\n（对）"), label("完成进度"), label("备注"))
    rows: list[tuple[Cell, ...]] = [head]
    if programme is not None and registry is not None:
        progress = pairing_progress(registry, programme, as_of, changed)
        for q in progress.quotas:
            if unit in (None, q.unit):  # a quota unit's own row (python -m generator forms --unit)
                rows.append(_quota_row(q, registry))
        if unit is None:
            rows.append((value("其它单位"), value(""), value(""), value(str(progress.others)), value(""),
                         value("其它单位有符合条件的师徒对子\n可按文件要求报送")))
            total = sum(q.target for q in programme.quotas)
            rows.append((label("合计"), value(str(programme.years)), value(str(total)), value(str(progress.done)),
                         value(f"{progress.percent}%"), value(f"活动总目标 {programme.target} 对")))
    else:
        rows += [tuple(value("", height_mm=9) for _ in head) for _ in range(10)]
    owner = registry.units.get(unit) if unit and registry else None
    title_unit = f"（{owner.name + '，' if owner else ''}{programme.name}，截至{date_zh(as_of)}）" if programme else ""
    return Form(
        id=f"fujian4-renwu-fenpeibiao-{programme.id}{'-' + unit if unit else ''}" if programme else "fujian4-renwu-fenpeibiao",
        attachment="附件4", title="各单位结对活动任务分配表", subtitle=title_unit,
        purpose="各单位的结对任务与完成进度" + ("（按登记册统计）" if programme else ""),
        blocks=(Grid((50.0, 22.0, 23.0, 22.0, 20.0, 43.0), tuple(rows), head=1),),
        header=(("统计截至", date_zh(as_of) if programme is not None else ""),),
        notes=("已结对按三方盖章生效的协议计（培养中、已出师、已延期），含下属单位；续签不重复计入。",) if programme else (),
        meta={"programme": programme.id} if programme else {},
        author=programme.issuer if programme else "", created=as_of if programme else None,
    )


def _quota_row(q: QuotaRow, registry: Registry) -> tuple[Cell, ...]:
    unit = registry.units.get(q.unit)
    name = (unit.short_name or unit.name) if unit else q.unit
    return (value(name), value(str(q.years or "")), value(str(q.target)), value(str(q.done)), value(f"{q.percent}%"), value(""))


# ---------------------------------------------------------------- 技能大师工作室申报表
def studio_application(studio: Studio | None = None, registry: Registry | None = None) -> Form:
    leader = registry.masters.get(studio.leader) if studio and registry else None
    unit = registry.units.get(studio.unit) if studio and registry else None
    on = studio.named or studio.established if studio else None
    partners = "、".join(registry.units[u].name for u in studio.partner_units if u in registry.units) if studio and registry else ""
    members = [registry.masters[m] for m in studio.members if m in registry.masters] if studio and registry else []
    honours = "、".join(f"{h.name}（{h.year}）" for h in leader.honours) if leader else ""
    programme = registry.programmes.get(studio.programme or "") if studio and registry else None
    limit = programme.rules.leader_max_age.get(leader.gender) if programme and leader else None
    days = notice_days(programme)
    year = on.year if on else None
    age = "" if leader is None or year is None else (
        f"{leader.age_in(year)} 岁（{year} 年）" + (f"；不超过 {limit} 岁：{'符合' if leader.age_in(year) <= limit else '超过'}" if limit else ""))
    rows: list[tuple[Cell, ...]] = [
        (label("工作室名称", colspan=2), value(studio.name if studio else "", colspan=7)),
        (label("依托单位\n（系部）", colspan=2), value(unit.name if unit else "", colspan=3), label("创办方式"),
         value(studio.mode or "" if studio else "□单独创办　□校企联办", colspan=3)),
        (label("合作企业", colspan=2), value(partners, colspan=7)),
        (section("技能大师基本情况", rowspan=7), label("姓名"), value(leader.name if leader else ""), label("性别"),
         value(leader.gender if leader else ""), label("出生年份"), value(str(leader.birth_year) if leader else ""),
         label("学历"), value(leader.education or "" if leader else "")),
        (label("年龄"), value(age or "（45 周岁以下）", colspan=7)),
        (label("工种"), value(leader.trade if leader else ""), label("技术等级"), value(leader.skill_level if leader else ""),
         label("职称"), value(leader.title or "" if leader else ""), label("电话"), value(private(leader, "phone"))),
        (label("部门及职务"), value(" ".join(x for x in (leader.department, leader.post) if x) if leader else "", colspan=7)),
        (label("所获荣誉"), value(honours, colspan=7, height_mm=16)),
        (label("企业工作\n经历"), value(leader.enterprise_experience or "" if leader else "", colspan=7, height_mm=12)),
        (label("专业相关性"), value("", colspan=7, height_mm=12)),
        (section("团队成员", rowspan=1 + max(5, len(members))), label("姓名"), label("性别"), label("年龄"), label("工种"), label("技术等级"),
         label("职称"), label("单位", colspan=2)),
    ]
    for i in range(max(5, len(members))):  # the paper's five rows, more for a larger team: nobody is dropped
        m: Master | None = members[i] if i < len(members) else None
        member_unit = registry.units.get(m.unit) if m and registry else None
        rows.append((value(m.name if m else "", height_mm=8), value(m.gender if m else ""), value(_age(m.birth_year, on) if m else ""),
                     value(m.trade if m else ""), value(m.skill_level if m else ""), value(m.title or "" if m else ""),
                     value(member_unit.name if member_unit else "", colspan=2)))
    area = f"{studio.area_m2:g} 平方米" if studio and studio.area_m2 is not None else ""
    # 方案三（一）: 技能大师 1 人, 骨干教师不少于 3 人 (the programme's team_size); 四（一）2: the 申报报告 introduces
    # the members, the conditions, the 系（部）'s support and the plan; 四（二）: the 学术委员会 deliberates.
    team_rule = programme.rules.team_size.text("人") if programme and programme.rules.team_size.min is not None else "不少于 3 人"
    team_now = f"；现有骨干教师 {len(members)} 人" if studio else ""
    intro = "；".join(f"{m.name}：{m.bio}" for m in members if m.bio) if members else ""
    rows += [
        (label("团队要求", colspan=2), value(f"技能大师 1 人，骨干教师{team_rule}{team_now}", colspan=7)),
        (label("成员简介", colspan=2), value(intro, colspan=7, height_mm=20)),
        (section("基本条件", rowspan=4), label("场地面积"), value(area, colspan=7)),
        (label("制度建设"), value("", colspan=7, height_mm=10)),
        (label("工作人员"), value("", colspan=7, height_mm=10)),
        (label("经费保障"), value("", colspan=7, height_mm=10)),
        (box("所在系（部）对工作室的支持措施（工作场所、设施设备、经费预算）：", colspan=9, height_mm=18),),
        (box("工作计划与主要工作方向：", studio.description or "" if studio else "", colspan=9, height_mm=28),),
        (box("所在系（部）推荐意见：", colspan=9, height_mm=SEAL_MM, sign=SEAL),),
        (box("专家评审意见：", colspan=4, height_mm=SEAL_MM, sign=("组长签字：", HAND_DATE)),
         box("学术委员会审议意见：", colspan=5, height_mm=SEAL_MM, sign=("主任签字：", HAND_DATE))),
        (box(f"校内公示情况（公示期 {days} 天）：", colspan=4, height_mm=SEAL_MM, sign=SEAL),
         box("学校意见：", colspan=5, height_mm=SEAL_MM, sign=SEAL)),
    ]
    return Form(
        id="jineng-dashi-gongzuoshi-shenbaobiao", title="技能大师工作室申报表",
        purpose="申办技能大师工作室时填写，经系（部）推荐、专家评审、校内公示 3 天",
        blocks=(Grid((8.0, 23.0, 22.0, 19.0, 30.0, 19.0, 21.0, 15.0, 23.0), tuple(rows)),),  # 工种 of the team: 可编程控制系统设计师
        header=(("申报日期", date_zh(studio.established) if studio else ""),),
        notes=("注：名称格式为“职业工种名称+技能大师工作室”；请附技能大师和成员的荣誉证书、获奖证书、技术认定等证明材料复印件。",
               "技能大师须年龄在 45 周岁以下（按申报年份计），有 3 年以上企业工作经历或企业实践累计 3 个月以上，"
               "所从事的专业领域与学校的专业或课程有强相关性（“专业相关性”一栏由所在系部填写）。"),
        meta={"studio": studio.id} if studio else {},
    )


# ---------------------------------------------------------------- 工作室年度考核表
def studio_assessment(studio: Studio | None = None, year: int | None = None, registry: Registry | None = None,
                      programme: Programme | None = None) -> Form:
    """工作室年度考核表 in its programme's own words: 武昌 (过程性 / 周期性, 不合格 → 整改, 考核单位 per 第十九条),
    重庆市工业学校 (年度考评: 发展改革研究室 评估, 学术委员会 认定, 不合格 → 撤销), others a plain yearly assessment;
    the grades are the programme's own. A blank form without a programme offers no other programme's words."""
    leader = registry.masters.get(studio.leader) if studio and registry else None
    unit = registry.units.get(studio.unit) if studio and registry else None
    programme = programme or (registry.programmes.get(studio.programme or "") if studio and registry else None)
    result = next((r for r in studio.results if r.year == year), None) if studio else None
    assessment = next((a for a in studio.assessments if a.year == year), None) if studio else None
    targets = programme.rules.yearly_targets if programme else {}
    grades = programme.rules.assessment_results if programme else ()
    chosen = assessment.result if assessment else None
    kind = application_kind(studio, registry) if studio and registry else (programme.application_form or "" if programme else "")
    wuchang, school = kind == FAMOUS_TEACHER, kind == SKILL_MASTER
    rows: list[tuple[Cell, ...]] = [
        (label("工作室名称"), value(studio.name if studio else "", colspan=3)),
        # 重庆 speaks of the studio's 技能大师 and its 系（部）; the others of a 领办人 and a 依托单位.
        (label("技能大师" if school else "领办人"), value(leader.name if leader else ""), label("所在系（部）" if school else "依托单位"),
         value((leader.department or "" if leader else "") if school else unit.name if unit else "")),
        (label("考核年度"), value(str(year) if year else ""), label("考核类型" if wuchang else "考核方式"),
         value(checked(("过程性", "周期性"), assessment.kind if assessment else None, "考核") if wuchang else "年度考评")),
        (label("考核项目"), label("年度任务"), label("完成情况"), label("是否达标")),
    ]
    tasks = programme.rules.yearly_tasks if programme else {}
    for key, name in MEASURES:
        target, task = targets.get(key), tasks.get(key)
        done = result.get(key) if result else None
        rows.append((label(name), value(str(target) if target is not None else task or ""), value("" if done is None else str(done)),
                     value(_met(target, task, done))))
    boxes = checked(tuple(grades), chosen) if grades else "____________"
    approval = bool(programme and any(o.role == APPROVER for o in programme.offices) and not (assessment and assessment.kind == "过程性"))
    rows += [
        (box("年度工作总结（示范讲座、培训、研究课题、学术活动、论文著作、创新成果）：", colspan=4, height_mm=42 if approval else 50),),
        (label("考核等次"), value(boxes, colspan=3)),
    ]
    if wuchang:  # 第十九条: a 过程性 assessment failed is rectified by a date; its assessor by the studio's level
        rows.append((label("整改期限"), value(date_zh(assessment.rectify_by) if assessment and assessment.rectify_by else
                                           "（过程性考核不合格的填写）", colspan=3)))
    note = assessment.note or "" if assessment else ""
    if school:
        rows += [(box("发展改革研究室评估意见（对照年初建设方案和任务书）：", note, colspan=4, height_mm=30,
                      sign=("评估人签字：", HAND_DATE)),),
                 (box("学术委员会认定意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL),)]
    else:
        office = assessor(studio, programme) if studio else _each_level(programme, ASSESSOR)
        opinion = box(f"考核单位（{office}）意见：" if office else "考核单位意见：", colspan=2 if approval else 4, height_mm=SEAL_MM, sign=SEAL)
        rows += [(box("考核意见：", note, colspan=4, height_mm=30, sign=("考核组长签字：", HAND_DATE)),),
                 (opinion, _approval(studio, programme)) if programme and approval else (opinion,)]  # side by side: one page
    notes = (("注：认定为不合格的予以撤销，终止工作室项目工作；考核优秀的进入下一阶段（重庆市工业学校技能大师工作室建设方案 五）。",) if school
             else ("注：过程性考核不合格的限期整改，逾期整改不到位的撤销称号（武昌区名师工作室建设管理办法 第十九条）。",) if wuchang else ())
    return Form(
        id=f"gongzuoshi-niandu-kaohebiao-{programme.id}" if programme and not studio else "gongzuoshi-niandu-kaohebiao",
        title="工作室年度考核表", subtitle=f"（{programme.name}）" if programme and not studio else "",
        purpose="工作室每年对照年度任务考核，结果分等次，不合格的整改或撤销",
        blocks=(Grid((1.5, 1.5, 1.5, 1.5), tuple(rows)),), notes=notes,
        meta={"studio": studio.id, "year": str(year)} if studio and year else {},
    )


def _met(target: int | None, task: str | None, done: int | None) -> str:
    """是否达标: against a figure; a task worded without one (定期 …) is not met when nothing was done,
    and otherwise left to the assessors, who judge it."""
    if done is None:
        return ""
    if target is not None:
        return "是" if done >= target else "否"
    return "否" if task and done == 0 else ""


def _approval(studio: Studio | None, programme: Programme) -> Cell:
    """Who confirms a 周期性 result (武昌 第十九条: 系统内 by 区人力资源局, 区级 by 区委人才办), from the record."""
    if studio is not None:
        office = programme.office(APPROVER, studio.level)
        caption = f"周期性考核结果审定单位（{office}）意见：" if office else "周期性考核结果审定单位意见："
    else:
        caption = f"周期性考核结果审定单位意见（{_each_level(programme, APPROVER)}）："
    return box(caption, colspan=2, height_mm=SEAL_MM, sign=SEAL)


def _each_level(programme: Programme | None, role: str) -> str:
    """On a blank form, the office for each level (区级：区人力资源局；其他：行业主管部门)."""
    if programme is None:
        return ""
    named = [f"{o.applies_to}：{o.name}" for o in programme.offices if o.role == role]
    if named and role == ASSESSOR and any(o.role == BUREAU for o in programme.offices):
        named.append(f"其他：{BUREAU}")
    return "；".join(named)


# ---------------------------------------------------------------- 技能人才申报表
def talent_nomination(programme: Programme | None = None, master: Master | None = None, entry: TalentEntry | None = None,
                      registry: Registry | None = None) -> Form:
    """技能人才申报表: the Nanxun selection weighs 工作实绩、工作年限、爱岗敬业 and favours front-line and
    non-public-sector workers, so the form asks for the year and batch, the industry, when the
    candidate started work and their years in the post; a cell for a 1-inch photo (25 × 35 mm).
    Filled from a master's 入选记录 (``entry``): the tier ticked, the year, what the record holds."""
    tiers = checked(tuple(t.name for t in programme.tiers), entry.tier if entry else None) if programme else "□________"
    photo = 8.0  # each of the five rows beside the photo: 40 mm in all, room for a 35 mm photo
    m = master
    unit = registry.units.get(m.unit) if m and registry else None
    year = f"{entry.year} 年（第    批）" if entry else "        年（第    批）"
    # 晋升资格: a promotion is applied for by someone who holds a tier already; the form says which, and since when.
    held = [f"{x.tier}（{x.year} 年）" for x in (m.talent if m else []) if programme and x.programme == programme.id
            and entry and x.year < entry.year]
    honours = "；".join(f"{h.year or ''}{h.name}" for h in m.honours) if m else ""
    rows = (
        (label("申报活动", colspan=2), value(programme.name if programme else "", colspan=6)),
        (label("申报层级", colspan=2), value(tiers, colspan=6)),
        (label("申报年度\n（批次）", colspan=2), value(year, colspan=2), label("所属行业"),
         value(unit.industry or "" if unit else "", colspan=3)),
        (label("已入选层级", colspan=2), value(("、".join(held) or "无") if entry else "□无　□已入选：____________（　　　年）", colspan=6)),
        (section("基本情况", rowspan=5), label("姓名"), value(m.name if m else "", height_mm=photo), label("性别"), value(m.gender if m else ""),
         label("出生年份"), value(str(m.birth_year) if m else ""), value("（1 寸照片）", rowspan=5)),
        (label("学历"), value(m.education or "" if m else "", height_mm=photo), label("工种"), value(m.trade if m else ""),
         label("技术等级"), value(m.skill_level if m else "")),
        (label("职称"), value(m.title or "" if m else "", height_mm=photo), label("职务"), value(m.post or "" if m else ""),
         label("电话"), value(private(m, "phone") if m else "")),
        (label("参加工作\n时间"), value(height_mm=photo), label("本岗位\n工作年限"), value(), label("企业性质"), value("□国有 □非公")),
        (label("工作单位"), value(unit.name if unit else "", colspan=3, height_mm=photo), label("部门"), value(m.department or "" if m else "")),
        (label("主要荣誉", colspan=2), value(honours, colspan=6, height_mm=20)),
        (box("主要事迹（工作业绩、技术创新、传帮带情况）：", m.bio or "" if m else "", colspan=8, height_mm=56),),
        (box("单位推荐意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL), box("资格审查意见：", colspan=4, height_mm=SEAL_MM, sign=SEAL)),
        (box("专家评审意见：", colspan=4, height_mm=SEAL_MM, sign=("组长签字：", HAND_DATE)),
         box("公示情况及评选结果：", colspan=4, height_mm=SEAL_MM, sign=SEAL)),
    )
    return Form(
        id=f"jineng-rencai-shenbaobiao-{programme.id}" if programme else "jineng-rencai-shenbaobiao",
        title="技能人才申报表", subtitle=f"（{programme.name}）" if programme else "",
        purpose="推荐职工入选技能人才层级：资格审查、专家评审、社会公示",
        blocks=(Grid((8.0, 20.0, 26.0, 21.0, 24.0, 22.0, 28.0, 31.0), rows),),
        header=(("填表日期", ""),),
        meta=({"programme": programme.id} | ({"master": m.id} if m else {})) if programme else {},
        author=programme.issuer if programme else "",
    )


def blank_forms(registry: Registry | None = None, as_of: date | None = None) -> list[Form]:
    """Every blank form; 附件4 (counted as of ``as_of``) and the nomination form per programme when a registry is given."""
    pairs = [agreement(), duties(), stage_plan(), evaluation_form()]
    pairing = sorted((p for p in (registry.programmes.values() if registry else []) if p.kind == "pairing"), key=lambda p: p.id)
    # The blank 附件4 is blank; each programme's figures are a separate 附件4（…，截至 …）.
    pairs += [quota_table()] + [quota_table(p, registry, as_of) for p in pairing]
    pairs += [reports.pairing_report()]
    studio_programmes = sorted((p for p in (registry.programmes.values() if registry else []) if p.kind == "studio"), key=lambda p: p.id)
    assessments = [studio_assessment(programme=p) for p in studio_programmes] or [studio_assessment()]
    studios = [studio_application(), famous_teacher(), innovation(), *assessments, reports.studio_report(),
               reports.commitment(), reports.rectification_notice(), reports.public_notice(kind="studio")]
    talent = sorted((p for p in (registry.programmes.values() if registry else []) if p.kind == "talent"), key=lambda p: p.id)
    talents = [talent_nomination(p) for p in talent] or [talent_nomination()]
    talents += [reports.public_notice(kind="talent"), reports.allowance_sheet()]
    return ([replace(f, group="师徒结对") for f in pairs] + [replace(f, group="工作室") for f in studios]
            + [replace(f, group="技能人才") for f in talents])


def programme_forms(programme: Programme, registry: Registry, year: int, as_of: date,
                    changed: Mapping[str, date] | None = None) -> list[Form]:
    """A programme's documents for a year, filled: the yearly report and 附件4 (pairing), counted as
    the year stood on its statistics date (or ``as_of``, today, while the year runs), the 公示 of the
    year's named studios or selected talents, the allowance sheet (talent)."""
    if programme.kind == "pairing":
        day = min(statistics_date(programme, year), as_of)
        made = [("师徒结对年度报送表", reports.pairing_report(programme, year, registry, day, changed)),
                ("附件4任务分配表", quota_table(programme, registry, day, changed))]
    elif programme.kind == "talent":
        made = [("拟入选人员公示", reports.public_notice(programme, year, registry, kind="talent")),
                ("考核津贴发放汇总表", reports.allowance_sheet(programme, year, registry))]
    else:
        made = [("拟命名工作室公示", reports.public_notice(programme, year, registry, kind="studio"))]
    return [_renamed(form, file_stem(programme.id, f"{year}年", name)) for name, form in made]


def pair_stem(pair: Pair, registry: Registry) -> str:
    """taoyuan-2020-001_张建国-王小明: the pair's id, then master and apprentice."""
    master = registry.masters.get(pair.master)
    return file_stem(pair.id, f"{master.name if master else pair.master}-{pair.apprentice.name}")


def pair_forms(pair: Pair, registry: Registry) -> list[Form]:
    """A pair's filled forms, each to its own file: 附件1, each stage's 附件3, the 出师鉴定表."""
    stem = pair_stem(pair, registry)
    forms = [_renamed(agreement(pair, registry), f"{stem}_附件1协议表")]
    forms += [_renamed(stage_plan(pair, s, registry), f"{stem}_附件3阶段培养计划表-{i + 1}") for i, s in enumerate(pair.stages)]
    if pair.evaluation is not None:
        forms.append(_renamed(evaluation_form(pair, registry), f"{stem}_出师鉴定表"))
    return forms


def pair_set(pair: Pair, registry: Registry) -> list[Form]:
    """Everything a pair's file holds, in the order it is printed: 附件1, 附件2, each 附件3, the 鉴定表."""
    filled = pair_forms(pair, registry)
    return [filled[0], duties(), *filled[1:]]


def merged_sets(pairs: list[Pair], registry: Registry, by_unit: bool) -> list[tuple[str, list[Form]]]:
    """Groups for one PDF each: a pair's set, or (``by_unit``) every set of a unit's pairs."""
    if not by_unit:
        return [(f"{pair_stem(p, registry)}_全套打印", pair_set(p, registry)) for p in pairs]
    units: dict[str, list[Form]] = {}
    for pair in sorted(pairs, key=lambda p: p.id):
        units.setdefault(pair.unit, []).extend(pair_set(pair, registry))
    return [(file_stem(u, registry.units[u].name if u in registry.units else "", "结对协议全套打印"), forms)
            for u, forms in sorted(units.items())]


APPLICATIONS = {
    SKILL_MASTER: lambda s, r, _p: studio_application(s, r),
    FAMOUS_TEACHER: famous_teacher,
    INNOVATION: innovation,
}


def studio_forms(studio: Studio, registry: Registry) -> list[Form]:
    """The application of the studio's own programme, and its yearly assessments."""
    programme = registry.programmes.get(studio.programme or "")
    unit = registry.units.get(studio.unit)
    author = programme.issuer if programme else unit.name if unit else ""
    application = APPLICATIONS[application_kind(studio, registry)](studio, registry, programme)
    stem = file_stem(studio.id, studio.name)
    forms = [replace(application, id=f"{stem}_申报表", author=author, created=studio.established or studio.named)]
    years = sorted({r.year for r in studio.results} | {a.year for a in studio.assessments})
    forms += [replace(studio_assessment(studio, y, registry), id=f"{stem}_年度考核表-{y}", author=author, created=date(y, 12, 31))
              for y in years]
    forms += [replace(reports.studio_report(studio, r.year, registry), id=f"{stem}_年度工作报告-{r.year}")
              for r in sorted(studio.results, key=lambda r: r.year)]
    if application_kind(studio, registry) == FAMOUS_TEACHER:  # the Wuchang rules' own documents
        forms += [replace(reports.commitment(studio, registry, start, renewal), id=f"{stem}_任务承诺书-{start.year}")
                  for start, renewal in reports.commitment_cycles(studio, programme)]
        forms += [replace(reports.rectification_notice(studio, a, registry), id=f"{stem}_整改通知书-{a.year}")
                  for a in studio.assessments if a.kind == "过程性" and a.result == reports.failing_grade(programme)]
    return forms


def _renamed(form: Form, stem: str) -> Form:
    return replace(form, id=stem)


# Addresses reserved for examples (RFC 2606): a template's placeholder, not a site.
_EXAMPLE_HOSTS = ("example.org", "example.com", "example.net", "localhost")


def published_address(site_url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(site_url).hostname or "").lower()
    return bool(host) and not any(host == h or host.endswith("." + h) or host.endswith(".example") for h in _EXAMPLE_HOSTS)


def with_public_links(forms: list[Form], site_url: str) -> list[Form]:
    """A QR code to the record's public page on each filled form whose record has one: a studio's
    forms link its page, a programme's yearly documents its progress page. Pairs have no page of
    their own (the apprentice's name is masked on the site), so their forms carry none. A site
    with no address of its own (none, or the template's example.org placeholder) gets no codes:
    a printed code must never lead somewhere that is not the registry."""
    if not published_address(site_url):
        return forms
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    linked = []
    for form in forms:
        if "studio" in form.meta:
            linked.append(replace(form, qr=f"{site_url}studios/{form.meta['studio']}/"))
        elif "programme" in form.meta and "year" in form.meta:
            linked.append(replace(form, qr=f"{site_url}progress/{form.meta['programme']}/"))
        else:
            linked.append(form)
    return linked


@dataclass(frozen=True, slots=True)
class UnitSelection:
    """What ``forms --filled --unit`` prints for a unit, or what it has instead."""

    forms: list[Form]
    pairs: list[Pair]  # for the unit's merged print
    has: str  # what the unit holds, said when there is nothing to print


def unit_forms(unit_id: str, registry: Registry, year: int, as_of: date, changed: Mapping[str, date] | None = None) -> UnitSelection:
    """Everything a unit prints, as the quotas work: a quota holder (桃源高新区, 教育工会) prints its own and
    its sub-units' pairs, and for each programme it holds a quota in, its own 附件4 row and 报送表 for ``year``;
    a studio's unit its studios' forms; a unit whose people hold talent tiers their 技能人才申报表."""
    below = {u for u in registry.units if unit_id in unit_ancestry(registry, u)} | {unit_id}
    pairs = sorted((p for p in registry.pairs.values() if p.unit in below), key=lambda p: p.id)
    forms = [f for p in pairs for f in pair_forms(p, registry)]
    forms += [f for s in sorted(registry.studios.values(), key=lambda s: s.id) if s.unit in below for f in studio_forms(s, registry)]
    for master in sorted(registry.masters.values(), key=lambda m: m.id):
        for entry in master.talent if master.unit in below else ():
            programme = registry.programmes.get(entry.programme)
            if programme is not None:
                form = talent_nomination(programme, master, entry, registry)
                forms.append(_renamed(form, file_stem(master.id, master.name, f"{entry.year}年{entry.tier}", "技能人才申报表")))
    for programme in sorted(registry.programmes.values(), key=lambda p: p.id):
        if programme.kind == "pairing" and any(q.unit == unit_id for q in programme.quotas) and year in activity_years(registry, programme):
            day = min(statistics_date(programme, year), as_of)
            stem = file_stem(unit_id, programme.id, f"{year}年")
            forms += [_renamed(reports.pairing_report(programme, year, registry, day, changed, unit=unit_id), f"{stem}_师徒结对年度报送表"),
                      _renamed(quota_table(programme, registry, day, changed, unit=unit_id), f"{stem}_附件4任务分配表")]
    return UnitSelection(forms, pairs, "" if forms else _what_it_has(unit_id, registry, below))


def _what_it_has(unit_id: str, registry: Registry, below: set[str]) -> str:
    unit = registry.units.get(unit_id)
    said = [f"下属单位 {len(below) - 1} 个"] if len(below) > 1 else []
    masters = [m for m in registry.masters.values() if m.unit in below]
    said += [f"名匠 {len(masters)} 人（没有入选技能人才的记录）"] if masters else []
    quotas = [p.name for p in registry.programmes.values() if any(q.unit == unit_id for q in p.quotas)]
    said += [f"承担任务的活动：{'、'.join(quotas)}（这一年度不在活动年度内）"] if quotas else []
    return (f"单位 {unit_id}（{unit.name if unit else unit_id}）没有结对、工作室或入选人才的记录，没有可打印的表格"
            + ("；它有：" + "；".join(said) if said else ""))
