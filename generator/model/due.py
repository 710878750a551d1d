"""What needs action on a given day: the union office's reminders.

Each reminder is a :class:`Diagnostic` (severity warning, rule ``due.*``) on
the record it concerns, so the text and GitHub reporters show it as they
show validation problems.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from generator.diagnostics import Diagnostic, Severity
from generator.load.yamlfile import Key
from generator.model.entities import Pair, Registry, Source, mask_name
from generator.model.progress import half_up, pairing_progress

# A stage report is expected at least this often while a pair is in training.
REPORT_INTERVAL = timedelta(days=365)
# The yearly report deadline is announced this long before it.
DEADLINE_NOTICE = timedelta(days=45)


def _remind(src: Source, rule: str, message: str, key: Key = ()) -> Diagnostic:
    line, column = src.locate(key)
    return Diagnostic(src.path, line, column, Severity.WARNING, rule, message)


def _last_report(pair: Pair) -> date:
    """The newest stage report, or the start when there is none yet."""
    reported = [s.reported or s.end for s in pair.stages if s.done]
    return max([pair.start, *reported])


def _unit_name(registry: Registry, unit_id: str | None) -> str:
    unit = registry.units.get(unit_id or "")
    return unit.name if unit else (unit_id or "")


def _pair_who(registry: Registry, pair: Pair) -> str:
    """Who a clerk must call about a pair: the unit, the master, the apprentice (masked: the reminder issue is public)."""
    master = registry.masters.get(pair.master)
    return (f"{_unit_name(registry, pair.unit)} 师傅{master.name if master else pair.master}、"
            f"徒弟{mask_name(pair.apprentice.name)}：")


def overdue_evaluations(registry: Registry, day: date) -> Iterator[Diagnostic]:
    for pair in sorted(registry.pairs.values(), key=lambda p: p.id):
        if pair.status == "培养中" and pair.end < day and (pair.evaluation is None or not pair.evaluation.result):
            yield _remind(pair.src, "due.evaluation", f"{_pair_who(registry, pair)}结对期限已于 {pair.end} 届满，尚未填写期满鉴定",
                          ("end",))


def missing_stage_reports(registry: Registry, day: date) -> Iterator[Diagnostic]:
    for pair in sorted(registry.pairs.values(), key=lambda p: p.id):
        if pair.status != "培养中" or pair.end < day:
            continue
        last = _last_report(pair)
        if day - last > REPORT_INTERVAL:
            yield _remind(pair.src, "due.stage_report", f"{_pair_who(registry, pair)}自 {last} 以来超过 12 个月没有阶段培养计划表上报",
                          ("stages",))


def report_deadlines(registry: Registry, day: date) -> Iterator[Diagnostic]:
    for programme in sorted(registry.programmes.values(), key=lambda p: p.id):
        if programme.kind != "pairing" or not programme.rules.report_due or not programme.start_year <= day.year <= programme.end_year + 1:
            continue
        month, dom = (int(x) for x in programme.rules.report_due.split("-"))
        deadline = date(day.year, month, dom)
        if deadline - DEADLINE_NOTICE <= day <= deadline:
            yield _remind(programme.src, "due.report", f"{programme.name}：年度材料须在 {deadline} 前报送（还有 {(deadline - day).days} 天）")


def studio_assessments(registry: Registry, day: date) -> Iterator[Diagnostic]:
    for studio in sorted(registry.studios.values(), key=lambda s: s.id):
        programme = registry.programmes.get(studio.programme or "")
        if programme is None or studio.named is None or studio.status not in ("已命名", "整改中"):
            continue
        years_in = day.year - studio.named.year
        if years_in < 1 or any(a.year == day.year for a in studio.assessments):
            continue
        cycle = programme.rules.cycle_years
        kind = "年度" if cycle == 1 else ("周期性" if years_in % cycle == 0 else "过程性")
        yield _remind(studio.src, "due.assessment", f"{studio.name}（{_unit_name(registry, studio.unit)}，领办人"
                      f"{registry.masters[studio.leader].name if studio.leader in registry.masters else studio.leader}）："
                      f"{day.year} 年应进行{kind}考核，尚无考核记录", ("assessments",))


def units_behind_plan(registry: Registry, day: date) -> Iterator[Diagnostic]:
    for programme in sorted(registry.programmes.values(), key=lambda p: p.id):
        # Only while the programme runs: after its end the shortfall is history, not a reminder.
        if programme.kind != "pairing" or not programme.start_year <= day.year <= programme.end_year:
            continue
        elapsed = day.year - programme.start_year + 1
        for i, row in enumerate(pairing_progress(registry, programme).quotas):
            years = row.years or programme.years
            plan = half_up(row.target * min(elapsed, years), years)
            if row.done < plan:
                name = _unit_name(registry, row.unit)
                yield _remind(programme.src, "due.quota", f"{programme.name}：{name}已结对 {row.done} 对，落后于均衡进度（到 {day.year} 年应完成 {plan} 对，任务 {row.target} 对）",
                              ("quotas", i))


CHECKS = (overdue_evaluations, missing_stage_reports, report_deadlines, studio_assessments, units_behind_plan)


def due(registry: Registry, day: date) -> list[Diagnostic]:
    return [item for check in CHECKS for item in check(registry, day)]
