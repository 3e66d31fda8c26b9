"""The server-made SVG bar chart: geometry from the counts, escaped texts, no style."""

from __future__ import annotations

import re

from wamm.server.inspector.chart import BOTTOM, HEIGHT, TOP, daily_bars

PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


def bars(svg: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<rect [^>]*>", svg)
    ]


def test_each_day_has_one_bar_per_series_scaled_to_the_highest_count() -> None:
    svg = str(daily_bars(["01-01", "01-02"], {"sent": [8, 2], "read": [4, 0]}, "promo"))
    drawn = bars(svg)
    assert [b["class"] for b in drawn] == ["bar bar-sent", "bar bar-read"] * 2
    heights = [float(b["height"]) for b in drawn]
    assert heights == [PLOT_HEIGHT, PLOT_HEIGHT / 2, PLOT_HEIGHT / 4, 0.0]
    # Each bar stands on the x axis.
    assert {round(float(b["y"]) + float(b["height"]), 1) for b in drawn} == {TOP + PLOT_HEIGHT}
    assert "<title>sent on 01-01: 8</title>" in svg
    assert re.findall(r'class="tick"[^>]*>(\d+)<', svg) == ["0", "2", "4", "6", "8"]
    assert "style=" not in svg and "<script" not in svg


def test_an_empty_range_still_draws_its_axis() -> None:
    svg = str(daily_bars(["01-01"], {"sent": [0]}, "nothing yet"))
    assert [float(b["height"]) for b in bars(svg)] == [0.0]
    assert re.findall(r'class="tick"[^>]*>(\d+)<', svg) == ["0", "1", "2", "3", "4"]


def test_texts_are_escaped() -> None:
    xss = "<img src=x onerror=alert(1)>"
    svg = str(daily_bars([xss], {"sent": [1]}, xss))
    assert "<img" not in svg
    assert svg.count("&lt;img src=x onerror=alert(1)&gt;") == 4  # label, title, aria, bar title
