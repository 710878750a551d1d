"""Rules on programme records themselves."""

from __future__ import annotations

from collections.abc import Iterator

from generator.validate.rules import Context, Finding, rule, warning


@rule("programme.quota_sum")
def quotas_within_target(ctx: Context) -> Iterator[Finding]:
    for p in ctx.registry.programmes.values():
        total = sum(q.target for q in p.quotas)
        if total > p.target:
            yield warning(p.src, f"各单位任务合计 {total}，超过活动总目标 {p.target}", ("quotas",))
