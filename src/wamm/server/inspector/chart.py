"""Server-made SVG charts: a grouped bar chart of daily counts, drawn without JavaScript.

Every text in the drawing (day labels, series names) is escaped; colours come from the
stylesheet through each series' class (`bar-<series>`), so the SVG needs no style attribute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 28  # room for the axes' labels
TICKS = 4  # horizontal grid lines above zero


def _scale_top(highest: int) -> int:
    """The y axis' top: the highest count rounded up to a multiple of TICKS (at least TICKS)."""
    return max(TICKS, -(-highest // TICKS) * TICKS)


def _grid(top: int, plot_height: float) -> list[str]:
    lines = []
    for tick in range(TICKS + 1):
        value = top * tick // TICKS
        y = TOP + plot_height - plot_height * tick / TICKS
        lines.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
        )
        lines.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}">{value}</text>')
    return lines


def daily_bars(days: Sequence[str], series: Mapping[str, Sequence[int]], title: str) -> Markup:
    """One group of bars per day (`days` are its labels), one bar per series in each group."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    top = _scale_top(max((v for values in series.values() for v in values), default=0))
    group = plot_width / max(len(days), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [
        f'<svg class="chart" data-testid="analytics-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        *_grid(top, plot_height),
    ]
    for index, day in enumerate(days):
        x0 = LEFT + group * index + group * 0.1
        for position, (name, values) in enumerate(series.items()):
            value = values[index]
            height = plot_height * value / top
            parts.append(
                f'<rect class="bar bar-{escape(name)}" x="{x0 + bar * position:.1f}" '
                f'y="{TOP + plot_height - height:.1f}" width="{bar:.1f}" height="{height:.1f}">'
                f"<title>{escape(name)} on {escape(day)}: {value}</title></rect>"
            )
        middle = LEFT + group * index + group / 2
        parts.append(f'<text class="day" x="{middle:.1f}" y="{HEIGHT - 8}">{escape(day)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # numbers we computed and escaped texts only
