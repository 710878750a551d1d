"""Every reference between records resolves to a record of the right kind."""

from __future__ import annotations

from collections.abc import Iterator

from generator.kinds import BY_NAME, PROGRAMME_KINDS
from generator.load.yamlfile import Key
from generator.model.entities import Source
from generator.nearest import close_ids
from generator.validate.rules import Context, Finding, rule


def _missing(ctx: Context, src: Source, key: Key, kind: str, target: str | None) -> Iterator[Finding]:
    why = ctx.registry.withdrawn.get(kind, {}).get(target or "")
    if why is not None:
        yield Finding(src, f"引用的{BY_NAME[kind].label}“{target}”已撤回（{why}）：请改为引用其他记录，或先取消那条记录的撤回", key)
    elif target is not None and target not in ctx.registry.ids[kind]:
        yield Finding(src, f"引用的{BY_NAME[kind].label}“{target}”不存在：records/{BY_NAME[kind].folder}/ 下没有 {target}.yml"
                      + _nearest(ctx, kind, target), key)


def _nearest(ctx: Context, kind: str, target: str) -> str:
    """A mistyped id gets the ids it most resembles (是不是 taoyuan-demo-motor？), when some are close."""
    close = close_ids(target, ctx.registry.ids[kind])
    return f"。是不是 {'、'.join(close)}？" if close else ""


def _programme(ctx: Context, src: Source, key: Key, target: str | None, kind: str) -> Iterator[Finding]:
    yield from _missing(ctx, src, key, "programme", target)
    found = ctx.registry.programmes.get(target or "")
    if found is not None and found.kind != kind:
        yield Finding(src, f"活动“{target}”是{PROGRAMME_KINDS[found.kind]}活动，此处应引用{PROGRAMME_KINDS[kind]}活动", key)


@rule("ref")
def references_resolve(ctx: Context) -> Iterator[Finding]:
    reg = ctx.registry
    for unit in reg.units.values():
        yield from _missing(ctx, unit.src, ("parent",), "unit", unit.parent)
    yield from _parent_cycles(ctx)
    for p in reg.programmes.values():
        yield from _missing(ctx, p.src, ("issuer_unit",), "unit", p.issuer_unit)
        for i, quota in enumerate(p.quotas):
            yield from _missing(ctx, p.src, ("quotas", i, "unit"), "unit", quota.unit)
    for m in reg.masters.values():
        yield from _missing(ctx, m.src, ("unit",), "unit", m.unit)
        for i, entry in enumerate(m.talent):
            yield from _programme(ctx, m.src, ("talent", i, "programme"), entry.programme, "talent")
    for s in reg.studios.values():
        yield from _missing(ctx, s.src, ("unit",), "unit", s.unit)
        yield from _missing(ctx, s.src, ("leader",), "master", s.leader)
        yield from _programme(ctx, s.src, ("programme",), s.programme, "studio") if s.programme else iter(())
        for i, member in enumerate(s.members):
            yield from _missing(ctx, s.src, ("members", i), "master", member)
        for i, partner in enumerate(s.partner_units):
            yield from _missing(ctx, s.src, ("partner_units", i), "unit", partner)
    for pair in reg.pairs.values():
        yield from _programme(ctx, pair.src, ("programme",), pair.programme, "pairing")
        yield from _missing(ctx, pair.src, ("unit",), "unit", pair.unit)
        yield from _missing(ctx, pair.src, ("master",), "master", pair.master)
        yield from _missing(ctx, pair.src, ("studio",), "studio", pair.studio)
        yield from _missing(ctx, pair.src, ("renews",), "pair", pair.renews)
        yield from _missing(ctx, pair.src, ("apprentice", "master"), "master", pair.apprentice.master)


def _parent_cycles(ctx: Context) -> Iterator[Finding]:
    units = ctx.registry.units
    for unit in units.values():
        seen, current = {unit.id}, unit.parent
        while current in units:
            if current in seen:
                yield Finding(unit.src, f"上级单位形成循环：{unit.id} 最终又成了自己的上级", ("parent",))
                break
            seen.add(current)
            current = units[current].parent
