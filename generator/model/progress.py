"""Quota progress and other figures derived from the registry.

Shared by the site, the forms (附件4) and the reminders, so that a number
means the same everywhere.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.model.entities import IN_FORCE_STATUSES, Master, Pair, Programme, Registry

# A pair counts towards a quota once sealed, whether still training, completed or extended;
# one awaiting approval or terminated does not.
COUNTED_STATUSES = IN_FORCE_STATUSES


def percent(done: int, target: int) -> int:
    """A share in whole percent, rounded half up as an office rounds (四舍五入: 13/40 = 32.5% -> 33%;
    Python's round() would give 32, rounding halves to even)."""
    return (200 * done + target) // (2 * target) if target else 100


def half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True, slots=True)
class QuotaRow:
    unit: str
    target: int
    years: int | None
    done: int

    @property
    def percent(self) -> int:
        return percent(self.done, self.target)


@dataclass(frozen=True, slots=True)
class YearRow:
    year: int
    done: int  # counted that year
    cumulative: int
    plan: int  # cumulative even plan: target * (years elapsed) / years


@dataclass(slots=True)
class Progress:
    programme: Programme
    done: int
    quotas: list[QuotaRow] = field(default_factory=list)
    others: int = 0  # counted in units outside the quota table (其它单位)
    years: list[YearRow] = field(default_factory=list)
    renewals: int = 0  # renewed agreements (续签), not counted again
    outside_years: int = 0  # counted in ``done`` but started outside the programme's years: in no year row

    @property
    def percent(self) -> int:
        return percent(self.done, self.programme.target)


def unit_ancestry(registry: Registry, unit_id: str) -> list[str]:
    """The unit and its parents, nearest first (cycles are cut: the validator reports them)."""
    chain: list[str] = []
    current: str | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        parent = registry.units.get(current)
        current = parent.parent if parent else None
    return chain


def report_deadline(report_due: str, year: int) -> date:
    """When the report on ``year`` is due: a date in the second half of the year falls in that
    year (桃源: 12月中旬前), one in the first half in the next (重庆: 每年1月底前提交上一年度工作报告)."""
    month, dom = (int(x) for x in report_due.split("-"))
    return date(year if month >= 7 else year + 1, month, dom)


def statistics_date(programme: Programme, year: int) -> date:
    """The day a year's figures are counted to: the report's due date when it falls in that year
    (桃源 12月15日: counted up to the day they are sent), otherwise the year's end (never after the due date)."""
    due = report_deadline(programme.rules.report_due, year) if programme.rules.report_due else None
    return due if due is not None and due.year == year else date(year, 12, 31)


def activity_years(registry: Registry, programme: Programme) -> range:
    """Every year with something to report: the programme's own years and every year its records
    hold a date in (pairs signed before it started, pairs still running after it ended)."""
    years = {programme.start_year, programme.end_year}
    for pair in registry.pairs.values():
        if pair.programme == programme.id:
            years |= {d.year for d in (pair.signed, pair.start, pair.end) if d is not None}
    for studio in registry.studios.values():
        if studio.programme == programme.id:
            years |= {d.year for d in (studio.established, studio.named) if d is not None}
            years |= {a.year for a in studio.assessments} | {r.year for r in studio.results}
    years |= {t.year for m in registry.masters.values() for t in m.talent if t.programme == programme.id}
    return range(min(years), max(years) + 1)


def sealed_on(pair: Pair) -> date | None:
    """The day the agreement took effect: its last of the three seals (a pair counted as sealed
    without their dates took effect when it started)."""
    seals = (pair.approvals.administration, pair.approvals.union, pair.approvals.hr)
    if all(seals):
        return max(d for d in seals if d is not None)
    return pair.start if pair.status in COUNTED_STATUSES else None


def in_force_on(pair: Pair, day: date, changed: Mapping[str, date] | None = None) -> bool:
    """Whether the agreement was in force on ``day``, as the records and their history say.

    A pair 已终止 today was in force until the day it ended (``terminated.date``), so a year's report
    printed again later lists it as it was then. An older record without that date falls back on
    its history: in force before its file last changed (git, ``changed``: pair id -> date of its
    last commit); without history a terminated pair is taken as ended."""
    took_effect = sealed_on(pair)
    if took_effect is None or took_effect > day or pair.status == "待审批":
        return False
    if pair.status == "已终止":
        if pair.terminated is not None:
            return pair.terminated.date > day
        last_change = (changed or {}).get(pair.id)
        return last_change is not None and last_change > day
    return True


def pairs_as_of(registry: Registry, programme_id: str, day: date, changed: Mapping[str, date] | None = None) -> list[Pair]:
    return sorted((p for p in registry.pairs.values() if p.programme == programme_id and in_force_on(p, day, changed)),
                  key=lambda p: (p.start, p.id))


def sealed_pairs(registry: Registry, programme_id: str) -> list[Pair]:
    return sorted((p for p in registry.pairs.values() if p.programme == programme_id and p.status in COUNTED_STATUSES),
                  key=lambda p: (p.start, p.id))


def counted_pairs(registry: Registry, programme_id: str) -> list[Pair]:
    return _without_renewals(sealed_pairs(registry, programme_id))


def _without_renewals(sealed: list[Pair]) -> list[Pair]:
    """Each master and apprentice once: a renewal (续签) continues the agreement it renews,
    so it is not a new pair when that agreement is counted already."""
    ids = {p.id for p in sealed}
    return [p for p in sealed if not (p.renews and p.renews in ids)]


def _quota_unit(registry: Registry, unit_id: str, quota_units: set[str]) -> str | None:
    return next((u for u in unit_ancestry(registry, unit_id) if u in quota_units), None)


def _even_plan(programme: Programme, done_by_year: Counter[int]) -> list[YearRow]:
    rows, cumulative = [], 0
    for offset in range(programme.years):
        year = programme.start_year + offset
        cumulative += done_by_year.get(year, 0)
        plan = half_up(programme.target * (offset + 1), programme.years)
        rows.append(YearRow(year, done_by_year.get(year, 0), cumulative, plan))
    return rows


def pairing_progress(registry: Registry, programme: Programme, as_of: date | None = None,
                     changed: Mapping[str, date] | None = None) -> Progress:
    """Today's figures, or with ``as_of`` the figures as they stood that day (附件4 of a past year)."""
    sealed = sealed_pairs(registry, programme.id) if as_of is None else pairs_as_of(registry, programme.id, as_of, changed)
    pairs = _without_renewals(sealed)
    quota_units = {q.unit for q in programme.quotas}
    by_unit: Counter[str] = Counter()
    others = 0
    for pair in pairs:
        owner = _quota_unit(registry, pair.unit, quota_units)
        if owner is None:
            others += 1
        else:
            by_unit[owner] += 1
    rows = [QuotaRow(q.unit, q.target, q.years, by_unit.get(q.unit, 0)) for q in programme.quotas]
    by_year = Counter(p.start.year for p in pairs)
    outside = sum(1 for p in pairs if not programme.start_year <= p.start.year <= programme.end_year)
    return Progress(programme, len(pairs), rows, others, _even_plan(programme, by_year), len(sealed) - len(pairs), outside)


@dataclass(frozen=True, slots=True)
class UnitYear:
    """One unit's line of a yearly pairing report (the Taoyuan December report)."""

    unit: str | None  # a quota unit, or None for 其它单位
    target: int | None
    started: int  # counted pairs that took effect since the last report
    cumulative: int  # counted pairs in force on the statistics date
    completed: int  # judged 出师 this year
    extended: int  # judged 延期 this year


def pairing_year(registry: Registry, programme: Programme, year: int, day: date | None = None,
                 changed: Mapping[str, date] | None = None) -> tuple[list[UnitYear], list[Pair]]:
    """Each quota unit's (and the other units') figures for ``year``, and the year's new pairs,
    counted as 附件4 and 任务进度 count them (sealed, a renewal once) as they stood on ``day``
    (the year's statistics date unless an earlier one is given: a year not over yet).

    A report covers the days since the last one: a pair is new in the year its last seal falls
    after the previous statistics date (one sealed on 12月16日 is in next year's report, never in
    none), and an 出师 or 延期 judged in those days is that year's, a renewal's included."""
    day = day or statistics_date(programme, year)
    since = statistics_date(programme, year - 1)
    quota_units = {q.unit for q in programme.quotas}
    sealed = pairs_as_of(registry, programme.id, day, changed)
    pairs = _without_renewals(sealed)
    owners = {p.id: _quota_unit(registry, p.unit, quota_units) for p in sealed}
    new = [p for p in pairs if (sealed_on(p) or p.start) > since]

    def line(unit: str | None, target: int | None) -> UnitYear:
        mine = [p for p in pairs if owners[p.id] == unit]
        judged = [p.evaluation for p in sealed if owners[p.id] == unit and p.evaluation and p.evaluation.date
                  and since < p.evaluation.date <= day]
        return UnitYear(unit, target, sum(owners[p.id] == unit for p in new), len(mine),
                        sum(e.result == "出师" for e in judged), sum(e.result == "延期" for e in judged))

    rows = [line(q.unit, q.target) for q in programme.quotas] + [line(None, None)]
    return rows, new


@dataclass(frozen=True, slots=True)
class TierYear:
    tier: str
    year: int
    named: int
    quota: int
    allowance_per_person: int | None
    holders_so_far: int  # the people holding this tier in this year (named to it by then, not promoted since)
    paid: int  # of them, those still at work that year (the allowance runs to retirement)

    @property
    def allowance_total(self) -> int | None:
        """What the year's allowance costs: every holder at work that year is paid the year's allowance."""
        if self.allowance_per_person is None:
            return None
        return self.paid * self.allowance_per_person


def paid_in(master: Master, year: int) -> bool:
    """The Nanxun document: 考核津贴的发放时间将持续至退休 — paid up to and including the year of
    retirement (the year's allowance is earned by that year's work), never after."""
    return master.retired is None or master.retired.year >= year


def people_order(person: tuple[Master, str, int]) -> tuple[int, str, str]:
    """``talent_people``'s order: by year, tier, master."""
    return person[2], person[1], person[0].id


def talent_people_by_programme(registry: Registry, only: str | None = None) -> dict[str, list[tuple[Master, str, int]]]:
    """Each talent programme's selections (master, tier, year) in ``people_order``, by programme id, in one pass over
    the masters (a pass a programme took a second at L, with ten programmes); ``only``: that programme's alone."""
    found: dict[str, list[tuple[Master, str, int]]] = defaultdict(list)
    for master in registry.masters.values():
        for talent in master.talent:
            if only is None or talent.programme == only:
                found[talent.programme].append((master, talent.tier, talent.year))
    return {programme_id: sorted(people, key=people_order) for programme_id, people in found.items()}


def talent_people(registry: Registry, programme_id: str) -> list[tuple[Master, str, int]]:
    return talent_people_by_programme(registry, programme_id).get(programme_id, [])


def talent_holders(registry: Registry, programme: Programme, year: int,
                   people: list[tuple[Master, str, int]] | None = None) -> list[tuple[Master, str, int]]:
    """Who holds a tier in ``year``, once each: (master, the tier held, the year named to it).

    A person holds one tier at a time, the highest they were named to up to that year: the Nanxun
    document speaks of 晋升资格 (promotion) and pays each tier's 考核津贴 yearly until retirement,
    so a 技术标兵 promoted to 首席技工 is paid the 首席技工 allowance from then on, never both.
    Tiers rank as the programme lists them, highest first (南浔工匠, 首席技工, 技术标兵)."""
    rank = {t.name: i for i, t in enumerate(programme.tiers)}
    held = _held(rank, people if people is not None else talent_people(registry, programme.id), year)
    return sorted(held, key=lambda x: (rank.get(x[1], 99), x[2], x[0].id))


def _held(rank: Mapping[str, int], people: list[tuple[Master, str, int]], year: int) -> list[tuple[Master, str, int]]:
    """``talent_holders`` in no particular order (counting them needs none: sorting took most of the time)."""
    held: dict[str, tuple[Master, str, int]] = {}
    for person in people:
        if person[2] <= year:
            _hold(held, rank, person)
    return list(held.values())


def _hold(held: dict[str, tuple[Master, str, int]], rank: Mapping[str, int], person: tuple[Master, str, int]) -> None:
    """``person`` (master, tier, year named) taken into ``held``: a master holds the highest tier named to, the
    first naming to it."""
    before = held.get(person[0].id)
    if before is None or rank.get(person[1], 99) < rank.get(before[1], 99):
        held[person[0].id] = person


def _held_by_year(rank: Mapping[str, int], people: list[tuple[Master, str, int]],
                  years: list[int]) -> dict[int, list[tuple[Master, str, int]]]:
    """``_held`` for each of ``years``. People in the order of their years (``people_order``, as ``talent_people``
    gives them): a year's holders are those of the people named up to it, a prefix, so one pass builds every year's
    (a pass a year took 0.6 s at L, with ten programmes of ten years). Otherwise, a pass a year."""
    if any(people[i][2] > people[i + 1][2] for i in range(len(people) - 1)):
        return {year: _held(rank, people, year) for year in years}
    found: dict[int, list[tuple[Master, str, int]]] = {}
    held: dict[str, tuple[Master, str, int]] = {}
    at = 0
    for year in sorted(years):
        while at < len(people) and people[at][2] <= year:
            _hold(held, rank, people[at])
            at += 1
        found[year] = list(held.values())
    return {year: found[year] for year in years}


def talent_progress(registry: Registry, programme: Programme,
                    people: list[tuple[Master, str, int]] | None = None) -> tuple[Progress, list[TierYear]]:
    """Each tier's yearly selections against its quota and its holders that year (the allowance
    bill); the programme's total counts people, a promotion is no second person. ``people``:
    ``talent_people``'s, when the caller has them."""
    people = talent_people(registry, programme.id) if people is None else people
    counts = Counter((tier, year) for _, tier, year in people)
    rows: list[TierYear] = []
    years = [programme.start_year + offset for offset in range(programme.years)]
    rank = {t.name: i for i, t in enumerate(programme.tiers)}
    held = _held_by_year(rank, people, years)
    holding = {year: Counter(tier for _, tier, _ in held[year]) for year in years}
    paying = {year: Counter(tier for m, tier, _ in held[year] if paid_in(m, year)) for year in years}
    for tier in programme.tiers:
        for year in years:
            rows.append(TierYear(tier.name, year, counts.get((tier.name, year), 0), tier.per_year, tier.allowance_yuan_per_year,
                                 holding[year][tier.name], paying[year][tier.name]))
    first: dict[str, int] = {}
    for master, _, year in people:
        first[master.id] = min(year, first.get(master.id, year))
    return Progress(programme, len(first), years=_even_plan(programme, Counter(first.values()))), rows


REVOKED = "已撤销"


def studio_progress(registry: Registry, programme: Programme) -> tuple[Progress, dict[int, int]]:
    """The programme's progress counts the studios that still hold their name (a 已撤销 studio has lost it;
    one 整改中 keeps it while it rectifies); the yearly count against the cap counts every naming, in its year."""
    named = [s for s in registry.studios.values() if s.programme == programme.id and s.named is not None]
    standing = [s for s in named if s.status != REVOKED]
    by_year = Counter(s.named.year for s in named if s.named)
    standing_by_year = Counter(s.named.year for s in standing if s.named)
    return Progress(programme, len(standing), years=_even_plan(programme, standing_by_year)), dict(sorted(by_year.items()))


@dataclass(frozen=True, slots=True)
class Lineage:
    """Who trained whom: every master's pairs, and the pairs whose apprentice later became a master."""

    taught: dict[str, list[Pair]]
    taught_by: dict[str, list[Pair]]

    @classmethod
    def of(cls, registry: Registry) -> Lineage:
        taught: dict[str, list[Pair]] = defaultdict(list)
        taught_by: dict[str, list[Pair]] = defaultdict(list)
        for pair in sorted(registry.pairs.values(), key=lambda p: (p.start, p.id)):
            taught[pair.master].append(pair)
            if pair.apprentice.master:
                taught_by[pair.apprentice.master].append(pair)
        return cls(dict(taught), dict(taught_by))

    def tree(self, master_id: str, depth: int = 4) -> list[dict[str, Any]]:
        """The master's pairs, each with the pairs its apprentice later led as a master, generations deep."""

        def branch(current: str, seen: frozenset[str], level: int) -> list[dict[str, Any]]:
            nodes: list[dict[str, Any]] = []
            for pair in self.taught.get(current, []):
                later = pair.apprentice.master
                go_on = later is not None and later not in seen and level < depth
                children = branch(later, seen | {later}, level + 1) if go_on and later else []
                nodes.append({"pair": pair, "later_master": later, "children": children})
            return nodes

        return branch(master_id, frozenset({master_id}), 1)

    def teachers(self, master_id: str) -> list[Pair]:
        return self.taught_by.get(master_id, [])
