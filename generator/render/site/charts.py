"""Chart geometry for inline SVG (drawn by templates in site_templates/charts).

Computed at build time: no script, no CDN, and the chart prints as it shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    x: float
    width: float
    y: float
    height: float
    value: int
    series: int  # 0 = actual, 1 = plan or limit


@dataclass(frozen=True, slots=True)
class ColumnChart:
    title: str
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    labels: list[tuple[str, float]]  # x-axis labels and their centre
    max_value: int
    legend: tuple[str, str]


def columns(title: str, rows: list[tuple[str, int, int]], legend: tuple[str, str], width: int = 640, height: int = 240) -> ColumnChart:
    """Paired columns per category: (label, actual, plan)."""
    top, bottom, left, right = 28, 32, 8, 8
    plot_h = height - top - bottom
    peak = max([1] + [max(a, p) for _, a, p in rows])
    slot = (width - left - right) / max(1, len(rows))
    bar_w = slot * 0.36
    bars, labels = [], []
    for i, (label, actual, plan) in enumerate(rows):
        x0 = left + i * slot + slot * 0.12
        for series, value in ((0, actual), (1, plan)):
            h = plot_h * value / peak
            bars.append(Bar(label, round(x0 + series * bar_w, 1), round(bar_w, 1), round(top + plot_h - h, 1), round(h, 1), value, series))
        labels.append((label, round(left + i * slot + slot / 2, 1)))
    return ColumnChart(title, width, height, top + plot_h, bars, labels, peak, legend)


def percent_width(done: int, target: int) -> float:
    """Width of a progress bar, in percent, capped at 100."""
    if target <= 0:
        return 100.0
    return round(min(100.0, 100.0 * done / target), 1)
