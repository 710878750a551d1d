"""The documents of a programme's year: the yearly report each seed asks for, the 公示 of newly
named studios or selected talents, Nanxun's allowance sheet, and Wuchang's 任务承诺书 and
整改通知书.

Each is defined once, filled from the records (or blank), and printed by the same three
renderers as the forms. Figures come from the model (``progress``), so a report says what
任务进度 and 附件4 say. Names here are the office's: these documents are printed, never
published on the site.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Literal

from generator.model.build import rule_defaults
from generator.model.entities import MEASURE_LABELS, Assessment, Programme, Registry, Studio
from generator.model.progress import (
    UnitYear,
    paid_in,
    pairing_year,
    report_deadline,
    statistics_date,
    talent_holders,
    talent_people,
    talent_progress,
    unit_ancestry,
)
from generator.render.forms.fields import HAND_DATE, SEAL, SEAL_MM, date_zh, notice_days
from generator.render.forms.model import Cell, Form, Grid, Text, box, label, value
from generator.render.forms.studio_applications import SKILL_MASTER, application_kind, assessor, bureau

Paragraphs = tuple[tuple[Literal["h", "p", "r"], str], ...]
BLANK_ROWS = 8  # list rows on a blank form
BLANK_DATE = HAND_DATE


def _sealed(caption: str, colspan: int) -> Cell:
    return box(caption, colspan=colspan, height_mm=SEAL_MM, sign=SEAL)


def _due(programme: Programme | None, year: int | None) -> str:
    if not (programme and year and programme.rules.report_due):  # no rule of its own: a blank to fill, never another's date
        return ""
    return date_zh(report_deadline(programme.rules.report_due, year)) + "前"


# ---------------------------------------------------------------- 桃源: 年度报送表
def pairing_report(programme: Programme | None = None, year: int | None = None, registry: Registry | None = None,
                   day: date | None = None, changed: Mapping[str, date] | None = None, unit: str | None = None) -> Form:
    """师徒结对活动年度报送表: what the county union asks of each unit before mid-December —
    each unit's new pairs, running total, 出师 and 延期 of the year, the year's new pairs by name,
    counted as they stood on ``day`` (the statistics date; earlier while the year runs)."""
    day = day or (statistics_date(programme, year) if programme and year else None)
    summary_head = (label("单位"), label("任务数\n（对）"), label("本年新结对\n（对）"), label("累计结对\n（对）"),
                    label("本年出师\n（对）"), label("本年延期\n（对）"))
    summary: list[tuple[Cell, ...]] = [summary_head]
    listing: list[tuple[Cell, ...]] = [(label("序号"), label("协议编号"), label("单位"), label("师傅"), label("徒弟"),
                                        label("工种"), label("结对期限"))]
    if programme and year and registry:
        units, started = pairing_year(registry, programme, year, day, changed)
        if unit is not None:  # one quota unit's own report: its line, its (and its sub-units') new pairs
            units = [row for row in units if row.unit == unit]
            started = [p for p in started if unit in unit_ancestry(registry, p.unit)]
        summary += [_unit_line(row, registry) for row in units]
        summary.append((label("合计"), value(str(sum(q.target for q in programme.quotas if unit in (None, q.unit)))),
                        *(value(str(sum(getattr(r, k) for r in units))) for k in ("started", "cumulative", "completed", "extended"))))
        for i, pair in enumerate(started, 1):
            where, master = registry.units.get(pair.unit), registry.masters.get(pair.master)
            listing.append((value(str(i)), value(pair.id), value(where.name if where else pair.unit),
                            value(master.name if master else pair.master), value(pair.apprentice.name),
                            value(pair.apprentice.trade or ""), value(f"{date_zh(pair.start)}至{date_zh(pair.end)}")))
    else:
        summary += [tuple(value("", height_mm=8) for _ in summary_head) for _ in range(BLANK_ROWS)]
        listing += [tuple(value("", height_mm=8) for _ in range(7)) for _ in range(BLANK_ROWS)]
    work = box("工作开展情况（结对仪式、日常管理、技能评定、培养效果评估、奖惩落实、存在的问题）：", colspan=3, height_mm=40)
    return Form(
        id=f"shitu-jiedui-niandu-baosongbiao-{programme.id}-{year}" if programme and year else "shitu-jiedui-niandu-baosongbiao",
        title="师徒结对活动年度报送表",
        subtitle=(f"（{_unit_name(registry, unit)}，" if unit and registry else "（") + f"{programme.name}，{year} 年度）" if programme and year else "",
        purpose="各单位每年 12 月中旬前向县总工会报送本年度师徒结对情况（新结对、累计、出师、延期）",
        header=(("报送截止", _due(programme, year)), ("统计截至", date_zh(day))),
        blocks=(Grid((52.0, 20.0, 27.0, 27.0, 27.0, 27.0), tuple(summary), head=1),
                Grid((12.0, 36.0, 36.0, 18.0, 18.0, 22.0, 38.0), tuple(listing), head=1, caption="本年度新结对名单"),
                Grid((60.0, 60.0, 60.0), ((work,),
                                          (box("单位工会意见：", colspan=1, height_mm=SEAL_MM, sign=SEAL),
                                           box("单位行政意见：", colspan=1, height_mm=SEAL_MM, sign=SEAL),
                                           box("县总工会审核意见：", colspan=1, height_mm=SEAL_MM, sign=SEAL))))),
        notes=("注：已结对按三方盖章生效的协议计（培养中、已出师、已延期），含下属单位；续签不重复计入；提前终止的协议计到终止日期为止。"
               "本年新结对、本年出师和延期按上年统计截止日之后至本年统计截止日（含）计：三方盖章生效、期满鉴定的日期在此期间的计入本年。",),
        meta={"programme": programme.id, "year": str(year)} if programme and year else {},
        author=programme.issuer if programme else "", created=day,
    )


def _unit_name(registry: Registry, unit_id: str) -> str:
    unit = registry.units.get(unit_id)
    return unit.name if unit else unit_id


def _unit_line(row: UnitYear, registry: Registry) -> tuple[Cell, ...]:
    unit = registry.units.get(row.unit or "")
    name = (unit.short_name or unit.name) if unit else "其它单位"
    return (value(name), value("" if row.target is None else str(row.target)), value(str(row.started)),
            value(str(row.cumulative)), value(str(row.completed)), value(str(row.extended)))


# ---------------------------------------------------------------- 工作室年度工作报告
def studio_report(studio: Studio | None = None, year: int | None = None, registry: Registry | None = None) -> Form:
    """工作室年度工作报告表: 重庆市工业学校 (上一年度工作报告和标志性成果, 1月底前报教学工作部) and
    武昌 (年底考核, 依照任务承诺书逐项检查). The programme gives the deadline and the targets."""
    programme = registry.programmes.get(studio.programme or "") if studio and registry else None
    leader = registry.masters.get(studio.leader) if studio and registry else None
    unit = registry.units.get(studio.unit) if studio and registry else None
    result = next((r for r in studio.results if r.year == year), None) if studio else None
    targets = programme.rules.yearly_targets if programme else {}
    # 重庆市工业学校's words for its 技能大师 (系部); Wuchang's 名师 and others have a 领办人 and a unit.
    master_studio = studio is None or registry is None or application_kind(studio, registry) == SKILL_MASTER
    rows: list[tuple[Cell, ...]] = [
        (label("工作室名称"), value(studio.name if studio else "", colspan=3)),
        (label(f"领办人{'（技能大师）' if master_studio else ''}"), value(leader.name if leader else ""), label("依托单位"),
         value(unit.name if unit else "")),
        (label("报告年度"), value(f"{year} 年" if year else ""), label("团队成员"),
         value(f"{len(studio.members)} 人" + (f"，固定学员 {studio.learners} 人" if studio.learners is not None else "") if studio else "")),
        (label("项目"), label("年度任务"), label("完成情况"), label("是否达标")),
    ]
    for key, name in MEASURE_LABELS.items():
        target, done = targets.get(key), result.get(key) if result else None
        met = "" if target is None or done is None else ("是" if done >= target else "否")
        rows.append((label(name), value("" if target is None else str(target)), value("" if done is None else str(done)), value(met)))
    honours = "、".join(f"{h.name}（{h.level}）" for h in studio.honours if h.year == year) if studio else ""
    rows += [
        (box("标志性成果（获奖、专利、课题、论文著作、技术攻关、人才培养）：", honours, colspan=4, height_mm=24),),
        (box("年度工作总结：", colspan=4, height_mm=36),),
        (box("下一年度工作计划：", colspan=4, height_mm=24),),
        (box(f"领办人{'（技能大师）' if master_studio else ''}：", colspan=2, height_mm=SEAL_MM, sign=("签字：", HAND_DATE)),
         _sealed("所在系（部）意见：" if master_studio else "所在单位意见：", 2)),
    ]
    return Form(
        id=f"gongzuoshi-niandu-baogao-{year}" if year else "gongzuoshi-niandu-gongzuo-baogao",
        title="工作室年度工作报告表", subtitle=f"（{year} 年度）" if year else "",
        purpose="工作室每年报送上一年度工作报告和标志性成果，作为年度考核的依据（重庆市工业学校 1 月底前，武昌区年底）",
        header=(("报送截止", _due(programme, year)),),
        blocks=(Grid((45.0, 45.0, 45.0, 45.0), tuple(rows)),),
        notes=("注：完成情况按登记册中该年度的成果记录（results）填写；年度任务为活动规定的下限，未规定的不填。",),
        meta={"studio": studio.id, "year": str(year)} if studio and year else {},
        author=programme.issuer if programme else "", created=date(year, 12, 31) if year else None,
    )


# ---------------------------------------------------------------- 武昌: 任务承诺书
def commitment(studio: Studio | None = None, registry: Registry | None = None, start: date | None = None,
               renewal: bool = False) -> Form:
    """武昌区名师工作室任务承诺书 (办法第九条): the five tasks with the programme's yearly figures,
    for one building cycle; renewed (续签) after a cycle assessment of 合格 or better (第十九条)."""
    programme = registry.programmes.get(studio.programme or "") if studio and registry else None
    leader = registry.masters.get(studio.leader) if studio and registry else None
    unit = registry.units.get(studio.unit) if studio and registry else None
    rules = programme.rules if programme else None
    targets = rules.yearly_targets if rules else {}

    def figure(key: str, default: str) -> str:
        return str(targets[key]) if key in targets else default

    cycle = rules.cycle_years if rules else 2
    end = date(start.year + cycle, start.month, start.day) - timedelta(days=1) if start else None
    grades = "、".join(rules.assessment_results) if rules else "优秀、合格、不合格"
    tasks: Paragraphs = (
        ("p", "根据《武昌区名师工作室建设管理办法》第九条，本工作室承诺在建设周期内完成以下任务："),
        ("p", "一、做好行业示范。定期组织教学或交流活动，在全区进行名师示范讲座及展示"
              + (f"（每年不少于 {targets['lectures']} 次）" if "lectures" in targets else "") + "；及时总结新的工作方法，形成指导性意见，广泛传播研究和实践成果。"),
        ("p", f"二、培育专业人才。制定人才培养方案，有明确的培训计划、培训对象和培训课程，定期开展培训及竞赛，"
              f"每年培训 {figure('training_person_times', '____')} 人次以上。"),
        ("p", f"三、开展学术研究。每年至少承担 {figure('research_topics', '____')} 项区级以上重点调研课题，"
              f"每年参加 {figure('academic_events', '____')} 次国内外高端培训或学术活动。"),
        ("p", "四、形成理论成果。梳理和提炼工作经验、模式，撰写高质量的科研文章，积极著书立说"
              + (f"（每年不少于 {targets['papers']} 篇/部）" if "papers" in targets else "") + "。"),
        ("p", f"五、实施创新活动。主动承担各类试点工作任务，每年至少完成 {figure('innovations', '1～2')} 项创新成果，积极推进成果转化。"),
        ("p", f"考核时依照本承诺书逐项实地检查，考核结果分为{grades}。过程性考核不合格的，限期整改，逾期整改不到位的撤销称号、"
              "收回命名；周期性考核不合格的，直接撤销称号、收回命名，同时收回资助建设经费。"),
    )
    rows: tuple[tuple[Cell, ...], ...] = (
        (label("工作室名称"), value(studio.name if studio else "", colspan=3)),
        (label("领办人"), value(leader.name if leader else ""), label("所在单位"), value(unit.name if unit else "")),
        (label("行业主管部门"), value(bureau(studio, programme)), label("建设周期"),
         value(f"{date_zh(start)}至{date_zh(end)}" if start and end else f"{BLANK_DATE}至{BLANK_DATE}")),
    )
    signatures: tuple[tuple[Cell, ...], ...] = ((
        box("领办人：", colspan=1, height_mm=SEAL_MM, sign=("签字：", HAND_DATE)),
        _sealed("所在单位：", 1),
        _sealed("行业主管部门：", 1),
    ),)
    return Form(
        id=f"renwu-chengnuoshu-{start.year}" if start else "renwu-chengnuoshu",
        title="武昌区名师工作室任务承诺书" + ("（续签）" if renewal else ""),
        purpose="名师工作室命名后与主管部门签订，周期性考核合格以上的续签；考核时依照承诺书逐项检查",
        blocks=(Grid((30.0, 45.0, 30.0, 75.0), rows), Text(tasks), Grid((60.0, 60.0, 60.0), signatures)),
        notes=("注：本承诺书一式三份，工作室、所在单位、行业主管部门各执一份，报区人力资源局备案。",),
        meta={"studio": studio.id, "cycle": str(start.year)} if studio and start else {},
        author=programme.issuer if programme else "", created=start,
    )


def failing_grade(programme: Programme | None) -> str:
    """The programme's lowest assessment result (the schema's default scale without a programme)."""
    grades = programme.rules.assessment_results if programme else tuple(rule_defaults()["assessment_results"])
    return grades[-1]


def commitment_cycles(studio: Studio, programme: Programme | None) -> list[tuple[date, bool]]:
    """(start, renewal) of each cycle a commitment was signed for: at naming, then after each
    周期性 assessment that was not failed (续签), from the next year's start."""
    if studio.named is None:
        return []
    cycles = [(studio.named, False)]
    for assessed in sorted(studio.assessments, key=lambda a: a.year):
        if assessed.kind == "周期性" and assessed.result != failing_grade(programme):
            cycles.append((date(assessed.year + 1, 1, 1), True))
    return cycles


# ---------------------------------------------------------------- 武昌: 整改通知书
def rectification_notice(studio: Studio | None = None, assessed: Assessment | None = None,
                         registry: Registry | None = None) -> Form:
    """整改通知书 (办法第十九条): a 过程性 assessment of 不合格 brings a notice with a deadline;
    not rectified in time, the title is withdrawn."""
    programme = registry.programmes.get(studio.programme or "") if studio and registry else None
    leader = registry.masters.get(studio.leader) if studio and registry else None
    office = assessor(studio, programme)
    name = f"{studio.name}（领办人：{leader.name if leader else studio.leader}）" if studio else "________________名师工作室"
    year = str(assessed.year) if assessed else "____"
    deadline = date_zh(assessed.rectify_by) if assessed and assessed.rectify_by else BLANK_DATE
    text: Paragraphs = (
        ("h", f"{name}："),  # the salutation, not an indented paragraph
        ("p", f"经 {year} 年度过程性考核，你工作室考核结果为不合格。根据《武昌区名师工作室建设管理办法》第十九条，"
              f"请于 {deadline} 前完成整改，并将整改情况书面报送{office or '考核单位'}。逾期整改不到位的，撤销名师工作室称号，收回命名。"),
    )
    rows: tuple[tuple[Cell, ...], ...] = (
        (box("考核发现的问题：", assessed.note or "" if assessed else "", colspan=2, height_mm=40),),
        (box("整改要求：", colspan=2, height_mm=36),),
        (label("整改期限"), value(deadline)),
    )
    signatures: tuple[tuple[Cell, ...], ...] = ((
        box("工作室签收：", colspan=1, height_mm=SEAL_MM, sign=("领办人签字：", HAND_DATE)),
        _sealed(f"考核单位（{office}）：" if office else "考核单位：", 1)),)
    return Form(
        id=f"zhenggai-tongzhishu-{year}" if assessed else "zhenggai-tongzhishu",
        title="名师工作室整改通知书",
        purpose="过程性考核不合格的名师工作室限期整改；逾期整改不到位的撤销称号、收回命名",
        blocks=(Text(text), Grid((40.0, 140.0), rows), Grid((90.0, 90.0), signatures)),
        notes=("注：本通知书一式两份，工作室和考核单位各执一份。",),
        meta={"studio": studio.id, "year": year} if studio and assessed else {},
        author=programme.issuer if programme else "", created=date(assessed.year, 12, 31) if assessed else None,
    )


# ---------------------------------------------------------------- 公示
def public_notice(programme: Programme | None = None, year: int | None = None, registry: Registry | None = None,
                  kind: str = "studio") -> Form:
    """拟命名工作室 / 拟入选技能人才名单公示: the names, the period from the programme's own rule
    (武昌 5 天, 重庆市工业学校校内 3 天), where to object. The dates are the office's to write."""
    studios = kind == "studio"
    what = "拟命名工作室" if studios else "拟入选人员"
    head = ((label("序号"), label("工作室名称"), label("领办人"), label("依托单位"), label("领域/类型"))
            if studios else (label("序号"), label("姓名"), label("工作单位"), label("工种"), label("层级")))
    rows: list[tuple[Cell, ...]] = [head]
    if programme and year and registry:
        if studios:
            named = sorted((s for s in registry.studios.values() if s.programme == programme.id and s.named and s.named.year == year),
                           key=lambda s: (s.named, s.id))
            for i, s in enumerate(named, 1):
                leader, unit = registry.masters.get(s.leader), registry.units.get(s.unit)
                rows.append((value(str(i)), value(s.name), value(leader.name if leader else s.leader),
                             value(unit.name if unit else s.unit), value(f"{s.field}／{s.type}")))
        else:
            people = [(m, tier) for m, tier, y in talent_people(registry, programme.id) if y == year]
            order = {t.name: i for i, t in enumerate(programme.tiers)}
            for i, (m, tier) in enumerate(sorted(people, key=lambda x: (order.get(x[1], 99), x[0].id)), 1):
                unit = registry.units.get(m.unit)
                rows.append((value(str(i)), value(m.name), value(unit.name if unit else m.unit), value(m.trade), value(tier)))
    else:
        rows += [tuple(value("", height_mm=8) for _ in head) for _ in range(BLANK_ROWS)]
    count = len(rows) - 1 if programme and year else None
    period = f"公示期 {notice_days(programme)} 天"
    issuer = programme.issuer if programme else "________"
    text: Paragraphs = (
        ("p", f"经申报推荐、资格审查和专家评审，{'拟命名以下' if studios else '拟入选以下'} {count if count is not None else '____'} "
              f"{'个工作室' if studios else '名人员'}，现予公示。"),
        ("p", f"{period}（自{BLANK_DATE}至{BLANK_DATE}）。公示期间如有异议，请以书面形式向{issuer}反映，"
              "反映情况须实事求是，并署真实姓名和联系方式。公示期满无异议或异议不成立的，予以命名。"),
    )
    widths = (12.0, 52.0, 24.0, 56.0, 36.0) if studios else (12.0, 28.0, 70.0, 40.0, 30.0)
    return Form(
        id=f"gongshi-{kind}-{programme.id}-{year}" if programme and year else f"gongshi-{kind}",
        title=f"{what}名单公示", subtitle=f"（{programme.name}，{year} 年）" if programme and year else "",
        purpose="拟命名的工作室、拟入选的技能人才经社会（校内）公示后命名",
        blocks=(Text(text), Grid(widths, tuple(rows), head=1), Text((("r", issuer), ("r", BLANK_DATE)))),
        meta={"programme": programme.id, "year": str(year)} if programme and year else {},
        author=programme.issuer if programme else "", created=date(year, 12, 31) if year else None,
    )


# ---------------------------------------------------------------- 南浔: 考核津贴发放表
def allowance_sheet(programme: Programme | None = None, year: int | None = None, registry: Registry | None = None) -> Form:
    """“千名技能人才”考核津贴发放汇总表: tier × people × yearly allowance, and the total; then
    the people by tier. Everyone holding a tier that year and still at work is paid (the allowance
    runs to retirement, 持续至退休); a revoked title has no record yet, the office strikes it out."""
    head = (label("层级"), label("人数"), label("每人每年津贴\n（元）"), label("小计（元）"))
    rows: list[tuple[Cell, ...]] = [head]
    people_rows: list[tuple[Cell, ...]] = [(label("序号"), label("姓名"), label("工作单位"), label("层级"),
                                            label("入选年份"), label("津贴（元）"))]
    retired: list[str] = []
    if programme and year and registry:
        _, tiers = talent_progress(registry, programme)
        this_year = [t for t in tiers if t.year == year]
        total_people = sum(t.paid for t in this_year)
        total = sum(t.allowance_total or 0 for t in this_year)
        rows += [(value(t.tier), value(str(t.paid)), value("" if t.allowance_per_person is None else f"{t.allowance_per_person:,}"),
                  value("" if t.allowance_total is None else f"{t.allowance_total:,}")) for t in this_year]
        rows.append((label("合计"), value(str(total_people)), value(""), value(f"{total:,}")))
        holders = talent_holders(registry, programme, year)
        retired = [f"{m.name}（{tier}，{m.retired.year} 年退休）" for m, tier, _ in holders if not paid_in(m, year) and m.retired]
        for i, (m, tier, named) in enumerate([h for h in holders if paid_in(h[0], year)], 1):
            unit, rate = registry.units.get(m.unit), programme.tier(tier)
            amount = rate.allowance_yuan_per_year if rate else None
            people_rows.append((value(str(i)), value(m.name), value(unit.name if unit else m.unit), value(tier), value(str(named)),
                                value("" if amount is None else f"{amount:,}")))
    else:
        rows += [tuple(value("", height_mm=8) for _ in head) for _ in range(4)]
        people_rows += [tuple(value("", height_mm=8) for _ in range(6)) for _ in range(BLANK_ROWS)]
    return Form(
        id=f"kaohe-jintie-fafangbiao-{programme.id}-{year}" if programme and year else "kaohe-jintie-fafangbiao",
        title="技能人才考核津贴发放汇总表", subtitle=f"（{programme.name}，{year} 年度）" if programme and year else "",
        purpose="按层级每年发放考核津贴（每人每年的金额取自活动的层级设置），持续至退休",
        header=(("发放年度", f"{year} 年" if year else ""),),
        blocks=(Grid((60.0, 30.0, 45.0, 45.0), tuple(rows), head=1),
                Grid((14.0, 26.0, 62.0, 28.0, 22.0, 28.0), tuple(people_rows), head=1),
                Grid((90.0, 90.0), ((box("经办人：", height_mm=SEAL_MM, sign=("签字：", HAND_DATE)), _sealed("审核单位：", 1)),))),
        notes=("注：人数按登记册中本年度持有该层级且仍在职的人员计（入选年份不晚于本年度；晋升者按晋升后的层级计一次，只发一份津贴；"
               "津贴“持续至退休”，发放到退休当年为止）；被撤销称号的人员由经办人核减。",
               *((f"已退休、本年度不再发放：{'、'.join(retired)}。",) if retired else ())),
        meta={"programme": programme.id, "year": str(year)} if programme and year else {},
        author=programme.issuer if programme else "", created=date(year, 12, 31) if year else None,
    )
