"""Server-rendered SVG charts for the queue health page: geometry only, drawn by
templates/admin/reviews/submission/_chart.html with SVG attributes and the classes of
static/css/admin.css (the CSP allows no inline style or script, and no chart library is needed).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28  # the plot's margins: axis labels go there
NAME_WIDTH = 170  # horizontal bars: the reviewers' names on the left
ROW = 28


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int  # 0, 1: the class that colours it
    tooltip: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    grid: list[GridLine]
    legend: list[str]  # one name per series, for the legend under the chart


def nice_ceiling(value: float, least: float = 1) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^n at or above value, and at least `least`."""
    if value <= least:
        return least
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def whole_ceiling(value: float) -> int:
    """A scale top for counts: an even whole number, so the axis' middle line is whole too
    (a queue of 1 read "0.5" halfway up)."""
    return max(2, 2 * math.ceil(nice_ceiling(value) / 2))


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2g}"


def _y_axis(top_value: float, plot_top: float, plot_bottom: float, right: float):
    grid, labels = [], []
    for fraction in (0, 0.5, 1):
        y = plot_bottom - fraction * (plot_bottom - plot_top)
        grid.append(GridLine(LEFT, y, right, y))
        labels.append(Label(LEFT - 6, y + 4, _number(top_value * fraction), "end"))
    return grid, labels


def columns(
    groups: Sequence[tuple[str, Sequence[float | None]]],
    *,
    legend: Sequence[str],
    unit: str,
    label_every: int,
    whole: bool = False,
) -> Chart:
    """Vertical bars: one group per x position (a day, a week), one bar per series in it.

    groups: (x label, values per series); None draws no bar (no data). Every label_every-th
    group's label is written under the axis, and always the last (at the right edge, and the
    regular one before it only if there is room). whole: the values are counts, and the axis
    reads whole numbers.
    """
    plot_right, plot_top, plot_bottom = WIDTH - RIGHT, TOP, HEIGHT - BOTTOM
    values = [v for _, vs in groups for v in vs if v is not None]
    top = max(values, default=0)
    top_value = whole_ceiling(top) if whole else nice_ceiling(top)
    grid, labels = _y_axis(top_value, plot_top, plot_bottom, plot_right)
    slot = (plot_right - LEFT) / max(len(groups), 1)
    series = max((len(vs) for _, vs in groups), default=1)
    gap = slot * (0.2 if slot > 8 else 0.1)
    bar_width = (slot - gap) / series
    bars = []
    for index, (name, group_values) in enumerate(groups):
        x = LEFT + index * slot + gap / 2
        for number, value in enumerate(group_values):
            if value is None:
                continue
            height = (plot_bottom - plot_top) * value / top_value
            bars.append(
                Bar(
                    round(x + number * bar_width, 2),
                    round(plot_bottom - height, 2),
                    round(bar_width, 2),
                    round(height, 2),
                    number,
                    f"{name}: {legend[number]} {_number(value)} {unit}",
                )
            )
        last = len(groups) - 1
        if index == last:
            labels.append(Label(plot_right, HEIGHT - 8, name, "end"))
        elif index % label_every == 0 and last - index > label_every // 2:
            labels.append(Label(round(LEFT + (index + 0.5) * slot, 2), HEIGHT - 8, name))
    return Chart(WIDTH, HEIGHT, bars, labels, grid, list(legend))


def horizontal_bars(rows: Sequence[tuple[str, float]], *, unit: str) -> Chart:
    """One horizontal bar per row (a reviewer), its name on the left and its value at its end."""
    height = TOP + max(len(rows), 1) * ROW + BOTTOM
    right = WIDTH - 60
    top_value = nice_ceiling(max((value for _, value in rows), default=0), least=0.01)
    bars, labels = [], []
    grid = [GridLine(NAME_WIDTH, TOP, NAME_WIDTH, height - BOTTOM)]
    for index, (name, value) in enumerate(rows):
        y = TOP + index * ROW
        length = (right - NAME_WIDTH) * value / top_value
        bars.append(
            Bar(NAME_WIDTH, y + 4, round(length, 2), ROW - 8, 0, f"{name}: {value:.2f} {unit}")
        )
        labels.append(Label(NAME_WIDTH - 8, y + ROW / 2 + 4, name[:24], "end"))
        value_x = round(NAME_WIDTH + length + 6, 2)
        labels.append(Label(value_x, y + ROW / 2 + 4, f"{value:.2f}", "start"))
    return Chart(WIDTH, height, bars, labels, grid, [])
