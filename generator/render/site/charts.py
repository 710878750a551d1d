"""Chart geometry, computed at build time and drawn by the templates as plain HTML.

Each row compares a figure with its plan as a share of the plan, so the chart
reads the same whether the plan is 6 or 1,100: a 0.2 % bar is as honest as a
90 % one, and the figures themselves are printed beside every bar. Rows never
share a line, so labels cannot overlap; HTML text stays legible on a phone and
prints as it shows. No script, no CDN.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model.progress import percent

# The bar's track runs to at least 100 % of the plan, and past it (up to this) when a row exceeds it.
MAX_SCALE = 150.0


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    actual: int
    plan: int
    percent: str  # actual as a share of plan, in words ("<1%" rather than a misleading "0%")
    width: float  # of the filled bar, in % of the track
    behind: bool  # below plan in a year that has come (shown in words as well as colour)


@dataclass(frozen=True, slots=True)
class PlanChart:
    title: str
    actual_label: str
    plan_label: str
    rows: list[Row]
    plan_at: float  # where 100 % of plan sits on the track, in %
    flag: str  # the words beside a row below plan ("" when being below is no fault, as under a limit)


def share_text(actual: int, plan: int) -> str:
    """The share said in words, rounded half up like every other percentage (model.progress.percent)."""
    if plan <= 0:
        return "100%" if actual else "0%"
    if 0 < actual and 100 * actual < plan:
        return "<1%"
    return f"{percent(actual, plan)}%"


def against_plan(title: str, rows: list[tuple[int, int, int]], legend: tuple[str, str], *,
                 this_year: int | None = None, flag: str = "") -> PlanChart:
    """One row a year: (year, actual, plan). Years after ``this_year`` are never flagged."""
    shares = [100.0 * a / p if p > 0 else (100.0 if a else 0.0) for _, a, p in rows]
    scale = min(MAX_SCALE, max([100.0, *shares]))
    drawn = [Row(str(year), actual, plan, share_text(actual, plan), round(min(share, scale) * 100 / scale, 1),
                 bool(flag) and plan > 0 and actual < plan and (this_year is None or year <= this_year))
             for (year, actual, plan), share in zip(rows, shares, strict=True)]
    return PlanChart(title, legend[0], legend[1], drawn, round(100 * 100 / scale, 1), flag)


def percent_width(done: int, target: int) -> float:
    """Width of a progress bar, in percent, capped at 100."""
    if target <= 0:
        return 100.0
    return round(min(100.0, 100.0 * done / target), 1)
