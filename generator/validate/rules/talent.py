"""Talent programme rules: tiers exist, and each tier's yearly quota holds."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator.model.entities import Master
from generator.validate.rules import Context, Finding, rule


@rule("talent.tier")
def tier_exists(ctx: Context) -> Iterator[Finding]:
    for master in ctx.registry.masters.values():
        for i, entry in enumerate(master.talent):
            programme = ctx.programme(entry.programme, "talent")
            if programme is None:
                continue  # reported by the "ref" rule
            if programme.tier(entry.tier) is None:
                names = "、".join(t.name for t in programme.tiers)
                yield Finding(master.src, f"层级“{entry.tier}”不是“{programme.name}”的层级，应为：{names}", ("talent", i, "tier"))
            if not programme.start_year <= entry.year <= programme.end_year:
                yield Finding(master.src, f"入选年份 {entry.year} 不在活动期限 {programme.start_year}–{programme.end_year} 年内", ("talent", i, "year"))


@rule("talent.per_year")
def tier_quota_per_year(ctx: Context) -> Iterator[Finding]:
    named: dict[tuple[str, str, int], list[tuple[Master, int]]] = defaultdict(list)
    for master in sorted(ctx.registry.masters.values(), key=lambda m: m.id):
        for i, entry in enumerate(master.talent):
            named[(entry.programme, entry.tier, entry.year)].append((master, i))
    for (programme_id, tier_name, year), people in named.items():
        programme = ctx.programme(programme_id, "talent")
        tier = programme.tier(tier_name) if programme else None
        if tier is None or len(people) <= tier.per_year:
            continue
        for master, i in people[tier.per_year:]:
            yield Finding(master.src, f"{year}年“{tier_name}”已评选 {len(people)} 人，超过每年 {tier.per_year} 人的名额", ("talent", i))
