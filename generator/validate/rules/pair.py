"""Rules on master–apprentice pairs (结对协议)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from generator.model.entities import Pair
from generator.validate.rules import Context, Finding, default_rules, rule, warning
from generator.validate.rules.master import implausible_birth_year

_SEALS = {"administration": "单位行政", "union": "单位工会", "hr": "单位人力资源"}


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def term_text(start: date, end: date) -> str:
    """The agreement's term as staff say it: 2年, 1年6个月 (end date inclusive)."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month - (after.day < start.day)
    years, months = divmod(months, 12)
    if years == 0 and months == 0:
        return "不足1个月"
    return (f"{years}年" if years else "") + (f"{months}个月" if months else "")


@rule("pair.dates")
def dates_in_order(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        if pair.signed and pair.signed > pair.start:
            yield Finding(pair.src, f"签订日期 {pair.signed} 晚于开始日期 {pair.start}：应先签订协议再开始结对", ("signed",))
        if pair.start > pair.end:
            yield Finding(pair.src, f"开始日期 {pair.start} 晚于结束日期 {pair.end}", ("end",))


@rule("pair.term")
def term_within_programme(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        rules = ctx.rules(pair.programme, "pairing")
        if rules is None or pair.start > pair.end:
            continue
        after, allowed = pair.end + timedelta(days=1), rules.term_years
        too_short = allowed.min is not None and after < add_years(pair.start, allowed.min)
        too_long = allowed.max is not None and after > add_years(pair.start, allowed.max)
        if too_short or too_long:
            yield Finding(pair.src, f"结对期限为{term_text(pair.start, pair.end)}，超出本活动规定的{allowed.text('年')}", ("end",))


@rule("pair.stages")
def stages_inside_term(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        previous = None
        for i, stage in enumerate(pair.stages):
            key = ("stages", i, "start")
            if stage.start > stage.end:
                yield Finding(pair.src, f"“{stage.title}”的开始日期 {stage.start} 晚于结束日期 {stage.end}", key)
            elif stage.start < pair.start or stage.end > pair.end:
                yield Finding(pair.src, f"“{stage.title}”（{stage.start} 至 {stage.end}）超出结对期限 {pair.start} 至 {pair.end}", key)
            if previous is not None and stage.start <= previous.end:
                yield Finding(pair.src, f"“{stage.title}”从 {stage.start} 开始，与上一阶段“{previous.title}”（至 {previous.end}）重叠或顺序颠倒", key)
            previous = stage


@rule("pair.approvals")
def sealed_before_start(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        if not pair.in_force:
            continue
        dated = pair.approvals.dated()
        missing = [label for key, label in _SEALS.items() if key not in dated]
        if missing:
            yield Finding(pair.src, f"状态为“{pair.status}”的协议须经单位行政、工会、人力资源三方盖章才生效，缺少：{'、'.join(missing)}", ("approvals",))
        for key, day in dated.items():
            if day > pair.start:
                yield Finding(pair.src, f"{_SEALS[key]}盖章日期 {day} 晚于结对开始日期 {pair.start}：协议须盖章生效后才能开始", ("approvals", key))


@rule("pair.max_apprentices")
def master_not_overloaded(ctx: Context) -> Iterator[Finding]:
    by_master: dict[str, list[Pair]] = defaultdict(list)
    for pair in ctx.registry.pairs.values():
        if pair.in_force and pair.start <= pair.end:
            by_master[pair.master].append(pair)
    for master_id, pairs in by_master.items():
        # Sweep by start date over a heap of end dates (a master with thousands of pairs in a
        # ledger stays linear-logarithmic): the pair that pushes the count over the limit is reported.
        active: list[tuple[date, str]] = []
        for pair in sorted(pairs, key=lambda p: (p.start, p.id)):
            while active and active[0][0] < pair.start:
                heapq.heappop(active)
            heapq.heappush(active, (pair.end, pair.id))
            rules = ctx.rules(pair.programme, "pairing") or default_rules()
            if len(active) > rules.max_apprentices_per_master:
                master = ctx.registry.masters.get(master_id)
                name = master.name if master else master_id
                others = sorted(pid for _, pid in active if pid != pair.id)
                listed = "、".join(others[:5]) + (f" 等 {len(others)} 项" if len(others) > 5 else "")
                yield Finding(pair.src, f"师傅{name}在 {pair.start} 同时在带 {len(active)} 名徒弟（另有 {listed}），超过本活动规定的每名师傅 {rules.max_apprentices_per_master} 人", ("master",))


@rule("pair.same_unit")
def master_in_same_unit(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        rules = ctx.rules(pair.programme, "pairing")
        master = ctx.registry.masters.get(pair.master)
        # A unit that does not exist is the ref rule's to report, not a second finding here.
        if rules is not None and rules.same_unit and master is not None and master.unit != pair.unit \
                and pair.unit in ctx.registry.ids["unit"]:
            yield warning(pair.src, f"师傅{master.name}属于单位“{master.unit}”，结对单位是“{pair.unit}”：本活动要求师徒原则上在同一单位", ("unit",))


@rule("pair.completed")
def completed_needs_evaluation(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        result = pair.evaluation.result if pair.evaluation else None
        if pair.status == "已出师" and result != "出师":
            shown = f"“{result}”" if result else "空缺"
            yield Finding(pair.src, f"状态为“已出师”，但期满鉴定结果（evaluation.result）为{shown}：应为“出师”", ("status",))


@rule("pair.terminated")
def termination_recorded(ctx: Context) -> Iterator[Finding]:
    """已终止 and its date go together: a year's figures count the agreement up to the day it ended."""
    for pair in ctx.registry.pairs.values():
        ended = pair.terminated
        if ended is None:
            if pair.status == "已终止":
                yield warning(pair.src, "状态为“已终止”，但没有填写提前终止的日期（terminated）：往年的统计只能按 git 中的修改时间推算，"
                                        "请补上终止日期和原因", ("status",))
            continue
        if pair.status != "已终止":
            yield Finding(pair.src, f"填写了提前终止（{ended.date}），状态却是“{pair.status}”：应改为“已终止”，或删去提前终止", ("terminated",))
        if not pair.start <= ended.date <= pair.end:
            yield Finding(pair.src, f"终止日期 {ended.date} 不在结对期限（{pair.start} 至 {pair.end}）之内", ("terminated", "date"))


@rule("pair.overdue")
def evaluation_overdue(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        if pair.status == "培养中" and pair.end < ctx.today:
            yield warning(pair.src, f"结对期限已于 {pair.end} 结束，状态仍为“培养中”：请填写期满鉴定并更新状态", ("status",))


@rule("pair.renews")
def renews_earlier_pair(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        earlier = ctx.registry.pairs.get(pair.renews or "")
        if earlier is None:
            continue  # absent: reported by the "ref" rule
        if earlier.id == pair.id:
            yield Finding(pair.src, "续签自（renews）不能指向本协议自己", ("renews",))
        elif earlier.master != pair.master:
            yield Finding(pair.src, f"续签的上一份协议 {earlier.id} 的师傅是“{earlier.master}”，与本协议的师傅“{pair.master}”不同", ("renews",))
        elif earlier.end >= pair.start:
            yield Finding(pair.src, f"续签的上一份协议 {earlier.id} 到 {earlier.end} 才结束，本协议却从 {pair.start} 开始：续签应在上一份期满之后", ("renews",))


@rule("pair.birth_year")
def apprentice_birth_year_plausible(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        born = pair.apprentice.birth_year
        problem = implausible_birth_year(born, ctx.today.year) if born else None
        if problem:
            yield Finding(pair.src, "徒弟的" + problem, ("apprentice", "birth_year"))


@rule("pair.lineage")
def apprentice_profile_matches(ctx: Context) -> Iterator[Finding]:
    for pair in ctx.registry.pairs.values():
        later = ctx.registry.masters.get(pair.apprentice.master or "")
        if later is None:
            continue
        if later.id == pair.master:
            yield Finding(pair.src, "徒弟不能是本协议的师傅自己", ("apprentice", "master"))
        elif later.name != pair.apprentice.name:
            yield Finding(pair.src, f"徒弟姓名“{pair.apprentice.name}”与名匠档案 {later.id} 的姓名“{later.name}”不一致", ("apprentice", "master"))
