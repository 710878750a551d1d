"""Rules on masters (craftsmen)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from generator.model.entities import Master
from generator.validate.rules import Context, Finding, rule, warning

# Sanity bounds, not programme policy: the Labour Law's minimum working age,
# and an age no living worker reaches.
MIN_AGE = 16
MAX_AGE = 100


def implausible_birth_year(birth_year: int, this_year: int) -> str | None:
    age = this_year - birth_year
    if age < MIN_AGE:
        return f"出生年份 {birth_year} 不合理：今年才 {age} 岁，不满 {MIN_AGE} 周岁"
    if age > MAX_AGE:
        return f"出生年份 {birth_year} 不合理：今年已 {age} 岁"
    return None


@rule("master.birth_year")
def birth_year_plausible(ctx: Context) -> Iterator[Finding]:
    for master in ctx.registry.masters.values():
        problem = implausible_birth_year(master.birth_year, ctx.today.year)
        if problem:
            yield Finding(master.src, problem, ("birth_year",))


@rule("master.qualification")
def master_qualified_to_teach(ctx: Context) -> Iterator[Finding]:
    required: dict[str, set[str]] = defaultdict(set)
    for pair in ctx.registry.pairs.values():
        rules = ctx.rules(pair.programme, "pairing")
        if rules is not None:
            required[pair.master].update(rules.master_skill_levels)
    for master_id, levels in sorted(required.items()):
        master = ctx.registry.masters.get(master_id)
        if master is not None and not master.honours and master.skill_level not in levels:
            yield warning(master.src, _message(master, levels), ("skill_level",))


def _message(master: Master, levels: set[str]) -> str:
    wanted = "、".join(sorted(levels))
    return f"{master.name}带有徒弟，但没有荣誉称号，技术等级“{master.skill_level}”也不是{wanted}：师傅一般应具备其一"
