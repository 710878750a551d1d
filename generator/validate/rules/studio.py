"""Rules on studios (工作室), parameterised by their programme."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator.model.entities import MEASURE_LABELS, Assessment, Rules, Studio
from generator.validate.rules import Context, Finding, rule, warning

# Which status each failed assessment allows: a failed cycle (or yearly)
# assessment revokes at once; a failed process assessment calls for rectification.
_ALLOWED_AFTER_FAIL = {"周期性": ("已撤销",), "年度": ("已撤销",), "过程性": ("整改中", "已撤销")}
_FAIL = "不合格"


def _studios(ctx: Context) -> Iterator[tuple[Studio, Rules]]:
    for studio in ctx.registry.studios.values():
        rules = ctx.rules(studio.programme, "studio")
        if rules is not None:
            yield studio, rules


def _year_of_naming(studio: Studio, ctx: Context) -> int:
    # While a studio is still applying, the age that matters is this year's.
    return studio.named.year if studio.named else ctx.today.year


@rule("studio.team_size")
def team_size(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        size, allowed = len(studio.members), rules.team_size
        if (allowed.min is not None and size < allowed.min) or (allowed.max is not None and size > allowed.max):
            yield Finding(studio.src, f"团队成员有 {size} 人，本活动规定{allowed.text('人')}（不含领办人）", ("members",))


@rule("studio.leader_member")
def leader_not_member(ctx: Context) -> Iterator[Finding]:
    for studio in ctx.registry.studios.values():
        if studio.leader in studio.members:
            i = studio.members.index(studio.leader)
            yield Finding(studio.src, f"领办人“{studio.leader}”不能同时列为团队成员", ("members", i))


@rule("studio.leader_age")
def leader_age(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        leader = ctx.registry.masters.get(studio.leader)
        if leader is None:
            continue
        year = _year_of_naming(studio, ctx)
        age = leader.age_in(year)
        limits = rules.leader_max_age_special if studio.leader_age_exception else rules.leader_max_age
        limit = limits.get(leader.gender)
        if limit is None or age <= limit:
            continue
        if studio.leader_age_exception:
            note = "（已按特殊情况放宽）"
        else:
            special = rules.leader_max_age_special.get(leader.gender)
            note = f"（特殊情况可放宽至 {special} 岁，须在 leader_age_exception 中说明）" if special and special > limit else ""
        yield Finding(studio.src, f"领办人{leader.name}在 {year} 年为 {age} 岁，超过本活动规定的{leader.gender}性 {limit} 岁上限{note}", ("leader",))


@rule("studio.member_age")
def member_age(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        year = _year_of_naming(studio, ctx)
        for i, member_id in enumerate(studio.members):
            member = ctx.registry.masters.get(member_id)
            if member is not None and member.age_in(year) > rules.member_max_age:
                yield Finding(studio.src, f"团队成员{member.name}在 {year} 年为 {member.age_in(year)} 岁，超过本活动规定的 {rules.member_max_age} 岁", ("members", i))


@rule("studio.area")
def area(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        if studio.area_m2 is not None and studio.area_m2 < rules.min_area_m2:
            yield Finding(studio.src, f"场地面积 {studio.area_m2:g} 平方米，小于本活动规定的 {rules.min_area_m2:g} 平方米", ("area_m2",))


@rule("studio.named_per_year")
def named_per_year(ctx: Context) -> Iterator[Finding]:
    groups: dict[tuple[str, int], list[Studio]] = defaultdict(list)
    for studio, _rules in _studios(ctx):
        if studio.named is not None:
            groups[(studio.programme or "", studio.named.year)].append(studio)
    for (programme_id, year), studios in groups.items():
        limit = ctx.registry.programmes[programme_id].rules.max_named_per_year
        ordered = sorted(studios, key=lambda s: (s.named, s.id))
        for studio in ordered[limit:]:
            yield Finding(studio.src, f"{year} 年本活动已命名 {len(studios)} 个工作室，超过每年 {limit} 个的上限", ("named",))


def _latest_failure(assessments: list[Assessment]) -> Assessment | None:
    # A failed cycle assessment revokes for good; otherwise only the latest one counts.
    for assessment in assessments:
        if assessment.result == _FAIL and assessment.kind != "过程性":
            return assessment
    latest = max(assessments, key=lambda a: (a.year, a.kind != "过程性"), default=None)
    return latest if latest is not None and latest.result == _FAIL else None


@rule("studio.assessment_status")
def status_follows_assessment(ctx: Context) -> Iterator[Finding]:
    for studio in ctx.registry.studios.values():
        failed = _latest_failure(studio.assessments)
        if failed is None:
            continue
        allowed = _ALLOWED_AFTER_FAIL[failed.kind]
        if studio.status not in allowed:
            wanted = "或".join(f"“{s}”" for s in allowed)
            yield Finding(studio.src, f"{failed.year} 年{failed.kind}考核不合格，状态应为{wanted}，而不是“{studio.status}”", ("status",))


@rule("studio.assessment_result")
def assessment_result_known(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        for i, assessment in enumerate(studio.assessments):
            if assessment.result not in rules.assessment_results:
                wanted = "、".join(rules.assessment_results)
                yield Finding(studio.src, f"考核结果“{assessment.result}”不是本活动的等次，应为：{wanted}", ("assessments", i, "result"))


@rule("studio.yearly_targets")
def yearly_targets(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        for i, result in enumerate(studio.results):
            for measure, target in rules.yearly_targets.items():
                value = result.get(measure)
                if value is not None and value < target:
                    label = MEASURE_LABELS.get(measure, measure)
                    yield warning(studio.src, f"{result.year} 年{label} {value}，低于本活动规定的每年 {target}", ("results", i, measure))


@rule("studio.name_format")
def name_format(ctx: Context) -> Iterator[Finding]:
    for studio, rules in _studios(ctx):
        leader = ctx.registry.masters.get(studio.leader)
        if rules.name_format is None or studio.type != "技能大师工作室" or leader is None:
            continue
        expected = rules.name_format.replace("{trade}", leader.trade)
        if studio.name != expected:
            yield Finding(studio.src, f"技能大师工作室应按“工种+技能大师工作室”命名，即“{expected}”（领办人工种为{leader.trade}），而不是“{studio.name}”", ("name",))


@rule("studio.assessment_figures")
def assessment_agrees_with_figures(ctx: Context) -> Iterator[Finding]:
    """An assessment's note that calls a measure short (培训人次未达标) while the year's recorded
    figure meets the programme's target: the record contradicts itself (a warning: one of
    the two was typed wrong)."""
    for studio, rules in _studios(ctx):
        results = {r.year: r for r in studio.results}
        for i, assessment in enumerate(studio.assessments):
            result = results.get(assessment.year)
            if result is None or not assessment.note:
                continue
            for measure, target in rules.yearly_targets.items():
                label, value = MEASURE_LABELS.get(measure, measure), result.get(measure)
                if value is not None and value >= target and f"{label}未达标" in assessment.note.replace(" ", ""):
                    yield warning(studio.src, f"{assessment.year} 年考核意见说“{label}未达标”，但年度成果记录的{label}为 {value}，"
                                  f"已达到每年 {target} 的任务：请核对考核意见或年度成果", ("assessments", i, "note"))
